/*
 * csvout.c - CSV for analysts (RFC 4180) that a spreadsheet opens safely
 * and saves back unchanged.
 *
 * A cell is quoted when it holds a comma, a quote, CR or LF, with its quotes
 * doubled; rows end in CRLF.
 *
 * A spreadsheet's CSV import (LibreOffice Calc's and Excel's defaults) reads
 * every cell that looks like a number as a number, and that loses data: a
 * 19-digit Zoho id keeps 15 digits (4.15086800000009E+18), a ZIP code or a
 * phone loses its leading 0 or +.  Such text cells are written as the text
 * formula ="..." (quoted as RFC 4180 wants), which both spreadsheets evaluate
 * to the text itself and save back as the plain text: all digits with a
 * leading 0 or more than 15 of them, and a + or - followed only by digits
 * and the punctuation of phone numbers.  The value cannot be a formula that
 * does anything else: it holds no letters.  ISO dates and times are left as
 * they are: Calc keeps both as they were written.
 *
 * Any other text cell that starts with =, +, -, @, TAB or CR gets a leading
 * ' (OWASP "CSV injection"): CRM data is typed by people outside the
 * company, and a spreadsheet would run "=HYPERLINK(...)" as a formula.
 * Numbers written as numbers are not text and are left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "finsync/csvout.h"
#include "finsync/err.h"

void csvout_init(struct csvout *c, FILE *fp)
{
	c->fp = fp;
	c->col = 0;
}

/* Write errors surface here, at the latest when stdio's buffer is flushed. */
static int check_stream(struct csvout *c)
{
	if (ferror(c->fp))
		return fail(FS_EABORT, "cannot write CSV: %s", strerror(errno ? errno : EIO));
	return 0;
}

static void separator(struct csvout *c)
{
	if (c->col++)
		putc(',', c->fp);
}

static int starts_formula(const char *s)
{
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

/* Digits a spreadsheet would shorten: a leading 0, or more than a double's 15. */
static int digits_lost_as_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 1 && !s[n] && (s[0] == '0' || n > 15);
}

/* "+44 20 7946 0000", "-12", "+1 (555) 010-0100": a sign, then digits and phone punctuation. */
static int signed_digits(const char *s)
{
	if (*s != '+' && *s != '-')
		return 0;
	s++;
	return strpbrk(s, "0123456789") && s[strspn(s, "0123456789 ()./-")] == '\0';
}

/* Text a spreadsheet would take for a number, and change: kept as ="text". */
int csvout_keeps_as_text(const char *s)
{
	return s && (digits_lost_as_number(s) || signed_digits(s));
}

int csvout_cell(struct csvout *c, const char *s)
{
	int quote;
	const char *q;

	separator(c);
	if (!s || !*s)
		return check_stream(c);
	if (csvout_keeps_as_text(s)) {
		fprintf(c->fp, "\"=\"\"%s\"\"\"", s);
		return check_stream(c);
	}
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		putc('"', c->fp);
	if (starts_formula(s))
		putc('\'', c->fp);
	while ((q = strchr(s, '"'))) {
		fwrite(s, 1, (size_t)(q - s) + 1, c->fp);
		putc('"', c->fp);
		s = q + 1;
	}
	fputs(s, c->fp);
	if (quote)
		putc('"', c->fp);
	return check_stream(c);
}

int csvout_cell_long(struct csvout *c, long v)
{
	separator(c);
	fprintf(c->fp, "%ld", v);
	return check_stream(c);
}

static const char *skip_digits(const char *s)
{
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

/* A JSON number: -?(0|[1-9]digits)(.digits)?([eE][+-]?digits)? */
int csvout_is_number(const char *s)
{
	const char *p;

	s += *s == '-';
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		s = skip_digits(s);
	else
		return 0;
	if (*s == '.') {
		if ((p = skip_digits(s + 1)) == s + 1)
			return 0;
		s = p;
	}
	if (*s == 'e' || *s == 'E') {
		s += 1 + (s[1] == '+' || s[1] == '-');
		if ((p = skip_digits(s)) == s)
			return 0;
		s = p;
	}
	return *s == '\0';
}

int csvout_cell_number(struct csvout *c, const char *num)
{
	if (!num || !csvout_is_number(num))
		return csvout_cell(c, num);
	separator(c);
	fputs(num, c->fp);
	return check_stream(c);
}

int csvout_end_row(struct csvout *c)
{
	fputs("\r\n", c->fp);
	c->col = 0;
	return check_stream(c);
}
