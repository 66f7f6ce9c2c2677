/*
 * Bounded memory helpers shared by the library (internal).
 *
 * oomsift_buf: a growable byte buffer with a hard cap, so hostile input fails
 * with OOMSIFT_ELIMIT instead of growing without bound.
 * oomsift_arena: a bump allocator for the strings of one event; everything is
 * released at once by oomsift_arena_free().
 * oomsift_vec_reserve: grows a plain array of fixed-size items up to a cap.
 */
#ifndef OOMSIFT_COMMON_BUF_H
#define OOMSIFT_COMMON_BUF_H

#include <stddef.h>

typedef struct oomsift_buf {
	char *data; /* NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
	size_t limit; /* maximum len; 0 = no limit */
} oomsift_buf;

void oomsift_buf_init(oomsift_buf *b, size_t limit);
/* Appends n bytes; returns OOMSIFT_ELIMIT (and appends nothing) past the limit. */
int oomsift_buf_append(oomsift_buf *b, const void *p, size_t n);
/* Makes room for n more bytes and a NUL after them, appending nothing (the
 * caller writes at data + len and moves len); returns OOMSIFT_ELIMIT past
 * the limit, OOMSIFT_ENOMEM when memory runs out. */
int oomsift_buf_reserve(oomsift_buf *b, size_t n);
int oomsift_buf_putc(oomsift_buf *b, char c);
int oomsift_buf_printf(oomsift_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oomsift_buf_free(oomsift_buf *b);

typedef struct oomsift_arena_chunk oomsift_arena_chunk;
typedef struct oomsift_arena {
	oomsift_arena_chunk *head;
	size_t used; /* bytes used in head */
	size_t total;
} oomsift_arena;

/* Copies n bytes into the arena and NUL-terminates them; NULL on allocation failure. */
char *oomsift_arena_strndup(oomsift_arena *a, const char *s, size_t n);
void oomsift_arena_free(oomsift_arena *a);

/* Makes room for `need` items of `size` bytes in *items (capacity *cap), never
 * beyond `limit` items. Returns 0, OOMSIFT_ENOMEM or OOMSIFT_ELIMIT. */
int oomsift_vec_reserve(void **items, size_t *cap, size_t size, size_t need, size_t limit);

#endif
