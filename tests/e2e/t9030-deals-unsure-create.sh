#!/bin/sh
test_description='deals: a create that may have been applied is never sent again: answered after the timeout, it is found by reference_number in the same run; dropped unapplied, the deal fails and the next run looks first, then creates once; killed right after the create, the rerun links the invoice: one invoice per deal every time'
# alone: its creates are answered after a client timeout: a busy machine shifts which side of it they land
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"460000000027101"}}'

ACME=4150868000000091001 INITECH=4150868000000091003 WAYNE=4150868000000091005

invoice_of() { store books invoices | jq -c --arg d "$1" '[.[] | select(.reference_number == $d)]'; }
event() { ledger_query state "select action || '|' || match from events where entity = 'deals' and run_id = $1 and crm_id = '$2'"; }
link() { ledger_query state "select state || '|' || coalesce(finance_id, '') from deal_links where deal_id = '$1'"; }
creates_since() { ctl GET "/requests?since=$1" | jq '[.requests[] | select(.method == "POST" and .path == "/books/v3/invoices")] | length'; }

# --- Wayne's create is answered 3 s late; the client gives up after 1 s (the test knob for
# the 120 s limit). The invoice was made: it is looked up by reference_number and linked.
ctl POST /faults '{"kind":"delay","delay_ms":3000,"path_prefix":"/books/v3/invoices","method":"POST","count":1}' >/dev/null
seq=$(last_seq)
FINSYNC_HTTP_TIMEOUT_MS=1000 run_ok job.json
r=$(run_no)
ctl DELETE /faults >/dev/null
grep -q "it may have been applied" run.err || fail "no word of the late answer: $(cat run.err)"
i=0     # the sandbox logs the late request when it answers it
while [ "$(creates_since "$seq")" = 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
assert_eq 1 "$(invoice_of $WAYNE | jq length)" "Wayne's invoices"
assert_eq 1 "$(creates_since "$seq")" "invoice POSTs"
assert_eq "draft|$(invoice_of $WAYNE | jq -r '.[0].invoice_id')" "$(link $WAYNE)" "Wayne's link"
assert_eq "create|reference_number" "$(event "$r" $WAYNE)" "found by reference_number"
grep -q "^deals: 1 added" run.out || fail "summary: $(cat run.out)"

# --- Acme's create is dropped before the app acts on it: nothing to find, so the deal
# fails for this run with its intent kept; the next run looks again, then creates once.
# (One drop is enough: a POST that may not go twice has a connection of its own, so
# libcurl cannot quietly send it again on a reused connection that died.)
deal $ACME '.Stage = "Closed Won" | .Probability = 100'
ctl POST /faults '{"kind":"drop","path_prefix":"/books/v3/invoices","method":"POST","count":1}' >/dev/null
finsync_exit 1 run job.json
r=$(run_no)
ctl DELETE /faults >/dev/null
assert_eq "failed|" "$(event "$r" $ACME)" "Acme's deal fails"
case $(ledger_query state "select reason from events where run_id = $r and crm_id = '$ACME'") in
	*"it may have been applied"*"looked up by reference_number before any create next run") ;;
	*) fail "reason: $(ledger_query state "select reason from events where run_id = $r and crm_id = '$ACME'")" ;;
esac
assert_eq "pending|" "$(link $ACME)" "intent kept"
assert_eq 0 "$(invoice_of $ACME | jq length)" "nothing made"
seq=$(last_seq)
run_ok job.json
assert_eq 1 "$(invoice_of $ACME | jq length)" "Acme's invoices"
assert_eq 1 "$(creates_since "$seq")" "one create after the lookup"
assert_eq 1 "$(ctl GET "/requests?since=$seq" | jq --arg q "reference_number=$ACME" '[.requests[] | select(.method == "GET" and .path == "/books/v3/invoices" and (.query | contains($q)))] | length')" "looked up first"
assert_eq "draft|$(invoice_of $ACME | jq -r '.[0].invoice_id')" "$(link $ACME)" "Acme's link"

# --- killed right after Initech's create was answered, before anything was recorded: the
# rerun finds the invoice by reference_number, links it and creates nothing.
deal $INITECH '.Stage = "Closed Won" | .Probability = 100'
set +e
FINSYNC_TEST_KILL=after:1 finsync run job.json >out 2>err
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the run was not killed"
assert_eq 1 "$(invoice_of $INITECH | jq length)" "made before the kill"
assert_eq "pending|" "$(link $INITECH)" "intent left behind"
seq=$(last_seq)
run_ok job.json
assert_eq 1 "$(invoice_of $INITECH | jq length)" "no second invoice"
assert_eq 0 "$(creates_since "$seq")" "creates by the rerun"
assert_eq "draft|$(invoice_of $INITECH | jq -r '.[0].invoice_id')" "$(link $INITECH)" "linked by the rerun"
grep -q "created by an interrupted run" run.err || fail "no word of the interrupted create: $(cat run.err)"
assert_eq 3 "$(store books invoices | jq length)" "invoices in the end: one per won deal"
