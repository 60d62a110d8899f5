/* server_pool.c: the threads that run handlers, and lexc_call_defer() /
 * lexc_call_finish().
 *
 * An MHD worker that has a call ready to dispatch suspends its connection
 * and queues the call here; a pool thread runs the handler, stores its
 * status and resumes the connection, and MHD calls the access callback
 * again on the worker, which answers (server_request.c). A handler that
 * blocks so holds a pool thread, never a worker. A deferred call is
 * resumed by whichever of the handler's return and lexc_call_finish()
 * comes last. doc/server.md has the whole design.
 *
 * Above the call API and the responses' layer in nothing: it calls only
 * lexc_call_* and MHD_suspend/resume_connection. */
#include "config.h"

#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

/* Guards every call's hstate past RUNNING and every server's deferred
 * list. It is one static lock rather than a field of the server so that
 * lexc_call_finish() on a call that the stop abandoned, whose server may
 * be freed by then, can still learn so safely. It is held only for a few
 * pointer moves and an MHD_resume_connection(). */
static pthread_mutex_t hstate_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- The deferred list (under hstate_lock) --------------------------------- */

static void deferred_push(lexc_server *s, lexc_call *c)
{
	c->dprev = NULL;
	c->dnext = s->deferred;
	if (s->deferred != NULL)
		s->deferred->dprev = c;
	s->deferred = c;
}

static void deferred_remove(lexc_server *s, lexc_call *c)
{
	if (c->dprev != NULL)
		c->dprev->dnext = c->dnext;
	else
		s->deferred = c->dnext;
	if (c->dnext != NULL)
		c->dnext->dprev = c->dprev;
	c->dprev = c->dnext = NULL;
}

/* Under hstate_lock: the result is in; the worker answers it. */
static void resume_done(lexc_call *c)
{
	atomic_store(&c->hstate, LEXC_H_DONE);
	MHD_resume_connection(c->conn);
}

static void resume_abandoned(lexc_call *c)
{
	atomic_store(&c->hstate, LEXC_H_ABANDONED);
	MHD_resume_connection(c->conn);
}

/* ---- Pool threads ------------------------------------------------------------- */

static void run_handler(lexc_server *s, lexc_call *c)
{
	lexc_status st = c->entry->dispatch(c, c->params, c->input, c->output);
	bool release = true;
	pthread_mutex_lock(&hstate_lock);
	switch (atomic_load(&c->hstate)) {
	case LEXC_H_RUNNING:
		c->hresult = st;
		resume_done(c);
		break;
	case LEXC_H_DEFERRING: /* lexc_call_finish() will answer it */
		atomic_store(&c->hstate, LEXC_H_DEFERRED);
		deferred_push(s, c);
		release = false;
		break;
	default: /* LEXC_H_FINISHED: finished before the handler returned */
		resume_done(c);
		break;
	}
	pthread_mutex_unlock(&hstate_lock);
	if (release)
		lexc_call_release_(c);
}

static void *pool_main(void *arg)
{
	lexc_server *s = arg;
	pthread_mutex_lock(&s->pool_mutex);
	for (;;) {
		while (s->queue_head == NULL && !s->pool_quit)
			pthread_cond_wait(&s->pool_cond, &s->pool_mutex);
		lexc_call *c = s->queue_head;
		if (c == NULL)
			break; /* quitting, and nothing is left */
		s->queue_head = c->qnext;
		if (s->queue_head == NULL)
			s->queue_tail = NULL;
		c->qnext = NULL;
		s->queued--;
		s->running++;
		atomic_store(&c->hstate, LEXC_H_RUNNING);
		pthread_mutex_unlock(&s->pool_mutex);
		run_handler(s, c);
		pthread_mutex_lock(&s->pool_mutex);
		if (--s->running == 0)
			pthread_cond_broadcast(&s->idle_cond);
	}
	pthread_mutex_unlock(&s->pool_mutex);
	return NULL;
}

lexc_status lexc_server_pool_start_(lexc_server *s, lexc_error *err)
{
	unsigned n = s->cfg.handlers_inline ? 0 : s->cfg.handler_threads;
	s->pool = calloc(n > 0 ? n : 1, sizeof *s->pool);
	if (s->pool == NULL)
		return lexc_error_set(err, LEXC_NO_MEMORY, "server: out of memory");
	s->pool_quit = false;
	s->pool_closed = false;
	s->n_pool = 0;
	for (unsigned i = 0; i < n; i++) {
		int rc = pthread_create(&s->pool[i], NULL, pool_main, s);
		if (rc != 0) {
			lexc_server_pool_join_(s);
			return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
			                      "server: cannot start handler thread %u of %u: %s",
			                      i + 1, n, strerror(rc));
		}
		s->n_pool++;
	}
	return LEXC_OK;
}

void lexc_server_pool_join_(lexc_server *s)
{
	pthread_mutex_lock(&s->pool_mutex);
	s->pool_quit = true;
	pthread_cond_broadcast(&s->pool_cond);
	pthread_mutex_unlock(&s->pool_mutex);
	for (unsigned i = 0; i < s->n_pool; i++)
		pthread_join(s->pool[i], NULL);
	free(s->pool);
	s->pool = NULL;
	s->n_pool = 0;
}

bool lexc_server_pool_submit_(lexc_call *c)
{
	lexc_server *s = c->server;
	pthread_mutex_lock(&s->pool_mutex);
	if (s->pool_closed) {
		pthread_mutex_unlock(&s->pool_mutex);
		return lexc_call_fail(c, LEXC_NOT_ENOUGH_RESOURCES, "server is stopping"), false;
	}
	if (s->queued >= s->cfg.handler_queue_limit) {
		size_t queued = s->queued;
		pthread_mutex_unlock(&s->pool_mutex);
		lexc_call_add_header(c, "Retry-After", "1");
		lexc_call_fail(c, LEXC_NOT_ENOUGH_RESOURCES,
		               "handler queue full: %zu calls wait for %u handler threads", queued,
		               s->cfg.handler_threads);
		return false;
	}
	/* The handler side's reference, dropped when it is done with the call. */
	atomic_fetch_add(&c->refs, 1);
	atomic_store(&c->hstate, LEXC_H_QUEUED);
	MHD_suspend_connection(c->conn);
	c->qnext = NULL;
	if (s->queue_tail != NULL)
		s->queue_tail->qnext = c;
	else
		s->queue_head = c;
	s->queue_tail = c;
	s->queued++;
	pthread_cond_signal(&s->pool_cond);
	pthread_mutex_unlock(&s->pool_mutex);
	return true;
}

lexc_pool_outcome lexc_server_pool_inline_(lexc_call *c)
{
	lexc_server *s = c->server;
	pthread_mutex_lock(&s->pool_mutex);
	if (s->pool_closed) {
		pthread_mutex_unlock(&s->pool_mutex);
		lexc_call_fail(c, LEXC_NOT_ENOUGH_RESOURCES, "server is stopping");
		return LEXC_POOL_REFUSED;
	}
	s->running++; /* so that a stop waits for it, as for a pool thread's */
	pthread_mutex_unlock(&s->pool_mutex);
	atomic_fetch_add(&c->refs, 1);
	atomic_store(&c->hstate, LEXC_H_RUNNING);
	lexc_status st = c->entry->dispatch(c, c->params, c->input, c->output);
	lexc_pool_outcome out = LEXC_POOL_ANSWER;
	pthread_mutex_lock(&hstate_lock);
	switch (atomic_load(&c->hstate)) {
	case LEXC_H_RUNNING:
		c->hresult = st;
		atomic_store(&c->hstate, LEXC_H_DONE);
		break;
	case LEXC_H_DEFERRING:
		/* Suspended under the lock: lexc_call_finish() resumes only
		 * after this. */
		atomic_store(&c->hstate, LEXC_H_DEFERRED);
		deferred_push(s, c);
		MHD_suspend_connection(c->conn);
		out = LEXC_POOL_WAIT;
		break;
	default: /* LEXC_H_FINISHED: finished before the handler returned */
		atomic_store(&c->hstate, LEXC_H_DONE);
		break;
	}
	pthread_mutex_unlock(&hstate_lock);
	if (out == LEXC_POOL_ANSWER)
		lexc_call_release_(c); /* MHD's reference keeps the call */
	pthread_mutex_lock(&s->pool_mutex);
	if (--s->running == 0)
		pthread_cond_broadcast(&s->idle_cond);
	pthread_mutex_unlock(&s->pool_mutex);
	return out;
}

/* Under hstate_lock: answers every deferred call 503; returns how many. */
static size_t abandon_deferred(lexc_server *s)
{
	size_t n = 0;
	for (; s->deferred != NULL; n++) {
		lexc_call *c = s->deferred;
		deferred_remove(s, c);
		resume_abandoned(c);
		/* The handler side's reference stays: lexc_call_finish() drops it. */
	}
	return n;
}

bool lexc_server_pool_abandon_(lexc_server *s)
{
	pthread_mutex_lock(&s->pool_mutex);
	s->pool_closed = true;
	bool answered = s->queue_head != NULL || s->running > 0;
	lexc_call *q = s->queue_head;
	s->queue_head = s->queue_tail = NULL;
	s->queued = 0;
	pthread_mutex_unlock(&s->pool_mutex);
	while (q != NULL) {
		lexc_call *next = q->qnext;
		q->qnext = NULL;
		pthread_mutex_lock(&hstate_lock);
		resume_abandoned(q);
		pthread_mutex_unlock(&hstate_lock);
		lexc_call_release_(q); /* its handler never runs */
		q = next;
	}
	/* Running handlers are waited for: they run on our threads, with the
	 * call's connection, arena and headers in use. One that defers on
	 * the way out is abandoned by the sweep after it. */
	pthread_mutex_lock(&s->pool_mutex);
	for (;;) {
		pthread_mutex_unlock(&s->pool_mutex);
		pthread_mutex_lock(&hstate_lock);
		answered |= abandon_deferred(s) > 0;
		pthread_mutex_unlock(&hstate_lock);
		pthread_mutex_lock(&s->pool_mutex);
		if (s->running == 0)
			break;
		pthread_cond_wait(&s->idle_cond, &s->pool_mutex);
	}
	pthread_mutex_unlock(&s->pool_mutex);
	pthread_mutex_lock(&hstate_lock);
	answered |= abandon_deferred(s) > 0; /* deferred between the last sweep and idle */
	pthread_mutex_unlock(&hstate_lock);
	return answered;
}

/* ---- lexc_call_defer / lexc_call_finish ----------------------------------------- */

lexc_status lexc_call_defer(lexc_call *call)
{
	if (call == NULL)
		return LEXC_INVALID_REQUEST;
	pthread_mutex_lock(&hstate_lock);
	bool ok = atomic_load(&call->hstate) == LEXC_H_RUNNING;
	if (ok)
		atomic_store(&call->hstate, LEXC_H_DEFERRING);
	pthread_mutex_unlock(&hstate_lock);
	return ok ? LEXC_OK : LEXC_INVALID_REQUEST;
}

lexc_status lexc_call_finish(lexc_call *call, lexc_status status)
{
	if (call == NULL)
		return LEXC_INVALID_REQUEST;
	lexc_status ret = LEXC_OK;
	bool release = false;
	pthread_mutex_lock(&hstate_lock);
	switch (atomic_load(&call->hstate)) {
	case LEXC_H_DEFERRING: /* the handler has not returned: it resumes */
		call->hresult = status;
		atomic_store(&call->hstate, LEXC_H_FINISHED);
		break;
	case LEXC_H_DEFERRED:
		call->hresult = status;
		deferred_remove(call->server, call);
		resume_done(call);
		release = true;
		break;
	case LEXC_H_ABANDONED: /* the client got 503 at stop; only free it */
		ret = LEXC_NOT_ENOUGH_RESOURCES;
		release = true;
		break;
	default: /* never deferred, or finished already */
		ret = LEXC_INVALID_REQUEST;
		break;
	}
	pthread_mutex_unlock(&hstate_lock);
	if (release)
		lexc_call_release_(call);
	return ret;
}
