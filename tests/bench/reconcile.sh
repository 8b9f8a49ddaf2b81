#!/bin/sh
# make bench, the import's two checks: `finsync reconcile` of N linked
# records (seconds, peak RSS: the comparison is in SQLite work tables, so
# memory stays flat), and `finsync plan`'s predicted calls against the calls
# a full run then makes on the same data (a smaller seed, synced for real).
#
# Usage: tests/bench/reconcile.sh BUILD_DIR
#   BENCH_RECONCILE_SIZE  linked records to reconcile (default 200000; 1000000
#                         does not fit the sandbox's whole-file seed yet, BENCH.md): a
#                         seed of that many accounts, the finance customers
#                         carrying their CRM ids, the links in the ledger
#   BENCH_PLAN_SIZE       accounts of the planned and run sync (default 5000)
#   BENCH_DIR             where data and runs go (default var/bench)
# Prints one line per figure and appends them to $BENCH_DIR/reconcile.results.
BENCH_NAME=bench-reconcile
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"
SIZE=${BENCH_RECONCILE_SIZE:-200000}
PLAN_SIZE=${BENCH_PLAN_SIZE:-5000}
OUT=${BENCH_DIR:-$TOP/var/bench}/reconcile
RUN=$OUT
trap sandbox_stop EXIT
trap 'exit 1' INT TERM

# sandbox SEED: started on a free port; $URL is its address.
sandbox() {
	sandbox_start "$1"
	URL=$SANDBOX_URL
}

# job FILE STATE: customers from accounts, unpaced.
job() {
	cat >"$1" <<JOB
{"job": "bench", "state_dir": "$2",
 "crm": {"type": "zoho-crm", "api_base": "$URL/crm/v8", "accounts_url": "$URL", "client_id": "1000.SANDBOXCRM",
         "client_secret_env": "FINSYNC_CRM_CLIENT_SECRET", "refresh_token_env": "FINSYNC_CRM_REFRESH_TOKEN"},
 "finance": {"type": "zoho-books", "api_base": "$URL/books/v3", "organization_id": "10234695", "requests_per_minute": 0,
             "accounts_url": "$URL", "client_id": "1000.SANDBOXFIN",
             "client_secret_env": "FINSYNC_FIN_CLIENT_SECRET", "refresh_token_env": "FINSYNC_FIN_REFRESH_TOKEN"},
 "sync": {"customers": {"crm_module": "accounts"}}}
JOB
}

result() {
	echo "$1=$2" | tee -a "$OUT/reconcile.results"
}

mkdir -p "$OUT"
: >"$OUT/reconcile.results"

# 1. N accounts, N finance customers carrying their ids (nothing else in the app), N links.
seed=$OUT/seed-$SIZE
if [ ! -s "$seed/finance/books/contacts.json" ]; then
	rm -rf "$seed"
	python3 "$TOP/scripts/gen-fixtures.py" --accounts "$SIZE" --format api --contacts-per-account 0 \
		--orphan-contacts 0 --finance-existing 0 --finance-vendors 0 --finance-items 0 --out "$seed" >/dev/null
	python3 - "$seed" <<'PY'
import json, os, sys
seed = sys.argv[1]
src = open(os.path.join(seed, "crm", "Accounts.json"))
out = open(os.path.join(seed, "finance", "books", "contacts.json"), "w")
links = open(os.path.join(seed, "links.csv"), "w")
out.write("[\n")
n = 0
for line in src:
    line = line.strip().rstrip(",")
    if not line.startswith("{"):
        continue
    a = json.loads(line)
    fid = str(460000300000000 + n)
    out.write((",\n" if n else "") + json.dumps({"contact_id": fid, "contact_name": a["Account_Name"],
        "company_name": a["Account_Name"], "contact_type": "customer", "status": "active",
        "custom_fields": [{"api_name": "cf_crm_id", "value": a["id"]}],
        "created_time": "2026-01-01T00:00:00+0000", "last_modified_time": "2026-01-01T00:00:00+0000"}))
    links.write("customers,%s,%s\n" % (a["id"], fid))
    n += 1
out.write("\n]\n")
PY
	rm -f "$seed/finance/books/items.json"
	echo '[]' >"$seed/finance/books/items.json"
fi
sandbox "$seed"
job "$OUT/job.json" "$OUT/state"
rm -rf "$OUT/state"
"$BUILD/finsync" pause "$OUT/job.json" >/dev/null && "$BUILD/finsync" resume "$OUT/job.json" >/dev/null
sqlite3 -batch "$OUT/state/ledger.sqlite" <<SQL
CREATE TEMP TABLE l (entity TEXT, crm_id TEXT, finance_id TEXT);
.mode csv
.import $seed/links.csv l
INSERT INTO links (entity, crm_id, finance_id, origin, state, updated_at)
  SELECT entity, crm_id, finance_id, 'crm', 'linked', '2026-01-01T00:00:00Z' FROM l;
SQL
if ! /usr/bin/time -v "$BUILD/finsync" reconcile -q --format json -o "$OUT/reconcile.json" "$OUT/job.json" \
	2>"$OUT/reconcile.time"; then
	# Past the CRM's listing wall a full read needs Bulk Read (crm.read): said, not failed.
	grep -q PAGINATION_LIMIT_EXCEEDED "$OUT/reconcile.time" || { cat "$OUT/reconcile.time" >&2; exit 1; }
	result reconcile_not_measured "$SIZE records are past the CRM's listing wall (100,000): needs the Bulk Read reader"
	SIZE=0
fi
[ "$SIZE" -eq 0 ] || result reconcile_records "$(jq .customers.linked "$OUT/reconcile.json")"
[ "$SIZE" -eq 0 ] || result reconcile_seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/reconcile.time")"
[ "$SIZE" -eq 0 ] || result reconcile_cpu_seconds "$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$OUT/reconcile.time")"
[ "$SIZE" -eq 0 ] || result reconcile_peak_rss_mib "$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$OUT/reconcile.time")"
result reconcile_command "finsync reconcile --format json -o reconcile.json job.json"
sandbox_stop

# 2. plan, then the full run it planned, on the same data: predicted against made calls per API.
pseed=$OUT/plan-seed-$PLAN_SIZE
[ -s "$pseed/crm/Accounts.json" ] || python3 "$TOP/scripts/gen-fixtures.py" --accounts "$PLAN_SIZE" --format api \
	--out "$pseed" >/dev/null
sandbox "$pseed"
rm -rf "$OUT/pstate"
job "$OUT/pjob.json" "$OUT/pstate"
"$BUILD/finsync" plan -q --format json "$OUT/pjob.json" >"$OUT/plan.json"
seq=$(curl -sf "$URL/__control/requests" | jq '[.requests[].seq] | max // 0')
"$BUILD/finsync" run -q "$OUT/pjob.json" >/dev/null
made=$(curl -sf "$URL/__control/requests?since=$seq" |
	jq -c '[.requests[] | select(.api != "oauth")] | {crm: map(select(.api == "crm")) | length, finance: map(select(.api != "crm")) | length}')
result plan_accounts "$PLAN_SIZE"
result plan_predicted "$(jq -c .calls "$OUT/plan.json")"
result plan_made "$made"
result plan_history "$("$BUILD/finsync" history --format json "$OUT/pjob.json" | jq -c '.[0].calls')"
