/* The report as GitHub-flavoured Markdown (oomsift_report_render_markdown). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "queries/report_internal.h"

/* Writes s so that Markdown shows it as it is: the punctuation that means
 * something in GFM (emphasis, links, code, tables, HTML, entities) gets a
 * backslash. s is valid UTF-8 without control characters (the model's). */
static void md(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|~&#!", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void table(FILE *f, const report_table *t)
{
	fputc('|', f);
	for (size_t c = 0; c < t->ncols; c++) {
		fputc(' ', f);
		md(f, t->head[c]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (size_t c = 0; c < t->ncols; c++)
		fputs(t->right[c] ? " ---: |" : " --- |", f);
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		fputc('|', f);
		for (size_t c = 0; c < t->ncols; c++) {
			fputc(' ', f);
			md(f, t->cell[r][c]);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
}

static void omitted(FILE *f, size_t n, const char *what)
{
	if (n)
		fprintf(f, "\n… and %zu more %s.\n", n, what);
}

static void headline(FILE *f, const oomsift_report *r)
{
	const oomsift_report_headline *h = &r->headline;
	char period[64], prev[64], a[32], b[32], c[32], notes[512];
	oomsift_report shifted = *r;

	report_fmt_period(r, period, sizeof(period));
	shifted.start = r->prev_start;
	shifted.end = r->start;
	report_fmt_period(&shifted, prev, sizeof(prev));
	fprintf(f, "# OOM report %s\n\n", r->label);
	fprintf(f, "%s (UTC), ", period);
	if (r->host_glob) {
		fputs("hosts matching `", f);
		/* a code span shows its text as it is; only a backtick would end it */
		for (const char *p = r->host_glob; *p; p++)
			fputc(*p == '`' ? '\'' : *p, f);
		fputs("`", f);
	} else {
		fputs("all hosts", f);
	}
	fprintf(f, ". Changes are against the period before (%s).\n\n", prev);
	report_fmt_change(&h->kills, "-", a, sizeof(a));
	report_fmt_change(&h->hosts, "-", b, sizeof(b));
	report_fmt_change(&h->incidents, "-", c, sizeof(c));
	fprintf(f,
	        "| | this period | before | change |\n| --- | ---: | ---: | ---: |\n"
	        "| **Kills** | %lld | %lld | %s |\n| **Hosts** | %lld | %lld | %s |\n"
	        "| **Incidents** | %lld | %lld | %s |\n\n",
	        (long long)h->kills.now, (long long)h->kills.prev, a, (long long)h->hosts.now,
	        (long long)h->hosts.prev, b, (long long)h->incidents.now,
	        (long long)h->incidents.prev, c);
	report_fmt_notes(r, notes, sizeof(notes));
	fputs(notes, f);
	fputc('\n', f);
}

static void causes(FILE *f, const oomsift_report *r, report_table *t)
{
	fputs("\n## Kills by cause\n\n", f);
	for (size_t i = 0; i < r->ncauses && report_table_row(t) >= 0; i++) {
		const oomsift_report_cause *c = &r->causes[i];
		char share[16], ch[32];
		report_fmt_share(c->share, share, sizeof(share));
		report_fmt_change(&c->kills, "-", ch, sizeof(ch));
		report_table_set(t, 0, "%s", report_cause_name(c->cause));
		report_table_set(t, 1, "%lld", (long long)c->kills.now);
		report_table_set(t, 2, "%s", share);
		report_table_set(t, 3, "%lld", (long long)c->kills.prev);
		report_table_set(t, 4, "%s", ch);
	}
	if (r->ncauses)
		table(f, t);
	else
		fputs("No kills.\n", f);
	if (r->causes_omitted_kills)
		fprintf(f, "\n… and %lld kills of other causes.\n",
		        (long long)r->causes_omitted_kills);
}

static void hosts(FILE *f, const oomsift_report *r, report_table *t)
{
	fputs("\n## Kills by host\n\n", f);
	for (size_t i = 0; i < r->nhosts && report_table_row(t) >= 0; i++) {
		const oomsift_report_host *h = &r->hosts[i];
		char ch[32], rss[32];
		report_fmt_change(&h->kills, "-", ch, sizeof(ch));
		report_fmt_kb(h->worst_victim_rss_kb, rss, sizeof(rss));
		report_table_set(t, 0, "%s", h->host);
		report_table_set(t, 1, "%lld", (long long)h->kills.now);
		report_table_set(t, 2, "%s", ch);
		report_table_set(t, 3, "%lld", (long long)h->incidents);
		report_table_set(t, 4, "%s (%lld)", report_cause_name(h->top_cause),
		                 (long long)h->top_cause_kills);
		if (h->worst_victim)
			report_table_set(t, 5, "%s (%s)", h->worst_victim, rss);
	}
	if (r->nhosts)
		table(f, t);
	else
		fputs("No kills.\n", f);
	omitted(f, r->hosts_omitted, "hosts");
}

static void victims(FILE *f, const oomsift_report *r, report_table *t)
{
	fputs("\n## Top victims\n\n", f);
	for (size_t i = 0; i < r->nvictims && report_table_row(t) >= 0; i++) {
		char rss[32];
		report_fmt_kb(r->victims[i].max_rss_kb, rss, sizeof(rss));
		report_table_set(t, 0, "%s", r->victims[i].name);
		report_table_set(t, 1, "%lld", (long long)r->victims[i].kills);
		report_table_set(t, 2, "%lld", (long long)r->victims[i].hosts);
		report_table_set(t, 3, "%s", rss);
	}
	if (r->nvictims)
		table(f, t);
	else
		fputs("No victims named.\n", f);
	omitted(f, r->victims_omitted, "processes");
}

static void groups(FILE *f, const oomsift_report *r, report_table *t)
{
	fputs("\n## Top cgroups and units\n\n", f);
	for (size_t i = 0; i < r->ngroups && report_table_row(t) >= 0; i++) {
		const oomsift_report_group *g = &r->groups[i];
		char limit[32];
		report_fmt_kb(g->limit_kb, limit, sizeof(limit));
		report_table_set(t, 0, "%s", g->kind);
		report_table_set(t, 1, "%s", g->name);
		report_table_set(t, 2, "%lld", (long long)g->kills);
		report_table_set(t, 3, "%lld", (long long)g->hosts);
		report_table_set(t, 4, "%s", g->limit_kb < 0 ? "-" : limit);
	}
	if (r->ngroups)
		table(f, t);
	else
		fputs("No kill named a unit, cgroup or container.\n", f);
	omitted(f, r->groups_omitted, "cgroups and units");
}

static void suspects(FILE *f, const oomsift_report *r, report_table *t)
{
	char from[16], to[16];

	report_fmt_date((double)r->leak_start, from, sizeof(from));
	report_fmt_date((double)(r->end - 1), to, sizeof(to));
	fprintf(f,
	        "\n## Leak suspects\n\nProcesses whose RSS grows over the task tables of %s – %s "
	        "(%d events or more, least-squares slope).\n\n",
	        from, to, OOMSIFT_REPORT_LEAK_MIN_POINTS);
	for (size_t i = 0; i < r->nsuspects && report_table_row(t) >= 0; i++) {
		const oomsift_report_suspect *s = &r->suspects[i];
		char slope[48], a[32], b[32];
		report_fmt_slope(s->slope_kb_per_day, slope, sizeof(slope));
		report_fmt_kb(s->series[0].rss_kb, a, sizeof(a));
		report_fmt_kb(s->series[s->nseries - 1].rss_kb, b, sizeof(b));
		report_table_set(t, 0, "%s", s->host);
		report_table_set(t, 1, "%s", s->name);
		report_table_set(t, 2, "%lld", (long long)s->points);
		report_table_set(t, 3, "%s", slope);
		report_table_set(t, 4, "%s", a);
		report_table_set(t, 5, "%s", b);
	}
	if (r->nsuspects)
		table(f, t);
	else
		fputs("None.\n", f);
	omitted(f, r->suspects_omitted, "suspects");
}

static void problems(FILE *f, const oomsift_report *r, report_table *t)
{
	fprintf(f,
	        "\n## New and recurring problems\n\n%lld new, %lld recurring. A (host, cause, "
	        "victim) is recurring when it was killed in the 4 weeks before the period too.\n\n",
	        (long long)r->new_problems, (long long)r->recurring_problems);
	for (size_t i = 0; i < r->nproblems && report_table_row(t) >= 0; i++) {
		const oomsift_report_problem *p = &r->problems[i];
		report_table_set(t, 0, "%s", p->recurring ? "recurring" : "new");
		report_table_set(t, 1, "%s", p->host);
		report_table_set(t, 2, "%s", report_cause_name(p->cause));
		report_table_set(t, 3, "%s", p->victim ? p->victim : "?");
		report_table_set(t, 4, "%lld", (long long)p->kills);
		report_table_set(t, 5, "%lld", (long long)p->kills_before);
	}
	if (r->nproblems)
		table(f, t);
	omitted(f, r->problems_omitted, "problems");
}

static void actions(FILE *f, const oomsift_report *r)
{
	fputs("\n## Recommended actions\n\n", f);
	if (!r->nactions)
		fputs("None: no kill of the period has a cause with advice.\n", f);
	for (size_t i = 0; i < r->nactions; i++) {
		const oomsift_report_action *a = &r->actions[i];
		fprintf(f, "%zu. **", i + 1);
		md(f, report_cause_name(a->cause));
		if (a->target) {
			fprintf(f, ": %s ", a->target_kind ? a->target_kind : "");
			md(f, a->target);
		}
		fprintf(f, "**, %lld kill%s on ", (long long)a->kills, a->kills == 1 ? "" : "s");
		for (size_t j = 0; j < a->nhosts; j++) {
			fputs(j ? ", " : "", f);
			md(f, a->hosts[j]);
		}
		if (a->hosts_omitted)
			fprintf(f, " and %zu more hosts", a->hosts_omitted);
		fprintf(f, " (%s, rule `%s`, event %lld)\n", a->severity, a->rule_id,
		        (long long)a->event_id);
		if (a->evidence) {
			fputs("   - Seen: ", f);
			md(f, a->evidence);
			fputc('\n', f);
		}
		fputs("   - Do: ", f);
		md(f, a->advice);
		fputc('\n', f);
	}
	omitted(f, r->actions_omitted, "actions");
}

int oomsift_report_render_markdown(const oomsift_report *r, FILE *f)
{
	static const char *const cause_h[] = {"cause", ">kills", ">share", ">before", "change"};
	static const char *const host_h[] = {"host",       ">kills",    "change",
	                                     ">incidents", "top cause", "worst victim (RSS)"};
	static const char *const victim_h[] = {"process", ">kills", ">hosts", ">largest RSS"};
	static const char *const group_h[] = {"kind", "name", ">kills", ">hosts", ">memory limit"};
	static const char *const suspect_h[] = {"host",    "process", ">points",
	                                        ">growth", ">first",  ">last"};
	static const char *const problem_h[] = {"status", "host",   "cause",
	                                        "victim", ">kills", ">4 weeks before"};
	report_table *t[6] = {report_table_new(5, cause_h),   report_table_new(6, host_h),
	                      report_table_new(4, victim_h),  report_table_new(5, group_h),
	                      report_table_new(6, suspect_h), report_table_new(6, problem_h)};
	int rc = 0;

	for (int i = 0; i < 6; i++)
		if (!t[i])
			rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (rc == 0) {
		headline(f, r);
		causes(f, r, t[0]);
		hosts(f, r, t[1]);
		victims(f, r, t[2]);
		groups(f, r, t[3]);
		suspects(f, r, t[4]);
		problems(f, r, t[5]);
		actions(f, r);
		if (fflush(f) != 0 || ferror(f))
			rc = oomsift_error_set(OOMSIFT_EIO, "cannot write the report");
	}
	for (int i = 0; i < 6; i++)
		free(t[i]);
	return rc;
}
