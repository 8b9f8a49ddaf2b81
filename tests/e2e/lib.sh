# Shared helpers for the end-to-end tests: sourced by every tests/e2e/t*.sh.
# Each test gets a fresh $WORK directory and its own sandbox on a free loopback port.
set -eu
LC_ALL=C
export LC_ALL
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
FIXTURES=$TOP/fixtures
WORK=$(mktemp -d "${TMPDIR:-/tmp}/finsync-e2e.XXXXXX")
SANDBOX_PID=""
SANDBOX_URL=""

# The secrets the sandbox's seeds know (fixtures/*/oauth.json); never real ones.
export FINSYNC_CRM_CLIENT_SECRET=sandbox-crm-secret
export FINSYNC_CRM_REFRESH_TOKEN=1000.sandbox-crm-refresh
export FINSYNC_FIN_CLIENT_SECRET=sandbox-fin-secret
export FINSYNC_FIN_REFRESH_TOKEN=1000.sandbox-fin-refresh

cleanup() {
	sandbox_stop
	if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# sandbox_start SEED_DIR [extra sandbox args]: start and wait until it listens.
sandbox_start() {
	seed=$1; shift
	rm -f "$WORK/sandbox.port"
	"$BUILD/finsync-sandbox" --seed "$seed" --port 0 --port-file "$WORK/sandbox.port" \
		--quiet "$@" >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
	SANDBOX_PID=$!
	i=0
	while [ ! -s "$WORK/sandbox.port" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && { cat "$WORK/sandbox.err" >&2; fail "sandbox did not start"; }
		kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.err" >&2; fail "sandbox exited"; }
		sleep 0.05
	done
	SANDBOX_PORT=$(cat "$WORK/sandbox.port")
	SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
	export SANDBOX_URL SANDBOX_PORT
}

sandbox_stop() {
	if [ -n "$SANDBOX_PID" ]; then
		kill "$SANDBOX_PID" 2>/dev/null || true
		wait "$SANDBOX_PID" 2>/dev/null || true
		SANDBOX_PID=""
	fi
}

# sandbox_stop_clean: SIGTERM ends the sandbox with exit 0 (under ASan this also proves no leaks).
sandbox_stop_clean() {
	kill "$SANDBOX_PID"
	set +e
	wait "$SANDBOX_PID"
	rc=$?
	set -e
	SANDBOX_PID=""
	[ "$rc" -eq 0 ] || { cat "$WORK/sandbox.err" >&2; fail "exit status $rc after SIGTERM"; }
}

# ctl METHOD PATH [JSON_BODY]: call the sandbox's control endpoint, print the body.
ctl() {
	if [ $# -ge 3 ]; then
		curl -sf -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$SANDBOX_URL/__control$2"
	else
		curl -sf -X "$1" "$SANDBOX_URL/__control$2"
	fi
}

# finsync ARGS: the binary under test (FINSYNC_WRAPPER may be e.g. valgrind).
finsync() {
	${FINSYNC_WRAPPER:-} "$BUILD/finsync" "$@"
}

# expect_exit CODE COMMAND...: run it, fail unless it exits with CODE.
expect_exit() {
	want=$1; shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $*"
}

# ledger_query STATE_DIR SQL: one query against a job's ledger.
ledger_query() {
	sqlite3 -batch -noheader "$1/ledger.sqlite" "$2"
}

# item_of CRM_ID: the finance id the ledger (state/) links the CRM product to.
item_of() { ledger_query state "select finance_id from links where entity = 'items' and crm_id = '$1'"; }

# run_no: the newest run's id in the ledger of state/.
run_no() { ledger_query state "select max(id) from runs"; }

# crm_user_edit MODULE WORD ID JQ: a user edits the CRM record (JQ applied to it as stored,
# without its Modified_Time, which the sandbox then sets); WORD names it in a failure.
crm_user_edit() {
	body=$(ctl GET "/store/crm/$1" | jq -c --arg id "$3" "{data: [.records[] | select(.id == \$id) | del(.Modified_Time) | $4]}")
	ctl POST "/crm/$1" "$body" >/dev/null || fail "cannot edit $2 $3"
}

# deal ID JQ: a user edits a CRM deal.
deal() { crm_user_edit Deals deal "$@"; }

# assert_eq WANT GOT WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# store_count APP RESOURCE [jq filter]: records in the sandbox's finance store.
store_count() {
	ctl GET "/store/$1/$2" | jq "[.records[] | select(${3:-true})] | length"
}

# write_job FILE TARGET_APP [sync JSON]: a job against this test's sandbox.
write_job() {
	file=$1 app=$2 sync=${3:-'{"customers":{"crm_module":"accounts"}}'}
	case $app in
	zoho-books) base=books/v3 ;; zoho-invoice) base=invoice/v3 ;;
	zoho-billing) base=billing/v1 ;; zoho-inventory) base=inventory/v1 ;;
	esac
	cat >"$file" <<JOB
{
  "job": "$(basename "$file" .json)",
  "state_dir": "state",
  "crm": {
    "type": "zoho-crm",
    "api_base": "$SANDBOX_URL/crm/v8",
    "accounts_url": "$SANDBOX_URL",
    "client_id": "1000.SANDBOXCRM",
    "client_secret_env": "FINSYNC_CRM_CLIENT_SECRET",
    "refresh_token_env": "FINSYNC_CRM_REFRESH_TOKEN"
  },
  "finance": {
    "type": "$app",
    "api_base": "$SANDBOX_URL/$base",
    "organization_id": "10234695",
    "requests_per_minute": 0,
    "accounts_url": "$SANDBOX_URL",
    "client_id": "1000.SANDBOXFIN",
    "client_secret_env": "FINSYNC_FIN_CLIENT_SECRET",
    "refresh_token_env": "FINSYNC_FIN_REFRESH_TOKEN"
  },
  "sync": $sync
}
JOB
}

# run_ok JOB [args]: finsync run that must exit 0; stderr kept in $WORK/run.err.
run_ok() {
	job=$1; shift
	finsync run "$@" "$job" >"$WORK/run.out" 2>"$WORK/run.err" ||
		{ cat "$WORK/run.err" >&2; fail "finsync run $job exited $?"; }
}

# store APP RESOURCE: the finance app's records as one JSON array.
store() {
	ctl GET "/store/$1/$2" | jq -c '.records'
}

# names APP RESOURCE [jq filter]: sorted display names in the finance store.
names() {
	case $2 in customers) key=display_name ;; items) key=name ;; *) key=contact_name ;; esac
	ctl GET "/store/$1/$2" | jq -r ".records[] | select(${3:-true}) | .$key" | sort
}

# writes_since SEQ: count of POST/PUT/DELETE requests to finance or CRM after SEQ.
writes_since() {
	ctl GET "/requests?since=$1" |
		jq '[.requests[] | select(.api != "oauth" and .method != "GET")] | length'
}

# last_seq: the sandbox request log's newest sequence number (0 when empty).
last_seq() {
	ctl GET /requests | jq '[.requests[].seq] | max // 0'
}

# crm_export_csv STAGED_EXTRACT_DIR OUT_DIR: turns staged API records into
# Zoho CRM export files (lookups as X and X.id, every value a string).
crm_export_csv() {
	mkdir -p "$2"
	for m in Accounts Contacts Vendors Products; do
		f=$1/$(echo "$m" | tr 'A-Z' 'a-z').ndjson.gz
		[ -f "$f" ] || continue
		zcat "$f" | jq -rs '
			def flat: reduce to_entries[] as $e ({};
				if ($e.value | type) == "object" then
					. + {($e.key): $e.value.name}
					  + ($e.value | del(.name) | with_entries(.key = $e.key + "." + .key))
				else . + {($e.key): $e.value} end);
			def cell: if . == null then "" elif type == "string" then .
				elif type == "array" then map(tostring) | join(";") else tostring end;
			[.[] | flat] as $rows
			| (["id"] + ([$rows[] | keys_unsorted[]] | map(select(. != "id")) | unique)) as $cols
			| ($cols | @csv), ($rows[] | [.[$cols[]] | cell] | @csv)' >"$2/$m.csv"
	done
}

# finsync_exit CODE ARGS...: finsync ARGS must exit CODE; its stdout is kept
# in $WORK/out, its stderr in $WORK/err (and shown when the code is wrong).
finsync_exit() {
	want=$1; shift
	set +e
	finsync "$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat "$WORK/err" >&2; fail "finsync $*: expected exit $want, got $got"; }
}

# expect_refresh_throttle JOB N WANT: with N refreshes of the CRM refresh token in the last
# minutes in state/tokens.json (counted per refresh token, under a fingerprint of it) and no
# cached access token, `finsync run JOB` stops with exit 3 and the throttle message after WANT
# token requests.
expect_refresh_throttle() {
	key="refresh:$(printf %s "$FINSYNC_CRM_REFRESH_TOKEN" | sha256sum | cut -c1-16)"
	jq -e --arg k "$key" 'has($k)' state/tokens.json >/dev/null ||
		fail "no refresh count under $key: $(jq -c keys state/tokens.json)"
	jq --argjson now "$(date +%s)" --arg k "$key" --argjson n "$2" \
		'del(.crm, .finance) | .[$k].refreshes = [range(0; $n) | $now - 120 + .]' \
		state/tokens.json >"$WORK/tokens.tmp" && mv "$WORK/tokens.tmp" state/tokens.json && chmod 600 state/tokens.json
	seq=$(last_seq)
	finsync_exit 3 run "$1"
	grep -q "10 token refreshes since .*; Zoho allows 10 in 10 minutes, so finsync stops here; retry after" "$WORK/err" ||
		fail "no throttle message: $(cat "$WORK/err")"
	assert_eq "$3" "$(ctl GET "/requests?since=$seq" | jq '[.requests[] | select(.api == "oauth")] | length')" \
		"token requests before the throttle"
}

# fresh_token crm|fin: an access token straight from the sandbox's token endpoint (form body).
fresh_token() {
	case $1 in
	crm) set -- 1000.SANDBOXCRM "$FINSYNC_CRM_CLIENT_SECRET" "$FINSYNC_CRM_REFRESH_TOKEN" ;;
	*) set -- 1000.SANDBOXFIN "$FINSYNC_FIN_CLIENT_SECRET" "$FINSYNC_FIN_REFRESH_TOKEN" ;;
	esac
	curl -s -X POST "$SANDBOX_URL/oauth/v2/token" -d grant_type=refresh_token -d "client_id=$1" \
		-d "client_secret=$2" -d "refresh_token=$3" | jq -r .access_token
}

# fin_session: for the calls to the finance apps below, TOK (a finance access token: the
# test fails without one), B (the file an answer's body is kept in) and ORG (the seeded
# organisation's id).
fin_session() {
	TOK=$(fresh_token fin)
	[ -n "$TOK" ] && [ "$TOK" != null ] || fail "no access token"
	B="$WORK/body"
	ORG=10234695
}

# fin APP METHOD PATH [curl args]: a finance API call after fin_session, with the organisation
# id where APP wants it (Books, Inventory: the query; Invoice, Billing: a header); prints the
# HTTP status, the body in $B.
fin() {
	app=$1 m=$2 p=$3
	shift 3
	case $app in
	books) root=books/v3 org="organization_id=$ORG" hdr="X-Sandbox-None: 1" ;;
	inventory) root=inventory/v1 org="organization_id=$ORG" hdr="X-Sandbox-None: 1" ;;
	invoice) root=invoice/v3 org="" hdr="X-com-zoho-invoice-organizationid: $ORG" ;;
	billing) root=billing/v1 org="" hdr="X-com-zoho-subscriptions-organizationid: $ORG" ;;
	esac
	case $p in *\?*) sep='&' ;; *) sep='?' ;; esac
	[ -n "$org" ] || sep=''
	curl -s -o "$B" -w '%{http_code}' -X "$m" -H "Authorization: Zoho-oauthtoken $TOK" \
		-H "$hdr" -H 'Content-Type: application/json' "$@" "$SANDBOX_URL/$root$p$sep$org"
}

# code [JQ_FILTER]: what the filter (default .code) reads in the last answer's body, $B.
code() { jq -r "${1:-.code}" "$B"; }

# need_soffice: LibreOffice Calc, installed (Debian libreoffice-calc) when missing; a test
# without it ends here with a printed reason only when the package cannot be installed.
need_soffice() {
	command -v soffice >/dev/null 2>&1 && return 0
	"$TOP/scripts/install-deps.sh" libreoffice-calc >"$WORK/install.log" 2>&1 || true
	command -v soffice >/dev/null 2>&1 && return 0
	echo "skipped: libreoffice-calc is missing and could not be installed: $(tail -n 1 "$WORK/install.log")" >&2
	exit 0
}

# soffice_convert FILE FORMAT[:FILTER...] OUTDIR [INFILTER]: one headless conversion with a
# private profile in $WORK (never the user's); the result is OUTDIR/<FILE's name>.<ext>.
soffice_convert() {
	set -- "$1" "$2" "$3" "${4:-}"
	timeout 300 soffice -env:UserInstallation="file://$WORK/lo-profile" --headless --norestore \
		${4:+--infilter="$4"} --convert-to "$2" --outdir "$3" "$1" >>"$WORK/soffice.log" 2>&1 ||
		{ cat "$WORK/soffice.log" >&2; fail "soffice could not convert $1 to $2"; }
}

# on_pty OUT ARGS...: finsync ARGS with stdin, stdout and stderr on a
# pseudo-terminal; everything the terminal got goes to OUT; exits as finsync
# did.  PTY_COLUMNS (optional) sets the terminal's width: a progress line is
# cut at it.
on_pty() {
	out=$1; shift
	python3 - "$out" "$BUILD/finsync" "$@" <<'PY'
import fcntl, os, pty, struct, sys, termios
out, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    if os.environ.get("PTY_COLUMNS"):
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, int(os.environ["PTY_COLUMNS"]), 0, 0))
    os.execv(argv[0], argv)
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:          # EIO: the child closed the terminal
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
open(out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
