#!/bin/sh
test_description='CSV source: a folder with none of the files the job reads is a job error (exit 2) naming the folder and the files, for run and check; one file present is enough'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts"},"items":{}}'
jq '.crm = {"type": "csv", "dir": "export"}' job.json >csv.tmp && mv csv.tmp job.json
mkdir export
# Files named by date are not the files the job reads.
: >export/Accounts_2026_12_06.csv
want="the CRM export folder '$WORK/export' has none of the files the job reads (Accounts.csv, Contacts.csv, Products.csv): is it the right folder?"
finsync_exit 2 run job.json
grep -qF "$want" "$WORK/err" || fail "run: $(cat "$WORK/err")"
assert_eq "" "$(cat "$WORK/out")" "stdout of the refused run"
assert_eq 0 "$(ledger_query state "select count(*) from events")" "events of the refused run"
assert_eq "aborted|2" "$(ledger_query state "select status, exit_code from runs order by id desc limit 1")" "the run, recorded"
finsync_exit 2 check job.json
grep -qF "FAIL crm: the CSV export folder '$WORK/export' has none of the files the job reads (Accounts.csv, Contacts.csv, Products.csv)" "$WORK/out" || fail "check: $(cat "$WORK/out" "$WORK/err")"

# One of them is enough: a module without records may have no file.
printf 'id,Product_Name,Product_Code,Unit_Price\n4150868000000089001,Widget,W-1,10\n' >export/Products.csv
finsync_exit 0 run job.json
grep -q "^items: 1 added" "$WORK/out" || fail "run with one file: $(cat "$WORK/out" "$WORK/err")"

# Rows without an id are records of their own: each is counted in the closing line.
printf 'id,Account_Name\n4150868000000087001,Acme Ltd\n,No Id One\n,No Id Two\n' >export/Accounts.csv
finsync_exit 1 run -q job.json
grep -qx "finsync: warn: customers: 2 records not synced (2 invalid); see 'finsync review job.json'" "$WORK/err" ||
	fail "rows without an id: $(cat "$WORK/err")"
assert_eq partial "$(ledger_query state "select status from runs order by id desc limit 1")" "the run with bad rows"
