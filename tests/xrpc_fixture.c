/* tests/xrpc_fixture [--port N]: a server over the project's generated
 * methods, for tests that drive it from outside the process (the reference
 * TypeScript client in tests/ts_client.sh). It prints "port N" once it
 * listens and stops on SIGTERM or SIGINT.
 *
 * Behaviour the tests rely on:
 * - listWebhooks: min(limit, 3) webhooks and cursor "next"; cursor "bad"
 *   answers the declared error InvalidCursor.
 * - createWebhook: echoes the input as a webhook with id "wh-new"; a url
 *   containing "invalid" answers InvalidUrl, name "dup" DuplicateWebhook,
 *   name "bad-output" makes the handler return an invalid webhook (500).
 * - getWebhook needs a caller: "Authorization: Bearer good" is
 *   did:plc:fixture, "Bearer banned" is refused with 403, anything else is
 *   anonymous (401). Id "missing" answers WebhookNotFound.
 * - Every other method has no handler: 501 MethodNotImplemented. */
#include "config.h"

#include "lexc_methods.h"
#include "place/stream/server/createWebhook.h"
#include "place/stream/server/defs.h"
#include "place/stream/server/getWebhook.h"
#include "place/stream/server/listWebhooks.h"

#include <lexc/lexc.h>
#include <lexc/server.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lexc_str chat_follow[] = {LEXC_STR_INIT("chat"), LEXC_STR_INIT("follow")};

static void fill_hook(place_stream_server_defs__webhook *w, lexc_str id)
{
	w->id = id;
	w->url = LEXC_STR("https://example.com/hook");
	w->n_events = 2;
	w->events = chat_follow;
	w->active = true;
	w->createdAt = LEXC_STR("2026-01-01T00:00:00.000Z");
}

static lexc_status list_webhooks(lexc_call *call,
                                 const place_stream_server_listWebhooks__params *params,
                                 place_stream_server_listWebhooks__output *out)
{
	static const lexc_str ids[] = {LEXC_STR_INIT("wh-0"), LEXC_STR_INIT("wh-1"),
	                               LEXC_STR_INIT("wh-2")};
	if (params->has_cursor && lexc_str_eq_cstr(params->cursor, "bad"))
		return place_stream_server_listWebhooks__error_InvalidCursor(
		        call, "cursor %s is unknown", params->cursor.ptr);
	size_t n = params->limit < 3 ? (size_t)params->limit : 3;
	out->webhooks = lexc_arena_calloc(lexc_call_arena(call), n ? n : 1, sizeof *out->webhooks);
	if (out->webhooks == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	for (size_t i = 0; i < n; i++)
		fill_hook(&out->webhooks[i], ids[i]);
	out->n_webhooks = n;
	out->has_cursor = true;
	out->cursor = LEXC_STR("next");
	return LEXC_OK;
}

static lexc_status create_webhook(lexc_call *call,
                                  const place_stream_server_createWebhook__input *in,
                                  place_stream_server_createWebhook__output *out)
{
	if (strstr(in->url.ptr, "invalid") != NULL)
		return place_stream_server_createWebhook__error_InvalidUrl(
		        call, "%s is not reachable", in->url.ptr);
	if (in->has_name && lexc_str_eq_cstr(in->name, "dup"))
		return place_stream_server_createWebhook__error_DuplicateWebhook(
		        call, "a webhook with this url exists");
	place_stream_server_defs__webhook *w =
	        lexc_arena_calloc(lexc_call_arena(call), 1, sizeof *w);
	if (w == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	fill_hook(w, LEXC_STR("wh-new"));
	w->url = in->url;
	w->n_events = in->n_events;
	w->events = in->events;
	w->active = in->has_active && in->active;
	w->has_name = in->has_name;
	w->name = in->name;
	if (in->has_name && lexc_str_eq_cstr(in->name, "bad-output"))
		w->createdAt = LEXC_STR("yesterday"); /* not a datetime: the server must catch it */
	out->webhook = w;
	return LEXC_OK;
}

static lexc_status get_webhook(lexc_call *call,
                               const place_stream_server_getWebhook__params *params,
                               place_stream_server_getWebhook__output *out)
{
	if (lexc_str_eq_cstr(params->id, "missing"))
		return place_stream_server_getWebhook__error_WebhookNotFound(call, "no webhook %s",
		                                                             params->id.ptr);
	place_stream_server_defs__webhook *w =
	        lexc_arena_calloc(lexc_call_arena(call), 1, sizeof *w);
	if (w == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	fill_hook(w, params->id);
	w->has_name = true;
	w->name = lexc_str_borrow(lexc_call_caller_did(call));
	out->webhook = w;
	return LEXC_OK;
}

static lexc_status authenticate(lexc_call *call, void *user)
{
	(void)user;
	const char *h = lexc_call_header(call, "Authorization");
	if (h == NULL)
		return LEXC_OK;
	if (strcmp(h, "Bearer good") == 0)
		return lexc_call_set_caller(call, "did:plc:fixture", NULL);
	if (strcmp(h, "Bearer banned") == 0)
		return lexc_call_fail(call, LEXC_FORBIDDEN, "this account is banned");
	return LEXC_OK;
}

int main(int argc, char **argv)
{
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	for (int i = 1; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "--port") == 0)
			cfg.port = (uint16_t)atoi(argv[i + 1]);
	cfg.threads = 2;
	cfg.auth = authenticate;
	cfg.cors = true;
	lexc_error err;
	lexc_server *s = lexc_server_new(&cfg, lexc_methods, lexc_methods_count, &err);
	if (s == NULL) {
		fprintf(stderr, "xrpc_fixture: %s\n", err.message);
		return 1;
	}
	/* Block the signals before the workers start, so that they inherit the
	 * mask and sigwait() below receives them (as lexc_server_run does). */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (place_stream_server_listWebhooks__register(s, list_webhooks, NULL, &err) != LEXC_OK ||
	    place_stream_server_createWebhook__register(s, create_webhook, NULL, &err) != LEXC_OK ||
	    place_stream_server_getWebhook__register(s, get_webhook, NULL, &err) != LEXC_OK ||
	    lexc_server_set_auth(s, place_stream_server_getWebhook__NSID, LEXC_AUTH_REQUIRED,
	                         &err) != LEXC_OK ||
	    lexc_server_start(s, &err) != LEXC_OK) {
		fprintf(stderr, "xrpc_fixture: %s\n", err.message);
		lexc_server_free(s);
		return 1;
	}
	printf("port %u\n", (unsigned)lexc_server_port(s));
	fflush(stdout);
	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	lexc_server_stop(s, 5000);
	lexc_server_free(s);
	return 0;
}
