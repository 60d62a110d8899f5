/* handlers/dev_lexc_webhookd_redeliver.c: the procedure dev.lexc.webhookd.redeliver. Written by
 * lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Deliver an event to one of the caller's webhooks again, with the same webhook-id, starting a new
 * retry series now. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_redeliver__input, application/json):
 *   input->eventId: lexc_str (required, maxLength 64)
 *   input->webhookId: lexc_str (required, maxLength 64)
 *
 * output (dev_lexc_webhookd_redeliver__output, application/json):
 *   output->messageId: lexc_str (required, maxLength 64)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_redeliver__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_redeliver__error_DeliveryNotFound(call, "...");
 *   return dev_lexc_webhookd_redeliver__error_WebhookArchived(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "delivery.h"
#include "view.h"

#include "dev/lexc/webhookd/redeliver.h"

lexc_status dev_lexc_webhookd_redeliver__handle(lexc_call *call,
                                                const dev_lexc_webhookd_redeliver__input *input,
                                                dev_lexc_webhookd_redeliver__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = svc->store->ops->redeliver(svc->store, wh_call_did(call), input->eventId,
	                                         input->webhookId, wh_now_ms(),
	                                         lexc_call_arena(call), &output->messageId, &err);
	if (r == WH_NOT_FOUND)
		return dev_lexc_webhookd_redeliver__error_DeliveryNotFound(
		        call, "no delivery of this event to this webhook");
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	wh_deliverer_wake(svc->deliverer);
	return LEXC_OK;
}
