/*
 * progress.c - the progress line on stderr:
 *
 *	extract: Accounts 12,400 records  2,480/s
 *	load: customers 3,100/10,000 records (31%)  95/s  ETA 1:13
 *	load: customers 3,100/90,000 records (3%)  1/s  ~14 h at 100 requests/min;
 *	      budget ends in 2,300 records: resumes tomorrow
 *
 * A load counts a record when the app has answered it (not when it is
 * queued), and its time left follows the pace it is held to and the budget
 * left today, not only the rate seen so far (a burst at the start is not the
 * pace of the day).
 * It is drawn with a leading '\r' and padded with spaces over the previous
 * text, not with terminal escapes, so even a dumb terminal shows it right;
 * erasing it is '\r', spaces, '\r'.  The rate is the average since the
 * start (a pause for a rate limit lowers it, as it lengthens the wait).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "finsync/log.h"
#include "finsync/progress.h"
#include "finsync/timeutil.h"

static struct {
	int active;   /* started and shown */
	size_t drawn; /* columns on screen now; 0 when erased */
	char stage[32];
	char what[96];
	long total; /* -1: unknown */
	long done;
	double started;
	double last_draw;
	long rpm;         /* the pace, requests a minute; 0 none */
	long budget_left; /* calls left today; -1 unknown */
} line;

/* A terminal, and a log that a human reads as text. */
static int wanted(void)
{
	return log_get_format() == LOG_TEXT && log_get_level() >= LOG_INFO && isatty(STDERR_FILENO);
}

/* 1234567 -> "1,234,567". */
void progress_count_text(long n, char *out, size_t size)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%ld", n < 0 ? 0 : n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* Seconds as m:ss or h:mm:ss. */
static void duration_text(double s, char *out, size_t size)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, size, "%ld:%02ld", t / 60, t % 60);
}

static size_t columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col - 1u; /* never the last column: no wrap */
	return 79;
}

/* "~14 h at 100 requests/min; budget ends in 2,300 records: resumes tomorrow" (or the part that applies). */
static size_t paced_eta(char *text, size_t size, double rate)
{
	long left = line.total - line.done;
	double per_s = line.rpm / 60.0, secs;
	char rpm[32], budget[32];
	size_t n = 0;

	if (rate > 0 && rate < per_s)
		per_s = rate;
	secs = left / per_s;
	progress_count_text(line.rpm, rpm, sizeof(rpm));
	if (secs >= 3600)
		n = (size_t)snprintf(text, size, "  ~%.1f h at %s requests/min", secs / 3600, rpm);
	else
		n = (size_t)snprintf(text, size, "  ~%ld min at %s requests/min", (long)(secs / 60 + 1), rpm);
	if (line.budget_left >= 0 && line.budget_left < left && n < size) {
		progress_count_text(line.budget_left, budget, sizeof(budget));
		n += (size_t)snprintf(text + n, size - n, "; budget ends in %s records: resumes tomorrow", budget);
	}
	return n;
}

static void compose(char *text, size_t size, double now)
{
	double elapsed = now - line.started;
	double rate = elapsed >= 0.5 ? line.done / elapsed : 0;
	char done[32], total[32], eta[32];
	size_t n;

	progress_count_text(line.done, done, sizeof(done));
	n = (size_t)snprintf(text, size, "%s: %s %s", line.stage, line.what, done);
	if (line.total >= 0 && n < size) {
		progress_count_text(line.total, total, sizeof(total));
		n += (size_t)snprintf(text + n, size - n, "/%s records (%ld%%)", total,
				      line.total ? (long)(100.0 * line.done / line.total) : 100L);
	} else if (n < size) {
		n += (size_t)snprintf(text + n, size - n, " records");
	}
	if (rate > 0 && n < size) {
		progress_count_text((long)(rate + 0.5), done, sizeof(done));
		n += (size_t)snprintf(text + n, size - n, "  %s/s", done);
	}
	if (line.rpm > 0 && line.total > line.done && n < size) {
		paced_eta(text + n, size - n, rate);
	} else if (rate > 0 && line.total > line.done && n < size) {
		duration_text((line.total - line.done) / rate, eta, sizeof(eta));
		n += (size_t)snprintf(text + n, size - n, "  ETA %s", eta);
		if (line.budget_left >= 0 && line.budget_left < line.total - line.done && n < size) {
			progress_count_text(line.budget_left, total, sizeof(total));
			snprintf(text + n, size - n, "; budget ends in %s records: resumes tomorrow", total);
		}
	}
}

static void draw(double now)
{
	char text[320];
	size_t len, width = columns();

	compose(text, sizeof(text), now);
	len = strlen(text);
	if (len > width)
		text[len = width] = '\0';
	fprintf(stderr, "\r%s%*s", text, (int)(line.drawn > len ? line.drawn - len : 0), "");
	if (len > line.drawn)
		line.drawn = len;
	fflush(stderr);
	line.last_draw = now;
}

void progress_clear(void)
{
	if (!line.drawn)
		return;
	fprintf(stderr, "\r%*s\r", (int)line.drawn, "");
	fflush(stderr);
	line.drawn = 0;
}

void progress_start(const char *stage, const char *what, long total)
{
	progress_end();
	if (!wanted())
		return;
	snprintf(line.stage, sizeof(line.stage), "%s", stage ? stage : "");
	snprintf(line.what, sizeof(line.what), "%s", what ? what : "");
	line.total = total;
	line.done = 0;
	line.rpm = 0;
	line.budget_left = -1;
	line.active = 1;
	line.started = time_mono();
	draw(line.started);
}

void progress_tick(long done)
{
	double now;

	if (!line.active)
		return;
	line.done = done;
	now = time_mono();
	if (now - line.last_draw >= 1.0 / PROGRESS_HZ)
		draw(now);
}

void progress_pace(long requests_per_minute, long budget_left)
{
	line.rpm = requests_per_minute > 0 ? requests_per_minute : 0;
	line.budget_left = budget_left;
}

void progress_end(void)
{
	progress_clear();
	line.active = 0;
}

long progress_total(json_t *manifest, const char *name)
{
	char file[128];
	json_t *rec;
	size_t i;

	if (!manifest || !name)
		return -1;
	for (i = 0; name[i] && i + sizeof(".ndjson.gz") < sizeof(file); i++)
		file[i] = (char)tolower((unsigned char)name[i]);
	snprintf(file + i, sizeof(file) - i, ".ndjson.gz");
	rec = json_object_get(json_object_get(json_object_get(manifest, "files"), file), "records");
	return json_is_integer(rec) ? (long)json_integer_value(rec) : -1;
}
