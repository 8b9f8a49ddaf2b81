#!/bin/sh
test_description='extract: a record that cannot be staged (too large, not an object) is its own invalid event with its line or id; the others sync; exit 1'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"

# A CSV row whose Description is 12 MiB of U+0001: legal CSV under the cell limit, 72 MiB as JSON.
write_job csv.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"clone"}}'
jq '.crm = {"type": "csv", "dir": "export"} | .state_dir = "state-csv"' csv.json >j.tmp && mv j.tmp csv.json
mkdir export
python3 -c 'import sys; rows=["4150868000900000%03d,CsvCo %d,+1 555 %04d,%s,2026-11-01T09:15:00+05:30" % (i, i, i, chr(34)+chr(1)*(12<<20)+chr(34) if i == 3 else "") for i in range(1, 6)]; sys.stdout.write("id,Account_Name,Phone,Description,Modified_Time\r\n" + "\r\n".join(rows) + "\r\n")' >export/Accounts.csv
expect_exit 1 finsync run csv.json >csv.out 2>csv.err
reason=$(ledger_query state-csv "select reason from events where action = 'invalid' and crm_id = '4150868000900000003'")
echo "$reason" | grep -q "^'Accounts.csv' line 4, record 4150868000900000003: more than the 64 MiB a staged record may hold" ||
	fail "invalid event: '$reason' ($(cat csv.err))"
for n in 1 2 4 5; do
	names books contacts | grep -qx "CsvCo $n" || fail "CsvCo $n not created"
done
names books contacts | grep -qx "CsvCo 3" && fail "the oversized record was created"
assert_eq partial "$(ledger_query state-csv "select status from runs")" "csv run status"

# The API: a page whose data holds scalars beside a record; each scalar is an invalid event naming its place.
write_job api.json zoho-books '{"customers":{"crm_module":"accounts"}}'
sed -i 's/"state_dir": "state"/"state_dir": "state-api"/' api.json
ctl POST /faults '{"kind":"status","status":200,"path_prefix":"/crm/v8/Accounts","method":"GET","count":1,"body":{"data":[{"id":"4150868000000087101","Account_Name":"Scalar Neighbour Co","Modified_Time":"2026-03-01T10:15:00+05:30"},"a string",5,null,[1,2]],"info":{"per_page":200,"count":5,"page":1,"more_records":false}}}' >/dev/null
expect_exit 1 finsync run api.json >api.out 2>api.err
assert_eq 4 "$(ledger_query state-api "select count(*) from events where action = 'invalid' and reason like 'Accounts page 1, record _: not a JSON object'")" \
	"invalid events of the non-object elements ($(ledger_query state-api "select reason from events"))"
names books contacts | grep -qx "Scalar Neighbour Co" || fail "the record beside the scalars was not created: $(cat api.err)"
assert_eq partial "$(ledger_query state-api "select status from runs")" "api run status"

# The finance app's list with scalars in it: the run stops (exit 3) naming the row, since a
# snapshot with a hole could create a duplicate; nothing is written.
write_job fin.json zoho-books '{"customers":{"crm_module":"accounts"}}'
sed -i 's/"state_dir": "state"/"state_dir": "state-fin"/' fin.json
seq=$(last_seq)
ctl POST /faults '{"kind":"status","status":200,"path_prefix":"/books/v3/contacts","method":"GET","count":1,"body":{"code":0,"message":"success","contacts":[5,"x",null,[1]],"page_context":{"page":1,"per_page":200,"has_more_page":false}}}' >/dev/null
expect_exit 3 finsync run fin.json >fin.out 2>fin.err
grep -q "customers: row 1 of Zoho Books's list: not a JSON object" fin.err || fail "the message does not name the row: $(cat fin.err)"
assert_eq 0 "$(writes_since "$seq")" "writes after a broken finance list"
