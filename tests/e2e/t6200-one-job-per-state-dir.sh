#!/bin/sh
test_description='one state_dir, one job: a second job on it is refused (exit 2) by every command, and writes nothing'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

sandbox_start "$FIXTURES/base"
write_job books.json zoho-books '{"customers":{"crm_module":"accounts"}}'
write_job inv.json zoho-invoice '{"customers":{"crm_module":"accounts"}}'
run_ok books.json
assert_eq books "$(ledger_query state "select value from job_state where key = 'job'")" "the ledger's job"
before=$(ledger_query state 'select count(*) from runs')
sum=$(ledger_query state 'select count(*), group_concat(id) from events')
seq=$(last_seq)

for cmd in run extract transform load status history export pause resume disable enable unlink review; do
	case $cmd in
	run) args="--full" ;; unlink) args="--keep all --yes" ;; export) args="--stage transform --entity customers" ;; *) args="" ;;
	esac
	set +e
	finsync "$cmd" $args inv.json >out 2>err
	got=$?
	set -e
	assert_eq 2 "$got" "finsync $cmd with another job's state_dir: exit"
	grep -q "state_dir '.*state' belongs to job 'books', not to job 'inv'" err ||
		fail "finsync $cmd: the message names the state_dir and both jobs: $(cat err)"
done

finsync_exit 2 resync inv.json customers 4150868000000087003
grep -q "belongs to job 'books', not to job 'inv'" err || fail "resync: $(cat err)"

assert_eq "$before" "$(ledger_query state 'select count(*) from runs')" "runs after the refused job"
assert_eq books "$(ledger_query state 'select group_concat(distinct job) from runs')" "jobs in runs"
assert_eq "$sum" "$(ledger_query state 'select count(*), group_concat(id) from events')" "events after the refused job"
assert_eq active "$(ledger_query state "select coalesce((select value from job_state where key = 'state'), 'active')")" "job state"
assert_eq 0 "$(writes_since "$seq")" "writes by the refused job"
assert_eq 0 "$(store_count invoice contacts)" "Invoice contacts"

# A ledger from before the owner was kept belongs to the job of its first run.
ledger_query state "delete from job_state where key = 'job'"
finsync_exit 2 run inv.json
run_ok books.json
assert_eq books "$(ledger_query state "select value from job_state where key = 'job'")" "the ledger's job, claimed again"

# The owner's own commands go on working.
finsync_exit 0 status books.json
finsync_exit 0 load books.json
