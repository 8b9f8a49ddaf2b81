#!/bin/sh
test_description='status (text and json) before and after runs, failures waiting; check against the base seed, a bad secret, a bad organisation, a bad job'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'

# A job that never ran: idle, no run, and status creates nothing.
finsync_exit 0 status job.json
grep -q "^job: *job$" out || fail "status job line: $(cat out)"
grep -q "^state: *idle$" out || fail "status state: $(cat out)"
grep -q "^last run: *none$" out || fail "status last run: $(cat out)"
grep -q "^failures waiting: *0$" out || fail "status failures: $(cat out)"
[ ! -e state/ledger.sqlite ] || fail "status created a ledger"
finsync_exit 0 status --format json job.json
assert_eq "job|idle|null|0" "$(jq -r '[.job, .state, (.last_run | tostring), (.failures_waiting | tostring)] | join("|")' out)" "json before any run"

# The keys line up: every value starts in the same column.
finsync status job.json | sed 's/^\([^:]*: *\).*/\1/' | awk '{ print length($0) }' | sort -u | wc -l | grep -q '^ *1$' ||
	fail "status values not aligned: $(finsync status job.json)"

# check: all lines ok (the job, both sides, the currency, the set-up), exit 0.
finsync_exit 0 check job.json
assert_eq 8 "$(grep -c '^ok   ' out)" "ok lines: $(cat out)"
assert_eq 8 "$(wc -l <out)" "only ok lines: $(cat out)"
grep -q "^ok   job: 'job' (job.json) is valid: Zoho CRM to Zoho Books, syncs customers, items$" out || fail "job line: $(cat out)"
grep -q "^ok   crm: Zoho CRM reachable at .* (token refreshed), base currency USD$" out || fail "crm line: $(cat out)"
grep -q "^ok   finance: Zoho Books reachable at .*, organization 10234695 (token refreshed), base currency USD$" out || fail "finance line: $(cat out)"
grep -q "^ok   currency: both sides use USD$" out || fail "currency line: $(cat out)"
assert_eq 0 "$(writes_since 0)" "writes by check"

# A run with one record rejected: status shows the run, its counts and the failure waiting.
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Initech","code":4,"message":"Invalid characters in the contact name"}' >/dev/null
finsync_exit 1 run job.json
finsync_exit 0 status job.json
grep -q "^state: *idle$" out || fail "state after a run: $(cat out)"
grep -q "^last run: *1$" out || fail "last run: $(cat out)"
grep -q "^run status: *partial$" out || fail "run status: $(cat out)"
grep -q "^run started: *20[0-9-]*T[0-9:]*Z$" out || fail "run started: $(cat out)"
grep -q "^customers: *5 added, 0 updated, 0 unchanged, 2 skipped, 2 duplicates, 1 failed, 0 deleted$" out ||
	fail "customers line: $(cat out)"
grep -q "^items: *5 added, " out || fail "items line: $(cat out)"
grep -q "^failures waiting: *1$" out || fail "failures waiting: $(cat out)"
grep -q "^api calls today: " out || fail "api calls line: $(cat out)"
finsync_exit 0 status --format json job.json
assert_eq "1|partial|load|5|1|1" "$(jq -r '[.last_run.id, .last_run.status, .last_run.stats_stage,
	.last_run.entities.customers.added, .last_run.entities.customers.failed, .failures_waiting] | map(tostring) | join("|")' out)" \
	"json after a partial run"
assert_eq "$(date -u +%Y-%m-%d)" "$(jq -r '.api_calls_today.day' out)" "budget day (UTC)"
assert_eq "object|object" "$(jq -r '[(.watermarks | type), (.api_calls_today.calls | type)] | join("|")' out)" "json shapes"

# API calls are counted per UTC day; a daily budget shows beside its API.
[ "$(jq '.api_calls_today.calls.finance' out)" -gt 0 ] || fail "finance calls today: $(jq -c .api_calls_today out)"
jq '.finance.daily_budget = 100000' job.json >budget.json
calls=$(jq '.api_calls_today.calls.finance' out)
finsync status budget.json | grep -q "^api calls today: .*finance $calls of 100000 ($(date -u +%Y-%m-%d) UTC)$" ||
	fail "budget in status: $(finsync status budget.json)"

# The retry succeeds: nothing waits any more.
ctl DELETE /reject >/dev/null
run_ok job.json
finsync status job.json >status.out
grep -q "^failures waiting: *0$" status.out || fail "failures after the retry: $(cat status.out)"
grep -q "^run status: *ok$" status.out || fail "status after the retry: $(cat status.out)"
assert_eq 2 "$(finsync status --format json job.json | jq .last_run.id)" "last run id"

# A dry run's counts are its plan.
finsync_exit 0 run --dry-run job.json
finsync status job.json | grep -q "^customers (planned): " || fail "dry run counts: $(finsync status job.json)"

# check failures: a wrong secret (exit 3, names the side), a wrong organisation, a bad job (exit 2).
(
	FINSYNC_CRM_CLIENT_SECRET=not-the-secret-4711
	export FINSYNC_CRM_CLIENT_SECRET
	finsync_exit 3 check job.json
)
grep -q "^FAIL crm: .*the client secret is wrong" out || fail "bad secret: $(cat out)"
grep -q "^ok   finance: " out || fail "finance still checked: $(cat out)"
grep -q "^--   currency: not compared" out || fail "currency with a side down: $(cat out)"
grep -q "^--   set-up: not checked (a side failed above)$" out || fail "set-up with a side down: $(cat out)"
! grep -q "not-the-secret-4711\|sandbox-fin-secret\|sandbox-crm-refresh" err out state/* 2>/dev/null ||
	fail "a secret in check's output or the state dir"
sed 's/"organization_id": "10234695"/"organization_id": "999"/' job.json >badorg.json
finsync_exit 3 check badorg.json
grep -q "^ok   crm: " out || fail "crm with a bad organisation: $(cat out)"
grep -q "^FAIL finance: .*6041" out || fail "bad organisation: $(cat out)"
echo '{"job": "x"}' >bad.json
finsync_exit 2 check bad.json
grep -q "^FAIL job: " out || fail "bad job: $(cat out)"
