/* handlers/dev_lexc_webhookd_setWebhookFormat.c: the procedure dev.lexc.webhookd.setWebhookFormat.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Set how deliveries to a webhook are shaped: standard (Standard Webhooks, signed), discord
 * (Discord's execute-webhook JSON) or auto (by URL). */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_setWebhookFormat__input, application/json):
 *   input->id: lexc_str (required, maxLength 64)
 *   input->format: lexc_str (required, enum auto|standard|discord;
 *      dev_lexc_webhookd_setWebhookFormat__input__format__from_str())
 *
 * output (dev_lexc_webhookd_setWebhookFormat__output, application/json):
 *   output->state: dev_lexc_webhookd_defs__webhookState * (required,
 *      dev.lexc.webhookd.defs#webhookState; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_setWebhookFormat__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_setWebhookFormat__error_WebhookNotFound(call, "...");
 *   return dev_lexc_webhookd_setWebhookFormat__error_WebhookArchived(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/setWebhookFormat.h"
#include "dev/lexc/webhookd/defs.h"

lexc_status
dev_lexc_webhookd_setWebhookFormat__handle(lexc_call *call,
                                           const dev_lexc_webhookd_setWebhookFormat__input *input,
                                           dev_lexc_webhookd_setWebhookFormat__output *output)
{
	(void)input;
	(void)output;
	return lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED,
	                      "dev.lexc.webhookd.setWebhookFormat is not implemented yet");
}
