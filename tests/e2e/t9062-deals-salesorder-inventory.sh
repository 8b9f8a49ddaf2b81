#!/bin/sh
test_description='deals, automate salesorder on Zoho Inventory: a won deal gets its sales order there, confirmed with Inventory'"'"'s own status/confirmed when confirm_sales_order is true, numbered CRM-<deal id> when Inventory refuses it without a number; Books'"'"' status/open is not Inventory'"'"'s'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/deal_money"
WAYNE=4150868000000091005
write_job job.json zoho-inventory '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"salesorder","confirm_sales_order":true}}'

seq=$(last_seq)
run_ok job.json
so=$(store inventory salesorders | jq -c --arg d $WAYNE '[.[] | select(.reference_number == $d)]')
assert_eq "1|confirmed|1119" "$(echo "$so" | jq -r '"\(length)|\(.[0].status)|\(.[0].total)"')" "Wayne's sales order, confirmed"
assert_eq "confirmed" "$(ledger_query state "select state from deal_links where deal_id = '$WAYNE' and kind = 'salesorder'")" "link state"
assert_eq 1 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api == "inventory" and (.path | test("/salesorders/[0-9]+/status/confirmed$")))] | length')" "Inventory's confirm action"
# Inventory's spec marks salesorder_number required (the sandbox's default, harsher reading): refused
# without one, the order is sent again numbered after the deal.
assert_eq "CRM-$WAYNE" "$(echo "$so" | jq -r '.[0].salesorder_number')" "numbered after the deal"
assert_eq "400 201" "$(ctl GET "/requests?since=$seq" | jq -r '[.requests[] | select(.method == "POST" and .path == "/inventory/v1/salesorders") | .status] | join(" ")')" "refused unnumbered, then created numbered"
assert_eq 0 "$(store books salesorders | jq length)" "nothing in Books"
run_ok job.json
assert_eq 1 "$(store inventory salesorders | jq length)" "once ever"
