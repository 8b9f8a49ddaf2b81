#!/bin/sh
test_description='check --deep probes, reading only, what Zoho leaves open (list filters, the fields of list rows) and prints per probe what it found and what finsync does; the request log holds no write'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/transactions"

# Books with customers, vendors and items, and deal invoices in the organisation.
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"vendors":{},"items":{}}'
finsync_exit 0 check --deep job.json
for p in "custom-field filter: GET /contacts?cf_crm_id=<a value no record holds> answered [0-9a-z]* rows*: the filter is \(honoured\|ignored\); finsync adopts a record found by a lookup only when the row itself holds the CRM id asked for" \
	"contact_type filter: GET /contacts?contact_type=vendor answered .*: the filter is \(honoured\|ignored\); finsync keeps only the rows whose own contact_type is the one asked for" \
	"list rows: customer_sub_type: [0-9]* of 2 rows of GET /contacts carry it; where a row lacks it, finsync reads the record by id" \
	"list rows: custom fields: [0-9]* of 2 rows of GET /contacts carry cf_crm_id" \
	"zcrm_potential_id filter: GET /invoices?zcrm_potential_id=<a value no record holds> answered [0-9a-z]* rows*: the filter is \(honoured\|ignored\); finsync finds a deal's transactions by reference_number" \
	"reference_number filter: GET /invoices?reference_number=<a value no record holds> answered [0-9a-z]* rows*: the filter is \(honoured\|ignored\)"; do
	grep -q "^probe $p" out || fail "probe '$p': $(cat out)"
done
assert_eq 6 "$(grep -c '^probe ' out)" "probes: $(cat out)"
grep -q "^--    not probed (each needs a write, and --deep only reads): invoice lines without item_id" out ||
	fail "what is not probed: $(cat out)"
# An app that ignores a filter: the probe sees rows for a value no record holds.
ctl POST /transaction_filters '{"ignore":["reference_number"]}' >/dev/null
finsync_exit 0 check --deep job.json
grep -q "^probe reference_number filter: GET /invoices?reference_number=<a value no record holds> answered [1-9][0-9]* rows: the filter is ignored; finsync finds a deal's transactions by reference_number" out ||
	fail "an ignored filter: $(cat out)"
ctl DELETE /transaction_filters >/dev/null
# Without --deep, no probe.
finsync_exit 0 check job.json
! grep -q "^probe " out || fail "probes without --deep: $(cat out)"

# Zoho Billing: no vendors, no deals; an empty organisation cannot tell.
write_job bil.json zoho-billing '{"customers":{"crm_module":"accounts"}}'
sed -i 's|"state_dir": "state"|"state_dir": "state-bil"|' bil.json
finsync_exit 0 check --deep bil.json
grep -qF "probe custom-field filter: cannot tell: /customers lists no records; finsync adopts" out || fail "billing: $(cat out)"
grep -qF "probe list rows: cannot tell: /customers lists no records" out || fail "billing rows: $(cat out)"
assert_eq 4 "$(grep -c '^probe ' out)" "billing probes (Billing automates deals: its invoice filters are probed too): $(cat out)"

# Read-only, every request of every check: GETs, and the token refreshes.
assert_eq "GET POST /oauth/v2/token" "$(ctl GET /requests | jq -r '[.requests[] | if .method == "GET" then "GET" else "\(.method) \(.path)" end] | unique | join(" ")')" \
	"requests made by check --deep"
