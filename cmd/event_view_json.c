/* The single-event view as one JSON object (docs/explain.md). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cmd/event_view.h"
#include "common/jsonw.h"
#include "cmd/output.h"

static void causes(jsonw *w, const oomsift_view *v)
{
	jsonw_str(w, "cause", v->cause);
	jsonw_open(w, "causes", '[');
	for (size_t i = 0; i < v->ncauses; i++) {
		const oomsift_view_cause *c = &v->causes[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "cause", c->cause);
		jsonw_str(w, "rule_id", c->rule_id);
		jsonw_str(w, "severity", c->severity);
		jsonw_int(w, "priority", c->priority);
		jsonw_bool(w, "primary", c->primary);
		jsonw_str(w, "evidence", c->evidence);
		jsonw_str(w, "advice", c->advice);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

/* explain's store lives for one run: its ingest times say nothing. */
static void sources(jsonw *w, const oomsift_view *v, const view_style *st)
{
	jsonw_int(w, "sightings", v->sightings);
	jsonw_open(w, "sources", '[');
	for (size_t i = 0; i < v->nsources; i++) {
		const oomsift_view_source *s = &v->sources[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "path", s->path);
		jsonw_str(w, "member", s->member);
		jsonw_int(w, "line", s->line);
		jsonw_str(w, "wrapper", s->wrapper);
		jsonw_str(w, "first_ingested", st->from_store ? s->first_ingested : NULL);
		jsonw_str(w, "last_ingested", st->from_store ? s->last_ingested : NULL);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void identity(jsonw *w, const oomsift_view *v, const view_style *st, const char *host,
                     bool has_uptime, double uptime)
{
	jsonw_str(w, "subject", v->subject == OOMSIFT_SUBJECT_EVENT ? "event" : "memory_event");
	jsonw_int(w, "id", v->id);
	if (!st->from_store)
		jsonw_int(w, "index", (int64_t)st->index);
	jsonw_str(w, "host", host);
	jsonw_str(w, "ts", v->ts);
	jsonw_real(w, "uptime_s", has_uptime ? uptime : NAN, 6, false);
}

static void trigger(jsonw *w, const oomsift_event *ev)
{
	if (!ev->has_header && ev->trigger_pid == OOMSIFT_UNSET) {
		jsonw_str(w, "trigger", NULL);
		return;
	}
	jsonw_open(w, "trigger", '{');
	jsonw_str(w, "comm", ev->trigger_comm);
	jsonw_int(w, "pid", ev->trigger_pid);
	jsonw_int(w, "uid", ev->trigger_uid);
	jsonw_int(w, "alloc_order", ev->alloc_order);
	jsonw_str(w, "gfp_mask", ev->gfp_mask);
	jsonw_str(w, "gfp_flags", ev->gfp_flags);
	jsonw_int(w, "oom_score_adj", ev->trigger_oom_score_adj);
	jsonw_close(w, '}');
}

static void victim(jsonw *w, const oomsift_event *ev)
{
	if (ev->victim_pid == OOMSIFT_UNSET && !ev->victim_comm) {
		jsonw_str(w, "victim", NULL);
	} else {
		jsonw_open(w, "victim", '{');
		jsonw_str(w, "comm", ev->victim_comm);
		jsonw_int(w, "pid", ev->victim_pid);
		jsonw_int(w, "uid", ev->victim_uid);
		jsonw_bool(w, "killed", ev->has_kill);
		jsonw_str(w, "kill_reason", ev->kill_reason);
		jsonw_int(w, "kill_score", ev->kill_score);
		jsonw_int(w, "rss_kb", oomsift_view_victim_rss_kb(ev));
		jsonw_int(w, "anon_rss_kb", ev->victim_anon_rss_kb);
		jsonw_int(w, "file_rss_kb", ev->victim_file_rss_kb);
		jsonw_int(w, "shmem_rss_kb", ev->victim_shmem_rss_kb);
		jsonw_int(w, "total_vm_kb", ev->victim_total_vm_kb);
		jsonw_int(w, "oom_score_adj", ev->victim_oom_score_adj);
		jsonw_str(w, "cmdline", ev->victim_cmdline);
		jsonw_close(w, '}');
	}
	jsonw_open(w, "kills", '[');
	for (size_t i = 0; i < ev->nkills; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "kind", oomsift_kill_kind_name(ev->kills[i].kind));
		jsonw_int(w, "pid", ev->kills[i].pid);
		jsonw_str(w, "comm", ev->kills[i].comm);
		jsonw_bool(w, "oom_group", ev->kills[i].oom_group);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void counter(jsonw *w, const char *k, const oomsift_counter *c)
{
	if (c->usage_kb == OOMSIFT_UNSET) {
		jsonw_str(w, k, NULL);
		return;
	}
	jsonw_open(w, k, '{');
	jsonw_int(w, "usage_kb", c->usage_kb);
	jsonw_int(w, "limit_kb", c->limit_kb);
	jsonw_int(w, "failcnt", c->failcnt);
	jsonw_close(w, '}');
}

static void cgroup(jsonw *w, const oomsift_event *ev)
{
	if (!ev->oom_memcg && !ev->task_memcg && ev->memcg_mem.usage_kb == OOMSIFT_UNSET) {
		jsonw_str(w, "cgroup", NULL);
		return;
	}
	jsonw_open(w, "cgroup", '{');
	jsonw_str(w, "oom_memcg", ev->oom_memcg);
	jsonw_str(w, "task_memcg", ev->task_memcg);
	counter(w, "memory", &ev->memcg_mem);
	counter(w, "swap", &ev->memcg_swap);
	counter(w, "memsw", &ev->memcg_memsw);
	counter(w, "kmem", &ev->memcg_kmem);
	jsonw_close(w, '}');
}

static const char *scope_name(oomsift_view_scope scope)
{
	return scope == OOMSIFT_VIEW_SCOPE_HOST     ? "host"
	       : scope == OOMSIFT_VIEW_SCOPE_CGROUP ? "cgroup"
	                                            : NULL;
}

static void memory(jsonw *w, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	const oomsift_view_memory *m = &v->memory;

	jsonw_open(w, "memory", '{');
	jsonw_int(w, "ram_kb", ev->ram_pages == OOMSIFT_UNSET ? OOMSIFT_UNSET : ev->ram_pages * 4);
	jsonw_int(w, "swap_total_kb", ev->swap_total_kb);
	jsonw_int(w, "swap_free_kb", ev->swap_free_kb);
	jsonw_str(w, "scope", scope_name(m->scope));
	jsonw_str(w, "figures", m->section);
	jsonw_str(w, "total_name", m->total_name);
	jsonw_int(w, "total_kb", m->total_kb);
	jsonw_open(w, "shares", '[');
	for (size_t i = 0; i < m->nshares; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", m->shares[i].name);
		jsonw_int(w, "kb", m->shares[i].kb);
		jsonw_real(w, "share", m->shares[i].share, 4, false);
		jsonw_bool(w, "part", m->shares[i].part);
		jsonw_str(w, "note", m->shares[i].note);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

static void tasks(jsonw *w, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;

	if (!ev->has_task_table) {
		jsonw_str(w, "tasks", NULL);
		return;
	}
	jsonw_open(w, "tasks", '{');
	jsonw_int(w, "count", (int64_t)ev->ntasks);
	jsonw_int(w, "rss_kb", v->tasks_rss_kb);
	jsonw_open(w, "largest", '[');
	for (size_t i = 0; i < v->ntop; i++) {
		const oomsift_view_task *t = &v->top[i];
		jsonw_open(w, NULL, '{');
		jsonw_int(w, "pid", t->task->pid);
		jsonw_int(w, "uid", t->task->uid);
		jsonw_str(w, "name", t->task->name);
		jsonw_int(w, "rss_kb", t->rss_kb);
		jsonw_real(w, "share", t->share, 4, false);
		jsonw_int(w, "swap_kb", t->swap_kb);
		jsonw_int(w, "oom_score_adj", t->task->oom_score_adj);
		jsonw_str(w, "role", *view_task_role(t) ? view_task_role(t) : NULL);
		jsonw_bool(w, "victim", t->victim);
		jsonw_bool(w, "killed", t->killed);
		jsonw_bool(w, "trigger", t->trigger);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

static void missing(jsonw *w, const oomsift_view *v)
{
	jsonw_open(w, "missing", '[');
	for (size_t i = 0; i < v->nmissing; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "part", oomsift_view_part_name(v->missing[i]));
		jsonw_str(w, "text", oomsift_view_part_text(v->missing[i]));
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_str(w, "missing_why", v->missing_why);
}

/* The columns of the user-space actors, null for kernel events. */
static void userspace(jsonw *w, const oomsift_event *ev)
{
	jsonw_str(w, "unit", ev->unit);
	jsonw_str(w, "unit_result", ev->unit_result);
	jsonw_str(w, "seen_by", ev->seen_by);
	jsonw_str(w, "container_id", ev->container_id);
	jsonw_str(w, "pods", ev->pods);
	jsonw_str(w, "kill_signal", ev->kill_signal);
	jsonw_int(w, "mem_avail_kb", ev->mem_avail_kb);
	jsonw_int(w, "mem_total_kb", ev->mem_total_kb);
	jsonw_real(w, "oomd_pressure_pct", ev->oomd_pressure_pct, 2, false);
	jsonw_real(w, "oomd_pressure_limit_pct", ev->oomd_pressure_limit_pct, 2, false);
	jsonw_real(w, "oomd_duration_s", ev->oomd_duration_s, 0, false);
	jsonw_int(w, "oomd_mem_used_bytes", ev->oomd_mem_used_bytes);
	jsonw_int(w, "oomd_mem_total_bytes", ev->oomd_mem_total_bytes);
	jsonw_int(w, "oomd_swap_used_bytes", ev->oomd_swap_used_bytes);
	jsonw_int(w, "oomd_swap_total_bytes", ev->oomd_swap_total_bytes);
	jsonw_real(w, "oomd_swap_limit_pct", ev->oomd_swap_limit_pct, 2, false);
}

static void event(jsonw *w, const oomsift_view *v, const view_style *st)
{
	const oomsift_event *ev = v->event;

	identity(w, v, st, ev->host, ev->has_uptime, ev->uptime_s);
	jsonw_str(w, "ts_quality", oomsift_ts_quality_name(ev->ts_quality));
	jsonw_str(w, "boot_id", ev->boot_id);
	jsonw_str(w, "kind", oomsift_event_kind_name(ev->kind));
	jsonw_str(w, "kind_text", view_kind_text(ev->kind));
	jsonw_str(w, "constraint", ev->oom_constraint);
	jsonw_bool(w, "manual", ev->manual);
	jsonw_str(w, "kernel", ev->kernel);
	jsonw_bool(w, "complete", v->nmissing == 0);
	missing(w, v);
	trigger(w, ev);
	victim(w, ev);
	jsonw_str(w, "panic", ev->panic);
	cgroup(w, ev);
	userspace(w, ev);
	causes(w, v);
	memory(w, v);
	tasks(w, v);
	sources(w, v, st);
	if (st->raw)
		jsonw_str(w, "raw", ev->raw.len ? ev->raw.data : NULL);
}

static void memevent(jsonw *w, const oomsift_view *v, const view_style *st)
{
	const oomsift_memevent *me = &v->memevent;

	identity(w, v, st, me->host, me->has_uptime, me->uptime_s);
	jsonw_str(w, "kind", oomsift_memevent_kind_name(me->kind));
	jsonw_str(w, "kind_text", view_memevent_text(me->kind));
	jsonw_int(w, "pid", me->pid);
	jsonw_str(w, "comm", *me->comm ? me->comm : NULL);
	jsonw_int(w, "alloc_order", me->alloc_order);
	jsonw_int(w, "bytes", me->bytes);
	jsonw_str(w, "gfp_mask", *me->gfp_mask ? me->gfp_mask : NULL);
	jsonw_str(w, "gfp_flags", *me->gfp_flags ? me->gfp_flags : NULL);
	jsonw_str(w, "message", me->message);
	causes(w, v);
	sources(w, v, st);
}

void view_render_json(FILE *f, const oomsift_view *v, const view_style *st)
{
	/* In explain's array the objects sit one level in. */
	jsonw w;

	jsonw_init(&w, f, st->from_store ? 0 : 1);

	fprintf(f, "%*s{", 2 * w.depth, "");
	w.depth++;
	w.first[w.depth] = true;
	if (v->subject == OOMSIFT_SUBJECT_EVENT)
		event(&w, v, st);
	else
		memevent(&w, v, st);
	jsonw_close(&w, '}');
	if (st->from_store)
		fputc('\n', f);
}
