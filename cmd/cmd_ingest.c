/* oomsift ingest: read logs, store every OOM event once. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "oomsift/error.h"
#include "oomsift/facts.h"
#include "oomsift/input.h"
#include "oomsift/sosreport.h"
#include "oomsift/store.h"

#define MAX_FACTS_FILES 256

static struct {
	const char *db, *host, *year;
	bool quiet;
	cli_args paths, facts;
} o;
static const char *facts_files[MAX_FACTS_FILES];

static const cli_opt ingest_opts[] = {
    DB_OPTION(&o.db),
    {CLI_VALUE, 0, "host", "NAME", "host for lines that carry none (default: the file name)",
     &o.host, false},
    {CLI_VALUE, 0, "year", "YYYY",
     "year of syslog (RFC3164) lines (default: from each file's mtime)", &o.year, false},
    {CLI_VALUES, 0, "facts", "FILE",
     "facts of --host: `sysctl -a` output, /proc/meminfo or /proc/swaps (repeatable)", &o.facts,
     false},
    {CLI_SWITCH, 'q', "quiet", NULL, "print no summary", &o.quiet, false},
    {CLI_ARGS, 0, "path", NULL,
     "log files, directories (recursive) and sosreport directories; - for stdin", &o.paths, false},
    {0},
};

const cli_command cmd_ingest_spec = {
    "ingest",
    "read kernel logs and store every OOM event",
    "Reads raw dmesg, dmesg -T, kern.log/syslog/messages (RFC3164) and bare kernel text,\n"
    "finds every kernel OOM report wherever it sits in a line, and stores it with its\n"
    "task table. Host: the syslog host field, else --host, else the file name without\n"
    ".log/.txt. Ingesting the same logs again adds nothing. A summary goes to stderr.\n"
    "\n"
    "A directory that is an extracted sosreport is read as one: its var/log/messages*,\n"
    "kern.log*, syslog* and journal with the sosreport's host name (--host wins), and\n"
    "its sysctl -a, proc/meminfo and proc/swaps as host facts collected when the\n"
    "sosreport was taken. --facts FILE stores such a file as facts of --host, collected\n"
    "at the file's mtime; see the host_facts view. The kind of a facts file is read\n"
    "from its content; any other file is refused.",
    "  oomsift ingest /var/log/kern.log\n"
    "  oomsift ingest --db fleet.db collected/\n"
    "  ssh web01 dmesg | oomsift ingest --host web01 -\n"
    "  oomsift ingest sosreport-db07-2026-11-18-abcdefg/\n"
    "  ssh web01 sysctl -a > web01.sysctl; ssh web01 cat /proc/meminfo > web01.meminfo\n"
    "  oomsift ingest --host web01 --facts web01.sysctl --facts web01.meminfo\n",
    ingest_opts,
};

typedef struct ingest_ctx {
	oomsift_store *store;
	oomsift_parse_opts popts;
	int64_t source_id;
	uint64_t new_events, seen_events, files, failed;
	uint64_t facts_files, facts_read, facts_new, sosreports;
	const oomsift_sosreport_info *sos; /* the sosreport being read, else NULL */
	oomsift_parse_stats total;
} ingest_ctx;

static int store_event(void *ctx, oomsift_event *ev)
{
	ingest_ctx *c = ctx;
	int64_t id;
	bool inserted;
	int rc = oomsift_store_put_event(c->store, ev, c->source_id, &id, &inserted);

	oomsift_event_free(ev);
	if (rc < 0)
		return rc;
	if (inserted)
		c->new_events++;
	else
		c->seen_events++;
	return 0;
}

/* One file, one transaction: its events and its source row land together. */
static int ingest_file(void *ctx, const char *path, int err)
{
	ingest_ctx *c = ctx;
	oomsift_parse_stats st = {0};
	int rc;

	if (err < 0) {
		cli_error("%s", oomsift_error_message());
		c->failed++;
		return 0;
	}
	if ((rc = oomsift_store_begin(c->store)) < 0 ||
	    (rc = oomsift_store_source(c->store, path, &c->source_id)) < 0)
		goto fail;
	rc = oomsift_parse_path(path, &c->popts, store_event, c, &st);
	if (rc == OOMSIFT_EIO) {
		/* Unreadable input: say so, keep what is stored, go on. */
		oomsift_store_rollback(c->store);
		cli_error("%s", oomsift_error_message());
		c->failed++;
		return 0;
	}
	if (rc < 0 ||
	    (rc = oomsift_store_source_done(c->store, c->source_id, st.lines, st.bytes,
	                                    st.events)) < 0 ||
	    (rc = oomsift_store_commit(c->store)) < 0)
		goto fail;
	c->files++;
	c->total.lines += st.lines;
	c->total.bytes += st.bytes;
	c->total.events += st.events;
	c->total.long_lines += st.long_lines;
	return 0;
fail:
	oomsift_store_rollback(c->store);
	return rc;
}

typedef struct facts_ctx {
	ingest_ctx *c;
	oomsift_facts_origin origin;
} facts_ctx;

static int store_fact(void *ctx, const oomsift_fact *fact)
{
	facts_ctx *fc = ctx;

	fc->c->facts_read++;
	return oomsift_store_put_facts(fc->c->store, &fc->origin, fact, 1, &fc->c->facts_new);
}

/* One facts file, one transaction. collected_at NULL: the file's mtime. A
 * file that cannot be read or is not facts is named, and the rest goes on. */
static int ingest_facts(ingest_ctx *c, const char *path, const char *host,
                        const int64_t *collected_at)
{
	facts_ctx fc = {c, {host, 0, path}};
	struct stat st;
	int rc;

	if (collected_at)
		fc.origin.collected_at = *collected_at;
	else if (stat(path, &st) == 0)
		fc.origin.collected_at = (int64_t)st.st_mtime;
	if ((rc = oomsift_store_begin(c->store)) < 0)
		return rc;
	rc = oomsift_facts_parse_path(path, store_fact, &fc, NULL, NULL);
	if (rc == OOMSIFT_EIO || rc == OOMSIFT_EINVAL || rc == OOMSIFT_ELIMIT) {
		oomsift_store_rollback(c->store);
		cli_error("%s", oomsift_error_message());
		c->failed++;
		return 0;
	}
	if (rc < 0 || (rc = oomsift_store_commit(c->store)) < 0) {
		oomsift_store_rollback(c->store);
		return rc;
	}
	c->facts_files++;
	return 0;
}

/* A file of an sosreport: logs and journals as logs, facts as facts. */
static int ingest_sos_file(void *ctx, const char *path, oomsift_sos_kind kind, int err)
{
	ingest_ctx *c = ctx;

	switch (kind) {
	case OOMSIFT_SOS_FACTS_SYSCTL:
	case OOMSIFT_SOS_FACTS_MEMINFO:
	case OOMSIFT_SOS_FACTS_SWAPS:
		return ingest_facts(c, path, c->popts.host,
		                    c->sos->has_collected_at ? &c->sos->collected_at : NULL);
	case OOMSIFT_SOS_LOG:
	case OOMSIFT_SOS_JOURNAL:
		return ingest_file(c, path, err);
	default: /* host and date were read before the walk */
		return err < 0 ? ingest_file(c, path, err) : 0;
	}
}

/* An extracted sosreport: its logs under its host name, its facts. */
static int ingest_sosreport(ingest_ctx *c, const char *root)
{
	oomsift_sosreport_info info;
	int rc;

	if ((rc = oomsift_sosreport_read_info(root, &info)) < 0)
		return rc;
	c->popts.host = o.host ? o.host : info.host;
	if (!*c->popts.host) {
		cli_error("'%s': the sosreport names no host (no hostname file, not named "
		          "sosreport-HOST-...): give --host",
		          root);
		c->popts.host = o.host;
		c->failed++;
		return 0;
	}
	c->sos = &info;
	rc = oomsift_sosreport_walk(root, ingest_sos_file, c);
	c->sos = NULL;
	c->popts.host = o.host;
	c->sosreports++;
	return rc;
}

static int ingest_path(ingest_ctx *c, const char *path)
{
	bool is_sos;
	int rc = oomsift_sosreport_probe(path, &is_sos);

	if (rc < 0)
		return ingest_file(c, path, rc);
	return is_sos ? ingest_sosreport(c, path) : oomsift_input_walk(path, ingest_file, c);
}

/* --facts needs --host; without --facts a path is needed. */
static int check_inputs(void)
{
	const char *why = o.facts.n && !o.host ? "--facts needs --host: a facts file does not "
	                                         "name its host"
	                  : !o.facts.n && !o.paths.n ? "missing <path>"
	                                             : NULL;

	if (!why)
		return 0;
	cli_error("%s", why);
	cli_usage(stderr, &cmd_ingest_spec);
	return -1;
}

static void print_facts_summary(const ingest_ctx *c)
{
	if (c->sosreports)
		fprintf(stderr, ", %llu sosreport%s", (unsigned long long)c->sosreports,
		        c->sosreports == 1 ? "" : "s");
	if (c->facts_files)
		fprintf(stderr, ", %llu host fact%s (%llu new) from %llu facts file%s",
		        (unsigned long long)c->facts_read, c->facts_read == 1 ? "" : "s",
		        (unsigned long long)c->facts_new, (unsigned long long)c->facts_files,
		        c->facts_files == 1 ? "" : "s");
}

int cmd_ingest(int argc, char **argv)
{
	ingest_ctx c = {0};
	int code, rc;

	memset(&o, 0, sizeof(o));
	o.facts = (cli_args){facts_files, 0, MAX_FACTS_FILES};
	if (cli_parse(&cmd_ingest_spec, argc, argv, &code) < 0)
		return code;
	if (check_inputs() < 0)
		return EXIT_USAGE;
	c.popts.host = o.host;
	if (o.year) {
		char *end;
		long y = strtol(o.year, &end, 10);
		if (*end || y < 1970 || y > 9999) {
			cli_error("--year takes a year such as 2026, not '%s'", o.year);
			return EXIT_USAGE;
		}
		c.popts.year = (int)y;
	}
	if ((rc = oomsift_store_open(&c.store, cmd_db_path(o.db), OOMSIFT_STORE_READWRITE)) < 0)
		return cmd_fail(rc);
	rc = 0;
	for (int i = 0; i < o.facts.n && rc >= 0; i++)
		rc = ingest_facts(&c, o.facts.v[i], o.host, NULL);
	for (int i = 0; i < o.paths.n && rc >= 0; i++)
		rc = ingest_path(&c, o.paths.v[i]);
	oomsift_store_free(c.store);
	if (rc < 0)
		return cmd_fail(rc);
	if (!o.quiet) {
		fprintf(
		    stderr,
		    "oomsift: %llu file%s, %llu lines, %llu OOM event%s (%llu new, %llu already "
		    "stored)",
		    (unsigned long long)c.files, c.files == 1 ? "" : "s",
		    (unsigned long long)c.total.lines, (unsigned long long)c.total.events,
		    c.total.events == 1 ? "" : "s", (unsigned long long)c.new_events,
		    (unsigned long long)c.seen_events);
		print_facts_summary(&c);
		if (c.total.long_lines)
			fprintf(stderr, ", %llu lines cut at %d bytes",
			        (unsigned long long)c.total.long_lines, OOMSIFT_MAX_LINE);
		if (c.failed)
			fprintf(stderr, ", %llu input%s unreadable", (unsigned long long)c.failed,
			        c.failed == 1 ? "" : "s");
		fputc('\n', stderr);
	}
	return c.failed ? EXIT_PARTIAL : EXIT_OK;
}
