/* server_request.c: one XRPC request, from MHD's first callback to its
 * completion callback.
 *
 * MHD calls the access handler once with the headers, then once per chunk
 * of body, then once more with no data. Everything that the headers decide
 * (route, verb, size, authentication, parameters) is decided on the first
 * call; a failure is remembered and answered after the body has been read
 * and thrown away, so that the connection stays usable (keep-alive). Only a
 * Content-Length over the limit is answered at once, and the connection is
 * then closed. */
#include "config.h"

#include "server_internal.h"

#include <lexc/codec.h>
#include <lexc/utf8.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Bodies past the limit are read and dropped up to this many bytes, so the
 * client can read the 413; beyond that the connection is cut. */
#define LEXC_DISCARD_MAX ((size_t)4 * 1024 * 1024)

/* ---- Calls: accessors ---------------------------------------------------- */

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

static bool header_text_ok(const char *s)
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

static void iso_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void lexc_server_log_fault_(const lexc_server *server, const char *nsid, const char *fmt, ...)
{
	char when[40], text[1024];
	iso_time(when, sizeof when);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	char line[1200];
	int n = snprintf(line, sizeof line, "%s lexc-server: %s: %s\n", when,
	                 nsid[0] != '\0' ? nsid : "-", text);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	FILE *f = server->cfg.error_log != NULL ? server->cfg.error_log : stderr;
	/* One fwrite per line: stdio locks the stream, so lines never mix. */
	fwrite(line, 1, len, f);
	fflush(f);
}

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
	if (lexc_status_http(code) >= 500 && code != LEXC_METHOD_NOT_IMPLEMENTED)
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

/* lexc_call_fail() for the paths that return false on failure. */
static bool reject(lexc_call *call, lexc_status code, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

static bool reject(lexc_call *call, lexc_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	call_failv(call, code, NULL, fmt, ap);
	va_end(ap);
	return false;
}

/* A failure from the engine: 400 with "PATH: RULE", prefixed for params. */
static void fail_decode(lexc_call *call, const lexc_error *e, const char *what)
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

/* ---- Responses ----------------------------------------------------------- */

static const char *generic_message(int http)
{
	switch (http) {
	case 501:
		return "Method Not Implemented";
	case 502:
		return "Upstream Failure";
	case 503:
		return "Not Enough Resources";
	case 504:
		return "Upstream Timeout";
	default:
		return "Internal Server Error";
	}
}

/* Adds a header, remembering the first one MHD refused (out of memory, or
 * a name or value it will not send) so that no answer goes out without a
 * header it was meant to carry. */
static void add_header(struct MHD_Response *r, const char *name, const char *value,
                       const char **refused)
{
	if (MHD_add_response_header(r, name, value) != MHD_YES && *refused == NULL)
		*refused = name;
}

static const char fallback[] =
        "{\"error\":\"InternalServerError\",\"message\":\"Internal Server Error\"}";

/* The answer when a response could not be put together: a 500 with no
 * header but its type, closing the connection. */
static enum MHD_Result send_fallback(lexc_call *call)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	        sizeof fallback - 1, (void *)(uintptr_t)fallback, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	enum MHD_Result ok = MHD_NO;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                            "application/json; charset=utf-8") == MHD_YES &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES)
		ok = MHD_queue_response(call->conn, 500, r);
	MHD_destroy_response(r);
	call->phase = LEXC_CALL_ANSWERED;
	call->status = 500;
	call->resp_bytes = sizeof fallback - 1;
	return ok;
}

static enum MHD_Result send_response(lexc_call *call, unsigned status, const char *content_type,
                                     const void *data, size_t len, bool close)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	                                                         MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return send_fallback(call);
	const char *refused = NULL;
	if (content_type != NULL)
		add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type, &refused);
	lexc_server *s = call->server;
	if (s->cfg.cors) {
		add_header(r, "Access-Control-Allow-Origin", "*", &refused);
		add_header(r, "Access-Control-Expose-Headers", "WWW-Authenticate, Retry-After",
		           &refused);
	}
	if (status == 401)
		add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, s->www_authenticate, &refused);
	if (status == 405 && call->allow != NULL)
		add_header(r, MHD_HTTP_HEADER_ALLOW, call->allow, &refused);
	for (const lexc_call_header_ *h = call->headers; h != NULL; h = h->next)
		add_header(r, h->name, h->value, &refused);
	if (close || atomic_load(&s->stopping))
		add_header(r, MHD_HTTP_HEADER_CONNECTION, "close", &refused);
	if (refused != NULL) {
		MHD_destroy_response(r);
		lexc_server_log_fault_(s, lexc_call_nsid(call),
		                       "could not add the response header %s; answered 500",
		                       refused);
		return send_fallback(call);
	}
	enum MHD_Result ok = MHD_queue_response(call->conn, status, r);
	MHD_destroy_response(r);
	call->phase = LEXC_CALL_ANSWERED;
	call->status = status;
	call->resp_bytes = len;
	return ok;
}

static const char json_type[] = "application/json; charset=utf-8";

/* {"error": NAME, "message": TEXT}: the one shape of every failure. */
static enum MHD_Result send_error(lexc_call *call, bool close)
{
	const lexc_error *e = &call->err;
	int http = lexc_status_http(e->code);
	const char *name = lexc_error_name(e);
	const char *message = e->message;
	if (http >= 500 && e->code != LEXC_METHOD_NOT_IMPLEMENTED)
		message = generic_message(http);
	lexc_error werr;
	lexc_json_writer w;
	lexc_json_writer_init(&w, &werr);
	lexc_json_write_object_start(&w);
	lexc_json_write_key(&w, "error", 5);
	lexc_json_write_string(&w, name, strlen(name));
	lexc_json_write_key(&w, "message", 7);
	/* A handler's message may hold bytes that are not UTF-8: each bad
	 * sequence becomes U+FFFD, and the rest of the message is kept. */
	char fixed[LEXC_ERROR_MESSAGE_MAX * 3];
	size_t mlen = strlen(message), n = 0;
	for (size_t i = 0; i < mlen && n + 3 < sizeof fixed;) {
		size_t good = lexc_utf8_check(message + i, mlen - i);
		if (good > sizeof fixed - 3 - n)
			good = lexc_utf8_prefix(message + i, good, sizeof fixed - 3 - n);
		memcpy(fixed + n, message + i, good);
		n += good;
		i += good;
		if (i < mlen && n + 3 <= sizeof fixed) {
			memcpy(fixed + n, "\xEF\xBF\xBD", 3);
			n += 3;
			i++;
		}
	}
	lexc_json_write_string(&w, fixed, n);
	lexc_json_write_object_end(&w);
	enum MHD_Result ok;
	if (w.failed)
		ok = send_response(call, 500, json_type, fallback, sizeof fallback - 1, close);
	else
		ok = send_response(call, (unsigned)http, json_type, w.buf, w.len, close);
	lexc_json_writer_free(&w);
	return ok;
}

/* ---- Routing (first callback) ------------------------------------------- */

static bool is_verb(const lexc_call *call, const char *verb)
{
	return strcmp(call->verb, verb) == 0;
}

static enum MHD_Result send_preflight(lexc_call *call)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	const char *req_headers = lexc_call_header(call, "Access-Control-Request-Headers");
	MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
	MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
	MHD_add_response_header(r, "Access-Control-Allow-Headers",
	                        req_headers != NULL && header_text_ok(req_headers)
	                                ? req_headers
	                                : "Authorization, Content-Type, atproto-proxy, "
	                                  "atproto-accept-labelers");
	MHD_add_response_header(r, "Access-Control-Max-Age", "86400");
	if (atomic_load(&call->server->stopping))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ok = MHD_queue_response(call->conn, 204, r);
	MHD_destroy_response(r);
	call->phase = LEXC_CALL_ANSWERED;
	call->status = 204;
	return ok;
}

/* Content-Length over the limit: answer now and close, without reading. */
static bool declared_too_large(const lexc_call *call)
{
	const char *cl = lexc_call_header(call, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL)
		return false;
	char *end = NULL;
	errno = 0;
	unsigned long long n = strtoull(cl, &end, 10);
	if (errno != 0)
		return true; /* MHD accepted it as a number, so only overflow lands here */
	return n > call->server->cfg.body_limit;
}

static void run_auth(lexc_call *call)
{
	const lexc_server *s = call->server;
	if (s->cfg.auth != NULL) {
		lexc_status st = s->cfg.auth(call, s->cfg.auth_user);
		if (st != LEXC_OK) {
			if (!call->failed)
				lexc_call_fail(call, st, "authentication failed");
			return;
		}
	}
	if (call->entry->auth == LEXC_AUTH_REQUIRED && call->caller_did == NULL)
		lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED, "Authentication Required");
}

/* Decides everything the request line and headers decide. Returns false
 * when an answer was queued already (preflight, 413 by Content-Length). */
static bool route(lexc_call *call, enum MHD_Result *ret)
{
	lexc_server *s = call->server;
	static const char prefix[] = "/xrpc/";
	if (strncmp(call->path, prefix, sizeof prefix - 1) != 0) {
		lexc_call_fail(call, LEXC_XRPC_NOT_SUPPORTED,
		               "Not Found: only /xrpc/<nsid> is served");
		return true;
	}
	if (s->cfg.cors && is_verb(call, "OPTIONS")) {
		*ret = send_preflight(call);
		return false;
	}
	const char *nsid = call->path + sizeof prefix - 1;
	bool query_verb = is_verb(call, "GET") || is_verb(call, "HEAD");
	if (call->nul_path) {
		/* No NSID holds a NUL: what the path names is not in the table. */
		lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED, "Method Not Implemented");
		return true;
	}
	if (strcmp(nsid, "_health") == 0) {
		call->health = true;
		if (!query_verb) {
			call->allow = s->cfg.cors ? "GET, HEAD, OPTIONS" : "GET, HEAD";
			lexc_call_fail(call, LEXC_HTTP_METHOD_NOT_ALLOWED,
			               "Incorrect HTTP method (%s) expected GET", call->verb);
		}
		return true;
	}
	const lexc_server_entry *e = lexc_server_find_(s, nsid, strlen(nsid));
	if (e == NULL) {
		lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED, "Method Not Implemented");
		return true;
	}
	call->entry = e;
	bool query = e->method->kind == LEXC_METHOD_QUERY;
	if (query ? !query_verb : !is_verb(call, "POST")) {
		call->allow = query ? (s->cfg.cors ? "GET, HEAD, OPTIONS" : "GET, HEAD")
		                    : (s->cfg.cors ? "POST, OPTIONS" : "POST");
		lexc_call_fail(call, LEXC_HTTP_METHOD_NOT_ALLOWED,
		               "Incorrect HTTP method (%s) expected %s", call->verb,
		               query ? "GET" : "POST");
		return true;
	}
	if (e->dispatch == NULL) {
		lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED, "Method Not Implemented");
		return true;
	}
	if (declared_too_large(call)) {
		lexc_call_fail(call, LEXC_PAYLOAD_TOO_LARGE, "request body larger than %zu bytes",
		               s->cfg.body_limit);
		*ret = send_error(call, true);
		return false;
	}
	run_auth(call);
	return true;
}

/* ---- Body (upload callbacks) -------------------------------------------- */

static bool take_body(lexc_call *call, const char *data, size_t len)
{
	call->body_seen = true;
	size_t limit = call->server->cfg.body_limit;
	if (call->failed || call->too_large) {
		call->discarded += len;
		return call->discarded <= LEXC_DISCARD_MAX;
	}
	if (call->body_len + len > limit) {
		call->too_large = true;
		call->discarded = call->body_len + len;
		free(call->body);
		call->body = NULL;
		call->body_len = call->body_cap = 0;
		return true;
	}
	if (call->body_len + len > call->body_cap) {
		size_t cap = call->body_cap > 0 ? call->body_cap : 4096;
		while (cap < call->body_len + len)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		char *p = realloc(call->body, cap + 1);
		if (p == NULL) {
			lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory for the request body");
			return true;
		}
		call->body = p;
		call->body_cap = cap;
	}
	memcpy(call->body + call->body_len, data, len);
	call->body_len += len;
	return true;
}

/* ---- Serving (last callback) -------------------------------------------- */

/* The media type without parameters, lower-cased, in the arena. */
static char *media_type(lexc_arena *a, const char *header)
{
	while (*header == ' ' || *header == '\t')
		header++;
	size_t n = strcspn(header, ";");
	while (n > 0 && (header[n - 1] == ' ' || header[n - 1] == '\t'))
		n--;
	char *t = lexc_arena_strndup(a, header, n);
	if (t != NULL)
		for (char *p = t; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	return t;
}

/* Whether `type` (lower-case) matches the lexicon's encoding, which may
 * be a glob: "* / *" or "image/ *". */
static bool encoding_matches(const char *encoding, const char *type)
{
	if (strcmp(encoding, "*/*") == 0)
		return strchr(type, '/') != NULL;
	size_t n = strlen(encoding);
	if (n >= 2 && strcmp(encoding + n - 2, "/*") == 0)
		return strncasecmp(encoding, type, n - 1) == 0 && type[n - 1] != '\0';
	return strcasecmp(encoding, type) == 0;
}

static bool is_json(const char *encoding)
{
	return encoding != NULL && strcasecmp(encoding, "application/json") == 0;
}

/* Allocates a zeroed value of `t` in the arena: the struct of an object,
 * else the slot (a lexc_union for a union). */
static void *alloc_value(lexc_arena *a, const lexc_type *t)
{
	if (t->kind == LEXC_KIND_OBJECT)
		return lexc_arena_calloc(a, 1, t->u.object.size > 0 ? t->u.object.size : 1);
	return lexc_arena_calloc(a, 1, lexc_type_slot_size(t));
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

static void *decode_input(lexc_call *call, const lexc_type *t)
{
	void *value = alloc_value(&call->arena, t);
	if (value == NULL) {
		lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory for the input");
		return NULL;
	}
	lexc_error e;
	lexc_error_clear(&e);
	/* Objects and unions alike, with the data model's rules on raw JSON. */
	lexc_status st = lexc_call_decode_(call, t, call->body, call->body_len, value, &e);
	if (st != LEXC_OK) {
		fail_decode(call, &e, "Input: ");
		return NULL;
	}
	return value;
}

/* Checks the body against the lexicon and makes the handler's input. */
static bool prepare_input(lexc_call *call, const void **input, lexc_body *raw)
{
	const lexc_method *m = call->entry->method;
	*input = NULL;
	if (m->kind == LEXC_METHOD_QUERY) {
		if (call->body_seen && call->body_len > 0)
			return reject(call, LEXC_INVALID_REQUEST,
			              "A request body was provided to a query");
		return true;
	}
	bool has_body = call->body_len > 0;
	if (m->input_encoding == NULL) {
		if (has_body)
			return reject(call, LEXC_INVALID_REQUEST,
			              "A request body was provided when none was expected");
		return true;
	}
	const char *ct = lexc_call_header(call, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!has_body)
		return reject(call, LEXC_INVALID_REQUEST,
		              "Request body required (encoding %s) but not provided",
		              m->input_encoding);
	if (ct == NULL)
		return reject(call, LEXC_INVALID_REQUEST,
		              "Request encoding (Content-Type) required but not provided");
	char *type = media_type(&call->arena, ct);
	if (type == NULL)
		return reject(call, LEXC_NO_MEMORY, "out of memory");
	if (!encoding_matches(m->input_encoding, type))
		return reject(call, LEXC_INVALID_REQUEST,
		              "Wrong request encoding (Content-Type): %s, expected %s", type,
		              m->input_encoding);
	if (m->input != NULL) {
		/* The handler's input is the schema's struct: a body of another
		 * type that a glob encoding lets through ("* / *" with a schema)
		 * cannot become one, and must not reach it as a lexc_body. */
		if (!is_json(type))
			return reject(call, LEXC_INVALID_REQUEST,
			              "Wrong request encoding (Content-Type): %s, expected "
			              "application/json",
			              type);
		*input = decode_input(call, m->input);
		return *input != NULL;
	}
	raw->data = (const uint8_t *)call->body;
	raw->len = call->body_len;
	raw->content_type = ct;
	*input = raw;
	return true;
}

static enum MHD_Result send_health(lexc_call *call)
{
	lexc_json_writer w;
	lexc_error e;
	lexc_json_writer_init(&w, &e);
	const char *v = call->server->cfg.version;
	lexc_json_write_object_start(&w);
	lexc_json_write_key(&w, "version", 7);
	lexc_json_write_string(&w, v, strlen(v));
	lexc_json_write_object_end(&w);
	enum MHD_Result ok;
	if (w.failed) {
		lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "health: version is not UTF-8");
		ok = send_error(call, false);
	} else {
		ok = send_response(call, 200, json_type, w.buf, w.len, false);
	}
	lexc_json_writer_free(&w);
	return ok;
}

/* A union at the root of an output. A handler's mistakes get messages of
 * their own; the engine checks an unknown variant's raw JSON (one object,
 * the data model) and writes a chosen variant with its `$type` first. */
static lexc_status encode_union(const lexc_type *t, const lexc_union *u, lexc_json_writer *w,
                                lexc_error *e)
{
	const lexc_union_rules *r = &t->u.union_;
	if (u->kind == 0 && (r->closed || u->raw.ptr == NULL || u->raw.len == 0))
		return lexc_error_set(e, LEXC_INTERNAL_SERVER_ERROR,
		                      "union output: no variant chosen");
	if (u->kind < 0 || (size_t)u->kind > r->n_variants || (u->kind > 0 && u->value == NULL))
		return lexc_error_set(e, LEXC_INTERNAL_SERVER_ERROR, "union output: no variant %d",
		                      u->kind);
	return lexc_encode(t, u, w, e);
}

static enum MHD_Result send_output(lexc_call *call, void *output)
{
	const lexc_method *m = call->entry->method;
	if (m->output_encoding == NULL)
		return send_response(call, 200, NULL, "", 0, false);
	if (m->output != NULL) {
		lexc_error e;
		lexc_error_clear(&e);
		lexc_json_writer w;
		lexc_json_writer_init(&w, &e);
		lexc_status st = m->output->kind == LEXC_KIND_UNION
		                         ? encode_union(m->output, output, &w, &e)
		                         : lexc_encode(m->output, output, &w, &e);
		enum MHD_Result ok;
		if (st != LEXC_OK || w.failed) {
			char text[LEXC_ERROR_PATH_MAX + LEXC_ERROR_MESSAGE_MAX + 8];
			lexc_error_format(&e, text, sizeof text);
			lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "invalid output: %s",
			               text);
			ok = send_error(call, false);
		} else {
			ok = send_response(call, 200, json_type, w.buf, w.len, false);
		}
		lexc_json_writer_free(&w);
		return ok;
	}
	const lexc_body *b = output;
	const char *ct = b->content_type;
	if (ct == NULL && strchr(m->output_encoding, '*') == NULL)
		ct = m->output_encoding;
	if (ct == NULL || !header_text_ok(ct) || (b->data == NULL && b->len > 0)) {
		lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR,
		               ct == NULL ? "output body has no content type for encoding %s"
		                          : "output body is malformed (encoding %s)",
		               m->output_encoding);
		return send_error(call, false);
	}
	return send_response(call, 200, ct, b->len > 0 ? b->data : (const void *)"", b->len, false);
}

static enum MHD_Result serve(lexc_call *call)
{
	if (call->too_large && !call->failed)
		lexc_call_fail(call, LEXC_PAYLOAD_TOO_LARGE, "request body larger than %zu bytes",
		               call->server->cfg.body_limit);
	if (call->failed)
		return send_error(call, false);
	if (call->health) {
		if (call->body_len > 0) {
			lexc_call_fail(call, LEXC_INVALID_REQUEST,
			               "A request body was provided to a query");
			return send_error(call, false);
		}
		return send_health(call);
	}
	lexc_body raw_in = {0};
	const void *input = NULL;
	void *params = NULL;
	lexc_error e;
	lexc_error_clear(&e);
	if (lexc_server_params_(call, &params, &e) != LEXC_OK) {
		fail_decode(call, &e, "");
		return send_error(call, false);
	}
	if (!prepare_input(call, &input, &raw_in))
		return send_error(call, false);
	const lexc_method *m = call->entry->method;
	void *output = NULL;
	if (m->output_encoding != NULL) {
		output = m->output != NULL ? alloc_value(&call->arena, m->output)
		                           : lexc_arena_calloc(&call->arena, 1, sizeof(lexc_body));
		if (output == NULL) {
			lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory for the output");
			return send_error(call, false);
		}
	}
	lexc_status st = call->entry->dispatch(call, params, input, output);
	/* A failed allocation in the call's arena (most likely the handler's) may
	 * have lost part of the output: never send it as a success. */
	if (st == LEXC_OK && !call->failed && lexc_arena_failed(&call->arena))
		lexc_call_fail(call, LEXC_NO_MEMORY, "the handler ran out of memory in its arena");
	if (st != LEXC_OK || call->failed) {
		if (!call->failed)
			lexc_call_fail(call, st, "%s", lexc_status_name(st));
		return send_error(call, false);
	}
	return send_output(call, output);
}

/* ---- MHD callbacks -------------------------------------------------------- */

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

/* What lexc_server_uri_() leaves in *con_cls for a path with "%00": MHD
 * hands the access handler the percent-decoded path as a C string, which
 * would end at the NUL, so "/xrpc/a.b.c%00junk" would be routed as
 * "/xrpc/a.b.c". */
static char nul_path_marker;

void *lexc_server_uri_(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	size_t n = strcspn(uri, "?");
	for (size_t i = 0; i + 2 < n; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			return &nul_path_marker;
	return NULL;
}

static lexc_call *call_new(lexc_server *s, struct MHD_Connection *conn, const char *url,
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
	atomic_fetch_add(&s->live, 1);
	return call;
}

enum MHD_Result lexc_server_access_(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
	(void)version;
	lexc_server *s = cls;
	lexc_call *call = *con_cls;
	if (call == NULL || *con_cls == (void *)&nul_path_marker) {
		bool nul_path = call != NULL;
		call = call_new(s, conn, url, method);
		if (call == NULL)
			return MHD_NO;
		*con_cls = call;
		call->nul_path = nul_path;
		enum MHD_Result ret = MHD_YES;
		if (!route(call, &ret))
			return ret;
		/* A failed request (or a health check) whose declared body is over
		 * the limit: its answer cannot depend on the body, and reading it
		 * would end in the cut past LEXC_DISCARD_MAX with no answer at
		 * all. Answered now, and the connection closed, as route() does
		 * for a method. */
		if ((call->failed || call->health) && declared_too_large(call)) {
			if (!call->failed)
				lexc_call_fail(call, LEXC_PAYLOAD_TOO_LARGE,
				               "request body larger than %zu bytes",
				               s->cfg.body_limit);
			return send_error(call, true);
		}
		call->phase = LEXC_CALL_BODY;
		return MHD_YES;
	}
	if (call->phase == LEXC_CALL_ANSWERED) {
		*upload_data_size = 0; /* answered early: drop whatever still comes */
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return take_body(call, upload_data, n) ? MHD_YES : MHD_NO;
	}
	return serve(call);
}

/* The path for the log: bytes outside printable ASCII (and '"', '\\') are
 * written as \xHH, so a request cannot forge log lines. */
static void log_path(char *out, size_t size, const char *path)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0' && o + 5 < size;
	     p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

static void access_log(const lexc_call *call)
{
	FILE *f = call->server->cfg.access_log;
	if (f == NULL)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long us = (long long)(now.tv_sec - call->start.tv_sec) * 1000000LL +
	               (now.tv_nsec - call->start.tv_nsec) / 1000;
	char when[40], path[512], verb[16], line[700];
	iso_time(when, sizeof when);
	log_path(path, sizeof path, call->path != NULL ? call->path : "");
	log_path(verb, sizeof verb, call->verb != NULL ? call->verb : "");
	char status[16] = "-";
	if (call->status != 0)
		snprintf(status, sizeof status, "%u", call->status);
	int n = snprintf(line, sizeof line, "%s %s %s %s %s %zu %lld\n", when,
	                 call->remote[0] != '\0' ? call->remote : "-", verb, path, status,
	                 call->resp_bytes, us);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	if (len == sizeof line - 1)
		line[len - 1] = '\n';
	fwrite(line, 1, len, f);
	fflush(f);
}

void lexc_server_completed_(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	lexc_server *s = cls;
	lexc_call *call = *con_cls;
	*con_cls = NULL;
	if (call == NULL || call == (void *)&nul_path_marker)
		return;
	access_log(call);
	free(call->body);
	lexc_arena_free(&call->arena);
	free(call);
	if (atomic_fetch_sub(&s->live, 1) == 1) {
		pthread_mutex_lock(&s->drain_mutex);
		pthread_cond_broadcast(&s->drain_cond);
		pthread_mutex_unlock(&s->drain_mutex);
	}
}
