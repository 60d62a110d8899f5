/* publish.h: what publishEvent, publishEvents and sendTestPing share:
 * checking an event, wrapping it as the stored dev.lexc.webhookd.defs#event
 * and committing it to the outbox. */
#ifndef WEBHOOKD_PUBLISH_H
#define WEBHOOKD_PUBLISH_H

#include "view.h"

/* One event as the lexicons give it (publishEvent's input or an item of
 * publishEvents'): the union's value is one of the defs' event structs. */
typedef struct wh_event_arg {
	lexc_str did, type;
	const lexc_union *data;
	bool has_event_id;
	lexc_str event_id;
} wh_event_arg;

/* Publishes n events in one transaction, out[i] for ev[i]: operator keys
 * only (403 otherwise); type and data must agree (InvalidRequest naming
 * `path` and the item). Answers the error itself when it fails. */
lexc_status wh_publish(lexc_call *call, const wh_event_arg *ev, size_t n, const char *path,
                       dev_lexc_webhookd_defs__publishResult *out);

/* Publishes a ping to the caller's webhook `id`, due now: its event id and
 * webhook-id into *event_id and *message_id. Answers errors itself. */
lexc_status wh_publish_ping(lexc_call *call, lexc_str id, lexc_str *event_id, lexc_str *message_id);

#endif /* WEBHOOKD_PUBLISH_H */
