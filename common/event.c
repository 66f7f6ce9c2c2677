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

size_t oomsift_event_kill_count(const oomsift_event *ev)
{
	size_t n = 0;

	for (size_t i = 0; i < ev->nkills; i++)
		if (ev->kills[i].kind == OOMSIFT_KILL_VICTIM ||
		    ev->kills[i].kind == OOMSIFT_KILL_SHARED_MM)
			n++;
	return n;
}

bool oomsift_event_complete(const oomsift_event *ev)
{
	return ev->has_header && (ev->has_kill || ev->no_killable || ev->panic);
}

static const char *const event_kind_names[OOMSIFT_EVENT_KIND_COUNT] = {
    "kernel_oom", "memcg_oom", "oomd_kill", "earlyoom_kill", "systemd_oom"};

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
