#!/bin/sh
test_description='docs: the man page is what scripts/gen-man.c makes of docs/finsync.1.in and the command tables (make man); it lists every option of every command, and a command it does not describe is refused'
. "$(dirname "$0")/lib.sh"

"$BUILD/gen-man" "$TOP/docs/finsync.1.in" >"$WORK/finsync.1" || fail "gen-man failed"
if ! cmp -s "$WORK/finsync.1" "$TOP/docs/finsync.1"; then
	diff "$TOP/docs/finsync.1" "$WORK/finsync.1" >&2 || true
	fail "docs/finsync.1 is not what 'make man' makes: edit docs/finsync.1.in or the tables, then run 'make man'"
fi

# Every option each command's --help lists is in the page, as roff writes it.
cmds=$(finsync --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
for cmd in $cmds; do
	finsync "$cmd" --help | sed -n '/^options:/,$p' | grep -o -- '^ *\(-[a-zA-Z], \)\?--[a-z-]*' |
		sed 's/.*--//' >"$WORK/opts"
	while read -r opt; do
		roff=$(echo "$opt" | sed 's/-/\\\\-/g')
		grep -q "fB\\\\-\\\\-$roff\\\\fR" "$TOP/docs/finsync.1" || fail "man page lacks --$opt of $cmd"
	done <"$WORK/opts"
done

# A template that leaves a command out, or names one that does not exist, is refused.
grep -v '^@OPTIONS unlink@$' "$TOP/docs/finsync.1.in" >"$WORK/less.in"
expect_exit 1 "$BUILD/gen-man" "$WORK/less.in" >/dev/null 2>"$WORK/err"
grep -q "no @OPTIONS unlink@ line" "$WORK/err" || fail "a command left out: $(cat "$WORK/err")"
sed 's/^@OPTIONS unlink@$/@OPTIONS unlinq@/' "$TOP/docs/finsync.1.in" >"$WORK/typo.in"
expect_exit 1 "$BUILD/gen-man" "$WORK/typo.in" >/dev/null 2>"$WORK/err"
grep -q "@OPTIONS unlinq@: no such command" "$WORK/err" || fail "an unknown command: $(cat "$WORK/err")"
