/* handlers/dev_lexc_webhookd_listAttempts.c: the query dev.lexc.webhookd.listAttempts. Written by
 * lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * The attempt log of one of the caller's webhooks or events, newest first. */
/* What the lexicon gives the handler and expects of it:
 *
 * params (dev_lexc_webhookd_listAttempts__params):
 *   params->has_webhookId, params->webhookId: lexc_str (optional, maxLength 64)
 *   params->has_eventId, params->eventId: lexc_str (optional, maxLength 64)
 *   params->has_limit, params->limit: int64_t (optional, minimum 1, maximum 100, default 50)
 *   params->has_cursor, params->cursor: lexc_str (optional, maxLength 512)
 *
 * output (dev_lexc_webhookd_listAttempts__output, application/json):
 *   dev_lexc_webhookd_listAttempts__output__set_cursor(output, lexc_str) (optional)
 *   dev_lexc_webhookd_listAttempts__output__set_attempts(output, dev_lexc_webhookd_defs__attempt
 *      *items, size_t count) (required, items: dev.lexc.webhookd.defs#attempt)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_listAttempts__error_AuthenticationRequired(call, "...");
 *   return dev_lexc_webhookd_listAttempts__error_InvalidCursor(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "dev/lexc/webhookd/listAttempts.h"
#include "dev/lexc/webhookd/defs.h"

lexc_status
dev_lexc_webhookd_listAttempts__handle(lexc_call *call,
                                       const dev_lexc_webhookd_listAttempts__params *params,
                                       dev_lexc_webhookd_listAttempts__output *output)
{
	(void)params;
	(void)output;
	return lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED,
	                      "dev.lexc.webhookd.listAttempts is not implemented yet");
}
