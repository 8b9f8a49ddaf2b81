/*
 * util.c - the sandbox's own small helpers: strings, name normalisation as
 * the finance apps compare names, ids, Zoho's time formats, JSON error
 * bodies.  Allocation, the buffer and time parsing are finsync's (sb.h).
 */
#include "sb.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <utf8proc.h>

int str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int str_empty(const char *s)
{
	return !s || !*s;
}

int str_in(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (str_empty(s) || !(isdigit((unsigned char)*s) || *s == '-'))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int is_digits(const char *s)
{
	if (str_empty(s))
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * How the finance apps compare names for duplicates: trimmed, then Unicode
 * case folding.  Deliberately weaker than finsync's own normalisation v1
 * (NFKC, collapsed white space): "ACME  Ltd" is a new name to the app.
 */
static int is_ascii(const char *s, const char *end)
{
	for (; s < end; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

char *norm_name(const char *s)
{
	const char *end;
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;
	char *trimmed, *res, *p;

	if (!s)
		return xstrdup("");
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	trimmed = xstrndup(s, (size_t)(end - s));
	if (is_ascii(s, end)) { /* the common case, without utf8proc */
		for (p = trimmed; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return trimmed;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)trimmed, 0, &out,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0) {
		free(out);
		return trimmed;
	}
	res = xstrdup((const char *)out);
	free(out);
	free(trimmed);
	return res;
}

char *id_key(const char *id)
{
	size_t n = strlen(id);

	if (n >= 24)
		return xstrdup(id);
	return xasprintf("%0*d%s", (int)(24 - n), 0, id);
}

int valid_email(const char *s)
{
	const char *at, *dot;

	if (str_empty(s) || strchr(s, ' '))
		return 0;
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	dot = strrchr(at, '.');
	return dot && dot > at + 1 && dot[1];
}

uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void random_hex(char *out, size_t nhex)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[64];
	size_t i;

	if (nhex > 2 * sizeof(b))
		nhex = 2 * sizeof(b);
	if (getrandom(b, (nhex + 1) / 2, 0) < 0) {
		for (i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	}
	for (i = 0; i < nhex; i++)
		out[i] = hex[(b[i / 2] >> ((i % 2) ? 0 : 4)) & 15];
	out[nhex] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *url_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * finsync's parser (util/timeutil.c), read as a server that checks its input
 * would: TIME_EXACT always, a zone required where the caller says so.  A
 * wrapper only because the sandbox's clock is int64_t.
 */
int parse_iso_time(const char *s, int require_offset, int64_t *out)
{
	time_t t;

	if (time_parse_iso_flags(s, TIME_EXACT | (require_offset ? TIME_ZONE_REQUIRED : 0), &t))
		return -1;
	*out = (int64_t)t;
	return 0;
}

int valid_date(const char *s)
{
	int y = 0, m = 0, d = 0;

	return s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' && !digits(s, 4, &y) && !digits(s + 5, 2, &m) &&
	       !digits(s + 8, 2, &d) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void fmt_time(int64_t t, char out[32], const char *zone)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[96];

	gmtime_r(&tt, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
	snprintf(out, 32, "%.31s", buf);
}

void fmt_crm_time(int64_t t, char out[32])
{
	fmt_time(t, out, "+00:00");
}

void fmt_fin_time(int64_t t, char out[32])
{
	fmt_time(t, out, "+0000");
}

void fmt_date(int64_t t, char out[11])
{
	char buf[32];

	fmt_time(t, buf, "");
	snprintf(out, 11, "%.10s", buf);
}

int date_add_days(const char *date, long days, char out[11])
{
	struct tm tm;
	int y = 0, m = 0, d = 0;

	if (!valid_date(date))
		return -1;
	digits(date, 4, &y);
	digits(date + 5, 2, &m);
	digits(date + 8, 2, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	fmt_date((int64_t)timegm(&tm) + (int64_t)days * 86400, out);
	return 0;
}

void fmt_log_time(char out[40])
{
	struct timeval tv;
	struct tm tm;
	time_t tt;
	char buf[96];

	gettimeofday(&tv, NULL);
	tt = tv.tv_sec;
	gmtime_r(&tt, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
	snprintf(out, 40, "%.39s", buf);
}

json_t *jerr_crm(const char *code, json_t *details, const char *message)
{
	return json_pack("{s:s, s:o, s:s, s:s}", "code", code, "details", details ? details : json_object(), "message",
			 message, "status", "error");
}

json_t *jerr_fin(int code, const char *message)
{
	return json_pack("{s:i, s:s}", "code", code, "message", message);
}
