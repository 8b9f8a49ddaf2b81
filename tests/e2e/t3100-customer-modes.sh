#!/bin/sh
test_description='customers: accounts, contacts, accounts_and_contacts, with and without orphan contacts'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# fresh SYNC: a new sandbox (fixtures/base) and a new state dir for each mode.
fresh() {
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	write_job job.json zoho-books "$1"
}

# accounts -> business customers. 8 accounts: 'ACME  Ltd' and 'Acme Ltd' are one
# name after normalisation (the second is skipped), 'Globex Corporation'
# already exists in Books (skipped as a duplicate).
fresh '{"customers":{"crm_module":"accounts"}}'
run_ok job.json
assert_eq 8 "$(store books contacts | jq length)" "customers in Books"
assert_eq 6 "$(store books contacts | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "created with a CRM id"
assert_eq 0 "$(store books contacts | jq '[.[] | select(.customer_sub_type == "individual")] | length')" "no individuals"
assert_eq 6 "$(ledger_query state "select count(*) from links where entity='customers' and state='linked'")" "links"
assert_eq "Umbrella Holdings" "$(store books contacts | jq -r '.[] | select(.custom_field_hash.cf_crm_id == "4150868000000087006") | .contact_name')" "account by CRM id"
grep -q "customers: 6 added, 0 updated, 0 unchanged, 2 skipped (2 duplicates), 0 failed" run.out || fail "summary: $(cat run.out)"

# contacts -> individual customers, each with its primary contact person.
fresh '{"customers":{"crm_module":"contacts"}}'
run_ok job.json
assert_eq 10 "$(store books contacts | jq '[.[] | select(.customer_sub_type == "individual")] | length')" "individuals"
jane=$(store books contacts | jq -c '.[] | select(.contact_name == "Jane Doe")')
assert_eq "jane.doe@acme.example.com" "$(echo "$jane" | jq -r '.contact_persons[0].email')" "Jane's person email"
assert_eq "Acme Ltd" "$(echo "$jane" | jq -r '.company_name')" "Jane's company"

# accounts_and_contacts -> business customers carrying their contacts as persons;
# contacts without an account are not synced by default.
fresh '{"customers":{"crm_module":"accounts_and_contacts"}}'
run_ok job.json
initech=$(store books contacts | jq -c '.[] | select(.contact_name == "Initech")')
assert_eq "Milton Waddams,Peter Gibbons" "$(echo "$initech" | jq -r '[.contact_persons[] | .first_name + " " + .last_name] | sort | join(",")')" "Initech's persons"
assert_eq 1 "$(echo "$initech" | jq '[.contact_persons[] | select(.is_primary_contact)] | length')" "one primary person"
assert_eq 0 "$(store books contacts | jq '[.[] | select(.customer_sub_type == "individual")] | length')" "orphans left out"
grep -q "customers: 6 added" run.out || fail "summary: $(cat run.out)"

# ... and with include_orphan_contacts the two orphans become individuals.
fresh '{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true}}'
run_ok job.json
assert_eq "Olivia Orphan
Oscar Loner" "$(names books contacts '.customer_sub_type == "individual"')" "orphans as individuals"
assert_eq 8 "$(ledger_query state "select count(*) from links where entity='customers'")" "links with orphans"
