/* The single-event view as one JSON object (docs/explain.md). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cmd/event_view.h"
#include "cmd/output.h"

#define JSON_MAX_DEPTH 8

/* A pretty-printing writer: two spaces per level, keys in the order written. */
typedef struct jw {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH + 1];
} jw;

/* The separator and indentation before a value; its key when k is given. */
static void jw_key(jw *w, const char *k)
{
	fputs(w->first[w->depth] ? "\n" : ",\n", w->f);
	w->first[w->depth] = false;
	fprintf(w->f, "%*s", 2 * w->depth, "");
	if (k)
		fprintf(w->f, "\"%s\": ", k);
}

static void jw_open(jw *w, const char *k, char c)
{
	jw_key(w, k);
	fputc(c, w->f);
	if (w->depth < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(jw *w, char c)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(c, w->f);
}

static void jw_str(jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	if (s)
		out_json_string(w->f, s, strlen(s));
	else
		fputs("null", w->f);
}

static void jw_int(jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	if (v == OOMSIFT_UNSET)
		fputs("null", w->f);
	else
		fprintf(w->f, "%" PRId64, v);
}

static void jw_real(jw *w, const char *k, double v, int digits)
{
	jw_key(w, k);
	if (isfinite(v))
		fprintf(w->f, "%.*f", digits, v);
	else
		fputs("null", w->f);
}

static void jw_bool(jw *w, const char *k, bool v)
{
	jw_key(w, k);
	fputs(v ? "true" : "false", w->f);
}

static void causes(jw *w, const oomsift_view *v)
{
	jw_str(w, "cause", v->cause);
	jw_open(w, "causes", '[');
	for (size_t i = 0; i < v->ncauses; i++) {
		const oomsift_view_cause *c = &v->causes[i];
		jw_open(w, NULL, '{');
		jw_str(w, "cause", c->cause);
		jw_str(w, "rule_id", c->rule_id);
		jw_str(w, "severity", c->severity);
		jw_int(w, "priority", c->priority);
		jw_bool(w, "primary", c->primary);
		jw_str(w, "evidence", c->evidence);
		jw_str(w, "advice", c->advice);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* explain's store lives for one run: its ingest times say nothing. */
static void sources(jw *w, const oomsift_view *v, const view_style *st)
{
	jw_int(w, "sightings", v->sightings);
	jw_open(w, "sources", '[');
	for (size_t i = 0; i < v->nsources; i++) {
		const oomsift_view_source *s = &v->sources[i];
		jw_open(w, NULL, '{');
		jw_str(w, "path", s->path);
		jw_str(w, "member", s->member);
		jw_int(w, "line", s->line);
		jw_str(w, "wrapper", s->wrapper);
		jw_str(w, "first_ingested", st->from_store ? s->first_ingested : NULL);
		jw_str(w, "last_ingested", st->from_store ? s->last_ingested : NULL);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void identity(jw *w, const oomsift_view *v, const view_style *st, const char *host,
                     bool has_uptime, double uptime)
{
	jw_str(w, "subject", v->subject == OOMSIFT_SUBJECT_EVENT ? "event" : "memory_event");
	jw_int(w, "id", v->id);
	if (!st->from_store)
		jw_int(w, "index", (int64_t)st->index);
	jw_str(w, "host", host);
	jw_str(w, "ts", v->ts);
	jw_real(w, "uptime_s", has_uptime ? uptime : NAN, 6);
}

static void trigger(jw *w, const oomsift_event *ev)
{
	if (!ev->has_header && ev->trigger_pid == OOMSIFT_UNSET) {
		jw_str(w, "trigger", NULL);
		return;
	}
	jw_open(w, "trigger", '{');
	jw_str(w, "comm", ev->trigger_comm);
	jw_int(w, "pid", ev->trigger_pid);
	jw_int(w, "uid", ev->trigger_uid);
	jw_int(w, "alloc_order", ev->alloc_order);
	jw_str(w, "gfp_mask", ev->gfp_mask);
	jw_str(w, "gfp_flags", ev->gfp_flags);
	jw_int(w, "oom_score_adj", ev->trigger_oom_score_adj);
	jw_close(w, '}');
}

static int64_t victim_rss_kb(const oomsift_event *ev)
{
	if (ev->victim_anon_rss_kb == OOMSIFT_UNSET)
		return ev->victim_vmrss_kb;
	return ev->victim_anon_rss_kb +
	       (ev->victim_file_rss_kb == OOMSIFT_UNSET ? 0 : ev->victim_file_rss_kb) +
	       (ev->victim_shmem_rss_kb == OOMSIFT_UNSET ? 0 : ev->victim_shmem_rss_kb);
}

static void victim(jw *w, const oomsift_event *ev)
{
	if (ev->victim_pid == OOMSIFT_UNSET && !ev->victim_comm) {
		jw_str(w, "victim", NULL);
	} else {
		jw_open(w, "victim", '{');
		jw_str(w, "comm", ev->victim_comm);
		jw_int(w, "pid", ev->victim_pid);
		jw_int(w, "uid", ev->victim_uid);
		jw_bool(w, "killed", ev->has_kill);
		jw_str(w, "kill_reason", ev->kill_reason);
		jw_int(w, "kill_score", ev->kill_score);
		jw_int(w, "rss_kb", victim_rss_kb(ev));
		jw_int(w, "anon_rss_kb", ev->victim_anon_rss_kb);
		jw_int(w, "file_rss_kb", ev->victim_file_rss_kb);
		jw_int(w, "shmem_rss_kb", ev->victim_shmem_rss_kb);
		jw_int(w, "total_vm_kb", ev->victim_total_vm_kb);
		jw_int(w, "oom_score_adj", ev->victim_oom_score_adj);
		jw_str(w, "cmdline", ev->victim_cmdline);
		jw_close(w, '}');
	}
	jw_open(w, "kills", '[');
	for (size_t i = 0; i < ev->nkills; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "kind", oomsift_kill_kind_name(ev->kills[i].kind));
		jw_int(w, "pid", ev->kills[i].pid);
		jw_str(w, "comm", ev->kills[i].comm);
		jw_bool(w, "oom_group", ev->kills[i].oom_group);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void counter(jw *w, const char *k, const oomsift_counter *c)
{
	if (c->usage_kb == OOMSIFT_UNSET) {
		jw_str(w, k, NULL);
		return;
	}
	jw_open(w, k, '{');
	jw_int(w, "usage_kb", c->usage_kb);
	jw_int(w, "limit_kb", c->limit_kb);
	jw_int(w, "failcnt", c->failcnt);
	jw_close(w, '}');
}

static void cgroup(jw *w, const oomsift_event *ev)
{
	if (!ev->oom_memcg && !ev->task_memcg && ev->memcg_mem.usage_kb == OOMSIFT_UNSET) {
		jw_str(w, "cgroup", NULL);
		return;
	}
	jw_open(w, "cgroup", '{');
	jw_str(w, "oom_memcg", ev->oom_memcg);
	jw_str(w, "task_memcg", ev->task_memcg);
	counter(w, "memory", &ev->memcg_mem);
	counter(w, "swap", &ev->memcg_swap);
	counter(w, "memsw", &ev->memcg_memsw);
	counter(w, "kmem", &ev->memcg_kmem);
	jw_close(w, '}');
}

static const char *scope_name(oomsift_view_scope scope)
{
	return scope == OOMSIFT_VIEW_SCOPE_HOST     ? "host"
	       : scope == OOMSIFT_VIEW_SCOPE_CGROUP ? "cgroup"
	                                            : NULL;
}

static void memory(jw *w, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	const oomsift_view_memory *m = &v->memory;

	jw_open(w, "memory", '{');
	jw_int(w, "ram_kb", ev->ram_pages == OOMSIFT_UNSET ? OOMSIFT_UNSET : ev->ram_pages * 4);
	jw_int(w, "swap_total_kb", ev->swap_total_kb);
	jw_int(w, "swap_free_kb", ev->swap_free_kb);
	jw_str(w, "scope", scope_name(m->scope));
	jw_str(w, "figures", m->section);
	jw_str(w, "total_name", m->total_name);
	jw_int(w, "total_kb", m->total_kb);
	jw_open(w, "shares", '[');
	for (size_t i = 0; i < m->nshares; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "name", m->shares[i].name);
		jw_int(w, "kb", m->shares[i].kb);
		jw_real(w, "share", m->shares[i].share, 4);
		jw_bool(w, "part", m->shares[i].part);
		jw_str(w, "note", m->shares[i].note);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void tasks(jw *w, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;

	if (!ev->has_task_table) {
		jw_str(w, "tasks", NULL);
		return;
	}
	jw_open(w, "tasks", '{');
	jw_int(w, "count", (int64_t)ev->ntasks);
	jw_int(w, "rss_kb", v->tasks_rss_kb);
	jw_open(w, "largest", '[');
	for (size_t i = 0; i < v->ntop; i++) {
		const oomsift_view_task *t = &v->top[i];
		jw_open(w, NULL, '{');
		jw_int(w, "pid", t->task->pid);
		jw_int(w, "uid", t->task->uid);
		jw_str(w, "name", t->task->name);
		jw_int(w, "rss_kb", t->rss_kb);
		jw_real(w, "share", t->share, 4);
		jw_int(w, "swap_kb", t->swap_kb);
		jw_int(w, "oom_score_adj", t->task->oom_score_adj);
		jw_str(w, "role", *view_task_role(t) ? view_task_role(t) : NULL);
		jw_bool(w, "victim", t->victim);
		jw_bool(w, "killed", t->killed);
		jw_bool(w, "trigger", t->trigger);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void missing(jw *w, const oomsift_view *v)
{
	jw_open(w, "missing", '[');
	for (size_t i = 0; i < v->nmissing; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "part", oomsift_view_part_name(v->missing[i]));
		jw_str(w, "text", oomsift_view_part_text(v->missing[i]));
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_str(w, "missing_why", v->missing_why);
}

/* The columns of the user-space actors, null for kernel events. */
static void userspace(jw *w, const oomsift_event *ev)
{
	jw_str(w, "unit", ev->unit);
	jw_str(w, "unit_result", ev->unit_result);
	jw_str(w, "seen_by", ev->seen_by);
	jw_str(w, "container_id", ev->container_id);
	jw_str(w, "pods", ev->pods);
	jw_str(w, "kill_signal", ev->kill_signal);
	jw_int(w, "mem_avail_kb", ev->mem_avail_kb);
	jw_int(w, "mem_total_kb", ev->mem_total_kb);
	jw_real(w, "oomd_pressure_pct", ev->oomd_pressure_pct, 2);
	jw_real(w, "oomd_pressure_limit_pct", ev->oomd_pressure_limit_pct, 2);
	jw_real(w, "oomd_duration_s", ev->oomd_duration_s, 0);
	jw_int(w, "oomd_mem_used_bytes", ev->oomd_mem_used_bytes);
	jw_int(w, "oomd_mem_total_bytes", ev->oomd_mem_total_bytes);
	jw_int(w, "oomd_swap_used_bytes", ev->oomd_swap_used_bytes);
	jw_int(w, "oomd_swap_total_bytes", ev->oomd_swap_total_bytes);
	jw_real(w, "oomd_swap_limit_pct", ev->oomd_swap_limit_pct, 2);
}

static void event(jw *w, const oomsift_view *v, const view_style *st)
{
	const oomsift_event *ev = v->event;

	identity(w, v, st, ev->host, ev->has_uptime, ev->uptime_s);
	jw_str(w, "ts_quality", oomsift_ts_quality_name(ev->ts_quality));
	jw_str(w, "boot_id", ev->boot_id);
	jw_str(w, "kind", oomsift_event_kind_name(ev->kind));
	jw_str(w, "kind_text", view_kind_text(ev->kind));
	jw_str(w, "constraint", ev->oom_constraint);
	jw_bool(w, "manual", ev->manual);
	jw_str(w, "kernel", ev->kernel);
	jw_bool(w, "complete", v->nmissing == 0);
	missing(w, v);
	trigger(w, ev);
	victim(w, ev);
	jw_str(w, "panic", ev->panic);
	cgroup(w, ev);
	userspace(w, ev);
	causes(w, v);
	memory(w, v);
	tasks(w, v);
	sources(w, v, st);
	if (st->raw)
		jw_str(w, "raw", ev->raw.len ? ev->raw.data : NULL);
}

static void memevent(jw *w, const oomsift_view *v, const view_style *st)
{
	const oomsift_memevent *me = &v->memevent;

	identity(w, v, st, me->host, me->has_uptime, me->uptime_s);
	jw_str(w, "kind", oomsift_memevent_kind_name(me->kind));
	jw_str(w, "kind_text", view_memevent_text(me->kind));
	jw_int(w, "pid", me->pid);
	jw_str(w, "comm", *me->comm ? me->comm : NULL);
	jw_int(w, "alloc_order", me->alloc_order);
	jw_int(w, "bytes", me->bytes);
	jw_str(w, "gfp_mask", *me->gfp_mask ? me->gfp_mask : NULL);
	jw_str(w, "gfp_flags", *me->gfp_flags ? me->gfp_flags : NULL);
	jw_str(w, "message", me->message);
	causes(w, v);
	sources(w, v, st);
}

void view_render_json(FILE *f, const oomsift_view *v, const view_style *st)
{
	/* In explain's array the objects sit one level in. */
	jw w = {.f = f, .depth = st->from_store ? 0 : 1};

	fprintf(f, "%*s{", 2 * w.depth, "");
	w.depth++;
	w.first[w.depth] = true;
	if (v->subject == OOMSIFT_SUBJECT_EVENT)
		event(&w, v, st);
	else
		memevent(&w, v, st);
	jw_close(&w, '}');
	if (st->from_store)
		fputc('\n', f);
}
