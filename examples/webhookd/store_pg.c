/* store_pg.c: the store (store.h) on PostgreSQL, for several webhookd
 * processes sharing one database (doc/webhookd.md, "Scaling out").
 *
 * Connections: a pool of at most `pool` per process, opened on demand;
 * an operation borrows one for its transaction and gives it back. Each
 * connection prepares a statement of the table below the first time it
 * runs it; values are only ever bound.
 *
 * Transactions are READ COMMITTED with the same boundaries as on SQLite.
 * Where SQLite relies on its single writer, this store takes row locks:
 * the webhook's row for a change of it, the named secret's row for its
 * rotation and deletion, the DID's counter row for a create (the limit),
 * and unique indexes decide the races that remain (a URL twice, an
 * eventId twice). So the rules hold however many processes write at once.
 *
 * A listener thread keeps one more connection that LISTENs: webhookd_config
 * (another process changed a webhook or a secret: the generation moves)
 * and webhookd_outbox (another process published: delivery wakes). */
#include "config.h"

#include "store.h"
#include "store_pg.h"
#include "webhookd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

/* The schema, one migration per version, as in the SQLite store (the same
 * versions and the same rows, in PostgreSQL's types); each applied in its
 * own transaction under an advisory lock, so processes starting at once
 * migrate one at a time. Never edit a shipped one: add the next. */
static const struct pg_migration {
	int version;
	const char *name;
	const char *sql;
} pg_migrations[] = {
        {1, "management API: keys, named secrets, webhooks, secrets",
         "CREATE TABLE api_keys ("
         " id text PRIMARY KEY,"
         " did text NOT NULL,"
         " operator boolean NOT NULL,"
         " hash bytea NOT NULL UNIQUE,"
         " created_at bigint NOT NULL,"
         " revoked_at bigint NOT NULL DEFAULT 0);"
         "CREATE TABLE named_secrets ("
         " did text NOT NULL,"
         " name text NOT NULL,"
         " created_at bigint NOT NULL,"
         " last_rotated_at bigint NOT NULL DEFAULT 0,"
         " PRIMARY KEY (did, name));"
         "CREATE TABLE webhooks ("
         " id text PRIMARY KEY,"
         " did text NOT NULL,"
         " url text NOT NULL,"
         " events integer NOT NULL,"
         " status integer NOT NULL,"
         " prefix text, suffix text, name text, description text,"
         " rewrite bytea, mute_words bytea,"
         " created_at bigint NOT NULL,"
         " updated_at bigint NOT NULL DEFAULT 0,"
         " last_triggered bigint NOT NULL DEFAULT 0,"
         " error_count bigint NOT NULL DEFAULT 0,"
         " secret_name text,"
         " UNIQUE (did, url),"
         " FOREIGN KEY (did, secret_name) REFERENCES named_secrets (did, name));"
         "CREATE INDEX webhooks_by_did ON webhooks (did, id);"
         "CREATE TABLE webhook_counts ("
         " did text PRIMARY KEY,"
         " webhooks integer NOT NULL CHECK (webhooks >= 0));"
         "CREATE TABLE secrets ("
         " id text PRIMARY KEY,"
         " did text NOT NULL,"
         " webhook_id text REFERENCES webhooks (id),"
         " secret_name text,"
         " sealed bytea NOT NULL,"
         " created_at bigint NOT NULL,"
         " expires_at bigint NOT NULL DEFAULT 0,"
         " FOREIGN KEY (did, secret_name) REFERENCES named_secrets (did, name),"
         " CHECK ((webhook_id IS NULL) <> (secret_name IS NULL)));"
         "CREATE INDEX secrets_by_webhook ON secrets (webhook_id, expires_at);"
         "CREATE INDEX secrets_by_name ON secrets (did, secret_name, expires_at);"},
        {2, "delivery: events, deliveries, attempts; webhook formats",
         "ALTER TABLE webhooks ADD COLUMN format integer NOT NULL DEFAULT 0;"
         "ALTER TABLE webhooks ADD COLUMN failing_since bigint NOT NULL DEFAULT 0;"
         /* dedup: the event holds its (did, event_id) for the window; the
          * partial unique index makes two processes publishing one id at
          * once store it once. */
         "CREATE TABLE events ("
         " seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
         " did text NOT NULL,"
         " event_id text NOT NULL,"
         " dedup boolean NOT NULL DEFAULT true,"
         " type integer NOT NULL,"
         " body text NOT NULL,"
         " created_at bigint NOT NULL);"
         "CREATE UNIQUE INDEX events_by_id ON events (did, event_id) WHERE dedup;"
         /* The outbox, shared by every process. state: 0 pending,
          * 1 delivered, 2 failed, 3 muted, 4 cancelled. A claim is
          * claimed_by (the process's random id) and lease_until (ms): a
          * pending delivery whose lease has lapsed is anyone's. */
         "CREATE TABLE deliveries ("
         " seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
         " message_id text NOT NULL,"
         " event_seq bigint NOT NULL REFERENCES events (seq) ON DELETE CASCADE,"
         " webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,"
         " state integer NOT NULL DEFAULT 0,"
         " claimed_by text,"
         " lease_until bigint NOT NULL DEFAULT 0,"
         " tries integer NOT NULL DEFAULT 0,"
         " next_at bigint NOT NULL,"
         " updated_at bigint NOT NULL,"
         " UNIQUE (event_seq, webhook_id));"
         /* The claim walks the webhooks with pending deliveries in id
          * order and takes each one's earliest due. */
         "CREATE INDEX deliveries_pending ON deliveries (webhook_id, next_at) WHERE state = 0;"
         "CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 0;"
         "CREATE INDEX deliveries_claimed ON deliveries (claimed_by) WHERE claimed_by IS NOT NULL;"
         "CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id);"
         "CREATE TABLE attempts ("
         " seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
         " delivery_seq bigint NOT NULL REFERENCES deliveries (seq) ON DELETE CASCADE,"
         " webhook_id text NOT NULL,"
         " event_seq bigint NOT NULL,"
         " number integer NOT NULL,"
         " created_at bigint NOT NULL,"
         " duration_ms bigint NOT NULL,"
         " outcome integer NOT NULL,"
         " status integer NOT NULL DEFAULT 0,"
         " error_class text, error text, headers text, body bytea,"
         " truncated boolean NOT NULL DEFAULT false,"
         " next_at bigint NOT NULL DEFAULT 0);"
         "CREATE INDEX attempts_by_webhook ON attempts (webhook_id, seq);"
         "CREATE INDEX attempts_by_event ON attempts (event_seq, seq);"
         "CREATE INDEX attempts_by_delivery ON attempts (delivery_seq);"},
        {3, "record webhooks (place.wisp.v2.wh) and the event stream's cursor",
         "ALTER TABLE webhooks ADD COLUMN target_url text;"
         "ALTER TABLE webhooks ADD COLUMN scope text;"
         "ALTER TABLE webhooks ADD COLUMN backlinks boolean NOT NULL DEFAULT false;"
         "ALTER TABLE webhooks ADD COLUMN wisp_sign boolean NOT NULL DEFAULT false;"
         "CREATE TABLE stream_cursor ("
         " source text PRIMARY KEY,"
         " time_us bigint NOT NULL,"
         " updated_at bigint NOT NULL);"},
};

static const struct {
	const char *name;
	const char *sql;
} pg_statements[PG_STMT_COUNT_] = {
#define PG_STMT_ROW_(id, sql) {#id, sql},
        PG_STATEMENTS(PG_STMT_ROW_)
#undef PG_STMT_ROW_
};

pg_store *pg_store_of(wh_store *s)
{
	return (pg_store *)s;
}

wh_result pg_failed(lexc_error *err, const char *what, PGconn *db)
{
	const char *msg = db != NULL ? PQerrorMessage(db) : "no connection";
	size_t len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "%s: %.*s", what, (int)len, msg);
	return WH_FAILED;
}

/* Parameters ----------------------------------------------------------------- */

void pg_p_init(pg_params *p)
{
	memset(p, 0, sizeof *p);
}

static void pg_p_add(pg_params *p, const char *v, int len, int format)
{
	if (p->n == PG_MAX_PARAMS)
		abort(); /* a statement of ours with too many parameters: a bug */
	p->values[p->n] = v;
	p->lengths[p->n] = len;
	p->formats[p->n] = format;
	p->n++;
}

/* A text parameter must be NUL-terminated for libpq: strings that are not
 * go as binary text (a text value's binary form is its bytes). */
void pg_p_str(pg_params *p, lexc_str s)
{
	if (s.ptr == NULL)
		pg_p_add(p, NULL, 0, 0);
	else
		pg_p_add(p, s.ptr, (int)s.len, 1);
}

void pg_p_cstr(pg_params *p, const char *s)
{
	pg_p_add(p, s, 0, 0);
}

void pg_p_int(pg_params *p, int64_t v)
{
	char *buf = p->ints[p->n < PG_MAX_PARAMS ? p->n : 0];
	snprintf(buf, sizeof p->ints[0], "%lld", (long long)v);
	pg_p_add(p, buf, 0, 0);
}

void pg_p_bool(pg_params *p, bool v)
{
	pg_p_add(p, v ? "t" : "f", 0, 0);
}

void pg_p_null(pg_params *p)
{
	pg_p_add(p, NULL, 0, 0);
}

void pg_p_bytes(pg_params *p, const void *data, size_t len)
{
	pg_p_add(p, data != NULL ? data : NULL, (int)len, 1);
}

/* Columns --------------------------------------------------------------------- */

bool pg_col_null(PGresult *res, int r, int col)
{
	return PQgetisnull(res, r, col) != 0;
}

lexc_str pg_col_str(PGresult *res, int r, int col, lexc_arena *a)
{
	if (PQgetisnull(res, r, col))
		return lexc_str_borrow(NULL);
	return lexc_str_copy_n(a, PQgetvalue(res, r, col), (size_t)PQgetlength(res, r, col));
}

int64_t pg_col_int(PGresult *res, int r, int col)
{
	return PQgetisnull(res, r, col) ? 0 : strtoll(PQgetvalue(res, r, col), NULL, 10);
}

bool pg_col_bool(PGresult *res, int r, int col)
{
	return !PQgetisnull(res, r, col) && PQgetvalue(res, r, col)[0] == 't';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool pg_col_bytes(PGresult *res, int r, int col, lexc_arena *a, const unsigned char **data,
                  size_t *len)
{
	*data = NULL;
	*len = 0;
	if (PQgetisnull(res, r, col))
		return true;
	const char *v = PQgetvalue(res, r, col);
	size_t n = (size_t)PQgetlength(res, r, col);
	if (n < 2 || v[0] != '\\' || v[1] != 'x' || n % 2 != 0)
		return false;
	size_t out_len = (n - 2) / 2;
	unsigned char *out = lexc_arena_alloc(a, out_len ? out_len : 1);
	if (out == NULL)
		return false;
	for (size_t i = 0; i < out_len; i++) {
		int hi = hex_digit(v[2 + 2 * i]), lo = hex_digit(v[3 + 2 * i]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*data = out;
	*len = out_len;
	return true;
}

/* Statements -------------------------------------------------------------------- */

PGresult *pg_exec(pg_conn *c, enum pg_stmt_id id, const pg_params *p, char sqlstate[6],
                  lexc_error *err)
{
	if (sqlstate != NULL)
		sqlstate[0] = '\0';
	if (wh_test_fail(pg_statements[id].name)) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "injected failure in %s",
		               pg_statements[id].name);
		return NULL;
	}
	char name[16];
	snprintf(name, sizeof name, "wh%d", (int)id);
	if (!c->prepared[id]) {
		PGresult *prep = PQprepare(c->db, name, pg_statements[id].sql, 0, NULL);
		bool ok = prep != NULL && PQresultStatus(prep) == PGRES_COMMAND_OK;
		if (!ok) {
			pg_failed(err, pg_statements[id].name, c->db);
			PQclear(prep);
			return NULL;
		}
		PQclear(prep);
		c->prepared[id] = true;
	}
	static const pg_params none;
	if (p == NULL)
		p = &none;
	PGresult *res = PQexecPrepared(c->db, name, p->n, p->values, p->lengths, p->formats, 0);
	ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	const char *code = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (sqlstate != NULL && code != NULL) {
		strncpy(sqlstate, code, 5);
		sqlstate[5] = '\0';
	}
	pg_failed(err, pg_statements[id].name, c->db);
	PQclear(res);
	return NULL;
}

wh_result pg_run(pg_conn *c, enum pg_stmt_id id, const pg_params *p, wh_result on_constraint,
                 int64_t *changes, lexc_error *err)
{
	char state[6];
	PGresult *res = pg_exec(c, id, p, state, err);
	if (res == NULL)
		return state[0] == '2' && state[1] == '3' && on_constraint != WH_FAILED
		               ? on_constraint
		               : WH_FAILED;
	if (changes != NULL) {
		const char *n = PQcmdTuples(res);
		*changes = n[0] != '\0' ? strtoll(n, NULL, 10) : 0;
	}
	PQclear(res);
	return WH_OK;
}

/* A one-row query: 1 a row (res kept for the caller), 0 none, -1 failed. */
static int pg_one(pg_conn *c, enum pg_stmt_id id, const pg_params *p, PGresult **res,
                  lexc_error *err)
{
	*res = pg_exec(c, id, p, NULL, err);
	if (*res == NULL)
		return -1;
	if (PQntuples(*res) > 0)
		return 1;
	PQclear(*res);
	*res = NULL;
	return 0;
}

/* Whether a query has a row: 1, 0, or -1 failed. */
static int pg_exists(pg_conn *c, enum pg_stmt_id id, const pg_params *p, lexc_error *err)
{
	PGresult *res;
	int got = pg_one(c, id, p, &res, err);
	PQclear(res);
	return got;
}

/* The pool ----------------------------------------------------------------------- */

static bool simple(PGconn *db, const char *sql, lexc_error *err)
{
	PGresult *res = PQexec(db, sql);
	bool ok = res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
	                          PQresultStatus(res) == PGRES_TUPLES_OK);
	if (!ok)
		pg_failed(err, sql, db);
	PQclear(res);
	return ok;
}

/* Every session: named in pg_stat_activity, a statement stuck on a lock
 * fails rather than hangs, and the server's NOTICEs (a migration's "already
 * exists") stay out of webhookd's log. */
#define PG_SESSION_SETUP                                                                           \
	"SET application_name = 'webhookd'; SET lock_timeout = '10s';"                             \
	" SET client_min_messages = warning"

/* libpq's message for a failed connection names host and port, never the
 * password. */
static PGconn *connect_db(pg_store *s, lexc_error *err)
{
	PGconn *db = PQconnectdb(s->conninfo);
	if (db == NULL || PQstatus(db) != CONNECTION_OK) {
		pg_failed(err, "cannot connect to PostgreSQL", db);
		PQfinish(db);
		return NULL;
	}
	if (!simple(db, PG_SESSION_SETUP, err)) {
		PQfinish(db);
		return NULL;
	}
	return db;
}

pg_conn *pg_conn_get(pg_store *s, lexc_error *err)
{
	pthread_mutex_lock(&s->pool_lock);
	while (s->idle == NULL && s->open >= s->pool_max)
		pthread_cond_wait(&s->pool_cond, &s->pool_lock);
	pg_conn *c = s->idle;
	if (c != NULL) {
		s->idle = c->next;
		pthread_mutex_unlock(&s->pool_lock);
		c->next = NULL;
		if (PQstatus(c->db) == CONNECTION_OK)
			return c;
		/* Broken since it was last used (a restart of the server): a
		 * new session, whose statements are not prepared yet. */
		PQreset(c->db);
		memset(c->prepared, 0, sizeof c->prepared);
		if (PQstatus(c->db) == CONNECTION_OK && simple(c->db, PG_SESSION_SETUP, err))
			return c;
		pg_failed(err, "cannot reconnect to PostgreSQL", c->db);
		PQfinish(c->db);
		free(c);
		pthread_mutex_lock(&s->pool_lock);
		s->open--;
		pthread_cond_signal(&s->pool_cond);
		pthread_mutex_unlock(&s->pool_lock);
		return NULL;
	}
	s->open++;
	pthread_mutex_unlock(&s->pool_lock);
	c = calloc(1, sizeof *c);
	if (c != NULL && (c->db = connect_db(s, err)) != NULL)
		return c;
	if (c == NULL)
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
	free(c);
	pthread_mutex_lock(&s->pool_lock);
	s->open--;
	pthread_cond_signal(&s->pool_cond);
	pthread_mutex_unlock(&s->pool_lock);
	return NULL;
}

void pg_conn_put(pg_store *s, pg_conn *c)
{
	if (c == NULL)
		return;
	/* A connection left inside a transaction (a failed ROLLBACK) or
	 * broken is not given to the next caller. */
	if (c->in_tx || PQstatus(c->db) != CONNECTION_OK ||
	    PQtransactionStatus(c->db) != PQTRANS_IDLE) {
		PQfinish(c->db);
		free(c);
		pthread_mutex_lock(&s->pool_lock);
		s->open--;
		pthread_cond_signal(&s->pool_cond);
		pthread_mutex_unlock(&s->pool_lock);
		return;
	}
	pthread_mutex_lock(&s->pool_lock);
	c->next = s->idle;
	s->idle = c;
	pthread_cond_signal(&s->pool_cond);
	pthread_mutex_unlock(&s->pool_lock);
}

/* Transactions ------------------------------------------------------------------- */

static wh_result tx_begin(pg_store *s, pg_conn **out, const char *begin, lexc_error *err)
{
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	if (wh_test_fail("BEGIN_WRITE")) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "injected failure in BEGIN_WRITE");
		pg_conn_put(s, c);
		return WH_FAILED;
	}
	if (!simple(c->db, begin, err)) {
		pg_conn_put(s, c);
		return WH_FAILED;
	}
	c->in_tx = true;
	*out = c;
	return WH_OK;
}

wh_result pg_tx_begin(pg_store *s, pg_conn **out, lexc_error *err)
{
	return tx_begin(s, out, "BEGIN", err);
}

wh_result pg_tx_begin_relaxed(pg_store *s, pg_conn **out, lexc_error *err)
{
	return tx_begin(s, out, "BEGIN; SET LOCAL synchronous_commit = off", err);
}

wh_result pg_tx_end(pg_store *s, pg_conn *c, wh_result r, bool changes_config, lexc_error *err)
{
	if (r == WH_OK && changes_config)
		r = pg_run(c, PG_NOTIFY_CONFIG, NULL, WH_FAILED, NULL, err);
	if (r == WH_OK && wh_test_fail("COMMIT")) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "injected failure in COMMIT");
		r = WH_FAILED;
	}
	if (r == WH_OK && !simple(c->db, "COMMIT", err))
		r = WH_FAILED;
	if (r != WH_OK) {
		lexc_error ignored;
		lexc_error_clear(&ignored);
		if (PQtransactionStatus(c->db) != PQTRANS_IDLE)
			simple(c->db, "ROLLBACK", &ignored);
	}
	c->in_tx = PQtransactionStatus(c->db) != PQTRANS_IDLE;
	if (r == WH_OK && changes_config)
		atomic_fetch_add(&s->generation, 1);
	pg_conn_put(s, c);
	return r;
}

/* Webhook rows ------------------------------------------------------------------- */

/* WEBHOOK_INSERT's 16 parameters; WEBHOOK_UPDATE takes the first 11 and
 * updated_at as the 12th (update: true). */
static void params_webhook(pg_params *p, const wh_webhook *w, const void *rewrite,
                           size_t rewrite_len, const void *mute, size_t mute_len, bool update)
{
	pg_p_init(p);
	pg_p_str(p, w->id);
	pg_p_str(p, w->did);
	pg_p_str(p, w->url);
	pg_p_int(p, w->events);
	pg_p_int(p, w->status);
	pg_p_str(p, w->prefix);
	pg_p_str(p, w->suffix);
	pg_p_str(p, w->name);
	pg_p_str(p, w->description);
	pg_p_bytes(p, rewrite, rewrite_len);
	pg_p_bytes(p, mute, mute_len);
	if (update) {
		pg_p_int(p, w->updated_at);
		return;
	}
	pg_p_int(p, w->created_at);
	pg_p_int(p, w->updated_at);
	pg_p_int(p, w->last_triggered);
	pg_p_int(p, w->error_count);
	pg_p_str(p, w->secret_name);
}

/* Reads a PG_WEBHOOK_COLUMNS row (and format). */
static bool read_webhook(PGresult *res, int r, lexc_arena *a, wh_webhook *w)
{
	memset(w, 0, sizeof *w);
	w->id = pg_col_str(res, r, 0, a);
	w->did = pg_col_str(res, r, 1, a);
	w->url = pg_col_str(res, r, 2, a);
	w->events = (uint32_t)pg_col_int(res, r, 3);
	w->status = (wh_status)pg_col_int(res, r, 4);
	w->prefix = pg_col_str(res, r, 5, a);
	w->suffix = pg_col_str(res, r, 6, a);
	w->name = pg_col_str(res, r, 7, a);
	w->description = pg_col_str(res, r, 8, a);
	const unsigned char *rewrite, *mute;
	size_t rewrite_len, mute_len;
	if (!pg_col_bytes(res, r, 9, a, &rewrite, &rewrite_len) ||
	    !pg_col_bytes(res, r, 10, a, &mute, &mute_len) ||
	    !wh_webhook_lists_decode(a, w, !pg_col_null(res, r, 9), rewrite, rewrite_len,
	                             !pg_col_null(res, r, 10), mute, mute_len))
		return false;
	w->created_at = pg_col_int(res, r, 11);
	w->updated_at = pg_col_int(res, r, 12);
	w->last_triggered = pg_col_int(res, r, 13);
	w->error_count = pg_col_int(res, r, 14);
	w->secret_name = pg_col_str(res, r, 15, a);
	w->format = (wh_format)pg_col_int(res, r, 16);
	if (!pg_col_null(res, r, 17)) {
		w->record_uri = w->url;
		w->url = pg_col_str(res, r, 17, a);
		w->wisp_sign = pg_col_bool(res, r, 18);
	}
	return w->id.ptr != NULL && w->did.ptr != NULL && w->url.ptr != NULL;
}

static void params_did_name(pg_params *p, lexc_str did, lexc_str name)
{
	pg_p_init(p);
	pg_p_str(p, did);
	pg_p_str(p, name);
}

/* The webhook `id` of `did`, into *w (arena); `locked`: FOR UPDATE, inside
 * a write transaction. */
static wh_result load_webhook(pg_conn *c, lexc_str did, lexc_str id, bool locked, lexc_arena *a,
                              wh_webhook *w, lexc_error *err)
{
	pg_params p;
	params_did_name(&p, did, id);
	PGresult *res;
	int got = pg_one(c, locked ? PG_WEBHOOK_GET_LOCKED : PG_WEBHOOK_GET, &p, &res, err);
	wh_result r = got < 0 ? WH_FAILED : got == 0 ? WH_NOT_FOUND : WH_OK;
	if (r == WH_OK && !read_webhook(res, 0, a, w)) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "webhook %.*s: a damaged row",
		               (int)id.len, id.ptr);
		r = WH_FAILED;
	}
	PQclear(res);
	return r;
}

/* API keys ------------------------------------------------------------------------ */

static wh_result key_create(wh_store *base, const wh_api_key *k, const unsigned char hash[32],
                            lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, k->id);
	pg_p_str(&p, k->did);
	pg_p_bool(&p, k->operator_key);
	pg_p_bytes(&p, hash, 32);
	pg_p_int(&p, k->created_at);
	r = pg_run(c, PG_KEY_INSERT, &p, WH_FAILED, NULL, err);
	return pg_tx_end(s, c, r, true, err);
}

static bool read_key(PGresult *res, int r, lexc_arena *a, wh_api_key *k)
{
	memset(k, 0, sizeof *k);
	k->id = pg_col_str(res, r, 0, a);
	k->did = pg_col_str(res, r, 1, a);
	k->operator_key = pg_col_bool(res, r, 2);
	k->created_at = pg_col_int(res, r, 3);
	k->revoked_at = pg_col_int(res, r, 4);
	const unsigned char *hash;
	size_t len;
	if (pg_col_bytes(res, r, 5, a, &hash, &len) && len == 32)
		memcpy(k->hash, hash, 32);
	return k->id.ptr != NULL && k->did.ptr != NULL;
}

static wh_result key_lookup(wh_store *base, const unsigned char hash[32], lexc_arena *a,
                            wh_api_key *out, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	pg_params p;
	pg_p_init(&p);
	pg_p_bytes(&p, hash, 32);
	PGresult *res;
	int got = pg_one(c, PG_KEY_BY_HASH, &p, &res, err);
	wh_result r = got < 0 ? WH_FAILED : got == 0 ? WH_NOT_FOUND : WH_OK;
	if (r == WH_OK && !read_key(res, 0, a, out))
		r = WH_FAILED;
	PQclear(res);
	pg_conn_put(s, c);
	return r;
}

static wh_result key_list(wh_store *base, lexc_arena *a, wh_api_key **out, size_t *n,
                          lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	PGresult *res = pg_exec(c, PG_KEY_ALL, NULL, NULL, err);
	pg_conn_put(s, c);
	if (res == NULL)
		return WH_FAILED;
	int rows = PQntuples(res);
	wh_api_key *keys = lexc_arena_calloc(a, rows ? (size_t)rows : 1, sizeof *keys);
	wh_result r = keys != NULL ? WH_OK : WH_FAILED;
	for (int i = 0; r == WH_OK && i < rows; i++)
		if (!read_key(res, i, a, &keys[i]))
			r = WH_FAILED;
	PQclear(res);
	if (r != WH_OK) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return r;
	}
	*out = keys;
	*n = (size_t)rows;
	return WH_OK;
}

static wh_result key_revoke(wh_store *base, lexc_str id, int64_t now, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, id);
	pg_p_int(&p, now);
	int64_t changed = 0;
	r = pg_run(c, PG_KEY_REVOKE, &p, WH_FAILED, &changed, err);
	if (r == WH_OK && changed == 0)
		r = WH_NOT_FOUND;
	return pg_tx_end(s, c, r, true, err);
}

/* Secrets of an owner: a webhook (webhook_id) or a named secret (name). ------- */

typedef struct owner {
	lexc_str webhook_id, name, did;
} owner;

static void params_owner(pg_params *p, const owner *o)
{
	pg_p_init(p);
	pg_p_str(p, o->webhook_id);
	pg_p_str(p, o->name);
	pg_p_str(p, o->did);
}

static wh_result secret_insert(pg_conn *c, const owner *o, const wh_new_secret *sec,
                               lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, sec->id);
	pg_p_str(&p, o->did);
	pg_p_str(&p, o->webhook_id);
	pg_p_str(&p, o->name);
	pg_p_bytes(&p, sec->sealed.data, sec->sealed.len);
	pg_p_int(&p, sec->now);
	return pg_run(c, PG_SECRET_INSERT, &p, WH_FAILED, NULL, err);
}

/* Rotation inside a transaction that holds the owner's row lock: purge what
 * expired, refuse an eleventh retired secret, retire (or with no grace
 * delete) the current one, and make `sec` current. */
static wh_result rotate(pg_conn *c, const owner *o, const wh_new_secret *sec, int64_t grace_ms,
                        lexc_arena *a, lexc_str *retired_id, int64_t *retired_until,
                        lexc_error *err)
{
	int64_t now = sec->now;
	pg_params p;
	params_owner(&p, o);
	pg_p_int(&p, now);
	wh_result r = pg_run(c, PG_SECRET_PURGE, &p, WH_FAILED, NULL, err);
	if (r != WH_OK)
		return r;
	PGresult *res;
	if (grace_ms > 0) {
		int got = pg_one(c, PG_SECRET_RETIRED_COUNT, &p, &res, err);
		int64_t retired = got == 1 ? pg_col_int(res, 0, 0) : 0;
		PQclear(res);
		if (got != 1)
			return WH_FAILED;
		if (retired >= WH_MAX_RETIRED)
			return WH_TOO_MANY_RETIRED;
	}
	params_owner(&p, o);
	int got = pg_one(c, PG_SECRET_CURRENT, &p, &res, err);
	lexc_str current = got == 1 ? pg_col_str(res, 0, 0, a) : lexc_str_borrow(NULL);
	PQclear(res);
	if (got < 0)
		return WH_FAILED;
	*retired_id = current;
	*retired_until = 0;
	if (current.ptr != NULL) {
		pg_p_init(&p);
		pg_p_str(&p, current);
		if (grace_ms > 0) {
			pg_p_int(&p, now + grace_ms);
			*retired_until = now + grace_ms;
		}
		r = pg_run(c, grace_ms > 0 ? PG_SECRET_RETIRE : PG_SECRET_DELETE, &p, WH_FAILED,
		           NULL, err);
		if (r != WH_OK)
			return r;
	}
	return secret_insert(c, o, sec, err);
}

/* Named secrets ------------------------------------------------------------------- */

/* Whether the named secret exists, its row locked for this transaction:
 * 1, 0, -1. */
static int named_lock(pg_conn *c, lexc_str did, lexc_str name, lexc_error *err)
{
	pg_params p;
	params_did_name(&p, did, name);
	return pg_exists(c, PG_NAMED_LOCK, &p, err);
}

static wh_result secret_create(wh_store *base, lexc_str did, lexc_str name,
                               const wh_new_secret *sec, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	/* Two processes creating one name at once: the primary key decides. */
	pg_params p;
	params_did_name(&p, did, name);
	pg_p_int(&p, sec->now);
	r = pg_run(c, PG_NAMED_INSERT, &p, WH_ALREADY_EXISTS, NULL, err);
	owner o = {lexc_str_borrow(NULL), name, did};
	if (r == WH_OK)
		r = secret_insert(c, &o, sec, err);
	return pg_tx_end(s, c, r, true, err);
}

static wh_result secret_rotate(wh_store *base, lexc_str did, lexc_str name,
                               const wh_new_secret *sec, int64_t grace_ms, int64_t *retired_until,
                               lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	lexc_arena a;
	lexc_arena_init(&a);
	int got = named_lock(c, did, name, err);
	if (got != 1) {
		r = got < 0 ? WH_FAILED : WH_NOT_FOUND;
	} else {
		owner o = {lexc_str_borrow(NULL), name, did};
		lexc_str retired_id;
		r = rotate(c, &o, sec, grace_ms, &a, &retired_id, retired_until, err);
		if (r == WH_OK) {
			pg_params p;
			params_did_name(&p, did, name);
			pg_p_int(&p, sec->now);
			r = pg_run(c, PG_NAMED_ROTATED, &p, WH_FAILED, NULL, err);
		}
	}
	lexc_arena_free(&a);
	return pg_tx_end(s, c, r, true, err);
}

static wh_result secret_list(wh_store *base, lexc_str did, lexc_arena *a, wh_named_secret **out,
                             size_t *n, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	PGresult *res = pg_exec(c, PG_NAMED_LIST, &p, NULL, err);
	pg_conn_put(s, c);
	if (res == NULL)
		return WH_FAILED;
	int rows = PQntuples(res);
	wh_named_secret *items = lexc_arena_calloc(a, rows ? (size_t)rows : 1, sizeof *items);
	bool ok = items != NULL;
	for (int i = 0; ok && i < rows; i++) {
		items[i].name = pg_col_str(res, i, 0, a);
		items[i].created_at = pg_col_int(res, i, 1);
		items[i].last_rotated_at = pg_col_int(res, i, 2);
		ok = items[i].name.ptr != NULL;
	}
	PQclear(res);
	if (!ok) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return WH_FAILED;
	}
	*out = items;
	*n = (size_t)rows;
	return WH_OK;
}

static wh_result run_did_name(pg_conn *c, enum pg_stmt_id id, lexc_str did, lexc_str name,
                              wh_result on_constraint, int64_t *changes, lexc_error *err)
{
	pg_params p;
	params_did_name(&p, did, name);
	return pg_run(c, id, &p, on_constraint, changes, err);
}

static wh_result secret_delete(wh_store *base, lexc_str did, lexc_str name, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	/* The lock makes a bind in another process wait for this delete (its
	 * foreign key check); one that committed first is seen as in use. */
	int got = named_lock(c, did, name, err);
	if (got != 1) {
		r = got < 0 ? WH_FAILED : WH_NOT_FOUND;
	} else {
		pg_params p;
		params_did_name(&p, did, name);
		got = pg_exists(c, PG_NAMED_IN_USE, &p, err);
		r = got < 0 ? WH_FAILED : got == 1 ? WH_SECRET_IN_USE : WH_OK;
		if (r == WH_OK)
			r = run_did_name(c, PG_NAMED_DELETE_SECRETS, did, name, WH_FAILED, NULL,
			                 err);
		if (r == WH_OK)
			r = run_did_name(c, PG_NAMED_DELETE, did, name, WH_SECRET_IN_USE, NULL,
			                 err);
	}
	return pg_tx_end(s, c, r, true, err);
}

/* Webhooks -------------------------------------------------------------------------- */

/* Whether another webhook of `did` than `except` has `url`: 1, 0, -1. */
static int url_taken(pg_conn *c, lexc_str did, lexc_str url, lexc_str except, lexc_error *err)
{
	pg_params p;
	params_did_name(&p, did, url);
	pg_p_str(&p, except.ptr != NULL ? except : LEXC_STR(""));
	return pg_exists(c, PG_WEBHOOK_URL_TAKEN, &p, err);
}

static wh_result webhook_create(wh_store *base, const wh_webhook *w, const wh_new_secret *sec,
                                size_t max_per_did, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	lexc_arena a;
	lexc_arena_init(&a);
	const void *rewrite, *mute;
	size_t rewrite_len, mute_len;
	if (!wh_webhook_lists_encode(&a, w, &rewrite, &rewrite_len, &mute, &mute_len)) {
		lexc_arena_free(&a);
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return WH_FAILED;
	}
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK) {
		lexc_arena_free(&a);
		return r;
	}
	int got = url_taken(c, w->did, w->url, lexc_str_borrow(NULL), err);
	r = got < 0 ? WH_FAILED : got == 1 ? WH_DUPLICATE : WH_OK;
	/* Counts the webhook in, unless the DID has max_per_did already. The
	 * upsert locks the DID's counter row: creates of one DID take turns
	 * across processes. A URL another process added since the check
	 * above trips the unique index: WH_DUPLICATE all the same. */
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, w->did);
	pg_p_int(&p, (int64_t)max_per_did);
	int64_t changed = 0;
	if (r == WH_OK)
		r = pg_run(c, PG_WEBHOOK_COUNT_UP, &p, WH_FAILED, &changed, err);
	if (r == WH_OK && changed == 0)
		r = WH_TOO_MANY;
	if (r == WH_OK) {
		params_webhook(&p, w, rewrite, rewrite_len, mute, mute_len, false);
		r = pg_run(c, PG_WEBHOOK_INSERT, &p, WH_DUPLICATE, NULL, err);
	}
	owner o = {w->id, lexc_str_borrow(NULL), w->did};
	if (r == WH_OK)
		r = secret_insert(c, &o, sec, err);
	r = pg_tx_end(s, c, r, true, err);
	lexc_arena_free(&a);
	return r;
}

static wh_result webhook_get(wh_store *base, lexc_str did, lexc_str id, lexc_arena *a,
                             wh_webhook *out, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	wh_result r = load_webhook(c, did, id, false, a, out, err);
	pg_conn_put(s, c);
	return r;
}

static wh_result webhook_list(wh_store *base, lexc_str did, const wh_list_query *q, lexc_arena *a,
                              wh_webhook **out, size_t *n, bool *more, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*more = false;
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, q->after_id.ptr != NULL ? q->after_id : LEXC_STR(""));
	if (q->has_active)
		pg_p_bool(&p, q->active);
	else
		pg_p_null(&p);
	pg_p_int(&p, q->event);
	pg_p_int(&p, (int64_t)q->limit + 1); /* one more says whether there is more */
	PGresult *res = pg_exec(c, PG_WEBHOOK_PAGE, &p, NULL, err);
	pg_conn_put(s, c);
	if (res == NULL)
		return WH_FAILED;
	size_t rows = (size_t)PQntuples(res);
	wh_webhook *items = lexc_arena_calloc(a, q->limit ? q->limit : 1, sizeof *items);
	wh_result r = WH_OK;
	size_t count = 0;
	if (items == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		r = WH_FAILED;
	}
	for (size_t i = 0; r == WH_OK && i < rows; i++) {
		if (count == q->limit) {
			*more = true;
			break;
		}
		if (!read_webhook(res, (int)i, a, &items[count++])) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "a damaged webhook row");
			r = WH_FAILED;
		}
	}
	PQclear(res);
	if (r != WH_OK)
		return r;
	*out = items;
	*n = count;
	return WH_OK;
}

static wh_result webhook_update(wh_store *base, lexc_str did, lexc_str id,
                                const wh_webhook_patch *p, lexc_arena *a, wh_webhook *out,
                                lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	wh_webhook w;
	r = load_webhook(c, did, id, true, a, &w, err);
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
	if (r == WH_OK) {
		pg_params q;
		params_webhook(&q, &w, rewrite, rewrite_len, mute, mute_len, true);
		r = pg_run(c, PG_WEBHOOK_UPDATE, &q, WH_DUPLICATE, NULL, err);
	}
	r = pg_tx_end(s, c, r, true, err);
	if (r == WH_OK)
		*out = w;
	return r;
}

static wh_result webhook_delete(wh_store *base, lexc_str did, lexc_str id, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	int64_t changed = 0;
	r = run_did_name(c, PG_WEBHOOK_DELETE_SECRETS, did, id, WH_FAILED, NULL, err);
	if (r == WH_OK)
		r = run_did_name(c, PG_WEBHOOK_DELETE, did, id, WH_FAILED, &changed, err);
	if (r == WH_OK && changed == 0)
		r = WH_NOT_FOUND;
	if (r == WH_OK) {
		pg_params p;
		pg_p_init(&p);
		pg_p_str(&p, did);
		r = pg_run(c, PG_WEBHOOK_COUNT_DOWN, &p, WH_FAILED, NULL, err);
	}
	return pg_tx_end(s, c, r, true, err);
}

/* The webhook's row, locked, inside a write transaction; WH_ARCHIVED for an
 * archived one. */
static wh_result load_state(pg_conn *c, lexc_str did, lexc_str id, lexc_arena *a, wh_webhook *w,
                            lexc_error *err)
{
	wh_result r = load_webhook(c, did, id, true, a, w, err);
	if (r == WH_OK && w->record_uri.ptr != NULL)
		return WH_NOT_FOUND; /* a record webhook: its record says what it is */
	return r == WH_OK && w->status == WH_STATUS_ARCHIVED ? WH_ARCHIVED : r;
}

/* Sets one integer column of a live webhook through statement `which`
 * ($1 did, $2 id, $3 the value, $4 now). */
static wh_result set_column(wh_store *base, enum pg_stmt_id which, lexc_str did, lexc_str id,
                            int value, int64_t now, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	lexc_arena a;
	lexc_arena_init(&a);
	wh_webhook w;
	r = load_state(c, did, id, &a, &w, err);
	lexc_arena_free(&a);
	if (r == WH_OK) {
		pg_params p;
		params_did_name(&p, did, id);
		pg_p_int(&p, value);
		pg_p_int(&p, now);
		r = pg_run(c, which, &p, WH_FAILED, NULL, err);
	}
	return pg_tx_end(s, c, r, true, err);
}

static wh_result webhook_set_status(wh_store *base, lexc_str did, lexc_str id, wh_status status,
                                    int64_t now, lexc_error *err)
{
	return set_column(base, PG_WEBHOOK_SET_STATUS, did, id, (int)status, now, err);
}

static wh_result webhook_set_format(wh_store *base, lexc_str did, lexc_str id, wh_format format,
                                    int64_t now, lexc_error *err)
{
	return set_column(base, PG_WEBHOOK_SET_FORMAT, did, id, (int)format, now, err);
}

static wh_result webhook_bind(wh_store *base, lexc_str did, lexc_str id, lexc_str name, int64_t now,
                              lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	lexc_arena a;
	lexc_arena_init(&a);
	wh_webhook w;
	r = load_state(c, did, id, &a, &w, err);
	if (r == WH_OK && name.ptr != NULL) {
		pg_params p;
		params_did_name(&p, did, name);
		int got = pg_exists(c, PG_NAMED_EXISTS, &p, err);
		r = got < 0 ? WH_FAILED : got == 0 ? WH_SECRET_NOT_FOUND : WH_OK;
	}
	if (r == WH_OK) {
		/* A delete of the name committed since the check: the foreign
		 * key fails, WH_SECRET_NOT_FOUND all the same. */
		pg_params p;
		params_did_name(&p, did, id);
		pg_p_str(&p, name);
		pg_p_int(&p, now);
		r = pg_run(c, PG_WEBHOOK_BIND, &p, WH_SECRET_NOT_FOUND, NULL, err);
	}
	lexc_arena_free(&a);
	return pg_tx_end(s, c, r, true, err);
}

static wh_result webhook_rotate(wh_store *base, lexc_str did, lexc_str id, const wh_new_secret *sec,
                                int64_t grace_ms, lexc_arena *a, lexc_str *retired_id,
                                int64_t *retired_until, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	wh_webhook w;
	r = load_state(c, did, id, a, &w, err); /* the lock: rotations take turns */
	if (r == WH_OK && w.secret_name.ptr != NULL)
		r = WH_SECRET_IS_NAMED;
	if (r == WH_OK) {
		owner o = {id, lexc_str_borrow(NULL), did};
		r = rotate(c, &o, sec, grace_ms, a, retired_id, retired_until, err);
	}
	return pg_tx_end(s, c, r, true, err);
}

static wh_result webhook_secrets(wh_store *base, lexc_str did, lexc_str id, int64_t now,
                                 bool with_values, lexc_arena *a, wh_secret **out, size_t *n,
                                 bool *named, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	/* One REPEATABLE READ snapshot: the binding and the secrets are of one
	 * moment. */
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	if (!simple(c->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) {
		pg_conn_put(s, c);
		return WH_FAILED;
	}
	c->in_tx = true;
	wh_webhook w;
	wh_result r = load_webhook(c, did, id, false, a, &w, err);
	*named = r == WH_OK && w.secret_name.ptr != NULL;
	PGresult *res = NULL;
	if (r == WH_OK) {
		owner o = {*named ? lexc_str_borrow(NULL) : id, w.secret_name, did};
		pg_params p;
		params_owner(&p, &o);
		pg_p_int(&p, now);
		if ((res = pg_exec(c, PG_SECRETS_VALID, &p, NULL, err)) == NULL)
			r = WH_FAILED;
	}
	size_t count = 0;
	wh_secret *items = NULL;
	if (r == WH_OK) {
		/* At most the current one and WH_MAX_RETIRED retired ones. */
		size_t rows = (size_t)PQntuples(res);
		items = lexc_arena_calloc(a, WH_MAX_RETIRED + 1, sizeof *items);
		for (size_t i = 0; items != NULL && i < rows && count < WH_MAX_RETIRED + 1; i++) {
			wh_secret *x = &items[count++];
			x->id = pg_col_str(res, (int)i, 0, a);
			x->created_at = pg_col_int(res, (int)i, 1);
			x->expires_at = pg_col_int(res, (int)i, 2);
			if (with_values &&
			    !pg_col_bytes(res, (int)i, 3, a, &x->sealed.data, &x->sealed.len)) {
				lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
				               "a damaged secret row");
				r = WH_FAILED;
				break;
			}
		}
		if (items == NULL) {
			lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
			r = WH_FAILED;
		}
	}
	PQclear(res);
	lexc_error ignored;
	lexc_error_clear(&ignored);
	c->in_tx = !simple(c->db, "COMMIT", &ignored);
	pg_conn_put(s, c);
	if (r != WH_OK)
		return r;
	*out = items;
	*n = count;
	return WH_OK;
}

/* The listener ----------------------------------------------------------------------- */

static void wake_delivery(pg_store *s)
{
	pthread_mutex_lock(&s->wake_lock);
	if (s->wake != NULL)
		s->wake(s->wake_user);
	pthread_mutex_unlock(&s->wake_lock);
}

/* Waits up to ms for the stop pipe; true if stopping. */
static bool listener_pause(pg_store *s, int ms)
{
	struct pollfd fd = {.fd = s->stop_pipe[0], .events = POLLIN};
	poll(&fd, 1, ms);
	return atomic_load(&s->stopping);
}

/* LISTENs on a connection of its own. While it is down (the server
 * restarts), generation() moves on every call and outbox_next_due polls
 * often, so nothing is missed; it reconnects every second. */
static void *listener_main(void *arg)
{
	pg_store *s = arg;
	while (!atomic_load(&s->stopping)) {
		lexc_error err;
		lexc_error_clear(&err);
		PGconn *db = connect_db(s, &err);
		if (db == NULL ||
		    !simple(db, "LISTEN webhookd_config; LISTEN webhookd_outbox", &err)) {
			PQfinish(db);
			if (listener_pause(s, 1000))
				break;
			continue;
		}
		atomic_store(&s->listening, true);
		/* What changed while it was down is unknown: assume everything. */
		atomic_fetch_add(&s->generation, 1);
		wake_delivery(s);
		while (!atomic_load(&s->stopping)) {
			struct pollfd fds[2] = {{.fd = PQsocket(db), .events = POLLIN},
			                        {.fd = s->stop_pipe[0], .events = POLLIN}};
			if (poll(fds, 2, 30000) < 0 && errno != EINTR)
				break;
			if (fds[1].revents != 0)
				break;
			if (!PQconsumeInput(db))
				break;
			bool config = false, outbox = false;
			PGnotify *n;
			while ((n = PQnotifies(db)) != NULL) {
				if (strcmp(n->relname, "webhookd_config") == 0)
					config = true;
				else
					outbox = true;
				PQfreemem(n);
			}
			if (config)
				atomic_fetch_add(&s->generation, 1);
			if (outbox)
				wake_delivery(s);
			if (PQstatus(db) != CONNECTION_OK)
				break;
		}
		atomic_store(&s->listening, false);
		PQfinish(db);
		if (!atomic_load(&s->stopping))
			listener_pause(s, 1000);
	}
	return NULL;
}

static void outbox_on_wake(wh_store *base, void (*wake)(void *user), void *user)
{
	pg_store *s = pg_store_of(base);
	pthread_mutex_lock(&s->wake_lock);
	s->wake = wake;
	s->wake_user = user;
	pthread_mutex_unlock(&s->wake_lock);
}

/* Opening and closing ----------------------------------------------------------------- */

static void store_close(wh_store *base)
{
	pg_store *s = pg_store_of(base);
	if (s == NULL)
		return;
	atomic_store(&s->stopping, true);
	if (s->listener_started) {
		if (write(s->stop_pipe[1], "x", 1) < 0) {
			/* the pipe is ours and empty: cannot fail */
		}
		pthread_join(s->listener, NULL);
	}
	if (s->stop_pipe[0] >= 0) {
		close(s->stop_pipe[0]);
		close(s->stop_pipe[1]);
	}
	for (pg_conn *c = s->idle, *next; c != NULL; c = next) {
		next = c->next;
		PQfinish(c->db);
		free(c);
	}
	if (s->lead != NULL) { /* the stream's lock goes with its session */
		PQfinish(s->lead->db);
		free(s->lead);
	}
	pthread_mutex_destroy(&s->pool_lock);
	pthread_cond_destroy(&s->pool_cond);
	pthread_mutex_destroy(&s->wake_lock);
	pthread_mutex_destroy(&s->cursor_lock);
	free(s->conninfo);
	free(s);
}

/* While the listener is down, changes of other processes cannot be seen:
 * every call is a new generation (store.h allows it). */
static uint64_t store_generation(wh_store *base)
{
	pg_store *s = pg_store_of(base);
	if (!atomic_load(&s->listening))
		return atomic_fetch_add(&s->generation, 1) + 1;
	return atomic_load(&s->generation);
}

static const wh_store_ops pg_ops = {
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
        .events_publish = pg_events_publish,
        .outbox_recover = pg_outbox_recover,
        .outbox_claim = pg_outbox_claim,
        .outbox_next_due = pg_outbox_next_due,
        .outbox_depth = pg_outbox_depth,
        .outbox_complete = pg_outbox_complete,
        .outbox_renew = pg_outbox_renew,
        .outbox_release = pg_outbox_release,
        .outbox_on_wake = outbox_on_wake,
        .attempt_list = pg_attempt_list,
        .redeliver = pg_redeliver,
        .stream_commit = pg_stream_commit,
        .stream_cursor = pg_stream_cursor,
        .record_hooks_each = pg_record_hooks_each,
        .record_hook_get = pg_record_hook_get,
        .stream_lead = pg_stream_lead,
};

/* Applies the migrations the database lacks. An advisory lock held for the
 * whole run makes processes that start at once migrate one after another;
 * each migration commits with its row in schema_migrations. */
static bool migrate(pg_store *s, lexc_error *err)
{
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return false;
	bool ok = simple(c->db,
	                 "SELECT pg_advisory_lock(2595001);"
	                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                 " version integer PRIMARY KEY, name text NOT NULL,"
	                 " applied_at bigint NOT NULL)",
	                 err);
	size_t known = sizeof pg_migrations / sizeof pg_migrations[0];
	for (size_t i = 0; ok && i < known; i++) {
		PGresult *res =
		        PQexec(c->db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
		ok = res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK;
		int have = ok ? atoi(PQgetvalue(res, 0, 0)) : 0;
		PQclear(res);
		if (!ok) {
			pg_failed(err, "schema_migrations", c->db);
		} else if (have > pg_migrations[known - 1].version) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
			               "the database has schema version %d; this webhookd knows up "
			               "to %d (run a newer webhookd)",
			               have, pg_migrations[known - 1].version);
			ok = false;
		} else if (have < pg_migrations[i].version) {
			char version[16], at[24];
			snprintf(version, sizeof version, "%d", pg_migrations[i].version);
			snprintf(at, sizeof at, "%lld", (long long)wh_now_ms());
			const char *values[3] = {version, pg_migrations[i].name, at};
			ok = simple(c->db, "BEGIN", err) &&
			     simple(c->db, pg_migrations[i].sql, err);
			if (ok) {
				res = PQexecParams(c->db,
				                   "INSERT INTO schema_migrations (version, name,"
				                   " applied_at) VALUES ($1, $2, $3)",
				                   3, NULL, values, NULL, NULL, 0);
				ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
				if (!ok)
					pg_failed(err, "schema_migrations", c->db);
				PQclear(res);
			}
			ok = ok && simple(c->db, "COMMIT", err);
			if (!ok) {
				lexc_error ignored;
				lexc_error_clear(&ignored);
				simple(c->db, "ROLLBACK", &ignored);
			}
		}
	}
	lexc_error ignored;
	lexc_error_clear(&ignored);
	simple(c->db, "SELECT pg_advisory_unlock(2595001)", &ignored);
	pg_conn_put(s, c);
	return ok;
}

wh_store *wh_store_pg_open(const wh_pg_config *cfg, lexc_error *err)
{
	pg_store *s = calloc(1, sizeof *s);
	if (s == NULL || (s->conninfo = strdup(cfg->conninfo)) == NULL) {
		free(s);
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	s->base.ops = &pg_ops;
	s->pool_max = cfg->pool > 0 ? cfg->pool : 8;
	s->lease_ms = cfg->lease_ms > 0 ? cfg->lease_ms : 60000;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	pthread_mutex_init(&s->pool_lock, NULL);
	pthread_cond_init(&s->pool_cond, NULL);
	pthread_mutex_init(&s->wake_lock, NULL);
	pthread_mutex_init(&s->cursor_lock, NULL);
	unsigned char id[16];
	if (RAND_bytes(id, sizeof id) != 1) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "no random bytes");
		store_close(&s->base);
		return NULL;
	}
	for (size_t i = 0; i < sizeof id; i++)
		snprintf(s->owner + 2 * i, 3, "%02x", id[i]);
	if (!migrate(s, err)) {
		store_close(&s->base);
		return NULL;
	}
	if (cfg->listen) {
		if (pipe2(s->stop_pipe, O_CLOEXEC) != 0) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "pipe: %s",
			               strerror(errno));
			store_close(&s->base);
			return NULL;
		}
		if (pthread_create(&s->listener, NULL, listener_main, s) != 0) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
			               "cannot start the listener");
			store_close(&s->base);
			return NULL;
		}
		s->listener_started = true;
	} else {
		/* A short-lived command (key create): nothing to listen for. */
		atomic_store(&s->listening, true);
	}
	return &s->base;
}
