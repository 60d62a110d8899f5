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
#include "view.h"

lexc_status
dev_lexc_webhookd_getWebhookSecret__handle(lexc_call *call,
                                           const dev_lexc_webhookd_getWebhookSecret__params *params,
                                           dev_lexc_webhookd_getWebhookSecret__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_secret *secrets = NULL;
	size_t n = 0;
	bool named = false;
	wh_result r = svc->store->ops->webhook_secrets(svc->store, did, params->id, wh_now_ms(),
	                                               true, a, &secrets, &n, &named, &err);
	if (r == WH_OK && named)
		r = WH_SECRET_IS_NAMED;
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	if (n == 0 || secrets[0].expires_at != 0)
		return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR,
		                      "webhook %.*s has no current secret", (int)params->id.len,
		                      params->id.ptr);
	lexc_str value;
	if (!wh_open(svc->keys, did, secrets[0].id, secrets[0].sealed, a, &value))
		return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR,
		                      "secret %.*s does not open with this key file",
		                      (int)secrets[0].id.len, secrets[0].id.ptr);
	output->secretValue = value;
	output->secretId = secrets[0].id;
	output->createdAt = wh_datetime(a, secrets[0].created_at);
	return LEXC_OK;
}
