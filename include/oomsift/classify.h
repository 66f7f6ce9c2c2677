/*
 * Root causes in the store: every OOM event and memory event evaluated by a
 * rule set (rules.h), each matching rule kept as a row of the classifications
 * view, and the primary cause as the `cause` column of oom_events and
 * memory_events (docs/schema.md, "classifications").
 */
#ifndef OOMSIFT_CLASSIFY_H
#define OOMSIFT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/rules.h"
#include "oomsift/store.h"

/* How far later events of a host reach back: a new subject has the subjects
 * of its host up to this much later evaluated again, as their history and
 * trend rules may now count it. */
#define OOMSIFT_CLASSIFY_REACH_S (30.0 * 86400.0)

/* Subjects written per transaction. */
#define OOMSIFT_CLASSIFY_BATCH 500

/* Distinct primary causes counted in oomsift_classify_stats; more are
 * counted in causes_other. */
#define OOMSIFT_CLASSIFY_MAX_CAUSES 64

typedef struct oomsift_classify_opts {
	bool all; /* evaluate every subject */
	/* When given: evaluate exactly these events (and no memory event),
	 * whatever they were classified with. */
	const int64_t *event_ids;
	size_t nevent_ids;
} oomsift_classify_opts;

typedef struct oomsift_classify_cause {
	char cause[64];
	uint64_t n;
} oomsift_classify_cause;

typedef struct oomsift_classify_stats {
	uint64_t events, memory_events; /* subjects evaluated */
	uint64_t matched;               /* of them, with at least one matching rule */
	uint64_t changed;               /* of them, whose stored classification changed */
	bool rules_changed;             /* the store was classified with another rule set */
	/* primary causes of the subjects evaluated, most frequent first */
	oomsift_classify_cause causes[OOMSIFT_CLASSIFY_MAX_CAUSES];
	size_t ncauses;
	uint64_t causes_other;
} oomsift_classify_stats;

/* Classifies the store's subjects with rs (borrowed). Evaluated are: with
 * o->all every subject; with o->event_ids those events; else every subject
 * never evaluated with this rule set (new, changed since, or evaluated with
 * other rules) and the subjects of the same host up to
 * OOMSIFT_CLASSIFY_REACH_S after a new or changed one. A subject's rows are
 * rewritten only where they differ, so an unchanged row keeps its
 * classified_at and a second run changes nothing. OOMSIFT_CLASSIFY_BATCH
 * subjects per transaction: an interrupted run leaves the rest to the next.
 * o may be NULL; st (may be NULL) is filled in. Fails with the rule
 * engine's or the store's code; OOMSIFT_ERULE when a rule asks what the store
 * cannot answer (a field no view has, a history or trend that compares a
 * field that is not a column, an unknown trend figure). */
int oomsift_classify(oomsift_store *s, const oomsift_rules *rs, const oomsift_classify_opts *o,
                     oomsift_classify_stats *st);

/* The oomsift_rules_log_runner of rules.h: ingests log (len bytes) into a
 * private in-memory store, classifies it with rs and tells whether rule_id
 * matched the first subject (lowest id) of kind `subject`. data is unused.
 * OOMSIFT_ERULE when the log yields no subject of that kind. */
int oomsift_classify_log_runner(void *data, const oomsift_rules *rs, const char *rule_id,
                                oomsift_rule_subject subject, const char *log, size_t len,
                                bool *matched);

/* One stored classification; the strings are valid during the callback. */
typedef struct oomsift_classification {
	const char *rule_id, *cause, *severity;
	const char *evidence, *advice; /* NULL when the rule has none */
	const char *classified_at;
	int priority;
	bool primary;
} oomsift_classification;

typedef int (*oomsift_classification_cb)(void *ctx, const oomsift_classification *c);

/* Calls cb for each stored classification of a subject: the primary one
 * first, then by priority (highest first) and rule id. A negative return
 * from cb stops it with that code. Works on a read-only store. */
int oomsift_classification_list(oomsift_store *s, oomsift_rule_subject subject, int64_t id,
                                oomsift_classification_cb cb, void *ctx);

#endif
