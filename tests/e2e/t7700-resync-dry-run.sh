#!/bin/sh
test_description='resync fetches one record by id and syncs it; run --dry-run plans with counts and a CSV, and writes nothing'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts"},"items":{}}'

# Dry run: the plan, its counts and CSV, and not one write to either side.
seq=$(last_seq)
finsync run --dry-run job.json >out 2>err || fail "dry run: $(cat err)"
assert_eq 0 "$(writes_since "$seq")" "writes in a dry run"
grep -q "customers: would be 6 added" out || fail "dry-run summary: $(cat out)"
csv=$(sed -n 's/^plan for customers: //p' out)
[ -f "$csv" ] || fail "no plan CSV: $(cat out)"
grep -q "create" "$csv" || fail "plan CSV without actions"
assert_eq 0 "$(ledger_query state "select count(*) from links")" "links after a dry run"

run_ok job.json
# One account changes in the CRM; a resync of it syncs just it, whatever the watermark.
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087005","Account_Name":"Initech","Industry":"Technology","Website":"https://initech.example.com","Modified_Time":"2020-01-01T00:00:00+00:00"}]}' >/dev/null
mark=$(ledger_query state "select modified_since from watermarks where entity = 'customers'")
seq=$(last_seq)
finsync resync job.json customers 4150868000000087005 >out 2>err || fail "resync: $(cat err)"
assert_eq 1 "$(writes_since "$seq")" "writes of a resync"
assert_eq "https://initech.example.com" "$(store books contacts | jq -r '.[] | select(.contact_name == "Initech") | .website')" "resync applied"
assert_eq 2 "$(store books contacts | jq '.[] | select(.contact_name == "Initech") | .contact_persons | length')" "persons kept"
ctl GET "/requests?since=$seq" | jq -r '.requests[] | select(.path == "/crm/v8/Accounts") | .query' | grep -q "ids=4150868000000087005" ||
	fail "resync did not read by id"
assert_eq "$mark" "$(ledger_query state "select modified_since from watermarks where entity = 'customers'")" "watermark moved by a resync"
expect_exit 2 finsync resync job.json customers 4150868000000000000 2>err
grep -q "no Accounts record with id '4150868000000000000'" err || fail "unknown id: $(cat err)"
expect_exit 2 finsync resync job.json deals 1 2>err
