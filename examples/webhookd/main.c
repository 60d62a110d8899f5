/* main.c: the webhookd command: `serve` runs the service, `key` manages
 * API keys (webhookd(8)). Every command takes --data-dir; the SQLite file
 * and the key file live there. */
#include "config.h"

#include "handlers.h"
#include "options.h"
#include "webhookd.h"

#include <lexc/format.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: webhookd serve [OPTIONS]\n"
	        "       webhookd key create --did DID [--operator] [--data-dir DIR]\n"
	        "       webhookd key list [--data-dir DIR]\n"
	        "       webhookd key revoke ID [--data-dir DIR]\n"
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
	        "See webhookd(8).\n",
	        WH_DEFAULT_PORT, WH_DEFAULT_MAX_WEBHOOKS, WH_DEFAULT_GRACE, WH_GRACE_LIMIT);
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

static wh_store *open_store(const wh_options *o)
{
	if (!data_dir_ready(o->data_dir))
		return NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/webhookd.db", o->data_dir);
	lexc_error err;
	lexc_error_clear(&err);
	wh_store *s = wh_store_sqlite_open(path, o->sync, &err);
	if (s == NULL)
		fprintf(stderr, "webhookd: %s: %s\n", path, err.message);
	return s;
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

static int serve(const wh_options *o)
{
	if (!data_dir_ready(o->data_dir))
		return 1;
	lexc_error err;
	lexc_error_clear(&err);
	wh_keyring *keys = wh_keyring_open(o->data_dir, &err);
	if (keys == NULL) {
		fprintf(stderr, "webhookd: %s\n", err.message);
		return 1;
	}
	wh_store *store = open_store(o);
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
	lexc_server *server = lexc_server_new(&cfg, lexc_methods, lexc_methods_count, &err);
	if (server == NULL) {
		fprintf(stderr, "webhookd: %s\n", err.message);
	} else {
		lexc_status st = register_all(server, &svc, &err);
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
	if (strcmp(cmd, "serve") == 0 && o.n_args == 1)
		return serve(&o);
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
