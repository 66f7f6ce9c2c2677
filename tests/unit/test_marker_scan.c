/* The fast path's scanner, and the fast path against reading every line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/input.h"
#include "parse/marker_scan.h"
#include "parse/newlines.h"

static void finds_every_needle_at_its_place(void **state)
{
	marker_scan *ms = marker_scan_new();
	char text[512];

	(void)state;
	assert_non_null(ms);
	for (size_t i = 0; marker_scan_needles[i].s; i++) {
		int at = snprintf(text, sizeof(text), "Nov  5 01:02:03 web1 app[1]: x ");
		snprintf(text + at, sizeof(text) - (size_t)at, "%s tail", marker_scan_needles[i].s);
		assert_ptr_equal(marker_scan_next(ms, text, text + strlen(text)), text + at);
		/* cut one byte short: not found */
		assert_null(
		    marker_scan_next(ms, text, text + at + strlen(marker_scan_needles[i].s) - 1));
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

/* Teddy's fingerprint must lie inside its needle. */
static void fingerprints_lie_inside_their_needles(void **state)
{
	(void)state;
	for (size_t i = 0; marker_scan_needles[i].s; i++)
		assert_true(marker_scan_needles[i].fp + 4u <= strlen(marker_scan_needles[i].s));
}

/* A deterministic text of needle fragments, whole needles and log words, so
 * that fingerprints match often and needles overlap and touch. */
static size_t make_near_misses(char *b, size_t cap, unsigned seed)
{
	static const char *words[] = {"service ", "will ", "in ",  "oom", "OOM ", "Kill",
	                              "-- ",      "\n",    "vmal", "9/K", "ager", "x"};
	size_t n = 0, nn = 0;

	while (marker_scan_needles[nn].s)
		nn++;
	while (n + 64 < cap) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 16;
		const char *w;
		size_t len;
		if (r % 7 == 0) {
			w = marker_scan_needles[r / 7 % nn].s;
			len = strlen(w);
			if (r % 3 == 0)
				len -= 1 + r / 21 % (len - 1); /* a cut needle */
		} else {
			w = words[r % (sizeof(words) / sizeof(words[0]))];
			len = strlen(w);
		}
		memcpy(b + n, w, len);
		n += len;
	}
	return n;
}

/* Every occurrence, in order, is the same from both engines, from every
 * start and with every end. */
static void engines_agree(void **state)
{
	marker_scan *teddy = marker_scan_new_engine(MARKER_SCAN_TEDDY);
	marker_scan *wm = marker_scan_new_engine(MARKER_SCAN_WU_MANBER);
	marker_scan *any = marker_scan_new();
	static char text[1 << 16];
	size_t found = 0;

	(void)state;
	assert_non_null(wm);
	assert_non_null(any);
	assert_int_not_equal(marker_scan_engine_of(any), MARKER_SCAN_AUTO);
	if (!teddy) { /* no AVX2 here: the portable engine runs alone */
		assert_int_equal(marker_scan_engine_of(any), MARKER_SCAN_WU_MANBER);
		skip();
	}
	for (unsigned seed = 1; seed <= 4; seed++) {
		size_t n = make_near_misses(text, sizeof(text), seed);
		for (size_t at = 0; at < n; at += 1 + at % 5) {
			const char *end = text + n - at % 37;
			const char *a = marker_scan_next(teddy, text + at, end);
			const char *b = marker_scan_next(wm, text + at, end);
			assert_ptr_equal(a, b);
			found += a != NULL;
		}
	}
	assert_true(found > 1000);
	marker_scan_free(teddy);
	marker_scan_free(wm);
	marker_scan_free(any);
}

/* Lines of every length around the 32-byte rounds and the cap. */
static void newline_counts_agree(void **state)
{
	static char text[1 << 16];
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 200; round++) {
		size_t n = 0, max = 64 + (size_t)round % 90;
		while (n < sizeof(text) / 8) {
			seed = seed * 1103515245u + 12345u;
			size_t len = (seed >> 16) % (round % 10 ? max : 2 * max);
			memset(text + n, 'a', len);
			n += len;
			text[n++] = '\n';
		}
		for (size_t start = 0; start < 40; start += 13) {
			/* start on a line start, as the parser does */
			const char *s = start ? memchr(text + start, '\n', n - start) + 1 : text;
			for (size_t cut = 0; cut < 70; cut += 23) {
				const char *a1, *a2;
				size_t c1 = newlines_count(s, text + n - cut, max, &a1, false);
				size_t c2 = newlines_count(s, text + n - cut, max, &a2, true);
				assert_int_equal(c1, c2);
				assert_ptr_equal(a1, a2);
			}
		}
	}
}

static void newline_count_stops_before_a_long_line(void **state)
{
	char text[300];
	const char *after;

	(void)state;
	memset(text, 'x', sizeof(text));
	memcpy(text, "ab\ncd\n", 6);
	text[6 + 100] = '\n'; /* a line of 100 bytes */
	text[6 + 101 + 40] = '\n';
	assert_int_equal(newlines_count(text, text + sizeof(text), 99, &after, false), 2);
	assert_ptr_equal(after, text + 6);
	assert_int_equal(newlines_count(text, text + sizeof(text), 100, &after, false), 4);
	assert_ptr_equal(after, text + 6 + 101 + 41);
	assert_int_equal(newlines_count(text, text + 5, 100, &after, false), 1);
	assert_ptr_equal(after, text + 3);
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

/* Feeds data in blocks of 64 KiB, then ends the input. */
static void feed_all(oomsift_parser *p, const char *data, size_t len)
{
	for (size_t at = 0; at < len; at += 65536)
		assert_int_equal(
		    oomsift_parser_feed(p, data + at, len - at < 65536 ? len - at : 65536), 0);
	assert_int_equal(oomsift_parser_finish(p), 0);
}

static void run(const char *data, size_t len, bool every_line, seen *s, oomsift_cursor *c,
                uint64_t *lines)
{
	oomsift_parser_cfg cfg = {.name = "web.log", .year = 2026, .every_line = every_line};
	oomsift_parser *p;

	assert_int_equal(oomsift_parser_new(&p, &cfg, keep, s), 0);
	feed_all(p, data, len);
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

typedef struct linked {
	size_t n;
	int kinds[4];
	char units[4][64];
} linked;

static int keep_linked(void *ctx, oomsift_event *ev)
{
	linked *l = ctx;

	if (l->n < 4) {
		l->kinds[l->n] = (int)ev->kind;
		snprintf(l->units[l->n], sizeof(l->units[0]), "%s", ev->unit ? ev->unit : "");
	}
	l->n++;
	oomsift_event_free(ev);
	return 0;
}

/* A kill on web0, then 2 MiB of noise from web0 and web1 (one line a 100 ms),
 * with systemd's notice for the kill `notice_s` seconds after it. */
static char *make_held_input(int notice_s, size_t *len)
{
	size_t cap = 3u << 20, n = 0;
	char *b = malloc(cap);
	bool noticed = false;

	assert_non_null(b);
	n += (size_t)sprintf(
	    b + n, "Nov  5 00:00:00 web0 kernel: [ 100.000001] php invoked oom-killer: "
	           "gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	           "Nov  5 00:00:00 web0 kernel: [ 100.000002] oom-kill:constraint=CONSTRAINT_NONE,"
	           "nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/"
	           "php.service,task=php,pid=4242,uid=33\n"
	           "Nov  5 00:00:00 web0 kernel: [ 100.000003] Out of memory: Killed process 4242 "
	           "(php) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:33 "
	           "pgtables:4kB oom_score_adj:0\n");
	for (unsigned i = 0; n < (2u << 20); i++) {
		unsigned t = i / 10;
		if (!noticed && t >= (unsigned)notice_s) {
			n += (size_t)sprintf(
			    b + n,
			    "Nov  5 00:%02u:%02u web0 systemd[1]: php.service: A process "
			    "of this unit has been killed by the OOM killer.\n",
			    t / 60 % 60, t % 60);
			noticed = true;
		}
		n += (size_t)sprintf(b + n, "Nov  5 %02u:%02u:%02u web%u sshd[%u]: Accepted key\n",
		                     t / 3600, t / 60 % 60, t % 60, i % 2, i);
	}
	*len = n;
	return b;
}

static void run_linked(const char *data, size_t len, bool every_line, linked *l)
{
	oomsift_parser_cfg cfg = {.name = "web.log", .year = 2026, .every_line = every_line};
	oomsift_parser *p;

	assert_int_equal(oomsift_parser_new(&p, &cfg, keep_linked, l), 0);
	feed_all(p, data, len);
	oomsift_parser_free(p);
}

/* While the kill is held, the fast path passes over the noise: a notice
 * within the hold still links to the kill, one after it stands alone, as
 * when every line is read. */
static void held_event_links_as_every_line(void **state)
{
	(void)state;
	for (int notice_s = 5; notice_s <= 60; notice_s += 55) {
		size_t len;
		char *data = make_held_input(notice_s, &len);
		linked fast = {0}, full = {0};

		run_linked(data, len, false, &fast);
		run_linked(data, len, true, &full);
		assert_int_equal(full.n, notice_s < 15 ? 1 : 2);
		assert_int_equal(fast.n, full.n);
		for (size_t i = 0; i < full.n; i++) {
			assert_int_equal(fast.kinds[i], full.kinds[i]);
			assert_string_equal(fast.units[i], full.units[i]);
		}
		if (notice_s < 15)
			assert_string_equal(full.units[0], "php.service");
		free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_every_needle_at_its_place),
	    cmocka_unit_test(finds_the_first_and_nothing_in_noise),
	    cmocka_unit_test(fingerprints_lie_inside_their_needles),
	    cmocka_unit_test(engines_agree),
	    cmocka_unit_test(newline_counts_agree),
	    cmocka_unit_test(newline_count_stops_before_a_long_line),
	    cmocka_unit_test(fast_path_reads_as_every_line),
	    cmocka_unit_test(held_event_links_as_every_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
