/*
 * The envelope stage: recognises the wrapper around one physical log line
 * (raw dmesg, dmesg -T, dmesg -x, RFC3164 syslog with or without an embedded
 * kernel timestamp, bare kernel text) and yields a record: host, wall time,
 * uptime, printk caller id, identifier and the message.
 *
 * Lines that start with white space and carry no wrapper are continuation
 * lines of a multi-line printk record: they inherit the previous record's
 * host and times.
 */
#ifndef OOMSIFT_ENVELOPE_H
#define OOMSIFT_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum oomsift_wrapper {
	OOMSIFT_WRAP_BARE = 0, /* no wrapper recognised: the whole line is the message */
	OOMSIFT_WRAP_DMESG,    /* [uptime] with optional caller id, <N> level, -x decode */
	OOMSIFT_WRAP_DMESG_T,  /* [Wed Nov 11 03:54:03 2026] in any locale */
	OOMSIFT_WRAP_RFC3164,  /* Nov  5 01:02:03 host tag: message */
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
	 * message; it closes the open reports of its host. boot_id when known. */
	OOMSIFT_WRAP_MARK,
	OOMSIFT_WRAP_COUNT
} oomsift_wrapper;

/* One record. Pointers refer to the line given to oomsift_envelope_parse() or
 * to the envelope's own storage; both stay valid until the next parse call. */
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
	const char *boot_id; /* 32 hex digits (journal _BOOT_ID), NULL when unknown */
	size_t boot_id_len;
	int64_t pid;   /* syslog/journal pid of the writer, -1 when none */
	double wall;   /* seconds since the epoch, UTC, valid when has_wall */
	double uptime; /* kernel timestamp, valid when has_uptime */
	bool has_wall;
	bool wall_subsec;
	bool has_uptime;
	bool cut; /* the line was cut: by the line-length cap, or ellipsized by a pager */
	uint64_t lineno;
} oomsift_record;

typedef struct oomsift_envelope oomsift_envelope;

typedef struct oomsift_envelope_opts {
	int year;         /* year for RFC3164 lines; 0 = infer from ref_time */
	int64_t ref_time; /* newest plausible time (file mtime), seconds; 0 = now */
} oomsift_envelope_opts;

/* Allocates an envelope parser; free with oomsift_envelope_free(). */
int oomsift_envelope_new(oomsift_envelope **out, const oomsift_envelope_opts *opts);
void oomsift_envelope_free(oomsift_envelope *env);

/* Parses one physical line (without its line end) into rec. Never fails: a
 * line that matches no wrapper is a bare message. */
void oomsift_envelope_parse(oomsift_envelope *env, const char *line, size_t len, uint64_t lineno,
                            oomsift_record *rec);

#endif
