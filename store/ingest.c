/*
 * The ingest loop: reader (bytes of each file or archive member) -> parser
 * (events) -> store, one transaction per source, resumed at its cursor.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomsift/error.h"
#include "oomsift/ingest.h"
#include "oomsift/input.h"
#include "oomsift/journal.h"
#include "oomsift/reader.h"

#include "store/ingest_internal.h"

static int check_host_from(oomsift_ingest *in, const oomsift_ingest_opts *o)
{
	if (oomsift_re_compile(&in->host_from, o->host_from) < 0)
		return oomsift_error_set(OOMSIFT_EINVAL, "--host-from: %s",
		                         oomsift_error_message());
	in->host_group = oomsift_re_group(&in->host_from, "host");
	if (in->host_group >= HOST_FROM_GROUPS)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "--host-from '%s': the group host must be among the "
		                         "first %d groups",
		                         o->host_from, HOST_FROM_GROUPS - 1);
	if (in->host_group < 0)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "--host-from '%s' has no group named host, as in "
		                         "'hosts/(?<host>[^/]+)/'",
		                         o->host_from);
	return 0;
}

/*
 * Foreign keys are not checked while an ingest writes: every row it adds that
 * refers to another (an event's children, sightings, an event's source) refers
 * to a row it has just written or looked up in the same transaction, and the
 * checks were a seventh of SQLite's work per task row (docs/performance.md,
 * "Dense ingest"). Nothing an ingest deletes relies on a cascade (store/event.c
 * deletes an event's children itself). The pragma changes nothing inside a
 * transaction, so a caller's open transaction keeps the checks on.
 */
static void check_foreign_keys(oomsift_store *store, bool on)
{
	sqlite3_exec(oomsift_store_db(store),
	             on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", NULL, NULL,
	             NULL);
}

int oomsift_ingest_new(oomsift_ingest **out, oomsift_store *store, const oomsift_ingest_opts *o)
{
	oomsift_ingest *in;
	int rc;

	if (o && o->jobs > OOMSIFT_INGEST_MAX_JOBS)
		return oomsift_error_set(OOMSIFT_EINVAL, "--jobs: at most %d, not %u",
		                         OOMSIFT_INGEST_MAX_JOBS, o->jobs);
	in = calloc(1, sizeof(*in));
	if (!in || !(in->block = malloc(BLOCK))) {
		free(in);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	in->store = store;
	if (o)
		in->o = *o;
	if (in->o.format && (rc = oomsift_format_from_name(in->o.format, &in->forced)) < 0) {
		oomsift_ingest_free(in);
		return rc;
	}
	if (in->o.host_from && (rc = check_host_from(in, &in->o)) < 0) {
		oomsift_ingest_free(in);
		return rc;
	}
	if (in->o.jobs > 1 && (rc = ingest_pool_new(&in->pool, in, in->o.jobs)) < 0) {
		oomsift_ingest_free(in);
		return rc;
	}
	check_foreign_keys(store, false);
	*out = in;
	return 0;
}

void oomsift_ingest_free(oomsift_ingest *in)
{
	if (!in)
		return;
	ingest_pool_free(in->pool);
	check_foreign_keys(in->store, true);
	if (in->host_group)
		oomsift_re_free(&in->host_from);
	free(in->block);
	free(in);
}

const oomsift_ingest_stats *oomsift_ingest_stats_get(const oomsift_ingest *in)
{
	return &in->st;
}

void ingest_report(oomsift_ingest *in, const char *severity, const char *msg)
{
	if (in->o.report)
		in->o.report(in->o.ctx, severity, msg);
}

void ingest_progress(oomsift_ingest *in, const char *path)
{
	if (in->o.progress)
		in->o.progress(in->o.ctx, &in->st, path);
}

void ingest_count_report(oomsift_ingest *in, const char *severity, const char *msg,
                         enum ingest_count count)
{
	ingest_report(in, severity, msg);
	if (count == INGEST_COUNT_FAILED)
		in->st.failed++;
	else if (count == INGEST_COUNT_SKIPPED)
		in->st.skipped++;
}

/* The display name of a source: "archive.tar.xz:var/log/messages". */
static void source_name(const oomsift_member *m, char *out, size_t len)
{
	if (m->member)
		snprintf(out, len, "%s:%s", m->path, m->member);
	else
		snprintf(out, len, "%s", m->path);
}

const char *ingest_default_host(oomsift_ingest *in, const char *name, char *buf, size_t len)
{
	oomsift_span g[HOST_FROM_GROUPS];

	if (in->o.host)
		return in->o.host;
	if (!in->host_group ||
	    !oomsift_re_match(&in->host_from, name, strlen(name), g, in->host_group + 1) ||
	    !g[in->host_group].ptr || !g[in->host_group].len)
		return in->sos_host;
	snprintf(buf, len, "%.*s", (int)g[in->host_group].len, g[in->host_group].ptr);
	return buf;
}

/* ---- the store side ---- */

int ingest_store_event(void *ctx, oomsift_event *ev)
{
	oomsift_ingest *in = ctx;
	int64_t id;
	bool inserted;
	int rc = oomsift_store_put_event(in->store, ev, in->source_id, &id, &inserted);

	oomsift_event_free(ev);
	if (rc < 0)
		return rc;
	in->st.events++;
	if (inserted)
		in->st.new_events++;
	else
		in->st.known_events++;
	return 0;
}

int ingest_store_memevent(void *ctx, const oomsift_memevent *me)
{
	oomsift_ingest *in = ctx;
	bool inserted;
	int rc = oomsift_store_put_memevent(in->store, me, in->source_id, &inserted);

	if (rc < 0)
		return rc;
	in->st.memevents++;
	in->st.new_memevents += inserted;
	return 0;
}

static int lookup_source(oomsift_ingest *in, member_read *mr)
{
	int rc = oomsift_store_source_begin(in->store, &mr->info, &mr->pos);

	if (rc == 0)
		mr->host = ingest_default_host(in, mr->name, mr->host_buf, sizeof(mr->host_buf));
	return rc;
}

int ingest_store_begin(oomsift_ingest *in, member_read *mr)
{
	int rc;

	if ((rc = oomsift_store_begin(in->store)) < 0 || (rc = lookup_source(in, mr)) < 0) {
		oomsift_store_rollback(in->store);
		return rc;
	}
	in->source_id = mr->pos.id;
	return 0;
}

/* Looks the source up and leaves the store as it was: inside the transaction
 * of the source being stored, in a savepoint rolled back at once; outside
 * any, in a write transaction rolled back at once. (A savepoint outside a
 * transaction would begin a deferred one, and the lookup's first write would
 * then have to upgrade it, which fails at once, without waiting, while
 * another process writes.) */
int ingest_store_peek(oomsift_ingest *in, member_read *mr)
{
	sqlite3 *db = oomsift_store_db(in->store);
	int rc;

	if (sqlite3_get_autocommit(db)) {
		if ((rc = oomsift_store_begin(in->store)) < 0)
			return rc;
		rc = lookup_source(in, mr);
		oomsift_store_rollback(in->store);
		return rc;
	}
	if (sqlite3_exec(db, "SAVEPOINT oomsift_peek", NULL, NULL, NULL) != SQLITE_OK)
		return oomsift_error_set(OOMSIFT_ESTORE, "store: %s", sqlite3_errmsg(db));
	rc = lookup_source(in, mr);
	if (sqlite3_exec(db, "ROLLBACK TO oomsift_peek; RELEASE oomsift_peek", NULL, NULL, NULL) !=
	        SQLITE_OK &&
	    rc == 0)
		rc = oomsift_error_set(OOMSIFT_ESTORE, "store: %s", sqlite3_errmsg(db));
	return rc;
}

int ingest_store_end(oomsift_ingest *in, member_read *mr, const oomsift_source_end *end)
{
	int rc;

	if (!end) {
		in->st.unchanged++;
		return oomsift_store_commit(in->store);
	}
	in->st.lines += end->lines;
	in->st.long_lines += mr->long_lines;
	if ((rc = oomsift_store_source_end(in->store, &mr->info, mr->pos.id, end)) < 0 ||
	    (rc = oomsift_store_commit(in->store)) < 0) {
		oomsift_store_rollback(in->store);
		return rc;
	}
	if (mr->resumed)
		in->st.resumed++;
	if (mr->read_error)
		in->st.failed++;
	return 0;
}

/* ---- the read side ---- */

/* Moves r to the cursor, checking that the bytes before it are those seen
 * when it was set. false: the content differs (read it from the start). */
static bool seek_cursor(member_reader *rd, oomsift_reader *r, const oomsift_source_pos *pos)
{
	size_t n = OOMSIFT_CURSOR_FP_LEN(pos->cursor_fp);
	uint64_t before = pos->cursor - (n <= pos->cursor ? n : 0);
	size_t got = 0;

	if (n > pos->cursor)
		return false;
	if (oomsift_reader_skip(r, before) != (int64_t)before)
		return false;
	while (got < n) {
		ptrdiff_t k = oomsift_reader_read(r, rd->block + got, n - got);
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	return !n || oomsift_cursor_fp(rd->block, n) == pos->cursor_fp;
}

/* What tells that a file changed: the member's size inside an archive, else
 * the size on disk (a compressed file's content size is unknown). */
static int64_t file_size(const oomsift_member *m)
{
	struct stat st;

	if (m->in_archive || !m->dev)
		return m->size;
	return stat(m->path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static const char *format_name(const oomsift_sniff_result *f)
{
	switch (f->format) {
	case OOMSIFT_FORMAT_JOURNAL_JSON:
		return "journal-json";
	case OOMSIFT_FORMAT_JOURNAL_EXPORT:
		return "journal-export";
	case OOMSIFT_FORMAT_JOURNAL_FILE:
		return "journal";
	default:
		return "text";
	}
}

/* A native journal file is read by libsystemd, which needs the file itself:
 * one inside an archive would have to be written to disk, which oomsift never
 * does with log content. */
static int read_journal_file(oomsift_reader *r, member_read *mr, const oomsift_member *m,
                             oomsift_parser *p)
{
	int fd, rc;

	if (m->in_archive || m->compression || !m->seekable)
		return oomsift_error_set(
		    OOMSIFT_EINVAL,
		    "%s: a native journal file is read only as a plain file on "
		    "disk; export it with 'journalctl --file F -o export'",
		    mr->name);
	if ((rc = oomsift_reader_member_fd(r, &fd)) < 0)
		return rc;
	rc = oomsift_journal_read_fd(fd, mr->name, oomsift_parser_record, p);
	close(fd);
	if (rc == 0)
		mr->complete = true;
	return rc;
}

/* Reports "name: what". */
static void report(member_reader *rd, const char *severity, enum ingest_count count,
                   const char *name, const char *what)
{
	char msg[SOURCE_NAME_MAX + 128];

	snprintf(msg, sizeof(msg), "%s: %s", name, what);
	rd->ops->report(rd->ctx, severity, msg, count);
}

/* Feeds the blocks of r to p until the end of the member or a read error. */
static int feed_blocks(member_reader *rd, oomsift_reader *r, member_read *mr, oomsift_parser *p)
{
	int rc;

	for (;;) {
		ptrdiff_t n = oomsift_reader_read(r, rd->block, BLOCK);
		if (n < 0) {
			mr->read_error = (int)n;
			return 0;
		}
		if (n == 0) {
			mr->complete = true;
			return 0;
		}
		rc = oomsift_parser_feed(p, rd->block, (size_t)n);
		if (rc == OOMSIFT_EINVAL) { /* input that cannot be followed any more */
			mr->read_error = rc;
			return 0;
		}
		if (rc < 0 || (rc = rd->ops->progress(rd->ctx, mr->name, (size_t)n)) < 0)
			return rc;
	}
}

/* Parses r from mr->pos.cursor (or 0) to the end; events go to the sink. */
static int parse_member(member_reader *rd, oomsift_reader *r, member_read *mr,
                        const oomsift_member *m, oomsift_source_end *end)
{
	oomsift_parser_cfg cfg = {.name = mr->name,
	                          .host = mr->host,
	                          .year = rd->o->year,
	                          .mtime = m->mtime,
	                          .format = mr->format,
	                          .memevent_cb = rd->ops->memevent,
	                          .memevent_ctx = rd->ctx};
	const oomsift_parse_stats *ps;
	oomsift_parser *p;
	oomsift_cursor cur;
	int rc;

	if (mr->pos.cursor) {
		cfg.offset = mr->pos.cursor;
		cfg.line = mr->pos.cursor_line;
	}
	if ((rc = oomsift_parser_new(&p, &cfg, rd->ops->event, rd->ctx)) < 0)
		return rc;
	if (mr->format.format == OOMSIFT_FORMAT_JOURNAL_FILE) {
		rc = read_journal_file(r, mr, m, p);
		if (rc == OOMSIFT_EIO || rc == OOMSIFT_EINVAL) {
			mr->read_error = rc;
			rc = 0;
		}
	} else {
		rc = feed_blocks(rd, r, mr, p);
	}
	if (rc < 0)
		goto out;
	/* What was read before damaged input is kept: the error names the
	 * file, and the file counts as failed. */
	rc = oomsift_parser_finish(p);
	if (rc == OOMSIFT_EINVAL) {
		if (!mr->read_error)
			mr->read_error = rc;
		rc = 0;
	}
	if (rc < 0)
		goto out;
	if (mr->read_error)
		rd->ops->report(rd->ctx, "error", oomsift_error_message(), INGEST_COUNT_NONE);
	ps = oomsift_parser_stats(p);
	if (ps->bad_entries) {
		char what[96];
		snprintf(what, sizeof(what), "skipped %" PRIu64 " malformed journal %s",
		         ps->bad_entries, ps->bad_entries == 1 ? "entry" : "entries");
		report(rd, "warning", INGEST_COUNT_NONE, mr->name, what);
	}
	oomsift_parser_cursor(p, &cur);
	end->cursor = cur.offset;
	end->cursor_line = cur.line;
	end->cursor_fp = cur.fp;
	end->size = mr->pos.cursor + ps->bytes;
	end->complete = mr->complete;
	end->lines = ps->lines;
	end->bytes = ps->bytes;
	end->events = ps->events;
	mr->long_lines = ps->long_lines;
	if (mr->complete && end->bytes && !ps->wrapped_lines && !end->events && !mr->pos.cursor)
		report(rd, "warning", INGEST_COUNT_NONE, mr->name, "no log lines recognised");
out:
	oomsift_parser_free(p);
	return rc;
}

int ingest_open_skip(const char *path, size_t n, oomsift_reader **r)
{
	oomsift_member m;
	int rc = oomsift_reader_open(r, path);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = oomsift_reader_next(*r, &m);
		if (rc == 0)
			rc = oomsift_error_set(OOMSIFT_EIO, "'%s' changed while it was read", path);
		else if (rc == 1)
			rc = 0;
	}
	return rc;
}

static int open_at(const char *path, size_t index, oomsift_reader **r, oomsift_member *m)
{
	int rc = ingest_open_skip(path, index, r);

	if (rc == 0 && (rc = oomsift_reader_next(*r, m)) == 0)
		rc = oomsift_error_set(OOMSIFT_EIO, "'%s' changed while it was read", path);
	return rc < 0 ? rc : 0;
}

/* Sniffs the member: false when it is empty or binary (reported). */
static bool sniff_member(member_reader *rd, member_read *mr, const char *head, size_t head_len)
{
	bool binary;

	mr->format = rd->forced.format ? rd->forced : oomsift_sniff(head, head_len);
	if (head_len && mr->format.format != OOMSIFT_FORMAT_EMPTY &&
	    mr->format.format != OOMSIFT_FORMAT_BINARY)
		return true;
	binary = mr->format.format == OOMSIFT_FORMAT_BINARY;
	report(rd, binary ? "error" : "warning",
	       binary ? INGEST_COUNT_FAILED : INGEST_COUNT_SKIPPED, mr->name,
	       binary ? "binary data, not a log; skipped" : "empty; skipped");
	return false;
}

/* One source, one transaction: its events, its cursor and its file. r may
 * be replaced (reopened) when the content at the cursor is not what it was.
 * 1: stop reading this file. */
static int read_member(member_reader *rd, oomsift_reader **r, oomsift_member *m, size_t index)
{
	member_read mr = {0};
	oomsift_source_end end = {0};
	const char *head;
	size_t head_len;
	int rc;

	source_name(m, mr.name, sizeof(mr.name));
	mr.index = index;
	if ((rc = oomsift_reader_head(*r, &head, &head_len)) < 0) {
		rd->ops->report(rd->ctx, "error", oomsift_error_message(), INGEST_COUNT_FAILED);
		return 0;
	}
	if (!sniff_member(rd, &mr, head, head_len))
		return 0;
	mr.info = (oomsift_source_info){.path = m->path,
	                                .member = m->member,
	                                .wrapper = format_name(&mr.format),
	                                .head = head,
	                                .head_len = head_len,
	                                .dev = m->dev,
	                                .ino = m->ino,
	                                .size = m->size,
	                                .file_size = file_size(m),
	                                .mtime = m->mtime};
	if ((rc = rd->ops->begin(rd->ctx, &mr)) < 0)
		return rc;
	if (mr.pos.unchanged && !rd->o->reread)
		return rd->ops->end(rd->ctx, &mr, NULL);
	if (rd->o->reread || mr.format.format == OOMSIFT_FORMAT_JOURNAL_FILE)
		mr.pos.cursor = mr.pos.cursor_line = 0; /* a journal file is read whole */
	if (mr.pos.cursor) {
		if (seek_cursor(rd, *r, &mr.pos)) {
			mr.resumed = true;
		} else {
			/* Not the content we left: read it all, from a fresh reader. */
			oomsift_reader_free(*r);
			*r = NULL;
			if ((rc = open_at(m->path, index, r, m)) < 0) {
				rd->ops->abort(rd->ctx);
				rd->ops->report(rd->ctx, "error", oomsift_error_message(),
				                INGEST_COUNT_FAILED);
				return 1; /* stop reading this file */
			}
			mr.pos.cursor = mr.pos.cursor_line = 0;
		}
	}
	if ((rc = parse_member(rd, *r, &mr, m, &end)) < 0) {
		rd->ops->abort(rd->ctx);
		return rc;
	}
	if ((rc = rd->ops->end(rd->ctx, &mr, &end)) < 0)
		return rc;
	return mr.read_error ? 1 : 0; /* a broken stream ends the file: no member can follow */
}

int read_members(member_reader *rd, oomsift_reader **r, size_t index)
{
	oomsift_member m;
	int rc;

	for (;; index++) {
		rc = oomsift_reader_next(*r, &m);
		if (rc < 0) {
			rd->ops->report(rd->ctx, "error", oomsift_error_message(),
			                INGEST_COUNT_FAILED);
			return 0;
		}
		if (rc == 0)
			return 0;
		if (rd->ops->member_hook && (rc = rd->ops->member_hook(rd->ctx, *r, &m)) != 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if ((rc = read_member(rd, r, &m, index)) != 0)
			return rc < 0 ? rc : 0;
	}
}

/* ---- reading in this thread: the sink is the store ---- */

static void seq_report(void *ctx, const char *severity, const char *msg, enum ingest_count count)
{
	ingest_count_report(ctx, severity, msg, count);
}

static int seq_begin(void *ctx, member_read *mr)
{
	oomsift_ingest *in = ctx;
	int rc = ingest_store_begin(in, mr);

	if (rc == 0)
		in->st.sources++;
	return rc;
}

static int seq_progress(void *ctx, const char *name, size_t n)
{
	oomsift_ingest *in = ctx;

	in->st.bytes += n;
	ingest_progress(in, name);
	return 0;
}

static int seq_end(void *ctx, member_read *mr, const oomsift_source_end *end)
{
	return ingest_store_end(ctx, mr, end);
}

static void seq_abort(void *ctx)
{
	oomsift_ingest *in = ctx;

	oomsift_store_rollback(in->store);
}

static int seq_member_hook(void *ctx, oomsift_reader *r, const oomsift_member *m)
{
	oomsift_ingest *in = ctx;

	return in->sos_archive ? ingest_sos_member(in, r, m) : 0;
}

static const ingest_sink_ops seq_ops = {
    .report = seq_report,
    .begin = seq_begin,
    .event = ingest_store_event,
    .memevent = ingest_store_memevent,
    .progress = seq_progress,
    .end = seq_end,
    .abort = seq_abort,
    .member_hook = seq_member_hook,
};

static member_reader seq_reader(oomsift_ingest *in)
{
	return (member_reader){&in->o, in->forced, in->block, &seq_ops, in};
}

int ingest_file_seq(oomsift_ingest *in, const char *path)
{
	member_reader rd = seq_reader(in);
	oomsift_reader *r = NULL;
	uint64_t before = in->st.events;
	int rc;

	if (oomsift_reader_open(&r, path) < 0) {
		ingest_count_report(in, "error", oomsift_error_message(), INGEST_COUNT_FAILED);
		return 0;
	}
	in->st.files++;
	rc = read_members(&rd, &r, 0);
	oomsift_reader_free(r);
	ingest_progress(in, path);
	if (rc >= 0 && in->o.file_done)
		in->o.file_done(in->o.ctx, path, in->st.events - before);
	return rc;
}

int ingest_file_seq_from(oomsift_ingest *in, const char *path, size_t index)
{
	member_reader rd = seq_reader(in);
	oomsift_reader *r = NULL;
	int rc;

	if (ingest_open_skip(path, index, &r) < 0) {
		ingest_count_report(in, "error", oomsift_error_message(), INGEST_COUNT_FAILED);
		oomsift_reader_free(r);
		return 0;
	}
	rc = read_members(&rd, &r, index);
	oomsift_reader_free(r);
	return rc;
}

int ingest_sync(oomsift_ingest *in)
{
	return in->pool ? ingest_pool_drain(in->pool) : 0;
}

int oomsift_ingest_file(oomsift_ingest *in, const char *path)
{
	int rc;

	if (in->pool && strcmp(path, "-") != 0)
		return ingest_pool_add(in->pool, path);
	if ((rc = ingest_sync(in)) < 0)
		return rc;
	return ingest_file_seq(in, path);
}

int oomsift_ingest_drain(oomsift_ingest *in)
{
	return ingest_sync(in);
}

int oomsift_ingest_finish(oomsift_ingest *in)
{
	uint64_t n = 0;
	int rc;

	if ((rc = ingest_sync(in)) < 0 || (rc = oomsift_store_begin(in->store)) < 0)
		return rc;
	if ((rc = oomsift_store_derive_times(in->store, &n)) < 0) {
		oomsift_store_rollback(in->store);
		return rc;
	}
	in->st.derived += n;
	if ((rc = oomsift_store_commit(in->store)) == 0)
		check_foreign_keys(in->store, true); /* what follows (classify) as usual */
	return rc;
}
