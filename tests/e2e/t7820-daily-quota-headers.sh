#!/bin/sh
test_description='daily quota: X-Rate-Limit-Remaining (the organisation calls left today) too low for the next batch stops the run before the wall with exit 5, saying how many records wait; no 429 is ever asked for; the next day the run finishes, each record once'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
# The organisation, the contacts' custom fields (the pre-write check), 2 contact lists,
# 2 reads by id (the unlinked Books customers: list rows carry no custom fields) and
# 6 creates need 12 calls; the day allows 11.
sandbox_start "$FIXTURES/base" --daily-limit 11
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

expect_exit 5 finsync run job.json >out 2>err
grep -q "zoho-books: the organisation's daily API quota has 5 calls left (X-Rate-Limit-Remaining), fewer than the 6 this batch needs; it starts again in [0-9]* h [0-9]* min; 6 customers records wait for the next run" err ||
	fail "no quota message: $(cat err)"
assert_eq budget "$(ledger_query state 'select status from runs')" "run status"
assert_eq 0 "$(store_count books contacts '.custom_field_hash.cf_crm_id != null')" "created past the quota"
assert_eq 0 "$(ctl GET /requests | jq '[.requests[] | select(.status == 429)] | length')" "429 answers"
assert_eq 0 "$(ctl GET /requests | jq '[.requests[] | select(.method == "PUT")] | length')" "writes sent"

# A new day, and a day that covers the run (the two customers read yesterday are not
# read again: unchanged): it finishes, each record once.
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null
ctl POST /clock '{"advance":86400}' >/dev/null
ctl POST /limits '{"daily_limit":10}' >/dev/null
run_ok job.json
assert_eq 6 "$(store books contacts | jq '[.[] | .custom_field_hash.cf_crm_id // empty] | unique | length')" "distinct customers"
assert_eq 6 "$(store_count books contacts '.custom_field_hash.cf_crm_id != null')" "customers"
assert_eq 0 "$(ctl GET /requests | jq '[.requests[] | select(.status == 429)] | length')" "429 answers"
echo ok
