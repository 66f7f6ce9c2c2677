/*
 * The single-subject view: everything `oomsift show` and `oomsift explain`
 * tell about one OOM event or memory event, gathered from the store and
 * worked out once, so that every renderer (text, Markdown, JSON) shows the
 * same figures: what happened, its causes, where it was read, the memory
 * picture with each part's share of the total, the largest tasks, and what
 * a cut report is missing.
 *
 * Nothing here prints: the CLI renders a view.
 */
#ifndef OOMSIFT_VIEW_H
#define OOMSIFT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/event.h"
#include "oomsift/rules.h"
#include "oomsift/store.h"

#define OOMSIFT_VIEW_TOP_TASKS   10  /* largest tasks kept, by RSS */
#define OOMSIFT_VIEW_MAX_SHARES  16  /* rows of the memory table */
#define OOMSIFT_VIEW_MAX_CAUSES  64  /* matching rules kept; more are counted */
#define OOMSIFT_VIEW_MAX_SOURCES 256 /* places the event was read; more are counted */
#define OOMSIFT_VIEW_MAX_MISSING 8

/* A limit at or above this (KiB) is the kernel's "no limit" (PAGE_COUNTER_MAX). */
#define OOMSIFT_VIEW_NO_LIMIT_KB (INT64_C(1) << 52)

/* One matching rule; the primary cause comes first. */
typedef struct oomsift_view_cause {
	const char *rule_id, *cause, *severity;
	const char *evidence, *advice; /* NULL when the rule has none */
	int priority;
	bool primary;
} oomsift_view_cause;

/* One place the subject was read. */
typedef struct oomsift_view_source {
	const char *path;                           /* as given ("-" for stdin) */
	const char *member;                         /* path inside an archive, or NULL */
	const char *wrapper;                        /* format it was read as, or NULL */
	const char *first_ingested, *last_ingested; /* ISO 8601 UTC, NULL when unknown */
	int64_t line;
} oomsift_view_source;

typedef enum oomsift_view_scope {
	OOMSIFT_VIEW_SCOPE_NONE = 0, /* the report printed no memory figures */
	OOMSIFT_VIEW_SCOPE_HOST,     /* Mem-Info of the host, shares of RAM */
	OOMSIFT_VIEW_SCOPE_CGROUP,   /* the cgroup's memory statistics, shares of its limit */
} oomsift_view_scope;

/* One row of the memory table. Rows that are not `part`s do not overlap, so
 * they add up to the total (the last rows, "other" and "unused", are what is
 * left of it). */
typedef struct oomsift_view_share {
	const char *name; /* "anon", "shmem", "file", "slab", "page tables", … (static) */
	const char *note; /* what the row is, or NULL (static) */
	int64_t kb;
	double share; /* kb / total_kb; NAN when the total is unknown */
	bool part;    /* a part of the row above it, not added to the total */
} oomsift_view_share;

typedef struct oomsift_view_memory {
	oomsift_view_scope scope;
	const char *section;    /* where the figures come from: "Mem-Info", "memory.stat" */
	const char *total_name; /* "RAM", "limit" or "usage" (static), NULL when unknown */
	int64_t total_kb;       /* OOMSIFT_UNSET when unknown */
	oomsift_view_share shares[OOMSIFT_VIEW_MAX_SHARES];
	size_t nshares;
} oomsift_view_memory;

/* One of the largest tasks. */
typedef struct oomsift_view_task {
	const oomsift_task *task; /* a row of the view's event */
	int64_t rss_kb, swap_kb;  /* OOMSIFT_UNSET when the table has no such column */
	double share;             /* rss_kb / memory.total_kb; NAN when unknown */
	bool victim;              /* the victim */
	bool killed;              /* killed with it (shared memory, memory.oom.group) */
	bool trigger;             /* its allocation invoked the OOM killer */
} oomsift_view_task;

/* Parts of a kernel OOM report, in the order the kernel prints them. */
typedef enum oomsift_view_part {
	OOMSIFT_PART_HEADER = 0, /* " invoked oom-killer:" */
	OOMSIFT_PART_STACK,      /* "CPU: N PID: N Comm: … <release>" */
	OOMSIFT_PART_MEMINFO,    /* Mem-Info, or the cgroup's memory statistics */
	OOMSIFT_PART_TASKS,      /* the task table */
	OOMSIFT_PART_KILL,       /* "Killed process …" */
	OOMSIFT_PART_LINE,       /* not a part: a line of the report was cut */
	OOMSIFT_PART_COUNT
} oomsift_view_part;

typedef struct oomsift_view {
	oomsift_rule_subject subject;
	int64_t id;

	/* OOMSIFT_SUBJECT_EVENT: the event, owned by the view */
	oomsift_event *event;
	/* OOMSIFT_SUBJECT_MEMORY_EVENT: the row; host and source point into arena */
	oomsift_memevent memevent;

	const char *ts;    /* wall time as stored (ISO 8601 UTC), NULL when unknown */
	const char *cause; /* primary cause, NULL when none */
	int64_t sightings; /* places the event was read (events) */

	oomsift_view_cause *causes;
	size_t ncauses, causes_dropped;
	oomsift_view_source *sources;
	size_t nsources, sources_dropped;

	oomsift_view_memory memory;
	oomsift_view_task top[OOMSIFT_VIEW_TOP_TASKS];
	size_t ntop;
	int64_t tasks_rss_kb; /* RSS summed over the task table, OOMSIFT_UNSET without one */

	oomsift_view_part missing[OOMSIFT_VIEW_MAX_MISSING];
	size_t nmissing;
	const char *missing_why; /* why they are missing, likely (static), NULL when complete */

	oomsift_arena arena; /* owns the strings of causes, sources and the memory event */
} oomsift_view;

/* Loads subject `id` (an oom_events id, or a memory_events id) with its
 * classifications and sources, and the raw report when want_raw. Fails with
 * OOMSIFT_ENOTFOUND when there is no such subject, OOMSIFT_ESTORE, or
 * OOMSIFT_ENOMEM. Works on a read-only store. Free with oomsift_view_free(). */
int oomsift_view_load(oomsift_store *s, oomsift_rule_subject subject, int64_t id, bool want_raw,
                      oomsift_view **out);

/* The view of an event without a store: takes ownership of ev (also on
 * failure) and works out the memory picture, the largest tasks and what is
 * missing; no causes, no sources. OOMSIFT_ENOMEM on failure. */
int oomsift_view_from_event(oomsift_event *ev, oomsift_view **out);

void oomsift_view_free(oomsift_view *v);

typedef int (*oomsift_view_subject_cb)(void *ctx, oomsift_rule_subject subject, int64_t id);

/* Calls cb for every OOM event and memory event of the store, in the order
 * they were read (by source and line: the order of a log). A negative
 * return from cb stops it with that code. */
int oomsift_view_list(oomsift_store *s, oomsift_view_subject_cb cb, void *ctx);

/* "header", "stack", "meminfo", "task_table", "kill", "line" (as in JSON),
 * and what each part is, as a phrase for people. */
/* The victim's resident size in KiB: anon + file + shmem rss when the kill
 * line printed them, else its VmRSS; OOMSIFT_UNSET when neither is known.
 * The figures come from the log, so a sum past 64 bits stops at INT64_MAX. */
int64_t oomsift_view_victim_rss_kb(const oomsift_event *ev);

const char *oomsift_view_part_name(oomsift_view_part part);
const char *oomsift_view_part_text(oomsift_view_part part);

#endif
