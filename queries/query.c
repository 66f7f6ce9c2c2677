#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "oomsift/query.h"

#define MAX_COLUMNS 2000

static int run_statement(sqlite3 *db, sqlite3_stmt *st, const oomsift_query_sink *sink)
{
	int ncol = sqlite3_column_count(st), rc;
	const char *names[MAX_COLUMNS];
	oomsift_value *vals;

	if (ncol > MAX_COLUMNS)
		return oomsift_error_set(OOMSIFT_ESQL, "too many result columns (%d)", ncol);
	for (int c = 0; c < ncol; c++)
		names[c] = sqlite3_column_name(st, c);
	if (ncol && sink->columns && (rc = sink->columns(sink->ctx, ncol, names)) < 0)
		return rc;
	vals = calloc((size_t)ncol + 1, sizeof(*vals));
	if (!vals)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < ncol; c++) {
			oomsift_value *v = &vals[c];
			memset(v, 0, sizeof(*v));
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_INTEGER:
				v->type = OOMSIFT_VALUE_INT;
				v->i = sqlite3_column_int64(st, c);
				break;
			case SQLITE_FLOAT:
				v->type = OOMSIFT_VALUE_REAL;
				v->d = sqlite3_column_double(st, c);
				break;
			case SQLITE_TEXT:
				v->type = OOMSIFT_VALUE_TEXT;
				v->s = (const char *)sqlite3_column_text(st, c);
				v->len = (size_t)sqlite3_column_bytes(st, c);
				break;
			case SQLITE_BLOB:
				v->type = OOMSIFT_VALUE_BLOB;
				v->s = sqlite3_column_blob(st, c);
				v->len = (size_t)sqlite3_column_bytes(st, c);
				break;
			default:
				v->type = OOMSIFT_VALUE_NULL;
			}
		}
		if (sink->row && (rc = sink->row(sink->ctx, ncol, vals)) < 0) {
			free(vals);
			return rc;
		}
	}
	free(vals);
	if (rc != SQLITE_DONE)
		return oomsift_error_set(OOMSIFT_ESQL, "%s", sqlite3_errmsg(db));
	return 0;
}

int oomsift_query_run(oomsift_store *s, const char *sql, const oomsift_query_sink *sink)
{
	sqlite3 *db = oomsift_store_db(s);
	const char *tail = sql;
	int rc = 0;

	while (rc == 0 && tail && *tail) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK)
			return oomsift_error_set(OOMSIFT_ESQL, "%s", sqlite3_errmsg(db));
		if (!st) /* white space or a comment */
			continue;
		if (!sqlite3_stmt_readonly(st))
			rc = oomsift_error_set(OOMSIFT_ESQL,
			                       "only read-only statements are allowed: %s",
			                       sqlite3_sql(st));
		else
			rc = run_statement(db, st, sink);
		sqlite3_finalize(st);
	}
	return rc;
}
