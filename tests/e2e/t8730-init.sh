#!/bin/sh
test_description='init: a starting job with "//" comments; --sandbox writes one that passes check and runs against the sandbox for every app; an existing file is never replaced; the production template names its placeholders'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
export FINSYNC_SANDBOX_URL="$SANDBOX_URL"

finsync_exit 0 init --sandbox
grep -q "^wrote job.json: a starting job for books against a local finsync-sandbox" "$WORK/out" || fail "init: $(cat "$WORK/out")"
grep -q "export FINSYNC_SANDBOX_URL=" "$WORK/out" || fail "no guidance: $(cat "$WORK/out")"
jq -e '."//" | length > 0' job.json >/dev/null || fail "no comment in the job"
assert_eq 5 "$(grep -c '"//"' job.json)" "comments: top, crm, finance, sync, customers"
finsync_exit 0 check job.json
grep -q "^ok   job: 'sandbox' (job.json) is valid" "$WORK/out" || fail "check: $(cat "$WORK/out")"
finsync_exit 0 run job.json
assert_eq 6 "$(ledger_query state-sandbox "select count(*) from events where entity = 'customers' and action = 'create'")" "customers created"
[ "$(store_count books contacts '.custom_field_hash.cf_crm_id != null')" -ge 6 ] || fail "customers in the sandbox's Books"

# Never over an existing file: the file stays byte for byte.
cp job.json before.json
finsync_exit 2 init --app invoice
grep -qF "cannot write 'job.json': File exists; finsync init never replaces a file" "$WORK/err" || fail "overwrite: $(cat "$WORK/err")"
cmp -s before.json job.json || fail "job.json changed"

# Every app's sandbox job passes check.
for app in invoice billing inventory; do
	finsync_exit 0 init --sandbox --app "$app" -o "$app.json"
	sed -i "s/\"state-sandbox\"/\"state-$app\"/; s/\"job\": \"sandbox\"/\"job\": \"$app\"/" "$app.json"
	finsync_exit 0 check "$app.json"
	grep -q "^ok   finance: " "$WORK/out" || fail "$app: $(cat "$WORK/out")"
done
jq -e '.sync | has("vendors") | not' billing.json >/dev/null || fail "billing has no vendors"

# The production template: valid JSON, the placeholders named by the first check.
mkdir prod
finsync_exit 0 init -o prod/nightly.json
jq -e '.finance.type == "zoho-books" and (.crm.api_base | startswith("https://www.zohoapis.com/"))' prod/nightly.json >/dev/null ||
	fail "template: $(cat prod/nightly.json)"
finsync_exit 2 check prod/nightly.json
grep -q "finance.organization_id: must be the organisation id" "$WORK/out" "$WORK/err" || fail "placeholder: $(cat "$WORK/out" "$WORK/err")"

# "//" is a comment only where the keys are the job file's own, not among data keys.
jq '.sync.customers.field_map = {"//": "Website"}' job.json >bad.json
finsync_exit 2 check bad.json
grep -q "field_map" "$WORK/out" "$WORK/err" || fail "comment in field_map: $(cat "$WORK/out" "$WORK/err")"
