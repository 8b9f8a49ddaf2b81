#!/bin/sh
# Tests mirror the source: every product source file (src/**/*.c but the sandbox and
# src/main.c) has its unit test, tests/unit/test_NAME.c, or test_DIR_NAME.c when
# another folder holds a file of the same name (src/ledger/deals.c and
# src/stage/deals.c: test_ledger_deals.c; test_DIR_NAME.c is always accepted), or is
# named in NO_UNIT_TEST below with the one line that says why it has none (where its
# behaviour is tested instead, or why there is nothing to unit-test).
# A new source file with neither fails, naming it; so does a NO_UNIT_TEST line whose
# file is gone or has a unit test now (remove the line), or that gives no reason.
# Usage: tests/check-mirror.sh [TOP]   (prints the offending files; exit 1 on any)
set -u
TOP=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP" || exit 2

# FILE  WHY: one line each, by folder.
NO_UNIT_TEST="
src/stage/deal_money.c    covered by e2e t9050: writes a deal's money fields after the load
src/stage/deals.c         covered by test_deal_plan.c (its decisions) and e2e t9000-t9080: the deals' three hooks
src/stage/plan.c          covered by test_cmd_plan.c (its figures through finsync plan, against the sandbox) and e2e t8500
src/stage/quotes.c        covered by test_quote_plan.c (its decisions) and e2e t9110, t9150: the quotes' hooks
src/stage/transactions.c  covered by e2e t9120, t9140, t9142, t9160: mirrors finance transactions into the CRM
src/xform/customer_type.c covered by test_transform.c (accounts, contacts and both, orphan contacts) and e2e t3100
"

# A unit test file for FILE: test_DIR_NAME.c, or test_NAME.c when NAME is one file's.
has_unit_test() {
	name=${1##*/}
	name=${name%.c}
	dir=${1%/*}
	dir=${dir##*/}
	[ -f "tests/unit/test_${dir}_$name.c" ] && return 0
	[ -f "tests/unit/test_$name.c" ] || return 1
	case " $SHARED_NAMES " in *" $name "*) return 1 ;; esac
}

SOURCES=$(find src -name '*.c' ! -path 'src/sandbox/*' ! -path src/main.c | sort)
# The names two folders share (deals, mapping, plan ...): only test_DIR_NAME.c tells which.
SHARED_NAMES=$(echo "$SOURCES" | sed 's|.*/||; s|\.c$||' | sort | uniq -d | tr '\n' ' ')
LISTED=" $(echo "$NO_UNIT_TEST" | awk 'NF { print $1 }' | tr '\n' ' ') "
bad=0
for f in $SOURCES; do
	has_unit_test "$f" && continue
	case $LISTED in *" $f "*) continue ;; esac
	name=${f##*/}
	name=${name%.c}
	want=test_$name.c
	case " $SHARED_NAMES " in *" $name "*) dir=${f%/*} want=test_${dir##*/}_$name.c ;; esac
	echo "$f: no unit test tests/unit/$want and no line in NO_UNIT_TEST saying why"
	bad=1
done
# The list's own lines: each names a file that is there, has no unit test, and says why.
stale=$(echo "$NO_UNIT_TEST" | while read -r f why; do
	[ -n "$f" ] || continue
	if [ ! -f "$f" ]; then
		echo "NO_UNIT_TEST names $f, which is gone: remove its line"
	elif has_unit_test "$f"; then
		echo "NO_UNIT_TEST names $f, which has a unit test now: remove its line"
	elif [ -z "$why" ]; then
		echo "NO_UNIT_TEST names $f without saying why"
	fi
done)
if [ -n "$stale" ]; then
	echo "$stale" | sed 's/^/tests\/check-mirror.sh: /'
	bad=1
fi
exit $bad
