/* whsig.h: Standard Webhooks v1 signatures (HMAC-SHA256), for the programs
 * that send webhooks and the programs that receive them.
 *
 * The signed bytes are `id "." timestamp "." body`, the body exactly as
 * sent (never re-serialised JSON). A signature is "v1," and the standard
 * base64 of the 32-byte MAC; a webhook-signature header holds several,
 * space-separated: during a rotation the sender signs with every valid
 * secret, and the receiver accepts the message when any of them matches
 * any of its keys (standard-webhooks spec 1.0.0, "Signature scheme").
 *
 * Inputs are (pointer, length) pairs and need not be NUL-terminated.
 * Nothing here allocates or keeps state: every function is safe from any
 * number of threads. Keys are the caller's; wipe them with
 * OPENSSL_cleanse() or explicit_bzero() when done. */
#ifndef WHSIG_H
#define WHSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "v1," and 44 base64 characters. */
#define WHSIG_SIGNATURE_LEN 47
/* The reference libraries' tolerance, both directions, in seconds. */
#define WHSIG_DEFAULT_TOLERANCE 300
/* The longest key accepted: the spec says 24 to 64 bytes; Svix accepts up
 * to 75, and so does this. */
#define WHSIG_KEY_MAX 75

typedef struct whsig_key {
	unsigned char bytes[WHSIG_KEY_MAX];
	size_t len;
} whsig_key;

/* One list yields the result enum, its names and its messages. */
#define WHSIG_RESULTS(X)                                                                           \
	X(WHSIG_OK, "the signature is valid")                                                      \
	X(WHSIG_BAD_SECRET, "the secret is empty, not base64, or longer than 75 bytes")            \
	X(WHSIG_MISSING_ID, "the webhook-id header is missing or empty")                           \
	X(WHSIG_BAD_ID, "the webhook-id contains a '.' or a byte outside printable ASCII")         \
	X(WHSIG_MISSING_TIMESTAMP, "the webhook-timestamp header is missing or empty")             \
	X(WHSIG_BAD_TIMESTAMP, "the webhook-timestamp is not a decimal number of seconds")         \
	X(WHSIG_TOO_OLD, "the webhook-timestamp is older than the tolerance")                      \
	X(WHSIG_TOO_NEW, "the webhook-timestamp is further in the future than the tolerance")      \
	X(WHSIG_MISSING_SIGNATURE, "the webhook-signature header is missing or empty")             \
	X(WHSIG_NO_V1_SIGNATURE, "the webhook-signature header has no v1 signature")               \
	X(WHSIG_NO_MATCH, "no v1 signature matches any of the keys")                               \
	X(WHSIG_NO_KEYS, "no key was given")                                                       \
	X(WHSIG_TOO_SMALL, "the output buffer is too small")

typedef enum whsig_result {
#define WHSIG_ENUM_(name, message) name,
	WHSIG_RESULTS(WHSIG_ENUM_)
#undef WHSIG_ENUM_
} whsig_result;

/* The result's name ("WHSIG_TOO_OLD") and a sentence for people; a static
 * string, "unknown" for a value not in the list. */
const char *whsig_result_name(whsig_result r);
const char *whsig_result_message(whsig_result r);

/* Decodes a secret "whsec_<base64>" (the prefix is optional) into *key.
 * WHSIG_BAD_SECRET if it is empty or NULL, not standard base64, or decodes
 * to more than WHSIG_KEY_MAX bytes. */
whsig_result whsig_key_decode(const char *secret, size_t len, whsig_key *key);

/* Writes the v1 signature of (id, timestamp, body) with `key` into `out`,
 * NUL-terminated (empty on failure). body may be NULL when body_len is 0.
 * In this order: WHSIG_TOO_SMALL for a NULL out, WHSIG_BAD_SECRET for a
 * NULL key or a len of 0 or past WHSIG_KEY_MAX, WHSIG_MISSING_ID for an
 * empty id, WHSIG_BAD_ID for an id with a '.' or a byte outside '!'..'~',
 * WHSIG_BAD_TIMESTAMP for a negative timestamp. */
whsig_result whsig_sign(const whsig_key *key, const char *id, size_t id_len, int64_t timestamp,
                        const void *body, size_t body_len, char out[WHSIG_SIGNATURE_LEN + 1]);

/* The whole webhook-signature header for `n` keys in order (the current
 * one first), space-separated, NUL-terminated in out (cap bytes; exactly
 * n * (WHSIG_SIGNATURE_LEN + 1) are needed). Its length into *len (may be
 * NULL; 0 on failure). WHSIG_NO_KEYS, then WHSIG_TOO_SMALL, then the
 * first key's failure as whsig_sign; on failure out is "" (if cap > 0). */
whsig_result whsig_sign_header(const whsig_key *keys, size_t n, const char *id, size_t id_len,
                               int64_t timestamp, const void *body, size_t body_len, char *out,
                               size_t cap, size_t *len);

/* Verifies a received message: the three header values as received, the
 * raw body (may be NULL when body_len is 0), the keys the receiver accepts
 * (any may match), the time now (Unix seconds) and the tolerance in
 * seconds (WHSIG_DEFAULT_TOLERANCE; a timestamp exactly `tolerance` away
 * passes, as in the reference libraries; a negative one is 0). The
 * timestamp is 1 to 19 decimal digits, at most INT64_MAX, no sign or
 * spaces. Costs one HMAC per key however many entries the header has:
 * each key's "v1,<base64>" text is compared in constant time with every
 * entry's; entries of other versions (v1a, v2) are skipped, and v1 ones
 * other than "v1," and 44 base64 characters match nothing. WHSIG_OK or the
 * first reason it fails, in this order: WHSIG_NO_KEYS, WHSIG_MISSING_ID,
 * WHSIG_BAD_ID, WHSIG_MISSING_TIMESTAMP, WHSIG_BAD_TIMESTAMP,
 * WHSIG_TOO_OLD, WHSIG_TOO_NEW, WHSIG_MISSING_SIGNATURE, WHSIG_BAD_SECRET
 * (any key of len 0 or past WHSIG_KEY_MAX, even if another would match),
 * WHSIG_NO_V1_SIGNATURE, WHSIG_NO_MATCH. */
whsig_result whsig_verify(const whsig_key *keys, size_t n_keys, const char *id, size_t id_len,
                          const char *timestamp, size_t ts_len, const char *signature,
                          size_t sig_len, const void *body, size_t body_len, int64_t now,
                          int64_t tolerance);

#ifdef __cplusplus
}
#endif

#endif /* WHSIG_H */
