/* server_call.c: the lexc_call API that handlers and the authentication
 * hook use (accessors, response headers, failures), and a call's life: made
 * on MHD's first callback, freed when its last reference goes (the
 * completion callback, or lexc_call_finish() for a deferred call that
 * outlived its answer). The lowest layer but the logs: it calls nothing
 * above it. */
#include "config.h"

#include "server_internal.h"

#include <lexc/codec.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ---- Accessors and headers ----------------------------------------------- */

const char *lexc_call_nsid(const lexc_call *call)
{
	return call->entry != NULL ? call->entry->method->nsid : "";
}

void *lexc_call_user(const lexc_call *call)
{
	return call->entry != NULL ? call->entry->user : NULL;
}

lexc_arena *lexc_call_arena(lexc_call *call)
{
	return &call->arena;
}

const char *lexc_call_header(const lexc_call *call, const char *name)
{
	return MHD_lookup_connection_value(call->conn, MHD_HEADER_KIND, name);
}

const char *lexc_call_remote_addr(const lexc_call *call)
{
	return call->remote;
}

const char *lexc_call_caller_did(const lexc_call *call)
{
	return call->caller_did;
}

void *lexc_call_caller_data(const lexc_call *call)
{
	return call->caller_data;
}

void (*lexc_call_handler_(const lexc_call *call))(void)
{
	return call->entry != NULL ? call->entry->handler : NULL;
}

lexc_status lexc_call_set_caller(lexc_call *call, const char *did, void *data)
{
	char *copy = did != NULL ? lexc_arena_strndup(&call->arena, did, strlen(did)) : NULL;
	if (did != NULL && copy == NULL)
		return LEXC_NO_MEMORY;
	call->caller_did = copy;
	call->caller_data = data;
	return LEXC_OK;
}

bool lexc_server_header_text_ok_(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return false;
	return true;
}

/* An HTTP token (RFC 9110 tchar): what MHD and every client accept. */
static bool header_name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", c) != NULL))
			return false;
	}
	return true;
}

static bool header_value_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return false;
	}
	return true;
}

lexc_status lexc_call_add_header(lexc_call *call, const char *name, const char *value)
{
	static const char *const reserved[] = {"Content-Type", "Content-Length",
	                                       "Transfer-Encoding", "Connection"};
	if (name == NULL || value == NULL || !header_name_ok(name) || !header_value_ok(value))
		return LEXC_INVALID_REQUEST;
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcasecmp(name, reserved[i]) == 0)
			return LEXC_INVALID_REQUEST;
	lexc_call_header_ *h = lexc_arena_alloc(&call->arena, sizeof *h);
	if (h == NULL)
		return LEXC_NO_MEMORY;
	h->name = lexc_arena_strndup(&call->arena, name, strlen(name));
	h->value = lexc_arena_strndup(&call->arena, value, strlen(value));
	if (h->name == NULL || h->value == NULL)
		return LEXC_NO_MEMORY;
	h->next = call->headers;
	call->headers = h;
	return LEXC_OK;
}

/* ---- Failures ------------------------------------------------------------ */

/* Records the first failure of the call; later ones are ignored. */
static lexc_status call_failv(lexc_call *call, lexc_status code, const char *name, const char *fmt,
                              va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 0)))
#endif
        ;

static lexc_status call_failv(lexc_call *call, lexc_status code, const char *name, const char *fmt,
                              va_list ap)
{
	if (call->failed)
		return code;
	if (code == LEXC_OK || (int)code < 0 || code >= LEXC_STATUS_COUNT_)
		code = LEXC_INTERNAL_SERVER_ERROR;
	call->failed = true;
	lexc_error_setv(&call->err, code, fmt, ap);
	if (name != NULL)
		lexc_error_set_name(&call->err, name);
	/* A 5xx is our fault: its cause is logged and the client gets a generic
	 * message. 501 is the client asking for what is not there: neither. */
	if (lexc_status_http(code) >= 500 && code != LEXC_METHOD_NOT_IMPLEMENTED &&
	    atomic_load(&call->hstate) != LEXC_H_ABANDONED) /* its server may be gone */
		lexc_server_log_fault_(call->server, lexc_call_nsid(call), "%s: %s",
		                       lexc_status_id(code), call->err.message);
	return code;
}

lexc_status lexc_call_fail(lexc_call *call, lexc_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_status st = call_failv(call, code, NULL, fmt, ap);
	va_end(ap);
	return st;
}

lexc_status lexc_call_fail_named(lexc_call *call, lexc_status code, const char *name,
                                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_status st = call_failv(call, code, name, fmt, ap);
	va_end(ap);
	return st;
}

static bool declares(const lexc_method *m, const char *name)
{
	for (size_t i = 0; i < m->n_errors; i++)
		if (m->errors[i] != NULL && strcmp(m->errors[i], name) == 0)
			return true;
	return false;
}

lexc_status lexc_call_errorv(lexc_call *call, const char *name, const char *fmt, va_list ap)
{
	if (name == NULL || call->entry == NULL || !declares(call->entry->method, name)) {
		lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR,
		               "handler used the undeclared error %s",
		               name != NULL ? name : "(null)");
		return LEXC_INVALID_REQUEST;
	}
	call_failv(call, LEXC_INVALID_REQUEST, name, fmt, ap);
	return LEXC_INVALID_REQUEST;
}

lexc_status lexc_call_error(lexc_call *call, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_status st = lexc_call_errorv(call, name, fmt, ap);
	va_end(ap);
	return st;
}

bool lexc_call_reject_(lexc_call *call, lexc_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	call_failv(call, code, NULL, fmt, ap);
	va_end(ap);
	return false;
}

void lexc_call_fail_decode_(lexc_call *call, const lexc_error *e, const char *what)
{
	if (e->code != LEXC_INVALID_REQUEST) {
		lexc_call_fail(call, e->code, "%s%s", what, e->message);
		return;
	}
	char text[LEXC_ERROR_PATH_MAX + LEXC_ERROR_MESSAGE_MAX + 8];
	lexc_error_format(e, text, sizeof text);
	const char *shown = text;
	/* A parameter is named as such ("limit: ..."), not as a JSON path. */
	if (what[0] == '\0' && strncmp(text, "$.", 2) == 0)
		shown = text + 2;
	else if (what[0] == '\0' && strncmp(text, "$[", 2) == 0)
		shown = text + 1;
	lexc_call_fail(call, LEXC_INVALID_REQUEST, "%s%s", what, shown);
}

lexc_status lexc_call_decode_(lexc_call *call, const lexc_type *t, const char *json, size_t len,
                              void *value, lexc_error *e)
{
	lexc_arena *a = &call->arena;
	size_t held = lexc_arena_heap_bytes(a), limit = call->server->cfg.value_memory_limit;
	lexc_arena_set_limit(a, held > SIZE_MAX - limit ? 0 : held + limit);
	lexc_status st = lexc_decode(t, json, len, a, value, e);
	lexc_arena_set_limit(a, 0); /* the handler's own allocations are not capped */
	if (st == LEXC_LIMIT_EXCEEDED)
		lexc_error_set(
		        e, LEXC_LIMIT_EXCEEDED,
		        "decoding needs more than the server's %zu bytes of memory per value",
		        limit);
	return st;
}

/* ---- Life ---------------------------------------------------------------- */

static void peer_address(lexc_call *call)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(call->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	call->remote[0] = '\0';
	if (ci == NULL || ci->client_addr == NULL)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		          call->remote, sizeof call->remote);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          call->remote, sizeof call->remote);
}

lexc_call *lexc_call_new_(lexc_server *s, struct MHD_Connection *conn, const char *url,
                          const char *verb)
{
	lexc_call *call = calloc(1, sizeof *call);
	if (call == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &call->start);
	call->server = s;
	call->conn = conn;
	lexc_arena_init(&call->arena);
	/* Copies: the log line is written after MHD may have recycled its own. */
	call->verb = lexc_arena_strndup(&call->arena, verb, strlen(verb));
	call->path = lexc_arena_strndup(&call->arena, url, strlen(url));
	if (call->verb == NULL || call->path == NULL) {
		lexc_arena_free(&call->arena);
		free(call);
		return NULL;
	}
	lexc_error_clear(&call->err);
	peer_address(call);
	atomic_init(&call->hstate, LEXC_H_NONE);
	atomic_init(&call->refs, 1);
	atomic_fetch_add(&s->live, 1);
	return call;
}

void lexc_call_release_(lexc_call *call)
{
	if (atomic_fetch_sub(&call->refs, 1) != 1)
		return;
	free(call->body);
	lexc_arena_free(&call->arena);
	free(call);
}
