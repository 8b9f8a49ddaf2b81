#!/bin/sh
test_description='-q: a clean run prints nothing at all; records not synced give one stderr line per entity (count, outcomes, where to look), so cron mails; journald priority prefixes only when stderr is the journal'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'

# A clean night: not one byte on stdout or stderr, exit 0.
finsync_exit 0 run -q job.json
assert_eq "0 0" "$(wc -c <"$WORK/out" | tr -d ' ') $(wc -c <"$WORK/err" | tr -d ' ')" "bytes on stdout and stderr of a clean -q run"
[ "$(ledger_query state "select count(*) from events where action = 'create'")" -gt 3 ] || fail "the clean run wrote nothing"

# A night with an invalid account (empty name) and a rejected one: exit 1, and
# one warning per entity that says how many, which outcomes, and where to look.
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087050","Account_Name":""}]}' >/dev/null
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087051","Account_Name":"Refused Co"}]}' >/dev/null
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Refused Co","code":4,"message":"Refused for the test"}' >/dev/null
finsync_exit 1 run -q job.json
assert_eq 0 "$(wc -c <"$WORK/out" | tr -d ' ')" "stdout of a -q run"
grep -qx "finsync: warn: customers: 2 records not synced (1 failed, 1 invalid); see 'finsync review job.json'" "$WORK/err" ||
	fail "no closing line for customers: $(cat "$WORK/err")"
assert_eq 1 "$(grep -c "not synced" "$WORK/err")" "closing lines (items are all synced)"
if grep -v -E '^finsync: ([a-z]+: )?(warn|error): ' "$WORK/err"; then fail "info lines with -q"; fi

# A dry run with the invalid account says what would not sync.
finsync_exit 1 run -q --dry-run job.json --full
grep -qx "finsync: warn: customers: 1 record would not sync (1 invalid); see 'finsync review job.json'" "$WORK/err" ||
	fail "dry run: $(cat "$WORK/err")"

# Without -q the same line closes the run's log, after the summary on stdout.
finsync_exit 1 run job.json --full
grep -q "^customers: " "$WORK/out" || fail "summary without -q: $(cat "$WORK/out")"
tail -n 1 "$WORK/err" | grep -q "customers: 2 records not synced (1 failed, 1 invalid)" || fail "last log line: $(tail -n 3 "$WORK/err")"

# stderr is the journal (JOURNAL_STREAM names its device and inode): priorities.
: >journal.err
export JOURNAL_STREAM="$(stat -c '%d:%i' journal.err)"
set +e
finsync run job.json --full >/dev/null 2>>journal.err
rc=$?
set -e
assert_eq 1 "$rc" "exit under the journal"
grep -q '^<4>finsync: warn: customers: 2 records not synced' journal.err || fail "no <4> warning: $(cat journal.err)"
grep -q '^<6>finsync: extract: ' journal.err || fail "no <6> info line: $(cat journal.err)"
if grep -v -E '^<[3467]>finsync: ' journal.err; then fail "a line without its priority"; fi
# A final error is <3>.
write_job bad.json zoho-books '{"customers":{"on_duplicate":"merge"}}'
: >journal.err
JOURNAL_STREAM="$(stat -c '%d:%i' journal.err)"
set +e
finsync run bad.json 2>>journal.err
set -e
grep -q '^<3>finsync: run: .*on_duplicate' journal.err || fail "no <3> error: $(cat journal.err)"
# JSON lines get the prefix too (journald strips it, the line stays JSON).
: >journal.err
JOURNAL_STREAM="$(stat -c '%d:%i' journal.err)"
set +e
finsync run -q --log-format json job.json --full >/dev/null 2>>journal.err
set -e
sed -n 's/^<4>//p' journal.err | jq -e -s 'any(.[]; .level == "warn" and (.message | test("not synced")))' >/dev/null ||
	fail "json under the journal: $(cat journal.err)"
# A JOURNAL_STREAM that is not this stderr (an inherited one): no prefix.
JOURNAL_STREAM="1:1" finsync_exit 1 run job.json --full
if grep -q '^<[0-9]>' "$WORK/err"; then fail "prefix while stderr is not the journal"; fi
unset JOURNAL_STREAM

# An ambiguous record (two finance customers of its name) waits for a person too.
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087052","Account_Name":"Twin Co"}]}' >/dev/null
for i in 1 2; do
	ctl POST /finance/books/contacts '{"data":[{"contact_name":"Twin Co","company_name":"Twin Co","contact_type":"customer","customer_sub_type":"business"}]}' >/dev/null
done
finsync_exit 1 run -q job.json --full
grep -qx "finsync: warn: customers: 3 records not synced (1 ambiguous, 1 failed, 1 invalid); see 'finsync review job.json'" "$WORK/err" ||
	fail "ambiguous: $(cat "$WORK/err")"
