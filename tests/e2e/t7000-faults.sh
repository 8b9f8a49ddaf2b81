#!/bin/sh
test_description='faults: 429 with Retry-After, a burst of 503s, cut-off bodies, an expired token, a 500 on a create: each run completes, nothing twice'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
export FINSYNC_RETRY_BASE_MS=50    # backoff steps of 50 ms, not 500: the test waits less

fresh() {
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	write_job job.json "${2:-zoho-books}" '{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true}}'
	ctl POST /faults "$1" >/dev/null || fail "cannot set fault $1"
}

# all_once APP: the 8 customers, each exactly once, all linked, the rule fired.
all_once() {
	assert_eq 8 "$(store "$1" contacts | jq '[.[] | .custom_field_hash.cf_crm_id // empty] | unique | length')" "$2: distinct customers"
	assert_eq 8 "$(store "$1" contacts | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "$2: customers"
	assert_eq 8 "$(ledger_query state "select count(*) from links")" "$2: links"
	assert_eq 0 "$(ctl GET /faults | jq ".rules | length")" "$2: rules not used up"
}

# 429 with Retry-After on two creates.
fresh '{"kind":"status","status":429,"retry_after":1,"path_prefix":"/books/v3/contacts","method":"PUT","skip":2,"count":2}'
start=$(date +%s)
run_ok job.json
all_once books "429"
# The two 429s may come to requests in flight together: their waits overlap.
[ $(( $(date +%s) - start )) -ge 1 ] || fail "429: Retry-After not honoured"
grep -q "rate limited (429); retrying in 1000 ms" run.err || fail "429: $(cat run.err)"

# A burst of 503s on the CRM list.
fresh '{"kind":"status","status":503,"path_prefix":"/crm/v8/Accounts","method":"GET","count":4}'
run_ok job.json
all_once books "503 burst"

# A body cut off mid-answer, on a read and on a write (the upsert is safe to send again).
fresh '{"rules":[{"kind":"cut","path_prefix":"/crm/v8/Contacts","method":"GET","count":1},
	{"kind":"cut","path_prefix":"/books/v3/contacts","method":"PUT","skip":3,"count":1}]}'
run_ok job.json
all_once books "cut-off"

# The access token expires mid-run: one refresh, the call again.
fresh '{"kind":"expire_token","path_prefix":"/books/v3/contacts","method":"PUT","skip":4,"count":1}'
run_ok job.json
all_once books "expired token"
assert_eq 3 "$(ctl GET /requests | jq '[.requests[] | select(.api == "oauth")] | length')" "token requests (crm, finance, one refresh)"

# A 500 on a POST create (Invoice has no upsert): not sent twice blindly; the
# record fails, the others load, the next run creates it once.
fresh '{"kind":"status","status":500,"path_prefix":"/invoice/v3/contacts","method":"POST","skip":2,"count":1}' zoho-invoice
expect_exit 1 finsync run job.json >out 2>err
grep -q "HTTP 500" err || fail "500: $(cat err)"
run_ok job.json
assert_eq 9 "$(store invoice contacts | jq '[.[] | .custom_field_hash.cf_crm_id // empty] | unique | length')" "500: distinct customers"
assert_eq 9 "$(store invoice contacts | jq length)" "500: customers"
