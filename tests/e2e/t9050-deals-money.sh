#!/bin/sh
test_description='the deal shows its money: sync.deals.crm_fields get the invoice number, status, total, paid and balance after the load, follow a payment recorded in the finance app, and are written only when they change (one update call per 100 deals); a field the CRM lacks is a job error before any write'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/deal_money"
WAYNE=4150868000000091005 ACME=4150868000000091001
FIELDS='"crm_fields":{"invoice_number":"Invoice_Number","invoice_status":"Invoice_Status","total":"Invoice_Total","paid":"Amount_Paid","balance":"Balance_Due"}'
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"invoice","default_item":"Professional services",'"$FIELDS"'}}'

money() { ctl GET /store/crm/Deals | jq -r --arg id "$1" '.records[] | select(.id == $id) | "\(.Invoice_Number)|\(.Invoice_Status)|\(.Invoice_Total)|\(.Amount_Paid)|\(.Balance_Due)"'; }
deal_writes() { ctl GET "/requests?since=$1" | jq '[.requests[] | select(.api == "crm" and .method == "PUT" and (.path | test("/Deals")))] | length'; }

# --- run 1: Wayne's deal (won, two products) gets its invoice, and the invoice's money shows on the deal.
seq=$(last_seq)
run_ok job.json
INV=$(store books invoices | jq -r --arg d $WAYNE '.[] | select(.reference_number == $d) | .invoice_id')
[ -n "$INV" ] || fail "no invoice for Wayne"
assert_eq "INV-000001|draft|1119|0|1119" "$(money $WAYNE)" "the deal's money after run 1"
assert_eq "null|null|null|null|null" "$(money $ACME)" "a deal without an invoice is not written"
assert_eq 1 "$(deal_writes "$seq")" "one update call"
assert_eq "update" "$(ledger_query state "select action from events where entity = 'deal_money' and crm_id = '$WAYNE'")" "event"
[ -n "$(ledger_query state "select money_hash from deal_links where deal_id = '$WAYNE' and kind = 'invoice'")" ] || fail "no money hash"
[ "$(ledger_query state "pragma user_version")" -ge 10 ] || fail "schema version below 10 (deal_links.money_hash)"

# --- the finance user sends the invoice and records a payment of 500 through the finance API.
ctl POST "/finance/books/invoices/$INV/status" '{"status":"sent"}' >/dev/null
CUST=$(store books invoices | jq -r --arg i "$INV" '.[] | select(.invoice_id == $i) | .customer_id')
tok=$(fresh_token fin)
got=$(curl -s -X POST -H "Authorization: Zoho-oauthtoken $tok" -H 'Content-Type: application/json' \
	"$SANDBOX_URL/books/v3/customerpayments?organization_id=10234695" \
	-d '{"customer_id":"'"$CUST"'","payment_mode":"cash","amount":500,"date":"'"$(date -u +%Y-%m-%d)"'","invoices":[{"invoice_id":"'"$INV"'","amount_applied":500}]}')
assert_eq 0 "$(echo "$got" | jq .code)" "payment recorded: $got"

# --- run 2: the deal follows the payment.
seq=$(last_seq)
run_ok job.json
assert_eq "INV-000001|partially_paid|1119|500|619" "$(money $WAYNE)" "the deal's money after the payment"
assert_eq 1 "$(deal_writes "$seq")" "one update call"
grep -q "^deal_money: 0 added, 1 updated" run.out || fail "summary line: $(cat run.out)"

# --- run 3: nothing changed: nothing written.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(deal_writes "$seq")" "a run without changes writes no deal"
assert_eq "INV-000001|partially_paid|1119|500|619" "$(money $WAYNE)" "unchanged"

# --- the rest is paid: the next run shows paid with no balance.
ctl POST "/finance/books/invoices/$INV/status" '{"status":"paid"}' >/dev/null
run_ok job.json
assert_eq "INV-000001|paid|1119|1119|0" "$(money $WAYNE)" "paid"

# --- a void in the finance app follows too (its payments come off the invoice).
ctl POST "/finance/books/invoices/$INV/status" '{"status":"void"}' >/dev/null
run_ok job.json
assert_eq "INV-000001|void|1119|0|0" "$(money $WAYNE)" "void: nothing paid on it"

# --- a CRM field that does not exist: exit 2 naming the key, before any write.
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"invoice","default_item":"Professional services","crm_fields":{"balance":"No_Such_Field"}}}'
seq=$(last_seq)
expect_exit 2 finsync run job.json >out 2>err
grep -q "sync.deals.crm_fields.balance: the CRM module Deals has no field 'No_Such_Field'" err || fail "message: $(cat err)"
assert_eq 0 "$(writes_since "$seq")" "writes by the refused job"
