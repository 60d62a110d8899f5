/* jwt.c: see lexc/jwt.h. */
#include "config.h"

#include "lexc/jwt.h"

#include <lexc/base64.h>
#include <lexc/format.h>
#include <lexc/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lexc_jwt_result_name(lexc_jwt_result r)
{
	switch (r) {
#define LEXC_JWT_NAME_(id, name)                                                                   \
	case id:                                                                                   \
		return name;
		LEXC_JWT_RESULTS(LEXC_JWT_NAME_)
#undef LEXC_JWT_NAME_
	}
	return "BadJwt";
}

static lexc_jwt_result fail(const char **reason, lexc_jwt_result r, const char *why)
{
	if (reason != NULL)
		*reason = why;
	return r;
}

/* Unpadded base64url into the arena (lexc_base64url_decode: strict, one
 * spelling per value). */
static bool b64url_decode(lexc_arena *a, const char *s, size_t len, unsigned char **out, size_t *n)
{
	unsigned char *buf = lexc_arena_alloc(a, len / 4 * 3 + 3);
	if (buf == NULL || !lexc_base64url_decode(s, len, buf, len / 4 * 3 + 3, n, NULL))
		return false;
	*out = buf;
	return true;
}

/* The JSON parts ---------------------------------------------------------------- */

typedef struct field {
	const char *name;
	enum { F_STRING, F_INTEGER } kind;
	bool optional; /* null reads as absent */
	lexc_str *str;
	int64_t *integer;
	bool *present;
} field;

/* Reads a JSON object of `fields` (others skipped); false if it is not an
 * object, or a listed member has the wrong type. */
static bool read_object(lexc_arena *a, const unsigned char *json, size_t len, field *fields,
                        size_t n_fields)
{
	lexc_json_reader r;
	lexc_json_reader_init(&r, (const char *)json, len, a, NULL);
	lexc_json_reader_set_max_depth(&r, 8);
	if (lexc_json_next(&r) != LEXC_JSON_OBJECT_START)
		return false;
	for (;;) {
		lexc_json_token t = lexc_json_next(&r);
		if (t == LEXC_JSON_OBJECT_END)
			break;
		if (t != LEXC_JSON_KEY)
			return false;
		field *f = NULL;
		for (size_t i = 0; i < n_fields && f == NULL; i++)
			if (strlen(fields[i].name) == r.str_len &&
			    memcmp(fields[i].name, r.str, r.str_len) == 0)
				f = &fields[i];
		if (f == NULL) {
			if (!lexc_json_skip_value(&r, NULL, NULL))
				return false;
			continue;
		}
		t = lexc_json_next(&r);
		if (t == LEXC_JSON_NULL && f->optional) {
			continue; /* an optional string as null: absent, as the reference reads it
			           */
		} else if (f->kind == F_STRING && t == LEXC_JSON_STRING) {
			*f->str = lexc_str_borrow_n(r.str, r.str_len);
		} else if (f->kind == F_INTEGER && t == LEXC_JSON_NUMBER && r.integral) {
			*f->integer = r.integer;
		} else {
			return false;
		}
		if (f->present != NULL)
			*f->present = true;
	}
	return lexc_json_next(&r) == LEXC_JSON_END;
}

lexc_jwt_result lexc_jwt_parse(const char *token, size_t len, lexc_arena *a, lexc_jwt *out,
                               const char **reason)
{
	memset(out, 0, sizeof *out);
	if (token == NULL || len == 0)
		return fail(reason, LEXC_JWT_BAD, "poorly formatted jwt: empty");
	if (len > LEXC_JWT_MAX)
		return fail(reason, LEXC_JWT_BAD, "poorly formatted jwt: longer than 8192 bytes");
	const char *dot1 = memchr(token, '.', len);
	const char *dot2 =
	        dot1 != NULL ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (dot2 == NULL || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		return fail(reason, LEXC_JWT_BAD, "poorly formatted jwt: not three parts");
	unsigned char *header, *payload, *sig;
	size_t header_len, payload_len, sig_len;
	if (!b64url_decode(a, token, (size_t)(dot1 - token), &header, &header_len) ||
	    !b64url_decode(a, dot1 + 1, (size_t)(dot2 - dot1 - 1), &payload, &payload_len) ||
	    !b64url_decode(a, dot2 + 1, len - (size_t)(dot2 + 1 - token), &sig, &sig_len))
		return fail(reason, LEXC_JWT_BAD, "poorly formatted jwt: not base64url");

	field hf[] = {
	        {"alg", F_STRING, false, &out->alg, NULL, NULL},
	        {"typ", F_STRING, true, &out->typ, NULL, NULL},
	};
	if (!read_object(a, header, header_len, hf, 2) || out->alg.ptr == NULL)
		return fail(reason, LEXC_JWT_BAD, "poorly formatted jwt: bad header");
	/* Service tokens are none of these (the reference's list). */
	if (lexc_str_eq_cstr(out->typ, "at+jwt") || lexc_str_eq_cstr(out->typ, "refresh+jwt") ||
	    lexc_str_eq_cstr(out->typ, "dpop+jwt"))
		return fail(reason, LEXC_JWT_BAD_TYPE, "invalid jwt type");
	bool has_exp = false;
	field pf[] = {
	        {"iss", F_STRING, false, &out->iss, NULL, NULL},
	        {"aud", F_STRING, false, &out->aud, NULL, NULL},
	        {"exp", F_INTEGER, false, NULL, &out->exp, &has_exp},
	        {"iat", F_INTEGER, true, NULL, &out->iat, &out->has_iat},
	        {"lxm", F_STRING, true, &out->lxm, NULL, NULL},
	        {"jti", F_STRING, true, &out->jti, NULL, NULL},
	        {"nonce", F_STRING, true, &out->nonce, NULL, NULL},
	};
	if (!read_object(a, payload, payload_len, pf, sizeof pf / sizeof pf[0]) ||
	    out->iss.ptr == NULL || out->aud.ptr == NULL || !has_exp)
		return fail(reason, LEXC_JWT_BAD, "poorly formatted jwt: bad payload");
	/* PDSes send 32 hex digits; a bound keeps the replay cache small */
	if (out->jti.ptr != NULL && (out->jti.len == 0 || out->jti.len > LEXC_JWT_JTI_MAX))
		return fail(reason, LEXC_JWT_BAD,
		            "poorly formatted jwt: jti empty or over 128 bytes");
	out->iss_did = out->iss;
	const char *hash = memchr(out->iss.ptr, '#', out->iss.len);
	if (hash != NULL) {
		out->iss_did.len = (size_t)(hash - out->iss.ptr);
		out->iss_service = lexc_str_borrow_n(hash + 1, out->iss.len - out->iss_did.len - 1);
	}
	out->signed_part = lexc_str_borrow_n(token, (size_t)(dot2 - token));
	if (sig_len > sizeof out->sig)
		sig_len = sizeof out->sig; /* too long for r||s anyway: refused when verified */
	memcpy(out->sig, sig, sig_len);
	out->sig_len = sig_len;
	return LEXC_JWT_OK;
}

lexc_jwt_result lexc_jwt_check_claims(const lexc_jwt *t, const lexc_jwt_policy *p, int64_t now,
                                      const char **reason)
{
	int64_t skew = p->clock_skew > 0 ? p->clock_skew : 30;
	int64_t lifetime = p->max_lifetime > 0 ? p->max_lifetime : 3600;
	if (now > t->exp)
		return fail(reason, LEXC_JWT_EXPIRED, "jwt expired");
	if (p->aud != NULL && !lexc_str_eq_cstr(t->aud, p->aud))
		return fail(reason, LEXC_JWT_BAD_AUDIENCE,
		            "jwt audience does not match service did");
	if (p->lxm != NULL && !lexc_str_eq_cstr(t->lxm, p->lxm))
		return fail(reason, LEXC_JWT_BAD_LEXICON_METHOD,
		            t->lxm.ptr != NULL ? "bad jwt lexicon method (\"lxm\")"
		                               : "missing jwt lexicon method (\"lxm\")");
	/* A DID, with at most one '#' and a non-empty fragment after it. */
	if (t->iss.len == 0 || !lexc_format_did(t->iss_did.ptr, t->iss_did.len, NULL) ||
	    (t->iss_service.ptr != NULL &&
	     (t->iss_service.len == 0 || memchr(t->iss_service.ptr, '#', t->iss_service.len))))
		return fail(reason, LEXC_JWT_BAD_ISS, "jwt iss is not a valid did");
	/* Differences as unsigned: iat or exp minus now never overflows. */
	if (t->has_iat && t->iat > now && (uint64_t)t->iat - (uint64_t)now > (uint64_t)skew)
		return fail(reason, LEXC_JWT_BAD, "jwt issued in the future (iat)");
	/* the issuer's clock may run ahead by the skew, its tokens with it */
	if (t->exp > now && (uint64_t)t->exp - (uint64_t)now > (uint64_t)lifetime + (uint64_t)skew)
		return fail(reason, LEXC_JWT_BAD, "jwt lifetime too long (exp too far ahead)");
	return LEXC_JWT_OK;
}

lexc_jwt_result lexc_jwt_verify_signature(const lexc_jwt *t, const lexc_pubkey *key,
                                          const char **reason)
{
	lexc_curve c = lexc_curve_of_jwt_alg(t->alg.ptr, t->alg.len);
	if (c == LEXC_CURVE_NONE)
		return fail(reason, LEXC_JWT_BAD_SIGNATURE, "could not verify jwt signature: alg");
	if (key == NULL || c != key->curve)
		return fail(reason, LEXC_JWT_BAD_SIGNATURE,
		            "could not verify jwt signature: alg is not the key's");
	if (t->sig_len != LEXC_SIGNATURE_LEN)
		return fail(reason, LEXC_JWT_BAD_SIGNATURE,
		            "could not verify jwt signature: not 64 bytes r||s");
	if (!lexc_verify(key, t->signed_part.ptr, t->signed_part.len, t->sig, t->sig_len, true,
	                 NULL))
		return fail(reason, LEXC_JWT_BAD_SIGNATURE,
		            "jwt signature does not match jwt issuer");
	return LEXC_JWT_OK;
}

/* Minting -------------------------------------------------------------------------- */

static bool json_part(lexc_json_writer *w, const char *k, const char *v)
{
	return v == NULL ||
	       (lexc_json_write_key(w, k, strlen(k)) && lexc_json_write_string(w, v, strlen(v)));
}

char *lexc_jwt_mint(lexc_arena *a, const lexc_privkey *key, const char *iss, const char *aud,
                    const char *lxm, const char *jti, int64_t iat, int64_t exp)
{
	const char *alg = lexc_curve_jwt_alg(key->curve);
	if (alg == NULL || iss == NULL || aud == NULL)
		return NULL;
	lexc_json_writer w;
	lexc_json_writer_init(&w, NULL);
	bool ok = lexc_json_write_object_start(&w) && json_part(&w, "typ", "JWT") &&
	          json_part(&w, "alg", alg) && lexc_json_write_object_end(&w);
	size_t hlen = 0;
	char *h = ok ? lexc_json_writer_take(&w, &hlen) : NULL;
	lexc_json_writer_reset(&w);
	ok = h != NULL && lexc_json_write_object_start(&w) && lexc_json_write_key(&w, "iat", 3) &&
	     lexc_json_write_integer(&w, iat) && json_part(&w, "iss", iss) &&
	     json_part(&w, "aud", aud) && lexc_json_write_key(&w, "exp", 3) &&
	     lexc_json_write_integer(&w, exp) && json_part(&w, "lxm", lxm) &&
	     json_part(&w, "jti", jti) && lexc_json_write_object_end(&w);
	size_t plen = 0;
	char *p = ok ? lexc_json_writer_take(&w, &plen) : NULL;
	lexc_json_writer_free(&w);
	char *tok = NULL;
	unsigned char sig[LEXC_SIGNATURE_LEN];
	if (p != NULL) {
		size_t cap = (hlen + plen + sizeof sig) / 3 * 4 + 12;
		tok = lexc_arena_alloc(a, cap);
	}
	if (tok != NULL) {
		size_t len = lexc_base64url_encode((unsigned char *)h, hlen, tok);
		tok[len++] = '.';
		len += lexc_base64url_encode((unsigned char *)p, plen, tok + len);
		if (lexc_sign(key, tok, len, sig, NULL)) {
			tok[len++] = '.';
			len += lexc_base64url_encode(sig, sizeof sig, tok + len);
			tok[len] = '\0';
		} else {
			tok = NULL;
		}
	}
	free(h);
	free(p);
	return tok;
}
