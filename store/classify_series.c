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

/* FNV-1a: keys are short and the table small. */
static uint64_t key_hash(const char *key, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ull;
	}
	return h;
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

/* Starts the points of the name in column 1 when it differs from the last. */
static int add_name(classify_series *s, sqlite3_stmt *st, size_t *bytes)
{
	const char *name = (const char *)sqlite3_column_text(st, 1);
	size_t len = (size_t)sqlite3_column_bytes(st, 1), limit = CLASSIFY_SERIES_MAX_BYTES / 64;
	int rc;

	if (s->nnames && strlen(s->names[s->nnames - 1]) == len &&
	    memcmp(s->names[s->nnames - 1], name, len) == 0)
		return 0;
	if ((rc = oomsift_vec_reserve((void **)&s->names, &s->names_cap, sizeof(*s->names),
	                              s->nnames + 1, limit)) < 0 ||
	    (rc = oomsift_vec_reserve((void **)&s->start, &s->starts_cap, sizeof(*s->start),
	                              s->nnames + 2, limit)) < 0)
		return rc;
	*bytes += len + 1 + sizeof(*s->names) + sizeof(*s->start);
	if (*bytes > CLASSIFY_SERIES_MAX_BYTES / 4)
		return OOMSIFT_ELIMIT;
	if (!(s->names[s->nnames] = strndup(name, len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	s->start[s->nnames++] = s->n;
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

/* Reads the points of st (columns by kind); rows whose figure is NULL are no
 * points, nor are rows of SERIES_NAMED whose name is not text. */
static int read_points(oomsift_store *store, classify_series *s, sqlite3_stmt *st,
                       enum series_kind kind, size_t *bytes)
{
	int vcol = kind == SERIES_TIMES ? 0 : kind == SERIES_FIGURES ? 1 : 2;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vcol > 0 && sqlite3_column_type(st, vcol) == SQLITE_NULL)
			continue;
		if (kind == SERIES_NAMED) {
			if (!plain_text(st, 1))
				continue;
			if ((rc = add_name(s, st, bytes)) < 0)
				return rc;
		}
		if ((rc = add_point(s, st, vcol, bytes)) < 0)
			return rc;
	}
	if (rc != SQLITE_DONE)
		return store_error(store, "cannot read the history or trend of a host");
	if (kind == SERIES_NAMED)
		s->start[s->nnames] = s->n;
	return 0;
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
	if (kind == SERIES_NAMED && !(s->start = calloc(1, sizeof(*s->start)))) {
		series_free(s);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	rc = read_points(store, s, st, kind, &s->bytes);
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

/* The first point of [lo, hi) at or after t (after, with `after`). */
static size_t bound(const classify_series *s, size_t lo, size_t hi, double t, bool after)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (after ? s->t[mid] <= t : s->t[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* SQLite's BINARY order: bytes, then the shorter first. */
static int name_cmp(const char *a, const char *b, size_t blen)
{
	size_t alen = strlen(a);
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
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
	first = bound(s, lo, hi, from, false);
	end = bound(s, first, hi, to, true);
	*t = s->t + first;
	*v = s->v ? s->v + first : NULL;
	return end - first;
}
