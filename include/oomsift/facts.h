/*
 * Host facts: the settings and sizes of a host that decide how an OOM plays
 * out but that the kernel's OOM report does not print (kernel-formats.md §4):
 * overcommit mode and CommitLimit, panic_on_oom, swap devices, and so on.
 *
 * The parser reads three kinds of text, told apart by content, not by name:
 *   - `sysctl -a` output and sysctl.conf-style files (`vm.overcommit_memory = 2`),
 *     including the `sysctl: ...` complaints sos captures with it;
 *   - /proc/meminfo (`MemTotal:       16318412 kB`);
 *   - /proc/swaps (`Filename  Type  Size  Used  Priority` and one row per device).
 * Text is pushed block by block (any split, even inside a line); facts come
 * out through a callback. Memory is bounded: one line buffer and a fixed
 * table, whatever the input size.
 */
#ifndef OOMSIFT_FACTS_H
#define OOMSIFT_FACTS_H

#include <stddef.h>
#include <stdint.h>

/* Longest line read; the rest of a longer line is dropped (an error when the
 * line holds a fact that is kept). */
#define OOMSIFT_FACTS_MAX_LINE 4096
/* Most swap devices read from one /proc/swaps (the kernel allows 32). */
#define OOMSIFT_FACTS_MAX_SWAPS 64

typedef enum oomsift_facts_kind {
	OOMSIFT_FACTS_UNKNOWN = 0, /* nothing recognised (yet) */
	OOMSIFT_FACTS_SYSCTL,      /* `sysctl -a` output or a sysctl.conf-style file */
	OOMSIFT_FACTS_MEMINFO,     /* /proc/meminfo */
	OOMSIFT_FACTS_SWAPS,       /* /proc/swaps */
} oomsift_facts_kind;

/* One fact. Keys:
 *   sysctl   `vm.overcommit_memory` … (the vm.* settings that matter for OOM,
 *            '/' separators written as '.'), the last assignment of a key wins;
 *   meminfo  every key as printed: `MemTotal`, `Active(anon)`, `HugePages_Total`;
 *   swaps    `swap:NAME:type` (text), `swap:NAME:size`, `swap:NAME:used` (kB),
 *            `swap:NAME:priority`, NAME as the kernel prints it (octal escapes
 *            kept), and `swap_devices` (how many; 0 means no swap).
 * Units: `kB`, `count`, `percent`, `bool`, `mode`, `1/10000`, or NULL. */
typedef struct oomsift_fact {
	const char *key;
	int64_t value;    /* OOMSIFT_UNSET when the fact has no number */
	const char *unit; /* NULL when none */
	const char *text; /* NULL when none */
} oomsift_fact;

/* Receives one fact; the strings are valid only during the call. A negative
 * return stops the parser, which returns that code. */
typedef int (*oomsift_fact_cb)(void *ctx, const oomsift_fact *fact);

typedef struct oomsift_facts_parser oomsift_facts_parser;

/* Allocates a parser for the text of `name` (used in error messages; copied).
 * Free with oomsift_facts_free(). */
int oomsift_facts_new(oomsift_facts_parser **out, const char *name, oomsift_fact_cb cb, void *ctx);

/* Pushes len bytes. Fails with OOMSIFT_EINVAL, message "'name':LINE: …", when
 * the text is not one of the kinds above or a line does not fit its kind, and
 * with OOMSIFT_ELIMIT past a cap. After a failure the parser takes no more. */
int oomsift_facts_feed(oomsift_facts_parser *p, const char *data, size_t len);

/* Ends the text: parses a last line without '\n' and hands out the facts kept
 * until the end (sysctl values, swap_devices). OOMSIFT_EINVAL when the text
 * held nothing recognisable (empty, blank or only comments). */
int oomsift_facts_finish(oomsift_facts_parser *p);

/* The kind recognised so far. */
oomsift_facts_kind oomsift_facts_kind_of(const oomsift_facts_parser *p);

void oomsift_facts_free(oomsift_facts_parser *p);

/* The kind a significant line announces (its first non-blank, non-comment
 * line decides the kind of a file), or OOMSIFT_FACTS_UNKNOWN. */
oomsift_facts_kind oomsift_facts_detect(const char *line, size_t len);

/* "sysctl", "meminfo", "swaps" or "unknown". */
const char *oomsift_facts_kind_name(oomsift_facts_kind kind);

/* Parses a whole buffer as the text of `name`; *kind (may be NULL) gets its kind. */
int oomsift_facts_parse_buffer(const char *data, size_t len, const char *name, oomsift_fact_cb cb,
                               void *ctx, oomsift_facts_kind *kind);

/* Reads and parses the regular file at path in blocks. *kind and *mtime (both
 * may be NULL) get its kind and modification time (seconds since the epoch).
 * OOMSIFT_EIO when it cannot be read. */
int oomsift_facts_parse_path(const char *path, oomsift_fact_cb cb, void *ctx,
                             oomsift_facts_kind *kind, int64_t *mtime);

/* Where a set of facts comes from, for the store. */
typedef struct oomsift_facts_origin {
	const char *host;
	int64_t collected_at; /* seconds since the epoch, UTC */
	const char *source;   /* the facts file, as given or found */
} oomsift_facts_origin;

#endif
