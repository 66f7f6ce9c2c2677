/*
 * The input byte stream: one path (a plain file, stdin, a FIFO, a gzip, xz,
 * zstd or bzip2 file, or a tar archive, plain or compressed) seen as a
 * sequence of members, each a stream of bytes. Compression and tar are
 * recognised by their magic bytes, never by the file name. Archive members
 * are decompressed in memory as they are read; nothing is written to disk.
 *
 * Memory is bounded: a few fixed blocks per reader, plus libarchive's own
 * fixed decompression windows. Only oomsift_reader_member_fd() copies a whole
 * member, into an anonymous memory file, up to OOMSIFT_READER_MAX_FD_COPY.
 *
 * A reader has no shared state: readers may be used from several threads,
 * each reader from one thread at a time.
 */
#ifndef OOMSIFT_READER_H
#define OOMSIFT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a member kept for oomsift_reader_head(). */
#define OOMSIFT_READER_HEAD 4096
/* Largest member oomsift_reader_member_fd() copies into memory: 1 GiB. */
#define OOMSIFT_READER_MAX_FD_COPY ((int64_t)1 << 30)

typedef struct oomsift_reader oomsift_reader;

typedef struct oomsift_member {
	const char *path;        /* file path as given ("-" for stdin); owned by the reader */
	const char *member;      /* path inside a tar archive, NULL when not an archive member */
	const char *compression; /* "gzip", "xz", "zstd", "bzip2", or NULL when plain */
	bool in_archive;
	int64_t size;  /* uncompressed size when known, else -1 */
	int64_t mtime; /* member mtime (tar), else the gzip header's MTIME when nonzero, else the
	                  file's mtime; 0 for stdin */
	uint64_t dev, ino; /* of the file on disk (0 for stdin) */
	bool seekable;     /* a plain regular file: skip() seeks */
} oomsift_member;

/* Opens path ("-" = stdin) and sniffs its first bytes. On success *out is a
 * reader the caller frees with oomsift_reader_free(). Fails with OOMSIFT_EIO
 * (the message names the file and the reason) when the path cannot be opened
 * or read, is not a regular file, stdin or a FIFO, or starts with the magic of
 * a compression whose header is corrupt; OOMSIFT_ENOMEM when out of memory.
 * Opening a FIFO blocks until a writer opens it, as for any reader of a FIFO. */
int oomsift_reader_open(oomsift_reader **out, const char *path);

/* Advances to the next member: 1 = *m describes it (its strings are owned by
 * the reader and valid until the next call), 0 = no more members, <0 = error
 * (the message names path and member). A plain or compressed single file has
 * exactly one member, also when it is empty (size 0). Tar archives, plain or
 * compressed, yield each regular file member in archive order; directories,
 * symlinks, devices and hard links are skipped. After an error in a
 * compressed stream or an archive every later call fails again. */
int oomsift_reader_next(oomsift_reader *r, oomsift_member *m);

/* Sets *data and *len to the first bytes of the current member's
 * (decompressed) content, up to OOMSIFT_READER_HEAD bytes, without consuming
 * them: *len < OOMSIFT_READER_HEAD only when the member is shorter. *data is
 * owned by the reader and valid until the next oomsift_reader_next(). Returns
 * 0, or <0 when there is no current member or its content cannot be read. */
int oomsift_reader_head(oomsift_reader *r, const char **data, size_t *len);

/* Reads up to cap bytes of the current member's content into buf (the head
 * bytes come first). Returns the number of bytes read, 0 at the end of the
 * member, <0 on error: a truncated or corrupt compressed stream or archive is
 * OOMSIFT_EIO with a message naming the file, the member when any, and what
 * libarchive said. */
ptrdiff_t oomsift_reader_read(oomsift_reader *r, void *buf, size_t cap);

/* Skips n bytes of the current member: lseek for seekable plain files,
 * read-and-discard otherwise. Returns the number skipped (less when the
 * member is shorter) or <0 as for oomsift_reader_read(). */
int64_t oomsift_reader_skip(oomsift_reader *r, uint64_t n);

/* Sets *fd to a new file descriptor holding the current member's whole
 * content, for APIs that need a file: a dup of the file's descriptor
 * positioned at 0 for a seekable plain file (it shares the file offset with
 * the reader), else a memory file (memfd_create, nothing on disk) filled with
 * the (decompressed) member and positioned at 0. The caller closes it. The
 * member is consumed: later reads return 0. Fails with OOMSIFT_ELIMIT when
 * the member is larger than OOMSIFT_READER_MAX_FD_COPY, OOMSIFT_EINVAL when
 * no member is current or bytes past its head were already read or skipped,
 * OOMSIFT_EIO when the content cannot be read or copied. */
int oomsift_reader_member_fd(oomsift_reader *r, int *fd);

/* Closes the file (never stdin) and frees the reader; NULL is a no-op. */
void oomsift_reader_free(oomsift_reader *r);

#endif
