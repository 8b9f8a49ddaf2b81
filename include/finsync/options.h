/*
 * options.h - one option parser for every command, in the style of git's
 * parse-options.h: a command declares its options in a table (name, short
 * name, the value it takes, help text, the field it sets) and
 * options_parse() reads argv with it.  The same tables print `--help` and
 * the man page's option lists, so an option cannot exist without its help.
 *
 * Every mistake has one message form, whatever the command:
 *
 *	unknown option '--ful' (did you mean '--full'?)
 *	option '--stage' needs a value
 *	option '--full' takes no value
 *	--limit: 'x' is not a whole number (0 or more)
 *	--format: unknown value 'xml' (table, csv, json, html)
 *
 * each followed by "; see 'finsync COMMAND --help'".
 */
#ifndef FINSYNC_OPTIONS_H
#define FINSYNC_OPTIONS_H
#include <stddef.h>
#include "finsync/suggest.h"

enum option_kind {
	OPTION_FLAG,    /* int field := 1 */
	OPTION_SET_INT, /* int field := number (-v, -q: the last one wins) */
	OPTION_STRING,  /* const char * field := the value */
	OPTION_COUNT,   /* long field := the value, a whole number >= number */
	OPTION_CHOICE,  /* const char * field := the one of choices[] the value names */
};

struct option_spec {
	const char *name; /* long name without "--"; NULL ends a table */
	char short_name;  /* 'o' for -o; 0 for none */
	enum option_kind kind;
	const char *value;          /* the value's name in help ("FILE"); NULL for a flag */
	const char *help;           /* lines separated by '\n', no final newline */
	size_t offset;              /* the field it sets, in the struct given to the parser */
	long number;                /* OPTION_COUNT: the least value; OPTION_SET_INT: the value */
	const char *const *choices; /* OPTION_CHOICE: NULL-terminated */
};

/* clang-format off */
#define OPT_FLAG(type, field, name, short_name, help) \
	{ name, short_name, OPTION_FLAG, NULL, help, offsetof(type, field), 0, NULL }
#define OPT_SET_INT(type, field, name, short_name, number, help) \
	{ name, short_name, OPTION_SET_INT, NULL, help, offsetof(type, field), number, NULL }
#define OPT_STRING(type, field, name, short_name, value, help) \
	{ name, short_name, OPTION_STRING, value, help, offsetof(type, field), 0, NULL }
#define OPT_COUNT(type, field, name, value, least, help) \
	{ name, 0, OPTION_COUNT, value, help, offsetof(type, field), least, NULL }
#define OPT_CHOICE(type, field, name, value, choices, help) \
	{ name, 0, OPTION_CHOICE, value, help, offsetof(type, field), 0, choices }
#define OPT_END { NULL, 0, OPTION_FLAG, NULL, NULL, 0, 0, NULL }
/* clang-format on */

/* The options every command takes (-v, -q, --log-format, -h). */
struct common_opts {
	int level;              /* enum log_level */
	const char *log_format; /* "text", "json" or NULL */
	int help;
};

/* The table of the common options, for help and the man page. */
extern const struct option_spec common_options[];

struct options_call {
	const char *command;             /* "run": names the command in messages */
	const struct option_spec *specs; /* the command's own; NULL for none */
	void *opts;                      /* the struct specs' offsets point into */
	struct common_opts *common;
};

/*
 * Reads argv[1..argc-1]: the options into c->opts and c->common, the other
 * words (and every word after "--") moved to argv[1..*nwords] in their
 * order.  Stops at --help (common->help set).  0, or FS_EUSAGE after fail()
 * with one of the messages above.  Option values point into argv.
 */
int options_parse(const struct options_call *c, int argc, char **argv, int *nwords);

#endif
