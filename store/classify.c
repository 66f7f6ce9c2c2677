/*
 * Classification runs: which subjects to evaluate, the rule engine over each
 * (through store/classify_ctx.c), and the rows that record what matched,
 * rewritten only where they differ (store/migrate_5.sql, docs/schema.md).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/input.h"
#include "store/classify_internal.h"
#include "store/internal.h"

/* Rules that may match one subject (a rule set holds a few dozen). */
#define CLASSIFY_MAX_MATCHES 256
/* SQLite's page cache during a run (KiB), when it is smaller: an event's
 * row, task table, Mem-Info and classifications, and the index pages a batch
 * writes, are read again from the store or its WAL (pread) when they do not
 * stay in it. Set back after the run. */
#define CLASSIFY_CACHE_KIB 8192
/* classified_with of a subject whose history may have changed. */
#define STALE "-"

/* ---- statements ---- */

/* Newer subjects of the host of a new (or changed) one: their history and
 * trend rules may count it now. The join names the condition of the partial
 * indexes event_classified_host_ts and memory_event_classified_host_ts
 * (store/migrate_6.sql): a store where nothing is classified yet joins
 * nothing, instead of every new subject with every subject of its month. */
#define NEW_SUBJECTS                                                                               \
	"(SELECT host, ts_unix FROM event WHERE classified_with IS NULL AND ts_unix IS NOT NULL "  \
	"UNION ALL SELECT host, ts_unix FROM memory_event WHERE classified_with IS NULL "          \
	"AND ts_unix IS NOT NULL) n"
static const char sql_stale_events[] =
    "UPDATE event SET classified_with = '" STALE "' WHERE classified_with IS NOT NULL "
    "AND classified_with != '" STALE "' AND id IN (SELECT e.id FROM " NEW_SUBJECTS
    " JOIN event e ON e.host = n.host AND e.ts_unix BETWEEN n.ts_unix AND n.ts_unix + ?1 "
    "AND e.classified_with != '" STALE "')";
static const char sql_stale_memevents[] =
    "UPDATE memory_event SET classified_with = '" STALE "' WHERE classified_with IS NOT NULL "
    "AND classified_with != '" STALE "' AND id IN (SELECT e.id FROM " NEW_SUBJECTS
    " JOIN memory_event e ON e.host = n.host AND e.ts_unix BETWEEN n.ts_unix AND "
    "n.ts_unix + ?1 AND e.classified_with != '" STALE "')";

/* The next batch after id ?1 (?3 at most): [kind][all]. */
static const char *const sql_next[2][2] = {
    {"SELECT id FROM event WHERE id > ?1 AND (classified_with IS NULL OR classified_with != ?2) "
     "ORDER BY id LIMIT ?3",
     "SELECT id FROM event WHERE id > ?1 ORDER BY id LIMIT ?3"},
    {"SELECT id FROM memory_event WHERE id > ?1 AND (classified_with IS NULL OR "
     "classified_with != ?2) ORDER BY id LIMIT ?3",
     "SELECT id FROM memory_event WHERE id > ?1 ORDER BY id LIMIT ?3"},
};
static const char *const sql_mark[2] = {
    "UPDATE event SET cause = ?2, classified_with = ?3 WHERE id = ?1 "
    "AND (cause IS NOT ?2 OR classified_with IS NOT ?3)",
    "UPDATE memory_event SET cause = ?2, classified_with = ?3 WHERE id = ?1 "
    "AND (cause IS NOT ?2 OR classified_with IS NOT ?3)",
};
static const char sql_event_exists[] = "SELECT 1 FROM event WHERE id = ?1";

static const char sql_stored[] =
    "SELECT id, rule_id, cause, severity, priority, is_primary, evidence, advice, "
    "rules_fingerprint FROM classification WHERE subject = ?1 AND subject_id = ?2";
/* The subjects of a batch (ids ?2 .. ?3, in order) that have stored rows. */
static const char sql_stored_ids[] = "SELECT subject_id FROM classification WHERE subject = ?1 "
                                     "AND subject_id BETWEEN ?2 AND ?3";
static const char sql_delete[] = "DELETE FROM classification WHERE id = ?1";
static const char sql_update[] =
    "UPDATE classification SET cause = ?2, severity = ?3, priority = ?4, is_primary = ?5, "
    "evidence = ?6, advice = ?7, rules_fingerprint = ?8, classified_at = ?9 WHERE id = ?1";
static const char sql_refingerprint[] =
    "UPDATE classification SET rules_fingerprint = ?2 WHERE id = ?1";
static const char sql_insert[] =
    "INSERT INTO classification(subject_id, cause, severity, priority, is_primary, evidence, "
    "advice, rules_fingerprint, classified_at, subject, rule_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
/* INSERT_CHUNK rows of sql_insert in one statement: a statement per row sets
 * up and frees its cursors and registers for each (about 3 000 instructions
 * a row more; docs/performance.md, "Fifth round"). */
#define INSERT_CHUNK 16
#define ROW_PARAMS   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define ROWS_4       ROW_PARAMS ", " ROW_PARAMS ", " ROW_PARAMS ", " ROW_PARAMS
static const char sql_insert_chunk[] =
    "INSERT INTO classification(subject_id, cause, severity, priority, is_primary, evidence, "
    "advice, rules_fingerprint, classified_at, subject, rule_id) "
    "VALUES " ROWS_4 ", " ROWS_4 ", " ROWS_4 ", " ROWS_4;
#define INSERT_PARAMS 11
/* The text of the rows waiting for their INSERT; a match whose text does not
 * fit is written at once. */
#define PENDING_TEXT_LIMIT (256u << 10)
static const char sql_list[] =
    "SELECT rule_id, cause, severity, evidence, advice, classified_at, priority, is_primary "
    "FROM classification WHERE subject = ?1 AND subject_id = ?2 "
    "ORDER BY is_primary DESC, priority DESC, rule_id";

static const char sql_meta_get[] = "SELECT value FROM meta WHERE key = 'rules_fingerprint'";
static const char sql_meta_set[] = "INSERT INTO meta(key, value) VALUES ('rules_fingerprint', ?1) "
                                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

/* ---- a run ---- */

typedef struct match {
	const char *rule_id, *cause, *severity, *evidence, *advice; /* in the subject's arena */
	int priority;
	bool primary;
	bool stored; /* a stored row has this rule id */
} match;

enum row_action { ROW_KEEP, ROW_REFINGERPRINT, ROW_UPDATE, ROW_DELETE };

typedef struct stored_row {
	int64_t id;
	size_t match;
	enum row_action action;
} stored_row;

/* A classification row waiting for its INSERT; its texts are offsets in
 * run.pending_text (NO_TEXT: NULL). */
#define NO_TEXT SIZE_MAX
typedef struct pending_row {
	int64_t subject_id;
	oomsift_rule_subject kind;
	size_t rule_id, cause, severity, evidence, advice;
	int priority;
	bool primary;
} pending_row;

typedef struct run {
	oomsift_store *s;
	const oomsift_rules *rs;
	oomsift_classify_stats *st;
	char fp[33];
	char now[32];
	classifier cls;
	subject_ctx x;
	match m[CLASSIFY_MAX_MATCHES];
	size_t nm;
	stored_row rows[CLASSIFY_MAX_MATCHES];
	size_t nrows;
	int64_t ids[OOMSIFT_CLASSIFY_BATCH];
	/* of the batch being evaluated: which subjects have stored rows (known:
	 * a batch of ascending ids, whose subjects write only their own rows) */
	bool stored_known;
	bool has_stored[OOMSIFT_CLASSIFY_BATCH];
	size_t at; /* the subject's index in the batch */
	/* new rows are written INSERT_CHUNK at a time, in the order they came
	 * (the ids SQLite gives them are the same); all are written before a
	 * read or a delete of classifications and before the commit */
	pending_row pending[INSERT_CHUNK];
	size_t npending;
	oomsift_buf pending_text;
} run;

static int copy_text(run *r, const char *s, const char **out)
{
	*out = NULL;
	return s ? classify_strndup(&r->x, s, strlen(s), out) : 0;
}

/* Keeps a match of the engine (its strings live only during the call). */
static int collect_match(void *data, const oomsift_rule_match *m)
{
	run *r = data;
	match *k;
	int rc;

	if (r->nm == CLASSIFY_MAX_MATCHES)
		return oomsift_error_set(OOMSIFT_ELIMIT, "%s %lld: more than %d rules match",
		                         classify_subject_name(r->x.kind), (long long)r->x.id,
		                         CLASSIFY_MAX_MATCHES);
	k = &r->m[r->nm];
	memset(k, 0, sizeof(*k));
	if ((rc = copy_text(r, m->rule_id, &k->rule_id)) < 0 ||
	    (rc = copy_text(r, m->cause, &k->cause)) < 0 ||
	    (rc = copy_text(r, m->severity, &k->severity)) < 0 ||
	    (rc = copy_text(r, m->evidence, &k->evidence)) < 0 ||
	    (rc = copy_text(r, m->advice, &k->advice)) < 0)
		return rc;
	if (!k->rule_id || !k->cause || !k->severity)
		return oomsift_error_set(OOMSIFT_EINVAL, "rules: a match without a rule id, cause "
		                                         "or severity");
	k->priority = m->priority;
	k->primary = m->primary;
	r->nm++;
	return 0;
}

static bool text_eq(const unsigned char *stored, const char *s)
{
	if (!stored || !s)
		return !stored && !s;
	return strcmp((const char *)stored, s) == 0;
}

/* What to do with the stored row st points at. */
static enum row_action compare_row(run *r, sqlite3_stmt *st, size_t *which)
{
	const char *rule_id = (const char *)sqlite3_column_text(st, 1);
	const match *k = NULL;

	for (size_t i = 0; rule_id && i < r->nm; i++)
		if (strcmp(r->m[i].rule_id, rule_id) == 0) {
			k = &r->m[i];
			*which = i;
			r->m[i].stored = true;
			break;
		}
	if (!k)
		return ROW_DELETE;
	if (!text_eq(sqlite3_column_text(st, 2), k->cause) ||
	    !text_eq(sqlite3_column_text(st, 3), k->severity) ||
	    sqlite3_column_int(st, 4) != k->priority || sqlite3_column_int(st, 5) != k->primary ||
	    !text_eq(sqlite3_column_text(st, 6), k->evidence) ||
	    !text_eq(sqlite3_column_text(st, 7), k->advice))
		return ROW_UPDATE;
	return text_eq(sqlite3_column_text(st, 8), r->fp) ? ROW_KEEP : ROW_REFINGERPRINT;
}

static int flush_pending(run *r);

/* Reads the subject's stored rows and decides each one's fate. */
static int read_stored(run *r)
{
	sqlite3_stmt *st = store_stmt(r->s, sql_stored);
	int rc;

	r->nrows = 0;
	if (r->stored_known && !r->has_stored[r->at])
		return 0; /* a new subject: no rows to read */
	if (!st)
		return OOMSIFT_ESTORE;
	if ((rc = flush_pending(r)) < 0)
		return rc;
	sqlite3_bind_text(st, 1, classify_subject_name(r->x.kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->x.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		stored_row *row = &r->rows[r->nrows];
		if (r->nrows == CLASSIFY_MAX_MATCHES) {
			sqlite3_reset(st);
			return oomsift_error_set(
			    OOMSIFT_ELIMIT, "%s %lld: too many classifications",
			    classify_subject_name(r->x.kind), (long long)r->x.id);
		}
		row->id = sqlite3_column_int64(st, 0);
		row->match = 0;
		row->action = compare_row(r, st, &row->match);
		r->nrows++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_error(r->s, "cannot read classifications");
}

/* Binds a match's content to ?2 … ?9 (sql_update and sql_insert). */
static void bind_match(run *r, sqlite3_stmt *st, const match *k)
{
	store_bind_text(st, 2, k->cause);
	store_bind_text(st, 3, k->severity);
	sqlite3_bind_int(st, 4, k->priority);
	sqlite3_bind_int(st, 5, k->primary);
	store_bind_text(st, 6, k->evidence);
	store_bind_text(st, 7, k->advice);
	store_bind_text(st, 8, r->fp);
	store_bind_text(st, 9, r->now);
}

static int apply_row(run *r, const stored_row *row)
{
	static const char *const sql[] = {[ROW_REFINGERPRINT] = sql_refingerprint,
	                                  [ROW_UPDATE] = sql_update,
	                                  [ROW_DELETE] = sql_delete};
	sqlite3_stmt *st;
	int rc;

	if (row->action == ROW_KEEP)
		return 0;
	/* a delete could free the largest id, which a pending row would take */
	if (row->action == ROW_DELETE && (rc = flush_pending(r)) < 0)
		return rc;
	if (!(st = store_stmt(r->s, sql[row->action])))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, row->id);
	if (row->action == ROW_REFINGERPRINT)
		store_bind_text(st, 2, r->fp);
	else if (row->action == ROW_UPDATE)
		bind_match(r, st, &r->m[row->match]);
	return store_step(r->s, st, "cannot write a classification");
}

/* Binds row (of the batch's rule set and time) to ?base+1 … ?base+11 of
 * sql_insert or sql_insert_chunk. */
static void bind_pending(run *r, sqlite3_stmt *st, int base, const pending_row *row)
{
	const char *text = r->pending_text.data;
	const size_t at[] = {row->cause, row->severity, row->evidence, row->advice};
	const int param[] = {2, 3, 6, 7};

	sqlite3_bind_int64(st, base + 1, row->subject_id);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		if (at[i] != NO_TEXT)
			sqlite3_bind_text(st, base + param[i], text + at[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, base + 4, row->priority);
	sqlite3_bind_int(st, base + 5, row->primary);
	store_bind_text(st, base + 8, r->fp);
	store_bind_text(st, base + 9, r->now);
	sqlite3_bind_text(st, base + 10, classify_subject_name(row->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 11, text + row->rule_id, -1, SQLITE_STATIC);
}

/* Writes the pending rows: one statement when there are INSERT_CHUNK. */
static int flush_pending(run *r)
{
	bool chunk = r->npending == INSERT_CHUNK;
	sqlite3_stmt *st = NULL;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < r->npending; i++) {
		if ((!chunk || i == 0) &&
		    !(st = store_stmt(r->s, chunk ? sql_insert_chunk : sql_insert))) {
			rc = OOMSIFT_ESTORE;
			break;
		}
		bind_pending(r, st, chunk ? (int)i * INSERT_PARAMS : 0, &r->pending[i]);
		if (!chunk || i == INSERT_CHUNK - 1)
			rc = store_step(r->s, st, "cannot write a classification");
	}
	r->npending = 0;
	r->pending_text.len = 0;
	return rc;
}

/* The offset of a copy of s in pending_text (NO_TEXT for NULL). */
static int pend_text(run *r, const char *s, size_t *at)
{
	*at = NO_TEXT;
	if (!s)
		return 0;
	*at = r->pending_text.len;
	return oomsift_buf_append(&r->pending_text, s, strlen(s) + 1);
}

static int insert_now(run *r, const match *k)
{
	sqlite3_stmt *st = store_stmt(r->s, sql_insert);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, r->x.id);
	bind_match(r, st, k);
	sqlite3_bind_text(st, 10, classify_subject_name(r->x.kind), -1, SQLITE_STATIC);
	store_bind_text(st, 11, k->rule_id);
	return store_step(r->s, st, "cannot write a classification");
}

/* Queues the row of a match; written at once when its text does not fit. */
static int insert_match(run *r, const match *k)
{
	pending_row *row = &r->pending[r->npending];
	size_t len = r->pending_text.len;
	int rc;

	*row = (pending_row){.subject_id = r->x.id,
	                     .kind = r->x.kind,
	                     .priority = k->priority,
	                     .primary = k->primary};
	if (pend_text(r, k->rule_id, &row->rule_id) < 0 ||
	    pend_text(r, k->cause, &row->cause) < 0 ||
	    pend_text(r, k->severity, &row->severity) < 0 ||
	    pend_text(r, k->evidence, &row->evidence) < 0 ||
	    pend_text(r, k->advice, &row->advice) < 0) {
		r->pending_text.len = len;
		if ((rc = flush_pending(r)) < 0)
			return rc;
		return insert_now(r, k);
	}
	if (++r->npending == INSERT_CHUNK)
		return flush_pending(r);
	return 0;
}

/* Sets the subject's cause and marks it evaluated with this rule set. */
static int mark_subject(run *r, const char *cause)
{
	sqlite3_stmt *st = store_stmt(r->s, sql_mark[r->x.kind]);

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, r->x.id);
	store_bind_text(st, 2, cause);
	store_bind_text(st, 3, r->fp);
	return store_step(r->s, st, "cannot record a cause");
}

static void count_cause(oomsift_classify_stats *st, const char *cause)
{
	size_t i;

	for (i = 0; i < st->ncauses; i++)
		if (strcmp(st->causes[i].cause, cause) == 0)
			break;
	if (i == st->ncauses) {
		if (i == OOMSIFT_CLASSIFY_MAX_CAUSES ||
		    strlen(cause) >= sizeof(st->causes[i].cause)) {
			st->causes_other++;
			return;
		}
		strcpy(st->causes[i].cause, cause);
		st->causes[i].n = 0;
		st->ncauses++;
	}
	st->causes[i].n++;
}

/* Writes what differs between the matches and the stored rows. */
static int store_matches(run *r)
{
	const char *cause = NULL;
	bool changed = false;
	int rc;

	if ((rc = read_stored(r)) < 0)
		return rc;
	for (size_t i = 0; i < r->nrows; i++) {
		changed |= r->rows[i].action == ROW_UPDATE || r->rows[i].action == ROW_DELETE;
		if ((rc = apply_row(r, &r->rows[i])) < 0)
			return rc;
	}
	for (size_t i = 0; i < r->nm; i++) {
		if (r->m[i].primary && !cause)
			cause = r->m[i].cause;
		if (r->m[i].stored)
			continue;
		changed = true;
		if ((rc = insert_match(r, &r->m[i])) < 0)
			return rc;
	}
	if ((rc = mark_subject(r, cause)) < 0)
		return rc;
	if (r->x.kind == OOMSIFT_SUBJECT_EVENT)
		r->st->events++;
	else
		r->st->memory_events++;
	r->st->matched += r->nm > 0;
	r->st->changed += changed;
	if (cause)
		count_cause(r->st, cause);
	return 0;
}

static int classify_subject(run *r, oomsift_rule_subject kind, int64_t id)
{
	oomsift_rule_ctx ctx;
	int rc;

	classify_subject_begin(&r->x, &r->cls, kind, id);
	ctx = classify_subject_ctx(&r->x);
	r->nm = 0;
	rc = oomsift_rules_eval(r->rs, kind, &ctx, collect_match, r);
	if (rc >= 0)
		rc = store_matches(r);
	classify_subject_end(&r->x);
	return rc;
}

/* Evaluates ids[0 … n) in one transaction. */
/* Which subjects of a batch of ascending ids have stored rows: one read for
 * the batch instead of one per subject (most have none in a first run). */
static int find_stored(run *r, oomsift_rule_subject kind, const int64_t *ids, size_t n)
{
	sqlite3_stmt *st = store_stmt(r->s, sql_stored_ids);
	size_t at = 0;
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	memset(r->has_stored, 0, n * sizeof(r->has_stored[0]));
	sqlite3_bind_text(st, 1, classify_subject_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ids[0]);
	sqlite3_bind_int64(st, 3, ids[n - 1]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		while (at < n && ids[at] < id)
			at++;
		if (at < n && ids[at] == id)
			r->has_stored[at] = true;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_error(r->s, "cannot read classifications");
}

/* Evaluates ids[0 … n) in one transaction; ascending: ids in ascending
 * order, each once. */
static int classify_batch(run *r, oomsift_rule_subject kind, const int64_t *ids, size_t n,
                          bool ascending)
{
	int rc;

	if ((rc = oomsift_store_begin(r->s)) < 0)
		return rc;
	store_now_iso(r->now, sizeof(r->now));
	r->stored_known = false;
	if (ascending && n > 0) {
		if ((rc = find_stored(r, kind, ids, n)) < 0) {
			oomsift_store_rollback(r->s);
			return rc;
		}
		r->stored_known = true;
	}
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		r->at = i;
		rc = classify_subject(r, kind, ids[i]);
	}
	if (rc == 0)
		rc = flush_pending(r);
	r->stored_known = false;
	if (rc < 0) {
		r->npending = 0;
		r->pending_text.len = 0;
		oomsift_store_rollback(r->s);
		return rc;
	}
	return oomsift_store_commit(r->s);
}

/* The next batch of subjects of a kind after *last; *n = 0 at the end. */
static int next_batch(run *r, oomsift_rule_subject kind, bool all, int64_t last, size_t *n)
{
	sqlite3_stmt *st = store_stmt(r->s, sql_next[kind][all]);
	int rc;

	*n = 0;
	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, last);
	sqlite3_bind_text(st, 2, r->fp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, OOMSIFT_CLASSIFY_BATCH);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < OOMSIFT_CLASSIFY_BATCH)
		r->ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0
	                                             : store_error(r->s, "cannot list subjects");
}

static int classify_kind(run *r, oomsift_rule_subject kind, bool all)
{
	int64_t last = 0;
	size_t n;
	int rc;

	for (;;) {
		if ((rc = next_batch(r, kind, all, last, &n)) < 0)
			return rc;
		if (n == 0)
			return 0;
		if ((rc = classify_batch(r, kind, r->ids, n, true)) < 0)
			return rc;
		last = r->ids[n - 1];
	}
}

static int check_event(run *r, int64_t id)
{
	sqlite3_stmt *st = store_stmt(r->s, sql_event_exists);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return oomsift_error_set(OOMSIFT_ENOTFOUND, "no event %lld", (long long)id);
	return rc == SQLITE_ROW ? 0 : store_error(r->s, "cannot read an event");
}

static int classify_ids(run *r, const int64_t *ids, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = check_event(r, ids[i])) < 0)
			return rc;
	for (size_t i = 0; i < n; i += OOMSIFT_CLASSIFY_BATCH) {
		size_t k = n - i < OOMSIFT_CLASSIFY_BATCH ? n - i : OOMSIFT_CLASSIFY_BATCH;
		if ((rc = classify_batch(r, OOMSIFT_SUBJECT_EVENT, ids + i, k, false)) < 0)
			return rc;
	}
	return 0;
}

/* Marks the subjects whose history a new or changed subject may change;
 * they stay marked until evaluated, whatever interrupts the run. */
static int mark_stale(run *r)
{
	const char *const sql[] = {sql_stale_events, sql_stale_memevents};
	int rc;

	if ((rc = oomsift_store_begin(r->s)) < 0)
		return rc;
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_stmt(r->s, sql[i]);
		if (!st) {
			oomsift_store_rollback(r->s);
			return OOMSIFT_ESTORE;
		}
		sqlite3_bind_double(st, 1, OOMSIFT_CLASSIFY_REACH_S);
		if ((rc = store_step(r->s, st, "cannot mark subjects to classify again")) < 0) {
			oomsift_store_rollback(r->s);
			return rc;
		}
	}
	return oomsift_store_commit(r->s);
}

static int meta_fingerprint(run *r, bool write)
{
	sqlite3_stmt *st = store_stmt(r->s, write ? sql_meta_set : sql_meta_get);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	if (write) {
		sqlite3_bind_text(st, 1, r->fp, -1, SQLITE_STATIC);
		return store_step(r->s, st, "cannot record the rules' fingerprint");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r->st->rules_changed = !text_eq(sqlite3_column_text(st, 0), r->fp);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	           ? 0
	           : store_error(r->s, "cannot read the rules' fingerprint");
}

/* The connection's cache size as PRAGMA cache_size gives it (negative:
 * KiB; positive: pages), in *value; false when it cannot be read. */
static bool read_cache_size(oomsift_store *s, int64_t *value, int64_t *kib)
{
	sqlite3 *db = oomsift_store_db(s);
	sqlite3_stmt *st;
	int64_t page = 0;
	bool ok = false;

	if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*value = sqlite3_column_int64(st, 0);
		ok = true;
	}
	sqlite3_finalize(st);
	if (ok && *value > 0) {
		ok = sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
		     sqlite3_step(st) == SQLITE_ROW && (page = sqlite3_column_int64(st, 0)) > 0;
		sqlite3_finalize(st);
	}
	*kib = *value < 0 ? -*value : *value * page / 1024;
	return ok;
}

static void set_cache_size(oomsift_store *s, int64_t value)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", (long long)value);
	sqlite3_exec(oomsift_store_db(s), sql, NULL, NULL, NULL);
}

static int by_count(const void *a, const void *b)
{
	const oomsift_classify_cause *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->cause, y->cause);
}

static int classify_run(run *r, const oomsift_classify_opts *o)
{
	int rc;

	if ((rc = meta_fingerprint(r, false)) < 0 || (rc = mark_stale(r)) < 0)
		return rc;
	if (o->event_ids)
		return classify_ids(r, o->event_ids, o->nevent_ids);
	if ((rc = classify_kind(r, OOMSIFT_SUBJECT_EVENT, o->all)) < 0 ||
	    (rc = classify_kind(r, OOMSIFT_SUBJECT_MEMORY_EVENT, o->all)) < 0)
		return rc;
	if ((rc = oomsift_store_begin(r->s)) < 0)
		return rc;
	if ((rc = meta_fingerprint(r, true)) < 0) {
		oomsift_store_rollback(r->s);
		return rc;
	}
	return oomsift_store_commit(r->s);
}

int oomsift_classify(oomsift_store *s, const oomsift_rules *rs, const oomsift_classify_opts *o,
                     oomsift_classify_stats *st)
{
	static const oomsift_classify_opts defaults = {0};
	oomsift_classify_stats scratch;
	run *r = calloc(1, sizeof(*r));
	int64_t cache = 0, cache_kib = 0;
	bool raise_cache;
	int rc;

	if (!r)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	r->s = s;
	r->rs = rs;
	oomsift_buf_init(&r->pending_text, PENDING_TEXT_LIMIT);
	r->st = st ? st : &scratch;
	memset(r->st, 0, sizeof(*r->st));
	oomsift_rules_fingerprint(rs, r->fp);
	/* a cache that cannot be resized only costs page reads */
	raise_cache = read_cache_size(s, &cache, &cache_kib) && cache_kib < CLASSIFY_CACHE_KIB;
	if (raise_cache)
		set_cache_size(s, -(int64_t)CLASSIFY_CACHE_KIB);
	if ((rc = classifier_init(&r->cls, s)) == 0) {
		rc = classify_run(r, o ? o : &defaults);
		classifier_free(&r->cls);
	}
	if (raise_cache)
		set_cache_size(s, cache);
	qsort(r->st->causes, r->st->ncauses, sizeof(r->st->causes[0]), by_count);
	oomsift_buf_free(&r->pending_text);
	free(r);
	return rc;
}

/* ---- listing ---- */

int oomsift_classification_list(oomsift_store *s, oomsift_rule_subject subject, int64_t id,
                                oomsift_classification_cb cb, void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, sql_list);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_text(st, 1, classify_subject_name(subject), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		oomsift_classification c = {
		    .rule_id = (const char *)sqlite3_column_text(st, 0),
		    .cause = (const char *)sqlite3_column_text(st, 1),
		    .severity = (const char *)sqlite3_column_text(st, 2),
		    .evidence = (const char *)sqlite3_column_text(st, 3),
		    .advice = (const char *)sqlite3_column_text(st, 4),
		    .classified_at = (const char *)sqlite3_column_text(st, 5),
		    .priority = sqlite3_column_int(st, 6),
		    .primary = sqlite3_column_int(st, 7) != 0,
		};
		if ((rc = cb(ctx, &c)) < 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_error(s, "cannot read classifications");
}

/* ---- log examples ---- */

typedef struct example {
	oomsift_store *s;
	int64_t source_id;
} example;

static int example_event(void *ctx, oomsift_event *ev)
{
	example *e = ctx;
	int64_t id;
	bool inserted;
	int rc = oomsift_store_put_event(e->s, ev, e->source_id, &id, &inserted);

	oomsift_event_free(ev);
	return rc;
}

static int example_memevent(void *ctx, const oomsift_memevent *me)
{
	example *e = ctx;
	bool inserted;

	return oomsift_store_put_memevent(e->s, me, e->source_id, &inserted);
}

/* Stores what the log holds, as `oomsift ingest` would (one source). */
static int ingest_example(example *e, const char *log, size_t len)
{
	oomsift_source_info info = {.path = "example",
	                            .head = log,
	                            .head_len =
	                                len < OOMSIFT_SOURCE_HEAD ? len : OOMSIFT_SOURCE_HEAD,
	                            .size = (int64_t)len,
	                            .file_size = -1};
	oomsift_parse_opts po = {.memevent_cb = example_memevent, .memevent_ctx = e};
	oomsift_parse_stats ps = {0};
	oomsift_source_pos pos;
	uint64_t dated;
	int rc;

	if ((rc = oomsift_store_begin(e->s)) < 0)
		return rc;
	if ((rc = oomsift_store_source_begin(e->s, &info, &pos)) < 0)
		goto fail;
	e->source_id = pos.id;
	if ((rc = oomsift_parse_buffer(log, len, "example", (int64_t)time(NULL), &po, example_event,
	                               e, &ps)) < 0 ||
	    (rc = oomsift_store_derive_times(e->s, &dated)) < 0)
		goto fail;
	return oomsift_store_commit(e->s);
fail:
	oomsift_store_rollback(e->s);
	return rc;
}

static const char sql_first[2][40] = {"SELECT min(id) FROM event",
                                      "SELECT min(id) FROM memory_event"};
static const char sql_matched[] = "SELECT 1 FROM classification WHERE subject = ?1 AND "
                                  "subject_id = ?2 AND rule_id = ?3";

static int example_matched(example *e, const char *rule_id, oomsift_rule_subject subject,
                           bool *matched)
{
	sqlite3_stmt *st = store_stmt(e->s, sql_first[subject]);
	int64_t id;
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return oomsift_error_set(
		    OOMSIFT_ERULE, "rule %s: its log example holds no %s", rule_id,
		    subject == OOMSIFT_SUBJECT_EVENT ? "OOM event" : "memory event");
	}
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!(st = store_stmt(e->s, sql_matched)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_text(st, 1, classify_subject_name(subject), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, rule_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*matched = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	           ? 0
	           : store_error(e->s, "cannot read an example's classification");
}

int oomsift_classify_log_runner(void *data, const oomsift_rules *rs, const char *rule_id,
                                oomsift_rule_subject subject, const char *log, size_t len,
                                bool *matched)
{
	example e = {0};
	int rc;

	*matched = false;
	if (subject != OOMSIFT_SUBJECT_EVENT && subject != OOMSIFT_SUBJECT_MEMORY_EVENT)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "rule %s: an example of an unknown subject", rule_id);
	if ((rc = oomsift_store_open(&e.s, ":memory:", OOMSIFT_STORE_READWRITE)) < 0)
		return rc;
	if ((rc = ingest_example(&e, log, len)) == 0 &&
	    (rc = oomsift_classify(e.s, rs, NULL, NULL)) == 0)
		rc = example_matched(&e, rule_id, subject, matched);
	oomsift_store_free(e.s);
	return rc;
}
