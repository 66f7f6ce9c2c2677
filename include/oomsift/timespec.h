/*
 * Times as people type them on the command line (--since, --until, --week).
 */
#ifndef OOMSIFT_TIMESPEC_H
#define OOMSIFT_TIMESPEC_H

#include <stddef.h>
#include <stdint.h>

/* Parses `text` into seconds since the epoch, UTC:
 *   absolute  2026-11-01, 2026-11-01T08:30, 2026-11-01 08:30:15,
 *             RFC 3339 2026-11-01T08:30:15Z / +02:00 / .123Z, @1762000000 (epoch)
 *   relative  7d, 36h, 90m, 45s, 2w (that long before now), "2 weeks ago",
 *             "3 days ago", "1 hour ago", now, today (00:00 UTC), yesterday
 * A date without a time is its 00:00 UTC; a time without a zone is UTC.
 * `now` is the reference for relative times. Fails with OOMSIFT_EINVAL, the
 * message quoting text and listing the forms. */
int oomsift_time_parse(const char *text, int64_t now, int64_t *out);

/* An ISO 8601 week "2026-W47" (or "2026W47", "2026-w47") as [start, end):
 * Monday 00:00 UTC to the next Monday. OOMSIFT_EINVAL for anything else
 * (week 53 only in years that have it). */
int oomsift_isoweek_parse(const char *text, int64_t *start, int64_t *end);

/* The ISO week of t: its label ("2026-W47", at least 9 bytes) and bounds. */
void oomsift_isoweek_of(int64_t t, char *label, size_t len, int64_t *start, int64_t *end);

/* The last complete ISO week before `now`. */
void oomsift_isoweek_last_complete(int64_t now, char *label, size_t len, int64_t *start,
                                   int64_t *end);

#endif
