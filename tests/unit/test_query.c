/*
 * Unit tests for queries/query.c and queries/named.c: the header of a named
 * query (every error with its file and line), binding values to params, the
 * built-in queries on synthetic series whose answers are worked out here
 * (least squares, windows, globs), and the authorizer: every statement kind
 * it refuses fails with its reason and leaves the store file as it was.
 */
#include <math.h>
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
#include "oomsift/event.h"
#include "oomsift/ingest.h"
#include "oomsift/query.h"
#include "oomsift/store.h"

#include "series.h"

/* ---- helpers ---- */

/* A sink that keeps the rows as "a|b|c\n" lines (NULL as "NULL"). */
typedef struct rows {
	char text[16384];
	size_t used;
	int nrows;
	char columns[1024];
} rows;

static int rows_columns(void *ctx, int ncol, const char *const *names)
{
	rows *r = ctx;
	size_t used = 0;

	for (int c = 0; c < ncol; c++)
		used += (size_t)snprintf(r->columns + used, sizeof(r->columns) - used, "%s%s",
		                         c ? "," : "", names[c]);
	return 0;
}

static int rows_row(void *ctx, int ncol, const oomsift_value *v)
{
	rows *r = ctx;

	for (int c = 0; c < ncol; c++) {
		char cell[256];
		switch (v[c].type) {
		case OOMSIFT_VALUE_INT:
			snprintf(cell, sizeof(cell), "%lld", (long long)v[c].i);
			break;
		case OOMSIFT_VALUE_REAL:
			snprintf(cell, sizeof(cell), "%.15g", v[c].d);
			break;
		case OOMSIFT_VALUE_TEXT:
			snprintf(cell, sizeof(cell), "%.*s", (int)v[c].len, v[c].s);
			break;
		default:
			snprintf(cell, sizeof(cell), "NULL");
		}
		r->used += (size_t)snprintf(r->text + r->used, sizeof(r->text) - r->used, "%s%s",
		                            cell, c + 1 == ncol ? "\n" : "|");
		assert_true(r->used < sizeof(r->text));
	}
	r->nrows++;
	return 0;
}

static oomsift_query_sink sink_of(rows *r)
{
	memset(r, 0, sizeof(*r));
	return (oomsift_query_sink){rows_columns, rows_row, r};
}

static oomsift_store *open_memory_store(void)
{
	oomsift_store *s;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	return s;
}

static const oomsift_named_queries *builtin(void)
{
	static oomsift_named_queries *set;

	if (!set)
		assert_int_equal(oomsift_named_queries_builtin(&set), 0);
	return set;
}

/* Runs the built-in query `name` with args "k=v" (NULL-terminated). */
static int run_named(oomsift_store *s, const char *name, rows *r, ...)
{
	const oomsift_named_query *q = oomsift_named_queries_find(builtin(), name);
	oomsift_query_arg args[8];
	char buf[8][128];
	size_t n = 0;
	oomsift_query_sink sink = sink_of(r);
	const char *kv;
	va_list ap;

	assert_non_null(q);
	va_start(ap, r);
	while ((kv = va_arg(ap, const char *)) && n < 8) {
		char *eq;
		snprintf(buf[n], sizeof(buf[n]), "%s", kv);
		eq = strchr(buf[n], '=');
		assert_non_null(eq);
		*eq = '\0';
		args[n] = (oomsift_query_arg){buf[n], eq + 1};
		n++;
	}
	va_end(ap);
	return oomsift_named_query_run(s, q, args, n, (int64_t)(T0 + 100 * DAY), &sink);
}

/* ---- synthetic events ---- */

/* ---- the header ---- */

static void test_header(void **state)
{
	const char *text = "-- name: grow\n"
	                   "-- description: what grows\n"
	                   "-- param: since time 7d  start of the window\n"
	                   "-- param: min_points int 3  fewest points\n"
	                   "-- param: label text 'a b''c'  a quoted default\n"
	                   "\n"
	                   "-- note: a comment after a blank line is SQL's\n"
	                   "SELECT :min_points, :label, :since, :until, :host\n";
	oomsift_named_query *q;
	oomsift_named_query_info info;

	(void)state;
	assert_int_equal(oomsift_named_query_parse(&q, "queries/grow.sql", text), 0);
	oomsift_named_query_get(q, &info);
	assert_string_equal(info.name, "grow");
	assert_string_equal(info.description, "what grows");
	assert_string_equal(info.file, "queries/grow.sql");
	assert_string_equal(info.sql, text);
	assert_int_equal(info.nparams, 5);
	assert_string_equal(info.params[0].name, "since");
	assert_string_equal(info.params[0].default_value, "7d");
	assert_string_equal(info.params[0].description, "start of the window");
	assert_int_equal(info.params[0].line, 3);
	assert_string_equal(info.params[1].name, "until");
	assert_string_equal(info.params[1].default_value, "all");
	assert_int_equal(info.params[1].line, 0);
	assert_string_equal(info.params[2].name, "host");
	assert_string_equal(info.params[2].default_value, "*");
	assert_int_equal(info.params[2].type, OOMSIFT_PARAM_GLOB);
	assert_string_equal(info.params[3].name, "min_points");
	assert_int_equal(info.params[3].type, OOMSIFT_PARAM_INT);
	assert_string_equal(info.params[3].default_value, "3");
	assert_string_equal(info.params[3].description, "fewest points");
	assert_int_equal(info.params[3].line, 4);
	assert_string_equal(info.params[4].default_value, "a b'c");
	assert_string_equal(info.params[4].description, "a quoted default");
	assert_string_equal(oomsift_param_type_name(info.params[4].type), "text");
	oomsift_named_query_free(q);

	/* CRLF lines, a file name that is not NAME.sql */
	assert_int_equal(
	    oomsift_named_query_parse(&q, "from the test",
	                              "-- name: crlf\r\n-- description: d\r\n"
	                              "-- param: x real 1.5  a number\r\nSELECT :x\r\n"),
	    0);
	oomsift_named_query_get(q, &info);
	assert_string_equal(info.name, "crlf");
	assert_string_equal(info.params[3].default_value, "1.5");
	assert_string_equal(info.params[3].description, "a number");
	oomsift_named_query_free(q);
}

static void test_header_errors(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
	    {"SELECT 1\n", "q.sql:1: the first line must be '-- name: NAME'"},
	    {"-- name: Bad_Name\n", "q.sql:1: bad query name 'Bad_Name'"},
	    {"-- name: other\n", "q.sql:1: the query is named 'other', but its file is q.sql"},
	    {"-- name: q\nSELECT 1\n", "q.sql:2: the second line must be '-- description: TEXT'"},
	    {"-- name: q\n-- description:\nSELECT 1\n", "q.sql:2: the description is empty"},
	    {"-- name: q\n-- description: d\n-- param: x int\nSELECT 1\n",
	     "q.sql:3: expected '-- param: NAME TYPE DEFAULT DESCRIPTION'"},
	    {"-- name: q\n-- description: d\n-- param: x int 3\nSELECT 1\n",
	     "q.sql:3: param 'x' has no description"},
	    {"-- name: q\n-- description: d\n-- param: x date 3 d\nSELECT 1\n",
	     "q.sql:3: unknown type 'date' (int, real, text, time or glob)"},
	    {"-- name: q\n-- description: d\n-- param: 1x int 3 d\nSELECT 1\n",
	     "q.sql:3: bad param name '1x'"},
	    {"-- name: q\n-- description: d\n-- param: Min int 3 d\nSELECT 1\n",
	     "q.sql:3: bad param name 'Min'"},
	    {"-- name: q\n-- description: d\n-- param: x int 3 d\n-- param: x int 4 e\nSELECT 1\n",
	     "q.sql:4: param 'x' is declared twice (first at line 3)"},
	    {"-- name: q\n-- description: d\n-- param: since int 3 d\nSELECT 1\n",
	     "q.sql:3: param 'since' must be of type time"},
	    {"-- name: q\n-- description: d\n-- param: host text x d\nSELECT 1\n",
	     "q.sql:3: param 'host' must be of type glob"},
	    {"-- name: q\n-- description: d\n-- param: x int abc d\nSELECT 1\n",
	     "q.sql:3: the default of 'x' needs an integer, not 'abc'"},
	    {"-- name: q\n-- description: d\n-- param: x real 1e999 d\nSELECT 1\n",
	     "q.sql:3: the default of 'x' needs a number, not '1e999'"},
	    {"-- name: q\n-- description: d\n-- param: x time soon d\nSELECT 1\n",
	     "q.sql:3: the default of 'x': "},
	    {"-- name: q\n-- description: d\n-- param: x text 'open d\nSELECT 1\n",
	     "q.sql:3: unclosed quote in the default"},
	    {"-- name: q\n-- description: d\n-- params: x int 3 d\nSELECT 1\n",
	     "q.sql:3: unknown header line '-- params:'"},
	    {"-- name: q\n-- description: d\n-- param: x int 3 d\n-- Note: fine\n",
	     "q.sql:3: no SQL after the header"},
	    {"-- name: q\n-- description: d\n\n  \n-- just a comment\n", "q.sql:2: no SQL"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		oomsift_named_query *q = (oomsift_named_query *)1;
		int rc = oomsift_named_query_parse(&q, "queries/q.sql", cases[i].text);
		if (rc != OOMSIFT_EINVAL || q != NULL ||
		    !strstr(oomsift_error_message(), cases[i].message))
			fail_msg("case %zu: rc %d, message '%s', expected '%s'", i, rc,
			         oomsift_error_message(), cases[i].message);
		if (strncmp(oomsift_error_message(), "queries/q.sql:", 14) != 0)
			fail_msg("case %zu: '%s' does not name the file", i,
			         oomsift_error_message());
	}
}

static void test_header_caps(void **state)
{
	char *big = malloc(OOMSIFT_QUERY_MAX_TEXT + 64), text[4096];
	oomsift_named_query *q;
	size_t used;

	(void)state;
	assert_non_null(big);
	used = (size_t)snprintf(big, 64, "-- name: big\n-- description: d\nSELECT 1");
	memset(big + used, ' ', OOMSIFT_QUERY_MAX_TEXT);
	big[used + OOMSIFT_QUERY_MAX_TEXT] = '\0';
	assert_int_equal(oomsift_named_query_parse(&q, "big.sql", big), OOMSIFT_ELIMIT);
	assert_string_equal(oomsift_error_message(), "big.sql: larger than 262144 bytes");
	free(big);

	used = (size_t)snprintf(text, sizeof(text), "-- name: many\n-- description: d\n");
	for (int i = 0; i <= OOMSIFT_QUERY_MAX_PARAMS; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		                         "-- param: p%d int %d  param %d\n", i, i, i);
	snprintf(text + used, sizeof(text) - used, "SELECT 1\n");
	assert_int_equal(oomsift_named_query_parse(&q, "many.sql", text), OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(), "many.sql:19: too many params (at most 16)");
}

/* ---- binding ---- */

static void test_bind(void **state)
{
	oomsift_named_query *q;
	oomsift_value v[6];
	int64_t now = (int64_t)T0;

	(void)state;
	assert_int_equal(
	    oomsift_named_query_parse(&q, "b.sql",
	                              "-- name: b\n-- description: d\n"
	                              "-- param: since time 30d  start\n"
	                              "-- param: n int 2  count\n-- param: r real 0.5  ratio\n"
	                              "SELECT :since, :until, :host, :n, :r\n"),
	    0);
	assert_int_equal(oomsift_named_query_bind(q, NULL, 0, now, v), 0);
	assert_int_equal(v[0].type, OOMSIFT_VALUE_REAL);
	assert_true(v[0].d == T0 - 30 * DAY);
	assert_int_equal(v[1].type, OOMSIFT_VALUE_NULL);
	assert_int_equal(v[2].type, OOMSIFT_VALUE_TEXT);
	assert_string_equal(v[2].s, "*");
	assert_int_equal(v[3].type, OOMSIFT_VALUE_INT);
	assert_int_equal(v[3].i, 2);
	assert_int_equal(v[4].type, OOMSIFT_VALUE_REAL);
	assert_true(v[4].d == 0.5);

	oomsift_query_arg args[] = {
	    {"n", "-7"}, {"since", "all"}, {"until", "2026-01-02"}, {"host", "web*"}, {"r", "1e3"}};
	assert_int_equal(oomsift_named_query_bind(q, args, 5, now, v), 0);
	assert_int_equal(v[0].type, OOMSIFT_VALUE_NULL);
	assert_true(v[1].type == OOMSIFT_VALUE_REAL && v[1].d == T0 + DAY);
	assert_string_equal(v[2].s, "web*");
	assert_int_equal(v[3].i, -7);
	assert_true(v[4].d == 1000);

	static const struct {
		oomsift_query_arg arg;
		const char *message;
	} bad[] = {
	    {{"nope", "1"}, "query 'b' has no param 'nope' (its params: since, until, host, n, r)"},
	    {{"n", "2x"}, "param 'n' needs an integer, not '2x'"},
	    {{"n", ""}, "param 'n' needs an integer, not ''"},
	    {{"n", " 2"}, "param 'n' needs an integer, not ' 2'"},
	    {{"n", "99999999999999999999"}, "param 'n' needs an integer"},
	    {{"r", "nan"}, "param 'r' needs a number, not 'nan'"},
	    {{"r", "inf"}, "param 'r' needs a number, not 'inf'"},
	    {{"since", "last week"}, "param 'since': "},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = oomsift_named_query_bind(q, &bad[i].arg, 1, now, v);
		if (rc != OOMSIFT_EINVAL || !strstr(oomsift_error_message(), bad[i].message))
			fail_msg("bad %zu: rc %d, '%s'", i, rc, oomsift_error_message());
	}
	oomsift_query_arg twice[] = {{"n", "1"}, {"n", "2"}};
	assert_int_equal(oomsift_named_query_bind(q, twice, 2, now, v), OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(), "param 'n' is given twice");
	oomsift_named_query_free(q);

	/* ad-hoc SQL has since, until and host, and says so */
	assert_int_equal(oomsift_named_query_adhoc(&q, "SELECT 1"), 0);
	oomsift_query_arg other = {"n", "1"};
	assert_int_equal(oomsift_named_query_bind(q, &other, 1, now, v), OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(),
	                    "ad-hoc SQL has no param 'n' (its params: since, until, host; --param "
	                    "is for named queries)");
	oomsift_named_query_free(q);
}

/* ---- running ---- */

static void test_run_checks_params(void **state)
{
	oomsift_store *s = open_memory_store();
	oomsift_named_query *q;
	rows r;
	oomsift_query_sink sink = sink_of(&r);
	oomsift_query_arg since = {"since", "2026-01-01"};

	(void)state;
	/* a parameter the header does not declare */
	assert_int_equal(oomsift_named_query_parse(&q, "queries/x.sql",
	                                           "-- name: x\n-- description: d\n"
	                                           "SELECT :since, :until, :host, :nope\n"),
	                 0);
	assert_int_equal(oomsift_named_query_run(s, q, NULL, 0, 0, &sink), OOMSIFT_ESQL);
	assert_string_equal(oomsift_error_message(),
	                    "queries/x.sql: the SQL reads :nope, which is not a param (params: "
	                    ":since, :until, :host)");
	oomsift_named_query_free(q);
	/* a declared param the SQL never reads */
	assert_int_equal(oomsift_named_query_parse(&q, "queries/x.sql",
	                                           "-- name: x\n-- description: d\n"
	                                           "-- param: n int 1  n\n"
	                                           "SELECT :since, :until, :host\n"),
	                 0);
	assert_int_equal(oomsift_named_query_run(s, q, NULL, 0, 0, &sink), OOMSIFT_ESQL);
	assert_string_equal(oomsift_error_message(),
	                    "queries/x.sql: param 'n' is given, but the SQL never reads it");
	oomsift_named_query_free(q);
	/* positional parameters */
	assert_int_equal(oomsift_named_query_adhoc(&q, "SELECT ?1"), 0);
	assert_int_equal(oomsift_named_query_run(s, q, NULL, 0, 0, &sink), OOMSIFT_ESQL);
	assert_string_equal(oomsift_error_message(),
	                    "parameter '?1' is not allowed: name it :NAME");
	oomsift_named_query_free(q);
	/* ad-hoc SQL: since given but not read; then read */
	assert_int_equal(oomsift_named_query_adhoc(&q, "SELECT 1"), 0);
	assert_int_equal(oomsift_named_query_run(s, q, &since, 1, 0, &sink), OOMSIFT_ESQL);
	assert_string_equal(oomsift_error_message(),
	                    "param 'since' is given, but the SQL never reads it");
	oomsift_named_query_free(q);
	assert_int_equal(oomsift_named_query_adhoc(&q, "SELECT :since AS s, :host AS h"), 0);
	assert_int_equal(oomsift_named_query_run(s, q, &since, 1, 0, &sink), 0);
	assert_string_equal(r.columns, "s,h");
	assert_string_equal(r.text, "1767225600|*\n");
	oomsift_named_query_free(q);
	/* plain oomsift_query_run binds nothing */
	assert_int_equal(oomsift_query_run(s, "SELECT :since", &sink), OOMSIFT_ESQL);
	assert_string_equal(oomsift_error_message(),
	                    "the SQL reads :since, but nothing is bound to it");
	/* nothing runs when a later statement is bad */
	sink = sink_of(&r);
	assert_int_equal(oomsift_query_run(s, "SELECT 1; SELECT :x", &sink), OOMSIFT_ESQL);
	assert_int_equal(r.nrows, 0);
	oomsift_store_free(s);
}

static void test_builtin_set(void **state)
{
	static const char *const names[] = {
	    "biggest-consumers",  "by-cause",      "by-host",      "daily",
	    "hosts-without-swap", "leak-suspects", "memcg-limits", "recent",
	    "repeat-offenders",   "top-victims",   "unit-kills",
	};
	const oomsift_named_queries *set = builtin();
	oomsift_store *s = open_memory_store();

	(void)state;
	assert_int_equal(oomsift_named_queries_count(set), sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < oomsift_named_queries_count(set); i++) {
		oomsift_named_query_info info;
		char file[128];
		rows r;
		oomsift_named_query_get(oomsift_named_queries_at(set, i), &info);
		assert_string_equal(info.name, names[i]);
		snprintf(file, sizeof(file), "queries/%s.sql", names[i]);
		assert_string_equal(info.file, file);
		assert_true(strlen(info.description) > 20);
		/* every query reads all its params and runs on an empty store */
		if (run_named(s, info.name, &r, NULL) != 0)
			fail_msg("%s: %s", info.name, oomsift_error_message());
		assert_int_equal(r.nrows, 0);
		assert_true(r.columns[0] != '\0');
	}
	assert_null(oomsift_named_queries_at(set, 99));
	assert_null(oomsift_named_queries_find(set, "nope"));
	oomsift_store_free(s);
}

/* Least squares of y on x, as leak-suspects must compute it in SQL. */
static double slope(const double *x, const double *y, int n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0;

	for (int i = 0; i < n; i++) {
		mx += x[i] / n;
		my += y[i] / n;
	}
	for (int i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
	}
	return sxy / sxx;
}

static void test_leak_suspects(void **state)
{
	static const double days[] = {0, 1, 2, 4.5};
	static const int64_t rss_kb[] = {1024000, 1536000, 1740800, 2662400};
	oomsift_store *s = open_memory_store();
	double y[4], want;
	char expect[256];
	series sr;
	rows r;

	(void)state;
	series_open(&sr, s);
	for (int i = 0; i < 4; i++) {
		series_event(&sr, "app1", days[i], "java", rss_kb[i], OOMSIFT_UNSET);
		y[i] = (double)rss_kb[i] / 1024.0;
	}
	/* a shrinking process and one seen twice only: no suspects */
	series_event(&sr, "app2", 0, "worker", 4096000, OOMSIFT_UNSET);
	series_event(&sr, "app2", 1, "worker", 2048000, OOMSIFT_UNSET);
	series_event(&sr, "app2", 2, "worker", 1024000, OOMSIFT_UNSET);
	series_event(&sr, "app3", 0, "cron", 4000, OOMSIFT_UNSET);
	series_event(&sr, "app3", 1, "cron", 8000, OOMSIFT_UNSET);

	want = slope(days, y, 4);
	assert_int_equal(run_named(s, "leak-suspects", &r, NULL), 0);
	assert_string_equal(r.columns, "host,name,clock,points,first_ts,last_ts,first_rss_mib,"
	                               "last_rss_mib,slope_mib_per_day");
	snprintf(expect, sizeof(expect),
	         "app1|java|wall|4|2026-01-01T00:00:00Z|2026-01-05T12:00:00Z|1000|2600|%.15g\n",
	         round(want * 10) / 10);
	assert_string_equal(r.text, expect);
	/* two points are enough for cron when asked */
	assert_int_equal(run_named(s, "leak-suspects", &r, "min_points=2", NULL), 0);
	assert_int_equal(r.nrows, 2);
	assert_non_null(strstr(r.text, "app3|cron|wall|2|2026-01-01T00:00:00Z|2026-01-02T00:00:00Z|"
	                               "3.9|7.8|3.9\n"));
	assert_int_equal(run_named(s, "leak-suspects", &r, "min_points=5", NULL), 0);
	assert_int_equal(r.nrows, 0);
	/* the window: from day 1 on, three points remain */
	assert_int_equal(run_named(s, "leak-suspects", &r, "since=2026-01-02", NULL), 0);
	want = slope(days + 1, y + 1, 3);
	snprintf(expect, sizeof(expect),
	         "app1|java|wall|3|2026-01-02T00:00:00Z|2026-01-05T12:00:00Z|1500|2600|%.15g\n",
	         round(want * 10) / 10);
	assert_string_equal(r.text, expect);
	assert_int_equal(run_named(s, "leak-suspects", &r, "host=app[23]", NULL), 0);
	assert_int_equal(r.nrows, 0);
	oomsift_store_free(s);
}

static void test_windows_and_hosts(void **state)
{
	oomsift_store *s = open_memory_store();
	series sr;
	rows r;

	(void)state;
	series_open(&sr, s);
	series_event(&sr, "db1", 0, "mysqld", 8192000, OOMSIFT_UNSET);
	series_event(&sr, "db1", 3, "mysqld", 9216000, OOMSIFT_UNSET);
	series_event(&sr, "db1", 10, "mysqld", 10240000, OOMSIFT_UNSET);
	series_event(&sr, "db2", 3.5, "mysqld", 1024000, OOMSIFT_UNSET);
	series_event(&sr, "web1", 3.25, "php-fpm", 512000, OOMSIFT_UNSET);

	/* repeat-offenders: its since defaults to 30 days before now (day 100) */
	assert_int_equal(run_named(s, "repeat-offenders", &r, NULL), 0);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(run_named(s, "repeat-offenders", &r, "since=all", NULL), 0);
	assert_string_equal(r.text, "db1|mysqld|3|2026-01-01T00:00:00Z|2026-01-11T00:00:00Z|27000|"
	                            "10000|NULL\n");
	assert_int_equal(run_named(s, "repeat-offenders", &r, "since=all", "min_kills=4", NULL), 0);
	assert_int_equal(r.nrows, 0);
	/* until is excluded: day 10 is out */
	assert_int_equal(
	    run_named(s, "repeat-offenders", &r, "since=all", "until=2026-01-11", NULL), 0);
	assert_string_equal(r.text, "db1|mysqld|2|2026-01-01T00:00:00Z|2026-01-04T00:00:00Z|17000|"
	                            "9000|NULL\n");
	/* 100 days before now (T0 + 100 days) is T0 */
	assert_int_equal(run_named(s, "daily", &r, "since=100d", "until=2026-01-05", NULL), 0);
	assert_string_equal(r.text, "2026-01-01|db1|1|1|mysqld\n"
	                            "2026-01-04|db1|1|1|mysqld\n"
	                            "2026-01-04|db2|1|1|mysqld\n"
	                            "2026-01-04|web1|1|1|php-fpm\n");
	assert_int_equal(run_named(s, "by-host", &r, "host=db*", NULL), 0);
	assert_string_equal(r.text,
	                    "db1|3|3|0|3|0|2026-01-01T00:00:00Z|2026-01-11T00:00:00Z|mysqld|"
	                    "NULL\n"
	                    "db2|1|1|0|1|0|2026-01-04T12:00:00Z|2026-01-04T12:00:00Z|mysqld|"
	                    "NULL\n");
	assert_int_equal(run_named(s, "top-victims", &r, "limit=1", NULL), 0);
	assert_string_equal(r.text, "mysqld|4|2|28000|10000|2026-01-11T00:00:00Z\n");
	assert_int_equal(run_named(s, "recent", &r, "limit=2", "host=[dw]*", NULL), 0);
	assert_string_equal(r.text,
	                    "3|2026-01-11T00:00:00Z|db1|kernel_oom|mysqld|1004|10000|NULL\n"
	                    "4|2026-01-04T12:00:00Z|db2|kernel_oom|mysqld|1005|1000|NULL\n");
	/* every synthetic report printed Total swap 0 */
	assert_int_equal(run_named(s, "hosts-without-swap", &r, "host=web1", NULL), 0);
	assert_string_equal(r.text, "web1|1|1|1|0|NULL|NULL|2026-01-04T06:00:00Z\n");
	oomsift_store_free(s);
}

/* Events without a wall time: the lab's leak, read from its serial console
 * (uptimes only), is a series on the uptime clock, and outside any window
 * that has a bound. */
static void test_uptime_series(void **state)
{
	static const double uptime[] = {3.652677, 6.585097, 9.694336, 13.0473};
	static const double pages[] = {10312, 14404, 18496, 22588};
	oomsift_store *s = open_memory_store();
	double kib[4], want;
	char expect[256];
	rows r;

	(void)state;
	ingest_fixture(s, "lab/6.1.0-50-amd64/leak/console.txt.xz", "lab61", 0);
	for (int i = 0; i < 4; i++)
		kib[i] = pages[i] * 4;
	want = slope(uptime, kib, 4) * 86400 / 1024;
	assert_int_equal(run_named(s, "leak-suspects", &r, NULL), 0);
	snprintf(expect, sizeof(expect), "lab61|leakyd|uptime|4|NULL|NULL|40.3|88.2|%.15g\n",
	         round(want * 10) / 10);
	assert_string_equal(r.text, expect);
	assert_int_equal(run_named(s, "leak-suspects", &r, "since=2000-01-01", NULL), 0);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(run_named(s, "memcg-limits", &r, NULL), 0);
	assert_string_equal(r.text, "lab61|/leaky.service|4|4|88|4|88|NULL|NULL\n");
	assert_int_equal(run_named(s, "unit-kills", &r, NULL), 0);
	assert_string_equal(r.text, "lab61|leaky.service|service|NULL|4|4|NULL|leakyd\n");
	oomsift_store_free(s);
}

/* ---- the authorizer ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

static void test_authorizer(void **state)
{
	static const struct {
		const char *sql, *message;
	} refused[] = {
	    {"INSERT INTO meta VALUES ('k', 'v')", "INSERT into 'meta' is not allowed"},
	    {"UPDATE event SET host = 'x'", "UPDATE of 'event' is not allowed"},
	    {"DELETE FROM event", "DELETE from 'event' is not allowed"},
	    {"REPLACE INTO meta VALUES ('k', 'v')", "INSERT into 'meta' is not allowed"},
	    {"CREATE TABLE t (x)", "CREATE is not allowed"},
	    {"CREATE TEMP TABLE t (x)", "CREATE is not allowed"},
	    {"CREATE TEMP VIEW v AS SELECT 1", "CREATE is not allowed"},
	    {"CREATE INDEX i ON event (host)", "CREATE is not allowed"},
	    {"CREATE VIRTUAL TABLE temp.v USING json_each('[1]')", "CREATE is not allowed"},
	    {"DROP TABLE event", "DROP is not allowed"},
	    {"DROP VIEW oom_events", "DROP is not allowed"},
	    {"ALTER TABLE event ADD COLUMN x", "ALTER TABLE event is not allowed"},
	    {"ALTER TABLE event RENAME TO e", "ALTER TABLE event is not allowed"},
	    {"REINDEX", "REINDEX "},
	    {"ANALYZE", "ANALYZE "},
	    {"ATTACH 'attached.db' AS x", "ATTACH 'attached.db' is not allowed"},
	    {"DETACH main", "DETACH 'main' is not allowed"},
	    {"VACUUM INTO 'copy.db'", "only read-only statements are allowed: VACUUM INTO"},
	    {"VACUUM", "only read-only statements are allowed: VACUUM"},
	    {"BEGIN", "BEGIN is not allowed"},
	    {"COMMIT", "COMMIT is not allowed"},
	    {"SAVEPOINT a", "SAVEPOINT is not allowed"},
	    {"PRAGMA user_version = 9", "PRAGMA user_version with a value is not allowed"},
	    {"PRAGMA journal_mode = DELETE", "PRAGMA journal_mode with a value is not allowed"},
	    {"PRAGMA query_only = 0", "PRAGMA query_only with a value is not allowed"},
	    {"PRAGMA writable_schema = 1", "PRAGMA writable_schema with a value is not allowed"},
	    {"PRAGMA optimize", "PRAGMA optimize is not allowed"},
	    {"PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint is not allowed"},
	    {"SELECT load_extension('/tmp/x.so')", "function load_extension() is not allowed"},
	    {"SELECT fts3_tokenizer('simple')", "function fts3_tokenizer() is not allowed"},
	    {"UPDATE sqlite_master SET sql = 'x'", "table sqlite_master may not be modified"},
	    {"SELECT 1; DELETE FROM event", "DELETE from 'event' is not allowed"},
	};
	static const char *const allowed[] = {
	    "SELECT count(*) FROM oom_events",
	    "SELECT count(*) FROM pragma_table_info('event')",
	    "PRAGMA table_info(event)",
	    "PRAGMA index_list('event')",
	    "PRAGMA user_version",
	    "SELECT * FROM pragma_user_version",
	    "SELECT value FROM json_each('[1, 2]')",
	    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
	    "SELECT sum(x) FROM c",
	};
	char dir[] = "/tmp/oomsift-query-XXXXXX", path[256], other[256];
	oomsift_store *s;
	size_t len, len2;
	char *before, *after;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0); /* ATTACH and VACUUM INTO name relative files */
	snprintf(path, sizeof(path), "%s/store.db", dir);
	assert_int_equal(oomsift_store_open(&s, path, OOMSIFT_STORE_READWRITE), 0);
	ingest_fixture(s, "corpus/rhel7_3.10.log", NULL, 0);
	/* every page in the main file: the WAL is empty from here on */
	assert_int_equal(
	    sqlite3_exec(oomsift_store_db(s), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
	    SQLITE_OK);
	before = slurp(path, &len);
	/* read-write and read-only connections alike */
	for (int mode = 0; mode < 2; mode++) {
		if (mode == 1) {
			oomsift_store_free(s);
			assert_int_equal(oomsift_store_open(&s, path, OOMSIFT_STORE_READONLY), 0);
		}
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			rows r;
			oomsift_query_sink sink = sink_of(&r);
			int rc = oomsift_query_run(s, refused[i].sql, &sink);
			if (rc != OOMSIFT_ESQL ||
			    !strstr(oomsift_error_message(), refused[i].message))
				fail_msg("mode %d, '%s': rc %d, '%s'", mode, refused[i].sql, rc,
				         oomsift_error_message());
			assert_int_equal(r.nrows, 0);
		}
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
			rows r;
			oomsift_query_sink sink = sink_of(&r);
			if (oomsift_query_run(s, allowed[i], &sink) != 0 || r.nrows == 0)
				fail_msg("mode %d, '%s': %s", mode, allowed[i],
				         oomsift_error_message());
		}
	}
	oomsift_store_free(s);
	after = slurp(path, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(before, after, len);
	free(before);
	free(after);
	snprintf(other, sizeof(other), "%s/attached.db", dir);
	assert_int_not_equal(access(other, F_OK), 0);
	snprintf(other, sizeof(other), "%s/copy.db", dir);
	assert_int_not_equal(access(other, F_OK), 0);
	/* the authorizer is the query's: the store itself still writes */
	assert_int_equal(oomsift_store_open(&s, path, OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(
	    sqlite3_exec(oomsift_store_db(s), "CREATE TEMP TABLE t (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	oomsift_store_free(s);
	for (const char *const *ext = (const char *const[]){"", "-wal", "-shm", NULL}; *ext;
	     ext++) {
		snprintf(other, sizeof(other), "%s%s", path, *ext);
		unlink(other);
	}
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_header_caps),
	    cmocka_unit_test(test_bind),
	    cmocka_unit_test(test_run_checks_params),
	    cmocka_unit_test(test_builtin_set),
	    cmocka_unit_test(test_leak_suspects),
	    cmocka_unit_test(test_windows_and_hosts),
	    cmocka_unit_test(test_uptime_series),
	    cmocka_unit_test(test_authorizer),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	oomsift_named_queries *set = (oomsift_named_queries *)builtin();
	oomsift_named_queries_free(set);
	return rc;
}
