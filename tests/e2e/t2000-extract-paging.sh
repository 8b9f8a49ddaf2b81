#!/bin/sh
test_description='extract: more than 2,000 accounts are read with page, then page_token, and all loaded'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"

# 2,150 more accounts (2,158 with the seed), through the control endpoint.
jq -n '{data: [range(0; 2150) | {id: ("41508680001" + (. + 100000000 | tostring)),
	Account_Name: ("Bulk Account \(.)"), Industry: "Retail", Phone: "+1 555 \(. + 1000)",
	Billing_City: "Springfield"}]}' >accounts.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @accounts.json \
	"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot seed accounts"

write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
run_ok job.json

reqs=$(ctl GET /requests | jq -r '.requests[] | select(.path == "/crm/v8/Accounts") | .query')
echo "$reqs" | grep -q 'page=10' || fail "no page 10: $reqs"
echo "$reqs" | grep -q 'page=11' && fail "page 11 asked for: Zoho refuses it"
echo "$reqs" | grep -q 'page_token=' || fail "no page_token after 2,000 records"
assert_eq 11 "$(echo "$reqs" | wc -l)" "list calls for 2,158 records (ceil(2158/200))"
assert_eq 2158 "$(zcat state/staging/1/extract/accounts.ndjson.gz | wc -l)" "staged accounts"
assert_eq 2158 "$(zcat state/staging/1/extract/accounts.ndjson.gz | jq -r .id | sort -u | wc -l)" "distinct staged accounts"
assert_eq 2156 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "linked (2 duplicates skipped)"
assert_eq 2158 "$(store books contacts | jq length)" "customers in Books (2 existing + 2,156)"
