/* siphash.c: see siphash.h. The reference algorithm, little-endian words. */
#include "config.h"

#include "siphash.h"

#include <openssl/rand.h>

#include <string.h>

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

/* Written out so that compilers make it one load on little-endian hosts. */
static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

/* SipHash-c-d: c rounds per 8-byte word, d to finish. Inlined with
 * constants by both callers below. */
static inline uint64_t siphash(const unsigned char key[16], const void *data, size_t len, int c,
                               int d)
{
	const unsigned char *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	size_t whole = len - len % 8;
	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = le64(in + i);
		v3 ^= m;
		for (int r = 0; r < c; r++)
			SIPROUND;
		v0 ^= m;
	}
	unsigned char last[8] = {0};
	if (len % 8 != 0)
		memcpy(last, in + whole, len % 8);
	uint64_t b = (uint64_t)len << 56 | le64(last);
	v3 ^= b;
	for (int r = 0; r < c; r++)
		SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < d; r++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t auth_siphash24(const unsigned char key[16], const void *data, size_t len)
{
	return siphash(key, data, len, 2, 4);
}

uint64_t auth_siphash13(const unsigned char key[16], const void *data, size_t len)
{
	return siphash(key, data, len, 1, 3);
}

int auth_siphash_key(unsigned char key[16])
{
	return RAND_bytes(key, 16) == 1;
}
