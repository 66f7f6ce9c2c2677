/* Host facts in the store: table host_fact (store/migrate_3.sql). */
#include <sqlite3.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/store.h"
#include "store/internal.h"

static const char sql_fact_insert[] =
    "INSERT OR IGNORE INTO host_fact(host, key, value, unit, text, collected_at, source, "
    "ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
/* New facts change what rules read (fact.KEY) for every subject of the host:
 * they are classified again (classified_with '-', store/migrate_5.sql). */
static const char *const sql_facts_changed[] = {
    "UPDATE event SET classified_with = '-' WHERE host = ?1 AND classified_with != '-'",
    "UPDATE memory_event SET classified_with = '-' WHERE host = ?1 AND classified_with != '-'"};

static int reclassify_host(oomsift_store *s, const char *host)
{
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_stmt(s, sql_facts_changed[i]);
		int rc;
		if (!st)
			return OOMSIFT_ESTORE;
		store_bind_text(st, 1, host);
		if ((rc = store_step(s, st, "cannot mark events to classify again")) < 0)
			return rc;
	}
	return 0;
}

int oomsift_store_put_facts(oomsift_store *s, const oomsift_facts_origin *origin,
                            const oomsift_fact *facts, size_t n, uint64_t *inserted)
{
	char collected[32], now[32];
	uint64_t added = 0;

	oomsift_format_iso((double)origin->collected_at, 0, collected, sizeof(collected));
	store_now_iso(now, sizeof(now));
	for (size_t i = 0; i < n; i++) {
		const oomsift_fact *f = &facts[i];
		sqlite3_stmt *st = store_stmt(s, sql_fact_insert);
		if (!st)
			return OOMSIFT_ESTORE;
		store_bind_text(st, 1, origin->host);
		store_bind_text(st, 2, f->key);
		store_bind_i64(st, 3, f->value);
		store_bind_text(st, 4, f->unit);
		store_bind_text(st, 5, f->text);
		store_bind_text(st, 6, collected);
		store_bind_text(st, 7, origin->source);
		store_bind_text(st, 8, now);
		int rc = store_step(s, st, "cannot store a host fact");
		if (rc)
			return rc;
		added += (uint64_t)sqlite3_changes(s->db);
	}
	if (inserted)
		*inserted += added;
	return added ? reclassify_host(s, origin->host) : 0;
}
