#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timeutil.h"
#include "oomsift/envelope.h"
#include "oomsift/error.h"
#include "parse/re.h"

/* Longest /dev/kmsg message kept after unescaping; the rest is cut. */
#define MAX_MSG 65536

/* What every syslog and journal text wrapper prints after its time stamp
 * (kernel-formats.md §2.3-2.4), tried in this order:
 *   "tag[pid]: msg" and "kernel: msg"  no host (a template without %HOSTNAME%,
 *                                      journalctl --no-hostname)
 *   "host: msg"                        a collector's form, no tag
 *   "host [<fac.lvl>] tag[pid]: msg"   the usual line; tag and pid optional
 * Groups: tag and pid of the first form, `kernel`, host of the third form,
 * host, tag and pid of the last. */
static const char *const pat_tail =
    "^(?:([^\\s:\\[]+)\\[(\\d+)\\]: ?|(kernel): ?|([^\\s\\[]+?): |"
    "(\\S+) (?:<[a-z]+\\.[a-z]+> )?(?:([^\\s:\\[]+)(?:\\[(\\d+)\\])?: ?)?)";
/* journalctl short-monotonic (and short-delta): the host and the identifier
 * are required, which is all that tells it from raw dmesg. */
static const char *const pat_mono =
    "^\\[\\s*(\\d+\\.\\d+)(?: <[^>]*>)?\\] (\\S+) ([^\\s:\\[]+)(?:\\[(\\d+)\\])?: ";
/* dmesg -T in any locale (strftime "%a %b %e %H:%M:%S %Y"), with -d's delta. */
static const char *const pat_ctime = "^\\[\\S+\\.? (\\S+) ?([ \\d]?\\d) (\\d\\d):(\\d\\d):(\\d\\d) "
                                     "(\\d{4})(?: <[^>]*>)?\\] ?";
/* RFC5424 after "<PRI>1 TIMESTAMP ": host, app-name, procid, msgid and the
 * structured data ("-" or "[id k=\"v\"]..." with \-escapes inside values). */
static const char *const pat_5424 =
    "^(\\S+) (\\S+) (\\S+) (\\S+) (-|(?:\\[(?:[^\\]\"\\\\]|\\\\.|\"(?:[^\"\\\\]|\\\\.)*\")*\\])+)"
    "(?: |$)";

/* journalctl's lines that are not entries (§2.4 "Header/footer/separator"). */
static const char *const meta_prefixes[] = {
    "-- Logs begin at ",
    "-- Journal begins at ",
    "-- No entries --",
    "-- cursor: ",
    "Notice: journal has been rotated",
    "Warning: some journal files",
    "Warning: journal files were",
    "Hint: You are currently not seeing messages",
    "Hint: Some lines were ellipsized",
};

/* Longest syslog header (time, host, tag) kept for the next line. */
#define MAX_HEADER 256

/* U+2026, as journalctl --no-full writes where it ellipsized a line. */
static const char ellipsis[] = "\xe2\x80\xa6";

struct oomsift_envelope {
	oomsift_envelope_opts opts;
	oomsift_re tail, mono, ctime, rfc5424;
	oomsift_wrapper last; /* wrapper of the previous line, tried first */
	oomsift_record prev;  /* metadata inherited by continuation lines */
	char host[256];
	char ident[64];
	char caller[16];
	char boot_id[33]; /* of the last "-- Boot <id> --" line */
	bool have_boot;
	double reltime_wall; /* minute of the last dmesg -e "[Nov20 10:11]" line */
	bool have_reltime;
	char *msgbuf; /* unescaped /dev/kmsg message */
	/* Set by read_tail: where the header of the line being parsed ends
	 * ("time host tag: "), when the next line may reuse it; else NULL. */
	const char *tail_end;
	/* The header of the last line read in full, and its record up to the
	 * header (no kernel time stamp, no caller id): the lines of one report
	 * repeat it, and a line that starts with it is read from there on
	 * (header_reuse). hdr_len 0: none. */
	char hdr[MAX_HEADER];
	size_t hdr_len;
	oomsift_record hdr_rec;
	char hdr_host[256];
	char hdr_ident[64];
};

int oomsift_envelope_new(oomsift_envelope **out, const oomsift_envelope_opts *opts)
{
	oomsift_envelope *env = calloc(1, sizeof(*env));
	int rc;

	if (!env)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (opts)
		env->opts = *opts;
	if (!env->opts.ref_time)
		env->opts.ref_time = (int64_t)time(NULL);
	env->msgbuf = malloc(MAX_MSG);
	if (!env->msgbuf) {
		oomsift_envelope_free(env);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	if ((rc = oomsift_re_compile(&env->tail, pat_tail)) < 0 ||
	    (rc = oomsift_re_compile(&env->mono, pat_mono)) < 0 ||
	    (rc = oomsift_re_compile(&env->ctime, pat_ctime)) < 0 ||
	    (rc = oomsift_re_compile(&env->rfc5424, pat_5424)) < 0) {
		oomsift_envelope_free(env);
		return rc;
	}
	*out = env;
	return 0;
}

void oomsift_envelope_free(oomsift_envelope *env)
{
	if (!env)
		return;
	oomsift_re_free(&env->tail);
	oomsift_re_free(&env->mono);
	oomsift_re_free(&env->ctime);
	oomsift_re_free(&env->rfc5424);
	free(env->msgbuf);
	free(env);
}

/* ---- small readers over [p, end) ---- */

typedef struct cursor {
	const char *p, *end;
} cursor;

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool peek(const cursor *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

static bool eat(cursor *c, char ch)
{
	if (!peek(c, ch))
		return false;
	c->p++;
	return true;
}

static bool eat_str(cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

static void skip_spaces(cursor *c)
{
	while (peek(c, ' '))
		c->p++;
}

/* Reads min..max decimal digits into *v. A number past INT64_MAX (a /dev/kmsg
 * field may have 20 digits) is no number: false. Works on locals: the
 * stores through the pointers would otherwise be redone for every digit. */
static bool read_num(cursor *c, size_t min, size_t max, int64_t *v)
{
	const char *p = c->p, *start = p;
	const char *stop = (size_t)(c->end - p) > max ? p + max : c->end;
	int64_t value = 0;

	while (p < stop && (unsigned)(*p - '0') <= 9) {
		int digit = *p++ - '0';
		/* 18 digits cannot pass INT64_MAX */
		if (p - start > 18 && value > (INT64_MAX - digit) / 10) {
			c->p = p;
			*v = value;
			return false;
		}
		value = value * 10 + digit;
	}
	c->p = p;
	*v = value;
	return (size_t)(p - start) >= min;
}

/* Reads the digits of a fraction (after its separator) as seconds: the
 * first nine, each times its place value (0.1, then each divided by ten:
 * the table holds the same doubles the divisions give). */
static bool read_fraction(cursor *c, double *frac)
{
	static const double place[9] = {0.1,
	                                0.1 / 10,
	                                0.1 / 10 / 10,
	                                0.1 / 10 / 10 / 10,
	                                0.1 / 10 / 10 / 10 / 10,
	                                0.1 / 10 / 10 / 10 / 10 / 10,
	                                0.1 / 10 / 10 / 10 / 10 / 10 / 10,
	                                0.1 / 10 / 10 / 10 / 10 / 10 / 10 / 10,
	                                0.1 / 10 / 10 / 10 / 10 / 10 / 10 / 10 / 10};
	const char *p = c->p, *end = c->end;
	double f = 0;
	size_t n = 0;

	for (; p < end && (unsigned)(*p - '0') <= 9; p++, n++)
		if (n < 9)
			f += (*p - '0') * place[n];
	c->p = p;
	*frac = f;
	return n > 0;
}

/* "123.456789" as seconds: read_num(c, 1, 12) without its overflow test
 * (12 digits cannot overflow), a '.', then the fraction. */
static bool read_seconds(cursor *c, double *s)
{
	const char *p = c->p, *start = p;
	const char *stop = c->end - p > 12 ? p + 12 : c->end;
	int64_t whole = 0;
	double frac;

	while (p < stop && (unsigned)(*p - '0') <= 9)
		whole = whole * 10 + (*p++ - '0');
	c->p = p;
	if (p == start || !eat(c, '.') || !read_fraction(c, &frac))
		return false;
	*s = (double)whole + frac;
	return true;
}

/* "HH:MM:SS" */
static bool read_hms(cursor *c, int64_t *h, int64_t *mi, int64_t *s)
{
	return read_num(c, 2, 2, h) && eat(c, ':') && read_num(c, 2, 2, mi) && eat(c, ':') &&
	       read_num(c, 2, 2, s) && *h < 24 && *mi < 60 && *s <= 60;
}

/* "YYYY-MM-DD" followed by `sep` */
static bool read_date(cursor *c, char sep, int64_t *y, int64_t *mo, int64_t *d)
{
	return read_num(c, 4, 4, y) && eat(c, '-') && read_num(c, 2, 2, mo) && eat(c, '-') &&
	       read_num(c, 2, 2, d) && eat(c, sep) && *mo >= 1 && *mo <= 12 && *d >= 1 && *d <= 31;
}

/* "<PRI>" of forwarded syslog and dmesg -r. */
static void skip_pri(cursor *c)
{
	cursor save = *c;
	int64_t pri;

	if (!(eat(c, '<') && read_num(c, 1, 3, &pri) && eat(c, '>')))
		*c = save;
}

/* dmesg -x: "kern  :warn  : " (facility and level names, padded to 6). */
static void skip_decode(cursor *c)
{
	cursor save = *c;
	size_t n = 0;

	while (c->p < c->end && (is_lower(*c->p) || is_digit(*c->p))) {
		c->p++;
		n++;
	}
	skip_spaces(c);
	if (n && eat(c, ':') && c->p < c->end && is_lower(*c->p)) {
		while (c->p < c->end && is_lower(*c->p))
			c->p++;
		skip_spaces(c);
		if (eat(c, ':') && eat(c, ' '))
			return;
	}
	*c = save;
}

/* A zone: "Z", "+hh:mm", "+hhmm" or "+hh"; sets the offset east of UTC, and
 * *rfc3339 for the forms RFC3339 allows ("Z", "+hh:mm"). */
static bool read_zone_offset(cursor *c, int64_t *offset, bool *rfc3339)
{
	int64_t h, m = 0;
	int sign;

	*rfc3339 = true;
	if (eat(c, 'Z')) {
		*offset = 0;
		return true;
	}
	if (!peek(c, '+') && !peek(c, '-'))
		return false;
	sign = *c->p++ == '-' ? -1 : 1;
	if (!read_num(c, 2, 2, &h))
		return false;
	*rfc3339 = eat(c, ':');
	if (!read_num(c, 2, 2, &m) && *rfc3339)
		return false;
	*offset = sign * (h * 3600 + m * 60);
	return true;
}

/* A time-zone abbreviation as journalctl short-full prints it (%Z). Only
 * unambiguous ones; another zone costs the wall time. */
static bool zone_abbrev_offset(const char *s, size_t len, int64_t *offset)
{
	static const struct {
		const char *name;
		int minutes;
	} zones[] = {
	    {"UTC", 0},     {"GMT", 0},    {"UT", 0},     {"WET", 0},    {"WEST", 60},
	    {"CET", 60},    {"CEST", 120}, {"MET", 60},   {"MEST", 120}, {"EET", 120},
	    {"EEST", 180},  {"MSK", 180},  {"EST", -300}, {"EDT", -240}, {"CDT", -300},
	    {"MST", -420},  {"MDT", -360}, {"PST", -480}, {"PDT", -420}, {"AKST", -540},
	    {"AKDT", -480}, {"HST", -600}, {"JST", 540},  {"KST", 540},  {"HKT", 480},
	    {"SGT", 480},   {"AWST", 480}, {"ACST", 570}, {"ACDT", 630}, {"AEST", 600},
	    {"AEDT", 660},  {"NZST", 720}, {"NZDT", 780}, {"SAST", 120}, {"WIB", 420},
	};

	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strlen(zones[i].name) == len && memcmp(zones[i].name, s, len) == 0) {
			*offset = zones[i].minutes * 60;
			return true;
		}
	return false;
}

/* ---- record helpers ---- */

/* RFC3164 carries no year: take the latest year in which this date is not
 * after the reference time (plus a day of slack for clock skew). This also
 * handles a December-to-January rollover inside one file. */
static int infer_year(oomsift_envelope *env, int month, int day)
{
	int y, mo, d, h, mi, s;

	if (env->opts.year)
		return env->opts.year;
	oomsift_unix_to_civil(env->opts.ref_time + 86400, &y, &mo, &d, &h, &mi, &s);
	if (month > mo || (month == mo && day > d))
		return y - 1;
	return y;
}

/* Copies text into fixed storage owned by the envelope; returns the copy. */
static const char *keep(char *dst, size_t cap, const char *s, size_t len, size_t *out_len)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	memcpy(dst, s, n);
	dst[n] = '\0';
	*out_len = n;
	return dst;
}

static void set_msg(oomsift_record *rec, const char *p, const char *end)
{
	rec->msg = p;
	rec->msg_len = (size_t)(end - p);
}

static void set_wall(oomsift_record *rec, double wall, bool subsec)
{
	rec->wall = wall;
	rec->has_wall = true;
	rec->wall_subsec = subsec;
}

/* A local calendar time `off` seconds east of UTC, plus a fraction. */
static void set_wall_local(oomsift_record *rec, int64_t y, int64_t mo, int64_t d, int64_t h,
                           int64_t mi, int64_t s, int64_t off, double frac, bool subsec)
{
	int64_t t = oomsift_civil_to_unix((int)y, (int)mo, (int)d, (int)h, (int)mi, (int)s);

	set_wall(rec, (double)(t - off) + frac, subsec);
}

/* The wrapper a sniffer or --format asked for, BARE when none. */
static oomsift_wrapper hint(const oomsift_envelope *env)
{
	return env->opts.forced ? env->opts.force : env->opts.prefer;
}

/* A printk caller id in brackets: "[ T4321]", "[    C3]"; with `then_space`,
 * only when a space follows (consumed too). */
static bool read_caller(oomsift_envelope *env, cursor *c, oomsift_record *rec, bool then_space)
{
	cursor save = *c;
	const char *start, *end;

	if (!eat(c, '['))
		return false;
	skip_spaces(c);
	start = c->p;
	if (!(eat(c, 'T') || eat(c, 'C')) || c->p >= c->end || !is_digit(*c->p))
		goto fail;
	while (c->p < c->end && is_digit(*c->p))
		c->p++;
	end = c->p;
	if (!eat(c, ']') || (then_space && !eat(c, ' ')))
		goto fail;
	rec->caller =
	    keep(env->caller, sizeof(env->caller), start, (size_t)(end - start), &rec->caller_len);
	return true;
fail:
	*c = save;
	return false;
}

/* What follows a kernel time stamp: a console caller id right after it
 * ("[..][ T1]"), a space, and util-linux 2.40's caller id ("[..] [   T1] "). */
static void read_callers(oomsift_envelope *env, cursor *c, oomsift_record *rec)
{
	read_caller(env, c, rec, false);
	eat(c, ' ');
	read_caller(env, c, rec, true);
}

/* "[  123.456789]" (with dmesg -d's " <    0.000012>" when `delta`), then
 * the caller ids; sets the uptime. */
static bool read_uptime_bracket(oomsift_envelope *env, cursor *c, oomsift_record *rec, bool delta)
{
	cursor save = *c;
	double up, d;

	if (!eat(c, '['))
		return false;
	skip_spaces(c);
	if (!read_seconds(c, &up))
		goto fail;
	if (delta && eat(c, ' ')) {
		if (!eat(c, '<'))
			goto fail;
		skip_spaces(c);
		if (!read_seconds(c, &d) || !eat(c, '>'))
			goto fail;
	}
	if (!eat(c, ']'))
		goto fail;
	rec->uptime = up;
	rec->has_uptime = true;
	read_callers(env, c, rec);
	return true;
fail:
	*c = save;
	return false;
}

/* The optional kernel time stamp after a syslog tag (imklog, klogd). */
static void strip_kernel_ts(oomsift_envelope *env, oomsift_record *rec)
{
	cursor c = {rec->msg, rec->msg + rec->msg_len};

	if (read_uptime_bracket(env, &c, rec, false))
		set_msg(rec, c.p, c.end);
}

/* PCRE2's \s (no UTF): space, \t, \n, \v, \f, \r. */
static bool is_re_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static oomsift_span span_of(const char *from, const char *to)
{
	return (oomsift_span){from, (size_t)(to - from)};
}

/* pat_tail without PCRE for its common shape, "host " where the host holds
 * no ':' or '[': then only the last alternative can match, and it always
 * does. Fills g[0..7] as oomsift_re_match would; false when the line has
 * another shape (the regex decides). */
static bool tail_fast(const char *s, const char *end, oomsift_span g[8])
{
	const char *p = s, *tag, *pid = NULL, *pid_end = NULL;

	while (p < end && !is_re_space(*p) && *p != ':' && *p != '[')
		p++;
	if (p == s || p == end || *p != ' ')
		return false;
	memset(g, 0, 8 * sizeof(*g));
	g[5] = span_of(s, p++);
	/* optional "<facility.level> " */
	if (p < end && *p == '<') {
		const char *q = p + 1, *dot;
		while (q < end && is_lower(*q))
			q++;
		dot = q;
		if (dot > p + 1 && q < end && *q == '.') {
			q++;
			while (q < end && is_lower(*q))
				q++;
			if (q > dot + 1 && end - q >= 2 && q[0] == '>' && q[1] == ' ')
				p = q + 2;
		}
	}
	/* optional "tag[pid]: " or "tag: " (the space after ':' optional too) */
	tag = p;
	while (p < end && !is_re_space(*p) && *p != ':' && *p != '[')
		p++;
	if (p > tag && p < end && *p == '[') {
		const char *q = p + 1;
		while (q < end && is_digit(*q))
			q++;
		if (q > p + 1 && q < end && *q == ']') {
			pid = p + 1;
			pid_end = q;
			p = q + 1;
		}
	}
	if (p > tag && p < end && *p == ':') {
		g[6] = span_of(tag, pid ? pid - 1 : p);
		if (pid)
			g[7] = span_of(pid, pid_end);
		p++;
		if (p < end && *p == ' ')
			p++;
	} else {
		p = tag;
	}
	g[0] = span_of(s, p);
	return true;
}

/* "host tag[pid]: " after a time stamp, then the message. need_ident: the
 * wrapper always prints an identifier (journalctl), so a line without one is
 * not of this wrapper. */
static bool read_tail(oomsift_envelope *env, cursor *c, oomsift_record *rec, bool need_ident)
{
	oomsift_span g[8];
	oomsift_span host, tag, pid_text;
	int64_t pid;
	bool fast = tail_fast(c->p, c->end, g);

	if (!fast && !oomsift_re_match(&env->tail, c->p, (size_t)(c->end - c->p), g, 8))
		return false;
	host = g[4].ptr ? g[4] : g[5];
	tag = g[1].ptr ? g[1] : g[3].ptr ? g[3] : g[6];
	pid_text = g[2].ptr ? g[2] : g[7];
	if (need_ident && !tag.ptr)
		return false;
	if (host.ptr)
		rec->host = keep(env->host, sizeof(env->host), host.ptr, host.len, &rec->host_len);
	if (tag.ptr)
		rec->ident =
		    keep(env->ident, sizeof(env->ident), tag.ptr, tag.len, &rec->ident_len);
	if (pid_text.ptr && oomsift_span_i64(pid_text, &pid))
		rec->pid = pid;
	set_msg(rec, g[0].ptr + g[0].len, c->end);
	/* tail_fast looked at no byte after "tag: ": a line with the same bytes
	 * up to there has the same header (the regex's alternatives may look
	 * further, and "tag:" may be followed by the space it takes). */
	env->tail_end = fast && g[6].ptr && g[0].len && g[0].ptr[g[0].len - 1] == ' '
	                    ? g[0].ptr + g[0].len
	                    : NULL;
	strip_kernel_ts(env, rec);
	return true;
}

/* ---- util-linux dmesg (§2.2) ---- */

/* dmesg -e: "[Nov20 10:11]" starts a minute; "[  +0.000012]" lines stay in it. */
static bool read_reltime(oomsift_envelope *env, cursor *c, oomsift_record *rec)
{
	cursor save = *c;
	const char *name;
	int64_t day, h, mi, delta_whole;
	double frac;
	int month;

	if (!eat(c, '['))
		return false;
	skip_spaces(c);
	if (peek(c, '+') || peek(c, '-')) {
		c->p++;
		if (!read_num(c, 1, 12, &delta_whole) || !eat(c, '.') || !read_fraction(c, &frac) ||
		    !eat(c, ']'))
			goto fail;
		if (env->have_reltime)
			set_wall(rec, env->reltime_wall, false);
		return true;
	}
	name = c->p;
	while (c->p < c->end && !is_digit(*c->p) && *c->p != ' ' && *c->p != ']')
		c->p++;
	if (c->p == name || c->p - name > 12)
		goto fail;
	month = oomsift_month_from_name(name, (size_t)(c->p - name));
	eat(c, ' ');
	if (!read_num(c, 1, 2, &day) || !eat(c, ' ') || !read_num(c, 2, 2, &h) || !eat(c, ':') ||
	    !read_num(c, 2, 2, &mi) || !eat(c, ']') || h > 23 || mi > 59)
		goto fail;
	/* A locale whose month names we cannot read costs the wall time only. */
	env->have_reltime = month != 0;
	if (month) {
		env->reltime_wall = (double)oomsift_civil_to_unix(
		    infer_year(env, month, (int)day), month, (int)day, (int)h, (int)mi, 0);
		set_wall(rec, env->reltime_wall, false);
	}
	return true;
fail:
	*c = save;
	return false;
}

/* --time-format iso: "2026-11-20T10:11:12,123456+00:00 " (comma). */
static bool read_dmesg_iso(cursor *c, oomsift_record *rec)
{
	int64_t y, mo, d, h, mi, s, off;
	double frac;
	bool colon;

	if (!read_date(c, 'T', &y, &mo, &d) || !read_hms(c, &h, &mi, &s) || !eat(c, ',') ||
	    !read_fraction(c, &frac) || !read_zone_offset(c, &off, &colon) || !eat(c, ' '))
		return false;
	set_wall_local(rec, y, mo, d, h, mi, s, off, frac, true);
	return true;
}

/* Raw dmesg and every dmesg prefix without a calendar date: [uptime] with
 * -r/-x/-d/caller id, "[<delta>]" (-t -d), -e reltime, --time-format iso. */
static bool parse_dmesg(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	cursor c = {line, line + len};
	double delta;

	skip_pri(&c);
	skip_decode(&c);
	if (c.p < c.end && is_digit(*c.p)) {
		if (!read_dmesg_iso(&c, rec))
			return false;
		rec->wrapper = OOMSIFT_WRAP_DMESG_T;
		read_callers(env, &c, rec);
	} else if (read_uptime_bracket(env, &c, rec, true)) {
		rec->wrapper = OOMSIFT_WRAP_DMESG;
	} else if (eat_str(&c, "[<")) {
		skip_spaces(&c);
		if (!read_seconds(&c, &delta) || !eat_str(&c, ">]"))
			return false;
		rec->wrapper = OOMSIFT_WRAP_DMESG;
		read_callers(env, &c, rec);
	} else if (read_reltime(env, &c, rec)) {
		rec->wrapper = OOMSIFT_WRAP_DMESG_T;
		read_callers(env, &c, rec);
	} else {
		return false;
	}
	set_msg(rec, c.p, c.end);
	return true;
}

/* dmesg -T (with -x, -d, caller id) in any locale. */
static bool parse_dmesg_t(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	cursor c = {line, line + len};
	oomsift_span g[7];
	int month;

	skip_decode(&c);
	if (!peek(&c, '[') || !oomsift_re_match(&env->ctime, c.p, (size_t)(c.end - c.p), g, 7))
		return false;
	rec->wrapper = OOMSIFT_WRAP_DMESG_T;
	month = oomsift_month_from_name(g[1].ptr, g[1].len);
	/* A locale whose month names we cannot read costs the wall time only. */
	if (month) {
		int64_t y, d, h, mi, s;
		cursor n[5] = {{g[6].ptr, g[6].ptr + g[6].len},
		               {g[2].ptr, g[2].ptr + g[2].len},
		               {g[3].ptr, g[3].ptr + g[3].len},
		               {g[4].ptr, g[4].ptr + g[4].len},
		               {g[5].ptr, g[5].ptr + g[5].len}};
		skip_spaces(&n[1]);
		read_num(&n[0], 4, 4, &y);
		read_num(&n[1], 1, 2, &d);
		read_num(&n[2], 2, 2, &h);
		read_num(&n[3], 2, 2, &mi);
		read_num(&n[4], 2, 2, &s);
		set_wall(
		    rec,
		    (double)oomsift_civil_to_unix((int)y, month, (int)d, (int)h, (int)mi, (int)s),
		    false);
	}
	c.p = g[0].ptr + g[0].len;
	read_callers(env, &c, rec);
	set_msg(rec, c.p, c.end);
	return true;
}

/* ---- /dev/kmsg (§2.1) ---- */

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes the kernel's \xNN escapes that util-linux dmesg undoes too, so both
 * give the same text: newline (a line break of a multi-line record),
 * backslash and bytes >= 0x80 (UTF-8). Other control bytes stay escaped, as
 * dmesg prints them. */
static void unescape_kmsg(oomsift_envelope *env, const char *p, const char *end,
                          oomsift_record *rec)
{
	char *out = env->msgbuf;
	size_t n = 0;

	while (p < end && n < MAX_MSG) {
		int hi, lo;
		if (end - p >= 4 && p[0] == '\\' && p[1] == 'x' && (hi = hex_value(p[2])) >= 0 &&
		    (lo = hex_value(p[3])) >= 0) {
			int v = hi * 16 + lo;
			if (v == '\n' || v == '\\' || v >= 0x80) {
				out[n++] = (char)v;
				p += 4;
				continue;
			}
		}
		out[n++] = *p++;
	}
	rec->cut = p < end;
	rec->msg = out;
	rec->msg_len = n;
}

/* "prefix,seq,usec,flag[,caller=T1][,more];message" */
static bool parse_kmsg(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	cursor c = {line, line + len};
	int64_t prefix, seq, usec;

	if (!read_num(&c, 1, 3, &prefix) || !eat(&c, ',') || !read_num(&c, 1, 20, &seq) ||
	    !eat(&c, ',') || !read_num(&c, 1, 20, &usec) || !eat(&c, ','))
		return false;
	if (!(eat(&c, '-') || eat(&c, 'c') || eat(&c, '+')))
		return false;
	while (eat(&c, ',')) {
		const char *field = c.p;
		while (c.p < c.end && *c.p != ',' && *c.p != ';')
			c.p++;
		if (c.p - field > 7 && memcmp(field, "caller=", 7) == 0)
			rec->caller = keep(env->caller, sizeof(env->caller), field + 7,
			                   (size_t)(c.p - field - 7), &rec->caller_len);
	}
	if (!eat(&c, ';'))
		return false;
	rec->wrapper = OOMSIFT_WRAP_KMSG;
	rec->uptime = (double)(usec / 1000000) + (double)(usec % 1000000) / 1e6;
	rec->has_uptime = true;
	unescape_kmsg(env, c.p, c.end, rec);
	return true;
}

/* A dictionary line after a /dev/kmsg record: " SUBSYSTEM=pci". */
static bool is_kmsg_dict(const char *line, size_t len)
{
	size_t i = 1;

	if (len < 3 || line[0] != ' ')
		return false;
	while (i < len && (is_upper(line[i]) || is_digit(line[i]) || line[i] == '_'))
		i++;
	return i > 1 && i < len && line[i] == '=';
}

/* ---- syslog (§2.3) and journalctl text (§2.4) ---- */

/* "Nov  5 01:02:03" (RFC3164) or "Nov 05 01:02:03[.123456]" (journal short),
 * optionally after a forwarded "<PRI>". */
static bool parse_bsd(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	cursor c = {line, line + len};
	int64_t day, h, mi, s;
	double frac = 0;
	bool subsec = false;
	int month;

	skip_pri(&c);
	if (c.end - c.p < 16 || !is_upper(c.p[0]) || c.p[3] != ' ')
		return false;
	month = oomsift_month_from_name(c.p, 3);
	if (!month)
		return false;
	c.p += 4;
	eat(&c, ' '); /* RFC3164 pads the day with a space */
	if (!read_num(&c, 1, 2, &day) || day < 1 || day > 31 || !eat(&c, ' ') ||
	    !read_hms(&c, &h, &mi, &s))
		return false;
	if (eat(&c, '.')) {
		if (!read_fraction(&c, &frac))
			return false;
		subsec = true;
	}
	if (!eat(&c, ' ') || !read_tail(env, &c, rec, false))
		return false;
	rec->wrapper = subsec || hint(env) == OOMSIFT_WRAP_JOURNAL_SHORT
	                   ? OOMSIFT_WRAP_JOURNAL_SHORT
	                   : OOMSIFT_WRAP_RFC3164;
	set_wall(rec,
	         (double)oomsift_civil_to_unix(infer_year(env, month, (int)day), month, (int)day,
	                                       (int)h, (int)mi, (int)s) +
	             frac,
	         subsec);
	return true;
}

/* "2026-11-20T10:11:12[.123456](Z|+00:00|+0000)" as rsyslog, syslog-ng and
 * journalctl short-iso print it; sets the wall time in UTC. */
static bool read_iso_stamp(cursor *c, oomsift_record *rec, bool *rfc3339_zone)
{
	int64_t y, mo, d, h, mi, s, off = 0;
	double frac = 0;
	bool subsec = false;

	*rfc3339_zone = true;
	if (!read_date(c, 'T', &y, &mo, &d) || !read_hms(c, &h, &mi, &s))
		return false;
	if (eat(c, '.')) {
		if (!read_fraction(c, &frac))
			return false;
		subsec = true;
	}
	if (!peek(c, ' ') && !read_zone_offset(c, &off, rfc3339_zone))
		return false;
	set_wall_local(rec, y, mo, d, h, mi, s, off, frac, subsec);
	return true;
}

/* rsyslog RFC3339 (RSYSLOG_FileFormat, RSYSLOG_ForwardFormat with <PRI>) and
 * journalctl short-iso / short-iso-precise. */
static bool parse_iso(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	cursor c = {line, line + len};
	bool rfc3339_zone;

	skip_pri(&c);
	if (c.end - c.p < 20 || c.p[4] != '-' || c.p[10] != 'T' ||
	    !read_iso_stamp(&c, rec, &rfc3339_zone))
		return false;
	if (!eat(&c, ' ') || !read_tail(env, &c, rec, false))
		return false;
	/* journalctl <= v254 prints "+0000"; rsyslog and journalctl v255+ "+00:00". */
	rec->wrapper = !rfc3339_zone || hint(env) == OOMSIFT_WRAP_JOURNAL_ISO
	                   ? OOMSIFT_WRAP_JOURNAL_ISO
	                   : OOMSIFT_WRAP_RFC3339;
	return true;
}

/* "<PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]" with
 * "-" for each nil value. */
static bool parse_rfc5424(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	cursor c = {line, line + len};
	oomsift_span g[6];
	int64_t pri, pid;
	bool colon;

	if (!eat(&c, '<') || !read_num(&c, 1, 3, &pri) || !eat_str(&c, ">1 "))
		return false;
	if (!eat(&c, '-') && !read_iso_stamp(&c, rec, &colon))
		return false;
	if (!eat(&c, ' ') || !oomsift_re_match(&env->rfc5424, c.p, (size_t)(c.end - c.p), g, 6))
		return false;
	rec->wrapper = OOMSIFT_WRAP_RFC5424;
	if (!(g[1].len == 1 && g[1].ptr[0] == '-'))
		rec->host = keep(env->host, sizeof(env->host), g[1].ptr, g[1].len, &rec->host_len);
	if (!(g[2].len == 1 && g[2].ptr[0] == '-'))
		rec->ident =
		    keep(env->ident, sizeof(env->ident), g[2].ptr, g[2].len, &rec->ident_len);
	if (oomsift_span_i64(g[3], &pid))
		rec->pid = pid;
	c.p = g[0].ptr + g[0].len;
	eat_str(&c, "\xef\xbb\xbf"); /* an RFC5424 MSG may start with a BOM */
	set_msg(rec, c.p, c.end);
	strip_kernel_ts(env, rec);
	return true;
}

/* journalctl short-full: "Sun 2026-11-05 10:11:12[.123456] UTC host ident: ". */
static bool parse_journal_full(oomsift_envelope *env, const char *line, size_t len,
                               oomsift_record *rec)
{
	cursor c = {line, line + len};
	int64_t y, mo, d, h, mi, s, off;
	double frac = 0;
	bool subsec = false, colon;
	const char *zone;

	while (c.p < c.end && (is_upper(*c.p) || is_lower(*c.p)))
		c.p++;
	if (c.p - line < 2 || c.p - line > 3 || !eat(&c, ' ') || !read_date(&c, ' ', &y, &mo, &d) ||
	    !read_hms(&c, &h, &mi, &s))
		return false;
	if (eat(&c, '.')) {
		if (!read_fraction(&c, &frac))
			return false;
		subsec = true;
	}
	if (!eat(&c, ' '))
		return false;
	zone = c.p;
	if (!read_zone_offset(&c, &off, &colon)) {
		while (c.p < c.end && (is_upper(*c.p) || is_lower(*c.p)))
			c.p++;
		if (!zone_abbrev_offset(zone, (size_t)(c.p - zone), &off))
			off = INT64_MIN;
	}
	if (c.p == zone || !eat(&c, ' ') || !read_tail(env, &c, rec, true))
		return false;
	rec->wrapper = OOMSIFT_WRAP_JOURNAL_FULL;
	/* An unknown zone abbreviation costs the wall time only. */
	if (off != INT64_MIN)
		set_wall_local(rec, y, mo, d, h, mi, s, off, frac, subsec);
	return true;
}

/* journalctl short-monotonic: "[  123.456789] host ident[pid]: ". */
static bool parse_journal_mono(oomsift_envelope *env, const char *line, size_t len,
                               oomsift_record *rec)
{
	oomsift_span g[5];
	cursor up;
	int64_t pid;

	if (!oomsift_re_match(&env->mono, line, len, g, 5))
		return false;
	rec->wrapper = OOMSIFT_WRAP_JOURNAL_MONO;
	up = (cursor){g[1].ptr, g[1].ptr + g[1].len};
	rec->has_uptime = read_seconds(&up, &rec->uptime);
	rec->host = keep(env->host, sizeof(env->host), g[2].ptr, g[2].len, &rec->host_len);
	rec->ident = keep(env->ident, sizeof(env->ident), g[3].ptr, g[3].len, &rec->ident_len);
	if (g[4].ptr && oomsift_span_i64(g[4], &pid))
		rec->pid = pid;
	set_msg(rec, g[0].ptr + g[0].len, line + len);
	return true;
}

/* journalctl short-unix: "1699179072.123456 host ident[pid]: ". */
static bool parse_journal_unix(oomsift_envelope *env, const char *line, size_t len,
                               oomsift_record *rec)
{
	cursor c = {line, line + len};
	int64_t secs;
	double frac;

	if (!read_num(&c, 9, 12, &secs) || !eat(&c, '.') || !read_fraction(&c, &frac) ||
	    !eat(&c, ' ') || !read_tail(env, &c, rec, true))
		return false;
	rec->wrapper = OOMSIFT_WRAP_JOURNAL_UNIX;
	set_wall(rec, (double)secs + frac, true);
	return true;
}

static bool is_hex32(const char *p, const char *end)
{
	if (end - p < 32)
		return false;
	for (int i = 0; i < 32; i++)
		if (hex_value(p[i]) < 0)
			return false;
	return true;
}

/* journalctl's boot separators (MARK) and header and notice lines (META). */
static bool parse_journal_line(oomsift_envelope *env, const char *line, size_t len,
                               oomsift_record *rec)
{
	cursor c = {line, line + len};

	if (eat_str(&c, "-- Boot ") && is_hex32(c.p, c.end) && c.end - c.p == 35 &&
	    memcmp(c.p + 32, " --", 3) == 0) {
		memcpy(env->boot_id, c.p, 32);
		env->boot_id[32] = '\0';
		env->have_boot = true;
		rec->wrapper = OOMSIFT_WRAP_MARK;
		rec->boot_id = env->boot_id;
		rec->boot_id_len = 32;
	} else if (len == 12 && memcmp(line, "-- Reboot --", 12) == 0) {
		env->have_boot = false; /* a boot whose id journalctl (<= v246) did not print */
		rec->wrapper = OOMSIFT_WRAP_MARK;
	} else {
		for (size_t i = 0; i < sizeof(meta_prefixes) / sizeof(meta_prefixes[0]); i++) {
			c = (cursor){line, line + len};
			if (eat_str(&c, meta_prefixes[i])) {
				rec->wrapper = OOMSIFT_WRAP_META;
				set_msg(rec, line, line + len);
				return true;
			}
		}
		return false;
	}
	/* The separator names no host: it ends the boot of the record before it. */
	rec->host = env->prev.host;
	rec->host_len = env->prev.host_len;
	set_msg(rec, line, line + len);
	return true;
}

/* ---- dispatch ---- */

/* Tries one wrapper, after a check of the first byte that every line of it
 * passes (most lines are rejected before any parsing). */
static bool try_wrapper(oomsift_envelope *env, oomsift_wrapper w, const char *line, size_t len,
                        oomsift_record *rec)
{
	char c0 = len ? line[0] : '\0';

	switch (w) {
	case OOMSIFT_WRAP_DMESG:
		return (c0 == '[' || c0 == '<' || is_lower(c0) || is_digit(c0)) &&
		       parse_dmesg(env, line, len, rec);
	case OOMSIFT_WRAP_DMESG_T:
		return (c0 == '[' || is_lower(c0)) && parse_dmesg_t(env, line, len, rec);
	case OOMSIFT_WRAP_RFC3164:
	case OOMSIFT_WRAP_JOURNAL_SHORT:
		return (is_upper(c0) || c0 == '<') && parse_bsd(env, line, len, rec);
	case OOMSIFT_WRAP_RFC3339:
	case OOMSIFT_WRAP_JOURNAL_ISO:
		return (is_digit(c0) || c0 == '<') && parse_iso(env, line, len, rec);
	case OOMSIFT_WRAP_RFC5424:
		return c0 == '<' && parse_rfc5424(env, line, len, rec);
	case OOMSIFT_WRAP_KMSG:
		return is_digit(c0) && parse_kmsg(env, line, len, rec);
	case OOMSIFT_WRAP_JOURNAL_FULL:
		return is_upper(c0) && parse_journal_full(env, line, len, rec);
	case OOMSIFT_WRAP_JOURNAL_MONO:
		return c0 == '[' && parse_journal_mono(env, line, len, rec);
	case OOMSIFT_WRAP_JOURNAL_UNIX:
		return is_digit(c0) && parse_journal_unix(env, line, len, rec);
	case OOMSIFT_WRAP_MARK:
	case OOMSIFT_WRAP_META:
		return (c0 == '-' || c0 == 'N' || c0 == 'W' || c0 == 'H') &&
		       parse_journal_line(env, line, len, rec);
	default:
		return false;
	}
}

/* Automatic detection: every wrapper but journalctl short-monotonic, which
 * raw dmesg lines can look like (it needs a sniffed hint or --format). */
static const oomsift_wrapper auto_order[] = {
    OOMSIFT_WRAP_RFC3164, OOMSIFT_WRAP_DMESG,        OOMSIFT_WRAP_DMESG_T,
    OOMSIFT_WRAP_RFC3339, OOMSIFT_WRAP_RFC5424,      OOMSIFT_WRAP_KMSG,
    OOMSIFT_WRAP_MARK,    OOMSIFT_WRAP_JOURNAL_FULL, OOMSIFT_WRAP_JOURNAL_UNIX,
};

static bool find_wrapper(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	oomsift_wrapper prefer = env->opts.prefer;

	if (env->opts.forced) {
		oomsift_wrapper f = env->opts.force;
		if (f == OOMSIFT_WRAP_BARE)
			return false;
		/* util-linux dmesg: one program, its uptime and wall-clock forms. */
		if (f == OOMSIFT_WRAP_DMESG_T)
			f = OOMSIFT_WRAP_DMESG;
		return try_wrapper(env, f, line, len, rec) ||
		       (f == OOMSIFT_WRAP_DMESG &&
		        try_wrapper(env, OOMSIFT_WRAP_DMESG_T, line, len, rec)) ||
		       try_wrapper(env, OOMSIFT_WRAP_MARK, line, len, rec);
	}
	if (prefer != OOMSIFT_WRAP_BARE && try_wrapper(env, prefer, line, len, rec))
		return true;
	if (env->last != prefer && try_wrapper(env, env->last, line, len, rec))
		return true;
	for (size_t i = 0; i < sizeof(auto_order) / sizeof(auto_order[0]); i++)
		if (auto_order[i] != env->last && auto_order[i] != prefer &&
		    try_wrapper(env, auto_order[i], line, len, rec))
			return true;
	return false;
}

static void strip_kernel_tag(oomsift_record *rec)
{
	/* Bare `kernel:` / `kernel: ` in front of the message (grep of a syslog). */
	if (rec->msg_len >= 7 && memcmp(rec->msg, "kernel:", 7) == 0) {
		rec->msg += 7;
		rec->msg_len -= 7;
		if (rec->msg_len && rec->msg[0] == ' ') {
			rec->msg++;
			rec->msg_len--;
		}
	}
}

/* Wrappers that journalctl prints (or that its short modes look like), whose
 * lines --no-full may have ellipsized. */
static bool pager_may_cut(oomsift_wrapper w)
{
	switch (w) {
	case OOMSIFT_WRAP_RFC3164:
	case OOMSIFT_WRAP_RFC3339:
	case OOMSIFT_WRAP_JOURNAL_SHORT:
	case OOMSIFT_WRAP_JOURNAL_ISO:
	case OOMSIFT_WRAP_JOURNAL_FULL:
	case OOMSIFT_WRAP_JOURNAL_MONO:
	case OOMSIFT_WRAP_JOURNAL_UNIX:
		return true;
	default:
		return false;
	}
}

/* memchr for the needle's first byte runs vectorised; memmem does not. */
static const char *find_from_first_byte(const char *s, size_t len, const char *needle, size_t n)
{
	const char *end = s + len, *p = s;

	while ((size_t)(end - p) >= n && (p = memchr(p, needle[0], (size_t)(end - p) - n + 1))) {
		if (memcmp(p, needle, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

static bool has_ellipsis(const char *s, size_t len)
{
	return find_from_first_byte(s, len, ellipsis, sizeof(ellipsis) - 1) != NULL;
}

static void parse_unwrapped(oomsift_envelope *env, const char *line, size_t len, uint64_t lineno,
                            oomsift_record *rec)
{
	if (len && (line[0] == ' ' || line[0] == '\t') && env->prev.wrapper != OOMSIFT_WRAP_BARE) {
		/* Continuation of a multi-line record: inherit host and times. */
		*rec = env->prev;
		rec->wrapper = OOMSIFT_WRAP_CONTINUATION;
		rec->lineno = lineno;
		rec->cut = false;
	} else {
		rec->wrapper = OOMSIFT_WRAP_BARE;
	}
	while (len && (line[0] == ' ' || line[0] == '\t')) {
		line++;
		len--;
	}
	set_msg(rec, line, line + len);
	strip_kernel_tag(rec);
	/* journalctl --no-full keeps 3 lines of a message and ends the last with "...". */
	if (rec->wrapper == OOMSIFT_WRAP_CONTINUATION && pager_may_cut(env->prev.wrapper))
		rec->cut =
		    has_ellipsis(rec->msg, rec->msg_len) ||
		    (rec->msg_len >= 3 && memcmp(rec->msg + rec->msg_len - 3, "...", 3) == 0);
}

/* The reader a wrapper's lines go through, for the wrappers whose header
 * may be reused: 1 parse_bsd, 2 parse_iso, 0 others. */
static int header_reader(oomsift_wrapper w)
{
	switch (w) {
	case OOMSIFT_WRAP_RFC3164:
	case OOMSIFT_WRAP_JOURNAL_SHORT:
		return 1;
	case OOMSIFT_WRAP_RFC3339:
	case OOMSIFT_WRAP_JOURNAL_ISO:
		return 2;
	default:
		return 0;
	}
}

/* The wrapper find_wrapper tries first on the next line. */
static oomsift_wrapper first_tried(const oomsift_envelope *env)
{
	if (env->opts.forced)
		return env->opts.force;
	return env->opts.prefer != OOMSIFT_WRAP_BARE ? env->opts.prefer : env->last;
}

/* Keeps the header of a line just read by parse_bsd or parse_iso, and its
 * record as it was before the kernel time stamp was read. */
static void header_keep(oomsift_envelope *env, const char *line, const oomsift_record *rec)
{
	size_t n = env->tail_end ? (size_t)(env->tail_end - line) : 0;

	env->hdr_len = 0;
	if (!n || n > sizeof(env->hdr) || !header_reader(rec->wrapper))
		return;
	memcpy(env->hdr, line, n);
	env->hdr_rec = *rec;
	env->hdr_rec.caller = NULL;
	env->hdr_rec.caller_len = 0;
	env->hdr_rec.has_uptime = false;
	env->hdr_rec.uptime = 0;
	env->hdr_rec.cut = false;
	if (rec->host)
		env->hdr_rec.host = keep(env->hdr_host, sizeof(env->hdr_host), rec->host,
		                         rec->host_len, &env->hdr_rec.host_len);
	if (rec->ident)
		env->hdr_rec.ident = keep(env->hdr_ident, sizeof(env->hdr_ident), rec->ident,
		                          rec->ident_len, &env->hdr_rec.ident_len);
	env->hdr_len = n;
}

/* A line that starts with the kept header, and that find_wrapper would
 * give to the same reader first, is read as that reader would read it:
 * every byte the reader looks at up to the header's end is the same, and
 * it looks at none after it (read_tail sets tail_end only then); the
 * kernel time stamp after the header is read as the reader reads it. */
static bool header_reuse(oomsift_envelope *env, const char *line, size_t len, uint64_t lineno,
                         oomsift_record *rec)
{
	if (!env->hdr_len || len < env->hdr_len ||
	    header_reader(first_tried(env)) != header_reader(env->hdr_rec.wrapper) ||
	    memcmp(line, env->hdr, env->hdr_len) != 0)
		return false;
	*rec = env->hdr_rec;
	rec->lineno = lineno;
	set_msg(rec, line + env->hdr_len, line + len);
	strip_kernel_ts(env, rec);
	return true;
}

void oomsift_envelope_parse(oomsift_envelope *env, const char *line, size_t len, uint64_t lineno,
                            oomsift_record *rec)
{
	if (env->prev.wrapper == OOMSIFT_WRAP_KMSG && is_kmsg_dict(line, len)) {
		memset(rec, 0, sizeof(*rec));
		rec->pid = -1;
		rec->lineno = lineno;
		rec->wrapper = OOMSIFT_WRAP_META;
		set_msg(rec, line, line + len);
		return;
	}
	if (!header_reuse(env, line, len, lineno, rec)) {
		memset(rec, 0, sizeof(*rec));
		rec->pid = -1;
		rec->lineno = lineno;
		env->tail_end = NULL;
		if (!find_wrapper(env, line, len, rec)) {
			parse_unwrapped(env, line, len, lineno, rec);
			return;
		}
		if (rec->wrapper == OOMSIFT_WRAP_MARK || rec->wrapper == OOMSIFT_WRAP_META)
			return;
		header_keep(env, line, rec);
	}
	if (pager_may_cut(rec->wrapper) && has_ellipsis(rec->msg, rec->msg_len))
		rec->cut = true;
	if (env->have_boot) {
		rec->boot_id = env->boot_id;
		rec->boot_id_len = 32;
	}
	env->last = rec->wrapper;
	env->prev = *rec;
}

const char *oomsift_record_next_break(const char *msg, size_t len, size_t *width)
{
	const char *nl = memchr(msg, '\n', len);
	const char *esc = find_from_first_byte(msg, nl ? (size_t)(nl - msg) : len, "#012", 4);

	if (esc) {
		*width = 4;
		return esc;
	}
	if (nl)
		*width = 1;
	return nl;
}
