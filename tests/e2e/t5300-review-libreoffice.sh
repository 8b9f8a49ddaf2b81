#!/bin/sh
test_description='review: the CSV survives LibreOffice Calc (ids kept as text through its import, an edit and a save), review --apply follows the saved decisions; a file whose ids Calc turned into numbers, or an xlsx, is refused by line with nothing recorded'
# slow: installs libreoffice-calc when missing; each headless conversion takes seconds
. "$(dirname "$0")/lib.sh"
cd "$WORK"
need_soffice

# The Globex of the CRM is ambiguous (a second finance Globex), the CRM's
# Widget Pro has the SKU of the existing item, ACME  Ltd duplicates Acme Ltd.
sandbox_start "$FIXTURES/base"
GLOBEX=4150868000000087004 WIDGET=4150868000000089001 GLOBEX_FIN=460000000026049
ctl POST /finance/books/contacts '{"data":[{"contact_name":"Globex Corporation","company_name":"Globex Corporation","contact_type":"customer","customer_sub_type":"business"}]}' >/dev/null
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"skip"},"items":{"on_duplicate":"skip"}}'
finsync run job.json >/dev/null 2>&1 || true
finsync_exit 0 review job.json -o review.csv
grep -qF "\"=\"\"$GLOBEX\"\"\"" review.csv || fail "id not written as text: $(cat review.csv)"

# Calc opens it as a user does (the import dialog's defaults, UTF-8 chosen),
# the analyst types two decisions into the flat XML document, Calc saves it
# as CSV.  The id cells are text in Calc, not numbers.
soffice_convert review.csv fods calc "CSV:44,34,76,1"
grep -q "office:string-value=\"$GLOBEX\"" calc/review.fods || fail "Calc did not keep the id as text"
python3 - calc/review.fods "$GLOBEX" "link:$GLOBEX_FIN" "$WIDGET" create <<'PY' || fail "cannot edit the decisions"
import re, sys
path, edits = sys.argv[1], dict(zip(sys.argv[2::2], sys.argv[3::2]))
doc = open(path, encoding="utf-8").read()
CELL = re.compile(r'<table:table-cell\b(?:[^>]*/>|.*?</table:table-cell>)', re.S)
def decide(m):
    row = m.group(0)
    ids = [i for i in edits if 'office:string-value="%s"' % i in row]
    if not ids:
        return row
    head, body, tail = re.match(r'(<table:table-row[^>]*>)(.*)(</table:table-row>)', row, re.S).groups()
    cells = []
    for c in CELL.findall(body):
        n = re.search(r'table:number-columns-repeated="(\d+)"', c)
        cells += [re.sub(r' table:number-columns-repeated="\d+"', '', c)] * (int(n.group(1)) if n else 1)
    cells = (cells + ['<table:table-cell/>'] * 12)[:11]
    cells.append('<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>%s</text:p></table:table-cell>' % edits[ids[0]])
    return head + "".join(cells) + tail
doc, n = re.subn(r'<table:table-row\b.*?</table:table-row>', decide, doc, flags=re.S)
assert doc.count("<text:p>create</text:p>") == 1 and doc.count("<text:p>link:") == 1
open(path, "w", encoding="utf-8").write(doc)
PY
soffice_convert calc/review.fods "csv:Text - txt - csv (StarCalc):44,34,76,1" saved
grep -q "$GLOBEX" saved/review.csv || fail "the saved file lost the id: $(cat saved/review.csv)"
grep -q "E+0*18" saved/review.csv && fail "the saved file has ids as numbers: $(cat saved/review.csv)"

# The saved file applies: the link is recorded; the create of an item whose
# SKU the app already has is refused with its line and why (not failed every night).
finsync_exit 1 review job.json --apply saved/review.csv
line=$(grep -n "$WIDGET" saved/review.csv | cut -d: -f1)
grep -q "saved/review.csv line $line: create cannot work: Zoho Books refuses a second item with the SKU 'WP-100', which finance item 460000000027001 ('Widget Pro') has; decide link:460000000027001 or skip" "$WORK/err" ||
	fail "create not refused: $(cat "$WORK/err")"
assert_eq "saved/review.csv: 1 decisions recorded (1 link, 0 create, 0 skip), 1 rows without a decision, 1 rows ignored" \
	"$(head -n 1 "$WORK/out")" "apply summary"
assert_eq "customers|$GLOBEX|link|$GLOBEX_FIN" "$(ledger_query state "select entity, crm_id, decision, finance_id from decisions")" "decisions"

# The next run follows the decision: Globex linked to the chosen finance record.
finsync run job.json >/dev/null 2>&1 || true
assert_eq "$GLOBEX_FIN" "$(ledger_query state "select finance_id from links where crm_id = '$GLOBEX'")" "Globex linked"
assert_eq "$GLOBEX" "$(store books contacts | jq -r ".[] | select(.contact_id == \"$GLOBEX_FIN\") | .custom_field_hash.cf_crm_id")" "the chosen record carries the CRM id"
assert_eq 1 "$(store books items | jq '[.[] | select(.sku == "WP-100")] | length')" "no second WP-100"

# The saved file opened again in Calc and saved again: now its ids are
# numbers (the plain digits Calc wrote are read as one), and --apply refuses
# the whole file, naming every such line, recording nothing.
soffice_convert saved/review.csv "csv:Text - txt - csv (StarCalc):44,34,76,1" again "CSV:44,34,76,1"
grep -q "4.15086800000009E+018" again/review.csv || fail "Calc kept the ids this time? $(cat again/review.csv)"
finsync_exit 2 review job.json --apply again/review.csv
grep -q "again/review.csv line $line: crm_id '4.15086800000009E+018' was turned into a number by a spreadsheet: its digits are lost$" "$WORK/err" ||
	fail "mangled id not named: $(cat "$WORK/err")"
grep -q "CRM ids were changed by a spreadsheet that read them as numbers; nothing recorded" "$WORK/err" || fail "no refusal: $(cat "$WORK/err")"
assert_eq 1 "$(ledger_query state "select count(*) from decisions")" "nothing more recorded"

# A workbook given to --apply: refused, saying it wants CSV.
finsync_exit 0 review job.json --format xlsx -o review.xlsx
finsync_exit 2 review job.json --apply review.xlsx
grep -q "'review.xlsx' is a spreadsheet file (xlsx or ods, a ZIP archive), not CSV: save it as CSV" "$WORK/err" || fail "xlsx: $(cat "$WORK/err")"
