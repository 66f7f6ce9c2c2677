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
	double *t; /* the time axis, ascending */
	double *v; /* the figure at each time (two-column series), else NULL */
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

static void series_free(classify_series *s)
{
	free(s->key);
	free(s->t);
	free(s->v);
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

/* Appends the point of st's current row; OOMSIFT_ELIMIT past the budget. */
static int add_point(classify_series *s, sqlite3_stmt *st, int ncols, size_t budget)
{
	size_t limit = budget / 4 / (ncols * sizeof(double)), cap = s->cap;
	int rc;

	if (s->n == s->cap) {
		if ((rc = oomsift_vec_reserve((void **)&s->t, &cap, sizeof(double), s->n + 1,
		                              limit)) < 0)
			return rc;
		if (ncols == 2) {
			size_t vcap = s->cap;
			if ((rc = oomsift_vec_reserve((void **)&s->v, &vcap, sizeof(double),
			                              s->n + 1, limit)) < 0)
				return rc;
		}
		s->cap = cap;
	}
	s->t[s->n] = sqlite3_column_double(st, 0);
	if (ncols == 2)
		s->v[s->n] = sqlite3_column_double(st, 1);
	s->n++;
	return 0;
}

/* Reads the points of st: column 0 the time, column 1 (ncols 2) the figure;
 * rows whose figure is NULL are no points. */
static int read_points(oomsift_store *store, classify_series *s, sqlite3_stmt *st, int ncols)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ncols == 2 && sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		if ((rc = add_point(s, st, ncols, CLASSIFY_SERIES_MAX_BYTES)) < 0)
			return rc;
	}
	if (rc != SQLITE_DONE)
		return store_error(store, "cannot read the history or trend of a host");
	return 0;
}

int series_load(series_cache *sc, oomsift_store *store, const char *key, size_t len,
                sqlite3_stmt *st, int ncols, const classify_series **out)
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
	rc = read_points(store, s, st, ncols);
	if (rc == OOMSIFT_ELIMIT) { /* remembered, without its points */
		free(s->t);
		free(s->v);
		s->t = s->v = NULL;
		s->n = s->cap = 0;
		s->too_big = true;
	} else if (rc < 0) {
		series_free(s);
		return rc;
	}
	s->bytes = sizeof(*s) + len + s->cap * (size_t)ncols * sizeof(double);
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

/* The first point at or after t (after, with `after`). */
static size_t bound(const classify_series *s, double t, bool after)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (after ? s->t[mid] <= t : s->t[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t series_window(const classify_series *s, double from, double to, const double **t,
                     const double **v)
{
	size_t first = bound(s, from, false), end = bound(s, to, true);

	*t = s->t + first;
	*v = s->v ? s->v + first : NULL;
	return end > first ? end - first : 0;
}
