#!/bin/sh
test_description='reconcile: exit 0 after a clean sync; a deleted, an orphaned, a doubled and a drifted record are each named (JSON shape exact, CSV, table), exit 1; it writes nothing to either side; the HTML history shows the last reconcile'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'
ORG=10234695

api() {   # api METHOD PATH [BODY]: the finance API as a user of the app
	curl -sf -X "$1" -H "Authorization: Zoho-oauthtoken $TOKEN" -H 'Content-Type: application/json' \
		${3:+--data-binary "$3"} "$SANDBOX_URL/books/v3$2?organization_id=$ORG"
}
link_of() { ledger_query state "select finance_id from links where entity = 'customers' and crm_id = '$1'"; }

run_ok job.json
seq=$(last_seq)
finsync_exit 0 reconcile --format json job.json
assert_eq 0 "$(writes_since "$seq")" "writes sent by reconcile"
jq -e 'keys == ["customers", "items"] and (.customers | keys_unsorted) == ["in_scope","linked","missing","orphaned","doubled","drifted"]
	and ([.[] | .missing, .orphaned, .doubled, .drifted | length] | add) == 0' "$WORK/out" >/dev/null ||
	fail "clean reconcile: $(cat "$WORK/out")"
accounts=$(ctl GET /store/crm/Accounts | jq '.records | length')
assert_eq "$accounts" "$(jq .customers.in_scope "$WORK/out")" "customers in scope"
assert_eq "$(ledger_query state "select count(*) from links where entity = 'customers' and state = 'linked'")" \
	"$(jq .customers.linked "$WORK/out")" "customers linked"
assert_eq 1 "$(ledger_query state 'select count(*) from reconciles where off = 0')" "the clean reconcile's summary"

# Four things go wrong in the finance app.
TOKEN=$(fresh_token fin)
set -- $(ledger_query state "select crm_id from links where entity = 'customers' and state = 'linked' order by crm_id limit 3")
gone=$1 twice=$2 changed=$3
api DELETE "/contacts/$(link_of "$gone")" >/dev/null || fail "cannot delete"
orphan=$(ctl POST /finance/books/contacts '{"data":[{"contact_name":"Someone Else Ltd","contact_type":"customer",
	"custom_fields":[{"api_name":"cf_crm_id","value":"4150868000999999999"}]}]}' | jq -r '.ids[0]')
double=$(ctl POST /finance/books/contacts '{"data":[{"contact_name":"A Copy","contact_type":"customer",
	"custom_fields":[{"api_name":"cf_crm_id","value":"'"$twice"'"}]}]}' | jq -r '.ids[0]')
# A user edits a linked record later on (the sandbox clock moves past the clocks' allowance).
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null
ctl POST /clock '{"advance":600}' >/dev/null
TOKEN=$(fresh_token fin)
api PUT "/contacts/$(link_of "$changed")" '{"contact_name":"Renamed By Hand Inc","notes":"edited by hand"}' >/dev/null || fail "cannot edit"

seq=$(last_seq)
finsync_exit 1 reconcile --format json job.json
assert_eq 0 "$(writes_since "$seq")" "writes sent by reconcile"
r=$(jq -c .customers "$WORK/out")
assert_eq "[\"$gone\"]" "$(echo "$r" | jq -c .missing)" "missing"
assert_eq "$(printf '%s\n%s\n' "$orphan" "$double" | sort | jq -Rsc 'split("\n") | map(select(. != ""))')" \
	"$(echo "$r" | jq -c .orphaned)" "orphaned (the copy carries an id no link pairs with it)"
assert_eq "[\"$twice\"]" "$(echo "$r" | jq -c .doubled)" "doubled"
assert_eq "[\"$changed\"]" "$(echo "$r" | jq -c .drifted)" "drifted"
linked=$(ledger_query state "select count(*) from links where entity = 'customers' and state = 'linked'")
assert_eq "$accounts $((linked - 1))" "$(echo "$r" | jq -r '"\(.in_scope) \(.linked)"')" "in scope and linked (live: not the deleted one)"
jq -e '.items | (.missing, .orphaned, .doubled, .drifted) == []' "$WORK/out" >/dev/null || fail "items: $(jq -c .items "$WORK/out")"

# CSV to a file: one row per record amiss; the table names them too.
finsync_exit 1 reconcile --format csv -o off.csv job.json
assert_eq "entity,problem,crm_id,finance_id" "$(head -1 off.csv | tr -d '\r')" "csv header"
assert_eq 5 "$(tail -n +2 off.csv | wc -l | tr -d ' ')" "csv rows"
# An id may be written ="..." (kept as text by a spreadsheet): read back as its digits.
tr -d '\r' <off.csv | sed 's/"=""\([0-9]*\)"""/\1/g' >off.plain
grep -qx "customers,missing,$gone," off.plain || fail "csv missing row: $(cat off.csv)"
grep -qx "customers,orphaned,,$orphan" off.plain || fail "csv orphan row: $(cat off.csv)"
finsync_exit 1 reconcile job.json
grep -q "^customers: drifted: CRM record $changed$" "$WORK/out" || grep -q "^customers drifted: CRM record $changed$" "$WORK/out" ||
	fail "table: $(cat "$WORK/out")"

# The ledger keeps the last summary; the HTML report shows it.
assert_eq 5 "$(ledger_query state 'select off from reconciles order by id desc limit 1')" "summary: records amiss"
finsync_exit 0 history --format html -o report.html job.json
grep -q 'Last reconcile' report.html || fail "no reconcile in the HTML report"
grep -q 'doubled' report.html || fail "the report does not name the kinds"

# A job that never ran has nothing to reconcile.
jq '.state_dir = "never"' job.json >never.json
finsync_exit 2 reconcile never.json
grep -q "has not run yet" "$WORK/err" || fail "never ran: $(cat "$WORK/err")"
