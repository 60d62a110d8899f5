/* store_sqlite.c: the store (store.h) on an embedded SQLite file.
 *
 * Connections: one per thread (a pthread key), each with its own prepared
 * statements, so readers never wait for each other or for a lock of ours;
 * WAL lets them read while one writer commits. Writes take a process-wide
 * mutex before BEGIN IMMEDIATE: SQLite admits one writer at a time anyway,
 * and waiting on a mutex is cheaper and fairer than busy-retrying SQLite's
 * lock. Other processes (the CLI while the server runs) wait through
 * busy_timeout. doc/webhookd.md, "Store", says why.
 *
 * Every statement is a constant in the table below, prepared once per
 * connection; values are only ever bound. */
#include "config.h"

#include "store.h"
#include "store_sqlite.h"
#include "webhookd.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The schema, one migration per version; applied in order, each recorded
 * in schema_migrations in the same transaction. Never edit a shipped one:
 * add the next. */
static const struct migration {
	int version;
	const char *name;
	const char *sql;
} migrations[] = {
        {1, "management API: keys, named secrets, webhooks, secrets",
         "CREATE TABLE api_keys ("
         " id TEXT PRIMARY KEY,"
         " did TEXT NOT NULL,"
         " operator INTEGER NOT NULL,"
         " hash BLOB NOT NULL UNIQUE,"
         " created_at INTEGER NOT NULL,"
         " revoked_at INTEGER NOT NULL DEFAULT 0);"
         "CREATE TABLE named_secrets ("
         " did TEXT NOT NULL,"
         " name TEXT NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " last_rotated_at INTEGER NOT NULL DEFAULT 0,"
         " PRIMARY KEY (did, name));"
         "CREATE TABLE webhooks ("
         " id TEXT PRIMARY KEY,"
         " did TEXT NOT NULL,"
         " url TEXT NOT NULL,"
         " events INTEGER NOT NULL,"
         " status INTEGER NOT NULL,"
         " prefix TEXT, suffix TEXT, name TEXT, description TEXT,"
         " rewrite BLOB, mute_words BLOB,"
         " created_at INTEGER NOT NULL,"
         " updated_at INTEGER NOT NULL DEFAULT 0,"
         " last_triggered INTEGER NOT NULL DEFAULT 0,"
         " error_count INTEGER NOT NULL DEFAULT 0,"
         " secret_name TEXT,"
         " UNIQUE (did, url),"
         " FOREIGN KEY (did, secret_name) REFERENCES named_secrets (did, name));"
         "CREATE INDEX webhooks_by_did ON webhooks (did, id);"
         /* Webhooks per DID, kept in the transactions that create and
          * delete them: the limit check costs the same at any count. */
         "CREATE TABLE webhook_counts ("
         " did TEXT PRIMARY KEY,"
         " webhooks INTEGER NOT NULL CHECK (webhooks >= 0)) WITHOUT ROWID;"
         /* A secret belongs to a webhook or to a named secret, never both. */
         "CREATE TABLE secrets ("
         " id TEXT PRIMARY KEY,"
         " did TEXT NOT NULL,"
         " webhook_id TEXT REFERENCES webhooks (id),"
         " secret_name TEXT,"
         " sealed BLOB NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " expires_at INTEGER NOT NULL DEFAULT 0,"
         " FOREIGN KEY (did, secret_name) REFERENCES named_secrets (did, name),"
         " CHECK ((webhook_id IS NULL) <> (secret_name IS NULL)));"
         "CREATE INDEX secrets_by_webhook ON secrets (webhook_id, expires_at);"
         "CREATE INDEX secrets_by_name ON secrets (did, secret_name, expires_at);"},
        {2, "delivery: events, deliveries, attempts; webhook formats",
         "ALTER TABLE webhooks ADD COLUMN format INTEGER NOT NULL DEFAULT 0;"
         /* When the webhook's current run of failures began; 0: none. */
         "ALTER TABLE webhooks ADD COLUMN failing_since INTEGER NOT NULL DEFAULT 0;"
         /* event_id is the publisher's idempotency key; dedup is 0 once a
          * later event took it (after the dedup window). Publishing is
          * serialized, so the lookup before the insert is race-free. */
         "CREATE TABLE events ("
         " seq INTEGER PRIMARY KEY,"
         " did TEXT NOT NULL,"
         " event_id TEXT NOT NULL,"
         " dedup INTEGER NOT NULL DEFAULT 1,"
         " type INTEGER NOT NULL,"
         " body TEXT NOT NULL,"
         " created_at INTEGER NOT NULL);"
         "CREATE INDEX events_by_id ON events (did, event_id);"
         /* The outbox: one row per event and webhook. state: 0 pending,
          * 1 delivered, 2 failed, 3 muted, 4 cancelled. claimed: a worker
          * of this process has it (cleared at start). */
         "CREATE TABLE deliveries ("
         " seq INTEGER PRIMARY KEY,"
         " message_id TEXT NOT NULL,"
         " event_seq INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,"
         " webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,"
         " state INTEGER NOT NULL DEFAULT 0,"
         " claimed INTEGER NOT NULL DEFAULT 0,"
         " tries INTEGER NOT NULL DEFAULT 0,"
         " next_at INTEGER NOT NULL,"
         " updated_at INTEGER NOT NULL,"
         " UNIQUE (event_seq, webhook_id));"
         "CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 0 AND claimed = 0;"
         "CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id);"
         "CREATE TABLE attempts ("
         " seq INTEGER PRIMARY KEY,"
         " delivery_seq INTEGER NOT NULL REFERENCES deliveries (seq) ON DELETE CASCADE,"
         " webhook_id TEXT NOT NULL,"
         " event_seq INTEGER NOT NULL,"
         " number INTEGER NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " duration_ms INTEGER NOT NULL,"
         " outcome INTEGER NOT NULL,"
         " status INTEGER NOT NULL DEFAULT 0,"
         " error_class TEXT, error TEXT, headers TEXT, body BLOB,"
         " truncated INTEGER NOT NULL DEFAULT 0,"
         " next_at INTEGER NOT NULL DEFAULT 0);"
         "CREATE INDEX attempts_by_webhook ON attempts (webhook_id, seq);"
         "CREATE INDEX attempts_by_event ON attempts (event_seq, seq);"
         "CREATE INDEX attempts_by_delivery ON attempts (delivery_seq);"},
        {3, "record webhooks (place.wisp.v2.wh) and the event stream's cursor",
         /* A record webhook's url is its record's at-uri: unique per DID
          * through UNIQUE (did, url), as any webhook's URL. */
         "ALTER TABLE webhooks ADD COLUMN target_url TEXT;"
         "ALTER TABLE webhooks ADD COLUMN scope TEXT;"
         "ALTER TABLE webhooks ADD COLUMN backlinks INTEGER NOT NULL DEFAULT 0;"
         "ALTER TABLE webhooks ADD COLUMN wisp_sign INTEGER NOT NULL DEFAULT 0;"
         "CREATE TABLE stream_cursor ("
         " source TEXT PRIMARY KEY,"
         " time_us INTEGER NOT NULL,"
         " updated_at INTEGER NOT NULL);"},
};

static const struct {
	const char *name;
	const char *sql;
} statements[STMT_COUNT_] = {
#define STMT_ROW_(id, sql) {#id, sql},
        STATEMENTS(STMT_ROW_)
#undef STMT_ROW_
};

sqlite_store *sq_store_of(wh_store *s)
{
	return (sqlite_store *)s;
}

wh_result sq_failed(lexc_error *err, const char *what, sqlite3 *db)
{
	lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "%s: %s", what,
	               db != NULL ? sqlite3_errmsg(db) : "no connection");
	return WH_FAILED;
}

static void conn_close(conn *c)
{
	for (int i = 0; i < STMT_COUNT_; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_close(c->db);
	free(c);
}

static bool exec(sqlite3 *db, const char *sql, lexc_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return true;
	lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "%s", msg != NULL ? msg : "sqlite failed");
	sqlite3_free(msg);
	return false;
}

/* Each connection's page cache (16 MiB) and reads through mmap (up to
 * 1 GiB of the file): with many webhooks, the lookups an event makes stay
 * in memory instead of becoming pread() calls. */
#define SQ_CACHE " PRAGMA cache_size = -16384; PRAGMA mmap_size = 1073741824;"

static conn *conn_open(sqlite_store *s, lexc_error *err)
{
	conn *c = calloc(1, sizeof *c);
	if (c == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	c->store = s;
	/* NOMUTEX: a connection is one thread's only. */
	int rc = sqlite3_open_v2(s->path, &c->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		sq_failed(err, "cannot open the database", c->db);
		conn_close(c);
		return NULL;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 10000);
	if (!exec(c->db,
	          s->sync == WH_SYNC_FULL
	                  ? "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;" SQ_CACHE
	                  : "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;" SQ_CACHE,
	          err)) {
		conn_close(c);
		return NULL;
	}
	return c;
}

static void conn_release(void *p)
{
	conn *c = p;
	sqlite_store *s = c->store;
	pthread_mutex_lock(&s->list_lock);
	for (conn **pp = &s->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&s->list_lock);
	conn_close(c);
}

/* This thread's connection, opened on first use. */
conn *sq_conn_get(sqlite_store *s, lexc_error *err)
{
	conn *c = pthread_getspecific(s->key);
	if (c != NULL)
		return c;
	c = conn_open(s, err);
	if (c == NULL)
		return NULL;
	pthread_setspecific(s->key, c);
	pthread_mutex_lock(&s->list_lock);
	c->next = s->conns;
	s->conns = c;
	pthread_mutex_unlock(&s->list_lock);
	return c;
}

/* Statement `id`, prepared on first use, reset and unbound. */
sqlite3_stmt *sq_stmt(conn *c, enum stmt_id id, lexc_error *err)
{
	if (c->stmt[id] == NULL) {
		if (sqlite3_prepare_v3(c->db, statements[id].sql, -1, SQLITE_PREPARE_PERSISTENT,
		                       &c->stmt[id], NULL) != SQLITE_OK) {
			sq_failed(err, statements[id].name, c->db);
			return NULL;
		}
	} else {
		sqlite3_reset(c->stmt[id]);
		sqlite3_clear_bindings(c->stmt[id]);
	}
	return c->stmt[id];
}

/* Binding: a null string binds NULL. */
void sq_bind_str(sqlite3_stmt *st, int i, lexc_str s)
{
	if (s.ptr == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s.ptr, (int)s.len, SQLITE_STATIC);
}

void sq_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (p == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC);
}

/* Steps a statement that writes. SQLITE_DONE is WH_OK; a constraint is
 * `on_constraint`; anything else (or an injected failure in test builds)
 * is WH_FAILED. */
wh_result sq_run(conn *c, enum stmt_id id, sqlite3_stmt *st, wh_result on_constraint,
                 lexc_error *err)
{
	if (wh_test_fail(statements[id].name)) {
		sqlite3_reset(st);
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "injected failure in %s",
		               statements[id].name);
		return WH_FAILED;
	}
	int rc = sqlite3_step(st);
	wh_result r = WH_OK;
	if ((rc & 0xff) == SQLITE_CONSTRAINT && on_constraint != WH_FAILED)
		r = on_constraint;
	else if (rc != SQLITE_DONE)
		r = sq_failed(err, statements[id].name, c->db);
	sqlite3_reset(st);
	return r;
}

/* Steps a query to its next row: 1 a row, 0 done, -1 failed. */
int sq_row(conn *c, enum stmt_id id, sqlite3_stmt *st, lexc_error *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sq_failed(err, statements[id].name, c->db);
	return -1;
}

lexc_str sq_col_str(sqlite3_stmt *st, int i, lexc_arena *a)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return lexc_str_borrow(NULL);
	const char *p = (const char *)sqlite3_column_text(st, i);
	return lexc_str_copy_n(a, p != NULL ? p : "", (size_t)sqlite3_column_bytes(st, i));
}

/* Transactions --------------------------------------------------------------- */

wh_result sq_tx_begin(sqlite_store *s, conn **out, lexc_error *err)
{
	conn *c = sq_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	pthread_mutex_lock(&s->write_lock);
	sqlite3_stmt *st = sq_stmt(c, STMT_BEGIN_WRITE, err);
	wh_result r = st != NULL ? sq_run(c, STMT_BEGIN_WRITE, st, WH_FAILED, err) : WH_FAILED;
	if (r != WH_OK) {
		pthread_mutex_unlock(&s->write_lock);
		return r;
	}
	*out = c;
	return WH_OK;
}

/* Commits if r is WH_OK, else rolls back; the result of the whole. */
wh_result sq_tx_end(sqlite_store *s, conn *c, wh_result r, lexc_error *err)
{
	return sq_tx_finish(s, c, r, true, err);
}

wh_result sq_tx_finish(sqlite_store *s, conn *c, wh_result r, bool changes_config, lexc_error *err)
{
	if (r == WH_OK) {
		sqlite3_stmt *st = sq_stmt(c, STMT_COMMIT, err);
		r = st != NULL ? sq_run(c, STMT_COMMIT, st, WH_FAILED, err) : WH_FAILED;
	}
	if (r != WH_OK && sqlite3_get_autocommit(c->db) == 0) {
		lexc_error ignored;
		lexc_error_clear(&ignored);
		sqlite3_stmt *st = sq_stmt(c, STMT_ROLLBACK, &ignored);
		if (st == NULL || sqlite3_step(st) != SQLITE_DONE)
			exec(c->db, "ROLLBACK", &ignored);
		if (st != NULL)
			sqlite3_reset(st);
	}
	if (r == WH_OK && changes_config)
		atomic_fetch_add(&s->generation, 1);
	pthread_mutex_unlock(&s->write_lock);
	return r;
}

wh_result sq_read_begin(conn *c, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_BEGIN_READ, err);
	if (st == NULL || sqlite3_step(st) != SQLITE_DONE) {
		if (st != NULL)
			sqlite3_reset(st);
		return sq_failed(err, "BEGIN_READ", c->db);
	}
	sqlite3_reset(st);
	return WH_OK;
}

void sq_read_end(conn *c)
{
	if (sqlite3_get_autocommit(c->db) == 0)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
}

/* Webhook rows -------------------------------------------------------------- */

static void bind_webhook(sqlite3_stmt *st, const wh_webhook *w, const void *rewrite,
                         size_t rewrite_len, const void *mute, size_t mute_len)
{
	sq_bind_str(st, 1, w->id);
	sq_bind_str(st, 2, w->did);
	sq_bind_str(st, 3, w->url);
	sqlite3_bind_int64(st, 4, w->events);
	sqlite3_bind_int64(st, 5, w->status);
	sq_bind_str(st, 6, w->prefix);
	sq_bind_str(st, 7, w->suffix);
	sq_bind_str(st, 8, w->name);
	sq_bind_str(st, 9, w->description);
	sq_bind_blob(st, 10, rewrite, rewrite_len);
	sq_bind_blob(st, 11, mute, mute_len);
	sqlite3_bind_int64(st, 12, w->created_at);
	sqlite3_bind_int64(st, 13, w->updated_at);
	sqlite3_bind_int64(st, 14, w->last_triggered);
	sqlite3_bind_int64(st, 15, w->error_count);
	sq_bind_str(st, 16, w->secret_name);
}

/* Reads a WEBHOOK_COLUMNS row. */
static bool read_webhook(sqlite3_stmt *st, lexc_arena *a, wh_webhook *w)
{
	memset(w, 0, sizeof *w);
	w->id = sq_col_str(st, 0, a);
	w->did = sq_col_str(st, 1, a);
	w->url = sq_col_str(st, 2, a);
	w->events = (uint32_t)sqlite3_column_int64(st, 3);
	w->status = (wh_status)sqlite3_column_int(st, 4);
	w->prefix = sq_col_str(st, 5, a);
	w->suffix = sq_col_str(st, 6, a);
	w->name = sq_col_str(st, 7, a);
	w->description = sq_col_str(st, 8, a);
	if (!wh_webhook_lists_decode(
	            a, w, sqlite3_column_type(st, 9) != SQLITE_NULL, sqlite3_column_blob(st, 9),
	            (size_t)sqlite3_column_bytes(st, 9), sqlite3_column_type(st, 10) != SQLITE_NULL,
	            sqlite3_column_blob(st, 10), (size_t)sqlite3_column_bytes(st, 10)))
		return false;
	w->created_at = sqlite3_column_int64(st, 11);
	w->updated_at = sqlite3_column_int64(st, 12);
	w->last_triggered = sqlite3_column_int64(st, 13);
	w->error_count = sqlite3_column_int64(st, 14);
	w->secret_name = sq_col_str(st, 15, a);
	w->format = (wh_format)sqlite3_column_int(st, 16);
	if (sqlite3_column_type(st, 17) != SQLITE_NULL) {
		w->record_uri = w->url;
		w->url = sq_col_str(st, 17, a);
		w->wisp_sign = sqlite3_column_int(st, 18) != 0;
	}
	return w->id.ptr != NULL && w->did.ptr != NULL && w->url.ptr != NULL;
}

/* The webhook `id` of `did` inside a transaction, into *w (arena). */
static wh_result load_webhook(conn *c, lexc_str did, lexc_str id, lexc_arena *a, wh_webhook *w,
                              lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_WEBHOOK_GET, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, id);
	int got = sq_row(c, STMT_WEBHOOK_GET, st, err);
	wh_result r = got < 0 ? WH_FAILED : got == 0 ? WH_NOT_FOUND : WH_OK;
	if (r == WH_OK && !read_webhook(st, a, w)) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "webhook %.*s: a damaged row",
		               (int)id.len, id.ptr);
		r = WH_FAILED;
	}
	sqlite3_reset(st);
	return r;
}

/* Whether a query with bound parameters has a row: 1, 0, or -1 failed. */
static int sq_exists(conn *c, enum stmt_id id, sqlite3_stmt *st, lexc_error *err)
{
	int got = sq_row(c, id, st, err);
	sqlite3_reset(st);
	return got;
}

/* Every row of a bound query, each read by `read` into an arena array of
 * `size`-byte items; the count into *n. NULL (err set) if the query or the
 * arena failed. */
static void *sq_collect(conn *c, enum stmt_id id, sqlite3_stmt *st, size_t size,
                        bool (*read)(sqlite3_stmt *, lexc_arena *, void *), lexc_arena *a,
                        size_t *n, lexc_error *err)
{
	size_t cap = 8, count = 0;
	unsigned char *items = lexc_arena_alloc(a, cap * size);
	int got = 0;
	while (items != NULL && (got = sq_row(c, id, st, err)) == 1) {
		if (count == cap) {
			items = lexc_arena_realloc(a, items, cap * size, 2 * cap * size);
			cap *= 2;
		}
		if (items != NULL && !read(st, a, items + count++ * size))
			items = NULL;
	}
	sqlite3_reset(st);
	if (got < 0)
		return NULL;
	if (items == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	*n = count;
	return items;
}

/* API keys ------------------------------------------------------------------ */

static wh_result key_create(wh_store *base, const wh_api_key *k, const unsigned char hash[32],
                            lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_KEY_INSERT, err);
	if (st == NULL) {
		r = WH_FAILED;
	} else {
		sq_bind_str(st, 1, k->id);
		sq_bind_str(st, 2, k->did);
		sqlite3_bind_int(st, 3, k->operator_key);
		sq_bind_blob(st, 4, hash, 32);
		sqlite3_bind_int64(st, 5, k->created_at);
		r = sq_run(c, STMT_KEY_INSERT, st, WH_FAILED, err);
	}
	return sq_tx_end(s, c, r, err);
}

static bool read_key(sqlite3_stmt *st, lexc_arena *a, wh_api_key *k)
{
	memset(k, 0, sizeof *k);
	k->id = sq_col_str(st, 0, a);
	k->did = sq_col_str(st, 1, a);
	k->operator_key = sqlite3_column_int(st, 2) != 0;
	k->created_at = sqlite3_column_int64(st, 3);
	k->revoked_at = sqlite3_column_int64(st, 4);
	if (sqlite3_column_bytes(st, 5) == 32)
		memcpy(k->hash, sqlite3_column_blob(st, 5), 32);
	return k->id.ptr != NULL && k->did.ptr != NULL;
}

static wh_result key_lookup(wh_store *base, const unsigned char hash[32], lexc_arena *a,
                            wh_api_key *out, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_KEY_BY_HASH, err) : NULL;
	if (st == NULL)
		return WH_FAILED;
	sq_bind_blob(st, 1, hash, 32);
	int got = sq_row(c, STMT_KEY_BY_HASH, st, err);
	wh_result r = got < 0 ? WH_FAILED : got == 0 ? WH_NOT_FOUND : WH_OK;
	if (r == WH_OK && !read_key(st, a, out))
		r = WH_FAILED;
	sqlite3_reset(st);
	return r;
}

static bool read_key_row(sqlite3_stmt *st, lexc_arena *a, void *item)
{
	return read_key(st, a, item);
}

static wh_result key_list(wh_store *base, lexc_arena *a, wh_api_key **out, size_t *n,
                          lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_KEY_ALL, err) : NULL;
	wh_api_key *keys =
	        st != NULL ? sq_collect(c, STMT_KEY_ALL, st, sizeof *keys, read_key_row, a, n, err)
	                   : NULL;
	if (keys == NULL)
		return WH_FAILED;
	*out = keys;
	return WH_OK;
}

static wh_result key_revoke(wh_store *base, lexc_str id, int64_t now, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_KEY_REVOKE, err);
	if (st == NULL) {
		r = WH_FAILED;
	} else {
		sq_bind_str(st, 1, id);
		sqlite3_bind_int64(st, 2, now);
		r = sq_run(c, STMT_KEY_REVOKE, st, WH_FAILED, err);
		if (r == WH_OK && sqlite3_changes(c->db) == 0)
			r = WH_NOT_FOUND;
	}
	return sq_tx_end(s, c, r, err);
}

/* Secrets of an owner: a webhook (webhook_id) or a named secret (name). --- */

typedef struct owner {
	lexc_str webhook_id, name, did;
} owner;

static void bind_owner(sqlite3_stmt *st, const owner *o)
{
	sq_bind_str(st, 1, o->webhook_id);
	sq_bind_str(st, 2, o->name);
	sq_bind_str(st, 3, o->did);
}

static wh_result secret_insert(conn *c, const owner *o, const wh_new_secret *sec, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_SECRET_INSERT, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, sec->id);
	sq_bind_str(st, 2, o->did);
	sq_bind_str(st, 3, o->webhook_id);
	sq_bind_str(st, 4, o->name);
	sq_bind_blob(st, 5, sec->sealed.data, sec->sealed.len);
	sqlite3_bind_int64(st, 6, sec->now);
	return sq_run(c, STMT_SECRET_INSERT, st, WH_FAILED, err);
}

/* Rotation inside a transaction: purge what expired, refuse an eleventh
 * retired secret, retire (or with no grace delete) the current one, and
 * make `sec` current. */
static wh_result rotate(conn *c, const owner *o, const wh_new_secret *sec, int64_t grace_ms,
                        lexc_arena *a, lexc_str *retired_id, int64_t *retired_until,
                        lexc_error *err)
{
	int64_t now = sec->now;
	sqlite3_stmt *st = sq_stmt(c, STMT_SECRET_PURGE, err);
	if (st == NULL)
		return WH_FAILED;
	bind_owner(st, o);
	sqlite3_bind_int64(st, 4, now);
	wh_result r = sq_run(c, STMT_SECRET_PURGE, st, WH_FAILED, err);
	if (r != WH_OK)
		return r;

	if (grace_ms > 0) {
		if ((st = sq_stmt(c, STMT_SECRET_RETIRED_COUNT, err)) == NULL)
			return WH_FAILED;
		bind_owner(st, o);
		sqlite3_bind_int64(st, 4, now);
		int got = sq_row(c, STMT_SECRET_RETIRED_COUNT, st, err);
		int64_t retired = got == 1 ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (got != 1)
			return WH_FAILED;
		if (retired >= WH_MAX_RETIRED)
			return WH_TOO_MANY_RETIRED;
	}

	if ((st = sq_stmt(c, STMT_SECRET_CURRENT, err)) == NULL)
		return WH_FAILED;
	bind_owner(st, o);
	int got = sq_row(c, STMT_SECRET_CURRENT, st, err);
	lexc_str current = got == 1 ? sq_col_str(st, 0, a) : lexc_str_borrow(NULL);
	sqlite3_reset(st);
	if (got < 0)
		return WH_FAILED;
	*retired_id = current;
	*retired_until = 0;
	if (current.ptr != NULL) {
		enum stmt_id id = grace_ms > 0 ? STMT_SECRET_RETIRE : STMT_SECRET_DELETE;
		if ((st = sq_stmt(c, id, err)) == NULL)
			return WH_FAILED;
		sq_bind_str(st, 1, current);
		if (grace_ms > 0) {
			sqlite3_bind_int64(st, 2, now + grace_ms);
			*retired_until = now + grace_ms;
		}
		if ((r = sq_run(c, id, st, WH_FAILED, err)) != WH_OK)
			return r;
	}
	return secret_insert(c, o, sec, err);
}

/* Named secrets ------------------------------------------------------------- */

static int named_exists(conn *c, lexc_str did, lexc_str name, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_NAMED_EXISTS, err);
	if (st == NULL)
		return -1;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, name);
	return sq_exists(c, STMT_NAMED_EXISTS, st, err);
}

static wh_result secret_create(wh_store *base, lexc_str did, lexc_str name,
                               const wh_new_secret *sec, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	int got = named_exists(c, did, name, err);
	if (got != 0) {
		r = got < 0 ? WH_FAILED : WH_ALREADY_EXISTS;
	} else {
		sqlite3_stmt *st = sq_stmt(c, STMT_NAMED_INSERT, err);
		if (st == NULL)
			r = WH_FAILED;
		else {
			sq_bind_str(st, 1, did);
			sq_bind_str(st, 2, name);
			sqlite3_bind_int64(st, 3, sec->now);
			r = sq_run(c, STMT_NAMED_INSERT, st, WH_ALREADY_EXISTS, err);
		}
		owner o = {lexc_str_borrow(NULL), name, did};
		if (r == WH_OK)
			r = secret_insert(c, &o, sec, err);
	}
	return sq_tx_end(s, c, r, err);
}

static wh_result secret_rotate(wh_store *base, lexc_str did, lexc_str name,
                               const wh_new_secret *sec, int64_t grace_ms, int64_t *retired_until,
                               lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	lexc_arena a;
	lexc_arena_init(&a);
	int got = named_exists(c, did, name, err);
	if (got != 1) {
		r = got < 0 ? WH_FAILED : WH_NOT_FOUND;
	} else {
		owner o = {lexc_str_borrow(NULL), name, did};
		lexc_str retired_id;
		r = rotate(c, &o, sec, grace_ms, &a, &retired_id, retired_until, err);
		sqlite3_stmt *st = r == WH_OK ? sq_stmt(c, STMT_NAMED_ROTATED, err) : NULL;
		if (r == WH_OK && st == NULL)
			r = WH_FAILED;
		if (r == WH_OK) {
			sq_bind_str(st, 1, did);
			sq_bind_str(st, 2, name);
			sqlite3_bind_int64(st, 3, sec->now);
			r = sq_run(c, STMT_NAMED_ROTATED, st, WH_FAILED, err);
		}
	}
	lexc_arena_free(&a);
	return sq_tx_end(s, c, r, err);
}

static bool read_named_row(sqlite3_stmt *st, lexc_arena *a, void *item)
{
	wh_named_secret *x = item;
	x->name = sq_col_str(st, 0, a);
	x->created_at = sqlite3_column_int64(st, 1);
	x->last_rotated_at = sqlite3_column_int64(st, 2);
	return x->name.ptr != NULL;
}

static wh_result secret_list(wh_store *base, lexc_str did, lexc_arena *a, wh_named_secret **out,
                             size_t *n, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_NAMED_LIST, err) : NULL;
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	wh_named_secret *items =
	        sq_collect(c, STMT_NAMED_LIST, st, sizeof *items, read_named_row, a, n, err);
	if (items == NULL)
		return WH_FAILED;
	*out = items;
	return WH_OK;
}

/* Runs a (did, name)-bound statement that writes. */
static wh_result run_did_name(conn *c, enum stmt_id id, lexc_str did, lexc_str name,
                              lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, id, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, name);
	return sq_run(c, id, st, WH_FAILED, err);
}

static wh_result secret_delete(wh_store *base, lexc_str did, lexc_str name, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	int got = named_exists(c, did, name, err);
	if (got != 1) {
		r = got < 0 ? WH_FAILED : WH_NOT_FOUND;
	} else {
		sqlite3_stmt *st = sq_stmt(c, STMT_NAMED_IN_USE, err);
		if (st == NULL) {
			r = WH_FAILED;
		} else {
			sq_bind_str(st, 1, did);
			sq_bind_str(st, 2, name);
			got = sq_exists(c, STMT_NAMED_IN_USE, st, err);
			r = got < 0 ? WH_FAILED : got == 1 ? WH_SECRET_IN_USE : WH_OK;
		}
		if (r == WH_OK)
			r = run_did_name(c, STMT_NAMED_DELETE_SECRETS, did, name, err);
		if (r == WH_OK)
			r = run_did_name(c, STMT_NAMED_DELETE, did, name, err);
	}
	return sq_tx_end(s, c, r, err);
}

/* Webhooks ------------------------------------------------------------------ */

/* Whether another webhook of `did` than `except` has `url`: 1, 0, -1. */
static int url_taken(conn *c, lexc_str did, lexc_str url, lexc_str except, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_WEBHOOK_URL_TAKEN, err);
	if (st == NULL)
		return -1;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, url);
	sq_bind_str(st, 3, except.ptr != NULL ? except : LEXC_STR(""));
	return sq_exists(c, STMT_WEBHOOK_URL_TAKEN, st, err);
}

static wh_result webhook_create(wh_store *base, const wh_webhook *w, const wh_new_secret *sec,
                                size_t max_per_did, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	lexc_arena a;
	lexc_arena_init(&a);
	const void *rewrite, *mute;
	size_t rewrite_len, mute_len;
	if (!wh_webhook_lists_encode(&a, w, &rewrite, &rewrite_len, &mute, &mute_len)) {
		lexc_arena_free(&a);
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return WH_FAILED;
	}
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK) {
		lexc_arena_free(&a);
		return r;
	}
	int got = url_taken(c, w->did, w->url, lexc_str_borrow(NULL), err);
	r = got < 0 ? WH_FAILED : got == 1 ? WH_DUPLICATE : WH_OK;
	/* Counts the webhook in, unless the DID has max_per_did already. */
	sqlite3_stmt *st = NULL;
	if (r == WH_OK && (st = sq_stmt(c, STMT_WEBHOOK_COUNT_UP, err)) == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		sq_bind_str(st, 1, w->did);
		sqlite3_bind_int64(st, 2, (int64_t)max_per_did);
		r = sq_run(c, STMT_WEBHOOK_COUNT_UP, st, WH_FAILED, err);
		if (r == WH_OK && sqlite3_changes(c->db) == 0)
			r = WH_TOO_MANY;
	}
	if (r == WH_OK && (st = sq_stmt(c, STMT_WEBHOOK_INSERT, err)) == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		bind_webhook(st, w, rewrite, rewrite_len, mute, mute_len);
		r = sq_run(c, STMT_WEBHOOK_INSERT, st, WH_DUPLICATE, err);
	}
	owner o = {w->id, lexc_str_borrow(NULL), w->did};
	if (r == WH_OK)
		r = secret_insert(c, &o, sec, err);
	r = sq_tx_end(s, c, r, err);
	lexc_arena_free(&a);
	return r;
}

static wh_result webhook_get(wh_store *base, lexc_str did, lexc_str id, lexc_arena *a,
                             wh_webhook *out, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	return c != NULL ? load_webhook(c, did, id, a, out, err) : WH_FAILED;
}

static wh_result webhook_list(wh_store *base, lexc_str did, const wh_list_query *q, lexc_arena *a,
                              wh_webhook **out, size_t *n, bool *more, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_WEBHOOK_PAGE, err) : NULL;
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, q->after_id.ptr != NULL ? q->after_id : LEXC_STR(""));
	if (q->has_active)
		sqlite3_bind_int(st, 3, q->active);
	sqlite3_bind_int64(st, 4, q->event);
	sqlite3_bind_int64(st, 5, (int64_t)q->limit + 1); /* one more says whether there is more */
	wh_webhook *items = lexc_arena_calloc(a, q->limit ? q->limit : 1, sizeof *items);
	size_t count = 0;
	int got = 0;
	*more = false;
	while (items != NULL && (got = sq_row(c, STMT_WEBHOOK_PAGE, st, err)) == 1) {
		if (count == q->limit) {
			*more = true;
			break;
		}
		if (!read_webhook(st, a, &items[count++])) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "a damaged webhook row");
			got = -1;
			break;
		}
	}
	sqlite3_reset(st);
	if (items == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return WH_FAILED;
	}
	if (got < 0)
		return WH_FAILED;
	*out = items;
	*n = count;
	return WH_OK;
}

static wh_result webhook_update(wh_store *base, lexc_str did, lexc_str id,
                                const wh_webhook_patch *p, lexc_arena *a, wh_webhook *out,
                                lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	wh_webhook w;
	r = load_webhook(c, did, id, a, &w, err);
	if (r == WH_OK && w.record_uri.ptr != NULL)
		r = WH_NOT_FOUND; /* its record says what it is */
	if (r == WH_OK && w.status == WH_STATUS_ARCHIVED)
		r = WH_ARCHIVED;
	const wh_webhook *v = &p->value;
	if (r == WH_OK && p->has_url && !lexc_str_eq(v->url, w.url)) {
		int got = url_taken(c, did, v->url, id, err);
		r = got < 0 ? WH_FAILED : got == 1 ? WH_DUPLICATE : WH_OK;
		w.url = v->url;
	}
	if (r == WH_OK) {
		if (p->has_events)
			w.events = v->events;
		if (p->has_active)
			w.status = v->status;
		if (p->has_prefix)
			w.prefix = v->prefix;
		if (p->has_suffix)
			w.suffix = v->suffix;
		if (p->has_name)
			w.name = v->name;
		if (p->has_description)
			w.description = v->description;
		if (p->has_rewrite) {
			w.has_rewrite = true;
			w.n_rewrite = v->n_rewrite;
			w.rewrite = v->rewrite;
		}
		if (p->has_mute_words) {
			w.has_mute_words = true;
			w.n_mute_words = v->n_mute_words;
			w.mute_words = v->mute_words;
		}
		w.updated_at = p->now;
	}
	const void *rewrite, *mute;
	size_t rewrite_len, mute_len;
	if (r == WH_OK &&
	    !wh_webhook_lists_encode(a, &w, &rewrite, &rewrite_len, &mute, &mute_len)) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		r = WH_FAILED;
	}
	sqlite3_stmt *st = NULL;
	if (r == WH_OK && (st = sq_stmt(c, STMT_WEBHOOK_UPDATE, err)) == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		bind_webhook(st, &w, rewrite, rewrite_len, mute, mute_len);
		r = sq_run(c, STMT_WEBHOOK_UPDATE, st, WH_DUPLICATE, err);
	}
	r = sq_tx_end(s, c, r, err);
	if (r == WH_OK)
		*out = w;
	return r;
}

static wh_result webhook_delete(wh_store *base, lexc_str did, lexc_str id, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	r = run_did_name(c, STMT_WEBHOOK_DELETE_SECRETS, did, id, err);
	if (r == WH_OK)
		r = run_did_name(c, STMT_WEBHOOK_DELETE, did, id, err);
	if (r == WH_OK && sqlite3_changes(c->db) == 0)
		r = WH_NOT_FOUND;
	sqlite3_stmt *st = NULL;
	if (r == WH_OK && (st = sq_stmt(c, STMT_WEBHOOK_COUNT_DOWN, err)) == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		sq_bind_str(st, 1, did);
		r = sq_run(c, STMT_WEBHOOK_COUNT_DOWN, st, WH_FAILED, err);
	}
	return sq_tx_end(s, c, r, err);
}

/* The webhook's status and binding inside a transaction. */
static wh_result load_state(conn *c, lexc_str did, lexc_str id, lexc_arena *a, wh_webhook *w,
                            lexc_error *err)
{
	wh_result r = load_webhook(c, did, id, a, w, err);
	if (r == WH_OK && w->record_uri.ptr != NULL)
		return WH_NOT_FOUND; /* a record webhook: its record says what it is */
	return r == WH_OK && w->status == WH_STATUS_ARCHIVED ? WH_ARCHIVED : r;
}

/* Sets one integer column of a live webhook through statement `which`
 * (?1 did, ?2 id, ?3 the value, ?4 now). WH_ARCHIVED for an archived one. */
static wh_result set_column(wh_store *base, enum stmt_id which, lexc_str did, lexc_str id,
                            int value, int64_t now, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	lexc_arena a;
	lexc_arena_init(&a);
	wh_webhook w;
	r = load_state(c, did, id, &a, &w, err);
	lexc_arena_free(&a);
	sqlite3_stmt *st = r == WH_OK ? sq_stmt(c, which, err) : NULL;
	if (r == WH_OK && st == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		sq_bind_str(st, 1, did);
		sq_bind_str(st, 2, id);
		sqlite3_bind_int(st, 3, value);
		sqlite3_bind_int64(st, 4, now);
		r = sq_run(c, which, st, WH_FAILED, err);
	}
	return sq_tx_end(s, c, r, err);
}

static wh_result webhook_set_status(wh_store *base, lexc_str did, lexc_str id, wh_status status,
                                    int64_t now, lexc_error *err)
{
	return set_column(base, STMT_WEBHOOK_SET_STATUS, did, id, (int)status, now, err);
}

static wh_result webhook_set_format(wh_store *base, lexc_str did, lexc_str id, wh_format format,
                                    int64_t now, lexc_error *err)
{
	return set_column(base, STMT_WEBHOOK_SET_FORMAT, did, id, (int)format, now, err);
}

static wh_result webhook_bind(wh_store *base, lexc_str did, lexc_str id, lexc_str name, int64_t now,
                              lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	lexc_arena a;
	lexc_arena_init(&a);
	wh_webhook w;
	r = load_state(c, did, id, &a, &w, err);
	if (r == WH_OK && name.ptr != NULL) {
		int got = named_exists(c, did, name, err);
		r = got < 0 ? WH_FAILED : got == 0 ? WH_SECRET_NOT_FOUND : WH_OK;
	}
	sqlite3_stmt *st = NULL;
	if (r == WH_OK && (st = sq_stmt(c, STMT_WEBHOOK_BIND, err)) == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		sq_bind_str(st, 1, did);
		sq_bind_str(st, 2, id);
		sq_bind_str(st, 3, name);
		sqlite3_bind_int64(st, 4, now);
		r = sq_run(c, STMT_WEBHOOK_BIND, st, WH_SECRET_NOT_FOUND, err);
	}
	lexc_arena_free(&a);
	return sq_tx_end(s, c, r, err);
}

static wh_result webhook_rotate(wh_store *base, lexc_str did, lexc_str id, const wh_new_secret *sec,
                                int64_t grace_ms, lexc_arena *a, lexc_str *retired_id,
                                int64_t *retired_until, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	wh_webhook w;
	r = load_state(c, did, id, a, &w, err);
	if (r == WH_OK && w.secret_name.ptr != NULL)
		r = WH_SECRET_IS_NAMED;
	if (r == WH_OK) {
		owner o = {id, lexc_str_borrow(NULL), did};
		r = rotate(c, &o, sec, grace_ms, a, retired_id, retired_until, err);
	}
	return sq_tx_end(s, c, r, err);
}

static wh_result webhook_secrets(wh_store *base, lexc_str did, lexc_str id, int64_t now,
                                 bool with_values, lexc_arena *a, wh_secret **out, size_t *n,
                                 bool *named, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	if (c == NULL)
		return WH_FAILED;
	/* One read transaction: the binding and the secrets are of one moment. */
	if (sq_read_begin(c, err) != WH_OK)
		return WH_FAILED;
	sqlite3_stmt *st;
	wh_webhook w;
	wh_result r = load_webhook(c, did, id, a, &w, err);
	*named = r == WH_OK && w.secret_name.ptr != NULL;
	if (r == WH_OK && (st = sq_stmt(c, STMT_SECRETS_VALID, err)) == NULL)
		r = WH_FAILED;
	size_t count = 0;
	wh_secret *items = NULL;
	if (r == WH_OK) {
		owner o = {*named ? lexc_str_borrow(NULL) : id, w.secret_name, did};
		bind_owner(st, &o);
		sqlite3_bind_int64(st, 4, now);
		/* At most the current one and WH_MAX_RETIRED retired ones. */
		items = lexc_arena_calloc(a, WH_MAX_RETIRED + 1, sizeof *items);
		int got = 0;
		while (items != NULL && count < WH_MAX_RETIRED + 1 &&
		       (got = sq_row(c, STMT_SECRETS_VALID, st, err)) == 1) {
			wh_secret *x = &items[count++];
			x->id = sq_col_str(st, 0, a);
			x->created_at = sqlite3_column_int64(st, 1);
			x->expires_at = sqlite3_column_int64(st, 2);
			if (with_values) {
				x->sealed.len = (size_t)sqlite3_column_bytes(st, 3);
				x->sealed.data =
				        lexc_arena_memdup(a, sqlite3_column_blob(st, 3),
				                          x->sealed.len ? x->sealed.len : 1);
			}
		}
		sqlite3_reset(st);
		if (items == NULL) {
			lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
			r = WH_FAILED;
		} else if (got < 0) {
			r = WH_FAILED;
		}
	}
	sq_read_end(c);
	if (r != WH_OK)
		return r;
	*out = items;
	*n = count;
	return WH_OK;
}

/* Opening and closing --------------------------------------------------------- */

static void store_close(wh_store *base)
{
	sqlite_store *s = sq_store_of(base);
	if (s == NULL)
		return;
	pthread_key_delete(s->key);
	for (conn *c = s->conns, *next; c != NULL; c = next) {
		next = c->next;
		conn_close(c);
	}
	pthread_mutex_destroy(&s->write_lock);
	pthread_mutex_destroy(&s->list_lock);
	free(s->path);
	free(s);
}

static uint64_t store_generation(wh_store *base)
{
	return atomic_load(&sq_store_of(base)->generation);
}

static const wh_store_ops sqlite_ops = {
        .close = store_close,
        .generation = store_generation,
        .key_create = key_create,
        .key_lookup = key_lookup,
        .key_list = key_list,
        .key_revoke = key_revoke,
        .secret_create = secret_create,
        .secret_rotate = secret_rotate,
        .secret_list = secret_list,
        .secret_delete = secret_delete,
        .webhook_create = webhook_create,
        .webhook_get = webhook_get,
        .webhook_list = webhook_list,
        .webhook_update = webhook_update,
        .webhook_delete = webhook_delete,
        .webhook_set_status = webhook_set_status,
        .webhook_bind = webhook_bind,
        .webhook_rotate = webhook_rotate,
        .webhook_secrets = webhook_secrets,
        .webhook_set_format = webhook_set_format,
        .events_publish = sq_events_publish,
        .outbox_recover = sq_outbox_recover,
        .outbox_claim = sq_outbox_claim,
        .outbox_next_due = sq_outbox_next_due,
        .outbox_depth = sq_outbox_depth,
        .outbox_complete = sq_outbox_complete,
        .attempt_list = sq_attempt_list,
        .redeliver = sq_redeliver,
        .stream_commit = sq_stream_commit,
        .stream_cursor = sq_stream_cursor,
        .record_hooks_each = sq_record_hooks_each,
        .record_hook_get = sq_record_hook_get,
        .stream_lead = sq_stream_lead,
};

/* Applies the migrations the database lacks, each in its own transaction
 * with its row in schema_migrations. */
static bool migrate(sqlite_store *s, conn *c, lexc_error *err)
{
	if (!exec(c->db,
	          "PRAGMA journal_mode = WAL;"
	          "CREATE TABLE IF NOT EXISTS schema_migrations ("
	          " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);",
	          err))
		return false;
	size_t known = sizeof migrations / sizeof migrations[0];
	for (size_t i = 0; i < known; i++) {
		conn *tc;
		if (sq_tx_begin(s, &tc, err) != WH_OK)
			return false;
		(void)tc; /* this thread's connection: c */
		sqlite3_stmt *st = NULL;
		bool ok = sqlite3_prepare_v2(
		                  c->db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
		                  -1, &st, NULL) == SQLITE_OK &&
		          sqlite3_step(st) == SQLITE_ROW;
		int have = ok ? sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
		if (!ok) {
			sq_failed(err, "schema_migrations", c->db);
		} else if (have > migrations[known - 1].version) {
			lexc_error_set(
			        err, LEXC_INTERNAL_SERVER_ERROR,
			        "the database has schema version %d; this webhookd knows up to %d "
			        "(run a newer webhookd)",
			        have, migrations[known - 1].version);
			ok = false;
		} else if (have < migrations[i].version) {
			ok = exec(c->db, migrations[i].sql, err) &&
			     sqlite3_prepare_v2(
			             c->db,
			             "INSERT INTO schema_migrations (version, name, applied_at)"
			             " VALUES (?1, ?2, ?3)",
			             -1, &st, NULL) == SQLITE_OK;
			if (ok) {
				sqlite3_bind_int(st, 1, migrations[i].version);
				sqlite3_bind_text(st, 2, migrations[i].name, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 3, wh_now_ms());
				ok = sqlite3_step(st) == SQLITE_DONE;
				if (!ok)
					sq_failed(err, "schema_migrations", c->db);
			}
			sqlite3_finalize(st);
		}
		if (sq_tx_end(s, c, ok ? WH_OK : WH_FAILED, err) != WH_OK || !ok)
			return false;
	}
	return true;
}

wh_store *wh_store_sqlite_open(const char *path, wh_sync sync, lexc_error *err)
{
	/* The file is made private before SQLite opens it; its -wal and -shm
	 * files take the database's mode. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	          ((st.st_mode & 077) == 0 || fchmod(fd, 0600) == 0);
	close(fd);
	if (!ok) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		               "not a regular file I can make private");
		return NULL;
	}
	sqlite_store *s = calloc(1, sizeof *s);
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	s->base.ops = &sqlite_ops;
	s->sync = sync;
	pthread_mutex_init(&s->write_lock, NULL);
	pthread_mutex_init(&s->list_lock, NULL);
	if (pthread_key_create(&s->key, conn_release) != 0) {
		pthread_mutex_destroy(&s->write_lock);
		pthread_mutex_destroy(&s->list_lock);
		free(s->path);
		free(s);
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "no thread key");
		return NULL;
	}
	conn *c = sq_conn_get(s, err);
	if (c == NULL || !migrate(s, c, err)) {
		store_close(&s->base);
		return NULL;
	}
	return &s->base;
}
