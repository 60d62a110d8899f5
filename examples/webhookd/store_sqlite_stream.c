/* store_sqlite_stream.c: the event-stream half of the SQLite store
 * (store.h): record webhooks made from place.wisp.v2.wh records, their
 * record events, and the stream's cursor, a batch per transaction. */
#include "config.h"

#include "store.h"
#include "store_sqlite.h"
#include "webhookd.h"

#include <string.h>

static wh_result record_find(conn *c, lexc_str did, lexc_str uri, lexc_arena *a, lexc_str *id,
                             lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_RECORD_FIND, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, uri);
	int got = sq_row(c, STMT_RECORD_FIND, st, err);
	*id = got == 1 ? sq_col_str(st, 0, a) : lexc_str_borrow(NULL);
	sqlite3_reset(st);
	return got < 0 ? WH_FAILED : WH_OK;
}

/* Runs statement `id` with ?1 did and ?2 a second string. */
static wh_result run2(conn *c, enum stmt_id id, lexc_str did, lexc_str s2, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, id, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, s2);
	return sq_run(c, id, st, WH_FAILED, err);
}

static wh_result run_seq(conn *c, enum stmt_id id, int64_t seq, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, id, err);
	if (st == NULL)
		return WH_FAILED;
	sqlite3_bind_int64(st, 1, seq);
	return sq_run(c, id, st, WH_FAILED, err);
}

static wh_result own_secret(conn *c, const wh_stream_op *op, lexc_str webhook_id, bool replace,
                            lexc_error *err)
{
	wh_result r = WH_OK;
	if (replace)
		r = run2(c, STMT_WEBHOOK_DELETE_SECRETS, op->hook.did, webhook_id, err);
	sqlite3_stmt *st = NULL;
	if (r == WH_OK && (st = sq_stmt(c, STMT_SECRET_INSERT, err)) == NULL)
		r = WH_FAILED;
	if (r != WH_OK)
		return r;
	sq_bind_str(st, 1, op->secret.id);
	sq_bind_str(st, 2, op->hook.did);
	sq_bind_str(st, 3, webhook_id);
	sq_bind_str(st, 4, lexc_str_borrow(NULL));
	sq_bind_blob(st, 5, op->secret.sealed.data, op->secret.sealed.len);
	sqlite3_bind_int64(st, 6, op->secret.now);
	return sq_run(c, STMT_SECRET_INSERT, st, WH_FAILED, err);
}

static wh_result put(conn *c, const wh_stream_op *op, int64_t now, size_t max_per_did,
                     lexc_arena *a, wh_stream_result *out, lexc_error *err)
{
	const wh_record_hook *h = &op->hook;
	lexc_str id;
	wh_result r = record_find(c, h->did, h->uri, a, &id, err);
	if (r != WH_OK)
		return r;
	if (h->secret_name.ptr != NULL) {
		sqlite3_stmt *st = sq_stmt(c, STMT_NAMED_EXISTS, err);
		if (st == NULL)
			return WH_FAILED;
		sq_bind_str(st, 1, h->did);
		sq_bind_str(st, 2, h->secret_name);
		int got = sq_row(c, STMT_NAMED_EXISTS, st, err);
		sqlite3_reset(st);
		if (got < 0)
			return WH_FAILED;
		if (got == 0) {
			out->r = WH_SECRET_NOT_FOUND;
			return WH_OK;
		}
	}
	sqlite3_stmt *st;
	if (id.ptr == NULL) {
		if ((st = sq_stmt(c, STMT_WEBHOOK_COUNT_UP, err)) == NULL)
			return WH_FAILED;
		sq_bind_str(st, 1, h->did);
		sqlite3_bind_int64(st, 2, (int64_t)max_per_did);
		if ((r = sq_run(c, STMT_WEBHOOK_COUNT_UP, st, WH_FAILED, err)) != WH_OK)
			return r;
		if (sqlite3_changes(c->db) == 0) {
			out->r = WH_TOO_MANY;
			return WH_OK;
		}
		id = h->webhook_id;
		out->created = true;
	}
	/* RECORD_INSERT and RECORD_UPDATE take the same parameters. */
	enum stmt_id which = out->created ? STMT_RECORD_INSERT : STMT_RECORD_UPDATE;
	if ((st = sq_stmt(c, which, err)) == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, id);
	sq_bind_str(st, 2, h->did);
	sq_bind_str(st, 3, h->uri);
	sqlite3_bind_int64(st, 4, h->events);
	sqlite3_bind_int(st, 5, h->enabled ? WH_STATUS_ACTIVE : WH_STATUS_SUSPENDED);
	sqlite3_bind_int64(st, 6, now);
	sq_bind_str(st, 7, h->secret_name);
	sq_bind_str(st, 8, h->url);
	sq_bind_str(st, 9, h->scope);
	sqlite3_bind_int(st, 10, h->backlinks);
	sqlite3_bind_int(st, 11, h->wisp_sign);
	if ((r = sq_run(c, which, st, WH_FAILED, err)) != WH_OK)
		return r;
	if (out->created || op->replace_secret)
		r = own_secret(c, op, id, !out->created, err);
	out->webhook_id = id;
	return r;
}

static wh_result removal(conn *c, const wh_stream_op *op, lexc_arena *a, wh_stream_result *out,
                         lexc_error *err)
{
	lexc_str id;
	wh_result r = record_find(c, op->hook.did, op->hook.uri, a, &id, err);
	if (r != WH_OK)
		return r;
	if (id.ptr == NULL) {
		out->r = WH_NOT_FOUND;
		return WH_OK;
	}
	out->webhook_id = id;
	/* Its pending deliveries go with it (ON DELETE CASCADE): a deleted
	 * record stops deliveries at once. */
	if ((r = run2(c, STMT_WEBHOOK_DELETE_SECRETS, op->hook.did, id, err)) != WH_OK ||
	    (r = run2(c, STMT_RECORD_DELETE, op->hook.did, id, err)) != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_WEBHOOK_COUNT_DOWN, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, op->hook.did);
	return sq_run(c, STMT_WEBHOOK_COUNT_DOWN, st, WH_FAILED, err);
}

static wh_result event(conn *c, const wh_stream_op *op, int64_t now, int64_t dedup_ms,
                       wh_stream_result *out, lexc_error *err)
{
	int64_t seq;
	wh_publish_out pub;
	wh_result r = sq_event_insert(c, &op->event, now, dedup_ms, &seq, &pub, err);
	if (r != WH_OK)
		return r;
	if (pub.duplicate) {
		out->duplicate = true;
		return WH_OK;
	}
	for (size_t i = 0; i < op->n_webhooks; i++) {
		sqlite3_stmt *st = sq_stmt(c, STMT_DELIVERY_RECORD, err);
		if (st == NULL)
			return WH_FAILED;
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, now);
		sq_bind_str(st, 3, op->event.did);
		sq_bind_str(st, 4, op->webhooks[i]);
		if ((r = sq_run(c, STMT_DELIVERY_RECORD, st, WH_FAILED, err)) != WH_OK)
			return r;
		out->deliveries += sqlite3_changes(c->db);
	}
	/* None of its webhooks is active (delivery disabled them): no row
	 * to keep. */
	if (out->deliveries == 0)
		return run_seq(c, STMT_EVENT_DELETE, seq, err);
	return WH_OK;
}

wh_result sq_stream_commit(wh_store *base, const wh_stream_op *ops, size_t n, int64_t cursor,
                           int64_t now, int64_t dedup_ms, size_t max_per_did, lexc_arena *a,
                           wh_stream_result *out, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	bool changes = false;
	for (size_t i = 0; r == WH_OK && i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		switch (ops[i].kind) {
		case WH_STREAM_PUT:
			r = put(c, &ops[i], now, max_per_did, a, &out[i], err);
			changes = true;
			break;
		case WH_STREAM_REMOVE:
			r = removal(c, &ops[i], a, &out[i], err);
			changes = true;
			break;
		case WH_STREAM_EVENT:
			r = event(c, &ops[i], now, dedup_ms, &out[i], err);
			break;
		}
	}
	sqlite3_stmt *st = NULL;
	if (r == WH_OK &&
	    (wh_test_fail("CURSOR_SET") || (st = sq_stmt(c, STMT_CURSOR_SET, err)) == NULL))
		r = sq_failed(err, "CURSOR_SET", c->db);
	if (r == WH_OK) {
		sqlite3_bind_int64(st, 1, cursor);
		sqlite3_bind_int64(st, 2, now);
		r = sq_run(c, STMT_CURSOR_SET, st, WH_FAILED, err);
	}
	return sq_tx_finish(s, c, r, changes, err);
}

wh_result sq_stream_cursor(wh_store *base, int64_t *cursor, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_CURSOR_GET, err) : NULL;
	if (st == NULL)
		return WH_FAILED;
	int got = sq_row(c, STMT_CURSOR_GET, st, err);
	*cursor = got == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return got < 0 ? WH_FAILED : WH_OK;
}

/* A RECORD_COLUMNS row into *h (arena); false if out of memory. */
static bool read_record(sqlite3_stmt *st, lexc_arena *a, wh_record_hook *h)
{
	memset(h, 0, sizeof *h);
	h->webhook_id = sq_col_str(st, 0, a);
	h->did = sq_col_str(st, 1, a);
	h->uri = sq_col_str(st, 2, a);
	h->url = sq_col_str(st, 3, a);
	h->scope = sq_col_str(st, 4, a);
	h->backlinks = sqlite3_column_int(st, 5) != 0;
	h->events = (uint32_t)sqlite3_column_int64(st, 6);
	h->enabled = sqlite3_column_int(st, 7) == WH_STATUS_ACTIVE;
	h->secret_name = sq_col_str(st, 8, a);
	h->wisp_sign = sqlite3_column_int(st, 9) != 0;
	return h->webhook_id.ptr != NULL && h->did.ptr != NULL && h->uri.ptr != NULL &&
	       h->scope.ptr != NULL;
}

wh_result sq_record_hook_get(wh_store *base, lexc_str did, lexc_str uri, lexc_arena *a,
                             wh_record_hook *out, bool *found, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_RECORD_GET, err) : NULL;
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, uri);
	int got = sq_row(c, STMT_RECORD_GET, st, err);
	*found = got == 1;
	wh_result r = got < 0 ? WH_FAILED : WH_OK;
	if (got == 1 && !read_record(st, a, out)) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		r = WH_FAILED;
	}
	sqlite3_reset(st);
	return r;
}

wh_result sq_record_hooks_each(wh_store *base,
                               bool (*fn)(void *user, const wh_record_hook *h, lexc_error *err),
                               void *user, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	sqlite3_stmt *st = c != NULL ? sq_stmt(c, STMT_RECORD_ALL, err) : NULL;
	if (st == NULL)
		return WH_FAILED;
	lexc_arena a;
	lexc_arena_init(&a);
	int got;
	wh_result r = WH_OK;
	while (r == WH_OK && (got = sq_row(c, STMT_RECORD_ALL, st, err)) == 1) {
		wh_record_hook h;
		if (!read_record(st, &a, &h)) {
			lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
			r = WH_FAILED;
		} else if (!fn(user, &h, err)) {
			r = WH_FAILED;
		}
		lexc_arena_reset(&a);
	}
	if (r == WH_OK && got < 0)
		r = WH_FAILED;
	sqlite3_reset(st);
	lexc_arena_free(&a);
	return r;
}

wh_result sq_stream_lead(wh_store *base, bool *leader, lexc_error *err)
{
	(void)base;
	(void)err;
	*leader = true; /* one process per file */
	return WH_OK;
}
