/*
 * Binary search over an ascending array of times: the lower and upper bound
 * of a value. Header only; inline, since callers search in their inner loops.
 */
#ifndef OOMSIFT_COMMON_BOUND_H
#define OOMSIFT_COMMON_BOUND_H

#include <stdbool.h>
#include <stddef.h>

/* The first index i in [lo, hi) with t[i] >= x (with `after`: t[i] > x), or
 * hi when there is none. t[lo … hi) must be ascending. */
static inline size_t time_bound(const double *t, size_t lo, size_t hi, double x, bool after)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (after ? t[mid] <= x : t[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif
