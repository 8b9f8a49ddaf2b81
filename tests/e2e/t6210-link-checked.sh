#!/bin/sh
test_description='a link is checked: a linked customer deleted in the finance app is created again (missing from the snapshot, or its update answered "does not exist"), with the reason in its event; nothing is counted without an answer'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
NORTHWIND=4150868000000087003

# delete_in_app SHORT BASE CRM_ID: deletes the linked customer as a user of the finance app would.
delete_in_app() {
	fid=$(ledger_query state "select finance_id from links where entity = 'customers' and crm_id = '$3'")
	curl -sf -o /dev/null -X DELETE -H "Authorization: Zoho-oauthtoken $(fresh_token fin)" -H "X-com-zoho-invoice-organizationid: 10234695" \
		"$SANDBOX_URL/$2/contacts/$fid?organization_id=10234695" || fail "$1: cannot delete contact $fid"
	assert_eq 0 "$(store "$1" contacts | jq --arg c "$3" '[.[] | select(.custom_field_hash.cf_crm_id == $c)] | length')" "$1: deleted"
	echo "$fid"
}

# check_recreated SHORT CRM_ID OLD_FINANCE_ID: one record again, linked, its event says why.
check_recreated() {
	assert_eq 1 "$(store "$1" contacts | jq --arg c "$2" '[.[] | select(.custom_field_hash.cf_crm_id == $c)] | length')" "$1: records of $2"
	new=$(store "$1" contacts | jq -r --arg c "$2" '.[] | select(.custom_field_hash.cf_crm_id == $c) | .contact_id')
	assert_eq "$new" "$(ledger_query state "select finance_id from links where entity = 'customers' and crm_id = '$2'")" "$1: the link follows the new record"
	ev=$(ledger_query state "select action || '|' || finance_id || '|' || reason from events where run_id = (select max(id) from runs) and crm_id = '$2'")
	assert_eq "create|$new|the linked finance record $3 no longer exists; created again" "$ev" "$1: the record's event"
}

for app in zoho-books zoho-invoice; do
	short=${app#zoho-}
	case $short in books) base=books/v3 ;; *) base=invoice/v3 ;; esac
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	write_job job.json "$app" '{"customers":{"crm_module":"accounts"}}'
	run_ok job.json

	# 1. Missing from the snapshot: the transform plans a create; the load sends it.
	old=$(delete_in_app "$short" "$base" "$NORTHWIND")
	seq=$(last_seq)
	run_ok job.json --full
	grep -q "customers: 1 added, 0 updated" run.out || fail "$short: summary: $(cat run.out)"
	assert_eq 1 "$(writes_since "$seq")" "$short: writes of the full run"
	check_recreated "$short" "$NORTHWIND" "$old"

	# 2. In the snapshot, deleted before the load: the update is answered 1002; created again.
	ctl POST /crm/Accounts '{"data":[{"id":"'$NORTHWIND'","Account_Name":"Northwind Traders","Website":"https://northwind.example"}]}' >/dev/null
	finsync extract job.json >/dev/null 2>&1 || fail "$short: extract"
	finsync transform job.json >/dev/null 2>&1 || fail "$short: transform"
	old=$(delete_in_app "$short" "$base" "$NORTHWIND")
	finsync load job.json >out 2>err || fail "$short: load exited $?: $(cat err)"
	assert_eq "1|0|0" "$(ledger_query state "select added || '|' || updated || '|' || failed from run_stats where run_id = (select max(id) from runs) and entity = 'customers' and stage = 'load'")" "$short: load stats"
	check_recreated "$short" "$NORTHWIND" "$old"
	assert_eq "https://northwind.example" "$(store "$short" contacts | jq -r --arg c "$NORTHWIND" '.[] | select(.custom_field_hash.cf_crm_id == $c) | .website')" "$short: the change reached the new record"

	# And the next run sends nothing.
	seq=$(last_seq)
	run_ok job.json --full
	assert_eq 0 "$(writes_since "$seq")" "$short: writes after recreating"
done
