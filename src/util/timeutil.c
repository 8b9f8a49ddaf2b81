/*
 * timeutil.c - ISO 8601 formatting and parsing to UTC instants.
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

static int parse_offset(const char *p, long *secs)
{
	int sign, hh, mm;

	if (*p == '\0' || *p == 'Z' || *p == 'z') {
		*secs = 0;
		return (*p == '\0' || p[1] == '\0') ? 0 : -1;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	if (sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2 && strlen(p) == 6)
		;
	else if (sscanf(p + 1, "%2d%2d", &hh, &mm) == 2 && strlen(p) == 5)
		;
	else
		return -1;
	if (hh > 14 || mm > 59)
		return -1;
	*secs = sign * (hh * 3600L + mm * 60L);
	return 0;
}

int time_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	long offset;
	int n = 0;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return -1;
	s += n;
	if (*s == '.') {                 /* fractional seconds: ignored */
		s++;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (parse_offset(s, &offset))
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm) - offset;
	return 0;
}

double time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
