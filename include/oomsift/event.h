/*
 * One OOM event: a kernel OOM invocation with or without its kill, or a kill
 * seen without its header. Every field is optional, because real reports
 * arrive cut, filtered and interleaved: integers hold OOMSIFT_UNSET and
 * strings are NULL when the kernel did not print them.
 *
 * An event owns all its strings (in `arena`) and its arrays; release it with
 * oomsift_event_free().
 */
#ifndef OOMSIFT_EVENT_H
#define OOMSIFT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/buf.h"

#define OOMSIFT_UNSET INT64_MIN

typedef enum oomsift_event_kind {
	OOMSIFT_KERNEL_OOM = 0, /* host-wide (or cpuset / mempolicy constrained) */
	OOMSIFT_MEMCG_OOM,      /* a memory cgroup hit its limit */
	OOMSIFT_OOMD_KILL,      /* systemd-oomd killed a cgroup */
	OOMSIFT_EARLYOOM_KILL,  /* earlyoom killed a process */
	OOMSIFT_SYSTEMD_OOM,    /* systemd reported an OOM kill in a unit, nothing else shows it */
	OOMSIFT_CONTAINER_OOM,  /* containerd reported a container OOM, nothing else shows it */
	OOMSIFT_K8S_EVICTION,   /* the kubelet evicted pods to reclaim memory */
	OOMSIFT_EVENT_KIND_COUNT
} oomsift_event_kind;

/* How an event's wall time was obtained. */
typedef enum oomsift_ts_quality {
	OOMSIFT_TS_UNKNOWN = 0, /* no wall time at all */
	OOMSIFT_TS_EXACT,       /* read from the record's own time stamp */
	OOMSIFT_TS_DERIVED,     /* uptime + the boot time of its host, learnt elsewhere */
} oomsift_ts_quality;

typedef enum oomsift_kill_kind {
	OOMSIFT_KILL_VICTIM = 0, /* "Killed process" */
	OOMSIFT_KILL_SHARED_MM,  /* "Kill process N (comm) sharing same memory" */
	OOMSIFT_KILL_REAPED,     /* "oom_reaper: reaped process" (rss = after reaping) */
	OOMSIFT_KILL_UNABLE_TO_REAP,
} oomsift_kill_kind;

typedef struct oomsift_kill {
	oomsift_kill_kind kind;
	int64_t pid, uid, total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb,
	    oom_score_adj;
	const char *comm;
	const char *reason; /* "Out of memory", "Memory cgroup out of memory", … */
	bool oom_group;     /* killed because of memory.oom.group */
} oomsift_kill;

/* One task-table row; units are those of the kernel's columns (pages, bytes). */
typedef struct oomsift_task {
	int64_t pid, uid, tgid, total_vm, rss, rss_anon, rss_file, rss_shmem, pgtables_bytes,
	    nr_ptes, nr_pmds, nr_puds, swapents, cpu, oom_adj, oom_score_adj;
	const char *name;
} oomsift_task;

/* One value of a key/value bag: Mem-Info, node and zone lines, memcg statistics. */
typedef struct oomsift_kv {
	const char *section; /* "meminfo", "node 0", "zone Node 0 DMA32", "memcg_stat /a", … */
	const char *key;
	int64_t value;
	const char *unit; /* static string: "pages", "kB", "bytes", "count", "bool" */
} oomsift_kv;

/* usage/limit/failcnt of one memcg counter line ("memory:", "swap:", …). */
typedef struct oomsift_counter {
	int64_t usage_kb, limit_kb, failcnt;
} oomsift_counter;

/* What identifies an event across wrappers: the text of one OOM line (wrapper
 * stripped, with its host) and the times it was printed at. The same kill read
 * from dmesg, kern.log and a journal has equal keys. */
typedef struct oomsift_event_key {
	uint64_t hash; /* XXH3-64 of host and line text; 0 = no key */
	double uptime_s, ts_unix;
	bool has_uptime, has_ts;
} oomsift_event_key;

typedef struct oomsift_event {
	oomsift_arena arena; /* owns every string below */

	const char *host;
	double ts_unix, uptime_s;
	bool has_ts, ts_subsec, has_uptime;
	oomsift_ts_quality ts_quality;
	const char *boot_id; /* journal boot id, NULL when unknown */
	double boot_time;    /* estimated boot time (wall - uptime), valid when has_boot_time */
	bool has_boot_time;
	bool truncated; /* a line of the report was cut (line cap, pager ellipsis) */
	oomsift_event_kind kind;

	/* trigger: the task whose allocation invoked the OOM killer */
	const char *kernel, *trigger_comm, *gfp_mask, *gfp_flags, *nodemask, *tainted, *hardware,
	    *cpuset, *mems_allowed, *workqueue;
	int64_t trigger_pid, trigger_uid, trigger_oom_score_adj, trigger_oom_adj, alloc_order, cpu;

	/* constraint and cgroups */
	const char *oom_constraint, *oom_memcg, *task_memcg;
	oomsift_counter memcg_mem, memcg_swap, memcg_memsw, memcg_kmem;

	/* host memory */
	int64_t swap_free_kb, swap_total_kb, ram_pages, reserved_pages;

	/* the victim and the kill decision */
	int64_t victim_pid, victim_uid, victim_total_vm_kb, victim_anon_rss_kb, victim_file_rss_kb,
	    victim_shmem_rss_kb, victim_pgtables_kb, victim_oom_score_adj, kill_score;
	const char *victim_comm, *kill_reason, *panic;

	bool has_header, has_kill, manual, no_killable, has_task_table;

	oomsift_task *tasks;
	size_t ntasks, tasks_cap;
	oomsift_kill *kills;
	size_t nkills, kills_cap;
	oomsift_kv *kvs;
	size_t nkvs, kvs_cap;

	/* first: the line that opened the report; kill: the victim's kill line */
	oomsift_event_key key_first, key_kill;

	oomsift_buf raw; /* the report's physical lines, as read */
	unsigned char fingerprint[16];
	const char *source; /* path of the file the event was first read from */
	uint64_t line;      /* 1-based line of the event's first line in source */

	/* ---- user-space actors and follow-ups (kernel-formats.md §3) ----
	 * Set on the user-space kinds, and on kernel events that a user-space
	 * line was linked to. Unset: NULL, OOMSIFT_UNSET, or NAN for doubles. */
	const char *unit;           /* systemd unit that reported the kill ("mysqld.service") */
	const char *unit_result;    /* "oom-kill" of "<unit>: Failed with result 'oom-kill'." */
	const char *seen_by;        /* actors that also reported it: "systemd,containerd,kubelet" */
	const char *container_id;   /* containerd TaskOOM container id (64 hex digits) */
	const char *pods;           /* k8s_eviction: evicted pods, "ns/name", comma-separated */
	const char *kill_signal;    /* earlyoom: the last signal sent ("SIGTERM", "SIGKILL") */
	const char *victim_cmdline; /* earlyoom 1.8+: the victim's command line */
	int64_t victim_vmrss_kb;    /* earlyoom: the victim's VmRSS, KiB (printed in MiB) */
	int64_t mem_avail_kb, mem_total_kb; /* earlyoom status line "mem avail: A of T MiB" */
	int64_t oomd_mem_used_bytes, oomd_mem_total_bytes;   /* systemd-oomd swap kill */
	int64_t oomd_swap_used_bytes, oomd_swap_total_bytes; /* systemd-oomd swap kill */
	int64_t oomd_killed_processes;  /* N of "systemd-oomd killed N process(es) in this unit." */
	double oomd_pressure_pct;       /* avg10 memory pressure of the monitored cgroup, % */
	double oomd_pressure_limit_pct; /* its ManagedOOMMemoryPressureLimit, % */
	double oomd_duration_s;         /* "for > 20s": how long pressure stayed above it */
	double oomd_swap_limit_pct;     /* "being more than 90.00%": the swap kill's limit */
} oomsift_event;

/*
 * A memory event that is not an OOM kill (kernel-formats.md §1.4): an
 * overcommit refusal (mmap/brk/fork got ENOMEM) or an allocation failure or
 * stall reported by warn_alloc(). Fixed-size text fields, cut at their size:
 * a memory event owns no allocation and is valid only during the callback
 * that receives it.
 */
typedef enum oomsift_memevent_kind {
	OOMSIFT_MEM_OVERCOMMIT_REFUSAL = 0, /* __vm_enough_memory: … enough memory … */
	OOMSIFT_MEM_PAGE_ALLOC_FAILURE,     /* comm: page allocation failure[.:] order:N */
	OOMSIFT_MEM_PAGE_ALLOC_STALL,       /* comm: page allocation stalls for Nms */
	OOMSIFT_MEM_VMALLOC_FAILURE,        /* comm: vmalloc error: / vmalloc: allocation failure */
	OOMSIFT_MEMEVENT_KIND_COUNT
} oomsift_memevent_kind;

#define OOMSIFT_MEMEVENT_TEXT 1024

typedef struct oomsift_memevent {
	oomsift_memevent_kind kind;
	const char *host;
	double ts_unix, uptime_s;
	bool has_ts, ts_subsec, has_uptime;
	int64_t pid;         /* overcommit: pid:; allocation failure: from the stack header */
	int64_t alloc_order; /* order: (vmalloc 5.13+: page order) */
	int64_t bytes;       /* overcommit 6.12+ bytes:; vmalloc size */
	char comm[64];
	char gfp_mask[32];                   /* mode:0x… as printed */
	char gfp_flags[256];                 /* symbolic flags after the mask (4.9+) */
	char message[OOMSIFT_MEMEVENT_TEXT]; /* the line's message, wrapper stripped */
	unsigned char fingerprint[16];       /* host, time and message, numbered apart */
	const char *source;                  /* set by the input stage */
	uint64_t line;
} oomsift_memevent;

/* Allocates an empty event with every field unset. */
oomsift_event *oomsift_event_new(void);
void oomsift_event_free(oomsift_event *ev);

/* Copies a string into the event; NULL on allocation failure. */
const char *oomsift_event_strdup(oomsift_event *ev, const char *s, size_t n);

/* Number of processes killed: OOMSIFT_KILL_VICTIM and OOMSIFT_KILL_SHARED_MM
 * kills, a pid printed twice (memory.oom.group) counted once. */
size_t oomsift_event_kill_count(const oomsift_event *ev);

/* True when the report has its header and an end (kill, no killable task,
 * panic); always for the user-space kinds, which are one line each. */
bool oomsift_event_complete(const oomsift_event *ev);

/* Names as stored in the schema; _from_name returns -1 for an unknown name. */
const char *oomsift_event_kind_name(oomsift_event_kind kind);
const char *oomsift_kill_kind_name(oomsift_kill_kind kind);
int oomsift_event_kind_from_name(const char *name);
const char *oomsift_ts_quality_name(oomsift_ts_quality q);
int oomsift_kill_kind_from_name(const char *name);
const char *oomsift_memevent_kind_name(oomsift_memevent_kind kind);

#endif
