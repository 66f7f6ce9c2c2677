/*
 * The OOM stage: per-host state machines that assemble multi-line kernel OOM
 * reports from records and hand each finished event to a callback. User-space
 * lines (systemd-oomd, earlyoom, systemd units, kubelet, containerd) become
 * events of their own or are linked to the kernel kill they follow; a kill is
 * held back for a few seconds of log time after it ends so that late
 * follow-ups still find it.
 *
 * A report opens at " invoked oom-killer:" (or at a kill line whose header
 * was rate-limited away) and ends at its kill, at "no killable processes", at
 * a panic, at the next report, at a new boot, after a long silence, or at the
 * end of input. After the kill, a short grace window collects the extra
 * victims (shared mm, memory.oom.group) and the oom_reaper line.
 */
#ifndef OOMSIFT_OOM_H
#define OOMSIFT_OOM_H

#include "oomsift/envelope.h"
#include "oomsift/event.h"

typedef struct oomsift_assembler oomsift_assembler;

/* Receives a finished event and takes ownership of it (free it with
 * oomsift_event_free). A negative return stops the assembler with that code. */
typedef int (*oomsift_event_cb)(void *ctx, oomsift_event *ev);

/* default_host names events whose records carry no host (copied). */
int oomsift_assembler_new(oomsift_assembler **out, const char *default_host, oomsift_event_cb cb,
                          void *ctx);
void oomsift_assembler_free(oomsift_assembler *a);

/* Receives a memory event that is not an OOM kill (an overcommit refusal, an
 * allocation failure or stall). It owns nothing: *me and its text are valid
 * only during the call. A negative return stops the assembler with that code. */
typedef int (*oomsift_memevent_cb)(void *ctx, const oomsift_memevent *me);

/* Hands every memory event to cb from now on; cb NULL stops them. Without a
 * callback memory event lines are not parsed at all. Never fails. */
void oomsift_assembler_set_memevent_cb(oomsift_assembler *a, oomsift_memevent_cb cb, void *ctx);

/* Feeds one record; `line` is the physical line it came from (kept as the
 * event's raw text). Several records may share one physical line. */
int oomsift_assembler_feed(oomsift_assembler *a, const oomsift_record *rec, const char *line,
                           size_t line_len);

/* The number of hosts with a report open (0: a line boundary here is a
 * safe point to resume reading at). */
size_t oomsift_assembler_open_reports(const oomsift_assembler *a);

/* Whether the next lines may change an event even when they hold none of
 * the marker strings (parse/marker_scan.c): a report is open, or a memory
 * event waits for the kernel lines after it. While only held events wait
 * (for user-space notices, which are marker lines, and for their host's
 * clock to move on), lines without a marker may be passed over. */
bool oomsift_assembler_wants_every_line(const oomsift_assembler *a);

/* Ends the input: every open report is handed to the callback. */
int oomsift_assembler_finish(oomsift_assembler *a);

#endif
