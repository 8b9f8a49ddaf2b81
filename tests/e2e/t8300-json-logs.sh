#!/bin/sh
test_description='logs: --log-format json gives one object per stderr line with time, level, run_id, stage, entity and message (the final error of a command too); -q keeps only warnings and errors'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
# A rejected record: a warning in the log and exit 1.
ctl POST /reject '{"app":"books","resource":"contacts","field":"contact_name","value":"Initech","code":4,"message":"Invalid characters"}' >/dev/null
write_job job.json zoho-books '{"customers":{"crm_module":"accounts"},"items":{}}'

# every_line_json FILE: each line parses and has the six keys, with the right types.
every_line_json() {
	[ -s "$1" ] || fail "no log lines in $1"
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" | jq -e '
			(keys_unsorted[:5] == ["time", "level", "run_id", "stage", "entity"]) and has("message")
			and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
			and (.level | IN("error", "warn", "info", "debug"))
			and (.run_id == null or (.run_id | type) == "number")
			and (.stage == null or (.stage | type) == "string")
			and (.entity == null or (.entity | type) == "string")
			and (.message | type) == "string"' >/dev/null 2>&1 ||
			fail "$1 line $n is not a log object: $line"
	done <"$1"
}

finsync_exit 1 run --log-format json job.json
every_line_json "$WORK/err"
cp "$WORK/err" run.json
# The run's lines carry its id, their stage and, where known, the entity.
assert_eq 1 "$(jq -s '[.[] | select(.stage == "transform")] | map(.run_id) | unique | .[0]' run.json)" "run_id on stage lines"
jq -e -s 'any(.[]; .stage == "extract" and .entity == "customers" and (.message | test("^Accounts: 8 records")))' run.json >/dev/null ||
	fail "extract line without its entity: $(cat run.json)"
jq -e -s 'any(.[]; .stage == "transform" and .entity == "items" and (.message | startswith("items: ")))' run.json >/dev/null ||
	fail "transform line without its entity: $(cat run.json)"
jq -e -s 'any(.[]; .level == "warn" and .stage == "load" and (.message | test("rejected customers .Initech.")))' run.json >/dev/null ||
	fail "no warning for the rejected record: $(cat run.json)"
# Stdout keeps the plain summary.
grep -q "^customers: " "$WORK/out" || fail "summary not on stdout: $(cat "$WORK/out")"

# -q: only warnings and errors, as JSON and as text.
finsync_exit 1 run -q --log-format json job.json --full
every_line_json "$WORK/err"
assert_eq '["warn"]' "$(jq -c -s 'map(.level) | unique' "$WORK/err")" "levels with -q"
finsync_exit 1 run -q job.json --full
if grep -v -E '^finsync: ([a-z]+: )?(warn|error): ' "$WORK/err"; then fail "info lines with -q"; fi
grep -q "warn: " "$WORK/err" || fail "the warning is gone with -q: $(cat "$WORK/err")"

# A command's final error is a JSON line too (here a job-file error, exit 2).
write_job bad.json zoho-books '{"customers":{"on_duplicate":"merge"}}'
finsync_exit 2 run --log-format json bad.json
every_line_json "$WORK/err"
jq -e -s 'last | .level == "error" and .command == "run" and (.message | test("on_duplicate"))' "$WORK/err" >/dev/null ||
	fail "final error not a JSON error line: $(cat "$WORK/err")"
# -v adds debug lines, still JSON.
finsync_exit 1 run -v --log-format json job.json --full
every_line_json "$WORK/err"
jq -e -s 'any(.[]; .level == "debug")' "$WORK/err" >/dev/null || fail "no debug line with -v"

# The per-entity summary lines carry their counts as fields.
finsync run --log-format json job.json >/dev/null 2>fields.err || true
grep '"stage":"load"' fields.err | jq -se 'map(select(.fields)) | length > 0 and all(.[]; .fields.added != null and .fields.failed != null)' >/dev/null ||
	fail "load summary lines lack fields: $(grep '"stage":"load"' fields.err)"
grep '"stage":"transform"' fields.err | jq -se 'any(.[]; .fields.unchanged != null)' >/dev/null || fail "transform lines lack fields"
