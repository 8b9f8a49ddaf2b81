#!/bin/sh
test_description='summary on Zoho Invoice and Zoho Billing: both have invoices and customer payments, so a linked account gets its outstanding receivable (Billing: the balances of its unpaid invoices, its customer rows carry none), its overdue invoices and its last payment; the lists each app documents are read (Billing /payments); a run with nothing changed writes nothing'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null     # tokens outlive the clock moves below
ACME=4150868000000087001 INITECH=4150868000000087005
account() { ctl GET /store/crm/Accounts | jq -c --arg id "$1" '.records[] | select(.id == $id) |
	[.Outstanding_Receivable, .Overdue_Invoices, .Last_Payment_Date, .Last_Payment_Amount]'; }
crm_writes() { ctl GET "/requests?since=$1" | jq -c '[.requests[] | select(.api == "crm" and .method != "GET") | .path]'; }

for a in invoice billing; do
	mkdir "$a" && cd "$a"
	write_job job.json "zoho-$a" '{"customers":{"crm_module":"accounts"},"summary":{}}'
	# --- run 1: every linked account gets its figures: nothing owed yet.
	seq=$(last_seq)
	run_ok job.json
	assert_eq '[0,0,null,null]' "$(account $ACME)" "$a: Acme's first figures"
	case $a in invoice) pay=customerpayments ;; billing) pay=payments ;; esac
	lists=$(ctl GET "/requests?since=$seq" | jq -c --arg a "$a" '[.requests[] | select(.api == $a and .method == "GET") | .path | select(test("invoices$|payments$"))] | unique')
	case $a in
	invoice) assert_eq '["/invoice/v3/customerpayments","/invoice/v3/invoices"]' "$lists" "$a: lists read" ;;
	billing) assert_eq '["/billing/v1/invoices","/billing/v1/payments"]' "$lists" "$a: lists read" ;;
	esac

	# --- Acme gets an invoice of 300, sent, 120 paid, then overdue: only Acme's account changes.
	cust=$(ledger_query state "select finance_id from links where entity = 'customers' and crm_id = '$ACME'")
	today=$(ctl GET /clock | jq -r '.now | todate[:10]')
	inv=$(ctl POST "/finance/$a/invoices" '{"data":[{"customer_id":"'$cust'","date":"'$today'","due_date":"'$today'","line_items":[{"name":"Service","rate":150,"quantity":2}]}]}' | jq -r '.ids[0]')
	ctl POST "/finance/$a/invoices/$inv/status" '{"status":"sent"}' >/dev/null || fail "$a: cannot send invoice '$inv' of '$cust'"
	ctl POST "/finance/$a/payments" '{"customer_id":"'$cust'","payment_mode":"cash","amount":120,"date":"'$today'","invoices":[{"invoice_id":"'$inv'","amount_applied":120}]}' >/dev/null ||
		fail "$a: cannot record a payment"
	ctl POST /clock '{"advance":172800}' >/dev/null      # two days: the invoice is overdue
	seq=$(last_seq)
	run_ok job.json
	assert_eq "[180,1,\"$today\",120]" "$(account $ACME)" "$a: Acme's figures after the payment"
	assert_eq '[0,0,null,null]' "$(account $INITECH)" "$a: Initech unchanged"
	assert_eq '["/crm/v8/Accounts"]' "$(crm_writes "$seq")" "$a: one call for the one change"

	# --- nothing changed: nothing is written to the CRM.
	seq=$(last_seq)
	run_ok job.json
	assert_eq '[]' "$(crm_writes "$seq")" "$a: CRM writes with nothing changed"
	# the next app starts from figures of its own
	ctl POST /crm/Accounts "$(ctl GET /store/crm/Accounts | jq -c '{data: [.records[] | .Outstanding_Receivable = null | .Overdue_Invoices = null | .Last_Payment_Date = null | .Last_Payment_Amount = null]}')" >/dev/null
	cd ..
done
