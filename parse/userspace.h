/*
 * User-space OOM actors and memory events that are not kills (internal to
 * parse/; kernel-formats.md §3 and §1.4).
 *
 * Two layers. The recognisers (us_parse, us_parse_memevent) read one message
 * into fields and keep no state; they are table-tested. The linker (us_ctx,
 * us_host) runs inside the assembler: it turns recognised lines into events
 * (oomd_kill, earlyoom_kill, systemd_oom, container_oom, k8s_eviction), links
 * follow-ups (systemd unit notices, containerd TaskOOM, kubelet SystemOOM) to
 * the kill they report, and delivers memory events. To let late follow-ups
 * find their kill, every event is held for HOLD seconds of log time before it
 * is handed on.
 */
#ifndef OOMSIFT_PARSE_USERSPACE_H
#define OOMSIFT_PARSE_USERSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/envelope.h"
#include "oomsift/event.h"
#include "oomsift/oom.h"
#include "parse/oom_lines.h"
#include "parse/re.h"

/* ---- recognisers ---- */

typedef enum us_type {
	US_NONE = 0,
	US_OOMD_PRESSURE, /* systemd-oomd: Killed|Marked X due to memory pressure for Y … */
	US_OOMD_SWAP,     /* systemd-oomd: Killed|Marked X due to [memory used … and] swap … */
	US_EARLYOOM_KILL, /* earlyoom 1.0 … 1.9+: the kill line */
	US_EARLYOOM_STATUS, /* earlyoom: mem avail: … swap free: … */
	US_UNIT_OOM,        /* <unit>: A process of this unit has been killed by the OOM killer. */
	US_UNIT_OOMD,       /* <unit>: systemd-oomd killed N|some process(es) in this unit. */
	US_UNIT_RESULT_OOM, /* <unit>: Failed with result 'oom-kill'. */
	US_UNIT_SIGKILL,    /* <unit>: [Mm]ain process exited, code=killed, status=9/KILL */
	US_K8S_RECLAIM,    /* kubelet eviction manager: attempting to reclaim / must evict memory */
	US_K8S_EVICTED,    /* kubelet: "Eviction manager: pod is evicted successfully" pod="…" */
	US_K8S_SYSTEM_OOM, /* kubelet: System OOM encountered, victim process: X, pid: N */
	US_CONTAINERD_OOM, /* containerd: TaskOOM event (1.2 … 2.x) */
} us_type;

/* The fields of one recognised line. Spans point into the message; unset
 * integers are OOMSIFT_UNSET, unset doubles NAN, unset spans {NULL, 0}. */
typedef struct us_fields {
	us_type type;
	oomsift_span unit;      /* unit lines */
	oomsift_span cgroup;    /* oomd: the killed cgroup */
	oomsift_span monitored; /* oomd pressure kill: the monitored cgroup */
	oomsift_span comm;      /* earlyoom victim; kubelet SystemOOM victim */
	oomsift_span cmdline;   /* earlyoom 1.8+ */
	oomsift_span signal;    /* earlyoom: SIGTERM, SIGKILL, or 1.2's number */
	oomsift_span container; /* containerd: 64 hex digits */
	oomsift_span pod;       /* kubelet: ns/name */
	int64_t pid, uid, score, oom_score_adj, rss_mib, processes;
	int64_t mem_avail_mib, mem_total_mib, swap_free_mib, swap_total_mib; /* earlyoom status */
	int64_t mem_used, mem_total, swap_used, swap_total;                  /* oomd, bytes */
	double pressure_pct, pressure_limit_pct, duration_s, swap_limit_pct; /* oomd */
} us_fields;

typedef struct us_patterns us_patterns;

int us_patterns_new(us_patterns **out);
void us_patterns_free(us_patterns *p);

/* Recognises a user-space message (the text after the syslog tag); ident
 * (may be NULL) is the tag, needed only for earlyoom 1.0's unspecific
 * "Killing process N comm". Each actor's text is looked for where that actor
 * puts it (start or end of the message, after a klog or logrus header), so a
 * line of nobody's OOM costs a few compares. */
bool us_parse(us_patterns *p, const char *ident, size_t ident_len, const char *msg, size_t len,
              us_fields *out);

/* Recognises a kernel memory-event message (overcommit refusal, page
 * allocation failure or stall, vmalloc failure) and fills kind, comm, pid
 * (overcommit only), alloc_order, bytes, gfp_mask, gfp_flags and message.
 * Leaves host, times, fingerprint, source and line alone. */
bool us_parse_memevent(us_patterns *p, const char *msg, size_t len, oomsift_memevent *me);

/* Parses a systemd timespan ("20s", "1min 30s", "1.500s", "2h 5min") into
 * seconds; NAN when it is not one. */
double us_parse_timespan(const char *s, size_t len);

/* ---- linker ---- */

typedef struct us_ctx us_ctx;   /* one per assembler */
typedef struct us_host us_host; /* one per host of the assembler */

/* cb receives every event (kernel events handed in through us_kernel_closed
 * included) and takes ownership, as oomsift_event_cb does. */
int us_ctx_new(us_ctx **out, oomsift_event_cb cb, void *ctx);
void us_ctx_free(us_ctx *u);
void us_ctx_set_memevent_cb(us_ctx *u, oomsift_memevent_cb cb, void *ctx);

/* NULL on allocation failure. us_host_free drops held events undelivered. */
us_host *us_host_new(void);
void us_host_free(us_host *uh);

/* Every record of the host, before the assembler reads it: advances the
 * host's log clock (delivering events held long enough), completes a pending
 * allocation failure with its stack header's pid, and handles user-space
 * lines (kernel == false). open is the host's open kernel report or NULL;
 * follow-ups may be linked to it. */
int us_record(us_ctx *u, us_host *uh, const char *host, size_t host_len, oomsift_event *open,
              bool kernel, const oomsift_record *rec, const char *line, size_t line_len);

/* A kernel record the assembler classified as a marker: memory events for
 * OOM_LOOKALIKE lines; a new boot (OOM_BOOT) delivers everything held. */
int us_kernel_marker(us_ctx *u, us_host *uh, const char *host, size_t host_len, oom_line type,
                     const oomsift_record *rec);

/* A finished kernel report (ownership taken): pending follow-ups are linked
 * to it, then it is held like any event. */
int us_kernel_closed(us_ctx *u, us_host *uh, oomsift_event *ev);

/* Whether a user-space message may be about OOM (the cheap gate before
 * us_parse; parse/marker_scan.c searches for the same strings). */
bool us_line_about_oom(const char *msg, size_t len);

/* Events held and memory events pending, over all hosts: not handed on yet. */
size_t us_held(const us_ctx *u);

/* The memory events pending, over all hosts: each waits for the kernel lines
 * that follow it (the stack header that names the task). An event held waits
 * only for user-space lines and for its host's clock to move on. */
size_t us_mem_pending(const us_ctx *u);

/* Delivers everything the host holds (end of input). */
int us_flush(us_ctx *u, us_host *uh);

#endif
