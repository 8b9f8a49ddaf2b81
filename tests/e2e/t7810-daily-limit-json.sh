#!/bin/sh
test_description='daily limit: code 45 is read from the parsed answer (spaces in its JSON, HTTP 429 or 500): exit 5 at once, nothing sent again, the records wait; the next run creates them once, a per-minute 429 without headers waited out'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
export FINSYNC_RETRY_BASE_MS=20
SPENT='{ "code": 45, "message": "The API call for this organization has exceeded the maximum call rate limit of 1000." }'

for status in 429 500; do
	ctl DELETE /faults >/dev/null
	ctl POST /faults "$(jq -nc --arg raw "$SPENT" --argjson st "$status" \
		'{kind:"status",status:$st,raw:$raw,path_prefix:"/books/v3/contacts",method:"PUT"}')" >/dev/null
	seq=$(last_seq)
	expect_exit 5 finsync run job.json >out 2>err
	grep -q "the organisation's daily API limit is reached (HTTP $status, code 45)" err ||
		fail "$status: no daily-limit message: $(cat err)"
	grep -q "6 customers records wait for the next run" err || fail "$status: waiting records: $(cat err)"
	# Each write went once: waiting does not help, so nothing is sent again.
	assert_eq 6 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.method == "PUT" and .api == "books")] | length')" \
		"$status: writes sent"
	assert_eq 0 "$(store_count books contacts '.custom_field_hash.cf_crm_id != null')" "$status: created"
	assert_eq budget "$(ledger_query state 'select status from runs order by id desc limit 1')" "$status: run status"
done

# The limit lifts (a new day): the next run creates each record once, through two
# per-minute 429s (code 44) without any header, which it waits out by backing off.
ctl DELETE /faults >/dev/null
ctl POST /faults '{"kind":"status","status":429,"path_prefix":"/books/v3/contacts","method":"PUT","count":2}' >/dev/null
run_ok job.json
grep -q "rate limited (429); retrying in" run.err || fail "no per-minute 429 seen: $(cat run.err)"
assert_eq 6 "$(store books contacts | jq '[.[] | .custom_field_hash.cf_crm_id // empty] | unique | length')" "distinct customers"
assert_eq 6 "$(store_count books contacts '.custom_field_hash.cf_crm_id != null')" "customers"
echo ok
