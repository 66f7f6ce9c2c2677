#include <stdio.h>
#include <string.h>

#include "oomsift/error.h"
#include "oomsift/sniff.h"

/* Lines of the head that the text heuristics look at. */
#define SNIFF_LINES 64
/* Share of control bytes (NUL inside the text included) that makes a file
 * binary, in percent; and of control bytes plus invalid UTF-8. */
#define BINARY_CONTROL_PCT 2
#define BINARY_ODD_PCT     30

/* The --format names, and what each stands for at the same index. */
static const char *const format_names[] = {
    "auto",
    "dmesg",
    "dmesg-t",
    "kmsg",
    "syslog",
    "rfc3339",
    "rfc5424",
    "short",
    "short-precise",
    "short-iso",
    "short-iso-precise",
    "short-full",
    "short-monotonic",
    "short-unix",
    "cat",
    "json",
    "export",
    "journal",
    NULL,
};

static const struct {
	oomsift_format format;
	oomsift_wrapper wrapper;
} format_kinds[] = {
    {OOMSIFT_FORMAT_AUTO, OOMSIFT_WRAP_BARE},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_DMESG},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_DMESG_T},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_KMSG},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_RFC3164},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_RFC3339},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_RFC5424},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_SHORT},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_SHORT},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_ISO},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_ISO},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_FULL},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_MONO},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_UNIX},
    {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
    {OOMSIFT_FORMAT_JOURNAL_EXPORT, OOMSIFT_WRAP_BARE},
    {OOMSIFT_FORMAT_JOURNAL_FILE, OOMSIFT_WRAP_BARE},
};

#define NFORMATS (sizeof(format_kinds) / sizeof(format_kinds[0]))
_Static_assert(sizeof(format_names) / sizeof(format_names[0]) == NFORMATS + 1,
               "one kind per --format name");

const char *const *oomsift_format_names(void)
{
	return format_names;
}

int oomsift_format_from_name(const char *name, oomsift_sniff_result *out)
{
	char list[256];
	size_t n = 0;

	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(name, format_names[i]) == 0) {
			out->format = format_kinds[i].format;
			out->prefer = format_kinds[i].wrapper;
			out->forced = format_kinds[i].format != OOMSIFT_FORMAT_AUTO;
			return 0;
		}
	list[0] = '\0';
	for (size_t i = 0; i < NFORMATS && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
		                      format_names[i]);
	return oomsift_error_set(OOMSIFT_EINVAL, "unknown format '%s' (one of: %s)", name, list);
}

void oomsift_sniff_apply(const oomsift_sniff_result *r, oomsift_envelope_opts *opts)
{
	bool text = r->format == OOMSIFT_FORMAT_TEXT;

	opts->forced = text && r->forced;
	opts->force = opts->forced ? r->prefer : OOMSIFT_WRAP_BARE;
	opts->prefer = text ? r->prefer : OOMSIFT_WRAP_BARE;
}

/* ---- helpers over one line [p, end) ---- */

static bool starts_with(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

static bool is_field_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* "NAME=value" or the binary form's "NAME" alone (journal export). */
static bool is_export_field(const char *p, const char *end, bool *binary)
{
	const char *q = p;

	while (q < end && is_field_char(*q, q == p))
		q++;
	*binary = q == end;
	return q > p && (q == end || *q == '=');
}

/* journalctl's separators and headers (kernel-formats.md §2.4). */
static bool is_journal_marker(const char *p, const char *end)
{
	return starts_with(p, end, "-- Boot ") || starts_with(p, end, "-- Reboot --") ||
	       starts_with(p, end, "-- Logs begin at ") ||
	       starts_with(p, end, "-- Journal begins at ") ||
	       starts_with(p, end, "-- No entries --");
}

/* "[  123.456789] HOST IDENT[pid]: " (journalctl short-monotonic, also its
 * short-delta); sets the host. */
static bool is_mono_line(const char *p, const char *end, const char **host, size_t *host_len)
{
	const char *h, *id;

	if (p == end || *p++ != '[')
		return false;
	while (p < end && *p == ' ')
		p++;
	if (p == end || *p < '0' || *p > '9')
		return false;
	while (p < end && ((*p >= '0' && *p <= '9') || *p == '.'))
		p++;
	if (p < end && *p == ' ') { /* short-delta: " <    0.000123 >" */
		const char *gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return false;
		p = gt + 1;
	}
	if (p == end || *p++ != ']' || p == end || *p++ != ' ')
		return false;
	for (h = p; p < end && *p != ' '; p++)
		;
	if (p == h || p == end)
		return false;
	*host = h;
	*host_len = (size_t)(p - h);
	for (id = ++p; p < end && *p != ' ' && *p != ':' && *p != '['; p++)
		;
	if (p == id)
		return false;
	if (p < end && *p == '[') {
		while (p < end && *p != ']')
			p++;
		p++;
	}
	return end - p >= 2 && p[0] == ':' && p[1] == ' ';
}

/* ---- the decisions ---- */

/* Length of a valid UTF-8 sequence at p, 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 && *p < 0xe0 ? 2 : 0;

	if (!n || (size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static bool is_binary(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	size_t control = 0, odd = 0;

	while (p < end) {
		unsigned char c = *p;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
		    c != 0x1b)
			control++;
		else if (c == 0x7f)
			control++;
		if (c >= 0x80) {
			size_t n = utf8_len(p, end);
			/* A sequence cut by the end of the head is not evidence. */
			if (n) {
				p += n;
				continue;
			}
			if (end - p >= 4)
				odd++;
		}
		p++;
	}
	return control * 100 > len * BINARY_CONTROL_PCT ||
	       (control + odd) * 100 > len * BINARY_ODD_PCT;
}

/* Journal export: a field line, then more of them. */
static bool is_export(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	bool binary;

	if (!nl || !is_export_field(p, nl, &binary) || binary)
		return false;
	if (starts_with(p, nl, "__CURSOR=") || starts_with(p, nl, "__REALTIME_TIMESTAMP="))
		return true;
	p = nl + 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	return nl && is_export_field(p, nl, &binary);
}

/* The wrapper hint for a text head: short-monotonic when every line with a
 * bracketed time stamp has a host and an identifier, the same host each time,
 * and either several such lines or a journal marker line. */
static oomsift_wrapper text_hint(const char *p, const char *end, bool whole)
{
	const char *host = NULL;
	size_t host_len = 0, bracket = 0, mono = 0, markers = 0;
	bool same_host = true;

	for (int n = 0; p < end && n < SNIFF_LINES; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *h;
		size_t hl;

		if (!nl && !whole)
			break; /* cut by the end of the head */
		if (le > p && le[-1] == '\r')
			le--;
		if (is_journal_marker(p, le))
			markers++;
		if (p < le && *p == '[') {
			bracket++;
			if (is_mono_line(p, le, &h, &hl)) {
				mono++;
				if (!host) {
					host = h;
					host_len = hl;
				}
				same_host &= hl == host_len && memcmp(h, host, hl) == 0;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (bracket && mono == bracket && same_host && (mono >= 3 || markers))
		return OOMSIFT_WRAP_JOURNAL_MONO;
	return OOMSIFT_WRAP_BARE;
}

oomsift_sniff_result oomsift_sniff(const char *head, size_t len)
{
	oomsift_sniff_result r = {OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE, false};
	const char *p = head, *end;
	bool whole = len < OOMSIFT_SNIFF_HEAD;

	if (len > OOMSIFT_SNIFF_HEAD)
		len = OOMSIFT_SNIFF_HEAD;
	end = head + len;
	if (len >= 8 && memcmp(head, "LPKSHHRH", 8) == 0) {
		r.format = OOMSIFT_FORMAT_JOURNAL_FILE;
		return r;
	}
	/* NUL padding at the end of a preallocated or truncated log is no content. */
	while (end > p && end[-1] == '\0')
		end--;
	if (starts_with(p, end, "\xef\xbb\xbf"))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == end) {
		r.format = OOMSIFT_FORMAT_EMPTY;
		return r;
	}
	if (*p == '{' || *p == '\x1e' || starts_with(p, end, "data: {")) {
		r.format = OOMSIFT_FORMAT_JOURNAL_JSON;
		return r;
	}
	if (is_export(p, end)) {
		r.format = OOMSIFT_FORMAT_JOURNAL_EXPORT;
		return r;
	}
	if (is_binary((const unsigned char *)head, (size_t)(end - head))) {
		r.format = OOMSIFT_FORMAT_BINARY;
		return r;
	}
	r.prefer = text_hint(p, end, whole);
	return r;
}
