/* lexc/keys.h: atproto's public-key cryptography (liblexc-auth): the two
 * curves, P-256 (ES256) and secp256k1 (ES256K); public keys in the
 * multikey form (did:key, DID documents' publicKeyMultibase) and the
 * legacy verification-method forms; ECDSA over SHA-256 with 64-byte
 * r||s signatures.
 *
 * Strictness, as the atproto cryptography spec asks: a signature is the
 * 64-byte compact form only (DER is refused), and a high-S signature is
 * refused unless the caller allows it (JWT verification does, as the
 * reference does: doc/service-auth.md). Keys are compressed points.
 *
 * OpenSSL does P-256 and signing; libsecp256k1 verifies secp256k1, some
 * five times faster than OpenSSL's generic curve code (bench/auth).
 *
 * A lexc_pubkey or lexc_privkey owns an OpenSSL key: free it with
 * lexc_pubkey_free()/lexc_privkey_free(). Nothing else allocates; every
 * function is safe from any number of threads on distinct keys, and on
 * one key for verification. */
#ifndef LEXC_KEYS_H
#define LEXC_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lexc_curve {
	LEXC_CURVE_NONE = 0,
	LEXC_CURVE_P256,     /* JWT alg ES256, multicodec 0x1200 */
	LEXC_CURVE_SECP256K1 /* JWT alg ES256K, multicodec 0xe7 */
} lexc_curve;

/* A compressed point: 0x02 or 0x03, then x. */
#define LEXC_PUBKEY_LEN 33
#define LEXC_SIGNATURE_LEN 64
/* "did:key:z" and the base58btc of 35 bytes is 57 characters. */
#define LEXC_DID_KEY_MAX 64

typedef struct lexc_pubkey {
	lexc_curve curve;
	unsigned char point[LEXC_PUBKEY_LEN];
	void *pkey; /* EVP_PKEY *, owned */
	/* secp256k1: the point parsed for libsecp256k1, which verifies */
	unsigned char parsed_[64];
} lexc_pubkey;

typedef struct lexc_privkey {
	lexc_curve curve;
	void *pkey; /* EVP_PKEY *, owned */
	lexc_pubkey pub;
} lexc_privkey;

/* "ES256" or "ES256K"; NULL for LEXC_CURVE_NONE. */
const char *lexc_curve_jwt_alg(lexc_curve c);
/* The curve of a JWT alg, LEXC_CURVE_NONE for any other alg. */
lexc_curve lexc_curve_of_jwt_alg(const char *alg, size_t len);

/* A public key from a compressed point of `curve`. false with a static
 * reason when the bytes are not a point of the curve. On success *out
 * owns a key: lexc_pubkey_free() it. */
bool lexc_pubkey_from_point(lexc_curve curve, const unsigned char *point, size_t len,
                            lexc_pubkey *out, const char **reason);

/* A public key from a multikey string ("z" + base58btc of the multicodec
 * varint 0xe7 or 0x1200 and the compressed point), as in did:key and
 * Multikey verification methods. */
bool lexc_pubkey_from_multikey(const char *s, size_t len, lexc_pubkey *out, const char **reason);

/* A public key from "did:key:z...". */
bool lexc_pubkey_from_did_key(const char *s, size_t len, lexc_pubkey *out, const char **reason);

/* A public key from a verification method: its `type` and its
 * `publicKeyMultibase`. "Multikey" takes the multikey form; the legacy
 * "EcdsaSecp256k1VerificationKey2019" and
 * "EcdsaSecp256r1VerificationKey2019" take "z" + base58btc of the bare
 * compressed point. Any other type is refused. */
bool lexc_pubkey_from_method(const char *type, size_t type_len, const char *multibase,
                             size_t mb_len, lexc_pubkey *out, const char **reason);

/* Writes the key's multikey string, NUL-terminated, into out (cap bytes;
 * LEXC_DID_KEY_MAX is enough). Returns its length, 0 if cap is short. */
size_t lexc_pubkey_multikey(const lexc_pubkey *k, char *out, size_t cap);
/* The same as "did:key:..." */
size_t lexc_pubkey_did_key(const lexc_pubkey *k, char *out, size_t cap);

void lexc_pubkey_free(lexc_pubkey *k);

/* Verifies the 64-byte r||s signature of SHA-256(msg) under k. A
 * signature of any other length (DER) is refused, so is a high-S one
 * unless allow_high_s. false with a static reason otherwise. */
bool lexc_verify(const lexc_pubkey *k, const void *msg, size_t msg_len, const unsigned char *sig,
                 size_t sig_len, bool allow_high_s, const char **reason);

/* A private key from its 32 bytes (big-endian scalar). */
bool lexc_privkey_from_bytes(lexc_curve curve, const unsigned char *bytes, size_t len,
                             lexc_privkey *out, const char **reason);
/* A fresh random private key. */
bool lexc_privkey_generate(lexc_curve curve, lexc_privkey *out, const char **reason);
void lexc_privkey_free(lexc_privkey *k);

/* Signs SHA-256(msg): a low-S 64-byte r||s signature into sig. */
bool lexc_sign(const lexc_privkey *k, const void *msg, size_t msg_len,
               unsigned char sig[LEXC_SIGNATURE_LEN], const char **reason);

/* base58btc (the Bitcoin alphabet). decode: false for a character outside
 * the alphabet or when out (cap bytes) is short; *len the byte count.
 * encode: NUL-terminated, returns the length, 0 if cap is short. Inputs
 * are short keys: time is quadratic in the length. */
bool lexc_base58_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *n);
size_t lexc_base58_encode(const unsigned char *in, size_t len, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_KEYS_H */
