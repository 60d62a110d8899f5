/* delivery.c: the delivery thread (delivery.h).
 *
 * A delivery moves through: claimed from the store (a slot holds it, with
 * its webhook and its body built), queued on its webhook until fewer than
 * per_webhook of that webhook's transfers run, sent (signed now, so the
 * timestamp is the attempt's), finished (classified into an outcome), and
 * recorded with the other outcomes of the same loop turn in one store
 * transaction. Only then is its slot free again: a crash before the commit
 * leaves the delivery claimed, and the next start sends it again with the
 * same webhook-id (at-least-once). */
#include "config.h"

#include "delivery.h"
#include "payload.h"
#include "whsig.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

enum {
	HEADERS_KEEP = 8192,     /* bytes of response header lines kept */
	RESPONSE_READ = 1 << 20, /* bytes of a response read before giving up on it */
	HOOK_BUCKETS = 1024,
	CLAIM_BATCH = 256,
};

void wh_delivery_config_default(wh_delivery_config *c)
{
	static const int64_t svix[] = {0,       5000,     300000,   1800000,
	                               7200000, 18000000, 36000000, 36000000};
	memset(c, 0, sizeof *c);
	c->concurrency = 128;
	c->per_webhook = 16;
	c->connect_timeout_ms = 5000;
	c->timeout_ms = 15000;
	memcpy(c->schedule, svix, sizeof svix);
	c->n_schedule = sizeof svix / sizeof svix[0];
	c->disable_after_ms = 5LL * 24 * 3600 * 1000;
}

bool wh_schedule_parse(const char *s, int64_t *out, size_t *n)
{
	size_t count = 0;
	while (*s != '\0') {
		char *end;
		errno = 0;
		double v = strtod(s, &end);
		if (end == s || errno != 0 || v < 0 || v > 1e9 || count == WH_SCHEDULE_MAX)
			return false;
		double unit = 1000;
		if (strncmp(end, "ms", 2) == 0)
			unit = 1, end += 2;
		else if (*end == 's')
			unit = 1000, end++;
		else if (*end == 'm')
			unit = 60e3, end++;
		else if (*end == 'h')
			unit = 3600e3, end++;
		else if (*end == 'd')
			unit = 86400e3, end++;
		if (*end != ',' && *end != '\0')
			return false;
		out[count++] = (int64_t)(v * unit + 0.5);
		s = *end == ',' ? end + 1 : end;
		if (*end == ',' && *s == '\0')
			return false;
	}
	*n = count;
	return count > 0;
}

/* A webhook as loaded from the store, shared by the slots that deliver
 * to it: freed when the last of them and its hook let go. */
typedef struct webhook_snap {
	size_t refs;
	lexc_arena arena;
	wh_webhook w;
} webhook_snap;

/* A webhook with deliveries in this process: its transfers and queue. */
typedef struct hook {
	struct hook *next; /* bucket chain */
	char *id;
	size_t refs;              /* slots that point here */
	size_t inflight;          /* of them, transfers running */
	struct slot *head, *tail; /* queued, waiting for a free transfer */
	bool listed;              /* on the ready list */
	struct hook *ready_next;
	/* Its signing keys, fetched and opened once, kept while the store's
	 * generation is unchanged and no retired key has expired. */
	bool cached;
	uint64_t generation;
	int64_t valid_until; /* ms; 0: until the generation moves */
	whsig_key keys[WH_MAX_RETIRED + 1];
	size_t n_keys;
	whsig_key wisp_key; /* X-Webhook-Signature's (record webhooks) */
	bool has_wisp_key;
	/* Its row, kept while the store's generation is unchanged: a status,
	 * URL or transform change moves the generation. */
	webhook_snap *snap;
	uint64_t snap_generation;
} hook;

typedef struct slot {
	struct slot *next; /* free list or its hook's queue */
	lexc_arena arena;  /* everything of this delivery; reset when recorded */
	wh_job job;
	wh_webhook webhook; /* points into snap */
	webhook_snap *snap;
	hook *hook;
	lexc_str body;
	wh_outcome early; /* decided before sending (muted, cancelled) */
	bool decided;
	lexc_str early_error;
	/* the transfer */
	CURL *easy;
	struct curl_slist *headers, *resolve;
	const lexc_netpolicy *net;
	bool http;
	bool blocked;
	bool dns_refused;
	char why[200];
	char errbuf[CURL_ERROR_SIZE];
	int64_t started_ms;
	int64_t retry_after_ms; /* -1: none */
	char resp[WH_RESPONSE_KEEP];
	size_t resp_len, resp_total;
	char hdrs[HEADERS_KEEP];
	size_t hdrs_len;
} slot;

/* Latency buckets of the attempt histogram, in ms. */
static const double latency_buckets[] = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
enum { N_BUCKETS = sizeof latency_buckets / sizeof latency_buckets[0] };
enum { N_OUTCOMES = WH_OUTCOME_CANCELLED + 1 };

struct wh_deliverer {
	wh_service *svc;
	wh_delivery_config cfg;
	pthread_t thread;
	atomic_bool stopping;
	atomic_bool woken;
	CURLM *multi;
	slot *slots;
	size_t n_slots;
	slot *free_slots;
	size_t n_free;
	hook *hooks[HOOK_BUCKETS];
	hook *ready; /* hooks with queued slots */
	uint64_t rng;
	/* outcomes of this turn, recorded together */
	wh_attempt *done;
	slot **done_slots;
	size_t n_done;
	/* metrics */
	atomic_uint_fast64_t outcomes[N_OUTCOMES];
	atomic_uint_fast64_t latency[N_BUCKETS + 1];
	atomic_uint_fast64_t latency_count;
	atomic_uint_fast64_t latency_sum_us;
	atomic_uint_fast64_t store_errors;
	atomic_int_fast64_t inflight;
	atomic_int_fast64_t claimed;
	int64_t next_due; /* when the earliest unclaimed delivery is due; 0: none known */
};

/* Hooks ------------------------------------------------------------------------ */

static unsigned hash_str(lexc_str s)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < s.len; i++)
		h = (h ^ (unsigned char)s.ptr[i]) * 16777619u;
	return h % HOOK_BUCKETS;
}

static hook *hook_get(wh_deliverer *d, lexc_str id)
{
	unsigned b = hash_str(id);
	for (hook *h = d->hooks[b]; h != NULL; h = h->next)
		if (strlen(h->id) == id.len && memcmp(h->id, id.ptr, id.len) == 0)
			return h;
	hook *h = calloc(1, sizeof *h);
	if (h == NULL || (h->id = strndup(id.ptr, id.len)) == NULL) {
		free(h);
		return NULL;
	}
	h->next = d->hooks[b];
	d->hooks[b] = h;
	return h;
}

static void snap_release(webhook_snap *p)
{
	if (p != NULL && --p->refs == 0) {
		lexc_arena_free(&p->arena);
		free(p);
	}
}

/* The webhook of job j as the store has it now, with a reference for the
 * caller: the hook's snapshot while the generation holds, else loaded. */
static wh_result hook_webhook(wh_deliverer *d, hook *h, const wh_job *j, webhook_snap **out,
                              lexc_error *err)
{
	wh_store *st = d->svc->store;
	uint64_t gen = st->ops->generation(st); /* before the load: a write during it reloads */
	if (h->snap == NULL || h->snap_generation != gen) {
		webhook_snap *p = calloc(1, sizeof *p);
		if (p == NULL) {
			lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
			return WH_FAILED;
		}
		lexc_arena_init(&p->arena);
		wh_result r =
		        st->ops->webhook_get(st, j->did, j->webhook_id, &p->arena, &p->w, err);
		if (r != WH_OK) {
			lexc_arena_free(&p->arena);
			free(p);
			return r;
		}
		p->refs = 1;
		snap_release(h->snap);
		h->snap = p;
		h->snap_generation = gen;
	}
	h->snap->refs++;
	*out = h->snap;
	return WH_OK;
}

/* Drops a slot's reference; frees the hook when no slot points to it. */
static void hook_release(wh_deliverer *d, hook *h)
{
	if (--h->refs != 0 || h->listed)
		return;
	unsigned b = hash_str(lexc_str_borrow(h->id));
	for (hook **pp = &d->hooks[b]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	OPENSSL_cleanse(h->keys, sizeof h->keys);
	OPENSSL_cleanse(&h->wisp_key, sizeof h->wisp_key);
	snap_release(h->snap);
	free(h->id);
	free(h);
}

static void hook_mark_ready(wh_deliverer *d, hook *h)
{
	if (!h->listed && h->head != NULL && h->inflight < d->cfg.per_webhook) {
		h->listed = true;
		h->ready_next = d->ready;
		d->ready = h;
	}
}

/* Jitter and schedule ---------------------------------------------------------- */

static double rand01(wh_deliverer *d)
{
	/* xorshift64*: jitter needs spread, not secrecy */
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return (double)((d->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int64_t jittered(wh_deliverer *d, int64_t ms)
{
	return (int64_t)((double)ms * (0.8 + 0.4 * rand01(d)) + 0.5);
}

/* Requests ---------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	slot *s = user;
	size_t len = size * n;
	if (s->resp_len < sizeof s->resp) {
		size_t take =
		        len < sizeof s->resp - s->resp_len ? len : sizeof s->resp - s->resp_len;
		memcpy(s->resp + s->resp_len, p, take);
		s->resp_len += take;
	}
	s->resp_total += len;
	return s->resp_total > RESPONSE_READ ? 0 : len;
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	slot *s = user;
	size_t len = size * n;
	/* A new status line (after a 100 Continue) starts the headers over. */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		s->hdrs_len = 0;
		s->retry_after_ms = -1;
		return len;
	}
	if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0) {
		char v[64];
		size_t vl = len - 12 < sizeof v - 1 ? len - 12 : sizeof v - 1;
		memcpy(v, p + 12, vl);
		v[vl] = '\0';
		char *q = v;
		while (*q == ' ' || *q == '\t')
			q++;
		char *end;
		long long secs = strtoll(q, &end, 10);
		if (end != q && (*end == '\r' || *end == '\n' || *end == '\0') && secs >= 0 &&
		    secs < 100000000) {
			s->retry_after_ms = secs * 1000;
		} else {
			time_t t = curl_getdate(q, NULL);
			if (t > 0) {
				int64_t delta = (int64_t)t * 1000 - wh_now_ms();
				s->retry_after_ms = delta > 0 ? delta : 0;
			}
		}
	}
	if (s->hdrs_len + len <= sizeof s->hdrs) {
		memcpy(s->hdrs + s->hdrs_len, p, len);
		s->hdrs_len += len;
	}
	return len;
}

/* The connect-time SSRF guard: every socket curl opens is to an address
 * checked here, after resolution, whatever the URL said. */
static curl_socket_t on_open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *a)
{
	slot *s = user;
	(void)purpose;
	if (!lexc_sockaddr_allowed(s->net, s->http, &a->addr, s->why, sizeof s->why)) {
		s->blocked = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

#ifdef WEBHOOKD_TEST_HOOKS
/* Test builds never use DNS: a name resolves only through
 * WEBHOOKD_TEST_RESOLVE ("name=addr,..."), given to curl as CURLOPT_RESOLVE
 * entries. false if the URL's host is a name it does not list. */
static bool test_resolve(slot *s, const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;
	bool ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	          curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	          curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	bool found = false;
	unsigned char buf[16];
	if (ok && (host[0] == '[' || inet_pton(AF_INET, host, buf) == 1))
		found = true; /* a literal address: nothing to resolve */
	const char *e = getenv("WEBHOOKD_TEST_RESOLVE");
	size_t hl = ok ? strlen(host) : 0;
	while (ok && !found && e != NULL && *e != '\0') {
		const char *end = strchr(e, ',');
		size_t len = end != NULL ? (size_t)(end - e) : strlen(e);
		const char *eq = memchr(e, '=', len);
		if (eq != NULL && (size_t)(eq - e) == hl && strncasecmp(e, host, hl) == 0) {
			char entry[300];
			snprintf(entry, sizeof entry, "%s:%s:%.*s", host, port, (int)(len - hl - 1),
			         eq + 1);
			s->resolve = curl_slist_append(s->resolve, entry);
		}
		e = end != NULL ? end + 1 : NULL;
	}
	found = found || s->resolve != NULL;
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok && found;
}
#endif

/* The secrets that sign now, as keys: current first, then the retired
 * ones inside their grace. Fetched per attempt, so a rotation or a revoke
 * takes effect on the very next attempt. */
/* A key from a secret's bytes as HMAC-SHA256 uses them: a key longer
 * than the hash's block is its digest (RFC 2104), so any length fits. */
static void raw_key(const char *p, size_t len, whsig_key *k)
{
	if (len > 64) {
		wh_sha256(p, len, k->bytes);
		k->len = 32;
	} else {
		memcpy(k->bytes, p, len);
		k->len = len;
	}
}

/* Secrets are "whsec_<base64>" (keyed by the decoded bytes), or a record's
 * raw `secret` stored as "raw:<secret>" (keyed by its bytes, as wisp.place
 * and the standardwebhooks libraries' raw format key it). The wisp key
 * is the current secret as its owner holds it: the whole token or the
 * raw secret. */
static bool fetch_keys(wh_deliverer *d, slot *s, whsig_key *keys, size_t *n, int64_t *valid_until,
                       whsig_key *wisp, bool *has_wisp, lexc_error *err)
{
	*has_wisp = false;
	wh_service *svc = d->svc;
	wh_secret *secrets;
	size_t count;
	bool named;
	*n = 0;
	*valid_until = 0;
	if (svc->store->ops->webhook_secrets(svc->store, s->job.did, s->job.webhook_id, wh_now_ms(),
	                                     true, &s->arena, &secrets, &count, &named,
	                                     err) != WH_OK)
		return false;
	for (size_t i = 0; i < count; i++)
		if (secrets[i].expires_at != 0 &&
		    (*valid_until == 0 || secrets[i].expires_at < *valid_until))
			*valid_until = secrets[i].expires_at;
	for (size_t i = 0; i < count && *n < WH_MAX_RETIRED + 1; i++) {
		lexc_str plain;
		if (!wh_open(svc->keys, s->job.did, secrets[i].id, secrets[i].sealed, &s->arena,
		             &plain)) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
			               "secret %.*s does not open with this key file",
			               (int)secrets[i].id.len, secrets[i].id.ptr);
			return false;
		}
		bool raw = plain.len >= 4 && memcmp(plain.ptr, "raw:", 4) == 0;
		if (i == 0) {
			raw ? raw_key(plain.ptr + 4, plain.len - 4, wisp)
			    : raw_key(plain.ptr, plain.len, wisp);
			*has_wisp = true;
		}
		if (raw) {
			raw_key(plain.ptr + 4, plain.len - 4, &keys[(*n)++]);
		} else if (whsig_key_decode(plain.ptr, plain.len, &keys[*n]) == WHSIG_OK)
			(*n)++;
		OPENSSL_cleanse((void *)plain.ptr, plain.len);
	}
	if (*n == 0) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "the webhook has no valid secret");
		return false;
	}
	return true;
}

/* The keys that sign now: the hook's cache while it holds, else fetched
 * (and cached). A rotation or revoke moves the store's generation, so it
 * takes effect on the very next attempt; a retired key's expiry ends the
 * cache at that moment. */
static bool signing_keys(wh_deliverer *d, slot *s, whsig_key *keys, size_t *n, whsig_key *wisp,
                         bool *has_wisp, lexc_error *err)
{
	hook *h = s->hook;
	wh_store *st = d->svc->store;
	uint64_t gen = st->ops->generation(st);
	int64_t now = wh_now_ms();
	if (!h->cached || h->generation != gen || (h->valid_until != 0 && now >= h->valid_until)) {
		h->cached = false;
		OPENSSL_cleanse(h->keys, sizeof h->keys);
		OPENSSL_cleanse(&h->wisp_key, sizeof h->wisp_key);
		if (!fetch_keys(d, s, h->keys, &h->n_keys, &h->valid_until, &h->wisp_key,
		                &h->has_wisp_key, err))
			return false;
		h->cached = true;
		h->generation = gen;
	}
	memcpy(keys, h->keys, h->n_keys * sizeof *keys);
	*n = h->n_keys;
	*wisp = h->wisp_key;
	*has_wisp = h->has_wisp_key;
	return true;
}

static bool header(slot *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool header(slot *s, const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		return false;
	struct curl_slist *l = curl_slist_append(s->headers, line);
	if (l == NULL)
		return false;
	s->headers = l;
	return true;
}

/* Signs and starts the transfer of slot s. false (err set) if it cannot
 * be sent at all; the caller records that as a failed attempt. */
static bool start(wh_deliverer *d, slot *s, lexc_error *err)
{
	whsig_key keys[WH_MAX_RETIRED + 1], wisp;
	size_t n_keys;
	bool has_wisp;
	s->started_ms = wh_now_ms();
	if (!signing_keys(d, s, keys, &n_keys, &wisp, &has_wisp, err))
		return false;
	int64_t ts = s->started_ms / 1000;
	char sig[(WHSIG_SIGNATURE_LEN + 1) * (WH_MAX_RETIRED + 1) + 1];
	bool ok = whsig_sign_header(keys, n_keys, s->job.message_id.ptr, s->job.message_id.len, ts,
	                            s->body.ptr, s->body.len, sig, sizeof sig, NULL) == WHSIG_OK;
	/* wisp.place's own header: hex HMAC-SHA256 of the raw body. */
	char wisp_sig[2 * 32 + 1] = "";
	if (ok && has_wisp && s->webhook.wisp_sign) {
		unsigned char mac[32];
		unsigned mac_len = 0;
		ok = HMAC(EVP_sha256(), wisp.bytes, (int)wisp.len,
		          (const unsigned char *)s->body.ptr, s->body.len, mac, &mac_len) != NULL &&
		     mac_len == 32;
		static const char hex[] = "0123456789abcdef";
		for (size_t i = 0; ok && i < 32; i++) {
			wisp_sig[2 * i] = hex[mac[i] >> 4];
			wisp_sig[2 * i + 1] = hex[mac[i] & 15];
		}
		wisp_sig[64] = '\0';
	}
	OPENSSL_cleanse(keys, sizeof keys);
	OPENSSL_cleanse(&wisp, sizeof wisp);
	if (!ok) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "cannot sign");
		return false;
	}
	char *url = lexc_arena_strndup(&s->arena, s->webhook.url.ptr, s->webhook.url.len);
	s->http = strncasecmp(url, "http:", 5) == 0;
	s->headers = NULL;
	s->resolve = NULL;
	if (url == NULL || !header(s, "content-type: application/json") ||
	    !header(s, "user-agent: webhookd/%s", PACKAGE_VERSION) ||
	    !header(s, "webhook-id: %.*s", (int)s->job.message_id.len, s->job.message_id.ptr) ||
	    !header(s, "webhook-timestamp: %lld", (long long)ts) ||
	    !header(s, "webhook-signature: %s", sig) || !header(s, "expect:") ||
	    (wisp_sig[0] != '\0' && !header(s, "x-webhook-signature: sha256=%s", wisp_sig))) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return false;
	}
#ifdef WEBHOOKD_TEST_HOOKS
	if (!test_resolve(s, url)) {
		s->dns_refused = true;
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		               "the url's host does not resolve (WEBHOOKD_TEST_RESOLVE)");
		return false;
	}
	curl_easy_setopt(s->easy, CURLOPT_RESOLVE, s->resolve);
#endif
	s->blocked = false;
	s->why[0] = '\0';
	s->errbuf[0] = '\0';
	s->resp_len = s->resp_total = s->hdrs_len = 0;
	s->retry_after_ms = -1;
	CURL *e = s->easy;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, s->body.ptr);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->body.len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never a proxy from the environment */
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)d->cfg.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)d->cfg.timeout_ms);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
	if (curl_multi_add_handle(d->multi, e) != CURLM_OK) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "curl_multi_add_handle failed");
		return false;
	}
	s->hook->inflight++;
	atomic_fetch_add(&d->inflight, 1);
	return true;
}

/* Outcomes ---------------------------------------------------------------------- */

static const char *error_class(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return "dns";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return "tls";
	default:
		return "other";
	}
}

/* The outcome of a failure after attempt `made` of the series (1-based),
 * and when the next one is. backoff: 429, 502-504 and timeouts, which
 * honour Retry-After clamped to [delay, 2 * delay] (Svix's rule). */
static wh_outcome next_try(wh_deliverer *d, slot *s, int64_t made, bool backoff, int64_t now,
                           int64_t *next_at)
{
	if ((size_t)made >= d->cfg.n_schedule)
		return WH_OUTCOME_FAILED;
	int64_t delay = jittered(d, d->cfg.schedule[made]);
	if (backoff && s->retry_after_ms >= 0) {
		int64_t ra = s->retry_after_ms;
		delay = ra < delay ? delay : ra > 2 * delay ? 2 * delay : ra;
	}
	*next_at = now + delay;
	return WH_OUTCOME_RETRY;
}

/* Fills the attempt of a finished (or unstartable) transfer. */
static void classify(wh_deliverer *d, slot *s, CURLcode rc, const lexc_error *start_err,
                     wh_attempt *at)
{
	int64_t now = wh_now_ms();
	memset(at, 0, sizeof *at);
	at->delivery = s->job.delivery;
	at->webhook_id = s->job.webhook_id;
	at->started_at = s->started_ms ? s->started_ms : now;
	at->duration_ms = s->started_ms ? now - s->started_ms : 0;
	int64_t made = s->job.tries + 1;
	if (s->decided) {
		at->outcome = s->early;
		at->error = s->early_error;
		return;
	}
	long status = 0;
	bool backoff = false;
	if (start_err != NULL) {
		at->error_class = s->dns_refused ? LEXC_STR("dns") : LEXC_STR("other");
		at->error = lexc_str_copy(&s->arena, start_err->message);
	} else {
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
		at->headers = lexc_str_copy_n(&s->arena, s->hdrs, s->hdrs_len);
		at->body = s->resp;
		at->body_len = s->resp_len;
		at->truncated = s->resp_total > s->resp_len;
		/* A body too long to read is the receiver's business once it
		 * has answered. */
		if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && status > 0)) {
			status = 0;
			if (s->blocked) {
				at->error_class = LEXC_STR("blocked");
				at->error = lexc_str_printf(&s->arena,
				                            "refused at connect time: %s", s->why);
			} else {
				at->error_class = lexc_str_borrow(error_class(rc));
				at->error = lexc_str_copy(&s->arena,
				                          s->errbuf[0] ? s->errbuf
				                                       : curl_easy_strerror(rc));
				backoff = rc == CURLE_OPERATION_TIMEDOUT;
			}
		}
	}
	at->status = (int)status;
	if (status >= 200 && status < 300) {
		at->outcome = WH_OUTCOME_SUCCESS;
		return;
	}
	if (status != 0) {
		at->error_class = LEXC_STR("http");
		if (status == 410) {
			at->outcome = WH_OUTCOME_DISABLED;
			at->error = LEXC_STR(
			        "410 Gone: the receiver asked for the webhook to be disabled");
			return;
		}
		backoff = status == 429 || status == 502 || status == 503 || status == 504;
		at->error =
		        status >= 300 && status < 400
		                ? lexc_str_printf(&s->arena, "HTTP %ld: redirects are not followed",
		                                  status)
		                : lexc_str_printf(&s->arena, "HTTP %ld", status);
	}
	at->outcome = next_try(d, s, made, backoff, now, &at->next_at);
}

/* Slots ------------------------------------------------------------------------- */

static void slot_free(wh_deliverer *d, slot *s)
{
	curl_slist_free_all(s->headers);
	curl_slist_free_all(s->resolve);
	s->headers = s->resolve = NULL;
	snap_release(s->snap);
	s->snap = NULL;
	hook *h = s->hook;
	s->hook = NULL;
	lexc_arena_reset(&s->arena);
	s->next = d->free_slots;
	d->free_slots = s;
	d->n_free++;
	atomic_fetch_sub(&d->claimed, 1);
	if (h != NULL) {
		hook_mark_ready(d, h);
		hook_release(d, h);
	}
}

static void finish(wh_deliverer *d, slot *s, CURLcode rc, const lexc_error *start_err)
{
	classify(d, s, rc, start_err, &d->done[d->n_done]);
	d->done_slots[d->n_done++] = s;
}

/* Records this turn's outcomes and frees their slots. If the store fails,
 * they stay claimed: the next start sends them again. */
static void record(wh_deliverer *d)
{
	if (d->n_done == 0)
		return;
	lexc_error err;
	lexc_error_clear(&err);
	wh_store *st = d->svc->store;
	if (st->ops->outbox_complete(st, d->done, d->n_done, wh_now_ms(), d->cfg.disable_after_ms,
	                             &err) != WH_OK) {
		atomic_fetch_add(&d->store_errors, 1);
		fprintf(stderr, "webhookd: recording %zu attempts failed: %s\n", d->n_done,
		        err.message);
	}
	for (size_t i = 0; i < d->n_done; i++) {
		wh_attempt *at = &d->done[i];
		atomic_fetch_add(&d->outcomes[at->outcome], 1);
		if (at->outcome == WH_OUTCOME_RETRY &&
		    (d->next_due == 0 || at->next_at < d->next_due))
			d->next_due = at->next_at;
		if (d->done_slots[i]->started_ms != 0 && !d->done_slots[i]->decided) {
			size_t b = 0;
			while (b < N_BUCKETS && (double)at->duration_ms > latency_buckets[b])
				b++;
			atomic_fetch_add(&d->latency[b], 1);
			atomic_fetch_add(&d->latency_count, 1);
			atomic_fetch_add(&d->latency_sum_us, (uint64_t)at->duration_ms * 1000);
		}
		slot_free(d, d->done_slots[i]);
	}
	d->n_done = 0;
}

/* Prepares a claimed job in slot s, whose hook is set: its webhook and
 * its body, or an outcome without sending (muted, cancelled). */
static void prepare(wh_deliverer *d, slot *s, const wh_job *j)
{
	s->job = *j;
	s->job.message_id = lexc_str_copy_n(&s->arena, j->message_id.ptr, j->message_id.len);
	s->job.event_id = lexc_str_copy_n(&s->arena, j->event_id.ptr, j->event_id.len);
	s->job.body = lexc_str_copy_n(&s->arena, j->body.ptr, j->body.len);
	s->job.webhook_id = lexc_str_copy_n(&s->arena, j->webhook_id.ptr, j->webhook_id.len);
	s->job.did = lexc_str_copy_n(&s->arena, j->did.ptr, j->did.len);
	s->decided = false;
	s->dns_refused = false;
	s->started_ms = 0;
	s->early_error = lexc_str_borrow(NULL);
	s->net = &d->svc->net;
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r = WH_FAILED;
	if (s->hook == NULL)
		lexc_error_set(&err, LEXC_NO_MEMORY, "out of memory");
	else
		r = hook_webhook(d, s->hook, &s->job, &s->snap, &err);
	if (r == WH_OK)
		s->webhook = s->snap->w;
	bool muted = false;
	if (r == WH_NOT_FOUND || (r == WH_OK && s->webhook.status == WH_STATUS_ARCHIVED) ||
	    (r == WH_OK && s->webhook.status != WH_STATUS_ACTIVE && j->type != WH_EVENT_PING)) {
		s->decided = true;
		s->early = WH_OUTCOME_CANCELLED;
		s->early_error = r == WH_NOT_FOUND
		                         ? LEXC_STR("the webhook is deleted")
		                         : lexc_str_printf(&s->arena, "the webhook is %s",
		                                           wh_status_name(s->webhook.status));
	} else if (r == WH_OK && (j->type & WH_EVENT_REC_ALL) != 0) {
		s->body = s->job.body; /* a record event goes as stored: no transforms */
	} else if (r != WH_OK ||
	           !wh_payload_build(&s->arena, &s->webhook, s->job.body, &s->body, &muted, &err)) {
		/* Ours, not the receiver's: counted as a failed attempt, retried. */
		s->decided = true;
		s->early = WH_OUTCOME_RETRY;
		s->early_error = lexc_str_copy(&s->arena, err.message);
	} else if (muted) {
		s->decided = true;
		s->early = WH_OUTCOME_MUTED;
		s->early_error = LEXC_STR("a mute word matched: not sent");
	}
}

/* Claims due deliveries into free slots. Returns how many it claimed. */
static size_t claim(wh_deliverer *d, lexc_arena *a)
{
	size_t want = d->n_free < CLAIM_BATCH ? d->n_free : CLAIM_BATCH;
	if (want == 0)
		return 0;
	wh_job *jobs;
	size_t n;
	lexc_error err;
	lexc_error_clear(&err);
	wh_store *st = d->svc->store;
	lexc_arena_reset(a);
	/* A webhook whose deliveries fill twice its transfer cap here is
	 * passed over: a slow receiver cannot take every slot. */
	lexc_str skip[64];
	size_t n_skip = 0, held_cap = 2 * d->cfg.per_webhook;
	for (size_t b = 0; b < HOOK_BUCKETS && n_skip < 64; b++)
		for (hook *h = d->hooks[b]; h != NULL && n_skip < 64; h = h->next)
			if (h->refs >= held_cap)
				skip[n_skip++] = lexc_str_borrow(h->id);
	if (st->ops->outbox_claim(st, wh_now_ms(), want, d->cfg.per_webhook, skip, n_skip, a, &jobs,
	                          &n, &err) != WH_OK) {
		atomic_fetch_add(&d->store_errors, 1);
		fprintf(stderr, "webhookd: claiming deliveries failed: %s\n", err.message);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		slot *s = d->free_slots;
		d->free_slots = s->next;
		d->n_free--;
		atomic_fetch_add(&d->claimed, 1);
		hook *h = hook_get(d, jobs[i].webhook_id);
		s->hook = h;
		if (h != NULL)
			h->refs++;
		prepare(d, s, &jobs[i]);
		if (s->decided && s->early == WH_OUTCOME_RETRY) {
			int64_t made = s->job.tries + 1;
			wh_attempt *at = &d->done[d->n_done];
			finish(d, s, CURLE_OK, NULL);
			at->error_class = LEXC_STR("other");
			at->outcome = next_try(d, s, made, false, wh_now_ms(), &at->next_at);
			continue;
		}
		if (s->decided) {
			finish(d, s, CURLE_OK, NULL);
			continue;
		}
		s->next = NULL;
		if (h->tail != NULL)
			h->tail->next = s;
		else
			h->head = s;
		h->tail = s;
		hook_mark_ready(d, h);
	}
	return n;
}

/* Starts what the per-webhook caps allow. */
static void start_ready(wh_deliverer *d)
{
	hook *list = d->ready;
	d->ready = NULL;
	while (list != NULL) {
		hook *h = list;
		list = h->ready_next;
		h->listed = false;
		while (h->head != NULL && h->inflight < d->cfg.per_webhook) {
			slot *s = h->head;
			h->head = s->next;
			if (h->head == NULL)
				h->tail = NULL;
			s->next = NULL;
			lexc_error err;
			lexc_error_clear(&err);
			if (!start(d, s, &err))
				finish(d, s, CURLE_OK, &err);
		}
	}
}

static void collect_finished(wh_deliverer *d)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(d->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		slot *s = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		CURLcode rc = m->data.result;
		curl_multi_remove_handle(d->multi, m->easy_handle);
		s->hook->inflight--;
		atomic_fetch_sub(&d->inflight, 1);
		finish(d, s, rc, NULL);
	}
}

/* The thread ---------------------------------------------------------------------- */

static void *run(void *arg)
{
	wh_deliverer *d = arg;
	wh_store *st = d->svc->store;
	lexc_arena claim_arena;
	lexc_arena_init(&claim_arena);
	bool check = true;      /* whether deliveries may be due now */
	int64_t next_renew = 0; /* shared stores: when this process's leases need renewing */
	while (!atomic_load(&d->stopping)) {
		if (atomic_exchange(&d->woken, false))
			check = true;
		int64_t now = wh_now_ms();
		if (st->ops->outbox_renew != NULL && now >= next_renew) {
			lexc_error err;
			lexc_error_clear(&err);
			if (st->ops->outbox_renew(st, now, &next_renew, &err) != WH_OK) {
				atomic_fetch_add(&d->store_errors, 1);
				fprintf(stderr, "webhookd: renewing leases failed: %s\n",
				        err.message);
				next_renew = now + 1000;
			}
		}
		if (d->next_due != 0 && now >= d->next_due)
			check = true;
		if (check && d->n_free > 0) {
			size_t want = d->n_free < CLAIM_BATCH ? d->n_free : CLAIM_BATCH;
			size_t got = claim(d, &claim_arena);
			if (got < want) {
				check = false;
				lexc_error err;
				lexc_error_clear(&err);
				if (st->ops->outbox_next_due(st, &d->next_due, &err) != WH_OK)
					d->next_due = now + 1000;
			}
		}
		start_ready(d);
		int running;
		curl_multi_perform(d->multi, &running);
		collect_finished(d);
		start_ready(d); /* a retry of a webhook whose transfer just ended */
		record(d);
		if (check && d->n_free > 0)
			continue;
		long timeout = 1000;
		now = wh_now_ms();
		if (d->next_due != 0 && d->next_due - now < timeout)
			timeout = d->next_due > now ? (long)(d->next_due - now) : 0;
		if (st->ops->outbox_renew != NULL && next_renew - now < timeout)
			timeout = next_renew > now ? (long)(next_renew - now) : 0;
		long ct;
		if (curl_multi_timeout(d->multi, &ct) == CURLM_OK && ct >= 0 && ct < timeout)
			timeout = ct;
		curl_multi_poll(d->multi, NULL, 0, (int)timeout, NULL);
	}
	lexc_arena_free(&claim_arena);
	return NULL;
}

static void wake_hook(void *user)
{
	wh_deliverer_wake(user);
}

wh_deliverer *wh_deliverer_start(wh_service *svc, const wh_delivery_config *c, lexc_error *err)
{
	if (c->concurrency == 0 || c->per_webhook == 0 || c->n_schedule == 0) {
		lexc_error_set(err, LEXC_INVALID_REQUEST,
		               "concurrency, per-webhook and schedule "
		               "must not be empty");
		return NULL;
	}
	int64_t recovered = 0, leased = 0;
	if (svc->store->ops->outbox_recover(svc->store, wh_now_ms(), &recovered, &leased, err) !=
	    WH_OK)
		return NULL;
	if (leased > 0)
		fprintf(stderr,
		        "webhookd: %lld deliveries are claimed under leases that have not lapsed; "
		        "they return to the queue when they lapse\n",
		        (long long)leased);
	if (recovered > 0)
		fprintf(stderr,
		        "webhookd: %lld deliveries were in flight when the last process "
		        "stopped; sending them again\n",
		        (long long)recovered);
	wh_deliverer *d = calloc(1, sizeof *d);
	if (d == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	d->svc = svc;
	d->cfg = *c;
	d->n_slots = 2 * c->concurrency;
	d->slots = calloc(d->n_slots, sizeof *d->slots);
	d->done = calloc(d->n_slots, sizeof *d->done);
	d->done_slots = calloc(d->n_slots, sizeof *d->done_slots);
	d->multi = curl_multi_init();
	d->rng = (uint64_t)wh_now_ms() * 0x9E3779B97F4A7C15ULL | 1;
	bool ok = d->slots != NULL && d->done != NULL && d->done_slots != NULL && d->multi != NULL;
	for (size_t i = 0; ok && i < d->n_slots; i++) {
		slot *s = &d->slots[i];
		lexc_arena_init(&s->arena);
		if ((s->easy = curl_easy_init()) == NULL)
			ok = false;
		s->next = d->free_slots;
		d->free_slots = s;
		d->n_free++;
	}
	if (ok) {
		curl_multi_setopt(d->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c->concurrency);
		ok = pthread_create(&d->thread, NULL, run, d) == 0;
	}
	/* Another process's publish wakes this one (a shared store). */
	if (ok && svc->store->ops->outbox_on_wake != NULL)
		svc->store->ops->outbox_on_wake(svc->store, wake_hook, d);
	if (!ok) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "cannot start the delivery thread");
		for (size_t i = 0; d->slots != NULL && i < d->n_slots; i++)
			curl_easy_cleanup(d->slots[i].easy);
		if (d->multi != NULL)
			curl_multi_cleanup(d->multi);
		free(d->slots);
		free(d->done);
		free(d->done_slots);
		free(d);
		return NULL;
	}
	return d;
}

void wh_deliverer_wake(wh_deliverer *d)
{
	if (d != NULL && !atomic_exchange(&d->woken, true))
		curl_multi_wakeup(d->multi);
}

void wh_deliverer_stop(wh_deliverer *d)
{
	if (d == NULL)
		return;
	wh_store *st = d->svc->store;
	if (st->ops->outbox_on_wake != NULL)
		st->ops->outbox_on_wake(st, NULL, NULL);
	atomic_store(&d->stopping, true);
	curl_multi_wakeup(d->multi);
	pthread_join(d->thread, NULL);
	/* What was in flight goes back to the queue now rather than when its
	 * lease lapses: another process takes it at once. */
	if (st->ops->outbox_release != NULL) {
		lexc_error err;
		lexc_error_clear(&err);
		if (st->ops->outbox_release(st, &err) != WH_OK)
			fprintf(stderr, "webhookd: releasing claims failed: %s\n", err.message);
	}
	for (size_t i = 0; i < d->n_slots; i++) {
		slot *s = &d->slots[i];
		curl_multi_remove_handle(d->multi, s->easy);
		curl_easy_cleanup(s->easy);
		curl_slist_free_all(s->headers);
		curl_slist_free_all(s->resolve);
		snap_release(s->snap);
		lexc_arena_free(&s->arena);
	}
	curl_multi_cleanup(d->multi);
	for (size_t b = 0; b < HOOK_BUCKETS; b++)
		for (hook *h = d->hooks[b], *next; h != NULL; h = next) {
			next = h->next;
			OPENSSL_cleanse(h->keys, sizeof h->keys);
			OPENSSL_cleanse(&h->wisp_key, sizeof h->wisp_key);
			snap_release(h->snap);
			free(h->id);
			free(h);
		}
	free(d->slots);
	free(d->done);
	free(d->done_slots);
	free(d);
}

/* Metrics ------------------------------------------------------------------------- */

bool wh_metrics_append(char **out, size_t *len, size_t *cap, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(*out != NULL ? *out + *len : NULL, *out != NULL ? *cap - *len : 0,
		                  fmt, ap);
		va_end(ap);
		if (n < 0)
			return false;
		if (*out != NULL && *len + (size_t)n < *cap) {
			*len += (size_t)n;
			return true;
		}
		size_t want = (*cap ? *cap * 2 : 4096) + (size_t)n;
		char *p = realloc(*out, want);
		if (p == NULL)
			return false;
		*out = p;
		*cap = want;
	}
}

bool wh_deliverer_metrics(wh_deliverer *d, char **out, size_t *len, size_t *cap)
{
	int64_t waiting = 0;
	lexc_error err;
	lexc_error_clear(&err);
	if (d->svc->store->ops->outbox_depth(d->svc->store, &waiting, &err) != WH_OK)
		waiting = -1;
	bool ok = wh_metrics_append(
	        out, len, cap,
	        "# HELP webhookd_outbox_waiting Deliveries due or scheduled, not yet "
	        "claimed.\n# TYPE webhookd_outbox_waiting gauge\n"
	        "webhookd_outbox_waiting %lld\n"
	        "# HELP webhookd_outbox_claimed Deliveries this process holds (queued or in "
	        "flight).\n# TYPE webhookd_outbox_claimed gauge\n"
	        "webhookd_outbox_claimed %lld\n"
	        "# HELP webhookd_inflight Transfers in flight.\n"
	        "# TYPE webhookd_inflight gauge\nwebhookd_inflight %lld\n"
	        "# HELP webhookd_store_errors_total Store operations of delivery that "
	        "failed.\n# TYPE webhookd_store_errors_total counter\n"
	        "webhookd_store_errors_total %llu\n"
	        "# HELP webhookd_attempts_total Delivery attempts by outcome.\n"
	        "# TYPE webhookd_attempts_total counter\n",
	        (long long)waiting, (long long)atomic_load(&d->claimed),
	        (long long)atomic_load(&d->inflight),
	        (unsigned long long)atomic_load(&d->store_errors));
	for (int o = 0; ok && o < N_OUTCOMES; o++)
		ok = wh_metrics_append(out, len, cap,
		                       "webhookd_attempts_total{outcome=\"%s\"} %llu\n",
		                       wh_outcome_name((wh_outcome)o),
		                       (unsigned long long)atomic_load(&d->outcomes[o]));
	ok = ok &&
	     wh_metrics_append(
	             out, len, cap,
	             "# HELP webhookd_attempt_duration_seconds Time from sending an attempt to "
	             "its outcome.\n# TYPE webhookd_attempt_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t b = 0; ok && b <= N_BUCKETS; b++) {
		cum += atomic_load(&d->latency[b]);
		if (b < N_BUCKETS)
			ok = wh_metrics_append(
			        out, len, cap,
			        "webhookd_attempt_duration_seconds_bucket{le=\"%g\"} %llu\n",
			        latency_buckets[b] / 1000.0, (unsigned long long)cum);
		else
			ok = wh_metrics_append(
			        out, len, cap,
			        "webhookd_attempt_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
			        (unsigned long long)cum);
	}
	return ok && wh_metrics_append(out, len, cap,
	                               "webhookd_attempt_duration_seconds_sum %.6f\n"
	                               "webhookd_attempt_duration_seconds_count %llu\n",
	                               (double)atomic_load(&d->latency_sum_us) / 1e6,
	                               (unsigned long long)atomic_load(&d->latency_count));
}
