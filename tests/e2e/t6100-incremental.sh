#!/bin/sh
test_description='incremental: after changing 3 of 2,500 CRM accounts the next run sends If-Modified-Since and writes exactly those 3; a deleted account stays in finance, its link source_deleted'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
jq -n '{data: [range(0; 2492) | {id: ("41508680002" + (. + 100000000 | tostring)),
	Account_Name: ("Nightly Account \(.)"), Industry: "Retail", Modified_Time: "2026-02-01T10:00:00+05:30"}]}' >accounts.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @accounts.json \
	"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot seed accounts"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
run_ok job.json
assert_eq 2498 "$(ledger_query state "select count(*) from links")" "first run links"
mark=$(ledger_query state "select modified_since from watermarks where entity = 'customers'")
crm_time=$(jq -r .crm_time state/staging/1/extract/manifest.json)
assert_eq "$crm_time" "$mark" "watermark = the CRM's clock at the first run's first list answer"

# Three accounts change in the CRM.
ctl POST /crm/Accounts '{"data":[
	{"id":"41508680002100000000","Account_Name":"Nightly Account 0","Industry":"Retail","Website":"https://n0.example.com"},
	{"id":"41508680002100000100","Account_Name":"Nightly Account 100 Renamed","Industry":"Retail"},
	{"id":"4150868000000087006","Account_Name":"Umbrella Holdings","Industry":"Biotech","Phone":"+1 555 0199"}]}' >/dev/null
seq=$(last_seq)
run_ok job.json
reqs=$(ctl GET "/requests?since=$seq")
echo "$reqs" | jq -e '[.requests[] | select(.path == "/crm/v8/Accounts")] | length == 1' >/dev/null ||
	fail "more than one list call for 3 changes: $(echo "$reqs" | jq -c '[.requests[] | select(.api == "crm") | .query]')"
assert_eq 3 "$(echo "$reqs" | jq '[.requests[] | select(.api == "books" and .method != "GET")] | length')" "finance writes"
grep -q "customers: 0 added, 3 updated" run.out || fail "summary: $(cat run.out)"
assert_eq "Nightly Account 100 Renamed" "$(store books contacts | jq -r '.[] | select(.custom_field_hash.cf_crm_id == "41508680002100000100") | .contact_name')" "rename applied"
# The sandbox logs the If-Modified-Since it got: watermark less 300 s, with an explicit offset.
ims=$(echo "$reqs" | jq -r '[.requests[] | select(.path == "/crm/v8/Accounts")][0].if_modified_since // empty')
if [ -n "$ims" ]; then
	case $ims in *+00:00) ;; *) fail "If-Modified-Since without an offset: $ims" ;; esac
fi
grep -q "reading changes since" run.err || fail "no incremental read: $(cat run.err)"

# An account is deleted in the CRM: kept in finance, its link source_deleted, counted.
before=$(store books contacts | jq length)
curl -sf -X DELETE "$SANDBOX_URL/__control/crm/Accounts/4150868000000087007" >/dev/null || fail "cannot delete"
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "writes for a deletion"
assert_eq "$before" "$(store books contacts | jq length)" "finance records after a CRM deletion"
assert_eq source_deleted "$(ledger_query state "select state from links where crm_id = '4150868000000087007'")" "link state"
assert_eq 1 "$(ledger_query state "select deleted from run_stats where run_id = (select max(id) from runs) and entity = 'customers' and stage = 'load'")" "deleted count"
finsync history job.json --format json | jq -e '.[0].entities.customers.deleted == 1' >/dev/null || fail "history lacks the deletion"
# The next run does not mark it again.
run_ok job.json
assert_eq 0 "$(ledger_query state "select deleted from run_stats where run_id = (select max(id) from runs) and entity = 'customers' and stage = 'load'")" "deleted again"
