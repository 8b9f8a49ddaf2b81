#!/bin/sh
test_description='crm.read auto: with the listing wall lowered to 1,000, the Accounts listing meets PAGINATION_LIMIT_EXCEEDED and goes on by Bulk Read; every account is staged and created once'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /bulk_read '{"list_wall": 1000, "page_size": 700, "added_ms": 20, "in_progress_ms": 50}' >/dev/null

jq -n '{data: [range(0; 2500) | {id: ("41508680001" + (. + 100000000 | tostring)),
	Account_Name: ("Wall Account \(.)"), Industry: "Retail", Billing_City: "Springfield"}]}' >accounts.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @accounts.json \
	"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot seed accounts"

# The wall as Zoho answers it: a listing past it is refused.
token=$(curl -sf -X POST "$SANDBOX_URL/oauth/v2/token" -d grant_type=refresh_token -d client_id=1000.SANDBOXCRM \
	-d client_secret=sandbox-crm-secret -d refresh_token=1000.sandbox-crm-refresh | jq -r .access_token)
code=$(curl -s -H "Authorization: Zoho-oauthtoken $token" \
	"$SANDBOX_URL/crm/v8/Accounts?fields=Account_Name&per_page=200&page=6" | jq -r .code)
assert_eq PAGINATION_LIMIT_EXCEEDED "$code" "page 6 of 200 past a wall of 1,000"
assert_eq 2508 "$(curl -sf -H "Authorization: Zoho-oauthtoken $token" "$SANDBOX_URL/crm/v8/Accounts/actions/count" | jq .count)" \
	"the record count"
ctl DELETE /requests >/dev/null

write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
run_ok job.json
grep -q 'PAGINATION_LIMIT_EXCEEDED.*Bulk Read' run.err || fail "the switch is not said: $(cat run.err)"

reqs=$(ctl GET /requests)
# The wall (1,000) comes before the listing's count check (at 2,000 records): no count.
assert_eq 0 "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Accounts/actions/count")] | length')" "count calls"
assert_eq 1 "$(echo "$reqs" | jq '[.requests[] | select(.path == "/crm/v8/Accounts" and .status == 400)] | length')" \
	"listings refused at the wall"
assert_eq 4 "$(echo "$reqs" | jq '[.requests[] | select(.method == "POST" and .path == "/crm/bulk/v8/read")] | length')" \
	"Bulk Read jobs (2,508 records, 700 a job)"
assert_eq 4 "$(echo "$reqs" | jq '[.requests[] | select(.path | endswith("/result"))] | length')" "downloads"
# The second job onwards start from the previous job's next_page_token, not a page number.
job2=$(echo "$reqs" | jq -r '[.requests[] | select(.method == "GET" and (.path | test("^/crm/bulk/v8/read/[0-9]+$")))][-1].path')
token=$(curl -sf -X POST "$SANDBOX_URL/oauth/v2/token" -d grant_type=refresh_token -d client_id=1000.SANDBOXCRM \
	-d client_secret=sandbox-crm-secret -d refresh_token=1000.sandbox-crm-refresh | jq -r .access_token)
curl -sf -H "Authorization: Zoho-oauthtoken $token" "$SANDBOX_URL$job2" | jq -e '.data[0].query.page_token | length > 0' >/dev/null ||
	fail "the last job was not made with a page_token"
assert_eq 2508 "$(zcat state/staging/1/extract/accounts.ndjson.gz | wc -l)" "staged accounts"
assert_eq 2508 "$(zcat state/staging/1/extract/accounts.ndjson.gz | jq -r .id | sort -u | wc -l)" "distinct staged accounts"
[ ! -e state/staging/1/extract/accounts.invalid.ndjson.gz ] || fail "records refused: $(zcat state/staging/1/extract/accounts.invalid.ndjson.gz)"
assert_eq 2506 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "linked (2 duplicates skipped)"
assert_eq 2508 "$(store books contacts | jq length)" "customers in Books (2 existing + 2,506)"
assert_eq 2508 "$(store books contacts | jq '[.[].contact_name] | unique | length')" "no customer twice in Books"

# The sandbox's download limit as Zoho documents it: 10 in a minute, the 11th is 429 TOO_MANY_REQUESTS.
# The run made 4; 6 more pass, the next is refused.  The ZIP holds one CSV named after the job.
n=4
while [ $n -lt 10 ]; do
	curl -sf -o result.zip -H "Authorization: Zoho-oauthtoken $token" "$SANDBOX_URL$job2/result" || fail "download $((n + 1)) refused"
	n=$((n + 1))
done
status=$(curl -s -o over.json -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $token" "$SANDBOX_URL$job2/result")
assert_eq 429 "$status" "the 11th download in a minute"
assert_eq TOO_MANY_REQUESTS "$(jq -r .code over.json)" "its code"
python3 -c 'import sys, zipfile; z = zipfile.ZipFile("result.zip"); print(" ".join(z.namelist()))' >names
assert_eq "$(basename "$job2").csv" "$(cat names)" "the ZIP's members"
