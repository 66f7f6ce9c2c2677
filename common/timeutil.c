#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/timeutil.h"

/* Howard Hinnant's days_from_civil. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t oomsift_civil_to_unix(int year, int month, int day, int hour, int min, int sec)
{
	return days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void oomsift_unix_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min,
                           int *sec)
{
	int64_t days = t / 86400, rem = t % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = m;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*hour = (int)(rem / 3600);
	*min = (int)(rem / 60 % 60);
	*sec = (int)(rem % 60);
}

/* Abbreviations as glibc's locales print %b; each row is one month. */
static const char *const month_names[12][6] = {
    {"jan", "janv", "ene", "gen", "jän", NULL},
    {"feb", "févr", "fév", "fev", NULL},
    {"mar", "mär", "mrt", "mars", NULL},
    {"apr", "avr", "abr", NULL},
    {"may", "mai", "mei", "mag", "maio", NULL},
    {"jun", "juin", "giu", NULL},
    {"jul", "juil", "lug", NULL},
    {"aug", "août", "ago", NULL},
    {"sep", "sept", "set", NULL},
    {"oct", "okt", "ott", "out", NULL},
    {"nov", NULL},
    {"dec", "dez", "déc", "dic", NULL},
};

int oomsift_month_from_name(const char *s, size_t len)
{
	static const char english[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	/* The common case first: syslog and English dmesg -T. */
	if (len == 3)
		for (int m = 0; m < 12; m++)
			if (memcmp(english + 3 * m, s, 3) == 0)
				return m + 1;
	/* Strip a trailing '.' (fr: "févr.") before comparing. */
	if (len && s[len - 1] == '.')
		len--;
	for (int m = 0; m < 12; m++)
		for (int i = 0; month_names[m][i]; i++) {
			const char *n = month_names[m][i];
			if (strlen(n) == len && strncasecmp(n, s, len) == 0)
				return m + 1;
		}
	return 0;
}

void oomsift_format_iso(double t, int subsec, char *out, size_t outlen)
{
	double whole = floor(t);
	int y, mo, d, h, mi, s;
	long usec = lround((t - whole) * 1e6);

	if (usec >= 1000000) {
		whole += 1;
		usec -= 1000000;
	}
	oomsift_unix_to_civil((int64_t)whole, &y, &mo, &d, &h, &mi, &s);
	if (y >= 0 && y <= 9999 && outlen >= 28) {
		/* what the snprintf below writes, without printf (an event's times
		 * are formatted per event stored) */
		const int fields[6] = {y / 100, y % 100, mo, d, h, mi};
		char *w = out;
		for (int i = 0; i < 6; i++) {
			*w++ = (char)('0' + fields[i] / 10);
			*w++ = (char)('0' + fields[i] % 10);
			if (i)
				*w++ = i < 3 ? '-' : i == 3 ? 'T' : ':';
		}
		*w++ = (char)('0' + s / 10);
		*w++ = (char)('0' + s % 10);
		if (subsec) {
			*w++ = '.';
			for (long div = 100000; div; div /= 10)
				*w++ = (char)('0' + usec / div % 10);
		}
		*w++ = 'Z';
		*w = '\0';
		return;
	}
	if (subsec)
		snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", y, mo, d, h, mi, s,
		         usec);
	else
		snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}
