/*
 * libFuzzer target: the rule loader (rules/yaml.c, load.c, cond.c,
 * template.c, example.c) through oomsift_rules_load_buffer(): the input is
 * the text of a rule file. A set that loads is then inspected (every rule,
 * the fingerprint) and evaluated on one subject of each kind through a fixed
 * context, which renders the evidence and advice templates of every rule
 * that matches.
 */
#include <stdint.h>
#include <string.h>

#include "oomsift/rules.h"

/* A value of the field's own type, the same for every subject. */
static int field_value(void *data, const char *name, oomsift_value *out)
{
	const oomsift_rule_subject *subject = data;
	const oomsift_rule_field *f = oomsift_rules_field(*subject, name);
	memset(out, 0, sizeof(*out));
	if (!f)
		return 0;
	out->type = f->type;
	out->i = 3;
	out->d = 0.75;
	out->s = "fuzz";
	out->len = 4;
	return 0;
}

static int history_count(void *data, const oomsift_history_spec *h, int64_t *count)
{
	*count = (int64_t)h->nsame + 2;
	return 0;
}

static int trend_value(void *data, const oomsift_trend_spec *t, oomsift_trend *out)
{
	out->points = 4;
	out->slope_per_day = 1024.0;
	out->first = 1.0;
	out->last = 4096.0;
	return 0;
}

static int take_match(void *cbdata, const oomsift_rule_match *m)
{
	size_t *sum = cbdata;
	*sum += strlen(m->rule_id) + strlen(m->cause) + strlen(m->severity) +
	        (m->evidence ? strlen(m->evidence) : 0) + (m->advice ? strlen(m->advice) : 0);
	return 0;
}

static void inspect(const oomsift_rules *rs)
{
	size_t sum = 0;
	for (size_t i = 0; i < oomsift_rules_count(rs); i++) {
		oomsift_rule_info info;
		oomsift_rules_get(rs, i, &info);
		sum += strlen(info.id) + strlen(info.origin);
	}
	char fp[33];
	oomsift_rules_fingerprint(rs, fp);
	oomsift_rule_subject subjects[] = {OOMSIFT_SUBJECT_EVENT, OOMSIFT_SUBJECT_MEMORY_EVENT};
	for (size_t i = 0; i < 2; i++) {
		oomsift_rule_ctx ctx = {field_value, history_count, trend_value, &subjects[i]};
		oomsift_rules_eval(rs, subjects[i], &ctx, take_match, &sum);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oomsift_rules *rs;
	if (oomsift_rules_new(&rs) < 0)
		return 0;
	if (oomsift_rules_load_buffer(rs, "fuzz.yaml", (const char *)data, size) == 0)
		inspect(rs);
	oomsift_rules_free(rs);
	return 0;
}
