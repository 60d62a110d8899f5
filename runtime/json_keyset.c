/* The JSON reader's duplicate-key set: per open object, the keys read so
 * far. Objects with up to SMALL_KEYS keys are checked by a scan of
 * fingerprints; bigger ones get a hash table (SipHash with a random key,
 * so that chosen colliding keys cannot make the check quadratic). In an
 * object with a table, each key's `fp` is its SipHash (32 bits), so that
 * growing the table never hashes a key again; in one without, `fp` is the
 * cheap fingerprint(). table_build() and json_keyset_truncate() convert. */
#include "config.h"

#include "json_reader_internal.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* getrandom() for the hash key (glibc 2.25+); elsewhere ASLR and clocks. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))
#include <sys/random.h>
#define JSON_HAVE_GETRANDOM 1
#endif

enum { SMALL_KEYS = 16, FIRST_KEYS = 32 };

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

json_key_result json_keyset_insert(lexc_json_reader *r, const char *s, size_t len)
{
	lexc_json_frame_ *f = &r->frames_[r->depth - 1];
	if (len > UINT32_MAX)
		return JSON_KEY_TOO_LONG;
	uint32_t fp = f->table != NULL ? table_hash(r, s, len) : fingerprint(s, len);
	size_t n = r->nkeys_;
	uint32_t *slot = NULL;
	if (f->table == NULL) {
		const lexc_json_key_ *k = r->keys_;
		for (size_t i = f->keybase; i < n; i++)
			if (key_equal(&k[i], s, len, fp))
				return JSON_KEY_DUPLICATE;
	} else {
		slot = table_slot(r, f, s, len, fp);
		if (*slot != 0)
			return JSON_KEY_DUPLICATE;
	}
	if (n == r->keys_cap_) {
		size_t cap = r->keys_cap_ ? r->keys_cap_ * 2 : FIRST_KEYS;
		if (cap > UINT32_MAX || cap > SIZE_MAX / sizeof *r->keys_)
			return JSON_KEY_NO_MEMORY;
		lexc_json_key_ *k =
		        lexc_arena_realloc(r->arena_, r->keys_, n * sizeof *k, cap * sizeof *k);
		if (k == NULL)
			return JSON_KEY_NO_MEMORY;
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
	return ok ? JSON_KEY_NEW : JSON_KEY_NO_MEMORY;
}

bool json_keyset_truncate(lexc_json_reader *r, lexc_json_frame_ *f, size_t nkeys)
{
	r->nkeys_ = nkeys;
	if (!f->object || f->table == NULL)
		return true;
	if (nkeys - f->keybase <= SMALL_KEYS) {
		f->table = NULL;
		for (size_t i = f->keybase; i < r->nkeys_; i++)
			r->keys_[i].fp = fingerprint(r->keys_[i].s, r->keys_[i].len);
		return true;
	}
	return table_build(r, f, f->mask + 1);
}
