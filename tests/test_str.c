/* Unit tests for the value helpers (lexc/str.h) and the arena's failure
 * flag they report through. */
#include "config.h"

#include <lexc/lexc.h>

#include "place/stream/server/defs.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

START_TEST(test_literal)
{
	lexc_str s = LEXC_STR("did:plc:abc");
	ck_assert_uint_eq(s.len, 11);
	ck_assert_str_eq(s.ptr, "did:plc:abc");
	lexc_str nul = LEXC_STR("a\0b"); /* the length counts the inner NUL */
	ck_assert_uint_eq(nul.len, 3);
	static const lexc_str table[] = {LEXC_STR_INIT("chat"), LEXC_STR_INIT("")};
	ck_assert_uint_eq(table[0].len, 4);
	ck_assert_uint_eq(table[1].len, 0);
	ck_assert_ptr_nonnull(table[1].ptr);
}
END_TEST

START_TEST(test_borrow)
{
	char buf[] = "hello world";
	lexc_str s = lexc_str_borrow(buf);
	ck_assert_ptr_eq(s.ptr, buf); /* no copy */
	ck_assert_uint_eq(s.len, 11);
	lexc_str n = lexc_str_borrow_n(buf + 6, 5);
	ck_assert_ptr_eq(n.ptr, buf + 6);
	ck_assert(lexc_str_eq_cstr(n, "world"));
	/* No C string is the null string, which optional setters take as
	 * absent and lexc_encode refuses; an empty buffer is "". */
	lexc_str e = lexc_str_borrow(NULL);
	ck_assert_ptr_null(e.ptr);
	ck_assert_uint_eq(e.len, 0);
	e = lexc_str_borrow_n(NULL, 0);
	ck_assert_ptr_nonnull(e.ptr);
	ck_assert_uint_eq(e.len, 0);
}
END_TEST

START_TEST(test_copy)
{
	lexc_arena a = LEXC_ARENA_INIT;
	char buf[] = "mutable";
	lexc_str s = lexc_str_copy(&a, buf);
	ck_assert_ptr_ne(s.ptr, buf);
	buf[0] = 'X'; /* the copy does not follow */
	ck_assert_str_eq(s.ptr, "mutable");
	ck_assert_uint_eq(s.len, 7);
	lexc_str n = lexc_str_copy_n(&a, "abcdef", 3);
	ck_assert_uint_eq(n.len, 3);
	ck_assert_int_eq(n.ptr[3], '\0'); /* NUL-terminated though the source is not cut */
	ck_assert_str_eq(n.ptr, "abc");
	lexc_str bin = lexc_str_copy_n(&a, "x\0y", 3);
	ck_assert_uint_eq(bin.len, 3);
	ck_assert_int_eq(memcmp(bin.ptr, "x\0y", 4), 0);
	lexc_str e = lexc_str_copy(&a, NULL);
	ck_assert_ptr_null(e.ptr); /* no C string: the null string, not a failure */
	ck_assert_uint_eq(e.len, 0);
	ck_assert(!lexc_arena_failed(&a));
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_printf)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_str s = lexc_str_printf(&a, "wh-%d-%s", 42, "x");
	ck_assert_str_eq(s.ptr, "wh-42-x");
	ck_assert_uint_eq(s.len, 7);
	/* The next allocation must not overwrite it (printf wrote into the tail). */
	char *after = lexc_arena_alloc(&a, 16);
	memset(after, 'Z', 16);
	ck_assert_str_eq(s.ptr, "wh-42-x");
	/* Longer than the current block: the second pass. */
	lexc_str big = lexc_str_printf(&a, "%9000s|", "end");
	ck_assert_uint_eq(big.len, 9001);
	ck_assert_int_eq(big.ptr[9000], '|');
	ck_assert_int_eq(big.ptr[9001], '\0');
	ck_assert_str_eq(big.ptr + 8997, "end|");
	lexc_str e = lexc_str_printf(&a, "%s", "");
	ck_assert_ptr_nonnull(e.ptr);
	ck_assert_uint_eq(e.len, 0);
	ck_assert(!lexc_arena_failed(&a));
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_printf_into_fixed_buffer)
{
	char mem[16];
	lexc_arena a;
	lexc_arena_init_buffer(&a, mem, sizeof mem);
	lexc_str s = lexc_str_printf(&a, "%s", "0123456789");
	ck_assert_ptr_eq(s.ptr, mem);                         /* fits: one pass, in place */
	lexc_str t = lexc_str_printf(&a, "%s", "0123456789"); /* 5 bytes left: heap */
	ck_assert_str_eq(t.ptr, "0123456789");
	ck_assert_str_eq(s.ptr, "0123456789");
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_failure_is_recorded)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_arena_set_limit(&a, 64); /* below any block: every heap allocation fails */
	ck_assert(!lexc_arena_failed(&a));
	lexc_str s = lexc_str_copy(&a, "does not fit");
	ck_assert_ptr_null(s.ptr);
	ck_assert_uint_eq(s.len, 0);
	ck_assert(lexc_arena_failed(&a));
	ck_assert(lexc_arena_limit_reached(&a));
	lexc_arena_reset(&a);
	ck_assert(!lexc_arena_failed(&a));
	s = lexc_str_printf(&a, "%d", 1);
	ck_assert_ptr_null(s.ptr);
	ck_assert(lexc_arena_failed(&a));
	lexc_arena_reset(&a);
	s = lexc_str_copy_n(&a, NULL, 3); /* a length without bytes */
	ck_assert_ptr_null(s.ptr);
	ck_assert(lexc_arena_failed(&a));
	lexc_arena_free(&a);
	ck_assert(!lexc_arena_failed(&a));
	/* Every allocator sets the flag, not only the string helpers. */
	lexc_arena_set_limit(&a, 64);
	ck_assert_ptr_null(lexc_arena_calloc(&a, SIZE_MAX / 2, 4));
	ck_assert(lexc_arena_failed(&a));
	lexc_arena_reset(&a);
	ck_assert_ptr_null(lexc_arena_realloc(&a, NULL, 0, 100));
	ck_assert(lexc_arena_failed(&a));
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_eq_cmp)
{
	ck_assert(lexc_str_eq(LEXC_STR("abc"), lexc_str_borrow("abc")));
	ck_assert(!lexc_str_eq(LEXC_STR("abc"), LEXC_STR("abd")));
	ck_assert(!lexc_str_eq(LEXC_STR("ab"), LEXC_STR("abc")));
	ck_assert(lexc_str_eq(LEXC_STR("a\0b"), LEXC_STR("a\0b")));
	ck_assert(!lexc_str_eq(LEXC_STR("a\0b"), LEXC_STR("a\0c")));
	lexc_str null = {NULL, 0};
	ck_assert(lexc_str_eq(null, LEXC_STR("")));
	ck_assert(lexc_str_eq_cstr(null, NULL));
	ck_assert(lexc_str_eq_cstr(LEXC_STR(""), ""));
	ck_assert(lexc_str_eq_cstr(LEXC_STR("follow"), "follow"));
	ck_assert(!lexc_str_eq_cstr(LEXC_STR("follow"), "follows"));
	/* A C string stops at its NUL; a lexc_str with one inside is longer. */
	ck_assert(!lexc_str_eq_cstr(LEXC_STR("a\0b"), "a"));

	ck_assert_int_eq(lexc_str_cmp(LEXC_STR("a"), LEXC_STR("b")), -1);
	ck_assert_int_eq(lexc_str_cmp(LEXC_STR("b"), LEXC_STR("a")), 1);
	ck_assert_int_eq(lexc_str_cmp(LEXC_STR("ab"), LEXC_STR("ab")), 0);
	ck_assert_int_eq(lexc_str_cmp(LEXC_STR("ab"), LEXC_STR("abc")), -1); /* prefix first */
	ck_assert_int_eq(lexc_str_cmp(LEXC_STR("abc"), LEXC_STR("ab")), 1);
	ck_assert_int_eq(lexc_str_cmp(null, LEXC_STR("")), 0);
	ck_assert_int_eq(lexc_str_cmp(null, LEXC_STR("a")), -1);
	/* Unsigned bytes: U+00E9 (0xC3 0xA9) sorts after 'z', as code points do. */
	ck_assert_int_eq(lexc_str_cmp(LEXC_STR("\xc3\xa9"), LEXC_STR("z")), 1);
	ck_assert_int_eq(lexc_str_cmp_cstr(LEXC_STR("b"), "a"), 1);
	ck_assert_int_eq(lexc_str_cmp_cstr(LEXC_STR("a"), "a"), 0);
	ck_assert_int_eq(lexc_str_cmp_cstr(LEXC_STR("a"), NULL), 1);
	ck_assert_int_eq(lexc_str_cmp_cstr(LEXC_STR(""), NULL), 0);
}
END_TEST

START_TEST(test_encode_to_string)
{
	lexc_arena a = LEXC_ARENA_INIT;
	place_stream_server_defs__rewriteRule r = {0};
	r.from = LEXC_STR("cat");
	r.to = lexc_str_printf(&a, "%s", "dog");
	lexc_str json;
	lexc_error err;
	lexc_error_clear(&err);
	ck_assert_int_eq(lexc_encode_to_string(&place_stream_server_defs__rewriteRule__type, &r, &a,
	                                       &json, &err),
	                 LEXC_OK);
	ck_assert_str_eq(json.ptr, "{\"from\":\"cat\",\"to\":\"dog\"}");
	ck_assert_uint_eq(json.len, strlen(json.ptr));
	/* It decodes back to the same value. */
	place_stream_server_defs__rewriteRule back;
	ck_assert_int_eq(
	        place_stream_server_defs__rewriteRule__decode(json.ptr, json.len, &a, &back, &err),
	        LEXC_OK);
	ck_assert(lexc_str_eq(back.from, r.from));
	ck_assert(lexc_str_eq(back.to, r.to));

	/* An invalid value: the error, and the null string out. */
	r.from = LEXC_STR(""); /* minLength 1 */
	ck_assert_int_eq(lexc_encode_to_string(&place_stream_server_defs__rewriteRule__type, &r, &a,
	                                       &json, &err),
	                 LEXC_INVALID_REQUEST);
	ck_assert_ptr_null(json.ptr);
	ck_assert_str_eq(err.path, "$.from");
	lexc_arena_free(&a);
}
END_TEST

/* A copy that failed yields the null string; encode refuses it instead of
 * writing "", so the lost data is never sent. */
START_TEST(test_encode_refuses_failed_copy)
{
	lexc_arena big = LEXC_ARENA_INIT, tiny = LEXC_ARENA_INIT;
	lexc_arena_set_limit(&tiny, 64);
	place_stream_server_defs__webhook w = {0};
	w.id = LEXC_STR("wh-1");
	w.url = LEXC_STR("https://example.com/hook");
	w.createdAt = LEXC_STR("2026-01-01T00:00:00.000Z");
	w.has_prefix = true;
	w.prefix = lexc_str_copy(&tiny, "[bot] ");
	ck_assert_ptr_null(w.prefix.ptr);
	lexc_str json;
	lexc_error err;
	lexc_error_clear(&err);
	ck_assert_int_ne(lexc_encode_to_string(&place_stream_server_defs__webhook__type, &w, &big,
	                                       &json, &err),
	                 LEXC_OK);
	ck_assert_str_eq(err.path, "$.prefix");
	ck_assert_ptr_nonnull(strstr(err.message, "NULL"));
	ck_assert_ptr_null(json.ptr);
	/* The same with the copy made: accepted. */
	w.prefix = lexc_str_copy(&big, "[bot] ");
	ck_assert_int_eq(lexc_encode_to_string(&place_stream_server_defs__webhook__type, &w, &big,
	                                       &json, &err),
	                 LEXC_OK);
	ck_assert_ptr_nonnull(strstr(json.ptr, "\"prefix\":\"[bot] \""));
	lexc_arena_free(&big);
	lexc_arena_free(&tiny);
}
END_TEST

/* encode_to_string's own copy into a failing arena: LEXC_NO_MEMORY. */
START_TEST(test_encode_to_string_no_memory)
{
	lexc_arena tiny = LEXC_ARENA_INIT;
	lexc_arena_set_limit(&tiny, 64);
	place_stream_server_defs__rewriteRule r = {0};
	r.from = LEXC_STR("cat");
	r.to = LEXC_STR("dog");
	lexc_str json = LEXC_STR("stale");
	lexc_error err;
	lexc_error_clear(&err);
	ck_assert_int_eq(lexc_encode_to_string(&place_stream_server_defs__rewriteRule__type, &r,
	                                       &tiny, &json, &err),
	                 LEXC_NO_MEMORY);
	ck_assert_ptr_null(json.ptr);
	ck_assert(lexc_arena_failed(&tiny));
	lexc_arena_free(&tiny);
}
END_TEST

static Suite *str_suite(void)
{
	Suite *s = suite_create("str");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_literal);
	tcase_add_test(tc, test_borrow);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_printf);
	tcase_add_test(tc, test_printf_into_fixed_buffer);
	tcase_add_test(tc, test_failure_is_recorded);
	tcase_add_test(tc, test_eq_cmp);
	tcase_add_test(tc, test_encode_to_string);
	tcase_add_test(tc, test_encode_refuses_failed_copy);
	tcase_add_test(tc, test_encode_to_string_no_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(str_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
