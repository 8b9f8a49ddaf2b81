#!/bin/sh
test_description='review: duplicates, ambiguous and invalid records listed as CSV; decisions applied (bad rows reported by line, exit 1) and followed by the next runs'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# Server side: a second finance "Globex Corporation" makes the CRM's Globex
# ambiguous; an account with an empty name is invalid; "ACME  Ltd" collides
# with "Acme Ltd" in the run; the CRM's "Widget Pro" WP-100 has the SKU of
# the existing item.
sandbox_start "$FIXTURES/base"
GLOBEX_FIN=460000000026049
GLOBEX_FIN2=$(ctl POST /finance/books/contacts '{"data":[{"contact_name":"Globex Corporation","company_name":"Globex Corporation","contact_type":"customer","customer_sub_type":"business"}]}' | jq -r '.ids[0]')
ctl POST /crm/Accounts '{"data":[{"id":"4150868000000087050","Account_Name":""}]}' >/dev/null
GLOBEX=4150868000000087004 ACME2=4150868000000087002 EMPTY=4150868000000087050 WIDGET=4150868000000089001
write_job job.json zoho-books '{"customers":{"crm_module":"accounts","on_duplicate":"skip"},"items":{"on_duplicate":"skip"}}'
expect_exit 1 finsync run job.json >/dev/null 2>&1

# The listing: one row per record to review, an empty decision column, a BOM on request.
finsync_exit 0 review job.json -o review.csv --bom
assert_eq "review.csv: 4 records to review (from 1 run)" "$(cat "$WORK/out")" "summary"
assert_eq "ef bb bf" "$(head -c 3 review.csv | od -An -tx1 | sed 's/^ //')" "BOM"
python3 - "$GLOBEX_FIN" "$GLOBEX_FIN2" <<'PY' || fail "listing: $(cat review.csv)"
import csv, sys
# Ids are written as ="..." so that a spreadsheet keeps them as text.
def text(v):
    return v[2:-1] if v.startswith('="') and v.endswith('"') else v
rows = [{k: text(v) for k, v in r.items()} for r in csv.DictReader(open("review.csv", newline="", encoding="utf-8-sig"))]
assert list(rows[0].keys()) == ["run", "entity", "crm_module", "crm_id", "name", "action", "match",
    "reason", "candidate_ids", "candidate_names", "score", "decision"], list(rows[0].keys())
by = {r["crm_id"]: r for r in rows}
assert sorted(by) == ["4150868000000087002", "4150868000000087004", "4150868000000087050",
                      "4150868000000089001"], sorted(by)
g = by["4150868000000087004"]
assert g["action"] == "ambiguous" and g["candidate_ids"] == sys.argv[1] + " " + sys.argv[2], g
assert g["candidate_names"] == "Globex Corporation | Globex Corporation", g
assert by["4150868000000087002"]["action"] == "skip" and "planned for creation" in by["4150868000000087002"]["reason"]
assert by["4150868000000087050"]["action"] == "invalid" and by["4150868000000087050"]["reason"] == "Account_Name is empty"
w = by["4150868000000089001"]
assert (w["entity"], w["match"], w["candidate_ids"], w["candidate_names"]) == ("items", "sku", "460000000027001", "Widget Pro"), w
assert all(r["decision"] == "" and r["run"] == "1" for r in rows)
PY

# export takes --bom too.
finsync_exit 0 export job.json --stage transform --entity items --bom -o items.csv
assert_eq "ef bb bf 65 6e" "$(head -c 5 items.csv | od -An -tx1 | sed 's/^ //')" "export BOM then the header"

# Decisions by sed, as an analyst's spreadsheet would leave them (CRLF kept),
# then rows a careless edit adds: an unknown CRM id, a malformed decision, a
# second decision for Globex, a link to a record that is not in the snapshot.
sed -i -e "/\"\"$GLOBEX\"\"/s/,\r\$/,link:$GLOBEX_FIN\r/" -e "/\"\"$ACME2\"\"/s/,\r\$/,create\r/" \
	-e "/\"\"$WIDGET\"\"/s/,\r\$/, Skip \r/" -e "/\"\"$EMPTY\"\"/s/,\r\$/,skip\r/" review.csv
printf '1,customers,Accounts,4150868000000099999,Nobody,skip,,,,,,create\r\n' >>review.csv
printf '1,customers,Accounts,%s,Globex,,,,,,,merge\r\n' "$GLOBEX" >>review.csv
printf '1,customers,Accounts,%s,Globex,,,,,,,link:%s\r\n' "$GLOBEX" "$GLOBEX_FIN2" >>review.csv
printf '1,customers,Accounts,%s,ACME,,,,,,,link:460000000099999\r\n' "$ACME2" >>review.csv
finsync_exit 1 review job.json --apply review.csv
assert_eq "review.csv: 3 decisions recorded (1 link, 1 create, 1 skip), 0 rows without a decision, 5 rows ignored" \
	"$(head -n 1 "$WORK/out")" "apply summary"
grep -q "review.csv line 4: CRM record $EMPTY is invalid (Account_Name is empty)" "$WORK/err" || fail "invalid row: $(cat "$WORK/err")"
grep -q "review.csv line 6: unknown CRM id '4150868000000099999' for customers" "$WORK/err" || fail "unknown id: $(cat "$WORK/err")"
grep -q "review.csv line 7: malformed decision 'merge'" "$WORK/err" || fail "malformed: $(cat "$WORK/err")"
grep -q "review.csv line 8: CRM record $GLOBEX is already decided on line 3" "$WORK/err" || fail "twice: $(cat "$WORK/err")"
grep -q "review.csv line 9: CRM record $ACME2 is already decided on line 2" "$WORK/err" || fail "twice: $(cat "$WORK/err")"
# Reported in line order.
assert_eq "4 6 7 8 9" "$(sed -n 's/.*review.csv line \([0-9]*\):.*/\1/p' "$WORK/err" | tr '\n' ' ' | sed 's/ $//')" "line order"
assert_eq "customers|$ACME2|Accounts|create|
customers|$GLOBEX|Accounts|link|$GLOBEX_FIN
items|$WIDGET|Products|skip|" \
	"$(ledger_query state "select entity, crm_id, crm_module, decision, coalesce(finance_id, '') from decisions order by entity, crm_id")" "decisions"

# A link to a finance id not in the snapshot, alone in its file: nothing recorded, exit 1.
printf 'entity,crm_id,decision\ncustomers,%s,link:460000000099999\n' "$ACME2" >bad.csv
finsync_exit 1 review job.json --apply bad.csv
grep -q "bad.csv line 2: finance id '460000000099999' is not in run 1's snapshot of Zoho Books customers" "$WORK/err" ||
	fail "link outside the snapshot: $(cat "$WORK/err")"
assert_eq create "$(ledger_query state "select decision from decisions where crm_id = '$ACME2'")" "earlier decision kept"
# A NUL byte in a cell is refused, not cut short ("create\0skip" is not "create").
printf 'entity,crm_id,decision\ncustomers,%s,create\000skip\n' "$ACME2" >nul.csv
finsync_exit 2 review job.json --apply nul.csv
grep -q "nul.csv line 2: a NUL byte in a cell" "$WORK/err" || fail "NUL: $(cat "$WORK/err")"
assert_eq create "$(ledger_query state "select decision from decisions where crm_id = '$ACME2'")" "decision unchanged"
# A file without the decision column is a usage error.
printf 'entity,crm_id\n' >nocol.csv
finsync_exit 2 review job.json --apply nocol.csv
grep -q "nocol.csv line 1: the header needs columns entity, crm_id and decision" "$WORK/err" || fail "header: $(cat "$WORK/err")"

# The next (incremental) run reads the decided records again and follows them
# (and the invalid account again, within the overlap: still exit 1).
expect_exit 1 finsync run job.json >"$WORK/run.out" 2>"$WORK/run.err"
grep -q "Accounts: 2 records decided by review are read again" "$WORK/run.err" || fail "decided ids not read: $(cat "$WORK/run.err")"
assert_eq "update|review|$GLOBEX_FIN" "$(ledger_query state "select action || '|' || match || '|' || finance_id from events where run_id = 2 and crm_id = '$GLOBEX'")" "link followed"
assert_eq "$GLOBEX_FIN" "$(ledger_query state "select finance_id from links where crm_id = '$GLOBEX'")" "Globex linked"
assert_eq "$GLOBEX" "$(store books contacts | jq -r ".[] | select(.contact_id == \"$GLOBEX_FIN\") | .custom_field_hash.cf_crm_id")" "linked record carries the CRM id"
assert_eq null "$(store books contacts | jq -r ".[] | select(.contact_id == \"$GLOBEX_FIN2\") | .custom_field_hash.cf_crm_id")" "the other Globex untouched"
assert_eq "create|review" "$(ledger_query state "select action || '|' || match from events where run_id = 2 and crm_id = '$ACME2'")" "create followed"
assert_eq "ACME  Ltd (2)" "$(names books contacts | grep '^ACME')" "created with a free name"
ledger_query state "select reason from events where run_id = 2 and crm_id = '$ACME2'" | grep -q "^created by review on 20..-..-.. as 'ACME  Ltd (2)'$" ||
	fail "create reason: $(ledger_query state "select reason from events where crm_id = '$ACME2'")"

# skip stays skipped for good: a full run reads the item again and skips it, with the review's date.
expect_exit 1 finsync run --full job.json >/dev/null 2>&1    # the empty-named account is still invalid
reason=$(ledger_query state "select action || '|' || match || '|' || reason from events where run_id = 3 and crm_id = '$WIDGET'")
case $reason in
"skip|review|skipped by review on "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*) fail "skip decision: $reason" ;;
esac
assert_eq 1 "$(store books items | jq '[.[] | select(.sku == "WP-100")] | length')" "no second WP-100 item"
assert_eq "unchanged|ledger" "$(ledger_query state "select action || '|' || match from events where run_id = 3 and crm_id = '$GLOBEX'")" "the link holds"

# What is left to review: only the invalid record.
finsync_exit 0 review job.json
assert_eq "3,customers,Accounts,\"=\"\"$EMPTY\"\"\",,invalid,,Account_Name is empty,,,," "$(sed -n 2p "$WORK/out" | tr -d '\r')" "left to review"
assert_eq 2 "$(wc -l <"$WORK/out")" "one record left"
