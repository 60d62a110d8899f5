/* did.c: DID documents and where a DID resolves (lexc/service_auth.h). */
#include "config.h"

#include "lexc/service_auth.h"

#include <lexc/format.h>
#include <lexc/json.h>

#include <string.h>

static bool fail(const char **reason, const char *why)
{
	if (reason != NULL)
		*reason = why;
	return false;
}

/* One verification method: its strings, ptr NULL when absent. */
typedef struct method {
	lexc_str id, type, multibase;
} method;

/* Reads the object the reader is at the start of, as a method. */
static bool read_method(lexc_json_reader *r, method *m)
{
	memset(m, 0, sizeof *m);
	for (;;) {
		lexc_json_token t = lexc_json_next(r);
		if (t == LEXC_JSON_OBJECT_END)
			return true;
		if (t != LEXC_JSON_KEY)
			return false;
		lexc_str *dst = NULL;
		if (lexc_str_eq_cstr(lexc_str_borrow_n(r->str, r->str_len), "id"))
			dst = &m->id;
		else if (lexc_str_eq_cstr(lexc_str_borrow_n(r->str, r->str_len), "type"))
			dst = &m->type;
		else if (lexc_str_eq_cstr(lexc_str_borrow_n(r->str, r->str_len),
		                          "publicKeyMultibase"))
			dst = &m->multibase;
		if (dst == NULL) {
			if (!lexc_json_skip_value(r, NULL, NULL))
				return false;
			continue;
		}
		if (lexc_json_next(r) != LEXC_JSON_STRING)
			return false;
		*dst = lexc_str_borrow_n(r->str, r->str_len);
	}
}

/* Whether method id `id` names `fragment` of `did`: "DID#f" or "#f". */
static bool names(lexc_str id, const char *did, size_t did_len, const char *fragment)
{
	size_t flen = strlen(fragment);
	if (id.len == flen + 1 && id.ptr[0] == '#' && memcmp(id.ptr + 1, fragment, flen) == 0)
		return true;
	return id.len == did_len + 1 + flen && memcmp(id.ptr, did, did_len) == 0 &&
	       id.ptr[did_len] == '#' && memcmp(id.ptr + did_len + 1, fragment, flen) == 0;
}

bool lexc_did_document_key(const char *json, size_t len, const char *did, size_t did_len,
                           const char *fragment, lexc_arena *a, lexc_pubkey *out,
                           const char **reason)
{
	memset(out, 0, sizeof *out);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, a, NULL);
	lexc_json_reader_set_max_depth(&r, 16);
	if (lexc_json_next(&r) != LEXC_JSON_OBJECT_START)
		return fail(reason, "the DID document is not a JSON object");
	lexc_str id = {0};
	method found = {0};
	bool have = false;
	for (;;) {
		lexc_json_token t = lexc_json_next(&r);
		if (t == LEXC_JSON_OBJECT_END)
			break;
		if (t != LEXC_JSON_KEY)
			return fail(reason, "the DID document is not valid JSON");
		lexc_str key = lexc_str_borrow_n(r.str, r.str_len);
		if (lexc_str_eq_cstr(key, "id")) {
			if (lexc_json_next(&r) != LEXC_JSON_STRING)
				return fail(reason, "the DID document's id is not a string");
			id = lexc_str_borrow_n(r.str, r.str_len);
		} else if (lexc_str_eq_cstr(key, "verificationMethod")) {
			if (lexc_json_next(&r) != LEXC_JSON_ARRAY_START)
				return fail(reason, "verificationMethod is not an array");
			for (;;) {
				t = lexc_json_next(&r);
				if (t == LEXC_JSON_ARRAY_END)
					break;
				method m;
				if (t != LEXC_JSON_OBJECT_START || !read_method(&r, &m))
					return fail(reason, "a verification method is not an "
					                    "object of strings");
				/* the first one of the name counts, as the reference's find() */
				if (!have && m.id.ptr != NULL &&
				    names(m.id, did, did_len, fragment)) {
					found = m;
					have = true;
				}
			}
		} else if (!lexc_json_skip_value(&r, NULL, NULL)) {
			return fail(reason, "the DID document is not valid JSON");
		}
	}
	if (lexc_json_next(&r) != LEXC_JSON_END)
		return fail(reason, "the DID document is not valid JSON");
	if (id.len != did_len || memcmp(id.ptr, did, did_len) != 0)
		return fail(reason, "the DID document's id is not the DID");
	if (!have)
		return fail(reason, "the DID document has no atproto verification method");
	if (found.type.ptr == NULL || found.multibase.ptr == NULL)
		return fail(reason, "the atproto verification method has no type or key");
	return lexc_pubkey_from_method(found.type.ptr, found.type.len, found.multibase.ptr,
	                               found.multibase.len, out, reason);
}

/* did:web's host: lowercase letters, digits, '-', '.', and a port as
 * "%3A" digits; no path form (a ':' after the host). */
static bool web_host(const char *h, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	bool port = false;
	for (size_t i = 0; i < len; i++) {
		char c = h[i];
		if (o + 2 > cap)
			return false;
		if (!port && c == '%' && i + 2 < len && h[i + 1] == '3' &&
		    (h[i + 2] == 'A' || h[i + 2] == 'a') && i > 0) {
			out[o++] = ':';
			i += 2;
			port = true;
			if (i + 1 == len)
				return false;
			continue;
		}
		bool ok = port ? (c >= '0' && c <= '9')
		               : ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                  (c >= '0' && c <= '9') || c == '-' || c == '.');
		if (!ok)
			return false;
		out[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[o] = '\0';
	return o > 0;
}

char *lexc_did_resolution_url(lexc_arena *a, const char *plc_url, const char *did, size_t len,
                              const char **reason)
{
	if (!lexc_format_did(did, len, reason))
		return NULL;
	if (len > 8 && memcmp(did, "did:plc:", 8) == 0) {
		/* did:plc is 24 base32 characters */
		for (size_t i = 8; i < len; i++)
			if (!((did[i] >= 'a' && did[i] <= 'z') ||
			      (did[i] >= '2' && did[i] <= '7'))) {
				fail(reason, "a did:plc is base32 (a-z, 2-7)");
				return NULL;
			}
		if (len != 32) {
			fail(reason, "a did:plc has 24 characters after \"did:plc:\"");
			return NULL;
		}
		const char *base = plc_url != NULL ? plc_url : LEXC_PLC_DEFAULT_URL;
		size_t blen = strlen(base);
		while (blen > 0 && base[blen - 1] == '/')
			blen--;
		lexc_str u = lexc_str_printf(a, "%.*s/%.*s", (int)blen, base, (int)len, did);
		return (char *)u.ptr;
	}
	if (len > 8 && memcmp(did, "did:web:", 8) == 0) {
		char host[256];
		if (!web_host(did + 8, len - 8, host, sizeof host)) {
			fail(reason, "did:web takes a hostname (and a %3A port), not a path");
			return NULL;
		}
		lexc_str u = lexc_str_printf(a, "https://%s/.well-known/did.json", host);
		return (char *)u.ptr;
	}
	fail(reason, "only did:plc and did:web are supported");
	return NULL;
}
