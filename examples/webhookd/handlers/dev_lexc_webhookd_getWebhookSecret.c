/* handlers/dev_lexc_webhookd_getWebhookSecret.c: the query dev.lexc.webhookd.getWebhookSecret.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * The current signing secret of one of the caller's webhooks. Webhook secrets are stored encrypted
 * so that they can be shown again; named secrets are shown only once, when created or rotated. */
/* What the lexicon gives the handler and expects of it:
 *
 * params (dev_lexc_webhookd_getWebhookSecret__params):
 *   params->id: lexc_str (required, maxLength 64)
 *
 * output (dev_lexc_webhookd_getWebhookSecret__output, application/json):
 *   output->secretValue: lexc_str (required)
 *   output->secretId: lexc_str (required, maxLength 64)
 *   output->createdAt: lexc_str (required, format datetime)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_getWebhookSecret__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_getWebhookSecret__error_WebhookNotFound(call, "...");
 *   return dev_lexc_webhookd_getWebhookSecret__error_SecretIsNamed(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/getWebhookSecret.h"

lexc_status
dev_lexc_webhookd_getWebhookSecret__handle(lexc_call *call,
                                           const dev_lexc_webhookd_getWebhookSecret__params *params,
                                           dev_lexc_webhookd_getWebhookSecret__output *output)
{
	(void)params;
	(void)output;
	return lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED,
	                      "dev.lexc.webhookd.getWebhookSecret is not implemented yet");
}
