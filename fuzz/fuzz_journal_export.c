/*
 * libFuzzer target: the journal stream readers (parse/journal.c), the export
 * format and the JSON one (json, json-seq, json-sse, json-pretty). Input: two
 * bytes that seed the chunk sizes (chunks.h), then the stream. Every input is
 * read by both readers, in the same chunks: export framing (binary lengths,
 * field names) and JSON framing (objects cut anywhere, records separators,
 * `data:` lines) each see every mutation.
 */
#include <stdint.h>
#include <string.h>

#include "chunks.h"
#include "oomsift/journal.h"

typedef struct reader_ctx {
	const oomsift_journal *j;
	size_t sum;
} reader_ctx;

/* Reads every byte a record points at: a pointer past its buffer shows up
 * here under ASan. */
static size_t touch(const char *s, size_t n)
{
	size_t sum = 0;
	for (size_t i = 0; s && i < n; i++)
		sum += (unsigned char)s[i];
	return sum;
}

static int take_record(void *ctx, const oomsift_record *rec, const char *line, size_t line_len)
{
	reader_ctx *rc = ctx;
	rc->sum += touch(rec->host, rec->host_len) + touch(rec->ident, rec->ident_len) +
	           touch(rec->msg, rec->msg_len) + touch(rec->boot_id, rec->boot_id_len) +
	           touch(rec->caller, rec->caller_len) + touch(line, line_len) +
	           oomsift_journal_entry_end(rc->j);
	return 0;
}

static void run(oomsift_journal_format fmt, const uint8_t *seed, const char *in, size_t len)
{
	reader_ctx rc = {0};
	oomsift_journal *j;
	if (oomsift_journal_new(&j, fmt, "fuzz", take_record, &rc) < 0)
		return;
	rc.j = j;
	fuzz_chunks chunks;
	fuzz_chunks_init(&chunks, seed);
	size_t off = 0;
	int err = 0;
	while (off < len && err >= 0) {
		size_t n = fuzz_chunks_next(&chunks, len - off);
		err = oomsift_journal_feed(j, in + off, n);
		off += n;
	}
	if (err >= 0)
		oomsift_journal_finish(j);
	oomsift_journal_stats st;
	oomsift_journal_stats_get(j, &st);
	oomsift_journal_free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < FUZZ_CHUNK_SEED_LEN)
		return 0;
	const char *in = (const char *)data + FUZZ_CHUNK_SEED_LEN;
	size_t len = size - FUZZ_CHUNK_SEED_LEN;
	run(OOMSIFT_JOURNAL_EXPORT, data, in, len);
	run(OOMSIFT_JOURNAL_JSON, data, in, len);
	return 0;
}
