/*
 * The task_rss_kb series of a host built from the task tables the run reads
 * anyway (one per event, for the task fields), instead of a second pass over
 * all of the host's task rows (store/classify_series.c, SERIES_NAMED).
 *
 * For a host it keeps the list of its events on the wall-time axis, in the
 * order of the series statement (ts_unix, then id; the events the statement
 * of a task_rss_kb trend without same fields walks), which of them have been
 * fed, and for each task name the points of the fed events: the sum of the
 * sizes of the event's tasks of that name, as `sum(rss_pages) * 4` gives it.
 * A window is answered only when every event in it has been fed; the caller
 * asks the SQL series otherwise. A host whose task sizes are not integers,
 * or whose sums overflow, is left to the SQL series (which leaves them to
 * SQLite). The memory is bounded (CLASSIFY_FEED_MAX_BYTES): past it, the
 * feed stops for the run and everything is asked of the SQL series.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/bound.h"
#include "common/hash.h"
#include "common/name_index.h"
#include "oomsift/error.h"
#include "store/classify_internal.h"
#include "store/internal.h"

/* The host's events on the wall-time axis, in the order of the series
 * statement of a task_rss_kb trend without same fields (which walks the view
 * oom_events, with the task rows joined). Read from the table, so that only
 * the index event_host_ts is read: an event the view leaves out (its source
 * missing) cannot be classified, so it is never fed, and a window holding
 * it is asked of the SQL series. */
static const char sql_host_events[] =
    "SELECT e.ts_unix, e.id FROM event e WHERE e.host = ?1 AND e.ts_unix BETWEEN ?2 AND ?3 "
    "ORDER BY e.ts_unix, e.id";

typedef struct feed_name {
	char *name;
	size_t len;
	feed_point *p; /* by event index, ascending */
	size_t n, cap;
	int64_t sum; /* in the event being fed */
	bool has_sum, touched;
} feed_name;

struct feed_host {
	feed_host *next; /* in its bucket */
	uint64_t hash;
	char *host;
	size_t hostlen;
	bool broken;   /* sizes SQLite must sum: never answered */
	double *ts;    /* the events, by (ts_unix, id) */
	int64_t *ids;  /* their ids */
	bool *fed;     /* fed yet */
	uint32_t *bit; /* Fenwick tree of fed[] (1-based) */
	size_t n;
	feed_name *names;
	size_t nnames, names_cap;
	name_index by_name; /* of names */
	size_t *touched;    /* names of the event being fed */
};

/* The name of h->names[entry], for h->by_name. */
static const char *feed_name_of(const void *names, size_t entry, size_t *len)
{
	const feed_name *nm = (const feed_name *)names + entry;

	*len = nm->len;
	return nm->name;
}

static void host_free(feed_host *h)
{
	for (size_t i = 0; i < h->nnames; i++) {
		free(h->names[i].name);
		free(h->names[i].p);
	}
	free(h->names);
	name_index_free(&h->by_name);
	free(h->touched);
	free(h->ts);
	free(h->ids);
	free(h->fed);
	free(h->bit);
	free(h->host);
	free(h);
}

static void feed_clear(task_feed *f)
{
	for (size_t i = 0; f->buckets && i < CLASSIFY_FEED_BUCKETS; i++)
		for (feed_host *h = f->buckets[i], *next; h; h = next) {
			next = h->next;
			host_free(h);
		}
	free(f->buckets);
	f->buckets = NULL;
	f->bytes = 0;
}

void feed_free(task_feed *f)
{
	feed_clear(f);
	memset(f, 0, sizeof(*f));
}

/* Stops the feed for the run (memory): every window goes to the SQL series. */
static void feed_stop(task_feed *f)
{
	feed_clear(f);
	f->on = false;
	f->stopped = true;
}

static bool feed_budget(task_feed *f, size_t more)
{
	f->bytes += more;
	if (f->bytes <= CLASSIFY_FEED_MAX_BYTES)
		return true;
	feed_stop(f);
	return false;
}

static feed_host *host_find(const task_feed *f, const char *host, size_t len, uint64_t hash)
{
	if (!f->buckets)
		return NULL;
	for (feed_host *h = f->buckets[hash % CLASSIFY_FEED_BUCKETS]; h; h = h->next)
		if (h->hash == hash && h->hostlen == len && memcmp(h->host, host, len) == 0)
			return h;
	return NULL;
}

const feed_host *feed_host_find(const task_feed *f, const char *host, size_t len)
{
	return host_find(f, host, len, oomsift_fnv1a(host, len));
}

/* Reads the host's events into h; OOMSIFT_ELIMIT past the budget. */
static int read_events(task_feed *f, oomsift_store *s, feed_host *h)
{
	sqlite3_stmt *st = store_stmt(s, sql_host_events);
	size_t cap = 0, icap = 0;
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_text(st, 1, h->host, (int)h->hostlen, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, -INFINITY);
	sqlite3_bind_double(st, 3, INFINITY);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = oomsift_vec_reserve((void **)&h->ts, &cap, sizeof(*h->ts), h->n + 1,
		                              UINT32_MAX - 1)) < 0 ||
		    (rc = oomsift_vec_reserve((void **)&h->ids, &icap, sizeof(*h->ids), h->n + 1,
		                              UINT32_MAX - 1)) < 0) {
			sqlite3_reset(st);
			return rc;
		}
		h->ts[h->n] = sqlite3_column_double(st, 0);
		h->ids[h->n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, "cannot read the events of a host");
	if (!feed_budget(f, h->n * (sizeof(double) + sizeof(int64_t) + 1 + sizeof(uint32_t))))
		return OOMSIFT_ELIMIT;
	if (!(h->fed = calloc(h->n + 1, 1)) || !(h->bit = calloc(h->n + 1, sizeof(*h->bit))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return 0;
}

/* The host's state, created (its events read) on first use; NULL when the
 * feed stopped. */
static int host_get(task_feed *f, oomsift_store *s, const char *host, size_t len, feed_host **out)
{
	uint64_t hash = oomsift_fnv1a(host, len);
	feed_host *h;
	int rc;

	*out = NULL;
	if ((*out = host_find(f, host, len, hash)))
		return 0;
	if (!f->buckets && !(f->buckets = calloc(CLASSIFY_FEED_BUCKETS, sizeof(*f->buckets))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (!feed_budget(f, sizeof(*h) + len))
		return 0;
	if (!(h = calloc(1, sizeof(*h))) || !(h->host = malloc(len + 1))) {
		free(h);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	memcpy(h->host, host, len);
	h->host[len] = '\0';
	h->hostlen = len;
	h->hash = hash;
	h->next = f->buckets[hash % CLASSIFY_FEED_BUCKETS];
	f->buckets[hash % CLASSIFY_FEED_BUCKETS] = h;
	if ((rc = read_events(f, s, h)) < 0) {
		if (rc == OOMSIFT_ELIMIT) /* the feed stopped, h with it */
			return 0;
		h->broken = true;
		return rc;
	}
	*out = h;
	return 0;
}

/* The index of the event (ts, id) in the host's list, or h->n. */
static size_t event_index(const feed_host *h, double ts, int64_t id)
{
	size_t lo = 0, hi = h->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->ts[mid] < ts || (h->ts[mid] == ts && h->ids[mid] < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n && h->ts[lo] == ts && h->ids[lo] == id ? lo : h->n;
}

static void bit_add(feed_host *h, size_t i)
{
	for (size_t k = i + 1; k <= h->n; k += k & (~k + 1))
		h->bit[k]++;
}

/* Fed events among the first i. */
static size_t bit_count(const feed_host *h, size_t i)
{
	size_t sum = 0;

	for (size_t k = i; k > 0; k -= k & (~k + 1))
		sum += h->bit[k];
	return sum;
}

/* The index of a name in h, added when new; *out SIZE_MAX when the feed
 * stopped. */
static int name_get(task_feed *f, feed_host *h, const char *name, size_t len, size_t *out)
{
	int rc;

	if ((rc = name_index_get(&h->by_name, feed_name_of, h->names, name, len, out)) < 0 ||
	    *out != SIZE_MAX)
		return rc;
	if (!feed_budget(f, sizeof(feed_name) + sizeof(size_t) + 2 * sizeof(uint32_t) + len + 1)) {
		*out = SIZE_MAX;
		return 0;
	}
	if ((rc = oomsift_vec_reserve((void **)&h->names, &h->names_cap, sizeof(*h->names),
	                              h->nnames + 1, UINT32_MAX - 1)) < 0)
		return rc;
	if (!(h->touched = realloc(h->touched, h->names_cap * sizeof(*h->touched))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	h->names[h->nnames] = (feed_name){.len = len};
	if (!(h->names[h->nnames].name = malloc(len + 1)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	memcpy(h->names[h->nnames].name, name, len);
	h->names[h->nnames].name[len] = '\0';
	name_index_add(&h->by_name, h->nnames);
	*out = h->nnames++;
	return 0;
}

/* Adds the point of each name of the event at index at (kept in order). */
static int add_points(task_feed *f, feed_host *h, size_t ntouched, size_t at)
{
	for (size_t i = 0; i < ntouched; i++) {
		feed_name *nm = &h->names[h->touched[i]];
		size_t pos = nm->n;
		int rc;
		nm->touched = false;
		if (!nm->has_sum)
			continue;
		if (nm->n == nm->cap) {
			size_t cap = nm->cap;
			if ((rc = oomsift_vec_reserve((void **)&nm->p, &cap, sizeof(*nm->p),
			                              nm->n + 1, UINT32_MAX - 1)) < 0)
				return rc;
			if (!feed_budget(f, (cap - nm->cap) * sizeof(*nm->p)))
				return 0;
			nm->cap = cap;
		}
		while (pos > 0 && nm->p[pos - 1].at > at) /* fed out of order */
			pos--;
		memmove(nm->p + pos + 1, nm->p + pos, (nm->n - pos) * sizeof(*nm->p));
		nm->p[pos] = (feed_point){.at = (uint32_t)at, .kb = (uint32_t)(nm->sum * 4)};
		nm->n++;
	}
	return 0;
}

/* Whether a name's sum of rss_pages, times 4, is a figure a point holds:
 * `sum(rss_pages) * 4` is then that integer (below 4 TiB of kB). */
static bool fits_point(int64_t sum)
{
	return sum >= 0 && sum <= (int64_t)(UINT32_MAX / 4);
}

/* Sums the event's tasks by name; *plain false: a size SQLite must sum, or
 * a sum a point does not hold. */
static int sum_names(task_feed *f, feed_host *h, const named_task *tasks, size_t ntasks,
                     size_t *ntouched, bool *plain)
{
	int rc;

	*ntouched = 0;
	*plain = true;
	for (size_t i = 0; i < ntasks; i++) {
		const named_task *t = &tasks[i];
		feed_name *nm;
		size_t k = SIZE_MAX;
		if (t->name_type != SQLITE_TEXT || memchr(t->name, '\0', t->len))
			continue; /* no task of the series (a name no rule can equal) */
		if ((rc = name_get(f, h, t->name, t->len, &k)) < 0)
			return rc;
		if (k == SIZE_MAX)
			return 0; /* the feed stopped */
		nm = &h->names[k];
		if (!nm->touched) {
			nm->touched = true;
			nm->has_sum = false;
			nm->sum = 0;
			h->touched[(*ntouched)++] = k;
		}
		if (!t->has_rss)
			continue;
		if (!t->rss_int || __builtin_add_overflow(nm->sum, t->rss, &nm->sum)) {
			*plain = false;
			return 0;
		}
		nm->has_sum = true;
	}
	for (size_t i = 0; i < *ntouched; i++)
		if (h->names[h->touched[i]].has_sum && !fits_point(h->names[h->touched[i]].sum))
			*plain = false;
	return 0;
}

/* Drops what a broken host held: it is never answered again. */
static void host_break(feed_host *h)
{
	for (size_t i = 0; i < h->nnames; i++) {
		h->names[i].n = 0;
		h->names[i].touched = false;
	}
	h->broken = true;
}

int feed_event(task_feed *f, oomsift_store *s, const char *host, size_t hostlen, double ts,
               int64_t id, const named_task *tasks, size_t ntasks)
{
	feed_host *h = NULL;
	size_t at, ntouched = 0;
	bool plain;
	int rc;

	if (!f->on)
		return 0;
	if ((rc = host_get(f, s, host, hostlen, &h)) < 0 || !h)
		return rc; /* an error, or the feed stopped */
	if (h->broken || (at = event_index(h, ts, id)) == h->n || h->fed[at])
		return 0;
	if ((rc = sum_names(f, h, tasks, ntasks, &ntouched, &plain)) < 0 || !f->on)
		return rc;
	if (!plain) {
		host_break(h);
		return 0;
	}
	if ((rc = add_points(f, h, ntouched, at)) < 0 || !f->on)
		return rc;
	h->fed[at] = true;
	bit_add(h, at);
	return 0;
}

static size_t point_bound(const feed_name *nm, size_t at)
{
	size_t lo = 0, hi = nm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nm->p[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool feed_window(const feed_host *h, const char *name, double from, double to, const double **ts,
                 const feed_point **p, size_t *n)
{
	size_t first = time_bound(h->ts, 0, h->n, from, false),
	       end = time_bound(h->ts, 0, h->n, to, true), k;

	*ts = h->ts;
	*p = NULL;
	*n = 0;
	if (h->broken || bit_count(h, end) - bit_count(h, first) != end - first)
		return false;
	if ((k = name_index_find(&h->by_name, feed_name_of, h->names, name, strlen(name))) !=
	    SIZE_MAX) {
		const feed_name *nm = &h->names[k];
		size_t a = point_bound(nm, first);
		*p = nm->p + a;
		*n = point_bound(nm, end) - a;
	}
	return true;
}
