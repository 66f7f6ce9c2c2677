/*
 * Newline counting for the fast path (internal to parse/): the lines it
 * passes over are counted, not read, so counting them is most of what it
 * does to each byte.
 */
#ifndef OOMSIFT_PARSE_NEWLINES_H
#define OOMSIFT_PARSE_NEWLINES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Counts the whole lines at the start of [s, stop), where s starts a line,
 * up to the first line longer than `max` bytes (not counting its newline),
 * which is not counted. Sets *after to the byte after the last newline
 * counted (s when none) and returns the count. `portable` chooses the
 * memchr loop even where the AVX2 one can run (for tests). max >= 64.
 */
size_t newlines_count(const char *s, const char *stop, size_t max, const char **after,
                      bool portable);

#endif
