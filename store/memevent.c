/* Memory events that are not kills (overcommit refusals, allocation
 * failures): table memory_event (store/migrate_4.sql), one row per line,
 * known by its fingerprint. */
#include <sqlite3.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "store/internal.h"

static const char sql_memevent[] =
    "INSERT OR IGNORE INTO memory_event(fingerprint, host, ts, ts_unix, uptime_s, kind, pid, "
    "comm, alloc_order, bytes, gfp_mask, gfp_flags, message, source_id, line, ingested_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

/* Empty text is "not printed" in a memory event's fixed buffers. */
static void bind_chars(sqlite3_stmt *st, int i, const char *v)
{
	store_bind_text(st, i, v[0] ? v : NULL);
}

int oomsift_store_put_memevent(oomsift_store *s, const oomsift_memevent *me, int64_t source_id,
                               bool *inserted)
{
	sqlite3_stmt *st = store_stmt(s, sql_memevent);
	char ts[40], now[32];
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	store_now_iso(now, sizeof(now));
	sqlite3_bind_blob(st, 1, me->fingerprint, sizeof(me->fingerprint), SQLITE_STATIC);
	store_bind_text(st, 2, me->host);
	if (me->has_ts) {
		oomsift_format_iso(me->ts_unix, me->ts_subsec, ts, sizeof(ts));
		store_bind_text(st, 3, ts);
		sqlite3_bind_double(st, 4, me->ts_unix);
	}
	if (me->has_uptime)
		sqlite3_bind_double(st, 5, me->uptime_s);
	store_bind_text(st, 6, oomsift_memevent_kind_name(me->kind));
	store_bind_i64(st, 7, me->pid);
	bind_chars(st, 8, me->comm);
	store_bind_i64(st, 9, me->alloc_order);
	store_bind_i64(st, 10, me->bytes);
	bind_chars(st, 11, me->gfp_mask);
	bind_chars(st, 12, me->gfp_flags);
	store_bind_text(st, 13, me->message);
	sqlite3_bind_int64(st, 14, source_id);
	sqlite3_bind_int64(st, 15, (int64_t)me->line);
	store_bind_text(st, 16, now);
	if ((rc = store_step(s, st, "cannot store a memory event")) < 0)
		return rc;
	*inserted = sqlite3_changes(s->db) > 0;
	return 0;
}
