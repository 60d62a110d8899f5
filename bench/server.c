/* bench/server [--port N] [--threads N]: the lexc side of bench/server.sh.
 *
 * Serves the project's generated methods with two handlers, the same two
 * that bench/server-ts.js gives the reference server, with the same
 * answers: place.stream.server.listWebhooks (a query: typed params in,
 * min(limit, 10) webhooks out) and place.stream.server.createWebhook (a
 * JSON procedure: the input is decoded and validated, one webhook out).
 * Every output is validated while it is encoded, as the reference does with
 * validateResponse. No access log: the figures are the server's. */
#include "lexc_methods.h"
#include "place/stream/server/createWebhook.h"
#include "place/stream/server/defs.h"
#include "place/stream/server/listWebhooks.h"

#include <lexc/lexc.h>
#include <lexc/server.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIT_INIT(s)                                                                                \
	{                                                                                          \
		s, sizeof(s) - 1                                                                   \
	}
#define LIT(s) ((lexc_str)LIT_INIT(s))

static lexc_str events[] = {LIT_INIT("chat"), LIT_INIT("follow")};

static void fill_hook(place_stream_server_defs__webhook *w, lexc_arena *a, int i)
{
	char buf[64];
	int n = snprintf(buf, sizeof buf, "wh-%d", i);
	w->id = (lexc_str){lexc_arena_strndup(a, buf, (size_t)n), (size_t)n};
	n = snprintf(buf, sizeof buf, "https://example.com/hooks/%d", i);
	w->url = (lexc_str){lexc_arena_strndup(a, buf, (size_t)n), (size_t)n};
	w->n_events = 2;
	w->events = events;
	w->active = true;
	w->createdAt = LIT("2026-01-01T00:00:00.000Z");
	n = snprintf(buf, sizeof buf, "hook %d", i);
	w->has_name = true;
	w->name = (lexc_str){lexc_arena_strndup(a, buf, (size_t)n), (size_t)n};
}

static lexc_status list_webhooks(lexc_call *call,
                                 const place_stream_server_listWebhooks__params *params,
                                 place_stream_server_listWebhooks__output *out)
{
	lexc_arena *a = lexc_call_arena(call);
	int64_t n = params->limit < 10 ? params->limit : 10;
	out->webhooks = lexc_arena_calloc(a, (size_t)n, sizeof *out->webhooks);
	if (out->webhooks == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	out->n_webhooks = (size_t)n;
	for (int i = 0; i < (int)n; i++)
		fill_hook(&out->webhooks[i], a, i);
	out->has_cursor = true;
	out->cursor = LIT("next");
	return LEXC_OK;
}

static lexc_status create_webhook(lexc_call *call,
                                  const place_stream_server_createWebhook__input *in,
                                  place_stream_server_createWebhook__output *out)
{
	place_stream_server_defs__webhook *w =
	        lexc_arena_calloc(lexc_call_arena(call), 1, sizeof *w);
	if (w == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	w->id = LIT("wh-new");
	w->url = in->url;
	w->n_events = in->n_events;
	w->events = in->events;
	w->active = in->has_active && in->active;
	w->createdAt = LIT("2026-01-01T00:00:00.000Z");
	w->has_name = in->has_name;
	w->name = in->name;
	w->has_prefix = in->has_prefix;
	w->prefix = in->prefix;
	out->webhook = w;
	return LEXC_OK;
}

int main(int argc, char **argv)
{
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	cfg.port = 8080;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			cfg.port = (uint16_t)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			cfg.threads = (unsigned)atoi(argv[i + 1]);
	}
	cfg.connection_limit = 4096;
	lexc_error err;
	lexc_server *s = lexc_server_new(&cfg, lexc_methods, lexc_methods_count, &err);
	if (s == NULL ||
	    place_stream_server_listWebhooks__register(s, list_webhooks, NULL, &err) != LEXC_OK ||
	    place_stream_server_createWebhook__register(s, create_webhook, NULL, &err) != LEXC_OK) {
		fprintf(stderr, "bench/server: %s\n", err.message);
		return 1;
	}
	lexc_status st = lexc_server_run(s, &err);
	if (st != LEXC_OK)
		fprintf(stderr, "bench/server: %s\n", err.message);
	lexc_server_free(s);
	return st == LEXC_OK ? 0 : 1;
}
