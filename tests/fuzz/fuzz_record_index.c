/* libFuzzer target for webhookd's record webhook index (recindex.c): the
 * scope parser and the backlink scan of a record's JSON. No input crashes
 * them or reads outside it; a scope that parses has a DID authority; a
 * match names only webhooks that were put, each once. */
#include "config.h"

#include "recindex.h"

#include <lexc/format.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_record_index: %s failed on %zu bytes\n", #cond,      \
			        size);                                                             \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static wh_recindex *ix;

static void put(const char *uri, const char *owner, const char *id, const char *scope,
                bool backlinks)
{
	wh_record_hook h;
	memset(&h, 0, sizeof h);
	h.uri = lexc_str_borrow(uri);
	h.did = lexc_str_borrow(owner);
	h.webhook_id = lexc_str_borrow(id);
	h.scope = lexc_str_borrow(scope);
	h.backlinks = backlinks;
	h.events = WH_EVENT_REC_ALL;
	h.enabled = true;
	if (!wh_recindex_put(ix, &h))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ix == NULL) {
		if ((ix = wh_recindex_new()) == NULL)
			abort();
		put("at://did:plc:a/place.wisp.v2.wh/1", "did:plc:a", "w1", "at://did:plc:x", true);
		put("at://did:plc:a/place.wisp.v2.wh/2", "did:plc:a", "w2",
		    "at://did:plc:x/app.bsky.feed.post", true);
		put("at://did:plc:b/place.wisp.v2.wh/3", "did:plc:b", "w3",
		    "at://did:plc:x/app.bsky.feed.post/3k", true);
		put("at://did:plc:b/place.wisp.v2.wh/4", "did:plc:b", "w4", "at://did:plc:y",
		    false);
	}
	lexc_str in = lexc_str_borrow_n((const char *)data, size);
	lexc_str did, coll, rkey;
	const char *why;
	if (wh_scope_parse(in, &did, &coll, &rkey, &why)) {
		REQUIRE(lexc_format_check(LEXC_FORMAT_DID, did.ptr, did.len, NULL));
		REQUIRE(did.ptr >= in.ptr && did.ptr + did.len <= in.ptr + in.len);
	}
	lexc_arena a;
	lexc_arena_init(&a);
	wh_rec_event ev = {LEXC_STR("did:plc:y"), LEXC_STR("app.bsky.feed.like"), LEXC_STR("3l"),
	                   WH_EVENT_REC_CREATE, in};
	const wh_rec_match *m;
	ptrdiff_t n = wh_recindex_match(ix, &ev, &a, &m);
	REQUIRE(n >= 1); /* w4 watches did:plc:y */
	for (ptrdiff_t i = 0; i < n; i++) {
		REQUIRE(m[i].webhook_id.len == 2 && m[i].webhook_id.ptr[0] == 'w');
		for (ptrdiff_t j = 0; j < i; j++)
			REQUIRE(!lexc_str_eq(m[i].webhook_id, m[j].webhook_id));
	}
	lexc_arena_free(&a);
	return 0;
}
