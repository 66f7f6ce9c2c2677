#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "oomsift/error.h"
#include "oomsift/oom.h"
#include "parse/oom_lines.h"
#include "parse/userspace.h"

#define MAX_HOSTS 65536
#define MAX_KILLS 100000
#define MAX_RAW   (4u << 20)
/* A report whose lines stop for this long is over (kernel-formats.md §1.2.2). */
#define REPORT_GAP_S 60.0
/* After the kill, extra victims and the reaper line come within this window:
 * GRACE_S of the kill line's clock, or GRACE_LINES lines of the host when the
 * kill line has no clock. */
#define GRACE_LINES 100
#define GRACE_S     10.0
/* The fingerprint's text is gathered and hashed in pieces this large: one
 * hash update per piece, not two per line. */
#define HASH_PIECE 4096
/* A report's raw text starts with room for half as much again as the
 * host's last report, within these bounds, so that it seldom grows (each
 * growth copies it). */
#define RAW_START_MIN (4u << 10)
#define RAW_START_MAX (256u << 10)
/* and room for task rows and values, when the last report had at most
 * START_ITEMS_MAX of them */
#define START_ITEMS_MAX 4096
#define START_ITEMS_CAP (START_ITEMS_MAX * 2)

enum report_state { ST_OPEN, ST_GRACE };

/* Which multi-line block the open report is in. */
enum block { B_NONE, B_MEMINFO, B_MEMCG_STATS };

typedef struct host_state {
	char *name;
	size_t name_len;
	oomsift_event *ev; /* the open report, or NULL */
	enum report_state st;
	enum block block;
	const char *stat_section; /* owned by ev */
	oom_columns cols;
	bool have_cols;
	bool suspended; /* a lookalike (page allocation failure) is printing */
	bool oom_group;
	bool pending_manual; /* "Manual OOM execution" seen, report not yet opened */
	uint64_t grace_lines;
	uint64_t last_raw_line;
	const char *last_raw_ptr;
	size_t last_raw_len;
	double last_uptime, last_wall, kill_uptime, kill_wall;
	bool timed_grace; /* counted in ntimed_grace */
	bool have_uptime, have_wall;
	XXH3_state_t *hash;
	/* of the host's last report: raw text, task rows, values */
	size_t last_raw_size, last_ntasks, last_nkvs;
	/* the boot the host's records come from: its journal id, and its start
	 * as wall - uptime, learnt from records that carry both */
	char boot_id[33];
	double boot_time;
	bool have_boot_time;
	us_host *us; /* user-space lines and held events (parse/userspace.c) */
} host_state;

struct oomsift_assembler {
	oom_patterns *pat;
	us_ctx *us; /* delivers every event to the callback, links user-space follow-ups */
	char *default_host;
	host_state *hosts;
	size_t nhosts, hosts_cap;
	size_t last_host;
	/* hosts by name: open addressing over index + 1 (0 = empty), at most half full */
	uint32_t *host_slots;
	size_t host_slots_cap;
	size_t nopen; /* hosts with a report open */
	/* of those, hosts whose report is in a grace that ends by time: the
	 * lines in between matter only when they hold a marker */
	size_t ntimed_grace;
	/* fingerprints handed out in this run, to number identical reports */
	uint64_t *seen;
	size_t seen_cap, nseen;
	/* text for one host's fingerprint hash not hashed yet (hash_flush): the
	 * host's index + 1 (the array moves when it grows), 0 when none */
	size_t hash_owner;
	size_t hash_len;
	char hash_piece[HASH_PIECE];
};

int oomsift_assembler_new(oomsift_assembler **out, const char *default_host, oomsift_event_cb cb,
                          void *ctx)
{
	oomsift_assembler *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	a->default_host = strdup(default_host ? default_host : "unknown");
	if (!a->default_host) {
		free(a);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	if ((rc = oom_patterns_new(&a->pat)) < 0 || (rc = us_ctx_new(&a->us, cb, ctx)) < 0) {
		oomsift_assembler_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void oomsift_assembler_free(oomsift_assembler *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nhosts; i++) {
		oomsift_event_free(a->hosts[i].ev);
		XXH3_freeState(a->hosts[i].hash);
		us_host_free(a->hosts[i].us);
		free(a->hosts[i].name);
	}
	free(a->hosts);
	free(a->host_slots);
	free(a->seen);
	oom_patterns_free(a->pat);
	us_ctx_free(a->us);
	free(a->default_host);
	free(a);
}

static size_t host_slot(const oomsift_assembler *a, const char *name, size_t len)
{
	size_t mask = a->host_slots_cap - 1, i = (size_t)XXH3_64bits(name, len) & mask;

	for (; a->host_slots[i]; i = (i + 1) & mask) {
		const host_state *h = &a->hosts[a->host_slots[i] - 1];
		if (h->name_len == len && memcmp(h->name, name, len) == 0)
			break;
	}
	return i;
}

/* Keeps the name index at most half full: rebuilt twice as large. */
static int grow_host_slots(oomsift_assembler *a)
{
	size_t cap = a->host_slots_cap ? a->host_slots_cap * 2 : 64;
	uint32_t *slots;

	if ((a->nhosts + 1) * 2 <= a->host_slots_cap)
		return 0;
	if (!(slots = calloc(cap, sizeof(*slots))))
		return OOMSIFT_ENOMEM;
	free(a->host_slots);
	a->host_slots = slots;
	a->host_slots_cap = cap;
	for (size_t i = 0; i < a->nhosts; i++)
		slots[host_slot(a, a->hosts[i].name, a->hosts[i].name_len)] = (uint32_t)i + 1;
	return 0;
}

static host_state *host_get(oomsift_assembler *a, const char *name, size_t len)
{
	host_state *h;
	size_t slot;

	if (!name) {
		name = a->default_host;
		len = strlen(name);
	}
	if (a->nhosts) {
		h = &a->hosts[a->last_host];
		if (h->name_len == len && memcmp(h->name, name, len) == 0)
			return h;
	}
	if (grow_host_slots(a) < 0)
		return NULL;
	slot = host_slot(a, name, len);
	if (a->host_slots[slot]) {
		a->last_host = a->host_slots[slot] - 1;
		return &a->hosts[a->last_host];
	}
	if (oomsift_vec_reserve((void **)&a->hosts, &a->hosts_cap, sizeof(*h), a->nhosts + 1,
	                        MAX_HOSTS) < 0)
		return NULL;
	h = &a->hosts[a->nhosts];
	memset(h, 0, sizeof(*h));
	/* Exactly len bytes: a host name from a journal field may hold a NUL,
	 * which strndup() would stop at (name_len must be what was copied). */
	if ((h->name = malloc(len + 1)) != NULL) {
		memcpy(h->name, name, len);
		h->name[len] = '\0';
	}
	h->name_len = len;
	h->hash = XXH3_createState();
	h->us = us_host_new();
	if (!h->name || !h->hash || !h->us) {
		free(h->name);
		XXH3_freeState(h->hash);
		us_host_free(h->us);
		return NULL;
	}
	a->host_slots[slot] = (uint32_t)a->nhosts + 1;
	a->last_host = a->nhosts++;
	return h;
}

/* ---- the fingerprint's hash ---- */

/* Hashes the text gathered for a host's fingerprint. Streaming hashes give
 * the same value however their input is cut, so gathering changes nothing. */
static void hash_flush(oomsift_assembler *a)
{
	if (a->hash_owner && a->hash_len)
		XXH3_128bits_update(a->hosts[a->hash_owner - 1].hash, a->hash_piece, a->hash_len);
	a->hash_owner = 0;
	a->hash_len = 0;
}

static size_t host_index(const oomsift_assembler *a, const host_state *h)
{
	return (size_t)(h - a->hosts) + 1;
}

/* Adds bytes to a host's fingerprint text. */
static void hash_add(oomsift_assembler *a, host_state *h, const char *p, size_t n)
{
	if (a->hash_owner != host_index(a, h) || a->hash_len + n > sizeof(a->hash_piece))
		hash_flush(a);
	if (n > sizeof(a->hash_piece)) {
		XXH3_128bits_update(h->hash, p, n);
		return;
	}
	a->hash_owner = host_index(a, h);
	memcpy(a->hash_piece + a->hash_len, p, n);
	a->hash_len += n;
}

/* Starts a host's fingerprint afresh: text gathered for it is dropped. */
static void hash_reset(oomsift_assembler *a, host_state *h)
{
	if (a->hash_owner == host_index(a, h)) {
		a->hash_owner = 0;
		a->hash_len = 0;
	}
	XXH3_128bits_reset(h->hash);
}

/* ---- opening and closing reports ---- */

static bool seen_before(oomsift_assembler *a, uint64_t key)
{
	size_t mask, i;

	if (a->nseen * 2 >= a->seen_cap) {
		size_t cap = a->seen_cap ? a->seen_cap * 2 : 256;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return false;
		for (size_t j = 0; j < a->seen_cap; j++)
			if (a->seen[j]) {
				for (i = a->seen[j] & (cap - 1); n[i]; i = (i + 1) & (cap - 1))
					;
				n[i] = a->seen[j];
			}
		free(a->seen);
		a->seen = n;
		a->seen_cap = cap;
	}
	mask = a->seen_cap - 1;
	key |= 1; /* 0 marks an empty slot */
	for (i = key & mask; a->seen[i]; i = (i + 1) & mask)
		if (a->seen[i] == key)
			return true;
	a->seen[i] = key;
	a->nseen++;
	return false;
}

/* The fingerprint covers the host, the event's time and every OOM line's
 * message (wrapper stripped), so the same report read through another file
 * of the same host (kern.log and syslog) gets the same fingerprint, and a
 * report repeated word for word in one file is numbered apart. */
static void fingerprint(oomsift_assembler *a, host_state *h, oomsift_event *ev)
{
	char when[64];
	XXH128_hash_t fp;
	unsigned ordinal = 0;

	if (ev->has_ts)
		snprintf(when, sizeof(when), "w%.0f", ev->ts_unix);
	else if (ev->has_uptime)
		snprintf(when, sizeof(when), "u%.3f", ev->uptime_s);
	else
		when[0] = '\0';
	if (a->hash_owner == host_index(a, h))
		hash_flush(a);
	for (;;) {
		XXH3_state_t s;
		XXH3_copyState(&s, h->hash);
		XXH3_128bits_update(&s, when, strlen(when) + 1);
		XXH3_128bits_update(&s, &ordinal, sizeof(ordinal));
		fp = XXH3_128bits_digest(&s);
		if (!seen_before(a, fp.low64 ^ fp.high64))
			break;
		ordinal++;
	}
	XXH128_canonicalFromHash((XXH128_canonical_t *)ev->fingerprint, fp);
}

/* Boot and time: the event's boot, and a wall time derived from the boot's
 * start when the records carried only the kernel's uptime. */
static void finalize_time(host_state *h, oomsift_event *ev)
{
	if (h->boot_id[0])
		ev->boot_id = oomsift_event_strdup(ev, h->boot_id, strlen(h->boot_id));
	if (h->have_boot_time) {
		ev->has_boot_time = true;
		ev->boot_time = h->boot_time;
	}
	if (ev->has_ts) {
		ev->ts_quality = OOMSIFT_TS_EXACT;
	} else if (ev->has_uptime && h->have_boot_time) {
		ev->has_ts = true;
		ev->ts_subsec = true;
		ev->ts_unix = h->boot_time + ev->uptime_s;
		ev->ts_quality = OOMSIFT_TS_DERIVED;
	}
}

static void finalize_kind(oomsift_event *ev)
{
	bool memcg =
	    (ev->oom_constraint && strcmp(ev->oom_constraint, "CONSTRAINT_MEMCG") == 0) ||
	    ev->memcg_mem.usage_kb != OOMSIFT_UNSET || ev->oom_memcg ||
	    (ev->kill_reason && strcmp(ev->kill_reason, "Memory cgroup out of memory") == 0);

	ev->kind = memcg ? OOMSIFT_MEMCG_OOM : OOMSIFT_KERNEL_OOM;
}

static void set_timed_grace(oomsift_assembler *a, host_state *h, bool on)
{
	if (on != h->timed_grace)
		a->ntimed_grace += on ? 1 : (size_t)-1;
	h->timed_grace = on;
}

static int close_report(oomsift_assembler *a, host_state *h)
{
	oomsift_event *ev = h->ev;

	if (!ev)
		return 0;
	h->ev = NULL;
	h->last_raw_size = ev->raw.len;
	h->last_ntasks = ev->ntasks;
	h->last_nkvs = ev->nkvs;
	a->nopen--;
	set_timed_grace(a, h, false);
	h->block = B_NONE;
	h->have_cols = false;
	h->suspended = false;
	h->oom_group = false;
	finalize_kind(ev);
	finalize_time(h, ev);
	fingerprint(a, h, ev);
	/* Held a few seconds of log time for user-space follow-ups, then handed on. */
	return us_kernel_closed(a->us, h->us, ev);
}

/* Gives a new report's raw text room for half as much again as the host's
 * last one, within bounds (a buffer of oomsift_buf's own kind: it grows it
 * as it grows any). */
static void raw_start(oomsift_buf *raw, size_t last)
{
	size_t cap = RAW_START_MIN;

	while (cap < last + last / 2 + 1 && cap < RAW_START_MAX)
		cap *= 2;
	if ((raw->data = malloc(cap)) != NULL) {
		raw->cap = cap;
		raw->data[0] = '\0';
	}
}

static int open_report(oomsift_assembler *a, host_state *h, const oomsift_record *rec)
{
	oomsift_event *ev;
	int rc;

	if ((rc = close_report(a, h)) < 0)
		return rc;
	ev = oomsift_event_new();
	if (!ev)
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	oomsift_buf_init(&ev->raw, MAX_RAW);
	raw_start(&ev->raw, h->last_raw_size);
	/* Room for half as many again task rows and values as the host's last
	 * report had (each growth copies the array); past the bound, or out of
	 * memory, they grow as they come. */
	if (h->last_ntasks && h->last_ntasks <= START_ITEMS_MAX)
		(void)oomsift_vec_reserve((void **)&ev->tasks, &ev->tasks_cap, sizeof(*ev->tasks),
		                          h->last_ntasks + h->last_ntasks / 2, START_ITEMS_CAP);
	if (h->last_nkvs && h->last_nkvs <= START_ITEMS_MAX)
		(void)oomsift_vec_reserve((void **)&ev->kvs, &ev->kvs_cap, sizeof(*ev->kvs),
		                          h->last_nkvs + h->last_nkvs / 2, START_ITEMS_CAP);
	ev->host = oomsift_event_strdup(ev, h->name, h->name_len);
	ev->has_ts = rec->has_wall;
	ev->ts_unix = rec->wall;
	ev->ts_subsec = rec->wall_subsec;
	ev->has_uptime = rec->has_uptime;
	ev->uptime_s = rec->uptime;
	ev->line = rec->lineno;
	oom_set_key(&ev->key_first, h->name, h->name_len, rec);
	ev->manual = h->pending_manual;
	h->pending_manual = false;
	h->ev = ev;
	a->nopen++;
	h->st = ST_OPEN;
	set_timed_grace(a, h, false);
	h->last_raw_line = 0;
	hash_reset(a, h);
	hash_add(a, h, h->name, h->name_len + 1);
	return 0;
}

/* ---- one record ---- */

static void hash_message(oomsift_assembler *a, host_state *h, const char *msg, size_t len)
{
	while (len && (msg[len - 1] == ' ' || msg[len - 1] == '\t'))
		len--;
	hash_add(a, h, msg, len);
	hash_add(a, h, "\n", 1);
}

/* Keeps a physical line once, however many records it held (a line folded
 * with #012 is several records of one line; a journal entry's lines are
 * several records of one entry number, each with its own line). */
static void keep_raw(host_state *h, const oomsift_record *rec, const char *line, size_t len)
{
	if (!h->ev ||
	    (h->last_raw_line == rec->lineno && h->last_raw_ptr == line && h->last_raw_len == len))
		return;
	h->last_raw_line = rec->lineno;
	h->last_raw_ptr = line;
	h->last_raw_len = len;
	/* Past the cap the raw text stops growing; the parsed fields stay whole.
	 * A line and its newline that fit in the room there is are copied here
	 * (the room never passes the cap), the rest as oomsift_buf does. */
	oomsift_buf *raw = &h->ev->raw;
	if (raw->len + len + 2 <= raw->cap) {
		memcpy(raw->data + raw->len, line, len);
		raw->len += len;
		raw->data[raw->len++] = '\n';
		raw->data[raw->len] = '\0';
	} else if (oomsift_buf_append(raw, line, len) == 0) {
		oomsift_buf_putc(raw, '\n');
	}
}

static int add_kill(oomsift_event *ev, const oomsift_kill *k)
{
	int rc = oomsift_vec_reserve((void **)&ev->kills, &ev->kills_cap, sizeof(*k),
	                             ev->nkills + 1, MAX_KILLS);
	if (rc < 0)
		return rc == OOMSIFT_ELIMIT ? 0 : rc;
	ev->kills[ev->nkills++] = *k;
	return 0;
}

static void set_victim(oomsift_event *ev, const oomsift_kill *k)
{
	ev->has_kill = true;
	ev->victim_pid = k->pid;
	ev->victim_comm = k->comm;
	if (k->uid != OOMSIFT_UNSET)
		ev->victim_uid = k->uid;
	ev->victim_total_vm_kb = k->total_vm_kb;
	ev->victim_anon_rss_kb = k->anon_rss_kb;
	ev->victim_file_rss_kb = k->file_rss_kb;
	ev->victim_shmem_rss_kb = k->shmem_rss_kb;
	ev->victim_pgtables_kb = k->pgtables_kb;
	ev->victim_oom_score_adj = k->oom_score_adj;
	if (k->reason)
		ev->kill_reason = k->reason;
}

static void enter_grace(oomsift_assembler *a, host_state *h, const oomsift_record *rec)
{
	h->st = ST_GRACE;
	h->grace_lines = 0;
	h->block = B_NONE;
	/* Kernel and syslog clocks differ: remember each, compare like with like. */
	h->kill_uptime = rec->has_uptime ? rec->uptime : -1;
	h->kill_wall = rec->has_wall ? rec->wall : -1;
	set_timed_grace(a, h, rec->has_uptime || rec->has_wall);
}

/* L11: the victim of the open report, an extra member of a memory.oom.group
 * kill, or a kill whose header was rate-limited away (a new event). */
static int on_killed(oomsift_assembler *a, host_state *h, const oomsift_record *rec)
{
	oomsift_kill k;
	int rc;

	if (!h->ev || (h->st == ST_GRACE && !h->oom_group) || (h->ev && h->ev->no_killable))
		if ((rc = open_report(a, h, rec)) < 0)
			return rc;
	if (!oom_parse_killed(h->ev, rec->msg, rec->msg_len, &k))
		return 0;
	k.oom_group = h->st == ST_GRACE && h->oom_group;
	if (!k.reason && h->ev->kill_reason)
		k.reason = h->ev->kill_reason;
	if ((rc = add_kill(h->ev, &k)) < 0)
		return rc;
	if (!h->ev->has_kill) {
		set_victim(h->ev, &k);
		oom_set_key(&h->ev->key_kill, h->name, h->name_len, rec);
	}
	hash_message(a, h, rec->msg, rec->msg_len);
	enter_grace(a, h, rec);
	return 0;
}

static int on_extra_kill(oomsift_assembler *a, host_state *h, oom_line type,
                         const oomsift_record *rec)
{
	oomsift_kill k;
	bool ok;

	if (type == OOM_SHARED_MM)
		ok = oom_parse_shared_mm(h->ev, rec->msg, rec->msg_len, &k);
	else
		ok = oom_parse_reaper(h->ev, type, rec->msg, rec->msg_len, &k);
	if (!ok)
		return 0;
	/* The reaper names the victim; a reaper line for another pid is not ours. */
	if ((type == OOM_REAPED || type == OOM_UNABLE_REAP) && h->ev->victim_pid != k.pid) {
		bool ours = false;
		for (size_t i = 0; i < h->ev->nkills; i++)
			ours |= h->ev->kills[i].pid == k.pid;
		if (!ours)
			return 0;
	}
	hash_message(a, h, rec->msg, rec->msg_len);
	return add_kill(h->ev, &k);
}

/* Lines that open, end or join an event wherever they appear. Returns 1 when
 * the line was consumed. */
static int on_marker(oomsift_assembler *a, host_state *h, oom_line type, const oomsift_record *rec,
                     const char *line, size_t line_len)
{
	int rc = 0;

	switch (type) {
	case OOM_INVOKED:
		if ((rc = open_report(a, h, rec)) < 0)
			return rc;
		if (!oom_apply_invoked(a->pat, h->ev, rec->msg, rec->msg_len)) {
			oomsift_event_free(h->ev);
			h->ev = NULL;
			a->nopen--;
			return 0;
		}
		break;
	case OOM_KILLED:
		rc = on_killed(a, h, rec);
		return rc < 0 ? rc : 1;
	case OOM_KILL_SELECT:
	case OOM_SUMMARY:
		if (!h->ev || h->st == ST_GRACE)
			if ((rc = open_report(a, h, rec)) < 0)
				return rc;
		if (type == OOM_KILL_SELECT)
			oom_apply_kill_select(h->ev, rec->msg, rec->msg_len);
		else
			oom_apply_summary(h->ev, rec->msg, rec->msg_len);
		h->block = B_NONE;
		break;
	case OOM_SHARED_MM:
	case OOM_REAPED:
	case OOM_UNABLE_REAP:
		if (!h->ev)
			return 1;
		if ((rc = on_extra_kill(a, h, type, rec)) < 0)
			return rc;
		return 1;
	case OOM_GROUP:
		if (!h->ev || !oom_apply_group(a->pat, h->ev, rec->msg, rec->msg_len))
			return 1;
		h->oom_group = true;
		break;
	case OOM_NO_KILLABLE:
		if (!h->ev)
			return 1;
		h->ev->no_killable = true;
		enter_grace(a, h, rec);
		break;
	case OOM_PANIC:
		if (!oom_panic_is_oom(rec->msg, rec->msg_len))
			return 1;
		if (!h->ev && (rc = open_report(a, h, rec)) < 0)
			return rc;
		if (!h->ev->panic)
			oom_apply_panic(h->ev, rec->msg, rec->msg_len);
		hash_message(a, h, rec->msg, rec->msg_len);
		keep_raw(h, rec, line, line_len);
		rc = close_report(a, h);
		return rc < 0 ? rc : 1;
	case OOM_SYSRQ:
		if ((rc = close_report(a, h)) < 0)
			return rc;
		h->pending_manual = true;
		return 1;
	case OOM_LOOKALIKE:
		/* Its Mem-Info must not land in an open report. */
		if (h->ev && h->st == ST_OPEN)
			h->suspended = true;
		else if ((rc = close_report(a, h)) < 0)
			return rc;
		return 1;
	case OOM_BOOT:
		rc = close_report(a, h);
		return rc < 0 ? rc : 1;
	default:
		return 0;
	}
	h->suspended = false;
	hash_message(a, h, rec->msg, rec->msg_len);
	return 1;
}

/* Lines of the report body; only while the report is open. */
static void on_body(oomsift_assembler *a, host_state *h, oom_line type, const oomsift_record *rec)
{
	oomsift_event *ev = h->ev;
	const char *m = rec->msg;
	size_t n = rec->msg_len;
	bool used = true;

	if (type != OOM_NONE)
		h->block = B_NONE;
	switch (type) {
	case OOM_CPUSET:
		used = oom_apply_cpuset(a->pat, ev, m, n);
		break;
	case OOM_STACK_HDR:
		used = oom_apply_stack_header(a->pat, ev, m, n);
		break;
	case OOM_HARDWARE:
		used = oom_apply_after_marker(ev, "Hardware name: ", &ev->hardware, m, n);
		break;
	case OOM_WORKQUEUE:
		used = oom_apply_after_marker(ev, "Workqueue: ", &ev->workqueue, m, n);
		if (used && strstr(ev->workqueue, "moom_callback"))
			ev->manual = true;
		break;
	case OOM_TASK_IN:
	case OOM_LIMIT_REACHED:
		used = oom_apply_task_in(a->pat, ev, type, m, n);
		break;
	case OOM_MEMCG_COUNTER:
		used = oom_apply_memcg_counter(a->pat, ev, m, n);
		break;
	case OOM_MEMCG_STATS:
		used = oom_apply_memcg_stats(a->pat, ev, m, n, &h->stat_section);
		if (used && h->stat_section)
			h->block = B_MEMCG_STATS;
		break;
	case OOM_MEMINFO:
		h->block = B_MEMINFO;
		break;
	case OOM_PERCPU:
		h->block = B_MEMINFO; /* the counters follow the per-cpu lists */
		break;
	case OOM_NODE:
		used = oom_apply_node(a->pat, ev, m, n);
		break;
	case OOM_ZONE:
		used = oom_apply_zone(a->pat, ev, m, n);
		break;
	case OOM_BUDDY:
		used = oom_apply_buddy(a->pat, ev, m, n);
		break;
	case OOM_HUGEPAGES:
		used = oom_apply_hugepages(a->pat, ev, m, n);
		break;
	case OOM_SHOW_MEM:
		used = oom_apply_show_mem(a->pat, ev, m, n);
		break;
	case OOM_SWAP:
		used = oom_apply_swap(a->pat, ev, m, n);
		break;
	case OOM_TASKS_STATE:
		break;
	case OOM_TASK_HEADER:
		used = h->have_cols = oom_parse_task_header(a->pat, m, n, &h->cols);
		if (used)
			ev->has_task_table = true;
		break;
	case OOM_LOWMEM:
		break;
	case OOM_NONE:
		if (h->block == B_MEMINFO)
			used = oom_apply_meminfo_kv(ev, m, n);
		else if (h->block == B_MEMCG_STATS)
			used = oom_apply_memcg_stat_kv(a->pat, ev, h->stat_section, m, n);
		else
			used = false;
		if (!used)
			h->block = B_NONE;
		break;
	default:
		used = false;
	}
	if (used)
		hash_message(a, h, m, n);
}

/* Closes the host's report when the record shows it has ended: a new boot
 * (the kernel clock went back), a long silence, or the grace window passed. */
static int check_boundaries(oomsift_assembler *a, host_state *h, const oomsift_record *rec)
{
	bool gap = false, new_boot = false;
	int rc;

	if (rec->wrapper == OOMSIFT_WRAP_CONTINUATION)
		return 0;
	/* The kernel clock decides when the record has it; each clock is
	 * remembered from every record that has it, so a record with only the
	 * other clock is compared with the host's latest line, not with one read
	 * before lines were passed over (parse/input.c's fast path). */
	if (rec->has_uptime) {
		if (h->have_uptime && rec->uptime < h->last_uptime - 1.0)
			gap = new_boot = true; /* the kernel clock went back */
		else if (h->have_uptime && rec->uptime - h->last_uptime > REPORT_GAP_S)
			gap = true;
	} else if (rec->has_wall && h->have_wall && rec->wall - h->last_wall > REPORT_GAP_S) {
		gap = true;
	}
	if (rec->has_uptime) {
		h->last_uptime = rec->uptime;
		h->have_uptime = true;
	}
	if (rec->has_wall) {
		h->last_wall = rec->wall;
		h->have_wall = true;
	}
	if (h->ev && h->st == ST_GRACE &&
	    ((!h->timed_grace && ++h->grace_lines > GRACE_LINES) ||
	     (rec->has_uptime && h->kill_uptime >= 0 && rec->uptime - h->kill_uptime > GRACE_S) ||
	     (rec->has_wall && h->kill_wall >= 0 && rec->wall - h->kill_wall > GRACE_S)))
		gap = true;
	if (gap && (rc = close_report(a, h)) < 0)
		return rc;
	if (new_boot)
		h->have_boot_time = false;
	return 0;
}

/* A record from another boot of the host (its journal boot id changed) ends
 * the host's open report; records with both clocks date the boot's start. */
static int track_boot(oomsift_assembler *a, host_state *h, const oomsift_record *rec)
{
	int rc = 0;

	if (rec->boot_id && rec->boot_id_len < sizeof(h->boot_id) &&
	    (strlen(h->boot_id) != rec->boot_id_len ||
	     memcmp(h->boot_id, rec->boot_id, rec->boot_id_len) != 0)) {
		if (h->boot_id[0] && (rc = close_report(a, h)) == 0)
			rc = us_flush(a->us, h->us);
		memcpy(h->boot_id, rec->boot_id, rec->boot_id_len);
		h->boot_id[rec->boot_id_len] = '\0';
		h->have_boot_time = false;
		h->have_uptime = false;
	}
	return rc;
}

static void learn_boot_time(host_state *h, const oomsift_record *rec)
{
	if (rec->has_wall && rec->has_uptime && rec->wrapper != OOMSIFT_WRAP_CONTINUATION) {
		/* Reception lags printing: the smallest difference is the best. */
		double start = rec->wall - rec->uptime;
		if (!h->have_boot_time || start < h->boot_time)
			h->boot_time = start;
		h->have_boot_time = true;
	}
}

static bool is_kernel_record(const oomsift_record *rec)
{
	return !rec->ident || (rec->ident_len == 6 && memcmp(rec->ident, "kernel", 6) == 0);
}

/* Every record also goes to parse/userspace.c: user-space OOM lines, memory
 * events (overcommit refusals, allocation failures) and the log clock that
 * releases held events. */
static int on_userspace(oomsift_assembler *a, host_state *h, const oomsift_record *rec,
                        const char *line, size_t line_len)
{
	return us_record(a->us, h->us, h->name, h->name_len, h->ev, is_kernel_record(rec), rec,
	                 line, line_len);
}

static int on_userspace_marker(oomsift_assembler *a, host_state *h, oom_line type,
                               const oomsift_record *rec)
{
	return us_kernel_marker(a->us, h->us, h->name, h->name_len, type, rec);
}

void oomsift_assembler_set_memevent_cb(oomsift_assembler *a, oomsift_memevent_cb cb, void *ctx)
{
	us_ctx_set_memevent_cb(a->us, cb, ctx);
}

static int feed_record(oomsift_assembler *a, host_state *h, const oomsift_record *rec,
                       const char *line, size_t line_len)
{
	oom_line type;
	int rc;

	if ((rc = track_boot(a, h, rec)) < 0 || (rc = check_boundaries(a, h, rec)) < 0 ||
	    (rc = on_userspace(a, h, rec, line, line_len)) < 0)
		return rc;
	learn_boot_time(h, rec);
	if (!is_kernel_record(rec)) {
		/* After the kill, only user-space lines about OOM join the text:
		 * the others may be passed over unread (oomsift_assembler_wants_every_line). */
		if (h->st != ST_GRACE || us_line_about_oom(rec->msg, rec->msg_len))
			keep_raw(h, rec, line, line_len);
		return 0;
	}
	/* Inside a task table a row is tried first: its shape is strict, and a
	 * comm may hold any marker text ("Killed process " fits in 15 bytes). */
	if (h->ev && h->st == ST_OPEN && h->have_cols && !h->suspended &&
	    oom_apply_task_row(h->ev, &h->cols, rec->msg, rec->msg_len)) {
		hash_message(a, h, rec->msg, rec->msg_len);
		keep_raw(h, rec, line, line_len);
		return 0;
	}
	type = oom_classify_line(a->pat, rec->msg, rec->msg_len,
	                         h->ev && h->st == ST_OPEN && !h->suspended);
	if (type != OOM_NONE && type <= OOM_BOOT) { /* a marker */
		rc = on_marker(a, h, type, rec, line, line_len);
		if (rc < 0 || (rc = on_userspace_marker(a, h, type, rec)) < 0)
			return rc;
		keep_raw(h, rec, line, line_len);
		return 0;
	}
	if (!h->ev || h->st != ST_OPEN)
		return 0;
	if (!h->suspended)
		on_body(a, h, type, rec);
	keep_raw(h, rec, line, line_len);
	return 0;
}

int oomsift_assembler_feed(oomsift_assembler *a, const oomsift_record *rec, const char *line,
                           size_t line_len)
{
	host_state *h;
	int rc;

	if (rec->wrapper == OOMSIFT_WRAP_META)
		return 0;
	if (!(h = host_get(a, rec->host, rec->host_len))) {
		/* Past MAX_HOSTS hosts in one source (bounded memory), the records
		 * of further hosts are passed over; the others are still read. */
		if (a->nhosts == MAX_HOSTS)
			return 0;
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	/* A boot separator ends every report of its host; a cut line (line cap,
	 * pager ellipsis) leaves the report it lands in incomplete. */
	if (rec->wrapper == OOMSIFT_WRAP_MARK) {
		/* The report ends with the boot it belongs to; the separator's
		 * boot id is that of the boot after it. */
		if ((rc = close_report(a, h)) < 0 || (rc = us_flush(a->us, h->us)) < 0 ||
		    (rc = track_boot(a, h, rec)) < 0)
			return rc;
		h->have_boot_time = h->have_uptime = false; /* a new boot follows */
		return 0;
	}
	rc = feed_record(a, h, rec, line, line_len);
	if (rc == 0 && rec->cut && h->ev)
		h->ev->truncated = true;
	return rc;
}

size_t oomsift_assembler_open_reports(const oomsift_assembler *a)
{
	/* An event held for late follow-ups is not stored yet: it is open. */
	return a->nopen + us_held(a->us);
}

bool oomsift_assembler_wants_every_line(const oomsift_assembler *a)
{
	return a->nopen > a->ntimed_grace || us_mem_pending(a->us);
}

int oomsift_assembler_finish(oomsift_assembler *a)
{
	int rc;

	for (size_t i = 0; i < a->nhosts; i++)
		if ((rc = close_report(a, &a->hosts[i])) < 0 ||
		    (rc = us_flush(a->us, a->hosts[i].us)) < 0)
			return rc;
	return 0;
}
