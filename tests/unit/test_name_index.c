/* Unit tests for common/name_index.c: lookups and additions, growth over many
 * doublings, names that share a slot or a prefix or hold NUL bytes, names
 * that are not NUL-terminated, entries the caller numbers, and the failures
 * (out of memory through a wrapped calloc, the refusal past NAME_INDEX_MAX). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/hash.h"
#include "common/name_index.h"
#include "oomsift/error.h"

/* ---- calloc, failing on demand (linked with -Wl,--wrap=calloc) ---- */

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool fail_calloc;

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_calloc ? NULL : __real_calloc(n, size);
}

/* ---- the caller's array: names as bytes with a length ---- */

typedef struct item {
	const char *name;
	size_t len;
	bool added; /* in the index: the only entries it may ask the name of */
} item;

static const char *item_name(const void *names, size_t entry, size_t *len)
{
	const item *it = (const item *)names + entry;

	assert_true(it->added);
	*len = it->len;
	return it->name;
}

/* Adds a new name as entry `entry` of items. */
static void add(name_index *ix, item *items, size_t entry, const char *name, size_t len)
{
	size_t found = 0;

	assert_int_equal(name_index_get(ix, item_name, items, name, len, &found), 0);
	assert_int_equal(found, SIZE_MAX);
	items[entry] = (item){.name = name, .len = len, .added = true};
	name_index_add(ix, entry);
}

/* The entry name_index_get gives (SIZE_MAX: new), adding nothing. */
static size_t get(name_index *ix, const item *items, const char *name, size_t len)
{
	size_t found = 0;

	assert_int_equal(name_index_get(ix, item_name, items, name, len, &found), 0);
	return found;
}

static size_t find(const name_index *ix, const item *items, const char *name, size_t len)
{
	return name_index_find(ix, item_name, items, name, len);
}

static void test_empty_finds_nothing(void **state)
{
	name_index ix = {0};
	item items[1] = {{0}};

	(void)state;
	assert_int_equal(find(&ix, items, "x", 1), SIZE_MAX);
	assert_int_equal(find(&ix, items, "", 0), SIZE_MAX);
	assert_null(ix.slots);
	name_index_free(&ix);
}

static void test_insert_and_find(void **state)
{
	static const char *const names[] = {"systemd", "java", "postgres", "chrome", "kworker/0:1"};
	item items[5] = {{0}};
	name_index ix = {0};

	(void)state;
	for (size_t i = 0; i < 5; i++)
		add(&ix, items, i, names[i], strlen(names[i]));
	assert_int_equal(ix.n, 5);
	assert_int_equal(ix.nslots, 64);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(get(&ix, items, names[i], strlen(names[i])), i);
		assert_int_equal(find(&ix, items, names[i], strlen(names[i])), i);
	}
	assert_int_equal(ix.n, 5);
	assert_int_equal(find(&ix, items, "javac", 5), SIZE_MAX);
	assert_int_equal(find(&ix, items, "jav", 3), SIZE_MAX);
	name_index_free(&ix);
	assert_null(ix.slots);
	assert_int_equal(ix.n, 0);
	assert_int_equal(find(&ix, items, "java", 4), SIZE_MAX);
}

/* A miss the caller does not add leaves the index as it was. */
static void test_miss_not_added(void **state)
{
	item items[2] = {{0}};
	name_index ix = {0};

	(void)state;
	add(&ix, items, 0, "a", 1);
	assert_int_equal(get(&ix, items, "b", 1), SIZE_MAX);
	assert_int_equal(ix.n, 1);
	assert_int_equal(find(&ix, items, "b", 1), SIZE_MAX);
	add(&ix, items, 1, "c", 1);
	assert_int_equal(find(&ix, items, "a", 1), 0);
	assert_int_equal(find(&ix, items, "c", 1), 1);
	name_index_free(&ix);
}

/* 100 000 names: the table doubles from 64 slots to 262 144, at most half
 * full after every addition; the array holding the names moves as it grows. */
static void test_growth_over_many_doublings(void **state)
{
	enum { N = 100000 };
	char(*text)[16] = malloc(N * sizeof(*text));
	item *items = NULL;
	size_t cap = 0, doublings = 0, last_slots = 0;
	name_index ix = {0};

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(text[i], sizeof(text[i]), "task-%zu", i);
		if (i == cap) {
			cap = cap ? cap * 2 : 4;
			assert_non_null(items = realloc(items, cap * sizeof(*items)));
		}
		add(&ix, items, i, text[i], (size_t)len);
		assert_true(2 * ix.n <= ix.nslots);
		if (ix.nslots != last_slots) {
			assert_int_equal(ix.nslots & (ix.nslots - 1), 0);
			doublings += last_slots != 0;
			last_slots = ix.nslots;
		}
	}
	assert_int_equal(ix.n, N);
	assert_int_equal(ix.nslots, 262144);
	assert_int_equal(doublings, 12);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(find(&ix, items, text[i], strlen(text[i])), i);
	assert_int_equal(find(&ix, items, "task-100000", 11), SIZE_MAX);
	assert_int_equal(find(&ix, items, "task-", 5), SIZE_MAX);
	name_index_free(&ix);
	free(items);
	free(text);
}

/* Names whose hashes are equal in the bits a 64-slot table uses: one chain
 * of linear probing, found one by one, before and after the table grows. */
static void test_names_sharing_a_slot(void **state)
{
	enum { NSAME = 12, NMORE = 40 };
	static char text[NSAME + NMORE][16];
	item items[NSAME + NMORE] = {{0}};
	uint64_t want = oomsift_fnv1a("n0", 2) & 63;
	name_index ix = {0};
	size_t nsame = 0;

	(void)state;
	for (unsigned i = 0; nsame < NSAME; i++) {
		int len = snprintf(text[nsame], sizeof(text[nsame]), "n%u", i);
		if ((oomsift_fnv1a(text[nsame], (size_t)len) & 63) == want)
			nsame++;
	}
	for (size_t i = 0; i < NSAME; i++)
		add(&ix, items, i, text[i], strlen(text[i]));
	assert_int_equal(ix.nslots, 64);
	for (size_t i = 0; i < NSAME; i++)
		assert_int_equal(find(&ix, items, text[i], strlen(text[i])), i);
	for (size_t i = NSAME; i < NSAME + NMORE; i++) {
		snprintf(text[i], sizeof(text[i]), "m%zu", i);
		add(&ix, items, i, text[i], strlen(text[i]));
	}
	assert_int_equal(ix.nslots, 128);
	for (size_t i = 0; i < NSAME + NMORE; i++)
		assert_int_equal(find(&ix, items, text[i], strlen(text[i])), i);
	name_index_free(&ix);
}

/* Prefixes of one another, the empty name, and names with NUL bytes inside:
 * each its own entry, told apart by length as well as bytes. */
static void test_prefixes_and_nul_bytes(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} names[] = {
	    {"", 0},     {"a", 1},    {"ab", 2},  {"abc", 3},  {"a\0", 2},
	    {"a\0b", 3}, {"a\0c", 3}, {"\0", 1},  {"\0\0", 2}, {"abc\0", 4},
	    {"b", 1},    {"ba", 2},   {"abd", 3}, {"bc", 2},   {"c", 1},
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	item items[N] = {{0}};
	name_index ix = {0};

	(void)state;
	for (size_t i = 0; i < N; i++)
		add(&ix, items, i, names[i].s, names[i].len);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(find(&ix, items, names[i].s, names[i].len), i);
		assert_int_equal(get(&ix, items, names[i].s, names[i].len), i);
	}
	assert_int_equal(ix.n, N);
	assert_int_equal(find(&ix, items, "a\0d", 3), SIZE_MAX);
	assert_int_equal(find(&ix, items, "abcd", 4), SIZE_MAX);
	name_index_free(&ix);
}

/* Names read in place from one buffer, and looked up through other buffers
 * whose bytes go on past the name: only the length given counts. */
static void test_lengths_not_nul_terminated(void **state)
{
	static const char stored[] = "javajavacjavascriptpython3python";
	static const char asked[] = "pythonjava!javascript?";
	item items[5] = {{0}};
	name_index ix = {0};

	(void)state;
	add(&ix, items, 0, stored, 4);                               /* java */
	add(&ix, items, 1, stored + 4, 5);                           /* javac */
	add(&ix, items, 2, stored + 9, 10);                          /* javascript */
	add(&ix, items, 3, stored + 19, 7);                          /* python3 */
	add(&ix, items, 4, stored + 26, 6);                          /* python */
	assert_int_equal(find(&ix, items, asked, 6), 4);             /* python */
	assert_int_equal(find(&ix, items, asked + 6, 4), 0);         /* java */
	assert_int_equal(find(&ix, items, asked + 11, 10), 2);       /* javascript */
	assert_int_equal(find(&ix, items, asked + 11, 4), 0);        /* java */
	assert_int_equal(find(&ix, items, asked + 11, 5), SIZE_MAX); /* javas */
	assert_int_equal(find(&ix, items, asked, 7), SIZE_MAX);      /* pythonj */
	name_index_free(&ix);
}

/* A cleared index finds nothing and keeps its table; names added again may
 * take other entries. */
static void test_clear_keeps_the_table(void **state)
{
	static char text[40][8];
	item items[40] = {{0}};
	name_index ix = {0};

	(void)state;
	name_index_clear(&ix);
	assert_null(ix.slots);
	for (size_t i = 0; i < 40; i++) {
		snprintf(text[i], sizeof(text[i]), "c%zu", i);
		add(&ix, items, i, text[i], strlen(text[i]));
	}
	assert_int_equal(ix.nslots, 128);
	name_index_clear(&ix);
	assert_int_equal(ix.n, 0);
	assert_int_equal(ix.nslots, 128);
	assert_non_null(ix.slots);
	for (size_t i = 0; i < 40; i++)
		assert_int_equal(find(&ix, items, text[i], strlen(text[i])), SIZE_MAX);
	add(&ix, items, 0, text[39], strlen(text[39]));
	add(&ix, items, 1, text[0], strlen(text[0]));
	assert_int_equal(find(&ix, items, text[39], strlen(text[39])), 0);
	assert_int_equal(find(&ix, items, text[0], strlen(text[0])), 1);
	assert_int_equal(find(&ix, items, text[1], strlen(text[1])), SIZE_MAX);
	name_index_free(&ix);
}

/* The caller numbers its entries: some of its array stays out of the index
 * (as the report keeps SQL NULL apart), and the index never asks their name. */
static void test_entries_numbered_by_caller(void **state)
{
	item items[8] = {{0}};
	name_index ix = {0};

	(void)state;
	add(&ix, items, 3, "three", 5);
	add(&ix, items, 7, "seven", 5);
	add(&ix, items, 0, "zero", 4);
	assert_int_equal(find(&ix, items, "three", 5), 3);
	assert_int_equal(find(&ix, items, "seven", 5), 7);
	assert_int_equal(find(&ix, items, "zero", 4), 0);
	assert_int_equal(ix.n, 3);
	name_index_free(&ix);
}

/* The table cannot grow: ENOMEM with its message, the index as it was, and
 * the next lookup grows it once memory is back. */
static void test_out_of_memory(void **state)
{
	static char text[40][8];
	item items[40] = {{0}};
	name_index ix = {0};
	size_t entry = 0;

	(void)state;
	fail_calloc = true;
	assert_int_equal(name_index_get(&ix, item_name, items, "first", 5, &entry), OOMSIFT_ENOMEM);
	fail_calloc = false;
	assert_string_equal(oomsift_error_message(), "out of memory");
	assert_int_equal(entry, SIZE_MAX);
	assert_null(ix.slots);
	assert_int_equal(ix.nslots, 0);
	for (size_t i = 0; i < 32; i++) {
		snprintf(text[i], sizeof(text[i]), "p%zu", i);
		add(&ix, items, i, text[i], strlen(text[i]));
	}
	assert_int_equal(ix.nslots, 64);
	fail_calloc = true; /* the 33rd name needs 128 slots */
	entry = 0;
	assert_int_equal(name_index_get(&ix, item_name, items, "p32", 3, &entry), OOMSIFT_ENOMEM);
	assert_int_equal(name_index_get(&ix, item_name, items, "p0", 2, &entry), OOMSIFT_ENOMEM);
	fail_calloc = false;
	assert_int_equal(entry, SIZE_MAX);
	assert_int_equal(ix.n, 32);
	assert_int_equal(ix.nslots, 64);
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(find(&ix, items, text[i], strlen(text[i])), i);
	snprintf(text[32], sizeof(text[32]), "p32");
	add(&ix, items, 32, text[32], 3);
	assert_int_equal(ix.nslots, 128);
	assert_int_equal(find(&ix, items, "p32", 3), 32);
	name_index_free(&ix);
}

/* An index that holds NAME_INDEX_MAX entries refuses more (2^31 names do not
 * fit a test: the count is forged on an index of a few names). */
static void test_refuses_past_the_cap(void **state)
{
	item items[1] = {{0}};
	name_index ix = {0};
	size_t entry = 0;

	(void)state;
	add(&ix, items, 0, "only", 4);
	ix.n = NAME_INDEX_MAX;
	assert_int_equal(name_index_get(&ix, item_name, items, "more", 4, &entry), OOMSIFT_ELIMIT);
	assert_int_equal(entry, SIZE_MAX);
	assert_non_null(strstr(oomsift_error_message(), "at most"));
	assert_int_equal(ix.nslots, 64);
	ix.n = 1;
	assert_int_equal(find(&ix, items, "only", 4), 0);
	name_index_free(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_finds_nothing),
	    cmocka_unit_test(test_insert_and_find),
	    cmocka_unit_test(test_miss_not_added),
	    cmocka_unit_test(test_growth_over_many_doublings),
	    cmocka_unit_test(test_names_sharing_a_slot),
	    cmocka_unit_test(test_prefixes_and_nul_bytes),
	    cmocka_unit_test(test_lengths_not_nul_terminated),
	    cmocka_unit_test(test_entries_numbered_by_caller),
	    cmocka_unit_test(test_clear_keeps_the_table),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_refuses_past_the_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
