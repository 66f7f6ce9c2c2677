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
#include "oomsift/facts.h"

typedef struct oomsift_store oomsift_store;
typedef struct sqlite3 sqlite3;

#define OOMSIFT_SCHEMA_VERSION 7

/* Bytes of a source's content that identify it. */
#define OOMSIFT_SOURCE_HEAD 4096

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

/* Where a source's content was read from, and its first bytes. */
typedef struct oomsift_source_info {
	const char *path;    /* as given ("-" for stdin) */
	const char *member;  /* path inside an archive, or NULL */
	const char *wrapper; /* the format it is read as, or NULL */
	const void *head;    /* the first min(content, OOMSIFT_SOURCE_HEAD) bytes */
	size_t head_len;
	uint64_t dev, ino; /* of the file on disk; 0 and 0 when there is none */
	int64_t size;      /* content size when known, else -1 */
	int64_t file_size; /* of the file on disk (or the archive member), -1 when unknown */
	int64_t mtime;     /* of the file, 0 when unknown */
} oomsift_source_info;

/* What the store knows of a source: where to resume reading it. */
typedef struct oomsift_source_pos {
	int64_t id;
	bool known;     /* this content was read before */
	bool unchanged; /* the same file, with the size and mtime it had when read to its end */
	uint64_t cursor, cursor_line; /* resume at this offset, which starts this line + 1 */
	uint64_t cursor_fp;           /* a check of the bytes before cursor (input.h) */
} oomsift_source_pos;

/* Finds the source by its file (device, inode, member) when its head still
 * matches, else by its head; registers it when new. Records the file. */
int oomsift_store_source_begin(oomsift_store *s, const oomsift_source_info *info,
                               oomsift_source_pos *pos);

/* How far a source was read. */
typedef struct oomsift_source_end {
	uint64_t cursor, cursor_line, cursor_fp; /* the new resume point */
	uint64_t size;                           /* content bytes read, from offset 0 */
	bool complete;                           /* read to its end */
	uint64_t lines, bytes, events;           /* what this read saw */
} oomsift_source_end;

/* Commits how far the source was read (in the caller's transaction, with the
 * events read up to there). */
int oomsift_store_source_end(oomsift_store *s, const oomsift_source_info *info, int64_t id,
                             const oomsift_source_end *end);

/* Dates uptime-only events from the boots the store knows: an event without
 * a wall time, whose boot (by boot id, or else the last boot of its host that
 * began before its file was written) is dated, gets ts_quality 'derived'.
 * Returns the number of events dated in *n. */
int oomsift_store_derive_times(oomsift_store *s, uint64_t *n);

/* Stores ev unless the store holds the same event already: the same host,
 * the same key lines at the same times, compatible boots, and never two
 * events of one source (see docs/schema.md, "Exactly once"). Either way
 * records that source_id showed it at ev->line; *inserted tells which. A
 * fuller copy of a stored event (its header or kill was cut in the first
 * source) replaces the stored content, keeping its id and sightings. */
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

typedef struct oomsift_merge_stats {
	uint64_t events, new_events, known_events, sources;
} oomsift_merge_stats;

/* Folds the store at other_path (opened read-only, never changed) into s, in
 * one transaction, under the rules of oomsift_store_put_event: an event both
 * stores hold stays one, with the sightings of both. Stats are added to. */
int oomsift_store_merge(oomsift_store *s, const char *other_path, oomsift_merge_stats *st);

/* Stores n facts of origin->host collected at origin->collected_at (store/facts.c).
 * A fact already stored for the same host, key and collection time is left
 * as it is, so reading the same facts again adds nothing; *inserted (may be
 * NULL) is increased by the rows added. Call between begin and commit. */
int oomsift_store_put_facts(oomsift_store *s, const oomsift_facts_origin *origin,
                            const oomsift_fact *facts, size_t n, uint64_t *inserted);

#endif
