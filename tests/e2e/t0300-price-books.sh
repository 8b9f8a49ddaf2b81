#!/bin/sh
test_description='sync.price_books (the smallest unit, docs/HACKING.md "Add an entity"): the run stages the CRM price books, which export as CSV; nothing is written for them to either app; a job without the key stages none; a value that is not true or false is exit 2 naming the key, for check and run alike, as is a key no unit has, with the key it was near'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
TOK=$(fresh_token crm)
for name in Wholesale Retail; do
	curl -sf -X POST -H "Authorization: Zoho-oauthtoken $TOK" -H 'Content-Type: application/json' \
		--data-binary '{"data":[{"Price_Book_Name":"'$name'"}]}' "$SANDBOX_URL/crm/v8/Price_Books" >/dev/null ||
		fail "cannot create price book $name"
done

# --- with the key: both price books are staged and export as CSV; no write mentions them.
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"price_books":true}'
seq=$(last_seq)
run_ok job.json
grep -q "price_books: 2 staged" run.err run.out || fail "no staged line: $(cat run.err)"
finsync export job.json --stage extract --entity price_books -o pb.csv || fail "export failed"
assert_eq "Retail
Wholesale" "$(tail -n +2 pb.csv | tr ',' '\n' | grep -E '^(Retail|Wholesale)$' | sort)" "price books in the export"
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.method != "GET" and (.path | test("Price_Books|pricebooks")))] | length')" \
	"writes for price books"
assert_eq 1 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.method == "GET" and (.path | test("Price_Books$")))] | length')" \
	"one read of Price_Books"

# --- without the key: the CRM's Price_Books is not read, and the run stages none.
write_job other.json zoho-books '{"customers":{"crm_module":"accounts"}}'
sed -i 's/"state_dir": "state"/"state_dir": "other"/' other.json
seq=$(last_seq)
run_ok other.json
assert_eq 0 "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.path | test("Price_Books"))] | length')" \
	"reads of Price_Books without the key"
[ ! -e "$(ls -d other/staging/*/extract | tail -1)/price_books.ndjson.gz" ] || fail "price books staged without the key"

# --- a value that is not true or false.
write_job bad.json zoho-books '{"customers":{"crm_module":"accounts"},"price_books":"yes"}'
expect_exit 2 finsync check bad.json 2>err
grep -q "sync.price_books: must be true or false" err || fail "message does not name the key: $(cat err)"
expect_exit 2 finsync run bad.json 2>err
grep -q "sync.price_books: must be true or false" err || fail "run: message does not name the key: $(cat err)"

# --- a key under sync that no unit has.
write_job typo.json zoho-books '{"customers":{"crm_module":"accounts"},"price_book":true}'
expect_exit 2 finsync run typo.json 2>err
grep -qF "sync.price_book: unknown key (did you mean 'price_books'?)" err || fail "message does not name the unknown key: $(cat err)"
