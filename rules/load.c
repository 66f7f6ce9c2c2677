/*
 * One rule: its mapping read key by key, checked and compiled (conditions in
 * cond.c, templates in template.c, examples in example.c). The examples of a
 * rule are evaluated here, so a rule that contradicts its own examples never
 * loads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "oomsift/error.h"
#include "rules/internal.h"

#define PRIORITY_MAX 1000000

static const char *const rule_keys[] = {
    "id",          "title",      "cause", "severity", "priority", "on",
    "description", "thresholds", "when",  "evidence", "advice",   "examples",
};
static const char *const required_keys[] = {
    "id", "title", "cause", "severity", "when", "evidence", "advice", "examples",
};
static const char *const severities[] = {"info", "low", "medium", "high", "critical"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int nomem(void)
{
	return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

bool valid_name(const char *s, size_t len)
{
	if (len == 0 || len > RULES_MAX_NAME)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int threshold_find(const rule *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->nth; i++)
		if (strlen(r->th[i].name) == len && memcmp(r->th[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* A scalar that is text to a person: any scalar but null. */
static int get_text(const rload *ld, const ynode *n, const char *key, char **out)
{
	char what[96];
	yscalar v;

	if (n->type == YN_SCALAR) {
		yscalar_resolve(n, &v);
		if (v.kind != YS_NULL) {
			*out = strdup(n->text);
			return *out ? 0 : nomem();
		}
	}
	ynode_describe(n, what, sizeof(what));
	return rl_error(ld, n->start, "'%s' needs text, not %s", key, what);
}

static int get_name(const rload *ld, const ynode *n, const char *what, char **out)
{
	char s[80];

	if (n->type != YN_SCALAR || !valid_name(n->text, n->len))
		return rl_error(ld, n->start,
		                "bad %s '%s' (use a-z, 0-9 and _, at most %d characters)", what,
		                yshort(n, s, sizeof(s)), RULES_MAX_NAME);
	*out = strdup(n->text);
	return *out ? 0 : nomem();
}

static int get_severity(const rload *ld, const ynode *n, char **out)
{
	char s[80];

	for (size_t i = 0; n->type == YN_SCALAR && i < COUNT(severities); i++)
		if (strcmp(n->text, severities[i]) == 0) {
			*out = strdup(n->text);
			return *out ? 0 : nomem();
		}
	return rl_error(
	    ld, n->start,
	    "unknown severity '%s' (expected one of: info, low, medium, high, critical)",
	    yshort(n, s, sizeof(s)));
}

static int get_priority(const rload *ld, const ynode *n, int *out)
{
	char what[96];
	yscalar v;

	yscalar_resolve(n, &v);
	if (n->type == YN_SCALAR && v.kind == YS_INT && v.i >= -PRIORITY_MAX &&
	    v.i <= PRIORITY_MAX) {
		*out = (int)v.i;
		return 0;
	}
	ynode_describe(n, what, sizeof(what));
	return rl_error(ld, n->start, "'priority' needs an integer from %d to %d, not %s",
	                -PRIORITY_MAX, PRIORITY_MAX, what);
}

static int get_subject(const rload *ld, const ynode *n, oomsift_rule_subject *out)
{
	char s[80];

	if (n->type == YN_SCALAR && strcmp(n->text, "event") == 0)
		*out = OOMSIFT_SUBJECT_EVENT;
	else if (n->type == YN_SCALAR && strcmp(n->text, "memory_event") == 0)
		*out = OOMSIFT_SUBJECT_MEMORY_EVENT;
	else
		return rl_error(ld, n->start,
		                "unknown subject '%s' (expected event or memory_event)",
		                yshort(n, s, sizeof(s)));
	return 0;
}

static int get_thresholds(const rload *ld, const ynode *n, rule *r)
{
	char what[96], s[80];
	yscalar v;

	if (n->type != YN_MAP) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(ld, n->start,
		                "'thresholds' needs a mapping of names to numbers, not %s", what);
	}
	r->th = calloc(n->n / 2 + 1, sizeof(*r->th));
	if (!r->th)
		return nomem();
	for (size_t i = 0; i < n->n; i += 2) {
		const ynode *k = n->kids[i], *val = n->kids[i + 1];
		threshold *t = &r->th[r->nth];
		if (!valid_name(k->text, k->len))
			return rl_error(
			    ld, k->start,
			    "bad threshold name '%s' (use a-z, 0-9 and _, at most %d characters)",
			    yshort(k, s, sizeof(s)), RULES_MAX_NAME);
		yscalar_resolve(val, &v);
		if (val->type != YN_SCALAR || (v.kind != YS_INT && v.kind != YS_REAL)) {
			ynode_describe(val, what, sizeof(what));
			return rl_error(ld, val->start, "threshold '%s' needs a number, not %s",
			                k->text, what);
		}
		if (!(t->name = strdup(k->text)))
			return nomem();
		t->declared = t->value = v.d;
		t->mark = k->start;
		r->nth++;
	}
	return 0;
}

int duration_parse(const rload *ld, const ynode *n, double *out)
{
	static const struct {
		char unit;
		double seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
	char what[96], s[80];
	size_t digits = 0;

	if (n->type != YN_SCALAR) {
		ynode_describe(n, what, sizeof(what));
		return rl_error(ld, n->start, "'window' needs a duration such as 30d, not %s",
		                what);
	}
	while (digits < n->len && n->text[digits] >= '0' && n->text[digits] <= '9')
		digits++;
	for (size_t i = 0; digits && digits + 1 == n->len && i < COUNT(units); i++) {
		if (n->text[digits] != units[i].unit)
			continue;
		double v = digits > 12 ? RULES_MAX_DURATION_S + 1 : strtod(n->text, NULL);
		*out = v * units[i].seconds;
		if (*out <= 0)
			return rl_error(ld, n->start, "duration '%s' must be positive", n->text);
		if (*out > RULES_MAX_DURATION_S)
			return rl_error(ld, n->start, "duration '%s' is too long (at most %.0fd)",
			                n->text, RULES_MAX_DURATION_S / 86400);
		return 0;
	}
	return rl_error(ld, n->start, "bad duration '%s' (use s, m, h, d or w)",
	                yshort(n, s, sizeof(s)));
}

void rule_free(rule *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->title);
	free(r->cause);
	free(r->severity);
	free(r->description);
	free(r->origin);
	for (size_t i = 0; i < r->nth; i++)
		free(r->th[i].name);
	free(r->th);
	cond_free(&r->when);
	template_free(&r->evidence);
	template_free(&r->advice);
	for (size_t i = 0; i < r->nex; i++)
		example_free(&r->ex[i]);
	free(r->ex);
	free(r);
}

static int check_required(const rload *ld, const ynode *map)
{
	const ynode *id = ymap_get(map, "id");

	for (size_t i = 0; i < COUNT(required_keys); i++) {
		if (ymap_get(map, required_keys[i]))
			continue;
		if (id && id->type == YN_SCALAR)
			return rl_error(ld, map->start, "missing key '%s' in rule '%s'",
			                required_keys[i], id->text);
		return rl_error(ld, map->start, "missing key '%s' in rule", required_keys[i]);
	}
	return 0;
}

/* id, title, cause, severity, priority, on, description, thresholds. */
static int compile_head(const rload *ld, const ynode *map, rule *r)
{
	const ynode *n;
	int rc;

	n = ymap_get(map, "id");
	if ((rc = get_name(ld, n, "rule id", &r->id)) < 0)
		return rc;
	r->line = (unsigned)n->start.line + 1;
	if ((rc = get_text(ld, ymap_get(map, "title"), "title", &r->title)) < 0 ||
	    (rc = get_name(ld, ymap_get(map, "cause"), "cause", &r->cause)) < 0 ||
	    (rc = get_severity(ld, ymap_get(map, "severity"), &r->severity)) < 0)
		return rc;
	if ((n = ymap_get(map, "priority")) && (rc = get_priority(ld, n, &r->priority)) < 0)
		return rc;
	if ((n = ymap_get(map, "on")) && (rc = get_subject(ld, n, &r->subject)) < 0)
		return rc;
	n = ymap_get(map, "description");
	if (n)
		rc = get_text(ld, n, "description", &r->description);
	else if (!(r->description = strdup("")))
		rc = nomem();
	if (rc < 0)
		return rc;
	if ((n = ymap_get(map, "thresholds")) && (rc = get_thresholds(ld, n, r)) < 0)
		return rc;
	return 0;
}

static int compile_template(cctx *cc, const ynode *map, const char *key, template *out)
{
	const ynode *n = ymap_get(map, key);
	char *unused = NULL;
	int rc = get_text(cc->ld, n, key, &unused);

	free(unused);
	if (rc < 0)
		return rc;
	return template_compile(cc, n, 0, out);
}

static int check_thresholds_used(const rload *ld, const rule *r)
{
	for (size_t i = 0; i < r->nth; i++)
		if (!r->th[i].used)
			return rl_error(ld, r->th[i].mark,
			                "threshold '%s' is not used (refer to it as $%s or "
			                "{threshold.%s})",
			                r->th[i].name, r->th[i].name, r->th[i].name);
	return 0;
}

static void hash_source(const ynode *map, rule *r)
{
	XXH3_state_t st;
	XXH128_hash_t h;

	XXH3_128bits_reset(&st);
	ynode_hash(map, &st);
	h = XXH3_128bits_digest(&st);
	r->source_hash[0] = h.high64;
	r->source_hash[1] = h.low64;
}

static int compile_body(const rload *ld, const ynode *map, rule *r)
{
	cctx cc = {.ld = ld, .r = r};
	int rc;

	if ((rc = compile_head(ld, map, r)) < 0 ||
	    (rc = cond_compile(&cc, ymap_get(map, "when"), &r->when)) < 0 ||
	    (rc = compile_template(&cc, map, "evidence", &r->evidence)) < 0 ||
	    (rc = compile_template(&cc, map, "advice", &r->advice)) < 0 ||
	    (rc = check_thresholds_used(ld, r)) < 0 ||
	    (rc = examples_compile(&cc, ymap_get(map, "examples"))) < 0)
		return rc;
	return examples_check(ld, r);
}

int rule_compile(const rload *ld, const ynode *map, rule **out)
{
	char what[96];
	rule *r;
	int rc;

	*out = NULL;
	if (map->type != YN_MAP) {
		ynode_describe(map, what, sizeof(what));
		return rl_error(ld, map->start, "a rule is a mapping, not %s", what);
	}
	if ((rc = ymap_check_keys(ld, map, rule_keys, COUNT(rule_keys))) < 0 ||
	    (rc = check_required(ld, map)) < 0)
		return rc;
	if (!(r = calloc(1, sizeof(*r))))
		return nomem();
	if ((rc = compile_body(ld, map, r)) < 0)
		goto fail;
	if (!(r->origin = strdup(ld->name))) {
		rc = nomem();
		goto fail;
	}
	hash_source(map, r);
	*out = r;
	return 0;
fail:
	rule_free(r);
	return rc;
}
