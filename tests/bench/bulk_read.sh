#!/bin/sh
# make bench, second part: a Bulk Read extract of N accounts through the
# sandbox (crm.read bulk, 200,000 records a job as Zoho), and of N/10 for
# comparison: the jobs made, the MB of ZIP and of CSV read, MB/s of CSV and
# records/s over the extract's wall time, and its peak RSS (flat: one chunk,
# one row and one libcsv cell buffer at a time, whatever N).  Writes its
# table into BENCH.md between the bulk-read markers and prints it.
#
# Usage: tests/bench/bulk_read.sh BUILD_DIR
#   BENCH_BULK_SIZE  accounts (default 1000000)
#   BENCH_DIR        where runs go (default var/bench)
#   BENCH_MD         the file the table goes into (default BENCH.md)
BENCH_NAME=bench-bulk
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"
SIZE=${BENCH_BULK_SIZE:-1000000}
RUN=${BENCH_DIR:-$TOP/var/bench}/bulk
MD=${BENCH_MD:-$TOP/BENCH.md}
BATCH=20000
trap sandbox_stop EXIT
trap 'exit 1' INT TERM

[ "$SIZE" -ge 10000 ] || die "BENCH_BULK_SIZE $SIZE is too small (at least 10000)"
"$TOP/scripts/install-deps.sh" time
rm -rf "$RUN"
mkdir -p "$RUN"

# sandbox N: a sandbox on the base seed with N more accounts, loaded through
# /__control in batches (memory bounded on both sides); sets URL.
sandbox() {
	sandbox_stop
	rm -f "$RUN/sandbox.sqlite"
	sandbox_start "$TOP/fixtures/base" --db "$RUN/sandbox.sqlite"
	URL=$SANDBOX_URL
	from=0
	while [ "$from" -lt "$1" ]; do
		to=$((from + BATCH > $1 ? $1 : from + BATCH))
		jq -cn --argjson a "$from" --argjson b "$to" '{data: [range($a; $b) | {
			id: ("4150869" + (. + 1000000000000 | tostring)), Account_Name: "Bench Account \(.)",
			Industry: "Retail", Phone: "+1 555 \(. % 10000)", Website: "https://b\(.).example.com",
			Billing_Street: "\(.) Main Street", Billing_City: "Springfield", Billing_State: "IL",
			Billing_Code: "62701", Billing_Country: "USA", Employees: (. % 500),
			Annual_Revenue: (. * 10 + 0.5), Description: "An account, \"quoted\", for the bench"}]}' |
			curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- \
				"$URL/__control/crm/Accounts" >/dev/null || die "cannot load accounts $from-$to"
		from=$to
	done
	rm -f "$RUN/sandbox.port"
}

# extract N NAME: the Bulk Read extract of N accounts; its figures in NAME.*.
extract() {
	echo "bench-bulk: loading $1 accounts into the sandbox" >&2
	sandbox "$1"
	cat >"$RUN/$2.json" <<JOB
{
  "job": "bench-bulk-$2",
  "state_dir": "$RUN/state-$2",
  "crm": { "type": "zoho-crm", "api_base": "$URL/crm/v8", "accounts_url": "$URL", "read": "bulk",
           "client_id": "1000.SANDBOXCRM", "client_secret_env": "FINSYNC_CRM_CLIENT_SECRET",
           "refresh_token_env": "FINSYNC_CRM_REFRESH_TOKEN" },
  "finance": { "type": "zoho-books", "api_base": "$URL/books/v3", "organization_id": "10234695",
               "requests_per_minute": 0, "accounts_url": "$URL", "client_id": "1000.SANDBOXFIN",
               "client_secret_env": "FINSYNC_FIN_CLIENT_SECRET", "refresh_token_env": "FINSYNC_FIN_REFRESH_TOKEN" },
  "sync": { "customers": { "crm_module": "accounts", "field_map": { "cf_industry": "Industry" } } }
}
JOB
	echo "bench-bulk: Bulk Read extract of $1 accounts" >&2
	/usr/bin/time -v -o "$RUN/$2.time" "$BUILD/finsync" extract -v "$RUN/$2.json" >"$RUN/$2.out" 2>"$RUN/$2.err" ||
		{ tail -20 "$RUN/$2.err" >&2; die "the extract failed"; }
	staged=$(zcat "$RUN/state-$2/staging/1/extract/accounts.ndjson.gz" | wc -l)
	[ "$staged" -eq $(($1 + 8)) ] || die "$staged accounts staged, not $(($1 + 8))"
	sandbox_stop
}

# figure NAME: "records jobs zipMB csvMB seconds MB/s records/s peakMiB cpu" of a run.
figure() {
	line=$(grep -o 'Accounts: Bulk Read: [0-9]* records in [0-9]* jobs, [0-9.]* MB of ZIP, [0-9.]* MB of CSV' "$RUN/$1.err")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$RUN/$1.time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RUN/$1.time")
	user=$(sed -n 's/.*User time (seconds): //p' "$RUN/$1.time")
	sys=$(sed -n 's/.*System time (seconds): //p' "$RUN/$1.time")
	echo "$line" | awk -v wall="$wall" -v rss="$rss" -v cpu="$user $sys" '{
		n = split(wall, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i];
		split(cpu, c, " ");
		printf "%d %d %.1f %.1f %.1f %.1f %.0f %.0f %.1f\n", $4, $7, $9, $13, s, $13 / s, $4 / s, rss / 1024, c[1] + c[2] }'
}

extract "$SIZE" big
extract $((SIZE / 10)) small
big=$(figure big)
small=$(figure small)

table=$(printf '%s\n%s\n' "$big" "$small" | awk -v cmd="BENCH_BULK_SIZE=$SIZE tests/bench/bulk_read.sh build" '
	BEGIN {
		print "<!-- bulk:begin (tests/bench/bulk_read.sh writes this part) -->"
		print "Bulk Read extract through the sandbox (crm.read bulk, 200,000 records a job), `" cmd "`:"
		print ""
		print "| accounts | jobs | ZIP MB | CSV MB | wall s | CSV MB/s | records/s | peak RSS MiB | finsync CPU s |"
		print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	}
	{ printf "| %d | %d | %s | %s | %s | %s | %d | %d | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }
	END { print "<!-- bulk:end -->" }')
echo "$table"
if [ -f "$MD" ] && grep -q '<!-- bulk:begin' "$MD"; then
	python3 - "$MD" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- bulk:begin.*?<!-- bulk:end -->", lambda m: table, text, flags=re.S)
open(path, "w").write(text)
PY
else
	printf '\n%s\n' "$table" >>"$MD"
fi
