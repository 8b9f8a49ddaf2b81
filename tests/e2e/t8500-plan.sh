#!/bin/sh
test_description='plan: record counts equal the sandbox'"'"'s, it writes nothing (no request but reads, no ledger, the ledger unchanged), its predicted calls are within 5 % of those a full run then makes, history shows both, hours and days follow the pace and budget, and a CSV source is counted by its rows'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/demo"
SYNC='{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true},"items":{},"vendors":{}}'
write_job job.json zoho-books "$SYNC"

crm_n() { ctl GET "/store/crm/$1" | jq '.records | length'; }
reads_only() { ctl GET "/requests?since=$1" | jq '[.requests[] | select(.api != "oauth" and .method != "GET")] | length'; }
calls_of() { ctl GET "/requests?since=$1" | jq --arg a "$2" '[.requests[] | select(.api == $a)] | length'; }

# A job that never ran: the plan makes no ledger and sends nothing but reads.
seq=$(last_seq)
finsync_exit 0 plan --format json job.json
cp "$WORK/out" plan.json
[ ! -e state/ledger.sqlite ] || fail "plan made a ledger"
assert_eq 0 "$(reads_only "$seq")" "writes sent by plan"
assert_eq '["calls","days","finance","hours","modules"]' "$(jq -c 'keys' plan.json)" "plan keys"
assert_eq '["crm","finance"]' "$(jq -c '.calls | keys' plan.json)" "calls keys"
for m in Accounts Contacts Products Vendors; do
	assert_eq "$(crm_n $m)" "$(jq ".modules.$m" plan.json)" "records of $m"
done
assert_eq "$(store_count books contacts '.contact_type == "customer"')" "$(jq .finance.customers plan.json)" "finance customers"
assert_eq "$(store_count books contacts '.contact_type == "vendor"')" "$(jq .finance.vendors plan.json)" "finance vendors"
assert_eq "$(store_count books items)" "$(jq .finance.items plan.json)" "finance items"
assert_eq "null null" "$(jq -r '"\(.hours) \(.days)"' plan.json)" "unpaced, no budget: hours and days null"
assert_eq 4 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.path | endswith("/actions/count"))] | length')" "one count call per module"

# The full run it planned: calls per API within 5 %.
seq=$(last_seq)
run_ok job.json
for api in crm:crm books:finance; do
	made=$(calls_of "$seq" "${api%%:*}")
	planned=$(jq ".calls.${api#*:}" plan.json)
	[ $(( (planned - made) * 100 )) -le $(( 5 * made )) ] && [ $(( (made - planned) * 100 )) -le $(( 5 * made )) ] ||
		fail "${api#*:}: planned $planned, made $made: more than 5 % apart"
done
# History: the calls the run made, exactly as the sandbox saw them (its count calls included), and its prediction.
made_all=$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api != "oauth")] | length')
finsync_exit 0 history --format json job.json
assert_eq "$made_all" "$(jq '.[0].calls.made' "$WORK/out")" "history: calls made"
planned=$(jq '.[0].calls.planned' "$WORK/out")
[ "$planned" != null ] && [ $(( (planned - made_all) * 100 )) -le $(( 5 * made_all )) ] &&
	[ $(( (made_all - planned) * 100 )) -le $(( 5 * made_all )) ] || fail "history: planned $planned, made $made_all"
finsync_exit 0 history --format csv job.json
head -1 "$WORK/out" | tr -d "\r" | grep -q ',calls_planned,calls_made$' || fail "csv header: $(head -1 "$WORK/out")"
assert_eq "$planned,$made_all" "$(sed -n 2p "$WORK/out" | tr -d "\r" | awk -F, '{print $(NF-1) "," $NF}')" "csv calls"
finsync_exit 0 history job.json
head -1 "$WORK/out" | grep -q 'calls_planned  calls_made$' || fail "table header: $(head -1 "$WORK/out")"

# After the run: the ledger is not touched (no run row, same bytes of every table), and nothing is written.
before=$(sqlite3 state/ledger.sqlite .dump | md5sum)
seq=$(last_seq)
finsync_exit 0 plan job.json
assert_eq "$before" "$(sqlite3 state/ledger.sqlite .dump | md5sum)" "ledger after plan"
assert_eq 0 "$(reads_only "$seq")" "writes sent by plan after a run"
grep -q '^calls for a full run: CRM [0-9,]*, finance [0-9,]*$' "$WORK/out" || fail "text form: $(cat "$WORK/out")"
grep -q '^  customers    lists 1, reads_by_id 0, creates [0-9]*, updates [0-9]*, persons [0-9]*$' "$WORK/out" ||
	fail "text form, customers: $(cat "$WORK/out")"

# Paced and budgeted: hours = calls / requests_per_minute / 60, days = calls / daily_budget.
jq '.finance.requests_per_minute = 100 | .finance.daily_budget = 1000 | .state_dir = "paced"' job.json >paced.json
finsync_exit 0 plan --format json paced.json
jq -e '(.hours - (.calls.finance / 100 / 60) | fabs) < 1e-9 and (.days - (.calls.finance / 1000) | fabs) < 1e-9' \
	"$WORK/out" >/dev/null || fail "hours and days: $(cat "$WORK/out")"
finsync_exit 0 plan paced.json
grep -q '^time:     ~[0-9.]* h at 100 finance requests/min$' "$WORK/out" || fail "text time: $(cat "$WORK/out")"

# No daily_budget but a named plan: days at that plan's documented limit (Books Standard: 2,000 a day).
jq '.finance.plan = "standard" | .state_dir = "planned"' job.json >edition.json
finsync_exit 0 plan --format json edition.json
jq -e '(.days - (.calls.finance / 2000) | fabs) < 1e-9' "$WORK/out" >/dev/null || fail "days at the plan's limit: $(cat "$WORK/out")"
finsync_exit 0 plan edition.json
grep -q '^days:     [0-9.]* at the daily budget (finance 2,000 calls a day, finance.plan'"'"'s documented limit)$' "$WORK/out" ||
	fail "text days: $(cat "$WORK/out")"
jq '.finance.plan = "gold" | .state_dir = "gold"' job.json >gold.json
finsync_exit 2 plan gold.json
grep -q "finance.plan: unknown plan gold (free, standard, professional, premium, elite, ultimate)" "$WORK/err" ||
	fail "bad plan: $(cat "$WORK/err")"

# A CSV export: its rows counted, no CRM call.
mkdir csv
cp "$FIXTURES"/csv/*.csv csv/
jq --arg d "$WORK/csv" '.crm = {"type": "csv", "dir": $d} | .state_dir = "csvstate"' job.json >csvjob.json
finsync_exit 0 plan --format json csvjob.json
for m in Accounts Contacts Products Vendors; do
	rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "csv/$m.csv")
	assert_eq "$rows" "$(jq ".modules.$m" "$WORK/out")" "csv rows of $m"
done
assert_eq 0 "$(jq .calls.crm "$WORK/out")" "csv: no CRM call"

# Past the CRM's listing wall (100,000), a module is read by Bulk Read jobs of 200,000: six calls a job
# (create, four polls, download) instead of list pages.  CRM calls: the organisation, then per module
# its fields, its reading and its deleted-records feed.
python3 -c 'import json; print(json.dumps({"data": [{"Account_Name": "Wall %d" % i} for i in range(100001)]}))' >big.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @big.json "$SANDBOX_URL/__control/crm/Accounts" >/dev/null
seq=$(last_seq)
finsync_exit 0 plan --format json job.json
assert_eq "$(crm_n Accounts)" "$(jq .modules.Accounts "$WORK/out")" "records of Accounts past the wall"
assert_eq $((1 + (2 + 6) + (2 + 2) + (2 + 1) + (2 + 1))) "$(jq .calls.crm "$WORK/out")" "CRM calls with one module past the wall"
assert_eq 0 "$(reads_only "$seq")" "writes sent by plan past the wall"
finsync_exit 0 plan job.json
grep -q '^  Accounts *100,[0-9]*  (past the listing wall: 1 Bulk Read job)$' "$WORK/out" || fail "text, past the wall: $(cat "$WORK/out")"
