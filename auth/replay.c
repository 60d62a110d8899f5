/* replay.c: see replay.h. Two chained hash tables: entries by
 * (issuer, jti), and each issuer's count of live entries. */
#include "config.h"

#include "replay.h"
#include "siphash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { ENTRY_BUCKETS = 16384, ISSUER_BUCKETS = 4096 };

typedef struct issuer {
	struct issuer *next;
	size_t live;
	size_t len;
	char did[]; /* len bytes */
} issuer;

typedef struct entry {
	struct entry *next;
	issuer *by;
	int64_t exp;
	size_t len;
	char jti[]; /* len bytes */
} entry;

struct auth_replay {
	pthread_mutex_t mu;
	unsigned char key[16];
	size_t max, per_issuer, n;
	int64_t purged_at; /* Unix seconds of the last purge */
	entry *entries[ENTRY_BUCKETS];
	issuer *issuers[ISSUER_BUCKETS];
};

auth_replay *auth_replay_new(size_t max, size_t per_issuer)
{
	auth_replay *r = calloc(1, sizeof *r);
	if (r == NULL || !auth_siphash_key(r->key)) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	r->max = max;
	r->per_issuer = per_issuer;
	return r;
}

void auth_replay_free(auth_replay *r)
{
	if (r == NULL)
		return;
	for (size_t b = 0; b < ENTRY_BUCKETS; b++)
		for (entry *e = r->entries[b], *next; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	for (size_t b = 0; b < ISSUER_BUCKETS; b++)
		for (issuer *i = r->issuers[b], *next; i != NULL; i = next) {
			next = i->next;
			free(i);
		}
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static unsigned issuer_bucket(const auth_replay *r, const char *did, size_t len)
{
	return (unsigned)(auth_siphash24(r->key, did, len) % ISSUER_BUCKETS);
}

/* An entry's bucket: the jti hashed with its issuer's address (one issuer
 * record per DID, so the pair is named exactly). */
static unsigned entry_bucket(const auth_replay *r, const issuer *by, const char *jti, size_t len)
{
	uint64_t h = auth_siphash24(r->key, jti, len) ^ (uint64_t)(uintptr_t)by;
	return (unsigned)(auth_siphash24(r->key, &h, sizeof h) % ENTRY_BUCKETS);
}

static void issuer_drop(auth_replay *r, issuer *i)
{
	if (--i->live != 0)
		return;
	issuer **pp = &r->issuers[issuer_bucket(r, i->did, i->len)];
	while (*pp != i)
		pp = &(*pp)->next;
	*pp = i->next;
	free(i);
}

static void purge(auth_replay *r, int64_t now)
{
	r->purged_at = now;
	for (size_t b = 0; b < ENTRY_BUCKETS; b++)
		for (entry **pp = &r->entries[b]; *pp != NULL;) {
			entry *e = *pp;
			if (e->exp < now) {
				*pp = e->next;
				issuer_drop(r, e->by);
				free(e);
				r->n--;
			} else {
				pp = &e->next;
			}
		}
}

bool auth_replay_remember(auth_replay *r, const char *did, size_t did_len, const char *jti,
                          size_t jti_len, int64_t exp, int64_t now, const char **reason)
{
	bool ok = false;
	pthread_mutex_lock(&r->mu);
	if (r->n >= r->max && now > r->purged_at)
		purge(r, now);
	unsigned ib = issuer_bucket(r, did, did_len);
	issuer *by = r->issuers[ib];
	while (by != NULL && !(by->len == did_len && memcmp(by->did, did, did_len) == 0))
		by = by->next;
	entry *found = NULL;
	unsigned eb = 0;
	if (by != NULL) {
		eb = entry_bucket(r, by, jti, jti_len);
		for (found = r->entries[eb]; found != NULL; found = found->next)
			if (found->by == by && found->len == jti_len &&
			    memcmp(found->jti, jti, jti_len) == 0)
				break;
	}
	if (found != NULL && found->exp >= now) {
		*reason = "jwt replayed: this jti was used before";
	} else if (found != NULL) {
		found->exp = exp; /* an expired twin: the slot is reused */
		ok = true;
	} else if (r->n >= r->max) {
		*reason = "too many live tokens to remember: try again later";
	} else if (by != NULL && by->live >= r->per_issuer) {
		*reason = "too many live tokens of this issuer: try again later";
	} else {
		if (by == NULL && (by = malloc(sizeof *by + did_len)) != NULL) {
			by->live = 0;
			by->len = did_len;
			memcpy(by->did, did, did_len);
			by->next = r->issuers[ib];
			r->issuers[ib] = by;
		}
		entry *e = by != NULL ? malloc(sizeof *e + jti_len) : NULL;
		if (e == NULL) {
			if (by != NULL && by->live == 0) {
				by->live = 1;
				issuer_drop(r, by);
			}
			*reason = "out of memory";
		} else {
			e->by = by;
			e->exp = exp;
			e->len = jti_len;
			memcpy(e->jti, jti, jti_len);
			eb = entry_bucket(r, by, jti, jti_len);
			e->next = r->entries[eb];
			r->entries[eb] = e;
			by->live++;
			r->n++;
			ok = true;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return ok;
}
