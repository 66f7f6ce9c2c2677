/*
 * The series of history and trend conditions, read once per classification
 * run. A rule's history or trend asks for the subjects of one host (and the
 * same values of some fields) in a window ending at the subject's time; every
 * subject of that host asks again with its own window. A series is the answer
 * over all time, sorted by the time axis: each window is a contiguous run of
 * it, found by binary search. The cache is bounded (CLASSIFY_SERIES_MAX_BYTES);
 * when it is full it starts again empty, and a series too large for it is
 * remembered as such so that its windows are asked of SQLite directly.
 */
#include <stdlib.h>
#include <string.h>

#include "common/bound.h"
#include "common/hash.h"
#include "common/name_index.h"
#include "oomsift/error.h"
#include "store/classify_internal.h"
#include "store/internal.h"

struct classify_series {
	classify_series *next; /* in its bucket */
	uint64_t hash;
	char *key;
	size_t keylen;
	bool too_big;
	size_t n, cap, bytes;
	double *t; /* the time axis, ascending (within each name) */
	double *v; /* the figure at each time (SERIES_FIGURES, SERIES_NAMED), else NULL */
	/* SERIES_NAMED: the points of names[i] are [start[i], start[i + 1]) */
	char **names;
	size_t *start;
	size_t nnames, names_cap, starts_cap;
};

static uint64_t key_hash(const char *key, size_t len)
{
	return oomsift_fnv1a(key, len);
}

static void drop_points(classify_series *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->start);
	free(s->t);
	free(s->v);
	s->names = NULL;
	s->start = NULL;
	s->t = s->v = NULL;
	s->n = s->cap = s->nnames = s->names_cap = s->starts_cap = 0;
}

static void series_free(classify_series *s)
{
	drop_points(s);
	free(s->key);
	free(s);
}

void series_cache_free(series_cache *sc)
{
	if (sc->buckets)
		for (size_t i = 0; i < CLASSIFY_SERIES_BUCKETS; i++)
			for (classify_series *s = sc->buckets[i], *next; s; s = next) {
				next = s->next;
				series_free(s);
			}
	free(sc->buckets);
	memset(sc, 0, sizeof(*sc));
}

/* Empties the cache, keeping its table. */
static void series_cache_clear(series_cache *sc)
{
	for (size_t i = 0; i < CLASSIFY_SERIES_BUCKETS; i++) {
		for (classify_series *s = sc->buckets[i], *next; s; s = next) {
			next = s->next;
			series_free(s);
		}
		sc->buckets[i] = NULL;
	}
	sc->bytes = 0;
	sc->count = 0;
}

const classify_series *series_find(const series_cache *sc, const char *key, size_t len,
                                   bool *too_big)
{
	uint64_t h = key_hash(key, len);

	*too_big = false;
	if (!sc->buckets)
		return NULL;
	for (const classify_series *s = sc->buckets[h % CLASSIFY_SERIES_BUCKETS]; s; s = s->next)
		if (s->hash == h && s->keylen == len && memcmp(s->key, key, len) == 0) {
			*too_big = s->too_big;
			return s->too_big ? NULL : s;
		}
	return NULL;
}

/* Appends a point: the time in column 0, the figure (if any) in column vcol;
 * OOMSIFT_ELIMIT past the budget. */
static int add_point(classify_series *s, sqlite3_stmt *st, int vcol, size_t *bytes)
{
	size_t cap = s->cap, limit = CLASSIFY_SERIES_MAX_BYTES / 4 / (2 * sizeof(double));
	int rc;

	if (s->n == s->cap) {
		if ((rc = oomsift_vec_reserve((void **)&s->t, &cap, sizeof(double), s->n + 1,
		                              limit)) < 0)
			return rc;
		if (vcol > 0) {
			size_t vcap = s->cap;
			if ((rc = oomsift_vec_reserve((void **)&s->v, &vcap, sizeof(double),
			                              s->n + 1, limit)) < 0)
				return rc;
		}
		*bytes += (cap - s->cap) * (vcol > 0 ? 2 : 1) * sizeof(double);
		s->cap = cap;
	}
	s->t[s->n] = sqlite3_column_double(st, 0);
	if (vcol > 0)
		s->v[s->n] = sqlite3_column_double(st, vcol);
	s->n++;
	return 0;
}

/* Text without a NUL byte: the only names a rule's name (a C string) can
 * equal. */
static bool plain_text(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_TEXT &&
	       strlen((const char *)sqlite3_column_text(st, col)) ==
	           (size_t)sqlite3_column_bytes(st, col);
}

/* Reads the points of st (SERIES_TIMES, SERIES_FIGURES); rows whose figure
 * is NULL are no points. */
static int read_points(oomsift_store *store, classify_series *s, sqlite3_stmt *st,
                       enum series_kind kind, size_t *bytes)
{
	int vcol = kind == SERIES_TIMES ? 0 : 1;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vcol > 0 && sqlite3_column_type(st, vcol) == SQLITE_NULL)
			continue;
		if ((rc = add_point(s, st, vcol, bytes)) < 0)
			return rc;
	}
	return rc == SQLITE_DONE ? 0
	                         : store_error(store, "cannot read the history or trend of a host");
}

/* ---- SERIES_NAMED: task rows grouped by event and name here ---- */

/* A task name of a SERIES_NAMED series while it is read: its sum in the
 * current event. */
typedef struct task_name {
	size_t npoints;
	int64_t sum;
	bool has_sum, touched;
} task_name;

/* A point (an event's sum for one name) in the order the events come. */
typedef struct named_point {
	size_t name;
	double t, v;
} named_point;

typedef struct task_grouping {
	classify_series *s;
	size_t *bytes;
	task_name *names; /* parallel to s->names, in the order first seen */
	size_t names_cap;
	name_index by_name; /* of s->names */
	size_t *touched;    /* names of the current event */
	size_t ntouched, touched_cap;
	named_point *points;
	size_t npoints, points_cap;
	int64_t event;
	double t;
	bool in_event;
} task_grouping;

/* Names of a series, and its points: beyond them it is too large to keep. */
#define NAMED_MAX_NAMES  (CLASSIFY_SERIES_MAX_BYTES / 64)
#define NAMED_MAX_POINTS (CLASSIFY_SERIES_MAX_BYTES / 4 / (2 * sizeof(double)))

static void grouping_free(task_grouping *g)
{
	free(g->names);
	name_index_free(&g->by_name);
	free(g->touched);
	free(g->points);
}

/* The name of s->names[entry] (NUL-terminated), for task_grouping.by_name. */
static const char *series_name_of(const void *names, size_t entry, size_t *len)
{
	const char *name = ((char *const *)names)[entry];

	*len = strlen(name);
	return name;
}

/* The index of a name (len bytes), added when new. */
static int name_get(task_grouping *g, const char *name, size_t len, size_t *out)
{
	classify_series *s = g->s;
	int rc;

	if ((rc = name_index_get(&g->by_name, series_name_of, s->names, name, len, out)) < 0 ||
	    *out != SIZE_MAX)
		return rc;
	if ((rc = oomsift_vec_reserve((void **)&s->names, &s->names_cap, sizeof(*s->names),
	                              s->nnames + 1, NAMED_MAX_NAMES)) < 0 ||
	    (rc = oomsift_vec_reserve((void **)&g->names, &g->names_cap, sizeof(*g->names),
	                              s->nnames + 1, NAMED_MAX_NAMES)) < 0 ||
	    (rc = oomsift_vec_reserve((void **)&g->touched, &g->touched_cap, sizeof(*g->touched),
	                              s->nnames + 1, NAMED_MAX_NAMES)) < 0)
		return rc;
	*g->bytes += len + 1 + sizeof(*s->names) + sizeof(*s->start);
	if (*g->bytes > CLASSIFY_SERIES_MAX_BYTES / 4)
		return OOMSIFT_ELIMIT;
	if (!(s->names[s->nnames] = strndup(name, len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	g->names[s->nnames] = (task_name){0};
	name_index_add(&g->by_name, s->nnames);
	*out = s->nnames++;
	return 0;
}

/* The figure of a sum of rss_pages as `sum(rss_pages) * 4` gives it: an
 * integer, or a real where the product overflows. */
static double kb_of(int64_t pages)
{
	int64_t kb;

	return __builtin_mul_overflow(pages, 4, &kb) ? (double)pages * 4.0 : (double)kb;
}

/* Ends the current event: a point for each of its names that has a size. */
static int end_event(task_grouping *g)
{
	int rc;

	for (size_t i = 0; i < g->ntouched; i++) {
		task_name *tn = &g->names[g->touched[i]];
		tn->touched = false;
		if (!tn->has_sum)
			continue;
		if ((rc = oomsift_vec_reserve((void **)&g->points, &g->points_cap,
		                              sizeof(*g->points), g->npoints + 1,
		                              NAMED_MAX_POINTS)) < 0)
			return rc;
		*g->bytes += 2 * sizeof(double);
		if (*g->bytes > CLASSIFY_SERIES_MAX_BYTES / 4)
			return OOMSIFT_ELIMIT;
		g->points[g->npoints++] =
		    (named_point){.name = g->touched[i], .t = g->t, .v = kb_of(tn->sum)};
		tn->npoints++;
	}
	g->ntouched = 0;
	return 0;
}

/* Adds a task row (time, event id, name, rss_pages) to its event's sums.
 * A size that is not an integer, or a sum that overflows, is left to SQLite
 * (OOMSIFT_ELIMIT: the series is not kept). */
static int add_task(task_grouping *g, sqlite3_stmt *st)
{
	int64_t event = sqlite3_column_int64(st, 1);
	task_name *tn;
	size_t name = 0;
	int rc;

	if (!g->in_event || event != g->event) {
		if (g->in_event && (rc = end_event(g)) < 0)
			return rc;
		g->in_event = true;
		g->event = event;
		g->t = sqlite3_column_double(st, 0);
	}
	if (!plain_text(st, 2))
		return 0;
	if ((rc = name_get(g, (const char *)sqlite3_column_text(st, 2),
	                   (size_t)sqlite3_column_bytes(st, 2), &name)) < 0)
		return rc;
	tn = &g->names[name];
	if (!tn->touched) {
		tn->touched = true;
		tn->has_sum = false;
		tn->sum = 0;
		g->touched[g->ntouched++] = name;
	}
	switch (sqlite3_column_type(st, 3)) {
	case SQLITE_NULL:
		return 0;
	case SQLITE_INTEGER:
		if (__builtin_add_overflow(tn->sum, sqlite3_column_int64(st, 3), &tn->sum))
			return OOMSIFT_ELIMIT;
		tn->has_sum = true;
		return 0;
	default:
		return OOMSIFT_ELIMIT;
	}
}

/* SQLite's BINARY order: bytes, then the shorter first. */
static int name_cmp(const char *a, const char *b, size_t blen)
{
	size_t alen = strlen(a);
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

typedef struct name_ref {
	const char *name;
	size_t len, index;
} name_ref;

static int name_ref_cmp(const void *pa, const void *pb)
{
	const name_ref *a = pa, *b = pb;
	int c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Lays the points out by name (in SQLite's order of names), each name's in
 * the order they came (time, then event id). */
static int lay_out(task_grouping *g)
{
	classify_series *s = g->s;
	size_t nn = s->nnames, *next = NULL;
	name_ref *order = NULL;
	char **names = NULL;
	int rc = 0;

	if (!(order = malloc((nn + 1) * sizeof(*order))) ||
	    !(next = malloc((nn + 1) * sizeof(*next))) ||
	    !(names = malloc((nn + 1) * sizeof(*names))) ||
	    !(s->start = malloc((nn + 1) * sizeof(*s->start))) ||
	    !(s->t = malloc((g->npoints + 1) * sizeof(*s->t))) ||
	    !(s->v = malloc((g->npoints + 1) * sizeof(*s->v)))) {
		rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nn; i++)
		order[i] = (name_ref){.name = s->names[i], .len = strlen(s->names[i]), .index = i};
	qsort(order, nn, sizeof(*order), name_ref_cmp);
	s->n = 0;
	for (size_t i = 0; i < nn; i++) {
		names[i] = s->names[order[i].index];
		s->start[i] = s->n;
		next[order[i].index] = s->n;
		s->n += g->names[order[i].index].npoints;
	}
	s->start[nn] = s->n;
	for (size_t i = 0; i < g->npoints; i++) {
		size_t at = next[g->points[i].name]++;
		s->t[at] = g->points[i].t;
		s->v[at] = g->points[i].v;
	}
	free(s->names);
	s->names = names;
	names = NULL;
	s->names_cap = s->starts_cap = nn + 1;
	s->cap = g->npoints + 1;
out:
	free(order);
	free(next);
	free(names);
	return rc;
}

/* Reads the task rows of st and keeps, for each event and task name, the sum
 * of the sizes as `GROUP BY e.id, t.name` would (NULL when no row of it has
 * a size: no point; rows whose name is not text are no tasks). */
static int read_task_points(oomsift_store *store, classify_series *s, sqlite3_stmt *st,
                            size_t *bytes)
{
	task_grouping g = {.s = s, .bytes = bytes};
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = add_task(&g, st)) < 0)
			goto out;
	if (rc != SQLITE_DONE) {
		rc = store_error(store, "cannot read the task sizes of a host");
		goto out;
	}
	if ((g.in_event && (rc = end_event(&g)) < 0) || (rc = lay_out(&g)) < 0)
		goto out;
out:
	grouping_free(&g);
	return rc;
}

int series_load(series_cache *sc, oomsift_store *store, const char *key, size_t len,
                sqlite3_stmt *st, enum series_kind kind, const classify_series **out)
{
	classify_series *s;
	size_t slot;
	int rc;

	*out = NULL;
	if (!sc->buckets && !(sc->buckets = calloc(CLASSIFY_SERIES_BUCKETS, sizeof(*sc->buckets))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (!(s = calloc(1, sizeof(*s))) || !(s->key = malloc(len))) {
		free(s);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	memcpy(s->key, key, len);
	s->keylen = len;
	s->hash = key_hash(key, len);
	s->bytes = sizeof(*s) + len;
	rc = kind == SERIES_NAMED ? read_task_points(store, s, st, &s->bytes)
	                          : read_points(store, s, st, kind, &s->bytes);
	if (rc == OOMSIFT_ELIMIT) { /* remembered, without its points */
		drop_points(s);
		s->bytes = sizeof(*s) + len;
		s->too_big = true;
	} else if (rc < 0) {
		series_free(s);
		return rc;
	}
	if (sc->bytes + s->bytes > CLASSIFY_SERIES_MAX_BYTES ||
	    sc->count == CLASSIFY_SERIES_MAX_COUNT)
		series_cache_clear(sc);
	slot = s->hash % CLASSIFY_SERIES_BUCKETS;
	s->next = sc->buckets[slot];
	sc->buckets[slot] = s;
	sc->bytes += s->bytes;
	sc->count++;
	if (!s->too_big)
		*out = s;
	return 0;
}

/* The points of a name in a SERIES_NAMED series: false when it has none. */
static bool name_range(const classify_series *s, const char *name, size_t *lo, size_t *hi)
{
	size_t a = 0, b = s->nnames, len = strlen(name);

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		int c = name_cmp(s->names[mid], name, len);
		if (c == 0) {
			*lo = s->start[mid];
			*hi = s->start[mid + 1];
			return true;
		}
		if (c < 0)
			a = mid + 1;
		else
			b = mid;
	}
	return false;
}

size_t series_window(const classify_series *s, const char *name, double from, double to,
                     const double **t, const double **v)
{
	size_t lo = 0, hi = s->n, first, end;

	*t = s->t;
	*v = s->v;
	if (name && !name_range(s, name, &lo, &hi))
		return 0;
	first = time_bound(s->t, lo, hi, from, false);
	end = time_bound(s->t, first, hi, to, true);
	*t = s->t + first;
	*v = s->v ? s->v + first : NULL;
	return end - first;
}
