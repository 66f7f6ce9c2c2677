/*
 * Checkpoints of the WAL in a thread of their own, while one connection
 * writes many transactions in a row (a classification run). SQLite's
 * automatic checkpoint runs in the writer's commit once the WAL passes 1 000
 * pages: it copies the pages into the store and waits for two fsyncs, and the
 * writer waits with it. Here a second connection does the same work
 * (PRAGMA wal_checkpoint(PASSIVE): it never blocks the writer) as often, on
 * the other CPU.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "store/internal.h"

/* WAL pages after which a commit waits for a checkpoint of all it holds.
 * The writer's next transaction then starts the WAL again from its
 * beginning: it does so only when, as it begins, no page of the WAL is still
 * to be copied, which checkpoints running beside it seldom catch. Bounds the
 * WAL at 16 MiB (of 4 KiB pages) and one transaction. */
#define CHECKPOINT_WAIT_FRAMES 4096

struct store_checkpointer {
	oomsift_store *s;
	sqlite3 *db;        /* the checkpoints' own connection */
	int autocheckpoint; /* the writer's, set back at the end */
	int every;          /* pages of WAL between two checkpoints */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	/* checkpoints asked for; the last one a checkpoint began after */
	uint64_t asked, checkpointed;
	int asked_at; /* the WAL's pages when a checkpoint was last asked for */
	bool stop;
};

static void *checkpoint_loop(void *arg)
{
	store_checkpointer *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		uint64_t target;
		bool stop;
		while (!c->stop && c->checkpointed == c->asked)
			pthread_cond_wait(&c->wake, &c->lock);
		target = c->asked;
		stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		/* a failure (another process's checkpoint, an I/O error) leaves
		 * the pages in the WAL: the next checkpoint, or the writer's
		 * when this thread is gone, copies them */
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->lock);
		c->checkpointed = target;
		pthread_cond_broadcast(&c->done);
		if (stop)
			break;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* sqlite3_wal_hook: called by the writer after each commit, with the pages
 * in the WAL. Asks for a checkpoint each wal_autocheckpoint pages, as
 * SQLite's own would; past CHECKPOINT_WAIT_FRAMES waits for it. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	store_checkpointer *c = arg;
	uint64_t ask;

	(void)db;
	(void)name;
	if (frames < c->asked_at) /* the WAL started again */
		c->asked_at = 0;
	if (frames - c->asked_at < c->every && frames < CHECKPOINT_WAIT_FRAMES)
		return SQLITE_OK;
	c->asked_at = frames;
	pthread_mutex_lock(&c->lock);
	ask = ++c->asked;
	pthread_cond_signal(&c->wake);
	while (frames >= CHECKPOINT_WAIT_FRAMES && c->checkpointed < ask)
		pthread_cond_wait(&c->done, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

/* The connection's wal_autocheckpoint; false when it is not in WAL mode. */
static bool wal_autocheckpoint(sqlite3 *db, int *pages)
{
	sqlite3_stmt *st;
	bool wal = false;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (wal &&
	    sqlite3_prepare_v2(db, "PRAGMA wal_autocheckpoint", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		*pages = sqlite3_column_int(st, 0);
	else
		wal = false;
	sqlite3_finalize(st);
	return wal;
}

static void close_db(store_checkpointer *c)
{
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->done);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int store_checkpointer_start(oomsift_store *s, store_checkpointer **out)
{
	store_checkpointer *c;
	int pages = 0;

	*out = NULL;
	if (s->readonly || strcmp(s->path, ":memory:") == 0 || !wal_autocheckpoint(s->db, &pages))
		return 0;
	if (!(c = calloc(1, sizeof(*c))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	c->s = s;
	c->autocheckpoint = pages;
	c->every = pages > 0 ? pages : 1; /* 0: none; here one after each commit */
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->done, NULL);
	/* without the thread the writer checkpoints as before: not an error;
	 * a read opens the connection's WAL (until then it checkpoints nothing) */
	if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	        SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK ||
	    pthread_create(&c->thread, NULL, checkpoint_loop, c) != 0) {
		close_db(c);
		return 0;
	}
	sqlite3_wal_hook(s->db, on_commit, c);
	*out = c;
	return 0;
}

void store_checkpointer_stop(store_checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	/* sets the writer's automatic checkpoint (its WAL hook) back */
	sqlite3_wal_autocheckpoint(c->s->db, c->autocheckpoint);
	close_db(c);
}
