/* options.c: see options.h. One table of settings serves the config file
 * ("name = value" lines, '#' comments) and the flags ("--name value" or
 * "--name=value"), so the two cannot drift apart. */
#include "config.h"

#include "options.h"

#include <lexc/format.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum setting {
	S_CONFIG,
	S_DATA_DIR,
	S_LISTEN,
	S_ALLOW_NET,
	S_MAX_WEBHOOKS,
	S_GRACE_DEFAULT,
	S_GRACE_MAX,
	S_THREADS,
	S_HANDLER_THREADS,
	S_SYNC,
	S_ACCESS_LOG,
	S_DID,
	S_OPERATOR,
	S_CONCURRENCY,
	S_PER_WEBHOOK,
	S_RETRY_SCHEDULE,
	S_CONNECT_TIMEOUT,
	S_TIMEOUT,
	S_DISABLE_AFTER,
	S_METRICS_LISTEN,
	S_SERVICE_DID,
	S_PLC_URL,
	S_DID_CA_FILE,
	S_STORE,
	S_PG_POOL,
	S_LEASE,
	S_KEY_FILE,
	S_DOCS,
	S_JETSTREAM,
	S_JETSTREAM_COLLECTION,
	S_JETSTREAM_REWIND,
} setting;

static const struct {
	const char *name;
	setting id;
	bool takes_value;
} settings[] = {
        {"config", S_CONFIG, true},
        {"data-dir", S_DATA_DIR, true},
        {"listen", S_LISTEN, true},
        {"allow-net", S_ALLOW_NET, true},
        {"max-webhooks", S_MAX_WEBHOOKS, true},
        {"grace-default", S_GRACE_DEFAULT, true},
        {"grace-max", S_GRACE_MAX, true},
        {"threads", S_THREADS, true},
        {"handler-threads", S_HANDLER_THREADS, true},
        {"sync", S_SYNC, true},
        {"access-log", S_ACCESS_LOG, true},
        {"did", S_DID, true},
        {"operator", S_OPERATOR, false},
        {"docs", S_DOCS, false},
        {"concurrency", S_CONCURRENCY, true},
        {"per-webhook", S_PER_WEBHOOK, true},
        {"retry-schedule", S_RETRY_SCHEDULE, true},
        {"connect-timeout", S_CONNECT_TIMEOUT, true},
        {"timeout", S_TIMEOUT, true},
        {"disable-after", S_DISABLE_AFTER, true},
        {"metrics-listen", S_METRICS_LISTEN, true},
        {"service-did", S_SERVICE_DID, true},
        {"plc-url", S_PLC_URL, true},
        {"did-ca-file", S_DID_CA_FILE, true},
        {"store", S_STORE, true},
        {"pg-pool", S_PG_POOL, true},
        {"lease", S_LEASE, true},
        {"key-file", S_KEY_FILE, true},
        {"jetstream", S_JETSTREAM, true},
        {"jetstream-collection", S_JETSTREAM_COLLECTION, true},
        {"jetstream-rewind", S_JETSTREAM_REWIND, true},
};

static bool number(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	if (s == NULL || *s == '\0')
		return false;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" into host (of size host_size). */
static bool parse_host_port(const char *v, char *host, size_t host_size, uint16_t *port_out)
{
	const char *colon = strrchr(v, ':');
	long long port;
	if (colon == NULL || !number(colon + 1, 0, 65535, &port))
		return false;
	const char *h = v;
	size_t n = (size_t)(colon - v);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0) {
		h = "127.0.0.1";
		n = strlen(h);
	}
	if (n >= host_size)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	*port_out = (uint16_t)port;
	return true;
}

/* One duration ("15s", "500ms", "5d"; bare: seconds) in ms. */
static bool duration(const char *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t ms[WH_SCHEDULE_MAX];
	size_t n;
	if (strchr(v, ',') != NULL || !wh_schedule_parse(v, ms, &n) || n != 1 || ms[0] < min ||
	    ms[0] > max)
		return false;
	*out = ms[0];
	return true;
}

/* Applies one setting; `where` names it for the message. */
static bool apply(wh_options *o, setting id, const char *v, bool from_file, const char *where,
                  char *err, size_t size)
{
	long long n;
	switch (id) {
	case S_CONFIG:
		if (from_file) {
			snprintf(err, size, "%s: config cannot name another config file", where);
			return false;
		}
		return true; /* read before the flags */
	case S_DATA_DIR:
		o->data_dir = v;
		return true;
	case S_LISTEN:
		if (parse_host_port(v, o->host, sizeof o->host, &o->port))
			return true;
		snprintf(err, size, "%s: listen must be HOST:PORT, not '%s'", where, v);
		return false;
	case S_ALLOW_NET:
		if (o->n_allow == WH_MAX_ALLOW_NET) {
			snprintf(err, size, "%s: at most %d allow-net networks", where,
			         WH_MAX_ALLOW_NET);
			return false;
		}
		if (lexc_cidr_parse(v, &o->allow[o->n_allow])) {
			o->n_allow++;
			return true;
		}
		snprintf(err, size, "%s: allow-net must be a network like 10.0.0.0/8, not '%s'",
		         where, v);
		return false;
	case S_MAX_WEBHOOKS:
		if (number(v, 1, 1000000, &n)) {
			o->limits.max_webhooks = (size_t)n;
			return true;
		}
		snprintf(err, size, "%s: max-webhooks must be 1..1000000", where);
		return false;
	case S_GRACE_DEFAULT:
	case S_GRACE_MAX:
		if (number(v, 0, WH_GRACE_LIMIT, &n)) {
			if (id == S_GRACE_DEFAULT)
				o->limits.grace_default = n;
			else
				o->limits.grace_max = n;
			return true;
		}
		snprintf(err, size, "%s: %s must be 0..%d seconds", where,
		         id == S_GRACE_DEFAULT ? "grace-default" : "grace-max", WH_GRACE_LIMIT);
		return false;
	case S_THREADS:
	case S_HANDLER_THREADS:
		if (number(v, 1, 1024, &n)) {
			if (id == S_THREADS)
				o->threads = (unsigned)n;
			else
				o->handler_threads = (unsigned)n;
			return true;
		}
		snprintf(err, size, "%s: threads must be 1..1024", where);
		return false;
	case S_SYNC:
		if (strcmp(v, "normal") == 0 || strcmp(v, "full") == 0) {
			o->sync = strcmp(v, "full") == 0 ? WH_SYNC_FULL : WH_SYNC_NORMAL;
			return true;
		}
		snprintf(err, size, "%s: sync must be normal or full", where);
		return false;
	case S_ACCESS_LOG:
		o->access_log = v;
		return true;
	case S_DID:
		o->did = v;
		return true;
	case S_DOCS:
		o->docs = true;
		return true;
	case S_OPERATOR:
		o->operator_key = true;
		return true;
	case S_CONCURRENCY:
	case S_PER_WEBHOOK:
		if (number(v, 1, 4096, &n)) {
			if (id == S_CONCURRENCY)
				o->delivery.concurrency = (size_t)n;
			else
				o->delivery.per_webhook = (size_t)n;
			return true;
		}
		snprintf(err, size, "%s: %s must be 1..4096", where,
		         id == S_CONCURRENCY ? "concurrency" : "per-webhook");
		return false;
	case S_RETRY_SCHEDULE:
		if (wh_schedule_parse(v, o->delivery.schedule, &o->delivery.n_schedule))
			return true;
		snprintf(err, size,
		         "%s: retry-schedule must be up to %d delays like 0,5s,5m,30m,2h, not '%s'",
		         where, WH_SCHEDULE_MAX, v);
		return false;
	case S_CONNECT_TIMEOUT:
	case S_TIMEOUT:
		if (duration(v, 1, 600000,
		             id == S_TIMEOUT ? &o->delivery.timeout_ms
		                             : &o->delivery.connect_timeout_ms))
			return true;
		snprintf(err, size, "%s: %s must be a duration from 1ms to 10m, like 5s", where,
		         id == S_TIMEOUT ? "timeout" : "connect-timeout");
		return false;
	case S_DISABLE_AFTER:
		if (duration(v, 0, 365LL * 86400000, &o->delivery.disable_after_ms))
			return true;
		snprintf(err, size, "%s: disable-after must be a duration up to 365d (0: never)",
		         where);
		return false;
	case S_METRICS_LISTEN:
		if (parse_host_port(v, o->metrics_host, sizeof o->metrics_host, &o->metrics_port))
			return true;
		snprintf(err, size, "%s: metrics-listen must be HOST:PORT, not '%s'", where, v);
		return false;
	case S_SERVICE_DID:
		if (lexc_format_did(v, strlen(v), NULL)) {
			o->service_did = v;
			return true;
		}
		snprintf(err, size, "%s: service-did must be a DID (did:web:example.com), not '%s'",
		         where, v);
		return false;
	case S_PLC_URL:
		if (strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0) {
			o->plc_url = v;
			return true;
		}
		snprintf(err, size, "%s: plc-url must be an http(s) URL, not '%s'", where, v);
		return false;
	case S_DID_CA_FILE:
		o->did_ca_file = v;
		return true;
	case S_STORE:
		if (strcmp(v, "sqlite") == 0) {
			o->store = NULL;
			return true;
		}
		if (strncmp(v, "postgres://", 11) == 0 || strncmp(v, "postgresql://", 13) == 0) {
			o->store = v;
			return true;
		}
		snprintf(err, size,
		         "%s: store must be sqlite or a postgres://... URL (libpq's), not '%.40s'",
		         where, v);
		return false;
	case S_PG_POOL:
		if (number(v, 1, 256, &n)) {
			o->pg_pool = (size_t)n;
			return true;
		}
		snprintf(err, size, "%s: pg-pool must be 1..256 connections", where);
		return false;
	case S_LEASE:
		if (duration(v, 1000, 3600000, &o->lease_ms))
			return true;
		snprintf(err, size, "%s: lease must be a duration from 1s to 1h, like 60s", where);
		return false;
	case S_KEY_FILE:
		o->key_file = v;
		return true;
	case S_JETSTREAM:
		if (strncmp(v, "ws://", 5) == 0 || strncmp(v, "wss://", 6) == 0) {
			o->jetstream.url = v;
			return true;
		}
		snprintf(err, size, "%s: jetstream must be a ws:// or wss:// URL, not '%.60s'",
		         where, v);
		return false;
	case S_JETSTREAM_COLLECTION: {
		size_t len = strlen(v);
		bool prefix = len > 2 && strcmp(v + len - 2, ".*") == 0;
		if (o->jetstream.n_collections < WH_JETSTREAM_MAX_COLLECTIONS - 1 &&
		    lexc_format_check(LEXC_FORMAT_NSID, v, prefix ? len - 2 : len, NULL) ==
		            !prefix) {
			o->jetstream.collections[o->jetstream.n_collections++] = v;
			return true;
		}
		if (prefix && o->jetstream.n_collections < WH_JETSTREAM_MAX_COLLECTIONS - 1) {
			o->jetstream.collections[o->jetstream.n_collections++] = v;
			return true;
		}
		snprintf(err, size,
		         "%s: jetstream-collection must be an NSID or a prefix like app.bsky.*, at "
		         "most %d, not '%.60s'",
		         where, WH_JETSTREAM_MAX_COLLECTIONS - 1, v);
		return false;
	}
	case S_JETSTREAM_REWIND: {
		int64_t ms;
		if (duration(v, 0, 3600000, &ms)) {
			o->jetstream.stream.rewind_us = ms * 1000;
			return true;
		}
		snprintf(err, size, "%s: jetstream-rewind must be a duration up to 1h, like 2s",
		         where);
		return false;
	}
	}
	return false;
}

static int find_setting(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
		if (strlen(settings[i].name) == len && strncmp(settings[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static bool read_config(wh_options *o, const char *path, char *err, size_t size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		return false;
	}
	char line[4096];
	unsigned lineno = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		char where[512];
		snprintf(where, sizeof where, "%s:%u", path, lineno);
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		char *s = trim(line);
		if (*s == '\0')
			continue;
		char *eq = strchr(s, '=');
		char *value = eq != NULL ? trim(eq + 1) : NULL;
		if (eq != NULL)
			*eq = '\0';
		char *name = trim(s);
		int i = find_setting(name, strlen(name));
		if (i < 0) {
			snprintf(err, size, "%s: unknown setting '%s'", where, name);
			ok = false;
		} else if (settings[i].takes_value && (value == NULL || *value == '\0')) {
			snprintf(err, size, "%s: %s needs a value (%s = ...)", where, name, name);
			ok = false;
		} else if (value != NULL && strlen(value) >= sizeof o->text - o->text_used) {
			snprintf(err, size, "%s: the config file's values exceed %zu bytes", where,
			         sizeof o->text);
			ok = false;
		} else {
			/* Kept in o, which lives as long as argv does. */
			char *copy = NULL;
			if (value != NULL) {
				copy = o->text + o->text_used;
				strcpy(copy, value);
				o->text_used += strlen(value) + 1;
			}
			ok = apply(o, settings[i].id, copy != NULL ? copy : "true", true, where,
			           err, size);
		}
	}
	fclose(f);
	return ok;
}

bool wh_options_parse(wh_options *o, int argc, char **argv, int first, char *err, size_t size)
{
	memset(o, 0, sizeof *o);
	o->data_dir = "./webhookd-data";
	o->pg_pool = 8;
	o->lease_ms = 60000;
	strcpy(o->host, "127.0.0.1");
	o->port = WH_DEFAULT_PORT;
	o->limits = (wh_limits){WH_DEFAULT_MAX_WEBHOOKS, WH_DEFAULT_GRACE, WH_GRACE_LIMIT};
	wh_delivery_config_default(&o->delivery);
	wh_jetstream_config_default(&o->jetstream);

	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			o->config_file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			o->config_file = argv[i] + 9;
	}
	if (o->config_file != NULL && !read_config(o, o->config_file, err, size))
		return false;
	/* allow-net flags replace the file's list rather than add to it. */
	bool flag_allow = false;
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0) {
			if (o->n_args == sizeof o->args / sizeof o->args[0]) {
				snprintf(err, size, "too many arguments at '%s'", arg);
				return false;
			}
			o->args[o->n_args++] = arg;
			continue;
		}
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		int k = find_setting(name, eq != NULL ? (size_t)(eq - name) : strlen(name));
		if (k < 0) {
			snprintf(err, size, "unknown option '%s'", arg);
			return false;
		}
		const char *value = NULL;
		if (settings[k].takes_value) {
			if (eq != NULL)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				snprintf(err, size, "%s needs a value", arg);
				return false;
			}
		} else if (eq != NULL) {
			snprintf(err, size, "%s takes no value", settings[k].name);
			return false;
		}
		if (settings[k].id == S_ALLOW_NET && !flag_allow) {
			flag_allow = true;
			o->n_allow = 0;
		}
		char where[96];
		snprintf(where, sizeof where, "--%s", settings[k].name);
		if (!apply(o, settings[k].id, value, false, where, err, size))
			return false;
	}
	if (o->limits.grace_default > o->limits.grace_max) {
		snprintf(err, size, "grace-default (%lld) is above grace-max (%lld)",
		         (long long)o->limits.grace_default, (long long)o->limits.grace_max);
		return false;
	}
	return true;
}
