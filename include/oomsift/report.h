/*
 * The fleet report: what the store says about one period (an ISO week by
 * default), built once as a model of plain structs and written by any of
 * four renderers (text, Markdown, JSON, self-contained HTML).
 *
 * oomsift_report_build() computes every figure with prepared statements over
 * the public views (docs/schema.md), the period, host pattern and windows
 * bound as values. The model owns all its strings; each is valid UTF-8 with
 * control characters replaced by U+FFFD, whatever the logs held, so a
 * renderer only has to escape for its own format. Every section is capped
 * (the constants below); what a cap left out is counted in *_omitted.
 * The JSON form is documented field by field in docs/report-schema.md.
 */
#ifndef OOMSIFT_REPORT_H
#define OOMSIFT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "oomsift/buf.h"
#include "oomsift/store.h"

#define OOMSIFT_REPORT_SCHEMA_VERSION 1

/* Kills of one host less than this apart belong to one incident. */
#define OOMSIFT_REPORT_INCIDENT_GAP_S (30 * 60)
/* A new problem is one not seen in this long before the period. */
#define OOMSIFT_REPORT_RECUR_WINDOW_S (28 * 86400)
/* Leak suspects look at the task tables of this long up to the period end. */
#define OOMSIFT_REPORT_LEAK_WINDOW_S (30 * 86400)
/* A leak suspect needs at least this many events with the process, and a
 * fitted growth over its points (slope × their time span) of at least
 * OOMSIFT_REPORT_LEAK_MIN_GROWTH_KB and of this share of its mean RSS: a
 * process that wobbles by a few pages between reports is no suspect. */
#define OOMSIFT_REPORT_LEAK_MIN_POINTS       3
#define OOMSIFT_REPORT_LEAK_MIN_GROWTH_KB    1024
#define OOMSIFT_REPORT_LEAK_MIN_GROWTH_SHARE 0.1

/* Caps of the sections. */
#define OOMSIFT_REPORT_MAX_DAYS     92 /* a report covers at most a quarter */
#define OOMSIFT_REPORT_MAX_CAUSES   24 /* more causes are summed as "other" */
#define OOMSIFT_REPORT_MAX_HOSTS    40 /* rows of by-host and of the heat map */
#define OOMSIFT_REPORT_MAX_ROWS     15 /* rows of victims, groups, problems */
#define OOMSIFT_REPORT_MAX_SUSPECTS 8
#define OOMSIFT_REPORT_MAX_POINTS   48 /* the latest points of a suspect's series */
#define OOMSIFT_REPORT_MAX_ACTIONS  12
#define OOMSIFT_REPORT_ACTION_HOSTS 8     /* hosts named by one action */
#define OOMSIFT_REPORT_ACTION_SCAN  1000  /* (cause, host, target) groups read for actions */
#define OOMSIFT_REPORT_MAX_TEXT     16384 /* bytes of one string (advice is at most 16 KiB) */

typedef struct oomsift_report_opts {
	int64_t start, end;     /* the period [start, end), seconds since the epoch */
	const char *label;      /* "2026-W46", or NULL: start/end as an ISO 8601 interval */
	const char *host_glob;  /* SQLite GLOB over host names (case-sensitive); NULL: all */
	int64_t incident_gap_s; /* 0: OOMSIFT_REPORT_INCIDENT_GAP_S */
	int64_t now;            /* when the report is made, shown as generated_at */
} oomsift_report_opts;

/* A figure of the period and of the period of the same length just before. */
typedef struct oomsift_report_delta {
	int64_t now, prev;
} oomsift_report_delta;

typedef struct oomsift_report_headline {
	oomsift_report_delta kills;     /* OOM events with a kill (has_kill = 1) */
	oomsift_report_delta kernel;    /* of them, by the kernel (kernel_oom, memcg_oom) */
	oomsift_report_delta userspace; /* of them, by user space (oomd, earlyoom, kubelet…) */
	oomsift_report_delta hosts;     /* distinct hosts with a kill */
	oomsift_report_delta incidents; /* see OOMSIFT_REPORT_INCIDENT_GAP_S */
	oomsift_report_delta processes; /* processes killed (the kills column summed) */
	int64_t events_without_kill;    /* OOM events of the period without a kill */
	int64_t undated;                /* events of the hosts without a wall time: in no period */
} oomsift_report_headline;

typedef struct oomsift_report_cause {
	const char *cause; /* NULL: unclassified */
	oomsift_report_delta kills;
	double share; /* of the period's kills, 0..1 */
} oomsift_report_cause;

typedef struct oomsift_report_host {
	const char *host;
	oomsift_report_delta kills;
	int64_t incidents;
	const char *top_cause; /* NULL: unclassified */
	int64_t top_cause_kills;
	const char *worst_victim;    /* the victim of largest RSS; NULL when none named */
	int64_t worst_victim_rss_kb; /* -1 when unknown */
	int64_t worst_event_id;
} oomsift_report_host;

typedef struct oomsift_report_victim {
	const char *name;
	int64_t kills, hosts;
	int64_t max_rss_kb; /* -1 when unknown */
} oomsift_report_victim;

/* A systemd unit, memory cgroup (oom_memcg) or container that kills were in. */
typedef struct oomsift_report_group {
	const char *kind; /* "unit", "cgroup" or "container" */
	const char *name;
	int64_t kills, hosts;
	int64_t limit_kb; /* the largest memcg_limit_kb seen; -1 when none */
} oomsift_report_group;

typedef struct oomsift_report_point {
	double ts;      /* seconds since the epoch */
	int64_t rss_kb; /* RSS of the tasks of that name in the event's task table */
	int64_t event_id;
} oomsift_report_point;

typedef struct oomsift_report_suspect {
	const char *host, *name;
	int64_t points;          /* events with the name in the window (all of them) */
	double slope_kb_per_day; /* least squares over all the points */
	oomsift_report_point series[OOMSIFT_REPORT_MAX_POINTS]; /* the latest, oldest first */
	size_t nseries;
} oomsift_report_suspect;

typedef struct oomsift_report_problem {
	const char *host, *cause, *victim; /* cause, victim: NULL when unknown */
	int64_t kills;                     /* in the period */
	int64_t kills_before;              /* in OOMSIFT_REPORT_RECUR_WINDOW_S before it */
	bool recurring;                    /* kills_before > 0 */
	double first_ts, last_ts;          /* in the period */
} oomsift_report_problem;

typedef struct oomsift_report_action {
	const char *cause, *rule_id, *severity;
	const char *target_kind; /* "unit", "cgroup", "container", "process" or NULL */
	const char *target;      /* NULL when the kills name nothing */
	const char *hosts[OOMSIFT_REPORT_ACTION_HOSTS];
	size_t nhosts, hosts_omitted;
	int64_t kills;
	const char *evidence, *advice; /* of the latest kill (evidence may be NULL) */
	int64_t event_id;              /* that kill */
} oomsift_report_action;

typedef struct oomsift_report {
	int schema_version;
	int64_t start, end, prev_start, recur_start, leak_start;
	const char *label, *host_glob; /* host_glob NULL: all hosts */
	int64_t incident_gap_s, generated_at;

	oomsift_report_headline headline;

	oomsift_report_cause causes[OOMSIFT_REPORT_MAX_CAUSES];
	size_t ncauses;
	int64_t causes_omitted_kills; /* kills of causes past the cap */

	oomsift_report_host hosts[OOMSIFT_REPORT_MAX_HOSTS];
	size_t nhosts, hosts_omitted;

	oomsift_report_victim victims[OOMSIFT_REPORT_MAX_ROWS];
	size_t nvictims, victims_omitted;

	oomsift_report_group groups[OOMSIFT_REPORT_MAX_ROWS];
	size_t ngroups, groups_omitted;

	oomsift_report_suspect suspects[OOMSIFT_REPORT_MAX_SUSPECTS];
	size_t nsuspects, suspects_omitted;

	oomsift_report_problem problems[OOMSIFT_REPORT_MAX_ROWS];
	size_t nproblems, problems_omitted;
	int64_t new_problems, recurring_problems; /* all of them, not only those listed */

	oomsift_report_action actions[OOMSIFT_REPORT_MAX_ACTIONS];
	size_t nactions, actions_omitted;

	/* Charts: kills per day by cause (the index of causes[]; the last column,
	 * ncauses, counts the causes past the cap) and per host (hosts[]) and day. */
	size_t ndays; /* day i is [start + i * 86400, start + (i + 1) * 86400) */
	int64_t day_cause[OOMSIFT_REPORT_MAX_DAYS][OOMSIFT_REPORT_MAX_CAUSES + 1];
	int64_t host_day[OOMSIFT_REPORT_MAX_HOSTS][OOMSIFT_REPORT_MAX_DAYS];

	oomsift_arena strings; /* owns every string above */
} oomsift_report;

/* Builds the report of o->start..o->end over the store s (borrowed; a
 * read-only store will do). *out is owned by the caller: free it with
 * oomsift_report_free(). Fails with OOMSIFT_EINVAL for an empty period or
 * one longer than OOMSIFT_REPORT_MAX_DAYS days, OOMSIFT_ESTORE when a query
 * fails, OOMSIFT_ENOMEM. */
int oomsift_report_build(oomsift_report **out, oomsift_store *s, const oomsift_report_opts *o);
void oomsift_report_free(oomsift_report *r);

/* The renderers write r to f; each returns 0, or OOMSIFT_EIO when f fails.
 * Text uses ANSI colours when `color` is set (the caller decides: a
 * terminal, and NO_COLOR not set). */
int oomsift_report_render_text(const oomsift_report *r, FILE *f, bool color);
int oomsift_report_render_markdown(const oomsift_report *r, FILE *f);
int oomsift_report_render_json(const oomsift_report *r, FILE *f);
/* One self-contained HTML file: inline CSS and SVG, no script, nothing
 * fetched. Every text from the store goes through oomsift_report_html_escape(). */
int oomsift_report_render_html(const oomsift_report *r, FILE *f);

/* Writes s (len bytes) escaped for HTML text and quoted attribute values:
 * & < > " ' as character references. The one escaping function of the
 * HTML renderer, for text, attributes and SVG alike. */
void oomsift_report_html_escape(FILE *f, const char *s, size_t len);

/* The least-squares slope of y against x of n points, given their sums
 * (sx = Σx, sy = Σy, sxy = Σxy, sxx = Σx²); 0 when n < 2 or every x is the
 * same. The leak suspects' slope, x in days. */
double oomsift_report_slope(double n, double sx, double sy, double sxy, double sxx);

#endif
