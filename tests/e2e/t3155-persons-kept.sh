#!/bin/sh
test_description='contact persons are kept by id: an update of the account or of a contact changes no person id, a person a finance user added survives every update, only a changed person is written, a night with no change writes nothing'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts"}}'
jq '.overlap_seconds = 0' job.json >job.tmp && mv job.tmp job.json
ACME=4150868000000087001 JANE=4150868000000088001 JOHN=4150868000000088002

# crm_edit MODULE ID JQ: the CRM record changed by JQ (the control call replaces it whole).
crm_edit() {
	rec=$(ctl GET "/store/crm/$1" | jq -c ".records[] | select(.id == \"$2\") | $3 | del(.Modified_Time)")
	ctl POST "/crm/$1" "{\"data\":[$rec]}" >/dev/null
	sleep 1         # older than the next run's start, to the second
}
acme() { store books contacts | jq -c ".[] | select(.custom_field_hash.cf_crm_id == \"$ACME\")"; }
# pid EMAIL: the id of Acme's person with that email
pid() { acme | jq -r ".contact_persons[] | select(.email == \"$1\") | .contact_person_id"; }
# person_writes SEQ: finance requests to the per-person endpoints since SEQ
person_writes() {
	ctl GET "/requests?since=$1" | jq -c '[.requests[] | select(.path | test("contactpersons")) | "\(.method) \(.path)"]'
}

run_ok job.json
jane=$(pid jane.doe@acme.example.com) john=$(pid john.smith@acme.example.com)
[ -n "$jane" ] && [ -n "$john" ] || fail "Acme's persons: $(acme)"
assert_eq "$jane" "$(acme | jq -r .primary_contact_id)" "Jane (the oldest contact) is the primary"
assert_eq 2 "$(ledger_query state "select count(*) from person_links where finance_customer_id = '$(acme | jq -r .contact_id)'")" "Acme's person_links"
assert_eq "$john" "$(ledger_query state "select finance_person_id from person_links where crm_contact_id = '$JOHN'")" "John's link holds his id"

# A finance user adds a person to Acme through the API.
TOK=$(fresh_token fin)
fiona=$(curl -sf -X POST -H "Authorization: Zoho-oauthtoken $TOK" -H 'Content-Type: application/json' \
	-d "{\"contact_id\":\"$(acme | jq -r .contact_id)\",\"first_name\":\"Fiona\",\"last_name\":\"Finance\",\"email\":\"fiona@acme.example.com\"}" \
	"$SANDBOX_URL/books/v3/contacts/contactpersons?organization_id=10234695" | jq -r '.contact_person[0].contact_person_id')
[ -n "$fiona" ] && [ "$fiona" != null ] || fail "no finance-added person"

# The account changes: the customer is written, no person is, every id stays.
crm_edit Accounts "$ACME" '.Phone = "+1 555 9999"'
seq=$(last_seq)
run_ok job.json
assert_eq '[]' "$(person_writes "$seq")" "person writes when only the account changed"
assert_eq 1 "$(writes_since "$seq")" "writes when only the account changed"
assert_eq "$jane $john $fiona" "$(pid jane.doe@acme.example.com) $(pid john.smith@acme.example.com) $(pid fiona@acme.example.com)" \
	"person ids after the account's update"
assert_eq 3 "$(acme | jq '.contact_persons | length')" "Acme's persons (Fiona kept)"

# A contact changes: only that person is written, by its id; the customer is not.
crm_edit Contacts "$JOHN" '.Email = "john@acme-new.example.com"'
seq=$(last_seq)
run_ok job.json
assert_eq "[\"PUT /books/v3/contacts/contactpersons/$john\"]" "$(person_writes "$seq")" "the one person write"
assert_eq 1 "$(writes_since "$seq")" "writes when one contact changed"
assert_eq "$john" "$(pid john@acme-new.example.com)" "John keeps his id with his new email"
assert_eq "$jane $fiona" "$(pid jane.doe@acme.example.com) $(pid fiona@acme.example.com)" "the others' ids"
assert_eq "$jane" "$(acme | jq -r .primary_contact_id)" "Jane still the primary"

# A night with no change writes nothing, a full re-read neither.
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "writes on a night with no change"
seq=$(last_seq)
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on a full run with no change"
assert_eq "$jane $john $fiona" "$(pid jane.doe@acme.example.com) $(pid john@acme-new.example.com) $(pid fiona@acme.example.com)" \
	"person ids at the end"
