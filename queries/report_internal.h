/* Shared by the report model and its renderers (queries/report*.c; internal). */
#ifndef OOMSIFT_QUERIES_REPORT_INTERNAL_H
#define OOMSIFT_QUERIES_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/report.h"

/* "2026-11-09T03:12:44Z" (out >= 32 bytes). */
void report_fmt_time(double t, char *out, size_t len);
/* "2026-11-09" (out >= 16 bytes). */
void report_fmt_date(double t, char *out, size_t len);
/* "Mon 11-09": the short label of day i of the period (out >= 16 bytes). */
void report_fmt_day(const oomsift_report *r, size_t day, char *out, size_t len);
/* A size in KiB in binary units, as the rules render them: "20 GiB",
 * "8.8 GiB", "512 KiB"; "?" for a negative (unknown) size (out >= 32 bytes). */
void report_fmt_kb(int64_t kb, char *out, size_t len);
/* The change from the period before: "+3", "-2", "±0", or "new" when prev
 * is 0 and now is not. `minus` is the sign written for a decrease ("-", or
 * the minus sign U+2212 in HTML). */
void report_fmt_change(const oomsift_report_delta *d, const char *minus, char *out, size_t len);
/* A share 0..1 as a whole percentage: "43%" (out >= 8 bytes). */
void report_fmt_share(double share, char *out, size_t len);
/* A slope in KiB per day as a size per day: "+446 GiB/day". */
void report_fmt_slope(double kb_per_day, char *out, size_t len);
/* The period's bounds as dates: "2026-11-09 – 2026-11-15" (the last day
 * included; UTF-8 en dash). */
void report_fmt_period(const oomsift_report *r, char *out, size_t len);
/* The headline's sentences under the figures (no text from the logs): who
 * killed, what an incident is, events without a kill or a time. */
void report_fmt_notes(const oomsift_report *r, char *out, size_t len);
/* Text shown for a cause: the cause, or "unclassified" for NULL. */
const char *report_cause_name(const char *cause);
/* A colour (#rrggbb) for a cause: fixed for the built-in causes, from the
 * name's hash for others; grey for unclassified (NULL) and "other". */
const char *report_cause_color(const char *cause);
/* Total kills of day i (all causes). */
int64_t report_day_total(const oomsift_report *r, size_t day);
/* Columns of the per-day chart: ncauses, plus one when causes past the cap had kills. */
size_t report_chart_columns(const oomsift_report *r);

/* A table of text cells, filled in by a renderer and written by it. */
#define REPORT_TABLE_COLS 8
#define REPORT_TABLE_ROWS (OOMSIFT_REPORT_MAX_HOSTS + 1)
#define REPORT_CELL_MAX   256 /* bytes of a cell, cut at a character */

typedef struct report_table {
	size_t ncols, nrows;
	const char *head[REPORT_TABLE_COLS];
	bool right[REPORT_TABLE_COLS]; /* numbers: aligned right */
	char cell[REPORT_TABLE_ROWS][REPORT_TABLE_COLS][REPORT_CELL_MAX];
} report_table;

/* A new table with the given headers (a header starting with '>' is a
 * right-aligned column; the '>' is not shown); NULL when out of memory. */
report_table *report_table_new(size_t ncols, const char *const *heads);
/* Starts a row; returns its index, or -1 when the table is full. */
int report_table_row(report_table *t);
/* Sets a cell of the last row (printf format), cut at a character boundary. */
void report_table_set(report_table *t, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Characters (code points) of UTF-8 text. */
size_t report_utf8_width(const char *s);
/* Bytes of s that hold at most `width` characters. */
size_t report_utf8_prefix(const char *s, size_t width);

#endif
