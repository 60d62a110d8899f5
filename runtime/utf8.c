/* UTF-8 validation, code points and grapheme clusters: see lexc/utf8.h. */
#include "config.h"

#include <lexc/utf8.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define UTF8_SSE2 1
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdatomic.h>
#define UTF8_DISPATCH 1
#endif
#endif

static const uint64_t HIGH_BITS = 0x8080808080808080ull;

/* Length of the run of ASCII bytes at the start of s[0..len), 8 at a time. */
static size_t ascii_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, sizeof w);
		if (w & HIGH_BITS)
			break;
	}
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

bool lexc_utf8_is_ascii(const char *s, size_t len)
{
	return ascii_prefix((const unsigned char *)s, len) == len;
}

/* Length of the well-formed sequence at s[0..len) that starts with a
 * non-ASCII byte, or 0 when it is ill-formed (Unicode table 3-7). */
static size_t sequence_length(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

size_t lexc_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			i += ascii_prefix(s + i, len - i);
			continue;
		}
		size_t n = sequence_length(s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

/* Continuation bytes (0x80..0xBF) in s[0..len): signed, they are below -64.
 * Each compare adds 1 to its byte lane (subtracting -1), at most 255 times
 * before the lanes are summed. */
static size_t continuation_bytes(const unsigned char *s, size_t len)
{
	size_t n = 0, i = 0;
#ifdef UTF8_SSE2
	const __m128i limit = _mm_set1_epi8(-64), zero = _mm_setzero_si128();
	while (len - i >= 16) {
		__m128i acc = zero;
		size_t blocks = (len - i) / 16 > 255 ? 255 : (len - i) / 16;
		for (size_t b = 0; b < blocks; b++, i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(x, limit));
		}
		__m128i sums = _mm_sad_epu8(acc, zero);
		n += (size_t)_mm_cvtsi128_si32(sums) +
		     (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
	}
#endif
	for (; i < len; i++)
		n += (s[i] & 0xC0) == 0x80;
	return n;
}

#ifdef UTF8_DISPATCH
/* continuation_bytes() 32 bytes at a time, for CPUs with AVX2. */
static __attribute__((target("avx2"))) size_t continuation_bytes_avx2(const unsigned char *s,
                                                                      size_t len)
{
	size_t n = 0, i = 0;
	const __m256i limit = _mm256_set1_epi8(-64), zero = _mm256_setzero_si256();
	while (len - i >= 32) {
		__m256i acc = zero;
		size_t blocks = (len - i) / 32 > 255 ? 255 : (len - i) / 32;
		for (size_t b = 0; b < blocks; b++, i += 32) {
			__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
			acc = _mm256_sub_epi8(acc, _mm256_cmpgt_epi8(limit, x));
		}
		__m256i sums = _mm256_sad_epu8(acc, zero);
		__m128i half = _mm_add_epi64(_mm256_castsi256_si128(sums),
		                             _mm256_extracti128_si256(sums, 1));
		n += (size_t)_mm_cvtsi128_si64(half) +
		     (size_t)_mm_cvtsi128_si64(_mm_srli_si128(half, 8));
	}
	return n + continuation_bytes(s + i, len - i);
}

static bool have_avx2(void)
{
	static _Atomic int known; /* 0 unknown, 1 no, 2 yes; a race stores one answer twice */
	int k = atomic_load_explicit(&known, memory_order_relaxed);
	if (k == 0) {
		__builtin_cpu_init();
		const char *cap = getenv("LEXC_SIMD"); /* as in json_scan.re */
		bool lesser =
		        cap != NULL && (strcmp(cap, "scalar") == 0 || strcmp(cap, "ssse3") == 0);
		k = __builtin_cpu_supports("avx2") && !lesser ? 2 : 1;
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k == 2;
}
#endif

size_t lexc_utf8_codepoints(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef UTF8_DISPATCH
	if (len >= 64 && have_avx2())
		return len - continuation_bytes_avx2(s, len);
#endif
	return len - continuation_bytes(s, len);
}

/* Graphemes of pure ASCII: every byte is a cluster except that CR LF is one. */
static size_t ascii_graphemes(const char *s, size_t len)
{
	size_t n = len;
	for (size_t i = 1; i < len; i++)
		if (s[i] == '\n' && s[i - 1] == '\r')
			n--;
	return n;
}

size_t lexc_graphemes_count_upto(const char *s, size_t len, size_t stop)
{
	if (len == 0)
		return 0;
	if (lexc_utf8_is_ascii(s, len))
		return ascii_graphemes(s, len);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	utf8proc_int32_t prev = -1, cp;
	utf8proc_int32_t state = 0;
	size_t count = 0;
	while (left > 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0) {
			/* Not UTF-8: count each bad byte as a cluster of its own. */
			n = 1;
			cp = -1;
		}
		if (prev < 0 || cp < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)) {
			if (++count > stop)
				return count;
		}
		prev = cp;
		if (cp < 0)
			state = 0;
		p += n;
		left -= n;
	}
	return count;
}

size_t lexc_graphemes_count(const char *s, size_t len)
{
	return lexc_graphemes_count_upto(s, len, SIZE_MAX);
}

bool lexc_graphemes_within(const char *s, size_t len, size_t min, size_t max)
{
	/* Clusters never outnumber code points, and code points never outnumber
	 * bytes; a non-empty string has at least one cluster. */
	bool max_ok = max == SIZE_MAX || len <= max;
	bool min_ok = min == 0 || (min == 1 && len > 0);
	if (max_ok && min_ok)
		return true;
	if (!max_ok && lexc_utf8_codepoints(s, len) <= max) {
		if (min_ok)
			return true;
		max_ok = true;
	}
	size_t stop = max == SIZE_MAX ? SIZE_MAX : max;
	size_t n = lexc_graphemes_count_upto(s, len, stop);
	return (max_ok || n <= max) && n >= min;
}

const char *lexc_unicode_version(void)
{
	return utf8proc_unicode_version();
}

size_t lexc_utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	/* s[n] starts the part cut off: step back while it continues a
	 * sequence, to the byte that begins it. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80 && max - n < 4)
		n--;
	return n;
}
