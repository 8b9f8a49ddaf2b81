#!/bin/sh
test_description='file modes: under umask 000 the state dir is 0700 and the ledger, tokens, staged files and -o outputs are 0600; a ledger made 0644 before is made 0600'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'
umask 000
run_ok job.json
assert_eq 700 "$(stat -c %a state)" "state dir"
assert_eq 600 "$(stat -c %a state/ledger.sqlite)" "ledger"
assert_eq 600 "$(stat -c %a state/tokens.json)" "token cache"
assert_eq "" "$(find state -type d ! -perm 700)" "directories not 0700"
assert_eq "" "$(find state -type f ! -perm 600)" "files not 0600"
[ -n "$(find state/staging -type f -name '*.ndjson.gz')" ] || fail "no staged file was checked"
finsync history job.json --format html -o h.html
finsync export job.json --stage transform --entity customers -o customers.csv
assert_eq 600 "$(stat -c %a h.html)" "history -o file"
assert_eq 600 "$(stat -c %a customers.csv)" "export -o file"

# A ledger left world-readable by an older finsync is made owner-only when opened.
chmod 644 state/ledger.sqlite
finsync status job.json >/dev/null
assert_eq 600 "$(stat -c %a state/ledger.sqlite)" "ledger after status"
