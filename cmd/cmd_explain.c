/* oomsift explain: the full view of every OOM report in one input, with no store on disk. */
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/event_view.h"
#include "cmd/rules_opts.h"
#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/ingest.h"
#include "oomsift/store.h"
#include "oomsift/view.h"

static struct {
	const char *input, *host, *year, *input_format, *format, *color;
	rules_opts rules;
} o;

static const cli_opt explain_opts[] = {
    VIEW_FORMAT_OPTION(&o.format),
    VIEW_COLOR_OPTION(&o.color),
    {CLI_VALUE, 0, "host", "NAME", "host of lines that carry none (default: the file name)",
     &o.host, false},
    {CLI_VALUE, 0, "year", "YYYY",
     "year of syslog (RFC3164) lines (default: from the file's mtime)", &o.year, false},
    {CLI_VALUE, 0, "input-format", "NAME",
     "read the input as NAME, one of ingest's --format names (default: sniffed)", &o.input_format,
     false},
    RULES_FILES_OPTION(o.rules),
    RULES_DISABLE_OPTION(o.rules),
    RULES_NO_USER_OPTION(o.rules),
    {CLI_ARG, 0, "input", NULL, "a report or a whole log: file, archive, directory, or - for stdin",
     &o.input, true},
    {0},
};

const cli_command cmd_explain_spec = {
    "explain",
    "explain the OOM reports in a paste or a log, with no store",
    "Reads one input as 'oomsift ingest' does (any wrapper: dmesg, syslog, journalctl,\n"
    "journal JSON or export, kmsg; compressed or in an archive; several reports, cut\n"
    "reports, several hosts) into a private in-memory store, finds the root causes with\n"
    "the rules in effect, and prints every OOM event and memory event it holds, in the\n"
    "order of the input, as 'oomsift show' does: what happened (host, time, kernel,\n"
    "kind, trigger, victim), the causes with their evidence and advice, what a cut\n"
    "report is missing, the memory picture (RAM or the cgroup's limit, swap, and a table\n"
    "of anon, file, shmem, slab, page tables, huge pages, … with their share), and the\n"
    "ten largest tasks by RSS. Nothing is written to disk; history and trend rules see\n"
    "the events of this input only.\n"
    "\n"
    "--format text (coloured on a terminal unless NO_COLOR is set), markdown, or json:\n"
    "one array with an object per event (docs/explain.md). Exit 0 when an event was\n"
    "found, 1 when the input holds no OOM report, 4 when the input cannot be read.\n"
    "\n" RULES_HELP,
    "  oomsift explain /var/log/kern.log\n"
    "  journalctl -k -b -1 | oomsift explain -\n"
    "  xclip -o | oomsift explain --format markdown - > incident.md\n"
    "  oomsift explain --format json dmesg.txt | jq '.[].causes[0].cause'\n",
    explain_opts,
};

typedef struct explain_run {
	oomsift_store *store;
	view_style st;
	size_t count, done;
	uint64_t warnings;
} explain_run;

static void on_report(void *ctx, const char *severity, const char *message)
{
	explain_run *run = ctx;

	if (strcmp(severity, "warning") == 0)
		run->warnings++;
	cli_error("%s: %s", severity, message);
}

static int count_subject(void *ctx, oomsift_rule_subject subject, int64_t id)
{
	explain_run *run = ctx;

	run->count++;
	return 0;
}

static int render_subject(void *ctx, oomsift_rule_subject subject, int64_t id)
{
	explain_run *run = ctx;
	oomsift_view *v;
	int rc;

	if ((rc = oomsift_view_load(run->store, subject, id, false, &v)) < 0)
		return rc;
	run->st.index = run->done + 1;
	view_list_next(stdout, &run->st, run->done);
	view_render(stdout, v, &run->st);
	oomsift_view_free(v);
	run->done++;
	return 0;
}

/* Reads the input into the store and classifies it; *failed counts the
 * inputs that could not be read. */
static int read_input(explain_run *run, const oomsift_ingest_opts *io, const oomsift_rules *rs,
                      uint64_t *failed)
{
	oomsift_classify_opts all = {.all = true};
	oomsift_ingest *in;
	int rc;

	if ((rc = oomsift_ingest_new(&in, run->store, io)) < 0)
		return rc;
	if ((rc = oomsift_ingest_path(in, o.input)) >= 0)
		rc = oomsift_ingest_finish(in);
	*failed = oomsift_ingest_stats_get(in)->failed;
	oomsift_ingest_free(in);
	if (rc >= 0)
		rc = oomsift_classify(run->store, rs, &all, NULL);
	return rc;
}

static int explain(explain_run *run, const oomsift_ingest_opts *io, const oomsift_rules *rs)
{
	uint64_t failed = 0;
	int rc;

	if ((rc = oomsift_store_open(&run->store, ":memory:", OOMSIFT_STORE_READWRITE)) < 0)
		return cmd_fail(rc);
	if ((rc = read_input(run, io, rs, &failed)) < 0 ||
	    (rc = oomsift_view_list(run->store, count_subject, run)) < 0)
		goto out;
	if (!run->count && !failed) {
		cli_error("no OOM report in '%s'", strcmp(o.input, "-") == 0 ? "stdin" : o.input);
		goto out;
	}
	run->st.count = run->count;
	view_list_begin(stdout, &run->st);
	rc = oomsift_view_list(run->store, render_subject, run);
	view_list_end(stdout, &run->st, run->done);
out:
	oomsift_store_free(run->store);
	if (rc < 0)
		return rc == OOMSIFT_EINVAL ? (cli_error("%s", oomsift_error_message()), EXIT_USAGE)
		                            : cmd_fail(rc);
	if (failed)
		return EXIT_PARTIAL;
	return run->count ? EXIT_OK : EXIT_NOT_FOUND;
}

int cmd_explain(int argc, char **argv)
{
	oomsift_ingest_opts io = {0};
	explain_run run = {0};
	oomsift_rules *rs;
	int code, rc;

	memset(&o, 0, sizeof(o));
	rules_opts_init(&o.rules);
	if (cli_parse(&cmd_explain_spec, argc, argv, &code) < 0)
		return code;
	if (view_style_init(&run.st, o.format, o.color, stdout) < 0 ||
	    cli_parse_year(o.year, &io.year) < 0)
		return EXIT_USAGE;
	io.host = o.host;
	io.format = o.input_format;
	io.report = on_report;
	io.ctx = &run;
	if ((rc = rules_opts_load(&o.rules, &rs)) < 0)
		return cmd_fail(rc);
	/* a paste typed into the terminal: say how it ends */
	if (strcmp(o.input, "-") == 0 && isatty(STDIN_FILENO))
		fputs(
		    "oomsift: reading the report from the terminal: paste it, then press Ctrl-D\n",
		    stderr);
	code = explain(&run, &io, rs);
	oomsift_rules_free(rs);
	return code;
}
