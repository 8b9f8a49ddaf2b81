#!/bin/sh
test_description='docs/design.md is the contract the code cites: no file names a contract outside the repository, and every section a comment cites as docs/design.md "Section" is a heading there'
. "$(dirname "$0")/lib.sh"

# The old contract lived outside the repository; its name is spelt in two
# pieces here so that this file does not match itself.
old='DESIGN''\.md'
if grep -rnE "$old" "$TOP/src" "$TOP/include" "$TOP/tests" "$TOP/docs" "$TOP/scripts" \
	"$TOP/contrib" "$TOP/jobs" "$TOP/README.md" "$TOP/Makefile" >"$WORK/old"; then
	cat "$WORK/old" >&2
	fail "files point to a contract outside the repository: cite docs/design.md \"Section\" instead"
fi

# Citations: docs/design.md followed by one or more quoted section names,
# possibly wrapped onto the next comment line.
python3 - "$TOP" <<'PY' || fail "docs/design.md citations"
import os, re, sys
top = sys.argv[1]
design = open(os.path.join(top, "docs/design.md"), encoding="utf-8").read()
headings = {m.group(1).strip() for m in re.finditer(r"^#+ (.+)$", design, re.M)}
cite = re.compile(r'docs/design\.md((?:,? "[^"]+")+)')
bad, found = [], 0
for folder in ("src", "include", "tests", "scripts", "docs", "contrib"):
    for root, _, files in os.walk(os.path.join(top, folder)):
        for name in files:
            path = os.path.join(root, name)
            if os.path.relpath(path, top) in ("docs/design.md", "tests/e2e/t0250-design-refs.sh"):
                continue  # they show the form, with "Section" for a name
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            # Join wrapped comment lines: the line break and the next line's " * " or "# ".
            flat = re.sub(r"\n[ \t]*(?:\*(?!/)|#|//)?[ \t]*", " ", text)
            for m in cite.finditer(flat):
                for section in re.findall(r'"([^"]+)"', m.group(1)):
                    found += 1
                    if section not in headings:
                        bad.append("%s: \"%s\"" % (os.path.relpath(path, top), section))
assert found >= 10, "only %d citations found (did the pattern break?)" % found
assert not bad, "not a heading of docs/design.md: " + "; ".join(bad)
PY
