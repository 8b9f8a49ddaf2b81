#!/bin/sh
test_description='sync.quotes create salesorder (Zoho Inventory) under the lenient reading of salesorder_number (POST /__control/readings {"salesorder_auto_number":true}): the app numbers each sales order from its own series, as Books does, in one create each, and finsync sends no number'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/quotes"
write_job job.json zoho-inventory '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed","create":"salesorder"}}'
ACME_Q=4150868000000095001

assert_eq "false|false" "$(ctl GET /readings | jq -r '"\(.honour_contact_type)|\(.salesorder_auto_number)"')" "both readings harsh by default"
assert_eq "false|true" "$(ctl POST /readings '{"salesorder_auto_number":true}' | jq -r '"\(.honour_contact_type)|\(.salesorder_auto_number)"')" "reading switched, the other kept"
ctl POST /readings '{"salesorder_auto_number":"yes"}' >/dev/null && fail "a reading that is not true or false is taken"

seq=$(last_seq)
run_ok job.json
assert_eq "SO-000001 SO-000002 SO-000003" "$(store inventory salesorders | jq -r '[.[].salesorder_number] | sort | join(" ")')" "the app's own numbers"
posts=$(ctl GET "/requests?since=$seq" | jq -c '[.requests[] | select(.method == "POST" and .path == "/inventory/v1/salesorders")]')
assert_eq "201 201 201" "$(echo "$posts" | jq -r 'map(.status) | join(" ")')" "one create call each"
assert_eq 0 "$(echo "$posts" | jq '[.[] | select(.query | test("ignore_auto_number_generation"))] | length')" "no number asked for"
grep -qF "sent again as" run.err && fail "a numbered create under the lenient reading: $(cat run.err)"
case $(ledger_query state "select reason from events where entity = 'quotes' and crm_id = '$ACME_Q'") in
	"sales order SO-"*" created as a draft for account 'Acme Ltd' from quote 'Acme - installation and support'") ;;
	*) fail "create event: $(ledger_query state "select reason from events where entity = 'quotes' and crm_id = '$ACME_Q'")" ;; esac
