/*
 * One SQL-typed value, as queries return them and rules read them.
 */
#ifndef OOMSIFT_VALUE_H
#define OOMSIFT_VALUE_H

#include <stddef.h>
#include <stdint.h>

typedef enum oomsift_value_type {
	OOMSIFT_VALUE_NULL,
	OOMSIFT_VALUE_INT,
	OOMSIFT_VALUE_REAL,
	OOMSIFT_VALUE_TEXT,
	OOMSIFT_VALUE_BLOB,
} oomsift_value_type;

typedef struct oomsift_value {
	oomsift_value_type type;
	int64_t i;
	double d;
	const char *s; /* TEXT or BLOB bytes; how long they live is the producer's to say */
	size_t len;
} oomsift_value;

#endif
