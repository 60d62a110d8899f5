/* Unit tests for the engine (decode, validate, encode) on hand-written
 * descriptors shaped like generated ones. The generator's own output is
 * tested elsewhere against the interop vectors; these pin the engine's
 * behaviour and messages directly. */
#include "config.h"

#include <lexc/codec.h>

#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define LSTR(lit)                                                                                  \
	{                                                                                          \
		(lit), sizeof(lit) - 1                                                             \
	}
#define NONE LEXC_NO_OFFSET

/* ---- a schema: a rewrite rule, an image, and a webhook input ---------- */

typedef struct rule {
	lexc_str from;
	lexc_str to;
	lexc_extra _extra;
} rule;

typedef struct image {
	lexc_str alt;
	lexc_extra _extra;
} image;

typedef struct input {
	lexc_str url;
	size_t n_events;
	lexc_str *events;
	bool has_active;
	bool active;
	bool has_prefix;
	lexc_str prefix;
	bool has_rewrite;
	size_t n_rewrite;
	rule *rewrite;
	bool has_count;
	int64_t count;
	bool has_note;
	bool note_is_null;
	lexc_str note;
	bool has_embed;
	lexc_union embed;
	bool has_data;
	lexc_bytes data;
	bool has_link;
	lexc_str link;
	bool has_avatar;
	lexc_blob avatar;
	bool has_meta;
	lexc_str meta;
	bool has_name;
	lexc_str name;
	bool has_first;
	rule *first;
	lexc_extra _extra;
} input;

static const lexc_type string_any = {
        .kind = LEXC_KIND_STRING, .u.string = {.max_length = SIZE_MAX, .max_graphemes = SIZE_MAX}};
static const lexc_type string_min1 = {
        .kind = LEXC_KIND_STRING,
        .u.string = {.min_length = 1, .max_length = SIZE_MAX, .max_graphemes = SIZE_MAX}};

static const lexc_field rule_fields[] = {
        {LSTR("from"), &string_min1, offsetof(rule, from), NONE, NONE, NONE, true, false},
        {LSTR("to"), &string_any, offsetof(rule, to), NONE, NONE, NONE, true, false},
};
static const lexc_type rule_type = {.kind = LEXC_KIND_OBJECT,
                                    .name = "test.webhook#rule",
                                    .u.object = {.fields = rule_fields,
                                                 .n_fields = 2,
                                                 .size = sizeof(rule),
                                                 .align = _Alignof(rule),
                                                 .extra_offset = offsetof(rule, _extra),
                                                 .type_name = LSTR("test.webhook#rule")}};

static const lexc_type alt_type = {.kind = LEXC_KIND_STRING,
                                   .u.string = {.max_length = SIZE_MAX, .max_graphemes = 3}};
static const lexc_field image_fields[] = {
        {LSTR("alt"), &alt_type, offsetof(image, alt), NONE, NONE, NONE, true, false},
};
static const lexc_type image_type = {.kind = LEXC_KIND_OBJECT,
                                     .name = "test.image",
                                     .u.object = {.fields = image_fields,
                                                  .n_fields = 1,
                                                  .size = sizeof(image),
                                                  .align = _Alignof(image),
                                                  .extra_offset = offsetof(image, _extra),
                                                  .type_name = LSTR("test.image")}};

static const lexc_str event_enum[] = {LSTR("chat"), LSTR("follow"), LSTR("livestream")};
static const lexc_type event_type = {.kind = LEXC_KIND_STRING,
                                     .u.string = {.max_length = SIZE_MAX,
                                                  .max_graphemes = SIZE_MAX,
                                                  .enum_values = event_enum,
                                                  .n_enum = 3}};
static const lexc_type events_type = {.kind = LEXC_KIND_ARRAY,
                                      .u.array = {.items = &event_type,
                                                  .item_size = sizeof(lexc_str),
                                                  .min_length = 1,
                                                  .max_length = 3}};
static const lexc_type rewrite_type = {
        .kind = LEXC_KIND_ARRAY,
        .u.array = {.items = &rule_type, .item_size = sizeof(rule), .max_length = SIZE_MAX}};
static const lexc_type url_type = {
        .kind = LEXC_KIND_STRING,
        .u.string = {.max_length = SIZE_MAX, .max_graphemes = SIZE_MAX, .format = LEXC_FORMAT_URI}};
static const lexc_type active_type = {.kind = LEXC_KIND_BOOLEAN,
                                      .u.boolean = {.has_default = true, .default_value = true}};
static const lexc_type prefix_type = {.kind = LEXC_KIND_STRING,
                                      .u.string = {.max_length = 10,
                                                   .max_graphemes = SIZE_MAX,
                                                   .has_default = true,
                                                   .default_value = LSTR("[hook]")}};
static const lexc_type count_type = {
        .kind = LEXC_KIND_INTEGER,
        .u.integer = {.has_minimum = true, .minimum = 1, .has_maximum = true, .maximum = 10}};
static const lexc_variant embed_variants[] = {
        {LSTR("test.image"), &image_type},
        {LSTR("test.webhook#rule"), &rule_type},
};
static const lexc_type embed_type = {.kind = LEXC_KIND_UNION,
                                     .u.union_ = {.variants = embed_variants, .n_variants = 2}};
static const lexc_type data_type = {.kind = LEXC_KIND_BYTES,
                                    .u.bytes = {.min_length = 1, .max_length = 8}};
static const lexc_type link_type = {.kind = LEXC_KIND_CID_LINK};
static const lexc_str avatar_accept[] = {LSTR("image/*")};
static const lexc_type avatar_type = {
        .kind = LEXC_KIND_BLOB,
        .u.blob = {.accept = avatar_accept, .n_accept = 1, .has_max_size = true, .max_size = 1000}};
static const lexc_type meta_type = {.kind = LEXC_KIND_UNKNOWN};
static const lexc_type name_type = {.kind = LEXC_KIND_STRING,
                                    .u.string = {.max_length = SIZE_MAX,
                                                 .max_graphemes = SIZE_MAX,
                                                 .format = LEXC_FORMAT_HANDLE}};

#define OPT(field) offsetof(input, has_##field)
/* Sorted by name, as the generator emits them. */
static const lexc_field input_fields[] = {
        {LSTR("active"), &active_type, offsetof(input, active), OPT(active), NONE, NONE, false,
         false},
        {LSTR("avatar"), &avatar_type, offsetof(input, avatar), OPT(avatar), NONE, NONE, false,
         false},
        {LSTR("count"), &count_type, offsetof(input, count), OPT(count), NONE, NONE, false, false},
        {LSTR("data"), &data_type, offsetof(input, data), OPT(data), NONE, NONE, false, false},
        {LSTR("embed"), &embed_type, offsetof(input, embed), OPT(embed), NONE, NONE, false, false},
        {LSTR("events"), &events_type, offsetof(input, events), NONE, NONE,
         offsetof(input, n_events), true, false},
        {LSTR("first"), &rule_type, offsetof(input, first), OPT(first), NONE, NONE, false, false},
        {LSTR("link"), &link_type, offsetof(input, link), OPT(link), NONE, NONE, false, false},
        {LSTR("meta"), &meta_type, offsetof(input, meta), OPT(meta), NONE, NONE, false, false},
        {LSTR("name"), &name_type, offsetof(input, name), OPT(name), NONE, NONE, false, false},
        {LSTR("note"), &string_any, offsetof(input, note), OPT(note), offsetof(input, note_is_null),
         NONE, false, true},
        {LSTR("prefix"), &prefix_type, offsetof(input, prefix), OPT(prefix), NONE, NONE, false,
         false},
        {LSTR("rewrite"), &rewrite_type, offsetof(input, rewrite), OPT(rewrite), NONE,
         offsetof(input, n_rewrite), false, false},
        {LSTR("url"), &url_type, offsetof(input, url), NONE, NONE, NONE, true, false},
};
static const lexc_type input_type = {
        .kind = LEXC_KIND_OBJECT,
        .name = "test.webhook",
        .u.object = {.fields = input_fields,
                     .n_fields = sizeof input_fields / sizeof input_fields[0],
                     .size = sizeof(input),
                     .align = _Alignof(input),
                     .extra_offset = offsetof(input, _extra),
                     .type_name = LSTR("test.webhook"),
                     .is_record = true}};

static const char cid[] = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a";

/* ---- helpers ----------------------------------------------------------- */

static lexc_status decode(const char *json, input *out, lexc_arena *a, lexc_error *err)
{
	return lexc_decode(&input_type, json, strlen(json), a, out, err);
}

/* Decodes `json` expecting failure with exactly "PATH: MESSAGE". */
static void expect_error(const char *json, const char *want)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	lexc_error_clear(&err);
	input v;
	lexc_status st = decode(json, &v, &a, &err);
	char got[600];
	lexc_error_format(&err, got, sizeof got);
	ck_assert_msg(st == LEXC_INVALID_REQUEST, "%s: accepted (status %d)", json, (int)st);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got  %s\n  want %s", json, got, want);
	lexc_arena_free(&a);
}

static char *encode(const input *v, lexc_error *err)
{
	lexc_json_writer w;
	lexc_json_writer_init(&w, err);
	if (lexc_encode(&input_type, v, &w, err) != LEXC_OK) {
		lexc_json_writer_free(&w);
		return NULL;
	}
	return lexc_json_writer_take(&w, NULL);
}

#define MINIMAL                                                                                    \
	"{\"$type\":\"test.webhook\",\"url\":\"https://example.com/hook\",\"events\":[\"chat\"]"

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_minimal_and_defaults)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(MINIMAL "}", &v, &a, &err), LEXC_OK);
	ck_assert_str_eq(v.url.ptr, "https://example.com/hook");
	ck_assert_uint_eq(v.n_events, 1);
	ck_assert_str_eq(v.events[0].ptr, "chat");
	/* Defaults are applied when the property is absent. */
	ck_assert(v.has_active && v.active);
	ck_assert(v.has_prefix);
	ck_assert_str_eq(v.prefix.ptr, "[hook]");
	ck_assert(!v.has_count && !v.has_rewrite && !v.has_embed && !v.has_note);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_full_round_trip)
{
	const char *json =
	        "{\"url\":\"https://example.com/a\",\"$type\":\"test.webhook\","
	        "\"events\":[\"chat\",\"follow\"],\"active\":false,\"prefix\":\"p\",\"count\":10,"
	        "\"rewrite\":[{\"from\":\"a\",\"to\":\"b\"},{\"from\":\"\\u00e9\",\"to\":\"\","
	        "\"why\":[1,{\"x\":null}]}],\"note\":null,"
	        "\"embed\":{\"alt\":\"hi\",\"$type\":\"test.image\"},"
	        "\"data\":{\"$bytes\":\"aGVsbG8\"},\"link\":{\"$link\":\"" /* cid */
	        "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},"
	        "\"avatar\":{\"$type\":\"blob\",\"ref\":{\"$link\":"
	        "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},"
	        "\"mimeType\":\"image/png\",\"size\":999},"
	        "\"meta\":{\"k\": [true, 1.50e1]},\"first\":{\"from\":\"x\",\"to\":\"y\"},"
	        "\"$ignored\":1,\"later\":{\"kept\":\"as is\"}}";
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(json, &v, &a, &err), LEXC_OK);
	ck_assert(v.has_active && !v.active);
	ck_assert_int_eq(v.count, 10);
	ck_assert_uint_eq(v.n_rewrite, 2);
	ck_assert_str_eq(v.rewrite[1].from.ptr, "\xC3\xA9");
	ck_assert_uint_eq(v.rewrite[1]._extra.n, 1);
	ck_assert(v.has_note && v.note_is_null);
	ck_assert_int_eq(v.embed.kind, 1);
	ck_assert_str_eq(((image *)v.embed.value)->alt.ptr, "hi");
	ck_assert_uint_eq(v.data.len, 5);
	ck_assert_int_eq(memcmp(v.data.ptr, "hello", 5), 0);
	ck_assert_str_eq(v.link.ptr, cid);
	ck_assert_int_eq(v.avatar.size, 999);
	ck_assert_str_eq(v.meta.ptr, "{\"k\": [true, 1.50e1]}");
	ck_assert_str_eq(v.first->to.ptr, "y");
	ck_assert_uint_eq(v._extra.n, 1);
	ck_assert_str_eq(v._extra.fields[0].key.ptr, "later");

	lexc_error_clear(&err);
	char *out = encode(&v, &err);
	ck_assert_msg(out != NULL, "encode failed: %s", err.message);
	const char *want =
	        "{\"$type\":\"test.webhook\",\"active\":false,\"avatar\":{\"$type\":\"blob\","
	        "\"ref\":"
	        "{\"$link\":\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},"
	        "\"mimeType\":\"image/png\",\"size\":999},\"count\":10,\"data\":{\"$bytes\":"
	        "\"aGVsbG8\"},\"embed\":{\"$type\":\"test.image\",\"alt\":\"hi\"},\"events\":"
	        "[\"chat\",\"follow\"],\"first\":{\"from\":\"x\",\"to\":\"y\"},\"link\":{\"$link\":"
	        "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},\"meta\":{\"k\":"
	        "[true,1.50e1]},\"note\":null,\"prefix\":\"p\",\"rewrite\":[{\"from\":\"a\",\"to\":"
	        "\"b\"},{\"from\":\"\xC3\xA9\",\"to\":\"\",\"why\":[1,{\"x\":null}]}],\"url\":"
	        "\"https://example.com/a\",\"later\":{\"kept\":\"as is\"}}";
	ck_assert_str_eq(out, want);
	/* decode → encode → decode → encode is a fixed point. */
	input v2;
	lexc_arena a2 = LEXC_ARENA_INIT;
	ck_assert_int_eq(decode(out, &v2, &a2, &err), LEXC_OK);
	char *out2 = encode(&v2, &err);
	ck_assert_str_eq(out, out2);
	ck_assert_int_eq(lexc_validate(&input_type, &v2, &err), LEXC_OK);
	free(out);
	free(out2);
	lexc_arena_free(&a);
	lexc_arena_free(&a2);
}
END_TEST

START_TEST(test_legacy_blob_round_trip)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(MINIMAL
	                        ",\"avatar\":{\"mimeType\":\"image/png\",\"cid\":"
	                        "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"}}",
	                        &v, &a, &err),
	                 LEXC_OK);
	ck_assert(v.avatar.legacy);
	ck_assert_int_eq(v.avatar.size, -1);
	ck_assert_int_eq(lexc_validate(&input_type, &v, &err), LEXC_OK);
	char *out = encode(&v, &err);
	ck_assert_ptr_nonnull(out);
	/* Re-emitted in the form it came in: nothing is invented or lost. */
	ck_assert_ptr_nonnull(strstr(out,
	                             "\"avatar\":{\"cid\":\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blm"
	                             "oeu4rujcjtnci5beludirz2a\",\"mimeType\":\"image/png\"}"));
	free(out);
	lexc_arena_free(&a);
}
END_TEST

/* A body whose schema is a union: decode, validate and encode take the
 * lexc_union itself. */
START_TEST(test_union_root)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	lexc_union u;
	const char *json = "{\"$type\":\"test.webhook#rule\",\"from\":\"a\",\"to\":\"b\"}";
	ck_assert_int_eq(lexc_decode(&embed_type, json, strlen(json), &a, &u, &err), LEXC_OK);
	ck_assert_int_eq(u.kind, 2);
	ck_assert_int_eq(lexc_validate(&embed_type, &u, &err), LEXC_OK);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(&embed_type, &u, &w, &err), LEXC_OK);
	size_t len;
	char *out = lexc_json_writer_take(&w, &len);
	ck_assert_str_eq(out, json);
	free(out);
	lexc_json_writer_free(&w);
	/* Integral reals pass inside kept values; the variant's own integers
	 * too. */
	json = "{\"$type\":\"other.thing\",\"n\":[1.0,1e2,-0]}";
	ck_assert_int_eq(lexc_decode(&embed_type, json, strlen(json), &a, &u, &err), LEXC_OK);
	ck_assert_int_eq(u.kind, 0);
	ck_assert_int_eq(lexc_validate(&embed_type, &u, &err), LEXC_OK);
	u.kind = 3;
	ck_assert_int_eq(lexc_validate(&embed_type, &u, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.path, "$");
	ck_assert_int_eq(lexc_decode(&embed_type, "[]", 2, &a, &u, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.path, "$");
	ck_assert_int_eq(lexc_decode(&event_type, "{}", 2, &a, &u, &err),
	                 LEXC_INTERNAL_SERVER_ERROR);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_open_union_keeps_unknown_variant)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(
	        decode(MINIMAL ",\"embed\":{\"x\": 1, \"$type\":\"other.thing\"}}", &v, &a, &err),
	        LEXC_OK);
	ck_assert_int_eq(v.embed.kind, 0);
	ck_assert_str_eq(v.embed.type.ptr, "other.thing");
	ck_assert_str_eq(v.embed.raw.ptr, "{\"x\": 1, \"$type\":\"other.thing\"}");
	char *out = encode(&v, &err);
	ck_assert_ptr_nonnull(strstr(out, "\"embed\":{\"x\":1,\"$type\":\"other.thing\"}"));
	free(out);
	lexc_arena_free(&a);
}
END_TEST

struct error_case {
	const char *json;
	const char *want;
};

static const struct error_case error_cases[] = {
        {"{\"url\":\"https://x.y/\",\"events\":[\"chat\"]}", "$: record is missing its $type"},
        {"{\"$type\":\"other\",\"url\":\"https://x.y/\",\"events\":[\"chat\"]}",
         "$.$type: $type must be \"test.webhook\""},
        {"{\"$type\":\"test.webhook\",\"events\":[\"chat\"]}",
         "$: missing required property \"url\""},
        {MINIMAL ",\"rewrite\":[{\"from\":\"a\",\"to\":\"b\"},{\"from\":\"\",\"to\":\"c\"}]}",
         "$.rewrite[1].from: shorter than minLength 1"},
        {MINIMAL ",\"rewrite\":[{\"from\":\"a\"}]}",
         "$.rewrite[0]: missing required property \"to\""},
        {MINIMAL ",\"prefix\":\"12345678901\"}", "$.prefix: longer than maxLength 10"},
        {MINIMAL ",\"count\":0}", "$.count: less than minimum 1"},
        {MINIMAL ",\"count\":11}", "$.count: greater than maximum 10"},
        {MINIMAL ",\"count\":1.5}", "$.count: expected an integer, got a fraction"},
        {MINIMAL ",\"count\":\"3\"}", "$.count: expected an integer, got string"},
        {MINIMAL ",\"active\":1}", "$.active: expected a boolean, got number"},
        {"{\"$type\":\"test.webhook\",\"url\":\"https://x.y/\",\"events\":[]}",
         "$.events: fewer than minLength 1 items"},
        {"{\"$type\":\"test.webhook\",\"url\":\"https://x.y/\",\"events\":[\"chat\",\"chat\","
         "\"chat\",\"chat\"]}",
         "$.events: more than maxLength 3 items"},
        {"{\"$type\":\"test.webhook\",\"url\":\"https://x.y/\",\"events\":[\"chat\",\"mention\"]}",
         "$.events[1]: \"mention\" is not one of the allowed values"},
        {"{\"$type\":\"test.webhook\",\"url\":\"not a uri\",\"events\":[\"chat\"]}",
         "$.url: invalid uri: must start with a scheme and ':'"},
        {MINIMAL ",\"name\":\"-bad-.example\"}",
         "$.name: invalid handle: labels must not start or end with a hyphen"},
        {MINIMAL ",\"note\":3}", "$.note: expected a string, got number"},
        {MINIMAL ",\"prefix\":null}", "$.prefix: expected a string, got null"},
        {MINIMAL ",\"embed\":{\"alt\":\"x\"}}", "$.embed: union value is missing its $type"},
        {MINIMAL ",\"embed\":{\"$type\":\"test.image#main\",\"alt\":\"x\"}}",
         "$.embed: $type must not end with #main (write the bare NSID)"},
        {MINIMAL ",\"embed\":{\"$type\":\"test.image\",\"alt\":\"abcd\"}}",
         "$.embed.alt: longer than maxGraphemes 3"},
        /* The union's first JSON error wins over its rules, as when `$type`
         * is not first and the object is scanned ahead. */
        {MINIMAL ",\"embed\":{\"$type\":\"test.image\",\"alt\":\"abcd\",\"x\":}}",
         "$.embed: invalid JSON at byte 122: expected a value"},
        {MINIMAL ",\"embed\":{\"$type\":\"test.image\",\"alt\":\"abcd\",\"alt\":\"x\"}}",
         "$.embed: invalid JSON at byte 118: duplicate key \"alt\""},
        {MINIMAL ",\"note\":\"a\",\"note\":\"b\"}",
         "$: invalid JSON at byte 86: duplicate key \"note\""},
        {MINIMAL ",\"embed\":[]}", "$.embed: expected an object (union), got array"},
        {MINIMAL ",\"data\":{\"$bytes\":\"\"}}", "$.data: shorter than minLength 1 bytes"},
        {MINIMAL ",\"data\":{\"$bytes\":\"aGVsbG8gd29ybGQ\"}}",
         "$.data: longer than maxLength 8 bytes"},
        {MINIMAL ",\"data\":{\"bytes\":\"aGVsbG8\"}}",
         "$.data: expected a bytes object {\"$bytes\": \"<base64>\"}"},
        {MINIMAL ",\"data\":{\"$bytes\":\"aGVsbG8\",\"x\":1}}",
         "$.data: $bytes object has extra properties"},
        {MINIMAL ",\"link\":\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"}",
         "$.link: expected a link object {\"$link\": \"<cid>\"}, got string"},
        {MINIMAL ",\"avatar\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafyreidfayvfuwqa7qlnopdji"
                 "qrxzs6blmoeu4rujcjtnci5beludirz2a\"},\"mimeType\":\"text/plain\",\"size\":1}}",
         "$.avatar: blob mimeType \"text/plain\" is not accepted"},
        {MINIMAL ",\"avatar\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafyreidfayvfuwqa7qlnopdji"
                 "qrxzs6blmoeu4rujcjtnci5beludirz2a\"},\"mimeType\":\"image/png\",\"size\":1001}}",
         "$.avatar: blob size 1001 greater than maxSize 1000"},
        {MINIMAL ",\"meta\":[1]}", "$.meta: expected an object, got array"},
        {MINIMAL ",\"meta\":{\"$bytes\":\"123\"}}",
         "$.meta: unknown value must not be a blob, bytes or link object"},
        {MINIMAL ",\"first\":\"x\"}", "$.first: expected an object, got string"},
        /* The data model has no floats, also inside values kept raw. */
        {MINIMAL ",\"meta\":{\"a\":[1,2.5]}}",
         "$.meta.a[1]: not an integer (the data model has no floats)"},
        {MINIMAL ",\"meta\":{\"a\":1e30}}",
         "$.meta.a: integer out of the 64-bit range"},
        {MINIMAL ",\"embed\":{\"$type\":\"other.thing\",\"x\":0.1}}",
         "$.embed: number at byte 110 is not an integer (the data model has no floats)"},
        {MINIMAL ",\"extra\":-0.5}",
         "$.extra: not an integer (the data model has no floats)"},
        {MINIMAL ",\"\":1}", "$: invalid JSON at byte 75: empty object key"},
        {MINIMAL ",\"url\":\"https://x.y/\"}", NULL /* duplicate: reader's message */},
        {MINIMAL "} x", NULL /* trailing data: reader's message */},
        {"[1]", "$: expected an object, got array"},
};

START_TEST(test_errors)
{
	const struct error_case *c = &error_cases[_i];
	if (c->want != NULL) {
		expect_error(c->json, c->want);
		return;
	}
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(c->json, &v, &a, &err), LEXC_INVALID_REQUEST);
	ck_assert_uint_gt(strlen(err.message), 0);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_encode_rejects_invalid_values)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(MINIMAL "}", &v, &a, &err), LEXC_OK);
	v.has_count = true;
	v.count = 99;
	char *out = encode(&v, &err);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(err.path, "$.count");
	ck_assert_int_eq(lexc_validate(&input_type, &v, &err), LEXC_INVALID_REQUEST);
	v.count = 5;
	v.url.ptr = NULL;
	ck_assert_int_eq(lexc_validate(&input_type, &v, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "missing required property \"url\"");
	v.url.ptr = "\xFF";
	v.url.len = 1;
	ck_assert_int_eq(lexc_validate(&input_type, &v, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "string is not valid UTF-8");
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_arena_reset_loop_is_flat)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	size_t held = 0;
	for (int i = 0; i < 200; i++) {
		ck_assert_int_eq(decode(MINIMAL ",\"rewrite\":[{\"from\":\"a\",\"to\":\"b\"}]}", &v,
		                        &a, &err),
		                 LEXC_OK);
		if (i == 10)
			held = lexc_arena_heap_bytes(&a);
		if (i > 10)
			ck_assert_uint_eq(lexc_arena_heap_bytes(&a), held);
		lexc_arena_reset(&a);
	}
	lexc_arena_free(&a);
}
END_TEST

static Suite *codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("codec");
	tcase_add_test(tc, test_minimal_and_defaults);
	tcase_add_test(tc, test_full_round_trip);
	tcase_add_test(tc, test_open_union_keeps_unknown_variant);
	tcase_add_test(tc, test_union_root);
	tcase_add_test(tc, test_legacy_blob_round_trip);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof error_cases / sizeof error_cases[0]));
	tcase_add_test(tc, test_encode_rejects_invalid_values);
	tcase_add_test(tc, test_arena_reset_loop_is_flat);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
