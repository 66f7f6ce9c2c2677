/* The report for a terminal (oomsift_report_render_text, include/oomsift/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "queries/report_internal.h"

#define CELL_WIDTH 40 /* characters of a table cell; more is cut with "…" */
#define WRAP_WIDTH 96 /* evidence and advice are wrapped to this */

typedef struct text {
	FILE *f;
	bool color;
} text;

/* ANSI styles, only when colour is on. */
static const char *style(const text *t, const char *code)
{
	return t->color ? code : "";
}
#define BOLD  "\033[1m"
#define DIM   "\033[2m"
#define RED   "\033[31m"
#define GREEN "\033[32m"
#define CYAN  "\033[36m"
#define RESET "\033[0m"

static void title(const text *t, const char *s)
{
	fprintf(t->f, "\n%s%s%s\n", style(t, BOLD CYAN), s, style(t, RESET));
}

/* A change, red when worse, green when better. */
static void change(const text *t, const oomsift_report_delta *d, size_t width)
{
	char s[32];

	report_fmt_change(d, "-", s, sizeof(s));
	fprintf(t->f, "%s%-*s%s",
	        style(t, d->now > d->prev   ? RED
	                 : d->now < d->prev ? GREEN
	                                    : ""),
	        (int)(width + strlen(s) - report_utf8_width(s)), s, style(t, RESET));
}

static void put_cell(const text *t, const char *s, size_t width, bool right, bool last)
{
	size_t w = report_utf8_width(s), cut = w > CELL_WIDTH ? CELL_WIDTH - 1 : w;
	size_t shown = cut < w ? cut + 1 : w;

	if (right)
		fprintf(t->f, "%*s", (int)(width - shown), "");
	fprintf(t->f, "%.*s%s", (int)report_utf8_prefix(s, cut), s, cut < w ? "\xe2\x80\xa6" : "");
	if (!right && !last)
		fprintf(t->f, "%*s", (int)(width - shown), "");
}

static void table(const text *t, const report_table *tb)
{
	size_t width[REPORT_TABLE_COLS] = {0};

	for (size_t c = 0; c < tb->ncols; c++) {
		width[c] = report_utf8_width(tb->head[c]);
		for (size_t r = 0; r < tb->nrows; r++) {
			size_t w = report_utf8_width(tb->cell[r][c]);
			w = w > CELL_WIDTH ? CELL_WIDTH : w;
			width[c] = w > width[c] ? w : width[c];
		}
	}
	fputs("  ", t->f);
	fputs(style(t, DIM), t->f);
	for (size_t c = 0; c < tb->ncols; c++) {
		put_cell(t, tb->head[c], width[c], tb->right[c], c + 1 == tb->ncols);
		fputs(c + 1 < tb->ncols ? "  " : "", t->f);
	}
	fprintf(t->f, "%s\n", style(t, RESET));
	for (size_t r = 0; r < tb->nrows; r++) {
		fputs("  ", t->f);
		for (size_t c = 0; c < tb->ncols; c++) {
			put_cell(t, tb->cell[r][c], width[c], tb->right[c], c + 1 == tb->ncols);
			fputs(c + 1 < tb->ncols ? "  " : "", t->f);
		}
		fputc('\n', t->f);
	}
}

static void omitted(const text *t, size_t n, const char *what)
{
	if (n)
		fprintf(t->f, "  %s… and %zu more %s%s\n", style(t, DIM), n, what, style(t, RESET));
}

static size_t width_n(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* "label s" after `margin` blanks, s wrapped at WRAP_WIDTH characters under
 * its first word. */
static void wrapped(const text *t, size_t margin, const char *label, const char *s)
{
	size_t indent = margin + strlen(label) + (*label ? 1 : 0), col = indent;

	fprintf(t->f, "%*s%s%s%s%s", (int)margin, "", style(t, DIM), label, style(t, RESET),
	        *label ? " " : "");
	while (*s) {
		size_t word = strcspn(s, " "), w = width_n(s, word);
		if (col > indent && col + 1 + w > WRAP_WIDTH) {
			fprintf(t->f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', t->f);
			col++;
		}
		fwrite(s, 1, word, t->f);
		col += w;
		s += word;
		while (*s == ' ')
			s++;
	}
	fputc('\n', t->f);
}

static void headline(const text *t, const oomsift_report *r)
{
	const oomsift_report_headline *h = &r->headline;
	char period[64], prev[64], notes[512];
	oomsift_report shifted = *r;
	const struct {
		const char *name;
		const oomsift_report_delta *d;
	} rows[] = {{"Kills", &h->kills}, {"Hosts", &h->hosts}, {"Incidents", &h->incidents}};

	report_fmt_period(r, period, sizeof(period));
	shifted.start = r->prev_start;
	shifted.end = r->start;
	report_fmt_period(&shifted, prev, sizeof(prev));
	fprintf(t->f, "%sOOM report %s%s  %s (UTC), %s%s\n", style(t, BOLD), r->label,
	        style(t, RESET), period, r->host_glob ? "hosts " : "all hosts",
	        r->host_glob ? r->host_glob : "");
	fprintf(t->f, "changes are against the period before: %s\n\n", prev);
	for (size_t i = 0; i < 3; i++) {
		fprintf(t->f, "  %-10s %s%6lld%s  ", rows[i].name, style(t, BOLD),
		        (long long)rows[i].d->now, style(t, RESET));
		change(t, rows[i].d, 6);
		fprintf(t->f, " (before: %lld)\n", (long long)rows[i].d->prev);
	}
	report_fmt_notes(r, notes, sizeof(notes));
	fputc('\n', t->f);
	wrapped(t, 2, "", notes);
}

static int causes(const text *t, const oomsift_report *r)
{
	static const char *const heads[] = {"cause", ">kills", ">share", ">before", "change"};
	report_table *tb = report_table_new(5, heads);

	if (!tb)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	title(t, "Kills by cause");
	for (size_t i = 0; i < r->ncauses && report_table_row(tb) >= 0; i++) {
		const oomsift_report_cause *c = &r->causes[i];
		char share[16], ch[32];
		report_fmt_share(c->share, share, sizeof(share));
		report_fmt_change(&c->kills, "-", ch, sizeof(ch));
		report_table_set(tb, 0, "%s", report_cause_name(c->cause));
		report_table_set(tb, 1, "%lld", (long long)c->kills.now);
		report_table_set(tb, 2, "%s", share);
		report_table_set(tb, 3, "%lld", (long long)c->kills.prev);
		report_table_set(tb, 4, "%s", ch);
	}
	if (r->ncauses)
		table(t, tb);
	else
		fprintf(t->f, "  no kills\n");
	if (r->causes_omitted_kills)
		fprintf(t->f, "  … and %lld kills of other causes\n",
		        (long long)r->causes_omitted_kills);
	free(tb);
	return 0;
}

static int hosts(const text *t, const oomsift_report *r)
{
	static const char *const heads[] = {"host",       ">kills",    "change",
	                                    ">incidents", "top cause", "worst victim (RSS)"};
	report_table *tb = report_table_new(6, heads);

	if (!tb)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	title(t, "Kills by host");
	for (size_t i = 0; i < r->nhosts && report_table_row(tb) >= 0; i++) {
		const oomsift_report_host *h = &r->hosts[i];
		char ch[32], rss[32];
		report_fmt_change(&h->kills, "-", ch, sizeof(ch));
		report_fmt_kb(h->worst_victim_rss_kb, rss, sizeof(rss));
		report_table_set(tb, 0, "%s", h->host);
		report_table_set(tb, 1, "%lld", (long long)h->kills.now);
		report_table_set(tb, 2, "%s", ch);
		report_table_set(tb, 3, "%lld", (long long)h->incidents);
		report_table_set(tb, 4, "%s (%lld)", report_cause_name(h->top_cause),
		                 (long long)h->top_cause_kills);
		if (h->worst_victim)
			report_table_set(tb, 5, "%s (%s)", h->worst_victim, rss);
	}
	if (r->nhosts)
		table(t, tb);
	else
		fprintf(t->f, "  no kills\n");
	omitted(t, r->hosts_omitted, "hosts");
	free(tb);
	return 0;
}

static int victims(const text *t, const oomsift_report *r)
{
	static const char *const heads[] = {"process", ">kills", ">hosts", ">largest RSS"};
	static const char *const gheads[] = {"kind", "name", ">kills", ">hosts", ">memory limit"};
	report_table *tb = report_table_new(4, heads), *gt = report_table_new(5, gheads);
	int rc = 0;

	if (!tb || !gt) {
		rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		goto out;
	}
	title(t, "Top victims");
	for (size_t i = 0; i < r->nvictims && report_table_row(tb) >= 0; i++) {
		char rss[32];
		report_fmt_kb(r->victims[i].max_rss_kb, rss, sizeof(rss));
		report_table_set(tb, 0, "%s", r->victims[i].name);
		report_table_set(tb, 1, "%lld", (long long)r->victims[i].kills);
		report_table_set(tb, 2, "%lld", (long long)r->victims[i].hosts);
		report_table_set(tb, 3, "%s", rss);
	}
	if (r->nvictims)
		table(t, tb);
	else
		fprintf(t->f, "  no victims named\n");
	omitted(t, r->victims_omitted, "processes");
	title(t, "Top cgroups and units");
	for (size_t i = 0; i < r->ngroups && report_table_row(gt) >= 0; i++) {
		const oomsift_report_group *g = &r->groups[i];
		char limit[32];
		report_fmt_kb(g->limit_kb, limit, sizeof(limit));
		report_table_set(gt, 0, "%s", g->kind);
		report_table_set(gt, 1, "%s", g->name);
		report_table_set(gt, 2, "%lld", (long long)g->kills);
		report_table_set(gt, 3, "%lld", (long long)g->hosts);
		report_table_set(gt, 4, "%s", g->limit_kb < 0 ? "-" : limit);
	}
	if (r->ngroups)
		table(t, gt);
	else
		fprintf(t->f, "  no kill named a unit, cgroup or container\n");
	omitted(t, r->groups_omitted, "cgroups and units");
out:
	free(tb);
	free(gt);
	return rc;
}

static int suspects(const text *t, const oomsift_report *r)
{
	static const char *const heads[] = {"host",    "process", ">points",
	                                    ">growth", ">first",  ">last"};
	report_table *tb = report_table_new(6, heads);
	char from[16], to[16];

	if (!tb)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	title(t, "Leak suspects");
	report_fmt_date((double)r->leak_start, from, sizeof(from));
	report_fmt_date((double)(r->end - 1), to, sizeof(to));
	fprintf(t->f,
	        "  RSS of a process name growing over the task tables of %s \xe2\x80\x93 %s\n",
	        from, to);
	for (size_t i = 0; i < r->nsuspects && report_table_row(tb) >= 0; i++) {
		const oomsift_report_suspect *s = &r->suspects[i];
		char slope[48], a[32], b[32];
		report_fmt_slope(s->slope_kb_per_day, slope, sizeof(slope));
		report_fmt_kb(s->series[0].rss_kb, a, sizeof(a));
		report_fmt_kb(s->series[s->nseries - 1].rss_kb, b, sizeof(b));
		report_table_set(tb, 0, "%s", s->host);
		report_table_set(tb, 1, "%s", s->name);
		report_table_set(tb, 2, "%lld", (long long)s->points);
		report_table_set(tb, 3, "%s", slope);
		report_table_set(tb, 4, "%s", a);
		report_table_set(tb, 5, "%s", b);
	}
	if (r->nsuspects)
		table(t, tb);
	else
		fprintf(t->f, "  none\n");
	omitted(t, r->suspects_omitted, "suspects");
	free(tb);
	return 0;
}

static int problems(const text *t, const oomsift_report *r)
{
	static const char *const heads[] = {"status", "host",   "cause",
	                                    "victim", ">kills", ">4 weeks before"};
	report_table *tb = report_table_new(6, heads);

	if (!tb)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	title(t, "New and recurring problems");
	fprintf(t->f,
	        "  %lld new, %lld recurring: a (host, cause, victim) is recurring when it was\n"
	        "  killed in the 4 weeks before the period too\n",
	        (long long)r->new_problems, (long long)r->recurring_problems);
	for (size_t i = 0; i < r->nproblems && report_table_row(tb) >= 0; i++) {
		const oomsift_report_problem *p = &r->problems[i];
		report_table_set(tb, 0, "%s", p->recurring ? "recurring" : "new");
		report_table_set(tb, 1, "%s", p->host);
		report_table_set(tb, 2, "%s", report_cause_name(p->cause));
		report_table_set(tb, 3, "%s", p->victim ? p->victim : "?");
		report_table_set(tb, 4, "%lld", (long long)p->kills);
		report_table_set(tb, 5, "%lld", (long long)p->kills_before);
	}
	if (r->nproblems)
		table(t, tb);
	omitted(t, r->problems_omitted, "problems");
	free(tb);
	return 0;
}

static void actions(const text *t, const oomsift_report *r)
{
	title(t, "Recommended actions");
	if (!r->nactions)
		fprintf(t->f, "  none: no kill of the period has a cause with advice\n");
	for (size_t i = 0; i < r->nactions; i++) {
		const oomsift_report_action *a = &r->actions[i];
		fprintf(t->f, "%s%3zu. %s%s", i ? "\n" : "", i + 1, style(t, BOLD),
		        report_cause_name(a->cause));
		if (a->target)
			fprintf(t->f, ": %s %s", a->target_kind ? a->target_kind : "", a->target);
		fprintf(t->f, "%s, %lld kill%s on ", style(t, RESET), (long long)a->kills,
		        a->kills == 1 ? "" : "s");
		for (size_t j = 0; j < a->nhosts; j++)
			fprintf(t->f, "%s%s", j ? ", " : "", a->hosts[j]);
		if (a->hosts_omitted)
			fprintf(t->f, " and %zu more hosts", a->hosts_omitted);
		fprintf(t->f, " (%s, rule %s, event %lld)\n", a->severity, a->rule_id,
		        (long long)a->event_id);
		if (a->evidence)
			wrapped(t, 5, "seen:", a->evidence);
		wrapped(t, 5, "do:  ", a->advice);
	}
	omitted(t, r->actions_omitted, "actions");
}

int oomsift_report_render_text(const oomsift_report *r, FILE *f, bool color)
{
	text t = {f, color};
	int rc;

	headline(&t, r);
	if ((rc = causes(&t, r)) < 0 || (rc = hosts(&t, r)) < 0 || (rc = victims(&t, r)) < 0 ||
	    (rc = suspects(&t, r)) < 0 || (rc = problems(&t, r)) < 0)
		return rc;
	actions(&t, r);
	if (fflush(f) != 0 || ferror(f))
		return oomsift_error_set(OOMSIFT_EIO, "cannot write the report");
	return 0;
}
