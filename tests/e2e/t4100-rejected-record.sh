#!/bin/sh
test_description='load: a record the API rejects is a failed event with its message; the others load; exit 1; the next run retries it'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Initech","code":4,"message":"Invalid characters in the contact name"}' >/dev/null
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

expect_exit 1 finsync run job.json >out 2>err
grep -q "Zoho Books rejected customers 'Initech' (HTTP 400, code 4): Invalid characters in the contact name" err ||
	fail "no message naming the record: $(cat err)"
assert_eq "" "$(names books contacts | grep '^Initech$' || true)" "Initech not in Books"
assert_eq 5 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "the others linked"
reason=$(ledger_query state "select reason from events where action = 'failed' and crm_id = '4150868000000087005'")
echo "$reason" | grep -q "Invalid characters in the contact name" || fail "failed event reason: $reason"
assert_eq partial "$(ledger_query state "select status from runs where id = 1")" "run status"
assert_eq 1 "$(ledger_query state "select failed from run_stats where run_id = 1 and entity = 'customers' and stage = 'load'")" "failed count"
grep -q "1 failed" out || fail "summary lacks the failure: $(cat out)"

# The rejection is fixed; the next run creates it and nothing else.
ctl DELETE /reject >/dev/null
seq=$(last_seq)
run_ok job.json
assert_eq "Initech" "$(names books contacts | grep '^Initech$')" "Initech created on the next run"
assert_eq 1 "$(writes_since "$seq")" "only the failed record written"
