# txn-lib.sh - helpers of the transaction tests (sourced after lib.sh, with the
# sandbox started): the finance API, CRM reads, links and request counts.
TOK=$(fresh_token fin) CTOK=$(fresh_token crm)
books() {       # books METHOD PATH [BODY]: the finance API, its answer on stdout
	curl -s -X "$1" -H "Authorization: Zoho-oauthtoken $TOK" -H 'Content-Type: application/json' \
		${3:+--data-binary "$3"} "$SANDBOX_URL/books/v3$2?organization_id=10234695"
}
crm_get() { curl -s -H "Authorization: Zoho-oauthtoken $CTOK" "$SANDBOX_URL/crm/v8/$1"; }
crm_all() { ctl GET "/store/crm/$1" | jq -c '.records'; }
product_of() { ledger_query state "select crm_id from links where entity = 'items' and finance_id = '$1'"; }
quote() { crm_user_edit Quotes quote "$@"; }       # quote ID JQ: a user edits a CRM quote
crm_writes_since() { ctl GET "/requests?since=$1" | jq '[.requests[] | select(.api == "crm" and .method != "GET")] | length'; }
# kill_during_post PATH_PREFIX CHECK [SKIP]: a run of job.json whose POST under PATH_PREFIX (after
# SKIP others) is answered late, killed (-9) once the shell command CHECK prints 1 (the record is made).
kill_during_post() {
	ctl POST /faults '{"kind":"delay","delay_ms":3000,"path_prefix":"'"$1"'","method":"POST","skip":'"${3:-0}"',"count":1}' >/dev/null
	"$BUILD/finsync" run job.json >run.out 2>run.err &
	pid=$!
	i=0
	until [ "$(eval "$2")" = 1 ] || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -9 $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	ctl DELETE /faults >/dev/null
}
