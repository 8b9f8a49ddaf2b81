/*
 * test_options.c - the one option parser (src/cmd/options.c): what each kind
 * of option sets, how words and options mix, the one message per mistake,
 * and the "did you mean" of a near miss.
 */
#include <string.h>
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/options.h"
#include "unit.h"

struct t_opts {
	int all;
	const char *output;
	long limit;
	const char *format;
};

static const char *const t_formats[] = { "table", "json", NULL };

static const struct option_spec t_specs[] = {
	OPT_FLAG(struct t_opts, all, "all", 'a', "all of it"),
	OPT_STRING(struct t_opts, output, "output", 'o', "FILE", "write FILE"),
	OPT_COUNT(struct t_opts, limit, "limit", "N", 1, "at most N"),
	OPT_CHOICE(struct t_opts, format, "format", "F", t_formats, "table or json"),
	OPT_END,
};

struct t_run {
	struct t_opts o;
	struct common_opts common;
	int words;
	char *argv[16];
};

/* Parses the NULL-terminated words as "test WORD...". */
static int parse(struct t_run *r, const char *const *words)
{
	struct options_call call = { "test", t_specs, &r->o, &r->common };
	int argc = 1;

	memset(r, 0, sizeof(*r));
	r->common.level = LOG_INFO;
	r->argv[0] = (char *)"test";
	while (*words)
		r->argv[argc++] = (char *)*words++;
	return options_parse(&call, argc, r->argv, &r->words);
}

static void test_options__each_kind_sets_its_field(void)
{
	static const char *const w[] = {
		"job.json", "-a", "--output=out.csv", "--limit", "7", "--format", "json", "-q", NULL
	};
	struct t_run r;

	CHECK_INTEQ(parse(&r, w), 0);
	CHECK_INTEQ(r.o.all, 1);
	CHECK_STREQ(r.o.output, "out.csv");
	CHECK_INTEQ(r.o.limit, 7);
	CHECK_STREQ(r.o.format, "json");
	CHECK_INTEQ(r.common.level, LOG_WARN);
	CHECK_INTEQ(r.words, 1);
	CHECK_STREQ(r.argv[1], "job.json");
}

static void test_options__words_keep_their_order_and_dashdash_ends_options(void)
{
	static const char *const w[] = { "one", "-oFILE", "two", "--", "-a", "--bogus", NULL };
	struct t_run r;

	CHECK_INTEQ(parse(&r, w), 0);
	CHECK_STREQ(r.o.output, "FILE");
	CHECK_INTEQ(r.o.all, 0);
	CHECK_INTEQ(r.words, 4);
	CHECK_STREQ(r.argv[1], "one");
	CHECK_STREQ(r.argv[2], "two");
	CHECK_STREQ(r.argv[3], "-a");
	CHECK_STREQ(r.argv[4], "--bogus");
}

static void test_options__bundled_flags_and_last_level_wins(void)
{
	static const char *const w[] = { "-qva", "-", NULL };
	struct t_run r;

	CHECK_INTEQ(parse(&r, w), 0);
	CHECK_INTEQ(r.common.level, LOG_DEBUG);
	CHECK_INTEQ(r.o.all, 1);
	CHECK_INTEQ(r.words, 1);
	CHECK_STREQ(r.argv[1], "-");
}

static void test_options__help_stops_parsing(void)
{
	static const char *const w[] = { "--help", "--bogus", NULL };
	struct t_run r;

	CHECK_INTEQ(parse(&r, w), 0);
	CHECK_INTEQ(r.common.help, 1);
}

static void check_refused(const char *const *w, const char *message)
{
	struct t_run r;

	CHECK_INTEQ(parse(&r, w), FS_EUSAGE);
	CHECK_STREQ(err_msg(), message);
}

static void test_options__one_message_per_mistake(void)
{
	static const char *const
		unknown[] = { "--bogus", NULL },
		*const unknown_short[] = { "-x", NULL }, *const no_value[] = { "--output", NULL },
		*const no_value_short[] = { "-o", NULL }, *const flag_value[] = { "--all=yes", NULL },
		*const bad_count[] = { "--limit", "0", NULL }, *const bad_number[] = { "--limit=1e3", NULL },
		*const bad_choice[] = { "--format", "xml", NULL };

	check_refused(unknown, "unknown option '--bogus'; see 'finsync test --help'");
	check_refused(unknown_short, "unknown option '-x'; see 'finsync test --help'");
	check_refused(no_value, "option '--output' needs a value; see 'finsync test --help'");
	check_refused(no_value_short, "option '-o' needs a value; see 'finsync test --help'");
	check_refused(flag_value, "option '--all' takes no value; see 'finsync test --help'");
	check_refused(bad_count, "--limit: '0' is not a whole number (1 or more); see 'finsync test --help'");
	check_refused(bad_number, "--limit: '1e3' is not a whole number (1 or more); see 'finsync test --help'");
	check_refused(bad_choice, "--format: unknown value 'xml' (table, json); see 'finsync test --help'");
}

static void test_options__near_miss_is_suggested(void)
{
	static const char *const
		prefix[] = { "--out", NULL },
		*const typo[] = { "--limti", NULL }, *const common[] = { "--verbos", NULL },
		*const with_value[] = { "--fromat=json", NULL }, *const ambiguous[] = { "--l", NULL };

	check_refused(prefix, "unknown option '--out' (did you mean '--output'?); see 'finsync test --help'");
	check_refused(typo, "unknown option '--limti' (did you mean '--limit'?); see 'finsync test --help'");
	check_refused(common, "unknown option '--verbos' (did you mean '--verbose'?); see 'finsync test --help'");
	check_refused(with_value,
		      "unknown option '--fromat=json' (did you mean '--format'?); see 'finsync test --help'");
	/* --limit and --log-format both begin with "l", and one letter is too short to guess from. */
	check_refused(ambiguous, "unknown option '--l'; see 'finsync test --help'");
}

static void test_options__edit_distance(void)
{
	CHECK_INTEQ(edit_distance("full", "full"), 0);
	CHECK_INTEQ(edit_distance("ful", "full"), 1);
	CHECK_INTEQ(edit_distance("limti", "limit"), 1);
	CHECK_INTEQ(edit_distance("stage", "stag3"), 1);
	CHECK_INTEQ(edit_distance("bogus", "bom"), 3);
	CHECK_INTEQ(edit_distance("", "yes"), 3);
}

static void test_options__suggest(void)
{
	struct suggest s;

	suggest_init(&s, "ru");
	suggest_consider(&s, "run");
	suggest_consider(&s, "resync");
	CHECK_STREQ(suggest_result(&s), "run");
	suggest_init(&s, "re"); /* a prefix of two names, and too short for edits */
	suggest_consider(&s, "review");
	suggest_consider(&s, "resync");
	CHECK(suggest_result(&s) == NULL);
	suggest_init(&s, "sttaus");
	suggest_consider(&s, "status");
	suggest_consider(&s, "check");
	CHECK_STREQ(suggest_result(&s), "status");
	suggest_init(&s, "frobnicate");
	suggest_consider(&s, "run");
	CHECK(suggest_result(&s) == NULL);
}

static const struct unit_test options_tests[] = {
	UNIT(test_options__each_kind_sets_its_field),
	UNIT(test_options__words_keep_their_order_and_dashdash_ends_options),
	UNIT(test_options__bundled_flags_and_last_level_wins),
	UNIT(test_options__help_stops_parsing),
	UNIT(test_options__one_message_per_mistake),
	UNIT(test_options__near_miss_is_suggested),
	UNIT(test_options__edit_distance),
	UNIT(test_options__suggest),
	{ 0 },
};
UNIT_SUITE(options_tests)
