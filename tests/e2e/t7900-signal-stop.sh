#!/bin/sh
test_description='signals: SIGTERM, SIGINT or SIGHUP during a slowed load stop the run within seconds (exit 3, run aborted "interrupted", answered writes committed); the next run finishes that load first: every customer once, with the persons an uninterrupted run writes'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
python3 "$TOP/scripts/gen-fixtures.py" --accounts 300 --out "$WORK/seed" >/dev/null 2>&1
SYNC='{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true}}'

# customers_and_persons: each customer's name with its persons' emails, as the app holds them.
customers_and_persons() {
	store invoice contacts | jq -c '[.[] | {n: .contact_name, p: ([.contact_persons[]?.email] | sort)}] | sort'
}

# What an uninterrupted run leaves in the app.
sandbox_start "$WORK/seed"
write_job job.json zoho-invoice "$SYNC"
run_ok job.json
customers_and_persons >clean.json

# check_once: every CRM id in the store once, as many as linked, no intent left.
check_once() {
	ids=$(store invoice contacts | jq -r '.[] | .custom_field_hash.cf_crm_id // empty' | sort)
	assert_eq "" "$(echo "$ids" | uniq -d)" "$1: CRM ids in the app more than once"
	linked=$(ledger_query state "select count(*) from links where entity = 'customers' and state = 'linked'")
	assert_eq "$linked" "$(echo "$ids" | grep -c .)" "$1: records with a CRM id vs links"
	assert_eq 0 "$(ledger_query state 'select count(*) from intents')" "$1: intents left"
	assert_eq ok "$(ledger_query state 'pragma integrity_check')" "$1: ledger integrity"
}

# stop_load SIGNAL: a run whose creates are slowed gets SIGNAL once some are answered.
stop_load() {
	sig=$1
	sandbox_stop
	rm -rf state
	sandbox_start "$WORK/seed"
	write_job job.json zoho-invoice "$SYNC"
	ctl POST /faults '{"kind":"delay","delay_ms":150,"path_prefix":"/invoice/v3/contacts","method":"POST"}' >/dev/null
	# SIGTERM on a terminal: the progress line drawn then must be gone.
	if [ "$sig" = SIGTERM ]; then pty=1; else pty=; fi
	SIGNAL_RUN_PTY=$pty python3 "$TOP/tests/e2e/signal-run.py" "$BUILD/finsync" "select count(*) from links" 20 "$sig" >stop.out
	read -r rc secs <stop.out
	assert_eq 3 "$rc" "$sig: exit code"
	awk -v s="$secs" 'BEGIN { exit !(s < 6) }' || fail "$sig: the run took $secs s to stop"
	echo "$sig: stopped $secs s after the signal" >&2
	grep -q "interrupted ($sig)" run.err || fail "$sig: no 'interrupted' message: $(tail -3 run.err)"
	[ -z "$pty" ] || python3 - <<'PY' || fail "$sig: the progress line was not cleared: $(tail -c 400 run.err | od -c | tail -12)"
import re
data = open("run.err", "rb").read().decode("utf-8", "replace")
drawn = list(re.finditer(r"\r(load: [^\r\n]*)", data))
assert drawn, "no load progress line was drawn"
# The last line drawn is erased ("\r", spaces, "\r") before anything else is written.
assert re.match(r"\r *\r", data[drawn[-1].end():]), repr(data[drawn[-1].start():][:200])
assert data.rstrip("\r\n").endswith("interrupted (SIGTERM)"), repr(data[-200:])
PY
	assert_eq "aborted|interrupted ($sig)" "$(ledger_query state 'select status, error from runs where id = 1')" "$sig: run 1"
	done1=$(ledger_query state "select count(*) from links where entity = 'customers'")
	[ "$done1" -ge 20 ] || fail "$sig: answered creates not committed ($done1 links)"
	[ "$done1" -lt 290 ] || fail "$sig: the signal did not stop the load ($done1 links)"
	assert_eq ok "$(ledger_query state 'pragma integrity_check')" "$sig: ledger integrity"

	# The next run finishes run 1's load, then extracts anew.
	ctl DELETE /faults >/dev/null
	run_ok job.json
	grep -q "^run 1 was interrupted: finishing its load first" run.out || fail "$sig: rerun: $(cat run.out)"
	grep -q "^run 1: \(ok\|partial\)" run.out || fail "$sig: run 1 not finished: $(cat run.out)"
	grep -q "^run 2: " run.out || fail "$sig: no new run: $(cat run.out)"
	check_once "$sig"
	customers_and_persons >after.json
	cmp -s clean.json after.json || fail "$sig: customers or persons differ from an uninterrupted run: $(diff clean.json after.json | head -c 600)"
	# The load of run 2 had nothing left to create.
	assert_eq 0 "$(ledger_query state "select added from run_stats where run_id = 2 and stage = 'load' and entity = 'customers'")" "$sig: creates left for run 2"
}

stop_load SIGTERM
stop_load SIGINT
stop_load SIGHUP
