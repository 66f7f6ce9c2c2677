/*
 * Ingestion: reads files (plain, compressed, archives, stdin) into a store,
 * each event exactly once. A source already read is resumed at its cursor;
 * each source (file or archive member) is read in one transaction that also
 * commits its cursor, so an interrupted run loses nothing and doubles nothing.
 */
#ifndef OOMSIFT_INGEST_H
#define OOMSIFT_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "oomsift/store.h"

typedef struct oomsift_ingest oomsift_ingest;

/* Most worker threads (oomsift_ingest_opts.jobs). */
#define OOMSIFT_INGEST_MAX_JOBS 64

typedef struct oomsift_ingest_stats {
	uint64_t files;     /* files opened */
	uint64_t sources;   /* files or archive members read */
	uint64_t unchanged; /* sources skipped: read to their end before, unchanged */
	uint64_t resumed;   /* sources read on from their cursor */
	uint64_t bytes;     /* content bytes read (decompressed) */
	uint64_t lines, long_lines;
	uint64_t events, new_events, known_events;
	uint64_t memevents, new_memevents; /* overcommit refusals, allocation failures */
	uint64_t failed;                   /* inputs that could not be read (each reported) */
	uint64_t skipped;          /* empty inputs and inputs with no log lines (each reported) */
	uint64_t derived;          /* events dated from their boot (ts_quality 'derived') */
	uint64_t sosreports;       /* sosreports read (directories and archives) */
	uint64_t facts_files;      /* files of host facts stored */
	uint64_t facts, new_facts; /* host facts read, and of them not stored before */
} oomsift_ingest_stats;

/* A message about one input: severity is "error" (the input failed) or
 * "warning" (it was skipped, or only part of it was read). */
typedef void (*oomsift_ingest_report_cb)(void *ctx, const char *severity, const char *message);
/* Called after each block read and each source, for progress displays. */
typedef void (*oomsift_ingest_progress_cb)(void *ctx, const oomsift_ingest_stats *st,
                                           const char *path);
/* Called when a file (all its members) has been read, with its events. */
typedef void (*oomsift_ingest_file_cb)(void *ctx, const char *path, uint64_t events);

typedef struct oomsift_ingest_opts {
	const char *host;      /* host of records without one (--host) */
	const char *host_from; /* PCRE2 regex with a group `host`, matched on the path */
	int year;              /* year of RFC3164 lines; 0 = from each file's mtime */
	const char *format;    /* a --format name (sniff.h); NULL = sniff each file */
	bool reread;           /* ignore cursors: read every source from its start */
	/* Worker threads that read (decompress and parse) files while this
	 * thread stores what they read; 0 or 1 = none, everything is read in
	 * the calling thread. At most OOMSIFT_INGEST_MAX_JOBS. */
	unsigned jobs;
	oomsift_ingest_report_cb report;
	oomsift_ingest_progress_cb progress;
	oomsift_ingest_file_cb file_done;
	void *ctx; /* for the three callbacks */
} oomsift_ingest_opts;

/* Fails with OOMSIFT_EINVAL when host_from does not compile or has no group
 * named host, format is not a format name or jobs is too large, and with
 * OOMSIFT_ENOMEM when a worker thread cannot be started. The store is
 * borrowed. Free stops the workers: what they read and was not stored yet is
 * dropped (every source stored is stored whole, with its cursor). */
int oomsift_ingest_new(oomsift_ingest **out, oomsift_store *store, const oomsift_ingest_opts *o);
void oomsift_ingest_free(oomsift_ingest *in);

/* Reads one file, "-" for stdin, or an archive (every regular member). An
 * input that cannot be read is reported and counted, and the return is 0:
 * only failures of the store itself are returned (negative).
 *
 * With workers (opts.jobs > 1) a file may only be queued here: a worker reads
 * it while this thread stores the files queued before it, and the calls
 * below store it. Whatever the number of workers, sources are stored one
 * transaction each, in the order they were given, with the same events,
 * messages (reported from this thread, in that order) and stats as without
 * workers. stdin and sosreports are read in this thread, after every file
 * queued before them is stored. A failure of the store returned by a later
 * call may come from a queued file. */
int oomsift_ingest_file(oomsift_ingest *in, const char *path);

/* Stores everything queued for the workers (a no-op without workers).
 * Returns 0 or the store's failure. */
int oomsift_ingest_drain(oomsift_ingest *in);

/* Reads what path names: "-" (stdin), a file or archive as
 * oomsift_ingest_file(), a directory recursively (in name order, passing over
 * what is not a regular file), and an sosreport as one: an extracted
 * directory (found anywhere in the walk, by its layout) or an archive named
 * sosreport-*.tar* (by its members). An sosreport's var/log/messages*,
 * kern.log*, syslog*, journal files and journalctl outputs are read as logs
 * of its host (after --host and --host-from: the hostname file, else the
 * name); its sysctl -a, proc/meminfo and proc/swaps are stored as host facts
 * collected at its date_--utc (else at each file's mtime). Errors as for
 * oomsift_ingest_file(). */
int oomsift_ingest_path(oomsift_ingest *in, const char *path);

/* Stores the host facts in the file at path (plain or compressed: `sysctl -a`
 * output, /proc/meminfo or /proc/swaps, told apart by content; facts.h) as
 * facts of host collected at the file's mtime, in one transaction. A file
 * that cannot be read or holds no facts is reported and counted as failed;
 * the return is 0 unless the store fails. */
int oomsift_ingest_facts(oomsift_ingest *in, const char *path, const char *host);

/* Ends the run: stores what is queued (oomsift_ingest_drain()), then dates
 * uptime-only events from the boots now known. */
int oomsift_ingest_finish(oomsift_ingest *in);

/* What was stored so far: with workers, of the files stored (drain first). */
const oomsift_ingest_stats *oomsift_ingest_stats_get(const oomsift_ingest *in);

#endif
