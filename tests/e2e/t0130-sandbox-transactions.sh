#!/bin/sh
test_description='sandbox: invoices, estimates and customer payments (strict statuses, balances, overdue by the clock), deals, typed CRM fields and upsert'
. "$(dirname "$0")/lib.sh"

sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
# tokens that outlive the clock moves below
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null
token() {
	curl -sf -X POST "$SANDBOX_URL/oauth/v2/token" -d grant_type=refresh_token -d "client_id=$1" \
		-d "client_secret=$2" -d "refresh_token=$3" | jq -r .access_token
}
TOK=$(token 1000.SANDBOXFIN "$FINSYNC_FIN_CLIENT_SECRET" "$FINSYNC_FIN_REFRESH_TOKEN")
CTOK=$(token 1000.SANDBOXCRM "$FINSYNC_CRM_CLIENT_SECRET" "$FINSYNC_CRM_REFRESH_TOKEN")
[ -n "$TOK" ] && [ "$TOK" != null ] && [ -n "$CTOK" ] || fail "no access token"
B="$WORK/body"
ORG=10234695
GLOBEX=460000000026049
NORTHWIND=460000000026060
WIDGET=460000000027001

# fin APP METHOD PATH [curl args]: Books/Inventory (org id in the query); prints the status
fin() {
	app=$1 m=$2 p=$3
	shift 3
	case $app in books) root=books/v3 ;; inventory) root=inventory/v1 ;; invoice) root=invoice/v3 ;; esac
	case $p in *\?*) sep='&' ;; *) sep='?' ;; esac
	curl -s -o "$B" -w '%{http_code}' -X "$m" -H "Authorization: Zoho-oauthtoken $TOK" \
		-H 'Content-Type: application/json' "$@" "$SANDBOX_URL/$root$p${sep}organization_id=$ORG"
}
books() { fin books "$@"; }
crm() {
	m=$1 p=$2
	shift 2
	curl -s -o "$B" -w '%{http_code}' -X "$m" -H "Authorization: Zoho-oauthtoken $CTOK" "$@" "$SANDBOX_URL/crm/v8$p"
}
err() { jq -r '"\(.code) \(.message)"' "$B"; }
TODAY=$(curl -sf "$SANDBOX_URL/__control/clock" | jq -r '.now | todate[:10]')
days() { date -u -d "$TODAY + $1 days" +%F; }

# --- routing: invoices on Books and Inventory, estimates on Books only
assert_eq 200 "$(books GET /invoices)" "books invoices"
assert_eq '0 Invoices Status.All' "$(code '"\(.invoices | length) \(.page_context.report_name) \(.page_context.applied_filter)"')" "empty list"
assert_eq 200 "$(fin inventory GET /invoices)" "inventory invoices"
assert_eq 404 "$(fin inventory GET /estimates)" "no estimates on inventory"
assert_eq 5 "$(code)" "no estimates code"
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" \
	-H "X-com-zoho-invoice-organizationid: $ORG" "$SANDBOX_URL/invoice/v3/invoices")" "invoices on the Invoice app"
assert_eq 404 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" \
	-H "X-com-zoho-subscriptions-organizationid: $ORG" "$SANDBOX_URL/billing/v1/estimates")" "no estimates on the Billing app"
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" \
	-H "X-com-zoho-subscriptions-organizationid: $ORG" "$SANDBOX_URL/billing/v1/payments")" "Billing's payments"
assert_eq '0 0' "$(code '"\(.code) \(.payments | length)"')" "Billing's payment list key"
assert_eq 404 "$(books POST /invoices/1/status/paid)" "unknown status action"
assert_eq 405 "$(books PATCH /invoices)" "wrong method"
assert_eq 405 "$(books PUT /customerpayments/1 -d '{}')" "payments are not updated"

# --- invoice create: what is refused
line='{"item_id":"'$WIDGET'","quantity":2}'
assert_eq 400 "$(books POST /invoices -d '{"line_items":['"$line"']}')" "no customer"
assert_eq '2 Invalid value passed for customer_id' "$(err)" "no customer message"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"460000000099999","line_items":['"$line"']}')" "unknown customer"
assert_eq 201 "$(books POST /contacts -d '{"contact_name":"Parts Supplier","contact_type":"vendor"}')" "a vendor"
VENDOR=$(code .contact.contact_id)
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$VENDOR'","line_items":['"$line"']}')" "vendor is no customer"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'"}')" "no line items"
assert_eq '2 Invalid value passed for line_items' "$(err)" "no line items message"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","line_items":[]}')" "empty line items"
# Books invoice lines need item_id (create-an-invoice-request line_items required [item_id]);
# estimate lines do not: a name and a rate do there.
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","line_items":[{"name":"Consulting","rate":10}]}')" "Books invoice line without item_id"
assert_eq '2 Invalid value passed for line_items.item_id' "$(err)" "item_id named"
assert_eq 400 "$(books POST /estimates -d '{"customer_id":"'$GLOBEX'","line_items":[{"name":"Consulting","quantity":1}]}')" "line without item_id or rate"
assert_eq '2 Invalid value passed for line_items.rate' "$(err)" "rate named"
assert_eq 400 "$(books POST /estimates -d '{"customer_id":"'$GLOBEX'","line_items":[{"rate":10}]}')" "line without name"
assert_eq 'Invalid value passed for line_items.name' "$(code .message)" "name named"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","line_items":[{"item_id":"460000000099999"}]}')" "unknown item"
assert_eq 'Invalid value passed for line_items.item_id' "$(code .message)" "item named"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","line_items":[{"name":"X","rate":1,"quantity":0}]}')" "quantity 0"
# A line's discount (an amount, create-an-invoice-request line_items.discount) comes off its
# total; one larger than the line is refused.
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","line_items":[{"item_id":"'$WIDGET'","rate":1,"quantity":2,"discount":5}]}')" "line discount over the line"
assert_eq 'Invalid value passed for line_items.discount' "$(code .message)" "discount named"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","shipping_charge":5,"line_items":['"$line"']}')" "shipping refused"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","invoice_number":"INV-9","line_items":['"$line"']}')" "number without ignore_auto_number_generation"
assert_eq 'Invalid value passed for invoice_number' "$(code .message)" "number refused"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","date":"2026-03-10","due_date":"2026-03-01","line_items":['"$line"']}')" "due before date"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","invoiced_estimate_id":"1","line_items":['"$line"']}')" "unknown estimate"
assert_eq 400 "$(fin inventory POST /invoices -d '{"customer_id":"'$GLOBEX'","invoiced_estimate_id":"1","line_items":[{"name":"X","rate":1}]}')" "no estimates to link on inventory"
assert_eq 'Invalid value passed for invoiced_estimate_id' "$(code .message)" "inventory key refused"
assert_eq 0 "$(store_count books invoices)" "nothing stored by refusals"

# --- invoice create
body='{"customer_id":"'$GLOBEX'","zcrm_potential_id":"4150868000000091005","salesperson_name":"Tom Becker","reference_number":"Deal 91005","custom_fields":[{"api_name":"cf_crm_id","value":"4150868000000091005"}],"line_items":['"$line"',{"item_id":"'$WIDGET'","name":"Fleet service","description":"Monthly","rate":100,"quantity":1.5}]}'
assert_eq 201 "$(books POST /invoices -d "$body")" "create"
assert_eq 'The invoice has been created.' "$(code .message)" "create message"
INV1=$(code .invoice.invoice_id)
assert_eq 'INV-000001 draft Globex Corporation 549.98 549.98 549.98' "$(code '.invoice | "\(.invoice_number) \(.status) \(.customer_name) \(.sub_total) \(.total) \(.balance)"')" "invoice object"
assert_eq 'Widget Pro 199.99 399.98 true' "$(code '.invoice.line_items[0] | "\(.name) \(.rate) \(.item_total) \(.line_item_id | test("^[0-9]+$"))"')" "line from the item"
assert_eq "$TODAY $TODAY" "$(code '.invoice | "\(.date) \(.due_date)"')" "date today, due on receipt"
assert_eq '1 Globex Plaza' "$(code .invoice.billing_address.address)" "address from the customer"
case $(code .invoice.created_time) in *+0000) ;; *) fail "created_time format" ;; esac
assert_eq 'cf_crm_id 4150868000000091005' "$(code '.invoice.custom_fields[0] | "\(.api_name) \(.value)"')" "custom field"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$GLOBEX'","custom_fields":[{"api_name":"cf_crm_id","value":"4150868000000091005"}],"line_items":['"$line"']}')" "unique custom field"
assert_eq 3099 "$(code)" "unique custom field code"
assert_eq 400 "$(books POST '/invoices?ignore_auto_number_generation=true' -d '{"customer_id":"'$GLOBEX'","invoice_number":"inv-000001","line_items":['"$line"']}')" "number taken"
assert_eq '1001 Invoice Number already exist' "$(err)" "number taken code"
assert_eq 400 "$(books POST '/invoices?ignore_auto_number_generation=true' -d '{"customer_id":"'$GLOBEX'","line_items":['"$line"']}')" "ignore_auto without a number"
assert_eq 400 "$(books POST '/invoices?ignore_auto_number_generation=yes' -d '{}')" "bad flag"
assert_eq 201 "$(books POST '/invoices?ignore_auto_number_generation=true' -d '{"customer_id":"'$GLOBEX'","invoice_number":"INV-000002","line_items":['"$line"']}')" "number by hand"
INV2=$(code .invoice.invoice_id)
assert_eq 201 "$(books POST /invoices -d '{"customer_id":"'$NORTHWIND'","payment_terms":15,"line_items":[{"item_id":"'$WIDGET'","name":"Annual Support","rate":1500}]}')" "auto number after a hand one"
INV3=$(code .invoice.invoice_id)
assert_eq "INV-000003 $(days 15) 1500" "$(code '.invoice | "\(.invoice_number) \(.due_date) \(.total)"')" "skips the taken number; due by payment terms"

# --- lists and filters
# zcrm_potential_id is no create field (Zoho's CRM integration fills it): sent, it was ignored;
# Books documents it as a filter, which then finds nothing.
assert_eq 200 "$(books GET "/invoices/$INV1")" "created with zcrm_potential_id"
assert_eq '""' "$(code '.invoice.zcrm_potential_id | tojson')" "zcrm_potential_id not stored"
assert_eq 200 "$(books GET '/invoices?zcrm_potential_id=4150868000000091005')" "by deal"
assert_eq 0 "$(code '.invoices | length')" "by deal: nothing"
assert_eq 200 "$(books GET '/invoices?reference_number=Deal%2091005')" "by reference_number"
assert_eq "1 $INV1 Deal 91005" "$(code '"\(.invoices | length) \(.invoices[0].invoice_id) \(.invoices[0].reference_number)"')" "by reference_number hit"
assert_eq 200 "$(books GET '/invoices?cf_crm_id=4150868000000091005')" "by custom field"
assert_eq "1 4150868000000091005" "$(code '"\(.invoices | length) \(.invoices[0].cf_crm_id)"')" "custom field on the row"
assert_eq 400 "$(books GET '/invoices?cf_nope=1')" "unknown custom field filter"
assert_eq 200 "$(books GET "/invoices?customer_id=$GLOBEX&sort_column=invoice_number&sort_order=A")" "by customer"
assert_eq 'INV-000001,INV-000002' "$(code '[.invoices[].invoice_number] | join(",")')" "by customer, sorted"
assert_eq 200 "$(books GET '/invoices?status=draft&per_page=2')" "status filter"
assert_eq '2 true' "$(code '"\(.invoices | length) \(.page_context.has_more_page)"')" "per_page"
assert_eq 200 "$(books GET '/invoices?filter_by=Status.Sent')" "filter_by"
assert_eq '0 Status.Sent' "$(code '"\(.invoices | length) \(.page_context.applied_filter)"')" "no sent yet"
assert_eq 400 "$(books GET '/invoices?filter_by=Status.Active')" "contacts filter on invoices"
assert_eq 2 "$(code)" "bad filter_by code"
assert_eq 400 "$(books GET '/invoices?status=late')" "bad status"
assert_eq 400 "$(books GET '/invoices?sort_column=rate')" "bad sort_column"
assert_eq 200 "$(books GET '/invoices?last_modified_time=2030-01-01T00:00:00%2B0000')" "last_modified_time"
assert_eq 0 "$(code '.invoices | length')" "nothing modified since"

# --- a draft can be edited: line_items replace the set
keep=$(books GET "/invoices/$INV1" >/dev/null; code '.invoice.line_items[0].line_item_id')
# update-an-invoice-request requires customer_id and line_items
assert_eq 400 "$(books PUT "/invoices/$INV1" -d '{"line_items":[{"line_item_id":"'"$keep"'","quantity":3}],"notes":"Thanks"}')" "update without customer_id"
assert_eq '2 Invalid value passed for customer_id' "$(err)" "customer_id required on update"
assert_eq 400 "$(books PUT "/invoices/$INV1" -d '{"customer_id":"'$GLOBEX'","notes":"Thanks"}')" "update without line_items"
assert_eq '2 Invalid value passed for line_items' "$(err)" "line_items required on update"
assert_eq 200 "$(books PUT "/invoices/$INV1" -d '{"customer_id":"'$GLOBEX'","line_items":[{"line_item_id":"'"$keep"'","quantity":3}],"notes":"Thanks"}')" "edit draft"
assert_eq 'Invoice information has been updated.' "$(code .message)" "edit message"
assert_eq "1 $keep 599.97 599.97 Thanks" "$(code '.invoice | "\(.line_items | length) \(.line_items[0].line_item_id) \(.total) \(.balance) \(.notes)"')" "lines replaced, totals again"
assert_eq 400 "$(books PUT "/invoices/$INV1" -d '{"customer_id":"'$GLOBEX'","line_items":[{"line_item_id":"1","quantity":3}]}')" "unknown line_item_id"
assert_eq 'Invalid value passed for line_items.line_item_id' "$(code .message)" "unknown line_item_id named"
assert_eq 400 "$(books PUT "/invoices/$INV1" -d '{"customer_id":"'$GLOBEX'","line_items":['"$line"'],"invoiced_estimate_id":"1"}')" "no estimate link on update"
assert_eq 'Invalid value passed for invoiced_estimate_id' "$(code .message)" "estimate link named"
assert_eq 404 "$(books GET /invoices/460000000099999)" "missing invoice"
assert_eq '1002 Invoice does not exist.' "$(err)" "missing invoice code"

# --- status actions: draft -> sent -> void -> draft; strict refusals
assert_eq 400 "$(books POST "/invoices/$INV1/status/void")" "void a draft"
assert_eq 4004 "$(code)" "void a draft code"
assert_eq 400 "$(books POST "/invoices/$INV1/status/draft")" "draft from draft"
assert_eq 200 "$(books POST "/invoices/$INV1/status/sent")" "send"
assert_eq '0 Invoice status has been changed to Sent.' "$(err)" "send message"
assert_eq 400 "$(books POST "/invoices/$INV1/status/sent")" "send twice"
assert_eq 'The invoice INV-000001 is sent and cannot be marked as sent.' "$(code .message)" "send twice message"
assert_eq 400 "$(books PUT "/invoices/$INV1" -d '{"notes":"late edit"}')" "edit a sent invoice"
assert_eq '4003 The invoice INV-000001 is sent: only a draft invoice can be edited.' "$(err)" "edit a sent invoice code"
assert_eq 200 "$(books POST "/invoices/$INV3/status/sent")" "send INV3"
assert_eq 200 "$(books GET "/contacts/$GLOBEX")" "customer"
assert_eq '599.97 0 true' "$(code '.contact | "\(.outstanding_receivable_amount) \(.unused_credits_receivable_amount) \(.has_transaction)"')" "outstanding = sent balances"

# --- payments
pay() { books POST /customerpayments -d "$1"; }
assert_eq 400 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"cash","amount":100,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV2'","amount_applied":100}]}')" "pay a draft"
assert_eq '4006 Payments can only be applied to sent invoices: INV-000002 is draft.' "$(err)" "pay a draft message"
assert_eq 400 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"cash","amount":100,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV3'","amount_applied":100}]}')" "another customer's invoice"
assert_eq 4006 "$(code)" "another customer code"
assert_eq 400 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"cash","amount":1000,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV1'","amount_applied":600}]}')" "more than the balance"
assert_eq 'The amount applied to INV-000001 (600.00) is more than its balance (599.97).' "$(code .message)" "over balance message"
assert_eq 400 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"cash","amount":100,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV1'","amount_applied":150}]}')" "more than the payment"
assert_eq 400 "$(pay '{"customer_id":"'$GLOBEX'","amount":100,"date":"'$TODAY'","invoices":[]}')" "no payment_mode"
assert_eq 400 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"cash","amount":0,"date":"'$TODAY'","invoices":[]}')" "zero amount"
assert_eq 201 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"banktransfer","amount":200,"date":"'$TODAY'","reference_number":"W-1","invoices":[{"invoice_id":"'$INV1'","amount_applied":200}]}')" "partial payment"
assert_eq 'The payment has been created.' "$(code .message)" "payment message"
PAY1=$(code .payment.payment_id)
assert_eq '1 200 0 399.97' "$(code '.payment | "\(.payment_number) \(.amount) \(.unused_amount) \(.invoices[0].balance_amount)"')" "payment object"
assert_eq 200 "$(books GET "/invoices/$INV1")" "invoice after payment"
assert_eq 'partially_paid 399.97 200' "$(code '.invoice | "\(.status) \(.balance) \(.payment_made)"')" "partially paid"
assert_eq 200 "$(books GET "/contacts?contact_name=Globex%20Corporation")" "contact list row"
assert_eq '399.97 0' "$(code '.contacts[0] | "\(.outstanding_receivable_amount) \(.unused_credits_receivable_amount)"')" "outstanding in list rows"
assert_eq 201 "$(pay '{"customer_id":"'$GLOBEX'","payment_mode":"cash","amount":500,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV1'","amount_applied":399.97}]}')" "the rest, with money over"
PAY2=$(code .payment.payment_id)
assert_eq 100.03 "$(code .payment.unused_amount)" "unused amount"
assert_eq 200 "$(books GET "/invoices/$INV1")" "paid invoice"
assert_eq 'paid 0' "$(code '.invoice | "\(.status) \(.balance)"')" "paid"
assert_eq 200 "$(books GET "/customerpayments?customer_id=$GLOBEX&sort_column=payment_number&sort_order=A")" "payments by customer"
assert_eq "2 $PAY1 INV-000001 Customer Payments" "$(code '"\(.customerpayments | length) \(.customerpayments[0].payment_id) \(.customerpayments[0].invoice_numbers) \(.page_context.report_name)"')" "payment rows"
assert_eq 200 "$(books GET "/customerpayments?date=$(days 1)")" "payments by date"
assert_eq 0 "$(code '.customerpayments | length')" "no payment tomorrow"
assert_eq 200 "$(books GET "/customerpayments/$PAY1")" "payment by id"
assert_eq 200 "$(books GET "/contacts/$GLOBEX")" "customer after payments"
assert_eq '0 100.03' "$(code '.contact | "\(.outstanding_receivable_amount) \(.unused_credits_receivable_amount)"')" "nothing owed, credit left"
assert_eq 400 "$(books DELETE "/invoices/$INV1")" "delete an invoice with payments"
assert_eq 4001 "$(code)" "delete with payments code"
assert_eq 400 "$(books DELETE "/contacts/$GLOBEX")" "delete a customer with transactions"
assert_eq 3000 "$(code)" "customer with transactions code"
assert_eq 400 "$(books DELETE "/items/$WIDGET")" "delete an item on an invoice"
assert_eq 2049 "$(code)" "item in use code"

# --- void takes the payments off; draft only from void
assert_eq 200 "$(books POST "/invoices/$INV1/status/void")" "void a paid invoice"
assert_eq 'Invoice status has been changed to Void.' "$(code .message)" "void message"
assert_eq 200 "$(books GET "/invoices/$INV1")" "void invoice"
assert_eq 'void 0 0' "$(code '.invoice | "\(.status) \(.balance) \(.payment_made)"')" "void: no balance, no payments"
assert_eq 200 "$(books GET "/customerpayments/$PAY1")" "payment after void"
assert_eq '200 0' "$(code '.payment | "\(.unused_amount) \(.invoices | length)"')" "payment unlinked"
assert_eq 200 "$(books GET "/contacts/$GLOBEX")" "customer after void"
assert_eq '0 700' "$(code '.contact | "\(.outstanding_receivable_amount) \(.unused_credits_receivable_amount)"')" "the money is credit now"
assert_eq 400 "$(books POST "/invoices/$INV1/status/sent")" "send a void invoice"
assert_eq 200 "$(books POST "/invoices/$INV1/status/draft")" "back to draft"
assert_eq 'Status of invoice changed from void to draft' "$(code .message)" "draft message"
assert_eq 200 "$(books GET "/invoices/$INV1")" "draft again"
assert_eq 'draft 599.97' "$(code '.invoice | "\(.status) \(.balance)"')" "balance back"
assert_eq 200 "$(books DELETE "/customerpayments/$PAY2")" "delete a payment"
assert_eq 'The payment has been deleted.' "$(code .message)" "payment delete message"
assert_eq 200 "$(books DELETE "/invoices/$INV2")" "delete a draft"
assert_eq 'The invoice has been deleted.' "$(code .message)" "invoice delete message"

# --- overdue by the sandbox clock (INV3: sent, due in 15 days)
assert_eq 200 "$(books GET '/invoices?status=overdue')" "overdue before"
assert_eq 0 "$(code '.invoices | length')" "nothing overdue yet"
ctl POST /clock '{"advance":1382400}' >/dev/null     # 16 days
assert_eq 200 "$(books GET '/invoices?filter_by=Status.OverDue')" "overdue after"
assert_eq "1 $INV3 overdue" "$(code '"\(.invoices | length) \(.invoices[0].invoice_id) \(.invoices[0].status)"')" "overdue listed"
assert_eq 200 "$(books GET '/invoices?filter_by=Status.Unpaid')" "unpaid"
assert_eq 1 "$(code '.invoices | length')" "overdue is unpaid"
assert_eq 200 "$(books GET "/invoices/$INV3")" "overdue by id"
assert_eq overdue "$(code .invoice.status)" "overdue by id status"
assert_eq 200 "$(books GET "/contacts/$NORTHWIND")" "overdue customer"
assert_eq 1500 "$(code .contact.outstanding_receivable_amount)" "overdue is outstanding"
assert_eq 201 "$(pay '{"customer_id":"'$NORTHWIND'","payment_mode":"cash","amount":500,"date":"'"$(days 16)"'","invoices":[{"invoice_id":"'$INV3'","amount_applied":500}]}')" "pay an overdue invoice"
assert_eq 200 "$(books GET "/invoices/$INV3")" "partially paid, overdue"
assert_eq 'overdue 1000' "$(code '.invoice | "\(.status) \(.balance)"')" "overdue wins over partially_paid"
TODAY=$(days 16)

# --- estimates: draft -> sent -> accepted -> invoiced; strict transitions
est() { books POST /estimates -d '{"customer_id":"'$GLOBEX'","zcrm_potential_id":"4150868000000091002","expiry_date":"'"$(days ${1:-30})"'","line_items":[{"name":"Annual licence","rate":48000}]}'; }
assert_eq 400 "$(books POST /estimates -d '{"customer_id":"'$GLOBEX'"}')" "estimate without lines"
assert_eq 400 "$(books POST /estimates -d '{"customer_id":"'$GLOBEX'","due_date":"'$TODAY'","line_items":[{"name":"X","rate":1}]}')" "due_date is not an estimate key"
assert_eq 201 "$(est)" "estimate"
assert_eq 'The estimate has been created' "$(code .message)" "estimate message"
EST1=$(code .estimate.estimate_id)
assert_eq 'EST-000001 draft 48000' "$(code '.estimate | "\(.estimate_number) \(.status) \(.total)"')" "estimate object"
assert_eq 400 "$(books POST "/estimates/$EST1/status/accepted")" "accept a draft"
assert_eq 4004 "$(code)" "accept a draft code"
assert_eq 400 "$(books PUT "/estimates/$EST1" -d '{"reference_number":"Q-1"}')" "estimate update without customer_id"
assert_eq '2 Invalid value passed for customer_id' "$(err)" "customer_id required on estimate update"
assert_eq 200 "$(books PUT "/estimates/$EST1" -d '{"customer_id":"'$GLOBEX'","reference_number":"Q-1"}')" "edit a draft estimate"
assert_eq 'Estimate has been updated.' "$(code .message)" "estimate update message"
assert_eq 200 "$(books POST "/estimates/$EST1/status/sent")" "send estimate"
assert_eq 'Estimate status has been changed to Sent' "$(code .message)" "estimate sent message"
assert_eq 400 "$(books PUT "/estimates/$EST1" -d '{"reference_number":"Q-2"}')" "edit a sent estimate"
assert_eq 4003 "$(code)" "edit a sent estimate code"
inv_from() { books POST /invoices -d '{"customer_id":"'$GLOBEX'","invoiced_estimate_id":"'"$1"'","zcrm_potential_id":"4150868000000091002","line_items":[{"item_id":"'$WIDGET'","name":"Annual licence","rate":48000}]}'; }
assert_eq 400 "$(inv_from "$EST1")" "convert a sent estimate"
assert_eq '4005 The estimate EST-000001 is sent: only an accepted estimate can be converted to an invoice.' "$(err)" "convert a sent estimate code"
assert_eq 200 "$(books POST "/estimates/$EST1/status/accepted")" "accept"
assert_eq 'Estimate status has been changed to Accepted.' "$(code .message)" "accepted message"
assert_eq 400 "$(books POST "/estimates/$EST1/status/declined")" "decline an accepted estimate"
assert_eq 400 "$(books POST /invoices -d '{"customer_id":"'$NORTHWIND'","invoiced_estimate_id":"'$EST1'","line_items":[{"name":"X","rate":1}]}')" "convert for another customer"
assert_eq 201 "$(inv_from "$EST1")" "convert"
assert_eq "$EST1" "$(code .invoice.invoiced_estimate_id)" "invoice names its estimate"
assert_eq 200 "$(books GET "/estimates/$EST1")" "estimate after conversion"
assert_eq invoiced "$(code .estimate.status)" "estimate invoiced"
assert_eq 400 "$(inv_from "$EST1")" "convert twice"
assert_eq '4005 The estimate EST-000001 has already been invoiced.' "$(err)" "convert twice code"
assert_eq 400 "$(books POST "/estimates/$EST1/status/sent")" "invoiced cannot go back"
assert_eq 400 "$(books DELETE "/estimates/$EST1")" "invoiced estimate cannot be deleted"
assert_eq 201 "$(est 1)" "estimate expiring tomorrow"
EST2=$(code .estimate.estimate_id)
assert_eq 201 "$(est)" "third estimate"
EST3=$(code .estimate.estimate_id)
assert_eq 200 "$(books POST "/estimates/$EST2/status/sent")" "send EST2"
assert_eq 200 "$(books POST "/estimates/$EST3/status/sent")" "send EST3"
assert_eq 200 "$(books POST "/estimates/$EST3/status/declined")" "decline"
assert_eq 'Estimate status has been changed to Declined.' "$(code .message)" "declined message"
ctl POST /clock '{"advance":172800}' >/dev/null      # 2 days: EST2 expires
assert_eq 200 "$(books GET "/estimates/$EST2")" "expired estimate"
assert_eq expired "$(code .estimate.status)" "expired by the clock"
assert_eq 400 "$(books POST "/estimates/$EST2/status/accepted")" "accept an expired estimate"
assert_eq 200 "$(books GET "/estimates?customer_id=$GLOBEX&sort_column=estimate_number&sort_order=A")" "estimates by customer"
assert_eq 'EST-000001:invoiced EST-000002:expired EST-000003:declined' "$(code '[.estimates[] | "\(.estimate_number):\(.status)"] | join(" ")')" "estimate statuses"
assert_eq 200 "$(books GET '/estimates?filter_by=Status.Expired')" "filter expired"
assert_eq "1 $EST2" "$(code '"\(.estimates | length) \(.estimates[0].estimate_id)"')" "filter expired hit"
assert_eq 200 "$(books DELETE "/estimates/$EST3")" "delete an estimate"

# --- control: act as the finance user; the store lists transactions
assert_eq 201 "$(books POST /invoices -d '{"customer_id":"'$NORTHWIND'","line_items":[{"item_id":"'$WIDGET'","name":"Cable Kit","rate":40,"quantity":3}]}')" "draft for control"
INV5=$(code .invoice.invoice_id)
ctl POST "/finance/books/invoices/$INV5/status" '{"status":"paid"}' >"$B" || fail "control paid"
assert_eq 'paid 0 120' "$(code '.invoice | "\(.status) \(.balance) \(.payment_made)"')" "control: draft to paid"
assert_eq 400 "$(curl -s -o "$B" -w '%{http_code}' -X POST -d '{"status":"sent"}' "$SANDBOX_URL/__control/finance/books/invoices/$INV5/status")" "control: paid cannot be sent"
case $(code .error) in 'code 4004: '*) ;; *) fail "control error: $(code .error)" ;; esac
ctl POST /finance/books/payments '{"customer_id":"'$NORTHWIND'","payment_mode":"check","amount":1000,"date":"'$TODAY'","invoices":[{"invoice_id":"'$INV3'","amount_applied":1000}]}' >"$B" || fail "control payment"
assert_eq '1000 0' "$(code '.payment | "\(.amount) \(.unused_amount)"')" "control payment"
assert_eq paid "$(ctl GET /store/books/invoices | jq -r '.records[] | select(.invoice_id == "'$INV3'") | .status')" "store: invoice paid"
assert_eq 2 "$(store_count books estimates)" "store: estimates"
assert_eq 4 "$(store_count books customerpayments)" "store: payments"
assert_eq 2 "$(store_count books invoices '.status == "draft"')" "store: invoices"
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$SANDBOX_URL/__control/store/billing/estimates")" "store: no estimates on the Billing app"
assert_eq 201 "$(fin inventory POST /contacts -d '{"contact_name":"Stock Buyer"}')" "an Inventory customer"
STOCK=$(code .contact.contact_id)
ctl POST /finance/inventory/invoices '{"data":[{"customer_id":"'$STOCK'","status":"overdue","date":"2026-01-02","due_date":"2026-01-31","line_items":[{"name":"Stock","rate":10,"quantity":4}]}]}' >/dev/null ||
	fail "control raw invoice"
assert_eq 'INV-000001 overdue 40' "$(ctl GET /store/inventory/invoices | jq -r '.records[0] | "\(.invoice_number) \(.status) \(.balance)"')" "raw invoice completed"
assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"data":[{"customer_id":"1","line_items":[]}]}' "$SANDBOX_URL/__control/finance/books/invoices")" "raw invoice needs a customer"
# Sales order numbers: Inventory's spec marks salesorder_number required on create (the harsher
# reading, by default), Books' only with auto-numbering off; the lenient reading numbers Inventory's too.
SO_BODY='{"customer_id":"'$STOCK'","line_items":[{"name":"Stock","rate":10}]'
assert_eq 400 "$(fin inventory POST /salesorders -d "$SO_BODY}")" "an Inventory sales order without a number"
assert_eq '2|Invalid value passed for salesorder_number' "$(code '"\(.code)|\(.message)"')" "its refusal names the field"
assert_eq 201 "$(fin inventory POST '/salesorders?ignore_auto_number_generation=true' -d "$SO_BODY"',"salesorder_number":"CRM-1"}')" "numbered by hand"
assert_eq CRM-1 "$(code .salesorder.salesorder_number)" "the number given"
assert_eq 201 "$(books POST /salesorders -d '{"customer_id":"'$GLOBEX'","line_items":[{"name":"Stock","rate":10}]}')" "a Books sales order without a number"
case $(code .salesorder.salesorder_number) in SO-*) ;; *) fail "Books' number: $(code .salesorder.salesorder_number)" ;; esac
assert_eq true "$(ctl POST /readings '{"salesorder_auto_number":true}' | jq -r .salesorder_auto_number)" "lenient reading"
assert_eq 201 "$(fin inventory POST /salesorders -d "$SO_BODY}")" "numbered by Inventory under the lenient reading"
assert_eq SO-000001 "$(code .salesorder.salesorder_number)" "the app's number"
ctl POST /readings '{"salesorder_auto_number":false}' >/dev/null

# --- CRM: deals, typed custom fields, upsert with duplicate_check_fields
assert_eq 200 "$(crm GET '/Deals?fields=Deal_Name,Stage,Probability,Account_Name&per_page=200')" "seeded deals"
assert_eq 8 "$(code '.data | length')" "8 deals"
assert_eq 1 "$(code '[.data[] | select(.Account_Name == null)] | length')" "one deal without an account"
assert_eq 200 "$(crm GET '/settings/fields?module=Deals')" "deal fields"
for f in Deal_Name:text Stage:picklist Amount:currency Closing_Date:date Probability:integer Account_Name:lookup \
	Contact_Name:lookup Owner:ownerlookup Description:textarea Pipeline:picklist; do
	assert_eq "${f#*:}" "$(jq -r '.fields[] | select(.api_name == "'"${f%%:*}"'") | .data_type' "$B")" "deal field ${f%%:*}"
done
assert_eq 'Deal_Name,Stage' "$(jq -r '[.fields[] | select(.system_mandatory) | .api_name] | sort | join(",")' "$B")" "mandatory deal fields"
deal='{"Deal_Name":"Acme - Renewal","Stage":"Qualification","Amount":1200.5,"Closing_Date":"2026-12-15","Probability":10,"Account_Name":{"id":"4150868000000087001"},"Contact_Name":{"id":"4150868000000088001"},"Pipeline":"Standard (Standard)","Description":"Renewal"}'
assert_eq 201 "$(crm POST /Deals --data-binary '{"data":['"$deal"']}')" "insert deal"
DEAL=$(code '.data[0].details.id')
assert_eq 'Acme Ltd Jane Doe' "$(ctl GET /store/crm/Deals | jq -r '.records[] | select(.id == "'$DEAL'") | "\(.Account_Name.name) \(.Contact_Name.name)"')" "lookups resolved"
assert_eq 400 "$(crm POST /Deals --data-binary '{"data":[{"Deal_Name":"Odds","Stage":"Qualification","Probability":101}]}')" "probability over 100"
assert_eq 'INVALID_DATA Probability' "$(code '.data[0] | "\(.code) \(.details.api_name)"')" "probability named"
assert_eq 400 "$(crm POST /Deals --data-binary '{"data":[{"Deal_Name":"Ghost","Stage":"Qualification","Account_Name":{"id":"4150868000000099999"}}]}')" "unknown account"
assert_eq 200 "$(crm PUT /Accounts/4150868000000087004 --data-binary '{"data":[{"Outstanding_Receivable":599.95,"Overdue_Invoices":1,"Last_Payment_Date":"2026-04-02","Last_Payment_Amount":700}]}')" "summary fields"
assert_eq '599.95 1 2026-04-02 700' "$(ctl GET /store/crm/Accounts | jq -r '.records[] | select(.id == "4150868000000087004") | "\(.Outstanding_Receivable) \(.Overdue_Invoices) \(.Last_Payment_Date) \(.Last_Payment_Amount)"')" "summary fields stored"
assert_eq 400 "$(crm PUT /Contacts/4150868000000088004 --data-binary '{"data":[{"Overdue_Invoices":"one"}]}')" "integer field"
assert_eq 400 "$(crm PUT /Contacts/4150868000000088004 --data-binary '{"data":[{"Last_Payment_Date":"02/04/2026"}]}')" "date field"
assert_eq 400 "$(crm PUT /Contacts/4150868000000088004 --data-binary '{"data":[{"Outstanding_Receivable":"12.50"}]}')" "currency field"
assert_eq 200 "$(crm GET '/settings/fields?module=Accounts')" "account fields"
assert_eq 'currency integer date currency' "$(jq -r '[.fields[] | select(.custom_field)] | map({(.api_name): .data_type}) | add | "\(.Outstanding_Receivable) \(.Overdue_Invoices) \(.Last_Payment_Date) \(.Last_Payment_Amount)"' "$B")" "custom field types"
assert_eq 200 "$(crm GET '/Accounts?fields=Account_Name,Outstanding_Receivable&ids=4150868000000087004')" "read a custom field"
assert_eq 599.95 "$(code '.data[0].Outstanding_Receivable')" "custom field read back"
up() { crm POST "/$1/upsert" --data-binary "$2"; }
assert_eq 201 "$(up Accounts '{"duplicate_check_fields":["Account_Name"],"data":[{"Account_Name":"initech","Phone":"+1 555 0199"},{"Account_Name":"Hooli"}]}')" "upsert accounts"
assert_eq 'update Account_Name 4150868000000087005 insert null' "$(code '"\(.data[0].action) \(.data[0].duplicate_field) \(.data[0].details.id) \(.data[1].action) \(.data[1].duplicate_field)"')" "accounts: update by name, insert"
assert_eq 200 "$(up Products '{"duplicate_check_fields":["Product_Name"],"data":[{"Product_Name":"Cable Kit","Unit_Price":12.5}]}')" "upsert products"
assert_eq 'update 4150868000000089006' "$(code '"\(.data[0].action) \(.data[0].details.id)"')" "products: update"
assert_eq 201 "$(up Vendors '{"duplicate_check_fields":["Vendor_Name"],"data":[{"Vendor_Name":"PARTS UNLIMITED","Phone":"+1 555 0300"},{"Vendor_Name":"Acme Supplies"}]}')" "upsert vendors"
assert_eq 'update insert' "$(code '"\(.data[0].action) \(.data[1].action)"')" "vendors: update, insert"
assert_eq 200 "$(up Contacts '{"duplicate_check_fields":["Email"],"data":[{"Last_Name":"Doe","Email":"jane.doe@acme.example.com","Outstanding_Receivable":0}]}')" "upsert contacts"
assert_eq 'update Email' "$(code '"\(.data[0].action) \(.data[0].duplicate_field)"')" "contacts: update by email"
assert_eq 400 "$(up Accounts '{"duplicate_check_fields":["Phone"],"data":[{"Account_Name":"Initech"}]}')" "not a duplicate-check field"
assert_eq 'INVALID_DATA Phone' "$(code '"\(.code) \(.details.api_name)"')" "field named"

# --- seeds: an overlay with invoices, estimates and payments
sandbox_stop_clean
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/transactions"
assert_eq 'Globex Corporation 599.95 true|Northwind Traders 1500 true' \
	"$(ctl GET /store/books/contacts | jq -r '[.records[] | "\(.contact_name) \(.outstanding_receivable_amount) \(.has_transaction)"] | join("|")')" "seeded balances"
assert_eq 'INV-000001:overdue INV-000002:paid INV-000003:draft INV-000004:sent' \
	"$(ctl GET /store/books/invoices | jq -r '[.records[] | "\(.invoice_number):\(.status)"] | join(" ")')" "seeded invoice statuses"
assert_eq invoiced "$(ctl GET /store/books/estimates | jq -r '.records[0].status')" "seeded estimate invoiced"
assert_eq 0 "$(ctl GET /store/crm/Deals | jq '.records | length')" "no deals without that overlay"
mkdir -p "$WORK/bad/finance/books" "$WORK/bad2"
echo '[{"customer_id":"1","line_items":[]}]' >"$WORK/bad/finance/books/invoices.json"
cp "$FIXTURES/base/oauth.json" "$WORK/bad2/"
for bad in bad bad2; do
	set +e
	"$BUILD/finsync-sandbox" --seed "$FIXTURES/base" --seed "$WORK/$bad" --quiet >/dev/null 2>"$WORK/err"
	rc=$?
	set -e
	assert_eq 2 "$rc" "bad overlay $bad"
done
grep -q "bad2/oauth.json': belongs in the first --seed directory" "$WORK/err" || fail "overlay error: $(cat "$WORK/err")"

sandbox_stop_clean
echo ok
