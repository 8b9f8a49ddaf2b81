#!/bin/sh
test_description='crash: a load of 3,199 records killed with SIGKILL at random moments, each kill followed by a rerun: every record once, no intent left'
# slow: twenty killed runs and their reruns over a few thousand records; started first
# KILL_COUNT (default 20) kills that land while the run is alive; KILL_SEED picks the
# moments.  Kills come in rounds of five on one load, each round on a fresh sandbox and
# state, alternating Invoice (POST creates) and Books (upserts); a killed run is rerun
# (and that rerun may be killed in turn) until one finishes.  After each round the
# finance store must hold each CRM record as often as an uninterrupted run writes it
# (once), with the same contact persons, the ledger no intent and a sound file, and one
# more run must write nothing.
. "$(dirname "$0")/lib.sh"
cd "$WORK"
KILL_COUNT=${KILL_COUNT:-20}
KILL_SEED=${KILL_SEED:-15}
PER_ROUND=5
SYNC='{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true},"items":{}}'
started=$(date +%s)

# reliability.md "Larger seeds": 2,500 accounts, 1,047 contacts (100 orphans), 600 products.
python3 "$TOP/scripts/gen-fixtures.py" --accounts 2500 --contacts-per-account 0.4 --orphan-contacts 100 \
	--products 600 --vendors 0 --finance-existing 0 --finance-vendors 0 --finance-items 0 \
	--collision-rate 0 --same-name-rate 0 --seed 7 --out "$WORK/seed" >/dev/null

# fingerprint APP: one line per finance record with a CRM id: the id and, for a customer,
# its contact persons' e-mails; sorted, so a duplicate shows as a repeated line.
fingerprint() {
	store "$1" contacts | jq -r '.[] | select(.custom_field_hash.cf_crm_id) |
		"customer " + .custom_field_hash.cf_crm_id + " " + ([.contact_persons[]?.email] | sort | join(","))'
	store "$1" items | jq -r '.[] | select(.custom_field_hash.cf_crm_id) | "item " + .custom_field_hash.cf_crm_id'
}

# fresh APP: a new sandbox on the seed, no state, the job for APP.
fresh() {
	sandbox_stop
	rm -rf state
	sandbox_start "$WORK/seed"
	write_job job.json "$1" "$SYNC"
}

# The delays: seeded, spread over an uninterrupted run's duration (ms), one per line.
delays() {
	awk -v seed="$KILL_SEED" -v n=$((KILL_COUNT * 20)) -v span="$1" \
		'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", (20 + rand() * span) / 1000 }'
}

# The reference: what an uninterrupted run writes, per app, and how long it takes.
span=0
for app in zoho-invoice zoho-books; do
	fresh "$app"
	t0=$(date +%s%N)
	run_ok job.json
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -gt "$span" ] && span=$ms
	fingerprint "${app#zoho-}" | sort >"ref-$app"
	assert_eq "" "$(uniq -d "ref-$app")" "$app: an uninterrupted run wrote a record twice"
done
echo "an uninterrupted load: ${span} ms; $(wc -l <ref-zoho-invoice) records with a CRM id"
delays "$span" >delays

landed=0 round=0 line=0
while [ "$landed" -lt "$KILL_COUNT" ]; do
	round=$((round + 1))
	[ "$round" -le $((KILL_COUNT * 3)) ] || fail "only $landed kills landed in $round rounds"
	if [ $((round % 2)) -eq 1 ]; then app=zoho-invoice; else app=zoho-books; fi
	fresh "$app"
	# Up to PER_ROUND kills on this load; a run that ends before its kill has finished it.
	in_round=0
	while [ "$in_round" -lt "$PER_ROUND" ] && [ "$landed" -lt "$KILL_COUNT" ]; do
		line=$((line + 1))
		delay=$(sed -n "${line}p" delays)
		[ -n "$delay" ] || fail "more than $line attempts for $KILL_COUNT kills"
		# Each kill of a round finds less work left (the run resumes): its moment is
		# drawn from a shorter span, so that it still lands while the run works.
		delay=$(awk -v d="$delay" -v k="$in_round" 'BEGIN { printf "%.3f", d / (k + 1) }')
		"$BUILD/finsync" run job.json >"kill$line.out" 2>&1 &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null && killed=1 || killed=0
		wait "$pid" 2>/dev/null || true
		[ "$killed" -eq 1 ] || break
		landed=$((landed + 1))
		in_round=$((in_round + 1))
		# Where the kill landed: records linked so far (no ledger yet: 0).
		links=$(ledger_query state 'select count(*) from links' 2>/dev/null || echo 0)
		echo "kill $landed ($app) ${delay}s into a run: $links links"
	done
	# The rerun that finishes the load.
	run_ok job.json
	fingerprint "${app#zoho-}" | sort >got
	dups=$(uniq -d got)
	[ -z "$dups" ] || fail "round $round ($app): written twice: $(echo "$dups" | head -n 5)"
	cmp -s got "ref-$app" ||
		fail "round $round ($app): the store differs from an uninterrupted run's: $(diff "ref-$app" got | head -n 8)"
	assert_eq 0 "$(ledger_query state 'select count(*) from intents')" "round $round: intents left"
	assert_eq ok "$(ledger_query state 'pragma integrity_check')" "round $round: ledger integrity"
	seq=$(last_seq)
	run_ok job.json
	assert_eq 0 "$(writes_since "$seq")" "round $round ($app): writes by the run after recovery"
done
echo "$landed kills in $round rounds (seed $KILL_SEED), $(( $(date +%s) - started )) s"
