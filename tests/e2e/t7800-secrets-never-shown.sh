#!/bin/sh
test_description='secrets: the token refresh sends its secrets in a form body, never the URL; a dropped token request is sent again; with the accounts server unreachable no secret reaches stderr, the ledger, status or any history format'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
export FINSYNC_RETRY_BASE_MS=20
SECRETS="$FINSYNC_CRM_CLIENT_SECRET $FINSYNC_CRM_REFRESH_TOKEN $FINSYNC_FIN_CLIENT_SECRET $FINSYNC_FIN_REFRESH_TOKEN"

# no_secret FILE WHAT: none of the four secrets (nor a client_secret= parameter) in FILE.
no_secret() {
	for s in $SECRETS client_secret= refresh_token=; do
		grep -aqF -- "$s" "$1" && fail "$2 shows '$s': $(grep -aF -- "$s" "$1" | head -c 400)"
	done
	return 0
}

# --- a dropped token request is sent again: the run completes
ctl POST /faults '{"kind":"drop","path_prefix":"/oauth/v2/token","count":1}' >/dev/null
run_ok job.json
assert_eq 6 "$(store_count books contacts '.custom_field_hash.cf_crm_id != null')" "customers created after the retry"
ctl GET /requests >log.json
# Two refreshes went through (crm, finance) plus the dropped one; none carried a parameter in its URL.
assert_eq 3 "$(jq '[.requests[] | select(.api == "oauth")] | length' log.json)" "token requests"
assert_eq 0 "$(jq '[.requests[] | select(.api == "oauth") | select(.query != "")] | length' log.json)" \
	"token requests with a query string"
no_secret run.err "stderr of the run"
ctl DELETE /faults >/dev/null

# --- the accounts server unreachable: exit 3 after the retries, no secret anywhere
mkdir other && cd other
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
jq '.crm.accounts_url = "http://127.0.0.1:9"' job.json >j && mv j job.json
expect_exit 3 finsync run job.json >out 2>err
grep -q "cannot authenticate: zoho-crm: POST /oauth/v2/token: .* (after 6 attempts)" err ||
	fail "no authentication error: $(cat err)"
no_secret err "stderr"
no_secret out "stdout"
assert_eq aborted "$(ledger_query state 'select status from runs')" "run status"
ledger_query state 'select error from runs' | grep -q "POST /oauth/v2/token" || fail "runs.error: $(ledger_query state 'select error from runs')"
# The whole ledger file (every table, free pages too) and the state dir.
for f in state/*; do [ -f "$f" ] && no_secret "$f" "$f"; done
unset FINSYNC_CRM_CLIENT_SECRET FINSYNC_CRM_REFRESH_TOKEN FINSYNC_FIN_CLIENT_SECRET FINSYNC_FIN_REFRESH_TOKEN
finsync status job.json >status.out 2>&1 || true
grep -q aborted status.out || fail "status does not show the run: $(cat status.out)"
no_secret status.out "status"
for format in table csv json html; do
	finsync history job.json --format "$format" -o "history.$format" 2>err || fail "history $format: $(cat err)"
	case $format in json|html) grep -q "oauth/v2/token" "history.$format" || fail "history $format does not show the error" ;; esac
	no_secret "history.$format" "history --format $format"
done
echo ok
