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

#include "view.h"

#include "dev/lexc/webhookd/setWebhookFormat.h"
#include "dev/lexc/webhookd/defs.h"

lexc_status
dev_lexc_webhookd_setWebhookFormat__handle(lexc_call *call,
                                           const dev_lexc_webhookd_setWebhookFormat__input *input,
                                           dev_lexc_webhookd_setWebhookFormat__output *output)
{
	wh_service *svc = wh_service_of(call);
	wh_format format = lexc_str_eq_cstr(input->format, "standard")  ? WH_FORMAT_STANDARD
	                   : lexc_str_eq_cstr(input->format, "discord") ? WH_FORMAT_DISCORD
	                                                                : WH_FORMAT_AUTO;
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = svc->store->ops->webhook_set_format(svc->store, wh_call_did(call), input->id,
	                                                  format, wh_now_ms(), &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	return wh_view_state(call, input->id, output->state);
}
