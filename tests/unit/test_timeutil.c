/*
 * test_timeutil.c - ISO 8601 times (src/util/timeutil.c): the formatter
 * and the parser agree, offsets west and east of UTC land on the same
 * instant, fractions are ignored, and every malformed field is refused.
 * (The flags TIME_EXACT and TIME_ZONE_REQUIRED are in test_core.c.)
 */
#include <time.h>
#include "finsync/timeutil.h"
#include "unit.h"

static void test_timeutil__format_and_parse_agree(void)
{
	char s[ISO_TIME_LEN];
	time_t t;

	time_iso_utc(0, s);
	CHECK_STREQ(s, "1970-01-01T00:00:00Z");
	time_iso_utc(1795187109, s);
	CHECK_STREQ(s, "2026-11-20T15:05:09Z");
	CHECK(time_parse_iso(s, &t) == 0);
	CHECK_INTEQ(t, 1795187109);
	time_now_iso(s);
	CHECK(time_parse_iso(s, &t) == 0);
	CHECK(t - time(NULL) <= 1 && time(NULL) - t <= 1);
}

static void test_timeutil__offsets_both_ways(void)
{
	time_t utc, west, east, frac, none;

	CHECK(time_parse_iso("2026-01-01T00:30:00Z", &utc) == 0);
	CHECK(time_parse_iso("2025-12-31T19:30:00-05:00", &west) == 0);
	CHECK(time_parse_iso("2026-01-01T14:30:00+1400", &east) == 0);
	CHECK(time_parse_iso("2026-01-01T00:30:00.999999Z", &frac) == 0);
	CHECK(time_parse_iso("2026-01-01T00:30:00", &none) == 0); /* no zone: UTC */
	CHECK_INTEQ(west, utc);
	CHECK_INTEQ(east, utc);
	CHECK_INTEQ(frac, utc);
	CHECK_INTEQ(none, utc);
}

static void test_timeutil__malformed_refused(void)
{
	static const char *const bad[] = {
		NULL,
		"",
		"2026-01-01",
		"2026-01-01T00:30",
		"2026/01/01T00:30:00Z",
		"2026-00-01T00:30:00Z",
		"2026-01-32T00:30:00Z",
		"2026-01-00T00:30:00Z",
		"2026-01-01T24:00:00Z",
		"2026-01-01T00:60:00Z",
		"2026-01-01T00:30:61Z",
		"2026-01-01T00:30:00ZZ",
		"2026-01-01T00:30:00+05",
		"2026-01-01T00:30:00+05:60",
		"2026-01-01T00:30:00+5:30",
		"2026-01-01T00:30:00 +05:30",
		"+026-01-01T00:30:00Z",
		"2026-01-01T00:30:00+05:30x",
	};
	size_t i;
	time_t t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (time_parse_iso(bad[i], &t) != -1)
			fprintf(stderr, "accepted '%s'\n", bad[i] ? bad[i] : "(null)");
		CHECK(time_parse_iso(bad[i], &t) == -1);
	}
}

static void test_timeutil__mono_moves_forward(void)
{
	double a = time_mono(), b = time_mono();

	CHECK(a > 0);
	CHECK(b >= a);
}

static const struct unit_test timeutil_tests[] = {
	UNIT(test_timeutil__format_and_parse_agree),
	UNIT(test_timeutil__offsets_both_ways),
	UNIT(test_timeutil__malformed_refused),
	UNIT(test_timeutil__mono_moves_forward),
	{ 0 },
};
UNIT_SUITE(timeutil_tests)
