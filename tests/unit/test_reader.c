/*
 * Unit tests of parse/reader.c. Every compressed file and archive is made at
 * test time, in a temporary directory, by the real tools (gzip, xz, zstd,
 * bzip2, tar) from a known text.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "oomsift/error.h"
#include "oomsift/reader.h"

#define TEXT_LINES 6000 /* about 400 KB: several libarchive blocks, past the head */
#define HELLO      "hello\n"

static char tmpdir[] = "/tmp/oomsift-reader-XXXXXX";
static char *text;
static size_t text_len;

/* ---- helpers ---- */

static void path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", tmpdir, name);
}

/* Runs a shell command in the temporary directory; it must succeed. */
static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", tmpdir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void write_file(const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *load_file(const char *name, size_t *len)
{
	char path[512];
	struct stat st;
	char *data;
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	data = malloc((size_t)st.st_size + 1);
	assert_non_null(data);
	assert_int_equal(read(fd, data, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return data;
}

/* Log-like lines with pseudo-random words, so that compressors cannot shrink
 * the text to a few blocks and a cut stream is cut in the middle. */
static void make_text(void)
{
	uint32_t seed = 12345;
	size_t cap = TEXT_LINES * 80, n = 0;

	text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; i < TEXT_LINES; i++) {
		seed = seed * 1103515245u + 12345u;
		n += (size_t)snprintf(text + n, cap - n,
		                      "Nov 19 03:%02d:%02d web7 kernel: line %05d word %08x\n",
		                      i / 60 % 60, i % 60, i, seed);
	}
	text_len = n;
}

static oomsift_reader *open_ok(const char *name)
{
	char path[512];
	oomsift_reader *r = NULL;

	path_of(path, sizeof(path), name);
	if (oomsift_reader_open(&r, path) != 0)
		fail_msg("open %s: %s", name, oomsift_error_message());
	return r;
}

static void next_ok(oomsift_reader *r, oomsift_member *m)
{
	int rc = oomsift_reader_next(r, m);
	if (rc != 1)
		fail_msg("next = %d: %s", rc, oomsift_error_message());
}

/* Reads the rest of the current member with an odd buffer size, so that reads
 * straddle the head and libarchive's blocks. */
static char *read_rest(oomsift_reader *r, size_t *len)
{
	size_t cap = text_len * 2 + 1, n = 0;
	char *buf = malloc(cap);
	ptrdiff_t got;

	assert_non_null(buf);
	while ((got = oomsift_reader_read(r, buf + n, n + 3001 < cap ? 3001 : cap - n)) > 0)
		n += (size_t)got;
	if (got < 0)
		fail_msg("read: %s", oomsift_error_message());
	*len = n;
	return buf;
}

static void assert_rest_equals(oomsift_reader *r, const char *want, size_t want_len)
{
	size_t len;
	char *got = read_rest(r, &len);

	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
}

static void assert_fd_equals(int fd, const char *want, size_t want_len)
{
	char *got = malloc(want_len + 1);
	size_t n = 0;
	ssize_t k;

	assert_non_null(got);
	while (n <= want_len && (k = read(fd, got + n, want_len + 1 - n)) > 0)
		n += (size_t)k;
	assert_int_equal(n, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	close(fd);
}

static void assert_no_more(oomsift_reader *r)
{
	oomsift_member m;

	assert_int_equal(oomsift_reader_next(r, &m), 0);
	assert_int_equal(oomsift_reader_next(r, &m), 0);
}

/* The first error that opening and reading the whole file gives. */
static int first_error(const char *name)
{
	char path[512], buf[8192];
	oomsift_reader *r;
	oomsift_member m;
	ptrdiff_t n;
	int rc;

	path_of(path, sizeof(path), name);
	if ((rc = oomsift_reader_open(&r, path)) < 0)
		return rc;
	while ((rc = oomsift_reader_next(r, &m)) == 1) {
		while ((n = oomsift_reader_read(r, buf, sizeof(buf))) > 0)
			;
		if (n < 0) {
			rc = (int)n;
			break;
		}
	}
	oomsift_reader_free(r);
	return rc;
}

/* Puts a pipe on fd 0 that a child fills with the named file; *saved keeps
 * the old stdin for stdin_restore(). */
static pid_t stdin_from_file(const char *name, int *saved)
{
	size_t len;
	char *data = load_file(name, &len);
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t off = 0;
		close(p[0]);
		while (off < len) {
			ssize_t k = write(p[1], data + off, len - off);
			if (k <= 0)
				_exit(1);
			off += (size_t)k;
		}
		_exit(0);
	}
	free(data);
	close(p[1]);
	*saved = dup(STDIN_FILENO);
	assert_true(*saved >= 0);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);
	return pid;
}

static void stdin_restore(pid_t pid, int saved)
{
	int status;

	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* ---- fixtures ---- */

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	make_text();
	write_file("plain.log", text, text_len);
	write_file("short.log", HELLO, strlen(HELLO));
	write_file("empty.log", "", 0);
	/* Compressed copies; the names lie on purpose for two of them. */
	sh("gzip -c plain.log > c.gz && xz -c plain.log > c.xz && zstd -q -c plain.log > c.zst"
	   " && bzip2 -c plain.log > c.bz2 && cp c.gz gzip-named.log && cp plain.log plain-named.gz"
	   " && gzip -c empty.log > empty.gz && xz -c empty.log > empty.xz");
	/* A tree with every kind of entry, archived in a fixed order. */
	sh("mkdir -p t/sub && cp plain.log t/a.log && printf '" HELLO "' > t/sub/b.txt"
	   " && : > t/empty.log && ln -s a.log t/lnk && ln t/a.log t/hard.log && mkfifo t/pipe"
	   " && touch -h -d @1700000000 t/a.log t/lnk && touch -d @1700000100 t/sub/b.txt"
	   " && touch -d @1700000200 t/empty.log");
	sh("tar cf arch.tar -C t a.log sub lnk hard.log pipe empty.log"
	   " && tar --format=posix -cf arch-pax.tar -C t a.log sub lnk hard.log pipe empty.log"
	   " && gzip -c arch.tar > arch.tar.gz && xz -c arch.tar > arch.tar.xz"
	   " && zstd -q -c arch.tar > arch.tar.zst && bzip2 -c arch.tar > arch.tar.bz2");
	/* The first two thirds of compressed files: cut streams. */
	sh("for f in c.gz c.xz c.zst c.bz2 arch.tar.xz; do"
	   " head -c $(($(stat -c %%s $f) * 2 / 3)) $f > cut-$f; done");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- plain files ---- */

static void test_plain_file_is_one_member(void **state)
{
	char path[512];
	oomsift_reader *r = open_ok("plain.log");
	oomsift_member m;
	struct stat st;

	(void)state;
	path_of(path, sizeof(path), "plain.log");
	assert_int_equal(stat(path, &st), 0);
	next_ok(r, &m);
	assert_string_equal(m.path, path);
	assert_null(m.member);
	assert_null(m.compression);
	assert_false(m.in_archive);
	assert_true(m.seekable);
	assert_int_equal(m.size, (int64_t)text_len);
	assert_int_equal(m.mtime, (int64_t)st.st_mtime);
	assert_int_equal(m.dev, (uint64_t)st.st_dev);
	assert_int_equal(m.ino, (uint64_t)st.st_ino);
	assert_rest_equals(r, text, text_len);
	assert_no_more(r);
	oomsift_reader_free(r);
}

static void test_plain_skip_seeks(void **state)
{
	oomsift_reader *r = open_ok("plain.log");
	oomsift_member m;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 10), 10);       /* inside the head */
	assert_int_equal(oomsift_reader_skip(r, 10000), 10000); /* across it: a seek */
	assert_rest_equals(r, text + 10010, text_len - 10010);
	oomsift_reader_free(r);

	r = open_ok("plain.log");
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 100), 100);
	assert_int_equal(oomsift_reader_skip(r, UINT64_MAX), (int64_t)text_len - 100);
	assert_int_equal(oomsift_reader_skip(r, 1), 0);
	assert_rest_equals(r, "", 0);
	oomsift_reader_free(r);
}

static void test_plain_named_gz_and_bzh_text_are_plain(void **state)
{
	static const char bzh[] = "BZh9 is how a bzip2 file starts, but this line is text\n";
	oomsift_reader *r = open_ok("plain-named.gz");
	oomsift_member m;

	(void)state;
	next_ok(r, &m);
	assert_null(m.compression);
	assert_true(m.seekable);
	assert_rest_equals(r, text, text_len);
	oomsift_reader_free(r);

	write_file("bzh.log", bzh, strlen(bzh));
	r = open_ok("bzh.log");
	next_ok(r, &m);
	assert_null(m.compression);
	assert_rest_equals(r, bzh, strlen(bzh));
	oomsift_reader_free(r);
}

static void test_empty_files_are_one_empty_member(void **state)
{
	static const char *const names[] = {"empty.log", "empty.gz", "empty.xz"};
	static const char *const compressions[] = {NULL, "gzip", "xz"};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		oomsift_reader *r = open_ok(names[i]);
		oomsift_member m;
		const char *head;
		size_t len = 1;

		next_ok(r, &m);
		assert_int_equal(m.size, 0);
		if (compressions[i])
			assert_string_equal(m.compression, compressions[i]);
		else
			assert_null(m.compression);
		assert_int_equal(oomsift_reader_head(r, &head, &len), 0);
		assert_int_equal(len, 0);
		assert_rest_equals(r, "", 0);
		assert_no_more(r);
		oomsift_reader_free(r);
	}
}

/* ---- compressed single files ---- */

static void test_compressed_files_decompress_to_the_text(void **state)
{
	static const struct {
		const char *name, *compression;
	} cases[] = {
	    {"c.gz", "gzip"},           {"c.xz", "xz"}, {"c.zst", "zstd"}, {"c.bz2", "bzip2"},
	    {"gzip-named.log", "gzip"}, /* the magic decides, not the name */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512];
		oomsift_reader *r = open_ok(cases[i].name);
		oomsift_member m;
		struct stat st;

		path_of(path, sizeof(path), cases[i].name);
		assert_int_equal(stat(path, &st), 0);
		next_ok(r, &m);
		assert_string_equal(m.compression, cases[i].compression);
		assert_null(m.member);
		assert_false(m.in_archive);
		assert_false(m.seekable);
		assert_int_equal(m.size, -1);
		assert_int_equal(m.dev, (uint64_t)st.st_dev);
		assert_int_equal(m.ino, (uint64_t)st.st_ino);
		assert_rest_equals(r, text, text_len);
		assert_no_more(r);
		oomsift_reader_free(r);
	}
}

static void test_concatenated_gzip_members_are_one_stream(void **state)
{
	oomsift_reader *r;
	oomsift_member m;
	char *got;
	size_t len;

	(void)state;
	sh("cat c.gz c.gz > twice.gz");
	r = open_ok("twice.gz");
	next_ok(r, &m);
	got = read_rest(r, &len);
	assert_int_equal(len, 2 * text_len);
	assert_memory_equal(got, text, text_len);
	assert_memory_equal(got + text_len, text, text_len);
	free(got);
	oomsift_reader_free(r);
}

static void test_gzip_header_mtime(void **state)
{
	oomsift_reader *r;
	oomsift_member m;
	size_t len;
	char *gz;

	(void)state;
	/* gzip stores the input's mtime; gzip -n stores 0, and the file's mtime counts. */
	sh("cp plain.log old.log && touch -d @1500000000 old.log && gzip -c old.log > stamped.gz"
	   " && gzip -n -c old.log > unstamped.gz"
	   " && touch -d @1600000000 stamped.gz unstamped.gz");
	r = open_ok("stamped.gz");
	next_ok(r, &m);
	assert_int_equal(m.mtime, 1500000000);
	oomsift_reader_free(r);
	r = open_ok("unstamped.gz");
	next_ok(r, &m);
	assert_int_equal(m.mtime, 1600000000);
	oomsift_reader_free(r);

	/* A header written by hand: MTIME is bytes 4..7, little-endian. */
	gz = load_file("unstamped.gz", &len);
	memcpy(gz + 4, "\xd2\x02\x96\x49", 4); /* 1234567890 */
	write_file("patched.gz", gz, len);
	free(gz);
	r = open_ok("patched.gz");
	next_ok(r, &m);
	assert_int_equal(m.mtime, 1234567890);
	assert_rest_equals(r, text, text_len);
	oomsift_reader_free(r);
}

static void test_compressed_skip_reads_and_discards(void **state)
{
	oomsift_reader *r = open_ok("c.xz");
	oomsift_member m;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 5000), 5000);
	assert_int_equal(oomsift_reader_skip(r, 200000), 200000);
	assert_rest_equals(r, text + 205000, text_len - 205000);
	oomsift_reader_free(r);

	r = open_ok("c.gz");
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 7), 7);
	assert_int_equal(oomsift_reader_skip(r, UINT64_MAX), (int64_t)text_len - 7);
	assert_rest_equals(r, "", 0);
	oomsift_reader_free(r);
}

static void test_truncated_streams_fail_with_the_file_name(void **state)
{
	static const char *const names[] = {"cut-c.gz", "cut-c.xz", "cut-c.zst", "cut-c.bz2",
	                                    "cut-arch.tar.xz"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(first_error(names[i]), OOMSIFT_EIO);
		if (!strstr(oomsift_error_message(), names[i]))
			fail_msg("%s: message without the name: %s", names[i],
			         oomsift_error_message());
	}
	/* The message says what libarchive said. */
	assert_int_equal(first_error("cut-c.gz"), OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "truncated gzip input"));
}

static void test_cut_gzip_delivers_data_then_fails_and_stays_failed(void **state)
{
	oomsift_reader *r;
	oomsift_member m;
	char buf[4096];
	size_t total = 0;
	ptrdiff_t n;

	(void)state;
	r = open_ok("cut-c.gz");
	next_ok(r, &m);
	while ((n = oomsift_reader_read(r, buf, sizeof(buf))) > 0) {
		assert_memory_equal(buf, text + total, (size_t)n);
		total += (size_t)n;
	}
	assert_int_equal(n, OOMSIFT_EIO);
	assert_true(total > 0 && total < text_len);
	assert_int_equal(oomsift_reader_next(r, &m), OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "cut-c.gz"));
	oomsift_reader_free(r);
}

static void test_corrupt_gzip_header_fails_at_open(void **state)
{
	char path[512];
	oomsift_reader *r = NULL;

	(void)state;
	write_file("stub.gz", "\x1f\x8b\x08\x00\x00", 5);
	path_of(path, sizeof(path), "stub.gz");
	assert_int_equal(oomsift_reader_open(&r, path), OOMSIFT_EIO);
	assert_null(r);
	assert_non_null(strstr(oomsift_error_message(), "stub.gz"));
}

/* ---- head ---- */

static void test_head_does_not_consume(void **state)
{
	static const char *const names[] = {"plain.log", "c.gz", "c.bz2", "arch.tar.zst"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		oomsift_reader *r = open_ok(names[i]);
		oomsift_member m;
		const char *head;
		char buf[100];
		size_t len;

		next_ok(r, &m);
		assert_int_equal(oomsift_reader_head(r, &head, &len), 0);
		assert_int_equal(len, OOMSIFT_READER_HEAD);
		assert_memory_equal(head, text, OOMSIFT_READER_HEAD);
		/* Read a little, then ask again: the head is still the start. */
		assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), sizeof(buf));
		assert_memory_equal(buf, text, sizeof(buf));
		assert_int_equal(oomsift_reader_head(r, &head, &len), 0);
		assert_int_equal(len, OOMSIFT_READER_HEAD);
		assert_memory_equal(head, text, OOMSIFT_READER_HEAD);
		assert_rest_equals(r, text + sizeof(buf), text_len - sizeof(buf));
		oomsift_reader_free(r);
	}
}

static void test_head_of_a_short_file_is_the_file(void **state)
{
	oomsift_reader *r = open_ok("short.log");
	oomsift_member m;
	const char *head;
	size_t len;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_head(r, &head, &len), 0);
	assert_int_equal(len, strlen(HELLO));
	assert_memory_equal(head, HELLO, len);
	assert_rest_equals(r, HELLO, strlen(HELLO));
	oomsift_reader_free(r);
}

static void test_no_current_member_is_an_error(void **state)
{
	oomsift_reader *r = open_ok("short.log");
	oomsift_member m;
	const char *head;
	size_t len;
	char buf[16];

	(void)state;
	assert_int_equal(oomsift_reader_head(r, &head, &len), OOMSIFT_EINVAL);
	assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), OOMSIFT_EINVAL);
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_next(r, &m), 0);
	assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), OOMSIFT_EINVAL);
	oomsift_reader_free(r);
}

/* ---- tar archives ---- */

/* arch.tar holds a.log, sub/, sub/b.txt, lnk (symlink), hard.log (hard link),
 * pipe (FIFO) and empty.log: the regular members come out, in order. */
static void check_archive(const char *name, const char *compression)
{
	oomsift_reader *r = open_ok(name);
	oomsift_member m;

	next_ok(r, &m);
	assert_string_equal(m.member, "a.log");
	assert_true(m.in_archive);
	assert_false(m.seekable);
	if (compression)
		assert_string_equal(m.compression, compression);
	else
		assert_null(m.compression);
	assert_int_equal(m.size, (int64_t)text_len);
	assert_int_equal(m.mtime, 1700000000);
	assert_true(m.ino != 0);
	assert_rest_equals(r, text, text_len);

	next_ok(r, &m);
	assert_string_equal(m.member, "sub/b.txt");
	assert_int_equal(m.size, (int64_t)strlen(HELLO));
	assert_int_equal(m.mtime, 1700000100);
	assert_rest_equals(r, HELLO, strlen(HELLO));

	next_ok(r, &m);
	assert_string_equal(m.member, "empty.log");
	assert_int_equal(m.size, 0);
	assert_int_equal(m.mtime, 1700000200);
	assert_rest_equals(r, "", 0);
	assert_no_more(r);
	oomsift_reader_free(r);
}

static void test_tar_archives_yield_regular_members(void **state)
{
	(void)state;
	check_archive("arch.tar", NULL);
	check_archive("arch-pax.tar", NULL);
	check_archive("arch.tar.gz", "gzip");
	check_archive("arch.tar.xz", "xz");
	check_archive("arch.tar.zst", "zstd");
	check_archive("arch.tar.bz2", "bzip2");
}

static void test_tar_members_left_unread_are_passed_over(void **state)
{
	static const char *const names[] = {"arch.tar", "arch.tar.gz"};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		oomsift_reader *r = open_ok(names[i]);
		oomsift_member m;
		char buf[10];

		next_ok(r, &m);
		assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), sizeof(buf));
		next_ok(r, &m);
		assert_string_equal(m.member, "sub/b.txt");
		next_ok(r, &m);
		assert_string_equal(m.member, "empty.log");
		assert_no_more(r);
		oomsift_reader_free(r);
	}
}

static void test_tar_member_skip(void **state)
{
	oomsift_reader *r = open_ok("arch.tar");
	oomsift_member m;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 9000), 9000);
	assert_rest_equals(r, text + 9000, text_len - 9000);
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 100), (int64_t)strlen(HELLO));
	oomsift_reader_free(r);
}

/* ---- member_fd ---- */

static void test_member_fd_plain_is_the_whole_file(void **state)
{
	oomsift_reader *r = open_ok("plain.log");
	oomsift_member m;
	char buf[5000];
	int fd;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), OOMSIFT_READER_HEAD);
	assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(oomsift_reader_member_fd(r, &fd), 0);
	assert_fd_equals(fd, text, text_len);
	assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), 0);
	assert_int_equal(oomsift_reader_member_fd(r, &fd), OOMSIFT_EINVAL);
	assert_int_equal(fd, -1);
	oomsift_reader_free(r);
}

static void test_member_fd_compressed_and_tar_members(void **state)
{
	oomsift_reader *r = open_ok("c.zst");
	oomsift_member m;
	const char *head;
	size_t len;
	int fd;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_head(r, &head, &len), 0);
	assert_int_equal(oomsift_reader_member_fd(r, &fd), 0);
	assert_fd_equals(fd, text, text_len);
	assert_no_more(r);
	oomsift_reader_free(r);

	r = open_ok("arch.tar.xz");
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_member_fd(r, &fd), 0);
	assert_fd_equals(fd, text, text_len);
	next_ok(r, &m);
	assert_string_equal(m.member, "sub/b.txt");
	assert_int_equal(oomsift_reader_member_fd(r, &fd), 0);
	assert_fd_equals(fd, HELLO, strlen(HELLO));
	next_ok(r, &m);
	assert_rest_equals(r, "", 0);
	oomsift_reader_free(r);
}

static void test_member_fd_after_reading_past_the_head_is_refused(void **state)
{
	oomsift_reader *r = open_ok("c.gz");
	oomsift_member m;
	char buf[OOMSIFT_READER_HEAD];
	int fd;

	(void)state;
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_read(r, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(oomsift_reader_read(r, buf, 1), 1);
	assert_int_equal(oomsift_reader_member_fd(r, &fd), OOMSIFT_EINVAL);
	assert_non_null(strstr(oomsift_error_message(), "c.gz"));
	oomsift_reader_free(r);
}

/* ---- stdin, FIFOs and what cannot be read ---- */

static void test_stdin_plain_and_compressed(void **state)
{
	static const char *const names[] = {"plain.log", "c.gz", "short.log"};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		oomsift_reader *r = NULL;
		oomsift_member m;
		int saved;
		pid_t pid = stdin_from_file(names[i], &saved);
		bool is_short = i == 2;

		assert_int_equal(oomsift_reader_open(&r, "-"), 0);
		next_ok(r, &m);
		assert_string_equal(m.path, "-");
		assert_int_equal(m.dev, 0);
		assert_int_equal(m.ino, 0);
		assert_false(m.seekable);
		assert_int_equal(m.size, is_short ? (int64_t)strlen(HELLO) : -1);
		if (i == 1)
			assert_string_equal(m.compression, "gzip");
		if (i == 0)
			assert_int_equal(m.mtime, 0);
		if (is_short)
			assert_rest_equals(r, HELLO, strlen(HELLO));
		else
			assert_rest_equals(r, text, text_len);
		assert_no_more(r);
		oomsift_reader_free(r);
		stdin_restore(pid, saved);
	}
}

static void test_stdin_tar_and_member_fd(void **state)
{
	oomsift_reader *r = NULL;
	oomsift_member m;
	int saved, fd;
	pid_t pid = stdin_from_file("arch.tar", &saved);

	(void)state;
	assert_int_equal(oomsift_reader_open(&r, "-"), 0);
	next_ok(r, &m);
	assert_string_equal(m.member, "a.log");
	assert_null(m.compression);
	assert_int_equal(oomsift_reader_member_fd(r, &fd), 0);
	assert_fd_equals(fd, text, text_len);
	next_ok(r, &m);
	assert_string_equal(m.member, "sub/b.txt");
	assert_rest_equals(r, HELLO, strlen(HELLO));
	oomsift_reader_free(r);
	stdin_restore(pid, saved);

	pid = stdin_from_file("plain.log", &saved);
	assert_int_equal(oomsift_reader_open(&r, "-"), 0);
	next_ok(r, &m);
	assert_int_equal(oomsift_reader_skip(r, 3), 3);
	assert_int_equal(oomsift_reader_member_fd(r, &fd), 0);
	assert_fd_equals(fd, text, text_len);
	oomsift_reader_free(r);
	stdin_restore(pid, saved);
}

static void test_fifo_path(void **state)
{
	char fifo[512], src[512];
	oomsift_reader *r = NULL;
	oomsift_member m;
	int status;
	pid_t pid;

	(void)state;
	path_of(fifo, sizeof(fifo), "fifo");
	path_of(src, sizeof(src), "c.gz");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[65536];
		int in = open(src, O_RDONLY), out = open(fifo, O_WRONLY);
		ssize_t n;
		if (in < 0 || out < 0)
			_exit(1);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				_exit(1);
		_exit(0);
	}
	assert_int_equal(oomsift_reader_open(&r, fifo), 0);
	next_ok(r, &m);
	assert_string_equal(m.compression, "gzip");
	assert_false(m.seekable);
	assert_true(m.ino != 0);
	assert_rest_equals(r, text, text_len);
	assert_no_more(r);
	oomsift_reader_free(r);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_unreadable_paths(void **state)
{
	oomsift_reader *r = NULL;
	char path[512];

	(void)state;
	path_of(path, sizeof(path), "t/sub");
	assert_int_equal(oomsift_reader_open(&r, path), OOMSIFT_EIO);
	assert_null(r);
	assert_non_null(strstr(oomsift_error_message(), path));
	assert_non_null(strstr(oomsift_error_message(), "directory"));

	path_of(path, sizeof(path), "missing.log");
	assert_int_equal(oomsift_reader_open(&r, path), OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "missing.log"));
	assert_non_null(strstr(oomsift_error_message(), "No such file"));

	assert_int_equal(oomsift_reader_open(&r, "/dev/null"), OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "/dev/null"));
	oomsift_reader_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_file_is_one_member),
	    cmocka_unit_test(test_plain_skip_seeks),
	    cmocka_unit_test(test_plain_named_gz_and_bzh_text_are_plain),
	    cmocka_unit_test(test_empty_files_are_one_empty_member),
	    cmocka_unit_test(test_compressed_files_decompress_to_the_text),
	    cmocka_unit_test(test_concatenated_gzip_members_are_one_stream),
	    cmocka_unit_test(test_gzip_header_mtime),
	    cmocka_unit_test(test_compressed_skip_reads_and_discards),
	    cmocka_unit_test(test_truncated_streams_fail_with_the_file_name),
	    cmocka_unit_test(test_cut_gzip_delivers_data_then_fails_and_stays_failed),
	    cmocka_unit_test(test_corrupt_gzip_header_fails_at_open),
	    cmocka_unit_test(test_head_does_not_consume),
	    cmocka_unit_test(test_head_of_a_short_file_is_the_file),
	    cmocka_unit_test(test_no_current_member_is_an_error),
	    cmocka_unit_test(test_tar_archives_yield_regular_members),
	    cmocka_unit_test(test_tar_members_left_unread_are_passed_over),
	    cmocka_unit_test(test_tar_member_skip),
	    cmocka_unit_test(test_member_fd_plain_is_the_whole_file),
	    cmocka_unit_test(test_member_fd_compressed_and_tar_members),
	    cmocka_unit_test(test_member_fd_after_reading_past_the_head_is_refused),
	    cmocka_unit_test(test_stdin_plain_and_compressed),
	    cmocka_unit_test(test_stdin_tar_and_member_fd),
	    cmocka_unit_test(test_fifo_path),
	    cmocka_unit_test(test_unreadable_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
