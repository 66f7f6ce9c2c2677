/*
 * Unit tests for store/classify.c and store/classify_ctx.c, against the test
 * rule engine (fake_rules.c): what rules read about a subject (every derived
 * field of FIELDS.md, on real corpus reports, against figures worked out from
 * the reports' lines), history and trend over a series of events, and the
 * runs: idempotence, a changed rule set, new events and their neighbours,
 * the classifications view and log examples.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/event.h"
#include "oomsift/ingest.h"
#include "oomsift/store.h"
#include "store/classify_internal.h"

#include "series.h"

#define assert_dbl_equal(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

/* ---- helpers ---- */

static oomsift_store *open_store(void)
{
	oomsift_store *s;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	return s;
}

static oomsift_rules *builtin_rules(void)
{
	oomsift_rules *rs;

	assert_int_equal(oomsift_rules_new(&rs), 0);
	assert_int_equal(oomsift_rules_load_builtin(rs), 0);
	return rs;
}

/* The first column of the first row of sql, as an integer (-1 for NULL). */
static int64_t sql_int(oomsift_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Every row of sql as "a|b|c\n" lines, into out. */
static void sql_dump(oomsift_store *s, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	size_t used = 0;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			int n =
			    snprintf(out + used, len - used, "%s%s", t ? (const char *)t : "NULL",
			             c + 1 == sqlite3_column_count(st) ? "\n" : "|");
			assert_true(n > 0 && (size_t)n < len - used);
			used += (size_t)n;
		}
	sqlite3_finalize(st);
}

static void exec(oomsift_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(oomsift_store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
}

static int64_t event_of_host(oomsift_store *s, const char *host)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT id FROM event WHERE host = '%s'", host);
	return sql_int(s, sql);
}

/* A subject of the store, to read fields from through the rule context. */
typedef struct probe {
	classifier c;
	subject_ctx x;
	oomsift_rule_ctx ctx;
} probe;

static probe *probe_open(oomsift_store *s, oomsift_rule_subject kind, int64_t id)
{
	probe *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	assert_int_equal(classifier_init(&p->c, s), 0);
	classify_subject_begin(&p->x, &p->c, kind, id);
	p->ctx = classify_subject_ctx(&p->x);
	return p;
}

static void probe_close(probe *p)
{
	classify_subject_end(&p->x);
	classifier_free(&p->c);
	free(p);
}

static oomsift_value field(probe *p, const char *name)
{
	oomsift_value v;

	assert_int_equal(p->ctx.field(p->ctx.data, name, &v), 0);
	return v;
}

static void expect_int(probe *p, const char *name, int64_t want)
{
	oomsift_value v = field(p, name);

	if (v.type != OOMSIFT_VALUE_INT || v.i != want)
		fail_msg("%s: expected INT %lld, got type %d value %lld", name, (long long)want,
		         v.type, (long long)v.i);
}

static void expect_real(probe *p, const char *name, double want)
{
	oomsift_value v = field(p, name);

	if (v.type != OOMSIFT_VALUE_REAL || fabs(v.d - want) > 1e-12)
		fail_msg("%s: expected REAL %.15g, got type %d value %.15g", name, want, v.type,
		         v.d);
}

static void expect_text(probe *p, const char *name, const char *want)
{
	oomsift_value v = field(p, name);

	if (v.type != OOMSIFT_VALUE_TEXT || strcmp(v.s, want) != 0)
		fail_msg("%s: expected '%s', got type %d", name, want, v.type);
}

static void expect_null(probe *p, const char *name)
{
	oomsift_value v = field(p, name);

	if (v.type != OOMSIFT_VALUE_NULL)
		fail_msg("%s: expected NULL, got type %d", name, v.type);
}

/* ---- synthetic series ---- */

static void series_memevent(series *sr, const char *host, double day)
{
	oomsift_memevent me = {.kind = OOMSIFT_MEM_OVERCOMMIT_REFUSAL,
	                       .host = host,
	                       .has_ts = true,
	                       .ts_unix = T0 + day * DAY,
	                       .pid = 7,
	                       .alloc_order = OOMSIFT_UNSET,
	                       .bytes = OOMSIFT_UNSET,
	                       .comm = "java",
	                       .message = "__vm_enough_memory: pid: 7, comm: java, not enough "
	                                  "memory for the allocation",
	                       .line = 1};
	bool inserted;

	memset(me.fingerprint, sr->next_fp++, sizeof(me.fingerprint));
	me.fingerprint[0] = 0xff;
	assert_int_equal(oomsift_store_begin(sr->s), 0);
	assert_int_equal(oomsift_store_put_memevent(sr->s, &me, sr->source_id, &inserted), 0);
	assert_int_equal(oomsift_store_commit(sr->s), 0);
	assert_true(inserted);
}

static void put_fact(oomsift_store *s, const char *host, double at, const char *key, int64_t value)
{
	oomsift_facts_origin origin = {host, (int64_t)at, "facts.txt"};
	oomsift_fact f = {key, value, "mode", NULL};

	assert_int_equal(oomsift_store_begin(s), 0);
	assert_int_equal(oomsift_store_put_facts(s, &origin, &f, 1, NULL), 0);
	assert_int_equal(oomsift_store_commit(s), 0);
}

/* ---- schema ---- */

static void test_schema_5(void **state)
{
	oomsift_store *s = open_store();
	char out[2048];

	assert_int_equal(sql_int(s, "PRAGMA user_version"), OOMSIFT_SCHEMA_VERSION);
	/* cause is appended: every released column keeps its place */
	assert_int_equal(sql_int(s, "SELECT cid FROM pragma_table_info('oom_events') "
	                            "WHERE name = 'cause'"),
	                 sql_int(s, "SELECT max(cid) FROM pragma_table_info('oom_events')"));
	assert_int_equal(sql_int(s, "SELECT cid FROM pragma_table_info('oom_events') "
	                            "WHERE name = 'oomd_killed_processes'"),
	                 sql_int(s, "SELECT max(cid) - 1 FROM pragma_table_info('oom_events')"));
	assert_int_equal(sql_int(s, "SELECT cid FROM pragma_table_info('memory_events') "
	                            "WHERE name = 'source_member'") +
	                     1,
	                 sql_int(s, "SELECT cid FROM pragma_table_info('memory_events') "
	                            "WHERE name = 'cause'"));
	sql_dump(s, "SELECT group_concat(name, ',') FROM pragma_table_info('classifications')", out,
	         sizeof(out));
	assert_string_equal(out, "subject,subject_id,event_id,memory_event_id,rule_id,cause,"
	                         "severity,is_primary,evidence,advice,classified_at,priority\n");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM meta"), 0);
	oomsift_store_free(s);
}

extern const char oomsift_schema_sql[], oomsift_migrate_2_sql[], oomsift_migrate_3_sql[],
    oomsift_migrate_4_sql[], oomsift_migrate_5_sql[];

static void view_columns(sqlite3 *db, const char *view, char *out, size_t len)
{
	char sql[128];
	sqlite3_stmt *st;

	snprintf(sql, sizeof(sql), "SELECT group_concat(name, ',') FROM pragma_table_info('%s')",
	         view);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* A store of schema 5 migrated forward: the indexes of classification at
 * fleet scale (schema 6), every view as it was. */
/* Removes a store file made in a temporary directory, then the directory. */
static void remove_store(const char *dir, const char *path)
{
	for (const char *const *suffix = (const char *const[]){"", "-wal", "-shm", NULL}; *suffix;
	     suffix++) {
		char f[80];
		snprintf(f, sizeof(f), "%s%s", path, *suffix);
		unlink(f);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void test_migrate_from_v5(void **state)
{
	const char *const sqls[] = {oomsift_schema_sql, oomsift_migrate_2_sql,
	                            oomsift_migrate_3_sql, oomsift_migrate_4_sql,
	                            oomsift_migrate_5_sql};
	const char *const views[] = {"oom_events", "memory_events", "classifications"};
	char dir[] = "/tmp/oomsift-classify-XXXXXX", path[64], before[3][4096], after[4096];
	oomsift_store *s;
	sqlite3 *db;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v5.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(sqlite3_exec(db, sqls[i], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 5", NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < 3; i++)
		view_columns(db, views[i], before[i], sizeof(before[i]));
	sqlite3_close(db);

	assert_int_equal(oomsift_store_open(&s, path, OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(sql_int(s, "PRAGMA user_version"), OOMSIFT_SCHEMA_VERSION);
	for (size_t i = 0; i < 3; i++) {
		view_columns(oomsift_store_db(s), views[i], after, sizeof(after));
		assert_string_equal(before[i], after);
	}
	assert_int_equal(sql_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
	                            "name IN ('event_classified_host_ts', "
	                            "'memory_event_classified_host_ts', 'event_host_victim_ts', "
	                            "'event_host_memcg_ts')"),
	                 4);
	/* the stale marking reads the partial index */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event e INDEXED BY "
	                            "event_classified_host_ts WHERE e.host = 'h' AND e.ts_unix "
	                            "BETWEEN 0 AND 1 AND e.classified_with != '-'"),
	                 0);
	oomsift_store_free(s);
	remove_store(dir, path);
}

/* A store of schema 4 with an event: migrated, every released column in its
 * place, the event classified by the next run. */
static void test_migrate_from_v4(void **state)
{
	char dir[] = "/tmp/oomsift-classify-XXXXXX", path[64], v4[4096], v5[4096];
	char m4[1024], m5[1024];
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;
	oomsift_store *s;
	sqlite3 *db;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v4.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oomsift_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oomsift_migrate_2_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oomsift_migrate_3_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oomsift_migrate_4_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "PRAGMA user_version = 4;"
	                 "INSERT INTO source(id, path, first_ingested, last_ingested) VALUES "
	                 "(1, 'kern.log', 'x', 'x');"
	                 "INSERT INTO event(fingerprint, host, kind, kills, manual, no_killable, "
	                 "has_header, has_kill, complete, source_id, line, ingested_at, "
	                 "memcg_limit_kb, oom_memcg) VALUES (x'00', 'web01', 'memcg_oom', 1, 0, 0, "
	                 "1, 1, 1, 1, 7, 'x', 1024, '/a');",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	view_columns(db, "oom_events", v4, sizeof(v4));
	view_columns(db, "memory_events", m4, sizeof(m4));
	sqlite3_close(db);

	assert_int_equal(oomsift_store_open(&s, path, OOMSIFT_STORE_READWRITE), 0);
	view_columns(oomsift_store_db(s), "oom_events", v5, sizeof(v5));
	view_columns(oomsift_store_db(s), "memory_events", m5, sizeof(m5));
	assert_int_equal(strncmp(v4, v5, strlen(v4)), 0);
	assert_string_equal(v5 + strlen(v4), ",cause");
	assert_int_equal(strncmp(m4, m5, strlen(m4)), 0);
	assert_string_equal(m5 + strlen(m4), ",cause");
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM oom_events WHERE cause = 'memcg_limit'"),
	                 1);
	oomsift_store_free(s);
	oomsift_rules_free(rs);
	remove_store(dir, path);
}

/* ---- fields ---- */

/* ubuntu2110_5.13: a host-wide OOM whose largest task (snapd, -900) is not
 * the victim. Figures from its lines: 23 task rows summing 52380 pages;
 * Mem-Info free:427891 shmem:231 slab_unreclaimable:6546
 * slab_reclaimable:6027 pagetables:412 active_anon:221 inactive_anon:14331
 * active_file:18099 inactive_file:22324, node 0 kernel_stack:1856kB,
 * hugepages_total=0 of 2048kB, 524158 pages RAM. */
static void test_fields_host_oom(void **state)
{
	oomsift_store *s = open_store();
	probe *p;
	const double total = 524158 * 4.0;

	ingest_fixture(s, "corpus/ubuntu2110_5.13.log", NULL, 0);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, event_of_host(s, "ubuntu2110_5.13"));
	expect_int(p, "tasks.count", 23);
	expect_int(p, "tasks.rss_kb", 209520);
	expect_text(p, "largest.name", "snapd");
	expect_int(p, "largest.pid", 611);
	expect_int(p, "largest.rss_kb", 32992);
	expect_int(p, "largest.oom_score_adj", -900);
	expect_real(p, "largest.share", 32992.0 / 209520.0);
	expect_int(p, "largest.is_victim", 0);
	expect_int(p, "victim.rank", 2);
	expect_int(p, "victim.task_rss_kb", 20928);
	expect_text(p, "top_name.name", "snapd");
	expect_int(p, "top_name.count", 1);
	expect_int(p, "top_name.rss_kb", 32992);
	expect_real(p, "top_name.share", 32992.0 / 209520.0);
	expect_int(p, "mem.total_kb", 2096632);
	expect_int(p, "mem.limit_kb", 2096632);
	expect_real(p, "mem.tasks_share", 209520.0 / total);
	expect_real(p, "largest.limit_share", 32992.0 / total);
	expect_real(p, "top_name.limit_share", 32992.0 / total);
	/* "Free swap  = 0kB", "Total swap = 0kB": no swap, no share */
	expect_int(p, "swap_total_kb", 0);
	expect_null(p, "swap.used_share");
	expect_null(p, "memcg.usage_share");
	expect_null(p, "memcg.suggest_kb");
	expect_int(p, "meminfo.free_kb", 427891 * 4);
	expect_int(p, "meminfo.shmem_kb", 924);
	expect_int(p, "meminfo.slab_unreclaimable_kb", 26184);
	expect_int(p, "meminfo.slab_reclaimable_kb", 24108);
	expect_int(p, "meminfo.pagetables_kb", 1648);
	expect_int(p, "meminfo.anon_kb", (221 + 14331) * 4);
	expect_int(p, "meminfo.file_kb", (18099 + 22324) * 4);
	expect_int(p, "meminfo.kernel_stack_kb", 1856);
	expect_int(p, "meminfo.hugepages_kb", 0);
	expect_real(p, "share.shmem", 924 / total);
	expect_real(p, "share.slab_unreclaimable", 26184 / total);
	expect_real(p, "share.hugepages", 0);
	expect_real(p, "share.kernel", (26184 + 1648 + 1856) / total);
	/* columns of the view, typed by their affinity */
	expect_text(p, "kind", "kernel_oom");
	expect_text(p, "victim_comm", "unattended-upgr");
	expect_int(p, "victim_pid", 651);
	expect_int(p, "ram_pages", 524158);
	expect_null(p, "cause");
	/* a host without facts */
	expect_null(p, "fact.vm.overcommit_memory");
	probe_close(p);
	oomsift_store_free(s);
}

/* proxmox_5.15_cgroupv2: a memcg OOM with 21 php-fpm rows (33240496 kB of
 * 33704000 kB in 73 rows), limit 31211520 kB, no RAM line. */
static void test_fields_memcg_oom(void **state)
{
	oomsift_store *s = open_store();
	probe *p;

	ingest_fixture(s, "corpus/proxmox_5.15_cgroupv2.log", NULL, 0);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, event_of_host(s, "proxmox_5.15_cgroupv2"));
	expect_int(p, "tasks.count", 73);
	expect_int(p, "tasks.rss_kb", 33704000);
	expect_text(p, "largest.name", "php-fpm");
	expect_int(p, "largest.pid", 3902942);
	expect_int(p, "largest.is_victim", 1);
	expect_int(p, "victim.rank", 1);
	expect_int(p, "victim.task_rss_kb", 12781340);
	expect_text(p, "top_name.name", "php-fpm");
	expect_int(p, "top_name.count", 21);
	expect_int(p, "top_name.rss_kb", 33240496);
	expect_real(p, "top_name.share", 33240496.0 / 33704000.0);
	expect_null(p, "mem.total_kb");
	expect_int(p, "mem.limit_kb", 31211520);
	expect_real(p, "mem.tasks_share", 33704000.0 / 31211520.0);
	expect_real(p, "largest.limit_share", 12781340.0 / 31211520.0);
	expect_real(p, "top_name.limit_share", 33240496.0 / 31211520.0);
	/* "memory: usage 31211520kB, limit 31211520kB": 1.5 x is 46817280 kB,
	 * 714.375 steps of 65536 kB: 715 steps */
	expect_real(p, "memcg.usage_share", 1.0);
	expect_int(p, "memcg.suggest_kb", 715 * 65536);
	expect_null(p, "swap.used_share");
	/* no Mem-Info in a memcg report: no figures, no shares */
	expect_null(p, "meminfo.free_kb");
	expect_null(p, "share.kernel");
	expect_null(p, "share.shmem");
	probe_close(p);
	oomsift_store_free(s);
}

/* The oom lab's hugepages capture (Debian 6.1): 60 huge pages of 2048 kB
 * reserved, 65406 pages RAM, node 0 kernel_stack:736kB. */
static void test_fields_hugepages(void **state)
{
	oomsift_store *s = open_store();
	probe *p;
	const double total = 65406 * 4.0;

	ingest_fixture(s, "lab/6.1.0-50-amd64/hugepages/kern.log.xz", NULL, 0);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, event_of_host(s, "lab-6-1-0"));
	expect_int(p, "meminfo.hugepages_kb", 60 * 2048);
	expect_real(p, "share.hugepages", 60 * 2048 / total);
	expect_int(p, "meminfo.kernel_stack_kb", 736);
	expect_real(p, "share.kernel", (1494 * 4 + 39 * 4 + 736) / total);
	expect_text(p, "victim_comm", "smallapp");
	probe_close(p);
	oomsift_store_free(s);
}

/* archlinux_6.1.1: "Free swap  = 84kB", "Total swap = 25165820kB", doxygen
 * 9234324 kB resident, 4115400 pages RAM. */
static void test_fields_swap(void **state)
{
	oomsift_store *s = open_store();
	probe *p;

	ingest_fixture(s, "corpus/archlinux_6.1.1.log", NULL, 0);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, event_of_host(s, "archlinux_6.1.1"));
	expect_real(p, "swap.used_share", (25165820.0 - 84) / 25165820.0);
	expect_real(p, "largest.limit_share", 9234324.0 / (4115400 * 4.0));
	probe_close(p);
	oomsift_store_free(s);
}

/* An event without a task table: task fields NULL, not 0. */
static void test_fields_no_task_table(void **state)
{
	oomsift_store *s = open_store();
	series sr;
	int64_t id;
	probe *p;

	series_open(&sr, s);
	id = series_event(&sr, "h1", 0, "java", 4000, 0);
	exec(s, "DELETE FROM task; UPDATE event SET task_rows = NULL");
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_null(p, "tasks.count");
	expect_null(p, "tasks.rss_kb");
	expect_null(p, "largest.name");
	expect_null(p, "largest.is_victim");
	expect_null(p, "victim.rank");
	expect_null(p, "top_name.name");
	expect_null(p, "mem.tasks_share");
	probe_close(p);
	oomsift_store_free(s);
}

/* fact.KEY: the latest collection at or before the event, else the earliest
 * after it; the latest when the event has no time. */
static void test_fields_facts(void **state)
{
	oomsift_store *s = open_store();
	series sr;
	int64_t id;
	probe *p;

	series_open(&sr, s);
	id = series_event(&sr, "h1", 10, "java", 4000, 0);
	put_fact(s, "h1", T0 + 20 * DAY, "vm.overcommit_memory", 2);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_int(p, "fact.vm.overcommit_memory", 2); /* only one after */
	expect_null(p, "fact.SwapTotal");
	probe_close(p);

	put_fact(s, "h1", T0 + 5 * DAY, "vm.overcommit_memory", 1);
	put_fact(s, "h1", T0 + 1 * DAY, "vm.overcommit_memory", 0);
	put_fact(s, "h2", T0 + 9 * DAY, "vm.overcommit_memory", 9);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_int(p, "fact.vm.overcommit_memory", 1); /* the latest before */
	probe_close(p);

	put_fact(s, "h1", T0 + 10 * DAY, "vm.overcommit_memory", 3);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_int(p, "fact.vm.overcommit_memory", 3); /* at the event's second */
	probe_close(p);

	exec(s, "UPDATE event SET ts = NULL, ts_unix = NULL");
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_int(p, "fact.vm.overcommit_memory", 2); /* no time: the latest */
	probe_close(p);
	oomsift_store_free(s);
}

/* A fact a host does not have is remembered as such during a run, per host
 * and key: another host's same key, or another key, is still read. */
static void test_fields_facts_absent(void **state)
{
	oomsift_store *s = open_store();
	series sr;
	int64_t h1, h2;
	probe *p;

	series_open(&sr, s);
	h1 = series_event(&sr, "h1", 10, "java", 4000, 0);
	h2 = series_event(&sr, "h2", 11, "java", 4000, 0);
	put_fact(s, "h1", T0 + 1 * DAY, "SwapTotal", 0);
	put_fact(s, "h2", T0 + 1 * DAY, "vm.overcommit_memory", 2);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, h1);
	expect_null(p, "fact.vm.overcommit_memory");
	expect_int(p, "fact.SwapTotal", 0);
	classify_subject_end(&p->x);
	classify_subject_begin(&p->x, &p->c, OOMSIFT_SUBJECT_EVENT, h2);
	expect_int(p, "fact.vm.overcommit_memory", 2);
	expect_null(p, "fact.SwapTotal");
	classify_subject_end(&p->x);
	classify_subject_begin(&p->x, &p->c, OOMSIFT_SUBJECT_EVENT, h1);
	expect_null(p, "fact.vm.overcommit_memory");
	expect_int(p, "fact.SwapTotal", 0);
	assert_int_equal(p->c.nabsent, 2);
	probe_close(p);
	oomsift_store_free(s);
}

static void test_fields_memory_event(void **state)
{
	oomsift_store *s = open_store();
	int64_t id;
	probe *p;
	oomsift_value v;

	ingest_fixture(s, "userspace/memory_events.log", NULL, 2024);
	id = sql_int(s, "SELECT min(id) FROM memory_event WHERE kind = 'overcommit_refusal'");
	put_fact(s, "db02", 0, "vm.overcommit_memory", 2);
	p = probe_open(s, OOMSIFT_SUBJECT_MEMORY_EVENT, id);
	expect_text(p, "kind", "overcommit_refusal");
	expect_text(p, "comm", "stress-ng-vm");
	expect_int(p, "pid", 7001);
	expect_text(p, "host", "db02");
	expect_int(p, "fact.vm.overcommit_memory", 2);
	/* the derived fields are an event's */
	assert_int_equal(p->ctx.field(p->ctx.data, "largest.share", &v), OOMSIFT_ERULE);
	assert_non_null(strstr(oomsift_error_message(), "largest.share"));
	probe_close(p);
	oomsift_store_free(s);
}

static void test_fields_unknown(void **state)
{
	oomsift_store *s = open_store();
	probe *p;
	oomsift_value v;

	ingest_fixture(s, "corpus/ubuntu2110_5.13.log", NULL, 0);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, event_of_host(s, "ubuntu2110_5.13"));
	assert_int_equal(p->ctx.field(p->ctx.data, "no_such_field", &v), OOMSIFT_ERULE);
	assert_non_null(strstr(oomsift_error_message(), "oom_events has no field 'no_such_field'"));
	probe_close(p);
	oomsift_store_free(s);
}

/* ---- history and trend ---- */

/* h1: java at days 0, 1, 2, 3 growing 4000 kB → 7000 kB (1000 kB a day),
 * python at day 2, java at day 40; h2: java at day 3; memory events of h1 at
 * days 1 and 2.5. */
static void make_series(series *sr, int64_t ids[6])
{
	ids[0] = series_event(sr, "h1", 0, "java", 4000, 100);
	ids[1] = series_event(sr, "h1", 1, "java", 5000, 300);
	ids[2] = series_event(sr, "h1", 2, "java", 6000, 200);
	ids[3] = series_event(sr, "h1", 3, "java", 7000, 400);
	ids[4] = series_event(sr, "h1", 2, "python", 9000, 0);
	ids[5] = series_event(sr, "h1", 40, "java", 1000, 0);
	series_event(sr, "h2", 3, "java", 50000, 0);
	series_memevent(sr, "h1", 1);
	series_memevent(sr, "h1", 2.5);
}

static int64_t history_of(probe *p, oomsift_rule_subject of, const char *same, double window)
{
	const char *const names[] = {same};
	oomsift_history_spec h = {of, names, same ? 1 : 0, window};
	int64_t n = -1;

	assert_int_equal(p->ctx.history(p->ctx.data, &h, &n), 0);
	return n;
}

static void test_history(void **state)
{
	oomsift_store *s = open_store();
	int64_t ids[6], n;
	series sr;
	probe *p;

	series_open(&sr, s);
	make_series(&sr, ids);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, ids[3]);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, "victim_comm", 30 * DAY), 4);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, NULL, 30 * DAY), 5);
	/* the window is [ts - window, ts], both ends in */
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, "victim_comm", DAY), 2);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, NULL, 0), 1);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_MEMORY_EVENT, NULL, 30 * DAY), 2);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_MEMORY_EVENT, NULL, DAY), 1);
	{
		/* the statements kept per run follow the fields' names, not where
		 * the caller keeps them */
		const char *names[] = {"victim_comm"};
		oomsift_history_spec h = {OOMSIFT_SUBJECT_EVENT, names, 1, 30 * DAY};
		assert_int_equal(p->ctx.history(p->ctx.data, &h, &n), 0);
		assert_int_equal(n, 4);
		names[0] = "kind";
		assert_int_equal(p->ctx.history(p->ctx.data, &h, &n), 0);
		assert_int_equal(n, 5);
	}
	probe_close(p);

	/* a later event sees only its own window */
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, ids[5]);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, "victim_comm", 30 * DAY), 1);
	probe_close(p);

	/* a memory event counts the kills of its host before it */
	p = probe_open(s, OOMSIFT_SUBJECT_MEMORY_EVENT,
	               sql_int(s, "SELECT max(id) FROM memory_event"));
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, NULL, 30 * DAY), 4);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_MEMORY_EVENT, "comm", 30 * DAY), 2);
	probe_close(p);

	/* names that are not columns of the counted view never reach SQL */
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, ids[3]);
	{
		const char *const bad[] = {"victim_comm\" OR 1=1 --"};
		const char *const derived[] = {"largest.name"};
		oomsift_history_spec h = {OOMSIFT_SUBJECT_EVENT, bad, 1, 30 * DAY};
		assert_int_equal(p->ctx.history(p->ctx.data, &h, &n), OOMSIFT_ERULE);
		assert_non_null(strstr(oomsift_error_message(), "not a column of oom_events"));
		h.same = derived;
		assert_int_equal(p->ctx.history(p->ctx.data, &h, &n), OOMSIFT_ERULE);
		/* an event field the memory events lack */
		h.of = OOMSIFT_SUBJECT_MEMORY_EVENT;
		h.same = (const char *const[]){"victim_comm"};
		assert_int_equal(p->ctx.history(p->ctx.data, &h, &n), OOMSIFT_ERULE);
		assert_non_null(strstr(oomsift_error_message(), "not a column of memory_events"));
	}
	probe_close(p);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event"), 7);

	/* a history that compares causes sees the causes written since */
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, ids[3]);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, "cause", 30 * DAY), 5);
	exec(s, "UPDATE event SET cause = 'x' WHERE id = (SELECT min(id) FROM event)");
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, "cause", 30 * DAY), 4);
	probe_close(p);

	/* no time: the subject counts itself */
	exec(s, "UPDATE event SET ts_unix = NULL WHERE id = (SELECT max(id) FROM event)");
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, sql_int(s, "SELECT max(id) FROM event"));
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, "victim_comm", 30 * DAY), 1);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_MEMORY_EVENT, NULL, 30 * DAY), 0);
	probe_close(p);
	oomsift_store_free(s);
}

/* An event of host h2 without a wall time: only its uptime, in a source. */
static int64_t put_uptime_event(oomsift_store *s, int64_t source, double uptime)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
	         "INSERT OR IGNORE INTO source(id, path, first_ingested, last_ingested) VALUES "
	         "(%lld, 'dmesg-%lld', 'x', 'x')",
	         (long long)source, (long long)source);
	exec(s, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO event(fingerprint, host, kind, kills, manual, no_killable, "
	         "has_header, has_kill, complete, source_id, line, ingested_at, uptime_s) VALUES "
	         "(randomblob(16), 'h2', 'kernel_oom', 1, 0, 0, 1, 1, 1, %lld, 1, 'x', %f)",
	         (long long)source, uptime);
	exec(s, sql);
	return sql_int(s, "SELECT max(id) FROM event");
}

/* Without wall times a history runs on the uptime of one source: the series
 * of one source never answers for another. */
static void test_history_uptime(void **state)
{
	oomsift_store *s = open_store();
	int64_t last, other;
	probe *p;

	put_uptime_event(s, 1, 100);
	put_uptime_event(s, 1, 200);
	last = put_uptime_event(s, 1, 300);
	other = put_uptime_event(s, 2, 250);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, last);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, NULL, 150), 2);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, NULL, 1000), 3);
	/* the same classifier (and its series) for the event of the other source */
	classify_subject_end(&p->x);
	classify_subject_begin(&p->x, &p->c, OOMSIFT_SUBJECT_EVENT, other);
	p->ctx = classify_subject_ctx(&p->x);
	assert_int_equal(history_of(p, OOMSIFT_SUBJECT_EVENT, NULL, 1000), 1);
	probe_close(p);
	oomsift_store_free(s);
}

static oomsift_trend trend_of(probe *p, const char *figure, const char *name, const char *same,
                              double window)
{
	const char *const names[] = {same};
	oomsift_trend_spec t = {figure, name, names, same ? 1 : 0, window};
	oomsift_trend out;

	assert_int_equal(p->ctx.trend(p->ctx.data, &t, &out), 0);
	return out;
}

static void test_trend(void **state)
{
	oomsift_store *s = open_store();
	int64_t ids[6];
	oomsift_trend t;
	series sr;
	probe *p;

	series_open(&sr, s);
	make_series(&sr, ids);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, ids[3]);
	/* java's rows: 4000, 5000, 6000, 7000 kB on days 0-3 (python's event has none) */
	t = trend_of(p, "task_rss_kb", "java", NULL, 30 * DAY);
	assert_int_equal(t.points, 4);
	assert_dbl_equal(t.slope_per_day, 1000);
	assert_dbl_equal(t.first, 4000);
	assert_dbl_equal(t.last, 7000);
	/* the victim's RSS over the events of the same victim name: the same */
	t = trend_of(p, "victim_rss_kb", NULL, "victim_comm", 30 * DAY);
	assert_int_equal(t.points, 4);
	assert_dbl_equal(t.slope_per_day, 1000);
	/* every event of h1: python's 9000 kB at day 2 joins */
	t = trend_of(p, "victim_rss_kb", NULL, NULL, 30 * DAY);
	assert_int_equal(t.points, 5);
	/* x 0 1 2 2 3, y 4000 5000 6000 9000 7000: slope = Sxy / Sxx = 6400 / 5.2 */
	assert_dbl_equal(t.slope_per_day, 6400.0 / 5.2);
	/* java's memcg usage 300, 200, 400 on days 1-3: slope = 100 / 2 */
	t = trend_of(p, "memcg_usage_kb", NULL, "victim_comm", 2 * DAY);
	assert_int_equal(t.points, 3);
	assert_dbl_equal(t.slope_per_day, 50);
	assert_dbl_equal(t.first, 300);
	assert_dbl_equal(t.last, 400);
	/* one point: no slope */
	t = trend_of(p, "task_rss_kb", "java", NULL, 0);
	assert_int_equal(t.points, 1);
	assert_dbl_equal(t.slope_per_day, 0);
	/* a name no task has */
	t = trend_of(p, "task_rss_kb", "nginx", NULL, 30 * DAY);
	assert_int_equal(t.points, 0);
	{
		oomsift_trend_spec bad = {"swap_kb", NULL, NULL, 0, DAY};
		assert_int_equal(p->ctx.trend(p->ctx.data, &bad, &t), OOMSIFT_ERULE);
		bad.figure = "task_rss_kb";
		assert_int_equal(p->ctx.trend(p->ctx.data, &bad, &t), OOMSIFT_ERULE);
	}
	probe_close(p);
	oomsift_store_free(s);
}

/* The trend of each name over two windows, as a subject of c sees it. */
static void trends_of(classifier *c, int64_t id, oomsift_trend out[4])
{
	static const char *const names[] = {"java", "python"};
	subject_ctx *x = calloc(1, sizeof(*x));
	oomsift_rule_ctx ctx;

	assert_non_null(x);
	classify_subject_begin(x, c, OOMSIFT_SUBJECT_EVENT, id);
	ctx = classify_subject_ctx(x);
	for (size_t i = 0; i < 4; i++) {
		oomsift_trend_spec t = {"task_rss_kb", names[i % 2], NULL, 0,
		                        i < 2 ? 30 * DAY : DAY};
		assert_int_equal(ctx.trend(ctx.data, &t, &out[i]), 0);
	}
	classify_subject_end(x);
	free(x);
}

/* Walks ids in order, as a run does, with the feed (fed) and without it
 * (the SQL series): the same trends; whether the feed answered h1's last
 * window. */
static bool fed_like_sql(oomsift_store *s, const int64_t *ids, size_t n)
{
	classifier *fed = calloc(1, sizeof(*fed)), *sql = calloc(1, sizeof(*sql));
	const feed_host *h;
	const feed_point *pt;
	const double *ts;
	size_t npt;
	bool answered;

	assert_non_null(fed);
	assert_non_null(sql);
	assert_int_equal(classifier_init(fed, s), 0);
	assert_int_equal(classifier_init(sql, s), 0);
	sql->feed.stopped = true;
	for (size_t i = 0; i < n; i++) {
		oomsift_trend a[4], b[4];
		trends_of(fed, ids[i], a);
		trends_of(sql, ids[i], b);
		for (size_t k = 0; k < 4; k++) {
			assert_int_equal(a[k].points, b[k].points);
			assert_memory_equal(&a[k].slope_per_day, &b[k].slope_per_day,
			                    sizeof(double));
			assert_memory_equal(&a[k].first, &b[k].first, sizeof(double));
			assert_memory_equal(&a[k].last, &b[k].last, sizeof(double));
		}
	}
	assert_true(fed->feed.on);
	assert_non_null(h = feed_host_find(&fed->feed, "h1", 2));
	answered = feed_window(h, "java", T0 + 10 * DAY, T0 + 40 * DAY, &ts, &pt, &npt);
	classifier_free(fed);
	classifier_free(sql);
	free(fed);
	free(sql);
	return answered;
}

/* The task_rss_kb series fed from the task tables a run reads gives what the
 * SQL series gives, also for an event fed out of time order (python's, day
 * 2, after day 3); a host with a size that is not an integer is left to the
 * SQL series; so is a window holding an event not fed. */
static void test_trend_fed(void **state)
{
	oomsift_store *s = open_store();
	int64_t ids[6];
	series sr;

	(void)state;
	series_open(&sr, s);
	make_series(&sr, ids);
	assert_true(fed_like_sql(s, ids, 6));
	/* days 2 and 3 only: the windows that hold days 0-1 are not fed */
	assert_true(fed_like_sql(s, ids + 2, 4));
	exec(s, "UPDATE task SET rss_pages = 1250.5 WHERE event_id = (SELECT min(id) FROM event)");
	assert_false(fed_like_sql(s, ids, 6));
	oomsift_store_free(s);
}

/* ---- the ranks of a task table, computed in C ---- */

/* An event of host h1 with the task table of rows (row, pid, rss, name). */
static int64_t put_task_table(oomsift_store *s, const char *tasks)
{
	char sql[4096];

	exec(s, "INSERT OR IGNORE INTO source(id, path, first_ingested, last_ingested) VALUES "
	        "(1, 'kern.log', 'x', 'x')");
	exec(s,
	     "INSERT INTO event(fingerprint, host, kind, kills, manual, no_killable, has_header, "
	     "has_kill, complete, source_id, line, ingested_at, victim_pid, task_rows, ts_unix) "
	     "VALUES (randomblob(16), 'h1', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 1, 'x', 11, 5, "
	     "1e9)");
	snprintf(sql, sizeof(sql),
	         "INSERT INTO task(event_id, row, pid, rss_pages, name) SELECT "
	         "(SELECT max(id) FROM event), column1, column2, column3, column4 FROM (VALUES %s)",
	         tasks);
	exec(s, sql);
	return sql_int(s, "SELECT max(id) FROM event");
}

/* Ties of size go to the lower row, tasks without a size rank last, and a
 * pid with several rows ranks by its first: as row_number() OVER (ORDER BY
 * rss_pages DESC, row) ranked them. */
static void test_task_ranks(void **state)
{
	oomsift_store *s = open_store();
	int64_t id = put_task_table(s, "(0, 10, 100, 'a'), (1, 11, NULL, 'b'), (2, 12, 300, 'a'), "
	                               "(3, 13, 300, 'c'), (4, 11, 50, 'b'), (5, 14, 20, NULL)");
	char sql[256];
	probe *p;

	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_int(p, "tasks.count", 6);
	expect_int(p, "tasks.rss_kb", 770 * 4);
	expect_text(p, "largest.name", "a");
	expect_int(p, "largest.pid", 12);
	expect_int(p, "largest.rss_kb", 1200);
	expect_int(p, "largest.is_victim", 0);
	snprintf(sql, sizeof(sql),
	         "SELECT min(rk) FROM (SELECT pid, row_number() OVER (ORDER BY rss_pages DESC, "
	         "row) AS rk FROM task WHERE event_id = %lld) WHERE pid = 11",
	         (long long)id);
	expect_int(p, "victim.rank", sql_int(s, sql));
	expect_int(p, "victim.rank", 4);
	expect_int(p, "victim.task_rss_kb", 200);
	/* top_name: a holds 400 pages in 2 tasks; NULL names are no name */
	expect_text(p, "top_name.name", "a");
	expect_int(p, "top_name.count", 2);
	expect_int(p, "top_name.rss_kb", 1600);
	probe_close(p);

	/* no task has a size: no largest, the victim ranks by row */
	id = put_task_table(s, "(0, 10, NULL, 'a'), (1, 11, NULL, 'b')");
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_null(p, "largest.name");
	expect_null(p, "largest.rss_kb");
	expect_int(p, "victim.rank", 2);
	expect_null(p, "victim.task_rss_kb");
	expect_null(p, "top_name.name");
	probe_close(p);

	/* equal sums: the name of the lower first row */
	id = put_task_table(s, "(0, 10, 5, 'z'), (1, 11, 10, 'y'), (2, 12, 5, 'z')");
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_text(p, "top_name.name", "z");
	expect_int(p, "top_name.count", 2);
	probe_close(p);
	id = put_task_table(s, "(0, 10, 10, 'y'), (1, 11, 5, 'z'), (2, 12, 5, 'z')");
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_text(p, "top_name.name", "y");
	expect_int(p, "top_name.count", 1);
	probe_close(p);
	oomsift_store_free(s);
}

/* `what` of the top name of event id's task table, as SQLite groups it. */
static int64_t sql_top_name(oomsift_store *s, int64_t id, const char *what)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
	         "SELECT %s FROM task WHERE event_id = %lld AND name IS NOT NULL GROUP BY name "
	         "ORDER BY sum(rss_pages) DESC, min(row) LIMIT 1",
	         what, (long long)id);
	return sql_int(s, sql);
}

/* top_name of a larger table (its names grouped in C) is what SQLite's
 * GROUP BY gives: 60 rows, 12 names and NULL, sums that tie. */
static void test_top_name_groups(void **state)
{
	oomsift_store *s = open_store();
	char tasks[3072], rss[16], name[16];
	size_t n = 0;
	int64_t id;
	probe *p;

	(void)state;
	for (int i = 0; i < 60; i++) {
		snprintf(rss, sizeof(rss), i % 7 ? "%d" : "NULL", (1 + i % 5) * 8);
		snprintf(name, sizeof(name), i % 13 ? "'n%d'" : "NULL", i % 13);
		n += (size_t)snprintf(tasks + n, sizeof(tasks) - n, "%s(%d, %d, %s, %s)",
		                      i ? ", " : "", i, 100 + i, rss, name);
	}
	id = put_task_table(s, tasks);
	p = probe_open(s, OOMSIFT_SUBJECT_EVENT, id);
	expect_int(p, "top_name.count", sql_top_name(s, id, "count(*)"));
	expect_int(p, "top_name.rss_kb", sql_top_name(s, id, "sum(rss_pages) * 4"));
	snprintf(name, sizeof(name), "n%lld", (long long)sql_top_name(s, id, "min(row)") % 13);
	expect_text(p, "top_name.name", name);
	probe_close(p);
	oomsift_store_free(s);
}

/* ---- series ---- */

static sqlite3_stmt *values_stmt(sqlite3 *db, const char *values)
{
	char sql[512];
	sqlite3_stmt *st;

	snprintf(sql, sizeof(sql), "SELECT * FROM (VALUES %s)", values);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	return st;
}

/* The series of values as series_load keeps it: NULL when it is not kept. */
static const classify_series *load_kept(series_cache *sc, oomsift_store *s, const char *key,
                                        const char *values, enum series_kind kind)
{
	sqlite3_stmt *st = values_stmt(oomsift_store_db(s), values);
	const classify_series *out;

	assert_int_equal(series_load(sc, s, key, strlen(key), st, kind, &out), 0);
	sqlite3_finalize(st);
	return out;
}

static const classify_series *load(series_cache *sc, oomsift_store *s, const char *key,
                                   const char *values, enum series_kind kind)
{
	const classify_series *out = load_kept(sc, s, key, values, kind);

	assert_non_null(out);
	return out;
}

static void test_series(void **state)
{
	oomsift_store *s = open_store();
	series_cache sc = {0};
	const classify_series *sr;
	const double *t, *v;
	bool too_big;

	/* figures: NULL ones are no points; the window is [from, to] */
	sr = load(&sc, s, "f", "(1.0, 10), (2.0, NULL), (2.0, 20), (3.0, 30), (5.0, 50)",
	          SERIES_FIGURES);
	assert_int_equal(series_window(sr, NULL, 2.0, 3.0, &t, &v), 2);
	assert_dbl_equal(t[0], 2.0);
	assert_dbl_equal(v[0], 20);
	assert_dbl_equal(v[1], 30);
	assert_int_equal(series_window(sr, NULL, 3.5, 4.5, &t, &v), 0);
	assert_int_equal(series_window(sr, NULL, -1e300, 1e300, &t, &v), 4);
	assert_ptr_equal(series_find(&sc, "f", 1, &too_big), sr);
	assert_false(too_big);
	assert_null(series_find(&sc, "g", 1, &too_big));

	/* times only */
	sr = load(&sc, s, "t", "(1.0), (1.0), (4.0)", SERIES_TIMES);
	assert_int_equal(series_window(sr, NULL, 1.0, 1.0, &t, &v), 2);
	assert_null(v);

	/* named: task rows (time, event id, name, rss_pages) summed per event and
	 * name, in kB; each name's points by time; a prefix is another name; a
	 * name with no size in an event, or a name that is not text, no point */
	sr = load(&sc, s, "n",
	          "(1.0, 1, 'java', 1), (1.0, 1, 'javac', 9), (1.0, 1, 'java', 3), "
	          "(1.0, 1, NULL, 7), (1.0, 1, x'6a617661', 7), (1.5, 2, 'bash', NULL), "
	          "(2.0, 3, 'java', 5), (2.0, 3, 'java', NULL), (3.0, 4, 'zsh', 1), "
	          "(3.0, 5, 'zsh', 2)",
	          SERIES_NAMED);
	assert_int_equal(series_window(sr, "java", 0, 10, &t, &v), 2);
	assert_dbl_equal(t[0], 1.0);
	assert_dbl_equal(v[0], 16);
	assert_dbl_equal(t[1], 2.0);
	assert_dbl_equal(v[1], 20);
	assert_int_equal(series_window(sr, "javac", 0, 10, &t, &v), 1);
	assert_dbl_equal(v[0], 36);
	assert_int_equal(series_window(sr, "jav", 0, 10, &t, &v), 0);
	assert_int_equal(series_window(sr, "bash", 0, 10, &t, &v), 0);
	assert_int_equal(series_window(sr, "zsh", 2.5, 3.0, &t, &v), 2);
	assert_dbl_equal(v[0], 4);
	assert_dbl_equal(v[1], 8);

	/* a sum past INT64_MAX / 4 is a real, as `sum(rss_pages) * 4` gives it */
	sr = load(&sc, s, "big", "(1.0, 1, 'a', 4611686018427387904)", SERIES_NAMED);
	assert_int_equal(series_window(sr, "a", 0, 10, &t, &v), 1);
	assert_dbl_equal(v[0], 4611686018427387904.0 * 4);

	/* a size that is not an integer, or a sum that overflows: not kept,
	 * left to SQLite */
	assert_null(load_kept(&sc, s, "r", "(1.0, 1, 'a', 1.5)", SERIES_NAMED));
	assert_null(series_find(&sc, "r", 1, &too_big));
	assert_true(too_big);
	assert_null(load_kept(&sc, s, "o", "(1.0, 1, 'a', 9223372036854775807), (1.0, 1, 'a', 1)",
	                      SERIES_NAMED));
	series_cache_free(&sc);
	oomsift_store_free(s);
}

/* ---- runs ---- */

static const char dump_sql[] =
    "SELECT subject, subject_id, rule_id, cause, severity, priority, is_primary, evidence, "
    "advice, rules_fingerprint, classified_at FROM classification ORDER BY 1, 2, 3";

static void test_classify_corpus_idempotent(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;
	oomsift_classify_opts all = {.all = true};
	char before[8192], after[8192], fp[33];

	ingest_fixture(s, "corpus/ubuntu2110_5.13.log", NULL, 0);
	ingest_fixture(s, "corpus/proxmox_5.15_cgroupv2.log", NULL, 0);
	ingest_fixture(s, "corpus/archlinux_6.1.1.log", NULL, 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.memory_events, 0);
	assert_int_equal(st.changed, 2);
	assert_int_equal(st.matched, 2);
	assert_false(st.rules_changed);
	/* proxmox: memcg_limit (primary) and single_hog? php-fpm holds 38%: no.
	 * archlinux: doxygen holds 80% of the tasks' memory: single_hog. */
	assert_int_equal(st.ncauses, 2);
	assert_string_equal(st.causes[0].cause, "memcg_limit");
	assert_string_equal(st.causes[1].cause, "single_hog");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classification"), 2);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM oom_events WHERE cause = 'memcg_limit' "
	                            "AND kind = 'memcg_oom'"),
	                 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM oom_events WHERE cause = 'single_hog' "
	                            "AND host = 'archlinux_6.1.1'"),
	                 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event WHERE classified_with IS NULL"), 0);
	oomsift_rules_fingerprint(rs, fp);
	sql_dump(s, "SELECT value FROM meta WHERE key = 'rules_fingerprint'", before,
	         sizeof(before));
	assert_int_equal(strncmp(before, fp, 32), 0);

	/* again: nothing to do, nothing written */
	exec(s, "UPDATE classification SET classified_at = '2000-01-01T00:00:00Z'");
	sql_dump(s, dump_sql, before, sizeof(before));
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events + st.memory_events, 0);
	assert_int_equal(st.changed, 0);
	sql_dump(s, dump_sql, after, sizeof(after));
	assert_string_equal(before, after);

	/* everything again: evaluated, unchanged, classified_at kept */
	assert_int_equal(oomsift_classify(s, rs, &all, &st), 0);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.changed, 0);
	sql_dump(s, dump_sql, after, sizeof(after));
	assert_string_equal(before, after);
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

static void test_fingerprint_change(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;
	char before[8192], after[8192];

	ingest_fixture(s, "corpus/proxmox_5.15_cgroupv2.log", NULL, 0);
	ingest_fixture(s, "corpus/archlinux_6.1.1.log", NULL, 0);
	ingest_fixture(s, "corpus/ubuntu2110_5.13.log", NULL, 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	exec(s, "UPDATE classification SET classified_at = '2000-01-01T00:00:00Z'");
	sql_dump(s,
	         "SELECT rule_id, classified_at FROM classification WHERE rule_id = "
	         "'memcg_limit'",
	         before, sizeof(before));

	/* a rule switched off: a new rule set, every event evaluated */
	assert_int_equal(oomsift_rules_disable(rs, "single_hog"), 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_true(st.rules_changed);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.changed, 1); /* archlinux lost its cause */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classification WHERE rule_id = "
	                            "'single_hog'"),
	                 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event WHERE host = 'archlinux_6.1.1' "
	                            "AND cause IS NULL"),
	                 1);
	/* the row that did not change keeps its time, with the new fingerprint */
	sql_dump(s,
	         "SELECT rule_id, classified_at FROM classification WHERE rule_id = "
	         "'memcg_limit'",
	         after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(sql_int(s,
	                         "SELECT count(*) FROM classification c, meta m WHERE "
	                         "m.key = 'rules_fingerprint' AND c.rules_fingerprint = m.value"),
	                 1);

	/* a threshold moved: its evidence and the matches follow */
	assert_int_equal(oomsift_rules_set_threshold(rs, "single_hog.min_share", 0.3), 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_true(st.rules_changed);
	assert_int_equal(st.changed, 0); /* single_hog is still off */
	oomsift_rules_free(rs);
	rs = builtin_rules();
	assert_int_equal(oomsift_rules_set_threshold(rs, "single_hog.min_share", 0.3), 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	/* proxmox (php-fpm 38%) and archlinux (doxygen 80%) */
	assert_int_equal(st.changed, 2);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classification WHERE rule_id = "
	                            "'single_hog'"),
	                 2);
	/* memcg_limit stays the primary cause of the memcg event */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classifications WHERE is_primary = 1 "
	                            "AND rule_id = 'memcg_limit'"),
	                 1);
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

static void test_new_events_reach_neighbours(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;
	series sr;
	int64_t late;

	series_open(&sr, s);
	series_event(&sr, "h1", 0, "java", 4000, 0);
	series_event(&sr, "h1", 10, "java", 5000, 0);
	late = series_event(&sr, "h1", 20, "java", 6000, 0);
	series_event(&sr, "h1", 50, "java", 7000, 0);
	series_event(&sr, "h2", 6, "java", 7000, 0);
	series_memevent(&sr, "h1", 30);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 5);
	assert_int_equal(st.memory_events, 1);
	/* three java kills in 30 days at day 20: repeat_victim and a growing task */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classification WHERE rule_id = "
	                            "'repeat_victim'"),
	                 1);
	assert_int_equal(sql_int(s, "SELECT subject_id FROM classification WHERE rule_id = "
	                            "'growing_task'"),
	                 late);

	/* a kill at day 5 of h1: it, and h1's subjects up to day 35, again */
	series_event(&sr, "h1", 5, "java", 4500, 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 3);        /* days 5, 10 and 20 */
	assert_int_equal(st.memory_events, 1); /* day 30 */
	/* day 5 is new; day 10 now has 3 growing java kills in 30 days; day 20
	 * counts 4 (its evidence says so) */
	assert_int_equal(st.changed, 3);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classification WHERE rule_id = "
	                            "'repeat_victim'"),
	                 2);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events + st.memory_events, 0);

	/* new facts of a host: its subjects read other fact.KEY values */
	put_fact(s, "h2", T0, "vm.overcommit_memory", 2);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.memory_events, 0);
	/* the same facts again add nothing: nothing to do */
	put_fact(s, "h2", T0, "vm.overcommit_memory", 2);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 0);
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

/* A fuller copy of a stored event replaces its content: classify it again. */
static void test_replaced_event_reclassified(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;

	ingest_fixture(s, "corpus/ubuntu2110_5.13.log", NULL, 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 1);
	exec(s, "UPDATE event SET has_header = 0");
	{
		oomsift_ingest_opts o = {.reread = true};
		oomsift_ingest *in;
		char path[4096];
		snprintf(path, sizeof(path), "%s/corpus/ubuntu2110_5.13.log", OOMSIFT_TEST_DATA);
		assert_int_equal(oomsift_ingest_new(&in, s, &o), 0);
		assert_int_equal(oomsift_ingest_file(in, path), 0);
		assert_int_equal(oomsift_ingest_stats_get(in)->new_events, 0);
		oomsift_ingest_free(in);
	}
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event WHERE classified_with IS NULL"), 1);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.events, 1);
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

static void test_event_ids(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;
	int64_t ids[2];
	oomsift_classify_opts o = {.event_ids = ids, .nevent_ids = 1};

	ingest_fixture(s, "corpus/ubuntu2110_5.13.log", NULL, 0);
	ingest_fixture(s, "corpus/proxmox_5.15_cgroupv2.log", NULL, 0);
	ids[0] = event_of_host(s, "proxmox_5.15_cgroupv2");
	ids[1] = 999;
	assert_int_equal(oomsift_classify(s, rs, &o, &st), 0);
	assert_int_equal(st.events, 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event WHERE classified_with IS NULL"), 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM meta"), 0);
	/* again: asked for, so evaluated */
	assert_int_equal(oomsift_classify(s, rs, &o, &st), 0);
	assert_int_equal(st.events, 1);
	o.nevent_ids = 2;
	assert_int_equal(oomsift_classify(s, rs, &o, &st), OOMSIFT_ENOTFOUND);
	assert_non_null(strstr(oomsift_error_message(), "no event 999"));
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

/* The public view: each row names its event or its memory event. */
static void test_classifications_view(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	oomsift_classify_stats st;
	char out[8192];

	ingest_fixture(s, "userspace/memory_events.log", NULL, 2024);
	ingest_fixture(s, "corpus/proxmox_5.15_cgroupv2.log", NULL, 0);
	assert_int_equal(oomsift_classify(s, rs, NULL, &st), 0);
	assert_int_equal(st.memory_events, 7);
	assert_int_equal(st.events, 1);
	/* 4 overcommit refusals among the 7 memory events */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM memory_events WHERE "
	                            "cause = 'overcommit_refusal'"),
	                 sql_int(s, "SELECT count(*) FROM memory_events WHERE "
	                            "kind = 'overcommit_refusal'"));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classifications WHERE "
	                            "subject = 'memory_event' AND event_id IS NULL AND "
	                            "memory_event_id = subject_id"),
	                 sql_int(s, "SELECT count(*) FROM memory_events WHERE cause IS NOT NULL"));
	sql_dump(
	    s,
	    "SELECT c.subject, c.event_id = e.id, c.memory_event_id, c.rule_id, c.cause, "
	    "c.severity, c.is_primary, c.evidence, c.advice, c.priority FROM classifications c "
	    "JOIN oom_events e ON e.id = c.event_id",
	    out, sizeof(out));
	assert_string_equal(out, "event|1|NULL|memcg_limit|memcg_limit|medium|1|cgroup /lxc/39004 "
	                         "hit its limit of 31211520 kB|Raise the cgroup's memory limit, or "
	                         "shrink what runs in it.|60\n");
	sql_dump(s,
	         "SELECT evidence FROM classifications WHERE subject = 'memory_event' "
	         "ORDER BY subject_id LIMIT 1",
	         out, sizeof(out));
	assert_string_equal(out, "refused; the overcommit mode is unknown\n");
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

typedef struct listed {
	char lines[4][128];
	int n;
} listed;

static int list_cb(void *ctx, const oomsift_classification *c)
{
	listed *l = ctx;

	assert_true(l->n < 4);
	snprintf(l->lines[l->n++], sizeof(l->lines[0]), "%s %s %d %d %s", c->rule_id, c->cause,
	         c->priority, c->primary, c->advice ? c->advice : "-");
	return 0;
}

static void test_list(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	listed l = {0};
	int64_t id;

	assert_int_equal(oomsift_rules_set_threshold(rs, "single_hog.min_share", 0.3), 0);
	ingest_fixture(s, "corpus/proxmox_5.15_cgroupv2.log", NULL, 0);
	id = event_of_host(s, "proxmox_5.15_cgroupv2");
	assert_int_equal(oomsift_classify(s, rs, NULL, NULL), 0);
	assert_int_equal(oomsift_classification_list(s, OOMSIFT_SUBJECT_EVENT, id, list_cb, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.lines[0], "memcg_limit memcg_limit 60 1 Raise the cgroup's memory "
	                                "limit, or shrink what runs in it.");
	assert_string_equal(l.lines[1], "single_hog single_hog 50 0 -");
	l.n = 0;
	assert_int_equal(
	    oomsift_classification_list(s, OOMSIFT_SUBJECT_MEMORY_EVENT, id, list_cb, &l), 0);
	assert_int_equal(l.n, 0);
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

static void on_failure(void *data, const char *message)
{
	int *n = data;

	(*n)++;
	fail_msg("unexpected example failure: %s", message);
}

static void test_log_runner(void **state)
{
	oomsift_rules *rs = builtin_rules();
	oomsift_rules_test_stats st;
	int failures = 0;
	bool matched = true;
	static const char no_oom[] = "Nov 20 08:05:00 db02 kernel: [ 1.0] eth0: link up\n";
	static const char refusal[] = "Nov 20 08:05:00 db02 kernel: [ 4928.101010] "
	                              "__vm_enough_memory: pid: 7001, comm: x, not enough memory "
	                              "for the allocation\n";

	assert_int_equal(
	    oomsift_rules_test(rs, oomsift_classify_log_runner, on_failure, &failures, &st), 0);
	assert_int_equal(st.rules, 5);
	assert_int_equal(st.examples, 3);
	assert_int_equal(st.failed, 0);

	assert_int_equal(oomsift_classify_log_runner(NULL, rs, "overcommit_refused",
	                                             OOMSIFT_SUBJECT_MEMORY_EVENT, refusal,
	                                             strlen(refusal), &matched),
	                 0);
	assert_true(matched);
	/* the rule of another kind of subject does not match it */
	assert_int_equal(oomsift_classify_log_runner(NULL, rs, "memcg_limit",
	                                             OOMSIFT_SUBJECT_MEMORY_EVENT, refusal,
	                                             strlen(refusal), &matched),
	                 0);
	assert_false(matched);
	/* a log without the subject is an error of the example */
	assert_int_equal(oomsift_classify_log_runner(NULL, rs, "memcg_limit", OOMSIFT_SUBJECT_EVENT,
	                                             no_oom, strlen(no_oom), &matched),
	                 OOMSIFT_ERULE);
	assert_non_null(strstr(oomsift_error_message(), "memcg_limit: its log example holds no "
	                                                "OOM event"));
	oomsift_rules_free(rs);
}

/* A subject is rewritten only in one transaction per batch: a failing
 * context leaves the store as it was. */
static void test_failure_rolls_back(void **state)
{
	oomsift_store *s = open_store();
	oomsift_rules *rs = builtin_rules();
	series sr;

	series_open(&sr, s);
	series_event(&sr, "h1", 0, "java", 4000, 0);
	/* a view the provider cannot read: the classification fails whole */
	exec(s, "DROP VIEW oom_tasks; CREATE VIEW oom_tasks AS SELECT 1 AS unrelated");
	assert_true(oomsift_classify(s, rs, NULL, NULL) < 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM classification"), 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM event WHERE classified_with IS NULL"), 1);
	oomsift_rules_free(rs);
	oomsift_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schema_5),
	    cmocka_unit_test(test_migrate_from_v4),
	    cmocka_unit_test(test_migrate_from_v5),
	    cmocka_unit_test(test_fields_host_oom),
	    cmocka_unit_test(test_fields_memcg_oom),
	    cmocka_unit_test(test_fields_hugepages),
	    cmocka_unit_test(test_fields_swap),
	    cmocka_unit_test(test_fields_no_task_table),
	    cmocka_unit_test(test_fields_facts),
	    cmocka_unit_test(test_fields_facts_absent),
	    cmocka_unit_test(test_fields_memory_event),
	    cmocka_unit_test(test_fields_unknown),
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_history_uptime),
	    cmocka_unit_test(test_trend),
	    cmocka_unit_test(test_trend_fed),
	    cmocka_unit_test(test_task_ranks),
	    cmocka_unit_test(test_top_name_groups),
	    cmocka_unit_test(test_series),
	    cmocka_unit_test(test_classify_corpus_idempotent),
	    cmocka_unit_test(test_fingerprint_change),
	    cmocka_unit_test(test_new_events_reach_neighbours),
	    cmocka_unit_test(test_replaced_event_reclassified),
	    cmocka_unit_test(test_event_ids),
	    cmocka_unit_test(test_classifications_view),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_log_runner),
	    cmocka_unit_test(test_failure_rolls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
