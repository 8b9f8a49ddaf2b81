#!/bin/sh
test_description='the CRM-id custom field: the sandbox lists custom fields where Books documents it (GET /settings/fields?entity=); check and run refuse (exit 2, no write) when the field is missing or allows duplicates; Inventory cannot be verified and check says what to make sure of'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# seed NAME JQ: a copy of the base seed whose finance/custom_fields.json is passed through JQ.
seed() {
	cp -r "$FIXTURES/base" "$1"
	jq "$2" "$FIXTURES/base/finance/custom_fields.json" >"$1/finance/custom_fields.json"
}

# --- the sandbox: Books lists an entity's custom fields; the other apps have no such URL.
sandbox_start "$FIXTURES/base"
TOK=$(fresh_token fin)
get() {
	curl -s -o body -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL$1"
}
assert_eq 200 "$(get "/books/v3/settings/fields?entity=contact&organization_id=10234695")" "books contact fields"
assert_eq '0 cf_crm_id:true cf_industry:false cf_owner:false' "$(jq -r '"\(.code) " + ([.customfields[] | "\(.api_name):\(.is_unique)"] | join(" "))' body)" "contact fields"
assert_eq 'CRM ID string contact' "$(jq -r '.customfields[0] | "\(.label) \(.data_type) \(.entity)"' body)" "field shape"
assert_eq 200 "$(get "/books/v3/settings/fields?entity=item&organization_id=10234695")" "books item fields"
assert_eq cf_crm_id "$(jq -r '[.customfields[].api_name] | join(" ")' body)" "item fields"
assert_eq 400 "$(get "/books/v3/settings/fields?entity=widget&organization_id=10234695")" "unknown entity"
assert_eq 2 "$(jq .code body)" "unknown entity code"
assert_eq 400 "$(get "/books/v3/settings/fields?entity=contact")" "no organisation"
assert_eq 404 "$(get "/inventory/v1/settings/fields?entity=contact&organization_id=10234695")" "inventory documents none"
assert_eq 5 "$(jq .code body)" "inventory: invalid URL"
sandbox_stop

# --- no CRM-id field on contacts: check names what to create and where; a run writes nothing.
seed nofield '.contacts |= map(select(.api_name != "cf_crm_id"))'
sandbox_start "$WORK/nofield"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'
finsync_exit 2 check job.json
grep -qF "FAIL finance fields: Zoho Books has no custom field cf_crm_id on contacts; create a custom field 'CRM ID' (API name cf_crm_id, type text, 'Do not allow duplicate values' on) in Zoho Books → Settings → Preferences → Customers and Vendors → Field Customization" out ||
	fail "missing field: $(cat out)"
grep -qF "ok   finance fields: Zoho Books has cf_crm_id on items, duplicates not allowed" out || fail "items: $(cat out)"
finsync_exit 2 run job.json
grep -qF "create a custom field 'CRM ID' (API name cf_crm_id" err || fail "run's message: $(cat err)"
assert_eq 0 "$(ctl GET /requests | jq '[.requests[] | select(.api != "oauth" and .method != "GET")] | length')" "writes by a refused run"
assert_eq 0 "$(store_count books contacts 'has("custom_field_hash") and (.custom_field_hash.cf_crm_id // "") != ""')" "no customer written"
sandbox_stop
rm -rf state

# --- the field allows duplicates (items): upsert would not be safe.
seed dup '.items |= map(if .api_name == "cf_crm_id" then .is_unique = false else . end)'
sandbox_start "$WORK/dup"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'
finsync_exit 2 check job.json
grep -qF "FAIL finance fields: the custom field cf_crm_id on items in Zoho Books allows duplicate values, and finsync's upsert needs it unique; edit it in Zoho Books → Settings → Preferences → Items → Field Customization and turn 'Do not allow duplicate values' on" out ||
	fail "duplicates allowed: $(cat out)"
finsync_exit 2 run job.json
assert_eq 0 "$(writes_since 0)" "writes by a refused run"
sandbox_stop
rm -rf state

# --- a field named with finance.crm_id_field is the one looked for.
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
jq '.finance.crm_id_field = "cf_salesforce_ref"' job.json >ref.json
finsync_exit 2 check ref.json
grep -qF "FAIL finance fields: Zoho Books has no custom field cf_salesforce_ref on contacts; create a custom field 'Salesforce Ref' (API name cf_salesforce_ref, type text, 'Do not allow duplicate values' on)" out ||
	fail "crm_id_field: $(cat out)"

# --- Inventory documents no list of custom fields: check cannot verify and says what to make sure of.
write_job inv.json zoho-inventory '{"customers":{"crm_module":"accounts"},"items":{}}'
sed -i 's|"state_dir": "state"|"state_dir": "state-inv"|' inv.json
finsync_exit 0 check inv.json
grep -qF -- "--   finance fields: cannot verify cf_crm_id on contacts in Zoho Inventory (it documents no way to list custom fields): make sure it exists (create a custom field 'CRM ID' (API name cf_crm_id, type text, 'Do not allow duplicate values' on) in Zoho Inventory → Settings → Preferences → Customers and Vendors → Field Customization)" out ||
	fail "inventory: $(cat out)"
assert_eq 0 "$(writes_since 0)" "writes by check"
