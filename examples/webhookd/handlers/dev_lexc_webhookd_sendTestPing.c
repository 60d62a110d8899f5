/* handlers/dev_lexc_webhookd_sendTestPing.c: the procedure dev.lexc.webhookd.sendTestPing. Written
 * by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Deliver a ping event to one of the caller's webhooks now, signed like any other delivery. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_sendTestPing__input, application/json):
 *   input->id: lexc_str (required, maxLength 64)
 *
 * output (dev_lexc_webhookd_sendTestPing__output, application/json):
 *   output->eventId: lexc_str (required, maxLength 64)
 *   output->messageId: lexc_str (required, maxLength 64)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_sendTestPing__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_sendTestPing__error_WebhookNotFound(call, "...");
 *   return dev_lexc_webhookd_sendTestPing__error_WebhookArchived(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "publish.h"

#include "dev/lexc/webhookd/sendTestPing.h"

lexc_status
dev_lexc_webhookd_sendTestPing__handle(lexc_call *call,
                                       const dev_lexc_webhookd_sendTestPing__input *input,
                                       dev_lexc_webhookd_sendTestPing__output *output)
{
	return wh_publish_ping(call, input->id, &output->eventId, &output->messageId);
}
