#!/bin/sh
test_description='both ways, duplicate policy on the CRM side: a finance-only customer named like a CRM account the forward plan did not see (outside the view) is skipped, cloned as "X (2)" or overwritten as on_duplicate says'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

crm() { ctl GET "/store/crm/$1" | jq -c '.records'; }
initech() { crm Accounts | jq -c '[.[] | select(.Account_Name | startswith("Initech")) | {Account_Name, Website}] | sort_by(.Account_Name)'; }

for policy in skip clone overwrite; do
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	ctl POST /finance/books/contacts '{"data":[{"contact_name":"Initech","company_name":"Initech","contact_type":"customer","customer_sub_type":"business","website":"https://fin-initech.example.com"}]}' >/dev/null
	fid=$(store books contacts | jq -r '.[] | select(.contact_name == "Initech") | .contact_id')
	crm_initech=$(crm Accounts | jq -r '.[] | select(.Account_Name == "Initech") | .id')
	# The view "Retail customers" leaves Initech (Technology) out of the forward plan.
	write_job job.json zoho-books '{"customers":{"crm_module":"accounts","extent":"both_ways","on_duplicate":"'"$policy"'","views":{"Accounts":"4150868000000087501"}}}'
	run_ok job.json
	case $policy in
	skip)
		assert_eq '[{"Account_Name":"Initech","Website":"https://initech.example.com"}]' "$(initech)" "skip: the CRM account untouched"
		assert_eq skip "$(ledger_query state "select action from events where finance_id = '$fid' order by id desc limit 1")" "skip: event"
		ledger_query state "select reason from events where finance_id = '$fid' order by id desc limit 1" | grep -q "$crm_initech" ||
			fail "skip: the reason does not name the CRM record: $(ledger_query state "select reason from events where finance_id = '$fid'")"
		assert_eq 0 "$(ledger_query state "select count(*) from links where finance_id = '$fid'")" "skip: not linked"
		assert_eq null "$(store books contacts | jq -r '.[] | select(.contact_id == "'"$fid"'") | .custom_field_hash.cf_crm_id')" "skip: no CRM id on the finance record" ;;
	clone)
		assert_eq '[{"Account_Name":"Initech","Website":"https://initech.example.com"},{"Account_Name":"Initech (2)","Website":"https://fin-initech.example.com"}]' "$(initech)" "clone: a second account"
		clone=$(crm Accounts | jq -r '.[] | select(.Account_Name == "Initech (2)") | .id')
		assert_eq "$clone" "$(ledger_query state "select crm_id from links where finance_id = '$fid'")" "clone: linked to the clone"
		assert_eq "$clone" "$(store books contacts | jq -r '.[] | select(.contact_id == "'"$fid"'") | .custom_field_hash.cf_crm_id')" "clone: its CRM id on the finance record" ;;
	overwrite)
		assert_eq '[{"Account_Name":"Initech","Website":"https://fin-initech.example.com"}]' "$(initech)" "overwrite: the CRM account updated"
		assert_eq "$crm_initech" "$(ledger_query state "select crm_id from links where finance_id = '$fid'")" "overwrite: linked to it" ;;
	esac
	seq=$(last_seq)
	run_ok job.json
	assert_eq 0 "$(writes_since "$seq")" "$policy: writes on the second run"
done
