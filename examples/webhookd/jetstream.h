/* jetstream.h: the Jetstream consumer (doc/webhookd.md, "Record
 * webhooks"): one thread holds a WebSocket (libwebsockets) to a Jetstream
 * server and feeds every message to a wh_stream (stream.h).
 *
 * It connects with ?cursor= the stored cursor less the rewind (none the
 * first time: live), so after a restart or a dropped connection it reads
 * again what it may not have committed; the replays are duplicates the
 * store drops. A lost connection is retried with exponential backoff
 * (jittered, 250 ms doubling to 30 s, reset once a connection delivered
 * messages). Fed messages are committed every `batch` events and at least
 * every flush_ms. */
#ifndef WEBHOOKD_JETSTREAM_H
#define WEBHOOKD_JETSTREAM_H

#include "stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { WH_JETSTREAM_MAX_COLLECTIONS = 100 }; /* Jetstream's own limit */

typedef struct wh_jetstream_config {
	const char *url; /* ws://HOST[:PORT]/PATH or wss://... (e.g. .../subscribe) */
	/* wantedCollections (NSIDs, or prefixes "app.bsky.*"); none: every
	 * collection. place.wisp.v2.wh is always added. */
	const char *collections[WH_JETSTREAM_MAX_COLLECTIONS];
	size_t n_collections;
	int64_t flush_ms;       /* default 50 */
	int64_t backoff_min_ms; /* default 250 */
	int64_t backoff_max_ms; /* default 30000 */
	wh_stream_config stream;
} wh_jetstream_config;

void wh_jetstream_config_default(wh_jetstream_config *c);

typedef struct wh_jetstream wh_jetstream;

/* Loads the record webhooks and starts the thread. NULL (err set) if the
 * URL is not ws:// or wss:// or the store cannot be read. */
wh_jetstream *wh_jetstream_start(wh_service *svc, const wh_jetstream_config *c, lexc_error *err);

/* Stops the thread after committing what it has read. NULL is ignored. */
void wh_jetstream_stop(wh_jetstream *j);

/* Appends the Prometheus text of the consumer's metrics (as
 * wh_deliverer_metrics). false if out of memory. */
bool wh_jetstream_metrics(wh_jetstream *j, char **out, size_t *len, size_t *cap);

#endif /* WEBHOOKD_JETSTREAM_H */
