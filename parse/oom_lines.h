/*
 * Recognisers for the lines of a kernel OOM report (internal to parse/).
 *
 * oom_classify_*() look only for the marker strings of each line type, so that
 * an OOM line is found wherever it sits in a message (an unknown prefix costs
 * metadata, never the event). The oom_apply_*() functions then extract the
 * fields of one line into an event. kernel-formats.md §1.3 names each line
 * L1..L20; the comments below use those names.
 */
#ifndef OOMSIFT_PARSE_OOM_LINES_H
#define OOMSIFT_PARSE_OOM_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "oomsift/envelope.h"
#include "oomsift/event.h"
#include "parse/re.h"

typedef enum oom_line {
	OOM_NONE = 0,
	/* lines that open, close or join an event wherever they appear */
	OOM_INVOKED,     /* L1 */
	OOM_SUMMARY,     /* L9 oom-kill:constraint= */
	OOM_KILL_SELECT, /* L10 Kill process … score … */
	OOM_KILLED,      /* L11 Killed process */
	OOM_SHARED_MM,   /* L12 */
	OOM_GROUP,       /* L13 memory.oom.group */
	OOM_REAPED,      /* L14 */
	OOM_UNABLE_REAP, /* L14 */
	OOM_NO_KILLABLE, /* L15 */
	OOM_PANIC,       /* L15 Kernel panic - not syncing */
	OOM_SYSRQ,       /* L16 Manual OOM execution */
	OOM_LOOKALIKE,   /* §1.4: page allocation failure, vmalloc, overcommit refusal, SysRq-m */
	OOM_BOOT,        /* "Linux version": a new boot */
	/* lines that only mean something inside an open report */
	OOM_CPUSET,    /* L3 */
	OOM_STACK_HDR, /* L4 CPU:/Pid: header */
	OOM_HARDWARE,
	OOM_WORKQUEUE,
	OOM_TASK_IN, /* L5 Task in X killed as a result of limit of Y */
	OOM_LIMIT_REACHED,
	OOM_MEMCG_COUNTER, /* L5 memory:/memory+swap:/kmem:/swap: usage */
	OOM_MEMCG_STATS,   /* L5 Memory cgroup stats for */
	OOM_MEMINFO,       /* L6 Mem-Info: */
	OOM_PERCPU,        /* L6 ≤3.16 per-cpu page list lines */
	OOM_NODE,          /* L6 per-node line */
	OOM_ZONE,          /* L6 zone watermark line */
	OOM_LOWMEM,        /* L6 lowmem_reserve[] */
	OOM_BUDDY,         /* L6 buddy free lists */
	OOM_HUGEPAGES,
	OOM_SHOW_MEM,    /* L6 pages RAM, total pagecache pages, … */
	OOM_SWAP,        /* L6 Free swap / Total swap */
	OOM_TASKS_STATE, /* L8 Tasks state (memory values in pages): */
	OOM_TASK_HEADER, /* L8 [ pid ] … name */
} oom_line;

typedef struct oom_patterns oom_patterns;

int oom_patterns_new(oom_patterns **out);
void oom_patterns_free(oom_patterns *p);

/* Classifies a message by the markers of the lines that open, end or join an
 * event (OOM_INVOKED … OOM_BOOT); OOM_NONE otherwise. Every line goes through
 * this, so it tests only those few markers. */
oom_line oom_classify_marker(const char *msg, size_t len);

/* Classifies a line inside an open report (OOM_CPUSET …); OOM_NONE for lines
 * recognised only in context (task rows, Mem-Info counters, memcg statistics). */
oom_line oom_classify_body(const char *msg, size_t len);

/* oom_classify_marker(), then for a line of an open report that is no marker
 * oom_classify_body(), with one pass over the line. */
oom_line oom_classify(const char *msg, size_t len, bool in_report);

/* oom_classify(), remembered: a line of a report often repeats one seen
 * before (a call trace, a header line), and its text decides its class. The
 * last line of each of a fixed number of hash slots is kept with its class;
 * the text is compared in full before its class is taken. */
oom_line oom_classify_line(oom_patterns *p, const char *msg, size_t len, bool in_report);

/* Task-table column layout read from a header line (L8). */
#define OOM_MAX_COLS 24
typedef struct oom_columns {
	int n;                   /* numeric columns between [pid] and name */
	int field[OOM_MAX_COLS]; /* index into oomsift_task's int64 fields, or -1 */
} oom_columns;

/* Each returns false when the line does not have the expected shape. They may
 * return false on allocation failure too; the event then lacks that line. */
bool oom_apply_invoked(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_summary(oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_kill_select(oomsift_event *ev, const char *msg, size_t len);
/* Parses an L11 line into *k (comm and reason copied into ev). */
bool oom_parse_killed(oomsift_event *ev, const char *msg, size_t len, oomsift_kill *k);
bool oom_parse_shared_mm(oomsift_event *ev, const char *msg, size_t len, oomsift_kill *k);
bool oom_parse_reaper(oomsift_event *ev, oom_line type, const char *msg, size_t len,
                      oomsift_kill *k);
bool oom_apply_group(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_panic(oomsift_event *ev, const char *msg, size_t len);
/* True when a panic message is about memory (a panic that ends an OOM report). */
bool oom_panic_is_oom(const char *msg, size_t len);
bool oom_apply_cpuset(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_stack_header(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_after_marker(oomsift_event *ev, const char *marker, const char **field,
                            const char *msg, size_t len);
bool oom_apply_task_in(oom_patterns *p, oomsift_event *ev, oom_line type, const char *msg,
                       size_t len);
bool oom_apply_memcg_counter(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
/* Returns the section name ("memcg_stat PATH") for following 5.3+ stat lines,
 * or NULL when the statistics were inline (≤5.2) and already stored. */
bool oom_apply_memcg_stats(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len,
                           const char **stat_section);
/* Matches a memory.stat line, "key value" (kernel-formats.md §1.3 L5), as
 * the pattern (?:^|\s)([a-z_][a-z0-9_]*) (-?\d+)\s*$ would: sets the key and
 * the number. */
bool oom_match_stat_kv(const char *msg, size_t len, oomsift_span *key, oomsift_span *num);
/* Match a zone watermark line and a buddy line (L6) as their patterns would,
 * for a line without a newline or a carriage return: (?:^|\s)((?:Node \d+ )?[A-Za-z0-9]+)
 * (free:\d+kB .*)$ sets the zone's name and the text from "free:";
 * (?:^|\s)((?:Node \d+ )?[A-Za-z0-9]+): \d+\*\d+kB.*= (\d+)kB\s*$ the name and
 * the free total. */
bool oom_match_zone(const char *msg, size_t len, oomsift_span *name, oomsift_span *rest);
bool oom_match_buddy(const char *msg, size_t len, oomsift_span *name, oomsift_span *free_kb);
bool oom_apply_memcg_stat_kv(oom_patterns *p, oomsift_event *ev, const char *section,
                             const char *msg, size_t len);
bool oom_apply_meminfo_kv(oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_node(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_zone(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_buddy(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_hugepages(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_show_mem(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_apply_swap(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
bool oom_parse_task_header(oom_patterns *p, const char *msg, size_t len, oom_columns *cols);
/* Appends a task row laid out as cols; false when the line is not such a row. */
bool oom_apply_task_row(oomsift_event *ev, const oom_columns *cols, const char *msg, size_t len);

/* Appends one key/value to the event's bags (section and key are copied). */
bool oom_add_kv(oomsift_event *ev, const char *section, size_t slen, const char *key, size_t klen,
                int64_t value, const char *unit);

/* Sets k to the key of the line in rec (oomsift_event_key): its text as every
 * wrapper shows it, with its host, and its times. */
void oom_set_key(oomsift_event_key *k, const char *host, size_t host_len,
                 const oomsift_record *rec);

#endif
