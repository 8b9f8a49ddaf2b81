#!/bin/sh
test_description='extract: CRM export files give the same finance records as the API'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
SYNC='{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true,"on_duplicate":"clone","field_map":{"cf_industry":"Industry"}},
      "vendors":{},"items":{"product_type_field":"Product_Category"}}'

# The API run.
sandbox_start "$FIXTURES/base"
write_job api.json zoho-books "$SYNC"
sed -i 's/"state_dir": "state"/"state_dir": "state-api"/' api.json
run_ok api.json
for r in contacts items; do
	store books "$r" | jq -S '[.[] | del(.contact_id, .item_id, .primary_contact_id, .created_time, .last_modified_time)
		| del(.contact_persons[]?.contact_person_id, .custom_fields[]?.customfield_id)]
		| sort_by(.contact_name // .name)' >"api-$r.json"
done
crm_export_csv state-api/staging/1/extract export

# The CSV run, into a fresh sandbox with the same finance seed.
sandbox_stop
sandbox_start "$FIXTURES/base"
write_job csv.json zoho-books "$SYNC"
jq '.crm = {"type": "csv", "dir": "export"} | .state_dir = "state-csv"' csv.json >csv.tmp && mv csv.tmp csv.json
run_ok csv.json
for r in contacts items; do
	store books "$r" | jq -S '[.[] | del(.contact_id, .item_id, .primary_contact_id, .created_time, .last_modified_time)
		| del(.contact_persons[]?.contact_person_id, .custom_fields[]?.customfield_id)]
		| sort_by(.contact_name // .name)' >"csv-$r.json"
	[ "$(jq length "api-$r.json")" -gt 3 ] || fail "$r: too few records to compare"
	cmp -s "api-$r.json" "csv-$r.json" || { diff "api-$r.json" "csv-$r.json" >&2; fail "$r differ between API and CSV"; }
done
assert_eq "$(ledger_query state-api "select action, count(*) from events group by action")" \
	"$(ledger_query state-csv "select action, count(*) from events group by action")" "ledger events"
