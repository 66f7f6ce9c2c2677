/*
 * The store: one SQLite file holding every event with its task table, kills,
 * memory bags, raw text and the files it was read from. WAL mode; the schema
 * is versioned with PRAGMA user_version and migrated forward on open.
 */
#ifndef OOMSIFT_STORE_H
#define OOMSIFT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "oomsift/event.h"

typedef struct oomsift_store oomsift_store;
typedef struct sqlite3 sqlite3;

#define OOMSIFT_SCHEMA_VERSION 2

enum oomsift_store_mode {
	OOMSIFT_STORE_READWRITE = 0, /* create the file (mode 0600) if missing */
	OOMSIFT_STORE_READONLY = 1,  /* the file must exist; nothing can be written */
};

/* Opens (and for READWRITE creates and migrates) the store at path; ":memory:"
 * opens a private in-memory store. Free with oomsift_store_free(). */
int oomsift_store_open(oomsift_store **out, const char *path, enum oomsift_store_mode mode);
void oomsift_store_free(oomsift_store *s);

/* The connection, for the query module. Owned by the store. */
sqlite3 *oomsift_store_db(oomsift_store *s);

int oomsift_store_begin(oomsift_store *s);
int oomsift_store_commit(oomsift_store *s);
void oomsift_store_rollback(oomsift_store *s);

/* Registers a source file (or refreshes it) and returns its id. */
int oomsift_store_source(oomsift_store *s, const char *path, int64_t *source_id);
int oomsift_store_source_done(oomsift_store *s, int64_t source_id, uint64_t lines, uint64_t bytes,
                              uint64_t events);

/* Stores ev unless an event with the same fingerprint is stored already; in
 * both cases records that source_id showed it. *inserted tells which. */
int oomsift_store_put_event(oomsift_store *s, const oomsift_event *ev, int64_t source_id,
                            int64_t *event_id, bool *inserted);

/* Stores a memory event (overcommit refusal, allocation failure) unless one
 * with the same fingerprint is stored already; *inserted tells which. me is
 * only read. */
int oomsift_store_put_memevent(oomsift_store *s, const oomsift_memevent *me, int64_t source_id,
                               bool *inserted);

/* Loads event `id` with its tasks and kills (and raw text when want_raw).
 * Returns OOMSIFT_ENOTFOUND when there is no such event. */
int oomsift_store_load_event(oomsift_store *s, int64_t id, bool want_raw, oomsift_event **out);

#endif
