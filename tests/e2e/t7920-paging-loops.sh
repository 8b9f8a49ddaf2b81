#!/bin/sh
test_description='paging: a finance list, a CRM page_token read and the CRM /deleted feed that claim more pages forever (an empty page, a repeated page, a repeated token) end with exit 3 naming the endpoint, the run aborted and the lock released; the pages asked before the stop are counted'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

# loop CASE PATH RULE MESSAGE: a run under RULE stops within seconds with MESSAGE.
loop() {
	ctl POST /faults "$3" >/dev/null
	seq=$(last_seq)
	start=$(date +%s)
	set +e
	timeout 60 "$BUILD/finsync" run job.json >out 2>err
	got=$?
	set -e
	ctl DELETE /faults >/dev/null
	[ "$got" -eq 3 ] || { cat err >&2; fail "$1: expected exit 3, got $got"; }
	[ $(( $(date +%s) - start )) -le 20 ] || fail "$1: took $(( $(date +%s) - start )) s"
	grep -qF "$4" err || fail "$1: message: $(cat err)"
	pages=$(ctl GET "/requests?since=$seq" | jq --arg p "$2" '[.requests[] | select(.method == "GET" and (.path | split("?")[0]) == $p)] | length')
	echo "$1: stopped after $pages requests of GET $2" >&2
	[ "$pages" -le "${MAX_PAGES:-3}" ] || fail "$1: $pages pages asked before the stop"
	[ ! -e state/lock ] || fail "$1: the lock was left: $(cat state/lock)"
	assert_eq aborted "$(ledger_query state 'select status from runs order by id desc limit 1')" "$1: run status"
	ledger_query state 'select error from runs order by id desc limit 1' | grep -qF "$4" || fail "$1: run error"
}

# 1. Finance list: an empty page that says more follow (the extract reads Books' contacts).
loop "finance empty page" /books/v3/contacts \
	'{"kind":"status","status":200,"path_prefix":"/books/v3/contacts","method":"GET","body":{"code":0,"message":"success","contacts":[],"page_context":{"page":1,"per_page":200,"has_more_page":true}}}' \
	"zoho-books: GET /contacts: page 1 is empty but says more records follow; stopped paging"
# 2. Finance list: the same non-empty page again and again.
loop "finance same page" /books/v3/contacts \
	'{"kind":"status","status":200,"path_prefix":"/books/v3/contacts","method":"GET","body":{"code":0,"message":"success","contacts":[{"contact_id":"460000000026049","contact_name":"Loop Co","contact_type":"customer","last_modified_time":"2026-03-01T10:15:00+0530","custom_field_hash":{}}],"page_context":{"page":1,"per_page":200,"has_more_page":true}}}' \
	"zoho-books: GET /contacts: page 2 repeats an earlier page; stopped paging"
# 3. CRM: the same page with the same next_page_token.
loop "crm page_token" /crm/v8/Accounts \
	'{"kind":"status","status":200,"path_prefix":"/crm/v8/Accounts","method":"GET","body":{"data":[{"id":"4150868000000087001","Account_Name":"Loop Co","Modified_Time":"2026-03-01T10:15:00+05:30"}],"info":{"per_page":200,"count":1,"page":1,"more_records":true,"next_page_token":"same-token"}}}' \
	"zoho-crm: GET /Accounts: page 2 repeats an earlier page; stopped paging"

# 4. CRM /deleted (read by an incremental run): one clean run first.
run_ok job.json
loop "crm deleted" /crm/v8/Accounts/deleted \
	'{"kind":"status","status":200,"path_prefix":"/crm/v8/Accounts/deleted","method":"GET","body":{"data":[{"id":"4150868000000087999","deleted_time":"2026-03-01T10:15:00+05:30","type":"recycle","deleted_by":{"name":"x","id":"1"},"display_name":"Gone"}],"info":{"per_page":200,"count":1,"page":1,"more_records":true}}}' \
	"zoho-crm: GET /Accounts/deleted: page 2 repeats an earlier page; stopped paging"

# 5. CRM records that differ on every page but name the same next_page_token: stopped at its second use.
#    (Pages 1-10 go by number; page 10's token is followed, and page 11 gives it again.)
cat >pager.py <<'PY'
import json, sys
# Eleven distinct pages, each with more_records and the same token.
for n in range(11):
    print(json.dumps({"kind": "status", "status": 200, "path_prefix": "/crm/v8/Accounts", "method": "GET", "count": 1,
        "body": {"data": [{"id": str(4150868000000090000 + n), "Account_Name": "Loop %d" % n,
                           "Modified_Time": "2026-03-01T10:15:00+05:30"}],
                 "info": {"per_page": 200, "count": 1, "page": n + 1, "more_records": True, "next_page_token": "same-token"}}}))
PY
rm -rf state
python3 pager.py | while read -r rule; do ctl POST /faults "$rule" >/dev/null; done
MAX_PAGES=11 loop "crm token reused" /crm/v8/Accounts '{"kind":"delay","delay_ms":1,"path_prefix":"/nowhere"}' \
	"zoho-crm: GET /Accounts: page 11 gives a page token already used; stopped paging"
