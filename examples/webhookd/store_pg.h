/* store_pg.h: what the two halves of the PostgreSQL store share
 * (internal): the statement table, the connection pool and the helpers
 * that run statements and transactions. store_pg.c holds the management
 * half (keys, secrets, webhooks), the schema, the pool and the listener;
 * store_pg_outbox.c the delivery half (events, deliveries, attempts).
 *
 * The statements are those of the SQLite store (store_sqlite.h) in
 * PostgreSQL's dialect: $n parameters, booleans, bytea, IS NOT DISTINCT
 * FROM for the owner-generic ones, FOR UPDATE where a rule spans rows and
 * several processes may race. doc/webhookd.md, "Scaling out", says why
 * each lock is there. */
#ifndef WEBHOOKD_STORE_PG_H
#define WEBHOOKD_STORE_PG_H

#include "store.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>

#define PG_WEBHOOK_COLUMNS                                                                         \
	"id, did, url, events, status, prefix, suffix, name, description, rewrite, mute_words,"    \
	" created_at, updated_at, last_triggered, error_count, secret_name"
/* Owner-generic statements take ($1 webhook_id, $2 secret_name, $3 did). */
#define PG_OWNER                                                                                   \
	"webhook_id IS NOT DISTINCT FROM $1 AND secret_name IS NOT DISTINCT FROM $2 AND did = $3"
#define PG_MANAGEMENT_STATEMENTS(X)                                                                \
	X(KEY_INSERT, "INSERT INTO api_keys (id, did, operator, hash, created_at)"                 \
	              " VALUES ($1, $2, $3, $4, $5)")                                              \
	X(KEY_BY_HASH, "SELECT id, did, operator, created_at, revoked_at, hash FROM api_keys"      \
	               " WHERE hash = $1 AND revoked_at = 0")                                      \
	X(KEY_ALL, "SELECT id, did, operator, created_at, revoked_at, hash FROM api_keys"          \
	           " ORDER BY created_at, id")                                                     \
	X(KEY_REVOKE, "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0")      \
	/* The named secret's row, locked: rotations and deletes of one name                       \
	 * take turns; a bind's foreign key check waits for a delete. */                           \
	X(NAMED_LOCK, "SELECT 1 FROM named_secrets WHERE did = $1 AND name = $2 FOR UPDATE")       \
	X(NAMED_EXISTS, "SELECT 1 FROM named_secrets WHERE did = $1 AND name = $2")                \
	X(NAMED_INSERT, "INSERT INTO named_secrets (did, name, created_at) VALUES ($1, $2, $3)")   \
	X(NAMED_ROTATED, "UPDATE named_secrets SET last_rotated_at = $3"                           \
	                 " WHERE did = $1 AND name = $2")                                          \
	X(NAMED_LIST, "SELECT name, created_at, last_rotated_at FROM named_secrets"                \
	              " WHERE did = $1 ORDER BY name")                                             \
	X(NAMED_IN_USE, "SELECT 1 FROM webhooks WHERE did = $1 AND secret_name = $2 LIMIT 1")      \
	X(NAMED_DELETE_SECRETS, "DELETE FROM secrets WHERE did = $1 AND secret_name = $2")         \
	X(NAMED_DELETE, "DELETE FROM named_secrets WHERE did = $1 AND name = $2")                  \
	X(SECRET_INSERT, "INSERT INTO secrets (id, did, webhook_id, secret_name, sealed,"          \
	                 " created_at) VALUES ($1, $2, $3, $4, $5, $6)")                           \
	X(SECRET_PURGE,                                                                            \
	  "DELETE FROM secrets WHERE " PG_OWNER " AND expires_at <> 0 AND expires_at <= $4")       \
	X(SECRET_RETIRED_COUNT,                                                                    \
	  "SELECT count(*) FROM secrets WHERE " PG_OWNER " AND expires_at > $4")                   \
	X(SECRET_CURRENT, "SELECT id FROM secrets WHERE " PG_OWNER " AND expires_at = 0")          \
	X(SECRET_RETIRE, "UPDATE secrets SET expires_at = $2 WHERE id = $1")                       \
	X(SECRET_DELETE, "DELETE FROM secrets WHERE id = $1")                                      \
	X(SECRETS_VALID, "SELECT id, created_at, expires_at, sealed FROM secrets WHERE " PG_OWNER  \
	                 " AND (expires_at = 0 OR expires_at > $4)"                                \
	                 " ORDER BY expires_at = 0 DESC, created_at DESC, id DESC")                \
	/* The counter row is locked by the upsert: creates of one DID take                        \
	 * turns across processes, and the WHERE sees the latest count. */                         \
	X(WEBHOOK_COUNT_UP, "INSERT INTO webhook_counts AS c (did, webhooks) VALUES ($1, 1)"       \
	                    " ON CONFLICT (did) DO UPDATE SET webhooks = c.webhooks + 1"           \
	                    " WHERE c.webhooks < $2")                                              \
	X(WEBHOOK_COUNT_DOWN, "UPDATE webhook_counts SET webhooks = webhooks - 1 WHERE did = $1")  \
	X(WEBHOOK_URL_TAKEN, "SELECT 1 FROM webhooks WHERE did = $1 AND url = $2 AND id <> $3")    \
	X(WEBHOOK_INSERT, "INSERT INTO webhooks (" PG_WEBHOOK_COLUMNS ") VALUES ($1, $2, $3, $4,"  \
	                  " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)")               \
	X(WEBHOOK_GET,                                                                             \
	  "SELECT " PG_WEBHOOK_COLUMNS ", format, target_url, wisp_sign FROM webhooks"             \
	  " WHERE did = $1 AND id = $2")                                                           \
	/* In write transactions: the row is read, changed and written whole. */                   \
	X(WEBHOOK_GET_LOCKED, "SELECT " PG_WEBHOOK_COLUMNS ", format, target_url, wisp_sign"       \
	                      " FROM webhooks"                                                     \
	                      " WHERE did = $1 AND id = $2 FOR UPDATE")                            \
	X(WEBHOOK_PAGE, "SELECT " PG_WEBHOOK_COLUMNS ", format, target_url, wisp_sign"             \
	                " FROM webhooks WHERE did = $1 AND id > $2 AND target_url IS NULL"         \
	                " AND ($3::boolean IS NULL OR (status = 0) = $3::boolean)"                 \
	                " AND ($4::integer = 0 OR (events & $4::integer) <> 0)"                    \
	                " ORDER BY id LIMIT $5")                                                   \
	X(WEBHOOK_UPDATE, "UPDATE webhooks SET url = $3, events = $4, status = $5, prefix = $6,"   \
	                  " suffix = $7, name = $8, description = $9, rewrite = $10,"              \
	                  " mute_words = $11, updated_at = $12 WHERE did = $2 AND id = $1")        \
	X(WEBHOOK_DELETE_SECRETS, "DELETE FROM secrets WHERE did = $1 AND webhook_id = $2")        \
	X(WEBHOOK_DELETE, "DELETE FROM webhooks WHERE did = $1 AND id = $2"                        \
	                  " AND target_url IS NULL")                                               \
	X(WEBHOOK_SET_STATUS, "UPDATE webhooks SET status = $3, updated_at = $4"                   \
	                      " WHERE did = $1 AND id = $2")                                       \
	X(WEBHOOK_SET_FORMAT, "UPDATE webhooks SET format = $3, updated_at = $4"                   \
	                      " WHERE did = $1 AND id = $2")                                       \
	X(WEBHOOK_BIND, "UPDATE webhooks SET secret_name = $3, updated_at = $4"                    \
	                " WHERE did = $1 AND id = $2")                                             \
	/* Tells the other processes that webhooks or secrets changed (their                       \
	 * generation moves); delivered at commit, once per transaction. */                        \
	X(NOTIFY_CONFIG, "SELECT pg_notify('webhookd_config', '')")

/* The delivery half's statements: store_pg_outbox.c. */
#define PG_OUTBOX_STATEMENTS(X) PG_OUTBOX_STATEMENT_LIST(X)

#define PG_RECORD_COLUMNS                                                                          \
	"id, did, url, target_url, scope, backlinks, events, status, secret_name, wisp_sign"
/* The event stream's (store_pg_stream.c): STREAM_STATEMENTS of
 * store_sqlite.h. */
#define PG_STREAM_STATEMENTS(X)                                                                    \
	X(RECORD_FIND, "SELECT id FROM webhooks WHERE did = $1 AND url = $2"                       \
	               " AND target_url IS NOT NULL FOR UPDATE")                                   \
	X(RECORD_INSERT,                                                                           \
	  "INSERT INTO webhooks (id, did, url, events, status, created_at,"                        \
	  " updated_at, secret_name, format, target_url, scope, backlinks,"                        \
	  " wisp_sign) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 1, $8, $9, $10, $11)")              \
	/* The parameters of RECORD_INSERT, in its order. */                                       \
	X(RECORD_UPDATE, "UPDATE webhooks SET events = $4, status = $5, updated_at = $6,"          \
	                 " secret_name = $7, target_url = $8, scope = $9, backlinks = $10,"        \
	                 " wisp_sign = $11 WHERE id = $1 AND did = $2 AND url = $3")               \
	X(RECORD_ALL, "SELECT " PG_RECORD_COLUMNS " FROM webhooks WHERE target_url IS NOT NULL")   \
	X(RECORD_GET, "SELECT " PG_RECORD_COLUMNS " FROM webhooks WHERE did = $1 AND url = $2"     \
	              " AND target_url IS NOT NULL")                                               \
	X(EVENT_DELETE, "DELETE FROM events WHERE seq = $1")                                       \
	X(RECORD_DELETE, "DELETE FROM webhooks WHERE did = $1 AND id = $2"                         \
	                 " AND target_url IS NOT NULL")                                            \
	X(DELIVERY_RECORD, "INSERT INTO deliveries (message_id, event_seq, webhook_id, next_at,"   \
	                   " updated_at) SELECT " PG_MESSAGE_ID ", $1, id, $2, $2 FROM webhooks"   \
	                   " WHERE did = $3 AND id = $4 AND status = 0")                           \
	X(CURSOR_SET, "INSERT INTO stream_cursor (source, time_us, updated_at)"                    \
	              " VALUES ('jetstream', $1, $2) ON CONFLICT (source) DO UPDATE"               \
	              " SET time_us = excluded.time_us, updated_at = excluded.updated_at")         \
	X(CURSOR_GET, "SELECT time_us FROM stream_cursor WHERE source = 'jetstream'")              \
	/* One reader of the stream among the processes: a session lock. */                        \
	X(STREAM_LEAD, "SELECT pg_try_advisory_lock(hashtext('webhookd jetstream'))")

#define PG_STATEMENTS(X) PG_MANAGEMENT_STATEMENTS(X) PG_OUTBOX_STATEMENTS(X) PG_STREAM_STATEMENTS(X)

#include "store_pg_outbox.h"

enum pg_stmt_id {
#define PG_STMT_ENUM_(id, sql) PG_##id,
	PG_STATEMENTS(PG_STMT_ENUM_)
#undef PG_STMT_ENUM_
	        PG_STMT_COUNT_
};

typedef struct pg_store pg_store;

/* One pooled connection and the statements prepared on it. */
typedef struct pg_conn {
	PGconn *db;
	bool prepared[PG_STMT_COUNT_];
	bool in_tx;
	struct pg_conn *next; /* the pool's idle list */
} pg_conn;

struct pg_store {
	wh_store base;
	char *conninfo;
	size_t pool_max;
	int64_t lease_ms;
	char owner[40]; /* this process's claims: a random id per open */
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	pg_conn *idle;
	size_t open; /* connections open or being opened */
	atomic_uint_fast64_t generation;
	/* The listener thread (store_pg.c): LISTEN webhookd_outbox and
	 * webhookd_config on a connection of its own. */
	bool listen;
	pthread_t listener;
	bool listener_started;
	atomic_bool stopping;
	atomic_bool listening; /* its connection is up: changes reach us */
	int stop_pipe[2];
	pthread_mutex_t wake_lock;
	void (*wake)(void *user);
	void *wake_user;
	/* The claim's round-robin position (store_pg_outbox.c): the last
	 * webhook id it took deliveries of. */
	pthread_mutex_t cursor_lock;
	char cursor[64];
	/* The connection holding the stream's session lock (store_pg_stream.c),
	 * out of the pool while this process reads the stream; NULL: not it. */
	pg_conn *lead;
};

/* Parameters of one statement, in text format but for bytea (binary). */
enum { PG_MAX_PARAMS = 16 };
typedef struct pg_params {
	int n;
	const char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS];
	int formats[PG_MAX_PARAMS];
	char ints[PG_MAX_PARAMS][24];
} pg_params;

void pg_p_init(pg_params *p);
void pg_p_str(pg_params *p, lexc_str s); /* the null string: NULL */
void pg_p_cstr(pg_params *p, const char *s);
void pg_p_int(pg_params *p, int64_t v);
void pg_p_bool(pg_params *p, bool v);
void pg_p_null(pg_params *p);
void pg_p_bytes(pg_params *p, const void *data, size_t len); /* data NULL: NULL */

pg_store *pg_store_of(wh_store *s);

/* A connection of the pool (waits while all pool_max are busy), or NULL
 * with err set. pg_conn_put gives it back; a broken one is closed. */
pg_conn *pg_conn_get(pg_store *s, lexc_error *err);
void pg_conn_put(pg_store *s, pg_conn *c);

/* Runs statement id (prepared on first use on this connection). The
 * result (the caller PQclear()s it) for rows or a command; NULL with err
 * set if it failed, and then *sqlstate (if not NULL) gets the error's
 * SQLSTATE ("23505"; "" when there is none). */
PGresult *pg_exec(pg_conn *c, enum pg_stmt_id id, const pg_params *p, char sqlstate[6],
                  lexc_error *err);
/* A statement that writes: WH_OK (and the rows it changed into *changes
 * if not NULL), `on_constraint` for an integrity violation (SQLSTATE
 * class 23) when that is not WH_FAILED, or WH_FAILED. */
wh_result pg_run(pg_conn *c, enum pg_stmt_id id, const pg_params *p, wh_result on_constraint,
                 int64_t *changes, lexc_error *err);

/* Columns of row r. A NULL is the null string, 0, false. */
lexc_str pg_col_str(PGresult *res, int r, int col, lexc_arena *a);
int64_t pg_col_int(PGresult *res, int r, int col);
bool pg_col_bool(PGresult *res, int r, int col);
bool pg_col_null(PGresult *res, int r, int col);
/* A bytea column (text format: "\x" and hex) into the arena; false if it
 * is not that or the arena failed. NULL gives data NULL and len 0. */
bool pg_col_bytes(PGresult *res, int r, int col, lexc_arena *a, const unsigned char **data,
                  size_t *len);

/* A transaction on a pooled connection. pg_tx_end commits if r is WH_OK,
 * else rolls back, gives the connection back and returns the result of
 * the whole. changes_config: webhooks or secrets changed (the generation
 * moves here, and in the other processes through NOTIFY). */
wh_result pg_tx_begin(pg_store *s, pg_conn **out, lexc_error *err);
/* The same without waiting for the WAL flush at commit: for the outbox's
 * bookkeeping (claims, leases, attempt results), where a transaction lost
 * in a PostgreSQL crash only means a delivery is sent again, which
 * at-least-once allows. Never for accepting events or configuration. */
wh_result pg_tx_begin_relaxed(pg_store *s, pg_conn **out, lexc_error *err);
wh_result pg_tx_end(pg_store *s, pg_conn *c, wh_result r, bool changes_config, lexc_error *err);

/* The failure of a statement or of the connection as a WH_FAILED. */
wh_result pg_failed(lexc_error *err, const char *what, PGconn *db);

/* The delivery half (store_pg_outbox.c): wh_store_ops members. */
wh_result pg_events_publish(wh_store *s, const wh_event_in *ev, size_t n, int64_t now,
                            int64_t dedup_ms, lexc_arena *a, wh_publish_out *out, lexc_error *err);
wh_result pg_outbox_recover(wh_store *s, int64_t now, int64_t *recovered, int64_t *leased,
                            lexc_error *err);
wh_result pg_outbox_claim(wh_store *s, int64_t now, size_t max, size_t per_webhook,
                          const lexc_str *skip, size_t n_skip, lexc_arena *a, wh_job **out,
                          size_t *n, lexc_error *err);
wh_result pg_outbox_next_due(wh_store *s, int64_t *at, lexc_error *err);
wh_result pg_outbox_depth(wh_store *s, int64_t *pending, lexc_error *err);
wh_result pg_outbox_complete(wh_store *s, wh_attempt *at, size_t n, int64_t now,
                             int64_t disable_after_ms, lexc_error *err);
wh_result pg_outbox_renew(wh_store *s, int64_t now, int64_t *next, lexc_error *err);
wh_result pg_outbox_release(wh_store *s, lexc_error *err);
wh_result pg_attempt_list(wh_store *s, lexc_str did, lexc_str webhook_id, lexc_str event_id,
                          int64_t before, size_t limit, lexc_arena *a, wh_attempt_row **out,
                          size_t *n, bool *more, lexc_error *err);
wh_result pg_redeliver(wh_store *s, lexc_str did, lexc_str event_id, lexc_str webhook_id,
                       int64_t now, lexc_arena *a, lexc_str *message_id, lexc_error *err);
/* Stores the event unless (did, id) is taken within dedup_ms (then
 * out->duplicate, *seq 0), racing processes included; its row in *seq. */
wh_result pg_event_insert(pg_conn *c, const wh_event_in *e, int64_t now, int64_t dedup_ms,
                          int64_t *seq, wh_publish_out *out, lexc_error *err);

/* The stream half (store_pg_stream.c). */
wh_result pg_stream_commit(wh_store *s, const wh_stream_op *ops, size_t n, int64_t cursor,
                           int64_t now, int64_t dedup_ms, size_t max_per_did, lexc_arena *a,
                           wh_stream_result *out, lexc_error *err);
wh_result pg_stream_cursor(wh_store *s, int64_t *cursor, lexc_error *err);
wh_result pg_record_hooks_each(wh_store *s,
                               bool (*fn)(void *user, const wh_record_hook *h, lexc_error *err),
                               void *user, lexc_error *err);
wh_result pg_stream_lead(wh_store *s, bool *leader, lexc_error *err);
wh_result pg_record_hook_get(wh_store *s, lexc_str did, lexc_str uri, lexc_arena *a,
                             wh_record_hook *out, bool *found, lexc_error *err);

#endif /* WEBHOOKD_STORE_PG_H */
