#!/bin/sh
test_description='transform: the same CRM records from the API and from CSV export files plan byte-identical lines'
. "$(dirname "$0")/lib.sh"

sandbox_start "$FIXTURES/base"
SYNC='{"customers": {"crm_module": "accounts_and_contacts", "include_orphan_contacts": true,
                     "on_duplicate": "clone", "field_map": {"cf_industry": "Industry", "cf_owner": "Owner.email"}},
       "vendors": {"on_duplicate": "overwrite"},
       "items": {"on_duplicate": "clone", "product_type_field": "Product_Category"}}'
write_job "$WORK/api.json" zoho-books "$SYNC"
jq '.stages = ["extract", "transform"] | .state_dir = "state-api"' "$WORK/api.json" >"$WORK/job.tmp"
mv "$WORK/job.tmp" "$WORK/api.json"
cd "$WORK"
finsync run api.json 2>err || fail "api run: $(cat err)"

# The extracted API records, in the API's order, as a CRM export folder.
crm_export_csv state-api/staging/1/extract export
jq '.crm = {"type": "csv", "dir": "export"} | .state_dir = "state-csv"' api.json >csv.json
finsync run csv.json 2>err || fail "csv run: $(cat err)"

for e in customers vendors items; do
	zcat "state-api/staging/1/transform/$e.ndjson.gz" >"api-$e"
	zcat "state-csv/staging/1/transform/$e.ndjson.gz" >"csv-$e"
	[ -s "api-$e" ] || fail "$e: no records from the API"
	cmp -s "api-$e" "csv-$e" || { diff "api-$e" "csv-$e" >&2; fail "$e: API and CSV lines differ"; }
done

# has_line FILE FILTER: some line of FILE matches the jq condition.
has_line() {
	jq -se "any(.[]; $2)" "$1" >/dev/null
}

# What the lines say: a clone of a name planned earlier in the run, the orphans, the SKU clash.
assert_eq 2 "$(jq -s '[.[] | select(.crm_module == "Contacts")] | length' api-customers)" "orphans as individuals"
has_line api-customers '.duplicate and .action == "create" and .name == "ACME  Ltd (2)"' ||
	fail "no clone with a suffixed name: $(cat api-customers)"
has_line api-items '.match == "sku" and .action == "skip" and .finance_id == "460000000027001"' ||
	fail "no sku duplicate: $(cat api-items)"
has_line api-customers '.payload.custom_fields[1] == {"api_name": "cf_industry", "value": "Retail"}' ||
	fail "field_map custom field missing"
