/* oomsift merge: fold stores made elsewhere into this one. */
#include <string.h>

#include "cmd/cmd.h"
#include "oomsift/error.h"
#include "oomsift/store.h"

static struct {
	const char *db;
	bool quiet;
	cli_args others;
} o;

static const cli_opt merge_opts[] = {
    DB_OPTION(&o.db),
    {CLI_SWITCH, 'q', "quiet", NULL, "print no summary", &o.quiet, false},
    {CLI_ARGS, 0, "store", NULL, "stores to fold in (read, never changed)", &o.others, true},
    {0},
};

const cli_command cmd_merge_spec = {
    "merge",
    "fold stores made elsewhere into this one",
    "Copies every event of each other store into this one under the rules of ingest:\n"
    "an event both stores hold (the same kill, read on two machines or twice) stays\n"
    "one event with the sightings of both. Run ingest where the logs live, one store\n"
    "per host, and merge the stores centrally; merging the same store again adds\n"
    "nothing. Each store is merged in one transaction.",
    "  oomsift merge --db fleet.db web01.db web02.db\n"
    "  oomsift merge --db fleet.db collected/*.db\n",
    merge_opts,
};

int cmd_merge(int argc, char **argv)
{
	oomsift_merge_stats st = {0};
	oomsift_store *store;
	int code, rc, failed = 0;

	memset(&o, 0, sizeof(o));
	if (cli_parse(&cmd_merge_spec, argc, argv, &code) < 0)
		return code;
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READWRITE)) < 0)
		return cmd_fail(rc);
	for (int i = 0; i < o.others.n; i++) {
		if (strcmp(o.others.v[i], cmd_db_path(o.db)) == 0) {
			cli_error("error: '%s' is the store being merged into", o.others.v[i]);
			failed++;
			continue;
		}
		rc = oomsift_store_merge(store, o.others.v[i], &st);
		if (rc == OOMSIFT_ESTORE || rc == OOMSIFT_ESCHEMA) {
			/* That store is unreadable; this one is intact: go on. */
			cli_error("error: %s", oomsift_error_message());
			failed++;
		} else if (rc < 0) {
			oomsift_store_free(store);
			return cmd_fail(rc);
		}
	}
	oomsift_store_free(store);
	if (!o.quiet)
		fprintf(stderr,
		        "oomsift: %d store%s, %llu OOM events (%llu new, %llu already stored)%s\n",
		        o.others.n - failed, o.others.n - failed == 1 ? "" : "s",
		        (unsigned long long)st.events, (unsigned long long)st.new_events,
		        (unsigned long long)st.known_events, failed ? ", some stores failed" : "");
	return failed ? EXIT_PARTIAL : EXIT_OK;
}
