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

typedef enum marker_scan_engine {
	MARKER_SCAN_AUTO,      /* Teddy where the CPU has AVX2, else Wu-Manber */
	MARKER_SCAN_TEDDY,     /* SIMD (AVX2, x86-64 only) */
	MARKER_SCAN_WU_MANBER, /* portable */
} marker_scan_engine;

/* Builds the scanner (about 200 KiB); NULL when out of memory, or when
 * MARKER_SCAN_TEDDY is asked for on a machine without AVX2. */
marker_scan *marker_scan_new_engine(marker_scan_engine engine);
/* marker_scan_new_engine(MARKER_SCAN_AUTO). */
marker_scan *marker_scan_new(void);
void marker_scan_free(marker_scan *ms);

/* The engine it runs: never MARKER_SCAN_AUTO. */
marker_scan_engine marker_scan_engine_of(const marker_scan *ms);

/* The first byte of the first marker occurrence in [s, end), or NULL. */
const char *marker_scan_next(const marker_scan *ms, const char *s, const char *end);

/* A marker string, and where in it the SIMD engine's 4-byte fingerprint
 * starts. */
typedef struct marker_needle {
	const char *s;
	unsigned char fp;
} marker_needle;

/* The marker strings, ended by {NULL, 0}. */
extern const marker_needle marker_scan_needles[];

#endif
