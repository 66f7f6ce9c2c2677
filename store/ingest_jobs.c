/*
 * Worker threads for `ingest --jobs N`: each worker takes whole files from
 * the queue of files, opens, decompresses and parses them, and hands what
 * needs the store to the thread that writes it (the caller's, the only one
 * that touches the store) through its own bounded queue of items.
 *
 * The writer stores the files in the order they were queued, and each
 * source in one transaction with its cursor, as without workers: it takes
 * the items of the oldest file from the queue of the worker reading it, up
 * to the file's end, before it looks at the next file. A worker whose queue
 * is full waits, so memory stays bounded however far it is ahead.
 *
 * Where a source is read from (its cursor, or not at all when unchanged)
 * depends on the store. A worker asks the writer (a lookup, answered inside
 * a savepoint rolled back at once) before it reads a source, and the writer
 * checks the answer again when it begins the source for real: a source that
 * a file stored in between changed (the same file given twice, a copy) gives
 * another answer, and then the writer drops what the worker read of that
 * file from that source on and reads the rest of the file itself. So the
 * store ends the same whatever the number of workers.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "oomsift/input.h"

#include "store/ingest_internal.h"

/* Per worker: the bytes (estimated) and items of what waits for the writer;
 * one item larger than that still goes through, alone. 256 KiB holds about ten
 * reports, enough to keep a worker busy while the writer commits. A queue
 * fills up only while the writer stalls, which a longer run does more often,
 * so its size is the part of peak RSS that depends on the input's length:
 * with 1 MiB the 10 GB run's peak was 0.4 to 2 MiB above the 1 GB run's. */
#define JOBS_QUEUE_BYTES ((size_t)1 << 18)
#define JOBS_QUEUE_ITEMS 4096
/* What the workers reading later files may queue, in all, while they wait for
 * the files before to be stored. With room for only JOBS_QUEUE_BYTES each, a
 * worker ahead stopped until the oldest file had been read to its end, and
 * --jobs 2 ran the workers in turn for much of each file (docs/performance.md,
 * "--jobs": 1.36-1.40 times --jobs 1 before, 1.59-1.74 after). 2 MiB did as
 * well on those files (about 0.5 MB of reports each); 8 leaves room for logs
 * with many more. Shared, so that peak RSS does not grow with --jobs; a
 * single file, always the oldest, never uses it. */
#define JOBS_AHEAD_BYTES ((size_t)8 << 20)
/* Files queued ahead of the writer, per worker. */
#define JOBS_FILES_PER_WORKER 4
/* A worker tells the writer how far it read every this many bytes (for the
 * caller's progress display while a big file is read). */
#define JOBS_PROGRESS_BYTES ((uint64_t)8 << 20)

typedef enum item_kind {
	ITEM_REPORT,   /* a message about an input: text, severity, count */
	ITEM_BEGIN,    /* a source starts: mr, as the worker reads it */
	ITEM_EVENT,    /* ev */
	ITEM_MEMEVENT, /* me */
	ITEM_ABORT,    /* the source is dropped (its reading failed) */
	ITEM_PROGRESS, /* bytes more were read */
	ITEM_END,      /* the source ends: end, unless unchanged */
	ITEM_FATAL,    /* reading failed so that the run must stop: rc, text */
	ITEM_FILE_END, /* the file is read: opened tells whether it could be opened */
} item_kind;

typedef struct item {
	struct item *next;
	item_kind kind;
	size_t size; /* counted against JOBS_QUEUE_BYTES */
	int rc;
	const char *severity; /* a string constant */
	enum ingest_count count;
	bool unchanged, opened, resumed;
	int read_error;
	uint64_t bytes, long_lines;
	oomsift_source_end end;
	char *text;
	member_read *mr; /* with its head, path and member after it */
	oomsift_event *ev;
	oomsift_memevent *me; /* with its host and source after it */
} item;

enum peek_state { PEEK_NONE, PEEK_ASKED, PEEK_ANSWERED };

typedef struct worker {
	ingest_pool *pool;
	pthread_t thread;
	bool started;
	item *head, *tail; /* the queue to the writer */
	size_t items, bytes;
	bool waiting_room; /* the worker waits for room in its queue */
	/* a lookup asked of the writer */
	member_read *peek;
	enum peek_state peek_state;
	int peek_rc;
	uint64_t file;                /* number of the file being read */
	atomic_uint_fast64_t dropped; /* number + 1 of a file the writer reads itself */
	int sticky;                   /* an allocation failed where it could not be returned */
	uint64_t unreported;          /* bytes of the source read since the last ITEM_PROGRESS */
	member_reader rd;
	char *block;
} worker;

typedef struct pool_file {
	char *path;
	int worker; /* reading it, -1 = none yet */
} pool_file;

struct ingest_pool {
	oomsift_ingest *in;
	pthread_mutex_t mu;
	pthread_cond_t writer_cv;  /* an item, a lookup or a file taken */
	pthread_cond_t workers_cv; /* a file, an answer, room, or stop */
	worker *w;
	unsigned nw;
	pool_file *files; /* a ring of cap files: [stored, added) are queued */
	size_t cap;
	uint64_t stored, taken, added;
	unsigned peeks;                  /* lookups asked, not answered */
	size_t queue_bytes, ahead_bytes; /* JOBS_QUEUE_BYTES, JOBS_AHEAD_BYTES */
	unsigned waiting_room;           /* workers waiting for room */
	uint64_t room_waits;             /* pushes that waited for room */
	/* The worker whose next item the writer waits for; NULL: it waits for
	 * anything (a push then wakes it whoever made it). Items of the other
	 * workers' files cannot be stored before that one's, so they need not
	 * wake it: on 2 CPUs each wake takes one from a worker. */
	const worker *awaited;
	atomic_bool stop;
	int failed; /* the run stopped with this failure (the writer's side) */
};

/* ---- items ---- */

static item *item_new(item_kind kind, size_t size)
{
	item *it = calloc(1, sizeof(*it));

	if (it) {
		it->kind = kind;
		it->size = sizeof(*it) + size;
	}
	return it;
}

static void item_free(item *it)
{
	if (!it)
		return;
	free(it->text);
	free(it->mr);
	oomsift_event_free(it->ev);
	free(it->me);
	free(it);
}

static size_t event_size(const oomsift_event *ev)
{
	return sizeof(*ev) + ev->arena.total + ev->raw.cap + ev->ntasks * sizeof(*ev->tasks) +
	       ev->nkills * sizeof(*ev->kills) + ev->nkvs * sizeof(*ev->kvs);
}

/* A copy of mr that owns its head, path and member. */
static member_read *copy_source(const member_read *mr)
{
	size_t path_len = strlen(mr->info.path) + 1;
	size_t member_len = mr->info.member ? strlen(mr->info.member) + 1 : 0;
	member_read *c = malloc(sizeof(*c) + mr->info.head_len + path_len + member_len);
	char *p;

	if (!c)
		return NULL;
	*c = *mr;
	if (mr->host == mr->host_buf)
		c->host = c->host_buf;
	p = (char *)(c + 1);
	memcpy(p, mr->info.head, mr->info.head_len);
	c->info.head = p;
	p += mr->info.head_len;
	c->info.path = memcpy(p, mr->info.path, path_len);
	p += path_len;
	c->info.member = member_len ? memcpy(p, mr->info.member, member_len) : NULL;
	return c;
}

static char *copy_text(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	return dst;
}

/* A copy of me that owns its host and source. */
static oomsift_memevent *copy_memevent(const oomsift_memevent *me, size_t *size)
{
	size_t host_len = me->host ? strlen(me->host) + 1 : 0;
	size_t source_len = me->source ? strlen(me->source) + 1 : 0;
	oomsift_memevent *c = malloc(sizeof(*c) + host_len + source_len);

	if (!c)
		return NULL;
	*c = *me;
	c->host = host_len ? copy_text((char *)(c + 1), me->host, host_len) : NULL;
	c->source =
	    source_len ? copy_text((char *)(c + 1) + host_len, me->source, source_len) : NULL;
	*size = sizeof(*c) + host_len + source_len;
	return c;
}

/* ---- the worker's side ---- */

static bool file_dropped(worker *w)
{
	return atomic_load(&w->dropped) == w->file + 1;
}

/* Whether w reads the file the writer stores, or is to store next. */
static bool reads_oldest(const worker *w)
{
	return w->file == w->pool->stored;
}

/* The bytes queued by the workers reading later files. */
static size_t ahead_bytes(const ingest_pool *p)
{
	size_t n = 0;

	for (unsigned i = 0; i < p->nw; i++)
		if (!reads_oldest(&p->w[i]))
			n += p->w[i].bytes;
	return n;
}

/* Whether it must wait for room (one item always goes through): the oldest
 * file's worker against its own bound, the others against what they share. */
static bool queue_full(const worker *w, const item *it)
{
	const ingest_pool *p = w->pool;

	if (!w->items)
		return false;
	if (w->items >= JOBS_QUEUE_ITEMS)
		return true;
	if (reads_oldest(w))
		return w->bytes + it->size > p->queue_bytes;
	return ahead_bytes(p) + it->size > p->ahead_bytes;
}

/* Queues it for the writer, waiting for room. Fails (freeing it) when the
 * pool stops, or unless `always`, when the writer dropped the file. */
static int push(worker *w, item *it, bool always)
{
	ingest_pool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	if (queue_full(w, it))
		p->room_waits++;
	while (!atomic_load(&p->stop) && (always || !file_dropped(w)) && queue_full(w, it)) {
		w->waiting_room = true;
		p->waiting_room++;
		pthread_cond_wait(&p->workers_cv, &p->mu);
		p->waiting_room--;
	}
	w->waiting_room = false;
	if (atomic_load(&p->stop) || (!always && file_dropped(w))) {
		pthread_mutex_unlock(&p->mu);
		item_free(it);
		return OOMSIFT_EABORT;
	}
	if (w->tail)
		w->tail->next = it;
	else
		w->head = it;
	w->tail = it;
	w->items++;
	w->bytes += it->size;
	if (!p->awaited || p->awaited == w)
		pthread_cond_signal(&p->writer_cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static int push_new(worker *w, item *it)
{
	if (!it)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return push(w, it, false);
}

static void worker_report(void *ctx, const char *severity, const char *msg, enum ingest_count count)
{
	worker *w = ctx;
	size_t len = strlen(msg);
	item *it = item_new(ITEM_REPORT, len + 1);

	if (!it || !(it->text = strdup(msg))) {
		item_free(it);
		w->sticky = OOMSIFT_ENOMEM;
		return;
	}
	it->severity = severity;
	it->count = count;
	push(w, it, false);
}

/* Asks the writer where to read mr from, then tells it that mr begins. */
static int worker_begin(void *ctx, member_read *mr)
{
	worker *w = ctx;
	ingest_pool *p = w->pool;
	item *it;
	int rc;

	if (w->sticky)
		return w->sticky;
	pthread_mutex_lock(&p->mu);
	w->peek = mr;
	w->peek_state = PEEK_ASKED;
	p->peeks++;
	pthread_cond_signal(&p->writer_cv);
	while (w->peek_state == PEEK_ASKED && !atomic_load(&p->stop))
		pthread_cond_wait(&p->workers_cv, &p->mu);
	rc = w->peek_state == PEEK_ANSWERED ? w->peek_rc : OOMSIFT_EABORT;
	w->peek_state = PEEK_NONE;
	w->peek = NULL;
	pthread_mutex_unlock(&p->mu);
	if (rc < 0)
		return rc;
	if (file_dropped(w))
		return OOMSIFT_EABORT;
	w->unreported = 0;
	if ((it = item_new(ITEM_BEGIN, sizeof(*mr) + mr->info.head_len)) &&
	    !(it->mr = copy_source(mr))) {
		item_free(it);
		it = NULL;
	}
	return push_new(w, it);
}

static int worker_event(void *ctx, oomsift_event *ev)
{
	item *it = item_new(ITEM_EVENT, event_size(ev));

	if (!it) {
		oomsift_event_free(ev);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	it->ev = ev;
	return push(ctx, it, false);
}

static int worker_memevent(void *ctx, const oomsift_memevent *me)
{
	item *it = item_new(ITEM_MEMEVENT, 0);
	size_t size = 0;

	if (it && !(it->me = copy_memevent(me, &size))) {
		item_free(it);
		it = NULL;
	}
	if (it)
		it->size += size;
	return push_new(ctx, it);
}

/* Called after each block: stops the read when it is no longer wanted. */
static int worker_progress(void *ctx, const char *name, size_t n)
{
	worker *w = ctx;
	item *it;

	if (atomic_load(&w->pool->stop) || file_dropped(w))
		return OOMSIFT_EABORT;
	if (w->sticky)
		return w->sticky;
	if ((w->unreported += n) < JOBS_PROGRESS_BYTES)
		return 0;
	if ((it = item_new(ITEM_PROGRESS, 0)))
		it->bytes = w->unreported;
	w->unreported = 0;
	return push_new(w, it);
}

static int worker_end(void *ctx, member_read *mr, const oomsift_source_end *end)
{
	worker *w = ctx;
	item *it;

	if (w->sticky)
		return w->sticky;
	if ((it = item_new(ITEM_END, 0))) {
		it->unchanged = !end;
		if (end)
			it->end = *end;
		it->resumed = mr->resumed;
		it->read_error = mr->read_error;
		it->bytes = w->unreported;
		it->long_lines = mr->long_lines;
	}
	return push_new(w, it);
}

static void worker_abort(void *ctx)
{
	worker *w = ctx;
	item *it = item_new(ITEM_ABORT, 0);

	if (!it)
		w->sticky = OOMSIFT_ENOMEM;
	else
		push(w, it, false);
}

static const ingest_sink_ops worker_ops = {
    .report = worker_report,
    .begin = worker_begin,
    .event = worker_event,
    .memevent = worker_memevent,
    .progress = worker_progress,
    .end = worker_end,
    .abort = worker_abort,
    .member_hook = NULL, /* sosreports are read by the writer */
};

/* Tells the writer that the run must stop: in the queue, in order, so that
 * the files before are stored first; else (out of memory) at once. */
static void push_fatal(worker *w, int rc)
{
	ingest_pool *p = w->pool;
	item *it = item_new(ITEM_FATAL, 0);

	if (it && (it->text = strdup(oomsift_error_message()))) {
		it->rc = rc;
		push(w, it, true);
		return;
	}
	item_free(it);
	pthread_mutex_lock(&p->mu);
	if (!p->failed)
		p->failed = OOMSIFT_ENOMEM;
	pthread_cond_signal(&p->writer_cv);
	pthread_mutex_unlock(&p->mu);
}

static void worker_read_file(worker *w, const char *path)
{
	oomsift_reader *r = NULL;
	bool opened = oomsift_reader_open(&r, path) == 0;
	item *it;
	int rc = 0;

	if (!opened)
		worker_report(w, "error", oomsift_error_message(), INGEST_COUNT_FAILED);
	else
		rc = read_members(&w->rd, &r, 0);
	oomsift_reader_free(r);
	if (rc >= 0 && w->sticky)
		rc = oomsift_error_set(w->sticky, "out of memory");
	w->sticky = 0;
	if (rc < 0 && (rc != OOMSIFT_EABORT || !file_dropped(w))) {
		push_fatal(w, rc);
		return;
	}
	if (!(it = item_new(ITEM_FILE_END, 0))) {
		oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		push_fatal(w, OOMSIFT_ENOMEM);
		return;
	}
	it->opened = opened;
	push(w, it, true);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	ingest_pool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		pool_file *f;

		while (!atomic_load(&p->stop) && p->taken == p->added)
			pthread_cond_wait(&p->workers_cv, &p->mu);
		if (atomic_load(&p->stop))
			break;
		w->file = p->taken++;
		f = &p->files[w->file % p->cap];
		f->worker = (int)(w - p->w);
		pthread_cond_signal(&p->writer_cv);
		pthread_mutex_unlock(&p->mu);
		worker_read_file(w, f->path);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the writer's side ---- */

/* Answers the lookups asked. Called with p->mu held, released meanwhile. */
static int answer_lookups(ingest_pool *p)
{
	for (unsigned i = 0; i < p->nw && p->peeks; i++) {
		worker *w = &p->w[i];
		int rc;

		if (w->peek_state != PEEK_ASKED)
			continue;
		pthread_mutex_unlock(&p->mu);
		rc = ingest_store_peek(p->in, w->peek);
		pthread_mutex_lock(&p->mu);
		w->peek_rc = rc;
		w->peek_state = PEEK_ANSWERED;
		p->peeks--;
		pthread_cond_broadcast(&p->workers_cv);
		if (rc < 0)
			return rc;
	}
	return 0;
}

typedef bool (*ready_fn)(const ingest_pool *p, const void *arg);

static bool file_taken(const ingest_pool *p, const void *arg)
{
	return ((const pool_file *)arg)->worker >= 0;
}

static bool has_item(const ingest_pool *p, const void *arg)
{
	return ((const worker *)arg)->head != NULL;
}

/* Waits, with p->mu held, until ready(), answering lookups meanwhile. */
static int wait_for(ingest_pool *p, ready_fn ready, const void *arg)
{
	int rc;

	for (;;) {
		if (p->peeks && (rc = answer_lookups(p)) < 0)
			return rc;
		if (ready(p, arg))
			return 0;
		if (p->failed)
			return oomsift_error_set(p->failed, "out of memory");
		if (!p->peeks)
			pthread_cond_wait(&p->writer_cv, &p->mu);
	}
}

/* The next item of w, waiting for it. */
static int pop(ingest_pool *p, worker *w, item **out)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	p->awaited = w;
	rc = wait_for(p, has_item, w);
	p->awaited = NULL;
	if (rc == 0) {
		item *it = w->head;
		if (!(w->head = it->next))
			w->tail = NULL;
		w->items--;
		w->bytes -= it->size;
		it->next = NULL;
		*out = it;
		/* room for w, or for all ahead when w's items counted there */
		if (w->waiting_room || (p->waiting_room && !reads_oldest(w)))
			pthread_cond_broadcast(&p->workers_cv);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* The writer's state while it stores one file. */
typedef struct file_store {
	pool_file *f;
	worker *w;
	member_read cur;    /* the source being stored */
	item *begin;        /* its ITEM_BEGIN, which owns what cur points to */
	uint64_t before;    /* events stored before the file */
	bool done, resumed; /* resumed: read here from a member on */
} file_store;

static bool same_host(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether a source is read the same way after the lookups a and b. */
static bool same_plan(const oomsift_ingest *in, const member_read *a, const member_read *b)
{
	bool skip_a = a->pos.unchanged && !in->o.reread, skip_b = b->pos.unchanged && !in->o.reread;

	if (skip_a || skip_b)
		return skip_a == skip_b;
	return a->pos.cursor == b->pos.cursor && a->pos.cursor_line == b->pos.cursor_line &&
	       a->pos.cursor_fp == b->pos.cursor_fp && same_host(a->host, b->host);
}

/* The worker read this file from a source the store now tells otherwise:
 * drop what it read of the file, and read the rest here. */
static int read_rest_here(ingest_pool *p, file_store *fs, size_t index)
{
	item *it = NULL;
	int rc;

	atomic_store(&fs->w->dropped, p->stored + 1);
	pthread_mutex_lock(&p->mu);
	pthread_cond_broadcast(&p->workers_cv);
	pthread_mutex_unlock(&p->mu);
	do {
		item_free(it);
		it = NULL;
		if ((rc = pop(p, fs->w, &it)) < 0)
			return rc;
	} while (it->kind != ITEM_FILE_END);
	item_free(it);
	fs->resumed = true;
	if ((rc = ingest_file_seq_from(p->in, fs->f->path, index)) < 0)
		return rc;
	p->in->st.files++;
	return 0;
}

static int store_begin(ingest_pool *p, file_store *fs, item *it)
{
	oomsift_ingest *in = p->in;
	int rc;

	item_free(fs->begin);
	fs->begin = it;
	fs->cur = *it->mr;
	if ((rc = ingest_store_begin(in, &fs->cur)) < 0)
		return rc;
	if (!same_plan(in, &fs->cur, it->mr)) {
		oomsift_store_rollback(in->store);
		return read_rest_here(p, fs, fs->cur.index);
	}
	in->st.sources++;
	return 0;
}

static int store_end(ingest_pool *p, file_store *fs, item *it)
{
	oomsift_ingest *in = p->in;

	fs->cur.resumed = it->resumed;
	fs->cur.read_error = it->read_error;
	fs->cur.long_lines = it->long_lines;
	in->st.bytes += it->bytes;
	ingest_progress(in, fs->cur.name);
	return ingest_store_end(in, &fs->cur, it->unchanged ? NULL : &it->end);
}

static void store_file_end(ingest_pool *p, file_store *fs, item *it)
{
	oomsift_ingest *in = p->in;

	if (!it->opened)
		return;
	in->st.files++;
	ingest_progress(in, fs->f->path);
	if (in->o.file_done)
		in->o.file_done(in->o.ctx, fs->f->path, in->st.events - fs->before);
}

/* Stores one item. it is freed unless kept in fs. */
static int store_item(ingest_pool *p, file_store *fs, item *it)
{
	oomsift_ingest *in = p->in;
	int rc = 0;

	switch (it->kind) {
	case ITEM_REPORT:
		ingest_count_report(in, it->severity, it->text, it->count);
		break;
	case ITEM_BEGIN:
		return store_begin(p, fs, it);
	case ITEM_EVENT:
		rc = ingest_store_event(in, it->ev);
		it->ev = NULL;
		break;
	case ITEM_MEMEVENT:
		rc = ingest_store_memevent(in, it->me);
		break;
	case ITEM_ABORT:
		oomsift_store_rollback(in->store);
		break;
	case ITEM_PROGRESS:
		in->st.bytes += it->bytes;
		ingest_progress(in, fs->cur.name);
		break;
	case ITEM_END:
		rc = store_end(p, fs, it);
		break;
	case ITEM_FATAL:
		oomsift_store_rollback(in->store);
		rc = oomsift_error_set(it->rc, "%s", it->text);
		break;
	case ITEM_FILE_END:
		store_file_end(p, fs, it);
		fs->done = true;
		break;
	}
	item_free(it);
	return rc;
}

/* Stores the oldest queued file. */
static int store_next(ingest_pool *p)
{
	file_store fs = {.f = &p->files[p->stored % p->cap], .before = p->in->st.events};
	int rc;

	pthread_mutex_lock(&p->mu);
	rc = wait_for(p, file_taken, fs.f);
	pthread_mutex_unlock(&p->mu);
	if (rc < 0)
		return rc;
	fs.w = &p->w[fs.f->worker];
	while (rc == 0 && !fs.done && !fs.resumed) {
		item *it;
		if ((rc = pop(p, fs.w, &it)) == 0)
			rc = store_item(p, &fs, it);
	}
	item_free(fs.begin);
	if (rc < 0) {
		oomsift_store_rollback(p->in->store);
		return rc;
	}
	if (fs.resumed) {
		ingest_progress(p->in, fs.f->path);
		if (p->in->o.file_done)
			p->in->o.file_done(p->in->o.ctx, fs.f->path, p->in->st.events - fs.before);
	}
	free(fs.f->path);
	fs.f->path = NULL;
	pthread_mutex_lock(&p->mu);
	p->stored++;
	/* Another worker reads the oldest file now: its bound has changed, and
	 * its items no longer count against the others'. */
	if (p->waiting_room)
		pthread_cond_broadcast(&p->workers_cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* Stops the workers for good after a failure of the run. */
static int fail(ingest_pool *p, int rc)
{
	pthread_mutex_lock(&p->mu);
	if (!p->failed)
		p->failed = rc;
	atomic_store(&p->stop, true);
	pthread_cond_broadcast(&p->workers_cv);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

static int failed(ingest_pool *p)
{
	return oomsift_error_set(p->failed, "ingest stopped after an earlier failure");
}

int ingest_pool_add(ingest_pool *p, const char *path)
{
	char *copy;
	int rc;

	if (atomic_load(&p->stop))
		return failed(p);
	while (p->added - p->stored == p->cap)
		if ((rc = store_next(p)) < 0)
			return fail(p, rc);
	if (!(copy = strdup(path)))
		return fail(p, oomsift_error_set(OOMSIFT_ENOMEM, "out of memory"));
	pthread_mutex_lock(&p->mu);
	p->files[p->added % p->cap] = (pool_file){copy, -1};
	p->added++;
	pthread_cond_broadcast(&p->workers_cv);
	/* A worker waits for an answer while the caller finds the next path. */
	rc = p->peeks ? answer_lookups(p) : 0;
	pthread_mutex_unlock(&p->mu);
	return rc < 0 ? fail(p, rc) : 0;
}

int ingest_pool_drain(ingest_pool *p)
{
	int rc;

	if (atomic_load(&p->stop))
		return failed(p);
	while (p->stored < p->added)
		if ((rc = store_next(p)) < 0)
			return fail(p, rc);
	return 0;
}

int ingest_pool_new(ingest_pool **out, oomsift_ingest *in, unsigned jobs)
{
	ingest_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	p->in = in;
	p->nw = jobs;
	p->cap = (size_t)jobs * JOBS_FILES_PER_WORKER;
	p->queue_bytes = JOBS_QUEUE_BYTES;
	p->ahead_bytes = JOBS_AHEAD_BYTES;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->writer_cv, NULL);
	pthread_cond_init(&p->workers_cv, NULL);
	if (!(p->w = calloc(jobs, sizeof(*p->w))) ||
	    !(p->files = calloc(p->cap, sizeof(*p->files))))
		goto nomem;
	for (unsigned i = 0; i < jobs; i++) {
		worker *w = &p->w[i];
		w->pool = p;
		if (!(w->block = malloc(BLOCK)))
			goto nomem;
		w->rd = (member_reader){&in->o, in->forced, w->block, &worker_ops, w};
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			ingest_pool_free(p);
			return oomsift_error_set(OOMSIFT_ENOMEM, "cannot start a worker thread");
		}
		w->started = true;
	}
	*out = p;
	return 0;
nomem:
	ingest_pool_free(p);
	return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

void ingest_pool_free(ingest_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->stop, true);
	pthread_cond_broadcast(&p->workers_cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; p->w && i < p->nw; i++) {
		worker *w = &p->w[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		while (w->head) {
			item *it = w->head;
			w->head = it->next;
			item_free(it);
		}
		free(w->block);
	}
	for (size_t i = 0; p->files && i < p->cap; i++)
		free(p->files[i].path);
	free(p->files);
	free(p->w);
	pthread_cond_destroy(&p->workers_cv);
	pthread_cond_destroy(&p->writer_cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void ingest_pool_bound(ingest_pool *p, size_t queue_bytes, size_t ahead_bytes)
{
	pthread_mutex_lock(&p->mu);
	p->queue_bytes = queue_bytes;
	p->ahead_bytes = ahead_bytes;
	pthread_cond_broadcast(&p->workers_cv);
	pthread_mutex_unlock(&p->mu);
}

uint64_t ingest_pool_room_waits(ingest_pool *p)
{
	uint64_t n;

	pthread_mutex_lock(&p->mu);
	n = p->room_waits;
	pthread_mutex_unlock(&p->mu);
	return n;
}
