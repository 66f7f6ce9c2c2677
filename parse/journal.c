#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#ifdef OOMSIFT_HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "common/timeutil.h"
#include "oomsift/buf.h"
#include "oomsift/error.h"
#include "oomsift/journal.h"

#define RS 0x1e /* json-seq record separator (RFC 7464) */

/* Room for the display prefix: time stamp, host, ident, pid and ": ". */
#define DISPLAY_MAX (OOMSIFT_JOURNAL_FIELD_MAX + 2 * OOMSIFT_JOURNAL_META_MAX + 128)

/* ---- one entry: the fields a record is made of ---- */

enum field {
	F_HOSTNAME,
	F_BOOT_ID,
	F_IDENT,
	F_COMM,
	F_PID,
	F_SYSLOG_PID,
	F_TRANSPORT,
	F_SOURCE_MONOTONIC,
	F_MONOTONIC,
	F_SOURCE_REALTIME,
	F_REALTIME,
	F_MESSAGE, /* kept in its own buffer; every field before it is metadata */
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "_HOSTNAME",
    "_BOOT_ID",
    "SYSLOG_IDENTIFIER",
    "_COMM",
    "_PID",
    "SYSLOG_PID",
    "_TRANSPORT",
    "_SOURCE_MONOTONIC_TIMESTAMP",
    "__MONOTONIC_TIMESTAMP",
    "_SOURCE_REALTIME_TIMESTAMP",
    "__REALTIME_TIMESTAMP",
    "MESSAGE",
};

typedef struct meta_value {
	size_t len;
	bool set;
	char v[OOMSIFT_JOURNAL_META_MAX];
} meta_value;

typedef struct entry {
	meta_value meta[F_MESSAGE];
	oomsift_buf msg; /* MESSAGE, up to OOMSIFT_JOURNAL_FIELD_MAX */
	bool msg_set;    /* a MESSAGE value was seen */
	bool withheld;   /* MESSAGE was null (JSON) */
	bool cut;        /* a kept field was cut, or the entry was cut off */
	int open;        /* field the next bytes belong to; -1 = not kept */
	bool open_cut;   /* the open field has been cut already */
	uint64_t lineno;
} entry;

/* Where an entry's records go: shared by the three readers. */
typedef struct sink {
	const char *name;
	oomsift_record_cb cb;
	void *ctx;
	entry e;
	oomsift_buf display;
	oomsift_journal_stats st;
} sink;

static void sink_init(sink *s, const char *name, oomsift_record_cb cb, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->cb = cb;
	s->ctx = ctx;
	oomsift_buf_init(&s->e.msg, OOMSIFT_JOURNAL_FIELD_MAX);
	oomsift_buf_init(&s->display, DISPLAY_MAX);
}

static void sink_free(sink *s)
{
	oomsift_buf_free(&s->e.msg);
	oomsift_buf_free(&s->display);
}

static void entry_reset(entry *e, uint64_t lineno)
{
	for (int f = 0; f < F_MESSAGE; f++) {
		e->meta[f].set = false;
		e->meta[f].len = 0;
	}
	e->msg.len = 0;
	e->msg_set = e->withheld = e->cut = false;
	e->open = -1;
	e->lineno = lineno;
}

static int field_lookup(const char *name, size_t len)
{
	for (int f = 0; f < F_COUNT; f++)
		if (strncmp(field_names[f], name, len) == 0 && field_names[f][len] == '\0')
			return f;
	return -1;
}

/* Starts field f (or none when f < 0); the bytes that follow go to it
 * through field_put(). When a field occurs twice the first value is kept, as
 * journalctl shows it. */
static void field_open(entry *e, int f)
{
	e->open = -1;
	e->open_cut = false;
	if (f < 0)
		return;
	if (f == F_MESSAGE) {
		if (e->msg_set || e->withheld)
			return;
		e->msg_set = true;
		e->msg.len = 0;
	} else {
		if (e->meta[f].set)
			return;
		e->meta[f].set = true;
		e->meta[f].len = 0;
	}
	e->open = f;
}

static void field_open_name(entry *e, const char *name, size_t len)
{
	field_open(e, field_lookup(name, len));
}

static void field_close(entry *e)
{
	e->open = -1;
}

/* Adds bytes to the open field, up to its cap; the rest is dropped and
 * counted once per field. */
static int field_put(sink *s, const char *p, size_t n)
{
	entry *e = &s->e;
	size_t cap, have;

	if (e->open < 0 || n == 0)
		return 0;
	cap = e->open == F_MESSAGE ? OOMSIFT_JOURNAL_FIELD_MAX : OOMSIFT_JOURNAL_META_MAX;
	have = e->open == F_MESSAGE ? e->msg.len : e->meta[e->open].len;
	if (n > cap - have) {
		if (!e->open_cut)
			s->st.cut_fields++;
		e->open_cut = e->cut = true;
		n = cap - have;
	}
	if (n == 0)
		return 0;
	if (e->open == F_MESSAGE)
		return oomsift_buf_append(&e->msg, p, n);
	memcpy(e->meta[e->open].v + have, p, n);
	e->meta[e->open].len += n;
	return 0;
}

static const meta_value *meta(const entry *e, enum field f)
{
	return e->meta[f].set ? &e->meta[f] : NULL;
}

static bool meta_is(const entry *e, enum field f, const char *s)
{
	const meta_value *m = meta(e, f);

	return m && m->len == strlen(s) && memcmp(m->v, s, m->len) == 0;
}

/* A decimal field (time stamps in µs, pids): digits only, no overflow. */
static bool meta_u64(const entry *e, enum field f, uint64_t *out)
{
	const meta_value *m = meta(e, f);
	uint64_t v = 0;

	if (!m || m->len == 0)
		return false;
	for (size_t i = 0; i < m->len; i++) {
		unsigned d = (unsigned char)m->v[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool meta_either(const entry *e, enum field first, enum field second, uint64_t *out)
{
	return meta_u64(e, first, out) || meta_u64(e, second, out);
}

/* ---- entry -> records ---- */

static bool is_kernel_entry(const entry *e)
{
	return meta_is(e, F_TRANSPORT, "kernel") &&
	       (!meta(e, F_IDENT) || meta_is(e, F_IDENT, "kernel"));
}

/* Fills everything but the message; *wall_us is the wall time when has_wall. */
static void record_meta(const entry *e, oomsift_record *rec, uint64_t *wall_us)
{
	const meta_value *m;
	uint64_t v;

	memset(rec, 0, sizeof(*rec));
	rec->pid = -1;
	rec->lineno = e->lineno;
	rec->cut = e->cut;
	if ((m = meta(e, F_HOSTNAME)) && m->len) {
		rec->host = m->v;
		rec->host_len = m->len;
	}
	if ((m = meta(e, F_BOOT_ID)) && m->len) {
		rec->boot_id = m->v;
		rec->boot_id_len = m->len;
	}
	if (is_kernel_entry(e)) {
		rec->ident = "kernel";
		rec->ident_len = 6;
		if (meta_either(e, F_SOURCE_MONOTONIC, F_MONOTONIC, &v)) {
			rec->uptime = (double)v / 1e6;
			rec->has_uptime = true;
		}
	} else if ((m = meta(e, F_IDENT)) || (m = meta(e, F_COMM))) {
		rec->ident = m->v;
		rec->ident_len = m->len;
	} else {
		rec->ident = "unknown";
		rec->ident_len = 7;
	}
	if (meta_either(e, F_PID, F_SYSLOG_PID, &v) && v <= INT64_MAX)
		rec->pid = (int64_t)v;
	if (meta_either(e, F_SOURCE_REALTIME, F_REALTIME, wall_us)) {
		rec->wall = (double)*wall_us / 1e6;
		rec->has_wall = rec->wall_subsec = true;
	}
}

/* `journalctl -o short-iso-precise --utc` up to the message column. */
static int display_prefix(oomsift_buf *d, const oomsift_record *rec, uint64_t wall_us)
{
	int rc = 0;

	d->len = 0;
	if (rec->has_wall) {
		int y, mo, day, h, mi, sec;
		oomsift_unix_to_civil((int64_t)(wall_us / 1000000), &y, &mo, &day, &h, &mi, &sec);
		rc = oomsift_buf_printf(d, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+00:00 ", y, mo, day,
		                        h, mi, sec, (unsigned)(wall_us % 1000000));
	}
	if (rc == 0 && rec->host)
		if ((rc = oomsift_buf_append(d, rec->host, rec->host_len)) == 0)
			rc = oomsift_buf_putc(d, ' ');
	if (rc == 0)
		rc = oomsift_buf_append(d, rec->ident, rec->ident_len);
	if (rc == 0 && rec->pid >= 0)
		rc = oomsift_buf_printf(d, "[%" PRId64 "]", rec->pid);
	if (rc == 0)
		rc = oomsift_buf_append(d, ": ", 2);
	return rc;
}

/* Hands the finished entry to the callback: one record per message line. */
static int sink_emit(sink *s, oomsift_wrapper wrapper)
{
	entry *e = &s->e;
	oomsift_buf *d = &s->display;
	oomsift_record rec;
	uint64_t wall_us = 0;
	const char *p, *end;
	size_t prefix;
	int rc;

	s->st.entries++;
	if (!e->msg_set) {
		s->st.withheld += e->withheld;
		return 0;
	}
	record_meta(e, &rec, &wall_us);
	if ((rc = display_prefix(d, &rec, wall_us)) < 0)
		return rc;
	prefix = d->len;
	p = e->msg.len ? e->msg.data : "";
	end = p + e->msg.len;
	rec.wrapper = wrapper;
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		if (rec.wrapper == OOMSIFT_WRAP_CONTINUATION)
			memset(d->data, ' ', prefix);
		d->len = prefix;
		if ((rc = oomsift_buf_append(d, p, (size_t)(stop - p))) < 0)
			return rc;
		rec.msg = p;
		rec.msg_len = (size_t)(stop - p);
		if ((rc = s->cb(s->ctx, &rec, d->data, d->len)) < 0)
			return rc;
		rec.wrapper = OOMSIFT_WRAP_CONTINUATION;
		p = nl ? nl + 1 : end;
	} while (p < end);
	return 0;
}

/* ---- the stream reader ---- */

typedef struct json_scan {
	oomsift_buf obj; /* the object being read, up to OOMSIFT_JOURNAL_JSON_ENTRY_MAX */
	uint64_t obj_line;
	int depth;    /* of { and [ inside the object; 0 = between objects */
	bool in_str;  /* inside a JSON string */
	bool esc;     /* after a backslash in a string */
	bool pretty;  /* the object spans lines (json-pretty) */
	bool content; /* the object's first line holds more than its brace */
	bool oversize;
	bool bad_run; /* junk after an entry cut off is its remnant, not another entry */
	char junk[8]; /* text before an object on its line: "data: " of json-sse */
	size_t junk_len;
	uint64_t junk_line;
} json_scan;

enum export_state {
	X_LINE,   /* at the start of a line */
	X_NAME,   /* reading a field name */
	X_TEXT,   /* the value of NAME=value, up to the newline */
	X_LEN,    /* the 8 length bytes of a binary field */
	X_BIN,    /* the bytes of a binary value */
	X_BIN_NL, /* the newline after a binary value */
	X_SKIP,   /* the rest of a malformed line */
};

typedef struct export_scan {
	enum export_state st;
	char name[OOMSIFT_JOURNAL_NAME_MAX + 1];
	size_t name_len;
	unsigned char len_bytes[8];
	size_t len_have;
	uint64_t remaining;
	uint64_t field_line;
	bool in_entry;
	bool bad; /* the entry is malformed: skip it at its end */
	uint64_t bad_line;
	char why[128];
} export_scan;

struct oomsift_journal {
	oomsift_journal_format fmt;
	char *name;
	sink s;
	uint64_t offset; /* bytes consumed */
	uint64_t line;   /* 1-based line of the next byte */
	uint64_t entry_end;
	int failed; /* sticky error code; 0 = none */
	json_scan js;
	export_scan x;
};

int oomsift_journal_new(oomsift_journal **out, oomsift_journal_format fmt, const char *name,
                        oomsift_record_cb cb, void *ctx)
{
	oomsift_journal *j = calloc(1, sizeof(*j));

	if (!j || !(j->name = strdup(name ? name : "-"))) {
		free(j);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	j->fmt = fmt;
	j->line = 1;
	sink_init(&j->s, j->name, cb, ctx);
	oomsift_buf_init(&j->js.obj, OOMSIFT_JOURNAL_JSON_ENTRY_MAX);
	*out = j;
	return 0;
}

void oomsift_journal_free(oomsift_journal *j)
{
	if (!j)
		return;
	sink_free(&j->s);
	oomsift_buf_free(&j->js.obj);
	free(j->name);
	free(j);
}

uint64_t oomsift_journal_entry_end(const oomsift_journal *j)
{
	return j->entry_end;
}

void oomsift_journal_stats_get(const oomsift_journal *j, oomsift_journal_stats *st)
{
	*st = j->s.st;
}

/* Counts a malformed entry and leaves its description in the error slot. */
static void skip_entry(oomsift_journal *j, uint64_t line, const char *why)
{
	j->s.st.bad_entries++;
	oomsift_error_set(OOMSIFT_EINVAL, "%s: line %" PRIu64 ": %s", j->name, line, why);
}

/* ---- JSON: json, json-seq, json-sse, json-pretty ---- */

static bool is_byte_array(json_t *v)
{
	if (!json_is_array(v))
		return false;
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *el = json_array_get(v, i);
		if (!json_is_integer(el) || json_integer_value(el) < 0 ||
		    json_integer_value(el) > 255)
			return false;
	}
	return true;
}

static int put_bytes(sink *s, json_t *arr)
{
	char tmp[4096];
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < json_array_size(arr); i++) {
		tmp[n++] = (char)json_integer_value(json_array_get(arr, i));
		if (n == sizeof(tmp)) {
			if ((rc = field_put(s, tmp, n)) < 0)
				return rc;
			n = 0;
		}
	}
	return field_put(s, tmp, n);
}

/* Stores field f from its JSON value: a string, a byte array, null, or an
 * array of those (the field occurred several times: the first non-null
 * value counts). Sets *bad when the value has another shape. */
static int json_field(sink *s, int f, json_t *v, bool *bad)
{
	json_t *val = v;
	int rc;

	if (json_is_array(v) && !is_byte_array(v)) {
		val = NULL;
		for (size_t i = 0; i < json_array_size(v) && !val; i++)
			if (!json_is_null(json_array_get(v, i)))
				val = json_array_get(v, i);
	}
	if (!val || json_is_null(val)) {
		if (f == F_MESSAGE && !s->e.msg_set)
			s->e.withheld = true;
		return 0;
	}
	field_open(&s->e, f);
	rc = 0;
	if (json_is_string(val))
		rc = field_put(s, json_string_value(val), json_string_length(val));
	else if (is_byte_array(val))
		rc = put_bytes(s, val);
	else
		*bad = true;
	field_close(&s->e);
	return rc;
}

/* Parses the object read and delivers its records. */
static int json_entry(oomsift_journal *j)
{
	json_scan *js = &j->js;
	json_error_t err;
	json_t *root;
	bool bad = false;
	int rc = 0;

	root = json_loadb(js->obj.data, js->obj.len, JSON_ALLOW_NUL, &err);
	if (!root || !json_is_object(root)) {
		char why[200];
		snprintf(why, sizeof(why), "invalid JSON entry: %s",
		         root ? "not an object" : err.text);
		json_decref(root);
		skip_entry(j, js->obj_line, why);
		return 0;
	}
	entry_reset(&j->s.e, js->obj_line);
	for (int f = 0; f < F_COUNT && rc == 0 && !bad; f++) {
		json_t *v = json_object_get(root, field_names[f]);
		if (v)
			rc = json_field(&j->s, f, v, &bad);
	}
	json_decref(root);
	if (rc < 0)
		return rc;
	if (bad) {
		skip_entry(j, js->obj_line, "a field is not a string, byte array or null");
		return 0;
	}
	return sink_emit(&j->s, OOMSIFT_WRAP_JOURNAL_JSON);
}

/* Keeps n more bytes of the object, unless it has outgrown its cap. */
static int json_keep(json_scan *js, const char *p, size_t n)
{
	if (js->oversize || n == 0)
		return 0;
	if (js->obj.len + n > OOMSIFT_JOURNAL_JSON_ENTRY_MAX) {
		js->oversize = true;
		return 0;
	}
	return oomsift_buf_append(&js->obj, p, n);
}

/* Text before an object on its line is allowed only as json-sse's prefix. */
static void json_junk_end(oomsift_journal *j)
{
	json_scan *js = &j->js;
	bool sse = (js->junk_len == 5 && memcmp(js->junk, "data:", 5) == 0) ||
	           (js->junk_len == 6 && memcmp(js->junk, "data: ", 6) == 0);

	if (js->junk_len && !sse && !js->bad_run)
		skip_entry(j, js->junk_line, "not a JSON object");
	js->junk_len = 0;
}

static int json_open_object(oomsift_journal *j)
{
	json_scan *js = &j->js;

	json_junk_end(j);
	js->obj.len = 0;
	js->obj_line = j->line;
	js->depth = 1;
	js->in_str = js->esc = js->pretty = js->content = js->oversize = false;
	js->bad_run = false;
	return json_keep(js, "{", 1);
}

/* One byte between objects. */
static int json_between(oomsift_journal *j, char c)
{
	json_scan *js = &j->js;

	switch (c) {
	case '{':
		return json_open_object(j);
	case '\n':
	case RS:
		json_junk_end(j);
		return 0;
	case ' ':
	case '\t':
	case '\r':
		if (js->junk_len == 0)
			return 0;
		break;
	}
	if (js->junk_len == 0)
		js->junk_line = j->line;
	if (js->junk_len < sizeof(js->junk))
		js->junk[js->junk_len] = c;
	js->junk_len++;
	return 0;
}

/* The object cannot be complete: skip it; the byte that showed it is read
 * again between objects. */
static void json_break_off(oomsift_journal *j, const char *why)
{
	json_scan *js = &j->js;

	skip_entry(j, js->obj_line, why);
	js->depth = 0;
	js->bad_run = true;
}

/* Object bytes: finds where the object ends by its structure (strings,
 * escapes, nesting) and delivers it. A line object (json, json-seq,
 * json-sse) must end on its line; a pretty one may not nest objects. */
static int json_in_object(oomsift_journal *j, const char *p, size_t n, size_t *used)
{
	json_scan *js = &j->js;
	const char *why = NULL;
	size_t i;
	int rc;

	for (i = 0; i < n && !why; i++) {
		char c = p[i];

		if (js->in_str) {
			if (js->esc)
				js->esc = false;
			else if (c == '\\')
				js->esc = true;
			else if (c == '"')
				js->in_str = false;
			else if (c == '\n' || c == RS)
				why = "entry cut off inside a string";
			continue;
		}
		switch (c) {
		case '"':
			js->in_str = js->content = true;
			break;
		case '[':
			js->depth++;
			js->content = true;
			break;
		case '{':
			why = "entry cut off (a new object starts inside it)";
			break;
		case '}':
		case ']':
			js->content = true;
			if (--js->depth > 0)
				break;
			*used = i + 1;
			if ((rc = json_keep(js, p, i + 1)) < 0)
				return rc;
			j->entry_end = j->offset + i + 1;
			if (js->oversize) {
				skip_entry(j, js->obj_line, "entry larger than the JSON entry cap");
				return 0;
			}
			return json_entry(j);
		case '\n':
			if (!js->pretty && !js->content)
				js->pretty = true;
			else if (!js->pretty)
				why = "entry cut off at the end of its line";
			break;
		case RS:
			why = "entry cut off by a record separator";
			break;
		case ' ':
		case '\t':
		case '\r':
			break;
		default:
			js->content = true;
		}
	}
	if (why)
		i--; /* the breaking byte is read again */
	*used = i;
	if ((rc = json_keep(js, p, i)) < 0)
		return rc;
	if (why)
		json_break_off(j, why);
	return 0;
}

static int json_step(oomsift_journal *j, const char *p, size_t n, size_t *used)
{
	if (j->js.depth > 0)
		return json_in_object(j, p, n, used);
	*used = 1;
	return json_between(j, p[0]);
}

static void json_finish(oomsift_journal *j)
{
	if (j->js.depth > 0)
		json_break_off(j, "entry cut off at the end of the input");
	json_junk_end(j);
}

/* ---- export ---- */

/* journal_field_valid(): [A-Z0-9_], not starting with a digit, 1..64 bytes. */
static bool field_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > OOMSIFT_JOURNAL_NAME_MAX || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* Marks the entry malformed; the first problem is the one reported. */
static void export_bad(oomsift_journal *j, const char *why)
{
	export_scan *x = &j->x;

	if (x->bad)
		return;
	x->bad = true;
	x->bad_line = x->field_line;
	snprintf(x->why, sizeof(x->why), "%s", why);
}

/* Stops the reader: the stream's framing is lost. */
static int export_corrupt(oomsift_journal *j, const char *what)
{
	export_scan *x = &j->x;

	return oomsift_error_set(OOMSIFT_EINVAL, "%s: line %" PRIu64 ": field %.*s: %s", j->name,
	                         x->field_line, (int)x->name_len, x->name, what);
}

static int export_entry_end(oomsift_journal *j, uint64_t end)
{
	export_scan *x = &j->x;

	x->in_entry = false;
	j->entry_end = end;
	if (x->bad) {
		skip_entry(j, x->bad_line, x->why);
		return 0;
	}
	return sink_emit(&j->s, OOMSIFT_WRAP_JOURNAL_EXPORT);
}

/* The end of a field name: '=' starts a text value, a newline a binary one. */
static void export_name_end(oomsift_journal *j, char c)
{
	export_scan *x = &j->x;

	if (!field_name_valid(x->name, x->name_len)) {
		export_bad(j, "invalid field name");
		x->st = c == '=' ? X_SKIP : X_LINE;
		return;
	}
	field_open_name(&j->s.e, x->name, x->name_len);
	x->st = c == '=' ? X_TEXT : X_LEN;
	x->len_have = 0;
}

static int export_length(oomsift_journal *j)
{
	export_scan *x = &j->x;
	uint64_t len = 0;
	char what[96];

	for (int i = 7; i >= 0; i--)
		len = len << 8 | x->len_bytes[i];
	if (len > OOMSIFT_JOURNAL_EXPORT_DATA_MAX) {
		snprintf(what, sizeof(what), "binary length %" PRIu64 " is not plausible", len);
		return export_corrupt(j, what);
	}
	x->remaining = len;
	x->st = len ? X_BIN : X_BIN_NL;
	return 0;
}

/* One state of the export parser over the bytes at p; *used may be 0 when
 * the state changed without consuming. */
static int export_step(oomsift_journal *j, const char *p, size_t n, size_t *used)
{
	export_scan *x = &j->x;
	const char *nl;
	size_t take;
	int rc = 0;

	*used = 1;
	switch (x->st) {
	case X_LINE:
		if (p[0] == '\n')
			return x->in_entry ? export_entry_end(j, j->offset + 1) : 0;
		if (!x->in_entry) {
			x->in_entry = true;
			x->bad = false;
			entry_reset(&j->s.e, j->line);
		}
		x->st = X_NAME;
		x->name_len = 0;
		x->field_line = j->line;
		*used = 0;
		return 0;
	case X_NAME:
		if (p[0] == '=' || p[0] == '\n')
			export_name_end(j, p[0]);
		else if (x->name_len == OOMSIFT_JOURNAL_NAME_MAX) {
			export_bad(j, "field name longer than 64 bytes");
			x->st = X_SKIP;
		} else
			x->name[x->name_len++] = p[0];
		return 0;
	case X_TEXT:
	case X_SKIP:
		nl = memchr(p, '\n', n);
		take = nl ? (size_t)(nl - p) : n;
		if (x->st == X_TEXT)
			rc = field_put(&j->s, p, take);
		*used = take + (nl != NULL);
		if (nl) {
			field_close(&j->s.e);
			x->st = X_LINE;
		}
		return rc;
	case X_LEN:
		x->len_bytes[x->len_have++] = (unsigned char)p[0];
		return x->len_have == 8 ? export_length(j) : 0;
	case X_BIN:
		take = n < x->remaining ? n : (size_t)x->remaining;
		*used = take;
		x->remaining -= take;
		if (x->remaining == 0)
			x->st = X_BIN_NL;
		return field_put(&j->s, p, take);
	case X_BIN_NL:
		if (p[0] != '\n')
			return export_corrupt(j, "binary value not followed by a newline");
		field_close(&j->s.e);
		x->st = X_LINE;
		return 0;
	}
	return 0;
}

/* The input ends inside an entry: deliver what is complete. */
static int export_finish(oomsift_journal *j)
{
	export_scan *x = &j->x;
	char what[96];

	switch (x->st) {
	case X_LEN:
	case X_BIN:
		snprintf(what, sizeof(what), "binary value runs past the end of the input");
		j->s.st.bad_entries++;
		return export_corrupt(j, what);
	case X_NAME:
	case X_TEXT:
		j->s.e.cut = true; /* its last field may be incomplete */
		break;
	default:
		break;
	}
	field_close(&j->s.e);
	x->st = X_LINE;
	return x->in_entry ? export_entry_end(j, j->offset) : 0;
}

/* ---- feeding ---- */

static void advance(oomsift_journal *j, const char *p, size_t n)
{
	const char *end = p + n;

	j->offset += n;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		j->line++;
		p++;
	}
}

int oomsift_journal_feed(oomsift_journal *j, const char *data, size_t len)
{
	size_t i = 0, used;
	int rc;

	if (j->failed)
		return j->failed;
	while (i < len) {
		if (j->fmt == OOMSIFT_JOURNAL_JSON)
			rc = json_step(j, data + i, len - i, &used);
		else
			rc = export_step(j, data + i, len - i, &used);
		advance(j, data + i, used);
		i += used;
		if (rc < 0)
			return j->failed = rc;
	}
	return 0;
}

int oomsift_journal_finish(oomsift_journal *j)
{
	int rc = 0;

	if (j->failed)
		return j->failed;
	if (j->fmt == OOMSIFT_JOURNAL_JSON)
		json_finish(j);
	else
		rc = export_finish(j);
	if (rc == 0 && j->s.st.entries == 0 && j->s.st.bad_entries > 0) {
		char last[256];
		snprintf(last, sizeof(last), "%s", oomsift_error_message());
		rc =
		    oomsift_error_set(OOMSIFT_EINVAL, "%s: no valid journal %s entry (%s)", j->name,
		                      j->fmt == OOMSIFT_JOURNAL_JSON ? "JSON" : "export", last);
	}
	if (rc < 0)
		j->failed = rc;
	return rc;
}

/* ---- native journal files ---- */

bool oomsift_journal_is_native(const char *head, size_t len)
{
	return len >= 8 && memcmp(head, "LPKSHHRH", 8) == 0;
}

#ifdef OOMSIFT_HAVE_LIBSYSTEMD

static int put_u64(sink *s, enum field f, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);
	int rc;

	field_open(&s->e, (int)f);
	rc = field_put(s, num, (size_t)n);
	field_close(&s->e);
	return rc;
}

/* Reads the current entry's fields; *skipped is set when libsystemd could
 * not read one of them. */
static int native_entry(sink *s, sd_journal *sj, uint64_t ordinal, bool *skipped)
{
	const void *data;
	size_t len;
	uint64_t usec;
	sd_id128_t boot;
	int r, rc;

	entry_reset(&s->e, ordinal);
	sd_journal_restart_data(sj);
	while ((r = sd_journal_enumerate_data(sj, &data, &len)) > 0) {
		const char *eq = memchr(data, '=', len);
		if (!eq)
			continue;
		field_open_name(&s->e, data, (size_t)(eq - (const char *)data));
		rc = field_put(s, eq + 1, len - (size_t)(eq + 1 - (const char *)data));
		field_close(&s->e);
		if (rc < 0)
			return rc;
	}
	if (r < 0) {
		s->st.bad_entries++;
		*skipped = true;
		return oomsift_error_set(OOMSIFT_EINVAL, "%s: entry %" PRIu64 ": %s", s->name,
		                         ordinal, strerror(-r));
	}
	if (sd_journal_get_realtime_usec(sj, &usec) >= 0 && (rc = put_u64(s, F_REALTIME, usec)) < 0)
		return rc;
	if (sd_journal_get_monotonic_usec(sj, &usec, &boot) >= 0) {
		char id[SD_ID128_STRING_MAX];
		if ((rc = put_u64(s, F_MONOTONIC, usec)) < 0)
			return rc;
		field_open(&s->e, F_BOOT_ID);
		rc = field_put(s, sd_id128_to_string(boot, id), SD_ID128_STRING_MAX - 1);
		field_close(&s->e);
		if (rc < 0)
			return rc;
	}
	return sink_emit(s, OOMSIFT_WRAP_JOURNAL_FILE);
}

/* Opens the file on a duplicate of fd: sd_journal owns the descriptors it
 * opened successfully and closes them in sd_journal_close(), but leaves them
 * open when it fails. */
static int native_open(sd_journal **sj, int fd, const char *name)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int r;

	if (dfd < 0)
		return oomsift_error_set(OOMSIFT_EIO, "%s: cannot read: %s", name, strerror(errno));
	r = sd_journal_open_files_fd(sj, &dfd, 1, 0);
	if (r >= 0)
		return 0;
	close(dfd);
	/* journal_file_open() checks st_nlink, so a memfd or a deleted file fails. */
	if (r == -EIDRM)
		return oomsift_error_set(OOMSIFT_EIO,
		                         "%s: cannot open as a journal file: libsystemd refuses "
		                         "files that have no name on disk (deleted, or a memfd)",
		                         name);
	return oomsift_error_set(OOMSIFT_EIO, "%s: cannot open as a journal file: %s", name,
	                         strerror(-r));
}

int oomsift_journal_read_fd(int fd, const char *name, oomsift_record_cb cb, void *ctx)
{
	sd_journal *sj = NULL;
	uint64_t ordinal = 0;
	sink s;
	int r, rc;

	sink_init(&s, name, cb, ctx);
	if ((rc = native_open(&sj, fd, name)) < 0)
		goto out;
	/* libsystemd cuts values at 64 KiB unless told otherwise; ask for one
	 * byte more than the cap, so a longer value is seen as cut. */
	sd_journal_set_data_threshold(sj, OOMSIFT_JOURNAL_NAME_MAX + OOMSIFT_JOURNAL_FIELD_MAX + 2);
	while ((r = sd_journal_next(sj)) > 0) {
		bool skipped = false;
		rc = native_entry(&s, sj, ++ordinal, &skipped);
		if (rc < 0 && !skipped)
			goto out;
		rc = 0;
	}
	if (r < 0)
		rc = oomsift_error_set(OOMSIFT_EIO, "%s: entry %" PRIu64 ": cannot read: %s", name,
		                       ordinal + 1, strerror(-r));
out:
	sd_journal_close(sj);
	sink_free(&s);
	return rc;
}

#else

int oomsift_journal_read_fd(int fd, const char *name, oomsift_record_cb cb, void *ctx)
{
	(void)fd;
	(void)cb;
	(void)ctx;
	return oomsift_error_set(OOMSIFT_EINVAL,
	                         "%s: native journal files need libsystemd; this oomsift was "
	                         "built without it",
	                         name);
}

#endif
