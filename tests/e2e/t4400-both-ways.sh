#!/bin/sh
test_description='both ways: finance records reach the CRM once (business -> Account, individual -> Contact, vendor, item -> Product), nothing echoes back, a conflicting edit follows the owner rule'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","extent":"both_ways","field_owner":{"website":"finance"}},
	"vendors":{"extent":"both_ways"},"items":{"extent":"both_ways"}}'

# Records made in Books by its users, never seen by the CRM.
ctl POST /finance/books/contacts '{"data":[
	{"contact_name":"Finance-Only Traders","company_name":"Finance-Only Traders","contact_type":"customer","customer_sub_type":"business","website":"https://fot.example.com"},
	{"contact_name":"Ivy Individual","contact_type":"customer","customer_sub_type":"individual","contact_persons":[{"first_name":"Ivy","last_name":"Individual","email":"ivy@example.net","is_primary_contact":true}]},
	{"contact_name":"Finance Vendor Co","contact_type":"vendor","website":"https://fvc.example.com"}]}' >/dev/null
ctl POST /finance/books/items '{"data":[{"name":"Books-Only Gadget","sku":"BOG-1","rate":10.5,"product_type":"goods"}]}' >/dev/null

run_ok job.json
crm() { ctl GET "/store/crm/$1" | jq -c '.records'; }
assert_eq 1 "$(crm Accounts | jq '[.[] | select(.Account_Name == "Finance-Only Traders")] | length')" "business customer -> Account"
assert_eq "https://fot.example.com" "$(crm Accounts | jq -r '.[] | select(.Account_Name == "Finance-Only Traders") | .Website')" "Account website"
assert_eq 1 "$(crm Accounts | jq '[.[] | select(.Account_Name == "Northwind Traders")] | length')" "seeded Books customer -> Account"
assert_eq "Ivy|Individual|ivy@example.net" "$(crm Contacts | jq -r '.[] | select(.Last_Name == "Individual") | "\(.First_Name)|\(.Last_Name)|\(.Email)"')" "individual -> Contact"
assert_eq 1 "$(crm Vendors | jq '[.[] | select(.Vendor_Name == "Finance Vendor Co")] | length')" "vendor"
assert_eq "BOG-1" "$(crm Products | jq -r '.[] | select(.Product_Name == "Books-Only Gadget") | .Product_Code')" "item -> Product"
# Globex exists on both sides (a duplicate the CRM-to-finance plan skipped): not sent to the CRM again.
assert_eq 1 "$(crm Accounts | jq '[.[] | select(.Account_Name == "Globex Corporation")] | length')" "Globex once in the CRM"
# The finance records now carry their CRM ids; the links say they came from the finance app.
fot=$(crm Accounts | jq -r '.[] | select(.Account_Name == "Finance-Only Traders") | .id')
assert_eq "$fot" "$(store books contacts | jq -r '.[] | select(.contact_name == "Finance-Only Traders") | .custom_field_hash.cf_crm_id')" "CRM id on the finance record"
assert_eq finance "$(ledger_query state "select origin from links where crm_id = '$fot'")" "link origin"
# An item's stamp carries name and rate, which Zoho requires on every item update.
bog=$(crm Products | jq -r '.[] | select(.Product_Name == "Books-Only Gadget") | .id')
assert_eq "$bog 10.5" "$(store books items | jq -r '.[] | select(.name == "Books-Only Gadget") | "\(.custom_field_hash.cf_crm_id) \(.rate)"')" "CRM id on the finance item"

# A second run: nothing goes either way.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "writes on the second run"
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on a full third run"

# Both sides change Umbrella Holdings: the website is the finance app's (field_owner), the phone the CRM's.
token=$(curl -sf -X POST "$SANDBOX_URL/oauth/v2/token?grant_type=refresh_token&client_id=1000.SANDBOXFIN&client_secret=$FINSYNC_FIN_CLIENT_SECRET&refresh_token=$FINSYNC_FIN_REFRESH_TOKEN" | jq -r .access_token)
umb=$(store books contacts | jq -r '.[] | select(.contact_name == "Umbrella Holdings") | .contact_id')
curl -sf -X PUT -H "Authorization: Zoho-oauthtoken $token" -H 'Content-Type: application/json' \
	--data '{"contact_name":"Umbrella Holdings","website":"https://fin.umbrella.example.com"}' \
	"$SANDBOX_URL/books/v3/contacts/$umb?organization_id=10234695" >/dev/null || fail "cannot edit in Books"
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087006","Account_Name":"Umbrella Holdings","Industry":"Healthcare",
	"Website":"https://crm.umbrella.example.com","Phone":"+1 555 1111"}]}' >/dev/null
run_ok job.json
assert_eq "https://fin.umbrella.example.com" "$(crm Accounts | jq -r '.[] | select(.id == "4150868000000087006") | .Website')" "CRM website (finance owns it)"
assert_eq "https://fin.umbrella.example.com" "$(store books contacts | jq -r ".[] | select(.contact_id == \"$umb\") | .website")" "Books website kept"
assert_eq "+1 555 1111" "$(store books contacts | jq -r ".[] | select(.contact_id == \"$umb\") | .billing_address.phone")" "Books phone (the CRM owns it)"
assert_eq "+1 555 1111" "$(crm Accounts | jq -r '.[] | select(.id == "4150868000000087006") | .Phone')" "CRM phone kept"
