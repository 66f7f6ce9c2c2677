/* --since/--until and --week: include/oomsift/timespec.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/error.h"
#include "oomsift/timespec.h"

/* Saturday 2026-11-21T22:00:00Z */
#define NOW 1795298400

static const struct {
	const char *text;
	int64_t want;
} good[] = {
    {"2026-11-01", 1793491200},
    {"2026-11-01T08:30", 1793521800},
    {"2026-11-01 08:30:15", 1793521815},
    {"2026-11-01T08:30:15Z", 1793521815},
    {"2026-11-01T08:30:15.123456Z", 1793521815},
    {"2026-11-01T10:30:15+02:00", 1793521815},
    {"2026-11-01T03:30:15-05:00", 1793521815},
    {"@1762000000", 1762000000},
    {"now", NOW},
    {"today", NOW - 22 * 3600},
    {"yesterday", NOW - 22 * 3600 - 86400},
    {"7d", NOW - 7 * 86400},
    {"36h", NOW - 36 * 3600},
    {"90m", NOW - 90 * 60},
    {"45s", NOW - 45},
    {"2w", NOW - 14 * 86400},
    {"2 weeks ago", NOW - 14 * 86400},
    {"3 days ago", NOW - 3 * 86400},
    {"1 hour ago", NOW - 3600},
    {"10 minutes ago", NOW - 600},
    {"1 day", NOW - 86400},
};

static const char *const bad[] = {
    "",     "2026-13-01",    "2026-11-01T25:00", "2026-11-01T08:30:15+2",
    "7x",   "two weeks ago", "2026-11-01junk",   "@",
    "@12x", "-3d",           "3 days later",     "2026-1-1",
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t t = 0;
		if (oomsift_time_parse(good[i].text, NOW, &t) != 0 || t != good[i].want)
			fail_msg("'%s': got %lld, want %lld (%s)", good[i].text, (long long)t,
			         (long long)good[i].want, oomsift_error_message());
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t t;
		if (oomsift_time_parse(bad[i], NOW, &t) != OOMSIFT_EINVAL)
			fail_msg("'%s' should be refused", bad[i]);
		assert_non_null(strstr(oomsift_error_message(), "cannot read the time"));
	}
}

static void test_isoweek(void **state)
{
	int64_t s, e;
	char label[16];

	(void)state;
	/* 2026-W47 is Monday 2026-11-16 to Monday 2026-11-23 */
	assert_int_equal(oomsift_isoweek_parse("2026-W47", &s, &e), 0);
	assert_int_equal(s, 1794787200);
	assert_int_equal(e, 1794787200 + 7 * 86400);
	assert_int_equal(oomsift_isoweek_parse("2026w47", &s, &e), 0);
	assert_int_equal(s, 1794787200);
	/* 2026-W01 starts on 2025-12-29; 2020 has 53 weeks, 2021 not */
	assert_int_equal(oomsift_isoweek_parse("2026-W01", &s, &e), 0);
	assert_int_equal(s, 1766966400);
	assert_int_equal(oomsift_isoweek_parse("2020-W53", &s, &e), 0);
	assert_int_equal(oomsift_isoweek_parse("2021-W53", &s, &e), OOMSIFT_EINVAL);
	assert_int_equal(oomsift_isoweek_parse("2026-W00", &s, &e), OOMSIFT_EINVAL);
	assert_int_equal(oomsift_isoweek_parse("2026-47", &s, &e), OOMSIFT_EINVAL);
	assert_int_equal(oomsift_isoweek_parse("2026-W47x", &s, &e), OOMSIFT_EINVAL);
	oomsift_isoweek_of(NOW, label, sizeof(label), &s, &e);
	assert_string_equal(label, "2026-W47");
	assert_int_equal(s, 1794787200);
	/* 2025-12-30 is in 2026-W01; 2021-01-01 in 2020-W53 */
	oomsift_isoweek_of(1767052800, label, sizeof(label), &s, &e);
	assert_string_equal(label, "2026-W01");
	oomsift_isoweek_of(1609459200, label, sizeof(label), &s, &e);
	assert_string_equal(label, "2020-W53");
	oomsift_isoweek_last_complete(NOW, label, sizeof(label), &s, &e);
	assert_string_equal(label, "2026-W46");
	assert_int_equal(e, 1794787200);
	/* on a Monday at 00:00 the week before is the last complete one */
	oomsift_isoweek_last_complete(1794787200, label, sizeof(label), &s, &e);
	assert_string_equal(label, "2026-W46");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_isoweek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
