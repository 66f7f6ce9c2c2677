/*
 * What store/classify.c (the classification run) and store/classify_ctx.c
 * (what rules read about one subject) share. Not installed.
 */
#ifndef OOMSIFT_STORE_CLASSIFY_INTERNAL_H
#define OOMSIFT_STORE_CLASSIFY_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "oomsift/buf.h"
#include "oomsift/rules.h"
#include "oomsift/store.h"

/* Columns of a public view (oom_events has about 100). */
#define CLASSIFY_MAX_COLS 256
/* Text one subject may hold while it is evaluated: its row, task names,
 * matches. A row holds at most a few lines of 64 KiB. */
#define CLASSIFY_ARENA_MAX (4u << 20)
/* Host facts remembered per subject; more are asked again. */
#define CLASSIFY_MAX_FACTS 32
/* Prepared history and trend statements (one per distinct condition). */
#define CLASSIFY_SQL_CACHE 64
/* Longest history or trend statement: a few dozen column names. */
#define CLASSIFY_SQL_MAX 8192
/* Longest statement that reads a subject's row: every column of its view. */
#define CLASSIFY_ROW_SQL_MAX (64u << 10)
/* Series of history and trend conditions kept during a run
 * (store/classify_series.c): their memory, their number, the buckets of
 * their table. A series larger than a quarter of the memory is not kept; a
 * key longer than CLASSIFY_SERIES_KEY_MAX is not cached. */
#define CLASSIFY_SERIES_MAX_BYTES (32u << 20)
#define CLASSIFY_SERIES_MAX_COUNT 65536
#define CLASSIFY_SERIES_BUCKETS   8192
#define CLASSIFY_SERIES_KEY_MAX   (64u << 10)

/* Slots of the table of field names of a view: more than twice its columns
 * and derived fields, so that a probe stays short. */
#define CLASSIFY_FIELD_SLOTS 1024

/* What a field name of a rule reads: a derived field (its index in the
 * table of classify_ctx.c) and a column of the view, or -1. */
typedef struct field_slot {
	const char *name; /* NULL: empty slot */
	int derived, col;
} field_slot;

/* The columns of one public view, as SQLite names them: the only names that
 * history and trend conditions may paste into SQL. A subject's row is read
 * with the columns some rule has asked for during the run (about a fifth of
 * oom_events'), not all of them: the statement grows when a rule asks for
 * another column. */
typedef struct view_cols {
	const char *view;
	char *names[CLASSIFY_MAX_COLS];
	size_t n;
	field_slot fields[CLASSIFY_FIELD_SLOTS]; /* by name: open addressing */
	bool wanted[CLASSIFY_MAX_COLS];          /* read by the row statement */
	int selected[CLASSIFY_MAX_COLS];         /* its columns, by index in the view */
	size_t nselected;
	sqlite3_stmt *row_st; /* NULL: to prepare before the next read */
} view_cols;

/* Rows of one task table kept in C for the derived fields (largest, rank,
 * top_name), and the bytes of their names; a larger table is read again, and
 * grouped for top_name by SQLite. */
#define CLASSIFY_TOP_TASKS      8192
#define CLASSIFY_TOP_NAME_BYTES (256u << 10)
/* Slots of the table that groups a kept task table by name for top_name:
 * twice its rows, so it is never more than half full. */
#define CLASSIFY_TOP_SLOTS (2 * CLASSIFY_TOP_TASKS)

/* The tasks of one name, for top_name: its first (lowest) row's task. */
typedef struct name_group {
	size_t first, slot; /* index in classifier.tasks; in classifier.top_slots */
	int64_t sum, count;
	bool has_rss;
} name_group;

/* One row of a task table. */
typedef struct named_task {
	const char *name; /* in classifier.names, once they are all read */
	size_t off, len;
	int name_type; /* SQLITE_NULL, SQLITE_TEXT, …: name holds its text */
	int64_t rss, row, pid, adj;
	bool has_rss, has_pid, has_adj;
	bool rss_int; /* rss_pages is an integer (not only a number SQLite reads as one) */
} named_task;

/* Host facts known to be absent during a run (a host and key whose query
 * found no row: the subject's time only orders the rows), in slots emptied
 * when half full; a longer host and key is not remembered. */
#define CLASSIFY_ABSENT_FACTS   4096
#define CLASSIFY_ABSENT_KEY_MAX 512

typedef struct absent_fact {
	uint64_t hash;
	char *key; /* host, NUL, key; NULL: empty slot */
	size_t len;
} absent_fact;

/* The points of one history or trend query over all time
 * (store/classify_series.c). */
typedef struct classify_series classify_series;

typedef struct series_cache {
	classify_series **buckets; /* CLASSIFY_SERIES_BUCKETS, allocated on first use */
	size_t bytes, count;
} series_cache;

/* The statements of one history or trend condition on one time axis, built
 * once per run (CLASSIFY_COND_SQL of them; full, they are built again). The
 * statements depend only on what the key holds: the kind of condition, its
 * subject or figure, its same fields and the axis. */
#define CLASSIFY_COND_SQL 128

typedef struct cond_sql {
	bool trend, uptime;
	oomsift_rule_subject of; /* history */
	const char *figure;      /* trend; the caller's, while it is looked up */
	const char *const *same; /* the caller's, while it is looked up */
	size_t nsame;
	char *names;        /* kept: the figure (of a trend) and the same fields, each
	                     * NUL-terminated */
	char *direct;       /* the window ?2 .. ?3; NULL: too long (an error when used) */
	char *series;       /* all time; NULL as direct */
	uint64_t series_id; /* names the series text in series keys */
	int series_kind;    /* enum series_kind */
} cond_sql;

/* The names of meminfo_name (id, key, unit) whose values the meminfo.*
 * fields read: a few keys in a few units; an id below CLASSIFY_MI_DIRECT is
 * found by its index. */
#define CLASSIFY_MI_NAMES  128
#define CLASSIFY_MI_DIRECT 4096

typedef struct mi_name {
	int64_t id;
	char key[24];
	char unit[16]; /* "" for a longer one: neither kB nor bytes */
} mi_name;

/* The task_rss_kb series of hosts fed from the task tables read per event
 * (store/classify_feed.c): their memory, and the buckets of their table. */
#define CLASSIFY_FEED_MAX_BYTES (32u << 20)
#define CLASSIFY_FEED_BUCKETS   1024

typedef struct feed_host feed_host;

/* A point of a task name: the index of its event in the host's list, and
 * the figure (kB; a sum that does not fit leaves the host to the SQL
 * series). */
typedef struct feed_point {
	uint32_t at;
	uint32_t kb;
} feed_point;

typedef struct task_feed {
	bool on;      /* events are fed (a trend asked for it) */
	bool stopped; /* past the memory bound: never on again in this run */
	feed_host **buckets;
	size_t bytes;
} task_feed;

typedef struct classifier {
	oomsift_store *s;
	mi_name mi_names[CLASSIFY_MI_NAMES];
	size_t n_mi_names;
	int64_t mi_max_id;                          /* the largest id read from meminfo_name */
	unsigned char mi_index[CLASSIFY_MI_DIRECT]; /* id -> 1 + index in mi_names, 0: none */
	view_cols cols[2];                          /* by oomsift_rule_subject */
	struct {
		char *sql;
		sqlite3_stmt *st;
	} cache[CLASSIFY_SQL_CACHE];
	size_t ncache, next_evict;
	series_cache series;
	oomsift_buf names; /* of the kept tasks */
	named_task *tasks; /* CLASSIFY_TOP_TASKS: the subject's task table */
	size_t ntasks;
	uint32_t *top_slots;    /* CLASSIFY_TOP_SLOTS: 1 + index in top_groups, 0: free */
	name_group *top_groups; /* CLASSIFY_TOP_TASKS */
	bool tasks_kept;        /* false: the table did not fit, ask SQLite */
	absent_fact *absent;    /* CLASSIFY_ABSENT_FACTS, allocated on first use */
	size_t nabsent;
	task_feed feed;
	cond_sql *conds; /* CLASSIFY_COND_SQL, allocated on first use */
	size_t nconds;
	uint64_t series_ids; /* the last id given to a series text */
} classifier;

/* Derived fields of an event (FIELDS.md), computed in groups on demand. */
enum derived_field {
	D_TASKS_COUNT,
	D_TASKS_RSS_KB,
	D_LARGEST_NAME,
	D_LARGEST_PID,
	D_LARGEST_RSS_KB,
	D_LARGEST_ADJ,
	D_LARGEST_SHARE,
	D_LARGEST_IS_VICTIM,
	D_VICTIM_RANK,
	D_VICTIM_TASK_RSS_KB,
	D_TOP_NAME,
	D_TOP_COUNT,
	D_TOP_RSS_KB,
	D_TOP_SHARE,
	D_MEM_TOTAL_KB,
	D_MEM_LIMIT_KB,
	D_MEM_TASKS_SHARE,
	D_MI_FREE_KB,
	D_MI_SHMEM_KB,
	D_MI_SLAB_UNRECLAIMABLE_KB,
	D_MI_SLAB_RECLAIMABLE_KB,
	D_MI_PAGETABLES_KB,
	D_MI_ANON_KB,
	D_MI_FILE_KB,
	D_MI_KERNEL_STACK_KB,
	D_MI_HUGEPAGES_KB,
	D_SHARE_SHMEM,
	D_SHARE_SLAB_UNRECLAIMABLE,
	D_SHARE_HUGEPAGES,
	D_SHARE_KERNEL,
	/* added to the first contract */
	D_LARGEST_LIMIT_SHARE,
	D_TOP_LIMIT_SHARE,
	D_SWAP_USED_SHARE,
	D_MEMCG_USAGE_SHARE,
	D_MEMCG_SUGGEST_KB,
	NDERIVED
};

typedef struct subject_fact {
	const char *key; /* in the arena */
	oomsift_value v;
} subject_fact;

/* One subject while it is evaluated. Every text value it hands out lives in
 * its arena until classify_subject_end(). */
typedef struct subject_ctx {
	classifier *c;
	oomsift_rule_subject kind;
	int64_t id;
	oomsift_arena arena;
	unsigned loaded; /* groups computed (classify_ctx.c) */
	bool fed;        /* its task table went to the feed */
	oomsift_value row[CLASSIFY_MAX_COLS];
	oomsift_value derived[NDERIVED];
	subject_fact facts[CLASSIFY_MAX_FACTS];
	size_t nfacts;
} subject_ctx;

/* Reads the views' columns. Fails with the store's error. */
int classifier_init(classifier *c, oomsift_store *s);
void classifier_free(classifier *c);

void classify_subject_begin(subject_ctx *x, classifier *c, oomsift_rule_subject kind, int64_t id);
/* Frees what the subject held: every value handed out becomes invalid. */
void classify_subject_end(subject_ctx *x);
/* The context rules read the subject through (rules.h). */
oomsift_rule_ctx classify_subject_ctx(subject_ctx *x);
/* Copies n bytes into the subject's arena (NUL-terminated) at *out; fails
 * with OOMSIFT_ENOMEM, or OOMSIFT_ELIMIT past CLASSIFY_ARENA_MAX. */
int classify_strndup(subject_ctx *x, const char *s, size_t n, const char **out);

/* What the rows of a series statement hold: column 0 is the time axis
 * (ascending), then the figure (SERIES_FIGURES); or (SERIES_NAMED) task rows:
 * the event id, the task's name and rss_pages, ordered by time and event id,
 * which series_load groups by event and name into the figure
 * `sum(rss_pages) * 4`, and keeps by name, then time. */
enum series_kind { SERIES_TIMES, SERIES_FIGURES, SERIES_NAMED };

/* The cached series of key (len bytes), or NULL: not cached, or (*too_big)
 * cached as too large to keep, to be asked of SQLite window by window. */
const classify_series *series_find(const series_cache *sc, const char *key, size_t len,
                                   bool *too_big);
/* Steps st to its end and keeps its rows as the series of key; rows whose
 * figure is NULL (or, SERIES_NAMED, whose name is not text) are no points.
 * *out is the series, or NULL when it is not kept (remembered as such): too
 * large, or (SERIES_NAMED) a size that is not an integer or a sum that
 * overflows, which SQLite answers window by window. Empties the cache first
 * when it is full. Fails with OOMSIFT_ENOMEM or the store's error; st is not
 * reset. */
int series_load(series_cache *sc, oomsift_store *store, const char *key, size_t len,
                sqlite3_stmt *st, enum series_kind kind, const classify_series **out);
/* The points of s (of one name for SERIES_NAMED, else name NULL) whose time
 * is in [from, to], in order: their count, and their times and figures (NULL
 * for SERIES_TIMES) at *t and *v. */
size_t series_window(const classify_series *s, const char *name, double from, double to,
                     const double **t, const double **v);
void series_cache_free(series_cache *sc);

/* Feeds the task table of an event (its kept rows, in their printed order)
 * to the series of its host, when the feed is on; the host's events are read
 * on its first use. Fails with OOMSIFT_ENOMEM or the store's error; past the
 * memory bound the feed stops (not an error). */
int feed_event(task_feed *f, oomsift_store *s, const char *host, size_t hostlen, double ts,
               int64_t id, const named_task *tasks, size_t ntasks);
/* The host's fed series, or NULL. */
const feed_host *feed_host_find(const task_feed *f, const char *host, size_t len);
/* The points of name among the host's events whose time is in [from, to]:
 * false when one of those events has not been fed (ask the SQL series);
 * else *n points at *p, each at the time (*ts)[p->at], in the series' order. */
bool feed_window(const feed_host *h, const char *name, double from, double to, const double **ts,
                 const feed_point **p, size_t *n);
void feed_free(task_feed *f);

/* The view a subject kind is a row of, and its name in classification. */
const char *classify_subject_view(oomsift_rule_subject kind);
const char *classify_subject_name(oomsift_rule_subject kind);

#endif
