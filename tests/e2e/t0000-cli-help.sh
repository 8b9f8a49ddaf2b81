#!/bin/sh
test_description='cli: help for every command, unknown commands and options are usage errors'
. "$(dirname "$0")/lib.sh"

finsync --help >"$WORK/overview" || fail "finsync --help failed"
grep -q "exit codes" "$WORK/overview" || fail "overview lacks the exit codes"
for cmd in run extract transform load export history review status pause resume disable enable check resync unlink; do
	finsync "$cmd" --help >"$WORK/help.$cmd" || fail "$cmd --help exited non-zero"
	grep -q "^usage: finsync $cmd " "$WORK/help.$cmd" || fail "$cmd --help lacks its usage line"
	finsync help "$cmd" | cmp -s - "$WORK/help.$cmd" || fail "'finsync help $cmd' differs from '$cmd --help'"
	# The man page carries the same synopsis as --help.
	synopsis=$(sed -n 's/^usage: //p' "$WORK/help.$cmd")
	grep -qF -- "$synopsis" "$TOP/docs/finsync.1" || fail "man page lacks: $synopsis"
done
expect_exit 2 finsync frobnicate 2>"$WORK/err"
grep -q "'frobnicate' is not a command" "$WORK/err" || fail "no message for an unknown command"
expect_exit 2 finsync run --bogus job.json 2>"$WORK/err"
grep -q "unknown option" "$WORK/err" || fail "no message for an unknown option"
expect_exit 2 finsync run 2>"$WORK/err"
grep -q "usage: finsync run JOB" "$WORK/err" || fail "no usage for a missing job"
expect_exit 2 finsync run "$WORK/missing.json" 2>"$WORK/err"
grep -q "missing.json" "$WORK/err" || fail "no message naming the missing job file"
