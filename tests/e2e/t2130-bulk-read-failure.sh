#!/bin/sh
test_description='crm.read bulk: a Bulk Read job that ends in FAILURE stops the run with exit 3 and a message naming the job and the module; nothing is loaded'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
ctl POST /bulk_read '{"added_ms": 20, "in_progress_ms": 50, "fail": true}' >/dev/null

write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
jq '.crm.read = "bulk"' job.json >job.tmp && mv job.tmp job.json
before=$(store books contacts | jq length)
finsync_exit 3 run job.json
grep -q 'Bulk Read job [0-9]* of Accounts failed in the CRM (state FAILURE)' err || fail "unclear message: $(cat err)"
assert_eq "$before" "$(store books contacts | jq length)" "customers in Books"
[ -z "$(find state -name '.bulk-read-*')" ] || fail "a download was left behind"

# A bad crm.read is refused naming the key.
jq '.crm.read = "fast"' job.json >bad.json
finsync_exit 2 run bad.json
grep -q 'crm.read' err || fail "the key is not named: $(cat err)"

# The next run, once the CRM works again, reads and loads.
ctl POST /bulk_read '{"fail": false}' >/dev/null
run_ok job.json
[ "$(store books contacts | jq length)" -gt "$before" ] || fail "nothing loaded after the failure"
