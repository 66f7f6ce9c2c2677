/*
 * The block scanner, with two engines that give the same answers:
 *
 * - Teddy (AVX2, x86-64): the packed multi-string filter of Hyperscan and of
 *   Rust's aho-corasick. Each needle goes in one of 8 buckets; for each of the
 *   first three bytes of a needle, two 16-entry tables indexed by the text
 *   byte's low and high nibble give the buckets that byte may start. Two
 *   PSHUFB per table and a few ANDs test 32 text positions at once; only
 *   positions left with a bucket bit are compared with that bucket's needles.
 * - Wu-Manber with blocks of two bytes, for every other machine: a window as
 *   long as the shortest needle slides over the text; its last two bytes say
 *   how far it can move without passing over a needle, and only a shift of 0
 *   costs a comparison.
 *
 * The engine is chosen once, when the scanner is built (marker_scan_new).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/marker_scan.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_TEDDY 1
#include <immintrin.h>
#endif

/*
 * Every string that oom_classify_marker() (parse/oom_lines.c), the user-space
 * gate us_line_about_oom() (parse/userspace.c) and the envelope's boot separators
 * react to, each as a substring (or a substring of it) of the line: a line
 * that holds none of them classifies as OOM_NONE and is no user-space line.
 *
 * `fp` is where Teddy's four fingerprint bytes start in the needle: four bytes
 * that ordinary log text seldom holds ("service" holds "vic", "will " holds
 * "ill "), since every place that matches a fingerprint costs a comparison.
 * Needles that share a fingerprint ("OOM ", "oom-", "Kill") cost nothing more.
 */
const marker_needle marker_scan_needles[] = {
    /* kernel markers */
    {"invoked oom-killer: ", 8},             /* oom- */
    {"ill process ", 2},                     /* l pr: Killed process, kill process */
    {"oom-kill:constraint=", 0},             /* oom- */
    {"oom_reaper: ", 0},                     /* oom_ */
    {"due to memory.oom.group set", 14},     /* oom. */
    {"Out of memory and no killable", 18},   /* o ki */
    {"Kernel panic - not syncing: ", 10},    /* ic - */
    {"Manual OOM execution", 7},             /* OOM  */
    {"page allocation ", 2},                 /* ge a: failure, stalls for */
    {"vmalloc", 0},                          /* vmal: vmalloc error:, vmalloc: allocation */
    {"enough memory for the allocation", 4}, /* gh m */
    {"Show Memory", 3},                      /* w Me */
    {"Linux version ", 0},                   /* Linu */
    /* user-space lines (us_line_about_oom) */
    {"Killed ", 0},                /* Kill */
    {"Marked ", 0},                /* Mark */
    {"sending ", 0},               /* send */
    {"Killing process", 0},        /* Kill */
    {"mem avail:", 2},             /* m av */
    {"OOM killer", 0},             /* OOM  */
    {"in this unit", 6},           /* s un */
    {"'oom-kill'", 1},             /* oom- */
    {"status=9/KILL", 7},          /* 9/KI */
    {"viction manager: ", 13},     /* ger: */
    {"System OOM encountered", 7}, /* OOM  */
    {"TaskOOM event ", 4},         /* OOM  */
    /* journalctl boot separators (OOMSIFT_WRAP_MARK) */
    {"-- Boot ", 0},
    {"-- Reboot", 0},
    {NULL, 0},
};

#define NBUCKETS      65536 /* Wu-Manber: by two bytes */
#define MAX_NEEDLES   64
#define TEDDY_BUCKETS 8 /* one bit each in a byte */
#define TEDDY_FP      4 /* fingerprint bytes */

struct marker_scan {
	marker_scan_engine engine;
	size_t n;
	size_t len[MAX_NEEDLES];
	/* Wu-Manber */
	size_t m;                  /* length of the shortest needle: the window */
	uint8_t shift[NBUCKETS];   /* by the window's last two bytes */
	uint8_t first[NBUCKETS];   /* 1 + first needle whose window ends so, 0 = none */
	uint8_t next[MAX_NEEDLES]; /* 1 + next needle of the same bucket, 0 = none */
	/* Teddy: the buckets a byte allows, by its nibbles, at each fingerprint
	 * offset; each bucket's needles, ended by 0xff */
	uint8_t lo[TEDDY_FP][16], hi[TEDDY_FP][16];
	uint8_t bucket_needles[TEDDY_BUCKETS][MAX_NEEDLES + 1];
	size_t fp_max; /* the largest fingerprint offset */
};

static unsigned pair(const char *p)
{
	return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

static void build_wu_manber(marker_scan *ms)
{
	memset(ms->shift, (int)(ms->m - 1), sizeof(ms->shift));
	for (size_t i = 0; i < ms->n; i++) {
		const char *p = marker_scan_needles[i].s;
		unsigned last = pair(p + ms->m - 2);

		for (size_t j = 1; j < ms->m; j++) {
			unsigned b = pair(p + j - 1);
			if (ms->shift[b] > ms->m - 1 - j)
				ms->shift[b] = (uint8_t)(ms->m - 1 - j);
		}
		ms->next[i] = ms->first[last];
		ms->first[last] = (uint8_t)(i + 1);
	}
}

static const char *fingerprint(size_t i)
{
	return marker_scan_needles[i].s + marker_scan_needles[i].fp;
}

/* How many 4-byte strings a bucket's nibble tables let through, with the
 * fingerprint `extra` added when not NULL: the bucket's false positives grow
 * with it. */
static unsigned bucket_breadth(const marker_scan *ms, unsigned b, const char *extra)
{
	unsigned breadth = 1;

	for (int k = 0; k < TEDDY_FP; k++) {
		unsigned lo = 0, hi = 0;
		for (const uint8_t *i = ms->bucket_needles[b]; *i != 0xff; i++) {
			unsigned char c = (unsigned char)fingerprint(*i)[k];
			lo |= 1u << (c & 15);
			hi |= 1u << (c >> 4);
		}
		if (extra) {
			lo |= 1u << ((unsigned char)extra[k] & 15);
			hi |= 1u << ((unsigned char)extra[k] >> 4);
		}
		breadth *= (unsigned)(__builtin_popcount(lo) * __builtin_popcount(hi));
	}
	return breadth;
}

/* Puts each needle in the bucket its fingerprint widens least (an empty
 * bucket costs 1, as does one that already has the same fingerprint), then
 * fills the nibble tables. */
static void build_teddy(marker_scan *ms)
{
	size_t fill[TEDDY_BUCKETS] = {0};

	for (unsigned b = 0; b < TEDDY_BUCKETS; b++)
		ms->bucket_needles[b][0] = 0xff;
	for (size_t i = 0; i < ms->n; i++) {
		const char *f = fingerprint(i);
		unsigned best = 0, best_cost = UINT32_MAX;

		for (unsigned b = 0; b < TEDDY_BUCKETS; b++) {
			unsigned cost =
			    fill[b] ? bucket_breadth(ms, b, f) - bucket_breadth(ms, b, NULL) + 1
			            : 1;
			if (cost < best_cost) {
				best = b;
				best_cost = cost;
			}
		}
		ms->bucket_needles[best][fill[best]++] = (uint8_t)i;
		ms->bucket_needles[best][fill[best]] = 0xff;
		for (int k = 0; k < TEDDY_FP; k++) {
			unsigned char c = (unsigned char)f[k];
			ms->lo[k][c & 15] |= (uint8_t)(1u << best);
			ms->hi[k][c >> 4] |= (uint8_t)(1u << best);
		}
		if (marker_scan_needles[i].fp > ms->fp_max)
			ms->fp_max = marker_scan_needles[i].fp;
	}
}

static bool simd_supported(void)
{
#ifdef HAVE_TEDDY
	return __builtin_cpu_supports("avx2");
#else
	return false;
#endif
}

marker_scan *marker_scan_new_engine(marker_scan_engine engine)
{
	marker_scan *ms;

	if (engine == MARKER_SCAN_AUTO)
		engine = simd_supported() ? MARKER_SCAN_TEDDY : MARKER_SCAN_WU_MANBER;
	if (engine == MARKER_SCAN_TEDDY && !simd_supported())
		return NULL;
	if (!(ms = calloc(1, sizeof(*ms))))
		return NULL;
	ms->engine = engine;
	ms->m = SIZE_MAX;
	for (ms->n = 0; marker_scan_needles[ms->n].s; ms->n++) {
		ms->len[ms->n] = strlen(marker_scan_needles[ms->n].s);
		if (ms->len[ms->n] < ms->m)
			ms->m = ms->len[ms->n];
	}
	if (engine == MARKER_SCAN_TEDDY)
		build_teddy(ms);
	else
		build_wu_manber(ms);
	return ms;
}

marker_scan *marker_scan_new(void)
{
	return marker_scan_new_engine(MARKER_SCAN_AUTO);
}

void marker_scan_free(marker_scan *ms)
{
	free(ms);
}

marker_scan_engine marker_scan_engine_of(const marker_scan *ms)
{
	return ms->engine;
}

static bool needle_at(const marker_scan *ms, size_t i, const char *at, const char *end)
{
	return (size_t)(end - at) >= ms->len[i] &&
	       memcmp(at, marker_scan_needles[i].s, ms->len[i]) == 0;
}

static const char *wu_manber_next(const marker_scan *ms, const char *s, const char *end)
{
	const char *w; /* the window's last byte */

	if ((size_t)(end - s) < ms->m)
		return NULL;
	for (w = s + ms->m - 1; w < end;) {
		unsigned b = pair(w - 1);
		const char *start = w - (ms->m - 1);

		if (ms->shift[b]) {
			w += ms->shift[b];
			continue;
		}
		for (unsigned i = ms->first[b]; i; i = ms->next[i - 1])
			if (needle_at(ms, i - 1, start, end))
				return start;
		w++;
	}
	return NULL;
}

#ifdef HAVE_TEDDY
/* The earliest start, not before `s` and before `best` (NULL: none yet), of
 * a needle of the buckets in `buckets` whose fingerprint is at `at`; or
 * `best`. */
static const char *bucket_match(const marker_scan *ms, unsigned buckets, const char *at,
                                const char *s, const char *end, const char *best)
{
	for (; buckets; buckets &= buckets - 1) {
		const uint8_t *i = ms->bucket_needles[__builtin_ctz(buckets)];
		for (; *i != 0xff; i++) {
			size_t fp = marker_scan_needles[*i].fp;
			if ((size_t)(at - s) >= fp && (!best || at - fp < best) &&
			    needle_at(ms, *i, at - fp, end))
				best = at - fp;
		}
	}
	return best;
}

/* The buckets the four bytes at `at` allow, as the vector code finds them. */
static unsigned scalar_buckets(const marker_scan *ms, const char *at)
{
	unsigned b = 0xff;

	for (int k = 0; k < TEDDY_FP; k++) {
		unsigned char c = (unsigned char)at[k];
		b &= ms->lo[k][c & 15] & ms->hi[k][c >> 4];
	}
	return b;
}

/*
 * Fingerprints are not all at the start of their needle, so the first
 * fingerprint found may not belong to the first needle: once a needle is
 * found at `best`, the scan goes on over the fingerprints that could still
 * belong to an earlier one, up to best + fp_max.
 */
__attribute__((target("avx2"))) static const char *teddy_next(const marker_scan *ms, const char *s,
                                                              const char *end)
{
	const __m256i nibble = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	__m256i lo[TEDDY_FP], hi[TEDDY_FP];
	const char *p = s, *best = NULL;

	for (int k = 0; k < TEDDY_FP; k++) {
		lo[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ms->lo[k]));
		hi[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ms->hi[k]));
	}
	/* 32 fingerprint positions per round; the loads reach TEDDY_FP - 1 beyond */
	for (; end - p >= 32 + TEDDY_FP - 1; p += 32) {
		__m256i found = _mm256_set1_epi8((char)0xff);
		uint8_t lanes[32];
		unsigned at;

		if (best && (size_t)(p - best) > ms->fp_max)
			return best;
		for (int k = 0; k < TEDDY_FP; k++) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(p + k));
			__m256i l = _mm256_shuffle_epi8(lo[k], _mm256_and_si256(v, nibble));
			__m256i h = _mm256_shuffle_epi8(
			    hi[k], _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
			found = _mm256_and_si256(found, _mm256_and_si256(l, h));
		}
		at = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(found, zero));
		if (!at)
			continue;
		_mm256_storeu_si256((__m256i *)lanes, found);
		for (; at; at &= at - 1) {
			unsigned j = (unsigned)__builtin_ctz(at);
			best = bucket_match(ms, lanes[j], p + j, s, end, best);
		}
	}
	for (; end - p >= TEDDY_FP; p++) {
		if (best && (size_t)(p - best) > ms->fp_max)
			return best;
		best = bucket_match(ms, scalar_buckets(ms, p), p, s, end, best);
	}
	return best;
}
#endif

const char *marker_scan_next(const marker_scan *ms, const char *s, const char *end)
{
#ifdef HAVE_TEDDY
	if (ms->engine == MARKER_SCAN_TEDDY)
		return teddy_next(ms, s, end);
#endif
	return wu_manber_next(ms, s, end);
}
