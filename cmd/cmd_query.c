/* oomsift query: read-only SQL over the store. */
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/output.h"
#include "oomsift/error.h"
#include "oomsift/query.h"

static struct {
	const char *db, *format, *sql;
} o;

static const cli_opt query_opts[] = {
    DB_OPTION(&o.db),
    {CLI_VALUE, 'f', "format", "FORMAT", "table, csv, json or ndjson (default: table)", &o.format,
     false},
    {CLI_ARG, 0, "sql", NULL, "SQL to run (read-only; several statements allowed)", &o.sql, true},
    {0},
};

const cli_command cmd_query_spec = {
    "query",
    "run read-only SQL over the store",
    "The store opens read-only and statements that could write are refused.\n"
    "Public views: oom_events, oom_tasks, oom_kills, oom_meminfo, oom_sources,\n"
    "event_sources, memory_events, classifications, host_facts, host_facts_latest,\n"
    "host_swaps (docs/schema.md). json is one array of objects keyed by column name;\n"
    "ndjson is one object per line; csv follows RFC 4180 with a header row. Tables\n"
    "never cut data. A failed statement prints SQLite's message and exits 3.",
    "  oomsift query 'SELECT host, count(*) FROM oom_events GROUP BY host'\n"
    "  oomsift query -f json 'SELECT * FROM oom_events WHERE kind = \"memcg_oom\"'\n",
    query_opts,
};

int cmd_query(int argc, char **argv)
{
	oomsift_store *store;
	out_format fmt = OUT_TABLE;
	out_writer *w;
	int code, rc;

	memset(&o, 0, sizeof(o));
	if (cli_parse(&cmd_query_spec, argc, argv, &code) < 0)
		return code;
	if (o.format && out_format_parse(o.format, &fmt) < 0) {
		cli_error("unknown format '%s' (table, csv, json, ndjson)", o.format);
		return EXIT_USAGE;
	}
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READONLY)) < 0)
		return cmd_fail(rc);
	w = out_new(stdout, fmt);
	if (!w) {
		oomsift_store_free(store);
		cli_error("out of memory");
		return EXIT_INTERNAL;
	}
	oomsift_query_sink sink = out_sink(w);
	rc = oomsift_query_run(store, o.sql, &sink);
	if (rc == 0)
		rc = out_finish(w);
	out_free(w);
	oomsift_store_free(store);
	return rc < 0 ? cmd_fail(rc) : EXIT_OK;
}
