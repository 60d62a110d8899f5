/* server_fuzz.h: the random and mutated request bodies that
 * tests/test_server_hostile and tests/test_server_rss send to the server. */
#ifndef LEXC_TESTS_SERVER_FUZZ_H
#define LEXC_TESTS_SERVER_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* xorshift64*: deterministic for a seed. */
void fuzz_seed(uint64_t seed);
uint64_t fuzz_rng(void);

/* A body in out[0..cap): a createWebhook seed with a few random edits, or
 * random bytes. Returns its length. */
size_t fuzz_body(char *out, size_t cap);

/* How many bodies a run sends: 10,000, or LEXC_SERVER_FUZZ_COUNT. */
long fuzz_count(void);

/* Seeds the generator and POSTs `count` bodies to createWebhook on one
 * keep-alive connection to 127.0.0.1:port, asserting each answer (200 with
 * a webhook, or 400 InvalidRequest), that both kinds occur, and that one
 * connection served all. Calls at_warm(arg) once, before body count / 10
 * (pools and caches are full by then), when at_warm is not NULL. */
void post_random_bodies(uint16_t port, uint64_t seed, long count, void (*at_warm)(void *arg),
                        void *arg);

#endif
