/*
 * err.c - the message of the last failure, and the exit code mapping of
 * docs/design.md "Exit codes": 0 done, 1 some records failed, 2 usage/job,
 * 3 aborted, 4 locked, 5 daily budget spent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "finsync/err.h"

static _Thread_local char message[2048];

/* Formats into a copy first: the arguments may include err_msg() itself. */
int fail(int code, const char *fmt, ...)
{
	char text[sizeof(message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memcpy(message, text, sizeof(message));
	return code;
}

int fail_prefix(int code, const char *fmt, ...)
{
	char prefix[1024];
	char old[sizeof(message)];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);

	memcpy(old, message, sizeof(old));
	n = strlen(prefix);
	if (n > sizeof(message) - 3)
		n = sizeof(message) - 3;
	memcpy(message, prefix, n);
	memcpy(message + n, ": ", 2);
	memcpy(message + n + 2, old, sizeof(message) - n - 3);
	message[sizeof(message) - 1] = '\0';
	return code;
}

const char *err_msg(void)
{
	return message;
}

int exit_code_for(int rc, long records_failed)
{
	switch (rc) {
	case FS_OK:
		return records_failed > 0 ? 1 : 0;
	case FS_EUSAGE:
		return 2;
	case FS_ELOCKED:
		return 4;
	case FS_EBUDGET:
		return 5;
	default:
		return 3;
	}
}
