/* lexc/base64.h: base64 with the RFC 4648 §4 standard alphabet, as atproto
 * writes bytes in JSON ({"$bytes": "..."}).
 *
 * Decoding takes padded or unpadded input ("123" is valid) and rejects
 * whitespace, the URL-safe alphabet ('-', '_'), misplaced or partial
 * padding, and a final group of a single character (it carries no whole
 * byte). Unused low bits of the last character are ignored, not required to
 * be zero: the atproto interop vectors use "123", whose '3' has them set
 * (doc/json.md). Encoding writes the standard alphabet without padding.
 * Nothing here allocates except the _arena variant, from the caller's arena. */
#ifndef LEXC_BASE64_H
#define LEXC_BASE64_H

#include <lexc/arena.h>

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The number of bytes that in[0..len) decodes to when it is valid (up to
 * two trailing '=' are not counted); for preallocation and length limits
 * before decoding. */
size_t lexc_base64_decoded_len(const char *in, size_t len);

/* Decodes in[0..len) into out[0..out_size) and stores the byte count in
 * *out_len. Returns false with a static reason ("base64: ...", `reason` may
 * be NULL) on invalid input or when out_size is below
 * lexc_base64_decoded_len(); out may then hold partial output. */
bool lexc_base64_decode(const char *in, size_t len, void *out, size_t out_size, size_t *out_len,
                        const char **reason);

/* Decodes into memory from `arena` (*out stays valid until the arena is
 * reset). Fails with reason "out of memory" when the arena does. */
bool lexc_base64_decode_arena(lexc_arena *arena, const char *in, size_t len, unsigned char **out,
                              size_t *out_len, const char **reason);

/* Characters of the unpadded encoding of `len` bytes (SIZE_MAX on overflow). */
size_t lexc_base64_encoded_len(size_t len);

/* Writes the unpadded encoding of in[0..len) to out, which must hold
 * lexc_base64_encoded_len(len) characters (no NUL is appended). Returns
 * the number of characters written. */
size_t lexc_base64_encode(const void *in, size_t len, char *out);

/* base64url (RFC 4648 §5: '-' and '_'), unpadded, as JWTs (RFC 7515) and
 * URL-borne tokens write it. Decoding is strict: no padding, no
 * whitespace, no standard-alphabet characters, and only the canonical
 * spelling (the unused low bits of the last character are zero), so that
 * one value has one text. false with a static reason ("base64url: ...")
 * otherwise, or when out_size is short (out may hold partial output);
 * the decoded length is at most len / 4 * 3 + 2. */
bool lexc_base64url_decode(const char *in, size_t len, void *out, size_t out_size, size_t *out_len,
                           const char **reason);

/* Writes the unpadded base64url of in[0..len) to out, which must hold
 * lexc_base64_encoded_len(len) characters (no NUL). Returns the count. */
size_t lexc_base64url_encode(const void *in, size_t len, char *out);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_BASE64_H */
