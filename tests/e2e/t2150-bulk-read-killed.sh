#!/bin/sh
test_description='crm.read bulk: a run killed while it waits for and downloads a Bulk Read result leaves no download behind; the next run stages and loads every account once'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /bulk_read '{"added_ms": 20, "in_progress_ms": 50, "page_size": 400}' >/dev/null
jq -n '{data: [range(0; 1200) | {id: ("41508680006" + (. + 100000000 | tostring)),
	Account_Name: "Killed Account \(.)", Billing_City: "Springfield"}]}' >accounts.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @accounts.json \
	"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot seed accounts"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
jq '.crm.read = "bulk"' job.json >job.tmp && mv job.tmp job.json

# Every Bulk Read answer comes 0.4 s late: the kill lands while finsync polls or downloads.
ctl POST /faults '{"kind":"delay","delay_ms":400,"path_prefix":"/crm/bulk/v8/read"}' >/dev/null
"$BUILD/finsync" run job.json >run1.out 2>run1.err &
pid=$!
i=0
until ctl GET /requests | jq -e '[.requests[] | select(.path | endswith("/result"))] | length >= 2' >/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "no second download: $(cat run1.err)"
	kill -0 $pid 2>/dev/null || fail "the run ended before the kill: $(cat run1.err)"
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null || true
[ -z "$(find state -name '.bulk-read-*')" ] || fail "a download was left behind: $(find state -name '.bulk-read-*')"
assert_eq 2 "$(store books contacts | jq length)" "customers in Books after the kill (the extract had not finished)"

ctl DELETE /faults >/dev/null
run_ok job.json
assert_eq 1208 "$(store books contacts | jq length)" "customers in Books (2 existing + 1,206)"
assert_eq 1208 "$(store books contacts | jq '[.[].contact_name] | unique | length')" "no customer twice"
[ -z "$(find state -name '.bulk-read-*')" ] || fail "a download was left behind by the second run"
