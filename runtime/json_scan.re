/* The JSON reader's scanners: strings (plain runs 16 bytes at a time with
 * SSE2, UTF-8 validated as it goes, escapes by re2c, unescaping into the
 * arena) and the exact value of numbers. The input is not NUL-terminated:
 * every read goes through YYPEEK, which yields 0 at the limit, and re2c's
 * end-of-input rule ($) tells that virtual 0 from a real NUL byte. */
#include "config.h"

#include "json_reader_internal.h"

#include <lexc/utf8.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYPEEK = "(cur < lim ? (unsigned char)*cur : 0)";
	re2c:define:YYSKIP = "++cur;";
	re2c:define:YYBACKUP = "mar = cur;";
	re2c:define:YYRESTORE = "cur = mar;";
	re2c:define:YYLESSTHAN = "cur >= lim";
	re2c:eof = 0;
	re2c:yyfill:enable = 0;
	re2c:indent:string = "\t";

	hex = [0-9a-fA-F];
*/

/* ------------------------------------------------------------------------
 * Strings. */

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* ASCII bytes that end a run of plain string bytes: controls, '"' and
 * '\\' (non-ASCII bytes are dealt with before this table is read). */
#define STOP8 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char STRING_STOP[128] = {STOP8, STOP8, STOP8, STOP8, ['"'] = 1, ['\\'] = 1};


/* Length of the well-formed UTF-8 sequence at p (its first byte is
 * non-ASCII), or 0 when it is ill-formed: Unicode table 3-7, as
 * lexc_utf8_check(). */
static inline size_t utf8_sequence(const char *p, const char *lim)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t left = (size_t)(lim - p);
	unsigned c = s[0];
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return left >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	unsigned lo = 0x80, hi = 0xBF;
	if (c == 0xE0 || c == 0xF0)
		lo = c == 0xE0 ? 0xA0 : 0x90; /* overlong */
	else if (c == 0xED || c == 0xF4)
		hi = c == 0xED ? 0x9F : 0x8F; /* surrogates, above U+10FFFF */
	if (left < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
		return 0;
	if (c < 0xF0)
		return 3;
	return left >= 4 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
}

#ifdef JSON_SSE2
/* utf8_sequence() when 4 bytes can be read at p: the 32-bit word tells the
 * shape, and the top bits of the code point its range (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static inline size_t utf8_sequence4(const char *p)
{
	uint32_t w; /* little-endian: only SSE2 (x86) builds call this */
	memcpy(&w, p, 4);
	if ((w & 0xC0E0) == 0x80C0)
		return (w & 0xFF) >= 0xC2 ? 2 : 0;
	uint32_t top = (w & 0x0F) << 6 | (w >> 8 & 0x3F); /* code point >> 6 */
	if ((w & 0xC0C0F0) == 0x8080E0)
		return top >= 0x20 && (top < 0x360 || top > 0x37F) ? 3 : 0;
	top = (w & 0x07) << 6 | (w >> 8 & 0x3F); /* code point >> 12 */
	if ((w & 0xC0C0C0F8) == 0x808080F0)
		return top >= 0x10 && top <= 0x10F ? 4 : 0;
	return 0;
}
#endif

/* Validates the run of non-ASCII bytes at p. Every multi-byte UTF-8
 * sequence is made of such bytes only, so checking maximal runs one by one
 * is checking the whole string. Returns the end of the run, or NULL with
 * *bad at the first ill-formed sequence. */
static const char *utf8_run(const char *p, const char *lim, const char **bad)
{
	const char *e = p + 1;
	while (e < lim && (unsigned char)*e >= 0x80)
		e++;
	size_t n = (size_t)(e - p), ok = lexc_utf8_check(p, n);
	if (ok != n) {
		*bad = p + ok;
		return NULL;
	}
	return e;
}

/* Skips plain string bytes: ASCII other than '"', '\\' and controls (16
 * at a time with SSE2, else 8), and well-formed UTF-8. Returns the first
 * stop byte (or lim), or NULL with *bad at ill-formed UTF-8. */
static const char *scan_plain(const char *p, const char *lim, const char **bad)
{
	for (;;) {
#ifdef JSON_SSE2
		const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
		const __m128i ctl = _mm_set1_epi8(0x1F);
		while (lim - p >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i stop = _mm_or_si128(
			        _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
			        _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
			unsigned m = (unsigned)_mm_movemask_epi8(stop);
			unsigned h = (unsigned)_mm_movemask_epi8(x);
			if ((m | h) == 0) {
				p += 16;
				continue;
			}
			unsigned km = m != 0 ? (unsigned)__builtin_ctz(m) : 32;
			unsigned kh = h != 0 ? (unsigned)__builtin_ctz(h) : 32;
			if (km < kh)
				return p + km;
			/* Non-ASCII: validate sequence by sequence here, then
			 * back to 16 at a time. */
			p += kh;
			do {
				size_t n = lim - p >= 4 ? utf8_sequence4(p) : utf8_sequence(p, lim);
				if (n == 0) {
					*bad = p;
					return NULL;
				}
				p += n;
			} while (p < lim && (unsigned char)*p >= 0x80);
		}
#else
		while (lim - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
			/* "Has a zero byte" tests for q and b, "has a byte < 0x20"
			 * for w; bytes >= 0x80 end the fast loop too. */
			if ((((q - ONES) | (b - ONES) | (w - ONES * 0x20)) & ~w & HIGHS) | (w & HIGHS))
				break;
			p += 8;
		}
#endif
		if (p >= lim)
			return p;
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80) {
			p = utf8_run(p, lim, bad);
			if (p == NULL)
				return NULL;
		} else if (STRING_STOP[c]) {
			return p;
		} else {
			p++;
		}
	}
}

#if defined(JSON_SSE2) && (defined(__x86_64__) || defined(__i386__))
/* With SSSE3 or AVX2 (picked at run time: the build targets plain x86-64),
 * strings are validated 16 or 32 bytes at a time by table lookups (Keiser
 * and Lemire, "Validating UTF-8 in less than one instruction per byte",
 * 2021) instead of sequence by sequence. The vector path only decides "all
 * well-formed": errors are collected in a vector and looked at once, when
 * the string ends, and on any error scan_plain() reads the string again
 * from its start, so errors and their offsets are those of the scalar
 * scan. */
#include <immintrin.h>
#define JSON_VECTOR_UTF8 1
#define SSSE3_FN __attribute__((target("ssse3")))
#define AVX2_FN __attribute__((target("avx2")))

/* Error classes of a byte pair (the previous byte's high and low nibble,
 * the current byte's high nibble); a pair is bad when all three lookups
 * share a bit. */
enum {
	U8_TOO_SHORT = 1 << 0,  /* lead then non-continuation */
	U8_TOO_LONG = 1 << 1,   /* ASCII then continuation */
	U8_OVERLONG_3 = 1 << 2, /* E0 80..9F */
	U8_TOO_LARGE = 1 << 3,  /* F4 90..BF, F5.. */
	U8_SURROGATE = 1 << 4,  /* ED A0..BF */
	U8_OVERLONG_2 = 1 << 5, /* C0, C1 */
	U8_TOO_LARGE_1000 = 1 << 6,
	U8_OVERLONG_4 = 1 << 6, /* F0 80..8F */
	U8_TWO_CONTS = 1 << 7,  /* continuation then continuation (see must23) */
	U8_CARRY = U8_TOO_SHORT | U8_TOO_LONG | U8_TWO_CONTS,
	U8_TL = U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000
};

static const unsigned char U8_1_HIGH[16] = {
        U8_TOO_LONG,  U8_TOO_LONG,  U8_TOO_LONG,  U8_TOO_LONG,
        U8_TOO_LONG,  U8_TOO_LONG,  U8_TOO_LONG,  U8_TOO_LONG,
        U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS,
        U8_TOO_SHORT | U8_OVERLONG_2,
        U8_TOO_SHORT,
        U8_TOO_SHORT | U8_OVERLONG_3 | U8_SURROGATE,
        U8_TOO_SHORT | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_OVERLONG_4};
static const unsigned char U8_1_LOW[16] = {
        U8_CARRY | U8_OVERLONG_3 | U8_OVERLONG_2 | U8_OVERLONG_4,
        U8_CARRY | U8_OVERLONG_2,
        U8_CARRY,
        U8_CARRY,
        U8_CARRY | U8_TOO_LARGE,
        U8_TL, U8_TL, U8_TL, U8_TL, U8_TL, U8_TL, U8_TL, U8_TL,
        U8_TL | U8_SURROGATE,
        U8_TL, U8_TL};
static const unsigned char U8_2_HIGH[16] = {
        U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
        U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
        U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_OVERLONG_3 | U8_TOO_LARGE_1000 |
                U8_OVERLONG_4,
        U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_OVERLONG_3 | U8_TOO_LARGE,
        U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_SURROGATE | U8_TOO_LARGE,
        U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_SURROGATE | U8_TOO_LARGE,
        U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT};
/* A block ends inside a sequence when one of its last three bytes is a
 * lead byte whose length carries past the end: a byte above these. */
static const unsigned char U8_OPEN_MAX[32] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xEF, 0xDF, 0xBF};
static const signed char IOTA[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                     11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                     22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

static const char *scan_plain(const char *p, const char *lim, const char **bad);

/* The scan once the vector loop is done: on error, the whole string again
 * by scalar code; else its tail from the last sequence boundary, which is
 * p unless the last block left a sequence open (then its lead byte). */
static const char *vector_tail(const char *p0, const char *p, const char *lim, bool error,
                               bool open, const char **bad)
{
	if (error)
		return scan_plain(p0, lim, bad);
	if (open) {
		const char *q = p;
		do
			q--;
		while (q > p0 && p - q < 4 && ((unsigned char)*q & 0xC0) == 0x80);
		p = q;
	}
	return scan_plain(p, lim, bad);
}

/* Nonzero lanes where block x, after the block prev, is ill-formed (or
 * finishes badly a sequence prev left open). */
static SSSE3_FN inline __m128i utf8_errors_16(__m128i x, __m128i prev)
{
	const __m128i nib = _mm_set1_epi8(0x0F);
	const __m128i t_1_high = _mm_loadu_si128((const __m128i *)(const void *)U8_1_HIGH);
	const __m128i t_1_low = _mm_loadu_si128((const __m128i *)(const void *)U8_1_LOW);
	const __m128i t_2_high = _mm_loadu_si128((const __m128i *)(const void *)U8_2_HIGH);
	__m128i prev1 = _mm_alignr_epi8(x, prev, 15);
	__m128i sc = _mm_and_si128(
	        _mm_and_si128(
	                _mm_shuffle_epi8(t_1_high, _mm_and_si128(_mm_srli_epi16(prev1, 4), nib)),
	                _mm_shuffle_epi8(t_1_low, _mm_and_si128(prev1, nib))),
	        _mm_shuffle_epi8(t_2_high, _mm_and_si128(_mm_srli_epi16(x, 4), nib)));
	/* The third and fourth bytes of 3- and 4-byte sequences must be
	 * continuations (TWO_CONTS there is no error): the high bit of a
	 * saturated difference marks them. */
	__m128i prev2 = _mm_alignr_epi8(x, prev, 14), prev3 = _mm_alignr_epi8(x, prev, 13);
	__m128i must23 = _mm_and_si128(_mm_or_si128(_mm_subs_epu8(prev2, _mm_set1_epi8(0x60)),
	                                            _mm_subs_epu8(prev3, _mm_set1_epi8(0x70))),
	                               _mm_set1_epi8((char)0x80));
	return _mm_xor_si128(must23, sc);
}

/* scan_plain() with the 16-byte vector UTF-8 check; p is a sequence
 * boundary. */
static SSSE3_FN const char *scan_plain_ssse3(const char *p, const char *lim, const char **bad)
{
	const char *p0 = p;
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x1F), space = _mm_set1_epi8(' ');
	const __m128i zero = _mm_setzero_si128();
	const __m128i open_max = _mm_loadu_si128((const __m128i *)(const void *)(U8_OPEN_MAX + 16));
	__m128i prev = zero, err = zero, open = zero;
	while (lim - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i stop =
		        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
		                     _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);
		unsigned h = (unsigned)_mm_movemask_epi8(x);
		if (m != 0) {
			unsigned k = (unsigned)__builtin_ctz(m);
			if ((h & ((1u << k) - 1)) == 0) {
				err = _mm_or_si128(err, open);
			} else {
				/* Bytes from the stop byte on count as spaces: a
				 * sequence it cuts is then too short. */
				__m128i keep = _mm_cmpgt_epi8(
				        _mm_set1_epi8((char)k),
				        _mm_loadu_si128((const __m128i *)(const void *)IOTA));
				x = _mm_or_si128(_mm_and_si128(keep, x), _mm_andnot_si128(keep, space));
				err = _mm_or_si128(err, utf8_errors_16(x, prev));
			}
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(err, zero)) != 0xFFFF)
				return scan_plain(p0, lim, bad);
			return p + k;
		}
		if (h == 0) {
			err = _mm_or_si128(err, open);
			open = zero;
		} else {
			err = _mm_or_si128(err, utf8_errors_16(x, prev));
			open = _mm_subs_epu8(x, open_max);
		}
		prev = x;
		p += 16;
	}
	return vector_tail(p0, p, lim, _mm_movemask_epi8(_mm_cmpeq_epi8(err, zero)) != 0xFFFF,
	                   _mm_movemask_epi8(_mm_cmpeq_epi8(open, zero)) != 0xFFFF, bad);
}

static AVX2_FN inline __m256i utf8_errors_32(__m256i x, __m256i prev)
{
	const __m256i nib = _mm256_set1_epi8(0x0F);
	const __m256i t_1_high = _mm256_broadcastsi128_si256(
	        _mm_loadu_si128((const __m128i *)(const void *)U8_1_HIGH));
	const __m256i t_1_low = _mm256_broadcastsi128_si256(
	        _mm_loadu_si128((const __m128i *)(const void *)U8_1_LOW));
	const __m256i t_2_high = _mm256_broadcastsi128_si256(
	        _mm_loadu_si128((const __m128i *)(const void *)U8_2_HIGH));
	/* The 32 bytes before x's last 16 and after prev's first 16: lanes
	 * shifted in from the block before. */
	__m256i carry = _mm256_permute2x128_si256(prev, x, 0x21);
	__m256i prev1 = _mm256_alignr_epi8(x, carry, 15);
	__m256i sc = _mm256_and_si256(
	        _mm256_and_si256(_mm256_shuffle_epi8(t_1_high, _mm256_and_si256(
	                                                               _mm256_srli_epi16(prev1, 4), nib)),
	                         _mm256_shuffle_epi8(t_1_low, _mm256_and_si256(prev1, nib))),
	        _mm256_shuffle_epi8(t_2_high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nib)));
	__m256i prev2 = _mm256_alignr_epi8(x, carry, 14), prev3 = _mm256_alignr_epi8(x, carry, 13);
	__m256i must23 = _mm256_and_si256(
	        _mm256_or_si256(_mm256_subs_epu8(prev2, _mm256_set1_epi8(0x60)),
	                        _mm256_subs_epu8(prev3, _mm256_set1_epi8(0x70))),
	        _mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must23, sc);
}

/* scan_plain_ssse3() 32 bytes at a time. */
static AVX2_FN const char *scan_plain_avx2(const char *p, const char *lim, const char **bad)
{
	const char *p0 = p;
	const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\');
	const __m256i ctl = _mm256_set1_epi8(0x1F), space = _mm256_set1_epi8(' ');
	const __m256i zero = _mm256_setzero_si256();
	const __m256i open_max = _mm256_loadu_si256((const __m256i *)(const void *)U8_OPEN_MAX);
	__m256i prev = zero, err = zero, open = zero;
	while (lim - p >= 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i stop = _mm256_or_si256(
		        _mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_cmpeq_epi8(x, bslash)),
		        _mm256_cmpeq_epi8(_mm256_min_epu8(x, ctl), x));
		uint32_t m = (uint32_t)_mm256_movemask_epi8(stop);
		uint32_t h = (uint32_t)_mm256_movemask_epi8(x);
		if (m != 0) {
			unsigned k = (unsigned)__builtin_ctz(m);
			if ((h & (((uint32_t)1 << k) - 1)) == 0) {
				err = _mm256_or_si256(err, open);
			} else {
				__m256i keep = _mm256_cmpgt_epi8(
				        _mm256_set1_epi8((char)k),
				        _mm256_loadu_si256((const __m256i *)(const void *)IOTA));
				x = _mm256_or_si256(_mm256_and_si256(keep, x),
				                    _mm256_andnot_si256(keep, space));
				err = _mm256_or_si256(err, utf8_errors_32(x, prev));
			}
			if (!_mm256_testz_si256(err, err))
				return scan_plain(p0, lim, bad);
			return p + k;
		}
		if (h == 0) {
			err = _mm256_or_si256(err, open);
			open = zero;
		} else {
			err = _mm256_or_si256(err, utf8_errors_32(x, prev));
			open = _mm256_subs_epu8(x, open_max);
		}
		prev = x;
		p += 32;
	}
	return vector_tail(p0, p, lim, !_mm256_testz_si256(err, err), !_mm256_testz_si256(open, open),
	                   bad);
}

typedef const char *plain_scanner(const char *p, const char *lim, const char **bad);

/* The best scan_plain for this CPU, chosen once per process. The
 * environment variable LEXC_SIMD (scalar, ssse3 or avx2) can ask
 * for a lesser one, for tests and measurements. A race stores the same
 * answer twice. */
static plain_scanner *pick_scanner(void)
{
	static plain_scanner *_Atomic chosen;
	plain_scanner *f = atomic_load_explicit(&chosen, memory_order_relaxed);
	if (f == NULL) {
		__builtin_cpu_init();
		const char *want = getenv("LEXC_SIMD");
		bool avx2 = __builtin_cpu_supports("avx2"), ssse3 = __builtin_cpu_supports("ssse3");
		if (want != NULL && strcmp(want, "scalar") == 0)
			avx2 = ssse3 = false;
		else if (want != NULL && strcmp(want, "ssse3") == 0)
			avx2 = false;
		f = avx2 ? scan_plain_avx2 : ssse3 ? scan_plain_ssse3 : scan_plain;
		atomic_store_explicit(&chosen, f, memory_order_relaxed);
	}
	return f;
}
#endif

static inline unsigned hex_value(unsigned char c)
{
	return (c & 0xFu) + 9u * (c >> 6);
}

static unsigned hex4(const char *p)
{
	return hex_value((unsigned char)p[0]) << 12 | hex_value((unsigned char)p[1]) << 8 |
	       hex_value((unsigned char)p[2]) << 4 | hex_value((unsigned char)p[3]);
}

/* Unescapes the validated string body s[0..n) into the arena. */
static bool unescape(lexc_json_reader *r, const char *s, size_t n)
{
	char *out = lexc_arena_alloc_aligned(r->arena_, n, 1);
	if (out == NULL)
		return false;
	char *o = out;
	const char *p = s, *e = s + n;
	while (p < e) {
		const char *bs = memchr(p, '\\', (size_t)(e - p));
		if (bs == NULL)
			bs = e;
		memcpy(o, p, (size_t)(bs - p));
		o += bs - p;
		if (bs == e)
			break;
		p = bs + 2;
		switch (bs[1]) {
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u': {
			uint32_t cp = hex4(p);
			p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				/* Validated: a low surrogate escape follows. */
				cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 2) - 0xDC00);
				p += 6;
			}
			if (cp < 0x80) {
				*o++ = (char)cp;
			} else if (cp < 0x800) {
				*o++ = (char)(0xC0 | cp >> 6);
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				*o++ = (char)(0xE0 | cp >> 12);
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else {
				*o++ = (char)(0xF0 | cp >> 18);
				*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			}
			break;
		}
		default: /* '"', '\\', '/' */
			*o++ = bs[1];
			break;
		}
	}
	r->str = out;
	r->str_len = (size_t)(o - out);
	/* Give back what the escapes saved (in place: the copy is the newest
	 * allocation). */
	lexc_arena_realloc(r->arena_, out, n, r->str_len);
	return true;
}

/* Scans a string whose opening quote is just before `cur`. Sets str and
 * str_len (unescaped when `value` is needed) and returns the position after
 * the closing quote, or NULL after setting an error. */
const char *json_scan_string(lexc_json_reader *r, const char *cur, bool value)
{
	const char *lim = r->lim_, *start = cur, *mar, *bad = NULL;
	bool escaped = false;
	(void)mar;
loop:
#ifdef JSON_VECTOR_UTF8
	cur = pick_scanner()(cur, lim, &bad);
#else
	cur = scan_plain(cur, lim, &bad);
#endif
	if (cur == NULL) {
		size_t off = (size_t)(bad - r->json_);
		json_fail_raw(r, off, LEXC_INVALID_REQUEST, "invalid UTF-8 at byte %zu", off);
		return NULL;
	}
	/* scan_plain() stopped at '"', '\\', a control character or the end. */
	/*!re2c
	"\"" { goto done; }
	"\\" ["\\/bfnrt] { escaped = true; goto loop; }
	"\\u" [dD] [89abAB] hex{2} "\\u" [dD] [c-fC-F] hex{2} { escaped = true; goto loop; }
	"\\u" [dD] [89a-fA-F] hex{2} {
		json_fail(r, cur - 6, "lone surrogate \\u%04x", hex4(cur - 4));
		return NULL;
	}
	"\\u" hex{4} { escaped = true; goto loop; }
	"\\u" {
		json_fail(r, cur - 2, "invalid \\u escape: expected 4 hex digits");
		return NULL;
	}
	"\\" [\x21-\x7e] {
		json_fail(r, cur - 2, "invalid escape \\%c", cur[-1]);
		return NULL;
	}
	"\\" {
		if (cur >= lim)
			json_fail(r, cur - 1, "unterminated string");
		else
			json_fail(r, cur - 1, "invalid escape: '\\' followed by byte 0x%02X",
			     (unsigned char)*cur);
		return NULL;
	}
	$ {
		json_fail(r, cur, "unterminated string");
		return NULL;
	}
	* {
		json_fail(r, cur - 1, "unescaped control character U+%04X in string",
		     (unsigned char)cur[-1]);
		return NULL;
	}
	*/
done : {
	size_t n = (size_t)(cur - 1 - start);
	if (!escaped || !value) {
		r->str = start;
		r->str_len = n;
	} else if (!unescape(r, start, n)) {
		json_fail_memory(r, start);
		return NULL;
	}
	return cur;
}
}

/* ------------------------------------------------------------------------
 * Numbers. */

/* Sets integral, out_of_range and integer for the number s[0..e), which
 * matched the JSON grammar. Exact: the value is digits x 10^e10, decided
 * from the digits alone, without floating point. */
void json_number_value(lexc_json_reader *r, const char *s, const char *e)
{
	const char *p = s;
	bool neg = *p == '-';
	p += neg;
	const char *i0 = p;
	while (p < e && json_is_digit(*p))
		p++;
	const char *i1 = p, *f0 = p, *f1 = p;
	if (p < e && *p == '.') {
		f0 = ++p;
		while (p < e && json_is_digit(*p))
			p++;
		f1 = p;
	}
	int64_t exp = 0;
	if (p < e) {
		p++; /* 'e' or 'E' */
		bool eneg = *p == '-';
		p += *p == '-' || *p == '+';
		/* Saturate: past 10^12 only the sign of the exponent matters. */
		for (; p < e; p++)
			if (exp < 1000000000000)
				exp = exp * 10 + (*p - '0');
		if (eneg)
			exp = -exp;
	}
	/* Trailing zeros of the digits move into the exponent. */
	int64_t e10 = exp - (int64_t)(f1 - f0);
	const char *fe = f1, *ie = i1;
	while (fe > f0 && fe[-1] == '0')
		fe--;
	if (fe == f0)
		while (ie > i0 && ie[-1] == '0')
			ie--;
	e10 += (int64_t)(f1 - fe) + (int64_t)(i1 - ie);
	/* Leading zeros do not count. */
	const char *is = i0, *fs = f0;
	while (is < ie && *is == '0')
		is++;
	if (is == ie)
		while (fs < fe && *fs == '0')
			fs++;
	size_t nd = (size_t)(ie - is) + (size_t)(fe - fs);
	r->integral = false;
	r->out_of_range = false;
	r->integer = 0;
	if (nd == 0) { /* zero, also -0.0 and 0e999 */
		r->integral = true;
		return;
	}
	if (e10 < 0) /* the last significant digit is after the point */
		return;
	if (e10 > 19 || nd + (size_t)e10 > 19) { /* at least 10^19 */
		r->out_of_range = true;
		return;
	}
	uint64_t v = 0;
	for (const char *q = is; q < ie; q++)
		v = v * 10 + (uint64_t)(*q - '0');
	for (const char *q = fs; q < fe; q++)
		v = v * 10 + (uint64_t)(*q - '0');
	for (int64_t k = 0; k < e10; k++)
		v *= 10;
	if (!neg && v <= (uint64_t)INT64_MAX) {
		r->integral = true;
		r->integer = (int64_t)v;
	} else if (neg && v <= (uint64_t)INT64_MAX + 1) {
		r->integral = true;
		r->integer = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		r->out_of_range = true;
	}
}

