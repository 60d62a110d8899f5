/* Unit tests for the generator's C naming (codegen/names.c). */
#include "config.h"

#include "names.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_idents)
{
	lexc_arena a = LEXC_ARENA_INIT;
	static const char *const cases[][2] = {
	        {"createdAt", "createdAt"},
	        {"cid-link", "cid_link"},
	        {"union", "union_"},
	        {"errno", "errno_"},
	        {"3d", "_3d"},
	        {"", "_"},
	        {"_Foo", "x_Foo"},
	        {"__x", "x__x"},
	        {"-Foo", "x_Foo"},
	        {"a.b", "a_b"},
	        {"\xC3\xA9t\xC3\xA9", "x__t__"},
	        {"_ok", "_ok"},
	        {"bool", "bool_"},
	        {"linux", "linux_"},
	        {"stdin", "stdin_"},
	        {"NULL", "NULL_"}, /* <stddef.h>, which generated code includes */
	        {"Null", "Null"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = names_ident(&a, cases[i][0], strlen(cases[i][0]));
		ck_assert_msg(strcmp(got, cases[i][1]) == 0, "%s -> %s, want %s", cases[i][0], got,
		              cases[i][1]);
	}
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_types_and_roles)
{
	lexc_arena a = LEXC_ARENA_INIT;
	ck_assert_str_eq(names_type(&a, "app.bsky.feed.post", NULL), "app_bsky_feed_post");
	ck_assert_str_eq(names_type(&a, "app.bsky.feed.post", "main"), "app_bsky_feed_post");
	ck_assert_str_eq(names_type(&a, "place.stream.server.defs", "rewriteRule"),
	                 "place_stream_server_defs__rewriteRule");
	ck_assert_str_eq(names_type(&a, "com.exa-mple.x", "union"), "com_exa_mple_x__union_");
	ck_assert_str_eq(names_role(&a, "place_stream_server_createWebhook", "input"),
	                 "place_stream_server_createWebhook__input");
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_reserved_table_sorted)
{
	/* names_is_reserved bsearches: every listed word must be found. */
	static const char *const words[] = {"_Alignas",      "_Thread_local", "alignas", "asm",
	                                    "static_assert", "typeof_unqual", "while",   "i386"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		ck_assert_msg(names_is_reserved(words[i], strlen(words[i])), "%s", words[i]);
	ck_assert(!names_is_reserved("text", 4));
	ck_assert(!names_is_reserved("", 0));
}
END_TEST

START_TEST(test_collisions)
{
	lexc_arena a = LEXC_ARENA_INIT;
	names_table *t = names_table_new(&a);
	ck_assert_ptr_null(names_table_add(t, "a_b", "one.json: $.defs.a-b"));
	const char *prev = names_table_add(t, "a_b", "two.json: $.defs.a_b");
	ck_assert_ptr_nonnull(prev);
	ck_assert_str_eq(prev, "one.json: $.defs.a-b");
	/* Growth keeps every name. */
	char *names[2000];
	for (int i = 0; i < 2000; i++) {
		names[i] = lexc_arena_alloc_aligned(&a, 16, 1);
		snprintf(names[i], 16, "n%d", i);
		ck_assert_ptr_null(names_table_add(t, names[i], "x"));
	}
	for (int i = 0; i < 2000; i++)
		ck_assert_ptr_nonnull(names_table_add(t, names[i], "y"));
	lexc_arena_free(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_idents);
	tcase_add_test(tc, test_types_and_roles);
	tcase_add_test(tc, test_reserved_table_sorted);
	tcase_add_test(tc, test_collisions);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
