#!/bin/sh
test_description='deals on Zoho Invoice: a won deal gets its draft invoice there (the organisation in its header, lines on the linked items, one line on default_item for a deal without products), its money shows on the deal, and automate quote makes an estimate; once ever'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/deal_money"
WAYNE=4150868000000091005 ACME=4150868000000091001 INITECH=4150868000000091003
ctl POST /finance/invoice/items '{"data":[{"name":"Professional services","rate":0,"description":"Work sold through a CRM deal"}]}' >/dev/null
ITEM=$(store invoice items | jq -r '.[] | select(.name == "Professional services") | .item_id')
FIELDS='"crm_fields":{"invoice_number":"Invoice_Number","invoice_status":"Invoice_Status","total":"Invoice_Total","paid":"Amount_Paid","balance":"Balance_Due"}'
write_job job.json zoho-invoice '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"invoice","default_item":"Professional services",'"$FIELDS"'}}'

of() { store invoice "$1" | jq -c --arg d "$2" '[.[] | select(.reference_number == $d)]'; }
money() { ctl GET /store/crm/Deals | jq -r --arg id "$1" '.records[] | select(.id == $id) | "\(.Invoice_Number)|\(.Invoice_Status)|\(.Invoice_Total)|\(.Amount_Paid)|\(.Balance_Due)"'; }

seq=$(last_seq)
run_ok job.json
inv=$(of invoices $WAYNE)
assert_eq 1 "$(echo "$inv" | jq length)" "Wayne's invoice in Zoho Invoice"
assert_eq "$(item_of 4150868000000089004)|1|999,$(item_of 4150868000000089003)|1|120" \
	"$(echo "$inv" | jq -r '[.[0].line_items[] | "\(.item_id)|\(.quantity)|\(.rate)"] | join(",")')" "its lines on the linked items"
assert_eq "draft|Wayne Enterprises" "$(echo "$inv" | jq -r '.[0] | "\(.status)|\(.customer_name)"')" "draft for the customer"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api == "invoice" and (.query // "" | test("organization_id")))] | length')" "the organisation goes in the header, never the query"
assert_eq 0 "$(store books invoices | jq length)" "nothing in Books"
assert_eq "INV-000001|draft|1119|0|1119" "$(money $WAYNE)" "the deal shows its money"

deal $ACME '.Stage = "Closed Won" | .Probability = 100'
run_ok job.json
assert_eq "$ITEM|Acme Ltd - Spring restock|12000" "$(of invoices $ACME | jq -r '.[0].line_items | map("\(.item_id)|\(.name)|\(.rate)") | join(",")')" "one line on the default item"
run_ok job.json
assert_eq 2 "$(store invoice invoices | jq length)" "once ever"

# --- automate quote on Zoho Invoice: an estimate there.
rm -rf state
write_job job.json zoho-invoice '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"quote","quote_create_stage":"Needs Analysis","default_item":"Professional services"}}'
deal $INITECH '.Stage = "Value Proposition" | .Probability = 40'
run_ok job.json
assert_eq "draft|1" "$(of estimates $INITECH | jq -r '"\(.[0].status)|\(length)"')" "Initech's quote in Zoho Invoice"
