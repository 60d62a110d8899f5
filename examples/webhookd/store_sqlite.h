/* store_sqlite.h: what the two halves of the SQLite store share (internal):
 * the statement table, the per-thread connection and the helpers that
 * step statements and run transactions. store_sqlite.c holds the
 * management half (keys, secrets, webhooks) and the schema;
 * store_sqlite_outbox.c the delivery half (events, deliveries, attempts). */
#ifndef WEBHOOKD_STORE_SQLITE_H
#define WEBHOOKD_STORE_SQLITE_H

#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

/* The statements, by name: the name is what WEBHOOKD_TEST_FAIL names and
 * what an error message says. Owner-generic statements take (webhook_id,
 * secret_name, did) and compare with IS, so one statement serves both
 * kinds of owner (the other column is NULL). */
#define WEBHOOK_COLUMNS                                                                            \
	"id, did, url, events, status, prefix, suffix, name, description, rewrite, mute_words,"    \
	" created_at, updated_at, last_triggered, error_count, secret_name"
#define MANAGEMENT_STATEMENTS(X)                                                                   \
	X(BEGIN_WRITE, "BEGIN IMMEDIATE")                                                          \
	X(BEGIN_READ, "BEGIN")                                                                     \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(KEY_INSERT, "INSERT INTO api_keys (id, did, operator, hash, created_at)"                 \
	              " VALUES (?1, ?2, ?3, ?4, ?5)")                                              \
	X(KEY_BY_HASH, "SELECT id, did, operator, created_at, revoked_at, hash FROM api_keys"      \
	               " WHERE hash = ?1 AND revoked_at = 0")                                      \
	X(KEY_ALL, "SELECT id, did, operator, created_at, revoked_at, hash FROM api_keys"          \
	           " ORDER BY created_at, id")                                                     \
	X(KEY_REVOKE, "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0")      \
	X(NAMED_EXISTS, "SELECT 1 FROM named_secrets WHERE did = ?1 AND name = ?2")                \
	X(NAMED_INSERT, "INSERT INTO named_secrets (did, name, created_at) VALUES (?1, ?2, ?3)")   \
	X(NAMED_ROTATED, "UPDATE named_secrets SET last_rotated_at = ?3"                           \
	                 " WHERE did = ?1 AND name = ?2")                                          \
	X(NAMED_LIST, "SELECT name, created_at, last_rotated_at FROM named_secrets"                \
	              " WHERE did = ?1 ORDER BY name")                                             \
	X(NAMED_IN_USE, "SELECT 1 FROM webhooks WHERE did = ?1 AND secret_name = ?2 LIMIT 1")      \
	X(NAMED_DELETE_SECRETS, "DELETE FROM secrets WHERE did = ?1 AND secret_name = ?2")         \
	X(NAMED_DELETE, "DELETE FROM named_secrets WHERE did = ?1 AND name = ?2")                  \
	X(SECRET_INSERT, "INSERT INTO secrets (id, did, webhook_id, secret_name, sealed,"          \
	                 " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                           \
	X(SECRET_PURGE, "DELETE FROM secrets WHERE webhook_id IS ?1 AND secret_name IS ?2"         \
	                " AND did = ?3 AND expires_at <> 0 AND expires_at <= ?4")                  \
	X(SECRET_RETIRED_COUNT, "SELECT count(*) FROM secrets WHERE webhook_id IS ?1"              \
	                        " AND secret_name IS ?2 AND did = ?3 AND expires_at > ?4")         \
	X(SECRET_CURRENT, "SELECT id FROM secrets WHERE webhook_id IS ?1 AND secret_name IS ?2"    \
	                  " AND did = ?3 AND expires_at = 0")                                      \
	X(SECRET_RETIRE, "UPDATE secrets SET expires_at = ?2 WHERE id = ?1")                       \
	X(SECRET_DELETE, "DELETE FROM secrets WHERE id = ?1")                                      \
	X(SECRETS_VALID, "SELECT id, created_at, expires_at, sealed FROM secrets"                  \
	                 " WHERE webhook_id IS ?1 AND secret_name IS ?2 AND did = ?3"              \
	                 " AND (expires_at = 0 OR expires_at > ?4)"                                \
	                 " ORDER BY expires_at = 0 DESC, created_at DESC, id DESC")                \
	X(WEBHOOK_COUNT_UP, "INSERT INTO webhook_counts (did, webhooks) VALUES (?1, 1)"            \
	                    " ON CONFLICT (did) DO UPDATE SET webhooks = webhooks + 1"             \
	                    " WHERE webhooks < ?2")                                                \
	X(WEBHOOK_COUNT_DOWN, "UPDATE webhook_counts SET webhooks = webhooks - 1 WHERE did = ?1")  \
	X(WEBHOOK_URL_TAKEN, "SELECT 1 FROM webhooks WHERE did = ?1 AND url = ?2 AND id <> ?3")    \
	X(WEBHOOK_INSERT, "INSERT INTO webhooks (" WEBHOOK_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"     \
	                  " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")               \
	X(WEBHOOK_GET, "SELECT " WEBHOOK_COLUMNS ", format, target_url, wisp_sign FROM webhooks"   \
	               " WHERE did = ?1 AND id = ?2")                                              \
	X(WEBHOOK_PAGE, "SELECT " WEBHOOK_COLUMNS ", format, target_url, wisp_sign FROM webhooks"  \
	                " WHERE did = ?1 AND id > ?2 AND target_url IS NULL"                       \
	                " AND (?3 IS NULL OR (status = 0) = ?3)"                                   \
	                " AND (?4 = 0 OR (events & ?4) <> 0) ORDER BY id LIMIT ?5")                \
	X(WEBHOOK_UPDATE, "UPDATE webhooks SET url = ?3, events = ?4, status = ?5, prefix = ?6,"   \
	                  " suffix = ?7, name = ?8, description = ?9, rewrite = ?10,"              \
	                  " mute_words = ?11, updated_at = ?13 WHERE did = ?2 AND id = ?1")        \
	X(WEBHOOK_DELETE_SECRETS, "DELETE FROM secrets WHERE did = ?1 AND webhook_id = ?2")        \
	X(WEBHOOK_DELETE, "DELETE FROM webhooks WHERE did = ?1 AND id = ?2"                        \
	                  " AND target_url IS NULL")                                               \
	X(WEBHOOK_SET_STATUS, "UPDATE webhooks SET status = ?3, updated_at = ?4"                   \
	                      " WHERE did = ?1 AND id = ?2")                                       \
	X(WEBHOOK_SET_FORMAT, "UPDATE webhooks SET format = ?3, updated_at = ?4"                   \
	                      " WHERE did = ?1 AND id = ?2")                                       \
	X(WEBHOOK_BIND, "UPDATE webhooks SET secret_name = ?3, updated_at = ?4"                    \
	                " WHERE did = ?1 AND id = ?2")

#define OUTBOX_STATEMENTS(X)                                                                       \
	X(EVENT_BY_ID, "SELECT seq, created_at, (SELECT count(*) FROM deliveries"                  \
	               " WHERE event_seq = events.seq) FROM events"                                \
	               " WHERE did = ?1 AND event_id = ?2 AND dedup = 1")                          \
	X(EVENT_RELEASE_ID, "UPDATE events SET dedup = 0 WHERE seq = ?1")                          \
	X(EVENT_INSERT, "INSERT INTO events (did, event_id, type, body, created_at)"               \
	                " VALUES (?1, ?2, ?3, ?4, ?5)")                                            \
	X(DELIVERY_FANOUT, "INSERT INTO deliveries (message_id, event_seq, webhook_id, next_at,"   \
	                   " updated_at) SELECT 'msg_' || lower(hex(randomblob(16))), ?1, id,"     \
	                   " ?2, ?2 FROM webhooks WHERE did = ?3 AND status = 0"                   \
	                   " AND (events & ?4) <> 0")                                              \
	X(DELIVERY_ONE, "INSERT INTO deliveries (message_id, event_seq, webhook_id, next_at,"      \
	                " updated_at) SELECT 'msg_' || lower(hex(randomblob(16))), ?1, id, ?2,"    \
	                " ?2 FROM webhooks WHERE did = ?3 AND id = ?4 RETURNING message_id")       \
	X(WEBHOOK_STATUS, "SELECT status FROM webhooks WHERE did = ?1 AND id = ?2")                \
	X(OUTBOX_RECOVER, "UPDATE deliveries SET claimed = 0, next_at = min(next_at, ?1)"          \
	                  " WHERE claimed = 1")                                                    \
	X(OUTBOX_CLAIM, "UPDATE deliveries SET claimed = 1 WHERE seq IN (SELECT seq"               \
	                " FROM deliveries WHERE state = 0 AND claimed = 0 AND next_at <= ?1"       \
	                " AND webhook_id NOT IN (SELECT value FROM json_each(?3))"                 \
	                " ORDER BY next_at LIMIT ?2)"                                              \
	                " RETURNING seq, message_id, event_seq, webhook_id, tries")                \
	X(JOB_EVENT, "SELECT event_id, type, body, did FROM events WHERE seq = ?1")                \
	X(OUTBOX_NEXT_DUE, "SELECT min(next_at) FROM deliveries WHERE state = 0 AND claimed = 0")  \
	X(OUTBOX_DEPTH, "SELECT count(*) FROM deliveries WHERE state = 0 AND claimed = 0")         \
	X(DELIVERY_DONE, "UPDATE deliveries SET state = ?2, claimed = 0, tries = tries + 1,"       \
	                 " next_at = ?3, updated_at = ?4 WHERE seq = ?1 RETURNING tries")          \
	X(ATTEMPT_INSERT, "INSERT INTO attempts (delivery_seq, webhook_id, event_seq, number,"     \
	                  " created_at, duration_ms, outcome, status, error_class, error,"         \
	                  " headers, body, truncated, next_at) SELECT seq, webhook_id, event_seq," \
	                  " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12"                         \
	                  " FROM deliveries WHERE seq = ?1")                                       \
	X(WEBHOOK_FAILING, "SELECT failing_since FROM webhooks WHERE id = ?1")                     \
	X(WEBHOOK_SUCCEEDED, "UPDATE webhooks SET error_count = 0, last_triggered = ?2,"           \
	                     " failing_since = 0 WHERE id = ?1")                                   \
	X(WEBHOOK_FAILED, "UPDATE webhooks SET error_count = error_count + 1, failing_since ="     \
	                  " CASE failing_since WHEN 0 THEN ?2 ELSE failing_since END"              \
	                  " WHERE id = ?1")                                                        \
	X(WEBHOOK_DISABLE, "UPDATE webhooks SET status = 1, updated_at = ?2"                       \
	                   " WHERE id = ?1 AND status = 0")                                        \
	X(REDELIVER_FIND, "SELECT d.seq, d.message_id, d.claimed, w.status FROM deliveries d"      \
	                  " JOIN events e ON e.seq = d.event_seq"                                  \
	                  " JOIN webhooks w ON w.id = d.webhook_id"                                \
	                  " WHERE e.did = ?1 AND e.event_id = ?2 AND d.webhook_id = ?3"            \
	                  " AND w.did = ?1 ORDER BY e.seq DESC LIMIT 1")                           \
	X(REDELIVER, "UPDATE deliveries SET state = 0, tries = 0, next_at = ?2, updated_at = ?2"   \
	             " WHERE seq = ?1 AND claimed = 0")                                            \
	X(ATTEMPTS_BY_WEBHOOK, "SELECT " ATTEMPT_COLUMNS " WHERE a.webhook_id = ?2"                \
	                       " AND e.did = ?1 AND a.seq < ?4 ORDER BY a.seq DESC LIMIT ?5")      \
	X(ATTEMPTS_BY_EVENT, "SELECT " ATTEMPT_COLUMNS " WHERE a.event_seq IN (SELECT seq"         \
	                     " FROM events WHERE did = ?1 AND event_id = ?3)"                      \
	                     " AND (?2 IS NULL OR a.webhook_id = ?2) AND a.seq < ?4"               \
	                     " ORDER BY a.seq DESC LIMIT ?5")

#define ATTEMPT_COLUMNS                                                                            \
	"a.seq, a.webhook_id, e.event_id, d.message_id, a.number, a.created_at, a.duration_ms,"    \
	" a.next_at, a.outcome, a.status, a.error_class, a.error, a.headers, a.body, a.truncated"  \
	" FROM attempts a JOIN deliveries d ON d.seq = a.delivery_seq"                             \
	" JOIN events e ON e.seq = a.event_seq"

#define RECORD_COLUMNS                                                                             \
	"id, did, url, target_url, scope, backlinks, events, status, secret_name, wisp_sign"
/* Record webhooks are webhooks whose url column is their record's at-uri
 * (unique per DID like any webhook's URL) and target_url where they post. */
#define STREAM_STATEMENTS(X)                                                                       \
	X(RECORD_FIND, "SELECT id FROM webhooks WHERE did = ?1 AND url = ?2"                       \
	               " AND target_url IS NOT NULL")                                              \
	X(RECORD_INSERT,                                                                           \
	  "INSERT INTO webhooks (id, did, url, events, status, created_at,"                        \
	  " updated_at, secret_name, format, target_url, scope, backlinks,"                        \
	  " wisp_sign) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, 1, ?8, ?9, ?10, ?11)")              \
	X(RECORD_UPDATE, "UPDATE webhooks SET events = ?4, status = ?5, updated_at = ?6,"          \
	                 " secret_name = ?7, target_url = ?8, scope = ?9, backlinks = ?10,"        \
	                 " wisp_sign = ?11 WHERE id = ?1 AND did = ?2 AND url = ?3")               \
	X(RECORD_ALL, "SELECT " RECORD_COLUMNS " FROM webhooks WHERE target_url IS NOT NULL")      \
	X(RECORD_GET, "SELECT " RECORD_COLUMNS " FROM webhooks WHERE did = ?1 AND url = ?2"        \
	              " AND target_url IS NOT NULL")                                               \
	X(EVENT_DELETE, "DELETE FROM events WHERE seq = ?1")                                       \
	X(DELIVERY_RECORD, "INSERT INTO deliveries (message_id, event_seq, webhook_id, next_at,"   \
	                   " updated_at) SELECT 'msg_' || lower(hex(randomblob(16))), ?1, id, ?2," \
	                   " ?2 FROM webhooks WHERE did = ?3 AND id = ?4 AND status = 0")          \
	X(RECORD_DELETE, "DELETE FROM webhooks WHERE did = ?1 AND id = ?2"                         \
	                 " AND target_url IS NOT NULL")                                            \
	X(CURSOR_SET, "INSERT INTO stream_cursor (source, time_us, updated_at)"                    \
	              " VALUES ('jetstream', ?1, ?2) ON CONFLICT (source) DO UPDATE"               \
	              " SET time_us = excluded.time_us, updated_at = excluded.updated_at")         \
	X(CURSOR_GET, "SELECT time_us FROM stream_cursor WHERE source = 'jetstream'")

#define STATEMENTS(X) MANAGEMENT_STATEMENTS(X) OUTBOX_STATEMENTS(X) STREAM_STATEMENTS(X)

enum stmt_id {
#define STMT_ENUM_(id, sql) STMT_##id,
	STATEMENTS(STMT_ENUM_)
#undef STMT_ENUM_
	        STMT_COUNT_
};

typedef struct sqlite_store sqlite_store;

/* One thread's connection. */
typedef struct conn {
	sqlite3 *db;
	sqlite_store *store;
	struct conn *next; /* the store's list of open connections */
	sqlite3_stmt *stmt[STMT_COUNT_];
} conn;

struct sqlite_store {
	wh_store base;
	char *path;
	wh_sync sync;
	pthread_key_t key; /* this thread's conn */
	pthread_mutex_t write_lock;
	pthread_mutex_t list_lock; /* guards conns */
	conn *conns;
	atomic_uint_fast64_t generation; /* moved by every committed write but the outbox's */
};

/* The delivery half (store_sqlite_outbox.c): wh_store_ops members. */
wh_result sq_events_publish(wh_store *s, const wh_event_in *ev, size_t n, int64_t now,
                            int64_t dedup_ms, lexc_arena *a, wh_publish_out *out, lexc_error *err);
wh_result sq_outbox_recover(wh_store *s, int64_t now, int64_t *recovered, int64_t *leased,
                            lexc_error *err);
wh_result sq_outbox_claim(wh_store *s, int64_t now, size_t max, size_t per_webhook,
                          const lexc_str *skip, size_t n_skip, lexc_arena *a, wh_job **out,
                          size_t *n, lexc_error *err);
wh_result sq_outbox_next_due(wh_store *s, int64_t *at, lexc_error *err);
wh_result sq_outbox_depth(wh_store *s, int64_t *pending, lexc_error *err);
wh_result sq_outbox_complete(wh_store *s, wh_attempt *at, size_t n, int64_t now,
                             int64_t disable_after_ms, lexc_error *err);
wh_result sq_attempt_list(wh_store *s, lexc_str did, lexc_str webhook_id, lexc_str event_id,
                          int64_t before, size_t limit, lexc_arena *a, wh_attempt_row **out,
                          size_t *n, bool *more, lexc_error *err);
wh_result sq_redeliver(wh_store *s, lexc_str did, lexc_str event_id, lexc_str webhook_id,
                       int64_t now, lexc_arena *a, lexc_str *message_id, lexc_error *err);

/* The stream half (store_sqlite_stream.c). */
wh_result sq_stream_commit(wh_store *s, const wh_stream_op *ops, size_t n, int64_t cursor,
                           int64_t now, int64_t dedup_ms, size_t max_per_did, lexc_arena *a,
                           wh_stream_result *out, lexc_error *err);
wh_result sq_stream_cursor(wh_store *s, int64_t *cursor, lexc_error *err);
wh_result sq_stream_lead(wh_store *s, bool *leader, lexc_error *err);
wh_result sq_record_hook_get(wh_store *s, lexc_str did, lexc_str uri, lexc_arena *a,
                             wh_record_hook *out, bool *found, lexc_error *err);
wh_result sq_record_hooks_each(wh_store *s,
                               bool (*fn)(void *user, const wh_record_hook *h, lexc_error *err),
                               void *user, lexc_error *err);
/* Stores event e unless (did, id) was published less than dedup_ms ago
 * (then out->duplicate and *seq 0); its row into *seq (outbox). */
wh_result sq_event_insert(conn *c, const wh_event_in *e, int64_t now, int64_t dedup_ms,
                          int64_t *seq, wh_publish_out *out, lexc_error *err);

/* Helpers (store_sqlite.c). */
sqlite_store *sq_store_of(wh_store *s);
wh_result sq_failed(lexc_error *err, const char *what, sqlite3 *db);
/* This thread's connection, opened on first use. */
conn *sq_conn_get(sqlite_store *s, lexc_error *err);
/* Statement `id`, prepared on first use, reset and unbound. */
sqlite3_stmt *sq_stmt(conn *c, enum stmt_id id, lexc_error *err);
/* Binding: a null string binds NULL. */
void sq_bind_str(sqlite3_stmt *st, int i, lexc_str s);
void sq_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n);
/* Steps a statement that writes: WH_OK, `on_constraint`, or WH_FAILED. */
wh_result sq_run(conn *c, enum stmt_id id, sqlite3_stmt *st, wh_result on_constraint,
                 lexc_error *err);
/* Steps a query to its next row: 1 a row, 0 done, -1 failed. */
int sq_row(conn *c, enum stmt_id id, sqlite3_stmt *st, lexc_error *err);
lexc_str sq_col_str(sqlite3_stmt *st, int i, lexc_arena *a);
/* A write transaction on this thread's connection; sq_tx_end commits if r
 * is WH_OK, else rolls back, and returns the result of the whole. */
wh_result sq_tx_begin(sqlite_store *s, conn **out, lexc_error *err);
wh_result sq_tx_end(sqlite_store *s, conn *c, wh_result r, lexc_error *err);
/* sq_tx_end for the outbox: the generation (wh_store_ops.generation)
 * moves only when changes_config says webhooks or secrets changed. */
wh_result sq_tx_finish(sqlite_store *s, conn *c, wh_result r, bool changes_config, lexc_error *err);
/* A read transaction (a consistent snapshot); end it with sq_read_end. */
wh_result sq_read_begin(conn *c, lexc_error *err);
void sq_read_end(conn *c);

#endif /* WEBHOOKD_STORE_SQLITE_H */
