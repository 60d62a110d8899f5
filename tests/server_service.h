/* server_service.h: the service the server tests run: generated methods of
 * the project's lexicons and hand-made ones for what those lack (arrays in
 * params, non-JSON bodies, no input, no output, a blocking handler, a
 * deferring one). */
#ifndef LEXC_TESTS_SERVER_SERVICE_H
#define LEXC_TESTS_SERVER_SERVICE_H

#include <lexc/lexc.h>
#include <pthread.h>
#include <stdio.h>

/* The blocking handler (com.example.test.block) waits on this until the
 * test sets `released`; `entered` counts handlers that started. */
typedef struct block_gate {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	int entered;
	bool released;
} block_gate;

/* The deferring handler (com.example.test.defer) hands its calls over
 * here; the test plays the asynchronous upstream that finishes them. */
enum { DEFER_BOX_MAX = 8 };
typedef struct defer_box {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	lexc_call *calls[DEFER_BOX_MAX];
	lexc_body *outputs[DEFER_BOX_MAX];
	int n; /* calls handed over so far */
} defer_box;

/* Waits until the box holds more than `n` calls; false after 60 s. */
bool defer_box_wait(defer_box *b, int n);

/* Distinct threads that ran the authentication hook (MHD workers) since
 * the last reset. With "X-Which-Worker: 1" a request's answer says in
 * X-Worker which one it ran on (numbered from 0 in the order seen). */
void test_workers_reset(void);
unsigned test_workers_seen(void);

typedef struct test_server {
	lexc_server *server;
	uint16_t port;
	FILE *access_log;
	FILE *error_log;
	block_gate gate;
	defer_box box;
} test_server;

/* Tweaks to the config before the server starts; NULL for none. */
typedef void (*config_tweak)(lexc_server_config *cfg);

/* Starts the test service on 127.0.0.1, port 0, with tmpfile logs. */
void test_server_start(test_server *t, config_tweak tweak);
/* Stops it (drain `drain_ms`) and frees it; closes the logs. */
void test_server_stop(test_server *t, unsigned drain_ms);

/* The path of a method: "/xrpc/<nsid>". */
#define XRPC(nsid) "/xrpc/" nsid

#endif
