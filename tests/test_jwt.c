/* Unit tests of liblexc-auth's JWTs and DID documents (auth/lexc/jwt.h,
 * service_auth.h): parsing, each claim rule at its boundary, signatures
 * against the token's alg, minted tokens round-tripping, DID documents and
 * where a DID resolves. End to end with the reference implementation:
 * tests/service_auth.sh. */
#include "lexc/jwt.h"
#include "lexc/keys.h"
#include "lexc/service_auth.h"
#include "replay.h"
#include "siphash.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, strlen(x)
#define SERVICE "did:web:svc.test"
#define ALICE "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
#define LXM "com.example.hello.greet"

static lexc_arena arena;
static void setup(void)
{
	lexc_arena_init(&arena);
}
static void teardown(void)
{
	lexc_arena_free(&arena);
}

/* base64url of a string, unpadded, in the arena. */
static const char *b64u(const char *s)
{
	static const char abc[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(s);
	char *out = lexc_arena_alloc(&arena, n / 3 * 4 + 5);
	size_t o = 0;
	unsigned acc = 0, bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | (unsigned char)s[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = abc[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = abc[(acc << (6 - bits)) & 63];
	out[o] = '\0';
	return out;
}

/* A token of the given header and payload JSON with a signature part. */
static const char *token(const char *header, const char *payload, const char *sig)
{
	return lexc_str_printf(&arena, "%s.%s.%s", b64u(header), b64u(payload), sig).ptr;
}

static lexc_jwt_result parse(const char *tok, lexc_jwt *t, const char **why)
{
	return lexc_jwt_parse(tok, strlen(tok), &arena, t, why);
}

#define HDR "{\"typ\":\"JWT\",\"alg\":\"ES256K\"}"
#define PAY "{\"iss\":\"" ALICE "\",\"aud\":\"" SERVICE "\",\"exp\":2000,\"lxm\":\"" LXM "\"}"

START_TEST(parse_shapes)
{
	lexc_jwt t;
	const char *why = NULL;
	ck_assert_int_eq(parse(token(HDR, PAY, "c2ln"), &t, &why), LEXC_JWT_OK);
	ck_assert(lexc_str_eq_cstr(t.iss, ALICE) && lexc_str_eq_cstr(t.iss_did, ALICE));
	ck_assert(t.iss_service.ptr == NULL && t.exp == 2000 && !t.has_iat);
	ck_assert(lexc_str_eq_cstr(t.lxm, LXM) && t.jti.ptr == NULL);
	ck_assert_uint_eq(t.sig_len, 3);
	/* the signed part is the first two parts as sent */
	const char *tok = token(HDR, PAY, "c2ln");
	ck_assert_int_eq(parse(tok, &t, &why), LEXC_JWT_OK);
	ck_assert_uint_eq(t.signed_part.len, strrchr(tok, '.') - tok);

	ck_assert_int_eq(parse("", &t, &why), LEXC_JWT_BAD);
	ck_assert_int_eq(parse("a.b", &t, &why), LEXC_JWT_BAD);
	ck_assert_str_eq(why, "poorly formatted jwt: not three parts");
	ck_assert_int_eq(parse("a.b.c.d", &t, &why), LEXC_JWT_BAD);
	/* padding and the standard alphabet are not base64url */
	ck_assert_int_eq(
	        parse(lexc_str_printf(&arena, "%s=.%s.c2ln", b64u(HDR), b64u(PAY)).ptr, &t, &why),
	        LEXC_JWT_BAD);
	ck_assert_str_eq(why, "poorly formatted jwt: not base64url");
	ck_assert_int_eq(parse(token(HDR, PAY, "c2+l"), &t, &why), LEXC_JWT_BAD);
	ck_assert_int_eq(parse(token("[]", PAY, "c2ln"), &t, &why), LEXC_JWT_BAD);
	ck_assert_int_eq(parse(token("{}", PAY, "c2ln"), &t, &why), LEXC_JWT_BAD);
	ck_assert_int_eq(parse(token("{\"alg\":1}", PAY, "c2ln"), &t, &why), LEXC_JWT_BAD);
	ck_assert_int_eq(
	        parse(token("{\"alg\":\"ES256K\",\"alg\":\"none\"}", PAY, "c2ln"), &t, &why),
	        LEXC_JWT_BAD); /* duplicate keys */
	ck_assert_int_eq(parse(token(HDR, "{\"iss\":\"x\",\"aud\":\"y\"}", "c2ln"), &t, &why),
	                 LEXC_JWT_BAD); /* no exp */
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"x\",\"aud\":\"y\",\"exp\":1.5}", "c2ln"), &t, &why),
	        LEXC_JWT_BAD); /* a fractional exp */
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"x\",\"aud\":[\"y\"],\"exp\":1}", "c2ln"), &t, &why),
	        LEXC_JWT_BAD); /* aud is one string */
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"x\",\"aud\":\"y\",\"exp\":1,\"lxm\":7}", "c2ln"), &t,
	              &why),
	        LEXC_JWT_BAD);
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"x\",\"aud\":\"y\",\"exp\":1} ", "c2ln"), &t, &why),
	        LEXC_JWT_OK); /* JSON whitespace is JSON */
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"x\",\"aud\":\"y\",\"exp\":1}x", "c2ln"), &t, &why),
	        LEXC_JWT_BAD);
	/* members we do not know are skipped, nested or not */
	ck_assert_int_eq(
	        parse(token(HDR,
	                    "{\"x\":{\"y\":[1,2,{\"z\":null}]},\"iss\":\"x\",\"aud\":\"y\","
	                    "\"exp\":1,\"nonce\":\"n\"}",
	                    "c2ln"),
	              &t, &why),
	        LEXC_JWT_OK);
	ck_assert(lexc_str_eq_cstr(t.nonce, "n"));
	/* null optional members read as absent, as the reference reads them */
	ck_assert_int_eq(parse(token("{\"alg\":\"ES256K\",\"typ\":null}",
	                             "{\"iss\":\"x\",\"aud\":\"y\",\"exp\":1,\"lxm\":null,"
	                             "\"jti\":null,\"nonce\":null,\"iat\":null}",
	                             "c2ln"),
	                       &t, &why),
	                 LEXC_JWT_OK);
	ck_assert(t.typ.ptr == NULL && t.lxm.ptr == NULL && t.jti.ptr == NULL && !t.has_iat);
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":null,\"aud\":\"y\",\"exp\":1}", "c2ln"), &t, &why),
	        LEXC_JWT_BAD); /* iss is required */
	char *big = malloc(LEXC_JWT_MAX + 2);
	memset(big, 'a', LEXC_JWT_MAX + 1);
	big[10] = big[20] = '.';
	big[LEXC_JWT_MAX + 1] = '\0';
	ck_assert_int_eq(parse(big, &t, &why), LEXC_JWT_BAD);
	ck_assert_str_eq(why, "poorly formatted jwt: longer than 8192 bytes");
	free(big);
}
END_TEST

START_TEST(parse_types)
{
	lexc_jwt t;
	const char *why = NULL;
	const char *bad[] = {"at+jwt", "refresh+jwt", "dpop+jwt"};
	for (size_t i = 0; i < 3; i++) {
		const char *h =
		        lexc_str_printf(&arena, "{\"typ\":\"%s\",\"alg\":\"ES256K\"}", bad[i]).ptr;
		ck_assert_int_eq(parse(token(h, PAY, "c2ln"), &t, &why), LEXC_JWT_BAD_TYPE);
		ck_assert_str_eq(lexc_jwt_result_name(LEXC_JWT_BAD_TYPE), "BadJwtType");
	}
	/* a typ the reference does not name is fine, as is none */
	ck_assert_int_eq(
	        parse(token("{\"typ\":\"at+JWT2\",\"alg\":\"ES256K\"}", PAY, "c2ln"), &t, &why),
	        LEXC_JWT_OK);
	ck_assert_int_eq(parse(token("{\"alg\":\"ES256K\"}", PAY, "c2ln"), &t, &why), LEXC_JWT_OK);
}
END_TEST

static lexc_jwt_result claims(const char *payload, int64_t now, const char **why)
{
	lexc_jwt t;
	ck_assert_int_eq(parse(token(HDR, payload, "c2ln"), &t, why), LEXC_JWT_OK);
	lexc_jwt_policy p = {SERVICE, LXM, 0, 0};
	return lexc_jwt_check_claims(&t, &p, now, why);
}

#define P(extra) "{\"iss\":\"" ALICE "\",\"aud\":\"" SERVICE "\",\"lxm\":\"" LXM "\"," extra "}"

START_TEST(claim_rules)
{
	const char *why = NULL;
	ck_assert_int_eq(claims(P("\"exp\":1000"), 1000, &why), LEXC_JWT_OK); /* now == exp: ok */
	ck_assert_int_eq(claims(P("\"exp\":1000"), 1001, &why), LEXC_JWT_EXPIRED);
	ck_assert_str_eq(lexc_jwt_result_name(LEXC_JWT_EXPIRED), "JwtExpired");
	ck_assert_int_eq(claims("{\"iss\":\"" ALICE
	                        "\",\"aud\":\"did:web:other.test\",\"lxm\":\"" LXM
	                        "\",\"exp\":1000}",
	                        900, &why),
	                 LEXC_JWT_BAD_AUDIENCE);
	ck_assert_int_eq(
	        claims("{\"iss\":\"" ALICE "\",\"aud\":\"" SERVICE "\",\"exp\":1000}", 900, &why),
	        LEXC_JWT_BAD_LEXICON_METHOD);
	ck_assert_str_eq(why, "missing jwt lexicon method (\"lxm\")");
	ck_assert_int_eq(claims("{\"iss\":\"" ALICE "\",\"aud\":\"" SERVICE
	                        "\",\"exp\":1000,\"lxm\":\"com.example.other\"}",
	                        900, &why),
	                 LEXC_JWT_BAD_LEXICON_METHOD);
	/* iss: a DID, one '#' with something after it */
	const char *isses[] = {"alice.test", "did:plc:", ALICE "#", ALICE "#a#b", ""};
	for (size_t i = 0; i < sizeof isses / sizeof isses[0]; i++) {
		const char *p = lexc_str_printf(&arena,
		                                "{\"iss\":\"%s\",\"aud\":\"" SERVICE
		                                "\",\"lxm\":\"" LXM "\",\"exp\":1000}",
		                                isses[i])
		                        .ptr;
		ck_assert_msg(claims(p, 900, &why) == LEXC_JWT_BAD_ISS, "iss %s", isses[i]);
	}
	ck_assert_int_eq(claims("{\"iss\":\"" ALICE "#atproto_labeler\",\"aud\":\"" SERVICE
	                        "\",\"lxm\":\"" LXM "\",\"exp\":1000}",
	                        900, &why),
	                 LEXC_JWT_OK);
	/* iat: up to 30 s ahead; the lifetime: up to an hour */
	ck_assert_int_eq(claims(P("\"iat\":1030,\"exp\":1060"), 1000, &why), LEXC_JWT_OK);
	ck_assert_int_eq(claims(P("\"iat\":1031,\"exp\":1060"), 1000, &why), LEXC_JWT_BAD);
	ck_assert_str_eq(why, "jwt issued in the future (iat)");
	ck_assert_int_eq(claims(P("\"exp\":4630"), 1000, &why), LEXC_JWT_OK); /* + the skew */
	ck_assert_int_eq(claims(P("\"exp\":4631"), 1000, &why), LEXC_JWT_BAD);
	ck_assert_str_eq(why, "jwt lifetime too long (exp too far ahead)");
	/* the extremes of int64 neither overflow nor pass */
	ck_assert_int_eq(claims(P("\"exp\":9223372036854775807"), -9223372036854775807LL, &why),
	                 LEXC_JWT_BAD);
	ck_assert_int_eq(claims(P("\"iat\":9223372036854775807,\"exp\":1000"), -1000, &why),
	                 LEXC_JWT_BAD);
	/* NULL aud and lxm in the policy skip those checks, as the reference's null */
	lexc_jwt t;
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"" ALICE "\",\"aud\":\"x\",\"exp\":1000}", "c2ln"), &t,
	              &why),
	        LEXC_JWT_OK);
	lexc_jwt_policy open = {0};
	ck_assert_int_eq(lexc_jwt_check_claims(&t, &open, 900, &why), LEXC_JWT_OK);
}
END_TEST

START_TEST(mint_and_verify)
{
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++) {
		lexc_privkey k, other;
		ck_assert(lexc_privkey_generate(c, &k, NULL));
		ck_assert(lexc_privkey_generate(c == LEXC_CURVE_P256 ? LEXC_CURVE_SECP256K1
		                                                     : LEXC_CURVE_P256,
		                                &other, NULL));
		char *tok = lexc_jwt_mint(&arena, &k, ALICE, SERVICE, LXM, "j1", 1000, 1060);
		ck_assert_ptr_nonnull(tok);
		lexc_jwt t;
		const char *why = NULL;
		ck_assert_int_eq(parse(tok, &t, &why), LEXC_JWT_OK);
		ck_assert(lexc_str_eq_cstr(t.alg, lexc_curve_jwt_alg(c)));
		ck_assert(t.has_iat && t.iat == 1000 && t.exp == 1060 &&
		          lexc_str_eq_cstr(t.jti, "j1"));
		lexc_jwt_policy p = {SERVICE, LXM, 0, 0};
		ck_assert_int_eq(lexc_jwt_check_claims(&t, &p, 1000, &why), LEXC_JWT_OK);
		ck_assert_int_eq(lexc_jwt_verify_signature(&t, &k.pub, &why), LEXC_JWT_OK);
		/* another curve's key: the alg does not match it */
		ck_assert_int_eq(lexc_jwt_verify_signature(&t, &other.pub, &why),
		                 LEXC_JWT_BAD_SIGNATURE);
		ck_assert_str_eq(why, "could not verify jwt signature: alg is not the key's");
		ck_assert_int_eq(lexc_jwt_verify_signature(&t, NULL, &why), LEXC_JWT_BAD_SIGNATURE);
		/* a changed payload byte: the signature no longer matches */
		char *dot = strchr(tok, '.');
		dot[3] = dot[3] == 'A' ? 'B' : 'A';
		if (parse(tok, &t, &why) == LEXC_JWT_OK)
			ck_assert_int_eq(lexc_jwt_verify_signature(&t, &k.pub, &why),
			                 LEXC_JWT_BAD_SIGNATURE);
		/* no lxm, no jti: both left out of the payload */
		tok = lexc_jwt_mint(&arena, &k, ALICE, SERVICE, NULL, NULL, 1, 2);
		ck_assert_int_eq(parse(tok, &t, &why), LEXC_JWT_OK);
		ck_assert(t.lxm.ptr == NULL && t.jti.ptr == NULL);
		lexc_privkey_free(&k);
		lexc_privkey_free(&other);
	}
}
END_TEST

/* A did:key's multikey for the documents below. */
static const char *multikey(lexc_privkey *k)
{
	char *mk = lexc_arena_alloc(&arena, LEXC_DID_KEY_MAX);
	ck_assert_uint_gt(lexc_pubkey_multikey(&k->pub, mk, LEXC_DID_KEY_MAX), 0);
	return mk;
}

static bool doc_key(const char *json, const char *did, const char **why)
{
	lexc_pubkey k;
	bool ok = lexc_did_document_key(S(json), S(did), "atproto", &arena, &k, why);
	lexc_pubkey_free(&k);
	return ok;
}

START_TEST(did_documents)
{
	lexc_privkey k;
	ck_assert(lexc_privkey_generate(LEXC_CURVE_SECP256K1, &k, NULL));
	const char *mk = multikey(&k);
	const char *why = NULL;
#define M(id, type) "{\"id\":\"" id "\",\"type\":\"" type "\",\"publicKeyMultibase\":\"%s\"}"
	const char *good =
	        lexc_str_printf(&arena,
	                        "{\"@context\":[\"x\"],\"id\":\"" ALICE
	                        "\",\"verificationMethod\":[" M(ALICE "#other", "Multikey") "," M(
	                                ALICE "#atproto", "Multikey") "]}",
	                        mk, mk)
	                .ptr;
	lexc_pubkey got;
	ck_assert(lexc_did_document_key(S(good), S(ALICE), "atproto", &arena, &got, &why));
	ck_assert_mem_eq(got.point, k.pub.point, LEXC_PUBKEY_LEN);
	lexc_pubkey_free(&got);
	/* a relative id names the method too */
	ck_assert(doc_key(lexc_str_printf(&arena,
	                                  "{\"id\":\"" ALICE "\",\"verificationMethod\":[" M(
	                                          "#atproto", "Multikey") "]}",
	                                  mk)
	                          .ptr,
	                  ALICE, &why));
	ck_assert(
	        !doc_key(lexc_str_printf(&arena,
	                                 "{\"id\":\"did:plc:bbbbbbbbbbbbbbbbbbbbbbbb\","
	                                 "\"verificationMethod\":[" M("#atproto", "Multikey") "]}",
	                                 mk)
	                         .ptr,
	                 ALICE, &why));
	ck_assert_str_eq(why, "the DID document's id is not the DID");
	ck_assert(!doc_key("{\"id\":\"" ALICE "\",\"verificationMethod\":[]}", ALICE, &why));
	ck_assert_str_eq(why, "the DID document has no atproto verification method");
	ck_assert(!doc_key("{\"id\":\"" ALICE "\"}", ALICE, &why));
	ck_assert(!doc_key("{\"id\":\"" ALICE "\",\"verificationMethod\":{}}", ALICE, &why));
	ck_assert(!doc_key("{\"id\":\"" ALICE "\",\"verificationMethod\":[{\"id\":1}]}", ALICE,
	                   &why));
	ck_assert(!doc_key("{\"id\":\"" ALICE "\",\"verificationMethod\":[{\"id\":\"#atproto\"}]}",
	                   ALICE, &why));
	ck_assert_str_eq(why, "the atproto verification method has no type or key");
	ck_assert(!doc_key(lexc_str_printf(&arena,
	                                   "{\"id\":\"" ALICE "\",\"verificationMethod\":[" M(
	                                           "#atproto", "JsonWebKey2020") "]}",
	                                   mk)
	                           .ptr,
	                   ALICE, &why));
	ck_assert(!doc_key("[]", ALICE, &why));
	ck_assert(!doc_key("{\"id\":\"" ALICE "\"", ALICE, &why));
	ck_assert(!doc_key("", ALICE, &why));
	/* deep nesting stops at the reader's depth limit, in proportion to the size */
	char deep[4096] = "{\"id\":\"" ALICE "\",\"x\":";
	size_t n = strlen(deep);
	for (int i = 0; i < 1000; i++)
		deep[n++] = '[';
	for (int i = 0; i < 1000; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	ck_assert(!doc_key(deep, ALICE, &why));
	lexc_privkey_free(&k);
}
END_TEST

START_TEST(resolution_urls)
{
	const char *why = NULL;
	ck_assert_str_eq(lexc_did_resolution_url(&arena, NULL, S(ALICE), &why),
	                 "https://plc.directory/" ALICE);
	ck_assert_str_eq(lexc_did_resolution_url(&arena, "http://127.0.0.1:9/", S(ALICE), &why),
	                 "http://127.0.0.1:9/" ALICE);
	ck_assert_ptr_null(lexc_did_resolution_url(&arena, NULL, S("did:plc:short"), &why));
	ck_assert_ptr_null(
	        lexc_did_resolution_url(&arena, NULL, S("did:plc:AAAAAAAAAAAAAAAAAAAAAAAA"), &why));
	ck_assert_str_eq(lexc_did_resolution_url(&arena, NULL, S("did:web:example.com"), &why),
	                 "https://example.com/.well-known/did.json");
	/* one spelling per host: no uppercase, empty labels, or ports but localhost's */
	const char *aliases[] = {"did:web:Example.COM",       "did:web:example.com.",
	                         "did:web:.example.com",      "did:web:a..b",
	                         "did:web:example.com%3A443", "did:web:localhost%3a8443",
	                         "did:web:localhost%3A08443", "did:web:localhost%3A65536",
	                         "did:web:localhost%3A"};
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		ck_assert_msg(lexc_did_resolution_url(&arena, NULL, S(aliases[i]), &why) == NULL,
		              "%s", aliases[i]);
	ck_assert_str_eq(lexc_did_resolution_url(&arena, NULL, S("did:web:localhost%3A8443"), &why),
	                 "https://localhost:8443/.well-known/did.json");
	ck_assert_ptr_null(
	        lexc_did_resolution_url(&arena, NULL, S("did:web:example.com:u:alice"), &why));
	ck_assert_str_eq(why, "did:web takes a lowercase hostname (a %3A port for localhost only), "
	                      "not a path");
	ck_assert_ptr_null(lexc_did_resolution_url(&arena, NULL, S("did:web:%3A80"), &why));
	ck_assert_ptr_null(lexc_did_resolution_url(&arena, NULL, S("did:web:host%3A"), &why));
	ck_assert_ptr_null(
	        lexc_did_resolution_url(&arena, NULL, S("did:web:host%3A80%3A81"), &why));
	ck_assert_ptr_null(lexc_did_resolution_url(&arena, NULL, S("did:web:ho%2Fst"), &why));
	ck_assert_ptr_null(lexc_did_resolution_url(
	        &arena, NULL, S("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"),
	        &why));
	ck_assert_str_eq(why, "only did:plc and did:web are supported");
	ck_assert_ptr_null(lexc_did_resolution_url(&arena, NULL, S("not a did"), &why));
}
END_TEST

START_TEST(config)
{
	lexc_error err;
	lexc_error_clear(&err);
	lexc_service_auth_config c = {0};
	ck_assert_ptr_null(lexc_service_auth_new(&c, &err));
	c.service_did = "webhookd";
	ck_assert_ptr_null(lexc_service_auth_new(&c, &err));
	c.service_did = SERVICE;
	c.plc_url = "ftp://plc.test";
	ck_assert_ptr_null(lexc_service_auth_new(&c, &err));
	c.plc_url = NULL;
	lexc_service_auth *a = lexc_service_auth_new(&c, &err);
	ck_assert_ptr_nonnull(a);
	/* refusals that need no network: counted, with the reference's names */
	lexc_service_caller who;
	const char *why = NULL;
	ck_assert_int_eq(lexc_service_auth_verify(a, S("x.y"), LXM, &arena, &who, &why),
	                 LEXC_JWT_BAD);
	lexc_privkey k;
	ck_assert(lexc_privkey_generate(LEXC_CURVE_P256, &k, NULL));
	char *tok = lexc_jwt_mint(&arena, &k, ALICE, "did:web:other.test", LXM, NULL, 1, 2);
	ck_assert_int_eq(lexc_service_auth_verify(a, S(tok), LXM, &arena, &who, &why),
	                 LEXC_JWT_EXPIRED);
	lexc_service_auth_stats st;
	lexc_service_auth_get_stats(a, &st);
	ck_assert(st.refused == 2 && st.verified == 0 && st.resolutions == 0);
	lexc_privkey_free(&k);
	lexc_service_auth_free(a);
	lexc_service_auth_free(NULL);
}
END_TEST

/* The reference implementation's vector: key 00..0f, message 00..0e. */
START_TEST(siphash_vector)
{
	unsigned char key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	ck_assert_uint_eq(auth_siphash24(key, msg, 15), 0xa129ca6149be45e5ULL);
	ck_assert_uint_eq(auth_siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(auth_siphash24(key, msg, 8), 0x93f5f5799a932462ULL);
}
END_TEST

START_TEST(replay_rules)
{
	auth_replay *r = auth_replay_new(6, 3);
	ck_assert_ptr_nonnull(r);
	const char *why = NULL;
#define REM(did, jti, exp, now) auth_replay_remember(r, S(did), S(jti), exp, now, &why)
	ck_assert(REM("did:a", "j1", 100, 10));
	ck_assert(!REM("did:a", "j1", 100, 10));
	ck_assert_str_eq(why, "jwt replayed: this jti was used before");
	ck_assert(REM("did:b", "j1", 100, 10)); /* another issuer's j1 */
	/* a jti with a NUL inside is its own: lengths count, not C strings */
	ck_assert(auth_replay_remember(r, S("did:a"), "j1\0x", 4, 100, 10, &why));
	ck_assert(REM("did:a", "j2", 100, 10));
	/* the issuer's share (3) is full; others still get in */
	ck_assert(!REM("did:a", "j3", 100, 10));
	ck_assert_str_eq(why, "too many live tokens of this issuer: try again later");
	ck_assert(REM("did:c", "j1", 20, 10));
	ck_assert(REM("did:c", "j2", 20, 10));
	/* the table (6) is full of live tokens: refused, for everyone */
	ck_assert(!REM("did:d", "j1", 100, 10));
	ck_assert_str_eq(why, "too many live tokens to remember: try again later");
	/* later, did:c's tokens have expired: a purge makes room */
	ck_assert(REM("did:d", "j1", 100, 30));
	ck_assert(REM("did:c", "j1", 100, 30)); /* purged: new again */
	ck_assert(!REM("did:a", "j1", 100, 30));
	ck_assert_str_eq(why, "jwt replayed: this jti was used before");
#undef REM
	auth_replay_free(r);
	auth_replay_free(NULL);
}
END_TEST

START_TEST(jti_bounds)
{
	lexc_jwt t;
	const char *why = NULL;
	char jti[200];
	memset(jti, 'a', sizeof jti);
	jti[129] = '\0';
	const char *p = lexc_str_printf(&arena,
	                                "{\"iss\":\"" ALICE "\",\"aud\":\"" SERVICE
	                                "\",\"exp\":1,\"jti\":\"%s\"}",
	                                jti)
	                        .ptr;
	ck_assert_int_eq(parse(token(HDR, p, "c2ln"), &t, &why), LEXC_JWT_BAD);
	ck_assert_str_eq(why, "poorly formatted jwt: jti empty or over 128 bytes");
	jti[128] = '\0';
	p = lexc_str_printf(
	            &arena,
	            "{\"iss\":\"" ALICE "\",\"aud\":\"" SERVICE "\",\"exp\":1,\"jti\":\"%s\"}", jti)
	            .ptr;
	ck_assert_int_eq(parse(token(HDR, p, "c2ln"), &t, &why), LEXC_JWT_OK);
	ck_assert_int_eq(
	        parse(token(HDR, "{\"iss\":\"x\",\"aud\":\"y\",\"exp\":1,\"jti\":\"\"}", "c2ln"),
	              &t, &why),
	        LEXC_JWT_BAD);
}
END_TEST

static Suite *jwt_suite(void)
{
	Suite *s = suite_create("jwt");
	TCase *t = tcase_create("jwt");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, parse_shapes);
	tcase_add_test(t, parse_types);
	tcase_add_test(t, claim_rules);
	tcase_add_test(t, mint_and_verify);
	tcase_add_test(t, did_documents);
	tcase_add_test(t, resolution_urls);
	tcase_add_test(t, config);
	tcase_add_test(t, siphash_vector);
	tcase_add_test(t, replay_rules);
	tcase_add_test(t, jti_bounds);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jwt_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
