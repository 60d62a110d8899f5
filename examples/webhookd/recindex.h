/* recindex.h: which record webhooks an event of the stream fires
 * (doc/webhookd.md, "Record webhooks").
 *
 * A webhook's scope is an at-uri of a DID, a DID's collection or one
 * record. The index keeps two hash maps from such keys ("DID",
 * "DID/COLLECTION", "DID/COLLECTION/RKEY") to the webhooks that watch
 * them: one for the scope itself, one for its backlinks. An event costs
 * three lookups in the first (its repo, collection and record), and, when
 * any webhook wants backlinks, up to three in the second for every at-uri
 * or DID its record's JSON mentions, read in one pass over the record.
 * Nothing depends on how many webhooks there are.
 *
 * Keys hash with SipHash-1-3 under a random key: the scopes come from
 * anyone's records, so chains cannot be made long on purpose.
 *
 * Not thread-safe: one thread (the stream's) owns an index. */
#ifndef WEBHOOKD_RECINDEX_H
#define WEBHOOKD_RECINDEX_H

#include "store.h"

#include <lexc/lexc.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wh_recindex wh_recindex;

/* An empty index; NULL if out of memory. */
wh_recindex *wh_recindex_new(void);
void wh_recindex_free(wh_recindex *ix);

/* Splits a scope "at://DID[/COLLECTION[/RKEY]]" (a trailing '/', a query
 * and a fragment are ignored); collection and rkey are empty when absent.
 * false, with *why set, unless the authority is a DID and the parts are a
 * valid NSID and record key. */
bool wh_scope_parse(lexc_str aturi, lexc_str *did, lexc_str *collection, lexc_str *rkey,
                    const char **why);

/* Indexes the webhook of record h->uri, replacing what that record had; a
 * disabled one is kept (it keeps its id) but fires for nothing. false if out of memory or the scope
 * does not parse (the record's previous entry is removed either way). */
bool wh_recindex_put(wh_recindex *ix, const wh_record_hook *h);
/* The webhook id of record `uri` (null if not indexed); valid until the
 * index next changes. */
lexc_str wh_recindex_webhook_id(const wh_recindex *ix, lexc_str uri);
/* Removes the webhook of record `uri`; false if there was none. */
bool wh_recindex_remove(wh_recindex *ix, lexc_str uri);
/* Webhooks indexed, and of them those with backlinks. */
size_t wh_recindex_count(const wh_recindex *ix);
size_t wh_recindex_backlinks(const wh_recindex *ix);

/* A record event to match. record: its JSON (null on delete). */
typedef struct wh_rec_event {
	lexc_str did, collection, rkey;
	uint32_t op; /* one WH_EVENT_REC_* bit */
	lexc_str record;
} wh_rec_event;

/* A webhook an event fires. The strings belong to the index and stay
 * valid until it next changes. */
typedef struct wh_rec_match {
	lexc_str did; /* the webhook's owner */
	lexc_str webhook_id;
} wh_rec_match;

/* The webhooks `ev` fires, each once, grouped by owner (matches of one
 * owner are adjacent), into *out (owned by the index, valid until the
 * next call); their number. -1 if out of memory. `scratch` takes the
 * record's unescaped strings (reset it after). */
ptrdiff_t wh_recindex_match(wh_recindex *ix, const wh_rec_event *ev, lexc_arena *scratch,
                            const wh_rec_match **out);

#endif /* WEBHOOKD_RECINDEX_H */
