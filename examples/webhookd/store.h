/* store.h: what webhookd keeps, behind one interface. Handlers call these
 * functions and nothing else; store_sqlite.c implements them on an embedded
 * SQLite file, store_pg.c on PostgreSQL for several processes sharing one
 * database; both fill the same table of operations (wh_store_ops).
 *
 * Every operation that writes is one transaction: it either does all it
 * says or, on any result other than WH_OK, writes nothing. The rules that
 * span rows (per-DID limits, uniqueness, at most WH_MAX_RETIRED retired
 * secrets) are checked inside that transaction, so they hold however many
 * calls run at once.
 *
 * Every object belongs to a DID; an operation given a DID only sees that
 * DID's objects: another DID's object is WH_NOT_FOUND, exactly as a missing
 * one (doc/webhookd.md, "Isolation").
 *
 * The store never sees a plaintext secret: values arrive sealed
 * (crypto.h, wh_seal) and leave sealed.
 *
 * Ownership: results are allocated in the arena the caller passes and live
 * as long as it; inputs are borrowed for the call. Times are milliseconds
 * since the Unix epoch (wh_now_ms()); 0 means "never". Functions are safe
 * to call from any number of threads at once. */
#ifndef WEBHOOKD_STORE_H
#define WEBHOOKD_STORE_H

#include <lexc/lexc.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum wh_result {
	WH_OK = 0,
	WH_NOT_FOUND,        /* no such object of this DID */
	WH_ALREADY_EXISTS,   /* a named secret of this name exists */
	WH_DUPLICATE,        /* a webhook of this DID has this URL */
	WH_TOO_MANY,         /* the per-DID webhook limit is reached */
	WH_TOO_MANY_RETIRED, /* WH_MAX_RETIRED retired secrets are still valid */
	WH_ARCHIVED,         /* the webhook is archived: read-only */
	WH_SECRET_IS_NAMED,  /* the webhook signs with a named secret */
	WH_SECRET_NOT_FOUND, /* bind: no named secret of that name */
	WH_SECRET_IN_USE,    /* delete: webhooks are bound to the secret */
	WH_FAILED,           /* the database failed; the message says how */
} wh_result;

/* The name of a result, for logs and tests ("WH_NOT_FOUND"). */
const char *wh_result_name(wh_result r);

/* Retired secrets of one webhook or named secret that may be valid at once
 * (Svix's limit). */
enum { WH_MAX_RETIRED = 10 };

/* Streamplace's events (place.stream.server.defs#webhook), as bits. */
enum {
	WH_EVENT_CHAT = 1u << 0,
	WH_EVENT_LIVESTREAM = 1u << 1,
	WH_EVENT_FOLLOW = 1u << 2,
	WH_EVENT_MENTION = 1u << 3,
	WH_EVENT_STREAM_RECEIVED = 1u << 4,
	WH_EVENT_COUNT = 5,
	/* sendTestPing's event: delivered to one webhook, whatever its events. */
	WH_EVENT_PING = 1u << 5,
};
/* Record events of place.wisp.v2.wh webhooks (doc/webhookd.md, "Record
 * webhooks"): a record webhook's events are these bits, never the ones
 * above, so publishEvent never reaches it and it sees only the stream. */
enum {
	WH_EVENT_REC_CREATE = 1u << 8,
	WH_EVENT_REC_UPDATE = 1u << 9,
	WH_EVENT_REC_DELETE = 1u << 10,
	WH_EVENT_REC_ALL = WH_EVENT_REC_CREATE | WH_EVENT_REC_UPDATE | WH_EVENT_REC_DELETE,
};
/* The bit of event `name` ("chat", ...), or 0 for an unknown name. */
uint32_t wh_event_bit(lexc_str name);
/* The name of bit number `i` (0 .. WH_EVENT_COUNT-1). */
const char *wh_event_name(unsigned i);

typedef enum wh_status {
	WH_STATUS_ACTIVE = 0,
	WH_STATUS_SUSPENDED = 1,
	WH_STATUS_ARCHIVED = 2,
} wh_status;
const char *wh_status_name(wh_status s); /* "active", "suspended", "archived" */

/* How deliveries are shaped (dev.lexc.webhookd.defs#webhookFormat). */
typedef enum wh_format {
	WH_FORMAT_AUTO = 0, /* discord for a Discord webhook URL, else standard */
	WH_FORMAT_STANDARD = 1,
	WH_FORMAT_DISCORD = 2,
} wh_format;
const char *wh_format_name(wh_format f); /* "auto", "standard", "discord" */

typedef struct wh_rewrite {
	lexc_str from, to;
} wh_rewrite;

/* A webhook as stored. Optional strings are the null string when absent. */
typedef struct wh_webhook {
	lexc_str id; /* UUIDv7, time-ordered: the list order */
	lexc_str did;
	lexc_str url;
	uint32_t events; /* WH_EVENT_* bits */
	wh_status status;
	lexc_str prefix, suffix, name, description;
	bool has_rewrite; /* an empty list given is kept as given */
	size_t n_rewrite;
	wh_rewrite *rewrite;
	bool has_mute_words;
	size_t n_mute_words;
	lexc_str *mute_words;
	int64_t created_at, updated_at, last_triggered; /* ms; 0: never */
	int64_t error_count;
	lexc_str secret_name; /* the named secret it signs with; null: its own */
	wh_format format;
	/* A record webhook (place.wisp.v2.wh): the record's at-uri, and
	 * whether the record names a secret, so deliveries also carry
	 * wisp.place's X-Webhook-Signature. Null and false for the others. */
	lexc_str record_uri;
	bool wisp_sign;
} wh_webhook;

/* A sealed secret value (crypto.h): nonce, ciphertext and tag. */
typedef struct wh_sealed {
	const unsigned char *data;
	size_t len;
} wh_sealed;

/* A signing secret's metadata; `sealed` only where an operation says. */
typedef struct wh_secret {
	lexc_str id;        /* UUIDv7 */
	int64_t created_at; /* ms */
	int64_t expires_at; /* ms; 0: the current secret */
	wh_sealed sealed;
} wh_secret;

/* A named secret (place.wisp.v2.secret). */
typedef struct wh_named_secret {
	lexc_str name;
	int64_t created_at;
	int64_t last_rotated_at; /* 0: never rotated */
} wh_named_secret;

typedef struct wh_api_key {
	lexc_str id;
	lexc_str did;
	bool operator_key;
	int64_t created_at;
	int64_t revoked_at;     /* 0: valid */
	unsigned char hash[32]; /* SHA-256 of the key (key_lookup fills it) */
} wh_api_key;

/* A new secret for an operation to store: its id, sealed value, time. */
typedef struct wh_new_secret {
	lexc_str id;
	wh_sealed sealed;
	int64_t now;
} wh_new_secret;

/* Which fields of an update are given (updateWebhook changes only those). */
typedef struct wh_webhook_patch {
	bool has_url, has_events, has_active, has_prefix, has_suffix, has_name, has_description,
	        has_rewrite, has_mute_words;
	wh_webhook value; /* the given fields; status from has_active */
	int64_t now;
} wh_webhook_patch;

/* A page of listWebhooks: after_id (null: from the start) is exclusive;
 * at most `limit` webhooks; *more says whether another page exists. */
typedef struct wh_list_query {
	lexc_str after_id;
	size_t limit;
	bool has_active; /* filter: active (status active) or not */
	bool active;
	uint32_t event; /* filter: one WH_EVENT_* bit; 0: none */
} wh_list_query;

/* An event to publish (publishEvent). */
typedef struct wh_event_in {
	lexc_str did;  /* the subject: whose webhooks fire */
	lexc_str id;   /* the eventId: the publisher's, or a fresh UUIDv7 */
	uint32_t type; /* one WH_EVENT_* bit */
	lexc_str body; /* the event as dev.lexc.webhookd.defs#event JSON */
	/* Ping: this webhook of `did` only, whatever its events (must not be
	 * archived). Null: every active webhook whose events include type. */
	lexc_str only_webhook;
} wh_event_in;

typedef struct wh_publish_out {
	int64_t webhooks;    /* deliveries it fans out to (of the first publish) */
	bool duplicate;      /* the id was published within the dedup window */
	lexc_str message_id; /* only_webhook: the delivery's webhook-id */
} wh_publish_out;

/* A claimed delivery: what an attempt needs besides the webhook. */
typedef struct wh_job {
	int64_t delivery;    /* the delivery's row */
	lexc_str message_id; /* the webhook-id header */
	lexc_str event_id;
	uint32_t type; /* WH_EVENT_* bit */
	lexc_str body; /* dev.lexc.webhookd.defs#event JSON */
	lexc_str webhook_id, did;
	int64_t tries; /* attempts made in this series */
} wh_job;

/* What an attempt came to (dev.lexc.webhookd.defs#attempt's outcome). */
typedef enum wh_outcome {
	WH_OUTCOME_SUCCESS = 0,
	WH_OUTCOME_RETRY,     /* failed; next_at says when the next try is */
	WH_OUTCOME_FAILED,    /* failed, and it was the last try */
	WH_OUTCOME_DISABLED,  /* failed, and the webhook is disabled (410, window) */
	WH_OUTCOME_MUTED,     /* a mute word matched: nothing sent */
	WH_OUTCOME_CANCELLED, /* the webhook is not active: nothing sent */
} wh_outcome;
const char *wh_outcome_name(wh_outcome o); /* "success", "retry", ... */

/* One attempt to record. Strings and the body are borrowed for the call. */
typedef struct wh_attempt {
	int64_t delivery;
	lexc_str webhook_id;
	int64_t started_at; /* ms */
	int64_t duration_ms;
	int status;           /* HTTP status; 0: no response */
	lexc_str error_class; /* "dns", "connect", ...; null on success */
	lexc_str error;
	lexc_str headers; /* the response's header lines */
	const void *body;
	size_t body_len;
	bool truncated;     /* the body was longer than what is kept */
	wh_outcome outcome; /* the store may turn a failure into DISABLED */
	int64_t next_at;    /* WH_OUTCOME_RETRY: ms */
} wh_attempt;

/* An attempt as the log keeps it. */
typedef struct wh_attempt_row {
	int64_t seq; /* its position in the log: the cursor */
	lexc_str webhook_id, event_id, message_id;
	int64_t number; /* in its delivery's series, from 1 */
	int64_t created_at, duration_ms, next_at;
	wh_outcome outcome;
	int status;
	lexc_str error_class, error, headers;
	lexc_str body;
	bool truncated;
} wh_attempt_row;

/* A place.wisp.v2.wh record as the store keeps it: a webhook of the
 * record's repo, made, changed and removed only by the event stream. */
typedef struct wh_record_hook {
	lexc_str uri;        /* at://DID/place.wisp.v2.wh/RKEY: which record */
	lexc_str did;        /* the record's repo: whose webhook it is */
	lexc_str webhook_id; /* its webhook (put: the id a new one takes) */
	lexc_str url;        /* where it posts */
	lexc_str scope;      /* scope.aturi, as the record gives it */
	bool backlinks;
	uint32_t events; /* WH_EVENT_REC_* bits */
	bool enabled;
	lexc_str secret_name; /* secretId; null: the webhook's own secret */
	bool wisp_sign;       /* the record gives secretId or secret */
} wh_record_hook;

/* One step of a stream batch (stream_commit). */
typedef enum wh_stream_kind {
	WH_STREAM_PUT,    /* a wh record was created or updated */
	WH_STREAM_REMOVE, /* a wh record was deleted (hook.uri, hook.did) */
	WH_STREAM_EVENT,  /* a record event matched webhooks of one DID */
} wh_stream_kind;

typedef struct wh_stream_op {
	wh_stream_kind kind;
	wh_record_hook hook;
	/* PUT: the webhook's own secret: the record's `secret` sealed, or a
	 * fresh one. It replaces the own secrets of an existing webhook when
	 * replace_secret; a new webhook always takes it. */
	wh_new_secret secret;
	bool replace_secret;
	/* EVENT: the event (did: the webhooks' owner, id: derived from the
	 * commit so a replay is a duplicate) and that owner's webhooks (ids)
	 * it goes to; those no longer active are left out. */
	wh_event_in event;
	const lexc_str *webhooks;
	size_t n_webhooks;
} wh_stream_op;

typedef struct wh_stream_result {
	/* PUT: WH_TOO_MANY (the DID's limit) or WH_SECRET_NOT_FOUND (no
	 * named secret secretId): not registered, nothing written for it.
	 * REMOVE: WH_NOT_FOUND when there was none. */
	wh_result r;
	lexc_str webhook_id; /* PUT: the webhook (existing or new) */
	bool created;        /* PUT: it is new */
	int64_t deliveries;  /* EVENT: deliveries made */
	bool duplicate;      /* EVENT: published before, within the dedup window */
} wh_stream_result;

typedef struct wh_store wh_store;

/* The operations, one per thing a handler needs. `err` gets the message of
 * WH_FAILED (never a secret). */
typedef struct wh_store_ops {
	void (*close)(wh_store *s);
	/* A number that changes whenever a webhook or a secret changes (any
	 * write but the outbox's own bookkeeping), so that delivery may cache
	 * signing keys and know when to fetch them again. This process's
	 * writes only: a store shared by several processes must return a
	 * value that also moves for the others' (or a fresh one each call). */
	uint64_t (*generation)(wh_store *s);

	/* API keys. hash: SHA-256 of the key. */
	wh_result (*key_create)(wh_store *s, const wh_api_key *key, const unsigned char hash[32],
	                        lexc_error *err);
	/* The valid key with this hash, into *out (arena). */
	wh_result (*key_lookup)(wh_store *s, const unsigned char hash[32], lexc_arena *a,
	                        wh_api_key *out, lexc_error *err);
	wh_result (*key_list)(wh_store *s, lexc_arena *a, wh_api_key **out, size_t *n,
	                      lexc_error *err);
	/* Revokes (keeps the row, marks revoked_at); WH_NOT_FOUND if no such
	 * valid key. */
	wh_result (*key_revoke)(wh_store *s, lexc_str id, int64_t now, lexc_error *err);

	/* Named secrets. */
	wh_result (*secret_create)(wh_store *s, lexc_str did, lexc_str name,
	                           const wh_new_secret *secret, lexc_error *err);
	/* Makes `secret` current; the previous current one expires after
	 * grace_ms (0: at once), its expiry into *retired_until (0 if at once).
	 * Secrets already expired are deleted. */
	wh_result (*secret_rotate)(wh_store *s, lexc_str did, lexc_str name,
	                           const wh_new_secret *secret, int64_t grace_ms,
	                           int64_t *retired_until, lexc_error *err);
	wh_result (*secret_list)(wh_store *s, lexc_str did, lexc_arena *a, wh_named_secret **out,
	                         size_t *n, lexc_error *err);
	/* WH_SECRET_IN_USE while webhooks are bound to it. */
	wh_result (*secret_delete)(wh_store *s, lexc_str did, lexc_str name, lexc_error *err);

	/* Webhooks. create: w->id, did, created_at set by the caller; the
	 * webhook's own first secret is `secret`. */
	wh_result (*webhook_create)(wh_store *s, const wh_webhook *w, const wh_new_secret *secret,
	                            size_t max_per_did, lexc_error *err);
	wh_result (*webhook_get)(wh_store *s, lexc_str did, lexc_str id, lexc_arena *a,
	                         wh_webhook *out, lexc_error *err);
	wh_result (*webhook_list)(wh_store *s, lexc_str did, const wh_list_query *q, lexc_arena *a,
	                          wh_webhook **out, size_t *n, bool *more, lexc_error *err);
	/* Applies the given fields, into *out the result. WH_ARCHIVED for an
	 * archived webhook, WH_DUPLICATE for a URL another of its webhooks has. */
	wh_result (*webhook_update)(wh_store *s, lexc_str did, lexc_str id,
	                            const wh_webhook_patch *patch, lexc_arena *a, wh_webhook *out,
	                            lexc_error *err);
	/* Deletes the webhook and its own secrets. */
	wh_result (*webhook_delete)(wh_store *s, lexc_str did, lexc_str id, lexc_error *err);
	/* archived is final: WH_ARCHIVED when it is archived already. */
	wh_result (*webhook_set_status)(wh_store *s, lexc_str did, lexc_str id, wh_status status,
	                                int64_t now, lexc_error *err);
	/* name null: back to its own secret (a webhook keeps its own secrets
	 * while bound). WH_SECRET_NOT_FOUND, WH_ARCHIVED. */
	wh_result (*webhook_bind)(wh_store *s, lexc_str did, lexc_str id, lexc_str name,
	                          int64_t now, lexc_error *err);
	/* Rotates the webhook's own secret as secret_rotate does; the retired
	 * secret's id into *retired_id (null if there was none). WH_ARCHIVED,
	 * WH_SECRET_IS_NAMED, WH_TOO_MANY_RETIRED. */
	wh_result (*webhook_rotate)(wh_store *s, lexc_str did, lexc_str id,
	                            const wh_new_secret *secret, int64_t grace_ms, lexc_arena *a,
	                            lexc_str *retired_id, int64_t *retired_until, lexc_error *err);
	/* The secrets that sign the webhook at `now`: its own or its named
	 * secret's, current first, then retired ones not yet expired (newest
	 * first). with_values: also their sealed values (for signing and
	 * getWebhookSecret). *named: whether they are a named secret's. */
	wh_result (*webhook_secrets)(wh_store *s, lexc_str did, lexc_str id, int64_t now,
	                             bool with_values, lexc_arena *a, wh_secret **out, size_t *n,
	                             bool *named, lexc_error *err);
	wh_result (*webhook_set_format)(wh_store *s, lexc_str did, lexc_str id, wh_format format,
	                                int64_t now, lexc_error *err);

	/* The outbox (doc/webhookd.md, "Delivery"). */

	/* Publishes n events in one transaction: all or none. An event whose
	 * (did, id) was published less than dedup_ms ago is not stored again
	 * (out->duplicate); an older one gives the id up. out[i] for ev[i].
	 * WH_NOT_FOUND, WH_ARCHIVED: only_webhook is missing or archived. */
	wh_result (*events_publish)(wh_store *s, const wh_event_in *ev, size_t n, int64_t now,
	                            int64_t dedup_ms, lexc_arena *a, wh_publish_out *out,
	                            lexc_error *err);
	/* At start. A store of one process (SQLite) unclaims every claimed
	 * delivery and makes it due at once: what was in flight when the
	 * process died is tried again. A shared store (PostgreSQL) cannot tell
	 * a dead process's claims from a live one's: it counts the claims
	 * whose leases have not lapsed yet into *leased (they return to the
	 * queue when they lapse) and the lapsed ones it cleared into
	 * *recovered. */
	wh_result (*outbox_recover)(wh_store *s, int64_t now, int64_t *recovered, int64_t *leased,
	                            lexc_error *err);
	/* Claims up to `max` due pending deliveries: they stay this process's
	 * until outbox_complete records them (in a shared store: or until the
	 * claim's lease lapses, see outbox_renew). Which ones is the store's
	 * policy: SQLite takes the earliest due; PostgreSQL goes round the
	 * webhooks that have due deliveries, at most `per_webhook` of each
	 * (doc/webhookd.md, "Scaling out"). Deliveries of the n_skip webhooks
	 * in `skip` (ids; this process holds enough of theirs) are not taken. */
	wh_result (*outbox_claim)(wh_store *s, int64_t now, size_t max, size_t per_webhook,
	                          const lexc_str *skip, size_t n_skip, lexc_arena *a, wh_job **out,
	                          size_t *n, lexc_error *err);
	/* When the next unclaimed pending delivery is due (ms); 0: none. */
	wh_result (*outbox_next_due)(wh_store *s, int64_t *at, lexc_error *err);
	/* Pending deliveries (claimed or not). */
	wh_result (*outbox_depth)(wh_store *s, int64_t *pending, lexc_error *err);
	/* Records n attempts in one transaction: the attempt log, each
	 * delivery's state, each webhook's errorCount, lastTriggered and
	 * failure run. A failure of a webhook that has only failed for
	 * disable_after_ms or more (0: never) becomes WH_OUTCOME_DISABLED;
	 * WH_OUTCOME_DISABLED suspends the webhook. Deliveries deleted in the
	 * meantime (their webhook was) are skipped. */
	wh_result (*outbox_complete)(wh_store *s, wh_attempt *at, size_t n, int64_t now,
	                             int64_t disable_after_ms, lexc_error *err);
	/* Shared stores only (NULL otherwise): extends the lease of every
	 * claim this process holds; *next is when to call it again. */
	wh_result (*outbox_renew)(wh_store *s, int64_t now, int64_t *next, lexc_error *err);
	/* Shared stores only (NULL otherwise): gives up this process's claims
	 * at once (a clean stop), so that others need not wait for leases. */
	wh_result (*outbox_release)(wh_store *s, lexc_error *err);
	/* Shared stores only (NULL otherwise): `wake` is called (from a thread
	 * of the store's) when another process may have made deliveries due. */
	void (*outbox_on_wake)(wh_store *s, void (*wake)(void *user), void *user);
	/* The attempts of `did`'s webhook `webhook_id` or event `event_id`
	 * (one of them non-null; both: that pair), newest first, before log
	 * position `before` (0: from the newest), at most `limit`. */
	wh_result (*attempt_list)(wh_store *s, lexc_str did, lexc_str webhook_id, lexc_str event_id,
	                          int64_t before, size_t limit, lexc_arena *a, wh_attempt_row **out,
	                          size_t *n, bool *more, lexc_error *err);
	/* Starts a new series of the delivery of event_id to webhook_id, due
	 * now, with its webhook-id (into *message_id). One in flight is left to
	 * finish. WH_NOT_FOUND: no such delivery of did; WH_ARCHIVED. */
	wh_result (*redeliver)(wh_store *s, lexc_str did, lexc_str event_id, lexc_str webhook_id,
	                       int64_t now, lexc_arena *a, lexc_str *message_id, lexc_error *err);

	/* The event stream (doc/webhookd.md, "Record webhooks"). */

	/* Applies ops in order and stores `cursor` (the stream's time_us of
	 * the last event read), all in one transaction, so the cursor never
	 * runs ahead of what its events produced. A step that cannot apply
	 * says so in out[i].r and writes nothing; only WH_FAILED (the
	 * database) rolls the whole batch back. */
	wh_result (*stream_commit)(wh_store *s, const wh_stream_op *ops, size_t n, int64_t cursor,
	                           int64_t now, int64_t dedup_ms, size_t max_per_did, lexc_arena *a,
	                           wh_stream_result *out, lexc_error *err);
	/* The cursor the last stream_commit stored; 0: none yet. */
	wh_result (*stream_cursor)(wh_store *s, int64_t *cursor, lexc_error *err);
	/* Calls fn for every record webhook (the index is built from them at
	 * start); fn returns false to stop (then WH_FAILED, its err). */
	wh_result (*record_hooks_each)(wh_store *s,
	                               bool (*fn)(void *user, const wh_record_hook *h,
	                                          lexc_error *err),
	                               void *user, lexc_error *err);
	/* The record webhook of record `uri` of `did` as stored, into *out
	 * (arena); *found false when there is none. */
	wh_result (*record_hook_get)(wh_store *s, lexc_str did, lexc_str uri, lexc_arena *a,
	                             wh_record_hook *out, bool *found, lexc_error *err);
	/* Whether this process is the one that reads the stream: a store of
	 * one process (SQLite) always is; processes sharing PostgreSQL take
	 * turns by a session lock that a process keeps until it exits. */
	wh_result (*stream_lead)(wh_store *s, bool *leader, lexc_error *err);
} wh_store_ops;

struct wh_store {
	const wh_store_ops *ops;
};

/* How durable a commit is (doc/webhookd.md, "Durability"). */
typedef enum wh_sync {
	WH_SYNC_NORMAL =
	        0,    /* survives a crash of the process; power loss may lose the last commits */
	WH_SYNC_FULL, /* also survives power loss: an fsync per commit */
} wh_sync;

/* For store implementations: ids as an array literal, each in double
 * quotes, between `open` and `close` ('[' ']' for SQLite's json_each, '{'
 * '}' for PostgreSQL's text[]); ids are UUIDs, nothing to escape. The null
 * string if out of memory. */
lexc_str wh_id_array(lexc_arena *a, const lexc_str *ids, size_t n, char open, char close);

/* For store implementations: a webhook's rewrite and mute lists as the
 * column values both stores keep (each string as a 4-byte little-endian
 * length and its bytes; NULL: not given, empty: an empty list), in the
 * arena; false if out of memory. */
bool wh_webhook_lists_encode(lexc_arena *a, const wh_webhook *w, const void **rewrite,
                             size_t *rewrite_len, const void **mute, size_t *mute_len);
/* The inverse, into w: false if a value is not such a list (a damaged
 * row) or out of memory. */
bool wh_webhook_lists_decode(lexc_arena *a, wh_webhook *w, bool has_rewrite,
                             const unsigned char *rewrite, size_t rewrite_len, bool has_mute,
                             const unsigned char *mute, size_t mute_len);

/* Opens (creating and migrating) the SQLite store at `path` (mode 0600).
 * NULL with `err` set on failure. */
wh_store *wh_store_sqlite_open(const char *path, wh_sync sync, lexc_error *err);

/* How a PostgreSQL store is opened (options: --store, --pg-pool, --lease). */
typedef struct wh_pg_config {
	const char *conninfo; /* "postgres://..." or "host=... dbname=..." (libpq) */
	size_t pool;          /* connections at most; default 8 */
	int64_t lease_ms;     /* a claim's lease; default 60000 */
	bool listen;          /* LISTEN for wake-ups and changes (serve: true) */
} wh_pg_config;

/* Opens (migrating) a PostgreSQL store. Several processes may share one
 * database: claims are leased, limits are enforced by the database, and
 * changes other processes make reach this one by LISTEN/NOTIFY. NULL with
 * `err` set on failure (the message never holds the password). */
wh_store *wh_store_pg_open(const wh_pg_config *cfg, lexc_error *err);

#endif /* WEBHOOKD_STORE_H */
