#!/bin/sh
test_description='progress under a paced run, on a pseudo-terminal: the load line counts records as the app answers them (not as they are queued), and its time left follows the pace and the budget left today'
# alone: it reads a progress line redrawn on a pseudo-terminal as a paced run goes
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/demo"
write_job job.json zoho-books '{"items":{}}'
# 300 requests a minute, one write at a time, each answered after 250 ms, and a daily budget that
# ends before the items do.
jq '.finance.requests_per_minute = 300 | .finance.daily_budget = 30 | .finance.max_in_flight = 1' job.json >paced.json
ctl POST /faults '{"kind":"delay","delay_ms":250,"path_prefix":"/books/v3/items","method":"PUT"}' >/dev/null

# A wide terminal: the line is cut at its width, and all of it is to be read here.
export PTY_COLUMNS=200
set +e
on_pty tty.out run paced.json
rc=$?
set -e
assert_eq 5 "$rc" "exit: the daily budget stopped the run"
tr '\r' '\n' <tty.out | grep '^load: items ' >load.lines || fail "no load progress line: $(od -c tty.out | head -20)"
# The counts drawn: never down, several steps between 0 and the end (queued records would jump to the batch at once).
python3 - load.lines <<'PY' || fail "load counts: $(cat load.lines)"
import re, sys
counts = [int(m.group(1).replace(",", "")) for m in (re.match(r"load: items ([0-9,]+)/([0-9,]+) records", l)
          for l in open(sys.argv[1])) if m]
assert counts, "no counts"
assert counts == sorted(counts), counts
steps = sorted(set(c for c in counts if 0 < c))
assert len(steps) >= 3, counts
assert steps[0] <= 5, counts           # the first answers, not a batch read ahead
PY
grep -q 'at 300 requests/min' load.lines || fail "no pace in the line: $(head -3 load.lines)"
grep -q 'budget ends in [0-9,]* records: resumes tomorrow' load.lines || fail "no budget in the line: $(head -3 load.lines)"
# What the line counted is what the app answered: the items the sandbox holds now, the line's last count at most that.
made=$(store_count books items)
last=$(sed -n 's#^load: items \([0-9,]*\)/.*#\1#p' load.lines | tr -d , | tail -1)
[ "$last" -le "$made" ] || fail "the line counted $last, the app holds $made items"
