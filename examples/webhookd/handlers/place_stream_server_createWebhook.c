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
#include "view.h"

lexc_status
place_stream_server_createWebhook__handle(lexc_call *call,
                                          const place_stream_server_createWebhook__input *input,
                                          place_stream_server_createWebhook__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	char why[256];
	if (!wh_url_check(&svc->net, input->url, why, sizeof why))
		return place_stream_server_createWebhook__error_InvalidUrl(call, "%s", why);

	int64_t now = wh_now_ms();
	char id[WH_UUID_LEN + 1];
	if (!wh_uuid7(now, id))
		return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "no randomness for an id");
	wh_webhook w = {
	        .id = lexc_str_copy_n(a, id, WH_UUID_LEN),
	        .did = did,
	        .url = input->url,
	        .events = wh_events_of(input->events, input->n_events),
	        .status =
	                input->has_active && input->active ? WH_STATUS_ACTIVE : WH_STATUS_SUSPENDED,
	        .has_rewrite = input->has_rewrite,
	        .has_mute_words = input->has_muteWords,
	        .n_mute_words = input->n_muteWords,
	        .mute_words = input->muteWords,
	        .created_at = now,
	};
	if (input->has_prefix)
		w.prefix = input->prefix;
	if (input->has_suffix)
		w.suffix = input->suffix;
	if (input->has_name)
		w.name = input->name;
	if (input->has_description)
		w.description = input->description;
	if (input->has_rewrite && input->n_rewrite > 0) {
		w.rewrite = lexc_arena_calloc(a, input->n_rewrite, sizeof *w.rewrite);
		if (w.rewrite == NULL)
			return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
		for (size_t i = 0; i < input->n_rewrite; i++)
			w.rewrite[i] = (wh_rewrite){input->rewrite[i].from, input->rewrite[i].to};
		w.n_rewrite = input->n_rewrite;
	}

	wh_new_secret secret;
	lexc_str plain;
	if (!wh_secret_new(call, did, now, &secret, &plain))
		return LEXC_INTERNAL_SERVER_ERROR;
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = svc->store->ops->webhook_create(svc->store, &w, &secret,
	                                              svc->limits.max_webhooks, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	wh_view_webhook(a, &w, output->webhook);
	return LEXC_OK;
}
