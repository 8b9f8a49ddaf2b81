#!/bin/sh
test_description='pause/resume/disable/enable: a paused run exits 0 saying so without a request; a disabled one exits 2'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

# no_requests WHAT: the sandbox saw nothing since the log was cleared.
no_requests() {
	assert_eq 0 "$(ctl GET /requests | jq '.requests | length')" "requests: $1"
}

finsync_exit 0 pause job.json
assert_eq "job 'job' paused" "$(cat out)" "pause says so"
finsync_exit 0 pause job.json
assert_eq "job 'job' paused (it already was)" "$(cat out)" "pausing twice"
finsync status job.json | grep -q "^state: *paused" || fail "status of a paused job"

# A paused job's scheduled run: exit 0, one line, no request, no run in the ledger.
ctl DELETE /requests >/dev/null
finsync_exit 0 run job.json
assert_eq "job 'job' is paused; nothing done (finsync resume JOB)" "$(cat out)" "paused run output"
no_requests "paused run"
assert_eq 0 "$(ledger_query state "select count(*) from runs")" "runs of a paused job"
for stage in extract transform load; do
	finsync_exit 0 "$stage" job.json
	grep -q "is paused; nothing done" out || fail "$stage of a paused job: $(cat out)"
done
no_requests "paused stages"

finsync_exit 0 resume job.json
assert_eq "job 'job' resumed" "$(cat out)" "resume says so"
run_ok job.json
assert_eq 8 "$(names books contacts | wc -l | tr -d ' ')" "customers in Books after the resumed run (2 seeded, 6 created)"
assert_eq ok "$(ledger_query state "select status from runs order by id desc limit 1")" "resumed run"

# Disabled: runs are refused (exit 2) until enabled; pause and resume cannot undo it.
finsync_exit 0 disable job.json
assert_eq "job 'job' disabled" "$(cat out)" "disable says so"
ctl DELETE /requests >/dev/null
finsync_exit 2 run job.json
grep -q "job 'job' is disabled (finsync enable JOB)" err || fail "disabled run message: $(cat err)"
no_requests "disabled run"
finsync_exit 2 resume job.json
grep -q "is disabled; 'finsync enable JOB' first" err || fail "resume of a disabled job: $(cat err)"
finsync_exit 2 pause job.json
finsync status job.json | grep -q "^state: *disabled" || fail "status of a disabled job"
assert_eq disabled "$(finsync status --format json job.json | jq -r .state)" "status json of a disabled job"

finsync_exit 0 enable job.json
assert_eq "job 'job' enabled" "$(cat out)" "enable says so"
run_ok job.json
assert_eq 2 "$(ledger_query state "select count(*) from runs")" "runs after enable"

# enable undoes disable, not pause.
finsync_exit 0 pause job.json
finsync_exit 0 enable job.json
grep -q "is not disabled; it stays paused" out || fail "enable of a paused job: $(cat out)"
finsync status job.json | grep -q "^state: *paused" || fail "enable must not resume"
finsync_exit 0 resume job.json

# The state lives in the ledger (job_state), beside the runs.
assert_eq active "$(ledger_query state "select value from job_state where key = 'state'")" "ledger job state"
