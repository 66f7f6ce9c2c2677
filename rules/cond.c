/*
 * Conditions: compiled once from their YAML mapping, with every field, type,
 * value, threshold and pattern checked; evaluated over a context. A NULL
 * field makes every comparison false except `exists: false`; `not` is a
 * plain boolean not.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "rules/internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *const cond_op_names[OP_COUNT] = {
    "equals", "in", "gt", "ge", "lt", "le", "contains", "startswith", "regex", "exists",
};

static const char *const heads[] = {"all", "any", "not", "field", "history", "trend"};
static const char *const cond_keys[] = {
    "all", "any", "not", "field", "history",  "trend",      "equals", "in",
    "gt",  "ge",  "lt",  "le",    "contains", "startswith", "regex",  "exists",
};
static const char *const figures[] = {"task_rss_kb", "victim_rss_kb", "memcg_usage_kb"};

enum { CMP_UNORDERED = 2 };

static int nomem(void)
{
	return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

static bool is_numeric_op(cond_op op)
{
	return op == OP_GT || op == OP_GE || op == OP_LT || op == OP_LE;
}

static bool is_text_op(cond_op op)
{
	return op == OP_CONTAINS || op == OP_STARTSWITH || op == OP_REGEX;
}

static const char *type_noun(oomsift_value_type t)
{
	return t == OOMSIFT_VALUE_INT    ? "an integer"
	       : t == OOMSIFT_VALUE_REAL ? "a number"
	                                 : "text";
}

void cond_free(cond *c)
{
	for (size_t i = 0; i < c->nkids; i++)
		cond_free(&c->kids[i]);
	free(c->kids);
	free(c->field);
	for (size_t i = 0; i < c->nvals; i++)
		free(c->vals[i].s);
	free(c->vals);
	if (c->re.code)
		oomsift_re_free(&c->re);
	free(c->pattern);
	for (size_t i = 0; i < c->nsame; i++)
		free(c->same[i]);
	free(c->same);
	template_free(&c->name);
	memset(c, 0, sizeof(*c));
}

/* ---- operands ---- */

/* 1 when v is a plain "$NAME" (a threshold of the rule, now in o), 0 when not. */
static int operand_threshold(cctx *cc, const ynode *v, operand *o)
{
	int idx;

	if (v->type != YN_SCALAR || v->style != YAML_PLAIN_SCALAR_STYLE || v->text[0] != '$')
		return 0;
	idx = threshold_find(cc->r, v->text + 1, v->len - 1);
	if (idx < 0) {
		char s[80];
		return rl_error(cc->ld, v->start, "unknown threshold '%s'",
		                yshort(v, s, sizeof(s)));
	}
	cc->r->th[idx].used = true;
	o->type = OOMSIFT_VALUE_REAL;
	o->threshold = idx;
	return 1;
}

static int operand_number(cctx *cc, const char *op, const ynode *v, operand *o)
{
	char what[96];
	yscalar s;
	int rc = operand_threshold(cc, v, o);

	if (rc != 0)
		return rc < 0 ? rc : 0;
	yscalar_resolve(v, &s);
	if (v->type == YN_SCALAR && (s.kind == YS_INT || s.kind == YS_REAL)) {
		o->type = s.kind == YS_INT ? OOMSIFT_VALUE_INT : OOMSIFT_VALUE_REAL;
		o->i = s.i;
		o->d = s.d;
		return 0;
	}
	ynode_describe(v, what, sizeof(what));
	return rl_error(cc->ld, v->start, "'%s' needs a number, not %s", op, what);
}

static int operand_text(cctx *cc, const char *op, const ynode *v, operand *o)
{
	char what[96];
	yscalar s;

	yscalar_resolve(v, &s);
	if (v->type == YN_SCALAR && v->style == YAML_PLAIN_SCALAR_STYLE && v->text[0] == '$')
		return rl_error(cc->ld, v->start,
		                "'%s' needs text, not threshold '%s' (quote it for the text)", op,
		                v->text);
	if (v->type != YN_SCALAR || s.kind != YS_TEXT) {
		ynode_describe(v, what, sizeof(what));
		if (v->type == YN_SCALAR && s.kind != YS_NULL)
			return rl_error(cc->ld, v->start,
			                "'%s' needs text, not %s (write \"%s\" for the text)", op,
			                what, v->text);
		return rl_error(cc->ld, v->start, "'%s' needs text, not %s", op, what);
	}
	o->type = OOMSIFT_VALUE_TEXT;
	o->len = v->len;
	o->s = malloc(v->len + 1);
	if (!o->s)
		return nomem();
	memcpy(o->s, v->text, v->len + 1);
	return 0;
}

/* A value of `equals` or `in`: of the field's type. */
static int operand_typed(cctx *cc, const char *op, const cond *c, const ynode *v, operand *o)
{
	char what[96];
	yscalar s;
	int rc = operand_threshold(cc, v, o);

	if (rc < 0)
		return rc;
	if (rc > 0 && c->ftype == OOMSIFT_VALUE_TEXT)
		return rl_error(cc->ld, v->start, "field '%s' is text: threshold '%s' is a number",
		                c->field, v->text);
	if (rc > 0)
		return 0;
	if (c->ftype == OOMSIFT_VALUE_TEXT)
		return operand_text(cc, op, v, o);
	yscalar_resolve(v, &s);
	if (v->type == YN_SCALAR &&
	    (s.kind == YS_INT || (s.kind == YS_REAL && c->ftype == OOMSIFT_VALUE_REAL))) {
		o->type = c->ftype;
		o->i = s.i;
		o->d = s.d;
		return 0;
	}
	ynode_describe(v, what, sizeof(what));
	return rl_error(cc->ld, v->start, "field '%s' is %s: '%s' needs %s, not %s", c->field,
	                type_noun(c->ftype), op, type_noun(c->ftype), what);
}

static int alloc_vals(cond *c, size_t n)
{
	c->vals = calloc(n, sizeof(*c->vals));
	if (!c->vals)
		return nomem();
	c->nvals = n;
	for (size_t i = 0; i < n; i++)
		c->vals[i].threshold = -1;
	return 0;
}

/* ---- field conditions ---- */

static int compile_regex(cctx *cc, cond *c, const ynode *v)
{
	PCRE2_SIZE off;
	int err;

	c->re.code = pcre2_compile((PCRE2_SPTR)v->text, v->len, 0, &err, &off, NULL);
	if (!c->re.code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		return rl_error(cc->ld, ynode_mark_at(cc->ld, v, off),
		                "bad regex: %s at offset %zu", (const char *)msg, (size_t)off);
	}
	/* JIT is an optimisation: a platform without it still matches. */
	(void)pcre2_jit_compile(c->re.code, PCRE2_JIT_COMPLETE);
	c->re.md = pcre2_match_data_create_from_pattern(c->re.code, NULL);
	c->pattern = strdup(v->text);
	return c->re.md && c->pattern ? 0 : nomem();
}

static int compile_in(cctx *cc, cond *c, const ynode *v,
                      int (*one)(cctx *, const char *, const cond *, const ynode *, operand *))
{
	char what[96];
	int rc;

	if (v->type != YN_SEQ) {
		ynode_describe(v, what, sizeof(what));
		return rl_error(cc->ld, v->start, "'in' needs a sequence of values, not %s", what);
	}
	if (v->n == 0)
		return rl_error(cc->ld, v->start, "'in' needs at least one value");
	if ((rc = alloc_vals(c, v->n)) < 0)
		return rc;
	for (size_t i = 0; i < v->n; i++)
		if ((rc = one(cc, "in", c, v->kids[i], &c->vals[i])) < 0)
			return rc;
	return 0;
}

static int compile_exists(cctx *cc, cond *c, const ynode *v)
{
	char what[96];
	yscalar s;

	yscalar_resolve(v, &s);
	if (v->type == YN_SCALAR && s.kind == YS_BOOL) {
		c->exists = s.b;
		return 0;
	}
	ynode_describe(v, what, sizeof(what));
	return rl_error(cc->ld, v->start, "'exists' needs true or false, not %s", what);
}

static int compile_field_op(cctx *cc, cond *c, const ynode *opkey, const ynode *v)
{
	const char *op = cond_op_names[c->op];
	int rc;

	if (is_numeric_op(c->op) && c->ftype == OOMSIFT_VALUE_TEXT)
		return rl_error(cc->ld, opkey->start, "field '%s' is text: '%s' compares numbers",
		                c->field, op);
	if (is_text_op(c->op) && c->ftype != OOMSIFT_VALUE_TEXT)
		return rl_error(cc->ld, opkey->start, "field '%s' is a number: '%s' compares text",
		                c->field, op);
	switch (c->op) {
	case OP_IN:
		return compile_in(cc, c, v, operand_typed);
	case OP_EXISTS:
		return compile_exists(cc, c, v);
	case OP_EQUALS:
		return (rc = alloc_vals(c, 1)) < 0 ? rc : operand_typed(cc, op, c, v, &c->vals[0]);
	default:
		break;
	}
	if ((rc = alloc_vals(c, 1)) < 0)
		return rc;
	if (is_numeric_op(c->op))
		return operand_number(cc, op, v, &c->vals[0]);
	if ((rc = operand_text(cc, op, v, &c->vals[0])) < 0)
		return rc;
	return c->op == OP_REGEX ? compile_regex(cc, c, v) : 0;
}

/* A field name of the rule's subject (and of `also`, when not the same). */
static int field_name(cctx *cc, const ynode *n, const char *key, oomsift_rule_subject also,
                      oomsift_value_type *type)
{
	const oomsift_rule_field *f = NULL;
	const char *near = NULL;
	char what[96];

	if (n->type != YN_SCALAR) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start, "'%s' needs a field name, not %s", key, what);
	}
	if (n->len <= RULES_MAX_FIELD_NAME && strlen(n->text) == n->len)
		f = fields_lookup(cc->r->subject, n->text, &near);
	if (!f && near)
		return rl_error(cc->ld, n->start, "unknown field '%s' (did you mean '%s'?)",
		                n->text, near);
	if (!f)
		return rl_error(cc->ld, n->start, "unknown field '%s'",
		                yshort(n, what, sizeof(what)));
	if (also != cc->r->subject && !oomsift_rules_field(also, n->text))
		return rl_error(cc->ld, n->start, "field '%s' is not a field of %s", n->text,
		                subject_name(also));
	*type = f->type;
	return 0;
}

/* ---- history and trend ---- */

static int compile_same(cctx *cc, cond *c, const ynode *map)
{
	const ynode *n = ymap_get(map, "same");
	oomsift_value_type type;
	char what[96];
	int rc;

	if (!n)
		return 0;
	if (n->type != YN_SEQ) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(cc->ld, n->start, "'same' needs a sequence of field names, not %s",
		                what);
	}
	if (!(c->same = calloc(n->n + 1, sizeof(*c->same))))
		return nomem();
	for (size_t i = 0; i < n->n; i++) {
		if ((rc = field_name(cc, n->kids[i], "same", c->of, &type)) < 0)
			return rc;
		if (!(c->same[c->nsame] = strdup(n->kids[i]->text)))
			return nomem();
		c->nsame++;
	}
	return 0;
}

static int compile_window(cctx *cc, cond *c, const ynode *map, const char *what)
{
	const ynode *n = ymap_get(map, "window");

	if (!n)
		return rl_error(cc->ld, map->start, "missing key 'window' in %s", what);
	return duration_parse(cc->ld, n, &c->window_s);
}

static int spec_map(cctx *cc, const ynode *n, const char *what, const char *const *keys,
                    size_t nkeys)
{
	char desc[96];

	if (n->type != YN_MAP) {
		ynode_describe(n, desc, sizeof(desc));
		return rl_error(cc->ld, n->start, "'%s' needs a mapping, not %s", what, desc);
	}
	return ymap_check_keys(cc->ld, n, keys, nkeys);
}

static int compile_history(cctx *cc, cond *c, const ynode *spec)
{
	static const char *const keys[] = {"of", "same", "window"};
	const ynode *of;
	char s[80];
	int rc;

	if ((rc = spec_map(cc, spec, "history", keys, COUNT(keys))) < 0)
		return rc;
	c->of = cc->r->subject;
	if ((of = ymap_get(spec, "of"))) {
		if (of->type == YN_SCALAR && strcmp(of->text, "event") == 0)
			c->of = OOMSIFT_SUBJECT_EVENT;
		else if (of->type == YN_SCALAR && strcmp(of->text, "memory_event") == 0)
			c->of = OOMSIFT_SUBJECT_MEMORY_EVENT;
		else
			return rl_error(cc->ld, of->start,
			                "unknown subject '%s' (expected event or memory_event)",
			                yshort(of, s, sizeof(s)));
	}
	if ((rc = compile_same(cc, c, spec)) < 0)
		return rc;
	return compile_window(cc, c, spec, "history");
}

static int compile_min_points(cctx *cc, cond *c, const ynode *spec)
{
	const ynode *n = ymap_get(spec, "min_points");
	char what[96];
	yscalar v;

	c->min_points = 3;
	if (!n)
		return 0;
	yscalar_resolve(n, &v);
	if (n->type == YN_SCALAR && v.kind == YS_INT && v.i >= 2 && v.i <= RULES_MAX_MIN_POINTS) {
		c->min_points = v.i;
		return 0;
	}
	ynode_describe(n, what, sizeof(what));
	return rl_error(cc->ld, n->start, "'min_points' needs an integer from 2 to %d, not %s",
	                RULES_MAX_MIN_POINTS, what);
}

static int compile_figure(cctx *cc, cond *c, const ynode *spec)
{
	const ynode *n = ymap_get(spec, "figure"), *name = ymap_get(spec, "name");
	char s[80];

	if (!n)
		return rl_error(cc->ld, spec->start, "missing key 'figure' in trend");
	for (size_t i = 0; n->type == YN_SCALAR && i < COUNT(figures); i++)
		if (strcmp(n->text, figures[i]) == 0)
			c->figure = figures[i];
	if (!c->figure)
		return rl_error(cc->ld, n->start,
		                "unknown figure '%s' (expected one of: task_rss_kb, victim_rss_kb, "
		                "memcg_usage_kb)",
		                yshort(n, s, sizeof(s)));
	if (c->figure == figures[0] && !name)
		return rl_error(
		    cc->ld, spec->start,
		    "figure task_rss_kb needs 'name' (the task name, e.g. {largest.name})");
	if (c->figure != figures[0] && name)
		return rl_error(cc->ld, name->start, "'name' only applies to figure task_rss_kb");
	if (!name)
		return 0;
	if (name->type != YN_SCALAR || name->len == 0)
		return rl_error(cc->ld, name->start, "'name' needs text");
	return template_compile(cc, name, TPL_NO_EVAL_VALUES, &c->name);
}

static int compile_trend(cctx *cc, cond *c, const ynode *spec)
{
	static const char *const keys[] = {"figure", "name", "same", "window", "min_points"};
	int rc;

	if ((rc = spec_map(cc, spec, "trend", keys, COUNT(keys))) < 0)
		return rc;
	c->of = OOMSIFT_SUBJECT_EVENT;
	if ((rc = compile_figure(cc, c, spec)) < 0 || (rc = compile_same(cc, c, spec)) < 0 ||
	    (rc = compile_window(cc, c, spec, "trend")) < 0)
		return rc;
	return compile_min_points(cc, c, spec);
}

static int number_in(cctx *cc, const char *op, const cond *c, const ynode *v, operand *o)
{
	return operand_number(cc, op, v, o);
}

static int compile_count_op(cctx *cc, cond *c, const ynode *opkey, const ynode *v)
{
	const char *op = cond_op_names[c->op];
	int rc;

	if (c->kind == CK_HISTORY && !is_numeric_op(c->op) && c->op != OP_EQUALS && c->op != OP_IN)
		return rl_error(cc->ld, opkey->start,
		                "'%s' does not apply to history (use equals, in, gt, ge, lt or le)",
		                op);
	if (c->kind == CK_TREND && !is_numeric_op(c->op))
		return rl_error(cc->ld, opkey->start,
		                "'%s' does not apply to trend (use gt, ge, lt or le)", op);
	if (c->op == OP_IN)
		return compile_in(cc, c, v, number_in);
	if ((rc = alloc_vals(c, 1)) < 0)
		return rc;
	return operand_number(cc, op, v, &c->vals[0]);
}

/* A rule has at most one history and one trend condition: templates name their values. */
static int claim_own(cctx *cc, cond *c, const ynode *key)
{
	const cond **own = c->kind == CK_HISTORY ? &cc->r->history : &cc->r->trend;

	if (*own)
		return rl_error(cc->ld, key->start,
		                "a rule has one %s condition at most (the first is at line %zu)",
		                key->text, (*own)->mark.line + 1);
	*own = c;
	return 0;
}

/* ---- the condition mapping ---- */

typedef struct parts {
	const ynode *head, *headval, *op, *opval;
} parts;

static int find_op(const char *key, cond_op *op)
{
	for (int i = 0; i < OP_COUNT; i++)
		if (strcmp(key, cond_op_names[i]) == 0) {
			*op = (cond_op)i;
			return 1;
		}
	return 0;
}

static int split_parts(cctx *cc, const ynode *n, cond *c, parts *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < n->n; i += 2) {
		const ynode *k = n->kids[i];
		cond_op op;
		if (find_op(k->text, &op)) {
			if (p->op)
				return rl_error(
				    cc->ld, k->start,
				    "a condition takes one operator: '%s' and '%s' here "
				    "(put them under all:)",
				    p->op->text, k->text);
			p->op = k;
			p->opval = n->kids[i + 1];
			c->op = op;
			continue;
		}
		if (p->head)
			return rl_error(
			    cc->ld, k->start,
			    "'%s' and '%s' cannot be combined in one condition (put them "
			    "under all: or any:)",
			    p->head->text, k->text);
		p->head = k;
		p->headval = n->kids[i + 1];
		for (size_t h = 0; h < COUNT(heads); h++)
			if (strcmp(k->text, heads[h]) == 0)
				c->kind = (cond_kind)h;
	}
	return 0;
}

static int compile_list(cctx *cc, cond *c, const parts *p)
{
	const ynode *v = p->headval;
	char what[96];
	int rc;

	if (c->kind == CK_NOT) {
		if (!(c->kids = calloc(1, sizeof(*c->kids))))
			return nomem();
		c->nkids = 1;
		return cond_compile(cc, v, &c->kids[0]);
	}
	if (v->type != YN_SEQ) {
		ynode_describe(v, what, sizeof(what));
		return rl_error(cc->ld, v->start, "'%s' needs a sequence of conditions, not %s",
		                p->head->text, what);
	}
	if (v->n == 0)
		return rl_error(cc->ld, v->start, "'%s' needs at least one condition",
		                p->head->text);
	if (!(c->kids = calloc(v->n, sizeof(*c->kids))))
		return nomem();
	c->nkids = v->n;
	for (size_t i = 0; i < v->n; i++)
		if ((rc = cond_compile(cc, v->kids[i], &c->kids[i])) < 0)
			return rc;
	return 0;
}

static int compile_leaf(cctx *cc, cond *c, const parts *p)
{
	int rc;

	if (!p->op) {
		const char *what = c->kind == CK_FIELD ? "field" : p->head->text;
		return rl_error(
		    cc->ld, p->head->start,
		    "%s condition needs an operator (one of: equals, in, gt, ge, lt, le, "
		    "contains, startswith, regex, exists)",
		    what);
	}
	if (c->kind == CK_FIELD) {
		if ((rc = field_name(cc, p->headval, "field", cc->r->subject, &c->ftype)) < 0)
			return rc;
		if (!(c->field = strdup(p->headval->text)))
			return nomem();
		return compile_field_op(cc, c, p->op, p->opval);
	}
	if ((rc = claim_own(cc, c, p->head)) < 0)
		return rc;
	rc = c->kind == CK_HISTORY ? compile_history(cc, c, p->headval)
	                           : compile_trend(cc, c, p->headval);
	return rc < 0 ? rc : compile_count_op(cc, c, p->op, p->opval);
}

int cond_compile(cctx *cc, const ynode *n, cond *c)
{
	char what[96];
	parts p;
	int rc;

	memset(c, 0, sizeof(*c));
	c->mark = n->start;
	if (n->type != YN_MAP) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(
		    cc->ld, n->start,
		    "a condition is a mapping with one of: all, any, not, field, history, "
		    "trend; not %s",
		    what);
	}
	if ((rc = ymap_check_keys(cc->ld, n, cond_keys, COUNT(cond_keys))) < 0 ||
	    (rc = split_parts(cc, n, c, &p)) < 0)
		return rc;
	if (!p.head && p.op)
		return rl_error(cc->ld, p.op->start,
		                "'%s' needs a field, history or trend to compare (add field: NAME)",
		                p.op->text);
	if (!p.head)
		return rl_error(
		    cc->ld, n->start,
		    "empty condition (use one of: all, any, not, field, history, trend)");
	if (c->kind <= CK_NOT && p.op)
		return rl_error(cc->ld, p.op->start, "'%s' does not go with '%s'", p.op->text,
		                p.head->text);
	return c->kind <= CK_NOT ? compile_list(cc, c, &p) : compile_leaf(cc, c, &p);
}

/* ---- evaluation ---- */

int value_check(const char *field, oomsift_value_type want, const oomsift_value *v)
{
	bool num = v->type == OOMSIFT_VALUE_INT || v->type == OOMSIFT_VALUE_REAL;
	bool text = v->type == OOMSIFT_VALUE_TEXT || v->type == OOMSIFT_VALUE_BLOB;

	if (v->type == OOMSIFT_VALUE_NULL || (want == OOMSIFT_VALUE_TEXT ? text : num))
		return 0;
	return oomsift_error_set(OOMSIFT_EINVAL, "rule context: field '%s' gave %s, but it is %s",
	                         field, num ? "a number" : "text", type_noun(want));
}

static double operand_value(const operand *o, const rule *r)
{
	return o->threshold >= 0 ? r->th[o->threshold].value : o->d;
}

static int num_cmp(const oomsift_value *v, const operand *o, const rule *r)
{
	double vd, od = operand_value(o, r);

	if (v->type == OOMSIFT_VALUE_INT && o->type == OOMSIFT_VALUE_INT && o->threshold < 0)
		return (v->i > o->i) - (v->i < o->i);
	vd = v->type == OOMSIFT_VALUE_INT ? (double)v->i : v->d;
	if (isnan(vd) || isnan(od))
		return CMP_UNORDERED;
	return (vd > od) - (vd < od);
}

static bool text_equal(const oomsift_value *v, const operand *o)
{
	return v->len == o->len && (o->len == 0 || memcmp(v->s, o->s, o->len) == 0);
}

static bool op_holds(cond_op op, const oomsift_value *v, const operand *o, const rule *r)
{
	int cmp;

	if (o->type == OOMSIFT_VALUE_TEXT)
		return text_equal(v, o);
	if (v->type == OOMSIFT_VALUE_TEXT || v->type == OOMSIFT_VALUE_BLOB)
		return false;
	cmp = num_cmp(v, o, r);
	if (cmp == CMP_UNORDERED)
		return false;
	switch (op) {
	case OP_GT:
		return cmp > 0;
	case OP_GE:
		return cmp >= 0;
	case OP_LT:
		return cmp < 0;
	case OP_LE:
		return cmp <= 0;
	default:
		return cmp == 0;
	}
}

static bool leaf_holds(const cond *c, const oomsift_value *v, const rule *r)
{
	const char *s = v->s ? v->s : "";
	const operand *o = c->vals;

	if (v->type == OOMSIFT_VALUE_NULL)
		return c->op == OP_EXISTS && !c->exists;
	switch (c->op) {
	case OP_EXISTS:
		return c->exists;
	case OP_IN:
		for (size_t i = 0; i < c->nvals; i++)
			if (op_holds(OP_EQUALS, v, &c->vals[i], r))
				return true;
		return false;
	case OP_CONTAINS:
		return o->len == 0 || (v->len >= o->len && memmem(s, v->len, o->s, o->len));
	case OP_STARTSWITH:
		return v->len >= o->len && memcmp(s, o->s, o->len) == 0;
	case OP_REGEX:
		return oomsift_re_match((oomsift_re *)&c->re, s, v->len, NULL, 0);
	default:
		return op_holds(c->op, v, o, r);
	}
}

/* ---- why an example failed: the deciding leaf ---- */

static void why_value(oomsift_buf *b, const oomsift_value *v)
{
	switch (v->type) {
	case OOMSIFT_VALUE_NULL:
		oomsift_buf_printf(b, "unknown");
		break;
	case OOMSIFT_VALUE_INT:
		oomsift_buf_printf(b, "%lld", (long long)v->i);
		break;
	case OOMSIFT_VALUE_REAL:
		oomsift_buf_printf(b, "%g", v->d);
		break;
	default:
		oomsift_buf_printf(b, "'%.*s%s'", (int)(v->len > 64 ? 64 : v->len),
		                   v->s ? v->s : "", v->len > 64 ? "..." : "");
	}
}

static void why_operand(oomsift_buf *b, const operand *o, const rule *r)
{
	oomsift_value v = {
	    .type = o->type, .i = o->i, .d = operand_value(o, r), .s = o->s, .len = o->len};

	if (o->threshold >= 0)
		v.type = OOMSIFT_VALUE_REAL;
	why_value(b, &v);
}

static void why_op(oomsift_buf *b, const cond *c, const rule *r)
{
	oomsift_buf_printf(b, "%s ", cond_op_names[c->op]);
	if (c->op == OP_EXISTS) {
		oomsift_buf_printf(b, "%s", c->exists ? "true" : "false");
		return;
	}
	if (c->op != OP_IN) {
		why_operand(b, &c->vals[0], r);
		return;
	}
	oomsift_buf_putc(b, '[');
	for (size_t i = 0; i < c->nvals && i < 8; i++) {
		oomsift_buf_printf(b, "%s", i ? ", " : "");
		why_operand(b, &c->vals[i], r);
	}
	oomsift_buf_printf(b, "%s]", c->nvals > 8 ? ", ..." : "");
}

/* "'F' is V (needs OP X)" when the leaf fails, "'F' is V (OP X)" when it holds. */
static void why_leaf(eval *ev, const cond *c, const char *subject, const oomsift_value *v,
                     bool holds)
{
	oomsift_buf *b = ev->why;

	if (!b)
		return;
	b->len = 0;
	oomsift_buf_printf(b, "%s is ", subject);
	why_value(b, v);
	oomsift_buf_printf(b, " (%s", holds ? "" : "needs ");
	why_op(b, c, ev->rule);
	oomsift_buf_printf(b, "%s)", ev->negated % 2 ? ", under 'not'" : "");
}

static void why_text(eval *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_text(eval *ev, const char *fmt, ...)
{
	char s[256];
	va_list ap;

	if (!ev->why)
		return;
	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	ev->why->len = 0;
	oomsift_buf_printf(ev->why, "%s%s", s, ev->negated % 2 ? ", under 'not'" : "");
}

/* ---- leaves ---- */

static int eval_field(const cond *c, eval *ev, bool *out)
{
	oomsift_value v = {.type = OOMSIFT_VALUE_NULL};
	int rc = ev->ctx->field(ev->ctx->data, c->field, &v);

	if (rc < 0 || (rc = value_check(c->field, c->ftype, &v)) < 0)
		return rc;
	*out = leaf_holds(c, &v, ev->rule);
	if (ev->why) {
		char subject[RULES_MAX_FIELD_NAME + 3];
		snprintf(subject, sizeof(subject), "'%s'", c->field);
		why_leaf(ev, c, subject, &v, *out);
	}
	return 0;
}

static int eval_history(const cond *c, eval *ev, bool *out)
{
	oomsift_history_spec h = {c->of, (const char *const *)c->same, c->nsame, c->window_s};
	oomsift_value v = {.type = OOMSIFT_VALUE_INT};
	int rc;

	if (!ev->ctx->history)
		return oomsift_error_set(OOMSIFT_EINVAL, "rule %s: the context counts no history",
		                         ev->rule->id);
	if ((rc = ev->ctx->history(ev->ctx->data, &h, &v.i)) < 0)
		return rc;
	ev->have_history = true;
	ev->history_count = v.i;
	*out = leaf_holds(c, &v, ev->rule);
	why_leaf(ev, c, "history count", &v, *out);
	return 0;
}

static int eval_trend(const cond *c, eval *ev, bool *out)
{
	oomsift_trend_spec t = {c->figure, NULL, (const char *const *)c->same, c->nsame,
	                        c->window_s};
	oomsift_value v = {.type = OOMSIFT_VALUE_REAL};
	oomsift_buf name;
	bool saw_null = false;
	int rc;

	*out = false;
	if (!ev->ctx->trend)
		return oomsift_error_set(OOMSIFT_EINVAL, "rule %s: the context has no trends",
		                         ev->rule->id);
	oomsift_buf_init(&name, RULES_MAX_RENDER + 8);
	if (c->name.n && (rc = template_render(&c->name, ev, &name, &saw_null)) < 0)
		goto out;
	rc = 0;
	if (saw_null) {
		why_text(ev, "the trend's name has an unknown field");
		goto out;
	}
	t.name = c->name.n ? name.data : NULL;
	ev->trend = (oomsift_trend){0};
	if ((rc = ev->ctx->trend(ev->ctx->data, &t, &ev->trend)) < 0)
		goto out;
	ev->have_trend = true;
	if (ev->trend.points < c->min_points) {
		why_text(ev, "the trend of %s has %lld points (needs at least %lld)", c->figure,
		         (long long)ev->trend.points, (long long)c->min_points);
		goto out;
	}
	v.d = ev->trend.slope_per_day;
	*out = leaf_holds(c, &v, ev->rule);
	why_leaf(ev, c, "the trend's slope per day", &v, *out);
out:
	oomsift_buf_free(&name);
	return rc;
}

int cond_eval(const cond *c, eval *ev, bool *out)
{
	int rc;

	switch (c->kind) {
	case CK_ALL:
	case CK_ANY:
		*out = c->kind == CK_ALL;
		for (size_t i = 0; i < c->nkids; i++) {
			bool r;
			if ((rc = cond_eval(&c->kids[i], ev, &r)) < 0)
				return rc;
			if (r != (c->kind == CK_ALL)) {
				*out = r;
				break;
			}
		}
		return 0;
	case CK_NOT:
		ev->negated++;
		rc = cond_eval(&c->kids[0], ev, out);
		ev->negated--;
		*out = !*out;
		return rc;
	case CK_FIELD:
		return eval_field(c, ev, out);
	case CK_HISTORY:
		return eval_history(c, ev, out);
	case CK_TREND:
		return eval_trend(c, ev, out);
	}
	return oomsift_error_set(OOMSIFT_EINVAL, "bad condition");
}
