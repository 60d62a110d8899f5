/* main.c: the webhookd command: `serve` runs the service, `key` manages
 * API keys (webhookd(8)). Every command takes --data-dir; the SQLite file
 * and the key file live there. */
#include "config.h"

#include "delivery.h"
#include "handlers.h"
#include "lexc_docs.h"
#include "options.h"
#include "webhookd.h"

#include <curl/curl.h>
#include <microhttpd.h>

#include <lexc/format.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: webhookd serve [OPTIONS]\n"
	        "       webhookd key create --did DID [--operator] [STORE OPTIONS]\n"
	        "       webhookd key list [STORE OPTIONS]\n"
	        "       webhookd key revoke ID [STORE OPTIONS]\n"
	        "\n"
	        "serve options (also config file settings, without the dashes):\n"
	        "  --config FILE          read settings from FILE (name = value lines)\n"
	        "  --data-dir DIR         database and key file (default ./webhookd-data)\n"
	        "  --listen HOST:PORT     address to listen on (default 127.0.0.1:%d)\n"
	        "  --allow-net CIDR       allow webhook URLs in this network, http too "
	        "(repeatable)\n"
	        "  --max-webhooks N       webhooks per DID (default %d)\n"
	        "  --grace-default S      rotation grace when none is asked (default %d)\n"
	        "  --grace-max S          the largest graceSeconds accepted (default %d)\n"
	        "  --threads N            HTTP worker threads (default: one per core)\n"
	        "  --handler-threads N    threads running handlers (default 16)\n"
	        "  --sync normal|full     commit durability (default normal; doc/webhookd.md)\n"
	        "  --access-log FILE|-    one line per request (default: none)\n"
	        "  --docs                 serve the lexicons' pages at /docs/ with \"Try it\" and\n"
	        "                         /xrpc/_validate (development; default off)\n"
	        "store options (every command):\n"
	        "  --store URL            postgres://... to share one PostgreSQL database between\n"
	        "                         processes (default: SQLite in the data directory)\n"
	        "  --key-file FILE        the encryption key (default DIR/webhookd.key); "
	        "processes\n"
	        "                         sharing a database must share it\n"
	        "  --pg-pool N            PostgreSQL connections per process (default 8)\n"
	        "  --lease D              how long a claimed delivery stays a process's without\n"
	        "                         renewal (PostgreSQL; default 60s)\n"
	        "delivery:\n"
	        "  --concurrency N        transfers in flight (default 128)\n"
	        "  --per-webhook N        of them to one webhook (default 16)\n"
	        "  --retry-schedule LIST  delays before each attempt (default\n"
	        "                         0,5s,5m,30m,2h,5h,10h,10h; each jittered by 20%%)\n"
	        "  --connect-timeout D    (default 5s)   --timeout D  whole attempt (default 15s)\n"
	        "  --disable-after D      disable a webhook failing only this long (default 5d)\n"
	        "  --metrics-listen H:P   serve GET /metrics (Prometheus) there (default: off)\n"
	        "record webhooks (place.wisp.v2.wh, from the event stream):\n"
	        "  --jetstream URL        read a Jetstream (ws:// or wss://.../subscribe)\n"
	        "  --jetstream-collection NSID  only these collections (repeatable; app.bsky.*)\n"
	        "  --jetstream-rewind D   replayed before the cursor on resuming (default 2s)\n"
	        "atproto service auth (API keys work as well):\n"
	        "  --service-did DID      accept service JWTs whose aud is DID (default: off)\n"
	        "  --plc-url URL          PLC directory for did:plc (default %s)\n"
	        "  --did-ca-file FILE     extra trusted CAs (PEM) for did:web hosts\n"
	        "See webhookd(8).\n",
	        WH_DEFAULT_PORT, WH_DEFAULT_MAX_WEBHOOKS, WH_DEFAULT_GRACE, WH_GRACE_LIMIT,
	        LEXC_PLC_DEFAULT_URL);
}

/* Creates the data directory (mode 0700) if it does not exist. */
static bool data_dir_ready(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
		struct stat st;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return true;
		fprintf(stderr, "webhookd: %s is not a directory\n", dir);
		return false;
	}
	fprintf(stderr, "webhookd: cannot create %s: %s\n", dir, strerror(errno));
	return false;
}

/* The store the options name; `serving`: a server (LISTENs for other
 * processes' changes on PostgreSQL). */
static wh_store *open_store_for(const wh_options *o, bool serving)
{
	lexc_error err;
	lexc_error_clear(&err);
	if (o->store != NULL) {
		wh_pg_config pc = {
		        .conninfo = o->store,
		        .pool = o->pg_pool,
		        .lease_ms = o->lease_ms,
		        .listen = serving,
		};
		wh_store *s = wh_store_pg_open(&pc, &err);
		if (s == NULL)
			fprintf(stderr, "webhookd: PostgreSQL store: %s\n", err.message);
		return s;
	}
	if (!data_dir_ready(o->data_dir))
		return NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/webhookd.db", o->data_dir);
	wh_store *s = wh_store_sqlite_open(path, o->sync, &err);
	if (s == NULL)
		fprintf(stderr, "webhookd: %s: %s\n", path, err.message);
	return s;
}

static wh_store *open_store(const wh_options *o)
{
	return open_store_for(o, false);
}

static int key_create(const wh_options *o)
{
	const char *reason = NULL;
	if (o->did == NULL) {
		fprintf(stderr, "webhookd: key create needs --did DID\n");
		return 2;
	}
	if (!lexc_format_did(o->did, strlen(o->did), &reason)) {
		fprintf(stderr, "webhookd: --did %s is not a DID: %s\n", o->did, reason);
		return 2;
	}
	wh_store *s = open_store(o);
	if (s == NULL)
		return 1;
	char key[WH_API_KEY_LEN + 1], id[WH_UUID_LEN + 1];
	int64_t now = wh_now_ms();
	int rc = 1;
	if (wh_api_key_generate(key) && wh_uuid7(now, id)) {
		unsigned char hash[32];
		wh_sha256(key, WH_API_KEY_LEN, hash);
		wh_api_key k = {.id = lexc_str_borrow(id),
		                .did = lexc_str_borrow(o->did),
		                .operator_key = o->operator_key,
		                .created_at = now};
		lexc_error err;
		lexc_error_clear(&err);
		if (s->ops->key_create(s, &k, hash, &err) == WH_OK) {
			/* The key alone on stdout, so `KEY=$(webhookd key create ...)`
			 * works; what it is goes to stderr. */
			printf("%s\n", key);
			fflush(stdout);
			fprintf(stderr, "webhookd: created %s key %s for %s (shown once)\n",
			        o->operator_key ? "operator" : "user", id, o->did);
			rc = 0;
		} else {
			fprintf(stderr, "webhookd: key create: %s\n", err.message);
		}
	} else {
		fprintf(stderr, "webhookd: no randomness for a key\n");
	}
	wh_wipe(key, sizeof key);
	s->ops->close(s);
	return rc;
}

static int key_list(const wh_options *o)
{
	wh_store *s = open_store(o);
	if (s == NULL)
		return 1;
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	lexc_error_clear(&err);
	wh_api_key *keys = NULL;
	size_t n = 0;
	int rc = 1;
	if (s->ops->key_list(s, &a, &keys, &n, &err) == WH_OK) {
		for (size_t i = 0; i < n; i++) {
			lexc_str created = wh_datetime(&a, keys[i].created_at);
			printf("%.*s %.*s %s %.*s %s\n", (int)keys[i].id.len, keys[i].id.ptr,
			       (int)keys[i].did.len, keys[i].did.ptr,
			       keys[i].operator_key ? "operator" : "user", (int)created.len,
			       created.ptr, keys[i].revoked_at != 0 ? "revoked" : "valid");
		}
		rc = 0;
	} else {
		fprintf(stderr, "webhookd: key list: %s\n", err.message);
	}
	lexc_arena_free(&a);
	s->ops->close(s);
	return rc;
}

static int key_revoke(const wh_options *o)
{
	if (o->n_args != 3) {
		fprintf(stderr, "webhookd: usage: webhookd key revoke ID\n");
		return 2;
	}
	wh_store *s = open_store(o);
	if (s == NULL)
		return 1;
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = s->ops->key_revoke(s, lexc_str_borrow(o->args[2]), wh_now_ms(), &err);
	s->ops->close(s);
	if (r == WH_OK) {
		fprintf(stderr, "webhookd: revoked key %s\n", o->args[2]);
		return 0;
	}
	if (r == WH_NOT_FOUND)
		fprintf(stderr, "webhookd: no valid key %s (webhookd key list shows them)\n",
		        o->args[2]);
	else
		fprintf(stderr, "webhookd: key revoke: %s\n", err.message);
	return 1;
}

/* GET /metrics on its own listen address, so it needs no API key: the
 * operator decides who reaches that address. */
/* Service JWTs' counters (when --service-did is on), after delivery's. */
static bool auth_metrics(wh_service *svc, char **text, size_t *len)
{
	if (svc->service_auth == NULL)
		return true;
	lexc_service_auth_stats st;
	lexc_service_auth_get_stats(svc->service_auth, &st);
	char block[1024];
	int n = snprintf(block, sizeof block,
	                 "# HELP webhookd_jwt_total Service JWTs by verdict.\n"
	                 "# TYPE webhookd_jwt_total counter\n"
	                 "webhookd_jwt_total{verdict=\"accepted\"} %llu\n"
	                 "webhookd_jwt_total{verdict=\"refused\"} %llu\n"
	                 "webhookd_jwt_total{verdict=\"replayed\"} %llu\n"
	                 "# HELP webhookd_did_resolutions_total DID documents fetched, and "
	                 "of them failed.\n# TYPE webhookd_did_resolutions_total counter\n"
	                 "webhookd_did_resolutions_total{result=\"any\"} %llu\n"
	                 "webhookd_did_resolutions_total{result=\"failed\"} %llu\n"
	                 "# HELP webhookd_did_key_cache_hits_total Issuer keys found in the "
	                 "cache.\n# TYPE webhookd_did_key_cache_hits_total counter\n"
	                 "webhookd_did_key_cache_hits_total %llu\n",
	                 (unsigned long long)st.verified, (unsigned long long)st.refused,
	                 (unsigned long long)st.replays, (unsigned long long)st.resolutions,
	                 (unsigned long long)st.resolution_failures,
	                 (unsigned long long)st.cache_hits);
	char *p = n > 0 && (size_t)n < sizeof block ? realloc(*text, *len + (size_t)n + 1) : NULL;
	if (p == NULL)
		return false;
	memcpy(p + *len, block, (size_t)n + 1);
	*text = p;
	*len += (size_t)n;
	return true;
}

static enum MHD_Result metrics_answer(void *cls, struct MHD_Connection *c, const char *url,
                                      const char *method, const char *version, const char *upload,
                                      size_t *upload_size, void **state)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	wh_service *svc = cls;
	char *text = NULL;
	size_t len = 0, cap = 0;
	unsigned status = MHD_HTTP_OK;
	if (strcmp(method, "GET") != 0 || strcmp(url, "/metrics") != 0) {
		status = MHD_HTTP_NOT_FOUND;
	} else if (!wh_deliverer_metrics(svc->deliverer, &text, &len, &cap) ||
	           !wh_jetstream_metrics(svc->jetstream, &text, &len, &cap) ||
	           !auth_metrics(svc, &text, &len)) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		len = 0;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(
	        len, text != NULL ? text : (char *)"",
	        text != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static struct MHD_Daemon *metrics_start(const wh_options *o, wh_service *svc)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (inet_pton(AF_INET, o->metrics_host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(o->metrics_port);
	} else if (inet_pton(AF_INET6, o->metrics_host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(o->metrics_port);
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, "webhookd: metrics-listen: %s is not an IP address\n",
		        o->metrics_host);
		return NULL;
	}
	struct MHD_Daemon *d = MHD_start_daemon(flags, o->metrics_port, NULL, NULL, metrics_answer,
	                                        svc, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_END);
	if (d == NULL)
		fprintf(stderr, "webhookd: cannot listen on %s:%u for metrics\n", o->metrics_host,
		        o->metrics_port);
	return d;
}

static int serve(const wh_options *o)
{
	if (!data_dir_ready(o->data_dir))
		return 1;
	/* The delivery and metrics threads start before lexc_server_run()
	 * blocks these; blocked here, they inherit the mask and SIGTERM reaches
	 * only the sigwait() that drains. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	lexc_error err;
	lexc_error_clear(&err);
	wh_keyring *keys = o->key_file != NULL ? wh_keyring_open_file(o->key_file, &err)
	                                       : wh_keyring_open(o->data_dir, &err);
	if (keys == NULL) {
		fprintf(stderr, "webhookd: %s\n", err.message);
		return 1;
	}
	wh_store *store = open_store_for(o, true);
	if (store == NULL) {
		wh_keyring_free(keys);
		return 1;
	}
	FILE *access = NULL;
	if (o->access_log != NULL) {
		access = strcmp(o->access_log, "-") == 0 ? stdout : fopen(o->access_log, "a");
		if (access == NULL) {
			fprintf(stderr, "webhookd: %s: %s\n", o->access_log, strerror(errno));
			store->ops->close(store);
			wh_keyring_free(keys);
			return 1;
		}
		setvbuf(access, NULL, _IOLBF, 0);
	}

	wh_service svc = {
	        .store = store,
	        .keys = keys,
	        .net = {o->allow, o->n_allow},
	        .limits = o->limits,
	};
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	cfg.address = o->host;
	cfg.port = o->port;
	cfg.threads = o->threads;
	cfg.handler_threads = o->handler_threads;
	cfg.auth = wh_auth_hook;
	cfg.auth_user = &svc;
	cfg.default_auth = LEXC_AUTH_REQUIRED;
	cfg.auth_realm = "webhookd";
	cfg.access_log = access;
	cfg.version = "webhookd " PACKAGE_VERSION;

	int rc = 1;
	struct MHD_Daemon *metrics = NULL;
	lexc_server *server = NULL;
	if (o->service_did != NULL) {
		lexc_service_auth_config ac = {0};
		ac.service_did = o->service_did;
		ac.plc_url = o->plc_url;
		ac.ca_file = o->did_ca_file;
		ac.net = &svc.net; /* did:web goes through delivery's SSRF guard */
#ifdef WEBHOOKD_TEST_HOOKS
		/* the suite rotates a key seconds after it was fetched */
		const char *refresh = getenv("WEBHOOKD_TEST_DID_REFRESH_MS");
		if (refresh != NULL)
			ac.refresh_ms = atoll(refresh);
#endif
		svc.service_auth = lexc_service_auth_new(&ac, &err);
		if (svc.service_auth == NULL) {
			fprintf(stderr, "webhookd: service auth: %s\n", err.message);
			goto done;
		}
		fprintf(stderr, "webhookd: accepting service JWTs for %s (PLC %s)\n",
		        o->service_did, o->plc_url != NULL ? o->plc_url : LEXC_PLC_DEFAULT_URL);
	}
	svc.deliverer = wh_deliverer_start(&svc, &o->delivery, &err);
	if (svc.deliverer == NULL) {
		fprintf(stderr, "webhookd: delivery: %s\n", err.message);
		goto done;
	}
	if (o->jetstream.url != NULL) {
		wh_jetstream_config jc = o->jetstream;
		jc.stream.max_per_did = o->limits.max_webhooks;
		if ((svc.jetstream = wh_jetstream_start(&svc, &jc, &err)) == NULL) {
			fprintf(stderr, "webhookd: %s\n", err.message);
			goto done;
		}
		fprintf(stderr, "webhookd: record webhooks from %s\n", o->jetstream.url);
	}
	if (o->metrics_host[0] != '\0' && (metrics = metrics_start(o, &svc)) == NULL)
		goto done;
	server = lexc_server_new(&cfg, lexc_methods, lexc_methods_count, &err);
	if (server == NULL) {
		fprintf(stderr, "webhookd: %s\n", err.message);
	} else {
		lexc_status st = register_all(server, &svc, &err);
		/* Development: the lexicons' pages, with "Try it" (an API key in
		 * its Authorization field) and "Validate record". */
		if (st == LEXC_OK && o->docs)
			st = lexc_server_serve_docs(server, &lexc_docs, &err);
		if (st == LEXC_OK) {
			fprintf(stderr, "webhookd: data in %s, max %zu webhooks per DID\n",
			        o->data_dir, o->limits.max_webhooks);
			st = lexc_server_run(server, &err);
		}
		if (st == LEXC_OK)
			rc = 0;
		else
			fprintf(stderr, "webhookd: %s: %s\n", lexc_status_name(st), err.message);
		lexc_server_free(server);
	}
done:
	if (metrics != NULL)
		MHD_stop_daemon(metrics);
	wh_jetstream_stop(svc.jetstream);
	wh_deliverer_stop(svc.deliverer);
	lexc_service_auth_free(svc.service_auth);
	if (access != NULL && access != stdout)
		fclose(access);
	store->ops->close(store);
	wh_keyring_free(keys);
	return rc;
}

int main(int argc, char **argv)
{
	/* Every file webhookd makes (database, WAL, key file) is its owner's
	 * only. */
	umask(077);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "webhookd: libcurl does not initialise\n");
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("webhookd %s\n", PACKAGE_VERSION);
		return 0;
	}
	wh_options o;
	char err[1024];
	if (!wh_options_parse(&o, argc, argv, 1, err, sizeof err)) {
		fprintf(stderr, "webhookd: %s\n", err);
		return 2;
	}
	const char *cmd = o.n_args > 0 ? o.args[0] : "";
	const char *sub = o.n_args > 1 ? o.args[1] : "";
	if (strcmp(cmd, "serve") == 0 && o.n_args == 1) {
		int rc = serve(&o);
		curl_global_cleanup();
		return rc;
	}
	if (strcmp(cmd, "key") == 0 && strcmp(sub, "create") == 0 && o.n_args == 2)
		return key_create(&o);
	if (strcmp(cmd, "key") == 0 && strcmp(sub, "list") == 0 && o.n_args == 2)
		return key_list(&o);
	if (strcmp(cmd, "key") == 0 && strcmp(sub, "revoke") == 0)
		return key_revoke(&o);
	fprintf(stderr, "webhookd: unknown command '%s%s%s'\n", cmd, *sub ? " " : "", sub);
	usage(stderr);
	return 2;
}
