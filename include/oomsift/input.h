/*
 * The input stage: reads files, directories and stdin line by line, in big
 * blocks and with a hard cap on line length, and drives the envelope and OOM
 * stages over them. Events reach the caller through a callback, so parsing
 * never depends on the store.
 */
#ifndef OOMSIFT_INPUT_H
#define OOMSIFT_INPUT_H

#include <stdint.h>

#include "oomsift/oom.h"

/* Longest line kept; the rest of a longer line is dropped (and counted). */
#define OOMSIFT_MAX_LINE 65536

typedef struct oomsift_parse_opts {
	const char *host; /* host for records without one; NULL = from the file name */
	int year;         /* year of RFC3164 lines; 0 = infer from the file's mtime */
	/* Memory events (overcommit refusals, allocation failures) go to
	 * memevent_cb, with me->source set; NULL = not parsed. */
	oomsift_memevent_cb memevent_cb;
	void *memevent_ctx;
} oomsift_parse_opts;

typedef struct oomsift_parse_stats {
	uint64_t files, lines, bytes, events, long_lines;
	uint64_t memevents;
} oomsift_parse_stats;

/* Parses one file, or stdin when path is "-". Every event is handed to cb,
 * which takes ownership; ev->source is set to path. Stats are added to. */
int oomsift_parse_path(const char *path, const oomsift_parse_opts *opts, oomsift_event_cb cb,
                       void *ctx, oomsift_parse_stats *stats);

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

#endif
