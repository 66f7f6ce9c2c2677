/*
 * Format sniffing: what kind of log a file holds, decided once per file from
 * its first bytes, and the names `--format` accepts to decide it instead.
 *
 * A text log's lines are then read by the envelope (oomsift_envelope_opts
 * prefer/force); journal JSON, export and native files have readers of their
 * own; a binary file is not a log.
 */
#ifndef OOMSIFT_SNIFF_H
#define OOMSIFT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "oomsift/envelope.h"

/* How many bytes of a file's head oomsift_sniff() looks at. */
#define OOMSIFT_SNIFF_HEAD 4096

typedef enum oomsift_format {
	OOMSIFT_FORMAT_AUTO = 0,       /* not decided: sniff the file (`--format auto`) */
	OOMSIFT_FORMAT_TEXT,           /* lines, each in one of the envelope's wrappers */
	OOMSIFT_FORMAT_JOURNAL_JSON,   /* journalctl -o json, json-pretty, json-seq, json-sse */
	OOMSIFT_FORMAT_JOURNAL_EXPORT, /* journalctl -o export */
	OOMSIFT_FORMAT_JOURNAL_FILE,   /* a native journal file (magic "LPKSHHRH") */
	OOMSIFT_FORMAT_BINARY,         /* not a log */
	OOMSIFT_FORMAT_EMPTY,          /* nothing but white space (or NUL padding) */
} oomsift_format;

typedef struct oomsift_sniff_result {
	oomsift_format format;
	/* TEXT: the wrapper to try first on every line, for a file whose lines
	 * fit two (journalctl short-monotonic looks like raw dmesg);
	 * OOMSIFT_WRAP_BARE when any wrapper may be tried in any order. */
	oomsift_wrapper prefer;
	/* The result names a format given by the user (--format), not a guess:
	 * for TEXT, `prefer` is then the only wrapper tried. */
	bool forced;
} oomsift_sniff_result;

/* Decides the format of a file from its first len bytes (at most
 * OOMSIFT_SNIFF_HEAD are read; pass fewer only when the file is shorter).
 * Never fails: text that fits no known shape is TEXT. */
oomsift_sniff_result oomsift_sniff(const char *head, size_t len);

/* The result that `--format NAME` stands for. Returns 0, or OOMSIFT_EINVAL
 * with a message listing the names when NAME is not one of them. */
int oomsift_format_from_name(const char *name, oomsift_sniff_result *out);

/* The names `--format` accepts, in the order help should list them, ending
 * with NULL: auto, dmesg, dmesg-t, kmsg, syslog, rfc3339, rfc5424, short,
 * short-precise, short-iso, short-iso-precise, short-full, short-monotonic,
 * short-unix, cat, json, export, journal. Static storage.
 * dmesg and dmesg-t both read every util-linux dmesg prefix (raw, -r, -x,
 * -d, -T, -e, --time-format iso); syslog is RFC3164 with or without <PRI>;
 * short and short-precise, short-iso and short-iso-precise read the same
 * lines; cat reads every line as bare text. */
const char *const *oomsift_format_names(void);

/* Sets the wrapper choice of envelope options (prefer, force, forced) from a
 * TEXT result; other formats leave the options on automatic detection. */
void oomsift_sniff_apply(const oomsift_sniff_result *r, oomsift_envelope_opts *opts);

#endif
