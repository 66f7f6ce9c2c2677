/*
 * Internals shared by the store's files: the connection, a cache of prepared
 * statements, and binding helpers. Not installed.
 */
#ifndef OOMSIFT_STORE_INTERNAL_H
#define OOMSIFT_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/store.h"

/* How long a connection waits for another process's lock before SQLite says
 * SQLITE_BUSY, and how often BEGIN IMMEDIATE waits so before it fails. */
#define STORE_BUSY_WAIT_MS 20000
#define STORE_BEGIN_TRIES  3
#define STORE_MAX_STMTS    96 /* ingest and classify in one process use about 60 */

struct oomsift_store {
	sqlite3 *db;
	/* Prepared statements, keyed by the address of their static SQL text. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} stmts[STORE_MAX_STMTS];
	size_t nstmts;
	bool readonly;
	char *path;                                /* as opened, for error messages */
	double busy_since_ms;                      /* when the present wait for a lock began */
	char *event_insert_sql, *event_update_sql; /* built from the column list */
	struct store_meminfo *meminfo;             /* store/meminfo.c, made on first use */
};

/* Checkpoints of the store's WAL in a thread (store/checkpoint.c) instead of
 * in the commits of s's connection, for a writer of many transactions. */
typedef struct store_checkpointer store_checkpointer;

/* Starts the thread and its connection; *out is NULL (and 0 returned) when
 * the store has no WAL (in memory, read-only) or the thread or connection
 * cannot be made: the writer then checkpoints as before. OOMSIFT_ENOMEM.
 * Stop it with store_checkpointer_stop before s is closed. */
int store_checkpointer_start(oomsift_store *s, store_checkpointer **out);

/* Runs a last checkpoint, ends the thread, frees c (NULL: nothing) and gives
 * s's connection its automatic checkpoint back. */
void store_checkpointer_stop(store_checkpointer *c);

/* Sets and returns OOMSIFT_ESTORE with the store's path, what failed, the
 * reason in plain words when SQLite's code has one (disk full, read-only,
 * locked, damaged) and SQLite's message. */
int store_error(oomsift_store *s, const char *what);

/* Returns the cached statement for `sql` (a string with static storage),
 * reset and with its bindings cleared; prepares it on first use. NULL (and
 * the error set) when it cannot be prepared. */
sqlite3_stmt *store_stmt(oomsift_store *s, const char *sql);

/* Steps st once; an error other than SQLITE_ROW/SQLITE_DONE becomes `what`. */
int store_step(oomsift_store *s, sqlite3_stmt *st, const char *what);

/* Binds v unless it is OOMSIFT_UNSET (NULL). */
void store_bind_i64(sqlite3_stmt *st, int i, int64_t v);
/* Binds v unless it is NAN (NULL). */
void store_bind_real(sqlite3_stmt *st, int i, double v);
/* Binds v unless it is NULL; SQLite copies nothing (v must outlive the step). */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* The current time as ISO 8601 UTC. */
void store_now_iso(char *out, size_t len);

/* ---- Mem-Info values (store/meminfo.c) ---- */
typedef struct store_meminfo store_meminfo;
/* Stores ev's Mem-Info values as the meminfo row of event id (no row when it
 * has none), adding their names to meminfo_name; inside a write transaction.
 * Negative with the error set when SQLite fails or memory runs out. */
int store_meminfo_put(oomsift_store *s, int64_t id, const oomsift_event *ev);
/* Forgets the cached name ids, which a transaction's ROLLBACK may have
 * taken away: at every BEGIN and ROLLBACK. */
void store_meminfo_forget(oomsift_store *s);
/* Called for each value: its section, the id of its (key, unit) in
 * meminfo_name and the value. 0 goes on; a negative error code (set) stops
 * the walk and is returned. */
typedef int (*store_meminfo_fn)(void *ctx, const char *section, int64_t name_id, int64_t value);
/* Calls fn for every value of event id that is not NULL, in oom_meminfo's
 * order: one read and a walk of its text, for callers that read many events.
 * 0 (also for an event without values), or negative with the error set. */
int store_meminfo_each(oomsift_store *s, int64_t id, store_meminfo_fn fn, void *ctx);
/* Whether the values of a section are wanted. */
typedef bool (*store_meminfo_want_fn)(const char *section);
/* store_meminfo_each for the sections want accepts (want NULL: all); the
 * others are passed over without reading their values (their text is only
 * checked to hold names, integers and nulls). */
int store_meminfo_each_in(oomsift_store *s, int64_t id, store_meminfo_want_fn want,
                          store_meminfo_fn fn, void *ctx);
/* Frees what store_meminfo_put keeps between calls; NULL is fine. */
void store_meminfo_free(store_meminfo *m);

#endif
