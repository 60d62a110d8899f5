/* The JSON reader's scanners: strings (plain runs 16 bytes at a time with
 * SSE2, UTF-8 validated as it goes, escapes by re2c, unescaping into the
 * arena) and the exact value of numbers. The input is not NUL-terminated:
 * every read goes through YYPEEK, which yields 0 at the limit, and re2c's
 * end-of-input rule ($) tells that virtual 0 from a real NUL byte. */
#include "config.h"

#include "json_reader_internal.h"

#include <lexc/utf8.h>

#include <stdint.h>
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
static inline const char *scan_plain(const char *p, const char *lim, const char **bad)
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
	cur = scan_plain(cur, lim, &bad);
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

