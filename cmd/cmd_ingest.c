/* oomsift ingest: read logs, store every OOM event once. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "oomsift/error.h"
#include "oomsift/input.h"
#include "oomsift/store.h"

static struct {
	const char *db, *host, *year;
	bool quiet;
	cli_args paths;
} o;

static const cli_opt ingest_opts[] = {
    DB_OPTION(&o.db),
    {CLI_VALUE, 0, "host", "NAME", "host for lines that carry none (default: the file name)",
     &o.host, false},
    {CLI_VALUE, 0, "year", "YYYY",
     "year of syslog (RFC3164) lines (default: from each file's mtime)", &o.year, false},
    {CLI_SWITCH, 'q', "quiet", NULL, "print no summary", &o.quiet, false},
    {CLI_ARGS, 0, "path", NULL, "log files and directories (recursive); - for stdin", &o.paths,
     true},
    {0},
};

const cli_command cmd_ingest_spec = {
    "ingest",
    "read kernel logs and store every OOM event",
    "Reads raw dmesg, dmesg -T, kern.log/syslog/messages (RFC3164) and bare kernel text,\n"
    "finds every kernel OOM report wherever it sits in a line, and stores it with its\n"
    "task table. User-space OOM kills (systemd-oomd, earlyoom) and systemd, kubelet and\n"
    "containerd OOM lines become events or are linked to the kernel kill they report;\n"
    "overcommit refusals and allocation failures go to memory_events. Host: the syslog\n"
    "host field, else --host, else the file name without .log/.txt. Ingesting the same\n"
    "logs again adds nothing. A summary goes to stderr.",
    "  oomsift ingest /var/log/kern.log\n"
    "  oomsift ingest --db fleet.db collected/\n"
    "  ssh web01 dmesg | oomsift ingest --host web01 -\n",
    ingest_opts,
};

typedef struct ingest_ctx {
	oomsift_store *store;
	oomsift_parse_opts popts;
	int64_t source_id;
	uint64_t new_events, seen_events, files, failed;
	uint64_t new_memevents;
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

static int store_memevent(void *ctx, const oomsift_memevent *me)
{
	ingest_ctx *c = ctx;
	bool inserted;
	int rc = oomsift_store_put_memevent(c->store, me, c->source_id, &inserted);

	if (rc == 0 && inserted)
		c->new_memevents++;
	return rc;
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
	c->total.memevents += st.memevents;
	return 0;
fail:
	oomsift_store_rollback(c->store);
	return rc;
}

int cmd_ingest(int argc, char **argv)
{
	ingest_ctx c = {0};
	int code, rc;

	memset(&o, 0, sizeof(o));
	if (cli_parse(&cmd_ingest_spec, argc, argv, &code) < 0)
		return code;
	c.popts.host = o.host;
	c.popts.memevent_cb = store_memevent;
	c.popts.memevent_ctx = &c;
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
	for (int i = 0; i < o.paths.n; i++)
		if ((rc = oomsift_input_walk(o.paths.v[i], ingest_file, &c)) < 0)
			break;
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
		if (c.total.memevents)
			fprintf(stderr, ", %llu memory event%s (%llu new)",
			        (unsigned long long)c.total.memevents,
			        c.total.memevents == 1 ? "" : "s",
			        (unsigned long long)c.new_memevents);
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
