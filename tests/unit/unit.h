/*
 * unit.h - a small unit test framework.  A test file defines a table and
 * registers it; tests/unit/main.c runs every registered table and ends with
 * the line "N passed, N failed".
 *
 *	static void test_buf__grows(void) { ... CHECK(x == 1); ... }
 *	static const struct unit_test buf_tests[] = { UNIT(test_buf__grows), { 0 } };
 *	UNIT_SUITE(buf_tests)
 *
 * For older test files: a table declared as `const struct unit_test X_tests[]`
 * without UNIT_SUITE is not run; always add UNIT_SUITE.
 */
#ifndef FINSYNC_UNIT_H
#define FINSYNC_UNIT_H
#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* clang-format off */
#define UNIT(f) { #f, f }
/* clang-format on */

extern int unit_failures;
void unit_register(const struct unit_test *table);
/* A fresh temporary directory for this test (removed at exit); borrowed. */
const char *unit_tmpdir(void);
/* How many files dir holds (not counting . and ..). */
int unit_count_files(const char *dir);
/* The whole of a small file (up to 64 KiB) as a string to xfree(); NULL when it cannot be read. */
char *unit_read_file(const char *path);
/* Runs fn with stderr (stdout) going to a file; returns what it wrote there (xfree). */
char *unit_stderr_of(void (*fn)(void));
char *unit_stdout_of(void (*fn)(void));

#define UNIT_SUITE(table) \
	__attribute__((constructor)) static void register_##table(void) \
	{ \
		unit_register(table); \
	}

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			unit_failures++; \
		} \
	} while (0)

#define CHECK_STREQ(a, b) \
	do { \
		const char *a_ = (a), *b_ = (b); \
		if (!a_ || !b_ || strcmp(a_, b_)) { \
			fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\" (%s)\n", __FILE__, __LINE__, \
				b_ ? b_ : "(null)", a_ ? a_ : "(null)", #a); \
			unit_failures++; \
		} \
	} while (0)

#define CHECK_INTEQ(a, b) \
	do { \
		long long a_ = (long long)(a), b_ = (long long)(b); \
		if (a_ != b_) { \
			fprintf(stderr, "%s:%d: expected %lld, got %lld (%s)\n", __FILE__, __LINE__, b_, a_, #a); \
			unit_failures++; \
		} \
	} while (0)

#endif
