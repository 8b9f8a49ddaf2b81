#!/bin/sh
test_description='sync.transactions: finance invoices and estimates mirrored into CRM Invoices and Quotes through upsert on the unique Finance_Id, linked to the account and the products, status on the picklist; a no-change run writes nothing; a payment makes the CRM invoice Paid on the next run; a lost upsert answer and a rerun give one CRM record with its lines once; a transaction whose customer is not linked waits'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/quotes" --seed "$FIXTURES/base/deals"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed"},
  "transactions":{"to_crm":["invoices","estimates"],"since":"2026-01-01","crm_balance_field":"Balance"}}'
ACME=4150868000000087001 INITECH=4150868000000087005
. "$TOP/tests/e2e/txn-lib.sh"

# --- run 1 invoices Acme's confirmed quote; run 2 mirrors that invoice into CRM Invoices.
run_ok job.json
INV=$(ctl GET /store/books/invoices | jq -r '.records[0].invoice_id')
[ -n "$INV" ] && [ "$INV" != null ] || fail "no invoice from the quote"
run_ok job.json
assert_eq 1 "$(crm_all Invoices | jq length)" "CRM invoices"
CRM_INV=$(ledger_query state "select crm_id from transaction_links where origin = 'finance' and kind = 'invoice' and finance_id = '$INV'")
rec=$(crm_get "Invoices/$CRM_INV" | jq -c '.data[0]')
assert_eq "INV-000001|$INV|$ACME|Created|1470|1470|2026" \
	"$(echo "$rec" | jq -r '"\(.Subject)|\(.Finance_Id)|\(.Account_Name.id)|\(.Status)|\(.Grand_Total)|\(.Balance)|\(.Invoice_Date[:4])"')" "the CRM invoice"
items=$(ctl GET /store/books/invoices | jq -r '.records[0].line_items | map(.item_id) | .[]')
want=$(for i in $items; do product_of "$i"; done | tr '\n' ' ')
assert_eq "$want" "$(echo "$rec" | jq -r '.Invoiced_Items | map(.Product_Name.id) | join(" ")') " "lines on the linked products"
assert_eq "2 150 30" "$(echo "$rec" | jq -r '.Invoiced_Items[0] | "\(.Quantity) \(.List_Price) \(.Discount)"')" "first line"
assert_eq null "$(echo "$rec" | jq -c .Deal_Name)" "a reference_number that is a quote's id names no deal"
assert_eq "invoice|$INV|Invoices|$CRM_INV|finance" "$(ledger_query state "select kind || '|' || finance_id || '|' || crm_module || '|' || crm_id || '|' || origin from transaction_links where origin = 'finance'")" "link"
assert_eq 1 "$(ctl GET /requests | jq '[.requests[] | select(.path == "/crm/v8/Invoices/upsert")] | length')" "one upsert call"

# --- run 3: nothing changed: no CRM write at all.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(crm_writes_since "$seq")" "CRM writes in a run with nothing new"
assert_eq 0 "$(ledger_query state "select count(*) from events where entity = 'transactions' and run_id = $(run_no) and action != 'unchanged'")" "nothing but unchanged"
# Only what changed since the watermark (the newest change, read again at the mark) is read by id.
n=$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.method == "GET" and (.path | test("^/books/v3/(invoices|estimates)/[0-9]+$")))] | length')
[ "$n" -le 1 ] || fail "transactions read by id in a run with nothing new: $n"

# --- the invoice is sent and paid in full: the next run makes the CRM invoice Paid, balance 0,
# still one record with its two lines.
books POST "/invoices/$INV/status/sent" >/dev/null
TODAY=$(curl -sf "$SANDBOX_URL/__control/clock" | jq -r '.now | todate[:10]')
CUST=$(ctl GET /store/books/invoices | jq -r '.records[0].customer_id')
books POST /customerpayments '{"customer_id":"'$CUST'","payment_mode":"cash","amount":1470,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV'","amount_applied":1470}]}' | jq -e '.code == 0' >/dev/null || fail "payment refused"
run_ok job.json
rec=$(crm_get "Invoices/$CRM_INV" | jq -c '.data[0]')
assert_eq "Paid|0|2" "$(echo "$rec" | jq -r '"\(.Status)|\(.Balance)|\(.Invoiced_Items | length)"')" "paid invoice in the CRM"
assert_eq 1 "$(crm_all Invoices | jq length)" "still one CRM invoice"
assert_eq update "$(ledger_query state "select action from events where entity = 'transactions' and run_id = $(run_no)")" "update event"

# --- an estimate for Initech's customer becomes a CRM quote at Draft; one for a customer
# linked to no CRM account waits.
INITECH_CUST=$(ledger_query state "select finance_id from links where entity = 'customers' and crm_id = '$INITECH'")
ITEM=$(ctl GET /store/books/invoices | jq -r '.records[0].line_items[0].item_id')
books POST /estimates '{"customer_id":"'$INITECH_CUST'","reference_number":"4150868000000091003","line_items":[{"item_id":"'$ITEM'","quantity":3,"rate":100}]}' | jq -e '.code == 0' >/dev/null || fail "estimate refused"
books POST /estimates '{"customer_id":"460000000026049","line_items":[{"item_id":"'$ITEM'","quantity":1,"rate":5}]}' | jq -e '.code == 0' >/dev/null || fail "estimate refused"
run_ok job.json
q=$(crm_all Quotes | jq -c '[.[] | select(.Finance_Id != null)]')
assert_eq 1 "$(echo "$q" | jq length)" "mirrored estimates"
assert_eq "Draft|$INITECH|300|1|4150868000000091003" "$(echo "$q" | jq -r '.[0] | "\(.Quote_Stage)|\(.Account_Name.id)|\(.Grand_Total)|\(.Quoted_Items | length)|\(.Deal_Name.id)"')" "the CRM quote, on the deal its reference_number names"
r=$(run_no)
case $(ledger_query state "select reason from events where entity = 'transactions' and run_id = $r and action = 'skip'") in
	"its customer 'Globex Corporation' (460000000026049) is linked to no CRM account"*) ;;
	*) fail "waiting estimate: $(ledger_query state "select action, reason from events where entity = 'transactions' and run_id = $r")" ;;
esac

# --- the upsert's answer is lost (a write that was applied): the run stops; the rerun upserts
# on Finance_Id again: one CRM record, its lines once.
EST=$(ctl GET /store/books/estimates | jq -r --arg c "$INITECH_CUST" '[.records[] | select(.customer_id == $c)][0].estimate_id')
books PUT "/estimates/$EST" '{"customer_id":"'$INITECH_CUST'","line_items":[{"item_id":"'$ITEM'","quantity":4,"rate":100}]}' | jq -e '.code == 0' >/dev/null || fail "estimate update refused"
ledger_query state "delete from transaction_links where kind = 'estimate'"
ctl POST /faults '{"kind":"cut","path_prefix":"/crm/v8/Quotes/upsert","method":"POST","count":1}' >/dev/null
finsync run job.json >run.out 2>run.err || true
ctl DELETE /faults >/dev/null
run_ok job.json
q=$(crm_all Quotes | jq -c '[.[] | select(.Finance_Id == "'$EST'")]')
assert_eq "1|400|1" "$(echo "$q" | jq -r '"\(length)|\(.[0].Grand_Total)|\(.[0].Quoted_Items | length)"')" "one CRM quote, one line"

# --- the ready check: a target module without a unique Finance_Id is named before any write.
mkdir other
write_job other/job.json zoho-books '{"customers":{"crm_module":"accounts"},"transactions":{"to_crm":["invoices"],"crm_finance_id_field":"Books_Id"}}'
finsync_exit 2 run other/job.json
grep -q "Books_Id" err || fail "ready message: $(cat err)"

# --- 250 invoices made at once (one second): 100 rows an upsert call; the next run reads none
# of them by id (the ones at the watermark carry the print of the list row last mirrored).
ACME_CUST=$(ledger_query state "select finance_id from links where entity = 'customers' and crm_id = '$ACME'")
ctl POST /finance/books/invoices "$(jq -nc --arg c "$ACME_CUST" --arg i "$ITEM" '{data: [range(0;250) | {customer_id: $c, line_items: [{item_id: $i, rate: (. + 1), quantity: 1}]}]}')" >/dev/null
seq=$(last_seq)
run_ok job.json
assert_eq 3 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.path == "/crm/v8/Invoices/upsert")] | length')" "upsert calls for 250 rows"
assert_eq 251 "$(crm_all Invoices | jq length)" "CRM invoices"
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(crm_writes_since "$seq")" "CRM writes after the batch"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.method == "GET" and (.path | test("^/books/v3/invoices/[0-9]+$")))] | length')" "invoices read by id after the batch"

# --- job errors name the key, before any work.
for c in '{"to_crm":["bills"]}|sync.transactions.to_crm: unknown value '"'"'bills'"'"'' \
	'{"to_crm":["invoices"],"since":"2026-13-01"}|sync.transactions.since: '"'"'2026-13-01'"'"' is not a date' \
	'{"to_crm":[]}|sync.transactions.to_crm: must be a list' \
	'{"to_crm":["invoices"],"hash":1}|sync.transactions.hash: unknown key'; do
	cfg=${c%%|*} msg=${c#*|}     # (finsync_exit sets $want)
	rm -rf keys && mkdir keys
	write_job keys/job.json zoho-books '{"customers":{"crm_module":"accounts"},"transactions":'"$cfg"'}'
	finsync_exit 2 run keys/job.json
	grep -qF "$msg" err || fail "message for $cfg: $(cat err)"
done
write_job keys/job.json zoho-invoice '{"customers":{"crm_module":"accounts"},"transactions":{"to_crm":["invoices"]}}'
finsync_exit 2 run keys/job.json
grep -qF "sync.transactions.to_crm: zoho-invoice has no invoices finsync can read" err || fail "message: $(cat err)"
