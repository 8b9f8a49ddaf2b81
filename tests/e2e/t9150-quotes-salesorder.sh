#!/bin/sh
test_description='sync.quotes create salesorder (Zoho Inventory): a CRM quote at invoice_at_stage becomes one draft sales order with its lines on the linked items, once ever, and no invoice; Inventory refusing it without a number (the harsher reading), it is sent again numbered CRM-<quote id>; a lost POST answer is found by reference_number at once; a kill right after the POST and a rerun make no second one; an app without sales orders is refused'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/quotes"
write_job job.json zoho-inventory '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed","create":"salesorder"}}'
ACME_Q=4150868000000095001 INITECH_Q=4150868000000095002 WAYNE_Q=4150868000000095005

orders() { store inventory salesorders; }
order_of() { orders | jq -c --arg q "$1" '[.[] | select(.reference_number == $q)]'; }
event() { ledger_query state "select action || '|' || coalesce(match, '') || '|' || coalesce(reason, '') from events where entity = 'quotes' and run_id = $1 and crm_id = '$2'"; }

. "$TOP/tests/e2e/txn-lib.sh"

# --- run 1: the three quotes at or past Confirmed (Acme, Stark, Globex: all linked in Inventory) become
# one draft sales order each; Acme's has its two lines on the linked items.  Inventory refuses each
# without a number (its spec marks salesorder_number required: the sandbox's default reading), so each
# is sent again numbered after its quote, with ignore_auto_number_generation=true.
seq=$(last_seq)
run_ok job.json
assert_eq 3 "$(orders | jq length)" "sales orders after run 1"
assert_eq 0 "$(store inventory invoices | jq length)" "no invoice"
so=$(order_of $ACME_Q | jq -c '.[0]')
assert_eq "draft|Acme Ltd|1470" "$(echo "$so" | jq -r '"\(.status)|\(.customer_name)|\(.total)"')" "sales order"
assert_eq "$(item_of 4150868000000089003)|2|150 $(item_of 4150868000000089004)|1|1200" \
	"$(echo "$so" | jq -r '[.line_items[] | "\(.item_id)|\(.quantity)|\(.rate)"] | join(" ")')" "lines"
SO=$(echo "$so" | jq -r .salesorder_id)
assert_eq "salesorder|$SO|Quotes|$ACME_Q|crm" \
	"$(ledger_query state "select kind || '|' || finance_id || '|' || crm_module || '|' || crm_id || '|' || origin from transaction_links where crm_id = '$ACME_Q'")" "transaction link"
assert_eq "create||sales order CRM-$ACME_Q created as a draft for account 'Acme Ltd' from quote 'Acme - installation and support'" \
	"$(event 1 $ACME_Q)" "create event"
assert_eq "CRM-$ACME_Q CRM-4150868000000095003 CRM-4150868000000095004" \
	"$(orders | jq -r '[.[].salesorder_number] | sort | join(" ")')" "each numbered after its quote"
assert_eq "400 201 400 201 400 201" "$(ctl GET "/requests?since=$seq" | jq -r '[.requests[] | select(.method == "POST" and .path == "/inventory/v1/salesorders") | .status] | join(" ")')" \
	"each refused unnumbered, then created numbered"
assert_eq 3 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.method == "POST" and .path == "/inventory/v1/salesorders" and .status == 201 and (.query | test("ignore_auto_number_generation=true")))] | length')" \
	"the numbered creates ask for no automatic number"
grep -qF "a sales order without a number was refused (HTTP 400, code 2): sent again as CRM-$ACME_Q" run.err ||
	fail "the numbered path is not logged: $(cat run.err)"

# --- run 2: once ever.
run_ok job.json
assert_eq 3 "$(orders | jq length)" "sales orders after run 2"

# --- Initech's quote is confirmed; the POST's answer is lost: found by reference_number at once.
quote $INITECH_Q '.Quote_Stage = "Confirmed"'
ctl POST /faults '{"kind":"cut","path_prefix":"/inventory/v1/salesorders","method":"POST","skip":1,"count":1}' >/dev/null
finsync run job.json >run.out 2>run.err || true
ctl DELETE /faults >/dev/null
assert_eq 1 "$(order_of $INITECH_Q | jq length)" "the cut create was made"
run_ok job.json
assert_eq 1 "$(order_of $INITECH_Q | jq length)" "one sales order after the rerun"
assert_eq "$(order_of $INITECH_Q | jq -r '.[0].salesorder_id')" "$(ledger_query state "select finance_id from transaction_links where crm_id = '$INITECH_Q'")" "linked"
assert_eq create "$(ledger_query state "select action from events where entity = 'quotes' and crm_id = '$INITECH_Q' and action = 'create'")" "one create event"

# --- a kill right after the POST (its answer delayed): the rerun creates nothing more.
quote $WAYNE_Q '.Quote_Stage = "Confirmed"'
kill_during_post /inventory/v1/salesorders 'order_of $WAYNE_Q | jq length' 1
run_ok job.json
run_ok job.json
assert_eq 1 "$(order_of $WAYNE_Q | jq length)" "one sales order after a kill and two reruns"
assert_eq "create|reference_number" "$(ledger_query state "select action || '|' || match from events where entity = 'quotes' and crm_id = '$WAYNE_Q'")" "the killed run's order found, not made again"
assert_eq 0 "$(store inventory invoices | jq length)" "still no invoice"
assert_eq "CRM-$INITECH_Q CRM-$WAYNE_Q" "$(order_of $INITECH_Q | jq -r '.[0].salesorder_number') $(order_of $WAYNE_Q | jq -r '.[0].salesorder_number')" \
	"the numbered creates whose answers were lost"

# --- an app without sales orders is refused, naming the key.
mkdir so
write_job so/job.json zoho-invoice '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed","create":"salesorder"}}'
finsync_exit 2 run so/job.json
grep -qF "sync.quotes.create: zoho-invoice has no sales orders finsync can create" err || fail "message: $(cat err)"
