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
	int64_t now = wh_now_ms(), retired_until;
	lexc_str token;
	lexc_status st = wh_named_rotate(call, input->name, 0, now, &token, &retired_until);
	if (st != LEXC_OK)
		return st;
	output->name = input->name;
	output->token = token;
	output->rotatedAt = wh_datetime(lexc_call_arena(call), now);
	return LEXC_OK;
}
