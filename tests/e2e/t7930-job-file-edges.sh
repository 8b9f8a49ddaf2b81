#!/bin/sh
test_description='job file: a FIFO, a device or a directory is refused at once (exit 2, named); a UTF-8 BOM is accepted; a job name with / or .. cannot move the state outside <job folder>/var (exit 2)'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"}}'

# A FIFO nobody writes to: refused at once, not waited on.
mkfifo fifo.json
start=$(date +%s)
set +e
timeout 10 "$BUILD/finsync" run fifo.json >out 2>err
got=$?
set -e
assert_eq 2 "$got" "exit code for a FIFO"
grep -qF "job 'fifo.json': not a regular file (a FIFO)" err || fail "FIFO message: $(cat err)"
[ $(( $(date +%s) - start )) -le 2 ] || fail "a FIFO job file was waited on"
finsync_exit 2 check /dev/zero
grep -qF "job '/dev/zero': not a regular file (a device)" err || fail "device message: $(cat err)"
mkdir dir.json
finsync_exit 2 run dir.json
grep -qF "job 'dir.json': not a regular file (a directory)" err || fail "directory message: $(cat err)"

# A BOM (as some editors on Windows write): read as if it were not there.
{ printf '\357\273\277'; cat job.json; } >bom.json
run_ok bom.json
assert_eq 6 "$(ledger_query state "select count(*) from links where entity = 'customers'")" "customers linked by the BOM job"

# A name that climbs out of var/: refused, nothing created anywhere.
mkdir -p jobs/deep
for name in '../../../../elsewhere/escaped' '..' 'a/b' '.hidden' 'a\\b'; do
	jq --arg n "$name" '.job = $n | del(.state_dir)' job.json >jobs/deep/named.json
	finsync_exit 2 run jobs/deep/named.json
	grep -qF "job 'jobs/deep/named.json': job: '" err || fail "name '$name': message: $(cat err)"
	grep -qF "is not a job name" err || fail "name '$name': message: $(cat err)"
done
[ ! -e elsewhere ] && [ ! -e jobs/var ] && [ ! -e jobs/deep/var ] || fail "a refused job created state: $(find . -name ledger.sqlite)"
# A plain name puts the state in <job folder>/var/<name>.
jq '.job = "nightly-books_1.v2" | del(.state_dir)' job.json >jobs/deep/plain.json
finsync_exit 0 run jobs/deep/plain.json
[ -f jobs/deep/var/nightly-books_1.v2/ledger.sqlite ] || fail "no ledger in var/: $(find . -name ledger.sqlite)"
