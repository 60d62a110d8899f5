/* service_auth.c: verifying service JWTs with resolved DID keys
 * (lexc/service_auth.h). Two caches under one mutex: resolved keys by
 * "DID#fragment" (TTL, bounded, oldest out first) and the jtis of accepted
 * tokens until they expire (bounded; full, it refuses tokens with a jti
 * rather than forget one). */
#include "config.h"

#include "lexc/service_auth.h"
#include "replay.h"
#include "siphash.h"

#include <lexc/format.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

typedef struct key_entry {
	struct key_entry *next;          /* bucket chain */
	struct key_entry *older, *newer; /* age list */
	char *name;                      /* "DID#fragment" */
	lexc_pubkey key;                 /* none when missing */
	bool missing;                    /* the DID does not exist (404, 410) */
	int64_t fetched_ms, expires_ms;
} key_entry;

/* A resolution in flight: threads that need the same key wait for it
 * rather than fetch the document again. */
typedef struct pending {
	struct pending *next;
	char *name;
	size_t refs; /* the resolving thread and the waiters */
	bool done, ok;
	const char *why; /* static, when !ok */
	pthread_cond_t cv;
} pending;

enum { KEY_BUCKETS = 4096, MAX_RESOLVING = 32 };

struct lexc_service_auth {
	char *service_did;
	char *plc_url;
	char *ca_file;
	int64_t ttl_ms, missing_ttl_ms, refresh_ms;
	size_t cache_max;
	int64_t skew, lifetime;
	long timeout_ms;
	size_t max_document;
	lexc_netpolicy net;
	lexc_cidr *allow;
	int64_t (*now_ms)(void *);
	void *now_user;
	pthread_mutex_t mu;
	key_entry *keys[KEY_BUCKETS];
	key_entry *oldest, *newest;
	size_t n_keys;
	pending *pending;
	size_t resolving; /* fetches in flight, at most MAX_RESOLVING */
	bool service_iss;
	unsigned char hash_key[16];
	auth_replay *replay;
	atomic_uint_fast64_t verified, refused, resolutions, resolution_failures, cache_hits,
	        replays;
};

static int64_t now_ms(const lexc_service_auth *a)
{
	if (a->now_ms != NULL)
		return a->now_ms(a->now_user);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keyed, so that a client cannot pick DIDs that share a bucket. */
static unsigned hash(const lexc_service_auth *a, const char *s, size_t len, unsigned buckets)
{
	return (unsigned)(auth_siphash24(a->hash_key, s, len) % buckets);
}

lexc_service_auth *lexc_service_auth_new(const lexc_service_auth_config *cfg, lexc_error *err)
{
	if (cfg == NULL || cfg->service_did == NULL ||
	    !lexc_format_did(cfg->service_did, strlen(cfg->service_did), NULL)) {
		lexc_error_set(err, LEXC_INVALID_REQUEST,
		               "the service DID is missing or not a DID");
		return NULL;
	}
	const char *plc = cfg->plc_url != NULL ? cfg->plc_url : LEXC_PLC_DEFAULT_URL;
	if (strncasecmp(plc, "https://", 8) != 0 && strncasecmp(plc, "http://", 7) != 0) {
		lexc_error_set(err, LEXC_INVALID_REQUEST, "the PLC directory URL must be http(s)");
		return NULL;
	}
	/* reference-counted by libcurl; thread-safe in 7.84 and later */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "libcurl does not initialise");
		return NULL;
	}
	lexc_service_auth *a = calloc(1, sizeof *a);
	if (a == NULL) {
		curl_global_cleanup();
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	a->service_did = strdup(cfg->service_did);
	a->plc_url = strdup(plc);
	a->ca_file = cfg->ca_file != NULL ? strdup(cfg->ca_file) : NULL;
	a->ttl_ms = cfg->cache_ttl_ms > 0 ? cfg->cache_ttl_ms : 3600 * 1000;
	a->missing_ttl_ms = cfg->missing_ttl_ms > 0 ? cfg->missing_ttl_ms : 60 * 1000;
	a->refresh_ms = cfg->refresh_ms > 0 ? cfg->refresh_ms : 30 * 1000;
	a->cache_max = cfg->cache_max > 0 ? cfg->cache_max : 10000;
	a->service_iss = cfg->accept_service_iss;
	a->replay = auth_replay_new(cfg->replay_max > 0 ? cfg->replay_max : 100000,
	                            cfg->replay_per_issuer > 0 ? cfg->replay_per_issuer : 1000);
	a->skew = cfg->clock_skew_s > 0 ? cfg->clock_skew_s : 30;
	a->lifetime = cfg->max_lifetime_s > 0 ? cfg->max_lifetime_s : 3600;
	a->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 3000;
	a->max_document = cfg->max_document > 0 ? cfg->max_document : 65536;
	a->now_ms = cfg->now_ms;
	a->now_user = cfg->now_user;
	if (cfg->net != NULL && cfg->net->n_allow > 0) {
		a->allow = calloc(cfg->net->n_allow, sizeof *a->allow);
		if (a->allow != NULL) {
			memcpy(a->allow, cfg->net->allow, cfg->net->n_allow * sizeof *a->allow);
			a->net.allow = a->allow;
			a->net.n_allow = cfg->net->n_allow;
		}
	}
	pthread_mutex_init(&a->mu, NULL);
	if (a->service_did == NULL || a->plc_url == NULL || a->replay == NULL ||
	    !auth_siphash_key(a->hash_key) || (cfg->ca_file != NULL && a->ca_file == NULL) ||
	    (cfg->net != NULL && cfg->net->n_allow > 0 && a->allow == NULL)) {
		lexc_service_auth_free(a);
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	return a;
}

void lexc_service_auth_free(lexc_service_auth *a)
{
	if (a == NULL)
		return;
	for (key_entry *e = a->oldest, *next; e != NULL; e = next) {
		next = e->newer;
		lexc_pubkey_free(&e->key);
		free(e->name);
		free(e);
	}
	auth_replay_free(a->replay);
	pthread_mutex_destroy(&a->mu);
	free(a->service_did);
	free(a->plc_url);
	free(a->ca_file);
	free(a->allow);
	free(a);
	curl_global_cleanup();
}

void lexc_service_auth_get_stats(lexc_service_auth *a, lexc_service_auth_stats *out)
{
	out->verified = atomic_load(&a->verified);
	out->refused = atomic_load(&a->refused);
	out->resolutions = atomic_load(&a->resolutions);
	out->resolution_failures = atomic_load(&a->resolution_failures);
	out->cache_hits = atomic_load(&a->cache_hits);
	out->replays = atomic_load(&a->replays);
}

/* The key cache ------------------------------------------------------------------- */

typedef enum { CACHE_MISS, CACHE_KEY, CACHE_MISSING } cache_hit;

/* A second reference to k's OpenSSL key, for use outside the lock. */
static bool pubkey_ref(const lexc_pubkey *k, lexc_pubkey *out)
{
	*out = *k;
	return k->pkey != NULL && EVP_PKEY_up_ref((EVP_PKEY *)k->pkey) == 1;
}

static void unlink_key(lexc_service_auth *a, key_entry *e)
{
	key_entry **pp = &a->keys[hash(a, e->name, strlen(e->name), KEY_BUCKETS)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		a->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		a->newest = e->older;
	a->n_keys--;
	lexc_pubkey_free(&e->key);
	free(e->name);
	free(e);
}

/* The cache's word on name; a->mu held. */
/* Moves e to the newest end of the age list: eviction is least recently
 * used, so keys in use outlive a stream of made-up DIDs. */
static void touch_locked(lexc_service_auth *a, key_entry *e)
{
	if (a->newest == e)
		return;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		a->oldest = e->newer;
	e->newer->older = e->older;
	e->older = a->newest;
	e->newer = NULL;
	a->newest->newer = e;
	a->newest = e;
}

/* The cache's word on name, and when its key was fetched (*fetched may be
 * NULL); a->mu held. */
static cache_hit find_locked(lexc_service_auth *a, const char *name, int64_t now, lexc_pubkey *out,
                             int64_t *fetched)
{
	for (key_entry *e = a->keys[hash(a, name, strlen(name), KEY_BUCKETS)]; e != NULL;
	     e = e->next)
		if (strcmp(e->name, name) == 0) {
			if (e->expires_ms <= now) {
				unlink_key(a, e);
				break;
			}
			touch_locked(a, e);
			if (fetched != NULL)
				*fetched = e->fetched_ms;
			if (e->missing)
				return CACHE_MISSING;
			return pubkey_ref(&e->key, out) ? CACHE_KEY : CACHE_MISS;
		}
	return CACHE_MISS;
}

/* Keeps a reference to k under name, replacing what was there; k NULL
 * records that the DID does not exist, for a shorter while. */
static void cache_put(lexc_service_auth *a, const char *name, const lexc_pubkey *k, int64_t now)
{
	key_entry *n = calloc(1, sizeof *n);
	if (n == NULL || (n->name = strdup(name)) == NULL ||
	    (k != NULL && !pubkey_ref(k, &n->key))) {
		if (n != NULL)
			free(n->name);
		free(n);
		return; /* not cached: the next call resolves again */
	}
	n->missing = k == NULL;
	n->fetched_ms = now;
	n->expires_ms = now + (k != NULL ? a->ttl_ms : a->missing_ttl_ms);
	unsigned b = hash(a, name, strlen(name), KEY_BUCKETS);
	pthread_mutex_lock(&a->mu);
	for (key_entry *e = a->keys[b]; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0) {
			unlink_key(a, e);
			break;
		}
	while (a->n_keys >= a->cache_max && a->oldest != NULL)
		unlink_key(a, a->oldest);
	n->next = a->keys[b];
	a->keys[b] = n;
	n->older = a->newest;
	if (a->newest != NULL)
		a->newest->newer = n;
	else
		a->oldest = n;
	a->newest = n;
	a->n_keys++;
	pthread_mutex_unlock(&a->mu);
}

/* Resolution ------------------------------------------------------------------------ */

typedef struct fetch {
	const lexc_service_auth *auth;
	bool guarded; /* did:web: the SSRF guard applies */
	char *body;
	size_t len, cap;
	bool too_big;
	bool blocked;   /* an address was refused */
	bool connected; /* an allowed one was tried */
	char why[160];
} fetch;

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
	fetch *f = user;
	size_t add = size * n;
	if (f->len + add > f->auth->max_document) {
		f->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (f->len + add + 1 > f->cap) {
		size_t cap = f->cap * 2 > f->len + add + 1 ? f->cap * 2 : f->len + add + 1;
		char *b = realloc(f->body, cap);
		if (b == NULL)
			return 0;
		f->body = b;
		f->cap = cap;
	}
	memcpy(f->body + f->len, p, add);
	f->len += add;
	f->body[f->len] = '\0';
	return add;
}

static curl_socket_t on_socket(void *user, curlsocktype purpose, struct curl_sockaddr *sa)
{
	fetch *f = user;
	(void)purpose;
	if (f->guarded &&
	    !lexc_sockaddr_allowed(&f->auth->net, false, &sa->addr, f->why, sizeof f->why)) {
		f->blocked = true;
		return CURL_SOCKET_BAD;
	}
	f->connected = true;
	return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
}

static bool fetch_key(lexc_service_auth *a, const char *did, size_t did_len, const char *fragment,
                      const char *url, lexc_arena *ar, lexc_pubkey *out, bool *unknown,
                      const char **reason);

/* Resolves did's document and its key `fragment`. On failure *unknown
 * says whether the DID does not exist (404/410) rather than failed to
 * resolve. */
static bool resolve(lexc_service_auth *a, const char *did, size_t did_len, const char *fragment,
                    lexc_arena *ar, lexc_pubkey *out, bool *unknown, const char **reason)
{
	*unknown = false;
	*reason = NULL;
	char *url = lexc_did_resolution_url(ar, a->plc_url, did, did_len, reason);
	if (url == NULL) {
		*unknown = *reason != NULL; /* NULL: the arena failed, not the DID */
		if (*reason == NULL)
			*reason = "out of memory";
		return false;
	}
	/* a bound on the fetches in flight: a flood of new DIDs fails fast
	 * rather than hold every worker for the timeout */
	pthread_mutex_lock(&a->mu);
	bool room = a->resolving < MAX_RESOLVING;
	if (room)
		a->resolving++;
	pthread_mutex_unlock(&a->mu);
	if (!room) {
		*reason = "too many DID resolutions in flight: try again later";
		return false;
	}
	bool ok = fetch_key(a, did, did_len, fragment, url, ar, out, unknown, reason);
	pthread_mutex_lock(&a->mu);
	a->resolving--;
	pthread_mutex_unlock(&a->mu);
	return ok;
}

/* resolve()'s fetch and reading of the document at url. */
static bool fetch_key(lexc_service_auth *a, const char *did, size_t did_len, const char *fragment,
                      const char *url, lexc_arena *ar, lexc_pubkey *out, bool *unknown,
                      const char **reason)
{
	atomic_fetch_add(&a->resolutions, 1);
	fetch f = {.auth = a, .guarded = strncmp(did, "did:web:", 8) == 0};
	CURL *e = curl_easy_init();
	if (e == NULL) {
		*reason = "out of memory";
		return false;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, f.guarded ? "https" : "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, a->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, a->timeout_ms);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &f);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "liblexc-auth/" PACKAGE_VERSION);
	if (a->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, a->ca_file);
	CURLcode rc = curl_easy_perform(e);
	long status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(e);
	bool ok = false;
	/* blocked is the reason only if no allowed address was tried
	 * ("localhost" is ::1 and 127.0.0.1: one may be refused, one allowed) */
	if (rc != CURLE_OK && f.blocked && !f.connected) {
		*reason = "the issuer's did:web host is not an allowed address";
	} else if (f.too_big) {
		*reason = "the issuer's DID document is too large";
	} else if (rc != CURLE_OK) {
		*reason = "the issuer's DID could not be resolved";
	} else if (status == 404 || status == 410) {
		*unknown = true;
		*reason = "the issuer's DID does not exist";
	} else if (status != 200) {
		*reason = "the issuer's DID could not be resolved";
	} else {
		ok = lexc_did_document_key(f.body != NULL ? f.body : "", f.len, did, did_len,
		                           fragment, ar, out, reason);
	}
	free(f.body);
	if (!ok)
		atomic_fetch_add(&a->resolution_failures, 1);
	return ok;
}

/* The issuer's key ------------------------------------------------------------------ */

static void pending_release(pending *p)
{
	if (--p->refs == 0) {
		pthread_cond_destroy(&p->cv);
		free(p->name);
		free(p);
	}
}

/* The key `name` ("DID#fragment") of token t's issuer, with a reference
 * for the caller: from the cache (*cached), from a resolution another
 * thread has in flight for it (waiting for its answer), or resolved here
 * and cached. false with a static reason otherwise. */
static bool issuer_key(lexc_service_auth *a, const char *name, const lexc_jwt *t,
                       const char *fragment, lexc_arena *ar, int64_t now, lexc_pubkey *key,
                       bool *cached, int64_t *fetched, const char **why)
{
	*cached = false;
	*fetched = now;
	pending *p = NULL;
	pthread_mutex_lock(&a->mu);
	cache_hit hit = find_locked(a, name, now, key, fetched);
	if (hit == CACHE_MISS) {
		for (p = a->pending; p != NULL && strcmp(p->name, name) != 0; p = p->next)
			;
		if (p != NULL) {
			p->refs++;
			while (!p->done)
				pthread_cond_wait(&p->cv, &a->mu);
			bool ok = p->ok;
			const char *pwhy = p->why;
			pending_release(p);
			p = NULL;
			if (!ok) {
				pthread_mutex_unlock(&a->mu);
				*why = pwhy;
				return false;
			}
			/* the resolver cached it (unless a tiny cache lost it already) */
			if ((hit = find_locked(a, name, now, key, fetched)) == CACHE_KEY) {
				pthread_mutex_unlock(&a->mu);
				return true;
			}
		}
		if (hit == CACHE_MISS && (p = calloc(1, sizeof *p)) != NULL) {
			if ((p->name = strdup(name)) == NULL) {
				free(p);
				p = NULL; /* resolved all the same, without company */
			} else {
				pthread_cond_init(&p->cv, NULL);
				p->refs = 1;
				p->next = a->pending;
				a->pending = p;
			}
		}
	}
	pthread_mutex_unlock(&a->mu);
	if (hit != CACHE_MISS) {
		atomic_fetch_add(&a->cache_hits, 1);
		*cached = hit == CACHE_KEY;
		if (hit == CACHE_MISSING)
			*why = "the issuer's DID does not exist";
		return hit == CACHE_KEY;
	}
	bool unknown = false;
	bool ok = resolve(a, t->iss_did.ptr, t->iss_did.len, fragment, ar, key, &unknown, why);
	if (ok)
		cache_put(a, name, key, now);
	else if (unknown) /* made-up DIDs cost one fetch a minute, not one a call */
		cache_put(a, name, NULL, now);
	if (p != NULL) {
		pthread_mutex_lock(&a->mu);
		for (pending **pp = &a->pending; *pp != NULL; pp = &(*pp)->next)
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		p->done = true;
		p->ok = ok;
		p->why = ok ? NULL : *why;
		pthread_cond_broadcast(&p->cv);
		pending_release(p);
		pthread_mutex_unlock(&a->mu);
	}
	return ok;
}

/* Verification ------------------------------------------------------------------------ */

static lexc_jwt_result refuse(lexc_service_auth *a, lexc_jwt_result r, const char **reason,
                              const char *why)
{
	atomic_fetch_add(&a->refused, 1);
	if (r == LEXC_JWT_BAD && why != NULL && strncmp(why, "jwt replayed", 12) == 0)
		atomic_fetch_add(&a->replays, 1);
	*reason = why;
	return r;
}

lexc_jwt_result lexc_service_auth_verify(lexc_service_auth *a, const char *token, size_t len,
                                         const char *lxm, lexc_arena *ar, lexc_service_caller *out,
                                         const char **reason)
{
	const char *why = NULL;
	lexc_jwt t;
	lexc_jwt_result r = lexc_jwt_parse(token, len, ar, &t, &why);
	int64_t now = now_ms(a);
	lexc_jwt_policy p = {a->service_did, lxm, a->skew, a->lifetime};
	if (r == LEXC_JWT_OK)
		r = lexc_jwt_check_claims(&t, &p, now / 1000, &why);
	if (r != LEXC_JWT_OK)
		return refuse(a, r, reason, why);
	/* A token signed with a service's key (iss "DID#atproto_labeler") is
	 * that service's, not the account's: refused unless asked for. */
	if (t.iss_service.ptr != NULL && !a->service_iss)
		return refuse(a, LEXC_JWT_BAD_ISS, reason,
		              "a service's token (iss with a #fragment) is not accepted here");
	if (lexc_curve_of_jwt_alg(t.alg.ptr, t.alg.len) == LEXC_CURVE_NONE)
		return refuse(a, LEXC_JWT_BAD_SIGNATURE, reason,
		              "could not verify jwt signature: alg");
	/* The labeler's service key has its own name, as the reference has it. */
	const char *fragment =
	        lexc_str_eq_cstr(t.iss_service, "atproto_labeler") ? "atproto_label" : "atproto";
	lexc_str name = lexc_str_printf(ar, "%.*s#%s", (int)t.iss_did.len, t.iss_did.ptr, fragment);
	if (name.ptr == NULL)
		return refuse(a, LEXC_JWT_BAD, reason, "out of memory");
	lexc_pubkey key;
	bool cached, unknown = false;
	int64_t fetched;
	if (!issuer_key(a, name.ptr, &t, fragment, ar, now, &key, &cached, &fetched, &why))
		return refuse(a, LEXC_JWT_BAD_ISS, reason, why);
	r = lexc_jwt_verify_signature(&t, &key, &why);
	/* The key may have rotated since it was cached: once more, fresh. Only
	 * for a well-formed signature in the key's alg, and at most once per
	 * DID every refresh_ms (30 s), so that forged tokens cannot make the server hammer
	 * the directory. */
	if (r != LEXC_JWT_OK && cached && t.sig_len == LEXC_SIGNATURE_LEN &&
	    lexc_curve_of_jwt_alg(t.alg.ptr, t.alg.len) == key.curve &&
	    now - fetched >= a->refresh_ms) {
		lexc_pubkey fresh;
		const char *rwhy = NULL;
		if (resolve(a, t.iss_did.ptr, t.iss_did.len, fragment, ar, &fresh, &unknown,
		            &rwhy)) {
			cache_put(a, name.ptr, &fresh, now);
			if (memcmp(fresh.point, key.point, sizeof key.point) != 0 ||
			    fresh.curve != key.curve)
				r = lexc_jwt_verify_signature(&t, &fresh, &why);
			lexc_pubkey_free(&fresh);
		} else if (unknown) { /* deleted or tombstoned: its old key is no good */
			cache_put(a, name.ptr, NULL, now);
			lexc_pubkey_free(&key);
			return refuse(a, LEXC_JWT_BAD_ISS, reason, rwhy);
		}
	}
	lexc_pubkey_free(&key);
	if (r != LEXC_JWT_OK)
		return refuse(a, r, reason, why);
	if (t.jti.ptr != NULL &&
	    !auth_replay_remember(a->replay, t.iss_did.ptr, t.iss_did.len, t.jti.ptr, t.jti.len,
	                          t.exp, now / 1000, &why))
		return refuse(a, LEXC_JWT_BAD, reason, why);
	out->did = lexc_arena_strndup(ar, t.iss_did.ptr, t.iss_did.len);
	out->service = t.iss_service.ptr != NULL
	                       ? lexc_arena_strndup(ar, t.iss_service.ptr, t.iss_service.len)
	                       : NULL;
	out->exp = t.exp;
	if (out->did == NULL || (t.iss_service.ptr != NULL && out->service == NULL))
		return refuse(a, LEXC_JWT_BAD, reason, "out of memory");
	atomic_fetch_add(&a->verified, 1);
	*reason = NULL;
	return LEXC_JWT_OK;
}

lexc_status lexc_service_auth_hook(lexc_call *call, void *user)
{
	lexc_service_auth *a = user;
	const char *h = lexc_call_header(call, "Authorization");
	if (h == NULL) /* anonymous: the server refuses it where a method needs a caller */
		return LEXC_OK;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED,
		                      "the Authorization header must be: Bearer <jwt>");
	const char *tok = h + 7;
	while (*tok == ' ')
		tok++;
	size_t len = strlen(tok);
	while (len > 0 && tok[len - 1] == ' ')
		len--;
	lexc_service_caller c;
	const char *why = NULL;
	lexc_jwt_result r = lexc_service_auth_verify(a, tok, len, lexc_call_nsid(call),
	                                             lexc_call_arena(call), &c, &why);
	if (r != LEXC_JWT_OK)
		return lexc_call_fail_named(call, LEXC_AUTHENTICATION_REQUIRED,
		                            lexc_jwt_result_name(r), "%s",
		                            why != NULL ? why : "invalid token");
	return lexc_call_set_caller(call, c.did, NULL);
}
