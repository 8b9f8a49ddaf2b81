#!/bin/sh
test_description='progress: a line per stage redrawn with \r on a terminal (pseudo-terminal), nothing of it when stderr is piped, with -q or with --log-format json'
# alone: it reads a progress line redrawn on a pseudo-terminal as time passes
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/demo"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts_and_contacts","include_orphan_contacts":true},"items":{}}'

# On a terminal: the progress line of each stage, drawn in place.
on_pty tty.out run job.json || fail "run on a pty exited $?: $(cat tty.out)"
for what in "extract: Contacts [0-9,]* records" "extract: Accounts [0-9,]* records" \
	"extract: finance.customers [0-9,]* records" "transform: customers [0-9,]* records" \
	"transform: items [0-9,]*/[0-9,]* records ([0-9]*%)"; do
	tr '\r' '\n' <tty.out | grep -q "^$what" || fail "no progress line '$what' on the terminal: $(od -c tty.out | head -20)"
done
# Each drawn line is erased before the log line that follows it.
tr '\r' '\n' <tty.out | grep -q "^ *finsync: extract: Contacts: [0-9]* records" || fail "log line after the progress line"
python3 - <<'PY' || fail "progress line not erased: $(od -c tty.out | head)"
data = open("tty.out", "rb").read().decode()
# Every "\r<progress text>" is followed, before any newline, by "\r" + spaces + "\r".
import re
for m in re.finditer(r"\r((?:extract|transform): [^\r\n]*)", data):
    rest = data[m.end():]
    assert re.match(r"\r *\r", rest) or rest.startswith("\r"), repr(data[m.start():m.end() + 40])
PY

# Piped: not a byte of it.
finsync_exit 0 run job.json --full
if grep -q "$(printf '\r')" "$WORK/err"; then fail "carriage return in piped stderr: $(od -c "$WORK/err" | head)"; fi
if grep -Eq "^(extract|transform|load): " "$WORK/err"; then fail "progress line in piped stderr: $(cat "$WORK/err")"; fi
grep -q "^finsync: extract: Accounts: " "$WORK/err" || fail "log lines missing when piped: $(cat "$WORK/err")"

# A terminal, but -q: only warnings and errors, no progress.
on_pty quiet.out run -q job.json --full || fail "run -q on a pty exited $?"
if grep -q "records" quiet.out; then fail "progress or info with -q: $(od -c quiet.out | head)"; fi

# A terminal, but --log-format json: every line is JSON, no progress.
on_pty json.out run --log-format json job.json --full || fail "json run on a pty exited $?"
if grep -q "$(printf '\r')[et]" json.out; then fail "progress with --log-format json: $(od -c json.out | head)"; fi
tr -d '\r' <json.out | grep '^{' | jq -e . >/dev/null || fail "json lines on a pty do not parse"
