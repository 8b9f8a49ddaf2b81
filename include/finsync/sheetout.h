/*
 * sheetout.h - a table for analysts, as CSV (csvout.h: RFC 4180, formula
 * and spreadsheet safe) or as an xlsx workbook (libxlsxwriter): text cells
 * stay text (ids, ZIP codes, phones), numbers are numbers, ISO dates and
 * times are date cells (times in UTC), the header row is bold and frozen.
 *
 * Every call returns 0, or FS_EABORT naming the failure.
 */
#ifndef FINSYNC_SHEETOUT_H
#define FINSYNC_SHEETOUT_H
#include <stdio.h>
#include "finsync/csvout.h"

struct sheetout {
	struct csvout csv;
	struct sheet_xlsx *x; /* NULL: CSV */
};

/* CSV to fp (borrowed). */
void sheetout_csv(struct sheetout *s, FILE *fp);
/* An xlsx workbook of one sheet named sheet, written to path at sheetout_close(). */
int sheetout_xlsx(struct sheetout *s, const char *path, const char *sheet);

int sheetout_header(struct sheetout *s, const char *text); /* a cell of the first row */
int sheetout_text(struct sheetout *s, const char *text);   /* NULL: empty */
int sheetout_number(struct sheetout *s, const char *num);  /* a JSON number literal, else text */
int sheetout_long(struct sheetout *s, long v);
int sheetout_end_row(struct sheetout *s);
/* Writes an xlsx file out (nothing for CSV) and frees; safe to call once after a failure too. */
int sheetout_close(struct sheetout *s);

#endif
