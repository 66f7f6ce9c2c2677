/* oomsift classify: the root causes of the stored events. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/rules_opts.h"
#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/store.h"

static struct {
	const char *db;
	bool all, quiet;
	rules_opts rules;
} o;

static const cli_opt classify_opts[] = {
    DB_OPTION(&o.db),
    {CLI_SWITCH, 0, "all", NULL, "evaluate every event again, not only those that need it", &o.all,
     false},
    RULES_FILES_OPTION(o.rules),
    RULES_DISABLE_OPTION(o.rules),
    RULES_NO_USER_OPTION(o.rules),
    {CLI_SWITCH, 'q', "quiet", NULL, "print no summary", &o.quiet, false},
    {0},
};

const cli_command cmd_classify_spec = {
    "classify",
    "find the root cause of each stored event",
    "Evaluates the root-cause rules over the stored OOM events and memory events and\n"
    "stores every rule that matched (the classifications view) and each event's primary\n"
    "cause, the matching rule of highest priority (the cause column of oom_events and\n"
    "memory_events). `oomsift ingest` does this for what it stored.\n"
    "\n"
    "Evaluated are the events not evaluated with these rules yet: new and changed ones,\n"
    "the events of the same host up to 30 days after them (their history rules may\n"
    "count them now), and every event when the rules changed. --all evaluates them all.\n"
    "A result that did not change is not rewritten. A summary goes to stderr.\n"
    "\n" RULES_HELP,
    "  oomsift classify\n"
    "  oomsift classify --all --rules ./my-rules.yaml --disable single_hog\n"
    "  oomsift query 'SELECT cause, count(*) FROM oom_events GROUP BY cause'\n",
    classify_opts,
};

int cmd_classify(int argc, char **argv)
{
	oomsift_classify_opts co = {0};
	oomsift_classify_stats st;
	oomsift_store *store = NULL;
	oomsift_rules *rs = NULL;
	int code, rc;

	memset(&o, 0, sizeof(o));
	rules_opts_init(&o.rules);
	if (cli_parse(&cmd_classify_spec, argc, argv, &code) < 0)
		return code;
	/* classify never creates a store: a missing one is a mistyped --db */
	if (access(cmd_db_path(o.db), F_OK) < 0) {
		cli_error("cannot open store '%s': %s", cmd_db_path(o.db), strerror(errno));
		return EXIT_STORE;
	}
	if ((rc = rules_opts_load(&o.rules, &rs)) < 0)
		return cmd_fail(rc);
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READWRITE)) < 0) {
		oomsift_rules_free(rs);
		return cmd_fail(rc);
	}
	co.all = o.all;
	rc = oomsift_classify(store, rs, &co, &st);
	oomsift_store_free(store);
	oomsift_rules_free(rs);
	if (rc < 0)
		return cmd_fail(rc);
	if (!o.quiet)
		rules_print_summary(&st);
	return EXIT_OK;
}
