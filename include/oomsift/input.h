/*
 * The input stage: reads files, directories and stdin line by line, in big
 * blocks and with a hard cap on line length, and drives the envelope and OOM
 * stages over them. Events reach the caller through a callback, so parsing
 * never depends on the store.
 */
#ifndef OOMSIFT_INPUT_H
#define OOMSIFT_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "oomsift/oom.h"
#include "oomsift/sniff.h"

/* Longest line kept; the rest of a longer line is dropped (and counted). */
#define OOMSIFT_MAX_LINE 65536

typedef struct oomsift_parse_opts {
	const char *host; /* host for records without one; NULL = from the file name */
	int year;         /* year of RFC3164 lines; 0 = infer from the file's mtime */
	/* A --format name (oomsift_format_names() in sniff.h) that every file is
	 * read as; NULL or "auto" = detect the wrapper line by line. Only text
	 * formats are read here: another one is an OOMSIFT_EINVAL. */
	const char *format;
	/* Memory events (overcommit refusals, allocation failures) go to
	 * memevent_cb, with me->source set; NULL = not parsed. */
	oomsift_memevent_cb memevent_cb;
	void *memevent_ctx;
} oomsift_parse_opts;

typedef struct oomsift_parse_stats {
	uint64_t files, lines, bytes, events, long_lines;
	uint64_t wrapped_lines; /* lines in which a log wrapper was recognised */
	uint64_t memevents;     /* memory events (not kills) handed on */
	uint64_t bad_entries;   /* journal JSON/export entries skipped as malformed */
} oomsift_parse_stats;

/* Parses log content pushed block by block, from any offset of a source.
 * Events reach the callback, which takes ownership. */
typedef struct oomsift_parser oomsift_parser;

typedef struct oomsift_parser_cfg {
	const char *name; /* the source's name: events' source and messages (copied) */
	const char *host; /* host of records without one; NULL = from name */
	int year;         /* year of RFC3164 lines; 0 = infer from mtime */
	int64_t mtime;    /* when the content was written last (seconds); 0 = now */
	uint64_t offset;  /* offset of the first byte fed, in the source */
	uint64_t line;    /* lines before that offset */
	/* TEXT (or AUTO: the same), JOURNAL_JSON or JOURNAL_EXPORT, with the
	 * wrapper preference of a text file (sniff.h). JOURNAL_FILE content
	 * is not fed: its records come through oomsift_parser_record(). */
	oomsift_sniff_result format;
	/* Memory events (overcommit refusals, allocation failures) go to
	 * memevent_cb, with me->source set; NULL = not parsed. */
	oomsift_memevent_cb memevent_cb;
	void *memevent_ctx;
	/* Runs every line through the envelope and the assembler. false (the
	 * default): text lines without any marker string are counted and passed
	 * over while no report is open and no event is held (the fast path). */
	bool every_line;
} oomsift_parser_cfg;

/* A point to resume a source at: the offset after the last complete line
 * after which no report was open, that line's number, and a check of the
 * bytes before it (oomsift_cursor_fp). */
typedef struct oomsift_cursor {
	uint64_t offset, line, fp;
} oomsift_cursor;

int oomsift_parser_new(oomsift_parser **out, const oomsift_parser_cfg *cfg, oomsift_event_cb cb,
                       void *ctx);
void oomsift_parser_free(oomsift_parser *p);
/* Feeds len bytes; lines may straddle calls. */
int oomsift_parser_feed(oomsift_parser *p, const void *data, size_t len);
/* Ends the input: a last line without its newline, then every open report. */
int oomsift_parser_finish(oomsift_parser *p);
void oomsift_parser_cursor(const oomsift_parser *p, oomsift_cursor *c);
const oomsift_parse_stats *oomsift_parser_stats(const oomsift_parser *p);
/* Feeds one record read by another reader (a native journal file): an
 * oomsift_record_cb (journal.h) whose ctx is the parser. */
int oomsift_parser_record(void *parser, const oomsift_record *rec, const char *line,
                          size_t line_len);

/* The check of a cursor: the length n (at most 255) of the bytes before the
 * cursor that it covers, in the low 8 bits, and their XXH3-64 in the rest;
 * 0 when there is nothing to check. tail points at those n bytes. */
uint64_t oomsift_cursor_fp(const void *tail, size_t n);
#define OOMSIFT_CURSOR_FP_LEN(fp) ((size_t)((fp)&0xff))

/* Parses text in memory as if it were a file named `name` with mtime `mtime`. */
int oomsift_parse_buffer(const char *data, size_t len, const char *name, int64_t mtime,
                         const oomsift_parse_opts *opts, oomsift_event_cb cb, void *ctx,
                         oomsift_parse_stats *stats);

/* Host name for a file: its base name without a trailing .log or .txt. */
void oomsift_host_from_path(const char *path, char *out, size_t outlen);

/* Calls file_cb for path if it is a regular file or "-", or for every regular
 * file below it (sorted, recursive) if it is a directory. When a path cannot
 * be read, file_cb gets err < 0 with the message in the error slot; the walk
 * goes on. A negative return from file_cb stops the walk with that code. */
typedef int (*oomsift_file_cb)(void *ctx, const char *path, int err);
int oomsift_input_walk(const char *path, oomsift_file_cb file_cb, void *ctx);

/* Called with each directory before the walk enters it: 0 = enter it, 1 =
 * pass over it (the callback took care of it), < 0 = stop with that code. */
typedef int (*oomsift_dir_cb)(void *ctx, const char *path);
/* oomsift_input_walk() that asks dir_cb (may be NULL) about each directory. */
int oomsift_input_walk_dirs(const char *path, oomsift_file_cb file_cb, oomsift_dir_cb dir_cb,
                            void *ctx);

#endif
