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

/* did:web's host, in one spelling only, so that one host is one identity:
 * lowercase letters, digits and '-' in non-empty dot-separated labels (no
 * leading, trailing or double dot), and a port ("%3A", then 1 to 5
 * digits, no leading zero, at most 65535) for localhost alone, as the
 * atproto spec allows it for development. No path form (a ':'). */
static bool web_host(const char *h, size_t len, char *out, size_t cap)
{
	const char *pct = NULL;
	for (size_t i = 0; i + 2 < len && pct == NULL; i++)
		if (h[i] == '%' && h[i + 1] == '3' && h[i + 2] == 'A')
			pct = h + i;
	size_t hlen = pct != NULL ? (size_t)(pct - h) : len;
	if (hlen == 0 || hlen + 7 > cap)
		return false;
	for (size_t i = 0; i < hlen; i++) {
		char c = h[i];
		bool dot = c == '.';
		if (!(dot || c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
		if (dot && (i == 0 || i + 1 == hlen || h[i - 1] == '.'))
			return false;
	}
	memcpy(out, h, hlen);
	out[hlen] = '\0';
	if (pct == NULL)
		return true;
	const char *p = pct + 3;
	size_t plen = len - hlen - 3;
	if (strcmp(out, "localhost") != 0 || plen == 0 || plen > 5 || p[0] == '0')
		return false;
	unsigned port = 0;
	for (size_t i = 0; i < plen; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		port = port * 10 + (unsigned)(p[i] - '0');
	}
	if (port > 65535)
		return false;
	out[hlen] = ':';
	memcpy(out + hlen + 1, p, plen);
	out[hlen + 1 + plen] = '\0';
	return true;
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
			fail(reason, "did:web takes a lowercase hostname (a %3A port for localhost "
			             "only), not a path");
			return NULL;
		}
		lexc_str u = lexc_str_printf(a, "https://%s/.well-known/did.json", host);
		return (char *)u.ptr;
	}
	fail(reason, "only did:plc and did:web are supported");
	return NULL;
}
