/* Aligned text tables that fit a terminal (cmd/ only). */
#ifndef OOMSIFT_CMD_TABLE_H
#define OOMSIFT_CMD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct table {
	int ncol;
	const char *const *names;   /* ncol headers */
	const char *const *cells;   /* nrows * ncol cells, row-major */
	const unsigned char *right; /* per cell: right-align when it equals right_value */
	unsigned char right_value;
	size_t nrows;
	size_t width;  /* columns to fit; 0: no limit, every cell as it is */
	bool truncate; /* cut cells that do not fit with "…" instead of wrapping them */
} table;

/* Writes the header, a rule and the rows. Columns are two spaces apart and as
 * wide as their widest cell. When that is wider than t->width, the widest
 * columns narrow until the table fits, and their cells wrap onto more lines
 * (at a space or after , / - ; : | when one is near, else anywhere), or are
 * cut when t->truncate. A column keeps at least TABLE_MIN_COLUMN characters,
 * so a terminal too narrow for that gets a wider table. */
void table_write(FILE *f, const table *t);

#define TABLE_MIN_COLUMN 8

#endif
