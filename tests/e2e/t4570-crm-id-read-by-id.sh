#!/bin/sh
test_description='CRM id on unlinked finance records, list rows without custom fields: read by id, so a renamed record carrying its CRM id is matched (not created twice) on Invoice, and read once per version (the ledger keeps what it read until the record changes)'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
crm_rec() { ctl GET "/store/crm/$1" | jq -c --arg f "$2" --arg v "$3" '.records[] | select(.[$f] == $v)'; }
initech=$(crm_rec Accounts Account_Name Initech | jq -r .id)
# A record finsync made for Initech, renamed in Invoice, whose link the ledger
# lost (a new state_dir); and a walk-in customer a user made.
ctl POST /finance/invoice/contacts '{"data":[
	{"contact_name":"Initech (renamed in Invoice)","custom_fields":[{"api_name":"cf_crm_id","value":"'"$initech"'"}]},
	{"contact_name":"Walk-in Buyer"}]}' >/dev/null
write_job job.json zoho-invoice '{"customers":{"crm_module":"accounts","on_duplicate":"overwrite"}}'

reads() { sed -n 's/.*customers: [0-9]* existing records in Zoho Invoice (\([0-9]*\) read by id.*/\1/p' run.err; }
touch_crm() {
	ctl POST /crm/Accounts "{\"data\":[$(crm_rec Accounts Account_Name "Stark Industries" | jq -c --arg p "$1" '.Phone = $p | del(.Modified_Time)')]}" >/dev/null
}

run_ok job.json
assert_eq 2 "$(reads)" "first run: both unlinked records read"
assert_eq 0 "$(ledger_query state "select count(*) from events where action = 'failed'")" "failures"
assert_eq 1 "$(store invoice contacts | jq --arg id "$initech" '[.[] | select(.custom_field_hash.cf_crm_id == $id)] | length')" "Initech once"
assert_eq "Initech" "$(store invoice contacts | jq -r --arg id "$initech" '.[] | select(.custom_field_hash.cf_crm_id == $id) | .contact_name')" "matched by its CRM id and updated"

touch_crm "+1 212 555 0111"
run_ok job.json
assert_eq 0 "$(reads)" "second run: the walk-in customer is known as read"

# A user edits the walk-in customer: read again, once.
ctl POST /clock '{"advance":120}' >/dev/null
ctl POST /oauth '{"token_ttl":100000000}' >/dev/null
walkin=$(store invoice contacts | jq -c '.[] | select(.contact_name == "Walk-in Buyer") | .notes = "edited" | del(.last_modified_time)')
ctl POST /finance/invoice/contacts "{\"data\":[$walkin]}" >/dev/null
touch_crm "+1 212 555 0122"
run_ok job.json
assert_eq 1 "$(reads)" "third run: the edited record read again"
