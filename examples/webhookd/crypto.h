/* crypto.h: randomness, secret tokens, sealing secrets at rest, API key
 * hashes, opaque cursors and ids. On OpenSSL (libcrypto).
 *
 * The key file (wh_keyring_open) holds 32 random bytes from which every
 * key webhookd uses is derived (HMAC-SHA256 with a label per use): one for
 * sealing secrets (AES-256-GCM), one for cursors. The file is created mode
 * 0600 on first start; a key file that others can read is refused.
 *
 * Nothing here logs, and no function keeps a plaintext after it returns
 * except in buffers the caller owns (which callers wipe with
 * wh_wipe() when done). */
#ifndef WEBHOOKD_CRYPTO_H
#define WEBHOOKD_CRYPTO_H

#include <lexc/lexc.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Fills buf with n bytes from the OS CSPRNG (RAND_bytes). false if it
 * failed (then buf must not be used). */
bool wh_random(void *buf, size_t n);

/* Zeroes n bytes in a way the compiler keeps (OPENSSL_cleanse). */
void wh_wipe(void *buf, size_t n);

/* A signing secret or named-secret token: "whsec_" + standard base64 (with
 * padding) of 32 random bytes: 50 characters and a NUL. */
enum { WH_SECRET_LEN = 50 };
bool wh_secret_generate(char out[WH_SECRET_LEN + 1]);

/* An API key: "whk_" + base64url (no padding) of 32 random bytes: 47
 * characters and a NUL. */
enum { WH_API_KEY_LEN = 47 };
bool wh_api_key_generate(char out[WH_API_KEY_LEN + 1]);

/* SHA-256 of data. */
void wh_sha256(const void *data, size_t len, unsigned char out[32]);

/* Constant-time comparison of n bytes (CRYPTO_memcmp). */
bool wh_equal_ct(const void *a, const void *b, size_t n);

/* A UUIDv7 (RFC 9562) for time `now_ms`, lowercase, 36 characters and a
 * NUL: ids sort by creation time. */
enum { WH_UUID_LEN = 36 };
bool wh_uuid7(int64_t now_ms, char out[WH_UUID_LEN + 1]);

typedef struct wh_keyring wh_keyring;

/* Opens DIR/webhookd.key, creating it (mode 0600, 32 bytes from the
 * CSPRNG) if it does not exist. Refuses, with `err` naming the file and
 * the fix, a key file that group or others can read or write, one of the
 * wrong size, or one that is not a regular file. */
wh_keyring *wh_keyring_open(const char *dir, lexc_error *err);
/* The same for the key file at `path` (--key-file: processes that share a
 * PostgreSQL database must share one key). */
wh_keyring *wh_keyring_open_file(const char *path, lexc_error *err);
void wh_keyring_free(wh_keyring *k);

/* Seals `plain` for the secret `secret_id` of `did`: AES-256-GCM with a
 * random 96-bit nonce, the DID and secret id as additional data, so that a
 * sealed value copied to another row or owner does not open. Output
 * (nonce || ciphertext || tag) in the arena. */
bool wh_seal(const wh_keyring *k, lexc_str did, lexc_str secret_id, lexc_str plain, lexc_arena *a,
             wh_sealed *out);
/* Opens what wh_seal made for the same did and secret_id; the plaintext in
 * the arena (NUL-terminated). false if it does not open (wrong key, owner,
 * id, or a changed byte). */
bool wh_open(const wh_keyring *k, lexc_str did, lexc_str secret_id, wh_sealed sealed, lexc_arena *a,
             lexc_str *plain);

/* An opaque listWebhooks cursor for the position after webhook `id` of
 * `did`: base64url of the id and a MAC binding it to the DID. */
lexc_str wh_cursor_make(const wh_keyring *k, lexc_str did, lexc_str id, lexc_arena *a);
/* The webhook id in a cursor wh_cursor_make made for `did`; false for
 * anything else (InvalidCursor). */
bool wh_cursor_parse(const wh_keyring *k, lexc_str did, lexc_str cursor, lexc_arena *a,
                     lexc_str *id);

#endif /* WEBHOOKD_CRYPTO_H */
