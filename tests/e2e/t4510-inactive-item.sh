#!/bin/sh
test_description='inactive items: an inactive Billing item with the name and code of a CRM product is in the snapshot (filter_by=Status.All): skipped or overwritten and linked as on_duplicate says, never a create that fails on every run'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

for policy in skip overwrite; do
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	ctl POST /finance/billing/items '{"data":[{"name":"Cable Kit","sku":"HW-CBL","rate":12,"status":"inactive"}]}' >/dev/null
	write_job job.json zoho-billing '{"items":{"on_duplicate":"'"$policy"'"}}'
	for n in 1 2; do
		run_ok job.json
		assert_eq 0 "$(ledger_query state "select count(*) from events where action = 'failed'")" "$policy run $n: failures"
	done
	assert_eq 1 "$(store billing items | jq '[.[] | select(.name == "Cable Kit")] | length')" "$policy: one Cable Kit"
	kit=$(store billing items | jq -c '.[] | select(.name == "Cable Kit")')
	if [ "$policy" = skip ]; then
		assert_eq skip "$(ledger_query state "select action from events where finance_id = '$(echo "$kit" | jq -r .item_id)' order by id desc limit 1")" "skip: the inactive item is a duplicate"
	else
		crm_id=$(ledger_query state "select crm_id from links where finance_id = '$(echo "$kit" | jq -r .item_id)'")
		[ -n "$crm_id" ] || fail "overwrite: the inactive item is not linked"
		assert_eq "$crm_id" "$(echo "$kit" | jq -r .custom_field_hash.cf_crm_id)" "overwrite: the CRM id on the item"
	fi
	seq=$(last_seq)
	run_ok job.json
	assert_eq 0 "$(writes_since "$seq")" "$policy: writes on a third run"
done
