#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/store.h"
#include "store/internal.h"

extern const char oomsift_schema_sql[];
extern const char oomsift_migrate_2_sql[];
extern const char oomsift_migrate_3_sql[];
extern const char oomsift_migrate_4_sql[];
extern const char oomsift_migrate_5_sql[];
extern const char oomsift_migrate_6_sql[];
extern const char oomsift_migrate_7_sql[];
extern const char oomsift_fresh_7_sql[];

/* Migrations: entry i brings a store from user_version i to i + 1. */
static const char *const migrations[OOMSIFT_SCHEMA_VERSION] = {
    oomsift_schema_sql,    /* the tables, the first views */
    oomsift_migrate_2_sql, /* sources with cursors, event keys, boots */
    oomsift_migrate_3_sql, /* host facts */
    oomsift_migrate_4_sql, /* user-space actors, memory events */
    oomsift_migrate_5_sql, /* root causes */
    oomsift_migrate_6_sql, /* indexes for classification */
    oomsift_migrate_7_sql, /* Mem-Info values as one row per event */
};

/* A new store takes the schema that migrations 1 to FRESH_VERSION leave in one
 * step (store/fresh_7.sql, made from them by scripts/fresh-schema.sh), then the
 * migrations after it. The steps' ALTER TABLEs each made SQLite read the whole
 * schema again: 60 M instructions for every new store, 10 M in one step. */
#define FRESH_VERSION 7
_Static_assert(FRESH_VERSION <= OOMSIFT_SCHEMA_VERSION, "fresh_7.sql is past the schema");

/* What a failed write or read most often means, in the user's words: the
 * cases a user can fix (a full disk, a read-only store, another writer). */
static const char *store_reason(int code, int sys_errno)
{
	switch (code & 0xff) {
	case SQLITE_FULL:
		return "no space left on the device that holds the store";
	case SQLITE_READONLY:
		return "the store is read-only (its file, its directory or the file system)";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "another process kept the store locked too long";
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return "the store is damaged";
	case SQLITE_IOERR:
		/* SQLite reports ENOSPC while writing the WAL as an I/O error */
		return sys_errno == ENOSPC ? "no space left on the device that holds the store"
		                           : NULL;
	default:
		return NULL;
	}
}

/* Sets OOMSIFT_ESTORE: "store 'PATH': WHAT: REASON (SQLite's message)". */
static int store_fail(oomsift_store *s, const char *what, const char *sqlite_msg)
{
	int code = sqlite3_extended_errcode(s->db);
	const char *reason = store_reason(code, sqlite3_system_errno(s->db));

	if (reason)
		return oomsift_error_set(OOMSIFT_ESTORE, "store '%s': %s: %s (%s)", s->path, what,
		                         reason, sqlite_msg);
	return oomsift_error_set(OOMSIFT_ESTORE, "store '%s': %s: %s", s->path, what, sqlite_msg);
}

int store_error(oomsift_store *s, const char *what)
{
	return store_fail(s, what, sqlite3_errmsg(s->db));
}

static int exec(oomsift_store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		int rc = store_fail(s, "cannot update it", err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

static int user_version(oomsift_store *s, int *version)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_error(s, "cannot read the store's schema version");
	rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_error(s, "cannot read the store's schema version");
}

static int migrate(oomsift_store *s, const char *path)
{
	int version, rc;
	char sql[64];

	if ((rc = user_version(s, &version)) < 0)
		return rc;
	if (version > OOMSIFT_SCHEMA_VERSION)
		return oomsift_error_set(OOMSIFT_ESCHEMA,
		                         "'%s' has schema version %d; this oomsift knows up to %d "
		                         "(upgrade oomsift to use it)",
		                         path, version, OOMSIFT_SCHEMA_VERSION);
	if (version == OOMSIFT_SCHEMA_VERSION)
		return 0;
	if (s->readonly)
		return oomsift_error_set(OOMSIFT_ESCHEMA,
		                         "'%s' has schema version %d and needs a migration; "
		                         "run 'oomsift ingest' on it once",
		                         path, version);
	/* Rebuilding a table needs foreign key enforcement off (it cannot change
	 * inside a transaction); the caller turns it on after. */
	if ((rc = exec(s, "PRAGMA foreign_keys = OFF")) < 0 ||
	    (rc = exec(s, "BEGIN IMMEDIATE")) < 0)
		return rc;
	/* Another process may have migrated the store while this one waited for
	 * the write lock (two ingests creating one new store): read it again. */
	if ((rc = user_version(s, &version)) < 0) {
		exec(s, "ROLLBACK");
		return rc;
	}
	if (version == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", FRESH_VERSION);
		if ((rc = exec(s, oomsift_fresh_7_sql)) < 0 || (rc = exec(s, sql)) < 0) {
			exec(s, "ROLLBACK");
			return rc;
		}
		version = FRESH_VERSION;
	}
	for (; version < OOMSIFT_SCHEMA_VERSION; version++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
		if ((rc = exec(s, migrations[version])) < 0 || (rc = exec(s, sql)) < 0) {
			exec(s, "ROLLBACK");
			return rc;
		}
	}
	return exec(s, "COMMIT");
}

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Waits for another process's write lock: short sleeps (1 to 10 ms, a
 * little random so that two waiters do not poll in step), which catch the
 * gap between two transactions of a busy writer far more often than
 * sqlite3_busy_timeout's sleeps (up to 100 ms); gives up after
 * STORE_BUSY_WAIT_MS. */
static int busy_wait(void *ctx, int n)
{
	oomsift_store *s = ctx;
	struct timespec pause;

	if (n == 0)
		s->busy_since_ms = monotonic_ms();
	else if (monotonic_ms() - s->busy_since_ms > STORE_BUSY_WAIT_MS)
		return 0;
	pause.tv_sec = 0;
	pause.tv_nsec = (long)(1 + (n < 9 ? n : 9)) * 1000000L +
	                (long)((getpid() * 7919L + n * 104729L) % 1000) * 1000L;
	nanosleep(&pause, NULL);
	return 1;
}

/* New store files hold log text, which can be sensitive: create them 0600. */
static int create_private(const char *path)
{
	int fd;

	if (strcmp(path, ":memory:") == 0)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	return oomsift_error_set(OOMSIFT_ESTORE, "cannot create store '%s': %s", path,
	                         strerror(errno));
}

/* A store is written beside its -wal and -shm files: its file and its
 * directory must both be writable. Said up front, in words, instead of
 * SQLite's "unable to open database file" or "readonly database" later. */
static int check_writable(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (access(path, W_OK) < 0 && errno != ENOENT && errno != ENOTDIR)
		return oomsift_error_set(OOMSIFT_ESTORE, "store '%s' is read-only: %s", path,
		                         strerror(errno));
	if (n >= sizeof(dir))
		return 0; /* SQLite will say what it finds */
	if (!slash) {
		strcpy(dir, ".");
	} else {
		n = n ? n : 1; /* "/x.db": the root */
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (access(dir, W_OK) < 0 && (errno == EROFS || errno == EACCES || errno == EPERM))
		return oomsift_error_set(OOMSIFT_ESTORE,
		                         "store '%s' is read-only: its directory '%s': %s (the "
		                         "store's -wal and -shm files are made there)",
		                         path, dir, strerror(errno));
	return 0;
}

/* A WAL store whose -shm file is missing cannot be opened read-only where
 * that file cannot be made (read-only media, a directory of another user),
 * unless SQLite is told that nobody writes it: true when no -wal file
 * exists, as no writer is at work. */
static int open_immutable(oomsift_store *s, const char *path)
{
	char wal[4200], uri[4200];
	struct stat st;

	if (snprintf(wal, sizeof(wal), "%s-wal", path) >= (int)sizeof(wal) ||
	    (stat(wal, &st) == 0 && st.st_size > 0))
		return -1;
	if (snprintf(uri, sizeof(uri), "file:%s?immutable=1", path) >= (int)sizeof(uri) ||
	    strpbrk(path, "?#%"))
		return -1;
	sqlite3_close(s->db);
	s->db = NULL;
	return sqlite3_open_v2(uri, &s->db,
	                       SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
	                       NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

/* SQLite counts every allocation under a global mutex for sqlite3_memory_used()
 * and the soft heap limit, which oomsift uses neither of: 2.5% of the
 * instructions of a dense ingest (docs/performance.md, "Dense ingest"). The
 * setting is the process's; it can only be made before SQLite is first used,
 * and when the program has used it already it stays as the program left it. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int oomsift_store_open(oomsift_store **out, const char *path, enum oomsift_store_mode mode)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	oomsift_store *s;
	int flags, rc, version;

	pthread_once(&configured, configure_sqlite);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	s->readonly = mode == OOMSIFT_STORE_READONLY;
	if (s->readonly) {
		struct stat st;
		if (stat(path, &st) < 0) {
			rc = oomsift_error_set(OOMSIFT_ESTORE, "cannot open store '%s': %s", path,
			                       strerror(errno));
			goto fail;
		}
		flags = SQLITE_OPEN_READONLY;
	} else {
		if (strcmp(path, ":memory:") != 0 && (rc = check_writable(path)) < 0)
			goto fail;
		if ((rc = create_private(path)) < 0)
			goto fail;
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = store_error(s, "cannot open store");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);
	if (!s->readonly && ((rc = exec(s, "PRAGMA journal_mode = WAL")) < 0 ||
	                     (rc = exec(s, "PRAGMA synchronous = NORMAL")) < 0))
		goto fail;
	if (s->readonly && (rc = user_version(s, &version)) < 0 &&
	    (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_CANTOPEN &&
	    open_immutable(s, path) == 0)
		sqlite3_extended_result_codes(s->db, 1);
	if ((rc = migrate(s, path)) < 0 || (rc = exec(s, "PRAGMA foreign_keys = ON")) < 0)
		goto fail;
	if (!s->readonly && strcmp(path, ":memory:") != 0 &&
	    (rc = store_checkpointer_attach(s, STORE_CHECKPOINT_THREAD_PAGES,
	                                    STORE_CHECKPOINT_WRITER_PAGES)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	oomsift_store_free(s);
	return rc;
}

void oomsift_store_free(oomsift_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].st);
	store_checkpointer_detach(s);
	sqlite3_close(s->db);
	free(s->event_insert_sql);
	free(s->event_update_sql);
	store_meminfo_free(s->meminfo);
	free(s->path);
	free(s);
}

sqlite3 *oomsift_store_db(oomsift_store *s)
{
	return s->db;
}

/* Ends what the cached statements still read. A statement left on a row
 * holds a read transaction open after COMMIT; BEGIN IMMEDIATE from there is
 * an upgrade, which SQLite refuses at once with SQLITE_BUSY, without waiting,
 * whenever another process writes (the WAL deadlock). */
static void reset_stmts(oomsift_store *s)
{
	for (size_t i = 0; i < s->nstmts; i++)
		if (sqlite3_stmt_busy(s->stmts[i].st))
			sqlite3_reset(s->stmts[i].st);
}

int oomsift_store_begin(oomsift_store *s)
{
	reset_stmts(s);
	store_meminfo_forget(s);
	/* The busy handler waits up to STORE_BUSY_WAIT_MS for another writer;
	 * a writer that keeps committing back to back can still win every
	 * poll of it, so try again a few times before giving up. */
	for (int i = 0; i < STORE_BEGIN_TRIES; i++) {
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
			return 0;
		if ((sqlite3_errcode(s->db) & 0xff) != SQLITE_BUSY)
			break;
	}
	return store_fail(s, "cannot begin writing", sqlite3_errmsg(s->db));
}

int oomsift_store_commit(oomsift_store *s)
{
	int rc;

	reset_stmts(s);
	if ((rc = exec(s, "COMMIT")) == 0)
		store_meminfo_committed(s);
	return rc;
}

void oomsift_store_rollback(oomsift_store *s)
{
	reset_stmts(s);
	store_meminfo_forget(s);
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
}

/* The cached statement for sql, reset, its bindings cleared when clear. */
static sqlite3_stmt *cached_stmt(oomsift_store *s, const char *sql, bool clear)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < s->nstmts; i++)
		if (s->stmts[i].sql == sql) {
			st = s->stmts[i].st;
			sqlite3_reset(st);
			if (clear)
				sqlite3_clear_bindings(st);
			return st;
		}
	if (s->nstmts == STORE_MAX_STMTS) {
		oomsift_error_set(OOMSIFT_ESTORE, "store: too many statements");
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		store_error(s, "cannot prepare a statement");
		return NULL;
	}
	s->stmts[s->nstmts].sql = sql;
	s->stmts[s->nstmts++].st = st;
	return st;
}

sqlite3_stmt *store_stmt(oomsift_store *s, const char *sql)
{
	return cached_stmt(s, sql, true);
}

sqlite3_stmt *store_stmt_bound(oomsift_store *s, const char *sql)
{
	return cached_stmt(s, sql, false);
}

int store_step(oomsift_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(s, what);
	return 0;
}

void store_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	if (v != OOMSIFT_UNSET)
		sqlite3_bind_int64(st, i, v);
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

void store_bind_real(sqlite3_stmt *st, int i, double v)
{
	if (!isnan(v))
		sqlite3_bind_double(st, i, v);
}

void store_now_iso(char *out, size_t len)
{
	oomsift_format_iso((double)time(NULL), 0, out, len);
}
