#!/bin/sh
test_description='base currency: CRM in USD, Books in EUR: run and check exit 3 naming both, nothing is written'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
cp -r "$FIXTURES/base" seed
jq '.currency_code = "EUR" | .currency_symbol = "€"' seed/finance/org.json >org.tmp && mv org.tmp seed/finance/org.json
sandbox_start "$WORK/seed"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'
MESSAGE="base currencies differ: Zoho CRM USD, Zoho Books EUR; finsync writes nothing until they match"

# check: every side reachable, the comparison fails.
finsync_exit 3 check job.json
grep -q "^ok   crm: .*base currency USD" out || fail "check crm line: $(cat out)"
grep -q "^ok   finance: .*base currency EUR" out || fail "check finance line: $(cat out)"
grep -qF "FAIL currency: $MESSAGE" out || fail "check currency line: $(cat out)"
grep -qF "$MESSAGE" err || fail "check error: $(cat err)"

# run: stops before any write, exit 3, the run recorded as aborted with the reason.
contacts=$(store_count books contacts)
items=$(store_count books items)
seq=$(last_seq)
finsync_exit 3 run job.json
grep -qF "$MESSAGE" err || fail "run error: $(cat err)"
assert_eq 0 "$(writes_since "$seq")" "writes of a run with different currencies"
assert_eq "$contacts" "$(store_count books contacts)" "Books contacts"
assert_eq "$items" "$(store_count books items)" "Books items"
assert_eq 0 "$(ledger_query state "select count(*) from links")" "links"
assert_eq "aborted" "$(ledger_query state "select status from runs order by id desc limit 1")" "run status"
ledger_query state "select error from runs order by id desc limit 1" | grep -qF "$MESSAGE" || fail "run error in the ledger"
# Nor does a load alone write (it continues the latest run).
finsync_exit 3 load job.json
assert_eq 0 "$(writes_since "$seq")" "writes of a load with different currencies"

# A CSV export says nothing about currency: no comparison, the run goes ahead.
mkdir export
cp "$FIXTURES/csv/Accounts.csv" export/
jq '.crm = {"type": "csv", "dir": "export"} | .state_dir = "state-csv"' job.json >csv.json
finsync_exit 0 check csv.json
grep -q "^ok   currency: Zoho Books uses EUR; the CRM does not say" out || fail "csv check: $(cat out)"
run_ok csv.json

# Same currency (the base seed): check passes, the run writes.
sandbox_stop
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'
finsync_exit 0 check job.json
grep -q "^ok   currency: both sides use USD" out || fail "check with USD on both sides: $(cat out)"
run_ok job.json
