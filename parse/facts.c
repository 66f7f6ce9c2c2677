/*
 * Host facts from `sysctl -a`, /proc/meminfo and /proc/swaps (see
 * include/oomsift/facts.h). The first significant line of a text decides its
 * kind; every later line must fit that kind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomsift/error.h"
#include "oomsift/event.h"
#include "oomsift/facts.h"

#define READ_BLOCK (64u << 10)

/* The sysctls kept: the ones kernel-formats.md §4.3/§4.4 names as changing
 * what an OOM does or what its report shows. */
static const struct {
	const char *key;
	const char *unit;
} sysctl_kept[] = {
    {"vm.overcommit_memory", "mode"},
    {"vm.overcommit_ratio", "percent"},
    {"vm.overcommit_kbytes", "kB"},
    {"vm.panic_on_oom", "mode"},
    {"vm.oom_kill_allocating_task", "bool"},
    {"vm.oom_dump_tasks", "bool"},
    {"vm.would_have_oomkilled", "bool"}, /* RHEL 6 only */
    {"vm.min_free_kbytes", "kB"},
    {"vm.watermark_scale_factor", "1/10000"},
    {"vm.swappiness", NULL},
    {"vm.admin_reserve_kbytes", "kB"},
    {"vm.user_reserve_kbytes", "kB"},
    {"vm.nr_hugepages", "count"},
};

#define NKEPT (sizeof(sysctl_kept) / sizeof(sysctl_kept[0]))

/* Longest key built: "swap:" NAME ":priority". */
#define MAX_KEY (OOMSIFT_FACTS_MAX_LINE + 16)

struct oomsift_facts_parser {
	char *name;
	oomsift_fact_cb cb;
	void *ctx;
	oomsift_facts_kind kind;
	int failed; /* sticky: the code of the first failure */
	uint64_t lineno;
	size_t len;
	bool cut; /* the line in `line` lost its tail to the cap */
	bool sysctl_set[NKEPT];
	int64_t sysctl_value[NKEPT];
	size_t swaps;
	size_t pending_len; /* sysctl: head of a line cut by a complaint */
	char line[OOMSIFT_FACTS_MAX_LINE];
	char pending[OOMSIFT_FACTS_MAX_LINE];
	char key[MAX_KEY];
};

typedef struct span {
	const char *p;
	size_t n;
} span;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static span trim(const char *p, size_t n)
{
	while (n && is_space(*p))
		p++, n--;
	while (n && is_space(p[n - 1]))
		n--;
	return (span){p, n};
}

static bool span_is(span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* A decimal integer with an optional sign and nothing else; INT64_MIN is
 * refused, it is OOMSIFT_UNSET. */
static bool parse_int(span s, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0;

	if (s.n && (s.p[0] == '-' || s.p[0] == '+')) {
		neg = s.p[0] == '-';
		i = 1;
	}
	if (i == s.n)
		return false;
	for (; i < s.n; i++) {
		if (!is_digit(s.p[i]))
			return false;
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(s.p[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* Splits off the last white-space separated token of s. */
static bool last_token(span *s, span *tok)
{
	size_t end = s->n, start;

	while (end && is_space(s->p[end - 1]))
		end--;
	start = end;
	while (start && !is_space(s->p[start - 1]))
		start--;
	if (start == end)
		return false;
	*tok = (span){s->p + start, end - start};
	s->n = start;
	return true;
}

static bool is_blank(span s)
{
	return trim(s.p, s.n).n == 0;
}

static bool is_comment(span s)
{
	span t = trim(s.p, s.n);

	return t.n && (t.p[0] == '#' || t.p[0] == ';');
}

/* ---- the three line shapes ---- */

/* "Filename Type Size Used Priority", any white space between. */
static bool swaps_header(span s)
{
	static const char *const words[] = {"Priority", "Used", "Size", "Type", "Filename"};
	span tok;

	for (size_t i = 0; i < 5; i++)
		if (!last_token(&s, &tok) || !span_is(tok, words[i]))
			return false;
	return is_blank(s);
}

/* "Key:   1234 kB" or "HugePages_Total:       0". */
static bool meminfo_split(span s, span *key, int64_t *value, bool *kb)
{
	size_t i = 0, k;
	span rest, before, tok;

	if (!s.n || !is_alpha(s.p[0]))
		return false;
	while (i < s.n && (is_alpha(s.p[i]) || is_digit(s.p[i]) || s.p[i] == '_' || s.p[i] == '(' ||
	                   s.p[i] == ')'))
		i++;
	if (i == s.n || s.p[i] != ':')
		return false;
	k = i;
	rest = trim(s.p + i + 1, s.n - i - 1);
	before = rest;
	*kb = last_token(&rest, &tok) && span_is(tok, "kB");
	rest = *kb ? trim(rest.p, rest.n) : before;
	if (!parse_int(rest, value) || *value < 0)
		return false;
	*key = (span){s.p, k};
	return true;
}

static bool sysctl_key_char(char c)
{
	return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("_.-/:*+@", c) != NULL);
}

/* "vm.swappiness = 60", "vm.swappiness=60", "-vm.swappiness = 60" (sysctl.d:
 * ignore a failure), "vm/swappiness = 60". The key needs a '.' or '/'. */
static bool sysctl_split(span s, span *key, span *value)
{
	size_t i = 0, start;
	bool sep = false;

	s = trim(s.p, s.n);
	if (s.n && s.p[0] == '-')
		i++;
	start = i;
	while (i < s.n && s.p[i] != '=' && !is_space(s.p[i])) {
		if (!sysctl_key_char(s.p[i]))
			return false;
		sep |= s.p[i] == '.' || s.p[i] == '/';
		i++;
	}
	if (i == start || !sep)
		return false;
	*key = (span){s.p + start, i - start};
	while (i < s.n && is_space(s.p[i]))
		i++;
	if (i == s.n || s.p[i] != '=')
		return false;
	*value = trim(s.p + i + 1, s.n - i - 1);
	return true;
}

/* What sysctl prints about keys it cannot read; sos keeps stderr with stdout. */
static bool sysctl_message(span s)
{
	return s.n >= 8 && memcmp(s.p, "sysctl: ", 8) == 0;
}

oomsift_facts_kind oomsift_facts_detect(const char *line, size_t len)
{
	span s = {line, len}, key, val;
	int64_t v;
	bool kb;

	if (swaps_header(s))
		return OOMSIFT_FACTS_SWAPS;
	if (meminfo_split(s, &key, &v, &kb))
		return OOMSIFT_FACTS_MEMINFO;
	if (sysctl_message(s) || sysctl_split(s, &key, &val))
		return OOMSIFT_FACTS_SYSCTL;
	return OOMSIFT_FACTS_UNKNOWN;
}

const char *oomsift_facts_kind_name(oomsift_facts_kind kind)
{
	switch (kind) {
	case OOMSIFT_FACTS_SYSCTL:
		return "sysctl";
	case OOMSIFT_FACTS_MEMINFO:
		return "meminfo";
	case OOMSIFT_FACTS_SWAPS:
		return "swaps";
	default:
		return "unknown";
	}
}

/* ---- the parser ---- */

static int fail(oomsift_facts_parser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "'name':LINE: why" and makes the parser refuse further input. */
static int fail(oomsift_facts_parser *p, int code, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	p->failed =
	    oomsift_error_set(code, "'%s':%llu: %s", p->name, (unsigned long long)p->lineno, why);
	return p->failed;
}

/* At most 60 bytes of s for a message, anything but printable ASCII as '?':
 * the text is input, and the message reaches a terminal. */
static const char *quote(span s, char *out, size_t outlen)
{
	size_t n = s.n < 60 ? s.n : 60;

	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = s.p[i] >= ' ' && s.p[i] <= '~' ? s.p[i] : '?';
	out[n] = '\0';
	return out;
}

static int emit(oomsift_facts_parser *p, const char *key, int64_t value, const char *unit,
                const char *text)
{
	oomsift_fact f = {.key = key, .value = value, .unit = unit, .text = text};
	int rc = p->cb(p->ctx, &f);

	if (rc < 0)
		p->failed = rc;
	return rc;
}

static int cut_line(oomsift_facts_parser *p)
{
	return fail(p, OOMSIFT_ELIMIT, "line longer than %d bytes", OOMSIFT_FACTS_MAX_LINE);
}

static int sysctl_kept_index(span key)
{
	for (size_t i = 0; i < NKEPT; i++) {
		const char *k = sysctl_kept[i].key;
		bool same = strlen(k) == key.n;
		/* sysctl.conf may write the key with '/' for '.' */
		for (size_t j = 0; same && j < key.n; j++)
			same = k[j] == (key.p[j] == '/' ? '.' : key.p[j]);
		if (same)
			return (int)i;
	}
	return -1;
}

static int sysctl_line(oomsift_facts_parser *p, span s)
{
	char text[64];
	span key, value;
	int64_t v;
	int i;

	if (is_blank(s) || is_comment(s) || sysctl_message(s))
		return 0;
	if (!sysctl_split(s, &key, &value))
		return fail(p, OOMSIFT_EINVAL, "not a 'key = value' line of sysctl output");
	if ((i = sysctl_kept_index(key)) < 0)
		return 0;
	if (p->cut)
		return cut_line(p);
	if (!parse_int(value, &v))
		return fail(p, OOMSIFT_EINVAL, "%s: '%s' is not an integer", sysctl_kept[i].key,
		            quote(value, text, sizeof(text)));
	p->sysctl_value[i] = v;
	p->sysctl_set[i] = true;
	return 0;
}

/* sysctl writes its complaints to stderr, unbuffered, and its output to
 * stdout, buffered; sos reads both through one pipe, so a complaint can land
 * inside a line: "net.ipv4.tcp_rmem = 4096\t87sysctl: reading key \"…\"\n380\t…".
 * The head of such a line waits for its tail on the next line. */
static int sysctl_physical_line(oomsift_facts_parser *p, span s)
{
	const char *complaint;

	if (p->pending_len) {
		size_t room = sizeof(p->pending) - p->pending_len, n = s.n < room ? s.n : room;

		p->cut |= n < s.n;
		memcpy(p->pending + p->pending_len, s.p, n);
		s = (span){p->pending, p->pending_len + n};
		p->pending_len = 0;
	}
	complaint = memmem(s.p, s.n, "sysctl: ", 8);
	if (complaint && complaint > s.p) {
		p->pending_len = (size_t)(complaint - s.p);
		memmove(p->pending, s.p, p->pending_len);
		return 0;
	}
	return sysctl_line(p, s);
}

static int meminfo_line(oomsift_facts_parser *p, span s)
{
	span key;
	int64_t v;
	bool kb;

	if (is_blank(s))
		return 0;
	if (p->cut)
		return cut_line(p);
	if (!meminfo_split(s, &key, &v, &kb))
		return fail(p, OOMSIFT_EINVAL, "not a 'Key: N [kB]' line of /proc/meminfo");
	memcpy(p->key, key.p, key.n);
	p->key[key.n] = '\0';
	return emit(p, p->key, v, kb ? "kB" : "count", NULL);
}

static int swap_fact(oomsift_facts_parser *p, span name, const char *attr, int64_t value,
                     const char *unit, const char *text)
{
	snprintf(p->key, sizeof(p->key), "swap:%.*s:%s", (int)name.n, name.p, attr);
	return emit(p, p->key, value, unit, text);
}

/* "/dev/dm-1    partition\t8388604\t0\t-2": the name may hold white space,
 * so read the four columns from the right. */
static int swaps_line(oomsift_facts_parser *p, span s)
{
	span rest = s, type, size, used, prio, name;
	int64_t size_kb, used_kb, priority;
	char type_text[32];
	int rc;

	if (is_blank(s))
		return 0;
	if (p->cut)
		return cut_line(p);
	if (!last_token(&rest, &prio) || !last_token(&rest, &used) || !last_token(&rest, &size) ||
	    !last_token(&rest, &type) || !parse_int(size, &size_kb) || size_kb < 0 ||
	    !parse_int(used, &used_kb) || used_kb < 0 || !parse_int(prio, &priority) ||
	    type.n >= sizeof(type_text) || (name = trim(rest.p, rest.n)).n == 0)
		return fail(p, OOMSIFT_EINVAL,
		            "not a 'Filename Type Size Used Priority' row of /proc/swaps");
	for (size_t i = 0; i < type.n; i++)
		if (!is_alpha(type.p[i]))
			return fail(p, OOMSIFT_EINVAL, "swap type '%s' is not a word",
			            quote(type, type_text, sizeof(type_text)));
	if (p->swaps == OOMSIFT_FACTS_MAX_SWAPS)
		return fail(p, OOMSIFT_ELIMIT, "more than %d swap devices",
		            OOMSIFT_FACTS_MAX_SWAPS);
	p->swaps++;
	memcpy(type_text, type.p, type.n);
	type_text[type.n] = '\0';
	if ((rc = swap_fact(p, name, "type", OOMSIFT_UNSET, NULL, type_text)) < 0 ||
	    (rc = swap_fact(p, name, "size", size_kb, "kB", NULL)) < 0 ||
	    (rc = swap_fact(p, name, "used", used_kb, "kB", NULL)) < 0)
		return rc;
	return swap_fact(p, name, "priority", priority, NULL, NULL);
}

/* Decides the kind on the first significant line; the swaps header is
 * consumed by the decision. */
static int first_line(oomsift_facts_parser *p, span s)
{
	char text[64];

	if (is_blank(s) || is_comment(s))
		return 0;
	p->kind = oomsift_facts_detect(s.p, s.n);
	if (p->kind == OOMSIFT_FACTS_UNKNOWN)
		return fail(p, OOMSIFT_EINVAL,
		            "not sysctl output, /proc/meminfo or /proc/swaps: '%s'",
		            quote(s, text, sizeof(text)));
	if (p->kind == OOMSIFT_FACTS_SWAPS)
		return p->cut ? cut_line(p) : 0;
	return 1; /* parse it as a line of its kind */
}

static int process_line(oomsift_facts_parser *p)
{
	span s = {p->line, p->len};
	int rc;

	p->lineno++;
	if (p->kind == OOMSIFT_FACTS_UNKNOWN && (rc = first_line(p, s)) <= 0)
		return rc;
	switch (p->kind) {
	case OOMSIFT_FACTS_SYSCTL:
		return sysctl_physical_line(p, s);
	case OOMSIFT_FACTS_MEMINFO:
		return meminfo_line(p, s);
	default:
		return swaps_line(p, s);
	}
}

int oomsift_facts_new(oomsift_facts_parser **out, const char *name, oomsift_fact_cb cb, void *ctx)
{
	oomsift_facts_parser *p = calloc(1, sizeof(*p));

	if (!p || !(p->name = strdup(name))) {
		free(p);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	p->cb = cb;
	p->ctx = ctx;
	*out = p;
	return 0;
}

void oomsift_facts_free(oomsift_facts_parser *p)
{
	if (!p)
		return;
	free(p->name);
	free(p);
}

oomsift_facts_kind oomsift_facts_kind_of(const oomsift_facts_parser *p)
{
	return p->kind;
}

int oomsift_facts_feed(oomsift_facts_parser *p, const char *data, size_t len)
{
	const char *end = data + len;
	int rc;

	if (p->failed)
		return p->failed;
	while (data < end) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t n = (size_t)((nl ? nl : end) - data), room = sizeof(p->line) - p->len;

		if (n > room) {
			p->cut = true;
			n = room;
		}
		memcpy(p->line + p->len, data, n);
		p->len += n;
		if (!nl)
			break;
		if ((rc = process_line(p)) < 0)
			return rc;
		p->len = 0;
		p->cut = false;
		data = nl + 1;
	}
	return 0;
}

static int finish_sysctl(oomsift_facts_parser *p)
{
	int rc;

	if (p->pending_len && (rc = sysctl_line(p, (span){p->pending, p->pending_len})) < 0)
		return rc;
	for (size_t i = 0; i < NKEPT; i++)
		if (p->sysctl_set[i] && (rc = emit(p, sysctl_kept[i].key, p->sysctl_value[i],
		                                   sysctl_kept[i].unit, NULL)) < 0)
			return rc;
	return 0;
}

int oomsift_facts_finish(oomsift_facts_parser *p)
{
	int rc;

	if (p->failed)
		return p->failed;
	if ((p->len || p->cut) && (rc = process_line(p)) < 0)
		return rc;
	p->len = 0;
	switch (p->kind) {
	case OOMSIFT_FACTS_SYSCTL:
		return finish_sysctl(p);
	case OOMSIFT_FACTS_SWAPS:
		return emit(p, "swap_devices", (int64_t)p->swaps, "count", NULL);
	case OOMSIFT_FACTS_MEMINFO:
		return 0;
	default:
		return p->failed = oomsift_error_set(
		           OOMSIFT_EINVAL,
		           "'%s': no sysctl output, /proc/meminfo or /proc/swaps in it", p->name);
	}
}

int oomsift_facts_parse_buffer(const char *data, size_t len, const char *name, oomsift_fact_cb cb,
                               void *ctx, oomsift_facts_kind *kind)
{
	oomsift_facts_parser *p = NULL; /* set on success; GCC -O3 cannot tell */
	int rc;

	if ((rc = oomsift_facts_new(&p, name, cb, ctx)) < 0)
		return rc;
	if ((rc = oomsift_facts_feed(p, data, len)) == 0)
		rc = oomsift_facts_finish(p);
	if (kind)
		*kind = p->kind;
	oomsift_facts_free(p);
	return rc;
}

static int read_all(int fd, const char *path, oomsift_facts_parser *p)
{
	char *block = malloc(READ_BLOCK);
	int rc = 0;

	if (!block)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(fd, block, READ_BLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': %s", path,
			                       strerror(errno));
			break;
		}
		if (n == 0) {
			rc = oomsift_facts_finish(p);
			break;
		}
		if ((rc = oomsift_facts_feed(p, block, (size_t)n)) < 0)
			break;
	}
	free(block);
	return rc;
}

int oomsift_facts_parse_path(const char *path, oomsift_fact_cb cb, void *ctx,
                             oomsift_facts_kind *kind, int64_t *mtime)
{
	oomsift_facts_parser *p = NULL;
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return oomsift_error_set(OOMSIFT_EIO, "cannot open '%s': %s", path,
		                         strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = oomsift_error_set(OOMSIFT_EIO, "cannot read '%s': not a regular file", path);
		goto out;
	}
	if ((rc = oomsift_facts_new(&p, path, cb, ctx)) < 0)
		goto out;
	rc = read_all(fd, path, p);
	if (kind)
		*kind = p->kind;
	if (mtime)
		*mtime = (int64_t)st.st_mtime;
out:
	oomsift_facts_free(p);
	close(fd);
	return rc;
}
