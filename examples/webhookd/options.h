/* options.h: webhookd's settings, from the config file and the command
 * line (flags override the file), with the defaults of webhookd(8). */
#ifndef WEBHOOKD_OPTIONS_H
#define WEBHOOKD_OPTIONS_H

#include "delivery.h"
#include "jetstream.h"
#include "webhookd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { WH_MAX_ALLOW_NET = 64 };

typedef struct wh_options {
	const char *config_file; /* NULL: none */
	const char *data_dir;    /* default "./webhookd-data" */
	char host[64];           /* default 127.0.0.1 */
	uint16_t port;           /* default WH_DEFAULT_PORT */
	lexc_cidr allow[WH_MAX_ALLOW_NET];
	size_t n_allow;
	wh_limits limits;
	unsigned threads, handler_threads; /* 0: the server's defaults */
	wh_sync sync;
	const char *access_log; /* NULL: none; "-": standard output */
	wh_delivery_config delivery;
	char metrics_host[64]; /* metrics-listen; "" (default): no metrics */
	uint16_t metrics_port;
	/* atproto service JWTs: on when service_did is set */
	const char *service_did;
	const char *plc_url;     /* NULL: the public PLC directory */
	const char *did_ca_file; /* extra CAs for did:web, or NULL */
	/* the store: NULL, the SQLite file in data_dir; else a PostgreSQL URL */
	const char *store;
	size_t pg_pool;       /* connections per process; default 8 */
	int64_t lease_ms;     /* a claim's lease on PostgreSQL; default 60 s */
	const char *key_file; /* NULL: data_dir/webhookd.key */
	bool docs;            /* serve /docs/ and /xrpc/_validate (development) */
	/* the event stream: on when jetstream.url is set */
	wh_jetstream_config jetstream;
	/* key create */
	const char *did;
	bool operator_key;
	/* the words after the options (key create: none; key revoke: ID) */
	const char *args[4];
	size_t n_args;
	/* the config file's values, which the strings above may point into */
	char text[8192];
	size_t text_used;
} wh_options;

/* Fills `o` from the config file named by --config (if any) and then from
 * argv[first..argc), which may hold options and plain words (into args).
 * false with a message (file:line or the flag) in err (size bytes). The
 * strings point into argv or into o->text. */
bool wh_options_parse(wh_options *o, int argc, char **argv, int first, char *err, size_t size);

#endif /* WEBHOOKD_OPTIONS_H */
