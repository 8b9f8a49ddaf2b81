#!/bin/sh
test_description='history --format html -o: one self-contained page whose chart, run table and problem records equal the ledger; rendered by headless Chromium to a PNG'
# alone: headless Chromium takes a core and most of the memory for itself
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# Server side: a second finance "Globex Corporation" (the CRM's Globex is
# ambiguous in every full run) and a rejected 'Initech' (a failed record).
sandbox_start "$FIXTURES/base"
ctl POST /finance/books/contacts '{"data":[{"contact_name":"Globex Corporation","contact_type":"customer","customer_sub_type":"business"}]}' >/dev/null
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Initech","code":4,"message":"Invalid characters in the contact name"}' >/dev/null
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"skip"},"items":{"on_duplicate":"skip"}}'

# Five runs of every kind: partial; ok (the failed record retried); a dry
# run (transform counts); extract alone, then a load that aborts it; a full
# partial run with a new rejection.
expect_exit 1 finsync run job.json >/dev/null 2>&1
ctl DELETE /reject >/dev/null
run_ok job.json
run_ok job.json --dry-run --full
finsync_exit 0 extract job.json --only items
finsync_exit 2 load job.json                       # run 4 has no transform: aborted
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087060","Account_Name":"Bad Name Co"}]}' >/dev/null
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Bad Name Co","code":4,"message":"Refused for the test"}' >/dev/null
expect_exit 1 finsync run job.json --full >/dev/null 2>&1
assert_eq "partial ok ok aborted partial" "$(ledger_query state "select group_concat(status, ' ') from (select status from runs order by id)")" "the runs"

finsync_exit 0 history job.json --format html -o report.html
[ -s report.html ] || fail "no report.html"
[ ! -e report.html.tmp ] || fail "temporary file left behind"
assert_eq "" "$(cat "$WORK/out")" "nothing on stdout with -o"

# The ledger's numbers: per run, the load stage's counts (transform's when
# the run did not load), summed over entities; runs without stats count 0.
ledger_query state "
	WITH pick AS (SELECT id, CASE WHEN EXISTS (SELECT 1 FROM run_stats WHERE run_id = runs.id AND stage = 'load')
	                   THEN 'load' ELSE 'transform' END AS stage FROM runs)
	SELECT p.id || ' ' || coalesce(sum(s.added), 0) || ' ' || coalesce(sum(s.updated), 0) || ' ' ||
	       coalesce(sum(s.unchanged), 0) || ' ' || coalesce(sum(s.skipped), 0) || ' ' ||
	       coalesce(sum(s.duplicates), 0) || ' ' || coalesce(sum(s.failed), 0) || ' ' || coalesce(sum(s.deleted), 0)
	FROM pick p LEFT JOIN run_stats s ON s.run_id = p.id AND s.stage = p.stage GROUP BY p.id ORDER BY p.id" >want.counts
ledger_query state "select id || ' ' || status || ' ' || started_at from runs order by id" >want.runs
ledger_query state "select entity || '|' || crm_id || '|' || action || '|' || reason from events
	where run_id = (select max(id) from runs) and action in ('failed', 'invalid', 'ambiguous') order by id" >want.events
grep -q "^customers|4150868000000087060|failed|.*Refused for the test" want.events || fail "scenario: no failed record: $(cat want.events)"
grep -q "^customers|4150868000000087004|ambiguous|" want.events || fail "scenario: no ambiguous record: $(cat want.events)"

python3 - <<'PY' || fail "report does not match the ledger"
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.svg, self.runs, self.rects, self.events = [], 0, [], [], []
        self.external, self.cell, self.row, self.table_runs = [], None, None, []
        self.in_problems = False
        self.exit_cells = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("meta", "rect", "line", "circle", "polyline", "br"):
            self.stack.append(tag)
        if tag == "svg":
            self.svg += 1
        if tag in ("script", "link", "img", "iframe", "object"):
            self.external.append(tag)
        for k, v in attrs:
            if k in ("src", "href") or (v and "url(" in v):
                self.external.append(k + "=" + v)
        if tag == "g" and a.get("class") == "run":
            self.runs.append(a)
        if tag == "rect":
            self.rects.append(a)
        if tag == "section" and a.get("id") == "problems":
            self.in_problems = True
        if tag == "tr" and a.get("class") == "event":
            self.row = []
        if tag == "tr" and "data-run" in a and a.get("class") == "first":
            self.table_runs.append(a["data-run"])
        if tag == "td" and self.row is not None:
            self.cell = ""
    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if tag == "td" and self.row is not None and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        if tag == "tr" and self.row is not None:
            self.events.append(self.row)
            self.row = None
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

text = open("report.html", encoding="utf-8").read()
p = Page()
p.feed(text)
p.close()
assert text.startswith("<!DOCTYPE html>"), "doctype"
assert p.stack == [], "unclosed tags: %r" % p.stack
assert p.svg == 1, "one inline SVG"
assert not p.external, "external assets: %r" % p.external

names = ["added", "updated", "unchanged", "skipped", "duplicates", "failed", "deleted"]
want = [l.split() for l in open("want.counts")]
got = [[r["data-run"]] + [r["data-" + n] for n in names] for r in p.runs]
assert got == want, "chart numbers\n got %r\nwant %r" % (got, want)
runs = [l.split() for l in open("want.runs")]
assert [(r["data-run"], r["data-status"], r["data-started-at"]) for r in p.runs] == [tuple(x) for x in runs], "chart runs"
# Each run's stacked bars carry its outcomes (duplicates are a line: they are within the others).
import re
for g in re.finditer(r'<g class="run" data-run="(\d+)"[^>]*>(.*?)</g>', text, re.S):
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r'data-outcome="(\w+)" data-count="(\d+)"', g.group(2))}
    row = next(w for w in want if w[0] == g.group(1))
    for i, n in enumerate(names):
        if n != "duplicates":
            assert counts.get(n, 0) == int(row[1 + i]), (g.group(1), n, counts)
# The runs table: newest first, every run once.
assert p.table_runs == [r[0] for r in reversed(runs)], p.table_runs
# The newest run's problem records, as the events table has them.
events = [l.rstrip("\n").split("|", 3) for l in open("want.events")]
got_events = [[e[0], e[2], e[3], e[6]] for e in p.events]
assert got_events == events, "problem records\n got %r\nwant %r" % (got_events, events)
assert 'data-count="%d"' % len(events) in text
# Exit codes as the processes recorded them (run 4's load was a job error: 2).
for status, code in (("ok", "0"), ("partial", "1"), ("aborted", "2")):
    assert re.search(r'<span class="badge %s">%s</span></td><td class="n" rowspan="\d+">%s</td>' % (status, status, code), text), status
PY

# Formats other than html take -o too; a bad -o path is reported.
finsync_exit 0 history job.json --format csv -o history.csv
assert_eq "$(ledger_query state "select 1 + sum(n) from (select max(1, (select count(*) from run_stats s where s.run_id = r.id
	and s.stage = case when exists (select 1 from run_stats where run_id = r.id and stage = 'load') then 'load' else 'transform' end)) n
	from runs r)")" "$(wc -l <history.csv)" "csv rows: a header, one per run and entity"
finsync_exit 3 history job.json --format html -o /nonexistent/dir/report.html
grep -q "cannot create '/nonexistent/dir/report.html.tmp'" "$WORK/err" || fail "bad -o: $(cat "$WORK/err")"

# Rendered by headless Chromium (installed here when missing; offline is fine once it is there).
if ! command -v chromium >/dev/null 2>&1; then
	"$TOP/scripts/install-deps.sh" chromium >/dev/null 2>&1 || fail "chromium is missing and could not be installed"
fi
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --user-data-dir="$WORK/chrome" --screenshot="$WORK/report.png" \
	--window-size=1200,900 "file://$WORK/report.html" >chromium.log 2>&1 || { cat chromium.log >&2; fail "chromium failed"; }
[ -f report.png ] || { cat chromium.log >&2; fail "no screenshot"; }
size=$(wc -c <report.png)
[ "$size" -gt 10240 ] || fail "screenshot is only $size bytes"
assert_eq "89 50 4e 47" "$(head -c 4 report.png | od -An -tx1 | sed 's/^ //')" "PNG signature"
[ -z "${REPORT_PNG:-}" ] || cp report.png "$REPORT_PNG"
