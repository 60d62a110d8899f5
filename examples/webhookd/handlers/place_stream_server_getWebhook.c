/* handlers/place_stream_server_getWebhook.c: the query place.stream.server.getWebhook. Written by
 * lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Get details for a specific webhook. */
/* What the lexicon gives the handler and expects of it:
 *
 * params (place_stream_server_getWebhook__params):
 *   params->id: lexc_str (required)
 *
 * output (place_stream_server_getWebhook__output, application/json):
 *   output->webhook: place_stream_server_defs__webhook * (required,
 *      place.stream.server.defs#webhook; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return place_stream_server_getWebhook__error_WebhookNotFound(call, "...");
 *   return place_stream_server_getWebhook__error_Unauthorized(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/stream/server/defs.h"
#include "place/stream/server/getWebhook.h"
#include "view.h"

lexc_status
place_stream_server_getWebhook__handle(lexc_call *call,
                                       const place_stream_server_getWebhook__params *params,
                                       place_stream_server_getWebhook__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_webhook w;
	wh_result r = svc->store->ops->webhook_get(svc->store, wh_call_did(call), params->id, a, &w,
	                                           &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	wh_view_webhook(a, &w, output->webhook);
	return LEXC_OK;
}
