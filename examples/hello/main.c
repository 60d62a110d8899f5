/* main.c: the server. Written by lexc stubs as a starting point; it is yours now: lexc stubs
 * never overwrites it. The handlers are registered by register_all() (register_all.c, which
 * lexc stubs rewrites when methods are added). To authenticate callers, set cfg.auth (see
 * lexc/server.h); --service-did shows the ready hook for atproto service JWTs (liblexc-auth,
 * lexc/service_auth.h). */
#include "handlers.h"
#include "lexc_docs.h"

#include <lexc/service_auth.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
	        "usage: %s [--address ADDR] [--port PORT] [--threads N] [--service-did DID]\n\n"
	        "  --address ADDR  IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
	        "  --port PORT     TCP port (default 0: any free port)\n"
	        "  --threads N     worker threads (default 0: one per core)\n"
	        "  --service-did DID  require an atproto service JWT whose aud is DID\n"
	        "  --plc-url URL   the PLC directory for did:plc (default " LEXC_PLC_DEFAULT_URL
	        ")\n"
	        "  --no-docs       do not serve the documentation pages at /docs/ and\n"
	        "                  /xrpc/_validate (lexc gen --docs wrote them)\n"
	        "  --help          print this help\n",
	        argv0);
}

/* The value of option `name` at argv[*i] ("--port 80" or "--port=80"), or NULL. */
static const char *option(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* A decimal number up to `max`, into *out. */
static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && *out <= max;
}

int main(int argc, char **argv)
{
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	/* The access log, one line per request, written as it happens. */
	cfg.access_log = stdout;
	setvbuf(stdout, NULL, _IOLBF, 0);
	lexc_service_auth_config auth_cfg = {0};
	int docs = 1;
	for (int i = 1; i < argc; i++) {
		const char *v;
		unsigned long n;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout, argv[0]);
			return 0;
		} else if (strcmp(argv[i], "--no-docs") == 0) {
			docs = 0;
		} else if ((v = option(argc, argv, &i, "--address")) != NULL) {
			cfg.address = v;
		} else if ((v = option(argc, argv, &i, "--port")) != NULL && number(v, 65535, &n)) {
			cfg.port = (uint16_t)n;
		} else if ((v = option(argc, argv, &i, "--threads")) != NULL &&
		           number(v, 1024, &n)) {
			cfg.threads = (unsigned)n;
		} else if ((v = option(argc, argv, &i, "--service-did")) != NULL) {
			auth_cfg.service_did = v;
		} else if ((v = option(argc, argv, &i, "--plc-url")) != NULL) {
			auth_cfg.plc_url = v;
		} else {
			fprintf(stderr, "%s: bad argument '%s'\n", argv[0], argv[i]);
			usage(stderr, argv[0]);
			return 2;
		}
	}

	lexc_error err;
	lexc_error_clear(&err);
	/* Service JWTs: the PDS of the caller signs for this server (aud) and
	 * this method (lxm); the hook verifies and sets the caller's DID. */
	lexc_service_auth *auth = NULL;
	if (auth_cfg.service_did != NULL) {
		if ((auth = lexc_service_auth_new(&auth_cfg, &err)) == NULL) {
			fprintf(stderr, "%s: %s\n", argv[0], err.message);
			return 1;
		}
		cfg.auth = lexc_service_auth_hook;
		cfg.auth_user = auth;
		cfg.default_auth = LEXC_AUTH_REQUIRED;
	}
	lexc_server *server = lexc_server_new(&cfg, lexc_methods, lexc_methods_count, &err);
	if (server == NULL) {
		fprintf(stderr, "%s: %s\n", argv[0], err.message);
		lexc_service_auth_free(auth);
		return 1;
	}
	lexc_status st = register_all(server, NULL, &err);
	/* The lexicons' pages at /docs/, with "Try it" and "Validate record". */
	if (st == LEXC_OK && docs)
		st = lexc_server_serve_docs(server, &lexc_docs, &err);
	if (st == LEXC_OK)
		st = lexc_server_run(server, &err);
	if (st != LEXC_OK)
		fprintf(stderr, "%s: %s: %s\n", argv[0], lexc_status_name(st), err.message);
	lexc_server_free(server);
	lexc_service_auth_free(auth);
	return st == LEXC_OK ? 0 : 1;
}
