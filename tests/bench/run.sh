#!/bin/sh
# make bench: records/s, MB/s and peak RSS per stage, side by side with
# gzip -1, jq and Python on the same staged files, and the API economy of a
# full and a no-change run against the sandbox; writes the table into
# BENCH.md (between the bench markers) and prints it.
#
# Usage: tests/bench/run.sh BUILD_DIR
#   BENCH_SIZE      CRM accounts of the CSV part (default 1000000)
#   BENCH_SMALL     the size whose peak RSS the big one is compared with
#                   (default 100000; BENCH_SIZE/10 when BENCH_SIZE <= 100000)
#   BENCH_API_SIZE  CRM accounts loaded through the sandbox API (default
#                   50000, at most BENCH_SIZE): sized so that the whole run
#                   fits 15 minutes on 2 cores at the default BENCH_SIZE
#   BENCH_DIR       where data and runs go (default var/bench); generated
#                   data is reused while the generator and its arguments are
#                   unchanged
set -eu
LC_ALL=C
export LC_ALL
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SIZE=${BENCH_SIZE:-1000000}
if [ "$SIZE" -gt 100000 ]; then SMALL=${BENCH_SMALL:-100000}; else SMALL=${BENCH_SMALL:-$((SIZE / 10))}; fi
API_SIZE=${BENCH_API_SIZE:-50000}
[ "$API_SIZE" -gt "$SIZE" ] && API_SIZE=$SIZE
OUT=${BENCH_DIR:-$TOP/var/bench}
RUN=$OUT/run
SANDBOX_PID=""
START=$(date +%s)

# The sandbox's own credentials (scripts/gen-fixtures.py oauth.json): not real secrets.
export FINSYNC_CRM_CLIENT_SECRET=sandbox-crm-secret
export FINSYNC_CRM_REFRESH_TOKEN=1000.sandbox-crm-refresh
export FINSYNC_FIN_CLIENT_SECRET=sandbox-fin-secret
export FINSYNC_FIN_REFRESH_TOKEN=1000.sandbox-fin-refresh

die() {
	echo "bench: $*" >&2
	exit 1
}

sandbox_stop() {
	if [ -n "$SANDBOX_PID" ]; then
		kill "$SANDBOX_PID" 2>/dev/null || true
		wait "$SANDBOX_PID" 2>/dev/null || true
		SANDBOX_PID=""
	fi
}
trap sandbox_stop EXIT INT TERM

say() {
	echo "bench: [$(($(date +%s) - START))s] $*" >&2
}

# Packages: /usr/bin/time -v is Debian's `time`.
"$TOP/scripts/install-deps.sh" time gzip
for tool in /usr/bin/time jq python3 gzip curl; do
	command -v "$tool" >/dev/null || die "'$tool' is missing"
done
[ "$SMALL" -ge 1000 ] || die "BENCH_SIZE $SIZE is too small (at least 10000)"

rm -rf "$RUN"
mkdir -p "$RUN" "$OUT/data"
: >"$RUN/results"
: >"$RUN/commands"
# The machine may be shared: its load and the CPU time stolen by the
# hypervisor (/proc/stat, in USER_HZ ticks) are part of the record.
echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/results"
echo "steal_start=$(awk '/^cpu /{print $9}' /proc/stat)" >>"$RUN/results"

# result KEY VALUE: one line of $RUN/results for report.py.
result() {
	echo "$1=$2" >>"$RUN/results"
}

# measure NAME COMMAND...: runs it under /usr/bin/time -v ($RUN/NAME.time),
# output in $RUN/NAME.out and .err; the command is listed in BENCH.md.
measure() {
	name=$1
	shift
	echo "$name	$*" >>"$RUN/commands"
	if ! /usr/bin/time -v -o "$RUN/$name.time" "$@" >"$RUN/$name.out" 2>"$RUN/$name.err"; then
		tail -n 20 "$RUN/$name.err" >&2
		die "$name failed: $*"
	fi
}

# gen KIND N: generated data (api or csv format) for N accounts, reused
# when the generator and its arguments are unchanged; prints its folder.
gen() {
	dir=$OUT/data/$1-$2
	stamp="$(md5sum <"$TOP/scripts/gen-fixtures.py" | cut -d' ' -f1) --accounts $2 --format $1 --seed 1"
	if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$stamp" ]; then
		say "generating $1 data for $2 accounts in $dir"
		rm -rf "$dir"
		echo "gen-$1-$2	python3 scripts/gen-fixtures.py --accounts $2 --format $1 --seed 1 --out $dir" >>"$RUN/commands"
		t0=$(date +%s)
		python3 "$TOP/scripts/gen-fixtures.py" --accounts "$2" --format "$1" --seed 1 --out "$dir" \
			2>"$RUN/gen-$1-$2.err" || { cat "$RUN/gen-$1-$2.err" >&2; die "generator failed"; }
		echo "$stamp" >"$dir/.stamp"
		result "gen.$1-$2" $(($(date +%s) - t0))
	fi
	echo "$dir"
}

# sandbox_start SEED [args]: a sandbox on a free loopback port; sets SANDBOX_URL.
sandbox_start() {
	sandbox_stop
	rm -f "$RUN/sandbox.port"
	"$BUILD/finsync-sandbox" --seed "$1" --port 0 --port-file "$RUN/sandbox.port" --quiet \
		>"$RUN/sandbox.out" 2>"$RUN/sandbox.err" &
	SANDBOX_PID=$!
	i=0
	while [ ! -s "$RUN/sandbox.port" ]; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
			cat "$RUN/sandbox.err" >&2
			die "the sandbox did not start"
		fi
		sleep 0.05
	done
	SANDBOX_URL="http://127.0.0.1:$(cat "$RUN/sandbox.port")"
}

# requests [since]: the sandbox's request log as "api method path query" lines.
requests() {
	curl -sf "$SANDBOX_URL/__control/requests" |
		jq -r '.requests[] | "\(.api) \(.method) \(.path) \(.query // "")"'
}

clear_requests() {
	curl -sf -X DELETE "$SANDBOX_URL/__control/requests" >/dev/null
}

# write_job FILE NAME STATE_DIR CRM_JSON SYNC_JSON
write_job() {
	cat >"$1" <<JOB
{
  "job": "$2",
  "state_dir": "$3",
  "crm": $4,
  "finance": {
    "type": "zoho-books",
    "api_base": "$SANDBOX_URL/books/v3",
    "organization_id": "10234695",
    "requests_per_minute": 0,
    "accounts_url": "$SANDBOX_URL",
    "client_id": "1000.SANDBOXFIN",
    "client_secret_env": "FINSYNC_FIN_CLIENT_SECRET",
    "refresh_token_env": "FINSYNC_FIN_REFRESH_TOKEN"
  },
  "sync": $5
}
JOB
}

# The realistic job (as jobs/demo.json) and the side-by-side one: accounts only.
SYNC_FULL='{
    "customers": { "crm_module": "accounts_and_contacts", "include_orphan_contacts": true,
                   "on_duplicate": "skip", "field_map": { "cf_industry": "Industry" } },
    "vendors": { "on_duplicate": "overwrite" },
    "items": { "on_duplicate": "clone", "product_type_field": "Product_Category" }
  }'
SYNC_ACCOUNTS='{ "customers": { "crm_module": "accounts", "on_duplicate": "skip", "field_map": { "cf_industry": "Industry" } } }'

# staged_bytes DIR NAME...: uncompressed bytes of extract files.
staged_bytes() {
	dir=$1
	shift
	total=0
	for n in "$@"; do
		[ -f "$dir/$n.ndjson.gz" ] || continue
		total=$((total + $(zcat "$dir/$n.ndjson.gz" | wc -c)))
	done
	echo "$total"
}

# manifest_records DIR NAME...: records the manifest counts for those files.
manifest_records() {
	dir=$1
	shift
	python3 - "$dir/manifest.json" "$@" <<'PY'
import json, sys
files = json.load(open(sys.argv[1]))["files"]
print(sum(files.get(n + ".ndjson.gz", {}).get("records", 0) for n in sys.argv[2:]))
PY
}

CRM_FILES="accounts contacts products vendors"

# csv_part N PREFIX: extract (csv) and transform (full job) at N accounts.
csv_part() {
	n=$1
	p=$2
	data=$(gen csv "$n")
	sandbox_start "$data"
	state=$RUN/state-$p
	write_job "$RUN/$p-full.json" "bench-$p" "$state" "{ \"type\": \"csv\", \"dir\": \"$data/csv\" }" "$SYNC_FULL"
	say "$p: extract from CSV, $n accounts"
	measure "$p-extract" "$BUILD/finsync" extract "$RUN/$p-full.json"
	ex=$state/staging/1/extract
	result "$p.accounts" "$n"
	result "$p.csv_bytes" "$(cat "$data"/csv/*.csv | wc -c)"
	# shellcheck disable=SC2086
	result "$p.extract_records" "$(manifest_records "$ex" $CRM_FILES)"
	# shellcheck disable=SC2086
	result "$p.extract_bytes" "$(staged_bytes "$ex" $CRM_FILES)"
	result "$p.accounts_bytes" "$(staged_bytes "$ex" accounts)"
	if [ "$p" = big ]; then
		say "$p: gzip -1 on the NDJSON the extract wrote"
		# shellcheck disable=SC2086
		(cd "$ex" && zcat $(for f in $CRM_FILES; do [ -f $f.ndjson.gz ] && echo $f.ndjson.gz; done)) |
			/usr/bin/time -v -o "$RUN/$p-gzip.time" gzip -1 >/dev/null
		echo "$p-gzip	zcat $(echo $CRM_FILES | sed 's/\([a-z]*\)/\1.ndjson.gz/g') | gzip -1 >/dev/null" >>"$RUN/commands"
		side_by_side "$p" "$state" "$ex" "$data"
	fi
	say "$p: transform (accounts and contacts, vendors, items)"
	measure "$p-transform" "$BUILD/finsync" transform "$RUN/$p-full.json"
	sandbox_stop
}

# side_by_side PREFIX STATE EXTRACT_DIR DATA: the accounts-only transform, jq and
# Python on the same extract/accounts.ndjson.gz (same state_dir: the
# accounts job continues the run the extract started).
side_by_side() {
	p=$1
	write_job "$RUN/$p-accounts.json" "bench-$p-accounts" "$2" "{ \"type\": \"csv\", \"dir\": \"$4/csv\" }" "$SYNC_ACCOUNTS"
	# finsync and Python run twice, interleaved, and the faster run of each
	# counts: on a shared machine a neighbour's burst should not decide the ratio.
	say "$p: transform, accounts only: finsync"
	measure "$p-transform-accounts" "$BUILD/finsync" transform "$RUN/$p-accounts.json"
	say "$p: transform, accounts only: python3"
	measure "$p-python" python3 "$TOP/tests/bench/transform.py" "$3/accounts.ndjson.gz" /dev/null
	say "$p: transform, accounts only: jq"
	measure "$p-jq" sh -c "zcat '$3/accounts.ndjson.gz' | jq -c -f '$TOP/tests/bench/transform.jq' | gzip -1 >/dev/null"
	say "$p: transform, accounts only: finsync and python3 again"
	measure "$p-transform-accounts-2" "$BUILD/finsync" transform "$RUN/$p-accounts.json"
	measure "$p-python-2" python3 "$TOP/tests/bench/transform.py" "$3/accounts.ndjson.gz" /dev/null
}

# api_part N: extract and load through the sandbox API, then a no-change run.
api_part() {
	n=$1
	data=$(gen api "$n")
	sandbox_start "$data"
	state=$RUN/state-api
	write_job "$RUN/api.json" bench-api "$state" "{
    \"type\": \"zoho-crm\",
    \"api_base\": \"$SANDBOX_URL/crm/v8\",
    \"accounts_url\": \"$SANDBOX_URL\",
    \"client_id\": \"1000.SANDBOXCRM\",
    \"client_secret_env\": \"FINSYNC_CRM_CLIENT_SECRET\",
    \"refresh_token_env\": \"FINSYNC_CRM_REFRESH_TOKEN\"
  }" "$SYNC_FULL"
	result api.accounts "$n"
	say "api: extract through the CRM API, $n accounts"
	clear_requests
	measure api-extract "$BUILD/finsync" extract "$RUN/api.json"
	requests >"$RUN/api-extract.requests"
	ex=$state/staging/1/extract
	# shellcheck disable=SC2086
	result api.extract_records "$(manifest_records "$ex" $CRM_FILES)"
	# shellcheck disable=SC2086
	result api.extract_bytes "$(staged_bytes "$ex" $CRM_FILES)"
	for m in Accounts Contacts Products Vendors; do
		result "api.records.$m" "$(manifest_records "$ex" "$(echo "$m" | tr 'A-Z' 'a-z')")"
	done
	say "api: transform"
	measure api-transform "$BUILD/finsync" transform "$RUN/api.json"
	say "api: load into the sandbox (no rate limit)"
	clear_requests
	measure api-load "$BUILD/finsync" load "$RUN/api.json"
	requests >"$RUN/api-load.requests"
	say "api: a second run with nothing changed"
	clear_requests
	measure api-rerun "$BUILD/finsync" run "$RUN/api.json"
	requests >"$RUN/api-rerun.requests"
	sandbox_stop
}

csv_part "$SIZE" big
csv_part "$SMALL" small
api_part "$API_SIZE"
result total_seconds $(($(date +%s) - START))
result load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
result steal_end "$(awk '/^cpu /{print $9}' /proc/stat)"
python3 "$TOP/tests/bench/report.py" "$RUN" "$TOP/BENCH.md" "$SIZE" "$SMALL" "$API_SIZE"
