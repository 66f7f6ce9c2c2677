/*
 * Saturating 64-bit arithmetic for values read from logs (internal). Log
 * values are untrusted: a sum or product past the 64-bit range stops at the
 * limit instead of wrapping (a task table may print 2^63-1 pages). The low
 * end stops at INT64_MIN + 1, since INT64_MIN is OOMSIFT_UNSET.
 */
#ifndef OOMSIFT_COMMON_SATMATH_H
#define OOMSIFT_COMMON_SATMATH_H

#include <stdint.h>

static inline int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN + 1;
	return r;
}

static inline int64_t sat_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN + 1 : INT64_MAX;
	return r;
}

static inline int64_t sat_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN + 1;
	return r;
}

#endif
