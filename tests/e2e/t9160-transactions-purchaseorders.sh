#!/bin/sh
test_description='sync.transactions to_crm purchaseorders: a finance purchase order (Books) is mirrored into CRM Purchase_Orders through upsert on Finance_Id: Subject, Vendor_Name the linked CRM vendor, Status on the picklist, PO_Date, Due_Date, totals, Purchased_Items on the linked products; nothing new writes nothing; an edit updates the one record; a vendor linked to no CRM vendor waits; the sandbox lists purchase orders as Books documents them; Zoho Invoice has none'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/quotes"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"vendors":{},"items":{},
  "transactions":{"to_crm":["purchaseorders"]}}'
. "$TOP/tests/e2e/txn-lib.sh"

# --- run 1 links the vendors and items; a purchase order is then made through the API.
run_ok job.json
VENDOR=$(ledger_query state "select finance_id from links where entity = 'vendors' and state = 'linked' order by crm_id limit 1")
CRM_VENDOR=$(ledger_query state "select crm_id from links where entity = 'vendors' and finance_id = '$VENDOR'")
ITEM=$(ledger_query state "select finance_id from links where entity = 'items' and state = 'linked' order by crm_id limit 1")
[ -n "$VENDOR" ] && [ -n "$ITEM" ] || fail "no linked vendor or item"
out=$(books POST /purchaseorders '{"vendor_id":"'$VENDOR'","date":"2026-11-02","delivery_date":"2026-11-20","line_items":[{"item_id":"'$ITEM'","quantity":4,"rate":25}]}')
echo "$out" | jq -e '.code == 0 and .purchaseorder.purchaseorder_number == "PO-000001" and .purchaseorder.total == 100' >/dev/null || fail "create: $out"
PO=$(echo "$out" | jq -r .purchaseorder.purchaseorder_id)
# The sandbox's list, as Books documents it (a vendor's; customer_id is no key of it).
assert_eq "$PO|draft|$VENDOR" "$(books GET /purchaseorders | jq -r '.purchaseorders[0] | "\(.purchaseorder_id)|\(.status)|\(.vendor_id)"')" "listed"
books POST /purchaseorders '{"customer_id":"'$VENDOR'","line_items":[{"item_id":"'$ITEM'","rate":1}]}' | jq -e '.code != 0' >/dev/null || fail "customer_id taken on a purchase order"

# --- run 2 mirrors it.
run_ok job.json
assert_eq 1 "$(crm_all Purchase_Orders | jq length)" "CRM purchase orders"
CRM_PO=$(ledger_query state "select crm_id from transaction_links where origin = 'finance' and kind = 'purchaseorder' and finance_id = '$PO'")
[ -n "$CRM_PO" ] || fail "no link: $(ledger_query state "select action, reason from events where entity = 'transactions'")"
rec=$(crm_get "Purchase_Orders/$CRM_PO" | jq -c '.data[0]')
assert_eq "PO-000001|$PO|$CRM_VENDOR|Created|2026-11-02|2026-11-20|100|null" \
	"$(echo "$rec" | jq -r '"\(.Subject)|\(.Finance_Id)|\(.Vendor_Name.id)|\(.Status)|\(.PO_Date)|\(.Due_Date)|\(.Grand_Total)|\(.Account_Name)"')" "the CRM purchase order"
assert_eq "$(product_of "$ITEM")|4|25" "$(echo "$rec" | jq -r '.Purchased_Items | map("\(.Product_Name.id)|\(.Quantity)|\(.List_Price)") | join(" ")')" "its line on the linked product"

# --- nothing changed: no CRM write; an edit updates the one record, its lines replaced.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(crm_writes_since "$seq")" "CRM writes in a run with nothing new"
books PUT "/purchaseorders/$PO" '{"vendor_id":"'$VENDOR'","line_items":[{"item_id":"'$ITEM'","quantity":6,"rate":25}]}' | jq -e '.code == 0' >/dev/null || fail "update refused"
run_ok job.json
rec=$(crm_get "Purchase_Orders/$CRM_PO" | jq -c '.data[0]')
assert_eq "150|1|6" "$(echo "$rec" | jq -r '"\(.Grand_Total)|\(.Purchased_Items | length)|\(.Purchased_Items[0].Quantity)"')" "updated"
assert_eq 1 "$(crm_all Purchase_Orders | jq length)" "still one"
assert_eq update "$(ledger_query state "select action from events where entity = 'transactions' and run_id = $(run_no)")" "update event"

# --- a purchase order of a vendor linked to no CRM vendor waits, named.
OTHER=$(ctl GET /store/books/contacts | jq -r --arg v "$VENDOR" '[.records[] | select(.contact_type == "vendor" and .contact_id != $v)] | .[0].contact_id')
ledger_query state "delete from links where entity = 'vendors' and finance_id = '$OTHER'"
books POST /purchaseorders '{"vendor_id":"'$OTHER'","line_items":[{"item_id":"'$ITEM'","quantity":1,"rate":5}]}' | jq -e '.code == 0' >/dev/null || fail "second purchase order refused"
run_ok job.json
case $(ledger_query state "select reason from events where entity = 'transactions' and run_id = $(run_no) and action = 'skip'") in
	"its vendor '"*"' ($OTHER) is linked to no CRM vendor") ;;
	*) fail "waiting: $(ledger_query state "select action, reason from events where entity = 'transactions' and run_id = $(run_no)")" ;;
esac

# --- Zoho Invoice has no purchase orders.
mkdir keys
write_job keys/job.json zoho-invoice '{"customers":{"crm_module":"accounts"},"transactions":{"to_crm":["purchaseorders"]}}'
finsync_exit 2 run keys/job.json
grep -qF "sync.transactions.to_crm: zoho-invoice has no purchaseorders finsync can read" err || fail "message: $(cat err)"
# ... and without the vendors synced no purchase order could name its vendor: refused before any work.
write_job keys/job.json zoho-books '{"customers":{"crm_module":"accounts"},"transactions":{"to_crm":["purchaseorders"]}}'
finsync_exit 2 run keys/job.json
grep -qF "sync.transactions.to_crm: purchaseorders: a purchase order's vendor must be linked: the job must sync vendors" err || fail "message: $(cat err)"
