/*
 * log.h - log lines on stderr, as text or one JSON object per line.
 *
 * Never pass a secret or a token to these functions.
 */
#ifndef FINSYNC_LOG_H
#define FINSYNC_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_TEXT, LOG_JSON };

void log_setup(enum log_level level, enum log_format fmt);
void log_set_run(long run_id);
void log_set_stage(const char *stage);        /* borrowed; a string literal */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
