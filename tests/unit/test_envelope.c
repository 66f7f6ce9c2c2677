/* Unit tests for parse/envelope.c: every wrapper of kernel-formats.md §2.1-2.4. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/envelope.h"

#define assert_dbl_equal(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-6)

/* Compares a (pointer, length) field of a record with a C string. */
#define assert_span_equal(ptr, len, expected)                                                      \
	do {                                                                                       \
		assert_non_null(ptr);                                                              \
		assert_int_equal((len), strlen(expected));                                         \
		assert_memory_equal((ptr), (expected), strlen(expected));                          \
	} while (0)

static oomsift_envelope *env_new(int year, int64_t ref_time)
{
	oomsift_envelope_opts opts = {.year = year, .ref_time = ref_time};
	oomsift_envelope *env = NULL;

	assert_int_equal(oomsift_envelope_new(&env, &opts), 0);
	assert_non_null(env);
	return env;
}

static void parse(oomsift_envelope *env, const char *line, uint64_t lineno, oomsift_record *rec)
{
	oomsift_envelope_parse(env, line, strlen(line), lineno, rec);
	assert_int_equal(rec->lineno, lineno);
}

/* One envelope (year 2023) shared by parse1(): a record points into its
 * envelope, so the envelope must outlive the checks; freed by the teardown. */
static oomsift_envelope *shared_env;

static int free_shared_env(void **state)
{
	(void)state;
	oomsift_envelope_free(shared_env);
	shared_env = NULL;
	return 0;
}

/* One line through the shared envelope; no continuation from earlier lines. */
static void parse1(const char *line, oomsift_record *rec)
{
	oomsift_envelope_free(shared_env);
	shared_env = env_new(2023, 1700000000);
	parse(shared_env, line, 1, rec);
}

/* ---- raw dmesg ---- */

static void test_dmesg_raw(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;
	const char *line = "[  123.456789] msg";

	(void)state;
	parse(env, line, 7, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 123.456789);
	assert_false(rec.has_wall);
	assert_null(rec.host);
	assert_null(rec.ident);
	assert_null(rec.caller);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
	oomsift_envelope_free(env);
}

static void test_dmesg_caller_console(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("[  123.456789][ T4321] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);
	assert_dbl_equal(rec.uptime, 123.456789);
	assert_span_equal(rec.caller, rec.caller_len, "T4321");
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_dmesg_caller_util_linux_240(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("[  123.456789] [   T4321] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 123.456789);
	assert_span_equal(rec.caller, rec.caller_len, "T4321");
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_dmesg_level_prefix(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("<4>[  1.000000] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 1.0);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_dmesg_decode(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("kern  :warn  : [  123.456789] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 123.456789);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

/* ---- dmesg -T ---- */

static void test_dmesg_ctime_english(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("[Sat Jan  7 04:05:06 2023] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1673064306.0); /* 2023-01-07T04:05:06Z */
	assert_false(rec.has_uptime);
	assert_null(rec.host);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_dmesg_ctime_german(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("[Di Aug 12 03:54:03 2025] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1754970843.0); /* 2025-08-12T03:54:03Z */
	assert_span_equal(rec.msg, rec.msg_len, "msg");

	parse1("[Mi Mär 12 03:54:03 2025] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1741751643.0); /* 2025-03-12T03:54:03Z */
}

static void test_dmesg_ctime_unknown_locale(void **state)
{
	oomsift_record rec;

	(void)state;
	/* Russian month name: unreadable, so no wall time, but the prefix is gone. */
	parse1("[Вт авг 12 03:54:03 2025] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_false(rec.has_wall);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_dmesg_ctime_decode(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("kern  :warn  : [Mon Nov 20 10:11:12 2023] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1700475072.0); /* 2023-11-20T10:11:12Z */
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

/* ---- RFC3164 syslog ---- */

static void test_rfc3164_kernel(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("Nov  5 01:02:03 web01 kernel: msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "web01");
	assert_span_equal(rec.ident, rec.ident_len, "kernel");
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1699146123.0); /* 2023-11-05T01:02:03Z */
	assert_false(rec.has_uptime);
	assert_null(rec.caller);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_rfc3164_kernel_timestamp(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("Nov  5 01:02:03 web01 kernel: [123456.789012] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "web01");
	assert_span_equal(rec.ident, rec.ident_len, "kernel");
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1699146123.0);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 123456.789012);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_rfc3164_kernel_timestamp_caller(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("Nov  5 01:02:03 web01 kernel: [123456.789012][ T4321] msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 123456.789012);
	assert_span_equal(rec.caller, rec.caller_len, "T4321");
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_rfc3164_host_colon_no_ident(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("Apr 01 14:13:32 mysrv: msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "mysrv");
	assert_null(rec.ident);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1680358412.0); /* 2023-04-01T14:13:32Z */
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

/* "host: msg" has no tag: a message that starts with "word:" keeps it. */
static void test_rfc3164_host_colon_message_with_colon(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "Apr 01 14:13:32 mysrv: oom_reaper: reaped process 1 (x), now anon-rss:0kB", 1,
	      &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "mysrv");
	assert_null(rec.ident);
	assert_span_equal(rec.msg, rec.msg_len,
	                  "oom_reaper: reaped process 1 (x), now anon-rss:0kB");
	oomsift_envelope_free(env);
}

/* dmesg -T of util-linux >= 2.40 prints the caller id after the time. */
static void test_dmesg_ctime_caller(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "[Sat Jan  7 04:05:06 2023] [ T4321] java invoked oom-killer: x", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_span_equal(rec.caller, rec.caller_len, "T4321");
	assert_span_equal(rec.msg, rec.msg_len, "java invoked oom-killer: x");
	oomsift_envelope_free(env);
}

static void test_rfc3164_facility_level(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("Apr 01 14:13:32 mysrv <kern.warning> kernel: msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "mysrv");
	assert_span_equal(rec.ident, rec.ident_len, "kernel");
	assert_dbl_equal(rec.wall, 1680358412.0);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_rfc3164_other_tag(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("Nov  5 01:02:03 web01 sshd[123]: Accepted publickey for root", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "web01");
	assert_span_equal(rec.ident, rec.ident_len, "sshd");
	assert_span_equal(rec.msg, rec.msg_len, "Accepted publickey for root");
}

static void test_rfc3164_pri(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("<4>Nov 20 10:11:12 web01 kernel: msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_span_equal(rec.host, rec.host_len, "web01");
	assert_span_equal(rec.ident, rec.ident_len, "kernel");
	assert_dbl_equal(rec.wall, 1700475072.0);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

/* The common "host tag[pid]: " shape is read without the regex; these are the
 * edges where the regex's answer must come out all the same. */
static void test_rfc3164_tail_shapes(void **state)
{
	static const struct {
		const char *line, *host, *ident, *msg;
		int64_t pid;
	} cases[] = {
	    {"Nov  5 01:02:03 web01 sshd[12x]: m", "web01", NULL, "sshd[12x]: m", -1},
	    {"Nov  5 01:02:03 web01 sshd[12] m", "web01", NULL, "sshd[12] m", -1},
	    {"Nov  5 01:02:03 web01 sshd[]: m", "web01", NULL, "sshd[]: m", -1},
	    {"Nov  5 01:02:03 web01 cron:m", "web01", "cron", "m", -1},
	    {"Nov  5 01:02:03 web01 cron[7]:m", "web01", "cron", "m", 7},
	    {"Nov  5 01:02:03 web01 cron[7]:  m", "web01", "cron", " m", 7},
	    {"Nov  5 01:02:03 web01 <kern.> kernel: m", "web01", NULL, "<kern.> kernel: m", -1},
	    /* no space after '>': the whole token is the tag */
	    {"Nov  5 01:02:03 web01 <kern.warn>kernel: m", "web01", "<kern.warn>kernel", "m", -1},
	    {"Nov  5 01:02:03 web01 <kern.warn> m x", "web01", NULL, "m x", -1},
	    {"Nov  5 01:02:03 web01 ", "web01", NULL, "", -1},
	    {"Nov  5 01:02:03 web01 sshd", "web01", NULL, "sshd", -1},
	    /* hosts with '[' or ':' take the regex */
	    {"Nov  5 01:02:03 web[1] sshd: m", "web[1]", "sshd", "m", -1},
	    {"Nov  5 01:02:03 sshd[9]: m", NULL, "sshd", "m", 9},
	};
	oomsift_record rec;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse1(cases[i].line, &rec);
		assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
		if (cases[i].host)
			assert_span_equal(rec.host, rec.host_len, cases[i].host);
		else
			assert_null(rec.host);
		if (cases[i].ident)
			assert_span_equal(rec.ident, rec.ident_len, cases[i].ident);
		else
			assert_null(rec.ident);
		assert_int_equal(rec.pid, cases[i].pid);
		assert_int_equal(rec.msg_len, strlen(cases[i].msg));
		assert_memory_equal(rec.msg, cases[i].msg, rec.msg_len);
	}
}

/* ---- bare text and continuation lines ---- */

static void test_bare_kernel_tag(void **state)
{
	oomsift_record rec;

	(void)state;
	parse1("kernel: msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_BARE);
	assert_false(rec.has_uptime);
	assert_false(rec.has_wall);
	assert_span_equal(rec.msg, rec.msg_len, "msg");

	parse1("kernel:msg", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_BARE);
	assert_span_equal(rec.msg, rec.msg_len, "msg");
}

static void test_bare_line(void **state)
{
	oomsift_record rec;
	const char *line = "Out of memory: Killed process 1 (init)";

	(void)state;
	parse1(line, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_BARE);
	assert_ptr_equal(rec.msg, line);
	assert_int_equal(rec.msg_len, strlen(line));
	assert_null(rec.host);
	assert_null(rec.ident);
	assert_false(rec.has_uptime);
	assert_false(rec.has_wall);
}

static void test_continuation(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "[  123.456789] active_anon:1 inactive_anon:2 isolated_anon:0", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);

	parse(env, "                active_file:3 inactive_file:4 isolated_file:0", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_true(rec.has_uptime);
	assert_dbl_equal(rec.uptime, 123.456789);
	assert_span_equal(rec.msg, rec.msg_len, "active_file:3 inactive_file:4 isolated_file:0");

	/* A tab-indented line continues the same record. */
	parse(env, "\t unevictable:0", 3, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_dbl_equal(rec.uptime, 123.456789);
	assert_span_equal(rec.msg, rec.msg_len, "unevictable:0");
	oomsift_envelope_free(env);
}

static void test_continuation_inherits_host(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "Nov  5 01:02:03 web01 kernel: [100.000000] Mem-Info:", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	parse(env, "  active_file:3", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_span_equal(rec.host, rec.host_len, "web01");
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1699146123.0);
	assert_dbl_equal(rec.uptime, 100.0);
	assert_span_equal(rec.msg, rec.msg_len, "active_file:3");
	oomsift_envelope_free(env);
}

static void test_indented_first_line_is_bare(void **state)
{
	oomsift_record rec;

	(void)state;
	/* Nothing to continue: an indented first line is bare text. */
	parse1("   hello", &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_BARE);
	assert_span_equal(rec.msg, rec.msg_len, "hello");
}

/* ---- RFC3164 year inference ---- */

static void test_year_inference(void **state)
{
	/* ref_time = 2024-01-03T00:00:00Z */
	oomsift_envelope *env = env_new(0, 1704240000);
	oomsift_record rec;

	(void)state;
	parse(env, "Dec 31 23:00:00 web01 kernel: msg", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1704063600.0); /* 2023-12-31T23:00:00Z */

	parse(env, "Jan  2 10:00:00 web01 kernel: msg", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_RFC3164);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1704189600.0); /* 2024-01-02T10:00:00Z */
	oomsift_envelope_free(env);
}

static void test_explicit_year_wins(void **state)
{
	oomsift_envelope *env = env_new(2019, 1704240000);
	oomsift_record rec;

	(void)state;
	parse(env, "Dec 31 23:00:00 web01 kernel: msg", 1, &rec);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, 1577833200.0); /* 2019-12-31T23:00:00Z */
	oomsift_envelope_free(env);
}

/* ---- one row per wrapper variant (kernel-formats.md §2.1-2.4) ---- */

/* 2023-11-20T10:11:12Z and 2023-11-05T10:11:12Z */
#define T20 1700475072.0
#define T05 1699179072.0

typedef struct wrapper_row {
	const char *name;
	const char *line;
	/* envelope options: --format forcing, or a sniffed preference */
	bool forced;
	oomsift_wrapper force, prefer;
	/* expected record */
	oomsift_wrapper wrapper;
	const char *host, *ident, *caller, *msg, *boot_id;
	int64_t pid; /* 0 = none (-1 in the record) */
	bool has_wall, subsec;
	double wall;
	bool has_uptime;
	double uptime;
	bool cut;
} wrapper_row;

static const wrapper_row wrapper_rows[] = {
    /* util-linux dmesg */
    {.name = "dmesg raw",
     .line = "[  123.456789] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg -r",
     .line = "<4>[  123.456789] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg -x",
     .line = "kern  :warn  : [  123.456789] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg -x user facility",
     .line = "user  :notice: [    1.000000] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 1.0},
    {.name = "dmesg caller console",
     .line = "[  123.456789][ T4321] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .caller = "T4321",
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg caller util-linux 2.40",
     .line = "[  123.456789] [    C3] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .caller = "C3",
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg task row is no caller id",
     .line = "[  123.456789] [    246]     0   246 x",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "[    246]     0   246 x",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "util-linux caller id needs its space",
     .line = "[  123.456789] [ T1]x",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "[ T1]x",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg -d",
     .line = "[  123.456789 <    0.000012>] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "dmesg -t -d",
     .line = "[<    0.000012>] msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "msg"},
    {.name = "dmesg -T",
     .line = "[Mon Nov 20 10:11:12 2023] msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .wall = T20},
    {.name = "dmesg -T -d",
     .line = "[Mon Nov 20 10:11:12 2023 <    0.000012>] msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .wall = T20},
    {.name = "dmesg -x -T",
     .line = "kern  :err   : [Mon Nov 20 10:11:12 2023] msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .wall = T20},
    {.name = "dmesg --time-format iso",
     .line = "2023-11-20T10:11:12,123456+00:00 msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456},
    {.name = "dmesg --time-format iso, zone +01:00",
     .line = "2023-11-20T11:11:12,123456+01:00 msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456},
    {.name = "dmesg -x --time-format iso",
     .line = "kern  :warn  : 2023-11-20T10:11:12,000001+00:00 word word: msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "word word: msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.000001},
    {.name = "dmesg -e minute",
     .line = "[Nov20 10:11] msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .wall = T20 - 12},
    {.name = "dmesg -e delta without its minute",
     .line = "[  +0.000012] msg",
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg"},

    /* /dev/kmsg */
    {.name = "kmsg",
     .line = "6,1234,5678,-;msg",
     .wrapper = OOMSIFT_WRAP_KMSG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 0.005678},
    {.name = "kmsg caller",
     .line = "4,1234,123456789012,-,caller=T4321;msg",
     .wrapper = OOMSIFT_WRAP_KMSG,
     .caller = "T4321",
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123456.789012},
    {.name = "kmsg continuation flag",
     .line = "12,7,1000000,c;msg",
     .wrapper = OOMSIFT_WRAP_KMSG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 1.0},
    {.name = "kmsg, the largest time stamp",
     .line = "6,1,9223372036854775807,-;msg",
     .wrapper = OOMSIFT_WRAP_KMSG,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 9223372036854.775807},
    /* fuzz/regressions/fuzz_envelope/kmsg-20-digit-usec: overflowed int64 */
    {.name = "kmsg, a time stamp past int64 is no kmsg line",
     .line = "4,2843,12345678947000000000,-,caller=T1;msg",
     .wrapper = OOMSIFT_WRAP_BARE,
     .msg = "4,2843,12345678947000000000,-,caller=T1;msg"},
    {.name = "kmsg escapes",
     .line = "6,1,2,-;a:0\\x0a b:1\\x09\\x5c\\xc3\\xa9",
     .wrapper = OOMSIFT_WRAP_KMSG,
     .msg = "a:0\n b:1\\x09\\\xc3\xa9",
     .has_uptime = true,
     .uptime = 0.000002},

    /* syslog files */
    {.name = "RFC3164",
     .line = "Nov  5 10:11:12 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "RFC3164 pid",
     .line = "Nov  5 10:11:12 web01 sshd[123]: msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .host = "web01",
     .ident = "sshd",
     .pid = 123,
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "RFC3164 without a host",
     .line = "Nov  5 10:11:12 kernel: [ 12.5] msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05,
     .has_uptime = true,
     .uptime = 12.5},
    {.name = "RFC3164 without a host, tag with pid",
     .line = "Nov  5 10:11:12 sshd[123]: msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .ident = "sshd",
     .pid = 123,
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "RFC3164 forwarded <PRI>",
     .line = "<4>Nov 20 10:11:12 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T20},
    {.name = "RFC3164 kernel time stamp",
     .line = "Nov 20 10:11:12 web01 kernel: [ 12.5] msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T20,
     .has_uptime = true,
     .uptime = 12.5},
    {.name = "rsyslog RFC3339",
     .line = "2023-11-20T10:11:12.123456+00:00 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3339,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456},
    {.name = "rsyslog RFC3339 zone +01:00",
     .line = "2023-11-20T11:11:12.5+01:00 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3339,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.5},
    {.name = "rsyslog RFC3339 zone -05:00",
     .line = "2023-11-20T05:11:12.000001-05:00 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3339,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.000001},
    {.name = "RFC3339 zone Z",
     .line = "2023-11-20T10:11:12Z web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3339,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T20},
    {.name = "RFC3339 forwarded <PRI>",
     .line = "<4>2023-11-20T10:11:12.123456+00:00 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3339,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456},
    {.name = "RFC3339 kernel time stamp and caller",
     .line = "2023-11-20T10:11:12.123456+00:00 web01 kernel: [123.456789][ T42] msg",
     .wrapper = OOMSIFT_WRAP_RFC3339,
     .host = "web01",
     .ident = "kernel",
     .caller = "T42",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456,
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "RFC5424 nil values",
     .line = "<4>1 2023-11-20T10:11:12.123456+00:00 web01 kernel - - - msg",
     .wrapper = OOMSIFT_WRAP_RFC5424,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456},
    {.name = "RFC5424 structured data and procid",
     .line = "<30>1 2023-11-20T05:11:12-05:00 web01 systemd 1 ID47 [ex@32473 a=\"x\\\"]y\" "
             "b=\"2\"][timeQuality tzKnown=\"1\"] msg: text",
     .wrapper = OOMSIFT_WRAP_RFC5424,
     .host = "web01",
     .ident = "systemd",
     .pid = 1,
     .msg = "msg: text",
     .has_wall = true,
     .wall = T20},
    {.name = "RFC5424 nil time and host",
     .line = "<4>1 - - - - - - msg",
     .wrapper = OOMSIFT_WRAP_RFC5424,
     .msg = "msg"},
    {.name = "RFC5424 BOM",
     .line = "<4>1 2023-11-20T10:11:12Z web01 kernel - - - \xef\xbb\xbfmsg",
     .wrapper = OOMSIFT_WRAP_RFC5424,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T20},
    {.name = "RFC5424 without a message",
     .line = "<4>1 2023-11-20T10:11:12Z web01 kernel - - -",
     .wrapper = OOMSIFT_WRAP_RFC5424,
     .host = "web01",
     .ident = "kernel",
     .msg = "",
     .has_wall = true,
     .wall = T20},

    /* journalctl text */
    {.name = "journal short",
     .line = "Nov 05 10:11:12 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "journal short, forced",
     .line = "Nov 05 10:11:12 web01 kernel: msg",
     .forced = true,
     .force = OOMSIFT_WRAP_JOURNAL_SHORT,
     .wrapper = OOMSIFT_WRAP_JOURNAL_SHORT,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "journal short-precise",
     .line = "Nov 05 10:11:12.123456 web01 systemd[1]: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_SHORT,
     .host = "web01",
     .ident = "systemd",
     .pid = 1,
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T05 + 0.123456},
    {.name = "journal short-iso +0000",
     .line = "2023-11-05T10:11:12+0000 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_ISO,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "journal short-iso +0100",
     .line = "2023-11-05T11:11:12+0100 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_ISO,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "journal short-iso v255 +00:00, forced",
     .line = "2023-11-05T10:11:12+00:00 web01 kernel: msg",
     .forced = true,
     .force = OOMSIFT_WRAP_JOURNAL_ISO,
     .wrapper = OOMSIFT_WRAP_JOURNAL_ISO,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "journal short-iso-precise",
     .line = "2023-11-05T10:11:12.123456-0130 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_ISO,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T05 + 5400 + 0.123456},
    {.name = "journal short-full",
     .line = "Sun 2023-11-05 10:11:12 UTC web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_FULL,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .wall = T05},
    {.name = "journal short-full CET, precise",
     .line = "Sun 2023-11-05 11:11:12.250000 CET web01 systemd[1]: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_FULL,
     .host = "web01",
     .ident = "systemd",
     .pid = 1,
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T05 + 0.25},
    {.name = "journal short-full unknown zone",
     .line = "Sun 2023-11-05 10:11:12 XYZT web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_FULL,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg"},
    {.name = "journal short-unix --no-hostname",
     .line = "1699179072.123456 systemd[1]: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_UNIX,
     .ident = "systemd",
     .pid = 1,
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T05 + 0.123456},
    {.name = "journal short-unix",
     .line = "1699179072.123456 web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_JOURNAL_UNIX,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T05 + 0.123456},
    {.name = "journal short-monotonic, forced",
     .line = "[  123.456789] web01 kernel: msg",
     .forced = true,
     .force = OOMSIFT_WRAP_JOURNAL_MONO,
     .wrapper = OOMSIFT_WRAP_JOURNAL_MONO,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "journal short-monotonic, sniffed",
     .line = "[  123.456789] web01 systemd[1]: msg",
     .prefer = OOMSIFT_WRAP_JOURNAL_MONO,
     .wrapper = OOMSIFT_WRAP_JOURNAL_MONO,
     .host = "web01",
     .ident = "systemd",
     .pid = 1,
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "journal short-monotonic unsniffed reads as raw dmesg",
     .line = "[  123.456789] web01 kernel: msg",
     .wrapper = OOMSIFT_WRAP_DMESG,
     .msg = "web01 kernel: msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "journal short-delta, sniffed",
     .line = "[  123.456789 <    0.000123 >] web01 kernel: msg",
     .prefer = OOMSIFT_WRAP_JOURNAL_MONO,
     .wrapper = OOMSIFT_WRAP_JOURNAL_MONO,
     .host = "web01",
     .ident = "kernel",
     .msg = "msg",
     .has_uptime = true,
     .uptime = 123.456789},
    {.name = "journal line ellipsized by --no-full",
     .line = "Nov 05 10:11:12 web01 kernel: doxygen invoked oom-killer: gfp_mask=0x140d\xe2\x80\xa6"
             "adj=0",
     .wrapper = OOMSIFT_WRAP_RFC3164,
     .host = "web01",
     .ident = "kernel",
     .msg = "doxygen invoked oom-killer: gfp_mask=0x140d\xe2\x80\xa6"
            "adj=0",
     .has_wall = true,
     .wall = T05,
     .cut = true},
    {.name = "journal boot separator",
     .line = "-- Boot 0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b --",
     .wrapper = OOMSIFT_WRAP_MARK,
     .msg = "-- Boot 0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b --",
     .boot_id = "0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b"},
    {.name = "journal reboot separator",
     .line = "-- Reboot --",
     .wrapper = OOMSIFT_WRAP_MARK,
     .msg = "-- Reboot --"},
    {.name = "journal header <= v245",
     .line = "-- Logs begin at Mon 2023-11-20 10:11:12 UTC, end at Tue 2023-11-21 11:12:13 UTC. "
             "--",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "-- Logs begin at Mon 2023-11-20 10:11:12 UTC, end at Tue 2023-11-21 11:12:13 UTC. "
            "--"},
    {.name = "journal header v246-v249",
     .line = "-- Journal begins at Mon 2023-11-20 10:11:12 UTC, ends at Tue 2023-11-21 11:12:13 "
             "UTC. --",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "-- Journal begins at Mon 2023-11-20 10:11:12 UTC, ends at Tue 2023-11-21 11:12:13 "
            "UTC. --"},
    {.name = "journal no entries",
     .line = "-- No entries --",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "-- No entries --"},
    {.name = "journal cursor",
     .line = "-- cursor: s=5c;i=1a2b;b=0f3b;m=2dfd;t=60a9;x=9c",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "-- cursor: s=5c;i=1a2b;b=0f3b;m=2dfd;t=60a9;x=9c"},
    {.name = "journal notice",
     .line = "Notice: journal has been rotated since unit was started, output may be incomplete.",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "Notice: journal has been rotated since unit was started, output may be incomplete."},
    {.name = "journal warning",
     .line = "Warning: some journal files were not opened due to insufficient permissions.",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "Warning: some journal files were not opened due to insufficient permissions."},
    {.name = "journal hint",
     .line = "Hint: You are currently not seeing messages from other users and the system.",
     .wrapper = OOMSIFT_WRAP_META,
     .msg = "Hint: You are currently not seeing messages from other users and the system."},
    {.name = "kernel warning is no journal line",
     .line = "Warning: unable to open an initial console.",
     .wrapper = OOMSIFT_WRAP_BARE,
     .msg = "Warning: unable to open an initial console."},

    /* --format forcing */
    {.name = "cat forces bare text",
     .line = "[  123.456789] msg",
     .forced = true,
     .force = OOMSIFT_WRAP_BARE,
     .wrapper = OOMSIFT_WRAP_BARE,
     .msg = "[  123.456789] msg"},
    {.name = "forced dmesg does not read syslog",
     .line = "Nov  5 10:11:12 web01 kernel: msg",
     .forced = true,
     .force = OOMSIFT_WRAP_DMESG,
     .wrapper = OOMSIFT_WRAP_BARE,
     .msg = "Nov  5 10:11:12 web01 kernel: msg"},
    {.name = "forced dmesg-t reads dmesg --time-format iso",
     .line = "2023-11-20T10:11:12,123456+00:00 msg",
     .forced = true,
     .force = OOMSIFT_WRAP_DMESG_T,
     .wrapper = OOMSIFT_WRAP_DMESG_T,
     .msg = "msg",
     .has_wall = true,
     .subsec = true,
     .wall = T20 + 0.123456},
    {.name = "forced syslog keeps journal markers",
     .line = "-- Reboot --",
     .forced = true,
     .force = OOMSIFT_WRAP_RFC3164,
     .wrapper = OOMSIFT_WRAP_MARK,
     .msg = "-- Reboot --"},
};

/* A (pointer, length) field against an expected C string; NULL = absent. */
static void check_span(const char *row, const char *what, const char *ptr, size_t len,
                       const char *want)
{
	if (!want) {
		if (ptr)
			fail_msg("%s: %s: expected none, got '%.*s'", row, what, (int)len, ptr);
		return;
	}
	if (!ptr || len != strlen(want) || memcmp(ptr, want, len) != 0)
		fail_msg("%s: %s: expected '%s', got '%.*s'", row, what, want, ptr ? (int)len : 6,
		         ptr ? ptr : "(none)");
}

static void check_row(const wrapper_row *r, const oomsift_record *rec)
{
	if (rec->wrapper != r->wrapper)
		fail_msg("%s: wrapper %d, expected %d", r->name, rec->wrapper, r->wrapper);
	check_span(r->name, "host", rec->host, rec->host_len, r->host);
	check_span(r->name, "ident", rec->ident, rec->ident_len, r->ident);
	check_span(r->name, "caller", rec->caller, rec->caller_len, r->caller);
	check_span(r->name, "msg", rec->msg, rec->msg_len, r->msg);
	check_span(r->name, "boot_id", rec->boot_id, rec->boot_id_len, r->boot_id);
	if (rec->pid != (r->pid ? r->pid : -1))
		fail_msg("%s: pid %lld", r->name, (long long)rec->pid);
	if (rec->has_wall != r->has_wall || (r->has_wall && fabs(rec->wall - r->wall) > 1e-6))
		fail_msg("%s: wall %d %.6f, expected %d %.6f", r->name, rec->has_wall, rec->wall,
		         r->has_wall, r->wall);
	if (r->has_wall && rec->wall_subsec != r->subsec)
		fail_msg("%s: wall_subsec %d", r->name, rec->wall_subsec);
	if (rec->has_uptime != r->has_uptime ||
	    (r->has_uptime && fabs(rec->uptime - r->uptime) > 1e-6))
		fail_msg("%s: uptime %d %.6f, expected %d %.6f", r->name, rec->has_uptime,
		         rec->uptime, r->has_uptime, r->uptime);
	if (rec->cut != r->cut)
		fail_msg("%s: cut %d", r->name, rec->cut);
}

static void test_wrapper_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wrapper_rows) / sizeof(wrapper_rows[0]); i++) {
		const wrapper_row *r = &wrapper_rows[i];
		oomsift_envelope_opts opts = {.year = 2023,
		                              .ref_time = 1700000000,
		                              .forced = r->forced,
		                              .force = r->force,
		                              .prefer = r->prefer};
		oomsift_envelope *env = NULL;
		oomsift_record rec;

		assert_int_equal(oomsift_envelope_new(&env, &opts), 0);
		oomsift_envelope_parse(env, r->line, strlen(r->line), 1, &rec);
		check_row(r, &rec);
		oomsift_envelope_free(env);
	}
}

/* ---- sequences: what one line leaves for the next ---- */

static void test_kmsg_dictionary_lines(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "6,1,1000000,-;usb 1-4: new high-speed USB device", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_KMSG);
	parse(env, " SUBSYSTEM=usb", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_META);
	parse(env, " DEVICE=c189:8", 3, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_META);
	/* After raw dmesg the same text is an indented continuation. */
	parse(env, "[    1.000000] Mem-Info:", 4, &rec);
	parse(env, " SUBSYSTEM=usb", 5, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	oomsift_envelope_free(env);
}

static void test_journal_boot_id_and_mark_host(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "Nov 05 10:11:12 web01 kernel: before", 1, &rec);
	assert_null(rec.boot_id);
	parse(env, "-- Boot 7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f --", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_MARK);
	/* The separator ends the boot of the host of the line before it. */
	assert_span_equal(rec.host, rec.host_len, "web01");
	parse(env, "Nov 05 10:11:13 web01 kernel: Mem-Info:", 3, &rec);
	assert_span_equal(rec.boot_id, rec.boot_id_len, "7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f");
	parse(env, "                               active_file:29", 4, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_span_equal(rec.boot_id, rec.boot_id_len, "7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f");
	/* A boot without an id (journalctl <= v246): the id is unknown again. */
	parse(env, "-- Reboot --", 5, &rec);
	parse(env, "Nov 05 10:11:14 web01 kernel: after", 6, &rec);
	assert_null(rec.boot_id);
	oomsift_envelope_free(env);
}

static void test_journal_dropped_lines_cut(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "Nov 15 18:17:36 arch01 kernel: active_anon:1 inactive_anon:2 isolated_anon:0",
	      1, &rec);
	parse(env, "                               active_file:29 inactive_file:186", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_false(rec.cut);
	/* --no-full keeps three lines and ends the last one with "...". */
	parse(env, "                               unevictable:2047 dirty:56 writeback:20...", 3,
	      &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_CONTINUATION);
	assert_true(rec.cut);
	/* Raw dmesg continuation lines are never pager output. */
	parse(env, "[    1.000000] Mem-Info:", 4, &rec);
	parse(env, "                a...", 5, &rec);
	assert_false(rec.cut);
	oomsift_envelope_free(env);
}

static void test_dmesg_reltime_keeps_minute(void **state)
{
	oomsift_envelope *env = env_new(2023, 1700000000);
	oomsift_record rec;

	(void)state;
	parse(env, "[Nov20 10:11] doxygen invoked oom-killer: x", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_dbl_equal(rec.wall, T20 - 12);
	parse(env, "[  +0.000023] CPU: 3 PID: 473206", 2, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG_T);
	assert_true(rec.has_wall);
	assert_dbl_equal(rec.wall, T20 - 12);
	assert_false(rec.wall_subsec);
	assert_span_equal(rec.msg, rec.msg_len, "CPU: 3 PID: 473206");
	parse(env, "[Nov20 10:12] next", 3, &rec);
	assert_dbl_equal(rec.wall, T20 + 48);
	oomsift_envelope_free(env);
}

static void test_prefer_falls_back(void **state)
{
	oomsift_envelope_opts opts = {
	    .year = 2023, .ref_time = 1700000000, .prefer = OOMSIFT_WRAP_JOURNAL_MONO};
	oomsift_envelope *env = NULL;
	oomsift_record rec;

	(void)state;
	assert_int_equal(oomsift_envelope_new(&env, &opts), 0);
	/* A raw dmesg line in a file sniffed as short-monotonic is still read. */
	parse(env, "[  123.456789] Out of memory: Killed process 1 (x)", 1, &rec);
	assert_int_equal(rec.wrapper, OOMSIFT_WRAP_DMESG);
	assert_span_equal(rec.msg, rec.msg_len, "Out of memory: Killed process 1 (x)");
	oomsift_envelope_free(env);
}

static void test_record_next_break(void **state)
{
	const char *msg = "a:0#012 b:1\n c:2";
	const char *p;
	size_t width = 0;

	(void)state;
	p = oomsift_record_next_break(msg, strlen(msg), &width);
	assert_ptr_equal(p, msg + 3);
	assert_int_equal(width, 4);
	p = oomsift_record_next_break(msg + 7, strlen(msg + 7), &width);
	assert_ptr_equal(p, msg + 11);
	assert_int_equal(width, 1);
	assert_null(oomsift_record_next_break(msg + 12, strlen(msg + 12), &width));
	/* A newline before a "#012" comes first. */
	p = oomsift_record_next_break("x\ny#012", 7, &width);
	assert_int_equal(width, 1);
	assert_null(oomsift_record_next_break("", 0, &width));
}

/* A line that starts with the header of the line before it is read from
 * the header on: what follows is read as a fresh envelope reads it (the
 * kernel time stamp, a caller id, the space after "tag:"). */
static void test_header_reuse_reads_rest(void **state)
{
	static const char *const pairs[][2] = {
	    {"Jan  8 00:01:45 node014 kernel: [1309259.737184] a",
	     "Jan  8 00:01:45 node014 kernel: [1309259.737190] b"},
	    {"Jan  8 00:01:45 node014 kernel: [1.0] [ T12] a",
	     "Jan  8 00:01:45 node014 kernel: [1.0] b"},
	    {"Jan  8 00:01:45 node014 kernel: a", "Jan  8 00:01:45 node014 kernel: [5.25] [ T1] b"},
	    {"Jan  8 00:01:45 node014 kernel:a", "Jan  8 00:01:45 node014 kernel: b"},
	    {"Jan  8 00:01:45 node014 sshd[12]: a", "Jan  8 00:01:45 node014 sshd[12]: [x] b"},
	    {"Jan  8 00:01:45 node014 sshd[12]: a", "Jan  8 00:01:45 node014 sshd[12]: "},
	    {"Jan  8 00:01:45 node014 foo bar", "Jan  8 00:01:45 node014 foo: bar"},
	    {"2026-01-08T00:01:45.123+00:00 node014 kernel: [2.5] a",
	     "2026-01-08T00:01:45.123+00:00 node014 kernel: [2.75] b \xe2\x80\xa6"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		oomsift_envelope *seq = env_new(2026, 0), *fresh = env_new(2026, 0);
		oomsift_record a, b;

		parse(seq, pairs[i][0], 1, &a);
		parse(seq, pairs[i][1], 2, &a);
		parse(fresh, pairs[i][1], 2, &b);
		assert_int_equal(a.wrapper, b.wrapper);
		assert_int_equal(a.msg_len, b.msg_len);
		assert_memory_equal(a.msg, b.msg, b.msg_len);
		assert_int_equal(a.host_len, b.host_len);
		if (b.host)
			assert_memory_equal(a.host, b.host, b.host_len);
		assert_int_equal(a.ident_len, b.ident_len);
		if (b.ident)
			assert_memory_equal(a.ident, b.ident, b.ident_len);
		assert_int_equal(a.caller_len, b.caller_len);
		if (b.caller)
			assert_memory_equal(a.caller, b.caller, b.caller_len);
		assert_int_equal(a.has_uptime, b.has_uptime);
		assert_true(a.uptime == b.uptime);
		assert_int_equal(a.has_wall, b.has_wall);
		assert_true(a.wall == b.wall);
		assert_int_equal(a.pid, b.pid);
		assert_int_equal(a.cut, b.cut);
		oomsift_envelope_free(seq);
		oomsift_envelope_free(fresh);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dmesg_raw),
	    cmocka_unit_test(test_header_reuse_reads_rest),
	    cmocka_unit_test(test_dmesg_caller_console),
	    cmocka_unit_test(test_dmesg_caller_util_linux_240),
	    cmocka_unit_test(test_dmesg_level_prefix),
	    cmocka_unit_test(test_dmesg_decode),
	    cmocka_unit_test(test_dmesg_ctime_english),
	    cmocka_unit_test(test_dmesg_ctime_german),
	    cmocka_unit_test(test_dmesg_ctime_unknown_locale),
	    cmocka_unit_test(test_dmesg_ctime_decode),
	    cmocka_unit_test(test_rfc3164_kernel),
	    cmocka_unit_test(test_rfc3164_kernel_timestamp),
	    cmocka_unit_test(test_rfc3164_kernel_timestamp_caller),
	    cmocka_unit_test(test_rfc3164_host_colon_no_ident),
	    cmocka_unit_test(test_rfc3164_facility_level),
	    cmocka_unit_test(test_rfc3164_other_tag),
	    cmocka_unit_test(test_rfc3164_pri),
	    cmocka_unit_test(test_rfc3164_tail_shapes),
	    cmocka_unit_test(test_bare_kernel_tag),
	    cmocka_unit_test(test_bare_line),
	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_continuation_inherits_host),
	    cmocka_unit_test(test_indented_first_line_is_bare),
	    cmocka_unit_test(test_year_inference),
	    cmocka_unit_test(test_explicit_year_wins),
	    cmocka_unit_test(test_rfc3164_host_colon_message_with_colon),
	    cmocka_unit_test(test_dmesg_ctime_caller),
	    cmocka_unit_test(test_wrapper_table),
	    cmocka_unit_test(test_kmsg_dictionary_lines),
	    cmocka_unit_test(test_journal_boot_id_and_mark_host),
	    cmocka_unit_test(test_journal_dropped_lines_cut),
	    cmocka_unit_test(test_dmesg_reltime_keeps_minute),
	    cmocka_unit_test(test_prefer_falls_back),
	    cmocka_unit_test(test_record_next_break),
	};

	return cmocka_run_group_tests(tests, NULL, free_shared_env);
}
