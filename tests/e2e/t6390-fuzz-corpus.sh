#!/bin/sh
test_description='fuzz corpus: every seed and regression input of tests/fuzz/corpus/ runs through its target without a crash, a leak under ASan, or a disagreement with jansson'
# The targets built as plain programs ($BUILD/fuzz-replay/, made by `make test`): the
# inputs that once showed a defect (the codec's two deviations from jansson, *-d16) stay
# here as regression tests, as will any crash `make fuzz` finds.
. "$(dirname "$0")/lib.sh"
for dir in "$TOP"/tests/fuzz/corpus/*/; do
	t=$(basename "$dir")
	[ -x "$BUILD/fuzz-replay/$t" ] || fail "$BUILD/fuzz-replay/$t is missing: make test builds it"
	"$BUILD/fuzz-replay/$t" "$dir"* >"$WORK/$t.out" 2>"$WORK/$t.err" ||
		{ cat "$WORK/$t.err" >&2; fail "fuzz target $t failed on its corpus"; }
	echo "$t: $(cat "$WORK/$t.out")"
done
