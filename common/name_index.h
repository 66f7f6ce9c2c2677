/*
 * An index from names to the entries of a caller's array (internal): the
 * small "name -> index" tables of the classifier's task series and feed and
 * of the report's tallies and leak series. Open addressing over FNV-1a (common/hash.h) with
 * linear probing, kept at most half full (doubled from 64 slots); a slot
 * holds an entry + 1 in 32 bits, 0 when empty.
 *
 * The index holds no names and copies none: the caller owns its array of
 * entries and tells the index the name of an entry through a function
 * (name_index_name_fn) and its array, given to every call. Names are bytes
 * with a length, not necessarily NUL-terminated; they may hold any byte. The
 * index grows only as entries are added, so it is bounded by the caller's cap
 * on its entries (the index itself refuses more than NAME_INDEX_MAX).
 *
 * The lookups are inline, so that the compiler calls the caller's name
 * function directly (they run once per task row of a classification).
 *
 * Typical use (a zero-initialised name_index is empty):
 *
 *	if ((rc = name_index_get(&ix, item_name, items, name, len, &entry)) < 0)
 *		return rc;
 *	if (entry == SIZE_MAX) {            a new name: the caller makes its entry
 *		entry = nitems++;
 *		... items[entry] named name ...
 *		name_index_add(&ix, entry);
 *	}
 */
#ifndef OOMSIFT_COMMON_NAME_INDEX_H
#define OOMSIFT_COMMON_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/hash.h"

/* The most entries an index holds: a table of 2^32 slots, half full. Entries
 * are numbers below UINT32_MAX (a slot holds entry + 1 in 32 bits). */
#define NAME_INDEX_MAX ((size_t)1 << 31)

/* The name of entry `entry` of the caller's array `names`: its bytes, and its
 * length in *len. Called only for entries added to the index; the bytes must
 * stay as they were when the entry was added, as long as the index holds it
 * (the array itself may move: it is given again to every call). */
typedef const char *(*name_index_name_fn)(const void *names, size_t entry, size_t *len);

typedef struct name_index {
	uint32_t *slots; /* entry + 1, 0 empty; NULL while nslots is 0 */
	size_t nslots;   /* 0 or a power of two, at least twice n */
	size_t n;        /* entries added */
	size_t miss;     /* where the last name_index_get stopped: a new name's slot */
} name_index;

/* Frees the slots (never the caller's names); ix is empty again. */
void name_index_free(name_index *ix);

/* Empties ix, keeping its table for the names a caller adds next. */
void name_index_clear(name_index *ix);

/* Makes room for one more entry (called by name_index_get): the table
 * doubled when it would be more than half full. 0; OOMSIFT_ENOMEM (the error
 * set, ix unchanged), or OOMSIFT_ELIMIT (set) when it holds NAME_INDEX_MAX
 * entries. */
int name_index_reserve(name_index *ix, name_index_name_fn name_of, const void *names);

/* The entry named name (len bytes, hash h) or SIZE_MAX; *slot is where the
 * probe stopped: the entry's slot, or the empty one the name would take. */
static inline size_t name_index_probe(const name_index *ix, name_index_name_fn name_of,
                                      const void *names, const char *name, size_t len, uint64_t h,
                                      size_t *slot)
{
	size_t mask = ix->nslots - 1, k;

	for (k = (size_t)h & mask; ix->slots[k]; k = (k + 1) & mask) {
		size_t entry = ix->slots[k] - 1, known_len;
		const char *known = name_of(names, entry, &known_len);
		if (known_len == len && memcmp(known, name, len) == 0) {
			*slot = k;
			return entry;
		}
	}
	*slot = k;
	return SIZE_MAX;
}

/* Looks up name (len bytes) in the entries of `names`: *entry is its entry,
 * or SIZE_MAX when no entry has that name. In that case the index has room
 * for one more name, and the caller may make the entry and then call
 * name_index_add (or not: the index stays as it is). The table may grow
 * first, even for a name it holds. Returns 0; OOMSIFT_ENOMEM when the table
 * cannot grow, or OOMSIFT_ELIMIT when it holds NAME_INDEX_MAX entries (the
 * error set, *entry SIZE_MAX, the entries as they were). */
static inline int name_index_get(name_index *ix, name_index_name_fn name_of, const void *names,
                                 const char *name, size_t len, size_t *entry)
{
	int rc;

	*entry = SIZE_MAX;
	if (2 * (ix->n + 1) > ix->nslots && (rc = name_index_reserve(ix, name_of, names)) < 0)
		return rc;
	*entry =
	    name_index_probe(ix, name_of, names, name, len, oomsift_fnv1a(name, len), &ix->miss);
	return 0;
}

/* Adds `entry` (below UINT32_MAX, not in the index yet) under the name
 * the last name_index_get on ix did not find, which must be the entry's name.
 * No other call that changes ix may come between the two. Cannot fail. */
static inline void name_index_add(name_index *ix, size_t entry)
{
	ix->slots[ix->miss] = (uint32_t)(entry + 1);
	ix->n++;
}

/* The entry named name (len bytes) in the entries of `names`, or SIZE_MAX:
 * a lookup that never grows the index (an empty index finds nothing). */
static inline size_t name_index_find(const name_index *ix, name_index_name_fn name_of,
                                     const void *names, const char *name, size_t len)
{
	size_t slot;

	if (!ix->nslots)
		return SIZE_MAX;
	return name_index_probe(ix, name_of, names, name, len, oomsift_fnv1a(name, len), &slot);
}

#endif
