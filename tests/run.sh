#!/bin/sh
# Runs the C unit tests, the source-tree checks tests/check-*.sh (layers, layout, mirror) and
# the end-to-end scripts tests/e2e/t*.sh.
# Usage: tests/run.sh [-j N] BUILD_DIR [PATTERN...]
#   PATTERN selects e2e scripts by name prefix ("t7" runs t7000-t7999); "unit" and
#   "check" (or "check-layers", "check-layout", "check-mirror") select the unit tests and the checks.
#   No PATTERN: everything.
#   -j N runs N at once (default: the number of cores, or $JOBS).
# Each script starts its own sandbox on a free port in its own temporary directory, so
# they run side by side; a script with a line "# alone: WHY" (its outcome hangs on timing
# that a busy machine shifts) runs by itself after the others, and one with "# slow: WHY"
# starts first.  Each one's output is
# kept apart and shown in name order, so nothing interleaves.
# Prints one line per test and ends with "N passed, N failed"; exits 1 on any failure.
set -u
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ "${1:-}" = -j ]; then
	JOBS=$2
	shift 2
fi
# Internal: `run.sh --one LOGDIR SCRIPT` runs one test, for the parallel batch.
if [ "${1:-}" = --one ]; then
	logdir=$2 t=$3
	name=$(basename "$t" .sh)
	start=$(date +%s)
	if sh "$t" >"$logdir/$name.log" 2>&1; then rc=0; else rc=1; fi
	echo "$rc $(( $(date +%s) - start ))" >"$logdir/$name.rc.tmp"
	mv "$logdir/$name.rc.tmp" "$logdir/$name.rc"
	exit 0
fi
BUILD=$(cd "${1:-build}" && pwd)
[ $# -gt 0 ] && shift
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BUILD TOP
passed=0
failed=0
failed_names=""
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/finsync-tests.XXXXXX")
trap 'rm -rf "$LOGDIR"' EXIT
trap 'exit 130' INT TERM

# wanted NAME: 1 when a PATTERN (or no PATTERN at all) selects it.
wanted() {
	[ -z "$PATTERNS" ] && return 0
	for p in $PATTERNS; do
		case $1 in "$p"*) return 0 ;; esac
	done
	return 1
}
PATTERNS="$*"

# report NAME: counts and prints a finished test from its .rc file and its log.
report() {
	read -r rc secs <"$LOGDIR/$1.rc"
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok   $1 (${secs}s)"
	else
		failed=$((failed + 1))
		failed_names="$failed_names $1"
		echo "FAIL $1 (${secs}s)"
		sed 's/^/    | /' "$LOGDIR/$1.log" | tail -n 60
	fi
}

# The e2e scripts, in name order: those that must run alone apart from the rest.
# Those marked "# slow: WHY" (long, mostly asleep) start first, to overlap the others.
batch="" alone="" slow=""
for t in "$TOP"/tests/e2e/t*.sh; do
	[ -f "$t" ] || continue
	wanted "$(basename "$t" .sh)" || continue
	if grep -q '^# alone:' "$t"; then
		alone="$alone $t"
	else
		batch="$batch $t"
		grep -q '^# slow:' "$t" && slow="$slow $t"
	fi
done

# The unit tests run beside the batch; the layering check takes no time.
if wanted unit && [ -x "$BUILD/unit-tests" ]; then
	( start=$(date +%s); "$BUILD/unit-tests" >"$LOGDIR/unit.log" 2>&1
	  echo "$(( $(date +%s) - start ))" >"$LOGDIR/unit.secs" ) &
	unit_pid=$!
fi
batch_pid=""
if [ -n "$batch" ]; then
	{ printf '%s\n' $slow; printf '%s\n' $batch | grep -vxF "$(printf '%s\n' $slow)"; } | grep . |
		xargs -n 1 -P "$JOBS" sh "$0" --one "$LOGDIR" &
	batch_pid=$!
fi

# The checks of the source tree (tests/check-*.sh), one line each.
for c in "$TOP"/tests/check-*.sh; do
	name=$(basename "$c" .sh)
	wanted "$name" || continue
	start=$(date +%s)
	if sh "$c" "$TOP" >"$LOGDIR/$name.log" 2>&1; then rc=0; else rc=1; fi
	echo "$rc $(( $(date +%s) - start ))" >"$LOGDIR/$name.rc"
	report "$name"
done

if [ -n "${unit_pid:-}" ]; then
	wait "$unit_pid"
	line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$LOGDIR/unit.log" | tail -n 1)
	up=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	uf=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$up" ]; then
		up=0; uf=1
	fi
	passed=$((passed + up))
	failed=$((failed + uf))
	if [ "$uf" -ne 0 ]; then
		failed_names="$failed_names unit"
		cat "$LOGDIR/unit.log"
	fi
	echo "unit: $up passed, $uf failed ($(cat "$LOGDIR/unit.secs")s)"
fi

# The batch's results in name order, each as soon as it and those before it are done.
for t in $batch; do
	name=$(basename "$t" .sh)
	while [ ! -f "$LOGDIR/$name.rc" ]; do
		if ! kill -0 "$batch_pid" 2>/dev/null && [ ! -f "$LOGDIR/$name.rc" ]; then
			echo "1 0" >"$LOGDIR/$name.rc"    # its runner died without a word
			echo "(no result: the runner of $name died)" >>"$LOGDIR/$name.log"
		fi
		sleep 0.2
	done
	report "$name"
done
wait

for t in $alone; do
	sh "$0" --one "$LOGDIR" "$t"
	report "$(basename "$t" .sh)"
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
