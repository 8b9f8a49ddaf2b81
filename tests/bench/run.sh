#!/bin/sh
# make bench: records/s, MB/s and peak RSS per stage, side by side with
# gzip -1, jq and Python on the same staged files, and the API economy of a
# full and a no-change run against the sandbox, and a load at the finance
# app's rate limit (in the background, beside the rest); writes the table
# into BENCH.md (between the bench markers) and prints it.
#
# Usage: tests/bench/run.sh BUILD_DIR
#   BENCH_SIZE      CRM accounts of the CSV part (default 1000000)
#   BENCH_SMALL     the size whose peak RSS the big one is compared with
#                   (default 100000; BENCH_SIZE/10 when BENCH_SIZE <= 100000)
#   BENCH_API_SIZE  CRM accounts loaded through the sandbox API (default
#                   50000, at most BENCH_SIZE): sized so that the whole run
#                   fits 15 minutes on 2 cores at the default BENCH_SIZE
#   BENCH_RATE_MINUTES  minutes of the load against a sandbox limited to
#                   100 finance requests a minute (default 10; 0 skips it).
#                   It runs in the background while the other parts run: it
#                   waits on the limit most of the time (~1.7 requests/s)
#   BENCH_DIR       where data and runs go (default var/bench); generated
#                   data is reused while the generator and its arguments are
#                   unchanged
#   BENCH_MD        the file report.py writes (default BENCH.md; a trial run
#                   may write elsewhere)
BENCH_NAME=bench
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"
SIZE=${BENCH_SIZE:-1000000}
if [ "$SIZE" -gt 100000 ]; then SMALL=${BENCH_SMALL:-100000}; else SMALL=${BENCH_SMALL:-$((SIZE / 10))}; fi
API_SIZE=${BENCH_API_SIZE:-50000}
[ "$API_SIZE" -gt "$SIZE" ] && API_SIZE=$SIZE
RATE_MINUTES=${BENCH_RATE_MINUTES:-10}
RATE_LIMIT=100
OUT=${BENCH_DIR:-$TOP/var/bench}
RUN=$OUT/run
CMDS=$RUN/commands
# The rate-limited load has its own sandbox and runs in a background shell.
RATE_PID=""
RATE_URL=""
RATE_JOB=""
START=$(date +%s)

# rate_stop: the rate-limited load's shell and command (if they still run),
# and its sandbox: a finsync left running would retry against no sandbox.
rate_stop() {
	if [ -n "$RATE_JOB" ]; then
		kill "$RATE_JOB" 2>/dev/null || true
		wait "$RATE_JOB" 2>/dev/null || true
		RATE_JOB=""
		[ ! -s "$RUN/rate.pid" ] || kill "$(cat "$RUN/rate.pid")" 2>/dev/null || true
		rm -f "$RUN/rate.pid"
	fi
	if [ -n "$RATE_PID" ]; then
		kill "$RATE_PID" 2>/dev/null || true
		wait "$RATE_PID" 2>/dev/null || true
		RATE_PID=""
	fi
}

cleanup() {
	sandbox_stop
	rate_stop
}
trap cleanup EXIT
# Exit (and so clean up) on a signal rather than carry on without a sandbox.
trap 'exit 1' INT TERM

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
# output in $RUN/NAME.out and .err; the command is listed in BENCH.md.  With
# PIDFILE set, the command's pid is in that file while it runs.
measure() {
	name=$1
	shift
	echo "$name	$*" >>"$CMDS"
	# shellcheck disable=SC2016
	[ -z "${PIDFILE:-}" ] || set -- sh -c 'echo $$ >"$0" && exec "$@"' "$PIDFILE" "$@"
	rc=0
	/usr/bin/time -v -o "$RUN/$name.time" "$@" >"$RUN/$name.out" 2>"$RUN/$name.err" || rc=$?
	[ -z "${PIDFILE:-}" ] || rm -f "$PIDFILE"
	if [ $rc -ne 0 ]; then
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
		echo "gen-$1-$2	python3 scripts/gen-fixtures.py --accounts $2 --format $1 --seed 1 --out $dir" >>"$CMDS"
		t0=$(date +%s)
		python3 "$TOP/scripts/gen-fixtures.py" --accounts "$2" --format "$1" --seed 1 --out "$dir" \
			2>"$RUN/gen-$1-$2.err" || { cat "$RUN/gen-$1-$2.err" >&2; die "generator failed"; }
		echo "$stamp" >"$dir/.stamp"
		result "gen.$1-$2" $(($(date +%s) - t0))
	fi
	echo "$dir"
}

# requests [since]: the sandbox's request log as "api method path query" lines.
requests() {
	curl -sf "$SANDBOX_URL/__control/requests" |
		jq -r '.requests[] | "\(.api) \(.method) \(.path) \(.query // "")"'
}

# clear_requests [URL]
clear_requests() {
	curl -sf -X DELETE "${1:-$SANDBOX_URL}/__control/requests" >/dev/null
}

# crm_api URL: the job's crm object for the sandbox's CRM API at URL.
crm_api() {
	cat <<CRM
{
    "type": "zoho-crm",
    "api_base": "$1/crm/v8",
    "accounts_url": "$1",
    "client_id": "1000.SANDBOXCRM",
    "client_secret_env": "FINSYNC_CRM_CLIENT_SECRET",
    "refresh_token_env": "FINSYNC_CRM_REFRESH_TOKEN"
  }
CRM
}

# write_job FILE NAME STATE_DIR CRM_JSON SYNC_JSON [URL [PER_MINUTE]]: the
# finance app at URL (default SANDBOX_URL), paced to PER_MINUTE (default 0: none).
write_job() {
	url=${6:-$SANDBOX_URL}
	cat >"$1" <<JOB
{
  "job": "$2",
  "state_dir": "$3",
  "crm": $4,
  "finance": {
    "type": "zoho-books",
    "api_base": "$url/books/v3",
    "organization_id": "10234695",
    "requests_per_minute": ${7:-0},
    "accounts_url": "$url",
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
		echo "$p-gzip	zcat $(echo $CRM_FILES | sed 's/\([a-z]*\)/\1.ndjson.gz/g') | gzip -1 >/dev/null" >>"$CMDS"
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
	# The same job name: a state_dir belongs to the job that made it.
	write_job "$RUN/$p-accounts.json" "bench-$p" "$2" "{ \"type\": \"csv\", \"dir\": \"$4/csv\" }" "$SYNC_ACCOUNTS"
	say "$p: transform, accounts only: jq"
	measure "$p-jq" sh -c "zcat '$3/accounts.ndjson.gz' | jq -c -f '$TOP/tests/bench/transform.jq' | gzip -1 >/dev/null"
	# finsync, Python and the plain mapping as a jq one-liner
	# (tests/bench/mapping.jq, written out in the command so that BENCH.md
	# shows it) run three times, interleaved, and the median of each counts
	# (wall and CPU time apart): on a shared machine a neighbour's burst
	# should not decide the ratio.
	plain=$(grep -v '^#' "$TOP/tests/bench/mapping.jq")
	for round in "" -2 -3; do
		say "$p: transform, accounts only: finsync, python3 and the plain jq mapping${round:+ (run ${round#-})}"
		measure "$p-transform-accounts$round" "$BUILD/finsync" transform "$RUN/$p-accounts.json"
		measure "$p-python$round" python3 "$TOP/tests/bench/transform.py" "$3/accounts.ndjson.gz" /dev/null
		measure "$p-jq-plain$round" sh -c "zcat '$3/accounts.ndjson.gz' | jq -c '$plain' | gzip -1 >/dev/null"
	done
}

# api_part N: extract and load through the sandbox API, then a no-change run.
api_part() {
	n=$1
	data=$(gen api "$n")
	sandbox_start "$data"
	state=$RUN/state-api
	write_job "$RUN/api.json" bench-api "$state" "$(crm_api "$SANDBOX_URL")" "$SYNC_FULL"
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
	# shellcheck disable=SC2086
	result api.rerun_records "$(manifest_records "$state/staging/2/extract" $CRM_FILES)"
	sandbox_stop
	# The load once more, into a fresh sandbox and ledger; the faster of the
	# two counts, as for the transforms: finsync and the sandbox share the two
	# cores with whatever else the machine runs.
	sandbox_start "$data"
	write_job "$RUN/api-2.json" bench-api-2 "$RUN/state-api-2" "$(crm_api "$SANDBOX_URL")" "$SYNC_FULL"
	"$BUILD/finsync" extract -q "$RUN/api-2.json" && "$BUILD/finsync" transform -q "$RUN/api-2.json" ||
		die "the second load's extract or transform failed"
	say "api: load into a fresh sandbox again"
	measure api-load-2 "$BUILD/finsync" load "$RUN/api-2.json"
	sandbox_stop
}

# rate_accounts MINUTES: accounts whose load takes about MINUTES minutes at
# RATE_LIMIT finance requests a minute.  Each account is one create, but ~3 %
# are skipped (names the finance app has, or that collide), and a paced load
# sends each minute's requests as it opens, so MINUTES x RATE_LIMIT requests
# would end as the last minute begins: 5 % and half a minute's worth more make
# MINUTES complete minutes and a part of one more (at 10: 1,100 accounts,
# ~1,070 requests).
rate_accounts() {
	echo $(($1 * RATE_LIMIT * 21 / 20 + RATE_LIMIT / 2))
}

# rate_start: generates the data and starts the sandbox of the rate-limited
# load (in this shell, so that cleanup can stop it), then the load itself in
# the background: it waits on the limit most of the time, so it can run
# while the CPU-bound parts do.
rate_start() {
	result rate.minutes "$RATE_MINUTES"
	result rate.limit "$RATE_LIMIT"
	[ "$RATE_MINUTES" -gt 0 ] || return 0
	n=$(rate_accounts "$RATE_MINUTES")
	data=$(CMDS=$RUN/rate.commands gen api "$n")
	rm -f "$RUN/rate-sandbox.port"
	"$BUILD/finsync-sandbox" --seed "$data" --port 0 --port-file "$RUN/rate-sandbox.port" --quiet \
		>"$RUN/rate-sandbox.out" 2>"$RUN/rate-sandbox.err" &
	RATE_PID=$!
	RATE_URL=$(sandbox_wait "$RATE_PID" rate-sandbox)
	result rate.accounts "$n"
	rate_load &
	RATE_JOB=$!
}

# rate_load (background): extract and transform with no limit, then the load
# with the job paced to RATE_LIMIT and the sandbox limited to it (POST
# /__control/limits also starts its windows afresh).
rate_load() {
	trap - EXIT INT TERM
	CMDS=$RUN/rate.commands
	PIDFILE=$RUN/rate.pid
	write_job "$RUN/rate.json" bench-rate "$RUN/state-rate" "$(crm_api "$RATE_URL")" "$SYNC_ACCOUNTS" \
		"$RATE_URL" "$RATE_LIMIT"
	say "rate (background): extract and transform"
	measure rate-extract "$BUILD/finsync" extract "$RUN/rate.json"
	measure rate-transform "$BUILD/finsync" transform "$RUN/rate.json"
	clear_requests "$RATE_URL"
	curl -sf -X POST "$RATE_URL/__control/limits" -d "{\"rate_per_minute\": $RATE_LIMIT}" >/dev/null ||
		die "cannot set the sandbox's rate limit"
	say "rate (background): load at $RATE_LIMIT requests a minute, about $RATE_MINUTES minutes"
	measure rate-load "$BUILD/finsync" load "$RUN/rate.json"
	curl -sf "$RATE_URL/__control/requests" >"$RUN/rate-load.requests.json" ||
		die "cannot read the rate sandbox's request log"
	say "rate (background): done"
}

# rate_finish: waits for the rate-limited load; its commands go last.
rate_finish() {
	[ -n "$RATE_JOB" ] || return 0
	say "waiting for the rate-limited load"
	wait "$RATE_JOB" || die "the rate-limited load failed (see $RUN/rate-*.err)"
	RATE_JOB=""
	rate_stop
	cat "$RUN/rate.commands" >>"$CMDS"
}

rate_start
csv_part "$SIZE" big
csv_part "$SMALL" small
api_part "$API_SIZE"
rate_finish
result total_seconds $(($(date +%s) - START))
result load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
result steal_end "$(awk '/^cpu /{print $9}' /proc/stat)"
python3 "$TOP/tests/bench/report.py" "$RUN" "${BENCH_MD:-$TOP/BENCH.md}" "$SIZE" "$SMALL" "$API_SIZE"
