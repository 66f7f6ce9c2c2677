/*
 * What the files of the ingest loop share (store/ingest.c: logs,
 * store/ingest_sos.c: host facts and sosreports, store/ingest_jobs.c: files
 * read by worker threads). Not installed.
 *
 * Reading a source is split in two sides so that one piece of code reads it
 * in either mode: the read side (read_members() in ingest.c: reader, sniff,
 * seek, parser) hands everything that touches the store to an
 * ingest_sink_ops; the store side (ingest_store_*) does it. With --jobs 1
 * the sink is the store itself; with workers the sink is a worker's queue,
 * emptied by the one thread that writes the store.
 */
#ifndef OOMSIFT_STORE_INGEST_INTERNAL_H
#define OOMSIFT_STORE_INGEST_INTERNAL_H

#include <stddef.h>

#include "oomsift/ingest.h"
#include "oomsift/oom.h"
#include "oomsift/reader.h"
#include "oomsift/sniff.h"
#include "parse/re.h"

#define BLOCK (256u << 10)
/* Capture groups read from a --host-from match. */
#define HOST_FROM_GROUPS 16
/* Bytes of a source's display name ("archive.tar.xz:var/log/messages"). */
#define SOURCE_NAME_MAX 4096

typedef struct ingest_pool ingest_pool;

struct oomsift_ingest {
	oomsift_store *store;
	oomsift_ingest_opts o;
	oomsift_re host_from;
	int host_group; /* capture group number of `host`, 0 = no --host-from */
	oomsift_ingest_stats st;
	oomsift_sniff_result forced; /* --format, or AUTO */
	char *block;
	int64_t source_id; /* of the source being read */
	/* While an sosreport is read: its host name (NULL otherwise), and for an
	 * sosreport archive, what its members are (ingest_sos_member()). */
	const char *sos_host;
	const struct sos_archive *sos_archive;
	ingest_pool *pool; /* the worker threads (--jobs > 1), else NULL */
};

/* Which counter a message about an input adds to. */
enum ingest_count { INGEST_COUNT_NONE, INGEST_COUNT_FAILED, INGEST_COUNT_SKIPPED };

/* One source (a file or an archive member) while it is read. */
typedef struct member_read {
	oomsift_source_info info;
	oomsift_source_pos pos; /* set by the sink's begin */
	char name[SOURCE_NAME_MAX];
	char host_buf[256];
	const char *host; /* of records without one (set by begin), NULL = from name */
	oomsift_sniff_result format;
	size_t index; /* of the member in its file */
	bool complete, resumed;
	int read_error;      /* < 0: the stream broke (message in the error slot) */
	uint64_t long_lines; /* lines cut by this read */
} member_read;

/* Where the read side hands what needs the store. Every function gets the
 * sink's ctx first; the int ones stop the read when negative. */
typedef struct ingest_sink_ops {
	/* A message about an input, and the counter it adds to. */
	void (*report)(void *ctx, const char *severity, const char *msg, enum ingest_count count);
	/* Starts the source mr->info: sets mr->pos (where to read from) and
	 * mr->host. On success the source is open until end or abort. */
	int (*begin)(void *ctx, member_read *mr);
	oomsift_event_cb event; /* takes the event */
	oomsift_memevent_cb memevent;
	/* n more bytes of name were read. */
	int (*progress)(void *ctx, const char *name, size_t n);
	/* Ends the source: end = NULL when it was unchanged (nothing read). */
	int (*end)(void *ctx, member_read *mr, const oomsift_source_end *end);
	/* Drops the open source and what was stored of it. */
	void (*abort)(void *ctx);
	/* For each member before it is read as a log (may be NULL): 0 = read
	 * it, 1 = passed over, < 0 = stop (ingest_sos_member()). */
	int (*member_hook)(void *ctx, oomsift_reader *r, const oomsift_member *m);
} ingest_sink_ops;

/* What the read side needs; one per thread. */
typedef struct member_reader {
	const oomsift_ingest_opts *o; /* year, reread */
	oomsift_sniff_result forced;
	char *block; /* BLOCK bytes */
	const ingest_sink_ops *ops;
	void *ctx;
} member_reader;

/* Reads the members of *r from number `index` on (the next member *r gives)
 * to the end. *r may be replaced. Returns < 0 only when a sink function
 * failed (or the parser ran out of memory). */
int read_members(member_reader *rd, oomsift_reader **r, size_t index);

/* Opens path and passes over its first n members. */
int ingest_open_skip(const char *path, size_t n, oomsift_reader **r);

/* ---- the store side (the thread that writes the store) ---- */

/* Begins the transaction of mr and its source: sets mr->pos and mr->host. */
int ingest_store_begin(oomsift_ingest *in, member_read *mr);
/* Sets mr->pos and mr->host as ingest_store_begin() would, changing nothing. */
int ingest_store_peek(oomsift_ingest *in, member_read *mr);
/* Stores the source's end (NULL: unchanged) and commits; counts. */
int ingest_store_end(oomsift_ingest *in, member_read *mr, const oomsift_source_end *end);
int ingest_store_event(void *in, oomsift_event *ev);
int ingest_store_memevent(void *in, const oomsift_memevent *me);
void ingest_count_report(oomsift_ingest *in, const char *severity, const char *msg,
                         enum ingest_count count);

/* Hands a message to the caller's report callback. */
void ingest_report(oomsift_ingest *in, const char *severity, const char *msg);
void ingest_progress(oomsift_ingest *in, const char *path);

/* Host for records without one: --host, else --host-from on `name`, else
 * the sosreport's host, else NULL (the parser takes the file name). The
 * result may be written to buf. */
const char *ingest_default_host(oomsift_ingest *in, const char *name, char *buf, size_t len);

/* Reads one file in this thread (oomsift_ingest_file() without workers). */
int ingest_file_seq(oomsift_ingest *in, const char *path);
/* Reads path in this thread from member `index` on, as the rest of a file
 * whose first members were read already (not counted again as a file). */
int ingest_file_seq_from(oomsift_ingest *in, const char *path, size_t index);

/* Stores what the workers have read of every file handed to them (a no-op
 * without workers): called before anything is read in this thread, so that
 * sources are stored in the order they were given. */
int ingest_sync(oomsift_ingest *in);

/* What to do with a member of the sosreport archive being read: 0 = read it
 * as a log, 1 = it was read here (facts) or is of no interest, < 0 = the
 * store failed. */
int ingest_sos_member(oomsift_ingest *in, oomsift_reader *r, const oomsift_member *m);

/* ---- the worker threads (store/ingest_jobs.c) ---- */

/* Starts `jobs` worker threads reading files for in. */
int ingest_pool_new(ingest_pool **out, oomsift_ingest *in, unsigned jobs);
/* Stops the workers; what they read and was not stored is dropped. */
void ingest_pool_free(ingest_pool *p);
/* Queues path for the workers; may first store files queued before. */
int ingest_pool_add(ingest_pool *p, const char *path);
/* Stores every queued file, in order. */
int ingest_pool_drain(ingest_pool *p);
/* For tests: the bytes the oldest file's worker may queue, and the workers
 * reading later files in all (one item always goes through). */
void ingest_pool_bound(ingest_pool *p, size_t queue_bytes, size_t ahead_bytes);
/* For tests: how many items had to wait for room in a queue. */
uint64_t ingest_pool_room_waits(ingest_pool *p);

#endif
