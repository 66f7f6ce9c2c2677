#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "oomsift/error.h"
#include "oomsift/input.h"
#include "oomsift/journal.h"
#include "oomsift/sniff.h"
#include "parse/marker_scan.h"
#include "parse/newlines.h"

#define MAX_DEPTH 64

/* The fast path: text lines without a marker string (parse/marker_scan.c)
 * are counted and passed over while no report is open and no event is held.
 * The first FULL_HEAD bytes of a source are read line by line all the same:
 * they teach the envelope the wrapper and the assembler the hosts and their
 * boot times; after them one line in every SAMPLE_BYTES is, to keep learning
 * boot times and noticing reboots. */
#define FULL_HEAD    (64u << 10)
#define SAMPLE_BYTES (1u << 20)
/* Lines read in full before a marker line, so that the envelope's state
 * (the wrapper tried first, the record continuation lines inherit) is that
 * of the line before it; then back over continuation lines, up to a bound. */
#define CONTEXT_LINES     4
#define MAX_CONTEXT_LINES 64

struct oomsift_parser {
	oomsift_format format;
	oomsift_envelope *env;    /* TEXT */
	oomsift_journal *journal; /* JOURNAL_JSON, JOURNAL_EXPORT */
	oomsift_assembler *asm_;
	char *source;
	oomsift_event_cb cb;
	void *ctx;
	oomsift_parse_stats stats;
	oomsift_memevent_cb memevent_cb;
	void *memevent_ctx;
	uint64_t lineno;
	uint64_t offset; /* of the next byte fed */
	oomsift_cursor cursor;
	uint64_t journal_base; /* offset of the first byte the journal reader saw */
	char tail[255];        /* the bytes before the cursor that its check covers */
	size_t tail_len;
	/* the line being assembled: content up to the cap; past the cap, or
	 * past a NUL (preallocated log files end in NUL padding), the rest of
	 * the line is dropped until its newline */
	char *line;
	size_t len;
	bool dropping, cut;
	marker_scan *scan; /* NULL: every line is read in full */
	oomsift_wrapper last_wrapper;
	uint64_t head_end;    /* offset up to which every line is read in full */
	uint64_t next_sample; /* offset after which the next line is read in full */
};

static int on_event(void *ctx, oomsift_event *ev)
{
	oomsift_parser *p = ctx;

	ev->source = oomsift_event_strdup(ev, p->source, strlen(p->source));
	p->stats.events++;
	return p->cb(p->ctx, ev);
}

/* A memory event is the assembler's until the callback returns: hand on a
 * copy that names the source. */
static int on_memevent(void *ctx, const oomsift_memevent *me)
{
	oomsift_parser *p = ctx;
	oomsift_memevent copy = *me;

	copy.source = p->source;
	p->stats.memevents++;
	return p->memevent_cb(p->memevent_ctx, &copy);
}

/* Where a record's message breaks into the next piece. A message that lies
 * in its physical line holds no newline (lines end at one): only rsyslog's
 * "#012" can break it. One the envelope unescaped (/dev/kmsg) may hold
 * either. */
static const char *next_break(bool in_line, const char *msg, size_t len, size_t *width)
{
	const char *end = msg + len, *p = msg;

	if (!in_line)
		return oomsift_record_next_break(msg, len, width);
	while (end - p >= 4 && (p = memchr(p, '#', (size_t)(end - p) - 3)) != NULL) {
		if (memcmp(p, "#012", 4) == 0) {
			*width = 4;
			return p;
		}
		p++;
	}
	return NULL;
}

/* Feeds one physical line. A record may hold several lines (rsyslog's
 * imjournal folds them with "#012", /dev/kmsg escapes them as \x0a): each
 * piece is a record of its own. */
static int feed_line(oomsift_parser *p, const char *line, size_t len)
{
	oomsift_record rec;
	const char *msg, *end, *cut;
	size_t width;
	bool in_line;
	int rc;

	if (len && line[len - 1] == '\r')
		len--;
	p->stats.lines++;
	oomsift_envelope_parse(p->env, line, len, ++p->lineno, &rec);
	if (rec.wrapper != OOMSIFT_WRAP_BARE && rec.wrapper != OOMSIFT_WRAP_CONTINUATION)
		p->stats.wrapped_lines++;
	p->last_wrapper = rec.wrapper;
	rec.cut |= p->cut;
	msg = rec.msg;
	end = rec.msg + rec.msg_len;
	in_line = (uintptr_t)msg >= (uintptr_t)line && (uintptr_t)end <= (uintptr_t)(line + len);
	while ((cut = next_break(in_line, msg, (size_t)(end - msg), &width)) != NULL) {
		rec.msg = msg;
		rec.msg_len = (size_t)(cut - msg);
		if ((rc = oomsift_assembler_feed(p->asm_, &rec, line, len)) < 0)
			return rc;
		rec.wrapper = OOMSIFT_WRAP_CONTINUATION;
		msg = cut + width;
	}
	rec.msg = msg;
	rec.msg_len = (size_t)(end - msg);
	return oomsift_assembler_feed(p->asm_, &rec, line, len);
}

uint64_t oomsift_cursor_fp(const void *tail, size_t n)
{
	if (n == 0 || n > 255)
		return 0;
	return (XXH3_64bits(tail, n) & ~(uint64_t)0xff) | n;
}

/* After a whole line with no report open, the next line is a safe place to
 * resume at. The check covers the end of that line, when it was kept whole. */
static void advance_cursor(oomsift_parser *p, uint64_t end_offset, const char *line, size_t len)
{
	size_t n;

	if (oomsift_assembler_open_reports(p->asm_))
		return;
	p->cursor.offset = end_offset;
	p->cursor.line = p->lineno;
	p->cursor.fp = 0;
	p->tail_len = 0;
	if (p->dropping || p->cut)
		return;
	/* Kept, not hashed: only the last cursor's check is ever needed. */
	n = len + 1 < sizeof(p->tail) ? len + 1 : sizeof(p->tail);
	memcpy(p->tail, line + len + 1 - n, n - 1);
	p->tail[n - 1] = '\n';
	p->tail_len = n;
}

int oomsift_parser_record(void *parser, const oomsift_record *rec, const char *line,
                          size_t line_len)
{
	oomsift_parser *p = parser;
	int rc;

	if (rec->wrapper != OOMSIFT_WRAP_CONTINUATION) {
		p->stats.lines++;
		p->stats.wrapped_lines++;
	}
	if ((rc = oomsift_assembler_feed(p->asm_, rec, line, line_len)) < 0)
		return rc;
	/* Resume after whole journal entries only. */
	if (p->journal && !oomsift_assembler_open_reports(p->asm_)) {
		p->cursor.offset = p->journal_base + oomsift_journal_entry_end(p->journal);
		p->cursor.line = rec->lineno;
		p->cursor.fp = 0;
	}
	return 0;
}

static int parser_open_format(oomsift_parser *p, const oomsift_envelope_opts *eo)
{
	switch (p->format) {
	case OOMSIFT_FORMAT_JOURNAL_JSON:
	case OOMSIFT_FORMAT_JOURNAL_EXPORT:
		return oomsift_journal_new(&p->journal,
		                           p->format == OOMSIFT_FORMAT_JOURNAL_JSON
		                               ? OOMSIFT_JOURNAL_JSON
		                               : OOMSIFT_JOURNAL_EXPORT,
		                           p->source, oomsift_parser_record, p);
	case OOMSIFT_FORMAT_JOURNAL_FILE:
		return 0;
	default:
		return oomsift_envelope_new(&p->env, eo);
	}
}

/* Wrappers whose every line carries its own time and host: a line passed
 * over changes nothing the next one needs. dmesg -e is not among them (its
 * relative lines take the minute of the last absolute one), nor are lines
 * with no wrapper. */
static bool wrapper_self_contained(oomsift_wrapper w)
{
	switch (w) {
	case OOMSIFT_WRAP_DMESG:
	case OOMSIFT_WRAP_RFC3164:
	case OOMSIFT_WRAP_KMSG:
	case OOMSIFT_WRAP_RFC3339:
	case OOMSIFT_WRAP_RFC5424:
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

/* Whether lines from the current one on may be passed over. */
static bool fast_path_open(oomsift_parser *p)
{
	if (!p->scan || p->len || p->dropping || p->offset < p->head_end ||
	    !wrapper_self_contained(p->last_wrapper) || oomsift_assembler_wants_every_line(p->asm_))
		return false;
	if (p->offset >= p->next_sample) {
		p->next_sample = p->offset + SAMPLE_BYTES;
		return false;
	}
	return true;
}

/* The start of the line that holds pos (lines of [s, ...) only). */
static const char *line_start(const char *s, const char *pos)
{
	const char *nl = pos > s ? memrchr(s, '\n', (size_t)(pos - s)) : NULL;

	return nl ? nl + 1 : s;
}

/* From the line start `stop`, back over the context lines to read in full. */
static const char *back_over_context(const char *s, const char *stop)
{
	for (int k = 0; stop > s && k < MAX_CONTEXT_LINES; k++) {
		if (k >= CONTEXT_LINES && *stop != ' ' && *stop != '\t')
			break;
		stop = line_start(s, stop - 1);
	}
	return stop;
}

/* Passes over the whole lines of [s, stop) as the full path would with no
 * report open: counts them and, unless an event is held, sets the cursor
 * after the last one. Stops before a line longer than the cap (the full path
 * counts and cuts it). Returns where it stopped.
 *
 * A held event is released by its host's next line read in full, not by the
 * first line 15 s later: the lines between do not move the host's clock. So
 * the event is stored in the same state, maybe later, and the cursor stays
 * before it meanwhile (a resumed read goes back further, never less far). */
static const char *pass_over(oomsift_parser *p, const char *s, const char *stop)
{
	const char *at, *last;
	uint64_t n = newlines_count(s, stop, OOMSIFT_MAX_LINE, &at, false);

	if (!n)
		return s;
	p->stats.lines += n;
	p->lineno += n;
	p->offset += (uint64_t)(at - s);
	if (oomsift_assembler_open_reports(p->asm_))
		return at;
	p->cursor.offset = p->offset;
	p->cursor.line = p->lineno;
	p->cursor.fp = 0;
	p->tail_len = 0;
	/* The check covers the end of the last line, unless a NUL cut it. */
	last = line_start(s, at - 1);
	if (!memchr(last, '\0', (size_t)(at - 1 - last))) {
		size_t len = (size_t)(at - 1 - last);
		size_t k = len + 1 < sizeof(p->tail) ? len + 1 : sizeof(p->tail);
		memcpy(p->tail, at - k, k);
		p->tail_len = k;
	}
	return at;
}

/* The fast path over the whole lines of [s, end): passes over those before
 * the context of the next marker line, or before the context of the block's
 * end (the next block's first marker needs it). Returns where the full path
 * goes on. */
static const char *skip_lines(oomsift_parser *p, const char *s, const char *end)
{
	const char *last_nl = memrchr(s, '\n', (size_t)(end - s));
	const char *hit, *stop;

	if (!last_nl)
		return s;
	hit = marker_scan_next(p->scan, s, last_nl);
	stop = hit ? line_start(s, hit) : last_nl + 1;
	return pass_over(p, s, back_over_context(s, stop));
}

/* The full path over one line or the start of one: [s, end) holds its bytes
 * up to its newline, or up to the end of the data fed. Returns what follows. */
static const char *feed_full(oomsift_parser *p, const char *s, const char *end, int *rc)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	const char *stop = nl ? nl : end;
	const char *nul = memchr(s, '\0', (size_t)(stop - s));
	const char *content_end = nul ? nul : stop;

	/* A whole line within the data, with no NUL and within the cap, is read
	 * where it is: copied, it would be the same bytes. */
	if (nl && !nul && !p->len && !p->dropping && (size_t)(nl - s) <= OOMSIFT_MAX_LINE) {
		p->offset += (uint64_t)(nl + 1 - s);
		if ((*rc = feed_line(p, s, (size_t)(nl - s))) < 0)
			return end;
		advance_cursor(p, p->offset, s, (size_t)(nl - s));
		return nl + 1;
	}

	if (!p->dropping) {
		size_t take = (size_t)(content_end - s);
		if (p->len + take > OOMSIFT_MAX_LINE) {
			take = OOMSIFT_MAX_LINE - p->len;
			p->dropping = p->cut = true;
			p->stats.long_lines++;
		}
		memcpy(p->line + p->len, s, take);
		p->len += take;
		if (nul)
			p->dropping = true;
	}
	if (!nl) {
		p->offset += (uint64_t)(end - s);
		return end;
	}
	p->offset += (uint64_t)(nl + 1 - s);
	if ((*rc = feed_line(p, p->line, p->len)) < 0)
		return end;
	advance_cursor(p, p->offset, p->line, p->len);
	p->len = 0;
	p->dropping = p->cut = false;
	return nl + 1;
}

int oomsift_parser_feed(oomsift_parser *p, const void *data, size_t n)
{
	const char *s = data, *end = s + n;
	int rc = 0;

	p->stats.bytes += n;
	if (p->journal)
		return oomsift_journal_feed(p->journal, data, n);
	if (!p->env)
		return 0;
	while (s < end && rc == 0) {
		if (fast_path_open(p)) {
			const char *next = skip_lines(p, s, end);
			if (next != s) {
				s = next;
				continue;
			}
		}
		s = feed_full(p, s, end, &rc);
	}
	return rc < 0 ? rc : 0;
}

int oomsift_parser_finish(oomsift_parser *p)
{
	int rc;

	int input_rc = 0;

	/* A journal stream that cannot be followed any more (OOMSIFT_EINVAL)
	 * still hands on the events read before the damage. */
	if (p->journal) {
		oomsift_journal_stats js;
		input_rc = oomsift_journal_finish(p->journal);
		oomsift_journal_stats_get(p->journal, &js);
		p->stats.bad_entries = js.bad_entries;
		if (input_rc < 0 && input_rc != OOMSIFT_EINVAL)
			return input_rc;
	}
	/* A last line without its newline is read, but not resumed after: the
	 * writer may still be adding to it. */
	if (p->len && (rc = feed_line(p, p->line, p->len)) < 0)
		return rc;
	p->len = 0;
	if ((rc = oomsift_assembler_finish(p->asm_)) < 0)
		return rc;
	return input_rc;
}

void oomsift_parser_cursor(const oomsift_parser *p, oomsift_cursor *c)
{
	*c = p->cursor;
	if (p->tail_len)
		c->fp = oomsift_cursor_fp(p->tail, p->tail_len);
}

const oomsift_parse_stats *oomsift_parser_stats(const oomsift_parser *p)
{
	return &p->stats;
}

void oomsift_host_from_path(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && (strcmp(base + n - 4, ".log") == 0 || strcmp(base + n - 4, ".txt") == 0))
		n -= 4;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

int oomsift_parser_new(oomsift_parser **out, const oomsift_parser_cfg *cfg, oomsift_event_cb cb,
                       void *ctx)
{
	oomsift_envelope_opts eo = {.year = cfg->year, .ref_time = cfg->mtime};
	oomsift_parser *p = calloc(1, sizeof(*p));
	char host[256];
	int rc;

	if (!p || !(p->line = malloc(OOMSIFT_MAX_LINE)) || !(p->source = strdup(cfg->name))) {
		oomsift_parser_free(p);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	p->cb = cb;
	p->ctx = ctx;
	p->offset = p->cursor.offset = p->journal_base = cfg->offset;
	p->lineno = p->cursor.line = cfg->line;
	p->head_end = p->next_sample = cfg->offset + FULL_HEAD;
	p->last_wrapper = OOMSIFT_WRAP_BARE;
	if (!cfg->every_line && !(p->scan = marker_scan_new())) {
		oomsift_parser_free(p);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	if (cfg->host)
		snprintf(host, sizeof(host), "%s", cfg->host);
	else if (strcmp(cfg->name, "-") == 0)
		snprintf(host, sizeof(host), "stdin");
	else
		oomsift_host_from_path(cfg->name, host, sizeof(host));
	oomsift_sniff_apply(&cfg->format, &eo);
	p->format = cfg->format.format;
	if ((rc = oomsift_assembler_new(&p->asm_, host, on_event, p)) < 0 ||
	    (rc = parser_open_format(p, &eo)) < 0) {
		oomsift_parser_free(p);
		return rc;
	}
	if (cfg->memevent_cb) {
		p->memevent_cb = cfg->memevent_cb;
		p->memevent_ctx = cfg->memevent_ctx;
		oomsift_assembler_set_memevent_cb(p->asm_, on_memevent, p);
	}
	p->stats.files = 1;
	*out = p;
	return 0;
}

void oomsift_parser_free(oomsift_parser *p)
{
	if (!p)
		return;
	oomsift_assembler_free(p->asm_);
	oomsift_envelope_free(p->env);
	oomsift_journal_free(p->journal);
	marker_scan_free(p->scan);
	free(p->line);
	free(p->source);
	free(p);
}

static void add_stats(oomsift_parse_stats *to, const oomsift_parse_stats *from)
{
	to->files += from->files;
	to->lines += from->lines;
	to->bytes += from->bytes;
	to->events += from->events;
	to->long_lines += from->long_lines;
	to->wrapped_lines += from->wrapped_lines;
	to->memevents += from->memevents;
}

int oomsift_parse_buffer(const char *data, size_t len, const char *name, int64_t mtime,
                         const oomsift_parse_opts *opts, oomsift_event_cb cb, void *ctx,
                         oomsift_parse_stats *stats)
{
	oomsift_parser_cfg cfg = {.name = name, .mtime = mtime};
	oomsift_parser *p;
	int rc;

	if (opts) {
		cfg.host = opts->host;
		cfg.year = opts->year;
		cfg.memevent_cb = opts->memevent_cb;
		cfg.memevent_ctx = opts->memevent_ctx;
		if (opts->format && (rc = oomsift_format_from_name(opts->format, &cfg.format)) < 0)
			return rc;
	}
	if (cfg.format.format == OOMSIFT_FORMAT_AUTO)
		cfg.format =
		    oomsift_sniff(data, len < OOMSIFT_SNIFF_HEAD ? len : OOMSIFT_SNIFF_HEAD);
	if ((rc = oomsift_parser_new(&p, &cfg, cb, ctx)) < 0)
		return rc;
	if ((rc = oomsift_parser_feed(p, data, len)) == 0)
		rc = oomsift_parser_finish(p);
	add_stats(stats, &p->stats);
	oomsift_parser_free(p);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct walker {
	oomsift_file_cb file_cb;
	oomsift_dir_cb dir_cb; /* may be NULL */
	void *ctx;
} walker;

static int walk(const walker *w, const char *path, int depth);

static int walk_dir(const walker *w, const char *path, int depth)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!dir)
		return w->file_cb(w->ctx, path,
		                  oomsift_error_set(OOMSIFT_EIO, "cannot open directory '%s': %s",
		                                    path, strerror(errno)));
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (oomsift_vec_reserve((void **)&names, &cap, sizeof(*names), n + 1, 1u << 24) <
		        0 ||
		    !(names[n] = strdup(de->d_name))) {
			rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(len);
		if (!child) {
			rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
			break;
		}
		snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
		         names[i]);
		rc = walk(w, child, depth + 1);
		free(child);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

static int walk(const walker *w, const char *path, int depth)
{
	struct stat st;
	int rc;

	if (strcmp(path, "-") == 0)
		return w->file_cb(w->ctx, path, 0);
	if (stat(path, &st) < 0)
		return w->file_cb(
		    w->ctx, path,
		    oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", path, strerror(errno)));
	if (S_ISDIR(st.st_mode)) {
		if (depth >= MAX_DEPTH)
			return w->file_cb(w->ctx, path,
			                  oomsift_error_set(OOMSIFT_ELIMIT,
			                                    "'%s': directories nested too deep",
			                                    path));
		if (w->dir_cb && (rc = w->dir_cb(w->ctx, path)) != 0)
			return rc < 0 ? rc : 0;
		return walk_dir(w, path, depth);
	}
	if (!S_ISREG(st.st_mode)) {
		/* Named on the command line: say so. Found while walking: skip. */
		if (depth == 0)
			return w->file_cb(
			    w->ctx, path,
			    oomsift_error_set(OOMSIFT_EINVAL, "'%s' is not a regular file", path));
		return 0;
	}
	return w->file_cb(w->ctx, path, 0);
}

int oomsift_input_walk(const char *path, oomsift_file_cb file_cb, void *ctx)
{
	return oomsift_input_walk_dirs(path, file_cb, NULL, ctx);
}

int oomsift_input_walk_dirs(const char *path, oomsift_file_cb file_cb, oomsift_dir_cb dir_cb,
                            void *ctx)
{
	walker w = {file_cb, dir_cb, ctx};

	return walk(&w, path, 0);
}
