/* store_sqlite_outbox.c: the delivery half of the SQLite store (store.h):
 * events, the outbox of deliveries (one per event and webhook) and the
 * attempt log.
 *
 * The outbox is a table, not a queue beside the database: an event and
 * its deliveries commit in one transaction, so an accepted event is never
 * lost and never half fanned out. A delivery is claimed (claimed = 1)
 * while this process works on it; outbox_recover clears every claim at
 * start, so what a crash left in flight is tried again with the same
 * webhook-id. Attempts are recorded in batches (outbox_complete), one
 * transaction for many results, which is what lets one SQLite file keep
 * up with thousands of deliveries a second. */
#include "config.h"

#include "store.h"
#include "store_sqlite.h"
#include "webhookd.h"

#include <string.h>

/* Publishing ------------------------------------------------------------------ */

/* A previous event of (did, id) into *seq (0: none), its time and how many
 * deliveries it had. */
static wh_result find_event(conn *c, lexc_str did, lexc_str id, int64_t *seq, int64_t *at,
                            int64_t *count, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_EVENT_BY_ID, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, id);
	int got = sq_row(c, STMT_EVENT_BY_ID, st, err);
	*seq = got == 1 ? sqlite3_column_int64(st, 0) : 0;
	*at = got == 1 ? sqlite3_column_int64(st, 1) : 0;
	*count = got == 1 ? sqlite3_column_int64(st, 2) : 0;
	sqlite3_reset(st);
	return got < 0 ? WH_FAILED : WH_OK;
}

static wh_result run_seq(conn *c, enum stmt_id id, int64_t seq, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, id, err);
	if (st == NULL)
		return WH_FAILED;
	sqlite3_bind_int64(st, 1, seq);
	return sq_run(c, id, st, WH_FAILED, err);
}

/* The one delivery of a ping to its webhook. */
static wh_result fan_out_one(conn *c, const wh_event_in *e, int64_t seq, int64_t now, lexc_arena *a,
                             wh_publish_out *out, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_WEBHOOK_STATUS, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, e->did);
	sq_bind_str(st, 2, e->only_webhook);
	int got = sq_row(c, STMT_WEBHOOK_STATUS, st, err);
	int status = got == 1 ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (got < 0)
		return WH_FAILED;
	if (got == 0)
		return WH_NOT_FOUND;
	if (status == WH_STATUS_ARCHIVED)
		return WH_ARCHIVED;
	if (wh_test_fail("DELIVERY_ONE") || (st = sq_stmt(c, STMT_DELIVERY_ONE, err)) == NULL)
		return sq_failed(err, "DELIVERY_ONE", c->db);
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_str(st, 3, e->did);
	sq_bind_str(st, 4, e->only_webhook);
	got = sq_row(c, STMT_DELIVERY_ONE, st, err);
	if (got == 1)
		out->message_id = sq_col_str(st, 0, a);
	sqlite3_reset(st);
	if (got != 1)
		return got < 0 ? WH_FAILED : WH_NOT_FOUND;
	out->webhooks = 1;
	return WH_OK;
}

wh_result sq_event_insert(conn *c, const wh_event_in *e, int64_t now, int64_t dedup_ms,
                          int64_t *seq, wh_publish_out *out, lexc_error *err)
{
	memset(out, 0, sizeof *out);
	*seq = 0;
	int64_t prev, prev_at, prev_count;
	wh_result r = find_event(c, e->did, e->id, &prev, &prev_at, &prev_count, err);
	if (r != WH_OK)
		return r;
	if (prev != 0 && now - prev_at < dedup_ms) {
		out->duplicate = true;
		out->webhooks = prev_count;
		return WH_OK;
	}
	if (prev != 0 && (r = run_seq(c, STMT_EVENT_RELEASE_ID, prev, err)) != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_EVENT_INSERT, err);
	if (st == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, e->did);
	sq_bind_str(st, 2, e->id);
	sqlite3_bind_int(st, 3, (int)e->type);
	sq_bind_str(st, 4, e->body);
	sqlite3_bind_int64(st, 5, now);
	if ((r = sq_run(c, STMT_EVENT_INSERT, st, WH_FAILED, err)) != WH_OK)
		return r;
	*seq = sqlite3_last_insert_rowid(c->db);
	return WH_OK;
}

static wh_result publish_one(conn *c, const wh_event_in *e, int64_t now, int64_t dedup_ms,
                             lexc_arena *a, wh_publish_out *out, lexc_error *err)
{
	int64_t seq;
	wh_result r = sq_event_insert(c, e, now, dedup_ms, &seq, out, err);
	if (r != WH_OK || out->duplicate)
		return r;
	if (e->only_webhook.ptr != NULL)
		return fan_out_one(c, e, seq, now, a, out, err);
	sqlite3_stmt *st = sq_stmt(c, STMT_DELIVERY_FANOUT, err);
	if (st == NULL)
		return WH_FAILED;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, now);
	sq_bind_str(st, 3, e->did);
	sqlite3_bind_int(st, 4, (int)e->type);
	if ((r = sq_run(c, STMT_DELIVERY_FANOUT, st, WH_FAILED, err)) != WH_OK)
		return r;
	out->webhooks = sqlite3_changes(c->db);
	return WH_OK;
}

wh_result sq_events_publish(wh_store *base, const wh_event_in *ev, size_t n, int64_t now,
                            int64_t dedup_ms, lexc_arena *a, wh_publish_out *out, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	for (size_t i = 0; r == WH_OK && i < n; i++)
		r = publish_one(c, &ev[i], now, dedup_ms, a, &out[i], err);
	return sq_tx_finish(s, c, r, false, err);
}

/* Claiming --------------------------------------------------------------------- */

wh_result sq_outbox_recover(wh_store *base, int64_t now, int64_t *recovered, int64_t *leased,
                            lexc_error *err)
{
	*leased = 0; /* one process: every claim is a dead one's */
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_OUTBOX_RECOVER, err);
	if (st == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		sqlite3_bind_int64(st, 1, now);
		r = sq_run(c, STMT_OUTBOX_RECOVER, st, WH_FAILED, err);
		*recovered = r == WH_OK ? sqlite3_changes(c->db) : 0;
	}
	return sq_tx_finish(s, c, r, false, err);
}

/* Fills in the event half of a claimed job. */
static wh_result load_job(conn *c, int64_t event_seq, lexc_arena *a, wh_job *j, lexc_error *err)
{
	sqlite3_stmt *st = sq_stmt(c, STMT_JOB_EVENT, err);
	if (st == NULL)
		return WH_FAILED;
	sqlite3_bind_int64(st, 1, event_seq);
	int got = sq_row(c, STMT_JOB_EVENT, st, err);
	if (got == 1) {
		j->event_id = sq_col_str(st, 0, a);
		j->type = (uint32_t)sqlite3_column_int(st, 1);
		j->body = sq_col_str(st, 2, a);
		j->did = sq_col_str(st, 3, a);
	}
	sqlite3_reset(st);
	if (got == 0) { /* the foreign key makes this impossible */
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "event %lld: missing",
		               (long long)event_seq);
		return WH_FAILED;
	}
	return got < 0 ? WH_FAILED : WH_OK;
}

wh_result sq_outbox_claim(wh_store *base, int64_t now, size_t max, size_t per_webhook,
                          const lexc_str *skip, size_t n_skip, lexc_arena *a, wh_job **out,
                          size_t *n, lexc_error *err)
{
	(void)per_webhook; /* earliest due first: delivery.c queues per webhook */
	sqlite_store *s = sq_store_of(base);
	*out = NULL;
	*n = 0;
	wh_job *jobs = lexc_arena_calloc(a, max ? max : 1, sizeof *jobs);
	int64_t *events = lexc_arena_calloc(a, max ? max : 1, sizeof *events);
	if (jobs == NULL || events == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return WH_FAILED;
	}
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_OUTBOX_CLAIM, err);
	size_t count = 0;
	if (st == NULL || wh_test_fail("OUTBOX_CLAIM")) {
		r = sq_failed(err, "OUTBOX_CLAIM", c->db);
	} else {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
		lexc_str skipped = wh_id_array(a, skip, n_skip, '[', ']');
		sq_bind_str(st, 3, skipped);
		int got;
		while (count < max && (got = sq_row(c, STMT_OUTBOX_CLAIM, st, err)) == 1) {
			wh_job *j = &jobs[count];
			j->delivery = sqlite3_column_int64(st, 0);
			j->message_id = sq_col_str(st, 1, a);
			events[count] = sqlite3_column_int64(st, 2);
			j->webhook_id = sq_col_str(st, 3, a);
			j->tries = sqlite3_column_int64(st, 4);
			count++;
		}
		if (got < 0)
			r = WH_FAILED;
		sqlite3_reset(st);
	}
	for (size_t i = 0; r == WH_OK && i < count; i++)
		r = load_job(c, events[i], a, &jobs[i], err);
	r = sq_tx_finish(s, c, r, false, err);
	if (r != WH_OK)
		return r;
	*out = jobs;
	*n = count;
	return WH_OK;
}

/* A one-row, one-integer query on this thread's connection. */
static wh_result scalar(wh_store *base, enum stmt_id id, int64_t *v, lexc_error *err)
{
	conn *c = sq_conn_get(sq_store_of(base), err);
	if (c == NULL)
		return WH_FAILED;
	sqlite3_stmt *st = sq_stmt(c, id, err);
	if (st == NULL)
		return WH_FAILED;
	int got = sq_row(c, id, st, err);
	*v = got == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return got < 0 ? WH_FAILED : WH_OK;
}

wh_result sq_outbox_next_due(wh_store *base, int64_t *at, lexc_error *err)
{
	return scalar(base, STMT_OUTBOX_NEXT_DUE, at, err);
}

wh_result sq_outbox_depth(wh_store *base, int64_t *pending, lexc_error *err)
{
	return scalar(base, STMT_OUTBOX_DEPTH, pending, err);
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

/* Updates the webhook for one attempt; may turn a failure into DISABLED. */
static wh_result webhook_after(conn *c, wh_attempt *at, int64_t now, int64_t disable_after_ms,
                               lexc_error *err)
{
	sqlite3_stmt *st;
	wh_result r;
	if (at->outcome == WH_OUTCOME_SUCCESS) {
		if ((st = sq_stmt(c, STMT_WEBHOOK_SUCCEEDED, err)) == NULL)
			return WH_FAILED;
		sq_bind_str(st, 1, at->webhook_id);
		sqlite3_bind_int64(st, 2, now);
		return sq_run(c, STMT_WEBHOOK_SUCCEEDED, st, WH_FAILED, err);
	}
	if (!is_failure(at->outcome))
		return WH_OK;
	if (disable_after_ms > 0 && at->outcome != WH_OUTCOME_DISABLED) {
		if ((st = sq_stmt(c, STMT_WEBHOOK_FAILING, err)) == NULL)
			return WH_FAILED;
		sq_bind_str(st, 1, at->webhook_id);
		int got = sq_row(c, STMT_WEBHOOK_FAILING, st, err);
		int64_t since = got == 1 ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (got < 0)
			return WH_FAILED;
		if (since != 0 && now - since >= disable_after_ms) {
			at->outcome = WH_OUTCOME_DISABLED;
			at->error = LEXC_STR(
			        "only failures for the configured window: webhook disabled");
		}
	}
	if ((st = sq_stmt(c, STMT_WEBHOOK_FAILED, err)) == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, at->webhook_id);
	sqlite3_bind_int64(st, 2, now);
	if ((r = sq_run(c, STMT_WEBHOOK_FAILED, st, WH_FAILED, err)) != WH_OK)
		return r;
	if (at->outcome != WH_OUTCOME_DISABLED)
		return WH_OK;
	if ((st = sq_stmt(c, STMT_WEBHOOK_DISABLE, err)) == NULL)
		return WH_FAILED;
	sq_bind_str(st, 1, at->webhook_id);
	sqlite3_bind_int64(st, 2, now);
	return sq_run(c, STMT_WEBHOOK_DISABLE, st, WH_FAILED, err);
}

static wh_result complete_one(conn *c, wh_attempt *at, int64_t now, int64_t disable_after_ms,
                              bool webhook_done, lexc_error *err)
{
	wh_result r = webhook_done ? WH_OK : webhook_after(c, at, now, disable_after_ms, err);
	if (r != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_DELIVERY_DONE, err);
	if (st == NULL)
		return WH_FAILED;
	sqlite3_bind_int64(st, 1, at->delivery);
	sqlite3_bind_int(st, 2, delivery_state(at->outcome));
	sqlite3_bind_int64(st, 3, at->outcome == WH_OUTCOME_RETRY ? at->next_at : 0);
	sqlite3_bind_int64(st, 4, now);
	int got = sq_row(c, STMT_DELIVERY_DONE, st, err);
	int64_t number = got == 1 ? sqlite3_column_int64(st, 0) : 0;
	/* RETURNING rows are produced while stepping: finish the statement. */
	while (got == 1)
		got = sq_row(c, STMT_DELIVERY_DONE, st, err);
	sqlite3_reset(st);
	if (got < 0)
		return WH_FAILED;
	if (number == 0) /* the delivery is gone with its webhook */
		return WH_OK;
	if ((st = sq_stmt(c, STMT_ATTEMPT_INSERT, err)) == NULL)
		return WH_FAILED;
	sqlite3_bind_int64(st, 1, at->delivery);
	sqlite3_bind_int64(st, 2, number);
	sqlite3_bind_int64(st, 3, at->started_at);
	sqlite3_bind_int64(st, 4, at->duration_ms);
	sqlite3_bind_int(st, 5, (int)at->outcome);
	sqlite3_bind_int(st, 6, at->status);
	sq_bind_str(st, 7, at->error_class);
	sq_bind_str(st, 8, at->error);
	sq_bind_str(st, 9, at->headers);
	sq_bind_blob(st, 10, at->body_len ? at->body : NULL, at->body_len);
	sqlite3_bind_int(st, 11, at->truncated);
	sqlite3_bind_int64(st, 12, at->outcome == WH_OUTCOME_RETRY ? at->next_at : 0);
	return sq_run(c, STMT_ATTEMPT_INSERT, st, WH_FAILED, err);
}

wh_result sq_outbox_complete(wh_store *base, wh_attempt *at, size_t n, int64_t now,
                             int64_t disable_after_ms, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	bool disabled = false;
	/* One lastTriggered per webhook and batch is enough: the last
	 * success of a batch is at `now` like the others. */
	lexc_str succeeded[64];
	size_t n_succeeded = 0;
	for (size_t i = 0; r == WH_OK && i < n; i++) {
		bool again = false;
		if (at[i].outcome == WH_OUTCOME_SUCCESS) {
			for (size_t k = 0; k < n_succeeded && !again; k++)
				again = lexc_str_eq(succeeded[k], at[i].webhook_id);
			if (!again && n_succeeded < sizeof succeeded / sizeof succeeded[0])
				succeeded[n_succeeded++] = at[i].webhook_id;
		} else {
			for (size_t k = 0; k < n_succeeded; k++)
				if (lexc_str_eq(succeeded[k], at[i].webhook_id))
					succeeded[k--] = succeeded[--n_succeeded];
		}
		r = complete_one(c, &at[i], now, disable_after_ms, again, err);
		disabled = disabled || at[i].outcome == WH_OUTCOME_DISABLED;
	}
	return sq_tx_finish(s, c, r, disabled, err);
}

/* The attempt log --------------------------------------------------------------- */

static bool read_attempt(sqlite3_stmt *st, lexc_arena *a, wh_attempt_row *x)
{
	x->seq = sqlite3_column_int64(st, 0);
	x->webhook_id = sq_col_str(st, 1, a);
	x->event_id = sq_col_str(st, 2, a);
	x->message_id = sq_col_str(st, 3, a);
	x->number = sqlite3_column_int64(st, 4);
	x->created_at = sqlite3_column_int64(st, 5);
	x->duration_ms = sqlite3_column_int64(st, 6);
	x->next_at = sqlite3_column_int64(st, 7);
	x->outcome = (wh_outcome)sqlite3_column_int(st, 8);
	x->status = sqlite3_column_int(st, 9);
	x->error_class = sq_col_str(st, 10, a);
	x->error = sq_col_str(st, 11, a);
	x->headers = sq_col_str(st, 12, a);
	x->body = sq_col_str(st, 13, a);
	x->truncated = sqlite3_column_int(st, 14) != 0;
	return x->webhook_id.ptr != NULL && x->event_id.ptr != NULL && x->message_id.ptr != NULL;
}

wh_result sq_attempt_list(wh_store *base, lexc_str did, lexc_str webhook_id, lexc_str event_id,
                          int64_t before, size_t limit, lexc_arena *a, wh_attempt_row **out,
                          size_t *n, bool *more, lexc_error *err)
{
	*out = NULL;
	*n = 0;
	*more = false;
	conn *c = sq_conn_get(sq_store_of(base), err);
	if (c == NULL)
		return WH_FAILED;
	enum stmt_id id = event_id.ptr != NULL ? STMT_ATTEMPTS_BY_EVENT : STMT_ATTEMPTS_BY_WEBHOOK;
	sqlite3_stmt *st = sq_stmt(c, id, err);
	wh_attempt_row *items = lexc_arena_calloc(a, limit + 1, sizeof *items);
	if (st == NULL || items == NULL)
		return st == NULL ? WH_FAILED : sq_failed(err, "out of memory", NULL);
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, webhook_id);
	sq_bind_str(st, 3, event_id);
	sqlite3_bind_int64(st, 4, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)limit + 1);
	size_t count = 0;
	int got;
	while (count < limit + 1 && (got = sq_row(c, id, st, err)) == 1) {
		if (!read_attempt(st, a, &items[count])) {
			got = -1;
			sq_failed(err, "a damaged attempt row", NULL);
			break;
		}
		count++;
	}
	sqlite3_reset(st);
	if (got < 0)
		return WH_FAILED;
	*more = count > limit;
	*out = items;
	*n = count > limit ? limit : count;
	return WH_OK;
}

wh_result sq_redeliver(wh_store *base, lexc_str did, lexc_str event_id, lexc_str webhook_id,
                       int64_t now, lexc_arena *a, lexc_str *message_id, lexc_error *err)
{
	sqlite_store *s = sq_store_of(base);
	conn *c;
	wh_result r = sq_tx_begin(s, &c, err);
	if (r != WH_OK)
		return r;
	sqlite3_stmt *st = sq_stmt(c, STMT_REDELIVER_FIND, err);
	if (st == NULL)
		return sq_tx_end(s, c, WH_FAILED, err);
	sq_bind_str(st, 1, did);
	sq_bind_str(st, 2, event_id);
	sq_bind_str(st, 3, webhook_id);
	int got = sq_row(c, STMT_REDELIVER_FIND, st, err);
	int64_t seq = 0;
	int status = 0;
	if (got == 1) {
		seq = sqlite3_column_int64(st, 0);
		*message_id = sq_col_str(st, 1, a);
		status = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	r = got < 0 ? WH_FAILED : got == 0 ? WH_NOT_FOUND : WH_OK;
	if (r == WH_OK && status == WH_STATUS_ARCHIVED)
		r = WH_ARCHIVED;
	if (r == WH_OK && (st = sq_stmt(c, STMT_REDELIVER, err)) == NULL)
		r = WH_FAILED;
	if (r == WH_OK) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, now);
		r = sq_run(c, STMT_REDELIVER, st, WH_FAILED, err);
	}
	return sq_tx_finish(s, c, r, false, err);
}
