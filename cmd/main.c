/* oomsift: find every OOM kill in fleet logs, store it, and answer questions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/man.h"
#include "oomsift/error.h"

typedef struct command {
	const cli_command *spec;
	int (*run)(int argc, char **argv);
	const cli_command *const *subcommands; /* of a group, NULL-terminated; or NULL */
} command;

static const command commands[] = {
    {&cmd_ingest_spec, cmd_ingest, NULL},   {&cmd_classify_spec, cmd_classify, NULL},
    {&cmd_query_spec, cmd_query, NULL},     {&cmd_show_spec, cmd_show, NULL},
    {&cmd_explain_spec, cmd_explain, NULL}, {&cmd_report_spec, cmd_report, NULL},
    {&cmd_merge_spec, cmd_merge, NULL},     {&cmd_rules_spec, cmd_rules, cmd_rules_subcommands},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))
/* Commands and group commands the man page describes, at most. */
#define MAN_MAX_COMMANDS 64

static const cli_entry environment[] = {
    {"OOMSIFT_DB", "the store when --db is not given (default: ./oomsift.db)"},
    {"XDG_CONFIG_HOME", "user rules are read from $XDG_CONFIG_HOME/oomsift/rules.d (default: "
                        "~/.config/oomsift/rules.d)"},
    {"OOMSIFT_NOW", "the current time for report (epoch seconds or any --since form), for "
                    "reproducible reports"},
    {"NO_COLOR", "when set and not empty, show, explain and report print no colour, even on a "
                 "terminal"},
    {"COLUMNS", "the width show and explain wrap text at (default: the terminal's, else 80)"},
    {NULL, NULL},
};

static const cli_entry files[] = {
    {"./oomsift.db", "the default store, one SQLite file (see OOMSIFT_DB and --db)"},
    {"$XDG_CONFIG_HOME/oomsift/rules.d/*.yaml",
     "the user's rules, loaded after the built-in ones (~/.config/oomsift/rules.d when "
     "XDG_CONFIG_HOME is unset)"},
    {OOMSIFT_RULES_COPY, "the built-in rules, as a reference copy: the binary embeds them, "
                         "and changing this file changes nothing"},
    {NULL, NULL},
};

static const cli_entry see_also[] = {
    {"docs/schema.md", "the store's views, column by column (in the source distribution)"},
    {"docs/rules.md", "the rule language and the built-in rules"},
    {"docs/explain.md", "the single-event view of show and explain, and its JSON"},
    {"sqlite3(1), journalctl(1), dmesg(1)", "where the data comes from and goes to"},
    {NULL, NULL},
};

static const char program_summary[] =
    "find every OOM kill in fleet logs, store it, and explain its root cause";

static const char program_description[] =
    "oomsift finds every out-of-memory event in the kernel logs of a fleet (dmesg, syslog,\n"
    "journalctl output and journal files, plain, compressed or in archives), stores each\n"
    "one once with its task table in SQLite, finds its root cause with YAML rules, and\n"
    "answers questions about them. 'oomsift explain' does the same for one paste or\n"
    "log without a store.";

const char *cmd_db_path(const char *opt)
{
	const char *env = getenv("OOMSIFT_DB");

	if (opt)
		return opt;
	return env && *env ? env : "oomsift.db";
}

int cmd_fail(int rc)
{
	cli_error("%s", oomsift_error_message());
	switch (rc) {
	case OOMSIFT_ENOTFOUND:
		return EXIT_NOT_FOUND;
	case OOMSIFT_ESQL:
		return EXIT_SQL;
	case OOMSIFT_ESTORE:
	case OOMSIFT_ESCHEMA:
		return EXIT_STORE;
	case OOMSIFT_EINVAL:
		return EXIT_USAGE;
	case OOMSIFT_ERULE:
		return EXIT_RULES;
	default:
		return EXIT_INTERNAL;
	}
}

static void main_help(FILE *f)
{
	fprintf(f, "usage: oomsift <command> [options] [args]\n\n%s\n\ncommands:\n",
	        program_description);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].spec->name, commands[i].spec->summary);
	fputs("\n'oomsift <command> --help' describes a command, 'man oomsift' all of them.\n\n"
	      "exit status:\n",
	      f);
	for (const struct cli_exit_code *e = cli_exit_codes; e->meaning; e++)
		fprintf(f, "  %-3d %s\n", e->code, e->meaning);
	fputs("\nenvironment:\n", f);
	for (const cli_entry *e = environment; e->name; e++)
		fprintf(f, "  %-16s %s\n", e->name, e->text);
}

/* The man page: the same tables as --help. */
static void main_man(FILE *f)
{
	const cli_command *specs[MAN_MAX_COMMANDS + 1];
	cli_program p = {program_summary, program_description, specs, environment, files, see_also};
	size_t n = 0;

	for (size_t i = 0; i < NCOMMANDS && n < MAN_MAX_COMMANDS; i++) {
		specs[n++] = commands[i].spec;
		for (const cli_command *const *s = commands[i].subcommands;
		     s && *s && n < MAN_MAX_COMMANDS; s++)
			specs[n++] = *s;
	}
	specs[n] = NULL;
	man_print(f, &p, OOMSIFT_VERSION);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2)
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (strcmp(argv[2], commands[i].spec->name) == 0) {
					cli_help(stdout, commands[i].spec);
					return EXIT_OK;
				}
		main_help(stdout);
		return EXIT_OK;
	}
	/* hidden: the build writes oomsift.1 with it */
	if (strcmp(argv[1], "--man") == 0) {
		main_man(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("oomsift %s\n", OOMSIFT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].spec->name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("'%s' is not an oomsift command; see 'oomsift --help'", argv[1]);
	return EXIT_USAGE;
}
