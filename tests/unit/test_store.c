/* Unit tests for store/store.c, store/load.c and queries/query.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "oomsift/error.h"
#include "oomsift/event.h"
#include "oomsift/query.h"
#include "oomsift/store.h"
#include "store/internal.h"

#define UNSET OOMSIFT_UNSET

#define assert_dbl_equal(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-6)

static const char raw_text[] = "[  123.456000] stress invoked oom-killer: gfp_mask=0x1100cca\n"
                               "[  123.456100] Out of memory: Killed process 4242 (stress)\n";

static const char *sdup(oomsift_event *ev, const char *s)
{
	const char *d = oomsift_event_strdup(ev, s, strlen(s));

	assert_non_null(d);
	return d;
}

/* A memcg event with every kind of field, two task rows, two kills and raw text. */
static oomsift_event *make_event(unsigned char fp)
{
	oomsift_event *ev = oomsift_event_new();

	assert_non_null(ev);
	memset(ev->fingerprint, fp, sizeof(ev->fingerprint));
	ev->host = sdup(ev, "web01");
	ev->has_ts = true;
	ev->ts_unix = 1699146123.0;
	ev->has_uptime = true;
	ev->uptime_s = 123.456;
	ev->kind = OOMSIFT_MEMCG_OOM;
	ev->kernel = sdup(ev, "5.15.0-91-generic");
	ev->trigger_comm = sdup(ev, "stress");
	ev->trigger_pid = 4242;
	ev->trigger_uid = 1000;
	ev->trigger_oom_score_adj = -5;
	ev->gfp_mask = sdup(ev, "0x1100cca");
	ev->gfp_flags = sdup(ev, "GFP_HIGHUSER_MOVABLE");
	ev->alloc_order = 0;
	ev->cpu = 3;
	ev->oom_constraint = sdup(ev, "CONSTRAINT_MEMCG");
	ev->oom_memcg = sdup(ev, "/grp");
	ev->task_memcg = sdup(ev, "/grp/a");
	ev->memcg_mem = (oomsift_counter){102400, 102400, 10};
	ev->memcg_swap = (oomsift_counter){2048, 4096, 7};
	ev->swap_free_kb = 0;
	ev->swap_total_kb = 8388604;
	ev->ram_pages = 524158;
	ev->victim_pid = 4242;
	ev->victim_comm = sdup(ev, "stress");
	ev->victim_uid = 1000;
	ev->victim_total_vm_kb = 2000000;
	ev->victim_anon_rss_kb = 1600000;
	ev->victim_file_rss_kb = 0;
	ev->victim_shmem_rss_kb = 4;
	ev->victim_pgtables_kb = 3200;
	ev->victim_oom_score_adj = -5;
	ev->kill_reason = sdup(ev, "Memory cgroup out of memory");
	ev->has_header = ev->has_kill = ev->has_task_table = true;
	ev->line = 17;

	ev->tasks = calloc(2, sizeof(*ev->tasks));
	assert_non_null(ev->tasks);
	ev->tasks_cap = ev->ntasks = 2;
	for (int i = 0; i < 2; i++) {
		oomsift_task *t = &ev->tasks[i];
		int64_t *f = &t->pid;
		for (size_t c = 0; c < offsetof(oomsift_task, name) / sizeof(int64_t); c++)
			f[c] = UNSET;
	}
	ev->tasks[0].pid = 400;
	ev->tasks[0].uid = 0;
	ev->tasks[0].tgid = 400;
	ev->tasks[0].total_vm = 5000;
	ev->tasks[0].rss = 300;
	ev->tasks[0].pgtables_bytes = 65536;
	ev->tasks[0].swapents = 0;
	ev->tasks[0].oom_score_adj = -1000;
	ev->tasks[0].name = sdup(ev, "sshd");
	ev->tasks[1].pid = 4242;
	ev->tasks[1].uid = 1000;
	ev->tasks[1].tgid = 4242;
	ev->tasks[1].total_vm = 500000;
	ev->tasks[1].rss = 400000;
	ev->tasks[1].pgtables_bytes = 3276800;
	ev->tasks[1].swapents = 12;
	ev->tasks[1].oom_score_adj = -5;
	ev->tasks[1].name = sdup(ev, "Web Content");

	ev->kills = calloc(2, sizeof(*ev->kills));
	assert_non_null(ev->kills);
	ev->kills_cap = ev->nkills = 2;
	ev->kills[0] = (oomsift_kill){.kind = OOMSIFT_KILL_VICTIM,
	                              .pid = 4242,
	                              .uid = 1000,
	                              .total_vm_kb = 2000000,
	                              .anon_rss_kb = 1600000,
	                              .file_rss_kb = 0,
	                              .shmem_rss_kb = 4,
	                              .pgtables_kb = 3200,
	                              .oom_score_adj = -5,
	                              .comm = sdup(ev, "stress"),
	                              .reason = sdup(ev, "Memory cgroup out of memory"),
	                              .oom_group = false};
	ev->kills[1] = (oomsift_kill){.kind = OOMSIFT_KILL_REAPED,
	                              .pid = 4242,
	                              .uid = UNSET,
	                              .total_vm_kb = UNSET,
	                              .anon_rss_kb = 0,
	                              .file_rss_kb = 8,
	                              .shmem_rss_kb = 0,
	                              .pgtables_kb = UNSET,
	                              .oom_score_adj = UNSET,
	                              .comm = sdup(ev, "stress"),
	                              .reason = NULL,
	                              .oom_group = true};

	assert_int_equal(oomsift_buf_append(&ev->raw, raw_text, strlen(raw_text)), 0);
	return ev;
}

static oomsift_store *open_memory(void)
{
	oomsift_store *s = NULL;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_non_null(s);
	return s;
}

static int64_t count_rows(oomsift_store *s, const char *sql, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* ---- scratch directory ---- */

typedef struct scratch {
	char dir[64];
	char path[128];
} scratch;

static void scratch_init(scratch *t)
{
	strcpy(t->dir, "/tmp/oomsift-unit-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/store.db", t->dir);
}

static void scratch_free(scratch *t)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[160];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
		unlink(p);
	}
	assert_int_equal(rmdir(t->dir), 0);
}

/* Registers a source whose content starts with its own path. */
static int64_t add_source(oomsift_store *s, const char *path)
{
	oomsift_source_info info = {
	    .path = path, .head = path, .head_len = strlen(path), .size = -1};
	oomsift_source_pos pos;

	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	return pos.id;
}

/* ---- put and load ---- */

static void test_put_twice(void **state)
{
	oomsift_store *s = open_memory();
	oomsift_event *ev = make_event(0xab);
	int64_t src1, src2, id1 = 0, id2 = 0, id3 = 0;
	bool inserted = false;

	(void)state;
	src1 = add_source(s, "/var/log/kern.log");
	src2 = add_source(s, "/var/log/syslog");
	assert_true(src1 != src2);

	assert_int_equal(oomsift_store_put_event(s, ev, src1, &id1, &inserted), 0);
	assert_true(inserted);
	assert_true(id1 > 0);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_sources WHERE event_id = ?1", id1),
	                 1);

	/* The same event from the same file again: nothing new. */
	assert_int_equal(oomsift_store_put_event(s, ev, src1, &id2, &inserted), 0);
	assert_false(inserted);
	assert_int_equal(id2, id1);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_sources WHERE event_id = ?1", id1),
	                 1);

	/* From another file: the same event, one more sighting. */
	assert_int_equal(oomsift_store_put_event(s, ev, src2, &id3, &inserted), 0);
	assert_false(inserted);
	assert_int_equal(id3, id1);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM event", 0), 1);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_sources WHERE event_id = ?1", id1),
	                 2);
	assert_int_equal(count_rows(s,
	                            "SELECT count(*) FROM oom_sources WHERE event_id = ?1 AND "
	                            "path = '/var/log/syslog' AND line = 17",
	                            id1),
	                 1);
	assert_int_equal(count_rows(s, "SELECT sightings FROM oom_events WHERE id = ?1", id1), 2);
	/* Tasks and kills were stored once. */
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_tasks WHERE event_id = ?1", id1),
	                 2);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_kills WHERE event_id = ?1", id1),
	                 2);

	/* Another fingerprint is another event. */
	oomsift_event *other = make_event(0xcd);
	int64_t id4 = 0;
	assert_int_equal(oomsift_store_put_event(s, other, src1, &id4, &inserted), 0);
	assert_true(inserted);
	assert_true(id4 != id1);
	oomsift_event_free(other);

	oomsift_event_free(ev);
	oomsift_store_free(s);
}

/* A kill read through one wrapper: the key lines as the assembler sets them. */
static oomsift_event *keyed_event(unsigned char fp, double uptime, const char *boot_id)
{
	oomsift_event *ev = make_event(fp);

	ev->key_first = (oomsift_event_key){.hash = 0x1111, .has_uptime = true, .uptime_s = uptime};
	ev->key_kill =
	    (oomsift_event_key){.hash = 0x2223, .has_uptime = true, .uptime_s = uptime + 0.004};
	ev->boot_id = boot_id ? sdup(ev, boot_id) : NULL;
	return ev;
}

static int64_t put(oomsift_store *s, oomsift_event *ev, int64_t src, uint64_t line, bool *inserted)
{
	int64_t id = 0;

	ev->line = line;
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, inserted), 0);
	oomsift_event_free(ev);
	return id;
}

static void test_match_by_key_lines(void **state)
{
	oomsift_store *s = open_memory();
	int64_t dmesg = add_source(s, "dmesg"), kernlog = add_source(s, "kern.log");
	int64_t id1, id2;
	bool inserted;

	(void)state;
	/* dmesg: no wall time, another fingerprint than kern.log's copy */
	oomsift_event *ev = keyed_event(1, 500.25, NULL);
	ev->has_ts = false;
	ev->ts_quality = OOMSIFT_TS_UNKNOWN;
	id1 = put(s, ev, dmesg, 10, &inserted);
	assert_true(inserted);
	/* kern.log: the same lines at the same uptimes, with its wall time */
	ev = keyed_event(2, 500.25, NULL);
	ev->ts_quality = OOMSIFT_TS_EXACT;
	id2 = put(s, ev, kernlog, 30, &inserted);
	assert_false(inserted);
	assert_int_equal(id2, id1);
	assert_int_equal(count_rows(s, "SELECT sightings FROM oom_events WHERE id = ?1", id1), 2);
	/* the copy with the exact time replaced the content: ts is set now */
	assert_int_equal(
	    count_rows(s, "SELECT count(*) FROM oom_events WHERE ts_quality = 'exact'", 0), 1);

	/* The same lines a microsecond apart: another kill. */
	ev = keyed_event(3, 500.250001, NULL);
	id2 = put(s, ev, kernlog, 90, &inserted);
	assert_true(inserted);
	/* dmesg's copy of it is that kill, not the first (whose key lines, found
	 * by the same hashes, contradict it) */
	ev = keyed_event(8, 500.250001, NULL);
	ev->has_ts = false;
	ev->ts_quality = OOMSIFT_TS_UNKNOWN;
	assert_int_equal(put(s, ev, dmesg, 90, &inserted), id2);
	assert_false(inserted);
	/* The same uptime on two journal boots: two kills. */
	put(s, keyed_event(4, 800.0, "0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b"), dmesg, 50, &inserted);
	assert_true(inserted);
	put(s, keyed_event(5, 800.0, "7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f"), dmesg, 70, &inserted);
	assert_true(inserted);
	/* Alike in every way but at another line of one source: two reports. */
	ev = keyed_event(6, 900.0, NULL);
	ev->key_first.hash = 0x3333;
	ev->key_kill.hash = 0x4445;
	ev->key_first.has_uptime = ev->key_kill.has_uptime = false;
	put(s, ev, kernlog, 100, &inserted);
	assert_true(inserted);
	ev = keyed_event(7, 900.0, NULL);
	ev->key_first.hash = 0x3333;
	ev->key_kill.hash = 0x4445;
	ev->key_first.has_uptime = ev->key_kill.has_uptime = false;
	put(s, ev, kernlog, 200, &inserted);
	assert_true(inserted);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_events", 0), 6);
	oomsift_store_free(s);
}

static void test_sources_resume_and_rotation(void **state)
{
	static const char content[] = "Nov  5 01:02:03 web01 kernel: eth0: link up\n";
	oomsift_store *s = open_memory();
	oomsift_source_info info = {.path = "kern.log",
	                            .head = content,
	                            .head_len = sizeof(content) - 1,
	                            .dev = 8,
	                            .ino = 42,
	                            .size = 5000,
	                            .file_size = 5000,
	                            .mtime = 100};
	oomsift_source_end end = {
	    .cursor = 4000, .cursor_line = 80, .cursor_fp = 0x1234, .size = 5000, .complete = true};
	oomsift_source_pos pos;
	int64_t id;

	(void)state;
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_false(pos.known);
	id = pos.id;
	assert_int_equal(oomsift_store_source_end(s, &info, id, &end), 0);
	/* The same file, unchanged: skipped. */
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_true(pos.known && pos.unchanged);
	/* Grown: resumed at the cursor. */
	info.size = info.file_size = 9000;
	info.mtime = 200;
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_true(pos.known && !pos.unchanged);
	assert_int_equal(pos.id, id);
	assert_int_equal(pos.cursor, 4000);
	assert_int_equal(pos.cursor_line, 80);
	assert_int_equal(pos.cursor_fp, 0x1234);
	/* Compressed by logrotate: another inode, the same head. */
	info.path = "kern.log.2.gz";
	info.ino = 77;
	info.size = -1;
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_true(pos.known);
	assert_int_equal(pos.id, id);
	assert_int_equal(pos.cursor, 4000);
	/* Truncated below the cursor: from the start. */
	info.path = "kern.log";
	info.ino = 42;
	info.size = info.file_size = 100;
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_true(pos.known);
	assert_int_equal(pos.cursor, 0);
	/* Replaced in place by other content: a new source. */
	info.head = "Dec  1 00:00:00 web01 kernel: other\n";
	info.head_len = strlen(info.head);
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_false(pos.known);
	assert_true(pos.id != id);
	oomsift_store_free(s);
}

static void test_load_round_trip(void **state)
{
	oomsift_store *s = open_memory();
	oomsift_event *ev = make_event(0x11), *got = NULL;
	int64_t src, id;
	bool inserted;

	(void)state;
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	assert_true(inserted);
	assert_int_equal(oomsift_store_load_event(s, id, true, &got), 0);
	assert_non_null(got);

	assert_string_equal(got->host, "web01");
	assert_true(got->has_ts);
	assert_dbl_equal(got->ts_unix, 1699146123.0);
	assert_true(got->has_uptime);
	assert_dbl_equal(got->uptime_s, 123.456);
	assert_int_equal(got->kind, OOMSIFT_MEMCG_OOM);
	assert_string_equal(got->kernel, "5.15.0-91-generic");
	assert_string_equal(got->trigger_comm, "stress");
	assert_int_equal(got->trigger_pid, 4242);
	assert_int_equal(got->trigger_uid, 1000);
	assert_int_equal(got->trigger_oom_score_adj, -5);
	assert_int_equal(got->trigger_oom_adj, UNSET);
	assert_string_equal(got->gfp_mask, "0x1100cca");
	assert_string_equal(got->gfp_flags, "GFP_HIGHUSER_MOVABLE");
	assert_int_equal(got->alloc_order, 0);
	assert_int_equal(got->cpu, 3);
	assert_null(got->nodemask);
	assert_string_equal(got->oom_constraint, "CONSTRAINT_MEMCG");
	assert_string_equal(got->oom_memcg, "/grp");
	assert_string_equal(got->task_memcg, "/grp/a");
	assert_int_equal(got->memcg_mem.usage_kb, 102400);
	assert_int_equal(got->memcg_mem.limit_kb, 102400);
	assert_int_equal(got->memcg_mem.failcnt, 10);
	assert_int_equal(got->memcg_swap.usage_kb, 2048);
	assert_int_equal(got->memcg_swap.limit_kb, 4096);
	assert_int_equal(got->memcg_swap.failcnt, 7);
	assert_int_equal(got->memcg_memsw.usage_kb, UNSET);
	assert_int_equal(got->memcg_kmem.limit_kb, UNSET);
	assert_int_equal(got->swap_free_kb, 0);
	assert_int_equal(got->swap_total_kb, 8388604);
	assert_int_equal(got->ram_pages, 524158);
	assert_int_equal(got->reserved_pages, UNSET);
	assert_int_equal(got->victim_pid, 4242);
	assert_string_equal(got->victim_comm, "stress");
	assert_int_equal(got->victim_uid, 1000);
	assert_int_equal(got->victim_total_vm_kb, 2000000);
	assert_int_equal(got->victim_anon_rss_kb, 1600000);
	assert_int_equal(got->victim_file_rss_kb, 0);
	assert_int_equal(got->victim_shmem_rss_kb, 4);
	assert_int_equal(got->victim_pgtables_kb, 3200);
	assert_int_equal(got->victim_oom_score_adj, -5);
	assert_string_equal(got->kill_reason, "Memory cgroup out of memory");
	assert_int_equal(got->kill_score, UNSET);
	assert_true(got->has_header);
	assert_true(got->has_kill);
	assert_false(got->manual);
	assert_false(got->no_killable);
	assert_null(got->panic);
	assert_true(got->has_task_table);
	assert_true(oomsift_event_complete(got));
	assert_int_equal(got->line, 17);
	assert_string_equal(got->source, "kern.log");

	assert_int_equal(got->ntasks, 2);
	assert_int_equal(got->tasks[0].pid, 400);
	assert_int_equal(got->tasks[0].uid, 0);
	assert_int_equal(got->tasks[0].oom_score_adj, -1000);
	assert_int_equal(got->tasks[0].pgtables_bytes, 65536);
	assert_int_equal(got->tasks[0].nr_ptes, UNSET);
	assert_string_equal(got->tasks[0].name, "sshd");
	assert_int_equal(got->tasks[1].pid, 4242);
	assert_int_equal(got->tasks[1].total_vm, 500000);
	assert_int_equal(got->tasks[1].rss, 400000);
	assert_int_equal(got->tasks[1].swapents, 12);
	assert_int_equal(got->tasks[1].cpu, UNSET);
	assert_string_equal(got->tasks[1].name, "Web Content");

	assert_int_equal(got->nkills, 2);
	assert_int_equal(got->kills[0].kind, OOMSIFT_KILL_VICTIM);
	assert_int_equal(got->kills[0].pid, 4242);
	assert_string_equal(got->kills[0].comm, "stress");
	assert_int_equal(got->kills[0].uid, 1000);
	assert_int_equal(got->kills[0].anon_rss_kb, 1600000);
	assert_int_equal(got->kills[0].pgtables_kb, 3200);
	assert_int_equal(got->kills[0].oom_score_adj, -5);
	assert_string_equal(got->kills[0].reason, "Memory cgroup out of memory");
	assert_false(got->kills[0].oom_group);
	assert_int_equal(got->kills[1].kind, OOMSIFT_KILL_REAPED);
	assert_int_equal(got->kills[1].file_rss_kb, 8);
	assert_int_equal(got->kills[1].total_vm_kb, UNSET);
	assert_null(got->kills[1].reason);
	assert_true(got->kills[1].oom_group);

	assert_int_equal(got->raw.len, strlen(raw_text));
	assert_memory_equal(got->raw.data, raw_text, strlen(raw_text));
	oomsift_event_free(got);

	/* Without want_raw the raw text stays out. */
	got = NULL;
	assert_int_equal(oomsift_store_load_event(s, id, false, &got), 0);
	assert_int_equal(got->raw.len, 0);
	assert_int_equal(got->victim_pid, 4242);
	oomsift_event_free(got);

	oomsift_event_free(ev);
	oomsift_store_free(s);
}

/* Task rows go in batches of 64, 16, 4 and 1: a count that needs every size
 * (64 + 16 + 4 + 1 + 1 + 1 = 87) stores each row once, in order, with its
 * NULLs; and a repeated Mem-Info key keeps its first value. */
static void test_batched_rows(void **state)
{
	enum { NTASKS = 87, NKVS = 87 };
	oomsift_store *s = open_memory();
	oomsift_event *ev = make_event(0x13), *got = NULL;
	static const char *const sections[] = {"meminfo", "node 0"};
	char name[16];
	int64_t src, id;
	bool inserted;

	(void)state;
	ev->tasks = realloc(ev->tasks, NTASKS * sizeof(*ev->tasks));
	assert_non_null(ev->tasks);
	ev->tasks_cap = ev->ntasks = NTASKS;
	for (int i = 0; i < NTASKS; i++) {
		oomsift_task *t = &ev->tasks[i];
		int64_t *f = &t->pid;
		for (size_t c = 0; c < offsetof(oomsift_task, name) / sizeof(int64_t); c++)
			f[c] = i % 3 ? 1000 * i + (int64_t)c : UNSET;
		t->pid = 100 + i;
		snprintf(name, sizeof(name), "task%d", i);
		t->name = sdup(ev, name);
	}
	ev->kvs = calloc(NKVS, sizeof(*ev->kvs));
	assert_non_null(ev->kvs);
	ev->kvs_cap = ev->nkvs = NKVS;
	for (int i = 0; i < NKVS; i++) {
		/* the last key repeats the first one's */
		snprintf(name, sizeof(name), "k%d", i == NKVS - 1 ? 0 : i);
		ev->kvs[i] =
		    (oomsift_kv){sections[i == NKVS - 1 ? 0 : i % 2], sdup(ev, name), i, "pages"};
	}
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	assert_true(inserted);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM task WHERE event_id = ?1", id),
	                 NTASKS);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_meminfo WHERE event_id = ?1", id),
	                 NKVS - 1);
	assert_int_equal(
	    count_rows(s, "SELECT value FROM oom_meminfo WHERE event_id = ?1 AND key = 'k0'", id),
	    0);
	assert_int_equal(oomsift_store_load_event(s, id, false, &got), 0);
	assert_int_equal(got->ntasks, NTASKS);
	for (int i = 0; i < NTASKS; i++) {
		const int64_t *want = &ev->tasks[i].pid, *have = &got->tasks[i].pid;
		for (size_t c = 0; c < offsetof(oomsift_task, name) / sizeof(int64_t); c++)
			assert_int_equal(have[c], want[c]);
		assert_string_equal(got->tasks[i].name, ev->tasks[i].name);
	}
	oomsift_event_free(got);
	oomsift_event_free(ev);
	oomsift_store_free(s);
}

static void test_load_missing(void **state)
{
	oomsift_store *s = open_memory();
	oomsift_event *got = NULL;

	(void)state;
	assert_int_equal(oomsift_store_load_event(s, 12345, true, &got), OOMSIFT_ENOTFOUND);
	assert_null(got);
	assert_non_null(strstr(oomsift_error_message(), "12345"));
	oomsift_store_free(s);
}

/* ---- files ---- */

static void test_file_mode_0600(void **state)
{
	scratch t;
	oomsift_store *s = NULL;
	struct stat st;

	(void)state;
	scratch_init(&t);
	assert_int_equal(stat(t.path, &st), -1);
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(stat(t.path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_rows(s, "PRAGMA user_version", 0), OOMSIFT_SCHEMA_VERSION);
	oomsift_store_free(s);
	/* Reopening an existing store keeps it and its mode. */
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), 0);
	oomsift_store_free(s);
	assert_int_equal(stat(t.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	scratch_free(&t);
}

/* Checkpoints in a thread: the WAL stays bounded over many transactions
 * (a commit past 4 096 pages waits for a checkpoint, and the WAL starts
 * again), every row is there, and the writer gets its automatic checkpoint
 * back. A store in memory has no WAL: no thread. */
static void test_checkpointer(void **state)
{
	const off_t frame = 4096 + 24, bound = (4096 + 400) * frame;
	sqlite3 *db;
	scratch t;
	oomsift_store *s = NULL;
	store_checkpointer *c = NULL;
	char wal[160];
	off_t largest = 0;
	struct stat st;

	(void)state;
	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(store_checkpointer_start(s, &c), 0);
	assert_null(c);
	store_checkpointer_stop(c);
	oomsift_store_free(s);

	scratch_init(&t);
	snprintf(wal, sizeof(wal), "%s-wal", t.path);
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), 0);
	db = oomsift_store_db(s);
	assert_int_equal(sqlite3_exec(db, "PRAGMA wal_autocheckpoint = 700; CREATE TABLE big(b)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(store_checkpointer_start(s, &c), 0);
	assert_non_null(c);
	for (int i = 0; i < 60; i++) { /* about 300 pages each, 18 000 in all */
		assert_int_equal(
		    sqlite3_exec(db,
		                 "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		                 "FROM n WHERE i < 300) INSERT INTO big SELECT "
		                 "randomblob(3900) FROM n; COMMIT",
		                 NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_equal(stat(wal, &st), 0);
		largest = st.st_size > largest ? st.st_size : largest;
	}
	store_checkpointer_stop(c);
	assert_true(largest <= bound);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM big", 0), 60 * 300);
	assert_int_equal(count_rows(s, "PRAGMA wal_autocheckpoint", 0), 700);
	oomsift_store_free(s);
	scratch_free(&t);
}

static void test_readonly_missing_file(void **state)
{
	scratch t;
	oomsift_store *s = NULL;
	struct stat st;

	(void)state;
	scratch_init(&t);
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READONLY), OOMSIFT_ESTORE);
	assert_null(s);
	/* A read-only open never creates the file. */
	assert_int_equal(stat(t.path, &st), -1);
	scratch_free(&t);
}

static void test_future_schema_refused(void **state)
{
	scratch t;
	sqlite3 *db = NULL;
	oomsift_store *s = NULL;

	(void)state;
	scratch_init(&t);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), OOMSIFT_ESCHEMA);
	assert_null(s);
	assert_non_null(strstr(oomsift_error_message(), "99"));
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READONLY), OOMSIFT_ESCHEMA);
	assert_null(s);

	/* The store was not touched: still version 99, no tables. */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT (SELECT user_version FROM "
	                                    "pragma_user_version), count(*) FROM sqlite_master",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 99);
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	scratch_free(&t);
}

/* ---- read-only queries ---- */

typedef struct sink_state {
	int ncols, nrows;
	char first_col[32];
	oomsift_value_type type;
	int64_t i;
	char text[64];
} sink_state;

static int sink_columns(void *ctx, int ncol, const char *const *names)
{
	sink_state *ss = ctx;

	ss->ncols = ncol;
	snprintf(ss->first_col, sizeof(ss->first_col), "%s", names[0]);
	return 0;
}

static int sink_row(void *ctx, int ncol, const oomsift_value *v)
{
	sink_state *ss = ctx;

	assert_int_equal(ncol, ss->ncols);
	if (ss->nrows++ == 0) {
		ss->type = v[0].type;
		ss->i = v[0].i;
		if (ncol > 1 && v[1].type == OOMSIFT_VALUE_TEXT)
			snprintf(ss->text, sizeof(ss->text), "%.*s", (int)v[1].len, v[1].s);
	}
	return 0;
}

static void test_query_readonly(void **state)
{
	scratch t;
	oomsift_store *s = NULL;
	oomsift_event *ev = make_event(0x42);
	int64_t src, id;
	bool inserted;
	sink_state ss;
	const oomsift_query_sink sink = {sink_columns, sink_row, &ss};

	(void)state;
	scratch_init(&t);
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), 0);
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	oomsift_store_free(s);
	oomsift_event_free(ev);

	s = NULL;
	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READONLY), 0);

	memset(&ss, 0, sizeof(ss));
	assert_int_equal(oomsift_query_run(s, "DELETE FROM event", &sink), OOMSIFT_ESQL);
	assert_int_equal(ss.nrows, 0);
	assert_int_equal(oomsift_query_run(s, "CREATE TABLE x(a)", &sink), OOMSIFT_ESQL);
	assert_int_equal(oomsift_query_run(s, "SELECT 1; DELETE FROM event", &sink), OOMSIFT_ESQL);
	assert_int_equal(oomsift_query_run(s, "SELECT * FROM no_such_table", &sink), OOMSIFT_ESQL);

	memset(&ss, 0, sizeof(ss));
	assert_int_equal(
	    oomsift_query_run(s, "SELECT count(*) AS n, min(host) FROM oom_events", &sink), 0);
	assert_int_equal(ss.ncols, 2);
	assert_string_equal(ss.first_col, "n");
	assert_int_equal(ss.nrows, 1);
	assert_int_equal(ss.type, OOMSIFT_VALUE_INT);
	/* Nothing was deleted, and no table was created. */
	assert_int_equal(ss.i, 1);
	assert_string_equal(ss.text, "web01");

	memset(&ss, 0, sizeof(ss));
	assert_int_equal(
	    oomsift_query_run(s, "SELECT count(*) FROM sqlite_master WHERE name = 'x'", &sink), 0);
	assert_int_equal(ss.nrows, 1);
	assert_int_equal(ss.i, 0);
	oomsift_store_free(s);
	scratch_free(&t);
}

/* ---- user-space columns, memory events, migration ---- */

static void test_userspace_round_trip(void **state)
{
	oomsift_store *s = open_memory();
	oomsift_event *ev = oomsift_event_new(), *got = NULL;
	int64_t src, id;
	bool inserted;

	(void)state;
	memset(ev->fingerprint, 0x5a, sizeof(ev->fingerprint));
	ev->host = sdup(ev, "ws");
	ev->kind = OOMSIFT_EARLYOOM_KILL;
	ev->victim_pid = 5678;
	ev->victim_comm = sdup(ev, "java");
	ev->victim_cmdline = sdup(ev, "java -jar app.jar");
	ev->victim_vmrss_kb = 10485760;
	ev->kill_signal = sdup(ev, "SIGKILL");
	ev->mem_avail_kb = 308224;
	ev->mem_total_kb = 16257024;
	ev->oomd_pressure_pct = 62.43;
	ev->oomd_duration_s = 90;
	ev->oomd_swap_used_bytes = 3915968512;
	ev->unit = sdup(ev, "app.scope");
	ev->seen_by = sdup(ev, "systemd,containerd");
	ev->pods = sdup(ev, "default/a,default/b");
	ev->line = 3;
	src = add_source(s, "syslog");
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	assert_int_equal(oomsift_store_load_event(s, id, false, &got), 0);
	assert_int_equal(got->kind, OOMSIFT_EARLYOOM_KILL);
	assert_string_equal(got->victim_cmdline, "java -jar app.jar");
	assert_int_equal(got->victim_vmrss_kb, 10485760);
	assert_string_equal(got->kill_signal, "SIGKILL");
	assert_int_equal(got->mem_avail_kb, 308224);
	assert_int_equal(got->mem_total_kb, 16257024);
	assert_dbl_equal(got->oomd_pressure_pct, 62.43);
	assert_dbl_equal(got->oomd_duration_s, 90);
	assert_true(isnan(got->oomd_pressure_limit_pct));
	assert_int_equal(got->oomd_swap_used_bytes, 3915968512);
	assert_int_equal(got->oomd_swap_total_bytes, UNSET);
	assert_string_equal(got->unit, "app.scope");
	assert_null(got->unit_result);
	assert_string_equal(got->seen_by, "systemd,containerd");
	assert_string_equal(got->pods, "default/a,default/b");
	assert_null(got->container_id);
	/* one line each: complete; the view's victim_rss_kb falls back to VmRSS */
	assert_int_equal(count_rows(s, "SELECT complete FROM oom_events WHERE id = ?1", id), 1);
	assert_int_equal(count_rows(s, "SELECT victim_rss_kb FROM oom_events WHERE id = ?1", id),
	                 10485760);
	oomsift_event_free(got);
	oomsift_event_free(ev);
	oomsift_store_free(s);
}

static void test_second_sighting_fills_links(void **state)
{
	oomsift_store *s = open_memory();
	oomsift_event *kern = make_event(0x21), *sys = make_event(0x21);
	int64_t src1, src2, id1, id2;
	bool inserted;
	sqlite3_stmt *st;

	(void)state;
	sys->unit = sdup(sys, "mysqld.service");
	sys->unit_result = sdup(sys, "oom-kill");
	sys->seen_by = sdup(sys, "systemd");
	src1 = add_source(s, "kern.log");
	src2 = add_source(s, "syslog");
	/* kern.log first: no unit; syslog then shows the same kill with its notice */
	assert_int_equal(oomsift_store_put_event(s, kern, src1, &id1, &inserted), 0);
	assert_int_equal(oomsift_store_put_event(s, sys, src2, &id2, &inserted), 0);
	assert_false(inserted);
	assert_int_equal(id1, id2);
	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s),
	                                    "SELECT unit, unit_result, seen_by FROM oom_events "
	                                    "WHERE id = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id1);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "mysqld.service");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "oom-kill");
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "systemd");
	sqlite3_finalize(st);
	oomsift_event_free(kern);
	oomsift_event_free(sys);
	oomsift_store_free(s);
}

static void test_put_memevent(void **state)
{
	oomsift_store *s = open_memory();
	oomsift_memevent me;
	int64_t src;
	bool inserted = false;

	(void)state;
	memset(&me, 0, sizeof(me));
	memset(me.fingerprint, 0x77, sizeof(me.fingerprint));
	me.kind = OOMSIFT_MEM_OVERCOMMIT_REFUSAL;
	me.host = "db02";
	me.has_ts = true;
	me.ts_unix = 1732090000.0;
	me.pid = 3450;
	me.alloc_order = UNSET;
	me.bytes = 17179869184;
	snprintf(me.comm, sizeof(me.comm), "xz");
	snprintf(me.message, sizeof(me.message),
	         "__vm_enough_memory: pid: 3450, comm: xz, no enough memory for the allocation");
	me.line = 18;
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_put_memevent(s, &me, src, &inserted), 0);
	assert_true(inserted);
	assert_int_equal(oomsift_store_put_memevent(s, &me, src, &inserted), 0);
	assert_false(inserted);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM memory_events", 0), 1);
	assert_int_equal(
	    count_rows(s,
	               "SELECT count(*) FROM memory_events WHERE host = 'db02' AND "
	               "kind = 'overcommit_refusal' AND pid = 3450 AND comm = 'xz' AND "
	               "bytes = 17179869184 AND alloc_order IS NULL AND gfp_mask IS "
	               "NULL AND uptime_s IS NULL AND ts = '2024-11-20T08:06:40Z' AND "
	               "source = 'kern.log' AND line = 18",
	               0),
	    1);
	/* memory events are not OOM events */
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_events", 0), 0);
	oomsift_store_free(s);
}

extern const char oomsift_schema_sql[], oomsift_migrate_2_sql[], oomsift_migrate_3_sql[],
    oomsift_migrate_4_sql[], oomsift_migrate_5_sql[], oomsift_migrate_6_sql[];

/* The column names of view oom_events, comma-separated. */
static void view_columns(sqlite3 *db, const char *view, char *out, size_t len)
{
	char sql[128];
	sqlite3_stmt *st;
	size_t used = 0;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s", view);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	for (int i = 0; i < sqlite3_column_count(st); i++)
		used += (size_t)snprintf(out + used, len - used, "%s,", sqlite3_column_name(st, i));
	sqlite3_finalize(st);
}

static void test_migrate_from_v1(void **state)
{
	scratch t;
	sqlite3 *db = NULL;
	oomsift_store *s = NULL;
	char v1[4096], v2[8192];

	(void)state;
	scratch_init(&t);
	/* A store written by the first release: schema 1 and one event. */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oomsift_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "PRAGMA user_version = 1;"
	                 "INSERT INTO source(id, path, first_ingested, last_ingested) VALUES "
	                 "(1, 'kern.log', 'x', 'x');"
	                 "INSERT INTO event(fingerprint, host, kind, kills, manual, no_killable, "
	                 "has_header, has_kill, complete, source_id, line, ingested_at) VALUES "
	                 "(x'00', 'web01', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 7, 'x');",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	view_columns(db, "oom_events", v1, sizeof(v1));
	sqlite3_close(db);

	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(count_rows(s, "PRAGMA user_version", 0), OOMSIFT_SCHEMA_VERSION);
	/* Every released column keeps its name and place; the new ones follow. */
	view_columns(oomsift_store_db(s), "oom_events", v2, sizeof(v2));
	assert_int_equal(strncmp(v1, v2, strlen(v1)), 0);
	assert_non_null(strstr(v2 + strlen(v1), "unit,"));
	assert_non_null(strstr(v2 + strlen(v1), "oomd_killed_processes,"));
	assert_int_equal(count_rows(s,
	                            "SELECT count(*) FROM oom_events WHERE host = 'web01' AND "
	                            "line = 7 AND unit IS NULL AND victim_rss_kb IS NULL",
	                            0),
	                 1);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM memory_events", 0), 0);
	oomsift_store_free(s);
	scratch_free(&t);
}

/* Every row of oom_meminfo as text, in (event, section, key) order, with the
 * type of its value. */
static void meminfo_dump(sqlite3 *db, char *out, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(
	    sqlite3_prepare_v2(
	        db,
	        "SELECT group_concat(event_id || '|' || hex(section) || '|' || key || "
	        "'|' || ifnull(value, 'NULL') || '|' || typeof(value) || '|' || unit, "
	        "';') FROM (SELECT * FROM oom_meminfo ORDER BY event_id, section, key)",
	        -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Schema 7 moves the bag rows of schema 6 into one meminfo row per event:
 * oom_meminfo shows the same rows and columns, whatever the section's bytes
 * (quotes, backslashes, control and non-UTF-8 bytes) and values (NULL,
 * negative, the largest). */
static void test_migrate_meminfo(void **state)
{
	const char *const sqls[] = {oomsift_schema_sql,    oomsift_migrate_2_sql,
	                            oomsift_migrate_3_sql, oomsift_migrate_4_sql,
	                            oomsift_migrate_5_sql, oomsift_migrate_6_sql};
	scratch t;
	sqlite3 *db = NULL;
	oomsift_store *s = NULL;
	oomsift_event *got = NULL;
	char cols[2][256], before[2048], after[2048];

	(void)state;
	scratch_init(&t);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++)
		assert_int_equal(sqlite3_exec(db, sqls[i], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "PRAGMA user_version = 6;"
	        "INSERT INTO source(id, path, first_ingested, last_ingested) VALUES "
	        "(1, 'kern.log', 'x', 'x');"
	        "INSERT INTO event(id, fingerprint, host, kind, kills, manual, no_killable, "
	        "has_header, has_kill, complete, source_id, line, ingested_at) VALUES "
	        "(1, x'01', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 1, 'x'),"
	        "(2, x'02', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 9, 'x'),"
	        "(3, x'03', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 20, 'x');"
	        "INSERT INTO bag(event_id, section, key, value, unit) VALUES "
	        "(1, 'meminfo', 'active_anon', 5, 'pages'), (1, 'meminfo', 'free', NULL, 'pages'),"
	        "(1, 'node 0', 'active_anon', 20, 'kB'), (1, 'zone DMA', 'min', -3, 'kB'),"
	        "(2, 'memcg_stat /a\"b\\c' || char(1) || cast(x'ff' AS TEXT), 'rss', "
	        "9223372036854775807, 'bytes'), (2, 'meminfo', 'active_anon', 0, 'pages');",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	view_columns(db, "oom_meminfo", cols[0], sizeof(cols[0]));
	meminfo_dump(db, before, sizeof(before));
	sqlite3_close(db);

	assert_int_equal(oomsift_store_open(&s, t.path, OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(count_rows(s, "PRAGMA user_version", 0), OOMSIFT_SCHEMA_VERSION);
	view_columns(oomsift_store_db(s), "oom_meminfo", cols[1], sizeof(cols[1]));
	assert_string_equal(cols[0], cols[1]);
	meminfo_dump(oomsift_store_db(s), after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM sqlite_master WHERE name = 'bag'", 0),
	                 0);
	/* one row per event with values; (key, unit) pairs named once */
	assert_int_equal(count_rows(s, "SELECT count(*) FROM meminfo", 0), 2);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM meminfo_name", 0), 5);
	/* an event's values come in (section, key) order without ORDER BY */
	assert_int_equal(count_rows(s,
	                            "SELECT group_concat(key || value, ',') = "
	                            "'active_anon5,active_anon20,min-3' FROM oom_meminfo "
	                            "WHERE event_id = ?1 AND value IS NOT NULL",
	                            1),
	                 1);
	/* and load back as an event's values */
	assert_int_equal(oomsift_store_load_event(s, 2, false, &got), 0);
	assert_int_equal(got->nkvs, 2);
	assert_string_equal(got->kvs[1].section, "meminfo");
	assert_string_equal(got->kvs[0].section, "memcg_stat /a\"b\\c\x01\xff");
	assert_true(got->kvs[0].value == INT64_MAX);
	assert_string_equal(got->kvs[0].unit, "bytes");
	oomsift_event_free(got);
	/* deleting an event deletes its values */
	assert_int_equal(
	    sqlite3_exec(oomsift_store_db(s), "DELETE FROM event WHERE id = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM oom_meminfo", 0), 2);
	oomsift_store_free(s);
	scratch_free(&t);
}

/* The values of an event stored by this version read back as they were put:
 * a section's every byte, NULL and extreme values, one key in two sections
 * and units; a key repeated in one section keeps its first value. */
static void test_meminfo_round_trip(void **state)
{
	static const char section[] = "memcg_stat /k8s/\"pod\"\\x\t\x1f\xc3\xa9\xfe";
	oomsift_store *s = open_memory();
	oomsift_event *ev = make_event(0x21), *got = NULL;
	int64_t src, id;
	bool inserted;
	char dump[2048];

	(void)state;
	ev->kvs = calloc(6, sizeof(*ev->kvs));
	assert_non_null(ev->kvs);
	ev->kvs_cap = ev->nkvs = 6;
	ev->kvs[0] = (oomsift_kv){"zone Normal", "min", 7, "kB"};
	ev->kvs[1] = (oomsift_kv){section, "rss", INT64_MAX, "bytes"};
	ev->kvs[2] = (oomsift_kv){section, "pgfault", INT64_MIN + 1, "count"};
	ev->kvs[3] = (oomsift_kv){"meminfo", "free", UNSET, "pages"};
	ev->kvs[4] = (oomsift_kv){"meminfo", "min", 1, "pages"};
	ev->kvs[5] = (oomsift_kv){"zone Normal", "min", 8, "pages"};
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	meminfo_dump(oomsift_store_db(s), dump, sizeof(dump));
	assert_string_equal(dump, "1|6D656D63675F73746174202F6B38732F22706F64225C78091FC3A9FE|"
	                          "pgfault|-9223372036854775807|integer|count;"
	                          "1|6D656D63675F73746174202F6B38732F22706F64225C78091FC3A9FE|"
	                          "rss|9223372036854775807|integer|bytes;"
	                          "1|6D656D696E666F|free|NULL|null|pages;"
	                          "1|6D656D696E666F|min|1|integer|pages;"
	                          "1|7A6F6E65204E6F726D616C|min|7|integer|kB");
	/* the repeated key was not named: its value is not stored */
	assert_int_equal(count_rows(s, "SELECT count(*) FROM meminfo_name", 0), 5);
	assert_int_equal(oomsift_store_load_event(s, id, false, &got), 0);
	assert_int_equal(got->nkvs, 5);
	assert_string_equal(got->kvs[0].section, section);
	assert_true(got->kvs[0].value == INT64_MIN + 1);
	assert_true(got->kvs[2].value == UNSET);
	oomsift_event_free(got);
	oomsift_event_free(ev);
	oomsift_store_free(s);
}

/* An event's Mem-Info JSON stops before 64 MiB (store/meminfo.c
 * ITEMS_MAX_BYTES): 1100 values in sections of 64000 bytes each would take
 * about 70 MB; those that fit are stored, the rest are not, and the event is. */
static void test_meminfo_cap(void **state)
{
	enum { NVALUES = 1100, SECTION_LEN = 64000 };
	oomsift_store *s = open_memory();
	oomsift_event *ev = make_event(0x22);
	char *sections = malloc((size_t)NVALUES * (SECTION_LEN + 1));
	int64_t src, id, stored;
	bool inserted;

	(void)state;
	assert_non_null(sections);
	ev->kvs = calloc(NVALUES, sizeof(*ev->kvs));
	assert_non_null(ev->kvs);
	ev->kvs_cap = ev->nkvs = NVALUES;
	for (size_t i = 0; i < NVALUES; i++) {
		char *sec = sections + i * (SECTION_LEN + 1);
		memset(sec, 'x', SECTION_LEN);
		snprintf(sec, 16, "memcg_stat %04zu", i);
		sec[strlen(sec)] = 'x';
		sec[SECTION_LEN] = '\0';
		ev->kvs[i] = (oomsift_kv){sec, "rss", (int64_t)i, "bytes"};
	}
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	assert_true(inserted);
	stored = count_rows(s, "SELECT count(*) FROM oom_meminfo", 0);
	assert_true(stored > 1000 && stored < NVALUES);
	assert_true(count_rows(s, "SELECT length(items) FROM meminfo", 0) <= (64 << 20) + 2);
	/* the values kept are the first ones, in section order */
	assert_int_equal(count_rows(s, "SELECT max(value) FROM oom_meminfo", 0), stored - 1);
	free(sections);
	oomsift_event_free(ev);
	oomsift_store_free(s);
}

/* The values of event id as "section|key|value;" by section and key. */
static void meminfo_text(oomsift_store *s, int64_t id, char *out, size_t len)
{
	sqlite3_stmt *st = NULL;
	size_t used = 0;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s),
	                                    "SELECT section || '|' || key || '|' || "
	                                    "coalesce(value, 'NULL') FROM oom_meminfo WHERE "
	                                    "event_id = ?1 ORDER BY section, key",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW && used < len)
		used += (size_t)snprintf(out + used, len - used, "%s;",
		                         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* An event whose values are named as layout k names them, valued from v. */
static oomsift_event *layout_event(unsigned char fp, int k, int64_t v, char names[][24])
{
	oomsift_event *ev = make_event(fp);

	snprintf(names[0], 24, "zone %d", k);
	snprintf(names[1], 24, "key%d", k);
	ev->kvs = calloc(4, sizeof(*ev->kvs));
	assert_non_null(ev->kvs);
	ev->kvs_cap = ev->nkvs = 4;
	ev->kvs[0] = (oomsift_kv){names[0], "min", v, "kB"};
	ev->kvs[1] = (oomsift_kv){"meminfo", names[1], v + 1, "pages"};
	ev->kvs[2] = (oomsift_kv){names[0], "min", v + 2, "kB"}; /* repeated: not stored */
	ev->kvs[3] = (oomsift_kv){names[0], "low", k % 2 ? UNSET : v + 3, "kB"};
	return ev;
}

/* The layouts store_meminfo_put keeps (store/meminfo.c): more layouts than it
 * has slots, each met again with other values, store what each event has;
 * a layout's names added in a transaction rolled back are added again. */
static void test_meminfo_layouts(void **state)
{
	enum { NLAYOUTS = 40, NEVENTS = 120 };
	oomsift_store *s = open_memory();
	char names[24][24], got[512], want[512];
	int64_t src, id;
	bool inserted;

	(void)state;
	src = add_source(s, "kern.log");
	assert_int_equal(oomsift_store_begin(s), 0);
	for (int i = 0; i < NEVENTS; i++) {
		/* all layouts (past the slots), then a few met often */
		int k = i < 80 ? (i * 7) % NLAYOUTS : i % 8;
		oomsift_event *ev = layout_event((unsigned char)(i + 1), k, i * 10, names);
		assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
		assert_true(inserted);
		meminfo_text(s, id, got, sizeof(got));
		if (k % 2)
			snprintf(want, sizeof(want),
			         "meminfo|key%d|%d;zone %d|low|NULL;zone %d|min|%d;", k, i * 10 + 1,
			         k, k, i * 10);
		else
			snprintf(want, sizeof(want),
			         "meminfo|key%d|%d;zone %d|low|%d;zone %d|min|%d;", k, i * 10 + 1,
			         k, i * 10 + 3, k, i * 10);
		assert_string_equal(got, want);
		oomsift_event_free(ev);
	}
	assert_int_equal(oomsift_store_commit(s), 0);
	/* a name added in a transaction rolled back is gone with it */
	assert_int_equal(oomsift_store_begin(s), 0);
	oomsift_event *ev = layout_event(200, 99, 5, names);
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	oomsift_store_rollback(s);
	assert_int_equal(oomsift_store_begin(s), 0);
	assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
	assert_int_equal(oomsift_store_commit(s), 0);
	meminfo_text(s, id, got, sizeof(got));
	assert_string_equal(got, "meminfo|key99|6;zone 99|low|NULL;zone 99|min|5;");
	oomsift_event_free(ev);
	oomsift_store_free(s);
}

/* A layout whose text is longer than a slot holds (store/meminfo.c
 * LAYOUT_TEXT_MAX) is stored whole. */
static void test_meminfo_long_layout(void **state)
{
	enum { NVALUES = 40, SECTION_LEN = 1000 };
	oomsift_store *s = open_memory();
	char *sections = malloc((size_t)NVALUES * (SECTION_LEN + 1));
	int64_t src, id;
	bool inserted;

	(void)state;
	assert_non_null(sections);
	src = add_source(s, "kern.log");
	for (int round = 0; round < 2; round++) {
		oomsift_event *ev = make_event((unsigned char)(0x30 + round));
		ev->kvs = calloc(NVALUES, sizeof(*ev->kvs));
		assert_non_null(ev->kvs);
		ev->kvs_cap = ev->nkvs = NVALUES;
		for (size_t i = 0; i < NVALUES; i++) {
			char *sec = sections + i * (SECTION_LEN + 1);
			memset(sec, 'y', SECTION_LEN);
			snprintf(sec, 16, "memcg_stat %04zu", i);
			sec[strlen(sec)] = 'y';
			sec[SECTION_LEN] = '\0';
			ev->kvs[i] = (oomsift_kv){sec, "rss", (int64_t)i + round, "bytes"};
		}
		assert_int_equal(oomsift_store_put_event(s, ev, src, &id, &inserted), 0);
		assert_int_equal(
		    count_rows(s, "SELECT count(*) FROM oom_meminfo WHERE event_id = ?1", id),
		    NVALUES);
		assert_int_equal(
		    count_rows(s, "SELECT sum(value) FROM oom_meminfo WHERE event_id = ?1", id),
		    NVALUES * (NVALUES - 1) / 2 + NVALUES * round);
		oomsift_event_free(ev);
	}
	free(sections);
	oomsift_store_free(s);
}

/* What store_meminfo_each saw: "section|name|value;" for each value. */
static int collect_value(void *ctx, const char *section, int64_t name_id, int64_t value)
{
	char *out = ctx;
	size_t used = strlen(out);

	snprintf(out + used, 256 - used, "%s|%lld|%lld;", section, (long long)name_id,
	         (long long)value);
	return 0;
}

/* The C reader of a meminfo row (classify's) decodes every JSON escape as
 * SQLite does, passes over NULL values, and says which event is damaged. */
static void test_meminfo_walk(void **state)
{
	oomsift_store *s = open_memory();
	sqlite3 *db = oomsift_store_db(s);
	char seen[256] = "";

	(void)state;
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "INSERT INTO source(id, path, first_ingested, last_ingested) VALUES "
	        "(1, 'kern.log', 'x', 'x');"
	        "INSERT INTO event(id, fingerprint, host, kind, kills, manual, no_killable, "
	        "has_header, has_kill, complete, source_id, line, ingested_at) VALUES "
	        "(1, x'01', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 1, 'x'),"
	        "(2, x'02', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 9, 'x');"
	        "INSERT INTO meminfo(event_id, items) VALUES (1, '{\"a\\u00e9\\ud83d"
	        "\\ude00\\/\\n\\\"\\\\\\t\": {\"1\":-5, \"2\":null},\"b\":{},"
	        "\"c\":{\"3\":9223372036854775807}}'),"
	        "(2, '{\"meminfo\":{\"1\":');",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(store_meminfo_each(s, 1, collect_value, seen), 0);
	assert_string_equal(seen,
	                    "a\xc3\xa9\xf0\x9f\x98\x80/\n\"\\\t|1|-5;c|3|9223372036854775807;");
	/* the same as SQLite's own reading */
	assert_int_equal(count_rows(s,
	                            "SELECT count(*) FROM meminfo m, json_each(m.items) j WHERE "
	                            "m.event_id = 1 AND j.key = "
	                            "'a' || char(233, 128512) || '/' || char(10, 34, 92, 9)",
	                            0),
	                 1);
	seen[0] = '\0';
	assert_int_equal(store_meminfo_each(s, 3, collect_value, seen), 0);
	assert_string_equal(seen, "");
	assert_int_equal(store_meminfo_each(s, 2, collect_value, seen), OOMSIFT_ESTORE);
	assert_non_null(strstr(oomsift_error_message(), "event 2"));
	oomsift_store_free(s);
}

/* Sections named "keep" are read; the others are passed over. */
static bool want_keep(const char *section)
{
	return strncmp(section, "keep", 4) == 0;
}

/* store_meminfo_each_in reads only the sections asked for, and still says
 * which event is damaged when the damage is in a section passed over. */
static void test_meminfo_walk_sections(void **state)
{
	oomsift_store *s = open_memory();
	sqlite3 *db = oomsift_store_db(s);
	char seen[256] = "";

	(void)state;
	assert_int_equal(
	    sqlite3_exec(db,
	                 "INSERT INTO source(id, path, first_ingested, last_ingested) VALUES "
	                 "(1, 'kern.log', 'x', 'x');"
	                 "INSERT INTO event(id, fingerprint, host, kind, kills, manual, "
	                 "no_killable, has_header, has_kill, complete, source_id, line, "
	                 "ingested_at) VALUES "
	                 "(1, x'01', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 1, 'x'),"
	                 "(2, x'02', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 9, 'x'),"
	                 "(3, x'03', 'h', 'kernel_oom', 1, 0, 0, 1, 1, 1, 1, 17, 'x');"
	                 "INSERT INTO meminfo(event_id, items) VALUES "
	                 "(1, '{\"zone\":{\"1\":5, \"2\":null},\"keep 1\":{\"3\":7},"
	                 "\"other\":{},\"keep 2\":{\"4\":-8,\"5\":null}}'),"
	                 "(2, '{\"zone\":{\"1\":\"x\"},\"keep\":{\"3\":7}}'),"
	                 "(3, '{\"zone\":{\"1\":5');",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(store_meminfo_each_in(s, 1, want_keep, collect_value, seen), 0);
	assert_string_equal(seen, "keep 1|3|7;keep 2|4|-8;");
	seen[0] = '\0';
	assert_int_equal(store_meminfo_each_in(s, 1, NULL, collect_value, seen), 0);
	assert_string_equal(seen, "zone|1|5;keep 1|3|7;keep 2|4|-8;");
	assert_int_equal(store_meminfo_each_in(s, 2, want_keep, collect_value, seen),
	                 OOMSIFT_ESTORE);
	assert_non_null(strstr(oomsift_error_message(), "event 2"));
	assert_int_equal(store_meminfo_each_in(s, 3, want_keep, collect_value, seen),
	                 OOMSIFT_ESTORE);
	assert_non_null(strstr(oomsift_error_message(), "event 3"));
	oomsift_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_twice),
	    cmocka_unit_test(test_meminfo_layouts),
	    cmocka_unit_test(test_meminfo_long_layout),
	    cmocka_unit_test(test_match_by_key_lines),
	    cmocka_unit_test(test_sources_resume_and_rotation),
	    cmocka_unit_test(test_load_round_trip),
	    cmocka_unit_test(test_batched_rows),
	    cmocka_unit_test(test_load_missing),
	    cmocka_unit_test(test_file_mode_0600),
	    cmocka_unit_test(test_checkpointer),
	    cmocka_unit_test(test_readonly_missing_file),
	    cmocka_unit_test(test_future_schema_refused),
	    cmocka_unit_test(test_query_readonly),
	    cmocka_unit_test(test_userspace_round_trip),
	    cmocka_unit_test(test_second_sighting_fills_links),
	    cmocka_unit_test(test_put_memevent),
	    cmocka_unit_test(test_migrate_from_v1),
	    cmocka_unit_test(test_migrate_meminfo),
	    cmocka_unit_test(test_meminfo_round_trip),
	    cmocka_unit_test(test_meminfo_cap),
	    cmocka_unit_test(test_meminfo_walk),
	    cmocka_unit_test(test_meminfo_walk_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
