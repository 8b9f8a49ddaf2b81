#!/bin/sh
test_description='a customer without person_links (linked by an earlier finsync, which kept none) keeps the persons it has: each one that is a CRM contact (same name and email) is taken as it, none is added twice'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-inventory '{"customers":{"crm_module":"accounts_and_contacts"}}'
INITECH=4150868000000087005
initech() { store inventory contacts | jq -c ".[] | select(.custom_field_hash.cf_crm_id == \"$INITECH\")"; }
ids() { initech | jq -r '[.contact_persons[].contact_person_id] | sort | join(" ")'; }

run_ok job.json
before=$(ids)
assert_eq 2 "$(initech | jq '.contact_persons | length')" "Initech's persons"
# As an earlier finsync left it: the links, and no person_links.
ledger_query state "delete from person_links" >/dev/null
rec=$(ctl GET /store/crm/Accounts | jq -c ".records[] | select(.id == \"$INITECH\") | .Phone = \"+1 555 4242\" | del(.Modified_Time)")
ctl POST /crm/Accounts "{\"data\":[$rec]}" >/dev/null
sleep 1
run_ok job.json --full
assert_eq "$before" "$(ids)" "Initech's person ids (none added, none removed)"
assert_eq 2 "$(ledger_query state "select count(*) from person_links where finance_customer_id = '$(initech | jq -r .contact_id)'")" "person_links again"
seq=$(last_seq)
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "writes on the next full run"
