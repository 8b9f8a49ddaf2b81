#!/bin/sh
test_description='rerun: no CRM change writes nothing; a changed account is updated, a new one created'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true},"vendors":{},"items":{}}'
run_ok job.json
before=$(store books contacts | jq -S 'sort_by(.contact_id)')
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "writes on a rerun"
assert_eq "$before" "$(store books contacts | jq -S 'sort_by(.contact_id)')" "finance records after a rerun"
grep -q "customers: 0 added, 0 updated" run.out || fail "rerun summary: $(cat run.out)"
# Read in full (--full ignores the watermark), every record is unchanged: still no write.
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on a full rerun"
grep -q "customers: 0 added, 0 updated, 8 unchanged" run.out || fail "full rerun summary: $(cat run.out)"

# One account changes its website, one is new.
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087006","Account_Name":"Umbrella Holdings","Website":"https://umbrella.example.com","Industry":"Healthcare"},
	{"id":"4150868000000087099","Account_Name":"Tyrell Corporation","Industry":"Technology"}]}' >/dev/null
seq=$(last_seq)
run_ok job.json
assert_eq 2 "$(writes_since "$seq")" "writes after two changes"
assert_eq "https://umbrella.example.com" "$(store books contacts | jq -r '.[] | select(.contact_name == "Umbrella Holdings") | .website')" "update applied"
assert_eq "update|ledger" "$(ledger_query state "select action || '|' || match from events where crm_id = '4150868000000087006' order by id desc limit 1")" "update event"
assert_eq 1 "$(names books contacts | grep -c '^Tyrell Corporation$')" "new account created once"
