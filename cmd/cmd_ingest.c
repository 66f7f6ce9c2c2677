/* oomsift ingest: read logs, store every OOM event once. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/rules_opts.h"
#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/ingest.h"
#include "oomsift/input.h"
#include "oomsift/store.h"

#define MAX_FACTS_FILES 256
/* --jobs by default: the CPUs online, at most this many. */
#define DEFAULT_JOBS_MAX 4

static struct {
	const char *db, *host, *host_from, *year, *files_from, *format, *jobs;
	bool quiet, verbose, reread, no_classify;
	cli_args paths, facts;
	rules_opts rules;
} o;
static const char *facts_files[MAX_FACTS_FILES];

static const cli_opt ingest_opts[] = {
    DB_OPTION(&o.db),
    {CLI_VALUE, 0, "host", "NAME", "host of lines that carry none (default: the file name)",
     &o.host, false},
    {CLI_VALUE, 0, "host-from", "REGEX",
     "take the host from the path: a PCRE2 regex with a group named host", &o.host_from, false},
    {CLI_VALUE, 0, "year", "YYYY",
     "year of syslog (RFC3164) lines (default: from each file's mtime)", &o.year, false},
    {CLI_VALUE, 0, "format", "NAME",
     "read every input as NAME (default: sniffed per file): dmesg, dmesg-t, kmsg, syslog, "
     "rfc3339, rfc5424, short, short-precise, short-iso, short-iso-precise, short-full, "
     "short-monotonic, short-unix, cat, json, export, journal",
     &o.format, false},
    {CLI_VALUE, 0, "files-from", "FILE", "read more paths from FILE, one per line (- for stdin)",
     &o.files_from, false},
    {CLI_VALUE, 'j', "jobs", "N",
     "read (decompress and parse) N files at a time, in N threads; 1 = in one thread "
     "(default: the CPUs, at most 4)",
     &o.jobs, false},
    {CLI_SWITCH, 0, "reread", NULL, "read every input from its start, ignoring cursors", &o.reread,
     false},
    {CLI_VALUES, 0, "facts", "FILE",
     "store FILE (`sysctl -a` output, /proc/meminfo or /proc/swaps) as facts of --host "
     "(repeatable)",
     &o.facts, false},
    {CLI_SWITCH, 0, "no-classify", NULL, "store the events without finding their causes",
     &o.no_classify, false},
    RULES_FILES_OPTION(o.rules),
    RULES_DISABLE_OPTION(o.rules),
    RULES_NO_USER_OPTION(o.rules),
    {CLI_SWITCH, 'q', "quiet", NULL, "print no progress and no summary", &o.quiet, false},
    {CLI_SWITCH, 'v', "verbose", NULL, "print a line per input", &o.verbose, false},
    {CLI_ARGS, 0, "path", NULL,
     "log files, archives, directories (recursive), sosreports, globs; - for stdin", &o.paths,
     false},
    {0},
};

const cli_command cmd_ingest_spec = {
    "ingest",
    "read logs and store every OOM event once",
    "Reads dmesg (raw, -T, -x, -r, iso), /dev/kmsg dumps, syslog files (RFC3164, RFC3339,\n"
    "RFC5424), journalctl output (short modes, cat, json, export) and native journal files,\n"
    "plain or compressed (gzip, xz, zstd, bzip2: found by their magic bytes), and tar\n"
    "archives in place. The format is sniffed per file. Finds every kernel OOM report\n"
    "wherever it sits in a line and stores it with its task table; user-space kills\n"
    "(systemd-oomd, earlyoom, kubelet evictions) too, with the systemd, containerd and\n"
    "kubelet notices linked to the kill they report, and overcommit refusals and\n"
    "allocation failures as memory events (the memory_events view).\n"
    "\n"
    "Host of each event: the log line's own host field, else --host, else --host-from\n"
    "matched on the path, else the sosreport's host name, else the file name without\n"
    ".log/.txt.\n"
    "\n"
    "An sosreport (an extracted directory, anywhere under a path, or an archive named\n"
    "sosreport-*.tar*) is read as one host: its var/log/messages*, kern.log*, syslog*\n"
    "and journalctl outputs as logs, its sysctl -a, proc/meminfo and proc/swaps as host\n"
    "facts collected when the sosreport was taken (the host_facts view). --facts FILE\n"
    "stores such a file as facts of --host, collected at the file's mtime.\n"
    "\n"
    "Run it again every day over the same logs: each file is read on from where the last\n"
    "run stopped, a rotated or compressed copy is recognised, and an event read through\n"
    "several files (dmesg, kern.log, syslog) is stored once. Unreadable, binary and\n"
    "truncated inputs are reported and skipped; everything else is stored (exit 4).\n"
    "\n"
    "--jobs N reads N files at a time (each file, or archive, by one thread) while one\n"
    "thread stores what they read, file after file in the order given: the store, the\n"
    "messages and the summary are the same for any N. stdin and sosreports are read by\n"
    "the storing thread, in their turn.\n"
    "\n"
    "At the end the root-cause rules classify what is new (as 'oomsift classify' does:\n"
    "new and changed events, and the events of their hosts up to 30 days later), unless\n"
    "--no-classify. The rules are loaded before anything is read.\n"
    "\n" RULES_HELP,
    "  oomsift ingest /var/log/kern.log*\n"
    "  oomsift ingest --db fleet.db --host-from 'hosts/(?<host>[^/]+)/' hosts/\n"
    "  find /srv/logs -name 'kern.log*' | oomsift ingest --files-from -\n"
    "  ssh web01 dmesg | oomsift ingest --host web01 -\n"
    "  oomsift ingest sosreport-db07-2026-11-18-abcdefg.tar.xz\n"
    "  ssh web01 sysctl -a > web01.sysctl; ssh web01 cat /proc/meminfo > web01.meminfo\n"
    "  oomsift ingest --host web01 --facts web01.sysctl --facts web01.meminfo\n",
    ingest_opts,
};

typedef struct ingest_run {
	oomsift_ingest *in;
	bool tty;
	double started, last_progress;
	uint64_t warnings;
	uint64_t failed; /* inputs that failed before reaching the library */
} ingest_run;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_report(void *ctx, const char *severity, const char *message)
{
	ingest_run *run = ctx;

	if (strcmp(severity, "warning") == 0) {
		run->warnings++;
		if (o.quiet)
			return;
	}
	if (run->tty)
		fputs("\r\033[K", stderr);
	cli_error("%s: %s", severity, message);
}

/* One line, redrawn at most 10 times a second, only on a terminal. */
static void on_progress(void *ctx, const oomsift_ingest_stats *st, const char *path)
{
	ingest_run *run = ctx;
	double t = now_s(), mb = (double)st->bytes / 1e6;

	if (!run->tty || t - run->last_progress < 0.1)
		return;
	run->last_progress = t;
	fprintf(stderr, "\r\033[K%llu files, %.1f MB, %.1f MB/s, %llu events  %.40s",
	        (unsigned long long)st->files, mb, mb / (t - run->started + 1e-9),
	        (unsigned long long)st->events, path);
}

static void on_file_done(void *ctx, const char *path, uint64_t events)
{
	ingest_run *run = ctx;

	if (!o.verbose)
		return;
	if (run->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "oomsift: %s: %llu event%s\n", path, (unsigned long long)events,
	        events == 1 ? "" : "s");
}

/* A path that does not exist but holds glob characters is a glob. */
static int ingest_arg(ingest_run *run, const char *arg)
{
	struct stat st;
	glob_t g;
	int rc = 0;

	if (strcmp(arg, "-") == 0 || stat(arg, &st) == 0 || !strpbrk(arg, "*?["))
		return oomsift_ingest_path(run->in, arg);
	if (glob(arg, 0, NULL, &g) != 0) {
		/* after the messages about the files before it */
		if ((rc = oomsift_ingest_drain(run->in)) < 0)
			return rc;
		cli_error("error: '%s' matches no file", arg);
		run->failed++;
		return 0;
	}
	for (size_t i = 0; i < g.gl_pathc && rc >= 0; i++)
		rc = oomsift_ingest_path(run->in, g.gl_pathv[i]);
	globfree(&g);
	return rc;
}

static int ingest_files_from(ingest_run *run, const char *list)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		int err = errno;
		if ((rc = oomsift_ingest_drain(run->in)) < 0)
			return rc;
		cli_error("error: cannot open '%s': %s", list, strerror(err));
		run->failed++;
		return 0;
	}
	while (rc >= 0 && (n = getline(&line, &cap, f)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n)
			rc = ingest_arg(run, line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static void print_summary(const oomsift_ingest_stats *st, uint64_t failed)
{
	fprintf(stderr,
	        "oomsift: %llu source%s (%llu unchanged, %llu resumed), %.1f MB, %llu lines, "
	        "%llu OOM event%s (%llu new, %llu already stored)",
	        (unsigned long long)st->sources, st->sources == 1 ? "" : "s",
	        (unsigned long long)st->unchanged, (unsigned long long)st->resumed,
	        (double)st->bytes / 1e6, (unsigned long long)st->lines,
	        (unsigned long long)st->events, st->events == 1 ? "" : "s",
	        (unsigned long long)st->new_events, (unsigned long long)st->known_events);
	if (st->memevents)
		fprintf(stderr, ", %llu memory event%s (%llu new)",
		        (unsigned long long)st->memevents, st->memevents == 1 ? "" : "s",
		        (unsigned long long)st->new_memevents);
	if (st->sosreports)
		fprintf(stderr, ", %llu sosreport%s", (unsigned long long)st->sosreports,
		        st->sosreports == 1 ? "" : "s");
	if (st->facts_files)
		fprintf(stderr, ", %llu host fact%s (%llu new) from %llu facts file%s",
		        (unsigned long long)st->facts, st->facts == 1 ? "" : "s",
		        (unsigned long long)st->new_facts, (unsigned long long)st->facts_files,
		        st->facts_files == 1 ? "" : "s");
	if (st->derived)
		fprintf(stderr, ", %llu dated from their boot", (unsigned long long)st->derived);
	if (st->long_lines)
		fprintf(stderr, ", %llu lines cut at %d bytes", (unsigned long long)st->long_lines,
		        OOMSIFT_MAX_LINE);
	if (st->skipped)
		fprintf(stderr, ", %llu skipped", (unsigned long long)st->skipped);
	if (failed)
		fprintf(stderr, ", %llu input%s failed", (unsigned long long)failed,
		        failed == 1 ? "" : "s");
	fputc('\n', stderr);
}

static int parse_jobs(unsigned *jobs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	long n;

	if (!o.jobs) {
		*jobs = cpus < 1 ? 1 : cpus > DEFAULT_JOBS_MAX ? DEFAULT_JOBS_MAX : (unsigned)cpus;
		return 0;
	}
	n = strtol(o.jobs, &end, 10);
	if (*end || end == o.jobs || n < 1 || n > OOMSIFT_INGEST_MAX_JOBS) {
		cli_error("--jobs takes a number from 1 to %d, not '%s'", OOMSIFT_INGEST_MAX_JOBS,
		          o.jobs);
		return -1;
	}
	*jobs = (unsigned)n;
	return 0;
}

/* Classifies what the run stored (and what it makes stale). */
static int classify_new(oomsift_store *store, const oomsift_rules *rs)
{
	oomsift_classify_stats st;
	int rc;

	if (!rs)
		return 0;
	if ((rc = oomsift_classify(store, rs, NULL, &st)) < 0)
		return rc;
	if (!o.quiet)
		rules_print_summary(&st);
	return 0;
}

int cmd_ingest(int argc, char **argv)
{
	oomsift_ingest_opts io = {0};
	ingest_run run = {0};
	oomsift_store *store = NULL;
	oomsift_rules *rs = NULL;
	uint64_t failed;
	int code, rc;

	memset(&o, 0, sizeof(o));
	o.facts = (cli_args){facts_files, 0, MAX_FACTS_FILES};
	rules_opts_init(&o.rules);
	if (cli_parse(&cmd_ingest_spec, argc, argv, &code) < 0)
		return code;
	if (!o.paths.n && !o.files_from && !o.facts.n) {
		cli_error(
		    "ingest needs a path, --files-from or --facts; see 'oomsift ingest --help'");
		return EXIT_USAGE;
	}
	if (o.facts.n && !o.host) {
		cli_error("--facts needs --host: a facts file does not name its host");
		return EXIT_USAGE;
	}
	if (cli_parse_year(o.year, &io.year) < 0 || parse_jobs(&io.jobs) < 0)
		return EXIT_USAGE;
	io.host = o.host;
	io.host_from = o.host_from;
	io.format = o.format;
	io.reread = o.reread;
	io.report = on_report;
	io.progress = on_progress;
	io.file_done = on_file_done;
	io.ctx = &run;
	run.tty = !o.quiet && isatty(STDERR_FILENO);
	run.started = now_s();
	/* a bad rule file stops the run before anything is read */
	if (!o.no_classify && (rc = rules_opts_load(&o.rules, &rs)) < 0)
		return cmd_fail(rc);
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READWRITE)) < 0) {
		if (rs)
			oomsift_rules_free(rs);
		return cmd_fail(rc);
	}
	if ((rc = oomsift_ingest_new(&run.in, store, &io)) < 0) {
		oomsift_store_free(store);
		if (rs)
			oomsift_rules_free(rs);
		return rc == OOMSIFT_EINVAL ? (cli_error("%s", oomsift_error_message()), EXIT_USAGE)
		                            : cmd_fail(rc);
	}
	for (int i = 0; i < o.facts.n && rc >= 0; i++)
		rc = oomsift_ingest_facts(run.in, o.facts.v[i], o.host);
	for (int i = 0; i < o.paths.n && rc >= 0; i++)
		rc = ingest_arg(&run, o.paths.v[i]);
	if (rc >= 0 && o.files_from)
		rc = ingest_files_from(&run, o.files_from);
	if (rc >= 0)
		rc = oomsift_ingest_finish(run.in);
	if (run.tty)
		fputs("\r\033[K", stderr);
	failed = run.failed + oomsift_ingest_stats_get(run.in)->failed;
	if (rc >= 0 && !o.quiet)
		print_summary(oomsift_ingest_stats_get(run.in), failed);
	if (rc >= 0)
		rc = classify_new(store, rs);
	oomsift_ingest_free(run.in);
	oomsift_store_free(store);
	if (rs)
		oomsift_rules_free(rs);
	if (rc < 0)
		return cmd_fail(rc);
	return failed ? EXIT_PARTIAL : EXIT_OK;
}
