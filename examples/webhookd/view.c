/* view.c: see view.h. */
#include "config.h"

#include "view.h"

#include <lexc/utf8.h>
#include <string.h>

#include <string.h>

lexc_str wh_call_did(lexc_call *call)
{
	const char *did = lexc_call_caller_did(call);
	return did != NULL ? lexc_str_borrow(did) : LEXC_STR("");
}

lexc_status wh_fail(lexc_call *call, wh_result r, const lexc_error *err, const char *not_found)
{
	switch (r) {
	case WH_OK:
		break;
	case WH_NOT_FOUND:
		return lexc_call_error(call, not_found, "no such %s",
		                       strcmp(not_found, "WebhookNotFound") == 0 ? "webhook"
		                                                                 : "secret");
	case WH_ALREADY_EXISTS:
		return lexc_call_error(call, "AlreadyExists", "a secret of this name exists");
	case WH_DUPLICATE:
		return lexc_call_error(call, "DuplicateWebhook",
		                       "you have a webhook with this url");
	case WH_TOO_MANY:
		return lexc_call_error(call, "TooManyWebhooks", "at most %zu webhooks per account",
		                       wh_service_of(call)->limits.max_webhooks);
	case WH_TOO_MANY_RETIRED:
		return lexc_call_error(
		        call, "TooManyRetiredSecrets",
		        "%d retired secrets are still valid; rotate with graceSeconds 0 "
		        "or wait until one expires",
		        WH_MAX_RETIRED);
	case WH_ARCHIVED:
		return lexc_call_error(call, "WebhookArchived",
		                       "the webhook is archived (read-only)");
	case WH_SECRET_IS_NAMED:
		return lexc_call_error(call, "SecretIsNamed",
		                       "the webhook signs with a named secret; rotate that secret");
	case WH_SECRET_NOT_FOUND:
		return lexc_call_error(call, "NotFound", "no such secret");
	case WH_SECRET_IN_USE:
		return lexc_call_fail(call, LEXC_INVALID_REQUEST,
		                      "webhooks sign with this secret; bind them to another first");
	case WH_FAILED:
		break;
	}
	return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "store: %s",
	                      err != NULL ? err->message : wh_result_name(r));
}

bool wh_secret_new(lexc_call *call, lexc_str did, int64_t now, wh_new_secret *out, lexc_str *plain)
{
	lexc_arena *a = lexc_call_arena(call);
	char value[WH_SECRET_LEN + 1], id[WH_UUID_LEN + 1];
	bool ok = wh_secret_generate(value) && wh_uuid7(now, id);
	if (ok) {
		*plain = lexc_str_copy_n(a, value, WH_SECRET_LEN);
		out->id = lexc_str_copy_n(a, id, WH_UUID_LEN);
		out->now = now;
		ok = plain->ptr != NULL && out->id.ptr != NULL &&
		     wh_seal(wh_service_of(call)->keys, did, out->id, *plain, a, &out->sealed);
	}
	wh_wipe(value, sizeof value);
	if (!ok)
		lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "could not make a secret");
	return ok;
}

lexc_status wh_named_rotate(lexc_call *call, lexc_str name, int64_t grace_ms, int64_t now,
                            lexc_str *token, int64_t *retired_until)
{
	wh_service *svc = wh_service_of(call);
	lexc_str did = wh_call_did(call);
	wh_new_secret secret;
	if (!wh_secret_new(call, did, now, &secret, token))
		return LEXC_INTERNAL_SERVER_ERROR;
	lexc_error err;
	lexc_error_clear(&err);
	*retired_until = 0;
	wh_result r = svc->store->ops->secret_rotate(svc->store, did, name, &secret, grace_ms,
	                                             retired_until, &err);
	return r == WH_OK ? LEXC_OK : wh_fail(call, r, &err, "NotFound");
}

bool wh_grace_ms(lexc_call *call, bool given, int64_t seconds, int64_t *out)
{
	const wh_limits *l = &wh_service_of(call)->limits;
	if (!given)
		seconds = l->grace_default;
	if (seconds < 0 || seconds > l->grace_max) {
		lexc_call_fail(call, LEXC_INVALID_REQUEST,
		               "graceSeconds must be between 0 and %lld (this server's maximum)",
		               (long long)l->grace_max);
		return false;
	}
	*out = seconds * 1000;
	return true;
}

uint32_t wh_events_of(const lexc_str *names, size_t n)
{
	uint32_t bits = 0;
	for (size_t i = 0; i < n; i++)
		bits |= wh_event_bit(names[i]);
	return bits;
}

void wh_view_webhook(lexc_arena *a, const wh_webhook *w, place_stream_server_defs__webhook *out)
{
	out->id = w->id;
	out->url = w->url;
	size_t n = 0;
	lexc_str *events = lexc_arena_calloc(a, WH_EVENT_COUNT, sizeof *events);
	for (unsigned i = 0; events != NULL && i < WH_EVENT_COUNT; i++)
		if (w->events & (1u << i))
			events[n++] = lexc_str_borrow(wh_event_name(i));
	place_stream_server_defs__webhook__set_events(out, events, n);
	out->active = w->status == WH_STATUS_ACTIVE;
	if (w->prefix.ptr != NULL)
		place_stream_server_defs__webhook__set_prefix(out, w->prefix);
	if (w->suffix.ptr != NULL)
		place_stream_server_defs__webhook__set_suffix(out, w->suffix);
	if (w->name.ptr != NULL)
		place_stream_server_defs__webhook__set_name(out, w->name);
	if (w->description.ptr != NULL)
		place_stream_server_defs__webhook__set_description(out, w->description);
	if (w->has_rewrite) {
		place_stream_server_defs__rewriteRule *rules =
		        lexc_arena_calloc(a, w->n_rewrite ? w->n_rewrite : 1, sizeof *rules);
		for (size_t i = 0; rules != NULL && i < w->n_rewrite; i++) {
			rules[i].from = w->rewrite[i].from;
			rules[i].to = w->rewrite[i].to;
		}
		place_stream_server_defs__webhook__set_rewrite(out, rules, w->n_rewrite);
	}
	if (w->has_mute_words)
		place_stream_server_defs__webhook__set_muteWords(out, w->mute_words,
		                                                 w->n_mute_words);
	out->createdAt = wh_datetime(a, w->created_at);
	if (w->updated_at != 0)
		place_stream_server_defs__webhook__set_updatedAt(out,
		                                                 wh_datetime(a, w->updated_at));
	if (w->last_triggered != 0)
		place_stream_server_defs__webhook__set_lastTriggered(
		        out, wh_datetime(a, w->last_triggered));
	place_stream_server_defs__webhook__set_errorCount(out, w->error_count);
}

dev_lexc_webhookd_defs__secretMeta *wh_view_secrets(lexc_arena *a, const wh_secret *s, size_t n)
{
	dev_lexc_webhookd_defs__secretMeta *out = lexc_arena_calloc(a, n ? n : 1, sizeof *out);
	for (size_t i = 0; out != NULL && i < n; i++) {
		out[i].id = s[i].id;
		out[i].createdAt = wh_datetime(a, s[i].created_at);
		out[i].current = s[i].expires_at == 0;
		if (s[i].expires_at != 0)
			dev_lexc_webhookd_defs__secretMeta__set_expiresAt(
			        &out[i], wh_datetime(a, s[i].expires_at));
	}
	return out;
}

lexc_status wh_view_state(lexc_call *call, lexc_str id, dev_lexc_webhookd_defs__webhookState *out)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_str did = wh_call_did(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_webhook w;
	wh_result r = svc->store->ops->webhook_get(svc->store, did, id, a, &w, &err);
	wh_secret *secrets = NULL;
	size_t n = 0;
	bool named = false;
	if (r == WH_OK)
		r = svc->store->ops->webhook_secrets(svc->store, did, id, wh_now_ms(), false, a,
		                                     &secrets, &n, &named, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "WebhookNotFound");
	out->id = w.id;
	out->status = lexc_str_borrow(wh_status_name(w.status));
	if (w.secret_name.ptr != NULL)
		dev_lexc_webhookd_defs__webhookState__set_secretName(out, w.secret_name);
	dev_lexc_webhookd_defs__webhookState__set_secrets(out, wh_view_secrets(a, secrets, n), n);
	dev_lexc_webhookd_defs__webhookState__set_format(out,
	                                                 lexc_str_borrow(wh_format_name(w.format)));
	return LEXC_OK;
}

/* Text from a receiver as a lexicon string: invalid UTF-8 becomes U+FFFD
 * and the result stays within `max` bytes. */
static lexc_str valid_text(lexc_arena *a, lexc_str s, size_t max)
{
	if (s.len <= max && lexc_utf8_valid(s.ptr, s.len))
		return s;
	char *out = lexc_arena_alloc(a, max + 1);
	size_t o = 0, i = 0;
	while (out != NULL && i < s.len) {
		size_t ok = lexc_utf8_check(s.ptr + i, s.len - i); /* the valid run */
		size_t take = ok < max - o ? ok : lexc_utf8_prefix(s.ptr + i, s.len - i, max - o);
		memcpy(out + o, s.ptr + i, take);
		o += take;
		i += take;
		if (take < ok || i >= s.len || max - o < 3)
			break;
		memcpy(out + o, "\xEF\xBF\xBD", 3); /* U+FFFD for the invalid byte */
		o += 3;
		i++;
	}
	if (out == NULL)
		return lexc_str_borrow(NULL);
	out[o] = '\0';
	return (lexc_str){out, o};
}

void wh_view_attempt(lexc_arena *a, const wh_attempt_row *r, dev_lexc_webhookd_defs__attempt *out)
{
	out->id = lexc_str_printf(a, "%lld", (long long)r->seq);
	out->webhookId = r->webhook_id;
	out->eventId = r->event_id;
	out->messageId = r->message_id;
	out->attempt = r->number;
	out->createdAt = wh_datetime(a, r->created_at);
	out->durationMs = r->duration_ms;
	out->outcome = lexc_str_borrow(wh_outcome_name(r->outcome));
	if (r->status != 0)
		dev_lexc_webhookd_defs__attempt__set_status(out, r->status);
	if (r->error_class.ptr != NULL)
		dev_lexc_webhookd_defs__attempt__set_errorClass(out, r->error_class);
	if (r->error.ptr != NULL)
		dev_lexc_webhookd_defs__attempt__set_error(out, valid_text(a, r->error, 1000));
	if (r->next_at != 0)
		dev_lexc_webhookd_defs__attempt__set_nextAttemptAt(out, wh_datetime(a, r->next_at));
	if (r->headers.ptr != NULL && r->headers.len > 0)
		dev_lexc_webhookd_defs__attempt__set_responseHeaders(
		        out, valid_text(a, r->headers, 8192));
	if (r->body.ptr != NULL && r->body.len > 0)
		dev_lexc_webhookd_defs__attempt__set_responseBody(out,
		                                                  valid_text(a, r->body, 20000));
	if (r->truncated)
		dev_lexc_webhookd_defs__attempt__set_responseTruncated(out, true);
}
