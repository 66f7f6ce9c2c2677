/*
 * Unit tests for queries/view.c: the memory picture of a host and of a
 * cgroup (v1 and v2 statistics) with each row's share, the largest tasks
 * and their roles, what a cut report is missing and why, and views loaded
 * from a store: a corpus report with its causes and sources, memory events,
 * the reading order of oomsift_view_list(), and an id that does not exist.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/ingest.h"
#include "oomsift/store.h"
#include "oomsift/view.h"

#define assert_share(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* ---- building events ---- */

static void add_kv(oomsift_event *ev, const char *section, const char *key, int64_t value,
                   const char *unit)
{
	oomsift_kv *kv;

	assert_int_equal(
	    oomsift_vec_reserve((void **)&ev->kvs, &ev->kvs_cap, sizeof(*kv), ev->nkvs + 1, 1000),
	    0);
	kv = &ev->kvs[ev->nkvs++];
	kv->section = oomsift_event_strdup(ev, section, strlen(section));
	kv->key = oomsift_event_strdup(ev, key, strlen(key));
	kv->value = value;
	kv->unit = unit;
}

static oomsift_task *add_task(oomsift_event *ev, int64_t pid, int64_t rss_pages, const char *name)
{
	oomsift_task *t;

	assert_int_equal(oomsift_vec_reserve((void **)&ev->tasks, &ev->tasks_cap, sizeof(*t),
	                                     ev->ntasks + 1, 1000),
	                 0);
	t = &ev->tasks[ev->ntasks++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->uid = 1000;
	t->rss = rss_pages;
	t->swapents = OOMSIFT_UNSET;
	t->oom_score_adj = 0;
	t->name = oomsift_event_strdup(ev, name, strlen(name));
	ev->has_task_table = true;
	return t;
}

/* A complete host-wide report of 1 GiB RAM (262144 pages). */
static oomsift_event *host_event(void)
{
	oomsift_event *ev = oomsift_event_new();

	ev->kind = OOMSIFT_KERNEL_OOM;
	ev->host = oomsift_event_strdup(ev, "web01", 5);
	ev->kernel = oomsift_event_strdup(ev, "6.1.0-50-amd64", 14);
	ev->has_header = ev->has_kill = true;
	ev->ram_pages = 262144;
	ev->reserved_pages = 4096;
	add_kv(ev, "meminfo", "active_anon", 100000, "pages");
	add_kv(ev, "meminfo", "inactive_anon", 60000, "pages");
	add_kv(ev, "meminfo", "active_file", 10000, "pages");
	add_kv(ev, "meminfo", "inactive_file", 6000, "pages");
	add_kv(ev, "meminfo", "shmem", 2000, "pages");
	add_kv(ev, "meminfo", "unevictable", 0, "pages");
	add_kv(ev, "meminfo", "slab_reclaimable", 3000, "pages");
	add_kv(ev, "meminfo", "slab_unreclaimable", 5000, "pages");
	add_kv(ev, "meminfo", "pagetables", 1000, "pages");
	add_kv(ev, "meminfo", "free", 8000, "pages");
	add_kv(ev, "node 0", "kernel_stack", 4096, "kB");
	add_kv(ev, "node 0", "shmem", 8000, "kB"); /* per-node: not counted again */
	add_kv(ev, "hugepages node 0 size 2048kB", "total", 16, "count");
	add_kv(ev, "hugepages node 0 size 2048kB", "free", 16, "count");
	return ev;
}

static const oomsift_view_share *share(const oomsift_view *v, const char *name)
{
	for (size_t i = 0; i < v->memory.nshares; i++)
		if (strcmp(v->memory.shares[i].name, name) == 0)
			return &v->memory.shares[i];
	return NULL;
}

static oomsift_view *view_of(oomsift_event *ev)
{
	oomsift_view *v;

	assert_int_equal(oomsift_view_from_event(ev, &v), 0);
	return v;
}

/* ---- the memory picture ---- */

static void test_host_picture(void **state)
{
	oomsift_view *v = view_of(host_event());
	static const char *const order[] = {"anon",        "shmem",         "file",
	                                    "unevictable", "slab",          "slab unreclaimable",
	                                    "page tables", "kernel stacks", "huge pages",
	                                    "reserved",    "free",          "other"};
	int64_t listed = 0;

	assert_int_equal(v->memory.scope, OOMSIFT_VIEW_SCOPE_HOST);
	assert_string_equal(v->memory.total_name, "RAM");
	assert_int_equal(v->memory.total_kb, 1048576);
	assert_int_equal(v->memory.nshares, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < v->memory.nshares; i++)
		assert_string_equal(v->memory.shares[i].name, order[i]);
	assert_int_equal(share(v, "anon")->kb, 160000 * 4);
	assert_share(share(v, "anon")->share, 640000.0 / 1048576.0);
	assert_true(share(v, "shmem")->part);
	assert_int_equal(share(v, "shmem")->kb, 8000);
	assert_int_equal(share(v, "file")->kb, 16000 * 4);
	assert_int_equal(share(v, "slab")->kb, 8000 * 4);
	assert_int_equal(share(v, "slab unreclaimable")->kb, 5000 * 4);
	assert_int_equal(share(v, "kernel stacks")->kb, 4096);
	assert_int_equal(share(v, "huge pages")->kb, 16 * 2048);
	assert_int_equal(share(v, "reserved")->kb, 4096 * 4);
	/* the rows that are not parts add up to RAM, "other" being the rest */
	for (size_t i = 0; i < v->memory.nshares; i++)
		if (!v->memory.shares[i].part)
			listed += v->memory.shares[i].kb;
	assert_int_equal(listed, 1048576);
	assert_int_equal(share(v, "other")->kb, 1048576 - (640000 + 64000 + 0 + 32000 + 4000 +
	                                                   4096 + 32768 + 16384 + 32000));
	oomsift_view_free(v);
}

/* Without RAM, shares are unknown and nothing is guessed as "other"; zero
 * huge pages are not a row. */
static void test_host_picture_without_ram(void **state)
{
	oomsift_event *ev = host_event();
	oomsift_view *v;

	ev->ram_pages = OOMSIFT_UNSET;
	ev->kvs[12].value = 0; /* hugepages total */
	v = view_of(ev);
	assert_int_equal(v->memory.total_kb, OOMSIFT_UNSET);
	assert_true(isnan(share(v, "anon")->share));
	assert_null(share(v, "other"));
	assert_null(share(v, "huge pages"));
	oomsift_view_free(v);
}

/* cgroup v2 statistics (5.3+, bytes): shares of the limit, shmem a part of
 * file, what is charged but in no statistic, and the unused rest. */
static void test_cgroup_picture_v2(void **state)
{
	oomsift_event *ev = oomsift_event_new();
	const char *sec = "memcg_stat /lab";
	oomsift_view *v;

	ev->kind = OOMSIFT_MEMCG_OOM;
	ev->memcg_mem.usage_kb = 60000;
	ev->memcg_mem.limit_kb = 65536;
	add_kv(ev, sec, "anon", 50000 * 1024LL, "bytes");
	add_kv(ev, sec, "file", 8000 * 1024LL, "bytes");
	add_kv(ev, sec, "shmem", 2000 * 1024LL, "bytes");
	add_kv(ev, sec, "slab_reclaimable", 300 * 1024LL, "bytes");
	add_kv(ev, sec, "slab_unreclaimable", 700 * 1024LL, "bytes");
	add_kv(ev, sec, "kernel_stack", 0, "bytes");
	add_kv(ev, sec, "pagetables", 500 * 1024LL, "bytes");
	add_kv(ev, sec, "sock", 0, "bytes");
	add_kv(ev, sec, "pgfault", 123456, "count");
	/* the host's Mem-Info is not the cgroup's picture */
	add_kv(ev, "meminfo", "active_anon", 1, "pages");
	v = view_of(ev);
	assert_int_equal(v->memory.scope, OOMSIFT_VIEW_SCOPE_CGROUP);
	assert_string_equal(v->memory.section, "memory.stat");
	assert_string_equal(v->memory.total_name, "limit");
	assert_int_equal(v->memory.total_kb, 65536);
	assert_int_equal(share(v, "anon")->kb, 50000);
	assert_share(share(v, "anon")->share, 50000.0 / 65536.0);
	assert_true(share(v, "shmem")->part);
	assert_int_equal(share(v, "slab")->kb, 1000);
	assert_int_equal(share(v, "slab unreclaimable")->kb, 700);
	assert_non_null(share(v, "kernel stacks"));
	assert_null(share(v, "sock")); /* zero: not a row */
	assert_int_equal(share(v, "other")->kb, 60000 - (50000 + 8000 + 1000 + 0 + 500));
	assert_int_equal(share(v, "unused")->kb, 65536 - 60000);
	oomsift_view_free(v);
}

/* cgroup v1 before 5.3: one block per cgroup of the subtree, in kB, added
 * up; without a limit the usage is the total. */
static void test_cgroup_picture_v1(void **state)
{
	oomsift_event *ev = oomsift_event_new();
	oomsift_view *v;

	ev->kind = OOMSIFT_MEMCG_OOM;
	ev->memcg_mem.usage_kb = 4000;
	ev->memcg_mem.limit_kb = OOMSIFT_VIEW_NO_LIMIT_KB;
	add_kv(ev, "memcg_stat /docker/a", "cache", 100, "kB");
	add_kv(ev, "memcg_stat /docker/a", "rss", 2000, "kB");
	add_kv(ev, "memcg_stat /docker/a/b", "cache", 200, "kB");
	add_kv(ev, "memcg_stat /docker/a/b", "rss", 1500, "kB");
	add_kv(ev, "memcg_stat /docker/a/b", "mapped_file", 50, "kB");
	v = view_of(ev);
	assert_int_equal(v->memory.scope, OOMSIFT_VIEW_SCOPE_CGROUP);
	assert_string_equal(v->memory.total_name, "usage");
	assert_int_equal(v->memory.total_kb, 4000);
	assert_int_equal(share(v, "anon")->kb, 3500);
	assert_int_equal(share(v, "file")->kb, 300);
	assert_int_equal(share(v, "other")->kb, 200);
	assert_null(share(v, "unused"));
	assert_null(share(v, "slab"));
	oomsift_view_free(v);
}

/* 2.6.32 prints the host's Mem-Info for a cgroup OOM, and no statistics. */
static void test_cgroup_event_with_host_figures(void **state)
{
	oomsift_event *ev = host_event();
	oomsift_view *v;

	ev->kind = OOMSIFT_MEMCG_OOM;
	ev->memcg_mem.usage_kb = 102400;
	ev->memcg_mem.limit_kb = 102400;
	v = view_of(ev);
	assert_int_equal(v->memory.scope, OOMSIFT_VIEW_SCOPE_HOST);
	assert_string_equal(v->memory.total_name, "RAM");
	oomsift_view_free(v);
}

static void test_no_figures(void **state)
{
	oomsift_event *ev = oomsift_event_new();
	oomsift_view *v;

	ev->has_kill = true;
	v = view_of(ev);
	assert_int_equal(v->memory.scope, OOMSIFT_VIEW_SCOPE_NONE);
	assert_int_equal(v->memory.nshares, 0);
	assert_int_equal(v->ntop, 0);
	assert_int_equal(v->tasks_rss_kb, OOMSIFT_UNSET);
	oomsift_view_free(v);
}

/* ---- the largest tasks ---- */

static void test_top_tasks(void **state)
{
	oomsift_event *ev = host_event();
	oomsift_kill *k;
	oomsift_view *v;

	/* 14 rows: sizes 1..12 pages in a shuffled order, a tie, and one without a size */
	static const int64_t sizes[] = {5, 12, 1, 9, 3, 12, 7, 2, 11, 4, 10, 8, 6};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		add_task(ev, 100 + (int64_t)i, sizes[i], "worker");
	add_task(ev, 999, OOMSIFT_UNSET, "nosize");
	ev->victim_pid = 105; /* the second 12-page row */
	ev->trigger_pid = 108;
	ev->kills = calloc(2, sizeof(*ev->kills));
	ev->kills_cap = 2;
	ev->nkills = 2;
	k = &ev->kills[0];
	k->kind = OOMSIFT_KILL_VICTIM;
	k->pid = 105;
	k = &ev->kills[1];
	k->kind = OOMSIFT_KILL_VICTIM;
	k->pid = 103;
	k->oom_group = true;
	v = view_of(ev);
	assert_int_equal(v->ntop, OOMSIFT_VIEW_TOP_TASKS);
	/* 12 (row 1) before 12 (row 5): ties keep the table's order */
	assert_int_equal(v->top[0].task->pid, 101);
	assert_int_equal(v->top[1].task->pid, 105);
	assert_true(v->top[1].victim);
	assert_false(v->top[0].victim);
	for (size_t i = 1; i < v->ntop; i++)
		assert_true(v->top[i - 1].rss_kb >= v->top[i].rss_kb);
	assert_int_equal(v->top[9].rss_kb, 4 * 4);
	assert_int_equal(v->tasks_rss_kb,
	                 (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 12) * 4);
	assert_share(v->top[0].share, 48.0 / 1048576.0);
	assert_int_equal(v->top[0].swap_kb, OOMSIFT_UNSET);
	for (size_t i = 0; i < v->ntop; i++) {
		const oomsift_view_task *t = &v->top[i];
		assert_int_equal(t->trigger, t->task->pid == 108);
		assert_int_equal(t->killed, t->task->pid == 103);
	}
	oomsift_view_free(v);
}

/* Rows without a size come last, but come. */
static void test_top_tasks_without_sizes(void **state)
{
	oomsift_event *ev = oomsift_event_new();
	oomsift_view *v;

	add_task(ev, 1, OOMSIFT_UNSET, "a");
	add_task(ev, 2, 10, "b");
	add_task(ev, 3, OOMSIFT_UNSET, "c");
	v = view_of(ev);
	assert_int_equal(v->ntop, 3);
	assert_int_equal(v->top[0].task->pid, 2);
	assert_int_equal(v->top[1].task->pid, 1);
	assert_int_equal(v->top[2].task->pid, 3);
	assert_int_equal(v->top[1].rss_kb, OOMSIFT_UNSET);
	assert_true(isnan(v->top[1].share));
	assert_int_equal(v->tasks_rss_kb, 40);
	oomsift_view_free(v);
}

/* ---- what a cut report is missing ---- */

static void assert_missing(oomsift_view *v, const oomsift_view_part *want, size_t n)
{
	assert_int_equal(v->nmissing, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v->missing[i], want[i]);
}

static void test_missing_complete(void **state)
{
	oomsift_event *ev = host_event();
	oomsift_view *v;

	add_task(ev, 1, 10, "a");
	v = view_of(ev);
	assert_int_equal(v->nmissing, 0);
	assert_null(v->missing_why);
	oomsift_view_free(v);
}

/* A rate-limited kill: only the kill lines. */
static void test_missing_before_kill(void **state)
{
	oomsift_event *ev = oomsift_event_new();
	static const oomsift_view_part want[] = {OOMSIFT_PART_HEADER, OOMSIFT_PART_STACK,
	                                         OOMSIFT_PART_MEMINFO, OOMSIFT_PART_TASKS};
	oomsift_view *v;

	ev->has_kill = true;
	v = view_of(ev);
	assert_missing(v, want, 4);
	assert_non_null(strstr(v->missing_why, "10 times in 5 s"));
	oomsift_view_free(v);
}

/* A log that ends inside the report. */
static void test_missing_end(void **state)
{
	oomsift_event *ev = oomsift_event_new();
	static const oomsift_view_part want[] = {OOMSIFT_PART_MEMINFO, OOMSIFT_PART_TASKS,
	                                         OOMSIFT_PART_KILL};
	oomsift_view *v;

	ev->has_header = true;
	ev->kernel = oomsift_event_strdup(ev, "3.10.0", 6);
	v = view_of(ev);
	assert_missing(v, want, 3);
	assert_non_null(strstr(v->missing_why, "before the report does"));
	oomsift_view_free(v);
}

static void test_missing_task_table(void **state)
{
	oomsift_event *ev = host_event();
	static const oomsift_view_part want[] = {OOMSIFT_PART_TASKS};
	oomsift_view *v = view_of(ev);

	assert_missing(v, want, 1);
	assert_non_null(strstr(v->missing_why, "vm.oom_dump_tasks=0"));
	oomsift_view_free(v);
}

static void test_missing_cut_line(void **state)
{
	oomsift_event *ev = host_event();
	static const oomsift_view_part want[] = {OOMSIFT_PART_LINE};
	oomsift_view *v;

	add_task(ev, 1, 10, "a");
	ev->truncated = true;
	v = view_of(ev);
	assert_missing(v, want, 1);
	assert_non_null(strstr(v->missing_why, "line cap"));
	oomsift_view_free(v);
}

/* A panic or "no killable processes" ends a report as a kill does; the
 * user-space kinds are one line and never cut. */
static void test_missing_other_ends(void **state)
{
	oomsift_event *ev = host_event();
	oomsift_view *v;

	add_task(ev, 1, 10, "a");
	ev->has_kill = false;
	ev->no_killable = true;
	v = view_of(ev);
	assert_int_equal(v->nmissing, 0);
	oomsift_view_free(v);
	ev = oomsift_event_new();
	ev->kind = OOMSIFT_OOMD_KILL;
	v = view_of(ev);
	assert_int_equal(v->nmissing, 0);
	assert_null(v->missing_why);
	oomsift_view_free(v);
}

static void test_part_names(void **state)
{
	assert_string_equal(oomsift_view_part_name(OOMSIFT_PART_HEADER), "header");
	assert_string_equal(oomsift_view_part_name(OOMSIFT_PART_TASKS), "task_table");
	assert_string_equal(oomsift_view_part_name(OOMSIFT_PART_COUNT), "?");
	for (int p = 0; p < OOMSIFT_PART_COUNT; p++)
		assert_true(strlen(oomsift_view_part_text((oomsift_view_part)p)) > 10);
}

/* ---- views from a store ---- */

static oomsift_store *store_of(const char *rel, int year)
{
	oomsift_ingest_opts o = {.year = year};
	oomsift_classify_opts all = {.all = true};
	oomsift_store *s;
	oomsift_ingest *in;
	oomsift_rules *rs;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", OOMSIFT_TEST_DATA, rel);
	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(oomsift_ingest_new(&in, s, &o), 0);
	assert_int_equal(oomsift_ingest_path(in, path), 0);
	assert_int_equal(oomsift_ingest_finish(in), 0);
	oomsift_ingest_free(in);
	assert_int_equal(oomsift_rules_new(&rs), 0);
	assert_int_equal(oomsift_rules_load_builtin(rs), 0);
	assert_int_equal(oomsift_classify(s, rs, &all, NULL), 0);
	oomsift_rules_free(rs);
	return s;
}

typedef struct listed {
	oomsift_rule_subject subject[16];
	int64_t id[16];
	size_t n;
} listed;

static int collect(void *ctx, oomsift_rule_subject subject, int64_t id)
{
	listed *l = ctx;

	if (l->n >= 16)
		return OOMSIFT_ELIMIT;
	l->subject[l->n] = subject;
	l->id[l->n++] = id;
	return 0;
}

static void test_load_corpus_event(void **state)
{
	oomsift_store *s = store_of("corpus/archlinux_6.1.1.log", 0);
	listed l = {0};
	oomsift_view *v;

	assert_int_equal(oomsift_view_list(s, collect, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.subject[0], OOMSIFT_SUBJECT_EVENT);
	assert_int_equal(oomsift_view_load(s, OOMSIFT_SUBJECT_EVENT, l.id[0], true, &v), 0);
	assert_string_equal(v->event->host, "archlinux_6.1.1");
	assert_null(v->ts); /* bare kernel text: no wall time */
	assert_string_equal(v->cause, "single_hog");
	assert_true(v->ncauses >= 2);
	assert_string_equal(v->causes[0].cause, "single_hog");
	assert_true(v->causes[0].primary);
	assert_false(v->causes[1].primary);
	assert_non_null(v->causes[0].evidence);
	assert_int_equal(v->nsources, 1);
	assert_int_equal(v->sightings, 1);
	assert_non_null(strstr(v->sources[0].path, "corpus/archlinux_6.1.1.log"));
	assert_int_equal(v->sources[0].line, 1);
	assert_non_null(v->sources[0].first_ingested);
	assert_true(v->event->raw.len > 1000);
	/* the figures of the report: 4115400 pages RAM, doxygen the victim */
	assert_int_equal(v->memory.total_kb, 4115400LL * 4);
	assert_int_equal(share(v, "anon")->kb, (1413442LL + 1509191LL) * 4);
	assert_int_equal(v->ntop, 10);
	assert_string_equal(v->top[0].task->name, "doxygen");
	assert_true(v->top[0].victim && v->top[0].trigger);
	assert_int_equal(v->nmissing, 0);
	oomsift_view_free(v);
	oomsift_store_free(s);
}

static void test_load_not_found(void **state)
{
	oomsift_store *s = store_of("corpus/archlinux_6.1.1.log", 0);
	oomsift_view *v = NULL;

	assert_int_equal(oomsift_view_load(s, OOMSIFT_SUBJECT_EVENT, 99, false, &v),
	                 OOMSIFT_ENOTFOUND);
	assert_int_equal(oomsift_view_load(s, OOMSIFT_SUBJECT_MEMORY_EVENT, 1, false, &v),
	                 OOMSIFT_ENOTFOUND);
	assert_null(v);
	oomsift_store_free(s);
}

/* Seven memory events, listed in the order of their lines. */
static void test_load_memory_events(void **state)
{
	oomsift_store *s = store_of("userspace/memory_events.log", 2024);
	listed l = {0};
	oomsift_view *v;

	assert_int_equal(oomsift_view_list(s, collect, &l), 0);
	assert_int_equal(l.n, 7);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.subject[i], OOMSIFT_SUBJECT_MEMORY_EVENT);
	assert_int_equal(oomsift_view_load(s, OOMSIFT_SUBJECT_MEMORY_EVENT, l.id[1], false, &v), 0);
	assert_int_equal(v->memevent.kind, OOMSIFT_MEM_OVERCOMMIT_REFUSAL);
	assert_string_equal(v->memevent.comm, "stress-ng-vm");
	assert_string_equal(v->memevent.host, "db02");
	assert_non_null(v->ts);
	assert_string_equal(v->cause, "strict_overcommit");
	assert_true(v->ncauses >= 1 && v->causes[0].primary);
	assert_int_equal(v->nsources, 1);
	assert_int_equal(v->sources[0].line, 16);
	assert_null(v->event);
	oomsift_view_free(v);
	oomsift_store_free(s);
}

/* The reports of one file, in the order of the file. */
static void test_list_order(void **state)
{
	oomsift_store *s = store_of("behaviour/synthetic_two_reports_back_to_back.log", 2026);
	listed l = {0};
	int64_t last = 0;

	assert_int_equal(oomsift_view_list(s, collect, &l), 0);
	assert_int_equal(l.n, 3);
	for (size_t i = 0; i < l.n; i++) {
		oomsift_view *v;
		assert_int_equal(oomsift_view_load(s, l.subject[i], l.id[i], false, &v), 0);
		assert_true(v->sources[0].line > last);
		last = v->sources[0].line;
		oomsift_view_free(v);
	}
	oomsift_store_free(s);
}

static int stop_at_first(void *ctx, oomsift_rule_subject subject, int64_t id)
{
	return oomsift_error_set(OOMSIFT_EABORT, "stop");
}

static void test_list_stops(void **state)
{
	oomsift_store *s = store_of("userspace/memory_events.log", 2024);

	assert_int_equal(oomsift_view_list(s, stop_at_first, NULL), OOMSIFT_EABORT);
	oomsift_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_picture),
	    cmocka_unit_test(test_host_picture_without_ram),
	    cmocka_unit_test(test_cgroup_picture_v2),
	    cmocka_unit_test(test_cgroup_picture_v1),
	    cmocka_unit_test(test_cgroup_event_with_host_figures),
	    cmocka_unit_test(test_no_figures),
	    cmocka_unit_test(test_top_tasks),
	    cmocka_unit_test(test_top_tasks_without_sizes),
	    cmocka_unit_test(test_missing_complete),
	    cmocka_unit_test(test_missing_before_kill),
	    cmocka_unit_test(test_missing_end),
	    cmocka_unit_test(test_missing_task_table),
	    cmocka_unit_test(test_missing_cut_line),
	    cmocka_unit_test(test_missing_other_ends),
	    cmocka_unit_test(test_part_names),
	    cmocka_unit_test(test_load_corpus_event),
	    cmocka_unit_test(test_load_not_found),
	    cmocka_unit_test(test_load_memory_events),
	    cmocka_unit_test(test_list_order),
	    cmocka_unit_test(test_list_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
