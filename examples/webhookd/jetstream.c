/* jetstream.c: the Jetstream consumer thread (jetstream.h). */
#include "config.h"

#include "delivery.h"
#include "jetstream.h"

#include <libwebsockets.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wh_jetstream_config_default(wh_jetstream_config *c)
{
	memset(c, 0, sizeof *c);
	c->flush_ms = 50;
	c->backoff_min_ms = 250;
	c->backoff_max_ms = 30000;
	wh_stream_config_default(&c->stream);
}

struct wh_jetstream {
	wh_service *svc;
	wh_jetstream_config cfg;
	wh_stream *stream;
	struct lws_context *ctx;
	struct lws *wsi;
	pthread_t thread;
	atomic_bool stop;
	/* the URL, cut up (lws_parse_uri writes into url_buf) */
	char url_buf[2048];
	const char *prot, *host, *path;
	int port;
	bool tls;
	/* the message being received */
	char *msg;
	size_t msg_len, msg_cap;
	bool msg_oversize;
	/* connection state */
	bool connected;
	bool leading; /* this process reads the stream (stream_lead) */
	/* A commit failed: nothing more is fed or committed on this
	 * connection (its later messages would move the cursor past the lost
	 * batch); it is dropped and the next one resumes from the cursor. */
	bool resync;
	bool retry_pending;    /* connect_now is scheduled */
	bool told_follow;      /* said once that another process does */
	uint64_t got_messages; /* on this connection */
	int64_t backoff_ms;
	lws_sorted_usec_list_t tick, retry;
	/* for metrics, from other threads */
	pthread_mutex_t lock;
	wh_stream_stats snap;
	uint64_t connects, disconnects, store_failures;
	bool up;
};

static int64_t jitter(int64_t ms)
{
	unsigned char r;
	if (!wh_random(&r, 1))
		r = 128;
	return ms * (80 + (r * 40) / 255) / 100; /* ±20% */
}

static void snapshot(wh_jetstream *j)
{
	pthread_mutex_lock(&j->lock);
	wh_stream_stats_get(j->stream, &j->snap);
	j->up = j->connected;
	pthread_mutex_unlock(&j->lock);
}

static void connect_now(lws_sorted_usec_list_t *sul);

static void schedule_retry(wh_jetstream *j)
{
	if (atomic_load(&j->stop) || j->retry_pending)
		return;
	j->retry_pending = true;
	if (j->got_messages > 0)
		j->backoff_ms = j->cfg.backoff_min_ms;
	int64_t wait = jitter(j->backoff_ms);
	j->backoff_ms = j->backoff_ms * 2 > j->cfg.backoff_max_ms ? j->cfg.backoff_max_ms
	                                                          : j->backoff_ms * 2;
	lws_sul_schedule(j->ctx, 0, &j->retry, connect_now, wait * LWS_US_PER_MS);
}

/* After a feed or flush: a failed commit stops this connection's feeding
 * (resync) and counts; the connection is then dropped, and the next one
 * resumes from the committed cursor. */
static bool committed(wh_jetstream *j, bool ok, const lexc_error *err)
{
	if (ok)
		return true;
	j->resync = true;
	fprintf(stderr, "webhookd: jetstream: committing failed: %s; resuming from the cursor\n",
	        err->message);
	pthread_mutex_lock(&j->lock);
	j->store_failures++;
	pthread_mutex_unlock(&j->lock);
	return false;
}

/* Commits what is fed. */
static bool flush(wh_jetstream *j)
{
	if (j->resync)
		return false;
	lexc_error err;
	lexc_error_clear(&err);
	bool ok = committed(j, wh_stream_flush(j->stream, &err), &err);
	snapshot(j);
	return ok;
}

static void on_tick(lws_sorted_usec_list_t *sul)
{
	wh_jetstream *j = lws_container_of(sul, wh_jetstream, tick);
	if (!j->resync && wh_stream_pending(j->stream) && !flush(j) && j->wsi != NULL)
		lws_set_timeout(j->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	/* A backstop: no connection, none being made, none scheduled. */
	if (j->wsi == NULL && !j->retry_pending)
		schedule_retry(j);
	lws_sul_schedule(j->ctx, 0, &j->tick, on_tick, j->cfg.flush_ms * LWS_US_PER_MS);
}

/* The path with ?cursor= and wantedCollections. */
static char *request_path(wh_jetstream *j)
{
	size_t cap = strlen(j->path) + 64 + 2;
	for (size_t i = 0; i < j->cfg.n_collections; i++)
		cap += strlen(j->cfg.collections[i]) + 24;
	char *p = malloc(cap + 64);
	if (p == NULL)
		return NULL;
	int n = snprintf(p, cap, "/%s", j->path);
	char sep = strchr(j->path, '?') != NULL ? '&' : '?';
	int64_t cursor = wh_stream_resume_cursor(j->stream);
	if (cursor > 0) {
		n += snprintf(p + n, cap - (size_t)n, "%ccursor=%lld", sep, (long long)cursor);
		sep = '&';
	}
	if (j->cfg.n_collections > 0) {
		for (size_t i = 0; i < j->cfg.n_collections; i++) {
			n += snprintf(p + n, cap - (size_t)n, "%cwantedCollections=%s", sep,
			              j->cfg.collections[i]);
			sep = '&';
		}
		n += snprintf(p + n, cap - (size_t)n, "%cwantedCollections=place.wisp.v2.wh", sep);
	}
	return p;
}

/* Whether this process reads the stream; a process that takes over
 * from another loads what that one committed. */
static bool lead(wh_jetstream *j)
{
	if (j->leading)
		return true;
	wh_store *st = j->svc->store;
	bool leader = false;
	lexc_error err;
	lexc_error_clear(&err);
	if (st->ops->stream_lead(st, &leader, &err) != WH_OK) {
		fprintf(stderr, "webhookd: jetstream: %s\n", err.message);
		return false;
	}
	if (!leader) {
		if (!j->told_follow)
			fprintf(stderr,
			        "webhookd: jetstream: another process reads the stream; this "
			        "one takes over if it stops\n");
		j->told_follow = true;
		return false;
	}
	if (j->told_follow && !wh_stream_reload(j->stream, &err)) {
		fprintf(stderr, "webhookd: jetstream: %s\n", err.message);
		return false;
	}
	if (j->told_follow)
		fprintf(stderr, "webhookd: jetstream: this process reads the stream now\n");
	j->leading = true;
	return true;
}

static void connect_now(lws_sorted_usec_list_t *sul)
{
	wh_jetstream *j = lws_container_of(sul, wh_jetstream, retry);
	j->retry_pending = false;
	if (atomic_load(&j->stop) || j->wsi != NULL)
		return;
	if (!lead(j)) {
		j->retry_pending = true;
		lws_sul_schedule(j->ctx, 0, &j->retry, connect_now, 5 * LWS_US_PER_SEC);
		return;
	}
	j->resync = false;
	char *path = request_path(j);
	if (path == NULL) {
		schedule_retry(j);
		return;
	}
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof ci);
	ci.context = j->ctx;
	ci.address = j->host;
	ci.port = j->port;
	ci.path = path;
	ci.host = j->host;
	ci.origin = j->host;
	ci.ssl_connection = j->tls ? LCCSCF_USE_SSL : 0;
	ci.local_protocol_name = "jetstream";
	ci.pwsi = &j->wsi;
	ci.userdata = j;
	j->got_messages = 0;
	j->msg_len = 0;
	j->msg_oversize = false;
	pthread_mutex_lock(&j->lock);
	j->connects++;
	pthread_mutex_unlock(&j->lock);
	/* On failure lws may have called CONNECTION_ERROR already, which
	 * scheduled the retry (schedule_retry does it once). */
	if (lws_client_connect_via_info(&ci) == NULL) {
		j->wsi = NULL;
		schedule_retry(j);
	}
	free(path);
}

/* One whole message. false: drop the connection. */
static bool message(wh_jetstream *j)
{
	j->got_messages++;
	/* One too long is fed as its size alone: the stream logs and counts it. */
	bool oversize = j->msg_oversize;
	size_t len = oversize ? j->cfg.stream.max_message + 1 : j->msg_len;
	j->msg_oversize = false;
	j->msg_len = 0;
	lexc_error err;
	lexc_error_clear(&err);
	return committed(j, wh_stream_feed(j->stream, oversize ? "" : j->msg, len, &err), &err);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
	(void)user;
	struct lws_context *ctx = lws_get_context(wsi);
	wh_jetstream *j = ctx != NULL ? lws_context_user(ctx) : NULL;
	if (j == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		j->connected = true;
		fprintf(stderr, "webhookd: jetstream: connected to %s (cursor %lld)\n", j->cfg.url,
		        (long long)wh_stream_resume_cursor(j->stream));
		snapshot(j);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (j->resync)
			return -1;
		if (lws_is_first_fragment(wsi)) {
			j->msg_len = 0;
			j->msg_oversize = false;
		}
		if (!j->msg_oversize && j->msg_len + len > j->cfg.stream.max_message) {
			j->msg_oversize = true; /* the rest of it is read and dropped */
		} else if (!j->msg_oversize) {
			if (j->msg_len + len > j->msg_cap) {
				size_t cap = (j->msg_len + len) * 2;
				char *m = realloc(j->msg, cap);
				if (m == NULL)
					return -1;
				j->msg = m;
				j->msg_cap = cap;
			}
			memcpy(j->msg + j->msg_len, in, len);
			j->msg_len += len;
		}
		if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0 &&
		    !message(j))
			return -1;
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		fprintf(stderr, "webhookd: jetstream: cannot connect to %s: %s\n", j->cfg.url,
		        in != NULL ? (const char *)in : "connection error");
		j->connected = false;
		pthread_mutex_lock(&j->lock);
		j->disconnects++;
		pthread_mutex_unlock(&j->lock);
		schedule_retry(j);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (!atomic_load(&j->stop))
			fprintf(stderr,
			        "webhookd: jetstream: the connection closed; reconnecting\n");
		j->connected = false;
		pthread_mutex_lock(&j->lock);
		j->disconnects++;
		pthread_mutex_unlock(&j->lock);
		flush(j); /* what was read is good (unless a commit failed) */
		schedule_retry(j);
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		/* Every client connection ends with this, whichever of the above
		 * came first (lws 4.1 may close one with neither). */
		if (wsi == j->wsi || j->wsi == NULL) {
			j->wsi = NULL;
			j->connected = false;
			snapshot(j);
			schedule_retry(j);
		}
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
        {.name = "jetstream", .callback = callback, .rx_buffer_size = 65536},
        {.name = NULL, .callback = NULL},
};

static void *run(void *arg)
{
	wh_jetstream *j = arg;
	lws_sul_schedule(j->ctx, 0, &j->retry, connect_now, 1);
	lws_sul_schedule(j->ctx, 0, &j->tick, on_tick, j->cfg.flush_ms * LWS_US_PER_MS);
	while (!atomic_load(&j->stop))
		if (lws_service(j->ctx, 0) < 0) {
			fprintf(stderr,
			        "webhookd: jetstream: the event loop failed; record webhooks "
			        "stop until webhookd restarts\n");
			break;
		}
	lws_sul_cancel(&j->retry);
	lws_sul_cancel(&j->tick);
	flush(j);
	return NULL;
}

wh_jetstream *wh_jetstream_start(wh_service *svc, const wh_jetstream_config *c, lexc_error *err)
{
	wh_jetstream *j = calloc(1, sizeof *j);
	if (j == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	j->svc = svc;
	j->cfg = *c;
	j->backoff_ms = c->backoff_min_ms;
	pthread_mutex_init(&j->lock, NULL);
	if (strlen(c->url) >= sizeof j->url_buf) {
		lexc_error_set(err, LEXC_INVALID_REQUEST, "jetstream: the URL is too long");
		goto fail;
	}
	strcpy(j->url_buf, c->url);
	if (lws_parse_uri(j->url_buf, &j->prot, &j->host, &j->port, &j->path) != 0 ||
	    (strcmp(j->prot, "ws") != 0 && strcmp(j->prot, "wss") != 0) || j->host[0] == '\0') {
		lexc_error_set(err, LEXC_INVALID_REQUEST,
		               "jetstream: %s is not a ws:// or wss:// URL", c->url);
		goto fail;
	}
	j->tls = strcmp(j->prot, "wss") == 0;
	if (j->tls && j->port == 80)
		j->port = 443; /* lws_parse_uri defaults to 80 for any scheme but https/wss */
	if (svc->store->ops->stream_lead == NULL) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		               "jetstream: this store does not keep record webhooks");
		goto fail;
	}
	/* Leading from the start, the load below is what the last reader
	 * committed; else it is loaded again on taking over. */
	bool leader = false;
	if (svc->store->ops->stream_lead(svc->store, &leader, err) != WH_OK)
		goto fail;
	j->leading = leader;
	j->told_follow = false;
	if ((j->stream = wh_stream_new(svc, &c->stream, err)) == NULL)
		goto fail;
	if (!leader) {
		fprintf(stderr, "webhookd: jetstream: another process reads the stream; this one "
		                "takes over if it stops\n");
		j->told_follow = true;
	}
	lws_set_log_level(LLL_ERR, NULL);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = j->tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;
	info.user = j;
	info.fd_limit_per_thread = 8;
	if ((j->ctx = lws_create_context(&info)) == NULL) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		               "jetstream: lws_create_context failed");
		goto fail;
	}
	snapshot(j);
	if (pthread_create(&j->thread, NULL, run, j) != 0) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "jetstream: no thread");
		goto fail;
	}
	return j;
fail:
	if (j->ctx != NULL)
		lws_context_destroy(j->ctx);
	wh_stream_free(j->stream);
	pthread_mutex_destroy(&j->lock);
	free(j);
	return NULL;
}

void wh_jetstream_stop(wh_jetstream *j)
{
	if (j == NULL)
		return;
	atomic_store(&j->stop, true);
	lws_cancel_service(j->ctx);
	pthread_join(j->thread, NULL);
	lws_context_destroy(j->ctx);
	wh_stream_free(j->stream);
	pthread_mutex_destroy(&j->lock);
	free(j->msg);
	free(j);
}

bool wh_jetstream_metrics(wh_jetstream *j, char **out, size_t *len, size_t *cap)
{
	if (j == NULL)
		return true;
	pthread_mutex_lock(&j->lock);
	wh_stream_stats s = j->snap;
	bool up = j->up;
	unsigned long long connects = j->connects, disconnects = j->disconnects,
	                   failures = j->store_failures;
	pthread_mutex_unlock(&j->lock);
	int64_t lag_ms = s.cursor > 0 ? wh_now_ms() - s.cursor / 1000 : -1;
	return wh_metrics_append(
	        out, len, cap,
	        "# HELP webhookd_jetstream_connected Whether the stream is connected.\n"
	        "# TYPE webhookd_jetstream_connected gauge\nwebhookd_jetstream_connected %d\n"
	        "# HELP webhookd_jetstream_connects_total Connection attempts.\n"
	        "# TYPE webhookd_jetstream_connects_total counter\n"
	        "webhookd_jetstream_connects_total %llu\n"
	        "# HELP webhookd_jetstream_disconnects_total Connections lost or refused.\n"
	        "# TYPE webhookd_jetstream_disconnects_total counter\n"
	        "webhookd_jetstream_disconnects_total %llu\n"
	        "# HELP webhookd_jetstream_messages_total Messages read, as of the last commit.\n"
	        "# TYPE webhookd_jetstream_messages_total counter\n"
	        "webhookd_jetstream_messages_total %llu\n"
	        "# HELP webhookd_jetstream_invalid_total Messages that were not events webhookd "
	        "can use.\n# TYPE webhookd_jetstream_invalid_total counter\n"
	        "webhookd_jetstream_invalid_total %llu\n"
	        "# HELP webhookd_jetstream_commits_total Batches committed.\n"
	        "# TYPE webhookd_jetstream_commits_total counter\n"
	        "webhookd_jetstream_commits_total %llu\n"
	        "# HELP webhookd_jetstream_store_failures_total Batches the store refused.\n"
	        "# TYPE webhookd_jetstream_store_failures_total counter\n"
	        "webhookd_jetstream_store_failures_total %llu\n"
	        "# HELP webhookd_record_events_matched_total Record events that fired a webhook.\n"
	        "# TYPE webhookd_record_events_matched_total counter\n"
	        "webhookd_record_events_matched_total %llu\n"
	        "# HELP webhookd_record_deliveries_total Deliveries record events made.\n"
	        "# TYPE webhookd_record_deliveries_total counter\n"
	        "webhookd_record_deliveries_total %llu\n"
	        "# HELP webhookd_record_duplicates_total Replayed record events dropped.\n"
	        "# TYPE webhookd_record_duplicates_total counter\n"
	        "webhookd_record_duplicates_total %llu\n"
	        "# HELP webhookd_record_webhooks Record webhooks indexed.\n"
	        "# TYPE webhookd_record_webhooks gauge\nwebhookd_record_webhooks %zu\n"
	        "# HELP webhookd_record_webhooks_refused_total place.wisp.v2.wh records ignored.\n"
	        "# TYPE webhookd_record_webhooks_refused_total counter\n"
	        "webhookd_record_webhooks_refused_total %llu\n"
	        "# HELP webhookd_jetstream_cursor_us The committed cursor (time_us).\n"
	        "# TYPE webhookd_jetstream_cursor_us gauge\nwebhookd_jetstream_cursor_us %lld\n"
	        "# HELP webhookd_jetstream_lag_ms Now less the committed cursor; -1: none.\n"
	        "# TYPE webhookd_jetstream_lag_ms gauge\nwebhookd_jetstream_lag_ms %lld\n",
	        up ? 1 : 0, connects, disconnects, (unsigned long long)s.messages,
	        (unsigned long long)s.invalid, (unsigned long long)s.commits, failures,
	        (unsigned long long)s.matched_events, (unsigned long long)s.deliveries,
	        (unsigned long long)s.duplicates, s.hooks, (unsigned long long)s.hooks_refused,
	        (long long)s.cursor, (long long)lag_ms);
}
