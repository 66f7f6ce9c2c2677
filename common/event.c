#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/event.h"

static void counter_unset(oomsift_counter *c)
{
	c->usage_kb = c->limit_kb = c->failcnt = OOMSIFT_UNSET;
}

oomsift_event *oomsift_event_new(void)
{
	oomsift_event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->trigger_pid = ev->trigger_uid = ev->trigger_oom_score_adj = OOMSIFT_UNSET;
	ev->trigger_oom_adj = ev->alloc_order = ev->cpu = OOMSIFT_UNSET;
	counter_unset(&ev->memcg_mem);
	counter_unset(&ev->memcg_swap);
	counter_unset(&ev->memcg_memsw);
	counter_unset(&ev->memcg_kmem);
	ev->swap_free_kb = ev->swap_total_kb = ev->ram_pages = ev->reserved_pages = OOMSIFT_UNSET;
	ev->victim_pid = ev->victim_uid = ev->victim_total_vm_kb = OOMSIFT_UNSET;
	ev->victim_anon_rss_kb = ev->victim_file_rss_kb = ev->victim_shmem_rss_kb = OOMSIFT_UNSET;
	ev->victim_pgtables_kb = ev->victim_oom_score_adj = ev->kill_score = OOMSIFT_UNSET;
	ev->victim_vmrss_kb = ev->mem_avail_kb = ev->mem_total_kb = OOMSIFT_UNSET;
	ev->oomd_mem_used_bytes = ev->oomd_mem_total_bytes = OOMSIFT_UNSET;
	ev->oomd_swap_used_bytes = ev->oomd_swap_total_bytes = OOMSIFT_UNSET;
	ev->oomd_killed_processes = OOMSIFT_UNSET;
	ev->oomd_pressure_pct = ev->oomd_pressure_limit_pct = NAN;
	ev->oomd_duration_s = ev->oomd_swap_limit_pct = NAN;
	oomsift_buf_init(&ev->raw, 0);
	return ev;
}

void oomsift_event_free(oomsift_event *ev)
{
	if (!ev)
		return;
	oomsift_arena_free(&ev->arena);
	free(ev->tasks);
	free(ev->kills);
	free(ev->kvs);
	oomsift_buf_free(&ev->raw);
	free(ev);
}

const char *oomsift_event_strdup(oomsift_event *ev, const char *s, size_t n)
{
	return oomsift_arena_strndup(&ev->arena, s, n);
}

static bool is_kill(const oomsift_kill *k)
{
	return k->kind == OOMSIFT_KILL_VICTIM || k->kind == OOMSIFT_KILL_SHARED_MM;
}

/* With memory.oom.group the kernel prints the chosen victim twice: once as
 * the victim, then again among the group it kills (a real 6.1 capture,
 * tests/data/lab): that second line is not another process. */
size_t oomsift_event_kill_count(const oomsift_event *ev)
{
	int64_t chosen = OOMSIFT_UNSET;
	size_t n = 0;

	for (size_t i = 0; i < ev->nkills; i++) {
		const oomsift_kill *k = &ev->kills[i];
		if (!is_kill(k))
			continue;
		if (chosen == OOMSIFT_UNSET && !k->oom_group)
			chosen = k->pid;
		else if (k->oom_group && k->pid != OOMSIFT_UNSET && k->pid == chosen)
			continue;
		n++;
	}
	return n;
}

bool oomsift_event_complete(const oomsift_event *ev)
{
	/* A user-space event is one line (or a few of one action): nothing to miss. */
	if (ev->kind >= OOMSIFT_OOMD_KILL)
		return true;
	return ev->has_header && (ev->has_kill || ev->no_killable || ev->panic);
}

static const char *const event_kind_names[OOMSIFT_EVENT_KIND_COUNT] = {
    "kernel_oom",  "memcg_oom",     "oomd_kill",   "earlyoom_kill",
    "systemd_oom", "container_oom", "k8s_eviction"};

const char *oomsift_event_kind_name(oomsift_event_kind kind)
{
	return (unsigned)kind < OOMSIFT_EVENT_KIND_COUNT ? event_kind_names[kind] : "kernel_oom";
}

int oomsift_event_kind_from_name(const char *name)
{
	for (size_t i = 0; i < OOMSIFT_EVENT_KIND_COUNT; i++)
		if (strcmp(name, event_kind_names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *const ts_quality_names[] = {"unknown", "exact", "derived"};

const char *oomsift_ts_quality_name(oomsift_ts_quality q)
{
	return (unsigned)q < 3 ? ts_quality_names[q] : "unknown";
}

static const char *const kill_kind_names[] = {"victim", "shared_mm", "reaped", "unable_to_reap"};

const char *oomsift_kill_kind_name(oomsift_kill_kind kind)
{
	return kill_kind_names[kind];
}

int oomsift_kill_kind_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(kill_kind_names) / sizeof(kill_kind_names[0]); i++)
		if (strcmp(name, kill_kind_names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *const memevent_kind_names[OOMSIFT_MEMEVENT_KIND_COUNT] = {
    "overcommit_refusal", "page_alloc_failure", "page_alloc_stall", "vmalloc_failure"};

const char *oomsift_memevent_kind_name(oomsift_memevent_kind kind)
{
	return (unsigned)kind < OOMSIFT_MEMEVENT_KIND_COUNT ? memevent_kind_names[kind]
	                                                    : "page_alloc_failure";
}
