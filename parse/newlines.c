/* Newline counting: an AVX2 loop that tests 32 bytes at a time where the CPU
 * has it (x86-64), a memchr loop elsewhere. */
#include <stdint.h>
#include <string.h>

#include "parse/newlines.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_COUNT 1
#include <immintrin.h>
#endif

static size_t count_memchr(const char *s, const char *stop, size_t max, const char **after)
{
	const char *at = s;
	size_t n = 0;

	while (at < stop) {
		const char *nl = memchr(at, '\n', (size_t)(stop - at));
		if (!nl || (size_t)(nl - at) > max)
			break;
		at = nl + 1;
		n++;
	}
	*after = at;
	return n;
}

#ifdef HAVE_AVX2_COUNT
/* 64 bytes a round, without a branch that depends on the text: only the
 * first newline of a round (or the round's end, when it has none) can end a
 * line longer than 64 bytes, so only it is checked against max. */
__attribute__((target("avx2,popcnt"))) static size_t count_avx2(const char *s, const char *stop,
                                                                size_t max, const char **after)
{
	const __m256i newline = _mm256_set1_epi8('\n');
	const char *p = s, *line = s;
	size_t n = 0;

	for (; stop - p >= 64; p += 64) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)p);
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(p + 32));
		uint64_t nl =
		    (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, newline)) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, newline)) << 32;
		const char *first = p + (nl ? __builtin_ctzll(nl) : 64);

		if ((size_t)(first - line) > max) {
			*after = line;
			return n;
		}
		n += (size_t)__builtin_popcountll(nl);
		line = nl ? p + 64 - __builtin_clzll(nl) : line;
	}
	n += count_memchr(line, stop, max, after);
	return n;
}
#endif

size_t newlines_count(const char *s, const char *stop, size_t max, const char **after,
                      bool portable)
{
#ifdef HAVE_AVX2_COUNT
	if (!portable && __builtin_cpu_supports("avx2"))
		return count_avx2(s, stop, max, after);
#endif
	(void)portable;
	return count_memchr(s, stop, max, after);
}
