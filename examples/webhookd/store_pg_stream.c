/* store_pg_stream.c: the event-stream half of the PostgreSQL store
 * (store.h), as store_sqlite_stream.c does it: record webhooks, their
 * record events and the stream's cursor, a batch per transaction. One
 * process reads the stream at a time (stream_lead), so the record rows
 * have one writer; the locks below are for the API's readers and for a
 * leader that took over from one that died mid-batch. */
#include "config.h"

#include "store.h"
#include "store_pg.h"
#include "webhookd.h"

#include <string.h>

static wh_result record_find(pg_conn *c, lexc_str did, lexc_str uri, lexc_arena *a, lexc_str *id,
                             lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, uri);
	PGresult *res = pg_exec(c, PG_RECORD_FIND, &p, NULL, err);
	if (res == NULL)
		return WH_FAILED;
	*id = PQntuples(res) > 0 ? pg_col_str(res, 0, 0, a) : lexc_str_borrow(NULL);
	PQclear(res);
	return WH_OK;
}

static wh_result run2(pg_conn *c, enum pg_stmt_id id, lexc_str did, lexc_str s2, int64_t *changes,
                      lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, s2);
	return pg_run(c, id, &p, WH_FAILED, changes, err);
}

static wh_result own_secret(pg_conn *c, const wh_stream_op *op, lexc_str webhook_id, bool replace,
                            lexc_error *err)
{
	wh_result r = WH_OK;
	if (replace)
		r = run2(c, PG_WEBHOOK_DELETE_SECRETS, op->hook.did, webhook_id, NULL, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, op->secret.id);
	pg_p_str(&p, op->hook.did);
	pg_p_str(&p, webhook_id);
	pg_p_null(&p);
	pg_p_bytes(&p, op->secret.sealed.data, op->secret.sealed.len);
	pg_p_int(&p, op->secret.now);
	return pg_run(c, PG_SECRET_INSERT, &p, WH_FAILED, NULL, err);
}

static wh_result put(pg_conn *c, const wh_stream_op *op, int64_t now, size_t max_per_did,
                     lexc_arena *a, wh_stream_result *out, lexc_error *err)
{
	const wh_record_hook *h = &op->hook;
	lexc_str id;
	wh_result r = record_find(c, h->did, h->uri, a, &id, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	if (h->secret_name.ptr != NULL) {
		/* Locked: a delete of the named secret waits for this. */
		pg_p_init(&p);
		pg_p_str(&p, h->did);
		pg_p_str(&p, h->secret_name);
		PGresult *res = pg_exec(c, PG_NAMED_LOCK, &p, NULL, err);
		if (res == NULL)
			return WH_FAILED;
		int got = PQntuples(res);
		PQclear(res);
		if (got == 0) {
			out->r = WH_SECRET_NOT_FOUND;
			return WH_OK;
		}
	}
	if (id.ptr == NULL) {
		int64_t changed = 0;
		pg_p_init(&p);
		pg_p_str(&p, h->did);
		pg_p_int(&p, (int64_t)max_per_did);
		if ((r = pg_run(c, PG_WEBHOOK_COUNT_UP, &p, WH_FAILED, &changed, err)) != WH_OK)
			return r;
		if (changed == 0) {
			out->r = WH_TOO_MANY;
			return WH_OK;
		}
		id = h->webhook_id;
		out->created = true;
	}
	/* RECORD_INSERT and RECORD_UPDATE take the same parameters. */
	pg_p_init(&p);
	pg_p_str(&p, id);
	pg_p_str(&p, h->did);
	pg_p_str(&p, h->uri);
	pg_p_int(&p, h->events);
	pg_p_int(&p, h->enabled ? WH_STATUS_ACTIVE : WH_STATUS_SUSPENDED);
	pg_p_int(&p, now);
	pg_p_str(&p, h->secret_name);
	pg_p_str(&p, h->url);
	pg_p_str(&p, h->scope);
	pg_p_bool(&p, h->backlinks);
	pg_p_bool(&p, h->wisp_sign);
	if ((r = pg_run(c, out->created ? PG_RECORD_INSERT : PG_RECORD_UPDATE, &p, WH_FAILED, NULL,
	                err)) != WH_OK)
		return r;
	if (out->created || op->replace_secret)
		r = own_secret(c, op, id, !out->created, err);
	out->webhook_id = id;
	return r;
}

static wh_result removal(pg_conn *c, const wh_stream_op *op, lexc_arena *a, wh_stream_result *out,
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
	if ((r = run2(c, PG_WEBHOOK_DELETE_SECRETS, op->hook.did, id, NULL, err)) != WH_OK ||
	    (r = run2(c, PG_RECORD_DELETE, op->hook.did, id, NULL, err)) != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, op->hook.did);
	return pg_run(c, PG_WEBHOOK_COUNT_DOWN, &p, WH_FAILED, NULL, err);
}

static wh_result event(pg_conn *c, const wh_stream_op *op, int64_t now, int64_t dedup_ms,
                       wh_stream_result *out, lexc_error *err)
{
	int64_t seq;
	wh_publish_out pub;
	wh_result r = pg_event_insert(c, &op->event, now, dedup_ms, &seq, &pub, err);
	if (r != WH_OK)
		return r;
	if (pub.duplicate) {
		out->duplicate = true;
		return WH_OK;
	}
	for (size_t i = 0; i < op->n_webhooks; i++) {
		pg_params p;
		pg_p_init(&p);
		pg_p_int(&p, seq);
		pg_p_int(&p, now);
		pg_p_str(&p, op->event.did);
		pg_p_str(&p, op->webhooks[i]);
		int64_t made = 0;
		if ((r = pg_run(c, PG_DELIVERY_RECORD, &p, WH_FAILED, &made, err)) != WH_OK)
			return r;
		out->deliveries += made;
	}
	if (out->deliveries == 0) { /* none of its webhooks is active: no row to keep */
		pg_params p;
		pg_p_init(&p);
		pg_p_int(&p, seq);
		return pg_run(c, PG_EVENT_DELETE, &p, WH_FAILED, NULL, err);
	}
	return WH_OK;
}

wh_result pg_stream_commit(wh_store *base, const wh_stream_op *ops, size_t n, int64_t cursor,
                           int64_t now, int64_t dedup_ms, size_t max_per_did, lexc_arena *a,
                           wh_stream_result *out, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	bool changes = false;
	int64_t deliveries = 0;
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
			deliveries += out[i].deliveries;
			break;
		}
	}
	if (r == WH_OK && wh_test_fail("CURSOR_SET")) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "injected failure in CURSOR_SET");
		r = WH_FAILED;
	}
	if (r == WH_OK) {
		pg_params p;
		pg_p_init(&p);
		pg_p_int(&p, cursor);
		pg_p_int(&p, now);
		r = pg_run(c, PG_CURSOR_SET, &p, WH_FAILED, NULL, err);
	}
	/* Wakes the processes that deliver (any of them, not only this one). */
	if (r == WH_OK && deliveries > 0)
		r = pg_run(c, PG_NOTIFY_OUTBOX, NULL, WH_FAILED, NULL, err);
	return pg_tx_end(s, c, r, changes, err);
}

wh_result pg_stream_cursor(wh_store *base, int64_t *cursor, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	PGresult *res = pg_exec(c, PG_CURSOR_GET, NULL, NULL, err);
	*cursor = res != NULL && PQntuples(res) > 0 ? pg_col_int(res, 0, 0) : 0;
	wh_result r = res != NULL ? WH_OK : WH_FAILED;
	PQclear(res);
	pg_conn_put(s, c);
	return r;
}

/* A PG_RECORD_COLUMNS row into *h (arena); false if out of memory. */
static bool read_record(PGresult *res, int i, lexc_arena *a, wh_record_hook *h)
{
	memset(h, 0, sizeof *h);
	h->webhook_id = pg_col_str(res, i, 0, a);
	h->did = pg_col_str(res, i, 1, a);
	h->uri = pg_col_str(res, i, 2, a);
	h->url = pg_col_str(res, i, 3, a);
	h->scope = pg_col_str(res, i, 4, a);
	h->backlinks = pg_col_bool(res, i, 5);
	h->events = (uint32_t)pg_col_int(res, i, 6);
	h->enabled = pg_col_int(res, i, 7) == WH_STATUS_ACTIVE;
	h->secret_name = pg_col_str(res, i, 8, a);
	h->wisp_sign = pg_col_bool(res, i, 9);
	return h->webhook_id.ptr != NULL && h->did.ptr != NULL && h->uri.ptr != NULL &&
	       h->scope.ptr != NULL;
}

wh_result pg_record_hook_get(wh_store *base, lexc_str did, lexc_str uri, lexc_arena *a,
                             wh_record_hook *out, bool *found, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, uri);
	PGresult *res = pg_exec(c, PG_RECORD_GET, &p, NULL, err);
	wh_result r = res != NULL ? WH_OK : WH_FAILED;
	*found = res != NULL && PQntuples(res) > 0;
	if (*found && !read_record(res, 0, a, out)) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		r = WH_FAILED;
	}
	PQclear(res);
	pg_conn_put(s, c);
	return r;
}

wh_result pg_record_hooks_each(wh_store *base,
                               bool (*fn)(void *user, const wh_record_hook *h, lexc_error *err),
                               void *user, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	PGresult *res = pg_exec(c, PG_RECORD_ALL, NULL, NULL, err);
	wh_result r = res != NULL ? WH_OK : WH_FAILED;
	lexc_arena a;
	lexc_arena_init(&a);
	for (int i = 0; r == WH_OK && i < PQntuples(res); i++) {
		wh_record_hook h;
		if (!read_record(res, i, &a, &h)) {
			lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
			r = WH_FAILED;
		} else if (!fn(user, &h, err)) {
			r = WH_FAILED;
		}
		lexc_arena_reset(&a);
	}
	PQclear(res);
	lexc_arena_free(&a);
	pg_conn_put(s, c);
	return r;
}

wh_result pg_stream_lead(wh_store *base, bool *leader, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*leader = false;
	if (s->lead != NULL) {
		/* The lock lives as long as its session. */
		if (PQstatus(s->lead->db) == CONNECTION_OK) {
			*leader = true;
			return WH_OK;
		}
		pg_conn_put(s, s->lead); /* closes a broken one */
		s->lead = NULL;
	}
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	PGresult *res = pg_exec(c, PG_STREAM_LEAD, NULL, NULL, err);
	wh_result r = res != NULL ? WH_OK : WH_FAILED;
	*leader = res != NULL && PQntuples(res) > 0 && pg_col_bool(res, 0, 0);
	PQclear(res);
	if (*leader)
		s->lead = c;
	else
		pg_conn_put(s, c);
	return r;
}
