#!/bin/sh
test_description='history: runs.exit_code is what the process exited with, runs.dry_run marks a plan, in every format and the HTML report; a SIGKILLed run shows, and is then recorded, as aborted ("process ended without finishing"); a load that continues a partial run never turns it ok'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
q() { ledger_query state "$1"; }

run_ok job.json                                         # run 1: ok, exit 0
finsync_exit 0 run job.json --dry-run --full            # run 2: a dry run
finsync_exit 0 extract job.json                         # run 3: extract ...
finsync_exit 2 load job.json                            # ... and a load without a plan: a job error, exit 2
assert_eq "1|ok|0|0 2|ok|0|1 3|aborted|2|0" \
	"$(q "select group_concat(id || '|' || status || '|' || ifnull(exit_code, '-') || '|' || dry_run, ' ') from runs")" \
	"runs: status, exit code, dry run"

# A partial run: a rejected record, exit 1.  Loading it again (nothing is sent
# again: the load is done) keeps it partial and exits 1; so does a transform
# with an invalid record followed by its load.
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087051","Account_Name":"Refused Co"}]}' >/dev/null
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Refused Co","code":4,"message":"Refused for the test"}' >/dev/null
finsync_exit 1 run job.json --full                      # run 4
finsync_exit 1 load job.json
finsync_exit 1 run job.json --stage load
assert_eq "partial|1|extract,transform,load,load,load" "$(q "select status, exit_code, stages from runs where id = 4")" "run 4 after two more loads"
ctl DELETE /reject >/dev/null
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087050","Account_Name":""}]}' >/dev/null
finsync_exit 0 extract job.json --full                  # run 5, by stages
finsync_exit 1 transform job.json
assert_eq "partial|1" "$(q "select status, exit_code from runs where id = 5")" "run 5 after its transform"
finsync_exit 1 load job.json
assert_eq "partial|1" "$(q "select status, exit_code from runs where id = 5")" "run 5 after its load"
grep -q "customers: 1 record not synced (1 invalid)" "$WORK/err" || fail "load of run 5: $(cat "$WORK/err")"
# Stage by stage and every record synced: ok.
ctl DELETE /crm/Accounts/4150868000000087050 >/dev/null 2>&1 ||
	ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087050","Account_Name":"Named Now Ltd"}]}' >/dev/null
finsync_exit 0 extract job.json --full                  # run 6
finsync_exit 0 transform job.json
finsync_exit 0 load job.json
assert_eq "ok|0" "$(q "select status, exit_code from runs where id = 6")" "run 6, stage by stage"

# Every format says it.
finsync_exit 0 history job.json --format csv
python3 - "$WORK/out" <<'PY' || fail "csv: $(cat "$WORK/out")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
by = {r["run"]: r for r in rows}
assert (by["2"]["dry_run"], by["2"]["exit_code"]) == ("1", "0"), by["2"]
assert (by["1"]["dry_run"], by["1"]["exit_code"]) == ("0", "0"), by["1"]
assert (by["3"]["status"], by["3"]["exit_code"]) == ("aborted", "2"), by["3"]
assert (by["4"]["status"], by["4"]["exit_code"]) == ("partial", "1"), by["4"]
PY
finsync_exit 0 history job.json --format json
assert_eq "6:0:false 5:1:false 4:1:false 3:2:false 2:0:true 1:0:false" \
	"$(jq -r '[.[] | "\(.run):\(.exit_code):\(.dry_run)"] | join(" ")' "$WORK/out")" "json"
finsync_exit 0 history job.json
awk '$1 == 2 { print $(NF - 3), $(NF - 2) }' "$WORK/out" | grep -qx "0 1" || fail "table, run 2: $(cat "$WORK/out")"
awk '$1 == 3 { print $(NF - 3), $(NF - 2) }' "$WORK/out" | grep -qx "2 0" || fail "table, run 3: $(cat "$WORK/out")"
finsync_exit 0 history job.json --format html -o report.html
grep -q '<g class="run" data-run="2" [^>]*data-dry-run="1"' report.html || fail "chart: dry run not marked"
grep -q '<g class="run" data-run="1" [^>]*data-dry-run="0"' report.html || fail "chart: real run marked"
grep -q 'run 2: [0-9]* unchanged (dry run: planned, not written)' report.html || fail "chart tooltip of the dry run"
grep -q '<span class="badge aborted">aborted</span></td><td class="n" rowspan="[0-9]*">2</td>' report.html ||
	fail "table: run 3's exit code"
grep -q 'badge ok">ok</span> <span class="badge dry"[^>]*>dry run</span>' report.html || fail "table: dry-run badge"

# A run killed with SIGKILL during its load: the ledger still says running;
# history and status say aborted at once; the next run records it so.
ctl POST /faults '{"kind":"delay","delay_ms":1500,"path_prefix":"/books/v3/contacts","method":"PUT"}' >/dev/null
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087061","Account_Name":"Killed Midway Ltd"}]}' >/dev/null
python3 "$TOP/tests/e2e/signal-run.py" "$BUILD/finsync" "select count(*) from intents" 1 SIGKILL >stop.out
read -r rc secs <stop.out
assert_eq -9 "$rc" "killed"
assert_eq "running|-" "$(q "select status, ifnull(exit_code, '-') from runs where id = 7")" "run 7 in the ledger"
finsync_exit 0 history job.json --format json
assert_eq "aborted|process ended without finishing|null" "$(jq -r '.[0] | "\(.status)|\(.error)|\(.exit_code)"' "$WORK/out")" "history of run 7"
finsync_exit 0 history job.json --format html -o report.html
grep -q '<g class="run" data-run="7" [^>]*data-status="aborted"' report.html || fail "html: run 7 not aborted"
grep -q 'error: process ended without finishing' report.html || fail "html: no reason for run 7"
finsync_exit 0 status job.json
grep -q "^run status: *aborted$" "$WORK/out" || fail "status: $(cat "$WORK/out")"
grep -q "^run error: *process ended without finishing$" "$WORK/out" || fail "status error: $(cat "$WORK/out")"
grep -q "^run exit code: *-$" "$WORK/out" || fail "status exit code of a killed run: $(cat "$WORK/out")"
ctl DELETE /faults >/dev/null
sleep 2
run_ok job.json
assert_eq "aborted|process ended without finishing|-" \
	"$(q "select status, error, ifnull(exit_code, '-') from runs where id = 7")" "run 7 recorded by the next run"
assert_eq "ok|0" "$(q "select status, exit_code from runs where id = 8")" "run 8"
finsync_exit 0 status job.json
grep -q "^run exit code: *0$" "$WORK/out" || fail "status exit code: $(cat "$WORK/out")"
finsync_exit 0 run job.json --dry-run
finsync_exit 0 status --format json job.json
assert_eq "true|0" "$(jq -r '.last_run | "\(.dry_run)|\(.exit_code)"' "$WORK/out")" "status of a dry run"
assert_eq 1 "$(names books contacts | grep -c '^Killed Midway Ltd$')" "the killed run's record, once"
