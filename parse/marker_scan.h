/*
 * The fast path's block scanner (internal to parse/): finds, in one pass over
 * a block, the next place where any of the marker strings that can matter to
 * the assembler or the envelope occurs. A line without any of them cannot
 * open, end or join an event; parse/input.c skips such lines while no report
 * is open and no event is held.
 */
#ifndef OOMSIFT_PARSE_MARKER_SCAN_H
#define OOMSIFT_PARSE_MARKER_SCAN_H

#include <stddef.h>

typedef struct marker_scan marker_scan;

/* Builds the scanner (about 70 KiB); NULL when out of memory. */
marker_scan *marker_scan_new(void);
void marker_scan_free(marker_scan *ms);

/* The first byte of the first marker occurrence in [s, end), or NULL. */
const char *marker_scan_next(const marker_scan *ms, const char *s, const char *end);

/* The marker strings, NULL-terminated (for tests). */
extern const char *const marker_scan_needles[];

#endif
