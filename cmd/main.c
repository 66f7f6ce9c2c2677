/* oomsift: find every OOM kill in fleet logs, store it, and answer questions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "oomsift/error.h"

typedef struct command {
	const cli_command *spec;
	int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {&cmd_ingest_spec, cmd_ingest}, {&cmd_classify_spec, cmd_classify},
    {&cmd_query_spec, cmd_query},   {&cmd_show_spec, cmd_show},
    {&cmd_merge_spec, cmd_merge},   {&cmd_rules_spec, cmd_rules},
    {&cmd_report_spec, cmd_report},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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
	fputs("usage: oomsift <command> [options] [args]\n\n"
	      "Finds every out-of-memory kill in the kernel logs of a fleet, stores each one\n"
	      "with its task table in SQLite, finds its root cause, and answers questions\n"
	      "about them.\n\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].spec->name, commands[i].spec->summary);
	fputs("\n'oomsift <command> --help' describes a command.\n\n"
	      "exit status:\n"
	      "  0   success (whether or not OOM events were found)\n"
	      "  1   the event asked for does not exist\n"
	      "  2   usage error\n"
	      "  3   an SQL statement failed\n"
	      "  4   some inputs could not be read; everything else was stored\n"
	      "  5   the store could not be opened, read or written\n"
	      "  6   a rule file is invalid or cannot be read, or a rule's example failed\n"
	      "  70  internal error\n\n"
	      "environment:\n"
	      "  OOMSIFT_DB       store file when --db is not given (default ./oomsift.db)\n"
	      "  OOMSIFT_NOW      the current time for report (epoch seconds), for\n"
	      "                   reproducible reports\n"
	      "  NO_COLOR         no colour in the text report, even on a terminal\n"
	      "  XDG_CONFIG_HOME  user rules in $XDG_CONFIG_HOME/oomsift/rules.d (default\n"
	      "                   ~/.config/oomsift/rules.d)\n",
	      f);
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
