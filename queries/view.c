/* The single-subject view of `oomsift show` and `oomsift explain` (view.h). */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/view.h"

#include "common/satmath.h"

/* Task-table sizes are pages; 4 KiB on x86-64 (docs/schema.md). */
#define PAGE_KB 4

int64_t oomsift_view_victim_rss_kb(const oomsift_event *ev)
{
	int64_t rss = ev->victim_anon_rss_kb;

	if (rss == OOMSIFT_UNSET)
		return ev->victim_vmrss_kb;
	if (ev->victim_file_rss_kb != OOMSIFT_UNSET)
		rss = sat_add(rss, ev->victim_file_rss_kb);
	if (ev->victim_shmem_rss_kb != OOMSIFT_UNSET)
		rss = sat_add(rss, ev->victim_shmem_rss_kb);
	return rss;
}

static void add_kb(int64_t *sum, int64_t kb)
{
	*sum = sat_add(*sum == OOMSIFT_UNSET ? 0 : *sum, kb);
}

/* A bag value in KiB, from its unit. */
static int64_t bag_kb(const oomsift_kv *kv)
{
	if (strcmp(kv->unit, "kB") == 0)
		return kv->value;
	if (strcmp(kv->unit, "bytes") == 0)
		return kv->value / 1024;
	return sat_mul(kv->value, PAGE_KB); /* pages */
}

static bool is_set(int64_t v)
{
	return v != OOMSIFT_UNSET;
}

/* ---- the memory picture ---- */

/* Mem-Info and memory.stat figures, summed from the event's bags (KiB). */
typedef struct mem_figures {
	int64_t anon, file, shmem, unevictable, slab, slab_unreclaimable, pagetables, kernel_stack,
	    zone_kernel_stack, hugepages, free, percpu, sock, vmalloc;
} mem_figures;

static void figures_unset(mem_figures *m)
{
	int64_t *f = &m->anon;

	for (size_t i = 0; i < sizeof(*m) / sizeof(int64_t); i++)
		f[i] = OOMSIFT_UNSET;
}

typedef struct key_map {
	const char *key;
	size_t offset;
} key_map;

#define K(k, f)                                                                                    \
	{                                                                                          \
		k, offsetof(mem_figures, f)                                                        \
	}
/* Mem-Info (show_mem's first lines). */
static const key_map meminfo_keys[] = {
    K("active_anon", anon),
    K("inactive_anon", anon),
    K("active_file", file),
    K("inactive_file", file),
    K("shmem", shmem),
    K("unevictable", unevictable),
    K("slab_reclaimable", slab),
    K("slab_unreclaimable", slab),
    K("pagetables", pagetables),
    K("sec_pagetables", pagetables),
    K("free", free),
};
/* memory.stat as the kernel prints it from 5.3 on (cgroup v2 names, for v1 too). */
static const key_map memstat_v2_keys[] = {
    K("anon", anon),
    K("file", file),
    K("shmem", shmem),
    K("unevictable", unevictable),
    K("slab_reclaimable", slab),
    K("slab_unreclaimable", slab),
    K("kernel_stack", kernel_stack),
    K("pagetables", pagetables),
    K("sec_pagetables", pagetables),
    K("percpu", percpu),
    K("sock", sock),
    K("vmalloc", vmalloc),
};
/* cgroup v1 statistics up to 5.2: rss is anonymous memory, cache the page
 * cache (tmpfs and shared memory included). */
static const key_map memstat_v1_keys[] = {
    K("rss", anon),
    K("cache", file),
    K("shmem", shmem),
    K("unevictable", unevictable),
};
#undef K

static void add_key(mem_figures *m, const key_map *map, size_t n, const oomsift_kv *kv)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv->key, map[i].key) == 0)
			add_kb((int64_t *)((char *)m + map[i].offset), bag_kb(kv));
	if (strcmp(kv->key, "slab_unreclaimable") == 0)
		add_kb(&m->slab_unreclaimable, bag_kb(kv));
}

static bool is_memstat(const oomsift_kv *kv)
{
	return strncmp(kv->section, "memcg_stat", 10) == 0;
}

/* The host's Mem-Info, its kernel stacks (per node from 4.8 on, per zone
 * before) and its huge pages. */
static bool host_figures(const oomsift_event *ev, mem_figures *m)
{
	bool seen = false;
	unsigned long long size_kb;

	figures_unset(m);
	for (size_t i = 0; i < ev->nkvs; i++) {
		const oomsift_kv *kv = &ev->kvs[i];
		if (kv->value == OOMSIFT_UNSET)
			continue;
		if (strcmp(kv->section, "meminfo") == 0) {
			add_key(m, meminfo_keys, sizeof(meminfo_keys) / sizeof(meminfo_keys[0]),
			        kv);
			seen = true;
		} else if (strncmp(kv->section, "node ", 5) == 0 &&
		           strcmp(kv->key, "kernel_stack") == 0) {
			add_kb(&m->kernel_stack, bag_kb(kv));
		} else if (strncmp(kv->section, "zone ", 5) == 0 &&
		           strcmp(kv->key, "kernel_stack") == 0) {
			add_kb(&m->zone_kernel_stack, bag_kb(kv));
		} else if (sscanf(kv->section, "hugepages node %*d size %llukB", &size_kb) == 1 &&
		           strcmp(kv->key, "total") == 0) {
			add_kb(&m->hugepages, sat_mul(kv->value, (int64_t)size_kb));
		}
	}
	if (!is_set(m->kernel_stack))
		m->kernel_stack = m->zone_kernel_stack;
	return seen;
}

/* The cgroup's statistics: cgroup v1 before 5.3 prints one block per cgroup
 * of the subtree, each with its own pages, so the blocks add up. */
static bool cgroup_figures(const oomsift_event *ev, mem_figures *m)
{
	bool seen = false, v1 = false;

	figures_unset(m);
	for (size_t i = 0; i < ev->nkvs; i++)
		if (is_memstat(&ev->kvs[i]) && strcmp(ev->kvs[i].key, "rss") == 0)
			v1 = true;
	for (size_t i = 0; i < ev->nkvs; i++) {
		const oomsift_kv *kv = &ev->kvs[i];
		if (!is_memstat(kv) || kv->value == OOMSIFT_UNSET)
			continue;
		seen = true;
		if (v1)
			add_key(m, memstat_v1_keys,
			        sizeof(memstat_v1_keys) / sizeof(memstat_v1_keys[0]), kv);
		else
			add_key(m, memstat_v2_keys,
			        sizeof(memstat_v2_keys) / sizeof(memstat_v2_keys[0]), kv);
	}
	return seen;
}

static void put_share(oomsift_view_memory *mem, const char *name, const char *note, int64_t kb,
                      bool part)
{
	oomsift_view_share *s;

	if (!is_set(kb) || mem->nshares >= OOMSIFT_VIEW_MAX_SHARES)
		return;
	s = &mem->shares[mem->nshares++];
	s->name = name;
	s->note = note;
	s->kb = kb;
	s->part = part;
	s->share =
	    is_set(mem->total_kb) && mem->total_kb > 0 ? (double)kb / (double)mem->total_kb : NAN;
}

/* Sum of the rows that are not parts; OOMSIFT_UNSET when there are none. */
static int64_t rows_sum(const oomsift_view_memory *mem)
{
	int64_t sum = OOMSIFT_UNSET;

	for (size_t i = 0; i < mem->nshares; i++)
		if (!mem->shares[i].part)
			add_kb(&sum, mem->shares[i].kb);
	return sum;
}

/* A figure only when it is not zero (rare kinds of memory). */
static int64_t nonzero(int64_t kb)
{
	return kb == 0 ? OOMSIFT_UNSET : kb;
}

static void host_picture(const oomsift_event *ev, const mem_figures *m, oomsift_view_memory *mem)
{
	int64_t sum;

	mem->scope = OOMSIFT_VIEW_SCOPE_HOST;
	mem->section = "Mem-Info";
	mem->total_name = "RAM";
	mem->total_kb = is_set(ev->ram_pages) ? sat_mul(ev->ram_pages, PAGE_KB) : OOMSIFT_UNSET;
	put_share(mem, "anon", "process memory (anon lists)", m->anon, false);
	put_share(mem, "shmem", "tmpfs, shared memory; in anon", m->shmem, true);
	put_share(mem, "file", "page cache (file lists)", m->file, false);
	put_share(mem, "unevictable", "mlocked, ramfs", m->unevictable, false);
	put_share(mem, "slab", "kernel object caches", m->slab, false);
	put_share(mem, "slab unreclaimable", NULL, m->slab_unreclaimable, true);
	put_share(mem, "page tables", NULL, m->pagetables, false);
	put_share(mem, "kernel stacks", NULL, m->kernel_stack, false);
	put_share(mem, "huge pages", "the hugetlbfs pool", nonzero(m->hugepages), false);
	put_share(mem, "reserved", "kernel image, memmap, firmware",
	          is_set(ev->reserved_pages) ? sat_mul(ev->reserved_pages, PAGE_KB) : OOMSIFT_UNSET,
	          false);
	put_share(mem, "free", NULL, m->free, false);
	/* What the counters leave out, only when the main ones were all printed. */
	sum = rows_sum(mem);
	if (is_set(mem->total_kb) && is_set(m->anon) && is_set(m->file) && is_set(m->slab) &&
	    is_set(m->free) && mem->total_kb > sum)
		put_share(mem, "other", "none of the above: drivers, etc.",
		          sat_sub(mem->total_kb, sum), false);
}

static void cgroup_picture(const oomsift_event *ev, const mem_figures *m, oomsift_view_memory *mem)
{
	int64_t limit = ev->memcg_mem.limit_kb, usage = ev->memcg_mem.usage_kb, sum;
	bool has_limit = is_set(limit) && limit < OOMSIFT_VIEW_NO_LIMIT_KB;

	mem->scope = OOMSIFT_VIEW_SCOPE_CGROUP;
	mem->section = "memory.stat";
	mem->total_name = has_limit ? "limit" : is_set(usage) ? "usage" : NULL;
	mem->total_kb = has_limit ? limit : usage;
	put_share(mem, "anon", "process memory", m->anon, false);
	put_share(mem, "file", "page cache, tmpfs, shared memory", m->file, false);
	put_share(mem, "shmem", "tmpfs, shared memory; in file", m->shmem, true);
	put_share(mem, "slab", "kernel object caches", m->slab, false);
	put_share(mem, "slab unreclaimable", NULL, m->slab_unreclaimable, true);
	put_share(mem, "kernel stacks", NULL, m->kernel_stack, false);
	put_share(mem, "page tables", NULL, m->pagetables, false);
	put_share(mem, "percpu", NULL, nonzero(m->percpu), false);
	put_share(mem, "sock", "network buffers", nonzero(m->sock), false);
	put_share(mem, "vmalloc", NULL, nonzero(m->vmalloc), false);
	sum = rows_sum(mem);
	if (is_set(usage) && is_set(sum) && usage > sum)
		put_share(mem, "other", "charged, in no statistic above", sat_sub(usage, sum),
		          false);
	if (has_limit && is_set(usage) && limit > usage)
		put_share(mem, "unused", "limit - usage", sat_sub(limit, usage), false);
}

/* The cgroup's own statistics when a memory cgroup hit its limit and the
 * kernel printed them; else the host's Mem-Info (which 2.6.32 prints for a
 * cgroup too). */
static void memory_picture(const oomsift_event *ev, oomsift_view_memory *mem)
{
	mem_figures m;

	memset(mem, 0, sizeof(*mem));
	mem->total_kb = OOMSIFT_UNSET;
	if (ev->kind == OOMSIFT_MEMCG_OOM && cgroup_figures(ev, &m))
		cgroup_picture(ev, &m, mem);
	else if (host_figures(ev, &m))
		host_picture(ev, &m, mem);
}

/* ---- the largest tasks ---- */

/* Ranked by RSS, ties by row (the lower first), rows without a size last:
 * as the classifier ranks them (docs/schema.md). */
static bool ranks_before(const oomsift_task *a, size_t ia, const oomsift_task *b, size_t ib)
{
	if (is_set(a->rss) != is_set(b->rss))
		return is_set(a->rss);
	if (is_set(a->rss) && a->rss != b->rss)
		return a->rss > b->rss;
	return ia < ib;
}

static bool was_killed(const oomsift_event *ev, int64_t pid)
{
	for (size_t i = 0; i < ev->nkills; i++)
		if ((ev->kills[i].kind == OOMSIFT_KILL_VICTIM ||
		     ev->kills[i].kind == OOMSIFT_KILL_SHARED_MM) &&
		    ev->kills[i].pid == pid)
			return true;
	return false;
}

static void top_tasks(oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	size_t rows[OOMSIFT_VIEW_TOP_TASKS], n = 0;

	v->tasks_rss_kb = ev->has_task_table ? 0 : OOMSIFT_UNSET;
	/* One pass, keeping the best OOMSIFT_VIEW_TOP_TASKS rows in order. */
	for (size_t i = 0; i < ev->ntasks; i++) {
		size_t at = n;
		if (is_set(ev->tasks[i].rss))
			v->tasks_rss_kb =
			    sat_add(v->tasks_rss_kb, sat_mul(ev->tasks[i].rss, PAGE_KB));
		while (at > 0 &&
		       ranks_before(&ev->tasks[i], i, &ev->tasks[rows[at - 1]], rows[at - 1]))
			at--;
		if (at >= OOMSIFT_VIEW_TOP_TASKS)
			continue;
		if (n < OOMSIFT_VIEW_TOP_TASKS)
			n++;
		memmove(&rows[at + 1], &rows[at], (n - 1 - at) * sizeof(rows[0]));
		rows[at] = i;
	}
	for (size_t i = 0; i < n; i++) {
		const oomsift_task *t = &ev->tasks[rows[i]];
		oomsift_view_task *vt = &v->top[i];
		vt->task = t;
		vt->rss_kb = is_set(t->rss) ? sat_mul(t->rss, PAGE_KB) : OOMSIFT_UNSET;
		vt->swap_kb = is_set(t->swapents) ? sat_mul(t->swapents, PAGE_KB) : OOMSIFT_UNSET;
		vt->share =
		    is_set(vt->rss_kb) && is_set(v->memory.total_kb) && v->memory.total_kb > 0
		        ? (double)vt->rss_kb / (double)v->memory.total_kb
		        : NAN;
		vt->victim = is_set(t->pid) && t->pid == ev->victim_pid;
		vt->killed = !vt->victim && is_set(t->pid) && was_killed(ev, t->pid);
		vt->trigger = is_set(t->pid) && t->pid == ev->trigger_pid;
	}
	v->ntop = n;
}

/* ---- what a cut report is missing ---- */

static const char *const part_names[OOMSIFT_PART_COUNT] = {
    "header", "stack", "meminfo", "task_table", "kill", "line",
};
static const char *const part_texts[OOMSIFT_PART_COUNT] = {
    "the header (' invoked oom-killer:': the trigger and its allocation)",
    "the stack header ('CPU: ... Comm: ...': the kernel release)",
    "the memory figures (Mem-Info, or the cgroup's memory statistics)",
    "the task table (the candidates and their sizes)",
    "the kill line ('Killed process ...': the victim and its size)",
    "a line of the report was cut short",
};

const char *oomsift_view_part_name(oomsift_view_part part)
{
	return part < OOMSIFT_PART_COUNT ? part_names[part] : "?";
}

const char *oomsift_view_part_text(oomsift_view_part part)
{
	return part < OOMSIFT_PART_COUNT ? part_texts[part] : "?";
}

static bool has_memory_figures(const oomsift_event *ev)
{
	for (size_t i = 0; i < ev->nkvs; i++)
		if (strcmp(ev->kvs[i].section, "meminfo") == 0 || is_memstat(&ev->kvs[i]))
			return true;
	return false;
}

static void add_missing(oomsift_view *v, oomsift_view_part part)
{
	if (v->nmissing < OOMSIFT_VIEW_MAX_MISSING)
		v->missing[v->nmissing++] = part;
}

static void missing_parts(oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	bool ended = ev->has_kill || ev->no_killable || ev->panic;

	/* The user-space kinds are one line each: nothing to be cut. */
	if (ev->kind != OOMSIFT_KERNEL_OOM && ev->kind != OOMSIFT_MEMCG_OOM)
		return;
	if (!ev->has_header)
		add_missing(v, OOMSIFT_PART_HEADER);
	if (!ev->kernel)
		add_missing(v, OOMSIFT_PART_STACK);
	if (!has_memory_figures(ev))
		add_missing(v, OOMSIFT_PART_MEMINFO);
	if (!ev->has_task_table)
		add_missing(v, OOMSIFT_PART_TASKS);
	if (!ended)
		add_missing(v, OOMSIFT_PART_KILL);
	if (ev->truncated)
		add_missing(v, OOMSIFT_PART_LINE);
	if (!ev->has_header && ended)
		/* oom_kill_process(): dump_header() is under __ratelimit(&oom_rs) */
		v->missing_why = "the kernel prints the report before the kill at most 10 times in "
		                 "5 s (the kill line always), or the log was cut before it.";
	else if (!ended)
		v->missing_why = "the log ends, or was cut, before the report does.";
	else if (ev->truncated)
		v->missing_why =
		    "a line was longer than the line cap, or ellipsized by journalctl.";
	else if (v->nmissing == 1 && v->missing[0] == OOMSIFT_PART_TASKS)
		v->missing_why = "vm.oom_dump_tasks=0 turns the task table off, or the log was "
		                 "filtered.";
	else if (v->nmissing)
		v->missing_why = "the log was filtered or cut.";
}

/* ---- building a view ---- */

static oomsift_view *view_new(oomsift_rule_subject subject, int64_t id)
{
	oomsift_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->subject = subject;
	v->id = id;
	v->sightings = OOMSIFT_UNSET;
	v->tasks_rss_kb = OOMSIFT_UNSET;
	v->memory.total_kb = OOMSIFT_UNSET;
	return v;
}

int oomsift_view_from_event(oomsift_event *ev, oomsift_view **out)
{
	oomsift_view *v = view_new(OOMSIFT_SUBJECT_EVENT, 0);

	if (!v) {
		oomsift_event_free(ev);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	v->event = ev;
	memory_picture(ev, &v->memory);
	top_tasks(v);
	missing_parts(v);
	*out = v;
	return 0;
}

void oomsift_view_free(oomsift_view *v)
{
	if (!v)
		return;
	oomsift_event_free(v->event);
	free(v->causes);
	free(v->sources);
	oomsift_arena_free(&v->arena);
	free(v);
}

/* A copy in the view's arena; NULL stays NULL. */
static int dup_text(oomsift_view *v, const char **dst, const unsigned char *src)
{
	if (!src) {
		*dst = NULL;
		return 0;
	}
	*dst = oomsift_arena_strndup(&v->arena, (const char *)src, strlen((const char *)src));
	return *dst ? 0 : oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

static int add_cause(void *ctx, const oomsift_classification *c)
{
	oomsift_view *v = ctx;
	oomsift_view_cause *vc;
	size_t cap = v->ncauses;
	int rc;

	if (v->ncauses >= OOMSIFT_VIEW_MAX_CAUSES) {
		v->causes_dropped++;
		return 0;
	}
	if ((rc = oomsift_vec_reserve((void **)&v->causes, &cap, sizeof(*vc), v->ncauses + 1,
	                              OOMSIFT_VIEW_MAX_CAUSES)) < 0)
		return rc;
	vc = &v->causes[v->ncauses];
	memset(vc, 0, sizeof(*vc));
	if ((rc = dup_text(v, &vc->rule_id, (const unsigned char *)c->rule_id)) < 0 ||
	    (rc = dup_text(v, &vc->cause, (const unsigned char *)c->cause)) < 0 ||
	    (rc = dup_text(v, &vc->severity, (const unsigned char *)c->severity)) < 0 ||
	    (rc = dup_text(v, &vc->evidence, (const unsigned char *)c->evidence)) < 0 ||
	    (rc = dup_text(v, &vc->advice, (const unsigned char *)c->advice)) < 0)
		return rc;
	vc->priority = c->priority;
	vc->primary = c->primary;
	v->ncauses++;
	return 0;
}

static int prepare(sqlite3 *db, const char *sql, int64_t id, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot read the store: %s",
		                         sqlite3_errmsg(db));
	sqlite3_bind_int64(*st, 1, id);
	return 0;
}

static const char sources_sql[] =
    "SELECT path, member, wrapper, first_ingested, last_ingested, line FROM event_sources "
    "WHERE event_id = ?1 ORDER BY first_ingested, source_id, line";

static int add_source(oomsift_view *v, sqlite3_stmt *st)
{
	oomsift_view_source *src;
	size_t cap = v->nsources;
	int rc;

	if (v->nsources >= OOMSIFT_VIEW_MAX_SOURCES) {
		v->sources_dropped++;
		return 0;
	}
	if ((rc = oomsift_vec_reserve((void **)&v->sources, &cap, sizeof(*src), v->nsources + 1,
	                              OOMSIFT_VIEW_MAX_SOURCES)) < 0)
		return rc;
	src = &v->sources[v->nsources];
	if ((rc = dup_text(v, &src->path, sqlite3_column_text(st, 0))) < 0 ||
	    (rc = dup_text(v, &src->member, sqlite3_column_text(st, 1))) < 0 ||
	    (rc = dup_text(v, &src->wrapper, sqlite3_column_text(st, 2))) < 0 ||
	    (rc = dup_text(v, &src->first_ingested, sqlite3_column_text(st, 3))) < 0 ||
	    (rc = dup_text(v, &src->last_ingested, sqlite3_column_text(st, 4))) < 0)
		return rc;
	src->line = sqlite3_column_int64(st, 5);
	v->nsources++;
	return 0;
}

static int load_sources(sqlite3 *db, oomsift_view *v)
{
	sqlite3_stmt *st;
	int rc, step = SQLITE_DONE;

	if ((rc = prepare(db, sources_sql, v->id, &st)) < 0)
		return rc;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_source(v, st);
	if (rc == 0 && step != SQLITE_DONE)
		rc = oomsift_error_set(OOMSIFT_ESTORE, "cannot read the sources of event %lld: %s",
		                       (long long)v->id, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/* The columns of an event that oomsift_store_load_event() leaves out. */
static int load_event_extra(sqlite3 *db, oomsift_view *v)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(db, "SELECT ts, cause, sightings FROM oom_events WHERE id = ?1", v->id,
	                  &st)) < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if ((rc = dup_text(v, &v->ts, sqlite3_column_text(st, 0))) == 0)
			rc = dup_text(v, &v->cause, sqlite3_column_text(st, 1));
		v->sightings = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc;
}

static int load_event(oomsift_store *s, int64_t id, bool want_raw, oomsift_view **out)
{
	sqlite3 *db = oomsift_store_db(s);
	oomsift_event *ev;
	oomsift_view *v;
	int rc;

	if ((rc = oomsift_store_load_event(s, id, want_raw, &ev)) < 0)
		return rc;
	if ((rc = oomsift_view_from_event(ev, &v)) < 0)
		return rc;
	v->id = id;
	if ((rc = load_event_extra(db, v)) < 0 ||
	    (rc = oomsift_classification_list(s, OOMSIFT_SUBJECT_EVENT, id, add_cause, v)) < 0 ||
	    (rc = load_sources(db, v)) < 0) {
		oomsift_view_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

static void copy_text(char *dst, size_t size, const unsigned char *src)
{
	snprintf(dst, size, "%s", src ? (const char *)src : "");
}

static int64_t col_i64(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? OOMSIFT_UNSET
	                                                 : sqlite3_column_int64(st, c);
}

static const char memevent_sql[] =
    "SELECT kind, host, ts, ts_unix, uptime_s, pid, comm, alloc_order, bytes, gfp_mask, "
    "gfp_flags, message, source, line, cause FROM memory_events WHERE id = ?1";

/* One row of memory_events into v->memevent, and its one source. */
static int memevent_row(oomsift_view *v, sqlite3_stmt *st)
{
	oomsift_memevent *me = &v->memevent;
	oomsift_view_source *src;
	int rc;

	for (int k = 0; k < OOMSIFT_MEMEVENT_KIND_COUNT; k++)
		if (strcmp((const char *)sqlite3_column_text(st, 0),
		           oomsift_memevent_kind_name((oomsift_memevent_kind)k)) == 0)
			me->kind = (oomsift_memevent_kind)k;
	if ((rc = dup_text(v, &me->host, sqlite3_column_text(st, 1))) < 0 ||
	    (rc = dup_text(v, &v->ts, sqlite3_column_text(st, 2))) < 0 ||
	    (rc = dup_text(v, &me->source, sqlite3_column_text(st, 12))) < 0 ||
	    (rc = dup_text(v, &v->cause, sqlite3_column_text(st, 14))) < 0)
		return rc;
	me->has_ts = sqlite3_column_type(st, 3) != SQLITE_NULL;
	me->ts_unix = sqlite3_column_double(st, 3);
	me->has_uptime = sqlite3_column_type(st, 4) != SQLITE_NULL;
	me->uptime_s = sqlite3_column_double(st, 4);
	me->pid = col_i64(st, 5);
	copy_text(me->comm, sizeof(me->comm), sqlite3_column_text(st, 6));
	me->alloc_order = col_i64(st, 7);
	me->bytes = col_i64(st, 8);
	copy_text(me->gfp_mask, sizeof(me->gfp_mask), sqlite3_column_text(st, 9));
	copy_text(me->gfp_flags, sizeof(me->gfp_flags), sqlite3_column_text(st, 10));
	copy_text(me->message, sizeof(me->message), sqlite3_column_text(st, 11));
	me->line = (uint64_t)sqlite3_column_int64(st, 13);
	if (!(v->sources = calloc(1, sizeof(*v->sources))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	src = &v->sources[0];
	src->path = me->source;
	src->line = (int64_t)me->line;
	v->nsources = 1;
	v->sightings = 1;
	return 0;
}

static int load_memevent(oomsift_store *s, int64_t id, oomsift_view **out)
{
	sqlite3 *db = oomsift_store_db(s);
	oomsift_view *v = view_new(OOMSIFT_SUBJECT_MEMORY_EVENT, id);
	sqlite3_stmt *st = NULL;
	int rc, step;

	if (!v)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = prepare(db, memevent_sql, id, &st)) < 0)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = memevent_row(v, st);
	else if (step == SQLITE_DONE)
		rc = oomsift_error_set(OOMSIFT_ENOTFOUND, "no memory event %lld", (long long)id);
	else
		rc = oomsift_error_set(OOMSIFT_ESTORE, "cannot read memory event %lld: %s",
		                       (long long)id, sqlite3_errmsg(db));
	if (rc == 0)
		rc = oomsift_classification_list(s, OOMSIFT_SUBJECT_MEMORY_EVENT, id, add_cause, v);
out:
	sqlite3_finalize(st);
	if (rc < 0) {
		oomsift_view_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int oomsift_view_load(oomsift_store *s, oomsift_rule_subject subject, int64_t id, bool want_raw,
                      oomsift_view **out)
{
	if (subject == OOMSIFT_SUBJECT_MEMORY_EVENT)
		return load_memevent(s, id, out);
	return load_event(s, id, want_raw, out);
}

/* Reading order: the file, the archive member, the line. */
static const char list_sql[] =
    "SELECT 0 AS subject, id, source, coalesce(source_member, '') AS member, line "
    "FROM oom_events UNION ALL "
    "SELECT 1, id, source, '', line FROM memory_events ORDER BY 3, 4, 5, 1, 2";

int oomsift_view_list(oomsift_store *s, oomsift_view_subject_cb cb, void *ctx)
{
	sqlite3 *db = oomsift_store_db(s);
	sqlite3_stmt *st;
	int rc = 0, step = SQLITE_DONE;

	if (sqlite3_prepare_v2(db, list_sql, -1, &st, NULL) != SQLITE_OK)
		return oomsift_error_set(OOMSIFT_ESTORE, "cannot list the events: %s",
		                         sqlite3_errmsg(db));
	while (rc >= 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx,
		        sqlite3_column_int(st, 0) ? OOMSIFT_SUBJECT_MEMORY_EVENT
		                                  : OOMSIFT_SUBJECT_EVENT,
		        sqlite3_column_int64(st, 1));
	if (rc >= 0 && step != SQLITE_DONE)
		rc = oomsift_error_set(OOMSIFT_ESTORE, "cannot list the events: %s",
		                       sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}
