/*
 * Readers for systemd journal data (kernel-formats.md §2.5-2.6): the output
 * of `journalctl -o json` (and json-seq, json-sse, json-pretty), of
 * `journalctl -o export`, and native journal files through libsystemd.
 *
 * Every reader turns a journal entry into records (oomsift_record) the way
 * the envelope does for text lines, so the same assembler consumes them:
 *
 *   host     _HOSTNAME            boot_id  _BOOT_ID
 *   ident    "kernel" for kernel entries, else SYSLOG_IDENTIFIER, else _COMM,
 *            else "unknown" (as journalctl shows it: a record without ident
 *            would be taken for kernel text)
 *   pid      _PID, else SYSLOG_PID, else -1
 *   uptime   kernel entries only: _SOURCE_MONOTONIC_TIMESTAMP, else
 *            __MONOTONIC_TIMESTAMP (µs, given in seconds)
 *   wall     _SOURCE_REALTIME_TIMESTAMP, else __REALTIME_TIMESTAMP (µs, given in
 *            seconds; wall_subsec is set)
 *
 * A kernel entry has _TRANSPORT=kernel and SYSLOG_IDENTIFIER=kernel or none:
 * user space that writes to /dev/kmsg gets _TRANSPORT=kernel too, with its
 * own identifier.
 *
 * MESSAGE may be a string, a byte array (decoded), an array of values (the
 * first non-null one is used) or null (journalctl withheld a long value:
 * counted, no record). An entry without MESSAGE yields no record. A MESSAGE
 * with newlines becomes one record per line: the first with the reader's
 * wrapper (OOMSIFT_WRAP_JOURNAL_JSON, _EXPORT or _FILE), the others
 * OOMSIFT_WRAP_CONTINUATION with the same metadata and line number. The line
 * number is the physical line where the entry starts (JSON, export; newlines
 * inside binary export values count) or the entry's 1-based ordinal (native
 * files).
 *
 * Each record comes with a display line: the text `journalctl -o
 * short-iso-precise --utc` prints for it (`2026-11-14T08:00:00.001500+00:00
 * host ident[pid]: text`, continuation lines indented to the message column).
 * It lives in a buffer of the reader and is valid only during the callback,
 * like every pointer of the record.
 */
#ifndef OOMSIFT_JOURNAL_H
#define OOMSIFT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomsift/envelope.h"

/* Bytes kept of one MESSAGE value; the rest is skipped and the record is
 * marked cut. */
#define OOMSIFT_JOURNAL_FIELD_MAX (1u << 20)
/* Bytes kept of the metadata fields (_HOSTNAME, _BOOT_ID, SYSLOG_IDENTIFIER,
 * _COMM, the pids, _TRANSPORT, the time stamps); longer values are cut the
 * same way. Real values are at most 64 bytes. */
#define OOMSIFT_JOURNAL_META_MAX 256
/* Largest JSON entry (one object, as printed); a longer one is skipped as
 * malformed and reading goes on at the next entry. */
#define OOMSIFT_JOURNAL_JSON_ENTRY_MAX (4u << 20)
/* Longest field name of the export format (journal_field_valid()). */
#define OOMSIFT_JOURNAL_NAME_MAX 64
/* A binary export value longer than this (systemd's DATA_SIZE_MAX) means the
 * stream is corrupt: its framing cannot be trusted any more. */
#define OOMSIFT_JOURNAL_EXPORT_DATA_MAX (768ull << 20)

typedef struct oomsift_journal oomsift_journal;

typedef enum oomsift_journal_format {
	OOMSIFT_JOURNAL_JSON,  /* json, json-seq, json-sse and json-pretty, told apart as read */
	OOMSIFT_JOURNAL_EXPORT /* the export stream format */
} oomsift_journal_format;

/* Receives one record; `line`/`line_len` is the record's display text. Both
 * are valid only during the call. A negative return stops the reader, which
 * then returns that code from feed/finish (and from every later call). */
typedef int (*oomsift_record_cb)(void *ctx, const oomsift_record *rec, const char *line,
                                 size_t line_len);

/* Allocates a reader of `fmt` that hands records to cb; free it with
 * oomsift_journal_free(). `name` (copied) names the input in error messages.
 * Returns 0 or OOMSIFT_ENOMEM. */
int oomsift_journal_new(oomsift_journal **out, oomsift_journal_format fmt, const char *name,
                        oomsift_record_cb cb, void *ctx);

/* Pushes the next `len` bytes of the input; chunks may be of any size and cut
 * anywhere. A malformed entry is skipped and counted (bad_entries); the error
 * slot then holds its description (`name: line N: why`) but the call still
 * succeeds. Fails with OOMSIFT_EINVAL only when the stream cannot be followed
 * any more (an export binary length beyond OOMSIFT_JOURNAL_EXPORT_DATA_MAX, a
 * binary value not followed by its newline), with OOMSIFT_ENOMEM, or with the
 * callback's code. After a failure every later call returns the same code. */
int oomsift_journal_feed(oomsift_journal *j, const char *data, size_t len);

/* Ends the input. A final entry without its terminating newline or blank line
 * is still delivered (marked cut when its last field may be incomplete); a
 * JSON object left open is counted as malformed. Fails with OOMSIFT_EINVAL
 * when an export binary value runs past the end of the input, or when the
 * input held malformed entries and no valid one at all (it is not journal
 * data of this format); otherwise like oomsift_journal_feed(). */
int oomsift_journal_finish(oomsift_journal *j);

/* The byte offset just past the entry whose records are being delivered;
 * meant to be read inside the callback, as a resume cursor. */
uint64_t oomsift_journal_entry_end(const oomsift_journal *j);

/* Entries read, entries skipped as malformed, messages withheld (JSON null
 * MESSAGE), fields cut by the caps. */
typedef struct oomsift_journal_stats {
	uint64_t entries, bad_entries, withheld, cut_fields;
} oomsift_journal_stats;

void oomsift_journal_stats_get(const oomsift_journal *j, oomsift_journal_stats *st);

/* Frees the reader and everything it holds; NULL is allowed. */
void oomsift_journal_free(oomsift_journal *j);

/* Reads the native journal file open on `fd` (not consumed: the caller closes
 * it) and delivers the records of every entry in order, as the stream readers
 * do. An entry libsystemd cannot read is skipped (its description is left in
 * the error slot). Fails with OOMSIFT_EIO when the file cannot be opened as a
 * journal or reading it stops, with the callback's code, or, in a build
 * without libsystemd, with OOMSIFT_EINVAL "<name>: native journal files need
 * libsystemd; this oomsift was built without it". */
int oomsift_journal_read_fd(int fd, const char *name, oomsift_record_cb cb, void *ctx);

/* True when the first bytes of an input are a native journal file's (magic
 * "LPKSHHRH"); needs at least 8 bytes. */
bool oomsift_journal_is_native(const char *head, size_t len);

#endif
