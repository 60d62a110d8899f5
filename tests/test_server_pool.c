/* test_server_pool.c: handlers that never stall the others. Over real HTTP
 * on 127.0.0.1: a handler blocked for 2 s while 2,000 other requests on
 * every worker complete with their usual latency; lexc_call_defer() /
 * lexc_call_finish() from another thread; clients that leave while their
 * handler runs or is deferred; a stop with calls queued, deferred and
 * running; the answer of a full queue. Leaks and double frees are the
 * sanitizer build's to find (LeakSanitizer runs at exit). */
#include "config.h"

#include "server_service.h"
#include "server_util.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static test_server T;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits until the access log holds `needle` `count` times; false after 60 s. */
static bool log_has(const char *needle, int count)
{
	for (double end = now_s() + 60; now_s() < end; sleep_ms(5)) {
		char *log = read_stream(T.access_log);
		int n = 0;
		for (const char *p = strstr(log, needle); p != NULL; p = strstr(p + 1, needle))
			n++;
		free(log);
		if (n >= count)
			return true;
	}
	return false;
}

static void wait_entered(int n)
{
	pthread_mutex_lock(&T.gate.mutex);
	while (T.gate.entered < n)
		pthread_cond_wait(&T.gate.cond, &T.gate.mutex);
	pthread_mutex_unlock(&T.gate.mutex);
}

static void release_gate(void)
{
	pthread_mutex_lock(&T.gate.mutex);
	T.gate.released = true;
	pthread_cond_broadcast(&T.gate.cond);
	pthread_mutex_unlock(&T.gate.mutex);
}

/* ---- One request on a thread of its own ------------------------------------------ */

typedef struct async_req {
	const char *path;
	const char *header; /* one extra header line, or NULL */
	http_resp resp;
	double started, ended;
	atomic_bool done;
	pthread_t th;
} async_req;

static void *async_main(void *arg)
{
	async_req *a = arg;
	const char *hdrs[2] = {a->header, NULL};
	http_req req = {.verb = "GET", .path = a->path, .headers = hdrs};
	a->started = now_s();
	http_do(NULL, T.port, &req, &a->resp);
	a->ended = now_s();
	atomic_store(&a->done, true);
	return NULL;
}

static void async_start(async_req *a, const char *path, const char *header)
{
	memset(a, 0, sizeof *a);
	a->path = path;
	a->header = header;
	atomic_init(&a->done, false);
	ck_assert_int_eq(pthread_create(&a->th, NULL, async_main, a), 0);
}

static void async_join(async_req *a)
{
	pthread_join(a->th, NULL);
}

/* ---- 2,000 requests beside a blocked handler ------------------------------------------ */

enum { CLIENTS = 16, PER_CLIENT = 125, REQUESTS = CLIENTS * PER_CLIENT };

enum { SPARES = 256 };

typedef struct load {
	CURL *handles[CLIENTS]; /* keep-alive: each connection stays on its worker */
	CURL *spares[SPARES];   /* connections that landed on a worker with enough */
	int n_spares;
	double lat[REQUESTS];
	atomic_int bad;
} load;

typedef struct load_arg {
	load *l;
	int client;
} load_arg;

static void *load_main(void *arg)
{
	load_arg *a = arg;
	for (int i = 0; i < PER_CLIENT; i++) {
		http_req req = {.verb = "GET", .path = XRPC("place.stream.server.listWebhooks")};
		http_resp r;
		double t0 = now_s();
		http_do(a->l->handles[a->client], T.port, &req, &r);
		a->l->lat[a->client * PER_CLIENT + i] = now_s() - t0;
		if (r.status != 200 || strstr(r.body, "\"cursor\":\"limit=50 ") == NULL)
			atomic_fetch_add(&a->l->bad, 1);
		http_resp_free(&r);
	}
	return NULL;
}

/* Runs the 2,000 requests; returns the wall time. */
static double run_load(load *l)
{
	pthread_t th[CLIENTS];
	load_arg args[CLIENTS];
	double t0 = now_s();
	for (int c = 0; c < CLIENTS; c++) {
		args[c] = (load_arg){l, c};
		ck_assert_int_eq(pthread_create(&th[c], NULL, load_main, &args[c]), 0);
	}
	for (int c = 0; c < CLIENTS; c++)
		pthread_join(th[c], NULL);
	return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct stats {
	double p50, p99, max;
} stats;

static stats latency(load *l)
{
	qsort(l->lat, REQUESTS, sizeof l->lat[0], cmp_double);
	return (stats){l->lat[REQUESTS / 2], l->lat[REQUESTS * 99 / 100], l->lat[REQUESTS - 1]};
}

/* The worker a handle's connection is served by (the X-Worker answer). */
static int probe_worker(CURL *h)
{
	const char *hdrs[] = {"X-Which-Worker: 1", NULL};
	http_req req = {
	        .verb = "GET", .path = XRPC("place.stream.server.listWebhooks"), .headers = hdrs};
	http_resp r;
	http_do(h, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	char buf[16];
	ck_assert(http_header(&r, "X-Worker", buf, sizeof buf));
	http_resp_free(&r);
	return atoi(buf);
}

/* Opens the load's connections, half on each of the two workers: MHD
 * gives a new connection to whichever worker accepts first, so those that
 * land on a worker with its share are kept open aside, and more are made. */
static void open_connections(load *l)
{
	int per[2] = {0, 0}, have = 0;
	while (have < CLIENTS && l->n_spares < SPARES) {
		CURL *h = curl_easy_init();
		ck_assert_ptr_nonnull(h);
		int w = probe_worker(h);
		ck_assert(w == 0 || w == 1);
		if (per[w] < CLIENTS / 2) {
			per[w]++;
			l->handles[have++] = h;
		} else {
			l->spares[l->n_spares++] = h;
		}
	}
	ck_assert_msg(have == CLIENTS, "%d connections on worker 0, %d on 1, after %d tries",
	              per[0], per[1], have + l->n_spares);
}

typedef struct releaser {
	double at; /* now_s() time to open the gate */
} releaser;

static void *release_at(void *arg)
{
	const releaser *r = arg;
	double left = r->at - now_s();
	if (left > 0)
		sleep_ms((long)(left * 1000));
	release_gate();
	return NULL;
}

static void two_workers(lexc_server_config *cfg)
{
	cfg->threads = 2;
}

START_TEST(blocked_handler_stalls_nobody)
{
	test_server_start(&T, two_workers);
	load *l = calloc(1, sizeof *l);
	ck_assert_ptr_nonnull(l);
	open_connections(l);

	/* Baseline, same server, same connections, nothing blocked. */
	double base_wall = run_load(l);
	ck_assert_int_eq(atomic_load(&l->bad), 0);
	stats base = latency(l);

	async_req blocked;
	async_start(&blocked, XRPC("com.example.test.block"), "X-Which-Worker: 1");
	wait_entered(1);
	/* Held at least 2 s, and three times the baseline's wall time on a
	 * slow machine (valgrind), so that the load cannot outlast it; let go
	 * by a timer, whatever the load does. */
	releaser rel = {.at = now_s() + (base_wall * 3 > 2.0 ? base_wall * 3 : 2.0)};
	double entered = now_s(), hold = rel.at - entered;
	pthread_t rel_th;
	ck_assert_int_eq(pthread_create(&rel_th, NULL, release_at, &rel), 0);
	double wall = run_load(l);
	double load_end = now_s();
	bool blocked_pending = !atomic_load(&blocked.done);
	stats s = latency(l);
	pthread_join(rel_th, NULL);
	async_join(&blocked);
	double blocked_for = blocked.ended - entered;

	fprintf(stderr,
	        "pool: baseline %d requests in %.3f s (p50 %.2f ms, p99 %.2f ms, max %.2f ms); "
	        "beside a blocked handler %.3f s (p50 %.2f ms, p99 %.2f ms, max %.2f ms) on %u "
	        "workers (%d spare connections); the blocked call answered after %.3f s\n",
	        REQUESTS, base_wall, base.p50 * 1e3, base.p99 * 1e3, base.max * 1e3, wall,
	        s.p50 * 1e3, s.p99 * 1e3, s.max * 1e3, test_workers_seen(), l->n_spares,
	        blocked_for);
	ck_assert_int_eq(atomic_load(&l->bad), 0);
	/* The load ran on both workers, the blocked call's one included. */
	ck_assert_uint_eq(test_workers_seen(), 2);
	/* All 2,000 were done while the blocked call still waited... */
	ck_assert_msg(blocked_pending, "the blocked call answered before the load ended");
	ck_assert_msg(load_end < rel.at, "the load took %.3f s, the hold %.3f s",
	              load_end - entered, hold);
	/* ...with their usual latency: with handlers on the workers, every
	 * request on the blocked worker's connections would wait the 2 s. */
	ck_assert_msg(s.p50 <= base.p50 * 3 + 0.005, "p50 %.2f ms against %.2f ms", s.p50 * 1e3,
	              base.p50 * 1e3);
	ck_assert_msg(s.p99 <= base.p99 * 4 + 0.050, "p99 %.2f ms against %.2f ms", s.p99 * 1e3,
	              base.p99 * 1e3);
	ck_assert_msg(s.max < hold / 2, "slowest %.3f s", s.max);
	/* The blocked call then answers correctly. */
	ck_assert_int_eq(blocked.resp.rc, CURLE_OK);
	ck_assert_int_eq(blocked.resp.status, 200);
	ck_assert_uint_eq(blocked.resp.len, 0);
	ck_assert(blocked_for >= hold - 0.01);
	char w[16];
	ck_assert(http_header(&blocked.resp, "X-Worker", w, sizeof w));
	ck_assert(strcmp(w, "0") == 0 || strcmp(w, "1") == 0);
	http_resp_free(&blocked.resp);
	for (int c = 0; c < CLIENTS; c++)
		curl_easy_cleanup(l->handles[c]);
	for (int c = 0; c < l->n_spares; c++)
		curl_easy_cleanup(l->spares[c]);
	free(l);
	test_server_stop(&T, 10000);
}
END_TEST

/* ---- Defer and finish ---------------------------------------------------------------- */

static void handlers_inline(lexc_server_config *cfg)
{
	cfg->handlers_inline = true;
}

/* Run with the pool and with handlers_inline: deferring works the same. */
static void defer_and_finish_with(config_tweak tweak)
{
	test_server_start(&T, tweak);
	/* Answered by the test's thread, after the handler returned. */
	async_req later, later_fail;
	async_start(&later, XRPC("com.example.test.defer"), "X-Mode: later");
	ck_assert(defer_box_wait(&T.box, 0));
	async_start(&later_fail, XRPC("com.example.test.defer"), "X-Mode: later");
	ck_assert(defer_box_wait(&T.box, 1));
	/* Both wait, holding no thread: the server answers others meanwhile,
	 * more of them than there are handler threads. */
	for (int i = 0; i < 40; i++) {
		http_resp r;
		http_get(T.port, XRPC("place.stream.server.listWebhooks"), &r);
		ck_assert_int_eq(r.status, 200);
		http_resp_free(&r);
	}
	sleep_ms(50);
	ck_assert(!atomic_load(&later.done) && !atomic_load(&later_fail.done));

	lexc_call *c0 = T.box.calls[0], *c1 = T.box.calls[1];
	ck_assert_str_eq(lexc_call_nsid(c0), "com.example.test.defer");
	char *text = lexc_arena_strndup(lexc_call_arena(c0), "answered later", 14);
	T.box.outputs[0]->data = (const uint8_t *)text;
	T.box.outputs[0]->len = 14;
	ck_assert_int_eq(lexc_call_add_header(c0, "X-Later", "yes"), LEXC_OK);
	ck_assert_int_eq(lexc_call_finish(c0, LEXC_OK), LEXC_OK);
	async_join(&later);
	ck_assert_int_eq(later.resp.status, 200);
	ck_assert_str_eq(later.resp.body, "answered later");
	char buf[64];
	ck_assert(http_header(&later.resp, "Content-Type", buf, sizeof buf));
	ck_assert_str_eq(buf, "text/plain");
	ck_assert(http_header(&later.resp, "X-Later", buf, sizeof buf));
	ck_assert_str_eq(buf, "yes");
	http_resp_free(&later.resp);

	/* A failure decided later. */
	lexc_status st = lexc_call_fail(c1, LEXC_FORBIDDEN, "decided %d s later", 2);
	ck_assert_int_eq(lexc_call_finish(c1, st), LEXC_OK);
	async_join(&later_fail);
	assert_xrpc_error(&later_fail.resp, 403, "Forbidden", "decided 2 s later");
	http_resp_free(&later_fail.resp);

	/* Finished by another thread before the handler returned; its return
	 * value is ignored. */
	const char *early[] = {"X-Mode: early", NULL};
	http_req req = {.verb = "GET", .path = XRPC("com.example.test.defer"), .headers = early};
	http_resp r;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "early");
	http_resp_free(&r);

	/* finish before defer and a second defer are refused; finishing from
	 * the handler itself works, a second finish is refused. */
	const char *checks[] = {"X-Mode: checks", NULL};
	req.headers = checks;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "INVALID_REQUEST OK INVALID_REQUEST");
	http_resp_free(&r);

	/* Not from the authentication hook (it asserts the refusal). */
	const char *in_auth[] = {"X-Defer-In-Auth: 1", NULL};
	req.path = XRPC("place.stream.server.listWebhooks");
	req.headers = in_auth;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	ck_assert_int_eq(lexc_call_defer(NULL), LEXC_INVALID_REQUEST);
	ck_assert_int_eq(lexc_call_finish(NULL, LEXC_OK), LEXC_INVALID_REQUEST);
	test_server_stop(&T, 10000);
}

START_TEST(defer_and_finish)
{
	defer_and_finish_with(NULL);
}
END_TEST

START_TEST(defer_and_finish_inline)
{
	defer_and_finish_with(handlers_inline);
}
END_TEST

/* ---- Clients that leave ------------------------------------------------------------------ */

static int send_and_leave(const char *request)
{
	int fd = raw_connect(T.port);
	size_t len = strlen(request);
	ck_assert_int_eq(send(fd, request, len, MSG_NOSIGNAL), (ssize_t)len);
	return fd;
}

START_TEST(client_leaves)
{
	test_server_start(&T, NULL);
	/* While its handler runs: the connection is suspended, so MHD learns
	 * of the close only when the answer goes out; the call is freed then,
	 * once (the completion callback writes its log line). */
	int fd = send_and_leave("GET /xrpc/com.example.test.block HTTP/1.1\r\nHost: x\r\n\r\n");
	wait_entered(1);
	close(fd);
	sleep_ms(50);
	release_gate();
	ck_assert(log_has(" GET /xrpc/com.example.test.block ", 1));

	/* While deferred. */
	fd = send_and_leave("GET /xrpc/com.example.test.defer HTTP/1.1\r\nHost: x\r\n"
	                    "X-Mode: later\r\n\r\n");
	ck_assert(defer_box_wait(&T.box, 0));
	close(fd);
	sleep_ms(50);
	lexc_body *out = T.box.outputs[0];
	out->data = (const uint8_t *)"nobody reads this";
	out->len = 17;
	ck_assert_int_eq(lexc_call_finish(T.box.calls[0], LEXC_OK), LEXC_OK);
	ck_assert(log_has(" GET /xrpc/com.example.test.defer ", 1));

	/* Half a request, then gone, while another handler blocks. */
	pthread_mutex_lock(&T.gate.mutex);
	T.gate.released = false;
	pthread_mutex_unlock(&T.gate.mutex);
	async_req blocked;
	async_start(&blocked, XRPC("com.example.test.block"), NULL);
	wait_entered(2);
	fd = send_and_leave("GET /xrpc/place.stream.server.listWebhooks HTTP/1.1\r\nHo");
	close(fd);
	release_gate();
	async_join(&blocked);
	ck_assert_int_eq(blocked.resp.status, 200);
	http_resp_free(&blocked.resp);

	/* The server is none the worse. */
	http_resp r;
	http_get(T.port, XRPC("place.stream.server.listWebhooks"), &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	test_server_stop(&T, 10000);
}
END_TEST

/* ---- Stop with work pending; a full queue -------------------------------------------- */

static void one_thread_small_queue(lexc_server_config *cfg)
{
	cfg->handler_threads = 1;
	cfg->handler_queue_limit = 2;
}

typedef struct stopper {
	atomic_bool returned;
	double at;
} stopper;

static void *stop_main(void *arg)
{
	stopper *s = arg;
	lexc_server_stop(T.server, 300);
	s->at = now_s();
	atomic_store(&s->returned, true);
	return NULL;
}

START_TEST(stop_with_calls_pending)
{
	test_server_start(&T, one_thread_small_queue);
	/* One deferred call (its handler returned: the thread is free)... */
	async_req deferred;
	async_start(&deferred, XRPC("com.example.test.defer"), "X-Mode: later");
	ck_assert(defer_box_wait(&T.box, 0));
	lexc_call *dcall = T.box.calls[0];
	/* ...one running, holding the only handler thread... */
	async_req running;
	async_start(&running, XRPC("com.example.test.block"), NULL);
	wait_entered(1);
	/* ...two queued behind it, and a third finds the queue full. */
	async_req queued[3];
	for (int i = 0; i < 3; i++)
		async_start(&queued[i], XRPC("place.stream.server.listWebhooks"), NULL);
	int full = -1;
	for (double end = now_s() + 60; full < 0 && now_s() < end; sleep_ms(2))
		for (int i = 0; i < 3; i++)
			if (atomic_load(&queued[i].done))
				full = i;
	ck_assert_int_ge(full, 0);
	sleep_ms(50);
	for (int i = 0; i < 3; i++) /* the other two wait in the queue */
		ck_assert(i == full || !atomic_load(&queued[i].done));
	async_join(&queued[full]);
	assert_xrpc_error(&queued[full].resp, 503, "NotEnoughResources", NULL);
	char buf[32];
	ck_assert(http_header(&queued[full].resp, "Retry-After", buf, sizeof buf));
	ck_assert_str_eq(buf, "1");
	http_resp_free(&queued[full].resp);
	char *err = read_stream(T.error_log);
	ck_assert(strstr(err, "handler queue full: 2 calls wait for 1 handler threads") != NULL);
	free(err);

	/* Stop: after the 300 ms drain the queued and the deferred calls are
	 * answered 503; the running handler is waited for. */
	stopper s;
	atomic_init(&s.returned, false);
	double stop_began = now_s();
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, stop_main, &s), 0);
	async_join(&deferred);
	ck_assert(now_s() - stop_began >= 0.29);
	assert_xrpc_error(&deferred.resp, 503, "NotEnoughResources", "Server is stopping");
	ck_assert(http_header(&deferred.resp, "Connection", buf, sizeof buf));
	ck_assert_str_eq(buf, "close");
	http_resp_free(&deferred.resp);
	for (int i = 0; i < 3; i++) {
		if (i == full)
			continue;
		async_join(&queued[i]);
		assert_xrpc_error(&queued[i].resp, 503, "NotEnoughResources", "Server is stopping");
		http_resp_free(&queued[i].resp);
	}
	sleep_ms(200);
	ck_assert_msg(!atomic_load(&s.returned), "stop() returned while a handler ran");
	ck_assert(!atomic_load(&running.done));
	double released = now_s();
	release_gate();
	async_join(&running);
	pthread_join(th, NULL);
	ck_assert(s.at >= released);
	ck_assert_int_eq(running.resp.status, 200);
	ck_assert(http_header(&running.resp, "Connection", buf, sizeof buf));
	ck_assert_str_eq(buf, "close");
	http_resp_free(&running.resp);
	ck_assert(log_has(" GET /xrpc/com.example.test.defer 503 ", 1));
	ck_assert(log_has(" GET /xrpc/place.stream.server.listWebhooks 503 ", 3));

	/* The owner of the abandoned call finishes it after the server is
	 * gone: it learns the client was answered, and the call is freed. */
	test_server_stop(&T, 0);
	ck_assert_int_eq(lexc_call_finish(dcall, LEXC_OK), LEXC_NOT_ENOUGH_RESOURCES);
}
END_TEST

/* A stop with nothing to drain but a deferred call, and drain 0. */
START_TEST(stop_abandons_deferred_at_once)
{
	test_server_start(&T, _i == 0 ? NULL : handlers_inline);
	async_req deferred;
	async_start(&deferred, XRPC("com.example.test.defer"), "X-Mode: later");
	ck_assert(defer_box_wait(&T.box, 0));
	test_server_stop(&T, 0);
	async_join(&deferred);
	assert_xrpc_error(&deferred.resp, 503, "NotEnoughResources", "Server is stopping");
	http_resp_free(&deferred.resp);
	ck_assert_int_eq(lexc_call_finish(T.box.calls[0], LEXC_OK), LEXC_NOT_ENOUGH_RESOURCES);
}
END_TEST

static void short_timeout(lexc_server_config *cfg)
{
	cfg->connection_timeout = 1;
}

/* A handler slower than connection_timeout: the suspended connection is
 * not idle in MHD's sense, and the answer still reaches the client. */
START_TEST(handler_slower_than_timeout)
{
	test_server_start(&T, short_timeout);
	async_req slow;
	async_start(&slow, XRPC("com.example.test.block"), NULL);
	wait_entered(1);
	sleep_ms(2500);
	ck_assert(!atomic_load(&slow.done));
	release_gate();
	async_join(&slow);
	ck_assert_int_eq(slow.resp.rc, CURLE_OK);
	ck_assert_int_eq(slow.resp.status, 200);
	http_resp_free(&slow.resp);
	test_server_stop(&T, 10000);
}
END_TEST

static Suite *pool_suite(void)
{
	Suite *s = suite_create("server_pool");
	TCase *tc = tcase_create("pool");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, blocked_handler_stalls_nobody);
	tcase_add_test(tc, defer_and_finish);
	tcase_add_test(tc, client_leaves);
	tcase_add_test(tc, stop_with_calls_pending);
	tcase_add_loop_test(tc, stop_abandons_deferred_at_once, 0, 2);
	tcase_add_test(tc, defer_and_finish_inline);
	tcase_add_test(tc, handler_slower_than_timeout);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(pool_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
