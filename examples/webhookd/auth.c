/* auth.c: API keys on every request. The key is looked up by its SHA-256
 * (the store keeps only hashes); the store's index finds the row and the
 * hash is compared again in constant time, so timing says nothing about
 * how much of a guess matched. A missing, malformed, unknown or revoked key
 * is 401 AuthenticationRequired (the server adds WWW-Authenticate). With
 * --service-did, a token that is not "whk_..." is an atproto service JWT,
 * verified by liblexc-auth for the method called; its failures answer 401
 * with the reference's names (BadJwtSignature, ...). */
#include "config.h"

#include "webhookd.h"

#include <string.h>
#include <strings.h>

/* A service JWT: the caller is its issuer, never an operator. */
static lexc_status service_jwt(lexc_call *call, wh_service *svc, const char *token, size_t len)
{
	lexc_arena *a = lexc_call_arena(call);
	lexc_service_caller c;
	const char *why = NULL;
	lexc_jwt_result r = lexc_service_auth_verify(svc->service_auth, token, len,
	                                             lexc_call_nsid(call), a, &c, &why);
	if (r != LEXC_JWT_OK)
		return lexc_call_fail_named(call, LEXC_AUTHENTICATION_REQUIRED,
		                            lexc_jwt_result_name(r), "%s",
		                            why != NULL ? why : "invalid token");
	wh_caller *caller = lexc_arena_calloc(a, 1, sizeof *caller);
	if (caller == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	memcpy(caller->key_id, "jwt", 4);
	return lexc_call_set_caller(call, c.did, caller);
}

lexc_status wh_auth_hook(lexc_call *call, void *user)
{
	wh_service *svc = user;
	const char *h = lexc_call_header(call, "Authorization");
	if (h == NULL)
		return lexc_call_fail(
		        call, LEXC_AUTHENTICATION_REQUIRED,
		        svc->service_auth != NULL
		                ? "an API key or a service JWT is required: "
		                  "Authorization: Bearer <credential>"
		                : "an API key is required: Authorization: Bearer <key>");
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED,
		                      "the Authorization header must be: Bearer <key>");
	const char *key = h + 7;
	while (*key == ' ')
		key++;
	size_t len = strlen(key);
	while (len > 0 && key[len - 1] == ' ')
		len--;
	if (strncmp(key, "whk_", 4) != 0 && svc->service_auth != NULL)
		return service_jwt(call, svc, key, len);
	if (len != WH_API_KEY_LEN || strncmp(key, "whk_", 4) != 0)
		return lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED, "invalid API key");

	unsigned char hash[32];
	wh_sha256(key, len, hash);
	lexc_arena *a = lexc_call_arena(call);
	wh_api_key found;
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = svc->store->ops->key_lookup(svc->store, hash, a, &found, &err);
	if (r == WH_FAILED)
		return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "key lookup: %s",
		                      err.message);
	if (r != WH_OK || !wh_equal_ct(found.hash, hash, sizeof hash))
		return lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED, "invalid API key");

	wh_caller *caller = lexc_arena_calloc(a, 1, sizeof *caller);
	char *did = lexc_arena_strndup(a, found.did.ptr, found.did.len);
	if (caller == NULL || did == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	caller->operator_key = found.operator_key;
	size_t n =
	        found.id.len < sizeof caller->key_id - 1 ? found.id.len : sizeof caller->key_id - 1;
	memcpy(caller->key_id, found.id.ptr, n);
	return lexc_call_set_caller(call, did, caller);
}
