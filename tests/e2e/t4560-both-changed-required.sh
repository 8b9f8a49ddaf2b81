#!/bin/sh
test_description='both ways, both sides changed: the update that keeps the finance-owned fields still carries the name and rate Zoho requires on every update (as the finance record has them), so it is not refused'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"items":{"extent":"both_ways"},"customers":{"crm_module":"accounts","extent":"both_ways","field_owner":{"contact_name":"finance","website":"finance"}}}'
run_ok job.json
run_ok job.json   # the finance side's state is recorded (baseline)

# The CRM changes Cable Kit's price and Stark's phone; Books changes the same records.
crm_rec() { ctl GET "/store/crm/$1" | jq -c --arg f "$2" --arg v "$3" '.records[] | select(.[$f] == $v)'; }
ctl POST /crm/Products "{\"data\":[$(crm_rec Products Product_Name "Cable Kit" | jq -c '.Unit_Price = 20 | del(.Modified_Time)')]}" >/dev/null
ctl POST /crm/Accounts "{\"data\":[$(crm_rec Accounts Account_Name "Stark Industries" | jq -c '.Phone = "+1 212 555 0199" | del(.Modified_Time)')]}" >/dev/null
item=$(store books items | jq -c '.[] | select(.name == "Cable Kit") | .rate = 18 | .description = "Changed in Books"')
ctl POST /finance/books/items "{\"data\":[$item]}" >/dev/null
stark=$(store books contacts | jq -c '.[] | select(.contact_name == "Stark Industries") | .website = "https://fin.stark.example.com"')
ctl POST /finance/books/contacts "{\"data\":[$stark]}" >/dev/null
ctl POST /clock '{"advance":60}' >/dev/null

run_ok job.json
assert_eq 0 "$(ledger_query state "select count(*) from events where action = 'failed'")" "failures"
assert_eq "18 Changed in Books" "$(store books items | jq -r '.[] | select(.name == "Cable Kit") | "\(.rate) \(.description)"')" "the finance app keeps its item fields"
assert_eq "https://fin.stark.example.com" "$(store books contacts | jq -r '.[] | select(.contact_name == "Stark Industries") | .website')" "the finance app keeps its website"
