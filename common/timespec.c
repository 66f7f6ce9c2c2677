/* Times as people type them (include/oomsift/timespec.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/timespec.h"

#define DAY  86400
#define WEEK (7 * DAY)

static const char forms[] = "use 2026-11-01, 2026-11-01T08:30:00Z (RFC 3339), @EPOCH, 7d, 36h, "
                            "90m, 2w, \"2 weeks ago\", today, yesterday or now";

static int bad(const char *text)
{
	return oomsift_error_set(OOMSIFT_EINVAL, "cannot read the time '%s': %s", text, forms);
}

/* Seconds of a unit word or letter: "d", "day", "days" …; 0 when unknown. */
static int64_t unit_seconds(const char *u, size_t n)
{
	static const struct {
		const char *name;
		int64_t s;
	} units[] = {{"s", 1},    {"sec", 1},     {"second", 1}, {"m", 60},
	             {"min", 60}, {"minute", 60}, {"h", 3600},   {"hour", 3600},
	             {"d", DAY},  {"day", DAY},   {"w", WEEK},   {"week", WEEK}};

	if (n > 1 && u[n - 1] == 's') /* days, hours, weeks */
		n--;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && strncmp(units[i].name, u, n) == 0)
			return units[i].s;
	return 0;
}

/* "7d", "36h", "2 weeks ago", "3 days ago": that long before now. */
static bool parse_relative(const char *text, int64_t now, int64_t *out)
{
	const char *p = text, *u;
	char *end;
	long long n;
	int64_t s;
	size_t ulen;

	if (!isdigit((unsigned char)*p))
		return false;
	n = strtoll(p, &end, 10);
	p = end;
	while (*p == ' ')
		p++;
	u = p;
	while (isalpha((unsigned char)*p))
		p++;
	ulen = (size_t)(p - u);
	while (*p == ' ')
		p++;
	if (strcmp(p, "ago") == 0)
		p += 3;
	if (*p || !(s = unit_seconds(u, ulen)) || n < 0 || n > 100000LL * DAY / s)
		return false;
	*out = now - (int64_t)n * s;
	return true;
}

static int64_t day_start(int64_t t)
{
	return t - ((t % DAY) + DAY) % DAY;
}

/* YYYY-MM-DD[( |T)HH:MM[:SS[.frac]]][Z|±HH:MM] */
static bool parse_absolute(const char *text, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, s = 0, n = 0, zh = 0, zm = 0;
	const char *p;

	if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return false;
	p = text + n;
	if (*p == 'T' || *p == ' ') {
		int k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2 || k != 5)
			return false;
		p += 1 + k;
		if (*p == ':') {
			if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
				return false;
			s = (p[1] - '0') * 10 + (p[2] - '0');
			p += 3;
			if (*p == '.' || *p == ',')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &zh, &zm, &k) != 2 || k != 5)
			return false;
		zh *= sign;
		zm *= sign;
		p += 1 + k;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return false;
	*out = oomsift_civil_to_unix(y, mo, d, h, mi, s) - (int64_t)zh * 3600 - (int64_t)zm * 60;
	return true;
}

int oomsift_time_parse(const char *text, int64_t now, int64_t *out)
{
	char *end;

	if (!text || !*text)
		return bad(text ? text : "");
	if (strcmp(text, "now") == 0) {
		*out = now;
		return 0;
	}
	if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0) {
		*out = day_start(now) - (text[0] == 'y' ? DAY : 0);
		return 0;
	}
	if (text[0] == '@') {
		long long v = strtoll(text + 1, &end, 10);
		if (end == text + 1 || *end)
			return bad(text);
		*out = (int64_t)v;
		return 0;
	}
	if (parse_absolute(text, out) || parse_relative(text, now, out))
		return 0;
	return bad(text);
}

/* Monday 00:00 UTC of ISO week 1 of `year`: the week with the year's first Thursday. */
static int64_t isoweek1_start(int year)
{
	int64_t jan4 = oomsift_civil_to_unix(year, 1, 4, 0, 0, 0);
	int64_t wday = ((jan4 / DAY) % 7 + 7 + 3) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */

	return jan4 - wday * DAY;
}

int oomsift_isoweek_parse(const char *text, int64_t *start, int64_t *end)
{
	int y = 0, w = 0, n = 0;

	if (!(sscanf(text, "%4d-%*[Ww]%2d%n", &y, &w, &n) == 2 ||
	      sscanf(text, "%4d%*[Ww]%2d%n", &y, &w, &n) == 2) ||
	    text[n] || w < 1 || y < 1970)
		goto fail;
	*start = isoweek1_start(y) + (int64_t)(w - 1) * WEEK;
	*end = *start + WEEK;
	if (*start >= isoweek1_start(y + 1))
		goto fail; /* week 53 of a year with 52 */
	return 0;
fail:
	return oomsift_error_set(
	    OOMSIFT_EINVAL, "cannot read the week '%s': use an ISO week such as 2026-W47", text);
}

void oomsift_isoweek_of(int64_t t, char *label, size_t len, int64_t *start, int64_t *end)
{
	int y, mo, d, h, mi, s;
	int64_t w1;

	oomsift_unix_to_civil(t, &y, &mo, &d, &h, &mi, &s);
	if (t >= isoweek1_start(y + 1))
		y++;
	else if (t < isoweek1_start(y))
		y--;
	w1 = isoweek1_start(y);
	*start = w1 + (t - w1) / WEEK * WEEK;
	*end = *start + WEEK;
	snprintf(label, len, "%04d-W%02d", y, (int)((*start - w1) / WEEK) + 1);
}

void oomsift_isoweek_last_complete(int64_t now, char *label, size_t len, int64_t *start,
                                   int64_t *end)
{
	int64_t s, e;

	oomsift_isoweek_of(now, label, len, &s, &e);
	oomsift_isoweek_of(s - 1, label, len, start, end);
}
