/* server_docs.c: the server's own documentation (lexc/docs.h): the pages
 * at /docs/ and the value check at /xrpc/_validate. Runs on MHD workers,
 * like the health check: nothing here waits. */
#include "config.h"

#include "server_internal.h"

#include <lexc/codec.h>
#include <lexc/docs.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

lexc_status lexc_server_serve_docs(lexc_server *server, const struct lexc_doc_site *docs,
                                   lexc_error *err)
{
	if (server == NULL || docs == NULL)
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "lexc_server_serve_docs: no server or no docs");
	if (docs->layout != LEXC_LAYOUT_VERSION)
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "docs of layout %u; this liblexc reads layout %u: regenerate "
		                      "with the matching lexc",
		                      (unsigned)docs->layout, (unsigned)LEXC_LAYOUT_VERSION);
	if (server->started)
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "lexc_server_serve_docs: the server has started");
	server->docs = docs;
	return LEXC_OK;
}

static int name_cmp(const char *name, const char *key, size_t len)
{
	size_t n = strlen(name);
	int c = memcmp(name, key, n < len ? n : len);
	return c != 0 ? c : n < len ? -1 : n > len ? 1 : 0;
}

/* The entry named key[0..len) of a table sorted by name whose entries
 * start with their name (lexc_doc_page, lexc_doc_type), or NULL. */
static const void *find_named(const void *table, size_t n, size_t size, const char *key, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const void *e = (const char *)table + mid * size;
		int c = name_cmp(*(const char *const *)e, key, len);
		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const lexc_doc_page *find_page(const lexc_doc_site *d, const char *nsid, size_t len)
{
	return find_named(d->pages, d->n_pages, sizeof *d->pages, nsid, len);
}

static const lexc_type *find_type(const lexc_doc_site *d, const char *name, size_t len)
{
	const lexc_doc_type *t = find_named(d->types, d->n_types, sizeof *d->types, name, len);
	return t != NULL ? t->type : NULL; /* a NULL type: refused by the caller */
}

static bool verb_is(const lexc_call *call, const char *verb)
{
	return strcmp(call->verb, verb) == 0;
}

bool lexc_server_docs_route_(lexc_call *call)
{
	const lexc_doc_site *d = call->server->docs;
	const char *path = call->path;
	if (strcmp(path, "/xrpc/_validate") == 0) {
		call->docs = LEXC_DOCS_VALIDATE;
		if (!verb_is(call, "POST")) {
			call->allow = "POST";
			lexc_call_fail(call, LEXC_HTTP_METHOD_NOT_ALLOWED,
			               "Incorrect HTTP method (%s) expected POST", call->verb);
		}
		return true;
	}
	if (strcmp(path, "/docs") == 0) {
		call->docs = LEXC_DOCS_REDIRECT;
	} else if (strncmp(path, "/docs/", 6) == 0) {
		call->docs = LEXC_DOCS_PAGE;
		const char *nsid = path + 6;
		call->page = nsid[0] == '\0' ? d->index : find_page(d, nsid, strlen(nsid));
		if (call->page == NULL) {
			lexc_call_fail(call, LEXC_XRPC_NOT_SUPPORTED,
			               "Not Found: no documentation page for %s", nsid);
			return true;
		}
	} else {
		return false;
	}
	if (!verb_is(call, "GET") && !verb_is(call, "HEAD")) {
		call->allow = "GET, HEAD";
		lexc_call_fail(call, LEXC_HTTP_METHOD_NOT_ALLOWED,
		               "Incorrect HTTP method (%s) expected GET", call->verb);
	}
	return true;
}

/* The page's script may call this server and nothing else; no frames, no
 * forms posted elsewhere, nothing fetched from outside. */
static const char page_policy[] =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; "
        "frame-ancestors 'none'";

static enum MHD_Result send_page(lexc_call *call)
{
	const lexc_doc_page *p = call->page;
	char *html = lexc_arena_alloc(&call->arena, p->len > 0 ? p->len : 1);
	if (html == NULL) {
		lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory for a documentation page");
		return lexc_server_send_error_(call, false);
	}
	size_t at = 0;
	for (size_t i = 0; i < p->n_chunks; i++) {
		size_t n = strlen(p->chunks[i]);
		if (n > p->len - at)
			n = p->len - at; /* a page shorter than it says: never overrun */
		memcpy(html + at, p->chunks[i], n);
		at += n;
	}
	if (lexc_call_add_header(call, "Content-Security-Policy", page_policy) != LEXC_OK ||
	    lexc_call_add_header(call, "X-Content-Type-Options", "nosniff") != LEXC_OK ||
	    lexc_call_add_header(call, "Referrer-Policy", "no-referrer") != LEXC_OK ||
	    lexc_call_add_header(call, "Cache-Control", "no-cache") != LEXC_OK) {
		lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory for the page's headers");
		return lexc_server_send_error_(call, false);
	}
	return lexc_server_send_(call, 200, "text/html; charset=utf-8", html, at);
}

static bool arg_true(const lexc_call *call, const char *name)
{
	const char *v = MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, name);
	return v != NULL && strcmp(v, "true") == 0;
}

/* application/json, with parameters or not, in any case. */
static bool json_content(const char *ct)
{
	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	static const char json[] = "application/json";
	if (strncasecmp(ct, json, sizeof json - 1) != 0)
		return false;
	char next = ct[sizeof json - 1];
	return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static enum MHD_Result reject(lexc_call *call, lexc_status code, const char *message)
{
	lexc_call_fail(call, code, "%s", message);
	return lexc_server_send_error_(call, false);
}

static enum MHD_Result send_validate(lexc_call *call)
{
	const lexc_doc_site *d = call->server->docs;
	const char *name = MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, "type");
	if (name == NULL || name[0] == '\0')
		return reject(call, LEXC_INVALID_REQUEST,
		              "type: required (NSID or NSID#def of a record or object)");
	const lexc_type *t = find_type(d, name, strlen(name));
	if (t == NULL) {
		lexc_call_fail(call, LEXC_INVALID_REQUEST,
		               "type: no record or object %s on this server", name);
		return lexc_server_send_error_(call, false);
	}
	if (call->body_len == 0)
		return reject(call, LEXC_INVALID_REQUEST,
		              "Request body required (encoding application/json) but not provided");
	if (!json_content(lexc_call_header(call, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return reject(call, LEXC_INVALID_REQUEST,
		              "Wrong request encoding (Content-Type): expected application/json");
	/* Every ref of generated descriptors is resolved (lexc gen refuses
	 * the others), so allowUnresolved cannot change a verdict here. */
	bool allow_unresolved = arg_true(call, "allowUnresolved");
	size_t size = t->kind == LEXC_KIND_OBJECT ? t->u.object.size : lexc_type_slot_size(t);
	void *value = lexc_arena_calloc(&call->arena, 1, size > 0 ? size : 1);
	if (value == NULL)
		return reject(call, LEXC_NO_MEMORY, "out of memory for the value");
	lexc_error e;
	lexc_error_clear(&e);
	lexc_status st = lexc_call_decode_(call, t, call->body, call->body_len, value, &e);
	if (st != LEXC_OK && st != LEXC_INVALID_REQUEST) {
		lexc_call_fail(call, st == LEXC_LIMIT_EXCEEDED ? LEXC_PAYLOAD_TOO_LARGE : st, "%s",
		               e.message);
		return lexc_server_send_error_(call, false);
	}
	lexc_error werr;
	lexc_json_writer w;
	lexc_json_writer_init(&w, &werr);
	lexc_json_write_object_start(&w);
	lexc_json_write_key(&w, "type", 4);
	lexc_json_write_string(&w, name, strlen(name));
	lexc_json_write_key(&w, "valid", 5);
	lexc_json_write_bool(&w, st == LEXC_OK);
	if (st != LEXC_OK) {
		const char *path = e.path[0] != '\0' ? e.path : "$";
		lexc_json_write_key(&w, "path", 4);
		lexc_json_write_string(&w, path, strlen(path));
		lexc_json_write_key(&w, "message", 7);
		lexc_json_write_string(&w, e.message, strlen(e.message));
	}
	lexc_json_write_key(&w, "allowUnresolved", 15);
	lexc_json_write_bool(&w, allow_unresolved);
	lexc_json_write_object_end(&w);
	enum MHD_Result ok;
	if (w.failed) {
		/* The path or message held bytes that are not UTF-8 (the value's). */
		lexc_call_fail(call, LEXC_INVALID_REQUEST, "the value is not valid UTF-8 JSON");
		ok = lexc_server_send_error_(call, false);
	} else {
		ok = lexc_server_send_(call, 200, "application/json; charset=utf-8", w.buf, w.len);
	}
	lexc_json_writer_free(&w);
	return ok;
}

enum MHD_Result lexc_server_send_docs_(lexc_call *call)
{
	switch (call->docs) {
	case LEXC_DOCS_PAGE:
		return send_page(call);
	case LEXC_DOCS_REDIRECT:
		if (lexc_call_add_header(call, "Location", "/docs/") != LEXC_OK)
			return reject(call, LEXC_NO_MEMORY, "out of memory");
		return lexc_server_send_(call, 308, NULL, "", 0);
	default:
		return send_validate(call);
	}
}
