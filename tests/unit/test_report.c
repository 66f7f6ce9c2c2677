/*
 * Unit tests for the report model (queries/report.c) on synthetic stores
 * whose answers are worked out by hand: the incident rule and its gap, new
 * versus recurring problems and their window, leak suspects and the slope,
 * the previous period, the host pattern, text made safe; and for the HTML
 * escaping function and the JSON renderer.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "oomsift/error.h"
#include "oomsift/event.h"
#include "oomsift/report.h"
#include "oomsift/store.h"

#define MIN  60
#define HOUR 3600
#define DAY  86400
#define T0   1794182400 /* Monday 2026-11-09T00:00:00Z, the start of 2026-W46 */

/* ---- a synthetic store ---- */

typedef struct fixture {
	oomsift_store *s;
	int64_t source_id;
	unsigned next;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	oomsift_source_info info = {.path = "synthetic", .head = "x", .head_len = 1, .size = 1};
	oomsift_source_pos pos;

	assert_non_null(fx);
	assert_int_equal(oomsift_store_open(&fx->s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(oomsift_store_begin(fx->s), 0);
	assert_int_equal(oomsift_store_source_begin(fx->s, &info, &pos), 0);
	assert_int_equal(oomsift_store_commit(fx->s), 0);
	fx->source_id = pos.id;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;

	oomsift_store_free(fx->s);
	free(fx);
	return 0;
}

/* A kill on host at T0 + at seconds: victim comm with rss_kb in its task
 * table (beside a steady sshd), primary cause `cause` (NULL: none). */
static int64_t kill_at(fixture *fx, const char *host, double at, const char *comm, int64_t rss_kb,
                       const char *cause)
{
	oomsift_event *ev = oomsift_event_new();
	sqlite3_stmt *st;
	int64_t id;
	bool inserted;

	assert_non_null(ev);
	fx->next++;
	memcpy(ev->fingerprint, &fx->next, sizeof(fx->next));
	ev->host = oomsift_event_strdup(ev, host, strlen(host));
	ev->has_ts = true;
	ev->ts_unix = T0 + at;
	ev->kind = OOMSIFT_KERNEL_OOM;
	ev->victim_pid = 1000 + fx->next;
	ev->victim_comm = oomsift_event_strdup(ev, comm, strlen(comm));
	ev->victim_anon_rss_kb = rss_kb;
	ev->has_header = ev->has_kill = ev->has_task_table = true;
	ev->line = fx->next;
	ev->tasks = calloc(2, sizeof(*ev->tasks));
	assert_non_null(ev->tasks);
	ev->tasks_cap = ev->ntasks = 2;
	ev->tasks[0] = (oomsift_task){.pid = 1, .rss = 100, .name = "sshd"};
	ev->tasks[1] = (oomsift_task){.pid = ev->victim_pid, .rss = rss_kb / 4, .name = comm};
	assert_int_equal(oomsift_store_begin(fx->s), 0);
	assert_int_equal(oomsift_store_put_event(fx->s, ev, fx->source_id, &id, &inserted), 0);
	assert_int_equal(oomsift_store_commit(fx->s), 0);
	assert_true(inserted);
	oomsift_event_free(ev);
	if (cause) {
		assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(fx->s),
		                                    "UPDATE event SET cause = ?1 WHERE id = ?2", -1,
		                                    &st, NULL),
		                 SQLITE_OK);
		sqlite3_bind_text(st, 1, cause, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	return id;
}

/* The report of 2026-W46 (gap 0: the default). */
static oomsift_report *week(fixture *fx, const char *hosts, int64_t gap_s)
{
	oomsift_report_opts o = {.start = T0,
	                         .end = T0 + 7 * DAY,
	                         .label = "2026-W46",
	                         .host_glob = hosts,
	                         .incident_gap_s = gap_s,
	                         .now = T0 + 8 * DAY};
	oomsift_report *r;

	assert_int_equal(oomsift_report_build(&r, fx->s, &o), 0);
	return r;
}

static const oomsift_report_host *host_row(const oomsift_report *r, const char *host)
{
	for (size_t i = 0; i < r->nhosts; i++)
		if (strcmp(r->hosts[i].host, host) == 0)
			return &r->hosts[i];
	fail_msg("no row for host %s", host);
	return NULL;
}

/* ---- incidents ---- */

static void test_incidents(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;

	/* web1: 0, +10 min (one incident), +45 (35 min after: a new one), +60
	 * (15 min after: the same), +90 (exactly 30 min after: a new one) */
	kill_at(fx, "web1", 0, "php", 1000, "single_hog");
	kill_at(fx, "web1", 10 * MIN, "php", 1000, "single_hog");
	kill_at(fx, "web1", 45 * MIN, "php", 1000, "single_hog");
	kill_at(fx, "web1", 60 * MIN, "php", 1000, "single_hog");
	kill_at(fx, "web1", 90 * MIN, "php", 1000, "single_hog");
	/* db1, in between: its own incident, whatever web1 does */
	kill_at(fx, "db1", 5 * MIN, "mysqld", 1000, "single_hog");
	/* the week before: an incident of the previous period */
	kill_at(fx, "web1", -2 * DAY, "php", 1000, "single_hog");

	r = week(fx, NULL, 0);
	assert_int_equal(r->incident_gap_s, OOMSIFT_REPORT_INCIDENT_GAP_S);
	assert_int_equal(r->headline.kills.now, 6);
	assert_int_equal(r->headline.kills.prev, 1);
	assert_int_equal(r->headline.incidents.now, 4);
	assert_int_equal(r->headline.incidents.prev, 1);
	assert_int_equal(r->headline.hosts.now, 2);
	assert_int_equal(r->headline.hosts.prev, 1);
	assert_int_equal(host_row(r, "web1")->incidents, 3);
	assert_int_equal(host_row(r, "db1")->incidents, 1);
	oomsift_report_free(r);

	/* a gap of an hour makes web1's kills one incident */
	r = week(fx, NULL, HOUR);
	assert_int_equal(host_row(r, "web1")->incidents, 1);
	assert_int_equal(r->headline.incidents.now, 2);
	oomsift_report_free(r);

	/* a gap of 10 minutes: 0 and +10 are apart by exactly the gap */
	r = week(fx, NULL, 10 * MIN);
	assert_int_equal(host_row(r, "web1")->incidents, 5);
	oomsift_report_free(r);
}

/* ---- new and recurring ---- */

static const oomsift_report_problem *problem(const oomsift_report *r, const char *host,
                                             const char *victim)
{
	for (size_t i = 0; i < r->nproblems; i++)
		if (strcmp(r->problems[i].host, host) == 0 &&
		    strcmp(r->problems[i].victim, victim) == 0)
			return &r->problems[i];
	fail_msg("no problem %s/%s", host, victim);
	return NULL;
}

static void test_new_and_recurring(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;

	kill_at(fx, "a", DAY, "java", 1000, "memcg_limit");
	kill_at(fx, "a", 2 * DAY, "java", 1000, "memcg_limit");
	kill_at(fx, "a", -10 * DAY, "java", 1000, "memcg_limit"); /* within 4 weeks: recurring */
	kill_at(fx, "a", DAY, "node", 1000, "single_hog");        /* new */
	kill_at(fx, "b", DAY, "java", 1000, "memcg_limit");       /* another host: new */
	kill_at(fx, "c", DAY, "redis", 1000, "single_hog");       /* seen 29 days before: new */
	kill_at(fx, "c", -29 * DAY, "redis", 1000, "single_hog");
	kill_at(fx, "d", DAY, "cron", 1000, "single_hog"); /* another cause before: new */
	kill_at(fx, "d", -3 * DAY, "cron", 1000, "no_swap");
	kill_at(fx, "e", DAY, "x", 1000, NULL); /* unclassified, both times */
	kill_at(fx, "e", -27 * DAY, "x", 1000, NULL);

	r = week(fx, NULL, 0);
	assert_int_equal(r->new_problems, 4);
	assert_int_equal(r->recurring_problems, 2);
	assert_true(problem(r, "a", "java")->recurring);
	assert_int_equal(problem(r, "a", "java")->kills, 2);
	assert_int_equal(problem(r, "a", "java")->kills_before, 1);
	assert_false(problem(r, "a", "node")->recurring);
	assert_false(problem(r, "b", "java")->recurring);
	assert_false(problem(r, "c", "redis")->recurring);
	assert_false(problem(r, "d", "cron")->recurring);
	assert_true(problem(r, "e", "x")->recurring);
	assert_null(problem(r, "e", "x")->cause);
	/* new ones are listed first */
	assert_false(r->problems[0].recurring);
	assert_true(r->problems[r->nproblems - 1].recurring);
	/* by cause: unclassified is NULL; the previous period's causes are there too */
	assert_int_equal(r->headline.kills.now, 7);
	for (size_t i = 0; i < r->ncauses; i++)
		if (r->causes[i].cause && strcmp(r->causes[i].cause, "no_swap") == 0) {
			assert_int_equal(r->causes[i].kills.now, 0);
			assert_int_equal(r->causes[i].kills.prev, 1);
		}
	oomsift_report_free(r);
}

/* ---- leak suspects ---- */

static void test_slope(void **state)
{
	(void)state;
	/* y = 2x + 1 at x = 0, 1, 2, 3 */
	assert_true(fabs(oomsift_report_slope(4, 6, 16, 34, 14) - 2) < 1e-12);
	/* y = 3 - x at x = 0, 1, 2 */
	assert_true(fabs(oomsift_report_slope(3, 3, 6, 4, 5) + 1) < 1e-12);
	/* one point, or every point at one time: no slope */
	assert_true(oomsift_report_slope(1, 1, 5, 5, 1) == 0);
	assert_true(oomsift_report_slope(3, 6, 9, 18, 12) == 0);
}

static void test_leak_suspects(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;

	/* app grows by 10 MiB a day over 4 reports (two before the week, in the 30 days) */
	kill_at(fx, "h", -20 * DAY, "app", 100 * 1024, "single_hog");
	kill_at(fx, "h", -10 * DAY, "app", 200 * 1024, "single_hog");
	kill_at(fx, "h", 0, "app", 300 * 1024, "single_hog");
	kill_at(fx, "h", 10 * HOUR, "app", 304 * 1024, "single_hog");
	/* flat: no suspect */
	kill_at(fx, "h", -5 * DAY, "flat", 5000, "single_hog");
	kill_at(fx, "h", -4 * DAY, "flat", 5000, "single_hog");
	kill_at(fx, "h", -3 * DAY, "flat", 5000, "single_hog");
	/* growing by a few pages: below the growth a suspect needs */
	kill_at(fx, "h", -2 * DAY, "wobble", 40000, "single_hog");
	kill_at(fx, "h", -1 * DAY, "wobble", 40008, "single_hog");
	kill_at(fx, "h", 1 * DAY, "wobble", 40020, "single_hog");
	/* two points only */
	kill_at(fx, "h", 1 * DAY, "pair", 1000, "single_hog");
	kill_at(fx, "h", 2 * DAY, "pair", 900000, "single_hog");
	/* older than 30 days before the period's end: out of the window */
	kill_at(fx, "h", -40 * DAY, "pair", 500, "single_hog");

	r = week(fx, NULL, 0);
	assert_int_equal(r->nsuspects, 1);
	assert_string_equal(r->suspects[0].host, "h");
	assert_string_equal(r->suspects[0].name, "app");
	assert_int_equal(r->suspects[0].points, 4);
	assert_int_equal(r->suspects[0].nseries, 4);
	assert_int_equal(r->suspects[0].series[0].rss_kb, 100 * 1024);
	assert_int_equal(r->suspects[0].series[3].rss_kb, 304 * 1024);
	assert_true(r->suspects[0].series[0].ts < r->suspects[0].series[1].ts);
	/* least squares over x = -20, -10, 0, 0.4167 days: a little above 10 MiB a day */
	{
		double x[] = {0, 10, 20, 20 + 10.0 / 24}, y[] = {102400, 204800, 307200, 311296};
		double sx = 0, sy = 0, sxy = 0, sxx = 0;
		for (int i = 0; i < 4; i++)
			sx += x[i], sy += y[i], sxy += x[i] * y[i], sxx += x[i] * x[i];
		assert_true(fabs(r->suspects[0].slope_kb_per_day -
		                 oomsift_report_slope(4, sx, sy, sxy, sxx)) < 1e-6);
		assert_true(r->suspects[0].slope_kb_per_day > 10000 &&
		            r->suspects[0].slope_kb_per_day < 10500);
	}
	oomsift_report_free(r);
}

/* ---- hosts, periods, text ---- */

static void test_hosts_and_groups(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;

	kill_at(fx, "web-1", DAY, "php", 2000, "worker_storm");
	kill_at(fx, "web-1", DAY + 5, "php", 3000, "worker_storm");
	kill_at(fx, "web-1", 2 * DAY, "java", 9000, "single_hog");
	kill_at(fx, "db-1", 3 * DAY, "mysqld", 50000, "single_hog");

	r = week(fx, NULL, 0);
	assert_int_equal(r->nhosts, 2);
	assert_string_equal(r->hosts[0].host, "web-1"); /* most kills first */
	assert_string_equal(r->hosts[0].top_cause, "worker_storm");
	assert_int_equal(r->hosts[0].top_cause_kills, 2);
	assert_string_equal(r->hosts[0].worst_victim, "java");
	assert_int_equal(r->hosts[0].worst_victim_rss_kb, 9000);
	assert_int_equal(r->host_day[0][1], 2);
	assert_int_equal(r->host_day[0][2], 1);
	assert_int_equal(r->host_day[1][3], 1);
	assert_int_equal(r->ndays, 7);
	assert_string_equal(r->victims[0].name, "php");
	assert_int_equal(r->victims[0].kills, 2);
	assert_int_equal(r->victims[0].max_rss_kb, 3000);
	oomsift_report_free(r);

	r = week(fx, "db-*", 0);
	assert_int_equal(r->headline.kills.now, 1);
	assert_int_equal(r->nhosts, 1);
	assert_string_equal(r->hosts[0].host, "db-1");
	assert_string_equal(r->host_glob, "db-*");
	oomsift_report_free(r);
}

/* Sets a text column of an event (the groups a kill was in). */
static void set_text(fixture *fx, int64_t id, const char *column, const char *value)
{
	char sql[128];
	sqlite3_stmt *st;

	snprintf(sql, sizeof(sql), "UPDATE event SET %s = ?1 WHERE id = ?2", column);
	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(fx->s), sql, -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Ties, in the order the report's SQL gave them: a host's top cause (a cause
 * before none, then by name), victims of equal kills (the larger RSS first),
 * groups of equal kills and name (by kind: cgroup, container, unit). */
static void test_ties(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;

	set_text(fx, kill_at(fx, "web-1", DAY, "a", 1000, NULL), "unit", "x");
	set_text(fx, kill_at(fx, "web-1", 2 * DAY, "b", 3000, "zeta"), "oom_memcg", "x");
	set_text(fx, kill_at(fx, "web-1", 3 * DAY, "c", 2000, "alpha"), "container_id", "x");
	set_text(fx, kill_at(fx, "web-2", 3 * DAY, "d", 500, NULL), "oom_memcg", "/");

	r = week(fx, NULL, 0);
	assert_int_equal(r->nhosts, 2);
	assert_string_equal(r->hosts[0].top_cause, "alpha");
	assert_int_equal(r->hosts[0].top_cause_kills, 1);
	assert_null(r->hosts[1].top_cause);
	assert_int_equal(r->nvictims, 4);
	assert_string_equal(r->victims[0].name, "b");
	assert_string_equal(r->victims[1].name, "c");
	assert_string_equal(r->victims[2].name, "a");
	assert_string_equal(r->victims[3].name, "d");
	assert_int_equal(r->ngroups, 3); /* the root cgroup is no group */
	assert_string_equal(r->groups[0].kind, "cgroup");
	assert_string_equal(r->groups[1].kind, "container");
	assert_string_equal(r->groups[2].kind, "unit");
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(r->groups[i].name, "x");
	oomsift_report_free(r);
}

static void test_bad_periods(void **state)
{
	fixture *fx = *state;
	oomsift_report_opts o = {.start = T0, .end = T0};
	oomsift_report *r = (oomsift_report *)1;

	assert_int_equal(oomsift_report_build(&r, fx->s, &o), OOMSIFT_EINVAL);
	assert_null(r);
	o.end = T0 + (OOMSIFT_REPORT_MAX_DAYS + 1) * (int64_t)DAY;
	assert_int_equal(oomsift_report_build(&r, fx->s, &o), OOMSIFT_EINVAL);
	assert_non_null(strstr(oomsift_error_message(), "at most"));
	/* a period of a day and a half has two days, the second cut */
	o.end = T0 + DAY + DAY / 2;
	assert_int_equal(oomsift_report_build(&r, fx->s, &o), 0);
	assert_int_equal(r->ndays, 2);
	assert_non_null(strstr(r->label, "2026-11-09T00:00:00Z/"));
	oomsift_report_free(r);
}

static void test_text_made_safe(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;

	/* an escape sequence, a bad byte and a cut sequence in a process name */
	kill_at(fx, "h", DAY, "\x1b[31mred\xff\xe2\x82", 1000, "single_hog");
	r = week(fx, NULL, 0);
	assert_string_equal(r->victims[0].name,
	                    "\xef\xbf\xbd[31mred\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	oomsift_report_free(r);
}

/* ---- renderers ---- */

static char *render(int (*fn)(const oomsift_report *, FILE *), const oomsift_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(r, f), 0);
	fclose(f);
	return buf;
}

static void test_html_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
	    {"\"'><img src=x onerror=alert(1)>",
	     "&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;"},
	    {"&amp;", "&amp;amp;"},
	    {"plain-name_1.service", "plain-name_1.service"},
	    {"caf\xc3\xa9", "caf\xc3\xa9"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		assert_non_null(f);
		oomsift_report_html_escape(f, cases[i].in, strlen(cases[i].in));
		fclose(f);
		assert_string_equal(buf, cases[i].out);
		free(buf);
	}
}

static void test_renderers(void **state)
{
	fixture *fx = *state;
	oomsift_report *r;
	json_error_t err;
	json_t *doc;
	char *html, *json;

	kill_at(fx, "<b>h</b>", DAY, "<script>x</script>", 1000, "single_hog");
	r = week(fx, NULL, 0);
	json = render(oomsift_report_render_json, r);
	doc = json_loads(json, 0, &err);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "schema_version")), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(doc, "period"), "label")),
	    "2026-W46");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(doc, "victims"), 0), "name")),
	                    "<script>x</script>");
	json_decref(doc);
	free(json);

	html = render(oomsift_report_render_html, r);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_non_null(strstr(html, "&lt;script&gt;x&lt;/script&gt;"));
	assert_non_null(strstr(html, "&lt;b&gt;h&lt;/b&gt;"));
	free(html);
	oomsift_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_incidents, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_new_and_recurring, setup, teardown),
	    cmocka_unit_test(test_slope),
	    cmocka_unit_test_setup_teardown(test_leak_suspects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hosts_and_groups, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ties, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_periods, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_made_safe, setup, teardown),
	    cmocka_unit_test(test_html_escape),
	    cmocka_unit_test_setup_teardown(test_renderers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
