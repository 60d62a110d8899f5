/* lexc/jwt.h: atproto inter-service JWTs (liblexc-auth): parsing a compact
 * JWS and checking its claims as @atproto/xrpc-server 0.13.2's verifyJwt
 * does, with its error names, plus the stricter rules of
 * doc/service-auth.md (iat not in the future, a bounded lifetime).
 * Resolving the issuer's key and the replay cache are service_auth.h's.
 *
 * Nothing here keeps state; strings of a parsed token live in the caller's
 * arena (or point into the token, which must outlive them). */
#ifndef LEXC_JWT_H
#define LEXC_JWT_H

#include <lexc/arena.h>
#include <lexc/keys.h>
#include <lexc/str.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One list: the result, its XRPC error name (all are HTTP 401). */
#define LEXC_JWT_RESULTS(X)                                                                        \
	X(LEXC_JWT_OK, "OK")                                                                       \
	X(LEXC_JWT_MISSING, "AuthenticationRequired")                                              \
	X(LEXC_JWT_BAD, "BadJwt")                                                                  \
	X(LEXC_JWT_BAD_TYPE, "BadJwtType")                                                         \
	X(LEXC_JWT_EXPIRED, "JwtExpired")                                                          \
	X(LEXC_JWT_BAD_AUDIENCE, "BadJwtAudience")                                                 \
	X(LEXC_JWT_BAD_LEXICON_METHOD, "BadJwtLexiconMethod")                                      \
	X(LEXC_JWT_BAD_ISS, "BadJwtIss")                                                           \
	X(LEXC_JWT_BAD_SIGNATURE, "BadJwtSignature")

typedef enum lexc_jwt_result {
#define LEXC_JWT_ENUM_(id, name) id,
	LEXC_JWT_RESULTS(LEXC_JWT_ENUM_)
#undef LEXC_JWT_ENUM_
} lexc_jwt_result;

/* The XRPC error name of a result ("BadJwtSignature"); "BadJwt" for a
 * value not in the list. */
const char *lexc_jwt_result_name(lexc_jwt_result r);

/* The longest token parsed (PDS tokens are some 400 bytes), and the
 * longest jti (PDSes send 32 hex digits). */
enum { LEXC_JWT_MAX = 8192, LEXC_JWT_JTI_MAX = 128 };

typedef struct lexc_jwt {
	/* header */
	lexc_str alg;
	lexc_str typ; /* ptr NULL when absent */
	/* payload; optional strings have ptr NULL when absent */
	lexc_str iss;
	lexc_str iss_did;     /* iss up to a '#' */
	lexc_str iss_service; /* after the '#', or ptr NULL */
	lexc_str aud;
	lexc_str lxm;
	lexc_str jti;
	lexc_str nonce;
	int64_t exp;
	int64_t iat;
	bool has_iat;
	/* the signed bytes (header "." payload, as sent) and the signature */
	lexc_str signed_part;
	unsigned char sig[LEXC_SIGNATURE_LEN + 8];
	size_t sig_len; /* as decoded: 64 for r||s; DER is 70 to 72 */
} lexc_jwt;

/* Splits and decodes a compact JWS: three base64url parts, a header with a
 * string `alg`, a payload with string `iss` and `aud`, integer `exp`, and
 * optional string `lxm`, `jti`, `nonce` and integer `iat` (other members
 * are ignored; JSON is strict: no duplicate keys). LEXC_JWT_BAD with a
 * static reason otherwise; LEXC_JWT_BAD_TYPE for typ at+jwt, refresh+jwt
 * or dpop+jwt (the reference's order: the header is judged first). */
lexc_jwt_result lexc_jwt_parse(const char *token, size_t len, lexc_arena *a, lexc_jwt *out,
                               const char **reason);

typedef struct lexc_jwt_policy {
	const char *aud;      /* the service's DID; NULL skips the check */
	const char *lxm;      /* the method's NSID; NULL skips the check */
	int64_t clock_skew;   /* seconds an iat may be ahead of now; default 30 */
	int64_t max_lifetime; /* seconds exp may be ahead of now; default 3600 */
} lexc_jwt_policy;

/* Checks the claims of a parsed token at time `now` (Unix seconds), in
 * the reference's order: exp (JwtExpired when now > exp), aud, lxm, iss
 * (a DID, with an optional "#fragment"), then the stricter rules (BadJwt:
 * iat ahead of now by more than the skew, exp further than max_lifetime
 * plus the skew).
 * The alg and the signature are lexc_jwt_verify_signature()'s. */
lexc_jwt_result lexc_jwt_check_claims(const lexc_jwt *t, const lexc_jwt_policy *p, int64_t now,
                                      const char **reason);

/* Whether the token's signature verifies under `key`: alg ES256 for P-256
 * and ES256K for secp256k1 (any other alg, or one that is not the key's
 * curve, fails), the 64-byte r||s form only, high-S accepted as the
 * reference accepts it (allowMalleableSig). */
lexc_jwt_result lexc_jwt_verify_signature(const lexc_jwt *t, const lexc_pubkey *key,
                                          const char **reason);

/* Mints a token (for tests, tools and services that call others): header
 * {"typ":"JWT","alg":...}, payload {iat, iss, aud, exp, lxm?, jti?} as
 * createServiceJwt writes it, signed with `key`. The token is
 * NUL-terminated in the arena. NULL if the arena fails. */
char *lexc_jwt_mint(lexc_arena *a, const lexc_privkey *key, const char *iss, const char *aud,
                    const char *lxm, const char *jti, int64_t iat, int64_t exp);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_JWT_H */
