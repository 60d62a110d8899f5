/* handlers/place_stream_server_listWebhooks.c: the query place.stream.server.listWebhooks. Written
 * by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * List webhooks for the authenticated user. */
/* What the lexicon gives the handler and expects of it:
 *
 * params (place_stream_server_listWebhooks__params):
 *   params->has_limit, params->limit: int64_t (optional, minimum 1, maximum 100, default 50)
 *   params->has_cursor, params->cursor: lexc_str (optional)
 *   params->has_active, params->active: bool (optional)
 *   params->has_event, params->event: lexc_str (optional, enum chat|livestream|follow|mention;
 *      place_stream_server_listWebhooks__params__event__from_str())
 *
 * output (place_stream_server_listWebhooks__output, application/json):
 *   place_stream_server_listWebhooks__output__set_webhooks(output,
 *      place_stream_server_defs__webhook *items, size_t count) (required, items:
 *      place.stream.server.defs#webhook)
 *   place_stream_server_listWebhooks__output__set_cursor(output, lexc_str) (optional)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return place_stream_server_listWebhooks__error_InvalidCursor(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/stream/server/defs.h"
#include "place/stream/server/listWebhooks.h"
#include "view.h"

lexc_status
place_stream_server_listWebhooks__handle(lexc_call *call,
                                         const place_stream_server_listWebhooks__params *params,
                                         place_stream_server_listWebhooks__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	wh_list_query q = {
	        .limit = params->has_limit ? (size_t)params->limit : 50,
	        .has_active = params->has_active,
	        .active = params->active,
	        .event = params->has_event ? wh_event_bit(params->event) : 0,
	};
	if (params->has_cursor && !wh_cursor_parse(svc->keys, did, params->cursor, a, &q.after_id))
		return place_stream_server_listWebhooks__error_InvalidCursor(
		        call, "the cursor was not issued by this server for this account");

	lexc_error err;
	lexc_error_clear(&err);
	wh_webhook *found = NULL;
	size_t n = 0;
	bool more = false;
	wh_result r =
	        svc->store->ops->webhook_list(svc->store, did, &q, a, &found, &n, &more, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	place_stream_server_defs__webhook *views = lexc_arena_calloc(a, n ? n : 1, sizeof *views);
	if (views == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	for (size_t i = 0; i < n; i++)
		wh_view_webhook(a, &found[i], &views[i]);
	place_stream_server_listWebhooks__output__set_webhooks(output, views, n);
	if (more && n > 0)
		place_stream_server_listWebhooks__output__set_cursor(
		        output, wh_cursor_make(svc->keys, did, found[n - 1].id, a));
	return LEXC_OK;
}
