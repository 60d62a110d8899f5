/* publish.c: see publish.h. */
#include "config.h"

#include "delivery.h"
#include "publish.h"

#include <string.h>

/* How long an eventId stays taken: Svix's one day. */
enum { DEDUP_MS = 24 * 3600 * 1000 };

#include <stddef.h>

#define KIND_(type, name, bit)                                                                     \
	{                                                                                          \
		type, "dev.lexc.webhookd.defs#" #name, bit,                                        \
		        dev_lexc_webhookd_defs__event__data__kind_##name,                          \
		        offsetof(dev_lexc_webhookd_defs__##name, has_content)                      \
	}

/* The event types: the $type their data must have, the union variant that
 * carries it in the #event envelope, and where its has_content flag is. */
static const struct {
	const char *type; /* the event's type */
	const char *def;  /* its data's $type */
	uint32_t bit;
	int kind;
	size_t has_content;
} kinds[] = {
        KIND_("chat", chat, WH_EVENT_CHAT),
        KIND_("livestream", livestream, WH_EVENT_LIVESTREAM),
        KIND_("follow", follow, WH_EVENT_FOLLOW),
        KIND_("mention", mention, WH_EVENT_MENTION),
        KIND_("stream.received", streamReceived, WH_EVENT_STREAM_RECEIVED),
};
#undef KIND_

/* The stored form of the event k: its data with `content` cleared
 * (webhookd sets it per webhook), as the envelope's union variant. */
static void set_data(lexc_union *u, size_t k, void *value)
{
	*(bool *)((char *)value + kinds[k].has_content) = false;
	u->kind = kinds[k].kind;
	u->value = value;
	u->type = lexc_str_borrow(kinds[k].def);
	u->raw = lexc_str_borrow(NULL);
}

static bool envelope(lexc_arena *a, lexc_str type, int64_t now, lexc_union *data, lexc_str *out,
                     lexc_error *err)
{
	dev_lexc_webhookd_defs__event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.timestamp = wh_datetime(a, now);
	ev.data = *data;
	return dev_lexc_webhookd_defs__event__encode_string(&ev, a, out, err) == LEXC_OK;
}

static bool fresh_id(lexc_arena *a, int64_t now, lexc_str *out)
{
	char id[WH_UUID_LEN + 1];
	if (!wh_uuid7(now, id))
		return false;
	*out = lexc_str_copy(a, id);
	return out->ptr != NULL;
}

static lexc_status commit(lexc_call *call, const wh_event_in *in, size_t n, int64_t now,
                          wh_publish_out *out, const char *not_found)
{
	wh_service *svc = wh_service_of(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = svc->store->ops->events_publish(svc->store, in, n, now, DEDUP_MS,
	                                              lexc_call_arena(call), out, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, not_found);
	wh_deliverer_wake(svc->deliverer);
	return LEXC_OK;
}

lexc_status wh_publish(lexc_call *call, const wh_event_arg *ev, size_t n, const char *path,
                       dev_lexc_webhookd_defs__publishResult *out)
{
	const wh_caller *caller = lexc_call_caller_data(call);
	if (caller == NULL || !caller->operator_key)
		return lexc_call_fail(call, LEXC_FORBIDDEN, "publishing takes an operator key");
	lexc_arena *a = lexc_call_arena(call);
	wh_event_in *in = lexc_arena_calloc(a, n, sizeof *in);
	wh_publish_out *res = lexc_arena_calloc(a, n, sizeof *res);
	if (in == NULL || res == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	int64_t now = wh_now_ms();
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < sizeof kinds / sizeof kinds[0] &&
		       !lexc_str_eq_cstr(ev[i].type, kinds[k].type))
			k++;
		char where[48] = "";
		if (path != NULL)
			snprintf(where, sizeof where, "%s[%zu]", path, i);
		if (k == sizeof kinds / sizeof kinds[0] ||
		    !lexc_str_eq_cstr(ev[i].data->type, kinds[k].def))
			return lexc_call_fail(
			        call, LEXC_INVALID_REQUEST,
			        "%s$.data: an event of type %.*s takes a %s, not %.*s", where,
			        (int)ev[i].type.len, ev[i].type.ptr,
			        k < sizeof kinds / sizeof kinds[0] ? kinds[k].def : "known type",
			        (int)ev[i].data->type.len, ev[i].data->type.ptr);
		lexc_union data;
		lexc_error err;
		lexc_error_clear(&err);
		in[i].did = ev[i].did;
		in[i].type = kinds[k].bit;
		set_data(&data, k, ev[i].data->value);
		if (!envelope(a, ev[i].type, now, &data, &in[i].body, &err))
			return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "%s", err.message);
		if (ev[i].has_event_id)
			in[i].id = ev[i].event_id;
		else if (!fresh_id(a, now, &in[i].id))
			return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "no event id");
	}
	lexc_status st = commit(call, in, n, now, res, "NotFound");
	if (st != LEXC_OK)
		return st;
	for (size_t i = 0; i < n; i++) {
		out[i].eventId = in[i].id;
		out[i].webhooks = res[i].webhooks;
		if (res[i].duplicate)
			dev_lexc_webhookd_defs__publishResult__set_duplicate(&out[i], true);
	}
	return LEXC_OK;
}

lexc_status wh_publish_ping(lexc_call *call, lexc_str id, lexc_str *event_id, lexc_str *message_id)
{
	lexc_arena *a = lexc_call_arena(call);
	int64_t now = wh_now_ms();
	dev_lexc_webhookd_defs__ping *ping = dev_lexc_webhookd_defs__ping__new(a);
	wh_event_in in;
	memset(&in, 0, sizeof in);
	if (ping == NULL || !fresh_id(a, now, &in.id))
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	ping->webhookId = id;
	lexc_union data;
	dev_lexc_webhookd_defs__event__data__set_ping(&data, ping);
	lexc_error err;
	lexc_error_clear(&err);
	if (!envelope(a, LEXC_STR("ping"), now, &data, &in.body, &err))
		return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "%s", err.message);
	in.did = wh_call_did(call);
	in.type = WH_EVENT_PING;
	in.only_webhook = id;
	wh_publish_out out;
	lexc_status st = commit(call, &in, 1, now, &out, "WebhookNotFound");
	if (st != LEXC_OK)
		return st;
	*event_id = in.id;
	*message_id = out.message_id;
	return LEXC_OK;
}
