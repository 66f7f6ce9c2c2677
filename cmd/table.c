#include <stdlib.h>
#include <string.h>

#include "cmd/table.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column wide */

/* Bytes of the UTF-8 sequence at p (1 for a stray byte). */
static size_t char_len(const char *p)
{
	size_t n = 1;

	while (p[n] && ((unsigned char)p[n] & 0xc0) == 0x80 && n < 4)
		n++;
	return n;
}

/* Display width of n bytes of UTF-8 text: a column per code point. */
static size_t span_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* Width of the widest line of s (lines end at '\n' when `lines`). */
static size_t cell_width(const char *s, bool lines)
{
	size_t widest = 0;

	for (;;) {
		size_t n = lines ? strcspn(s, "\n") : strlen(s);
		size_t w = span_width(s, n);
		widest = w > widest ? w : widest;
		if (!s[n])
			return widest;
		s += n + 1;
	}
}

static bool break_after(char c)
{
	return c == ',' || c == '/' || c == '-' || c == ';' || c == ':' || c == '|';
}

/* The next line of a cell wrapped to `width` columns, from *pos: its bytes
 * in *start and *len. *pos moves on, to NULL after the last line. */
static void next_segment(const char **pos, size_t width, const char **start, size_t *len)
{
	const char *p = *pos, *q = p, *brk = NULL, *resume = NULL;
	size_t cols = 0;

	if (width == 0)
		width = 1;
	*start = p;
	while (*q && *q != '\n' && cols < width) {
		if (*q == ' ' && q > p) {
			brk = q; /* break before the space, which is dropped */
			resume = q + 1;
		}
		if (break_after(*q)) {
			brk = q + 1;
			resume = q + 1;
		}
		q += char_len(q);
		cols++;
	}
	if (!*q || *q == '\n') {
		*len = (size_t)(q - p);
		*pos = *q && q[1] ? q + 1 : NULL;
		return;
	}
	if (*q == ' ') { /* the line ends at a space */
		brk = q;
		resume = q + 1;
	}
	if (!brk || brk == p) { /* a word longer than the column: cut it */
		brk = q;
		resume = q;
	}
	*len = (size_t)(brk - p);
	while (*resume == ' ')
		resume++;
	*pos = *resume ? resume : NULL;
}

/* How the columns share the terminal's width. Each column wants its natural
 * width (its widest cell), and gets at least its floor: that, or its header's
 * width when wider than TABLE_MIN_COLUMN, or TABLE_MIN_COLUMN. */
typedef struct fit {
	size_t ncol, avail; /* avail: the width less the gaps between columns */
	const size_t *want, *floor;
	bool *whole; /* columns given their natural width however narrow the rest */
} fit;

/* The widths at cap x: each column its natural width up to x, not less than
 * its floor. Returns their sum. */
static size_t fill(const fit *f, size_t x, size_t *w)
{
	size_t total = 0;

	for (size_t c = 0; c < f->ncol; c++) {
		w[c] = f->whole[c] || f->want[c] <= x ? f->want[c] : x;
		w[c] = w[c] < f->floor[c] ? f->floor[c] : w[c];
		total += w[c];
	}
	return total;
}

/* The widest cap whose widths fit, those widths in w, and what is left over
 * given to the columns still short of their width, one column at a time from
 * the left. False when even the floors do not fit (w: the floors). */
static bool fill_to_fit(const fit *f, size_t *w)
{
	size_t lo = 0, hi = 0, left;

	for (size_t c = 0; c < f->ncol; c++)
		hi = f->want[c] > hi ? f->want[c] : hi;
	if (fill(f, 0, w) > f->avail)
		return false;
	while (lo < hi) { /* the largest x with fill(x) <= avail */
		size_t mid = lo + (hi - lo + 1) / 2;
		if (fill(f, mid, w) <= f->avail)
			lo = mid;
		else
			hi = mid - 1;
	}
	left = f->avail - fill(f, lo, w);
	for (bool gave = true; left && gave;) {
		gave = false;
		for (size_t c = 0; c < f->ncol && left; c++)
			if (w[c] < f->want[c]) {
				w[c]++;
				left--;
				gave = true;
			}
	}
	return true;
}

/* Lets the narrowest of the columns that must wrap have its whole width
 * after all, one after the other, while the columns still wrapping keep at
 * least TABLE_MIN_COLUMN and half of its width: a time stamp cut by one
 * character reads worse than a long path wrapped once more. */
static void grant_narrow(fit *f, size_t *w, size_t *trial)
{
	for (;;) {
		size_t best = f->ncol;
		bool keep = true;
		for (size_t c = 0; c < f->ncol; c++)
			if (w[c] < f->want[c] && (best == f->ncol || f->want[c] < f->want[best]))
				best = c;
		if (best == f->ncol)
			return;
		f->whole[best] = true;
		if (fill_to_fit(f, trial))
			for (size_t c = 0; c < f->ncol; c++)
				if (trial[c] < f->want[c] &&
				    (trial[c] < TABLE_MIN_COLUMN || trial[c] < f->want[best] / 2))
					keep = false;
		if (!keep || fill(f, 0, trial) > f->avail) {
			f->whole[best] = false;
			return;
		}
		fill_to_fit(f, w);
	}
}

/* Narrows the columns of a table wider than t->width (want: their natural
 * widths, made the widths to use). */
static void fit_columns(const table *t, size_t *want)
{
	size_t ncol = (size_t)t->ncol, gaps = 2 * (ncol - 1), total = gaps;
	size_t *floor = calloc(ncol, sizeof(*floor)), *w = calloc(ncol, sizeof(*w));
	size_t *trial = calloc(ncol, sizeof(*trial));
	bool *whole = calloc(ncol, sizeof(*whole));
	fit f = {ncol, t->width > gaps ? t->width - gaps : 0, want, floor, whole};

	for (size_t c = 0; c < ncol; c++)
		total += want[c];
	if (!t->width || total <= t->width || !floor || !w || !trial || !whole)
		goto out;
	for (size_t c = 0; c < ncol; c++) {
		size_t head = cell_width(t->names[c], true);
		floor[c] = head > TABLE_MIN_COLUMN ? head : TABLE_MIN_COLUMN;
		floor[c] = floor[c] < want[c] ? floor[c] : want[c];
	}
	if (fill_to_fit(&f, w))
		grant_narrow(&f, w, trial);
	memcpy(want, w, ncol * sizeof(*w));
out:
	free(floor);
	free(w);
	free(trial);
	free(whole);
}

/* A line of the table: spaces are held back until text follows them, so
 * that no line ends in white space. */
typedef struct line_out {
	FILE *f;
	size_t spaces;
} line_out;

static void pad(line_out *o, size_t n)
{
	o->spaces += n;
}

/* Cells hold log text: a control character (an escape sequence in a task
 * name) would drive the terminal, so it is shown as '?', as show does.
 * Newlines and tabs of a plain cell stay; csv and json keep every byte. */
static void put_text(line_out *o, const char *s, size_t n)
{
	if (!n)
		return;
	for (; o->spaces; o->spaces--)
		fputc(' ', o->f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool control = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
		fputc(control ? '?' : c, o->f);
	}
}

static void end_line(line_out *o)
{
	o->spaces = 0;
	fputc('\n', o->f);
}

static void put_segment(line_out *o, const char *s, size_t len, size_t width, bool right)
{
	size_t used = span_width(s, len);
	size_t gap = used < width ? width - used : 0;

	if (right)
		pad(o, gap);
	put_text(o, s, len);
	if (!right)
		pad(o, gap);
}

/* One cell cut to width: its first line, ending in "…" when anything is left out. */
static void put_cut(line_out *o, const char *s, size_t width, bool right)
{
	size_t n = strcspn(s, "\n"), keep = 0, cols = 0;

	if (!s[n] && span_width(s, n) <= width) {
		put_segment(o, s, n, width, right);
		return;
	}
	if (width == 0)
		return;
	while (keep < n && cols + 1 < width) {
		keep += char_len(s + keep);
		cols++;
	}
	if (right)
		pad(o, width - cols - 1);
	put_text(o, s, keep);
	put_text(o, ELLIPSIS, strlen(ELLIPSIS));
	if (!right)
		pad(o, width - cols - 1);
}

/* One row: cells[0..ncol), each wrapped (or cut) to its column's width. */
static void put_row(line_out *o, const table *t, const char *const *cells,
                    const unsigned char *right, const size_t *w, const char **pos)
{
	bool more = true;
	int ncol = t->ncol;

	for (int c = 0; c < ncol; c++)
		pos[c] = cells[c];
	for (bool first = true; more; first = false) {
		more = false;
		for (int c = 0; c < ncol; c++) {
			bool r = right && right[c] == t->right_value;
			const char *s;
			size_t len;
			pad(o, c ? 2 : 0);
			if (t->truncate) {
				if (first)
					put_cut(o, cells[c], w[c], r);
				continue;
			}
			if (!pos[c]) {
				pad(o, w[c]);
				continue;
			}
			next_segment(&pos[c], w[c], &s, &len);
			put_segment(o, s, len, w[c], r);
			more |= pos[c] != NULL;
		}
		end_line(o);
	}
}

/* Not a terminal: every cell exactly as it is, however wide. */
static void put_plain_row(line_out *o, const table *t, const char *const *cells,
                          const unsigned char *right, const size_t *w)
{
	for (int c = 0; c < t->ncol; c++) {
		bool r = right && right[c] == t->right_value;
		pad(o, c ? 2 : 0);
		put_segment(o, cells[c], strlen(cells[c]), w[c], r);
	}
	end_line(o);
}

void table_write(FILE *f, const table *t)
{
	size_t *w = calloc((size_t)t->ncol + 1, sizeof(*w));
	const char **pos = calloc((size_t)t->ncol + 1, sizeof(*pos)); /* where each cell is at */
	bool lines = t->width > 0; /* a terminal shows a cell's lines as lines */
	line_out o = {f, 0};

	if (!w || !pos || t->ncol <= 0)
		goto out;
	for (int c = 0; c < t->ncol; c++)
		w[c] = cell_width(t->names[c], lines);
	for (size_t i = 0; i < t->nrows * (size_t)t->ncol; i++) {
		size_t cw = cell_width(t->cells[i], lines);
		if (cw > w[i % (size_t)t->ncol])
			w[i % (size_t)t->ncol] = cw;
	}
	fit_columns(t, w);
	if (lines)
		put_row(&o, t, t->names, NULL, w, pos);
	else
		put_plain_row(&o, t, t->names, NULL, w);
	for (int c = 0; c < t->ncol; c++) {
		fputs(c ? "  " : "", f);
		for (size_t k = 0; k < w[c]; k++)
			fputc('-', f);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *const *cells = t->cells + r * (size_t)t->ncol;
		const unsigned char *right = t->right + r * (size_t)t->ncol;
		if (lines)
			put_row(&o, t, cells, right, w, pos);
		else
			put_plain_row(&o, t, cells, right, w);
	}
out:
	free(w);
	free(pos);
}
