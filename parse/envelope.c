#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timeutil.h"
#include "oomsift/envelope.h"
#include "oomsift/error.h"
#include "parse/re.h"

/* Optional kernel timestamp and caller id as printed after a syslog tag, by
 * the console, by syslog(2) and by util-linux dmesg (>= 2.40 puts the caller
 * in its own bracket after a space). */
#define KTS "\\[\\s*(\\d+\\.\\d+)\\](?:\\[\\s*([TC]\\d+)\\])? ?(?:\\[\\s*([TC]\\d+)\\] )?"

/* Wrapper patterns (kernel-formats.md §2.1-2.3, Appendix B). */
static const char *const pat_dmesg = "^(?:<\\d{1,3}>)?(?:[a-z]+\\s*:[a-z]+\\s*: )?" KTS "(.*)$";
static const char *const pat_dmesg_t =
    "^(?:[a-z]+\\s*:[a-z]+\\s*: )?\\[\\S+\\.? (\\S+) ?([ \\d]?\\d) (\\d\\d):(\\d\\d):(\\d\\d) "
    "(\\d{4})\\] ?(?:\\[\\s*([TC]\\d+)\\] )?(.*)$";
/* "host: msg" (a collector's form, no tag) or "host [<fac.lvl>] tag[pid]: msg". */
static const char *const pat_rfc3164 =
    "^(?:<\\d{1,3}>)?([A-Z][a-z]{2}) ([ \\d]\\d) (\\d\\d):(\\d\\d):(\\d\\d) (?:(\\S+?): |(\\S+) "
    "(?:<[a-z]+\\.[a-z]+> )?(?:([^\\s:\\[]+)(?:\\[\\d+\\])?: ?)?)(?:" KTS ")?(.*)$";

struct oomsift_envelope {
	oomsift_envelope_opts opts;
	oomsift_re dmesg, dmesg_t, rfc3164;
	oomsift_wrapper last; /* wrapper of the previous line, tried first */
	oomsift_record prev;  /* metadata inherited by continuation lines */
	char host[256];
	char ident[64];
	char caller[16];
	int cached_month; /* RFC3164 year cache: month -> year for ref_time */
	int cached_year;
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
	if ((rc = oomsift_re_compile(&env->dmesg, pat_dmesg)) < 0 ||
	    (rc = oomsift_re_compile(&env->dmesg_t, pat_dmesg_t)) < 0 ||
	    (rc = oomsift_re_compile(&env->rfc3164, pat_rfc3164)) < 0) {
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
	oomsift_re_free(&env->dmesg);
	oomsift_re_free(&env->dmesg_t);
	oomsift_re_free(&env->rfc3164);
	free(env);
}

static int span_int(oomsift_span sp)
{
	int v = 0;

	for (size_t i = 0; i < sp.len; i++)
		if (sp.ptr[i] >= '0' && sp.ptr[i] <= '9')
			v = v * 10 + (sp.ptr[i] - '0');
	return v;
}

static double span_double(oomsift_span sp)
{
	char tmp[32];

	if (sp.len >= sizeof(tmp))
		return 0;
	memcpy(tmp, sp.ptr, sp.len);
	tmp[sp.len] = '\0';
	return strtod(tmp, NULL);
}

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

/* Copies a span into fixed storage owned by the envelope; returns the copy. */
static const char *keep(char *dst, size_t cap, oomsift_span sp, size_t *len)
{
	size_t n = sp.len < cap - 1 ? sp.len : cap - 1;

	memcpy(dst, sp.ptr, n);
	dst[n] = '\0';
	*len = n;
	return dst;
}

static void set_kernel_ts(oomsift_envelope *env, oomsift_record *rec, oomsift_span ts,
                          oomsift_span caller1, oomsift_span caller2)
{
	oomsift_span caller = caller1.ptr ? caller1 : caller2;

	if (ts.ptr) {
		rec->uptime = span_double(ts);
		rec->has_uptime = true;
	}
	if (caller.ptr)
		rec->caller = keep(env->caller, sizeof(env->caller), caller, &rec->caller_len);
}

static bool parse_dmesg(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	oomsift_span g[5];

	if (!oomsift_re_match(&env->dmesg, line, len, g, 5))
		return false;
	rec->wrapper = OOMSIFT_WRAP_DMESG;
	set_kernel_ts(env, rec, g[1], g[2], g[3]);
	rec->msg = g[4].ptr;
	rec->msg_len = g[4].len;
	return true;
}

static bool parse_dmesg_t(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	oomsift_span g[9];
	int month;

	if (!oomsift_re_match(&env->dmesg_t, line, len, g, 9))
		return false;
	rec->wrapper = OOMSIFT_WRAP_DMESG_T;
	month = oomsift_month_from_name(g[1].ptr, g[1].len);
	/* A locale whose month names we cannot read costs the wall time only. */
	if (month) {
		rec->wall =
		    (double)oomsift_civil_to_unix(span_int(g[6]), month, span_int(g[2]),
		                                  span_int(g[3]), span_int(g[4]), span_int(g[5]));
		rec->has_wall = true;
	}
	if (g[7].ptr)
		rec->caller = keep(env->caller, sizeof(env->caller), g[7], &rec->caller_len);
	rec->msg = g[8].ptr;
	rec->msg_len = g[8].len;
	return true;
}

static bool parse_rfc3164(oomsift_envelope *env, const char *line, size_t len, oomsift_record *rec)
{
	oomsift_span g[13];
	int month, day;

	if (!oomsift_re_match(&env->rfc3164, line, len, g, 13))
		return false;
	month = oomsift_month_from_name(g[1].ptr, g[1].len);
	if (!month)
		return false;
	rec->wrapper = OOMSIFT_WRAP_RFC3164;
	day = span_int(g[2]);
	rec->wall = (double)oomsift_civil_to_unix(infer_year(env, month, day), month, day,
	                                          span_int(g[3]), span_int(g[4]), span_int(g[5]));
	rec->has_wall = true;
	rec->host = keep(env->host, sizeof(env->host), g[6].ptr ? g[6] : g[7], &rec->host_len);
	if (g[8].ptr)
		rec->ident = keep(env->ident, sizeof(env->ident), g[8], &rec->ident_len);
	set_kernel_ts(env, rec, g[9], g[10], g[11]);
	rec->msg = g[12].ptr;
	rec->msg_len = g[12].len;
	return true;
}

static bool try_wrapper(oomsift_envelope *env, oomsift_wrapper w, const char *line, size_t len,
                        oomsift_record *rec)
{
	switch (w) {
	case OOMSIFT_WRAP_DMESG:
		return len && (line[0] == '[' || line[0] == '<' || line[0] == 'k') &&
		       parse_dmesg(env, line, len, rec);
	case OOMSIFT_WRAP_DMESG_T:
		return len && (line[0] == '[' || line[0] == 'k') &&
		       parse_dmesg_t(env, line, len, rec);
	case OOMSIFT_WRAP_RFC3164:
		return len && ((line[0] >= 'A' && line[0] <= 'Z') || line[0] == '<') &&
		       parse_rfc3164(env, line, len, rec);
	default:
		return false;
	}
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

void oomsift_envelope_parse(oomsift_envelope *env, const char *line, size_t len, uint64_t lineno,
                            oomsift_record *rec)
{
	static const oomsift_wrapper order[] = {OOMSIFT_WRAP_RFC3164, OOMSIFT_WRAP_DMESG,
	                                        OOMSIFT_WRAP_DMESG_T};
	bool found;

	memset(rec, 0, sizeof(*rec));
	rec->pid = -1;
	rec->lineno = lineno;
	found = try_wrapper(env, env->last, line, len, rec);
	for (size_t i = 0; !found && i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] != env->last)
			found = try_wrapper(env, order[i], line, len, rec);

	if (found) {
		env->last = rec->wrapper;
		env->prev = *rec;
		return;
	}
	if (len && (line[0] == ' ' || line[0] == '\t') && env->prev.wrapper != OOMSIFT_WRAP_BARE) {
		/* Continuation of a multi-line record: inherit host and times. */
		*rec = env->prev;
		rec->wrapper = OOMSIFT_WRAP_CONTINUATION;
		rec->lineno = lineno;
	} else {
		rec->wrapper = OOMSIFT_WRAP_BARE;
	}
	while (len && (line[0] == ' ' || line[0] == '\t')) {
		line++;
		len--;
	}
	rec->msg = line;
	rec->msg_len = len;
	strip_kernel_tag(rec);
}
