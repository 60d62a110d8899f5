/* The descriptor layout check (doc/abi.md): liblexc refuses descriptors
 * and method tables of another layout, naming both versions, before it
 * reads anything past the layout's fixed members. */
#include "config.h"

#include <lexc/codec.h>
#include <lexc/server.h>
#include <lexc/version.h>

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct thing {
	lexc_str name;
	lexc_extra _extra;
} thing;

static const lexc_type name_type = {.layout = LEXC_LAYOUT_VERSION, .kind = LEXC_KIND_STRING};
static const lexc_field thing_fields[] = {
        {.name = {"name", 4}, .type = &name_type, .offset = offsetof(thing, name)}};

#define THING_RULES                                                                                \
	.u.object = {.fields = thing_fields,                                                       \
	             .n_fields = 1,                                                                \
	             .size = sizeof(thing),                                                        \
	             .align = _Alignof(thing),                                                     \
	             .has_extra = true,                                                            \
	             .extra_offset = offsetof(thing, _extra)}

static const lexc_type current = {.layout = LEXC_LAYOUT_VERSION,
                                  .kind = LEXC_KIND_OBJECT,
                                  .name = "com.example.abi.thing",
                                  THING_RULES};
/* From a lexc one layout ahead: the same members here, but this liblexc
 * cannot know that and must not read them. */
static const lexc_type newer = {.layout = LEXC_LAYOUT_VERSION + 1,
                                .kind = LEXC_KIND_OBJECT,
                                .name = "com.example.abi.thing",
                                THING_RULES};
/* What a program that forgot the layout builds: a zero layout. */
static const lexc_type unset = {.kind = LEXC_KIND_OBJECT, THING_RULES};
/* Garbage past the fixed members: a size decode would memset by. */
static const lexc_type garbage = {.layout = 99,
                                  .kind = LEXC_KIND_OBJECT,
                                  .name = "com.example.abi.garbage",
                                  .u.object = {.size = SIZE_MAX / 2}};

static void want_message(const lexc_error *err, const char *what, const char *name, unsigned layout)
{
	char want[512];
	snprintf(want, sizeof want,
	         "%s %s has layout %u; this liblexc %s reads layout %d: regenerate with the "
	         "matching lexc and rebuild",
	         what, name, layout, lexc_version(), LEXC_LAYOUT_VERSION);
	ck_assert_str_eq(err->message, want);
	ck_assert_int_eq(err->code, LEXC_INTERNAL_SERVER_ERROR);
}

static const char json[] = "{\"name\":\"x\"}";

START_TEST(test_current_layout_works)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	thing v;
	ck_assert_int_eq(lexc_decode(&current, json, strlen(json), &a, &v, &err), LEXC_OK);
	ck_assert_int_eq(lexc_validate(&current, &v, &err), LEXC_OK);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(&current, &v, &w, &err), LEXC_OK);
	ck_assert_str_eq(w.buf, json);
	lexc_json_writer_free(&w);
	lexc_arena_free(&a);
}
END_TEST

static const struct {
	const lexc_type *t;
	const char *name;
	unsigned layout;
} refused[] = {
        {&newer, "com.example.abi.thing", LEXC_LAYOUT_VERSION + 1},
        {&unset, "(unnamed)", 0},
        {&garbage, "com.example.abi.garbage", 99},
};

START_TEST(test_decode_refuses)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	thing v;
	memset(&v, 0x5A, sizeof v);
	ck_assert_int_eq(lexc_decode(refused[_i].t, json, strlen(json), &a, &v, &err),
	                 LEXC_INTERNAL_SERVER_ERROR);
	want_message(&err, "descriptor", refused[_i].name, refused[_i].layout);
	/* Refused before `out` was zeroed by a size read from the descriptor. */
	for (size_t i = 0; i < sizeof v; i++)
		ck_assert_uint_eq(((unsigned char *)&v)[i], 0x5A);
	ck_assert_uint_eq(lexc_arena_heap_bytes(&a), 0);
	/* lexc_decode_from() too, and with no lexc_error. */
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, strlen(json), &a, &err);
	ck_assert_int_eq(lexc_decode_from(refused[_i].t, &r, &a, &v, &err),
	                 LEXC_INTERNAL_SERVER_ERROR);
	want_message(&err, "descriptor", refused[_i].name, refused[_i].layout);
	ck_assert_int_eq(lexc_decode(refused[_i].t, json, strlen(json), &a, &v, NULL),
	                 LEXC_INTERNAL_SERVER_ERROR);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_validate_and_encode_refuse)
{
	thing v = {.name = {"x", 1}};
	lexc_error err;
	ck_assert_int_eq(lexc_validate(refused[_i].t, &v, &err), LEXC_INTERNAL_SERVER_ERROR);
	want_message(&err, "descriptor", refused[_i].name, refused[_i].layout);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(refused[_i].t, &v, &w, &err), LEXC_INTERNAL_SERVER_ERROR);
	want_message(&err, "descriptor", refused[_i].name, refused[_i].layout);
	ck_assert_uint_eq(w.len, 0); /* nothing written */
	lexc_json_writer_free(&w);
	ck_assert_int_eq(lexc_validate(refused[_i].t, &v, NULL), LEXC_INTERNAL_SERVER_ERROR);
}
END_TEST

START_TEST(test_server_new_refuses)
{
	lexc_error err;
	static const lexc_method ok = {.layout = LEXC_LAYOUT_VERSION,
	                               .nsid = "com.example.abi.a",
	                               .kind = LEXC_METHOD_PROCEDURE,
	                               .input_encoding = "application/json",
	                               .input = &current};
	static const lexc_method method_newer = {.layout = LEXC_LAYOUT_VERSION + 1,
	                                         .nsid = "com.example.abi.b",
	                                         .kind = LEXC_METHOD_QUERY};
	static const lexc_method input_older = {.layout = LEXC_LAYOUT_VERSION,
	                                        .nsid = "com.example.abi.c",
	                                        .kind = LEXC_METHOD_PROCEDURE,
	                                        .input_encoding = "application/json",
	                                        .input = &unset};
	static const lexc_method output_newer = {.layout = LEXC_LAYOUT_VERSION,
	                                         .nsid = "com.example.abi.d",
	                                         .kind = LEXC_METHOD_QUERY,
	                                         .output_encoding = "application/json",
	                                         .output = &newer};
	static const lexc_method params_garbage = {.layout = LEXC_LAYOUT_VERSION,
	                                           .nsid = "com.example.abi.e",
	                                           .kind = LEXC_METHOD_QUERY,
	                                           .params = &garbage};

	const lexc_method *good[] = {&ok};
	lexc_server *s = lexc_server_new(NULL, good, 1, &err);
	ck_assert_ptr_nonnull(s);
	lexc_server_free(s);

	const lexc_method *t1[] = {&ok, &method_newer};
	ck_assert_ptr_null(lexc_server_new(NULL, t1, 2, &err));
	want_message(&err, "server: method", "com.example.abi.b", LEXC_LAYOUT_VERSION + 1);
	const lexc_method *t2[] = {&ok, &input_older};
	ck_assert_ptr_null(lexc_server_new(NULL, t2, 2, &err));
	want_message(&err, "server: method com.example.abi.c: input descriptor", "(unnamed)", 0);
	const lexc_method *t3[] = {&output_newer};
	ck_assert_ptr_null(lexc_server_new(NULL, t3, 1, &err));
	want_message(&err, "server: method com.example.abi.d: output descriptor",
	             "com.example.abi.thing", LEXC_LAYOUT_VERSION + 1);
	const lexc_method *t4[] = {&params_garbage};
	ck_assert_ptr_null(lexc_server_new(NULL, t4, 1, &err));
	want_message(&err, "server: method com.example.abi.e: params descriptor",
	             "com.example.abi.garbage", 99);
	/* A method whose layout is unset: a table not made by lexc gen. */
	static const lexc_method unset_method = {.nsid = "com.example.abi.f",
	                                         .kind = LEXC_METHOD_QUERY};
	const lexc_method *t5[] = {&unset_method};
	ck_assert_ptr_null(lexc_server_new(NULL, t5, 1, &err));
	want_message(&err, "server: method", "com.example.abi.f", 0);
}
END_TEST

static Suite *abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("abi");
	int n = (int)(sizeof refused / sizeof refused[0]);
	tcase_add_test(tc, test_current_layout_works);
	tcase_add_loop_test(tc, test_decode_refuses, 0, n);
	tcase_add_loop_test(tc, test_validate_and_encode_refuse, 0, n);
	tcase_add_test(tc, test_server_new_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(abi_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
