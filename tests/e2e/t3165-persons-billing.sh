#!/bin/sh
test_description='Billing: a customer is created without persons (its page has no contact_persons), then each person goes to /customers/{id}/contactpersons; persons keep their contactperson_id across updates; a moved contact leaves its old customer'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-billing '{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true}}'
jq '.overlap_seconds = 0' job.json >job.tmp && mv job.tmp job.json
ACME=4150868000000087001 INITECH=4150868000000087005 JOHN=4150868000000088002 PETER=4150868000000088005

crm_edit() {
	rec=$(ctl GET "/store/crm/$1" | jq -c ".records[] | select(.id == \"$2\") | $3 | del(.Modified_Time)")
	ctl POST "/crm/$1" "{\"data\":[$rec]}" >/dev/null
	sleep 1
}
customer() { store billing customers | jq -c ".[] | select(.custom_field_hash.cf_crm_id == \"$1\")"; }
emails() { customer "$1" | jq -r '[.contactpersons[].email] | sort | join(" ")'; }
pid() { customer "$1" | jq -r ".contactpersons[] | select(.email == \"$2\") | .contactperson_id"; }
requests() { ctl GET "/requests?since=$1" | jq -c "[.requests[] | select(.api == \"billing\" and .method != \"GET\") | \"\\(.method) \\(.path)\"]"; }

seq=$(last_seq)
run_ok job.json
acme_id=$(customer "$ACME" | jq -r .customer_id)
assert_eq "jane.doe@acme.example.com john.smith@acme.example.com" "$(emails "$ACME")" "Acme's persons"
assert_eq 0 "$(customer "$ACME" | jq '.contact_persons // [] | length')" "no contact_persons on the customer"
requests "$seq" | jq -e "index(\"POST /billing/v1/customers/$acme_id/contactpersons\") != null" >/dev/null ||
	fail "Acme's persons not posted to its contactpersons: $(requests "$seq")"
# An individual (an orphan contact) is its own person: its keys are the customer's.
assert_eq "olivia.orphan@example.net 0" "$(customer 4150868000000088009 | jq -r '"\(.email) \(.contactpersons | length)"')" "an individual"
jane=$(pid "$ACME" jane.doe@acme.example.com) john=$(pid "$ACME" john.smith@acme.example.com)
assert_eq "$john" "$(ledger_query state "select finance_person_id from person_links where crm_contact_id = '$JOHN'")" "John's link"

# The account changes: its customer is written, none of its persons.
crm_edit Accounts "$ACME" '.Phone = "+1 555 9999"'
seq=$(last_seq)
run_ok job.json
assert_eq "[\"PUT /billing/v1/customers/$acme_id\"]" "$(requests "$seq")" "writes when only the account changed"

# A contact changes: its person is updated in place.
crm_edit Contacts "$JOHN" '.Email = "john@acme-new.example.com"'
seq=$(last_seq)
run_ok job.json
assert_eq "[\"PUT /billing/v1/customers/$acme_id/contactpersons/$john\"]" "$(requests "$seq")" "writes when one contact changed"
assert_eq "$jane $john" "$(pid "$ACME" jane.doe@acme.example.com) $(pid "$ACME" john@acme-new.example.com)" "ids kept"

# Peter moves from Initech to Acme.
initech_id=$(customer "$INITECH" | jq -r .customer_id)
peter=$(pid "$INITECH" peter.gibbons@initech.example.com)
crm_edit Contacts "$PETER" ".Account_Name = {\"id\":\"$ACME\",\"name\":\"Acme Ltd\"}"
seq=$(last_seq)
run_ok job.json
requests "$seq" | jq -e "index(\"DELETE /billing/v1/customers/$initech_id/contactpersons/$peter\") != null" >/dev/null ||
	fail "Peter not deleted from Initech: $(requests "$seq")"
assert_eq "milton@initech.example.com" "$(emails "$INITECH")" "Initech's persons"
assert_eq "jane.doe@acme.example.com john@acme-new.example.com peter.gibbons@initech.example.com" "$(emails "$ACME")" "Acme's persons"
seq=$(last_seq)
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on a full run with no change"
