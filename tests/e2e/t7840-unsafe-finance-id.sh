#!/bin/sh
test_description='ids: a finance id with "/" or CR LF in an answer (a create, a list row) is refused before it reaches a URL path: the record fails with the reason, no link holds it; the next run creates the records once; a CRM record whose id is not digits is a bad record'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

for id in "../items/1?x=' OR 1=1 --" "460000000012345
X-Injected: yes"; do
	ctl DELETE /faults >/dev/null
	ctl POST /faults "$(jq -nc --arg id "$id" '{kind:"status",status:201,path_prefix:"/books/v3/contacts",method:"PUT",
		body:{code:0,message:"The contact has been added.",contact:{contact_id:$id,contact_name:"x"}}}')" >/dev/null
	expect_exit 1 finsync run job.json >out 2>err
	assert_eq 0 "$(ledger_query state "select count(*) from links")" "links after answers with id '$id'"
	assert_eq 6 "$(ledger_query state "select count(*) from events where run_id = (select max(id) from runs)
		and action = 'failed' and reason like '%contact.contact_id is not a Zoho id (digits only)%'")" "failed events for '$id'"
	ledger_query state "select reason from events" | grep -q "X-Injected\|items/1" && fail "the id reached the ledger"
done
ctl DELETE /faults >/dev/null

# A list row whose id is not digits is ignored (it could become a link, and a link a path):
# the customers list answered as the app would, with one such row added.
TOK=$(fresh_token fin)
curl -s -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/books/v3/contacts?organization_id=10234695&contact_type=customer&per_page=200" |
	jq -c '.contacts += [{contact_id: "12/../34", contact_name: "Path Co", contact_type: "customer"}]' >list.json
ctl POST /faults "$(jq -c '{kind:"status",status:200,path_prefix:"/books/v3/contacts",method:"GET",count:1,body:.}' list.json)" >/dev/null
run_ok job.json
grep -q "zoho-books: /contacts: a row whose contact_id is not a Zoho id (digits only) is ignored" run.err ||
	fail "list row not refused: $(cat run.err)"
assert_eq 0 "$(ledger_query state "select count(*) from links where finance_id glob '*[^0-9]*'")" "links with an unsafe id"
assert_eq 6 "$(store books contacts | jq '[.[] | .custom_field_hash.cf_crm_id // empty] | unique | length')" "distinct customers"
assert_eq 6 "$(ledger_query state "select count(*) from links")" "links"

# A CRM record whose id is not digits (it would go into a header and a lookup) is a bad record.
ctl POST /faults '{"kind":"status","status":200,"path_prefix":"/crm/v8/Accounts","method":"GET","count":1,
	"body":{"data":[{"id":"4150868000000099999\r\nX-Injected: yes","Account_Name":"Header Co"}],
		"info":{"per_page":200,"count":1,"page":1,"more_records":false}}}' >/dev/null
expect_exit 1 finsync run job.json >out 2>err
grep -q "Accounts: Accounts page 1, record 1: a record whose id is not a Zoho CRM id (digits only); recorded as invalid" err ||
	fail "CRM id not refused: $(cat err)"
assert_eq 1 "$(ledger_query state "select count(*) from events where action = 'invalid'
	and reason = 'Accounts page 1, record 1: a record whose id is not a Zoho CRM id (digits only)'")" "the bad record's invalid event"
assert_eq "" "$(names books contacts '.contact_name == "Header Co"')" "created from a bad CRM id"
echo ok
