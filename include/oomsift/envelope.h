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
	double wall;   /* seconds since the epoch, UTC, valid when has_wall */
	double uptime; /* kernel timestamp, valid when has_uptime */
	bool has_wall;
	bool wall_subsec;
	bool has_uptime;
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
