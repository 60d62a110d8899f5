/* JSON reader: a pull tokenizer. re2c scans values, numbers and escapes; a
 * small state machine checks ',' and ':'; a per-object key set rejects
 * duplicate keys. See lexc/json.h for the contract, doc/json.md for the
 * accepted language.
 *
 * The input is not NUL-terminated: every read goes through YYPEEK, which
 * yields 0 at the limit, and re2c's end-of-input rule ($) tells that virtual
 * 0 from a real NUL byte with YYLESSTHAN. */
#include "config.h"

#include "codec_internal.h"

#include <lexc/json.h>
#include <lexc/utf8.h>

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* getrandom() for the hash key (glibc 2.25+); elsewhere ASLR and clocks. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))
#include <sys/random.h>
#define JSON_HAVE_GETRANDOM 1
#endif

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

	digit = [0-9];
	hex = [0-9a-fA-F];
	int = "-"? ("0" | [1-9] digit*);
	frac = "." digit+;
	exp = [eE] [+-]? digit+;
	ident = [a-zA-Z_] [a-zA-Z0-9_]*;
*/

enum {
	ST_VALUE,     /* the top-level value comes next */
	ST_DONE,      /* after the top-level value: only whitespace may follow */
	ST_OBJ_FIRST, /* after '{': a key or '}' */
	ST_OBJ_COLON, /* after a key: ':' then a value */
	ST_OBJ_VALUE, /* after a key and its ':' (codec_json_key): a value */
	ST_OBJ_NEXT,  /* after a member: ',' then a key, or '}' */
	ST_ARR_FIRST, /* after '[': a value or ']' */
	ST_ARR_NEXT,  /* after an element: ',' then a value, or ']' */
	ST_END,       /* END was returned */
	ST_ERROR
};

/* Internal flag: lexc_json_skip_*() is running, so string values need no
 * unescaped copy and numbers no value. */
#define FLAG_SKIPPING (1u << 31)
/* Internal flag: codec_json_key() is running; the caller keeps track of
 * duplicate keys (codec_json_key_insert()). */
#define FLAG_NO_KEYSET (1u << 30)
#define FLAGS_INTERNAL (FLAG_SKIPPING | FLAG_NO_KEYSET)

/* Objects with up to SMALL_KEYS keys are checked for duplicates by a scan
 * of fingerprints; bigger ones get a hash table (SipHash with a random key,
 * so that chosen colliding keys cannot make the check quadratic). In an
 * object with a table, each key's `fp` is its SipHash (32 bits), so that
 * growing the table never hashes a key again; in one without, `fp` is the
 * cheap fingerprint(). table_build() and lexc_json_restore() convert. */
enum { SMALL_KEYS = 16, FIRST_FRAMES = 8, FIRST_KEYS = 32 };

struct lexc_json_frame_ {
	size_t keybase;  /* this object's first entry in keys_ */
	uint32_t *table; /* big objects: slots hold entry index + 1, 0 = free */
	size_t mask;     /* table size - 1 */
	unsigned serial; /* tells this container from a later one at the same depth */
	bool object;
};

/* 16 bytes per key: memory stays a small multiple of the input size. */
struct lexc_json_key_ {
	const char *s; /* the unescaped key (input or arena) */
	uint32_t len;  /* longer keys are rejected */
	uint32_t fp;   /* fingerprint() or SipHash (see above): compared first */
};

/* ------------------------------------------------------------------------
 * Errors. All of them set the reader's state to ST_ERROR, which is final. */

#if defined(__GNUC__)
#define JSON_COLD __attribute__((cold, noinline))
#define JSON_NOINLINE __attribute__((noinline))
#define JSON_FORMAT(a, b) __attribute__((format(printf, a, b)))
#else
#define JSON_COLD
#define JSON_NOINLINE
#define JSON_FORMAT(a, b)
#endif

static JSON_COLD lexc_json_token fail_raw(lexc_json_reader *r, size_t offset, lexc_status code,
                                          const char *fmt, ...) JSON_FORMAT(4, 5);

static lexc_json_token fail_raw(lexc_json_reader *r, size_t offset, lexc_status code,
                                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_error_setv(r->err_, code, fmt, ap);
	va_end(ap);
	r->status_ = code;
	r->state_ = ST_ERROR;
	r->offset = offset;
	r->token = LEXC_JSON_ERROR;
	return LEXC_JSON_ERROR;
}

/* "invalid JSON at byte N: ..." for the byte at `at`. */
static JSON_COLD lexc_json_token fail(lexc_json_reader *r, const char *at, const char *fmt, ...)
        JSON_FORMAT(3, 4);

static lexc_json_token fail(lexc_json_reader *r, const char *at, const char *fmt, ...)
{
	char msg[LEXC_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t off = (size_t)(at - r->json_);
	return fail_raw(r, off, LEXC_INVALID_REQUEST, "invalid JSON at byte %zu: %s", off, msg);
}

static JSON_COLD lexc_json_token fail_memory(lexc_json_reader *r, const char *at)
{
	return fail_raw(r, (size_t)(at - r->json_), LEXC_NO_MEMORY,
	                "out of memory reading JSON at byte %zu", (size_t)(at - r->json_));
}

/* The byte at `cur` is not what the grammar wants there (`what` says what
 * it wants); name the common mistakes before falling back to `what`. */
static JSON_COLD lexc_json_token unexpected(lexc_json_reader *r, const char *cur, const char *what)
{
	const char *lim = r->lim_;
	if (cur >= lim)
		return fail(r, cur, "unexpected end of input");
	unsigned char c = (unsigned char)*cur;
	if (c == '/')
		return fail(r, cur, "comments are not allowed");
	if (c == '\'')
		return fail(r, cur, "strings must use double quotes");
	if (c == '\v' || c == '\f' || (c == 0xC2 && lim - cur >= 2 && (unsigned char)cur[1] == 0xA0))
		return fail(r, cur, "only space, tab, CR and LF are whitespace in JSON");
	if (c == 0xEF && lim - cur >= 3 && memcmp(cur, "\xEF\xBB\xBF", 3) == 0)
		return fail(r, cur, "byte order mark is not allowed");
	return fail(r, cur, "%s", what);
}

/* Writes s[0..len) (valid UTF-8) for a message: JSON-escaped, cut at a
 * character boundary after 48 bytes or when `buf` runs short. */
static void quote_for_message(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0, i = 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool boundary = (c & 0xC0) != 0x80;
		if (boundary && (i >= 48 || o + 10 >= size))
			break;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* ------------------------------------------------------------------------
 * Duplicate keys. */

static uint64_t load64_le(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

/* SipHash-1-3 (as Rust's HashMap): keyed, so collisions cannot be chosen. */
static uint64_t siphash13(const uint64_t k[2], const char *str, size_t len)
{
	const unsigned char *p = (const unsigned char *)str;
	uint64_t v0 = 0x736f6d6570736575ull ^ k[0], v1 = 0x646f72616e646f6dull ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ k[0], v3 = 0x7465646279746573ull ^ k[1];
	size_t n = len & ~(size_t)7;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t m = load64_le(p + i);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = len & 7; i > 0; i--)
		b |= (uint64_t)p[n + i - 1] << (8 * (i - 1));
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* The SipHash key: random once per process. A race between threads stores
 * two random keys, either of which is fine. */
static void hash_seed(uint64_t seed[2])
{
	static _Atomic uint64_t cache[2];
	uint64_t a = atomic_load_explicit(&cache[0], memory_order_relaxed);
	uint64_t b = atomic_load_explicit(&cache[1], memory_order_relaxed);
	if (a == 0 && b == 0) {
		uint64_t k[2] = {0, 0};
#ifdef JSON_HAVE_GETRANDOM
		if (getrandom(k, sizeof k, GRND_NONBLOCK) != (ssize_t)sizeof k)
			k[0] = k[1] = 0;
#endif
		/* Fallback and extra: addresses (ASLR) and the clocks. */
		uintptr_t here = (uintptr_t)&a, there = (uintptr_t)&cache[0];
		a = mix64(k[0] ^ (uint64_t)here ^ ((uint64_t)time(NULL) << 20));
		b = mix64(k[1] ^ (uint64_t)there ^ (uint64_t)clock()) | 1;
		atomic_store_explicit(&cache[0], a, memory_order_relaxed);
		atomic_store_explicit(&cache[1], b, memory_order_relaxed);
	}
	seed[0] = a;
	seed[1] = b;
}

/* First and last bytes, mixed: tells most distinct keys apart without
 * touching their bytes again. */
static inline uint32_t fingerprint(const char *s, size_t len)
{
	uint64_t a = 0, b = 0;
	if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + len - 8, 8);
	} else if (len >= 4) {
		uint32_t x, y;
		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		a = x;
		b = y;
	} else {
		for (size_t i = 0; i < len; i++)
			a = a << 8 | (unsigned char)s[i];
	}
	uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xff51afd7ed558ccdull;
	return (uint32_t)(h >> 32);
}

static inline bool key_equal(const lexc_json_key_ *k, const char *s, size_t len, uint32_t fp)
{
	return k->fp == fp && k->len == len && memcmp(k->s, s, len) == 0;
}

/* A key's `fp` in an object that has a table. */
static inline uint32_t table_hash(const lexc_json_reader *r, const char *s, size_t len)
{
	return (uint32_t)siphash13(r->seed_, s, len);
}

/* The slot that holds the key s (whose table_hash() is fp), or the free
 * slot where it belongs. */
static uint32_t *table_slot(const lexc_json_reader *r, const lexc_json_frame_ *f, const char *s,
                            size_t len, uint32_t fp)
{
	size_t i = (size_t)fp & f->mask;
	for (;;) {
		uint32_t e = f->table[i];
		if (e == 0 || key_equal(&r->keys_[e - 1], s, len, fp))
			return &f->table[i];
		i = (i + 1) & f->mask;
	}
}

/* Builds the table of object frame f for `slots` slots from its entries;
 * the first table of a frame turns its keys' fingerprints into hashes. */
static bool table_build(lexc_json_reader *r, lexc_json_frame_ *f, size_t slots)
{
	if (r->seed_[0] == 0 && r->seed_[1] == 0)
		hash_seed(r->seed_);
	uint32_t *t = lexc_arena_calloc(r->arena_, slots, sizeof *t);
	if (t == NULL)
		return false;
	if (f->table == NULL)
		for (size_t i = f->keybase; i < r->nkeys_; i++)
			r->keys_[i].fp = table_hash(r, r->keys_[i].s, r->keys_[i].len);
	f->table = t;
	f->mask = slots - 1;
	for (size_t i = f->keybase; i < r->nkeys_; i++) {
		const lexc_json_key_ *k = &r->keys_[i];
		*table_slot(r, f, k->s, k->len, k->fp) = (uint32_t)(i + 1);
	}
	return true;
}

static JSON_COLD lexc_json_token duplicate(lexc_json_reader *r, const char *s, size_t len)
{
	char q[LEXC_ERROR_MESSAGE_MAX / 2];
	quote_for_message(q, sizeof q, s, len);
	return fail(r, r->json_ + r->offset, "duplicate key \"%s\"", q);
}

/* Records key s in the innermost object, failing when it is already there. */
static bool key_insert(lexc_json_reader *r, const char *s, size_t len)
{
	lexc_json_frame_ *f = &r->frames_[r->depth - 1];
	if (len > UINT32_MAX) {
		fail(r, r->json_ + r->offset, "object key longer than 4 GiB");
		return false;
	}
	uint32_t fp = f->table != NULL ? table_hash(r, s, len) : fingerprint(s, len);
	size_t n = r->nkeys_;
	uint32_t *slot = NULL;
	if (f->table == NULL) {
		const lexc_json_key_ *k = r->keys_;
		for (size_t i = f->keybase; i < n; i++)
			if (key_equal(&k[i], s, len, fp)) {
				duplicate(r, s, len);
				return false;
			}
	} else {
		slot = table_slot(r, f, s, len, fp);
		if (*slot != 0) {
			duplicate(r, s, len);
			return false;
		}
	}
	if (n == r->keys_cap_) {
		size_t cap = r->keys_cap_ ? r->keys_cap_ * 2 : FIRST_KEYS;
		if (cap > UINT32_MAX || cap > SIZE_MAX / sizeof *r->keys_) {
			fail_memory(r, r->json_ + r->offset);
			return false;
		}
		lexc_json_key_ *k = lexc_arena_realloc(r->arena_, r->keys_, n * sizeof *k,
		                                       cap * sizeof *k);
		if (k == NULL) {
			fail_memory(r, r->json_ + r->offset);
			return false;
		}
		r->keys_ = k;
		r->keys_cap_ = cap;
	}
	r->keys_[n] = (lexc_json_key_){s, (uint32_t)len, fp};
	r->nkeys_ = n + 1;
	size_t count = n + 1 - f->keybase;
	bool ok = true;
	if (slot != NULL) {
		if (count * 2 <= f->mask + 1)
			*slot = (uint32_t)(n + 1);
		else
			ok = table_build(r, f, (f->mask + 1) * 2);
	} else if (count > SMALL_KEYS) {
		ok = table_build(r, f, SMALL_KEYS * 4);
	}
	if (!ok)
		fail_memory(r, r->json_ + r->offset);
	return ok;
}

/* ------------------------------------------------------------------------
 * Strings. */

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* ASCII bytes that end a run of plain string bytes: controls, '"' and
 * '\\' (non-ASCII bytes are dealt with before this table is read). */
#define STOP8 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char STRING_STOP[128] = {STOP8, STOP8, STOP8, STOP8, ['"'] = 1, ['\\'] = 1};

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define JSON_SSE2 1
#endif

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

/* The closing quote of a string that starts at p when it is plain ASCII
 * without escapes and ends within 128 bytes (most keys and many values),
 * else NULL: then scan_string() does the full work. */
static inline const char *quick_string_end(const char *p, const char *lim)
{
#ifdef JSON_SSE2
	/* Whole blocks of plain ASCII: createdAt, CIDs, at-uris, NSIDs. */
	for (int i = 0; i < 8 && lim - p >= 16; i++, p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i stop = _mm_or_si128(
		        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		        _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x));
		unsigned m = (unsigned)(_mm_movemask_epi8(stop) | _mm_movemask_epi8(x));
		if (m != 0)
			return p[__builtin_ctz(m)] == '"' ? p + __builtin_ctz(m) : NULL;
	}
#else
	(void)p;
	(void)lim;
#endif
	return NULL;
}

/* Scans a string whose opening quote is just before `cur`. Sets str and
 * str_len (unescaped when `value` is needed) and returns the position after
 * the closing quote, or NULL after setting an error. */
static const char *scan_string(lexc_json_reader *r, const char *cur, bool value)
{
	const char *lim = r->lim_, *start = cur, *mar, *bad;
	bool escaped = false;
	(void)mar;
loop:
	cur = scan_plain(cur, lim, &bad);
	if (cur == NULL) {
		size_t off = (size_t)(bad - r->json_);
		fail_raw(r, off, LEXC_INVALID_REQUEST, "invalid UTF-8 at byte %zu", off);
		return NULL;
	}
	/* scan_plain() stopped at '"', '\\', a control character or the end. */
	/*!re2c
	"\"" { goto done; }
	"\\" ["\\/bfnrt] { escaped = true; goto loop; }
	"\\u" [dD] [89abAB] hex{2} "\\u" [dD] [c-fC-F] hex{2} { escaped = true; goto loop; }
	"\\u" [dD] [89a-fA-F] hex{2} {
		fail(r, cur - 6, "lone surrogate \\u%04x", hex4(cur - 4));
		return NULL;
	}
	"\\u" hex{4} { escaped = true; goto loop; }
	"\\u" {
		fail(r, cur - 2, "invalid \\u escape: expected 4 hex digits");
		return NULL;
	}
	"\\" [\x21-\x7e] {
		fail(r, cur - 2, "invalid escape \\%c", cur[-1]);
		return NULL;
	}
	"\\" {
		if (cur >= lim)
			fail(r, cur - 1, "unterminated string");
		else
			fail(r, cur - 1, "invalid escape: '\\' followed by byte 0x%02X",
			     (unsigned char)*cur);
		return NULL;
	}
	$ {
		fail(r, cur, "unterminated string");
		return NULL;
	}
	* {
		fail(r, cur - 1, "unescaped control character U+%04X in string",
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
		fail_memory(r, start);
		return NULL;
	}
	return cur;
}
}

/* ------------------------------------------------------------------------
 * Numbers. */

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Sets integral, out_of_range and integer for the number s[0..e), which
 * matched the JSON grammar. Exact: the value is digits x 10^e10, decided
 * from the digits alone, without floating point. */
static void number_value(lexc_json_reader *r, const char *s, const char *e)
{
	const char *p = s;
	bool neg = *p == '-';
	p += neg;
	const char *i0 = p;
	while (p < e && is_digit(*p))
		p++;
	const char *i1 = p, *f0 = p, *f1 = p;
	if (p < e && *p == '.') {
		f0 = ++p;
		while (p < e && is_digit(*p))
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

/* ------------------------------------------------------------------------
 * The state machine. */

static inline const char *skip_ws(const char *p, const char *lim)
{
	/* One test for the usual case: a byte above ' ' is no whitespace. */
	while (p < lim && (unsigned char)*p <= ' ' &&
	       (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static bool push(lexc_json_reader *r, bool object)
{
	if (r->depth == r->frames_cap_) {
		unsigned cap = r->frames_cap_ ? r->frames_cap_ * 2 : FIRST_FRAMES;
		if (cap > r->max_depth_ || cap < r->frames_cap_)
			cap = r->max_depth_;
		lexc_json_frame_ *f = lexc_arena_realloc(r->arena_, r->frames_,
		                                         r->frames_cap_ * sizeof *f, cap * sizeof *f);
		if (f == NULL)
			return false;
		r->frames_ = f;
		r->frames_cap_ = cap;
	}
	lexc_json_frame_ *f = &r->frames_[r->depth++];
	f->keybase = r->nkeys_;
	f->table = NULL;
	f->mask = 0;
	f->serial = ++r->frame_serial_;
	f->object = object;
	return true;
}

static inline void pop(lexc_json_reader *r)
{
	lexc_json_frame_ *f = &r->frames_[--r->depth];
	if (f->object)
		r->nkeys_ = f->keybase;
	if (r->depth == 0)
		r->state_ = ST_DONE;
	else
		r->state_ = r->frames_[r->depth - 1].object ? ST_OBJ_NEXT : ST_ARR_NEXT;
}

void lexc_json_reader_init(lexc_json_reader *r, const char *json, size_t len, lexc_arena *arena,
                           lexc_error *err)
{
	memset(r, 0, sizeof *r);
	r->token = LEXC_JSON_END;
	r->json_ = json;
	r->cur_ = json;
	r->lim_ = json + len;
	r->arena_ = arena;
	r->err_ = err;
	r->state_ = ST_VALUE;
	r->max_depth_ = LEXC_JSON_DEFAULT_MAX_DEPTH;
}

void lexc_json_reader_set_max_depth(lexc_json_reader *r, unsigned depth)
{
	if (r->frames_ == NULL)
		r->max_depth_ = depth > 0 ? depth : 1;
}

void lexc_json_reader_set_flags(lexc_json_reader *r, unsigned flags)
{
	r->flags_ = (r->flags_ & FLAGS_INTERNAL) | (flags & ~FLAGS_INTERNAL);
}

static lexc_json_token next_slow(lexc_json_reader *r);

/* The common tokens without the state machine's full generality: a value
 * after ':' or in an array (short strings, plain integers, '{', '['), and
 * '}' or ']'. Everything else, errors included, goes to next_slow(), from
 * an untouched reader. */
lexc_json_token lexc_json_next(lexc_json_reader *r)
{
	const char *cur = skip_ws(r->cur_, r->lim_), *lim = r->lim_;
	int state = r->state_, next = ST_OBJ_NEXT;
	/* After codec_json_key(), the decoder's usual state: no jump table. */
	if (state == ST_OBJ_VALUE)
		goto value;
	switch (state) {
	case ST_OBJ_COLON:
		if (cur >= lim || *cur != ':')
			return next_slow(r);
		cur = skip_ws(cur + 1, lim);
		next = ST_OBJ_NEXT;
		break;
	case ST_ARR_NEXT:
		if (cur < lim && *cur == ']')
			goto close;
		if (cur >= lim || *cur != ',')
			return next_slow(r);
		cur = skip_ws(cur + 1, lim);
		next = ST_ARR_NEXT;
		break;
	case ST_ARR_FIRST:
		if (cur < lim && *cur == ']')
			goto close;
		next = ST_ARR_NEXT;
		break;
	case ST_OBJ_NEXT:
	case ST_OBJ_FIRST:
		if (cur < lim && *cur == '}')
			goto close;
		if (state == ST_OBJ_NEXT) {
			if (cur >= lim || *cur != ',')
				return next_slow(r);
			cur = skip_ws(cur + 1, lim);
		}
		goto key;
	case ST_DONE:
		if (cur < lim)
			return next_slow(r);
		r->state_ = ST_END;
		r->offset = (size_t)(cur - r->json_);
		r->cur_ = cur;
		return r->token = LEXC_JSON_END;
	default:
		return next_slow(r);
	}
value:
	if (cur >= lim)
		return next_slow(r);
	unsigned char c = (unsigned char)*cur;
	if (c == '"') {
		const char *end = quick_string_end(cur + 1, lim);
		r->offset = (size_t)(cur - r->json_);
		r->state_ = next;
		if (end != NULL) {
			r->str = cur + 1;
			r->str_len = (size_t)(end - cur - 1);
			cur = end + 1;
		} else {
			cur = scan_string(r, cur + 1, !(r->flags_ & FLAG_SKIPPING));
			if (cur == NULL)
				return LEXC_JSON_ERROR;
		}
		r->cur_ = cur;
		return r->token = LEXC_JSON_STRING;
	}
	if (c == '{' || c == '[') {
		if (r->depth >= r->max_depth_ || r->depth == r->frames_cap_)
			return next_slow(r);
		bool object = c == '{';
		lexc_json_frame_ *f = &r->frames_[r->depth++];
		f->keybase = r->nkeys_;
		f->table = NULL;
		f->mask = 0;
		f->serial = ++r->frame_serial_;
		f->object = object;
		r->offset = (size_t)(cur - r->json_);
		r->state_ = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
		r->cur_ = cur + 1;
		return r->token = object ? LEXC_JSON_OBJECT_START : LEXC_JSON_ARRAY_START;
	}
	/* Integers -?[1-9][0-9]{0,17}: exact in int64 without overflow checks. */
	const char *p = cur + (c == '-');
	if (p >= lim || *p < '1' || *p > '9')
		return next_slow(r);
	uint64_t v = (uint64_t)(*p++ - '0');
	for (int nd = 1; p < lim && is_digit(*p) && nd < 18; nd++)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p < lim && (is_digit(*p) || *p == '.' || *p == '+' || *p == '-' || *p == '_' ||
	                ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
		return next_slow(r); /* fraction, exponent, or an error */
	r->offset = (size_t)(cur - r->json_);
	r->state_ = next;
	r->str = cur;
	r->str_len = (size_t)(p - cur);
	if (!(r->flags_ & FLAG_SKIPPING)) {
		r->integral = true;
		r->out_of_range = false;
		r->integer = c == '-' ? -(int64_t)v : (int64_t)v;
	}
	r->cur_ = p;
	return r->token = LEXC_JSON_NUMBER;

key: {
	/* Plain non-empty keys (see quick_string_end()). */
	const char *end = cur < lim && *cur == '"' ? quick_string_end(cur + 1, lim) : NULL;
	if (end == NULL || end == cur + 1)
		return next_slow(r);
	r->offset = (size_t)(cur - r->json_);
	r->str = cur + 1;
	r->str_len = (size_t)(end - cur - 1);
	if (!(r->flags_ & FLAG_NO_KEYSET) && !key_insert(r, r->str, r->str_len))
		return LEXC_JSON_ERROR;
	r->state_ = ST_OBJ_COLON;
	r->cur_ = end + 1;
	return r->token = LEXC_JSON_KEY;
}

close:
	if ((*cur == '}') != (state == ST_OBJ_NEXT || state == ST_OBJ_FIRST))
		return next_slow(r);
	r->offset = (size_t)(cur - r->json_);
	r->token = *cur == '}' ? LEXC_JSON_OBJECT_END : LEXC_JSON_ARRAY_END;
	r->cur_ = cur + 1;
	pop(r);
	return r->token;
}

static JSON_NOINLINE lexc_json_token next_slow(lexc_json_reader *r)
{
	const char *cur = skip_ws(r->cur_, r->lim_), *lim = r->lim_, *mar, *tok;
	(void)mar;
	switch (r->state_) {
	case ST_OBJ_NEXT:
		if (cur < lim && *cur == ',') {
			cur = skip_ws(cur + 1, lim);
			if (cur < lim && *cur == '"')
				goto key;
			if (cur < lim && *cur == '}')
				return fail(r, cur, "trailing comma before '}'");
			return unexpected(r, cur, "expected a string key after ','");
		}
		if (cur < lim && *cur == '}')
			goto close;
		return unexpected(r, cur, "expected ',' or '}' after an object member");
	case ST_OBJ_VALUE:
		r->state_ = ST_OBJ_NEXT;
		goto value;
	case ST_OBJ_COLON:
		if (cur < lim && *cur == ':') {
			cur = skip_ws(cur + 1, lim);
			r->state_ = ST_OBJ_NEXT;
			goto value;
		}
		return unexpected(r, cur, "expected ':' after object key");
	case ST_ARR_NEXT:
		if (cur < lim && *cur == ',') {
			cur = skip_ws(cur + 1, lim);
			if (cur < lim && *cur == ']')
				return fail(r, cur, "trailing comma before ']'");
			goto value;
		}
		if (cur < lim && *cur == ']')
			goto close;
		return unexpected(r, cur, "expected ',' or ']' after an array element");
	case ST_OBJ_FIRST:
		if (cur < lim && *cur == '"')
			goto key;
		if (cur < lim && *cur == '}')
			goto close;
		return unexpected(r, cur, "expected a string key or '}' after '{'");
	case ST_ARR_FIRST:
		if (cur < lim && *cur == ']')
			goto close;
		r->state_ = ST_ARR_NEXT;
		goto value;
	case ST_VALUE:
		r->state_ = ST_DONE;
		goto value;
	case ST_DONE:
		if (cur < lim)
			return unexpected(r, cur, "trailing data after the JSON value");
		r->state_ = ST_END;
		r->offset = (size_t)(cur - r->json_);
		r->cur_ = cur;
		return r->token = LEXC_JSON_END;
	case ST_END:
		return LEXC_JSON_END;
	default:
		return LEXC_JSON_ERROR;
	}

key:
	r->offset = (size_t)(cur - r->json_);
	tok = quick_string_end(cur + 1, lim);
	if (tok != NULL) {
		r->str = cur + 1;
		r->str_len = (size_t)(tok - cur - 1);
		cur = tok + 1;
	} else {
		cur = scan_string(r, cur + 1, true);
		if (cur == NULL)
			return LEXC_JSON_ERROR;
	}
	if (r->str_len == 0 && (r->flags_ & LEXC_JSON_REJECT_EMPTY_KEYS))
		return fail(r, r->json_ + r->offset, "empty object key");
	if (!(r->flags_ & FLAG_NO_KEYSET) && !key_insert(r, r->str, r->str_len))
		return LEXC_JSON_ERROR;
	r->state_ = ST_OBJ_COLON;
	r->cur_ = cur;
	return r->token = LEXC_JSON_KEY;

close:
	r->offset = (size_t)(cur - r->json_);
	r->token = *cur == '}' ? LEXC_JSON_OBJECT_END : LEXC_JSON_ARRAY_END;
	r->cur_ = cur + 1;
	pop(r);
	return r->token;

value:
	tok = cur;
	r->offset = (size_t)(cur - r->json_);
	/*!re2c
	"{" | "[" {
		if (r->depth >= r->max_depth_)
			return fail(r, tok, "nesting deeper than %u", r->max_depth_);
		bool object = *tok == '{';
		if (!push(r, object))
			return fail_memory(r, tok);
		r->state_ = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
		r->cur_ = cur;
		return r->token = object ? LEXC_JSON_OBJECT_START : LEXC_JSON_ARRAY_START;
	}
	"\"" {
		const char *end = quick_string_end(cur, lim);
		if (end != NULL) {
			r->str = cur;
			r->str_len = (size_t)(end - cur);
			cur = end + 1;
		} else {
			cur = scan_string(r, cur, !(r->flags_ & FLAG_SKIPPING));
			if (cur == NULL)
				return LEXC_JSON_ERROR;
		}
		r->cur_ = cur;
		return r->token = LEXC_JSON_STRING;
	}
	int frac? exp? {
		if (cur < lim && (is_digit(*cur) || *cur == '.' || *cur == '+' || *cur == '-' ||
		                  *cur == '_' || ((*cur | 0x20) >= 'a' && (*cur | 0x20) <= 'z')))
			return fail(r, tok, "invalid number");
		r->str = tok;
		r->str_len = (size_t)(cur - tok);
		if (!(r->flags_ & FLAG_SKIPPING) || (r->flags_ & LEXC_JSON_REJECT_FLOATS)) {
			number_value(r, tok, cur);
			if (!r->integral && (r->flags_ & FLAG_SKIPPING))
				return fail_raw(r, (size_t)(tok - r->json_), LEXC_INVALID_REQUEST,
				                "number at byte %zu is %s", (size_t)(tok - r->json_),
				                r->out_of_range
				                        ? "out of the 64-bit integer range"
				                        : "not an integer (the data model has no floats)");
		}
		r->cur_ = cur;
		return r->token = LEXC_JSON_NUMBER;
	}
	"true"  { r->cur_ = cur; return r->token = LEXC_JSON_TRUE; }
	"false" { r->cur_ = cur; return r->token = LEXC_JSON_FALSE; }
	"null"  { r->cur_ = cur; return r->token = LEXC_JSON_NULL; }

	"-"? "0" digit+       { return fail(r, tok, "leading zeros are not allowed in numbers"); }
	int "."               { return fail(r, tok, "expected a digit after '.' in number"); }
	int frac? [eE] [+-]?  { return fail(r, tok, "expected a digit in the exponent"); }
	"-"                   { return fail(r, tok, "expected a digit after '-'"); }
	"." digit             { return fail(r, tok, "numbers must start with a digit"); }
	"+"                   { return fail(r, tok, "numbers must not start with '+'"); }
	"-"? ("NaN" | "Infinity") { return fail(r, tok, "NaN and Infinity are not allowed"); }
	ident                 { return fail(r, tok, "invalid literal"); }
	"]" | "}"             { return fail(r, tok, "expected a value"); }
	*                     { return unexpected(r, tok, "expected a JSON value"); }
	$                     { return fail(r, tok, "unexpected end of input"); }
	*/
}

/* ------------------------------------------------------------------------
 * Skipping, marks, names. */

bool lexc_json_skip_current(lexc_json_reader *r, const char **raw, size_t *raw_len)
{
	if (r->state_ == ST_ERROR)
		return false;
	size_t start = r->offset;
	switch (r->token) {
	case LEXC_JSON_OBJECT_START:
	case LEXC_JSON_ARRAY_START: {
		unsigned target = r->depth - 1;
		unsigned saved = r->flags_;
		r->flags_ |= FLAG_SKIPPING;
		for (;;) {
			lexc_json_token t = lexc_json_next(r);
			if (t == LEXC_JSON_ERROR) {
				r->flags_ = saved;
				return false;
			}
			if ((t == LEXC_JSON_OBJECT_END || t == LEXC_JSON_ARRAY_END) &&
			    r->depth == target)
				break;
		}
		r->flags_ = saved;
		break;
	}
	case LEXC_JSON_STRING:
	case LEXC_JSON_NUMBER:
	case LEXC_JSON_TRUE:
	case LEXC_JSON_FALSE:
	case LEXC_JSON_NULL:
		break;
	default:
		fail(r, r->json_ + r->offset, "expected a value");
		return false;
	}
	if (raw != NULL)
		*raw = r->json_ + start;
	if (raw_len != NULL)
		*raw_len = (size_t)(r->cur_ - (r->json_ + start));
	return true;
}

bool lexc_json_skip_value(lexc_json_reader *r, const char **raw, size_t *raw_len)
{
	unsigned saved = r->flags_;
	r->flags_ |= FLAG_SKIPPING;
	lexc_json_token t = lexc_json_next(r);
	r->flags_ = saved;
	if (t == LEXC_JSON_ERROR)
		return false;
	return lexc_json_skip_current(r, raw, raw_len);
}

void lexc_json_save(const lexc_json_reader *r, lexc_json_mark *m)
{
	m->token = r->token;
	m->str = r->str;
	m->str_len = r->str_len;
	m->integer = r->integer;
	m->integral = r->integral;
	m->out_of_range = r->out_of_range;
	m->offset = r->offset;
	m->depth = r->depth;
	m->cur_ = r->cur_;
	m->state_ = r->state_;
	m->nkeys_ = r->nkeys_;
	m->frame_serial_ = r->depth > 0 ? r->frames_[r->depth - 1].serial : 0;
}

bool lexc_json_restore(lexc_json_reader *r, const lexc_json_mark *m)
{
	if (r->state_ == ST_ERROR || m->depth > r->depth)
		return false;
	if (m->depth > 0) {
		lexc_json_frame_ *f = &r->frames_[m->depth - 1];
		if (f->serial != m->frame_serial_)
			return false;
		r->nkeys_ = m->nkeys_;
		/* Forget the keys read since the save. */
		if (f->object && f->table != NULL) {
			size_t count = m->nkeys_ - f->keybase;
			if (count <= SMALL_KEYS) {
				f->table = NULL;
				for (size_t i = f->keybase; i < r->nkeys_; i++)
					r->keys_[i].fp = fingerprint(r->keys_[i].s, r->keys_[i].len);
			} else if (!table_build(r, f, f->mask + 1)) {
				fail_memory(r, m->cur_);
				return false;
			}
		}
	} else {
		r->nkeys_ = 0;
	}
	r->token = m->token;
	r->str = m->str;
	r->str_len = m->str_len;
	r->integer = m->integer;
	r->integral = m->integral;
	r->out_of_range = m->out_of_range;
	r->offset = m->offset;
	r->depth = m->depth;
	r->cur_ = m->cur_;
	r->state_ = m->state_;
	return true;
}

lexc_json_token codec_json_key(lexc_json_reader *r)
{
	const char *cur = r->cur_, *lim = r->lim_;
	int state = r->state_;
	/* Compact JSON first: the key's quote right after ',' or '{'. */
	if (state == ST_OBJ_NEXT && lim - cur >= 2 && cur[0] == ',' && cur[1] == '"') {
		cur++;
		goto quote;
	}
	if (state == ST_OBJ_FIRST && cur < lim && *cur == '"')
		goto quote;
	if (state != ST_OBJ_NEXT && state != ST_OBJ_FIRST)
		goto slow;
	cur = skip_ws(cur, lim);
	if (cur < lim && *cur == '}') {
		/* As lexc_json_next() closes an object: every object ends here. */
		r->offset = (size_t)(cur - r->json_);
		r->token = LEXC_JSON_OBJECT_END;
		r->cur_ = cur + 1;
		pop(r);
		return LEXC_JSON_OBJECT_END;
	}
	if (state == ST_OBJ_NEXT) {
		if (cur >= lim || *cur != ',')
			goto slow;
		cur = skip_ws(cur + 1, lim);
	}
	if (cur >= lim || *cur != '"')
		goto slow;
quote:;
	/* Plain keys (see quick_string_end()); the rest (and "") take the slow path. */
	const char *end = quick_string_end(cur + 1, lim);
	if (end == NULL || end == cur + 1)
		goto slow;
	r->offset = (size_t)(cur - r->json_);
	r->str = cur + 1;
	r->str_len = (size_t)(end - cur - 1);
	if (lim - end >= 2 && end[1] == ':') { /* compact JSON */
		r->cur_ = end + 2;
		r->state_ = ST_OBJ_VALUE;
		return r->token = LEXC_JSON_KEY;
	}
	cur = skip_ws(end + 1, lim);
	if (cur < lim && *cur == ':') {
		r->cur_ = cur + 1;
		r->state_ = ST_OBJ_VALUE;
	} else {
		r->cur_ = end + 1;
		r->state_ = ST_OBJ_COLON;
	}
	return r->token = LEXC_JSON_KEY;
slow:
	r->flags_ |= FLAG_NO_KEYSET;
	lexc_json_token t = lexc_json_next(r);
	r->flags_ &= ~FLAG_NO_KEYSET;
	return t;
}

bool codec_json_key_insert(lexc_json_reader *r)
{
	return key_insert(r, r->str, r->str_len);
}

bool codec_json_duplicate(lexc_json_reader *r)
{
	duplicate(r, r->str, r->str_len);
	return false;
}

bool codec_json_rewind(lexc_json_reader *r, const lexc_json_mark *m)
{
	if (r->state_ == ST_ERROR)
		r->state_ = m->state_;
	return lexc_json_restore(r, m);
}

const char *lexc_json_token_name(lexc_json_token t)
{
	switch (t) {
	case LEXC_JSON_ERROR:
		return "error";
	case LEXC_JSON_END:
		return "end of input";
	case LEXC_JSON_OBJECT_START:
		return "object";
	case LEXC_JSON_OBJECT_END:
		return "end of object";
	case LEXC_JSON_ARRAY_START:
		return "array";
	case LEXC_JSON_ARRAY_END:
		return "end of array";
	case LEXC_JSON_KEY:
		return "key";
	case LEXC_JSON_STRING:
		return "string";
	case LEXC_JSON_NUMBER:
		return "number";
	case LEXC_JSON_TRUE:
		return "true";
	case LEXC_JSON_FALSE:
		return "false";
	case LEXC_JSON_NULL:
		return "null";
	}
	return "unknown";
}
