#!/bin/sh
test_description='sandbox: the CRM v8 API is as strict as Zoho (fields, paging, tokens, 204/304, per-row results)'
. "$(dirname "$0")/lib.sh"

sandbox_start "$FIXTURES/base"
TOK=$(curl -sf -X POST "$SANDBOX_URL/oauth/v2/token?grant_type=refresh_token&client_id=1000.SANDBOXCRM&client_secret=$FINSYNC_CRM_CLIENT_SECRET&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN" | jq -r .access_token)
[ -n "$TOK" ] && [ "$TOK" != null ] || fail "no access token"
B="$WORK/body"

# api METHOD PATH [curl args]: prints the HTTP status, body in $B
api() {
	m=$1 p=$2
	shift 2
	curl -s -o "$B" -w '%{http_code}' -X "$m" -H "Authorization: Zoho-oauthtoken $TOK" \
		"$@" "$SANDBOX_URL/crm/v8$p"
}

# --- auth and routing
st=$(curl -s -o "$B" -w '%{http_code}' -H 'Authorization: Zoho-oauthtoken 1000.nope.nope' "$SANDBOX_URL/crm/v8/Accounts?fields=Account_Name")
assert_eq 401 "$st" "bad token"
assert_eq INVALID_TOKEN "$(code)" "bad token code"
st=$(curl -s -o "$B" -w '%{http_code}' "$SANDBOX_URL/crm/v8/Accounts?fields=Account_Name")
assert_eq 401 "$st" "no token"
assert_eq 400 "$(api GET '/Nope?fields=Name')" "unknown module"
assert_eq INVALID_MODULE "$(code)" "unknown module code"
assert_eq 404 "$(api GET '/Accounts/1/2/3')" "unknown path"
assert_eq INVALID_URL_PATTERN "$(code)" "unknown path code"
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer $TOK" "$SANDBOX_URL/crm/v8/org")" "Bearer accepted"
assert_eq USD "$(code '.org[0].iso_code')" "org currency"

# --- fields is mandatory, limited and checked
assert_eq 400 "$(api GET /Accounts)" "no fields"
assert_eq REQUIRED_PARAM_MISSING "$(code)" "no fields code"
assert_eq fields "$(code .details.param_name)" "no fields names the param"
many=$(seq 1 51 | sed 's/.*/Account_Name/' | paste -sd, -)
assert_eq 400 "$(api GET "/Accounts?fields=$many")" "51 fields"
assert_eq LIMIT_EXCEEDED "$(code)" "51 fields code"
assert_eq 400 "$(api GET '/Accounts?fields=Account_Name,No_Such_Field')" "unknown field"
assert_eq INVALID_DATA "$(code)" "unknown field code"
assert_eq No_Such_Field "$(code .details.api_name)" "unknown field named"
assert_eq 400 "$(api GET '/Accounts?fields=Account_Name&per_page=201')" "per_page 201"
assert_eq 200 "$(api GET '/Accounts?fields=Customer_Tier')" "field from crm/fields.json"

# --- a page: requested fields plus id, absent as null, stable order
assert_eq 200 "$(api GET '/Accounts?fields=Account_Name,Website&per_page=3&sort_order=asc')" "first page"
assert_eq '["Account_Name","Website","id"]' "$(jq -c '.data[0] | keys_unsorted' "$B")" "projection"
assert_eq 'Acme Ltd' "$(code '.data[0].Account_Name')" "asc by id"
assert_eq true "$(code .info.more_records)" "more records"
assert_eq string "$(code '.info.next_page_token | type')" "next token"
assert_eq 200 "$(api GET '/Accounts?fields=Website&ids=4150868000000087006')" "ids"
assert_eq null "$(code '.data[0].Website')" "absent value is null"

# --- views
assert_eq 200 "$(api GET '/Accounts?fields=Account_Name&cvid=4150868000000087501')" "cvid"
assert_eq 3 "$(jq '.data | length' "$B")" "Retail view"
assert_eq 400 "$(api GET '/Accounts?fields=Account_Name&cvid=4150868000000087501&sort_by=id')" "cvid+sort_by"
assert_eq AMBIGUITY_DURING_PROCESSING "$(code)" "cvid+sort_by code"
assert_eq 400 "$(api GET '/Accounts?fields=Account_Name&cvid=123')" "unknown cvid"
assert_eq 400 "$(api GET '/settings/custom_views')" "custom views needs module"
assert_eq REQUIRED_PARAM_MISSING "$(code)" "custom views code"
assert_eq 200 "$(api GET '/settings/custom_views?module=Accounts')" "custom views"
assert_eq 'Retail customers' "$(code '.custom_views[0].name')" "view name"
assert_eq 200 "$(api GET '/settings/fields?module=Contacts')" "fields meta"
assert_eq lookup "$(jq -r '.fields[] | select(.api_name=="Account_Name") | .data_type' "$B")" "lookup type"

# --- 204, 304, If-Modified-Since inclusive
assert_eq 204 "$(api GET '/Deals?fields=Deal_Name')" "empty module"
[ ! -s "$B" ] || fail "204 has a body"
assert_eq 304 "$(api GET '/Accounts?fields=Account_Name' -H 'If-Modified-Since: 2027-01-01T00:00:00+00:00')" "nothing modified"
assert_eq 200 "$(api GET '/Accounts?fields=Account_Name' -H 'If-Modified-Since: 2026-03-05T18:10:00+05:30')" "inclusive"
assert_eq 'Wayne Enterprises' "$(code '.data[0].Account_Name')" "inclusive match"
assert_eq 400 "$(api GET '/Accounts?fields=Account_Name' -H 'If-Modified-Since: yesterday')" "bad If-Modified-Since"

# --- 2000-record page limit and a page_token walk over 2150 records
seq 1 2150 | jq -R -s -c '{data: [split("\n")[] | select(length > 0) |
	{Deal_Name: ("Deal " + .), Stage: "Qualification", Amount: (tonumber * 10)}]}' >"$WORK/deals.json"
assert_eq 2150 "$(curl -sf -H 'Content-Type: application/json' --data-binary @"$WORK/deals.json" \
	"$SANDBOX_URL/__control/crm/Deals" | jq .count)" "control insert"
assert_eq 200 "$(api GET '/Deals?fields=Deal_Name&page=10&per_page=200')" "page 10"
assert_eq 400 "$(api GET '/Deals?fields=Deal_Name&page=11&per_page=200')" "page 11"
assert_eq DISCRETE_PAGINATION_LIMIT_EXCEEDED "$(code)" "page 11 code"
assert_eq 400 "$(api GET '/Deals?fields=Deal_Name&page=1&page_token=abc')" "page with page_token"
assert_eq INVALID_REQUEST "$(code)" "page with page_token code"
assert_eq 400 "$(api GET '/Deals?fields=Deal_Name&page_token=not-a-token')" "garbage token"
assert_eq INVALID_DATA "$(code)" "garbage token code"
: >"$WORK/ids"
q='fields=Deal_Name,Amount&sort_by=Modified_Time&sort_order=asc'
assert_eq 200 "$(api GET "/Deals?$q")" "walk start"
pages=1
while :; do
	jq -r '.data[].id' "$B" >>"$WORK/ids"
	[ "$(code .info.more_records)" = true ] || break
	tok=$(code .info.next_page_token)
	assert_eq 200 "$(api GET "/Deals?$q&page_token=$tok")" "walk page $pages"
	pages=$((pages + 1))
	assert_eq "$pages" "$(code .info.page)" "page keeps counting"
done
assert_eq 11 "$pages" "pages walked"
assert_eq 2150 "$(sort -u "$WORK/ids" | wc -l | tr -d ' ')" "every record once"
assert_eq 400 "$(api GET "/Deals?fields=Deal_Name&sort_by=Modified_Time&sort_order=asc&page_token=$tok")" "changed params"
assert_eq TOKEN_BOUND_DATA_MISMATCH "$(code)" "changed params code"

# --- writes: per-row results and the overall status
body='{"data":[{"Account_Name":"Brand New Ltd","Industry":"Retail"},{"Account_Name":"acme ltd"},{"Phone":"+1 555"},{"Account_Name":"X","Bogus":1}]}'
assert_eq 207 "$(api POST /Accounts --data-binary "$body")" "mixed insert"
assert_eq 'SUCCESS record added' "$(code '.data[0] | .code + " " + .message')" "row 0"
assert_eq DUPLICATE_DATA "$(code '.data[1].code')" "row 1 duplicate (case-insensitive)"
assert_eq '$.data[1].Account_Name' "$(code '.data[1].details.json_path')" "row 1 json_path"
assert_eq 4150868000000087001 "$(code '.data[1].details.duplicate_record.id')" "row 1 duplicate id"
assert_eq MANDATORY_NOT_FOUND "$(code '.data[2].code')" "row 2 mandatory"
assert_eq INVALID_DATA "$(code '.data[3].code')" "row 3 unknown field"
new_id=$(code '.data[0].details.id')
assert_eq 201 "$(api POST /Accounts --data-binary '{"data":[{"Account_Name":"Second New Ltd"}]}')" "all inserted"
assert_eq 400 "$(api POST /Accounts --data-binary '{"data":[{"Account_Name":"Initech"}]}')" "all failed"
assert_eq 400 "$(api POST /Deals --data-binary '{"data":[{"Deal_Name":"No stage"}]}')" "deal needs stage"
assert_eq Stage "$(code '.data[0].details.api_name')" "deal stage named"
rows=$(seq 1 101 | jq -R -s -c '{data: [split("\n")[] | select(length > 0) | {Account_Name: ("Bulk " + .)}]}')
assert_eq 400 "$(api POST /Accounts --data-binary "$rows")" "101 rows"
assert_eq LIMIT_EXCEEDED "$(code)" "101 rows code"
assert_eq 200 "$(api PUT "/Accounts/$new_id" --data-binary '{"data":[{"Phone":"+1 555 7777"}]}')" "update by id"
assert_eq 'record updated' "$(code '.data[0].message')" "updated"
assert_eq 207 "$(api PUT /Accounts --data-binary '{"data":[{"id":"'"$new_id"'","Website":"https://x.example"},{"id":"1","Website":"y"}]}')" "bulk update"
assert_eq 'the id given seems to be invalid' "$(code '.data[1].message')" "bad id"
assert_eq 200 "$(api GET "/Accounts/$new_id")" "get one"
assert_eq '+1 555 7777 https://x.example' "$(code '.data[0] | .Phone + " " + .Website')" "updates kept"
case $(code '.data[0].Modified_Time') in *+00:00) ;; *) fail "Modified_Time not +00:00" ;; esac
assert_eq 400 "$(api GET /Accounts/123)" "unknown id"
body='{"data":[{"Last_Name":"Doe","First_Name":"Janet","Email":"JANE.DOE@acme.example.com"},{"Last_Name":"Newman","Email":"newman@example.com","Account_Name":{"id":"4150868000000087005"}}]}'
assert_eq 201 "$(api POST /Contacts/upsert --data-binary "$body")" "upsert"
assert_eq 'update Email' "$(code '.data[0] | .action + " " + .duplicate_field')" "upsert update"
assert_eq insert "$(code '.data[1].action')" "upsert insert"
assert_eq Initech "$(ctl GET /store/crm/Contacts | jq -r '.records[] | select(.Last_Name=="Newman") | .Account_Name.name')" "lookup resolved"
assert_eq 'Janet Doe' "$(ctl GET /store/crm/Contacts | jq -r '.records[] | select(.id=="4150868000000088001") | .Full_Name')" "Full_Name"

# --- search
assert_eq 200 "$(api GET '/Accounts/search?criteria=((Industry:equals:Retail)and(Account_Name:starts_with:acme))')" "search"
assert_eq 'Acme Ltd' "$(code '.data[0].Account_Name')" "search hit"
assert_eq 204 "$(api GET '/Accounts/search?criteria=(Account_Name:equals:Nobody\(here\))')" "search miss"
assert_eq 400 "$(api GET '/Accounts/search?criteria=Account_Name:equals:x')" "bad criteria"
assert_eq 200 "$(api GET '/Contacts/search?email=jane.doe@acme.example.com')" "search by email"

# --- deleted records
ctl DELETE /crm/Vendors/4150868000000090003 >/dev/null
assert_eq 200 "$(api GET '/Vendors/deleted?type=all')" "deleted"
assert_eq 'Cable Masters recycle' "$(code '.data[0] | .display_name + " " + .type')" "deleted entry"
assert_eq 400 "$(api GET '/Vendors/deleted?type=bin')" "bad deleted type"
assert_eq PATTERN_NOT_MATCHED "$(code)" "bad type code"
assert_eq 204 "$(api GET '/Products/deleted')" "nothing deleted"
assert_eq 304 "$(api GET '/Vendors/deleted' -H 'If-Modified-Since: 2030-01-01T00:00:00+00:00')" "deleted since"
assert_eq 400 "$(api GET /Vendors/4150868000000090003)" "deleted record is gone"
# --- SIGTERM: a clean exit 0 (under ASan this also proves no leaks)
sandbox_stop_clean
echo ok
