/* handlers/dev_lexc_webhookd_getWebhookState.c: the query dev.lexc.webhookd.getWebhookState.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * A webhook's status and the metadata of the secrets that sign it (never their values). */
/* What the lexicon gives the handler and expects of it:
 *
 * params (dev_lexc_webhookd_getWebhookState__params):
 *   params->id: lexc_str (required, maxLength 64)
 *
 * output (dev_lexc_webhookd_getWebhookState__output, application/json):
 *   output->state: dev_lexc_webhookd_defs__webhookState * (required,
 *      dev.lexc.webhookd.defs#webhookState; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_getWebhookState__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_getWebhookState__error_WebhookNotFound(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/defs.h"
#include "dev/lexc/webhookd/getWebhookState.h"
#include "view.h"

lexc_status
dev_lexc_webhookd_getWebhookState__handle(lexc_call *call,
                                          const dev_lexc_webhookd_getWebhookState__params *params,
                                          dev_lexc_webhookd_getWebhookState__output *output)
{
	return wh_view_state(call, params->id, output->state);
}
