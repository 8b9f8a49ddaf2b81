#!/bin/sh
test_description='the watermark is the CRM clock (its Date header), not this host: with the CRM 10 minutes behind, a change made after run 1 is read by run 2'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
NORTHWIND=4150868000000087003

sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'
ctl POST /clock '{"advance":-600}' >/dev/null
run_ok job.json
crm_time=$(jq -r .crm_time state/staging/1/extract/manifest.json)
[ "$crm_time" != null ] || fail "the extract noted no CRM time: $(cat state/staging/1/extract/manifest.json)"
assert_eq "$crm_time" "$(ledger_query state "select modified_since from watermarks where entity = 'customers'")" "watermark"
started=$(ledger_query state "select started_at from runs where id = 1")
lag=$(( $(date -u -d "$started" +%s) - $(date -u -d "$crm_time" +%s) ))
[ "$lag" -ge 590 ] && [ "$lag" -le 610 ] || fail "the watermark is not the CRM's clock: $crm_time, run started $started"

sleep 2
ctl GET /store/crm/Accounts | jq -c --arg id "$NORTHWIND" \
	'{data: [.records[] | select(.id == $id) | del(.Modified_Time) | .Website = "https://renamed.example"]}' >change.json
ctl POST /crm/Accounts "$(cat change.json)" >/dev/null
run_ok job.json
grep -q "customers: 0 added, 1 updated" run.out || fail "run 2 missed the change: $(cat run.out)"
assert_eq "https://renamed.example" "$(store books contacts | jq -r --arg id "$NORTHWIND" '.[] | select(.custom_field_hash.cf_crm_id == $id) | .website')" "website in Books"
