/*
 * The report as one self-contained HTML page (oomsift_report_render_html):
 * inline CSS for screens, phones and paper, inline SVG charts, no script and
 * nothing fetched. Every string of the model goes through
 * oomsift_report_html_escape() (esc() below), in text, attributes and SVG.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "queries/report_internal.h"

/* Chart geometry, in SVG user units (the charts scale to the page). */
#define CHART_W      800
#define BARS_H       200
#define PLOT_LEFT    40
#define PLOT_TOP     12
#define PLOT_BOTTOM  28
#define HEAT_LABEL_W 170
#define HEAT_ROW_H   24
#define HEAT_TOP     28
#define HOST_LABEL   22 /* characters of a host name beside the heat map */
#define LINE_W       300
#define LINE_H       130
#define MAX_X_LABELS 8

static const char css[] =
    ":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--up:#b42318;"
    "--down:#1a7f37}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--fg);background:#fff;font:15px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    "header,main,footer{max-width:64rem;margin:0 auto;padding:0 1rem}\n"
    "h1{font-size:1.6rem;margin:1.2rem 0 .2rem}\n"
    "h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.3rem;"
    "border-bottom:1px solid var(--line)}\n"
    "h3{font-size:1rem;margin:1.2rem 0 .4rem}\n"
    ".sub,.note,footer{color:var(--muted)}\n"
    ".note{font-size:.9rem}\n"
    "code{font-size:.9em;overflow-wrap:anywhere}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.8rem;"
    "margin-top:1rem}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:.7rem 1rem}\n"
    ".card .label{color:var(--muted);font-size:.85rem}\n"
    ".card .value{font-size:2rem;font-weight:600;line-height:1.2;"
    "font-variant-numeric:tabular-nums}\n"
    ".up{color:var(--up)}.down{color:var(--down)}.same{color:var(--muted)}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:.92rem}\n"
    "th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n"
    "th{font-weight:600;color:var(--muted);white-space:nowrap}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.name{overflow-wrap:anywhere;min-width:6rem}\n"
    "td.cause{white-space:nowrap}\n"
    ".chart svg{display:block;width:100%;height:auto;min-width:36rem}\n"
    "svg text{font:14px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "fill:#59636e}\n"
    ".legend{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;"
    "gap:.3rem 1rem;font-size:.9rem}\n"
    ".legend svg,.swatch{display:inline-block;vertical-align:-1px;margin-right:.3rem}\n"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));"
    "gap:0 1.5rem}\n"
    ".suspects{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));"
    "gap:.8rem}\n"
    ".suspect{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}\n"
    ".suspect svg{display:block;width:100%;height:auto}\n"
    ".suspect h3{margin:0;overflow-wrap:anywhere}\n"
    ".badge{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.8rem;"
    "border:1px solid}\n"
    ".badge.new{background:#fff1e5;color:#9a3412;border-color:#fdba74}\n"
    ".badge.recurring{background:#eef2ff;color:#3730a3;border-color:#a5b4fc}\n"
    ".actions{padding-left:1.4rem}\n"
    ".actions li{margin-bottom:1rem}\n"
    ".actions p{margin:.2rem 0;overflow-wrap:anywhere}\n"
    ".sev{font-size:.8rem;color:var(--muted)}\n"
    "footer{font-size:.8rem;margin:2.5rem auto 1.5rem}\n"
    "@media (max-width:40rem){body{font-size:14px}h1{font-size:1.3rem}"
    ".card .value{font-size:1.5rem}th,td{padding:.3rem .35rem}"
    "header,main,footer{padding:0 .6rem}}\n"
    "@media print{body{font-size:10pt}header,main,footer{max-width:none;padding:0}"
    ".chart svg{min-width:0}.scroll{overflow:visible}"
    "h2{break-after:avoid}.card,.suspect,figure,tr,li{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

void oomsift_report_html_escape(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
}

static void esc(FILE *f, const char *s)
{
	oomsift_report_html_escape(f, s, strlen(s));
}

/* The first `chars` characters of s, escaped, "…" when cut. */
static void esc_cut(FILE *f, const char *s, size_t chars)
{
	size_t n = report_utf8_prefix(s, chars);

	oomsift_report_html_escape(f, s, n);
	if (s[n])
		fputs("\xe2\x80\xa6", f);
}

/* <td class="cls">text</td>, text escaped. */
static void td(FILE *f, const char *cls, const char *text)
{
	fprintf(f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(f, text);
	fputs("</td>", f);
}

static void td_int(FILE *f, int64_t v)
{
	fprintf(f, "<td class=\"num\">%lld</td>", (long long)v);
}

static void td_kb(FILE *f, int64_t kb)
{
	char s[32];

	report_fmt_kb(kb, s, sizeof(s));
	td(f, "num", kb < 0 ? "\xe2\x80\x93" : s);
}

static const char *change_class(const oomsift_report_delta *d)
{
	return d->now > d->prev ? "up" : d->now < d->prev ? "down" : "same";
}

static void td_change(FILE *f, const oomsift_report_delta *d)
{
	char s[32];

	report_fmt_change(d, "\xe2\x88\x92", s, sizeof(s));
	fprintf(f, "<td class=\"num %s\">%s</td>", change_class(d), s);
}

/* A table head: a name starting with '>' is a number column. */
static void thead(FILE *f, const char *const *names, size_t n)
{
	fputs("<div class=\"scroll\"><table><thead><tr>", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "<th%s>%s</th>", names[i][0] == '>' ? " class=\"num\"" : "",
		        names[i] + (names[i][0] == '>'));
	fputs("</tr></thead><tbody>\n", f);
}

static void tfoot(FILE *f)
{
	fputs("</tbody></table></div>\n", f);
}

static void omitted(FILE *f, size_t n, const char *what)
{
	if (n)
		fprintf(f, "<p class=\"note\">… and %zu more %s.</p>\n", n, what);
}

/* A small square of a cause's colour, as SVG so that it prints. */
static void swatch(FILE *f, const char *color)
{
	fprintf(
	    f,
	    "<svg class=\"swatch\" width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" "
	    "aria-hidden=\"true\"><rect width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/></svg>",
	    color);
}

static const char *column_cause(const oomsift_report *r, size_t c)
{
	return c < r->ncauses ? r->causes[c].cause : "other";
}

static const char *column_name(const oomsift_report *r, size_t c)
{
	return c < r->ncauses ? report_cause_name(r->causes[c].cause) : "other causes";
}

/* The top of an axis at or above v: 1, or an even number (its half is a
 * whole tick): 2, 4, 6, 8, 10, then 2, 4, 6, 8, 10 × 10^n. */
static int64_t nice_max(int64_t v)
{
	int64_t p = 1;

	if (v <= 1)
		return 1;
	if (v <= 10)
		return v + v % 2;
	while (p * 10 < v)
		p *= 10;
	for (int64_t m = 2; m < 10; m += 2)
		if (v <= m * p)
			return m * p;
	return 10 * p;
}

static void head(FILE *f, const oomsift_report *r)
{
	char period[64], prev[64], generated[32];
	oomsift_report shifted = *r;

	report_fmt_period(r, period, sizeof(period));
	shifted.start = r->prev_start;
	shifted.end = r->start;
	report_fmt_period(&shifted, prev, sizeof(prev));
	report_fmt_time((double)r->generated_at, generated, sizeof(generated));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>OOM report ",
	      f);
	esc(f, r->label);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>OOM report ",
	        css);
	esc(f, r->label);
	fprintf(f, "</h1>\n<p class=\"sub\">%s (UTC) · ", period);
	if (r->host_glob) {
		fputs("hosts matching <code>", f);
		esc(f, r->host_glob);
		fputs("</code>", f);
	} else {
		fputs("all hosts", f);
	}
	fprintf(f, " · changes against %s · generated %s</p>\n</header>\n<main>\n", prev,
	        generated);
}

static void card(FILE *f, const char *label, const oomsift_report_delta *d)
{
	char s[32];

	report_fmt_change(d, "\xe2\x88\x92", s, sizeof(s));
	fprintf(f,
	        "<div class=\"card\"><div class=\"label\">%s</div><div class=\"value\">%lld</div>"
	        "<div class=\"%s\">%s <span class=\"same\">(before: %lld)</span></div></div>\n",
	        label, (long long)d->now, change_class(d), s, (long long)d->prev);
}

static void headline(FILE *f, const oomsift_report *r)
{
	const oomsift_report_headline *h = &r->headline;
	char notes[512];

	fputs("<section class=\"cards\" aria-label=\"headline\">\n", f);
	card(f, "Kills", &h->kills);
	card(f, "Hosts affected", &h->hosts);
	card(f, "Incidents", &h->incidents);
	card(f, "Processes killed", &h->processes);
	report_fmt_notes(r, notes, sizeof(notes));
	fprintf(f, "</section>\n<p class=\"note\">%s", notes);
	fputs("</p>\n", f);
}

/* Which days get a label under a chart: at most MAX_X_LABELS, evenly. */
static bool labelled_day(const oomsift_report *r, size_t day)
{
	size_t step = (r->ndays + MAX_X_LABELS - 1) / MAX_X_LABELS;

	return day % (step ? step : 1) == 0;
}

static void bars_axis(FILE *f, const oomsift_report *r, int64_t top, double plot_h)
{
	char label[16];
	double slot = (double)(CHART_W - PLOT_LEFT) / (double)r->ndays;

	for (int i = 0; i <= (top > 1 ? 2 : 1); i++) {
		double share = top > 1 ? i / 2.0 : i;
		double y = PLOT_TOP + plot_h - plot_h * share;
		fprintf(f,
		        "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d1d9e0\"/>"
		        "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%lld</text>\n",
		        PLOT_LEFT, CHART_W, y, y, PLOT_LEFT - 6, y + 4, (long long)(top * share));
	}
	for (size_t d = 0; d < r->ndays; d++) {
		if (!labelled_day(r, d))
			continue;
		report_fmt_day(r, d, label, sizeof(label));
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		        PLOT_LEFT + slot * ((double)d + 0.5), BARS_H - 8, label);
	}
}

/* Kills per day, one bar a day stacked by cause, with its legend. */
static void bars(FILE *f, const oomsift_report *r)
{
	double plot_h = BARS_H - PLOT_TOP - PLOT_BOTTOM;
	double slot = (double)(CHART_W - PLOT_LEFT) / (double)r->ndays, bar = slot * 0.7;
	int64_t most = 0, top;
	char label[16];

	for (size_t d = 0; d < r->ndays; d++)
		most = report_day_total(r, d) > most ? report_day_total(r, d) : most;
	top = nice_max(most);
	fputs("<section>\n<h2>Kills by day and cause</h2>\n<figure class=\"chart scroll\" "
	      "style=\"margin:0\">",
	      f);
	fprintf(f,
	        "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"kills per day by cause\">\n",
	        CHART_W, BARS_H);
	bars_axis(f, r, top, plot_h);
	for (size_t d = 0; d < r->ndays; d++) {
		double y = PLOT_TOP + plot_h;
		report_fmt_day(r, d, label, sizeof(label));
		for (size_t c = 0; c < report_chart_columns(r); c++) {
			int64_t n = r->day_cause[d][c];
			double h = plot_h * (double)n / (double)top;
			if (!n)
				continue;
			y -= h;
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\"><title>%s: ",
			        PLOT_LEFT + slot * (double)d + (slot - bar) / 2, y, bar, h,
			        report_cause_color(column_cause(r, c)), label);
			esc(f, column_name(r, c));
			fprintf(f, " %lld</title></rect>\n", (long long)n);
		}
	}
	fputs("</svg></figure>\n<ul class=\"legend\">", f);
	for (size_t c = 0; c < report_chart_columns(r); c++) {
		fputs("<li>", f);
		swatch(f, report_cause_color(column_cause(r, c)));
		esc(f, column_name(r, c));
		fputs("</li>", f);
	}
	if (!report_chart_columns(r))
		fputs("<li>no kills</li>", f);
	fputs("</ul>\n", f);
}

static void causes(FILE *f, const oomsift_report *r)
{
	static const char *const names[] = {"cause", ">kills", ">share", ">before", ">change"};

	fputs("<h3>By cause</h3>\n", f);
	if (!r->ncauses) {
		fputs("<p>No kills.</p>\n</section>\n", f);
		return;
	}
	thead(f, names, 5);
	for (size_t i = 0; i < r->ncauses; i++) {
		const oomsift_report_cause *c = &r->causes[i];
		char share[16];
		report_fmt_share(c->share, share, sizeof(share));
		fputs("<tr><td class=\"cause\">", f);
		swatch(f, report_cause_color(c->cause));
		esc(f, report_cause_name(c->cause));
		fputs("</td>", f);
		td_int(f, c->kills.now);
		td(f, "num", share);
		td_int(f, c->kills.prev);
		td_change(f, &c->kills);
		fputs("</tr>\n", f);
	}
	tfoot(f);
	if (r->causes_omitted_kills)
		fprintf(f, "<p class=\"note\">… and %lld kills of other causes.</p>\n",
		        (long long)r->causes_omitted_kills);
	fputs("</section>\n", f);
}

/* Colour of a heat-map cell: from a pale to a deep red as n nears most. */
static void heat_color(int64_t n, int64_t most, char *out, size_t len)
{
	double t = most ? sqrt((double)n / (double)most) : 0;

	if (!n) {
		snprintf(out, len, "#f3f4f6");
		return;
	}
	snprintf(out, len, "#%02x%02x%02x", (int)lround(254 - t * (254 - 165)),
	         (int)lround(224 - t * (224 - 15)), (int)lround(210 - t * (210 - 21)));
}

static void heat_cell(FILE *f, const oomsift_report *r, size_t h, size_t d, double cell_w,
                      int64_t most)
{
	int64_t n = r->host_day[h][d];
	double x = HEAT_LABEL_W + cell_w * (double)d, y = HEAT_TOP + (double)h * HEAT_ROW_H;
	char color[16], day[16];

	heat_color(n, most, color, sizeof(color));
	report_fmt_day(r, d, day, sizeof(day));
	fprintf(f,
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\">"
	        "<title>",
	        x + 1, y + 1, cell_w - 2, HEAT_ROW_H - 2, color);
	esc(f, r->hosts[h].host);
	fprintf(f, ", %s: %lld kill%s</title></rect>", day, (long long)n, n == 1 ? "" : "s");
	if (n && cell_w >= 18)
		fprintf(f,
		        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" style=\"fill:%s\">%lld"
		        "</text>",
		        x + cell_w / 2, y + HEAT_ROW_H / 2.0 + 4,
		        (double)n / (double)most > 0.4 ? "#fff" : "#1f2328", (long long)n);
	fputc('\n', f);
}

/* Kills per host and day. */
static void heat_map(FILE *f, const oomsift_report *r)
{
	double cell_w = (double)(CHART_W - HEAT_LABEL_W) / (double)r->ndays;
	int height = HEAT_TOP + (int)r->nhosts * HEAT_ROW_H + 4;
	int64_t most = 0;
	char day[16];

	if (!r->nhosts)
		return;
	for (size_t h = 0; h < r->nhosts; h++)
		for (size_t d = 0; d < r->ndays; d++)
			most = r->host_day[h][d] > most ? r->host_day[h][d] : most;
	fputs("<h3>Hosts by day</h3>\n<figure class=\"chart scroll\" style=\"margin:0\">", f);
	fprintf(f,
	        "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"kills per host and day\">\n",
	        CHART_W, height);
	for (size_t d = 0; d < r->ndays; d++)
		if (labelled_day(r, d)) {
			report_fmt_day(r, d, day, sizeof(day));
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			        HEAT_LABEL_W + cell_w * ((double)d + 0.5), HEAT_TOP - 8, day);
		}
	for (size_t h = 0; h < r->nhosts; h++) {
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\"><title>",
		        HEAT_LABEL_W - 8, HEAT_TOP + (double)h * HEAT_ROW_H + HEAT_ROW_H / 2.0 + 4);
		esc(f, r->hosts[h].host);
		fputs("</title>", f);
		esc_cut(f, r->hosts[h].host, HOST_LABEL);
		fputs("</text>\n", f);
		for (size_t d = 0; d < r->ndays; d++)
			heat_cell(f, r, h, d, cell_w, most);
	}
	fputs("</svg></figure>\n", f);
}

static void hosts(FILE *f, const oomsift_report *r)
{
	static const char *const names[] = {"host",       ">kills",    ">change",
	                                    ">incidents", "top cause", "worst victim"};

	fputs("<section>\n<h2>Hosts</h2>\n", f);
	if (!r->nhosts) {
		fputs("<p>No kills.</p>\n</section>\n", f);
		return;
	}
	thead(f, names, 6);
	for (size_t i = 0; i < r->nhosts; i++) {
		const oomsift_report_host *h = &r->hosts[i];
		char rss[32];
		report_fmt_kb(h->worst_victim_rss_kb, rss, sizeof(rss));
		fputs("<tr>", f);
		td(f, "name", h->host);
		td_int(f, h->kills.now);
		td_change(f, &h->kills);
		td_int(f, h->incidents);
		fputs("<td class=\"cause\">", f);
		swatch(f, report_cause_color(h->top_cause));
		esc(f, report_cause_name(h->top_cause));
		fprintf(f, " (%lld)</td><td class=\"name\">", (long long)h->top_cause_kills);
		if (h->worst_victim) {
			esc(f, h->worst_victim);
			fprintf(f, " (%s)", rss);
		}
		fputs("</td></tr>\n", f);
	}
	tfoot(f);
	omitted(f, r->hosts_omitted, "hosts");
	heat_map(f, r);
	fputs("</section>\n", f);
}

static void victims(FILE *f, const oomsift_report *r)
{
	static const char *const vnames[] = {"process", ">kills", ">hosts", ">largest RSS"};
	static const char *const gnames[] = {"kind", "name", ">kills", ">hosts", ">limit"};

	fputs("<section>\n<h2>Victims</h2>\n<div class=\"grid2\"><div>\n<h3>Processes</h3>\n", f);
	if (r->nvictims) {
		thead(f, vnames, 4);
		for (size_t i = 0; i < r->nvictims; i++) {
			fputs("<tr>", f);
			td(f, "name", r->victims[i].name);
			td_int(f, r->victims[i].kills);
			td_int(f, r->victims[i].hosts);
			td_kb(f, r->victims[i].max_rss_kb);
			fputs("</tr>\n", f);
		}
		tfoot(f);
	} else {
		fputs("<p>No victims named.</p>\n", f);
	}
	omitted(f, r->victims_omitted, "processes");
	fputs("</div><div>\n<h3>Cgroups, units and containers</h3>\n", f);
	if (r->ngroups) {
		thead(f, gnames, 5);
		for (size_t i = 0; i < r->ngroups; i++) {
			fputs("<tr>", f);
			td(f, NULL, r->groups[i].kind);
			td(f, "name", r->groups[i].name);
			td_int(f, r->groups[i].kills);
			td_int(f, r->groups[i].hosts);
			td_kb(f, r->groups[i].limit_kb);
			fputs("</tr>\n", f);
		}
		tfoot(f);
	} else {
		fputs("<p>No kill named a unit, cgroup or container.</p>\n", f);
	}
	omitted(f, r->groups_omitted, "cgroups and units");
	fputs("</div></div>\n</section>\n", f);
}

/* "12-28 15:00:03" of an ISO time. */
static void short_time(double t, char *out, size_t len)
{
	char iso[32];

	report_fmt_time(t, iso, sizeof(iso));
	snprintf(out, len, "%.5s %.8s", iso + 5, iso + 11);
}

/* The RSS of one suspect, a line over its points with the first and last value. */
static void trend_line(FILE *f, const oomsift_report_suspect *s)
{
	double left = 8, right = LINE_W - 8, top = 22, bottom = LINE_H - 22;
	double t0 = s->series[0].ts, span = s->series[s->nseries - 1].ts - t0;
	int64_t most = 0;
	char a[32], b[32], when[32];

	for (size_t i = 0; i < s->nseries; i++)
		most = s->series[i].rss_kb > most ? s->series[i].rss_kb : most;
	fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"RSS of ", LINE_W, LINE_H);
	esc(f, s->name);
	fputs(" on ", f);
	esc(f, s->host);
	fprintf(f,
	        "\">\n<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#d1d9e0\"/>\n"
	        "<path fill=\"none\" stroke=\"#aa3377\" stroke-width=\"2\" d=\"",
	        left, right, bottom, bottom);
	for (size_t i = 0; i < s->nseries; i++) {
		/* points at one time (a burst of reports) are spread evenly */
		double x = span > 0 ? left + (right - left) * (s->series[i].ts - t0) / span
		                    : left + (right - left) * (double)i /
		                                 (double)(s->nseries > 1 ? s->nseries - 1 : 1);
		double y = bottom -
		           (bottom - top) * (double)s->series[i].rss_kb / (double)(most ? most : 1);
		fprintf(f, "%s%.1f %.1f", i ? " L" : "M", x, y);
	}
	fputs("\"/>\n", f);
	for (size_t i = 0; i < s->nseries; i++) {
		double x = span > 0 ? left + (right - left) * (s->series[i].ts - t0) / span
		                    : left + (right - left) * (double)i /
		                                 (double)(s->nseries > 1 ? s->nseries - 1 : 1);
		double y = bottom -
		           (bottom - top) * (double)s->series[i].rss_kb / (double)(most ? most : 1);
		report_fmt_kb(s->series[i].rss_kb, a, sizeof(a));
		report_fmt_time(s->series[i].ts, when, sizeof(when));
		fprintf(f,
		        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#aa3377\"><title>%s: %s "
		        "(event %lld)</title></circle>\n",
		        x, y, when, a, (long long)s->series[i].event_id);
	}
	report_fmt_kb(s->series[0].rss_kb, a, sizeof(a));
	report_fmt_kb(s->series[s->nseries - 1].rss_kb, b, sizeof(b));
	fprintf(f,
	        "<text x=\"%.0f\" y=\"14\">%s</text><text x=\"%.0f\" y=\"14\" "
	        "text-anchor=\"end\">%s</text>\n",
	        left, a, right, b);
	short_time(s->series[0].ts, a, sizeof(a));
	short_time(s->series[s->nseries - 1].ts, b, sizeof(b));
	fprintf(f,
	        "<text x=\"%.0f\" y=\"%d\">%s</text><text x=\"%.0f\" y=\"%d\" "
	        "text-anchor=\"end\">%s</text>\n</svg>\n",
	        left, LINE_H - 4, a, right, LINE_H - 4, b);
}

static void suspects(FILE *f, const oomsift_report *r)
{
	char from[16], to[16];

	report_fmt_date((double)r->leak_start, from, sizeof(from));
	report_fmt_date((double)(r->end - 1), to, sizeof(to));
	fprintf(f,
	        "<section>\n<h2>Leak suspects</h2>\n<p class=\"note\">Processes whose RSS grows "
	        "over the task tables of %s – %s (%d events or more, least-squares slope).</p>\n",
	        from, to, OOMSIFT_REPORT_LEAK_MIN_POINTS);
	if (!r->nsuspects)
		fputs("<p>None.</p>\n", f);
	else
		fputs("<div class=\"suspects\">\n", f);
	for (size_t i = 0; i < r->nsuspects; i++) {
		const oomsift_report_suspect *s = &r->suspects[i];
		char slope[48];
		report_fmt_slope(s->slope_kb_per_day, slope, sizeof(slope));
		fputs("<div class=\"suspect\"><h3>", f);
		esc(f, s->name);
		fputs(" <span class=\"sev\">on ", f);
		esc(f, s->host);
		fprintf(
		    f,
		    "</span></h3>\n<p class=\"note\" style=\"margin:0\">%s over %lld events</p>\n",
		    slope, (long long)s->points);
		trend_line(f, s);
		fputs("</div>\n", f);
	}
	if (r->nsuspects)
		fputs("</div>\n", f);
	omitted(f, r->suspects_omitted, "suspects");
	fputs("</section>\n", f);
}

static void problems(FILE *f, const oomsift_report *r)
{
	static const char *const names[] = {"status", "host",   "cause",
	                                    "victim", ">kills", ">4 weeks before"};

	fprintf(f,
	        "<section>\n<h2>New and recurring problems</h2>\n<p class=\"note\">%lld new, %lld "
	        "recurring. A (host, cause, victim) is recurring when it was killed in the 4 weeks "
	        "before the period too.</p>\n",
	        (long long)r->new_problems, (long long)r->recurring_problems);
	if (r->nproblems) {
		thead(f, names, 6);
		for (size_t i = 0; i < r->nproblems; i++) {
			const oomsift_report_problem *p = &r->problems[i];
			fprintf(f, "<tr><td><span class=\"badge %s\">%s</span></td>",
			        p->recurring ? "recurring" : "new",
			        p->recurring ? "recurring" : "new");
			td(f, "name", p->host);
			td(f, "name", report_cause_name(p->cause));
			td(f, "name", p->victim ? p->victim : "?");
			td_int(f, p->kills);
			td_int(f, p->kills_before);
			fputs("</tr>\n", f);
		}
		tfoot(f);
	}
	omitted(f, r->problems_omitted, "problems");
	fputs("</section>\n", f);
}

static void actions(FILE *f, const oomsift_report *r)
{
	fputs("<section>\n<h2>Recommended actions</h2>\n", f);
	if (!r->nactions)
		fputs("<p>None: no kill of the period has a cause with advice.</p>\n", f);
	else
		fputs("<ol class=\"actions\">\n", f);
	for (size_t i = 0; i < r->nactions; i++) {
		const oomsift_report_action *a = &r->actions[i];
		fputs("<li><strong>", f);
		swatch(f, report_cause_color(a->cause));
		esc(f, report_cause_name(a->cause));
		if (a->target) {
			fputs(": ", f);
			esc(f, a->target_kind ? a->target_kind : "");
			fputs(" <code>", f);
			esc(f, a->target);
			fputs("</code>", f);
		}
		fprintf(f, "</strong>, %lld kill%s on ", (long long)a->kills,
		        a->kills == 1 ? "" : "s");
		for (size_t j = 0; j < a->nhosts; j++) {
			fputs(j ? ", " : "", f);
			esc(f, a->hosts[j]);
		}
		if (a->hosts_omitted)
			fprintf(f, " and %zu more hosts", a->hosts_omitted);
		fputs(" <span class=\"sev\">(", f);
		esc(f, a->severity);
		fputs(", rule ", f);
		esc(f, a->rule_id);
		fprintf(f, ", event %lld)</span>\n", (long long)a->event_id);
		if (a->evidence) {
			fputs("<p><em>Seen:</em> ", f);
			esc(f, a->evidence);
			fputs("</p>\n", f);
		}
		fputs("<p><em>Do:</em> ", f);
		esc(f, a->advice);
		fputs("</p></li>\n", f);
	}
	if (r->nactions)
		fputs("</ol>\n", f);
	omitted(f, r->actions_omitted, "actions");
	fputs("</section>\n", f);
}

int oomsift_report_render_html(const oomsift_report *r, FILE *f)
{
	head(f, r);
	headline(f, r);
	bars(f, r);
	causes(f, r);
	hosts(f, r);
	victims(f, r);
	suspects(f, r);
	problems(f, r);
	actions(f, r);
	fprintf(f,
	        "</main>\n<footer>Made by oomsift report (schema %d). Kills are OOM events with a "
	        "kill; times are UTC.</footer>\n</body>\n</html>\n",
	        r->schema_version);
	if (fflush(f) != 0 || ferror(f))
		return oomsift_error_set(OOMSIFT_EIO, "cannot write the report");
	return 0;
}
