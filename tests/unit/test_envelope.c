/* Unit tests for parse/envelope.c: every wrapper of kernel-formats.md §2.1-2.3. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dmesg_raw),
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
	    cmocka_unit_test(test_bare_kernel_tag),
	    cmocka_unit_test(test_bare_line),
	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_continuation_inherits_host),
	    cmocka_unit_test(test_indented_first_line_is_bare),
	    cmocka_unit_test(test_year_inference),
	    cmocka_unit_test(test_explicit_year_wins),
	    cmocka_unit_test(test_rfc3164_host_colon_message_with_colon),
	    cmocka_unit_test(test_dmesg_ctime_caller),
	};

	return cmocka_run_group_tests(tests, NULL, free_shared_env);
}
