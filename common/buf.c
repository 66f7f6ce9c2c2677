#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/buf.h"
#include "oomsift/error.h"

void oomsift_buf_init(oomsift_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

static int buf_grow(oomsift_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->limit && need > b->limit + 1)
		return OOMSIFT_ELIMIT;
	while (cap < need)
		cap *= 2;
	if (b->limit && cap > b->limit + 1)
		cap = b->limit + 1;
	p = realloc(b->data, cap);
	if (!p)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	b->data = p;
	b->cap = cap;
	return 0;
}

int oomsift_buf_append(oomsift_buf *b, const void *p, size_t n)
{
	int rc;

	if (b->len + n + 1 > b->cap && (rc = buf_grow(b, b->len + n + 1)) < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int oomsift_buf_reserve(oomsift_buf *b, size_t n)
{
	return b->len + n + 1 > b->cap ? buf_grow(b, b->len + n + 1) : 0;
}

int oomsift_buf_putc(oomsift_buf *b, char c)
{
	return oomsift_buf_append(b, &c, 1);
}

int oomsift_buf_printf(oomsift_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return oomsift_error_set(OOMSIFT_EINVAL, "bad format");
	if ((size_t)n < sizeof(small))
		return oomsift_buf_append(b, small, (size_t)n);

	int rc = b->len + n + 1 > b->cap ? buf_grow(b, b->len + n + 1) : 0;
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void oomsift_buf_free(oomsift_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

struct oomsift_arena_chunk {
	oomsift_arena_chunk *next;
	size_t size;
	char data[];
};

#define ARENA_CHUNK 8192

char *oomsift_arena_strndup(oomsift_arena *a, const char *s, size_t n)
{
	char *out;

	if (!a->head || a->used + n + 1 > a->head->size) {
		size_t size = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;
		oomsift_arena_chunk *c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->next = a->head;
		c->size = size;
		a->head = c;
		a->used = 0;
		a->total += size;
	}
	out = a->head->data + a->used;
	memcpy(out, s, n);
	out[n] = '\0';
	a->used += n + 1;
	return out;
}

void oomsift_arena_free(oomsift_arena *a)
{
	oomsift_arena_chunk *c = a->head;

	while (c) {
		oomsift_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}

int oomsift_vec_reserve(void **items, size_t *cap, size_t size, size_t need, size_t limit)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	if (need > limit)
		return OOMSIFT_ELIMIT;
	while (n < need)
		n *= 2;
	if (n > limit)
		n = limit;
	p = realloc(*items, n * size);
	if (!p)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	*items = p;
	*cap = n;
	return 0;
}
