/* Host facts in the store: table host_fact (store/migrate_facts.sql). */
#include <sqlite3.h>
#include <time.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/store.h"

static const char insert_sql[] =
    "INSERT OR IGNORE INTO host_fact(host, key, value, unit, text, collected_at, source, "
    "ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static int put_one(sqlite3 *db, sqlite3_stmt *st, const oomsift_fact *f, uint64_t *inserted)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 2, f->key, -1, SQLITE_STATIC);
	if (f->value != OOMSIFT_UNSET)
		sqlite3_bind_int64(st, 3, f->value);
	else
		sqlite3_bind_null(st, 3);
	if (f->unit)
		sqlite3_bind_text(st, 4, f->unit, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	if (f->text)
		sqlite3_bind_text(st, 5, f->text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (sqlite3_step(st) != SQLITE_DONE)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot store the fact '%s': %s", f->key,
		                         sqlite3_errmsg(db));
	*inserted += (uint64_t)sqlite3_changes(db);
	return 0;
}

int oomsift_store_put_facts(oomsift_store *s, const oomsift_facts_origin *origin,
                            const oomsift_fact *facts, size_t n, uint64_t *inserted)
{
	sqlite3 *db = oomsift_store_db(s);
	sqlite3_stmt *st = NULL;
	char collected[32], now[32];
	uint64_t added = 0;
	int rc = 0;

	if (sqlite3_prepare_v2(db, insert_sql, -1, &st, NULL) != SQLITE_OK)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot prepare a statement: %s",
		                         sqlite3_errmsg(db));
	oomsift_format_iso((double)origin->collected_at, 0, collected, sizeof(collected));
	oomsift_format_iso((double)time(NULL), 0, now, sizeof(now));
	sqlite3_bind_text(st, 1, origin->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, collected, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, origin->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = put_one(db, st, &facts[i], &added);
	sqlite3_finalize(st);
	if (inserted)
		*inserted += added;
	return rc;
}
