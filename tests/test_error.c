/* Unit tests for lexc_error and the status table. */
#include "config.h"

#include <lexc/error.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_status_table)
{
	ck_assert_str_eq(lexc_status_name(LEXC_INVALID_REQUEST), "InvalidRequest");
	ck_assert_int_eq(lexc_status_http(LEXC_INVALID_REQUEST), 400);
	ck_assert_str_eq(lexc_status_name(LEXC_AUTHENTICATION_REQUIRED), "AuthenticationRequired");
	ck_assert_int_eq(lexc_status_http(LEXC_AUTHENTICATION_REQUIRED), 401);
	ck_assert_int_eq(lexc_status_http(LEXC_FORBIDDEN), 403);
	ck_assert_int_eq(lexc_status_http(LEXC_PAYLOAD_TOO_LARGE), 413);
	ck_assert_int_eq(lexc_status_http(LEXC_RATE_LIMIT_EXCEEDED), 429);
	ck_assert_str_eq(lexc_status_name(LEXC_METHOD_NOT_IMPLEMENTED), "MethodNotImplemented");
	ck_assert_int_eq(lexc_status_http(LEXC_METHOD_NOT_IMPLEMENTED), 501);
	ck_assert_str_eq(lexc_status_name(LEXC_NO_MEMORY), "InternalServerError");
	ck_assert_int_eq(lexc_status_http(LEXC_NO_MEMORY), 500);
	ck_assert_str_eq(lexc_status_id(LEXC_UPSTREAM_TIMEOUT), "UPSTREAM_TIMEOUT");
	ck_assert_int_eq(lexc_status_http(LEXC_OK), 200);
	/* Out of range is an internal error, never a crash. */
	ck_assert_int_eq(lexc_status_http((lexc_status)9999), 500);
	ck_assert_str_eq(lexc_status_name((lexc_status)-1), "InternalServerError");
	ck_assert_str_eq(lexc_status_id(LEXC_STATUS_COUNT_), "UNKNOWN");
}
END_TEST

START_TEST(test_every_status_has_name_and_http)
{
	for (int c = 1; c < LEXC_STATUS_COUNT_; c++) {
		const char *name = lexc_status_name((lexc_status)c);
		ck_assert_uint_gt(strlen(name), 0);
		ck_assert_ptr_null(strpbrk(name, " \t\n"));
		int http = lexc_status_http((lexc_status)c);
		ck_assert_int_ge(http, 400);
		ck_assert_int_le(http, 599);
	}
}
END_TEST

START_TEST(test_set_and_format)
{
	lexc_error err;
	lexc_error_clear(&err);
	ck_assert_int_eq(err.code, LEXC_OK);
	lexc_status r = lexc_error_set(&err, LEXC_INVALID_REQUEST, "shorter than minLength %d", 1);
	ck_assert_int_eq(r, LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "shorter than minLength 1");
	char buf[512];
	lexc_error_format(&err, buf, sizeof buf);
	ck_assert_str_eq(buf, "shorter than minLength 1");
	lexc_error_path_prepend_key(&err, "from", 4);
	lexc_error_path_prepend_index(&err, 2);
	lexc_error_path_prepend_key(&err, "rewrite", 7);
	ck_assert_str_eq(err.path, "$.rewrite[2].from");
	size_t n = lexc_error_format(&err, buf, sizeof buf);
	ck_assert_str_eq(buf, "$.rewrite[2].from: shorter than minLength 1");
	ck_assert_uint_eq(n, strlen(buf));
	/* Truncating output still reports the full length and terminates. */
	char small[8];
	ck_assert_uint_eq(lexc_error_format(&err, small, sizeof small), n);
	ck_assert_str_eq(small, "$.rewri");
	/* A NULL error only returns the code. */
	ck_assert_int_eq(lexc_error_set(NULL, LEXC_FORBIDDEN, "x"), LEXC_FORBIDDEN);
}
END_TEST

START_TEST(test_odd_keys_are_quoted)
{
	lexc_error err;
	lexc_error_set(&err, LEXC_INVALID_REQUEST, "bad");
	lexc_error_path_prepend_key(&err, "cid-link", 8);
	lexc_error_path_prepend_key(&err, "a\"b\\c\n", 6);
	lexc_error_path_prepend_key(&err, "", 0);
	lexc_error_path_prepend_key(&err, "$type", 5);
	ck_assert_str_eq(err.path, "$.$type[\"\"][\"a\\\"b\\\\c\\u000a\"][\"cid-link\"]");
}
END_TEST

START_TEST(test_deep_path_keeps_innermost)
{
	lexc_error err;
	lexc_error_set(&err, LEXC_INVALID_REQUEST, "bad");
	lexc_error_path_prepend_key(&err, "leaf", 4);
	for (size_t i = 0; i < 200; i++)
		lexc_error_path_prepend_key(&err, "level", 5);
	ck_assert_uint_lt(strlen(err.path), LEXC_ERROR_PATH_MAX);
	ck_assert_int_eq(strncmp(err.path, "$\xE2\x80\xA6", 4), 0);
	const char *tail = err.path + strlen(err.path) - 5;
	ck_assert_str_eq(tail, ".leaf");
}
END_TEST

START_TEST(test_message_truncation_keeps_utf8)
{
	lexc_error err;
	char text[600];
	/* "é" is two bytes: a cut at an odd offset would split one. */
	for (size_t i = 0; i + 2 < sizeof text; i += 2)
		memcpy(text + i, "\xC3\xA9", 2);
	text[sizeof text - 2] = 'x';
	text[sizeof text - 1] = '\0';
	lexc_error_set(&err, LEXC_INVALID_REQUEST, "%s", text);
	size_t len = strlen(err.message);
	ck_assert_uint_lt(len, LEXC_ERROR_MESSAGE_MAX);
	/* Ends on a whole sequence: the last byte is a continuation byte. */
	ck_assert_uint_eq((unsigned char)err.message[len - 1], 0xA9);
}
END_TEST

START_TEST(test_name_override)
{
	lexc_error err;
	lexc_error_set(&err, LEXC_INVALID_REQUEST, "no such webhook");
	ck_assert_str_eq(lexc_error_name(&err), "InvalidRequest");
	lexc_error_set_name(&err, "WebhookNotFound");
	ck_assert_str_eq(lexc_error_name(&err), "WebhookNotFound");
	lexc_error_set_name(&err, "has space");
	ck_assert_str_eq(lexc_error_name(&err), "InvalidRequest");
	lexc_error_set_name(&err, "");
	ck_assert_str_eq(lexc_error_name(&err), "InvalidRequest");
	char longname[100];
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	lexc_error_set_name(&err, longname);
	ck_assert_str_eq(lexc_error_name(&err), "InvalidRequest");
	lexc_error_set_name(&err, NULL);
	ck_assert_str_eq(lexc_error_name(&err), "InvalidRequest");
}
END_TEST

static Suite *error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_status_table);
	tcase_add_test(tc, test_every_status_has_name_and_http);
	tcase_add_test(tc, test_set_and_format);
	tcase_add_test(tc, test_odd_keys_are_quoted);
	tcase_add_test(tc, test_deep_path_keeps_innermost);
	tcase_add_test(tc, test_message_truncation_keeps_utf8);
	tcase_add_test(tc, test_name_override);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(error_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
