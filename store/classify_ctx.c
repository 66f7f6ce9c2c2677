/*
 * What rules read about one subject (an OOM event or a memory event): the
 * columns of its view row, the derived fields of FIELDS.md computed from its
 * task table and memory bags, host facts, and the history and trend of its
 * host. Every query binds its values; the only names pasted into SQL are
 * column names SQLite itself reported for the views (classifier_init).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "common/hash.h"
#include "common/satmath.h"
#include "store/classify_internal.h"
#include "store/internal.h"

#define PAGE_KB 4

static const char sql_event_row[] = "SELECT * FROM oom_events WHERE id = ?1";
static const char sql_memevent_row[] = "SELECT * FROM memory_events WHERE id = ?1";
/* The task table in its printed order; the rank of FIELDS.md (by size, ties:
 * the lower row first, rows without a size last) is computed in load_tasks,
 * which is much cheaper than a window function per event. */
static const char sql_tasks[] =
    "SELECT pid, name, rss_pages, oom_score_adj, row FROM oom_tasks WHERE event_id = ?1 "
    "ORDER BY row";
static const char sql_top_name[] =
    "SELECT name, count(*), sum(rss_pages) FROM oom_tasks WHERE event_id = ?1 "
    "AND name IS NOT NULL GROUP BY name ORDER BY sum(rss_pages) DESC, min(row) LIMIT 1";
/* The names of Mem-Info values that the meminfo.* fields read; their values
 * come from store_meminfo_each, which reads each event's row in C. */
static const char sql_mi_names[] =
    "SELECT id, key, unit FROM meminfo_name WHERE id > ?1 ORDER BY id";
/* The latest collection at or before ?3, else the earliest after it; with
 * no time (?3 NULL), the latest. */
static const char sql_fact[] =
    "SELECT value FROM host_facts WHERE host = ?1 AND key = ?2 ORDER BY "
    "(?3 IS NOT NULL AND unixepoch(collected_at) > ?3), "
    "CASE WHEN ?3 IS NOT NULL AND unixepoch(collected_at) > ?3 THEN collected_at END, "
    "collected_at DESC LIMIT 1";

enum group {
	G_ROW = 1u << 0,
	G_TASKS = 1u << 1,
	G_TOP = 1u << 2,
	G_MEM = 1u << 3,
	G_MEM_SHARE = 1u << 4,
	G_MEMINFO = 1u << 5,
};

static const struct {
	const char *name;
	enum derived_field id;
	unsigned group;
} derived_fields[] = {
    {"tasks.count", D_TASKS_COUNT, G_TASKS},
    {"tasks.rss_kb", D_TASKS_RSS_KB, G_TASKS},
    {"largest.name", D_LARGEST_NAME, G_TASKS},
    {"largest.pid", D_LARGEST_PID, G_TASKS},
    {"largest.rss_kb", D_LARGEST_RSS_KB, G_TASKS},
    {"largest.oom_score_adj", D_LARGEST_ADJ, G_TASKS},
    {"largest.share", D_LARGEST_SHARE, G_TASKS},
    {"largest.is_victim", D_LARGEST_IS_VICTIM, G_TASKS},
    {"largest.limit_share", D_LARGEST_LIMIT_SHARE, G_MEM_SHARE},
    {"victim.rank", D_VICTIM_RANK, G_TASKS},
    {"victim.task_rss_kb", D_VICTIM_TASK_RSS_KB, G_TASKS},
    {"top_name.name", D_TOP_NAME, G_TOP},
    {"top_name.count", D_TOP_COUNT, G_TOP},
    {"top_name.rss_kb", D_TOP_RSS_KB, G_TOP},
    {"top_name.share", D_TOP_SHARE, G_TOP},
    {"top_name.limit_share", D_TOP_LIMIT_SHARE, G_TOP},
    {"mem.total_kb", D_MEM_TOTAL_KB, G_MEM},
    {"mem.limit_kb", D_MEM_LIMIT_KB, G_MEM},
    {"mem.tasks_share", D_MEM_TASKS_SHARE, G_MEM_SHARE},
    {"meminfo.free_kb", D_MI_FREE_KB, G_MEMINFO},
    {"meminfo.shmem_kb", D_MI_SHMEM_KB, G_MEMINFO},
    {"meminfo.slab_unreclaimable_kb", D_MI_SLAB_UNRECLAIMABLE_KB, G_MEMINFO},
    {"meminfo.slab_reclaimable_kb", D_MI_SLAB_RECLAIMABLE_KB, G_MEMINFO},
    {"meminfo.pagetables_kb", D_MI_PAGETABLES_KB, G_MEMINFO},
    {"meminfo.anon_kb", D_MI_ANON_KB, G_MEMINFO},
    {"meminfo.file_kb", D_MI_FILE_KB, G_MEMINFO},
    {"meminfo.kernel_stack_kb", D_MI_KERNEL_STACK_KB, G_MEMINFO},
    {"meminfo.hugepages_kb", D_MI_HUGEPAGES_KB, G_MEMINFO},
    {"share.shmem", D_SHARE_SHMEM, G_MEMINFO},
    {"share.slab_unreclaimable", D_SHARE_SLAB_UNRECLAIMABLE, G_MEMINFO},
    {"share.hugepages", D_SHARE_HUGEPAGES, G_MEMINFO},
    {"share.kernel", D_SHARE_KERNEL, G_MEMINFO},
    {"swap.used_share", D_SWAP_USED_SHARE, G_MEM},
    {"memcg.usage_share", D_MEMCG_USAGE_SHARE, G_MEM},
    {"memcg.suggest_kb", D_MEMCG_SUGGEST_KB, G_MEM},
};
#define NDERIVED_FIELDS (sizeof(derived_fields) / sizeof(derived_fields[0]))

const char *classify_subject_view(oomsift_rule_subject kind)
{
	return kind == OOMSIFT_SUBJECT_MEMORY_EVENT ? "memory_events" : "oom_events";
}

const char *classify_subject_name(oomsift_rule_subject kind)
{
	return kind == OOMSIFT_SUBJECT_MEMORY_EVENT ? "memory_event" : "event";
}

static const char *row_sql(oomsift_rule_subject kind)
{
	return kind == OOMSIFT_SUBJECT_MEMORY_EVENT ? sql_memevent_row : sql_event_row;
}

/* ---- values ---- */

static oomsift_value v_int(int64_t i)
{
	return (oomsift_value){.type = OOMSIFT_VALUE_INT, .i = i};
}

static oomsift_value v_real(double d)
{
	return (oomsift_value){.type = OOMSIFT_VALUE_REAL, .d = d};
}

static const oomsift_value v_null = {.type = OOMSIFT_VALUE_NULL};

/* num / den, NULL when either is missing or den is 0. */
static oomsift_value v_ratio(oomsift_value num, oomsift_value den)
{
	if (num.type != OOMSIFT_VALUE_INT || den.type != OOMSIFT_VALUE_INT || den.i == 0)
		return v_null;
	return v_real((double)num.i / (double)den.i);
}

int classify_strndup(subject_ctx *x, const char *s, size_t n, const char **out)
{
	if (x->arena.total + n + 1 > CLASSIFY_ARENA_MAX)
		return oomsift_error_set(
		    OOMSIFT_ELIMIT, "%s %lld: more than %u bytes of text to classify",
		    classify_subject_name(x->kind), (long long)x->id, CLASSIFY_ARENA_MAX);
	if (!(*out = oomsift_arena_strndup(&x->arena, s, n)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return 0;
}

/* A text value copied into the subject's arena. */
static int text_value(subject_ctx *x, const char *s, size_t n, oomsift_value *out)
{
	int rc;

	*out = v_null;
	if ((rc = classify_strndup(x, s ? s : "", s ? n : 0, &out->s)) < 0)
		return rc;
	out->type = OOMSIFT_VALUE_TEXT;
	out->len = s ? n : 0;
	return 0;
}

/* A column of the current row of st as a value; text is copied. */
static int column_value(subject_ctx *x, sqlite3_stmt *st, int col, oomsift_value *out)
{
	*out = v_null;
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		*out = v_int(sqlite3_column_int64(st, col));
		return 0;
	case SQLITE_FLOAT:
		*out = v_real(sqlite3_column_double(st, col));
		return 0;
	case SQLITE_TEXT:
		return text_value(x, (const char *)sqlite3_column_text(st, col),
		                  (size_t)sqlite3_column_bytes(st, col), out);
	case SQLITE_BLOB: {
		int rc = text_value(x, sqlite3_column_blob(st, col),
		                    (size_t)sqlite3_column_bytes(st, col), out);
		out->type = rc == 0 ? OOMSIFT_VALUE_BLOB : OOMSIFT_VALUE_NULL;
		return rc;
	}
	default:
		return 0;
	}
}

/* ---- the classifier: the views' columns, cached statements ---- */

static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static uint64_t name_hash(const char *s, size_t len)
{
	return oomsift_fnv1a(s, len);
}

/* The slot of a field name: its own, or the empty one it would take (the
 * table is never more than half full). */
static size_t field_slot_index(const view_cols *vc, const char *name)
{
	size_t i = name_hash(name, strlen(name)) & (CLASSIFY_FIELD_SLOTS - 1);

	while (vc->fields[i].name && strcmp(vc->fields[i].name, name) != 0)
		i = (i + 1) & (CLASSIFY_FIELD_SLOTS - 1);
	return i;
}

static const field_slot *field_find(const view_cols *vc, const char *name)
{
	const field_slot *f = &vc->fields[field_slot_index(vc, name)];

	return f->name ? f : NULL;
}

/* Adds a name to the table (its first column, or its derived field). */
static void field_add(view_cols *vc, const char *name, int derived, int col)
{
	field_slot *f = &vc->fields[field_slot_index(vc, name)];

	if (!f->name)
		*f = (field_slot){.name = name, .derived = -1, .col = -1};
	if (derived >= 0 && f->derived < 0)
		f->derived = derived;
	if (col >= 0 && f->col < 0)
		f->col = col;
}

/* The table of a view's field names: its columns, and for OOM events the
 * derived fields (which come first where a name is both). */
static void index_fields(view_cols *vc, oomsift_rule_subject kind)
{
	for (size_t i = 0; i < vc->n; i++)
		field_add(vc, vc->names[i], -1, (int)i);
	if (kind == OOMSIFT_SUBJECT_EVENT)
		for (size_t i = 0; i < NDERIVED_FIELDS; i++)
			field_add(vc, derived_fields[i].name, (int)i, -1);
}

static int read_columns(classifier *c, oomsift_rule_subject kind)
{
	sqlite3_stmt *st = store_stmt(c->s, row_sql(kind));
	view_cols *vc = &c->cols[kind];
	int n;

	if (!st)
		return OOMSIFT_ESTORE;
	vc->view = classify_subject_view(kind);
	n = sqlite3_column_count(st);
	if (n > CLASSIFY_MAX_COLS)
		return oomsift_error_set(OOMSIFT_ESTORE, "%s has %d columns, more than %d",
		                         vc->view, n, CLASSIFY_MAX_COLS);
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);
		if (!name || !(vc->names[i] = strdup(name)))
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		vc->n++;
	}
	index_fields(vc, kind);
	return 0;
}

int classifier_init(classifier *c, oomsift_store *s)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->s = s;
	oomsift_buf_init(&c->names, CLASSIFY_TOP_NAME_BYTES);
	if (!(c->tasks = malloc(CLASSIFY_TOP_TASKS * sizeof(*c->tasks))) ||
	    !(c->top_slots = calloc(CLASSIFY_TOP_SLOTS, sizeof(*c->top_slots))) ||
	    !(c->top_groups = malloc(CLASSIFY_TOP_TASKS * sizeof(*c->top_groups)))) {
		free(c->tasks);
		free(c->top_slots);
		free(c->top_groups);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	if ((rc = read_columns(c, OOMSIFT_SUBJECT_EVENT)) < 0 ||
	    (rc = read_columns(c, OOMSIFT_SUBJECT_MEMORY_EVENT)) < 0)
		classifier_free(c);
	return rc;
}

static void absent_clear(classifier *c);
static void conds_clear(classifier *c);

void classifier_free(classifier *c)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < c->cols[k].n; i++)
			free(c->cols[k].names[i]);
		sqlite3_finalize(c->cols[k].row_st);
	}
	for (size_t i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	series_cache_free(&c->series);
	feed_free(&c->feed);
	conds_clear(c);
	free(c->conds);
	absent_clear(c);
	oomsift_buf_free(&c->names);
	free(c->tasks);
	free(c->top_slots);
	free(c->top_groups);
	memset(c, 0, sizeof(*c));
}

/* The index of a column of the view whose name may go into SQL, or -1. */
static int column_index(const view_cols *vc, const char *name)
{
	const field_slot *f = field_find(vc, name);

	return f && f->col >= 0 && plain_name(vc->names[f->col]) ? f->col : -1;
}

/* A statement built here (history, trend), prepared once per text. */
static sqlite3_stmt *cached_stmt(classifier *c, const char *sql)
{
	sqlite3_stmt *st;
	size_t slot;

	for (size_t i = 0; i < c->ncache; i++)
		if (strcmp(c->cache[i].sql, sql) == 0) {
			sqlite3_reset(c->cache[i].st);
			sqlite3_clear_bindings(c->cache[i].st);
			return c->cache[i].st;
		}
	if (sqlite3_prepare_v3(oomsift_store_db(c->s), sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	                       NULL) != SQLITE_OK) {
		store_error(c->s, "cannot prepare a history or trend query");
		return NULL;
	}
	if (c->ncache < CLASSIFY_SQL_CACHE) {
		slot = c->ncache++;
	} else { /* full: replace the oldest */
		slot = c->next_evict;
		c->next_evict = (c->next_evict + 1) % CLASSIFY_SQL_CACHE;
		sqlite3_finalize(c->cache[slot].st);
		free(c->cache[slot].sql);
	}
	c->cache[slot].st = st;
	if (!(c->cache[slot].sql = strdup(sql))) {
		sqlite3_finalize(st);
		c->cache[slot] = c->cache[--c->ncache];
		oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		return NULL;
	}
	return st;
}

/* ---- the subject ---- */

void classify_subject_begin(subject_ctx *x, classifier *c, oomsift_rule_subject kind, int64_t id)
{
	x->c = c;
	x->kind = kind;
	x->id = id;
	memset(&x->arena, 0, sizeof(x->arena));
	x->loaded = 0;
	x->nfacts = 0;
	x->fed = false;
}

void classify_subject_end(subject_ctx *x)
{
	oomsift_arena_free(&x->arena);
	memset(&x->arena, 0, sizeof(x->arena));
	x->loaded = 0;
	x->nfacts = 0;
}

/* Prepares the statement of the wanted columns of a view (in the order of
 * the view; id = ?1). */
static int prepare_row(classifier *c, view_cols *vc)
{
	oomsift_buf sql;
	int rc = 0;

	oomsift_buf_init(&sql, CLASSIFY_ROW_SQL_MAX);
	vc->nselected = 0;
	if (oomsift_buf_append(&sql, "SELECT ", 7) < 0)
		goto too_long;
	for (size_t i = 0; i < vc->n; i++) {
		if (!vc->wanted[i])
			continue;
		if (oomsift_buf_append(&sql, vc->nselected ? ", \"" : "\"", vc->nselected ? 3 : 1) <
		    0)
			goto too_long;
		for (const char *p = vc->names[i]; *p; p++)
			if ((*p == '"' && oomsift_buf_putc(&sql, '"') < 0) ||
			    oomsift_buf_putc(&sql, *p) < 0)
				goto too_long;
		if (oomsift_buf_putc(&sql, '"') < 0)
			goto too_long;
		vc->selected[vc->nselected++] = (int)i;
	}
	if (oomsift_buf_printf(&sql, "%s FROM %s WHERE id = ?1", vc->nselected ? "" : "1",
	                       vc->view) < 0)
		goto too_long;
	if (sqlite3_prepare_v3(oomsift_store_db(c->s), sql.data, -1, SQLITE_PREPARE_PERSISTENT,
	                       &vc->row_st, NULL) != SQLITE_OK) {
		vc->row_st = NULL;
		rc = store_error(c->s, "cannot prepare the read of a subject to classify");
	}
	oomsift_buf_free(&sql);
	return rc;
too_long:
	oomsift_buf_free(&sql);
	return oomsift_error_set(OOMSIFT_ELIMIT, "%s: too many columns to classify", vc->view);
}

/* Reads the subject's wanted columns (every column a rule has asked for). */
static int load_row(subject_ctx *x)
{
	view_cols *vc = &x->c->cols[x->kind];
	sqlite3_stmt *st;
	int rc;

	if (x->loaded & G_ROW)
		return 0;
	if (!vc->row_st && (rc = prepare_row(x->c, vc)) < 0)
		return rc;
	st = vc->row_st;
	sqlite3_bind_int64(st, 1, x->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return oomsift_error_set(OOMSIFT_ENOTFOUND, "no %s %lld",
		                         classify_subject_name(x->kind), (long long)x->id);
	}
	if (rc != SQLITE_ROW) {
		rc = store_error(x->c->s, "cannot read a subject to classify");
		sqlite3_reset(st);
		return rc;
	}
	for (size_t i = 0; i < vc->nselected; i++)
		if ((rc = column_value(x, st, (int)i, &x->row[vc->selected[i]])) < 0) {
			sqlite3_reset(st);
			return rc;
		}
	sqlite3_reset(st);
	x->loaded |= G_ROW;
	return 0;
}

/* The column of the subject's row that f names; NULL when f is not a column
 * of the view (f NULL: not a name of it). A column no rule asked for before
 * is added to the row statement, and the row read again. */
static int slot_value(subject_ctx *x, const field_slot *f, oomsift_value *out, bool *found)
{
	view_cols *vc = &x->c->cols[x->kind];
	int rc;

	*found = false;
	*out = v_null;
	if (!f || f->col < 0)
		return 0;
	if (!vc->wanted[f->col]) {
		vc->wanted[f->col] = true;
		sqlite3_finalize(vc->row_st);
		vc->row_st = NULL;
		x->loaded &= ~(unsigned)G_ROW;
	}
	if ((rc = load_row(x)) < 0)
		return rc;
	*out = x->row[f->col];
	*found = true;
	return 0;
}

/* slot_value of the column called name. */
static int row_value(subject_ctx *x, const char *name, oomsift_value *out, bool *found)
{
	return slot_value(x, field_find(&x->c->cols[x->kind], name), out, found);
}

/* A column every view has (id, host, ts_unix, kind, victim_pid, …). */
static oomsift_value row_get(subject_ctx *x, const char *name)
{
	oomsift_value v;
	bool found;

	if (row_value(x, name, &v, &found) < 0 || !found)
		return v_null;
	return v;
}

/* ---- derived fields ---- */

/* A task row as the rank of FIELDS.md sees it. */
typedef struct task_key {
	bool has_rss;
	int64_t rss, row;
} task_key;

static task_key task_key_of(sqlite3_stmt *st)
{
	return (task_key){.has_rss = sqlite3_column_type(st, 2) != SQLITE_NULL,
	                  .rss = sqlite3_column_int64(st, 2),
	                  .row = sqlite3_column_int64(st, 4)};
}

/* Whether a ranks before b: ORDER BY rss_pages DESC, row (NULL last). */
static bool ranks_before(const task_key *a, const task_key *b)
{
	if (a->has_rss != b->has_rss)
		return a->has_rss;
	if (a->has_rss && a->rss != b->rss)
		return a->rss > b->rss;
	return a->row < b->row;
}

/* The columns of the current task row but its name, each read once (the
 * types first: a conversion would change them). */
typedef struct task_cols {
	task_key k;
	bool rss_int, has_pid, has_adj;
	int64_t pid, adj;
} task_cols;

static void read_task_cols(sqlite3_stmt *st, task_cols *t)
{
	int pid_type = sqlite3_column_type(st, 0), rss_type = sqlite3_column_type(st, 2);
	int adj_type = sqlite3_column_type(st, 3);

	t->k = (task_key){.has_rss = rss_type != SQLITE_NULL,
	                  .rss = sqlite3_column_int64(st, 2),
	                  .row = sqlite3_column_int64(st, 4)};
	t->rss_int = rss_type == SQLITE_INTEGER;
	t->has_pid = pid_type != SQLITE_NULL;
	t->pid = sqlite3_column_int64(st, 0);
	t->has_adj = adj_type != SQLITE_NULL;
	t->adj = sqlite3_column_int64(st, 3);
}

static bool is_pid(const task_cols *t, const oomsift_value *pid)
{
	return pid->type == OOMSIFT_VALUE_INT && t->has_pid && t->pid == pid->i;
}

/* The largest task's name, pid and score adjustment (its row is current). */
static int largest_task(subject_ctx *x, sqlite3_stmt *st)
{
	oomsift_value *d = x->derived;
	int rc;

	if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    (rc = text_value(x, (const char *)sqlite3_column_text(st, 1),
	                     (size_t)sqlite3_column_bytes(st, 1), &d[D_LARGEST_NAME])) < 0)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		d[D_LARGEST_PID] = v_int(sqlite3_column_int64(st, 0));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		d[D_LARGEST_ADJ] = v_int(sqlite3_column_int64(st, 3));
	return 0;
}

/* Second pass over the task table: the largest task's columns, and the rank
 * of the victim's row (the rows that rank before it, plus one). */
static int rank_tasks(subject_ctx *x, sqlite3_stmt *st, const task_key *largest,
                      const task_key *victim)
{
	int64_t before = 0;
	int rc;

	sqlite3_reset(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		task_key k = task_key_of(st);
		if (victim && ranks_before(&k, victim))
			before++;
		if (largest && k.row == largest->row && (rc = largest_task(x, st)) < 0)
			return rc;
	}
	if (rc != SQLITE_DONE)
		return store_error(x->c->s, "cannot read a task table");
	if (victim)
		x->derived[D_VICTIM_RANK] = v_int(before + 1);
	return 0;
}

/* Keeps the current row of the task table in the classifier; false when it
 * does not fit (the table is then read again). */
static bool keep_task(classifier *c, sqlite3_stmt *st, const task_cols *t)
{
	int type = sqlite3_column_type(st, 1);
	const unsigned char *name = type == SQLITE_NULL ? NULL : sqlite3_column_text(st, 1);
	size_t len = name ? (size_t)sqlite3_column_bytes(st, 1) : 0;

	if (c->ntasks == CLASSIFY_TOP_TASKS ||
	    (len && oomsift_buf_append(&c->names, name, len) < 0))
		return false;
	c->tasks[c->ntasks++] = (named_task){.off = c->names.len - len,
	                                     .len = len,
	                                     .name_type = type,
	                                     .rss = t->k.rss,
	                                     .row = t->k.row,
	                                     .pid = t->pid,
	                                     .adj = t->adj,
	                                     .has_rss = t->k.has_rss,
	                                     .rss_int = t->rss_int,
	                                     .has_pid = t->has_pid,
	                                     .has_adj = t->has_adj};
	return true;
}

/* The kept rows' names, once the buffer has stopped moving. */
static void point_names(classifier *c)
{
	for (size_t i = 0; i < c->ntasks; i++)
		c->tasks[i].name = c->tasks[i].len ? c->names.data + c->tasks[i].off : "";
}

/* rank_tasks over the kept rows. */
static int rank_kept(subject_ctx *x, const task_key *largest, const task_key *victim)
{
	const classifier *c = x->c;
	oomsift_value *d = x->derived;
	int64_t before = 0;
	int rc;

	for (size_t i = 0; i < c->ntasks; i++) {
		const named_task *t = &c->tasks[i];
		task_key k = {.has_rss = t->has_rss, .rss = t->rss, .row = t->row};
		if (victim && ranks_before(&k, victim))
			before++;
		if (!largest || k.row != largest->row)
			continue;
		if (t->name_type != SQLITE_NULL &&
		    (rc = text_value(x, t->name, t->len, &d[D_LARGEST_NAME])) < 0)
			return rc;
		if (t->has_pid)
			d[D_LARGEST_PID] = v_int(t->pid);
		if (t->has_adj)
			d[D_LARGEST_ADJ] = v_int(t->adj);
	}
	if (victim)
		d[D_VICTIM_RANK] = v_int(before + 1);
	return 0;
}

static double ts_of(const oomsift_value *ts);
static bool has_time(const oomsift_value *ts);

/* Feeds the subject's task table, while the classifier keeps its rows, to
 * the task_rss_kb series of its host (store/classify_feed.c). */
static int feed_subject(subject_ctx *x)
{
	classifier *c = x->c;
	oomsift_value host, ts;

	if (!c->feed.on || x->fed || x->kind != OOMSIFT_SUBJECT_EVENT || !c->tasks_kept)
		return 0;
	host = row_get(x, "host");
	ts = row_get(x, "ts_unix");
	if (host.type != OOMSIFT_VALUE_TEXT || !has_time(&ts))
		return 0;
	x->fed = true;
	return feed_event(&c->feed, c->s, host.s, host.len, ts_of(&ts), x->id, c->tasks, c->ntasks);
}

/* The task fields, from one pass over the task table kept in the classifier
 * (a second pass when it does not fit). */
static int load_tasks(subject_ctx *x)
{
	classifier *c = x->c;
	oomsift_value *d = x->derived, victim_pid = row_get(x, "victim_pid");
	sqlite3_stmt *st = store_stmt(c->s, sql_tasks);
	int64_t rows = 0, rss_pages = 0, with_rss = 0;
	task_key largest = {0}, victim = {0};
	bool victim_seen = false;
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	for (int i = D_TASKS_COUNT; i <= D_VICTIM_TASK_RSS_KB; i++)
		d[i] = v_null;
	c->ntasks = 0;
	c->names.len = 0;
	c->tasks_kept = true;
	sqlite3_bind_int64(st, 1, x->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		task_cols t;
		task_key k;
		read_task_cols(st, &t);
		k = t.k;
		rows++;
		if (k.has_rss) {
			rss_pages = sat_add(rss_pages, k.rss);
			with_rss++;
			if (with_rss == 1 || ranks_before(&k, &largest))
				largest = k;
		}
		/* the victim's row: its pid's row that ranks first */
		if (is_pid(&t, &victim_pid) && (!victim_seen || ranks_before(&k, &victim))) {
			victim_seen = true;
			victim = k;
		}
		if (c->tasks_kept)
			c->tasks_kept = keep_task(c, st, &t);
	}
	if (rc != SQLITE_DONE) {
		c->tasks_kept = false;
		return store_error(c->s, "cannot read a task table");
	}
	if (c->tasks_kept) {
		point_names(c);
		if ((rc = feed_subject(x)) < 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	if (with_rss)
		d[D_LARGEST_RSS_KB] = v_int(sat_mul(largest.rss, PAGE_KB));
	if (victim_seen && victim.has_rss)
		d[D_VICTIM_TASK_RSS_KB] = v_int(sat_mul(victim.rss, PAGE_KB));
	if (with_rss || victim_seen) {
		const task_key *l = with_rss ? &largest : NULL, *v = victim_seen ? &victim : NULL;
		if ((rc = c->tasks_kept ? rank_kept(x, l, v) : rank_tasks(x, st, l, v)) < 0)
			return rc;
	}
	sqlite3_reset(st);
	/* No task table printed (task_rows NULL): every task field is NULL. */
	if (row_get(x, "task_rows").type == OOMSIFT_VALUE_NULL && rows == 0)
		return 0;
	d[D_TASKS_COUNT] = v_int(rows);
	if (with_rss)
		d[D_TASKS_RSS_KB] = v_int(sat_mul(rss_pages, PAGE_KB));
	d[D_LARGEST_SHARE] = v_ratio(d[D_LARGEST_RSS_KB], d[D_TASKS_RSS_KB]);
	if (d[D_LARGEST_RSS_KB].type != OOMSIFT_VALUE_NULL)
		d[D_LARGEST_IS_VICTIM] = v_int(d[D_LARGEST_PID].type == OOMSIFT_VALUE_INT &&
		                               victim_pid.type == OOMSIFT_VALUE_INT &&
		                               d[D_LARGEST_PID].i == victim_pid.i);
	return 0;
}

static int ensure(subject_ctx *x, unsigned group);

/* Moves the kept tasks that have a name to the front: their number, in *n;
 * *fits false when a name is not text (top_name is then asked of SQLite). */
static void named_tasks(classifier *c, size_t *n, bool *fits)
{
	*n = 0;
	*fits = c->tasks_kept;
	for (size_t i = 0; *fits && i < c->ntasks; i++) {
		if (c->tasks[i].name_type == SQLITE_NULL)
			continue;
		if (c->tasks[i].name_type != SQLITE_TEXT)
			*fits = false;
		else
			c->tasks[(*n)++] = c->tasks[i];
	}
	c->ntasks = 0; /* the order is gone */
	c->tasks_kept = false;
}

/* top_name in SQL: a task table too large for the classifier's buffers, or
 * a name that is not text. */
static int top_name_sql(subject_ctx *x)
{
	oomsift_value *d = x->derived;
	sqlite3_stmt *st = store_stmt(x->c->s, sql_top_name);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, x->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL) {
		if ((rc = text_value(x, (const char *)sqlite3_column_text(st, 0),
		                     (size_t)sqlite3_column_bytes(st, 0), &d[D_TOP_NAME])) < 0)
			return rc;
		d[D_TOP_COUNT] = v_int(sqlite3_column_int64(st, 1));
		d[D_TOP_RSS_KB] = v_int(sat_mul(sqlite3_column_int64(st, 2), PAGE_KB));
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		return store_error(x->c->s, "cannot read a task table");
	}
	sqlite3_reset(st);
	return 0;
}

/* The group of t's name among c's first ngroups (a new one when none). */
static name_group *name_group_of(classifier *c, size_t t, size_t *ngroups)
{
	const named_task *k = &c->tasks[t];
	size_t i = oomsift_fnv1a(k->name, k->len) & (CLASSIFY_TOP_SLOTS - 1);
	name_group *g;

	for (; c->top_slots[i]; i = (i + 1) & (CLASSIFY_TOP_SLOTS - 1)) {
		g = &c->top_groups[c->top_slots[i] - 1];
		if (c->tasks[g->first].len == k->len &&
		    memcmp(c->tasks[g->first].name, k->name, k->len) == 0)
			return g;
	}
	g = &c->top_groups[*ngroups];
	*g = (name_group){.first = t, .slot = i};
	c->top_slots[i] = (uint32_t)++ * ngroups;
	return g;
}

/* top_name from the classifier's buffers: the name whose tasks hold the most
 * (sum of rss_pages, NULL last), ties: the name of the lower first row. The
 * tasks are in the order of their rows, so a group's first task has its
 * lowest row and each sum adds its tasks in that order, as SQLite would. */
static int top_name_of(subject_ctx *x, size_t n)
{
	classifier *c = x->c;
	oomsift_value *d = x->derived;
	const name_group *best = NULL;
	size_t ngroups = 0;

	for (size_t i = 0; i < n; i++) {
		name_group *g = name_group_of(c, i, &ngroups);
		g->count++;
		if (c->tasks[i].has_rss) {
			g->sum = sat_add(g->sum, c->tasks[i].rss);
			g->has_rss = true;
		}
	}
	for (size_t i = 0; i < ngroups; i++) {
		const name_group *g = &c->top_groups[i];
		c->top_slots[g->slot] = 0;
		if (g->has_rss &&
		    (!best || g->sum > best->sum ||
		     (g->sum == best->sum && c->tasks[g->first].row < c->tasks[best->first].row)))
			best = g;
	}
	if (!best)
		return 0;
	d[D_TOP_COUNT] = v_int(best->count);
	d[D_TOP_RSS_KB] = v_int(sat_mul(best->sum, PAGE_KB));
	return text_value(x, c->tasks[best->first].name, c->tasks[best->first].len, &d[D_TOP_NAME]);
}

static int load_top_name(subject_ctx *x)
{
	oomsift_value *d = x->derived;
	size_t n;
	bool fits;
	int rc;

	if ((rc = ensure(x, G_TASKS)) < 0 || (rc = ensure(x, G_MEM)) < 0)
		return rc;
	for (int i = D_TOP_NAME; i <= D_TOP_SHARE; i++)
		d[i] = v_null;
	d[D_TOP_LIMIT_SHARE] = v_null;
	named_tasks(x->c, &n, &fits);
	if ((rc = fits ? top_name_of(x, n) : top_name_sql(x)) < 0)
		return rc;
	if (d[D_TOP_RSS_KB].type == OOMSIFT_VALUE_NULL)
		return 0;
	d[D_TOP_SHARE] = v_ratio(d[D_TOP_RSS_KB], d[D_TASKS_RSS_KB]);
	d[D_TOP_LIMIT_SHARE] = v_ratio(d[D_TOP_RSS_KB], d[D_MEM_LIMIT_KB]);
	return 0;
}

/* 1.5 x the cgroup's limit, rounded up to a multiple of 64 MiB. */
static oomsift_value suggest_limit(oomsift_value limit)
{
	const int64_t step = 65536;
	int64_t kb;

	if (limit.type != OOMSIFT_VALUE_INT || limit.i < 0 || limit.i > INT64_MAX / 4)
		return v_null;
	kb = (limit.i * 3 + 1) / 2;
	return v_int((kb + step - 1) / step * step);
}

static void load_mem(subject_ctx *x)
{
	oomsift_value ram = row_get(x, "ram_pages"), kind = row_get(x, "kind");
	oomsift_value total = row_get(x, "swap_total_kb"), sfree = row_get(x, "swap_free_kb");
	oomsift_value limit = row_get(x, "memcg_limit_kb");
	oomsift_value *d = x->derived;

	d[D_MEM_TOTAL_KB] = ram.type == OOMSIFT_VALUE_INT ? v_int(sat_mul(ram.i, PAGE_KB)) : v_null;
	d[D_MEM_LIMIT_KB] = d[D_MEM_TOTAL_KB];
	if (kind.type == OOMSIFT_VALUE_TEXT && strcmp(kind.s, "memcg_oom") == 0)
		d[D_MEM_LIMIT_KB] = limit;
	d[D_SWAP_USED_SHARE] = v_null;
	if (total.type == OOMSIFT_VALUE_INT && sfree.type == OOMSIFT_VALUE_INT)
		d[D_SWAP_USED_SHARE] = v_ratio(v_int(total.i - sfree.i), total);
	d[D_MEMCG_USAGE_SHARE] = v_ratio(row_get(x, "memcg_usage_kb"), limit);
	d[D_MEMCG_SUGGEST_KB] = suggest_limit(limit);
}

/* A bag value in KiB, from its unit. */
static int64_t bag_kb(int64_t value, const char *unit)
{
	if (unit && strcmp(unit, "kB") == 0)
		return value;
	if (unit && strcmp(unit, "bytes") == 0)
		return value / 1024;
	return sat_mul(value, PAGE_KB); /* pages */
}

/* Adds to a sum that stays NULL until a value comes. */
static void add_kb(oomsift_value *sum, int64_t kb)
{
	*sum = v_int(sat_add(sum->type == OOMSIFT_VALUE_INT ? sum->i : 0, kb));
}

static void meminfo_row(oomsift_value *d, const char *section, const char *key, int64_t value,
                        const char *unit)
{
	static const struct {
		const char *key;
		enum derived_field id;
	} keys[] = {{"free", D_MI_FREE_KB},
	            {"shmem", D_MI_SHMEM_KB},
	            {"slab_unreclaimable", D_MI_SLAB_UNRECLAIMABLE_KB},
	            {"slab_reclaimable", D_MI_SLAB_RECLAIMABLE_KB},
	            {"pagetables", D_MI_PAGETABLES_KB},
	            {"active_anon", D_MI_ANON_KB},
	            {"inactive_anon", D_MI_ANON_KB},
	            {"active_file", D_MI_FILE_KB},
	            {"inactive_file", D_MI_FILE_KB}};
	unsigned long long size_kb;

	if (strcmp(section, "meminfo") == 0) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(key, keys[i].key) == 0)
				add_kb(&d[keys[i].id], bag_kb(value, unit));
	} else if (strncmp(section, "node ", 5) == 0) {
		add_kb(&d[D_MI_KERNEL_STACK_KB], bag_kb(value, unit));
	} else if (sscanf(section, "hugepages node %*d size %llukB", &size_kb) == 1) {
		add_kb(&d[D_MI_HUGEPAGES_KB],
		       sat_mul(value, size_kb > INT64_MAX ? INT64_MAX : (int64_t)size_kb));
	}
}

/* share.kernel: the parts present count, the missing ones 0. */
static oomsift_value kernel_share(const oomsift_value *d)
{
	const enum derived_field parts[] = {D_MI_SLAB_UNRECLAIMABLE_KB, D_MI_PAGETABLES_KB,
	                                    D_MI_KERNEL_STACK_KB};
	oomsift_value sum = v_null;

	for (size_t i = 0; i < 3; i++)
		if (d[parts[i]].type == OOMSIFT_VALUE_INT)
			add_kb(&sum, d[parts[i]].i);
	return v_ratio(sum, d[D_MEM_TOTAL_KB]);
}

/* Reads the names added to meminfo_name since the last read, keeping those
 * of the keys meminfo_row reads. */
static int load_mi_names(classifier *c)
{
	static const char *const keys[] = {"free",
	                                   "shmem",
	                                   "slab_unreclaimable",
	                                   "slab_reclaimable",
	                                   "pagetables",
	                                   "active_anon",
	                                   "inactive_anon",
	                                   "active_file",
	                                   "inactive_file",
	                                   "kernel_stack",
	                                   "total"};
	sqlite3_stmt *st = store_stmt(c->s, sql_mi_names);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, c->mi_max_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		const char *unit = (const char *)sqlite3_column_text(st, 2);
		mi_name *n = &c->mi_names[c->n_mi_names];
		bool wanted = false;
		c->mi_max_id = sqlite3_column_int64(st, 0);
		for (size_t i = 0; key && i < sizeof(keys) / sizeof(keys[0]); i++)
			wanted |= strcmp(key, keys[i]) == 0;
		if (!wanted)
			continue;
		if (c->n_mi_names == CLASSIFY_MI_NAMES) {
			sqlite3_reset(st);
			return oomsift_error_set(OOMSIFT_ELIMIT,
			                         "store: more than %d names of memory figures",
			                         CLASSIFY_MI_NAMES);
		}
		n->id = c->mi_max_id;
		snprintf(n->key, sizeof(n->key), "%s", key);
		snprintf(n->unit, sizeof(n->unit), "%s",
		         unit && strlen(unit) < sizeof(n->unit) ? unit : "");
		if (n->id > 0 && n->id < CLASSIFY_MI_DIRECT)
			c->mi_index[n->id] = (unsigned char)(c->n_mi_names + 1);
		c->n_mi_names++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_error(c->s, "cannot read the names of memory values");
}

static const mi_name *find_mi_name(const classifier *c, int64_t id)
{
	if (id > 0 && id < CLASSIFY_MI_DIRECT)
		return c->mi_index[id] ? &c->mi_names[c->mi_index[id] - 1] : NULL;
	for (size_t i = 0; i < c->n_mi_names; i++)
		if (c->mi_names[i].id == id)
			return &c->mi_names[i];
	return NULL;
}

typedef struct meminfo_walk {
	classifier *c;
	oomsift_value *d;
} meminfo_walk;

/* The values oom_meminfo would give for (section = 'meminfo' OR (key =
 * 'kernel_stack' AND section LIKE 'node %') OR (key = 'total' AND section
 * LIKE 'hugepages node %')), as far as meminfo_row reads them. */
static int meminfo_value(void *ctx, const char *section, int64_t name_id, int64_t value)
{
	meminfo_walk *w = ctx;
	const mi_name *n;
	int rc;

	if (name_id > w->c->mi_max_id && (rc = load_mi_names(w->c)) < 0)
		return rc;
	if (!(n = find_mi_name(w->c, name_id)))
		return 0;
	if (strcmp(section, "meminfo") == 0 ||
	    (strcmp(n->key, "kernel_stack") == 0 && strncmp(section, "node ", 5) == 0) ||
	    (strcmp(n->key, "total") == 0 && strncmp(section, "hugepages node ", 15) == 0))
		meminfo_row(w->d, section, n->key, value, n->unit);
	return 0;
}

/* The sections meminfo_value reads a value of. */
static bool meminfo_section(const char *section)
{
	return strcmp(section, "meminfo") == 0 || strncmp(section, "node ", 5) == 0 ||
	       strncmp(section, "hugepages node ", 15) == 0;
}

static int load_meminfo(subject_ctx *x)
{
	oomsift_value *d = x->derived;
	meminfo_walk w = {x->c, d};
	int rc;

	if ((rc = ensure(x, G_MEM)) < 0)
		return rc;
	for (int i = D_MI_FREE_KB; i <= D_SHARE_KERNEL; i++)
		d[i] = v_null;
	if ((rc = store_meminfo_each_in(x->c->s, x->id, meminfo_section, meminfo_value, &w)) < 0)
		return rc;
	d[D_SHARE_SHMEM] = v_ratio(d[D_MI_SHMEM_KB], d[D_MEM_TOTAL_KB]);
	d[D_SHARE_SLAB_UNRECLAIMABLE] = v_ratio(d[D_MI_SLAB_UNRECLAIMABLE_KB], d[D_MEM_TOTAL_KB]);
	d[D_SHARE_HUGEPAGES] = v_ratio(d[D_MI_HUGEPAGES_KB], d[D_MEM_TOTAL_KB]);
	d[D_SHARE_KERNEL] = kernel_share(d);
	return 0;
}

/* Computes a group of derived fields once per subject. */
static int ensure(subject_ctx *x, unsigned group)
{
	int rc = 0;

	if (x->loaded & group)
		return 0;
	if ((rc = load_row(x)) < 0)
		return rc;
	switch (group) {
	case G_TASKS:
		rc = load_tasks(x);
		break;
	case G_TOP:
		rc = load_top_name(x);
		break;
	case G_MEM:
		load_mem(x);
		break;
	case G_MEM_SHARE:
		if ((rc = ensure(x, G_TASKS)) < 0 || (rc = ensure(x, G_MEM)) < 0)
			break;
		x->derived[D_MEM_TASKS_SHARE] =
		    v_ratio(x->derived[D_TASKS_RSS_KB], x->derived[D_MEM_LIMIT_KB]);
		x->derived[D_LARGEST_LIMIT_SHARE] =
		    v_ratio(x->derived[D_LARGEST_RSS_KB], x->derived[D_MEM_LIMIT_KB]);
		break;
	case G_MEMINFO:
		rc = load_meminfo(x);
		break;
	default:
		break;
	}
	if (rc == 0)
		x->loaded |= group;
	return rc;
}

/* ---- host facts ---- */

/* "host\0key" in buf: false when the host is not text or they do not fit. */
static bool absent_key(const oomsift_value *host, const char *key, char *buf, size_t *len)
{
	size_t klen = strlen(key);

	if (host->type != OOMSIFT_VALUE_TEXT || host->len + 1 + klen > CLASSIFY_ABSENT_KEY_MAX)
		return false;
	memcpy(buf, host->s, host->len);
	buf[host->len] = '\0';
	memcpy(buf + host->len + 1, key, klen);
	*len = host->len + 1 + klen;
	return true;
}

/* The slot of an absent fact's key: its own, or the empty one it would take
 * (the table is never more than half full). */
static absent_fact *absent_slot(classifier *c, const char *k, size_t len, uint64_t h)
{
	size_t i = h & (CLASSIFY_ABSENT_FACTS - 1);

	while (c->absent[i].key && (c->absent[i].hash != h || c->absent[i].len != len ||
	                            memcmp(c->absent[i].key, k, len) != 0))
		i = (i + 1) & (CLASSIFY_ABSENT_FACTS - 1);
	return &c->absent[i];
}

static bool fact_absent(classifier *c, const char *k, size_t len)
{
	return c->absent && absent_slot(c, k, len, name_hash(k, len))->key;
}

static void absent_clear(classifier *c)
{
	for (size_t i = 0; c->absent && i < CLASSIFY_ABSENT_FACTS; i++)
		free(c->absent[i].key);
	free(c->absent);
	c->absent = NULL;
	c->nabsent = 0;
}

/* Remembers that a host has no such fact; out of memory it forgets. */
static void remember_absent(classifier *c, const char *k, size_t len)
{
	uint64_t h = name_hash(k, len);
	absent_fact *a;

	if (c->nabsent == CLASSIFY_ABSENT_FACTS / 2)
		absent_clear(c);
	if (!c->absent && !(c->absent = calloc(CLASSIFY_ABSENT_FACTS, sizeof(*c->absent))))
		return;
	a = absent_slot(c, k, len, h);
	if (a->key || !(a->key = malloc(len)))
		return;
	memcpy(a->key, k, len);
	a->len = len;
	a->hash = h;
	c->nabsent++;
}

static int fact_value(subject_ctx *x, const char *key, oomsift_value *out)
{
	oomsift_value host, ts;
	char absent[CLASSIFY_ABSENT_KEY_MAX];
	size_t absent_len = 0;
	bool remember;
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < x->nfacts; i++)
		if (strcmp(x->facts[i].key, key) == 0) {
			*out = x->facts[i].v;
			return 0;
		}
	if ((rc = load_row(x)) < 0)
		return rc;
	host = row_get(x, "host");
	ts = row_get(x, "ts_unix");
	*out = v_null;
	remember = absent_key(&host, key, absent, &absent_len);
	if (remember && fact_absent(x->c, absent, absent_len))
		goto keep;
	if (!(st = store_stmt(x->c->s, sql_fact)))
		return OOMSIFT_ESTORE;
	if (host.type == OOMSIFT_VALUE_TEXT)
		sqlite3_bind_text(st, 1, host.s, (int)host.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (ts.type == OOMSIFT_VALUE_REAL || ts.type == OOMSIFT_VALUE_INT)
		sqlite3_bind_double(st, 3, ts.type == OOMSIFT_VALUE_REAL ? ts.d : (double)ts.i);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		*out = v_int(sqlite3_column_int64(st, 0));
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(x->c->s, "cannot read host facts");
	sqlite3_reset(st);
	if (rc == SQLITE_DONE && remember)
		remember_absent(x->c, absent, absent_len);
keep:
	if (x->nfacts < CLASSIFY_MAX_FACTS) {
		if ((rc = classify_strndup(x, key, strlen(key), &x->facts[x->nfacts].key)) < 0)
			return rc;
		x->facts[x->nfacts++].v = *out;
	}
	return 0;
}

/* ---- field() ---- */

static int field(void *data, const char *name, oomsift_value *out)
{
	subject_ctx *x = data;
	const field_slot *f;
	bool found;
	int rc;

	*out = v_null;
	if (strncmp(name, "fact.", 5) == 0 && name[5])
		return fact_value(x, name + 5, out);
	f = field_find(&x->c->cols[x->kind], name);
	if (f && f->derived >= 0) { /* only OOM events have them */
		if ((rc = ensure(x, derived_fields[f->derived].group)) < 0)
			return rc;
		*out = x->derived[derived_fields[f->derived].id];
		return 0;
	}
	if ((rc = slot_value(x, f, out, &found)) < 0) /* f is looked up once */
		return rc;
	if (!found)
		return oomsift_error_set(OOMSIFT_ERULE, "rules: %s has no field '%s'",
		                         x->c->cols[x->kind].view, name);
	return 0;
}

/* ---- history and trend ---- */

static double ts_of(const oomsift_value *ts)
{
	return ts->type == OOMSIFT_VALUE_REAL ? ts->d : (double)ts->i;
}

static bool has_time(const oomsift_value *ts)
{
	return ts->type == OOMSIFT_VALUE_REAL || ts->type == OOMSIFT_VALUE_INT;
}

/* Appends ` AND e."COL" IS ?N` for each same field, from parameter first. */
static int append_same(oomsift_buf *sql, const view_cols *vc, const char *const *same, size_t nsame,
                       int first, const char *what)
{
	for (size_t i = 0; i < nsame; i++) {
		int col = column_index(vc, same[i]);
		if (col < 0)
			return oomsift_error_set(
			    OOMSIFT_ERULE, "rules: %s compares '%s', which is not a column of %s",
			    what, same[i], vc->view);
		if (oomsift_buf_printf(sql, " AND e.\"%s\" IS ?%d", vc->names[col],
		                       first + (int)i) < 0)
			return oomsift_error_set(OOMSIFT_ELIMIT,
			                         "rules: %s compares too many fields", what);
	}
	return 0;
}

/* Binds the subject's value of each same field, from parameter first. */
static int bind_same(subject_ctx *x, sqlite3_stmt *st, const char *const *same, size_t nsame,
                     int first)
{
	for (size_t i = 0; i < nsame; i++) {
		oomsift_value v;
		int rc, p = first + (int)i;
		if ((rc = field(x, same[i], &v)) < 0)
			return rc;
		if (v.type == OOMSIFT_VALUE_INT)
			sqlite3_bind_int64(st, p, v.i);
		else if (v.type == OOMSIFT_VALUE_REAL)
			sqlite3_bind_double(st, p, v.d);
		else if (v.type == OOMSIFT_VALUE_TEXT)
			sqlite3_bind_text(st, p, v.s, (int)v.len, SQLITE_STATIC);
		else if (v.type == OOMSIFT_VALUE_BLOB)
			sqlite3_bind_blob(st, p, v.s, (int)v.len, SQLITE_STATIC);
	}
	return 0;
}

/* The time a window runs on: the subject's wall time when it has one; else
 * its uptime, among the subjects of the same source that have no wall time
 * either (raw dmesg: one boot of one capture). */
typedef struct time_axis {
	const char *col;   /* SQL of the time of `e` */
	const char *where; /* SQL: `e` in the window ?2 .. ?3 (and of source ?99) */
	oomsift_value t, source;
	bool ok; /* false: the subject has no time, so no window */
} time_axis;

#define AXIS_SOURCE_PARAM 99

static const char uptime_where[] =
    "e.ts_unix IS NULL AND e.source IS ?99 AND e.uptime_s BETWEEN ?2 AND ?3";

static void axis_of(subject_ctx *x, time_axis *a)
{
	a->t = row_get(x, "ts_unix");
	a->source = row_get(x, "source");
	a->col = "e.ts_unix";
	a->where = "e.ts_unix BETWEEN ?2 AND ?3";
	if (!has_time(&a->t)) {
		a->t = row_get(x, "uptime_s");
		a->col = "e.uptime_s";
		a->where = uptime_where;
	}
	a->ok = has_time(&a->t);
}

/* Binds host (?1), the times from and to (?2, ?3) and the source (?99). */
static void bind_window(sqlite3_stmt *st, const oomsift_value *host, const time_axis *a,
                        double from, double to)
{
	sqlite3_bind_text(st, 1, host->s, (int)host->len, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, from);
	sqlite3_bind_double(st, 3, to);
	if (a->source.type == OOMSIFT_VALUE_TEXT)
		sqlite3_bind_text(st, AXIS_SOURCE_PARAM, a->source.s, (int)a->source.len,
		                  SQLITE_STATIC);
}

/* ---- series: a history or trend over all time, read once per run ---- */

/* What a history or trend query binds besides its window. */
typedef struct series_query {
	const char *sql; /* of the whole series: ?2 .. ?3 is all time */
	uint64_t sql_id; /* names sql in the series' key (cond_sql) */
	enum series_kind kind;
	const oomsift_value *host;
	const time_axis *axis;
	const char *name; /* ?4 of a task_rss_kb trend, else NULL; not bound to a
	                   * SERIES_NAMED statement, which holds every name */
	const char *const *same;
	size_t nsame;
	int first_same; /* the parameter of same[0] */
} series_query;

/* Appends a value to a key: its type, length and bytes. */
static int key_value(oomsift_buf *key, const oomsift_value *v)
{
	const void *p = NULL;
	size_t n = 0;
	int64_t i;
	double d;

	if (oomsift_buf_putc(key, (char)('0' + v->type)) < 0)
		return OOMSIFT_ELIMIT;
	if (v->type == OOMSIFT_VALUE_INT) {
		i = v->i;
		p = &i;
		n = sizeof(i);
	} else if (v->type == OOMSIFT_VALUE_REAL) {
		d = v->d;
		p = &d;
		n = sizeof(d);
	} else if (v->type == OOMSIFT_VALUE_TEXT || v->type == OOMSIFT_VALUE_BLOB) {
		p = v->s;
		n = v->len;
	}
	if (oomsift_buf_append(key, &n, sizeof(n)) < 0 || (n && oomsift_buf_append(key, p, n) < 0))
		return OOMSIFT_ELIMIT;
	return 0;
}

static oomsift_value v_text(const char *s)
{
	return s ? (oomsift_value){.type = OOMSIFT_VALUE_TEXT, .s = s, .len = strlen(s)} : v_null;
}

/* The key of a series: its statement (by its id) and every value bound to
 * it but the window. OOMSIFT_ELIMIT: too long to cache. */
static int series_key(subject_ctx *x, const series_query *q, oomsift_buf *key)
{
	oomsift_value v;
	int rc;

	/* the source is bound only on the uptime axis */
	v = q->axis->where == uptime_where ? q->axis->source : v_null;
	if (oomsift_buf_append(key, &q->sql_id, sizeof(q->sql_id)) < 0 ||
	    key_value(key, q->host) < 0 || key_value(key, &v) < 0 ||
	    (v = v_text(q->kind == SERIES_NAMED ? NULL : q->name), key_value(key, &v) < 0))
		return OOMSIFT_ELIMIT;
	for (size_t i = 0; i < q->nsame; i++) {
		if ((rc = field(x, q->same[i], &v)) < 0)
			return rc;
		if (key_value(key, &v) < 0)
			return OOMSIFT_ELIMIT;
	}
	return 0;
}

/* A series only holds while what it selects stays as it is: a run writes
 * the cause of each subject it evaluates, so a history or trend that
 * compares causes is asked of SQLite each time. */
static bool cacheable(const series_query *q)
{
	for (size_t i = 0; i < q->nsame; i++)
		if (strcmp(q->same[i], "cause") == 0)
			return false;
	return true;
}

/* The series of q, read on first use; *out NULL when it is not cached (the
 * caller asks SQLite for its window). */
static int series_of(subject_ctx *x, const series_query *q, const classify_series **out)
{
	series_cache *sc = &x->c->series;
	oomsift_buf key;
	sqlite3_stmt *st;
	bool too_big;
	int rc;

	*out = NULL;
	if (!cacheable(q))
		return 0;
	oomsift_buf_init(&key, CLASSIFY_SERIES_KEY_MAX);
	if ((rc = series_key(x, q, &key)) < 0) {
		oomsift_buf_free(&key);
		return rc == OOMSIFT_ELIMIT ? 0 : rc;
	}
	if ((*out = series_find(sc, key.data, key.len, &too_big)) || too_big) {
		oomsift_buf_free(&key);
		return 0;
	}
	if (!(st = cached_stmt(x->c, q->sql))) {
		oomsift_buf_free(&key);
		return OOMSIFT_ESTORE;
	}
	bind_window(st, q->host, q->axis, -INFINITY, INFINITY);
	if (q->name && q->kind != SERIES_NAMED)
		sqlite3_bind_text(st, 4, q->name, -1, SQLITE_STATIC);
	if ((rc = bind_same(x, st, q->same, q->nsame, q->first_same)) == 0)
		rc = series_load(sc, x->c->s, key.data, key.len, st, q->kind, out);
	sqlite3_reset(st);
	oomsift_buf_free(&key);
	return rc;
}

/* ---- the statements of history and trend conditions, built once ---- */

static void conds_clear(classifier *c)
{
	for (size_t i = 0; i < c->nconds; i++) {
		free(c->conds[i].names);
		free(c->conds[i].direct);
		free(c->conds[i].series);
	}
	c->nconds = 0;
}

/* Whether a kept condition's names are want's figure and same fields. */
static bool names_match(const cond_sql *k, const cond_sql *want)
{
	const char *p = k->names;

	if (k->trend) {
		if (strcmp(p, want->figure) != 0)
			return false;
		p += strlen(p) + 1;
	}
	for (size_t i = 0; i < want->nsame; i++) {
		if (strcmp(p, want->same[i]) != 0)
			return false;
		p += strlen(p) + 1;
	}
	return true;
}

/* The names of k (its figure and same fields), copied; NULL out of memory. */
static char *copy_names(const cond_sql *k)
{
	size_t len = k->trend ? strlen(k->figure) + 1 : 0, at = 0;
	char *names;

	for (size_t i = 0; i < k->nsame; i++)
		len += strlen(k->same[i]) + 1;
	if (!(names = malloc(len + 1)))
		return NULL;
	if (k->trend) {
		memcpy(names, k->figure, strlen(k->figure) + 1);
		at = strlen(k->figure) + 1;
	}
	for (size_t i = 0; i < k->nsame; i++) {
		memcpy(names + at, k->same[i], strlen(k->same[i]) + 1);
		at += strlen(k->same[i]) + 1;
	}
	names[at] = '\0';
	return names;
}

static const cond_sql *cond_find(const classifier *c, const cond_sql *want)
{
	for (size_t i = 0; i < c->nconds; i++) {
		const cond_sql *k = &c->conds[i];
		if (k->trend == want->trend && k->uptime == want->uptime && k->of == want->of &&
		    k->nsame == want->nsame && names_match(k, want))
			return k;
	}
	return NULL;
}

/* Keeps the statements of *k (it takes direct and series, also on failure)
 * with a copy of its names; a series text already kept keeps its id. */
static int cond_add(classifier *c, cond_sql *k, const cond_sql **out)
{
	if ((!c->conds && !(c->conds = calloc(CLASSIFY_COND_SQL, sizeof(*c->conds)))) ||
	    !(k->names = copy_names(k))) {
		free(k->direct);
		free(k->series);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	k->figure = NULL; /* the caller's */
	k->same = NULL;
	if (c->nconds == CLASSIFY_COND_SQL)
		conds_clear(c);
	k->series_id = 0;
	for (size_t i = 0; k->series && i < c->nconds; i++)
		if (c->conds[i].series && strcmp(c->conds[i].series, k->series) == 0)
			k->series_id = c->conds[i].series_id;
	if (!k->series_id)
		k->series_id = ++c->series_ids;
	c->conds[c->nconds] = *k;
	*out = &c->conds[c->nconds++];
	return 0;
}

/* Copies the texts of two buffers into k (NULL for an empty buffer). */
static int cond_texts(cond_sql *k, const oomsift_buf *direct, const oomsift_buf *series)
{
	k->direct = direct->len ? strdup(direct->data) : NULL;
	k->series = series->len ? strdup(series->data) : NULL;
	if ((direct->len && !k->direct) || (series->len && !k->series)) {
		free(k->direct);
		free(k->series);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- history ---- */

/* Counts the window of h in SQLite (a series too large to keep). */
static int history_direct(subject_ctx *x, const oomsift_history_spec *h, const series_query *q,
                          const char *sql, int64_t *count)
{
	double t = ts_of(&q->axis->t);
	sqlite3_stmt *st;
	int rc;

	if (!(st = cached_stmt(x->c, sql)))
		return OOMSIFT_ESTORE;
	bind_window(st, q->host, q->axis, t - h->window_s, t);
	if ((rc = bind_same(x, st, h->same, h->nsame, 4)) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*count = sqlite3_column_int64(st, 0);
		else
			rc = store_error(x->c->s, "cannot count the history of a subject");
	}
	sqlite3_reset(st);
	return rc;
}

/* The statements of h on the axis a: built on first use. A statement too
 * long for CLASSIFY_SQL_MAX is kept as NULL (an error where it is used). */
static int history_cond(subject_ctx *x, const oomsift_history_spec *h, const time_axis *a,
                        const cond_sql **out)
{
	cond_sql k = {.uptime = a->where == uptime_where,
	              .of = h->of,
	              .same = h->same,
	              .nsame = h->nsame,
	              .series_kind = SERIES_TIMES};
	oomsift_buf from, sql, points;
	int rc;

	if ((*out = cond_find(x->c, &k)))
		return 0;
	oomsift_buf_init(&from, CLASSIFY_SQL_MAX);
	oomsift_buf_init(&sql, CLASSIFY_SQL_MAX);
	oomsift_buf_init(&points, CLASSIFY_SQL_MAX);
	if (oomsift_buf_printf(&from, "FROM %s e WHERE e.host = ?1 AND %s",
	                       classify_subject_view(h->of), a->where) < 0) {
		rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = append_same(&from, &x->c->cols[h->of], h->same, h->nsame, 4, "history")) < 0)
		goto out;
	if (oomsift_buf_printf(&sql, "SELECT count(*) %s", from.data) < 0 ||
	    oomsift_buf_printf(&points, "SELECT %s %s ORDER BY %s", a->col, from.data, a->col) < 0)
		sql.len = points.len = 0; /* too long */
	if ((rc = cond_texts(&k, &sql, &points)) == 0)
		rc = cond_add(x->c, &k, out);
out:
	oomsift_buf_free(&from);
	oomsift_buf_free(&sql);
	oomsift_buf_free(&points);
	return rc;
}

static int history(void *data, const oomsift_history_spec *h, int64_t *count)
{
	subject_ctx *x = data;
	oomsift_value host;
	time_axis axis;
	const cond_sql *k;
	const classify_series *s;
	const double *pt, *pv;
	series_query q;
	double t;
	int rc;

	*count = 0;
	if (h->of != OOMSIFT_SUBJECT_EVENT && h->of != OOMSIFT_SUBJECT_MEMORY_EVENT)
		return oomsift_error_set(OOMSIFT_EINVAL, "rules: history of an unknown subject");
	if ((rc = load_row(x)) < 0)
		return rc;
	host = row_get(x, "host");
	axis_of(x, &axis);
	if ((rc = history_cond(x, h, &axis, &k)) < 0)
		return rc;
	/* Without a time the subject has no window: it counts itself. */
	if (!axis.ok || host.type != OOMSIFT_VALUE_TEXT) {
		*count = h->of == x->kind;
		return 0;
	}
	if (!k->direct || !k->series)
		return oomsift_error_set(OOMSIFT_ELIMIT, "rules: history compares too many fields");
	q = (series_query){.sql = k->series,
	                   .sql_id = k->series_id,
	                   .kind = SERIES_TIMES,
	                   .host = &host,
	                   .axis = &axis,
	                   .same = h->same,
	                   .nsame = h->nsame,
	                   .first_same = 4};
	if ((rc = series_of(x, &q, &s)) < 0)
		return rc;
	t = ts_of(&axis.t);
	if (s)
		*count = (int64_t)series_window(s, NULL, t - h->window_s, t, &pt, &pv);
	else
		rc = history_direct(x, h, &q, k->direct, count);
	return rc;
}

/* ---- trend ---- */

/* The figure of each event of a trend, as SQL over `e` (oom_events). */
static const char *trend_figure(const char *figure)
{
	if (!figure)
		return NULL;
	if (strcmp(figure, "task_rss_kb") == 0)
		return "(SELECT sum(t.rss_pages) * 4 FROM oom_tasks t WHERE t.event_id = e.id "
		       "AND t.name = ?4)";
	if (strcmp(figure, "victim_rss_kb") == 0)
		return "e.victim_rss_kb";
	if (strcmp(figure, "memcg_usage_kb") == 0)
		return "e.memcg_usage_kb";
	return NULL;
}

/* Least squares over the points of a trend, one pass (Welford): x in days
 * since the first point (small numbers). */
typedef struct trend_fit {
	double mean_x, mean_y, cxy, m2x, x0;
} trend_fit;

static void fit_point(trend_fit *f, oomsift_trend *out, double ts, double py)
{
	double px = ts / 86400.0, dx;

	if (out->points == 0) {
		f->x0 = px;
		out->first = py;
	}
	px -= f->x0;
	out->points++;
	out->last = py;
	dx = px - f->mean_x;
	f->mean_x += dx / (double)out->points;
	f->mean_y += (py - f->mean_y) / (double)out->points;
	f->cxy += dx * (py - f->mean_y);
	f->m2x += dx * (px - f->mean_x);
}

static void fit_end(const trend_fit *f, oomsift_trend *out)
{
	out->slope_per_day = out->points >= 2 && f->m2x > 0 ? f->cxy / f->m2x : 0;
}

/* The trend over the rows of st (a series too large to keep). */
static int fit_rows(subject_ctx *x, sqlite3_stmt *st, oomsift_trend *out)
{
	trend_fit f = {0};
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			fit_point(&f, out, sqlite3_column_double(st, 0),
			          sqlite3_column_double(st, 1));
	if (rc != SQLITE_DONE)
		return store_error(x->c->s, "cannot read the trend of a subject");
	fit_end(&f, out);
	return 0;
}

static void fit_series(const classify_series *s, const series_query *q, double from, double to,
                       oomsift_trend *out)
{
	const double *t, *v;
	size_t n = series_window(s, q->kind == SERIES_NAMED ? q->name : NULL, from, to, &t, &v);
	trend_fit f = {0};

	for (size_t i = 0; i < n; i++)
		fit_point(&f, out, t[i], v[i]);
	fit_end(&f, out);
}

static int trend_direct(subject_ctx *x, const oomsift_trend_spec *t, const series_query *q,
                        const char *sql, oomsift_trend *out)
{
	double ts = ts_of(&q->axis->t);
	sqlite3_stmt *st;
	int rc;

	if (!(st = cached_stmt(x->c, sql)))
		return OOMSIFT_ESTORE;
	bind_window(st, q->host, q->axis, ts - t->window_s, ts);
	if (t->name)
		sqlite3_bind_text(st, 4, t->name, -1, SQLITE_STATIC);
	if ((rc = bind_same(x, st, t->same, t->nsame, 5)) == 0)
		rc = fit_rows(x, st, out);
	sqlite3_reset(st);
	return rc;
}

/* Appends ` AND` the same fields and the order of a trend's statement. */
static int trend_tail(subject_ctx *x, const oomsift_trend_spec *t, oomsift_buf *sql,
                      const char *order)
{
	int rc;

	if ((rc = append_same(sql, &x->c->cols[OOMSIFT_SUBJECT_EVENT], t->same, t->nsame, 5,
	                      "trend")) < 0)
		return rc;
	if (oomsift_buf_printf(sql, " %s", order) < 0)
		return oomsift_error_set(OOMSIFT_ELIMIT, "rules: trend compares too many fields");
	return 0;
}

/* The statements of a trend: sql, the points of the window (?2 .. ?3);
 * series, the points of all time. A task_rss_kb series holds every task name
 * of the host, by name: one pass over the host's task tables serves every
 * name asked for (store/classify_series.c sums each event's tasks by name). */
static int trend_sql(subject_ctx *x, const oomsift_trend_spec *t, const time_axis *a,
                     oomsift_buf *sql, oomsift_buf *series, enum series_kind *kind)
{
	char order[64];
	int rc;

	snprintf(order, sizeof(order), "ORDER BY %s, e.id", a->col);
	if (oomsift_buf_printf(sql, "SELECT %s, %s FROM oom_events e WHERE e.host = ?1 AND %s",
	                       a->col, trend_figure(t->figure), a->where) < 0)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = trend_tail(x, t, sql, order)) < 0)
		return rc;
	*kind = SERIES_FIGURES;
	if (strcmp(t->figure, "task_rss_kb") != 0)
		return oomsift_buf_append(series, sql->data, sql->len + 1) < 0
		           ? oomsift_error_set(OOMSIFT_ENOMEM, "out of memory")
		           : 0;
	/* the task rows in the order of the events (on the wall-time axis the
	 * order of the index event_host_ts: no sort), grouped in C */
	*kind = SERIES_NAMED;
	if (oomsift_buf_printf(series,
	                       "SELECT %s, e.id, t.name, t.rss_pages FROM oom_events e "
	                       "JOIN oom_tasks t ON t.event_id = e.id WHERE e.host = ?1 AND %s",
	                       a->col, a->where) < 0)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return trend_tail(x, t, series, order);
}

/* The statements of t on the axis a: built on first use. */
static int trend_cond(subject_ctx *x, const oomsift_trend_spec *t, const time_axis *a,
                      const cond_sql **out)
{
	cond_sql k = {.trend = true,
	              .uptime = a->where == uptime_where,
	              .figure = t->figure,
	              .same = t->same,
	              .nsame = t->nsame};
	oomsift_buf sql, series;
	enum series_kind kind = SERIES_FIGURES;
	int rc;

	if ((*out = cond_find(x->c, &k)))
		return 0;
	oomsift_buf_init(&sql, CLASSIFY_SQL_MAX);
	oomsift_buf_init(&series, CLASSIFY_SQL_MAX);
	if ((rc = trend_sql(x, t, a, &sql, &series, &kind)) == 0) {
		k.series_kind = kind;
		if ((rc = cond_texts(&k, &sql, &series)) == 0)
			rc = cond_add(x->c, &k, out);
	}
	oomsift_buf_free(&sql);
	oomsift_buf_free(&series);
	return rc;
}

/* A task_rss_kb trend without same fields on the wall-time axis, from the
 * feed: *done false when the feed cannot answer (an event of the window not
 * fed), and the SQL series is asked. */
static int trend_fed(subject_ctx *x, const oomsift_trend_spec *t, const oomsift_value *host,
                     double ts, oomsift_trend *out, bool *done)
{
	classifier *c = x->c;
	const feed_host *h;
	const feed_point *p;
	const double *times;
	trend_fit f = {0};
	size_t n;
	int rc;

	*done = false;
	c->feed.on = true;
	/* the subject itself: its task table read now, or still kept */
	if ((rc = (x->loaded & G_TASKS) ? feed_subject(x) : ensure(x, G_TASKS)) < 0)
		return rc;
	if (!c->feed.on || !(h = feed_host_find(&c->feed, host->s, host->len)) ||
	    !feed_window(h, t->name, ts - t->window_s, ts, &times, &p, &n))
		return 0;
	for (size_t i = 0; i < n; i++)
		fit_point(&f, out, times[p[i].at], (double)p[i].kb);
	fit_end(&f, out);
	*done = true;
	return 0;
}

static int trend(void *data, const oomsift_trend_spec *t, oomsift_trend *out)
{
	subject_ctx *x = data;
	const classify_series *s;
	const cond_sql *k;
	oomsift_value host;
	time_axis axis;
	series_query q;
	double ts;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!trend_figure(t->figure))
		return oomsift_error_set(OOMSIFT_ERULE, "rules: no trend figure '%s'",
		                         t->figure ? t->figure : "");
	if (strcmp(t->figure, "task_rss_kb") == 0 && !t->name)
		return oomsift_error_set(OOMSIFT_ERULE, "rules: a task_rss_kb trend needs a name");
	if ((rc = load_row(x)) < 0)
		return rc;
	host = row_get(x, "host");
	axis_of(x, &axis);
	if ((rc = trend_cond(x, t, &axis, &k)) < 0)
		return rc;
	if (!axis.ok || host.type != OOMSIFT_VALUE_TEXT)
		return 0; /* no window: no points */
	ts = ts_of(&axis.t);
	if (k->series_kind == SERIES_NAMED && t->nsame == 0 && axis.where != uptime_where &&
	    x->kind == OOMSIFT_SUBJECT_EVENT && !x->c->feed.stopped) {
		bool done;
		if ((rc = trend_fed(x, t, &host, ts, out, &done)) < 0 || done)
			return rc;
	}
	q = (series_query){.sql = k->series,
	                   .sql_id = k->series_id,
	                   .kind = (enum series_kind)k->series_kind,
	                   .host = &host,
	                   .axis = &axis,
	                   .name = t->name,
	                   .same = t->same,
	                   .nsame = t->nsame,
	                   .first_same = 5};
	if ((rc = series_of(x, &q, &s)) < 0)
		return rc;
	if (s)
		fit_series(s, &q, ts - t->window_s, ts, out);
	else
		rc = trend_direct(x, t, &q, k->direct, out);
	return rc;
}

oomsift_rule_ctx classify_subject_ctx(subject_ctx *x)
{
	return (oomsift_rule_ctx){.field = field, .history = history, .trend = trend, .data = x};
}
