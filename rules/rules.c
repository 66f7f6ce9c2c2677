/*
 * A rule set: loading (a file is all or nothing: its rules, disables and
 * threshold overrides are checked before any of them changes the set),
 * overrides by id, inspection, the fingerprint and evaluation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "oomsift/error.h"
#include "rules/internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

extern const char oomsift_rules_default_yaml[];

static int nomem(void)
{
	return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

int oomsift_rules_new(oomsift_rules **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : nomem();
}

void oomsift_rules_free(oomsift_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_free(rs->rules[i]);
	free(rs->rules);
	free(rs);
}

static rule *find_rule(rule *const *rules, size_t n, const char *id, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(rules[i]->id) == len && memcmp(rules[i]->id, id, len) == 0)
			return rules[i];
	return NULL;
}

/* ---- loading one text ---- */

typedef struct th_change {
	rule *r;
	size_t idx;
	double value;
} th_change;

/* What one file changes, checked in full before the set is touched. */
typedef struct staged {
	oomsift_rules *rs;
	const rload *ld;
	rule **rules;
	size_t n, cap;
	rule **disable;
	size_t ndisable;
	th_change *th;
	size_t nth;
} staged;

static void staged_free(staged *st, bool keep_rules)
{
	for (size_t i = 0; i < st->n && !keep_rules; i++)
		rule_free(st->rules[i]);
	free(st->rules);
	free(st->disable);
	free(st->th);
}

/* The rule `id` as it will be once the file is in: the file's own first. */
static rule *staged_find(const staged *st, const char *id, size_t len)
{
	rule *r = find_rule(st->rules, st->n, id, len);

	return r ? r : find_rule(st->rs->rules, st->rs->n, id, len);
}

static int need_kind(const rload *ld, const ynode *n, ynode_type type, const char *key,
                     const char *expected)
{
	char what[96];

	if (n->type == type)
		return 0;
	ynode_describe(n, what, sizeof(what));
	if (!key)
		return rl_error(ld, n->start, "a rule file is %s, not %s", expected, what);
	return rl_error(ld, n->start, "'%s' needs %s, not %s", key, expected, what);
}

static int stage_rule(staged *st, const ynode *item, size_t *added)
{
	const ynode *idn = ymap_get(item, "id");
	rule *r, *first;
	int rc;

	if ((rc = rule_compile(st->ld, item, &r)) < 0)
		return rc;
	if ((first = find_rule(st->rules, st->n, r->id, strlen(r->id)))) {
		rc = rl_error(st->ld, idn->start, "duplicate rule id '%s' (first at line %u)",
		              r->id, first->line);
		goto fail;
	}
	if (!find_rule(st->rs->rules, st->rs->n, r->id, strlen(r->id)) &&
	    st->rs->n + ++*added > OOMSIFT_RULES_MAX_RULES) {
		rc = rl_error(st->ld, idn->start, "too many rules (a set holds at most %d)",
		              OOMSIFT_RULES_MAX_RULES);
		goto fail;
	}
	if ((rc = oomsift_vec_reserve((void **)&st->rules, &st->cap, sizeof(rule *), st->n + 1,
	                              RULES_MAX_ITEMS)) < 0)
		goto fail;
	st->rules[st->n++] = r;
	return 0;
fail:
	rule_free(r);
	return rc;
}

static int stage_rules(staged *st, const ynode *n)
{
	size_t added = 0;
	int rc;

	if ((rc = need_kind(st->ld, n, YN_SEQ, "rules", "a sequence of rules")) < 0)
		return rc;
	for (size_t i = 0; i < n->n; i++)
		if ((rc = stage_rule(st, n->kids[i], &added)) < 0)
			return rc;
	return 0;
}

static int stage_disable(staged *st, const ynode *n)
{
	char s[80];
	int rc;

	if ((rc = need_kind(st->ld, n, YN_SEQ, "disable", "a sequence of rule ids")) < 0)
		return rc;
	if (!(st->disable = calloc(n->n + 1, sizeof(rule *))))
		return nomem();
	for (size_t i = 0; i < n->n; i++) {
		const ynode *id = n->kids[i];
		rule *r = id->type == YN_SCALAR ? staged_find(st, id->text, id->len) : NULL;
		if (!r)
			return rl_error(st->ld, id->start, "unknown rule '%s' in disable",
			                yshort(id, s, sizeof(s)));
		st->disable[st->ndisable++] = r;
	}
	return 0;
}

static int stage_threshold(staged *st, const ynode *k, const ynode *v)
{
	const char *dot = memchr(k->text, '.', k->len);
	char what[96], s[80];
	yscalar val;
	rule *r;
	int idx;

	if (!dot)
		return rl_error(st->ld, k->start, "bad threshold '%s' (write RULE_ID.NAME)",
		                yshort(k, s, sizeof(s)));
	if (!(r = staged_find(st, k->text, (size_t)(dot - k->text))))
		return rl_error(st->ld, k->start, "unknown rule '%.*s' in thresholds",
		                (int)(dot - k->text > 64 ? 64 : dot - k->text), k->text);
	idx = threshold_find(r, dot + 1, strlen(dot + 1));
	if (idx < 0)
		return rl_error(st->ld, k->start, "rule '%s' has no threshold '%.64s'", r->id,
		                dot + 1);
	yscalar_resolve(v, &val);
	if (v->type != YN_SCALAR || (val.kind != YS_INT && val.kind != YS_REAL)) {
		ynode_describe(v, what, sizeof(what));
		return rl_error(st->ld, v->start, "'%s' needs a number, not %s", k->text, what);
	}
	st->th[st->nth++] = (th_change){r, (size_t)idx, val.d};
	return 0;
}

static int stage_thresholds(staged *st, const ynode *n)
{
	int rc = need_kind(st->ld, n, YN_MAP, "thresholds", "a mapping of RULE_ID.NAME to numbers");

	if (rc < 0)
		return rc;
	if (!(st->th = calloc(n->n / 2 + 1, sizeof(*st->th))))
		return nomem();
	for (size_t i = 0; i < n->n; i += 2)
		if ((rc = stage_threshold(st, n->kids[i], n->kids[i + 1])) < 0)
			return rc;
	return 0;
}

/* Puts the staged file into the set; only allocation can fail, before any change. */
static int commit(staged *st)
{
	oomsift_rules *rs = st->rs;
	int rc = oomsift_vec_reserve((void **)&rs->rules, &rs->cap, sizeof(rule *), rs->n + st->n,
	                             OOMSIFT_RULES_MAX_RULES + RULES_MAX_ITEMS);

	if (rc < 0)
		return rc == OOMSIFT_ELIMIT ? nomem() : rc;
	for (size_t i = 0; i < st->n; i++) {
		rule *r = st->rules[i];
		size_t j = 0;
		while (j < rs->n && strcmp(rs->rules[j]->id, r->id) != 0)
			j++;
		if (j < rs->n)
			rule_free(rs->rules[j]);
		else
			rs->n++;
		rs->rules[j] = r;
	}
	for (size_t i = 0; i < st->ndisable; i++)
		st->disable[i]->disabled = true;
	for (size_t i = 0; i < st->nth; i++)
		st->th[i].r->th[st->th[i].idx].value = st->th[i].value;
	return 0;
}

static int load_root(staged *st, const ynode *root)
{
	static const char *const keys[] = {"rules", "disable", "thresholds"};
	const ynode *n;
	int rc;

	if ((rc = need_kind(st->ld, root, YN_MAP, NULL, "a mapping (rules, disable, thresholds)")) <
	        0 ||
	    (rc = ymap_check_keys(st->ld, root, keys, COUNT(keys))) < 0)
		return rc;
	if ((n = ymap_get(root, "rules")) && (rc = stage_rules(st, n)) < 0)
		return rc;
	if ((n = ymap_get(root, "disable")) && (rc = stage_disable(st, n)) < 0)
		return rc;
	if ((n = ymap_get(root, "thresholds")) && (rc = stage_thresholds(st, n)) < 0)
		return rc;
	return commit(st);
}

int oomsift_rules_load_buffer(oomsift_rules *rs, const char *name, const char *text, size_t len)
{
	rload ld = {.name = name, .text = text, .len = len};
	staged st = {.rs = rs, .ld = &ld};
	int rc;

	if (len > OOMSIFT_RULES_MAX_FILE_BYTES)
		return oomsift_error_set(OOMSIFT_ERULE,
		                         "%s: larger than %d bytes, the most a rule "
		                         "file may have",
		                         name, OOMSIFT_RULES_MAX_FILE_BYTES);
	if ((rc = yaml_tree_load(&ld)) < 0)
		return rc;
	rc = ld.root ? load_root(&st, ld.root) : 0;
	staged_free(&st, rc == 0);
	ynode_free(ld.root);
	return rc;
}

int oomsift_rules_load_builtin(oomsift_rules *rs)
{
	return oomsift_rules_load_buffer(rs, "builtin", oomsift_rules_default_yaml,
	                                 strlen(oomsift_rules_default_yaml));
}

static int read_all(const char *path, oomsift_buf *b)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (fd < 0)
		return oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", path,
		                         strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", path,
			                       strerror(errno));
			break;
		}
		if ((rc = oomsift_buf_append(b, chunk, (size_t)n)) < 0) {
			if (rc == OOMSIFT_ELIMIT)
				rc = oomsift_error_set(
				    OOMSIFT_ERULE,
				    "%s: larger than %d bytes, the most a rule file "
				    "may have",
				    path, OOMSIFT_RULES_MAX_FILE_BYTES);
			break;
		}
	}
	close(fd);
	return rc;
}

int oomsift_rules_load_file(oomsift_rules *rs, const char *path)
{
	oomsift_buf b;
	int rc;

	oomsift_buf_init(&b, OOMSIFT_RULES_MAX_FILE_BYTES);
	rc = read_all(path, &b);
	if (rc == 0)
		rc = oomsift_rules_load_buffer(rs, path, b.data ? b.data : "", b.len);
	oomsift_buf_free(&b);
	return rc;
}

static bool is_rule_file(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(DIR *d, const char *dir, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	int rc;

	while ((e = readdir(d))) {
		if (!is_rule_file(e->d_name))
			continue;
		rc = oomsift_vec_reserve((void **)names, &cap, sizeof(char *), *n + 1,
		                         RULES_MAX_DIR_FILES);
		if (rc == OOMSIFT_ELIMIT)
			return oomsift_error_set(OOMSIFT_ERULE, "%s: more than %d rule files", dir,
			                         RULES_MAX_DIR_FILES);
		if (rc < 0)
			return rc;
		if (!((*names)[*n] = strdup(e->d_name)))
			return nomem();
		(*n)++;
	}
	if (*n)
		qsort(*names, *n, sizeof(char *), cmp_names);
	return 0;
}

int oomsift_rules_load_dir(oomsift_rules *rs, const char *dir, bool missing_ok)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	int rc;

	if (!d && errno == ENOENT && missing_ok)
		return 0;
	if (!d)
		return oomsift_error_set(OOMSIFT_EIO, "cannot open directory '%s': %s", dir,
		                         strerror(errno));
	rc = list_dir(d, dir, &names, &n);
	closedir(d);
	for (size_t i = 0; i < n && rc == 0; i++) {
		oomsift_buf path;
		oomsift_buf_init(&path, 0);
		rc = oomsift_buf_printf(&path, "%s/%s", dir, names[i]);
		if (rc == 0)
			rc = oomsift_rules_load_file(rs, path.data);
		oomsift_buf_free(&path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- changing and inspecting ---- */

int oomsift_rules_disable(oomsift_rules *rs, const char *id)
{
	rule *r = find_rule(rs->rules, rs->n, id, strlen(id));

	if (!r)
		return oomsift_error_set(OOMSIFT_ENOTFOUND, "no rule '%s'", id);
	r->disabled = true;
	return 0;
}

int oomsift_rules_set_threshold(oomsift_rules *rs, const char *name, double value)
{
	const char *dot = strchr(name, '.');
	rule *r = dot ? find_rule(rs->rules, rs->n, name, (size_t)(dot - name)) : NULL;
	int idx = r ? threshold_find(r, dot + 1, strlen(dot + 1)) : -1;

	if (idx < 0)
		return oomsift_error_set(OOMSIFT_ENOTFOUND,
		                         "no threshold '%s' (write RULE_ID.NAME)", name);
	if (!isfinite(value))
		return oomsift_error_set(OOMSIFT_EINVAL, "threshold '%s' needs a finite number",
		                         name);
	r->th[idx].value = value;
	return 0;
}

size_t oomsift_rules_count(const oomsift_rules *rs)
{
	return rs->n;
}

void oomsift_rules_get(const oomsift_rules *rs, size_t i, oomsift_rule_info *out)
{
	const rule *r = rs->rules[i];

	*out = (oomsift_rule_info){
	    .id = r->id,
	    .title = r->title,
	    .cause = r->cause,
	    .severity = r->severity,
	    .description = r->description,
	    .origin = r->origin,
	    .line = r->line,
	    .priority = r->priority,
	    .subject = r->subject,
	    .disabled = r->disabled,
	};
}

void oomsift_rules_fingerprint(const oomsift_rules *rs, char out[33])
{
	XXH3_state_t st;
	XXH128_canonical_t c;

	XXH3_128bits_reset(&st);
	for (size_t i = 0; i < rs->n; i++) {
		const rule *r = rs->rules[i];
		if (r->disabled)
			continue;
		XXH3_128bits_update(&st, r->id, strlen(r->id) + 1);
		XXH3_128bits_update(&st, r->source_hash, sizeof(r->source_hash));
		for (size_t j = 0; j < r->nth; j++) {
			double v = r->th[j].value == 0 ? 0.0 : r->th[j].value; /* -0 is 0 */
			XXH3_128bits_update(&st, r->th[j].name, strlen(r->th[j].name) + 1);
			XXH3_128bits_update(&st, &v, sizeof(v));
		}
	}
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(&st));
	for (size_t i = 0; i < sizeof(c.digest); i++)
		snprintf(out + 2 * i, 3, "%02x", c.digest[i]);
}

/* ---- evaluating ---- */

/* Priority descending; ties keep load order (the sort is stable). */
static void sort_matches(eval *m, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		eval e = m[i];
		size_t j = i;
		while (j > 0 && m[j - 1].rule->priority < e.rule->priority) {
			m[j] = m[j - 1];
			j--;
		}
		m[j] = e;
	}
}

static int report_match(eval *ev, bool primary, oomsift_buf *evidence, oomsift_buf *advice,
                        oomsift_rule_match_cb cb, void *cbdata)
{
	const rule *r = ev->rule;
	oomsift_rule_match m;
	int rc;

	if ((rc = template_render(&r->evidence, ev, evidence, NULL)) < 0 ||
	    (rc = template_render(&r->advice, ev, advice, NULL)) < 0)
		return rc;
	m = (oomsift_rule_match){
	    .rule_id = r->id,
	    .cause = r->cause,
	    .severity = r->severity,
	    .priority = r->priority,
	    .primary = primary,
	    .evidence = evidence->data,
	    .advice = advice->data,
	};
	rc = cb(cbdata, &m);
	return rc < 0 ? rc : 0;
}

int oomsift_rules_eval(const oomsift_rules *rs, oomsift_rule_subject subject,
                       const oomsift_rule_ctx *ctx, oomsift_rule_match_cb cb, void *cbdata)
{
	eval *m = calloc(rs->n + 1, sizeof(*m));
	oomsift_buf evidence, advice;
	size_t n = 0;
	int rc = 0;

	if (!m)
		return nomem();
	for (size_t i = 0; i < rs->n && rc == 0; i++) {
		const rule *r = rs->rules[i];
		bool matched = false;
		if (r->disabled || r->subject != subject)
			continue;
		m[n] = (eval){.ctx = ctx, .rule = r};
		rc = cond_eval(&r->when, &m[n], &matched);
		n += rc == 0 && matched;
	}
	sort_matches(m, n);
	oomsift_buf_init(&evidence, RULES_MAX_RENDER + 8);
	oomsift_buf_init(&advice, RULES_MAX_RENDER + 8);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = report_match(&m[i], i == 0, &evidence, &advice, cb, cbdata);
	oomsift_buf_free(&evidence);
	oomsift_buf_free(&advice);
	free(m);
	return rc;
}
