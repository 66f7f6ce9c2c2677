/*
 * Read-only SQL over the store. The store of an ad-hoc query is opened
 * read-only, and on top of that every statement is prepared under an
 * authorizer that lets it read and nothing else: a read-only connection
 * still ATTACHes (creating files), runs VACUUM INTO (writing a copy anywhere),
 * changes its own settings with PRAGMA and calls load_extension().
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "queries/internal.h"

#define MAX_COLUMNS 2000
#define MAX_DENIAL  512

/* Pragmas that only read. The first ones take a table or index name (or a
 * check's limit) as their argument; the rest are allowed without one only,
 * since with one (`PRAGMA user_version = 3`) they set something. */
static const char *const pragmas_with_arg[] = {
    "table_info",       "table_xinfo",       "index_info",      "index_xinfo", "index_list",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "table_list",
};
static const char *const pragmas_plain[] = {
    "user_version", "schema_version",  "application_id", "data_version",  "page_size",
    "page_count",   "freelist_count",  "encoding",       "journal_mode",  "auto_vacuum",
    "foreign_keys", "compile_options", "database_list",  "function_list", "module_list",
    "pragma_list",  "collation_list",
};

/* Functions that reach outside the store (the last ones exist only where the
 * sqlite3 shell's extensions are loaded; refused by name all the same). */
static const char *const functions_refused[] = {
    "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "lsmode",
};
/* Table-valued functions of those extensions that read files. */
static const char *const tables_refused[] = {"fsdir", "zipfile"};

typedef struct authorizer {
	char denial[MAX_DENIAL]; /* why the last statement was refused, "" if it was not */
} authorizer;

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (sqlite3_stricmp(s, list[i]) == 0)
			return true;
	return false;
}

/* An authorizer argument, which SQLite may pass as NULL. */
#define S(x) ((x) ? (x) : "")

#define IN_LIST(s, list) in_list(s, list, sizeof(list) / sizeof(list[0]))

static bool is_schema_table(const char *table)
{
	return table && (sqlite3_stricmp(table, "sqlite_master") == 0 ||
	                 sqlite3_stricmp(table, "sqlite_temp_master") == 0 ||
	                 sqlite3_stricmp(table, "sqlite_schema") == 0 ||
	                 sqlite3_stricmp(table, "sqlite_temp_schema") == 0);
}

static int deny(authorizer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int deny(authorizer *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->denial, sizeof(a->denial), fmt, ap);
	va_end(ap);
	return SQLITE_DENY;
}

/* What a schema-changing action is called in SQL. */
static const char *schema_action(int action)
{
	switch (action) {
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
		return "CREATE INDEX";
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
		return "CREATE TABLE";
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
		return "CREATE TRIGGER";
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
		return "CREATE VIEW";
	case SQLITE_CREATE_VTABLE:
		return "CREATE VIRTUAL TABLE";
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
		return "DROP INDEX";
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_VTABLE:
		return "DROP TABLE";
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
		return "DROP TRIGGER";
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
		return "DROP VIEW";
	case SQLITE_REINDEX:
		return "REINDEX";
	case SQLITE_ANALYZE:
		return "ANALYZE";
	default:
		return "this statement";
	}
}

static int authorize_pragma(authorizer *a, const char *name, const char *arg)
{
	if (IN_LIST(name, pragmas_with_arg) || (!arg && IN_LIST(name, pragmas_plain)))
		return SQLITE_OK;
	if (arg)
		snprintf(a->denial, sizeof(a->denial),
		         "PRAGMA %s with a value is not allowed: queries cannot change settings",
		         S(name));
	else
		snprintf(a->denial, sizeof(a->denial),
		         "PRAGMA %s is not allowed: only pragmas that read (table_info, "
		         "index_list, user_version, ...) are",
		         S(name));
	return SQLITE_DENY;
}

static int authorize(void *ctx, int action, const char *a1, const char *a2, const char *db,
                     const char *trigger)
{
	authorizer *a = ctx;

	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		if (IN_LIST(a1, tables_refused))
			return deny(a, "reading '%s' is not allowed: it reaches outside the store",
			            S(a1));
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (IN_LIST(a2, functions_refused))
			return deny(a, "function %s() is not allowed: it reaches outside the store",
			            S(a2));
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		return authorize_pragma(a, a1, a2);
	case SQLITE_UPDATE:
		/* Declaring a table-valued function (pragma_table_info, json_each)
		 * is authorized as an UPDATE of the schema table; it writes nothing,
		 * and a real UPDATE of it is refused by SQLite and by the read-only
		 * check of every statement. */
		if (is_schema_table(a1))
			return SQLITE_OK;
		return deny(a, "UPDATE of '%s' is not allowed: queries are read-only", S(a1));
	case SQLITE_INSERT:
		if (is_schema_table(a1))
			return deny(a, "CREATE is not allowed: queries cannot change the schema");
		return deny(a, "INSERT into '%s' is not allowed: queries are read-only", S(a1));
	case SQLITE_DELETE:
		if (is_schema_table(a1))
			return deny(a, "DROP is not allowed: queries cannot change the schema");
		return deny(a, "DELETE from '%s' is not allowed: queries are read-only", S(a1));
	case SQLITE_ATTACH:
		return deny(a, "ATTACH '%s' is not allowed: queries read the store only", S(a1));
	case SQLITE_DETACH:
		return deny(a, "DETACH '%s' is not allowed: queries read the store only", S(a1));
	case SQLITE_TRANSACTION:
		return deny(a, "%s is not allowed: a query runs on its own, not in a transaction",
		            S(a1));
	case SQLITE_SAVEPOINT:
		return deny(a, "SAVEPOINT is not allowed: a query runs on its own, not in a "
		               "transaction");
	case SQLITE_ALTER_TABLE:
		return deny(a, "ALTER TABLE %s is not allowed: queries cannot change the schema",
		            S(a2));
	default:
		return deny(a, "%s %s is not allowed: queries cannot change the schema",
		            schema_action(action), S(a1));
	}
}

/* Sets the error for a failed prepare or step: the authorizer's reason when
 * it refused the statement, else SQLite's message. */
static int sql_error(sqlite3 *db, const authorizer *a, const char *file)
{
	const char *msg = a->denial[0] ? a->denial : sqlite3_errmsg(db);

	if (file)
		return oomsift_error_set(OOMSIFT_ESQL, "%s: %s", file, msg);
	return oomsift_error_set(OOMSIFT_ESQL, "%s", msg);
}

static void column_value(sqlite3_stmt *st, int c, oomsift_value *v)
{
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

static int run_statement(sqlite3 *db, sqlite3_stmt *st, const authorizer *a, const char *file,
                         const oomsift_query_sink *sink)
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
		for (int c = 0; c < ncol; c++)
			column_value(st, c, &vals[c]);
		if (sink->row && (rc = sink->row(sink->ctx, ncol, vals)) < 0) {
			free(vals);
			return rc;
		}
	}
	free(vals);
	if (rc != SQLITE_DONE)
		return sql_error(db, a, file);
	return 0;
}

static const query_binding *find_binding(const query_binding *b, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(b[i].name, name) == 0)
			return &b[i];
	return NULL;
}

/* Fails with OOMSIFT_ESQL and the message, after "FILE: " when there is a file. */
static int query_fail(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int query_fail(const char *file, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (file)
		return oomsift_error_set(OOMSIFT_ESQL, "%s: %s", file, msg);
	return oomsift_error_set(OOMSIFT_ESQL, "%s", msg);
}

static int unbound(const char *file, const char *name, const query_binding *b, size_t n)
{
	char list[(OOMSIFT_QUERY_MAX_PARAMS + 4) * (OOMSIFT_QUERY_MAX_NAME + 3)] = "";
	size_t used = 0;

	if (!n)
		return query_fail(file, "the SQL reads :%s, but nothing is bound to it", name);
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s:%s", i ? ", " : "",
		                         b[i].name);
	return query_fail(file, "the SQL reads :%s, which is not a param (params: %s)", name, list);
}

/* Binds each parameter of st; marks in used[] the bindings it reads. */
static int bind_statement(sqlite3_stmt *st, const char *file, const query_binding *b, size_t n,
                          bool *used)
{
	int count = sqlite3_bind_parameter_count(st);

	for (int i = 1; i <= count; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		const query_binding *x;
		if (!name || name[0] != ':')
			return query_fail(file, "parameter '%s' is not allowed: name it :NAME",
			                  name ? name : "?");
		if (!(x = find_binding(b, n, name + 1)))
			return unbound(file, name + 1, b, n);
		used[x - b] = true;
		switch (x->value.type) {
		case OOMSIFT_VALUE_INT:
			sqlite3_bind_int64(st, i, x->value.i);
			break;
		case OOMSIFT_VALUE_REAL:
			sqlite3_bind_double(st, i, x->value.d);
			break;
		case OOMSIFT_VALUE_TEXT:
			sqlite3_bind_text(st, i, x->value.s, (int)x->value.len, SQLITE_STATIC);
			break;
		case OOMSIFT_VALUE_BLOB:
			sqlite3_bind_blob(st, i, x->value.s, (int)x->value.len, SQLITE_STATIC);
			break;
		default:
			sqlite3_bind_null(st, i);
		}
	}
	return 0;
}

/* Prepares statement after statement from *tail. *st is NULL at the end. */
static int prepare_next(sqlite3 *db, authorizer *a, const char *file, const char **tail,
                        sqlite3_stmt **st)
{
	*st = NULL;
	while (**tail) {
		a->denial[0] = '\0';
		if (sqlite3_prepare_v2(db, *tail, -1, st, tail) != SQLITE_OK)
			return sql_error(db, a, file);
		if (*st)
			break; /* else white space or a comment */
	}
	if (*st && !sqlite3_stmt_readonly(*st)) {
		int rc =
		    query_fail(file, "only read-only statements are allowed: %s", sqlite3_sql(*st));
		sqlite3_finalize(*st);
		*st = NULL;
		return rc;
	}
	return 0;
}

/* Prepares every statement once, before any runs: a parameter that is not
 * bound, or a binding that must be read but is not, fails the whole text. */
static int check_params(sqlite3 *db, authorizer *a, const char *file, const char *sql,
                        const query_binding *b, size_t n)
{
	bool used[OOMSIFT_QUERY_MAX_PARAMS + 4] = {false};
	const char *tail = sql;
	sqlite3_stmt *st;
	int rc;

	if (n > sizeof(used) / sizeof(used[0]))
		return oomsift_error_set(OOMSIFT_ELIMIT, "too many params (%zu)", n);
	do {
		if ((rc = prepare_next(db, a, file, &tail, &st)) < 0)
			return rc;
		if (st) {
			rc = bind_statement(st, file, b, n, used);
			sqlite3_finalize(st);
			if (rc < 0)
				return rc;
		}
	} while (st);
	for (size_t i = 0; i < n; i++)
		if (b[i].must_use && !used[i])
			return query_fail(file, "param '%s' is given, but the SQL never reads it",
			                  b[i].name);
	return 0;
}

int query_run_bound(oomsift_store *s, const char *file, const char *sql,
                    const query_binding *bindings, size_t nbindings, const oomsift_query_sink *sink)
{
	bool used[OOMSIFT_QUERY_MAX_PARAMS + 4] = {false};
	sqlite3 *db = oomsift_store_db(s);
	const char *tail = sql;
	authorizer a = {{0}};
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_set_authorizer(db, authorize, &a);
	if ((rc = check_params(db, &a, file, sql, bindings, nbindings)) < 0)
		goto out;
	do {
		if ((rc = prepare_next(db, &a, file, &tail, &st)) < 0 || !st)
			break;
		rc = bind_statement(st, file, bindings, nbindings, used);
		if (rc == 0)
			rc = run_statement(db, st, &a, file, sink);
		sqlite3_finalize(st);
	} while (rc == 0);
out:
	sqlite3_set_authorizer(db, NULL, NULL);
	return rc;
}

int oomsift_query_run(oomsift_store *s, const char *sql, const oomsift_query_sink *sink)
{
	return query_run_bound(s, NULL, sql, NULL, 0, sink);
}
