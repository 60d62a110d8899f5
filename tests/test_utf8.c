/* Unit tests for UTF-8 validation and grapheme counting. */
#include "config.h"

#include <lexc/utf8.h>

#include "simd_child.h"
#include "utf8_reference.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define S(lit) (lit), (sizeof(lit) - 1)

START_TEST(test_valid_utf8)
{
	ck_assert(lexc_utf8_valid(S("")));
	ck_assert(lexc_utf8_valid(S("hello, world")));
	ck_assert(lexc_utf8_valid(S("a\0b")));             /* NUL is a valid code point */
	ck_assert(lexc_utf8_valid(S("\xC2\x80")));         /* U+0080 */
	ck_assert(lexc_utf8_valid(S("\xDF\xBF")));         /* U+07FF */
	ck_assert(lexc_utf8_valid(S("\xE0\xA0\x80")));     /* U+0800 */
	ck_assert(lexc_utf8_valid(S("\xED\x9F\xBF")));     /* U+D7FF */
	ck_assert(lexc_utf8_valid(S("\xEE\x80\x80")));     /* U+E000 */
	ck_assert(lexc_utf8_valid(S("\xEF\xBF\xBF")));     /* U+FFFF */
	ck_assert(lexc_utf8_valid(S("\xF0\x90\x80\x80"))); /* U+10000 */
	ck_assert(lexc_utf8_valid(S("\xF4\x8F\xBF\xBF"))); /* U+10FFFF */
	ck_assert(lexc_utf8_valid(S("日本語のテキスト and ASCII, 😀👍🏽")));
}
END_TEST

START_TEST(test_invalid_utf8)
{
	ck_assert_uint_eq(lexc_utf8_check(S("\x80")), 0);                   /* lone continuation */
	ck_assert_uint_eq(lexc_utf8_check(S("ab\xC0\x80")), 2);             /* overlong NUL */
	ck_assert_uint_eq(lexc_utf8_check(S("\xC1\xBF")), 0);               /* overlong */
	ck_assert_uint_eq(lexc_utf8_check(S("\xE0\x9F\xBF")), 0);           /* overlong 3-byte */
	ck_assert_uint_eq(lexc_utf8_check(S("\xF0\x8F\xBF\xBF")), 0);       /* overlong 4-byte */
	ck_assert_uint_eq(lexc_utf8_check(S("x\xED\xA0\x80")), 1);          /* surrogate D800 */
	ck_assert_uint_eq(lexc_utf8_check(S("\xED\xBF\xBF")), 0);           /* surrogate DFFF */
	ck_assert_uint_eq(lexc_utf8_check(S("\xF4\x90\x80\x80")), 0);       /* above 10FFFF */
	ck_assert_uint_eq(lexc_utf8_check(S("\xF5\x80\x80\x80")), 0);       /* invalid lead */
	ck_assert_uint_eq(lexc_utf8_check(S("\xFF")), 0);                   /* never valid */
	ck_assert_uint_eq(lexc_utf8_check(S("abc\xE2\x82")), 3);            /* truncated */
	ck_assert_uint_eq(lexc_utf8_check(S("\xE2\x28\xA1")), 0);           /* bad continuation */
	ck_assert_uint_eq(lexc_utf8_check(S("12345678901234567\xC3")), 17); /* after fast path */
}
END_TEST

/* Every 1- and 2-byte sequence against the reference decoder. */
static bool reference_valid(const unsigned char *s, size_t len)
{
	return utf8_reference_check(s, len) == len;
}

START_TEST(test_exhaustive_short_sequences)
{
	unsigned char buf[3];
	for (unsigned a = 0; a < 256; a++) {
		buf[0] = (unsigned char)a;
		ck_assert(lexc_utf8_valid((char *)buf, 1) == reference_valid(buf, 1));
		for (unsigned b = 0; b < 256; b++) {
			buf[1] = (unsigned char)b;
			ck_assert(lexc_utf8_valid((char *)buf, 2) == reference_valid(buf, 2));
		}
	}
	/* Three-byte sequences with a fixed tail cover every lead/second pair. */
	for (unsigned a = 0xE0; a < 0x100; a++)
		for (unsigned b = 0; b < 256; b++) {
			buf[0] = (unsigned char)a;
			buf[1] = (unsigned char)b;
			buf[2] = 0x80;
			ck_assert(lexc_utf8_valid((char *)buf, 3) == reference_valid(buf, 3));
		}
}
END_TEST

/* lexc_utf8_prefix() never ends inside a sequence. */
START_TEST(test_prefix)
{
	const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"; /* a é € 😀 z */
	size_t len = strlen(s);
	static const size_t want[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11, 11};
	for (size_t max = 0; max <= len + 1; max++) {
		size_t n = lexc_utf8_prefix(s, len, max);
		ck_assert_msg(n == want[max], "max %zu: %zu, want %zu", max, n, want[max]);
		ck_assert(lexc_utf8_valid(s, n));
	}
}
END_TEST

START_TEST(test_codepoints)
{
	ck_assert_uint_eq(lexc_utf8_codepoints(S("")), 0);
	ck_assert_uint_eq(lexc_utf8_codepoints(S("abc")), 3);
	ck_assert_uint_eq(lexc_utf8_codepoints(S("日本")), 2);
	ck_assert_uint_eq(lexc_utf8_codepoints(S("😀")), 1);
	ck_assert(lexc_utf8_is_ascii(S("plain ascii text that is longer than eight")));
	ck_assert(!lexc_utf8_is_ascii(S("plain ascii text that is longer than eight é")));
}
END_TEST

/* The vector count against a byte loop on every length up to 300, then on
 * every 97th past one 255-block batch (4080 bytes with SSE2, 8160 with
 * AVX2), at several alignments: lanes must not overflow, tails must count.
 * Any bytes, valid UTF-8 or not. */
static void codepoints_long(void)
{
	enum { N = 8400 };
	static unsigned char buf[N + 16];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (size_t off = 0; off < 16; off += 5)
		for (size_t len = 0; len <= N; len += len < 300 ? 1 : 97) {
			const char *p = (const char *)buf + off;
			size_t want = 0;
			for (size_t i = 0; i < len; i++)
				want += (buf[off + i] & 0xC0) != 0x80;
			ck_assert_uint_eq(lexc_utf8_codepoints(p, len), want);
		}
	/* All continuation bytes: every lane reaches its batch maximum. */
	memset(buf, 0x80, sizeof buf);
	ck_assert_uint_eq(lexc_utf8_codepoints((const char *)buf, N), 0);
}

/* Once with the best code for the CPU, once with AVX2 left out (LEXC_SIMD
 * is read once per process: a child of its own). */
START_TEST(test_codepoints_long)
{
	codepoints_long();
	ck_assert_msg(simd_child_run("ssse3", codepoints_long), "without AVX2: failed");
}
END_TEST

struct grapheme_case {
	const char *text;
	size_t graphemes;
	const char *what;
};

static const struct grapheme_case grapheme_cases[] = {
        {"", 0, "empty"},
        {"a", 1, "ascii"},
        {"hello", 5, "ascii word"},
        {"a\r\nb", 3, "CR LF is one cluster"},
        {"\r\r\n\n", 3, "CR, CR LF, LF"},
        {"e\xCC\x81", 1, "e + combining acute"},
        {"e\xCC\x81\xCC\xA7", 1, "two combining marks"},
        {"\xC3\xA9", 1, "precomposed e acute"},
        {"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D"
         "\xF0\x9F\x91\xA6",
         1, "family ZWJ sequence"},
        {"\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88", 1, "rainbow flag ZWJ"},
        {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 1, "thumbs up + skin tone"},
        {"\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", 1, "flag JP (two regional indicators)"},
        {"\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8", 2, "two flags"},
        {"\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5\xF0\x9F\x87\xBA", 2, "flag + lone indicator"},
        {"\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4", 3, "Hangul syllables"},
        {"\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 1, "Hangul jamo L V T"},
        {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 3, "CJK ideographs"},
        {"\xE0\xA4\xA8\xE0\xA4\xBF", 1, "Devanagari consonant + vowel sign"},
        {"a\xF0\x9F\x98\x80"
         "b",
         3, "mixed ascii and emoji"},
        {"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 3, "three emoji"},
        {"1\xEF\xB8\x8F\xE2\x83\xA3", 1, "keycap one"},
};

START_TEST(test_grapheme_counts)
{
	const struct grapheme_case *c = &grapheme_cases[_i];
	size_t n = lexc_graphemes_count(c->text, strlen(c->text));
	ck_assert_msg(n == c->graphemes, "%s: counted %zu, want %zu", c->what, n, c->graphemes);
	ck_assert(lexc_graphemes_within(c->text, strlen(c->text), c->graphemes, c->graphemes));
	if (c->graphemes > 0)
		ck_assert(!lexc_graphemes_within(c->text, strlen(c->text), 0, c->graphemes - 1));
	ck_assert(!lexc_graphemes_within(c->text, strlen(c->text), c->graphemes + 1, SIZE_MAX));
}
END_TEST

START_TEST(test_count_upto_stops_early)
{
	/* 1000 family emoji: a stop of 10 must answer > 10, not count all. */
	const char fam[] =
	        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
	size_t fl = sizeof fam - 1;
	char *buf = malloc(fl * 1000);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < 1000; i++)
		memcpy(buf + i * fl, fam, fl);
	ck_assert_uint_eq(lexc_graphemes_count(buf, fl * 1000), 1000);
	size_t n = lexc_graphemes_count_upto(buf, fl * 1000, 10);
	ck_assert_uint_gt(n, 10);
	ck_assert_uint_le(n, 11);
	/* 1000 clusters of 18 bytes: within 1000 graphemes, though 18000 bytes. */
	ck_assert(lexc_graphemes_within(buf, fl * 1000, 1000, 1000));
	ck_assert(!lexc_graphemes_within(buf, fl * 1000, 0, 999));
	free(buf);
}
END_TEST

START_TEST(test_within_fast_bounds)
{
	/* Bytes at or under the maximum decide without counting. */
	ck_assert(lexc_graphemes_within(S("abc"), 0, 3));
	ck_assert(!lexc_graphemes_within(S("abcd"), 0, 3));
	ck_assert(lexc_graphemes_within(S("x"), 1, SIZE_MAX));
	ck_assert(!lexc_graphemes_within(S(""), 1, SIZE_MAX));
	ck_assert(lexc_graphemes_within(S(""), 0, 0));
	/* Code points under the maximum decide for non-ASCII. */
	ck_assert(lexc_graphemes_within(S("日本語"), 0, 3));
	ck_assert(!lexc_graphemes_within(S("日本語"), 0, 2));
	ck_assert(lexc_graphemes_within(S("日本語"), 3, 3));
	ck_assert(!lexc_graphemes_within(S("日本語"), 4, 10));
}
END_TEST

START_TEST(test_unicode_version)
{
	const char *v = lexc_unicode_version();
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_ge(strlen(v), 3);
	ck_assert(v[0] >= '1' && v[0] <= '9');
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");
	tcase_add_test(tc, test_valid_utf8);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_exhaustive_short_sequences);
	tcase_add_test(tc, test_codepoints);
	tcase_add_test(tc, test_codepoints_long);
	suite_add_tcase(s, tc);
	TCase *tg = tcase_create("graphemes");
	tcase_add_loop_test(tg, test_grapheme_counts, 0,
	                    (int)(sizeof grapheme_cases / sizeof grapheme_cases[0]));
	tcase_add_test(tg, test_count_upto_stops_early);
	tcase_add_test(tg, test_within_fast_bounds);
	tcase_add_test(tg, test_unicode_version);
	suite_add_tcase(s, tg);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(utf8_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
