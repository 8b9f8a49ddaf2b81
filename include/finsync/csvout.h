/*
 * csvout.h - CSV for analysts: RFC 4180, UTF-8, one header row, CRLF line
 * ends, formula-safe (a cell starting with =, +, -, @ gets a leading '),
 * and spreadsheet-safe: text a spreadsheet would read as a number and
 * change (long digit strings such as Zoho ids, a leading 0 or +) is written
 * as ="text" (see src/util/csvout.c).
 *
 * Every call returns 0, or FS_EABORT when the stream has a write error
 * (checked with ferror(); the caller still flushes and checks at the end).
 */
#ifndef FINSYNC_CSVOUT_H
#define FINSYNC_CSVOUT_H
#include <stdio.h>
#include <stddef.h>

struct csvout {
	FILE *fp;
	size_t col; /* cells written on the current row */
};

void csvout_init(struct csvout *c, FILE *fp);
/* Writes one cell (NULL = empty); quotes when needed. */
int csvout_cell(struct csvout *c, const char *s);
/* Writes a number as is (a number is never taken for a formula). */
int csvout_cell_long(struct csvout *c, long v);
/*
 * Writes num as is when it is a JSON number literal ("-12.5", "1e3"), else as
 * a text cell like csvout_cell().  For numbers typed as numbers: a text "-12"
 * still gets its leading '.
 */
int csvout_cell_number(struct csvout *c, const char *num);
/* Whether s is a JSON number literal: what csvout_cell_number() and sheetout_number() write as a number. */
int csvout_is_number(const char *s);
int csvout_end_row(struct csvout *c);
/* Whether csvout_cell() writes s as ="s": a spreadsheet would change it as a number. */
int csvout_keeps_as_text(const char *s);

#endif
