/*
 * Folding another store into this one: stores made where the logs live (one
 * per host) become one history, each event still stored once.
 */
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "store/internal.h"

/* The other store's sources, by their content; mapped to ours. */
static const char sql_other_sources[] =
    "SELECT id, path, member, wrapper, head_len, head_fp, head_prefix, mtime, first_ingested, "
    "last_ingested FROM source ORDER BY id";
static const char sql_find_source[] =
    "SELECT id FROM source WHERE head_len = ?1 AND head_fp IS ?2 AND head_len > 0 "
    "ORDER BY id LIMIT 1";
static const char sql_add_source[] =
    "INSERT INTO source(path, member, wrapper, head_len, head_fp, head_prefix, mtime, "
    "first_ingested, last_ingested) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_other_events[] = "SELECT id FROM event ORDER BY id";
static const char sql_other_sightings[] =
    "SELECT source_id, line FROM event_source WHERE event_id = ?1 ORDER BY source_id, line";
static const char sql_sighting[] =
    "INSERT OR IGNORE INTO event_source(event_id, source_id, line) VALUES (?1, ?2, ?3)";

typedef struct source_map {
	int64_t *from, *to;
	size_t n, cap;
} source_map;

static int64_t map_source(const source_map *m, int64_t other)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->from[i] == other)
			return m->to[i];
	return 0;
}

static int import_source(oomsift_store *s, sqlite3_stmt *o, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, sql_find_source);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_value(st, 1, sqlite3_column_value(o, 4));
	sqlite3_bind_value(st, 2, sqlite3_column_value(o, 5));
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		return 0;
	}
	if (!(st = store_stmt(s, sql_add_source)))
		return OOMSIFT_ESTORE;
	for (int c = 1; c <= 9; c++)
		sqlite3_bind_value(st, c, sqlite3_column_value(o, c));
	if ((rc = store_step(s, st, "cannot record a merged source")) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int map_sources(oomsift_store *s, oomsift_store *other, source_map *m,
                       oomsift_merge_stats *stats)
{
	sqlite3_stmt *o = store_stmt(other, sql_other_sources);
	int rc = 0;

	if (!o)
		return OOMSIFT_ESTORE;
	while (rc == 0 && sqlite3_step(o) == SQLITE_ROW) {
		if ((rc = oomsift_vec_reserve((void **)&m->from, &m->cap, sizeof(int64_t), m->n + 1,
		                              SIZE_MAX / sizeof(int64_t))) < 0)
			break;
		m->to = realloc(m->to, m->cap * sizeof(int64_t));
		if (!m->to)
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		m->from[m->n] = sqlite3_column_int64(o, 0);
		rc = import_source(s, o, &m->to[m->n]);
		m->n++;
		stats->sources++;
	}
	sqlite3_reset(o);
	return rc;
}

/* One event of the other store, with every place it was seen there. */
static int merge_event(oomsift_store *s, oomsift_store *other, int64_t other_id,
                       const source_map *m, oomsift_merge_stats *stats)
{
	sqlite3_stmt *o;
	oomsift_event *ev;
	int64_t id = 0;
	bool first = true, inserted;
	int rc;

	if ((rc = oomsift_store_load_event(other, other_id, true, &ev)) < 0)
		return rc;
	if (!(o = store_stmt(other, sql_other_sightings))) {
		oomsift_event_free(ev);
		return OOMSIFT_ESTORE;
	}
	sqlite3_bind_int64(o, 1, other_id);
	while (rc == 0 && sqlite3_step(o) == SQLITE_ROW) {
		int64_t src = map_source(m, sqlite3_column_int64(o, 0));
		uint64_t line = (uint64_t)sqlite3_column_int64(o, 1);
		sqlite3_stmt *st;

		if (first) {
			ev->line = line;
			if ((rc = oomsift_store_put_event(s, ev, src, &id, &inserted)) < 0)
				break;
			stats->events++;
			if (inserted)
				stats->new_events++;
			else
				stats->known_events++;
			first = false;
			continue;
		}
		if (!(st = store_stmt(s, sql_sighting))) {
			rc = OOMSIFT_ESTORE;
			break;
		}
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, src);
		sqlite3_bind_int64(st, 3, (int64_t)line);
		rc = store_step(s, st, "cannot record where an event was seen");
	}
	sqlite3_reset(o);
	oomsift_event_free(ev);
	return rc;
}

static int merge_events(oomsift_store *s, oomsift_store *other, const source_map *m,
                        oomsift_merge_stats *stats)
{
	sqlite3_stmt *o = store_stmt(other, sql_other_events);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!o)
		return OOMSIFT_ESTORE;
	/* Collect the ids first: loading an event reuses the other connection. */
	while (rc == 0 && sqlite3_step(o) == SQLITE_ROW) {
		if ((rc = oomsift_vec_reserve((void **)&ids, &cap, sizeof(*ids), n + 1,
		                              SIZE_MAX / sizeof(*ids))) == 0)
			ids[n++] = sqlite3_column_int64(o, 0);
	}
	sqlite3_reset(o);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = merge_event(s, other, ids[i], m, stats);
	free(ids);
	return rc;
}

int oomsift_store_merge(oomsift_store *s, const char *other_path, oomsift_merge_stats *stats)
{
	oomsift_store *other;
	source_map m = {0};
	uint64_t dated;
	int rc;

	if ((rc = oomsift_store_open(&other, other_path, OOMSIFT_STORE_READONLY)) < 0)
		return rc;
	if ((rc = oomsift_store_begin(s)) < 0)
		goto out;
	if ((rc = map_sources(s, other, &m, stats)) < 0 ||
	    (rc = merge_events(s, other, &m, stats)) < 0 ||
	    (rc = oomsift_store_derive_times(s, &dated)) < 0 || (rc = oomsift_store_commit(s)) < 0)
		oomsift_store_rollback(s);
out:
	free(m.from);
	free(m.to);
	oomsift_store_free(other);
	return rc;
}
