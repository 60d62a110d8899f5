/* Unit tests of liblexc-auth's keys (auth/lexc/keys.h): the atproto interop
 * crypto vectors ($LEXC_TEST_DATA/interop/crypto: signatures with low-S,
 * high-S and DER forms on both curves, and the W3C did:key vectors), then
 * encodings, round trips and bad input. */
#include "lexc/keys.h"

#include <check.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, strlen(x)

static json_t *load(const char *name)
{
	const char *dir = getenv("LEXC_TEST_DATA");
	ck_assert_msg(dir != NULL, "LEXC_TEST_DATA is not set");
	char path[1024];
	snprintf(path, sizeof path, "%s/interop/crypto/%s", dir, name);
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

/* Standard base64 with or without padding (the fixtures leave it out). */
static size_t b64(const char *s, unsigned char *out, size_t cap)
{
	char buf[256];
	size_t n = strlen(s);
	ck_assert(n + 4 < sizeof buf);
	memcpy(buf, s, n);
	while (n % 4 != 0)
		buf[n++] = '=';
	buf[n] = '\0';
	ck_assert(cap >= n / 4 * 3);
	int len = EVP_DecodeBlock(out, (unsigned char *)buf, (int)n);
	ck_assert_int_ge(len, 0);
	for (size_t i = strlen(s); i < n; i++)
		len--; /* EVP_DecodeBlock counts the padding as zero bytes */
	return (size_t)len;
}

static int hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
}

START_TEST(signature_fixtures)
{
	json_t *all = load("signature-fixtures.json");
	size_t i, valid = 0, high_s = 0, der = 0;
	json_t *f;
	json_array_foreach(all, i, f)
	{
		const char *comment = json_string_value(json_object_get(f, "comment"));
		const char *alg = json_string_value(json_object_get(f, "algorithm"));
		const char *suite = json_string_value(json_object_get(f, "didDocSuite"));
		const char *did = json_string_value(json_object_get(f, "publicKeyDid"));
		const char *mb = json_string_value(json_object_get(f, "publicKeyMultibase"));
		bool want = json_is_true(json_object_get(f, "validSignature"));
		unsigned char msg[256], sig[256];
		size_t msg_len = b64(json_string_value(json_object_get(f, "messageBase64")), msg,
		                     sizeof msg);
		size_t sig_len = b64(json_string_value(json_object_get(f, "signatureBase64")), sig,
		                     sizeof sig);
		lexc_curve curve = lexc_curve_of_jwt_alg(S(alg));
		ck_assert_msg(curve != LEXC_CURVE_NONE, "%s: alg %s", comment, alg);

		/* The key both ways: did:key and the legacy method form. */
		lexc_pubkey k1, k2;
		const char *why = NULL;
		ck_assert_msg(lexc_pubkey_from_did_key(S(did), &k1, &why), "%s: %s", comment, why);
		ck_assert_msg(lexc_pubkey_from_method(S(suite), S(mb), &k2, &why), "%s: %s",
		              comment, why);
		ck_assert_int_eq(k1.curve, curve);
		ck_assert_int_eq(k2.curve, curve);
		ck_assert_mem_eq(k1.point, k2.point, LEXC_PUBKEY_LEN);
		char back[LEXC_DID_KEY_MAX];
		ck_assert_uint_eq(lexc_pubkey_did_key(&k1, back, sizeof back), strlen(did));
		ck_assert_str_eq(back, did);

		/* Strict: as the fixture says. */
		bool got = lexc_verify(&k1, msg, msg_len, sig, sig_len, false, &why);
		ck_assert_msg(got == want, "%s: verify says %d (%s)", comment, got, got ? "" : why);
		json_t *tags = json_object_get(f, "tags");
		size_t t;
		json_t *tag;
		bool is_high_s = false, is_der = false;
		json_array_foreach(tags, t, tag)
		{
			is_high_s = is_high_s || strcmp(json_string_value(tag), "high-s") == 0;
			is_der = is_der || strcmp(json_string_value(tag), "der-encoded") == 0;
		}
		/* Lenient about S only (JWTs): a high-S signature is a real one. */
		bool lenient = lexc_verify(&k1, msg, msg_len, sig, sig_len, true, &why);
		ck_assert_msg(lenient == (want || is_high_s), "%s: lenient verify says %d", comment,
		              lenient);
		if (is_der)
			ck_assert_str_eq(why,
			                 "a signature is 64 bytes, r||s (DER is not accepted)");
		/* A flipped message bit fails. */
		msg[0] ^= 1;
		ck_assert(!lexc_verify(&k1, msg, msg_len, sig, sig_len, true, NULL));
		valid += want;
		high_s += is_high_s;
		der += is_der;
		lexc_pubkey_free(&k1);
		lexc_pubkey_free(&k2);
	}
	ck_assert_uint_eq(i, 6);
	ck_assert_uint_eq(valid, 2);
	ck_assert_uint_eq(high_s, 2);
	ck_assert_uint_eq(der, 2);
	json_decref(all);
}
END_TEST

static void didkey_vectors(const char *file, lexc_curve curve, size_t expect)
{
	json_t *all = load(file);
	size_t i;
	json_t *v;
	json_array_foreach(all, i, v)
	{
		unsigned char priv[64];
		size_t n = 0;
		const char *hex = json_string_value(json_object_get(v, "privateKeyBytesHex"));
		const char *b58 = json_string_value(json_object_get(v, "privateKeyBytesBase58"));
		if (hex != NULL) {
			for (n = 0; hex[2 * n] != '\0' && n < sizeof priv; n++)
				priv[n] = (unsigned char)(hexval(hex[2 * n]) << 4 |
				                          hexval(hex[2 * n + 1]));
		} else {
			ck_assert(b58 != NULL);
			ck_assert(lexc_base58_decode(S(b58), priv, sizeof priv, &n));
		}
		const char *did = json_string_value(json_object_get(v, "publicDidKey"));
		lexc_privkey k;
		const char *why = NULL;
		ck_assert_msg(lexc_privkey_from_bytes(curve, priv, n, &k, &why), "%s[%zu]: %s",
		              file, i, why);
		char got[LEXC_DID_KEY_MAX];
		ck_assert_uint_gt(lexc_pubkey_did_key(&k.pub, got, sizeof got), 0);
		ck_assert_str_eq(got, did);
		/* The derived key signs what the parsed did:key verifies. */
		lexc_pubkey p;
		ck_assert(lexc_pubkey_from_did_key(S(did), &p, &why));
		unsigned char sig[LEXC_SIGNATURE_LEN];
		ck_assert(lexc_sign(&k, S("atproto"), sig, &why));
		ck_assert(lexc_verify(&p, S("atproto"), sig, sizeof sig, false, &why));
		lexc_pubkey_free(&p);
		lexc_privkey_free(&k);
	}
	ck_assert_uint_eq(i, expect);
	json_decref(all);
}

START_TEST(didkey_k256)
{
	didkey_vectors("w3c_didkey_K256.json", LEXC_CURVE_SECP256K1, 5);
}
END_TEST

START_TEST(didkey_p256)
{
	didkey_vectors("w3c_didkey_P256.json", LEXC_CURVE_P256, 1);
}
END_TEST

/* Signatures we make are low-S, whatever OpenSSL picked: 200 of each. */
START_TEST(sign_is_low_s)
{
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++) {
		lexc_privkey k;
		ck_assert(lexc_privkey_generate(c, &k, NULL));
		for (int i = 0; i < 200; i++) {
			unsigned char sig[LEXC_SIGNATURE_LEN];
			char msg[32];
			snprintf(msg, sizeof msg, "message %d", i);
			ck_assert(lexc_sign(&k, S(msg), sig, NULL));
			ck_assert(lexc_verify(&k.pub, S(msg), sig, sizeof sig, false, NULL));
		}
		lexc_privkey_free(&k);
	}
}
END_TEST

START_TEST(base58)
{
	unsigned char out[64];
	size_t n;
	char text[128];
	ck_assert(lexc_base58_decode(S(""), out, sizeof out, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert(lexc_base58_decode(S("111"), out, sizeof out, &n));
	ck_assert_uint_eq(n, 3);
	ck_assert(out[0] == 0 && out[1] == 0 && out[2] == 0);
	/* "Hello World!" in base58btc is 2NEpo7TZRRrLZSi2U */
	ck_assert(lexc_base58_decode(S("2NEpo7TZRRrLZSi2U"), out, sizeof out, &n));
	ck_assert_uint_eq(n, 12);
	ck_assert_mem_eq(out, "Hello World!", 12);
	ck_assert_uint_eq(
	        lexc_base58_encode((const unsigned char *)"Hello World!", 12, text, sizeof text),
	        17);
	ck_assert_str_eq(text, "2NEpo7TZRRrLZSi2U");
	ck_assert(lexc_base58_encode((const unsigned char *)"\0\0a", 3, text, sizeof text) == 4);
	ck_assert_str_eq(text, "112g");
	ck_assert(!lexc_base58_decode(S("0OIl"), out, sizeof out, &n)); /* not in the alphabet */
	ck_assert(!lexc_base58_decode(S("2NEpo7TZRRrLZSi2U"), out, 11, &n)); /* too small */
	ck_assert(!lexc_base58_decode("2N\0po", 5, out, sizeof out, &n));    /* a NUL */
	ck_assert_uint_eq(lexc_base58_encode((const unsigned char *)"Hello World!", 12, text, 17),
	                  0);
}
END_TEST

START_TEST(bad_keys)
{
	lexc_pubkey k;
	const char *why = NULL;
	ck_assert(!lexc_pubkey_from_did_key(S("did:web:example.com"), &k, &why));
	ck_assert(!lexc_pubkey_from_did_key(S("did:key:"), &k, &why));
	ck_assert(!lexc_pubkey_from_did_key(S("did:key:x25z9DTps"), &k, &why));
	/* ed25519 (0xed) is not an atproto curve */
	ck_assert(!lexc_pubkey_from_did_key(
	        S("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"), &k, &why));
	ck_assert_str_eq(why,
	                 "a multikey names secp256k1 (0xe7) or P-256 (0x1200) and holds 33 bytes");
	/* a point with an x that is not on P-256: 0x02 then 32 bytes of 0xff */
	unsigned char pt[LEXC_PUBKEY_LEN];
	memset(pt, 0xff, sizeof pt);
	pt[0] = 0x02;
	ck_assert(!lexc_pubkey_from_point(LEXC_CURVE_P256, pt, sizeof pt, &k, &why));
	pt[0] = 0x04; /* uncompressed prefix */
	ck_assert(!lexc_pubkey_from_point(LEXC_CURVE_SECP256K1, pt, sizeof pt, &k, &why));
	ck_assert(!lexc_pubkey_from_point(LEXC_CURVE_NONE, pt, sizeof pt, &k, &why));
	ck_assert(!lexc_pubkey_from_method(S("JsonWebKey2020"),
	                                   S("z25z9DTpsiYYJKGsWmSPJK2NFN8PcJtZig12K59UgW7q5t"), &k,
	                                   &why));
	/* a 4000-character multibase is refused before any arithmetic */
	char *big = malloc(4001);
	memset(big, 'z', 4000);
	big[4000] = '\0';
	ck_assert(!lexc_pubkey_from_multikey(big, 4000, &k, &why));
	free(big);
	ck_assert(lexc_pubkey_from_multikey(NULL, 0, &k, &why) == false);
	lexc_pubkey_free(&k); /* after a failure: a no-op */
	unsigned char zero[32] = {0};
	lexc_privkey pk;
	ck_assert(!lexc_privkey_from_bytes(LEXC_CURVE_P256, zero, 32, &pk, &why));
	ck_assert(!lexc_privkey_from_bytes(LEXC_CURVE_P256, zero, 31, &pk, &why));
	ck_assert(lexc_curve_of_jwt_alg(S("ES256K")) == LEXC_CURVE_SECP256K1);
	ck_assert(lexc_curve_of_jwt_alg(S("ES256")) == LEXC_CURVE_P256);
	ck_assert(lexc_curve_of_jwt_alg(S("ES384")) == LEXC_CURVE_NONE);
	ck_assert(lexc_curve_of_jwt_alg(S("none")) == LEXC_CURVE_NONE);
	ck_assert(lexc_curve_of_jwt_alg(S("HS256")) == LEXC_CURVE_NONE);
	ck_assert(lexc_curve_of_jwt_alg(S("ES256K ")) == LEXC_CURVE_NONE);
}
END_TEST

/* Signatures with r or s zero or at least n, or a wrong key, fail. */
START_TEST(bad_signatures)
{
	lexc_privkey k, other;
	ck_assert(lexc_privkey_generate(LEXC_CURVE_SECP256K1, &k, NULL));
	ck_assert(lexc_privkey_generate(LEXC_CURVE_SECP256K1, &other, NULL));
	unsigned char sig[LEXC_SIGNATURE_LEN], bad[LEXC_SIGNATURE_LEN];
	ck_assert(lexc_sign(&k, S("m"), sig, NULL));
	ck_assert(!lexc_verify(&other.pub, S("m"), sig, sizeof sig, true, NULL));
	memset(bad, 0, sizeof bad);
	ck_assert(!lexc_verify(&k.pub, S("m"), bad, sizeof bad, true, NULL));
	memcpy(bad, sig, sizeof bad);
	memset(bad + 32, 0xff, 32); /* s >= n */
	ck_assert(!lexc_verify(&k.pub, S("m"), bad, sizeof bad, true, NULL));
	ck_assert(!lexc_verify(&k.pub, S("m"), sig, 63, true, NULL));
	ck_assert(!lexc_verify(NULL, S("m"), sig, sizeof sig, true, NULL));
	lexc_privkey_free(&k);
	lexc_privkey_free(&other);
}
END_TEST

static Suite *keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *t = tcase_create("keys");
	tcase_add_test(t, signature_fixtures);
	tcase_add_test(t, didkey_k256);
	tcase_add_test(t, didkey_p256);
	tcase_add_test(t, sign_is_low_s);
	tcase_add_test(t, base58);
	tcase_add_test(t, bad_keys);
	tcase_add_test(t, bad_signatures);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(keys_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
