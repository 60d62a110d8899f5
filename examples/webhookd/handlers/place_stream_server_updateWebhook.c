/* handlers/place_stream_server_updateWebhook.c: the procedure place.stream.server.updateWebhook.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Update an existing webhook configuration. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (place_stream_server_updateWebhook__input, application/json):
 *   input->id: lexc_str (required)
 *   input->has_url, input->url: lexc_str (optional, format uri)
 *   input->has_events, input->n_events, input->events: lexc_str * (optional, items: enum
 *      chat|livestream|follow|mention;
 *      place_stream_server_updateWebhook__input__events__from_str())
 *   input->has_active, input->active: bool (optional)
 *   input->has_prefix, input->prefix: lexc_str (optional, maxLength 100)
 *   input->has_suffix, input->suffix: lexc_str (optional, maxLength 100)
 *   input->has_rewrite, input->n_rewrite, input->rewrite: place_stream_server_defs__rewriteRule *
 *      (optional, items: place.stream.server.defs#rewriteRule)
 *   input->has_name, input->name: lexc_str (optional, maxLength 100)
 *   input->has_description, input->description: lexc_str (optional, maxLength 500)
 *   input->has_muteWords, input->n_muteWords, input->muteWords: lexc_str * (optional, items:
 *      maxLength 100)
 *
 * output (place_stream_server_updateWebhook__output, application/json):
 *   output->webhook: place_stream_server_defs__webhook * (required,
 *      place.stream.server.defs#webhook; allocated by the server)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return place_stream_server_updateWebhook__error_WebhookNotFound(call, "...");
 *   return place_stream_server_updateWebhook__error_Unauthorized(call, "...");
 *   return place_stream_server_updateWebhook__error_InvalidUrl(call, "...");
 *   return place_stream_server_updateWebhook__error_DuplicateWebhook(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/stream/server/defs.h"
#include "place/stream/server/updateWebhook.h"
#include "view.h"

lexc_status
place_stream_server_updateWebhook__handle(lexc_call *call,
                                          const place_stream_server_updateWebhook__input *input,
                                          place_stream_server_updateWebhook__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	char why[256];
	if (input->has_url && !wh_url_check(&svc->net, input->url, why, sizeof why))
		return place_stream_server_updateWebhook__error_InvalidUrl(call, "%s", why);

	wh_webhook_patch p = {
	        .has_url = input->has_url,
	        .has_events = input->has_events,
	        .has_active = input->has_active,
	        .has_prefix = input->has_prefix,
	        .has_suffix = input->has_suffix,
	        .has_name = input->has_name,
	        .has_description = input->has_description,
	        .has_rewrite = input->has_rewrite,
	        .has_mute_words = input->has_muteWords,
	        .now = wh_now_ms(),
	};
	wh_webhook *v = &p.value;
	v->url = input->url;
	v->events = wh_events_of(input->events, input->n_events);
	v->status = input->active ? WH_STATUS_ACTIVE : WH_STATUS_SUSPENDED;
	v->prefix = input->prefix;
	v->suffix = input->suffix;
	v->name = input->name;
	v->description = input->description;
	v->has_rewrite = input->has_rewrite;
	if (input->has_rewrite && input->n_rewrite > 0) {
		v->rewrite = lexc_arena_calloc(a, input->n_rewrite, sizeof *v->rewrite);
		if (v->rewrite == NULL)
			return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
		for (size_t i = 0; i < input->n_rewrite; i++)
			v->rewrite[i] = (wh_rewrite){input->rewrite[i].from, input->rewrite[i].to};
		v->n_rewrite = input->n_rewrite;
	}
	v->has_mute_words = input->has_muteWords;
	v->n_mute_words = input->n_muteWords;
	v->mute_words = input->muteWords;

	lexc_error err;
	lexc_error_clear(&err);
	wh_webhook w;
	wh_result r = svc->store->ops->webhook_update(svc->store, wh_call_did(call), input->id, &p,
	                                              a, &w, &err);
	/* updateWebhook declares no WebhookArchived: the generic error says it. */
	if (r == WH_ARCHIVED)
		return lexc_call_fail(call, LEXC_INVALID_REQUEST,
		                      "the webhook is archived (read-only)");
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	wh_view_webhook(a, &w, output->webhook);
	return LEXC_OK;
}
