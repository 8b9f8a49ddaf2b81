#!/bin/sh
test_description='mapping: the effective mapping per entity (default, override, field_map, custom field, crm id) with the CRM field types from the CRM (text for CSV, unknown offline or without secrets); the README tables are what --defaults prints; a run writes what the mapping says'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# The README's default-mapping tables are generated: they must be what --defaults prints.
sed -n '/^<!-- finsync mapping --defaults: begin -->$/,/^<!-- finsync mapping --defaults: end -->$/p' "$TOP/README.md" |
	sed '1d;$d' >readme.md
[ -s readme.md ] || fail "no generated tables in the README"
finsync_exit 0 mapping --defaults
cmp -s readme.md "$WORK/out" || { diff readme.md "$WORK/out" >&2; fail "README tables differ from 'finsync mapping --defaults' (paste its output between the markers)"; }
grep -qx '| Accounts | `Account_Name` | `display_name` | default | Zoho Billing |' "$WORK/out" || fail "an app's own key: $(cat "$WORK/out")"
grep -qx '| Products | `Unit_Price` | `rate` | default | all |' "$WORK/out" || fail "a default for all apps"
finsync_exit 0 mapping --defaults --format json
assert_eq "Accounts|Account_Name|default" "$(jq -r '.customers[] | select(.finance == "contact_name") | "\(.module)|\(.crm)|\(.origin)"' "$WORK/out" | sort -u | head -1)" "json defaults"
finsync_exit 2 mapping --defaults job.json
finsync_exit 2 mapping
grep -q "JOB is missing" "$WORK/err" || fail "no JOB: $(cat "$WORK/err")"

sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","field_map":{"cf_industry":"Industry","notes":"Industry","payment_terms_label":"No_Such_Field"}},"items":{"product_type_field":"Product_Category"}}'
finsync_exit 0 mapping job.json --format json
row() { jq -r --arg e "$1" --arg f "$2" '.entities[$e][] | select(.finance == $f) | "\(.module)|\(.crm)|\(.origin)|\(.crm_type)"' "$WORK/out"; }
assert_eq "Accounts|Account_Name|default|text" "$(row customers contact_name)" "name"
assert_eq "Accounts|Industry|custom field|picklist" "$(row customers cf_industry)" "custom field"
assert_eq "Accounts|Industry|override|picklist" "$(row customers notes)" "override of Description"
assert_eq "Accounts|No_Such_Field|field_map|absent" "$(row customers payment_terms_label)" "a field the CRM lacks"
assert_eq "Accounts|Phone|default|phone" "$(row customers billing_address.phone)" "phone"
assert_eq "Accounts|id|crm id|record id" "$(row customers cf_crm_id)" "crm id"
assert_eq "Products|Product_Category|product_type_field|picklist" "$(row items product_type)" "product type"
assert_eq "Products|Unit_Price|default|currency" "$(row items rate)" "rate"
assert_eq "" "$(jq -r '.entities.customers[] | select(.crm == "Description") | .finance' "$WORK/out")" "the overridden default is gone"
assert_eq "customers items" "$(jq -r '.entities | keys | join(" ")' "$WORK/out")" "entities of the job"
finsync_exit 0 mapping job.json
grep -q "^  Accounts    notes  *<- Industry  *override  *picklist$" "$WORK/out" || fail "text: $(cat "$WORK/out")"
grep -q "^customers: Zoho CRM to Zoho Books$" "$WORK/out" || fail "text header: $(cat "$WORK/out")"

# What the mapping says is what a run writes.
write_job run.json zoho-books '{"customers":{"crm_module":"accounts","field_map":{"cf_industry":"Industry","notes":"Industry"}}}'
run_ok run.json
assert_eq "Technology" "$(store books contacts | jq -r '.[] | select(.contact_name == "Initech") | .notes')" "notes from Industry"

# Offline, without the secrets, or with the CRM down: the mapping still, its types unknown.
finsync_exit 0 mapping job.json --offline --format json
assert_eq unknown "$(jq -r '.entities.customers[] | select(.finance == "notes") | .crm_type' "$WORK/out")" "--offline"
(unset FINSYNC_CRM_CLIENT_SECRET; finsync mapping job.json --format json >nosecret.json 2>nosecret.err) || fail "mapping without secrets"
assert_eq unknown "$(jq -r '.entities.customers[] | select(.finance == "notes") | .crm_type' nosecret.json)" "without secrets"
grep -q "CRM field types unknown: .*FINSYNC_CRM_CLIENT_SECRET" nosecret.err || fail "says why: $(cat nosecret.err)"
sandbox_stop
finsync_exit 0 mapping job.json --format json
assert_eq unknown "$(jq -r '.entities.customers[] | select(.finance == "notes") | .crm_type' "$WORK/out")" "CRM down"

# A CSV source: the header's columns are text, the others absent.
mkdir export
printf 'id,Account_Name,Industry\n4150868000000087001,Acme Ltd,Retail\n' >export/Accounts.csv
jq '.crm = {"type": "csv", "dir": "export"} | .sync = {"customers": {"crm_module": "accounts", "field_map": {"notes": "Industry"}}}' job.json >csv.json
finsync_exit 0 mapping csv.json --format json
assert_eq "text absent" "$(jq -r '[.entities.customers[] | select(.finance == "notes" or .finance == "website")] | sort_by(.finance) | map(.crm_type) | join(" ")' "$WORK/out")" "csv types"
