/*
 * timeutil.c - ISO 8601 formatting and parsing to UTC instants.  The one
 * parser of the tree: the sandbox parses with it too (TIME_EXACT,
 * TIME_ZONE_REQUIRED), so both sides of a test read a time the same way.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "finsync/timeutil.h"

void time_iso_utc(time_t t, char *out)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_iso(char *out)
{
	time_iso_utc(time(NULL), out);
}

/* n decimal digits at s, nothing else (no sign, no space, as sscanf would take). */
static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Z, ±HH:MM or ±HHMM (or nothing, unless TIME_ZONE_REQUIRED) to seconds east of UTC. */
static int parse_offset(const char *p, unsigned flags, long *secs)
{
	int sign, hh, mm;

	*secs = 0;
	if (*p == '\0')
		return flags & TIME_ZONE_REQUIRED ? -1 : 0;
	if (*p == 'Z' || (*p == 'z' && !(flags & TIME_EXACT)))
		return p[1] == '\0' ? 0 : -1;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	if (digits(p + 1, 2, &hh))
		return -1;
	p += 3;
	if (*p == ':')
		p++;
	if (digits(p, 2, &mm) || p[2] || hh > 14 || mm > 59)
		return -1;
	*secs = sign * (hh * 3600L + mm * 60L);
	return 0;
}

int time_parse_iso_flags(const char *s, unsigned flags, time_t *out)
{
	struct tm tm;
	long offset;
	int y, mo, d, h, mi, se;

	if (!s || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	s += 19;
	if (*s == '.') { /* fractional seconds: ignored */
		s++;
		if ((flags & TIME_EXACT) && !(*s >= '0' && *s <= '9'))
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (parse_offset(s, flags, &offset))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = timegm(&tm) - offset;
	return 0;
}

int time_parse_iso(const char *s, time_t *out)
{
	return time_parse_iso_flags(s, 0, out);
}

double time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
