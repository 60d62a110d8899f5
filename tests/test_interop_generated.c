/* The interop record vectors through *generated* code: every line of
 * tests/data/validate/interop-record-{valid,invalid}.jsonl is decoded with
 * example_lexicon_record__decode (generated at build time from the interop
 * catalog) and must give exactly the verdict lexc validate gives, which
 * interop-record-invalid.expected pins: each invalid record rejected for
 * its own reason.
 *
 * Every accepted record is also encoded again by the generated encoder,
 * and the encoding must (1) be the input as a data-model value, compared as
 * JSON trees (jansson), after the two changes decoding makes on purpose:
 * absent properties with a default hold it, and $bytes are written in
 * canonical base64 (the interop "123" has unused low bits set and comes
 * back as "120"); (2) start with the record's $type; (3) decode again and
 * encode to the very same bytes. */
#include "config.h"

#include "example/lexicon/record.h"

#include <check.h>
#include <jansson.h>
#include <lexc/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rewrites every {"$bytes": s} in `j` with s in canonical unpadded
 * base64 (what the encoder writes for the bytes s holds). */
static void canonical_bytes(json_t *j)
{
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			canonical_bytes(json_array_get(j, i));
		return;
	}
	if (!json_is_object(j))
		return;
	json_t *b = json_object_get(j, "$bytes");
	if (json_object_size(j) == 1 && json_is_string(b)) {
		const char *in = json_string_value(b);
		size_t len = json_string_length(b), n = 0;
		unsigned char *raw = malloc(lexc_base64_decoded_len(in, len) + 1);
		ck_assert_ptr_nonnull(raw);
		ck_assert(lexc_base64_decode(in, len, raw, lexc_base64_decoded_len(in, len) + 1, &n,
		                             NULL));
		char *out = malloc(lexc_base64_encoded_len(n) + 1);
		ck_assert_ptr_nonnull(out);
		out[lexc_base64_encode(raw, n, out)] = '\0';
		json_object_set_new(j, "$bytes", json_string(out));
		free(raw);
		free(out);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) canonical_bytes(v);
}

/* Adds to the JSON object `j` of type `t` the defaults of the properties it
 * lacks, down through nested objects, arrays and union variants. */
static void add_defaults(const lexc_type *t, json_t *j)
{
	if (t == NULL)
		return;
	if (t->kind == LEXC_KIND_ARRAY) {
		for (size_t i = 0; i < json_array_size(j); i++)
			add_defaults(t->u.array.items, json_array_get(j, i));
		return;
	}
	if (t->kind == LEXC_KIND_UNION) {
		const char *type = json_string_value(json_object_get(j, "$type"));
		for (size_t i = 0; type != NULL && i < t->u.union_.n_variants; i++) {
			const lexc_variant *var = &t->u.union_.variants[i];
			if (strlen(type) == var->type_name.len &&
			    memcmp(type, var->type_name.ptr, var->type_name.len) == 0)
				add_defaults(var->type, j);
		}
		return;
	}
	if (t->kind != LEXC_KIND_OBJECT || !json_is_object(j))
		return;
	for (size_t i = 0; i < t->u.object.n_fields; i++) {
		const lexc_field *f = &t->u.object.fields[i];
		char name[256];
		ck_assert_uint_lt(f->name.len, sizeof name);
		memcpy(name, f->name.ptr, f->name.len);
		name[f->name.len] = '\0';
		json_t *v = json_object_get(j, name);
		const lexc_type *ft = f->type;
		if (v != NULL)
			add_defaults(ft, v);
		else if (ft->kind == LEXC_KIND_INTEGER && ft->u.integer.has_default)
			json_object_set_new(j, name, json_integer(ft->u.integer.default_value));
		else if (ft->kind == LEXC_KIND_BOOLEAN && ft->u.boolean.has_default)
			json_object_set_new(j, name, json_boolean(ft->u.boolean.default_value));
		else if (ft->kind == LEXC_KIND_STRING && ft->u.string.has_default)
			json_object_set_new(j, name,
			                    json_stringn(ft->u.string.default_value.ptr,
			                                 ft->u.string.default_value.len));
	}
}

static json_t *parse(const char *json, size_t len, const char *what)
{
	json_error_t jerr;
	json_t *j = json_loadb(json, len, JSON_ALLOW_NUL, &jerr);
	ck_assert_msg(j != NULL, "%s is not JSON (%s): %.*s", what, jerr.text, (int)len, json);
	return j;
}

static char *encode(const example_lexicon_record *v)
{
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	lexc_status st = example_lexicon_record__encode(v, &w, &err);
	ck_assert_msg(st == LEXC_OK, "encode: %s: %s", err.path, err.message);
	char *out = lexc_json_writer_take(&w, NULL);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* The checks (1) to (3) of the head comment on one accepted record. */
static void check_reencode(const char *line, size_t len, const example_lexicon_record *value,
                           lexc_arena *arena, const char *where)
{
	char *out = encode(value);
	static const char type_first[] = "{\"$type\":\"example.lexicon.record\",";
	ck_assert_msg(strncmp(out, type_first, sizeof type_first - 1) == 0, "%s: %s", where, out);

	json_t *want = parse(line, len, "the input");
	add_defaults(&example_lexicon_record__type, want);
	canonical_bytes(want);
	json_t *got = parse(out, strlen(out), "the encoding");
	char *want_s = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
	char *got_s = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_msg(json_equal(want, got),
	              "%s: the encoding is not the input:\n  got  %s\n  want %s", where, got_s,
	              want_s);
	free(want_s);
	free(got_s);
	json_decref(want);
	json_decref(got);

	example_lexicon_record again;
	lexc_error err;
	lexc_error_clear(&err);
	ck_assert_msg(example_lexicon_record__decode(out, strlen(out), arena, &again, &err) ==
	                      LEXC_OK,
	              "%s: the encoding does not decode: %s: %s\n  %s", where, err.path,
	              err.message, out);
	char *out2 = encode(&again);
	ck_assert_msg(strcmp(out, out2) == 0, "%s: not a fixed point:\n  first  %s\n  second %s",
	              where, out, out2);
	free(out);
	free(out2);
}

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
			char where[600];
			snprintf(where, sizeof where, "%s line %zu", jsonl, n + 1);
			check_reencode(line, (size_t)len, &value, &arena, where);
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
