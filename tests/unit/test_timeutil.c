/* Unit tests for common/timeutil.c: civil <-> unix, month names, ISO output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/timeutil.h"

/* Converts both ways and checks every field of the round trip. */
static void check_round_trip(int y, int mo, int d, int h, int mi, int s, int64_t expected)
{
	int64_t t = oomsift_civil_to_unix(y, mo, d, h, mi, s);
	int ry, rmo, rd, rh, rmi, rs;

	assert_int_equal(t, expected);
	oomsift_unix_to_civil(t, &ry, &rmo, &rd, &rh, &rmi, &rs);
	assert_int_equal(ry, y);
	assert_int_equal(rmo, mo);
	assert_int_equal(rd, d);
	assert_int_equal(rh, h);
	assert_int_equal(rmi, mi);
	assert_int_equal(rs, s);
}

static void test_epoch(void **state)
{
	(void)state;
	check_round_trip(1970, 1, 1, 0, 0, 0, 0);
	check_round_trip(1970, 1, 1, 0, 0, 1, 1);
	check_round_trip(1970, 1, 2, 0, 0, 0, 86400);
}

static void test_leap_day_2000(void **state)
{
	(void)state;
	/* 2000 is a leap year (divisible by 400). */
	check_round_trip(2000, 2, 29, 12, 34, 56, 951827696);
	check_round_trip(2000, 3, 1, 0, 0, 0, 951868800);
	/* The day after Feb 28 in 2000 is Feb 29, not Mar 1. */
	assert_int_equal(oomsift_civil_to_unix(2000, 3, 1, 0, 0, 0) -
	                     oomsift_civil_to_unix(2000, 2, 28, 0, 0, 0),
	                 2 * 86400);
}

static void test_end_of_2024(void **state)
{
	(void)state;
	check_round_trip(2024, 12, 31, 23, 59, 59, 1735689599);
	/* One second later is New Year 2025. */
	int y, mo, d, h, mi, s;
	oomsift_unix_to_civil(1735689600, &y, &mo, &d, &h, &mi, &s);
	assert_int_equal(y, 2025);
	assert_int_equal(mo, 1);
	assert_int_equal(d, 1);
	assert_int_equal(h, 0);
	assert_int_equal(mi, 0);
	assert_int_equal(s, 0);
}

static void test_before_epoch(void **state)
{
	(void)state;
	check_round_trip(1969, 12, 31, 23, 59, 59, -1);
	check_round_trip(1969, 7, 20, 20, 17, 40, -14182940);
	check_round_trip(1969, 1, 1, 0, 0, 0, -31536000);
}

static void test_month_english(void **state)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	(void)state;
	for (int i = 0; i < 12; i++)
		assert_int_equal(oomsift_month_from_name(names[i], strlen(names[i])), i + 1);
	/* Case does not matter. */
	assert_int_equal(oomsift_month_from_name("nov", 3), 11);
	assert_int_equal(oomsift_month_from_name("DEC", 3), 12);
}

static void test_month_german(void **state)
{
	(void)state;
	assert_int_equal(oomsift_month_from_name("Mär", strlen("Mär")), 3);
	assert_int_equal(oomsift_month_from_name("Mai", 3), 5);
	assert_int_equal(oomsift_month_from_name("Okt", 3), 10);
	assert_int_equal(oomsift_month_from_name("Dez", 3), 12);
}

static void test_month_french(void **state)
{
	(void)state;
	assert_int_equal(oomsift_month_from_name("févr.", strlen("févr.")), 2);
	assert_int_equal(oomsift_month_from_name("août", strlen("août")), 8);
	assert_int_equal(oomsift_month_from_name("déc.", strlen("déc.")), 12);
}

static void test_month_spanish(void **state)
{
	(void)state;
	assert_int_equal(oomsift_month_from_name("ene", 3), 1);
	assert_int_equal(oomsift_month_from_name("abr", 3), 4);
	assert_int_equal(oomsift_month_from_name("ago", 3), 8);
	assert_int_equal(oomsift_month_from_name("dic", 3), 12);
}

static void test_month_unknown(void **state)
{
	(void)state;
	assert_int_equal(oomsift_month_from_name("xyz", 3), 0);
	assert_int_equal(oomsift_month_from_name("", 0), 0);
	assert_int_equal(oomsift_month_from_name("Ja", 2), 0);
	assert_int_equal(oomsift_month_from_name("January", 7), 0);
	assert_int_equal(oomsift_month_from_name("авг", strlen("авг")), 0);
}

static void test_month_not_nul_terminated(void **state)
{
	(void)state;
	/* Only the first len bytes count. */
	assert_int_equal(oomsift_month_from_name("Decxyz", 3), 12);
	assert_int_equal(oomsift_month_from_name("Jun 12", 3), 6);
}

static void test_format_iso(void **state)
{
	char out[40];

	(void)state;
	oomsift_format_iso(0.0, 0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	oomsift_format_iso(951827696.0, 0, out, sizeof(out));
	assert_string_equal(out, "2000-02-29T12:34:56Z");
	/* Without subsec the fraction is dropped, not rounded up. */
	oomsift_format_iso(1735689599.75, 0, out, sizeof(out));
	assert_string_equal(out, "2024-12-31T23:59:59Z");
}

static void test_format_iso_subsec(void **state)
{
	char out[40];

	(void)state;
	oomsift_format_iso(951827696.25, 1, out, sizeof(out));
	assert_string_equal(out, "2000-02-29T12:34:56.250000Z");
	oomsift_format_iso(1735689599.0, 1, out, sizeof(out));
	assert_string_equal(out, "2024-12-31T23:59:59.000000Z");
	/* A fraction that rounds to a whole second carries into the next one. */
	oomsift_format_iso(1735689599.9999999, 1, out, sizeof(out));
	assert_string_equal(out, "2025-01-01T00:00:00.000000Z");
	/* Before the epoch the fraction still counts forward from the whole second. */
	oomsift_format_iso(-1.5, 1, out, sizeof(out));
	assert_string_equal(out, "1969-12-31T23:59:58.500000Z");
	oomsift_format_iso(1.000007, 1, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:01.000007Z");
}

/* Years outside 0-9999 are written as printf's %04d writes them. */
static void test_format_iso_far_years(void **state)
{
	char out[40];

	(void)state;
	oomsift_format_iso(253402300799.0, 0, out, sizeof(out));
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	oomsift_format_iso(253402300800.5, 1, out, sizeof(out));
	assert_string_equal(out, "10000-01-01T00:00:00.500000Z");
	oomsift_format_iso(-62167219200.0, 0, out, sizeof(out));
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	oomsift_format_iso(-62167219201.0, 0, out, sizeof(out));
	assert_string_equal(out, "-001-12-31T23:59:59Z");
	/* a short buffer is cut as snprintf cuts */
	oomsift_format_iso(0.0, 0, out, 8);
	assert_string_equal(out, "1970-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_iso_far_years),
	    cmocka_unit_test(test_epoch),
	    cmocka_unit_test(test_leap_day_2000),
	    cmocka_unit_test(test_end_of_2024),
	    cmocka_unit_test(test_before_epoch),
	    cmocka_unit_test(test_month_english),
	    cmocka_unit_test(test_month_german),
	    cmocka_unit_test(test_month_french),
	    cmocka_unit_test(test_month_spanish),
	    cmocka_unit_test(test_month_unknown),
	    cmocka_unit_test(test_month_not_nul_terminated),
	    cmocka_unit_test(test_format_iso),
	    cmocka_unit_test(test_format_iso_subsec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
