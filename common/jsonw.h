/*
 * A small pretty-printing JSON writer (internal): two spaces per level, one
 * member per line, keys in the order written. Shared by the report's and the
 * single-event view's JSON and by the query output's string escaping.
 */
#ifndef OOMSIFT_COMMON_JSONW_H
#define OOMSIFT_COMMON_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Deepest nesting written; deeper containers share the last level's state. */
#define JSONW_MAX_DEPTH 16

typedef struct jsonw {
	FILE *f;
	int depth; /* containers open */
	bool first[JSONW_MAX_DEPTH + 1];
} jsonw;

/* Writes s as a JSON string: invalid UTF-8 as \ufffd, control bytes escaped. */
void jsonw_escape(FILE *f, const char *s, size_t len);

/* A writer at `depth` (0: top level; 1: the caller already opened a container). */
void jsonw_init(jsonw *w, FILE *f, int depth);

/* The separator and indentation before a value, and its key (NULL in arrays).
 * At depth 0 (the top-level value) nothing is written. */
void jsonw_key(jsonw *w, const char *key);
void jsonw_open(jsonw *w, const char *key, char brace);
void jsonw_close(jsonw *w, char brace);

/* Members; a NULL text, OOMSIFT_UNSET integer or non-finite number is null. */
void jsonw_str(jsonw *w, const char *key, const char *s);
void jsonw_int(jsonw *w, const char *key, int64_t v);
void jsonw_bool(jsonw *w, const char *key, bool v);
void jsonw_null(jsonw *w, const char *key);
/* `decimals` places; trim: without trailing zeros ("0.5", "446.2", "3"). */
void jsonw_real(jsonw *w, const char *key, double v, int decimals, bool trim);

#endif
