/* Host facts in the store: table host_fact (store/migrate_3.sql). */
#include <sqlite3.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/store.h"
#include "store/internal.h"

static const char sql_fact_insert[] =
    "INSERT OR IGNORE INTO host_fact(host, key, value, unit, text, collected_at, source, "
    "ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

int oomsift_store_put_facts(oomsift_store *s, const oomsift_facts_origin *origin,
                            const oomsift_fact *facts, size_t n, uint64_t *inserted)
{
	char collected[32], now[32];

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
		if (inserted)
			*inserted += (uint64_t)sqlite3_changes(s->db);
	}
	return 0;
}
