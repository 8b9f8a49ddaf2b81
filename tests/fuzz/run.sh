#!/bin/sh
# Runs each libFuzzer target of tests/fuzz/ for SECONDS, one after the other.
# Usage: tests/fuzz/run.sh FUZZ_BUILD SECONDS TARGET...
# Each target starts from its seed corpus tests/fuzz/corpus/<target>/ (read,
# never written) and keeps what it finds in FUZZ_BUILD/corpus/<target>/; a crash
# is saved as FUZZ_BUILD/crashes/<target>-crash-<sha1> and fails the run.  Prints
# one line per target with its executions, and exits 1 when any target failed.
set -u
build=$1 seconds=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
failed=""
mkdir -p "$build/crashes"
for t in "$@"; do
	mkdir -p "$build/corpus/$t"
	dict=""
	[ -f "$top/tests/fuzz/$t.dict" ] && dict="-dict=$top/tests/fuzz/$t.dict"
	log="$build/fuzz-$t.log"
	# shellcheck disable=SC2086
	if "$build/fuzz/$t" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t-" $dict \
		"$build/corpus/$t" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1; then
		status=ok
	else
		status=FAIL
		failed="$failed $t"
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	echo "$status $t: ${execs:-?} executions in ${seconds}s ($log)"
	[ "$status" = ok ] || grep -E 'ERROR|SUMMARY|differ|Test unit written' "$log" | head -n 10 | sed 's/^/    | /'
done
[ -z "$failed" ] || { echo "fuzz: failed:$failed (add the crash input to tests/fuzz/corpus/<target>/ once fixed)"; exit 1; }
