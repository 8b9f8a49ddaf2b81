#!/bin/sh
test_description='customers and vendors apart: with the undocumented contact_type filter ignored (the sandbox default) or honoured, each row is sorted by its own contact_type, so both ways a Books vendor never becomes a CRM Account nor a customer a CRM Vendor'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

crm() { ctl GET "/store/crm/$1" | jq -c '.records'; }
count() { crm "$1" | jq --arg f "$2" --arg v "$3" '[.[] | select(.[$f] == $v)] | length'; }

for honour in false true; do
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	ctl POST /readings '{"honour_contact_type":'"$honour"'}' >/dev/null
	ctl POST /finance/books/contacts '{"data":[
		{"contact_name":"Finance-Only Traders","contact_type":"customer","customer_sub_type":"business"},
		{"contact_name":"Finance Vendor Co","contact_type":"vendor"}]}' >/dev/null
	write_job job.json zoho-books '{"customers":{"crm_module":"accounts","extent":"both_ways"},"vendors":{"extent":"both_ways"}}'
	run_ok job.json
	assert_eq 1 "$(count Accounts Account_Name "Finance-Only Traders")" "honour=$honour: customer -> Account"
	assert_eq 0 "$(count Vendors Vendor_Name "Finance-Only Traders")" "honour=$honour: customer not a Vendor"
	assert_eq 1 "$(count Vendors Vendor_Name "Finance Vendor Co")" "honour=$honour: vendor -> Vendor"
	assert_eq 0 "$(count Accounts Account_Name "Finance Vendor Co")" "honour=$honour: vendor not an Account"
	assert_eq 0 "$(count Vendors Vendor_Name "Northwind Traders")" "honour=$honour: seeded customer not a Vendor"
	assert_eq vendor "$(store books contacts | jq -r '.[] | select(.contact_name == "Finance Vendor Co") | .contact_type')" "honour=$honour: the vendor stays a vendor"
	# The snapshots hold their own kind only.
	grep -q "vendors: 1 existing records" run.err || fail "honour=$honour: vendors snapshot: $(grep existing run.err)"
	grep -q "customers: 3 existing records" run.err || fail "honour=$honour: customers snapshot: $(grep existing run.err)"
	seq=$(last_seq)
	run_ok job.json
	assert_eq 0 "$(writes_since "$seq")" "honour=$honour: writes on the second run"
done
