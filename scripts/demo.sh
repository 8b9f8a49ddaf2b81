#!/bin/sh
# make demo: start the sandbox on a free loopback port seeded from
# fixtures/demo, run jobs/demo.json against it, print the summary and where
# the CSV exports are, stop the sandbox.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
STATE=$TOP/var/demo
TMP=$(mktemp -d "${TMPDIR:-/tmp}/finsync-demo.XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The sandbox's own credentials (fixtures/demo/oauth.json): not real secrets.
export FINSYNC_CRM_CLIENT_SECRET=sandbox-crm-secret
export FINSYNC_CRM_REFRESH_TOKEN=1000.sandbox-crm-refresh
export FINSYNC_FIN_CLIENT_SECRET=sandbox-fin-secret
export FINSYNC_FIN_REFRESH_TOKEN=1000.sandbox-fin-refresh

"$BUILD/finsync-sandbox" --seed "$TOP/fixtures/demo" --port 0 --port-file "$TMP/port" --quiet \
	>"$TMP/sandbox.out" 2>"$TMP/sandbox.err" &
PID=$!
i=0
while [ ! -s "$TMP/port" ]; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$PID" 2>/dev/null; then
		cat "$TMP/sandbox.err" >&2
		echo "demo: the sandbox did not start" >&2
		exit 1
	fi
	sleep 0.05
done
FINSYNC_SANDBOX_URL="http://127.0.0.1:$(cat "$TMP/port")"
export FINSYNC_SANDBOX_URL
echo "demo: sandbox (Zoho CRM + Zoho Books) at $FINSYNC_SANDBOX_URL"

rm -rf "$STATE"
echo "demo: finsync run jobs/demo.json"
rc=0
"$BUILD/finsync" run "$TOP/jobs/demo.json" || rc=$?

mkdir -p "$STATE/exports"
for entity in customers vendors items; do
	"$BUILD/finsync" export "$TOP/jobs/demo.json" --stage transform --entity "$entity" \
		-o "$STATE/exports/$entity.csv"
done
echo
echo "demo: what each CRM record became (action, match, reason): $STATE/exports/*.csv"
ls -1 "$STATE/exports" | sed 's/^/  /'
echo "demo: the ledger: sqlite3 $STATE/ledger.sqlite 'select action, count(*) from events group by action'"
sqlite3 "$STATE/ledger.sqlite" "select '  ' || entity || ' ' || action || ': ' || count(*) from events group by entity, action" 2>/dev/null || true
echo
echo "demo: a second run with no CRM change creates nothing new (-q: silent when all is well; its history):"
"$BUILD/finsync" run -q "$TOP/jobs/demo.json" || rc=$?
"$BUILD/finsync" history "$TOP/jobs/demo.json" --limit 1 || rc=$?
"$BUILD/finsync" history "$TOP/jobs/demo.json" --format html -o "$STATE/report.html" &&
	echo "demo: the runs as a page (open it in a browser): $STATE/report.html"
exit $rc
