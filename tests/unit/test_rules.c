/* Unit tests of rules/: loading and every error a rule file can have (whole
 * messages with their source line and caret), evaluation of every operator
 * and of history and trend conditions through a fake context, templates and
 * their formats, priorities, overrides, disabling, thresholds, the
 * fingerprint, examples and oomsift_rules_test(), the caps, the built-in
 * rules, and the field registry against the store's views and docs/rules.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "oomsift/error.h"
#include "oomsift/rules.h"
#include "oomsift/store.h"
#include "rules/internal.h"

#define DOCS OOMSIFT_TEST_DATA "/../../docs/rules.md"

/* A rule laid out one key a line, so that errors have known lines:
 *  1 rules:            6 when          10.. examples (EX_STD: lines 10, 11)
 *  2 - id: r           7 evidence      then EXTRA (line 12 with EX_STD)
 *  3 title 4 cause 5 severity  8 advice  9 examples: */
#define HEAD "id: r\n  title: T\n  cause: c\n  severity: low\n"
#define RULEX(head, when, evidence, examples, extra)                                               \
	"rules:\n- " head "  when: " when "\n  evidence: " evidence                                \
	"\n  advice: a\n  examples:\n" examples extra
#define EX_STD         "    match: [event: {manual: 1}]\n    no_match: [event: {manual: 0}]\n"
#define W_STD          "{field: manual, equals: 1}"
#define STD(when)      RULEX(HEAD, when, "e", EX_STD, "")
#define STDX(when, x)  RULEX(HEAD, when, "e", EX_STD, x)
#define EVID(evidence) RULEX(HEAD, W_STD, evidence, EX_STD, "")
#define EXAMPLES(ex)   RULEX(HEAD, W_STD, "e", ex, "")

/* ---- helpers ---- */

static oomsift_rules *new_set(void)
{
	oomsift_rules *rs = NULL;

	assert_int_equal(oomsift_rules_new(&rs), 0);
	return rs;
}

static int load(oomsift_rules *rs, const char *yaml)
{
	return oomsift_rules_load_buffer(rs, "t.yaml", yaml, strlen(yaml));
}

static void load_ok(oomsift_rules *rs, const char *yaml)
{
	if (load(rs, yaml) != 0)
		fail_msg("load failed: %s\n--- yaml:\n%s", oomsift_error_message(), yaml);
}

/* Line `line` (1-based) of text, in buf. */
static const char *nth_line(const char *text, int line, char *buf, size_t cap)
{
	const char *p = text, *e;

	for (int l = 1; l < line && p; l++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		p = "";
	e = strchr(p, '\n');
	snprintf(buf, cap, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
	return buf;
}

/* The error of loading yaml must be, whole: "t.yaml:LINE:COL: msg", the line
 * and a caret under the first occurrence of `at` in that line. */
static void expect_error_at(const char *yaml, int line, const char *at, const char *msg)
{
	oomsift_rules *rs = new_set();
	char src[4096], want[8192];
	const char *hit;
	int col, rc;

	nth_line(yaml, line, src, sizeof(src));
	hit = strstr(src, at);
	if (!hit)
		fail_msg("'%s' is not in line %d: '%s'", at, line, src);
	col = (int)(hit - src) + 1;
	snprintf(want, sizeof(want), "t.yaml:%d:%d: %s\n%s\n%*s^", line, col, msg, src, col - 1,
	         "");
	rc = load(rs, yaml);
	if (rc != OOMSIFT_ERULE || strcmp(oomsift_error_message(), want) != 0)
		fail_msg("rc %d\n--- got:\n%s\n--- want:\n%s\n--- yaml:\n%s", rc,
		         oomsift_error_message(), want, yaml);
	assert_int_equal(oomsift_rules_count(rs), 0);
	oomsift_rules_free(rs);
}

/* ---- errors, one row per kind ---- */

typedef struct error_case {
	const char *yaml;
	int line;
	const char *at;
	const char *msg;
} error_case;

static const error_case file_errors[] = {
    {"rules: []\nrule: []\n", 2,
     "rule:", "unknown key 'rule' (expected one of: rules, disable, thresholds)"},
    {"- a\n", 1, "-", "a rule file is a mapping (rules, disable, thresholds), not a sequence"},
    {"rules: {a: 1}\n", 1, "{", "'rules' needs a sequence of rules, not a mapping"},
    {"rules: [1]\n", 1, "1", "a rule is a mapping, not number 1"},
    {"rules: []\n---\nrules: []\n", 2, "---", "a rule file holds one YAML document"},
    {"rules: &a []\ndisable: *a\n", 2, "*a", "YAML aliases ('*a') are not supported"},
    {"rules: !!seq []\n", 1, "!!seq", "YAML tags ('tag:yaml.org,2002:seq') are not supported"},
    {"rules: []\nrules: []\n", 2, "rules", "duplicate key 'rules' (first at line 1)"},
    {"? [a]\n: 1\n", 1, "[", "a mapping key must be a scalar"},
    {"rules: [a, b\nc: d\n", 2, ":",
     "bad YAML: did not find expected ',' or ']' while "
     "parsing a flow sequence"},
    {"disable: r\n", 1, "r", "'disable' needs a sequence of rule ids, not text 'r'"},
    {STD(W_STD) "disable: [r, nope]\n", 12, "nope", "unknown rule 'nope' in disable"},
    {STD(W_STD) "thresholds: {nope.x: 1}\n", 12, "nope", "unknown rule 'nope' in thresholds"},
    {STD(W_STD) "thresholds: {x: 1}\n", 12, "x", "bad threshold 'x' (write RULE_ID.NAME)"},
    {STD(W_STD) "thresholds: {r.x: 1}\n", 12, "r.x", "rule 'r' has no threshold 'x'"},
    {STD(W_STD) "thresholds: [1]\n", 12, "[",
     "'thresholds' needs a mapping of RULE_ID.NAME to numbers, not a sequence"},
    {RULEX(HEAD, "{field: largest.share, gt: $min}", "e",
           "    match: [event: {largest.share: 1}]\n    no_match: [event: {}]\n",
           "  thresholds: {min: 0.5}\n") "thresholds: {r.min: big}\n",
     13, "big", "'r.min' needs a number, not text 'big'"},
    {STD(W_STD) "- " HEAD "  when: " W_STD "\n  evidence: e\n  advice: a\n  examples:\n" EX_STD, 12,
     "r", "duplicate rule id 'r' (first at line 2)"},
};

static const error_case rule_errors[] = {
    {STDX(W_STD, "  whn: x\n"), 12, "whn",
     "unknown key 'whn' (expected one of: id, title, cause, severity, priority, on, "
     "description, thresholds, when, evidence, advice, examples)"},
    {"rules:\n- id: r\n  title: T\n", 2, "id", "missing key 'cause' in rule 'r'"},
    {"rules:\n- title: T\n", 2, "title", "missing key 'id' in rule"},
    {RULEX("id: Bad-Id\n  title: T\n  cause: c\n  severity: low\n", W_STD, "e", EX_STD, ""), 2,
     "Bad", "bad rule id 'Bad-Id' (use a-z, 0-9 and _, at most 64 characters)"},
    {RULEX("id: r\n  title: T\n  cause: Nope\n  severity: low\n", W_STD, "e", EX_STD, ""), 4,
     "Nope", "bad cause 'Nope' (use a-z, 0-9 and _, at most 64 characters)"},
    {RULEX("id: r\n  title: T\n  cause: c\n  severity: severe\n", W_STD, "e", EX_STD, ""), 5,
     "severe", "unknown severity 'severe' (expected one of: info, low, medium, high, critical)"},
    {RULEX("id: r\n  title: ~\n  cause: c\n  severity: low\n", W_STD, "e", EX_STD, ""), 3, "~",
     "'title' needs text, not null"},
    {STDX(W_STD, "  priority: high\n"), 12, "high",
     "'priority' needs an integer from -1000000 to 1000000, not text 'high'"},
    {STDX(W_STD, "  on: memory\n"), 12, "memory",
     "unknown subject 'memory' (expected event or memory_event)"},
    {STDX(W_STD, "  thresholds: {min: abc}\n"), 12, "abc",
     "threshold 'min' needs a number, not text 'abc'"},
    {STDX(W_STD, "  thresholds: {Min: 1}\n"), 12, "Min",
     "bad threshold name 'Min' (use a-z, 0-9 and _, at most 64 characters)"},
    {STDX(W_STD, "  thresholds: {min: 1}\n"), 12, "min",
     "threshold 'min' is not used (refer to it as $min or {threshold.min})"},
    {STDX(W_STD, "  description: [a]\n"), 12, "[", "'description' needs text, not a sequence"},
};

static const error_case cond_errors[] = {
    {STD("{field: victm_comm, equals: x}"), 6, "victm_comm",
     "unknown field 'victm_comm' (did you mean 'victim_comm'?)"},
    {STD("{field: nosuchthing, equals: x}"), 6, "nosuchthing", "unknown field 'nosuchthing'"},
    {STD("{field: fact., equals: 1}"), 6, "fact.", "unknown field 'fact.'"},
    {STD("{field: [a], equals: 1}"), 6, "[a]", "'field' needs a field name, not a sequence"},
    {STD("{field: victim_pid, gt: abc}"), 6, "abc", "'gt' needs a number, not text 'abc'"},
    {STD("{field: victim_pid, le: [1]}"), 6, "[1]", "'le' needs a number, not a sequence"},
    {STD("{field: victim_comm, gt: 5}"), 6, "gt",
     "field 'victim_comm' is text: 'gt' compares numbers"},
    {STD("{field: victim_pid, contains: x}"), 6, "contains",
     "field 'victim_pid' is a number: 'contains' compares text"},
    {STD("{field: victim_pid, equals: 1.5}"), 6, "1.5",
     "field 'victim_pid' is an integer: 'equals' needs an integer, not number 1.5"},
    {STD("{field: largest.share, equals: x}"), 6, "x}",
     "field 'largest.share' is a number: 'equals' needs a number, not text 'x'"},
    {STD("{field: victim_comm, equals: 123}"), 6, "123",
     "'equals' needs text, not number 123 (write \"123\" for the text)"},
    {STD("{field: victim_comm, equals: true}"), 6, "true",
     "'equals' needs text, not true (write \"true\" for the text)"},
    {STD("{field: victim_pid, in: 5}"), 6, "5}", "'in' needs a sequence of values, not number 5"},
    {STD("{field: victim_pid, in: []}"), 6, "[]", "'in' needs at least one value"},
    {STD("{field: victim_pid, in: [1, x]}"), 6, "x]",
     "field 'victim_pid' is an integer: 'in' needs an integer, not text 'x'"},
    {STD("{field: victim_pid, exists: yes}"), 6, "yes",
     "'exists' needs true or false, not text 'yes'"},
    {STD("{field: kind, regex: \"mem(cg\"}"), 6, "\"}",
     "bad regex: missing closing parenthesis at offset 6"},
    {STD("{field: kind, regex: 'a{2,1}'}"), 6, "}'",
     "bad regex: numbers out of order in {} quantifier at offset 5"},
    {STD("{field: kind, regex: 5}"), 6, "5}",
     "'regex' needs text, not number 5 (write \"5\" for "
     "the text)"},
    {STDX("{field: kind, contains: $x}", "  thresholds: {x: 1}\n"), 6, "$x",
     "'contains' needs text, not threshold '$x' (quote it for the text)"},
    {STD("{field: victim_pid, gt: $foo}"), 6, "$foo", "unknown threshold '$foo'"},
    {STDX("{field: kind, equals: $x}", "  thresholds: {x: 1}\n"), 6, "$x",
     "field 'kind' is text: threshold '$x' is a number"},
    {STD("{field: victim_pid, gt: 1, lt: 5}"), 6, "lt",
     "a condition takes one operator: 'gt' and 'lt' here (put them under all:)"},
    {STD("{field: victim_pid, all: []}"), 6, "all",
     "'field' and 'all' cannot be combined in one condition (put them under all: or any:)"},
    {STD("{gt: 1}"), 6, "gt", "'gt' needs a field, history or trend to compare (add field: NAME)"},
    {STD("{}"), 6, "{}", "empty condition (use one of: all, any, not, field, history, trend)"},
    {STD("[]"), 6, "[]",
     "a condition is a mapping with one of: all, any, not, field, history, trend; not a "
     "sequence"},
    {STD("{all: [" W_STD "], gt: 1}"), 6, "gt", "'gt' does not go with 'all'"},
    {STD("{all: " W_STD "}"), 6, "{field", "'all' needs a sequence of conditions, not a mapping"},
    {STD("{any: []}"), 6, "[]", "'any' needs at least one condition"},
    {STD("{not: [" W_STD "]}"), 6, "[",
     "a condition is a mapping with one of: all, any, not, field, history, trend; not a "
     "sequence"},
    {STD("{field: manual}"), 6, "field",
     "field condition needs an operator (one of: equals, in, "
     "gt, ge, lt, le, contains, startswith, regex, exists)"},
    {STD("{field: manual, equal: 1}"), 6, "equal:",
     "unknown key 'equal' (expected one of: all, any, not, field, history, trend, equals, in, "
     "gt, ge, lt, le, contains, startswith, regex, exists)"},
    {STD("{all: [{any: [{not: {field: manul, equals: 1}}]}]}"), 6, "manul",
     "unknown field 'manul' (did you mean 'manual'?)"},
    {STDX("{field: victim_comm, equals: x}", "  on: memory_event\n"), 6, "victim_comm",
     "unknown field 'victim_comm'"},
};

static const error_case history_errors[] = {
    {STD("{history: 5, ge: 1}"), 6, "5", "'history' needs a mapping, not number 5"},
    {STD("{history: {same: [host]}, ge: 2}"), 6, "{same", "missing key 'window' in history"},
    {STD("{history: {window: 3x}, ge: 2}"), 6, "3x", "bad duration '3x' (use s, m, h, d or w)"},
    {STD("{history: {window: d}, ge: 2}"), 6, "d}", "bad duration 'd' (use s, m, h, d or w)"},
    {STD("{history: {window: 1.5d}, ge: 2}"), 6, "1.5d",
     "bad duration '1.5d' (use s, m, h, d or w)"},
    {STD("{history: {window: [1d]}, ge: 2}"), 6, "[1d]",
     "'window' needs a duration such as 30d, not a sequence"},
    {STD("{history: {window: 0d}, ge: 2}"), 6, "0d", "duration '0d' must be positive"},
    {STD("{history: {window: 522w}, ge: 2}"), 6, "522w",
     "duration '522w' is too long (at most 3650d)"},
    {STD("{history: {window: 99999999999999d}, ge: 2}"), 6, "999",
     "duration '99999999999999d' is too long (at most 3650d)"},
    {STD("{history: {window: 1d}, contains: x}"), 6, "contains",
     "'contains' does not apply to history (use equals, in, gt, ge, lt or le)"},
    {STD("{history: {window: 1d}, ge: many}"), 6, "many", "'ge' needs a number, not text 'many'"},
    {STD("{history: {of: foo, window: 1d}, ge: 2}"), 6, "foo",
     "unknown subject 'foo' (expected event or memory_event)"},
    {STD("{history: {window: 1d, last: 2}, ge: 2}"), 6, "last",
     "unknown key 'last' (expected one of: of, same, window)"},
    {STD("{history: {same: [hots], window: 1d}, ge: 2}"), 6, "hots",
     "unknown field 'hots' (did you mean 'host'?)"},
    {STD("{history: {same: host, window: 1d}, ge: 2}"), 6, "host",
     "'same' needs a sequence of field names, not text 'host'"},
    {STD("{history: {of: memory_event, same: [victim_comm], window: 1d}, ge: 2}"), 6, "victim_comm",
     "field 'victim_comm' is not a field of memory_event"},
    {STD("{all: [{history: {window: 1d}, ge: 2}, {history: {window: 2d}, ge: 3}]}"), 6,
     "history: {window: 2d", "a rule has one history condition at most (the first is at line 6)"},
    {STD("{trend: {figure: rss, window: 1d}, gt: 1}"), 6, "rss",
     "unknown figure 'rss' (expected one of: task_rss_kb, victim_rss_kb, memcg_usage_kb)"},
    {STD("{trend: {window: 1d}, gt: 1}"), 6, "{window", "missing key 'figure' in trend"},
    {STD("{trend: {figure: task_rss_kb, window: 1d}, gt: 1}"), 6, "{figure",
     "figure task_rss_kb needs 'name' (the task name, e.g. {largest.name})"},
    {STD("{trend: {figure: victim_rss_kb, name: x, window: 1d}, gt: 1}"), 6, "x,",
     "'name' only applies to figure task_rss_kb"},
    {STD("{trend: {figure: victim_rss_kb, window: 1d, min_points: 1}, gt: 1}"), 6, "1}",
     "'min_points' needs an integer from 2 to 10000, not number 1"},
    {STD("{trend: {figure: victim_rss_kb, window: 1d}, equals: 1}"), 6, "equals",
     "'equals' does not apply to trend (use gt, ge, lt or le)"},
    {STD("{trend: {figure: task_rss_kb, name: '{history.count}', window: 1d}, gt: 1}"), 6,
     "history.count", "a trend's name cannot use 'history.count'"},
    {STD("{trend: {figure: task_rss_kb, name: '{larg.name}', window: 1d}, gt: 1}"), 6, "larg.name",
     "unknown field 'larg.name' in template"},
    {STD("{trend: {figure: task_rss_kb, name: [x], window: 1d}, gt: 1}"), 6, "[x]",
     "'name' needs text"},
};

static const error_case template_errors[] = {
    {EVID("\"{foo}\""), 7, "foo", "unknown field 'foo' in template"},
    {EVID("\"{victim_com}\""), 7, "victim_com",
     "unknown field 'victim_com' in template (did you mean 'victim_comm'?)"},
    {EVID("\"{victim_rss_kb|kib}\""), 7, "kib",
     "unknown format 'kib' in template (kb, bytes, pages, pct, int, text)"},
    {EVID("\"{victim_rss_kb|}\""), 7, "}\"",
     "unknown format '' in template (kb, bytes, pages, pct, int, text)"},
    {EVID("\"{victim_comm|kb}\""), 7, "kb}",
     "format 'kb' needs a number, but 'victim_comm' is text"},
    {EVID("\"{threshold.nope}\""), 7, "threshold", "unknown threshold 'nope' in template"},
    {EVID("\"{history.count}\""), 7, "history",
     "template uses 'history.count', but the rule has no history condition"},
    {EVID("\"{trend.points}\""), 7, "trend",
     "template uses 'trend.points', but the rule has no trend condition"},
    {EVID("\"{trend.slope}\""), 7, "trend",
     "unknown value 'trend.slope' in template (trend.slope_per_day, trend.points, trend.first, "
     "trend.last)"},
    {EVID("\"{history.sum}\""), 7, "history",
     "unknown value 'history.sum' in template "
     "(history.count)"},
    {EVID("\"a {b\""), 7, "{b", "unclosed '{' in template (write {{ for a brace)"},
    {EVID("\"a {b {c}\""), 7, "{b", "unclosed '{' in template (write {{ for a brace)"},
    {EVID("\"a } b\""), 7, "}", "unmatched '}' in template (write }} for a brace)"},
    {EVID("\"x {}\""), 7, "{}", "empty placeholder in template (write {{ for a brace)"},
    {EVID("{foo}"), 7, "{foo}", "'evidence' needs text, not a mapping"},
    {EVID("[a]"), 7, "[a]", "'evidence' needs text, not a sequence"},
    {EVID("plain {victim_comm} and {nope}"), 7, "nope", "unknown field 'nope' in template"},
    {EVID("'single {victim_comm} and {nope}'"), 7, "nope", "unknown field 'nope' in template"},
};

static const error_case example_errors[] = {
    {EXAMPLES("    match: [event: {manual: 1}]\n"), 10, "match",
     "missing key 'no_match' in examples (a rule needs at least one example that matches and "
     "one that does not)"},
    {EXAMPLES("    no_match: [event: {manual: 0}]\n"), 10, "no_match",
     "missing key 'match' in examples (a rule needs at least one example that matches and one "
     "that does not)"},
    {EXAMPLES("    match: []\n    no_match: [event: {manual: 0}]\n"), 10, "[]",
     "'match' needs at least one example"},
    {EXAMPLES("    match: {event: {}}\n    no_match: [event: {manual: 0}]\n"), 10, "{event",
     "'match' needs a sequence of examples, not a mapping"},
    {EXAMPLES("    matches: []\n"), 10, "matches",
     "unknown key 'matches' (expected one of: match, no_match)"},
    {RULEX(HEAD, W_STD, "e", "", "    - x\n"), 10, "-",
     "'examples' needs a mapping (match, no_match), not a sequence"},
    {EXAMPLES("    match: [{event: {manual: 1}, histroy: 2}]\n    no_match: [event: {}]\n"), 10,
     "histroy", "unknown key 'histroy' (expected one of: event, history, trend, log)"},
    {EXAMPLES("    match: [event: {manul: 1}]\n    no_match: [event: {}]\n"), 10, "manul",
     "unknown field 'manul' (did you mean 'manual'?)"},
    /* a name past RULES_MAX_FIELD_NAME is not looked up (fuzz_rules found its
     * "did you mean" read from an unset pointer) */
    {EXAMPLES("    match: [event: "
              "{xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: 1}]\n    no_match: [event: {}]\n"),
     10, "xxxxxxxx",
     "unknown field 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"},
    {EXAMPLES("    match: [event: {manual: yes}]\n    no_match: [event: {}]\n"), 10, "yes",
     "field 'manual' is an integer, not text 'yes'"},
    {EXAMPLES("    match: [event: {manual: 1, victim_comm: 5}]\n    no_match: [event: {}]\n"), 10,
     "5}", "field 'victim_comm' is text, not number 5"},
    {EXAMPLES("    match: [event: {manual: 1, largest.share: x}]\n    no_match: [event: {}]\n"), 10,
     "x}", "field 'largest.share' is a number, not text 'x'"},
    {EXAMPLES("    match: [event: [manual]]\n    no_match: [event: {}]\n"), 10, "[manual",
     "'event' needs a mapping of fields to values, not a sequence"},
    {EXAMPLES("    match: [{event: {manual: 1}, history: 2}]\n    no_match: [event: {}]\n"), 10,
     "history", "the example gives 'history', but the rule has no history condition"},
    {EXAMPLES("    match: [{event: {manual: 1}, trend: {points: 1}}]\n    no_match: [event: "
              "{}]\n"),
     10, "trend", "the example gives 'trend', but the rule has no trend condition"},
    {EXAMPLES("    match: [{history: 1}]\n    no_match: [event: {}]\n"), 10, "{history",
     "an example needs 'event' (its fields) or 'log'"},
    {EXAMPLES("    match: [7]\n    no_match: [event: {}]\n"), 10, "7",
     "an example is a mapping, not number 7"},
    {EXAMPLES("    match: [{log: x, event: {}}]\n    no_match: [event: {}]\n"), 10, "event",
     "'log' is an example on its own: it takes no 'event'"},
    {EXAMPLES("    match: [{log: ''}]\n    no_match: [event: {}]\n"), 10, "''",
     "'log' needs the text of a log"},
    {EXAMPLES("    match: [event: {manual: 0}]\n    no_match: [event: {manual: 0}]\n"), 10, "event",
     "example 1 must match, but 'manual' is 0 (needs equals 1)"},
    {EXAMPLES("    match: [event: {manual: 1}, event: {}]\n    no_match: [event: {manual: 0}]\n"),
     10, "event: {}", "example 2 must match, but 'manual' is unknown (needs equals 1)"},
    {EXAMPLES("    match: [event: {manual: 1}]\n    no_match: [event: {manual: 0}, event: "
              "{manual: 1}]\n"),
     11, "event: {manual: 1}", "example 2 must not match, but it does: 'manual' is 1 (equals 1)"},
    {RULEX(HEAD, "{not: {field: victim_pid, exists: true}}", "e",
           "    match: [event: {victim_pid: 3}]\n    no_match: [event: {victim_pid: 4}]\n", ""),
     10, "event", "example 1 must match, but 'victim_pid' is 3 (exists true, under 'not')"},
    {RULEX(HEAD, "{history: {window: 30d}, ge: 3}", "e",
           "    match: [{event: {}, history: 2}]\n    no_match: [event: {}]\n", ""),
     10, "{event", "example 1 must match, but history count is 2 (needs ge 3)"},
    {RULEX(HEAD, "{history: {window: 30d}, ge: 3}", "e",
           "    match: [{event: {}, history: -1}]\n    no_match: [event: {}]\n", ""),
     10, "-1", "'history' needs an integer from 0, not number -1"},
    {RULEX(HEAD, "{trend: {figure: victim_rss_kb, window: 30d}, gt: 100}", "e",
           "    match: [{event: {}, trend: {slope_per_day: 200}}]\n    no_match: [event: {}]\n",
           ""),
     10, "{slope", "missing key 'points' in trend"},
    {RULEX(HEAD, "{trend: {figure: victim_rss_kb, window: 30d}, gt: 100}", "e",
           "    match: [{event: {}, trend: {slope_per_day: 200, points: 2}}]\n    no_match: "
           "[event: {}]\n",
           ""),
     10, "{event",
     "example 1 must match, but the trend of victim_rss_kb has 2 points (needs at least 3)"},
    {RULEX(HEAD, "{trend: {figure: victim_rss_kb, window: 30d}, gt: 100}", "e",
           "    match: [{event: {}, trend: {slope_per_day: 50, points: 4}}]\n    no_match: "
           "[event: {}]\n",
           ""),
     10, "{event", "example 1 must match, but the trend's slope per day is 50 (needs gt 100)"},
    {RULEX(HEAD, "{trend: {figure: task_rss_kb, name: '{largest.name}', window: 30d}, gt: 1}", "e",
           "    match: [{event: {}, trend: {slope_per_day: 50, points: 4}}]\n    no_match: "
           "[event: {}]\n",
           ""),
     10, "{event", "example 1 must match, but the trend's name has an unknown field"},
    {STDX("{field: comm, equals: x}", "  on: memory_event\n"), 10, "event",
     "unknown key 'event' (expected one of: memory_event, history, trend, log)"},
};

static void run_errors(const error_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_error_at(cases[i].yaml, cases[i].line, cases[i].at, cases[i].msg);
}

#define RUN_ERRORS(table) run_errors(table, sizeof(table) / sizeof(table[0]))

static void test_file_errors(void **state)
{
	RUN_ERRORS(file_errors);
}

static void test_rule_errors(void **state)
{
	RUN_ERRORS(rule_errors);
}

static void test_cond_errors(void **state)
{
	RUN_ERRORS(cond_errors);
}

static void test_history_trend_errors(void **state)
{
	RUN_ERRORS(history_errors);
}

static void test_template_errors(void **state)
{
	RUN_ERRORS(template_errors);
}

static void test_example_errors(void **state)
{
	RUN_ERRORS(example_errors);
}

/* ---- carets: tabs, UTF-8, block scalars, long lines, the end of the file ---- */

static void expect_message(const char *yaml, const char *want)
{
	oomsift_rules *rs = new_set();
	int rc = load(rs, yaml);

	if (rc != OOMSIFT_ERULE || strcmp(oomsift_error_message(), want) != 0)
		fail_msg("rc %d\n--- got:\n%s\n--- want:\n%s", rc, oomsift_error_message(), want);
	oomsift_rules_free(rs);
}

/* The same, on a set that has rules already. */
static void expect_load_message(oomsift_rules *rs, const char *yaml, const char *want)
{
	int rc = load(rs, yaml);

	if (rc != OOMSIFT_ERULE || strcmp(oomsift_error_message(), want) != 0)
		fail_msg("rc %d\n--- got:\n%s\n--- want:\n%s", rc, oomsift_error_message(), want);
}

static void test_carets(void **state)
{
	/* a tab in the line: a tab under it keeps the caret aligned */
	expect_message(EVID("\"a\t{foo}\""), "t.yaml:7:17: unknown field 'foo' in template\n"
	                                     "  evidence: \"a\t{foo}\"\n"
	                                     "              \t ^");
	/* columns count characters, not bytes */
	expect_message(EVID("\"\xc3\xa9t\xc3\xa9 {foo}\""),
	               "t.yaml:7:19: unknown field 'foo' in template\n"
	               "  evidence: \"\xc3\xa9t\xc3\xa9 {foo}\"\n"
	               "                  ^");
	/* a literal block: the line and column inside the block */
	expect_message(
	    RULEX(HEAD, W_STD, "|\n    first {victim_comm}\n    then {nope}", EX_STD, ""),
	    "t.yaml:9:11: unknown field 'nope' in template\n"
	    "    then {nope}\n"
	    "          ^");
	/* a folded block is not verbatim: the caret marks the scalar */
	expect_message(RULEX(HEAD, W_STD, ">\n    first\n    then {nope}", EX_STD, ""),
	               "t.yaml:7:13: unknown field 'nope' in template\n"
	               "  evidence: >\n"
	               "            ^");
	/* an escape moves the text: the caret marks the scalar */
	expect_message(EVID("\"a\\tb {nope}\""), "t.yaml:7:13: unknown field 'nope' in template\n"
	                                         "  evidence: \"a\\tb {nope}\"\n"
	                                         "            ^");
	/* the end of the file */
	expect_message("rules: [\n", "t.yaml:2:1: bad YAML: did not find expected node content "
	                             "while parsing a flow node\n"
	                             "\n"
	                             "^");
	/* the reader's errors are by offset */
	expect_message("rules: []\ndisable: [a\xff]\n",
	               "t.yaml:2:12: bad YAML: invalid leading UTF-8 octet (byte 0xff)\n"
	               "disable: [a\xff]\n"
	               "           ^");
	expect_message("rules: []\n# \x01\n", "t.yaml:2:3: bad YAML: control characters are not "
	                                      "allowed (byte 0x01)\n"
	                                      "# \x01\n"
	                                      "  ^");
	/* CRLF line ends */
	expect_message("rules: []\r\nrule: []\r\n",
	               "t.yaml:2:1: unknown key 'rule' (expected one of: rules, disable, "
	               "thresholds)\n"
	               "rule: []\n"
	               "^");
}

static void test_caret_long_line(void **state)
{
	char yaml[4096], pad[301], want[4096];

	memset(pad, 'x', 300);
	pad[300] = '\0';
	snprintf(yaml, sizeof(yaml), EVID("\"%s {nope}\""), pad);
	/* column 316 ('n'): the line is shown from 80 bytes before it, 160 bytes of it */
	snprintf(want, sizeof(want),
	         "t.yaml:7:316: unknown field 'nope' in template\n...%.78s {nope}\"\n   %80s^", pad,
	         "");
	expect_message(yaml, want);
}

/* ---- evaluation semantics: each row's examples are checked when it loads,
 * and swapping them must fail, so each row asserts both outcomes ---- */

typedef struct sem_case {
	const char *when, *extra, *match, *nomatch;
} sem_case;

static const sem_case semantics[] = {
    {"{field: victim_pid, equals: 42}", "", "event: {victim_pid: 42}", "event: {victim_pid: 43}"},
    {"{field: victim_pid, equals: 42}", "", "event: {victim_pid: 42}", "event: {}"},
    {"{field: largest.share, equals: 1}", "", "event: {largest.share: 1.0}",
     "event: {largest.share: 0.5}"},
    {"{field: victim_comm, equals: bash}", "", "event: {victim_comm: bash}",
     "event: {victim_comm: bash2}"},
    {"{field: victim_comm, equals: '123'}", "", "event: {victim_comm: '123'}",
     "event: {victim_comm: '1234'}"},
    {"{field: victim_comm, equals: ''}", "", "event: {victim_comm: ''}", "event: {}"},
    {"{field: alloc_order, in: [-1, 0]}", "", "event: {alloc_order: -1}",
     "event: {alloc_order: 3}"},
    {"{field: kind, in: [kernel_oom, memcg_oom]}", "", "event: {kind: memcg_oom}",
     "event: {kind: oomd_kill}"},
    {"{field: kind, in: [kernel_oom]}", "", "event: {kind: kernel_oom}", "event: {}"},
    {"{field: largest.share, gt: 0.6}", "", "event: {largest.share: 0.61}",
     "event: {largest.share: 0.6}"},
    {"{field: largest.share, ge: 0.6}", "", "event: {largest.share: 0.6}",
     "event: {largest.share: 0.59}"},
    {"{field: victim_oom_score_adj, lt: 0}", "", "event: {victim_oom_score_adj: -1000}",
     "event: {victim_oom_score_adj: 0}"},
    {"{field: victim_oom_score_adj, le: 0}", "", "event: {victim_oom_score_adj: 0}",
     "event: {victim_oom_score_adj: 1}"},
    {"{field: victim_pid, gt: 0}", "", "event: {victim_pid: 1}", "event: {}"},
    {"{field: victim_pid, lt: 10}", "", "event: {victim_pid: 1}", "event: {}"},
    {"{field: victim_pid, le: 1.5}", "", "event: {victim_pid: 1}", "event: {victim_pid: 2}"},
    /* integers compare exactly, beyond a double's 53 bits */
    {"{field: victim_total_vm_kb, gt: 9007199254740992}", "",
     "event: {victim_total_vm_kb: 9007199254740993}",
     "event: {victim_total_vm_kb: 9007199254740992}"},
    {"{field: task_memcg, contains: docker}", "",
     "event: {task_memcg: /system.slice/docker-abc.scope}", "event: {task_memcg: /user.slice}"},
    {"{field: task_memcg, contains: docker}", "", "event: {task_memcg: docker}", "event: {}"},
    {"{field: task_memcg, startswith: /kubepods}", "",
     "event: {task_memcg: /kubepods/burstable/pod1}",
     "event: {task_memcg: /system.slice/kubepods}"},
    {"{field: task_memcg, startswith: /kubepods}", "", "event: {task_memcg: /kubepods}",
     "event: {task_memcg: /kube}"},
    {"{field: victim_comm, regex: '^(java|python3?)$'}", "", "event: {victim_comm: python3}",
     "event: {victim_comm: pythonx}"},
    {"{field: victim_comm, regex: 'a'}", "", "event: {victim_comm: java}", "event: {}"},
    {"{field: task_memcg, exists: true}", "", "event: {task_memcg: /a}", "event: {}"},
    {"{field: task_memcg, exists: false}", "", "event: {}", "event: {task_memcg: /a}"},
    /* not of a comparison with NULL is true: a plain boolean not */
    {"{not: {field: victim_pid, gt: 0}}", "", "event: {}", "event: {victim_pid: 5}"},
    {"{not: {not: {field: victim_pid, gt: 0}}}", "", "event: {victim_pid: 5}", "event: {}"},
    {"{all: [{field: manual, equals: 0}, {field: kind, equals: kernel_oom}]}", "",
     "event: {manual: 0, kind: kernel_oom}", "event: {manual: 0, kind: memcg_oom}"},
    {"{any: [{field: manual, equals: 1}, {field: kind, equals: memcg_oom}]}", "",
     "event: {kind: memcg_oom}", "event: {manual: 0, kind: kernel_oom}"},
    {"{all: [{any: [{field: kind, equals: a}, {field: kind, equals: b}]}, {not: {field: manual, "
     "equals: 1}}]}",
     "", "event: {kind: b, manual: 0}", "event: {kind: b, manual: 1}"},
    {"{field: largest.share, gt: $min}", "  thresholds: {min: 0.6}\n",
     "event: {largest.share: 0.7}", "event: {largest.share: 0.6}"},
    {"{field: victim_oom_score_adj, in: [$never, 1000]}", "  thresholds: {never: -1000}\n",
     "event: {victim_oom_score_adj: -1000}", "event: {victim_oom_score_adj: 0}"},
    {"{field: victim_pid, equals: $pid}", "  thresholds: {pid: 1}\n", "event: {victim_pid: 1}",
     "event: {victim_pid: 2}"},
    {"{field: fact.vm.overcommit_memory, equals: 2}", "", "event: {fact.vm.overcommit_memory: 2}",
     "event: {fact.vm.overcommit_memory: 0}"},
    {"{field: comm, equals: java}", "  on: memory_event\n", "memory_event: {comm: java}",
     "memory_event: {comm: javac}"},
    {"{history: {same: [victim_comm], window: 30d}, ge: 3}", "", "{event: {}, history: 3}",
     "{event: {}, history: 2}"},
    {"{history: {window: 1d}, equals: 1}", "", "event: {}", "{event: {}, history: 2}"},
    {"{history: {window: 1d}, in: [2, 3]}", "", "{event: {}, history: 3}", "event: {}"},
    {"{trend: {figure: victim_rss_kb, window: 30d, min_points: 3}, gt: 100}", "",
     "{event: {}, trend: {slope_per_day: 150, points: 3}}",
     "{event: {}, trend: {slope_per_day: 150, points: 2}}"},
    {"{trend: {figure: memcg_usage_kb, window: 4w}, le: -10}", "",
     "{event: {}, trend: {slope_per_day: -10, points: 9}}",
     "{event: {}, trend: {slope_per_day: -9.5, points: 9}}"},
    {"{trend: {figure: task_rss_kb, name: '{largest.name}', window: 30d}, gt: 0}", "",
     "{event: {largest.name: java}, trend: {slope_per_day: 1, points: 3}}",
     "{event: {}, trend: {slope_per_day: 1, points: 3}}"},
    {"{trend: {figure: victim_rss_kb, window: 30d}, gt: 0}", "",
     "{event: {}, trend: {slope_per_day: 1, points: 3}}", "event: {}"},
};

static void test_semantics(void **state)
{
	char yaml[4096];

	for (size_t i = 0; i < sizeof(semantics) / sizeof(semantics[0]); i++) {
		const sem_case *c = &semantics[i];
		oomsift_rules *rs = new_set();
		snprintf(yaml, sizeof(yaml),
		         "rules:\n- id: r\n  title: T\n  cause: c\n  severity: low\n  when: %s\n"
		         "  evidence: e\n  advice: a\n  examples:\n    match: [%s]\n"
		         "    no_match: [%s]\n%s",
		         c->when, c->match, c->nomatch, c->extra);
		load_ok(rs, yaml);
		oomsift_rules_free(rs);
		/* swapped, the first (now must-match) example fails */
		rs = new_set();
		snprintf(yaml, sizeof(yaml),
		         "rules:\n- id: r\n  title: T\n  cause: c\n  severity: low\n  when: %s\n"
		         "  evidence: e\n  advice: a\n  examples:\n    match: [%s]\n"
		         "    no_match: [%s]\n%s",
		         c->when, c->nomatch, c->match, c->extra);
		if (load(rs, yaml) != OOMSIFT_ERULE ||
		    !strstr(oomsift_error_message(), "t.yaml:10:") ||
		    !strstr(oomsift_error_message(), "example 1 must match, but "))
			fail_msg("row %zu swapped: %s", i, oomsift_error_message());
		oomsift_rules_free(rs);
	}
}

/* ---- a fake context ---- */

typedef struct fake_field {
	const char *name;
	oomsift_value v;
} fake_field;

typedef struct fake {
	fake_field f[32];
	size_t n;
	int64_t history;
	oomsift_trend trend;
	int field_calls, history_calls, trend_calls;
	const char *fail_on; /* the field whose lookup fails */
	oomsift_history_spec h;
	char h_same[4][64];
	char t_figure[32], t_name[128], t_same[4][64];
	size_t t_nsame;
	double t_window;
} fake;

static void fake_int(fake *f, const char *name, int64_t v)
{
	f->f[f->n++] = (fake_field){name, {.type = OOMSIFT_VALUE_INT, .i = v}};
}

static void fake_real(fake *f, const char *name, double v)
{
	f->f[f->n++] = (fake_field){name, {.type = OOMSIFT_VALUE_REAL, .d = v}};
}

static void fake_text(fake *f, const char *name, const char *s)
{
	f->f[f->n++] = (fake_field){name, {.type = OOMSIFT_VALUE_TEXT, .s = s, .len = strlen(s)}};
}

static int fake_field_cb(void *data, const char *name, oomsift_value *out)
{
	fake *f = data;

	f->field_calls++;
	if (f->fail_on && strcmp(name, f->fail_on) == 0)
		return oomsift_error_set(OOMSIFT_ESTORE, "fake: cannot read %s", name);
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0) {
			*out = f->f[i].v;
			return 0;
		}
	out->type = OOMSIFT_VALUE_NULL;
	return 0;
}

static int fake_history_cb(void *data, const oomsift_history_spec *h, int64_t *count)
{
	fake *f = data;

	f->history_calls++;
	f->h = *h;
	for (size_t i = 0; i < h->nsame && i < 4; i++)
		snprintf(f->h_same[i], sizeof(f->h_same[i]), "%s", h->same[i]);
	*count = f->history;
	return 0;
}

static int fake_trend_cb(void *data, const oomsift_trend_spec *t, oomsift_trend *out)
{
	fake *f = data;

	f->trend_calls++;
	snprintf(f->t_figure, sizeof(f->t_figure), "%s", t->figure);
	snprintf(f->t_name, sizeof(f->t_name), "%s", t->name ? t->name : "(none)");
	f->t_nsame = t->nsame;
	for (size_t i = 0; i < t->nsame && i < 4; i++)
		snprintf(f->t_same[i], sizeof(f->t_same[i]), "%s", t->same[i]);
	f->t_window = t->window_s;
	*out = f->trend;
	return 0;
}

static oomsift_rule_ctx fake_ctx(fake *f)
{
	return (oomsift_rule_ctx){fake_field_cb, fake_history_cb, fake_trend_cb, f};
}

typedef struct got_match {
	char id[64], cause[64], severity[16];
	int priority;
	bool primary;
	char evidence[1024], advice[1024];
} got_match;

typedef struct got {
	got_match m[16];
	size_t n;
	size_t stop_after; /* > 0: return an error from that match on */
} got;

static int collect(void *cbdata, const oomsift_rule_match *m)
{
	got *g = cbdata;
	got_match *o;

	if (g->stop_after && g->n + 1 == g->stop_after)
		return oomsift_error_set(OOMSIFT_EABORT, "stop");
	assert_true(g->n < 16);
	o = &g->m[g->n++];
	snprintf(o->id, sizeof(o->id), "%s", m->rule_id);
	snprintf(o->cause, sizeof(o->cause), "%s", m->cause);
	snprintf(o->severity, sizeof(o->severity), "%s", m->severity);
	o->priority = m->priority;
	o->primary = m->primary;
	snprintf(o->evidence, sizeof(o->evidence), "%s", m->evidence);
	snprintf(o->advice, sizeof(o->advice), "%s", m->advice);
	return 0;
}

static int eval_event(const oomsift_rules *rs, fake *f, got *g)
{
	oomsift_rule_ctx ctx = fake_ctx(f);

	memset(g->m, 0, sizeof(g->m));
	g->n = 0;
	return oomsift_rules_eval(rs, OOMSIFT_SUBJECT_EVENT, &ctx, collect, g);
}

/* A rule with `when`, the evidence given, and examples that fit any test. */
static void rule_yaml(char *buf, size_t cap, const char *id, int priority, const char *when,
                      const char *evidence, const char *match, const char *nomatch,
                      const char *extra)
{
	snprintf(
	    buf, cap,
	    "rules:\n- id: %s\n  title: T %s\n  cause: cause_%s\n  severity: high\n"
	    "  priority: %d\n  when: %s\n  evidence: \"%s\"\n  advice: \"advice {victim_comm}\"\n"
	    "  examples:\n    match: [%s]\n    no_match: [%s]\n%s",
	    id, id, id, priority, when, evidence, match, nomatch, extra);
}

static void add_rule(oomsift_rules *rs, const char *id, int priority, const char *when,
                     const char *evidence, const char *match, const char *nomatch,
                     const char *extra)
{
	char yaml[8192];

	rule_yaml(yaml, sizeof(yaml), id, priority, when, evidence, match, nomatch, extra);
	load_ok(rs, yaml);
}

/* Rules that match on manual: 1. */
static void add_manual_rule(oomsift_rules *rs, const char *id, int priority)
{
	add_rule(rs, id, priority, "{field: manual, equals: 1}", "ev", "event: {manual: 1}",
	         "event: {manual: 0}", "");
}

static void test_eval_through_ctx(void **state)
{
	oomsift_rules *rs = new_set();
	fake f = {0};
	got g;

	add_rule(rs, "text", 0, "{field: victim_comm, startswith: ja}", "ev",
	         "event: {victim_comm: java}", "event: {}", "");
	add_rule(rs, "num", 0, "{field: largest.share, gt: 0.5}", "ev",
	         "event: {largest.share: 0.7}", "event: {}", "");
	add_rule(rs, "absent", 0, "{field: task_memcg, exists: false}", "ev", "event: {}",
	         "event: {task_memcg: /}", "");
	add_rule(rs, "notnull", 0, "{not: {field: victim_pid, lt: 100}}", "ev", "event: {}",
	         "event: {victim_pid: 1}", "");
	/* everything NULL */
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.m[0].id, "absent");
	assert_string_equal(g.m[1].id, "notnull");
	/* values: an INT where the registry says REAL is a number all the same */
	fake_text(&f, "victim_comm", "javac");
	fake_int(&f, "largest.share", 1);
	fake_text(&f, "task_memcg", "/a");
	fake_int(&f, "victim_pid", 99);
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.m[0].id, "text");
	assert_string_equal(g.m[1].id, "num");
	/* a memory_event subject: no rule is on it */
	oomsift_rule_ctx ctx = fake_ctx(&f);
	g.n = 0;
	assert_int_equal(oomsift_rules_eval(rs, OOMSIFT_SUBJECT_MEMORY_EVENT, &ctx, collect, &g),
	                 0);
	assert_int_equal(g.n, 0);
	oomsift_rules_free(rs);
}

static void test_eval_errors(void **state)
{
	oomsift_rules *rs = new_set();
	fake f = {0};
	got g = {0};

	add_manual_rule(rs, "a", 0);
	add_manual_rule(rs, "b", 0);
	add_rule(rs, "c", 0, "{field: victim_comm, equals: x}", "ev", "event: {victim_comm: x}",
	         "event: {}", "");
	fake_int(&f, "manual", 1);
	/* the context's error stops the evaluation with its code */
	f.fail_on = "manual";
	assert_int_equal(eval_event(rs, &f, &g), OOMSIFT_ESTORE);
	assert_string_equal(oomsift_error_message(), "fake: cannot read manual");
	assert_int_equal(g.n, 0);
	f.fail_on = NULL;
	/* so does the callback's */
	g.stop_after = 2;
	assert_int_equal(eval_event(rs, &f, &g), OOMSIFT_EABORT);
	assert_int_equal(g.n, 1);
	g.stop_after = 0;
	/* a value of the wrong type is the context's bug */
	fake_int(&f, "victim_comm", 5);
	assert_int_equal(eval_event(rs, &f, &g), OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(),
	                    "rule context: field 'victim_comm' gave a number, but it is text");
	f.n = 0;
	fake_text(&f, "manual", "1");
	assert_int_equal(eval_event(rs, &f, &g), OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(),
	                    "rule context: field 'manual' gave text, but it is an integer");
	/* a context without history cannot run a history rule */
	oomsift_rules_free(rs);
	rs = new_set();
	add_rule(rs, "h", 0, "{history: {window: 1d}, ge: 1}", "ev", "event: {}",
	         "{event: {}, history: 0}", "");
	oomsift_rule_ctx ctx = {fake_field_cb, NULL, NULL, &f};
	assert_int_equal(oomsift_rules_eval(rs, OOMSIFT_SUBJECT_EVENT, &ctx, collect, &g),
	                 OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(), "rule h: the context counts no history");
	oomsift_rules_free(rs);
}

static void test_eval_history_trend(void **state)
{
	oomsift_rules *rs = new_set();
	fake f = {0};
	got g;

	add_rule(rs, "hist", 0,
	         "{history: {of: event, same: [host, victim_comm], window: 30d}, ge: $times}",
	         "{history.count} kills of {victim_comm} in 30 days (>= {threshold.times})",
	         "{event: {}, history: 3}", "{event: {}, history: 2}",
	         "  thresholds: {times: 3}\n");
	add_rule(rs, "leak", 0,
	         "{trend: {figure: task_rss_kb, name: '{largest.name}d', same: [host], window: 2w, "
	         "min_points: 4}, gt: 1024}",
	         "{trend.points} points, {trend.slope_per_day|kb} a day, {trend.first|kb} to "
	         "{trend.last|kb}",
	         "{event: {largest.name: java}, trend: {slope_per_day: 2048, points: 4}}",
	         "{event: {largest.name: java}, trend: {slope_per_day: 2048, points: 3}}", "");
	/* the trend's name is rendered against the subject before the context is asked */
	fake_text(&f, "largest.name", "java");
	fake_text(&f, "victim_comm", "mysqld");
	f.history = 5;
	f.trend = (oomsift_trend){
	    .points = 6, .slope_per_day = 150000, .first = 1048576, .last = 2097152};
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.m[0].evidence, "5 kills of mysqld in 30 days (>= 3)");
	assert_string_equal(g.m[1].evidence, "6 points, 146 MiB a day, 1.0 GiB to 2.0 GiB");
	assert_int_equal(f.h.of, OOMSIFT_SUBJECT_EVENT);
	assert_int_equal(f.h.nsame, 2);
	assert_string_equal(f.h_same[0], "host");
	assert_string_equal(f.h_same[1], "victim_comm");
	assert_true(f.h.window_s == 30 * 86400.0);
	assert_string_equal(f.t_figure, "task_rss_kb");
	assert_string_equal(f.t_name, "javad");
	assert_int_equal(f.t_nsame, 1);
	assert_string_equal(f.t_same[0], "host");
	assert_true(f.t_window == 14 * 86400.0);
	/* too few points: no match, whatever the slope */
	f.trend.points = 3;
	f.history = 2;
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 0);
	/* no name: the context is not asked */
	f.n = 0;
	f.trend_calls = 0;
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(f.trend_calls, 0);
	oomsift_rules_free(rs);
}

/* any: stops at the first true branch, so a value of a condition not
 * evaluated renders as unknown */
static void test_eval_short_circuit(void **state)
{
	oomsift_rules *rs = new_set();
	fake f = {0};
	got g;

	add_rule(rs, "r", 0, "{any: [{field: manual, equals: 1}, {history: {window: 1d}, ge: 2}]}",
	         "count {history.count}", "event: {manual: 1}", "event: {manual: 0}", "");
	fake_int(&f, "manual", 1);
	f.history = 7;
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(f.history_calls, 0);
	assert_string_equal(g.m[0].evidence, "count unknown");
	f.f[0].v.i = 0;
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(f.history_calls, 1);
	assert_string_equal(g.m[0].evidence, "count 7");
	oomsift_rules_free(rs);
}

/* ---- templates ---- */

typedef struct size_case {
	double bytes;
	const char *want;
} size_case;

static void test_format_size(void **state)
{
	static const size_case cases[] = {
	    {0, "0 B"},
	    {512, "512 B"},
	    {1023, "1023 B"},
	    {1023.6, "1.0 KiB"},
	    {1024, "1.0 KiB"},
	    {1536, "1.5 KiB"},
	    {900 * 1024.0, "900 KiB"},
	    {9.94 * 1048576, "9.9 MiB"},
	    {9.96 * 1048576, "10 MiB"},
	    {10 * 1048576.0, "10 MiB"},
	    {512 * 1048576.0, "512 MiB"},
	    {1023.4 * 1048576, "1023 MiB"},
	    {1023.5 * 1048576, "1.0 GiB"},
	    {1.5 * 1073741824, "1.5 GiB"},
	    {3 * 1099511627776.0, "3.0 TiB"},
	    {2048 * 1152921504606846976.0, "2048 EiB"},
	    {-1536, "-1.5 KiB"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		format_size(cases[i].bytes, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%g bytes: got '%s', want '%s'", cases[i].bytes, buf,
			         cases[i].want);
	}
}

typedef struct tpl_case {
	const char *tpl, *want;
} tpl_case;

static void test_templates(void **state)
{
	static const tpl_case cases[] = {
	    {"plain text", "plain text"},
	    {"{victim_comm} ({victim_pid})", "java (4242)"},
	    {"{victim_rss_kb|kb}", "512 MiB"},
	    {"{memcg_limit_kb|kb}", "1.5 GiB"},
	    {"{victim_pgtables_kb|kb}", "900 KiB"},
	    {"{oomd_mem_used_bytes|bytes}", "1.5 KiB"},
	    {"{ram_pages|pages}", "2.0 GiB"},
	    {"{largest.share|pct}", "87%"},
	    {"{mem.tasks_share|pct}", "0%"},
	    {"{largest.share}", "0.873"},
	    {"{largest.share|int}", "1"},
	    {"{victim_pid|int}", "4242"},
	    {"{largest.share|text} {victim_pid|text} {victim_comm|text}", "0.873 4242 java"},
	    {"{victim_uid} {victim_uid|kb} {kernel}", "unknown unknown unknown"},
	    {"{threshold.min} {threshold.min|pct}", "0.6 60%"},
	    {"{{literal}} {{{victim_comm}}} }}", "{literal} {java} }"},
	    {"{fact.vm.overcommit_memory}", "2"},
	    {"{boot_time|int}", "-3"},
	};
	oomsift_rules *rs;
	fake f = {0};
	got g;
	char yaml[8192];

	fake_text(&f, "victim_comm", "java");
	fake_int(&f, "victim_pid", 4242);
	fake_int(&f, "victim_rss_kb", 524288);
	fake_int(&f, "memcg_limit_kb", 1572864);
	fake_int(&f, "victim_pgtables_kb", 900);
	fake_int(&f, "oomd_mem_used_bytes", 1536);
	fake_int(&f, "ram_pages", 524288);
	fake_real(&f, "largest.share", 0.873);
	fake_real(&f, "mem.tasks_share", -0.001);
	fake_int(&f, "fact.vm.overcommit_memory", 2);
	fake_real(&f, "boot_time", -2.5);
	fake_int(&f, "manual", 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rs = new_set();
		rule_yaml(yaml, sizeof(yaml), "r", 0, "{field: manual, equals: 1}", cases[i].tpl,
		          "event: {manual: 1}", "event: {manual: 0}",
		          strstr(cases[i].tpl, "threshold") ? "  thresholds: {min: 0.6}\n" : "");
		load_ok(rs, yaml);
		assert_int_equal(eval_event(rs, &f, &g), 0);
		assert_int_equal(g.n, 1);
		if (strcmp(g.m[0].evidence, cases[i].want) != 0)
			fail_msg("'%s': got '%s', want '%s'", cases[i].tpl, g.m[0].evidence,
			         cases[i].want);
		assert_string_equal(g.m[0].advice, "advice java");
		oomsift_rules_free(rs);
	}
}

/* Long values are cut: a text value at 512 bytes, a rendering at 16 KiB. */
static void test_template_render_caps(void **state)
{
	oomsift_rules *rs = new_set();
	char *big = malloc(RULES_MAX_VALUE_TEXT * 4 + 1);
	fake f = {0};
	got *g = calloc(1, sizeof(*g));
	oomsift_rule_ctx ctx = fake_ctx(&f);
	eval ev = {.ctx = &ctx, .rule = NULL};
	oomsift_buf out;
	template t = {0};
	tseg segs[40];

	assert_non_null(big);
	assert_non_null(g);
	memset(big, 'x', RULES_MAX_VALUE_TEXT * 4);
	big[RULES_MAX_VALUE_TEXT * 4] = '\0';
	fake_text(&f, "victim_cmdline", big);
	fake_int(&f, "manual", 1);
	add_rule(rs, "r", 0, "{field: manual, equals: 1}", "[{victim_cmdline}]",
	         "event: {manual: 1}", "event: {manual: 0}", "");
	assert_int_equal(eval_event(rs, &f, g), 0);
	/* "[", 512 bytes of the value, "…", "]" */
	assert_int_equal(strlen(g->m[0].evidence), 1 + RULES_MAX_VALUE_TEXT + 3 + 1);
	assert_memory_equal(g->m[0].evidence, "[xxx", 4);
	assert_string_equal(g->m[0].evidence + 1 + RULES_MAX_VALUE_TEXT, "\xe2\x80\xa6]");
	oomsift_rules_free(rs);
	/* 40 values of 515 bytes overflow 16 KiB: cut, and "…" at the end */
	for (size_t i = 0; i < 40; i++)
		segs[i] = (tseg){.kind = TS_FIELD,
		                 .text = "victim_cmdline",
		                 .len = strlen("victim_cmdline"),
		                 .type = OOMSIFT_VALUE_TEXT,
		                 .threshold = -1};
	t.segs = segs;
	t.n = 40;
	oomsift_buf_init(&out, RULES_MAX_RENDER + 8);
	assert_int_equal(template_render(&t, &ev, &out, NULL), 0);
	assert_int_equal(out.len, RULES_MAX_RENDER);
	assert_string_equal(out.data + out.len - 3, "\xe2\x80\xa6");
	assert_memory_equal(out.data + RULES_MAX_VALUE_TEXT, "\xe2\x80\xa6xx", 5);
	oomsift_buf_free(&out);
	free(big);
	free(g);
}

/* ---- priorities, overrides, disabling, thresholds ---- */

static void test_priority_order(void **state)
{
	oomsift_rules *rs = new_set();
	fake f = {0};
	got g;

	add_manual_rule(rs, "low", 10);
	add_manual_rule(rs, "first_high", 50);
	add_manual_rule(rs, "negative", -5);
	add_manual_rule(rs, "second_high", 50);
	add_manual_rule(rs, "mid", 20);
	fake_int(&f, "manual", 1);
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 5);
	const char *order[] = {"first_high", "second_high", "mid", "low", "negative"};
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(g.m[i].id, order[i]);
		assert_int_equal(g.m[i].primary, i == 0);
	}
	assert_int_equal(g.m[0].priority, 50);
	assert_string_equal(g.m[0].cause, "cause_first_high");
	assert_string_equal(g.m[0].severity, "high");
	/* the primary is the best of those that match */
	oomsift_rules_disable(rs, "first_high");
	oomsift_rules_disable(rs, "second_high");
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.m[0].id, "mid");
	assert_true(g.m[0].primary);
	assert_false(g.m[1].primary);
	oomsift_rules_free(rs);
}

static void expect_ids(const oomsift_rules *rs, const char *const *ids, size_t n)
{
	oomsift_rule_info info;

	assert_int_equal(oomsift_rules_count(rs), n);
	for (size_t i = 0; i < n; i++) {
		oomsift_rules_get(rs, i, &info);
		assert_string_equal(info.id, ids[i]);
	}
}

static void test_override_by_id(void **state)
{
	oomsift_rules *rs = new_set();
	char two[8192], yaml[8192];
	oomsift_rule_info info;

	add_manual_rule(rs, "x", 1);
	add_manual_rule(rs, "y", 2);
	add_manual_rule(rs, "z", 3);
	/* a file replaces y in its place, and adds w at the end */
	rule_yaml(two, sizeof(two), "y", 9, "{field: manual, equals: 0}", "new",
	          "event: {manual: 0}", "event: {manual: 1}", "");
	rule_yaml(yaml, sizeof(yaml), "w", 0, "{field: manual, equals: 0}", "w",
	          "event: {manual: 0}", "event: {manual: 1}", "");
	strcat(two, yaml + strlen("rules:\n"));
	assert_int_equal(oomsift_rules_load_buffer(rs, "user.yaml", two, strlen(two)), 0);
	expect_ids(rs, (const char *[]){"x", "y", "z", "w"}, 4);
	oomsift_rules_get(rs, 1, &info);
	assert_string_equal(info.origin, "user.yaml");
	assert_int_equal(info.priority, 9);
	assert_int_equal(info.line, 2);
	assert_string_equal(info.title, "T y");
	assert_string_equal(info.cause, "cause_y");
	assert_string_equal(info.severity, "high");
	assert_string_equal(info.description, "");
	assert_int_equal(info.subject, OOMSIFT_SUBJECT_EVENT);
	assert_false(info.disabled);
	oomsift_rules_get(rs, 0, &info);
	assert_string_equal(info.origin, "t.yaml");
	/* a failing file changes nothing, not even the rules before its error */
	char fp[33], fp2[33];
	oomsift_rules_fingerprint(rs, fp);
	rule_yaml(yaml, sizeof(yaml), "x", 7, "{field: manual, equals: 1}", "{nope}",
	          "event: {manual: 1}", "event: {manual: 0}", "");
	rule_yaml(two, sizeof(two), "v", 7, "{field: manual, equals: 1}", "ok",
	          "event: {manual: 1}", "event: {manual: 0}", "disable: [z]\n");
	strcat(two, yaml + strlen("rules:\n"));
	assert_int_equal(load(rs, two), OOMSIFT_ERULE);
	expect_ids(rs, (const char *[]){"x", "y", "z", "w"}, 4);
	oomsift_rules_fingerprint(rs, fp2);
	assert_string_equal(fp, fp2);
	oomsift_rules_get(rs, 2, &info);
	assert_false(info.disabled);
	oomsift_rules_free(rs);
}

static void test_disable(void **state)
{
	oomsift_rules *rs = new_set();
	oomsift_rule_info info;
	fake f = {0};
	got g;

	add_manual_rule(rs, "a", 0);
	add_manual_rule(rs, "b", 0);
	assert_int_equal(oomsift_rules_disable(rs, "nope"), OOMSIFT_ENOTFOUND);
	assert_string_equal(oomsift_error_message(), "no rule 'nope'");
	load_ok(rs, "disable: [a]\n");
	oomsift_rules_get(rs, 0, &info);
	assert_true(info.disabled);
	fake_int(&f, "manual", 1);
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].id, "b");
	assert_int_equal(oomsift_rules_disable(rs, "b"), 0);
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 0);
	/* a file may disable a rule it defines itself; replacing a rule enables it */
	char yaml[8192];
	rule_yaml(yaml, sizeof(yaml), "a", 0, "{field: manual, equals: 1}", "again",
	          "event: {manual: 1}", "event: {manual: 0}", "");
	load_ok(rs, yaml);
	oomsift_rules_get(rs, 0, &info);
	assert_false(info.disabled);
	rule_yaml(yaml, sizeof(yaml), "c", 0, "{field: manual, equals: 1}", "c",
	          "event: {manual: 1}", "event: {manual: 0}", "disable: [c]\n");
	load_ok(rs, yaml);
	oomsift_rules_get(rs, 2, &info);
	assert_string_equal(info.id, "c");
	assert_true(info.disabled);
	oomsift_rules_free(rs);
}

static void test_thresholds(void **state)
{
	oomsift_rules *rs = new_set();
	fake f = {0};
	got g;

	add_rule(rs, "hog", 0, "{field: largest.share, gt: $min_share}",
	         "over {threshold.min_share|pct}", "event: {largest.share: 0.7}",
	         "event: {largest.share: 0.5}", "  thresholds: {min_share: 0.6}\n");
	fake_real(&f, "largest.share", 0.65);
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].evidence, "over 60%");
	/* a file's override */
	load_ok(rs, "thresholds: {hog.min_share: 0.66}\n");
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 0);
	/* the API's */
	assert_int_equal(oomsift_rules_set_threshold(rs, "hog.min_share", 0.5), 0);
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_string_equal(g.m[0].evidence, "over 50%");
	assert_int_equal(oomsift_rules_set_threshold(rs, "hog.nope", 1), OOMSIFT_ENOTFOUND);
	assert_string_equal(oomsift_error_message(),
	                    "no threshold 'hog.nope' (write RULE_ID.NAME)");
	assert_int_equal(oomsift_rules_set_threshold(rs, "nope.min_share", 1), OOMSIFT_ENOTFOUND);
	assert_int_equal(oomsift_rules_set_threshold(rs, "hog", 1), OOMSIFT_ENOTFOUND);
	assert_int_equal(oomsift_rules_set_threshold(rs, "hog.min_share", 0.0 / 0.0),
	                 OOMSIFT_EINVAL);
	oomsift_rules_free(rs);
}

/* ---- fingerprint ---- */

static void fingerprint_of(const char *yaml, const char *name, char out[33])
{
	oomsift_rules *rs = new_set();

	assert_int_equal(oomsift_rules_load_buffer(rs, name, yaml, strlen(yaml)), 0);
	oomsift_rules_fingerprint(rs, out);
	oomsift_rules_free(rs);
}

static void test_fingerprint(void **state)
{
	char yaml[8192], reformatted[9000], a[33], b[33], c[33];
	const char *flow = "when: {field: largest.share, gt: $min}", *at;
	oomsift_rules *rs;

	rule_yaml(yaml, sizeof(yaml), "hog", 0, "{field: largest.share, gt: $min}", "e",
	          "event: {largest.share: 0.7}", "event: {largest.share: 0.5}",
	          "  thresholds: {min: 0.6}\n");
	fingerprint_of(yaml, "a.yaml", a);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	/* the same rules from another origin, with comments and other layout */
	at = strstr(yaml, flow);
	assert_non_null(at);
	snprintf(
	    reformatted, sizeof(reformatted),
	    "# comment\n%.*swhen:\n    field: largest.share   # the share\n    gt: $min%s# end\n",
	    (int)(at - yaml), yaml, at + strlen(flow));
	fingerprint_of(reformatted, "elsewhere.yaml", b);
	assert_string_equal(a, b);
	/* a change of content changes it */
	rule_yaml(yaml, sizeof(yaml), "hog", 0, "{field: largest.share, gt: $min}", "e!",
	          "event: {largest.share: 0.7}", "event: {largest.share: 0.5}",
	          "  thresholds: {min: 0.6}\n");
	fingerprint_of(yaml, "a.yaml", c);
	assert_string_not_equal(a, c);
	/* a threshold's value changes it, and setting it back restores it */
	rule_yaml(yaml, sizeof(yaml), "hog", 0, "{field: largest.share, gt: $min}", "e",
	          "event: {largest.share: 0.7}", "event: {largest.share: 0.5}",
	          "  thresholds: {min: 0.6}\n");
	rs = new_set();
	load_ok(rs, yaml);
	oomsift_rules_fingerprint(rs, b);
	assert_string_equal(a, b);
	oomsift_rules_set_threshold(rs, "hog.min", 0.65);
	oomsift_rules_fingerprint(rs, b);
	assert_string_not_equal(a, b);
	oomsift_rules_set_threshold(rs, "hog.min", 0.6);
	oomsift_rules_fingerprint(rs, b);
	assert_string_equal(a, b);
	/* disabling changes it; an empty set has one too */
	add_manual_rule(rs, "other", 0);
	oomsift_rules_fingerprint(rs, b);
	assert_string_not_equal(a, b);
	oomsift_rules_disable(rs, "other");
	oomsift_rules_fingerprint(rs, b);
	assert_string_equal(a, b);
	oomsift_rules_disable(rs, "hog");
	oomsift_rules_fingerprint(rs, b);
	oomsift_rules_free(rs);
	rs = new_set();
	oomsift_rules_fingerprint(rs, c);
	assert_string_equal(b, c);
	oomsift_rules_free(rs);
	/* quoting a value is a change: "1" is text, 1 a number */
	fingerprint_of("disable: []\n", "x", a);
	assert_string_equal(a, c);
}

/* ---- oomsift_rules_test ---- */

typedef struct runner_log {
	char lines[8][512];
	size_t n;
	int calls;
	bool answer;
	int fail;
} runner_log;

static int fake_runner(void *data, const oomsift_rules *rs, const char *rule_id,
                       oomsift_rule_subject subject, const char *log, size_t len, bool *matched)
{
	runner_log *r = data;

	r->calls++;
	if (r->fail)
		return oomsift_error_set(r->fail, "runner failed");
	*matched = strstr(log, "MATCH") != NULL && strcmp(rule_id, "lg") == 0 &&
	           subject == OOMSIFT_SUBJECT_EVENT && len == strlen(log);
	return 0;
}

static void report(void *data, const char *message)
{
	runner_log *r = data;

	assert_true(r->n < 8);
	snprintf(r->lines[r->n++], sizeof(r->lines[0]), "%s", message);
}

static void test_rules_test(void **state)
{
	oomsift_rules *rs = new_set();
	oomsift_rules_test_stats st;
	runner_log r = {0};

	add_rule(rs, "lg", 0, "{field: manual, equals: 1}", "ev",
	         "event: {manual: 1}, log: 'MATCH here', log: 'no hit'",
	         "event: {manual: 0}, log: 'MATCH too'", "");
	add_rule(rs, "hog", 0, "{field: largest.share, gt: $min}", "ev",
	         "event: {largest.share: 0.7}", "event: {largest.share: 0.5}",
	         "  thresholds: {min: 0.6}\n");
	add_manual_rule(rs, "off", 0);
	oomsift_rules_disable(rs, "off");
	/* without a runner, log examples are skipped */
	assert_int_equal(oomsift_rules_test(rs, NULL, report, &r, &st), 0);
	assert_int_equal(st.rules, 2);
	assert_int_equal(st.examples, 4);
	assert_int_equal(st.skipped, 3);
	assert_int_equal(st.failed, 0);
	assert_int_equal(r.n, 0);
	/* with one: 'no hit' must match but does not, 'MATCH too' must not but does */
	assert_int_equal(oomsift_rules_test(rs, fake_runner, report, &r, &st), 0);
	assert_int_equal(r.calls, 3);
	assert_int_equal(st.examples, 7);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.failed, 2);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.lines[0],
	                    "t.yaml:11: rule lg: example 3 must match: the rule did not "
	                    "match the event of the log");
	assert_string_equal(r.lines[1], "t.yaml:12: rule lg: example 2 must not match: the rule "
	                                "matched the event of the log");
	/* an override that breaks an event example is reported */
	r.n = 0;
	oomsift_rules_set_threshold(rs, "hog.min", 0.8);
	assert_int_equal(oomsift_rules_test(rs, NULL, report, &r, &st), 0);
	assert_int_equal(st.failed, 1);
	assert_string_equal(r.lines[0], "t.yaml:11: rule hog: example 1 must match: "
	                                "'largest.share' is 0.7 (needs gt 0.8)");
	/* the runner's error stops it; report and stats may be NULL */
	r.fail = OOMSIFT_EIO;
	assert_int_equal(oomsift_rules_test(rs, fake_runner, NULL, &r, NULL), OOMSIFT_EIO);
	oomsift_rules_free(rs);
}

/* ---- the built-in rules ---- */

static void test_builtin(void **state)
{
	oomsift_rules *rs = new_set();
	oomsift_rules_test_stats st;
	oomsift_rule_info info;
	runner_log r = {0};
	fake f = {0};
	got g;
	size_t i, n;

	assert_int_equal(oomsift_rules_load_builtin(rs), 0);
	n = oomsift_rules_count(rs);
	assert_true(n >= 20);
	for (i = 0; i < n; i++) {
		oomsift_rules_get(rs, i, &info);
		assert_string_equal(info.origin, "builtin");
		if (strcmp(info.id, "manual") == 0)
			break;
	}
	assert_true(i < n);
	assert_string_equal(info.cause, "manual");
	assert_string_equal(info.severity, "info");
	assert_int_equal(info.priority, 1000);
	assert_non_null(strstr(info.description, "SysRq"));
	/* every built-in example holds; log examples need a store (tests/e2e) */
	assert_int_equal(oomsift_rules_test(rs, NULL, report, &r, &st), 0);
	assert_int_equal(st.rules, n);
	assert_true(st.examples >= 2 * n);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.failed, 0);
	/* the real SysRq-f report of tests/data/corpus/ubuntu2110_5.13.log */
	fake_int(&f, "manual", 1);
	fake_int(&f, "alloc_order", -1);
	fake_text(&f, "trigger_comm", "kworker/0:2");
	fake_int(&f, "trigger_pid", 735);
	fake_text(&f, "victim_comm", "unattended-upgr");
	fake_int(&f, "victim_pid", 651);
	fake_int(&f, "victim_rss_kb", 20928);
	fake_text(&f, "host", "ubuntu2110");
	assert_int_equal(eval_event(rs, &f, &g), 0);
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].primary);
	assert_string_equal(
	    g.m[0].evidence,
	    "kworker/0:2 (pid 735) ran a manual OOM kill (SysRq-f, allocation order "
	    "-1) and the kernel killed unattended-upgr (pid 651, 20 MiB resident). The "
	    "kill was asked for; memory need not have been short.");
	assert_non_null(strstr(g.m[0].advice, "SysRq-f on ubuntu2110:"));
	oomsift_rules_free(rs);
}

/* ---- files and directories ---- */

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_files_and_dirs(void **state)
{
	char dir[] = "/tmp/oomsift-rules-XXXXXX", path[512], yaml[8192];
	oomsift_rules *rs = new_set();
	oomsift_rule_info info;

	assert_non_null(mkdtemp(dir));
	rule_yaml(yaml, sizeof(yaml), "from_b", 0, "{field: manual, equals: 1}", "b",
	          "event: {manual: 1}", "event: {manual: 0}", "");
	snprintf(path, sizeof(path), "%s/b.yaml", dir);
	write_file(path, yaml);
	rule_yaml(yaml, sizeof(yaml), "from_a", 0, "{field: manual, equals: 1}", "a",
	          "event: {manual: 1}", "event: {manual: 0}", "");
	snprintf(path, sizeof(path), "%s/a.yml", dir);
	write_file(path, yaml);
	snprintf(path, sizeof(path), "%s/.hidden.yaml", dir);
	write_file(path, "not: [a rule file");
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	write_file(path, "not: [a rule file");
	assert_int_equal(oomsift_rules_load_dir(rs, dir, false), 0);
	expect_ids(rs, (const char *[]){"from_a", "from_b"}, 2);
	oomsift_rules_get(rs, 0, &info);
	snprintf(path, sizeof(path), "%s/a.yml", dir);
	assert_string_equal(info.origin, path);
	/* an error names the file */
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	write_file(path, "rules: 5\n");
	assert_int_equal(oomsift_rules_load_dir(rs, dir, false), OOMSIFT_ERULE);
	char want[1024];
	snprintf(want, sizeof(want),
	         "%s:1:8: 'rules' needs a sequence of rules, not number 5\n"
	         "rules: 5\n       ^",
	         path);
	assert_string_equal(oomsift_error_message(), want);
	assert_int_equal(oomsift_rules_load_file(rs, path), OOMSIFT_ERULE);
	unlink(path);
	/* missing files and directories */
	snprintf(path, sizeof(path), "%s/none.yaml", dir);
	assert_int_equal(oomsift_rules_load_file(rs, path), OOMSIFT_EIO);
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", path);
	assert_string_equal(oomsift_error_message(), want);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(oomsift_rules_load_dir(rs, path, true), 0);
	assert_int_equal(oomsift_rules_load_dir(rs, path, false), OOMSIFT_EIO);
	/* an empty file is an empty set of rules */
	snprintf(path, sizeof(path), "%s/empty.yaml", dir);
	write_file(path, "# nothing yet\n");
	assert_int_equal(oomsift_rules_load_file(rs, path), 0);
	assert_int_equal(oomsift_rules_count(rs), 2);
	unlink(path);
	const char *names[] = {"a.yml", "b.yaml", ".hidden.yaml", "notes.txt"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	oomsift_rules_free(rs);
}

/* ---- caps ---- */

static void test_cap_file_size(void **state)
{
	size_t n = OOMSIFT_RULES_MAX_FILE_BYTES;
	char *text = malloc(n + 2);
	char dir[] = "/tmp/oomsift-rules-XXXXXX", path[512], want[600];
	oomsift_rules *rs = new_set();

	assert_non_null(text);
	/* a file of exactly the cap, all comment, loads */
	memset(text, '#', n);
	text[n - 1] = '\n';
	text[n] = '\0';
	assert_int_equal(oomsift_rules_load_buffer(rs, "t.yaml", text, n), 0);
	text[n] = '#';
	text[n + 1] = '\0';
	assert_int_equal(oomsift_rules_load_buffer(rs, "t.yaml", text, n + 1), OOMSIFT_ERULE);
	assert_string_equal(oomsift_error_message(),
	                    "t.yaml: larger than 1048576 bytes, the most a rule file may have");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	write_file(path, text);
	assert_int_equal(oomsift_rules_load_file(rs, path), OOMSIFT_ERULE);
	snprintf(want, sizeof(want), "%s: larger than 1048576 bytes, the most a rule file may have",
	         path);
	assert_string_equal(oomsift_error_message(), want);
	unlink(path);
	rmdir(dir);
	free(text);
	oomsift_rules_free(rs);
}

static void depth_yaml(char *yaml, int brackets)
{
	int n = sprintf(yaml, "disable:\n- ");

	for (int i = 0; i < brackets; i++)
		yaml[n++] = '[';
	for (int i = 0; i < brackets; i++)
		yaml[n++] = ']';
	strcpy(yaml + n, "\n");
}

static void test_cap_depth(void **state)
{
	char yaml[256];

	/* the root mapping is level 1, the block sequence 2: 30 brackets reach 32 */
	depth_yaml(yaml, 30);
	expect_error_at(yaml, 2, "[", "unknown rule '[...]' in disable");
	depth_yaml(yaml, 31);
	expect_error_at(yaml, 2, "[]", "nested deeper than 32 levels"); /* the 31st '[' */
}

static void test_cap_items(void **state)
{
	size_t cap = 16 + RULES_MAX_ITEMS * 4;
	char *yaml = malloc(cap), *p;

	assert_non_null(yaml);
	for (int extra = 0; extra < 2; extra++) {
		p = yaml + sprintf(yaml, "disable: [");
		for (int i = 0; i < RULES_MAX_ITEMS + extra; i++)
			p += sprintf(p, "%sx", i ? "," : "");
		strcpy(p, "]\n");
		oomsift_rules *rs = new_set();
		assert_int_equal(load(rs, yaml), OOMSIFT_ERULE);
		if (extra)
			assert_non_null(
			    strstr(oomsift_error_message(),
			           "t.yaml:1:8203: more than 4096 entries in one sequence"));
		else
			assert_non_null(strstr(oomsift_error_message(),
			                       "t.yaml:1:11: unknown rule 'x' in disable"));
		oomsift_rules_free(rs);
	}
	free(yaml);
}

static void test_cap_rules(void **state)
{
	size_t per = 256, cap = per * (OOMSIFT_RULES_MAX_RULES + 2);
	char *yaml = malloc(cap), *p;
	oomsift_rules *rs = new_set();

	assert_non_null(yaml);
	p = yaml + sprintf(yaml, "rules:\n");
	for (int i = 0; i < OOMSIFT_RULES_MAX_RULES; i++)
		p += sprintf(
		    p,
		    "- {id: r%d, title: T, cause: c, severity: low, when: {field: manual, "
		    "equals: 1}, evidence: e, advice: a, examples: {match: [event: {manual: "
		    "1}], no_match: [event: {}]}}\n",
		    i);
	load_ok(rs, yaml);
	assert_int_equal(oomsift_rules_count(rs), OOMSIFT_RULES_MAX_RULES);
	/* replacing one is fine; one more is not */
	load_ok(rs, "rules:\n- {id: r7, title: T, cause: c, severity: low, when: {field: manual, "
	            "equals: 1}, evidence: e, advice: a, examples: {match: [event: {manual: 1}], "
	            "no_match: [event: {}]}}\n");
	expect_load_message(
	    rs,
	    "rules:\n- {id: r7, title: T, cause: c, severity: low, when: {field: manual, equals: "
	    "1}, "
	    "evidence: e, advice: a, examples: {match: [event: {manual: 1}], no_match: [event: "
	    "{}]}}\n"
	    "- {id: extra, title: T, cause: c, severity: low, when: {field: manual, equals: 1}, "
	    "evidence: e, advice: a, examples: {match: [event: {manual: 1}], no_match: [event: "
	    "{}]}}\n",
	    "t.yaml:3:8: too many rules (a set holds at most 1024)\n"
	    /* a line longer than 160 bytes is cut */
	    "- {id: extra, title: T, cause: c, severity: low, when: {field: manual, equals: 1}, "
	    "evidence: e, advice: a, examples: {match: [event: {manual: 1}], no_match: [ev...\n"
	    "       ^");
	assert_int_equal(load(rs, "rules:\n- {id: extra, title: T, cause: c, severity: low, when: "
	                          "{field: manual, equals: 1}, evidence: e, advice: a, examples: "
	                          "{match: [event: {manual: 1}], no_match: [event: {}]}}\n"),
	                 OOMSIFT_ERULE);
	assert_non_null(
	    strstr(oomsift_error_message(), "too many rules (a set holds at most 1024)"));
	assert_int_equal(oomsift_rules_count(rs), OOMSIFT_RULES_MAX_RULES);
	oomsift_rules_free(rs);
	free(yaml);
}

static void test_cap_template(void **state)
{
	char *yaml = malloc(OOMSIFT_RULES_MAX_TEMPLATE + 1024);
	char *tpl = malloc(OOMSIFT_RULES_MAX_TEMPLATE + 2);
	oomsift_rules *rs = new_set();

	assert_non_null(yaml);
	assert_non_null(tpl);
	memset(tpl, 'x', OOMSIFT_RULES_MAX_TEMPLATE);
	tpl[OOMSIFT_RULES_MAX_TEMPLATE] = '\0';
	rule_yaml(yaml, OOMSIFT_RULES_MAX_TEMPLATE + 1024, "r", 0, "{field: manual, equals: 1}",
	          tpl, "event: {manual: 1}", "event: {manual: 0}", "");
	load_ok(rs, yaml);
	strcat(tpl, "x");
	rule_yaml(yaml, OOMSIFT_RULES_MAX_TEMPLATE + 1024, "r", 0, "{field: manual, equals: 1}",
	          tpl, "event: {manual: 1}", "event: {manual: 0}", "");
	assert_int_equal(load(rs, yaml), OOMSIFT_ERULE);
	assert_non_null(strstr(oomsift_error_message(), "t.yaml:8:13: template longer than 4096 "
	                                                "bytes\n  evidence: \"xxx"));
	oomsift_rules_free(rs);
	free(yaml);
	free(tpl);
}

/* ---- the field registry ---- */

static bool is_derived(const char *name)
{
	return strchr(name, '.') != NULL;
}

static oomsift_value_type affinity(const char *decl)
{
	if (strcmp(decl, "INTEGER") == 0)
		return OOMSIFT_VALUE_INT;
	if (strcmp(decl, "REAL") == 0)
		return OOMSIFT_VALUE_REAL;
	if (strcmp(decl, "TEXT") == 0)
		return OOMSIFT_VALUE_TEXT;
	return OOMSIFT_VALUE_NULL; /* an expression: no declared type */
}

static void check_view(sqlite3 *db, const char *view, oomsift_rule_subject subject)
{
	char sql[128];
	sqlite3_stmt *st;
	size_t n, i = 0;
	const oomsift_rule_field *f = oomsift_rules_fields(subject, &n);

	snprintf(sql, sizeof(sql), "SELECT name, type FROM pragma_table_info('%s')", view);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		oomsift_value_type t = affinity((const char *)sqlite3_column_text(st, 1));
		/* cause is what rules write (schema 5): a rule that read it would
		 * depend on the run before it */
		if (strcmp(name, "cause") == 0)
			continue;
		if (i >= n || is_derived(f[i].name))
			fail_msg("%s: column '%s' is not in the registry", view, name);
		if (strcmp(f[i].name, name) != 0)
			fail_msg("%s: column %zu is '%s', the registry says '%s'", view, i, name,
			         f[i].name);
		if (t != OOMSIFT_VALUE_NULL && t != f[i].type)
			fail_msg("%s: column '%s' has another type in the registry", view, name);
		i++;
	}
	sqlite3_finalize(st);
	if (i < n && !is_derived(f[i].name))
		fail_msg("%s: the registry has '%s', the view has not", view, f[i].name);
	/* then only derived fields, the last being fact.KEY */
	for (; i < n; i++)
		assert_true(is_derived(f[i].name));
	assert_string_equal(f[n - 1].name, "fact.KEY");
}

static void test_registry_matches_views(void **state)
{
	oomsift_store *s = NULL;
	size_t n;

	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	check_view(oomsift_store_db(s), "oom_events", OOMSIFT_SUBJECT_EVENT);
	check_view(oomsift_store_db(s), "memory_events", OOMSIFT_SUBJECT_MEMORY_EVENT);
	oomsift_store_free(s);
	/* the expression columns, typed by what they compute */
	assert_int_equal(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "victim_rss_kb")->type,
	                 OOMSIFT_VALUE_INT);
	assert_int_equal(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "sightings")->type,
	                 OOMSIFT_VALUE_INT);
	assert_int_equal(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "fingerprint")->type,
	                 OOMSIFT_VALUE_TEXT);
	assert_int_equal(oomsift_rules_field(OOMSIFT_SUBJECT_MEMORY_EVENT, "fingerprint")->type,
	                 OOMSIFT_VALUE_TEXT);
	/* lookups */
	assert_string_equal(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "fact.SwapTotal")->name,
	                    "fact.KEY");
	assert_string_equal(oomsift_rules_field(OOMSIFT_SUBJECT_MEMORY_EVENT, "fact.x")->name,
	                    "fact.KEY");
	assert_null(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "fact."));
	assert_non_null(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "fact.KEYS"));
	assert_null(oomsift_rules_field(OOMSIFT_SUBJECT_MEMORY_EVENT, "victim_comm"));
	assert_null(oomsift_rules_field(OOMSIFT_SUBJECT_MEMORY_EVENT, "largest.share"));
	assert_int_equal(oomsift_rules_field(OOMSIFT_SUBJECT_EVENT, "largest.share")->type,
	                 OOMSIFT_VALUE_REAL);
	/* the derived fields of FIELDS.md and the five added with the default rules */
	oomsift_rules_fields(OOMSIFT_SUBJECT_EVENT, &n);
	assert_int_equal(n, 90 + 35 + 1);
	oomsift_rules_fields(OOMSIFT_SUBJECT_MEMORY_EVENT, &n);
	assert_int_equal(n, 18 + 1);
}

static const char *type_name(oomsift_value_type t)
{
	return t == OOMSIFT_VALUE_INT ? "INT" : t == OOMSIFT_VALUE_REAL ? "REAL" : "TEXT";
}

/* docs/rules.md lists every field as "| `name` | TYPE | description |". */
static void test_docs_list_fields(void **state)
{
	FILE *fp = fopen(DOCS, "r");
	static char doc[256 * 1024];
	size_t len, n;

	assert_non_null(fp);
	len = fread(doc, 1, sizeof(doc) - 1, fp);
	doc[len] = '\0';
	fclose(fp);
	for (int s = 0; s < 2; s++) {
		const oomsift_rule_field *f = oomsift_rules_fields((oomsift_rule_subject)s, &n);
		for (size_t i = 0; i < n; i++) {
			char row[512];
			snprintf(row, sizeof(row), "\n| `%s` | %s | %s |\n", f[i].name,
			         type_name(f[i].type), f[i].description);
			if (!strstr(doc, row))
				fail_msg("docs/rules.md lacks the row%s", row);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_errors),
	    cmocka_unit_test(test_rule_errors),
	    cmocka_unit_test(test_cond_errors),
	    cmocka_unit_test(test_history_trend_errors),
	    cmocka_unit_test(test_template_errors),
	    cmocka_unit_test(test_example_errors),
	    cmocka_unit_test(test_carets),
	    cmocka_unit_test(test_caret_long_line),
	    cmocka_unit_test(test_semantics),
	    cmocka_unit_test(test_eval_through_ctx),
	    cmocka_unit_test(test_eval_errors),
	    cmocka_unit_test(test_eval_history_trend),
	    cmocka_unit_test(test_eval_short_circuit),
	    cmocka_unit_test(test_format_size),
	    cmocka_unit_test(test_templates),
	    cmocka_unit_test(test_template_render_caps),
	    cmocka_unit_test(test_priority_order),
	    cmocka_unit_test(test_override_by_id),
	    cmocka_unit_test(test_disable),
	    cmocka_unit_test(test_thresholds),
	    cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test(test_rules_test),
	    cmocka_unit_test(test_builtin),
	    cmocka_unit_test(test_files_and_dirs),
	    cmocka_unit_test(test_cap_file_size),
	    cmocka_unit_test(test_cap_depth),
	    cmocka_unit_test(test_cap_items),
	    cmocka_unit_test(test_cap_rules),
	    cmocka_unit_test(test_cap_template),
	    cmocka_unit_test(test_registry_matches_views),
	    cmocka_unit_test(test_docs_list_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
