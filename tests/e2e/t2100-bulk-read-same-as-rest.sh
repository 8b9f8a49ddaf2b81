#!/bin/sh
test_description='crm.read bulk: 2,500 accounts with contacts, vendors and products read by Bulk Read give the staged records, the planned lines and the finance records crm.read rest gives'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# seed_more: 2,500 accounts (numbers, a parent lookup, a comma and a quote in
# names) and a contact of each tenth one, into the running sandbox.
seed_more() {
	jq -n 'def name: if . % 7 == 0 then "Bulk, \"Quoted\" \(.)" else "Bulk Account \(.)" end;
		{data: [range(0; 2500) | {id: ("41508680002" + (. + 100000000 | tostring)),
		Account_Name: name,
		Industry: "Retail", Employees: (. * 3), Annual_Revenue: (if . % 2 == 0 then . + 0.25 else . end),
		Phone: "+1 555 \(. + 1000)", Billing_City: "Springfield",
		Parent_Account: (if . % 50 == 1 then {name: "Acme Ltd", id: "4150868000000087001"} else null end)}]}' >accounts.json
	jq -n 'def name: if . % 7 == 0 then "Bulk, \"Quoted\" \(.)" else "Bulk Account \(.)" end;
		{data: [range(0; 250) | {id: ("41508680003" + (. + 100000000 | tostring)),
		First_Name: "Person", Last_Name: "Number \(.)", Email: "p\(.)@example.com",
		Email_Opt_Out: (. % 2 == 0),
		Account_Name: {name: (. * 10 + 1 | name), id: ("41508680002" + (. * 10 + 1 + 100000000 | tostring))}}]}' >contacts.json
	curl -sf -X POST -H 'Content-Type: application/json' --data-binary @accounts.json \
		"$SANDBOX_URL/__control/crm/Accounts" >/dev/null || fail "cannot seed accounts"
	curl -sf -X POST -H 'Content-Type: application/json' --data-binary @contacts.json \
		"$SANDBOX_URL/__control/crm/Contacts" >/dev/null || fail "cannot seed contacts"
}

SYNC='{"customers": {"crm_module": "accounts_and_contacts", "include_orphan_contacts": true,
                     "on_duplicate": "clone", "field_map": {"cf_industry": "Industry", "cf_owner": "Owner.email"}},
       "vendors": {"on_duplicate": "overwrite"},
       "items": {"on_duplicate": "clone", "product_type_field": "Product_Category"}}'

# run_mode MODE: a fresh sandbox, the job with crm.read MODE, its finance
# records (ids and times left out) in finance-MODE.json.
run_mode() {
	sandbox_start "$FIXTURES/base"
	ctl POST /bulk_read '{"added_ms": 50, "in_progress_ms": 100, "page_size": 1000}' >/dev/null
	seed_more
	write_job "job-$1.json" zoho-books "$SYNC"
	jq --arg m "$1" '.crm.read = $m | .state_dir = "state-\($m)"' "job-$1.json" >job.tmp && mv job.tmp "job-$1.json"
	run_ok "job-$1.json"
	for r in contacts items; do
		store books $r | jq -S '[.[] | del(.contact_id, .item_id, .created_time, .last_modified_time, .primary_contact_id,
			.contact_persons[]?.contact_person_id)] | sort_by(.contact_name // .name, .cf_crm_id // "")'
	done >"finance-$1.json"
	ctl GET /requests >"requests-$1.json"
	# Extract only, with the accounts' numbers, parent lookup and the contacts' boolean asked for.
	jq --arg m "$1" '.stages = ["extract"] | .state_dir = "state-\($m)-x" | .sync = {"customers": {"crm_module": "accounts_and_contacts",
		"field_map": {"cf_industry": "Employees", "cf_owner": "Annual_Revenue", "notes": "Parent_Account.name"}}}' \
		"job-$1.json" >"job-$1-x.json"
	run_ok "job-$1-x.json"
	sandbox_stop
}

run_mode rest
run_mode bulk

# rest never made a job; bulk made one per 1,000 records of each module and listed none.
assert_eq 0 "$(jq '[.requests[] | select(.path | startswith("/crm/bulk/"))] | length' requests-rest.json)" "bulk calls with rest"
jobs=$(jq '[.requests[] | select(.method == "POST" and .path == "/crm/bulk/v8/read")] | length' requests-bulk.json)
assert_eq 6 "$jobs" "Bulk Read jobs (3 of Accounts, 1 each of Contacts, Vendors, Products)"
assert_eq 6 "$(jq '[.requests[] | select(.path | endswith("/result"))] | length' requests-bulk.json)" "downloads"
assert_eq 0 "$(jq '[.requests[] | select(.path == "/crm/v8/Accounts" and .method == "GET")] | length' requests-bulk.json)" \
	"Accounts listed with bulk"

# The staged records: the same set, the same JSON types (the key order and the
# seeding time aside: each run had a sandbox of its own).
for m in accounts contacts vendors products x/accounts x/contacts; do
	f=$(basename "$m")
	case $m in x/*) sub=-x; f=x-$f ;; *) sub= ;; esac
	zcat "state-rest$sub/staging/1/extract/$(basename "$m").ndjson.gz" | jq -cS 'del(.Modified_Time)' | sort >"rest-$f"
	zcat "state-bulk$sub/staging/1/extract/$(basename "$m").ndjson.gz" | jq -cS 'del(.Modified_Time)' | sort >"bulk-$f"
	[ -s "rest-$f" ] || fail "$m: nothing staged"
	cmp -s "rest-$f" "bulk-$f" || { diff "rest-$f" "bulk-$f" | head -20 >&2; fail "$m: staged records differ"; }
done
assert_eq 2508 "$(wc -l <bulk-accounts)" "staged accounts"
grep -q '"Annual_Revenue":2.25,' bulk-x-accounts || fail "a currency is not a number: $(grep -m1 Annual bulk-x-accounts)"
grep -q '"Employees":3,' bulk-x-accounts || fail "an integer is not a number"
grep -q '"Parent_Account":{"id":"4150868000000087001","name":"Acme Ltd"}' bulk-x-accounts || fail "a lookup is not {name, id}"
grep -q '"Owner":{"email":"priya.raman@example.com","id":"4150868000000225001","name":"Priya Raman"}' bulk-accounts ||
	fail "the owner is not {name, id, email}: $(grep -m1 Owner bulk-accounts)"
# No download is left in the staging folder.
[ -z "$(find state-bulk/staging -name '.bulk-read-*')" ] || fail "a Bulk Read download was left behind"

cmp -s finance-rest.json finance-bulk.json || { diff finance-rest.json finance-bulk.json | head -20 >&2; fail "finance records differ"; }
[ "$(jq length finance-bulk.json | head -1)" -gt 2000 ] || fail "too few finance records: $(jq length finance-bulk.json)"
