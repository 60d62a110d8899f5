/* stream.c: record events to outbox rows (stream.h). */
#include "config.h"

#include "delivery.h"
#include "recindex.h"
#include "stream.h"

#include "dev/lexc/webhookd/jetstream.h"
#include "place/wisp/v2/wh.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Record events are deduplicated by their derived id this long: far more
 * than any rewind, as for publishEvent's eventId. */
enum { DEDUP_MS = 24 * 3600 * 1000 };
/* Bytes of event bodies a batch holds before it commits. */
enum { BATCH_BYTES = 32 << 20 };

static const char WH_COLLECTION[] = "place.wisp.v2.wh";

void wh_stream_config_default(wh_stream_config *c)
{
	memset(c, 0, sizeof *c);
	c->batch = 256;
	c->rewind_us = 2 * 1000 * 1000;
	c->max_message = 4u << 20;
	c->max_per_did = WH_DEFAULT_MAX_WEBHOOKS;
}

/* What a committed PUT must do to the index afterwards. */
typedef struct put_note {
	size_t op; /* its index in ops */
	wh_record_hook hook;
} put_note;

struct wh_stream {
	wh_service *svc;
	wh_stream_config cfg;
	wh_recindex *index;
	lexc_arena batch;   /* everything of the batch being built */
	lexc_arena scratch; /* one message's */
	wh_stream_op *ops;
	size_t n_ops, cap_ops;
	size_t n_events; /* messages in the batch */
	int64_t cursor;  /* committed */
	int64_t next_cursor;
	size_t batch_bytes; /* of bodies and records in the batch */
	bool stale;         /* the index could not be loaded: see load() */
	wh_stream_stats stats;
};

static void log_skip(const wh_stream *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void log_skip(const wh_stream *s, const char *fmt, ...)
{
	if (s->cfg.quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("webhookd: stream: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool index_one(void *user, const wh_record_hook *h, lexc_error *err)
{
	wh_stream *s = user;
	if (!wh_recindex_put(s->index, h)) {
		const char *why = "out of memory";
		lexc_str d, c, r;
		if (!wh_scope_parse(h->scope, &d, &c, &r, &why))
			return true; /* the store took it before; skip what no longer parses */
		lexc_error_set(err, LEXC_NO_MEMORY, "indexing record webhooks: %s", why);
		return false;
	}
	return true;
}

/* Builds the index and reads the cursor from the store. The index it
 * replaces stays until the new one is whole; on a failure the stream is
 * stale: nothing is fed or committed until a load succeeds, so events are
 * never matched against part of the webhooks. */
static bool load(wh_stream *s, lexc_error *err)
{
	wh_recindex *fresh = wh_recindex_new(), *old = s->index;
	int64_t cursor = 0;
	if (fresh == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		s->stale = true;
		return false;
	}
	wh_store *st = s->svc->store;
	s->index = fresh; /* index_one fills s->index */
	bool ok = st->ops->record_hooks_each(st, index_one, s, err) == WH_OK &&
	          st->ops->stream_cursor(st, &cursor, err) == WH_OK;
	if (!ok) {
		s->index = old;
		wh_recindex_free(fresh);
		s->stale = true;
		return false;
	}
	wh_recindex_free(old);
	s->cursor = cursor;
	s->next_cursor = cursor;
	s->stale = false;
	return true;
}

/* After a failed commit: the batch is gone, and the index may be ahead of
 * the store. */
static void drop_batch(wh_stream *s)
{
	s->n_ops = 0;
	s->n_events = 0;
	s->batch_bytes = 0;
	lexc_arena_reset(&s->batch);
	s->next_cursor = s->cursor;
	lexc_error why;
	lexc_error_clear(&why);
	if (!load(s, &why))
		fprintf(stderr, "webhookd: stream: reloading record webhooks failed: %s\n",
		        why.message);
}

/* A stale stream tries to load first. */
static bool fresh(wh_stream *s, lexc_error *err)
{
	return !s->stale || load(s, err);
}

wh_stream *wh_stream_new(wh_service *svc, const wh_stream_config *c, lexc_error *err)
{
	if (svc->store->ops->stream_commit == NULL) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		               "this store does not keep record webhooks");
		return NULL;
	}
	wh_stream *s = calloc(1, sizeof *s);
	if (s == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	s->svc = svc;
	s->cfg = *c;
	lexc_arena_init(&s->batch);
	lexc_arena_init(&s->scratch);
	if (!load(s, err)) {
		wh_stream_free(s);
		return NULL;
	}
	return s;
}

void wh_stream_free(wh_stream *s)
{
	if (s == NULL)
		return;
	wh_recindex_free(s->index);
	lexc_arena_free(&s->batch);
	lexc_arena_free(&s->scratch);
	free(s->ops);
	free(s);
}

bool wh_stream_reload(wh_stream *s, lexc_error *err)
{
	s->n_ops = 0;
	s->n_events = 0;
	s->batch_bytes = 0;
	lexc_arena_reset(&s->batch);
	return load(s, err);
}

int64_t wh_stream_resume_cursor(const wh_stream *s)
{
	if (s->cursor == 0)
		return 0;
	return s->cursor > s->cfg.rewind_us ? s->cursor - s->cfg.rewind_us : 1;
}

bool wh_stream_pending(const wh_stream *s)
{
	return s->n_events > 0;
}

void wh_stream_stats_get(const wh_stream *s, wh_stream_stats *out)
{
	*out = s->stats;
	out->hooks = wh_recindex_count(s->index);
	out->cursor = s->cursor;
}

static wh_stream_op *new_op(wh_stream *s, wh_stream_kind kind)
{
	if (s->n_ops == s->cap_ops) {
		size_t cap = s->cap_ops ? s->cap_ops * 2 : 64;
		wh_stream_op *o = realloc(s->ops, cap * sizeof *o);
		if (o == NULL)
			return NULL;
		s->ops = o;
		s->cap_ops = cap;
	}
	wh_stream_op *op = &s->ops[s->n_ops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	return op;
}

static uint32_t op_bit(lexc_str operation)
{
	switch (dev_lexc_webhookd_jetstream__commit__operation__from_str(operation)) {
	case dev_lexc_webhookd_jetstream__commit__operation__value_create:
		return WH_EVENT_REC_CREATE;
	case dev_lexc_webhookd_jetstream__commit__operation__value_update:
		return WH_EVENT_REC_UPDATE;
	case dev_lexc_webhookd_jetstream__commit__operation__value_delete:
		return WH_EVENT_REC_DELETE;
	default:
		return 0;
	}
}

/* The event's id: the same for the same commit operation however often
 * the stream replays it, so the store's dedup drops the replays. */
static lexc_str event_id(lexc_arena *a, const dev_lexc_webhookd_jetstream__event *ev)
{
	const dev_lexc_webhookd_jetstream__commit *c = ev->commit;
	lexc_str parts[] = {ev->did, c->rev, c->collection, c->rkey, c->operation};
	size_t len = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		len += parts[i].len + 1;
	char *buf = lexc_arena_alloc(a, len);
	if (buf == NULL)
		return lexc_str_borrow(NULL);
	char *p = buf;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		memcpy(p, parts[i].ptr, parts[i].len);
		p += parts[i].len;
		*p++ = '\0';
	}
	unsigned char h[32];
	wh_sha256(buf, len, h);
	static const char hex[] = "0123456789abcdef";
	char id[4 + 32 + 1] = "rec_";
	for (size_t i = 0; i < 16; i++) {
		id[4 + 2 * i] = hex[h[i] >> 4];
		id[5 + 2 * i] = hex[h[i] & 15];
	}
	id[36] = '\0';
	return lexc_str_copy(a, id);
}

/* The delivery body: the record event (dev.lexc.webhookd.jetstream#recordEvent). */
static bool record_body(lexc_arena *a, const dev_lexc_webhookd_jetstream__event *ev, lexc_str id,
                        lexc_str *out, lexc_error *err)
{
	const dev_lexc_webhookd_jetstream__commit *c = ev->commit;
	dev_lexc_webhookd_jetstream__recordEvent re;
	memset(&re, 0, sizeof re);
	re.id = id;
	re.event = c->operation;
	re.operation = c->operation;
	re.did = ev->did;
	re.collection = c->collection;
	re.rkey = c->rkey;
	re.has_cid = c->has_cid;
	re.cid = c->cid;
	re.has_record = c->has_record;
	re.record = c->record;
	re.time_us = ev->time_us;
	re.timestamp = wh_datetime(a, ev->time_us / 1000);
	return dev_lexc_webhookd_jetstream__recordEvent__encode_string(&re, a, out, err) == LEXC_OK;
}

/* A place.wisp.v2.wh create or update: a PUT, or a log line if the
 * record is not a webhook this service can honour. */
static bool wh_record(wh_stream *s, const dev_lexc_webhookd_jetstream__event *ev, lexc_str uri,
                      lexc_error *err)
{
	const dev_lexc_webhookd_jetstream__commit *c = ev->commit;
	lexc_arena *a = &s->batch;
	place_wisp_v2_wh rec;
	lexc_error why;
	lexc_error_clear(&why);
	if (!c->has_record || place_wisp_v2_wh__decode(c->record.ptr, c->record.len, &s->scratch,
	                                               &rec, &why) != LEXC_OK) {
		s->stats.hooks_refused++;
		log_skip(s, "%.*s: not a valid place.wisp.v2.wh record: %s; ignored", (int)uri.len,
		         uri.ptr, c->has_record ? why.message : "no record");
		return true;
	}
	lexc_str d, col, rk;
	const char *bad;
	char url_why[200];
	if (!wh_scope_parse(rec.scope->aturi, &d, &col, &rk, &bad)) {
		s->stats.hooks_refused++;
		log_skip(s, "%.*s: $.scope.aturi: %s; ignored", (int)uri.len, uri.ptr, bad);
		return true;
	}
	if (!wh_url_check(&s->svc->net, rec.url, url_why, sizeof url_why)) {
		s->stats.hooks_refused++;
		log_skip(s, "%.*s: $.url: %s; ignored", (int)uri.len, uri.ptr, url_why);
		return true;
	}
	wh_stream_op *op = new_op(s, WH_STREAM_PUT);
	if (op == NULL)
		goto oom;
	wh_record_hook *h = &op->hook;
	h->uri = uri;
	/* Copies: the message's strings go with it. */
	h->did = lexc_str_copy_n(a, ev->did.ptr, ev->did.len);
	h->url = lexc_str_copy_n(a, rec.url.ptr, rec.url.len);
	h->scope = lexc_str_copy_n(a, rec.scope->aturi.ptr, rec.scope->aturi.len);
	h->backlinks = rec.scope->has_backlinks && rec.scope->backlinks;
	h->enabled = !rec.has_enabled || rec.enabled;
	h->events = rec.has_events ? 0 : WH_EVENT_REC_ALL;
	for (size_t i = 0; rec.has_events && i < rec.n_events; i++)
		h->events |= op_bit(rec.events[i]);
	/* secretId wins over secret (wisp.place's rule). */
	h->secret_name = rec.has_secretId ? lexc_str_copy_n(a, rec.secretId.ptr, rec.secretId.len)
	                                  : lexc_str_borrow(NULL);
	h->wisp_sign = rec.has_secretId || rec.has_secret;
	if (h->did.ptr == NULL || h->url.ptr == NULL || h->scope.ptr == NULL ||
	    (rec.has_secretId && h->secret_name.ptr == NULL))
		goto oom;
	/* The webhook keeps its id: the index knows it when the record did
	 * exist (else a fresh one; the store answers with the row's). */
	char id[WH_UUID_LEN + 1];
	int64_t now = wh_now_ms();
	lexc_str known = wh_recindex_webhook_id(s->index, uri);
	if (known.ptr != NULL)
		h->webhook_id = lexc_str_copy_n(a, known.ptr, known.len);
	else if (wh_uuid7(now, id))
		h->webhook_id = lexc_str_copy(a, id);
	else
		goto oom;
	/* Its own secret: the record's raw `secret`, marked so delivery keys
	 * it as bytes, not base64; or, new, a fresh one (unused by receivers:
	 * they get no X-Webhook-Signature then). */
	char fresh[WH_SECRET_LEN + 1];
	lexc_str plain;
	if (!rec.has_secretId && rec.has_secret) {
		/* By length: a secret may hold a NUL. */
		char *p = lexc_arena_alloc(a, 4 + rec.secret.len + 1);
		if (p != NULL) {
			memcpy(p, "raw:", 4);
			memcpy(p + 4, rec.secret.ptr, rec.secret.len);
			p[4 + rec.secret.len] = '\0';
		}
		plain = lexc_str_borrow_n(p, p != NULL ? 4 + rec.secret.len : 0);
		op->replace_secret = true;
	} else {
		if (!wh_secret_generate(fresh))
			goto oom;
		plain = lexc_str_copy(a, fresh);
		wh_wipe(fresh, sizeof fresh);
	}
	if (!wh_uuid7(now, id))
		goto oom;
	op->secret.id = lexc_str_copy(a, id);
	op->secret.now = now;
	bool sealed = plain.ptr != NULL && op->secret.id.ptr != NULL &&
	              wh_seal(s->svc->keys, h->did, op->secret.id, plain, a, &op->secret.sealed);
	if (plain.ptr != NULL)
		wh_wipe((void *)plain.ptr, plain.len);
	if (!sealed || h->webhook_id.ptr == NULL)
		goto oom;
	/* Indexed now, so the batch's later events see it; a commit that
	 * refuses it takes it out again (commit()). */
	if (!wh_recindex_put(s->index, h))
		goto oom;
	return true;
oom:
	lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
	return false;
}

/* After a commit: the index entry of a refused PUT's record becomes what
 * the store has for it. The ops are replayed in order, so the last op on
 * a record decides, as in the store. */
static bool restore(wh_stream *s, const wh_stream_op *op, lexc_error *err)
{
	wh_store *st = s->svc->store;
	wh_record_hook h;
	bool found = false;
	lexc_arena_reset(&s->scratch);
	if (st->ops->record_hook_get(st, op->hook.did, op->hook.uri, &s->scratch, &h, &found,
	                             err) != WH_OK)
		return false;
	if (!found) {
		wh_recindex_remove(s->index, op->hook.uri);
		return true;
	}
	if (!wh_recindex_put(s->index, &h)) {
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return false;
	}
	return true;
}

static bool commit(wh_stream *s, lexc_error *err)
{
	if (s->n_events == 0)
		return true;
	wh_store *st = s->svc->store;
	wh_stream_result *res = lexc_arena_calloc(&s->batch, s->n_ops ? s->n_ops : 1, sizeof *res);
	wh_result r = res == NULL ? WH_FAILED
	                          : st->ops->stream_commit(st, s->ops, s->n_ops, s->next_cursor,
	                                                   wh_now_ms(), DEDUP_MS,
	                                                   s->cfg.max_per_did, &s->batch, res, err);
	if (res == NULL)
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
	bool wake = false;
	if (r == WH_OK) {
		s->cursor = s->next_cursor;
		s->stats.commits++;
		for (size_t i = 0; i < s->n_ops; i++) {
			const wh_stream_op *op = &s->ops[i];
			if (op->kind == WH_STREAM_EVENT) {
				s->stats.deliveries += (uint64_t)res[i].deliveries;
				s->stats.duplicates += res[i].duplicate;
				wake = wake || res[i].deliveries > 0;
			} else if (op->kind == WH_STREAM_REMOVE) {
				s->stats.hooks_removed += res[i].r == WH_OK;
				wh_recindex_remove(s->index, op->hook.uri);
			} else if (res[i].r != WH_OK) {
				s->stats.hooks_refused++;
				log_skip(s, "%.*s: %s; ignored", (int)op->hook.uri.len,
				         op->hook.uri.ptr,
				         res[i].r == WH_TOO_MANY
				                 ? "the DID has as many webhooks as it may"
				                 : "no named secret of that secretId");
				/* The index took the refused version; it gets back what
				 * the store kept (an earlier version, or nothing). */
				if (!restore(s, op, err))
					r = WH_FAILED;
			} else {
				s->stats.hooks_put++;
				wh_record_hook h = op->hook;
				h.webhook_id = res[i].webhook_id;
				if (!wh_recindex_put(s->index, &h)) {
					lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
					r = WH_FAILED;
				}
			}
		}
	}
	if (wake && s->svc->deliverer != NULL)
		wh_deliverer_wake(s->svc->deliverer);
	if (r != WH_OK) {
		drop_batch(s); /* the index ran ahead of the store: rebuilt from it */
		return false;
	}
	s->n_ops = 0;
	s->n_events = 0;
	s->batch_bytes = 0;
	lexc_arena_reset(&s->batch);
	return true;
}

bool wh_stream_flush(wh_stream *s, lexc_error *err)
{
	return fresh(s, err) && commit(s, err);
}

/* Decodes msg into *ev (scratch); false if it is not a commit event this
 * can use (logged and counted). */
static bool decode(wh_stream *s, const char *msg, size_t len,
                   dev_lexc_webhookd_jetstream__event *ev, uint32_t *op)
{
	lexc_error why;
	lexc_error_clear(&why);
	if (len > s->cfg.max_message) {
		s->stats.invalid++;
		log_skip(s, "a message of %zu bytes (more than %zu); skipped", len,
		         s->cfg.max_message);
		return false;
	}
	if (dev_lexc_webhookd_jetstream__event__decode(msg, len, &s->scratch, ev, &why) !=
	    LEXC_OK) {
		s->stats.invalid++;
		log_skip(s, "a message that is not a Jetstream event: %s; skipped", why.message);
		return false;
	}
	*op = 0;
	if (ev->commit != NULL &&
	    dev_lexc_webhookd_jetstream__event__kind__from_str(ev->kind) ==
	            dev_lexc_webhookd_jetstream__event__kind__value_commit &&
	    (*op = op_bit(ev->commit->operation)) == 0) {
		s->stats.invalid++;
		log_skip(s, "an event of operation %.*s; skipped", (int)ev->commit->operation.len,
		         ev->commit->operation.ptr);
		return false;
	}
	return true;
}

/* Copies what an EVENT op keeps of the scratch into the batch arena. */
static bool add_events(wh_stream *s, const dev_lexc_webhookd_jetstream__event *ev, uint32_t op,
                       const wh_rec_match *m, size_t n, lexc_error *err)
{
	lexc_arena *a = &s->batch;
	lexc_str id = event_id(a, ev), body;
	if (id.ptr == NULL || !record_body(a, ev, id, &body, err))
		return false;
	s->batch_bytes += body.len;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && lexc_str_eq(m[j].did, m[i].did))
			j++;
		wh_stream_op *o = new_op(s, WH_STREAM_EVENT);
		lexc_str *hooks = lexc_arena_calloc(a, j - i, sizeof *hooks);
		if (o == NULL || hooks == NULL)
			return false;
		for (size_t k = i; k < j; k++)
			if ((hooks[k - i] =
			             lexc_str_copy_n(a, m[k].webhook_id.ptr, m[k].webhook_id.len))
			            .ptr == NULL)
				return false;
		o->event.did = lexc_str_copy_n(a, m[i].did.ptr, m[i].did.len);
		o->event.id = id;
		o->event.type = op;
		o->event.body = body;
		o->webhooks = hooks;
		o->n_webhooks = j - i;
		if (o->event.did.ptr == NULL)
			return false;
		i = j;
	}
	s->stats.matched_events++;
	return true;
}

/* The webhooks commit event ev (operation op) fires, into *m. */
static ptrdiff_t match(wh_stream *s, const dev_lexc_webhookd_jetstream__event *ev, uint32_t op,
                       const wh_rec_match **m)
{
	const dev_lexc_webhookd_jetstream__commit *c = ev->commit;
	wh_rec_event re = {ev->did, c->collection, c->rkey, op,
	                   c->has_record ? c->record : lexc_str_borrow(NULL)};
	return wh_recindex_match(s->index, &re, &s->scratch, m);
}

bool wh_stream_feed(wh_stream *s, const char *msg, size_t len, lexc_error *err)
{
	if (!fresh(s, err))
		return false;
	s->stats.messages++;
	dev_lexc_webhookd_jetstream__event ev;
	uint32_t op;
	bool ok = true;
	lexc_arena_reset(&s->scratch);
	if (!decode(s, msg, len, &ev, &op))
		return true;
	if (ev.time_us > s->next_cursor)
		s->next_cursor = ev.time_us;
	s->n_events++;
	const dev_lexc_webhookd_jetstream__commit *c = op != 0 ? ev.commit : NULL;
	if (c != NULL && !lexc_str_eq_cstr(c->collection, WH_COLLECTION)) {
		const wh_rec_match *m;
		ptrdiff_t n = match(s, &ev, op, &m);
		if (n < 0 || (n > 0 && !add_events(s, &ev, op, m, (size_t)n, err))) {
			if (err->code == LEXC_OK)
				lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
			ok = false;
		}
	} else if (c != NULL) {
		/* A wh record is configuration, not content: it registers,
		 * changes or removes a webhook and is delivered to none (its
		 * URL and raw secret are nobody else's business). */
		lexc_str uri =
		        lexc_str_printf(&s->batch, "at://%.*s/%s/%.*s", (int)ev.did.len, ev.did.ptr,
		                        WH_COLLECTION, (int)c->rkey.len, c->rkey.ptr);
		wh_stream_op *rm = NULL;
		if (uri.ptr == NULL) {
			ok = false;
		} else if (op == WH_EVENT_REC_DELETE) {
			if ((rm = new_op(s, WH_STREAM_REMOVE)) == NULL) {
				ok = false;
			} else {
				rm->hook.uri = uri;
				rm->hook.did = lexc_str_copy_n(&s->batch, ev.did.ptr, ev.did.len);
				wh_recindex_remove(s->index, uri);
				ok = rm->hook.did.ptr != NULL;
			}
		} else {
			ok = wh_record(s, &ev, uri, err);
		}
		if (!ok && err->code == LEXC_OK)
			lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
	}
	if (!ok) {
		drop_batch(s); /* as a failed commit would */
		return false;
	}
	/* A batch is bounded by events and by bytes (bodies carry records of
	 * up to max_message each). */
	if (s->n_events < s->cfg.batch && s->batch_bytes < BATCH_BYTES)
		return true;
	return commit(s, err);
}

bool wh_stream_index_put(wh_stream *s, const wh_record_hook *h)
{
	return wh_recindex_put(s->index, h);
}

ptrdiff_t wh_stream_match_only(wh_stream *s, const char *msg, size_t len, bool decode_only)
{
	dev_lexc_webhookd_jetstream__event ev;
	uint32_t op;
	lexc_arena_reset(&s->scratch);
	if (!decode(s, msg, len, &ev, &op))
		return -1;
	if (decode_only || op == 0)
		return 0;
	const wh_rec_match *m;
	return match(s, &ev, op, &m);
}
