/* The report as JSON (oomsift_report_render_json; docs/report-schema.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/jsonw.h"
#include "oomsift/error.h"
#include "queries/report_internal.h"

/* An integer where -1 means unknown: null. */
static void jw_int_or_null(jsonw *w, const char *key, int64_t v)
{
	if (v < 0)
		jsonw_str(w, key, NULL);
	else
		jsonw_int(w, key, v);
}

static void jw_time(jsonw *w, const char *key, double t)
{
	char s[32];

	report_fmt_time(t, s, sizeof(s));
	jsonw_str(w, key, s);
}

static void jw_delta(jsonw *w, const char *key, const oomsift_report_delta *d)
{
	jsonw_open(w, key, '{');
	jsonw_int(w, "value", d->now);
	jsonw_int(w, "previous", d->prev);
	jsonw_int(w, "change", d->now - d->prev);
	jsonw_close(w, '}');
}

static void period(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "period", '{');
	jw_time(w, "start", (double)r->start);
	jw_time(w, "end", (double)r->end);
	jsonw_str(w, "label", r->label);
	jsonw_int(w, "days", (int64_t)r->ndays);
	jsonw_close(w, '}');
	jsonw_open(w, "previous_period", '{');
	jw_time(w, "start", (double)r->prev_start);
	jw_time(w, "end", (double)r->start);
	jsonw_close(w, '}');
	jsonw_str(w, "host_filter", r->host_glob);
	jsonw_int(w, "incident_gap_s", r->incident_gap_s);
	jw_time(w, "recurring_since", (double)r->recur_start);
	jw_time(w, "leak_window_start", (double)r->leak_start);
}

static void headline(jsonw *w, const oomsift_report_headline *h)
{
	jsonw_open(w, "headline", '{');
	jw_delta(w, "kills", &h->kills);
	jw_delta(w, "kernel_kills", &h->kernel);
	jw_delta(w, "userspace_kills", &h->userspace);
	jw_delta(w, "hosts", &h->hosts);
	jw_delta(w, "incidents", &h->incidents);
	jw_delta(w, "processes_killed", &h->processes);
	jsonw_int(w, "events_without_kill", h->events_without_kill);
	jsonw_int(w, "undated_events", h->undated);
	jsonw_close(w, '}');
}

static void causes(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "causes", '[');
	for (size_t i = 0; i < r->ncauses; i++) {
		const oomsift_report_cause *c = &r->causes[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "cause", c->cause);
		jsonw_int(w, "kills", c->kills.now);
		jsonw_int(w, "kills_previous", c->kills.prev);
		jsonw_real(w, "share", c->share, 4, true);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void hosts(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "hosts", '[');
	for (size_t i = 0; i < r->nhosts; i++) {
		const oomsift_report_host *h = &r->hosts[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "host", h->host);
		jsonw_int(w, "kills", h->kills.now);
		jsonw_int(w, "kills_previous", h->kills.prev);
		jsonw_int(w, "incidents", h->incidents);
		jsonw_str(w, "top_cause", h->top_cause);
		jsonw_int(w, "top_cause_kills", h->top_cause_kills);
		jsonw_str(w, "worst_victim", h->worst_victim);
		jw_int_or_null(w, "worst_victim_rss_kb", h->worst_victim_rss_kb);
		jsonw_int(w, "worst_event_id", h->worst_event_id);
		/* on one line, like the row of a table */
		jsonw_key(w, "kills_per_day");
		fputc('[', w->f);
		for (size_t d = 0; d < r->ndays; d++)
			fprintf(w->f, "%s%lld", d ? ", " : "", (long long)r->host_day[i][d]);
		fputc(']', w->f);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void days(jsonw *w, const oomsift_report *r)
{
	char date[16];

	jsonw_open(w, "kills_per_day", '[');
	for (size_t d = 0; d < r->ndays; d++) {
		jsonw_open(w, NULL, '{');
		report_fmt_date((double)r->start + (double)d * 86400, date, sizeof(date));
		jsonw_str(w, "date", date);
		jw_time(w, "start", (double)r->start + (double)d * 86400);
		jsonw_int(w, "kills", report_day_total(r, d));
		jsonw_open(w, "by_cause", '[');
		for (size_t c = 0; c < report_chart_columns(r); c++) {
			if (!r->day_cause[d][c])
				continue;
			jsonw_open(w, NULL, '{');
			if (c < r->ncauses)
				jsonw_str(w, "cause", r->causes[c].cause);
			else
				jsonw_str(w, "cause", "other");
			jsonw_int(w, "kills", r->day_cause[d][c]);
			jsonw_close(w, '}');
		}
		jsonw_close(w, ']');
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void victims(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "victims", '[');
	for (size_t i = 0; i < r->nvictims; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", r->victims[i].name);
		jsonw_int(w, "kills", r->victims[i].kills);
		jsonw_int(w, "hosts", r->victims[i].hosts);
		jw_int_or_null(w, "max_rss_kb", r->victims[i].max_rss_kb);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_open(w, "groups", '[');
	for (size_t i = 0; i < r->ngroups; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "kind", r->groups[i].kind);
		jsonw_str(w, "name", r->groups[i].name);
		jsonw_int(w, "kills", r->groups[i].kills);
		jsonw_int(w, "hosts", r->groups[i].hosts);
		jw_int_or_null(w, "limit_kb", r->groups[i].limit_kb);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void suspects(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "leak_suspects", '[');
	for (size_t i = 0; i < r->nsuspects; i++) {
		const oomsift_report_suspect *s = &r->suspects[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "host", s->host);
		jsonw_str(w, "name", s->name);
		jsonw_int(w, "points", s->points);
		jsonw_real(w, "slope_kb_per_day", s->slope_kb_per_day, 1, true);
		jsonw_open(w, "series", '[');
		for (size_t j = 0; j < s->nseries; j++) {
			jsonw_open(w, NULL, '{');
			jw_time(w, "ts", s->series[j].ts);
			jsonw_int(w, "rss_kb", s->series[j].rss_kb);
			jsonw_int(w, "event_id", s->series[j].event_id);
			jsonw_close(w, '}');
		}
		jsonw_close(w, ']');
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void problems(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "problems", '[');
	for (size_t i = 0; i < r->nproblems; i++) {
		const oomsift_report_problem *p = &r->problems[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "status", p->recurring ? "recurring" : "new");
		jsonw_str(w, "host", p->host);
		jsonw_str(w, "cause", p->cause);
		jsonw_str(w, "victim", p->victim);
		jsonw_int(w, "kills", p->kills);
		jsonw_int(w, "kills_before", p->kills_before);
		jw_time(w, "first_kill", p->first_ts);
		jw_time(w, "last_kill", p->last_ts);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_open(w, "problem_counts", '{');
	jsonw_int(w, "new", r->new_problems);
	jsonw_int(w, "recurring", r->recurring_problems);
	jsonw_close(w, '}');
}

static void actions(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "actions", '[');
	for (size_t i = 0; i < r->nactions; i++) {
		const oomsift_report_action *a = &r->actions[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "cause", a->cause);
		jsonw_str(w, "rule_id", a->rule_id);
		jsonw_str(w, "severity", a->severity);
		jsonw_str(w, "target_kind", a->target_kind);
		jsonw_str(w, "target", a->target);
		jsonw_open(w, "hosts", '[');
		for (size_t j = 0; j < a->nhosts; j++)
			jsonw_str(w, NULL, a->hosts[j]);
		jsonw_close(w, ']');
		jsonw_int(w, "hosts_omitted", (int64_t)a->hosts_omitted);
		jsonw_int(w, "kills", a->kills);
		jsonw_str(w, "evidence", a->evidence);
		jsonw_str(w, "advice", a->advice);
		jsonw_int(w, "event_id", a->event_id);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static void omitted(jsonw *w, const oomsift_report *r)
{
	jsonw_open(w, "omitted", '{');
	jsonw_int(w, "cause_kills", r->causes_omitted_kills);
	jsonw_int(w, "hosts", (int64_t)r->hosts_omitted);
	jsonw_int(w, "victims", (int64_t)r->victims_omitted);
	jsonw_int(w, "groups", (int64_t)r->groups_omitted);
	jsonw_int(w, "leak_suspects", (int64_t)r->suspects_omitted);
	jsonw_int(w, "problems", (int64_t)r->problems_omitted);
	jsonw_int(w, "actions", (int64_t)r->actions_omitted);
	jsonw_close(w, '}');
}

int oomsift_report_render_json(const oomsift_report *r, FILE *f)
{
	jsonw w;

	jsonw_init(&w, f, 0);

	jsonw_open(&w, NULL, '{');
	jsonw_int(&w, "schema_version", r->schema_version);
	jw_time(&w, "generated_at", (double)r->generated_at);
	period(&w, r);
	headline(&w, &r->headline);
	causes(&w, r);
	hosts(&w, r);
	days(&w, r);
	victims(&w, r);
	suspects(&w, r);
	problems(&w, r);
	actions(&w, r);
	omitted(&w, r);
	jsonw_close(&w, '}');
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return oomsift_error_set(OOMSIFT_EIO, "cannot write the report");
	return 0;
}
