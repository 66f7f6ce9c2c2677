/* The fast path's scanner, and the fast path against reading every line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/input.h"
#include "parse/marker_scan.h"

static void finds_every_needle_at_its_place(void **state)
{
	marker_scan *ms = marker_scan_new();
	char text[512];

	(void)state;
	assert_non_null(ms);
	for (size_t i = 0; marker_scan_needles[i]; i++) {
		int at = snprintf(text, sizeof(text), "Nov  5 01:02:03 web1 app[1]: x ");
		snprintf(text + at, sizeof(text) - (size_t)at, "%s tail", marker_scan_needles[i]);
		assert_ptr_equal(marker_scan_next(ms, text, text + strlen(text)), text + at);
		/* cut one byte short: not found */
		assert_null(
		    marker_scan_next(ms, text, text + at + strlen(marker_scan_needles[i]) - 1));
	}
	marker_scan_free(ms);
}

static void finds_the_first_and_nothing_in_noise(void **state)
{
	marker_scan *ms = marker_scan_new();
	const char *noise = "Nov  5 01:02:03 web1 sshd[12]: Accepted publickey for deploy\n"
	                    "Nov  5 01:02:04 web1 CRON[13]: (root) CMD (run-parts)\n";
	const char *two = "a oom_reaper: b invoked oom-killer: c";

	(void)state;
	assert_non_null(ms);
	assert_null(marker_scan_next(ms, noise, noise + strlen(noise)));
	assert_ptr_equal(marker_scan_next(ms, two, two + strlen(two)), two + 2);
	marker_scan_free(ms);
}

typedef struct seen {
	size_t n;
	uint64_t lines[8];
	int64_t pids[8];
} seen;

static int keep(void *ctx, oomsift_event *ev)
{
	seen *s = ctx;

	if (s->n < 8) {
		s->lines[s->n] = ev->line;
		s->pids[s->n] = ev->victim_pid;
	}
	s->n++;
	oomsift_event_free(ev);
	return 0;
}

/* 2 MiB of syslog noise from two hosts with a report in the middle and one
 * near the end, fed in blocks of 64 KiB, read fast and read line by line. */
static char *make_input(size_t *len)
{
	size_t cap = 3u << 20, n = 0;
	char *b = malloc(cap);
	const char *report[] = {
	    "kernel: [ 5000.000001] php invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
	    "oom_score_adj=0",
	    "kernel: [ 5000.000002] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
	    "mems_allowed=0,global_oom,task_memcg=/,task=php,pid=4242,uid=33",
	    "kernel: [ 5000.000003] Out of memory: Killed process 4242 (php) total-vm:100kB, "
	    "anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:4kB oom_score_adj:0",
	};

	assert_non_null(b);
	for (unsigned i = 0; n < (2u << 20); i++) {
		unsigned s = i / 50;
		n += (size_t)sprintf(b + n, "Nov  5 %02u:%02u:%02u web%u sshd[%u]: Accepted key\n",
		                     s / 3600, s / 60 % 60, s % 60, i % 2, i);
		if (i == 20000 || i == 40000)
			for (size_t k = 0; k < 3; k++)
				n += (size_t)sprintf(b + n, "Nov  5 %02u:%02u:%02u web%u %s\n",
				                     s / 3600, s / 60 % 60, s % 60, i % 2,
				                     report[k]);
	}
	*len = n;
	return b;
}

static void run(const char *data, size_t len, bool every_line, seen *s, oomsift_cursor *c,
                uint64_t *lines)
{
	oomsift_parser_cfg cfg = {.name = "web.log", .year = 2026, .every_line = every_line};
	oomsift_parser *p;

	assert_int_equal(oomsift_parser_new(&p, &cfg, keep, s), 0);
	for (size_t at = 0; at < len; at += 65536)
		assert_int_equal(
		    oomsift_parser_feed(p, data + at, len - at < 65536 ? len - at : 65536), 0);
	assert_int_equal(oomsift_parser_finish(p), 0);
	oomsift_parser_cursor(p, c);
	*lines = oomsift_parser_stats(p)->lines;
	oomsift_parser_free(p);
}

static void fast_path_reads_as_every_line(void **state)
{
	size_t len;
	char *data = make_input(&len);
	seen fast = {0}, full = {0};
	oomsift_cursor cf, cs;
	uint64_t lf, ls;

	(void)state;
	run(data, len, false, &fast, &cf, &lf);
	run(data, len, true, &full, &cs, &ls);
	assert_int_equal(full.n, 2);
	assert_int_equal(fast.n, full.n);
	for (size_t i = 0; i < full.n; i++) {
		assert_int_equal(fast.lines[i], full.lines[i]);
		assert_int_equal(fast.pids[i], full.pids[i]);
	}
	assert_int_equal(full.pids[0], 4242);
	assert_int_equal(lf, ls);
	assert_int_equal(cf.offset, cs.offset);
	assert_int_equal(cf.line, cs.line);
	assert_int_equal(cf.fp, cs.fp);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_every_needle_at_its_place),
	    cmocka_unit_test(finds_the_first_and_nothing_in_noise),
	    cmocka_unit_test(fast_path_reads_as_every_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
