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
expect_refresh_throttle job.json 10 0
