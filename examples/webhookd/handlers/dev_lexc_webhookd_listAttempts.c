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

#include "view.h"

#include <stdlib.h>

#include "dev/lexc/webhookd/listAttempts.h"
#include "dev/lexc/webhookd/defs.h"

lexc_status
dev_lexc_webhookd_listAttempts__handle(lexc_call *call,
                                       const dev_lexc_webhookd_listAttempts__params *params,
                                       dev_lexc_webhookd_listAttempts__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	lexc_str webhook = params->has_webhookId ? params->webhookId : lexc_str_borrow(NULL);
	lexc_str event = params->has_eventId ? params->eventId : lexc_str_borrow(NULL);
	if (webhook.ptr == NULL && event.ptr == NULL)
		return lexc_call_fail(call, LEXC_INVALID_REQUEST, "give webhookId or eventId");
	/* The cursor is the log position of the last attempt shown, sealed to
	 * the caller like listWebhooks' cursors. */
	int64_t before = 0;
	if (params->has_cursor) {
		lexc_str pos;
		char digits[24];
		if (!wh_cursor_parse(svc->keys, did, params->cursor, a, &pos) || pos.len == 0 ||
		    pos.len >= sizeof digits)
			return dev_lexc_webhookd_listAttempts__error_InvalidCursor(
			        call, "invalid cursor");
		memcpy(digits, pos.ptr, pos.len);
		digits[pos.len] = '\0';
		before = strtoll(digits, NULL, 10);
	}
	wh_attempt_row *rows;
	size_t n;
	bool more;
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r =
	        svc->store->ops->attempt_list(svc->store, did, webhook, event, before,
	                                      (size_t)params->limit, a, &rows, &n, &more, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	dev_lexc_webhookd_defs__attempt *items = lexc_arena_calloc(a, n ? n : 1, sizeof *items);
	if (items == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	for (size_t i = 0; i < n; i++)
		wh_view_attempt(a, &rows[i], &items[i]);
	dev_lexc_webhookd_listAttempts__output__set_attempts(output, items, n);
	if (more)
		dev_lexc_webhookd_listAttempts__output__set_cursor(
		        output,
		        wh_cursor_make(svc->keys, did,
		                       lexc_str_printf(a, "%lld", (long long)rows[n - 1].seq), a));
	return LEXC_OK;
}
