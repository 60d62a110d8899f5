/* server_fuzz.c: see server_fuzz.h. */
#include "config.h"

#include "server_fuzz.h"
#include "server_util.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

void fuzz_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t fuzz_rng(void)
{
	/* xorshift64*: deterministic for a seed, good enough for mutation. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static const char seed_full[] =
        "{\"url\":\"https://a.example\",\"events\":[],\"name\":\"n\",\"prefix\":\"p\","
        "\"rewrite\":[{\"from\":\"a\",\"to\":\"b\"}],\"muteWords\":[\"x\"]}";
static const char *const seeds[] = {
        "{\"url\":\"https://example.com/hook\",\"events\":[\"chat\",\"follow\"],\"active\":true}",
        seed_full,
        "{\"url\":\"https://a.example\",\"events\":[\"mention\"],\"description\":\"\\u00e9\\n\"}",
};
static const char *const tokens[] = {"{",
                                     "}",
                                     "[",
                                     "]",
                                     ",",
                                     ":",
                                     "\"",
                                     "null",
                                     "true",
                                     "1e999",
                                     "-0",
                                     "\\u0000",
                                     "\\ud800",
                                     "\xff",
                                     "\xc3",
                                     "\"url\"",
                                     "\"events\"",
                                     "[[[[[[[[[[",
                                     "9999999999999999999999"};

size_t fuzz_body(char *out, size_t cap)
{
	uint64_t kind = fuzz_rng() % 10;
	if (kind == 0) {
		size_t n = fuzz_rng() % 200;
		for (size_t i = 0; i < n; i++)
			out[i] = (char)(fuzz_rng() & 0xff);
		return n;
	}
	const char *seed = seeds[fuzz_rng() % (sizeof seeds / sizeof seeds[0])];
	size_t len = strlen(seed);
	memcpy(out, seed, len);
	unsigned edits = 1 + (unsigned)(fuzz_rng() % 4);
	for (unsigned e = 0; e < edits; e++) {
		size_t at = len > 0 ? (size_t)(fuzz_rng() % len) : 0;
		switch (fuzz_rng() % 4) {
		case 0: /* flip a byte */
			if (len > 0)
				out[at] = (char)(fuzz_rng() & 0xff);
			break;
		case 1: /* truncate */
			len = at;
			break;
		case 2: { /* insert a token */
			const char *t = tokens[fuzz_rng() % (sizeof tokens / sizeof tokens[0])];
			size_t tl = strlen(t);
			if (len + tl < cap) {
				memmove(out + at + tl, out + at, len - at);
				memcpy(out + at, t, tl);
				len += tl;
			}
			break;
		}
		default: /* delete a span */
			if (len > 0) {
				size_t n = fuzz_rng() % 8;
				if (at + n > len)
					n = len - at;
				memmove(out + at, out + at + n, len - at - n);
				len -= n;
			}
			break;
		}
	}
	return len;
}

/* 10,000 everywhere: over one keep-alive connection that takes about 3 s
 * natively and 16 s under valgrind on 2 cores, so no smaller count is
 * needed there. LEXC_SERVER_FUZZ_COUNT overrides it (longer local runs). */
long fuzz_count(void)
{
	const char *env = getenv("LEXC_SERVER_FUZZ_COUNT");
	if (env != NULL && *env != '\0')
		return atol(env);
	return 10000;
}

void post_random_bodies(uint16_t port, uint64_t seed, long count, void (*at_warm)(void *arg),
                        void *arg)
{
	fuzz_seed(seed);
	CURL *h = curl_easy_init();
	ck_assert_ptr_nonnull(h);
	char body[1024];
	char ct[] = "Content-Type: application/json";
	const char *hdrs[] = {ct, NULL};
	long ok = 0, rejected = 0, connects = 0;
	for (long i = 0; i < count; i++) {
		if (i == count / 10 && at_warm != NULL)
			at_warm(arg);
		size_t len = fuzz_body(body, sizeof body);
		http_req req = {.verb = "POST",
		                .path = "/xrpc/place.stream.server.createWebhook",
		                .headers = hdrs,
		                .body = body,
		                .len = len,
		                .has_body = true};
		http_resp r;
		http_do(h, port, &req, &r);
		connects += r.connects;
		if (r.status == 200) {
			ok++;
			json_error_t jerr;
			json_t *j = json_loadb(r.body, r.len, 0, &jerr);
			ck_assert_msg(j != NULL && json_is_object(json_object_get(j, "webhook")),
			              "#%ld: %s", i, r.body);
			json_decref(j);
		} else {
			rejected++;
			ck_assert_msg(r.status == 400, "#%ld: status %ld: %s", i, r.status, r.body);
			ck_assert_msg(is_xrpc_error(r.body, r.len), "#%ld: %s", i, r.body);
			ck_assert_msg(strstr(r.body, "\"error\":\"InvalidRequest\"") != NULL,
			              "#%ld: %s", i, r.body);
		}
		http_resp_free(&r);
	}
	curl_easy_cleanup(h);
	ck_assert_int_eq(ok + rejected, count);
	ck_assert_int_gt(rejected, count / 2);
	ck_assert_int_gt(ok, 0); /* some mutations stay valid: the 200 path runs too */
	/* One keep-alive connection served them all: errors do not close it. */
	ck_assert_int_eq(connects, 1);
}
