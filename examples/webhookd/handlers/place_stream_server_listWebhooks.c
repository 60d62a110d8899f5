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

#include "place/stream/server/listWebhooks.h"
#include "place/stream/server/defs.h"

lexc_status
place_stream_server_listWebhooks__handle(lexc_call *call,
                                         const place_stream_server_listWebhooks__params *params,
                                         place_stream_server_listWebhooks__output *output)
{
	(void)params;
	(void)output;
	return lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED,
	                      "place.stream.server.listWebhooks is not implemented yet");
}
