/* Unit tests for the JSON reader, the JSON writer and base64. Every input
 * is copied into an exact-size heap buffer first, so that ASan and valgrind
 * catch any read past the end (the reader never gets a NUL terminator). */
#include "config.h"

#include <lexc/base64.h>
#include <lexc/json.h>

#include "simd_child.h"
#include "utf8_reference.h"

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S(lit) (lit), (sizeof(lit) - 1)

/* The writer's allocation-failure test asks malloc for absurd sizes; ASan
 * must return NULL then instead of aborting. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static char *heap_copy(const char *s, size_t len)
{
	char *p = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(p);
	if (len > 0)
		memcpy(p, s, len);
	return p;
}

/* ---- the token stream as text ----
 * { } [ ] for containers, k"..." keys, s"..." strings, n<text>=<int> for
 * integral numbers, n<text>~ for non-integers, n<text>! out of int64,
 * t f z for true false null, $ for the end, and "E@<offset>: <message>". */

struct out {
	char *buf;
	size_t len, cap;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->buf = realloc(o->buf, o->cap);
		ck_assert_ptr_nonnull(o->buf);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_quoted(struct out *o, const char *s, size_t n)
{
	out_put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			out_put(o, tmp, 2);
		} else if (c < 0x20 || c >= 0x7F) {
			snprintf(tmp, sizeof tmp, "\\x%02X", c);
			out_put(o, tmp, 4);
		} else {
			out_put(o, (const char *)&c, 1);
		}
	}
	out_put(o, "\"", 1);
}

static void out_token(struct out *o, const lexc_json_reader *r, lexc_json_token t,
                      const lexc_error *err)
{
	char tmp[64];
	if (o->len > 0)
		out_put(o, " ", 1);
	switch (t) {
	case LEXC_JSON_OBJECT_START:
		out_str(o, "{");
		break;
	case LEXC_JSON_OBJECT_END:
		out_str(o, "}");
		break;
	case LEXC_JSON_ARRAY_START:
		out_str(o, "[");
		break;
	case LEXC_JSON_ARRAY_END:
		out_str(o, "]");
		break;
	case LEXC_JSON_KEY:
		out_str(o, "k");
		out_quoted(o, r->str, r->str_len);
		break;
	case LEXC_JSON_STRING:
		out_str(o, "s");
		out_quoted(o, r->str, r->str_len);
		break;
	case LEXC_JSON_NUMBER:
		out_str(o, "n");
		out_put(o, r->str, r->str_len);
		if (r->integral) {
			snprintf(tmp, sizeof tmp, "=%lld", (long long)r->integer);
			out_str(o, tmp);
		} else {
			out_str(o, r->out_of_range ? "!" : "~");
		}
		break;
	case LEXC_JSON_TRUE:
		out_str(o, "t");
		break;
	case LEXC_JSON_FALSE:
		out_str(o, "f");
		break;
	case LEXC_JSON_NULL:
		out_str(o, "z");
		break;
	case LEXC_JSON_END:
		out_str(o, "$");
		break;
	case LEXC_JSON_ERROR:
		snprintf(tmp, sizeof tmp, "E@%zu: ", r->offset);
		out_str(o, tmp);
		out_str(o, err->message);
		break;
	}
}

/* Reads json[0..len) to the end or the first error, with a depth limit
 * (0: default) and flags. Returns a malloc'd dump; *err gets the error. */
static char *dump_with(const char *json, size_t len, unsigned max_depth, unsigned flags,
                       lexc_error *err)
{
	char *copy = heap_copy(json, len);
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error_clear(err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, copy, len, &arena, err);
	if (max_depth)
		lexc_json_reader_set_max_depth(&r, max_depth);
	lexc_json_reader_set_flags(&r, flags);
	struct out o = {NULL, 0, 0};
	out_str(&o, "");
	for (;;) {
		lexc_json_token t = lexc_json_next(&r);
		ck_assert_int_eq(t, r.token);
		out_token(&o, &r, t, err);
		if (t == LEXC_JSON_END || t == LEXC_JSON_ERROR) {
			/* Both are final. */
			ck_assert_int_eq(lexc_json_next(&r), t);
			ck_assert_int_eq(lexc_json_next(&r), t);
			break;
		}
	}
	lexc_arena_free(&arena);
	free(copy);
	return o.buf;
}

#define CHECK_DUMP(json, want)                                                                     \
	do {                                                                                       \
		lexc_error e_;                                                                     \
		char *got_ = dump_with(S(json), 0, 0, &e_);                                        \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

/* The reader rejects json with an INVALID_REQUEST error whose message
 * contains `want`, reported at byte `offset`. */
static void check_error_at(const char *json, size_t len, const char *want, size_t offset)
{
	lexc_error err;
	char *got = dump_with(json, len, 0, 0, &err);
	ck_assert_msg(strstr(got, "E@") != NULL, "accepted %.*s: %s", (int)len, json, got);
	ck_assert_int_eq(err.code, LEXC_INVALID_REQUEST);
	ck_assert_msg(strstr(err.message, want) != NULL, "%.*s: message \"%s\" lacks \"%s\"",
	              (int)len, json, err.message, want);
	char at[32];
	snprintf(at, sizeof at, "E@%zu: ", offset);
	ck_assert_msg(strstr(got, at) != NULL, "%.*s: want %s got %s", (int)len, json, at, got);
	free(got);
}

#define CHECK_ERROR(json, want, offset) check_error_at(S(json), want, offset)

/* ------------------------------------------------------------------------
 * Reader: structure */

START_TEST(test_tokens)
{
	CHECK_DUMP("{\"a\":[1,true,false,null,\"x\"],\"b\":{}}",
	           "{ k\"a\" [ n1=1 t f z s\"x\" ] k\"b\" { } } $");
	CHECK_DUMP("[]", "[ ] $");
	CHECK_DUMP("{}", "{ } $");
	CHECK_DUMP("[[],{},[[]]]", "[ [ ] { } [ [ ] ] ] $");
	CHECK_DUMP("\"top\"", "s\"top\" $");
	CHECK_DUMP("42", "n42=42 $");
	CHECK_DUMP("true", "t $");
	CHECK_DUMP("false", "f $");
	CHECK_DUMP("null", "z $");
	CHECK_DUMP("-0", "n-0=0 $");
}
END_TEST

START_TEST(test_whitespace)
{
	CHECK_DUMP(" \t\r\n{ \"a\" :\t[ 1 ,\n2 ] , \"b\" : { } }\r\n ",
	           "{ k\"a\" [ n1=1 n2=2 ] k\"b\" { } } $");
	CHECK_DUMP("  7  ", "n7=7 $");
	CHECK_ERROR("[\f1]", "only space, tab, CR and LF are whitespace in JSON", 1);
	CHECK_ERROR("[1\v]", "only space, tab, CR and LF are whitespace in JSON", 2);
	CHECK_ERROR("\xC2\xA0"
	            "1",
	            "only space, tab, CR and LF are whitespace in JSON", 0);
	CHECK_ERROR("1 \f", "only space, tab, CR and LF are whitespace in JSON", 2);
	CHECK_ERROR("\xEF\xBB\xBF{}", "byte order mark is not allowed", 0);
}
END_TEST

struct error_case {
	const char *json;
	size_t len; /* 0: strlen */
	const char *message;
	size_t offset;
};

/* One case per message the reader can produce, plus common variants. */
static const struct error_case error_cases[] = {
        {"", 0, "unexpected end of input", 0},
        {"   ", 0, "invalid JSON at byte 3: unexpected end of input", 3},
        {"[1", 0, "unexpected end of input", 2},
        {"[1,", 0, "unexpected end of input", 3},
        {"{", 0, "unexpected end of input", 1},
        {"{\"a\"", 0, "unexpected end of input", 4},
        {"{\"a\":", 0, "unexpected end of input", 5},
        {"{\"a\":1", 0, "unexpected end of input", 6},
        {"{\"a\":1,", 0, "unexpected end of input", 7},
        {"{} x", 0, "invalid JSON at byte 3: trailing data after the JSON value", 3},
        {"1 2", 0, "trailing data after the JSON value", 2},
        {"[1]]", 0, "trailing data after the JSON value", 3},
        {"[1,]", 0, "trailing comma before ']'", 3},
        {"{\"a\":1,}", 0, "trailing comma before '}'", 7},
        {"{\"a\" 1}", 0, "invalid JSON at byte 5: expected ':' after object key", 5},
        {"{\"a\":}", 0, "expected a value", 5},
        {"[1 2]", 0, "expected ',' or ']' after an array element", 3},
        {"[1}", 0, "expected ',' or ']' after an array element", 2},
        {"{\"a\":1 \"b\":2}", 0, "expected ',' or '}' after an object member", 7},
        {"{\"a\":1]", 0, "expected ',' or '}' after an object member", 6},
        {"{1:2}", 0, "expected a string key or '}' after '{'", 1},
        {"{,}", 0, "expected a string key or '}' after '{'", 1},
        {"{\"a\":1,2:3}", 0, "expected a string key after ','", 7},
        {"{'a':1}", 0, "strings must use double quotes", 1},
        {"['a']", 0, "strings must use double quotes", 1},
        {"]", 0, "expected a value", 0},
        {"}", 0, "expected a value", 0},
        {":", 0, "expected a JSON value", 0},
        {",", 0, "expected a JSON value", 0},
        {"[,1]", 0, "expected a JSON value", 1},
        {"[1,,2]", 0, "expected a JSON value", 3},
        {"\xC3\xA9", 0, "expected a JSON value", 0},
        {"// c\n1", 0, "comments are not allowed", 0},
        {"[1/* c */]", 0, "comments are not allowed", 2},
        {"[1,/* c */2]", 0, "comments are not allowed", 3},
        {"01", 0, "leading zeros are not allowed in numbers", 0},
        {"[-012]", 0, "leading zeros are not allowed in numbers", 1},
        {"00", 0, "leading zeros are not allowed in numbers", 0},
        {"+1", 0, "numbers must not start with '+'", 0},
        {".5", 0, "numbers must start with a digit", 0},
        {"1.", 0, "expected a digit after '.' in number", 0},
        {"1.e5", 0, "expected a digit after '.' in number", 0},
        {"-1.x", 0, "expected a digit after '.' in number", 0},
        {"1e", 0, "expected a digit in the exponent", 0},
        {"[1E+]", 0, "expected a digit in the exponent", 1},
        {"1.5e-", 0, "expected a digit in the exponent", 0},
        {"-", 0, "expected a digit after '-'", 0},
        {"-a", 0, "expected a digit after '-'", 0},
        {"--1", 0, "expected a digit after '-'", 0},
        {"NaN", 0, "NaN and Infinity are not allowed", 0},
        {"[Infinity]", 0, "NaN and Infinity are not allowed", 1},
        {"-Infinity", 0, "NaN and Infinity are not allowed", 0},
        {"0x1F", 0, "invalid number", 0},
        {"1.5.3", 0, "invalid number", 0},
        {"1_000", 0, "invalid number", 0},
        {"1e5e5", 0, "invalid number", 0},
        {"[1-2]", 0, "invalid number", 1},
        {"True", 0, "invalid literal", 0},
        {"[truex]", 0, "invalid literal", 1},
        {"nul", 0, "invalid literal", 0},
        {"nulll", 0, "invalid literal", 0},
        {"undefined", 0, "invalid literal", 0},
        {"tru", 0, "invalid literal", 0},
        {"true1", 0, "invalid literal", 0},
        {"\"a\nb\"", 0, "invalid JSON at byte 2: unescaped control character U+000A in string", 2},
        {"\"a\0b\"", 5, "unescaped control character U+0000 in string", 2},
        {"\"\x1f\"", 0, "unescaped control character U+001F in string", 1},
        {"\"\t\"", 0, "unescaped control character U+0009 in string", 1},
        {"\"abc", 0, "unterminated string", 4},
        {"\"", 0, "unterminated string", 1},
        {"\"abc\\", 0, "unterminated string", 4},
        {"[\"0123456789abcdef0123456789", 0, "unterminated string", 28},
        {"\"\\q\"", 0, "invalid JSON at byte 1: invalid escape \\q", 1},
        {"\"ab\\x41\"", 0, "invalid escape \\x", 3},
        {"\"\\U0041\"", 0, "invalid escape \\U", 1},
        {"\"\\'\"", 0, "invalid escape \\'", 1},
        {"\"\\ \"", 0, "invalid escape: '\\' followed by byte 0x20", 1},
        {"\"\\\xC3\xA9\"", 0, "invalid escape: '\\' followed by byte 0xC3", 1},
        {"\"\\u12\"", 0, "invalid \\u escape: expected 4 hex digits", 1},
        {"\"\\u12g4\"", 0, "invalid \\u escape: expected 4 hex digits", 1},
        {"\"\\u", 0, "invalid \\u escape: expected 4 hex digits", 1},
        {"\"\\ud800\"", 0, "lone surrogate \\ud800", 1},
        {"\"\\uDBFF\"", 0, "lone surrogate \\udbff", 1},
        {"\"x\\udc00\"", 0, "lone surrogate \\udc00", 2},
        {"\"\\uDFFF\"", 0, "lone surrogate \\udfff", 1},
        {"\"\\ud800\\ud800\"", 0, "lone surrogate \\ud800", 1},
        {"\"\\ud800\\u0041\"", 0, "lone surrogate \\ud800", 1},
        {"\"\\ud800abc\"", 0, "lone surrogate \\ud800", 1},
        {"\"\\ude00\\ud83d\"", 0, "lone surrogate \\ude00", 1},
        {"\"\\ud800\\", 0, "lone surrogate \\ud800", 1},
        {"\"\\ud83d\\ude0", 0, "lone surrogate \\ud83d", 1},
        {"\"\xFF\"", 0, "invalid UTF-8 at byte 1", 1},
        {"\"ab\xC0\x80\"", 0, "invalid UTF-8 at byte 3", 3},
        {"\"\xE0\x80\xAF\"", 0, "invalid UTF-8 at byte 1", 1},
        {"\"\xED\xA0\x80\"", 0, "invalid UTF-8 at byte 1", 1},
        {"\"\xF4\x90\x80\x80\"", 0, "invalid UTF-8 at byte 1", 1},
        {"\"\xE2\x82\"", 0, "invalid UTF-8 at byte 1", 1},
        {"[\"ok\",\"x\x80\"]", 0, "invalid UTF-8 at byte 8", 8},
        {"{\"\xFE\":1}", 0, "invalid UTF-8 at byte 2", 2},
        {"\"0123456789abcdef0123456789\xC3\"", 0, "invalid UTF-8 at byte 27", 27},
        {"{\"a\":1,\"a\":2}", 0, "invalid JSON at byte 7: duplicate key \"a\"", 7},
        {"{\"a\":1,\"\\u0061\":2}", 0, "duplicate key \"a\"", 7},
        {"{\"x\":{\"b\":1,\"b\":2}}", 0, "duplicate key \"b\"", 12},
        {"{\"a\":{\"x\":1},\"a\":2}", 0, "duplicate key \"a\"", 13},
        {"{\"\":1,\"\":2}", 0, "duplicate key \"\"", 6},
        {"{\"a\\u0000\":1,\"a\\u0000\":2}", 0, "duplicate key \"a\\u0000\"", 13},
        {"{\"q\\\"\":1,\"q\\\"\":2}", 0, "duplicate key \"q\\\"\"", 9},
        {"[{\"t\":1},{\"t\":1,\"t\":2}]", 0, "duplicate key \"t\"", 16},
        {"{\"\\ud83d\\ude00\":1,\"\xF0\x9F\x98\x80\":2}", 0, "duplicate key \"\xF0\x9F\x98\x80\"",
         18},
};

START_TEST(test_error_messages)
{
	const struct error_case *c = &error_cases[_i];
	check_error_at(c->json, c->len ? c->len : strlen(c->json), c->message, c->offset);
}
END_TEST

START_TEST(test_errors_are_final)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_error_clear(&err);
	const char json[] = "[1,x]";
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, 5, &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
	ck_assert_uint_eq(r.offset, 3);
	ck_assert_int_eq(err.code, LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "invalid JSON at byte 3: invalid literal");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
	ck_assert(!lexc_json_skip_value(&r, NULL, NULL));
	ck_assert(!lexc_json_skip_current(&r, NULL, NULL));
	lexc_json_mark m = {0};
	ck_assert(!lexc_json_restore(&r, &m));
	/* A NULL lexc_error is allowed: the token and offset still tell. */
	lexc_json_reader_init(&r, json, 5, &arena, NULL);
	while (lexc_json_next(&r) != LEXC_JSON_ERROR)
		;
	ck_assert_uint_eq(r.offset, 3);
	lexc_arena_free(&arena);
}
END_TEST

START_TEST(test_offsets)
{
	const char json[] = "{\"a\": [1, \"xy\"] }";
	char *copy = heap_copy(S(json));
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, copy, sizeof json - 1, &arena, NULL);
	static const size_t offsets[] = {0, 1, 6, 7, 10, 14, 16, 17};
	static const unsigned depths[] = {1, 1, 2, 2, 2, 1, 0, 0};
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		lexc_json_token t = lexc_json_next(&r);
		ck_assert_int_ne(t, LEXC_JSON_ERROR);
		ck_assert_uint_eq(r.offset, offsets[i]);
		ck_assert_uint_eq(r.depth, depths[i]);
	}
	ck_assert_int_eq(r.token, LEXC_JSON_END);
	lexc_arena_free(&arena);
	free(copy);
}
END_TEST

START_TEST(test_depth_limit)
{
	char buf[200];
	lexc_error err;
	/* 32 nested arrays pass, 33 fail at the 33rd '['. */
	for (int n = 31; n <= 34; n++) {
		memset(buf, '[', (size_t)n);
		memset(buf + n, ']', (size_t)n);
		char *got = dump_with(buf, (size_t)n * 2, 0, 0, &err);
		if (n <= 32) {
			ck_assert_msg(strstr(got, "E@") == NULL, "depth %d: %s", n, got);
		} else {
			ck_assert_int_eq(err.code, LEXC_INVALID_REQUEST);
			ck_assert_str_eq(err.message,
			                 "invalid JSON at byte 32: nesting deeper than 32");
		}
		free(got);
	}
	/* Objects count the same way. */
	size_t len = 0;
	for (int i = 0; i < 32; i++)
		len += (size_t)sprintf(buf + len, "{\"a\":");
	len += (size_t)sprintf(buf + len, "1");
	for (int i = 0; i < 32; i++)
		buf[len++] = '}';
	char *got = dump_with(buf, len, 0, 0, &err);
	ck_assert(strstr(got, "E@") == NULL);
	free(got);
	memmove(buf + 5, buf, len);
	memcpy(buf, "{\"a\":", 5);
	buf[len + 5] = '}';
	got = dump_with(buf, len + 6, 0, 0, &err);
	ck_assert_str_eq(err.message, "invalid JSON at byte 160: nesting deeper than 32");
	free(got);
	/* A configured limit. */
	got = dump_with(S("[[1]]"), 1, 0, &err);
	ck_assert_str_eq(got, "[ E@1: invalid JSON at byte 1: nesting deeper than 1");
	free(got);
	got = dump_with(S("[[1]]"), 2, 0, &err);
	ck_assert_str_eq(got, "[ [ n1=1 ] ] $");
	free(got);
	/* A deep document with a high limit, and an unbounded one. */
	size_t deep = 10000;
	char *d = malloc(deep * 2);
	ck_assert_ptr_nonnull(d);
	memset(d, '[', deep);
	memset(d + deep, ']', deep);
	got = dump_with(d, deep * 2, 10000, 0, &err);
	ck_assert(strstr(got, "E@") == NULL);
	free(got);
	got = dump_with(d, deep, 0, 0, &err);
	ck_assert_str_eq(err.message, "invalid JSON at byte 32: nesting deeper than 32");
	free(got);
	free(d);
}
END_TEST

/* ------------------------------------------------------------------------
 * Reader: strings */

START_TEST(test_string_escapes)
{
	CHECK_DUMP("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "s\"\\\"\\\\/\\x08\\x0C\\x0A\\x0D\\x09\" $");
	CHECK_DUMP("\"\\u0041\\u00e9\\u20AC\"", "s\"A\\xC3\\xA9\\xE2\\x82\\xAC\" $");
	CHECK_DUMP("\"\\ud83d\\ude00\"", "s\"\\xF0\\x9F\\x98\\x80\" $");
	CHECK_DUMP("\"\\uD834\\uDD1E!\"", "s\"\\xF0\\x9D\\x84\\x9E!\" $");
	CHECK_DUMP("\"\\udbff\\udfff\"", "s\"\\xF4\\x8F\\xBF\\xBF\" $");
	CHECK_DUMP("\"\\u0000\"", "s\"\\x00\" $");
	CHECK_DUMP("\"a\\u0000b\"", "s\"a\\x00b\" $");
	CHECK_DUMP("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"",
	           "s\"\\x7F\\xC2\\x80\\xDF\\xBF\\xE0\\xA0\\x80\\xEF\\xBF\\xBF\" $");
	CHECK_DUMP("\"\x7f\"", "s\"\\x7F\" $");
	CHECK_DUMP("\"h\xC3\xA9llo \xF0\x9F\x98\x80\"",
	           "s\"h\\xC3\\xA9llo \\xF0\\x9F\\x98\\x80\" $");
	CHECK_DUMP("\"\"", "s\"\" $");
	CHECK_DUMP("{\"\\u0000\":1}", "{ k\"\\x00\" n1=1 } $");
}
END_TEST

START_TEST(test_string_nul_length)
{
	const char json[] = "[\"a\\u0000b\",\"c\\u0000\"]";
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, sizeof json - 1, &arena, NULL);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	ck_assert_uint_eq(r.str_len, 3);
	ck_assert(memcmp(r.str, "a\0b", 3) == 0);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	ck_assert_uint_eq(r.str_len, 2);
	ck_assert(memcmp(r.str, "c\0", 2) == 0);
	lexc_arena_free(&arena);
}
END_TEST

/* No escapes: str points into the input; escapes: into the arena. */
START_TEST(test_string_zero_copy)
{
	const char json[] = "[\"plain text\",\"esc\\naped\"]";
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, sizeof json - 1, &arena, NULL);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	char *before = arena.ptr;
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	ck_assert_ptr_eq(r.str, json + 2);
	ck_assert_uint_eq(r.str_len, 10);
	ck_assert_ptr_eq(arena.ptr, before);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	ck_assert(r.str < json || r.str >= json + sizeof json);
	ck_assert_uint_eq(r.str_len, 8);
	ck_assert(memcmp(r.str, "esc\naped", 8) == 0);
	/* The arena keeps only the unescaped bytes. */
	ck_assert_ptr_eq(arena.ptr, r.str + 8);
	lexc_arena_free(&arena);
}
END_TEST

/* A special byte at every position of a string crosses the 8-byte fast
 * path at every alignment. */
START_TEST(test_string_fast_path_positions)
{
	char buf[64], want[256];
	lexc_error err;
	for (size_t n = 0; n < 40; n++) {
		for (size_t pos = 0; pos <= n; pos++) {
			/* A quote ends the string early: trailing data. */
			size_t len = 0;
			buf[len++] = '"';
			for (size_t i = 0; i < n; i++)
				buf[len++] = i == pos ? '"' : 'a';
			buf[len++] = '"';
			char *got = dump_with(buf, len, 0, 0, &err);
			if (pos < n) {
				snprintf(want, sizeof want, "E@%zu: ", pos + 2);
				ck_assert_msg(strstr(got, want) != NULL, "%s", got);
			}
			free(got);
			/* A raw control byte. */
			buf[1 + pos] = pos < n ? '\x01' : 'a';
			if (pos < n) {
				got = dump_with(buf, len, 0, 0, &err);
				snprintf(want, sizeof want, "E@%zu: ", pos + 1);
				ck_assert_msg(strstr(got, want) != NULL, "%s", got);
				free(got);
				/* An escape and a 2-byte character decode right. */
				buf[1 + pos] = '\\';
				memmove(buf + 2 + pos + 1, buf + 2 + pos, len - 2 - pos);
				buf[2 + pos] = 'n';
				got = dump_with(buf, len + 1, 0, 0, &err);
				ck_assert_msg(strstr(got, "E@") == NULL, "%s", got);
				ck_assert(strstr(got, "\\x0A") != NULL);
				free(got);
				buf[1 + pos] = '\xC3';
				buf[2 + pos] = '\xA9';
				got = dump_with(buf, len + 1, 0, 0, &err);
				ck_assert_msg(strstr(got, "\\xC3\\xA9") != NULL, "%s", got);
				free(got);
				/* A truncated 2-byte character. */
				buf[2 + pos] = 'x';
				got = dump_with(buf, len + 1, 0, 0, &err);
				snprintf(want, sizeof want, "E@%zu: invalid UTF-8 at byte %zu",
				         pos + 1, pos + 1);
				ck_assert_msg(strstr(got, want) != NULL, "%s", got);
				free(got);
			}
		}
	}
}
END_TEST

/* Strings with UTF-8 against the reference decoder: random mixes of ASCII,
 * well-formed sequences of every length, ill-formed bytes and escapes, at
 * every length up to past a few 16-byte blocks, so that the vector check
 * (SSSE3) and the scalar one meet at block edges and at the input's end.
 * A string is accepted exactly when the reference says it is well-formed,
 * and a rejection names the reference's first bad byte. */
static void utf8_differential(void)
{
	static const char *const pieces[] = {
	        "a", "Z", " ", "\xC3\xA9", "\xDF\xBF", "\xE6\x97\xA5", "\xEF\xBF\xBF",
	        "\xED\x9F\xBF", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\\n",
	        /* ill-formed */
	        "\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xC3", "\xE0\x80\x80", "\xE0\xA0",
	        "\xED\xA0\x80", "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFE",
	        "\xFF", "\xF0\x9F\x98"};
	enum { N_PIECES = sizeof pieces / sizeof pieces[0], N_VALID = 11 };
	uint32_t x = 2463534242u;
	lexc_arena arena = LEXC_ARENA_INIT;
	for (int iter = 0; iter < 20000; iter++) {
		char buf[256], body[256];
		size_t n = 0, len = 0;
		size_t target = (size_t)(iter % 90);
		bool bad_allowed = iter % 3 == 0;
		while (n < target) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			unsigned k = x % (bad_allowed ? N_PIECES : N_VALID);
			/* Mostly multi-byte text, as in a post. */
			if (k < 3 && (x >> 8) % 4 != 0)
				k = 3 + (x >> 12) % (N_VALID - 4);
			size_t pl = strlen(pieces[k]);
			memcpy(body + n, pieces[k], pl);
			n += pl;
		}
		buf[len++] = '"';
		memcpy(buf + len, body, n);
		len += n;
		buf[len++] = '"';
		/* The reference on the body with escapes as the ASCII they are. */
		size_t want = utf8_reference_check((const uint8_t *)body, n);
		lexc_error err;
		lexc_json_reader r;
		lexc_json_reader_init(&r, buf, len, &arena, &err);
		lexc_json_token t = lexc_json_next(&r);
		if (want == n) {
			ck_assert_msg(t == LEXC_JSON_STRING, "iter %d: %s", iter, err.message);
			ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
		} else {
			char msg[64];
			snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu", want + 1);
			ck_assert_msg(t == LEXC_JSON_ERROR && strcmp(err.message, msg) == 0,
			              "iter %d: got %d \"%s\", want \"%s\"", iter, (int)t,
			              t == LEXC_JSON_ERROR ? err.message : "", msg);
		}
		lexc_arena_reset(&arena);
	}
	lexc_arena_free(&arena);
}

/* Once per scanner (LEXC_SIMD picks one per process): each in a
 * child of its own. The vector scanners the CPU lacks fall back to the
 * next one down, which is then tested twice. */
START_TEST(test_string_utf8_differential)
{
	static const char *const scanners[] = {"scalar", "ssse3", "avx2"};
	for (size_t i = 0; i < 3; i++)
		ck_assert_msg(simd_child_run(scanners[i], utf8_differential),
		              "scanner %s: the differential test failed", scanners[i]);
}
END_TEST

START_TEST(test_empty_keys)
{
	lexc_error err;
	char *got = dump_with(S("{\"\":1}"), 0, 0, &err);
	ck_assert_str_eq(got, "{ k\"\" n1=1 } $");
	free(got);
	got = dump_with(S("{\"a\":{\"\":1}}"), 0, LEXC_JSON_REJECT_EMPTY_KEYS, &err);
	ck_assert_str_eq(got, "{ k\"a\" { E@6: invalid JSON at byte 6: empty object key");
	ck_assert_int_eq(err.code, LEXC_INVALID_REQUEST);
	free(got);
	got = dump_with(S("{\"a\":1}"), 0, LEXC_JSON_REJECT_EMPTY_KEYS, &err);
	ck_assert_str_eq(got, "{ k\"a\" n1=1 } $");
	free(got);
}
END_TEST

/* ------------------------------------------------------------------------
 * Reader: duplicate keys */

START_TEST(test_duplicates)
{
	CHECK_DUMP("{\"a\":1,\"A\":2,\"b\":3}", "{ k\"a\" n1=1 k\"A\" n2=2 k\"b\" n3=3 } $");
	CHECK_DUMP("[{\"a\":1},{\"a\":2}]", "[ { k\"a\" n1=1 } { k\"a\" n2=2 } ] $");
	CHECK_DUMP("{\"a\":{\"a\":{\"a\":1}}}", "{ k\"a\" { k\"a\" { k\"a\" n1=1 } } } $");
	CHECK_DUMP("{\"a\":1,\"a\\u0000\":2,\"a\\u0000b\":3}",
	           "{ k\"a\" n1=1 k\"a\\x00\" n2=2 k\"a\\x00b\" n3=3 } $");
	/* Same first and last 8 bytes (the fingerprint), different middle. */
	CHECK_DUMP("{\"aaaaaaaaXaaaaaaaa\":1,\"aaaaaaaaYaaaaaaaa\":2}",
	           "{ k\"aaaaaaaaXaaaaaaaa\" n1=1 k\"aaaaaaaaYaaaaaaaa\" n2=2 } $");
	CHECK_ERROR("{\"aaaaaaaaXaaaaaaaa\":1,\"aaaaaaaaYaaaaaaaa\":2,\"aaaaaaaaXaaaaaaaa\":3}",
	            "duplicate key \"aaaaaaaaXaaaaaaaa\"", 45);
	/* Long keys are cut in the message. */
	char buf[400];
	char key[200];
	memset(key, 'k', 150);
	key[150] = '\0';
	int len = snprintf(buf, sizeof buf, "{\"%s\":1,\"%s\":2}", key, key);
	lexc_error err;
	char *got = dump_with(buf, (size_t)len, 0, 0, &err);
	ck_assert(strstr(err.message,
	                 "duplicate key \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	                 "...\"") != NULL);
	free(got);
}
END_TEST

/* Objects around the switch from the linear scan to the hash table: a
 * duplicate of every earlier key is found, and distinct keys pass. */
START_TEST(test_duplicates_threshold)
{
	char *buf = malloc(1 << 16);
	ck_assert_ptr_nonnull(buf);
	lexc_error err;
	for (int n = 1; n <= 70; n++) {
		size_t len = 0;
		buf[len++] = '{';
		for (int i = 0; i < n; i++)
			len += (size_t)sprintf(buf + len, "%s\"key%d\":%d", i ? "," : "", i, i);
		buf[len++] = '}';
		char *got = dump_with(buf, len, 0, 0, &err);
		ck_assert_msg(strstr(got, "E@") == NULL, "%d keys: %s", n, got);
		free(got);
		for (int d = 0; d < n; d += (n > 20 ? 7 : 1)) {
			size_t l2 = len - 1;
			l2 += (size_t)sprintf(buf + l2, ",\"key%d\":0}", d);
			got = dump_with(buf, l2, 0, 0, &err);
			char want[64];
			snprintf(want, sizeof want, "duplicate key \"key%d\"", d);
			ck_assert_msg(strstr(err.message, want) != NULL, "%d keys, dup %d: %s", n,
			              d, got);
			free(got);
		}
	}
	free(buf);
}
END_TEST

/* 100,000 distinct keys in one object: every key is read, memory stays
 * linear, and a duplicate at the very end is found. Time is not asserted
 * here (a loaded machine makes that flaky); bench/json measures it. */
START_TEST(test_duplicates_100k_keys)
{
	enum { N = 100000 };
	size_t cap = (size_t)N * 24 + 16;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t len = 0;
	buf[len++] = '{';
	for (int i = 0; i < N; i++)
		len += (size_t)sprintf(buf + len, "%s\"k%07d\":%d", i ? "," : "", i * 7 % N, i);
	buf[len++] = '}';
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, buf, len, &arena, &err);
	size_t keys = 0;
	lexc_json_token t;
	while ((t = lexc_json_next(&r)) != LEXC_JSON_END) {
		ck_assert_int_ne(t, LEXC_JSON_ERROR);
		keys += t == LEXC_JSON_KEY;
	}
	ck_assert_uint_eq(keys, N);
	/* Bookkeeping is linear: 16 bytes per key plus 2-4 table slots of 4
	 * bytes, doubled by growth (the arena keeps outgrown arrays). With
	 * keys this short that is a bit over 4 times the input. */
	ck_assert_uint_le(lexc_arena_heap_bytes(&arena), len * 5);
	/* A duplicate at the very end is found. */
	len--;
	char want[96];
	snprintf(want, sizeof want, "invalid JSON at byte %zu: duplicate key \"k0004242\"",
	         len + 1);
	len += (size_t)sprintf(buf + len, ",\"k%07d\":0}", 4242);
	lexc_arena_reset(&arena);
	lexc_json_reader_init(&r, buf, len, &arena, &err);
	while ((t = lexc_json_next(&r)) != LEXC_JSON_ERROR)
		ck_assert_int_ne(t, LEXC_JSON_END);
	ck_assert_str_eq(err.message, want);
	lexc_arena_free(&arena);
	free(buf);
}
END_TEST

/* ------------------------------------------------------------------------
 * Reader: numbers */

struct number_case {
	const char *text;
	int kind; /* 0 integral, 1 not an integer, 2 integer out of int64 */
	int64_t value;
};

static const struct number_case number_cases[] = {
        {"0", 0, 0},
        {"-0", 0, 0},
        {"-0.0", 0, 0},
        {"0.000e5", 0, 0},
        {"0e99999999999999999999", 0, 0},
        {"-0e-5", 0, 0},
        {"1", 0, 1},
        {"-1", 0, -1},
        {"123", 0, 123},
        {"123.0", 0, 123},
        {"123.000000", 0, 123},
        {"1e2", 0, 100},
        {"1E2", 0, 100},
        {"1e+2", 0, 100},
        {"1e-0", 0, 1},
        {"5e+0", 0, 5},
        {"-1e0", 0, -1},
        {"1.5e1", 0, 15},
        {"0.1e1", 0, 1},
        {"100e-2", 0, 1},
        {"1230e-1", 0, 123},
        {"1200e-2", 0, 12},
        {"12.5e1", 0, 125},
        {"0.00012e5", 0, 12},
        {"123.456", 1, 0},
        {"0.5", 1, 0},
        {"-0.5", 1, 0},
        {"1e-1", 1, 0},
        {"1e-400", 1, 0},
        {"1.000000000000000000000000000001", 1, 0},
        {"123456789012345678901234567890e-20", 1, 0},
        {"1001e-2", 1, 0},
        {"1e18", 0, 1000000000000000000},
        {"-1e18", 0, -1000000000000000000},
        {"1e19", 2, 0},
        {"-1e19", 2, 0},
        {"10000000000000000000e-1", 0, 1000000000000000000},
        {"9223372036854775807", 0, INT64_MAX},
        {"9223372036854775807.0", 0, INT64_MAX},
        {"922337203685477580.7e1", 0, INT64_MAX},
        {"92233720368547758070e-1", 0, INT64_MAX},
        {"9223372036854775808", 2, 0},
        {"-9223372036854775808", 0, INT64_MIN},
        {"-9223372036854775808.0e0", 0, INT64_MIN},
        {"-9223372036854775809", 2, 0},
        {"9999999999999999999", 2, 0},
        {"18446744073709551615", 2, 0},
        {"18446744073709551616", 2, 0},
        {"99999999999999999999999999999999999999", 2, 0},
        {"1e99999999999", 2, 0},
        {"1e999999999999999999999999", 2, 0},
        {"-1e99999999999", 2, 0},
        {"1.5e-99999999999", 1, 0},
        {"1e-99999999999999999999999", 1, 0},
        {"0.0000000000000000000000000000001e31", 0, 1},
        {"0.0000000000000000000000000000001e30", 1, 0},
        {"1000000000000000000000000000000e-30", 0, 1},
        {"4611686018427387904", 0, 4611686018427387904},
        {"1234567890123456789", 0, 1234567890123456789},
};

START_TEST(test_number_values)
{
	const struct number_case *c = &number_cases[_i];
	size_t len = strlen(c->text);
	char *copy = heap_copy(c->text, len);
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, copy, len, &arena, NULL);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
	ck_assert_ptr_eq(r.str, copy);
	ck_assert_uint_eq(r.str_len, len);
	ck_assert_msg(r.integral == (c->kind == 0), "%s: integral %d", c->text, r.integral);
	ck_assert_msg(r.out_of_range == (c->kind == 2), "%s: out_of_range %d", c->text,
	              r.out_of_range);
	if (c->kind == 0)
		ck_assert_msg(r.integer == c->value, "%s: %lld", c->text, (long long)r.integer);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
	lexc_arena_free(&arena);
	free(copy);
}
END_TEST

/* Every int64 written by the writer reads back as the same integer. */
START_TEST(test_number_roundtrip)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> (i % 64));
		if (i % 3 == 0 && v != INT64_MIN)
			v = -v;
		if (i == 0)
			v = INT64_MIN;
		if (i == 1)
			v = INT64_MAX;
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
		lexc_json_reader r;
		lexc_arena arena;
		lexc_arena_init(&arena);
		lexc_json_reader_init(&r, buf, (size_t)n, &arena, NULL);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
		ck_assert(r.integral);
		ck_assert(r.integer == v);
		/* And as a real: the digits, three zeros and e-3 (0 has no
		 * leading-zero-free form of that shape: 0.000e-3). */
		n += snprintf(buf + n, sizeof buf - (size_t)n, v != 0 ? "000e-3" : ".000e-3");
		lexc_json_reader_init(&r, buf, (size_t)n, &arena, NULL);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
		ck_assert(r.integral);
		ck_assert(r.integer == v);
		lexc_arena_free(&arena);
	}
}
END_TEST

/* ------------------------------------------------------------------------
 * Reader: skipping and marks */

START_TEST(test_skip_value)
{
	const char json[] = "{\"a\": {\"x\": [1, {\"y\": \"s\\n\"}] }, \"b\": 3, \"c\": \"str\","
	                    " \"d\": [ ], \"e\": null}";
	char *copy = heap_copy(S(json));
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, copy, sizeof json - 1, &arena, &err);
	const char *raw;
	size_t raw_len;
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_START);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert(lexc_json_skip_value(&r, &raw, &raw_len));
	const char *want = "{\"x\": [1, {\"y\": \"s\\n\"}] }";
	ck_assert_ptr_eq(raw, copy + 6);
	ck_assert_uint_eq(raw_len, strlen(want));
	ck_assert(memcmp(raw, want, raw_len) == 0);
	ck_assert_uint_eq(r.depth, 1);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert(lexc_json_skip_value(&r, &raw, &raw_len));
	ck_assert(raw_len == 1 && raw[0] == '3');
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert(lexc_json_skip_value(&r, &raw, &raw_len));
	ck_assert(raw_len == 5 && memcmp(raw, "\"str\"", 5) == 0);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert(lexc_json_skip_value(&r, &raw, &raw_len));
	ck_assert(raw_len == 3 && memcmp(raw, "[ ]", 3) == 0);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert(lexc_json_skip_value(&r, NULL, NULL));
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_END);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
	/* The whole document, top level. */
	lexc_json_reader_init(&r, copy, sizeof json - 1, &arena, &err);
	ck_assert(lexc_json_skip_value(&r, &raw, &raw_len));
	ck_assert_ptr_eq(raw, copy);
	ck_assert_uint_eq(raw_len, sizeof json - 1);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
	lexc_arena_free(&arena);
	free(copy);
}
END_TEST

START_TEST(test_skip_validates)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_json_reader r;
	static const struct {
		const char *json;
		const char *message;
	} cases[] = {
	        {"{\"u\":{\"a\":[{\"d\":1,\"d\":2}]}}", "duplicate key \"d\""},
	        {"{\"u\":[1,2,}", "expected a value"},
	        {"{\"u\":\"\\ud800\"}", "lone surrogate"},
	        {"{\"u\":\"\xFF\"}", "invalid UTF-8 at byte 6"},
	        {"{\"u\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	         "nesting deeper than 32"},
	        {"{\"u\":01}", "leading zeros"},
	        {"{\"u\":[1 2]}", "expected ',' or ']'"},
	        {"{\"u\":{\"\":1}}", "empty object key"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i].json);
		char *copy = heap_copy(cases[i].json, len);
		lexc_error_clear(&err);
		lexc_json_reader_init(&r, copy, len, &arena, &err);
		lexc_json_reader_set_flags(&r, LEXC_JSON_REJECT_EMPTY_KEYS);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_START);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
		ck_assert_msg(!lexc_json_skip_value(&r, NULL, NULL), "%s", cases[i].json);
		ck_assert_msg(strstr(err.message, cases[i].message) != NULL, "%s: %s",
		              cases[i].json, err.message);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
		free(copy);
	}
	/* No value where one must come: misuse is an error, not a hang. */
	char *copy = heap_copy(S("[1]"));
	lexc_error_clear(&err);
	lexc_json_reader_init(&r, copy, 3, &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	ck_assert(lexc_json_skip_value(&r, NULL, NULL));
	ck_assert(!lexc_json_skip_value(&r, NULL, NULL));
	ck_assert_str_eq(err.message, "invalid JSON at byte 2: expected a value");
	free(copy);
	lexc_arena_free(&arena);
}
END_TEST

/* Keeping array elements as raw JSON: next() to see the element or the end,
 * then skip_current() for the rest of it. */
START_TEST(test_skip_current)
{
	const char json[] = "[{\"a\":[1]}, \"x\", [2,[3]], -4.5e1, true]";
	char *copy = heap_copy(S(json));
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, copy, sizeof json - 1, &arena, NULL);
	static const char *const want[] = {"{\"a\":[1]}", "\"x\"", "[2,[3]]", "-4.5e1", "true"};
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	size_t n = 0;
	for (;;) {
		lexc_json_token t = lexc_json_next(&r);
		if (t == LEXC_JSON_ARRAY_END)
			break;
		const char *raw;
		size_t len;
		ck_assert(lexc_json_skip_current(&r, &raw, &len));
		ck_assert_uint_lt(n, 5);
		ck_assert_uint_eq(len, strlen(want[n]));
		ck_assert(memcmp(raw, want[n], len) == 0);
		ck_assert_uint_eq(r.depth, 1);
		n++;
	}
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
	lexc_arena_free(&arena);
	free(copy);
}
END_TEST

/* Finds "$type" in the object whose OBJECT_START was just read, then
 * rewinds to just after the OBJECT_START. */
static bool find_type(lexc_json_reader *r, char *type, size_t size)
{
	lexc_json_mark m;
	lexc_json_save(r, &m);
	bool found = false;
	for (;;) {
		lexc_json_token t = lexc_json_next(r);
		if (t == LEXC_JSON_OBJECT_END)
			break;
		ck_assert_int_eq(t, LEXC_JSON_KEY);
		if (r->str_len == 5 && memcmp(r->str, "$type", 5) == 0) {
			ck_assert_int_eq(lexc_json_next(r), LEXC_JSON_STRING);
			snprintf(type, size, "%.*s", (int)r->str_len, r->str);
			found = true;
			break;
		}
		ck_assert(lexc_json_skip_value(r, NULL, NULL));
	}
	ck_assert(lexc_json_restore(r, &m));
	ck_assert_int_eq(r->token, LEXC_JSON_OBJECT_START);
	return found;
}

START_TEST(test_mark_restore)
{
	/* A union object with "$type" last, some keys before it, nested. */
	const char json[] = "{\"u\":{\"x\":1,\"y\":[1,{\"z\":2}],\"$type\":\"a.b#c\",\"w\":\"s\"}}";
	char *copy = heap_copy(S(json));
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, copy, sizeof json - 1, &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_START);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_START);
	size_t start = r.offset;
	char type[32];
	ck_assert(find_type(&r, type, sizeof type));
	ck_assert_str_eq(type, "a.b#c");
	ck_assert_uint_eq(r.offset, start);
	ck_assert_uint_eq(r.depth, 2);
	/* Reading again sees every key once more, without false duplicates. */
	struct out o = {NULL, 0, 0};
	out_str(&o, "");
	lexc_json_token t;
	while ((t = lexc_json_next(&r)) != LEXC_JSON_END) {
		ck_assert_int_ne(t, LEXC_JSON_ERROR);
		out_token(&o, &r, t, &err);
	}
	ck_assert_str_eq(o.buf, "k\"x\" n1=1 k\"y\" [ n1=1 { k\"z\" n2=2 } ] k\"$type\" s\"a.b#c\" "
	                        "k\"w\" s\"s\" } }");
	free(o.buf);
	/* An unknown variant kept as raw JSON: skip_current after a restore. */
	lexc_json_reader_init(&r, copy, sizeof json - 1, &arena, &err);
	lexc_json_next(&r);
	lexc_json_next(&r);
	lexc_json_next(&r);
	ck_assert(find_type(&r, type, sizeof type));
	const char *raw;
	size_t raw_len;
	ck_assert(lexc_json_skip_current(&r, &raw, &raw_len));
	ck_assert_ptr_eq(raw, copy + 5);
	ck_assert_uint_eq(raw_len, sizeof json - 1 - 6);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_END);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
	lexc_arena_free(&arena);
	free(copy);
}
END_TEST

START_TEST(test_mark_restore_big_object)
{
	/* A union object with 40 keys (past the hash-table switch) and a
	 * duplicate after "$type": found on the second pass too. */
	char buf[2048];
	size_t len = 0;
	len += (size_t)sprintf(buf + len, "[{");
	for (int i = 0; i < 40; i++)
		len += (size_t)sprintf(buf + len, "\"k%d\":%d,", i, i);
	len += (size_t)sprintf(buf + len, "\"$type\":\"t\",\"k7\":0}]");
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, buf, len, &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_OBJECT_START);
	char type[8];
	ck_assert(find_type(&r, type, sizeof type));
	size_t keys = 0;
	lexc_json_token t;
	while ((t = lexc_json_next(&r)) == LEXC_JSON_KEY || t == LEXC_JSON_NUMBER ||
	       t == LEXC_JSON_STRING)
		keys += t == LEXC_JSON_KEY;
	ck_assert_int_eq(t, LEXC_JSON_ERROR);
	ck_assert_uint_eq(keys, 41);
	ck_assert(strstr(err.message, "duplicate key \"k7\"") != NULL);

	/* A mark taken in the middle of a big object (past the switch). */
	lexc_error_clear(&err);
	lexc_json_reader_init(&r, buf, len, &arena, &err);
	lexc_json_next(&r);
	lexc_json_next(&r);
	for (int i = 0; i < 30; i++) {
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
	}
	lexc_json_mark m;
	lexc_json_save(&r, &m);
	for (int i = 30; i < 40; i++) {
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
	}
	ck_assert(lexc_json_restore(&r, &m));
	ck_assert_int_eq(r.token, LEXC_JSON_NUMBER);
	ck_assert_int_eq(r.integer, 29);
	for (int i = 30; i < 40; i++) {
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
		ck_assert_int_eq(r.integer, i);
	}
	/* And the same mark taken with 10 keys (small), restored after 40. */
	lexc_json_reader_init(&r, buf, len, &arena, &err);
	lexc_json_next(&r);
	lexc_json_next(&r);
	for (int i = 0; i < 10; i++) {
		lexc_json_next(&r);
		lexc_json_next(&r);
	}
	lexc_json_save(&r, &m);
	for (int i = 10; i < 40; i++) {
		lexc_json_next(&r);
		lexc_json_next(&r);
	}
	ck_assert(lexc_json_restore(&r, &m));
	for (int i = 10; i < 40; i++) {
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
	}
	/* The restore dropped the table (10 keys) and the re-read built it
	 * again: the keys of the first ten are still found, "k7" among them. */
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	lexc_error_clear(&err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
	ck_assert(strstr(err.message, "duplicate key \"k7\"") != NULL);
	/* Restored to 20 keys (the table kept, rebuilt from stored hashes),
	 * the same holds. */
	lexc_error_clear(&err);
	lexc_json_reader_init(&r, buf, len, &arena, &err);
	lexc_json_next(&r);
	lexc_json_next(&r);
	for (int i = 0; i < 20; i++) {
		lexc_json_next(&r);
		lexc_json_next(&r);
	}
	lexc_json_save(&r, &m);
	for (int i = 20; i < 40; i++) {
		lexc_json_next(&r);
		lexc_json_next(&r);
	}
	ck_assert(lexc_json_restore(&r, &m));
	for (int i = 20; i < 40; i++) {
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_NUMBER);
	}
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_KEY);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
	ck_assert(strstr(err.message, "duplicate key \"k7\"") != NULL);
	lexc_arena_free(&arena);
}
END_TEST

START_TEST(test_mark_invalid)
{
	const char json[] = "[[1],[2]]";
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, sizeof json - 1, &arena, NULL);
	lexc_json_mark top, inner;
	lexc_json_save(&r, &top);
	lexc_json_next(&r);
	lexc_json_next(&r);
	lexc_json_save(&r, &inner); /* inside the first [1] */
	lexc_json_next(&r);
	lexc_json_next(&r); /* ] closes it */
	lexc_json_next(&r); /* [ opens the second at the same depth */
	ck_assert(!lexc_json_restore(&r, &inner));
	ck_assert_uint_eq(r.offset, 5);
	/* The top-level mark is always valid. */
	ck_assert(lexc_json_restore(&r, &top));
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ARRAY_START);
	ck_assert_uint_eq(r.offset, 0);
	lexc_arena_free(&arena);
}
END_TEST

START_TEST(test_arena_limit)
{
	/* An arena that cannot grow: containers need bookkeeping. */
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_arena_set_limit(&arena, 1);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, S("{\"a\":1}"), &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
	ck_assert_int_eq(err.code, LEXC_NO_MEMORY);
	ck_assert_str_eq(err.message, "out of memory reading JSON at byte 0");
	/* Scalars need none, and plain strings point into the input. */
	lexc_json_reader_init(&r, S("\"plain\""), &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
	lexc_json_reader_init(&r, S("\"esc\\n\""), &arena, &err);
	ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_ERROR);
	ck_assert_int_eq(err.code, LEXC_NO_MEMORY);
	/* A caller's buffer is enough for a small record. */
	char mem[2048];
	lexc_arena_init_buffer(&arena, mem, sizeof mem);
	lexc_arena_set_limit(&arena, 1);
	lexc_json_reader_init(&r, S("{\"a\":[1,{\"b\":\"x\\ny\"}]}"), &arena, &err);
	lexc_json_token t;
	while ((t = lexc_json_next(&r)) != LEXC_JSON_END)
		ck_assert_int_ne(t, LEXC_JSON_ERROR);
	lexc_arena_free(&arena);
}
END_TEST

START_TEST(test_token_names)
{
	ck_assert_str_eq(lexc_json_token_name(LEXC_JSON_OBJECT_START), "object");
	ck_assert_str_eq(lexc_json_token_name(LEXC_JSON_ARRAY_START), "array");
	ck_assert_str_eq(lexc_json_token_name(LEXC_JSON_STRING), "string");
	ck_assert_str_eq(lexc_json_token_name(LEXC_JSON_NUMBER), "number");
	ck_assert_str_eq(lexc_json_token_name(LEXC_JSON_NULL), "null");
	ck_assert_str_eq(lexc_json_token_name(LEXC_JSON_END), "end of input");
	ck_assert_str_eq(lexc_json_token_name((lexc_json_token)99), "unknown");
}
END_TEST

/* ------------------------------------------------------------------------
 * Data-driven cases: $LEXC_TEST_DATA/json/{valid,invalid}. */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static size_t run_data_dir(const char *sub, bool valid)
{
	const char *data = getenv("LEXC_TEST_DATA");
	ck_assert_msg(data != NULL, "LEXC_TEST_DATA is not set");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/json/%s", data, sub);
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name);
		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t len;
		char *json = read_file(path, &len);
		lexc_error err;
		char *got = dump_with(json, len, 0, 0, &err);
		if (valid) {
			ck_assert_msg(strstr(got, "E@") == NULL, "%s: %s", e->d_name, err.message);
		} else {
			ck_assert_msg(strstr(got, "E@") != NULL, "%s: accepted", e->d_name);
			snprintf(path + strlen(path) - 5, 7, ".error");
			size_t wl;
			char *want = read_file(path, &wl);
			while (wl > 0 && (want[wl - 1] == '\n' || want[wl - 1] == '\r'))
				wl--;
			want[wl] = '\0';
			ck_assert_msg(wl > 0, "%s: empty .error file", e->d_name);
			ck_assert_msg(strstr(err.message, want) != NULL, "%s: \"%s\" lacks \"%s\"",
			              e->d_name, err.message, want);
			free(want);
		}
		free(got);
		free(json);
		count++;
	}
	closedir(d);
	return count;
}

START_TEST(test_data_valid)
{
	size_t n = run_data_dir("valid", true);
	fprintf(stderr, "json/valid: %zu files\n", n);
	ck_assert_uint_ge(n, 40);
}
END_TEST

START_TEST(test_data_invalid)
{
	size_t n = run_data_dir("invalid", false);
	fprintf(stderr, "json/invalid: %zu files\n", n);
	ck_assert_uint_ge(n, 80);
}
END_TEST

/* ------------------------------------------------------------------------
 * Writer */

START_TEST(test_writer_structure)
{
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert(lexc_json_write_object_start(&w));
	ck_assert(lexc_json_write_key(&w, S("a")));
	ck_assert(lexc_json_write_array_start(&w));
	ck_assert(lexc_json_write_integer(&w, 1));
	ck_assert(lexc_json_write_bool(&w, true));
	ck_assert(lexc_json_write_bool(&w, false));
	ck_assert(lexc_json_write_null(&w));
	ck_assert(lexc_json_write_object_start(&w));
	ck_assert(lexc_json_write_object_end(&w));
	ck_assert(lexc_json_write_array_start(&w));
	ck_assert(lexc_json_write_array_end(&w));
	ck_assert(lexc_json_write_array_end(&w));
	ck_assert(lexc_json_write_key(&w, S("b")));
	ck_assert(lexc_json_write_string(&w, S("x")));
	ck_assert(lexc_json_write_key(&w, S("c")));
	ck_assert(lexc_json_write_base64(&w, S("foob")));
	ck_assert(lexc_json_write_object_end(&w));
	ck_assert_str_eq(w.buf, "{\"a\":[1,true,false,null,{},[]],\"b\":\"x\",\"c\":\"Zm9vYg\"}");
	ck_assert_uint_eq(w.len, strlen(w.buf));
	/* Reuse after reset; take hands the buffer over. */
	lexc_json_writer_reset(&w);
	ck_assert_uint_eq(w.len, 0);
	ck_assert(lexc_json_write_integer(&w, INT64_MIN));
	size_t len;
	char *s = lexc_json_writer_take(&w, &len);
	ck_assert_str_eq(s, "-9223372036854775808");
	ck_assert_uint_eq(len, 20);
	ck_assert_ptr_null(w.buf);
	free(s);
	/* Take from an empty writer gives "". */
	s = lexc_json_writer_take(&w, &len);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	static const struct {
		int64_t v;
		const char *s;
	} ints[] = {{0, "0"},
	            {-1, "-1"},
	            {9, "9"},
	            {10, "10"},
	            {INT64_MAX, "9223372036854775807"},
	            {INT64_MIN + 1, "-9223372036854775807"}};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		lexc_json_writer_reset(&w);
		ck_assert(lexc_json_write_integer(&w, ints[i].v));
		ck_assert_str_eq(w.buf, ints[i].s);
	}
	lexc_json_writer_free(&w);
	ck_assert_int_eq(err.code, LEXC_OK);
}
END_TEST

START_TEST(test_writer_escaping)
{
	lexc_json_writer w;
	lexc_json_writer_init(&w, NULL);
	ck_assert(lexc_json_write_string(&w, S("a\"b\\c/d\ne\rf\tg\bh\fi\x01j\x1fk\x7fl\0m")));
	ck_assert_str_eq(w.buf,
	                 "\"a\\\"b\\\\c/d\\ne\\rf\\tg\\bh\\fi\\u0001j\\u001fk\x7fl\\u0000m\"");
	/* Every byte below 0x20 in every position of a longer string. */
	for (unsigned c = 0; c < 0x20; c++) {
		char in[24], want[64];
		memset(in, 'x', sizeof in);
		in[c % 24] = (char)c;
		lexc_json_writer_reset(&w);
		ck_assert(lexc_json_write_string(&w, in, sizeof in));
		lexc_arena arena;
		lexc_arena_init(&arena);
		lexc_json_reader r;
		lexc_json_reader_init(&r, w.buf, w.len, &arena, NULL);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_STRING);
		ck_assert_uint_eq(r.str_len, sizeof in);
		ck_assert(memcmp(r.str, in, sizeof in) == 0);
		ck_assert_int_eq(lexc_json_next(&r), LEXC_JSON_END);
		lexc_arena_free(&arena);
		snprintf(want, sizeof want, "\\u%04x", c);
		const char *named = c == '\n'   ? "\\n"
		                    : c == '\r' ? "\\r"
		                    : c == '\t' ? "\\t"
		                    : c == '\b' ? "\\b"
		                    : c == '\f' ? "\\f"
		                                : want;
		ck_assert_msg(strstr(w.buf, named) != NULL, "%u: %s", c, w.buf);
	}
	/* UTF-8 is copied as is; keys are escaped like strings. */
	lexc_json_writer_reset(&w);
	ck_assert(lexc_json_write_object_start(&w));
	ck_assert(lexc_json_write_key(&w, S("k\"\xC3\xA9")));
	ck_assert(lexc_json_write_string(&w, S("\xF0\x9F\x98\x80 \xE2\x80\xA8")));
	ck_assert(lexc_json_write_object_end(&w));
	ck_assert_str_eq(w.buf, "{\"k\\\"\xC3\xA9\":\"\xF0\x9F\x98\x80 \xE2\x80\xA8\"}");
	lexc_json_writer_free(&w);
}
END_TEST

START_TEST(test_writer_invalid_utf8)
{
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert(lexc_json_write_array_start(&w));
	ck_assert(!lexc_json_write_string(&w, S("ok\xFF")));
	ck_assert(w.failed);
	ck_assert_int_eq(err.code, LEXC_INTERNAL_SERVER_ERROR);
	ck_assert_str_eq(err.message, "invalid UTF-8 at byte 2 of a string written to JSON");
	/* Sticky: nothing more is written, take gives NULL. */
	ck_assert(!lexc_json_write_null(&w));
	ck_assert(!lexc_json_write_array_end(&w));
	ck_assert_ptr_null(lexc_json_writer_take(&w, NULL));
	ck_assert_ptr_null(w.buf);
	/* Usable again. */
	ck_assert(lexc_json_write_null(&w));
	ck_assert_str_eq(w.buf, "null");
	lexc_json_writer_free(&w);
}
END_TEST

START_TEST(test_writer_no_memory)
{
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert(lexc_json_write_array_start(&w));
	/* A size that overflows the buffer arithmetic. */
	ck_assert(!lexc_json_write_raw(&w, "1", SIZE_MAX - 8));
	ck_assert(w.failed);
	ck_assert_int_eq(err.code, LEXC_NO_MEMORY);
	ck_assert(!lexc_json_write_integer(&w, 1));
	lexc_json_writer_reset(&w);
	ck_assert(!w.failed);
	/* A size malloc refuses (64 TiB): the realloc failure path. */
	lexc_error_clear(&err);
	ck_assert(!lexc_json_write_raw(&w, "1", (size_t)1 << 46));
	ck_assert(w.failed);
	ck_assert_int_eq(err.code, LEXC_NO_MEMORY);
	ck_assert(strstr(err.message, "out of memory writing JSON") != NULL);
	ck_assert_ptr_null(lexc_json_writer_take(&w, NULL));
	lexc_json_writer_free(&w);
}
END_TEST

START_TEST(test_writer_raw)
{
	lexc_json_writer w;
	lexc_json_writer_init(&w, NULL);
	ck_assert(lexc_json_write_object_start(&w));
	ck_assert(lexc_json_write_key(&w, S("u")));
	ck_assert(lexc_json_write_raw(
	        &w, S(" { \"a b\" : [ 1 ,\t\"x \\\" \\\\\" ] ,\r\n \"c\\\\\": \"\\\\\" } ")));
	ck_assert(lexc_json_write_key(&w, S("v")));
	ck_assert(lexc_json_write_raw(&w, S("\"  \"")));
	ck_assert(lexc_json_write_object_end(&w));
	ck_assert_str_eq(w.buf,
	                 "{\"u\":{\"a b\":[1,\"x \\\" \\\\\"],\"c\\\\\":\"\\\\\"},\"v\":\"  \"}");
	lexc_json_writer_free(&w);
}
END_TEST

/* Reads json, re-emits it token by token with the writer, and returns the
 * output (malloc'd). */
static char *rewrite_tokens(const char *json, size_t len)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, &arena, NULL);
	lexc_json_writer w;
	lexc_json_writer_init(&w, NULL);
	for (;;) {
		lexc_json_token t = lexc_json_next(&r);
		ck_assert_int_ne(t, LEXC_JSON_ERROR);
		if (t == LEXC_JSON_END)
			break;
		switch (t) {
		case LEXC_JSON_OBJECT_START:
			lexc_json_write_object_start(&w);
			break;
		case LEXC_JSON_OBJECT_END:
			lexc_json_write_object_end(&w);
			break;
		case LEXC_JSON_ARRAY_START:
			lexc_json_write_array_start(&w);
			break;
		case LEXC_JSON_ARRAY_END:
			lexc_json_write_array_end(&w);
			break;
		case LEXC_JSON_KEY:
			lexc_json_write_key(&w, r.str, r.str_len);
			break;
		case LEXC_JSON_STRING:
			lexc_json_write_string(&w, r.str, r.str_len);
			break;
		case LEXC_JSON_NUMBER:
			if (r.integral)
				lexc_json_write_integer(&w, r.integer);
			else
				lexc_json_write_raw(&w, r.str, r.str_len);
			break;
		case LEXC_JSON_TRUE:
		case LEXC_JSON_FALSE:
			lexc_json_write_bool(&w, t == LEXC_JSON_TRUE);
			break;
		default:
			lexc_json_write_null(&w);
			break;
		}
	}
	ck_assert(!w.failed);
	lexc_arena_free(&arena);
	return lexc_json_writer_take(&w, NULL);
}

static const char *const roundtrip_docs[] = {
        "{\"a\": [1, 2.5, -0, 1e2, \"x\\u0000y\", true, false, null], \"b\" : {\"c\": {}}}",
        "[\"\\ud83d\\ude00\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\xC3\xA9\\u00e9\", []]",
        "  \"top\"  ",
        "-12345678901234567890",
        ("{\"$type\":\"app.bsky.feed.post\",\"text\":\"hi \\n there\",\"langs\":[\"en\"],"
         "\"createdAt\":\"2024-11-23T12:34:56.789Z\"}"),
        "[[[[[[[[[[]]]]]]]]]]",
        "{\"\":\"\",\"\\u0000\":0}",
};

START_TEST(test_roundtrip)
{
	for (size_t i = 0; i < sizeof roundtrip_docs / sizeof roundtrip_docs[0]; i++) {
		const char *doc = roundtrip_docs[i];
		size_t len = strlen(doc);
		char *copy = heap_copy(doc, len);
		lexc_error err;
		char *want = dump_with(copy, len, 0, 0, &err);
		/* read -> skip_value -> write_raw -> read: same tokens. */
		lexc_arena arena;
		lexc_arena_init(&arena);
		lexc_json_reader r;
		lexc_json_reader_init(&r, copy, len, &arena, NULL);
		const char *raw;
		size_t raw_len;
		ck_assert(lexc_json_skip_value(&r, &raw, &raw_len));
		lexc_json_writer w;
		lexc_json_writer_init(&w, NULL);
		ck_assert(lexc_json_write_raw(&w, raw, raw_len));
		size_t out_len;
		char *out = lexc_json_writer_take(&w, &out_len);
		char *got = dump_with(out, out_len, 0, 0, &err);
		ck_assert_str_eq(got, want);
		free(got);
		/* read -> tokens -> writer -> read: same tokens except that
		 * integral numbers are written canonically. */
		char *re = rewrite_tokens(copy, len);
		char *again = rewrite_tokens(re, strlen(re));
		ck_assert_str_eq(again, re);
		free(again);
		free(re);
		free(out);
		free(want);
		lexc_arena_free(&arena);
		free(copy);
	}
}
END_TEST

/* ------------------------------------------------------------------------
 * base64 */

static const struct {
	const char *raw, *padded, *unpadded;
} rfc4648[] = {
        {"", "", ""},
        {"f", "Zg==", "Zg"},
        {"fo", "Zm8=", "Zm8"},
        {"foo", "Zm9v", "Zm9v"},
        {"foob", "Zm9vYg==", "Zm9vYg"},
        {"fooba", "Zm9vYmE=", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

START_TEST(test_base64_rfc4648)
{
	for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		const char *raw = rfc4648[i].raw;
		size_t n = strlen(raw);
		char enc[16];
		ck_assert_uint_eq(lexc_base64_encoded_len(n), strlen(rfc4648[i].unpadded));
		size_t el = lexc_base64_encode(raw, n, enc);
		ck_assert_uint_eq(el, strlen(rfc4648[i].unpadded));
		ck_assert(memcmp(enc, rfc4648[i].unpadded, el) == 0);
		const char *forms[] = {rfc4648[i].padded, rfc4648[i].unpadded};
		for (int f = 0; f < 2; f++) {
			size_t fl = strlen(forms[f]);
			char *in = heap_copy(forms[f], fl);
			unsigned char out[8];
			size_t out_len = 99;
			const char *reason = NULL;
			ck_assert_uint_eq(lexc_base64_decoded_len(in, fl), n);
			ck_assert_msg(lexc_base64_decode(in, fl, out, n, &out_len, &reason),
			              "%s: %s", forms[f], reason);
			ck_assert_uint_eq(out_len, n);
			ck_assert(memcmp(out, raw, n) == 0);
			free(in);
		}
	}
}
END_TEST

START_TEST(test_base64_invalid)
{
	static const struct {
		const char *in;
		const char *reason;
	} cases[] = {
	        {"Z", "base64: a final group of one character encodes no byte"},
	        {"Zm9vY", "base64: a final group of one character encodes no byte"},
	        {"Zg=", "base64: incomplete padding"},
	        {"Zm9v=", "base64: incomplete padding"},
	        {"Zg===", "base64: incomplete padding"},
	        {"=", "base64: incomplete padding"},
	        {"====", "base64: misplaced padding '='"},
	        {"Zg==Zg==", "base64: misplaced padding '='"},
	        {"Z=g=", "base64: misplaced padding '='"},
	        {"Zm9v Yg", "base64: whitespace is not allowed"},
	        {"Zm9vYg\n", "base64: whitespace is not allowed"},
	        {" Zm9v", "base64: whitespace is not allowed"},
	        {"Zm9v\tYg", "base64: whitespace is not allowed"},
	        {"-_8", "base64: '-' and '_' (the URL-safe alphabet) are not allowed"},
	        {"ab_c", "base64: '-' and '_' (the URL-safe alphabet) are not allowed"},
	        {"Zm9v!", "base64: invalid character"},
	        {"Zm9v\xC3\xA9", "base64: invalid character"},
	        {"Zm\0v", "base64: invalid character"},
	        {"Zm.v", "base64: invalid character"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i].in);
		if (i == 17)
			len = 4; /* the NUL case */
		char *in = heap_copy(cases[i].in, len);
		unsigned char out[16];
		const char *reason = NULL;
		ck_assert_msg(!lexc_base64_decode(in, len, out, sizeof out, NULL, &reason), "%s",
		              cases[i].in);
		ck_assert_str_eq(reason, cases[i].reason);
		free(in);
	}
	/* Too small an output buffer. */
	unsigned char out[2];
	const char *reason = NULL;
	ck_assert(!lexc_base64_decode(S("Zm9v"), out, sizeof out, NULL, &reason));
	ck_assert_str_eq(reason, "base64: output buffer too small");
	ck_assert(!lexc_base64_decode(S("Z"), out, sizeof out, NULL, NULL));
}
END_TEST

/* Non-canonical final characters (unused bits set) are accepted: the
 * interop vector {"$bytes":"123"} is valid data. */
START_TEST(test_base64_noncanonical)
{
	unsigned char out[4];
	size_t n;
	ck_assert(lexc_base64_decode(S("123"), out, sizeof out, &n, NULL));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 0xD7);
	ck_assert_uint_eq(out[1], 0x6D);
	ck_assert(lexc_base64_decode(S("Zh"), out, sizeof out, &n, NULL));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0], 'f');
	ck_assert(lexc_base64_decode(S("Zh=="), out, sizeof out, &n, NULL));
	ck_assert_uint_eq(out[0], 'f');
	ck_assert(lexc_base64_decode(S("Zm9="), out, sizeof out, &n, NULL));
	ck_assert_uint_eq(n, 2);
	/* Long unpadded values from the interop data. */
	ck_assert_uint_eq(lexc_base64_decoded_len(S("asdfasdfasdfasdf")), 12);
	ck_assert(lexc_base64_decode(S("asdfasdfasdfasdf"), out, 4, &n, NULL) == false);
}
END_TEST

START_TEST(test_base64_roundtrip)
{
	unsigned char data[300], back[300];
	char enc[512];
	lexc_arena arena;
	lexc_arena_init(&arena);
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (size_t n = 0; n <= sizeof data; n++) {
		size_t el = lexc_base64_encode(data, n, enc);
		ck_assert_uint_eq(el, lexc_base64_encoded_len(n));
		ck_assert_uint_eq(el, (n * 4 + 2) / 3);
		for (size_t k = 0; k < el; k++)
			ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz01234"
			                 "56789+/",
			                 enc[k]) != NULL);
		ck_assert_uint_eq(lexc_base64_decoded_len(enc, el), n);
		size_t bn;
		ck_assert(lexc_base64_decode(enc, el, back, sizeof back, &bn, NULL));
		ck_assert_uint_eq(bn, n);
		ck_assert(memcmp(back, data, n) == 0);
		/* Padded to a multiple of 4, too. */
		size_t pl = el;
		while (pl % 4 != 0)
			enc[pl++] = '=';
		ck_assert_uint_eq(lexc_base64_decoded_len(enc, pl), n);
		unsigned char *a = NULL;
		ck_assert(lexc_base64_decode_arena(&arena, enc, pl, &a, &bn, NULL));
		ck_assert_ptr_nonnull(a);
		ck_assert_uint_eq(bn, n);
		ck_assert(memcmp(a, data, n) == 0);
	}
	/* Every byte value at each of the three positions of a group. */
	for (unsigned v = 0; v < 256; v++)
		for (size_t pos = 0; pos < 3; pos++) {
			unsigned char g[3] = {0x55, 0xAA, 0x0F};
			g[pos] = (unsigned char)v;
			size_t el = lexc_base64_encode(g, 3, enc);
			size_t bn;
			ck_assert(lexc_base64_decode(enc, el, back, 3, &bn, NULL));
			ck_assert(memcmp(back, g, 3) == 0);
		}
	/* The arena variant reports its failures. */
	lexc_arena_free(&arena);
	lexc_arena_init(&arena);
	lexc_arena_set_limit(&arena, 1);
	const char *reason;
	unsigned char *a;
	ck_assert(!lexc_base64_decode_arena(&arena, S("Zm9v"), &a, NULL, &reason));
	ck_assert_str_eq(reason, "out of memory");
	lexc_arena_set_limit(&arena, 0);
	ck_assert(!lexc_base64_decode_arena(&arena, S("Zm9vY"), &a, NULL, &reason));
	ck_assert_str_eq(reason, "base64: a final group of one character encodes no byte");
	lexc_arena_free(&arena);
}
END_TEST

/* base64url: RFC 4648's vectors in the URL alphabet, round trips of every
 * length and byte, and each refusal with its reason. */
START_TEST(test_base64url)
{
	static const struct {
		const char *raw, *enc;
	} vectors[] = {{"", ""},
	               {"f", "Zg"},
	               {"fo", "Zm8"},
	               {"foo", "Zm9v"},
	               {"foob", "Zm9vYg"},
	               {"fooba", "Zm9vYmE"},
	               {"foobar", "Zm9vYmFy"},
	               {"\xfb\xff", "-_8"}};
	unsigned char back[300];
	char enc[512];
	size_t n;
	const char *why = NULL;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		size_t rl = strlen(vectors[i].raw);
		size_t el = lexc_base64url_encode(vectors[i].raw, rl, enc);
		ck_assert_uint_eq(el, strlen(vectors[i].enc));
		ck_assert(memcmp(enc, vectors[i].enc, el) == 0);
		ck_assert(lexc_base64url_decode(enc, el, back, sizeof back, &n, &why));
		ck_assert_uint_eq(n, rl);
		ck_assert(memcmp(back, vectors[i].raw, rl) == 0);
	}
	unsigned char data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof data; len++) {
		size_t el = lexc_base64url_encode(data, len, enc);
		ck_assert_uint_eq(el, lexc_base64_encoded_len(len));
		ck_assert(lexc_base64url_decode(enc, el, back, len, &n, NULL));
		ck_assert_uint_eq(n, len);
		ck_assert(memcmp(back, data, len) == 0);
	}
	ck_assert(!lexc_base64url_decode(S("Zm9v="), back, sizeof back, &n, &why));
	ck_assert(!lexc_base64url_decode(S("Zm8="), back, sizeof back, &n, &why));
	ck_assert_str_eq(why, "base64url: padding is not used");
	ck_assert(!lexc_base64url_decode(S("+_8"), back, sizeof back, &n, &why));
	ck_assert_str_eq(why, "base64url: '+' and '/' are standard base64");
	ck_assert(!lexc_base64url_decode(S("Zm 9"), back, sizeof back, &n, &why));
	ck_assert_str_eq(why, "base64url: a character outside the alphabet");
	ck_assert(!lexc_base64url_decode(S("Zm9vY"), back, sizeof back, &n, &why));
	ck_assert_str_eq(why, "base64url: a final group of one character");
	ck_assert(
	        !lexc_base64url_decode(S("Zh"), back, sizeof back, &n, &why)); /* "Zg" with bits */
	ck_assert_str_eq(why, "base64url: not the canonical spelling (unused bits set)");
	ck_assert(!lexc_base64url_decode(S("Zm9vYmFy"), back, 5, &n, &why));
	ck_assert_str_eq(why, "base64url: output buffer too small");
	ck_assert(lexc_base64url_decode(NULL, 0, NULL, 0, &n, &why));
	ck_assert_uint_eq(n, 0);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tr = tcase_create("reader");
	tcase_set_timeout(tr, 120);
	tcase_add_test(tr, test_tokens);
	tcase_add_test(tr, test_whitespace);
	tcase_add_loop_test(tr, test_error_messages, 0,
	                    (int)(sizeof error_cases / sizeof error_cases[0]));
	tcase_add_test(tr, test_errors_are_final);
	tcase_add_test(tr, test_offsets);
	tcase_add_test(tr, test_depth_limit);
	tcase_add_test(tr, test_string_escapes);
	tcase_add_test(tr, test_string_utf8_differential);
	tcase_add_test(tr, test_string_nul_length);
	tcase_add_test(tr, test_string_zero_copy);
	tcase_add_test(tr, test_string_fast_path_positions);
	tcase_add_test(tr, test_empty_keys);
	tcase_add_test(tr, test_duplicates);
	tcase_add_test(tr, test_duplicates_threshold);
	tcase_add_test(tr, test_duplicates_100k_keys);
	tcase_add_loop_test(tr, test_number_values, 0,
	                    (int)(sizeof number_cases / sizeof number_cases[0]));
	tcase_add_test(tr, test_number_roundtrip);
	tcase_add_test(tr, test_skip_value);
	tcase_add_test(tr, test_skip_validates);
	tcase_add_test(tr, test_skip_current);
	tcase_add_test(tr, test_mark_restore);
	tcase_add_test(tr, test_mark_restore_big_object);
	tcase_add_test(tr, test_mark_invalid);
	tcase_add_test(tr, test_arena_limit);
	tcase_add_test(tr, test_token_names);
	suite_add_tcase(s, tr);
	TCase *td = tcase_create("data");
	tcase_add_test(td, test_data_valid);
	tcase_add_test(td, test_data_invalid);
	suite_add_tcase(s, td);
	TCase *tw = tcase_create("writer");
	tcase_add_test(tw, test_writer_structure);
	tcase_add_test(tw, test_writer_escaping);
	tcase_add_test(tw, test_writer_invalid_utf8);
	tcase_add_test(tw, test_writer_no_memory);
	tcase_add_test(tw, test_writer_raw);
	tcase_add_test(tw, test_roundtrip);
	suite_add_tcase(s, tw);
	TCase *tb = tcase_create("base64");
	tcase_add_test(tb, test_base64_rfc4648);
	tcase_add_test(tb, test_base64_invalid);
	tcase_add_test(tb, test_base64_noncanonical);
	tcase_add_test(tb, test_base64_roundtrip);
	tcase_add_test(tb, test_base64url);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
