/*
 * The rule engine's private structures (for the files of rules/ only).
 *
 * A rule file is read into a small tree of YAML nodes (yaml.c) that keeps
 * every node's position, compiled into rules (load.c, cond.c, template.c,
 * example.c) and kept in a set (rules.c). Every error of a rule file goes
 * through rl_error(), which formats "FILE:LINE:COLUMN: what", the source line
 * and a caret.
 */
#ifndef OOMSIFT_RULES_INTERNAL_H
#define OOMSIFT_RULES_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "oomsift/buf.h"
#include "oomsift/rules.h"
#include "parse/re.h"

#define RULES_MAX_ITEMS      4096 /* entries of one YAML mapping or sequence */
#define RULES_MAX_NAME       64   /* rule ids, causes, threshold names */
#define RULES_MAX_FIELD_NAME 128  /* field names, "fact." keys included */
#define RULES_MAX_DIR_FILES  4096 /* rule files in one directory */
#define RULES_MAX_DURATION_S (3650.0 * 86400.0)
#define RULES_MAX_MIN_POINTS 10000
#define RULES_MAX_RENDER     16384 /* bytes of one rendered evidence or advice */
#define RULES_MAX_VALUE_TEXT 512   /* bytes of one text value in a rendering */
#define RULES_MAX_WHY        512   /* bytes of the reason an example failed */

/* ---- YAML tree (yaml.c) ---- */

typedef enum ynode_type {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP,
} ynode_type;

typedef struct ynode {
	ynode_type type;
	yaml_mark_t start, end;
	char *text; /* scalar value, NUL-terminated */
	size_t len;
	yaml_scalar_style_t style;
	struct ynode **kids; /* sequence items; mapping keys and values, alternating */
	size_t n;            /* entries of kids */
} ynode;

/* One rule text being loaded. */
typedef struct rload {
	const char *name; /* file name or buffer name, for messages */
	const char *text;
	size_t len;
	ynode *root; /* NULL for an empty file */
} rload;

/* Reads ld->text into ld->root; OOMSIFT_ERULE with a positioned message. */
int yaml_tree_load(rload *ld);
void ynode_free(ynode *n);

/* Sets the error slot to "NAME:LINE:COLUMN: message\nline\ncaret"; returns
 * OOMSIFT_ERULE. */
int rl_error(const rload *ld, yaml_mark_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int rl_verror(const rload *ld, yaml_mark_t at, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* The position of byte `off` of a scalar's value in the source, where the
 * source holds the value verbatim (plain, quoted without escapes, literal
 * blocks); else the scalar's start. */
yaml_mark_t ynode_mark_at(const rload *ld, const ynode *n, size_t off);

/* The value of key in a mapping, or NULL. */
const ynode *ymap_get(const ynode *map, const char *key);

/* Fails on the first key of map that is not in allowed[0..n). */
int ymap_check_keys(const rload *ld, const ynode *map, const char *const *allowed, size_t n);

/* Hashes the node's content (types, scalar text and style, structure). */
struct XXH3_state_s;
void ynode_hash(const ynode *n, struct XXH3_state_s *st);

/* A scalar read as YAML 1.2 core types: only plain scalars are null, bool or
 * numbers; quoted and block scalars are text. */
typedef enum yscalar_kind {
	YS_NULL,
	YS_BOOL,
	YS_INT,
	YS_REAL,
	YS_TEXT,
} yscalar_kind;

typedef struct yscalar {
	yscalar_kind kind;
	bool b;
	int64_t i;
	double d; /* also set for YS_INT */
} yscalar;

void yscalar_resolve(const ynode *n, yscalar *out);

/* "text 'abc'", "number 1.5", "true", "null", "a mapping" … for messages. */
void ynode_describe(const ynode *n, char *buf, size_t cap);

/* A scalar's text for a message: quoted content cut at 64 bytes. */
const char *yshort(const ynode *n, char *buf, size_t cap);

/* ---- fields (fields.c) ---- */

/* The field's entry, or NULL; "did you mean" suggestion in *near (or NULL). */
const oomsift_rule_field *fields_lookup(oomsift_rule_subject s, const char *name,
                                        const char **near);
const char *subject_name(oomsift_rule_subject s);

/* ---- compiled rules ---- */

typedef struct threshold {
	char *name;
	double declared, value;
	yaml_mark_t mark;
	bool used;
} threshold;

typedef enum cond_kind {
	CK_ALL,
	CK_ANY,
	CK_NOT,
	CK_FIELD,
	CK_HISTORY,
	CK_TREND,
} cond_kind;

typedef enum cond_op {
	OP_EQUALS,
	OP_IN,
	OP_GT,
	OP_GE,
	OP_LT,
	OP_LE,
	OP_CONTAINS,
	OP_STARTSWITH,
	OP_REGEX,
	OP_EXISTS,
	OP_COUNT,
} cond_op;

extern const char *const cond_op_names[OP_COUNT];

/* A value a condition compares with: a literal or a threshold of the rule. */
typedef struct operand {
	oomsift_value_type type; /* INT, REAL or TEXT */
	int64_t i;
	double d;
	char *s;
	size_t len;
	int threshold; /* index into the rule's thresholds, or -1 */
} operand;

typedef enum tseg_kind {
	TS_TEXT,
	TS_FIELD,
	TS_THRESHOLD,
	TS_HISTORY_COUNT,
	TS_TREND_SLOPE,
	TS_TREND_POINTS,
	TS_TREND_FIRST,
	TS_TREND_LAST,
} tseg_kind;

typedef enum tformat {
	TF_DEFAULT,
	TF_KB,
	TF_BYTES,
	TF_PAGES,
	TF_PCT,
	TF_INT,
	TF_TEXT,
} tformat;

typedef struct tseg {
	tseg_kind kind;
	tformat format;
	char *text; /* literal text, or the field name */
	size_t len;
	oomsift_value_type type; /* of a field */
	int threshold;
} tseg;

typedef struct template
{
	tseg *segs;
	size_t n;
}
template;

typedef struct cond {
	cond_kind kind;
	cond_op op;
	yaml_mark_t mark;
	struct cond *kids; /* all, any: nkids; not: one */
	size_t nkids;
	char *field; /* field condition */
	oomsift_value_type ftype;
	operand *vals; /* the value, or the list of `in` */
	size_t nvals;
	bool exists;
	oomsift_re re;
	char *pattern;
	/* history and trend */
	oomsift_rule_subject of;
	char **same;
	size_t nsame;
	double window_s;
	const char *figure; /* static string */
	template name;      /* task name of task_rss_kb; n = 0 when none */
	int64_t min_points;
} cond;

typedef struct example {
	bool must_match;
	unsigned index; /* 1-based within its list */
	yaml_mark_t mark;
	char *log; /* {log: TEXT}, else NULL */
	size_t loglen;
	char **names; /* event fields given */
	oomsift_value *values;
	size_t nfields;
	bool has_history, has_trend;
	int64_t history;
	oomsift_trend trend;
} example;

typedef struct rule {
	char *id, *title, *cause, *severity, *description, *origin;
	unsigned line;
	int priority;
	oomsift_rule_subject subject;
	bool disabled;
	threshold *th;
	size_t nth;
	cond when;
	const cond *history, *trend; /* the rule's own, when it has them */
	template evidence, advice;
	example *ex;
	size_t nex;
	uint64_t source_hash[2]; /* XXH3-128 of the rule's YAML node */
} rule;

struct oomsift_rules {
	rule **rules;
	size_t n, cap;
};

/* Compiling one rule. */
typedef struct cctx {
	const rload *ld;
	rule *r;
	unsigned depth; /* of conditions */
} cctx;

/* ---- load.c ---- */

/* Compiles one rule mapping into a new rule (*out, free with rule_free()). */
int rule_compile(const rload *ld, const ynode *map, rule **out);
void rule_free(rule *r);
int threshold_find(const rule *r, const char *name, size_t len);
bool valid_name(const char *s, size_t len);

/* A duration "30d" in seconds, or OOMSIFT_ERULE. */
int duration_parse(const rload *ld, const ynode *n, double *out);

/* ---- cond.c ---- */

int cond_compile(cctx *cc, const ynode *n, cond *out);
void cond_free(cond *c);

/* State of evaluating one rule on one subject. */
typedef struct eval {
	const oomsift_rule_ctx *ctx;
	const rule *rule;
	bool have_history, have_trend;
	int64_t history_count;
	oomsift_trend trend;
	oomsift_buf *why; /* when set: the reason of the deciding leaf */
	unsigned negated; /* `not`s above the current condition */
} eval;

int cond_eval(const cond *c, eval *ev, bool *out);

/* Checks that a context's value has the registry's type. */
int value_check(const char *field, oomsift_value_type want, const oomsift_value *v);

/* ---- template.c ---- */

#define TPL_NO_EVAL_VALUES 1u /* no history./trend. values (a trend's name) */

int template_compile(cctx *cc, const ynode *n, unsigned flags, template *out);
void template_free(template *t);
/* Renders into out; *saw_null (may be NULL) is set when a field was NULL. */
int template_render(const template *t, eval *ev, oomsift_buf *out, bool *saw_null);
/* Size rendering shared with tests: "512 MiB", "1.5 GiB". */
void format_size(double bytes, char *buf, size_t cap);

/* ---- example.c ---- */

int examples_compile(cctx *cc, const ynode *n);
/* Evaluates every event example of r; the first that misbehaves fails. */
int examples_check(const rload *ld, const rule *r);
void example_free(example *e);

#endif
