#!/bin/sh
test_description='tokens: the 10-refreshes-in-10-minutes throttle is counted per refresh token (under a fingerprint of it, never the token): the CRM and the finance endpoint sharing one refresh token share one count; an HTTP 200 Access Denied from the token endpoint stops the run'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
# One client and one refresh token for both APIs, the usual Self Client set-up.
jq '.finance.client_id = "1000.SANDBOXCRM" | .finance.client_secret_env = "FINSYNC_CRM_CLIENT_SECRET"
	| .finance.refresh_token_env = "FINSYNC_CRM_REFRESH_TOKEN"' job.json >j && mv j job.json
key="refresh:$(printf %s "$FINSYNC_CRM_REFRESH_TOKEN" | sha256sum | cut -c1-16)"

run_ok job.json
assert_eq "crm finance $key" "$(jq -r 'keys | join(" ")' state/tokens.json)" "token cache entries"
assert_eq 2 "$(jq --arg k "$key" '.[$k].refreshes | length' state/tokens.json)" "refreshes counted for the shared refresh token"
grep -qF "$FINSYNC_CRM_REFRESH_TOKEN" state/tokens.json && fail "the refresh token is in the cache"

# Nine refreshes in the last minutes and no access token: the CRM's refresh is the 10th, the
# finance endpoint's would be the 11th on the same refresh token, so finsync stops before it.
expect_refresh_throttle job.json 9 1
grep -q "^finsync: run: zoho-books: 10 token refreshes" err || fail "not the finance endpoint: $(cat err)"
assert_eq 10 "$(jq --arg k "$key" '.[$k].refreshes | length' state/tokens.json)" "refreshes counted"

# Another client used the refresh token up (the sandbox saw 10 refreshes): the token endpoint's
# HTTP 200 "Access Denied" is read as the throttle, and the run stops with exit 3.
ctl DELETE /oauth >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do fresh_token crm >/dev/null; done
rm state/tokens.json
finsync_exit 3 run job.json
grep -q "zoho-crm: token refresh at $SANDBOX_URL failed (HTTP 200): Access Denied: the token endpoint refuses refreshes" err ||
	fail "throttle answer not read: $(cat err)"
echo ok
