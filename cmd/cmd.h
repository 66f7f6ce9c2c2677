/* The subcommands of oomsift and what they share (cmd/ only). */
#ifndef OOMSIFT_CMD_CMD_H
#define OOMSIFT_CMD_CMD_H

#include "cmd/opt.h"

int cmd_ingest(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_report(int argc, char **argv);

extern const cli_command cmd_ingest_spec, cmd_query_spec, cmd_show_spec, cmd_merge_spec,
    cmd_classify_spec, cmd_rules_spec, cmd_report_spec;

/* --db, else $OOMSIFT_DB, else ./oomsift.db */
const char *cmd_db_path(const char *opt);

/* Prints the library's last error and returns the exit code for rc. */
int cmd_fail(int rc);

#define DB_OPTION(target)                                                                          \
	{                                                                                          \
		CLI_VALUE, 0, "db", "PATH",                                                        \
		    "store file (default: $OOMSIFT_DB, else ./oomsift.db)", target, false          \
	}

#endif
