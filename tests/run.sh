#!/bin/sh
# Runs the C unit tests and every end-to-end script tests/e2e/t*.sh.
# Usage: tests/run.sh BUILD_DIR [PATTERN]
# Prints one line per test and ends with "N passed, N failed"; exits 1 on any failure.
set -u
BUILD=$(cd "${1:-build}" && pwd)
PATTERN=${2:-t}
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BUILD TOP
passed=0
failed=0
failed_names=""
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/finsync-tests.XXXXXX")

if [ -x "$BUILD/unit-tests" ] && [ "$PATTERN" = t ]; then
	if $BUILD/unit-tests >"$LOGDIR/unit.log" 2>&1; then :; fi
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
	echo "unit: $up passed, $uf failed"
fi

for t in "$TOP"/tests/e2e/"$PATTERN"*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	start=$(date +%s)
	if sh "$t" >"$LOGDIR/$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $name ($(( $(date +%s) - start ))s)"
	else
		failed=$((failed + 1))
		failed_names="$failed_names $name"
		echo "FAIL $name ($(( $(date +%s) - start ))s)"
		sed 's/^/    | /' "$LOGDIR/$name.log" | tail -n 60
	fi
done
rm -rf "$LOGDIR"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
