/*
 * options.c - the one option parser (options.h): every command's argv is
 * read here, against the command's table and the common options, so that
 * a mistake gets the same message from every command and a near miss gets
 * a "did you mean".
 *
 * It reads as GNU getopt_long did before it: options and words may be
 * mixed (the words keep their order), "--" ends the options, "--name=value"
 * and "--name value", "-oFILE" and "-o FILE", and flags bundled ("-qv").
 * A long option must be spelled whole: an abbreviation is a mistake whose
 * message names the option, so a script never depends on an abbreviation
 * that a new option would make ambiguous.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/options.h"

static const char *const log_formats[] = { "text", "json", NULL };

const struct option_spec common_options[] = {
	OPT_SET_INT(struct common_opts, level, "verbose", 'v', LOG_DEBUG, "more log lines (debug)"),
	OPT_SET_INT(struct common_opts, level, "quiet", 'q', LOG_WARN, "only warnings and errors"),
	OPT_CHOICE(struct common_opts, log_format, "log-format", "F", log_formats,
		   "text (default) or json: one object per line"),
	OPT_FLAG(struct common_opts, help, "help", 'h', "this help"),
	OPT_END,
};

/* An option found, with the struct its field is in. */
struct found {
	const struct option_spec *spec;
	void *base;
};

/* The message, with its common tail: where to read how the command is used. */
__attribute__((format(printf, 2, 3))) static int usage_fail(const struct options_call *c, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	rc = fail(FS_EUSAGE, "%s; see 'finsync %s --help'", buf_str(&msg), c->command);
	buf_release(&msg);
	return rc;
}

static int find_long(const struct options_call *c, const char *name, size_t len, struct found *f)
{
	const struct option_spec *s;

	for (s = c->specs; s && s->name; s++)
		if (strlen(s->name) == len && !strncmp(s->name, name, len))
			return f->spec = s, f->base = c->opts, 1;
	for (s = common_options; s->name; s++)
		if (strlen(s->name) == len && !strncmp(s->name, name, len))
			return f->spec = s, f->base = c->common, 1;
	return 0;
}

static int find_short(const struct options_call *c, char letter, struct found *f)
{
	const struct option_spec *s;

	for (s = c->specs; s && s->name; s++)
		if (s->short_name == letter)
			return f->spec = s, f->base = c->opts, 1;
	for (s = common_options; s->name; s++)
		if (s->short_name == letter)
			return f->spec = s, f->base = c->common, 1;
	return 0;
}

static int unknown_long(const struct options_call *c, const char *arg, size_t len)
{
	char word[SUGGEST_WORD_MAX + 1];
	const struct option_spec *s;
	const char *near = NULL;
	struct suggest sg;

	if (len <= SUGGEST_WORD_MAX) {
		memcpy(word, arg + 2, len);
		word[len] = '\0';
		suggest_init(&sg, word);
		for (s = c->specs; s && s->name; s++)
			suggest_consider(&sg, s->name);
		for (s = common_options; s->name; s++)
			suggest_consider(&sg, s->name);
		near = suggest_result(&sg);
	}
	if (near)
		return usage_fail(c, "unknown option '%s' (did you mean '--%s'?)", arg, near);
	return usage_fail(c, "unknown option '%s'", arg);
}

static int set_count(const struct options_call *c, const struct found *f, const char *value)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || end == value || *end || n < f->spec->number) {
		return usage_fail(c, "--%s: '%s' is not a whole number (%ld or more)", f->spec->name, value,
				  f->spec->number);
	}
	*(long *)((char *)f->base + f->spec->offset) = n;
	return 0;
}

static int set_choice(const struct options_call *c, const struct found *f, const char *value)
{
	const char *const *ch;
	struct buf list = BUF_INIT;
	int rc;

	for (ch = f->spec->choices; *ch; ch++) {
		if (!strcmp(*ch, value)) {
			*(const char **)((char *)f->base + f->spec->offset) = *ch;
			return 0;
		}
	}
	for (ch = f->spec->choices; *ch; ch++)
		buf_addf(&list, "%s%s", ch == f->spec->choices ? "" : ", ", *ch);
	rc = usage_fail(c, "--%s: unknown value '%s' (%s)", f->spec->name, value, buf_str(&list));
	buf_release(&list);
	return rc;
}

/* Sets what the option sets; value is NULL for a flag. */
static int apply(const struct options_call *c, const struct found *f, const char *value)
{
	char *field = (char *)f->base + f->spec->offset;

	switch (f->spec->kind) {
	case OPTION_FLAG:
		*(int *)field = 1;
		return 0;
	case OPTION_SET_INT:
		*(int *)field = (int)f->spec->number;
		return 0;
	case OPTION_STRING:
		*(const char **)field = value;
		return 0;
	case OPTION_COUNT:
		return set_count(c, f, value);
	case OPTION_CHOICE:
		return set_choice(c, f, value);
	}
	return 0;
}

/* "--name", "--name=value" or "--name value" at argv[*i]; *i moves past what it used. */
static int parse_long(const struct options_call *c, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
	struct found f;

	if (!find_long(c, arg + 2, len, &f))
		return unknown_long(c, arg, len);
	if (!f.spec->value) {
		if (eq)
			return usage_fail(c, "option '--%s' takes no value", f.spec->name);
		return apply(c, &f, NULL);
	}
	if (eq)
		return apply(c, &f, eq + 1);
	if (*i + 1 >= argc)
		return usage_fail(c, "option '--%s' needs a value", f.spec->name);
	return apply(c, &f, argv[++*i]);
}

/* "-v", "-qv", "-oFILE" or "-o FILE" at argv[*i]. */
static int parse_short(const struct options_call *c, int argc, char **argv, int *i)
{
	const char *p;
	char letter[3] = "-";
	struct found f;
	int rc;

	for (p = argv[*i] + 1; *p; p++) {
		letter[1] = *p;
		if (!find_short(c, *p, &f))
			return usage_fail(c, "unknown option '%s'", letter);
		if (f.spec->value) {
			if (p[1])
				return apply(c, &f, p + 1);
			if (*i + 1 >= argc)
				return usage_fail(c, "option '%s' needs a value", letter);
			return apply(c, &f, argv[++*i]);
		}
		if ((rc = apply(c, &f, NULL)) || c->common->help)
			return rc;
	}
	return 0;
}

int options_parse(const struct options_call *c, int argc, char **argv, int *nwords)
{
	int i, n = 0, rc, only_words = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (only_words || arg[0] != '-' || !arg[1]) {
			argv[1 + n++] = argv[i];
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_words = 1;
			continue;
		}
		rc = arg[1] == '-' ? parse_long(c, argc, argv, &i) : parse_short(c, argc, argv, &i);
		if (rc)
			return rc;
		if (c->common->help)
			break;
	}
	*nwords = n;
	return 0;
}
