#!/bin/sh
test_description='sandbox: OAuth token endpoint errors, the 10-per-10-minutes throttle (HTTP 200), 15 live tokens, expiry, log redaction, start-up and shut-down'
. "$(dirname "$0")/lib.sh"

B="$WORK/body"

# --- a bad seed file is named with its JSON position; exit 2
mkdir -p "$WORK/badseed"
cp -r "$FIXTURES/base/." "$WORK/badseed/"
printf '[{"id": "4150868000000087001", "Account_Name": "x",]\n' >"$WORK/badseed/crm/Accounts.json"
expect_exit 2 "$BUILD/finsync-sandbox" --seed "$WORK/badseed" --quiet 2>"$WORK/err" >/dev/null
grep -q "crm/Accounts.json" "$WORK/err" || fail "bad seed not named: $(cat "$WORK/err")"
grep -q "line 1, column" "$WORK/err" || fail "no JSON position: $(cat "$WORK/err")"
expect_exit 2 "$BUILD/finsync-sandbox" --seed "$WORK/nowhere" 2>/dev/null >/dev/null
expect_exit 2 "$BUILD/finsync-sandbox" --bogus 2>/dev/null >/dev/null

sandbox_start "$FIXTURES/base"
grep -q "^finsync-sandbox: listening on http://127.0.0.1:$SANDBOX_PORT\$" "$WORK/sandbox.out" ||
	fail "no listening line"

# token [curl args]: POST to the token endpoint; prints the status
token() {
	curl -s -o "$B" -w '%{http_code}' -X POST "$@"
}
Q="$SANDBOX_URL/oauth/v2/token?grant_type=refresh_token"
CRM="client_id=1000.SANDBOXCRM&client_secret=$FINSYNC_CRM_CLIENT_SECRET"

# --- errors come back as HTTP 200 with {"error": …}
assert_eq 200 "$(token "$Q&client_id=1000.NOPE&client_secret=x&refresh_token=y")" "unknown client"
assert_eq invalid_client "$(jq -r .error "$B")" "unknown client error"
assert_eq 200 "$(token "$Q&client_id=1000.SANDBOXCRM&client_secret=wrong&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN")" "wrong secret"
assert_eq invalid_client_secret "$(jq -r .error "$B")" "wrong secret error"
assert_eq 200 "$(token "$Q&$CRM&refresh_token=1000.other")" "wrong refresh token"
assert_eq invalid_code "$(jq -r .error "$B")" "wrong refresh token error"
assert_eq 200 "$(token "$Q&$CRM&refresh_token=$FINSYNC_FIN_REFRESH_TOKEN")" "other client's refresh token"
assert_eq invalid_code "$(jq -r .error "$B")" "other client's refresh token error"

# --- success, as query parameters or as a form body
assert_eq 200 "$(token "$Q&$CRM&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN")" "refresh"
assert_eq "Bearer 3600 $SANDBOX_URL" "$(jq -r '"\(.token_type) \(.expires_in) \(.api_domain)"' "$B")" "token fields"
TOK=$(jq -r .access_token "$B")
echo "$TOK" | grep -Eq '^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$' || fail "token shape '$TOK'"
assert_eq 200 "$(token "$SANDBOX_URL/oauth/v2/token" -d grant_type=refresh_token -d client_id=1000.SANDBOXFIN \
	-d "client_secret=$FINSYNC_FIN_CLIENT_SECRET" -d "refresh_token=$FINSYNC_FIN_REFRESH_TOKEN")" "form body"
FTOK=$(jq -r .access_token "$B")
[ "$FTOK" != null ] || fail "form body gave no token"

# --- one token works for every API
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/crm/v8/org")" "crm with token"
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/books/v3/items?organization_id=10234695")" "books with crm client token"
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Bearer $FTOK" -H 'X-com-zoho-invoice-organizationid: 10234695' "$SANDBOX_URL/invoice/v3/items")" "Bearer prefix"
assert_eq 401 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: $TOK" "$SANDBOX_URL/crm/v8/org")" "no prefix"

# --- the throttle: 10 token requests per refresh token in 10 minutes
for i in 2 3 4 5 6 7 8 9 10; do
	assert_eq 200 "$(token "$Q&$CRM&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN")" "refresh $i"
	jq -e .access_token "$B" >/dev/null || fail "refresh $i gave no token"
done
assert_eq 200 "$(token "$Q&$CRM&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN")" "11th refresh (Kaizen #43: still 200)"
assert_eq 'Access Denied' "$(jq -r .error "$B")" "throttle error"
assert_eq 'You have made too many requests continuously. Please try again after some time.' \
	"$(jq -r .error_description "$B")" "throttle description"
assert_eq 200 "$(token "$Q&client_id=1000.SANDBOXFIN&client_secret=$FINSYNC_FIN_CLIENT_SECRET&refresh_token=$FINSYNC_FIN_REFRESH_TOKEN")" "other refresh token not throttled"
assert_eq '10 2' "$(ctl GET /oauth | jq -r '"\(.refreshes["1000.SANDBOXCRM"]) \(.refreshes["1000.SANDBOXFIN"])"')" "refresh counters"
ctl GET /oauth | grep -q sandbox-crm-secret && fail "secret on the control endpoint"
ctl POST /clock '{"advance":601}' >/dev/null
assert_eq 200 "$(token "$Q&$CRM&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN")" "after the window"
TOK=$(jq -r .access_token "$B")

# --- expiry
assert_eq 200 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/crm/v8/org")" "fresh token"
ctl POST /clock '{"advance":3601}' >/dev/null
assert_eq 401 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/crm/v8/org")" "expired token (crm)"
assert_eq INVALID_TOKEN "$(jq -r .code "$B")" "expired code"
assert_eq 401 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/books/v3/items?organization_id=10234695")" "expired token (books)"
assert_eq 57 "$(jq -r .code "$B")" "expired finance code"
ctl DELETE /oauth >/dev/null
assert_eq 200 "$(token "$Q&$CRM&refresh_token=$FINSYNC_CRM_REFRESH_TOKEN")" "after reset"
TOK=$(jq -r .access_token "$B")
ctl POST /oauth '{"expire_tokens":true}' >/dev/null
assert_eq 401 "$(curl -s -o "$B" -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/crm/v8/org")" "expired by control"

# --- at most 15 live access tokens per refresh token (Kaizen #43): the 16th deletes the oldest
ctl POST /oauth '{"token_ttl":100000}' >/dev/null
ctl DELETE /oauth >/dev/null
live() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Zoho-oauthtoken $1" "$SANDBOX_URL/crm/v8/org"; }
FIRST=$(fresh_token crm)
for i in $(seq 2 15); do
	[ $((i % 10)) -eq 0 ] && ctl POST /clock '{"advance":601}' >/dev/null
	fresh_token crm >/dev/null
done
assert_eq 200 "$(live "$FIRST")" "the first of 15 live tokens"
fresh_token crm >/dev/null
assert_eq 401 "$(live "$FIRST")" "the first token after a 16th"
ctl POST /oauth '{"token_ttl":3600}' >/dev/null

# --- the request log: secrets redacted, no Authorization, control calls not logged
ctl GET /requests >"$WORK/log"
grep -q sandbox-crm-secret "$WORK/log" && fail "client secret in the request log"
grep -q 1000.sandbox-crm-refresh "$WORK/log" && fail "refresh token in the request log"
grep -q "$TOK" "$WORK/log" && fail "access token in the request log"
jq -e '.requests[] | select(.api == "oauth") | select(.query | contains("client_secret=REDACTED"))' "$WORK/log" >/dev/null ||
	fail "no redacted oauth entry"
jq -e '[.requests[] | select(.path | startswith("/__control"))] | length == 0' "$WORK/log" >/dev/null ||
	fail "control calls logged"
last=$(jq '.requests[-1].seq' "$WORK/log")
assert_eq 0 "$(ctl GET "/requests?since=$last" | jq '.requests | length')" "since"
ctl DELETE /requests >/dev/null
assert_eq 0 "$(ctl GET /requests | jq '.requests | length')" "log cleared"

# --- SIGTERM: a clean exit 0
sandbox_stop_clean
echo ok
