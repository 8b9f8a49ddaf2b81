#!/bin/sh
test_description='sync.transactions to_crm salesorders: a finance sales order (Books, made by a won deal) is mirrored into CRM Sales_Orders through upsert on Finance_Id: Subject, Status on the picklist, Due_Date, totals, the account, the deal that made it, Ordered_Items on the linked products; a run with nothing new writes nothing; confirmed (open) it becomes Approved, still one record; an app without sales orders is refused'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/quotes"
WAYNE=4150868000000091005
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone","extent":"both_ways"},
  "deals":{"automate":"salesorder","default_item":"Professional services"},
  "transactions":{"to_crm":["salesorders"],"crm_balance_field":"Balance"}}'
. "$TOP/tests/e2e/txn-lib.sh"

# --- run 1: Wayne's won deal makes a draft sales order; run 2 mirrors it.
run_ok job.json
so=$(store books salesorders | jq -c --arg d $WAYNE '[.[] | select(.reference_number == $d)][0]')
SO=$(echo "$so" | jq -r .salesorder_id)
[ -n "$SO" ] && [ "$SO" != null ] || fail "no sales order from the deal"
run_ok job.json
assert_eq 1 "$(crm_all Sales_Orders | jq length)" "CRM sales orders"
CRM_SO=$(ledger_query state "select crm_id from transaction_links where origin = 'finance' and kind = 'salesorder' and finance_id = '$SO'")
[ -n "$CRM_SO" ] || fail "no link: $(ledger_query state "select action, reason from events where entity = 'transactions'")"
rec=$(crm_get "Sales_Orders/$CRM_SO" | jq -c '.data[0]')
ACCT=$(ledger_query state "select crm_id from links where entity = 'customers' and finance_id = '$(echo "$so" | jq -r .customer_id)'")
assert_eq "SO-000001|$SO|$ACCT|Created|$(echo "$so" | jq -r .total)|$WAYNE" \
	"$(echo "$rec" | jq -r '"\(.Subject)|\(.Finance_Id)|\(.Account_Name.id)|\(.Status)|\(.Grand_Total)|\(.Deal_Name.id)"')" "the CRM sales order"
want=$(for i in $(echo "$so" | jq -r '.line_items[].item_id'); do product_of "$i"; done | tr '\n' ' ')
assert_eq "$want" "$(echo "$rec" | jq -r '.Ordered_Items | map(.Product_Name.id) | join(" ")') " "lines on the linked products"
assert_eq "salesorder|Sales_Orders|finance" "$(ledger_query state "select kind || '|' || crm_module || '|' || origin from transaction_links where finance_id = '$SO'")" "link"

# --- nothing changed: no CRM write.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(crm_writes_since "$seq")" "CRM writes in a run with nothing new"

# --- confirmed in Books (open) with a shipment date: Approved, Due_Date, still one record, its lines once.
books PUT "/salesorders/$SO" "$(echo "$so" | jq -c '{customer_id, shipment_date: "2026-12-31", line_items: [.line_items[] | {item_id, quantity, rate}]}')" | jq -e '.code == 0' >/dev/null || fail "update refused"
books POST "/salesorders/$SO/status/open" | jq -e '.code == 0' >/dev/null || fail "confirm refused"
run_ok job.json
rec=$(crm_get "Sales_Orders/$CRM_SO" | jq -c '.data[0]')
assert_eq "Approved|2026-12-31|$(echo "$so" | jq '.line_items | length')" "$(echo "$rec" | jq -r '"\(.Status)|\(.Due_Date)|\(.Ordered_Items | length)"')" "the confirmed order"
assert_eq 1 "$(crm_all Sales_Orders | jq length)" "still one CRM sales order"
assert_eq update "$(ledger_query state "select action from events where entity = 'transactions' and run_id = $(run_no)")" "update event"

# --- an app without sales orders is refused, naming the key.
mkdir keys
write_job keys/job.json zoho-invoice '{"customers":{"crm_module":"accounts"},"transactions":{"to_crm":["salesorders"]}}'
finsync_exit 2 run keys/job.json
grep -qF "sync.transactions.to_crm: zoho-invoice has no salesorders finsync can read" err || fail "message: $(cat err)"
