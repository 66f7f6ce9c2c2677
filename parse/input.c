#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomsift/error.h"
#include "oomsift/input.h"

#define BLOCK     (256u << 10)
#define MAX_DEPTH 64

typedef struct driver {
	oomsift_envelope *env;
	oomsift_assembler *asm_;
	const char *source;
	oomsift_event_cb cb;
	void *ctx;
	oomsift_memevent_cb memevent_cb;
	void *memevent_ctx;
	oomsift_parse_stats *stats;
	uint64_t lineno;
} driver;

static int on_event(void *ctx, oomsift_event *ev)
{
	driver *d = ctx;

	ev->source = oomsift_event_strdup(ev, d->source, strlen(d->source));
	d->stats->events++;
	return d->cb(d->ctx, ev);
}

/* A memory event is the assembler's until the callback returns: hand on a
 * copy that names the source. */
static int on_memevent(void *ctx, const oomsift_memevent *me)
{
	driver *d = ctx;
	oomsift_memevent copy = *me;

	copy.source = d->source;
	d->stats->memevents++;
	return d->memevent_cb(d->memevent_ctx, &copy);
}

/* Feeds one physical line. rsyslog's imjournal folds a multi-line record into
 * one line with "#012" for each newline: each piece is a record of its own. */
static int feed_line(driver *d, const char *line, size_t len)
{
	oomsift_record rec;
	const char *msg, *end, *cut;
	int rc;

	if (len && line[len - 1] == '\r')
		len--;
	d->stats->lines++;
	oomsift_envelope_parse(d->env, line, len, ++d->lineno, &rec);
	msg = rec.msg;
	end = rec.msg + rec.msg_len;
	while ((cut = memmem(msg, (size_t)(end - msg), "#012", 4)) != NULL) {
		rec.msg = msg;
		rec.msg_len = (size_t)(cut - msg);
		if ((rc = oomsift_assembler_feed(d->asm_, &rec, line, len)) < 0)
			return rc;
		rec.wrapper = OOMSIFT_WRAP_CONTINUATION;
		msg = cut + 4;
	}
	rec.msg = msg;
	rec.msg_len = (size_t)(end - msg);
	return oomsift_assembler_feed(d->asm_, &rec, line, len);
}

/* Splits blocks into lines. A NUL ends a line's content (preallocated log
 * files end in NUL padding); a line longer than the cap is cut. */
typedef struct line_splitter {
	char *line;
	size_t len;
	bool dropping; /* past the cap, or past a NUL, until the next '\n' */
} line_splitter;

static int split_block(driver *d, line_splitter *ls, const char *p, size_t n)
{
	const char *end = p + n;
	int rc;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		const char *nul = memchr(p, '\0', (size_t)(stop - p));
		const char *content_end = nul ? nul : stop;

		if (!ls->dropping) {
			size_t take = (size_t)(content_end - p);
			if (ls->len + take > OOMSIFT_MAX_LINE) {
				take = OOMSIFT_MAX_LINE - ls->len;
				ls->dropping = true;
				d->stats->long_lines++;
			}
			memcpy(ls->line + ls->len, p, take);
			ls->len += take;
			if (nul)
				ls->dropping = true;
		}
		if (!nl)
			break;
		if ((rc = feed_line(d, ls->line, ls->len)) < 0)
			return rc;
		ls->len = 0;
		ls->dropping = false;
		p = nl + 1;
	}
	return 0;
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

static int driver_init(driver *d, const char *name, int64_t mtime, const oomsift_parse_opts *opts,
                       oomsift_event_cb cb, void *ctx, oomsift_parse_stats *stats)
{
	oomsift_envelope_opts eo = {.year = opts ? opts->year : 0, .ref_time = mtime};
	char host[256];
	int rc;

	memset(d, 0, sizeof(*d));
	d->source = name;
	d->cb = cb;
	d->ctx = ctx;
	d->stats = stats;
	if (opts && opts->host)
		snprintf(host, sizeof(host), "%s", opts->host);
	else if (strcmp(name, "-") == 0)
		snprintf(host, sizeof(host), "stdin");
	else
		oomsift_host_from_path(name, host, sizeof(host));
	if ((rc = oomsift_envelope_new(&d->env, &eo)) < 0)
		return rc;
	if ((rc = oomsift_assembler_new(&d->asm_, host, on_event, d)) < 0) {
		oomsift_envelope_free(d->env);
		return rc;
	}
	if (opts && opts->memevent_cb) {
		d->memevent_cb = opts->memevent_cb;
		d->memevent_ctx = opts->memevent_ctx;
		oomsift_assembler_set_memevent_cb(d->asm_, on_memevent, d);
	}
	stats->files++;
	return 0;
}

static void driver_free(driver *d)
{
	oomsift_assembler_free(d->asm_);
	oomsift_envelope_free(d->env);
}

static int driver_finish(driver *d, line_splitter *ls)
{
	int rc = 0;

	if (ls->len && (rc = feed_line(d, ls->line, ls->len)) < 0)
		return rc;
	return oomsift_assembler_finish(d->asm_);
}

int oomsift_parse_buffer(const char *data, size_t len, const char *name, int64_t mtime,
                         const oomsift_parse_opts *opts, oomsift_event_cb cb, void *ctx,
                         oomsift_parse_stats *stats)
{
	line_splitter ls = {0};
	driver d;
	int rc;

	ls.line = malloc(OOMSIFT_MAX_LINE);
	if (!ls.line)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = driver_init(&d, name, mtime, opts, cb, ctx, stats)) < 0)
		goto out_line;
	stats->bytes += len;
	rc = split_block(&d, &ls, data, len);
	if (rc == 0)
		rc = driver_finish(&d, &ls);
	driver_free(&d);
out_line:
	free(ls.line);
	return rc;
}

int oomsift_parse_path(const char *path, const oomsift_parse_opts *opts, oomsift_event_cb cb,
                       void *ctx, oomsift_parse_stats *stats)
{
	line_splitter ls = {0};
	struct stat st;
	char *block = NULL;
	driver d;
	int fd, rc;
	bool is_stdin = strcmp(path, "-") == 0;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", path,
		                         strerror(errno));
	if (fstat(fd, &st) < 0 || (!is_stdin && !S_ISREG(st.st_mode))) {
		rc = oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': not a regular file", path);
		goto out_fd;
	}
	block = malloc(BLOCK);
	ls.line = malloc(OOMSIFT_MAX_LINE);
	if (!block || !ls.line) {
		rc = oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
		goto out_fd;
	}
	if ((rc = driver_init(&d, path, is_stdin ? 0 : (int64_t)st.st_mtime, opts, cb, ctx,
	                      stats)) < 0)
		goto out_fd;
	for (;;) {
		ssize_t n = read(fd, block, BLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", path,
			                       strerror(errno));
			break;
		}
		if (n == 0) {
			rc = driver_finish(&d, &ls);
			break;
		}
		stats->bytes += (uint64_t)n;
		if ((rc = split_block(&d, &ls, block, (size_t)n)) < 0)
			break;
	}
	driver_free(&d);
out_fd:
	free(block);
	free(ls.line);
	if (!is_stdin)
		close(fd);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *path, oomsift_file_cb file_cb, void *ctx, int depth);

static int walk_dir(const char *path, oomsift_file_cb file_cb, void *ctx, int depth)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!dir)
		return file_cb(ctx, path,
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
		rc = walk(child, file_cb, ctx, depth + 1);
		free(child);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

static int walk(const char *path, oomsift_file_cb file_cb, void *ctx, int depth)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return file_cb(ctx, path, 0);
	if (stat(path, &st) < 0)
		return file_cb(
		    ctx, path,
		    oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", path, strerror(errno)));
	if (S_ISDIR(st.st_mode)) {
		if (depth >= MAX_DEPTH)
			return file_cb(ctx, path,
			               oomsift_error_set(OOMSIFT_ELIMIT,
			                                 "'%s': directories nested too deep",
			                                 path));
		return walk_dir(path, file_cb, ctx, depth);
	}
	if (!S_ISREG(st.st_mode)) {
		/* Named on the command line: say so. Found while walking: skip. */
		if (depth == 0)
			return file_cb(
			    ctx, path,
			    oomsift_error_set(OOMSIFT_EINVAL, "'%s' is not a regular file", path));
		return 0;
	}
	return file_cb(ctx, path, 0);
}

int oomsift_input_walk(const char *path, oomsift_file_cb file_cb, void *ctx)
{
	return walk(path, file_cb, ctx, 0);
}
