/*
 * PCRE2 helpers for the parsers (internal). Patterns are compiled once, with
 * JIT where the platform has it, and matched against (pointer, length) text
 * that need not be NUL-terminated.
 */
#ifndef OOMSIFT_PARSE_RE_H
#define OOMSIFT_PARSE_RE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oomsift_re {
	pcre2_code *code;
	pcre2_match_data *md;
} oomsift_re;

/* A capture group of the last match: ptr is NULL when the group did not take part. */
typedef struct oomsift_span {
	const char *ptr;
	size_t len;
} oomsift_span;

/* Compiles `pattern`; returns 0 or OOMSIFT_EINVAL with a message naming the offset. */
int oomsift_re_compile(oomsift_re *re, const char *pattern);
void oomsift_re_free(oomsift_re *re);

/* Matches re against s[0..len); on a match fills groups[0..ngroups) and returns true. */
bool oomsift_re_match(oomsift_re *re, const char *s, size_t len, oomsift_span *groups, int ngroups);

/* The number of the capture group called `name`, or -1 when there is none. */
int oomsift_re_group(const oomsift_re *re, const char *name);

/* Parses a span as a signed decimal integer; false when empty, malformed or out of range. */
bool oomsift_span_i64(oomsift_span sp, int64_t *out);

#endif
