/* lexc/service_auth.h: atproto inter-service authentication for lexc
 * servers (liblexc-auth). A user's PDS proxies their call with
 * "Authorization: Bearer <jwt>" signed by the user's atproto key; this
 * verifies it (lexc/jwt.h), resolving the issuer's DID document (did:plc
 * through a PLC directory, did:web through https://HOST/.well-known/did.json)
 * with a cache, and refuses a token used twice (its jti).
 *
 * Threads: a lexc_service_auth is shared by every worker thread; its caches
 * lock themselves. Resolution blocks the calling thread (libcurl, at most
 * the configured timeout); concurrent misses for one key share one fetch,
 * and at most 32 fetches run at once.
 *
 * Ownership: lexc_service_auth_new() copies the configuration's strings;
 * free the result with lexc_service_auth_free() after the server stops. */
#ifndef LEXC_SERVICE_AUTH_H
#define LEXC_SERVICE_AUTH_H

#include <lexc/error.h>
#include <lexc/jwt.h>
#include <lexc/keys.h>
#include <lexc/net.h>
#include <lexc/server.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LEXC_PLC_DEFAULT_URL "https://plc.directory"

typedef struct lexc_service_auth_config {
	const char *service_did; /* required: the `aud` every token must name */
	const char *plc_url;     /* NULL: LEXC_PLC_DEFAULT_URL */
	int64_t cache_ttl_ms;    /* a resolved key is trusted this long; 0: one hour */
	int64_t missing_ttl_ms;  /* a DID that does not exist, this long; 0: a minute */
	int64_t refresh_ms;      /* a cached key is fetched again after a bad signature at most this
	                            often; 0: 30 s */
	size_t cache_max;        /* keys kept; 0: 10,000 (least recently used go first) */
	size_t replay_max;       /* live jtis remembered; 0: 100,000 (full: refused) */
	size_t replay_per_issuer; /* of them, for one DID; 0: 1,000 */
	/* Accept tokens whose iss names a service key ("DID#atproto_labeler",
	 * verified with the #atproto_label key); the caller's `service` says
	 * which. false (the default): refused with BadJwtIss, so that a
	 * labeler's token never acts as the account. */
	bool accept_service_iss;
	int64_t clock_skew_s;   /* 0: 30 */
	int64_t max_lifetime_s; /* 0: 3600 */
	long timeout_ms;        /* per resolution; 0: 3,000 */
	size_t max_document;    /* bytes of a DID document; 0: 65,536 */
	/* The SSRF guard for did:web: every address connected to is checked
	 * against this policy (lexc_connect_allowed). NULL: public addresses
	 * only. The PLC directory is the operator's choice and not checked. */
	const lexc_netpolicy *net;
	const char *ca_file; /* extra trust anchors (PEM) for https, or NULL */
	/* Time, for tests: Unix ms; NULL: the real clock. */
	int64_t (*now_ms)(void *user);
	void *now_user;
} lexc_service_auth_config;

typedef struct lexc_service_auth lexc_service_auth;

/* NULL with err set when the configuration is invalid (no service DID, a
 * PLC URL that is not http(s)). */
lexc_service_auth *lexc_service_auth_new(const lexc_service_auth_config *cfg, lexc_error *err);
void lexc_service_auth_free(lexc_service_auth *auth);

/* What a verified token says. */
typedef struct lexc_service_caller {
	const char *did;     /* the issuer's DID without the #fragment, in the arena */
	const char *service; /* the #fragment ("atproto_labeler"), or NULL */
	int64_t exp;
} lexc_service_caller;

/* Verifies `token` for method `lxm` (its NSID): the claims, the issuer's
 * key (resolved or cached; on a signature failure with a cached key the
 * DID is resolved once more, for key rotation), the signature, then the
 * jti. LEXC_JWT_OK and *out filled (in `a`), or the failure with a
 * one-line reason (static) in *reason; answer it with
 * lexc_call_fail_named(call, LEXC_AUTHENTICATION_REQUIRED,
 * lexc_jwt_result_name(r), "%s", reason) to match the hook. */
lexc_jwt_result lexc_service_auth_verify(lexc_service_auth *auth, const char *token, size_t len,
                                         const char *lxm, lexc_arena *a, lexc_service_caller *out,
                                         const char **reason);

/* An authentication hook (lexc_server_config.auth, with auth_user the
 * lexc_service_auth): a Bearer token is verified for the method called and
 * the caller's DID set; without an Authorization header the call is
 * anonymous (methods that need a caller answer 401 AuthenticationRequired),
 * a failure answers 401 with the result's name. */
lexc_status lexc_service_auth_hook(lexc_call *call, void *user);

/* Counters, for metrics and the bench. */
typedef struct lexc_service_auth_stats {
	uint64_t verified, refused, resolutions, resolution_failures, cache_hits, replays;
} lexc_service_auth_stats;
void lexc_service_auth_get_stats(lexc_service_auth *auth, lexc_service_auth_stats *out);

/* DID documents --------------------------------------------------------------------- */

/* Reads a DID document (JSON) and returns the key of its verification
 * method `fragment` ("atproto"): the method whose id is DID#fragment or
 * #fragment, in the Multikey or a legacy form. The document's `id` must be
 * `did`. false with a static reason otherwise. */
bool lexc_did_document_key(const char *json, size_t len, const char *did, size_t did_len,
                           const char *fragment, lexc_arena *a, lexc_pubkey *out,
                           const char **reason);

/* The URL a DID resolves at: PLC_URL/DID for did:plc, and
 * https://HOST/.well-known/did.json for did:web (a percent-encoded port
 * allowed, no path form). NULL with a reason for another method or a
 * malformed DID. */
char *lexc_did_resolution_url(lexc_arena *a, const char *plc_url, const char *did, size_t len,
                              const char **reason);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_SERVICE_AUTH_H */
