#!/bin/sh
test_description='history lists runs newest first; export flattens a staged file to CSV'
. "$(dirname "$0")/lib.sh"

SANDBOX_URL=http://127.0.0.1:9   # never contacted: both commands only read local state
write_job "$WORK/job.json" zoho-books
STATE=$WORK/state
cd "$WORK"

# A job that never ran: an empty history, and no ledger created by looking.
finsync history job.json >out
assert_eq "run  started_at  finished_at  status  entity  added  updated  unchanged  skipped  duplicates  failed  deleted  exit_code  dry_run  calls_planned  calls_made" \
	"$(cat out)" "empty history"
[ ! -e "$STATE/ledger.sqlite" ] || fail "history created a ledger"
expect_exit 2 finsync export job.json --stage transform --entity customers 2>err
grep -q "has no runs yet" err || fail "export without runs: $(cat err)"

# Three runs: aborted in extract (no stats), loaded, and a dry run (transform only).
mkdir -p "$STATE"
sqlite3 -batch "$STATE/ledger.sqlite" <<'SQL'
CREATE TABLE runs (id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL,
  finished_at TEXT, status TEXT NOT NULL, stages TEXT, error TEXT);
CREATE TABLE run_stats (run_id INTEGER NOT NULL REFERENCES runs(id), entity TEXT NOT NULL,
  stage TEXT NOT NULL, added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, entity, stage));
INSERT INTO runs VALUES (1, 'job', '2026-11-20T01:00:00Z', '2026-11-20T01:00:09Z', 'aborted', 'extract', 'timeout');
INSERT INTO runs VALUES (2, 'job', '2026-11-21T01:00:00Z', '2026-11-21T01:02:00Z', 'partial', 'extract,transform,load', NULL);
INSERT INTO runs VALUES (3, 'job', '2026-11-22T01:00:00Z', '2026-11-22T01:00:30Z', 'ok', 'extract,transform', NULL);
INSERT INTO run_stats VALUES (2, 'customers', 'transform', 9, 9, 9, 9, 9, 9, 9);
INSERT INTO run_stats VALUES (2, 'customers', 'load', 120, 3, 4, 5, 6, 7, 0);
INSERT INTO run_stats VALUES (2, 'items', 'load', 1, 0, 0, 0, 0, 0, 0);
INSERT INTO run_stats VALUES (3, 'customers', 'transform', 2, 0, 0, 0, 1, 0, 0);
SQL

finsync history job.json --format csv >out
printf '%s\r\n' \
	'run,started_at,finished_at,status,entity,added,updated,unchanged,skipped,duplicates,failed,deleted,exit_code,dry_run,calls_planned,calls_made' \
	'3,2026-11-22T01:00:00Z,2026-11-22T01:00:30Z,ok,customers,2,0,0,0,1,0,0,,0,,' \
	'2,2026-11-21T01:00:00Z,2026-11-21T01:02:00Z,partial,customers,120,3,4,5,6,7,0,,0,,' \
	'2,2026-11-21T01:00:00Z,2026-11-21T01:02:00Z,partial,items,1,0,0,0,0,0,0,,0,,' \
	'1,2026-11-20T01:00:00Z,2026-11-20T01:00:09Z,aborted,,,,,,,,,,0,,' >want
cmp -s want out || { diff want out >&2; fail "history csv"; }

finsync history job.json --format json --limit 2 >out
assert_eq "3 2" "$(jq -r '[.[].run] | join(" ")' out)" "json runs"
assert_eq 120 "$(jq '.[1].entities.customers.added' out)" "json load counts"
assert_eq transform "$(jq -r '.[0].stats_stage' out)" "dry run counts from transform"

finsync history job.json --limit 1 >out
assert_eq 2 "$(wc -l <out | tr -d ' ')" "table: header and one row"
grep -q '^  3  2026-11-22T01:00:00Z  2026-11-22T01:00:30Z  ok ' out || fail "table row: $(cat out)"
expect_exit 2 finsync history job.json --format xml 2>err
grep -qF -- "--format: unknown value 'xml' (table, csv, json, html)" err || fail "bad format: $(cat err)"

# export: nested keys with dots, arrays by index, union of keys, formulas defused.
mkdir -p "$STATE/staging/2/transform"
{
	echo '{"crm_id":"1","action":"create","payload":{"contact_name":"=1+2","billing_address":{"city":"Paris, FR"},"contact_persons":[{"email":"a@x.example","is_primary":true}],"rate":-12.5}}'
	echo '{"crm_id":"2","action":"skip","reason":"duplicate \"Acme\"","payload":{"contact_name":"Beta"}}'
} | gzip >"$STATE/staging/2/transform/customers.ndjson.gz"

finsync export job.json --run 2 --stage transform --entity customers >out
printf '%s\r\n' \
	'crm_id,action,payload.contact_name,payload.billing_address.city,payload.contact_persons.0.email,payload.contact_persons.0.is_primary,payload.rate,reason' \
	"1,create,'=1+2,\"Paris, FR\",a@x.example,true,-12.5," \
	'2,skip,Beta,,,,,"duplicate ""Acme"""' >want
cmp -s want out || { diff want out >&2; fail "export csv"; }

finsync export job.json --run 2 --stage transform --entity customers -o export.csv
cmp -s want export.csv || fail "export -o"
[ ! -e export.csv.tmp ] || fail "export left its temporary file"

expect_exit 3 finsync export job.json --run 2 --stage transform --entity customers -o /dev/full 2>err
grep -q "cannot write '/dev/full'" err || fail "/dev/full: $(cat err)"
# The latest run (3) has no transform file for customers.
expect_exit 2 finsync export job.json --stage transform --entity customers 2>err
grep -q "no staged file 'transform/customers.ndjson.gz' in run 3" err || fail "missing file: $(cat err)"
expect_exit 2 finsync export job.json --stage transform 2>err
grep -q "missing --entity" err || fail "missing entity: $(cat err)"
expect_exit 2 finsync export job.json --stage transform --entity customers --frobnicate 2>err
grep -q "unknown option '--frobnicate'" err || fail "unknown option: $(cat err)"
finsync export --help >out
grep -q '^usage: finsync export JOB' out || fail "export --help"
