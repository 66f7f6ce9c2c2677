/*
 * The rule set of a command and what the commands that classify share
 * (cmd/ only): the effective rule set is the built-in rules, then the
 * user's rules.d, then each --rules FILE|DIR in order, then --disable.
 */
#ifndef OOMSIFT_CMD_RULES_OPTS_H
#define OOMSIFT_CMD_RULES_OPTS_H

#include <stddef.h>

#include "cmd/opt.h"
#include "oomsift/classify.h"
#include "oomsift/rules.h"

/* --rules and --disable given at most this many times each. */
#define RULES_MAX_ARGS 64

typedef struct rules_opts {
	cli_args files, disable;
	bool no_user_rules;
	const char *files_v[RULES_MAX_ARGS], *disable_v[RULES_MAX_ARGS];
} rules_opts;

/* The option table entries of a command that takes a rule set. */
#define RULES_FILES_OPTION(ro)                                                                     \
	{                                                                                          \
		CLI_VALUES, 0, "rules", "FILE|DIR",                                                \
		    "also load rule file FILE, or every *.yaml and *.yml of DIR (repeatable)",     \
		    &(ro).files, false                                                             \
	}
#define RULES_DISABLE_OPTION(ro)                                                                   \
	{                                                                                          \
		CLI_VALUES, 0, "disable", "ID", "switch rule ID off (repeatable)", &(ro).disable,  \
		    false                                                                          \
	}
#define RULES_NO_USER_OPTION(ro)                                                                   \
	{                                                                                          \
		CLI_SWITCH, 0, "no-user-rules", NULL,                                              \
		    "leave out the rules of $XDG_CONFIG_HOME/oomsift/rules.d",                     \
		    &(ro).no_user_rules, false                                                     \
	}

/* The paragraph of --help that says where rules come from. */
#define RULES_HELP                                                                                 \
	"Rules: the built-in ones, then every *.yaml and *.yml file of\n"                          \
	"$XDG_CONFIG_HOME/oomsift/rules.d (default ~/.config/oomsift/rules.d; a missing\n"         \
	"directory is fine), then each --rules FILE|DIR in order; a rule whose id is\n"            \
	"already loaded replaces it. --disable ID then switches rules off. A rule file\n"          \
	"that is invalid or cannot be read stops the command with exit 6."

/* Empties ro and points its lists at their storage; call before cli_parse. */
void rules_opts_init(rules_opts *ro);

/* Builds the effective rule set into *out (free with oomsift_rules_free).
 * Fails with OOMSIFT_ERULE (also for a file that cannot be read) or
 * OOMSIFT_EINVAL (--disable of an unknown id); the message is set. */
int rules_opts_load(const rules_opts *ro, oomsift_rules **out);

/* The user's rules directory, or NULL when neither $XDG_CONFIG_HOME nor
 * $HOME says where it is. */
const char *rules_user_dir(char *buf, size_t len);

/* "oomsift: 3 events classified (2 changed), causes: memcg_limit 2, …" on stderr. */
void rules_print_summary(const oomsift_classify_stats *st);

#endif
