/*
 * The single-event view of `oomsift show` and `oomsift explain` (cmd/ only):
 * one renderer for both, as text (coloured on a terminal), Markdown or JSON
 * (docs/explain.md), writing to the FILE * it is given.
 */
#ifndef OOMSIFT_CMD_EVENT_VIEW_H
#define OOMSIFT_CMD_EVENT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "oomsift/view.h"

typedef enum view_format { VIEW_TEXT = 0, VIEW_MARKDOWN, VIEW_JSON } view_format;

typedef struct view_style {
	view_format format;
	bool color;      /* ANSI colours (text only) */
	int width;       /* text wraps at this column */
	bool from_store; /* show: ids, ingest times; explain: positions in the input */
	bool raw;        /* print the raw report (show --raw) */
	size_t index;    /* explain: position of this subject (1-based) … */
	size_t count;    /* … of count */
} view_style;

/* The --format and --color options of show and explain. */
#define VIEW_FORMAT_OPTION(target)                                                                 \
	{                                                                                          \
		CLI_VALUE, 'f', "format", "FORMAT", "text, markdown or json (default: text)",      \
		    target, false                                                                  \
	}
#define VIEW_COLOR_OPTION(target)                                                                  \
	{                                                                                          \
		CLI_VALUE, 0, "color", "WHEN",                                                     \
		    "auto, always or never (default: auto: on a terminal, unless NO_COLOR is "     \
		    "set)",                                                                        \
		    target, false                                                                  \
	}

/* Fills st for output to f from the --format and --color values (NULL for
 * the defaults): colour when text goes to a terminal and NO_COLOR is unset
 * or empty (or --color always); width from $COLUMNS, else the terminal's,
 * else 80. Prints the error and returns -1 for an unknown value. */
int view_style_init(view_style *st, const char *format, const char *color, FILE *f);

/* Writes one subject. JSON: one object (docs/explain.md). */
void view_render(FILE *f, const oomsift_view *v, const view_style *st);

/* Around several subjects: a JSON array, blank lines between texts. */
void view_list_begin(FILE *f, const view_style *st);
void view_list_next(FILE *f, const view_style *st, size_t done);
void view_list_end(FILE *f, const view_style *st, size_t done);

/* ---- shared by the renderers (cmd/event_view*.c) ---- */

/* "8.8 GiB", "512 KiB"; "?" when unset. */
const char *view_size(int64_t kb, char *out, size_t len);
/* "71.0%"; "-" when NAN. */
const char *view_pct(double share, char *out, size_t len);
/* "host-wide out of memory", "memory cgroup limit", … */
const char *view_kind_text(oomsift_event_kind kind);
const char *view_memevent_text(oomsift_memevent_kind kind);
/* "OOM event 12", "OOM event 2 of 3", "memory event 1 of 3" into out. */
const char *view_title(const oomsift_view *v, const view_style *st, char *out, size_t len);
/* The role of a task row: "victim", "killed", "trigger", "victim, trigger" or "". */
const char *view_task_role(const oomsift_view_task *t);
bool view_is_kernel_kind(const oomsift_event *ev);

void view_render_json(FILE *f, const oomsift_view *v, const view_style *st);

#endif
