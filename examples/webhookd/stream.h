/* stream.h: record events in, deliveries out (doc/webhookd.md, "Record
 * webhooks"). Whatever carries the stream (jetstream.h) feeds each message
 * here; this decodes it with the generated dev.lexc.webhookd.jetstream
 * code, keeps the place.wisp.v2.wh webhooks it announces, matches record
 * events against them (recindex.h) and commits the outbox rows and the
 * cursor in batches, one transaction each.
 *
 * Feeding is synchronous: a commit runs inside wh_stream_feed or
 * wh_stream_flush, so a slow store slows the reader, whose socket then
 * stops being read: backpressure reaches the stream's server over TCP and
 * nothing buffers without bound. One thread owns a wh_stream. */
#ifndef WEBHOOKD_STREAM_H
#define WEBHOOKD_STREAM_H

#include "webhookd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wh_stream_config {
	size_t batch;       /* events per commit at most; default 256 */
	int64_t rewind_us;  /* replayed before the cursor on resuming; default 2 s */
	size_t max_message; /* bytes of one message at most; default 4 MiB */
	size_t max_per_did; /* webhooks per DID (the service's limit) */
	bool quiet;         /* no log line per ignored record (benchmarks) */
} wh_stream_config;

void wh_stream_config_default(wh_stream_config *c);

typedef struct wh_stream wh_stream;

/* Loads the record webhooks and the cursor from svc's store. NULL (err
 * set) on failure. The service must outlive it. */
wh_stream *wh_stream_new(wh_service *svc, const wh_stream_config *c, lexc_error *err);
void wh_stream_free(wh_stream *s);

/* Loads the record webhooks and the cursor again (a process that takes
 * over reading the stream from another one). false (err set) on failure. */
bool wh_stream_reload(wh_stream *s, lexc_error *err);

/* The cursor to (re)connect with: the last committed time_us less the
 * rewind, or 0 for none (then the stream starts live). */
int64_t wh_stream_resume_cursor(const wh_stream *s);

/* Takes one message. A message that does not decode, or an invalid
 * place.wisp.v2.wh record, is logged and skipped. false (err set) only
 * when a commit failed: the batch is gone, the index is rebuilt from the
 * store, and the caller resumes from wh_stream_resume_cursor(). */
bool wh_stream_feed(wh_stream *s, const char *msg, size_t len, lexc_error *err);

/* Commits what was fed since the last commit (cheap when nothing was).
 * false as for wh_stream_feed. */
bool wh_stream_flush(wh_stream *s, lexc_error *err);

/* Whether something fed is not committed yet. */
bool wh_stream_pending(const wh_stream *s);

/* Counters, for metrics and benchmarks. */
typedef struct wh_stream_stats {
	uint64_t messages, invalid, commits, matched_events, deliveries, duplicates;
	uint64_t hooks_put, hooks_removed, hooks_refused;
	size_t hooks;   /* indexed now */
	int64_t cursor; /* last committed time_us */
} wh_stream_stats;
void wh_stream_stats_get(const wh_stream *s, wh_stream_stats *out);

/* For benchmarks: registers h in the index only (not the store). */
bool wh_stream_index_put(wh_stream *s, const wh_record_hook *h);
/* For benchmarks: decodes and matches without storing anything; the
 * number of webhooks msg fires, -1 if it does not decode. */
ptrdiff_t wh_stream_match_only(wh_stream *s, const char *msg, size_t len, bool decode_only);

#endif /* WEBHOOKD_STREAM_H */
