#!/bin/sh
test_description='job: values that go into a URL or a header are checked at load (exit 2, nothing sent): crm_id_field with CR LF, organization_id not digits, an api_base or accounts_url with a query or a user name; resync takes digits only'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
seq=$(last_seq)

# refused JQ_EDIT KEY MESSAGE: the edited job stops at load naming KEY.
refused() {
	jq "$1" job.json >bad.json
	finsync_exit 2 run bad.json
	grep -qF "$2: $3" "$WORK/err" || fail "$2: $(cat "$WORK/err")"
}
refused '.finance.crm_id_field = "cf_crm_id\r\nX-Injected: yes"' finance.crm_id_field "must be a custom field's API name"
refused '.finance.organization_id = "10234695&x=1"' finance.organization_id "must be the organisation id, digits only"
refused '.crm.api_base += "?token=x"' crm.api_base "must be a plain URL without a query"
refused '.finance.accounts_url = "https://user:pw@accounts.zoho.com"' finance.accounts_url "must be a plain URL without a query"
refused '.crm.accounts_url = "accounts.zoho.com"' crm.accounts_url "must start with https://"
finsync_exit 2 resync job.json customers "4150868000000087001/../1"
grep -q "is not a CRM record id (digits only)" "$WORK/err" || fail "resync: $(cat "$WORK/err")"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '.requests | length')" "requests sent"
echo ok
