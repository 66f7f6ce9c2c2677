/*
 * The data-driven fixture harness: every tests/data/ ** /NAME.log is ingested
 * into an in-memory store (events and memory events) and compared, field by
 * field, with NAME.expected.json (docs/fixture-contract.md). One cmocka test
 * per fixture; a failing fixture lists every mismatch, not only the first.
 *
 * The expected JSON is read with SQLite's own JSON functions, on the store's
 * connection, so the harness needs no JSON library of its own.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/ingest.h"
#include "oomsift/input.h"
#include "oomsift/rules.h"
#include "oomsift/store.h"

typedef struct fixture {
	char *log, *expected, *name;
} fixture;

typedef struct check {
	const char *fixture;
	sqlite3 *db;
	const char *json; /* the whole expected document */
	int failures;
} check;

static void fail_at(check *c, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(check *c, const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s: %s: ", c->fixture, where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->failures++;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "harness SQL error: %s\n  in: %s\n", sqlite3_errmsg(db), sql);
		return NULL;
	}
	return st;
}

/* Compares column `col` of the current row of `row` with an expected JSON
 * atom of json_each type `type`. */
static void compare_value(check *c, const char *where, const char *key, sqlite3_stmt *row, int col,
                          const char *type, sqlite3_stmt *exp, int atom_col)
{
	int actual = sqlite3_column_type(row, col);
	const char *actual_text = (const char *)sqlite3_column_text(row, col);
	char w[256];

	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (strcmp(type, "null") == 0) {
		if (actual != SQLITE_NULL)
			fail_at(c, w, "expected null, got '%s'", actual_text);
		return;
	}
	if (actual == SQLITE_NULL) {
		fail_at(c, w, "expected %s, got null", sqlite3_column_text(exp, atom_col));
		return;
	}
	if (strcmp(type, "integer") == 0 || strcmp(type, "true") == 0 ||
	    strcmp(type, "false") == 0) {
		sqlite3_int64 want = strcmp(type, "true") == 0 ? 1
		                     : strcmp(type, "false") == 0
		                         ? 0
		                         : sqlite3_column_int64(exp, atom_col);
		bool same = actual == SQLITE_INTEGER ? sqlite3_column_int64(row, col) == want
		            : actual == SQLITE_FLOAT
		                ? sqlite3_column_double(row, col) == (double)want
		                : false;
		if (!same)
			fail_at(c, w, "expected %lld, got '%s'", want, actual_text);
	} else if (strcmp(type, "real") == 0) {
		double want = sqlite3_column_double(exp, atom_col);
		if ((actual != SQLITE_FLOAT && actual != SQLITE_INTEGER) ||
		    fabs(sqlite3_column_double(row, col) - want) > 1e-6)
			fail_at(c, w, "expected %.6f, got '%s'", want, actual_text);
	} else if (strcmp(type, "text") == 0) {
		const char *want = (const char *)sqlite3_column_text(exp, atom_col);
		if (actual != SQLITE_TEXT || strcmp(actual_text, want) != 0)
			fail_at(c, w, "expected '%s', got '%s'", want, actual_text);
	} else {
		fail_at(c, w, "cannot compare a JSON %s", type);
	}
}

static int column_index(sqlite3_stmt *row, const char *name)
{
	for (int i = 0; i < sqlite3_column_count(row); i++)
		if (strcmp(sqlite3_column_name(row, i), name) == 0)
			return i;
	return -1;
}

/* Compares every scalar key of the JSON object at `path` with the columns of
 * the current row; keys in `skip` (nested lists) are left to the caller. */
static void compare_object(check *c, const char *where, const char *path, sqlite3_stmt *row,
                           const char *const *skip)
{
	sqlite3_stmt *exp = prepare(c->db, "SELECT key, type, atom FROM json_each(?1, ?2)");

	if (!exp)
		return;
	sqlite3_bind_text(exp, 1, c->json, -1, SQLITE_STATIC);
	sqlite3_bind_text(exp, 2, path, -1, SQLITE_STATIC);
	while (sqlite3_step(exp) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(exp, 0);
		const char *type = (const char *)sqlite3_column_text(exp, 1);
		bool skipped = false;
		int col;

		for (int i = 0; skip && skip[i]; i++)
			skipped |= strcmp(key, skip[i]) == 0;
		if (skipped || strcmp(type, "array") == 0 || strcmp(type, "object") == 0)
			continue;
		if ((col = column_index(row, key)) < 0) {
			fail_at(c, where, "no column '%s'", key);
			continue;
		}
		compare_value(c, where, key, row, col, type, exp, 2);
	}
	sqlite3_finalize(exp);
}

static sqlite3_int64 json_int(check *c, const char *path, sqlite3_int64 dflt)
{
	sqlite3_stmt *st = prepare(c->db, "SELECT json_extract(?1, ?2)");
	sqlite3_int64 v = dflt;

	if (!st)
		return dflt;
	sqlite3_bind_text(st, 1, c->json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *json_text(check *c, const char *path)
{
	sqlite3_stmt *st = prepare(c->db, "SELECT json_extract(?1, ?2)");
	char *v = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, c->json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* The JSON type at path ("object", "array", "integer", …), or "" when absent. */
static const char *json_type_at(check *c, const char *path, char *buf, size_t len)
{
	sqlite3_stmt *st = prepare(c->db, "SELECT json_type(?1, ?2)");

	buf[0] = '\0';
	if (!st)
		return buf;
	sqlite3_bind_text(st, 1, c->json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static bool json_is(check *c, const char *path, const char *type)
{
	char buf[16];

	return strcmp(json_type_at(c, path, buf, sizeof(buf)), type) == 0;
}

static void check_tasks(check *c, const char *where, const char *evpath, sqlite3_int64 id)
{
	char path[128], w[160];

	for (int i = 0;; i++) {
		snprintf(path, sizeof(path), "%s.tasks[%d]", evpath, i);
		if (!json_is(c, path, "object"))
			break;
		sqlite3_int64 pid = json_int(c, strcat(strcpy(w, path), ".pid"), INT64_MIN);
		if (pid == INT64_MIN) {
			fail_at(c, path, "a task needs a pid");
			continue;
		}
		sqlite3_stmt *row = prepare(c->db, "SELECT * FROM oom_tasks WHERE event_id = ?1 "
		                                   "AND pid = ?2 ORDER BY row LIMIT 1");
		if (!row)
			return;
		sqlite3_bind_int64(row, 1, id);
		sqlite3_bind_int64(row, 2, pid);
		snprintf(w, sizeof(w), "%s.tasks[pid %lld]", where, pid);
		if (sqlite3_step(row) == SQLITE_ROW)
			compare_object(c, w, path, row, NULL);
		else
			fail_at(c, w, "no task row with this pid");
		sqlite3_finalize(row);
	}
}

/* Compares the JSON array at `array` (path) with the rows of `row`, in order;
 * the count must match. Finalizes row. */
static void compare_rows(check *c, const char *where, const char *array, sqlite3_stmt *row)
{
	char path[160], w[192];

	for (int i = 0;; i++) {
		snprintf(path, sizeof(path), "%s[%d]", array, i);
		bool want = json_is(c, path, "object");
		bool have = sqlite3_step(row) == SQLITE_ROW;
		snprintf(w, sizeof(w), "%s[%d]", where, i);
		if (!want && !have)
			break;
		if (want != have) {
			fail_at(c, w,
			        want ? "expected a row, none stored" : "unexpected row stored");
			break;
		}
		compare_object(c, w, path, row, NULL);
	}
	sqlite3_finalize(row);
}

static void check_kills(check *c, const char *where, const char *evpath, sqlite3_int64 id)
{
	char path[128], w[160];
	sqlite3_stmt *row;

	snprintf(path, sizeof(path), "%s.kills", evpath);
	if (!json_is(c, path, "array"))
		return;
	row = prepare(c->db, "SELECT * FROM oom_kills WHERE event_id = ?1 ORDER BY seq");
	if (!row)
		return;
	sqlite3_bind_int64(row, 1, id);
	snprintf(w, sizeof(w), "%s.kills", where);
	compare_rows(c, w, path, row);
}

/* "memory_events": when present, exactly these memory_events rows, in line order. */
static void check_memory_events(check *c)
{
	sqlite3_stmt *row;

	if (!json_is(c, "$.memory_events", "array"))
		return;
	if (!(row = prepare(c->db, "SELECT * FROM memory_events ORDER BY line, id")))
		return;
	compare_rows(c, "memory_events", "$.memory_events", row);
}

static void check_bags(check *c, const char *where, const char *evpath, sqlite3_int64 id)
{
	char path[128];
	sqlite3_stmt *exp = prepare(c->db, "SELECT s.key, k.key, k.type, k.atom FROM "
	                                   "json_each(?1, ?2) s, json_each(s.value) k");
	sqlite3_stmt *row;

	if (!exp)
		return;
	snprintf(path, sizeof(path), "%s.bags", evpath);
	sqlite3_bind_text(exp, 1, c->json, -1, SQLITE_STATIC);
	sqlite3_bind_text(exp, 2, path, -1, SQLITE_STATIC);
	while (sqlite3_step(exp) == SQLITE_ROW) {
		char w[256];
		row = prepare(c->db, "SELECT value FROM oom_meminfo WHERE event_id = ?1 AND "
		                     "section = ?2 AND key = ?3");
		if (!row)
			break;
		sqlite3_bind_int64(row, 1, id);
		sqlite3_bind_value(row, 2, sqlite3_column_value(exp, 0));
		sqlite3_bind_value(row, 3, sqlite3_column_value(exp, 1));
		snprintf(w, sizeof(w), "%s.bags[%s]", where, sqlite3_column_text(exp, 0));
		if (sqlite3_step(row) != SQLITE_ROW)
			fail_at(c, w, "no value for '%s'", sqlite3_column_text(exp, 1));
		else
			compare_value(c, w, (const char *)sqlite3_column_text(exp, 1), row, 0,
			              (const char *)sqlite3_column_text(exp, 2), exp, 3);
		sqlite3_finalize(row);
	}
	sqlite3_finalize(exp);
}

static void check_task_sums(check *c, const char *where, const char *evpath, sqlite3_int64 id)
{
	char path[128];
	sqlite3_stmt *exp = prepare(c->db, "SELECT key, atom FROM json_each(?1, ?2)");

	if (!exp)
		return;
	snprintf(path, sizeof(path), "%s.task_sums", evpath);
	sqlite3_bind_text(exp, 1, c->json, -1, SQLITE_STATIC);
	sqlite3_bind_text(exp, 2, path, -1, SQLITE_STATIC);
	while (sqlite3_step(exp) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(exp, 0);
		char sql[128], w[256];
		sqlite3_stmt *row;

		/* The column name comes from our own fixture; it must be a plain word. */
		if (strspn(col, "abcdefghijklmnopqrstuvwxyz_") != strlen(col)) {
			fail_at(c, where, "bad task_sums column '%s'", col);
			continue;
		}
		snprintf(sql, sizeof(sql), "SELECT sum(%s) FROM oom_tasks WHERE event_id = ?1",
		         col);
		if (!(row = prepare(c->db, sql)))
			continue;
		sqlite3_bind_int64(row, 1, id);
		snprintf(w, sizeof(w), "%s.task_sums", where);
		if (sqlite3_step(row) == SQLITE_ROW)
			compare_value(c, w, col, row, 0, "integer", exp, 1);
		sqlite3_finalize(row);
	}
	sqlite3_finalize(exp);
}

static void check_events(check *c)
{
	static const char *const nested[] = {"tasks", "kills", "bags", "task_sums", NULL};
	sqlite3_stmt *row = prepare(c->db, "SELECT * FROM oom_events ORDER BY line, id");
	int i = 0;

	if (!row)
		return;
	for (;; i++) {
		char path[64], where[64];
		snprintf(path, sizeof(path), "$.events[%d]", i);
		bool want = json_is(c, path, "object");
		bool have = sqlite3_step(row) == SQLITE_ROW;
		snprintf(where, sizeof(where), "event[%d]", i);
		if (!want && !have)
			break;
		if (want != have) {
			fail_at(c, where,
			        want ? "expected, but only %d event(s) stored"
			             : "stored, but %d event(s) expected",
			        i);
			break;
		}
		sqlite3_int64 id = sqlite3_column_int64(row, column_index(row, "id"));
		compare_object(c, where, path, row, nested);
		/* "kills": a number is the column, an array the oom_kills rows */
		char kpath[96];
		snprintf(kpath, sizeof(kpath), "%s.kills", path);
		if (json_is(c, kpath, "integer")) {
			sqlite3_int64 want_kills = json_int(c, kpath, 0);
			sqlite3_int64 got = sqlite3_column_int64(row, column_index(row, "kills"));
			if (got != want_kills)
				fail_at(c, where, "kills: expected %lld, got %lld", want_kills,
				        got);
		}
		check_tasks(c, where, path, id);
		check_kills(c, where, path, id);
		check_bags(c, where, path, id);
		check_task_sums(c, where, path, id);
	}
	sqlite3_finalize(row);
}

static void on_report(void *ctx, const char *severity, const char *message)
{
	if (strcmp(severity, "error") == 0)
		fail_msg("%s: %s", (const char *)ctx, message);
}

static oomsift_rules *builtin_rules; /* loaded once, in main() */

static void run_fixture(void **state)
{
	fixture *f = *state;
	oomsift_ingest_opts opts = {.report = on_report};
	oomsift_ingest *in;
	oomsift_store *store;
	check c = {0};
	char *host, *format;

	c.fixture = f->name;
	c.json = read_file(f->expected);
	if (!c.json)
		fail_msg("%s: cannot read %s", f->name, f->expected);
	assert_int_equal(oomsift_store_open(&store, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	c.db = oomsift_store_db(store);

	sqlite3_stmt *valid = prepare(c.db, "SELECT json_valid(?1)");
	sqlite3_bind_text(valid, 1, c.json, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(valid), SQLITE_ROW);
	if (!sqlite3_column_int(valid, 0))
		fail_msg("%s: %s is not valid JSON", f->name, f->expected);
	sqlite3_finalize(valid);

	host = json_text(&c, "$.ingest.host");
	opts.host = host;
	opts.year = (int)json_int(&c, "$.ingest.year", 0);
	format = json_text(&c, "$.ingest.format");
	opts.format = format;
	opts.ctx = (void *)f->name;
	if (oomsift_ingest_new(&in, store, &opts) < 0)
		fail_msg("%s: %s", f->name, oomsift_error_message());
	if (oomsift_ingest_file(in, f->log) < 0 || oomsift_ingest_finish(in) < 0)
		fail_msg("%s: %s", f->name, oomsift_error_message());
	oomsift_ingest_free(in);
	/* as `oomsift ingest` does: the built-in rules name each event's cause */
	if (oomsift_classify(store, builtin_rules, NULL, NULL) < 0)
		fail_msg("%s: %s", f->name, oomsift_error_message());
	check_events(&c);
	check_memory_events(&c);
	free(host);
	free(format);
	oomsift_store_free(store);
	free((char *)c.json);
	if (c.failures)
		fail_msg("%s: %d mismatch(es), listed above", f->name, c.failures);
}

static fixture *fixtures;
static size_t nfixtures, fixtures_cap;

/* Directories of data that is not a fixture: tests/data/sosreport holds
 * sosreport trees (sos_logs/ui.log is sos's own log), tests/data/lab the oom
 * lab's captures, whose kern.log is checked against its truth.json by
 * tests/e2e/lab.sh. */
static bool skipped_dir(const char *path)
{
	return strcmp(path, OOMSIFT_TEST_DATA "/sosreport") == 0 ||
	       strcmp(path, OOMSIFT_TEST_DATA "/lab") == 0;
}

static void collect(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		size_t len = strlen(list[i]->d_name);

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (list[i]->d_name[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (!skipped_dir(path))
					collect(path);
			} else if (len > 4 && strcmp(list[i]->d_name + len - 4, ".log") == 0) {
				if (nfixtures == fixtures_cap) {
					fixtures_cap = fixtures_cap ? fixtures_cap * 2 : 64;
					fixtures =
					    realloc(fixtures, fixtures_cap * sizeof(*fixtures));
				}
				fixture *f = &fixtures[nfixtures++];
				f->log = strdup(path);
				f->expected = malloc(strlen(path) + 16);
				snprintf(f->expected, strlen(path) + 16, "%.*s.expected.json",
				         (int)(strlen(path) - 4), path);
				f->name = strdup(path + strlen(OOMSIFT_TEST_DATA) + 1);
			}
		}
		free(list[i]);
	}
	free(list);
}

int main(void)
{
	struct CMUnitTest *tests;
	int rc;

	if (oomsift_rules_new(&builtin_rules) < 0 ||
	    oomsift_rules_load_builtin(builtin_rules) < 0) {
		fprintf(stderr, "the built-in rules: %s\n", oomsift_error_message());
		return 1;
	}
	collect(OOMSIFT_TEST_DATA);
	if (nfixtures == 0) {
		fprintf(stderr, "no fixtures under %s\n", OOMSIFT_TEST_DATA);
		return 1;
	}
	tests = calloc(nfixtures, sizeof(*tests));
	for (size_t i = 0; i < nfixtures; i++) {
		tests[i].name = fixtures[i].name;
		tests[i].test_func = run_fixture;
		tests[i].initial_state = &fixtures[i];
	}
	rc = _cmocka_run_group_tests("fixtures", tests, nfixtures, NULL, NULL);
	for (size_t i = 0; i < nfixtures; i++) {
		free(fixtures[i].log);
		free(fixtures[i].expected);
		free(fixtures[i].name);
	}
	free(fixtures);
	free(tests);
	oomsift_rules_free(builtin_rules);
	return rc;
}
