/*
 * An event's Mem-Info values in one row (table meminfo, store/migrate_7.sql):
 * a JSON object of sections, each an object of name ids and values,
 *   {"meminfo":{"12":5410,"40":0},"node 0":{"12":5410}}
 * where a name id is a row of meminfo_name, one (key, unit) pair. One row
 * per event instead of one per value: SQLite's cost per row was most of an
 * ingest's (docs/performance.md, "Mem-Info as one row").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/hash.h"
#include "oomsift/buf.h"
#include "oomsift/error.h"
#include "store/internal.h"

/* The name cache: ids of (key, unit) pairs met so far. A committed name keeps
 * its id for good (nothing deletes from meminfo_name, and an INTEGER PRIMARY
 * KEY survives VACUUM), so the cache outlives a COMMIT; a rolled-back
 * transaction takes the names it added with it, so then the whole cache goes
 * (store_meminfo_forget at ROLLBACK, and at BEGIN after a transaction that
 * added names and did not commit). Layouts hold name ids: they go with it. */
#define NAME_SLOTS      1024 /* a power of two */
#define NAME_CACHED_MAX 512  /* at most half full: short probes */
#define NAME_KEY_MAX    48   /* longer keys are looked up in SQL each time */
#define NAME_UNIT_MAX   8
/* The JSON of one event; values past it are not stored (the parser already
 * caps an event at 100000 values, but a section name can be a line long). */
#define ITEMS_MAX_BYTES (64u << 20)

typedef struct name_slot {
	uint64_t generation; /* valid while equal to the cache's */
	int64_t id;
	char key[NAME_KEY_MAX];
	char unit[NAME_UNIT_MAX];
} name_slot;

/*
 * Layouts. What an event's items text is made of, but for its values, follows
 * from the names of its values in printed order (section, key, unit): their
 * sorted order, the duplicates left out, the name ids, the sections' text. The
 * reports of one host (and of hosts alike) print the same names, so a layout is
 * worked out (sorted, its ids looked up) once per transaction and then only
 * filled with values. Layouts of more values or longer names than the caps are
 * worked out each time, into the spare slot.
 */
#define LAYOUT_SLOTS      32 /* a fleet of a few kinds of machine has a few dozen */
#define LAYOUT_VALUES_MAX 1024
#define LAYOUT_NAMES_MAX  (16u << 10)
#define LAYOUT_TEXT_MAX   (32u << 10)

typedef struct layout {
	uint64_t generation; /* its name ids are valid while equal to the cache's; 0 = empty */
	uint64_t used;       /* when it was last used, for the choice of a slot to reuse */
	uint64_t hash;       /* of names */
	size_t nkvs;
	oomsift_buf names; /* section, key and unit of each value, each NUL-terminated */
	/* The values written, in their order: the index in kvs of each, and where
	 * in text the part before it ends (text up to its value: the section's
	 * opening when it starts one, else a comma; then "id":). */
	struct layout_value {
		uint32_t index, cut;
	} * values;
	size_t nvalues, values_cap;
	oomsift_buf text;
} layout;

struct store_meminfo {
	name_slot slot[NAME_SLOTS];
	uint64_t generation; /* starts at 1: a zeroed slot is empty */
	size_t cached;
	bool added;               /* the present transaction added names to meminfo_name */
	const oomsift_kv **order; /* the values of one event, sorted */
	size_t order_cap;
	oomsift_buf items;
	oomsift_buf key;                  /* the names of the present event, as layout.names */
	layout layouts[LAYOUT_SLOTS + 1]; /* the last one is the spare */
	uint64_t clock;
};

static const char sql_name_find[] = "SELECT id FROM meminfo_name WHERE key = ?1 AND unit = ?2";
static const char sql_name_add[] = "INSERT INTO meminfo_name(key, unit) VALUES (?1, ?2)";
static const char sql_insert[] = "INSERT INTO meminfo(event_id, items) VALUES (?1, ?2)";

void store_meminfo_free(store_meminfo *m)
{
	if (!m)
		return;
	free(m->order);
	oomsift_buf_free(&m->items);
	oomsift_buf_free(&m->key);
	for (size_t i = 0; i <= LAYOUT_SLOTS; i++) {
		oomsift_buf_free(&m->layouts[i].names);
		oomsift_buf_free(&m->layouts[i].text);
		free(m->layouts[i].values);
	}
	free(m);
}

void store_meminfo_forget(oomsift_store *s)
{
	if (s->meminfo && s->meminfo->added) {
		s->meminfo->generation++;
		s->meminfo->cached = 0;
		s->meminfo->added = false;
	}
}

void store_meminfo_committed(oomsift_store *s)
{
	if (s->meminfo)
		s->meminfo->added = false;
}

static store_meminfo *state(oomsift_store *s)
{
	if (!s->meminfo && (s->meminfo = calloc(1, sizeof(*s->meminfo)))) {
		store_meminfo *m = s->meminfo;
		m->generation = 1;
		oomsift_buf_init(&m->items, ITEMS_MAX_BYTES + 2);
		oomsift_buf_init(&m->key, LAYOUT_NAMES_MAX);
		for (size_t i = 0; i < LAYOUT_SLOTS; i++) {
			oomsift_buf_init(&m->layouts[i].names, LAYOUT_NAMES_MAX);
			oomsift_buf_init(&m->layouts[i].text, LAYOUT_TEXT_MAX);
		}
		/* the spare holds what the caps keep out of the slots */
		oomsift_buf_init(&m->layouts[LAYOUT_SLOTS].names, 1);
		oomsift_buf_init(&m->layouts[LAYOUT_SLOTS].text, ITEMS_MAX_BYTES);
	}
	if (!s->meminfo)
		oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return s->meminfo;
}

/* The hash of key, its NUL and unit. */
static size_t name_hash(const char *key, const char *unit)
{
	uint64_t h = oomsift_fnv1a_more(oomsift_fnv1a(key, strlen(key) + 1), unit, strlen(unit));

	return (size_t)(h ^ (h >> 32));
}

/* The slot that holds (key, unit), or the empty one where it would go. */
static name_slot *name_slot_of(store_meminfo *m, const char *key, const char *unit)
{
	size_t i = name_hash(key, unit) & (NAME_SLOTS - 1);

	for (;; i = (i + 1) & (NAME_SLOTS - 1)) {
		name_slot *sl = &m->slot[i];
		if (sl->generation != m->generation ||
		    (strcmp(sl->key, key) == 0 && strcmp(sl->unit, unit) == 0))
			return sl;
	}
}

static int name_lookup_sql(oomsift_store *s, store_meminfo *m, const char *key, const char *unit,
                           int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, sql_name_find);
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, unit);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_DONE)
		return store_error(s, "cannot read the names of memory values");
	if (!(st = store_stmt(s, sql_name_add)))
		return OOMSIFT_ESTORE;
	m->added = true; /* before the step: a failed one may leave a row until ROLLBACK */
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, unit);
	if ((rc = store_step(s, st, "cannot store the name of a memory value")) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* The id of (key, unit) in meminfo_name, added when new. */
static int name_id(oomsift_store *s, store_meminfo *m, const char *key, const char *unit,
                   int64_t *id)
{
	bool fits = strlen(key) < NAME_KEY_MAX && strlen(unit) < NAME_UNIT_MAX;
	name_slot *sl = fits ? name_slot_of(m, key, unit) : NULL;
	int rc;

	if (sl && sl->generation == m->generation) {
		*id = sl->id;
		return 0;
	}
	if ((rc = name_lookup_sql(s, m, key, unit, id)) < 0)
		return rc;
	if (sl && m->cached < NAME_CACHED_MAX) {
		sl->generation = m->generation;
		sl->id = *id;
		strcpy(sl->key, key);
		strcpy(sl->unit, unit);
		m->cached++;
	}
	return 0;
}

/* By section, then key, in byte order; equal pairs in their printed order
 * (the values of an event are one array: their addresses follow it). */
static int kv_cmp(const void *a, const void *b)
{
	const oomsift_kv *x = *(const oomsift_kv *const *)a, *y = *(const oomsift_kv *const *)b;
	int c = strcmp(x->section, y->section);

	if (c == 0)
		c = strcmp(x->key, y->key);
	return c ? c : (x > y) - (x < y);
}

/* A JSON string: the quote, the backslash and control bytes escaped, every other byte as it
 * is (SQLite's JSON functions give them back unchanged). */
static int put_string(oomsift_buf *b, const char *s)
{
	int rc = oomsift_buf_putc(b, '"');

	while (rc == 0 && *s) {
		size_t n = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
		                      "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
		                      "\x1c\x1d\x1e\x1f");
		if (n && (rc = oomsift_buf_append(b, s, n)) < 0)
			break;
		s += n;
		if (!*s)
			break;
		rc = *s == '"' || *s == '\\' ? oomsift_buf_printf(b, "\\%c", *s)
		                             : oomsift_buf_printf(b, "\\u%04x", (unsigned char)*s);
		s++;
	}
	return rc < 0 ? rc : oomsift_buf_putc(b, '"');
}

/* "00" … "99": two digits per division. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "62636465666768697071727374757677787980818283848586878889909192"
    "93949596979899";

/* The decimal text of v, ending at end; returns where it begins. */
static char *put_decimal(char *end, int64_t v)
{
	/* the magnitude as unsigned: INT64_MIN's too */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = end;

	for (; u >= 100; u /= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (u % 100), 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	return p;
}

static int sort_values(store_meminfo *m, const oomsift_event *ev)
{
	int rc = oomsift_vec_reserve((void **)&m->order, &m->order_cap, sizeof(*m->order), ev->nkvs,
	                             SIZE_MAX / sizeof(*m->order));

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < ev->nkvs; i++)
		m->order[i] = &ev->kvs[i];
	qsort(m->order, ev->nkvs, sizeof(*m->order), kv_cmp);
	return 0;
}

/* The part of the text before the value of kv: the section's opening when kv
 * is the first of its section, else a comma; then "id":. */
static int put_part(oomsift_buf *b, const oomsift_kv *kv, const oomsift_kv *prev, int64_t id)
{
	char num[24], *end = num + sizeof(num), *p = put_decimal(end, id);
	int rc = 0;

	if (!prev || strcmp(prev->section, kv->section) != 0) {
		rc = oomsift_buf_append(b, prev ? "}," : "{", prev ? 2 : 1);
		rc = rc < 0 ? rc : put_string(b, kv->section);
		rc = rc < 0 ? rc : oomsift_buf_append(b, ":{", 2);
	} else {
		rc = oomsift_buf_putc(b, ',');
	}
	rc = rc < 0 ? rc : oomsift_buf_putc(b, '"');
	rc = rc < 0 ? rc : oomsift_buf_append(b, p, (size_t)(end - p));
	return rc < 0 ? rc : oomsift_buf_append(b, "\":", 2);
}

static int layout_add(layout *l, size_t index, size_t cut)
{
	int rc = oomsift_vec_reserve((void **)&l->values, &l->values_cap, sizeof(*l->values),
	                             l->nvalues + 1, UINT32_MAX);

	if (rc < 0)
		return oomsift_error_set(rc, "out of memory");
	l->values[l->nvalues++] = (struct layout_value){(uint32_t)index, (uint32_t)cut};
	return 0;
}

/* Works out the layout of ev into l: its values sorted by section, then key
 * (equal pairs in printed order), one value per (section, key), the first
 * printed. OOMSIFT_ELIMIT when its text reached the buffer's limit: the
 * layout ends at the value before (with ITEMS_MAX_BYTES as the limit, the
 * values after it would not fit in the items text either). */
static int layout_build(oomsift_store *s, store_meminfo *m, layout *l, const oomsift_event *ev)
{
	const oomsift_kv *prev = NULL;
	int rc;

	l->generation = 0;
	l->nvalues = 0;
	l->text.len = 0;
	if ((rc = sort_values(m, ev)) < 0)
		return rc;
	for (size_t i = 0; i < ev->nkvs; i++) {
		const oomsift_kv *kv = m->order[i];
		int64_t id = 0;
		if (prev && strcmp(prev->section, kv->section) == 0 &&
		    strcmp(prev->key, kv->key) == 0)
			continue;
		if ((rc = name_id(s, m, kv->key, kv->unit, &id)) < 0 ||
		    (rc = put_part(&l->text, kv, prev, id)) < 0 ||
		    (rc = layout_add(l, (size_t)(kv - ev->kvs), l->text.len)) < 0)
			return rc;
		prev = kv;
	}
	l->generation = m->generation;
	l->nkvs = ev->nkvs;
	l->used = ++m->clock;
	return 0;
}

/* The names of ev's values into m->key; false when they pass the caps. Each
 * value is a tag byte, then its section (NUL-terminated) unless the tag says it
 * is the one of the value before (the parser shares one copy among consecutive
 * values of a section), its key (NUL-terminated) and the address of its unit (a
 * static string). Read back field by field, the bytes give the names again, so
 * equal keys mean equal names; names alike but written otherwise only cost a
 * layout worked out again. */
static bool layout_key(store_meminfo *m, const oomsift_event *ev)
{
	oomsift_buf *b = &m->key;
	const char *section = NULL;

	b->len = 0;
	if (ev->nkvs > LAYOUT_VALUES_MAX)
		return false;
	for (size_t i = 0; i < ev->nkvs; i++) {
		const oomsift_kv *kv = &ev->kvs[i];
		size_t slen = kv->section == section ? 0 : strlen(kv->section) + 1;
		size_t klen = strlen(kv->key) + 1, n = 1 + slen + klen + sizeof(kv->unit);
		char *w;
		if (b->len + n + 1 > b->cap && oomsift_buf_reserve(b, n) < 0)
			return false;
		w = b->data + b->len;
		*w++ = slen ? 'S' : '=';
		memcpy(w, kv->section, slen);
		memcpy(w + slen, kv->key, klen);
		memcpy(w + slen + klen, &kv->unit, sizeof(kv->unit));
		b->len += n;
		section = kv->section;
	}
	return true;
}

/* The slot that holds the layout named m->key (hash), or NULL and in *reuse
 * the slot to work it out in: an empty one, else the least recently used. */
static layout *layout_find(store_meminfo *m, uint64_t hash, size_t nkvs, layout **reuse)
{
	*reuse = NULL;
	for (size_t i = 0; i < LAYOUT_SLOTS; i++) {
		layout *c = &m->layouts[i];
		bool valid = c->generation == m->generation;
		if (valid && c->hash == hash && c->nkvs == nkvs && c->names.len == m->key.len &&
		    memcmp(c->names.data, m->key.data, m->key.len) == 0) {
			c->used = ++m->clock;
			return c;
		}
		if (!*reuse || !valid ||
		    ((*reuse)->generation == m->generation && c->used < (*reuse)->used))
			*reuse = c;
	}
	return NULL;
}

/* The layout of ev into *out: a slot's, worked out when no slot holds it, or
 * the spare's when ev passes the caps. */
static int layout_of(oomsift_store *s, store_meminfo *m, const oomsift_event *ev, layout **out)
{
	layout *spare = &m->layouts[LAYOUT_SLOTS], *l;
	int rc;

	if (layout_key(m, ev)) {
		uint64_t hash = XXH3_64bits(m->key.data, m->key.len);
		if ((*out = layout_find(m, hash, ev->nkvs, &l)))
			return 0;
		l->generation = 0;
		l->names.len = 0;
		if ((rc = oomsift_buf_append(&l->names, m->key.data, m->key.len)) < 0)
			return rc;
		l->hash = hash;
		rc = layout_build(s, m, l, ev);
		if (rc != OOMSIFT_ELIMIT) {
			*out = l;
			return rc;
		}
		l->generation = 0; /* a text longer than a slot holds: in the spare */
	}
	*out = spare;
	rc = layout_build(s, m, spare, ev);
	return rc == OOMSIFT_ELIMIT ? 0 : rc;
}

/* Appends a part of a layout's text and a value after it; OOMSIFT_ELIMIT,
 * appending nothing, when the items text would pass ITEMS_MAX_BYTES. */
static int put_value(oomsift_buf *b, const char *part, size_t part_len, int64_t v)
{
	char num[24], *end = num + sizeof(num), *p = end - 4;
	size_t n;
	int rc;

	if (v == OOMSIFT_UNSET)
		memcpy(p, "null", 4);
	else
		p = put_decimal(end, v);
	n = part_len + (size_t)(end - p);
	if (b->len + n > ITEMS_MAX_BYTES)
		return OOMSIFT_ELIMIT;
	if (b->len + n + 1 > b->cap && (rc = oomsift_buf_reserve(b, n)) < 0)
		return rc;
	memcpy(b->data + b->len, part, part_len);
	memcpy(b->data + b->len + part_len, p, (size_t)(end - p));
	b->len += n;
	return 0;
}

/* The items text of ev into m->items: its layout filled with its values. A
 * value that would take the text past ITEMS_MAX_BYTES ends it (the buffer
 * keeps room for the closing braces). */
static int build_items(oomsift_store *s, store_meminfo *m, const oomsift_event *ev)
{
	oomsift_buf *b = &m->items;
	size_t from = 0, n = 0;
	layout *l;
	int rc;

	b->len = 0;
	if ((rc = layout_of(s, m, ev, &l)) < 0)
		return rc;
	for (; n < l->nvalues; n++) {
		const struct layout_value *lv = &l->values[n];
		rc = put_value(b, l->text.data + from, lv->cut - from, ev->kvs[lv->index].value);
		if (rc == OOMSIFT_ELIMIT)
			break;
		if (rc < 0)
			return rc;
		from = lv->cut;
	}
	return n ? oomsift_buf_append(b, "}}", 2) : 0;
}

int store_meminfo_put(oomsift_store *s, int64_t id, const oomsift_event *ev)
{
	store_meminfo *m;
	sqlite3_stmt *st;
	int rc;

	if (!ev->nkvs)
		return 0;
	if (!(m = state(s)))
		return OOMSIFT_ENOMEM;
	if ((rc = build_items(s, m, ev)) < 0 || !m->items.len)
		return rc;
	if (!(st = store_stmt(s, sql_insert)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, m->items.data, (int)m->items.len, SQLITE_STATIC);
	return store_step(s, st, "cannot store the memory values");
}

/* ---- reading an event's values without SQLite's JSON functions ---- */

/* A reader of items text, decoding strings in place. */
typedef struct items_reader {
	char *p, *end;
} items_reader;

static void skip_space(items_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool expect(items_reader *r, char c)
{
	skip_space(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
		                                    : 16u;
		if (d == 16)
			return UINT32_MAX;
		v = v * 16 + d;
	}
	return v;
}

/* Writes code point c as UTF-8 at *w (a lone surrogate as its 3 bytes, as
 * SQLite does). */
static void put_utf8(char **w, unsigned c)
{
	unsigned char *o = (unsigned char *)*w;

	if (c < 0x80) {
		*o++ = (unsigned char)c;
	} else if (c < 0x800) {
		*o++ = (unsigned char)(0xc0 | (c >> 6));
		*o++ = (unsigned char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*o++ = (unsigned char)(0xe0 | (c >> 12));
		*o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (unsigned char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (unsigned char)(0xf0 | (c >> 18));
		*o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		*o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (unsigned char)(0x80 | (c & 0x3f));
	}
	*w = (char *)o;
}

/* One backslash escape at r->p (after the backslash) written at *w. A
 * decoded escape is never longer than its text. */
static bool unescape(items_reader *r, char **w)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned c, lo;

	if (r->p >= r->end)
		return false;
	if (*r->p != 'u') {
		if (!(hit = strchr(from, *r->p)) || !*r->p)
			return false;
		*(*w)++ = to[hit - from];
		r->p++;
		return true;
	}
	if (r->end - r->p < 5 || (c = hex4(r->p + 1)) == UINT32_MAX)
		return false;
	r->p += 5;
	if ((c & 0xfc00) == 0xd800 && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u' &&
	    (lo = hex4(r->p + 2)) != UINT32_MAX && (lo & 0xfc00) == 0xdc00) {
		c = 0x10000 + ((c & 0x3ff) << 10) + (lo & 0x3ff);
		r->p += 6;
	}
	put_utf8(w, c);
	return true;
}

/* A JSON string, decoded in place and NUL-terminated; NULL when malformed. */
static char *read_string(items_reader *r)
{
	char *start, *w;

	if (!expect(r, '"'))
		return NULL;
	start = w = r->p;
	while (r->p < r->end && *r->p != '"') {
		if (*r->p == '\\') {
			r->p++;
			if (!unescape(r, &w))
				return NULL;
		} else {
			*w++ = *r->p++;
		}
	}
	if (r->p >= r->end)
		return NULL;
	r->p++;
	*w = '\0';
	return start;
}

/* A decimal integer without overflow; false when there is none. */
static bool parse_i64(const char *p, const char *end, const char **after, int64_t *v)
{
	bool neg = p < end && *p == '-';
	uint64_t u = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	const char *q = p + neg;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		uint64_t digit = (uint64_t)(*q - '0');
		/* u * 10 + digit <= max, without a division per digit */
		if (u > max / 10 || (u == max / 10 && digit > max % 10))
			return false;
		u = u * 10 + digit;
	}
	*after = q;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* A value's name, the decimal id of its meminfo_name row, as a JSON string.
 * store_meminfo_put writes plain digits, read without decoding or copying;
 * anything else is decoded as any string would be. */
static bool read_name_id(items_reader *r, int64_t *id)
{
	const char *name, *after;

	skip_space(r);
	if (r->p < r->end && *r->p == '"' && parse_i64(r->p + 1, r->end, &after, id) &&
	    after < r->end && *after == '"') {
		r->p += after + 1 - r->p;
		return true;
	}
	name = read_string(r);
	return name && parse_i64(name, name + strlen(name), &after, id) && !*after;
}

#define ITEMS_DAMAGED 1 /* the text is not what store_meminfo_put writes */

/* One section's object, its values to fn: 0, fn's error, or ITEMS_DAMAGED. */
static int read_section(items_reader *r, const char *section, store_meminfo_fn fn, void *ctx)
{
	int rc;

	if (!expect(r, '{'))
		return ITEMS_DAMAGED;
	if (expect(r, '}'))
		return 0;
	do {
		const char *after;
		int64_t id, value;
		if (!read_name_id(r, &id) || !expect(r, ':'))
			return ITEMS_DAMAGED;
		skip_space(r);
		if (r->end - r->p >= 4 && memcmp(r->p, "null", 4) == 0) {
			r->p += 4;
			continue;
		}
		if (!parse_i64(r->p, r->end, &after, &value))
			return ITEMS_DAMAGED;
		r->p += after - r->p;
		if ((rc = fn(ctx, section, id, value)) < 0)
			return rc;
	} while (expect(r, ','));
	return expect(r, '}') ? 0 : ITEMS_DAMAGED;
}

/* The bytes store_meminfo_put writes inside a section's object: names of
 * digits, integers, null. */
static const bool section_byte[256] = {
    ['0'] = true,  ['1'] = true,  ['2'] = true, ['3'] = true, ['4'] = true, ['5'] = true,
    ['6'] = true,  ['7'] = true,  ['8'] = true, ['9'] = true, ['"'] = true, [':'] = true,
    [','] = true,  ['-'] = true,  ['n'] = true, ['u'] = true, ['l'] = true, [' '] = true,
    ['\t'] = true, ['\r'] = true, ['\n'] = true};

/* Passes over one section's object, whose values no one reads: its text
 * must hold only section_byte bytes, else ITEMS_DAMAGED. */
static int skip_section(items_reader *r)
{
	const char *close;

	if (!expect(r, '{') || !(close = memchr(r->p, '}', (size_t)(r->end - r->p))))
		return ITEMS_DAMAGED;
	for (; r->p < close; r->p++)
		if (!section_byte[(unsigned char)*r->p])
			return ITEMS_DAMAGED;
	r->p++;
	return 0;
}

static int read_items(items_reader *r, store_meminfo_want_fn want, store_meminfo_fn fn, void *ctx)
{
	int rc = 0;

	if (!expect(r, '{'))
		return ITEMS_DAMAGED;
	if (expect(r, '}'))
		return 0;
	do {
		const char *section = read_string(r);
		if (!section || !expect(r, ':'))
			return ITEMS_DAMAGED;
		if (want && !want(section))
			rc = skip_section(r);
		else
			rc = read_section(r, section, fn, ctx);
		if (rc != 0)
			return rc;
	} while (expect(r, ','));
	return expect(r, '}') ? 0 : ITEMS_DAMAGED;
}

static const char sql_items[] = "SELECT items FROM meminfo WHERE event_id = ?1";

int store_meminfo_each(oomsift_store *s, int64_t id, store_meminfo_fn fn, void *ctx)
{
	return store_meminfo_each_in(s, id, NULL, fn, ctx);
}

int store_meminfo_each_in(oomsift_store *s, int64_t id, store_meminfo_want_fn want,
                          store_meminfo_fn fn, void *ctx)
{
	store_meminfo *m = state(s);
	sqlite3_stmt *st = store_stmt(s, sql_items);
	items_reader r;
	int rc;

	if (!m)
		return OOMSIFT_ENOMEM;
	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_error(s, "cannot read the memory values of an event");
	/* a copy to decode in place; the buffer's limit bounds it */
	m->items.len = 0;
	rc = oomsift_buf_append(&m->items, sqlite3_column_text(st, 0),
	                        (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_reset(st);
	if (rc < 0)
		return rc;
	r.p = m->items.data;
	r.end = r.p + m->items.len;
	if ((rc = read_items(&r, want, fn, ctx)) == ITEMS_DAMAGED)
		return oomsift_error_set(OOMSIFT_ESTORE,
		                         "store '%s': the memory values of event %lld are damaged",
		                         s->path, (long long)id);
	return rc;
}
