#!/bin/sh
test_description='lookup after a crash, filters ignored: on Invoice and Billing a kill right after a create, then a rerun: every CRM record once, the customers that were there before untouched (the cf_ filter is ignored and list rows carry no custom fields, so each row is checked on its record), all interrupted creates found in one walk of the list'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# Customers a finance user made, named to sort first: a lookup that trusted the
# first row of an ignored filter would write a CRM account over them.
OTHERS='{"data":[
	{"NAME":"AAA Corner Shop","custom_fields":[{"api_name":"cf_crm_id","value":"4150868000000999001"}]},
	{"NAME":"AAB Walk-in Buyer"}]}'

# snapshot_others APP RESOURCE NAMEKEY: the two customers as they are, one line.
snapshot_others() {
	store "$1" "$2" | jq -c --arg k "$3" '[.[] | select(.[$k] | startswith("AA")) | del(.outstanding_receivable_amount, .unused_credits_receivable_amount, .has_transaction)] | sort_by(.[$k])'
}

for app in zoho-invoice zoho-billing; do
	short=${app#zoho-}
	if [ "$short" = billing ]; then res=customers namekey=display_name; else res=contacts namekey=contact_name; fi
	for point in before:2 after:1 after:4; do
		sandbox_stop
		rm -rf state
		sandbox_start "$FIXTURES/base"
		ctl POST "/finance/$short/$res" "$(echo "$OTHERS" | sed "s/\"NAME\"/\"$namekey\"/g")" >/dev/null
		before=$(snapshot_others "$short" "$res" "$namekey")
		assert_eq 2 "$(echo "$before" | jq length)" "$app: the other customers seeded"
		write_job job.json "$app" '{"customers":{"crm_module":"accounts"}}'
		expect_exit 137 env FINSYNC_TEST_KILL="$point" "$BUILD/finsync" run job.json >/dev/null 2>&1
		seq=$(last_seq)
		run_ok job.json
		# At most one walk of the list finds every interrupted create, beside the snapshot's.
		walks=$(ctl GET "/requests?since=$seq" | jq --arg p "/$short/" '[.requests[] | select(.method == "GET" and (.path | endswith("/'"$res"'")) and (.path | startswith($p)))] | length')
		[ "$walks" -le 2 ] || fail "$app $point: $walks list walks on the rerun"
		ids=$(store "$short" "$res" | jq -r '.[] | .custom_field_hash.cf_crm_id // empty' | sort)
		assert_eq "" "$(echo "$ids" | uniq -d)" "$app $point: a CRM id twice"
		# 8 accounts, "ACME  Ltd" a duplicate of "Acme Ltd" (skipped): 7 created, plus the shop's own id.
		assert_eq 8 "$(echo "$ids" | grep -c .)" "$app $point: finance records with a CRM id"
		assert_eq "$before" "$(snapshot_others "$short" "$res" "$namekey")" "$app $point: other customers untouched"
		assert_eq 0 "$(ledger_query state "select count(*) from intents")" "$app $point: intents left"
		assert_eq 0 "$(ledger_query state "select count(*) from events where action = 'failed' and run_id = 2")" "$app $point: failures on the rerun"
		seq=$(last_seq)
		run_ok job.json
		assert_eq 0 "$(writes_since "$seq")" "$app $point: writes after recovery"
	done
done
