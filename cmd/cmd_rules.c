/* oomsift rules list|check|test: the root-cause rules themselves. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/output.h"
#include "cmd/rules_opts.h"
#include "oomsift/classify.h"
#include "oomsift/error.h"

static struct {
	const char *format, *sub;
	rules_opts rules;
	cli_args files, rest;
} o;

/* ---- rules (the group) ---- */

static const cli_opt rules_opts_table[] = {
    {CLI_ARG, 0, "command", NULL, "list, check or test", &o.sub, true},
    {CLI_ARGS, 0, "args", NULL, "the command's options and arguments", &o.rest, false},
    {0},
};

/* ---- rules list ---- */

static const cli_opt list_opts[] = {
    {CLI_VALUE, 'f', "format", "FORMAT", "table, csv, json or ndjson (default: table)", &o.format,
     false},
    RULES_FILES_OPTION(o.rules),
    RULES_DISABLE_OPTION(o.rules),
    RULES_NO_USER_OPTION(o.rules),
    {0},
};

static const cli_command list_spec = {
    "rules list",
    "list the rules in effect",
    "One row per rule, in load order (a rule replaced by id keeps its place): id, cause,\n"
    "severity, priority, the subject it reads (event or memory_event), origin (builtin,\n"
    "or FILE:LINE of its id), enabled (0 after --disable or a rule file's disable:)\n"
    "and title.\n"
    "\n" RULES_HELP,
    "  oomsift rules list\n  oomsift rules list --no-user-rules --format json\n",
    list_opts,
};

static oomsift_value text_value(const char *s)
{
	if (!s)
		return (oomsift_value){.type = OOMSIFT_VALUE_NULL};
	return (oomsift_value){.type = OOMSIFT_VALUE_TEXT, .s = s, .len = strlen(s)};
}

static oomsift_value int_value(int64_t i)
{
	return (oomsift_value){.type = OOMSIFT_VALUE_INT, .i = i};
}

static int list_rules(const oomsift_rules *rs, out_writer *w)
{
	static const char *const names[] = {"id",      "cause",  "severity", "priority",
	                                    "subject", "origin", "enabled",  "title"};
	oomsift_query_sink sink = out_sink(w);
	int rc;

	if ((rc = sink.columns(sink.ctx, 8, names)) < 0)
		return rc;
	for (size_t i = 0; i < oomsift_rules_count(rs); i++) {
		oomsift_rule_info r;
		char origin[4200];
		oomsift_rules_get(rs, i, &r);
		if (strcmp(r.origin, "builtin") == 0)
			snprintf(origin, sizeof(origin), "builtin");
		else
			snprintf(origin, sizeof(origin), "%s:%u", r.origin, r.line);
		oomsift_value v[8] = {text_value(r.id),
		                      text_value(r.cause),
		                      text_value(r.severity),
		                      int_value(r.priority),
		                      text_value(r.subject == OOMSIFT_SUBJECT_MEMORY_EVENT
		                                     ? "memory_event"
		                                     : "event"),
		                      text_value(origin),
		                      int_value(!r.disabled),
		                      text_value(r.title)};
		if ((rc = sink.row(sink.ctx, 8, v)) < 0)
			return rc;
	}
	return out_finish(w);
}

static int cmd_rules_list(int argc, char **argv)
{
	out_format fmt = OUT_TABLE;
	oomsift_rules *rs;
	out_writer *w;
	int code, rc;

	if (cli_parse(&list_spec, argc, argv, &code) < 0)
		return code;
	if (o.format && out_format_parse(o.format, &fmt) < 0) {
		cli_error("unknown format '%s' (table, csv, json, ndjson)", o.format);
		return EXIT_USAGE;
	}
	if ((rc = rules_opts_load(&o.rules, &rs)) < 0)
		return cmd_fail(rc);
	if (!(w = out_new(stdout, fmt))) {
		oomsift_rules_free(rs);
		cli_error("out of memory");
		return EXIT_INTERNAL;
	}
	rc = list_rules(rs, w);
	out_free(w);
	oomsift_rules_free(rs);
	return rc < 0 ? cmd_fail(rc) : EXIT_OK;
}

/* ---- rules check ---- */

static const cli_opt check_opts[] = {
    {CLI_ARGS, 0, "file", NULL, "rule files (or directories of them) to check", &o.files, true},
    {0},
};

static const cli_command check_spec = {
    "rules check",
    "check rule files",
    "Loads each FILE on top of the built-in rules, as oomsift would use it: YAML\n"
    "syntax, keys, fields, operators, types, regexes, durations, templates, thresholds,\n"
    "and the rule's event examples. Prints 'FILE: N rules ok', or the first error as\n"
    "FILE:LINE:COLUMN: what, with the line and a caret under the place, on stderr.\n"
    "Exit 6 when any file fails (every file is checked).",
    "  oomsift rules check ~/.config/oomsift/rules.d/*.yaml\n",
    check_opts,
};

/* Rules of the set that come from path (a file, or a file of a directory). */
static size_t rules_from(const oomsift_rules *rs, const char *path, bool dir)
{
	size_t n = 0, len = strlen(path);

	for (size_t i = 0; i < oomsift_rules_count(rs); i++) {
		oomsift_rule_info r;
		oomsift_rules_get(rs, i, &r);
		if (dir ? strncmp(r.origin, path, len) == 0 && r.origin[len] == '/'
		        : strcmp(r.origin, path) == 0)
			n++;
	}
	return n;
}

static int check_one(const char *path)
{
	oomsift_rules *rs;
	struct stat st;
	bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	int rc;

	if ((rc = oomsift_rules_new(&rs)) < 0)
		return rc;
	if ((rc = oomsift_rules_load_builtin(rs)) == 0)
		rc = dir ? oomsift_rules_load_dir(rs, path, false)
		         : oomsift_rules_load_file(rs, path);
	if (rc == 0) {
		size_t n = rules_from(rs, path, dir);
		printf("%s: %zu rule%s ok\n", path, n, n == 1 ? "" : "s");
	}
	oomsift_rules_free(rs);
	return rc;
}

static int cmd_rules_check(int argc, char **argv)
{
	int code, rc, failed = 0;

	if (cli_parse(&check_spec, argc, argv, &code) < 0)
		return code;
	for (int i = 0; i < o.files.n; i++) {
		rc = check_one(o.files.v[i]);
		if (rc == OOMSIFT_ERULE || rc == OOMSIFT_EIO) {
			cli_error("%s", oomsift_error_message());
			failed++;
		} else if (rc < 0) {
			return cmd_fail(rc);
		}
	}
	fflush(stdout);
	return failed ? EXIT_RULES : EXIT_OK;
}

/* ---- rules test ---- */

static const cli_opt test_opts[] = {
    RULES_FILES_OPTION(o.rules),
    RULES_DISABLE_OPTION(o.rules),
    RULES_NO_USER_OPTION(o.rules),
    {0},
};

static const cli_command test_spec = {
    "rules test",
    "run the examples of the rules in effect",
    "Every enabled rule carries examples that must match and examples that must not:\n"
    "event examples (fields given by value) and log examples (a log snippet, ingested\n"
    "into a private in-memory store and classified). Prints each failure on stdout as\n"
    "ORIGIN:LINE: rule ID: example N must (not) match: why, and a summary 'N rules,\n"
    "M examples, K failed' on stderr. Exit 6 when an example fails.\n"
    "\n" RULES_HELP,
    "  oomsift rules test\n  oomsift rules test --no-user-rules --rules ./new-rule.yaml\n",
    test_opts,
};

static void print_failure(void *data, const char *message)
{
	printf("%s\n", message);
}

static int cmd_rules_test(int argc, char **argv)
{
	oomsift_rules_test_stats st = {0};
	oomsift_rules *rs;
	int code, rc;

	if (cli_parse(&test_spec, argc, argv, &code) < 0)
		return code;
	if ((rc = rules_opts_load(&o.rules, &rs)) < 0)
		return cmd_fail(rc);
	rc = oomsift_rules_test(rs, oomsift_classify_log_runner, print_failure, NULL, &st);
	oomsift_rules_free(rs);
	fflush(stdout);
	if (rc < 0)
		return cmd_fail(rc);
	fprintf(stderr, "oomsift: %zu rule%s, %zu example%s, %zu failed\n", st.rules,
	        st.rules == 1 ? "" : "s", st.examples, st.examples == 1 ? "" : "s", st.failed);
	return st.failed ? EXIT_RULES : EXIT_OK;
}

const cli_command *const cmd_rules_subcommands[] = {&list_spec, &check_spec, &test_spec, NULL};

const cli_command cmd_rules_spec = {
    "rules",
    "list, check and test the root-cause rules",
    "  list    the rules in effect: id, cause, severity, priority, subject, origin\n"
    "  check   check rule files before using them\n"
    "  test    run the examples of every rule in effect\n"
    "\n"
    "Rules are YAML (docs/rules.md). 'oomsift rules <command> --help' describes each.\n"
    "Exit 6 when a rule file is invalid or an example fails.",
    "  oomsift rules list --format json\n"
    "  oomsift rules check ~/.config/oomsift/rules.d/*.yaml\n"
    "  oomsift rules test --rules ./team-rules/\n",
    rules_opts_table,
};

int cmd_rules(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {{"list", cmd_rules_list}, {"check", cmd_rules_check}, {"test", cmd_rules_test}};

	memset(&o, 0, sizeof(o));
	rules_opts_init(&o.rules);
	if (argc < 2) {
		cli_usage(stderr, &cmd_rules_spec);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_help(stdout, &cmd_rules_spec);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	cli_error("'%s' is not a rules command (list, check, test); see 'oomsift rules --help'",
	          argv[1]);
	return EXIT_USAGE;
}
