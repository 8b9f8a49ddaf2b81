#!/bin/sh
test_description='sandbox: the finance apps refuse what Zoho refuses (org id placement, unknown keys, duplicates, rate limit)'
. "$(dirname "$0")/lib.sh"

sandbox_start "$FIXTURES/base"
fin_session
raw() {
	curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$@"
}

# --- auth, routing, org id placement
assert_eq 401 "$(curl -s -o "$B" -w '%{http_code}' "$SANDBOX_URL/books/v3/contacts?organization_id=$ORG")" "no token"
assert_eq 57 "$(code)" "no token code"
assert_eq 200 "$(fin books GET /contacts)" "books query org"
assert_eq 2 "$(jq '.contacts | length' "$B")" "seeded books customers"
assert_eq 'false Status.Active' "$(code '.page_context | "\(.has_more_page) \(.applied_filter)"')" "page_context"
assert_eq 400 "$(raw "$SANDBOX_URL/books/v3/contacts")" "books without org"
assert_eq 6041 "$(code)" "books without org code"
assert_eq 400 "$(raw "$SANDBOX_URL/books/v3/contacts?organization_id=999")" "books wrong org"
assert_eq 400 "$(raw "$SANDBOX_URL/books/v3/contacts" -H "X-com-zoho-invoice-organizationid: $ORG")" "books header org"
assert_eq 200 "$(fin invoice GET /contacts)" "invoice header org"
assert_eq 400 "$(raw "$SANDBOX_URL/invoice/v3/contacts?organization_id=$ORG")" "invoice query org refused"
assert_eq 6041 "$(code)" "invoice query org code"
assert_eq 200 "$(fin billing GET /customers)" "billing header org"
assert_eq 400 "$(raw "$SANDBOX_URL/billing/v1/customers?organization_id=$ORG")" "billing query org refused"
assert_eq 400 "$(raw "$SANDBOX_URL/billing/v1/customers" -H "X-com-zoho-invoice-organizationid: $ORG")" "billing with invoice header"
assert_eq 200 "$(fin inventory GET /items)" "inventory query org"
assert_eq 404 "$(fin billing GET /contacts)" "billing has no /contacts"
assert_eq 5 "$(code)" "unknown path code"
assert_eq 404 "$(fin books GET /customers)" "books has no /customers"
assert_eq 405 "$(fin books PATCH /contacts)" "wrong method"
assert_eq 405 "$(fin invoice PUT /contacts -d '{}')" "no upsert on invoice"
assert_eq 200 "$(raw "$SANDBOX_URL/books/v3/organizations")" "organizations"
assert_eq "$ORG USD" "$(code '.organizations[0] | .organization_id + " " + .currency_code')" "org"
assert_eq 200 "$(fin books GET /settings/currencies)" "currencies"
assert_eq USD "$(code '.currencies[] | select(.is_base_currency) | .currency_code')" "base currency"

# --- create, duplicates, strict keys
assert_eq 201 "$(fin books POST /contacts -d '{"contact_name":"Initech","customer_sub_type":"business","contact_persons":[{"first_name":"Peter","last_name":"Gibbons","email":"peter@initech.example.com"},{"first_name":"Bill","last_name":"Lumbergh","email":"bill@initech.example.com"}],"billing_address":{"address":"4120 Freidrich Lane","city":"Austin"},"custom_fields":[{"api_name":"cf_crm_id","value":"4150868000000087005"}]}')" "create"
assert_eq 'The contact has been created' "$(code .message)" "create message"
cid=$(code .contact.contact_id)
case $cid in *[!0-9]*|'') fail "contact_id '$cid' not numeric" ;; esac
assert_eq 'active customer' "$(code '.contact | .status + " " + .contact_type')" "defaults"
assert_eq 'Peter true' "$(code '.contact.contact_persons[0] | "\(.first_name) \(.is_primary_contact)"')" "first person primary"
assert_eq 4150868000000087005 "$(code '.contact.custom_field_hash.cf_crm_id')" "custom_field_hash"
assert_eq 'cf_crm_id CRM ID' "$(code '.contact.custom_fields[0] | .api_name + " " + .label')" "custom_fields"
case $(code .contact.created_time) in *+0000) ;; *) fail "created_time format" ;; esac
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"  initech "}')" "duplicate name"
assert_eq 3062 "$(code)" "duplicate code"
assert_eq 'The customer "  initech " already exists. Please specify a different name.' "$(code .message)" "duplicate message"
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"Globex Corporation","contact_type":"vendor"}')" "vendor duplicate"
case $(code .message) in 'The vendor "Globex Corporation"'*) ;; *) fail "vendor wording: $(code .message)" ;; esac
assert_eq 201 "$(fin books POST /contacts -d '{"contact_name":"ACME  Ltd"}')" "different after trim+fold only"
assert_eq 400 "$(fin books POST /contacts -d '{"company_name":"No Name"}')" "no name"
assert_eq '3013 Enter a valid Contact Name' "$(code '"\(.code) \(.message)"')" "no name code"
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"Keys Co","email":"a@b.example"}')" "top-level email on books"
assert_eq 'Invalid value passed for email' "$(code .message)" "unknown key named"
assert_eq 400 "$(fin books POST /contacts -d '{"display_name":"Keys Co"}')" "billing key on books"
assert_eq 'Invalid value passed for display_name' "$(code .message)" "display_name refused"
assert_eq 400 "$(fin billing POST /customers -d '{"contact_name":"Keys Co"}')" "books key on billing"
assert_eq 'Invalid value passed for contact_name' "$(code .message)" "contact_name refused"
assert_eq 400 "$(fin billing POST /customers -d '{"display_name":"Keys Co","billing_address":{"address":"1 Road"}}')" "books address key on billing"
assert_eq 'Invalid value passed for billing_address.address' "$(code .message)" "address key named"
assert_eq 201 "$(fin billing POST /customers -d '{"display_name":"Keys Co","email":"keys@example.com","first_name":"K","billing_address":{"street":"1 Road"}}')" "billing create"
assert_eq 'The customer has been created' "$(code .message)" "billing message"
assert_eq '1 Road' "$(code .customer.billing_address.street)" "billing street"
bid=$(code .customer.customer_id)
assert_eq 400 "$(fin invoice POST /contacts -d '{"contact_name":"Vend Co","contact_type":"vendor"}')" "vendor on invoice"
assert_eq 'Invalid value passed for contact_type' "$(code .message)" "vendor on invoice message"
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"Sub Co","customer_sub_type":"corporate"}')" "bad sub type"
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"CF Co","custom_fields":[{"api_name":"cf_nope","value":"1"}]}')" "unknown custom field"
assert_eq 'Invalid value passed for cf_nope' "$(code .message)" "unknown cf named"
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"CF Co","custom_fields":[{"api_name":"cf_crm_id","value":"4150868000000087005"}]}')" "unique cf reused"
assert_eq 3099 "$(code)" "unique cf code"
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"Two Primaries","contact_persons":[{"first_name":"A","is_primary_contact":true},{"first_name":"B","is_primary_contact":true}]}')" "two primaries"
assert_eq 400 "$(fin books POST /contacts -d 'not json')" "bad JSON"

# --- update: contact_persons replace the set
keep=$(fin books GET "/contacts/$cid" >/dev/null; code '.contact.contact_persons[1].contact_person_id')
assert_eq 200 "$(fin books PUT "/contacts/$cid" -d '{"contact_name":"Initech","contact_persons":[{"contact_person_id":"'"$keep"'","email":"bill.l@initech.example.com"},{"first_name":"Milton","last_name":"Waddams"}]}')" "update persons"
assert_eq 'Contact has been updated successfully' "$(code .message)" "update message"
assert_eq "2 $keep bill.l@initech.example.com Lumbergh" "$(code '.contact.contact_persons | "\(length) \(.[0].contact_person_id) \(.[0].email) \(.[0].last_name)"')" "listed person updated, omitted removed"
assert_eq 'bill.l@initech.example.com' "$(code .contact.email)" "primary person on top"
assert_eq 400 "$(fin books PUT "/contacts/$cid" -d '{"contact_persons":[{"contact_person_id":"1"}]}')" "unknown person id"
assert_eq 400 "$(fin books PUT "/contacts/$cid" -d '{"contact_name":"Northwind Traders"}')" "rename onto another"
assert_eq 404 "$(fin books GET /contacts/460000000099999)" "missing contact"
assert_eq '1002 Contact does not exist.' "$(code '"\(.code) \(.message)"')" "missing code"
assert_eq 400 "$(fin billing PUT "/customers/$bid" -d '{"phone":"+1 555 1234"}')" "billing update without display_name"
assert_eq 3013 "$(code)" "billing display_name required on update"
assert_eq 200 "$(fin billing PUT "/customers/$bid" -d '{"display_name":"'"$(store billing customers | jq -r '.[0].display_name')"'","phone":"+1 555 1234"}')" "billing update"

# --- upsert by unique custom field (Books, Inventory)
up() {
	v=$1
	shift
	fin books PUT /contacts -H "X-Unique-Identifier-Key: cf_crm_id" -H "X-Unique-Identifier-Value: $v" "$@"
}
assert_eq 200 "$(up 4150868000000087005 -d '{"website":"https://initech.example.com"}')" "upsert update"
assert_eq "$cid" "$(code .contact.contact_id)" "upsert found it"
assert_eq 404 "$(up 4150868000000087007 -d '{"contact_name":"Stark Industries"}')" "no upsert without X-Upsert"
assert_eq 201 "$(up 4150868000000087007 -H 'X-Upsert: true' -d '{"contact_name":"Stark Industries"}')" "upsert create"
assert_eq 4150868000000087007 "$(code .contact.custom_field_hash.cf_crm_id)" "upsert sets the key"
assert_eq 400 "$(fin books PUT /contacts -H 'X-Unique-Identifier-Key: cf_industry' -H 'X-Unique-Identifier-Value: x' -d '{}')" "non-unique key"

# --- list filters and paging
# cf_ and contact_type are not documented list filters: ignored, as Zoho ignores
# an unknown parameter; rows carry no custom fields and no customer_sub_type.
all=$(fin books GET /contacts >/dev/null; jq '.contacts | length' "$B")
assert_eq 200 "$(fin books GET '/contacts?cf_crm_id=4150868000000087007')" "cf filter"
assert_eq "$all" "$(jq '.contacts | length' "$B")" "cf filter ignored"
assert_eq 'null null null' "$(code '.contacts[0] | "\(.cf_crm_id) \(.custom_fields) \(.customer_sub_type)"')" "no custom fields on list rows"
assert_eq 200 "$(fin books GET '/contacts?cf_nope=1')" "unknown cf filter ignored"
assert_eq 201 "$(fin books POST /contacts -d '{"contact_name":"Vendor Filter Co","contact_type":"vendor"}')" "a vendor"
vendors_all=$(fin books GET '/contacts?contact_type=vendor' >/dev/null; jq '[.contacts[] | select(.contact_type == "customer")] | length' "$B")
assert_eq 1 "$([ "$vendors_all" -gt 0 ] && echo 1 || echo 0)" "contact_type ignored by default"
assert_eq 'true' "$(ctl POST /readings '{"honour_contact_type":true}' | jq -r .honour_contact_type)" "reading switched"
assert_eq 200 "$(fin books GET '/contacts?contact_type=vendor')" "contact_type honoured"
assert_eq 'vendor' "$(code '[.contacts[].contact_type] | unique | join(",")')" "only vendors when honoured"
ctl POST /readings '{"honour_contact_type":false}' >/dev/null
# Without filter_by the list holds active records only (Billing "List items").
vfc=$(fin books GET '/contacts?contact_name=Vendor%20Filter%20Co' >/dev/null; code '.contacts[0].contact_id')
assert_eq 200 "$(fin books POST "/contacts/$vfc/inactive")" "mark inactive"
assert_eq 0 "$(fin books GET '/contacts?contact_name=Vendor%20Filter%20Co' >/dev/null; jq '.contacts | length' "$B")" "inactive not listed by default"
assert_eq 1 "$(fin books GET '/contacts?contact_name=Vendor%20Filter%20Co&filter_by=Status.All' >/dev/null; jq '.contacts | length' "$B")" "inactive listed with Status.All"
# Required on update: contact_name (Books update-a-contact-request).
assert_eq 400 "$(fin books PUT "/contacts/$vfc" -d '{"website":"https://v.example.com"}')" "update without contact_name"
assert_eq 3013 "$(code)" "update without contact_name code"
assert_eq 200 "$(fin books GET '/contacts?contact_name_contains=corp')" "name filter"
assert_eq 1 "$(jq '.contacts | length' "$B")" "name filter count"
assert_eq 200 "$(fin books GET '/contacts?per_page=2&page=2')" "page 2"
assert_eq 'true 2' "$(code '.page_context | "\(.has_more_page) \(.page)"')" "has_more_page"
assert_eq 400 "$(fin books GET '/contacts?per_page=201')" "per_page 201"
assert_eq 2 "$(code)" "per_page code"

# --- items
assert_eq 400 "$(fin books POST /items -d '{"name":"No Rate"}')" "item without rate"
assert_eq 'Invalid value passed for rate' "$(code .message)" "rate named"
assert_eq 400 "$(fin books POST /items -d '{"name":"widget pro","rate":1}')" "duplicate item name"
assert_eq 1001 "$(code)" "books duplicate item code"
assert_eq 400 "$(fin books POST /items -d '{"name":"Widget Pro II","rate":1,"sku":"wp-100"}')" "duplicate sku"
assert_eq 1001 "$(code)" "sku code"
assert_eq 201 "$(fin books POST /items -d '{"name":"Widget Pro II","rate":249.5,"sku":"WP-200","product_type":"goods","item_type":"sales"}')" "item create"
assert_eq 'The item has been added.' "$(code .message)" "item message"
iid=$(code .item.item_id)
assert_eq 400 "$(fin books PUT "/items/$iid" -d '{"rate":250}')" "item update without name"
assert_eq 'Invalid value passed for name' "$(code .message)" "item name required on update"
assert_eq 400 "$(fin books PUT "/items/$iid" -d '{"name":"Widget Pro II"}')" "item update without rate"
assert_eq 200 "$(fin books PUT "/items/$iid" -d '{"name":"Widget Pro II","rate":250}')" "item update"
assert_eq 'Item details have been saved.' "$(code .message)" "item update message"
assert_eq 400 "$(fin books POST /items -d '{"name":"Svc","rate":1,"product_type":"services"}')" "bad product_type"
assert_eq 201 "$(fin invoice POST /items -d '{"name":"Consulting","rate":100}')" "invoice item"
assert_eq 400 "$(fin invoice POST /items -d '{"name":"CONSULTING","rate":100}')" "invoice duplicate item"
assert_eq '1000 The item name already exist' "$(code '"\(.code) \(.message)"')" "invoice duplicate code"
assert_eq 400 "$(fin invoice POST /items -d '{"name":"Typed","rate":1,"item_type":"sales"}')" "item_type not on invoice"
assert_eq 201 "$(fin inventory POST /items -d '{"name":"Stocked","rate":1,"item_type":"inventory","sku":"ST-1"}')" "inventory item"
assert_eq 200 "$(fin books DELETE "/items/$iid")" "item delete"
assert_eq 404 "$(fin books GET "/items/$iid")" "deleted item gone"

# --- control: store view, reject rule
assert_eq 5 "$(store_count books contacts '.contact_type == "customer"')" "books customers in store"
assert_eq 1 "$(store_count billing customers)" "billing customers in store"
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Bad Co","code":4,"message":"Invalid characters in name"}' >/dev/null
assert_eq 400 "$(fin books POST /contacts -d '{"contact_name":"Bad Co"}')" "rejected"
assert_eq '4 Invalid characters in name' "$(code '"\(.code) \(.message)"')" "reject body"
ctl DELETE /reject >/dev/null
assert_eq 201 "$(fin books POST /contacts -d '{"contact_name":"Bad Co"}')" "reject cleared"

# --- faults: a 503 once, then normal service
ctl POST /faults '{"kind":"status","status":503,"path_prefix":"/books/v3/items","count":1}' >/dev/null
assert_eq 503 "$(fin books GET /items)" "fault fires"
assert_eq 200 "$(fin books GET /items)" "fault used up"

# --- rate limit: N per minute per app and org, 429 with code 44 and no header Zoho does not document
ctl POST /limits '{"rate_per_minute":3}' >/dev/null
for i in 1 2 3; do assert_eq 200 "$(fin books GET /items)" "within limit $i"; done
st=$(curl -s -D "$WORK/hdr" -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/books/v3/items?organization_id=$ORG")
assert_eq 429 "$st" "over limit"
assert_eq 44 "$(code)" "over limit code"
grep -qi '^Retry-After' "$WORK/hdr" && fail "Retry-After on a per-minute 429"
grep -qi '^X-Rate-Limit' "$WORK/hdr" && fail "X-Rate-Limit-* on a per-minute 429"
assert_eq 200 "$(fin invoice GET /items)" "other app has its own window"
ctl POST /clock '{"advance":61}' >/dev/null
assert_eq 200 "$(fin books GET /items)" "next minute"
ctl POST /limits '{"rate_per_minute":0}' >/dev/null

# --- the daily quota: X-Rate-Limit-* on every answer (seconds to the next UTC day), 429 code 45 once spent
ctl POST /limits '{"daily_limit":2}' >/dev/null
st=$(curl -s -D "$WORK/hdr" -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/books/v3/items?organization_id=$ORG")
assert_eq 200 "$st" "within the day's quota"
grep -qi '^X-Rate-Limit-Limit: 2' "$WORK/hdr" || fail "no X-Rate-Limit-Limit"
grep -qi '^X-Rate-Limit-Remaining: 1' "$WORK/hdr" || fail "no X-Rate-Limit-Remaining"
reset=$(grep -i '^X-Rate-Limit-Reset: ' "$WORK/hdr" | tr -dc 0-9)
[ "$reset" -ge 1 ] && [ "$reset" -le 86400 ] || fail "X-Rate-Limit-Reset '$reset' is not the seconds to the next day"
assert_eq 200 "$(fin books GET /items)" "the last call of the day"
st=$(curl -s -D "$WORK/hdr" -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/books/v3/items?organization_id=$ORG")
assert_eq 429 "$st" "the day's quota spent"
assert_eq 45 "$(code)" "daily limit code"
grep -qi '^X-Rate-Limit-Remaining: 0' "$WORK/hdr" || fail "no X-Rate-Limit-Remaining: 0 on the 429"
assert_eq 200 "$(fin invoice GET /items)" "other app has its own quota"
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null
TOK=$(fresh_token fin)
ctl POST /clock "{\"advance\":$((reset + 1))}" >/dev/null
assert_eq 200 "$(fin books GET /items)" "a new day"
assert_eq 2 "$(ctl GET /limits | jq .daily_limit)" "limits read back"
ctl POST /limits '{"daily_limit":1000000}' >/dev/null
# --- SIGTERM: a clean exit 0 (under ASan this also proves no leaks)
sandbox_stop_clean
echo ok
