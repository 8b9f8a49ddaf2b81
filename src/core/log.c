/*
 * log.c - log lines on stderr: "finsync: <stage>: message" as text, or one
 * JSON object per line (time, level, run_id, stage, message).
 */
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/log.h"
#include "finsync/timeutil.h"

static enum log_level max_level = LOG_INFO;
static enum log_format format = LOG_TEXT;
static long run_id;
static const char *stage;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_setup(enum log_level level, enum log_format fmt)
{
	max_level = level;
	format = fmt;
}

void log_set_run(long id)
{
	run_id = id;
}

void log_set_stage(const char *s)
{
	stage = s;
}

static void log_json(enum log_level level, const char *text)
{
	char now[ISO_TIME_LEN];
	json_t *o;
	char *line;

	time_now_iso(now);
	o = json_pack("{s:s, s:s, s:s}", "time", now, "level", level_names[level], "message", text);
	if (run_id)
		json_object_set_new(o, "run_id", json_integer(run_id));
	if (stage)
		json_object_set_new(o, "stage", json_string(stage));
	line = json_dumps(o, JSON_COMPACT);
	if (line)
		fprintf(stderr, "%s\n", line);
	xfree(line);
	json_decref(o);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (format == LOG_JSON) {
		log_json(level, text);
		return;
	}
	fprintf(stderr, "finsync: %s%s%s%s%s\n", stage ? stage : "", stage ? ": " : "",
		level <= LOG_WARN ? level_names[level] : "", level <= LOG_WARN ? ": " : "", text);
}
