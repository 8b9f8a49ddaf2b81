#!/bin/sh
test_description='crash: SIGKILL at several points of a load, then a rerun or a resumed load: every record exactly once'
# slow: sixteen kills and recoveries; started first, it overlaps the rest
. "$(dirname "$0")/lib.sh"
cd "$WORK"
SYNC='{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true},"items":{}}'

# check_once APP RESOURCE: every CRM id in the store exactly once, as many as linked.
check_once() {
	ids=$(store "$1" "$2" | jq -r '.[] | .custom_field_hash.cf_crm_id // empty' | sort)
	dups=$(echo "$ids" | uniq -d)
	[ -z "$dups" ] || fail "$1 $2 duplicated: $dups"
	linked=$(ledger_query state "select count(*) from links where entity = '$3' and state = 'linked'")
	assert_eq "$linked" "$(echo "$ids" | grep -c .)" "$1 $2: finance records with a CRM id vs links"
	assert_eq 0 "$(ledger_query state "select count(*) from intents where entity = '$3'")" "$1: intents left"
}

# Books: 8 customer creates (6 accounts + 2 orphans), then 5 item creates.
for app in zoho-books zoho-invoice; do
	short=${app#zoho-}
	for point in before:1 after:3 after:8 after:13; do
		for recover in run load; do
			sandbox_stop
			rm -rf state
			sandbox_start "$FIXTURES/base"
			write_job job.json "$app" "$SYNC"
			# env: a variable set before a shell function would stay set afterwards.
			expect_exit 137 env FINSYNC_TEST_KILL="$point" "$BUILD/finsync" run job.json >/dev/null 2>&1
			if [ "$recover" = load ]; then
				finsync load job.json >out 2>err || fail "$app $point: resumed load exited $?: $(cat err)"
			else
				run_ok job.json
			fi
			check_once "$short" contacts customers
			check_once "$short" items items
			# Books starts with a duplicate customer and item (skipped); Invoice starts empty.
			if [ "$short" = books ]; then want_c=8 want_i=5; else want_c=9 want_i=6; fi
			assert_eq "$want_c" "$(store "$short" contacts | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "$app $point $recover: customers"
			assert_eq "$want_i" "$(store "$short" items | jq '[.[] | select(.custom_field_hash.cf_crm_id)] | length')" "$app $point $recover: items"
			# And one more run changes nothing.
			seq=$(last_seq)
			run_ok job.json
			assert_eq 0 "$(writes_since "$seq")" "$app $point $recover: writes after recovery"
		done
	done
done
