/*
 * Storing events exactly once. An event read again — from the same file, a
 * rotated copy, another wrapper of the same host's log (dmesg, kern.log, a
 * journal) or another store — is matched to the stored one by its key lines
 * (event.h: oomsift_event_key) and only adds a sighting.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "store/internal.h"

/* Two boots of a host whose estimated starts are closer than this are one:
 * syslog reception lags printing by up to seconds under memory pressure. */
#define BOOT_SLACK_S 300.0
/* Two wall times of one line read through different wrappers (each stamped
 * at reception by another daemon) are at most this far apart. */
#define WALL_SLACK_S   10.0
#define MAX_CANDIDATES 64

/* The event table's columns in binding order: ?1 … ?N. */
static const char *const event_cols[] = {
    "fingerprint", "host", "ts", "ts_unix", "uptime_s", "boot_id", "kind", "kernel", "trigger_comm",
    "trigger_pid", "trigger_uid", "trigger_oom_score_adj", "trigger_oom_adj", "gfp_mask",
    "gfp_flags", "alloc_order", "nodemask", "cpu", "tainted", "hardware", "cpuset", "mems_allowed",
    "workqueue", "oom_constraint", "oom_memcg", "task_memcg", "victim_pid", "victim_comm",
    "victim_uid", "victim_total_vm_kb", "victim_anon_rss_kb", "victim_file_rss_kb",
    "victim_shmem_rss_kb", "victim_pgtables_kb", "victim_oom_score_adj", "kill_reason",
    "kill_score", "kills", "memcg_usage_kb", "memcg_limit_kb", "memcg_failcnt",
    "memcg_swap_usage_kb", "memcg_swap_limit_kb", "memcg_swap_failcnt", "memcg_memsw_usage_kb",
    "memcg_memsw_limit_kb", "memcg_memsw_failcnt", "memcg_kmem_usage_kb", "memcg_kmem_limit_kb",
    "memcg_kmem_failcnt", "swap_free_kb", "swap_total_kb", "ram_pages", "reserved_pages",
    "task_rows", "manual", "no_killable", "panic", "has_header", "has_kill", "complete",
    "ts_quality", "boot_time", "truncated",
    /* user-space actors and follow-ups: a fuller copy keeps those it lacks */
    "unit", "unit_result", "seen_by", "container_id", "pods", "kill_signal", "victim_cmdline",
    "victim_vmrss_kb", "mem_avail_kb", "mem_total_kb", "oomd_pressure_pct",
    "oomd_pressure_limit_pct", "oomd_duration_s", "oomd_mem_used_bytes", "oomd_mem_total_bytes",
    "oomd_swap_used_bytes", "oomd_swap_total_bytes", "oomd_swap_limit_pct", "oomd_killed_processes",
    /* not replaced when a fuller copy of the event arrives: */
    "source_id", "line", "ingested_at"};
#define NCOLS           (sizeof(event_cols) / sizeof(event_cols[0]))
#define NCOLS_CONTENT   (NCOLS - 3)
#define NCOLS_USERSPACE 19 /* the columns before source_id that a copy only adds to */

static const char sql_key_insert[] =
    "INSERT OR IGNORE INTO event_key(key, event_id, kind, uptime_s, ts_unix) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
/* Both key lines in one step, in the same order (the second is ignored when it
 * has the first's hash, as it was when stored alone after it). */
static const char sql_keys_insert[] =
    "INSERT OR IGNORE INTO event_key(key, event_id, kind, uptime_s, ts_unix) "
    "VALUES (?1, ?2, ?3, ?4, ?5), (?6, ?7, ?8, ?9, ?10)";
/* With the key line as the candidate saw it: one that contradicts ev's is
 * passed over without reading the candidate (same_event would refuse it). */
static const char sql_key_find[] =
    "SELECT event_id, kind, uptime_s, ts_unix FROM event_key WHERE key = ?1 LIMIT 64";
static const char sql_keys_of[] =
    "SELECT kind, key, uptime_s, ts_unix FROM event_key WHERE event_id = ?1";
static const char sql_event_meta[] =
    "SELECT boot_id, boot_time, has_header + has_kill + (task_rows IS NOT NULL) "
    "+ (truncated = 0) + (ts_quality = 'exact'), ts_unix FROM event WHERE id = ?1";
/* length() counts the characters of the whole text: only for the match. */
static const char sql_raw_len[] = "SELECT length(text) FROM raw WHERE event_id = ?1";
static const char sql_seen_in_source[] =
    "SELECT 1 FROM event_source WHERE event_id = ?1 AND source_id = ?2 AND line != ?3";
static const char sql_sighting[] =
    "INSERT OR IGNORE INTO event_source(event_id, source_id, line) VALUES (?1, ?2, ?3)";
/* A link that fills a gap changes what rules see: the event is classified
 * again (classified_with NULL; store/migrate_5.sql). */
static const char sql_lower_boot_time[] = "UPDATE event SET boot_time = ?2, classified_with = NULL "
                                          "WHERE id = ?1 AND (boot_time IS NULL OR boot_time > ?2)";
static const char sql_fill_links[] =
    "UPDATE event SET unit = coalesce(unit, ?2), unit_result = coalesce(unit_result, ?3), "
    "seen_by = coalesce(seen_by, ?4), container_id = coalesce(container_id, ?5), "
    "classified_with = CASE WHEN (unit IS NULL AND ?2 IS NOT NULL) OR (unit_result IS NULL "
    "AND ?3 IS NOT NULL) OR (seen_by IS NULL AND ?4 IS NOT NULL) OR (container_id IS NULL AND "
    "?5 IS NOT NULL) THEN NULL ELSE classified_with END WHERE id = ?1";
static const char sql_by_fp[] = "SELECT id FROM event WHERE fingerprint = ?1";
/* Task rows go in multi-row INSERTs of 64, 16, 4 and 1 rows: one
 * statement step per batch instead of per row (the rows of one event are
 * bound in order, so a batch stores exactly what single INSERTs would).
 * OR FAIL: a failing row stops the statement without undoing the rows before
 * it, so SQLite keeps no statement journal (a copy of each page the statement
 * changes); the caller rolls the whole transaction back on any error anyway.
 * Every row takes the event's id from ?1, bound once per batch; a bare ?
 * takes the number after the largest so far, so row k's other columns are
 * ?(2 + k * TASK_ROW_PARAMS) on. */
#define ROWS4(v)        v "," v "," v "," v
#define ROWS16(v)       ROWS4(v) "," ROWS4(v) "," ROWS4(v) "," ROWS4(v)
#define ROWS64(v)       ROWS16(v) "," ROWS16(v) "," ROWS16(v) "," ROWS16(v)
#define TASK_ROW_PARAMS 18 /* row, pid … oom_score_adj, name */
#define TASK_INSERT                                                                                \
	"INSERT OR FAIL INTO task(event_id, row, pid, uid, tgid, total_vm_pages, rss_pages, "      \
	"rss_anon_pages, rss_file_pages, rss_shmem_pages, pgtables_bytes, nr_ptes, nr_pmds, "      \
	"nr_puds, swapents, cpu, oom_adj, oom_score_adj, name) VALUES "
#define TASK_VALUES "(?1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

typedef struct row_batch {
	size_t rows;
	const char *sql;
} row_batch;

/* Largest first: a count is split greedily (83 = 64 + 16 + 1 + 1 + 1). */
static const row_batch task_batches[] = {{64, TASK_INSERT ROWS64(TASK_VALUES)},
                                         {16, TASK_INSERT ROWS16(TASK_VALUES)},
                                         {4, TASK_INSERT ROWS4(TASK_VALUES)},
                                         {1, TASK_INSERT TASK_VALUES}};
#define NBATCHES (sizeof(task_batches) / sizeof(task_batches[0]))
_Static_assert(64 + 16 + 4 + 1 == STORE_TASK_BATCH_ROWS, "task_bound has a slot per batch row");
static const char sql_kill[] =
    "INSERT INTO kill(event_id, seq, kind, pid, comm, uid, total_vm_kb, anon_rss_kb, "
    "file_rss_kb, shmem_rss_kb, pgtables_kb, oom_score_adj, reason, oom_group) VALUES (?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
static const char sql_raw[] = "INSERT INTO raw(event_id, text) VALUES (?1, ?2)";
static const char *const sql_clear[] = {
    "DELETE FROM task WHERE event_id = ?1", "DELETE FROM kill WHERE event_id = ?1",
    "DELETE FROM meminfo WHERE event_id = ?1", "DELETE FROM raw WHERE event_id = ?1",
    "DELETE FROM event_key WHERE event_id = ?1"};
/* In the order of the boot_host index, so no sort (and no sorter's memory)
 * per event: learn_boot() picks the row. */
static const char sql_boot_find[] =
    "SELECT id, boot_id, boot_id = ?2, boot_time FROM boot WHERE host = ?1 AND (boot_id = ?2 OR "
    "(boot_time BETWEEN ?3 - 300.0 AND ?3 + 300.0)) ORDER BY boot_time, id";
static const char sql_boot_insert[] =
    "INSERT INTO boot(host, boot_id, boot_time) VALUES (?1, ?2, ?3)";
static const char sql_boot_update[] =
    "UPDATE boot SET boot_id = coalesce(boot_id, ?2), boot_time = min(boot_time, ?3) "
    "WHERE id = ?1";

/* Builds the INSERT and the content UPDATE from event_cols, once. */
static int build_event_sql(oomsift_store *s)
{
	oomsift_buf ins, upd;
	int rc = 0;

	if (s->event_insert_sql)
		return 0;
	oomsift_buf_init(&ins, 1u << 16);
	oomsift_buf_init(&upd, 1u << 16);
	rc |= oomsift_buf_printf(&ins, "INSERT INTO event(");
	rc |= oomsift_buf_printf(&upd, "UPDATE event SET ");
	for (size_t i = 0; i < NCOLS; i++)
		rc |= oomsift_buf_printf(&ins, "%s%s", i ? ", " : "", event_cols[i]);
	rc |= oomsift_buf_printf(&ins, ") VALUES (");
	for (size_t i = 0; i < NCOLS; i++)
		rc |= oomsift_buf_printf(&ins, "%s?%zu", i ? ", " : "", i + 1);
	rc |= oomsift_buf_printf(&ins, ")");
	/* fingerprint (?1) stays: it is the stored event's public id */
	for (size_t i = 1; i < NCOLS_CONTENT; i++)
		rc |= oomsift_buf_printf(&upd,
		                         i < NCOLS_CONTENT - NCOLS_USERSPACE
		                             ? "%s%s = ?%zu"
		                             : "%s%s = coalesce(?%zu, %s)",
		                         i > 1 ? ", " : "", event_cols[i], i + 1, event_cols[i]);
	/* new content: classify the event again */
	rc |= oomsift_buf_printf(&upd, ", classified_with = NULL WHERE id = ?%zu", NCOLS + 1);
	if (rc < 0 || !(s->event_insert_sql = strdup(ins.data)) ||
	    !(s->event_update_sql = strdup(upd.data)))
		rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	oomsift_buf_free(&ins);
	oomsift_buf_free(&upd);
	return rc;
}

static void bind_counter(sqlite3_stmt *st, int first, const oomsift_counter *c)
{
	store_bind_i64(st, first, c->usage_kb);
	store_bind_i64(st, first + 1, c->limit_kb);
	store_bind_i64(st, first + 2, c->failcnt);
}

/* The user-space columns, from parameter i on; returns the next parameter. */
static int bind_userspace(sqlite3_stmt *st, int i, const oomsift_event *ev)
{
	const char *const texts[] = {ev->unit, ev->unit_result, ev->seen_by,       ev->container_id,
	                             ev->pods, ev->kill_signal, ev->victim_cmdline};

	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
		store_bind_text(st, i++, texts[k]);
	store_bind_i64(st, i++, ev->victim_vmrss_kb);
	store_bind_i64(st, i++, ev->mem_avail_kb);
	store_bind_i64(st, i++, ev->mem_total_kb);
	store_bind_real(st, i++, ev->oomd_pressure_pct);
	store_bind_real(st, i++, ev->oomd_pressure_limit_pct);
	store_bind_real(st, i++, ev->oomd_duration_s);
	store_bind_i64(st, i++, ev->oomd_mem_used_bytes);
	store_bind_i64(st, i++, ev->oomd_mem_total_bytes);
	store_bind_i64(st, i++, ev->oomd_swap_used_bytes);
	store_bind_i64(st, i++, ev->oomd_swap_total_bytes);
	store_bind_real(st, i++, ev->oomd_swap_limit_pct);
	store_bind_i64(st, i++, ev->oomd_killed_processes);
	return i;
}

/* Binds ev to ?1 … ?NCOLS in event_cols order. ts points to storage for the
 * ISO time, which must outlive the step. */
static void bind_event(sqlite3_stmt *st, const oomsift_event *ev, int64_t source_id, char *ts,
                       size_t ts_len, char *now, size_t now_len)
{
	int i = 1;

	sqlite3_bind_blob(st, i++, ev->fingerprint, sizeof(ev->fingerprint), SQLITE_STATIC);
	store_bind_text(st, i++, ev->host);
	if (ev->has_ts) {
		oomsift_format_iso(ev->ts_unix, ev->ts_subsec, ts, ts_len);
		sqlite3_bind_text(st, i, ts, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, i + 1, ev->ts_unix);
	}
	i += 2;
	if (ev->has_uptime)
		sqlite3_bind_double(st, i, ev->uptime_s);
	i++;
	store_bind_text(st, i++, ev->boot_id);
	store_bind_text(st, i++, oomsift_event_kind_name(ev->kind));
	store_bind_text(st, i++, ev->kernel);
	store_bind_text(st, i++, ev->trigger_comm);
	store_bind_i64(st, i++, ev->trigger_pid);
	store_bind_i64(st, i++, ev->trigger_uid);
	store_bind_i64(st, i++, ev->trigger_oom_score_adj);
	store_bind_i64(st, i++, ev->trigger_oom_adj);
	store_bind_text(st, i++, ev->gfp_mask);
	store_bind_text(st, i++, ev->gfp_flags);
	store_bind_i64(st, i++, ev->alloc_order);
	store_bind_text(st, i++, ev->nodemask);
	store_bind_i64(st, i++, ev->cpu);
	store_bind_text(st, i++, ev->tainted);
	store_bind_text(st, i++, ev->hardware);
	store_bind_text(st, i++, ev->cpuset);
	store_bind_text(st, i++, ev->mems_allowed);
	store_bind_text(st, i++, ev->workqueue);
	store_bind_text(st, i++, ev->oom_constraint);
	store_bind_text(st, i++, ev->oom_memcg);
	store_bind_text(st, i++, ev->task_memcg);
	store_bind_i64(st, i++, ev->victim_pid);
	store_bind_text(st, i++, ev->victim_comm);
	store_bind_i64(st, i++, ev->victim_uid);
	store_bind_i64(st, i++, ev->victim_total_vm_kb);
	store_bind_i64(st, i++, ev->victim_anon_rss_kb);
	store_bind_i64(st, i++, ev->victim_file_rss_kb);
	store_bind_i64(st, i++, ev->victim_shmem_rss_kb);
	store_bind_i64(st, i++, ev->victim_pgtables_kb);
	store_bind_i64(st, i++, ev->victim_oom_score_adj);
	store_bind_text(st, i++, ev->kill_reason);
	store_bind_i64(st, i++, ev->kill_score);
	sqlite3_bind_int64(st, i++, (int64_t)oomsift_event_kill_count(ev));
	bind_counter(st, i, &ev->memcg_mem);
	bind_counter(st, i + 3, &ev->memcg_swap);
	bind_counter(st, i + 6, &ev->memcg_memsw);
	bind_counter(st, i + 9, &ev->memcg_kmem);
	i += 12;
	store_bind_i64(st, i++, ev->swap_free_kb);
	store_bind_i64(st, i++, ev->swap_total_kb);
	store_bind_i64(st, i++, ev->ram_pages);
	store_bind_i64(st, i++, ev->reserved_pages);
	if (ev->has_task_table)
		sqlite3_bind_int64(st, i, (int64_t)ev->ntasks);
	i++;
	sqlite3_bind_int(st, i++, ev->manual);
	sqlite3_bind_int(st, i++, ev->no_killable);
	store_bind_text(st, i++, ev->panic);
	sqlite3_bind_int(st, i++, ev->has_header);
	sqlite3_bind_int(st, i++, ev->has_kill);
	sqlite3_bind_int(st, i++, oomsift_event_complete(ev));
	sqlite3_bind_text(st, i++, oomsift_ts_quality_name(ev->ts_quality), -1, SQLITE_STATIC);
	if (ev->has_boot_time)
		sqlite3_bind_double(st, i, ev->boot_time);
	i++;
	sqlite3_bind_int(st, i++, ev->truncated);
	i = bind_userspace(st, i, ev);
	sqlite3_bind_int64(st, i++, source_id);
	sqlite3_bind_int64(st, i++, (int64_t)ev->line);
	store_now_iso(now, now_len);
	sqlite3_bind_text(st, i, now, -1, SQLITE_STATIC);
}

/* ---- children: task rows, kills, Mem-Info values, raw text, keys ---- */

/* Binds task row r of ev but for its event id from parameter `first` on: its
 * values, and NULL where it has none but the row bound before it had one
 * (*bound: the columns bound to a value, bit c for column c). */
static void bind_task(sqlite3_stmt *st, int first, const oomsift_event *ev, size_t r,
                      uint32_t *bound)
{
	const oomsift_task *t = &ev->tasks[r];
	const int64_t *f = &t->pid;
	uint32_t now = 0;

	sqlite3_bind_int64(st, first, (int64_t)r);
	/* pid … oom_score_adj are laid out in schema order */
	for (int c = 0; c < 16; c++)
		if (f[c] != OOMSIFT_UNSET) {
			sqlite3_bind_int64(st, first + 1 + c, f[c]);
			now |= 1u << c;
		} else if (*bound & (1u << c)) {
			sqlite3_bind_null(st, first + 1 + c);
		}
	if (t->name) {
		sqlite3_bind_text(st, first + 17, t->name, -1, SQLITE_STATIC);
		now |= 1u << 16;
	} else if (*bound & (1u << 16)) {
		sqlite3_bind_null(st, first + 17);
	}
	*bound = now;
}

static int insert_tasks(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	size_t r = 0, slot = 0;

	for (size_t b = 0; b < NBATCHES; slot += task_batches[b++].rows)
		while (ev->ntasks - r >= task_batches[b].rows) {
			/* every parameter is bound below, or NULL already */
			sqlite3_stmt *st = store_stmt_bound(s, task_batches[b].sql);
			int rc;
			if (!st)
				return OOMSIFT_ESTORE;
			sqlite3_bind_int64(st, 1, id);
			for (size_t k = 0; k < task_batches[b].rows; k++, r++)
				bind_task(st, 2 + (int)k * TASK_ROW_PARAMS, ev, r,
				          &s->task_bound[slot + k]);
			if ((rc = store_step(s, st, "cannot store a task row")) < 0)
				return rc;
		}
	return 0;
}

static int insert_kills(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	for (size_t i = 0; i < ev->nkills; i++) {
		const oomsift_kill *k = &ev->kills[i];
		sqlite3_stmt *st = store_stmt(s, sql_kill);
		int rc;

		if (!st)
			return OOMSIFT_ESTORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, oomsift_kill_kind_name(k->kind), -1, SQLITE_STATIC);
		store_bind_i64(st, 4, k->pid);
		store_bind_text(st, 5, k->comm);
		store_bind_i64(st, 6, k->uid);
		store_bind_i64(st, 7, k->total_vm_kb);
		store_bind_i64(st, 8, k->anon_rss_kb);
		store_bind_i64(st, 9, k->file_rss_kb);
		store_bind_i64(st, 10, k->shmem_rss_kb);
		store_bind_i64(st, 11, k->pgtables_kb);
		store_bind_i64(st, 12, k->oom_score_adj);
		store_bind_text(st, 13, k->reason);
		sqlite3_bind_int(st, 14, k->oom_group);
		if ((rc = store_step(s, st, "cannot store a kill")) < 0)
			return rc;
	}
	return 0;
}

static void bind_key(sqlite3_stmt *st, int first, int64_t id, int kind, const oomsift_event_key *k)
{
	sqlite3_bind_int64(st, first, (int64_t)k->hash);
	sqlite3_bind_int64(st, first + 1, id);
	sqlite3_bind_int(st, first + 2, kind);
	if (k->has_uptime)
		sqlite3_bind_double(st, first + 3, k->uptime_s);
	if (k->has_ts)
		sqlite3_bind_double(st, first + 4, k->ts_unix);
}

/* The event's key lines (those it has) as rows of event_key, kind 0 the
 * first line, kind 1 the kill line. */
static int insert_keys(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	const oomsift_event_key *keys[2] = {&ev->key_first, &ev->key_kill};
	bool both = keys[0]->hash && keys[1]->hash;
	sqlite3_stmt *st;
	int first = 1;

	if (!keys[0]->hash && !keys[1]->hash)
		return 0;
	if (!(st = store_stmt(s, both ? sql_keys_insert : sql_key_insert)))
		return OOMSIFT_ESTORE;
	for (int kind = 0; kind < 2; kind++)
		if (keys[kind]->hash) {
			bind_key(st, first, id, kind, keys[kind]);
			first += 5;
		}
	return store_step(s, st, "cannot store an event key");
}

static int insert_children(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = insert_tasks(s, id, ev)) < 0 || (rc = insert_kills(s, id, ev)) < 0 ||
	    (rc = store_meminfo_put(s, id, ev)) < 0 || (rc = insert_keys(s, id, ev)) < 0)
		return rc;
	if (!ev->raw.len)
		return 0;
	if (!(st = store_stmt(s, sql_raw)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ev->raw.data, (int)ev->raw.len, SQLITE_STATIC);
	return store_step(s, st, "cannot store the raw text");
}

static int clear_children(oomsift_store *s, int64_t id)
{
	for (size_t i = 0; i < sizeof(sql_clear) / sizeof(sql_clear[0]); i++) {
		sqlite3_stmt *st = store_stmt(s, sql_clear[i]);
		int rc;
		if (!st)
			return OOMSIFT_ESTORE;
		sqlite3_bind_int64(st, 1, id);
		if ((rc = store_step(s, st, "cannot replace an event")) < 0)
			return rc;
	}
	return 0;
}

/* ---- matching ---- */

typedef struct stored_key {
	uint64_t hash;
	double uptime_s, ts_unix;
	bool present, has_uptime, has_ts;
} stored_key;

typedef struct stored_event {
	char boot_id[40];
	double boot_time, ts_unix;
	bool has_boot_time, has_ts;
	int score;
	int64_t raw_len;
	stored_key key[2];
} stored_event;

enum key_verdict { K_NONE, K_MATCH, K_UNKNOWN, K_CONTRA };

/* Compares one key line as two sources saw it. */
static enum key_verdict compare_key(const oomsift_event_key *k, const stored_key *sk)
{
	if (!k->hash || !sk->present)
		return K_NONE;
	if (k->hash != sk->hash)
		return K_CONTRA;
	if (k->has_uptime && sk->has_uptime)
		return fabs(k->uptime_s - sk->uptime_s) < 5e-7 ? K_MATCH : K_CONTRA;
	if (k->has_ts && sk->has_ts)
		return fabs(k->ts_unix - sk->ts_unix) <= WALL_SLACK_S ? K_MATCH : K_CONTRA;
	return K_UNKNOWN;
}

static bool boots_compatible(const oomsift_event *ev, const stored_event *se)
{
	if (ev->boot_id && se->boot_id[0])
		return strcmp(ev->boot_id, se->boot_id) == 0;
	if (ev->has_boot_time && se->has_boot_time)
		return fabs(ev->boot_time - se->boot_time) <= BOOT_SLACK_S;
	return true;
}

/* The same event: no key line contradicts, and the kill line (which names
 * the pid and its sizes) agrees, or else the opening line agrees in time. */
static bool same_event(const oomsift_event *ev, const stored_event *se)
{
	enum key_verdict first = compare_key(&ev->key_first, &se->key[0]);
	enum key_verdict kill = compare_key(&ev->key_kill, &se->key[1]);

	if (first == K_CONTRA || kill == K_CONTRA || !boots_compatible(ev, se))
		return false;
	return kill == K_MATCH || kill == K_UNKNOWN || first == K_MATCH;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
	snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

static int load_stored(oomsift_store *s, int64_t id, stored_event *se)
{
	sqlite3_stmt *st = store_stmt(s, sql_event_meta);

	memset(se, 0, sizeof(*se));
	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_error(s, "cannot read a stored event");
	copy_text(se->boot_id, sizeof(se->boot_id), sqlite3_column_text(st, 0));
	se->has_boot_time = sqlite3_column_type(st, 1) != SQLITE_NULL;
	se->boot_time = sqlite3_column_double(st, 1);
	se->score = sqlite3_column_int(st, 2);
	se->has_ts = sqlite3_column_type(st, 3) != SQLITE_NULL;
	se->ts_unix = sqlite3_column_double(st, 3);
	if (!(st = store_stmt(s, sql_keys_of)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0);
		stored_key *k;
		if (kind < 0 || kind > 1)
			continue;
		k = &se->key[kind];
		k->present = true;
		k->hash = (uint64_t)sqlite3_column_int64(st, 1);
		k->has_uptime = sqlite3_column_type(st, 2) != SQLITE_NULL;
		k->uptime_s = sqlite3_column_double(st, 2);
		k->has_ts = sqlite3_column_type(st, 3) != SQLITE_NULL;
		k->ts_unix = sqlite3_column_double(st, 3);
	}
	return 0;
}

/* The stored raw text's length in characters (0 without raw text). */
static int load_raw_len(oomsift_store *s, int64_t id, stored_event *se)
{
	sqlite3_stmt *st = store_stmt(s, sql_raw_len);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	se->raw_len = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	return 0;
}

static int seen_elsewhere_in_source(oomsift_store *s, int64_t id, int64_t source_id, uint64_t line,
                                    bool *seen)
{
	sqlite3_stmt *st = store_stmt(s, sql_seen_in_source);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, source_id);
	sqlite3_bind_int64(st, 3, (int64_t)line);
	*seen = sqlite3_step(st) == SQLITE_ROW;
	return 0;
}

/* Adds the events stored with key line k (of kind 0 or 1) to ids, at most
 * MAX_CANDIDATES in all, each once; refused[i] tells that the key line of
 * that kind stored with ids[i] contradicts k. An event stores at most one key
 * line of each kind, so that line is the one load_stored would read. */
static int candidates(oomsift_store *s, const oomsift_event_key *k, int kind, int64_t *ids,
                      bool *refused, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, sql_key_find);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, (int64_t)k->hash);
	while (*n < MAX_CANDIDATES && sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		stored_key sk = {.hash = k->hash,
		                 .present = true,
		                 .has_uptime = sqlite3_column_type(st, 2) != SQLITE_NULL,
		                 .uptime_s = sqlite3_column_double(st, 2),
		                 .has_ts = sqlite3_column_type(st, 3) != SQLITE_NULL,
		                 .ts_unix = sqlite3_column_double(st, 3)};
		bool contra = sqlite3_column_int(st, 1) == kind && compare_key(k, &sk) == K_CONTRA;
		size_t i = 0;
		while (i < *n && ids[i] != id)
			i++;
		if (i == *n) {
			ids[(*n)++] = id;
			refused[i] = false;
		}
		refused[i] |= contra;
	}
	return 0;
}

/* Finds the stored copy of ev: *id = 0 when there is none. */
static int find_match(oomsift_store *s, const oomsift_event *ev, int64_t source_id, int64_t *id,
                      stored_event *match)
{
	int64_t ids[MAX_CANDIDATES];
	bool refused[MAX_CANDIDATES];
	size_t n = 0;
	int rc;

	*id = 0;
	if (ev->key_kill.hash && (rc = candidates(s, &ev->key_kill, 1, ids, refused, &n)) < 0)
		return rc;
	if (ev->key_first.hash && (rc = candidates(s, &ev->key_first, 0, ids, refused, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		bool seen;
		if (refused[i])
			continue;
		if ((rc = load_stored(s, ids[i], match)) < 0)
			return rc;
		if (!same_event(ev, match))
			continue;
		/* Two reports of one source are two events, however alike. */
		if ((rc = seen_elsewhere_in_source(s, ids[i], source_id, ev->line, &seen)) < 0)
			return rc;
		if (!seen) {
			*id = ids[i];
			return load_raw_len(s, ids[i], match);
		}
	}
	return 0;
}

/* How complete a copy of an event is; the fullest copy is kept. Keep in step
 * with the score in sql_event_meta. */
static int event_score(const oomsift_event *ev)
{
	return ev->has_header + ev->has_kill + ev->has_task_table + !ev->truncated +
	       (ev->ts_quality == OOMSIFT_TS_EXACT);
}

static int write_event(oomsift_store *s, const oomsift_event *ev, int64_t source_id,
                       int64_t update_id)
{
	sqlite3_stmt *st;
	char ts[40], now[32];
	int rc;

	if ((rc = build_event_sql(s)) < 0)
		return rc;
	st = store_stmt(s, update_id ? s->event_update_sql : s->event_insert_sql);
	if (!st)
		return OOMSIFT_ESTORE;
	bind_event(st, ev, source_id, ts, sizeof(ts), now, sizeof(now));
	if (update_id)
		sqlite3_bind_int64(st, (int)NCOLS + 1, update_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return OOMSIFT_EABORT; /* the fingerprint is taken */
	return rc == SQLITE_DONE ? 0 : store_error(s, "cannot store an event");
}

/* Replaces a stored event's content with a fuller copy; the stored wall time
 * and boot survive when the copy lacks them, and the boot time is the earlier
 * of the two (see lower_boot_time). */
static int replace_event(oomsift_store *s, int64_t id, const oomsift_event *ev,
                         const stored_event *se, int64_t source_id)
{
	oomsift_event copy = *ev;
	int rc;

	if (!copy.has_ts && se->has_ts) {
		copy.has_ts = true;
		copy.ts_unix = se->ts_unix;
		copy.ts_quality = OOMSIFT_TS_EXACT;
	}
	if (se->has_boot_time && (!copy.has_boot_time || se->boot_time < copy.boot_time)) {
		copy.has_boot_time = true;
		copy.boot_time = se->boot_time;
	}
	if (!copy.boot_id && se->boot_id[0])
		copy.boot_id = se->boot_id;
	if ((rc = clear_children(s, id)) < 0 || (rc = write_event(s, &copy, source_id, id)) < 0)
		return rc;
	return insert_children(s, id, &copy);
}

/*
 * Each copy estimates the boot time from the records of its own source read
 * before it (the smallest wall time - uptime); the event keeps the smallest of
 * all its copies' estimates, so that the stored value does not depend on the
 * order the sources were read in.
 */
static int lower_boot_time(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	sqlite3_stmt *st;

	if (!ev->has_boot_time)
		return 0;
	if (!(st = store_stmt(s, sql_lower_boot_time)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_double(st, 2, ev->boot_time);
	return store_step(s, st, "cannot update a stored event");
}

static int add_sighting(oomsift_store *s, int64_t id, int64_t source_id, uint64_t line)
{
	sqlite3_stmt *st = store_stmt(s, sql_sighting);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, source_id);
	sqlite3_bind_int64(st, 3, (int64_t)line);
	return store_step(s, st, "cannot record where an event was seen");
}

/* Stores from v1 have events without keys: their fingerprint still finds them. */
static int find_by_fingerprint(oomsift_store *s, const oomsift_event *ev, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, sql_by_fp);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_blob(st, 1, ev->fingerprint, sizeof(ev->fingerprint), SQLITE_STATIC);
	*id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	return 0;
}

/* A copy that is not fuller may still carry the follow-ups the stored one
 * lacks (kern.log has the kill, syslog also the systemd notice). */
static int fill_links(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	sqlite3_stmt *st;

	if (!ev->unit && !ev->unit_result && !ev->seen_by && !ev->container_id)
		return 0;
	if (!(st = store_stmt(s, sql_fill_links)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, ev->unit);
	store_bind_text(st, 3, ev->unit_result);
	store_bind_text(st, 4, ev->seen_by);
	store_bind_text(st, 5, ev->container_id);
	return store_step(s, st, "cannot update a stored event");
}

static int learn_boot(oomsift_store *s, const oomsift_event *ev);

int oomsift_store_put_event(oomsift_store *s, const oomsift_event *ev, int64_t source_id,
                            int64_t *event_id, bool *inserted)
{
	stored_event se;
	int64_t id;
	int rc;

	*inserted = false;
	if ((rc = learn_boot(s, ev)) < 0 || (rc = find_match(s, ev, source_id, &id, &se)) < 0)
		return rc;
	if (!id) {
		rc = write_event(s, ev, source_id, 0);
		if (rc == OOMSIFT_EABORT) {
			if ((rc = find_by_fingerprint(s, ev, &id)) < 0 ||
			    (id && ((rc = fill_links(s, id, ev)) < 0 ||
			            (rc = lower_boot_time(s, id, ev)) < 0)))
				return rc;
		} else if (rc < 0) {
			return rc;
		} else {
			id = sqlite3_last_insert_rowid(s->db);
			*inserted = true;
			if ((rc = insert_children(s, id, ev)) < 0)
				return rc;
		}
	} else if (event_score(ev) > se.score ||
	           (event_score(ev) == se.score && (int64_t)ev->raw.len > se.raw_len)) {
		if ((rc = replace_event(s, id, ev, &se, source_id)) < 0)
			return rc;
	} else if ((rc = fill_links(s, id, ev)) < 0 || (rc = lower_boot_time(s, id, ev)) < 0) {
		return rc;
	}
	if (!id)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot find a stored event");
	if ((rc = add_sighting(s, id, source_id, ev->line)) < 0)
		return rc;
	*event_id = id;
	return 0;
}

/* ---- boots ---- */

/* The boot an event belongs to among the rows of sql_boot_find: the first
 * with the event's boot id, else the first in the window with a boot id, else
 * the first without (boot_id = ?2 is 1, 0 or NULL, ranked in that order).
 * pick->id stays 0 when there is none, or when the pick has another journal
 * boot id (the same time window but another boot). */
typedef struct boot_pick {
	int64_t id;
	bool has_boot_id; /* of the row picked */
	double boot_time;
} boot_pick;

static int pick_boot(oomsift_store *s, sqlite3_stmt *st, const oomsift_event *ev, boot_pick *pick)
{
	int best = -1; /* rank of the pick: 2 same id, 1 other id, 0 no id */
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int rank = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0
		           : sqlite3_column_int(st, 2)               ? 2
		                                                     : 1;
		if (rank <= best)
			continue;
		best = rank;
		const unsigned char *bid = sqlite3_column_text(st, 1);
		pick->id = ev->boot_id && bid && strcmp((const char *)bid, ev->boot_id) != 0
		               ? 0
		               : sqlite3_column_int64(st, 0);
		pick->has_boot_id = bid != NULL;
		pick->boot_time = sqlite3_column_double(st, 3);
		if (rank == 2)
			break;
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_error(s, "cannot read the boots");
}

/* Records the boot an event dates (boot id, start), merging estimates of one
 * boot into its earliest. A boot that already has what the event would give
 * it (its boot id, an earlier or equal start) is left as it is: the UPDATE
 * would write the same row. */
static int learn_boot(oomsift_store *s, const oomsift_event *ev)
{
	boot_pick pick = {0};
	sqlite3_stmt *st;
	int rc;

	if (!ev->has_boot_time)
		return 0;
	if (!(st = store_stmt(s, sql_boot_find)))
		return OOMSIFT_ESTORE;
	store_bind_text(st, 1, ev->host);
	store_bind_text(st, 2, ev->boot_id);
	sqlite3_bind_double(st, 3, ev->boot_time);
	if ((rc = pick_boot(s, st, ev, &pick)) < 0)
		return rc;
	if (pick.id && (pick.has_boot_id || !ev->boot_id) && pick.boot_time <= ev->boot_time)
		return 0;
	st = store_stmt(s, pick.id ? sql_boot_update : sql_boot_insert);
	if (!st)
		return OOMSIFT_ESTORE;
	if (pick.id)
		sqlite3_bind_int64(st, 1, pick.id);
	else
		store_bind_text(st, 1, ev->host);
	store_bind_text(st, 2, ev->boot_id);
	sqlite3_bind_double(st, 3, ev->boot_time);
	return store_step(s, st, "cannot record a boot");
}

/* Events with an uptime but no wall time, dated from their boot: by boot id,
 * else the last boot of their host that began before their file was written
 * and early enough for the uptime to fit. */
#define BOOT_OF_EVENT                                                                              \
	"FROM boot b, source s WHERE s.id = event.source_id AND b.host = event.host AND "          \
	"((event.boot_id IS NOT NULL AND b.boot_id = event.boot_id) OR (event.boot_id IS NULL "    \
	"AND b.boot_time <= s.mtime AND b.boot_time + event.uptime_s <= s.mtime + 60))"
static const char sql_derive[] =
    "UPDATE event SET ts_unix = (SELECT b.boot_time " BOOT_OF_EVENT
    " ORDER BY b.boot_time DESC LIMIT 1) + uptime_s, ts_quality = 'derived', "
    "classified_with = NULL "
    "WHERE ts_unix IS NULL AND uptime_s IS NOT NULL AND EXISTS (SELECT 1 " BOOT_OF_EVENT ")";
static const char sql_undated[] =
    "SELECT id, ts_unix FROM event WHERE ts IS NULL AND ts_unix IS NOT NULL";
static const char sql_set_ts[] = "UPDATE event SET ts = ?2 WHERE id = ?1";

/* Writes the ISO text of the wall times just derived. */
static int format_derived(oomsift_store *s)
{
	sqlite3_stmt *sel = store_stmt(s, sql_undated);
	int rc = 0;

	if (!sel)
		return OOMSIFT_ESTORE;
	while (rc == 0 && sqlite3_step(sel) == SQLITE_ROW) {
		sqlite3_stmt *upd = store_stmt(s, sql_set_ts);
		char ts[40];
		if (!upd)
			return OOMSIFT_ESTORE;
		oomsift_format_iso(sqlite3_column_double(sel, 1), 1, ts, sizeof(ts));
		sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_text(upd, 2, ts, -1, SQLITE_STATIC);
		rc = store_step(s, upd, "cannot date events");
	}
	sqlite3_reset(sel);
	return rc;
}

int oomsift_store_derive_times(oomsift_store *s, uint64_t *n)
{
	sqlite3_stmt *st = store_stmt(s, sql_derive);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	if ((rc = store_step(s, st, "cannot date events")) < 0)
		return rc;
	*n = (uint64_t)sqlite3_changes(s->db);
	return format_derived(s);
}
