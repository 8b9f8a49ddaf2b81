#!/bin/sh
# The layering check: reads every `#include "..."` in src/ and include/finsync/ and fails
# when a file includes a header of a layer above its own, so that the code's layers stay
# what src/README.md says they are.  The layers, lowest first:
#   util (buffers, allocation, time, files, JSON, logging, staging) < job (the job
#   model and the finance app table) < ledger < conn < xform < stage < cmd < main
# A header belongs to the layer of the source file of the same name (scratch.h to
# src/util/scratch.c), else to the one HEADER_LAYERS gives it; a header under src/DIR/
# to DIR.  The sandbox stands apart: it includes its own headers and the named set of
# utilities it borrows (the Makefile's SANDBOX_UTIL), and nothing of finsync
# includes a header of the sandbox.
# The upward includes that exist today are listed in ALLOWED below, each with why it is
# there; a new one fails the check.  Remove a line when its include goes away.
# Usage: tests/check-layers.sh [TOP]
set -eu
TOP=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP"

# The utilities the sandbox borrows (Makefile SANDBOX_UTIL): allocation, the buffer,
# errors and the JSON codec, and timeutil.h so that the sandbox and finsync read
# ISO 8601 times with one parser (the sandbox with TIME_EXACT) instead of two.
SANDBOX_BORROWS="alloc.h buf.h err.h ndjson.h timeutil.h"

# Headers without a source file of their own name: HEADER LAYER.
HEADER_LAYERS="
cmd.h cmd
finance.h job
ledger.h ledger
outcome.h ledger
"

# Known upward includes: FILE HEADER (as written in the #include), one per line.
ALLOWED="
"

# Every header in the tree, with its layer: "PATH LAYER".
header_layers() {
	for h in include/finsync/*.h; do
		b=${h##*/}
		l=$(echo "$HEADER_LAYERS" | awk -v h="$b" '$1 == h { print $2 }')
		if [ -z "$l" ]; then
			for c in src/*/"${b%.h}.c"; do
				[ -f "$c" ] && { l=${c#src/}; l=${l%%/*}; }
			done
		fi
		echo "$h ${l:--}"
	done
	for h in src/*/*.h src/*/*/*.h; do
		[ -f "$h" ] || continue
		l=${h#src/}
		echo "$h ${l%%/*}"
	done
}

# One line per problem; the allowances and the stale ones are settled in awk.
{
	header_layers | sed 's/^/H /'
	echo "$ALLOWED" | grep -v '^#' | sed -n 's/^\(..*\)$/A \1/p'
	find src include/finsync -name '*.[ch]' | sort | xargs grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
		sed 's/^\([^:]*\):[^"]*"\([^"]*\)".*/I \1 \2/'
} | awk -v borrows="$SANDBOX_BORROWS" '
function rank(l) {
	return l == "util" ? 0 : l == "job" ? 1 : l == "ledger" ? 2 : l == "conn" ? 3 : \
		l == "xform" ? 4 : l == "stage" ? 5 : l == "cmd" ? 6 : l == "main" ? 7 : -1
}
# src/stage/../xform/xform.h -> src/xform/xform.h
function normal(p,    n, parts, out, i, k) {
	n = split(p, parts, "/"); k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "..") k--
		else if (parts[i] != ".") out[++k] = parts[i]
	}
	p = out[1]
	for (i = 2; i <= k; i++) p = p "/" out[i]
	return p
}
function layer_of(f,    d) {
	if (f == "src/main.c") return "main"
	if (f in hl) return hl[f]
	if (f ~ /^src\/[^\/]+\//) { d = f; sub(/^src\//, "", d); sub(/\/.*/, "", d); return d }
	return "-"
}
BEGIN { n = split(borrows, b, " "); for (i = 1; i <= n; i++) borrowed["include/finsync/" b[i]] = 1 }
$1 == "H" { hl[$2] = $3; next }
$1 == "A" { allowed[$2 " " $3] = 1; next }
$1 == "I" {
	f = $2; inc = $3; checked++
	dir = f; sub(/\/[^\/]*$/, "", dir)
	if ((normal(dir "/" inc)) in hl) target = normal(dir "/" inc)
	else if (("include/" inc) in hl) target = "include/" inc
	else { print f ": includes \"" inc "\", which is not in the tree"; problems++; next }
	from = layer_of(f); to = layer_of(target); why = ""
	if (from == "-") why = "no layer for " f " (add it to HEADER_LAYERS)"
	else if (from == "sandbox") { if (to != "sandbox" && !(target in borrowed)) why = "the sandbox borrows only " borrows }
	else if (to == "sandbox") why = "finsync does not include the sandbox"
	else if (to == "-") why = "no layer for " target " (add it to HEADER_LAYERS)"
	else if (rank(to) > rank(from)) why = from " includes " to ", a layer above it"
	if (why == "") next
	if ((f " " inc) in allowed) { used[f " " inc] = 1; next }
	print f ": #include \"" inc "\": " why; problems++
}
END {
	if (!checked) { print "no #include found: is this the top of the tree?"; problems++ }
	for (a in allowed) if (!(a in used)) {
		print a ": listed in ALLOWED but no longer an upward include: remove the line"; problems++
	}
	print checked + 0 " includes checked, " problems + 0 " problems"
	exit problems > 0
}'
