/*
 * Read-only SQL over the store. Statements run on a store opened
 * OOMSIFT_STORE_READONLY, and any statement that could write is refused
 * before it runs.
 */
#ifndef OOMSIFT_QUERY_H
#define OOMSIFT_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "oomsift/store.h"
#include "oomsift/value.h"

/* Called once per statement with its columns (nrows = 0), then per row. */
typedef struct oomsift_query_sink {
	int (*columns)(void *ctx, int ncol, const char *const *names);
	int (*row)(void *ctx, int ncol, const oomsift_value *values);
	void *ctx;
} oomsift_query_sink;

/* Runs every statement of sql in turn. A statement that would write, or any
 * SQL error, fails with OOMSIFT_ESQL and SQLite's message. */
int oomsift_query_run(oomsift_store *s, const char *sql, const oomsift_query_sink *sink);

#endif
