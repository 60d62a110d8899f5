/* handlers/dev_lexc_webhookd_rotateSecret.c: the procedure dev.lexc.webhookd.rotateSecret. Written
 * by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Rotate a named signing secret (place.wisp.v2.secret) with a grace period: the new token is
 * returned once, the previous one keeps signing for graceSeconds. Every webhook bound to the secret
 * is affected. place.wisp.v2.secret.rotate revokes the previous token at once. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_rotateSecret__input, application/json):
 *   input->name: lexc_str (required, format record-key, maxLength 64)
 *   input->has_graceSeconds, input->graceSeconds: int64_t (optional, minimum 0, maximum 604800)
 *
 * output (dev_lexc_webhookd_rotateSecret__output, application/json):
 *   output->name: lexc_str (required)
 *   output->token: lexc_str (required)
 *   output->rotatedAt: lexc_str (required, format datetime)
 *   dev_lexc_webhookd_rotateSecret__output__set_retiredUntil(output, lexc_str) (optional, format
 *      datetime)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_rotateSecret__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_rotateSecret__error_InvalidRequest(call, "...");
 *   return dev_lexc_webhookd_rotateSecret__error_NotFound(call, "...");
 *   return dev_lexc_webhookd_rotateSecret__error_TooManyRetiredSecrets(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/rotateSecret.h"
#include "view.h"

lexc_status
dev_lexc_webhookd_rotateSecret__handle(lexc_call *call,
                                       const dev_lexc_webhookd_rotateSecret__input *input,
                                       dev_lexc_webhookd_rotateSecret__output *output)
{
	lexc_arena *a = lexc_call_arena(call);
	int64_t grace_ms;
	if (!wh_grace_ms(call, input->has_graceSeconds, input->graceSeconds, &grace_ms))
		return LEXC_INVALID_REQUEST;
	int64_t now = wh_now_ms(), retired_until;
	lexc_str token;
	lexc_status st = wh_named_rotate(call, input->name, grace_ms, now, &token, &retired_until);
	if (st != LEXC_OK)
		return st;
	output->name = input->name;
	output->token = token;
	output->rotatedAt = wh_datetime(a, now);
	if (retired_until != 0)
		dev_lexc_webhookd_rotateSecret__output__set_retiredUntil(
		        output, wh_datetime(a, retired_until));
	return LEXC_OK;
}
