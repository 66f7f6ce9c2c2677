/*
 * sosreport recognition (see include/oomsift/sosreport.h). Paths and names
 * follow sos itself: sos/report/plugins/{kernel,memory,host,general,date,
 * logs}.py and Policy.get_archive_name().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "oomsift/error.h"
#include "oomsift/input.h"
#include "oomsift/sosreport.h"

/* Files known by their exact place, in the order the walk visits them; the
 * HOSTNAME files in the order read_info() trusts them. */
static const struct {
	const char *rel;
	oomsift_sos_kind kind;
} fixed_files[] = {
    {"sos_commands/kernel/sysctl_-a", OOMSIFT_SOS_FACTS_SYSCTL},
    {"proc/meminfo", OOMSIFT_SOS_FACTS_MEMINFO},
    {"proc/swaps", OOMSIFT_SOS_FACTS_SWAPS},
    {"hostname", OOMSIFT_SOS_HOSTNAME},                      /* link to host/hostname */
    {"sos_commands/host/hostname", OOMSIFT_SOS_HOSTNAME},    /* sos 4.x, later 3.x */
    {"sos_commands/general/hostname", OOMSIFT_SOS_HOSTNAME}, /* earlier sos 3.x */
    {"etc/hostname", OOMSIFT_SOS_HOSTNAME},                  /* configured, not running */
    {"sos_commands/date/date_--utc", OOMSIFT_SOS_DATE},
};

#define NFIXED (sizeof(fixed_files) / sizeof(fixed_files[0]))

/* Directories whose files are classified by name; var/log holds the journal. */
static const char *const walked_dirs[] = {"var/log", "run/log/journal", "sos_commands/logs"};

static const char *const kind_names[OOMSIFT_SOS_KIND_COUNT] = {
    [OOMSIFT_SOS_IGNORE] = "ignore",         [OOMSIFT_SOS_LOG] = "log",
    [OOMSIFT_SOS_JOURNAL] = "journal",       [OOMSIFT_SOS_FACTS_SYSCTL] = "sysctl",
    [OOMSIFT_SOS_FACTS_MEMINFO] = "meminfo", [OOMSIFT_SOS_FACTS_SWAPS] = "swaps",
    [OOMSIFT_SOS_HOSTNAME] = "hostname",     [OOMSIFT_SOS_DATE] = "date",
};

const char *oomsift_sos_kind_name(oomsift_sos_kind kind)
{
	return kind < OOMSIFT_SOS_KIND_COUNT ? kind_names[kind] : "ignore";
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static const char *skip_dot_slash(const char *p)
{
	for (;;) {
		if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '/')
			p++;
		else
			return p;
	}
}

/* messages, messages-20261110, messages.1.gz, kern.log.2.gz, syslog.1 … */
static bool is_log_name(const char *base)
{
	static const char *const names[] = {"messages", "kern.log", "syslog"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (strncmp(base, names[i], n) == 0 &&
		    (base[n] == '\0' || base[n] == '.' || base[n] == '-'))
			return true;
	}
	return false;
}

/* Online (x.journal) and archived or dirty-closed (x.journal~) journal files. */
static bool is_journal_file(const char *rel)
{
	size_t n = strlen(rel);

	return ends_with(rel, n, ".journal") || ends_with(rel, n, ".journal~");
}

/* Text output of Plugin.add_journal(): "journalctl --no-pager [options]",
 * stored as journalctl_--no-pager[_--boot[_-1]] and so on. `journalctl
 * --disk-usage` and the like are not logs and lack --no-pager. */
static bool is_journalctl_output(const char *base)
{
	return starts_with(base, "journalctl_") && strstr(base, "--no-pager") != NULL &&
	       strchr(base, '/') == NULL;
}

oomsift_sos_kind oomsift_sosreport_classify(const char *rel)
{
	rel = skip_dot_slash(rel);
	for (size_t i = 0; i < NFIXED; i++)
		if (strcmp(rel, fixed_files[i].rel) == 0)
			return fixed_files[i].kind;
	if (starts_with(rel, "var/log/journal/") || starts_with(rel, "run/log/journal/"))
		return is_journal_file(rel) ? OOMSIFT_SOS_JOURNAL : OOMSIFT_SOS_IGNORE;
	if (starts_with(rel, "var/log/") && !strchr(rel + 8, '/') && is_log_name(rel + 8))
		return OOMSIFT_SOS_LOG;
	if (starts_with(rel, "sos_commands/logs/") && is_journalctl_output(rel + 18))
		return OOMSIFT_SOS_JOURNAL;
	return OOMSIFT_SOS_IGNORE;
}

const char *oomsift_sosreport_member_rel(const char *member)
{
	const char *slash;

	member = skip_dot_slash(member);
	slash = strchr(member, '/');
	if (!slash || slash == member || slash[1] == '\0')
		return NULL;
	return slash + 1;
}

/* ---- recognising an archive by its member names ---- */

void oomsift_sosreport_detect_init(oomsift_sos_detect *d)
{
	memset(d, 0, sizeof(*d));
}

/* Whether the first component of rel is `name` (a directory entry, with or
 * without a trailing '/' and what lies below it). */
static bool first_component_is(const char *rel, const char *name)
{
	size_t n = strlen(name);

	return strncmp(rel, name, n) == 0 && (rel[n] == '\0' || rel[n] == '/');
}

void oomsift_sosreport_detect_member(oomsift_sos_detect *d, const char *member)
{
	const char *p = skip_dot_slash(member), *rel;
	size_t top = strcspn(p, "/");

	if (*p == '\0')
		return; /* "./" itself */
	d->members++;
	if (top == 0 || top >= sizeof(d->root)) {
		d->mixed = true;
		return;
	}
	if (d->members == 1) {
		memcpy(d->root, p, top);
		d->root[top] = '\0';
	} else if (strlen(d->root) != top || memcmp(d->root, p, top) != 0) {
		d->mixed = true;
	}
	if (p[top] != '/')
		return;
	rel = p + top + 1;
	d->commands |= first_component_is(rel, "sos_commands");
	d->marker |= strcmp(rel, "version.txt") == 0 || first_component_is(rel, "sos_reports") ||
	             first_component_is(rel, "sos_logs");
}

bool oomsift_sosreport_detect_result(const oomsift_sos_detect *d)
{
	return d->members && !d->mixed && d->commands && d->marker;
}

bool oomsift_sosreport_is_listing(const char *const *members, size_t n, char *root, size_t rootlen)
{
	oomsift_sos_detect d;
	bool is_sos;

	oomsift_sosreport_detect_init(&d);
	for (size_t i = 0; i < n; i++)
		oomsift_sosreport_detect_member(&d, members[i]);
	is_sos = oomsift_sosreport_detect_result(&d);
	if (is_sos && root && rootlen)
		snprintf(root, rootlen, "%s", d.root);
	return is_sos;
}

/* ---- host names and dates ---- */

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Copies s[0..n) up to its first '.' into out when it is a host name. */
static int put_host(const char *s, size_t n, char *out, size_t outlen, const char *what)
{
	const char *dot = memchr(s, '.', n);

	if (dot)
		n = (size_t)(dot - s);
	for (size_t i = 0; i < n; i++)
		if (!is_host_char(s[i]))
			n = 0;
	if (n == 0 || n >= outlen || n >= OOMSIFT_SOS_MAX_HOST)
		return oomsift_error_set(OOMSIFT_EINVAL, "%s holds no host name", what);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Whether s[0..n) ends with "-YYYY-MM-DD". */
static bool ends_with_date(const char *s, size_t n)
{
	const char *d;

	if (n < 11)
		return false;
	d = s + n - 11;
	return d[0] == '-' && all_digits(d + 1, 4) && d[5] == '-' && all_digits(d + 6, 2) &&
	       d[8] == '-' && all_digits(d + 9, 2);
}

/* Length of the part of "HOST…-DATE[-RANDOM]" before the date, or -1. */
static long host_part(const char *s, size_t n)
{
	const char *dash;

	if (ends_with_date(s, n)) /* custom name patterns may drop the random part */
		return (long)n - 11;
	if (n >= 15 && s[n - 15] == '-' && all_digits(s + n - 14, 14)) /* legacy */
		return (long)n - 15;
	dash = memrchr(s, '-', n);
	if (!dash || dash + 1 == s + n)
		return -1;
	for (const char *p = dash + 1; p < s + n; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return -1;
	return ends_with_date(s, (size_t)(dash - s)) ? (long)(dash - s) - 11 : -1;
}

int oomsift_sosreport_host_from_name(const char *name, char *out, size_t outlen)
{
	static const char *const suffixes[] = {".tar.xz", ".tar.gz", ".tar.bz2", ".tar.zst",
	                                       ".tar",    ".tgz",    ".txz"};
	size_t n = strlen(name);
	const char *base;
	long host;

	while (n > 1 && name[n - 1] == '/')
		n--;
	base = memrchr(name, '/', n);
	base = base ? base + 1 : name;
	n -= (size_t)(base - name);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(base, n, suffixes[i])) {
			n -= strlen(suffixes[i]);
			break;
		}
	if (ends_with(base, n, "-obfuscated"))
		n -= strlen("-obfuscated");
	if (n <= 10 || memcmp(base, "sosreport-", 10) != 0 ||
	    (host = host_part(base + 10, n - 10)) <= 0)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "'%.*s' is not named like an sosreport "
		                         "(sosreport-HOST-YYYY-MM-DD-RANDOM)",
		                         (int)n, base);
	return put_host(base + 10, (size_t)host, out, outlen, "the sosreport's name");
}

int oomsift_sosreport_host_from_text(const char *data, size_t len, char *out, size_t outlen)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;

	while (n && (data[n - 1] == ' ' || data[n - 1] == '\t' || data[n - 1] == '\r'))
		n--;
	while (n && (*data == ' ' || *data == '\t')) {
		data++;
		n--;
	}
	return put_host(data, n, out, outlen, "the hostname file");
}

int oomsift_sosreport_date_from_text(const char *data, size_t len, int64_t *t)
{
	static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	char line[128], wday[4], mon[4], zone[8], tail;
	int day, hour, min, sec, year, month, fields;
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	bool known_wday = false;

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	fields = sscanf(line, "%3s %3s %d %d:%d:%d %7s %d %c", wday, mon, &day, &hour, &min, &sec,
	                zone, &year, &tail);
	for (size_t i = 0; fields == 8 && i < 7; i++)
		known_wday |= strcmp(wday, wdays[i]) == 0;
	month = fields == 8 ? oomsift_month_from_name(mon, strlen(mon)) : 0;
	if (!known_wday || month == 0 || (strcmp(zone, "UTC") != 0 && strcmp(zone, "GMT") != 0) ||
	    day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60 || hour < 0 || min < 0 ||
	    sec < 0 || year < 1970 || year > 9999)
		return oomsift_error_set(OOMSIFT_EINVAL,
		                         "'%s' is not `date --utc` output (Wed Nov 18 03:20:11 "
		                         "UTC 2026)",
		                         line);
	*t = oomsift_civil_to_unix(year, month, day, hour, min, sec);
	return 0;
}

/* ---- sosreport directories ---- */

/* root + "/" + rel, malloc'd; NULL when out of memory. */
static char *join(const char *root, const char *rel)
{
	size_t n = strlen(root), len = n + strlen(rel) + 2;
	char *path = malloc(len);

	if (path)
		snprintf(path, len, "%s%s%s", root, n && root[n - 1] == '/' ? "" : "/", rel);
	return path;
}

/* 1 when root/rel exists with the type `mode` (S_IFDIR, S_IFREG), 0 when
 * not, or a negative error. */
static int has_entry(const char *root, const char *rel, mode_t mode)
{
	char *path = join(root, rel);
	struct stat st;
	int rc;

	if (!path)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (stat(path, &st) == 0)
		rc = (st.st_mode & S_IFMT) == mode;
	else if (errno == ENOENT || errno == ENOTDIR)
		rc = 0;
	else
		rc = oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", path, strerror(errno));
	free(path);
	return rc;
}

int oomsift_sosreport_probe(const char *dir, bool *is_sos)
{
	int commands, version, reports, logs;

	*is_sos = false;
	if ((commands = has_entry(dir, ".", S_IFDIR)) <= 0 ||
	    (commands = has_entry(dir, "sos_commands", S_IFDIR)) <= 0)
		return commands < 0 ? commands : 0;
	if ((version = has_entry(dir, "version.txt", S_IFREG)) < 0 ||
	    (reports = has_entry(dir, "sos_reports", S_IFDIR)) < 0 ||
	    (logs = has_entry(dir, "sos_logs", S_IFDIR)) < 0)
		return version < 0 ? version : reports < 0 ? reports : logs;
	*is_sos = version || reports || logs;
	return 0;
}

/* Reads up to cap - 1 bytes of root/rel into buf; false when it cannot. */
static bool read_small(const char *root, const char *rel, char *buf, size_t cap, size_t *len)
{
	char *path = join(root, rel);
	ssize_t n = -1;
	int fd;

	if (path && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			n = read(fd, buf, cap - 1);
		close(fd);
	}
	free(path);
	if (n < 0)
		return false;
	buf[n] = '\0';
	*len = (size_t)n;
	return true;
}

int oomsift_sosreport_read_info(const char *root, oomsift_sosreport_info *info)
{
	char buf[512];
	size_t len;

	memset(info, 0, sizeof(*info));
	/* A failed parse leaves info->host empty: the next source is tried. */
	for (size_t i = 0; i < NFIXED && !info->host[0]; i++)
		if (fixed_files[i].kind == OOMSIFT_SOS_HOSTNAME &&
		    read_small(root, fixed_files[i].rel, buf, sizeof(buf), &len))
			oomsift_sosreport_host_from_text(buf, len, info->host, sizeof(info->host));
	if (!info->host[0])
		oomsift_sosreport_host_from_name(root, info->host, sizeof(info->host));
	if (read_small(root, "sos_commands/date/date_--utc", buf, sizeof(buf), &len))
		info->has_collected_at =
		    oomsift_sosreport_date_from_text(buf, len, &info->collected_at) == 0;
	return 0;
}

int oomsift_sosreport_hostname_rank(const char *rel)
{
	int rank = 0;

	for (size_t i = 0; i < NFIXED; i++) {
		if (fixed_files[i].kind != OOMSIFT_SOS_HOSTNAME)
			continue;
		if (strcmp(fixed_files[i].rel, rel) == 0)
			return rank;
		rank++;
	}
	return -1;
}

typedef struct sos_walk {
	const char *root;
	oomsift_sos_file_cb cb;
	void *ctx;
} sos_walk;

static int walk_file(void *ctx, const char *path, int err)
{
	sos_walk *w = ctx;
	oomsift_sos_kind kind;

	if (err < 0)
		return w->cb(w->ctx, path, OOMSIFT_SOS_IGNORE, err);
	/* path is root, '/', then the path inside (join() and the walk add one '/') */
	kind = oomsift_sosreport_classify(path + strlen(w->root));
	return kind == OOMSIFT_SOS_IGNORE ? 0 : w->cb(w->ctx, path, kind, 0);
}

/* Walks root/rel when it exists as a `mode` entry. */
static int walk_entry(sos_walk *w, const char *rel, mode_t mode)
{
	char *path;
	int rc = has_entry(w->root, rel, mode);

	if (rc <= 0)
		return rc;
	if (!(path = join(w->root, rel)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	rc = oomsift_input_walk(path, walk_file, w);
	free(path);
	return rc;
}

int oomsift_sosreport_walk(const char *root, oomsift_sos_file_cb cb, void *ctx)
{
	sos_walk w = {root, cb, ctx};
	int rc = 0;

	for (size_t i = 0; i < NFIXED && rc >= 0; i++)
		rc = walk_entry(&w, fixed_files[i].rel, S_IFREG);
	for (size_t i = 0; i < sizeof(walked_dirs) / sizeof(walked_dirs[0]) && rc >= 0; i++)
		rc = walk_entry(&w, walked_dirs[i], S_IFDIR);
	return rc;
}
