/*
 * The envelope stage: recognises the wrapper around one physical log line
 * and yields a record: host, wall time, uptime, printk caller id, identifier,
 * pid, boot id and the message (kernel-formats.md §2.1-2.4, 2.7):
 *
 *   util-linux dmesg  raw `[uptime]`, `-r` `<N>`, `-x` `kern  :warn  : `, the printk
 *                     caller id (console `[..][ T1]` and util-linux 2.40 `[..] [  T1]`),
 *                     `-d` deltas, `-T` ctime in any locale, `-e` reltime,
 *                     `--time-format iso` (comma before the microseconds)
 *   /dev/kmsg         `6,1234,5678,-[,caller=T1];msg` (its ` KEY=value` dictionary
 *                     lines are META records; `\x0a` becomes a line break in msg)
 *   syslog            RFC3164 with or without `<PRI>` and host, rsyslog RFC3339,
 *                     RFC5424 (nil values, structured data), each with an optional
 *                     kernel `[uptime]` after the tag
 *   journalctl text   short, short-precise, short-iso(-precise), short-full,
 *                     short-monotonic, short-unix, cat (bare), its `-- Boot <id> --`
 *                     separators (MARK) and header/notice lines (META)
 *
 * Lines that start with white space and carry no wrapper are continuation
 * lines of a multi-line printk record: they inherit the previous record's
 * host and times.
 *
 * All times are converted to UTC with the offset the line states; wrappers
 * without a zone (RFC3164, journal short, dmesg -T) are read as UTC.
 */
#ifndef OOMSIFT_ENVELOPE_H
#define OOMSIFT_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum oomsift_wrapper {
	OOMSIFT_WRAP_BARE = 0, /* no wrapper recognised: the whole line is the message */
	OOMSIFT_WRAP_DMESG,    /* [uptime] with optional caller id, <N> level, -x decode, -d */
	/* dmesg with a wall clock: -T `[Wed Nov 11 03:54:03 2026]` in any locale,
	 * --time-format iso `2026-11-11T03:54:03,123456+00:00`, -e `[Nov11 03:54]`
	 * (minute resolution; the `[  +0.000012]` lines after it keep its minute) */
	OOMSIFT_WRAP_DMESG_T,
	OOMSIFT_WRAP_RFC3164, /* Nov  5 01:02:03 host tag: message */
	OOMSIFT_WRAP_CONTINUATION,
	OOMSIFT_WRAP_KMSG,           /* /dev/kmsg: 6,1234,5678,-;message */
	OOMSIFT_WRAP_RFC3339,        /* rsyslog high precision: 2026-11-20T10:11:12.123456+00:00 */
	OOMSIFT_WRAP_RFC5424,        /* <4>1 2026-11-20T10:11:12Z host app procid msgid sd msg */
	OOMSIFT_WRAP_JOURNAL_SHORT,  /* journalctl short, short-precise */
	OOMSIFT_WRAP_JOURNAL_ISO,    /* journalctl short-iso, short-iso-precise */
	OOMSIFT_WRAP_JOURNAL_FULL,   /* journalctl short-full: Sun 2026-11-05 10:11:12 UTC */
	OOMSIFT_WRAP_JOURNAL_MONO,   /* journalctl short-monotonic: [  123.456789] host ident: */
	OOMSIFT_WRAP_JOURNAL_UNIX,   /* journalctl short-unix: 1699179072.123456 host ident: */
	OOMSIFT_WRAP_JOURNAL_JSON,   /* journalctl -o json, json-seq, json-sse, json-pretty */
	OOMSIFT_WRAP_JOURNAL_EXPORT, /* journalctl -o export */
	OOMSIFT_WRAP_JOURNAL_FILE,   /* a native journal file read through libsystemd */
	/* A separator of the wrapper ("-- Boot <id> --", "-- Reboot --"): not a
	 * message; it closes the open reports of its host. boot_id when known;
	 * host is that of the record before it (the separator names none). */
	OOMSIFT_WRAP_MARK,
	/* A line of the wrapper that is no message and no boundary: journalctl's
	 * "-- Logs begin at", "-- Journal begins at", "-- No entries --",
	 * "-- cursor:", "Notice:", "Warning:" and "Hint:" lines, and the
	 * " KEY=value" dictionary lines of /dev/kmsg. The assembler ignores it. */
	OOMSIFT_WRAP_META,
	OOMSIFT_WRAP_COUNT
} oomsift_wrapper;

/* One record. Pointers refer to the line given to oomsift_envelope_parse() or
 * to the envelope's own storage; both stay valid until the next parse call.
 * msg may hold line breaks (a /dev/kmsg record with `\x0a`, rsyslog's
 * `#012`): oomsift_record_next_break() finds them, and each piece after the
 * first is a continuation of the record. */
typedef struct oomsift_record {
	oomsift_wrapper wrapper;
	const char *host; /* NULL when the wrapper has no host field */
	size_t host_len;
	const char *ident; /* syslog tag (`kernel`), NULL when none */
	size_t ident_len;
	const char *caller; /* printk caller id (`T4321`), NULL when none */
	size_t caller_len;
	const char *msg; /* the message, wrapper stripped */
	size_t msg_len;
	/* 32 hex digits (journal _BOOT_ID; in journalctl text, the id of the last
	 * "-- Boot <id> --" line before the record), NULL when unknown */
	const char *boot_id;
	size_t boot_id_len;
	int64_t pid;   /* syslog/journal pid of the writer, -1 when none */
	double wall;   /* seconds since the epoch, UTC, valid when has_wall */
	double uptime; /* kernel timestamp, valid when has_uptime */
	bool has_wall;
	bool wall_subsec;
	bool has_uptime;
	/* the line was cut: by the line-length cap, or ellipsized by journalctl
	 * --no-full (a U+2026 `…` in the message, or a continuation line ending
	 * in "..." where journalctl dropped the rest of a multi-line message) */
	bool cut;
	uint64_t lineno;
} oomsift_record;

typedef struct oomsift_envelope oomsift_envelope;

typedef struct oomsift_envelope_opts {
	int year;         /* year for RFC3164 and journal short lines; 0 = infer from ref_time */
	int64_t ref_time; /* newest plausible time (file mtime), seconds; 0 = now */
	/* Tried first on every line, before the previous line's wrapper: the hint
	 * of oomsift_sniff() for a file whose lines fit two wrappers (journalctl
	 * short-monotonic looks like raw dmesg). OOMSIFT_WRAP_BARE = none. */
	oomsift_wrapper prefer;
	/* With `forced` (--format), `force` is the only wrapper tried; a line it
	 * does not fit is bare text or a continuation. A flag of its own because
	 * OOMSIFT_WRAP_BARE, which `--format cat` forces, is 0. forced = false is
	 * automatic detection. */
	oomsift_wrapper force;
	bool forced;
} oomsift_envelope_opts;

/* Allocates an envelope parser; free with oomsift_envelope_free(). */
int oomsift_envelope_new(oomsift_envelope **out, const oomsift_envelope_opts *opts);
void oomsift_envelope_free(oomsift_envelope *env);

/* Parses one physical line (without its line end) into rec. Never fails: a
 * line that matches no wrapper is a bare message. */
void oomsift_envelope_parse(oomsift_envelope *env, const char *line, size_t len, uint64_t lineno,
                            oomsift_record *rec);

/* Finds the first line break inside a record's message msg[0..len): a newline
 * (/dev/kmsg `\x0a`, unescaped by the envelope) or rsyslog's `#012`. Returns
 * where it starts and sets *width to its length; NULL when there is none. */
const char *oomsift_record_next_break(const char *msg, size_t len, size_t *width);

#endif
