#!/bin/sh
test_description='sync.transactions on Zoho Inventory: a sales order a won deal made, confirmed with Inventory'"'"'s own status, is mirrored into CRM Sales_Orders as Approved on its deal; a purchase order seeded as issued is mirrored into Purchase_Orders as Approved on the linked vendor; both in one run, once'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/deal_money" --seed "$FIXTURES/base/quotes"
WAYNE=4150868000000091005
write_job job.json zoho-inventory '{"customers":{"crm_module":"accounts"},"vendors":{},"items":{"on_duplicate":"clone"},
  "deals":{"automate":"salesorder","confirm_sales_order":true},
  "transactions":{"to_crm":["salesorders","purchaseorders"]}}'
. "$TOP/tests/e2e/txn-lib.sh"

run_ok job.json
SO=$(store inventory salesorders | jq -r --arg d $WAYNE '[.[] | select(.reference_number == $d)][0].salesorder_id')
assert_eq confirmed "$(store inventory salesorders | jq -r --arg id "$SO" '.[] | select(.salesorder_id == $id) | .status')" "confirmed in Inventory"
VENDOR=$(ledger_query state "select finance_id from links where entity = 'vendors' and state = 'linked' order by crm_id limit 1")
CRM_VENDOR=$(ledger_query state "select crm_id from links where entity = 'vendors' and finance_id = '$VENDOR'")
ITEM=$(ledger_query state "select finance_id from links where entity = 'items' and state = 'linked' order by crm_id limit 1")
ctl POST /finance/inventory/purchaseorders '{"data":[{"vendor_id":"'$VENDOR'","status":"issued","date":"2026-11-02","line_items":[{"item_id":"'$ITEM'","quantity":2,"rate":10}]}]}' >/dev/null || fail "seed refused"
PO=$(store inventory purchaseorders | jq -r '.[0].purchaseorder_id')

run_ok job.json
so=$(crm_all Sales_Orders | jq -c --arg id "$SO" '[.[] | select(.Finance_Id == $id)]')
assert_eq "1|Approved|$WAYNE" "$(echo "$so" | jq -r '"\(length)|\(.[0].Status)|\(.[0].Deal_Name.id)"')" "the CRM sales order"
po=$(crm_all Purchase_Orders | jq -c --arg id "$PO" '[.[] | select(.Finance_Id == $id)]')
assert_eq "1|Approved|$CRM_VENDOR|PO-000001|20" "$(echo "$po" | jq -r '"\(length)|\(.[0].Status)|\(.[0].Vendor_Name.id)|\(.[0].Subject)|\(.[0].Grand_Total)"')" "the CRM purchase order"
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(crm_writes_since "$seq")" "CRM writes in a run with nothing new"
assert_eq "1|1" "$(crm_all Sales_Orders | jq length)|$(crm_all Purchase_Orders | jq length)" "once"

# --- a sales order whose line names no item (a line by name) waits, saying so: a CRM line needs a product.
CUST=$(ledger_query state "select finance_id from links where entity = 'customers' and state = 'linked' order by crm_id limit 1")
ctl POST /finance/inventory/salesorders '{"data":[{"customer_id":"'$CUST'","line_items":[{"name":"Freight","rate":40}]}]}' >/dev/null || fail "seed refused"
run_ok job.json
assert_eq "skip|its line 'Freight' names no item: a CRM line needs a product" \
	"$(ledger_query state "select action || '|' || reason from events where entity = 'transactions' and run_id = $(run_no)")" "a line without an item"
