/* view.h: what the handlers share: the caller, store results as XRPC
 * errors, new secrets, and the store's objects as the lexicons' structs.
 * Everything is allocated in the call's arena. */
#ifndef WEBHOOKD_VIEW_H
#define WEBHOOKD_VIEW_H

#include "handlers.h"
#include "webhookd.h"

#include "dev/lexc/webhookd/defs.h"
#include "place/stream/server/defs.h"

/* The caller's DID (every method requires one: the auth hook set it). */
lexc_str wh_call_did(lexc_call *call);

/* Answers store result `r` (not WH_OK) as the error the lexicons declare:
 * WH_NOT_FOUND as `not_found` ("WebhookNotFound" or "NotFound"), the
 * others by their names in doc/webhookd.md, WH_FAILED as a 500 whose
 * cause (err) is logged. */
lexc_status wh_fail(lexc_call *call, wh_result r, const lexc_error *err, const char *not_found);

/* A new secret for `did` at `now`: a fresh value (*plain, to show once),
 * its id and its sealed form. false (and the call failed with a 500) if
 * the CSPRNG or the cipher failed. */
bool wh_secret_new(lexc_call *call, lexc_str did, int64_t now, wh_new_secret *out, lexc_str *plain);

/* Rotates the caller's named secret `name` at `now`: the new token into
 * *token (to show once), the old one's expiry into *retired_until (0 when
 * grace_ms is 0: it stops at once). Answers the error itself if it fails. */
lexc_status wh_named_rotate(lexc_call *call, lexc_str name, int64_t grace_ms, int64_t now,
                            lexc_str *token, int64_t *retired_until);

/* The grace period of a rotation in ms: `seconds` when given, else the
 * configured default. false (the call failed: InvalidRequest) past the
 * configured maximum. */
bool wh_grace_ms(lexc_call *call, bool given, int64_t seconds, int64_t *out);

/* The WH_EVENT_* bits of event names (the lexicon's enum checked them). */
uint32_t wh_events_of(const lexc_str *names, size_t n);

/* Streamplace's view of a stored webhook. */
void wh_view_webhook(lexc_arena *a, const wh_webhook *w, place_stream_server_defs__webhook *out);

/* Secrets' metadata (dev.lexc.webhookd.defs#secretMeta), current first. */
dev_lexc_webhookd_defs__secretMeta *wh_view_secrets(lexc_arena *a, const wh_secret *s, size_t n);

/* Fills `out` with the state of the caller's webhook `id` (status, how it
 * signs, its valid secrets) as it is now; answers the error if it fails. */
lexc_status wh_view_state(lexc_call *call, lexc_str id, dev_lexc_webhookd_defs__webhookState *out);

/* An attempt of the log (dev.lexc.webhookd.defs#attempt); the receiver's
 * text with invalid UTF-8 replaced. */
void wh_view_attempt(lexc_arena *a, const wh_attempt_row *r, dev_lexc_webhookd_defs__attempt *out);

#endif /* WEBHOOKD_VIEW_H */
