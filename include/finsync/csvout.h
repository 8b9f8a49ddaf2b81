/*
 * csvout.h - CSV for analysts: RFC 4180, UTF-8, one header row, CRLF line
 * ends, and formula-safe (a cell starting with =, +, -, @ gets a leading ').
 */
#ifndef FINSYNC_CSVOUT_H
#define FINSYNC_CSVOUT_H
#include <stdio.h>
#include <stddef.h>

struct csvout {
	FILE *fp;
	size_t col;      /* cells written on the current row */
};

void csvout_init(struct csvout *c, FILE *fp);
/* Writes one cell (NULL = empty); quotes when needed. */
int csvout_cell(struct csvout *c, const char *s);
int csvout_cell_long(struct csvout *c, long v);
int csvout_end_row(struct csvout *c);

#endif
