/*
 * FNV-1a (64-bit): the hash of oomsift's small in-memory tables keyed by short
 * names (field names, task names, series keys, Mem-Info names). Simple and
 * fast on a few bytes; the tables are open addressing kept at most half full,
 * and every one of them is bounded, so names chosen to collide cost time in
 * proportion to the table's cap, never memory.
 */
#ifndef OOMSIFT_COMMON_HASH_H
#define OOMSIFT_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define OOMSIFT_FNV1A_OFFSET 14695981039346656037ull
#define OOMSIFT_FNV1A_PRIME  1099511628211ull

/* Goes on hashing len more bytes at p from the hash h. */
static inline uint64_t oomsift_fnv1a_more(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * OOMSIFT_FNV1A_PRIME;
	return h;
}

/* The hash of len bytes at p. */
static inline uint64_t oomsift_fnv1a(const void *p, size_t len)
{
	return oomsift_fnv1a_more(OOMSIFT_FNV1A_OFFSET, p, len);
}

#endif
