#!/bin/sh
test_description='read-only commands (history, export, status, review, pause) need no OAuth secret; a run does'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
run_ok job.json
unset FINSYNC_CRM_CLIENT_SECRET FINSYNC_CRM_REFRESH_TOKEN FINSYNC_FIN_CLIENT_SECRET FINSYNC_FIN_REFRESH_TOKEN
finsync history job.json >out 2>err || fail "history: $(cat err)"
grep -q customers out || fail "history output: $(cat out)"
finsync export job.json --stage transform --entity customers -o c.csv 2>err || fail "export: $(cat err)"
finsync status job.json >out 2>err || fail "status: $(cat err)"
finsync review job.json -o r.csv 2>err || fail "review: $(cat err)"
finsync pause job.json >/dev/null 2>err || fail "pause: $(cat err)"
finsync resume job.json >/dev/null 2>err || fail "resume: $(cat err)"
expect_exit 2 finsync run job.json 2>err
grep -q "environment variable 'FINSYNC_CRM_CLIENT_SECRET' is not set" err || fail "run without secrets: $(cat err)"
