#!/bin/sh
test_description='check and every run verify what the job names before the first write: CRM fields, views, deal stages, summary fields, finance custom fields; exit 2 says what to create and where, and a run that fails it writes nothing'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"

# job NAME APP SYNC: a job of its own state_dir (one state_dir belongs to one job).
job() {
	write_job "$1.json" "$2" "$3"
	sed -i "s|\"state_dir\": \"state\"|\"state_dir\": \"state-$1\"|" "$1.json"
}

# refused NAME PATTERN: check exits 2 with a FAIL line matching PATTERN; a run
# exits 2 with it too, before any write, and its run is recorded as aborted.
refused() {
	finsync_exit 2 check "$1.json"
	grep -q "^FAIL $2" out || fail "$1: check: $(cat out)"
	grep -q "^ok   job: " out || fail "$1: the job itself is valid: $(cat out)"
	seq=$(last_seq)
	finsync_exit 2 run "$1.json"
	assert_eq 0 "$(writes_since "$seq")" "$1: writes by a refused run"
	grep -q "${2#*: }" err || fail "$1: run's message: $(cat err)"
	assert_eq aborted "$(ledger_query "state-$1" 'SELECT status FROM runs ORDER BY id DESC LIMIT 1')" "$1: run status"
}

# The base seed has all the job names: every line ok, exit 0, and no write.
job all zoho-books '{"customers":{"crm_module":"accounts","field_map":{"cf_industry":"Industry"},
  "views":{"Accounts":"4150868000000087501"}},"items":{},
  "deals":{"automate":"invoice","default_item":"Widget Pro"},"summary":{}}'
finsync_exit 0 check all.json
! grep -q "^FAIL\|^--" out || fail "base seed: $(cat out)"
for line in "crm fields: Accounts has every field sync.customers names" \
	"crm fields: Deals has Deal_Name and Stage" \
	"deal stages: every stage sync.deals names is a Deals Stage value" \
	"crm fields: the summary fields of sync.summary exist" \
	"views: sync.customers.views.Accounts: the CRM has view 4150868000000087501" \
	"finance fields: Zoho Books has cf_crm_id on contacts, duplicates not allowed" \
	"finance fields: Zoho Books has cf_industry on contacts" \
	"finance fields: Zoho Books has cf_crm_id on items, duplicates not allowed"; do
	grep -qF "ok   $line" out || fail "missing ok line '$line': $(cat out)"
done
assert_eq 0 "$(writes_since 0)" "writes by check"

# A CRM field the field_map names.
job crmfield zoho-books '{"customers":{"crm_module":"accounts","field_map":{"website":"Web_Address"}}}'
refused crmfield "crm fields: job 'crmfield.json': sync.customers.field_map.website: the CRM module Accounts has no field 'Web_Address'; create it in Zoho CRM → Settings → Modules and Fields → Accounts, or correct the job"

# A finance custom field the field_map writes.
job cf zoho-books '{"customers":{"crm_module":"accounts","field_map":{"cf_region":"Industry"}}}'
refused cf "finance fields: Zoho Books has no custom field cf_region on contacts; create a custom field 'Region' (API name cf_region, type text) in Zoho Books → Settings → Preferences → Customers and Vendors → Field Customization"

# A view the CRM does not have.
job view zoho-books '{"customers":{"crm_module":"accounts","views":{"Accounts":"4150868000000099999"}}}'
refused view "views: sync.customers.views.Accounts: Zoho CRM has no custom view 4150868000000099999 in Accounts"

# A deal stage the CRM's Stage picklist lacks.
job stage zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"Widget Pro",
  "stage_order":["Qualification","Contract Signed","Closed Won"]}}'
refused stage "deal stages: sync.deals.stage_order: 'Contract Signed' is not a value of the CRM's Deals Stage picklist; add it in Zoho CRM → Settings → Modules and Fields → Deals → Stage"

# A summary field: what to create, with its type.
job summary zoho-books '{"customers":{"crm_module":"accounts"},"summary":{"fields":{"outstanding":"Balance_Due"}}}'
refused summary "crm fields: job 'summary.json': sync.summary.fields.outstanding: the CRM module Accounts has no field 'Balance_Due'; create it (type currency) in Zoho CRM → Settings → Modules and Fields → Accounts"

# Everything missing at once: check lists each; a run names the first and how many more.
job many zoho-books '{"customers":{"crm_module":"accounts","field_map":{"cf_region":"Industry"},
  "views":{"Accounts":"1"}},"items":{"field_map":{"cf_colour":"Product_Code"}}}'
finsync_exit 2 check many.json
assert_eq 3 "$(grep -c '^FAIL ' out)" "FAIL lines: $(cat out)"
finsync_exit 2 run many.json
grep -q "(and 2 more: \`finsync check many.json\` lists them)" err || fail "run names how many more: $(cat err)"

# A CSV export: the field is a column of the module's file.
job csv zoho-books '{"customers":{"crm_module":"accounts","field_map":{"website":"Web_Address"}}}'
jq --arg dir "$FIXTURES/csv" '.crm = {"type": "csv", "dir": $dir}' csv.json >csv.tmp && mv csv.tmp csv.json
refused csv "crm fields: job 'csv.json': sync.customers.field_map.website: the CRM module Accounts has no field 'Web_Address'; export it with Accounts.csv (a column of that name), or correct the job"

# Zoho Invoice documents no way to list custom fields: check says what to make sure of, and passes.
job inv zoho-invoice '{"customers":{"crm_module":"accounts"},"items":{}}'
finsync_exit 0 check inv.json
grep -qF -- "--   finance fields: cannot verify cf_crm_id on contacts in Zoho Invoice (it documents no way to list custom fields): make sure it exists (create a custom field 'CRM ID' (API name cf_crm_id, type text) in Zoho Invoice → Settings → Preferences → Customers → Field Customization)" out ||
	fail "invoice: $(cat out)"
grep -qF -- "--   finance fields: cannot verify cf_crm_id on items in Zoho Invoice" out || fail "invoice items: $(cat out)"
assert_eq 0 "$(writes_since 0)" "writes by every check"
