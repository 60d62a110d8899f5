/* handlers/place_stream_server_createWebhook.c: the procedure place.stream.server.createWebhook.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Create a new webhook for receiving Streamplace events. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (place_stream_server_createWebhook__input, application/json):
 *   input->url: lexc_str (required, format uri)
 *   input->n_events, input->events: lexc_str * (required, items: enum
 *      chat|livestream|follow|mention;
 *      place_stream_server_createWebhook__input__events__from_str())
 *   input->has_active, input->active: bool (optional, default false)
 *   input->has_prefix, input->prefix: lexc_str (optional, maxLength 100)
 *   input->has_suffix, input->suffix: lexc_str (optional, maxLength 100)
 *   input->has_rewrite, input->n_rewrite, input->rewrite: place_stream_server_defs__rewriteRule *
 *      (optional, items: place.stream.server.defs#rewriteRule)
 *   input->has_name, input->name: lexc_str (optional, maxLength 100)
 *   input->has_description, input->description: lexc_str (optional, maxLength 500)
 *   input->has_muteWords, input->n_muteWords, input->muteWords: lexc_str * (optional, items:
 *      maxLength 100)
 *
 * output (place_stream_server_createWebhook__output, application/json):
 *   output->webhook: place_stream_server_defs__webhook * (required,
 *      place.stream.server.defs#webhook; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return place_stream_server_createWebhook__error_InvalidUrl(call, "...");
 *   return place_stream_server_createWebhook__error_DuplicateWebhook(call, "...");
 *   return place_stream_server_createWebhook__error_TooManyWebhooks(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/stream/server/createWebhook.h"
#include "place/stream/server/defs.h"

lexc_status
place_stream_server_createWebhook__handle(lexc_call *call,
                                          const place_stream_server_createWebhook__input *input,
                                          place_stream_server_createWebhook__output *output)
{
	(void)input;
	(void)output;
	return lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED,
	                      "place.stream.server.createWebhook is not implemented yet");
}
