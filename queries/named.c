/*
 * Named queries: SQL files with a header that names them, says what they
 * answer and declares their params (include/oomsift/query.h). The built-in
 * ones are the .sql files of queries/, embedded at build time.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/buf.h"
#include "oomsift/error.h"
#include "oomsift/timespec.h"
#include "queries/internal.h"

/* Bytes of one header line. */
#define MAX_HEADER_LINE 1024
/* since, until and host come first in every query. */
#define IMPLICIT_PARAMS 3
#define MAX_PARAMS      (OOMSIFT_QUERY_MAX_PARAMS + IMPLICIT_PARAMS)

/* Generated from queries/NAME.sql (cmake/embed_queries.cmake): pairs of
 * {"queries/NAME.sql", text}, ended by {NULL, NULL}. */
extern const char *const oomsift_query_files[][2];

struct oomsift_named_query {
	oomsift_arena arena; /* every string below */
	const char *file, *name, *description, *sql;
	oomsift_query_param params[MAX_PARAMS];
	size_t nparams;
};

struct oomsift_named_queries {
	oomsift_named_query **q;
	size_t n;
};

static const char *const type_names[] = {"int", "real", "text", "time", "glob"};

static const oomsift_query_param implicit[IMPLICIT_PARAMS] = {
    {"since", OOMSIFT_PARAM_TIME, "all", "start of the window, included ('all': no bound)", 0},
    {"until", OOMSIFT_PARAM_TIME, "all", "end of the window, excluded ('all': no bound)", 0},
    {"host", OOMSIFT_PARAM_GLOB, "*", "hosts to include, a GLOB pattern", 0},
};

const char *oomsift_param_type_name(oomsift_param_type type)
{
	return (unsigned)type < 5 ? type_names[type] : "?";
}

static int parse_type(const char *s, size_t len, oomsift_param_type *out)
{
	for (int i = 0; i < 5; i++)
		if (strlen(type_names[i]) == len && strncmp(s, type_names[i], len) == 0) {
			*out = (oomsift_param_type)i;
			return 0;
		}
	return -1;
}

/* ---- values ---- */

/* Copies the last error's message, which the next oomsift_error_set() replaces. */
static void last_message(char *out, size_t len)
{
	snprintf(out, len, "%s", oomsift_error_message());
}

/* Reads text as a value of param p. `what` names the value in messages
 * ("param 'limit'", "default of 'limit'"). */
static int parse_value(const oomsift_query_param *p, const char *what, const char *text,
                       int64_t now, oomsift_value *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	if (strlen(text) > OOMSIFT_QUERY_MAX_VALUE)
		return oomsift_error_set(OOMSIFT_EINVAL, "%s: longer than %d bytes", what,
		                         OOMSIFT_QUERY_MAX_VALUE);
	switch (p->type) {
	case OOMSIFT_PARAM_INT:
		errno = 0;
		v->i = strtoll(text, &end, 10);
		if (!*text || isspace((unsigned char)*text) || *end || errno)
			return oomsift_error_set(OOMSIFT_EINVAL, "%s needs an integer, not '%s'",
			                         what, text);
		v->type = OOMSIFT_VALUE_INT;
		return 0;
	case OOMSIFT_PARAM_REAL:
		errno = 0;
		v->d = strtod(text, &end);
		if (!*text || isspace((unsigned char)*text) || *end || errno || !isfinite(v->d))
			return oomsift_error_set(OOMSIFT_EINVAL, "%s needs a number, not '%s'",
			                         what, text);
		v->type = OOMSIFT_VALUE_REAL;
		return 0;
	case OOMSIFT_PARAM_TIME: {
		int64_t t;
		char msg[512];
		if (strcmp(text, "all") == 0) {
			v->type = OOMSIFT_VALUE_NULL;
			return 0;
		}
		if (oomsift_time_parse(text, now, &t) < 0) {
			last_message(msg, sizeof(msg));
			return oomsift_error_set(OOMSIFT_EINVAL, "%s: %s, or all", what, msg);
		}
		v->type = OOMSIFT_VALUE_REAL;
		v->d = (double)t;
		return 0;
	}
	default: /* text, glob */
		v->type = OOMSIFT_VALUE_TEXT;
		v->s = text;
		v->len = strlen(text);
		return 0;
	}
}

/* ---- the header ---- */

typedef struct header_reader {
	const char *file;
	const char *p;                  /* the next line */
	unsigned line;                  /* of the current line */
	char text[MAX_HEADER_LINE + 1]; /* the current line, without its end */
	bool cut;                       /* the current line is longer than MAX_HEADER_LINE */
} header_reader;

static int header_error(const header_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int header_error(const header_reader *r, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return oomsift_error_set(OOMSIFT_EINVAL, "%s:%u: %s", r->file, r->line, msg);
}

/* Reads the next line into r->text (trailing white space dropped). Returns
 * false at the end of the text. */
static bool next_line(header_reader *r)
{
	size_t len, keep;
	const char *nl;

	if (!*r->p)
		return false;
	nl = strchr(r->p, '\n');
	len = nl ? (size_t)(nl - r->p) : strlen(r->p);
	r->cut = len > MAX_HEADER_LINE;
	keep = r->cut ? MAX_HEADER_LINE : len;
	memcpy(r->text, r->p, keep);
	while (keep && isspace((unsigned char)r->text[keep - 1]))
		keep--;
	r->text[keep] = '\0';
	r->p += nl ? len + 1 : len;
	r->line++;
	return true;
}

/* The value of a "-- KEY: VALUE" line, or NULL when the line is not one. */
static const char *header_value(const char *line, const char *key)
{
	size_t klen = strlen(key);

	if (strncmp(line, "-- ", 3) != 0 || strncmp(line + 3, key, klen) != 0 ||
	    line[3 + klen] != ':')
		return NULL;
	line += 4 + klen;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* True for a line that looks like a header line: "-- word:". */
static bool looks_like_header(const char *line, char *key, size_t len)
{
	size_t n = 0;

	if (strncmp(line, "-- ", 3) != 0)
		return false;
	line += 3;
	while ((islower((unsigned char)line[n]) || line[n] == '_') && n + 1 < len) {
		key[n] = line[n];
		n++;
	}
	key[n] = '\0';
	return n > 0 && line[n] == ':';
}

static bool valid_query_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > OOMSIFT_QUERY_MAX_NAME ||
	    !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

static bool valid_param_name(const char *s, size_t n)
{
	if (n == 0 || n > OOMSIFT_QUERY_MAX_NAME || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static const char *arena_copy(oomsift_named_query *q, const char *s, size_t n)
{
	return oomsift_arena_strndup(&q->arena, s, n);
}

/* The stem of a file name ending in .sql ("queries/recent.sql": "recent"), in
 * out; false when the name does not end in .sql. */
static bool sql_stem(const char *file, char *out, size_t len)
{
	const char *base = strrchr(file, '/');
	size_t n;

	base = base ? base + 1 : file;
	n = strlen(base);
	if (n < 4 || strcmp(base + n - 4, ".sql") != 0 || n - 4 >= len)
		return false;
	memcpy(out, base, n - 4);
	out[n - 4] = '\0';
	return true;
}

static int read_name(header_reader *r, oomsift_named_query *q)
{
	const char *v;
	char stem[OOMSIFT_QUERY_MAX_NAME + 8];

	if (!next_line(r) || !(v = header_value(r->text, "name")))
		return header_error(r, "the first line must be '-- name: NAME'");
	if (!valid_query_name(v))
		return header_error(r,
		                    "bad query name '%s' (lower-case letters, digits and '-', at "
		                    "most %d)",
		                    v, OOMSIFT_QUERY_MAX_NAME);
	if (sql_stem(r->file, stem, sizeof(stem)) && strcmp(stem, v) != 0)
		return header_error(r, "the query is named '%s', but its file is %s.sql", v, stem);
	if (!(q->name = arena_copy(q, v, strlen(v))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return 0;
}

static int read_description(header_reader *r, oomsift_named_query *q)
{
	const char *v;

	if (!next_line(r) || !(v = header_value(r->text, "description")))
		return header_error(r, "the second line must be '-- description: TEXT'");
	if (!*v)
		return header_error(r, "the description is empty");
	if (r->cut)
		return header_error(r, "the description is longer than %d bytes", MAX_HEADER_LINE);
	if (!(q->description = arena_copy(q, v, strlen(v))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return 0;
}

/* A DEFAULT: a word, or a quoted string ('it''s'). Copies it into the arena;
 * *p moves past it. */
static int read_default(header_reader *r, oomsift_named_query *q, const char **p, const char **out)
{
	const char *s = *p;
	char buf[MAX_HEADER_LINE + 1];
	size_t n = 0;

	if (*s != '\'') {
		n = strcspn(s, " \t");
		*out = arena_copy(q, s, n);
		*p = s + n;
		return *out ? 0 : oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	for (s++;; s++) {
		if (!*s)
			return header_error(r, "unclosed quote in the default");
		if (*s == '\'' && s[1] != '\'')
			break;
		if (*s == '\'')
			s++;
		buf[n++] = *s;
	}
	*out = arena_copy(q, buf, n);
	*p = s + 1;
	return *out ? 0 : oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

static oomsift_query_param *find_param(oomsift_named_query *q, const char *name, size_t n)
{
	for (size_t i = 0; i < q->nparams; i++)
		if (strlen(q->params[i].name) == n && strncmp(q->params[i].name, name, n) == 0)
			return &q->params[i];
	return NULL;
}

/* "-- param: NAME TYPE DEFAULT DESCRIPTION" */
static int read_param(header_reader *r, oomsift_named_query *q, const char *v)
{
	oomsift_query_param p = {.line = r->line}, *same;
	const char *name = v, *type;
	size_t nlen, tlen;
	oomsift_value value;
	char what[OOMSIFT_QUERY_MAX_NAME + 32], msg[600];
	int rc;

	if (r->cut)
		return header_error(r, "longer than %d bytes", MAX_HEADER_LINE);
	nlen = strcspn(name, " \t");
	type = name + nlen + strspn(name + nlen, " \t");
	tlen = strcspn(type, " \t");
	v = type + tlen + strspn(type + tlen, " \t");
	if (!nlen || !tlen || !*v)
		return header_error(r, "expected '-- param: NAME TYPE DEFAULT DESCRIPTION'");
	if (!valid_param_name(name, nlen))
		return header_error(r,
		                    "bad param name '%.*s' (lower-case letters, digits and '_', "
		                    "not first a digit)",
		                    (int)nlen, name);
	if (parse_type(type, tlen, &p.type) < 0)
		return header_error(r, "unknown type '%.*s' (int, real, text, time or glob)",
		                    (int)tlen, type);
	if ((rc = read_default(r, q, &v, &p.default_value)) < 0)
		return rc;
	v += strspn(v, " \t");
	if (!*v)
		return header_error(r, "param '%.*s' has no description", (int)nlen, name);
	if (!(p.name = arena_copy(q, name, nlen)) || !(p.description = arena_copy(q, v, strlen(v))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	snprintf(what, sizeof(what), "the default of '%s'", p.name);
	if (parse_value(&p, what, p.default_value, 0, &value) < 0) {
		last_message(msg, sizeof(msg));
		return header_error(r, "%s", msg);
	}
	if ((same = find_param(q, name, nlen))) {
		if (same->line)
			return header_error(r, "param '%s' is declared twice (first at line %u)",
			                    p.name, same->line);
		if (same->type != p.type)
			return header_error(r, "param '%s' must be of type %s", p.name,
			                    oomsift_param_type_name(same->type));
		*same = p; /* since, until or host with another default */
		return 0;
	}
	if (q->nparams == MAX_PARAMS)
		return header_error(r, "too many params (at most %d)", OOMSIFT_QUERY_MAX_PARAMS);
	q->params[q->nparams++] = p;
	return 0;
}

/* True when the text from p on has something besides white space and
 * comment lines. */
static bool has_sql(const char *p)
{
	while (*p) {
		p += strspn(p, " \t\r\n");
		if (strncmp(p, "--", 2) == 0) {
			p += strcspn(p, "\n");
			continue;
		}
		return *p != '\0';
	}
	return false;
}

static int read_header(header_reader *r, oomsift_named_query *q)
{
	const char *v, *before;
	char key[32];
	int rc;

	if ((rc = read_name(r, q)) < 0 || (rc = read_description(r, q)) < 0)
		return rc;
	for (;;) {
		before = r->p;
		if (!next_line(r))
			break;
		if ((v = header_value(r->text, "param"))) {
			if ((rc = read_param(r, q, v)) < 0)
				return rc;
			continue;
		}
		/* a misspelt key must not pass for a comment */
		if (looks_like_header(r->text, key, sizeof(key)))
			return header_error(r,
			                    "unknown header line '-- %s:' (name, description, "
			                    "then param lines)",
			                    key);
		r->p = before;
		r->line--;
		break;
	}
	if (!has_sql(r->p))
		return header_error(r, "no SQL after the header");
	return 0;
}

static oomsift_named_query *query_new(void)
{
	oomsift_named_query *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	memcpy(q->params, implicit, sizeof(implicit));
	q->nparams = IMPLICIT_PARAMS;
	return q;
}

int oomsift_named_query_parse(oomsift_named_query **out, const char *file, const char *text)
{
	oomsift_named_query *q;
	header_reader r = {.file = file, .p = text};
	size_t len = strlen(text);
	int rc;

	*out = NULL;
	if (len > OOMSIFT_QUERY_MAX_TEXT)
		return oomsift_error_set(OOMSIFT_ELIMIT, "%s: larger than %d bytes", file,
		                         OOMSIFT_QUERY_MAX_TEXT);
	if (!(q = query_new()))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (!(q->file = arena_copy(q, file, strlen(file))) ||
	    !(q->sql = arena_copy(q, text, len))) {
		rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = read_header(&r, q)) < 0)
		goto fail;
	*out = q;
	return 0;
fail:
	oomsift_named_query_free(q);
	return rc;
}

int oomsift_named_query_adhoc(oomsift_named_query **out, const char *sql)
{
	oomsift_named_query *q;
	size_t len = strlen(sql);

	*out = NULL;
	if (len > OOMSIFT_QUERY_MAX_TEXT)
		return oomsift_error_set(OOMSIFT_ELIMIT, "the SQL is larger than %d bytes",
		                         OOMSIFT_QUERY_MAX_TEXT);
	if (!(q = query_new()) || !(q->sql = arena_copy(q, sql, len))) {
		oomsift_named_query_free(q);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	*out = q;
	return 0;
}

void oomsift_named_query_free(oomsift_named_query *q)
{
	if (!q)
		return;
	oomsift_arena_free(&q->arena);
	free(q);
}

void oomsift_named_query_get(const oomsift_named_query *q, oomsift_named_query_info *info)
{
	info->name = q->name;
	info->description = q->description;
	info->file = q->file;
	info->sql = q->sql;
	info->nparams = q->nparams;
	info->params = q->params;
}

/* ---- binding and running ---- */

static int unknown_param(const oomsift_named_query *q, const char *name)
{
	char list[MAX_PARAMS * (OOMSIFT_QUERY_MAX_NAME + 2) + 1] = "";
	size_t used = 0;

	for (size_t i = 0; i < q->nparams && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                         q->params[i].name);
	if (q->name)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "query '%s' has no param '%s' (its params: %s)", q->name,
		                         name, list);
	return oomsift_error_set(OOMSIFT_EINVAL,
	                         "ad-hoc SQL has no param '%s' (its params: %s; --param is "
	                         "for named queries)",
	                         name, list);
}

/* The index of the arg for each param (-1: none), checking the args. */
static int match_args(const oomsift_named_query *q, const oomsift_query_arg *args, size_t nargs,
                      int *arg_of)
{
	for (size_t i = 0; i < q->nparams; i++)
		arg_of[i] = -1;
	for (size_t a = 0; a < nargs; a++) {
		size_t i = 0;
		while (i < q->nparams && strcmp(q->params[i].name, args[a].name) != 0)
			i++;
		if (i == q->nparams)
			return unknown_param(q, args[a].name);
		if (arg_of[i] >= 0)
			return oomsift_error_set(OOMSIFT_EINVAL, "param '%s' is given twice",
			                         args[a].name);
		arg_of[i] = (int)a;
	}
	return 0;
}

int oomsift_named_query_bind(const oomsift_named_query *q, const oomsift_query_arg *args,
                             size_t nargs, int64_t now, oomsift_value *values)
{
	int arg_of[MAX_PARAMS], rc;

	if ((rc = match_args(q, args, nargs, arg_of)) < 0)
		return rc;
	for (size_t i = 0; i < q->nparams; i++) {
		const oomsift_query_param *p = &q->params[i];
		char what[OOMSIFT_QUERY_MAX_NAME + 16];
		snprintf(what, sizeof(what), "param '%s'", p->name);
		if ((rc = parse_value(p, what,
		                      arg_of[i] >= 0 ? args[arg_of[i]].value : p->default_value,
		                      now, &values[i])) < 0)
			return rc;
	}
	return 0;
}

int oomsift_named_query_run(oomsift_store *s, const oomsift_named_query *q,
                            const oomsift_query_arg *args, size_t nargs, int64_t now,
                            const oomsift_query_sink *sink)
{
	oomsift_value values[MAX_PARAMS];
	query_binding b[MAX_PARAMS];
	int arg_of[MAX_PARAMS], rc;

	if ((rc = oomsift_named_query_bind(q, args, nargs, now, values)) < 0 ||
	    (rc = match_args(q, args, nargs, arg_of)) < 0)
		return rc;
	for (size_t i = 0; i < q->nparams; i++) {
		b[i].name = q->params[i].name;
		b[i].value = values[i];
		/* a named query reads all its params; ad-hoc SQL what it is given */
		b[i].must_use = q->name || arg_of[i] >= 0;
	}
	return query_run_bound(s, q->file, q->sql, b, q->nparams, sink);
}

/* ---- the built-in set ---- */

static int by_name(const void *a, const void *b)
{
	return strcmp((*(oomsift_named_query *const *)a)->name,
	              (*(oomsift_named_query *const *)b)->name);
}

int oomsift_named_queries_builtin(oomsift_named_queries **out)
{
	oomsift_named_queries *set = calloc(1, sizeof(*set));
	size_t n = 0;
	int rc = 0;

	*out = NULL;
	while (oomsift_query_files[n][0])
		n++;
	if (!set || !(set->q = calloc(n + 1, sizeof(*set->q)))) {
		free(set);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	for (; set->n < n; set->n++)
		if ((rc = oomsift_named_query_parse(&set->q[set->n], oomsift_query_files[set->n][0],
		                                    oomsift_query_files[set->n][1])) < 0) {
			oomsift_named_queries_free(set);
			return rc;
		}
	qsort(set->q, set->n, sizeof(*set->q), by_name);
	*out = set;
	return 0;
}

size_t oomsift_named_queries_count(const oomsift_named_queries *set)
{
	return set->n;
}

const oomsift_named_query *oomsift_named_queries_at(const oomsift_named_queries *set, size_t i)
{
	return i < set->n ? set->q[i] : NULL;
}

const oomsift_named_query *oomsift_named_queries_find(const oomsift_named_queries *set,
                                                      const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->q[i]->name, name) == 0)
			return set->q[i];
	return NULL;
}

void oomsift_named_queries_free(oomsift_named_queries *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		oomsift_named_query_free(set->q[i]);
	free(set->q);
	free(set);
}
