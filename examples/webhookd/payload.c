/* payload.c: delivery bodies (payload.h). */
#include "config.h"

#include "payload.h"
#include "transform.h"

#include "dev/lexc/webhookd/defs.h"

#include <stdlib.h>
#include <string.h>

wh_format wh_payload_format(const wh_webhook *w)
{
	if (w->format != WH_FORMAT_AUTO)
		return w->format;
	return wh_is_discord_url(w->url) ? WH_FORMAT_DISCORD : WH_FORMAT_STANDARD;
}

static void person_view(const dev_lexc_webhookd_defs__person *p, wh_person *out)
{
	memset(out, 0, sizeof *out);
	if (p == NULL)
		return;
	out->did = p->did;
	out->handle = p->handle;
	if (p->has_avatar)
		out->avatar = p->avatar;
}

/* The event's view for the transforms, and where its `content` goes. */
static bool event_view(const dev_lexc_webhookd_defs__event *ev, wh_event_view *v,
                       bool **has_content, lexc_str **content)
{
	memset(v, 0, sizeof *v);
	const lexc_union *u = &ev->data;
	switch (u->kind) {
	case dev_lexc_webhookd_defs__event__data__kind_chat: {
		dev_lexc_webhookd_defs__chat *x = u->value;
		v->type = WH_EVENT_CHAT;
		v->text = x->text;
		person_view(x->author, &v->author);
		*has_content = &x->has_content;
		*content = &x->content;
		return true;
	}
	case dev_lexc_webhookd_defs__event__data__kind_livestream: {
		dev_lexc_webhookd_defs__livestream *x = u->value;
		v->type = WH_EVENT_LIVESTREAM;
		v->title = x->title;
		v->url = x->url;
		if (x->has_thumbnail)
			v->thumbnail = x->thumbnail;
		if (x->has_color) {
			v->has_color = true;
			v->color = (uint32_t)x->color;
		}
		person_view(x->streamer, &v->author);
		*has_content = &x->has_content;
		*content = &x->content;
		return true;
	}
	case dev_lexc_webhookd_defs__event__data__kind_follow: {
		dev_lexc_webhookd_defs__follow *x = u->value;
		v->type = WH_EVENT_FOLLOW;
		person_view(x->follower, &v->author);
		*has_content = &x->has_content;
		*content = &x->content;
		return true;
	}
	case dev_lexc_webhookd_defs__event__data__kind_mention: {
		dev_lexc_webhookd_defs__mention *x = u->value;
		v->type = WH_EVENT_MENTION;
		v->text = x->text;
		person_view(x->author, &v->author);
		*has_content = &x->has_content;
		*content = &x->content;
		return true;
	}
	case dev_lexc_webhookd_defs__event__data__kind_streamReceived: {
		dev_lexc_webhookd_defs__streamReceived *x = u->value;
		v->type = WH_EVENT_STREAM_RECEIVED;
		person_view(x->streamer, &v->author);
		if (x->has_url)
			v->url = x->url;
		*has_content = &x->has_content;
		*content = &x->content;
		return true;
	}
	case dev_lexc_webhookd_defs__event__data__kind_ping: {
		dev_lexc_webhookd_defs__ping *x = u->value;
		v->type = WH_EVENT_PING;
		*has_content = &x->has_content;
		*content = &x->content;
		return true;
	}
	default:
		return false;
	}
}

bool wh_payload_build(lexc_arena *a, const wh_webhook *w, lexc_str event_json, lexc_str *body,
                      bool *muted, lexc_error *err)
{
	*muted = false;
	dev_lexc_webhookd_defs__event ev;
	if (dev_lexc_webhookd_defs__event__decode(event_json.ptr, event_json.len, a, &ev, err) !=
	    LEXC_OK)
		return false;
	wh_event_view v;
	bool *has_content = NULL;
	lexc_str *content = NULL;
	if (!event_view(&ev, &v, &has_content, &content)) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "a stored event of no known type");
		return false;
	}
	if (wh_event_muted(w, &v)) {
		*muted = true;
		return true;
	}
	if (wh_payload_format(w) == WH_FORMAT_DISCORD) {
		lexc_json_writer jw;
		lexc_json_writer_init(&jw, err);
		bool ok = wh_discord_payload(&jw, a, w, WH_STYLE_DEFAULT, &v);
		size_t len = 0;
		char *json = ok ? lexc_json_writer_take(&jw, &len) : NULL;
		lexc_json_writer_free(&jw);
		if (json == NULL) {
			if (ok || err->code == LEXC_OK)
				lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
				               "cannot build the Discord payload");
			return false;
		}
		*body = lexc_str_copy_n(a, json, len);
		free(json);
		return body->ptr != NULL;
	}
	lexc_str text = wh_event_content(a, w, WH_STYLE_DEFAULT, &v);
	if (text.ptr == NULL) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "the content does not fit");
		return false;
	}
	*has_content = true;
	*content = text;
	return dev_lexc_webhookd_defs__event__encode_string(&ev, a, body, err) == LEXC_OK;
}
