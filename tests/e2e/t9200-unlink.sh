#!/bin/sh
test_description='unlink: without --yes nothing changes; --keep all drops every link and keeps every finance record; --keep with-transactions deletes what finsync created from the CRM, keeps what has transactions and what it only linked, then drops the links'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"overwrite"},
  "items":{"on_duplicate":"overwrite"},"deals":{"automate":"invoice","default_item":"Professional services"}}'
run_ok job.json
links() { ledger_query state "select count(*) from links"; }
snapshot() {    # every finance record, by id and name
	for r in contacts items invoices; do store books $r | jq -c "[.[] | [.${r%s}_id // .contact_id, .contact_name // .name // .invoice_number]] | sort"; done
}
L0=$(links)
assert_eq 7 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "customers linked (Globex by overwrite)"
assert_eq 1 "$(ledger_query state "select count(*) from deal_links")" "Wayne's invoice"
before=$(snapshot)

# --- without --yes: it says what it would do, and does nothing.
seq=$(last_seq)
finsync_exit 0 unlink job.json --keep all
grep -q "job 'job' has 14 links (customers 7, vendors 0, items 6, deals 1)" "$WORK/out" || fail "counts: $(cat "$WORK/out")"
grep -q "nothing done: run 'finsync unlink job.json --keep all --yes'" "$WORK/out" || fail "no hint: $(cat "$WORK/out")"
assert_eq "$L0" "$(links)" "links after a look"
assert_eq 0 "$(writes_since "$seq")" "writes after a look"
finsync_exit 2 unlink job.json --keep some
grep -q -- "--keep: unknown value 'some' (all, with-transactions)" "$WORK/err" || fail "bad --keep: $(cat "$WORK/err")"
finsync_exit 2 unlink job.json
grep -q -- "--keep is required" "$WORK/err" || fail "no --keep: $(cat "$WORK/err")"

# --- --keep all --yes: the links go, with an event each; the finance app is not touched.
seq=$(last_seq)
finsync_exit 0 unlink job.json --keep all --yes
assert_eq 0 "$(links)" "links after unlink"
assert_eq 0 "$(ledger_query state "select count(*) from deal_links")" "deal links after unlink"
assert_eq 0 "$(ledger_query state "select count(*) from watermarks")" "watermarks after unlink"
assert_eq 0 "$(writes_since "$seq")" "writes to either app"
assert_eq "$before" "$(snapshot)" "finance records"
r=$(ledger_query state "select max(id) from runs")
assert_eq "unlink|ok" "$(ledger_query state "select stages || '|' || status from runs where id = $r")" "the unlink run"
assert_eq "$((L0 + 1))" "$(ledger_query state "select count(*) from events where run_id = $r and action = 'unlink'")" "an event per link"

# The next run reads everything again and links the same records: nothing new is created.
run_ok job.json
assert_eq "$L0" "$(links)" "links after the next run"
assert_eq "$before" "$(snapshot)" "finance records after relinking"
# Wayne's deal had lost its link too: its invoice is found by the deal id, not made again.
assert_eq "unchanged|reference_number" "$(ledger_query state "select action || '|' || match from events where run_id = (select max(id) from runs) and crm_id = '4150868000000091005'")" "Wayne's invoice found again"

# --- an item finsync created is used in an invoice someone made in Books.
tok=$(fresh_token fin)
CABLE=$(ledger_query state "select finance_id from links where entity = 'items' and crm_id = '4150868000000089006'")
NORTHWIND=460000000026060
curl -sf -o /dev/null -X POST -H "Authorization: Zoho-oauthtoken $tok" -H 'Content-Type: application/json' \
	-d '{"customer_id":"'$NORTHWIND'","line_items":[{"item_id":"'$CABLE'","quantity":3}]}' \
	"$SANDBOX_URL/books/v3/invoices?organization_id=10234695" || fail "cannot make an invoice"
before=$(snapshot)

# --- --keep with-transactions, without --yes: the list, nothing deleted.
seq=$(last_seq)
finsync_exit 0 unlink job.json --keep with-transactions
grep -q "with --yes, these 11 records finsync created from the CRM are deleted from Zoho Books, except those with transactions:" "$WORK/out" ||
	fail "list header: $(cat "$WORK/out")"
grep -q "^  customer [0-9]* 'Wayne Enterprises' (crm id 4150868000000087008)$" "$WORK/out" || fail "Wayne not listed: $(cat "$WORK/out")"
grep -q "'Globex Corporation'" "$WORK/out" && fail "Globex was Books' own (linked by overwrite), listed for deletion"
grep -q "'Widget Pro' (crm id 4150868000000089001)" "$WORK/out" && fail "Books' own Widget Pro listed for deletion"
assert_eq 0 "$(writes_since "$seq")" "writes without --yes"
assert_eq "$before" "$(snapshot)" "finance records without --yes"

# --- with --yes: deleted, except Wayne (its invoice) and the cable kit (in an invoice).
finsync_exit 0 unlink job.json --keep with-transactions --yes
grep -q "^kept customer [0-9]* 'Wayne Enterprises' (it has transactions)$" "$WORK/out" || fail "Wayne: $(cat "$WORK/out")"
grep -q "^kept item $CABLE 'Cable Kit' (it has transactions)$" "$WORK/out" || fail "cable kit: $(cat "$WORK/out")"
grep -q "^unlink: 9 deleted, 2 kept (with transactions), 0 failed" "$WORK/out" || fail "totals: $(cat "$WORK/out")"
assert_eq "Globex Corporation
Northwind Traders
Wayne Enterprises" "$(names books contacts)" "customers left in Books"
assert_eq "Cable Kit
Professional services
Widget Pro" "$(names books items)" "items left in Books (the deals' default item was never finsync's)"
assert_eq 2 "$(store books invoices | jq length)" "invoices untouched"
assert_eq 0 "$(links)" "links after unlink with-transactions"
r=$(ledger_query state "select max(id) from runs")
assert_eq 9 "$(ledger_query state "select count(*) from events where run_id = $r and action = 'delete'")" "delete events"
kept=$(ledger_query state "select reason from events where run_id = $r and action = 'unlink' and crm_id = '4150868000000087008'")
case $kept in "kept in Zoho Books: it has transactions (code 3000"*) ;; *) fail "kept reason: $kept" ;; esac
