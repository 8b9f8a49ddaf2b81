#!/bin/sh
test_description='export and review --format xlsx: ids, ZIP codes and phones as text cells, CRM times as date cells (UTC), a bold frozen header; LibreOffice reads the ids back intact and renders the sheet to PNG; xlsx needs -o FILE and takes no --bom'
# slow: installs libreoffice-calc when missing; each headless conversion takes seconds
. "$(dirname "$0")/lib.sh"
cd "$WORK"
need_soffice

sandbox_start "$FIXTURES/base"
ZIPCO=4150868000000087070
ctl POST /crm/Accounts "{\"data\":[{\"id\":\"$ZIPCO\",\"Account_Name\":\"Zero Zip Supplies\",\"Billing_Code\":\"02187\",\"Phone\":\"+302180242310\"}]}" >/dev/null
ctl POST /finance/books/contacts '{"data":[{"contact_name":"Globex Corporation","company_name":"Globex Corporation","contact_type":"customer","customer_sub_type":"business"}]}' >/dev/null
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"skip"},"items":{"on_duplicate":"skip"}}'
finsync run job.json >/dev/null 2>&1 || true

finsync_exit 0 export job.json --stage extract --entity accounts --format xlsx -o accounts.xlsx
finsync_exit 0 export job.json --stage extract --entity accounts -o accounts.csv
[ ! -e accounts.xlsx.tmp ] || fail "temporary file left behind"

# The cells as the workbook types them.
python3 - accounts.xlsx accounts.csv "$ZIPCO" <<'PY' || fail "xlsx cells"
import csv, re, sys, zipfile, datetime
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
styles = z.read("xl/styles.xml").decode()
assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet, "header not frozen"
rows = re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', sheet, re.S)
def cells(body):
    out = {}
    for ref, attrs, inner in re.findall(r'<c r="([A-Z]+)\d+"([^>]*)>(.*?)</c>', body, re.S):
        t = re.search(r'<t[^>]*>(.*?)</t>', inner)
        v = re.search(r'<v>(.*?)</v>', inner)
        out[ref] = (attrs, t.group(1) if t else None, v.group(1) if v else None)
    return out
head = cells(rows[0][1])
col = {text: ref for ref, (attrs, text, v) in head.items()}
assert all('s="1"' in a for a, _, _ in head.values()), "header not bold"
xfs = re.findall(r'<xf [^>]*/>', styles.split("<cellXfs")[1])
fmts = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
src = {r["id"][2:-1] if r["id"].startswith('="') else r["id"]: r for r in csv.DictReader(open(sys.argv[2], newline=""))}
seen = 0
for _, body in rows[1:]:
    c = cells(body)
    attrs, rid, _ = c[col["id"]]
    assert 't="inlineStr"' in attrs and len(rid) == 19, ("id not text", c[col["id"]])
    if rid == sys.argv[3]:
        seen = 1
        assert c[col["Billing_Code"]][0:2] == (' t="inlineStr"', "02187"), c[col["Billing_Code"]]
        assert c[col["Phone"]][0:2] == (' t="inlineStr"', "+302180242310"), c[col["Phone"]]
    attrs, _, v = c[col["Modified_Time"]]
    style = int(re.search(r's="(\d+)"', attrs).group(1))
    assert fmts[re.search(r'numFmtId="(\d+)"', xfs[style]).group(1)] == "yyyy-mm-dd hh:mm:ss", attrs
    want = datetime.datetime.fromisoformat(src[rid]["Modified_Time"].replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    got = datetime.datetime(1899, 12, 30) + datetime.timedelta(days=float(v))
    assert abs((got - want.replace(tzinfo=None)).total_seconds()) < 1, (got, want)
assert seen, "the ZIP account is missing"
PY

# LibreOffice reads it back: ids, the ZIP's 0 and the phone's + intact.
soffice_convert accounts.xlsx "csv:Text - txt - csv (StarCalc):44,34,76,1" calc
grep -q "\"$ZIPCO\"" calc/accounts.csv || fail "id lost in Calc: $(cat calc/accounts.csv)"
grep -q '"02187"' calc/accounts.csv || fail "ZIP lost its 0: $(grep Zero calc/accounts.csv)"
grep -q '"+302180242310"' calc/accounts.csv || fail "phone lost its +: $(grep Zero calc/accounts.csv)"
grep -qE ',20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9],' calc/accounts.csv || fail "no date cell: $(sed -n 2p calc/accounts.csv)"
grep -q "E+0*18" calc/accounts.csv && fail "ids as numbers: $(cat calc/accounts.csv)"
# ... and renders it (to PDF, then PNG): the page shows every digit of the id.
soffice_convert accounts.xlsx pdf pdf
command -v pdftoppm >/dev/null 2>&1 || "$TOP/scripts/install-deps.sh" poppler-utils >/dev/null 2>&1 ||
	fail "poppler-utils is missing and could not be installed"
pdftotext -layout pdf/accounts.pdf pdf/accounts.txt
grep -q "$ZIPCO" pdf/accounts.txt || fail "the rendered page lost the id: $(cat pdf/accounts.txt)"
grep -q "02187" pdf/accounts.txt || fail "the rendered page lost the ZIP's 0"
grep -q "###" pdf/accounts.txt && fail "a column too narrow for its cells: $(cat pdf/accounts.txt)"
pdftoppm -png -r 60 -f 1 -l 1 pdf/accounts.pdf accounts
assert_eq "89 50 4e 47" "$(head -c 4 accounts-1.png | od -An -tx1 | sed 's/^ //')" "a PNG"

# The review listing as a workbook: its ids are text for Calc too.
finsync_exit 0 review job.json --format xlsx -o review.xlsx
assert_eq "review.xlsx: 3 records to review (from 1 run)" "$(cat "$WORK/out")" "review summary"
soffice_convert review.xlsx "csv:Text - txt - csv (StarCalc):44,34,76,1" calc
grep -q '"4150868000000087004"' calc/review.csv || fail "review id lost: $(cat calc/review.csv)"
assert_eq '"run","entity","crm_module","crm_id","name","action","match","reason","candidate_ids","candidate_names","score","decision"' \
	"$(head -n 1 calc/review.csv | tr -d '\r')" "review header"

# xlsx needs a file, and has no byte order mark.
finsync_exit 2 export job.json --stage extract --entity accounts --format xlsx
grep -q "export: --format xlsx writes a file: give -o FILE.xlsx, not standard output" "$WORK/err" || fail "stdout: $(cat "$WORK/err")"
finsync_exit 2 review job.json --format xlsx --bom -o r.xlsx
grep -q "review: --bom is for CSV" "$WORK/err" || fail "bom: $(cat "$WORK/err")"
