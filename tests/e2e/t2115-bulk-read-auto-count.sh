#!/bin/sh
test_description='crm.read auto: past 2,000 listed accounts the CRM record count (100,008, above the 100,000 wall) sends the extract to Bulk Read at once; every account staged once; a module under 2,000 is never counted'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /bulk_read '{"page_size": 40000, "added_ms": 20, "in_progress_ms": 50}' >/dev/null

# 100,000 more accounts (100,008 with the seed), in batches.
for b in 0 1 2 3 4; do
	jq -cn --argjson b "$b" '{data: [range($b * 20000; ($b + 1) * 20000) | {id: ("41508680005" + (. + 100000000 | tostring)),
		Account_Name: "Count Account \(.)", Billing_City: "Springfield"}]}' |
		curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- \
			"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot seed accounts"
done
ctl DELETE /requests >/dev/null

write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}, "vendors": {}}'
jq '.stages = ["extract"]' job.json >job.tmp && mv job.tmp job.json
run_ok job.json
grep -q 'Accounts: 100008 records, more than the list API.s 100000: reading the module by Bulk Read' run.err ||
	fail "the switch is not said: $(cat run.err)"

reqs=$(ctl GET /requests)
assert_eq 1 "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Accounts/actions/count")] | length')" "Accounts counts"
assert_eq 0 "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Vendors/actions/count")] | length')" "Vendors counts"
assert_eq 10 "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Accounts")] | length')" "Accounts listed (2,000 records)"
assert_eq 3 "$(echo "$reqs" | jq '[.requests[] | select(.method == "POST" and .path == "/crm/bulk/v8/read")] | length')" \
	"Bulk Read jobs (100,008 records, 40,000 a job)"
assert_eq 100008 "$(zcat state/staging/1/extract/accounts.ndjson.gz | wc -l)" "staged accounts"
assert_eq 100008 "$(zcat state/staging/1/extract/accounts.ndjson.gz | jq -r .id | sort -u | wc -l)" "distinct staged accounts"
