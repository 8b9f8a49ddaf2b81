#!/bin/sh
test_description='deal lines: a won deal with products becomes an invoice whose lines are those products on their linked items (item_id, quantity 1, the product'"'"'s Unit_Price and description); a product not linked yet makes the deal wait (skip, exit 0) and it is planned again next run; a deal without products gets one line on default_item; line_items "deal" keeps the one line'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
ITEM=460000000027101
WAYNE=4150868000000091005 ACME=4150868000000091001 INITECH=4150868000000091003
WIDGET=4150868000000089004 INSTALL=4150868000000089003

invoice_of() { store books invoices | jq -c --arg d "$1" '[.[] | select(.reference_number == $d)]'; }
event() { ledger_query state "select action || '|' || coalesce(reason, '') from events where entity = 'deals' and run_id = $1 and crm_id = '$2' order by id"; }

# The related list as Zoho documents it: fields mandatory, 204 when none, the relation checked.
ctl POST "/crm/Deals/$WAYNE/Products" "{\"ids\": [\"$WIDGET\", \"$INSTALL\"]}" >/dev/null || fail "cannot relate products"
tok=$(fresh_token crm)
got=$(curl -s -H "Authorization: Zoho-oauthtoken $tok" "$SANDBOX_URL/crm/v8/Deals/$WAYNE/Products?fields=Product_Name,Unit_Price")
assert_eq "$WIDGET|Annual Support|999,$INSTALL|Installation Service|120" \
	"$(echo "$got" | jq -r '[.data[] | "\(.id)|\(.Product_Name)|\(.Unit_Price)"] | join(",")')" "related list"
assert_eq REQUIRED_PARAM_MISSING "$(curl -s -H "Authorization: Zoho-oauthtoken $tok" "$SANDBOX_URL/crm/v8/Deals/$WAYNE/Products" | jq -r .code)" "fields is mandatory"
assert_eq 204 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $tok" "$SANDBOX_URL/crm/v8/Deals/$ACME/Products?fields=Product_Name")" "a deal without products"

# --- run 1: items are not synced by this job yet: Wayne's products are not linked, the deal waits.
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"Professional services"}}'
run_ok job.json
assert_eq 0 "$(invoice_of $WAYNE | jq length)" "no invoice while a product is not linked"
assert_eq "skip|waits for its product 'Annual Support' (crm id $WIDGET): not linked to a Zoho Books item yet" "$(event 1 $WAYNE)" "the deal waits"
grep -q "^deals: 0 added, 0 updated, 7 unchanged, 1 skipped" run.out || fail "summary: $(cat run.out)"

# --- run 2: the job syncs items; nothing changed on the deal, yet it is read again and its
# products, now linked in this same run, become the lines.
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"invoice","default_item":"Professional services"}}'
run_ok job.json
r=$(run_no)
W_ITEM=$(item_of $WIDGET) I_ITEM=$(item_of $INSTALL)
[ -n "$W_ITEM" ] && [ -n "$I_ITEM" ] || fail "products not linked: '$W_ITEM' '$I_ITEM' $(ledger_query state "select crm_id, action, reason from events where entity = 'items'")"
inv=$(invoice_of $WAYNE | jq -c '.[0]')
assert_eq "$W_ITEM|1|999|Support contract, one year,$I_ITEM|1|120|On-site installation, per hour" \
	"$(echo "$inv" | jq -r '[.line_items[] | "\(.item_id)|\(.quantity)|\(.rate)|\(.description)"] | join(",")')" "the products are the lines"
assert_eq 1119 "$(echo "$inv" | jq -r .total)" "total"
assert_eq create "$(event "$r" $WAYNE | cut -d'|' -f1)" "created"

# --- run 3: Acme won without products: one line from the deal on the default item.
deal $ACME '.Stage = "Closed Won" | .Probability = 100'
run_ok job.json
assert_eq "$ITEM|Acme Ltd - Spring restock|12000|1" \
	"$(invoice_of $ACME | jq -r '.[0].line_items | map("\(.item_id)|\(.name)|\(.rate)|\(.quantity)") | join(",")')" "one line from the deal"
assert_eq 1 "$(invoice_of $WAYNE | jq length)" "Wayne's invoice made once"

# --- line_items "deal": a deal with products still gets the one line from the deal.
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"invoice","default_item":"Professional services","line_items":"deal"}}'
ctl POST "/crm/Deals/$INITECH/Products" "{\"ids\": [\"$WIDGET\"]}" >/dev/null
deal $INITECH '.Stage = "Closed Won" | .Probability = 100'
seq=$(last_seq)
run_ok job.json
assert_eq "$ITEM|1" "$(invoice_of $INITECH | jq -r '.[0].line_items | map("\(.item_id)|\(.quantity)") | join(",")')" "line_items deal"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.path | test("/Deals/[0-9]+/Products$"))] | length')" "no products read with line_items deal"
# A bad value is refused naming the key.
write_job bad.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"x","line_items":"lines"}}'
expect_exit 2 finsync run bad.json >out 2>err
grep -q "sync.deals.line_items: unknown value 'lines' (products, deal)" err || fail "message: $(cat err)"
