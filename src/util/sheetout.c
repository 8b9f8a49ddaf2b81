/*
 * sheetout.c - one table writer for export and review, as CSV or xlsx.
 *
 * CSV is what scripts read and every tool opens, but a spreadsheet guesses
 * each cell's type on import (see csvout.c).  An xlsx file says the type of
 * every cell, so nothing is guessed: an id or a ZIP code is a text cell,
 * never a number, and no formula guard is needed (a text cell is never a
 * formula).  Text that is an ISO 8601 date or time becomes a date cell
 * (a time with an offset is turned to UTC: a spreadsheet has no zones), so
 * an analyst can sort and filter by it.
 *
 * libxlsxwriter writes the file at workbook_close(); its constant-memory
 * mode keeps one row in memory, so a large export stays small.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/sheetout.h"
#include "finsync/timeutil.h"

#define COLUMN_WIDTH 21 /* characters */

struct sheet_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *datetime;
	lxw_row_t row;
	lxw_col_t col;
	char *path;
	lxw_error err; /* the first error of a write */
};

void sheetout_csv(struct sheetout *s, FILE *fp)
{
	csvout_init(&s->csv, fp);
	s->x = NULL;
}

int sheetout_xlsx(struct sheetout *s, const char *path, const char *sheet)
{
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE };
	struct sheet_xlsx *x = xcalloc(1, sizeof(*x));

	s->x = x;
	x->path = xstrdup(path);
	if (!(x->wb = workbook_new_opt(path, &opts)) || !(x->ws = workbook_add_worksheet(x->wb, sheet)))
		return fail(FS_EABORT, "cannot start the workbook '%s'", path);
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	x->date = workbook_add_format(x->wb);
	format_set_num_format(x->date, "yyyy-mm-dd");
	x->datetime = workbook_add_format(x->wb);
	format_set_num_format(x->datetime, "yyyy-mm-dd hh:mm:ss");
	worksheet_freeze_panes(x->ws, 1, 0);
	return 0;
}

static int xlsx_result(struct sheet_xlsx *x, lxw_error e)
{
	x->col++;
	if (e == LXW_NO_ERROR)
		return 0;
	if (!x->err)
		x->err = e;
	return fail(FS_EABORT, "cannot write row %u of '%s': %s", (unsigned)x->row + 1, x->path, lxw_strerror(e));
}

/* "2026-12-06": 1 with *d set. */
static int iso_date(const char *s, lxw_datetime *d)
{
	int n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &d->year, &d->month, &d->day, &n) != 3 || n != 10)
		return 0;
	d->hour = d->min = 0;
	d->sec = 0;
	return d->year >= 1900 && d->month >= 1 && d->month <= 12 && d->day >= 1 && d->day <= 31 &&
	       strspn(s, "0123456789-") == 10;
}

/* "2023-07-30T13:24:17+05:30" (any zone): 1 with *d set to the UTC time. */
static int iso_time(const char *s, lxw_datetime *d)
{
	struct tm tm;
	time_t t;

	if (strlen(s) < 19 || s[10] != 'T' || time_parse_iso_flags(s, TIME_ZONE_REQUIRED, &t) || !gmtime_r(&t, &tm))
		return 0;
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
	d->hour = tm.tm_hour;
	d->min = tm.tm_min;
	d->sec = tm.tm_sec;
	return d->year >= 1900 && d->year <= 9999;
}

int sheetout_header(struct sheetout *s, const char *text)
{
	struct sheet_xlsx *x = s->x;

	if (!x)
		return csvout_cell(&s->csv, text);
	/* Wide enough for a 19-digit id or a date and time: a narrow column shows ### instead. */
	worksheet_set_column(x->ws, x->col, x->col, COLUMN_WIDTH, NULL);
	return xlsx_result(x, worksheet_write_string(x->ws, x->row, x->col, text ? text : "", x->bold));
}

int sheetout_text(struct sheetout *s, const char *text)
{
	struct sheet_xlsx *x = s->x;
	lxw_datetime d;

	if (!x)
		return csvout_cell(&s->csv, text);
	if (!text || !*text) {
		x->col++;
		return 0;
	}
	if (iso_date(text, &d))
		return xlsx_result(x, worksheet_write_datetime(x->ws, x->row, x->col, &d, x->date));
	if (iso_time(text, &d))
		return xlsx_result(x, worksheet_write_datetime(x->ws, x->row, x->col, &d, x->datetime));
	return xlsx_result(x, worksheet_write_string(x->ws, x->row, x->col, text, NULL));
}

int sheetout_number(struct sheetout *s, const char *num)
{
	struct sheet_xlsx *x = s->x;
	double v;

	if (!x)
		return csvout_cell_number(&s->csv, num);
	/* As the CSV: strtod() alone would take "0x1A", "nan" or " 5" for numbers. */
	if (!num || !csvout_is_number(num))
		return sheetout_text(s, num);
	v = strtod(num, NULL);
	return xlsx_result(x, worksheet_write_number(x->ws, x->row, x->col, v, NULL));
}

int sheetout_long(struct sheetout *s, long v)
{
	struct sheet_xlsx *x = s->x;

	if (!x)
		return csvout_cell_long(&s->csv, v);
	return xlsx_result(x, worksheet_write_number(x->ws, x->row, x->col, (double)v, NULL));
}

int sheetout_end_row(struct sheetout *s)
{
	if (!s->x)
		return csvout_end_row(&s->csv);
	s->x->row++;
	s->x->col = 0;
	return 0;
}

int sheetout_close(struct sheetout *s)
{
	struct sheet_xlsx *x = s->x;
	lxw_error e;
	int rc = 0;

	if (!x)
		return 0;
	if (x->wb && (e = workbook_close(x->wb)) != LXW_NO_ERROR)
		rc = fail(FS_EABORT, "cannot write '%s': %s", x->path, lxw_strerror(e));
	xfree(x->path);
	xfree(x);
	s->x = NULL;
	return rc;
}
