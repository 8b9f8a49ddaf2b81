#!/bin/sh
test_description='deals on Zoho Billing: a won deal gets a draft invoice in Billing'"'"'s own shape (invoice_items of product_id, price, quantity; a date), once ever; a lost deal'"'"'s draft is opened (converttoopen) and voided (void); quotes and sales orders are refused on Billing; the sandbox refuses a Books-shaped body'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/deal_money"
WAYNE=4150868000000091005 ACME=4150868000000091001
ctl POST /finance/billing/items '{"data":[{"name":"Professional services","rate":0}]}' >/dev/null
ITEM=$(store billing items | jq -r '.[] | select(.name == "Professional services") | .item_id')
write_job job.json zoho-billing '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"invoice","default_item":"Professional services"}}'

of() { store billing invoices | jq -c --arg d "$1" '[.[] | select(.reference_number == $d)]'; }
tok=$(fresh_token fin)
billing() {     # billing METHOD PATH [BODY]: the API as a finance user calls it
	curl -s -X "$1" -H "Authorization: Zoho-oauthtoken $tok" -H 'X-com-zoho-subscriptions-organizationid: 10234695' \
		-H 'Content-Type: application/json' ${3:+-d "$3"} "$SANDBOX_URL/billing/v1$2"
}

# --- run 1: Wayne's invoice, in Billing's shape through its API.
run_ok job.json
INV=$(of $WAYNE | jq -r '.[0].invoice_id')
[ -n "$INV" ] && [ "$INV" != null ] || fail "no Billing invoice for Wayne"
got=$(billing GET "/invoices/$INV")
assert_eq "$(item_of 4150868000000089004)|999|1,$(item_of 4150868000000089003)|120|1" \
	"$(echo "$got" | jq -r '[.invoice.invoice_items[] | "\(.product_id)|\(.price)|\(.quantity)"] | join(",")')" "invoice_items on the linked items"
assert_eq "draft|$(date -u +%Y-%m-%d)" "$(echo "$got" | jq -r '.invoice | "\(.status)|\(.date)"')" "a dated draft"
assert_eq "invoice|draft" "$(ledger_query state "select kind || '|' || state from deal_links where deal_id = '$WAYNE'")" "deal link"

# --- Acme won (one line on the default item), then lost: opened, then voided, through Billing's actions.
deal $ACME '.Stage = "Closed Won" | .Probability = 100'
run_ok job.json
assert_eq "$ITEM|12000" "$(of $ACME | jq -r '.[0].line_items | map("\(.item_id)|\(.rate)") | join(",")')" "one line on the default item"
deal $ACME '.Stage = "Closed Lost" | .Probability = 0'
seq=$(last_seq)
run_ok job.json
assert_eq void "$(of $ACME | jq -r '.[0].status')" "voided"
assert_eq "POST /billing/v1/invoices/$(of $ACME | jq -r '.[0].invoice_id')/converttoopen,POST /billing/v1/invoices/$(of $ACME | jq -r '.[0].invoice_id')/void" \
	"$(ctl GET "/requests?since=$seq" | jq -r '[.requests[] | select(.api == "billing" and .method == "POST") | "\(.method) \(.path)"] | join(",")')" "Billing's own status actions"
run_ok job.json
assert_eq 2 "$(store billing invoices | jq length)" "once ever"

# --- the sandbox holds Billing to its documented body.
CUST=$(of $WAYNE | jq -r '.[0].customer_id')
assert_eq 2 "$(billing POST /invoices '{"customer_id":"'"$CUST"'","date":"2026-03-01","line_items":[{"item_id":"'"$ITEM"'","rate":1,"quantity":1}]}' | jq .code)" "Books' line_items refused"
assert_eq 2 "$(billing POST /invoices '{"customer_id":"'"$CUST"'","invoice_items":[{"product_id":"'"$ITEM"'","price":1,"quantity":1}]}' | jq .code)" "date required"
assert_eq 0 "$(billing POST /invoices '{"customer_id":"'"$CUST"'","date":"2026-03-01","invoice_items":[{"product_id":"'"$ITEM"'","price":1,"quantity":1}]}' | jq .code)" "Billing's body taken"
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Zoho-oauthtoken $tok" -H 'X-com-zoho-subscriptions-organizationid: 10234695' "$SANDBOX_URL/billing/v1/invoices/$INV/status/sent")" "no Books status path on Billing"

# --- quotes and sales orders are not Billing's.
write_job q.json zoho-billing '{"customers":{"crm_module":"accounts"},"deals":{"automate":"quote","quote_create_stage":"Qualification"}}'
expect_exit 2 finsync run q.json >out 2>err
grep -q "sync.deals.automate: zoho-billing has no quotes" err || fail "message: $(cat err)"
