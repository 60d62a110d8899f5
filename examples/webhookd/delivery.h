/* delivery.h: the workers that deliver the outbox (doc/webhookd.md,
 * "Delivery").
 *
 * One thread drives every transfer through libcurl's multi interface: it
 * claims due deliveries from the store, builds and signs each request at
 * the moment it is sent, and records outcomes in batches. At most
 * `concurrency` transfers run at once, at most `per_webhook` of them to
 * one webhook; connections are reused. The address every connection goes
 * to is checked as it is opened (lexc_connect_allowed), so a name that
 * resolved to a public address when the webhook was created and resolves
 * elsewhere now is refused. Redirects are never followed and no proxy is
 * taken from the environment. */
#ifndef WEBHOOKD_DELIVERY_H
#define WEBHOOKD_DELIVERY_H

#include "webhookd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	WH_SCHEDULE_MAX = 32,
	WH_RESPONSE_KEEP = 20000, /* bytes of a response body the log keeps (Svix's) */
};

typedef struct wh_delivery_config {
	size_t concurrency;         /* transfers in flight; default 128 */
	size_t per_webhook;         /* of them to one webhook; default 16 */
	int64_t connect_timeout_ms; /* default 5000 */
	int64_t timeout_ms;         /* whole attempt; default 15000 */
	/* Delay before each attempt (ms): schedule[0] before the first (0:
	 * at once), schedule[i] after the i-th failure; n_schedule attempts in
	 * all. Default Svix's: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
	 * Each delay is jittered by ±20%. */
	int64_t schedule[WH_SCHEDULE_MAX];
	size_t n_schedule;
	int64_t disable_after_ms; /* a webhook failing only this long is disabled; default 5 d; 0
	                             never */
} wh_delivery_config;

/* The defaults above. */
void wh_delivery_config_default(wh_delivery_config *c);

/* Parses a schedule "0,5s,5m,30m,2h,5h,10h,10h" (units ms, s, m, h, d; a
 * bare number is seconds; fractions allowed). false if invalid. */
bool wh_schedule_parse(const char *s, int64_t *out, size_t *n);

typedef struct wh_deliverer wh_deliverer;

/* Starts the delivery thread on svc's store. First it makes every
 * delivery a previous process had in flight due again. NULL (err set) on
 * failure. The service must outlive it. */
wh_deliverer *wh_deliverer_start(wh_service *svc, const wh_delivery_config *c, lexc_error *err);

/* Tells the thread that deliveries may be due now (after a publish). Safe
 * from any thread; cheap when it is awake already. */
void wh_deliverer_wake(wh_deliverer *d);

/* Stops the thread: transfers in flight are abandoned (the store keeps
 * them claimed; the next start retries them), recorded outcomes are
 * committed. NULL is ignored. */
void wh_deliverer_stop(wh_deliverer *d);

/* Appends the Prometheus text exposition of the delivery metrics to
 * `out` (a malloc'd buffer of *len bytes, *cap capacity; grown as
 * needed). false if out of memory. */
bool wh_deliverer_metrics(wh_deliverer *d, char **out, size_t *len, size_t *cap);

/* Appends printf-style text to such a buffer; false if out of memory. */
bool wh_metrics_append(char **out, size_t *len, size_t *cap, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif /* WEBHOOKD_DELIVERY_H */
