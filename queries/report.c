/*
 * The report model (include/oomsift/report.h): every figure is a prepared
 * statement over the public views with the period, host pattern, windows and
 * caps bound as named parameters. The SQL is here, one statement per section.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/name_index.h"
#include "common/satmath.h"
#include "common/timeutil.h"
#include "oomsift/buf.h"
#include "oomsift/error.h"
#include "oomsift/report.h"

#define DAY 86400

/* The kills (OOM events with a kill) of the period [:start, :end) and of the
 * period of the same length before it, [:prev_start, :start), of the hosts
 * that match :hosts. Every statement below starts with it. */
#define KILLS                                                                                      \
	"WITH k AS (SELECT id, host, ts_unix, kind, cause, victim_comm, victim_rss_kb, kills,\n"   \
	"                  unit, oom_memcg, container_id, memcg_limit_kb\n"                        \
	"           FROM oom_events\n"                                                             \
	"           WHERE has_kill = 1 AND ts_unix >= :start AND ts_unix < :end\n"                 \
	"             AND host GLOB :hosts),\n"                                                    \
	"     kp AS (SELECT id, host, cause FROM oom_events\n"                                     \
	"            WHERE has_kill = 1 AND ts_unix >= :prev_start AND ts_unix < :start\n"         \
	"              AND host GLOB :hosts)"

/* What the kill was in: a systemd unit, a memory cgroup (not the root), a
 * container; for actions also the victim process. */
#define TARGET_KIND                                                                                \
	"CASE WHEN unit IS NOT NULL THEN 'unit' WHEN nullif(oom_memcg, '/') IS NOT NULL THEN "     \
	"'cgroup' WHEN container_id IS NOT NULL THEN 'container' END"
#define TARGET "coalesce(unit, nullif(oom_memcg, '/'), container_id)"

static const char sql_undated[] =
    "SELECT count(*) FROM oom_events WHERE ts_unix IS NULL AND host GLOB :hosts";

/* (host, cause, victim) of the period, with their kills in the four weeks
 * before it: none makes a new problem. New ones first. */
static const char sql_problems[] =
    KILLS ",\n"
          "     b AS (SELECT host, cause, victim_comm, count(*) AS n FROM oom_events\n"
          "           WHERE has_kill = 1 AND ts_unix >= :recur_start AND ts_unix < :start\n"
          "             AND host GLOB :hosts\n"
          "           GROUP BY 1, 2, 3),\n"
          "     p AS (SELECT host, cause, victim_comm, count(*) AS n, min(ts_unix) AS first,\n"
          "                  max(ts_unix) AS last\n"
          "           FROM k GROUP BY 1, 2, 3)\n"
          "SELECT p.host, p.cause, p.victim_comm, p.n, coalesce(b.n, 0), p.first, p.last\n"
          "FROM p LEFT JOIN b ON b.host = p.host AND b.cause IS p.cause\n"
          "                  AND b.victim_comm IS p.victim_comm\n"
          "ORDER BY b.n IS NOT NULL, p.n DESC, p.host, p.cause, p.victim_comm";

/* The events of the leak window, by host in the order of their series, and
 * one event's task rows: build_suspects sums each name's RSS per event in C.
 * (One GROUP BY of every task row of the window, sorted, took most of a
 * report's time on a large store.) */
/* Task-table sizes are pages; 4 KiB on x86-64 (docs/schema.md). */
#define PAGE_KB 4

static const char sql_leak_events[] =
    "SELECT e.id, e.host, e.ts_unix FROM oom_events e\n"
    "WHERE e.ts_unix >= :leak_start AND e.ts_unix < :end AND e.host GLOB :hosts\n"
    "ORDER BY e.host, e.ts_unix, e.id";
static const char sql_leak_tasks[] =
    "SELECT name, rss_pages FROM oom_tasks\n"
    "WHERE event_id = ?1 AND name IS NOT NULL AND rss_pages IS NOT NULL";

/* The primary classifications of the period's kills that give advice, by
 * (cause, host, target) and the latest first: build_actions counts each
 * group and reads the rule, evidence and advice of its latest kill alone
 * (a window function over every row and its texts took most of a report's
 * time on a large store). */
static const char sql_actions[] =
    KILLS ",\n"
          "     a AS (SELECT k.id, k.host, k.ts_unix, c.cause, c.rule_id,\n"
          "                  coalesce(" TARGET_KIND ", CASE WHEN victim_comm IS NOT NULL\n"
          "                           THEN 'process' END) AS target_kind,\n"
          "                  coalesce(" TARGET ", victim_comm) AS target\n"
          "           FROM k JOIN classifications c ON c.subject = 'event'\n"
          "             AND c.subject_id = k.id AND c.is_primary = 1 AND c.advice IS NOT NULL)\n"
          "SELECT cause, host, target_kind, target, id, rule_id FROM a\n"
          "ORDER BY cause, host, target, ts_unix DESC, id DESC";
/* A group's row as action_add reads it: the group's figures bound, the
 * classification's texts read. */
static const char sql_action_text[] =
    "SELECT ?1, ?2, ?3, ?4, ?5, rule_id, severity, evidence, advice, ?6\n"
    "FROM classifications WHERE subject = 'event' AND subject_id = ?6 AND rule_id = ?7\n"
    "  AND is_primary = 1 AND advice IS NOT NULL";

typedef struct ctx {
	oomsift_report *r;
	sqlite3 *db;
	const char *hosts; /* the GLOB bound to :hosts */
} ctx;

/* ---- strings ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Writes s (n bytes) to b: invalid UTF-8 and control characters become
 * U+FFFD; cut after OOMSIFT_REPORT_MAX_TEXT bytes with "…". */
static int sanitize(oomsift_buf *b, const char *s, size_t n)
{
	static const char replacement[] = "\xef\xbf\xbd", ellipsis[] = "\xe2\x80\xa6";
	const unsigned char *u = (const unsigned char *)s;
	int rc = 0;

	oomsift_buf_init(b, OOMSIFT_REPORT_MAX_TEXT + 8);
	for (size_t i = 0; i < n && rc == 0;) {
		size_t len = utf8_len(u + i, n - i);
		if (b->len + (len ? len : 3) > OOMSIFT_REPORT_MAX_TEXT)
			return oomsift_buf_append(b, ellipsis, 3);
		if (len == 0 || u[i] < 0x20 || u[i] == 0x7f)
			rc = oomsift_buf_append(b, replacement, 3);
		else
			rc = oomsift_buf_append(b, s + i, len);
		i += len ? len : 1;
	}
	return rc;
}

/* A sanitized copy of s in the report's arena; NULL when out of memory. */
static const char *keep(ctx *c, const char *s, size_t n)
{
	oomsift_buf b;
	const char *out = NULL;

	if (sanitize(&b, s, n) == 0)
		out = oomsift_arena_strndup(&c->r->strings, b.len ? b.data : "", b.len);
	oomsift_buf_free(&b);
	return out;
}

/* Column col of the current row as a kept string; NULL for SQL NULL. *rc is
 * set to OOMSIFT_ENOMEM when the copy fails. */
static const char *col_text(ctx *c, sqlite3_stmt *st, int col, int *rc)
{
	const char *s = (const char *)sqlite3_column_text(st, col), *out;

	if (!s)
		return NULL;
	out = keep(c, s, (size_t)sqlite3_column_bytes(st, col));
	if (!out)
		*rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return out;
}

/* NULL-aware string equality. */
static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* ---- statements ---- */

static int db_error(ctx *c, const char *what)
{
	return oomsift_error_set(OOMSIFT_ESTORE, "report: %s: %s", what, sqlite3_errmsg(c->db));
}

/* Prepares sql and binds every named parameter it uses: the period is
 * [from, to) (the previous one the same length before it). */
static int prepare(ctx *c, const char *what, const char *sql, int64_t from, int64_t to,
                   sqlite3_stmt **out)
{
	const oomsift_report *r = c->r;
	const struct {
		const char *name;
		int64_t value;
	} ints[] = {
	    {":start", from},
	    {":end", to},
	    {":prev_start", from - (to - from)},
	    {":recur_start", from - OOMSIFT_REPORT_RECUR_WINDOW_S},
	    {":leak_start", to - OOMSIFT_REPORT_LEAK_WINDOW_S},
	    {":gap", r->incident_gap_s},
	    {":rows", OOMSIFT_REPORT_MAX_ROWS},
	    {":host_rows", OOMSIFT_REPORT_MAX_HOSTS},
	    {":scan", OOMSIFT_REPORT_ACTION_SCAN},
	    {":min_points", OOMSIFT_REPORT_LEAK_MIN_POINTS},
	};
	sqlite3_stmt *st;
	int idx;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(c, what);
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if ((idx = sqlite3_bind_parameter_index(st, ints[i].name)) > 0 &&
		    sqlite3_bind_int64(st, idx, ints[i].value) != SQLITE_OK)
			goto fail;
	if ((idx = sqlite3_bind_parameter_index(st, ":hosts")) > 0 &&
	    sqlite3_bind_text(st, idx, c->hosts, -1, SQLITE_STATIC) != SQLITE_OK)
		goto fail;
	*out = st;
	return 0;
fail:
	sqlite3_finalize(st);
	return db_error(c, what);
}

/* Ends a statement stepped to its end (last step result in step). */
static int finish(ctx *c, const char *what, sqlite3_stmt *st, int step, int rc)
{
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(c, what);
	sqlite3_finalize(st);
	return rc;
}

/* The first column of a one-row statement. */
static int scalar(ctx *c, const char *what, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc = prepare(c, what, sql, c->r->start, c->r->end, &st), step;

	if (rc < 0)
		return rc;
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		step = sqlite3_step(st);
	}
	return finish(c, what, st, step, 0);
}

/* ---- sections ---- */

/* The column of the per-day chart that counts cause. */
static size_t cause_index(const oomsift_report *r, const char *cause)
{
	for (size_t i = 0; i < r->ncauses; i++)
		if (same(r->causes[i].cause, cause))
			return i;
	return r->ncauses;
}

/* ---- the kills of a period, read once ---- */

/* The OOM events of [:start, :end) by host and time. The headline, causes,
 * per-day charts, hosts, victims and groups are summed from one pass over
 * them, and over those of the period before (a statement per section read,
 * sorted and grouped the same kills again, with window functions). */
static const char sql_period[] =
    "SELECT host, ts_unix, id, has_kill, kind, cause, victim_comm, victim_rss_kb, kills,\n"
    "       unit, oom_memcg, container_id, memcg_limit_kb\n"
    "FROM oom_events\n"
    "WHERE ts_unix >= :start AND ts_unix < :end AND host GLOB :hosts\n"
    "ORDER BY host, ts_unix, id";

enum {
	P_HOST,
	P_TS,
	P_ID,
	P_HAS_KILL,
	P_KIND,
	P_CAUSE,
	P_VICTIM,
	P_RSS,
	P_KILLS,
	P_UNIT,
	P_MEMCG,
	P_CONTAINER,
	P_LIMIT
};

/* A value kills are counted by (a cause, host, victim name or group) with
 * its figures; which figures are used depends on what is counted. */
typedef struct tally_item {
	char *key; /* malloc'd copy of len bytes, NUL-terminated; NULL for SQL NULL */
	size_t len;
	int64_t n, prev;  /* kills in the period, in the one before */
	int64_t hosts;    /* distinct hosts of the kills */
	size_t last_host; /* the host (1-based, in the order read) last counted */
	int64_t max;      /* the largest size seen, when has_max */
	bool has_max;
	int kind;          /* groups: the index of group_kinds */
	int64_t *days;     /* causes and hosts: kills per day of the period */
	int64_t incidents; /* hosts */
	size_t top_cause;  /* hosts: the cause of most kills (index of causes) */
	int64_t top_cause_n;
	char *worst; /* hosts: the victim of largest RSS (malloc'd; NULL: none named) */
	size_t worst_len;
	int64_t worst_rss, worst_id;
	bool has_worst, has_worst_rss;
} tally_item;

/* Items by key: those of a text key in by_key, the one of SQL NULL apart. */
typedef struct tally {
	tally_item *v;
	size_t n, cap;
	name_index by_key;
	size_t null_item; /* its index + 1, 0 when none */
} tally;

/* The key of v[entry] (never NULL: SQL NULL is not indexed), for by_key. */
static const char *tally_key_of(const void *v, size_t entry, size_t *len)
{
	const tally_item *it = (const tally_item *)v + entry;

	*len = it->len;
	return it->key;
}

static bool key_equal(const tally_item *it, const char *key, size_t len)
{
	if (!it->key || !key)
		return !it->key && !key;
	return it->len == len && memcmp(it->key, key, len) == 0;
}

/* The item of key (len bytes; NULL: SQL NULL), added when new; NULL when out
 * of memory (the error is set). An item pointer stays valid until the next
 * tally_get on the same tally. */
static tally_item *tally_get(tally *t, const char *key, size_t len)
{
	tally_item *it;
	size_t entry = t->null_item ? t->null_item - 1 : SIZE_MAX;

	if (key && name_index_get(&t->by_key, tally_key_of, t->v, key, len, &entry) < 0)
		return NULL;
	if (entry != SIZE_MAX)
		return &t->v[entry];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		tally_item *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			goto nomem;
		t->v = v;
		t->cap = cap;
	}
	it = &t->v[t->n];
	memset(it, 0, sizeof(*it));
	if (key) {
		if (!(it->key = malloc(len + 1)))
			goto nomem;
		memcpy(it->key, key, len);
		it->key[len] = '\0';
		it->len = len;
		name_index_add(&t->by_key, t->n);
	} else {
		t->null_item = t->n + 1;
	}
	t->n++;
	return it;
nomem:
	oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return NULL;
}

static void tally_free(tally *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].days);
		free(t->v[i].worst);
	}
	free(t->v);
	name_index_free(&t->by_key);
}

/* Compares keys as SQLite's BINARY collation orders them: bytes, then
 * length; NULL first (ascending order). */
static int key_cmp(const tally_item *a, const tally_item *b)
{
	int d;

	if (!a->key || !b->key)
		return (a->key != NULL) - (b->key != NULL);
	if ((d = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len)))
		return d;
	return (a->len > b->len) - (a->len < b->len);
}

/* The headline figures of one period. */
typedef struct period_figures {
	int64_t kills, kernel, hosts, incidents, processes;
} period_figures;

/* Group kinds, in the order of their names (that of the SQL's GROUP BY). */
static const char *const group_kinds[] = {"cgroup", "container", "unit"};
#define NGROUP_KINDS 3

/* Everything summed over the kills of the period and of the one before. */
typedef struct kill_tally {
	const oomsift_report *r;
	bool prev; /* reading the period before: its headline, causes and hosts */
	period_figures now, before;
	int64_t without_kill;
	tally causes, hosts, victims, groups[NGROUP_KINDS];
	size_t nhosts_read;
	tally_item *host; /* the host being read */
	double host_last_ts;
	/* the kills of the host being read by cause (indexes of causes) */
	size_t *host_cause;
	int64_t *host_cause_n;
	size_t nhost_cause, host_cause_cap;
} kill_tally;

static void kill_tally_free(kill_tally *t)
{
	tally_free(&t->causes);
	tally_free(&t->hosts);
	tally_free(&t->victims);
	for (int i = 0; i < NGROUP_KINDS; i++)
		tally_free(&t->groups[i]);
	free(t->host_cause);
	free(t->host_cause_n);
}

/* A text column: its bytes in *s and *len (NULL for SQL NULL). */
static void col_key(sqlite3_stmt *st, int col, const char **s, size_t *len)
{
	*s = (const char *)sqlite3_column_text(st, col);
	*len = *s ? (size_t)sqlite3_column_bytes(st, col) : 0;
}

/* Ends the host read: the cause of most kills; ties: a cause before none,
 * then by name (as ORDER BY count(*) DESC, cause IS NULL, cause). */
static void host_end(kill_tally *t)
{
	tally_item *h = t->host;
	size_t best = 0;
	int64_t best_n = -1;

	if (!h || t->prev)
		return;
	for (size_t i = 0; i < t->nhost_cause; i++) {
		const tally_item *a = &t->causes.v[t->host_cause[i]], *b = &t->causes.v[best];
		int64_t n = t->host_cause_n[i];
		if (n > best_n ||
		    (n == best_n && (!b->key ? a->key != NULL : a->key && key_cmp(a, b) < 0))) {
			best = t->host_cause[i];
			best_n = n;
		}
	}
	h->top_cause = best;
	h->top_cause_n = best_n;
	t->nhost_cause = 0;
}

/* A kill of cause (index) on the host being read. */
static int host_count_cause(kill_tally *t, size_t cause)
{
	for (size_t i = 0; i < t->nhost_cause; i++)
		if (t->host_cause[i] == cause) {
			t->host_cause_n[i]++;
			return 0;
		}
	if (t->nhost_cause == t->host_cause_cap) {
		size_t cap = t->host_cause_cap ? t->host_cause_cap * 2 : 16;
		size_t *ix = realloc(t->host_cause, cap * sizeof(*ix));
		int64_t *n = ix ? realloc(t->host_cause_n, cap * sizeof(*n)) : NULL;
		if (ix)
			t->host_cause = ix;
		if (!n)
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		t->host_cause_n = n;
		t->host_cause_cap = cap;
	}
	t->host_cause[t->nhost_cause] = cause;
	t->host_cause_n[t->nhost_cause++] = 1;
	return 0;
}

/* Counts a kill of `day` in an item's days (made when first needed). */
static int count_day(const oomsift_report *r, tally_item *it, int64_t day)
{
	if (day < 0 || (size_t)day >= r->ndays)
		return 0;
	if (!it->days && !(it->days = calloc(r->ndays, sizeof(*it->days))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	it->days[day]++;
	return 0;
}

/* Counts a kill of the host read in a victim's or group's item: kills,
 * distinct hosts and the largest size (a column, NULL: none). */
static int count_in(kill_tally *t, tally *in, int kind, const char *key, size_t len,
                    sqlite3_stmt *st, int size_col)
{
	tally_item *it = tally_get(in, key, len);

	if (!it)
		return OOMSIFT_ENOMEM;
	it->kind = kind;
	it->n++;
	if (it->last_host != t->nhosts_read) {
		it->hosts++;
		it->last_host = t->nhosts_read;
	}
	if (sqlite3_column_type(st, size_col) != SQLITE_NULL) {
		int64_t v = sqlite3_column_int64(st, size_col);
		if (!it->has_max || v > it->max)
			it->max = v, it->has_max = true;
	}
	return 0;
}

/* The victim of the host read with the largest RSS; ties: the earliest
 * (as ORDER BY victim_rss_kb IS NULL, victim_rss_kb DESC, ts_unix, id). */
static int host_worst(tally_item *h, sqlite3_stmt *st)
{
	bool has_rss = sqlite3_column_type(st, P_RSS) != SQLITE_NULL;
	int64_t rss = sqlite3_column_int64(st, P_RSS);
	const char *name;
	size_t len;

	if (h->has_worst && (!has_rss || (h->has_worst_rss && rss <= h->worst_rss)))
		return 0;
	col_key(st, P_VICTIM, &name, &len);
	free(h->worst);
	h->worst = NULL;
	if (name && !(h->worst = strndup(name, len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	h->worst_len = len;
	h->worst_rss = rss;
	h->has_worst_rss = has_rss;
	h->worst_id = sqlite3_column_int64(st, P_ID);
	h->has_worst = true;
	return 0;
}

/* The group a kill was in: a systemd unit, a memory cgroup (not the root),
 * a container; -1 for none. */
static int kill_group(sqlite3_stmt *st, const char **name, size_t *len)
{
	col_key(st, P_UNIT, name, len);
	if (*name)
		return 2;
	col_key(st, P_MEMCG, name, len);
	if (*name && !(*len == 1 && **name == '/'))
		return 0;
	col_key(st, P_CONTAINER, name, len);
	return *name ? 1 : -1;
}

/* The sections' figures of one kill of the period. */
static int count_kill_now(kill_tally *t, sqlite3_stmt *st, tally_item *cause, int64_t day)
{
	const char *name;
	size_t len;
	int rc, kind;

	t->host->n++;
	if ((rc = count_day(t->r, cause, day)) < 0 || (rc = count_day(t->r, t->host, day)) < 0 ||
	    (rc = host_count_cause(t, (size_t)(cause - t->causes.v))) < 0 ||
	    (rc = host_worst(t->host, st)) < 0)
		return rc;
	col_key(st, P_VICTIM, &name, &len);
	if (name && (rc = count_in(t, &t->victims, 0, name, len, st, P_RSS)) < 0)
		return rc;
	if ((kind = kill_group(st, &name, &len)) >= 0)
		return count_in(t, &t->groups[kind], kind, name, len, st, P_LIMIT);
	return 0;
}

/* One event of the period read (by host and time). */
static int count_event(kill_tally *t, sqlite3_stmt *st, int64_t start, int64_t gap)
{
	period_figures *f = t->prev ? &t->before : &t->now;
	const char *host, *s;
	size_t hlen, len;
	double ts = sqlite3_column_double(st, P_TS);
	tally_item *cause;

	if (sqlite3_column_int64(st, P_HAS_KILL) != 1) {
		if (sqlite3_column_int64(st, P_HAS_KILL) == 0 && !t->prev)
			t->without_kill++;
		return 0;
	}
	col_key(st, P_HOST, &host, &hlen);
	if (!host)
		return 0;
	if (!t->host || !key_equal(t->host, host, hlen)) {
		host_end(t);
		if (!(t->host = tally_get(&t->hosts, host, hlen)))
			return OOMSIFT_ENOMEM;
		t->nhosts_read++;
		f->hosts++;
		f->incidents++;
		if (!t->prev)
			t->host->incidents++;
	} else if (!(t->host_last_ts > ts - (double)gap)) {
		f->incidents++;
		if (!t->prev)
			t->host->incidents++;
	}
	t->host_last_ts = ts;
	f->kills++;
	s = (const char *)sqlite3_column_text(st, P_KIND);
	if (s && (strcmp(s, "kernel_oom") == 0 || strcmp(s, "memcg_oom") == 0))
		f->kernel++;
	f->processes = sat_add(f->processes, sqlite3_column_int64(st, P_KILLS));
	col_key(st, P_CAUSE, &s, &len);
	if (!(cause = tally_get(&t->causes, s, len)))
		return OOMSIFT_ENOMEM;
	if (t->prev) {
		cause->prev++;
		t->host->prev++;
		return 0;
	}
	cause->n++;
	return count_kill_now(t, st, cause, (int64_t)((ts - (double)start) / DAY));
}

/* Reads the events of [from, to) into t. */
static int read_period(ctx *c, kill_tally *t, int64_t from, int64_t to)
{
	sqlite3_stmt *st;
	int rc = prepare(c, "kills", sql_period, from, to, &st), step = SQLITE_DONE;

	if (rc < 0)
		return rc;
	t->host = NULL;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = count_event(t, st, from, c->r->incident_gap_s);
	if (rc == 0)
		host_end(t);
	t->host = NULL;
	return finish(c, "kills", st, step, rc);
}

/* A kept copy of an item's key; NULL for SQL NULL (*rc set when out of memory). */
static const char *keep_key(ctx *c, const char *key, size_t len, int *rc)
{
	const char *out;

	if (!key)
		return NULL;
	if (!(out = keep(c, key, len)))
		*rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return out;
}

/* The items of tallies (those with kills in the period, or in either period
 * for `any`) as an array of pointers sorted by cmp in *out (*n of them; the
 * caller frees it). */
static int tally_sorted(tally_item ***out, size_t *n, tally *const *in, size_t nin, bool any,
                        int (*cmp)(const void *, const void *))
{
	size_t total = 0;
	tally_item **v = NULL;

	for (size_t i = 0; i < nin; i++)
		total += in[i]->n;
	*n = 0;
	if (!(v = malloc((total ? total : 1) * sizeof(*v))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	for (size_t i = 0; i < nin; i++)
		for (size_t j = 0; j < in[i]->n; j++)
			if (in[i]->v[j].n > 0 || (any && in[i]->v[j].prev > 0))
				v[(*n)++] = &in[i]->v[j];
	qsort(v, *n, sizeof(*v), cmp);
	*out = v;
	return 0;
}

#define ITEM(p) (*(const tally_item *const *)(p))

static int cmp_count(int64_t a, int64_t b)
{
	return (a < b) - (a > b); /* descending */
}

/* ORDER BY kills DESC, kills before DESC, cause IS NULL, cause */
static int by_cause_order(const void *pa, const void *pb)
{
	const tally_item *a = ITEM(pa), *b = ITEM(pb);
	int d;

	if ((d = cmp_count(a->n, b->n)) || (d = cmp_count(a->prev, b->prev)))
		return d;
	return !a->key || !b->key ? (a->key == NULL) - (b->key == NULL) : key_cmp(a, b);
}

/* ORDER BY kills DESC, host */
static int by_host_order(const void *pa, const void *pb)
{
	const tally_item *a = ITEM(pa), *b = ITEM(pb);
	int d = cmp_count(a->n, b->n);

	return d ? d : key_cmp(a, b);
}

/* ORDER BY kills DESC, max(size) DESC (none last), name */
static int by_victim_order(const void *pa, const void *pb)
{
	const tally_item *a = ITEM(pa), *b = ITEM(pb);
	int d = cmp_count(a->n, b->n);

	if (d)
		return d;
	if (a->has_max != b->has_max)
		return a->has_max ? -1 : 1;
	if (a->has_max && (d = cmp_count(a->max, b->max)))
		return d;
	return key_cmp(a, b);
}

/* ORDER BY kills DESC, name; then by kind: the SQL this replaces left that
 * tie to SQLite, which gave such groups in their GROUP BY kind, name order. */
static int by_group_order(const void *pa, const void *pb)
{
	const tally_item *a = ITEM(pa), *b = ITEM(pb);
	int d = cmp_count(a->n, b->n);

	if (d || (d = key_cmp(a, b)))
		return d;
	return a->kind - b->kind;
}

static int fill_causes(ctx *c, kill_tally *t)
{
	oomsift_report *r = c->r;
	tally *in = &t->causes;
	tally_item **v = NULL;
	size_t n;
	int rc = tally_sorted(&v, &n, &in, 1, true, by_cause_order);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (r->ncauses == OOMSIFT_REPORT_MAX_CAUSES) {
			r->causes_omitted_kills += v[i]->n;
			continue;
		}
		oomsift_report_cause *row = &r->causes[r->ncauses++];
		row->cause = keep_key(c, v[i]->key, v[i]->len, &rc);
		row->kills.now = v[i]->n;
		row->kills.prev = v[i]->prev;
		row->share =
		    r->headline.kills.now ? (double)v[i]->n / (double)r->headline.kills.now : 0;
	}
	free(v);
	/* the chart's column of each cause is found by its name, as kept */
	for (size_t i = 0; rc == 0 && i < in->n; i++)
		for (size_t day = 0; in->v[i].days && day < r->ndays; day++)
			r->day_cause[day][cause_index(r, in->v[i].key)] += in->v[i].days[day];
	return rc;
}

static int fill_host_days(ctx *c, kill_tally *t)
{
	oomsift_report *r = c->r;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < t->hosts.n; i++) {
		const tally_item *h = &t->hosts.v[i];
		oomsift_buf b;
		if (!h->days)
			continue;
		/* hosts[] holds sanitized copies: compare with one */
		if ((rc = sanitize(&b, h->key, h->len)) == 0)
			for (size_t j = 0; j < r->nhosts; j++)
				if (strcmp(r->hosts[j].host, b.len ? b.data : "") == 0) {
					for (size_t day = 0; day < r->ndays; day++)
						r->host_day[j][day] += h->days[day];
					break;
				}
		oomsift_buf_free(&b);
	}
	return rc;
}

static int fill_hosts(ctx *c, kill_tally *t)
{
	oomsift_report *r = c->r;
	tally *in = &t->hosts;
	tally_item **v = NULL;
	size_t n;
	int rc = tally_sorted(&v, &n, &in, 1, false, by_host_order);

	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n && r->nhosts < OOMSIFT_REPORT_MAX_HOSTS; i++) {
		const tally_item *it = v[i], *cause = &t->causes.v[it->top_cause];
		oomsift_report_host *h = &r->hosts[r->nhosts++];
		h->host = keep_key(c, it->key, it->len, &rc);
		h->kills.now = it->n;
		h->kills.prev = it->prev;
		h->incidents = it->incidents;
		h->top_cause = keep_key(c, cause->key, cause->len, &rc);
		h->top_cause_kills = it->top_cause_n;
		h->worst_victim = keep_key(c, it->worst, it->worst_len, &rc);
		h->worst_victim_rss_kb = it->has_worst_rss ? it->worst_rss : -1;
		h->worst_event_id = it->worst_id;
	}
	r->hosts_omitted = n - r->nhosts;
	free(v);
	return rc < 0 ? rc : fill_host_days(c, t);
}

static int fill_victims(ctx *c, kill_tally *t)
{
	oomsift_report *r = c->r;
	tally *in = &t->victims;
	tally_item **v = NULL;
	size_t n;
	int rc = tally_sorted(&v, &n, &in, 1, false, by_victim_order);

	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n && r->nvictims < OOMSIFT_REPORT_MAX_ROWS; i++) {
		oomsift_report_victim *out = &r->victims[r->nvictims++];
		out->name = keep_key(c, v[i]->key, v[i]->len, &rc);
		out->kills = v[i]->n;
		out->hosts = v[i]->hosts;
		out->max_rss_kb = v[i]->has_max ? v[i]->max : -1;
	}
	r->victims_omitted = n - r->nvictims;
	free(v);
	return rc;
}

static int fill_groups(ctx *c, kill_tally *t)
{
	oomsift_report *r = c->r;
	tally *in[NGROUP_KINDS];
	tally_item **v = NULL;
	size_t n;
	int rc;

	for (int i = 0; i < NGROUP_KINDS; i++)
		in[i] = &t->groups[i];
	if ((rc = tally_sorted(&v, &n, in, NGROUP_KINDS, false, by_group_order)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n && r->ngroups < OOMSIFT_REPORT_MAX_ROWS; i++) {
		oomsift_report_group *g = &r->groups[r->ngroups++];
		g->kind =
		    keep_key(c, group_kinds[v[i]->kind], strlen(group_kinds[v[i]->kind]), &rc);
		g->name = keep_key(c, v[i]->key, v[i]->len, &rc);
		g->kills = v[i]->n;
		g->hosts = v[i]->hosts;
		g->limit_kb = v[i]->has_max ? v[i]->max : -1;
	}
	r->groups_omitted = n - r->ngroups;
	free(v);
	return rc;
}

/* The headline, causes, per-day charts, hosts, victims and groups: from the
 * kills of the period before, then of the period. */
static int build_kill_sections(ctx *c)
{
	oomsift_report *r = c->r;
	oomsift_report_headline *h = &r->headline;
	kill_tally t = {.r = r, .prev = true};
	int rc;

	if ((rc = read_period(c, &t, r->prev_start, r->start)) < 0)
		goto out;
	t.prev = false;
	if ((rc = read_period(c, &t, r->start, r->end)) < 0 ||
	    (rc = scalar(c, "events without a time", sql_undated, &h->undated)) < 0)
		goto out;
	h->kills = (oomsift_report_delta){t.now.kills, t.before.kills};
	h->kernel = (oomsift_report_delta){t.now.kernel, t.before.kernel};
	h->hosts = (oomsift_report_delta){t.now.hosts, t.before.hosts};
	h->incidents = (oomsift_report_delta){t.now.incidents, t.before.incidents};
	h->processes = (oomsift_report_delta){t.now.processes, t.before.processes};
	h->userspace.now = h->kills.now - h->kernel.now;
	h->userspace.prev = h->kills.prev - h->kernel.prev;
	h->events_without_kill = t.without_kill;
	if ((rc = fill_causes(c, &t)) < 0 || (rc = fill_hosts(c, &t)) < 0 ||
	    (rc = fill_victims(c, &t)) < 0)
		goto out;
	rc = fill_groups(c, &t);
out:
	kill_tally_free(&t);
	return rc;
}

static int build_problems(ctx *c)
{
	oomsift_report *r = c->r;
	sqlite3_stmt *st;
	int rc = prepare(c, "new and recurring problems", sql_problems, r->start, r->end, &st),
	    step = SQLITE_DONE; /* read only when rc stays 0, and then stepped */

	if (rc < 0)
		return rc;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bool recurring = sqlite3_column_int64(st, 4) > 0;
		if (recurring)
			r->recurring_problems++;
		else
			r->new_problems++;
		if (r->nproblems == OOMSIFT_REPORT_MAX_ROWS) {
			r->problems_omitted++;
			continue;
		}
		oomsift_report_problem *p = &r->problems[r->nproblems++];
		p->host = col_text(c, st, 0, &rc);
		p->cause = col_text(c, st, 1, &rc);
		p->victim = col_text(c, st, 2, &rc);
		p->kills = sqlite3_column_int64(st, 3);
		p->kills_before = sqlite3_column_int64(st, 4);
		p->recurring = recurring;
		p->first_ts = sqlite3_column_double(st, 5);
		p->last_ts = sqlite3_column_double(st, 6);
	}
	return finish(c, "new and recurring problems", st, step, rc);
}

/* ---- leak suspects ---- */

double oomsift_report_slope(double n, double sx, double sy, double sxy, double sxx)
{
	double den = n * sxx - sx * sx;

	/* den is n² times the variance of x: 0 (or rounding noise) when every x
	 * is the same */
	if (n < 2 || den <= 1e-12 * (n * sxx + 1))
		return 0;
	return (n * sxy - sx * sy) / den;
}

/* One (host, name) series while it is read, and the best ones found. */
typedef struct leak_series {
	char *host, *name;                  /* malloc'd */
	size_t name_len;                    /* strlen(name) */
	double n, sx, sy, sxy, sxx, t0, t1; /* t0, t1: the first and last time */
	oomsift_report_point ring[OOMSIFT_REPORT_MAX_POINTS];
	size_t nring, next; /* points held; where the next one goes */
	double slope;
} leak_series;

typedef struct leak_state {
	leak_series best[OOMSIFT_REPORT_MAX_SUSPECTS];
	size_t nbest, omitted;
} leak_state;

static void series_clear(leak_series *s)
{
	free(s->host);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

static void series_add(leak_series *s, double ts, int64_t rss_kb, int64_t event_id)
{
	double x, y = (double)rss_kb;

	if (s->n == 0)
		s->t0 = ts;
	x = (ts - s->t0) / DAY;
	s->t1 = ts;
	s->n++;
	s->sx += x;
	s->sy += y;
	s->sxy += x * y;
	s->sxx += x * x;
	s->ring[s->next] = (oomsift_report_point){ts, rss_kb, event_id};
	s->next = (s->next + 1) % OOMSIFT_REPORT_MAX_POINTS;
	if (s->nring < OOMSIFT_REPORT_MAX_POINTS)
		s->nring++;
}

/* Whether a series grows: a positive slope whose growth over the points'
 * time span is large enough (OOMSIFT_REPORT_LEAK_MIN_GROWTH_*). */
static bool series_grows(const leak_series *s)
{
	double growth = s->slope * (s->t1 - s->t0) / DAY;

	return s->slope > 0 && growth >= OOMSIFT_REPORT_LEAK_MIN_GROWTH_KB &&
	       growth >= OOMSIFT_REPORT_LEAK_MIN_GROWTH_SHARE * (s->sy / s->n);
}

/* Ends a series (and takes it over): it joins the best ones (by slope,
 * highest first; ties keep the order read, host and name) when it grows. */
static void series_end(leak_state *ls, leak_series *s)
{
	size_t pos;

	s->slope = oomsift_report_slope(s->n, s->sx, s->sy, s->sxy, s->sxx);
	if (s->n < OOMSIFT_REPORT_LEAK_MIN_POINTS || !series_grows(s)) {
		series_clear(s);
		return;
	}
	for (pos = 0; pos < ls->nbest && ls->best[pos].slope >= s->slope; pos++)
		;
	if (pos == OOMSIFT_REPORT_MAX_SUSPECTS) {
		ls->omitted++;
		series_clear(s);
		return;
	}
	if (ls->nbest == OOMSIFT_REPORT_MAX_SUSPECTS) {
		series_clear(&ls->best[ls->nbest - 1]);
		ls->nbest--;
		ls->omitted++;
	}
	memmove(&ls->best[pos + 1], &ls->best[pos], (ls->nbest - pos) * sizeof(ls->best[0]));
	ls->best[pos] = *s;
	ls->nbest++;
	memset(s, 0, sizeof(*s));
}

/* The series of one host, by task name, while its events are read; each
 * with the RSS its name has in the event being read. */
typedef struct host_series {
	leak_series **all; /* malloc'd, in the order first seen */
	size_t n, cap;
	name_index by_name;    /* of all: those whose name is set */
	leak_series **touched; /* the series of the event being read */
	int64_t *sum_kb;       /* by series, in touched order */
	size_t ntouched, touched_cap;
} host_series;

/* The name of all[entry], for host_series.by_name. */
static const char *series_name(const void *all, size_t entry, size_t *len)
{
	const leak_series *s = ((leak_series *const *)all)[entry];

	*len = s->name_len;
	return s->name;
}

/* The series of `name` on this host, made when new; NULL when out of memory. */
static leak_series *host_series_get(host_series *hs, const char *host, const char *name)
{
	size_t len = strlen(name), i;
	leak_series *s;

	if (name_index_get(&hs->by_name, series_name, hs->all, name, len, &i) < 0)
		return NULL;
	if (i != SIZE_MAX)
		return hs->all[i];
	if (oomsift_vec_reserve((void **)&hs->all, &hs->cap, sizeof(*hs->all), hs->n + 1,
	                        NAME_INDEX_MAX) < 0 ||
	    !(s = calloc(1, sizeof(*s))))
		return NULL;
	hs->all[hs->n++] = s;
	if (!(s->host = strdup(host)) || !(s->name = strdup(name)))
		return NULL; /* freed with the table */
	s->name_len = len;
	name_index_add(&hs->by_name, hs->n - 1);
	return s;
}

/* Adds `kb` to the name's RSS in the event being read. */
static int host_series_note(host_series *hs, leak_series *s, int64_t kb)
{
	for (size_t i = 0; i < hs->ntouched; i++)
		if (hs->touched[i] == s) {
			hs->sum_kb[i] = sat_add(hs->sum_kb[i], kb);
			return 0;
		}
	if (hs->ntouched == hs->touched_cap) {
		size_t cap = hs->touched_cap ? hs->touched_cap * 2 : 64;
		leak_series **t = realloc(hs->touched, cap * sizeof(*t));
		int64_t *k = t ? realloc(hs->sum_kb, cap * sizeof(*k)) : NULL;
		if (t)
			hs->touched = t;
		if (!k)
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		hs->sum_kb = k;
		hs->touched_cap = cap;
	}
	hs->touched[hs->ntouched] = s;
	hs->sum_kb[hs->ntouched++] = kb;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(leak_series *const *)a)->name, (*(leak_series *const *)b)->name);
}

/* Ends the host's series in name order (that of the SQL it replaces) and
 * empties the table. */
static void host_series_end(leak_state *ls, host_series *hs)
{
	if (!hs->n) /* no host read yet, or no task named */
		return;
	qsort(hs->all, hs->n, sizeof(*hs->all), by_name);
	for (size_t i = 0; i < hs->n; i++) {
		series_end(ls, hs->all[i]);
		free(hs->all[i]);
	}
	hs->n = 0;
	name_index_clear(&hs->by_name);
}

static void host_series_free(host_series *hs)
{
	for (size_t i = 0; i < hs->n; i++) {
		series_clear(hs->all[i]);
		free(hs->all[i]);
	}
	free(hs->all);
	name_index_free(&hs->by_name);
	free(hs->touched);
	free(hs->sum_kb);
}

/* Copies the best series into the report, their points oldest first. */
static int keep_suspects(ctx *c, leak_state *ls)
{
	oomsift_report *r = c->r;

	for (size_t i = 0; i < ls->nbest; i++) {
		leak_series *s = &ls->best[i];
		oomsift_report_suspect *out = &r->suspects[r->nsuspects++];
		size_t first = s->nring < OOMSIFT_REPORT_MAX_POINTS ? 0 : s->next;
		out->host = keep(c, s->host, strlen(s->host));
		out->name = keep(c, s->name, strlen(s->name));
		if (!out->host || !out->name)
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		out->points = (int64_t)s->n;
		out->slope_kb_per_day = s->slope;
		for (size_t j = 0; j < s->nring; j++)
			out->series[j] = s->ring[(first + j) % OOMSIFT_REPORT_MAX_POINTS];
		out->nseries = s->nring;
	}
	r->suspects_omitted = ls->omitted;
	return 0;
}

/* One event's task rows: each name's RSS, then a point of its series. */
static int read_event_tasks(ctx *c, sqlite3_stmt *tasks, host_series *hs, const char *host,
                            int64_t id, double ts)
{
	int step = SQLITE_DONE, rc = 0;

	hs->ntouched = 0;
	sqlite3_bind_int64(tasks, 1, id);
	while (rc == 0 && (step = sqlite3_step(tasks)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tasks, 0);
		leak_series *s = name ? host_series_get(hs, host, name) : NULL;
		if (!s)
			rc = name ? oomsift_error_set(OOMSIFT_ENOMEM, "out of memory") : 0;
		else
			rc = host_series_note(hs, s,
			                      sat_mul(sqlite3_column_int64(tasks, 1), PAGE_KB));
	}
	sqlite3_reset(tasks);
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(c, "leak suspects");
	for (size_t i = 0; rc == 0 && i < hs->ntouched; i++)
		series_add(hs->touched[i], ts, hs->sum_kb[i], id);
	return rc;
}

static int build_suspects(ctx *c)
{
	leak_state *ls = calloc(1, sizeof(*ls));
	host_series hs = {0};
	sqlite3_stmt *events = NULL, *tasks = NULL;
	char *host = NULL;
	int rc, step = SQLITE_DONE;

	if (!ls)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = prepare(c, "leak suspects", sql_leak_events, c->r->start, c->r->end, &events)) <
	        0 ||
	    (rc = prepare(c, "leak suspects", sql_leak_tasks, c->r->start, c->r->end, &tasks)) < 0)
		goto out;
	while (rc == 0 && (step = sqlite3_step(events)) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(events, 1);
		if (!h)
			continue;
		if (!host || strcmp(host, h) != 0) {
			host_series_end(ls, &hs);
			free(host);
			if (!(host = strdup(h))) {
				rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
				break;
			}
		}
		rc = read_event_tasks(c, tasks, &hs, host, sqlite3_column_int64(events, 0),
		                      sqlite3_column_double(events, 2));
	}
	if (rc == 0)
		host_series_end(ls, &hs);
	rc = finish(c, "leak suspects", events, step, rc);
	events = NULL;
	if (rc == 0)
		rc = keep_suspects(c, ls);
out:
	sqlite3_finalize(events);
	sqlite3_finalize(tasks);
	host_series_free(&hs);
	free(host);
	for (size_t i = 0; i < ls->nbest; i++)
		series_clear(&ls->best[i]);
	free(ls);
	return rc;
}

/* ---- recommended actions ---- */

/* One (cause, target, advice) while actions are gathered; strings malloc'd. */
typedef struct action_draft {
	char *cause, *rule_id, *severity, *target_kind, *target, *evidence, *advice;
	char *hosts[OOMSIFT_REPORT_ACTION_HOSTS];
	size_t nhosts, hosts_omitted;
	int64_t kills, event_id;
	double latest; /* of the row whose evidence is kept */
} action_draft;

typedef struct action_set {
	action_draft *v;
	size_t n;
} action_set;

static char *dup_col(sqlite3_stmt *st, int col, int *rc)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	char *out;

	if (!s)
		return NULL;
	if (!(out = strdup(s)))
		*rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return out;
}

static void draft_free(action_draft *a)
{
	free(a->cause), free(a->rule_id), free(a->severity), free(a->target_kind);
	free(a->target), free(a->evidence), free(a->advice);
	for (size_t i = 0; i < a->nhosts; i++)
		free(a->hosts[i]);
}

static void draft_add_host(action_draft *a, sqlite3_stmt *st, int col, int *rc)
{
	const char *host = (const char *)sqlite3_column_text(st, col);

	for (size_t i = 0; host && i < a->nhosts; i++)
		if (strcmp(a->hosts[i], host) == 0)
			return;
	if (!host)
		return;
	if (a->nhosts == OOMSIFT_REPORT_ACTION_HOSTS)
		a->hosts_omitted++;
	else if ((a->hosts[a->nhosts] = dup_col(st, col, rc)))
		a->nhosts++;
}

/* Adds one (cause, host, target) row: to the action with the same cause,
 * target and advice when there is one (another host), else as a new one. */
static int action_add(action_set *as, sqlite3_stmt *st)
{
	const char *cause = (const char *)sqlite3_column_text(st, 0);
	const char *target = (const char *)sqlite3_column_text(st, 3);
	const char *advice = (const char *)sqlite3_column_text(st, 8);
	int64_t n = sqlite3_column_int64(st, 4);
	action_draft *a = NULL;
	int rc = 0;

	for (size_t i = 0; i < as->n && !a; i++)
		if (same(as->v[i].cause, cause) && same(as->v[i].target, target) &&
		    same(as->v[i].advice, advice))
			a = &as->v[i];
	if (!a) {
		a = &as->v[as->n++];
		memset(a, 0, sizeof(*a));
		a->cause = dup_col(st, 0, &rc);
		a->target_kind = dup_col(st, 2, &rc);
		a->target = dup_col(st, 3, &rc);
		a->rule_id = dup_col(st, 5, &rc);
		a->severity = dup_col(st, 6, &rc);
		a->evidence = dup_col(st, 7, &rc);
		a->advice = dup_col(st, 8, &rc);
		a->event_id = sqlite3_column_int64(st, 9);
	}
	a->kills += n;
	draft_add_host(a, st, 1, &rc);
	return rc;
}

static int severity_rank(const char *s)
{
	static const char *const order[] = {"info", "low", "medium", "high", "critical"};

	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, order[i]) == 0)
			return i;
	return -1;
}

static int strcmp_null(const char *a, const char *b)
{
	return !a || !b ? (a != NULL) - (b != NULL) : strcmp(a, b);
}

/* Most kills first, then the graver severity, then by cause and target. */
static int by_kills(const void *pa, const void *pb)
{
	const action_draft *a = pa, *b = pb;
	int d;

	if (a->kills != b->kills)
		return a->kills > b->kills ? -1 : 1;
	if ((d = severity_rank(b->severity) - severity_rank(a->severity)))
		return d;
	if ((d = strcmp_null(a->cause, b->cause)))
		return d;
	if ((d = strcmp_null(a->target, b->target)))
		return d;
	return a->event_id < b->event_id ? -1 : a->event_id > b->event_id;
}

static int keep_actions(ctx *c, action_set *as)
{
	oomsift_report *r = c->r;
	int rc = 0;

	qsort(as->v, as->n, sizeof(*as->v), by_kills);
	for (size_t i = 0; i < as->n && rc == 0; i++) {
		const action_draft *a = &as->v[i];
		if (r->nactions == OOMSIFT_REPORT_MAX_ACTIONS) {
			r->actions_omitted++;
			continue;
		}
		oomsift_report_action *out = &r->actions[r->nactions++];
		const char **fields[] = {&out->cause,       &out->rule_id, &out->severity,
		                         &out->target_kind, &out->target,  &out->evidence,
		                         &out->advice};
		const char *from[] = {a->cause,  a->rule_id,  a->severity, a->target_kind,
		                      a->target, a->evidence, a->advice};
		for (size_t j = 0; j < sizeof(fields) / sizeof(fields[0]); j++)
			if (from[j] && !(*fields[j] = keep(c, from[j], strlen(from[j]))))
				rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		for (size_t j = 0; j < a->nhosts && rc == 0; j++)
			if (!(out->hosts[j] = keep(c, a->hosts[j], strlen(a->hosts[j]))))
				rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		out->nhosts = a->nhosts;
		out->hosts_omitted = a->hosts_omitted;
		out->kills = a->kills;
		out->event_id = a->event_id;
	}
	return rc;
}

/* A text column's bytes, malloc'd (NULL for SQL NULL). */
typedef struct col_copy {
	char *s;
	size_t len;
} col_copy;

static int copy_col(sqlite3_stmt *st, int col, col_copy *out)
{
	const char *s;

	col_key(st, col, &s, &out->len);
	out->s = NULL;
	if (s && !(out->s = malloc(out->len + 1)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (s) {
		memcpy(out->s, s, out->len);
		out->s[out->len] = '\0';
	}
	return 0;
}

static bool col_is(sqlite3_stmt *st, int col, const col_copy *v)
{
	const char *s;
	size_t len;

	col_key(st, col, &s, &len);
	if (!s || !v->s)
		return !s && !v->s;
	return len == v->len && memcmp(s, v->s, len) == 0;
}

/* One (cause, host, target) of the period: its kills and latest kill. */
typedef struct action_group {
	col_copy cause, host, target_kind, target, rule_id; /* of the latest kill */
	int64_t kills, event_id;
	size_t order; /* read in (cause, host, target) order */
} action_group;

typedef struct action_groups {
	action_group *v;
	size_t n, cap;
} action_groups;

static void action_groups_free(action_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].cause.s), free(g->v[i].host.s), free(g->v[i].target_kind.s);
		free(g->v[i].target.s), free(g->v[i].rule_id.s);
	}
	free(g->v);
}

/* A row of sql_actions: a kill of the last group, or the latest of a new one. */
static int group_row(action_groups *g, sqlite3_stmt *st)
{
	action_group *last = g->n ? &g->v[g->n - 1] : NULL;
	int rc;

	if (last && col_is(st, 0, &last->cause) && col_is(st, 1, &last->host) &&
	    col_is(st, 3, &last->target)) {
		last->kills++;
		return 0;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		action_group *v = realloc(g->v, cap * sizeof(*v));
		if (!v)
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		g->v = v;
		g->cap = cap;
	}
	last = &g->v[g->n++];
	memset(last, 0, sizeof(*last));
	last->kills = 1;
	last->event_id = sqlite3_column_int64(st, 4);
	last->order = g->n;
	if ((rc = copy_col(st, 0, &last->cause)) < 0 || (rc = copy_col(st, 1, &last->host)) < 0 ||
	    (rc = copy_col(st, 2, &last->target_kind)) < 0 ||
	    (rc = copy_col(st, 3, &last->target)) < 0)
		return rc;
	return copy_col(st, 5, &last->rule_id);
}

/* ORDER BY kills DESC, cause, host, target (the order read) */
static int by_group_kills(const void *pa, const void *pb)
{
	const action_group *a = pa, *b = pb;

	if (a->kills != b->kills)
		return a->kills > b->kills ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

static int bind_copy(sqlite3_stmt *st, int idx, const col_copy *v)
{
	return v->s ? sqlite3_bind_text(st, idx, v->s, (int)v->len, SQLITE_STATIC)
	            : sqlite3_bind_null(st, idx);
}

/* Adds the group's row (its latest kill's texts) to the actions. */
static int action_add_group(ctx *c, action_set *as, sqlite3_stmt *st, const action_group *g)
{
	int rc = 0, step;

	sqlite3_reset(st);
	if (bind_copy(st, 1, &g->cause) != SQLITE_OK || bind_copy(st, 2, &g->host) != SQLITE_OK ||
	    bind_copy(st, 3, &g->target_kind) != SQLITE_OK ||
	    bind_copy(st, 4, &g->target) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, g->kills) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, g->event_id) != SQLITE_OK ||
	    bind_copy(st, 7, &g->rule_id) != SQLITE_OK)
		return db_error(c, "actions");
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = action_add(as, st);
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(c, "actions");
	return rc;
}

static int build_actions(ctx *c)
{
	oomsift_report *r = c->r;
	action_set as = {calloc(OOMSIFT_REPORT_ACTION_SCAN, sizeof(action_draft)), 0};
	action_groups groups = {0};
	sqlite3_stmt *st = NULL;
	int rc, step = SQLITE_DONE;

	if (!as.v)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = prepare(c, "actions", sql_actions, r->start, r->end, &st)) < 0)
		goto out;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = group_row(&groups, st);
	rc = finish(c, "actions", st, step, rc);
	st = NULL;
	if (rc < 0)
		goto out;
	if (groups.n) /* groups.v is NULL when there are none */
		qsort(groups.v, groups.n, sizeof(*groups.v), by_group_kills);
	if (sqlite3_prepare_v2(c->db, sql_action_text, -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(c, "actions");
		goto out;
	}
	/* the groups read: at most OOMSIFT_REPORT_ACTION_SCAN */
	for (size_t i = 0; rc == 0 && i < groups.n && i < OOMSIFT_REPORT_ACTION_SCAN &&
	                   as.n < OOMSIFT_REPORT_ACTION_SCAN;
	     i++)
		rc = action_add_group(c, &as, st, &groups.v[i]);
	if (rc == 0)
		rc = keep_actions(c, &as);
out:
	sqlite3_finalize(st);
	action_groups_free(&groups);
	for (size_t i = 0; i < as.n; i++)
		draft_free(&as.v[i]);
	free(as.v);
	return rc;
}

/* ---- the report ---- */

static int set_label(ctx *c, const oomsift_report_opts *o)
{
	char a[32], b[32], label[80];

	if (o->label) {
		c->r->label = keep(c, o->label, strlen(o->label));
	} else {
		oomsift_format_iso((double)o->start, 0, a, sizeof(a));
		oomsift_format_iso((double)o->end, 0, b, sizeof(b));
		snprintf(label, sizeof(label), "%s/%s", a, b);
		c->r->label = keep(c, label, strlen(label));
	}
	if (o->host_glob && !(c->r->host_glob = keep(c, o->host_glob, strlen(o->host_glob))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return c->r->label ? 0 : oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

int oomsift_report_build(oomsift_report **out, oomsift_store *s, const oomsift_report_opts *o)
{
	int (*const sections[])(ctx *) = {build_kill_sections, build_problems, build_suspects,
	                                  build_actions};
	ctx c = {0};
	int rc = 0;

	*out = NULL;
	if (o->end <= o->start)
		return oomsift_error_set(OOMSIFT_EINVAL, "the report's period is empty (it ends "
		                                         "before it starts)");
	if (o->end - o->start > (int64_t)OOMSIFT_REPORT_MAX_DAYS * DAY)
		return oomsift_error_set(OOMSIFT_EINVAL, "a report covers at most %d days",
		                         OOMSIFT_REPORT_MAX_DAYS);
	if (!(c.r = calloc(1, sizeof(*c.r))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	c.db = oomsift_store_db(s);
	c.hosts = o->host_glob ? o->host_glob : "*";
	c.r->schema_version = OOMSIFT_REPORT_SCHEMA_VERSION;
	c.r->start = o->start;
	c.r->end = o->end;
	c.r->prev_start = o->start - (o->end - o->start);
	c.r->recur_start = o->start - OOMSIFT_REPORT_RECUR_WINDOW_S;
	c.r->leak_start = o->end - OOMSIFT_REPORT_LEAK_WINDOW_S;
	c.r->incident_gap_s =
	    o->incident_gap_s > 0 ? o->incident_gap_s : OOMSIFT_REPORT_INCIDENT_GAP_S;
	c.r->generated_at = o->now;
	c.r->ndays = (size_t)((o->end - o->start + DAY - 1) / DAY);
	rc = set_label(&c, o);
	for (size_t i = 0; rc == 0 && i < sizeof(sections) / sizeof(sections[0]); i++)
		rc = sections[i](&c);
	if (rc < 0) {
		oomsift_report_free(c.r);
		return rc;
	}
	*out = c.r;
	return 0;
}

void oomsift_report_free(oomsift_report *r)
{
	if (!r)
		return;
	oomsift_arena_free(&r->strings);
	free(r);
}
