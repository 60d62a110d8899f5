/* webhookd.h: the service, as its handlers see it. One wh_service is made
 * by `webhookd serve` and given to every handler as lexc_call_user(). */
#ifndef WEBHOOKD_H
#define WEBHOOKD_H

#include <lexc/lexc.h>
#include <lexc/server.h>
#include <lexc/service_auth.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "netcheck.h"
#include "store.h"

/* The limits and policies an operator sets (webhookd(8)); defaults below. */
typedef struct wh_limits {
	size_t max_webhooks;   /* per DID; default 50 */
	int64_t grace_default; /* seconds; default 86400 */
	int64_t grace_max;     /* seconds; default 604800, at most 604800 */
} wh_limits;

enum {
	WH_DEFAULT_MAX_WEBHOOKS = 50,
	WH_DEFAULT_GRACE = 86400,
	WH_GRACE_LIMIT = 604800,
	WH_DEFAULT_PORT = 2595,
};

typedef struct wh_deliverer wh_deliverer; /* delivery.h */
typedef struct wh_jetstream wh_jetstream; /* jetstream.h */

typedef struct wh_service {
	wh_store *store;
	wh_keyring *keys;
	lexc_netpolicy net;
	wh_limits limits;
	wh_deliverer *deliverer;         /* woken after a publish; NULL: none (tests) */
	lexc_service_auth *service_auth; /* service JWTs; NULL: API keys only */
	wh_jetstream *jetstream;         /* the event stream; NULL: none */
} wh_service;

/* The service of a call (its user pointer). */
static inline wh_service *wh_service_of(lexc_call *call)
{
	return (wh_service *)lexc_call_user(call);
}

/* The caller, as the auth hook (auth.c) set it: the DID is
 * lexc_call_caller_did(); the data says whether the key is an operator's. */
typedef struct wh_caller {
	bool operator_key;
	char key_id[64];
} wh_caller;

/* Authenticates "Authorization: Bearer <credential>": an API key
 * ("whk_...") against the store's keys (SHA-256, compared in constant
 * time), anything else as an atproto service JWT when --service-did is
 * set (liblexc-auth). The lexc_auth_hook of `webhookd serve`; user is the
 * wh_service. Either way the caller is a DID, and objects belong to it. */
lexc_status wh_auth_hook(lexc_call *call, void *user);

/* Now, in milliseconds since the Unix epoch. The clock every rule uses;
 * test builds (WEBHOOKD_TEST_HOOKS) read it from the file named by
 * $WEBHOOKD_TEST_CLOCK_FILE when that is set (decimal ms), so tests
 * drive time without sleeping. */
int64_t wh_now_ms(void);

/* ms since the epoch as an atproto datetime ("2026-12-02T21:33:24.123Z"),
 * in the arena. */
lexc_str wh_datetime(lexc_arena *a, int64_t ms);

/* Test builds only: whether the store statement named `name` should fail
 * now ($WEBHOOKD_TEST_FAIL names it), so tests can show that nothing of a
 * failed procedure is written. Always false in release builds. */
bool wh_test_fail(const char *name);

#endif /* WEBHOOKD_H */
