/* store_pg_outbox.c: the delivery half of the PostgreSQL store (store.h):
 * events, the outbox of deliveries (one per event and webhook) and the
 * attempt log, shared by every process on the database.
 *
 * The outbox is SQLite's (store_sqlite_outbox.c): an event and its
 * deliveries commit in one transaction, attempts are recorded in batches.
 * What changes is that several processes take from it. A claim is the
 * claiming process's id and a lease (claimed_by, lease_until): the process
 * renews it while it works (outbox_renew) and, if it dies, the lease lapses
 * and the delivery is anyone's again, with the same webhook-id. Claims take
 * rows FOR UPDATE SKIP LOCKED, so processes claiming at once neither wait
 * for each other nor take one delivery twice, and they go round the
 * webhooks (store_pg_outbox.h says how) so that one busy webhook does not
 * starve the others. A result is recorded only while the claim is still
 * this process's. A publish NOTIFYs webhookd_outbox, which wakes the other
 * processes' delivery (store_pg.c's listener). */
#include "config.h"

#include "store.h"
#include "store_pg.h"
#include "webhookd.h"

#include <lexc/utf8.h>

#include <stdlib.h>
#include <string.h>

/* outbox_next_due's longest wait: while the listener is up, a safety poll
 * (a retry another process scheduled wakes nobody); while it is down,
 * often enough that other processes' publishes are not left waiting. */
enum { NEXT_DUE_POLL_MS = 5000, NEXT_DUE_UNHEARD_MS = 250 };

/* A query's first row into *res (the caller PQclear()s it): 1 a row, 0
 * none, -1 failed. */
static int one_row(pg_conn *c, enum pg_stmt_id id, const pg_params *p, PGresult **res,
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

static wh_result run_seq(pg_conn *c, enum pg_stmt_id id, int64_t seq, lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_int(&p, seq);
	return pg_run(c, id, &p, WH_FAILED, NULL, err);
}

static wh_result no_memory(lexc_error *err)
{
	lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
	return WH_FAILED;
}

/* Publishing ------------------------------------------------------------------ */

/* The event that holds (did, id) now into *seq (0: none), its time and how
 * many deliveries it had. */
static wh_result find_event(pg_conn *c, lexc_str did, lexc_str id, int64_t *seq, int64_t *at,
                            int64_t *count, lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, id);
	PGresult *res;
	int got = one_row(c, PG_EVENT_BY_ID, &p, &res, err);
	*seq = got == 1 ? pg_col_int(res, 0, 0) : 0;
	*at = got == 1 ? pg_col_int(res, 0, 1) : 0;
	*count = got == 1 ? pg_col_int(res, 0, 2) : 0;
	PQclear(res);
	return got < 0 ? WH_FAILED : WH_OK;
}

/* Stores the event; *seq 0 if another event holds its id (events_by_id). */
static wh_result insert_event(pg_conn *c, const wh_event_in *e, int64_t now, int64_t *seq,
                              lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, e->did);
	pg_p_str(&p, e->id);
	pg_p_int(&p, e->type);
	pg_p_str(&p, e->body);
	pg_p_int(&p, now);
	PGresult *res = pg_exec(c, PG_EVENT_INSERT, &p, NULL, err);
	if (res == NULL)
		return WH_FAILED;
	*seq = PQntuples(res) > 0 ? pg_col_int(res, 0, 0) : 0;
	PQclear(res);
	return WH_OK;
}

/* The one delivery of a ping to its webhook. */
static wh_result fan_out_one(pg_conn *c, const wh_event_in *e, int64_t seq, int64_t now,
                             lexc_arena *a, wh_publish_out *out, lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, e->did);
	pg_p_str(&p, e->only_webhook);
	PGresult *res;
	int got = one_row(c, PG_WEBHOOK_STATUS, &p, &res, err);
	int64_t status = got == 1 ? pg_col_int(res, 0, 0) : -1;
	PQclear(res);
	if (got < 0)
		return WH_FAILED;
	if (got == 0)
		return WH_NOT_FOUND;
	if (status == WH_STATUS_ARCHIVED)
		return WH_ARCHIVED;
	pg_p_init(&p);
	pg_p_int(&p, seq);
	pg_p_int(&p, now);
	pg_p_str(&p, e->did);
	pg_p_str(&p, e->only_webhook);
	got = one_row(c, PG_DELIVERY_ONE, &p, &res, err);
	if (got == 1)
		out->message_id = pg_col_str(res, 0, 0, a);
	PQclear(res);
	if (got != 1) /* deleted since the look-up */
		return got < 0 ? WH_FAILED : WH_NOT_FOUND;
	out->webhooks = 1;
	return WH_OK;
}

/* How often a publish looks the id up again after losing it to another
 * process: once is enough but for an id published over and over. */
enum { PUBLISH_ROUNDS = 3 };

wh_result pg_event_insert(pg_conn *c, const wh_event_in *e, int64_t now, int64_t dedup_ms,
                          int64_t *seq, wh_publish_out *out, lexc_error *err)
{
	memset(out, 0, sizeof *out);
	*seq = 0;
	for (int round = 0; round < PUBLISH_ROUNDS; round++) {
		int64_t prev, prev_at, prev_count;
		wh_result r = find_event(c, e->did, e->id, &prev, &prev_at, &prev_count, err);
		if (r != WH_OK)
			return r;
		if (prev != 0 && now - prev_at < dedup_ms) {
			out->duplicate = true;
			out->webhooks = prev_count;
			return WH_OK;
		}
		if (prev != 0 && (r = run_seq(c, PG_EVENT_RELEASE_ID, prev, err)) != WH_OK)
			return r;
		/* Another process's publish of the id committed since the
		 * look-up (or this insert waited for it to): nothing stored,
		 * and the next look-up finds that one, a duplicate. */
		if ((r = insert_event(c, e, now, seq, err)) != WH_OK)
			return r;
		if (*seq != 0)
			return WH_OK;
	}
	lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
	               "event %.*s: other processes keep publishing its id", (int)e->id.len,
	               e->id.ptr);
	return WH_FAILED;
}

static wh_result publish_one(pg_conn *c, const wh_event_in *e, int64_t now, int64_t dedup_ms,
                             lexc_arena *a, wh_publish_out *out, lexc_error *err)
{
	int64_t seq;
	wh_result r = pg_event_insert(c, e, now, dedup_ms, &seq, out, err);
	if (r != WH_OK || out->duplicate)
		return r;
	if (e->only_webhook.ptr != NULL)
		return fan_out_one(c, e, seq, now, a, out, err);
	pg_params p;
	pg_p_init(&p);
	pg_p_int(&p, seq);
	pg_p_int(&p, now);
	pg_p_str(&p, e->did);
	pg_p_int(&p, e->type);
	return pg_run(c, PG_DELIVERY_FANOUT, &p, WH_FAILED, &out->webhooks, err);
}

wh_result pg_events_publish(wh_store *base, const wh_event_in *ev, size_t n, int64_t now,
                            int64_t dedup_ms, lexc_arena *a, wh_publish_out *out, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	int64_t stored = 0;
	for (size_t i = 0; r == WH_OK && i < n; i++) {
		r = publish_one(c, &ev[i], now, dedup_ms, a, &out[i], err);
		if (r == WH_OK && !out[i].duplicate)
			stored += out[i].webhooks;
	}
	if (r == WH_OK && stored > 0)
		r = pg_run(c, PG_NOTIFY_OUTBOX, NULL, WH_FAILED, NULL, err);
	return pg_tx_end(s, c, r, false, err);
}

/* Claiming --------------------------------------------------------------------- */

wh_result pg_outbox_recover(wh_store *base, int64_t now, int64_t *recovered, int64_t *leased,
                            lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*recovered = 0;
	*leased = 0;
	pg_conn *c;
	wh_result r = pg_tx_begin_relaxed(s, &c, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_int(&p, now);
	int64_t cleared = 0, live = 0;
	r = pg_run(c, PG_OUTBOX_RECOVER, &p, WH_FAILED, &cleared, err);
	if (r == WH_OK) {
		PGresult *res;
		int got = one_row(c, PG_OUTBOX_LEASED, &p, &res, err);
		live = got == 1 ? pg_col_int(res, 0, 0) : 0;
		PQclear(res);
		if (got < 0)
			r = WH_FAILED;
	}
	r = pg_tx_end(s, c, r, false, err);
	if (r == WH_OK) {
		*recovered = cleared;
		*leased = live;
	}
	return r;
}

/* One row of OUTBOX_CLAIM into a job; false if it is damaged. */
static bool read_job(PGresult *res, int row, lexc_arena *a, wh_job *j)
{
	j->delivery = pg_col_int(res, row, 0);
	j->message_id = pg_col_str(res, row, 1, a);
	j->webhook_id = pg_col_str(res, row, 2, a);
	j->tries = pg_col_int(res, row, 3);
	j->event_id = pg_col_str(res, row, 4, a);
	j->type = (uint32_t)pg_col_int(res, row, 5);
	j->body = pg_col_str(res, row, 6, a);
	j->did = pg_col_str(res, row, 7, a);
	return j->message_id.ptr != NULL && j->webhook_id.ptr != NULL && j->event_id.ptr != NULL &&
	       j->body.ptr != NULL && j->did.ptr != NULL;
}

wh_result pg_outbox_claim(wh_store *base, int64_t now, size_t max, size_t per_webhook,
                          const lexc_str *skip, size_t n_skip, lexc_arena *a, wh_job **out,
                          size_t *n, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*out = NULL;
	*n = 0;
	/* The round-robin resumes after the webhook the last claim ended on. */
	char cursor[sizeof s->cursor];
	pthread_mutex_lock(&s->cursor_lock);
	memcpy(cursor, s->cursor, sizeof cursor);
	pthread_mutex_unlock(&s->cursor_lock);
	cursor[sizeof cursor - 1] = '\0';
	pg_params p;
	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_int(&p, (int64_t)max);
	pg_p_int(&p, (int64_t)(per_webhook > 0 ? per_webhook : max)); /* 0: no limit but max */
	pg_p_cstr(&p, cursor);
	pg_p_cstr(&p, s->owner);
	pg_p_int(&p, now + s->lease_ms);
	lexc_str skipped = wh_id_array(a, skip, n_skip, '{', '}');
	if (skipped.ptr == NULL)
		return no_memory(err);
	pg_p_cstr(&p, skipped.ptr); /* text format: an array literal */
	pg_conn *c;
	wh_result r = pg_tx_begin_relaxed(s, &c, err);
	if (r != WH_OK)
		return r;
	PGresult *res = pg_exec(c, PG_OUTBOX_CLAIM, &p, NULL, err);
	size_t rows = res != NULL ? (size_t)PQntuples(res) : 0;
	wh_job *jobs = NULL;
	lexc_str last = lexc_str_borrow(NULL);
	if (res == NULL) {
		r = WH_FAILED;
	} else if ((jobs = lexc_arena_calloc(a, rows ? rows : 1, sizeof *jobs)) == NULL) {
		r = no_memory(err);
	} else {
		for (size_t i = 0; r == WH_OK && i < rows; i++) {
			if (!read_job(res, (int)i, a, &jobs[i])) {
				lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
				               "a damaged delivery row (or out of memory)");
				r = WH_FAILED;
			}
		}
		/* Rows come in the walk's order: the last is where it ended. */
		if (r == WH_OK && rows > 0)
			last = jobs[rows - 1].webhook_id;
	}
	PQclear(res);
	r = pg_tx_end(s, c, r, false, err);
	if (r != WH_OK)
		return r;
	/* A webhook id too long for the cursor (none is: they are UUIDs)
	 * leaves it where it was: the turn is repeated, never skipped. */
	if (last.ptr != NULL && last.len < sizeof s->cursor) {
		pthread_mutex_lock(&s->cursor_lock);
		memcpy(s->cursor, last.ptr, last.len);
		s->cursor[last.len] = '\0';
		pthread_mutex_unlock(&s->cursor_lock);
	}
	*out = jobs;
	*n = rows;
	return WH_OK;
}

wh_result pg_outbox_next_due(wh_store *base, int64_t *at, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*at = 0;
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	pg_params p;
	pg_p_init(&p);
	pg_p_cstr(&p, s->owner);
	PGresult *res;
	int got = one_row(c, PG_OUTBOX_NEXT_DUE, &p, &res, err);
	pg_conn_put(s, c);
	if (got != 1) {
		PQclear(res);
		if (got == 0)
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "OUTBOX_NEXT_DUE: no row");
		return WH_FAILED;
	}
	/* The earliest unclaimed delivery, or another process's claim whose
	 * lease lapses first (its deliveries are anyone's then). */
	bool known = false;
	int64_t due = 0;
	for (int col = 0; col < 2; col++) {
		if (pg_col_null(res, 0, col))
			continue;
		int64_t v = pg_col_int(res, 0, col);
		if (!known || v < due)
			due = v;
		known = true;
	}
	bool pending = pg_col_bool(res, 0, 2);
	PQclear(res);
	/* Other processes publish and schedule retries too: what they add is
	 * heard by NOTIFY while the listener is up, polled for while it is
	 * not, and in any case looked for again within a few seconds. */
	bool listening = atomic_load(&s->listening);
	if (!pending && listening)
		return WH_OK;
	int64_t cap = wh_now_ms() + (listening ? NEXT_DUE_POLL_MS : NEXT_DUE_UNHEARD_MS);
	*at = known && due < cap ? due : cap;
	return WH_OK;
}

wh_result pg_outbox_depth(wh_store *base, int64_t *pending, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*pending = 0;
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	PGresult *res;
	int got = one_row(c, PG_OUTBOX_DEPTH, NULL, &res, err);
	pg_conn_put(s, c);
	*pending = got == 1 ? pg_col_int(res, 0, 0) : 0;
	PQclear(res);
	return got < 0 ? WH_FAILED : WH_OK;
}

wh_result pg_outbox_renew(wh_store *base, int64_t now, int64_t *next, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	/* Three renewals per lease: one may fail and the claims still hold. */
	*next = now + s->lease_ms / 3;
	pg_conn *c;
	wh_result r = pg_tx_begin_relaxed(s, &c, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_cstr(&p, s->owner);
	pg_p_int(&p, now + s->lease_ms);
	r = pg_run(c, PG_OUTBOX_RENEW, &p, WH_FAILED, NULL, err);
	return pg_tx_end(s, c, r, false, err);
}

wh_result pg_outbox_release(wh_store *base, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin_relaxed(s, &c, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_cstr(&p, s->owner);
	int64_t released = 0;
	r = pg_run(c, PG_OUTBOX_RELEASE, &p, WH_FAILED, &released, err);
	/* The others' next claim need not wait for their poll. */
	if (r == WH_OK && released > 0)
		r = pg_run(c, PG_NOTIFY_OUTBOX, NULL, WH_FAILED, NULL, err);
	return pg_tx_end(s, c, r, false, err);
}

/* Completing ------------------------------------------------------------------- */

static bool is_failure(wh_outcome o)
{
	return o == WH_OUTCOME_RETRY || o == WH_OUTCOME_FAILED || o == WH_OUTCOME_DISABLED;
}

static int delivery_state(wh_outcome o)
{
	switch (o) {
	case WH_OUTCOME_SUCCESS:
		return 1;
	case WH_OUTCOME_RETRY:
		return 0;
	case WH_OUTCOME_FAILED:
	case WH_OUTCOME_DISABLED:
		return 2;
	case WH_OUTCOME_MUTED:
		return 3;
	case WH_OUTCOME_CANCELLED:
		return 4;
	}
	return 2;
}

/* Text for a text column. PostgreSQL refuses invalid UTF-8 and NUL bytes,
 * which a receiver's headers may hold (SQLite keeps them, and the view
 * turns them into U+FFFD on the way out): here they become U+FFFD on the
 * way in. The null string if out of memory. */
static lexc_str storable_text(lexc_arena *a, lexc_str s)
{
	if (s.ptr == NULL || (lexc_utf8_valid(s.ptr, s.len) && memchr(s.ptr, '\0', s.len) == NULL))
		return s;
	char *out = lexc_arena_alloc(a, 3 * s.len + 1);
	if (out == NULL)
		return lexc_str_borrow(NULL);
	size_t o = 0;
	for (size_t i = 0; i < s.len;) {
		size_t ok = i + lexc_utf8_check(s.ptr + i, s.len - i);
		for (; i < ok; i++) {
			if (s.ptr[i] != '\0') {
				out[o++] = s.ptr[i];
			} else {
				memcpy(out + o, "\xEF\xBF\xBD", 3);
				o += 3;
			}
		}
		if (i < s.len) { /* the invalid byte */
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return (lexc_str){out, o};
}

/* Records one attempt with `outcome` and `error` (the caller's, or the
 * disable rule's): the delivery's state and the attempt row. *number is the
 * attempt's number, 0 if the delivery is no longer this process's. */
static wh_result record_attempt(pg_conn *c, pg_store *s, const wh_attempt *at, wh_outcome outcome,
                                lexc_str error, int64_t now, int64_t *number, lexc_arena *a,
                                lexc_error *err)
{
	lexc_str error_class = storable_text(a, at->error_class),
	         err_text = storable_text(a, error), headers = storable_text(a, at->headers);
	if ((error_class.ptr == NULL && at->error_class.ptr != NULL) ||
	    (err_text.ptr == NULL && error.ptr != NULL) ||
	    (headers.ptr == NULL && at->headers.ptr != NULL))
		return no_memory(err);
	int64_t next_at = outcome == WH_OUTCOME_RETRY ? at->next_at : 0;
	pg_params p;
	pg_p_init(&p);
	pg_p_int(&p, at->delivery);
	pg_p_int(&p, delivery_state(outcome));
	pg_p_int(&p, next_at);
	pg_p_int(&p, now);
	pg_p_cstr(&p, s->owner);
	pg_p_int(&p, at->started_at);
	pg_p_int(&p, at->duration_ms);
	pg_p_int(&p, (int64_t)outcome);
	pg_p_int(&p, at->status);
	pg_p_str(&p, error_class);
	pg_p_str(&p, err_text);
	pg_p_str(&p, headers);
	pg_p_bytes(&p, at->body_len ? at->body : NULL, at->body_len);
	pg_p_bool(&p, at->truncated);
	pg_p_int(&p, next_at);
	PGresult *res;
	int got = one_row(c, PG_DELIVERY_DONE, &p, &res, err);
	*number = got == 1 ? pg_col_int(res, 0, 0) : 0;
	PQclear(res);
	return got < 0 ? WH_FAILED : WH_OK;
}

static wh_result run_webhook(pg_conn *c, enum pg_stmt_id id, lexc_str webhook_id, int64_t now,
                             int64_t *changes, lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, webhook_id);
	pg_p_int(&p, now);
	return pg_run(c, id, &p, WH_FAILED, changes, err);
}

/* One webhook's attempts of a batch, with its row locked. */
typedef struct webhook_run {
	int64_t failing_since;
	bool succeeded; /* its lastTriggered is recorded for this batch */
	bool disabled;  /* a webhook of the batch was suspended */
} webhook_run;

/* Updates the webhook for one recorded attempt: errorCount, lastTriggered,
 * the failure run and, for WH_OUTCOME_DISABLED, the suspension. */
static wh_result webhook_after(pg_conn *c, const wh_attempt *at, int64_t now, webhook_run *w,
                               lexc_error *err)
{
	if (at->outcome == WH_OUTCOME_SUCCESS) {
		/* One lastTriggered per webhook and batch is enough: the last
		 * success of a batch is at `now` like the others. */
		if (w->succeeded)
			return WH_OK;
		w->succeeded = true;
		w->failing_since = 0;
		return run_webhook(c, PG_WEBHOOK_SUCCEEDED, at->webhook_id, now, NULL, err);
	}
	if (!is_failure(at->outcome))
		return WH_OK;
	w->succeeded = false;
	if (w->failing_since == 0)
		w->failing_since = now;
	wh_result r = run_webhook(c, PG_WEBHOOK_FAILED, at->webhook_id, now, NULL, err);
	if (r != WH_OK || at->outcome != WH_OUTCOME_DISABLED)
		return r;
	int64_t changed = 0;
	r = run_webhook(c, PG_WEBHOOK_DISABLE, at->webhook_id, now, &changed, err);
	w->disabled = w->disabled || changed > 0;
	return r;
}

/* Locks the webhook's row for the rest of the batch; its failure run into
 * *since (0 if it is gone: so are its deliveries). */
static wh_result lock_webhook(pg_conn *c, lexc_str webhook_id, int64_t *since, lexc_error *err)
{
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, webhook_id);
	PGresult *res;
	int got = one_row(c, PG_WEBHOOK_FAILING, &p, &res, err);
	*since = got == 1 ? pg_col_int(res, 0, 0) : 0;
	PQclear(res);
	return got < 0 ? WH_FAILED : WH_OK;
}

/* An attempt's place in the caller's array, sorted by webhook. */
typedef struct attempt_ref {
	lexc_str webhook_id;
	size_t index;
} attempt_ref;

static int by_webhook(const void *x, const void *y)
{
	const attempt_ref *a = x, *b = y;
	int c = lexc_str_cmp(a->webhook_id, b->webhook_id);
	if (c != 0)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* The attempts of one webhook, refs[0 .. n), in the caller's order. */
static wh_result complete_webhook(pg_conn *c, pg_store *s, wh_attempt *at, const attempt_ref *refs,
                                  size_t n, int64_t now, int64_t disable_after_ms, lexc_arena *a,
                                  bool *disabled, lexc_error *err)
{
	webhook_run w = {0};
	bool touches = false;
	for (size_t k = 0; k < n && !touches; k++) {
		wh_outcome o = at[refs[k].index].outcome;
		touches = o == WH_OUTCOME_SUCCESS || is_failure(o);
	}
	/* The webhook before its deliveries, as a delete of it locks them. */
	wh_result r = touches ? lock_webhook(c, refs[0].webhook_id, &w.failing_since, err) : WH_OK;
	for (size_t k = 0; r == WH_OK && k < n; k++) {
		wh_attempt *x = &at[refs[k].index];
		wh_outcome outcome = x->outcome;
		if (is_failure(outcome) && outcome != WH_OUTCOME_DISABLED && disable_after_ms > 0 &&
		    w.failing_since != 0 && now - w.failing_since >= disable_after_ms)
			outcome = WH_OUTCOME_DISABLED;
		lexc_str error = x->error;
		if (outcome != x->outcome)
			error = LEXC_STR(
			        "only failures for the configured window: webhook disabled");
		int64_t number;
		if ((r = record_attempt(c, s, x, outcome, error, now, &number, a, err)) != WH_OK)
			break;
		/* No longer ours: deleted with its webhook, or its lease lapsed
		 * and another process took it. Its result is that one's. */
		if (number == 0)
			continue;
		x->outcome = outcome;
		x->error = error;
		r = webhook_after(c, x, now, &w, err);
	}
	*disabled = *disabled || w.disabled;
	return r;
}

wh_result pg_outbox_complete(wh_store *base, wh_attempt *at, size_t n, int64_t now,
                             int64_t disable_after_ms, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	lexc_arena a;
	lexc_arena_init(&a);
	/* In webhook order, whatever the caller's: two processes completing
	 * batches of the same webhooks lock their rows in the same order, so
	 * neither waits for the other in a circle. at[] stays as it is (its
	 * outcomes are written back in place). */
	attempt_ref *refs = lexc_arena_calloc(&a, n ? n : 1, sizeof *refs);
	if (refs == NULL) {
		lexc_arena_free(&a);
		return no_memory(err);
	}
	for (size_t i = 0; i < n; i++)
		refs[i] = (attempt_ref){at[i].webhook_id, i};
	qsort(refs, n, sizeof *refs, by_webhook);
	pg_conn *c;
	wh_result r = pg_tx_begin_relaxed(s, &c, err);
	if (r != WH_OK) {
		lexc_arena_free(&a);
		return r;
	}
	bool disabled = false;
	for (size_t i = 0, end; r == WH_OK && i < n; i = end) {
		end = i + 1;
		while (end < n && lexc_str_eq(refs[end].webhook_id, refs[i].webhook_id))
			end++;
		r = complete_webhook(c, s, at, refs + i, end - i, now, disable_after_ms, &a,
		                     &disabled, err);
	}
	r = pg_tx_end(s, c, r, disabled, err);
	lexc_arena_free(&a);
	return r;
}

/* The attempt log --------------------------------------------------------------- */

static bool read_attempt(PGresult *res, int row, lexc_arena *a, wh_attempt_row *x)
{
	x->seq = pg_col_int(res, row, 0);
	x->webhook_id = pg_col_str(res, row, 1, a);
	x->event_id = pg_col_str(res, row, 2, a);
	x->message_id = pg_col_str(res, row, 3, a);
	x->number = pg_col_int(res, row, 4);
	x->created_at = pg_col_int(res, row, 5);
	x->duration_ms = pg_col_int(res, row, 6);
	x->next_at = pg_col_int(res, row, 7);
	x->outcome = (wh_outcome)pg_col_int(res, row, 8);
	x->status = (int)pg_col_int(res, row, 9);
	x->error_class = pg_col_str(res, row, 10, a);
	x->error = pg_col_str(res, row, 11, a);
	x->headers = pg_col_str(res, row, 12, a);
	const unsigned char *body;
	size_t body_len;
	if (!pg_col_bytes(res, row, 13, a, &body, &body_len))
		return false;
	/* NUL-terminated, as a lexc_str promises. */
	x->body = body != NULL ? lexc_str_copy_n(a, (const char *)body, body_len)
	                       : lexc_str_borrow(NULL);
	if (body != NULL && x->body.ptr == NULL)
		return false;
	x->truncated = pg_col_bool(res, row, 14);
	return x->webhook_id.ptr != NULL && x->event_id.ptr != NULL && x->message_id.ptr != NULL;
}

wh_result pg_attempt_list(wh_store *base, lexc_str did, lexc_str webhook_id, lexc_str event_id,
                          int64_t before, size_t limit, lexc_arena *a, wh_attempt_row **out,
                          size_t *n, bool *more, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	*out = NULL;
	*n = 0;
	*more = false;
	wh_attempt_row *items = lexc_arena_calloc(a, limit + 1, sizeof *items);
	if (items == NULL)
		return no_memory(err);
	bool by_event = event_id.ptr != NULL;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, webhook_id);
	if (by_event)
		pg_p_str(&p, event_id);
	pg_p_int(&p, before > 0 ? before : INT64_MAX);
	pg_p_int(&p, (int64_t)limit + 1);
	pg_conn *c = pg_conn_get(s, err);
	if (c == NULL)
		return WH_FAILED;
	PGresult *res =
	        pg_exec(c, by_event ? PG_ATTEMPTS_BY_EVENT : PG_ATTEMPTS_BY_WEBHOOK, &p, NULL, err);
	pg_conn_put(s, c);
	if (res == NULL)
		return WH_FAILED;
	size_t rows = (size_t)PQntuples(res), count = 0;
	wh_result r = WH_OK;
	for (; count < rows && count < limit + 1; count++) {
		if (!read_attempt(res, (int)count, a, &items[count])) {
			lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
			               "a damaged attempt row (or out of memory)");
			r = WH_FAILED;
			break;
		}
	}
	PQclear(res);
	if (r != WH_OK)
		return r;
	*more = count > limit;
	*out = items;
	*n = count > limit ? limit : count;
	return WH_OK;
}

wh_result pg_redeliver(wh_store *base, lexc_str did, lexc_str event_id, lexc_str webhook_id,
                       int64_t now, lexc_arena *a, lexc_str *message_id, lexc_error *err)
{
	pg_store *s = pg_store_of(base);
	pg_conn *c;
	wh_result r = pg_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	pg_params p;
	pg_p_init(&p);
	pg_p_str(&p, did);
	pg_p_str(&p, event_id);
	pg_p_str(&p, webhook_id);
	PGresult *res;
	int got = one_row(c, PG_REDELIVER_FIND, &p, &res, err);
	int64_t seq = 0, status = 0;
	if (got == 1) {
		seq = pg_col_int(res, 0, 0);
		*message_id = pg_col_str(res, 0, 1, a);
		status = pg_col_int(res, 0, 2);
	}
	PQclear(res);
	r = got < 0 ? WH_FAILED : got == 0 ? WH_NOT_FOUND : WH_OK;
	if (r == WH_OK && status == WH_STATUS_ARCHIVED)
		r = WH_ARCHIVED;
	int64_t changed = 0;
	if (r == WH_OK) {
		pg_p_init(&p);
		pg_p_int(&p, seq);
		pg_p_int(&p, now);
		r = pg_run(c, PG_REDELIVER, &p, WH_FAILED, &changed, err);
	}
	/* Due now: whichever process is free takes it. */
	if (r == WH_OK && changed > 0)
		r = pg_run(c, PG_NOTIFY_OUTBOX, NULL, WH_FAILED, NULL, err);
	return pg_tx_end(s, c, r, false, err);
}
