#!/bin/sh
# The ledger owns its SQL: fails when SQL text, a SQLite call or ledger_db()
# appears in product code outside the folders that own a database:
#   src/ledger/                                the job's ledger
#   src/util/scratch.c                         the stages' scratch store
#   src/sandbox/                               the sandbox's own store
# Everything else asks a named ledger_* or scratch_* function.
# Usage: tests/check-layout.sh [TOP]   (prints the offending lines; exit 1 on any)
set -u
TOP=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP" || exit 2

# SQL statements as they start inside a C string, SQLite's API, the ledger's handle.
SQL='"[^"]*(SELECT [^"]*FROM|INSERT (OR [A-Z]+ )?INTO|UPDATE [a-z_.]+ SET|DELETE FROM|CREATE (TEMP )?(TABLE|INDEX)|DROP TABLE|ALTER TABLE|PRAGMA |WITH [a-z_]+ AS)|"(BEGIN|COMMIT|ROLLBACK)\b'
API='sqlite3|ledger_db\('

found=$(grep -rnE "$SQL|$API" src include --include='*.c' --include='*.h' |
	grep -vE '^src/ledger/|^src/sandbox/|^src/util/scratch\.c:')
if [ -n "$found" ]; then
	echo "SQL or SQLite outside src/ledger/ and the scratch store (add a ledger_* or scratch_* function instead):"
	echo "$found"
	exit 1
fi
exit 0
