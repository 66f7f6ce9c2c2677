/* Shared by query.c and named.c (internal). */
#ifndef OOMSIFT_QUERIES_INTERNAL_H
#define OOMSIFT_QUERIES_INTERNAL_H

#include <stdbool.h>

#include "oomsift/query.h"

/* A value for the SQL parameter :name. */
typedef struct query_binding {
	const char *name;
	oomsift_value value;
	bool must_use; /* an error when no statement reads :name */
} query_binding;

/* Runs every statement of sql under the read-only authorizer, each with the
 * bindings its parameters name. `file` (may be NULL) prefixes messages. Before
 * anything runs, every statement is prepared once to check that it reads only
 * :names the bindings have, and that each must_use binding is read. */
int query_run_bound(oomsift_store *s, const char *file, const char *sql,
                    const query_binding *bindings, size_t nbindings,
                    const oomsift_query_sink *sink);

#endif
