#!/bin/sh
test_description='tokens: one access token per API cached in the state dir (0600) across runs; never more than 10 refreshes in 10 minutes'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
run_ok job.json
run_ok job.json
finsync extract job.json >/dev/null 2>&1 || fail "extract"
assert_eq 2 "$(ctl GET /requests | jq '[.requests[] | select(.api == "oauth")] | length')" "token requests over three runs"
assert_eq 600 "$(stat -c %a state/tokens.json)" "token cache mode"

# The secrets are nowhere in the state dir, and the tokens only in the cache.
for secret in "$FINSYNC_CRM_CLIENT_SECRET" "$FINSYNC_CRM_REFRESH_TOKEN" "$FINSYNC_FIN_CLIENT_SECRET" "$FINSYNC_FIN_REFRESH_TOKEN"; do
	if grep -rl --binary-files=text -F "$secret" state >found 2>/dev/null; then
		fail "secret found in: $(cat found)"
	fi
	for f in state/staging/*/*/*.gz; do
		zcat "$f" | grep -qF "$secret" && fail "secret in $f"
	done
done
token=$(jq -r .crm.access_token state/tokens.json)
[ -n "$token" ] && [ "$token" != null ] || fail "no cached token"
grep -rl --binary-files=text -F "$token" state | grep -v '^state/tokens.json$' && fail "access token outside the cache"
for f in state/staging/*/*/*.gz; do zcat "$f" | grep -qF "$token" && fail "access token in $f"; done

# Ten refreshes in the last ten minutes and no valid token: stop with exit 3, say when to retry.
now=$(date +%s)
# The count is kept per refresh token, under a fingerprint of it (never the token itself).
key="refresh:$(printf %s "$FINSYNC_CRM_REFRESH_TOKEN" | sha256sum | cut -c1-16)"
jq -e --arg k "$key" 'has($k)' state/tokens.json >/dev/null || fail "no refresh count under $key: $(jq -c 'keys' state/tokens.json)"
jq --argjson now "$now" --arg k "$key" '.crm = {client_id: "1000.SANDBOXCRM"} | .[$k] = {refreshes: [range(0; 10) | $now - 60 + .]}' \
	state/tokens.json >t.json && mv t.json state/tokens.json && chmod 600 state/tokens.json
seq=$(last_seq)
expect_exit 3 finsync run job.json >out 2>err
grep -q "10 token refreshes since .*; Zoho allows 10 in 10 minutes, so finsync stops here; retry after" err ||
	fail "no throttle message: $(cat err)"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api == "oauth")] | length')" "refreshes past the limit"
