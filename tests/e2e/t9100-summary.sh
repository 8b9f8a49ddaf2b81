#!/bin/sh
test_description='summary: outstanding receivable, overdue invoices and last payment reach the CRM accounts of linked customers, read from three paged lists; a run with nothing changed writes nothing to the CRM; a CRM field the module lacks is exit 2 naming the key'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null     # tokens outlive the clock moves below
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"Professional services"},"summary":{}}'
WAYNE=4150868000000087008 INITECH=4150868000000087005 WAYNE_DEAL=4150868000000091005
account() { ctl GET /store/crm/Accounts | jq -c --arg id "$1" '.records[] | select(.id == $id) |
	[.Outstanding_Receivable, .Overdue_Invoices, .Last_Payment_Date, .Last_Payment_Amount]'; }
crm_writes() { ctl GET "/requests?since=$1" | jq -c '[.requests[] | select(.api == "crm" and .method != "GET") | .path]'; }
stats() { ledger_query state "select updated, unchanged, failed from run_stats where run_id = (select max(id) from runs) and entity = 'summary' and stage = 'load'" | tr '|' ' '; }

# --- run 1: six accounts linked, Wayne's deal invoiced (a draft: nothing owed yet); every
# linked account gets its figures once.
seq=$(last_seq)
run_ok job.json
assert_eq 6 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "linked customers"
assert_eq '[0,0,null,null]' "$(account $WAYNE)" "Wayne's figures"
assert_eq '[0,0,null,null]' "$(account $INITECH)" "Initech's figures"
assert_eq 'null' "$(ctl GET /store/crm/Accounts | jq -c '.records[] | select(.id == "4150868000000087002") | .Outstanding_Receivable')" "the unlinked duplicate is not written"
assert_eq "6 0 0" "$(stats)" "run 1 summary stats"
assert_eq '["/crm/v8/Accounts"]' "$(crm_writes "$seq")" "one update call for six accounts"
lists=$(ctl GET "/requests?since=$seq" | jq -c '[.requests[] | select(.api == "books" and .method == "GET") | .path] | map(select(test("invoices$|customerpayments$"))) | unique')
assert_eq '["/books/v3/customerpayments","/books/v3/invoices"]' "$lists" "lists read"
grep -q "^summary: 0 added, 6 updated" run.out || fail "summary line: $(cat run.out)"

# --- Wayne's invoice is sent and partly paid, then falls overdue (the sandbox clock moves
# past its due date): only Wayne's account is written, with the new figures.
inv=$(store books invoices | jq -r --arg d $WAYNE_DEAL '.[] | select(.reference_number == $d) | .invoice_id')
cust=$(store books invoices | jq -r --arg d $WAYNE_DEAL '.[] | select(.reference_number == $d) | .customer_id')
ctl POST "/finance/books/invoices/$inv/status" '{"status":"sent"}' >/dev/null
today=$(ctl GET /clock | jq -r '.now | todate[:10]')
ctl POST /finance/books/payments '{"customer_id":"'$cust'","payment_mode":"cash","amount":500,"date":"'$today'","invoices":[{"invoice_id":"'$inv'","amount_applied":500}]}' >/dev/null ||
	fail "cannot record a payment"
ctl POST /finance/books/payments '{"customer_id":"'$cust'","payment_mode":"cash","amount":250.25,"date":"'$today'","invoices":[{"invoice_id":"'$inv'","amount_applied":250.25}]}' >/dev/null
ctl POST /clock '{"advance":172800}' >/dev/null      # two days: the invoice is overdue
seq=$(last_seq)
run_ok job.json
assert_eq "[35750.25,1,\"$today\",250.25]" "$(account $WAYNE)" "Wayne's figures after the payments"
assert_eq '[0,0,null,null]' "$(account $INITECH)" "Initech unchanged"
assert_eq "1 5 0" "$(stats)" "run 2 summary stats"
assert_eq '["/crm/v8/Accounts"]' "$(crm_writes "$seq")" "one call for the one change"
ev=$(ledger_query state "select crm_id || '|' || action from events where run_id = (select max(id) from runs) and entity = 'summary'")
assert_eq "$WAYNE|update" "$ev" "summary event"

# --- run 3: nothing changed: nothing is written to the CRM.
seq=$(last_seq)
run_ok job.json
assert_eq '[]' "$(crm_writes "$seq")" "CRM writes with nothing changed"
assert_eq "0 6 0" "$(stats)" "run 3 summary stats"

# --- fields: one left out (null), one renamed to a field Accounts lacks: exit 2 naming the key.
write_job bad.json zoho-books '{"customers":{},"summary":{"fields":{"overdue_count":null,"outstanding":"Balance__c"}}}'
sed -i 's/"state_dir": "state"/"state_dir": "state-bad"/' bad.json      # one state_dir, one job
finsync_exit 2 run bad.json
grep -q "sync.summary.fields.outstanding: the CRM module Accounts has no field 'Balance__c'" "$WORK/err" ||
	fail "no message naming the key: $(cat "$WORK/err")"
# csv: the summary writes to the CRM, which a folder of exports is not
mkdir crm
cat >csv.json <<JOB
{"job":"csv","crm":{"type":"csv","dir":"crm"},"finance":$(jq -c .finance job.json),"sync":{"customers":{},"summary":{}}}
JOB
finsync_exit 2 run csv.json
grep -q "sync.summary: writes to the CRM: it needs crm.type zoho-crm, not csv" "$WORK/err" || fail "csv: $(cat "$WORK/err")"
