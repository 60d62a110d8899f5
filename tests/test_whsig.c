/* Unit tests of libwhsig (whsig/whsig.h) against the Standard Webhooks
 * spec's published vectors (reference/webhooks-notes.md §1.8: the JS, Go,
 * Python and Rust libraries' own), the reference libraries' tolerance
 * rules, multi-signature headers and bad input. */
#include "whsig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, strlen(x)

/* SW-1: libraries/javascript/src/webhook.test.ts "sign function works". */
static const char *sw1_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
static const char *sw1_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
static const int64_t sw1_ts = 1614265330;
static const char *sw1_body = "{\"test\": 2432232314}";
static const char *sw1_sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
/* Filler signature the reference suites use. */
static const char *bad_sig = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

static whsig_key key_of(const char *secret)
{
	whsig_key k;
	ck_assert_int_eq(whsig_key_decode(S(secret), &k), WHSIG_OK);
	return k;
}

static whsig_result verify(const whsig_key *keys, size_t n, const char *sig, const char *body,
                           int64_t now)
{
	char ts[24];
	snprintf(ts, sizeof ts, "%lld", (long long)sw1_ts);
	return whsig_verify(keys, n, S(sw1_id), S(ts), S(sig), S(body), now,
	                    WHSIG_DEFAULT_TOLERANCE);
}

START_TEST(vector_sw1)
{
	whsig_key k = key_of(sw1_secret);
	ck_assert_uint_eq(k.len, 24);
	char out[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), sw1_ts, S(sw1_body), out), WHSIG_OK);
	ck_assert_str_eq(out, sw1_sig);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, sw1_ts), WHSIG_OK);
}
END_TEST

/* SW-2: libraries/rust/src/lib.rs test_sign. */
START_TEST(vector_sw2)
{
	whsig_key k = key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
	const char *body = "{\"email\":\"test@example.com\",\"username\":\"test_user\"}";
	char out[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(
	        whsig_sign(&k, S("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"), 1649367553, S(body), out),
	        WHSIG_OK);
	ck_assert_str_eq(out, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
}
END_TEST

START_TEST(prefix_is_optional)
{
	whsig_key a = key_of(sw1_secret), b = key_of(sw1_secret + 6);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert_mem_eq(a.bytes, b.bytes, a.len);
}
END_TEST

START_TEST(bad_secrets)
{
	whsig_key k;
	ck_assert_int_eq(whsig_key_decode(S(""), &k), WHSIG_BAD_SECRET);
	ck_assert_int_eq(whsig_key_decode(S("whsec_"), &k), WHSIG_BAD_SECRET);
	ck_assert_int_eq(whsig_key_decode(S("whsec_not base64!"), &k), WHSIG_BAD_SECRET);
	ck_assert_int_eq(whsig_key_decode(S("whsec_A"), &k), WHSIG_BAD_SECRET);
	char longer[200] = "whsec_";
	memset(longer + 6, 'A', 120); /* 90 bytes */
	ck_assert_int_eq(whsig_key_decode(S(longer), &k), WHSIG_BAD_SECRET);
	k.len = 0;
	char out[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), sw1_ts, S(sw1_body), out), WHSIG_BAD_SECRET);
}
END_TEST

START_TEST(multi_signature_headers)
{
	whsig_key k = key_of(sw1_secret);
	char h[400];
	snprintf(h, sizeof h, "%s v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw== v2,abc %s", bad_sig,
	         sw1_sig);
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_OK);
	ck_assert_int_eq(verify(&k, 1, bad_sig, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	ck_assert_int_eq(verify(&k, 1, "v1a,abc v2,xyz", sw1_body, sw1_ts), WHSIG_NO_V1_SIGNATURE);
	ck_assert_int_eq(verify(&k, 1, "v1,", sw1_body, sw1_ts), WHSIG_NO_MATCH);
	char partial[9];
	memcpy(partial, sw1_sig, 8);
	partial[8] = '\0';
	ck_assert_int_eq(verify(&k, 1, partial, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	ck_assert_int_eq(verify(&k, 1, "", sw1_body, sw1_ts), WHSIG_MISSING_SIGNATURE);
}
END_TEST

START_TEST(rotation_keys)
{
	/* The receiver holds the new key and the old one; the sender signed
	 * with the old one only (before it rotated), then with both. */
	whsig_key keys[2] = {key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"), key_of(sw1_secret)};
	ck_assert_int_eq(verify(keys, 2, sw1_sig, sw1_body, sw1_ts), WHSIG_OK);
	ck_assert_int_eq(verify(keys, 1, sw1_sig, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	char h[200];
	size_t len;
	ck_assert_int_eq(
	        whsig_sign_header(keys, 2, S(sw1_id), sw1_ts, S(sw1_body), h, sizeof h, &len),
	        WHSIG_OK);
	ck_assert_uint_eq(len, 2 * WHSIG_SIGNATURE_LEN + 1);
	ck_assert_str_eq(h + WHSIG_SIGNATURE_LEN + 1, sw1_sig); /* current first, then old */
	ck_assert_int_eq(verify(&keys[0], 1, h, sw1_body, sw1_ts), WHSIG_OK);
	ck_assert_int_eq(verify(&keys[1], 1, h, sw1_body, sw1_ts), WHSIG_OK);
	ck_assert_int_eq(whsig_sign_header(keys, 2, S(sw1_id), sw1_ts, S(sw1_body), h, 60, &len),
	                 WHSIG_TOO_SMALL);
	ck_assert_int_eq(
	        whsig_sign_header(keys, 0, S(sw1_id), sw1_ts, S(sw1_body), h, sizeof h, &len),
	        WHSIG_NO_KEYS);
}
END_TEST

START_TEST(body_and_key_matter)
{
	whsig_key k = key_of(sw1_secret);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, "{\"test\":2432232314}", sw1_ts), WHSIG_NO_MATCH);
	whsig_key other = key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
	ck_assert_int_eq(verify(&other, 1, sw1_sig, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	ck_assert_int_eq(whsig_verify(&k, 0, S(sw1_id), S("1614265330"), S(sw1_sig), S(sw1_body),
	                              sw1_ts, 300),
	                 WHSIG_NO_KEYS);
}
END_TEST

START_TEST(tolerance)
{
	whsig_key k = key_of(sw1_secret);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, sw1_ts + 300), WHSIG_OK);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, sw1_ts - 300), WHSIG_OK);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, sw1_ts + 301), WHSIG_TOO_OLD);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, sw1_ts - 301), WHSIG_TOO_NEW);
}
END_TEST

START_TEST(bad_headers)
{
	whsig_key k = key_of(sw1_secret);
	const char *ts[] = {"",    "-1614265330",         " 1614265330", "1614265330x",
	                    "1e9", "99999999999999999999"};
	const whsig_result want[] = {WHSIG_MISSING_TIMESTAMP, WHSIG_BAD_TIMESTAMP,
	                             WHSIG_BAD_TIMESTAMP,     WHSIG_BAD_TIMESTAMP,
	                             WHSIG_BAD_TIMESTAMP,     WHSIG_BAD_TIMESTAMP};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
		ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts[i]), S(sw1_sig), S(sw1_body),
		                              sw1_ts, 300),
		                 want[i]);
	ck_assert_int_eq(
	        whsig_verify(&k, 1, S(""), S("1614265330"), S(sw1_sig), S(sw1_body), sw1_ts, 300),
	        WHSIG_MISSING_ID);
	ck_assert_int_eq(whsig_verify(&k, 1, S("msg.1"), S("1614265330"), S(sw1_sig), S(sw1_body),
	                              sw1_ts, 300),
	                 WHSIG_BAD_ID);
	char out[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign(&k, S("msg.1"), sw1_ts, S(sw1_body), out), WHSIG_BAD_ID);
	ck_assert_str_eq(whsig_result_name(WHSIG_TOO_OLD), "WHSIG_TOO_OLD");
	ck_assert_ptr_nonnull(strstr(whsig_result_message(WHSIG_TOO_OLD), "older"));
}
END_TEST

static Suite *whsig_suite(void)
{
	Suite *s = suite_create("whsig");
	TCase *t = tcase_create("whsig");
	tcase_add_test(t, vector_sw1);
	tcase_add_test(t, vector_sw2);
	tcase_add_test(t, prefix_is_optional);
	tcase_add_test(t, bad_secrets);
	tcase_add_test(t, multi_signature_headers);
	tcase_add_test(t, rotation_keys);
	tcase_add_test(t, body_and_key_matter);
	tcase_add_test(t, tolerance);
	tcase_add_test(t, bad_headers);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(whsig_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
