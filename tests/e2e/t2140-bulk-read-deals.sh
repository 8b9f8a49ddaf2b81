#!/bin/sh
test_description='crm.read bulk: deals and their accounts read by Bulk Read are staged as crm.read rest stages them (lookups to accounts and contacts, the owner, amounts, dates)'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
for m in rest bulk; do
	sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals"
	ctl POST /bulk_read '{"added_ms": 20, "in_progress_ms": 50}' >/dev/null
	write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"professional SERVICES"}}'
	jq --arg m $m '.crm.read = $m | .stages = ["extract"] | .state_dir = "state-\($m)"' job.json >"job-$m.json"
	run_ok "job-$m.json"
	for f in deals accounts; do
		zcat "state-$m/staging/1/extract/$f.ndjson.gz" | jq -cS 'del(.Modified_Time)' | sort >"$f-$m"
	done
	ctl GET /requests >"requests-$m.json"
	sandbox_stop
done
assert_eq 2 "$(jq '[.requests[] | select(.method == "POST" and .path == "/crm/bulk/v8/read")] | length' requests-bulk.json)" \
	"Bulk Read jobs (Accounts, Deals)"
assert_eq 0 "$(jq '[.requests[] | select(.path == "/crm/v8/Deals")] | length' requests-bulk.json)" "Deals listed with bulk"
[ "$(wc -l <deals-rest)" -ge 8 ] || fail "too few deals: $(wc -l <deals-rest)"
for f in deals accounts; do
	cmp -s "$f-rest" "$f-bulk" || { diff "$f-rest" "$f-bulk" | head -20 >&2; fail "$f: staged records differ"; }
done
grep -q '"Account_Name":{"id":"[0-9]*","name":"[^"]' deals-bulk || fail "no deal with its account as {name, id}"
