#!/bin/sh
test_description='load: a bad CSV row (no CRM id) recorded before the load was cut off is not recorded again when the load is finished'
. "$(dirname "$0")/lib.sh"
export FINSYNC_RETRY_BASE_MS=50    # the cut-off load gives up in well under a second
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"clone"},"items":{}}'
jq '.crm = {"type": "csv", "dir": "export"}' job.json >j.tmp && mv j.tmp job.json
mkdir export
cp "$FIXTURES/csv/Products.csv" export/
printf 'id,Account_Name,Modified_Time\r\n4150868000900000001,CsvCo 1,2026-11-01T09:15:00+05:30\r\nid,Account_Name,Modified_Time\r\n4150868000900000003,CsvCo 3,2026-11-01T09:15:00+05:30\r\n' >export/Accounts.csv

# Customers load (with the bad row's invalid event); then the finance app stops answering item creates (upserts: PUT).
ctl POST /faults '{"kind":"drop","path_prefix":"/books/v3/items","method":"PUT"}' >/dev/null
expect_exit 3 finsync run job.json >run1.out 2>run1.err
assert_eq 1 "$(ledger_query state "select count(*) from events where action = 'invalid'")" "invalid events after the cut"

# The load is finished: customers are resumed, the row without an id is known by its reason, not recorded twice.
ctl DELETE /faults >/dev/null
expect_exit 1 finsync load job.json >load.out 2>load.err
grep -q "customers: resuming the interrupted load of run 1" load.err || fail "no resume: $(cat load.err)"
assert_eq 1 "$(ledger_query state "select count(*) from events where action = 'invalid'")" "invalid events after the resume"
assert_eq 1 "$(ledger_query state "select failed from run_stats where entity = 'customers' and stage = 'load'")" "customers failed once"
assert_eq 2 "$(names books contacts | grep -c '^CsvCo [13]$')" "each customer once"
[ "$(ledger_query state "select count(*) from events where entity = 'items' and action = 'create'")" -ge 1 ] ||
	fail "items not created by the finished load: $(cat load.err)"
