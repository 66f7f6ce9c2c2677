/*
 * A rule file as a tree of YAML nodes with their positions, built from
 * libyaml's events (not its document API: aliases are refused here, so a
 * file cannot expand into more nodes than it has text), and the positioned
 * error messages of rule files.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "oomsift/error.h"
#include "rules/internal.h"

/* Longest source line quoted in a message before it is cut around the caret. */
#define QUOTE_MAX 160

/* ---- positioned errors ---- */

/* The bytes of 0-based line `line`; libyaml breaks lines at \n, \r\n and \r. */
static const char *source_line(const rload *ld, size_t line, size_t *len)
{
	const char *p = ld->text, *end = ld->text + ld->len;

	for (size_t l = 0; l < line && p < end; l++) {
		while (p < end && *p != '\n' && *p != '\r')
			p++;
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		if (p < end)
			p++;
	}
	const char *q = p;
	while (q < end && *q != '\n' && *q != '\r')
		q++;
	*len = (size_t)(q - p);
	return p;
}

static bool utf8_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Byte offset of character column col in s[0..len) (len when past its end). */
static size_t column_byte(const char *s, size_t len, size_t col)
{
	size_t i = 0;

	for (size_t c = 0; c < col && i < len; c++) {
		i++;
		while (i < len && utf8_cont((unsigned char)s[i]))
			i++;
	}
	return i;
}

static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += !utf8_cont((unsigned char)s[i]);
	return c;
}

/* Appends the line (cut around the caret when long) and the caret under
 * character column col; a column past the end of the line is padded. */
static void quote_line(oomsift_buf *b, const char *s, size_t len, size_t col)
{
	size_t at = column_byte(s, len, col), from = 0, to = len;

	if (len > QUOTE_MAX) {
		from = at > QUOTE_MAX / 2 ? at - QUOTE_MAX / 2 : 0;
		while (from > 0 && utf8_cont((unsigned char)s[from]))
			from--;
		to = from + QUOTE_MAX < len ? from + QUOTE_MAX : len;
		while (to < len && utf8_cont((unsigned char)s[to]))
			to++;
	}
	oomsift_buf_append(b, "...", from > 0 ? 3 : 0);
	oomsift_buf_append(b, s + from, to - from);
	oomsift_buf_append(b, "...", to < len ? 3 : 0);
	oomsift_buf_putc(b, '\n');
	oomsift_buf_append(b, "   ", from > 0 ? 3 : 0);
	/* One blank per character before the caret; a tab under a tab keeps it aligned. */
	for (size_t i = from; i < at; i++)
		if (!utf8_cont((unsigned char)s[i]))
			oomsift_buf_putc(b, s[i] == '\t' ? '\t' : ' ');
	for (size_t c = count_chars(s, at); c < col; c++)
		oomsift_buf_putc(b, ' ');
	oomsift_buf_putc(b, '^');
}

int rl_error(const rload *ld, yaml_mark_t at, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rl_verror(ld, at, fmt, ap);
	va_end(ap);
	return rc;
}

int rl_verror(const rload *ld, yaml_mark_t at, const char *fmt, va_list ap)
{
	char msg[768];
	oomsift_buf b;
	size_t len;
	const char *line = source_line(ld, at.line, &len);

	vsnprintf(msg, sizeof(msg), fmt, ap);
	oomsift_buf_init(&b, 0);
	oomsift_buf_printf(&b, "%s:%zu:%zu: %s\n", ld->name, at.line + 1, at.column + 1, msg);
	quote_line(&b, line, len, at.column);
	oomsift_error_set(OOMSIFT_ERULE, "%s", b.data ? b.data : msg);
	oomsift_buf_free(&b);
	return OOMSIFT_ERULE;
}

/* ---- positions inside scalars ---- */

static yaml_mark_t mark_inline(const rload *ld, const ynode *n, size_t off)
{
	size_t len, quote = n->style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;
	const char *line = source_line(ld, n->start.line, &len);
	size_t at = column_byte(line, len, n->start.column) + quote;
	yaml_mark_t m = n->start;

	if (at + n->len > len || memcmp(line + at, n->text, n->len) != 0)
		return n->start;
	m.column += quote + count_chars(n->text, off);
	return m;
}

static yaml_mark_t mark_literal(const rload *ld, const ynode *n, size_t off)
{
	size_t k = 0, bol = 0, eol, len;
	yaml_mark_t m = n->start;

	for (size_t i = 0; i < off; i++)
		if (n->text[i] == '\n') {
			k++;
			bol = i + 1;
		}
	eol = bol;
	while (eol < n->len && n->text[eol] != '\n')
		eol++;
	const char *line = source_line(ld, n->start.line + 1 + k, &len);
	size_t vlen = eol - bol;
	if (vlen > len || memcmp(line + len - vlen, n->text + bol, vlen) != 0)
		return n->start;
	for (size_t i = 0; i < len - vlen; i++)
		if (line[i] != ' ')
			return n->start;
	m.line = n->start.line + 1 + k;
	m.column = (len - vlen) + count_chars(n->text + bol, off - bol);
	return m;
}

yaml_mark_t ynode_mark_at(const rload *ld, const ynode *n, size_t off)
{
	if (n->type != YN_SCALAR || off > n->len)
		return n->start;
	switch (n->style) {
	case YAML_PLAIN_SCALAR_STYLE:
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		if (n->start.line == n->end.line)
			return mark_inline(ld, n, off);
		return n->start;
	case YAML_LITERAL_SCALAR_STYLE:
		return mark_literal(ld, n, off);
	default:
		return n->start;
	}
}

/* ---- building the tree ---- */

typedef struct tree {
	rload *ld;
	yaml_parser_t p;
} tree;

/* The position of byte `off`: the reader reports its errors by offset. */
static yaml_mark_t mark_of_offset(const rload *ld, size_t off)
{
	yaml_mark_t m = {0};
	size_t bol = 0;

	for (size_t i = 0; i < off && i < ld->len; i++) {
		char c = ld->text[i];
		if (c == '\n' || (c == '\r' && (i + 1 >= ld->len || ld->text[i + 1] != '\n'))) {
			m.line++;
			bol = i + 1;
		}
	}
	if (off > ld->len)
		off = ld->len;
	m.column = count_chars(ld->text + bol, off - bol);
	return m;
}

static int parser_error(tree *t)
{
	yaml_parser_t *p = &t->p;

	if (p->error == YAML_MEMORY_ERROR)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (p->error == YAML_READER_ERROR)
		return rl_error(t->ld, mark_of_offset(t->ld, p->problem_offset),
		                "bad YAML: %s (byte 0x%02x)", p->problem,
		                (unsigned)p->problem_value & 0xff);
	if (p->context)
		return rl_error(t->ld, p->problem_mark, "bad YAML: %s %s", p->problem, p->context);
	return rl_error(t->ld, p->problem_mark, "bad YAML: %s", p->problem ? p->problem : "error");
}

static int next_event(tree *t, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&t->p, ev))
		return parser_error(t);
	return 0;
}

void ynode_free(ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static int node_new(tree *t, const yaml_event_t *ev, ynode_type type, ynode **out)
{
	ynode *n = calloc(1, sizeof(*n));

	if (!n)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	n->type = type;
	n->start = ev->start_mark;
	n->end = ev->end_mark;
	*out = n;
	return 0;
}

static int check_tag(tree *t, const yaml_event_t *ev, const yaml_char_t *tag)
{
	if (tag)
		return rl_error(t->ld, ev->start_mark, "YAML tags ('%s') are not supported",
		                (const char *)tag);
	return 0;
}

static int scalar_node(tree *t, const yaml_event_t *ev, ynode **out)
{
	int rc = check_tag(t, ev, ev->data.scalar.tag);
	ynode *n = NULL;

	if (rc < 0 || (rc = node_new(t, ev, YN_SCALAR, &n)) < 0)
		return rc;
	n->len = ev->data.scalar.length;
	n->style = ev->data.scalar.style;
	n->text = malloc(n->len + 1);
	if (!n->text) {
		ynode_free(n);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	memcpy(n->text, ev->data.scalar.value, n->len);
	n->text[n->len] = '\0';
	*out = n;
	return 0;
}

static int add_kid(tree *t, ynode *parent, ynode *kid, size_t *cap)
{
	size_t limit = parent->type == YN_MAP ? 2 * RULES_MAX_ITEMS : RULES_MAX_ITEMS;
	int rc =
	    oomsift_vec_reserve((void **)&parent->kids, cap, sizeof(ynode *), parent->n + 1, limit);

	if (rc == OOMSIFT_ELIMIT)
		rc = rl_error(t->ld, kid->start, "more than %d entries in one %s", RULES_MAX_ITEMS,
		              parent->type == YN_MAP ? "mapping" : "sequence");
	if (rc < 0) {
		ynode_free(kid);
		return rc;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

/* A key of a mapping: a scalar, not yet used in that mapping. */
static int check_key(tree *t, const ynode *map, const ynode *key)
{
	if (key->type != YN_SCALAR)
		return rl_error(t->ld, key->start, "a mapping key must be a scalar");
	for (size_t i = 0; i < map->n; i += 2) {
		const ynode *k = map->kids[i];
		if (k->len == key->len && memcmp(k->text, key->text, key->len) == 0)
			return rl_error(t->ld, key->start, "duplicate key '%s' (first at line %zu)",
			                key->text, k->start.line + 1);
	}
	return 0;
}

static int parse_node(tree *t, yaml_event_t *ev, unsigned depth, ynode **out);

static int collection_node(tree *t, yaml_event_t *ev, unsigned depth, ynode **out)
{
	bool map = ev->type == YAML_MAPPING_START_EVENT;
	yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	size_t cap = 0;
	ynode *n = NULL, *kid;
	yaml_event_t e;
	int rc;

	if ((rc = check_tag(t, ev, tag)) < 0)
		return rc;
	if (depth > OOMSIFT_RULES_MAX_DEPTH)
		return rl_error(t->ld, ev->start_mark, "nested deeper than %d levels",
		                OOMSIFT_RULES_MAX_DEPTH);
	if ((rc = node_new(t, ev, map ? YN_MAP : YN_SEQ, &n)) < 0)
		return rc;
	for (;;) {
		if ((rc = next_event(t, &e)) < 0)
			goto fail;
		if (e.type == end) {
			n->end = e.end_mark;
			yaml_event_delete(&e);
			break;
		}
		rc = parse_node(t, &e, depth + 1, &kid);
		yaml_event_delete(&e);
		if (rc < 0)
			goto fail;
		if (map && n->n % 2 == 0 && (rc = check_key(t, n, kid)) < 0) {
			ynode_free(kid);
			goto fail;
		}
		if ((rc = add_kid(t, n, kid, &cap)) < 0)
			goto fail;
	}
	*out = n;
	return 0;
fail:
	ynode_free(n);
	return rc;
}

static int parse_node(tree *t, yaml_event_t *ev, unsigned depth, ynode **out)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return scalar_node(t, ev, out);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return collection_node(t, ev, depth, out);
	case YAML_ALIAS_EVENT:
		return rl_error(t->ld, ev->start_mark, "YAML aliases ('*%s') are not supported",
		                (const char *)ev->data.alias.anchor);
	default:
		return rl_error(t->ld, ev->start_mark, "bad YAML: unexpected event");
	}
}

/* Expects an event of `type`; anything else is an error at its position. */
static int expect_event(tree *t, yaml_event_type_t type, const char *what)
{
	yaml_event_t e;
	int rc = next_event(t, &e);

	if (rc < 0)
		return rc;
	if (e.type != type)
		rc = rl_error(t->ld, e.start_mark, "%s", what);
	yaml_event_delete(&e);
	return rc;
}

static int load_document(tree *t)
{
	yaml_event_t e;
	int rc;

	if ((rc = next_event(t, &e)) < 0)
		return rc;
	if (e.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&e);
		return 0;
	}
	yaml_event_delete(&e); /* DOCUMENT-START */
	if ((rc = next_event(t, &e)) < 0)
		return rc;
	rc = parse_node(t, &e, 1, &t->ld->root);
	yaml_event_delete(&e);
	if (rc < 0)
		return rc;
	if ((rc = expect_event(t, YAML_DOCUMENT_END_EVENT, "bad YAML: document not ended")) < 0)
		return rc;
	return expect_event(t, YAML_STREAM_END_EVENT, "a rule file holds one YAML document");
}

int yaml_tree_load(rload *ld)
{
	tree t = {.ld = ld};
	int rc;

	ld->root = NULL;
	if (!yaml_parser_initialize(&t.p))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&t.p, (const unsigned char *)ld->text, ld->len);
	rc = expect_event(&t, YAML_STREAM_START_EVENT, "bad YAML: no stream");
	if (rc == 0)
		rc = load_document(&t);
	yaml_parser_delete(&t.p);
	if (rc < 0) {
		ynode_free(ld->root);
		ld->root = NULL;
	}
	return rc;
}

/* ---- reading nodes ---- */

const ynode *ymap_get(const ynode *map, const char *key)
{
	size_t len = strlen(key);

	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->len == len && memcmp(map->kids[i]->text, key, len) == 0)
			return map->kids[i + 1];
	return NULL;
}

int ymap_check_keys(const rload *ld, const ynode *map, const char *const *allowed, size_t n)
{
	for (size_t i = 0; i < map->n; i += 2) {
		const ynode *k = map->kids[i];
		bool ok = false;
		for (size_t j = 0; j < n && !ok; j++)
			ok = strcmp(k->text, allowed[j]) == 0;
		if (ok)
			continue;
		char list[512] = "";
		size_t used = 0;
		for (size_t j = 0; j < n && used < sizeof(list); j++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			                         j ? ", " : "", allowed[j]);
		char name[80];
		return rl_error(ld, k->start, "unknown key '%s' (expected one of: %s)",
		                yshort(k, name, sizeof(name)), list);
	}
	return 0;
}

void ynode_hash(const ynode *n, XXH3_state_t *st)
{
	unsigned char tag[2] = {(unsigned char)n->type, n->style == YAML_PLAIN_SCALAR_STYLE};
	uint64_t len = n->type == YN_SCALAR ? n->len : n->n;

	XXH3_128bits_update(st, tag, sizeof(tag));
	XXH3_128bits_update(st, &len, sizeof(len));
	if (n->type == YN_SCALAR)
		XXH3_128bits_update(st, n->text, n->len);
	for (size_t i = 0; i < n->n; i++)
		ynode_hash(n->kids[i], st);
}

/* ---- scalar types ---- */

static bool is_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_real(const char *s)
{
	size_t digits = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static bool word_is(const char *s, const char *lower, const char *title, const char *upper)
{
	return strcmp(s, lower) == 0 || strcmp(s, title) == 0 || strcmp(s, upper) == 0;
}

void yscalar_resolve(const ynode *n, yscalar *out)
{
	const char *s = n->text;

	memset(out, 0, sizeof(*out));
	out->kind = YS_TEXT;
	if (n->type != YN_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE || strlen(s) != n->len)
		return;
	if (!*s || strcmp(s, "~") == 0 || word_is(s, "null", "Null", "NULL")) {
		out->kind = YS_NULL;
	} else if (word_is(s, "true", "True", "TRUE") || word_is(s, "false", "False", "FALSE")) {
		out->kind = YS_BOOL;
		out->b = s[0] == 't' || s[0] == 'T';
	} else if (is_int(s)) {
		errno = 0;
		long long v = strtoll(s, NULL, 10);
		out->d = strtod(s, NULL);
		out->kind = errno ? YS_REAL : YS_INT;
		out->i = v;
	} else if (is_real(s)) {
		out->d = strtod(s, NULL);
		out->kind = isfinite(out->d) ? YS_REAL : YS_TEXT;
	}
}

const char *yshort(const ynode *n, char *buf, size_t cap)
{
	if (n->type != YN_SCALAR)
		snprintf(buf, cap, "%s", n->type == YN_MAP ? "{...}" : "[...]");
	else if (n->len > 64)
		snprintf(buf, cap, "%.64s...", n->text);
	else
		snprintf(buf, cap, "%s", n->text);
	return buf;
}

void ynode_describe(const ynode *n, char *buf, size_t cap)
{
	char s[80];
	yscalar v;

	if (n->type != YN_SCALAR) {
		snprintf(buf, cap, "%s", n->type == YN_MAP ? "a mapping" : "a sequence");
		return;
	}
	yscalar_resolve(n, &v);
	switch (v.kind) {
	case YS_NULL:
		snprintf(buf, cap, "null");
		break;
	case YS_BOOL:
		snprintf(buf, cap, "%s", v.b ? "true" : "false");
		break;
	case YS_INT:
	case YS_REAL:
		snprintf(buf, cap, "number %s", yshort(n, s, sizeof(s)));
		break;
	default:
		snprintf(buf, cap, "text '%s'", yshort(n, s, sizeof(s)));
	}
}
