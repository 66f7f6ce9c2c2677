/*
 * Read-only SQL over the store, ad hoc or named.
 *
 * Every statement runs under an authorizer that refuses anything but reading:
 * writes, schema changes, ATTACH/DETACH, transactions, pragmas that set or
 * change something, and functions that reach outside the store
 * (load_extension, readfile, writefile, edit, fts3_tokenizer). Such a
 * statement, and any other SQL error, fails with OOMSIFT_ESQL.
 *
 * Named queries are SQL files with a header (docs/queries.md):
 *
 *   -- name: leak-suspects
 *   -- description: one line
 *   -- param: min_points int 3  fewest reports the name must appear in
 *
 * then SQL that reads its params as :NAME. Every query also has :since and
 * :until (type time: seconds since the epoch as a REAL, NULL for no bound)
 * and :host (type glob, default '*'); a param line may give since, until or
 * host another default. Values are bound, never pasted into the SQL.
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

/* Runs every statement of sql in turn. A statement that would write, uses a
 * parameter (:x), or any SQL error fails with OOMSIFT_ESQL and the reason. */
int oomsift_query_run(oomsift_store *s, const char *sql, const oomsift_query_sink *sink);

/* Caps of the header of a named query. */
#define OOMSIFT_QUERY_MAX_PARAMS 16
#define OOMSIFT_QUERY_MAX_NAME   64
#define OOMSIFT_QUERY_MAX_TEXT   (256 * 1024) /* bytes of a query file */
#define OOMSIFT_QUERY_MAX_VALUE  4096         /* bytes of a param's value */

typedef enum oomsift_param_type {
	OOMSIFT_PARAM_INT,  /* a 64-bit integer, bound as INTEGER */
	OOMSIFT_PARAM_REAL, /* a finite number, bound as REAL */
	OOMSIFT_PARAM_TEXT, /* any text, bound as TEXT */
	OOMSIFT_PARAM_TIME, /* oomsift_time_parse() text or "all", bound as REAL or NULL */
	OOMSIFT_PARAM_GLOB, /* a GLOB pattern, bound as TEXT */
} oomsift_param_type;

/* "int", "real", "text", "time" or "glob". */
const char *oomsift_param_type_name(oomsift_param_type type);

typedef struct oomsift_query_param {
	const char *name; /* [a-z_][a-z0-9_]* */
	oomsift_param_type type;
	const char *default_value; /* as written in the header */
	const char *description;
	unsigned line; /* line of the header that declares it; 0 for since, until, host */
} oomsift_query_param;

typedef struct oomsift_named_query oomsift_named_query;

typedef struct oomsift_named_query_info {
	const char *name;        /* NULL for ad-hoc SQL */
	const char *description; /* NULL for ad-hoc SQL */
	const char *file;        /* where the text came from, e.g. "queries/recent.sql" */
	const char *sql;         /* the whole text, header included */
	size_t nparams;          /* since, until and host first, then the query's own */
	const oomsift_query_param *params;
} oomsift_named_query_info;

/* Parses a named query from text; `file` names it in errors ("file:line:
 * what") and, when it ends in .sql, must be NAME.sql. *out is the caller's
 * to free with oomsift_named_query_free(). OOMSIFT_EINVAL for a bad header,
 * OOMSIFT_ELIMIT past the caps above, OOMSIFT_ENOMEM. */
int oomsift_named_query_parse(oomsift_named_query **out, const char *file, const char *text);

/* Wraps ad-hoc SQL as a query without a name whose params are since, until
 * and host (defaults all, all, '*'). The SQL is copied; free *out with
 * oomsift_named_query_free(). */
int oomsift_named_query_adhoc(oomsift_named_query **out, const char *sql);

void oomsift_named_query_free(oomsift_named_query *q);

/* Fills *info; its pointers live as long as q. */
void oomsift_named_query_get(const oomsift_named_query *q, oomsift_named_query_info *info);

/* A value given for a param, as text (the CLI's --param NAME=VALUE). */
typedef struct oomsift_query_arg {
	const char *name;
	const char *value;
} oomsift_query_arg;

/* Resolves the value of every param of q (info.nparams of them, in order)
 * into values[]: the arg of that name, else the default; typed by the
 * param's type, a time relative to `now` (seconds since the epoch). TEXT
 * values point into args or q. OOMSIFT_EINVAL, naming the param, for an
 * unknown or repeated name or a value that is not of its type. */
int oomsift_named_query_bind(const oomsift_named_query *q, const oomsift_query_arg *args,
                             size_t nargs, int64_t now, oomsift_value *values);

/* Binds (as oomsift_named_query_bind) and runs q's statements into sink.
 * OOMSIFT_EINVAL for bad args; OOMSIFT_ESQL, naming q's file, when the SQL
 * fails, uses a parameter that is not a param of q, or leaves a param of a
 * named query (or one given in args) unused. */
int oomsift_named_query_run(oomsift_store *s, const oomsift_named_query *q,
                            const oomsift_query_arg *args, size_t nargs, int64_t now,
                            const oomsift_query_sink *sink);

/* The named queries built into oomsift (the .sql files of queries/), by name. */
typedef struct oomsift_named_queries oomsift_named_queries;

/* Parses the built-in queries. Free *out with oomsift_named_queries_free().
 * Fails only on allocation (a bad built-in header is a build's test failure,
 * reported as OOMSIFT_EINVAL with its file and line). */
int oomsift_named_queries_builtin(oomsift_named_queries **out);
size_t oomsift_named_queries_count(const oomsift_named_queries *set);
/* The i-th query in name order; NULL past the end. */
const oomsift_named_query *oomsift_named_queries_at(const oomsift_named_queries *set, size_t i);
/* The query called name, or NULL. */
const oomsift_named_query *oomsift_named_queries_find(const oomsift_named_queries *set,
                                                      const char *name);
void oomsift_named_queries_free(oomsift_named_queries *set);

#endif
