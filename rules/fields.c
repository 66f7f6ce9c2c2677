/*
 * The fields rules may name (the contract with the provider, store/classify.c):
 * every column of the oom_events and memory_events views (docs/schema.md, in
 * the views' order, typed by their affinity), the derived fields of an event,
 * and the fact.KEY namespace. docs/rules.md "Fields" copies these tables;
 * test_rules checks both against the views and the page.
 */
#include <string.h>

#include "rules/internal.h"

#define I OOMSIFT_VALUE_INT
#define R OOMSIFT_VALUE_REAL
#define T OOMSIFT_VALUE_TEXT

#define FACT_FIELD                                                                                 \
	{                                                                                          \
		"fact.KEY", I, "host fact KEY of the subject's host (any key of host_facts)"       \
	}

static const oomsift_rule_field event_fields[] = {
    {"id", I, "event id"},
    {"host", T, "host of the report"},
    {"ts", T, "wall time of the first line, ISO 8601 UTC"},
    {"ts_unix", R, "ts as seconds since the epoch"},
    {"uptime_s", R, "kernel timestamp of the first line, seconds since boot"},
    {"boot_id", T, "journal boot id"},
    {"kind", T, "kernel_oom, memcg_oom, oomd_kill, earlyoom_kill, systemd_oom, ..."},
    {"kernel", T, "kernel release"},
    {"trigger_comm", T, "task whose allocation invoked the OOM killer"},
    {"trigger_pid", I, "its PID"},
    {"gfp_mask", T, "allocation flags as printed"},
    {"gfp_flags", T, "symbolic allocation flags"},
    {"alloc_order", I, "allocation order; -1 is a manual (SysRq-f) OOM"},
    {"oom_constraint", T, "CONSTRAINT_NONE, CONSTRAINT_MEMCG, CONSTRAINT_CPUSET, ..."},
    {"oom_memcg", T, "cgroup whose limit was hit"},
    {"task_memcg", T, "the victim's cgroup"},
    {"victim_pid", I, "PID of the killed process"},
    {"victim_comm", T, "name of the killed process"},
    {"victim_uid", I, "UID of the killed process"},
    {"victim_total_vm_kb", I, "victim's virtual memory, KiB"},
    {"victim_anon_rss_kb", I, "victim's resident anonymous memory, KiB"},
    {"victim_file_rss_kb", I, "victim's resident file memory, KiB"},
    {"victim_shmem_rss_kb", I, "victim's resident shared memory, KiB"},
    {"victim_pgtables_kb", I, "victim's page tables, KiB"},
    {"victim_oom_score_adj", I, "victim's oom_score_adj"},
    {"memcg_usage_kb", I, "usage of the OOMing cgroup, KiB"},
    {"memcg_limit_kb", I, "limit of the OOMing cgroup, KiB"},
    {"memcg_failcnt", I, "failcnt of the OOMing cgroup"},
    {"memcg_swap_usage_kb", I, "cgroup v2 swap usage, KiB"},
    {"memcg_swap_limit_kb", I, "cgroup v2 swap limit, KiB"},
    {"swap_free_kb", I, "free swap, KiB"},
    {"swap_total_kb", I, "total swap, KiB"},
    {"ram_pages", I, "pages of RAM"},
    {"task_rows", I, "rows of the task table; NULL when none was printed"},
    {"complete", I, "1 when the report has its header and an end"},
    {"source", T, "file the event was first read from"},
    {"line", I, "line of the event's first line in source"},
    {"trigger_uid", I, "UID of the triggering task (6.11+)"},
    {"trigger_oom_score_adj", I, "oom_score_adj of the triggering task"},
    {"trigger_oom_adj", I, "oom_adj of the triggering task (2.6.32-3.6)"},
    {"nodemask", T, "nodemask as printed"},
    {"cpu", I, "CPU of the stack header"},
    {"tainted", T, "taint flags as printed"},
    {"hardware", T, "Hardware name"},
    {"cpuset", T, "cpuset of the triggering task"},
    {"mems_allowed", T, "mems_allowed of the triggering task"},
    {"workqueue", T, "workqueue of the stack dump (events moom_callback is SysRq-f)"},
    {"victim_rss_kb", I, "anon + file + shmem RSS of the victim (earlyoom: VmRSS), KiB"},
    {"kill_reason", T, "prefix of the kill line, or the user-space actor's reason"},
    {"kill_score", I, "badness score of the kill"},
    {"kills", I, "processes killed"},
    {"memcg_swap_failcnt", I, "cgroup v2 swap failcnt"},
    {"memcg_memsw_usage_kb", I, "cgroup v1 memory+swap usage, KiB"},
    {"memcg_memsw_limit_kb", I, "cgroup v1 memory+swap limit, KiB"},
    {"memcg_memsw_failcnt", I, "cgroup v1 memory+swap failcnt"},
    {"memcg_kmem_usage_kb", I, "cgroup v1 kmem usage, KiB"},
    {"memcg_kmem_limit_kb", I, "cgroup v1 kmem limit, KiB"},
    {"memcg_kmem_failcnt", I, "cgroup v1 kmem failcnt"},
    {"reserved_pages", I, "pages reserved"},
    {"manual", I, "1 for a SysRq-f OOM"},
    {"no_killable", I, "1 when the kernel found no killable process"},
    {"panic", T, "message of the panic that ended the report"},
    {"has_header", I, "1 when the invoked oom-killer line was seen"},
    {"has_kill", I, "1 when a kill was seen"},
    {"fingerprint", T, "32 hex digits identifying the event's content"},
    {"sightings", I, "places the event was read from"},
    {"ingested_at", T, "when the event was first stored"},
    {"ts_quality", T, "exact, derived or unknown"},
    {"boot_time", R, "estimated start of the event's boot, seconds since the epoch"},
    {"truncated", I, "1 when a line of the report was cut"},
    {"source_member", T, "path inside the archive source names"},
    {"unit", T, "systemd unit that reported the kill"},
    {"unit_result", T, "oom-kill when the unit failed with that result"},
    {"seen_by", T, "user-space actors linked to the event"},
    {"container_id", T, "containerd TaskOOM container id"},
    {"pods", T, "k8s_eviction: evicted pods"},
    {"kill_signal", T, "earlyoom: the last signal sent"},
    {"victim_cmdline", T, "earlyoom: the victim's command line"},
    {"victim_vmrss_kb", I, "earlyoom: the victim's VmRSS, KiB"},
    {"mem_avail_kb", I, "earlyoom: memory available, KiB"},
    {"mem_total_kb", I, "earlyoom: memory total, KiB"},
    {"oomd_pressure_pct", R, "systemd-oomd: memory pressure of the monitored cgroup, percent"},
    {"oomd_pressure_limit_pct", R, "systemd-oomd: its pressure limit, percent"},
    {"oomd_duration_s", R, "systemd-oomd: how long the pressure stayed above the limit"},
    {"oomd_mem_used_bytes", I, "systemd-oomd swap kill: memory used, bytes"},
    {"oomd_mem_total_bytes", I, "systemd-oomd swap kill: memory total, bytes"},
    {"oomd_swap_used_bytes", I, "systemd-oomd swap kill: swap used, bytes"},
    {"oomd_swap_total_bytes", I, "systemd-oomd swap kill: swap total, bytes"},
    {"oomd_swap_limit_pct", R, "systemd-oomd swap kill: SwapUsedLimit, percent"},
    {"oomd_killed_processes", I, "processes systemd-oomd killed in the unit"},
    /* derived from the event's task table and memory bags (FIELDS.md) */
    {"tasks.count", I, "rows of the task table"},
    {"tasks.rss_kb", I, "RSS summed over the task table, KiB"},
    {"largest.name", T, "name of the task with the largest RSS"},
    {"largest.pid", I, "its PID"},
    {"largest.rss_kb", I, "its RSS, KiB"},
    {"largest.oom_score_adj", I, "its oom_score_adj"},
    {"largest.share", R, "largest.rss_kb / tasks.rss_kb"},
    {"largest.is_victim", I, "1 when the largest task is the victim"},
    {"largest.limit_share", R, "largest.rss_kb / mem.limit_kb"},
    {"victim.rank", I, "rank of the victim's row by RSS (1 = largest)"},
    {"victim.task_rss_kb", I, "RSS of the victim's row, KiB"},
    {"top_name.name", T, "task name whose rows sum to the largest RSS"},
    {"top_name.count", I, "rows with that name"},
    {"top_name.rss_kb", I, "their RSS summed, KiB"},
    {"top_name.share", R, "top_name.rss_kb / tasks.rss_kb"},
    {"top_name.limit_share", R, "top_name.rss_kb / mem.limit_kb"},
    {"mem.total_kb", I, "RAM, KiB (ram_pages x 4)"},
    {"mem.limit_kb", I, "memcg_limit_kb for memcg_oom, else mem.total_kb"},
    {"mem.tasks_share", R, "tasks.rss_kb / mem.limit_kb"},
    {"meminfo.free_kb", I, "Mem-Info free, KiB"},
    {"meminfo.shmem_kb", I, "Mem-Info shmem, KiB"},
    {"meminfo.slab_unreclaimable_kb", I, "Mem-Info slab_unreclaimable, KiB"},
    {"meminfo.slab_reclaimable_kb", I, "Mem-Info slab_reclaimable, KiB"},
    {"meminfo.pagetables_kb", I, "Mem-Info pagetables, KiB"},
    {"meminfo.anon_kb", I, "Mem-Info active_anon + inactive_anon, KiB"},
    {"meminfo.file_kb", I, "Mem-Info active_file + inactive_file, KiB"},
    {"meminfo.kernel_stack_kb", I, "kernel_stack summed over the nodes, KiB"},
    {"meminfo.hugepages_kb", I, "huge pages reserved over all nodes and sizes, KiB"},
    {"share.shmem", R, "meminfo.shmem_kb / mem.total_kb"},
    {"share.slab_unreclaimable", R, "meminfo.slab_unreclaimable_kb / mem.total_kb"},
    {"share.hugepages", R, "meminfo.hugepages_kb / mem.total_kb"},
    {"share.kernel", R, "(slab_unreclaimable + pagetables + kernel_stack) / mem.total_kb"},
    {"swap.used_share", R, "(swap_total_kb - swap_free_kb) / swap_total_kb; NULL without swap"},
    {"memcg.usage_share", R, "memcg_usage_kb / memcg_limit_kb"},
    {"memcg.suggest_kb", I, "a limit to try: 1.5 x memcg_limit_kb, rounded up to 64 MiB"},
    FACT_FIELD,
};

static const oomsift_rule_field memory_event_fields[] = {
    {"host", T, "host of the line"},
    {"ts", T, "wall time of the line, ISO 8601 UTC"},
    {"ts_unix", R, "ts as seconds since the epoch"},
    {"uptime_s", R, "kernel timestamp, seconds since boot"},
    {"kind", T, "overcommit_refusal, page_alloc_failure, page_alloc_stall, vmalloc_failure"},
    {"pid", I, "PID of the task"},
    {"comm", T, "name of the task"},
    {"alloc_order", I, "allocation order"},
    {"bytes", I, "bytes asked for"},
    {"gfp_mask", T, "allocation flags as printed"},
    {"source", T, "file the line was first read from"},
    {"line", I, "line in source"},
    {"id", I, "row id"},
    {"gfp_flags", T, "symbolic allocation flags"},
    {"message", T, "the line's message, wrapper stripped"},
    {"fingerprint", T, "32 hex digits: host, kind, time and message"},
    {"ingested_at", T, "when the row was stored"},
    {"source_member", T, "path inside the archive source names"},
    FACT_FIELD,
};

#define FACT_PREFIX "fact."

const oomsift_rule_field *oomsift_rules_fields(oomsift_rule_subject subject, size_t *n)
{
	if (subject == OOMSIFT_SUBJECT_MEMORY_EVENT) {
		*n = sizeof(memory_event_fields) / sizeof(memory_event_fields[0]);
		return memory_event_fields;
	}
	*n = sizeof(event_fields) / sizeof(event_fields[0]);
	return event_fields;
}

const oomsift_rule_field *oomsift_rules_field(oomsift_rule_subject subject, const char *name)
{
	size_t n;
	const oomsift_rule_field *f = oomsift_rules_fields(subject, &n);

	if (strncmp(name, FACT_PREFIX, strlen(FACT_PREFIX)) == 0)
		return name[strlen(FACT_PREFIX)] ? &f[n - 1] : NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

/* Edit distance (insert, delete, substitute, swap two neighbours), on short names. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][RULES_MAX_FIELD_NAME + 1], *two = rows[0], *one = rows[1], *cur = rows[2];

	if (la > RULES_MAX_FIELD_NAME || lb > RULES_MAX_FIELD_NAME)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		one[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = one[j - 1] + (a[i - 1] != b[j - 1]);
			if (one[j] + 1 < best)
				best = one[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    two[j - 2] + 1 < best)
				best = two[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = two;
		two = one;
		one = cur;
		cur = t;
	}
	return one[lb];
}

const oomsift_rule_field *fields_lookup(oomsift_rule_subject s, const char *name, const char **near)
{
	const oomsift_rule_field *f = oomsift_rules_field(s, name), *all;
	size_t n, best = 3;

	*near = NULL;
	if (f)
		return f;
	all = oomsift_rules_fields(s, &n);
	for (size_t i = 0; i + 1 < n; i++) {
		size_t d = distance(name, all[i].name);
		if (d < best && d < strlen(all[i].name) / 2) {
			best = d;
			*near = all[i].name;
		}
	}
	return NULL;
}

const char *subject_name(oomsift_rule_subject s)
{
	return s == OOMSIFT_SUBJECT_MEMORY_EVENT ? "memory_event" : "event";
}
