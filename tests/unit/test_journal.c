/* Unit tests of parse/journal.c: journalctl JSON and export streams, native
 * journal files, their records and display lines, caps and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "oomsift/error.h"
#include "oomsift/event.h"
#include "oomsift/journal.h"
#include "oomsift/oom.h"

#define DATA_DIR OOMSIFT_TEST_DATA "/journal/"

static const char boot1[] = "0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b";
static const char boot2[] = "7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f";

/* ---- collecting records ---- */

typedef struct rec_copy {
	oomsift_wrapper wrapper;
	char *host, *boot_id, *ident, *msg, *display;
	size_t msg_len;
	int64_t pid;
	double uptime, wall;
	bool has_uptime, has_wall, wall_subsec, cut;
	uint64_t lineno, entry_end;
} rec_copy;

typedef struct recs {
	rec_copy *v;
	size_t n, cap;
	oomsift_journal *j; /* for the entry end; NULL for native files */
	int stop_after;     /* > 0: return OOMSIFT_EABORT at this record */
} recs;

static char *dup_n(const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = malloc(n + 1);
	assert_non_null(p);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int collect(void *ctx, const oomsift_record *rec, const char *line, size_t len)
{
	recs *r = ctx;
	rec_copy *c;

	if (r->stop_after && (int)r->n == r->stop_after)
		return OOMSIFT_EABORT;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 512;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	c = &r->v[r->n++];
	c->wrapper = rec->wrapper;
	c->host = dup_n(rec->host, rec->host_len);
	c->boot_id = dup_n(rec->boot_id, rec->boot_id_len);
	c->ident = dup_n(rec->ident, rec->ident_len);
	c->msg = dup_n(rec->msg, rec->msg_len);
	c->msg_len = rec->msg_len;
	c->display = dup_n(line, len);
	c->pid = rec->pid;
	c->uptime = rec->uptime;
	c->wall = rec->wall;
	c->has_uptime = rec->has_uptime;
	c->has_wall = rec->has_wall;
	c->wall_subsec = rec->wall_subsec;
	c->cut = rec->cut;
	c->lineno = rec->lineno;
	c->entry_end = r->j ? oomsift_journal_entry_end(r->j) : 0;
	return 0;
}

static void recs_free(recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].host);
		free(r->v[i].boot_id);
		free(r->v[i].ident);
		free(r->v[i].msg);
		free(r->v[i].display);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Same records; `exact` also compares wrapper, line numbers and entry ends,
 * which differ between formats of the same journal. */
static void assert_same_records(const recs *a, const recs *b, bool exact)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const rec_copy *x = &a->v[i], *y = &b->v[i];
		bool cont = x->wrapper == OOMSIFT_WRAP_CONTINUATION;

		assert_int_equal(cont, y->wrapper == OOMSIFT_WRAP_CONTINUATION);
		assert_true(str_eq(x->host, y->host));
		assert_true(str_eq(x->boot_id, y->boot_id));
		assert_true(str_eq(x->ident, y->ident));
		assert_int_equal(x->msg_len, y->msg_len);
		assert_memory_equal(x->msg, y->msg, x->msg_len);
		assert_string_equal(x->display, y->display);
		assert_int_equal(x->pid, y->pid);
		assert_int_equal(x->has_uptime, y->has_uptime);
		assert_true(x->uptime == y->uptime);
		assert_int_equal(x->has_wall, y->has_wall);
		assert_true(x->wall == y->wall);
		assert_int_equal(x->cut, y->cut);
		if (exact) {
			assert_int_equal(x->wrapper, y->wrapper);
			assert_int_equal(x->lineno, y->lineno);
			assert_int_equal(x->entry_end, y->entry_end);
		}
	}
}

/* `n` spaces and then `text`, as a continuation line is displayed. */
static const char *indented(size_t n, const char *text)
{
	static char buf[256];

	assert_true(n + strlen(text) < sizeof(buf));
	memset(buf, ' ', n);
	strcpy(buf + n, text);
	return buf;
}

/* ---- feeding ---- */

static char *read_data(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), DATA_DIR "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Reads `len` bytes in chunks of `chunk` (0 = all at once) into r; returns
 * finish's code and the stats. */
static int read_stream(oomsift_journal_format fmt, const char *data, size_t len, size_t chunk,
                       recs *r, oomsift_journal_stats *st)
{
	oomsift_journal *j;
	int rc = 0;

	assert_int_equal(oomsift_journal_new(&j, fmt, "sample", collect, r), 0);
	r->j = j;
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len && rc == 0; off += chunk)
		rc = oomsift_journal_feed(j, data + off, len - off < chunk ? len - off : chunk);
	if (rc == 0)
		rc = oomsift_journal_finish(j);
	if (st)
		oomsift_journal_stats_get(j, st);
	oomsift_journal_free(j);
	r->j = NULL;
	return rc;
}

static void read_ok(oomsift_journal_format fmt, const char *data, size_t len, size_t chunk, recs *r,
                    oomsift_journal_stats *st)
{
	int rc = read_stream(fmt, data, len, chunk, r, st);

	if (rc != 0)
		fail_msg("%s", oomsift_error_message());
}

static void read_text(oomsift_journal_format fmt, const char *text, recs *r,
                      oomsift_journal_stats *st)
{
	read_ok(fmt, text, strlen(text), 0, r, st);
}

static void read_fixture(const char *name, oomsift_journal_format fmt, size_t chunk, recs *r,
                         oomsift_journal_stats *st)
{
	size_t len;
	char *data = read_data(name, &len);

	read_ok(fmt, data, len, chunk, r, st);
	free(data);
}

/* ---- the real renders of arch01 ---- */

static const struct {
	const char *file;
	oomsift_journal_format fmt;
} renders[] = {
    {"arch01.json.log", OOMSIFT_JOURNAL_JSON},     {"arch01.json-seq.log", OOMSIFT_JOURNAL_JSON},
    {"arch01.json-sse.log", OOMSIFT_JOURNAL_JSON}, {"arch01.json-pretty.log", OOMSIFT_JOURNAL_JSON},
    {"arch01.export.log", OOMSIFT_JOURNAL_EXPORT},
};
#define NRENDERS (sizeof(renders) / sizeof(renders[0]))

static void test_chunk_sizes_give_identical_records(void **state)
{
	static const size_t chunks[] = {1, 7, 4096};

	(void)state;
	for (size_t i = 0; i < NRENDERS; i++) {
		recs whole = {0};
		oomsift_journal_stats st0;

		read_fixture(renders[i].file, renders[i].fmt, 0, &whole, &st0);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			recs part = {0};
			oomsift_journal_stats st;

			read_fixture(renders[i].file, renders[i].fmt, chunks[c], &part, &st);
			assert_same_records(&whole, &part, true);
			assert_memory_equal(&st, &st0, sizeof(st));
			recs_free(&part);
		}
		recs_free(&whole);
	}
}

/* The records of the arch01 journal, in any format. */
static void check_arch01_records(const recs *r, oomsift_wrapper wrapper)
{
	size_t boot2_at = 0, meminfo = 0, nkernel = 0;

	assert_int_equal(r->n, 360); /* 346 entries, 14 continuation lines */
	for (size_t i = 0; i < r->n; i++) {
		const rec_copy *c = &r->v[i];

		assert_string_equal(c->host, "arch01");
		assert_true(c->has_wall);
		assert_true(c->wall_subsec);
		assert_false(c->cut);
		if (!boot2_at && strcmp(c->boot_id, boot2) == 0)
			boot2_at = i;
		assert_string_equal(c->boot_id, boot2_at ? boot2 : boot1);
		if (c->wrapper != OOMSIFT_WRAP_CONTINUATION)
			assert_int_equal(c->wrapper, wrapper);
		if (strcmp(c->ident, "kernel") == 0) {
			nkernel++;
			assert_true(c->has_uptime);
			assert_int_equal(c->pid, -1);
		} else {
			assert_string_equal(c->ident, "systemd");
			assert_int_equal(c->pid, 1);
			assert_false(c->has_uptime);
		}
		if (!meminfo && strncmp(c->msg, "active_anon:1413442 ", 20) == 0)
			meminfo = i;
	}
	assert_int_equal(boot2_at, 180);
	assert_int_equal(nkernel, 354);

	/* The first entry, and the head of the OOM report in each boot. */
	assert_string_equal(r->v[0].display,
	                    "2026-11-14T08:00:00.001500+00:00 arch01 kernel: Linux version "
	                    "6.1.1-arch1-1 (linux@archlinux) (gcc (GCC) 12.2.0, GNU ld (GNU "
	                    "Binutils) 2.39.0) #1 SMP PREEMPT_DYNAMIC Wed, 21 Dec 2022 22:27:55 "
	                    "+0000");
	assert_true(r->v[0].uptime == 0.0);
	assert_true(r->v[0].wall == 1794643200.0015);
	assert_string_equal(r->v[2].display, "2026-11-14T08:00:01.206211+00:00 arch01 systemd[1]: "
	                                     "Started systemd-journald.service - Journal Service.");
	for (size_t b = 0; b < 2; b++) {
		const rec_copy *c = &r->v[4 + b * 180];
		assert_non_null(strstr(c->msg, "doxygen invoked oom-killer: gfp_mask=0x140dca"));
		assert_true(c->uptime == 123456.789012);
		assert_true(c->wall == (b ? 1794944856.790712 : 1794766656.790912));
	}

	/* Mem-Info: one entry of 8 lines, the last 7 as continuation records. */
	assert_int_equal(meminfo, 33);
	assert_string_equal(r->v[meminfo].display,
	                    "2026-11-15T18:17:36.791627+00:00 arch01 kernel: active_anon:1413442 "
	                    "inactive_anon:1509191 isolated_anon:0");
	assert_int_equal(r->v[meminfo].wrapper, wrapper);
	for (size_t k = 1; k <= 7; k++) {
		const rec_copy *c = &r->v[meminfo + k];
		assert_int_equal(c->wrapper, OOMSIFT_WRAP_CONTINUATION);
		assert_int_equal(c->lineno, r->v[meminfo].lineno);
		assert_true(c->uptime == 123456.789627);
		assert_true(c->wall == r->v[meminfo].wall);
		assert_string_equal(c->ident, "kernel");
	}
	assert_string_equal(r->v[meminfo + 1].msg,
	                    "active_file:29 inactive_file:186 isolated_file:0");
	assert_string_equal(r->v[meminfo + 7].msg, "free:34629 free_pcp:0 free_cma:0");
	assert_string_equal(r->v[meminfo + 7].display,
	                    indented(48, "free:34629 free_pcp:0 free_cma:0"));
	assert_int_equal(r->v[meminfo + 8].wrapper, wrapper);
	assert_int_equal(strncmp(r->v[meminfo + 8].msg, "Node 0 active_anon:", 19), 0);
}

static void test_every_render_gives_the_arch01_records(void **state)
{
	recs ref = {0};
	oomsift_journal_stats st;

	(void)state;
	read_fixture("arch01.export.log", OOMSIFT_JOURNAL_EXPORT, 0, &ref, &st);
	check_arch01_records(&ref, OOMSIFT_WRAP_JOURNAL_EXPORT);
	assert_int_equal(st.entries, 346);
	assert_int_equal(st.bad_entries + st.withheld + st.cut_fields, 0);
	for (size_t i = 0; i < NRENDERS - 1; i++) {
		recs r = {0};
		read_fixture(renders[i].file, renders[i].fmt, 0, &r, &st);
		check_arch01_records(&r, OOMSIFT_WRAP_JOURNAL_JSON);
		assert_int_equal(st.entries, 346);
		assert_int_equal(st.bad_entries + st.withheld + st.cut_fields, 0);
		assert_same_records(&ref, &r, false);
		recs_free(&r);
	}
	recs_free(&ref);
}

/* The display lines are what journalctl printed: this journalctl (v252) writes
 * the zone as +0000, current ones (v255+) as +00:00, which we follow, so each
 * prefix (and each continuation indent) is one byte longer. */
static void test_display_lines_match_journalctl(void **state)
{
	recs r = {0};
	size_t len, i = 0;
	char *text = read_data("arch01.short-iso-precise.log", &len);
	char *line, *save = NULL;

	(void)state;
	read_fixture("arch01.json.log", OOMSIFT_JOURNAL_JSON, 0, &r, NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char want[8192];
		char *zone = strstr(line, "+0000 ");

		if (strncmp(line, "-- Boot ", 8) == 0)
			continue;
		assert_true(i < r.n);
		if (line[0] == ' ')
			snprintf(want, sizeof(want), " %s", line);
		else if (zone && zone - line == 26)
			snprintf(want, sizeof(want), "%.*s+00:00%s", 26, line, zone + 5);
		else
			fail_msg("unexpected journalctl line: %s", line);
		assert_string_equal(r.v[i].display, want);
		i++;
	}
	assert_int_equal(i, r.n);
	free(text);
	recs_free(&r);
}

static void test_line_numbers_and_entry_ends(void **state)
{
	static const struct {
		const char *file;
		oomsift_journal_format fmt;
		uint64_t header1, header2; /* line of each report's first entry */
	} lines[] = {
	    {"arch01.json.log", OOMSIFT_JOURNAL_JSON, 5, 178},
	    {"arch01.json-seq.log", OOMSIFT_JOURNAL_JSON, 5, 178},
	    {"arch01.json-sse.log", OOMSIFT_JOURNAL_JSON, 9, 355},
	    {"arch01.json-pretty.log", OOMSIFT_JOURNAL_JSON, 59, 2484},
	    {"arch01.export.log", OOMSIFT_JOURNAL_EXPORT, 55, 2315},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		recs r = {0};
		size_t len;
		char *data = read_data(lines[i].file, &len);

		read_ok(lines[i].fmt, data, len, 0, &r, NULL);
		assert_int_equal(r.v[0].lineno, 1);
		assert_int_equal(r.v[4].lineno, lines[i].header1);
		assert_int_equal(r.v[184].lineno, lines[i].header2);
		/* Resuming at an entry end reads exactly the entries after it. */
		for (size_t k = 1; k < r.n; k++)
			assert_true(r.v[k].entry_end >= r.v[k - 1].entry_end);
		assert_true(r.v[r.n - 1].entry_end <= len);
		{
			uint64_t at = r.v[183].entry_end;
			recs rest = {0};
			read_ok(lines[i].fmt, data + at, len - (size_t)at, 0, &rest, NULL);
			assert_int_equal(rest.n, r.n - 184);
			assert_string_equal(rest.v[0].display, r.v[184].display);
			recs_free(&rest);
		}
		free(data);
		recs_free(&r);
	}
}

/* ---- through the assembler ---- */

typedef struct events {
	oomsift_event *ev[4];
	size_t n;
} events;

static int collect_event(void *ctx, oomsift_event *ev)
{
	events *e = ctx;

	if (e->n == 4) {
		oomsift_event_free(ev);
		return OOMSIFT_EABORT;
	}
	e->ev[e->n++] = ev;
	return 0;
}

static void check_arch01_events(const recs *r, uint64_t line1, uint64_t line2)
{
	oomsift_assembler *a;
	events out = {0};
	static const double walls[] = {1794766656.790912, 1794944856.790712};

	assert_int_equal(oomsift_assembler_new(&a, "fallback", collect_event, &out), 0);
	for (size_t i = 0; i < r->n; i++) {
		const rec_copy *c = &r->v[i];
		oomsift_record rec = {
		    .wrapper = c->wrapper,
		    .host = c->host,
		    .host_len = strlen(c->host),
		    .ident = c->ident,
		    .ident_len = strlen(c->ident),
		    .msg = c->msg,
		    .msg_len = c->msg_len,
		    .boot_id = c->boot_id,
		    .boot_id_len = strlen(c->boot_id),
		    .pid = c->pid,
		    .wall = c->wall,
		    .uptime = c->uptime,
		    .has_wall = c->has_wall,
		    .wall_subsec = c->wall_subsec,
		    .has_uptime = c->has_uptime,
		    .cut = c->cut,
		    .lineno = c->lineno,
		};
		assert_int_equal(oomsift_assembler_feed(a, &rec, c->display, strlen(c->display)),
		                 0);
	}
	assert_int_equal(oomsift_assembler_finish(a), 0);
	assert_int_equal(out.n, 2);
	for (size_t i = 0; i < 2; i++) {
		const oomsift_event *ev = out.ev[i];
		assert_string_equal(ev->host, "arch01");
		assert_true(ev->has_header);
		assert_true(oomsift_event_complete(ev));
		assert_int_equal(ev->kind, OOMSIFT_KERNEL_OOM);
		assert_int_equal(ev->victim_pid, 473206);
		assert_string_equal(ev->victim_comm, "doxygen");
		assert_int_equal(ev->trigger_pid, 473206);
		assert_true(ev->has_uptime);
		assert_true(ev->uptime_s == 123456.789012);
		assert_true(ev->has_ts);
		assert_true(ev->ts_subsec);
		assert_true(ev->ts_unix == walls[i]);
		assert_int_equal(ev->line, i ? line2 : line1);
		assert_int_equal(ev->ntasks, 112);
		assert_int_equal(ev->nkills, 2);
		assert_int_equal(ev->swap_free_kb, 84);
		/* the last Mem-Info continuation line reached the bag */
		bool free_seen = false;
		for (size_t k = 0; k < ev->nkvs; k++)
			free_seen |= strcmp(ev->kvs[k].section, "meminfo") == 0 &&
			             strcmp(ev->kvs[k].key, "free") == 0 &&
			             ev->kvs[k].value == 34629;
		assert_true(free_seen);
		assert_non_null(strstr(ev->raw.data, "+00:00 arch01 kernel: doxygen invoked "
		                                     "oom-killer: gfp_mask=0x140dca"));
	}
	for (size_t i = 0; i < out.n; i++)
		oomsift_event_free(out.ev[i]);
	oomsift_assembler_free(a);
}

static void test_assembler_finds_both_reports(void **state)
{
	recs r = {0};

	(void)state;
	read_fixture("arch01.json.log", OOMSIFT_JOURNAL_JSON, 0, &r, NULL);
	check_arch01_events(&r, 5, 178);
	recs_free(&r);
	read_fixture("arch01.json-pretty.log", OOMSIFT_JOURNAL_JSON, 0, &r, NULL);
	check_arch01_events(&r, 59, 2484);
	recs_free(&r);
	read_fixture("arch01.export.log", OOMSIFT_JOURNAL_EXPORT, 0, &r, NULL);
	check_arch01_events(&r, 55, 2315);
	recs_free(&r);
}

/* ---- native journal files ---- */

/* arch01.journal.xz, decompressed into a temporary file (libsystemd refuses
 * files without a name: a memfd, a deleted file) or into a memfd. */
static int open_native_fixture(char *path, size_t pathlen)
{
	char cmd[600], buf[65536];
	const char *tmp = getenv("TMPDIR");
	FILE *xz;
	size_t n;
	int fd;

	if (path) {
		snprintf(path, pathlen, "%s/oomsift-journal-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(path);
	} else {
		fd = memfd_create("arch01.journal", MFD_CLOEXEC);
	}
	assert_true(fd >= 0);
	snprintf(cmd, sizeof(cmd), "xz -dc '%sarch01.journal.xz'", DATA_DIR);
	xz = popen(cmd, "r");
	assert_non_null(xz);
	while ((n = fread(buf, 1, sizeof(buf), xz)) > 0)
		assert_int_equal(write(fd, buf, n), (ssize_t)n);
	assert_int_equal(pclose(xz), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_native_file(void **state)
{
	recs r = {0};
	char head[8], path[512];
	int fd = open_native_fixture(path, sizeof(path));

	(void)state;
	assert_int_equal(pread(fd, head, sizeof(head), 0), (ssize_t)sizeof(head));
	assert_true(oomsift_journal_is_native(head, sizeof(head)));
	assert_false(oomsift_journal_is_native(head, 7));
	assert_false(oomsift_journal_is_native("__CURSOR=s", 10));
#ifdef OOMSIFT_HAVE_LIBSYSTEMD
	recs ref = {0};

	if (oomsift_journal_read_fd(fd, "arch01.journal", collect, &r) != 0)
		fail_msg("%s", oomsift_error_message());
	check_arch01_records(&r, OOMSIFT_WRAP_JOURNAL_FILE);
	read_fixture("arch01.export.log", OOMSIFT_JOURNAL_EXPORT, 0, &ref, NULL);
	assert_same_records(&ref, &r, false);
	/* line numbers are entry ordinals */
	assert_int_equal(r.v[0].lineno, 1);
	assert_int_equal(r.v[4].lineno, 5);
	assert_int_equal(r.v[r.n - 1].lineno, 346);
	check_arch01_events(&r, 5, 178);
	recs_free(&ref);
	recs_free(&r);
	/* the callback's code stops the reader */
	r.stop_after = 3;
	assert_int_equal(oomsift_journal_read_fd(fd, "arch01.journal", collect, &r),
	                 OOMSIFT_EABORT);
	assert_int_equal(r.n, 3);
	recs_free(&r);
	/* the fd was not consumed */
	assert_int_equal(close(fd), 0);
	unlink(path);

	/* a file without a name */
	fd = open_native_fixture(NULL, 0);
	assert_int_equal(oomsift_journal_read_fd(fd, "memfd.journal", collect, &r), OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "memfd.journal: cannot open as a journal "
	                                                "file: libsystemd refuses files that"));
	close(fd);

	/* not a journal file */
	fd = memfd_create("junk", MFD_CLOEXEC);
	assert_int_equal(write(fd, "hello\n", 6), 6);
	assert_int_equal(oomsift_journal_read_fd(fd, "junk.journal", collect, &r), OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "junk.journal: "));
	assert_int_equal(r.n, 0);
	close(fd);
#else
	assert_int_equal(oomsift_journal_read_fd(fd, "arch01.journal", collect, &r),
	                 OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(),
	                    "arch01.journal: native journal files need libsystemd; this oomsift "
	                    "was built without it");
	assert_int_equal(r.n, 0);
	close(fd);
	unlink(path);
#endif
}

/* ---- JSON details ---- */

static void test_json_value_encodings(void **state)
{
	static const char text[] =
	    /* byte array: not printable UTF-8, two lines */
	    "{\"_HOSTNAME\":\"h\",\"_TRANSPORT\":\"kernel\",\"SYSLOG_IDENTIFIER\":\"kernel\","
	    "\"__REALTIME_TIMESTAMP\":\"1000000\",\"__MONOTONIC_TIMESTAMP\":\"5000000\","
	    "\"MESSAGE\":[106,97,118,97,255,10,32,120]}\n"
	    /* null: withheld */
	    "{\"_HOSTNAME\":\"h\",\"MESSAGE\":null,\"__REALTIME_TIMESTAMP\":\"2000000\"}\n"
	    /* array of values: the first non-null one; a byte array inside */
	    "{\"_HOSTNAME\":\"h\",\"MESSAGE\":[null,[104,105],\"second\"],\"_COMM\":\"sh\","
	    "\"SYSLOG_PID\":\"77\",\"_PID\":\"78\"}\n"
	    /* all null: withheld */
	    "{\"MESSAGE\":[null,null]}\n"
	    /* no MESSAGE at all: no record */
	    "{\"_HOSTNAME\":\"h\",\"CODE_LINE\":\"1\"}\n"
	    /* written into /dev/kmsg by user space: not a kernel entry */
	    "{\"_TRANSPORT\":\"kernel\",\"SYSLOG_IDENTIFIER\":\"systemd\",\"SYSLOG_PID\":\"1\","
	    "\"_SOURCE_MONOTONIC_TIMESTAMP\":\"7\",\"__REALTIME_TIMESTAMP\":\"3000000\","
	    "\"_SOURCE_REALTIME_TIMESTAMP\":\"2999999\",\"MESSAGE\":\"x\\ty\\u0000z\"}\n"
	    /* neither identifier nor comm; kernel without identifier */
	    "{\"MESSAGE\":\"anon\"}\n"
	    "{\"_TRANSPORT\":\"kernel\",\"__MONOTONIC_TIMESTAMP\":\"1500\",\"MESSAGE\":\"k\"}\n";
	recs r = {0};
	oomsift_journal_stats st;

	(void)state;
	read_text(OOMSIFT_JOURNAL_JSON, text, &r, &st);
	assert_int_equal(st.entries, 8);
	assert_int_equal(st.withheld, 2);
	assert_int_equal(st.bad_entries, 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.v[0].msg_len, 5);
	assert_memory_equal(r.v[0].msg, "java\xff", 5);
	assert_true(r.v[0].has_uptime && r.v[0].uptime == 5.0);
	assert_true(r.v[0].wall == 1.0);
	assert_string_equal(r.v[1].msg, " x");
	assert_int_equal(r.v[1].wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_string_equal(r.v[0].display, "1970-01-01T00:00:01.000000+00:00 h kernel: java\xff");
	assert_string_equal(r.v[1].display, indented(43, " x"));
	assert_string_equal(r.v[2].msg, "hi");
	assert_string_equal(r.v[2].ident, "sh");
	assert_int_equal(r.v[2].pid, 78);
	assert_false(r.v[2].has_wall);
	assert_string_equal(r.v[2].display, "h sh[78]: hi");
	assert_string_equal(r.v[3].ident, "systemd");
	assert_int_equal(r.v[3].pid, 1);
	assert_false(r.v[3].has_uptime);
	assert_true(r.v[3].wall == 2.999999);
	assert_int_equal(r.v[3].msg_len, 5);
	assert_memory_equal(r.v[3].msg, "x\ty\0z", 5);
	assert_string_equal(r.v[4].ident, "unknown");
	assert_null(r.v[4].host);
	assert_string_equal(r.v[4].display, "unknown: anon");
	assert_string_equal(r.v[5].ident, "kernel");
	assert_true(r.v[5].uptime == 0.0015);
	assert_int_equal(r.v[5].lineno, 8);
	recs_free(&r);
}

static void test_json_malformed_entries_are_skipped(void **state)
{
	static const char text[] = "{\"MESSAGE\":\"a\"}\n"
	                           "{\"MESSAGE\": broken\n" /* cut off at its line end */
	                           "{\"MESSAGE\":\"b\",}\n" /* closes but is no JSON */
	                           "not json at all\n"      /* no object */
	                           "{\"MESSAGE\":\"c\"}\n"  /* fine */
	                           "{\"MESSAGE\":42}\n"     /* wrong type */
	                           "[1,2]\n"                /* not an object */
	                           "{\"MESSAGE\":\"cut\\n\", \"X\":\""; /* cut off at the end */
	recs r = {0};
	oomsift_journal_stats st;

	(void)state;
	assert_int_equal(read_stream(OOMSIFT_JOURNAL_JSON, text, strlen(text), 3, &r, &st), 0);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.bad_entries, 6);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].msg, "a");
	assert_string_equal(r.v[1].msg, "c");
	assert_int_equal(r.v[1].lineno, 5);
	assert_string_equal(oomsift_error_message(),
	                    "sample: line 8: entry cut off at the end of the input");
	recs_free(&r);

	/* the message of a skipped entry names the input and the line */
	assert_int_equal(read_stream(OOMSIFT_JOURNAL_JSON, text, 35, 0, &r, &st), 0);
	assert_int_equal(st.bad_entries, 1);
	assert_string_equal(oomsift_error_message(),
	                    "sample: line 2: entry cut off at the end of its line");
	recs_free(&r);

	/* nothing valid at all: not journal JSON */
	assert_int_equal(read_stream(OOMSIFT_JOURNAL_JSON, "hello\nworld\n", 12, 0, &r, &st),
	                 OOMSIFT_EINVAL);
	assert_non_null(strstr(oomsift_error_message(), "sample: no valid journal JSON entry"));
	assert_int_equal(st.bad_entries, 2);
	recs_free(&r);
}

static void test_json_seq_sse_and_pretty_resync(void **state)
{
	static const char seq[] = "\x1e{\"MESSAGE\":\"one\"}\n"
	                          "\x1e{\"MESSAGE\":\"tw\x1e{\"MESSAGE\":\"three\"}\n"
	                          "\x1e{\"MESSAGE\":\"four\"}";
	static const char sse[] = "data: {\"MESSAGE\":\"one\"}\n\n"
	                          "data: {\"MESSAGE\":\"two\"}\r\n\r\n"
	                          "event: x\n\n"
	                          "data: {\"MESSAGE\":\"three\"}\n\n";
	static const char pretty[] = "{\n\t\"MESSAGE\" : \"one\",\n\t\"_PID\" : \"9\"\n}\n"
	                             "{\n\t\"MESSAGE\" : \"broken\",\n"
	                             "{\n\t\"MESSAGE\" : \"two\"\n}\n"
	                             "{\n\t\"MESSAGE\" : \"str\n\tcut\"\n}\n"
	                             "{\n\t\"MESSAGE\" : [\n\t\t1,\n\t\t2\n\t]\n}\n";
	recs r = {0};
	oomsift_journal_stats st;

	(void)state;
	read_text(OOMSIFT_JOURNAL_JSON, seq, &r, &st);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[1].msg, "three");
	assert_int_equal(r.v[1].lineno, 2);
	assert_string_equal(r.v[2].msg, "four");
	assert_int_equal(st.bad_entries, 1);
	recs_free(&r);

	read_text(OOMSIFT_JOURNAL_JSON, sse, &r, &st);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[1].msg, "two");
	assert_int_equal(r.v[2].lineno, 7);
	assert_int_equal(st.bad_entries, 1); /* "event: x" */
	recs_free(&r);

	read_text(OOMSIFT_JOURNAL_JSON, pretty, &r, &st);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[0].msg, "one");
	assert_int_equal(r.v[0].pid, 9);
	assert_string_equal(r.v[1].msg, "two");
	assert_int_equal(r.v[1].lineno, 7);
	assert_memory_equal(r.v[2].msg, "\x01\x02", 2);
	assert_int_equal(r.v[2].lineno, 14);
	assert_int_equal(st.bad_entries, 2); /* the one cut off, the newline in a string */
	recs_free(&r);
}

/* One JSON line whose MESSAGE is `n` times 'x'. */
static char *json_big_message(size_t n, size_t *len)
{
	static const char head[] = "{\"_HOSTNAME\":\"big\",\"MESSAGE\":\"";
	char *s = malloc(sizeof(head) + n + 64);

	assert_non_null(s);
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'x', n);
	*len = sizeof(head) - 1 + n;
	*len += (size_t)sprintf(s + *len, "\"}\n{\"MESSAGE\":\"after\"}\n");
	return s;
}

static void test_json_caps(void **state)
{
	recs r = {0};
	oomsift_journal_stats st;
	size_t len;
	char *s;

	(void)state;
	/* a 2 MiB MESSAGE in a 2 MiB entry: kept up to the field cap, marked cut */
	s = json_big_message(2u << 20, &len);
	read_ok(OOMSIFT_JOURNAL_JSON, s, len, 65536, &r, &st);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].msg_len, OOMSIFT_JOURNAL_FIELD_MAX);
	assert_true(r.v[0].cut);
	assert_false(r.v[1].cut);
	assert_int_equal(st.cut_fields, 1);
	assert_int_equal(st.bad_entries, 0);
	free(s);
	recs_free(&r);

	/* a 5 MiB entry: skipped, the next one is read */
	s = json_big_message(5u << 20, &len);
	read_ok(OOMSIFT_JOURNAL_JSON, s, len, 0, &r, &st);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].msg, "after");
	assert_int_equal(r.v[0].lineno, 2);
	assert_int_equal(st.bad_entries, 1);
	free(s);
	recs_free(&r);
}

static void test_callback_error_stops_the_reader(void **state)
{
	static const char text[] =
	    "{\"MESSAGE\":\"a\"}\n{\"MESSAGE\":\"b\"}\n{\"MESSAGE\":\"c\"}\n";
	recs r = {.stop_after = 1};
	oomsift_journal *j;

	(void)state;
	assert_int_equal(oomsift_journal_new(&j, OOMSIFT_JOURNAL_JSON, "s", collect, &r), 0);
	assert_int_equal(oomsift_journal_feed(j, text, sizeof(text) - 1), OOMSIFT_EABORT);
	assert_int_equal(oomsift_journal_feed(j, text, sizeof(text) - 1), OOMSIFT_EABORT);
	assert_int_equal(oomsift_journal_finish(j), OOMSIFT_EABORT);
	assert_int_equal(r.n, 1);
	oomsift_journal_free(j);
	recs_free(&r);
	oomsift_journal_free(NULL);
}

/* ---- export details ---- */

/* An export stream under construction. */
typedef struct xbuf {
	char *p;
	size_t len, cap;
} xbuf;

static void xput(xbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void xtext(xbuf *b, const char *s)
{
	xput(b, s, strlen(s));
}

static void xbinary(xbuf *b, const char *name, const void *v, uint64_t n, uint64_t claimed)
{
	unsigned char le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(claimed >> (8 * i));
	xtext(b, name);
	xtext(b, "\n");
	xput(b, le, 8);
	xput(b, v, (size_t)n);
}

static void test_export_binary_values(void **state)
{
	static const char odd[] = "a=b\n\nc\n=\n";
	xbuf b = {0};
	recs r = {0};
	oomsift_journal_stats st;

	(void)state;
	/* leading blank line, a binary value holding '=', newlines and a blank
	 * line, an unknown __ field, a duplicate field */
	xtext(&b, "\n__CURSOR=s=1\n__SEQNUM_FUTURE=9\n_HOSTNAME=x1\n_TRANSPORT=kernel\n"
	          "_SOURCE_MONOTONIC_TIMESTAMP=2500000\n__REALTIME_TIMESTAMP=1700000000123456\n");
	xbinary(&b, "MESSAGE", odd, sizeof(odd) - 1, sizeof(odd) - 1);
	xtext(&b, "\nMESSAGE=second copy\n_HOSTNAME=x2\n\n");
	xtext(&b, "_HOSTNAME=x1\nMESSAGE=next\n\n");
	for (size_t chunk = 1; chunk <= 9; chunk += 8) {
		read_ok(OOMSIFT_JOURNAL_EXPORT, b.p, b.len, chunk, &r, &st);
		assert_int_equal(st.entries, 2);
		assert_int_equal(r.n, 5);
		assert_string_equal(r.v[0].msg, "a=b");
		assert_string_equal(r.v[0].host, "x1");
		assert_int_equal(r.v[0].lineno, 2);
		assert_true(r.v[0].uptime == 2.5);
		assert_string_equal(r.v[0].display,
		                    "2023-11-14T22:13:20.123456+00:00 x1 kernel: a=b");
		assert_string_equal(r.v[1].msg, "");
		assert_string_equal(r.v[1].display, indented(44, ""));
		assert_string_equal(r.v[2].msg, "c");
		assert_string_equal(r.v[3].msg, "=");
		assert_int_equal(r.v[3].wrapper, OOMSIFT_WRAP_CONTINUATION);
		assert_int_equal(r.v[3].entry_end, b.len - 27);
		/* newlines inside the binary value count as lines */
		assert_string_equal(r.v[4].msg, "next");
		assert_int_equal(r.v[4].lineno, 17);
		assert_int_equal(r.v[4].entry_end, b.len);
		recs_free(&r);
	}
	free(b.p);
}

static void test_export_malformed_entries_are_skipped(void **state)
{
	xbuf b = {0};
	recs r = {0};
	oomsift_journal_stats st;
	char longname[80];

	(void)state;
	memset(longname, 'A', 70);
	memcpy(longname + 70, "=x\n", 4);
	xtext(&b, "MESSAGE=one\n\n");
	xtext(&b, "message=lower case\nMESSAGE=two\n\n");
	xtext(&b, "MESSAGE=three\n\n");
	xtext(&b, longname);
	xtext(&b, "MESSAGE=four\n\n");
	xtext(&b, "MESSAGE=five\n9FIELD\n");
	xput(&b, "\x02\0\0\0\0\0\0\0ab\n", 11);
	xtext(&b, "\n");
	xtext(&b, "just some text\nMESSAGE=six\n\n");
	xtext(&b, "MESSAGE=seven\n\n");
	read_ok(OOMSIFT_JOURNAL_EXPORT, b.p, b.len, 5, &r, &st);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[0].msg, "one");
	assert_string_equal(r.v[1].msg, "three");
	assert_int_equal(r.v[1].lineno, 6);
	assert_string_equal(r.v[2].msg, "seven");
	assert_int_equal(st.bad_entries, 4);
	assert_int_equal(st.entries, 3);
	recs_free(&r);
	free(b.p);
}

static void test_export_truncated_entry_is_delivered(void **state)
{
	static const char text[] = "MESSAGE=one\n\n_HOSTNAME=h\nMESSAGE=tw";
	recs r = {0};
	oomsift_journal_stats st;

	(void)state;
	/* cut inside a text value: delivered, marked cut */
	read_text(OOMSIFT_JOURNAL_EXPORT, text, &r, &st);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[1].msg, "tw");
	assert_true(r.v[1].cut);
	assert_false(r.v[0].cut);
	assert_int_equal(r.v[1].entry_end, sizeof(text) - 1);
	recs_free(&r);
	/* complete fields, no blank line: delivered whole (an entry without
	 * MESSAGE gives no record) */
	read_ok(OOMSIFT_JOURNAL_EXPORT, text, 25, 0, &r, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(r.n, 1);
	recs_free(&r);
	/* cut inside a field name */
	read_ok(OOMSIFT_JOURNAL_EXPORT, text, 28, 0, &r, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(r.n, 1);
	recs_free(&r);
	/* a final entry whose blank line is missing */
	read_text(OOMSIFT_JOURNAL_EXPORT, "_HOSTNAME=h\nMESSAGE=m\n", &r, &st);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].host, "h");
	assert_false(r.v[0].cut);
	recs_free(&r);
}

static void test_export_unrecoverable_framing(void **state)
{
	xbuf b = {0};
	recs r = {0};
	oomsift_journal_stats st;
	oomsift_journal *j;

	(void)state;
	/* a length past the end of the input */
	xtext(&b, "MESSAGE=ok\n\n_HOSTNAME=h\n");
	xbinary(&b, "MESSAGE", "short", 5, 1000);
	assert_int_equal(read_stream(OOMSIFT_JOURNAL_EXPORT, b.p, b.len, 0, &r, &st),
	                 OOMSIFT_EINVAL);
	assert_string_equal(oomsift_error_message(),
	                    "sample: line 4: field MESSAGE: binary value runs past the end of "
	                    "the input");
	assert_int_equal(r.n, 1);
	assert_int_equal(st.bad_entries, 1);
	recs_free(&r);
	free(b.p);

	/* a length no journal writes: the framing is lost at once */
	memset(&b, 0, sizeof(b));
	xtext(&b, "MESSAGE=ok\n\n");
	xbinary(&b, "MESSAGE", "", 0, 1ull << 40);
	xtext(&b, "more\n\nMESSAGE=ok\n\n");
	assert_int_equal(oomsift_journal_new(&j, OOMSIFT_JOURNAL_EXPORT, "x.export", collect, &r),
	                 0);
	assert_int_equal(oomsift_journal_feed(j, b.p, b.len), OOMSIFT_EINVAL);
	assert_non_null(strstr(oomsift_error_message(),
	                       "x.export: line 3: field MESSAGE: binary length 1099511627776"));
	assert_int_equal(oomsift_journal_feed(j, "MESSAGE=z\n\n", 11), OOMSIFT_EINVAL);
	assert_int_equal(oomsift_journal_finish(j), OOMSIFT_EINVAL);
	assert_int_equal(r.n, 1);
	oomsift_journal_free(j);
	recs_free(&r);
	free(b.p);

	/* a binary value not followed by its newline */
	memset(&b, 0, sizeof(b));
	xbinary(&b, "MESSAGE", "abcX", 4, 3);
	xtext(&b, "\n\n");
	assert_int_equal(read_stream(OOMSIFT_JOURNAL_EXPORT, b.p, b.len, 0, &r, &st),
	                 OOMSIFT_EINVAL);
	assert_non_null(strstr(oomsift_error_message(), "not followed by a newline"));
	assert_int_equal(r.n, 0);
	free(b.p);
}

static void test_export_huge_binary_field(void **state)
{
	size_t n = 3u << 20;
	char *big = malloc(n);
	xbuf b = {0};
	recs r = {0};
	oomsift_journal_stats st;

	(void)state;
	assert_non_null(big);
	memset(big, 'y', n);
	big[10] = '\n';
	xtext(&b, "_HOSTNAME=h\n_BOOT_ID=");
	for (int i = 0; i < 30; i++)
		xtext(&b, "0123456789"); /* 300 bytes: past the metadata cap */
	xtext(&b, "\n");
	xbinary(&b, "MESSAGE", big, n, n);
	xtext(&b, "\n\nMESSAGE=after\n\n");
	read_ok(OOMSIFT_JOURNAL_EXPORT, b.p, b.len, 1u << 16, &r, &st);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].msg_len, 10);
	assert_int_equal(r.v[1].msg_len, OOMSIFT_JOURNAL_FIELD_MAX - 11);
	assert_true(r.v[0].cut && r.v[1].cut);
	assert_int_equal(strlen(r.v[0].boot_id), OOMSIFT_JOURNAL_META_MAX);
	assert_string_equal(r.v[2].msg, "after");
	assert_false(r.v[2].cut);
	assert_int_equal(st.cut_fields, 2);
	assert_int_equal(st.entries, 2);
	recs_free(&r);
	free(b.p);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chunk_sizes_give_identical_records),
	    cmocka_unit_test(test_every_render_gives_the_arch01_records),
	    cmocka_unit_test(test_display_lines_match_journalctl),
	    cmocka_unit_test(test_line_numbers_and_entry_ends),
	    cmocka_unit_test(test_assembler_finds_both_reports),
	    cmocka_unit_test(test_native_file),
	    cmocka_unit_test(test_json_value_encodings),
	    cmocka_unit_test(test_json_malformed_entries_are_skipped),
	    cmocka_unit_test(test_json_seq_sse_and_pretty_resync),
	    cmocka_unit_test(test_json_caps),
	    cmocka_unit_test(test_callback_error_stops_the_reader),
	    cmocka_unit_test(test_export_binary_values),
	    cmocka_unit_test(test_export_malformed_entries_are_skipped),
	    cmocka_unit_test(test_export_truncated_entry_is_delivered),
	    cmocka_unit_test(test_export_unrecoverable_framing),
	    cmocka_unit_test(test_export_huge_binary_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
