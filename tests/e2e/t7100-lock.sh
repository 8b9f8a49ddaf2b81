#!/bin/sh
test_description='lock: a second run of a job exits 4 at once without a request; a stale lock of a dead process is taken over'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
mkdir -p state
HOLDER=""
stop_holder() {
	[ -n "$HOLDER" ] && { kill "$HOLDER" 2>/dev/null || true; wait "$HOLDER" 2>/dev/null || true; }
	HOLDER=""
}
trap 'stop_holder; cleanup' EXIT INT TERM

# wait_locked FILE: until someone holds an exclusive lock on it (probing shared, as status does).
wait_locked() {
	i=0
	while flock -n -s "$1" true 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "nobody took the lock on $1"
		sleep 0.05
	done
}

# 1. Another process holds the lock (flock), its line names it.
( exec 9>>state/lock; flock -x 9; exec sleep 60 ) &
HOLDER=$!
wait_locked state/lock
echo "$HOLDER $(hostname) 2026-11-21T01:00:00Z" >state/lock
ctl DELETE /requests >/dev/null
start=$(date +%s)
finsync_exit 4 run job.json
[ $(( $(date +%s) - start )) -le 2 ] || fail "a locked run waited instead of exiting at once"
grep -q "job is locked by process $HOLDER (since 2026-11-21T01:00:00Z); another run is in progress" err ||
	fail "message does not name the holder: $(cat err)"
assert_eq 0 "$(ctl GET /requests | jq '.requests | length')" "requests made by a locked run"
assert_eq "" "$(cat out)" "stdout of a locked run"
finsync status job.json >status.out
grep -q "^state: *running (process $HOLDER on $(hostname) since 2026-11-21T01:00:00Z)" status.out ||
	fail "status while locked: $(cat status.out)"
assert_eq "running|$HOLDER" "$(finsync status --format json job.json | jq -r '.state + "|" + (.lock.pid | tostring)')" "status json"

# 2. The holder dies without removing its file: the next run takes the lock over.
stop_holder
[ -f state/lock ] || fail "the dead holder's file should still be there"
finsync status job.json | grep -q "^state: *idle" || fail "a stale lock is not a running job"
run_ok job.json
grep -q "taking over the stale lock of process $HOLDER" "$WORK/run.err" || fail "no warning: $(cat "$WORK/run.err")"
[ ! -e state/lock ] || fail "the run left its lock file behind: $(cat state/lock)"
assert_eq 6 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "customers linked by the run"

# 3. Two real runs at once: the second exits 4 naming the first; the first finishes.
ctl POST /faults '{"kind":"delay","delay_ms":2500,"path_prefix":"/crm/v8/Accounts","method":"GET","count":1}' >/dev/null
finsync run job.json >first.out 2>first.err &
FIRST=$!
wait_locked state/lock
sleep 0.2
first_pid=$(cut -d' ' -f1 state/lock)
[ -n "$first_pid" ] && kill -0 "$first_pid" || fail "the lock file does not name the live first run: $(cat state/lock)"
finsync_exit 4 run job.json; cp err second.err
grep -q "job is locked by process $first_pid (since " second.err || fail "second run: $(cat second.err)"
wait "$FIRST" || fail "the first run failed: $(cat first.err)"
[ ! -e state/lock ] || fail "lock file left after the first run"
assert_eq 2 "$(ledger_query state "select count(*) from runs")" "runs in the ledger (the refused one is not one)"
