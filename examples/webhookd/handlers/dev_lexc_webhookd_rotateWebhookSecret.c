/* handlers/dev_lexc_webhookd_rotateWebhookSecret.c: the procedure
 * dev.lexc.webhookd.rotateWebhookSecret. Written by lexc stubs 0.1.0 as a starting point; it is
 * yours now: lexc stubs never overwrites it.
 * Rotate a webhook's own signing secret. A new current secret is generated and returned once; the
 * previous one is retired and keeps signing for graceSeconds. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_rotateWebhookSecret__input, application/json):
 *   input->id: lexc_str (required, maxLength 64)
 *   input->has_graceSeconds, input->graceSeconds: int64_t (optional, minimum 0, maximum 604800)
 *
 * output (dev_lexc_webhookd_rotateWebhookSecret__output, application/json):
 *   output->id: lexc_str (required, maxLength 64)
 *   output->secretId: lexc_str (required, maxLength 64)
 *   output->secretValue: lexc_str (required)
 *   dev_lexc_webhookd_rotateWebhookSecret__output__set_retiredSecretId(output, lexc_str) (optional,
 *      maxLength 64)
 *   dev_lexc_webhookd_rotateWebhookSecret__output__set_retiredUntil(output, lexc_str) (optional,
 *      format datetime)
 *   dev_lexc_webhookd_rotateWebhookSecret__output__set_secrets(output,
 *      dev_lexc_webhookd_defs__secretMeta *items, size_t count) (required, maxLength 11, items:
 *      dev.lexc.webhookd.defs#secretMeta)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_rotateWebhookSecret__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_rotateWebhookSecret__error_InvalidRequest(call, "...");
 *   return dev_lexc_webhookd_rotateWebhookSecret__error_WebhookNotFound(call, "...");
 *   return dev_lexc_webhookd_rotateWebhookSecret__error_WebhookArchived(call, "...");
 *   return dev_lexc_webhookd_rotateWebhookSecret__error_SecretIsNamed(call, "...");
 *   return dev_lexc_webhookd_rotateWebhookSecret__error_TooManyRetiredSecrets(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/defs.h"
#include "dev/lexc/webhookd/rotateWebhookSecret.h"
#include "view.h"

lexc_status dev_lexc_webhookd_rotateWebhookSecret__handle(
        lexc_call *call, const dev_lexc_webhookd_rotateWebhookSecret__input *input,
        dev_lexc_webhookd_rotateWebhookSecret__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	int64_t grace_ms;
	if (!wh_grace_ms(call, input->has_graceSeconds, input->graceSeconds, &grace_ms))
		return LEXC_INVALID_REQUEST;
	int64_t now = wh_now_ms();
	wh_new_secret secret;
	lexc_str value;
	if (!wh_secret_new(call, did, now, &secret, &value))
		return LEXC_INTERNAL_SERVER_ERROR;
	lexc_error err;
	lexc_error_clear(&err);
	lexc_str retired_id = {0};
	int64_t retired_until = 0;
	wh_result r = svc->store->ops->webhook_rotate(svc->store, did, input->id, &secret, grace_ms,
	                                              a, &retired_id, &retired_until, &err);
	wh_secret *secrets = NULL;
	size_t n = 0;
	bool named = false;
	if (r == WH_OK)
		r = svc->store->ops->webhook_secrets(svc->store, did, input->id, now, false, a,
		                                     &secrets, &n, &named, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	output->id = input->id;
	output->secretId = secret.id;
	output->secretValue = value;
	if (retired_id.ptr != NULL)
		dev_lexc_webhookd_rotateWebhookSecret__output__set_retiredSecretId(output,
		                                                                   retired_id);
	if (retired_until != 0)
		dev_lexc_webhookd_rotateWebhookSecret__output__set_retiredUntil(
		        output, wh_datetime(a, retired_until));
	dev_lexc_webhookd_rotateWebhookSecret__output__set_secrets(
	        output, wh_view_secrets(a, secrets, n), n);
	return LEXC_OK;
}
