/* What the report's renderers share: figures as text, cause colours (queries/report_internal.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"
#include "queries/report_internal.h"

#define DAY 86400

void report_fmt_time(double t, char *out, size_t len)
{
	oomsift_format_iso(t, 0, out, len);
}

void report_fmt_date(double t, char *out, size_t len)
{
	int y, mo, d, h, mi, s;

	oomsift_unix_to_civil((int64_t)floor(t), &y, &mo, &d, &h, &mi, &s);
	snprintf(out, len, "%04d-%02d-%02d", y, mo, d);
}

void report_fmt_day(const oomsift_report *r, size_t day, char *out, size_t len)
{
	static const char *const names[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	int64_t t = r->start + (int64_t)day * DAY;
	int y, mo, d, h, mi, s;
	int64_t days = t >= 0 ? t / DAY : (t - DAY + 1) / DAY; /* 1970-01-01 was a Thursday */

	oomsift_unix_to_civil(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, len, "%s %02d-%02d", names[((days % 7) + 7) % 7], mo, d);
}

/* Binary units as docs/rules.md renders sizes: one decimal below 10 of a
 * unit, none from 10 on, half away from zero; 1024 of a unit is the next. */
void report_fmt_kb(int64_t kb, char *out, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)kb;
	int u = 0;

	if (kb < 0) {
		snprintf(out, len, "?");
		return;
	}
	if (kb == 0) {
		snprintf(out, len, "0 B");
		return;
	}
	while (u < 5 && v >= 1024) {
		v /= 1024;
		u++;
	}
	if (v < 10 && round(v * 10) / 10 < 10)
		snprintf(out, len, "%.1f %s", round(v * 10) / 10, units[u]);
	else if (round(v) < 1024 || u == 5)
		snprintf(out, len, "%.0f %s", round(v), units[u]);
	else
		snprintf(out, len, "1.0 %s", units[u + 1]);
}

void report_fmt_change(const oomsift_report_delta *d, const char *minus, char *out, size_t len)
{
	int64_t diff = d->now - d->prev;

	if (d->prev == 0 && d->now > 0)
		snprintf(out, len, "new");
	else if (diff > 0)
		snprintf(out, len, "+%lld", (long long)diff);
	else if (diff < 0)
		snprintf(out, len, "%s%lld", minus, (long long)-diff);
	else
		snprintf(out, len,
		         "\xc2\xb1"
		         "0");
}

void report_fmt_share(double share, char *out, size_t len)
{
	snprintf(out, len, "%.0f%%", round(share * 100));
}

void report_fmt_slope(double kb_per_day, char *out, size_t len)
{
	char size[32];

	report_fmt_kb((int64_t)llround(fabs(kb_per_day)), size, sizeof(size));
	snprintf(out, len, "%s%s/day", kb_per_day < 0 ? "-" : "+", size);
}

void report_fmt_period(const oomsift_report *r, char *out, size_t len)
{
	char a[16], b[16];

	report_fmt_date((double)r->start, a, sizeof(a));
	/* the last day that the period touches */
	report_fmt_date((double)(r->end - 1), b, sizeof(b));
	if (strcmp(a, b) == 0)
		snprintf(out, len, "%s", a);
	else
		snprintf(out, len, "%s \xe2\x80\x93 %s", a, b);
}

const char *report_cause_name(const char *cause)
{
	return cause ? cause : "unclassified";
}

const char *report_cause_color(const char *cause)
{
	/* the built-in causes (docs/rules.md), a palette that stays apart in
	 * print and for the common colour-vision deficiencies as far as 14 can */
	static const struct {
		const char *cause, *color;
	} fixed[] = {
	    {"single_hog", "#4477aa"},
	    {"memcg_limit", "#ee6677"},
	    {"leak_trend", "#aa3377"},
	    {"worker_storm", "#ccbb44"},
	    {"manual", "#66ccee"},
	    {"swap_exhausted", "#228833"},
	    {"no_swap", "#bbcc33"},
	    {"oomd_pressure", "#ee8866"},
	    {"protected_hog", "#332288"},
	    {"shmem_tmpfs", "#44aa99"},
	    {"kernel_memory", "#882255"},
	    {"hugepages_reserved", "#999933"},
	    {"constrained_alloc", "#117733"},
	    {"strict_overcommit", "#cc6677"},
	};
	static const char *const spare[] = {"#88ccee", "#dddd77", "#aa4499", "#44bb99",
	                                    "#ffaabb", "#77aadd", "#ee99aa", "#aaaa00"};
	unsigned h = 2166136261u;

	if (!cause || strcmp(cause, "other") == 0)
		return "#9e9e9e";
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(fixed[i].cause, cause) == 0)
			return fixed[i].color;
	for (const char *p = cause; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return spare[h % (sizeof(spare) / sizeof(spare[0]))];
}

int64_t report_day_total(const oomsift_report *r, size_t day)
{
	int64_t n = 0;

	for (size_t i = 0; i <= r->ncauses; i++)
		n += r->day_cause[day][i];
	return n;
}

size_t report_chart_columns(const oomsift_report *r)
{
	return r->ncauses + (r->causes_omitted_kills > 0);
}

report_table *report_table_new(size_t ncols, const char *const *heads)
{
	report_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols < REPORT_TABLE_COLS ? ncols : REPORT_TABLE_COLS;
	for (size_t i = 0; i < t->ncols; i++) {
		t->right[i] = heads[i][0] == '>';
		t->head[i] = heads[i] + t->right[i];
	}
	return t;
}

int report_table_row(report_table *t)
{
	if (t->nrows == REPORT_TABLE_ROWS)
		return -1;
	return (int)t->nrows++;
}

void report_table_set(report_table *t, size_t col, const char *fmt, ...)
{
	char *cell;
	size_t n;
	va_list ap;

	if (!t->nrows || col >= t->ncols)
		return;
	cell = t->cell[t->nrows - 1][col];
	va_start(ap, fmt);
	vsnprintf(cell, REPORT_CELL_MAX, fmt, ap);
	va_end(ap);
	/* a cut in the middle of a character: drop its start */
	n = strlen(cell);
	if (n == REPORT_CELL_MAX - 1) {
		while (n > 0 && ((unsigned char)cell[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0 && (unsigned char)cell[n - 1] >= 0xc0)
			n--;
		cell[n] = '\0';
	}
}

size_t report_utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

size_t report_utf8_prefix(const char *s, size_t width)
{
	size_t i = 0, w = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && w++ == width)
			break;
		i++;
	}
	return i;
}

void report_fmt_notes(const oomsift_report *r, char *out, size_t len)
{
	const oomsift_report_headline *h = &r->headline;
	int n = snprintf(out, len,
	                 "%lld kill%s by the kernel, %lld by user space; %lld process%s killed. An "
	                 "incident is the kills of one host less than %lld minutes apart.",
	                 (long long)h->kernel.now, h->kernel.now == 1 ? "" : "s",
	                 (long long)h->userspace.now, (long long)h->processes.now,
	                 h->processes.now == 1 ? "" : "es", (long long)(r->incident_gap_s / 60));

	if (n > 0 && (size_t)n < len && h->events_without_kill)
		n += snprintf(
		    out + n, len - (size_t)n, " %lld OOM event%s of the period killed nothing.",
		    (long long)h->events_without_kill, h->events_without_kill == 1 ? "" : "s");
	if (n > 0 && (size_t)n < len && h->undated)
		snprintf(out + n, len - (size_t)n,
		         " %lld event%s no wall time and %s in no period.", (long long)h->undated,
		         h->undated == 1 ? " has" : "s have", h->undated == 1 ? "is" : "are");
}
