/*
 * Root-cause rules (docs/rules.md): YAML files compiled once into a rule set,
 * evaluated in C over one subject at a time (an OOM event or a memory event)
 * through a context the caller supplies. No value from a rule file ever
 * becomes SQL text: the context answers questions with bound values.
 *
 * A rule file is a YAML mapping with any of these keys:
 *
 *   rules:       a sequence of rules (below)
 *   disable:     a sequence of rule ids to switch off
 *   thresholds:  a mapping "RULE_ID.NAME: number" that overrides thresholds
 *
 * A rule:
 *
 *   id: single_hog                  [a-z0-9_]+, unique in a file
 *   title: One process held most of the memory
 *   cause: single_hog               [a-z0-9_]+; several rules may share a cause
 *   severity: high                  info | low | medium | high | critical
 *   priority: 50                    the primary cause of a subject is its matching
 *                                   rule of highest priority (ties: loaded first)
 *   on: event                       event (default) | memory_event
 *   description: ...
 *   thresholds: {min_share: 0.6}    named numbers, referred to as $min_share
 *   when: CONDITION
 *   evidence: TEMPLATE
 *   advice: TEMPLATE
 *   examples:
 *     match:    [EXAMPLE, ...]      each must match (at least one)
 *     no_match: [EXAMPLE, ...]      each must not match (at least one)
 *
 * CONDITION is one of
 *   {all: [CONDITION, ...]}, {any: [CONDITION, ...]}, {not: CONDITION}
 *   {field: NAME, OP: VALUE}        OP: equals, in (a sequence), gt, ge, lt, le,
 *                                   contains, startswith, regex (PCRE2), exists (bool)
 *   {history: HISTORY, OP: VALUE}   compares the number of subjects counted
 *   {trend: TREND, OP: VALUE}       compares the least-squares slope per day;
 *                                   fails when fewer than min_points points
 * VALUE is a scalar of the field's type, or $NAME for a threshold of the rule.
 * NAME is a field (oomsift_rules_fields()): an oom_events column, a
 * memory_events column (rules on memory_event), or a derived field such as
 * largest.share or fact.vm.overcommit_memory.
 *
 * HISTORY: {of: event|memory_event, same: [FIELD, ...], window: 30d}
 *   subjects of that kind on the same host whose FIELDs equal the subject's,
 *   in the window that ends at the subject's time (the subject included).
 * TREND: {figure: task_rss_kb|victim_rss_kb|memcg_usage_kb, name: TEMPLATE,
 *         same: [FIELD, ...], window: 30d, min_points: 3}
 *   the figure across successive OOM events of the same host (and FIELDs),
 *   up to and including the subject; task_rss_kb is the RSS summed over the
 *   tasks named `name` in each event's task table, victim or not.
 * Durations: an integer with s, m, h, d or w.
 *
 * TEMPLATE: text with {FIELD} or {FIELD|FORMAT}; FORMAT is kb (KiB to
 * "512 MiB"), bytes, pages (4 KiB pages), pct (0.87 to "87%"), int, or text.
 * Besides fields: {threshold.NAME}, {history.count}, {trend.slope_per_day},
 * {trend.points}, {trend.first}, {trend.last} (values of the rule's own
 * history and trend conditions, when it has them).
 *
 * EXAMPLE: {event: {FIELD: VALUE, ...}, history: N, trend: {slope_per_day: X,
 * points: N}} evaluated here, fields not given being NULL; or {log: TEXT}
 * (a log snippet) run through the caller's oomsift_rules_log_runner.
 */
#ifndef OOMSIFT_RULES_H
#define OOMSIFT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/value.h"

typedef struct oomsift_rules oomsift_rules;

/* Hard caps of a rule set (docs/rules.md, "Limits"). */
#define OOMSIFT_RULES_MAX_FILE_BYTES (1024 * 1024) /* one rule file or buffer */
#define OOMSIFT_RULES_MAX_DEPTH      32            /* nesting of YAML collections */
#define OOMSIFT_RULES_MAX_RULES      1024          /* rules in a set */
#define OOMSIFT_RULES_MAX_TEMPLATE   4096          /* bytes of one template */

typedef enum oomsift_rule_subject {
	OOMSIFT_SUBJECT_EVENT = 0,    /* a row of oom_events */
	OOMSIFT_SUBJECT_MEMORY_EVENT, /* a row of memory_events */
} oomsift_rule_subject;

/* ---- loading ----
 * Every loader fails with OOMSIFT_ERULE (nothing of that file is kept) and a
 * message "FILE:LINE:COLUMN: what\n<the source line>\n<spaces>^" for: YAML
 * syntax errors, unknown keys, missing keys, unknown fields, bad operators,
 * values of the wrong type, bad regexes (PCRE2's message and offset), bad
 * durations or templates, unknown thresholds, duplicate ids within a file,
 * and examples that do not behave (an event example evaluated at load time
 * that matches when it must not, or the reverse). OOMSIFT_EIO when a file
 * cannot be read. */

/* An empty rule set; free with oomsift_rules_free(). */
int oomsift_rules_new(oomsift_rules **out);
void oomsift_rules_free(oomsift_rules *rs);

/* The built-in rules (rules/default.yaml, embedded), origin "builtin". */
int oomsift_rules_load_builtin(oomsift_rules *rs);

/* A rule file; a rule whose id is already in the set replaces it (a user
 * overrides a built-in rule by id). Origin: the path. */
int oomsift_rules_load_file(oomsift_rules *rs, const char *path);

/* Every *.yaml and *.yml file of dir, in name order. A missing dir is not
 * an error when missing_ok. */
int oomsift_rules_load_dir(oomsift_rules *rs, const char *dir, bool missing_ok);

/* Rule text in memory, named `name` in messages and as its origin. */
int oomsift_rules_load_buffer(oomsift_rules *rs, const char *name, const char *text, size_t len);

/* Switches a rule off. OOMSIFT_ENOTFOUND when no rule has that id. */
int oomsift_rules_disable(oomsift_rules *rs, const char *id);

/* Overrides threshold "RULE_ID.NAME". OOMSIFT_ENOTFOUND when there is none. */
int oomsift_rules_set_threshold(oomsift_rules *rs, const char *name, double value);

/* ---- inspecting ---- */

typedef struct oomsift_rule_info {
	const char *id, *title, *cause, *severity, *description;
	const char *origin; /* "builtin" or the file it came from */
	unsigned line;      /* of its id in origin */
	int priority;
	oomsift_rule_subject subject;
	bool disabled;
} oomsift_rule_info;

/* Rules in load order (overrides in the place of the rule they replace);
 * the strings live as long as the set, or until a later load replaces that
 * rule. */
size_t oomsift_rules_count(const oomsift_rules *rs);
void oomsift_rules_get(const oomsift_rules *rs, size_t i, oomsift_rule_info *out);

/* 32 hex digits over the enabled rules' source text and threshold values:
 * when it changes, stored classifications are stale. */
void oomsift_rules_fingerprint(const oomsift_rules *rs, char out[33]);

/* Fields a condition or template may name, for `subject`, each with its
 * type (INT, REAL or TEXT) and a one-line description (docs/rules.md). The
 * view's columns come first, in the view's order, then the derived fields;
 * the last entry, "fact.KEY", stands for the namespace: every name that
 * starts with "fact." is a field (INT). The array is static. */
typedef struct oomsift_rule_field {
	const char *name;
	oomsift_value_type type;
	const char *description;
} oomsift_rule_field;
const oomsift_rule_field *oomsift_rules_fields(oomsift_rule_subject subject, size_t *n);

/* The entry of the field `name` for `subject` (for a "fact." name, the
 * "fact.KEY" entry), or NULL when there is no such field. */
const oomsift_rule_field *oomsift_rules_field(oomsift_rule_subject subject, const char *name);

/* ---- evaluating ---- */

typedef struct oomsift_history_spec {
	oomsift_rule_subject of;
	const char *const *same; /* field names */
	size_t nsame;
	double window_s;
} oomsift_history_spec;

typedef struct oomsift_trend_spec {
	const char *figure; /* "task_rss_kb", "victim_rss_kb" or "memcg_usage_kb" */
	const char *name;   /* task name for task_rss_kb (template already filled in) */
	const char *const *same;
	size_t nsame;
	double window_s;
} oomsift_trend_spec;

typedef struct oomsift_trend {
	int64_t points;
	double slope_per_day; /* figure units per day */
	double first, last;   /* the figure at the first and the last point */
} oomsift_trend;

/* What rules read about one subject. Text values must stay valid until the
 * evaluation of the subject ends. Each function returns 0 or a negative
 * code, which stops the evaluation. */
typedef struct oomsift_rule_ctx {
	/* A field's value; type NULL when the subject has none. */
	int (*field)(void *data, const char *name, oomsift_value *out);
	int (*history)(void *data, const oomsift_history_spec *h, int64_t *count);
	int (*trend)(void *data, const oomsift_trend_spec *t, oomsift_trend *out);
	void *data;
} oomsift_rule_ctx;

typedef struct oomsift_rule_match {
	const char *rule_id, *cause, *severity;
	int priority;
	bool primary;
	const char *evidence, *advice; /* rendered; valid during the callback */
} oomsift_rule_match;

typedef int (*oomsift_rule_match_cb)(void *cbdata, const oomsift_rule_match *m);

/* Evaluates every enabled rule on `subject` and calls cb for each match,
 * the primary one first, then by priority. A negative return from cb or
 * from the context stops it with that code. A set evaluates one subject at
 * a time: two threads must not evaluate the same set at once (a regex keeps
 * its match data). */
int oomsift_rules_eval(const oomsift_rules *rs, oomsift_rule_subject subject,
                       const oomsift_rule_ctx *ctx, oomsift_rule_match_cb cb, void *cbdata);

/* ---- examples ---- */

/* Runs a {log: TEXT} example: ingests the text and says whether rule_id
 * matched the subject of kind `subject` it yields (*matched). */
typedef int (*oomsift_rules_log_runner)(void *data, const oomsift_rules *rs, const char *rule_id,
                                        oomsift_rule_subject subject, const char *log, size_t len,
                                        bool *matched);

typedef struct oomsift_rules_test_stats {
	size_t rules, examples, failed;
	size_t skipped; /* log examples not run: no runner */
} oomsift_rules_test_stats;

/* Runs every example of every enabled rule; event examples here, log
 * examples through runner (skipped, and counted as such, when NULL). Each
 * failure goes to report(data, message) as "ORIGIN:LINE: rule ID: example N
 * must (not) match: why" (N counts within its match or no_match list; report
 * may be NULL). st->examples counts the examples run, not the skipped ones.
 * Returns 0, or a negative code from the runner. */
int oomsift_rules_test(const oomsift_rules *rs, oomsift_rules_log_runner runner,
                       void (*report)(void *data, const char *message), void *data,
                       oomsift_rules_test_stats *st);

#endif
