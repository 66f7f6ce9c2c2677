/* The single-event view as text, and what its renderers share. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/event_view.h"
#include "cmd/opt.h"

#define LABEL_WIDTH 12   /* "  trigger     " */
#define MIN_WIDTH   40   /* narrower $COLUMNS are ignored */
#define MAX_WIDTH   1000 /* and so are wider ones */

/* ---- style ---- */

static int terminal_width(FILE *f)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (env && *env) {
		n = strtol(env, &end, 10);
		if (!*end && n >= MIN_WIDTH && n <= MAX_WIDTH)
			return (int)n;
	}
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= MIN_WIDTH &&
	    ws.ws_col <= MAX_WIDTH)
		return ws.ws_col;
	return 80;
}

int view_style_init(view_style *st, const char *format, const char *color, FILE *f)
{
	static const char *const formats[] = {"text", "markdown", "json"};
	const char *no_color = getenv("NO_COLOR");
	bool found = !format;

	memset(st, 0, sizeof(*st));
	for (int i = 0; format && i < 3; i++)
		if (strcmp(format, formats[i]) == 0) {
			st->format = (view_format)i;
			found = true;
		}
	if (!found) {
		cli_error("unknown format '%s' (text, markdown, json)", format);
		return -1;
	}
	if (!color || strcmp(color, "auto") == 0) {
		st->color = isatty(fileno(f)) && !(no_color && *no_color);
	} else if (strcmp(color, "always") == 0 || strcmp(color, "never") == 0) {
		st->color = strcmp(color, "always") == 0;
	} else {
		cli_error("--color takes auto, always or never, not '%s'", color);
		return -1;
	}
	st->color = st->color && st->format == VIEW_TEXT;
	st->width = terminal_width(f);
	return 0;
}

/* ---- shared helpers ---- */

const char *view_size(int64_t kb, char *out, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)kb;
	int u = 0;

	if (kb == OOMSIFT_UNSET)
		return "?";
	while (fabs(v) >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return out;
}

const char *view_pct(double share, char *out, size_t len)
{
	if (isnan(share))
		return "-";
	snprintf(out, len, "%.1f%%", 100.0 * share);
	return out;
}

const char *view_kind_text(oomsift_event_kind kind)
{
	switch (kind) {
	case OOMSIFT_MEMCG_OOM:
		return "the kernel's OOM killer: a memory cgroup reached its limit";
	case OOMSIFT_OOMD_KILL:
		return "systemd-oomd killed a cgroup";
	case OOMSIFT_EARLYOOM_KILL:
		return "earlyoom killed a process";
	case OOMSIFT_SYSTEMD_OOM:
		return "an OOM kill reported by systemd";
	case OOMSIFT_CONTAINER_OOM:
		return "a container OOM reported by containerd";
	case OOMSIFT_K8S_EVICTION:
		return "the kubelet evicted pods to reclaim memory";
	default:
		return "the kernel's OOM killer: the host ran out of memory";
	}
}

const char *view_memevent_text(oomsift_memevent_kind kind)
{
	switch (kind) {
	case OOMSIFT_MEM_OVERCOMMIT_REFUSAL:
		return "the kernel refused to commit memory (overcommit): the allocation failed, "
		       "nothing was killed";
	case OOMSIFT_MEM_PAGE_ALLOC_FAILURE:
		return "a page allocation failed: nothing was killed";
	case OOMSIFT_MEM_PAGE_ALLOC_STALL:
		return "a page allocation stalled in reclaim";
	default:
		return "a vmalloc allocation failed: nothing was killed";
	}
}

const char *view_title(const oomsift_view *v, const view_style *st, char *out, size_t len)
{
	const char *what = v->subject == OOMSIFT_SUBJECT_EVENT ? "OOM event" : "Memory event";

	if (st->from_store)
		snprintf(out, len, "%s %" PRId64, what, v->id);
	else if (st->count > 1)
		snprintf(out, len, "%s %zu of %zu", what, st->index, st->count);
	else
		snprintf(out, len, "%s", what);
	return out;
}

const char *view_task_role(const oomsift_view_task *t)
{
	if (t->victim && t->trigger)
		return "victim, trigger";
	if (t->victim)
		return "victim";
	if (t->killed)
		return "killed";
	return t->trigger ? "trigger" : "";
}

bool view_is_kernel_kind(const oomsift_event *ev)
{
	return ev->kind == OOMSIFT_KERNEL_OOM || ev->kind == OOMSIFT_MEMCG_OOM;
}

/* ---- text and Markdown ----
 * Both go through the same functions: a field is an aligned line of text or
 * a row of a two-column Markdown table, a heading a bold line or "###". */

typedef struct out {
	FILE *f;
	const view_style *st;
	bool md;         /* Markdown */
	bool table_open; /* Markdown: a field table has its header row */
	size_t fields;   /* fields written so far */
} out;

enum { C_BOLD, C_RED, C_YELLOW, C_DIM, C_OFF };

static const char *color(const out *o, int c)
{
	static const char *const codes[] = {"\033[1m", "\033[31m", "\033[33m", "\033[2m",
	                                    "\033[0m"};

	return o->st->color ? codes[c] : "";
}

/* Log text stays data: control characters (an escape sequence in a task
 * name) are shown as '?'; in Markdown the characters that format are
 * escaped. */
static void put_text(out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = o->md && c == '\n' ? ' ' : '?';
		else if (o->md && strchr("\\|*_`<>[]#", c))
			fputc('\\', o->f);
		fputc(c, o->f);
	}
}

static void put_str(out *o, const char *s)
{
	put_text(o, s, strlen(s));
}

/* The length of the word at p, with the unit after it when one follows: a
 * size ("8.8 GiB") is not split across lines. */
static size_t word_len(const char *p)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	size_t n = strcspn(p, " \n");

	if (p[n] == ' ' && n && p[n - 1] >= '0' && p[n - 1] <= '9')
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strncmp(p + n + 1, units[i], 3) == 0)
				return n + 1 + strcspn(p + n + 1, " \n");
	return n;
}

/* Writes text from column col on, wrapping at the width onto lines indented
 * by indent (text), or on one line (Markdown); ends the line. */
static void put_wrapped(out *o, int col, int indent, const char *text)
{
	const char *p = text;

	if (o->md) {
		fputs(col > indent ? " " : "", o->f);
		put_str(o, text);
		fputc('\n', o->f);
		return;
	}
	while (*p) {
		size_t word = word_len(p);
		if (col > indent && col + 1 + (int)word > o->st->width) {
			fprintf(o->f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', o->f);
			col++;
		}
		put_text(o, p, word);
		col += (int)word;
		p += word;
		if (*p == '\n') {
			fprintf(o->f, "\n%*s", indent, "");
			col = indent;
		}
		while (*p == ' ' || *p == '\n')
			p++;
	}
	fputc('\n', o->f);
}

/* "  label       text…" wrapped under the text, or "| label | text |". */
static void put_field(out *o, const char *label, const char *text)
{
	o->fields++;
	if (o->md) {
		if (!o->table_open)
			fputs("\n| | |\n|---|---|\n", o->f);
		o->table_open = true;
		fprintf(o->f, "| %s | ", label);
		put_str(o, text);
		fputs(" |\n", o->f);
		return;
	}
	fprintf(o->f, "  %-*s", LABEL_WIDTH, label);
	put_wrapped(o, 2 + LABEL_WIDTH, 2 + LABEL_WIDTH, text);
}

/* Ends a Markdown field table before anything else is written. */
static void end_fields(out *o)
{
	o->table_open = false;
}

static void heading(out *o, const char *text)
{
	end_fields(o);
	if (o->md) {
		fputs("\n### ", o->f);
		put_str(o, text);
		fputs("\n", o->f);
		return;
	}
	fprintf(o->f, "\n%s%s%s\n", color(o, C_BOLD), text, color(o, C_OFF));
}

/* "2026-11-15T18:17:36Z, uptime 1234.567 s" */
static void when_text(const oomsift_view *v, char *buf, size_t len)
{
	const oomsift_event *ev = v->event;
	bool has_uptime = ev ? ev->has_uptime : v->memevent.has_uptime;
	double uptime = ev ? ev->uptime_s : v->memevent.uptime_s;
	int n;

	n = snprintf(buf, len, "%s%s", v->ts ? v->ts : "time unknown",
	             ev && v->ts && ev->ts_quality == OOMSIFT_TS_DERIVED ? " (from its boot)" : "");
	if (has_uptime && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", uptime %.3f s", uptime);
}

static void title_line(out *o, const oomsift_view *v)
{
	const char *host = v->event ? v->event->host : v->memevent.host;
	char title[64], when[96];

	view_title(v, o->st, title, sizeof(title));
	when_text(v, when, sizeof(when));
	fprintf(o->f, "%s%s: ", o->md ? "## " : color(o, C_BOLD), title);
	put_str(o, host ? host : "?");
	fprintf(o->f, ", %s%s\n", when, o->md ? "" : color(o, C_OFF));
}

static void field_trigger(out *o, const oomsift_event *ev)
{
	char text[1024];
	size_t n;

	if (!ev->has_header && ev->trigger_pid == OOMSIFT_UNSET) {
		put_field(o, "trigger", "unknown (the report has no header)");
		return;
	}
	snprintf(text, sizeof(text), "%s", ev->trigger_comm ? ev->trigger_comm : "?");
	n = strlen(text);
	if (ev->trigger_pid != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, " (pid %" PRId64 ")", ev->trigger_pid);
	n = strlen(text);
	if (ev->alloc_order != OOMSIFT_UNSET && ev->alloc_order >= 0)
		snprintf(text + n, sizeof(text) - n, " asked for an order-%" PRId64 " allocation",
		         ev->alloc_order);
	n = strlen(text);
	if (ev->gfp_mask)
		snprintf(text + n, sizeof(text) - n, ", gfp_mask=%s%s%s%s", ev->gfp_mask,
		         ev->gfp_flags && *ev->gfp_flags ? " (" : "",
		         ev->gfp_flags && *ev->gfp_flags ? ev->gfp_flags : "",
		         ev->gfp_flags && *ev->gfp_flags ? ")" : "");
	n = strlen(text);
	if (ev->trigger_oom_score_adj != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, ", oom_score_adj=%" PRId64,
		         ev->trigger_oom_score_adj);
	put_field(o, "trigger", text);
}

static void victim_size(const oomsift_event *ev, char *text, size_t len)
{
	char a[32], b[32], c[32], d[32], e[32];
	int64_t rss = oomsift_view_victim_rss_kb(ev);

	if (ev->victim_anon_rss_kb == OOMSIFT_UNSET) {
		if (rss != OOMSIFT_UNSET)
			snprintf(text, len, "rss %s", view_size(rss, a, sizeof(a)));
		return;
	}
	snprintf(text, len, "rss %s (anon %s, file %s, shmem %s), total-vm %s",
	         view_size(rss, a, sizeof(a)), view_size(ev->victim_anon_rss_kb, b, sizeof(b)),
	         view_size(ev->victim_file_rss_kb, c, sizeof(c)),
	         view_size(ev->victim_shmem_rss_kb, d, sizeof(d)),
	         view_size(ev->victim_total_vm_kb, e, sizeof(e)));
}

static void field_victim(out *o, const oomsift_event *ev)
{
	char text[1024], size[256] = "";
	size_t n;

	if (ev->victim_pid == OOMSIFT_UNSET && !ev->victim_comm) {
		/* a user-space actor kills a cgroup or reports a kill: no process line */
		if (view_is_kernel_kind(ev))
			put_field(o, "victim",
			          ev->no_killable ? "none: no killable process" : "none seen");
		return;
	}
	snprintf(text, sizeof(text), "%s", ev->victim_comm ? ev->victim_comm : "?");
	n = strlen(text);
	if (ev->victim_pid != OOMSIFT_UNSET && ev->victim_uid != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, " (pid %" PRId64 ", uid %" PRId64 ")",
		         ev->victim_pid, ev->victim_uid);
	else if (ev->victim_pid != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, " (pid %" PRId64 ")", ev->victim_pid);
	n = strlen(text);
	snprintf(text + n, sizeof(text) - n, " %s%s%s", ev->has_kill ? "killed" : "chosen",
	         ev->kill_reason ? ": " : "", ev->kill_reason ? ev->kill_reason : "");
	n = strlen(text);
	if (ev->kill_score != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, ", score %" PRId64, ev->kill_score);
	fputs(o->md ? "" : color(o, C_RED), o->f);
	put_field(o, "victim", text);
	fputs(o->md ? "" : color(o, C_OFF), o->f);
	victim_size(ev, size, sizeof(size));
	if (*size)
		put_field(o, "", size);
	if (ev->victim_cmdline)
		put_field(o, "", ev->victim_cmdline);
}

static const char *kill_text(oomsift_kill_kind kind)
{
	switch (kind) {
	case OOMSIFT_KILL_SHARED_MM:
		return "killed, sharing its memory:";
	case OOMSIFT_KILL_REAPED:
		return "reaped";
	case OOMSIFT_KILL_UNABLE_TO_REAP:
		return "could not reap";
	default:
		return "killed";
	}
}

/* The kills after the victim's own line; memory.oom.group prints the victim
 * again among its group: that line is not another kill. */
static void field_kills(out *o, const oomsift_event *ev)
{
	char text[256];

	for (size_t i = 0; i < ev->nkills; i++) {
		const oomsift_kill *k = &ev->kills[i];
		if ((i == 0 && k->kind == OOMSIFT_KILL_VICTIM) ||
		    (i > 0 && k->oom_group && k->pid == ev->victim_pid))
			continue;
		snprintf(text, sizeof(text), "%s %s (pid %" PRId64 ")%s", kill_text(k->kind),
		         k->comm ? k->comm : "?", k->pid, k->oom_group ? ", memory.oom.group" : "");
		put_field(o, "also", text);
	}
}

static void field_links(out *o, const oomsift_event *ev)
{
	char text[512];

	if (ev->unit) {
		snprintf(text, sizeof(text), "%s%s%s", ev->unit, ev->unit_result ? ", result " : "",
		         ev->unit_result ? ev->unit_result : "");
		put_field(o, "unit", text);
	}
	if (ev->container_id)
		put_field(o, "container", ev->container_id);
	if (ev->pods)
		put_field(o, "evicted", ev->pods);
	if (ev->seen_by)
		put_field(o, "seen by", ev->seen_by);
	if (ev->kill_signal)
		put_field(o, "signal", ev->kill_signal);
}

static void field_sources(out *o, const oomsift_view *v)
{
	char text[4200];
	size_t n;

	for (size_t i = 0; i < v->nsources; i++) {
		const oomsift_view_source *s = &v->sources[i];
		snprintf(text, sizeof(text), "%s%s%s:%" PRId64,
		         strcmp(s->path, "-") == 0 ? "stdin" : s->path, s->member ? ":" : "",
		         s->member ? s->member : "", s->line);
		n = strlen(text);
		if (s->wrapper)
			snprintf(text + n, sizeof(text) - n, " (%s)", s->wrapper);
		n = strlen(text);
		if (o->st->from_store && s->first_ingested)
			snprintf(text + n, sizeof(text) - n, ", first read %s, last %s",
			         s->first_ingested, s->last_ingested ? s->last_ingested : "?");
		put_field(o, i ? "" : "read from", text);
	}
	if (v->sources_dropped) {
		snprintf(text, sizeof(text), "and %zu more", v->sources_dropped);
		put_field(o, "", text);
	}
}

static void what_happened(out *o, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	char text[512];

	snprintf(text, sizeof(text), "%s%s%s%s%s", view_kind_text(ev->kind),
	         ev->oom_constraint ? " (" : "", ev->oom_constraint ? ev->oom_constraint : "",
	         ev->oom_constraint ? ")" : "", ev->manual ? ", manual (SysRq-f)" : "");
	put_field(o, "what", text);
	if (view_is_kernel_kind(ev)) {
		put_field(o, "kernel", ev->kernel ? ev->kernel : "unknown");
		field_trigger(o, ev);
	}
	if (ev->oom_memcg) {
		snprintf(text, sizeof(text), "%s (%s)", ev->oom_memcg,
		         ev->kind == OOMSIFT_OOMD_KILL ? "monitored" : "its limit was reached");
		put_field(o, "cgroup", text);
	}
	field_victim(o, ev);
	if (ev->kind == OOMSIFT_OOMD_KILL && ev->task_memcg) {
		snprintf(text, sizeof(text), "%s%s%s%s", ev->task_memcg,
		         ev->kill_reason ? " (" : "", ev->kill_reason ? ev->kill_reason : "",
		         ev->kill_reason ? ")" : "");
		put_field(o, "killed", text);
	} else if (ev->task_memcg &&
	           (!ev->oom_memcg || strcmp(ev->task_memcg, ev->oom_memcg) != 0)) {
		put_field(o, "victim in", ev->task_memcg);
	}
	field_kills(o, ev);
	if (ev->panic)
		put_field(o, "panic", ev->panic);
	field_links(o, ev);
	if (view_is_kernel_kind(ev))
		put_field(o, "report",
		          v->nmissing ? "incomplete: see 'Missing' below" : "complete");
	field_sources(o, v);
}

static void memevent_happened(out *o, const oomsift_view *v)
{
	const oomsift_memevent *me = &v->memevent;
	char text[512], size[32];
	size_t n;

	put_field(o, "what", view_memevent_text(me->kind));
	if (*me->comm || me->pid != OOMSIFT_UNSET) {
		snprintf(text, sizeof(text), "%s", *me->comm ? me->comm : "?");
		n = strlen(text);
		if (me->pid != OOMSIFT_UNSET)
			snprintf(text + n, sizeof(text) - n, " (pid %" PRId64 ")", me->pid);
		put_field(o, "task", text);
	}
	text[0] = '\0';
	if (me->bytes != OOMSIFT_UNSET)
		snprintf(text, sizeof(text), "%s (%" PRId64 " bytes)",
		         view_size(me->bytes / 1024, size, sizeof(size)), me->bytes);
	n = strlen(text);
	if (me->alloc_order != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, "%sorder %" PRId64, n ? ", " : "",
		         me->alloc_order);
	if (*text)
		put_field(o, "asked for", text);
	if (*me->gfp_mask) {
		snprintf(text, sizeof(text), "%s%s%s%s", me->gfp_mask, *me->gfp_flags ? " (" : "",
		         me->gfp_flags, *me->gfp_flags ? ")" : "");
		put_field(o, "gfp_mask", text);
	}
	put_field(o, "message", me->message);
	field_sources(o, v);
}

static const char *severity_color(const out *o, const char *severity)
{
	if (strcmp(severity, "critical") == 0 || strcmp(severity, "high") == 0)
		return color(o, C_RED);
	return strcmp(severity, "medium") == 0 ? color(o, C_YELLOW) : "";
}

static void cause_item(out *o, size_t i, const oomsift_view_cause *c)
{
	fprintf(o->f, o->md ? "%zu. **" : "  %zu. ", i + 1);
	fprintf(o->f, "%s%s", color(o, C_BOLD), severity_color(o, c->severity));
	put_str(o, c->cause);
	fprintf(o->f, "%s%s (%s%s", color(o, C_OFF), o->md ? "**" : "", c->severity,
	        c->primary ? ", primary" : "");
	if (strcmp(c->rule_id, c->cause) != 0) {
		fputs(", rule ", o->f);
		put_str(o, c->rule_id);
	}
	fputs(")\n", o->f);
	if (c->evidence && *c->evidence) {
		fputs(o->md ? "   " : "     ", o->f);
		put_wrapped(o, 5, 5, c->evidence);
	}
	if (c->advice && *c->advice) {
		fputs(o->md ? "\n   *Advice:*" : "     Advice:", o->f);
		put_wrapped(o, 12, 5, c->advice);
	}
	if (o->md)
		fputc('\n', o->f);
}

static void causes(out *o, const oomsift_view *v)
{
	heading(o, "Causes");
	if (o->md)
		fputc('\n', o->f);
	if (!v->ncauses)
		fprintf(o->f, "%s%s\n", o->md ? "" : "  ",
		        o->st->from_store ? "none found (or not classified yet: 'oomsift classify')"
		                          : "no rule matched");
	for (size_t i = 0; i < v->ncauses; i++)
		cause_item(o, i, &v->causes[i]);
	if (v->causes_dropped)
		fprintf(o->f, "%sand %zu more rules matched\n", o->md ? "" : "  ",
		        v->causes_dropped);
}

static void missing(out *o, const oomsift_view *v)
{
	if (!v->nmissing)
		return;
	heading(o, "Missing");
	if (o->md)
		fputc('\n', o->f);
	for (size_t i = 0; i < v->nmissing; i++) {
		fprintf(o->f, "%s%s- ", o->md ? "" : "  ", color(o, C_YELLOW));
		put_wrapped(o, 4, 4, oomsift_view_part_text(v->missing[i]));
		fputs(color(o, C_OFF), o->f);
	}
	if (v->missing_why) {
		fputs(o->md ? "\nLikely because" : "  Likely because", o->f);
		put_wrapped(o, 16, 2, v->missing_why);
	}
}

static void counter_line(out *o, const char *label, const oomsift_counter *c)
{
	char text[256], a[32], b[32];
	size_t n;

	if (c->usage_kb == OOMSIFT_UNSET)
		return;
	snprintf(text, sizeof(text), "%s used of ", view_size(c->usage_kb, a, sizeof(a)));
	n = strlen(text);
	if (c->limit_kb == OOMSIFT_UNSET || c->limit_kb >= OOMSIFT_VIEW_NO_LIMIT_KB)
		snprintf(text + n, sizeof(text) - n, "no limit");
	else
		snprintf(text + n, sizeof(text) - n, "a %s limit (%.0f%%)",
		         view_size(c->limit_kb, b, sizeof(b)),
		         c->limit_kb ? 100.0 * (double)c->usage_kb / (double)c->limit_kb : 0.0);
	n = strlen(text);
	if (c->failcnt != OOMSIFT_UNSET)
		snprintf(text + n, sizeof(text) - n, ", failcnt %" PRId64, c->failcnt);
	put_field(o, label, text);
}

static void host_lines(out *o, const oomsift_event *ev)
{
	char text[256], a[32], b[32], c[32];

	if (ev->ram_pages != OOMSIFT_UNSET)
		put_field(o, "RAM", view_size(ev->ram_pages * 4, a, sizeof(a)));
	if (ev->swap_total_kb == 0) {
		put_field(o, "swap", "none configured");
	} else if (ev->swap_total_kb != OOMSIFT_UNSET) {
		snprintf(text, sizeof(text), "%s, %s free (%s used)",
		         view_size(ev->swap_total_kb, a, sizeof(a)),
		         view_size(ev->swap_free_kb, b, sizeof(b)),
		         ev->swap_free_kb == OOMSIFT_UNSET
		             ? "?"
		             : view_pct((double)(ev->swap_total_kb - ev->swap_free_kb) /
		                            (double)ev->swap_total_kb,
		                        c, sizeof(c)));
		put_field(o, "swap", text);
	}
	if (ev->mem_avail_kb != OOMSIFT_UNSET) {
		snprintf(text, sizeof(text), "%s of %s", view_size(ev->mem_avail_kb, a, sizeof(a)),
		         view_size(ev->mem_total_kb, b, sizeof(b)));
		put_field(o, "available", text);
	}
}

/* What made systemd-oomd act. */
static void oomd_lines(out *o, const oomsift_event *ev)
{
	char text[256], a[32], b[32];

	if (!isnan(ev->oomd_pressure_pct)) {
		snprintf(text, sizeof(text), "%.2f%% > %.2f%% for %.0f s", ev->oomd_pressure_pct,
		         ev->oomd_pressure_limit_pct, ev->oomd_duration_s);
		put_field(o, "pressure", text);
	}
	if (ev->oomd_mem_used_bytes != OOMSIFT_UNSET) {
		snprintf(text, sizeof(text), "%s of %s",
		         view_size(ev->oomd_mem_used_bytes / 1024, a, sizeof(a)),
		         view_size(ev->oomd_mem_total_bytes / 1024, b, sizeof(b)));
		put_field(o, "memory used", text);
	}
	if (ev->oomd_swap_used_bytes != OOMSIFT_UNSET) {
		snprintf(text, sizeof(text), "%s of %s (limit %.2f%%)",
		         view_size(ev->oomd_swap_used_bytes / 1024, a, sizeof(a)),
		         view_size(ev->oomd_swap_total_bytes / 1024, b, sizeof(b)),
		         ev->oomd_swap_limit_pct);
		put_field(o, "swap used", text);
	}
}

static void share_row(out *o, const oomsift_view_share *s)
{
	char size[32], pct[32];

	view_size(s->kb, size, sizeof(size));
	view_pct(s->share, pct, sizeof(pct));
	if (o->md) {
		fprintf(o->f, "| %s%s | %s | %s | %s |\n", s->part ? "↳ " : "", s->name, size, pct,
		        s->note ? s->note : "");
		return;
	}
	fprintf(o->f, "  %s%-*s %10s %8s", s->part ? "  " : "", s->part ? 18 : 20, s->name, size,
	        pct);
	if (s->note)
		fprintf(o->f, "  %s%s%s", color(o, C_DIM), s->note, color(o, C_OFF));
	fputc('\n', o->f);
}

static void share_table(out *o, const oomsift_view_memory *m)
{
	char of[64];

	end_fields(o);
	if (!m->nshares)
		return;
	snprintf(of, sizeof(of), "of %s", m->total_name ? m->total_name : "total");
	if (o->md)
		fprintf(o->f, "\n| %s | size | %s | |\n|---|---:|---:|---|\n", m->section, of);
	else
		fprintf(o->f, "\n  %s%-20s %10s %8s%s\n", color(o, C_DIM), m->section, "size", of,
		        color(o, C_OFF));
	for (size_t i = 0; i < m->nshares; i++)
		share_row(o, &m->shares[i]);
}

static void memory(out *o, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	size_t before;

	heading(o, "Memory");
	before = o->fields;
	host_lines(o, ev);
	oomd_lines(o, ev);
	counter_line(o, "cgroup", &ev->memcg_mem);
	counter_line(o, "cgroup swap", &ev->memcg_swap);
	counter_line(o, "mem+swap", &ev->memcg_memsw);
	counter_line(o, "kmem", &ev->memcg_kmem);
	if (v->memory.scope == OOMSIFT_VIEW_SCOPE_NONE && o->fields == before)
		put_field(o, "figures",
		          view_is_kernel_kind(ev) ? "none in this report" : "none in these lines");
	share_table(o, &v->memory);
}

static void task_row(out *o, const oomsift_view_task *t)
{
	char rss[32], swap[32] = "-", pct[32], uid[24] = "-", adj[24] = "-";
	const char *role = view_task_role(t);

	if (t->task->uid != OOMSIFT_UNSET)
		snprintf(uid, sizeof(uid), "%" PRId64, t->task->uid);
	if (t->task->oom_score_adj != OOMSIFT_UNSET)
		snprintf(adj, sizeof(adj), "%" PRId64, t->task->oom_score_adj);
	if (t->swap_kb != OOMSIFT_UNSET)
		view_size(t->swap_kb, swap, sizeof(swap));
	view_size(t->rss_kb, rss, sizeof(rss));
	view_pct(t->share, pct, sizeof(pct));
	if (o->md) {
		fprintf(o->f, "| %s | %" PRId64 " | %s | %s | %s | %s | %s | ", role, t->task->pid,
		        uid, rss, pct, swap, adj);
		put_str(o, t->task->name ? t->task->name : "?");
		fputs(" |\n", o->f);
		return;
	}
	fprintf(o->f, "  %s%-15s %7" PRId64 " %6s %10s %8s %10s %5s  ",
	        t->victim || t->killed ? color(o, C_RED)
	        : t->trigger           ? color(o, C_YELLOW)
	                               : "",
	        role, t->task->pid, uid, rss, pct, swap, adj);
	put_str(o, t->task->name ? t->task->name : "?");
	fprintf(o->f, "%s\n", *role ? color(o, C_OFF) : "");
}

static void tasks(out *o, const oomsift_view *v)
{
	const oomsift_event *ev = v->event;
	char head[160], size[32], pct[32];

	if (!ev->has_task_table) {
		heading(o, "Largest tasks");
		fprintf(o->f, "%sno task table in this report\n", o->md ? "\n" : "  ");
		return;
	}
	snprintf(head, sizeof(head), "Largest tasks: %zu of %zu by RSS; all %zu hold %s", v->ntop,
	         ev->ntasks, ev->ntasks, view_size(v->tasks_rss_kb, size, sizeof(size)));
	if (v->memory.total_name && v->memory.total_kb > 0)
		snprintf(head + strlen(head), sizeof(head) - strlen(head), ", %s of %s",
		         view_pct((double)v->tasks_rss_kb / (double)v->memory.total_kb, pct,
		                  sizeof(pct)),
		         v->memory.total_name);
	heading(o, head);
	snprintf(head, sizeof(head), "of %s",
	         v->memory.total_name ? v->memory.total_name : "total");
	if (o->md)
		fprintf(o->f,
		        "\n| role | pid | uid | rss | %s | swap | adj | name |\n"
		        "|---|---:|---:|---:|---:|---:|---:|---|\n",
		        head);
	else
		fprintf(o->f, "  %s%-15s %7s %6s %10s %8s %10s %5s  %s%s\n", color(o, C_DIM), "",
		        "pid", "uid", "rss", head, "swap", "adj", "name", color(o, C_OFF));
	for (size_t i = 0; i < v->ntop; i++)
		task_row(o, &v->top[i]);
}

/* The raw report: its lines as read, control characters but tabs shown as '?'. */
static void raw_report(out *o, const oomsift_buf *raw)
{
	heading(o, "Raw report");
	fputs(o->md ? "\n```\n" : "", o->f);
	for (size_t i = 0; i < raw->len; i++) {
		unsigned char c = (unsigned char)raw->data[i];
		fputc((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : c, o->f);
	}
	if (raw->data[raw->len - 1] != '\n')
		fputc('\n', o->f);
	fputs(o->md ? "```\n" : "", o->f);
}

static void render_text(FILE *f, const oomsift_view *v, const view_style *st)
{
	out o = {.f = f, .st = st, .md = st->format == VIEW_MARKDOWN};

	title_line(&o, v);
	if (v->subject == OOMSIFT_SUBJECT_MEMORY_EVENT) {
		memevent_happened(&o, v);
		causes(&o, v);
		return;
	}
	what_happened(&o, v);
	causes(&o, v);
	missing(&o, v);
	memory(&o, v);
	if (view_is_kernel_kind(v->event))
		tasks(&o, v);
	if (st->raw && v->event->raw.len)
		raw_report(&o, &v->event->raw);
}

void view_render(FILE *f, const oomsift_view *v, const view_style *st)
{
	if (st->format == VIEW_JSON)
		view_render_json(f, v, st);
	else
		render_text(f, v, st);
}

void view_list_begin(FILE *f, const view_style *st)
{
	if (st->format == VIEW_JSON)
		fputs("[\n", f);
}

void view_list_next(FILE *f, const view_style *st, size_t done)
{
	if (done)
		fputs(st->format == VIEW_JSON ? ",\n" : "\n", f);
}

void view_list_end(FILE *f, const view_style *st, size_t done)
{
	if (st->format == VIEW_JSON)
		fputs(done ? "\n]\n" : "]\n", f);
}
