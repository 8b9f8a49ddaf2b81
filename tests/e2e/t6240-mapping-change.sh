#!/bin/sh
test_description='a mapping change reaches every record: after a field_map change the next (incremental) run plans every linked record again and updates each once (a dry run shows the count first); the run after sends nothing'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
run_ok job.json
grep -q "mapping changed" run.out && fail "first run: $(cat run.out)"
linked=$(ledger_query state "select count(*) from links where entity = 'customers' and state = 'linked'")
[ "$linked" -ge 5 ] || fail "only $linked customers linked"
fp1=$(ledger_query state "select fingerprint from mappings where entity = 'customers'")
[ -n "$fp1" ] || fail "no mapping fingerprint after the first load"
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "writes of a night with no change"

# Every account has an Industry; the new mapping sends it to cf_industry.
jq '.sync.customers.field_map = {"cf_industry": "Industry"}' job.json >job.tmp && mv job.tmp job.json
seq=$(last_seq)
finsync_exit 0 run --dry-run job.json
head -n 1 out | grep -qx "customers: mapping changed: $linked linked records will be re-planned" ||
	fail "the dry run does not say the count first: $(cat out)"
grep -q "customers: would be 0 added, $linked updated" out || fail "dry-run plan: $(cat out)"
assert_eq 0 "$(writes_since "$seq")" "writes of the dry run"
assert_eq "$fp1" "$(ledger_query state "select fingerprint from mappings where entity = 'customers'")" "fingerprint after the dry run"

seq=$(last_seq)
run_ok job.json
grep -q "customers: mapping changed: $linked linked records will be re-planned" run.out || fail "run: $(cat run.out)"
grep -q "customers: 0 added, $linked updated" run.out || fail "not every linked record was updated: $(cat run.out)"
assert_eq "$linked" "$(writes_since "$seq")" "writes after the mapping change"
for id in $(ledger_query state "select crm_id from links where entity = 'customers' and state = 'linked'"); do
	want=$(ctl GET /store/crm/Accounts | jq -r --arg id "$id" '.records[] | select(.id == $id) | .Industry')
	got=$(store books contacts | jq -r --arg id "$id" '.[] | select(.custom_field_hash.cf_crm_id == $id) | .custom_field_hash.cf_industry')
	assert_eq "$want" "$got" "cf_industry of $id"
done
[ "$fp1" != "$(ledger_query state "select fingerprint from mappings where entity = 'customers'")" ] ||
	fail "the fingerprint did not change"

# Once: the next run reads only what changed and sends nothing.
seq=$(last_seq)
run_ok job.json
grep -q "mapping changed" run.out && fail "the change was seen twice: $(cat run.out)"
grep -q "reading changes since" run.err || fail "the run after is not incremental: $(cat run.err)"
assert_eq 0 "$(writes_since "$seq")" "writes of the run after"
