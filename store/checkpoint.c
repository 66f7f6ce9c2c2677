/*
 * Checkpoints of a store's WAL on a thread of their own.
 *
 * SQLite's own checkpoint runs in the writing connection, after the commit
 * that takes the WAL past 1000 pages: the writer then copies the WAL into the
 * database and waits for two fsyncs before it can go on. Here the commit only
 * wakes a thread that checkpoints through a second connection (PASSIVE: it
 * never blocks the writer, nor waits for it), so the copying and the waiting
 * on the disk run beside the writer.
 *
 * A passive checkpoint copies the WAL but cannot start it over: only a
 * transaction that begins once every frame is copied does that, and the
 * writer usually begins its next one at once. So when the WAL passes a
 * larger size the writer checkpoints itself, after its commit, as SQLite
 * would have, when the thread is not in one: little is left to copy by
 * then, and the WAL starts over. That bounds the WAL however long the run.
 *
 * A checkpoint that fails or finds the database busy loses nothing: the
 * frames stay in the WAL for the next one (at the latest when the store is
 * closed). So the thread's results are not reported.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "store/internal.h"

struct store_checkpointer {
	char *path;  /* the store's file, for the second connection */
	sqlite3 *db; /* the second connection; only the thread uses it */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;            /* wanted or stop */
	pthread_cond_t idle;            /* running ended */
	bool started;                   /* the writer's */
	bool wanted, running, stop;     /* under mu */
	int woken_at;                   /* WAL pages at the last wake; the writer's */
	unsigned runs;                  /* checkpoints the thread made, under mu */
	int thread_pages, writer_pages; /* see store_checkpointer_attach() */
};

static void *checkpoint_thread(void *arg)
{
	store_checkpointer *c = arg;

	/* A connection learns that the file is in WAL mode, and opens the WAL,
	 * only when it first reads; until then its checkpoints do nothing. */
	sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL);
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->wanted && !c->stop)
			pthread_cond_wait(&c->work, &c->mu);
		if (c->stop)
			break;
		c->wanted = false;
		c->running = true;
		pthread_mutex_unlock(&c->mu);
		sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
		c->running = false;
		c->runs++;
		pthread_cond_signal(&c->idle);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Opens the second connection and starts the thread; false when either
 * cannot be had, and then the writer checkpoints as SQLite would. */
static bool start(store_checkpointer *c)
{
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(c->db);
		c->db = NULL;
		return false;
	}
	if (pthread_create(&c->thread, NULL, checkpoint_thread, c) != 0) {
		sqlite3_close(c->db);
		c->db = NULL;
		return false;
	}
	c->started = true;
	return true;
}

/* In the writer, as SQLite's own checkpoint would. A checkpoint of the
 * thread's would make it fail at once (SQLITE_BUSY): while one is under way
 * the writer leaves its own to a later commit, unless the WAL has grown to
 * twice its bound; then it waits for the thread's to end. It keeps the thread
 * from starting another meanwhile. */
static int writer_checkpoint(store_checkpointer *c, sqlite3 *db, const char *schema, int pages)
{
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		if (c->running && pages < 2 * c->writer_pages) {
			pthread_mutex_unlock(&c->mu);
			return SQLITE_OK;
		}
		while (c->running)
			pthread_cond_wait(&c->idle, &c->mu);
	}
	sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (c->started)
		pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

/* The WAL hook: SQLite calls it in the writer after each commit with the
 * pages now in the WAL. */
static int on_commit(void *arg, sqlite3 *db, const char *schema, int pages)
{
	store_checkpointer *c = arg;

	if (pages >= c->writer_pages)
		return writer_checkpoint(c, db, schema, pages);
	if (pages < c->woken_at)
		c->woken_at = 0; /* the WAL started over */
	if (pages - c->woken_at < c->thread_pages)
		return SQLITE_OK;
	c->woken_at = pages;
	if (!c->started && !start(c))
		return writer_checkpoint(c, db, schema, pages);
	pthread_mutex_lock(&c->mu);
	c->wanted = true;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

int store_checkpointer_attach(oomsift_store *s, int thread_pages, int writer_pages)
{
	store_checkpointer *c = calloc(1, sizeof(*c));

	if (!c || !(c->path = strdup(s->path))) {
		free(c);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	c->thread_pages = thread_pages;
	c->writer_pages = writer_pages;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->idle, NULL);
	s->checkpointer = c;
	sqlite3_wal_hook(s->db, on_commit, c);
	return 0;
}

void store_checkpointer_detach(oomsift_store *s)
{
	store_checkpointer *c = s->checkpointer;

	if (!c)
		return;
	sqlite3_wal_hook(s->db, NULL, NULL);
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->stop = true;
		pthread_cond_signal(&c->work);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
		sqlite3_close(c->db);
	}
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->work);
	pthread_cond_destroy(&c->idle);
	free(c->path);
	free(c);
	s->checkpointer = NULL;
}

unsigned store_checkpointer_runs(oomsift_store *s)
{
	store_checkpointer *c = s->checkpointer;
	unsigned runs;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	runs = c->runs;
	pthread_mutex_unlock(&c->mu);
	return runs;
}
