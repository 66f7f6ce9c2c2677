/* Calendar helpers (internal): no time zones, no locale, no libc state. */
#ifndef OOMSIFT_COMMON_TIMEUTIL_H
#define OOMSIFT_COMMON_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch of a UTC civil time (proleptic Gregorian). */
int64_t oomsift_civil_to_unix(int year, int month, int day, int hour, int min, int sec);

/* Breaks seconds since the epoch into a UTC civil date. */
void oomsift_unix_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min,
                           int *sec);

/* Month 1..12 from a three-or-more letter abbreviation in English, German,
 * French, Spanish, Italian, Dutch or Portuguese (as dmesg -T prints it in those
 * locales); 0 when unknown. `s` need not be NUL-terminated. */
int oomsift_month_from_name(const char *s, size_t len);

/* Writes `YYYY-MM-DDTHH:MM:SSZ`, or with `.ffffff` when `subsec`, to out (>= 32 bytes). */
void oomsift_format_iso(double t, int subsec, char *out, size_t outlen);

#endif
