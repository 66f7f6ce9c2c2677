#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "oomsift/error.h"
#include "parse/userspace.h"

/* A follow-up links to a kill at most this far away in log time, or, when
 * the two clocks cannot be compared (dmesg uptime against syslog wall
 * time), at most this many lines away (kernel-formats.md §3.6: ±5 s). */
#define LINK_S     10.0
#define LINK_LINES 200
/* Every event is held this long for follow-ups and merges; long enough for
 * earlyoom's SIGTERM-to-SIGKILL escalation (up to 10 s). */
#define HOLD_S     15.0
#define HOLD_LINES 400
#define MAX_HELD   64
/* Caps on what linking may add to one event. */
#define RAW_CAP     (64u << 10)
#define PODS_CAP    1024
#define SEEN_BY_CAP 128
#define UNIT_CAP    256
/* An allocation failure's stack header follows within this many records. */
#define STACK_WAIT 4

/* ---- patterns ---- */

struct us_patterns {
	oomsift_re oomd_pressure, oomd_swap, unit_oom, unit_oomd, unit_result, unit_sigkill,
	    eo_send, eo_old, eo_v10, eo_status, k8s_evicted, k8s_system_oom, containerd, overcommit,
	    page_alloc, vmalloc, mode, stack_hdr;
};

#define NUM "(\\d+(?:\\.\\d+)?)"
static const struct {
	size_t offset;
	const char *pattern;
} pattern_table[] = {
#define P(field, pat)                                                                              \
	{                                                                                          \
		offsetof(struct us_patterns, field), pat                                           \
	}
    /* §3.1: v247 has no "with reclaim activity"; the newest prints "Marked … for
     * killing" before its pre-kill hooks. Groups: killed, monitored, pressure,
     * limit, duration. */
    P(oomd_pressure, "(?:^|\\s)(?:Killed|Marked) (\\S+)(?: for killing)? due to memory pressure "
                     "for (\\S+) being " NUM "% > " NUM "% for > (.+?)"
                     "(?: with reclaim activity)?\\s*$"),
    /* §3.1: v247-249 swap only, v250+ memory and swap. Groups: killed, mem
     * used, mem total, swap used, swap total, limit. */
    P(oomd_swap, "(?:^|\\s)(?:Killed|Marked) (\\S+)(?: for killing)? due to (?:memory used "
                 "\\((\\d+)\\) / total \\((\\d+)\\) and )?swap used \\((\\d+)\\) / total "
                 "\\((\\d+)\\) being more than " NUM "%"),
    /* §3.2, prefixed by the unit name. */
    P(unit_oom, "(?:^|\\s)(\\S+): A process of this unit has been killed by the OOM killer"),
    P(unit_oomd, "(?:^|\\s)(\\S+): systemd-oomd killed (?:(\\d+)|some) process\\(es\\) in "
                 "this unit"),
    P(unit_result, "(?:^|\\s)(\\S+): Failed with result 'oom-kill'"),
    /* v219 (RHEL7) prints "main process exited" in lower case. */
    P(unit_sigkill, "(?:^|\\s)(\\S+): [Mm]ain process exited, code=killed, status=9/KILL"),
    /* §3.3, earlyoom 1.3 … 1.9 and newer. Groups: signal, pid, uid, comm,
     * badness/oom_score, oom_score_adj, VmRSS MiB, cmdline. */
    P(eo_send, "(?:^|\\s)sending (SIG[A-Z0-9]+|\\d+) to process (\\d+)(?: uid (\\d+))? "
               "\"(.*)\": (?:badness|oom_score) (-?\\d+)(?:, oom_score_adj (-?\\d+))?"
               "(?:, badness -?\\d+ KiB)?, VmRSS (\\d+) MiB(?:, ordering \\S+)?"
               "(?:, cmdline \"(.*)\")?\\s*$"),
    /* earlyoom 1.1 and 1.2. Groups: comm, signal number, pid, badness, VmRSS. */
    P(eo_old, "(?:^|\\s)Killing process:? '?(.*?)'?(?: with signal (\\d+))?, pid: (\\d+), "
              "badness: (-?\\d+), VmRSS: (\\d+) MiB"),
    /* earlyoom 1.0, only under the earlyoom tag (systemd's "Killing process
     * N (comm) with signal SIGKILL." is no OOM kill). */
    P(eo_v10, "^Killing process (\\d+) (.+?)\\s*$"),
    /* Groups: mem avail, mem total, swap free, swap total (MiB; totals 1.3+). */
    P(eo_status, "(?:^|\\s)mem avail:\\s*(\\d+)(?: of\\s*(\\d+))? MiB \\([^)]*\\), swap free:"
                 "\\s*(\\d+)(?: of\\s*(\\d+))? MiB"),
    /* §3.4 */
    P(k8s_evicted, "[Ee]viction manager: pod is evicted successfully\\\\?\" "
                   "pod=\\\\?\"([^\"\\\\]+)"),
    P(k8s_system_oom, "System OOM encountered, victim process: (.*?), pid: (\\d+)"),
    /* §3.5: 1.7/2.x protobuf text, 1.2-1.6 Go struct. */
    P(containerd, "TaskOOM event (?:container_id:\\\\?\"([0-9a-f]{64})|&TaskOOM\\{ContainerID:"
                  "([0-9a-f]{64}))"),
    /* §1.4: 6.6-6.8, 6.12+ with bytes, and 6.1-stable's "no enough memory".
     * Groups: pid, comm, bytes. */
    P(overcommit, "__vm_enough_memory: pid: (\\d+), comm: (.*), (?:bytes: (\\d+) )?not? "
                  "enough memory for the allocation"),
    /* §1.4: 2.6.32 "failure." … 6.19, and 4.10-4.14 stalls. Groups: comm,
     * stall ms, order. */
    P(page_alloc, "(?:^|\\s)(?:(\\S.*?): )?page allocation (?:failure[.:]|stalls for (\\d+)ms,) "
                  "order:(\\d+)"),
    /* §1.4: 4.9-4.19 "vmalloc: allocation failure", 5.x+ "vmalloc error:".
     * Groups: comm, size, page order, total bytes, bytes. */
    P(vmalloc, "(?:^|\\s)(?:(\\S.*?): )?vmalloc(?: error: size (\\d+)(?:, page order (\\d+))?|"
               ": allocation failure(?:, allocated -?\\d+ of (\\d+) bytes|: (\\d+) bytes)?)"),
    P(mode, "mode:(0x[0-9a-fA-F]+|0)(?:\\(([^)]*)\\))?"),
    /* L4: the stack header after an allocation failure names its pid. */
    P(stack_hdr, "(?:CPU: \\d+ (?:UID: \\d+ )?PID: (\\d+) Comm: (.{1,20}?) (?:Not tainted|"
                 "Tainted:|Kdump:)|Pid: (\\d+), comm: (.{1,20}?) (?:Not tainted|Tainted:))"),
#undef P
};
#undef NUM

#define NPATTERNS (sizeof(pattern_table) / sizeof(pattern_table[0]))

static oomsift_re *pattern_at(us_patterns *p, size_t i)
{
	return (oomsift_re *)((char *)p + pattern_table[i].offset);
}

int us_patterns_new(us_patterns **out)
{
	us_patterns *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	for (size_t i = 0; i < NPATTERNS; i++)
		if ((rc = oomsift_re_compile(pattern_at(p, i), pattern_table[i].pattern)) < 0) {
			us_patterns_free(p);
			return rc;
		}
	*out = p;
	return 0;
}

void us_patterns_free(us_patterns *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < NPATTERNS; i++)
		oomsift_re_free(pattern_at(p, i));
	free(p);
}

/* ---- small helpers ---- */

static bool has(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

static bool span_is(oomsift_span sp, const char *s)
{
	return sp.ptr && sp.len == strlen(s) && memcmp(sp.ptr, s, sp.len) == 0;
}

static int64_t span_i64(oomsift_span sp)
{
	int64_t v;

	return oomsift_span_i64(sp, &v) ? v : OOMSIFT_UNSET;
}

static double span_double(oomsift_span sp)
{
	char tmp[32], *end;
	double v;

	if (!sp.ptr || sp.len == 0 || sp.len >= sizeof(tmp))
		return NAN;
	memcpy(tmp, sp.ptr, sp.len);
	tmp[sp.len] = '\0';
	v = strtod(tmp, &end);
	return *end ? NAN : v;
}

/* Copies a span into a fixed buffer, cut at its size. */
static void span_copy(char *dst, size_t cap, oomsift_span sp)
{
	size_t n = sp.ptr ? (sp.len < cap - 1 ? sp.len : cap - 1) : 0;

	if (n)
		memcpy(dst, sp.ptr, n);
	dst[n] = '\0';
}

double us_parse_timespan(const char *s, size_t len)
{
	static const struct {
		const char *suffix;
		double seconds;
	} units[] = {{"min", 60},     {"ms", 1e-3},   {"us", 1e-6},  {"\xce\xbcs", 1e-6},
	             {"y", 31557600}, {"M", 2629800}, {"w", 604800}, {"d", 86400},
	             {"h", 3600},     {"s", 1}};
	const char *p = s, *end = s + len;
	double total = 0;
	bool any = false;

	while (p < end) {
		char *num_end;
		char tmp[32];
		size_t i, n = 0;
		double v;

		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		while (p + n < end && n < sizeof(tmp) - 1 &&
		       ((p[n] >= '0' && p[n] <= '9') || p[n] == '.'))
			n++;
		if (n == 0)
			return NAN;
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		v = strtod(tmp, &num_end);
		if (*num_end)
			return NAN;
		p += n;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t sl = strlen(units[i].suffix);
			if ((size_t)(end - p) >= sl && memcmp(p, units[i].suffix, sl) == 0 &&
			    (p + sl == end || p[sl] == ' '))
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return NAN;
		total += v * units[i].seconds;
		p += strlen(units[i].suffix);
		any = true;
	}
	return any ? total : NAN;
}

/* ---- recognisers ---- */

static void fields_init(us_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->pid = f->uid = f->score = f->oom_score_adj = f->rss_mib = f->processes = OOMSIFT_UNSET;
	f->mem_avail_mib = f->mem_total_mib = f->swap_free_mib = f->swap_total_mib = OOMSIFT_UNSET;
	f->mem_used = f->mem_total = f->swap_used = f->swap_total = OOMSIFT_UNSET;
	f->pressure_pct = f->pressure_limit_pct = f->duration_s = f->swap_limit_pct = NAN;
}

static bool parse_oomd(us_patterns *p, const char *m, size_t n, us_fields *f)
{
	oomsift_span g[7];

	if (!has(m, n, " due to "))
		return false;
	if (oomsift_re_match(&p->oomd_pressure, m, n, g, 6)) {
		f->type = US_OOMD_PRESSURE;
		f->cgroup = g[1];
		f->monitored = g[2];
		f->pressure_pct = span_double(g[3]);
		f->pressure_limit_pct = span_double(g[4]);
		f->duration_s = us_parse_timespan(g[5].ptr, g[5].len);
		return true;
	}
	if (oomsift_re_match(&p->oomd_swap, m, n, g, 7)) {
		f->type = US_OOMD_SWAP;
		f->cgroup = g[1];
		f->mem_used = span_i64(g[2]);
		f->mem_total = span_i64(g[3]);
		f->swap_used = span_i64(g[4]);
		f->swap_total = span_i64(g[5]);
		f->swap_limit_pct = span_double(g[6]);
		return true;
	}
	return false;
}

static bool parse_unit(us_patterns *p, const char *m, size_t n, us_fields *f)
{
	oomsift_span g[3];

	if (has(m, n, " of this unit has been killed by the OOM killer") &&
	    oomsift_re_match(&p->unit_oom, m, n, g, 2))
		f->type = US_UNIT_OOM;
	else if (has(m, n, "systemd-oomd killed ") && oomsift_re_match(&p->unit_oomd, m, n, g, 3)) {
		f->type = US_UNIT_OOMD;
		f->processes = span_i64(g[2]);
	} else if (has(m, n, "Failed with result 'oom-kill'") &&
	           oomsift_re_match(&p->unit_result, m, n, g, 2))
		f->type = US_UNIT_RESULT_OOM;
	else if (has(m, n, "ain process exited, code=killed, status=9/KILL") &&
	         oomsift_re_match(&p->unit_sigkill, m, n, g, 2))
		f->type = US_UNIT_SIGKILL;
	else
		return false;
	f->unit = g[1];
	return true;
}

static bool parse_earlyoom_kill(us_patterns *p, bool earlyoom_tag, const char *m, size_t n,
                                us_fields *f)
{
	oomsift_span g[9];

	if (has(m, n, "sending ") && has(m, n, " to process ") &&
	    oomsift_re_match(&p->eo_send, m, n, g, 9)) {
		f->signal = g[1];
		f->pid = span_i64(g[2]);
		f->uid = span_i64(g[3]);
		f->comm = g[4];
		f->score = span_i64(g[5]);
		f->oom_score_adj = span_i64(g[6]);
		f->rss_mib = span_i64(g[7]);
		f->cmdline = g[8];
	} else if (has(m, n, "Killing process") && oomsift_re_match(&p->eo_old, m, n, g, 6)) {
		f->comm = g[1];
		f->signal = g[2];
		f->pid = span_i64(g[3]);
		f->score = span_i64(g[4]);
		f->rss_mib = span_i64(g[5]);
	} else if (earlyoom_tag && oomsift_re_match(&p->eo_v10, m, n, g, 3)) {
		f->pid = span_i64(g[1]);
		f->comm = g[2];
	} else {
		return false;
	}
	f->type = US_EARLYOOM_KILL;
	return true;
}

static bool parse_earlyoom_status(us_patterns *p, const char *m, size_t n, us_fields *f)
{
	oomsift_span g[5];

	if (!has(m, n, "mem avail:") || !oomsift_re_match(&p->eo_status, m, n, g, 5))
		return false;
	f->type = US_EARLYOOM_STATUS;
	f->mem_avail_mib = span_i64(g[1]);
	f->mem_total_mib = span_i64(g[2]);
	f->swap_free_mib = span_i64(g[3]);
	f->swap_total_mib = span_i64(g[4]);
	return true;
}

static bool parse_kubelet(us_patterns *p, const char *m, size_t n, us_fields *f)
{
	oomsift_span g[3];

	if (!has(m, n, "viction manager: ") && !has(m, n, "System OOM encountered"))
		return false;
	/* ≥1.20 structured (resourceName="memory"), ≤1.19 free text. */
	if (((has(m, n, "Eviction manager: attempting to reclaim") ||
	      has(m, n, "Eviction manager: must evict pod(s) to reclaim")) &&
	     has(m, n, "resourceName=\"memory\"")) ||
	    has(m, n, "eviction manager: attempting to reclaim memory") ||
	    has(m, n, "eviction manager: must evict pod(s) to reclaim memory")) {
		f->type = US_K8S_RECLAIM;
		return true;
	}
	if (has(m, n, "pod is evicted successfully") &&
	    oomsift_re_match(&p->k8s_evicted, m, n, g, 2)) {
		f->type = US_K8S_EVICTED;
		f->pod = g[1];
		return true;
	}
	if (has(m, n, "System OOM encountered, victim process: ") &&
	    oomsift_re_match(&p->k8s_system_oom, m, n, g, 3)) {
		f->type = US_K8S_SYSTEM_OOM;
		f->comm = g[1];
		f->pid = span_i64(g[2]);
		return true;
	}
	return false;
}

static bool parse_containerd(us_patterns *p, const char *m, size_t n, us_fields *f)
{
	oomsift_span g[3];

	if (!has(m, n, "TaskOOM event ") || !oomsift_re_match(&p->containerd, m, n, g, 3))
		return false;
	f->type = US_CONTAINERD_OOM;
	f->container = g[1].ptr ? g[1] : g[2];
	return true;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Most lines of a syslog are nobody's OOM: decide that in O(1) from where
 * each actor puts its text. systemd-oomd and earlyoom start the message with
 * it, systemd's unit lines end with it, and the kubelet (klog: "I1120 …") and
 * containerd (logrus: time="…") are recognised by their own line shape before
 * the message is searched. */
bool us_line_about_oom(const char *m, size_t n)
{
	while (n && (*m == ' ' || *m == '\t')) {
		m++;
		n--;
	}
	while (n && (m[n - 1] == ' ' || m[n - 1] == '\t' || m[n - 1] == '.'))
		n--;
	if (n < 8)
		return false;
	if (starts_with(m, n, "Killed ") || starts_with(m, n, "Marked ") ||
	    starts_with(m, n, "sending ") || starts_with(m, n, "Killing process") ||
	    starts_with(m, n, "mem avail:"))
		return true;
	if (ends_with(m, n, "OOM killer") || ends_with(m, n, "in this unit") ||
	    ends_with(m, n, "'oom-kill'") || ends_with(m, n, "status=9/KILL"))
		return true;
	if ((m[0] == 'I' || m[0] == 'W' || m[0] == 'E' || m[0] == 'F') && m[1] >= '0' &&
	    m[1] <= '9' && m[4] >= '0' && m[4] <= '9')
		return has(m, n, "viction manager: ") || has(m, n, "System OOM encountered");
	return starts_with(m, n, "time=") && has(m, n, "TaskOOM event ");
}

bool us_parse(us_patterns *p, const char *ident, size_t ident_len, const char *msg, size_t len,
              us_fields *out)
{
	bool earlyoom_tag = ident && ident_len == 8 && memcmp(ident, "earlyoom", 8) == 0;

	if (!us_line_about_oom(msg, len))
		return false;
	fields_init(out);
	return parse_oomd(p, msg, len, out) || parse_unit(p, msg, len, out) ||
	       parse_earlyoom_kill(p, earlyoom_tag, msg, len, out) ||
	       parse_earlyoom_status(p, msg, len, out) || parse_kubelet(p, msg, len, out) ||
	       parse_containerd(p, msg, len, out);
}

static void memevent_mode(us_patterns *p, const char *m, size_t n, oomsift_memevent *me)
{
	oomsift_span g[3];

	if (!oomsift_re_match(&p->mode, m, n, g, 3))
		return;
	span_copy(me->gfp_mask, sizeof(me->gfp_mask), g[1]);
	span_copy(me->gfp_flags, sizeof(me->gfp_flags), g[2]);
}

bool us_parse_memevent(us_patterns *p, const char *msg, size_t len, oomsift_memevent *me)
{
	oomsift_span g[6];

	me->pid = me->alloc_order = me->bytes = OOMSIFT_UNSET;
	me->comm[0] = me->gfp_mask[0] = me->gfp_flags[0] = '\0';
	if (has(msg, len, "enough memory for the allocation") &&
	    oomsift_re_match(&p->overcommit, msg, len, g, 4)) {
		me->kind = OOMSIFT_MEM_OVERCOMMIT_REFUSAL;
		me->pid = span_i64(g[1]);
		span_copy(me->comm, sizeof(me->comm), g[2]);
		me->bytes = span_i64(g[3]);
	} else if (has(msg, len, "page allocation ") &&
	           oomsift_re_match(&p->page_alloc, msg, len, g, 4)) {
		me->kind = g[2].ptr ? OOMSIFT_MEM_PAGE_ALLOC_STALL : OOMSIFT_MEM_PAGE_ALLOC_FAILURE;
		span_copy(me->comm, sizeof(me->comm), g[1]);
		me->alloc_order = span_i64(g[3]);
		memevent_mode(p, msg, len, me);
	} else if (has(msg, len, "vmalloc") && oomsift_re_match(&p->vmalloc, msg, len, g, 6)) {
		me->kind = OOMSIFT_MEM_VMALLOC_FAILURE;
		span_copy(me->comm, sizeof(me->comm), g[1]);
		me->bytes = span_i64(g[2].ptr ? g[2] : g[4].ptr ? g[4] : g[5]);
		me->alloc_order = span_i64(g[3]);
		memevent_mode(p, msg, len, me);
	} else {
		return false;
	}
	span_copy(me->message, sizeof(me->message), (oomsift_span){msg, len});
	return true;
}

/* ---- linker state ---- */

/* Where a line or an event sits in the log: its wall time, its uptime, its line. */
typedef struct us_clock {
	double wall, uptime;
	bool has_wall, has_uptime;
	uint64_t line;
} us_clock;

typedef struct held_event {
	oomsift_event *ev;
	us_clock at; /* its first line, or (k8s_eviction) its latest */
} held_event;

/* Allocated as needed: a fleet has many hosts, few with anything held. */
struct us_host {
	held_event *held; /* oldest first */
	size_t nheld, held_cap;
	us_clock now; /* the latest record of the host */
	bool have_status;
	us_clock status_at; /* earlyoom's latest "mem avail:" line */
	int64_t mem_avail_mib, mem_total_mib, swap_free_mib, swap_total_mib;
	bool mem_pending; /* an allocation failure waits for its stack header */
	int mem_wait;
	oomsift_memevent *mem;
};

struct us_ctx {
	us_patterns *pat;
	oomsift_event_cb cb;
	void *ctx;
	oomsift_memevent_cb mem_cb;
	void *mem_ctx;
	/* fingerprints handed out in this run, to number identical lines apart */
	uint64_t *seen;
	size_t seen_cap, nseen;
	/* events held and allocation failures pending, over all hosts: not handed
	 * on yet, so the input may not be resumed after them (us_held()) */
	size_t nwaiting;
	size_t nmem_pending; /* the allocation failures among them */
};

int us_ctx_new(us_ctx **out, oomsift_event_cb cb, void *ctx)
{
	us_ctx *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = us_patterns_new(&u->pat)) < 0) {
		free(u);
		return rc;
	}
	u->cb = cb;
	u->ctx = ctx;
	*out = u;
	return 0;
}

void us_ctx_free(us_ctx *u)
{
	if (!u)
		return;
	us_patterns_free(u->pat);
	free(u->seen);
	free(u);
}

void us_ctx_set_memevent_cb(us_ctx *u, oomsift_memevent_cb cb, void *ctx)
{
	u->mem_cb = cb;
	u->mem_ctx = ctx;
}

us_host *us_host_new(void)
{
	return calloc(1, sizeof(us_host));
}

void us_host_free(us_host *uh)
{
	if (!uh)
		return;
	for (size_t i = 0; i < uh->nheld; i++)
		oomsift_event_free(uh->held[i].ev);
	free(uh->held);
	free(uh->mem);
	free(uh);
}

static us_clock clock_of_record(const oomsift_record *rec)
{
	return (us_clock){.wall = rec->wall,
	                  .uptime = rec->uptime,
	                  .has_wall = rec->has_wall,
	                  .has_uptime = rec->has_uptime,
	                  .line = rec->lineno};
}

static us_clock clock_of_event(const oomsift_event *ev)
{
	return (us_clock){.wall = ev->ts_unix,
	                  .uptime = ev->uptime_s,
	                  .has_wall = ev->has_ts,
	                  .has_uptime = ev->has_uptime,
	                  .line = ev->line};
}

/* True when a and b are at most `seconds` apart, by wall time, else by
 * uptime, else (clocks that cannot be compared) by `lines`. */
static bool within(const us_clock *a, const us_clock *b, double seconds, uint64_t lines)
{
	if (a->has_wall && b->has_wall)
		return fabs(b->wall - a->wall) <= seconds;
	if (a->has_uptime && b->has_uptime)
		return fabs(b->uptime - a->uptime) <= seconds;
	return (b->line > a->line ? b->line - a->line : a->line - b->line) <= lines;
}

/* ---- fingerprints ---- */

static bool seen_before(us_ctx *u, uint64_t key)
{
	size_t mask, i;

	if (u->nseen * 2 >= u->seen_cap) {
		size_t cap = u->seen_cap ? u->seen_cap * 2 : 64;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return false;
		for (size_t j = 0; j < u->seen_cap; j++)
			if (u->seen[j]) {
				for (i = u->seen[j] & (cap - 1); n[i]; i = (i + 1) & (cap - 1))
					;
				n[i] = u->seen[j];
			}
		free(u->seen);
		u->seen = n;
		u->seen_cap = cap;
	}
	mask = u->seen_cap - 1;
	key |= 1; /* 0 marks an empty slot */
	for (i = key & mask; u->seen[i]; i = (i + 1) & mask)
		if (u->seen[i] == key)
			return true;
	u->seen[i] = key;
	u->nseen++;
	return false;
}

/* Host, kind, time and the message (wrapper stripped), so the same line read
 * through two files of one host is one event; repeats are numbered apart. */
static void fingerprint(us_ctx *u, unsigned char out[16], const char *host, size_t host_len,
                        const char *kind, const oomsift_record *rec)
{
	size_t len = rec->msg_len;
	unsigned ordinal = 0;
	XXH128_hash_t fp;
	char when[64];

	while (len && (rec->msg[len - 1] == ' ' || rec->msg[len - 1] == '\t'))
		len--;
	if (rec->has_wall)
		snprintf(when, sizeof(when), "w%.0f", rec->wall);
	else if (rec->has_uptime)
		snprintf(when, sizeof(when), "u%.3f", rec->uptime);
	else
		when[0] = '\0';
	for (;;) {
		XXH3_state_t s;
		XXH3_128bits_reset(&s);
		XXH3_128bits_update(&s, host, host_len);
		XXH3_128bits_update(&s, "", 1);
		XXH3_128bits_update(&s, kind, strlen(kind) + 1);
		XXH3_128bits_update(&s, when, strlen(when) + 1);
		XXH3_128bits_update(&s, rec->msg, len);
		XXH3_128bits_update(&s, &ordinal, sizeof(ordinal));
		fp = XXH3_128bits_digest(&s);
		if (!seen_before(u, fp.low64 ^ fp.high64))
			break;
		ordinal++;
	}
	XXH128_canonicalFromHash((XXH128_canonical_t *)out, fp);
}

/* ---- holding and delivering ---- */

static int release_at(us_ctx *u, us_host *uh, size_t i)
{
	oomsift_event *ev = uh->held[i].ev;

	memmove(&uh->held[i], &uh->held[i + 1], (uh->nheld - i - 1) * sizeof(uh->held[0]));
	uh->nheld--;
	u->nwaiting--;
	return u->cb(u->ctx, ev);
}

static int hold(us_ctx *u, us_host *uh, oomsift_event *ev, us_clock at)
{
	int rc = 0;

	/* Full: the oldest goes on a little early rather than growing without bound. */
	if (uh->nheld == MAX_HELD)
		rc = release_at(u, uh, 0);
	else
		rc = oomsift_vec_reserve((void **)&uh->held, &uh->held_cap, sizeof(*uh->held),
		                         uh->nheld + 1, MAX_HELD);
	if (rc < 0) {
		oomsift_event_free(ev);
		return rc;
	}
	uh->held[uh->nheld++] = (held_event){ev, at};
	u->nwaiting++;
	return 0;
}

/* Hands on the events the host's log clock has left behind. */
static int expire(us_ctx *u, us_host *uh)
{
	size_t i = 0;
	int rc;

	while (i < uh->nheld)
		if (!within(&uh->held[i].at, &uh->now, HOLD_S, HOLD_LINES)) {
			if ((rc = release_at(u, uh, i)) < 0)
				return rc;
		} else {
			i++;
		}
	return 0;
}

static int deliver_memevent(us_ctx *u, us_host *uh)
{
	if (uh->mem_pending) {
		uh->mem_pending = false;
		u->nwaiting--;
		u->nmem_pending--;
	}
	return u->mem_cb ? u->mem_cb(u->mem_ctx, uh->mem) : 0;
}

int us_flush(us_ctx *u, us_host *uh)
{
	int rc;

	if (uh->mem_pending && (rc = deliver_memevent(u, uh)) < 0)
		return rc;
	while (uh->nheld)
		if ((rc = release_at(u, uh, 0)) < 0)
			return rc;
	return 0;
}

/* ---- event fields ---- */

static const char *span_dup(oomsift_event *ev, oomsift_span sp)
{
	return sp.ptr ? oomsift_event_strdup(ev, sp.ptr, sp.len) : NULL;
}

static void append_raw(oomsift_event *ev, const char *line, size_t len)
{
	/* Past the cap the raw text stops growing; the parsed fields stay whole. */
	if (oomsift_buf_append(&ev->raw, line, len) == 0)
		oomsift_buf_putc(&ev->raw, '\n');
}

static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && memcmp(p, item, n) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* Appends item to a comma-separated list field, once, up to cap bytes. */
static void list_add(oomsift_event *ev, const char **field, const char *item, size_t item_len,
                     size_t cap)
{
	char buf[PODS_CAP + 1];
	size_t old = *field ? strlen(*field) : 0;
	const char *copy;

	if (item_len >= sizeof(buf) - 1 || old + 1 + item_len > cap)
		return;
	memcpy(buf, item, item_len);
	buf[item_len] = '\0';
	if (*field && list_has(*field, buf))
		return;
	snprintf(buf, sizeof(buf), "%s%s%.*s", *field ? *field : "", *field ? "," : "",
	         (int)item_len, item);
	if ((copy = oomsift_event_strdup(ev, buf, strlen(buf))) != NULL)
		*field = copy;
}

static void add_seen_by(oomsift_event *ev, const char *actor)
{
	list_add(ev, &ev->seen_by, actor, strlen(actor), SEEN_BY_CAP);
}

/* Replaces a string field only when the value changes (bounds arena growth). */
static void set_text(oomsift_event *ev, const char **field, const char *s, size_t len)
{
	const char *copy;

	if (*field && strlen(*field) == len && memcmp(*field, s, len) == 0)
		return;
	if ((copy = oomsift_event_strdup(ev, s, len)) != NULL)
		*field = copy;
}

/* A new user-space event at rec; NULL on allocation failure. */
static oomsift_event *event_at(us_ctx *u, const char *host, size_t host_len,
                               oomsift_event_kind kind, const oomsift_record *rec, const char *line,
                               size_t line_len)
{
	oomsift_event *ev = oomsift_event_new();

	if (!ev)
		return NULL;
	oomsift_buf_init(&ev->raw, RAW_CAP);
	ev->kind = kind;
	ev->host = oomsift_event_strdup(ev, host, host_len);
	ev->has_ts = rec->has_wall;
	ev->ts_unix = rec->wall;
	ev->ts_subsec = rec->wall_subsec;
	ev->ts_quality = rec->has_wall ? OOMSIFT_TS_EXACT : OOMSIFT_TS_UNKNOWN;
	ev->has_uptime = rec->has_uptime;
	ev->uptime_s = rec->uptime;
	if (rec->boot_id)
		ev->boot_id = oomsift_event_strdup(ev, rec->boot_id, rec->boot_id_len);
	ev->line = rec->lineno;
	if (!ev->host) {
		oomsift_event_free(ev);
		return NULL;
	}
	fingerprint(u, ev->fingerprint, host, host_len, oomsift_event_kind_name(kind), rec);
	/* Its line is its key: the same line read through syslog and a journal is one event. */
	oom_set_key(&ev->key_kill, host, host_len, rec);
	append_raw(ev, line, line_len);
	return ev;
}

/* ---- follow-ups: systemd units, containerd, kubelet ---- */

static bool is_kernel_kind(oomsift_event_kind k)
{
	return k == OOMSIFT_KERNEL_OOM || k == OOMSIFT_MEMCG_OOM;
}

/* The 1-based depth of the deepest component of cgroup path that is unit, or 0. */
static int unit_depth(const char *path, const char *unit, size_t unit_len)
{
	int depth = 0, found = 0;

	for (const char *p = path; p && *p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len) {
			depth++;
			if (len == unit_len && memcmp(p, unit, len) == 0)
				found = depth;
		}
		p = slash ? slash + 1 : NULL;
	}
	return found;
}

static int cgroups_unit_depth(const oomsift_event *ev, const char *unit, size_t len)
{
	int a = unit_depth(ev->task_memcg, unit, len), b = unit_depth(ev->oom_memcg, unit, len);

	return a > b ? a : b;
}

/* One follow-up, from a line or from a pending event. */
typedef struct followup {
	us_type type;
	const char *unit; /* unit lines */
	size_t unit_len;
	const char *container; /* containerd */
	size_t container_len;
	int64_t pid, processes;
	bool result_oom; /* a pending systemd_oom that also saw 'oom-kill' */
} followup;

/* How well target fits f: 0 not at all; higher is better. */
static int match(const oomsift_event *t, const followup *f)
{
	bool kernel = is_kernel_kind(t->kind), oomd = t->kind == OOMSIFT_OOMD_KILL;

	switch (f->type) {
	case US_UNIT_OOM:
		return kernel ? cgroups_unit_depth(t, f->unit, f->unit_len) : 0;
	case US_UNIT_OOMD:
		return oomd ? cgroups_unit_depth(t, f->unit, f->unit_len) : 0;
	case US_UNIT_RESULT_OOM:
	case US_UNIT_SIGKILL:
		return kernel || oomd ? cgroups_unit_depth(t, f->unit, f->unit_len) : 0;
	case US_CONTAINERD_OOM:
		return kernel && ((t->task_memcg && memmem(t->task_memcg, strlen(t->task_memcg),
		                                           f->container, f->container_len)) ||
		                  (t->oom_memcg && memmem(t->oom_memcg, strlen(t->oom_memcg),
		                                          f->container, f->container_len)));
	case US_K8S_SYSTEM_OOM:
		return kernel && t->victim_pid == f->pid;
	default:
		return 0;
	}
}

/* A unit notice may also link to the only kernel kill in reach when that
 * kill names no cgroup at all (≤4.x global OOMs print none). */
static bool may_link_sole(const followup *f)
{
	return f->type == US_UNIT_OOM || f->type == US_UNIT_RESULT_OOM;
}

static void set_unit(oomsift_event *t, const char *unit, size_t len)
{
	if (!t->unit ||
	    cgroups_unit_depth(t, unit, len) > cgroups_unit_depth(t, t->unit, strlen(t->unit)))
		set_text(t, &t->unit, unit, len);
}

static void apply_followup(oomsift_event *t, const followup *f)
{
	switch (f->type) {
	case US_UNIT_OOM:
	case US_UNIT_OOMD:
	case US_UNIT_RESULT_OOM:
	case US_UNIT_SIGKILL:
		set_unit(t, f->unit, f->unit_len);
		if ((f->type == US_UNIT_RESULT_OOM || f->result_oom) && t->unit &&
		    strlen(t->unit) == f->unit_len && memcmp(t->unit, f->unit, f->unit_len) == 0)
			set_text(t, &t->unit_result, "oom-kill", 8);
		if (f->processes != OOMSIFT_UNSET)
			t->oomd_killed_processes = f->processes;
		add_seen_by(t, "systemd");
		break;
	case US_CONTAINERD_OOM:
		set_text(t, &t->container_id, f->container, f->container_len);
		add_seen_by(t, "containerd");
		break;
	case US_K8S_SYSTEM_OOM:
		add_seen_by(t, "kubelet");
		break;
	default:
		break;
	}
}

/* The best target for f among the open report and the held events in reach
 * of `at`; NULL when there is none. */
static oomsift_event *find_target(us_host *uh, oomsift_event *open, const followup *f,
                                  const us_clock *at)
{
	oomsift_event *best = NULL, *sole = NULL;
	int best_score = 0, candidates = 0;

	if (open) {
		best_score = match(open, f);
		best = best_score ? open : NULL;
		candidates += is_kernel_kind(open->kind);
		sole = open;
	}
	for (long i = (long)uh->nheld - 1; i >= 0; i--) {
		oomsift_event *t = uh->held[i].ev;
		us_clock tc = clock_of_event(t);
		int score;
		if (!within(&tc, at, LINK_S, LINK_LINES))
			continue;
		if (is_kernel_kind(t->kind)) {
			candidates++;
			sole = t;
		}
		score = match(t, f);
		if (score > best_score) {
			best_score = score;
			best = t;
		}
	}
	if (best || !may_link_sole(f) || candidates != 1 || !is_kernel_kind(sole->kind) ||
	    sole->task_memcg || sole->oom_memcg)
		return best;
	return sole;
}

/* A pending event of the same unit or container, in reach of at. */
static oomsift_event *find_pending(us_host *uh, const followup *f, const us_clock *at)
{
	for (long i = (long)uh->nheld - 1; i >= 0; i--) {
		oomsift_event *p = uh->held[i].ev;
		us_clock pc = clock_of_event(p);
		if (!within(&pc, at, LINK_S, LINK_LINES))
			continue;
		if (p->kind == OOMSIFT_SYSTEMD_OOM && f->unit && p->unit &&
		    strlen(p->unit) == f->unit_len && memcmp(p->unit, f->unit, f->unit_len) == 0)
			return p;
		if (p->kind == OOMSIFT_CONTAINER_OOM && f->container && p->container_id &&
		    strlen(p->container_id) == f->container_len &&
		    memcmp(p->container_id, f->container, f->container_len) == 0)
			return p;
	}
	return NULL;
}

/* What a pending systemd_oom records of the notices it collected: the
 * notice type decides which kills it may join. */
static const char *const reason_kernel = "OOM killer", *const reason_oomd = "systemd-oomd";

static void pending_note(oomsift_event *p, const followup *f)
{
	if (f->type == US_UNIT_OOM && !p->kill_reason)
		set_text(p, &p->kill_reason, reason_kernel, strlen(reason_kernel));
	if (f->type == US_UNIT_OOMD && !p->kill_reason)
		set_text(p, &p->kill_reason, reason_oomd, strlen(reason_oomd));
	if (f->type == US_UNIT_RESULT_OOM)
		set_text(p, &p->unit_result, "oom-kill", 8);
	if (f->processes != OOMSIFT_UNSET)
		p->oomd_killed_processes = f->processes;
	if (f->type != US_UNIT_SIGKILL && f->type != US_CONTAINERD_OOM)
		p->has_kill = true;
}

static followup followup_of_pending(const oomsift_event *p)
{
	followup f = {.pid = OOMSIFT_UNSET, .processes = p->oomd_killed_processes};

	if (p->kind == OOMSIFT_CONTAINER_OOM) {
		f.type = US_CONTAINERD_OOM;
		f.container = p->container_id;
		f.container_len = strlen(p->container_id);
		return f;
	}
	f.unit = p->unit;
	f.unit_len = strlen(p->unit);
	f.result_oom = p->unit_result != NULL;
	if (p->kill_reason && strcmp(p->kill_reason, reason_oomd) == 0)
		f.type = US_UNIT_OOMD;
	else if (p->kill_reason)
		f.type = US_UNIT_OOM;
	else
		f.type = US_UNIT_RESULT_OOM;
	return f;
}

static bool is_pending_kind(oomsift_event_kind k)
{
	return k == OOMSIFT_SYSTEMD_OOM || k == OOMSIFT_CONTAINER_OOM;
}

/* A kill t just joined the held events: the pending follow-ups in its reach
 * that fit it are folded into it. */
static void absorb_pending(us_ctx *u, us_host *uh, oomsift_event *t)
{
	us_clock tc = clock_of_event(t);
	size_t i = 0;

	while (i < uh->nheld) {
		oomsift_event *p = uh->held[i].ev;
		us_clock pc = clock_of_event(p);
		followup f;
		if (!is_pending_kind(p->kind) || !within(&pc, &tc, LINK_S, LINK_LINES)) {
			i++;
			continue;
		}
		f = followup_of_pending(p);
		if (find_target(uh, NULL, &f, &pc) != t) {
			i++;
			continue;
		}
		apply_followup(t, &f);
		if (p->raw.len)
			oomsift_buf_append(&t->raw, p->raw.data, p->raw.len);
		memmove(&uh->held[i], &uh->held[i + 1], (uh->nheld - i - 1) * sizeof(uh->held[0]));
		uh->nheld--;
		u->nwaiting--;
		oomsift_event_free(p);
	}
}

/* Holds a new kill (kernel or oomd) and folds pending follow-ups into it. */
static int hold_kill(us_ctx *u, us_host *uh, oomsift_event *ev)
{
	int rc = hold(u, uh, ev, clock_of_event(ev));

	if (rc < 0)
		return rc;
	absorb_pending(u, uh, ev);
	return 0;
}

int us_kernel_closed(us_ctx *u, us_host *uh, oomsift_event *ev)
{
	return hold_kill(u, uh, ev);
}

static int on_followup(us_ctx *u, us_host *uh, const char *host, size_t host_len,
                       oomsift_event *open, const followup *f, const oomsift_record *rec,
                       const char *line, size_t line_len)
{
	us_clock at = clock_of_record(rec);
	oomsift_event *t, *p;
	oomsift_event_kind kind;

	if ((t = find_target(uh, open, f, &at)) != NULL) {
		apply_followup(t, f);
		if (t != open) /* the assembler keeps the open report's lines */
			append_raw(t, line, line_len);
		return 0;
	}
	if ((p = find_pending(uh, f, &at)) != NULL) {
		pending_note(p, f);
		append_raw(p, line, line_len);
		return 0;
	}
	/* A lone SIGKILL exit or kubelet SystemOOM proves no OOM kill by itself. */
	if (f->type == US_UNIT_SIGKILL || f->type == US_K8S_SYSTEM_OOM)
		return 0;
	kind = f->type == US_CONTAINERD_OOM ? OOMSIFT_CONTAINER_OOM : OOMSIFT_SYSTEMD_OOM;
	if (!(p = event_at(u, host, host_len, kind, rec, line, line_len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if (f->unit)
		p->unit = oomsift_event_strdup(p, f->unit, f->unit_len);
	if (f->container)
		p->container_id = oomsift_event_strdup(p, f->container, f->container_len);
	if ((f->unit && !p->unit) || (f->container && !p->container_id)) {
		oomsift_event_free(p);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	pending_note(p, f);
	return hold(u, uh, p, at);
}

/* ---- independent events: systemd-oomd, earlyoom, kubelet eviction ---- */

static void set_oomd_fields(oomsift_event *ev, const us_fields *f)
{
	static const char pressure[] = "memory pressure", swap[] = "swap";

	ev->oom_memcg = span_dup(ev, f->monitored);
	ev->oomd_pressure_pct = f->pressure_pct;
	ev->oomd_pressure_limit_pct = f->pressure_limit_pct;
	ev->oomd_duration_s = f->duration_s;
	ev->oomd_mem_used_bytes = f->mem_used;
	ev->oomd_mem_total_bytes = f->mem_total;
	ev->oomd_swap_used_bytes = f->swap_used;
	ev->oomd_swap_total_bytes = f->swap_total;
	ev->oomd_swap_limit_pct = f->swap_limit_pct;
	ev->kill_reason = f->type == US_OOMD_PRESSURE
	                      ? oomsift_event_strdup(ev, pressure, strlen(pressure))
	                      : oomsift_event_strdup(ev, swap, strlen(swap));
	ev->has_kill = true;
}

/* "Marked X for killing" and a later "Killed X" of one decision are one event. */
static int on_oomd(us_ctx *u, us_host *uh, const char *host, size_t host_len, const us_fields *f,
                   const oomsift_record *rec, const char *line, size_t line_len)
{
	us_clock at = clock_of_record(rec);
	oomsift_event *ev;

	for (long i = (long)uh->nheld - 1; i >= 0; i--) {
		oomsift_event *t = uh->held[i].ev;
		us_clock tc = clock_of_event(t);
		if (t->kind == OOMSIFT_OOMD_KILL && t->task_memcg &&
		    strlen(t->task_memcg) == f->cgroup.len &&
		    memcmp(t->task_memcg, f->cgroup.ptr, f->cgroup.len) == 0 &&
		    within(&tc, &at, LINK_S, LINK_LINES)) {
			append_raw(t, line, line_len);
			return 0;
		}
	}
	if (!(ev = event_at(u, host, host_len, OOMSIFT_OOMD_KILL, rec, line, line_len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	ev->task_memcg = span_dup(ev, f->cgroup);
	set_oomd_fields(ev, f);
	return hold_kill(u, uh, ev);
}

/* earlyoom 1.2 prints the signal as a number. */
static void set_signal(oomsift_event *ev, oomsift_span sig)
{
	if (span_is(sig, "15"))
		set_text(ev, &ev->kill_signal, "SIGTERM", 7);
	else if (span_is(sig, "9"))
		set_text(ev, &ev->kill_signal, "SIGKILL", 7);
	else if (sig.ptr)
		set_text(ev, &ev->kill_signal, sig.ptr, sig.len);
}

static void attach_status(us_host *uh, oomsift_event *ev, const us_clock *at)
{
	if (!uh->have_status || !within(&uh->status_at, at, LINK_S, LINK_LINES))
		return;
	if (uh->mem_avail_mib != OOMSIFT_UNSET)
		ev->mem_avail_kb = uh->mem_avail_mib * 1024;
	if (uh->mem_total_mib != OOMSIFT_UNSET)
		ev->mem_total_kb = uh->mem_total_mib * 1024;
	if (uh->swap_free_mib != OOMSIFT_UNSET)
		ev->swap_free_kb = uh->swap_free_mib * 1024;
	if (uh->swap_total_mib != OOMSIFT_UNSET)
		ev->swap_total_kb = uh->swap_total_mib * 1024;
}

static int add_victim(oomsift_event *ev, const us_fields *f)
{
	oomsift_kill k = {.kind = OOMSIFT_KILL_VICTIM,
	                  .pid = f->pid,
	                  .uid = f->uid,
	                  .total_vm_kb = OOMSIFT_UNSET,
	                  .anon_rss_kb = OOMSIFT_UNSET,
	                  .file_rss_kb = OOMSIFT_UNSET,
	                  .shmem_rss_kb = OOMSIFT_UNSET,
	                  .pgtables_kb = OOMSIFT_UNSET,
	                  .oom_score_adj = f->oom_score_adj};
	int rc;

	ev->victim_pid = f->pid;
	ev->victim_uid = f->uid;
	ev->victim_comm = k.comm = span_dup(ev, f->comm);
	ev->victim_oom_score_adj = f->oom_score_adj;
	ev->victim_cmdline = span_dup(ev, f->cmdline);
	ev->victim_vmrss_kb = f->rss_mib == OOMSIFT_UNSET ? OOMSIFT_UNSET : f->rss_mib * 1024;
	ev->kill_score = f->score;
	ev->has_kill = true;
	if ((rc = oomsift_vec_reserve((void **)&ev->kills, &ev->kills_cap, sizeof(k), 1, 1)) < 0)
		return rc;
	ev->kills[ev->nkills++] = k;
	return 0;
}

/* SIGTERM and then SIGKILL of one pid is one event. */
static int on_earlyoom(us_ctx *u, us_host *uh, const char *host, size_t host_len,
                       const us_fields *f, const oomsift_record *rec, const char *line,
                       size_t line_len)
{
	us_clock at = clock_of_record(rec);
	oomsift_event *ev;
	int rc;

	for (long i = (long)uh->nheld - 1; i >= 0; i--) {
		oomsift_event *t = uh->held[i].ev;
		us_clock tc = clock_of_event(t);
		if (t->kind == OOMSIFT_EARLYOOM_KILL && t->victim_pid == f->pid &&
		    within(&tc, &at, HOLD_S, HOLD_LINES)) {
			set_signal(t, f->signal);
			append_raw(t, line, line_len);
			return 0;
		}
	}
	if (!(ev = event_at(u, host, host_len, OOMSIFT_EARLYOOM_KILL, rec, line, line_len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	if ((rc = add_victim(ev, f)) < 0) {
		oomsift_event_free(ev);
		return rc;
	}
	set_signal(ev, f->signal);
	attach_status(uh, ev, &at);
	return hold(u, uh, ev, at);
}

/* One eviction round: "attempting to reclaim" lines until a pod is evicted. */
static int on_k8s(us_ctx *u, us_host *uh, const char *host, size_t host_len, const us_fields *f,
                  const oomsift_record *rec, const char *line, size_t line_len)
{
	us_clock at = clock_of_record(rec);
	oomsift_event *ev;

	for (long i = (long)uh->nheld - 1; i >= 0; i--) {
		held_event *h = &uh->held[i];
		if (h->ev->kind != OOMSIFT_K8S_EVICTION || !within(&h->at, &at, LINK_S, LINK_LINES))
			continue;
		if (f->type == US_K8S_RECLAIM && h->ev->pods)
			break; /* that round evicted its pods: this is a new one */
		if (f->type == US_K8S_EVICTED) {
			list_add(h->ev, &h->ev->pods, f->pod.ptr, f->pod.len, PODS_CAP);
			h->ev->has_kill = true;
		}
		append_raw(h->ev, line, line_len);
		h->at = at;
		return 0;
	}
	if (f->type != US_K8S_RECLAIM)
		return 0; /* an eviction for another resource, or its start is not in this log */
	if (!(ev = event_at(u, host, host_len, OOMSIFT_K8S_EVICTION, rec, line, line_len)))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	return hold(u, uh, ev, at);
}

static void keep_status(us_host *uh, const us_fields *f, const oomsift_record *rec)
{
	uh->have_status = true;
	uh->status_at = clock_of_record(rec);
	uh->mem_avail_mib = f->mem_avail_mib;
	uh->mem_total_mib = f->mem_total_mib;
	uh->swap_free_mib = f->swap_free_mib;
	uh->swap_total_mib = f->swap_total_mib;
}

static int on_user_line(us_ctx *u, us_host *uh, const char *host, size_t host_len,
                        oomsift_event *open, const oomsift_record *rec, const char *line,
                        size_t line_len)
{
	us_fields f;
	followup fu = {.pid = OOMSIFT_UNSET, .processes = OOMSIFT_UNSET};

	if (!us_parse(u->pat, rec->ident, rec->ident_len, rec->msg, rec->msg_len, &f))
		return 0;
	switch (f.type) {
	case US_OOMD_PRESSURE:
	case US_OOMD_SWAP:
		return on_oomd(u, uh, host, host_len, &f, rec, line, line_len);
	case US_EARLYOOM_KILL:
		return on_earlyoom(u, uh, host, host_len, &f, rec, line, line_len);
	case US_EARLYOOM_STATUS:
		keep_status(uh, &f, rec);
		return 0;
	case US_K8S_RECLAIM:
	case US_K8S_EVICTED:
		return on_k8s(u, uh, host, host_len, &f, rec, line, line_len);
	default:
		break;
	}
	fu.type = f.type;
	if (f.unit.ptr && f.unit.len < UNIT_CAP) {
		fu.unit = f.unit.ptr;
		fu.unit_len = f.unit.len;
	} else if (f.unit.ptr) {
		return 0;
	}
	fu.container = f.container.ptr;
	fu.container_len = f.container.len;
	fu.pid = f.pid;
	fu.processes = f.processes;
	return on_followup(u, uh, host, host_len, open, &fu, rec, line, line_len);
}

/* ---- memory events ---- */

/* An allocation failure names only its comm; the stack header that follows
 * names its pid. */
static int complete_memevent(us_ctx *u, us_host *uh, const oomsift_record *rec)
{
	oomsift_span g[5];

	if (oomsift_re_match(&u->pat->stack_hdr, rec->msg, rec->msg_len, g, 5)) {
		oomsift_span pid = g[1].ptr ? g[1] : g[3], comm = g[1].ptr ? g[2] : g[4];
		if (!uh->mem->comm[0] || (comm.len == strlen(uh->mem->comm) &&
		                          memcmp(comm.ptr, uh->mem->comm, comm.len) == 0)) {
			uh->mem->pid = span_i64(pid);
			span_copy(uh->mem->comm, sizeof(uh->mem->comm), comm);
		}
		return deliver_memevent(u, uh);
	}
	if (++uh->mem_wait > STACK_WAIT)
		return deliver_memevent(u, uh);
	return 0;
}

static int on_memevent_line(us_ctx *u, us_host *uh, const char *host, size_t host_len,
                            const oomsift_record *rec)
{
	oomsift_memevent *me;
	int rc;

	if (uh->mem_pending && (rc = deliver_memevent(u, uh)) < 0)
		return rc;
	if (!uh->mem && !(uh->mem = malloc(sizeof(*uh->mem))))
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	me = uh->mem;
	if (!us_parse_memevent(u->pat, rec->msg, rec->msg_len, me))
		return 0;
	/* The host name belongs to the assembler and outlives the callback. */
	me->host = host;
	me->has_ts = rec->has_wall;
	me->ts_unix = rec->wall;
	me->ts_subsec = rec->wall_subsec;
	me->has_uptime = rec->has_uptime;
	me->uptime_s = rec->uptime;
	me->source = NULL;
	me->line = rec->lineno;
	fingerprint(u, me->fingerprint, host, host_len, oomsift_memevent_kind_name(me->kind), rec);
	if (me->kind == OOMSIFT_MEM_OVERCOMMIT_REFUSAL)
		return deliver_memevent(u, uh);
	uh->mem_pending = true;
	u->nwaiting++;
	u->nmem_pending++;
	uh->mem_wait = 0;
	return 0;
}

int us_kernel_marker(us_ctx *u, us_host *uh, const char *host, size_t host_len, oom_line type,
                     const oomsift_record *rec)
{
	if (type == OOM_BOOT)
		return us_flush(u, uh);
	if (type == OOM_LOOKALIKE && u->mem_cb)
		return on_memevent_line(u, uh, host, host_len, rec);
	return 0;
}

int us_record(us_ctx *u, us_host *uh, const char *host, size_t host_len, oomsift_event *open,
              bool kernel, const oomsift_record *rec, const char *line, size_t line_len)
{
	int rc;

	if (rec->wrapper != OOMSIFT_WRAP_CONTINUATION) {
		uh->now = clock_of_record(rec);
		if (uh->nheld && (rc = expire(u, uh)) < 0)
			return rc;
	}
	if (kernel)
		return uh->mem_pending ? complete_memevent(u, uh, rec) : 0;
	return on_user_line(u, uh, host, host_len, open, rec, line, line_len);
}

size_t us_held(const us_ctx *u)
{
	return u->nwaiting;
}

size_t us_mem_pending(const us_ctx *u)
{
	return u->nmem_pending;
}
