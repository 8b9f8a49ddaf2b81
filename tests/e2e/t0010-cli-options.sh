#!/bin/sh
test_description='cli: every command answers an unknown or bad option with the same message form and exit 2, suggests the option meant, and its --help lists exactly its options'
. "$(dirname "$0")/lib.sh"

# The options of each command (README "Commands"), besides the ones every
# command takes; the parser must take them and --help must list them all.
common="--verbose --quiet --log-format --help"
options_of() {
	case $1 in
	run) echo "--stage --full --dry-run --only" ;;
	extract) echo "--full --only" ;;
	transform|load) echo "--only" ;;
	export) echo "--run --stage --entity --format --output --bom" ;;
	history) echo "--format --limit --output" ;;
	review) echo "--run --output --format --bom --apply" ;;
	status|plan) echo "--format" ;;
	reconcile) echo "--format --output" ;;
	check) echo "--deep" ;;
	unlink) echo "--keep --yes" ;;
	mapping) echo "--format --defaults --offline" ;;
	init) echo "--app --output --sandbox" ;;
	*) echo "" ;;
	esac
}

# one_line FILE WANT: FILE holds exactly the line WANT.
one_line() {
	[ "$(cat "$1")" = "$2" ] || fail "expected: $2
got:  $(cat "$1")"
}

cmds=$(finsync --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
echo "$cmds" | grep -qx run && echo "$cmds" | grep -qx unlink || fail "commands in the overview: $cmds"
for cmd in $cmds; do
	see="; see 'finsync $cmd --help'"
	# An unknown long option, an unknown short one: one form, exit 2, whatever the command.
	expect_exit 2 finsync "$cmd" --bogus job.json 2>"$WORK/err"
	one_line "$WORK/err" "finsync: $cmd: unknown option '--bogus'$see"
	expect_exit 2 finsync "$cmd" job.json -Z 2>"$WORK/err"
	one_line "$WORK/err" "finsync: $cmd: unknown option '-Z'$see"

	finsync "$cmd" --help >"$WORK/help" || fail "$cmd --help"
	listed=$(sed -n '/^options:/,$p' "$WORK/help" | grep -o -- '^ *\(-[a-zA-Z], \)\?--[a-z-]*' | sed 's/.*--/--/' | tr '\n' ' ')
	opts="$(options_of "$cmd") $common"
	for opt in $opts; do
		echo " $listed " | grep -q -- " $opt " || fail "$cmd --help does not list $opt: $listed"
		# A near miss (the last letter left out, a unique prefix) is answered with the option meant.
		near=${opt%?}
		expect_exit 2 finsync "$cmd" "$near" job.json 2>"$WORK/err"
		one_line "$WORK/err" "finsync: $cmd: unknown option '$near' (did you mean '$opt'?)$see"
	done
	assert_eq "$(echo $opts | wc -w | tr -d ' ')" "$(echo $listed | wc -w | tr -d ' ')" "options $cmd --help lists ($listed)"
done

# A typo two edits away; a swapped pair of letters.
expect_exit 2 finsync history --limti 5 job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: history: unknown option '--limti' (did you mean '--limit'?); see 'finsync history --help'"
expect_exit 2 finsync check --deeep job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: check: unknown option '--deeep' (did you mean '--deep'?); see 'finsync check --help'"
# Another command's option is unknown here, and nothing near is suggested.
expect_exit 2 finsync extract --dry-run job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: extract: unknown option '--dry-run'; see 'finsync extract --help'"

# A missing value, a value given to a flag, a bad number, a value not in the list.
expect_exit 2 finsync run job.json --stage 2>"$WORK/err"
one_line "$WORK/err" "finsync: run: option '--stage' needs a value; see 'finsync run --help'"
expect_exit 2 finsync review job.json -o 2>"$WORK/err"
one_line "$WORK/err" "finsync: review: option '-o' needs a value; see 'finsync review --help'"
expect_exit 2 finsync run --full=yes job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: run: option '--full' takes no value; see 'finsync run --help'"
expect_exit 2 finsync history --limit 5x job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: history: --limit: '5x' is not a whole number (0 or more); see 'finsync history --help'"
expect_exit 2 finsync export --run=0 job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: export: --run: '0' is not a whole number (1 or more); see 'finsync export --help'"
expect_exit 2 finsync run --only deals job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: run: --only: unknown value 'deals' (customers, vendors, items); see 'finsync run --help'"
expect_exit 2 finsync pause --log-format xml job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: pause: --log-format: unknown value 'xml' (text, json); see 'finsync pause --help'"

# The words after the options: one missing, one too many.
expect_exit 2 finsync resync job.json customers 2>"$WORK/err"
one_line "$WORK/err" "finsync: resync: missing CRM_ID; usage: finsync resync JOB ENTITY CRM_ID"
expect_exit 2 finsync status a.json b.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: status: unexpected argument 'b.json'; usage: finsync status JOB [--format text|json]"

# A mistyped command is suggested too.
expect_exit 2 finsync histroy job.json 2>"$WORK/err"
one_line "$WORK/err" "finsync: 'histroy' is not a command (did you mean 'history'?); 'finsync help' lists them"
expect_exit 2 finsync help stauts 2>"$WORK/err"
one_line "$WORK/err" "finsync: help: no command 'stauts' (did you mean 'status'?); 'finsync help' lists them"

# Options and words mix in any order; "--" ends the options; bundled flags.
expect_exit 2 finsync status -- --format 2>"$WORK/err"
grep -q "job file '--format'\|'--format'" "$WORK/err" || fail "after --, a word: $(cat "$WORK/err")"
expect_exit 2 finsync run -qv "$WORK/missing.json" 2>"$WORK/err"
grep -q "missing.json" "$WORK/err" || fail "bundled flags: $(cat "$WORK/err")"
