/*
 * A stand-in for the rule engine (rules/), for the tests of what is built
 * around include/oomsift/rules.h before the engine itself is there: a few
 * hard-coded rules written in C over the same context the engine uses, a
 * fingerprint over the enabled rules and the threshold, and log examples run
 * through the caller's runner. It reads no rule files: every loader of a
 * file fails with OOMSIFT_ERULE in the engine's message format.
 *
 * Rules ("builtin"):
 *   memcg_limit        event, prio 60, medium: kind = memcg_oom
 *   single_hog         event, prio 50, high: largest.share >= $min_share (0.5)
 *   growing_task       event, prio 20, medium: trend of task_rss_kb of the
 *                      victim's name over 30 d, >= 3 points, slope > 0
 *   repeat_victim      event, prio 10, low: history of events with the same
 *                      victim_comm over 30 d >= 3
 *   overcommit_refused memory_event, prio 40, medium: kind = overcommit_refusal
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "oomsift/rules.h"

#define FAKE_RULES     5
#define FAKE_TEXT      512
#define FAKE_MIN_SHARE 0.5

typedef struct fake_rule fake_rule;

/* Decides a match and renders its evidence into ev. */
typedef int (*fake_when)(const oomsift_rules *rs, const oomsift_rule_ctx *ctx, bool *match,
                         char *ev, size_t len);

struct fake_rule {
	const char *id, *title, *cause, *severity, *advice;
	int priority;
	oomsift_rule_subject subject;
	unsigned line;
	fake_when when;
	const char *log_match, *log_no_match;
};

struct oomsift_rules {
	bool loaded[FAKE_RULES];
	bool disabled[FAKE_RULES];
	double min_share;
};

static int text_field(const oomsift_rule_ctx *ctx, const char *name, const char **out)
{
	oomsift_value v;
	int rc = ctx->field(ctx->data, name, &v);

	*out = rc == 0 && v.type == OOMSIFT_VALUE_TEXT ? v.s : NULL;
	return rc;
}

static int memcg_limit(const oomsift_rules *rs, const oomsift_rule_ctx *ctx, bool *match, char *ev,
                       size_t len)
{
	const char *kind, *memcg;
	oomsift_value limit;
	int rc;

	if ((rc = text_field(ctx, "kind", &kind)) < 0 ||
	    (rc = text_field(ctx, "oom_memcg", &memcg)) < 0 ||
	    (rc = ctx->field(ctx->data, "memcg_limit_kb", &limit)) < 0)
		return rc;
	*match = kind && strcmp(kind, "memcg_oom") == 0;
	snprintf(ev, len, "cgroup %s hit its limit of %lld kB", memcg ? memcg : "?",
	         limit.type == OOMSIFT_VALUE_INT ? (long long)limit.i : -1LL);
	return 0;
}

static int single_hog(const oomsift_rules *rs, const oomsift_rule_ctx *ctx, bool *match, char *ev,
                      size_t len)
{
	oomsift_value share;
	const char *name;
	int rc;

	if ((rc = ctx->field(ctx->data, "largest.share", &share)) < 0 ||
	    (rc = text_field(ctx, "largest.name", &name)) < 0)
		return rc;
	*match = share.type == OOMSIFT_VALUE_REAL && share.d >= rs->min_share;
	snprintf(ev, len, "%s held %.0f%% of the tasks' memory", name ? name : "?",
	         share.type == OOMSIFT_VALUE_REAL ? share.d * 100 : 0.0);
	return 0;
}

static int growing_task(const oomsift_rules *rs, const oomsift_rule_ctx *ctx, bool *match, char *ev,
                        size_t len)
{
	oomsift_trend_spec spec = {.figure = "task_rss_kb", .window_s = 30 * 86400.0};
	oomsift_trend t;
	int rc;

	if ((rc = text_field(ctx, "victim_comm", &spec.name)) < 0)
		return rc;
	*match = false;
	if (!spec.name)
		return 0;
	if ((rc = ctx->trend(ctx->data, &spec, &t)) < 0)
		return rc;
	*match = t.points >= 3 && t.slope_per_day > 0;
	snprintf(ev, len, "%s grew by %.0f kB a day over %lld kills", spec.name, t.slope_per_day,
	         (long long)t.points);
	return 0;
}

static int repeat_victim(const oomsift_rules *rs, const oomsift_rule_ctx *ctx, bool *match,
                         char *ev, size_t len)
{
	static const char *const same[] = {"victim_comm"};
	oomsift_history_spec h = {OOMSIFT_SUBJECT_EVENT, same, 1, 30 * 86400.0};
	int64_t n;
	int rc;

	if ((rc = ctx->history(ctx->data, &h, &n)) < 0)
		return rc;
	*match = n >= 3;
	snprintf(ev, len, "%lld kills of the same process in 30 days", (long long)n);
	return 0;
}

static int overcommit_refused(const oomsift_rules *rs, const oomsift_rule_ctx *ctx, bool *match,
                              char *ev, size_t len)
{
	oomsift_value mode;
	const char *kind;
	int rc;

	if ((rc = text_field(ctx, "kind", &kind)) < 0 ||
	    (rc = ctx->field(ctx->data, "fact.vm.overcommit_memory", &mode)) < 0)
		return rc;
	*match = kind && strcmp(kind, "overcommit_refusal") == 0;
	if (mode.type == OOMSIFT_VALUE_INT)
		snprintf(ev, len, "refused with vm.overcommit_memory = %lld", (long long)mode.i);
	else
		snprintf(ev, len, "refused; the overcommit mode is unknown");
	return 0;
}

static const fake_rule fake_rules[FAKE_RULES] = {
    {"memcg_limit", "A memory cgroup hit its limit", "memcg_limit", "medium",
     "Raise the cgroup's memory limit, or shrink what runs in it.", 60, OOMSIFT_SUBJECT_EVENT, 10,
     memcg_limit,
     "[  100.000000] Memory cgroup out of memory: Killed process 4242 (stress) "
     "total-vm:2000000kB, anon-rss:1600000kB, file-rss:0kB, shmem-rss:4kB, UID:1000 "
     "pgtables:3200kB oom_score_adj:0\n",
     "[  100.000000] Out of memory: Killed process 4242 (stress) total-vm:2000000kB, "
     "anon-rss:1600000kB, file-rss:0kB, shmem-rss:4kB, UID:1000 pgtables:3200kB "
     "oom_score_adj:0\n"},
    {"single_hog", "One process held most of the memory", "single_hog", "high", NULL, 50,
     OOMSIFT_SUBJECT_EVENT, 20, single_hog, NULL, NULL},
    {"growing_task", "A process grows from kill to kill", "leak", "medium",
     "Look for a leak in it.", 20, OOMSIFT_SUBJECT_EVENT, 30, growing_task, NULL, NULL},
    {"repeat_victim", "The same process is killed again and again", "repeat_victim", "low", NULL,
     10, OOMSIFT_SUBJECT_EVENT, 40, repeat_victim, NULL, NULL},
    {"overcommit_refused", "An allocation was refused", "overcommit_refusal", "medium",
     "Check vm.overcommit_memory and CommitLimit.", 40, OOMSIFT_SUBJECT_MEMORY_EVENT, 50,
     overcommit_refused,
     "Nov 20 08:05:00 db02 kernel: [ 4928.101010] __vm_enough_memory: pid: 7001, comm: "
     "stress-ng-vm, not enough memory for the allocation\n",
     NULL},
};

int oomsift_rules_new(oomsift_rules **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	(*out)->min_share = FAKE_MIN_SHARE;
	return 0;
}

void oomsift_rules_free(oomsift_rules *rs)
{
	free(rs);
}

int oomsift_rules_load_builtin(oomsift_rules *rs)
{
	for (size_t i = 0; i < FAKE_RULES; i++)
		rs->loaded[i] = true;
	return 0;
}

int oomsift_rules_load_buffer(oomsift_rules *rs, const char *name, const char *text, size_t len)
{
	size_t line = 0;

	while (line < len && text[line] != '\n')
		line++;
	return oomsift_error_set(OOMSIFT_ERULE,
	                         "%s:1:1: the test rule engine reads no rule files\n%.*s\n^", name,
	                         (int)line, text);
}

int oomsift_rules_load_file(oomsift_rules *rs, const char *path)
{
	char text[FAKE_TEXT];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", path,
		                         strerror(errno));
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	return oomsift_rules_load_buffer(rs, path, text, n);
}

static int yaml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return (n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(d->d_name + n - 4, ".yml") == 0);
}

int oomsift_rules_load_dir(oomsift_rules *rs, const char *dir, bool missing_ok)
{
	struct dirent **list;
	int n = scandir(dir, &list, yaml_name, alphasort), rc = 0;

	if (n < 0) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", dir, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (rc == 0)
			rc = oomsift_rules_load_file(rs, path);
		free(list[i]);
	}
	free(list);
	return rc;
}

static int find(const oomsift_rules *rs, const char *id)
{
	for (int i = 0; i < FAKE_RULES; i++)
		if (rs->loaded[i] && strcmp(fake_rules[i].id, id) == 0)
			return i;
	return -1;
}

int oomsift_rules_disable(oomsift_rules *rs, const char *id)
{
	int i = find(rs, id);

	if (i < 0)
		return oomsift_error_set(OOMSIFT_ENOTFOUND, "no rule '%s' to disable", id);
	rs->disabled[i] = true;
	return 0;
}

int oomsift_rules_set_threshold(oomsift_rules *rs, const char *name, double value)
{
	if (strcmp(name, "single_hog.min_share") != 0)
		return oomsift_error_set(OOMSIFT_ENOTFOUND, "no threshold '%s'", name);
	rs->min_share = value;
	return 0;
}

size_t oomsift_rules_count(const oomsift_rules *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < FAKE_RULES; i++)
		n += rs->loaded[i];
	return n;
}

void oomsift_rules_get(const oomsift_rules *rs, size_t i, oomsift_rule_info *out)
{
	size_t k = 0;

	for (size_t r = 0; r < FAKE_RULES; r++) {
		if (!rs->loaded[r] || k++ != i)
			continue;
		*out = (oomsift_rule_info){.id = fake_rules[r].id,
		                           .title = fake_rules[r].title,
		                           .cause = fake_rules[r].cause,
		                           .severity = fake_rules[r].severity,
		                           .description = fake_rules[r].title,
		                           .origin = "builtin",
		                           .line = fake_rules[r].line,
		                           .priority = fake_rules[r].priority,
		                           .subject = fake_rules[r].subject,
		                           .disabled = rs->disabled[r]};
		return;
	}
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

void oomsift_rules_fingerprint(const oomsift_rules *rs, char out[33])
{
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;

	for (size_t i = 0; i < FAKE_RULES; i++)
		if (rs->loaded[i] && !rs->disabled[i]) {
			a = fnv(a, fake_rules[i].id, strlen(fake_rules[i].id) + 1);
			b = fnv(b, fake_rules[i].id, strlen(fake_rules[i].id) + 1);
		}
	a = fnv(a, &rs->min_share, sizeof(rs->min_share));
	b = fnv(b, &rs->min_share, sizeof(rs->min_share));
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

static const oomsift_rule_field fake_fields[] = {
    {"kind", OOMSIFT_VALUE_TEXT, "the event's kind"},
    {"largest.share", OOMSIFT_VALUE_REAL, "the largest task's share of the tasks' memory"},
};

const oomsift_rule_field *oomsift_rules_fields(oomsift_rule_subject subject, size_t *n)
{
	*n = sizeof(fake_fields) / sizeof(fake_fields[0]);
	return fake_fields;
}

typedef struct fake_match {
	size_t rule;
	char evidence[FAKE_TEXT];
} fake_match;

static int call(oomsift_rule_match_cb cb, void *cbdata, const fake_match *m, bool primary)
{
	const fake_rule *r = &fake_rules[m->rule];
	oomsift_rule_match out = {.rule_id = r->id,
	                          .cause = r->cause,
	                          .severity = r->severity,
	                          .priority = r->priority,
	                          .primary = primary,
	                          .evidence = m->evidence,
	                          .advice = r->advice};

	return cb(cbdata, &out);
}

int oomsift_rules_eval(const oomsift_rules *rs, oomsift_rule_subject subject,
                       const oomsift_rule_ctx *ctx, oomsift_rule_match_cb cb, void *cbdata)
{
	fake_match m[FAKE_RULES];
	size_t n = 0, primary = 0;
	int rc;

	/* fake_rules is in priority order: the first match is the primary one */
	for (size_t i = 0; i < FAKE_RULES; i++) {
		bool match = false;
		if (!rs->loaded[i] || rs->disabled[i] || fake_rules[i].subject != subject)
			continue;
		if ((rc = fake_rules[i].when(rs, ctx, &match, m[n].evidence,
		                             sizeof(m[n].evidence))) < 0)
			return rc;
		if (match)
			m[n++].rule = i;
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = call(cb, cbdata, &m[i], i == primary)) < 0)
			return rc;
	return 0;
}

static int run_example(const oomsift_rules *rs, size_t i, oomsift_rules_log_runner runner,
                       const char *log, bool must, void (*report)(void *, const char *), void *data,
                       oomsift_rules_test_stats *st)
{
	const fake_rule *r = &fake_rules[i];
	bool matched;
	int rc;

	if (!log)
		return 0;
	st->examples++;
	if ((rc = runner(NULL, rs, r->id, r->subject, log, strlen(log), &matched)) < 0)
		return rc;
	if (matched != must) {
		char msg[FAKE_TEXT];
		snprintf(msg, sizeof(msg), "builtin:%u: rule %s: example 1 must %smatch: it %s",
		         r->line, r->id, must ? "" : "not ", matched ? "matched" : "did not");
		report(data, msg);
		st->failed++;
	}
	return 0;
}

int oomsift_rules_test(const oomsift_rules *rs, oomsift_rules_log_runner runner,
                       void (*report)(void *data, const char *message), void *data,
                       oomsift_rules_test_stats *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < FAKE_RULES; i++) {
		if (!rs->loaded[i] || rs->disabled[i])
			continue;
		st->rules++;
		if (!runner)
			continue;
		if ((rc = run_example(rs, i, runner, fake_rules[i].log_match, true, report, data,
		                      st)) < 0 ||
		    (rc = run_example(rs, i, runner, fake_rules[i].log_no_match, false, report,
		                      data, st)) < 0)
			return rc;
	}
	return 0;
}
