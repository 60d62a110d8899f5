/* recindex.c: the record webhook index (recindex.h). */
#include "config.h"

#include "recindex.h"
#include "siphash.h"

#include <lexc/format.h>
#include <lexc/json.h>

#include <stdlib.h>
#include <string.h>

/* The maps ------------------------------------------------------------------- */

typedef struct entry entry;

/* One key of a map and the webhooks under it. Nodes never move. */
typedef struct node {
	struct node *chain;
	uint64_t hash;
	uint64_t did_hash; /* of the key's DID part */
	uint64_t seen;     /* the match serial that took its webhooks last */
	entry *head;
	size_t len;
	char key[];
} node;

/* A map is chained buckets of nodes, and in front of them two filters of
 * one 64-bit word per key's two bits (blocked Bloom filters, 16 to 32 bits
 * a key): one of the keys, one of their DIDs. Most events are of a DID no
 * scope names, and the DID filter answers that from one word for all
 * three keys of the event; most other look-ups are of keys no webhook has,
 * and the key filter answers those without touching a bucket or a node. */
typedef struct map {
	node **buckets;
	size_t mask, count;
	uint64_t *filter, *dids;
	size_t filter_mask; /* words - 1, of each */
	size_t dropped;     /* keys removed since the filter was built */
} map;

static inline uint64_t filter_bits(uint64_t h)
{
	return (1ULL << ((h >> 52) & 63)) | (1ULL << ((h >> 58) & 63));
}

static inline bool filter_may_have(const uint64_t *f, size_t mask, uint64_t h)
{
	uint64_t bits = filter_bits(h);
	return (f[(h >> 20) & mask] & bits) == bits;
}

static inline bool did_may_have(const map *m, uint64_t did_hash)
{
	return filter_may_have(m->dids, m->filter_mask, did_hash);
}

/* Sizes the filter for the map's keys (32 bits each), rebuilt from them:
 * it grows with the map, and a rebuild forgets removed keys. */
static bool filter_build(map *m)
{
	size_t words = 64;
	while (words * 64 < (m->count + 1) * 32)
		words *= 2;
	uint64_t *f = calloc(words, sizeof *f), *d = calloc(words, sizeof *d);
	if (f == NULL || d == NULL) {
		free(f);
		free(d);
		return false;
	}
	free(m->filter);
	free(m->dids);
	m->filter = f;
	m->dids = d;
	m->filter_mask = words - 1;
	m->dropped = 0;
	for (size_t i = 0; i <= m->mask; i++)
		for (node *n = m->buckets[i]; n != NULL; n = n->chain) {
			f[(n->hash >> 20) & m->filter_mask] |= filter_bits(n->hash);
			d[(n->did_hash >> 20) & m->filter_mask] |= filter_bits(n->did_hash);
		}
	return true;
}

/* One indexed webhook. */
struct entry {
	entry *prev, *next; /* under its node */
	entry *uri_chain;   /* in the index's by-uri table */
	node *node;
	map *map;
	uint64_t uri_hash;
	uint64_t seen; /* the match serial that took it last */
	uint32_t events;
	lexc_str uri, did, webhook_id; /* one allocation after the entry */
};

struct wh_recindex {
	unsigned char key[16]; /* SipHash-1-3 */
	map direct, back;
	entry **by_uri;
	size_t uri_mask, count, n_back;
	uint64_t serial;
	wh_rec_match *out;
	size_t out_cap;
	char *buf; /* keys being built */
	size_t buf_cap;
};

static bool map_init(map *m)
{
	m->mask = 63;
	m->count = 0;
	m->buckets = calloc(m->mask + 1, sizeof *m->buckets);
	m->filter = m->dids = NULL;
	return m->buckets != NULL && filter_build(m);
}

static void map_free(map *m)
{
	for (size_t i = 0; m->buckets != NULL && i <= m->mask; i++)
		for (node *n = m->buckets[i], *next; n != NULL; n = next) {
			next = n->chain;
			free(n);
		}
	free(m->buckets);
	free(m->filter);
	free(m->dids);
}

static node *map_find(const map *m, uint64_t h, const char *key, size_t len)
{
	if (!filter_may_have(m->filter, m->filter_mask, h))
		return NULL;
	for (node *n = m->buckets[h & m->mask]; n != NULL; n = n->chain)
		if (n->hash == h && n->len == len && memcmp(n->key, key, len) == 0)
			return n;
	return NULL;
}

static bool map_grow(map *m)
{
	size_t mask = m->mask * 2 + 1;
	node **b = calloc(mask + 1, sizeof *b);
	if (b == NULL)
		return false;
	for (size_t i = 0; i <= m->mask; i++)
		for (node *n = m->buckets[i], *next; n != NULL; n = next) {
			next = n->chain;
			n->chain = b[n->hash & mask];
			b[n->hash & mask] = n;
		}
	free(m->buckets);
	m->buckets = b;
	m->mask = mask;
	return true;
}

static node *map_get(map *m, uint64_t h, uint64_t did_hash, const char *key, size_t len)
{
	node *n = map_find(m, h, key, len);
	if (n != NULL)
		return n;
	if (m->count > m->mask && (!map_grow(m) || !filter_build(m)))
		return NULL;
	if ((n = malloc(sizeof *n + len + 1)) == NULL)
		return NULL;
	n->hash = h;
	n->did_hash = did_hash;
	n->seen = 0;
	n->head = NULL;
	n->len = len;
	memcpy(n->key, key, len);
	n->key[len] = '\0';
	n->chain = m->buckets[h & m->mask];
	m->buckets[h & m->mask] = n;
	m->count++;
	m->filter[(h >> 20) & m->filter_mask] |= filter_bits(h);
	m->dids[(did_hash >> 20) & m->filter_mask] |= filter_bits(did_hash);
	return n;
}

static void map_drop(map *m, node *n)
{
	node **p = &m->buckets[n->hash & m->mask];
	while (*p != n)
		p = &(*p)->chain;
	*p = n->chain;
	m->count--;
	free(n);
	/* Removed keys leave their bits: rebuilt when they are many, so that
	 * churn does not fill the filter (if that fails, the old one is still
	 * right, only less selective). */
	if (++m->dropped > m->count / 2 + 64)
		filter_build(m);
}

/* The index ------------------------------------------------------------------- */

wh_recindex *wh_recindex_new(void)
{
	wh_recindex *ix = calloc(1, sizeof *ix);
	if (ix == NULL)
		return NULL;
	ix->uri_mask = 63;
	ix->by_uri = calloc(ix->uri_mask + 1, sizeof *ix->by_uri);
	if (ix->by_uri == NULL || !map_init(&ix->direct) || !map_init(&ix->back) ||
	    !auth_siphash_key(ix->key)) {
		wh_recindex_free(ix);
		return NULL;
	}
	return ix;
}

void wh_recindex_free(wh_recindex *ix)
{
	if (ix == NULL)
		return;
	for (size_t i = 0; ix->by_uri != NULL && i <= ix->uri_mask; i++)
		for (entry *e = ix->by_uri[i], *next; e != NULL; e = next) {
			next = e->uri_chain;
			free(e);
		}
	free(ix->by_uri);
	map_free(&ix->direct);
	map_free(&ix->back);
	free(ix->out);
	free(ix->buf);
	free(ix);
}

size_t wh_recindex_count(const wh_recindex *ix)
{
	return ix->count;
}

size_t wh_recindex_backlinks(const wh_recindex *ix)
{
	return ix->n_back;
}

/* Cuts "at://A[/B[/C]]" (a query and a fragment dropped) into its parts,
 * empty when absent; C is the rest, slashes and all. false if it is not
 * at://. Nothing is validated. */
static bool split_aturi(const char *s, size_t len, lexc_str part[3])
{
	if (len < 5 || memcmp(s, "at://", 5) != 0)
		return false;
	const char *p = s + 5, *end = s + len;
	const char *q = memchr(p, '?', (size_t)(end - p));
	end = q != NULL ? q : end;
	q = memchr(p, '#', (size_t)(end - p));
	end = q != NULL ? q : end;
	for (size_t i = 0; i < 3; i++) {
		const char *slash = i < 2 && p < end ? memchr(p, '/', (size_t)(end - p)) : NULL;
		const char *stop = slash != NULL ? slash : end;
		part[i] = lexc_str_borrow_n(p, (size_t)(stop - p));
		p = slash != NULL ? slash + 1 : end;
	}
	return true;
}

bool wh_scope_parse(lexc_str aturi, lexc_str *did, lexc_str *collection, lexc_str *rkey,
                    const char **why)
{
	lexc_str part[3];
	*why = "not an at-uri (at://DID[/COLLECTION[/RKEY]])";
	if (!split_aturi(aturi.ptr, aturi.len, part))
		return false;
	*did = part[0];
	*collection = part[1];
	*rkey = part[2];
	if (!lexc_format_check(LEXC_FORMAT_DID, did->ptr, did->len, NULL)) {
		*why = "the at-uri's authority is not a DID";
		return false;
	}
	if (collection->len > 0 &&
	    !lexc_format_check(LEXC_FORMAT_NSID, collection->ptr, collection->len, NULL)) {
		*why = "the at-uri's collection is not an NSID";
		return false;
	}
	if (rkey->len > 0 && collection->len == 0)
		return false;
	/* A record key has no '/': this also refuses more than three parts. */
	if (rkey->len > 0 &&
	    !lexc_format_check(LEXC_FORMAT_RECORD_KEY, rkey->ptr, rkey->len, NULL)) {
		*why = "the at-uri's record key is not a record key";
		return false;
	}
	return true;
}

/* The key of (did, collection, rkey) in ix->buf: "DID", "DID/COLL" or
 * "DID/COLL/RKEY"; its length, or 0 if out of memory. */
static size_t make_key(wh_recindex *ix, lexc_str did, lexc_str coll, lexc_str rkey)
{
	size_t len = did.len + (coll.len ? 1 + coll.len : 0) + (rkey.len ? 1 + rkey.len : 0);
	if (len + 1 > ix->buf_cap) {
		size_t cap = len + 64;
		char *b = realloc(ix->buf, cap);
		if (b == NULL)
			return 0;
		ix->buf = b;
		ix->buf_cap = cap;
	}
	char *p = ix->buf;
	memcpy(p, did.ptr, did.len);
	p += did.len;
	if (coll.len) {
		*p++ = '/';
		memcpy(p, coll.ptr, coll.len);
		p += coll.len;
	}
	if (rkey.len) {
		*p++ = '/';
		memcpy(p, rkey.ptr, rkey.len);
		p += rkey.len;
	}
	return len;
}

static uint64_t hash(const wh_recindex *ix, const char *p, size_t len)
{
	return auth_siphash13(ix->key, p, len);
}

static entry *find_uri(const wh_recindex *ix, uint64_t h, lexc_str uri, entry ***where)
{
	entry **p = &ix->by_uri[h & ix->uri_mask];
	for (; *p != NULL; p = &(*p)->uri_chain)
		if ((*p)->uri_hash == h && lexc_str_eq((*p)->uri, uri))
			break;
	if (where != NULL)
		*where = p;
	return *p;
}

static void unlink_entry(wh_recindex *ix, entry **where)
{
	entry *e = *where;
	*where = e->uri_chain;
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		e->node->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	if (e->node->head == NULL)
		map_drop(e->map, e->node);
	if (e->map == &ix->back)
		ix->n_back--;
	ix->count--;
	free(e);
}

bool wh_recindex_remove(wh_recindex *ix, lexc_str uri)
{
	entry **where;
	if (find_uri(ix, hash(ix, uri.ptr, uri.len), uri, &where) == NULL)
		return false;
	unlink_entry(ix, where);
	return true;
}

static bool grow_uris(wh_recindex *ix)
{
	size_t mask = ix->uri_mask * 2 + 1;
	entry **b = calloc(mask + 1, sizeof *b);
	if (b == NULL)
		return false;
	for (size_t i = 0; i <= ix->uri_mask; i++)
		for (entry *e = ix->by_uri[i], *next; e != NULL; e = next) {
			next = e->uri_chain;
			e->uri_chain = b[e->uri_hash & mask];
			b[e->uri_hash & mask] = e;
		}
	free(ix->by_uri);
	ix->by_uri = b;
	ix->uri_mask = mask;
	return true;
}

lexc_str wh_recindex_webhook_id(const wh_recindex *ix, lexc_str uri)
{
	entry *e = find_uri(ix, hash(ix, uri.ptr, uri.len), uri, NULL);
	return e != NULL ? e->webhook_id : lexc_str_borrow(NULL);
}

bool wh_recindex_put(wh_recindex *ix, const wh_record_hook *h)
{
	wh_recindex_remove(ix, h->uri);
	lexc_str did, coll, rkey;
	const char *why;
	if (!wh_scope_parse(h->scope, &did, &coll, &rkey, &why))
		return false;
	if (ix->count > ix->uri_mask && !grow_uris(ix))
		return false;
	size_t len = make_key(ix, did, coll, rkey);
	map *m = h->backlinks ? &ix->back : &ix->direct;
	node *n = len == 0 ? NULL
	                   : map_get(m, hash(ix, ix->buf, len), hash(ix, did.ptr, did.len), ix->buf,
	                             len);
	entry *e =
	        n == NULL ? NULL : malloc(sizeof *e + h->uri.len + h->did.len + h->webhook_id.len);
	if (e == NULL) {
		if (n != NULL && n->head == NULL)
			map_drop(m, n);
		return false;
	}
	char *p = (char *)(e + 1);
	memcpy(p, h->uri.ptr, h->uri.len);
	e->uri = lexc_str_borrow_n(p, h->uri.len);
	p += h->uri.len;
	memcpy(p, h->did.ptr, h->did.len);
	e->did = lexc_str_borrow_n(p, h->did.len);
	p += h->did.len;
	memcpy(p, h->webhook_id.ptr, h->webhook_id.len);
	e->webhook_id = lexc_str_borrow_n(p, h->webhook_id.len);
	e->events = h->enabled ? h->events : 0;
	e->seen = 0;
	e->node = n;
	e->map = m;
	e->prev = NULL;
	e->next = n->head;
	if (n->head != NULL)
		n->head->prev = e;
	n->head = e;
	e->uri_hash = hash(ix, h->uri.ptr, h->uri.len);
	entry **where;
	find_uri(ix, e->uri_hash, h->uri, &where);
	e->uri_chain = NULL;
	*where = e;
	ix->count++;
	if (h->backlinks)
		ix->n_back++;
	return true;
}

/* Matching -------------------------------------------------------------------- */

static bool take(wh_recindex *ix, size_t *n, const entry *e)
{
	if (*n == ix->out_cap) {
		size_t cap = ix->out_cap ? ix->out_cap * 2 : 16;
		wh_rec_match *o = realloc(ix->out, cap * sizeof *o);
		if (o == NULL)
			return false;
		ix->out = o;
		ix->out_cap = cap;
	}
	ix->out[(*n)++] = (wh_rec_match){e->did, e->webhook_id};
	return true;
}

/* Takes the webhooks under key[0..len) (hash h) of map m that want op. */
static bool lookup_key(wh_recindex *ix, map *m, uint64_t h, const char *key, size_t len,
                       uint32_t op, size_t *n)
{
	node *nd = map_find(m, h, key, len);
	/* A key a record mentions many times costs its webhooks once: the op
	 * is the event's, so the first visit took all that want it. */
	if (nd == NULL || nd->seen == ix->serial)
		return true;
	nd->seen = ix->serial;
	for (entry *e = nd->head; e != NULL; e = e->next) {
		if ((e->events & op) == 0 || e->seen == ix->serial)
			continue;
		e->seen = ix->serial;
		if (!take(ix, n, e))
			return false;
	}
	return true;
}

/* The webhooks of map m under the keys of (did, coll, rkey) that want op:
 * the DID's, and the collection's and the record's where given. did_hash
 * is the DID's hash (its key's). */
static bool lookup_all(wh_recindex *ix, map *m, lexc_str did, uint64_t did_hash, lexc_str coll,
                       lexc_str rkey, uint32_t op, size_t *n)
{
	lexc_str none = lexc_str_borrow_n("", 0);
	if (m->count == 0 || !did_may_have(m, did_hash))
		return true;
	if (!lookup_key(ix, m, did_hash, did.ptr, did.len, op, n))
		return false;
	for (int level = 2; level <= 3; level++) {
		if (coll.len == 0 || (level == 3 && rkey.len == 0))
			break;
		size_t len = make_key(ix, did, coll, level == 3 ? rkey : none);
		if (len == 0 || !lookup_key(ix, m, hash(ix, ix->buf, len), ix->buf, len, op, n))
			return false;
	}
	return true;
}

/* A string of the record: an at-uri fires the backlinks of its DID, its
 * collection and its record; a DID those of the DID. */
static bool mention(wh_recindex *ix, const char *s, size_t len, uint32_t op, size_t *n)
{
	lexc_str none = lexc_str_borrow_n("", 0);
	if (len > 4 && memcmp(s, "did:", 4) == 0)
		return lookup_all(ix, &ix->back, lexc_str_borrow_n(s, len), hash(ix, s, len), none,
		                  none, op, n);
	/* Split, not validated: a look-up of a malformed key finds nothing. */
	lexc_str part[3];
	if (len <= 5 || !split_aturi(s, len, part))
		return true;
	lexc_str did = part[0], coll = part[1], rkey = part[2];
	if (did.len < 4 || memcmp(did.ptr, "did:", 4) != 0)
		return true;
	return lookup_all(ix, &ix->back, did, hash(ix, did.ptr, did.len), coll, rkey, op, n);
}

/* Every string of the record, in one pass. The record is JSON the decoder
 * accepted, so strings are found by their quotes alone (memchr); one with
 * an escape (rare in an at-uri or a DID) is unescaped by the JSON reader.
 * Keys count as strings too: a key naming an at-uri mentions it. */
static bool mentions(wh_recindex *ix, const wh_rec_event *ev, lexc_arena *scratch, size_t *n)
{
	const char *p = ev->record.ptr, *end = p + ev->record.len;
	while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		const char *s = ++p, *q = s;
		for (;;) {
			q = memchr(q, '"', (size_t)(end - q));
			if (q == NULL)
				return true; /* not JSON after all: nothing more to find */
			size_t bs = 0;
			while (q - bs > s && q[-1 - (ptrdiff_t)bs] == '\\')
				bs++;
			if (bs % 2 == 0)
				break;
			q++;
		}
		size_t len = (size_t)(q - s);
		p = q + 1;
		bool escaped = memchr(s, '\\', len) != NULL;
		/* Only strings that can be an at-uri or a DID are looked at. */
		if (len < 5 ||
		    (!escaped && memcmp(s, "at://", 5) != 0 && memcmp(s, "did:", 4) != 0))
			continue;
		if (escaped) {
			lexc_json_reader r;
			lexc_json_reader_init(&r, s - 1, len + 2, scratch, NULL);
			if (lexc_json_next(&r) != LEXC_JSON_STRING)
				continue;
			if (!mention(ix, r.str, r.str_len, ev->op, n))
				return false;
		} else if (!mention(ix, s, len, ev->op, n)) {
			return false;
		}
	}
	return true;
}

static int by_owner(const void *a, const void *b)
{
	const wh_rec_match *x = a, *y = b;
	size_t len = x->did.len < y->did.len ? x->did.len : y->did.len;
	int c = memcmp(x->did.ptr, y->did.ptr, len);
	return c != 0 ? c : (x->did.len > y->did.len) - (x->did.len < y->did.len);
}

ptrdiff_t wh_recindex_match(wh_recindex *ix, const wh_rec_event *ev, lexc_arena *scratch,
                            const wh_rec_match **out)
{
	size_t n = 0;
	ix->serial++;
	*out = ix->out;
	if (ix->count == 0)
		return 0;
	if (!lookup_all(ix, &ix->direct, ev->did, hash(ix, ev->did.ptr, ev->did.len),
	                ev->collection, ev->rkey, ev->op, &n))
		return -1;
	if (ix->n_back > 0 && ev->record.ptr != NULL && !mentions(ix, ev, scratch, &n))
		return -1;
	if (n > 1)
		qsort(ix->out, n, sizeof *ix->out, by_owner);
	*out = ix->out;
	return (ptrdiff_t)n;
}
