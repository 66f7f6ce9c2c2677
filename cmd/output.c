#include <math.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/output.h"
#include "common/jsonw.h"
#include "cmd/table.h"
#include "oomsift/buf.h"
#include "oomsift/error.h"

struct out_writer {
	FILE *f;
	out_format fmt;
	int ncol;
	char **names;
	size_t rows;
	/* table and markdown: every cell, row-major, as text; kept until out_finish */
	char **cells;
	size_t ncells, cells_cap;
	unsigned char *kind; /* per cell: CELL_TEXT, CELL_NUMBER (right-aligned), CELL_NULL */
	size_t width;        /* table: the terminal's width, 0 when not a terminal */
	bool truncate;       /* table: cut what does not fit rather than wrap it */
};

enum { CELL_TEXT, CELL_NUMBER, CELL_NULL };

int out_format_parse(const char *name, out_format *fmt)
{
	static const char *const names[] = {"table", "csv", "json", "ndjson", "markdown"};

	for (int i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0) {
			*fmt = (out_format)i;
			return 0;
		}
	return -1;
}

static void free_names(out_writer *w)
{
	for (int i = 0; i < w->ncol; i++)
		free(w->names[i]);
	free(w->names);
	w->names = NULL;
	w->ncol = 0;
}

void out_free(out_writer *w)
{
	if (!w)
		return;
	free_names(w);
	for (size_t i = 0; i < w->ncells; i++)
		free(w->cells[i]);
	free(w->cells);
	free(w->kind);
	free(w);
}

out_writer *out_new(FILE *f, out_format fmt)
{
	out_writer *w = calloc(1, sizeof(*w));

	if (w) {
		w->f = f;
		w->fmt = fmt;
	}
	return w;
}

/* Shortest text that reads back as the same double. */
static void format_real(double d, char *out, size_t len)
{
	if (!isfinite(d)) {
		snprintf(out, len, "null");
		return;
	}
	snprintf(out, len, "%.15g", d);
	if (strtod(out, NULL) != d)
		snprintf(out, len, "%.17g", d);
}

void out_json_string(FILE *f, const char *s, size_t len)
{
	jsonw_escape(f, s, len);
}

static void json_value(FILE *f, const oomsift_value *v)
{
	char num[40];

	switch (v->type) {
	case OOMSIFT_VALUE_INT:
		fprintf(f, "%lld", (long long)v->i);
		break;
	case OOMSIFT_VALUE_REAL:
		format_real(v->d, num, sizeof(num));
		fputs(num, f);
		break;
	case OOMSIFT_VALUE_TEXT:
		out_json_string(f, v->s, v->len);
		break;
	case OOMSIFT_VALUE_BLOB:
		fputc('"', f);
		for (size_t i = 0; i < v->len; i++)
			fprintf(f, "%02x", (unsigned char)v->s[i]);
		fputc('"', f);
		break;
	default:
		fputs("null", f);
	}
}

static void csv_field(FILE *f, const char *s, size_t len)
{
	if (strcspn(s, ",\"\r\n") >= len && (len == 0 || (s[0] != ' ' && s[len - 1] != ' '))) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

/* Text of a value for table and csv cells; the caller frees it. */
static char *value_text(const oomsift_value *v)
{
	oomsift_buf b;
	char num[40];

	oomsift_buf_init(&b, 0);
	switch (v->type) {
	case OOMSIFT_VALUE_INT:
		oomsift_buf_printf(&b, "%lld", (long long)v->i);
		break;
	case OOMSIFT_VALUE_REAL:
		format_real(v->d, num, sizeof(num));
		oomsift_buf_printf(&b, "%s", num);
		break;
	case OOMSIFT_VALUE_TEXT:
		oomsift_buf_append(&b, v->s, v->len);
		break;
	case OOMSIFT_VALUE_BLOB:
		for (size_t i = 0; i < v->len; i++)
			oomsift_buf_printf(&b, "%02x", (unsigned char)v->s[i]);
		break;
	default:
		oomsift_buf_append(&b, "", 0);
	}
	return b.data ? b.data : strdup("");
}

static int on_columns(void *ctx, int ncol, const char *const *names)
{
	out_writer *w = ctx;

	if ((w->fmt == OUT_TABLE || w->fmt == OUT_MARKDOWN) && w->ncol) /* a table per statement */
		out_finish(w);
	free_names(w);
	w->names = calloc((size_t)ncol, sizeof(*w->names));
	if (!w->names)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	w->ncol = ncol;
	for (int i = 0; i < ncol; i++)
		if (!(w->names[i] = strdup(names[i])))
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (w->fmt == OUT_CSV) {
		for (int i = 0; i < ncol; i++) {
			if (i)
				fputc(',', w->f);
			csv_field(w->f, names[i], strlen(names[i]));
		}
		fputs("\r\n", w->f);
	}
	return 0;
}

static void json_object(out_writer *w, int ncol, const oomsift_value *v)
{
	fputc('{', w->f);
	for (int i = 0; i < ncol; i++) {
		if (i)
			fputc(',', w->f);
		out_json_string(w->f, w->names[i], strlen(w->names[i]));
		fputc(':', w->f);
		json_value(w->f, &v[i]);
	}
	fputc('}', w->f);
}

/* Keeps a row's cells for the table written at the end. */
static int keep_row(out_writer *w, int ncol, const oomsift_value *v)
{
	unsigned char *kind;

	if (oomsift_vec_reserve((void **)&w->cells, &w->cells_cap, sizeof(char *),
	                        w->ncells + (size_t)ncol, SIZE_MAX / 16) < 0)
		return OOMSIFT_ENOMEM;
	if (!(kind = realloc(w->kind, w->cells_cap)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	w->kind = kind;
	for (int i = 0; i < ncol; i++) {
		char *text = value_text(&v[i]);
		if (!text)
			return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		w->kind[w->ncells] =
		    v[i].type == OOMSIFT_VALUE_NULL ? CELL_NULL
		    : v[i].type == OOMSIFT_VALUE_INT || v[i].type == OOMSIFT_VALUE_REAL
		        ? CELL_NUMBER
		        : CELL_TEXT;
		w->cells[w->ncells++] = text;
	}
	w->rows++;
	return 0;
}

static int on_row(void *ctx, int ncol, const oomsift_value *v)
{
	out_writer *w = ctx;

	switch (w->fmt) {
	case OUT_JSON:
		fputs(w->rows ? ",\n" : "[\n", w->f);
		json_object(w, ncol, v);
		break;
	case OUT_NDJSON:
		json_object(w, ncol, v);
		fputc('\n', w->f);
		break;
	case OUT_CSV:
		for (int i = 0; i < ncol; i++) {
			char *t = value_text(&v[i]);
			if (i)
				fputc(',', w->f);
			csv_field(w->f, t, strlen(t));
			free(t);
		}
		fputs("\r\n", w->f);
		break;
	case OUT_TABLE:
	case OUT_MARKDOWN:
		return keep_row(w, ncol, v);
	}
	w->rows++;
	return 0;
}

oomsift_query_sink out_sink(out_writer *w)
{
	oomsift_query_sink sink = {on_columns, on_row, w};
	return sink;
}

/* Escapes a cell of a GitHub table: a pipe would end the cell, a newline the
 * row, and a backslash would escape what follows it. Log text stays text:
 * markup (a task named "<img ...>") is written as entities, a control
 * character as '?'. */
static void markdown_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '|' || c == '\\')
			fputc('\\', f);
		if (c == '\n')
			fputs("<br>", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '\r')
			continue;
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
}

/* Right-aligns a column whose values are all numbers. */
static bool numeric_column(const out_writer *w, int c, size_t nrows)
{
	bool any = false;

	for (size_t r = 0; r < nrows; r++) {
		unsigned char k = w->kind[r * (size_t)w->ncol + (size_t)c];
		if (k == CELL_TEXT)
			return false;
		any |= k == CELL_NUMBER;
	}
	return any;
}

static void finish_markdown(out_writer *w)
{
	size_t nrows = w->ncells / (size_t)w->ncol;

	for (int c = 0; c < w->ncol; c++) {
		fputs(c ? " | " : "| ", w->f);
		markdown_cell(w->f, w->names[c]);
	}
	fputs(" |\n", w->f);
	for (int c = 0; c < w->ncol; c++)
		fputs(numeric_column(w, c, nrows) ? "|---:" : "|---", w->f);
	fputs("|\n", w->f);
	for (size_t r = 0; r < nrows; r++) {
		for (int c = 0; c < w->ncol; c++) {
			fputs(c ? " | " : "| ", w->f);
			markdown_cell(w->f, w->cells[r * (size_t)w->ncol + (size_t)c]);
		}
		fputs(" |\n", w->f);
	}
}

static void finish_table(out_writer *w)
{
	table t = {
	    .ncol = w->ncol,
	    .names = (const char *const *)w->names,
	    .cells = (const char *const *)w->cells,
	    .right = w->kind,
	    .right_value = CELL_NUMBER,
	    .nrows = w->ncells / (size_t)w->ncol,
	    .width = w->width,
	    .truncate = w->truncate,
	};

	table_write(w->f, &t);
	fprintf(w->f, "(%zu row%s)\n", t.nrows, t.nrows == 1 ? "" : "s");
}

static void drop_cells(out_writer *w)
{
	for (size_t i = 0; i < w->ncells; i++)
		free(w->cells[i]);
	w->ncells = 0;
}

size_t out_terminal_width(FILE *f)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;
	long n;

	if (!isatty(fileno(f)))
		return 0;
	/* $COLUMNS first: it is what a user (or a test) asks for */
	if (env && *env) {
		n = strtol(env, &end, 10);
		if (!*end && n > 0 && n <= 100000)
			return (size_t)n;
	}
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

void out_set_width(out_writer *w, size_t width, bool truncate)
{
	w->width = width;
	w->truncate = truncate;
}

int out_finish(out_writer *w)
{
	switch (w->fmt) {
	case OUT_JSON:
		fputs(w->rows ? "\n]\n" : "[]\n", w->f);
		break;
	case OUT_TABLE:
		if (w->ncol)
			finish_table(w);
		drop_cells(w);
		break;
	case OUT_MARKDOWN:
		if (w->ncol)
			finish_markdown(w);
		drop_cells(w);
		break;
	default:
		break;
	}
	return fflush(w->f) == 0 ? 0 : oomsift_error_set(OOMSIFT_EIO, "cannot write output");
}
