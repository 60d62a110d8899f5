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

/* A header of n well-formed v1 entries that match no key, then `last`
 * (if not NULL); malloc'd. */
static char *garbage_header(size_t n, const char *last)
{
	size_t cap = (n + 1) * (WHSIG_SIGNATURE_LEN + 1) + 1;
	char *h = malloc(cap);
	ck_assert_ptr_nonnull(h);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(h + o, bad_sig, WHSIG_SIGNATURE_LEN);
		h[o + 3 + i % 40] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"[i / 40 % 40];
		o += WHSIG_SIGNATURE_LEN;
		h[o++] = ' ';
	}
	if (last != NULL)
		o += (size_t)snprintf(h + o, cap - o, "%s", last);
	h[o] = '\0';
	return h;
}

START_TEST(many_entries_valid_last)
{
	whsig_key keys[3] = {key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
	                     key_of("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), key_of(sw1_secret)};
	char *h = garbage_header(5000, sw1_sig);
	ck_assert_int_eq(verify(keys, 3, h, sw1_body, sw1_ts), WHSIG_OK);
	ck_assert_int_eq(verify(&keys[2], 1, h, sw1_body, sw1_ts), WHSIG_OK);
	free(h);
}
END_TEST

START_TEST(many_entries_no_match)
{
	whsig_key k = key_of(sw1_secret);
	char *h = garbage_header(5000, NULL);
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	free(h);
}
END_TEST

/* 10,000 entries, 3 keys, a 1 MiB body: a MAC per (key, entry) is 30 GB
 * of SHA-256 and trips check's timeout; a MAC per key is 3 MiB. */
START_TEST(one_mac_per_key)
{
	whsig_key keys[3] = {key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
	                     key_of("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), key_of(sw1_secret)};
	size_t body_len = 1024 * 1024;
	char *body = malloc(body_len);
	ck_assert_ptr_nonnull(body);
	memset(body, 'x', body_len);
	char sig[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign(&keys[2], S(sw1_id), sw1_ts, body, body_len, sig), WHSIG_OK);
	char *h = garbage_header(10000, sig);
	ck_assert_int_eq(whsig_verify(keys, 3, S(sw1_id), S("1614265330"), S(h), body, body_len,
	                              sw1_ts, 300),
	                 WHSIG_OK);
	h[strlen(h) - WHSIG_SIGNATURE_LEN] = '\0'; /* drop the valid one */
	ck_assert_int_eq(whsig_verify(keys, 3, S(sw1_id), S("1614265330"), S(h), body, body_len,
	                              sw1_ts, 300),
	                 WHSIG_NO_MATCH);
	free(h);
	free(body);
}
END_TEST

START_TEST(malformed_v1_entries)
{
	whsig_key k = key_of(sw1_secret);
	char h[100];
	snprintf(h, sizeof h, "%sx", sw1_sig); /* 48 characters */
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	snprintf(h, sizeof h, "%.46s", sw1_sig); /* the '=' left off */
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	/* The same 32 bytes in non-canonical base64 (the last digit's unused
	 * bits set): the reference libraries compare text, so no match. */
	snprintf(h, sizeof h, "%s", sw1_sig);
	ck_assert_int_eq(h[45], 'E');
	h[45] = 'F';
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_NO_MATCH);
	snprintf(h, sizeof h, "V1,%s", sw1_sig + 3);
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_NO_V1_SIGNATURE);
	snprintf(h, sizeof h, "  %s  ", sw1_sig); /* spaces around are separators */
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_OK);
}
END_TEST

START_TEST(empty_and_long_keys_refused)
{
	whsig_key good = key_of(sw1_secret), empty = good, longer = good;
	empty.len = 0;
	longer.len = WHSIG_KEY_MAX + 1;
	char out[WHSIG_SIGNATURE_LEN + 1], h[200];
	size_t len = 99;
	const whsig_key *bad[] = {&empty, &longer};
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(whsig_sign(bad[i], S(sw1_id), sw1_ts, S(sw1_body), out),
		                 WHSIG_BAD_SECRET);
		ck_assert_str_eq(out, "");
		ck_assert_int_eq(whsig_sign_header(bad[i], 1, S(sw1_id), sw1_ts, S(sw1_body), h,
		                                   sizeof h, &len),
		                 WHSIG_BAD_SECRET);
		ck_assert_str_eq(h, "");
		ck_assert_uint_eq(len, 0);
		ck_assert_int_eq(verify(bad[i], 1, sw1_sig, sw1_body, sw1_ts), WHSIG_BAD_SECRET);
	}
	ck_assert_int_eq(whsig_sign(NULL, S(sw1_id), sw1_ts, S(sw1_body), out), WHSIG_BAD_SECRET);
	longer.len = WHSIG_KEY_MAX; /* the longest accepted */
	ck_assert_int_eq(whsig_sign(&longer, S(sw1_id), sw1_ts, S(sw1_body), out), WHSIG_OK);
}
END_TEST

START_TEST(bad_key_among_good)
{
	whsig_key keys[2] = {key_of(sw1_secret), key_of(sw1_secret)};
	keys[1].len = 0;
	/* Refused even though keys[0] matches; after the header checks. */
	ck_assert_int_eq(verify(keys, 2, sw1_sig, sw1_body, sw1_ts), WHSIG_BAD_SECRET);
	ck_assert_int_eq(verify(keys, 2, "v2,abc", sw1_body, sw1_ts), WHSIG_BAD_SECRET);
	ck_assert_int_eq(verify(keys, 2, "", sw1_body, sw1_ts), WHSIG_MISSING_SIGNATURE);
	ck_assert_int_eq(verify(keys, 2, sw1_sig, sw1_body, sw1_ts + 301), WHSIG_TOO_OLD);
	char h[3 * (WHSIG_SIGNATURE_LEN + 1)];
	size_t len = 99;
	whsig_key three[3] = {key_of(sw1_secret), keys[1], key_of(sw1_secret)};
	ck_assert_int_eq(
	        whsig_sign_header(three, 3, S(sw1_id), sw1_ts, S(sw1_body), h, sizeof h, &len),
	        WHSIG_BAD_SECRET);
	ck_assert_str_eq(h, ""); /* no half header */
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(timestamp_19_digits)
{
	whsig_key k = key_of(sw1_secret);
	/* INT64_MAX: signs, and verifies at that time. */
	char out[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), INT64_MAX, S(sw1_body), out), WHSIG_OK);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("9223372036854775807"), S(out),
	                              S(sw1_body), INT64_MAX, 300),
	                 WHSIG_OK);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("9223372036854775807"), S(out),
	                              S(sw1_body), sw1_ts, 300),
	                 WHSIG_TOO_NEW);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("1000000000000000000"), S(sw1_sig),
	                              S(sw1_body), sw1_ts, 300),
	                 WHSIG_TOO_NEW);
	/* Leading zeros: the value is sw1_ts, but the MAC covers the text. */
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("0000000001614265330"), S(sw1_sig),
	                              S(sw1_body), sw1_ts, 300),
	                 WHSIG_NO_MATCH);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("0000000001614265330"), S(sw1_sig),
	                              S(sw1_body), INT64_MAX, 300),
	                 WHSIG_TOO_OLD);
}
END_TEST

START_TEST(timestamp_overflow)
{
	whsig_key k = key_of(sw1_secret);
	const char *ts[] = {"9223372036854775808", "9999999999999999999", "10000000000000000000",
	                    "00000000001614265330", "18446744073709551616"};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
		ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts[i]), S(sw1_sig), S(sw1_body),
		                              INT64_MAX, INT64_MAX),
		                 WHSIG_BAD_TIMESTAMP);
}
END_TEST

START_TEST(timestamp_signs_and_spaces)
{
	whsig_key k = key_of(sw1_secret);
	const char *ts[] = {"+1614265330", "-1614265330", " 1614265330", "1614265330 ",
	                    "+0",          "-0",          "1614 265330", "\t1614265330"};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
		ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts[i]), S(sw1_sig), S(sw1_body),
		                              sw1_ts, 300),
		                 WHSIG_BAD_TIMESTAMP);
	ck_assert_int_eq(
	        whsig_verify(&k, 1, S(sw1_id), NULL, 10, S(sw1_sig), S(sw1_body), sw1_ts, 300),
	        WHSIG_MISSING_TIMESTAMP);
}
END_TEST

/* Under --enable-sanitizers UBSan reports any signed overflow here. */
START_TEST(extreme_now_and_tolerance)
{
	whsig_key k = key_of(sw1_secret);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, INT64_MIN), WHSIG_TOO_NEW);
	ck_assert_int_eq(verify(&k, 1, sw1_sig, sw1_body, INT64_MAX), WHSIG_TOO_OLD);
	const char *ts = "1614265330";
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts), S(sw1_sig), S(sw1_body), INT64_MAX,
	                              INT64_MAX),
	                 WHSIG_OK);
	/* sw1_ts - INT64_MIN is past INT64_MAX. */
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts), S(sw1_sig), S(sw1_body), INT64_MIN,
	                              INT64_MAX),
	                 WHSIG_TOO_NEW);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("9223372036854775807"), S(sw1_sig),
	                              S(sw1_body), INT64_MIN, INT64_MAX),
	                 WHSIG_TOO_NEW);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S("0"), S(sw1_sig), S(sw1_body), INT64_MAX,
	                              INT64_MAX),
	                 WHSIG_NO_MATCH);
	/* A negative tolerance is 0: only the exact second passes. */
	ck_assert_int_eq(
	        whsig_verify(&k, 1, S(sw1_id), S(ts), S(sw1_sig), S(sw1_body), sw1_ts, INT64_MIN),
	        WHSIG_OK);
	ck_assert_int_eq(
	        whsig_verify(&k, 1, S(sw1_id), S(ts), S(sw1_sig), S(sw1_body), sw1_ts + 1, -1),
	        WHSIG_TOO_OLD);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts), S(sw1_sig), S(sw1_body), sw1_ts - 1,
	                              INT64_MIN),
	                 WHSIG_TOO_NEW);
	ck_assert_int_eq(whsig_verify(&k, 1, S(sw1_id), S(ts), S(sw1_sig), S(sw1_body), INT64_MIN,
	                              INT64_MIN),
	                 WHSIG_TOO_NEW);
}
END_TEST

START_TEST(null_body)
{
	whsig_key k = key_of(sw1_secret);
	char a[WHSIG_SIGNATURE_LEN + 1], b[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), sw1_ts, NULL, 0, a), WHSIG_OK);
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), sw1_ts, "", 0, b), WHSIG_OK);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(
	        whsig_verify(&k, 1, S(sw1_id), S("1614265330"), S(a), NULL, 0, sw1_ts, 300),
	        WHSIG_OK);
	char h[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(whsig_sign_header(&k, 1, S(sw1_id), sw1_ts, NULL, 0, h, sizeof h, NULL),
	                 WHSIG_OK);
	ck_assert_str_eq(h, a);
}
END_TEST

START_TEST(bad_ids)
{
	whsig_key k = key_of(sw1_secret);
	const char *ids[] = {"msg.1", ".", "msg\n1", "msg 1", "msg\x7f", "msg\x80", "msg\x01"};
	char out[WHSIG_SIGNATURE_LEN + 1], h[WHSIG_SIGNATURE_LEN + 1];
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		ck_assert_int_eq(whsig_sign(&k, S(ids[i]), sw1_ts, S(sw1_body), out), WHSIG_BAD_ID);
		ck_assert_int_eq(
		        whsig_sign_header(&k, 1, S(ids[i]), sw1_ts, S(sw1_body), h, sizeof h, NULL),
		        WHSIG_BAD_ID);
		ck_assert_int_eq(whsig_verify(&k, 1, S(ids[i]), S("1614265330"), S(sw1_sig),
		                              S(sw1_body), sw1_ts, 300),
		                 WHSIG_BAD_ID);
	}
	/* A NUL inside the id's length. */
	ck_assert_int_eq(whsig_sign(&k, "msg\0x", 5, sw1_ts, S(sw1_body), out), WHSIG_BAD_ID);
	ck_assert_int_eq(whsig_sign(&k, NULL, 0, sw1_ts, S(sw1_body), out), WHSIG_MISSING_ID);
	ck_assert_int_eq(whsig_sign(&k, NULL, 5, sw1_ts, S(sw1_body), out), WHSIG_MISSING_ID);
	ck_assert_int_eq(
	        whsig_verify(&k, 1, NULL, 5, S("1614265330"), S(sw1_sig), S(sw1_body), sw1_ts, 300),
	        WHSIG_MISSING_ID);
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), -1, S(sw1_body), out), WHSIG_BAD_TIMESTAMP);
	ck_assert_int_eq(whsig_sign(&k, S(sw1_id), INT64_MIN, S(sw1_body), out),
	                 WHSIG_BAD_TIMESTAMP);
}
END_TEST

START_TEST(sign_header_capacity)
{
	whsig_key keys[3] = {key_of(sw1_secret), key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
	                     key_of(sw1_secret)};
	char h[3 * (WHSIG_SIGNATURE_LEN + 1) + 8];
	size_t len = 99;
	for (size_t n = 1; n <= 3; n++) {
		size_t need = n * (WHSIG_SIGNATURE_LEN + 1);
		memset(h, '#', sizeof h);
		ck_assert_int_eq(
		        whsig_sign_header(keys, n, S(sw1_id), sw1_ts, S(sw1_body), h, need, &len),
		        WHSIG_OK);
		ck_assert_uint_eq(len, need - 1);
		ck_assert_uint_eq(strlen(h), need - 1);
		ck_assert_int_eq(h[need], '#'); /* nothing past cap */
		ck_assert_int_eq(whsig_sign_header(keys, n, S(sw1_id), sw1_ts, S(sw1_body), h,
		                                   need - 1, &len),
		                 WHSIG_TOO_SMALL);
		ck_assert_str_eq(h, "");
		ck_assert_uint_eq(len, 0);
	}
	h[0] = '#';
	ck_assert_int_eq(whsig_sign_header(keys, 1, S(sw1_id), sw1_ts, S(sw1_body), h, 0, &len),
	                 WHSIG_TOO_SMALL);
	ck_assert_int_eq(h[0], '#'); /* cap 0: not written */
	ck_assert_int_eq(
	        whsig_sign_header(keys, 1, S(sw1_id), sw1_ts, S(sw1_body), NULL, 100, &len),
	        WHSIG_TOO_SMALL);
	/* n * 48 overflows size_t: too small, not a wrapped product. */
	ck_assert_int_eq(whsig_sign_header(keys, SIZE_MAX / 8, S(sw1_id), sw1_ts, S(sw1_body), h,
	                                   sizeof h, &len),
	                 WHSIG_TOO_SMALL);
	ck_assert_int_eq(whsig_sign(keys, S(sw1_id), sw1_ts, S(sw1_body), NULL), WHSIG_TOO_SMALL);
}
END_TEST

START_TEST(null_pointers)
{
	whsig_key k = key_of(sw1_secret);
	ck_assert_int_eq(whsig_verify(NULL, 1, S(sw1_id), S("1614265330"), S(sw1_sig), S(sw1_body),
	                              sw1_ts, 300),
	                 WHSIG_NO_KEYS);
	ck_assert_int_eq(
	        whsig_verify(&k, 1, S(sw1_id), S("1614265330"), NULL, 47, S(sw1_body), sw1_ts, 300),
	        WHSIG_MISSING_SIGNATURE);
	ck_assert_int_eq(whsig_sign_header(NULL, 1, S(sw1_id), sw1_ts, S(sw1_body), NULL, 0, NULL),
	                 WHSIG_NO_KEYS);
	ck_assert_int_eq(whsig_key_decode(NULL, 10, &k), WHSIG_BAD_SECRET);
	ck_assert_uint_eq(k.len, 0);
}
END_TEST

START_TEST(key_size_bounds)
{
	char secret[120] = "whsec_";
	memset(secret + 6, 'A', 100); /* 75 zero bytes, the most accepted */
	whsig_key k;
	ck_assert_int_eq(whsig_key_decode(S(secret), &k), WHSIG_OK);
	ck_assert_uint_eq(k.len, WHSIG_KEY_MAX);
	char h[WHSIG_SIGNATURE_LEN + 1];
	ck_assert_int_eq(
	        whsig_sign_header(&k, 1, S(sw1_id), sw1_ts, S(sw1_body), h, sizeof h, NULL),
	        WHSIG_OK);
	ck_assert_int_eq(verify(&k, 1, h, sw1_body, sw1_ts), WHSIG_OK);
	memcpy(secret + 106, "AA==", 5); /* 76 bytes */
	ck_assert_int_eq(whsig_key_decode(S(secret), &k), WHSIG_BAD_SECRET);
	ck_assert_uint_eq(k.len, 0);
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
	tcase_add_test(t, many_entries_valid_last);
	tcase_add_test(t, many_entries_no_match);
	tcase_add_test(t, one_mac_per_key);
	tcase_add_test(t, malformed_v1_entries);
	tcase_add_test(t, empty_and_long_keys_refused);
	tcase_add_test(t, bad_key_among_good);
	tcase_add_test(t, timestamp_19_digits);
	tcase_add_test(t, timestamp_overflow);
	tcase_add_test(t, timestamp_signs_and_spaces);
	tcase_add_test(t, extreme_now_and_tolerance);
	tcase_add_test(t, null_body);
	tcase_add_test(t, bad_ids);
	tcase_add_test(t, sign_header_capacity);
	tcase_add_test(t, null_pointers);
	tcase_add_test(t, key_size_bounds);
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
