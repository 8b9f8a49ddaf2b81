# common.sh - what the bench scripts share, sourced by tests/bench/run.sh and
# tests/bench/bulk_read.sh (`. "$(dirname "$0")/common.sh"`, with the
# script's own arguments): the locale, the build and source folders, the
# sandbox's credentials, die, and a sandbox on a free loopback port.  Each
# script set up the same sandbox its own way before; now a fix lands once.
#
# The sourcing script sets BENCH_NAME (the prefix of its messages) first,
# and RUN (where the sandbox's port file and logs go) before it starts one.
# shellcheck shell=sh disable=SC2034 # TOP, SANDBOX_URL: for the scripts that source this
set -eu
LC_ALL=C
export LC_ALL
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SANDBOX_PID=""
SANDBOX_URL=""

# The sandbox's own credentials (scripts/gen-fixtures.py oauth.json): not real secrets.
export FINSYNC_CRM_CLIENT_SECRET=sandbox-crm-secret
export FINSYNC_CRM_REFRESH_TOKEN=1000.sandbox-crm-refresh
export FINSYNC_FIN_CLIENT_SECRET=sandbox-fin-secret
export FINSYNC_FIN_REFRESH_TOKEN=1000.sandbox-fin-refresh

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

sandbox_stop() {
	if [ -n "$SANDBOX_PID" ]; then
		kill "$SANDBOX_PID" 2>/dev/null || true
		wait "$SANDBOX_PID" 2>/dev/null || true
		SANDBOX_PID=""
	fi
}

# sandbox_wait PID NAME: until the sandbox started as PID wrote $RUN/NAME.port;
# prints its URL.
sandbox_wait() {
	i=0
	while [ ! -s "$RUN/$2.port" ]; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 "$1" 2>/dev/null; then
			cat "$RUN/$2.err" >&2
			die "the sandbox did not start"
		fi
		sleep 0.05
	done
	echo "http://127.0.0.1:$(cat "$RUN/$2.port")"
}

# sandbox_start SEED [OPTION...]: a sandbox on a free loopback port, seeded
# from the folder SEED, with any further options (--db FILE); sets
# SANDBOX_PID and SANDBOX_URL.
sandbox_start() {
	seed=$1
	shift
	sandbox_stop
	rm -f "$RUN/sandbox.port"
	"$BUILD/finsync-sandbox" --seed "$seed" "$@" --port 0 --port-file "$RUN/sandbox.port" --quiet \
		>"$RUN/sandbox.out" 2>"$RUN/sandbox.err" &
	SANDBOX_PID=$!
	SANDBOX_URL=$(sandbox_wait "$SANDBOX_PID" sandbox)
}
