#!/bin/sh
test_description='views: a CRM custom view limits the accounts synced'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","views":{"Accounts":"4150868000000087501"}}}'
run_ok job.json

# The view 'Retail customers' holds Acme Ltd, Globex (a duplicate of an
# existing customer, skipped) and Wayne Enterprises.
assert_eq "Acme Ltd
Wayne Enterprises" "$(names books contacts '.custom_field_hash.cf_crm_id != null')" "accounts of the view"
ctl GET /requests | jq -r '.requests[] | select(.path == "/crm/v8/Accounts") | .query' | grep -q 'cvid=4150868000000087501' ||
	fail "the view was not asked for"
assert_eq 3 "$(zcat state/staging/1/extract/accounts.ndjson.gz | wc -l)" "staged accounts"
