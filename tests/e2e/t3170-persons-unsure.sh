#!/bin/sh
test_description='a contact person POST whose answer is cut (it may have been applied) is looked up among the customer'"'"'s persons before anything else: one person, linked, nothing sent twice'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts"}}'
ACME=4150868000000087001 NEW=4150868000000088077
acme() { store books contacts | jq -c ".[] | select(.custom_field_hash.cf_crm_id == \"$ACME\")"; }

run_ok job.json
# A new contact joins Acme; the POST of its person is applied but its answer is cut.
ctl POST /crm/Contacts "{\"data\":[{\"id\":\"$NEW\",\"First_Name\":\"Nina\",\"Last_Name\":\"New\",
	\"Email\":\"nina@acme.example.com\",\"Account_Name\":{\"id\":\"$ACME\",\"name\":\"Acme Ltd\"}}]}" >/dev/null
sleep 1
ctl POST /faults '{"kind":"cut","path_prefix":"/books/v3/contacts/contactpersons","method":"POST","count":1}' >/dev/null
run_ok job.json
grep -q "was added without an answer; found it as" run.err || fail "the cut answer was not looked up: $(cat run.err)"
nina=$(acme | jq -r '.contact_persons[] | select(.email == "nina@acme.example.com") | .contact_person_id')
assert_eq 3 "$(acme | jq '.contact_persons | length')" "Acme's persons (Nina once)"
assert_eq "$nina" "$(ledger_query state "select finance_person_id from person_links where crm_contact_id = '$NEW'")" "Nina's link"
seq=$(last_seq)
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on the next full run"
assert_eq 3 "$(acme | jq '.contact_persons | length')" "Acme's persons at the end"
