/* handlers/place_wisp_v2_secret_rotate.c: the procedure place.wisp.v2.secret.rotate. Written by
 * lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Rotate a webhook signing secret, generating a new token. The old token stops working immediately.
 * The new token is only returned in this response. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (place_wisp_v2_secret_rotate__input, application/json):
 *   input->name: lexc_str (required, format record-key, maxLength 64)
 *
 * output (place_wisp_v2_secret_rotate__output, application/json):
 *   output->name: lexc_str (required)
 *   output->token: lexc_str (required)
 *   output->rotatedAt: lexc_str (required, format datetime)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return place_wisp_v2_secret_rotate__error_AuthenticationRequired(call, "...");
 *   return place_wisp_v2_secret_rotate__error_InvalidRequest(call, "...");
 *   return place_wisp_v2_secret_rotate__error_NotFound(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/wisp/v2/secret/rotate.h"
#include "view.h"

/* wisp's published meaning: the old token stops working at once
 * (dev.lexc.webhookd.rotateSecret is the rotation with a grace period). */
lexc_status place_wisp_v2_secret_rotate__handle(lexc_call *call,
                                                const place_wisp_v2_secret_rotate__input *input,
                                                place_wisp_v2_secret_rotate__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	int64_t now = wh_now_ms();
	wh_new_secret secret;
	lexc_str token;
	if (!wh_secret_new(call, did, now, &secret, &token))
		return LEXC_INTERNAL_SERVER_ERROR;
	lexc_error err;
	lexc_error_clear(&err);
	int64_t retired_until = 0;
	wh_result r = svc->store->ops->secret_rotate(svc->store, did, input->name, &secret, 0,
	                                             &retired_until, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "NotFound");
	output->name = input->name;
	output->token = token;
	output->rotatedAt = wh_datetime(a, now);
	return LEXC_OK;
}
