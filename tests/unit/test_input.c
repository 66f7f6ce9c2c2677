/* Unit tests of parse/input.c: line splitting, caps, #012, host names, walking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "oomsift/error.h"
#include "oomsift/input.h"

/* A short but complete 5.x report; %s is put before every line. */
static const char *const report[] = {
    "stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE), order=0, "
    "oom_score_adj=0",
    "CPU: 0 PID: 42 Comm: stress Not tainted 5.15.0-91-generic #101-Ubuntu",
    "Mem-Info:",
    "active_anon:100 inactive_anon:2 isolated_anon:0#012 active_file:3 inactive_file:4",
    "Tasks state (memory values in pages):",
    "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
    "[     42]     0    42     1000      500    40960        0             0 stress",
    "Out of memory: Killed process 42 (stress) total-vm:4000kB, anon-rss:2000kB, "
    "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0",
};

typedef struct collected {
	oomsift_event *ev[8];
	int n;
} collected;

static int collect(void *ctx, oomsift_event *ev)
{
	collected *c = ctx;

	if (c->n == 8) {
		oomsift_event_free(ev);
		return OOMSIFT_EABORT;
	}
	c->ev[c->n++] = ev;
	return 0;
}

static void release(collected *c)
{
	for (int i = 0; i < c->n; i++)
		oomsift_event_free(c->ev[i]);
	c->n = 0;
}

/* The report with `eol` after each line, into buf. */
static size_t build(char *buf, size_t cap, const char *eol)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(report) / sizeof(report[0]); i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", report[i], eol);
	return n;
}

static int64_t bag(const oomsift_event *ev, const char *section, const char *key)
{
	for (size_t i = 0; i < ev->nkvs; i++)
		if (strcmp(ev->kvs[i].section, section) == 0 && strcmp(ev->kvs[i].key, key) == 0)
			return ev->kvs[i].value;
	return OOMSIFT_UNSET;
}

static void test_buffer_crlf_and_folded_record(void **state)
{
	char buf[4096];
	collected c = {0};
	oomsift_parse_stats st = {0};
	size_t n = build(buf, sizeof(buf), "\r\n");

	(void)state;
	assert_int_equal(oomsift_parse_buffer(buf, n, "hosts/web7.log", 0, NULL, collect, &c, &st),
	                 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.ev[0]->host, "web7"); /* file name less .log */
	assert_string_equal(c.ev[0]->source, "hosts/web7.log");
	assert_string_equal(c.ev[0]->victim_comm, "stress"); /* no '\r' left */
	assert_int_equal(c.ev[0]->ntasks, 1);
	assert_string_equal(c.ev[0]->tasks[0].name, "stress");
	/* "#012" folded two lines of the Mem-Info record into one */
	assert_int_equal(bag(c.ev[0], "meminfo", "isolated_anon"), 0);
	assert_int_equal(bag(c.ev[0], "meminfo", "active_file"), 3);
	assert_int_equal(st.lines, 8);
	assert_int_equal(st.bytes, n);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.files, 1);
	release(&c);
}

static void test_buffer_nul_padding_and_no_final_newline(void **state)
{
	char buf[8192];
	collected c = {0};
	oomsift_parse_stats st = {0};
	size_t n = build(buf, sizeof(buf), "\n");

	(void)state;
	n--;                      /* the last line has no newline */
	memset(buf + n, 0, 4096); /* and NUL padding follows it */
	assert_int_equal(oomsift_parse_buffer(buf, n + 4096, "x.txt", 0, NULL, collect, &c, &st),
	                 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.ev[0]->host, "x");
	assert_int_equal(c.ev[0]->victim_pid, 42);
	assert_true(oomsift_event_complete(c.ev[0]));
	release(&c);
}

static void test_buffer_long_line_is_cut_and_counted(void **state)
{
	size_t big = OOMSIFT_MAX_LINE * 2;
	char *buf = malloc(big + 4096);
	collected c = {0};
	oomsift_parse_stats st = {0};
	oomsift_parse_opts opts = {.host = "h1"};
	size_t n;

	(void)state;
	memset(buf, 'a', big);
	buf[big] = '\n';
	n = big + 1 + build(buf + big + 1, 4096, "\n");
	assert_int_equal(oomsift_parse_buffer(buf, n, "-", 0, &opts, collect, &c, &st), 0);
	assert_int_equal(st.long_lines, 1);
	assert_int_equal(st.lines, 9);
	assert_int_equal(c.n, 1); /* the report after the long line is whole */
	assert_string_equal(c.ev[0]->host, "h1");
	assert_int_equal(c.ev[0]->line, 2);
	release(&c);
	free(buf);
}

static void test_callback_error_stops(void **state)
{
	char buf[8192];
	collected c = {.n = 8}; /* full: the callback refuses */
	oomsift_parse_stats st = {0};
	size_t n = build(buf, sizeof(buf), "\n");

	(void)state;
	assert_int_equal(oomsift_parse_buffer(buf, n, "x", 0, NULL, collect, &c, &st),
	                 OOMSIFT_EABORT);
}

static void test_host_from_path(void **state)
{
	char out[16];

	(void)state;
	oomsift_host_from_path("/var/log/kern.log", out, sizeof(out));
	assert_string_equal(out, "kern");
	oomsift_host_from_path("web01.txt", out, sizeof(out));
	assert_string_equal(out, "web01");
	oomsift_host_from_path("fleet/db01/messages-20261110", out, sizeof(out));
	assert_string_equal(out, "messages-202611"); /* cut to the buffer */
}

typedef struct walked {
	char paths[8][256];
	int n, errors;
} walked;

static int on_file(void *ctx, const char *path, int err)
{
	walked *w = ctx;

	if (err < 0)
		w->errors++;
	else if (w->n < 8)
		snprintf(w->paths[w->n++], sizeof(w->paths[0]), "%s", strrchr(path, '/') + 1);
	return 0;
}

static void test_walk_sorted_recursive_skips_fifos(void **state)
{
	char dir[] = "/tmp/oomsift-walk-XXXXXX", path[512];
	walked w = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	const char *files[] = {"b.log", "a.log", "sub/c.log"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);

	assert_int_equal(oomsift_input_walk(dir, on_file, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.paths[0], "a.log");
	assert_string_equal(w.paths[1], "b.log");
	assert_string_equal(w.paths[2], "c.log");
	assert_int_equal(w.errors, 0);

	/* Named on the command line, a FIFO or a missing path is an error. */
	assert_int_equal(oomsift_input_walk(path, on_file, &w), 0);
	assert_int_equal(w.errors, 1);
	assert_non_null(strstr(oomsift_error_message(), "not a regular file"));
	snprintf(path, sizeof(path), "%s/missing.log", dir);
	assert_int_equal(oomsift_input_walk(path, on_file, &w), 0);
	assert_int_equal(w.errors, 2);
	assert_non_null(strstr(oomsift_error_message(), "missing.log"));

	const char *rm[] = {"fifo", "a.log", "b.log", "sub/c.log", "sub", ""};
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, rm[i]);
		assert_int_equal(remove(path), 0);
	}
}

/* The cursor stays before an open report, and moves past it once it closed. */
static void test_parser_cursor_skips_open_reports(void **state)
{
	static const char noise[] = "[    5.000000] usb 1-1: new device\n";
	static const char oom[] =
	    "[  100.000000] java invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0\n"
	    "[  100.100000] Out of memory: Killed process 7 (java) total-vm:10kB, "
	    "anon-rss:5kB, file-rss:0kB, shmem-rss:0kB\n";
	static const char later[] = "[  200.000000] eth0: link up\n";
	oomsift_parser_cfg cfg = {.name = "dmesg.txt", .offset = 1000, .line = 40};
	collected c = {0};
	oomsift_parser *p;
	oomsift_cursor cur;
	size_t at = 1000;

	(void)state;
	assert_int_equal(oomsift_parser_new(&p, &cfg, collect, &c), 0);
	assert_int_equal(oomsift_parser_feed(p, noise, strlen(noise)), 0);
	at += strlen(noise);
	oomsift_parser_cursor(p, &cur);
	assert_int_equal(cur.offset, at);
	assert_int_equal(cur.line, 41);
	assert_int_equal(cur.fp, oomsift_cursor_fp(noise, strlen(noise)));
	assert_int_equal(OOMSIFT_CURSOR_FP_LEN(cur.fp), strlen(noise));

	assert_int_equal(oomsift_parser_feed(p, oom, strlen(oom)), 0);
	oomsift_parser_cursor(p, &cur);
	assert_int_equal(cur.offset, at); /* the report is still open */
	at += strlen(oom);

	/* Fed in two pieces: a line may straddle blocks. */
	assert_int_equal(oomsift_parser_feed(p, later, 7), 0);
	assert_int_equal(oomsift_parser_feed(p, later + 7, strlen(later) - 7), 0);
	at += strlen(later);
	oomsift_parser_cursor(p, &cur);
	assert_int_equal(cur.offset, at);
	assert_int_equal(cur.line, 44);
	assert_int_equal(c.n, 1);

	/* A last line without its newline is read but never resumed after. */
	assert_int_equal(oomsift_parser_feed(p, "[  201.0] tail", 14), 0);
	assert_int_equal(oomsift_parser_finish(p), 0);
	oomsift_parser_cursor(p, &cur);
	assert_int_equal(cur.offset, at);
	assert_int_equal(oomsift_parser_stats(p)->lines, 5);
	oomsift_parser_free(p);
	for (int i = 0; i < c.n; i++)
		oomsift_event_free(c.ev[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buffer_crlf_and_folded_record),
	    cmocka_unit_test(test_buffer_nul_padding_and_no_final_newline),
	    cmocka_unit_test(test_buffer_long_line_is_cut_and_counted),
	    cmocka_unit_test(test_callback_error_stops),
	    cmocka_unit_test(test_host_from_path),
	    cmocka_unit_test(test_walk_sorted_recursive_skips_fifos),
	    cmocka_unit_test(test_parser_cursor_skips_open_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
