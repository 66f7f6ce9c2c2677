/*
 * libFuzzer target: the push parser and the report assembler (parse/input.c,
 * parse/oom.c, parse/oom_lines.c, parse/userspace.c, parse/marker_scan.c).
 *
 * Input: two bytes that seed the chunk sizes (chunks.h), then the log. The
 * format is sniffed from the log's head as the ingest does it (text, journal
 * JSON or export; anything else is read as text). The log is fed twice, in the
 * same chunks: on the fast path (every_line false) and line by line (true).
 * Neither may crash, leak or hit undefined behaviour. The two are not asked to
 * find the same events: they may differ by design (docs/performance.md,
 * boot_time, the grace of kills without a clock).
 */
#include <stdint.h>
#include <string.h>

#include "chunks.h"
#include "oomsift/event.h"
#include "oomsift/input.h"
#include "oomsift/sniff.h"

/* Reads the strings an event hands on: a missing terminator or a freed arena
 * shows up here under ASan, not later in the store. */
static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static int take_event(void *ctx, oomsift_event *ev)
{
	size_t *sum = ctx;
	*sum += touch(ev->host) + touch(ev->kernel) + touch(ev->trigger_comm) +
	        touch(ev->victim_comm) + touch(ev->oom_memcg) + touch(ev->task_memcg) +
	        touch(ev->unit) + touch(ev->seen_by) + touch(ev->source) + ev->raw.len +
	        oomsift_event_kill_count(ev) + oomsift_event_complete(ev);
	for (size_t i = 0; i < ev->ntasks; i++)
		*sum += touch(ev->tasks[i].name);
	oomsift_event_free(ev);
	return 0;
}

static int take_memevent(void *ctx, const oomsift_memevent *me)
{
	size_t *sum = ctx;
	*sum += touch(me->host) + strnlen(me->message, sizeof(me->message));
	return 0;
}

static void run(const uint8_t *seed, const char *log, size_t len, oomsift_sniff_result fmt,
                bool every_line)
{
	size_t sum = 0;
	oomsift_parser_cfg cfg = {
	    .name = "fuzz.log",
	    .year = 2026,
	    .mtime = 1795000000, /* fixed, so a run replays */
	    .format = fmt,
	    .memevent_cb = take_memevent,
	    .memevent_ctx = &sum,
	    .every_line = every_line,
	};
	oomsift_parser *p;
	if (oomsift_parser_new(&p, &cfg, take_event, &sum) < 0)
		return;
	fuzz_chunks chunks;
	fuzz_chunks_init(&chunks, seed);
	size_t off = 0;
	int rc = 0;
	while (off < len && rc >= 0) {
		size_t n = fuzz_chunks_next(&chunks, len - off);
		rc = oomsift_parser_feed(p, log + off, n);
		off += n;
	}
	if (rc >= 0)
		oomsift_parser_finish(p);
	oomsift_cursor cur;
	oomsift_parser_cursor(p, &cur);
	if (cur.offset > len)
		__builtin_trap();
	oomsift_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < FUZZ_CHUNK_SEED_LEN)
		return 0;
	const char *log = (const char *)data + FUZZ_CHUNK_SEED_LEN;
	size_t len = size - FUZZ_CHUNK_SEED_LEN;
	oomsift_sniff_result fmt =
	    oomsift_sniff(log, len < OOMSIFT_SNIFF_HEAD ? len : OOMSIFT_SNIFF_HEAD);
	if (fmt.format != OOMSIFT_FORMAT_JOURNAL_JSON &&
	    fmt.format != OOMSIFT_FORMAT_JOURNAL_EXPORT)
		fmt.format = OOMSIFT_FORMAT_TEXT;
	run(data, log, len, fmt, false);
	run(data, log, len, fmt, true);
	return 0;
}
