/*
 * Examples: the subjects a rule must and must not match. Event examples are
 * evaluated here over a context that knows only the fields they give (the
 * others are NULL): once when the rule loads, and again by
 * oomsift_rules_test() with the set's effective thresholds. Log examples
 * go through the caller's runner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "rules/internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int nomem(void)
{
	return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

void example_free(example *e)
{
	free(e->log);
	for (size_t i = 0; i < e->nfields; i++) {
		free(e->names[i]);
		if (e->values[i].type == OOMSIFT_VALUE_TEXT)
			free((char *)e->values[i].s);
	}
	free(e->names);
	free(e->values);
	memset(e, 0, sizeof(*e));
}

/* ---- compiling ---- */

static int example_value(cctx *cc, const ynode *k, const ynode *v, oomsift_value *out)
{
	const oomsift_rule_field *f;
	const char *near = NULL; /* fields_lookup() is not asked for a name too long */
	char what[96];
	yscalar s;

	f = k->len <= RULES_MAX_FIELD_NAME ? fields_lookup(cc->r->subject, k->text, &near) : NULL;
	if (!f && near)
		return rl_error(cc->ld, k->start, "unknown field '%s' (did you mean '%s'?)",
		                k->text, near);
	if (!f)
		return rl_error(cc->ld, k->start, "unknown field '%s'",
		                yshort(k, what, sizeof(what)));
	yscalar_resolve(v, &s);
	out->type = OOMSIFT_VALUE_NULL;
	if (v->type == YN_SCALAR && s.kind == YS_NULL)
		return 0;
	if (v->type == YN_SCALAR && f->type == OOMSIFT_VALUE_TEXT && s.kind == YS_TEXT) {
		out->type = OOMSIFT_VALUE_TEXT;
		out->len = v->len;
		out->s = malloc(v->len + 1);
		if (!out->s)
			return nomem();
		memcpy((char *)out->s, v->text, v->len + 1);
		return 0;
	}
	if (v->type == YN_SCALAR &&
	    ((f->type == OOMSIFT_VALUE_INT && s.kind == YS_INT) ||
	     (f->type == OOMSIFT_VALUE_REAL && (s.kind == YS_INT || s.kind == YS_REAL)))) {
		out->type = f->type;
		out->i = s.i;
		out->d = s.d;
		return 0;
	}
	ynode_describe(v, what, sizeof(what));
	return rl_error(cc->ld, v->start, "field '%s' is %s, not %s", k->text,
	                f->type == OOMSIFT_VALUE_INT    ? "an integer"
	                : f->type == OOMSIFT_VALUE_REAL ? "a number"
	                                                : "text",
	                what);
}

static int example_fields(cctx *cc, const ynode *n, const char *key, example *e)
{
	char what[96];
	int rc;

	if (n->type != YN_MAP) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start,
		                "'%s' needs a mapping of fields to values, not %s", key, what);
	}
	e->names = calloc(n->n / 2 + 1, sizeof(*e->names));
	e->values = calloc(n->n / 2 + 1, sizeof(*e->values));
	if (!e->names || !e->values)
		return nomem();
	for (size_t i = 0; i < n->n; i += 2) {
		if (!(e->names[e->nfields] = strdup(n->kids[i]->text)))
			return nomem();
		e->nfields++;
		rc = example_value(cc, n->kids[i], n->kids[i + 1], &e->values[e->nfields - 1]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int number(cctx *cc, const ynode *n, const char *key, bool integer, double min, yscalar *out)
{
	char what[96];

	yscalar_resolve(n, out);
	if (n->type == YN_SCALAR && (out->kind == YS_INT || (!integer && out->kind == YS_REAL)) &&
	    out->d >= min)
		return 0;
	ynode_describe(n, what, sizeof(what));
	return rl_error(cc->ld, n->start, "'%s' needs %s, not %s", key,
	                integer ? "an integer from 0" : "a number", what);
}

static int example_history(cctx *cc, const ynode *key, const ynode *n, example *e)
{
	yscalar v;
	int rc;

	if (!cc->r->history)
		return rl_error(
		    cc->ld, key->start,
		    "the example gives 'history', but the rule has no history condition");
	if ((rc = number(cc, n, "history", true, 0, &v)) < 0)
		return rc;
	e->has_history = true;
	e->history = v.i;
	return 0;
}

static int example_trend(cctx *cc, const ynode *key, const ynode *n, example *e)
{
	static const char *const keys[] = {"slope_per_day", "points", "first", "last"};
	const ynode *k;
	char what[96];
	yscalar v;
	int rc;

	if (!cc->r->trend)
		return rl_error(cc->ld, key->start,
		                "the example gives 'trend', but the rule has no trend condition");
	if (n->type != YN_MAP) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start, "'trend' needs a mapping, not %s", what);
	}
	if ((rc = ymap_check_keys(cc->ld, n, keys, COUNT(keys))) < 0)
		return rc;
	for (size_t i = 0; i < 2; i++)
		if (!ymap_get(n, keys[i]))
			return rl_error(cc->ld, n->start, "missing key '%s' in trend", keys[i]);
	if ((rc = number(cc, ymap_get(n, "points"), "points", true, 0, &v)) < 0)
		return rc;
	e->trend.points = v.i;
	if ((rc = number(cc, ymap_get(n, "slope_per_day"), "slope_per_day", false, -1e300, &v)) < 0)
		return rc;
	e->trend.slope_per_day = v.d;
	if ((k = ymap_get(n, "first")) && (rc = number(cc, k, "first", false, -1e300, &v)) < 0)
		return rc;
	e->trend.first = k ? v.d : 0;
	if ((k = ymap_get(n, "last")) && (rc = number(cc, k, "last", false, -1e300, &v)) < 0)
		return rc;
	e->trend.last = k ? v.d : 0;
	e->has_trend = true;
	return 0;
}

static int example_log(cctx *cc, const ynode *map, const ynode *n, example *e)
{
	for (size_t i = 0; i < map->n; i += 2)
		if (map->kids[i + 1] != n)
			return rl_error(cc->ld, map->kids[i]->start,
			                "'log' is an example on its own: it takes no '%s'",
			                map->kids[i]->text);
	if (n->type != YN_SCALAR || n->len == 0)
		return rl_error(cc->ld, n->start, "'log' needs the text of a log");
	if (!(e->log = malloc(n->len + 1)))
		return nomem();
	memcpy(e->log, n->text, n->len + 1);
	e->loglen = n->len;
	return 0;
}

static int example_compile(cctx *cc, const ynode *n, example *e)
{
	const char *subject = subject_name(cc->r->subject);
	const char *keys[] = {subject, "history", "trend", "log"};
	const ynode *v;
	char what[96];
	int rc;

	e->mark = n->start;
	if (n->type != YN_MAP) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start, "an example is a mapping, not %s", what);
	}
	if ((rc = ymap_check_keys(cc->ld, n, keys, COUNT(keys))) < 0)
		return rc;
	for (size_t i = 0; i < n->n; i += 2)
		if (strcmp(n->kids[i]->text, "log") == 0)
			return example_log(cc, n, n->kids[i + 1], e);
	if (!(v = ymap_get(n, subject)))
		return rl_error(cc->ld, n->start, "an example needs '%s' (its fields) or 'log'",
		                subject);
	if ((rc = example_fields(cc, v, subject, e)) < 0)
		return rc;
	for (size_t i = 0; i < n->n; i += 2) {
		const ynode *k = n->kids[i];
		if (strcmp(k->text, "history") == 0)
			rc = example_history(cc, k, n->kids[i + 1], e);
		else if (strcmp(k->text, "trend") == 0)
			rc = example_trend(cc, k, n->kids[i + 1], e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int example_list(cctx *cc, const ynode *map, const char *key, size_t *need)
{
	const ynode *n = ymap_get(map, key);
	char what[96];

	if (!n)
		return rl_error(
		    cc->ld, map->start,
		    "missing key '%s' in examples (a rule needs at least one example that "
		    "matches and one that does not)",
		    key);
	if (n->type != YN_SEQ) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start, "'%s' needs a sequence of examples, not %s", key,
		                what);
	}
	if (n->n == 0)
		return rl_error(cc->ld, n->start, "'%s' needs at least one example", key);
	*need += n->n;
	return 0;
}

int examples_compile(cctx *cc, const ynode *n)
{
	static const char *const keys[] = {"match", "no_match"};
	char what[96];
	size_t total = 0;
	int rc;

	if (n->type != YN_MAP) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start,
		                "'examples' needs a mapping (match, no_match), not %s", what);
	}
	if ((rc = ymap_check_keys(cc->ld, n, keys, COUNT(keys))) < 0 ||
	    (rc = example_list(cc, n, "match", &total)) < 0 ||
	    (rc = example_list(cc, n, "no_match", &total)) < 0)
		return rc;
	if (!(cc->r->ex = calloc(total, sizeof(*cc->r->ex))))
		return nomem();
	for (size_t k = 0; k < 2; k++) {
		const ynode *list = ymap_get(n, keys[k]);
		for (size_t i = 0; i < list->n; i++) {
			example *e = &cc->r->ex[cc->r->nex++];
			e->must_match = k == 0;
			e->index = (unsigned)i + 1;
			if ((rc = example_compile(cc, list->kids[i], e)) < 0)
				return rc;
		}
	}
	return 0;
}

/* ---- running ---- */

static int ex_field(void *data, const char *name, oomsift_value *out)
{
	const example *e = data;

	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->names[i], name) == 0) {
			*out = e->values[i];
			return 0;
		}
	out->type = OOMSIFT_VALUE_NULL;
	return 0;
}

/* Without `history:`, the subject is the only one of its kind: a count of 1. */
static int ex_history(void *data, const oomsift_history_spec *h, int64_t *count)
{
	const example *e = data;

	*count = e->has_history ? e->history : 1;
	return 0;
}

/* Without `trend:`, there is no trend: no points. */
static int ex_trend(void *data, const oomsift_trend_spec *t, oomsift_trend *out)
{
	const example *e = data;

	*out = e->has_trend ? e->trend : (oomsift_trend){0};
	return 0;
}

/* Evaluates an event example; *ok when the rule behaves as the example says. */
static int example_run(const rule *r, const example *e, oomsift_buf *why, bool *ok)
{
	oomsift_rule_ctx ctx = {ex_field, ex_history, ex_trend, (void *)e};
	eval ev = {.ctx = &ctx, .rule = r, .why = why};
	bool matched;
	int rc = cond_eval(&r->when, &ev, &matched);

	*ok = rc == 0 && matched == e->must_match;
	return rc;
}

int examples_check(const rload *ld, const rule *r)
{
	oomsift_buf why;
	bool ok = true;
	int rc = 0;

	oomsift_buf_init(&why, RULES_MAX_WHY);
	for (size_t i = 0; i < r->nex && ok && rc == 0; i++) {
		const example *e = &r->ex[i];
		if (e->log || (rc = example_run(r, e, &why, &ok)) < 0 || ok)
			continue;
		if (e->must_match)
			rc = rl_error(ld, e->mark, "example %u must match, but %s", e->index,
			              why.data ? why.data : "it does not");
		else
			rc = rl_error(ld, e->mark, "example %u must not match, but it does: %s",
			              e->index, why.data ? why.data : "");
	}
	oomsift_buf_free(&why);
	return rc;
}

typedef struct test_run {
	const oomsift_rules *rs;
	oomsift_rules_log_runner runner;
	void (*report)(void *data, const char *message);
	void *data;
	oomsift_rules_test_stats *st;
	oomsift_buf why;
} test_run;

static int test_example(test_run *t, const rule *r, const example *e)
{
	bool ok, matched = false;
	int rc;

	if (e->log && !t->runner) {
		t->st->skipped++;
		return 0;
	}
	t->why.len = 0;
	if (e->log) {
		rc = t->runner(t->data, t->rs, r->id, r->subject, e->log, e->loglen, &matched);
		ok = matched == e->must_match;
		oomsift_buf_printf(&t->why, "the rule %s the %s of the log",
		                   matched ? "matched" : "did not match", subject_name(r->subject));
	} else {
		rc = example_run(r, e, &t->why, &ok);
	}
	if (rc < 0)
		return rc;
	t->st->examples++;
	if (ok)
		return 0;
	t->st->failed++;
	if (t->report) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s:%zu: rule %s: example %u must %smatch: %s",
		         r->origin, e->mark.line + 1, r->id, e->index, e->must_match ? "" : "not ",
		         t->why.data ? t->why.data : "");
		t->report(t->data, msg);
	}
	return 0;
}

int oomsift_rules_test(const oomsift_rules *rs, oomsift_rules_log_runner runner,
                       void (*report)(void *data, const char *message), void *data,
                       oomsift_rules_test_stats *st)
{
	oomsift_rules_test_stats local;
	test_run t = {
	    .rs = rs, .runner = runner, .report = report, .data = data, .st = st ? st : &local};
	int rc = 0;

	memset(t.st, 0, sizeof(*t.st));
	oomsift_buf_init(&t.why, RULES_MAX_WHY);
	for (size_t i = 0; i < rs->n && rc == 0; i++) {
		const rule *r = rs->rules[i];
		if (r->disabled)
			continue;
		t.st->rules++;
		for (size_t j = 0; j < r->nex && rc == 0; j++)
			rc = test_example(&t, r, &r->ex[j]);
	}
	oomsift_buf_free(&t.why);
	return rc;
}
