/* transform.h: the text a webhook sends for an event, and Discord's
 * execute-webhook payload, built as Streamplace builds them
 * (streamplace/streamplace pkg/integrations/discord/send-chat.go @45e7a392,
 * send-livestream.go @03edac96, send-stream-received.go @60753841,
 * pkg/integrations/webhook/manager.go @45e7a392).
 *
 * Content, per event (w: the webhook; rules: its rewrite list, each a
 * literal replace-all, in list order; anti-ping: "@here" -> "@\u200Bhere",
 * "@everyone" -> "@\u200Beveryone", "<@" -> "<@\u200B", in that order):
 *   chat:            rules(anti-ping(lead + prefix + text + suffix)), where
 *                    lead is "" or, in WH_STYLE_STREAMPLACE,
 *                    "**@<handle>**: " (Streamplace's own).
 *   livestream:      prefix + rules("🔴 LIVE " + title) + suffix, without
 *                    anti-ping (Streamplace's own; the title is the owner's).
 *   stream.received: prefix + rules("stream.received " + streamer DID) +
 *                    suffix (Streamplace's own).
 *   ping:            prefix + rules("webhookd test ping") + suffix (ours,
 *                    shaped like stream.received: the owner's own test).
 *   follow:          rules(anti-ping(prefix + "@<handle> followed you" +
 *                    suffix)) (ours: Streamplace sends no follow; the
 *                    handle is a stranger's, so it is treated like chat).
 *   mention:         rules(anti-ping(prefix + "@<handle> mentioned you: " +
 *                    text + suffix)) (ours, for the same reason).
 * A rule whose `from` is empty is skipped (Go would insert `to` between
 * every character; the lexicon forbids it, minLength 1).
 *
 * Null strings count as "". Ownership: inputs are borrowed for the call;
 * results live in the caller's arena. No function keeps state: all are
 * safe from any number of threads with distinct arenas and writers. */
#ifndef WEBHOOKD_TRANSFORM_H
#define WEBHOOKD_TRANSFORM_H

#include "store.h"

#include <lexc/lexc.h>

#include <stdbool.h>
#include <stdint.h>

/* The longest content built, in bytes: rewrites can grow the text 100-fold
 * per rule, so a cap keeps a hostile rule list from exhausting memory. */
enum { WH_CONTENT_MAX = 1 << 20 };

/* Streamplace's streamplaceFormat flag (newer than the lexicon webhookd
 * serves, so not in wh_webhook; callers pass WH_STYLE_DEFAULT for now; not
 * wh_format, which picks Discord or Standard Webhooks bodies). Default: a
 * chat is posted under the chatter's "@handle" and avatar. Streamplace:
 * under "[Streamplace]" with the webhook's own avatar, the handle inline.
 * Only chat, follow and mention depend on it. */
typedef enum wh_style {
	WH_STYLE_DEFAULT = 0,
	WH_STYLE_STREAMPLACE = 1,
} wh_style;

typedef struct wh_person {
	lexc_str did, handle;
	lexc_str avatar; /* avatar URL; null or "": none */
} wh_person;

/* One decoded event; only the fields its type uses are read. */
typedef struct wh_event_view {
	uint32_t type; /* one WH_EVENT_* bit */
	/* chat, mention: the author; follow: the follower; livestream,
	 * stream.received: the streamer. */
	wh_person author;
	lexc_str text; /* chat, mention: the message text */
	/* livestream: the record's title and url (null: no url, so the embed
	 * has no link and its title ends "is LIVE!"); thumbnail: the image
	 * URL (null: no image; Streamplace's is wh_blob_url() of the thumb
	 * blob); color: the chat profile's colour as 0xRRGGBB, has_color false
	 * for Streamplace's default 0xf8baca. */
	lexc_str title, url, thumbnail;
	bool has_color;
	uint32_t color;
} wh_event_view;

/* Arena: the content of event `e` for webhook `w` (rules above),
 * NUL-terminated. The null string for an unknown type, when the content
 * would pass WH_CONTENT_MAX bytes, or when the arena fails
 * (lexc_arena_failed() tells which). */
lexc_str wh_event_content(lexc_arena *a, const wh_webhook *w, wh_style style,
                          const wh_event_view *e);

/* Whether w's muteWords drop event `e`: a chat or mention whose text,
 * lowercased, contains a mute word, lowercased (Go's strings.ToLower:
 * Unicode simple case mapping, here utf8proc_tolower). Only the text is
 * matched, never prefix or suffix. An empty mute word matches every text,
 * as Go's strings.Contains(s, "") does and Streamplace does not skip it.
 * Other types are never muted (Streamplace mutes chat only; a mention is a
 * chat message). Allocates nothing. */
bool wh_event_muted(const wh_webhook *w, const wh_event_view *e);

/* Whether `url` is a Discord execute-webhook URL, so that it gets
 * wh_discord_payload() rather than a Standard Webhooks body:
 *   https://HOST/api[/vN]/webhooks/ID/TOKEN[?query]
 * HOST exactly one of discord.com, discordapp.com and their ptb. and
 * canary. names (case-insensitive; no port, user info or trailing dot), ID
 * digits, TOKEN [A-Za-z0-9_-]+; no fragment, no further path (/slack and
 * /github take other bodies), no byte outside printable ASCII. */
bool wh_is_discord_url(lexc_str url);

/* Arena: Streamplace's link to a blob, as send-livestream.go makes the
 * thumbnail's: <pds>/xrpc/com.atproto.sync.getBlob?cid=<cid>&did=<did>,
 * both escaped as Go's url.Values.Encode() does. The null string when the
 * arena fails. */
lexc_str wh_blob_url(lexc_arena *a, lexc_str pds, lexc_str did, lexc_str cid);

/* Writes Discord's execute-webhook JSON for `e` into `jw`, as Streamplace
 * marshals discordtypes.Payload: members in the order username,
 * avatar_url, content, embeds, each left out when empty (Go's omitempty).
 * chat, follow, mention: username "@<handle>" and the person's avatar, or
 * "[Streamplace]" and no avatar in WH_STYLE_STREAMPLACE. livestream:
 * "@<handle>", avatar, and one embed {title "@<handle> is LIVE on
 * <host>!", url, color, image {url: thumbnail}}. stream.received, ping:
 * content only. Strings are escaped as lexc_json_write_string() does, not
 * with Go's \u003c, \u003e, \u0026 for < > &: the same JSON values. The
 * caller checks wh_event_muted() first. Scratch text goes to `a`; the JSON
 * stays the writer's (lexc_json_writer_take() hands it over). False
 * when the content fails (wh_event_content) or the writer fails (also on
 * text that is not UTF-8). */
bool wh_discord_payload(lexc_json_writer *jw, lexc_arena *a, const wh_webhook *w, wh_style style,
                        const wh_event_view *e);

#endif /* WEBHOOKD_TRANSFORM_H */
