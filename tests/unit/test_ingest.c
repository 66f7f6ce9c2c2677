/*
 * Unit tests for store/ingest.c and store/ingest_jobs.c through the public
 * API: worker threads (opts.jobs) store what one thread stores, with the
 * same stats and the same messages in the same order; files handed to the
 * workers are stored by drain; freeing an ingest with files still queued
 * stores each source whole or not at all, so a second run ends where one
 * run ends; queues that hold one item at a time change nothing but waits;
 * too many jobs is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "oomsift/error.h"
#include "oomsift/ingest.h"
#include "oomsift/store.h"

#include "store/ingest_internal.h"

#define MAX_MESSAGES 256
#define MESSAGE_LEN  600

typedef struct messages {
	char text[MAX_MESSAGES][MESSAGE_LEN];
	size_t n;
} messages;

static void on_report(void *ctx, const char *severity, const char *message)
{
	messages *m = ctx;

	assert_true(m->n < MAX_MESSAGES);
	snprintf(m->text[m->n++], MESSAGE_LEN, "%s: %s", severity, message);
}

/* The index of the message holding text (fails when none does). */
static size_t find(const messages *m, const char *text)
{
	for (size_t i = 0; i < m->n; i++)
		if (strstr(m->text[i], text))
			return i;
	fail_msg("no message holds '%s'", text);
	return m->n;
}

static oomsift_ingest *new_ingest(oomsift_store *s, unsigned jobs, messages *m)
{
	oomsift_ingest_opts o = {.year = 2024, .jobs = jobs, .report = on_report, .ctx = m};
	oomsift_ingest *in = NULL;

	m->n = 0;
	assert_int_equal(oomsift_ingest_new(&in, s, &o), 0);
	return in;
}

/* The inputs: fixtures of every wrapper, a file that does not exist, an
 * empty one and the first fixture again (unchanged by then). */
static char paths[3][512];

static int make_inputs(void **state)
{
	char dir[] = "/tmp/oomsift-test-ingest-XXXXXX";
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(paths[0], sizeof(paths[0]), "%s/missing.log", dir);
	snprintf(paths[1], sizeof(paths[1]), "%s/empty.log", dir);
	snprintf(paths[2], sizeof(paths[2]), "%s", dir);
	assert_non_null(f = fopen(paths[1], "w"));
	fclose(f);
	return 0;
}

static int remove_inputs(void **state)
{
	unlink(paths[1]);
	rmdir(paths[2]);
	return 0;
}

static int ingest_all(oomsift_ingest *in)
{
	int rc;

	if ((rc = oomsift_ingest_path(in, OOMSIFT_TEST_DATA "/wrappers")) < 0 ||
	    (rc = oomsift_ingest_file(in, paths[0])) < 0 ||
	    (rc = oomsift_ingest_file(in, paths[1])) < 0 ||
	    (rc = oomsift_ingest_path(in, OOMSIFT_TEST_DATA "/journal")) < 0)
		return rc;
	return oomsift_ingest_file(in, OOMSIFT_TEST_DATA "/wrappers/archlinux_kmsg.log");
}

/* The stored events, sightings and sources, without ids or times. */
static char *digest(oomsift_store *s)
{
	sqlite3_stmt *st;
	char *out;

	assert_int_equal(
	    sqlite3_prepare_v2(
	        oomsift_store_db(s),
	        "SELECT group_concat(x, ';') FROM (SELECT hex(e.fingerprint) || '@' || s.path || "
	        "':' || es.line || '/' || e.task_rows AS x FROM event e JOIN event_source es ON "
	        "es.event_id = e.id JOIN source s ON s.id = es.source_id UNION ALL SELECT path || "
	        "'#' || cursor || '#' || lines || '#' || events FROM source ORDER BY x)",
	        -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* The pool's queues, when tiny_queues: one item at a time each; the waits
 * for room they made. */
static bool tiny_queues;
static uint64_t room_waits;

static void run(unsigned jobs, oomsift_ingest_stats *st, messages *m, char **dig)
{
	oomsift_store *s = NULL;
	oomsift_ingest *in;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	in = new_ingest(s, jobs, m);
	if (tiny_queues)
		ingest_pool_bound(in->pool, 1, 1);
	assert_int_equal(ingest_all(in), 0);
	if (in->pool)
		room_waits = ingest_pool_room_waits(in->pool);
	assert_int_equal(oomsift_ingest_finish(in), 0);
	*st = *oomsift_ingest_stats_get(in);
	*dig = digest(s);
	oomsift_ingest_free(in);
	oomsift_store_free(s);
}

/* Two runs stored the same, with the same stats and messages in order. */
static void assert_same_runs(const oomsift_ingest_stats *st1, const messages *m1, const char *d1,
                             const oomsift_ingest_stats *st3, const messages *m3, const char *d3)
{
	assert_memory_equal(st1, st3, sizeof(*st1));
	assert_string_equal(d1, d3);
	assert_int_equal(m1->n, m3->n);
	for (size_t i = 0; i < m1->n; i++)
		assert_string_equal(m1->text[i], m3->text[i]);
}

static void test_jobs_store_what_one_thread_stores(void **state)
{
	static messages m1, m3;
	oomsift_ingest_stats st1, st3;
	char *d1, *d3;

	run(1, &st1, &m1, &d1);
	run(3, &st3, &m3, &d3);
	assert_true(st1.events > 20);
	assert_int_equal(st1.failed, 2); /* the missing file, the journal file in a .xz */
	assert_int_equal(st1.skipped, 1);
	assert_int_equal(st1.unchanged, 1);
	assert_same_runs(&st1, &m1, d1, &st3, &m3, d3);
	/* in the order the inputs were given */
	assert_true(find(&m1, "missing.log") < find(&m1, "empty.log: empty; skipped"));
	assert_true(find(&m1, "empty.log") < find(&m1, "arch01.journal.xz: a native journal"));
	assert_true(find(&m1, "rhel7_messages.expected.json") < find(&m1, "missing.log"));
	free(d1);
	free(d3);
}

/* Workers that must wait for room after every item, whether they read the
 * oldest file or a later one, store what one thread stores: the waits end
 * when the writer takes an item, and when the file before is stored. */
static void test_jobs_with_full_queues(void **state)
{
	static messages m1, m3;
	oomsift_ingest_stats st1, st3;
	char *d1, *d3;

	run(1, &st1, &m1, &d1);
	tiny_queues = true;
	run(3, &st3, &m3, &d3);
	tiny_queues = false;
	assert_true(room_waits > 100);
	assert_same_runs(&st1, &m1, d1, &st3, &m3, d3);
	free(d1);
	free(d3);
}

/* Files handed to workers are stored by drain, not before it returns. */
static void test_drain_stores_what_is_queued(void **state)
{
	static messages m;
	oomsift_store *s = NULL;
	oomsift_ingest *in;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	in = new_ingest(s, 2, &m);
	assert_int_equal(oomsift_ingest_file(in, OOMSIFT_TEST_DATA "/wrappers/archlinux_kmsg.log"),
	                 0);
	assert_int_equal(oomsift_ingest_stats_get(in)->files, 0); /* queued only */
	assert_int_equal(oomsift_ingest_drain(in), 0);
	assert_int_equal(oomsift_ingest_stats_get(in)->files, 1);
	assert_int_equal(oomsift_ingest_stats_get(in)->sources, 1);
	assert_true(oomsift_ingest_stats_get(in)->events >= 1);
	assert_int_equal(oomsift_ingest_drain(in), 0); /* nothing left: a no-op */
	oomsift_ingest_free(in);
	oomsift_store_free(s);
}

/* An ingest freed with files queued (a run cut short) stores each source
 * whole or not at all: the next run ends where one run ends. */
static void test_free_with_files_queued(void **state)
{
	static messages m;
	oomsift_ingest_stats one;
	oomsift_store *s = NULL;
	oomsift_ingest *in;
	char *d1, *d2;

	run(1, &one, &m, &d1);
	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	in = new_ingest(s, 2, &m);
	assert_int_equal(oomsift_ingest_path(in, OOMSIFT_TEST_DATA "/wrappers"), 0);
	oomsift_ingest_free(in);
	in = new_ingest(s, 2, &m);
	assert_int_equal(ingest_all(in), 0);
	assert_int_equal(oomsift_ingest_finish(in), 0);
	d2 = digest(s);
	assert_string_equal(d1, d2);
	oomsift_ingest_free(in);
	oomsift_store_free(s);
	free(d1);
	free(d2);
}

static void test_too_many_jobs(void **state)
{
	oomsift_ingest_opts o = {.jobs = OOMSIFT_INGEST_MAX_JOBS + 1};
	oomsift_store *s = NULL;
	oomsift_ingest *in = NULL;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(oomsift_ingest_new(&in, s, &o), OOMSIFT_EINVAL);
	assert_null(in);
	assert_non_null(strstr(oomsift_error_message(), "--jobs"));
	o.jobs = OOMSIFT_INGEST_MAX_JOBS;
	assert_int_equal(oomsift_ingest_new(&in, s, &o), 0);
	oomsift_ingest_free(in);
	oomsift_store_free(s);
}

static int foreign_keys(oomsift_store *s)
{
	sqlite3_stmt *st = NULL;
	int on;

	assert_int_equal(
	    sqlite3_prepare_v2(oomsift_store_db(s), "PRAGMA foreign_keys", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	on = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return on;
}

/* An ingest writes without foreign key checks (store/ingest.c), and the store
 * checks them again once it is finished or freed. */
static void test_foreign_keys_back_on(void **state)
{
	oomsift_store *s = NULL;
	oomsift_ingest *in;
	messages m;

	(void)state;
	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(foreign_keys(s), 1);
	in = new_ingest(s, 1, &m);
	assert_int_equal(foreign_keys(s), 0);
	assert_int_equal(ingest_all(in), 0);
	assert_int_equal(oomsift_ingest_finish(in), 0);
	assert_int_equal(foreign_keys(s), 1);
	oomsift_ingest_free(in);
	in = new_ingest(s, 2, &m);
	assert_int_equal(foreign_keys(s), 0);
	oomsift_ingest_free(in);
	assert_int_equal(foreign_keys(s), 1);
	/* a child without its event is refused again */
	assert_int_not_equal(sqlite3_exec(oomsift_store_db(s),
	                                  "INSERT INTO raw(event_id, text) VALUES (999999, 'x')",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	oomsift_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jobs_store_what_one_thread_stores),
	    cmocka_unit_test(test_jobs_with_full_queues),
	    cmocka_unit_test(test_drain_stores_what_is_queued),
	    cmocka_unit_test(test_free_with_files_queued),
	    cmocka_unit_test(test_too_many_jobs),
	    cmocka_unit_test(test_foreign_keys_back_on),
	};
	return cmocka_run_group_tests(tests, make_inputs, remove_inputs);
}
