#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/store.h"

extern const char oomsift_schema_sql[];
extern const char oomsift_migrate_userspace_sql[];

/* Migrations: entry i brings a store from user_version i to i + 1. */
static const char *const migrations[OOMSIFT_SCHEMA_VERSION] = {
    oomsift_schema_sql,
    oomsift_migrate_userspace_sql,
};

enum stmt_id {
	ST_SOURCE,
	ST_SOURCE_DONE,
	ST_EVENT,
	ST_EVENT_BY_FP,
	ST_EVENT_SOURCE,
	ST_TASK,
	ST_KILL,
	ST_BAG,
	ST_RAW,
	ST_EVENT_FILL,
	ST_MEMEVENT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_SOURCE] = "INSERT INTO source(path, first_ingested, last_ingested) VALUES (?1, ?2, ?2) "
                  "ON CONFLICT(path) DO UPDATE SET last_ingested = ?2 RETURNING id",
    [ST_SOURCE_DONE] = "UPDATE source SET lines = ?2, bytes = ?3, events = ?4 WHERE id = ?1",
    [ST_EVENT] = "INSERT OR IGNORE INTO event(fingerprint, host, ts, ts_unix, uptime_s, boot_id, "
                 "kind, kernel, trigger_comm, trigger_pid, trigger_uid, trigger_oom_score_adj, "
                 "trigger_oom_adj, gfp_mask, gfp_flags, alloc_order, nodemask, cpu, tainted, "
                 "hardware, cpuset, mems_allowed, workqueue, oom_constraint, oom_memcg, "
                 "task_memcg, victim_pid, victim_comm, victim_uid, victim_total_vm_kb, "
                 "victim_anon_rss_kb, victim_file_rss_kb, victim_shmem_rss_kb, victim_pgtables_kb, "
                 "victim_oom_score_adj, kill_reason, kill_score, kills, memcg_usage_kb, "
                 "memcg_limit_kb, memcg_failcnt, memcg_swap_usage_kb, memcg_swap_limit_kb, "
                 "memcg_swap_failcnt, memcg_memsw_usage_kb, memcg_memsw_limit_kb, "
                 "memcg_memsw_failcnt, memcg_kmem_usage_kb, memcg_kmem_limit_kb, "
                 "memcg_kmem_failcnt, swap_free_kb, swap_total_kb, ram_pages, reserved_pages, "
                 "task_rows, manual, no_killable, panic, has_header, has_kill, complete, "
                 "source_id, line, ingested_at, unit, unit_result, seen_by, container_id, pods, "
                 "kill_signal, victim_cmdline, victim_vmrss_kb, mem_avail_kb, mem_total_kb, "
                 "oomd_pressure_pct, oomd_pressure_limit_pct, oomd_duration_s, "
                 "oomd_mem_used_bytes, oomd_mem_total_bytes, oomd_swap_used_bytes, "
                 "oomd_swap_total_bytes, oomd_swap_limit_pct, oomd_killed_processes) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                 "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
                 "?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, "
                 "?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52, ?53, ?54, ?55, ?56, ?57, ?58, "
                 "?59, ?60, ?61, ?62, ?63, ?64, ?65, ?66, ?67, ?68, ?69, ?70, ?71, ?72, ?73, ?74, "
                 "?75, ?76, ?77, ?78, ?79, ?80, ?81, ?82, ?83)",
    [ST_EVENT_BY_FP] = "SELECT id FROM event WHERE fingerprint = ?1",
    [ST_EVENT_SOURCE] = "INSERT OR IGNORE INTO event_source(event_id, source_id, line) "
                        "VALUES (?1, ?2, ?3)",
    [ST_TASK] = "INSERT INTO task(event_id, row, pid, uid, tgid, total_vm_pages, rss_pages, "
                "rss_anon_pages, rss_file_pages, rss_shmem_pages, pgtables_bytes, nr_ptes, "
                "nr_pmds, nr_puds, swapents, cpu, oom_adj, oom_score_adj, name) VALUES (?1, "
                "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
                "?19)",
    [ST_KILL] = "INSERT INTO kill(event_id, seq, kind, pid, comm, uid, total_vm_kb, "
                "anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb, oom_score_adj, reason, "
                "oom_group) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                "?14)",
    [ST_BAG] = "INSERT OR IGNORE INTO bag(event_id, section, key, value, unit) "
               "VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_RAW] = "INSERT INTO raw(event_id, text) VALUES (?1, ?2)",
    /* A second sighting may carry the follow-ups the first file lacked
     * (kern.log has the kill, syslog also the systemd notice). */
    [ST_EVENT_FILL] = "UPDATE event SET unit = coalesce(unit, ?2), "
                      "unit_result = coalesce(unit_result, ?3), seen_by = coalesce(seen_by, ?4), "
                      "container_id = coalesce(container_id, ?5) WHERE id = ?1",
    [ST_MEMEVENT] = "INSERT OR IGNORE INTO memory_event(fingerprint, host, ts, ts_unix, uptime_s, "
                    "kind, pid, comm, alloc_order, bytes, gfp_mask, gfp_flags, message, "
                    "source_id, line, ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                    "?10, ?11, ?12, ?13, ?14, ?15, ?16)",
};

struct oomsift_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	bool readonly;
};

static int db_error(oomsift_store *s, const char *what)
{
	return oomsift_error_set(OOMSIFT_ESTORE, "%s: %s", what, sqlite3_errmsg(s->db));
}

static int exec(oomsift_store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		int rc = oomsift_error_set(OOMSIFT_ESTORE, "store: %s", err ? err : "error");
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

static int user_version(oomsift_store *s, int *version)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(s, "cannot read the store's schema version");
	rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(s, "cannot read the store's schema version");
}

static int migrate(oomsift_store *s, const char *path)
{
	int version, rc;
	char sql[64];

	if ((rc = user_version(s, &version)) < 0)
		return rc;
	if (version > OOMSIFT_SCHEMA_VERSION)
		return oomsift_error_set(OOMSIFT_ESCHEMA,
		                         "'%s' has schema version %d; this oomsift knows up to %d "
		                         "(upgrade oomsift to use it)",
		                         path, version, OOMSIFT_SCHEMA_VERSION);
	if (version == OOMSIFT_SCHEMA_VERSION)
		return 0;
	if (s->readonly)
		return oomsift_error_set(OOMSIFT_ESCHEMA,
		                         "'%s' has schema version %d and needs a migration; "
		                         "run 'oomsift ingest' on it once",
		                         path, version);
	if ((rc = exec(s, "BEGIN IMMEDIATE")) < 0)
		return rc;
	for (; version < OOMSIFT_SCHEMA_VERSION; version++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
		if ((rc = exec(s, migrations[version])) < 0 || (rc = exec(s, sql)) < 0) {
			exec(s, "ROLLBACK");
			return rc;
		}
	}
	return exec(s, "COMMIT");
}

/* New store files hold log text, which can be sensitive: create them 0600. */
static int create_private(const char *path)
{
	int fd;

	if (strcmp(path, ":memory:") == 0)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	return oomsift_error_set(OOMSIFT_ESTORE, "cannot create store '%s': %s", path,
	                         strerror(errno));
}

int oomsift_store_open(oomsift_store **out, const char *path, enum oomsift_store_mode mode)
{
	oomsift_store *s = calloc(1, sizeof(*s));
	int flags, rc;

	if (!s)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	s->readonly = mode == OOMSIFT_STORE_READONLY;
	if (s->readonly) {
		struct stat st;
		if (stat(path, &st) < 0) {
			rc = oomsift_error_set(OOMSIFT_ESTORE, "cannot open store '%s': %s", path,
			                       strerror(errno));
			goto fail;
		}
		flags = SQLITE_OPEN_READONLY;
	} else {
		if ((rc = create_private(path)) < 0)
			goto fail;
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = db_error(s, "cannot open store");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	if (!s->readonly && ((rc = exec(s, "PRAGMA journal_mode = WAL")) < 0 ||
	                     (rc = exec(s, "PRAGMA synchronous = NORMAL")) < 0))
		goto fail;
	if ((rc = exec(s, "PRAGMA foreign_keys = ON")) < 0 || (rc = migrate(s, path)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	oomsift_store_free(s);
	return rc;
}

void oomsift_store_free(oomsift_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

sqlite3 *oomsift_store_db(oomsift_store *s)
{
	return s->db;
}

int oomsift_store_begin(oomsift_store *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

int oomsift_store_commit(oomsift_store *s)
{
	return exec(s, "COMMIT");
}

void oomsift_store_rollback(oomsift_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
}

/* Returns the cached, reset statement `id`, preparing it on first use. */
static sqlite3_stmt *stmt(oomsift_store *s, enum stmt_id id)
{
	if (!s->stmt[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	                                       &s->stmt[id], NULL) != SQLITE_OK) {
		db_error(s, "cannot prepare a statement");
		return NULL;
	}
	sqlite3_reset(s->stmt[id]);
	sqlite3_clear_bindings(s->stmt[id]);
	return s->stmt[id];
}

static int step_done(oomsift_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(s, what);
	return 0;
}

static void bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	if (v != OOMSIFT_UNSET)
		sqlite3_bind_int64(st, i, v);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (!isnan(v))
		sqlite3_bind_double(st, i, v);
}

/* Empty text is "not printed" in a memory event's fixed buffers. */
static void bind_chars(sqlite3_stmt *st, int i, const char *v)
{
	if (v[0])
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void now_iso(char *out, size_t len)
{
	oomsift_format_iso((double)time(NULL), 0, out, len);
}

int oomsift_store_source(oomsift_store *s, const char *path, int64_t *source_id)
{
	sqlite3_stmt *st = stmt(s, ST_SOURCE);
	char now[32];

	if (!st)
		return OOMSIFT_ESTORE;
	now_iso(now, sizeof(now));
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_error(s, "cannot record the source");
	*source_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int oomsift_store_source_done(oomsift_store *s, int64_t source_id, uint64_t lines, uint64_t bytes,
                              uint64_t events)
{
	sqlite3_stmt *st = stmt(s, ST_SOURCE_DONE);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, source_id);
	sqlite3_bind_int64(st, 2, (int64_t)lines);
	sqlite3_bind_int64(st, 3, (int64_t)bytes);
	sqlite3_bind_int64(st, 4, (int64_t)events);
	return step_done(s, st, "cannot update the source");
}

static void bind_counter(sqlite3_stmt *st, int first, const oomsift_counter *c)
{
	bind_i64(st, first, c->usage_kb);
	bind_i64(st, first + 1, c->limit_kb);
	bind_i64(st, first + 2, c->failcnt);
}

/* The user-space columns, from parameter i on; returns the next parameter. */
static int bind_userspace(sqlite3_stmt *st, int i, const oomsift_event *ev)
{
	bind_text(st, i++, ev->unit);
	bind_text(st, i++, ev->unit_result);
	bind_text(st, i++, ev->seen_by);
	bind_text(st, i++, ev->container_id);
	bind_text(st, i++, ev->pods);
	bind_text(st, i++, ev->kill_signal);
	bind_text(st, i++, ev->victim_cmdline);
	bind_i64(st, i++, ev->victim_vmrss_kb);
	bind_i64(st, i++, ev->mem_avail_kb);
	bind_i64(st, i++, ev->mem_total_kb);
	bind_real(st, i++, ev->oomd_pressure_pct);
	bind_real(st, i++, ev->oomd_pressure_limit_pct);
	bind_real(st, i++, ev->oomd_duration_s);
	bind_i64(st, i++, ev->oomd_mem_used_bytes);
	bind_i64(st, i++, ev->oomd_mem_total_bytes);
	bind_i64(st, i++, ev->oomd_swap_used_bytes);
	bind_i64(st, i++, ev->oomd_swap_total_bytes);
	bind_real(st, i++, ev->oomd_swap_limit_pct);
	bind_i64(st, i++, ev->oomd_killed_processes);
	return i;
}

static int insert_event_row(oomsift_store *s, const oomsift_event *ev, int64_t source_id)
{
	sqlite3_stmt *st = stmt(s, ST_EVENT);
	char ts[40], now[32];
	int i = 1;

	if (!st)
		return OOMSIFT_ESTORE;
	now_iso(now, sizeof(now));
	sqlite3_bind_blob(st, i++, ev->fingerprint, sizeof(ev->fingerprint), SQLITE_STATIC);
	bind_text(st, i++, ev->host);
	if (ev->has_ts) {
		oomsift_format_iso(ev->ts_unix, ev->ts_subsec, ts, sizeof(ts));
		sqlite3_bind_text(st, i, ts, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, i + 1, ev->ts_unix);
	}
	i += 2;
	if (ev->has_uptime)
		sqlite3_bind_double(st, i, ev->uptime_s);
	i++;
	bind_text(st, i++, ev->boot_id);
	bind_text(st, i++, oomsift_event_kind_name(ev->kind));
	bind_text(st, i++, ev->kernel);
	bind_text(st, i++, ev->trigger_comm);
	bind_i64(st, i++, ev->trigger_pid);
	bind_i64(st, i++, ev->trigger_uid);
	bind_i64(st, i++, ev->trigger_oom_score_adj);
	bind_i64(st, i++, ev->trigger_oom_adj);
	bind_text(st, i++, ev->gfp_mask);
	bind_text(st, i++, ev->gfp_flags);
	bind_i64(st, i++, ev->alloc_order);
	bind_text(st, i++, ev->nodemask);
	bind_i64(st, i++, ev->cpu);
	bind_text(st, i++, ev->tainted);
	bind_text(st, i++, ev->hardware);
	bind_text(st, i++, ev->cpuset);
	bind_text(st, i++, ev->mems_allowed);
	bind_text(st, i++, ev->workqueue);
	bind_text(st, i++, ev->oom_constraint);
	bind_text(st, i++, ev->oom_memcg);
	bind_text(st, i++, ev->task_memcg);
	bind_i64(st, i++, ev->victim_pid);
	bind_text(st, i++, ev->victim_comm);
	bind_i64(st, i++, ev->victim_uid);
	bind_i64(st, i++, ev->victim_total_vm_kb);
	bind_i64(st, i++, ev->victim_anon_rss_kb);
	bind_i64(st, i++, ev->victim_file_rss_kb);
	bind_i64(st, i++, ev->victim_shmem_rss_kb);
	bind_i64(st, i++, ev->victim_pgtables_kb);
	bind_i64(st, i++, ev->victim_oom_score_adj);
	bind_text(st, i++, ev->kill_reason);
	bind_i64(st, i++, ev->kill_score);
	sqlite3_bind_int64(st, i++, (int64_t)oomsift_event_kill_count(ev));
	bind_counter(st, i, &ev->memcg_mem);
	bind_counter(st, i + 3, &ev->memcg_swap);
	bind_counter(st, i + 6, &ev->memcg_memsw);
	bind_counter(st, i + 9, &ev->memcg_kmem);
	i += 12;
	bind_i64(st, i++, ev->swap_free_kb);
	bind_i64(st, i++, ev->swap_total_kb);
	bind_i64(st, i++, ev->ram_pages);
	bind_i64(st, i++, ev->reserved_pages);
	if (ev->has_task_table)
		sqlite3_bind_int64(st, i, (int64_t)ev->ntasks);
	i++;
	sqlite3_bind_int(st, i++, ev->manual);
	sqlite3_bind_int(st, i++, ev->no_killable);
	bind_text(st, i++, ev->panic);
	sqlite3_bind_int(st, i++, ev->has_header);
	sqlite3_bind_int(st, i++, ev->has_kill);
	sqlite3_bind_int(st, i++, oomsift_event_complete(ev));
	sqlite3_bind_int64(st, i++, source_id);
	sqlite3_bind_int64(st, i++, (int64_t)ev->line);
	sqlite3_bind_text(st, i++, now, -1, SQLITE_TRANSIENT);
	bind_userspace(st, i, ev);
	return step_done(s, st, "cannot store an event");
}

static int insert_tasks(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	for (size_t r = 0; r < ev->ntasks; r++) {
		const oomsift_task *t = &ev->tasks[r];
		const int64_t *f = &t->pid;
		sqlite3_stmt *st = stmt(s, ST_TASK);
		int rc;

		if (!st)
			return OOMSIFT_ESTORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)r);
		/* pid … oom_score_adj are laid out in schema order */
		for (int c = 0; c < 16; c++)
			bind_i64(st, 3 + c, f[c]);
		bind_text(st, 19, t->name);
		if ((rc = step_done(s, st, "cannot store a task row")) < 0)
			return rc;
	}
	return 0;
}

static int insert_kills(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	for (size_t i = 0; i < ev->nkills; i++) {
		const oomsift_kill *k = &ev->kills[i];
		sqlite3_stmt *st = stmt(s, ST_KILL);
		int rc;

		if (!st)
			return OOMSIFT_ESTORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, oomsift_kill_kind_name(k->kind), -1, SQLITE_STATIC);
		bind_i64(st, 4, k->pid);
		bind_text(st, 5, k->comm);
		bind_i64(st, 6, k->uid);
		bind_i64(st, 7, k->total_vm_kb);
		bind_i64(st, 8, k->anon_rss_kb);
		bind_i64(st, 9, k->file_rss_kb);
		bind_i64(st, 10, k->shmem_rss_kb);
		bind_i64(st, 11, k->pgtables_kb);
		bind_i64(st, 12, k->oom_score_adj);
		bind_text(st, 13, k->reason);
		sqlite3_bind_int(st, 14, k->oom_group);
		if ((rc = step_done(s, st, "cannot store a kill")) < 0)
			return rc;
	}
	return 0;
}

static int insert_bags(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	for (size_t i = 0; i < ev->nkvs; i++) {
		const oomsift_kv *kv = &ev->kvs[i];
		sqlite3_stmt *st = stmt(s, ST_BAG);
		int rc;

		if (!st)
			return OOMSIFT_ESTORE;
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, kv->section);
		bind_text(st, 3, kv->key);
		bind_i64(st, 4, kv->value);
		bind_text(st, 5, kv->unit);
		if ((rc = step_done(s, st, "cannot store a memory value")) < 0)
			return rc;
	}
	return 0;
}

static int insert_sighting(oomsift_store *s, int64_t id, int64_t source_id, uint64_t line)
{
	sqlite3_stmt *st = stmt(s, ST_EVENT_SOURCE);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, source_id);
	sqlite3_bind_int64(st, 3, (int64_t)line);
	return step_done(s, st, "cannot record where an event was seen");
}

static int event_by_fingerprint(oomsift_store *s, const oomsift_event *ev, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, ST_EVENT_BY_FP);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_blob(st, 1, ev->fingerprint, sizeof(ev->fingerprint), SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_error(s, "cannot find a stored event");
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* Fills the link columns a stored event lacks from a later sighting. */
static int fill_links(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	sqlite3_stmt *st;

	if (!ev->unit && !ev->unit_result && !ev->seen_by && !ev->container_id)
		return 0;
	if (!(st = stmt(s, ST_EVENT_FILL)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, ev->unit);
	bind_text(st, 3, ev->unit_result);
	bind_text(st, 4, ev->seen_by);
	bind_text(st, 5, ev->container_id);
	return step_done(s, st, "cannot update a stored event");
}

int oomsift_store_put_event(oomsift_store *s, const oomsift_event *ev, int64_t source_id,
                            int64_t *event_id, bool *inserted)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	int rc;

	if ((rc = insert_event_row(s, ev, source_id)) < 0)
		return rc;
	*inserted = sqlite3_changes(s->db) > 0;
	if (!*inserted) {
		if ((rc = event_by_fingerprint(s, ev, &id)) < 0 || (rc = fill_links(s, id, ev)) < 0)
			return rc;
	} else {
		id = sqlite3_last_insert_rowid(s->db);
		if ((rc = insert_tasks(s, id, ev)) < 0 || (rc = insert_kills(s, id, ev)) < 0 ||
		    (rc = insert_bags(s, id, ev)) < 0)
			return rc;
		if (ev->raw.len) {
			if (!(st = stmt(s, ST_RAW)))
				return OOMSIFT_ESTORE;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, ev->raw.data, (int)ev->raw.len, SQLITE_STATIC);
			if ((rc = step_done(s, st, "cannot store the raw text")) < 0)
				return rc;
		}
	}
	if ((rc = insert_sighting(s, id, source_id, ev->line)) < 0)
		return rc;
	*event_id = id;
	return 0;
}

int oomsift_store_put_memevent(oomsift_store *s, const oomsift_memevent *me, int64_t source_id,
                               bool *inserted)
{
	sqlite3_stmt *st = stmt(s, ST_MEMEVENT);
	char ts[40], now[32];
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	now_iso(now, sizeof(now));
	sqlite3_bind_blob(st, 1, me->fingerprint, sizeof(me->fingerprint), SQLITE_STATIC);
	bind_text(st, 2, me->host);
	if (me->has_ts) {
		oomsift_format_iso(me->ts_unix, me->ts_subsec, ts, sizeof(ts));
		sqlite3_bind_text(st, 3, ts, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 4, me->ts_unix);
	}
	if (me->has_uptime)
		sqlite3_bind_double(st, 5, me->uptime_s);
	sqlite3_bind_text(st, 6, oomsift_memevent_kind_name(me->kind), -1, SQLITE_STATIC);
	bind_i64(st, 7, me->pid);
	bind_chars(st, 8, me->comm);
	bind_i64(st, 9, me->alloc_order);
	bind_i64(st, 10, me->bytes);
	bind_chars(st, 11, me->gfp_mask);
	bind_chars(st, 12, me->gfp_flags);
	sqlite3_bind_text(st, 13, me->message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, source_id);
	sqlite3_bind_int64(st, 15, (int64_t)me->line);
	sqlite3_bind_text(st, 16, now, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(s, st, "cannot store a memory event")) < 0)
		return rc;
	*inserted = sqlite3_changes(s->db) > 0;
	return 0;
}
