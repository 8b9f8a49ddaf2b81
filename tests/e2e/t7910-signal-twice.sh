#!/bin/sh
test_description='signals: a second signal while the first waits for writes in flight exits at once (exit 3); the ledger stays consistent, the rerun records run 1 as aborted and syncs every record once'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
python3 "$TOP/scripts/gen-fixtures.py" --accounts 60 --out "$WORK/seed" >/dev/null 2>&1
sandbox_start "$WORK/seed"
write_job job.json zoho-invoice '{"customers":{"crm_module":"accounts"}}'
# Every create takes 8 s: the first signal waits for the ones in flight, the second does not.
ctl POST /faults '{"kind":"delay","delay_ms":8000,"path_prefix":"/invoice/v3/contacts","method":"POST"}' >/dev/null
python3 "$TOP/tests/e2e/signal-run.py" "$BUILD/finsync" "select count(*) from intents" 1 SIGTERM SIGTERM >stop.out
read -r rc secs <stop.out
assert_eq 3 "$rc" "exit code after two signals"
awk -v s="$secs" 'BEGIN { exit !(s < 1) }' || fail "the second signal took $secs s"
grep -q "interrupted again" run.err || fail "no message: $(cat run.err)"
assert_eq ok "$(ledger_query state 'pragma integrity_check')" "ledger integrity"
assert_eq running "$(ledger_query state "select status from runs where id = 1")" "run 1 (left as it was)"
ctl DELETE /faults >/dev/null
# The sandbox applies a delayed create at once: let the last answers go out.
sleep 8
run_ok job.json
# The rerun, holding the lock, records that run 1 never finished.
assert_eq "aborted|process ended without finishing" \
	"$(ledger_query state "select status, error from runs where id = 1")" "run 1 after the rerun"
ids=$(store invoice contacts | jq -r '.[] | .custom_field_hash.cf_crm_id // empty' | sort)
assert_eq "" "$(echo "$ids" | uniq -d)" "CRM ids in the app more than once"
linked=$(ledger_query state "select count(*) from links where entity = 'customers' and state = 'linked'")
assert_eq "$linked" "$(echo "$ids" | grep -c .)" "records with a CRM id vs links"
[ "$linked" -ge 55 ] || fail "only $linked customers linked"
assert_eq 0 "$(ledger_query state 'select count(*) from intents')" "intents left"
