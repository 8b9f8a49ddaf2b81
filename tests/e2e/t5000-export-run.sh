#!/bin/sh
test_description='export: a real run staged as CSV: header, flattened fields, formula-safe cells, history'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
# An account whose name a spreadsheet would take for a formula, with a comma and a quote.
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087050","Account_Name":"=HYPERLINK(\"http://x\",\"y\")","Billing_City":"Paris, TX","Description":"He said \"hi\"\nthen left"}]}' >/dev/null
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts"}}'
run_ok job.json

finsync export job.json --stage transform --entity customers -o customers.csv || fail "export failed"
head -n 1 customers.csv | tr -d '\r' | tr ',' '\n' >header
for col in entity crm_module crm_id name action match reason finance_id duplicate hash \
	payload.contact_name payload.billing_address.city payload.contact_persons.0.email payload.custom_fields.0.value; do
	grep -qx "$col" header || fail "header lacks $col: $(head -n 1 customers.csv)"
done
# One row per account (a cell with a newline spans two lines of the file).
assert_eq 9 "$(python3 -c 'import csv; print(sum(1 for _ in csv.DictReader(open("customers.csv", newline=""))))')" "rows"
# Bytes: CRLF line ends, the formula neutralised, the comma and quotes quoted.
assert_eq " 0d 0a" "$(head -n 1 customers.csv | tail -c 2 | od -An -tx1)" "CRLF line end"
grep -qF "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" customers.csv || fail "formula not neutralised: $(grep HYPERLINK customers.csv)"
grep -qF '"Paris, TX"' customers.csv || fail "comma cell not quoted"
python3 - <<'PY' || fail "CSV does not parse back"
import csv
rows = list(csv.DictReader(open("customers.csv", newline="", encoding="utf-8")))
# 19-digit ids are written as ="..." so that a spreadsheet keeps them as text.
acme = [r for r in rows if r["crm_id"] == '="4150868000000087005"'][0]
assert acme["action"] == "create", acme["action"]
assert acme["payload.contact_persons.0.email"] == "peter.gibbons@initech.example.com", acme
assert any(r["payload.contact_name"] == "Société Générale Ñandú" for r in rows)
skip = [r for r in rows if r["action"] == "skip"]
assert skip and all(r["reason"] for r in skip)
PY

# The extract side: the CRM records as the API gave them.
finsync export job.json --stage extract --entity contacts -o contacts.csv || fail "extract export failed"
grep -q "Account_Name.id" contacts.csv || fail "lookup not flattened: $(head -n 1 contacts.csv)"

# history: the run's numbers as the ledger has them.
finsync history job.json --format csv >history.csv
grep -q "^1,.*,ok,customers,7,0,0,2,2,0,0" history.csv || fail "history csv: $(cat history.csv)"
finsync history job.json --format json | jq -e '.[0].entities.customers.added == 7' >/dev/null || fail "history json"
expect_exit 3 finsync export job.json --stage transform --entity customers -o /dev/full 2>err
grep -q "No space left" err || fail "write error not reported: $(cat err)"
expect_exit 2 finsync export job.json --stage transform --entity deals 2>err
grep -q "deals" err || fail "missing staged file not named"
