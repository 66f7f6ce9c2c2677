/* The shared JSON writer (common/jsonw.h). */
#include <math.h>
#include <string.h>

#include "common/jsonw.h"
#include "oomsift/event.h"

static size_t utf8_seq_len(const unsigned char *p, size_t left)
{
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void escape_byte(FILE *f, unsigned char c)
{
	switch (c) {
	case '"':
		fputs("\\\"", f);
		break;
	case '\\':
		fputs("\\\\", f);
		break;
	case '\n':
		fputs("\\n", f);
		break;
	case '\t':
		fputs("\\t", f);
		break;
	case '\r':
		fputs("\\r", f);
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

void jsonw_escape(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	fputc('"', f);
	while (p < end) {
		size_t n = utf8_seq_len(p, (size_t)(end - p));
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
		} else if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			escape_byte(f, *p++);
		}
	}
	fputc('"', f);
}

void jsonw_init(jsonw *w, FILE *f, int depth)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->depth = depth;
	for (int i = 0; i <= JSONW_MAX_DEPTH; i++)
		w->first[i] = true;
}

static int level(const jsonw *w)
{
	return w->depth < JSONW_MAX_DEPTH ? w->depth : JSONW_MAX_DEPTH;
}

void jsonw_key(jsonw *w, const char *key)
{
	if (w->depth == 0)
		return;
	fprintf(w->f, "%s\n%*s", w->first[level(w)] ? "" : ",", 2 * w->depth, "");
	w->first[level(w)] = false;
	if (key) {
		jsonw_escape(w->f, key, strlen(key));
		fputs(": ", w->f);
	}
}

void jsonw_open(jsonw *w, const char *key, char brace)
{
	jsonw_key(w, key);
	fputc(brace, w->f);
	w->depth++;
	w->first[level(w)] = true;
}

void jsonw_close(jsonw *w, char brace)
{
	bool empty = w->first[level(w)];

	w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(brace, w->f);
}

void jsonw_null(jsonw *w, const char *key)
{
	jsonw_key(w, key);
	fputs("null", w->f);
}

void jsonw_str(jsonw *w, const char *key, const char *s)
{
	if (!s) {
		jsonw_null(w, key);
		return;
	}
	jsonw_key(w, key);
	jsonw_escape(w->f, s, strlen(s));
}

void jsonw_int(jsonw *w, const char *key, int64_t v)
{
	if (v == OOMSIFT_UNSET) {
		jsonw_null(w, key);
		return;
	}
	jsonw_key(w, key);
	fprintf(w->f, "%lld", (long long)v);
}

void jsonw_bool(jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

void jsonw_real(jsonw *w, const char *key, double v, int decimals, bool trim)
{
	char s[64];
	size_t n;

	if (!isfinite(v)) {
		jsonw_null(w, key);
		return;
	}
	snprintf(s, sizeof(s), "%.*f", decimals, v);
	n = strlen(s);
	while (trim && n > 1 && strchr(s, '.') && (s[n - 1] == '0' || s[n - 1] == '.'))
		s[--n] = '\0';
	if (strcmp(s, "-0") == 0)
		strcpy(s, "0");
	jsonw_key(w, key);
	fputs(s, w->f);
}
