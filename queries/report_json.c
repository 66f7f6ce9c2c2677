/* The report as JSON (oomsift_report_render_json; docs/report-schema.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oomsift/error.h"
#include "queries/report_internal.h"

#define MAX_DEPTH 8

/* A pretty-printing writer: two spaces per level, one member per line. */
typedef struct jw {
	FILE *f;
	int depth;
	bool first[MAX_DEPTH];
} jw;

static void jw_string(jw *w, const char *s)
{
	fputc('"', w->f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(w->f, "\\%c", c);
		else if (c < 0x20)
			fprintf(w->f, "\\u%04x", c);
		else
			fputc(c, w->f);
	}
	fputc('"', w->f);
}

/* The separator and indentation before a member (key may be NULL in arrays):
 * depth is the number of containers open. */
static void jw_key(jw *w, const char *key)
{
	fprintf(w->f, "%s\n%*s", w->first[w->depth] ? "" : ",", 2 * w->depth, "");
	w->first[w->depth] = false;
	if (key) {
		jw_string(w, key);
		fputs(": ", w->f);
	}
}

static void jw_open(jw *w, const char *key, char brace)
{
	if (w->depth > 0)
		jw_key(w, key);
	fputc(brace, w->f);
	w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(jw *w, char brace)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(brace, w->f);
}

static void jw_str(jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		jw_string(w, s);
	else
		fputs("null", w->f);
}

static void jw_int(jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%lld", (long long)v);
}

/* An integer where -1 means unknown: null. */
static void jw_int_or_null(jw *w, const char *key, int64_t v)
{
	if (v < 0)
		jw_str(w, key, NULL);
	else
		jw_int(w, key, v);
}

/* A number with `decimals` places, trailing zeros kept off ("0.5", "446.2"). */
static void jw_real(jw *w, const char *key, double v, int decimals)
{
	char s[64];
	size_t n;

	snprintf(s, sizeof(s), "%.*f", decimals, v);
	n = strlen(s);
	while (n > 1 && strchr(s, '.') && (s[n - 1] == '0' || s[n - 1] == '.'))
		s[--n] = '\0';
	if (strcmp(s, "-0") == 0)
		strcpy(s, "0");
	jw_key(w, key);
	fputs(s, w->f);
}

static void jw_time(jw *w, const char *key, double t)
{
	char s[32];

	report_fmt_time(t, s, sizeof(s));
	jw_str(w, key, s);
}

static void jw_delta(jw *w, const char *key, const oomsift_report_delta *d)
{
	jw_open(w, key, '{');
	jw_int(w, "value", d->now);
	jw_int(w, "previous", d->prev);
	jw_int(w, "change", d->now - d->prev);
	jw_close(w, '}');
}

static void period(jw *w, const oomsift_report *r)
{
	jw_open(w, "period", '{');
	jw_time(w, "start", (double)r->start);
	jw_time(w, "end", (double)r->end);
	jw_str(w, "label", r->label);
	jw_int(w, "days", (int64_t)r->ndays);
	jw_close(w, '}');
	jw_open(w, "previous_period", '{');
	jw_time(w, "start", (double)r->prev_start);
	jw_time(w, "end", (double)r->start);
	jw_close(w, '}');
	jw_str(w, "host_filter", r->host_glob);
	jw_int(w, "incident_gap_s", r->incident_gap_s);
	jw_time(w, "recurring_since", (double)r->recur_start);
	jw_time(w, "leak_window_start", (double)r->leak_start);
}

static void headline(jw *w, const oomsift_report_headline *h)
{
	jw_open(w, "headline", '{');
	jw_delta(w, "kills", &h->kills);
	jw_delta(w, "kernel_kills", &h->kernel);
	jw_delta(w, "userspace_kills", &h->userspace);
	jw_delta(w, "hosts", &h->hosts);
	jw_delta(w, "incidents", &h->incidents);
	jw_delta(w, "processes_killed", &h->processes);
	jw_int(w, "events_without_kill", h->events_without_kill);
	jw_int(w, "undated_events", h->undated);
	jw_close(w, '}');
}

static void causes(jw *w, const oomsift_report *r)
{
	jw_open(w, "causes", '[');
	for (size_t i = 0; i < r->ncauses; i++) {
		const oomsift_report_cause *c = &r->causes[i];
		jw_open(w, NULL, '{');
		jw_str(w, "cause", c->cause);
		jw_int(w, "kills", c->kills.now);
		jw_int(w, "kills_previous", c->kills.prev);
		jw_real(w, "share", c->share, 4);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void hosts(jw *w, const oomsift_report *r)
{
	jw_open(w, "hosts", '[');
	for (size_t i = 0; i < r->nhosts; i++) {
		const oomsift_report_host *h = &r->hosts[i];
		jw_open(w, NULL, '{');
		jw_str(w, "host", h->host);
		jw_int(w, "kills", h->kills.now);
		jw_int(w, "kills_previous", h->kills.prev);
		jw_int(w, "incidents", h->incidents);
		jw_str(w, "top_cause", h->top_cause);
		jw_int(w, "top_cause_kills", h->top_cause_kills);
		jw_str(w, "worst_victim", h->worst_victim);
		jw_int_or_null(w, "worst_victim_rss_kb", h->worst_victim_rss_kb);
		jw_int(w, "worst_event_id", h->worst_event_id);
		/* on one line, like the row of a table */
		jw_key(w, "kills_per_day");
		fputc('[', w->f);
		for (size_t d = 0; d < r->ndays; d++)
			fprintf(w->f, "%s%lld", d ? ", " : "", (long long)r->host_day[i][d]);
		fputc(']', w->f);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void days(jw *w, const oomsift_report *r)
{
	char date[16];

	jw_open(w, "kills_per_day", '[');
	for (size_t d = 0; d < r->ndays; d++) {
		jw_open(w, NULL, '{');
		report_fmt_date((double)r->start + (double)d * 86400, date, sizeof(date));
		jw_str(w, "date", date);
		jw_time(w, "start", (double)r->start + (double)d * 86400);
		jw_int(w, "kills", report_day_total(r, d));
		jw_open(w, "by_cause", '[');
		for (size_t c = 0; c < report_chart_columns(r); c++) {
			if (!r->day_cause[d][c])
				continue;
			jw_open(w, NULL, '{');
			if (c < r->ncauses)
				jw_str(w, "cause", r->causes[c].cause);
			else
				jw_str(w, "cause", "other");
			jw_int(w, "kills", r->day_cause[d][c]);
			jw_close(w, '}');
		}
		jw_close(w, ']');
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void victims(jw *w, const oomsift_report *r)
{
	jw_open(w, "victims", '[');
	for (size_t i = 0; i < r->nvictims; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "name", r->victims[i].name);
		jw_int(w, "kills", r->victims[i].kills);
		jw_int(w, "hosts", r->victims[i].hosts);
		jw_int_or_null(w, "max_rss_kb", r->victims[i].max_rss_kb);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "groups", '[');
	for (size_t i = 0; i < r->ngroups; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "kind", r->groups[i].kind);
		jw_str(w, "name", r->groups[i].name);
		jw_int(w, "kills", r->groups[i].kills);
		jw_int(w, "hosts", r->groups[i].hosts);
		jw_int_or_null(w, "limit_kb", r->groups[i].limit_kb);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void suspects(jw *w, const oomsift_report *r)
{
	jw_open(w, "leak_suspects", '[');
	for (size_t i = 0; i < r->nsuspects; i++) {
		const oomsift_report_suspect *s = &r->suspects[i];
		jw_open(w, NULL, '{');
		jw_str(w, "host", s->host);
		jw_str(w, "name", s->name);
		jw_int(w, "points", s->points);
		jw_real(w, "slope_kb_per_day", s->slope_kb_per_day, 1);
		jw_open(w, "series", '[');
		for (size_t j = 0; j < s->nseries; j++) {
			jw_open(w, NULL, '{');
			jw_time(w, "ts", s->series[j].ts);
			jw_int(w, "rss_kb", s->series[j].rss_kb);
			jw_int(w, "event_id", s->series[j].event_id);
			jw_close(w, '}');
		}
		jw_close(w, ']');
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void problems(jw *w, const oomsift_report *r)
{
	jw_open(w, "problems", '[');
	for (size_t i = 0; i < r->nproblems; i++) {
		const oomsift_report_problem *p = &r->problems[i];
		jw_open(w, NULL, '{');
		jw_str(w, "status", p->recurring ? "recurring" : "new");
		jw_str(w, "host", p->host);
		jw_str(w, "cause", p->cause);
		jw_str(w, "victim", p->victim);
		jw_int(w, "kills", p->kills);
		jw_int(w, "kills_before", p->kills_before);
		jw_time(w, "first_kill", p->first_ts);
		jw_time(w, "last_kill", p->last_ts);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "problem_counts", '{');
	jw_int(w, "new", r->new_problems);
	jw_int(w, "recurring", r->recurring_problems);
	jw_close(w, '}');
}

static void actions(jw *w, const oomsift_report *r)
{
	jw_open(w, "actions", '[');
	for (size_t i = 0; i < r->nactions; i++) {
		const oomsift_report_action *a = &r->actions[i];
		jw_open(w, NULL, '{');
		jw_str(w, "cause", a->cause);
		jw_str(w, "rule_id", a->rule_id);
		jw_str(w, "severity", a->severity);
		jw_str(w, "target_kind", a->target_kind);
		jw_str(w, "target", a->target);
		jw_open(w, "hosts", '[');
		for (size_t j = 0; j < a->nhosts; j++)
			jw_str(w, NULL, a->hosts[j]);
		jw_close(w, ']');
		jw_int(w, "hosts_omitted", (int64_t)a->hosts_omitted);
		jw_int(w, "kills", a->kills);
		jw_str(w, "evidence", a->evidence);
		jw_str(w, "advice", a->advice);
		jw_int(w, "event_id", a->event_id);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void omitted(jw *w, const oomsift_report *r)
{
	jw_open(w, "omitted", '{');
	jw_int(w, "cause_kills", r->causes_omitted_kills);
	jw_int(w, "hosts", (int64_t)r->hosts_omitted);
	jw_int(w, "victims", (int64_t)r->victims_omitted);
	jw_int(w, "groups", (int64_t)r->groups_omitted);
	jw_int(w, "leak_suspects", (int64_t)r->suspects_omitted);
	jw_int(w, "problems", (int64_t)r->problems_omitted);
	jw_int(w, "actions", (int64_t)r->actions_omitted);
	jw_close(w, '}');
}

int oomsift_report_render_json(const oomsift_report *r, FILE *f)
{
	jw w = {f, 0, {0}};

	jw_open(&w, NULL, '{');
	jw_int(&w, "schema_version", r->schema_version);
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
	jw_close(&w, '}');
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return oomsift_error_set(OOMSIFT_EIO, "cannot write the report");
	return 0;
}
