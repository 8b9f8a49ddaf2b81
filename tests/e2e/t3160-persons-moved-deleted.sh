#!/bin/sh
test_description='a CRM contact deleted leaves its customer, one moved to another account leaves the old customer and joins the new; the primary person follows (the oldest linked contact still there)'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts"}}'
jq '.overlap_seconds = 0' job.json >job.tmp && mv job.tmp job.json
ACME=4150868000000087001 INITECH=4150868000000087005
JANE=4150868000000088001 PETER=4150868000000088005 MILTON=4150868000000088006

crm_edit() {
	rec=$(ctl GET "/store/crm/$1" | jq -c ".records[] | select(.id == \"$2\") | $3 | del(.Modified_Time)")
	ctl POST "/crm/$1" "{\"data\":[$rec]}" >/dev/null
	sleep 1
}
customer() { store books contacts | jq -c ".[] | select(.custom_field_hash.cf_crm_id == \"$1\")"; }
emails() { customer "$1" | jq -r '[.contact_persons[].email] | sort | join(" ")'; }
primary_email() { customer "$1" | jq -r '.contact_persons[] | select(.is_primary_contact) | .email'; }
link_customer() { ledger_query state "select finance_customer_id from person_links where crm_contact_id = '$1'"; }

run_ok job.json
acme_id=$(customer "$ACME" | jq -r .contact_id) initech_id=$(customer "$INITECH" | jq -r .contact_id)
assert_eq "jane.doe@acme.example.com john.smith@acme.example.com" "$(emails "$ACME")" "Acme's persons"
assert_eq "milton@initech.example.com peter.gibbons@initech.example.com" "$(emails "$INITECH")" "Initech's persons"
assert_eq "peter.gibbons@initech.example.com" "$(primary_email "$INITECH")" "Initech's primary: its oldest contact"
peter=$(customer "$INITECH" | jq -r '.contact_persons[] | select(.first_name == "Peter") | .contact_person_id')

# Jane is deleted in the CRM: her person leaves Acme, John (the oldest left) is the primary.
ctl DELETE "/crm/Contacts/$JANE" >/dev/null
sleep 1
run_ok job.json
assert_eq "john.smith@acme.example.com" "$(emails "$ACME")" "Acme's persons after Jane's deletion"
assert_eq "john.smith@acme.example.com" "$(primary_email "$ACME")" "Acme's primary after Jane's deletion"
assert_eq "" "$(link_customer "$JANE")" "Jane's person link"
ledger_query state "select action from events where crm_id = '$JANE' order by id desc limit 1" | grep -qx person_removed ||
	fail "no person_removed event for Jane"

# Peter (Initech's primary) moves to Acme: he leaves Initech (Milton is its primary now)
# and joins Acme, whose primary stays John (linked before him).
crm_edit Contacts "$PETER" ".Account_Name = {\"id\":\"$ACME\",\"name\":\"Acme Ltd\"}"
run_ok job.json
assert_eq "milton@initech.example.com" "$(emails "$INITECH")" "Initech's persons after Peter moved"
assert_eq "milton@initech.example.com" "$(primary_email "$INITECH")" "Initech's primary after Peter moved"
assert_eq "john.smith@acme.example.com peter.gibbons@initech.example.com" "$(emails "$ACME")" "Acme's persons after Peter moved"
assert_eq "john.smith@acme.example.com" "$(primary_email "$ACME")" "Acme's primary after Peter moved"
assert_eq "$acme_id" "$(link_customer "$PETER")" "Peter's link names Acme's customer"
new_peter=$(customer "$ACME" | jq -r '.contact_persons[] | select(.first_name == "Peter") | .contact_person_id')
assert_eq "$new_peter" "$(ledger_query state "select finance_person_id from person_links where crm_contact_id = '$PETER'")" "Peter's link holds his new id"

# A full re-read agrees with all of it: nothing to write.
seq=$(last_seq)
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on a full run after the moves"

# Milton moves too and Initech is left without persons finsync added.
crm_edit Contacts "$MILTON" ".Account_Name = {\"id\":\"$ACME\",\"name\":\"Acme Ltd\"}"
run_ok job.json
assert_eq 0 "$(customer "$INITECH" | jq '.contact_persons | length')" "Initech's persons after Milton moved"
assert_eq 3 "$(customer "$ACME" | jq '.contact_persons | length')" "Acme's persons after Milton moved"
assert_eq 0 "$(ledger_query state "select count(*) from person_links where finance_customer_id = '$initech_id'")" "Initech's links"
