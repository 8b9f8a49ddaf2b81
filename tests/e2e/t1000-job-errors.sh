#!/bin/sh
test_description='job file: every error exits 2 before any work and names the key'
. "$(dirname "$0")/lib.sh"

SANDBOX_URL=http://127.0.0.1:9   # never contacted: each job below is refused first

# check_job_error SYNC_JSON EXPECTED_TEXT [APP]
check_job_error() {
	write_job "$WORK/job.json" "${3:-zoho-books}" "$1"
	expect_exit 2 finsync run "$WORK/job.json" 2>"$WORK/err"
	grep -qF -- "$2" "$WORK/err" || { cat "$WORK/err" >&2; fail "message lacks '$2'"; }
	[ ! -e "$WORK/state/ledger.sqlite" ] || fail "a refused job created a ledger"
}

check_job_error '{"items":{"on_duplicate":"merge"}}' "sync.items.on_duplicate: unknown value 'merge' (skip, clone, overwrite)"
check_job_error '{"items":{"on_dupe":"skip"}}' "sync.items.on_dupe: unknown key"
check_job_error '{"vendors":{}}' "sync.vendors: zoho-invoice has no vendors" zoho-invoice
check_job_error '{"vendors":{}}' "sync.vendors: zoho-billing has no vendors" zoho-billing
check_job_error '{"customers":{"crm_module":"leads"}}' "sync.customers.crm_module: unknown value 'leads'"
check_job_error '{"customers":{"field_map":{"fax_number":"Fax"}}}' "sync.customers.field_map.fax_number"
check_job_error '{"customers":{"views":{"Products":"1"}}}' "sync.customers.views.Products"
check_job_error '{"customers":{"field_map":["Fax"]}}' "sync.customers.field_map: must be an object of finance field to CRM field"
check_job_error '{"customers":{"field_map":{"website":""}}}' "sync.customers.field_map.website: must be a CRM field API name"
check_job_error '{"customers":{"field_owner":{"website":"crm"}}}' "sync.customers.field_owner: only with extent both_ways"
check_job_error '{"customers":{"extent":"both_ways","field_owner":{"website":"me"}}}' "sync.customers.field_owner.website: must be \"crm\" or \"finance\""
check_job_error '{"customers":{},"pricebooks":true}' "sync.pricebooks: unknown key (did you mean 'price_books'?)"
check_job_error '{"customers":{},"deals":{},"sumary":{}}' "sync.sumary: unknown key (did you mean 'summary'?)"
check_job_error '{"customers":{"extnt":"both_ways"}}' "sync.customers.extnt: unknown key (did you mean 'extent'?)"
check_job_error '{"customers":{},"deals":{"automat":"invoice"}}' "sync.deals.automat: unknown key (did you mean 'automate'?)"
check_job_error '{"customers":{},"bogus":1}' "sync.bogus: unknown key"
check_job_error '{}' "sync: names no entity"

# A pace beyond any API's: refused, instead of a pacing slot per request of the minute.
write_job "$WORK/job.json" zoho-books
jq '.finance.requests_per_minute = 100000000' "$WORK/job.json" >"$WORK/pace.json"
expect_exit 2 finsync run "$WORK/pace.json" 2>"$WORK/err"
grep -qF "finance.requests_per_minute: must be from 0 (no pacing) to 60000" "$WORK/err" || fail "pace: $(cat "$WORK/err")"

# Malformed JSON: the message names the line.
printf '{\n  "job": "x",\n  "crm": {,\n}\n' >"$WORK/bad.json"
expect_exit 2 finsync run "$WORK/bad.json" 2>"$WORK/err"
grep -q "bad.json' line 3" "$WORK/err" || fail "malformed JSON: no line number"

# A literal secret is refused; so is a secret file others can read.
write_job "$WORK/job.json" zoho-books
sed 's/"client_secret_env": "FINSYNC_CRM_CLIENT_SECRET"/"client_secret": "hunter2"/' "$WORK/job.json" >"$WORK/literal.json"
expect_exit 2 finsync run "$WORK/literal.json" 2>"$WORK/err"
grep -q "crm.client_secret: a literal secret in the job file is refused" "$WORK/err" || fail "literal secret accepted"
grep -q hunter2 "$WORK/err" && fail "the secret was echoed"
echo sandbox-crm-secret >"$WORK/secret"
chmod 644 "$WORK/secret"
sed 's/"client_secret_env": "FINSYNC_CRM_CLIENT_SECRET"/"client_secret_file": "secret"/' "$WORK/job.json" >"$WORK/file.json"
expect_exit 2 finsync run "$WORK/file.json" 2>"$WORK/err"
grep -q "crm.client_secret_file: '.*secret' is readable by group or others" "$WORK/err" || fail "readable secret file accepted"
unset FINSYNC_CRM_REFRESH_TOKEN
expect_exit 2 finsync run "$WORK/job.json" 2>"$WORK/err"
grep -q "crm.refresh_token_env: environment variable 'FINSYNC_CRM_REFRESH_TOKEN' is not set" "$WORK/err" || fail "unset env var not named"
