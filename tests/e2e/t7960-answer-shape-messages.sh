#!/bin/sh
test_description='error texts: a finance list whose list is not a list, and a CRM answer that is not JSON, are said as such (exit 3), never "code 0: success" or a status glued to the body'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

ctl POST /faults '{"kind":"status","status":200,"path_prefix":"/books/v3/contacts","method":"GET","count":1,"body":{"code":0,"message":"success","contacts":"oops"}}' >/dev/null
finsync_exit 3 run job.json
grep -qF "zoho-books: GET /contacts: HTTP 200, but 'contacts' is a string, not a list" err || fail "finance list: $(cat err)"
ctl DELETE /faults >/dev/null

ctl POST /faults '{"kind":"status","status":200,"path_prefix":"/crm/v8/Accounts","method":"GET","count":1,"raw":"{\"data\":[{\"id\":\"1\","}' >/dev/null
finsync_exit 3 run job.json
grep -qF 'zoho-crm: cannot read Accounts: HTTP 200, an answer that is not JSON: {"data":[{"id":"1",' err || fail "crm: $(cat err)"
ctl DELETE /faults >/dev/null
run_ok job.json
