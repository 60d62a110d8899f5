/* handlers/dev_lexc_webhookd_setWebhookStatus.c: the procedure dev.lexc.webhookd.setWebhookStatus.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Set a webhook's status. active delivers; suspended does not (Streamplace's active=false);
 * archived is final: the webhook is kept read-only and never delivers again. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_setWebhookStatus__input, application/json):
 *   input->id: lexc_str (required, maxLength 64)
 *   input->status: lexc_str (required, enum active|suspended|archived;
 *      dev_lexc_webhookd_setWebhookStatus__input__status__from_str())
 *
 * output (dev_lexc_webhookd_setWebhookStatus__output, application/json):
 *   output->state: dev_lexc_webhookd_defs__webhookState * (required,
 *      dev.lexc.webhookd.defs#webhookState; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_setWebhookStatus__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_setWebhookStatus__error_WebhookNotFound(call, "...");
 *   return dev_lexc_webhookd_setWebhookStatus__error_WebhookArchived(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/defs.h"
#include "dev/lexc/webhookd/setWebhookStatus.h"
#include "view.h"

lexc_status
dev_lexc_webhookd_setWebhookStatus__handle(lexc_call *call,
                                           const dev_lexc_webhookd_setWebhookStatus__input *input,
                                           dev_lexc_webhookd_setWebhookStatus__output *output)
{
	wh_service *svc = wh_service_of(call);
	wh_status status;
	if (lexc_str_eq_cstr(input->status, "active"))
		status = WH_STATUS_ACTIVE;
	else if (lexc_str_eq_cstr(input->status, "suspended"))
		status = WH_STATUS_SUSPENDED;
	else if (lexc_str_eq_cstr(input->status, "archived"))
		status = WH_STATUS_ARCHIVED;
	else /* knownValues: the lexicon lets others through; this server knows three */
		return lexc_call_fail(call, LEXC_INVALID_REQUEST,
		                      "status must be active, suspended or archived");
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = svc->store->ops->webhook_set_status(svc->store, wh_call_did(call), input->id,
	                                                  status, wh_now_ms(), &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	return wh_view_state(call, input->id, output->state);
}
