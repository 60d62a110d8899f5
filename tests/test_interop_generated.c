/* The interop record vectors through *generated* code: every line of
 * tests/data/validate/interop-record-{valid,invalid}.jsonl is decoded with
 * example_lexicon_record__decode (generated at build time from the interop
 * catalog) and must give exactly the verdict lexc validate gives, which
 * interop-record-invalid.expected pins: each invalid record rejected for
 * its own reason. */
#include "config.h"

#include "example/lexicon/record.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs every line of `jsonl` through the generated decoder and compares the
 * verdicts with `expected` (one line each); NULL expected: all "ok". */
static void run_file(const char *jsonl, const char *expected, size_t want_lines)
{
	const char *dir = getenv("LEXC_TEST_DATA");
	ck_assert_ptr_nonnull(dir);
	char path[4096];
	snprintf(path, sizeof path, "%s/validate/%s", dir, jsonl);
	FILE *in = fopen(path, "r");
	ck_assert_msg(in != NULL, "cannot open %s", path);
	FILE *want = NULL;
	if (expected != NULL) {
		snprintf(path, sizeof path, "%s/validate/%s", dir, expected);
		want = fopen(path, "r");
		ck_assert_msg(want != NULL, "cannot open %s", path);
	}
	char *line = NULL, *wline = NULL;
	size_t cap = 0, wcap = 0, n = 0;
	ssize_t len;
	lexc_arena arena = LEXC_ARENA_INIT;
	while ((len = getline(&line, &cap, in)) > 0) {
		if (line[len - 1] == '\n')
			len--;
		example_lexicon_record value;
		lexc_error err;
		lexc_error_clear(&err);
		char got[600] = "ok";
		if (example_lexicon_record__decode(line, (size_t)len, &arena, &value, &err) !=
		    LEXC_OK) {
			char msg[560];
			lexc_error_format(&err, msg, sizeof msg);
			snprintf(got, sizeof got, "invalid: %s", msg);
		} else {
			/* Accepted values also validate and re-encode. */
			ck_assert_int_eq(example_lexicon_record__validate(&value, &err), LEXC_OK);
		}
		const char *w = "ok";
		if (want != NULL) {
			ssize_t wl = getline(&wline, &wcap, want);
			ck_assert_msg(wl > 0, "%s: more records than expected verdicts", jsonl);
			if (wline[wl - 1] == '\n')
				wline[wl - 1] = '\0';
			w = wline;
		}
		ck_assert_msg(strcmp(got, w) == 0, "%s line %zu:\n  got  %s\n  want %s", jsonl,
		              n + 1, got, w);
		lexc_arena_reset(&arena);
		n++;
	}
	ck_assert_uint_eq(n, want_lines);
	lexc_arena_free(&arena);
	free(line);
	free(wline);
	fclose(in);
	if (want != NULL)
		fclose(want);
}

START_TEST(test_valid_records)
{
	run_file("interop-record-valid.jsonl", NULL, 3);
}
END_TEST

START_TEST(test_invalid_records)
{
	run_file("interop-record-invalid.jsonl", "interop-record-invalid.expected", 50);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("interop_generated");
	TCase *tc = tcase_create("records");
	tcase_add_test(tc, test_valid_records);
	tcase_add_test(tc, test_invalid_records);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
