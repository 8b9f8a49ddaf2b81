#!/bin/sh
test_description='pacing: with the sandbox limited to 6 finance requests a minute and the job paced to match, a run needing 12 spreads them out and gets no 429'
# slow: it waits out a minute of the rate window, asleep; started first, it overlaps the rest
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --rate-limit 6
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
jq '.finance.requests_per_minute = 6' job.json >j && mv j job.json
start=$(date +%s)
run_ok job.json
took=$(( $(date +%s) - start ))
# 1 currency check + 1 custom-field list (the set-up check) + 2 snapshots + 2 unlinked
# customers read by id (list rows carry no custom fields) + 6 creates = 12 finance
# requests: the 7th waits for the window.
assert_eq 12 "$(ctl GET /requests | jq '[.requests[] | select(.api == "books")] | length')" "finance requests"
assert_eq 0 "$(ctl GET /requests | jq '[.requests[] | select(.status == 429)] | length')" "429 answers"
[ "$took" -ge 55 ] || fail "12 requests at 6 a minute took only ${took}s"
assert_eq 6 "$(store books contacts | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "customers created"
