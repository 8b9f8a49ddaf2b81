#!/bin/sh
test_description='budget: a spent daily budget stops the run cleanly (exit 5, says how many records wait); the next run finishes the rest'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
# 1 currency check, 1 custom-field list (the set-up check), 2 list calls (customers and
# vendors snapshots), 2 reads by id (the unlinked Books customers: list rows carry no
# custom fields) and 6 creates are needed; allow 9 calls.
jq '.finance.daily_budget = 9' job.json >j && mv j job.json

expect_exit 5 finsync run job.json >out 2>err
grep -q "the daily budget of 9 calls (finance.daily_budget) is spent for today (UTC); 3 customers records wait for the next run" err ||
	fail "no budget message: $(cat err)"
assert_eq 3 "$(store books contacts | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "created before the budget ran out"
assert_eq budget "$(ledger_query state "select status from runs where id = 1")" "run status"
assert_eq 9 "$(ledger_query state "select calls from api_usage where api = 'finance'")" "calls counted"
assert_eq "" "$(ledger_query state "select modified_since from watermarks")" "watermark advanced"
grep -q "customers: 3 added" out || fail "summary: $(cat out)"

# The same day, the budget is still spent: exit 5 at once, nothing sent.
seq=$(last_seq)
expect_exit 5 finsync run job.json >out 2>err
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api == "books")] | length')" "finance calls on a spent day"

# A new day (the day's count starts again): the next run finishes the rest, nothing twice.
sqlite3 state/ledger.sqlite "update api_usage set day = '2000-01-01'"
run_ok job.json
assert_eq 6 "$(store books contacts | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "all created"
assert_eq 6 "$(store books contacts | jq '[.[] | .custom_field_hash.cf_crm_id // empty] | unique | length')" "each once"
