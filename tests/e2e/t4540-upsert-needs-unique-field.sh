#!/bin/sh
test_description='sandbox upsert: PUT /contacts and PUT /items with X-Unique-Identifier-Key work only when that custom field exists on that entity and prevents duplicate values; otherwise code 2 naming the header, and nothing is written'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
# contacts: cf_crm_id without "prevent duplicate values"; items: no cf_crm_id at all.
cp -r "$FIXTURES/base" seed
jq '.contacts[0].is_unique = false | .items = []' "$FIXTURES/base/finance/custom_fields.json" >seed/finance/custom_fields.json
sandbox_start seed

TOK=$(fresh_token fin)
B=$WORK/body.json
# upsert APP RESOURCE BODY: PUT with the unique-key headers; prints the HTTP status.
upsert() {
	curl -s -o "$B" -w '%{http_code}' -X PUT -H "Authorization: Zoho-oauthtoken $TOK" \
		-H 'Content-Type: application/json' -H 'X-Unique-Identifier-Key: cf_crm_id' \
		-H 'X-Unique-Identifier-Value: 4150868000000087005' -H 'X-Upsert: true' \
		--data "$3" "$SANDBOX_URL/$1/$2?organization_id=10234695"
}
for root in books/v3 inventory/v1; do
	app=${root%%/*}
	before_c=$(store "$app" contacts | jq length)
	before_i=$(store "$app" items | jq length)
	assert_eq 400 "$(upsert "$root" contacts '{"contact_name":"Upsert Co"}')" "$app: contacts key not unique"
	assert_eq '2 Invalid value passed for X-Unique-Identifier-Key' "$(jq -r '"\(.code) \(.message)"' "$B")" "$app: contacts refusal"
	assert_eq 400 "$(upsert "$root" items '{"name":"Upsert Item","rate":1}')" "$app: items key missing"
	assert_eq '2 Invalid value passed for X-Unique-Identifier-Key' "$(jq -r '"\(.code) \(.message)"' "$B")" "$app: items refusal"
	assert_eq "$before_c $before_i" "$(store "$app" contacts | jq length) $(store "$app" items | jq length)" "$app: nothing written"
done
