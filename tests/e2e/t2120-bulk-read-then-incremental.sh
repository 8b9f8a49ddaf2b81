#!/bin/sh
test_description='crm.read bulk: the first (full) run reads by Bulk Read, the next (incremental) run keeps the list API and makes no job'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /bulk_read '{"added_ms": 20, "in_progress_ms": 50}' >/dev/null

write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
jq '.crm.read = "bulk"' job.json >job.tmp && mv job.tmp job.json
run_ok job.json
reqs=$(ctl GET /requests)
assert_eq 1 "$(echo "$reqs" | jq '[.requests[] | select(.method == "POST" and .path == "/crm/bulk/v8/read")] | length')" "jobs of run 1"
assert_eq 0 "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Accounts")] | length')" "listings of run 1"
linked=$(ledger_query state "select count(*) from links where entity = 'customers'")

seq=$(last_seq)
sleep 1
jq -n '{data: [{id: "4150868000000087005", Account_Name: "Initech", Industry: "Energy",
	Billing_City: "Capital City"}]}' >change.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @change.json \
	"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot change an account"
run_ok job.json
reqs=$(ctl GET "/requests?since=$seq")
assert_eq 0 "$(echo "$reqs" | jq '[.requests[] | select(.path | startswith("/crm/bulk/"))] | length')" "Bulk Read calls of run 2"
assert_eq 0 "$(echo "$reqs" | jq '[.requests[] | select(.path | endswith("/actions/count"))] | length')" "counts of run 2"
[ "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Accounts")] | length')" -ge 1 ] || fail "run 2 did not list"
assert_eq 1 "$(zcat state/staging/2/extract/accounts.ndjson.gz | wc -l)" "accounts read by run 2 (the one changed)"
assert_eq "$linked" "$(ledger_query state "select count(*) from links where entity = 'customers'")" "links after run 2"
assert_eq "Capital City" "$(store books contacts | jq -r '.[] | select(.contact_name == "Initech") | .billing_address.city')" \
	"the change reached Books"
