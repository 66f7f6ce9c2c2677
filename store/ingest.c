/*
 * The ingest loop: reader (bytes of each file or archive member) -> parser
 * (events) -> store, one transaction per source, resumed at its cursor.
 */
#include <stdio.h>
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

int oomsift_ingest_new(oomsift_ingest **out, oomsift_store *store, const oomsift_ingest_opts *o)
{
	oomsift_ingest *in = calloc(1, sizeof(*in));
	int rc;

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
	if (in->o.host_from) {
		if ((rc = oomsift_re_compile(&in->host_from, in->o.host_from)) < 0) {
			oomsift_ingest_free(in);
			return oomsift_error_set(OOMSIFT_EINVAL, "--host-from: %s",
			                         oomsift_error_message());
		}
		in->host_group = oomsift_re_group(&in->host_from, "host");
		if (in->host_group >= HOST_FROM_GROUPS) {
			oomsift_ingest_free(in);
			return oomsift_error_set(
			    OOMSIFT_EINVAL,
			    "--host-from '%s': the group host must be among the "
			    "first %d groups",
			    o->host_from, HOST_FROM_GROUPS - 1);
		}
		if (in->host_group < 0) {
			oomsift_ingest_free(in);
			return oomsift_error_set(OOMSIFT_EINVAL,
			                         "--host-from '%s' has no group named host, as in "
			                         "'hosts/(?<host>[^/]+)/'",
			                         o->host_from);
		}
	}
	*out = in;
	return 0;
}

void oomsift_ingest_free(oomsift_ingest *in)
{
	if (!in)
		return;
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

static int put_event(void *ctx, oomsift_event *ev)
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

static int put_memevent(void *ctx, const oomsift_memevent *me)
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

/* Moves r to the cursor, checking that the bytes before it are those seen
 * when it was set. false: the content differs (read it from the start). */
static bool seek_cursor(oomsift_ingest *in, oomsift_reader *r, const oomsift_source_pos *pos)
{
	size_t n = OOMSIFT_CURSOR_FP_LEN(pos->cursor_fp);
	uint64_t before = pos->cursor - (n <= pos->cursor ? n : 0);
	size_t got = 0;

	if (n > pos->cursor)
		return false;
	if (oomsift_reader_skip(r, before) != (int64_t)before)
		return false;
	while (got < n) {
		ptrdiff_t k = oomsift_reader_read(r, in->block + got, n - got);
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	return !n || oomsift_cursor_fp(in->block, n) == pos->cursor_fp;
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

typedef struct member_read {
	oomsift_source_info info;
	oomsift_source_pos pos;
	char name[4096];
	char host[256];
	oomsift_sniff_result format;
	bool complete;
	int read_error; /* < 0: the stream broke (message in the error slot) */
} member_read;

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

/* Parses r from pos->cursor (or 0) to the end; events go to the store. */
static int parse_member(oomsift_ingest *in, oomsift_reader *r, member_read *mr,
                        const oomsift_member *m, oomsift_source_end *end)
{
	oomsift_parser_cfg cfg = {.name = mr->name,
	                          .year = in->o.year,
	                          .mtime = m->mtime,
	                          .format = mr->format,
	                          .memevent_cb = put_memevent,
	                          .memevent_ctx = in};
	oomsift_parser *p;
	oomsift_cursor cur;
	int rc;

	cfg.host = ingest_default_host(in, mr->name, mr->host, sizeof(mr->host));
	if (mr->pos.cursor) {
		cfg.offset = mr->pos.cursor;
		cfg.line = mr->pos.cursor_line;
	}
	if ((rc = oomsift_parser_new(&p, &cfg, put_event, in)) < 0)
		return rc;
	if (mr->format.format == OOMSIFT_FORMAT_JOURNAL_FILE) {
		rc = read_journal_file(r, mr, m, p);
		if (rc == OOMSIFT_EIO || rc == OOMSIFT_EINVAL) {
			mr->read_error = rc;
			rc = 0;
		}
		if (rc < 0)
			goto out;
	}
	for (; mr->format.format != OOMSIFT_FORMAT_JOURNAL_FILE;) {
		ptrdiff_t n = oomsift_reader_read(r, in->block, BLOCK);
		if (n < 0) {
			mr->read_error = (int)n;
			break;
		}
		if (n == 0) {
			mr->complete = true;
			break;
		}
		in->st.bytes += (uint64_t)n;
		if ((rc = oomsift_parser_feed(p, in->block, (size_t)n)) < 0)
			goto out;
		ingest_progress(in, mr->name);
	}
	if (mr->read_error)
		ingest_report(in, "error", oomsift_error_message());
	if ((rc = oomsift_parser_finish(p)) < 0)
		goto out;
	oomsift_parser_cursor(p, &cur);
	end->cursor = cur.offset;
	end->cursor_line = cur.line;
	end->cursor_fp = cur.fp;
	end->size = mr->pos.cursor + oomsift_parser_stats(p)->bytes;
	end->complete = mr->complete;
	end->lines = oomsift_parser_stats(p)->lines;
	end->bytes = oomsift_parser_stats(p)->bytes;
	end->events = oomsift_parser_stats(p)->events;
	in->st.lines += end->lines;
	in->st.long_lines += oomsift_parser_stats(p)->long_lines;
	if (mr->complete && end->bytes && !oomsift_parser_stats(p)->wrapped_lines && !end->events &&
	    !mr->pos.cursor) {
		char msg[4200];
		snprintf(msg, sizeof(msg), "%s: no log lines recognised", mr->name);
		ingest_report(in, "warning", msg);
	}
out:
	oomsift_parser_free(p);
	return rc;
}

static int open_at(const char *path, size_t index, oomsift_reader **r, oomsift_member *m)
{
	int rc = oomsift_reader_open(r, path);

	for (size_t i = 0; rc == 0 && i <= index; i++) {
		rc = oomsift_reader_next(*r, m);
		if (rc == 0)
			rc = oomsift_error_set(OOMSIFT_EIO, "'%s' changed while it was read", path);
		else if (rc == 1)
			rc = 0;
	}
	return rc;
}

/* One source, one transaction: its events, its cursor and its file. r may
 * be replaced (reopened) when the content at the cursor is not what it was. */
static int ingest_member(oomsift_ingest *in, oomsift_reader **r, oomsift_member *m, size_t index)
{
	member_read mr = {0};
	oomsift_source_end end = {0};
	const char *head;
	size_t head_len;
	int rc;

	source_name(m, mr.name, sizeof(mr.name));
	if ((rc = oomsift_reader_head(*r, &head, &head_len)) < 0) {
		ingest_report(in, "error", oomsift_error_message());
		in->st.failed++;
		return 0;
	}
	mr.format = in->forced.format ? in->forced : oomsift_sniff(head, head_len);
	if (head_len == 0 || mr.format.format == OOMSIFT_FORMAT_EMPTY ||
	    mr.format.format == OOMSIFT_FORMAT_BINARY) {
		bool binary = mr.format.format == OOMSIFT_FORMAT_BINARY;
		char msg[4200];
		snprintf(msg, sizeof(msg), "%s: %s", mr.name,
		         binary ? "binary data, not a log; skipped" : "empty; skipped");
		ingest_report(in, binary ? "error" : "warning", msg);
		if (binary)
			in->st.failed++;
		else
			in->st.skipped++;
		return 0;
	}
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
	if ((rc = oomsift_store_begin(in->store)) < 0 ||
	    (rc = oomsift_store_source_begin(in->store, &mr.info, &mr.pos)) < 0)
		goto fail;
	in->source_id = mr.pos.id;
	in->st.sources++;
	if (mr.pos.unchanged && !in->o.reread) {
		in->st.unchanged++;
		return oomsift_store_commit(in->store);
	}
	if (in->o.reread || mr.format.format == OOMSIFT_FORMAT_JOURNAL_FILE)
		mr.pos.cursor = mr.pos.cursor_line = 0; /* a journal file is read whole */
	if (mr.pos.cursor) {
		if (seek_cursor(in, *r, &mr.pos)) {
			in->st.resumed++;
		} else {
			/* Not the content we left: read it all, from a fresh reader. */
			oomsift_reader_free(*r);
			*r = NULL;
			if ((rc = open_at(m->path, index, r, m)) < 0) {
				oomsift_store_rollback(in->store);
				ingest_report(in, "error", oomsift_error_message());
				in->st.failed++;
				return 1; /* stop reading this file */
			}
			mr.pos.cursor = mr.pos.cursor_line = 0;
		}
	}
	if ((rc = parse_member(in, *r, &mr, m, &end)) < 0 ||
	    (rc = oomsift_store_source_end(in->store, &mr.info, mr.pos.id, &end)) < 0 ||
	    (rc = oomsift_store_commit(in->store)) < 0)
		goto fail;
	if (mr.read_error) {
		in->st.failed++;
		return 1; /* a broken stream ends the file: no member can follow */
	}
	return 0;
fail:
	oomsift_store_rollback(in->store);
	return rc;
}

int oomsift_ingest_file(oomsift_ingest *in, const char *path)
{
	oomsift_reader *r = NULL;
	oomsift_member m;
	uint64_t before = in->st.events;
	int rc;

	if (oomsift_reader_open(&r, path) < 0) {
		ingest_report(in, "error", oomsift_error_message());
		in->st.failed++;
		return 0;
	}
	in->st.files++;
	for (size_t index = 0;; index++) {
		rc = oomsift_reader_next(r, &m);
		if (rc < 0) {
			ingest_report(in, "error", oomsift_error_message());
			in->st.failed++;
			rc = 0;
			break;
		}
		if (rc == 0)
			break;
		if (in->sos_archive && (rc = ingest_sos_member(in, r, &m)) != 0) {
			if (rc < 0)
				break;
			continue;
		}
		if ((rc = ingest_member(in, &r, &m, index)) != 0)
			break;
	}
	oomsift_reader_free(r);
	ingest_progress(in, path);
	if (rc >= 0 && in->o.file_done)
		in->o.file_done(in->o.ctx, path, in->st.events - before);
	return rc < 0 ? rc : 0;
}

int oomsift_ingest_finish(oomsift_ingest *in)
{
	uint64_t n = 0;
	int rc;

	if ((rc = oomsift_store_begin(in->store)) < 0)
		return rc;
	if ((rc = oomsift_store_derive_times(in->store, &n)) < 0) {
		oomsift_store_rollback(in->store);
		return rc;
	}
	in->st.derived += n;
	return oomsift_store_commit(in->store);
}
