/*
 * sosreports (sos 3.x and 4.x, `sos report` / `sosreport`): recognising one,
 * telling which of its files matter, and reading its host name and
 * collection time.
 *
 * An sosreport is a directory, or a tar archive with one top-level directory,
 * named sosreport-<host>[-<label>][-<case>]-YYYY-MM-DD-<random> (4.x) or
 * sosreport-<host>[.<case>]-YYYYMMDDHHMMSS (legacy), holding sos_commands/
 * (command outputs: sos_commands/<plugin>/<command with '_' for blanks>),
 * sos_logs/, sos_reports/, version.txt, copies of files under their own path
 * (proc/meminfo, var/log/messages) and links at the root (hostname, date, free).
 *
 * The functions over paths and strings are pure: they serve a directory walk
 * and a tar archive's member names alike. Relative paths are inside the
 * sosreport's root, '/'-separated, without a leading "./".
 */
#ifndef OOMSIFT_SOSREPORT_H
#define OOMSIFT_SOSREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest host name kept (a DNS name is at most 253 bytes). */
#define OOMSIFT_SOS_MAX_HOST 256
/* Longest top-level directory name the tar detector remembers. */
#define OOMSIFT_SOS_MAX_ROOT 256

typedef enum oomsift_sos_kind {
	OOMSIFT_SOS_IGNORE = 0,
	OOMSIFT_SOS_LOG,           /* var/log/messages*, var/log/kern.log*, var/log/syslog* */
	OOMSIFT_SOS_JOURNAL,       /* {var,run}/log/journal/ ** / *.journal[~] (native files),
	                              sos_commands/logs/journalctl_*--no-pager* (text output) */
	OOMSIFT_SOS_FACTS_SYSCTL,  /* sos_commands/kernel/sysctl_-a */
	OOMSIFT_SOS_FACTS_MEMINFO, /* proc/meminfo */
	OOMSIFT_SOS_FACTS_SWAPS,   /* proc/swaps */
	OOMSIFT_SOS_HOSTNAME,      /* hostname, sos_commands/host/hostname,
	                              sos_commands/general/hostname (3.x), etc/hostname */
	OOMSIFT_SOS_DATE,          /* sos_commands/date/date_--utc: when it was collected */
	OOMSIFT_SOS_KIND_COUNT
} oomsift_sos_kind;

/* "ignore", "log", "journal", "sysctl", "meminfo", "swaps", "hostname", "date". */
const char *oomsift_sos_kind_name(oomsift_sos_kind kind);

/* What the file at `rel` (relative to the sosreport root) is to oomsift.
 * Rotated and compressed logs (messages-20261110, kern.log.2.gz) are LOG:
 * the reader decides how to open them. etc/sysctl.conf and etc/sysctl.d are
 * IGNORE: they are what was configured, not what was running. */
oomsift_sos_kind oomsift_sosreport_classify(const char *rel);

/* The path of a tar member inside the sosreport: `member` without a leading
 * "./" and without its top-level directory. NULL for the top-level directory
 * itself or a member with no top-level directory. Points into member. */
const char *oomsift_sosreport_member_rel(const char *member);

/* Recognises an sosreport archive from its member names, one at a time, in
 * any order, with constant memory: all members under one top-level directory
 * that holds sos_commands/ and at least one of version.txt, sos_reports/ and
 * sos_logs/. */
typedef struct oomsift_sos_detect {
	char root[OOMSIFT_SOS_MAX_ROOT]; /* the top-level directory */
	size_t members;
	bool mixed;    /* members under more than one top-level directory (or none) */
	bool commands; /* sos_commands/ seen */
	bool marker;   /* version.txt, sos_reports/ or sos_logs/ seen */
} oomsift_sos_detect;

void oomsift_sosreport_detect_init(oomsift_sos_detect *d);
void oomsift_sosreport_detect_member(oomsift_sos_detect *d, const char *member);
/* true when the members seen so far make an sosreport; d->root names it. */
bool oomsift_sosreport_detect_result(const oomsift_sos_detect *d);

/* The same over a whole list; root (may be NULL) gets the top-level directory. */
bool oomsift_sosreport_is_listing(const char *const *members, size_t n, char *root, size_t rootlen);

/* The host of an sosreport from its directory or archive name (a path is
 * fine; .tar, .tar.xz, .tar.gz, .tar.bz2, .tar.zst, .tgz and -obfuscated are
 * taken off): the text between "sosreport-" and the date, up to its first
 * '.'. A --label or --case-id stays part of it (sos joins them with '-', like
 * the words of a host name). OOMSIFT_EINVAL when the name has no such shape. */
int oomsift_sosreport_host_from_name(const char *name, char *out, size_t outlen);

/* The host in the text of a hostname file: its first line, up to the first
 * '.' (the short name, as syslog writes it and sos names its archive).
 * OOMSIFT_EINVAL when that is empty or not a host name. */
int oomsift_sosreport_host_from_text(const char *data, size_t len, char *out, size_t outlen);

/* The time in `date --utc` output ("Wed Nov 18 03:20:11 UTC 2026"), as
 * seconds since the epoch. OOMSIFT_EINVAL for any other text or zone. */
int oomsift_sosreport_date_from_text(const char *data, size_t len, int64_t *t);

/* How far the HOSTNAME file at rel is trusted, 0 the most, in the order
 * above; -1 when rel is not a HOSTNAME file. For readers that meet the
 * files in any order (archives). */
int oomsift_sosreport_hostname_rank(const char *rel);

/* ---- sosreport directories ---- */

/* Sets *is_sos when dir is the root of an extracted sosreport (the markers of
 * oomsift_sos_detect, as directory entries). A path that is not a directory
 * is not one; only a failing stat() other than ENOENT/ENOTDIR is an error. */
int oomsift_sosreport_probe(const char *dir, bool *is_sos);

typedef struct oomsift_sosreport_info {
	char host[OOMSIFT_SOS_MAX_HOST]; /* "" when neither a hostname file nor the name tells */
	int64_t collected_at;            /* seconds since the epoch, when has_collected_at */
	bool has_collected_at;
} oomsift_sosreport_info;

/* Reads the host (from the HOSTNAME files in the order listed above, else the
 * directory name) and the collection time (sos_commands/date/date_--utc) of
 * the sosreport at root. Unreadable or odd files are passed over. */
int oomsift_sosreport_read_info(const char *root, oomsift_sosreport_info *info);

/* Called for each file of an sosreport that is not IGNORE, with its full path
 * and kind. err < 0 (message in the error slot) when a path could not be
 * read. A negative return stops the walk with that code. */
typedef int (*oomsift_sos_file_cb)(void *ctx, const char *path, oomsift_sos_kind kind, int err);

/* Visits the files that matter in the sosreport at root: the facts, host and
 * date files first, then var/log (recursively: journal directories) and
 * sos_commands/logs, each in sorted order. Only these places are entered, so
 * the thousands of files (and symbolic link loops) under sys/ and proc/ cost
 * nothing. */
int oomsift_sosreport_walk(const char *root, oomsift_sos_file_cb cb, void *ctx);

#endif
