#!/bin/sh
test_description='currency check: a CRM /org answer without org[0].iso_code stops run and check with exit 3 naming what came, before any write (never a skipped comparison)'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
MESSAGE="zoho-crm: GET /org: the answer has no org[0].iso_code (got "

for body in '{"org":[5]}' '{"org":[]}' '{"org":{"iso_code":"USD"}}' '{"org":[{"currency":"US Dollar - USD"}]}'; do
	ctl POST /faults "{\"kind\":\"status\",\"status\":200,\"path_prefix\":\"/crm/v8/org\",\"method\":\"GET\",\"body\":$body}" >/dev/null
	seq=$(last_seq)
	finsync_exit 3 run job.json
	grep -qF "$MESSAGE$body); the base currencies cannot be compared, so nothing is written" err ||
		fail "$body: message: $(cat err)"
	assert_eq 0 "$(writes_since "$seq")" "$body: writes"
	finsync_exit 3 check job.json
	grep -qF "$MESSAGE" out || fail "$body: check: $(cat out)"
	ctl DELETE /faults >/dev/null
done
assert_eq 0 "$(ledger_query state 'select count(*) from links')" "links"
# The documented shape still passes.
run_ok job.json
