/* bench/firehose: record events through webhookd's stream path
 * (examples/webhookd/stream.h) from a replayed stream in memory, with
 * 1,000, 100,000 and 1,000,000 registered place.wisp.v2.wh webhooks.
 *
 *   bench/firehose [EVENTS] [HOOKS,HOOKS,...]
 *
 * For each webhook count it prints, over the same generated events:
 *   decode    the messages read and decoded by the generated code alone
 *   match     decoded and matched against the index (the webhooks fired)
 *   enqueue   decoded, matched, and committed to the outbox of a real
 *             SQLite store (events, deliveries and the cursor, 256 events
 *             a transaction), as `webhookd serve --jetstream` does
 * and the cost of matching per event beside that of decoding.
 *
 * The webhooks are registered the way the stream registers them: by
 * feeding place.wisp.v2.wh create events (decoded, validated, their
 * secrets sealed and stored). Scopes: 40% a DID, 30% a DID's collection,
 * 20% one record, 10% a collection with backlinks; their owners and
 * targets, and the events' repos, are spread over 30,000,000 DIDs (about
 * the network's accounts), so most events fire nothing, as on the
 * network. */
#include "config.h"

#include "stream.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { DIDS = 30000000 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void did_of(uint64_t i, char *out, size_t size)
{
	snprintf(out, size, "did:plc:%024llx", (unsigned long long)(i % DIDS));
}

static const char *collections[] = {"app.bsky.feed.post", "app.bsky.feed.like",
                                    "app.bsky.graph.follow", "app.bsky.feed.repost"};

typedef struct msg {
	char *text;
	size_t len;
} msg;

/* One Jetstream commit event: posts with text, likes and reposts of a
 * post's at-uri, follows of a DID. */
static msg make_event(uint64_t n, int64_t time_us)
{
	char did[64], other[64], rec[512];
	did_of(next_rand(), did, sizeof did);
	did_of(next_rand(), other, sizeof other);
	size_t c = next_rand() % 4;
	switch (c) {
	case 0:
		snprintf(
		        rec, sizeof rec,
		        "{\"$type\":\"app.bsky.feed.post\",\"text\":\"post number %llu, with a few "
		        "words in it as posts "
		        "have\",\"langs\":[\"en\"],\"createdAt\":\"2026-12-04T10:00:"
		        "00.000Z\"}",
		        (unsigned long long)n);
		break;
	case 1:
	case 3:
		snprintf(rec, sizeof rec,
		         "{\"$type\":\"%s\",\"subject\":{\"uri\":\"at://%s/app.bsky.feed.post/"
		         "3k%09llu\","
		         "\"cid\":\"bafyreibvjvcv745gig4mvqs4hctx4zfkono4rjejm2ta6gtyzkqxfjeily\"},"
		         "\"createdAt\":\"2026-12-04T10:00:00.000Z\"}",
		         collections[c], other, (unsigned long long)(next_rand() % 1000));
		break;
	default:
		snprintf(rec, sizeof rec,
		         "{\"$type\":\"app.bsky.graph.follow\",\"subject\":\"%s\",\"createdAt\":"
		         "\"2026-12-"
		         "04T10:00:00.000Z\"}",
		         other);
	}
	char *text = NULL;
	int len = asprintf(
	        &text,
	        "{\"did\":\"%s\",\"time_us\":%lld,\"kind\":\"commit\",\"commit\":{\"rev\":"
	        "\"3l%011llu\",\"operation\":\"create\",\"collection\":\"%s\",\"rkey\":\"3k%"
	        "09llu\",\"record\":%s,\"cid\":\"bafyreibvjvcv745gig4mvqs4hctx4zfkono4rjejm2"
	        "ta6gtyzkqxfjeily\"}}",
	        did, (long long)time_us, (unsigned long long)n, collections[c],
	        (unsigned long long)(n % 1000), rec);
	if (len < 0)
		abort();
	return (msg){text, (size_t)len};
}

/* A place.wisp.v2.wh create event registering webhook number i. */
static msg make_hook(uint64_t i, int64_t time_us)
{
	char owner[64], target[64], scope[256];
	did_of(next_rand(), owner, sizeof owner);
	did_of(next_rand(), target, sizeof target);
	unsigned kind = (unsigned)(next_rand() % 10);
	const char *backlinks = "";
	if (kind < 4)
		snprintf(scope, sizeof scope, "at://%s", target);
	else if (kind < 7)
		snprintf(scope, sizeof scope, "at://%s/%s", target, collections[next_rand() % 4]);
	else if (kind < 9)
		snprintf(scope, sizeof scope, "at://%s/app.bsky.feed.post/3k%09llu", target,
		         (unsigned long long)(next_rand() % 1000));
	else {
		snprintf(scope, sizeof scope, "at://%s/app.bsky.feed.post", target);
		backlinks = ",\"backlinks\":true";
	}
	char *text = NULL;
	int len = asprintf(
	        &text,
	        "{\"did\":\"%s\",\"time_us\":%lld,\"kind\":\"commit\",\"commit\":{\"rev\":"
	        "\"3h%011llu\",\"operation\":\"create\",\"collection\":\"place.wisp.v2.wh\","
	        "\"rkey\":\"h%llu\",\"record\":{\"$type\":\"place.wisp.v2.wh\",\"scope\":{"
	        "\"aturi\":\"%s\"%s},\"url\":\"http://127.0.0.1:9/hook%llu\",\"createdAt\":"
	        "\"2026-12-04T10:00:00.000Z\"},\"cid\":\"bafyreibvjvcv745gig4mvqs4hctx4zfk"
	        "ono4rjejm2ta6gtyzkqxfjeily\"}}",
	        owner, (long long)time_us, (unsigned long long)i, (unsigned long long)i, scope,
	        backlinks, (unsigned long long)i);
	if (len < 0)
		abort();
	return (msg){text, (size_t)len};
}

static void die(const char *what, const lexc_error *err)
{
	fprintf(stderr, "firehose: %s: %s\n", what, err != NULL ? err->message : "");
	exit(1);
}

int main(int argc, char **argv)
{
	size_t n_events = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
	const char *counts = argc > 2 ? argv[2] : "1000,100000,1000000";
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char dir[] = "/tmp/lexc-firehose-XXXXXX";
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", NULL);

	msg *events = calloc(n_events, sizeof *events);
	size_t bytes = 0;
	for (size_t i = 0; i < n_events; i++) {
		events[i] = make_event(i, 1700000000000000LL + (int64_t)i);
		bytes += events[i].len;
	}
	printf("firehose: %zu events, %.0f bytes each on average\n", n_events,
	       (double)bytes / (double)n_events);
	printf("%10s %12s %12s %12s %10s %12s %14s\n", "webhooks", "decode/s", "match/s",
	       "enqueue/s", "fired/ev", "match ns/ev", "decode ns/ev");

	char *save = strdup(counts), *tok, *ctx = NULL;
	for (tok = strtok_r(save, ",", &ctx); tok != NULL; tok = strtok_r(NULL, ",", &ctx)) {
		size_t hooks = strtoul(tok, NULL, 10);
		char path[256];
		snprintf(path, sizeof path, "%s/webhookd-%zu.db", dir, hooks);
		lexc_error err;
		lexc_error_clear(&err);
		wh_store *store = wh_store_sqlite_open(path, WH_SYNC_NORMAL, &err);
		wh_keyring *keys = store != NULL ? wh_keyring_open(dir, &err) : NULL;
		if (keys == NULL)
			die("store", &err);
		static lexc_cidr loopback[1];
		lexc_cidr_parse("127.0.0.0/8", loopback);
		wh_service svc = {.store = store, .keys = keys, .net = {loopback, 1}};
		wh_stream_config sc;
		wh_stream_config_default(&sc);
		sc.quiet = getenv("FIREHOSE_VERBOSE") == NULL;
		sc.max_per_did = (size_t)1 << 40;
		wh_stream *s = wh_stream_new(&svc, &sc, &err);
		if (s == NULL)
			die("stream", &err);
		/* Register through the stream: records decoded, sealed, stored. */
		double t0 = now_s();
		for (size_t i = 0; i < hooks; i++) {
			msg m = make_hook(i, 1600000000000000LL + (int64_t)i);
			if (!wh_stream_feed(s, m.text, m.len, &err))
				die("registering", &err);
			free(m.text);
		}
		if (!wh_stream_flush(s, &err))
			die("registering", &err);
		double reg = now_s() - t0;
		wh_stream_stats st;
		wh_stream_stats_get(s, &st);
		if (st.hooks != hooks)
			die("registering: not every webhook is indexed", NULL);

		/* Decoding alone and with matching, alternately, best of three:
		 * the same caches and clock for both. */
		double dec = 1e30, mat = 1e30;
		uint64_t fired = 0;
		for (int round = 0; round < 3; round++) {
			t0 = now_s();
			for (size_t i = 0; i < n_events; i++)
				if (wh_stream_match_only(s, events[i].text, events[i].len, true) <
				    0)
					die("decode", NULL);
			double t = now_s() - t0;
			dec = t < dec ? t : dec;
			fired = 0;
			t0 = now_s();
			for (size_t i = 0; i < n_events; i++) {
				ptrdiff_t n = wh_stream_match_only(s, events[i].text, events[i].len,
				                                   false);
				if (n < 0)
					die("match", NULL);
				fired += (uint64_t)n;
			}
			t = now_s() - t0;
			mat = t < mat ? t : mat;
		}
		t0 = now_s();
		for (size_t i = 0; i < n_events; i++)
			if (!wh_stream_feed(s, events[i].text, events[i].len, &err))
				die("enqueue", &err);
		if (!wh_stream_flush(s, &err))
			die("enqueue", &err);
		double enq = now_s() - t0;
		wh_stream_stats_get(s, &st);
		printf("%10zu %12.0f %12.0f %12.0f %10.3f %12.0f %14.0f\n", hooks,
		       (double)n_events / dec, (double)n_events / mat, (double)n_events / enq,
		       (double)fired / (double)n_events, (mat - dec) * 1e9 / (double)n_events,
		       dec * 1e9 / (double)n_events);
		printf("%10s registered in %.1f s; enqueue made %llu deliveries\n", "", reg,
		       (unsigned long long)st.deliveries);
		fflush(stdout);
		wh_stream_free(s);
		store->ops->close(store);
		wh_keyring_free(keys);
		unlink(path);
		char side[300];
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
	char key[300];
	snprintf(key, sizeof key, "%s/webhookd.key", dir);
	unlink(key);
	rmdir(dir);
	for (size_t i = 0; i < n_events; i++)
		free(events[i].text);
	free(events);
	free(save);
	curl_global_cleanup();
	return 0;
}
