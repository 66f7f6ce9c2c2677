#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "oomsift/error.h"
#include "parse/oom_lines.h"
#include "parse/re.h"

/* Caps on what one report may hold: hostile input fails cleanly. */
#define MAX_TASKS 200000
#define MAX_KVS   100000

/* Lines of up to CACHE_TEXT bytes are remembered with their class, in a
 * table of CACHE_SLOTS by the hash of their text (see oom_classify_line). */
#define CACHE_SLOTS 4096
#define CACHE_TEXT  160

typedef struct class_slot {
	uint64_t hash;
	uint8_t len; /* 0: empty (an empty line is not kept) */
	uint8_t in_report;
	uint8_t type;
	char text[CACHE_TEXT];
} class_slot;

struct oom_patterns {
	class_slot *cache;
	oomsift_re invoked, cpuset, cpu_hdr, pid_hdr, task_in, limit_reached, memcg_counter,
	    memcg_stats, node, zone, buddy, hugepages, show_mem, swap_free, swap_total, task_header,
	    group;
};

static const struct {
	size_t offset;
	const char *pattern;
} pattern_table[] = {
#define P(field, pat)                                                                              \
	{                                                                                          \
		offsetof(struct oom_patterns, field), pat                                          \
	}
    /* L1: every generation from oomkilladj= (≤2.6.31) to 6.19; 4.13/4.14 print
     * two spaces before order=. The comm is everything before the marker. */
    P(invoked, "^(.*?) ?invoked oom-killer: gfp_mask=(0x[0-9a-fA-F]+)(?:\\(([^)]*)\\))?,"
               "(?: nodemask=(\\S*?),)?\\s+order=(-?\\d+), (?:oomkilladj=(-?\\d+)|"
               "oom_adj=(-?\\d+)(?:, oom_score_adj=(-?\\d+))?|oom_score_adj=(-?\\d+))"),
    P(cpuset, "^(.*) cpuset=(.*) mems_allowed=([0-9,-]*)\\s*$"),
    /* L4, 3.10+ (UID from 6.11). The release is the token before " #". */
    P(cpu_hdr, "CPU: (\\d+) (?:UID: (\\d+) )?PID: (\\d+) Comm: (.{1,20}?) (?:Kdump: loaded )?"
               "(Not tainted|Tainted: .*?)\\s+(\\S+) #"),
    /* L4, ≤3.9 */
    P(pid_hdr, "Pid: (\\d+), comm: (.{1,20}?) (Not tainted|Tainted: .*?)\\s+(\\S+) #"),
    P(task_in, "Task in (.*) killed as a result of limit of (.*?)\\s*$"),
    P(limit_reached, "Memory limit reached of cgroup (.*?)\\s*$"),
    P(memcg_counter, "(?<![\\w+])(memory|memory\\+swap|kmem|swap): usage (\\d+)kB, "
                     "limit (\\d+)kB, failcnt (\\d+)"),
    P(memcg_stats, "Memory cgroup stats for (.*?):(?:\\s*$| (\\S+:.*)$)"),
    P(node, "(?:^|\\s)Node (\\d+) (active_anon:.*)$"),
    P(zone, "(?:^|\\s)((?:Node \\d+ )?[A-Za-z0-9]+) (free:\\d+kB .*)$"),
    P(buddy, "(?:^|\\s)((?:Node \\d+ )?[A-Za-z0-9]+): \\d+\\*\\d+kB.*= (\\d+)kB\\s*$"),
    P(hugepages, "Node (\\d+) hugepages_total=(\\d+) hugepages_free=(\\d+) "
                 "hugepages_surp=(\\d+) hugepages_size=(\\d+)kB"),
    P(show_mem, "(?:^|\\s)(\\d+) (?:pages (RAM|HighMem/MovableOnly|HighMem|reserved|shared|"
                "non-shared|cma reserved|hwpoisoned|in swap cache|in pagetable cache)|"
                "(total pagecache) pages)\\s*$"),
    P(swap_free, "Free swap  ?= (-?\\d+)kB"),
    P(swap_total, "Total swap = (\\d+)kB"),
    P(task_header, "\\[\\s*pid\\s*\\]\\s+(.*?)\\s+name\\s*$"),
    P(group, "Tasks in (.*) are going to be killed due to memory\\.oom\\.group set"),
#undef P
};

int oom_patterns_new(oom_patterns **out)
{
	oom_patterns *p = calloc(1, sizeof(*p));
	int rc;

	if (!p || !(p->cache = calloc(CACHE_SLOTS, sizeof(*p->cache)))) {
		free(p);
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < sizeof(pattern_table) / sizeof(pattern_table[0]); i++) {
		oomsift_re *re = (oomsift_re *)((char *)p + pattern_table[i].offset);
		if ((rc = oomsift_re_compile(re, pattern_table[i].pattern)) < 0) {
			oom_patterns_free(p);
			return rc;
		}
	}
	*out = p;
	return 0;
}

void oom_patterns_free(oom_patterns *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < sizeof(pattern_table) / sizeof(pattern_table[0]); i++)
		oomsift_re_free((oomsift_re *)((char *)p + pattern_table[i].offset));
	free(p->cache);
	free(p);
}

/* ---- small text helpers ---- */

/* memmem(), by memchr for the needle's first byte (vectorised; glibc's
 * memmem is not, for these short needles) and memcmp. */
static const char *find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = s, *end = s + len;

	if (n == 0)
		return s;
	while ((size_t)(end - p) >= n && (p = memchr(p, needle[0], (size_t)(end - p) - n + 1))) {
		if (memcmp(p, needle, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

static bool has(const char *s, size_t len, const char *needle)
{
	return find(s, len, needle) != NULL;
}

/* Last occurrence of needle in s[0..len). */
static const char *find_last(const char *s, size_t len, const char *needle)
{
	const char *last = NULL, *p = s;

	while ((p = find(p, len - (size_t)(p - s), needle)) != NULL) {
		last = p;
		p++;
	}
	return last;
}

static const char *dup_span(oomsift_event *ev, oomsift_span sp)
{
	return sp.ptr ? oomsift_event_strdup(ev, sp.ptr, sp.len) : NULL;
}

static void trim_right(oomsift_span *sp)
{
	while (sp->len && (sp->ptr[sp->len - 1] == ' ' || sp->ptr[sp->len - 1] == '\t'))
		sp->len--;
}

/* Reads a decimal integer at p (optional '-'); returns the end or NULL. The
 * first 19 digits cannot overflow: only later ones are checked. */
static const char *read_i64(const char *p, const char *end, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	const char *start;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	start = p;
	while (p < end && (unsigned)(*p - '0') <= 9) {
		unsigned d = (unsigned)(*p - '0');
		if (p - start >= 19 && v > (UINT64_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
		p++;
	}
	if (p == start || v > (uint64_t)INT64_MAX)
		return NULL;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return p;
}

/* The integer right after `key` in s, or OOMSIFT_UNSET. */
static int64_t num_after(const char *s, size_t len, const char *key)
{
	const char *p = find(s, len, key);
	int64_t v;

	if (!p)
		return OOMSIFT_UNSET;
	p += strlen(key);
	while (p < s + len && *p == ' ')
		p++;
	return read_i64(p, s + len, &v) ? v : OOMSIFT_UNSET;
}

/* ---- classification ---- */

/* Every string the classifiers look for, named once. */
#define NEEDLES(X)                                                                                 \
	X(N_INVOKED, " invoked oom-killer: ")                                                      \
	X(N_KILLED, "Killed process ")                                                             \
	X(N_ILL_PROCESS, "ill process ")                                                           \
	X(N_SHARING, " sharing same memory")                                                       \
	X(N_SCORE, ") score ")                                                                     \
	X(N_CONSTRAINT, "oom-kill:constraint=")                                                    \
	X(N_REAPED, "oom_reaper: reaped process ")                                                 \
	X(N_UNABLE_REAP, "oom_reaper: unable to reap pid:")                                        \
	X(N_GROUP, "due to memory.oom.group set")                                                  \
	X(N_NO_KILLABLE, "Out of memory and no killable processes")                                \
	X(N_PANIC, "Kernel panic - not syncing: ")                                                 \
	X(N_PANIC_END, "---[ end Kernel panic")                                                    \
	X(N_SYSRQ, "Manual OOM execution")                                                         \
	X(N_ALLOC_FAILURE, "page allocation failure")                                              \
	X(N_ALLOC_STALLS, "page allocation stalls for")                                            \
	X(N_VMALLOC_ERROR, "vmalloc error: ")                                                      \
	X(N_VMALLOC_FAILURE, "vmalloc: allocation failure")                                        \
	X(N_NOT_ENOUGH, " enough memory for the allocation")                                       \
	X(N_SHOW_MEMORY, "Show Memory")                                                            \
	X(N_CPUSET, " cpuset=")                                                                    \
	X(N_MEMS_ALLOWED, " mems_allowed=")                                                        \
	X(N_CPU, "CPU: ")                                                                          \
	X(N_PID, " PID: ")                                                                         \
	X(N_COMM, " Comm: ")                                                                       \
	X(N_PID_OLD, "Pid: ")                                                                      \
	X(N_COMM_OLD, ", comm: ")                                                                  \
	X(N_HARDWARE, "Hardware name: ")                                                           \
	X(N_WORKQUEUE, "Workqueue: ")                                                              \
	X(N_TASK_IN, "Task in ")                                                                   \
	X(N_KILLED_AS, " killed as a result of limit of ")                                         \
	X(N_LIMIT_REACHED, "Memory limit reached of cgroup ")                                      \
	X(N_USAGE, ": usage ")                                                                     \
	X(N_KB_LIMIT, "kB, limit ")                                                                \
	X(N_MEMCG_STATS, "Memory cgroup stats for ")                                               \
	X(N_MEMINFO, "Mem-Info:")                                                                  \
	X(N_PERCPU, " per-cpu:")                                                                   \
	X(N_HI, ": hi:")                                                                           \
	X(N_BTCH, "btch:")                                                                         \
	X(N_HUGEPAGES, "hugepages_total=")                                                         \
	X(N_UNRECLAIMABLE, "all_unreclaimable?")                                                   \
	X(N_ACTIVE_ANON, " active_anon:")                                                          \
	X(N_SP_FREE, " free:")                                                                     \
	X(N_KB_MIN, "kB min:")                                                                     \
	X(N_FREE, "free:")                                                                         \
	X(N_SP_MIN, " min:")                                                                       \
	X(N_KB, "kB")                                                                              \
	X(N_LOWMEM, "lowmem_reserve[]:")                                                           \
	X(N_KB_SP, "kB ")                                                                          \
	X(N_STAR, "*")                                                                             \
	X(N_EQUALS, " = ")                                                                         \
	X(N_FREE_SWAP, "Free swap ")                                                               \
	X(N_TOTAL_SWAP, "Total swap = ")                                                           \
	X(N_PAGES_RAM, " pages RAM")                                                               \
	X(N_PAGECACHE, " total pagecache pages")                                                   \
	X(N_PAGES_RESERVED, " pages reserved")                                                     \
	X(N_PAGES_SWAP_CACHE, " pages in swap cache")                                              \
	X(N_PAGES_HIGHMEM, " pages HighMem")                                                       \
	X(N_PAGES_SHARED, " pages shared")                                                         \
	X(N_PAGES_NON_SHARED, " pages non-shared")                                                 \
	X(N_PAGES_CMA, " pages cma reserved")                                                      \
	X(N_PAGES_HWPOISONED, " pages hwpoisoned")                                                 \
	X(N_PAGES_PAGETABLE, " pages in pagetable cache")                                          \
	X(N_TASKS_STATE, "Tasks state (memory values in pages)")                                   \
	X(N_PID_COL, "pid")                                                                        \
	X(N_NAME_COL, " name")                                                                     \
	X(N_TOTAL_VM, "total_vm")

#define NEEDLE_ID(id, text) id,
typedef enum needle_id { NEEDLES(NEEDLE_ID) N_COUNT } needle_id;
#undef NEEDLE_ID

#define NEEDLE_TEXT(id, text) text,
static const char *const needle_text[N_COUNT] = {NEEDLES(NEEDLE_TEXT)};
#undef NEEDLE_TEXT

#define NEEDLE_LEN(id, text) sizeof(text) - 1,
static const unsigned char needle_len[N_COUNT] = {NEEDLES(NEEDLE_LEN)};
#undef NEEDLE_LEN

/* A line, the set of its byte pairs (bigrams, hashed to 256 bits), and the
 * needles whose pairs are all in it. A needle whose byte pairs are not all in
 * the set cannot occur in the line, so most of the ~60 substring tests per
 * line end on a bit, and only the rest search the line: the answers are
 * those of memmem alone. The candidates are found for all needles at once
 * (a few instructions each, with no branch). */
typedef struct line_text {
	const char *s;
	size_t n;
	uint64_t pairs[4];
	uint64_t candidates[(N_COUNT + 63) / 64];
} line_text;

/* Each needle's pair set, and the byte its search looks for first (the
 * first that is neither a space nor a lower-case letter, which log text is
 * full of). Filled once. */
static uint64_t needle_pairs[N_COUNT][4] __attribute__((aligned(32)));
static unsigned char needle_anchor[N_COUNT];
static bool have_avx2;
static pthread_once_t needles_once = PTHREAD_ONCE_INIT;

static unsigned pair_bit(char a, char b)
{
	return ((unsigned)(unsigned char)a * 37u + (unsigned)(unsigned char)b) & 255u;
}

static void needles_init(void)
{
	for (int id = 0; id < N_COUNT; id++) {
		const char *s = needle_text[id];
		size_t len = needle_len[id];

		for (size_t i = 0; i + 1 < len; i++) {
			unsigned h = pair_bit(s[i], s[i + 1]);
			needle_pairs[id][h >> 6] |= 1ull << (h & 63);
		}
		needle_anchor[id] = 0;
		for (size_t i = 0; i < len; i++)
			if (s[i] != ' ' && !(s[i] >= 'a' && s[i] <= 'z')) {
				needle_anchor[id] = (unsigned char)i;
				break;
			}
	}
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	have_avx2 = __builtin_cpu_supports("avx2");
#endif
}

static void candidates_scalar(line_text *t)
{
	memset(t->candidates, 0, sizeof(t->candidates));
	for (int id = 0; id < N_COUNT; id++) {
		const uint64_t *m = needle_pairs[id];
		uint64_t missing = (m[0] & ~t->pairs[0]) | (m[1] & ~t->pairs[1]) |
		                   (m[2] & ~t->pairs[2]) | (m[3] & ~t->pairs[3]);
		t->candidates[id >> 6] |= (uint64_t)(missing == 0) << (id & 63);
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* One VPTEST a needle: whether its pairs are all among the line's. */
__attribute__((target("avx2"))) static void candidates_avx2(line_text *t)
{
	__m256i line = _mm256_loadu_si256((const __m256i *)t->pairs);

	for (int w = 0; w < (N_COUNT + 63) / 64; w++) {
		uint64_t c = 0;
		for (int i = 0; i < 64 && w * 64 + i < N_COUNT; i++) {
			__m256i m = _mm256_load_si256((const __m256i *)needle_pairs[w * 64 + i]);
			c |= (uint64_t)_mm256_testc_si256(line, m) << i;
		}
		t->candidates[w] = c;
	}
}
#endif

/* Marks each pair's byte in a table (stores that do not wait on each other,
 * where setting bits in four words would), then packs the table's top bits
 * into the four words. */
static void line_text_init(line_text *t, const char *s, size_t n)
{
	unsigned char seen[256];

	t->s = s;
	t->n = n;
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i + 1 < n; i++)
		seen[pair_bit(s[i], s[i + 1])] = 0x80;
#if defined(__SSE2__)
	for (int w = 0; w < 4; w++) {
		uint64_t bits = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(seen + w * 64 + k * 16));
			bits |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (k * 16);
		}
		t->pairs[w] = bits;
	}
#else
	for (int w = 0; w < 4; w++) {
		uint64_t bits = 0;
		for (int b = 0; b < 64; b++)
			bits |= (uint64_t)(seen[w * 64 + b] >> 7) << b;
		t->pairs[w] = bits;
	}
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (have_avx2) {
		candidates_avx2(t);
		return;
	}
#endif
	candidates_scalar(t);
}

/* Whether a candidate needle occurs in the line. */
static bool __attribute__((noinline)) search(const line_text *t, needle_id id)
{
	size_t len = needle_len[id], k = needle_anchor[id];
	const char *needle = needle_text[id], *p, *end;

	if (t->n < len)
		return false;
	/* places of the anchor byte, from the first place the needle fits */
	p = t->s + k;
	end = t->s + t->n - (len - 1 - k);
	while (p < end && (p = memchr(p, needle[k], (size_t)(end - p))) != NULL) {
		if (memcmp(p - k, needle, len) == 0)
			return true;
		p++;
	}
	return false;
}

/* Whether the needle occurs in the line. */
static inline bool in(const line_text *t, needle_id id)
{
	return (t->candidates[id >> 6] >> (id & 63) & 1) && search(t, id);
}

static oom_line classify_marker(const line_text *t)
{
	const char *m = t->s;
	size_t n = t->n;

	if (in(t, N_INVOKED) || (n > 19 && memcmp(m, "invoked oom-killer: ", 20) == 0))
		return OOM_INVOKED;
	if (in(t, N_KILLED))
		return OOM_KILLED;
	if (in(t, N_ILL_PROCESS)) {
		if (in(t, N_SHARING))
			return OOM_SHARED_MM;
		if (in(t, N_SCORE))
			return OOM_KILL_SELECT;
	}
	if (in(t, N_CONSTRAINT))
		return OOM_SUMMARY;
	if (in(t, N_REAPED))
		return OOM_REAPED;
	if (in(t, N_UNABLE_REAP))
		return OOM_UNABLE_REAP;
	if (in(t, N_GROUP))
		return OOM_GROUP;
	if (in(t, N_NO_KILLABLE))
		return OOM_NO_KILLABLE;
	if (in(t, N_PANIC) && !in(t, N_PANIC_END))
		return OOM_PANIC;
	if (in(t, N_SYSRQ))
		return OOM_SYSRQ;
	if (in(t, N_ALLOC_FAILURE) || in(t, N_ALLOC_STALLS) || in(t, N_VMALLOC_ERROR) ||
	    in(t, N_VMALLOC_FAILURE) ||
	    /* 6.6+ "not enough", 6.1-stable "no enough" */
	    in(t, N_NOT_ENOUGH) || in(t, N_SHOW_MEMORY))
		return OOM_LOOKALIKE;
	if (n >= 14 && memcmp(m, "Linux version ", 14) == 0)
		return OOM_BOOT;
	return OOM_NONE;
}

static oom_line classify_body(const line_text *t)
{
	if (in(t, N_CPUSET) && in(t, N_MEMS_ALLOWED))
		return OOM_CPUSET;
	if ((in(t, N_CPU) && in(t, N_PID) && in(t, N_COMM)) ||
	    (in(t, N_PID_OLD) && in(t, N_COMM_OLD)))
		return OOM_STACK_HDR;
	if (in(t, N_HARDWARE))
		return OOM_HARDWARE;
	if (in(t, N_WORKQUEUE))
		return OOM_WORKQUEUE;
	if (in(t, N_TASK_IN) && in(t, N_KILLED_AS))
		return OOM_TASK_IN;
	if (in(t, N_LIMIT_REACHED))
		return OOM_LIMIT_REACHED;
	if (in(t, N_USAGE) && in(t, N_KB_LIMIT))
		return OOM_MEMCG_COUNTER;
	if (in(t, N_MEMCG_STATS))
		return OOM_MEMCG_STATS;
	if (in(t, N_MEMINFO))
		return OOM_MEMINFO;
	if (in(t, N_PERCPU) || (in(t, N_HI) && in(t, N_BTCH)))
		return OOM_PERCPU;
	if (in(t, N_HUGEPAGES))
		return OOM_HUGEPAGES;
	if (in(t, N_UNRECLAIMABLE) && in(t, N_ACTIVE_ANON) && !in(t, N_SP_FREE))
		return OOM_NODE;
	if (in(t, N_SP_FREE) && in(t, N_KB_MIN))
		return OOM_ZONE;
	if (in(t, N_FREE) && in(t, N_SP_MIN) && in(t, N_KB))
		return OOM_ZONE;
	if (in(t, N_LOWMEM))
		return OOM_LOWMEM;
	if (in(t, N_KB_SP) && in(t, N_STAR) && in(t, N_EQUALS))
		return OOM_BUDDY;
	if (in(t, N_FREE_SWAP) || in(t, N_TOTAL_SWAP))
		return OOM_SWAP;
	if (in(t, N_PAGES_RAM) || in(t, N_PAGECACHE) || in(t, N_PAGES_RESERVED) ||
	    in(t, N_PAGES_SWAP_CACHE) || in(t, N_PAGES_HIGHMEM) || in(t, N_PAGES_SHARED) ||
	    in(t, N_PAGES_NON_SHARED) || in(t, N_PAGES_CMA) || in(t, N_PAGES_HWPOISONED) ||
	    in(t, N_PAGES_PAGETABLE))
		return OOM_SHOW_MEM;
	if (in(t, N_TASKS_STATE))
		return OOM_TASKS_STATE;
	if (in(t, N_PID_COL) && in(t, N_NAME_COL) && in(t, N_TOTAL_VM))
		return OOM_TASK_HEADER;
	return OOM_NONE;
}

oom_line oom_classify_marker(const char *m, size_t n)
{
	line_text t;

	pthread_once(&needles_once, needles_init);
	line_text_init(&t, m, n);
	return classify_marker(&t);
}

oom_line oom_classify_body(const char *m, size_t n)
{
	line_text t;

	pthread_once(&needles_once, needles_init);
	line_text_init(&t, m, n);
	return classify_body(&t);
}

oom_line oom_classify(const char *m, size_t n, bool in_report)
{
	line_text t;
	oom_line type;

	pthread_once(&needles_once, needles_init);
	line_text_init(&t, m, n);
	type = classify_marker(&t);
	return type == OOM_NONE && in_report ? classify_body(&t) : type;
}

oom_line oom_classify_line(oom_patterns *p, const char *m, size_t n, bool in_report)
{
	uint64_t hash;
	class_slot *slot;
	oom_line type;

	if (n == 0 || n > CACHE_TEXT)
		return oom_classify(m, n, in_report);
	hash = XXH3_64bits_withSeed(m, n, in_report);
	slot = &p->cache[hash & (CACHE_SLOTS - 1)];
	if (slot->hash == hash && slot->len == n && slot->in_report == in_report &&
	    memcmp(slot->text, m, n) == 0)
		return (oom_line)slot->type;
	type = oom_classify(m, n, in_report);
	slot->hash = hash;
	slot->len = (uint8_t)n;
	slot->in_report = in_report;
	slot->type = (uint8_t)type;
	memcpy(slot->text, m, n);
	return type;
}

/* ---- L1, L3, L4 ---- */

static void set_i64(int64_t *dst, oomsift_span sp)
{
	int64_t v;

	if (oomsift_span_i64(sp, &v))
		*dst = v;
}

bool oom_apply_invoked(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[10];

	if (!oomsift_re_match(&p->invoked, msg, len, g, 10))
		return false;
	ev->has_header = true;
	if (g[1].len)
		ev->trigger_comm = dup_span(ev, g[1]);
	ev->gfp_mask = dup_span(ev, g[2]);
	ev->gfp_flags = dup_span(ev, g[3]);
	if (g[4].ptr)
		ev->nodemask = dup_span(ev, g[4]);
	set_i64(&ev->alloc_order, g[5]);
	set_i64(&ev->trigger_oom_adj, g[6].ptr ? g[6] : g[7]);
	set_i64(&ev->trigger_oom_score_adj, g[8].ptr ? g[8] : g[9]);
	if (ev->alloc_order == -1)
		ev->manual = true;
	return true;
}

bool oom_apply_cpuset(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[4];

	if (!oomsift_re_match(&p->cpuset, msg, len, g, 4))
		return false;
	ev->cpuset = dup_span(ev, g[2]);
	ev->mems_allowed = dup_span(ev, g[3]);
	return true;
}

/* When an unknown prefix glued itself to the L1 comm ("> doxygen"), the stack
 * header's Comm: tells where the comm really starts. */
static void fix_trigger_comm(oomsift_event *ev, oomsift_span comm)
{
	size_t n;

	if (!ev->trigger_comm || !comm.ptr)
		return;
	n = strlen(ev->trigger_comm);
	if (n > comm.len && ev->trigger_comm[n - comm.len - 1] == ' ' &&
	    memcmp(ev->trigger_comm + n - comm.len, comm.ptr, comm.len) == 0)
		ev->trigger_comm += n - comm.len;
}

bool oom_apply_stack_header(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[7];

	if (oomsift_re_match(&p->cpu_hdr, msg, len, g, 7)) {
		set_i64(&ev->cpu, g[1]);
		set_i64(&ev->trigger_uid, g[2]);
		set_i64(&ev->trigger_pid, g[3]);
		fix_trigger_comm(ev, g[4]);
		trim_right(&g[5]);
		ev->tainted = dup_span(ev, g[5]);
		ev->kernel = dup_span(ev, g[6]);
		if (!ev->trigger_comm)
			ev->trigger_comm = dup_span(ev, g[4]);
		return true;
	}
	if (oomsift_re_match(&p->pid_hdr, msg, len, g, 5)) {
		set_i64(&ev->trigger_pid, g[1]);
		fix_trigger_comm(ev, g[2]);
		trim_right(&g[3]);
		ev->tainted = dup_span(ev, g[3]);
		ev->kernel = dup_span(ev, g[4]);
		if (!ev->trigger_comm)
			ev->trigger_comm = dup_span(ev, g[2]);
		return true;
	}
	return false;
}

bool oom_apply_after_marker(oomsift_event *ev, const char *marker, const char **field,
                            const char *msg, size_t len)
{
	const char *p = find(msg, len, marker);
	oomsift_span sp;

	if (!p)
		return false;
	sp.ptr = p + strlen(marker);
	sp.len = (size_t)(msg + len - sp.ptr);
	trim_right(&sp);
	*field = dup_span(ev, sp);
	return true;
}

/* ---- L9, L10, L11, L12, L13, L14, L15 ---- */

bool oom_apply_summary(oomsift_event *ev, const char *msg, size_t len)
{
	const char *p = find(msg, len, "oom-kill:constraint="), *end = msg + len;
	const char *task, *mid, *q;
	oomsift_span sp;
	int64_t pid, uid;

	if (!p)
		return false;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	/* From the end: ,task=COMM,pid=N,uid=N (a comm may contain ',' and '='). */
	task = find_last(p, (size_t)(end - p), ",task=");
	if (!task)
		return false;
	q = find_last(task, (size_t)(end - task), ",pid=");
	if (!q || !read_i64(q + 5, end, &pid))
		return false;
	const char *u = find_last(q, (size_t)(end - q), ",uid=");
	if (!u || !read_i64(u + 5, end, &uid))
		return false;
	ev->oom_constraint = NULL;
	p += strlen("oom-kill:constraint=");
	mid = memchr(p, ',', (size_t)(task - p));
	if (!mid)
		return false;
	ev->oom_constraint = oomsift_event_strdup(ev, p, (size_t)(mid - p));

	/* Fixed keys from the front: nodemask, cpuset, mems_allowed. */
	static const char *const keys[] = {",nodemask=", ",cpuset=", ",mems_allowed="};
	const char **fields[] = {&ev->nodemask, &ev->cpuset, &ev->mems_allowed};
	const char *cur = mid;
	for (int i = 0; i < 3; i++) {
		size_t kl = strlen(keys[i]);
		if ((size_t)(task - cur) < kl || memcmp(cur, keys[i], kl) != 0)
			break;
		const char *vs = cur + kl;
		const char *ve = i < 2 ? find(vs, (size_t)(task - vs), keys[i + 1]) : NULL;
		if (!ve) { /* a node list: "0", "0-1,3"; the next key follows it */
			ve = vs;
			while (ve < task &&
			       ((*ve >= '0' && *ve <= '9') || *ve == '-' || *ve == ','))
				ve++;
			while (ve > vs && ve[-1] == ',')
				ve--;
		}
		*fields[i] = oomsift_event_strdup(ev, vs, (size_t)(ve - vs));
		cur = ve;
	}
	/* Then ,global_oom or ,oom_memcg=PATH, and ,task_memcg=PATH. */
	const char *tm = find(cur, (size_t)(task - cur), ",task_memcg=");
	const char *om = find(cur, (size_t)(task - cur), ",oom_memcg=");
	if (om) {
		const char *oe = tm && tm > om ? tm : task;
		ev->oom_memcg = oomsift_event_strdup(ev, om + 11, (size_t)(oe - om - 11));
	}
	if (tm)
		ev->task_memcg = oomsift_event_strdup(ev, tm + 12, (size_t)(task - tm - 12));

	sp.ptr = task + 6;
	sp.len = (size_t)(q - sp.ptr);
	if (ev->victim_pid == OOMSIFT_UNSET) {
		ev->victim_pid = pid;
		ev->victim_uid = uid;
		ev->victim_comm = dup_span(ev, sp);
	}
	return true;
}

static const char *const kill_reasons[] = {
    "Out of memory (oom_kill_allocating_task)",
    "Memory cgroup out of memory",
    "No available memory (MPOL_BIND)",
    "Out of memory",
};

/* The reason prefix ("Out of memory: ") that ends right before `at`. */
static const char *reason_before(const char *msg, const char *at)
{
	size_t n = (size_t)(at - msg);

	if (n < 2 || at[-2] != ':' || at[-1] != ' ')
		return NULL;
	n -= 2;
	for (size_t i = 0; i < sizeof(kill_reasons) / sizeof(kill_reasons[0]); i++) {
		size_t rl = strlen(kill_reasons[i]);
		if (n >= rl && memcmp(at - 2 - rl, kill_reasons[i], rl) == 0 &&
		    (n == rl || at[-2 - (ptrdiff_t)rl - 1] == ' ' ||
		     at[-2 - (ptrdiff_t)rl - 1] == ']' || at[-2 - (ptrdiff_t)rl - 1] == ':'))
			return kill_reasons[i];
	}
	return NULL;
}

static void kill_init(oomsift_kill *k, oomsift_kill_kind kind)
{
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->pid = k->uid = k->total_vm_kb = k->anon_rss_kb = k->file_rss_kb = OOMSIFT_UNSET;
	k->shmem_rss_kb = k->pgtables_kb = k->oom_score_adj = OOMSIFT_UNSET;
}

/* Reads "N (comm)" where the comm ends at the last occurrence of one of the
 * `ends` strings (a comm may itself hold ") "). Returns the text after. */
static const char *pid_and_comm(oomsift_event *ev, const char *p, const char *end,
                                const char *const *ends, oomsift_kill *k)
{
	const char *c, *ce = NULL;

	if (!(p = read_i64(p, end, &k->pid)))
		return NULL;
	if (end - p >= 6 && memcmp(p, ", UID ", 6) == 0) { /* RHEL6: N, UID U, (comm) */
		if (!(p = read_i64(p + 6, end, &k->uid)) || end - p < 1 || *p != ',')
			return NULL;
		p++;
	}
	if (end - p < 2 || p[0] != ' ' || p[1] != '(')
		return NULL;
	c = p + 2;
	for (int i = 0; ends[i] && !ce; i++)
		ce = find_last(c, (size_t)(end - c), ends[i]);
	if (!ce) {
		ce = end;
		while (ce > c && ce[-1] != ')')
			ce--;
		if (ce == c)
			return NULL;
		ce--;
	}
	k->comm = oomsift_event_strdup(ev, c, (size_t)(ce - c));
	return ce + 1;
}

static void kill_sizes(oomsift_kill *k, const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	int64_t v;

	if ((v = num_after(p, n, "total-vm:")) != OOMSIFT_UNSET ||
	    (v = num_after(p, n, "vsz:")) != OOMSIFT_UNSET)
		k->total_vm_kb = v;
	k->anon_rss_kb = num_after(p, n, "anon-rss:");
	k->file_rss_kb = num_after(p, n, "file-rss:");
	k->shmem_rss_kb = num_after(p, n, "shmem-rss:");
	k->pgtables_kb = num_after(p, n, "pgtables:");
	k->oom_score_adj = num_after(p, n, "oom_score_adj:");
	if ((v = num_after(p, n, "UID:")) != OOMSIFT_UNSET ||
	    (v = num_after(p, n, ", UID ")) != OOMSIFT_UNSET)
		k->uid = v;
}

bool oom_parse_killed(oomsift_event *ev, const char *msg, size_t len, oomsift_kill *k)
{
	static const char *const ends[] = {") total-vm:", "), UID ", ") vsz:", NULL};
	const char *at = find(msg, len, "Killed process "), *rest;

	kill_init(k, OOMSIFT_KILL_VICTIM);
	if (!at)
		return false;
	rest = pid_and_comm(ev, at + 15, msg + len, ends, k);
	if (!rest)
		return false;
	kill_sizes(k, rest, msg + len);
	k->reason = reason_before(msg, at);
	return true;
}

bool oom_apply_kill_select(oomsift_event *ev, const char *msg, size_t len)
{
	static const char *const ends[] = {") score ", NULL};
	const char *at = find(msg, len, "ill process "), *rest;
	oomsift_kill k;
	int64_t score;

	if (!at || at == msg || (at[-1] != 'K' && at[-1] != 'k'))
		return false;
	kill_init(&k, OOMSIFT_KILL_VICTIM);
	rest = pid_and_comm(ev, at + 12, msg + len, ends, &k);
	if (!rest || !read_i64(rest + 7, msg + len, &score))
		return false;
	ev->kill_score = score;
	if (!ev->kill_reason)
		ev->kill_reason = reason_before(msg, at - 1);
	/* L10 names the selected process; the victim is the one L11 names (it can
	 * be a child). Keep L10's choice only until L11 arrives. */
	if (!ev->has_kill) {
		ev->victim_pid = k.pid;
		ev->victim_comm = k.comm;
	}
	return true;
}

bool oom_parse_shared_mm(oomsift_event *ev, const char *msg, size_t len, oomsift_kill *k)
{
	static const char *const ends[] = {") sharing same memory", NULL};
	const char *at = find(msg, len, "Kill process ");

	kill_init(k, OOMSIFT_KILL_SHARED_MM);
	return at && pid_and_comm(ev, at + 13, msg + len, ends, k) != NULL;
}

bool oom_parse_reaper(oomsift_event *ev, oom_line type, const char *msg, size_t len,
                      oomsift_kill *k)
{
	static const char *const reaped_ends[] = {"), now ", NULL};
	static const char *const none[] = {NULL};
	const char *at, *rest;

	if (type == OOM_REAPED) {
		kill_init(k, OOMSIFT_KILL_REAPED);
		at = find(msg, len, "oom_reaper: reaped process ");
		if (!at || !(rest = pid_and_comm(ev, at + 27, msg + len, reaped_ends, k)))
			return false;
		kill_sizes(k, rest, msg + len);
		return true;
	}
	kill_init(k, OOMSIFT_KILL_UNABLE_TO_REAP);
	at = find(msg, len, "oom_reaper: unable to reap pid:");
	return at && pid_and_comm(ev, at + 31, msg + len, none, k) != NULL;
}

bool oom_apply_group(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[2];

	return oomsift_re_match(&p->group, msg, len, g, 2);
}

bool oom_panic_is_oom(const char *msg, size_t len)
{
	return has(msg, len, "ut of memory") || has(msg, len, "deadlocked on memory") ||
	       has(msg, len, "panic_on_oom");
}

bool oom_apply_panic(oomsift_event *ev, const char *msg, size_t len)
{
	return oom_apply_after_marker(ev, "Kernel panic - not syncing: ", &ev->panic, msg, len);
}

/* ---- L5 memcg block ---- */

bool oom_apply_task_in(oom_patterns *p, oomsift_event *ev, oom_line type, const char *msg,
                       size_t len)
{
	oomsift_span g[3];

	if (type == OOM_LIMIT_REACHED) {
		if (!oomsift_re_match(&p->limit_reached, msg, len, g, 2))
			return false;
		if (!ev->oom_memcg)
			ev->oom_memcg = dup_span(ev, g[1]);
		return true;
	}
	if (!oomsift_re_match(&p->task_in, msg, len, g, 3))
		return false;
	if (!ev->task_memcg)
		ev->task_memcg = dup_span(ev, g[1]);
	if (!ev->oom_memcg)
		ev->oom_memcg = dup_span(ev, g[2]);
	return true;
}

bool oom_apply_memcg_counter(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[5];
	oomsift_counter *c;

	if (!oomsift_re_match(&p->memcg_counter, msg, len, g, 5))
		return false;
	switch (g[1].len) {
	case 6:
		c = &ev->memcg_mem;
		break;
	case 11:
		c = &ev->memcg_memsw;
		break;
	case 4:
		c = g[1].ptr[0] == 'k' ? &ev->memcg_kmem : &ev->memcg_swap;
		break;
	default:
		return false;
	}
	set_i64(&c->usage_kb, g[2]);
	set_i64(&c->limit_kb, g[3]);
	set_i64(&c->failcnt, g[4]);
	return true;
}

bool oom_add_kv(oomsift_event *ev, const char *section, size_t slen, const char *key, size_t klen,
                int64_t value, const char *unit)
{
	oomsift_kv *kv;

	if (ev->nkvs == ev->kvs_cap &&
	    oomsift_vec_reserve((void **)&ev->kvs, &ev->kvs_cap, sizeof(*ev->kvs), ev->nkvs + 1,
	                        MAX_KVS) < 0)
		return false;
	kv = &ev->kvs[ev->nkvs];
	/* Consecutive values of one section share one copy of its name (a
	 * caller may pass that copy itself: no comparison then). */
	if (ev->nkvs && (ev->kvs[ev->nkvs - 1].section == section ||
	                 (strlen(ev->kvs[ev->nkvs - 1].section) == slen &&
	                  memcmp(ev->kvs[ev->nkvs - 1].section, section, slen) == 0)))
		kv->section = ev->kvs[ev->nkvs - 1].section;
	else
		kv->section = oomsift_event_strdup(ev, section, slen);
	kv->key = oomsift_event_strdup(ev, key, klen);
	if (!kv->section || !kv->key)
		return false;
	kv->value = value;
	kv->unit = unit;
	ev->nkvs++;
	return true;
}

/* Stores every `key:value[kB|KB]` token of text in section; plain numbers get
 * `plain_unit`. Handles `key: NkB` (space after the colon, 4.19/5.4 node
 * lines) and `all_unreclaimable? yes`. Returns the number of values stored. */
static int kv_tokens(oomsift_event *ev, const char *section, const char *text, size_t len,
                     const char *plain_unit)
{
	const char *p = text, *end = text + len;
	size_t slen = strlen(section);
	int n = 0;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *tok = p, *colon = NULL;
		/* to the first ':' (a key holds none), then to the token's end */
		while (p < end && *p != ' ' && *p != '\t' && *p != ':')
			p++;
		if (p < end && *p == ':') {
			colon = p++;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
		}
		size_t tl = (size_t)(p - tok);
		if (tl == 18 && memcmp(tok, "all_unreclaimable?", 18) == 0) {
			while (p < end && *p == ' ')
				p++;
			if (oom_add_kv(ev, section, slen, "all_unreclaimable", 17,
			               p + 3 <= end && memcmp(p, "yes", 3) == 0, "bool")) {
				n++;
				section = ev->kvs[ev->nkvs - 1].section; /* the stored copy */
			}
			continue;
		}
		if (!colon || colon == tok)
			continue;
		const char *v = colon + 1;
		if (v == p) { /* "key: 0kB" */
			while (p < end && *p == ' ')
				p++;
			v = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
		}
		int64_t value;
		const char *ve = read_i64(v, p, &value);
		if (!ve)
			continue;
		const char *unit = plain_unit;
		if (p - ve == 2 && (memcmp(ve, "kB", 2) == 0 || memcmp(ve, "KB", 2) == 0))
			unit = "kB";
		else if (ve != p)
			continue;
		if (oom_add_kv(ev, section, slen, tok, (size_t)(colon - tok), value, unit)) {
			n++;
			section = ev->kvs[ev->nkvs - 1].section;
		}
	}
	return n;
}

/* memory.stat keys that count events rather than bytes. */
static const char *stat_unit(const char *key, size_t len)
{
	/* cgroup v1 prints hierarchical totals as total_<key> (6.4+, §1.3 L5) */
	if (len > 6 && memcmp(key, "total_", 6) == 0) {
		key += 6;
		len -= 6;
	}
	static const char *const count_prefixes[] = {"pg",   "thp_",  "workingset_", "zswp",
	                                             "pswp", "numa_", "oom",         NULL};
	for (int i = 0; count_prefixes[i]; i++) {
		size_t n = strlen(count_prefixes[i]);
		if (len >= n && memcmp(key, count_prefixes[i], n) == 0)
			return "count";
	}
	return "bytes";
}

bool oom_apply_memcg_stats(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len,
                           const char **stat_section)
{
	oomsift_span g[3];
	char section[512];
	int n;

	*stat_section = NULL;
	if (!oomsift_re_match(&p->memcg_stats, msg, len, g, 3))
		return false;
	n = snprintf(section, sizeof(section), "memcg_stat %.*s", (int)g[1].len, g[1].ptr);
	if (n < 0 || (size_t)n >= sizeof(section))
		return false;
	if (g[2].ptr) /* ≤5.2: "cache:123KB rss:456KB …" on the same line */
		return kv_tokens(ev, section, g[2].ptr, g[2].len, "count") > 0;
	*stat_section = oomsift_event_strdup(ev, section, (size_t)n);
	return *stat_section != NULL;
}

/* PCRE2's \s (no UTF): space, \t, \n, \v, \f, \r. */
static bool is_re_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The stat_kv pattern, (?:^|\s)([a-z_][a-z0-9_]*) (-?\d+)\s*$, read from the
 * end: it has one way to match, if any (the number runs to the trailing
 * blanks, one space before it, the key back to a blank or the start), so the
 * groups are those PCRE2 gives. One memory.stat line each, with no regex. */
bool oom_match_stat_kv(const char *msg, size_t len, oomsift_span *key, oomsift_span *num)
{
	const char *end = msg + len, *digits, *k;

	while (end > msg && is_re_space(end[-1]))
		end--;
	digits = end;
	while (digits > msg && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits == end)
		return false;
	if (digits > msg && digits[-1] == '-')
		digits--;
	if (digits == msg || digits[-1] != ' ')
		return false;
	k = digits - 1;
	while (k > msg && is_key_char(k[-1]))
		k--;
	if (k == digits - 1 || (k > msg && !is_re_space(k[-1])) || (*k >= '0' && *k <= '9'))
		return false;
	*key = (oomsift_span){k, (size_t)(digits - 1 - k)};
	*num = (oomsift_span){digits, (size_t)(end - digits)};
	return true;
}

bool oom_apply_memcg_stat_kv(oom_patterns *p, oomsift_event *ev, const char *section,
                             const char *msg, size_t len)
{
	oomsift_span g[3];
	int64_t v;

	(void)p; /* the line has no regex of its own any more */
	if (!oom_match_stat_kv(msg, len, &g[1], &g[2]) || !oomsift_span_i64(g[2], &v))
		return false;
	return oom_add_kv(ev, section, strlen(section), g[1].ptr, g[1].len, v,
	                  stat_unit(g[1].ptr, g[1].len));
}

/* ---- L6 Mem-Info ---- */

bool oom_apply_meminfo_kv(oomsift_event *ev, const char *msg, size_t len)
{
	return kv_tokens(ev, "meminfo", msg, len, "pages") > 0;
}

/* "prefix" and a span into out (cap bytes), cut as snprintf cuts it; returns
 * the length uncut, as snprintf does (the spans hold no NUL). */
static size_t section_name(char *out, size_t cap, const char *prefix, oomsift_span sp)
{
	size_t plen = strlen(prefix), n = plen + sp.len;
	size_t keep = n < cap ? n : cap - 1;

	memcpy(out, prefix, plen < keep ? plen : keep);
	if (keep > plen)
		memcpy(out + plen, sp.ptr, keep - plen);
	out[keep] = '\0';
	return n;
}

bool oom_apply_node(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[3];
	char section[32];

	if (!oomsift_re_match(&p->node, msg, len, g, 3))
		return false;
	section_name(section, sizeof(section), "node ", g[1]);
	return kv_tokens(ev, section, g[2].ptr, g[2].len, "count") > 0;
}

static bool is_digit_char(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum_char(char c)
{
	return is_digit_char(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A zone name at g as ((?:Node \d+ )?[A-Za-z0-9]+) reads it, with the node
 * part (the alternative tried first) or without; returns its end, or NULL.
 * Each run is whole: what follows it (a space, a ':') is outside its class. */
static const char *zone_name_at(const char *g, const char *end, bool with_node)
{
	const char *p = g, *start;

	if (with_node) {
		if (end - p < 5 || memcmp(p, "Node ", 5) != 0)
			return NULL;
		for (start = p += 5; p < end && is_digit_char(*p); p++)
			;
		if (p == start || p == end || *p != ' ')
			return NULL;
		p++;
	}
	for (start = p; p < end && is_alnum_char(*p); p++)
		;
	return p > start ? p : NULL;
}

/* Whether a pattern starting (?:^|\s) may start its group at g. */
static bool group_may_start(const char *msg, const char *g)
{
	return g == msg || is_re_space(g[-1]);
}

/* A line holding a newline or a carriage return is left to PCRE2, whose
 * '.' and '$' depend on its newline convention there; oom_match_zone and
 * oom_match_buddy read the others. */
static bool has_line_break(const char *msg, size_t len)
{
	return memchr(msg, '\n', len) || memchr(msg, '\r', len);
}

bool oom_match_zone(const char *msg, size_t len, oomsift_span *name, oomsift_span *rest)
{
	const char *end = msg + len;

	for (const char *g = msg; g < end; g++) {
		if (!group_may_start(msg, g))
			continue;
		for (int node = 1; node >= 0; node--) {
			const char *p = zone_name_at(g, end, node), *q, *digits;
			if (!p || end - p < 6 || memcmp(p, " free:", 6) != 0)
				continue;
			for (digits = q = p + 6; q < end && is_digit_char(*q); q++)
				;
			if (q == digits || end - q < 3 || memcmp(q, "kB ", 3) != 0)
				continue;
			*name = (oomsift_span){g, (size_t)(p - g)};
			*rest = (oomsift_span){p + 1, (size_t)(end - p - 1)};
			return true;
		}
	}
	return false;
}

bool oom_match_buddy(const char *msg, size_t len, oomsift_span *name, oomsift_span *free_kb)
{
	const char *end = msg + len, *kb, *digits;

	/* the end is fixed: "= N" and "kB", then blanks */
	while (end > msg && is_re_space(end[-1]))
		end--;
	if (end - msg < 2 || memcmp(end - 2, "kB", 2) != 0)
		return false;
	kb = end - 2;
	for (digits = kb; digits > msg && is_digit_char(digits[-1]); digits--)
		;
	if (digits == kb || digits - msg < 2 || memcmp(digits - 2, "= ", 2) != 0)
		return false;
	for (const char *g = msg; g < digits; g++) {
		if (!group_may_start(msg, g))
			continue;
		for (int node = 1; node >= 0; node--) {
			const char *p = zone_name_at(g, end, node), *q, *d;
			if (!p || end - p < 2 || memcmp(p, ": ", 2) != 0)
				continue;
			for (d = q = p + 2; q < end && is_digit_char(*q); q++)
				;
			if (q == d || q == end || *q != '*')
				continue;
			for (d = ++q; q < end && is_digit_char(*q); q++)
				;
			/* then ".*" up to the fixed end, which may not start before it */
			if (q == d || end - q < 2 || memcmp(q, "kB", 2) != 0 || q + 2 > digits - 2)
				continue;
			*name = (oomsift_span){g, (size_t)(p - g)};
			*free_kb = (oomsift_span){digits, (size_t)(kb - digits)};
			return true;
		}
	}
	return false;
}

bool oom_apply_zone(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[3];
	char section[64];

	if (has_line_break(msg, len) ? !oomsift_re_match(&p->zone, msg, len, g, 3)
	                             : !oom_match_zone(msg, len, &g[1], &g[2]))
		return false;
	section_name(section, sizeof(section), "zone ", g[1]);
	return kv_tokens(ev, section, g[2].ptr, g[2].len, "count") > 0;
}

bool oom_apply_buddy(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[3];
	char section[64];
	int64_t v;
	size_t n;

	if ((has_line_break(msg, len) ? !oomsift_re_match(&p->buddy, msg, len, g, 3)
	                              : !oom_match_buddy(msg, len, &g[1], &g[2])) ||
	    !oomsift_span_i64(g[2], &v))
		return false;
	n = section_name(section, sizeof(section), "zone ", g[1]);
	if (n >= sizeof(section)) /* no zone has such a name */
		return false;
	return oom_add_kv(ev, section, (size_t)n, "buddy_free", 10, v, "kB");
}

bool oom_apply_hugepages(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	static const char *const keys[] = {"total", "free", "surp"};
	oomsift_span g[6];
	char section[64];
	int64_t v;
	int n;

	if (!oomsift_re_match(&p->hugepages, msg, len, g, 6))
		return false;
	n = snprintf(section, sizeof(section), "hugepages node %.*s size %.*skB", (int)g[1].len,
	             g[1].ptr, (int)g[5].len, g[5].ptr);
	if (n < 0 || (size_t)n >= sizeof(section)) /* numbers no kernel prints */
		return false;
	for (int i = 0; i < 3; i++)
		if (oomsift_span_i64(g[2 + i], &v))
			oom_add_kv(ev, section, (size_t)n, keys[i], strlen(keys[i]), v, "count");
	return true;
}

bool oom_apply_show_mem(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[4];
	char key[32];
	int64_t v;
	size_t n = 0;

	if (!oomsift_re_match(&p->show_mem, msg, len, g, 4) || !oomsift_span_i64(g[1], &v))
		return false;
	oomsift_span what = g[2].ptr ? g[2] : g[3];
	/* "HighMem/MovableOnly" -> "highmem", "non-shared" -> "non_shared", … */
	for (size_t i = 0; i < what.len && n + 1 < sizeof(key); i++) {
		char c = what.ptr[i];
		if (c == '/')
			break;
		key[n++] = c == ' ' || c == '-' ? '_' : (char)(c | 0x20);
	}
	key[n] = '\0';
	if (strcmp(key, "in_swap_cache") == 0)
		strcpy(key, "swap_cache");
	else if (strcmp(key, "total_pagecache") == 0)
		strcpy(key, "pagecache");
	if (strcmp(key, "ram") == 0)
		ev->ram_pages = v;
	else if (strcmp(key, "reserved") == 0)
		ev->reserved_pages = v;
	return oom_add_kv(ev, "show_mem", 8, key, strlen(key), v, "pages");
}

bool oom_apply_swap(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len)
{
	oomsift_span g[2];

	if (oomsift_re_match(&p->swap_free, msg, len, g, 2)) {
		set_i64(&ev->swap_free_kb, g[1]);
		return true;
	}
	if (oomsift_re_match(&p->swap_total, msg, len, g, 2)) {
		set_i64(&ev->swap_total_kb, g[1]);
		return true;
	}
	return false;
}

/* ---- L8 task table ---- */

/* Column names as the kernel prints them, mapped to oomsift_task fields. */
static const struct {
	const char *name;
	size_t offset;
} task_columns[] = {
#define C(n, f)                                                                                    \
	{                                                                                          \
		n, offsetof(oomsift_task, f)                                                       \
	}
    C("uid", uid),
    C("tgid", tgid),
    C("total_vm", total_vm),
    C("rss", rss),
    C("rss_anon", rss_anon),
    C("rss_file", rss_file),
    C("rss_shmem", rss_shmem),
    C("pgtables_bytes", pgtables_bytes),
    C("nr_ptes", nr_ptes),
    C("nr_pmds", nr_pmds),
    C("nr_puds", nr_puds),
    C("swapents", swapents),
    C("cpu", cpu),
    C("oom_adj", oom_adj),
    C("oom_score_adj", oom_score_adj),
#undef C
};

bool oom_parse_task_header(oom_patterns *p, const char *msg, size_t len, oom_columns *cols)
{
	oomsift_span g[2];
	const char *s, *end;

	if (!oomsift_re_match(&p->task_header, msg, len, g, 2))
		return false;
	cols->n = 0;
	s = g[1].ptr;
	end = s + g[1].len;
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		const char *w = s;
		while (s < end && *s != ' ')
			s++;
		if (s == w)
			break;
		if (cols->n == OOM_MAX_COLS)
			return false;
		cols->field[cols->n] = -1;
		for (size_t i = 0; i < sizeof(task_columns) / sizeof(task_columns[0]); i++)
			if (strlen(task_columns[i].name) == (size_t)(s - w) &&
			    memcmp(task_columns[i].name, w, (size_t)(s - w)) == 0)
				cols->field[cols->n] =
				    (int)(task_columns[i].offset / sizeof(int64_t));
		cols->n++;
	}
	return cols->n > 0;
}

static void task_init(oomsift_task *t)
{
	int64_t *f = (int64_t *)t;

	for (size_t i = 0; i < offsetof(oomsift_task, name) / sizeof(int64_t); i++)
		f[i] = OOMSIFT_UNSET;
	t->name = NULL;
}

/* Parses "[  pid] n1 n2 … nN name" starting at the bracket `b`. */
static bool parse_row_at(oomsift_event *ev, const oom_columns *cols, const char *b, const char *end,
                         oomsift_task *t)
{
	const char *p = b + 1;
	int64_t v;

	while (p < end && *p == ' ')
		p++;
	if (!(p = read_i64(p, end, &t->pid)) || p >= end || *p != ']')
		return false;
	p++;
	for (int i = 0; i < cols->n; i++) {
		if (p >= end || *p != ' ')
			return false;
		while (p < end && *p == ' ')
			p++;
		if (!(p = read_i64(p, end, &v)))
			return false;
		if (cols->field[i] >= 0)
			((int64_t *)t)[cols->field[i]] = v;
	}
	if (p >= end || *p != ' ')
		return false;
	p++; /* exactly one space before the name, which may itself hold spaces */
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == p)
		return false;
	t->name = oomsift_event_strdup(ev, p, (size_t)(end - p));
	return t->name != NULL;
}

bool oom_apply_task_row(oomsift_event *ev, const oom_columns *cols, const char *msg, size_t len)
{
	const char *end = msg + len, *b = msg;
	oomsift_task t;

	/* The row may sit behind an unknown prefix: try each '[' in turn. */
	while ((b = memchr(b, '[', (size_t)(end - b))) != NULL) {
		task_init(&t);
		if (parse_row_at(ev, cols, b, end, &t)) {
			if (ev->ntasks == ev->tasks_cap &&
			    oomsift_vec_reserve((void **)&ev->tasks, &ev->tasks_cap, sizeof(t),
			                        ev->ntasks + 1, MAX_TASKS) < 0)
				return false;
			ev->tasks[ev->ntasks++] = t;
			return true;
		}
		b++;
	}
	return false;
}

/* Hashes a line's text as every wrapper shows it: util-linux dmesg and
 * /dev/kmsg escape odd bytes as \xNN where the journal keeps the bytes, so
 * escapes are decoded; trailing blanks are dropped. */
static uint64_t line_hash(const char *host, size_t host_len, const char *msg, size_t len)
{
	XXH3_state_t st;
	char chunk[256];
	size_t n = 0;

	while (len && (msg[len - 1] == ' ' || msg[len - 1] == '\t'))
		len--;
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, host, host_len);
	XXH3_64bits_update(&st, "", 1);
	/* The text before the first backslash has no escape: hashed as it is
	 * (a streaming hash gives the same value however its input is cut). */
	const char *bs = memchr(msg, '\\', len);
	size_t plain = bs ? (size_t)(bs - msg) : len;
	XXH3_64bits_update(&st, msg, plain);
	for (size_t i = plain; i < len; i++) {
		char c = msg[i];
		if (c == '\\' && i + 3 < len && msg[i + 1] == 'x' &&
		    isxdigit((unsigned char)msg[i + 2]) && isxdigit((unsigned char)msg[i + 3])) {
			char hex[3] = {msg[i + 2], msg[i + 3], 0};
			c = (char)strtol(hex, NULL, 16);
			i += 3;
		}
		chunk[n++] = c;
		if (n == sizeof(chunk)) {
			XXH3_64bits_update(&st, chunk, n);
			n = 0;
		}
	}
	XXH3_64bits_update(&st, chunk, n);
	return XXH3_64bits_digest(&st) | 1; /* 0 means "no key" */
}

void oom_set_key(oomsift_event_key *k, const char *host, size_t host_len, const oomsift_record *rec)
{
	k->hash = line_hash(host, host_len, rec->msg, rec->msg_len);
	k->has_uptime = rec->has_uptime;
	k->uptime_s = rec->uptime;
	k->has_ts = rec->has_wall;
	k->ts_unix = rec->wall;
}
