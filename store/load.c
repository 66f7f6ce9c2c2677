/* Reads one stored event back into an oomsift_event (for `oomsift show` and merge). */
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "oomsift/store.h"

typedef enum { F_TEXT, F_I64, F_REAL } field_type;

typedef struct field_map {
	const char *column;
	field_type type;
	size_t offset;
} field_map;

#define T(c, f)                                                                                    \
	{                                                                                          \
		c, F_TEXT, offsetof(oomsift_event, f)                                              \
	}
#define I(c, f)                                                                                    \
	{                                                                                          \
		c, F_I64, offsetof(oomsift_event, f)                                               \
	}
#define R(c, f)                                                                                    \
	{                                                                                          \
		c, F_REAL, offsetof(oomsift_event, f)                                              \
	}
static const field_map event_fields[] = {
    T("host", host),
    T("kernel", kernel),
    T("trigger_comm", trigger_comm),
    T("gfp_mask", gfp_mask),
    T("gfp_flags", gfp_flags),
    T("nodemask", nodemask),
    T("tainted", tainted),
    T("hardware", hardware),
    T("cpuset", cpuset),
    T("mems_allowed", mems_allowed),
    T("workqueue", workqueue),
    T("oom_constraint", oom_constraint),
    T("oom_memcg", oom_memcg),
    T("task_memcg", task_memcg),
    T("victim_comm", victim_comm),
    T("kill_reason", kill_reason),
    T("panic", panic),
    T("source", source),
    T("boot_id", boot_id),
    I("trigger_pid", trigger_pid),
    I("trigger_uid", trigger_uid),
    I("trigger_oom_score_adj", trigger_oom_score_adj),
    I("trigger_oom_adj", trigger_oom_adj),
    I("alloc_order", alloc_order),
    I("cpu", cpu),
    I("victim_pid", victim_pid),
    I("victim_uid", victim_uid),
    I("victim_total_vm_kb", victim_total_vm_kb),
    I("victim_anon_rss_kb", victim_anon_rss_kb),
    I("victim_file_rss_kb", victim_file_rss_kb),
    I("victim_shmem_rss_kb", victim_shmem_rss_kb),
    I("victim_pgtables_kb", victim_pgtables_kb),
    I("victim_oom_score_adj", victim_oom_score_adj),
    I("kill_score", kill_score),
    I("memcg_usage_kb", memcg_mem.usage_kb),
    I("memcg_limit_kb", memcg_mem.limit_kb),
    I("memcg_failcnt", memcg_mem.failcnt),
    I("memcg_swap_usage_kb", memcg_swap.usage_kb),
    I("memcg_swap_limit_kb", memcg_swap.limit_kb),
    I("memcg_swap_failcnt", memcg_swap.failcnt),
    I("memcg_memsw_usage_kb", memcg_memsw.usage_kb),
    I("memcg_memsw_limit_kb", memcg_memsw.limit_kb),
    I("memcg_memsw_failcnt", memcg_memsw.failcnt),
    I("memcg_kmem_usage_kb", memcg_kmem.usage_kb),
    I("memcg_kmem_limit_kb", memcg_kmem.limit_kb),
    I("memcg_kmem_failcnt", memcg_kmem.failcnt),
    I("swap_free_kb", swap_free_kb),
    I("swap_total_kb", swap_total_kb),
    I("ram_pages", ram_pages),
    I("reserved_pages", reserved_pages),
    /* user-space actors and follow-ups */
    T("unit", unit),
    T("unit_result", unit_result),
    T("seen_by", seen_by),
    T("container_id", container_id),
    T("pods", pods),
    T("kill_signal", kill_signal),
    T("victim_cmdline", victim_cmdline),
    I("victim_vmrss_kb", victim_vmrss_kb),
    I("mem_avail_kb", mem_avail_kb),
    I("mem_total_kb", mem_total_kb),
    I("oomd_mem_used_bytes", oomd_mem_used_bytes),
    I("oomd_mem_total_bytes", oomd_mem_total_bytes),
    I("oomd_swap_used_bytes", oomd_swap_used_bytes),
    I("oomd_swap_total_bytes", oomd_swap_total_bytes),
    I("oomd_killed_processes", oomd_killed_processes),
    R("oomd_pressure_pct", oomd_pressure_pct),
    R("oomd_pressure_limit_pct", oomd_pressure_limit_pct),
    R("oomd_duration_s", oomd_duration_s),
    R("oomd_swap_limit_pct", oomd_swap_limit_pct),
};
#undef T
#undef I
#undef R

/* The view shows the fingerprint as 32 hex digits. */
static void load_fingerprint(oomsift_event *ev, const char *hex)
{
	for (size_t i = 0; i < sizeof(ev->fingerprint) && hex[2 * i] && hex[2 * i + 1]; i++) {
		char byte[3] = {hex[2 * i], hex[2 * i + 1], 0};
		ev->fingerprint[i] = (unsigned char)strtoul(byte, NULL, 16);
	}
}

static int load_row(sqlite3_stmt *st, oomsift_event *ev)
{
	int n = sqlite3_column_count(st);

	for (int c = 0; c < n; c++) {
		const char *name = sqlite3_column_name(st, c);
		int type = sqlite3_column_type(st, c);

		for (size_t i = 0; i < sizeof(event_fields) / sizeof(event_fields[0]); i++) {
			const field_map *f = &event_fields[i];
			if (strcmp(f->column, name) != 0 || type == SQLITE_NULL)
				continue;
			if (f->type == F_I64) {
				*(int64_t *)((char *)ev + f->offset) = sqlite3_column_int64(st, c);
			} else if (f->type == F_REAL) {
				*(double *)((char *)ev + f->offset) = sqlite3_column_double(st, c);
			} else {
				const char *t = (const char *)sqlite3_column_text(st, c);
				const char *copy = oomsift_event_strdup(
				    ev, t, (size_t)sqlite3_column_bytes(st, c));
				if (!copy)
					return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
				*(const char **)((char *)ev + f->offset) = copy;
			}
		}
		if (type == SQLITE_NULL)
			continue;
		if (strcmp(name, "ts_unix") == 0) {
			ev->has_ts = true;
			ev->ts_unix = sqlite3_column_double(st, c);
		} else if (strcmp(name, "uptime_s") == 0) {
			ev->has_uptime = true;
			ev->uptime_s = sqlite3_column_double(st, c);
		} else if (strcmp(name, "kind") == 0) {
			int kind =
			    oomsift_event_kind_from_name((const char *)sqlite3_column_text(st, c));
			ev->kind = kind < 0 ? OOMSIFT_KERNEL_OOM : (oomsift_event_kind)kind;
		} else if (strcmp(name, "line") == 0) {
			ev->line = (uint64_t)sqlite3_column_int64(st, c);
		} else if (strcmp(name, "task_rows") == 0) {
			ev->has_task_table = true;
		} else if (strcmp(name, "manual") == 0) {
			ev->manual = sqlite3_column_int(st, c);
		} else if (strcmp(name, "no_killable") == 0) {
			ev->no_killable = sqlite3_column_int(st, c);
		} else if (strcmp(name, "has_header") == 0) {
			ev->has_header = sqlite3_column_int(st, c);
		} else if (strcmp(name, "has_kill") == 0) {
			ev->has_kill = sqlite3_column_int(st, c);
		} else if (strcmp(name, "ts_quality") == 0) {
			const char *q = (const char *)sqlite3_column_text(st, c);
			ev->ts_quality = strcmp(q, "exact") == 0     ? OOMSIFT_TS_EXACT
			                 : strcmp(q, "derived") == 0 ? OOMSIFT_TS_DERIVED
			                                             : OOMSIFT_TS_UNKNOWN;
		} else if (strcmp(name, "boot_time") == 0) {
			ev->has_boot_time = true;
			ev->boot_time = sqlite3_column_double(st, c);
		} else if (strcmp(name, "truncated") == 0) {
			ev->truncated = sqlite3_column_int(st, c);
		} else if (strcmp(name, "fingerprint") == 0) {
			load_fingerprint(ev, (const char *)sqlite3_column_text(st, c));
		}
	}
	return 0;
}

static int64_t col_i64(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? OOMSIFT_UNSET
	                                                 : sqlite3_column_int64(st, c);
}

static const char *col_text(oomsift_event *ev, sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return NULL;
	return oomsift_event_strdup(ev, (const char *)sqlite3_column_text(st, c),
	                            (size_t)sqlite3_column_bytes(st, c));
}

/* Runs `sql` with ?1 = event id and hands each row to `row`. */
static int for_each_row(sqlite3 *db, const char *sql, int64_t id, oomsift_event *ev,
                        int (*row)(sqlite3_stmt *st, oomsift_event *ev))
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot read event %lld: %s",
		                         (long long)id, sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, id);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = row(st, ev);
	sqlite3_finalize(st);
	return rc;
}

static int task_row(sqlite3_stmt *st, oomsift_event *ev)
{
	oomsift_task t;
	int64_t *f = &t.pid;
	int rc = oomsift_vec_reserve((void **)&ev->tasks, &ev->tasks_cap, sizeof(t), ev->ntasks + 1,
	                             SIZE_MAX / sizeof(t));

	if (rc < 0)
		return rc;
	for (int c = 0; c < 16; c++)
		f[c] = col_i64(st, c);
	t.name = col_text(ev, st, 16);
	ev->tasks[ev->ntasks++] = t;
	return 0;
}

static int kill_row(sqlite3_stmt *st, oomsift_event *ev)
{
	oomsift_kill k;
	int kind = oomsift_kill_kind_from_name((const char *)sqlite3_column_text(st, 0));
	int rc = oomsift_vec_reserve((void **)&ev->kills, &ev->kills_cap, sizeof(k), ev->nkills + 1,
	                             SIZE_MAX / sizeof(k));

	if (rc < 0)
		return rc;
	k.kind = kind < 0 ? OOMSIFT_KILL_VICTIM : (oomsift_kill_kind)kind;
	k.pid = col_i64(st, 1);
	k.comm = col_text(ev, st, 2);
	k.uid = col_i64(st, 3);
	k.total_vm_kb = col_i64(st, 4);
	k.anon_rss_kb = col_i64(st, 5);
	k.file_rss_kb = col_i64(st, 6);
	k.shmem_rss_kb = col_i64(st, 7);
	k.pgtables_kb = col_i64(st, 8);
	k.oom_score_adj = col_i64(st, 9);
	k.reason = col_text(ev, st, 10);
	k.oom_group = sqlite3_column_int(st, 11);
	ev->kills[ev->nkills++] = k;
	return 0;
}

/* Bag units are static strings in an event (event.h): map the text back. */
static const char *unit_of(const unsigned char *text)
{
	static const char *const units[] = {"pages", "kB", "bytes", "count", "bool"};

	for (size_t i = 0; text && i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp((const char *)text, units[i]) == 0)
			return units[i];
	return "count";
}

static int bag_row(sqlite3_stmt *st, oomsift_event *ev)
{
	oomsift_kv kv;
	int rc = oomsift_vec_reserve((void **)&ev->kvs, &ev->kvs_cap, sizeof(kv), ev->nkvs + 1,
	                             SIZE_MAX / sizeof(kv));

	if (rc < 0)
		return rc;
	kv.section = col_text(ev, st, 0);
	kv.key = col_text(ev, st, 1);
	kv.value = col_i64(st, 2);
	kv.unit = unit_of(sqlite3_column_text(st, 3));
	ev->kvs[ev->nkvs++] = kv;
	return 0;
}

static int key_row(sqlite3_stmt *st, oomsift_event *ev)
{
	oomsift_event_key *k = sqlite3_column_int(st, 0) ? &ev->key_kill : &ev->key_first;

	k->hash = (uint64_t)sqlite3_column_int64(st, 1);
	k->has_uptime = sqlite3_column_type(st, 2) != SQLITE_NULL;
	k->uptime_s = sqlite3_column_double(st, 2);
	k->has_ts = sqlite3_column_type(st, 3) != SQLITE_NULL;
	k->ts_unix = sqlite3_column_double(st, 3);
	return 0;
}

static const char bags_sql[] =
    "SELECT section, key, value, unit FROM oom_meminfo WHERE event_id = ?1 ORDER BY section, key";
static const char keys_sql[] =
    "SELECT kind, key, uptime_s, ts_unix FROM event_key WHERE event_id = ?1";
static const char tasks_sql[] =
    "SELECT pid, uid, tgid, total_vm_pages, rss_pages, rss_anon_pages, rss_file_pages, "
    "rss_shmem_pages, pgtables_bytes, nr_ptes, nr_pmds, nr_puds, swapents, cpu, oom_adj, "
    "oom_score_adj, name FROM oom_tasks WHERE event_id = ?1 ORDER BY row";
static const char kills_sql[] =
    "SELECT kind, pid, comm, uid, total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, "
    "pgtables_kb, oom_score_adj, reason, oom_group FROM oom_kills WHERE event_id = ?1 "
    "ORDER BY seq";

static int load_raw(sqlite3 *db, int64_t id, oomsift_event *ev)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT text FROM raw WHERE event_id = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot read raw text: %s",
		                         sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = oomsift_buf_append(&ev->raw, sqlite3_column_text(st, 0),
		                        (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return rc;
}

int oomsift_store_load_event(oomsift_store *s, int64_t id, bool want_raw, oomsift_event **out)
{
	sqlite3 *db = oomsift_store_db(s);
	oomsift_event *ev = oomsift_event_new();
	sqlite3_stmt *st = NULL;
	int rc;

	if (!ev)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(db, "SELECT * FROM oom_events WHERE id = ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = oomsift_error_set(OOMSIFT_ESTORE, "cannot read event: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
		         ? oomsift_error_set(OOMSIFT_ENOTFOUND, "no event %lld", (long long)id)
		         : oomsift_error_set(OOMSIFT_ESTORE, "cannot read event: %s",
		                             sqlite3_errmsg(db));
		goto fail;
	}
	if ((rc = load_row(st, ev)) < 0 ||
	    (rc = for_each_row(db, tasks_sql, id, ev, task_row)) < 0 ||
	    (rc = for_each_row(db, kills_sql, id, ev, kill_row)) < 0 ||
	    (rc = for_each_row(db, bags_sql, id, ev, bag_row)) < 0 ||
	    (rc = for_each_row(db, keys_sql, id, ev, key_row)) < 0 ||
	    (want_raw && (rc = load_raw(db, id, ev)) < 0))
		goto fail;
	sqlite3_finalize(st);
	*out = ev;
	return 0;
fail:
	sqlite3_finalize(st);
	oomsift_event_free(ev);
	return rc;
}
