/*
 * Chunk sizes for the push-parser targets, drawn from the input itself: the
 * first two bytes seed a small generator, so libFuzzer can mutate where the
 * lines, entries and fields of the rest are cut, and a crash input replays
 * with the same cuts.
 */
#ifndef OOMSIFT_FUZZ_CHUNKS_H
#define OOMSIFT_FUZZ_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the input that are the chunk seed, not content. */
#define FUZZ_CHUNK_SEED_LEN 2

typedef struct fuzz_chunks {
	uint32_t state;
} fuzz_chunks;

static inline void fuzz_chunks_init(fuzz_chunks *c, const uint8_t *seed)
{
	c->state = ((uint32_t)seed[0] << 8 | seed[1]) * 2654435761u + 1;
}

/* The next chunk size: mostly 1..16 bytes (cuts inside markers and fields),
 * sometimes up to 4 KiB, sometimes everything that is left. */
static inline size_t fuzz_chunks_next(fuzz_chunks *c, size_t left)
{
	c->state ^= c->state << 13;
	c->state ^= c->state >> 17;
	c->state ^= c->state << 5;
	size_t n;
	switch (c->state & 3) {
	case 0:
	case 1:
		n = 1 + (c->state >> 8) % 16;
		break;
	case 2:
		n = 1 + (c->state >> 8) % 4096;
		break;
	default:
		n = left;
		break;
	}
	return n < left ? n : left;
}

#endif
