/*
 * The input byte stream (include/oomsift/reader.h).
 *
 * open() reads the first OOMSIFT_READER_HEAD bytes of the file (the prefix)
 * and looks for compression and tar magic in them. Plain files are then read
 * with read(2) straight into the caller's buffer, without libarchive. Anything
 * else goes through libarchive, fed by a read callback that first hands out
 * the prefix and then reads the descriptor, so stdin and FIFOs work as well as
 * files. libarchive gets only the four filters (all of them would also decode
 * uuencoded, lzip or rpm data found inside a compressed log) and the tar, raw
 * and empty formats: raw makes a compressed log one member, tar wins the
 * bidding over raw when the decompressed data is a tar archive, and empty
 * keeps an empty compressed file from being an error.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomsift/error.h"
#include "oomsift/reader.h"

#define HEAD           OOMSIFT_READER_HEAD
#define READ_BLOCK     (128u << 10) /* libarchive's input block; discard and copy block */
#define MAX_READ_CHUNK (1u << 30)   /* one read(2) or archive_read_data() at most */
#define TAR_MAGIC_AT   257

struct oomsift_reader {
	char *path;
	int fd;
	bool is_stdin;
	bool regular; /* a regular file that is not stdin: it can seek */
	struct stat st;
	const char *compression;
	int64_t gzip_mtime;

	/* The first bytes of the file, read to sniff it; handed to libarchive first. */
	char prefix[HEAD];
	size_t prefix_len, prefix_given;
	bool prefix_eof; /* the file ended within the prefix */

	struct archive *ar; /* NULL for plain files */
	char *block;        /* READ_BLOCK: libarchive's input */
	char *scratch;      /* READ_BLOCK: skipped bytes and member copies */
	int read_errno;     /* errno of a failed read(2) in the libarchive callback */
	bool fatal;         /* libarchive failed; nothing more can be read */
	unsigned members;   /* members yielded so far */
	bool done;

	/* The current member. */
	bool has_member;
	const char *member_name; /* owned by libarchive's current entry */
	char head[HEAD];
	size_t head_len;
	bool head_loaded;
	uint64_t pos;  /* content bytes handed out, read or skipped */
	bool eof;      /* the source reported the end of the member */
	bool consumed; /* taken by member_fd() */

	/* A compressed archive member (messages-20261101.gz in a tar): its own
	 * decompressor, fed from the member's bytes. */
	struct archive *inner;
	const char *inner_compression;
	char inner_prefix[HEAD]; /* the member's first (compressed) bytes */
	size_t inner_prefix_len, inner_prefix_given;
};

/* ---- plain descriptor I/O ---- */

static ssize_t read_retry(int fd, void *buf, size_t cap)
{
	ssize_t n;

	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Reads until cap bytes or the end of the file: pipes deliver short reads. */
static ssize_t read_full(int fd, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read_retry(fd, buf + got, cap - got);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int io_error(const oomsift_reader *r, int err)
{
	return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", r->path, strerror(err));
}

/* ---- sniffing ---- */

static bool has_magic(const char *p, size_t len, const char *magic, size_t mlen)
{
	return len >= mlen && memcmp(p, magic, mlen) == 0;
}

/* The compression whose magic starts p, or NULL. bzip2 is checked past "BZh",
 * up to the block or end-of-stream magic, because "BZh" alone can start a
 * line of text. */
static const char *sniff_compression(const char *p, size_t len)
{
	if (has_magic(p, len, "\x1f\x8b", 2))
		return "gzip";
	if (has_magic(p, len, "\xfd\x37\x7a\x58\x5a\x00", 6))
		return "xz";
	if (has_magic(p, len, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (len >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
	     memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
		return "bzip2";
	return NULL;
}

static bool sniff_tar(const char *p, size_t len)
{
	return len >= TAR_MAGIC_AT + 5 && memcmp(p + TAR_MAGIC_AT, "ustar", 5) == 0;
}

/* The MTIME field of a gzip header: bytes 4..7, little-endian; 0 = unset. */
static int64_t gzip_header_mtime(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;

	if (len < 8)
		return 0;
	return (int64_t)((uint32_t)u[4] | (uint32_t)u[5] << 8 | (uint32_t)u[6] << 16 |
	                 (uint32_t)u[7] << 24);
}

static int filter_code(const char *compression)
{
	if (strcmp(compression, "gzip") == 0)
		return ARCHIVE_FILTER_GZIP;
	if (strcmp(compression, "xz") == 0)
		return ARCHIVE_FILTER_XZ;
	if (strcmp(compression, "zstd") == 0)
		return ARCHIVE_FILTER_ZSTD;
	return ARCHIVE_FILTER_BZIP2;
}

/* ---- libarchive ---- */

/* "cannot read 'f' member 'm': corrupt or truncated gzip data: <libarchive>". */
static int archive_fail(oomsift_reader *r)
{
	const char *why = archive_error_string(r->ar);
	const char *member = r->has_member ? r->member_name : NULL;

	r->fatal = true;
	if (r->read_errno)
		return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", r->path,
		                         strerror(r->read_errno));
	return oomsift_error_set(OOMSIFT_EIO,
	                         "cannot read '%s'%s%s%s: corrupt or truncated %s %s: %s", r->path,
	                         member ? " member '" : "", member ? member : "", member ? "'" : "",
	                         r->compression ? r->compression : "tar",
	                         r->compression ? "data" : "archive", why ? why : "unknown error");
}

static la_ssize_t archive_read_cb(struct archive *a, void *ctx, const void **buf)
{
	oomsift_reader *r = ctx;
	ssize_t n;

	if (r->prefix_given < r->prefix_len) {
		*buf = r->prefix + r->prefix_given;
		n = (ssize_t)(r->prefix_len - r->prefix_given);
		r->prefix_given = r->prefix_len;
		return n;
	}
	if (r->prefix_eof) /* do not wait for more on a terminal that said EOF */
		return 0;
	n = read_retry(r->fd, r->block, READ_BLOCK);
	if (n < 0) {
		r->read_errno = errno;
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	*buf = r->block;
	return n;
}

/* Skips in a regular file, so that unread members of a plain tar cost a seek.
 * Less than asked (also 0) makes libarchive read the rest. */
static la_int64_t archive_skip_cb(struct archive *a, void *ctx, la_int64_t request)
{
	oomsift_reader *r = ctx;
	struct stat st;
	off_t cur;

	if (r->prefix_given < r->prefix_len || request <= 0)
		return 0;
	cur = lseek(r->fd, 0, SEEK_CUR);
	if (cur < 0 || fstat(r->fd, &st) < 0 || st.st_size <= cur)
		return 0;
	if (request > st.st_size - cur)
		request = st.st_size - cur;
	if (lseek(r->fd, cur + request, SEEK_SET) < 0)
		return 0;
	return request;
}

static int archive_setup(oomsift_reader *r)
{
	struct archive *a;

	r->block = malloc(READ_BLOCK);
	r->ar = a = archive_read_new();
	if (!r->block || !a)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	/* ARCHIVE_WARN: a filter works through an external program; still fine. */
	if (archive_read_support_filter_gzip(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_xz(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_zstd(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_bzip2(a) < ARCHIVE_WARN ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_support_format_empty(a) != ARCHIVE_OK)
		return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': libarchive: %s", r->path,
		                         archive_error_string(a));
	if (archive_read_open2(a, r, NULL, archive_read_cb, r->regular ? archive_skip_cb : NULL,
	                       NULL) != ARCHIVE_OK)
		return archive_fail(r);
	/* The magic matched but libarchive's stricter header check did not. */
	if (r->compression && (archive_filter_count(a) < 2 ||
	                       archive_filter_code(a, 0) != filter_code(r->compression)))
		return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': corrupt %s header",
		                         r->path, r->compression);
	return 0;
}

static bool is_tar_format(struct archive *a)
{
	return (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR;
}

/* ---- members ---- */

static void inner_free(oomsift_reader *r)
{
	if (r->inner)
		archive_read_free(r->inner);
	r->inner = NULL;
	r->inner_compression = NULL;
}

static void member_reset(oomsift_reader *r)
{
	inner_free(r);
	r->has_member = true;
	r->member_name = NULL;
	r->head_len = 0;
	r->head_loaded = false;
	r->pos = 0;
	r->eof = false;
	r->consumed = false;
}

/* Fills *m with what the file says; archive members override some fields. */
static void member_describe(const oomsift_reader *r, oomsift_member *m)
{
	memset(m, 0, sizeof(*m));
	m->path = r->path;
	m->compression = r->compression;
	m->size = -1;
	if (!r->is_stdin) {
		m->mtime = (int64_t)r->st.st_mtime;
		m->dev = (uint64_t)r->st.st_dev;
		m->ino = (uint64_t)r->st.st_ino;
	}
	if (r->gzip_mtime)
		m->mtime = r->gzip_mtime;
}

static int next_plain(oomsift_reader *r, oomsift_member *m)
{
	if (r->members) {
		r->done = true;
		return 0;
	}
	member_reset(r);
	member_describe(r, m);
	memcpy(r->head, r->prefix, r->prefix_len);
	r->head_len = r->prefix_len;
	r->head_loaded = true;
	/* The descriptor is now right after the head. */
	r->eof = r->prefix_eof;
	m->seekable = r->regular;
	if (r->regular)
		m->size = (int64_t)r->st.st_size;
	else if (r->prefix_eof)
		m->size = (int64_t)r->prefix_len;
	r->members++;
	return 1;
}

/* Fills *m for the archive's current entry; false when it is not a regular file. */
static bool describe_tar_entry(oomsift_reader *r, struct archive_entry *e, oomsift_member *m)
{
	const char *name;

	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
		return false;
	name = archive_entry_pathname(e);
	if (!name)
		name = archive_entry_pathname_utf8(e);
	member_reset(r);
	member_describe(r, m);
	r->member_name = name ? name : "?";
	m->member = r->member_name;
	m->in_archive = true;
	if (archive_entry_size_is_set(e))
		m->size = archive_entry_size(e);
	if (archive_entry_mtime_is_set(e))
		m->mtime = (int64_t)archive_entry_mtime(e);
	return true;
}

static int load_head(oomsift_reader *r);
static int open_inner(oomsift_reader *r, oomsift_member *m);

static int next_archive(oomsift_reader *r, oomsift_member *m)
{
	struct archive_entry *e;

	for (;;) {
		int rc = archive_read_next_header(r->ar, &e);

		if (rc == ARCHIVE_EOF) {
			r->done = true;
			if (r->members || is_tar_format(r->ar))
				return 0;
			/* An empty compressed file is one empty member. */
			member_reset(r);
			member_describe(r, m);
			m->size = 0;
			r->head_loaded = true;
			r->eof = true;
			r->members++;
			return 1;
		}
		if (rc < ARCHIVE_WARN) {
			r->has_member = false;
			return archive_fail(r);
		}
		if (!is_tar_format(r->ar)) {
			member_reset(r);
			member_describe(r, m);
			r->members++;
			return 1;
		}
		if (describe_tar_entry(r, e, m)) {
			int err;
			r->members++;
			if ((err = load_head(r)) < 0 || (err = open_inner(r, m)) < 0)
				return err;
			return 1;
		}
	}
}

/* The inner decompressor fails for this member only: the archive goes on. */
static int inner_fail(oomsift_reader *r)
{
	const char *why = archive_error_string(r->inner);

	r->eof = true;
	return oomsift_error_set(
	    OOMSIFT_EIO, "cannot read '%s' member '%s': corrupt or truncated %s data: %s", r->path,
	    r->member_name, r->inner_compression, why ? why : "unknown error");
}

static la_ssize_t inner_read_cb(struct archive *a, void *ctx, const void **buf)
{
	oomsift_reader *r = ctx;
	la_ssize_t n;

	if (r->inner_prefix_given < r->inner_prefix_len) {
		*buf = r->inner_prefix + r->inner_prefix_given;
		n = (la_ssize_t)(r->inner_prefix_len - r->inner_prefix_given);
		r->inner_prefix_given = r->inner_prefix_len;
		return n;
	}
	n = archive_read_data(r->ar, r->block, READ_BLOCK);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", archive_error_string(r->ar));
		return -1;
	}
	*buf = r->block;
	return n;
}

/* A member whose head shows compression gets its own decompressor; its head
 * is read again, decompressed. */
static int open_inner(oomsift_reader *r, oomsift_member *m)
{
	const char *compression = sniff_compression(r->head, r->head_len);
	struct archive_entry *e;
	struct archive *a;

	if (!compression)
		return 0;
	r->inner = a = archive_read_new();
	if (!a)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	r->inner_compression = compression;
	memcpy(r->inner_prefix, r->head, r->head_len);
	r->inner_prefix_len = r->head_len;
	r->inner_prefix_given = 0;
	if (archive_read_support_filter_gzip(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_xz(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_zstd(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_bzip2(a) < ARCHIVE_WARN ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_support_format_empty(a) != ARCHIVE_OK ||
	    archive_read_open2(a, r, NULL, inner_read_cb, NULL, NULL) != ARCHIVE_OK)
		return inner_fail(r);
	if (archive_read_next_header(a, &e) < ARCHIVE_WARN)
		return inner_fail(r);
	r->head_len = 0;
	r->head_loaded = false;
	r->eof = false;
	m->compression = compression;
	m->size = -1;
	return 0;
}

/* Reads from the member's source, after the head: the descriptor or libarchive. */
static ptrdiff_t source_read(oomsift_reader *r, void *buf, size_t cap)
{
	la_ssize_t n;

	if (r->eof || cap == 0)
		return 0;
	if (cap > MAX_READ_CHUNK)
		cap = MAX_READ_CHUNK;
	if (r->inner) {
		n = archive_read_data(r->inner, buf, cap);
		if (n < 0)
			return inner_fail(r);
	} else if (r->ar) {
		n = archive_read_data(r->ar, buf, cap);
		if (n < 0)
			return archive_fail(r);
	} else {
		n = read_retry(r->fd, buf, cap);
		if (n < 0)
			return io_error(r, errno);
	}
	if (n == 0)
		r->eof = true;
	return n;
}

static int need_member(const oomsift_reader *r)
{
	if (r->fatal)
		return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': stopped after an error",
		                         r->path);
	if (!r->has_member)
		return oomsift_error_set(OOMSIFT_EINVAL, "'%s': no current member", r->path);
	return 0;
}

/* Reads the head of the member from its source, once. */
static int load_head(oomsift_reader *r)
{
	int rc;

	if ((rc = need_member(r)) < 0)
		return rc;
	while (!r->head_loaded && r->head_len < HEAD) {
		ptrdiff_t n = source_read(r, r->head + r->head_len, HEAD - r->head_len);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		r->head_len += (size_t)n;
	}
	r->head_loaded = true;
	return 0;
}

static int need_scratch(oomsift_reader *r)
{
	if (!r->scratch && !(r->scratch = malloc(READ_BLOCK)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return 0;
}

/* ---- the public API ---- */

static int open_fd(oomsift_reader *r)
{
	ssize_t n;

	r->fd = r->is_stdin ? STDIN_FILENO : open(r->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (r->fd < 0)
		return oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", r->path,
		                         strerror(errno));
	if (fstat(r->fd, &r->st) < 0)
		return io_error(r, errno);
	if (!r->is_stdin && !S_ISREG(r->st.st_mode) && !S_ISFIFO(r->st.st_mode))
		return oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", r->path,
		                         S_ISDIR(r->st.st_mode)
		                             ? "is a directory"
		                             : "not a regular file, FIFO or stdin");
	r->regular = !r->is_stdin && S_ISREG(r->st.st_mode);
	n = read_full(r->fd, r->prefix, sizeof(r->prefix));
	if (n < 0)
		return io_error(r, errno);
	r->prefix_len = (size_t)n;
	r->prefix_eof = r->prefix_len < sizeof(r->prefix);
	return 0;
}

int oomsift_reader_open(oomsift_reader **out, const char *path)
{
	oomsift_reader *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		free(r);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	r->is_stdin = strcmp(path, "-") == 0;
	if ((rc = open_fd(r)) < 0)
		goto out;
	r->compression = sniff_compression(r->prefix, r->prefix_len);
	if (r->compression && strcmp(r->compression, "gzip") == 0)
		r->gzip_mtime = gzip_header_mtime(r->prefix, r->prefix_len);
	if ((r->compression || sniff_tar(r->prefix, r->prefix_len)) && (rc = archive_setup(r)) < 0)
		goto out;
	*out = r;
	return 0;
out:
	oomsift_reader_free(r);
	return rc;
}

int oomsift_reader_next(oomsift_reader *r, oomsift_member *m)
{
	if (r->fatal)
		return archive_fail(r);
	if (r->done)
		return 0;
	r->has_member = false;
	return r->ar ? next_archive(r, m) : next_plain(r, m);
}

int oomsift_reader_head(oomsift_reader *r, const char **data, size_t *len)
{
	int rc;

	*data = NULL;
	*len = 0;
	if ((rc = load_head(r)) < 0)
		return rc;
	*data = r->head;
	*len = r->head_len;
	return 0;
}

ptrdiff_t oomsift_reader_read(oomsift_reader *r, void *buf, size_t cap)
{
	ptrdiff_t n;
	int rc;

	if ((rc = load_head(r)) < 0)
		return rc;
	if (r->consumed)
		return 0;
	if (r->pos < r->head_len) {
		n = (ptrdiff_t)(r->head_len - r->pos);
		if ((size_t)n > cap)
			n = (ptrdiff_t)cap;
		memcpy(buf, r->head + r->pos, (size_t)n);
	} else if ((n = source_read(r, buf, cap)) < 0) {
		return n;
	}
	r->pos += (uint64_t)n;
	return n;
}

/* Seeks forward in a plain regular file, never past its current end. */
static int64_t skip_by_seek(oomsift_reader *r, uint64_t n)
{
	struct stat st;
	off_t cur = lseek(r->fd, 0, SEEK_CUR);
	uint64_t avail;

	if (cur < 0 || fstat(r->fd, &st) < 0)
		return io_error(r, errno);
	avail = st.st_size > cur ? (uint64_t)(st.st_size - cur) : 0;
	if (n > avail)
		n = avail;
	if (lseek(r->fd, cur + (off_t)n, SEEK_SET) < 0)
		return io_error(r, errno);
	return (int64_t)n;
}

static int64_t skip_by_reading(oomsift_reader *r, uint64_t n)
{
	uint64_t done = 0;
	int rc;

	if ((rc = need_scratch(r)) < 0)
		return rc;
	while (done < n) {
		uint64_t want = n - done < READ_BLOCK ? n - done : READ_BLOCK;
		ptrdiff_t got = source_read(r, r->scratch, (size_t)want);
		if (got < 0)
			return got;
		if (got == 0)
			break;
		done += (uint64_t)got;
	}
	return (int64_t)done;
}

int64_t oomsift_reader_skip(oomsift_reader *r, uint64_t n)
{
	uint64_t from_head = 0;
	int64_t rest;
	int rc;

	if ((rc = load_head(r)) < 0)
		return rc;
	if (r->consumed)
		return 0;
	if (n > INT64_MAX)
		n = INT64_MAX;
	if (r->pos < r->head_len) {
		from_head = r->head_len - r->pos;
		if (from_head > n)
			from_head = n;
		r->pos += from_head;
		n -= from_head;
	}
	if (n == 0)
		return (int64_t)from_head;
	rest = r->regular && !r->ar ? skip_by_seek(r, n) : skip_by_reading(r, n);
	if (rest < 0)
		return rest;
	r->pos += (uint64_t)rest;
	return (int64_t)from_head + rest;
}

static int dup_at_start(oomsift_reader *r, int *fd)
{
	int d = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);

	if (d < 0 || lseek(d, 0, SEEK_SET) < 0) {
		int err = errno;
		if (d >= 0)
			close(d);
		return io_error(r, err);
	}
	*fd = d;
	return 0;
}

/* Copies the head and the rest of the member into mfd, up to the cap. */
static int copy_member(oomsift_reader *r, int mfd)
{
	int64_t total = (int64_t)r->head_len;
	int rc;

	if ((rc = need_scratch(r)) < 0)
		return rc;
	if (write_all(mfd, r->head, r->head_len) < 0)
		goto write_failed;
	for (;;) {
		ptrdiff_t n = source_read(r, r->scratch, READ_BLOCK);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		total += n;
		if (total > OOMSIFT_READER_MAX_FD_COPY)
			return oomsift_error_set(
			    OOMSIFT_ELIMIT,
			    "'%s'%s%s%s: member larger than %lld bytes, too big to copy", r->path,
			    r->member_name ? " member '" : "", r->member_name ? r->member_name : "",
			    r->member_name ? "'" : "", (long long)OOMSIFT_READER_MAX_FD_COPY);
		if (write_all(mfd, r->scratch, (size_t)n) < 0)
			goto write_failed;
	}
	if (lseek(mfd, 0, SEEK_SET) < 0)
		goto write_failed;
	return 0;
write_failed:
	return oomsift_error_set(OOMSIFT_EIO, "cannot copy '%s' into memory: %s", r->path,
	                         strerror(errno));
}

int oomsift_reader_member_fd(oomsift_reader *r, int *fd)
{
	int rc, mfd;

	*fd = -1;
	if ((rc = load_head(r)) < 0)
		return rc;
	if (r->consumed)
		return oomsift_error_set(OOMSIFT_EINVAL, "'%s': member already consumed", r->path);
	if (r->regular && !r->ar) {
		if ((rc = dup_at_start(r, fd)) == 0)
			r->consumed = true;
		return rc;
	}
	/* Only the head is kept: bytes read past it cannot be copied again. */
	if (r->pos > r->head_len)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "'%s': member partly read; cannot copy it whole", r->path);
	mfd = memfd_create("oomsift-member", MFD_CLOEXEC);
	if (mfd < 0)
		return oomsift_error_set(OOMSIFT_EIO, "cannot copy '%s' into memory: %s", r->path,
		                         strerror(errno));
	r->consumed = true;
	if ((rc = copy_member(r, mfd)) < 0) {
		close(mfd);
		return rc;
	}
	*fd = mfd;
	return 0;
}

void oomsift_reader_free(oomsift_reader *r)
{
	if (!r)
		return;
	inner_free(r);
	if (r->ar)
		archive_read_free(r->ar);
	if (r->fd >= 0 && !r->is_stdin)
		close(r->fd);
	free(r->block);
	free(r->scratch);
	free(r->path);
	free(r);
}
