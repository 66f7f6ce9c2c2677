/*
 * Templates: text with {NAME} and {NAME|FORMAT} placeholders, parsed when the
 * rule loads (every name and format checked, errors pointing into the
 * template) and rendered per match. `{{` and `}}` are literal braces.
 *
 * Sizes (kb, bytes, pages) use binary units: below 1024 bytes "N B"; else the
 * largest unit (KiB, MiB, GiB, TiB, PiB, EiB) the value reaches, with one
 * decimal below 10 ("1.5 GiB") and none from 10 on ("512 MiB"), rounded half
 * away from zero; a value that rounds up to 1024 of a unit is shown in the
 * next ("1.0 GiB"). pct shows a share as a whole percentage (0.873: "87%").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "rules/internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const formats[] = {"", "kb", "bytes", "pages", "pct", "int", "text"};

static const struct {
	const char *name;
	tseg_kind kind;
	oomsift_value_type type;
} eval_values[] = {
    {"history.count", TS_HISTORY_COUNT, OOMSIFT_VALUE_INT},
    {"trend.slope_per_day", TS_TREND_SLOPE, OOMSIFT_VALUE_REAL},
    {"trend.points", TS_TREND_POINTS, OOMSIFT_VALUE_INT},
    {"trend.first", TS_TREND_FIRST, OOMSIFT_VALUE_REAL},
    {"trend.last", TS_TREND_LAST, OOMSIFT_VALUE_REAL},
};

static int nomem(void)
{
	return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
}

void template_free(template *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->segs[i].text);
	free(t->segs);
	t->segs = NULL;
	t->n = 0;
}

/* ---- parsing ---- */

typedef struct tparse {
	cctx *cc;
	const ynode *node;
	unsigned flags;
	template *t;
	size_t cap;
	oomsift_buf lit; /* literal text not yet in a segment */
} tparse;

static int tp_error(tparse *tp, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int tp_error(tparse *tp, size_t off, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rl_verror(tp->cc->ld, ynode_mark_at(tp->cc->ld, tp->node, off), fmt, ap);
	va_end(ap);
	return rc;
}

static int add_seg(tparse *tp, tseg_kind kind, const char *text, size_t len, tseg **out)
{
	int rc = oomsift_vec_reserve((void **)&tp->t->segs, &tp->cap, sizeof(tseg), tp->t->n + 1,
	                             OOMSIFT_RULES_MAX_TEMPLATE + 1);
	tseg *s;

	if (rc < 0)
		return rc == OOMSIFT_ELIMIT ? nomem() : rc;
	s = &tp->t->segs[tp->t->n];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->threshold = -1;
	if (!(s->text = malloc(len + 1)))
		return nomem();
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	tp->t->n++;
	*out = s;
	return 0;
}

static int flush_literal(tparse *tp)
{
	tseg *s;
	int rc;

	if (tp->lit.len == 0)
		return 0;
	rc = add_seg(tp, TS_TEXT, tp->lit.data, tp->lit.len, &s);
	tp->lit.len = 0;
	return rc;
}

static int resolve_threshold(tparse *tp, tseg *s, size_t off)
{
	const char *name = s->text + strlen("threshold.");
	int idx = threshold_find(tp->cc->r, name, strlen(name));

	if (idx < 0)
		return tp_error(tp, off, "unknown threshold '%s' in template", name);
	tp->cc->r->th[idx].used = true;
	s->kind = TS_THRESHOLD;
	s->threshold = idx;
	s->type = OOMSIFT_VALUE_REAL;
	return 0;
}

static int resolve_eval_value(tparse *tp, tseg *s, size_t off)
{
	bool history = strncmp(s->text, "history.", 8) == 0;
	const cond *own = history ? tp->cc->r->history : tp->cc->r->trend;

	if (tp->flags & TPL_NO_EVAL_VALUES)
		return tp_error(tp, off, "a trend's name cannot use '%s'", s->text);
	for (size_t i = 0; i < COUNT(eval_values); i++) {
		if (strcmp(s->text, eval_values[i].name) != 0)
			continue;
		if (!own)
			return tp_error(tp, off,
			                "template uses '%s', but the rule has no %s condition",
			                s->text, history ? "history" : "trend");
		s->kind = eval_values[i].kind;
		s->type = eval_values[i].type;
		return 0;
	}
	return tp_error(tp, off, "unknown value '%s' in template (%s)", s->text,
	                history ? "history.count"
	                        : "trend.slope_per_day, trend.points, trend.first, trend.last");
}

static int resolve_field(tparse *tp, tseg *s, size_t off)
{
	const oomsift_rule_field *f = NULL;
	const char *near = NULL;

	if (s->len <= RULES_MAX_FIELD_NAME && strlen(s->text) == s->len)
		f = fields_lookup(tp->cc->r->subject, s->text, &near);
	if (!f && near)
		return tp_error(tp, off, "unknown field '%s' in template (did you mean '%s'?)",
		                s->text, near);
	if (!f)
		return tp_error(tp, off, "unknown field '%.64s' in template", s->text);
	s->type = f->type;
	return 0;
}

static int resolve_format(tparse *tp, tseg *s, const char *fmt, size_t len, size_t off)
{
	char name[16];

	for (size_t i = 1; i < COUNT(formats); i++)
		if (strlen(formats[i]) == len && memcmp(formats[i], fmt, len) == 0)
			s->format = (tformat)i;
	if (!s->format) {
		snprintf(name, sizeof(name), "%.*s", (int)(len > 12 ? 12 : len), fmt);
		return tp_error(
		    tp, off, "unknown format '%s' in template (kb, bytes, pages, pct, int, text)",
		    name);
	}
	if (s->format != TF_TEXT && s->type == OOMSIFT_VALUE_TEXT)
		return tp_error(tp, off, "format '%s' needs a number, but '%s' is text",
		                formats[s->format], s->text);
	return 0;
}

/* The placeholder text[open+1 .. close): NAME or NAME|FORMAT. */
static int placeholder(tparse *tp, const char *text, size_t open, size_t close)
{
	const char *body = text + open + 1, *bar = memchr(body, '|', close - open - 1);
	size_t nlen = bar ? (size_t)(bar - body) : close - open - 1;
	tseg *s;
	int rc;

	if (nlen == 0)
		return tp_error(tp, open, "empty placeholder in template (write {{ for a brace)");
	if ((rc = flush_literal(tp)) < 0 || (rc = add_seg(tp, TS_FIELD, body, nlen, &s)) < 0)
		return rc;
	if (strncmp(s->text, "threshold.", 10) == 0)
		rc = resolve_threshold(tp, s, open + 1);
	else if (strncmp(s->text, "history.", 8) == 0 || strncmp(s->text, "trend.", 6) == 0)
		rc = resolve_eval_value(tp, s, open + 1);
	else
		rc = resolve_field(tp, s, open + 1);
	if (rc < 0 || !bar)
		return rc;
	return resolve_format(tp, s, bar + 1, close - (size_t)(bar + 1 - text),
	                      (size_t)(bar + 1 - text));
}

static int parse_text(tparse *tp)
{
	const char *text = tp->node->text;
	size_t len = tp->node->len;
	int rc;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if ((c == '{' || c == '}') && i + 1 < len && text[i + 1] == c) {
			if ((rc = oomsift_buf_putc(&tp->lit, c)) < 0)
				return rc;
			i++;
			continue;
		}
		if (c == '}')
			return tp_error(tp, i, "unmatched '}' in template (write }} for a brace)");
		if (c != '{') {
			if ((rc = oomsift_buf_putc(&tp->lit, c)) < 0)
				return rc;
			continue;
		}
		size_t close = i + 1;
		while (close < len && text[close] != '}' && text[close] != '{')
			close++;
		if (close == len || text[close] == '{')
			return tp_error(tp, i, "unclosed '{' in template (write {{ for a brace)");
		if ((rc = placeholder(tp, text, i, close)) < 0)
			return rc;
		i = close;
	}
	return flush_literal(tp);
}

int template_compile(cctx *cc, const ynode *n, unsigned flags, template *out)
{
	tparse tp = {.cc = cc, .node = n, .flags = flags, .t = out};
	int rc;

	memset(out, 0, sizeof(*out));
	if (n->len > OOMSIFT_RULES_MAX_TEMPLATE)
		return rl_error(cc->ld, n->start, "template longer than %d bytes",
		                OOMSIFT_RULES_MAX_TEMPLATE);
	oomsift_buf_init(&tp.lit, 0);
	rc = parse_text(&tp);
	oomsift_buf_free(&tp.lit);
	if (rc < 0)
		template_free(out);
	return rc;
}

/* ---- rendering ---- */

/* Below 2^53 a double holds every integer exactly: printed digit by digit. */
#define FORMAT_SIZE_EXACT 9007199254740992.0

/* snprintf(buf, cap, "%s%s %s", sign, digits, unit), without printf. */
static void put_size(char *buf, size_t cap, const char *sign, const char *digits, const char *unit)
{
	const char *parts[] = {sign, digits, " ", unit};
	size_t at = 0;

	if (!cap)
		return;
	for (size_t i = 0; i < COUNT(parts); i++)
		for (const char *p = parts[i]; *p && at + 1 < cap; p++)
			buf[at++] = *p;
	buf[at] = '\0';
}

void format_size(double bytes, char *buf, size_t cap)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	const char *sign = bytes < 0 ? "-" : "";
	double x = fabs(bytes), r;
	size_t u = 0;

	while (x >= 1024 && u + 1 < COUNT(units)) {
		x /= 1024;
		u++;
	}
	/* The tenths and whole numbers below are printed as integers: what
	 * "%.1f" of round(x * 10) / 10 and "%.0f" of round(x) print, without
	 * printf's conversion of a double (most of the cost of a template). */
	if (u > 0 && x < 10) {
		r = round(x * 10);
		if (r < 100) {
			int tenths = (int)r;
			char digits[] = {(char)('0' + tenths / 10), '.', (char)('0' + tenths % 10),
			                 '\0'};
			put_size(buf, cap, sign, digits, units[u]);
			return;
		}
	}
	r = round(x);
	if (r >= 1024 && u + 1 < COUNT(units)) {
		snprintf(buf, cap, "%s%.1f %s", sign, r / 1024, units[u + 1]);
		return;
	}
	if (r < FORMAT_SIZE_EXACT) {
		char digits[24], *d = digits + sizeof(digits);
		unsigned long long n = (unsigned long long)r;
		*--d = '\0';
		do
			*--d = (char)('0' + n % 10);
		while ((n /= 10) > 0);
		put_size(buf, cap, sign, d, units[u]);
	} else {
		snprintf(buf, cap, "%s%.0f %s", sign, r, units[u]);
	}
}

/* snprintf(buf, cap, "%lld%s", i, suffix), without printf. */
static void put_int(char *buf, size_t cap, long long i, const char *suffix)
{
	char text[48], *d = text + 24, *w;
	unsigned long long n = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
	size_t at = 0;

	*--d = '\0';
	do
		*--d = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	if (i < 0)
		*--d = '-';
	if (!cap)
		return;
	for (w = d; *w && at + 1 < cap; w++)
		buf[at++] = *w;
	for (; *suffix && at + 1 < cap; suffix++)
		buf[at++] = *suffix;
	buf[at] = '\0';
}

/* "%.0f" of a whole number r, followed by suffix. */
static void put_whole(char *buf, size_t cap, double r, const char *suffix)
{
	if (r == 0)
		put_int(buf, cap, 0, suffix); /* also -0 */
	else if (fabs(r) < FORMAT_SIZE_EXACT)
		put_int(buf, cap, (long long)r, suffix);
	else
		snprintf(buf, cap, "%.0f%s", r, suffix);
}

static void format_number(const oomsift_value *v, tformat f, char *buf, size_t cap)
{
	double d = v->type == OOMSIFT_VALUE_INT ? (double)v->i : v->d;

	switch (f) {
	case TF_KB:
		format_size(d * 1024, buf, cap);
		return;
	case TF_BYTES:
		format_size(d, buf, cap);
		return;
	case TF_PAGES:
		format_size(d * 4096, buf, cap);
		return;
	case TF_PCT:
		put_whole(buf, cap, round(d * 100), "%");
		return;
	case TF_INT:
		if (v->type == OOMSIFT_VALUE_INT)
			put_int(buf, cap, (long long)v->i, "");
		else
			put_whole(buf, cap, round(d), "");
		return;
	default:
		if (v->type == OOMSIFT_VALUE_INT)
			put_int(buf, cap, (long long)v->i, "");
		else
			snprintf(buf, cap, "%g", d);
	}
}

typedef struct rstate {
	oomsift_buf *out;
	bool full;
} rstate;

static size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Appends up to RULES_MAX_RENDER bytes in all; past that, one "…" ends it. */
static int put(rstate *st, const char *s, size_t n)
{
	size_t room = RULES_MAX_RENDER - st->out->len;

	if (st->full)
		return 0;
	if (n > room) {
		st->full = true;
		n = utf8_cut(s, room > 3 ? room - 3 : 0);
		int rc = oomsift_buf_append(st->out, s, n);
		return rc < 0 ? rc : oomsift_buf_append(st->out, "\xe2\x80\xa6", 3);
	}
	return oomsift_buf_append(st->out, s, n);
}

static int put_text(rstate *st, const char *s, size_t n)
{
	int rc;

	if (n <= RULES_MAX_VALUE_TEXT)
		return put(st, s ? s : "", n);
	if ((rc = put(st, s, utf8_cut(s, RULES_MAX_VALUE_TEXT))) < 0)
		return rc;
	return put(st, "\xe2\x80\xa6", 3);
}

static int seg_value(const tseg *s, eval *ev, oomsift_value *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	switch (s->kind) {
	case TS_FIELD:
		if ((rc = ev->ctx->field(ev->ctx->data, s->text, v)) < 0)
			return rc;
		return value_check(s->text, s->type, v);
	case TS_THRESHOLD:
		v->type = OOMSIFT_VALUE_REAL;
		v->d = ev->rule->th[s->threshold].value;
		return 0;
	case TS_HISTORY_COUNT:
		v->type = ev->have_history ? OOMSIFT_VALUE_INT : OOMSIFT_VALUE_NULL;
		v->i = ev->history_count;
		return 0;
	default:
		break;
	}
	if (!ev->have_trend)
		return 0;
	v->type = s->kind == TS_TREND_POINTS ? OOMSIFT_VALUE_INT : OOMSIFT_VALUE_REAL;
	v->i = ev->trend.points;
	v->d = s->kind == TS_TREND_SLOPE   ? ev->trend.slope_per_day
	       : s->kind == TS_TREND_FIRST ? ev->trend.first
	                                   : ev->trend.last;
	return 0;
}

int template_render(const template *t, eval *ev, oomsift_buf *out, bool *saw_null)
{
	rstate st = {.out = out};
	char num[64];
	int rc = 0;

	out->len = 0;
	if ((rc = oomsift_buf_append(out, "", 0)) < 0)
		return rc;
	for (size_t i = 0; i < t->n && rc == 0; i++) {
		const tseg *s = &t->segs[i];
		oomsift_value v;
		if (s->kind == TS_TEXT) {
			rc = put(&st, s->text, s->len);
			continue;
		}
		if ((rc = seg_value(s, ev, &v)) < 0)
			return rc;
		if (v.type == OOMSIFT_VALUE_NULL) {
			if (saw_null)
				*saw_null = true;
			rc = put(&st, "unknown", 7);
		} else if (v.type == OOMSIFT_VALUE_TEXT || v.type == OOMSIFT_VALUE_BLOB) {
			rc = put_text(&st, v.s, v.len);
		} else {
			format_number(&v, s->format, num, sizeof(num));
			rc = put(&st, num, strlen(num));
		}
	}
	return rc;
}
