/* handlers/dev_lexc_webhookd_bindWebhookSecret.c: the procedure
 * dev.lexc.webhookd.bindWebhookSecret. Written by lexc stubs 0.1.0 as a starting point; it is yours
 * now: lexc stubs never overwrites it.
 * Make a webhook sign with one of the caller's named secrets (wisp's secretId), or, without
 * secretName, with its own secret again. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_bindWebhookSecret__input, application/json):
 *   input->id: lexc_str (required, maxLength 64)
 *   input->has_secretName, input->secretName: lexc_str (optional, format record-key, maxLength 64)
 *
 * output (dev_lexc_webhookd_bindWebhookSecret__output, application/json):
 *   output->state: dev_lexc_webhookd_defs__webhookState * (required,
 *      dev.lexc.webhookd.defs#webhookState; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_bindWebhookSecret__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_bindWebhookSecret__error_WebhookNotFound(call, "...");
 *   return dev_lexc_webhookd_bindWebhookSecret__error_NotFound(call, "...");
 *   return dev_lexc_webhookd_bindWebhookSecret__error_WebhookArchived(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/bindWebhookSecret.h"
#include "dev/lexc/webhookd/defs.h"
#include "view.h"

lexc_status
dev_lexc_webhookd_bindWebhookSecret__handle(lexc_call *call,
                                            const dev_lexc_webhookd_bindWebhookSecret__input *input,
                                            dev_lexc_webhookd_bindWebhookSecret__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_str name = input->has_secretName ? input->secretName : (lexc_str){0};
	wh_result r = svc->store->ops->webhook_bind(svc->store, wh_call_did(call), input->id, name,
	                                            wh_now_ms(), &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	return wh_view_state(call, input->id, output->state);
}
