/* oomsift report: the fleet report of a week (or any period) in four formats. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "oomsift/error.h"
#include "oomsift/report.h"
#include "oomsift/timespec.h"

#define DAY 86400

static struct {
	const char *db, *week, *since, *until, *host, *format, *output, *gap;
} o;

static const cli_opt report_opts[] = {
    DB_OPTION(&o.db),
    {CLI_VALUE, 'w', "week", "WEEK",
     "the ISO week to report, e.g. 2026-W47 (default: the last "
     "complete week)",
     &o.week, false},
    {CLI_VALUE, 0, "since", "TIME",
     "start of the period instead of a week (default: 7 days "
     "before --until)",
     &o.since, false},
    {CLI_VALUE, 0, "until", "TIME", "end of the period, not included (default: now)", &o.until,
     false},
    {CLI_VALUE, 'H', "host", "GLOB", "only hosts matching GLOB (*, ?, [...]; case-sensitive)",
     &o.host, false},
    {CLI_VALUE, 'f', "format", "FORMAT", "text, markdown, json or html (default: text)", &o.format,
     false},
    {CLI_VALUE, 'o', "output", "FILE", "write the report to FILE instead of stdout", &o.output,
     false},
    {CLI_VALUE, 0, "incident-gap", "MINUTES",
     "kills of one host less than this apart are one "
     "incident (default: 30)",
     &o.gap, false},
    {0},
};

const cli_command cmd_report_spec = {
    "report",
    "the fleet report of a week: kills, hosts, causes, leaks, actions",
    "Reports one period from the store: the kills (OOM events with a kill, by the\n"
    "kernel or user space), hosts and incidents with the change from the period of the\n"
    "same length before; kills by cause and by host; the top victims and the top\n"
    "cgroups, units and containers; leak suspects (a process whose RSS grows over the\n"
    "task tables of the 30 days up to the period's end, 3 events or more); new and\n"
    "recurring problems (a host, cause and victim also killed in the 4 weeks before is\n"
    "recurring); and the recommended actions, from the advice of each kill's primary\n"
    "cause. An incident is the kills of one host less than --incident-gap apart.\n"
    "\n"
    "The period is the last complete ISO week (Monday 00:00 UTC to Monday) unless\n"
    "--week or --since/--until say otherwise; times are UTC and take the forms of\n"
    "2026-11-01, 2026-11-01T08:30:00Z, @EPOCH, 7d, \"2 weeks ago\", today. Events\n"
    "without a wall time (raw dmesg of an undated boot) are in no period.\n"
    "\n"
    "text is for a terminal (colour only on a terminal, never with NO_COLOR set);\n"
    "markdown is GitHub-flavoured; json is documented in docs/report-schema.md; html is\n"
    "one self-contained page (inline CSS and SVG charts, no script) that prints well.\n"
    "\n"
    "environment: OOMSIFT_NOW (seconds since the epoch, or a time as above) stands for\n"
    "the current time, for reproducible reports.",
    "  oomsift report\n"
    "  oomsift report --week 2026-W47 --format html -o week47.html\n"
    "  oomsift report --since 2026-11-01 --until 2026-11-15 --host 'web*' -f markdown\n",
    report_opts,
};

typedef int (*renderer)(const oomsift_report *r, FILE *f, bool color);

static int render_markdown(const oomsift_report *r, FILE *f, bool color)
{
	return oomsift_report_render_markdown(r, f);
}

static int render_json(const oomsift_report *r, FILE *f, bool color)
{
	return oomsift_report_render_json(r, f);
}

static int render_html(const oomsift_report *r, FILE *f, bool color)
{
	return oomsift_report_render_html(r, f);
}

static renderer pick_renderer(const char *name)
{
	static const struct {
		const char *name;
		renderer fn;
	} formats[] = {{"text", oomsift_report_render_text},
	               {"markdown", render_markdown},
	               {"md", render_markdown},
	               {"json", render_json},
	               {"html", render_html}};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name ? name : "text") == 0)
			return formats[i].fn;
	return NULL;
}

/* The current time: $OOMSIFT_NOW when set (epoch seconds or a time), else the clock. */
static int current_time(int64_t *now)
{
	const char *env = getenv("OOMSIFT_NOW");
	char *end;

	*now = (int64_t)time(NULL);
	if (!env || !*env)
		return 0;
	if (isdigit((unsigned char)*env)) {
		long long v = strtoll(env, &end, 10);
		if (!*end) {
			*now = v;
			return 0;
		}
	}
	if (oomsift_time_parse(env, *now, now) < 0) {
		cli_error("OOMSIFT_NOW: %s", oomsift_error_message());
		return -1;
	}
	return 0;
}

/* Fills in the period from --week, --since and --until; -1 on a usage error. */
static int pick_period(oomsift_report_opts *ro, int64_t now, char *label, size_t len)
{
	if (o.week && (o.since || o.until)) {
		cli_error("--week and --since/--until cannot be combined");
		return -1;
	}
	if (o.week) {
		if (oomsift_isoweek_parse(o.week, &ro->start, &ro->end) < 0) {
			cli_error("--week: %s", oomsift_error_message());
			return -1;
		}
		/* the canonical label, whatever spelling was typed */
		oomsift_isoweek_of(ro->start, label, len, &ro->start, &ro->end);
		ro->label = label;
		return 0;
	}
	if (!o.since && !o.until) {
		oomsift_isoweek_last_complete(now, label, len, &ro->start, &ro->end);
		ro->label = label;
		return 0;
	}
	ro->end = now;
	if (o.until && oomsift_time_parse(o.until, now, &ro->end) < 0) {
		cli_error("--until: %s", oomsift_error_message());
		return -1;
	}
	ro->start = ro->end - 7 * DAY;
	if (o.since && oomsift_time_parse(o.since, now, &ro->start) < 0) {
		cli_error("--since: %s", oomsift_error_message());
		return -1;
	}
	return 0;
}

static int parse_gap(int64_t *gap_s)
{
	char *end;
	long long minutes;

	if (!o.gap)
		return 0;
	minutes = strtoll(o.gap, &end, 10);
	if (*end || end == o.gap || minutes <= 0 || minutes > 7 * 24 * 60) {
		cli_error("--incident-gap takes minutes from 1 to 10080, not '%s'", o.gap);
		return -1;
	}
	*gap_s = minutes * 60;
	return 0;
}

/* Writes r with fn to --output or stdout. */
static int write_report(const oomsift_report *r, renderer fn)
{
	const char *no_color = getenv("NO_COLOR");
	bool color = !o.output && isatty(STDOUT_FILENO) && !(no_color && *no_color);
	FILE *f = stdout;
	int rc;

	if (o.output && !(f = fopen(o.output, "w"))) {
		cli_error("cannot write '%s': %s", o.output, strerror(errno));
		return EXIT_INTERNAL;
	}
	rc = fn(r, f, color);
	if (o.output && fclose(f) != 0 && rc == 0)
		rc = oomsift_error_set(OOMSIFT_EIO, "cannot write '%s': %s", o.output,
		                       strerror(errno));
	return rc < 0 ? cmd_fail(rc) : EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	oomsift_report_opts ro = {0};
	oomsift_report *r = NULL;
	oomsift_store *store;
	char label[32];
	renderer fn;
	int code, rc;

	memset(&o, 0, sizeof(o));
	if (cli_parse(&cmd_report_spec, argc, argv, &code) < 0)
		return code;
	if (!(fn = pick_renderer(o.format))) {
		cli_error("unknown format '%s' (text, markdown, json, html)", o.format);
		return EXIT_USAGE;
	}
	if (current_time(&ro.now) < 0 || pick_period(&ro, ro.now, label, sizeof(label)) < 0 ||
	    parse_gap(&ro.incident_gap_s) < 0)
		return EXIT_USAGE;
	ro.host_glob = o.host;
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READONLY)) < 0)
		return cmd_fail(rc);
	rc = oomsift_report_build(&r, store, &ro);
	oomsift_store_free(store);
	if (rc < 0)
		return cmd_fail(rc);
	code = write_report(r, fn);
	oomsift_report_free(r);
	return code;
}
