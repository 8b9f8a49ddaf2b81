#!/bin/sh
test_description='tokens: an access token with CR LF (or any byte a token cannot have) in the token answer is refused with a clear error and never reaches a header; one in the token cache is not used either (a fresh one is asked for)'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

# A real token with a header appended, as a hostile or broken token endpoint would answer it.
TOK=$(fresh_token crm)
ctl POST /faults "$(jq -nc --arg t "$TOK" --arg d "$SANDBOX_URL" \
	'{kind:"status",status:200,path_prefix:"/oauth/v2/token",body:{access_token:($t+"\r\nX-Injected: yes"),expires_in:3600,api_domain:$d,token_type:"Bearer"}}')" >/dev/null
seq=$(last_seq)
expect_exit 3 finsync run job.json >out 2>err
grep -q "cannot authenticate: zoho-crm: token refresh at $SANDBOX_URL: the answer's access_token has characters a token cannot have" err ||
	fail "no refusal: $(cat err)"
grep -q "X-Injected" err && fail "the token is in the message: $(cat err)"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api != "oauth")] | length')" "API calls with the token"
[ -f state/tokens.json ] && grep -q "X-Injected" state/tokens.json && fail "the token was cached"
ctl DELETE /faults >/dev/null

# A token cache edited to carry one: not used, a fresh token is asked for, the run completes.
run_ok job.json
jq '.crm.access_token += "\r\nX-Injected: yes"' state/tokens.json >t.json && mv t.json state/tokens.json && chmod 600 state/tokens.json
seq=$(last_seq)
run_ok job.json
assert_eq 1 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api == "oauth")] | length')" "token requests"
grep -q "X-Injected" state/tokens.json && fail "the unsafe token is still cached"
echo ok
