/* server_response.c: every answer the XRPC server sends: the handler's
 * output, the {"error", "message"} of a failure, the health check, the CORS
 * preflight, and the 503 of a call the stop abandoned. Runs on MHD worker
 * threads only, and calls only the call API and the logs. */
#include "config.h"

#include "server_internal.h"

#include <lexc/codec.h>
#include <lexc/utf8.h>

#include <stdlib.h>
#include <string.h>

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

enum MHD_Result lexc_server_send_(lexc_call *call, unsigned status, const char *content_type,
                                  const void *data, size_t len)
{
	return send_response(call, status, content_type, data, len, false);
}

static const char json_type[] = "application/json; charset=utf-8";

/* {"error": NAME, "message": TEXT}: the one shape of every failure. */
enum MHD_Result lexc_server_send_error_(lexc_call *call, bool close)
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

enum MHD_Result lexc_server_send_preflight_(lexc_call *call)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	const char *req_headers = lexc_call_header(call, "Access-Control-Request-Headers");
	MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
	MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
	MHD_add_response_header(r, "Access-Control-Allow-Headers",
	                        req_headers != NULL && lexc_server_header_text_ok_(req_headers)
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

enum MHD_Result lexc_server_send_health_(lexc_call *call)
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
		ok = lexc_server_send_error_(call, false);
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

enum MHD_Result lexc_server_send_output_(lexc_call *call, void *output)
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
			ok = lexc_server_send_error_(call, false);
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
	if (ct == NULL || !lexc_server_header_text_ok_(ct) || (b->data == NULL && b->len > 0)) {
		lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR,
		               ct == NULL ? "output body has no content type for encoding %s"
		                          : "output body is malformed (encoding %s)",
		               m->output_encoding);
		return lexc_server_send_error_(call, false);
	}
	return send_response(call, 200, ct, b->len > 0 ? b->data : (const void *)"", b->len, false);
}

static const char stopping_body[] =
        "{\"error\":\"NotEnoughResources\",\"message\":\"Server is stopping\"}";

enum MHD_Result lexc_server_send_abandoned_(lexc_call *call)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	        sizeof stopping_body - 1, (void *)(uintptr_t)stopping_body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	const char *refused = NULL;
	add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, json_type, &refused);
	add_header(r, MHD_HTTP_HEADER_CONNECTION, "close", &refused);
	if (call->server->cfg.cors)
		add_header(r, "Access-Control-Allow-Origin", "*", &refused);
	enum MHD_Result ok = refused == NULL ? MHD_queue_response(call->conn, 503, r) : MHD_NO;
	MHD_destroy_response(r);
	call->phase = LEXC_CALL_ANSWERED;
	call->status = 503;
	call->resp_bytes = sizeof stopping_body - 1;
	return ok;
}
