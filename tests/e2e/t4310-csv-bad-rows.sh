#!/bin/sh
test_description='extract: each malformed CSV row is an invalid event naming the file and line; the other rows sync; exit 1; nothing is named after the header'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

HEADER='id,Account_Name,Phone,Description,Modified_Time'

# row N [NAME] [DESCRIPTION]: one CSV row of CsvCo N, CRLF-ended.
row() {
	printf '41508680009000000%02d,%s,+1 555 %04d,%s,2026-11-01T09:15:00+05:30\r\n' "$1" "${2:-CsvCo $1}" "$1" "${3:-}"
}

# rows FROM TO: rows FROM..TO.
rows() {
	i=$1
	while [ "$i" -le "$2" ]; do row "$i"; i=$((i + 1)); done
}

# csv_job CASE: a fresh sandbox, a CSV-source job on export-CASE/ with its own state-CASE ledger.
csv_job() {
	sandbox_stop
	sandbox_start "$FIXTURES/base"
	write_job "$1.json" zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"clone"}}'
	jq --arg d "export-$1" --arg s "state-$1" '.crm = {"type": "csv", "dir": $d} | .state_dir = $s' "$1.json" >j.tmp
	mv j.tmp "$1.json"
	mkdir -p "export-$1"
}

# check CASE LINE CREATED...: run the case; exit 1; one invalid event naming the
# file and LINE; the CsvCo numbers CREATED are in Books (and no other of the case's).
check() {
	case=$1 line=$2; shift 2
	expect_exit 1 finsync run "$case.json" >"$case.out" 2>"$case.err"
	reasons=$(ledger_query "state-$case" "select reason from events where action = 'invalid'")
	assert_eq 1 "$(echo "$reasons" | grep -c .)" "$case: invalid events ($reasons)"
	echo "$reasons" | grep -q "^'Accounts.csv' line $line[:,]" || fail "$case: the event does not name line $line: $reasons"
	grep -q "'Accounts.csv' line $line" "$case.err" || fail "$case: stderr does not name line $line: $(cat "$case.err")"
	assert_eq partial "$(ledger_query "state-$case" "select status from runs")" "$case: run status"
	assert_eq 1 "$(ledger_query "state-$case" "select failed from run_stats where stage = 'load'")" "$case: failed count"
	for n in "$@"; do
		names books contacts | grep -qx "CsvCo $n" || fail "$case: CsvCo $n not created"
	done
	assert_eq "$#" "$(ledger_query "state-$case" "select count(*) from events where action = 'create'")" "$case: creates"
}

# (a) A cell over 16 MiB: its row only; the rows after it are read.
csv_job long
{ printf '%s\r\n' "$HEADER"; rows 1 2
  row 3 "" "$(head -c $((17 << 20)) /dev/zero | tr '\0' y)"; rows 4 5; } >export-long/Accounts.csv
check long 4 1 2 4 5

# (b) An unclosed quote on row 2: that row only; rows 3 to 5 are read from the line after it.
csv_job quote
{ printf '%s\r\n' "$HEADER"; row 1; row 12 '"CsvCo 12'; rows 3 5; } >export-quote/Accounts.csv
check quote 3 1 3 4 5
names books contacts | grep -q 'CsvCo 12' && fail "quote: the broken row was created"

# (c) A repeated id: the later row is an invalid event, not dropped silently.
csv_job repeat
{ printf '%s\r\n' "$HEADER"; rows 1 5; row 1 "CsvCo Other"; } >export-repeat/Accounts.csv
check repeat 7 1 2 3 4 5
names books contacts | grep -q 'CsvCo Other' && fail "repeat: the repeated row was created"
ledger_query state-repeat "select reason from events where action = 'invalid'" | grep -q "id 4150868000900000001 is on an earlier row" ||
	fail "repeat: the reason does not name the id"

# (d) A NUL byte inside row 3's name: never created cut short as "CsvCo 3".
csv_job nul
{ printf '%s\r\n' "$HEADER"; rows 1 2; printf '4150868000900000003,CsvCo 3\000HIDDEN,+1 555 0003,,2026-11-01T09:15:00+05:30\r\n'
  rows 4 5; } >export-nul/Accounts.csv
check nul 4 1 2 4 5
names books contacts | grep -qx 'CsvCo 3' && fail "nul: the row was created cut at its NUL byte"

# (e) Two exports joined: the second one's BOM and header are an invalid row, never a customer "Account_Name".
csv_job joined
{ printf '\357\273\277%s\r\n' "$HEADER"; rows 1 2; printf '\357\273\277%s\r\n' "$HEADER"; rows 3 5; } >export-joined/Accounts.csv
check joined 4 1 2 3 4 5
names books contacts | grep -q 'Account_Name' && fail "joined: a customer named after the header"

# (f) A BOM before an id is not a new CRM id.
csv_job bom
{ printf '%s\r\n' "$HEADER"; rows 1 2; printf '\357\273\277'; rows 3 5; } >export-bom/Accounts.csv
check bom 4 1 2 4 5

# The analysts see them: review lists each invalid row with its file and line as the reason.
finsync review -o review.csv joined.json
grep -q "invalid.*'Accounts.csv' line 4: the header row again" review.csv || fail "review does not list the row: $(cat review.csv)"
finsync history joined.json --format html -o history.html
grep -q "&#39;Accounts.csv&#39; line 4: the header row again\|'Accounts.csv' line 4: the header row again" history.html ||
	fail "the HTML report does not show the invalid row"

# A rerun of a case reads the file again: the same invalid event, nothing created twice.
expect_exit 1 finsync run bom.json >/dev/null 2>&1
assert_eq 4 "$(names books contacts | grep -c '^CsvCo [1245]$')" "bom: rerun creates nothing again"
assert_eq 2 "$(ledger_query state-bom "select count(*) from events where action = 'invalid'")" "bom: one invalid event a run"
