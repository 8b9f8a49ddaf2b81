/*
 * log.c - log lines on stderr: "finsync: <stage>: message" as text, or one
 * JSON object per line with always the same keys, in this order:
 *
 *	{"time":"2026-11-21T14:05:09Z","level":"info","run_id":7,"stage":"load",
 *	 "entity":"customers","message":"..."}
 *
 * run_id, stage and entity are null where unknown (before a run starts, a
 * command's own lines).  Every line is valid JSON: bytes of the message
 * that are not UTF-8 (a CRM name cut by the line's size cap, a bad export
 * file) become U+FFFD rather than losing the line.  A progress line on the
 * terminal is erased before a text line is written.
 *
 * When stderr is the journal (systemd sets JOURNAL_STREAM to the device and
 * inode of the stream it connected, systemd.exec(5)), every line starts with
 * its sd-daemon(3) priority, "<3>" error, "<4>" warning, "<6>" info, "<7>"
 * debug, which journald strips and keeps as the entry's priority, so
 * `journalctl -p warning` finds the lines that matter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <jansson.h>
#include <utf8proc.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/log.h"
#include "finsync/progress.h"
#include "finsync/timeutil.h"

static enum log_level max_level = LOG_INFO;
static enum log_format format = LOG_TEXT;
static long run_id;
static const char *stage;
static const char *entity;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const char *const journal_prefixes[] = { "<3>", "<4>", "<6>", "<7>" };

/* Whether stderr is the stream JOURNAL_STREAM ("DEV:INODE") names; asked once. */
static int stderr_is_journal(void)
{
	static int known = -1;
	const char *env;
	unsigned long long dev, ino;
	struct stat st;

	if (known >= 0)
		return known;
	env = getenv("JOURNAL_STREAM");
	known = env && sscanf(env, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
		(unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
	return known;
}

/* The line's journal priority, or "" when stderr is not the journal. */
static const char *journal_prefix(enum log_level level)
{
	return stderr_is_journal() ? journal_prefixes[level] : "";
}

/* The out-of-memory line as JSON, with no allocation: stage and entity are literals. */
static void json_out_of_memory(size_t bytes)
{
	char now[32] = "";
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "{\"time\":\"%s\",\"level\":\"error\",", now);
	if (run_id)
		fprintf(stderr, "\"run_id\":%ld,", run_id);
	else
		fputs("\"run_id\":null,", stderr);
	fprintf(stderr, "\"stage\":%s%s%s,\"entity\":%s%s%s,", stage ? "\"" : "", stage ? stage : "null",
		stage ? "\"" : "", entity ? "\"" : "", entity ? entity : "null", entity ? "\"" : "");
	fprintf(stderr, "\"message\":\"out of memory (%zu bytes)\"}\n", bytes);
}

void log_setup(enum log_level level, enum log_format fmt)
{
	max_level = level;
	format = fmt;
	alloc_set_oom_report(fmt == LOG_JSON ? json_out_of_memory : NULL);
}

enum log_level log_get_level(void)
{
	return max_level;
}

enum log_format log_get_format(void)
{
	return format;
}

void log_set_run(long id)
{
	run_id = id;
}

void log_set_stage(const char *s)
{
	stage = s;
}

void log_set_entity(const char *e)
{
	entity = e;
}

/* text as valid UTF-8: each byte that starts no valid sequence becomes U+FFFD. */
static void utf8_clean(const char *text, struct buf *out)
{
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)text;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(text), n;
	utf8proc_int32_t cp;

	while (len > 0) {
		n = utf8proc_iterate(s, len, &cp);
		if (n < 1) {
			buf_adds(out, "\xEF\xBF\xBD");
			n = 1;
		} else {
			buf_add(out, s, (size_t)n);
		}
		s += n;
		len -= n;
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void log_json(enum log_level level, const char *text, const char *command, json_t *fields)
{
	char now[ISO_TIME_LEN];
	struct buf clean = BUF_INIT;
	json_t *o = json_object();
	char *line;

	time_now_iso(now);
	utf8_clean(text, &clean);
	json_object_set_new(o, "time", json_string(now));
	json_object_set_new(o, "level", json_string(level_names[level]));
	json_object_set_new(o, "run_id", run_id ? json_integer(run_id) : json_null());
	json_object_set_new(o, "stage", str_or_null(stage));
	json_object_set_new(o, "entity", str_or_null(entity));
	if (command)
		json_object_set_new(o, "command", json_string(command));
	json_object_set_new(o, "message", json_string(buf_str(&clean)));
	if (fields)
		json_object_set(o, "fields", fields);
	line = json_dumps(o, JSON_COMPACT);
	if (line)
		fprintf(stderr, "%s%s\n", journal_prefix(level), line);
	xfree(line);
	json_decref(o);
	buf_release(&clean);
}

static void log_vmsg(enum log_level level, json_t *fields, const char *fmt, va_list ap)
{
	char text[4096];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (format == LOG_JSON) {
		log_json(level, text, NULL, fields);
		return;
	}
	progress_clear();
	fprintf(stderr, "%sfinsync: %s%s%s%s%s\n", journal_prefix(level), stage ? stage : "", stage ? ": " : "",
		level <= LOG_WARN ? level_names[level] : "", level <= LOG_WARN ? ": " : "", text);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	log_vmsg(level, NULL, fmt, ap);
	va_end(ap);
}

void log_fields(enum log_level level, json_t *fields, const char *fmt, ...)
{
	va_list ap;

	if (level <= max_level) {
		va_start(ap, fmt);
		log_vmsg(level, fields, fmt, ap);
		va_end(ap);
	}
	json_decref(fields);
}

void log_command_error(const char *command, const char *message)
{
	if (format == LOG_JSON) {
		log_json(LOG_ERROR, message, command, NULL);
		return;
	}
	progress_clear();
	fprintf(stderr, "%sfinsync: %s: %s\n", journal_prefix(LOG_ERROR), command, message);
}
