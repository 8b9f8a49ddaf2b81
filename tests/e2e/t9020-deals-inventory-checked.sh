#!/bin/sh
test_description='deals on Inventory among other customers'"'"' invoices: zcrm_potential_id is no filter there (ignored), so a deal'"'"'s invoice is found only by reference_number and its customer, checked on the row; with the filters ignored as well, no other invoice is adopted or voided, and a deal'"'"'s own invoice is still found again by a new state_dir'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
write_job job.json zoho-inventory '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice"}}'

ACME=4150868000000091001 WAYNE=4150868000000091005

event() { ledger_query state "select action || '|' || match from events where entity = 'deals' and run_id = $1 and crm_id = '$2'"; }
# own DEAL: the deal's invoices that went to its own customer
own() { store inventory invoices | jq -c --arg d "$1" --arg c "$2" '[.[] | select(.reference_number == $d and .customer_name == $c)]'; }

# Another customer of Inventory, and its invoices: one whose reference a user typed as Wayne's
# deal id, one Zoho's CRM integration tied to that deal (zcrm_potential_id), one naming Acme's
# deal, and one of its own. None of them is a deal's.
other=$(ctl POST /finance/inventory/contacts '{"data":[{"contact_name":"Other Customer Ltd","contact_type":"customer"}]}' | jq -r '.ids[0]')
ctl POST /finance/inventory/invoices '{"data":[
  {"customer_id":"'"$other"'","reference_number":"'$WAYNE'","line_items":[{"name":"Typed reference","rate":10}]},
  {"customer_id":"'"$other"'","zcrm_potential_id":"'$WAYNE'","line_items":[{"name":"CRM integration","rate":20}]},
  {"customer_id":"'"$other"'","reference_number":"'$ACME'","line_items":[{"name":"Acme reference","rate":30}]},
  {"customer_id":"'"$other"'","reference_number":"PO-7","line_items":[{"name":"Its own","rate":40}]}]}' >/dev/null
others() { store inventory invoices | jq -c --arg c "$other" '[.[] | select(.customer_id == $c) | [.invoice_id, .status, .total, .reference_number, .last_modified_time]]'; }
before=$(others)
assert_eq 4 "$(echo "$before" | jq length)" "other customer's invoices"

# --- run 1: Wayne's deal is won: its own invoice, for Wayne Enterprises; the others untouched.
run_ok job.json
r=$(run_no)
assert_eq 1 "$(own $WAYNE "Wayne Enterprises" | jq length)" "Wayne's own invoice"
assert_eq "create|" "$(event "$r" $WAYNE)" "created, not adopted"
WAYNE_INV=$(own $WAYNE "Wayne Enterprises" | jq -r '.[0].invoice_id')
assert_eq "invoice|$WAYNE_INV|draft" "$(ledger_query state "select kind || '|' || finance_id || '|' || state from deal_links where deal_id = '$WAYNE'")" "Wayne's link"
assert_eq "$before" "$(others)" "other customer's invoices after run 1"
assert_eq 0 "$(ctl GET /requests | jq '[.requests[] | select(.api == "inventory" and (.query // "" | test("zcrm_potential_id")))] | length')" "zcrm_potential_id asked"

# --- run 2: Wayne lost: its own invoice is voided, no other.
deal $WAYNE '.Stage = "Closed Lost" | .Probability = 0'
run_ok job.json
assert_eq void "$(own $WAYNE "Wayne Enterprises" | jq -r '.[0].status')" "Wayne's invoice voided"
assert_eq "$before" "$(others)" "other customer's invoices after the void"

# --- the app ignores reference_number and customer_id as well (every row comes back):
# Acme's won deal gets its own invoice, nothing of the other customer's is taken.
ctl POST /transaction_filters '{"ignore":["reference_number","customer_id"]}' >/dev/null
deal $ACME '.Stage = "Closed Won" | .Probability = 100'
run_ok job.json
r=$(run_no)
assert_eq "create|" "$(event "$r" $ACME)" "Acme's invoice created"
assert_eq 1 "$(own $ACME "Acme Ltd" | jq length)" "Acme's own invoice"
ACME_INV=$(own $ACME "Acme Ltd" | jq -r '.[0].invoice_id')
assert_eq "$before" "$(others)" "other customer's invoices with the filters ignored"

# A new state_dir knows no deal: Acme's invoice is found again among every row, checked.
sed 's/"state_dir": "state"/"state_dir": "state2"/' job.json >job2.json
finsync run job2.json >out 2>err || fail "run with a new state_dir: $(cat err)"
assert_eq "$ACME_INV|draft" "$(ledger_query state2 "select finance_id || '|' || state from deal_links where deal_id = '$ACME'")" "Acme's invoice found again"
assert_eq 1 "$(own $ACME "Acme Ltd" | jq length)" "no second invoice for Acme"
assert_eq "" "$(ledger_query state2 "select finance_id from deal_links where deal_id = '$WAYNE'")" "Wayne's lost deal wants no invoice: none looked up, none taken"
assert_eq "$before" "$(others)" "other customer's invoices after the new state_dir"

# Acme lost: its own draft is voided; the other customer's invoice naming Acme's deal stays.
deal $ACME '.Stage = "Closed Lost" | .Probability = 0'
run_ok job.json
assert_eq void "$(own $ACME "Acme Ltd" | jq -r '.[0].status')" "Acme's invoice voided"
assert_eq "$before" "$(others)" "other customer's invoices in the end"
assert_eq 2 "$(store inventory invoices | jq '[.[] | select(.customer_id != "'"$other"'")] | length')" "the deals' invoices"
