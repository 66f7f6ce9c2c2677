/*
 * Command-line options, libgit2 style: each command declares a table, and
 * the same table drives parsing, the usage line and --help, so they cannot
 * drift apart.
 */
#ifndef OOMSIFT_CMD_OPT_H
#define OOMSIFT_CMD_OPT_H

#include <stdbool.h>
#include <stdio.h>

typedef enum cli_opt_kind {
	CLI_SWITCH, /* --flag: sets a bool */
	CLI_VALUE,  /* --name VALUE / --name=VALUE / -n VALUE: sets a const char * */
	CLI_ARG,    /* one positional argument */
	CLI_ARGS,   /* the remaining positional arguments */
	CLI_VALUES, /* --name VALUE, repeatable: appends to a cli_args */
} cli_opt_kind;

/* For CLI_VALUES the command points v at an array of cap entries before
 * cli_parse(); for CLI_ARGS cli_parse() sets everything. */
typedef struct cli_args {
	const char **v;
	int n;
	int cap;
} cli_args;

typedef struct cli_opt {
	cli_opt_kind kind;
	char short_name;        /* 0 when none */
	const char *long_name;  /* without "--"; for arguments the placeholder */
	const char *value_name; /* placeholder of the value, e.g. "PATH" */
	const char *help;
	void *target; /* bool *, const char **, or cli_args * (CLI_ARGS, CLI_VALUES) */
	bool required;
} cli_opt;

typedef struct cli_command {
	const char *name;
	const char *summary;
	const char *description; /* paragraphs for --help, may be NULL */
	const char *examples;    /* lines for --help, may be NULL */
	const cli_opt *opts;     /* terminated by an entry with kind 0 and no name */
} cli_command;

/* A named thing and what it is: an environment variable, a file, a page. */
typedef struct cli_entry {
	const char *name;
	const char *text;
} cli_entry;

/* What the program as a whole documents: --help and the man page read it. */
typedef struct cli_program {
	const char *summary;     /* one line */
	const char *description; /* paragraphs */
	/* NULL-terminated; a group's commands ("rules list") follow the group */
	const cli_command *const *commands;
	const cli_entry *environment, *files, *see_also; /* each ends with a NULL name */
} cli_program;

/* Exit codes (also listed by `oomsift --help` and the man page: cli_exit_codes). */
enum {
	EXIT_OK = 0,
	EXIT_NOT_FOUND = 1, /* the event asked for does not exist */
	EXIT_USAGE = 2,
	EXIT_SQL = 3,     /* an SQL statement failed */
	EXIT_PARTIAL = 4, /* some inputs could not be read; the rest was stored */
	EXIT_STORE = 5,   /* the store could not be opened, read or written */
	EXIT_RULES = 6,   /* a rule file is invalid, or a rule's example failed */
	EXIT_INTERNAL = 70,
};

/* Every exit code above with its meaning, ending with a NULL meaning. */
extern const struct cli_exit_code {
	int code;
	const char *meaning;
} cli_exit_codes[];

/* Parses argv (argv[0] is the command name). Returns -1 when the command
 * should exit with *exit_code (usage error, or --help already printed). */
int cli_parse(const cli_command *cmd, int argc, char **argv, int *exit_code);

void cli_usage(FILE *f, const cli_command *cmd);
void cli_help(FILE *f, const cli_command *cmd);

/* --year: leaves *year as it is when `arg` is NULL; else a year from 1970 to
 * 9999, or an error printed and -1. */
int cli_parse_year(const char *arg, int *year);

/* Prints "oomsift: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
