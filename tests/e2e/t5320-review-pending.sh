#!/bin/sh
test_description='review lists what is pending across runs (each record newest state, minus what was decided or linked since; --run N narrows), suggests records created as new whose name is close to a finance record (with a score, never merged), and a near-duplicate link decision re-links the record on the next run'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# Finance already has "Stark Industries Inc." (the CRM's Stark Industries
# but for the legal form), "Wayne Enterprize" (a typo of Wayne Enterprises)
# and "Initrode" (not Initech: too many letters apart).
sandbox_start "$FIXTURES/base"
STARK_FIN=$(ctl POST /finance/books/contacts '{"data":[{"contact_name":"Stark Industries Inc.","company_name":"Stark Industries Inc.","contact_type":"customer","customer_sub_type":"business"}]}' | jq -r '.ids[0]')
WAYNE_FIN=$(ctl POST /finance/books/contacts '{"data":[{"contact_name":"Wayne Enterprize","company_name":"Wayne Enterprize","contact_type":"customer","customer_sub_type":"business"}]}' | jq -r '.ids[0]')
ctl POST /finance/books/contacts '{"data":[{"contact_name":"Initrode","company_name":"Initrode","contact_type":"customer","customer_sub_type":"business"}]}' >/dev/null
GLOBEX=4150868000000087004 GLOBEX_FIN=460000000026049 STARK=4150868000000087007 WAYNE=4150868000000087008 ACME2=4150868000000087002 WIDGET=4150868000000089001
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"skip"},"items":{"on_duplicate":"skip"}}'
run_ok job.json
STARK_NEW=$(ledger_query state "select finance_id from links where crm_id = '$STARK'")
[ -n "$STARK_NEW" ] && [ "$STARK_NEW" != "$STARK_FIN" ] || fail "Stark was not created as new: '$STARK_NEW'"
run_ok job.json           # an incremental run: nothing changed, nothing to list of its own

# Without --run: run 1's pending records, although run 2 is the newest.
# Near-duplicates carry their candidate and score; no other created record is listed.
listing() {
	python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    r = {k: v[2:-1] if v.startswith("=\"") else v for k, v in r.items()}
    print("|".join([r["run"], r["crm_id"], r["action"], r["match"], r["candidate_ids"], r["candidate_names"], r["score"]]))
' "$1" | sort
}
finsync_exit 0 review job.json -o all.csv
assert_eq "all.csv: 5 records to review (from 1 run)" "$(cat "$WORK/out")" "summary"
assert_eq "1|$ACME2|skip|name|||
1|$GLOBEX|skip|name|$GLOBEX_FIN|Globex Corporation|
1|$STARK|create|similar name|$STARK_FIN|Stark Industries Inc.|96
1|$WAYNE|create|similar name|$WAYNE_FIN|Wayne Enterprize|88
1|$WIDGET|skip|sku|460000000027001|Widget Pro|" "$(listing all.csv)" "pending across runs"
grep -q "created as new; possibly the same as finance customer $STARK_FIN (score 96: the same words apart from accents, legal form, punctuation, case or word order); nothing is merged" all.csv ||
	fail "near-duplicate reason: $(cat all.csv)"
assert_eq "$STARK_NEW" "$(ledger_query state "select finance_id from links where crm_id = '$STARK'")" "nothing merged by listing"
finsync_exit 0 review job.json --run 2 -o run2.csv
assert_eq "run2.csv: 0 records of run 2 to review" "$(cat "$WORK/out")" "--run 2"
assert_eq 1 "$(wc -l <run2.csv)" "--run 2: the header alone"

# Decisions: Stark is the finance Stark Industries Inc.; Wayne stays apart
# (create); a create for Widget Pro cannot work (its SKU is taken); skip
# for ACME; skip for a created record cannot undo its create.
printf 'run,entity,crm_id,decision\r\n1,customers,%s,link:%s\r\n1,customers,%s,create\r\n1,items,%s,create\r\n1,customers,%s,skip\r\n' \
	"$STARK" "$STARK_FIN" "$WAYNE" "$WIDGET" "$ACME2" >d.csv
finsync_exit 1 review job.json --apply d.csv
grep -q "d.csv line 4: create cannot work: Zoho Books refuses a second item with the SKU 'WP-100'" "$WORK/err" || fail "SKU create: $(cat "$WORK/err")"
assert_eq "d.csv: 3 decisions recorded (1 link, 1 create, 1 skip), 0 rows without a decision, 1 rows ignored" "$(sed -n 1p "$WORK/out")" "apply"
grep -q "d.csv line 2: finance customer $STARK_NEW, created for CRM record $STARK, is left in Zoho Books: delete it there" "$WORK/out" ||
	fail "left-behind record not named: $(cat "$WORK/out")"
assert_eq "" "$(ledger_query state "select finance_id from links where crm_id = '$STARK'")" "the create's link dropped"
# Decided records are no longer pending; Widget Pro (refused) still is.
finsync_exit 0 review job.json -o left.csv
assert_eq "1|$GLOBEX|skip|name|$GLOBEX_FIN|Globex Corporation|
1|$WIDGET|skip|sku|460000000027001|Widget Pro|" "$(listing left.csv)" "left after the decisions"

# The next run cannot link Stark yet: the record its create made still
# carries its CRM id (a unique field in the app).  It says so, and the
# record is pending again.
run_ok job.json
ledger_query state "select action || '|' || match || '|' || reason from events where run_id = 3 and crm_id = '$STARK'" |
	grep -q "^skip|review|review of 20..-..-.. links it to existing finance customer 'Stark Industries Inc.' ($STARK_FIN), but finance customer 'Stark Industries' ($STARK_NEW) still carries its CRM id: delete that record in the app, then the next run links it$" ||
	fail "link waits: $(ledger_query state "select reason from events where run_id = 3 and crm_id = '$STARK'")"
finsync_exit 0 review job.json -o wait.csv
listing wait.csv | grep -q "^3|$STARK|skip|review|$STARK_FIN|Stark Industries Inc.|$" || fail "not pending again: $(cat wait.csv)"

# The analyst deletes it; the next run follows the link: Stark updates the finance Stark Industries Inc.
curl -sf -o /dev/null -X DELETE -H "Authorization: Zoho-oauthtoken $(fresh_token fin)" \
	"$SANDBOX_URL/books/v3/contacts/$STARK_NEW?organization_id=10234695" || fail "cannot delete $STARK_NEW"
run_ok job.json
assert_eq "update|review|$STARK_FIN" "$(ledger_query state "select action || '|' || match || '|' || finance_id from events where run_id = 4 and crm_id = '$STARK'")" "link followed"
assert_eq "$STARK_FIN" "$(ledger_query state "select finance_id from links where crm_id = '$STARK'")" "Stark linked to the chosen record"
assert_eq "$STARK" "$(store books contacts | jq -r ".[] | select(.contact_id == \"$STARK_FIN\") | .custom_field_hash.cf_crm_id")" "the chosen record carries the CRM id"
assert_eq "$WAYNE" "$(store books contacts | jq -r ".[] | select(.contact_name == \"Wayne Enterprises\") | .custom_field_hash.cf_crm_id")" "Wayne kept apart"
# A full run reads everything again: nothing decided comes back.
run_ok job.json --full
finsync_exit 0 review job.json -o full.csv
assert_eq "5|$GLOBEX|skip|name|$GLOBEX_FIN|Globex Corporation|
5|$WIDGET|skip|sku|460000000027001|Widget Pro|" "$(listing full.csv)" "after a full run: their newest state"
