#!/bin/sh
test_description='sync.quotes: a CRM quote at invoice_at_stage becomes one draft invoice with its line items on the linked items, once ever; a quote whose account or product is not linked waits (skip, exit 0) and is retried; a lost answer or a run stopped after the POST never makes a second invoice; the CRM list never carries line items'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/quotes"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed"}}'
ACME_Q=4150868000000095001 INITECH_Q=4150868000000095002 STARK_Q=4150868000000095003 GLOBEX_Q=4150868000000095004
WAYNE_Q=4150868000000095005

invoices() { store books invoices; }
invoice_of() { invoices | jq -c --arg q "$1" '[.[] | select(.reference_number == $q)]'; }
event() { ledger_query state "select action || '|' || coalesce(reason, '') from events where entity = 'quotes' and run_id = $1 and crm_id = '$2'"; }

. "$TOP/tests/e2e/txn-lib.sh"

# --- the CRM answers line items only to a single-record GET, as Zoho documents.
tok=$(fresh_token crm)
list=$(curl -sf -H "Authorization: Zoho-oauthtoken $tok" "$SANDBOX_URL/crm/v8/Quotes?fields=Subject,Quoted_Items")
assert_eq 5 "$(echo "$list" | jq '.data | length')" "quotes listed"
assert_eq 0 "$(echo "$list" | jq '[.data[] | select(has("Quoted_Items"))] | length')" "list rows with line items"
one=$(curl -sf -H "Authorization: Zoho-oauthtoken $tok" "$SANDBOX_URL/crm/v8/Quotes/$ACME_Q")
assert_eq 2 "$(echo "$one" | jq '.data[0].Quoted_Items | length')" "line items by id"

# --- run 1: Acme's confirmed quote becomes one draft invoice with its two lines on the linked items.
run_ok job.json
assert_eq 1 "$(invoices | jq length)" "invoices after run 1"
inv=$(invoice_of $ACME_Q | jq -c '.[0]')
assert_eq "draft|Acme Ltd|1470" "$(echo "$inv" | jq -r '"\(.status)|\(.customer_name)|\(.total)"')" "invoice"
assert_eq "$(item_of 4150868000000089003)|2|150|30|Two technicians, one day $(item_of 4150868000000089004)|1|1200|0|Support contract, one year" \
	"$(echo "$inv" | jq -r '[.line_items[] | "\(.item_id)|\(.quantity)|\(.rate)|\(.discount // 0)|\(.description)"] | join(" ")')" "lines"
ACME_INV=$(echo "$inv" | jq -r .invoice_id)
assert_eq "invoice|$ACME_INV|Quotes|$ACME_Q|crm" \
	"$(ledger_query state "select kind || '|' || finance_id || '|' || crm_module || '|' || crm_id || '|' || origin from transaction_links")" "transaction link"
assert_eq "create" "$(event 1 $ACME_Q | cut -d'|' -f1)" "create event"
assert_eq "skip|its product 'Widget Pro' (crm id 4150868000000089001) is not linked to a Zoho Books item" "$(event 1 $STARK_Q)" "unlinked product"
assert_eq "skip|its account 'Globex Corporation' (crm id 4150868000000087004) is not linked to a Zoho Books customer" "$(event 1 $GLOBEX_Q)" "unlinked account (a later stage counts)"
assert_eq "" "$(event 1 $INITECH_Q)$(event 1 $WAYNE_Q)" "a draft and a lost quote are not read"
grep -q "^quotes: 1 added" run.out || fail "summary line: $(cat run.out)"

# --- run 2: nothing changed: nothing written; the waiting quotes are tried again.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "writes in a run with nothing new"
assert_eq 1 "$(invoices | jq length)" "invoices after run 2"
assert_eq "skip" "$(event "$(run_no)" $STARK_Q | cut -d'|' -f1)" "still waiting"

# --- the product gets linked (its duplicate is settled by linking it): the waiting quote is invoiced.
ledger_query state "insert into links (entity, crm_id, finance_id, origin, state, updated_at) values ('items', '4150868000000089001', '460000000027001', 'crm', 'linked', '2026-01-01T00:00:00Z')"
run_ok job.json
assert_eq "460000000027001|3|99" "$(invoice_of $STARK_Q | jq -r '.[0].line_items[0] | "\(.item_id)|\(.quantity)|\(.rate)"')" "Stark's invoice"

# --- Initech's quote is confirmed; the invoice's POST answer is cut and the lookup after it fails
# too: the run stops (exit 3) and leaves the intent; the next run finds the invoice.
quote $INITECH_Q '.Quote_Stage = "Confirmed"'
ctl POST /faults '{"kind":"cut","path_prefix":"/books/v3/invoices","method":"POST","count":1}' >/dev/null
ctl POST /faults '{"kind":"status","status":400,"path_prefix":"/books/v3/invoices","method":"GET","count":5}' >/dev/null
expect_exit 3 finsync run job.json >run.out 2>run.err
ctl DELETE /faults >/dev/null
assert_eq 1 "$(invoice_of $INITECH_Q | jq length)" "the cut create was made"
assert_eq "|" "$(ledger_query state "select coalesce(finance_id, '') || '|' from transaction_links where crm_id = '$INITECH_Q'")" "intent left pending"
run_ok job.json
assert_eq 1 "$(invoice_of $INITECH_Q | jq length)" "one invoice after the rerun"
assert_eq "create|reference_number" "$(ledger_query state "select action || '|' || match from events where run_id = $(run_no) and crm_id = '$INITECH_Q'")" "found by the quote id"
assert_eq "$(invoice_of $INITECH_Q | jq -r '.[0].invoice_id')" "$(ledger_query state "select finance_id from transaction_links where crm_id = '$INITECH_Q'")" "linked"

# --- a kill right after the POST (the sandbox delays its answer): the rerun creates nothing more.
quote $WAYNE_Q '.Quote_Stage = "Confirmed"'
kill_during_post /books/v3/invoices 'invoice_of $WAYNE_Q | jq length'
run_ok job.json
run_ok job.json
assert_eq 1 "$(invoice_of $WAYNE_Q | jq length)" "one invoice after a kill and two reruns"
assert_eq "create|reference_number" "$(ledger_query state "select action || '|' || match from events where entity = 'quotes' and crm_id = '$WAYNE_Q'")" "the killed run's invoice found, not made again"
assert_eq 4 "$(invoices | jq length)" "every invoice (Globex's quote still waits)"
assert_eq 4 "$(ledger_query state "select count(*) from transaction_links where finance_id is not null")" "links"

# --- job errors: a stage the CRM does not have; sales orders where the app has none.
mkdir bad so
write_job bad/job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Signed"}}'
finsync_exit 2 run bad/job.json
grep -q "sync.quotes.invoice_at_stage: 'Signed' is not a Quote_Stage value" err || fail "message: $(cat err)"
write_job so/job.json zoho-billing '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed","create":"salesorder"}}'
finsync_exit 2 run so/job.json
grep -q "sync.quotes.create: zoho-billing has no sales orders finsync can create" err || fail "message: $(cat err)"
for c in '{"customers":{"crm_module":"accounts"},"items":{},"quotes":{}}|sync.quotes.invoice_at_stage: missing' \
	'{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed","create":"bill"}}|sync.quotes.create: unknown value '"'"'bill'"'"'' \
	'{"customers":{"crm_module":"accounts"},"quotes":{"invoice_at_stage":"Confirmed"}}|sync.quotes: a quote'"'"'s account and products must be linked' \
	'{"customers":{"crm_module":"accounts"},"items":{},"quotes":{"invoice_at_stage":"Confirmed","views":{"Deals":"1"}}}|sync.quotes.views: must be'; do
	cfg=${c%%|*} msg=${c#*|}     # (finsync_exit sets $want)
	rm -rf keys && mkdir keys
	write_job keys/job.json zoho-books "$cfg"
	finsync_exit 2 run keys/job.json
	grep -qF "$msg" err || fail "message for $cfg: $(cat err)"
done
