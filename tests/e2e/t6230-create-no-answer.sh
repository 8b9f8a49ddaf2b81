#!/bin/sh
test_description='a create answered after the timeout (possibly applied) is looked up by its CRM id in the same run, never sent blind: exactly one record, the run ends clean'
# alone: its creates are answered after a client timeout: a busy machine shifts which side of it they land
. "$(dirname "$0")/lib.sh"
cd "$WORK"
# Every HTTP transfer gives up after 1.5 s; the delayed answer comes after 4 s.
FINSYNC_HTTP_TIMEOUT_MS=1500
export FINSYNC_HTTP_TIMEOUT_MS

# Invoice creates by POST (not sent again); Books by upsert, a PUT on the CRM id (sent again as it is).
for case in invoice:invoice/v3:POST books:books/v3:PUT; do
	short=${case%%:*} method=${case##*:}
	base=${case#*:}
	base=${base%:*}
	sandbox_stop && rm -rf state && sandbox_start "$FIXTURES/base"
	write_job job.json "zoho-$short" '{"customers":{"crm_module":"accounts"}}'
	# One write at a time: the sandbox's delayed answer holds its thread, and
	# the requests that share it would time out too.
	jq '.finance.max_in_flight = 1' job.json >job.tmp && mv job.tmp job.json
	ctl POST /faults '{"kind":"delay","delay_ms":4000,"path_prefix":"/'$base'/contacts","count":1,"method":"'$method'"}' >/dev/null
	run_ok job.json
	grep -q "Timeout was reached" run.err || fail "$short: no write timed out: $(cat run.err)"
	grep -q "customers: .* 0 failed" run.out || fail "$short: summary: $(cat run.out)"
	# The sandbox applied the delayed write at once and answers it (and logs it) after 4 s.
	sleep 3

	ids=$(store "$short" contacts | jq -r '.[] | .custom_field_hash.cf_crm_id // empty' | sort)
	assert_eq "" "$(echo "$ids" | uniq -d)" "$short: CRM ids in the app more than once"
	linked=$(ledger_query state "select count(*) from links where entity = 'customers' and state = 'linked'")
	assert_eq "$linked" "$(echo "$ids" | grep -c .)" "$short: records with a CRM id vs links"
	assert_eq 0 "$(ledger_query state 'select count(*) from intents')" "$short: intents left"
	assert_eq 0 "$(ledger_query state "select count(*) from events where action = 'failed'")" "$short: failed events"
	if [ "$short" = invoice ]; then
		# The timed-out POST was not sent again: it was found, then updated.
		assert_eq 1 "$(ledger_query state "select count(*) from events where action = 'create' and reason like 'no answer to the create%'")" "$short: the looked-up record's event"
		assert_eq "$linked" "$(ctl GET /requests | jq '[.requests[] | select(.api == "invoice" and .method == "POST" and (.path | startswith("/invoice/v3/contacts")))] | length')" "$short: POSTs (one per record)"
	fi

	seq=$(last_seq)
	run_ok job.json --full
	assert_eq 0 "$(writes_since "$seq")" "$short: writes of the next run"
done
