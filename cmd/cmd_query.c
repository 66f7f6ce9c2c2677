/* oomsift query: named queries and read-only SQL over the store. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/output.h"
#include "oomsift/error.h"
#include "oomsift/query.h"

/* --param given at most this often */
#define MAX_PARAM_ARGS 32

static struct {
	const char *db, *format, *query, *since, *until, *host;
	bool list, truncate;
	cli_args params;
} o;

static const char *param_storage[MAX_PARAM_ARGS];

static const cli_opt query_opts[] = {
    DB_OPTION(&o.db),
    {CLI_VALUE, 'f', "format", "FORMAT", "table, csv, json, ndjson or markdown (default: table)",
     &o.format, false},
    {CLI_SWITCH, 'l', "list", NULL, "list the named queries (with a NAME: print its SQL)", &o.list,
     false},
    {CLI_VALUE, 0, "since", "TIME", "events at or after TIME (default: the query's, see --list)",
     &o.since, false},
    {CLI_VALUE, 0, "until", "TIME", "events before TIME (default: all)", &o.until, false},
    {CLI_VALUE, 0, "host", "GLOB", "hosts matching GLOB (default: *)", &o.host, false},
    {CLI_VALUES, 'p', "param", "NAME=VALUE", "a param of the named query", &o.params, false},
    {CLI_SWITCH, 0, "truncate", NULL, "cut table cells that do not fit the terminal (…)",
     &o.truncate, false},
    {CLI_ARG, 0, "query", NULL, "a named query, or SQL to run", &o.query, false},
    {0},
};

const cli_command cmd_query_spec = {
    "query",
    "run a named query, or read-only SQL, over the store",
    "QUERY is the name of a built-in query (oomsift query --list), or else SQL.\n"
    "\n"
    "Named queries (docs/queries.md): recent, by-host, by-cause, top-victims,\n"
    "repeat-offenders, memcg-limits, leak-suspects, hosts-without-swap,\n"
    "biggest-consumers, unit-kills, daily. Each reads the events of a window:\n"
    "--since (default: the query's own, shown by --list; most have all),\n"
    "--until (excluded; default all) and --host (a GLOB such as 'web*'). TIME is\n"
    "2026-11-01, 2026-11-01T08:30, RFC 3339, @EPOCH, 7d, 36h, '2 weeks ago',\n"
    "today, yesterday, or all (no bound). An event without a wall time (raw\n"
    "dmesg of an undated boot) is in the window only when it has no bounds.\n"
    "--param NAME=VALUE sets a query's own param (typed: int, real, text, time,\n"
    "glob); an unknown name or a value of the wrong type exits 2.\n"
    "\n"
    "SQL: the store opens read-only, and an authorizer refuses writes, schema\n"
    "changes, ATTACH, transactions, pragmas that set something and functions\n"
    "that reach outside the store; read pragmas as pragma_table_info('event').\n"
    "It may read :since, :until and :host. Public views: oom_events, oom_tasks,\n"
    "oom_kills, oom_meminfo, oom_sources, event_sources, memory_events,\n"
    "classifications, host_facts, host_facts_latest, host_swaps (docs/schema.md).\n"
    "\n"
    "Formats: json is one array of objects keyed by column name; ndjson one\n"
    "object per line; csv RFC 4180 with a header row; markdown a GitHub table.\n"
    "A table on a terminal fits its width ($COLUMNS, else the terminal's): long\n"
    "cells wrap within their column, or are cut with --truncate; a table that is\n"
    "not written to a terminal is never wrapped or cut. A failed statement prints\n"
    "the reason and exits 3.",
    "  oomsift query --list\n"
    "  oomsift query recent\n"
    "  oomsift query repeat-offenders --since 7d --param min_kills=3\n"
    "  oomsift query leak-suspects --host 'db*' --format markdown\n"
    "  oomsift query daily --since 2026-11-01 --until 2026-12-01 -f csv\n"
    "  oomsift query 'SELECT host, count(*) FROM oom_events GROUP BY host'\n"
    "  oomsift query --since 7d 'SELECT * FROM oom_events WHERE ts_unix >= :since'\n",
    query_opts,
};

static oomsift_value text_value(const char *s)
{
	if (!s)
		return (oomsift_value){.type = OOMSIFT_VALUE_NULL};
	return (oomsift_value){.type = OOMSIFT_VALUE_TEXT, .s = s, .len = strlen(s)};
}

/* "since=30d min_kills=2": the params whose default a user should know. */
static void params_summary(const oomsift_named_query_info *info, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < info->nparams && used < len; i++) {
		const oomsift_query_param *p = &info->params[i];
		if (p->line == 0) /* since, until, host with their usual defaults */
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s=%s", used ? " " : "",
		                         p->name, p->default_value);
	}
}

static int list_queries(const oomsift_named_queries *set, out_writer *w)
{
	static const char *const names[] = {"name", "params", "description"};
	oomsift_query_sink sink = out_sink(w);
	int rc;

	if ((rc = sink.columns(sink.ctx, 3, names)) < 0)
		return rc;
	for (size_t i = 0; i < oomsift_named_queries_count(set); i++) {
		oomsift_named_query_info info;
		char params[1024];
		oomsift_named_query_get(oomsift_named_queries_at(set, i), &info);
		params_summary(&info, params, sizeof(params));
		oomsift_value v[3] = {text_value(info.name), text_value(params[0] ? params : NULL),
		                      text_value(info.description)};
		if ((rc = sink.row(sink.ctx, 3, v)) < 0)
			return rc;
	}
	return out_finish(w);
}

/* --list NAME: the query's file, header and SQL, preceded by the params
 * every query has. */
static int show_query(const oomsift_named_query *q)
{
	oomsift_named_query_info info;

	oomsift_named_query_get(q, &info);
	printf("-- %s (every query also reads :since, :until and :host; defaults: ", info.file);
	for (size_t i = 0; i < 3; i++)
		printf("%s%s %s", i ? ", " : "", info.params[i].name, info.params[i].default_value);
	printf(")\n%s", info.sql);
	if (!*info.sql || info.sql[strlen(info.sql) - 1] != '\n')
		putchar('\n');
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INTERNAL;
}

/* A word such as "recnt" is a misspelt name rather than SQL. */
static bool looks_like_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* The query's args: --since, --until, --host, then each --param NAME=VALUE. */
static int collect_args(oomsift_query_arg *args, size_t *nargs)
{
	const char *opts[3][2] = {{"since", o.since}, {"until", o.until}, {"host", o.host}};

	*nargs = 0;
	for (int i = 0; i < 3; i++)
		if (opts[i][1])
			args[(*nargs)++] = (oomsift_query_arg){opts[i][0], opts[i][1]};
	for (int i = 0; i < o.params.n; i++) {
		const char *eq = strchr(o.params.v[i], '=');
		static char names[MAX_PARAM_ARGS][OOMSIFT_QUERY_MAX_NAME + 1];
		size_t n = eq ? (size_t)(eq - o.params.v[i]) : 0;
		if (!eq || n == 0 || n > OOMSIFT_QUERY_MAX_NAME) {
			cli_error("--param needs NAME=VALUE, not '%s'", o.params.v[i]);
			return -1;
		}
		memcpy(names[i], o.params.v[i], n);
		names[i][n] = '\0';
		args[(*nargs)++] = (oomsift_query_arg){names[i], eq + 1};
	}
	return 0;
}

static int run(const oomsift_named_query *q, out_format fmt)
{
	oomsift_query_arg args[MAX_PARAM_ARGS + 3];
	oomsift_value values[OOMSIFT_QUERY_MAX_PARAMS + 3];
	int64_t now = (int64_t)time(NULL);
	oomsift_store *store;
	out_writer *w;
	size_t nargs;
	int rc;

	if (collect_args(args, &nargs) < 0)
		return EXIT_USAGE;
	/* bad params are usage errors, told before the store is opened */
	if ((rc = oomsift_named_query_bind(q, args, nargs, now, values)) < 0)
		return cmd_fail(rc);
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READONLY)) < 0)
		return cmd_fail(rc);
	if (!(w = out_new(stdout, fmt))) {
		oomsift_store_free(store);
		cli_error("out of memory");
		return EXIT_INTERNAL;
	}
	out_set_width(w, out_terminal_width(stdout), o.truncate);
	oomsift_query_sink sink = out_sink(w);
	rc = oomsift_named_query_run(store, q, args, nargs, now, &sink);
	if (rc == 0)
		rc = out_finish(w);
	out_free(w);
	oomsift_store_free(store);
	return rc < 0 ? cmd_fail(rc) : EXIT_OK;
}

static int list_or_show(const oomsift_named_queries *set, out_format fmt)
{
	const oomsift_named_query *q;
	out_writer *w;
	int rc;

	if (o.query) {
		if (!(q = oomsift_named_queries_find(set, o.query))) {
			cli_error("no named query '%s' (see 'oomsift query --list')", o.query);
			return EXIT_USAGE;
		}
		return show_query(q);
	}
	if (!(w = out_new(stdout, fmt))) {
		cli_error("out of memory");
		return EXIT_INTERNAL;
	}
	out_set_width(w, out_terminal_width(stdout), o.truncate);
	rc = list_queries(set, w);
	out_free(w);
	return rc < 0 ? cmd_fail(rc) : EXIT_OK;
}

int cmd_query(int argc, char **argv)
{
	oomsift_named_queries *set = NULL;
	oomsift_named_query *adhoc = NULL;
	const oomsift_named_query *q;
	out_format fmt = OUT_TABLE;
	int code, rc;

	memset(&o, 0, sizeof(o));
	o.params = (cli_args){param_storage, 0, MAX_PARAM_ARGS};
	if (cli_parse(&cmd_query_spec, argc, argv, &code) < 0)
		return code;
	if (o.format && out_format_parse(o.format, &fmt) < 0) {
		cli_error("unknown format '%s' (table, csv, json, ndjson, markdown)", o.format);
		return EXIT_USAGE;
	}
	if (!o.list && !o.query) {
		cli_error("missing <query>: a named query (see 'oomsift query --list') or SQL");
		cli_usage(stderr, &cmd_query_spec);
		return EXIT_USAGE;
	}
	if ((rc = oomsift_named_queries_builtin(&set)) < 0)
		return cmd_fail(rc);
	if (o.list) {
		code = list_or_show(set, fmt);
		goto out;
	}
	if (!(q = oomsift_named_queries_find(set, o.query))) {
		if (looks_like_name(o.query)) {
			cli_error("no named query '%s' (see 'oomsift query --list')", o.query);
			code = EXIT_USAGE;
			goto out;
		}
		if ((rc = oomsift_named_query_adhoc(&adhoc, o.query)) < 0) {
			code = cmd_fail(rc);
			goto out;
		}
		q = adhoc;
	}
	code = run(q, fmt);
out:
	oomsift_named_query_free(adhoc);
	oomsift_named_queries_free(set);
	return code;
}
