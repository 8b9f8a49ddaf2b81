#!/bin/sh
test_description='both ways, list rows without customer_sub_type: an individual Books customer is read by id and goes to CRM Contacts (never Accounts), and so does its later change'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","extent":"both_ways"}}'

ivy='{"contact_name":"Ivy Individual","contact_type":"customer","customer_sub_type":"individual","contact_persons":[{"first_name":"Ivy","last_name":"Individual","email":"ivy@example.net","phone":"+1 555 0100","is_primary_contact":true}]}'
ctl POST /finance/books/contacts "{\"data\":[$ivy]}" >/dev/null

crm() { ctl GET "/store/crm/$1" | jq -c '.records'; }
run_ok job.json
assert_eq "Ivy|Individual|+1 555 0100" "$(crm Contacts | jq -r '.[] | select(.Email == "ivy@example.net") | "\(.First_Name)|\(.Last_Name)|\(.Phone)"')" "individual -> Contact"
assert_eq 0 "$(crm Accounts | jq '[.[] | select(.Account_Name == "Ivy Individual")] | length')" "individual not an Account"

# A finance user changes her phone: the change goes to the same CRM Contact.
id=$(store books contacts | jq -r '.[] | select(.contact_name == "Ivy Individual") | .contact_id')
rec=$(store books contacts | jq -c '.[] | select(.contact_name == "Ivy Individual") | .contact_persons[0].phone = "+1 555 0199" | .phone = "+1 555 0199"')
ctl POST /finance/books/contacts "{\"data\":[$rec]}" >/dev/null
run_ok job.json
assert_eq "+1 555 0199" "$(crm Contacts | jq -r '.[] | select(.Email == "ivy@example.net") | .Phone')" "change -> the Contact"
assert_eq 0 "$(crm Accounts | jq '[.[] | select(.Account_Name == "Ivy Individual")] | length')" "still not an Account"
assert_eq 1 "$(ledger_query state "select count(*) from links where finance_id = '$id'")" "one link"
