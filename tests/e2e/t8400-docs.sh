#!/bin/sh
test_description='docs: every job key the loader accepts is in the README key table; every command of the overview has --help, and its synopsis in the man page; the systemd units are there'
. "$(dirname "$0")/lib.sh"

# Keys: the loader's key lists (src/job/job.c), as dotted names, against the
# first column of the README's key table ("*" stands for crm/finance or the entities).
python3 - "$TOP/src/job/job.c" "$TOP/README.md" "$TOP/src/job/job_deals.c" <<'PY' || fail "README key table incomplete"
import re, sys
src, readme = open(sys.argv[1]).read() + open(sys.argv[3]).read(), open(sys.argv[2]).read()
arrays = {m.group(1): re.findall(r'"([a-z_]+)"', m.group(2))
          for m in re.finditer(r'static const char \*const (\w+)\[\] = \{(.*?)\};', src, re.S)}
for need in ("top_keys", "crm_api_keys", "crm_csv_keys", "finance_keys", "entity_keys"):
    assert arrays.get(need), "job.c has no %s[] (update this test)" % need
keys = [k for k in arrays["top_keys"] if k not in ("crm", "finance", "sync")]
keys += ["crm." + k for k in arrays["crm_api_keys"] + arrays["crm_csv_keys"]]
keys += ["finance." + k for k in arrays["finance_keys"]]
for need in ("deal_keys", "summary_keys"):
    assert arrays.get(need), "job_deals.c has no %s[] (update this test)" % need
keys += ["sync.deals." + k for k in arrays["deal_keys"]]
keys += ["sync.summary." + k for k in arrays["summary_keys"]]
keys += ["sync.%s.%s" % (e, k) for e in ("customers", "vendors", "items") for k in arrays["entity_keys"]]
section = readme[readme.index("## Writing a job"):readme.index("## Commands")]
documented = set()
for row in section.splitlines():
    if row.startswith("| `"):
        documented.update(re.findall(r"`([^`]+)`", row.split(" | ")[0]))
def covered(key):
    parts = key.split(".")
    return key in documented or any(
        ".".join(parts[:i] + ["*"] + parts[i + 1:]) in documented for i in range(len(parts)))
# A key only some entities take is documented under those (sync.items.product_type_field).
only = {"crm_module": "customers", "include_orphan_contacts": "customers", "match_on": "customers vendors",
        "product_type_field": "items", "product_type_default": "items"}
missing = []
for k in keys:
    p = k.split(".")
    if len(p) == 3 and p[0] == "sync" and p[2] in only and p[1] not in only[p[2]].split():
        continue
    if not covered(k):
        missing.append(k)
assert not missing, "not in the README key table: " + ", ".join(missing)
PY

# Commands: whatever the overview lists has --help with a usage line, the
# same text from 'finsync help', and its synopsis in the man page.
cmds=$(finsync --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z]*\) .*/\1/p')
[ -n "$cmds" ] || fail "no commands in the overview"
echo "$cmds" | grep -qx review || fail "review is not in the overview"
for cmd in $cmds; do
	[ "$cmd" = help ] && continue
	finsync help "$cmd" >"$WORK/help" || fail "finsync help $cmd"
	synopsis=$(sed -n 's/^usage: //p' "$WORK/help")
	[ -n "$synopsis" ] || fail "$cmd: no usage line"
	grep -qF -- "$synopsis" "$TOP/docs/finsync.1" || fail "man page lacks: $synopsis"
	grep -q "^\.B $cmd\$" "$TOP/docs/finsync.1" || fail "man page does not describe '$cmd'"
done

# Scheduling: the units the README names, each with its key lines.
grep -q '^ExecStart=/usr/local/bin/finsync run /etc/finsync/%i.json$' "$TOP/contrib/systemd/finsync@.service" || fail "service ExecStart"
grep -q '^Type=oneshot$' "$TOP/contrib/systemd/finsync@.service" || fail "service type"
grep -q '^Unit=finsync@%i.service$' "$TOP/contrib/systemd/finsync@.timer" || fail "timer unit"
grep -q '^OnCalendar=' "$TOP/contrib/systemd/finsync@.timer" || fail "timer schedule"
grep -q 'contrib/systemd/finsync@.service' "$TOP/README.md" || fail "README does not name the units"
