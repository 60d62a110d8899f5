/* server_request.c: one XRPC request, from MHD's first callback to its
 * completion callback: routing, bodies, handing the handler to the pool,
 * and answering once the pool resumes the connection.
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

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bodies past the limit are read and dropped up to this many bytes, so the
 * client can read the 413; beyond that the connection is cut. */
#define LEXC_DISCARD_MAX ((size_t)4 * 1024 * 1024)

/* ---- Routing (first callback) ------------------------------------------- */

const lexc_server_entry *lexc_server_find_(const lexc_server *server, const char *nsid, size_t len)
{
	size_t lo = 0, hi = server->n_methods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *name = server->methods[mid]->nsid;
		size_t nlen = strlen(name);
		int c = memcmp(name, nsid, nlen < len ? nlen : len);
		if (c == 0)
			c = nlen < len ? -1 : nlen > len ? 1 : 0;
		if (c == 0)
			return &server->entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_verb(const lexc_call *call, const char *verb)
{
	return strcmp(call->verb, verb) == 0;
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
	if (s->docs != NULL && !call->nul_path && lexc_server_docs_route_(call)) {
		if (call->docs == LEXC_DOCS_VALIDATE && !call->failed && declared_too_large(call)) {
			lexc_call_fail(call, LEXC_PAYLOAD_TOO_LARGE,
			               "request body larger than %zu bytes", s->cfg.body_limit);
			*ret = lexc_server_send_error_(call, true);
			return false;
		}
		return true;
	}
	if (strncmp(call->path, prefix, sizeof prefix - 1) != 0) {
		lexc_call_fail(call, LEXC_XRPC_NOT_SUPPORTED,
		               "Not Found: only /xrpc/<nsid> is served");
		return true;
	}
	if (s->cfg.cors && is_verb(call, "OPTIONS")) {
		*ret = lexc_server_send_preflight_(call);
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
		*ret = lexc_server_send_error_(call, true);
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
		lexc_call_fail_decode_(call, &e, "Input: ");
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
			return lexc_call_reject_(call, LEXC_INVALID_REQUEST,
			                         "A request body was provided to a query");
		return true;
	}
	bool has_body = call->body_len > 0;
	if (m->input_encoding == NULL) {
		if (has_body)
			return lexc_call_reject_(
			        call, LEXC_INVALID_REQUEST,
			        "A request body was provided when none was expected");
		return true;
	}
	const char *ct = lexc_call_header(call, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!has_body)
		return lexc_call_reject_(call, LEXC_INVALID_REQUEST,
		                         "Request body required (encoding %s) but not provided",
		                         m->input_encoding);
	if (ct == NULL)
		return lexc_call_reject_(
		        call, LEXC_INVALID_REQUEST,
		        "Request encoding (Content-Type) required but not provided");
	char *type = media_type(&call->arena, ct);
	if (type == NULL)
		return lexc_call_reject_(call, LEXC_NO_MEMORY, "out of memory");
	if (!encoding_matches(m->input_encoding, type))
		return lexc_call_reject_(call, LEXC_INVALID_REQUEST,
		                         "Wrong request encoding (Content-Type): %s, expected %s",
		                         type, m->input_encoding);
	if (m->input != NULL) {
		/* The handler's input is the schema's struct: a body of another
		 * type that a glob encoding lets through ("* / *" with a schema)
		 * cannot become one, and must not reach it as a lexc_body. */
		if (!is_json(type))
			return lexc_call_reject_(
			        call, LEXC_INVALID_REQUEST,
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

/* The callback after the pool resumed the connection: the handler (or
 * lexc_call_finish()) has said, or the stop abandoned the call. */
static enum MHD_Result answer(lexc_call *call)
{
	if (atomic_load(&call->hstate) == LEXC_H_ABANDONED)
		return lexc_server_send_abandoned_(call);
	lexc_status st = call->hresult;
	/* A failed allocation in the call's arena (most likely the handler's) may
	 * have lost part of the output: never send it as a success. */
	if (st == LEXC_OK && !call->failed && lexc_arena_failed(&call->arena))
		lexc_call_fail(call, LEXC_NO_MEMORY, "the handler ran out of memory in its arena");
	if (st != LEXC_OK || call->failed) {
		if (!call->failed)
			lexc_call_fail(call, st, "%s", lexc_status_name(st));
		return lexc_server_send_error_(call, false);
	}
	return lexc_server_send_output_(call, call->output);
}

static enum MHD_Result serve(lexc_call *call)
{
	if (call->too_large && !call->failed)
		lexc_call_fail(call, LEXC_PAYLOAD_TOO_LARGE, "request body larger than %zu bytes",
		               call->server->cfg.body_limit);
	if (call->failed)
		return lexc_server_send_error_(call, false);
	if (call->docs != LEXC_DOCS_NONE)
		return lexc_server_send_docs_(call);
	if (call->health) {
		if (call->body_len > 0) {
			lexc_call_fail(call, LEXC_INVALID_REQUEST,
			               "A request body was provided to a query");
			return lexc_server_send_error_(call, false);
		}
		return lexc_server_send_health_(call);
	}
	lexc_error e;
	lexc_error_clear(&e);
	if (lexc_server_params_(call, &call->params, &e) != LEXC_OK) {
		lexc_call_fail_decode_(call, &e, "");
		return lexc_server_send_error_(call, false);
	}
	if (!prepare_input(call, &call->input, &call->raw_in))
		return lexc_server_send_error_(call, false);
	const lexc_method *m = call->entry->method;
	if (m->output_encoding != NULL) {
		/* An output starts as lexc_value_new() makes it: defaults set and
		 * required objects allocated, ready for the handler to fill. */
		if (m->output != NULL)
			lexc_value_new(m->output, &call->arena, &call->output, NULL);
		else
			call->output = lexc_arena_calloc(&call->arena, 1, sizeof(lexc_body));
		if (call->output == NULL) {
			lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory for the output");
			return lexc_server_send_error_(call, false);
		}
	}
	if (call->server->cfg.handlers_inline) {
		lexc_pool_outcome o = lexc_server_pool_inline_(call);
		if (o == LEXC_POOL_REFUSED)
			return lexc_server_send_error_(call, false);
		if (o == LEXC_POOL_ANSWER)
			return answer(call);
		call->phase = LEXC_CALL_HANDLING;
		return MHD_YES;
	}
	/* The handler runs on a pool thread with the connection suspended;
	 * MHD calls back (answer()) once it is done. */
	if (!lexc_server_pool_submit_(call))
		return lexc_server_send_error_(call, false);
	call->phase = LEXC_CALL_HANDLING;
	return MHD_YES;
}

/* ---- MHD callbacks -------------------------------------------------------- */

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
		call = lexc_call_new_(s, conn, url, method);
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
		if ((call->failed || call->health ||
		     (call->docs != LEXC_DOCS_NONE && call->docs != LEXC_DOCS_VALIDATE)) &&
		    declared_too_large(call)) {
			if (!call->failed)
				lexc_call_fail(call, LEXC_PAYLOAD_TOO_LARGE,
				               "request body larger than %zu bytes",
				               s->cfg.body_limit);
			return lexc_server_send_error_(call, true);
		}
		call->phase = LEXC_CALL_BODY;
		return MHD_YES;
	}
	if (call->phase == LEXC_CALL_ANSWERED) {
		*upload_data_size = 0; /* answered early: drop whatever still comes */
		return MHD_YES;
	}
	if (call->phase == LEXC_CALL_HANDLING) {
		*upload_data_size = 0;
		return answer(call);
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return take_body(call, upload_data, n) ? MHD_YES : MHD_NO;
	}
	return serve(call);
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
	lexc_server_log_access_(call);
	/* A deferred call that the stop abandoned lives on until its owner
	 * calls lexc_call_finish(): the reference it holds keeps it. */
	lexc_call_release_(call);
	if (atomic_fetch_sub(&s->live, 1) == 1) {
		pthread_mutex_lock(&s->drain_mutex);
		pthread_cond_broadcast(&s->drain_cond);
		pthread_mutex_unlock(&s->drain_mutex);
	}
}
