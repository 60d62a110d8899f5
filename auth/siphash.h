/* siphash.h: SipHash (Aumasson and Bernstein), the keyed hash of
 * liblexc-auth's caches: with a random key per cache, a client cannot
 * choose names (jtis, DIDs) that fall into one bucket. Internal; webhookd's
 * record index compiles it in too. */
#ifndef LEXC_AUTH_SIPHASH_H
#define LEXC_AUTH_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t auth_siphash24(const unsigned char key[16], const void *data, size_t len);
/* SipHash-1-3, the faster variant hash tables use (Rust's, CPython's). */
uint64_t auth_siphash13(const unsigned char key[16], const void *data, size_t len);

/* 16 random bytes for a key (OpenSSL's RAND_bytes); false if it fails. */
int auth_siphash_key(unsigned char key[16]);

#endif /* LEXC_AUTH_SIPHASH_H */
