/* handlers/dev_lexc_webhookd_publishEvent.c: the procedure dev.lexc.webhookd.publishEvent. Written
 * by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Publish an event (operator keys only): it fans out to every active webhook of the subject DID
 * whose events include its type. When the call returns, the event is in the durable outbox. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_publishEvent__input, application/json):
 *   input->did: lexc_str (required, format did)
 *   input->type: lexc_str (required, enum chat|livestream|follow|mention|stream.received;
 *      dev_lexc_webhookd_publishEvent__input__type__from_str())
 *   input->data: lexc_union (required, closed union
 *      (dev_lexc_webhookd_publishEvent__input__data__kind))
 *   input->has_eventId, input->eventId: lexc_str (optional, minLength 1, maxLength 64)
 *
 * output (dev_lexc_webhookd_publishEvent__output, application/json):
 *   output->eventId: lexc_str (required, maxLength 64)
 *   output->webhooks: int64_t (required, minimum 0)
 *   dev_lexc_webhookd_defs__publishResult__set_duplicate(output, bool) (optional)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_publishEvent__error_AuthenticationRequired(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "publish.h"

#include "dev/lexc/webhookd/publishEvent.h"
#include "dev/lexc/webhookd/defs.h"

lexc_status
dev_lexc_webhookd_publishEvent__handle(lexc_call *call,
                                       const dev_lexc_webhookd_publishEvent__input *input,
                                       dev_lexc_webhookd_publishEvent__output *output)
{
	wh_event_arg ev = {input->did, input->type, &input->data, input->has_eventId,
	                   input->eventId};
	return wh_publish(call, &ev, 1, NULL, output);
}
