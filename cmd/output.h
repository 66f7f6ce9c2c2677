/* Result writers for `oomsift query`: table, csv, json, ndjson, markdown. */
#ifndef OOMSIFT_CMD_OUTPUT_H
#define OOMSIFT_CMD_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "oomsift/query.h"

typedef enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON, OUT_NDJSON, OUT_MARKDOWN } out_format;

/* Returns 0 and sets *fmt, or -1 for an unknown name. */
int out_format_parse(const char *name, out_format *fmt);

typedef struct out_writer out_writer;

out_writer *out_new(FILE *f, out_format fmt);
/* Tables fit `width` columns (0: no limit): cells too long wrap onto more
 * lines within their column, or with truncate are cut with an ellipsis. */
void out_set_width(out_writer *w, size_t width, bool truncate);
/* The width tables of f should fit: $COLUMNS, else the terminal's, when f is
 * a terminal; 0 (no limit) when it is not. */
size_t out_terminal_width(FILE *f);
/* The sink to pass to oomsift_query_run(); its ctx is the writer. */
oomsift_query_sink out_sink(out_writer *w);
/* Writes what is buffered (tables) and closes the document (json). */
int out_finish(out_writer *w);
void out_free(out_writer *w);

/* Writes s as a JSON string literal (quotes included); invalid UTF-8 bytes
 * become U+FFFD so the output is always valid JSON. */
void out_json_string(FILE *f, const char *s, size_t len);

#endif
