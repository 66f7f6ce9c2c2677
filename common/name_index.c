/* An index from names to the entries of a caller's array: see name_index.h. */
#include "common/name_index.h"

#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"

/* Slots of a new table. */
#define NAME_INDEX_FIRST_SLOTS 64

void name_index_free(name_index *ix)
{
	free(ix->slots);
	*ix = (name_index){0};
}

void name_index_clear(name_index *ix)
{
	if (ix->nslots)
		memset(ix->slots, 0, ix->nslots * sizeof(*ix->slots));
	ix->n = 0;
}

int name_index_reserve(name_index *ix, name_index_name_fn name_of, const void *names)
{
	size_t n = ix->nslots ? ix->nslots * 2 : NAME_INDEX_FIRST_SLOTS;
	uint32_t *slots;

	if (2 * (ix->n + 1) <= ix->nslots)
		return 0;
	if (ix->n >= NAME_INDEX_MAX)
		return oomsift_error_set(OOMSIFT_ELIMIT, "a name index holds at most %zu names",
		                         NAME_INDEX_MAX);
	if (!(slots = calloc(n, sizeof(*slots))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	for (size_t i = 0; i < ix->nslots; i++) {
		size_t len, k;
		const char *name;
		if (!ix->slots[i])
			continue;
		name = name_of(names, ix->slots[i] - 1, &len);
		for (k = (size_t)oomsift_fnv1a(name, len) & (n - 1); slots[k];
		     k = (k + 1) & (n - 1))
			;
		slots[k] = ix->slots[i];
	}
	free(ix->slots);
	ix->slots = slots;
	ix->nslots = n;
	return 0;
}
