/*
 * timeutil.h - ISO 8601 times.  Zoho sends offsets like +05:30 and +0530;
 * everything is parsed to a UTC instant before any comparison.
 */
#ifndef FINSYNC_TIMEUTIL_H
#define FINSYNC_TIMEUTIL_H
#include <time.h>

#define ISO_TIME_LEN 32

/* "2026-11-21T14:05:09Z" into out[ISO_TIME_LEN]. */
void time_iso_utc(time_t t, char *out);
/* Now, as above. */
void time_now_iso(char *out);
/*
 * Parses YYYY-MM-DDTHH:MM:SS[.fff] with Z, ±HH:MM or ±HHMM (or none = UTC);
 * every field is digits only, offsets go to ±14:59.  0 ok, -1 bad.
 */
int time_parse_iso(const char *s, time_t *out);
/*
 * The same, with flags: TIME_ZONE_REQUIRED refuses a time without a zone;
 * TIME_EXACT refuses what a tolerant reader lets by (a lower-case z, a '.'
 * without digits).  The sandbox parses with both, as a server that checks
 * what it is sent; time_parse_iso() is flags 0.
 */
enum time_parse_flags { TIME_ZONE_REQUIRED = 1, TIME_EXACT = 2 };
int time_parse_iso_flags(const char *s, unsigned flags, time_t *out);
/* Monotonic seconds, for rates and durations. */
double time_mono(void);

#endif
