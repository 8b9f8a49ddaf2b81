#!/bin/sh
test_description='incremental accounts and contacts: a night with no change reads contacts with one If-Modified-Since call and no finance snapshot; a changed contact sends its account with every person; a changed orphan alone reads no other contact'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true}}'
# No overlap: a change of one step is not read again by the next (the default re-reads 300 s).
jq '.overlap_seconds = 0' job.json >job.tmp && mv job.tmp job.json
run_ok job.json

# contacts_lists SEQ: the CRM list calls to Contacts after SEQ (not by id).
contacts_lists() {
	ctl GET "/requests?since=$1" |
		jq '[.requests[] | select(.path == "/crm/v8/Contacts" and ((.query // "") | test("ids=") | not))] | length'
}

# staged_contacts: contacts the last run's extract staged.
staged_contacts() {
	run=$(ledger_query state "select max(id) from runs")
	jq '.files["contacts.ndjson.gz"].records' "state/staging/$run/extract/manifest.json"
}

# Nothing changed: one Contacts list call (If-Modified-Since, answered 304), no write.
seq=$(last_seq)
run_ok job.json
assert_eq 1 "$(contacts_lists "$seq")" "Contacts list calls on a night with no change"
assert_eq 304 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.path == "/crm/v8/Contacts")][0].status')" \
	"the Contacts call's answer"
assert_eq 0 "$(staged_contacts)" "contacts staged on a night with no change"
# ... and reads no finance snapshot: nothing is planned against it.
fin_gets=$(ctl GET "/requests?since=$seq" | jq -c '[.requests[] | select(.api == "books" and .method == "GET") | .path]')
echo "$fin_gets" | jq -e 'all(. != "/books/v3/contacts")' >/dev/null || fail "finance lists on a night with no change: $fin_gets"
assert_eq 0 "$(writes_since "$seq")" "writes on a night with no change"
grep -q "customers: 0 added, 0 updated" run.out || fail "summary: $(cat run.out)"

# John Smith of Acme changes his email: Acme is sent again with both its persons.
ctl POST /crm/Contacts '{"data":[{"id":"4150868000000088002","Last_Name":"Smith","First_Name":"John",
	"Email":"john.smith@acme-new.example.com","Account_Name":{"id":"4150868000000087001"}}]}' >/dev/null
sleep 1         # the change is older than this run's start, to the second
seq=$(last_seq)
run_ok job.json
assert_eq 2 "$(contacts_lists "$seq")" "Contacts list calls when an account is sent (changed, then all)"
assert_eq 10 "$(staged_contacts)" "contacts staged when an account is sent (every one, once)"
ctl GET "/requests?since=$seq" | jq -e '[.requests[] | select(.path == "/books/v3/contacts" and .method == "GET")] | length > 0' >/dev/null ||
	fail "no finance snapshot when an account is sent"
assert_eq 1 "$(writes_since "$seq")" "writes for one changed person"
acme=$(store books contacts | jq -c '.[] | select(.custom_field_hash.cf_crm_id == "4150868000000087001")')
assert_eq 2 "$(echo "$acme" | jq '.contact_persons | length')" "Acme's persons after the change"
assert_eq "jane.doe@acme.example.com john.smith@acme-new.example.com" \
	"$(echo "$acme" | jq -r '[.contact_persons[].email] | sort | join(" ")')" "Acme's persons' emails"

# An orphan contact changes alone: its customer is updated, no other contact is read.
ctl POST /crm/Contacts '{"data":[{"id":"4150868000000088010","Last_Name":"Loner","First_Name":"Oscar",
	"Email":"oscar@loner.example.org"}]}' >/dev/null
seq=$(last_seq)
run_ok job.json
assert_eq 1 "$(contacts_lists "$seq")" "Contacts list calls for an orphan's change"
assert_eq 1 "$(staged_contacts)" "contacts staged for an orphan's change"
# The control call replaces the record (its address goes): the customer and its person.
assert_eq 2 "$(writes_since "$seq")" "writes for one changed orphan"
assert_eq "oscar@loner.example.org" \
	"$(store books contacts | jq -r '.[] | select(.custom_field_hash.cf_crm_id == "4150868000000088010") | .email')" \
	"the orphan's email"
assert_eq 2 "$(store books contacts | jq '.[] | select(.custom_field_hash.cf_crm_id == "4150868000000087001") | .contact_persons | length')" \
	"Acme's persons untouched"
