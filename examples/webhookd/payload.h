/* payload.h: the body of one delivery, from the event as published.
 *
 * The outbox keeps each event once, as dev.lexc.webhookd.defs#event JSON;
 * a body is made from it when an attempt is sent, with the webhook's
 * transforms as they are then (transform.h):
 *   standard: the same #event, its data's `content` set to the transformed
 *             text (Standard Webhooks' {type, timestamp, data});
 *   discord:  Discord's execute-webhook JSON, as Streamplace sends it.
 * Both are encoded by generated code or liblexc's JSON writer. */
#ifndef WEBHOOKD_PAYLOAD_H
#define WEBHOOKD_PAYLOAD_H

#include "store.h"

#include <lexc/lexc.h>

#include <stdbool.h>

/* The format a delivery to `w` takes: its own, or for WH_FORMAT_AUTO
 * discord when its URL is a Discord webhook URL, else standard. */
wh_format wh_payload_format(const wh_webhook *w);

/* Builds the body of event `event_json` for webhook `w` into *body (the
 * arena). *muted: a mute word matched, *body is not set and nothing is to
 * be sent. false (err set) if the stored event does not decode or the body
 * cannot be built. */
bool wh_payload_build(lexc_arena *a, const wh_webhook *w, lexc_str event_json, lexc_str *body,
                      bool *muted, lexc_error *err);

#endif /* WEBHOOKD_PAYLOAD_H */
