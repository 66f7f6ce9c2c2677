/*
 * libFuzzer target: the envelope (parse/envelope.c). The first byte picks the
 * options (a preferred or forced wrapper, the year); the rest is split at
 * newlines and every line is parsed in order, as the input stage does, so the
 * state carried between lines (previous wrapper, boot id, dmesg -e minute) is
 * exercised too. Each line is a copy of exactly its bytes, so ASan catches a
 * read past its end. Each record's message is then walked break by break.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/envelope.h"

static void walk_breaks(const oomsift_record *rec)
{
	const char *msg = rec->msg;
	size_t len = rec->msg_len;
	size_t width;
	const char *brk;
	while (msg && (brk = oomsift_record_next_break(msg, len, &width))) {
		size_t skip = (size_t)(brk - msg) + width;
		if (width == 0 || skip > len)
			__builtin_trap();
		msg += skip;
		len -= skip;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	oomsift_envelope_opts opts = {
	    .year = (flags & 0x80) ? 0 : 2026,
	    /* fixed, so a run replays: 0 would mean "now" */
	    .ref_time = 1795000000,
	};
	oomsift_wrapper w = (oomsift_wrapper)((flags & 0x1f) % OOMSIFT_WRAP_COUNT);
	if (flags & 0x40) {
		opts.force = w;
		opts.forced = true;
	} else if (flags & 0x20) {
		opts.prefer = w;
	}
	oomsift_envelope *env;
	if (oomsift_envelope_new(&env, &opts) < 0)
		return 0;
	const char *p = (const char *)data + 1;
	const char *end = (const char *)data + size;
	uint64_t lineno = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* a copy of exactly len bytes: ASan sees a read past the line */
		char *line = malloc(len ? len : 1);
		if (!line)
			break;
		memcpy(line, p, len);
		oomsift_record rec;
		oomsift_envelope_parse(env, line, len, lineno++, &rec);
		walk_breaks(&rec);
		free(line);
		p += len + (nl != NULL);
	}
	oomsift_envelope_free(env);
	return 0;
}
