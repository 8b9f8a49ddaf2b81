/*
 * log.h - log lines on stderr, as text ("finsync: <stage>: message") or one
 * JSON object per line (--log-format json) with the keys time, level,
 * run_id, stage, entity and message, null where unknown; every line parses.
 *
 * Never pass a secret or a token to these functions.
 */
#ifndef FINSYNC_LOG_H
#define FINSYNC_LOG_H
#include <jansson.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_TEXT, LOG_JSON };

void log_setup(enum log_level level, enum log_format fmt);
void log_set_run(long run_id);
void log_set_stage(const char *stage); /* borrowed; a string literal */
/* The entity the next lines are about ("customers" …), NULL for none; borrowed, must outlive its use. */
void log_set_entity(const char *entity);
enum log_level log_get_level(void);
enum log_format log_get_format(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The same with machine-readable fields (a JSON object, taken over): as
 * text only the message shows; as JSON the line gets a "fields" key.
 */
void log_fields(enum log_level level, json_t *fields, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * A command's final error, as main() reports it: "finsync: COMMAND: message"
 * as text, or a JSON line of level error with a "command" key.  Never filtered.
 */
void log_command_error(const char *command, const char *message);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
