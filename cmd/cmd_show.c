/* oomsift show: one stored event as a person reads it. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/event_view.h"
#include "oomsift/error.h"
#include "oomsift/store.h"
#include "oomsift/view.h"

static struct {
	const char *db, *id, *format, *color;
	bool raw, memory;
} o;

static const cli_opt show_opts[] = {
    DB_OPTION(&o.db),
    {CLI_SWITCH, 'r', "raw", NULL, "also print the report's lines as they were read", &o.raw,
     false},
    {CLI_SWITCH, 'm', "memory-event", NULL, "ID is a memory event (the id column of memory_events)",
     &o.memory, false},
    VIEW_FORMAT_OPTION(&o.format),
    VIEW_COLOR_OPTION(&o.color),
    {CLI_ARG, 0, "id", NULL, "event id (the id column of oom_events)", &o.id, true},
    {0},
};

const cli_command cmd_show_spec = {
    "show",
    "show one stored event in full",
    "Prints what happened (host, time, kernel, kind, trigger, victim), the root causes\n"
    "(every rule that matched, the primary one first, with its evidence and advice),\n"
    "what a cut report is missing, the memory picture (RAM or the cgroup's limit, swap,\n"
    "and a table of anon, file, shmem, slab, page tables, huge pages, … with each one's\n"
    "size and share of the total), the ten largest tasks by RSS with the victim and\n"
    "the trigger marked and their share of the total, and every file and line the\n"
    "event was read from (the event_sources view). The same view as 'oomsift explain'.\n"
    "\n"
    "--format json prints one object, markdown a Markdown section (docs/explain.md).\n"
    "Sizes in the task table assume 4 KiB pages. An id that is not in the store exits 1.",
    "  oomsift show 12\n"
    "  oomsift show --raw 12\n"
    "  oomsift show --memory-event 3\n"
    "  oomsift show --format json 12 | jq '.causes[0].advice'\n",
    show_opts,
};

int cmd_show(int argc, char **argv)
{
	oomsift_store *store;
	oomsift_view *v;
	view_style st;
	char *end;
	long long id;
	int code, rc;

	memset(&o, 0, sizeof(o));
	if (cli_parse(&cmd_show_spec, argc, argv, &code) < 0)
		return code;
	id = strtoll(o.id, &end, 10);
	if (*end || id <= 0) {
		cli_error("an event id is a positive number, not '%s'", o.id);
		return EXIT_USAGE;
	}
	if (view_style_init(&st, o.format, o.color, stdout) < 0)
		return EXIT_USAGE;
	st.from_store = true;
	st.raw = o.raw;
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READONLY)) < 0)
		return cmd_fail(rc);
	rc = oomsift_view_load(
	    store, o.memory ? OOMSIFT_SUBJECT_MEMORY_EVENT : OOMSIFT_SUBJECT_EVENT, id, o.raw, &v);
	oomsift_store_free(store);
	if (rc < 0)
		return cmd_fail(rc);
	view_render(stdout, v, &st);
	oomsift_view_free(v);
	return EXIT_OK;
}
