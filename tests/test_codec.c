/* Unit tests for the engine (decode, validate, encode) on hand-written
 * descriptors shaped like generated ones. The generator's own output is
 * tested elsewhere against the interop vectors; these pin the engine's
 * behaviour and messages directly. */
#include "config.h"

#include <lexc/codec.h>
#include <lexc/utf8.h>

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LSTR(lit)                                                                                  \
	{                                                                                          \
		(lit), sizeof(lit) - 1                                                             \
	}
/* Required (no flags) and optional members of struct `st`. */
#define REQ(key, t, st, m)                                                                         \
	{                                                                                          \
		.name = LSTR(key), .type = &(t), .offset = offsetof(st, m)                         \
	}
#define OPT(key, t, st, m)                                                                         \
	{                                                                                          \
		.name = LSTR(key), .type = &(t), .offset = offsetof(st, m),                        \
		.flags = LEXC_FIELD_OPTIONAL, .has_offset = offsetof(st, has_##m)                  \
	}
#define V LEXC_LAYOUT_VERSION

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
	rule *first; /* optional: NULL is absent */
	lexc_extra _extra;
} input;

/* Zero-initialised rules are no constraint: any string. */
static const lexc_type string_any = {.layout = V, .kind = LEXC_KIND_STRING};
static const lexc_type string_min1 = {
        .layout = V, .kind = LEXC_KIND_STRING, .u.string = {.min_length = 1}};

static const lexc_field rule_fields[] = {
        REQ("from", string_min1, rule, from),
        REQ("to", string_any, rule, to),
};
static const lexc_type rule_type = {.layout = V,
                                    .kind = LEXC_KIND_OBJECT,
                                    .name = "test.webhook#rule",
                                    .u.object = {.fields = rule_fields,
                                                 .n_fields = 2,
                                                 .size = sizeof(rule),
                                                 .align = _Alignof(rule),
                                                 .has_extra = true,
                                                 .extra_offset = offsetof(rule, _extra),
                                                 .type_name = LSTR("test.webhook#rule")}};

static const lexc_type alt_type = {.layout = V,
                                   .kind = LEXC_KIND_STRING,
                                   .u.string = {.has_max_graphemes = true, .max_graphemes = 3}};
static const lexc_field image_fields[] = {
        REQ("alt", alt_type, image, alt),
};
static const lexc_type image_type = {.layout = V,
                                     .kind = LEXC_KIND_OBJECT,
                                     .name = "test.image",
                                     .u.object = {.fields = image_fields,
                                                  .n_fields = 1,
                                                  .size = sizeof(image),
                                                  .align = _Alignof(image),
                                                  .has_extra = true,
                                                  .extra_offset = offsetof(image, _extra),
                                                  .type_name = LSTR("test.image")}};

static const lexc_str event_enum[] = {LSTR("chat"), LSTR("follow"), LSTR("livestream")};
static const lexc_type event_type = {.layout = V,
                                     .kind = LEXC_KIND_STRING,
                                     .u.string = {.enum_values = event_enum, .n_enum = 3}};
static const lexc_type events_type = {.layout = V,
                                      .kind = LEXC_KIND_ARRAY,
                                      .u.array = {.items = &event_type,
                                                  .item_size = sizeof(lexc_str),
                                                  .min_length = 1,
                                                  .has_max_length = true,
                                                  .max_length = 3}};
static const lexc_type rewrite_type = {.layout = V,
                                       .kind = LEXC_KIND_ARRAY,
                                       .u.array = {.items = &rule_type, .item_size = sizeof(rule)}};
static const lexc_type url_type = {
        .layout = V, .kind = LEXC_KIND_STRING, .u.string = {.format = LEXC_FORMAT_URI}};
static const lexc_type active_type = {.layout = V,
                                      .kind = LEXC_KIND_BOOLEAN,
                                      .u.boolean = {.has_default = true, .default_value = true}};
static const lexc_type prefix_type = {.layout = V,
                                      .kind = LEXC_KIND_STRING,
                                      .u.string = {.has_max_length = true,
                                                   .max_length = 10,
                                                   .has_default = true,
                                                   .default_value = LSTR("[hook]")}};
static const lexc_type count_type = {
        .layout = V,
        .kind = LEXC_KIND_INTEGER,
        .u.integer = {.has_minimum = true, .minimum = 1, .has_maximum = true, .maximum = 10}};
static const lexc_variant embed_variants[] = {
        {LSTR("test.image"), &image_type},
        {LSTR("test.webhook#rule"), &rule_type},
};
static const lexc_type embed_type = {.layout = V,
                                     .kind = LEXC_KIND_UNION,
                                     .u.union_ = {.variants = embed_variants, .n_variants = 2}};
static const lexc_type data_type = {
        .layout = V,
        .kind = LEXC_KIND_BYTES,
        .u.bytes = {.min_length = 1, .has_max_length = true, .max_length = 8}};
static const lexc_type link_type = {.layout = V, .kind = LEXC_KIND_CID_LINK};
static const lexc_str avatar_accept[] = {LSTR("image/*")};
static const lexc_type avatar_type = {
        .layout = V,
        .kind = LEXC_KIND_BLOB,
        .u.blob = {.accept = avatar_accept, .n_accept = 1, .has_max_size = true, .max_size = 1000}};
static const lexc_type meta_type = {.layout = V, .kind = LEXC_KIND_UNKNOWN};
static const lexc_type name_type = {
        .layout = V, .kind = LEXC_KIND_STRING, .u.string = {.format = LEXC_FORMAT_HANDLE}};

/* Sorted by name, as the generator emits them. */
static const lexc_field input_fields[] = {
        OPT("active", active_type, input, active),
        OPT("avatar", avatar_type, input, avatar),
        OPT("count", count_type, input, count),
        OPT("data", data_type, input, data),
        OPT("embed", embed_type, input, embed),
        {.name = LSTR("events"),
         .type = &events_type,
         .offset = offsetof(input, events),
         .flags = LEXC_FIELD_COUNTED,
         .count_offset = offsetof(input, n_events)},
        /* An optional object: its pointer is its presence. */
        {.name = LSTR("first"),
         .type = &rule_type,
         .offset = offsetof(input, first),
         .flags = LEXC_FIELD_OPTIONAL},
        OPT("link", link_type, input, link),
        OPT("meta", meta_type, input, meta),
        OPT("name", name_type, input, name),
        {.name = LSTR("note"),
         .type = &string_any,
         .offset = offsetof(input, note),
         .flags = LEXC_FIELD_OPTIONAL | LEXC_FIELD_NULLABLE,
         .has_offset = offsetof(input, has_note),
         .null_offset = offsetof(input, note_is_null)},
        OPT("prefix", prefix_type, input, prefix),
        {.name = LSTR("rewrite"),
         .type = &rewrite_type,
         .offset = offsetof(input, rewrite),
         .flags = LEXC_FIELD_OPTIONAL | LEXC_FIELD_COUNTED,
         .has_offset = offsetof(input, has_rewrite),
         .count_offset = offsetof(input, n_rewrite)},
        REQ("url", url_type, input, url),
};
static const lexc_type input_type = {
        .layout = V,
        .kind = LEXC_KIND_OBJECT,
        .name = "test.webhook",
        .u.object = {.fields = input_fields,
                     .n_fields = sizeof input_fields / sizeof input_fields[0],
                     .size = sizeof(input),
                     .align = _Alignof(input),
                     .has_extra = true,
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
        {MINIMAL ",\"meta\":{\"a\":1e30}}", "$.meta.a: integer out of the 64-bit range"},
        {MINIMAL ",\"embed\":{\"$type\":\"other.thing\",\"x\":0.1}}",
         "$.embed: number at byte 110 is not an integer (the data model has no floats)"},
        {MINIMAL ",\"extra\":-0.5}", "$.extra: not an integer (the data model has no floats)"},
        /* The data model's rules on raw values: unknown, undeclared
         * properties, reserved keys and unknown union variants. */
        {MINIMAL ",\"meta\":{\"$type\":5}}", "$.meta.$type: $type must be a string"},
        {MINIMAL ",\"meta\":{\"$type\":\"\"}}", "$.meta.$type: $type must not be empty"},
        {MINIMAL ",\"meta\":{\"a\":{\"$link\":\"nope\"}}}",
         "$.meta.a.$link: invalid cid: shorter than 8 characters"},
        {MINIMAL ",\"meta\":{\"a\":{\"$link\":5}}}", "$.meta.a.$link: $link must be a CID string"},
        {MINIMAL ",\"meta\":{\"a\":{\"$link\":"
                 "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\",\"x\":1}}}",
         "$.meta.a: an object with $link must be exactly {\"$link\": \"<cid>\"}"},
        {MINIMAL ",\"meta\":{\"a\":{\"$bytes\":\"!!\"}}}",
         "$.meta.a.$bytes: invalid base64 in $bytes: base64: invalid character"},
        {MINIMAL ",\"meta\":{\"a\":{\"$bytes\":[]}}}",
         "$.meta.a.$bytes: $bytes must be a base64 string"},
        {MINIMAL ",\"meta\":{\"a\":{\"x\":1,\"$bytes\":\"AAAA\"}}}",
         "$.meta.a: an object with $bytes must be exactly {\"$bytes\": \"<base64>\"}"},
        {MINIMAL ",\"meta\":{\"a\":{\"$type\":\"blob\",\"ref\":\"x\",\"mimeType\":\"a/b\","
                 "\"size\":1}}}",
         "$.meta.a.ref: a blob needs \"ref\": {\"$link\": \"<cid>\"}"},
        {MINIMAL ",\"meta\":{\"a\":{\"ref\":{\"$link\":"
                 "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},\"mimeType\":5,"
                 "\"size\":1,"
                 "\"$type\":\"blob\"}}}",
         "$.meta.a.mimeType: a blob needs \"mimeType\" as a string"},
        {MINIMAL ",\"meta\":{\"a\":[{\"$type\":\"blob\",\"ref\":{\"$link\":"
                 "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},"
                 "\"mimeType\":\"a/b\",\"size\":\"1\"}]}}",
         "$.meta.a[0].size: a blob needs \"size\" as an integer"},
        {MINIMAL ",\"meta\":{\"a\":{\"$type\":\"blob\",\"mimeType\":\"a/b\",\"size\":1}}}",
         "$.meta.a: a blob needs \"ref\": {\"$link\": \"<cid>\"}"},
        {MINIMAL
         ",\"meta\":{\"$type\":\"blob\",\"ref\":{\"$link\":"
         "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},\"mimeType\":\"a/b\","
         "\"size\":1}}",
         "$.meta: unknown value must not be a blob, bytes or link object"},
        {MINIMAL
         ",\"extra\":{\"deep\":[{\"$link\":"
         "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\",\"$bytes\":\"\"}]}}",
         "$.extra.deep[0]: an object with $link must be exactly {\"$link\": \"<cid>\"}"},
        {MINIMAL ",\"extra\":{\"$type\":\"\"}}", "$.extra.$type: $type must not be empty"},
        {MINIMAL ",\"$reserved\":{\"a\":0.5}}",
         "$.$reserved.a: not an integer (the data model has no floats)"},
        {MINIMAL ",\"embed\":{\"$type\":\"other.thing\",\"a\":{\"$bytes\":\"AAAA\",\"b\":1}}}",
         "$.embed.a: an object with $bytes must be exactly {\"$bytes\": \"<base64>\"}"},
        {MINIMAL ",\"embed\":{\"$type\":\"\"}}", "$.embed.$type: $type must not be empty"},
        /* A blob is no union variant: encode would refuse to write it. */
        {MINIMAL ",\"embed\":{\"$type\":\"blob\",\"ref\":{\"$link\":"
                 "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},"
                 "\"mimeType\":\"a/b\",\"size\":1}}",
         "$.embed: an open union's unknown variant must be a plain object with a $type"},
        /* Unknown keys inside a typed blob are checked, then dropped. */
        {MINIMAL ",\"avatar\":{\"$type\":\"blob\",\"ref\":{\"$link\":"
                 "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},"
                 "\"mimeType\":\"image/png\",\"size\":1,\"x\":[0.5]}}",
         "$.avatar.x[0]: not an integer (the data model has no floats)"},
        {MINIMAL ",\"first\":{\"$type\":\"\",\"from\":\"a\",\"to\":\"b\"}}",
         "$.first.$type: $type must not be empty"},
        /* Input quoted in a message is cut at a character boundary. */
        {"{\"$type\":\"test.webhook\",\"url\":\"https://example.com/"
         "hook\",\"events\":["
         "\"x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
         "\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
         "\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
         "\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"]}",
         "$.events[0]: "
         "\"x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
         "\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
         "\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9...\" is not "
         "one of the allowed values"},
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

/* Raw values a handler builds go out only when the reader and the data
 * model accept them; each refusal names the path. */
static void expect_encode_error(const input *v, const char *want)
{
	lexc_error err;
	lexc_error_clear(&err);
	char *out = encode(v, &err);
	char got[600];
	lexc_error_format(&err, got, sizeof got);
	ck_assert_msg(out == NULL, "encoded %s, want error %s", out != NULL ? out : "", want);
	ck_assert_msg(strcmp(got, want) == 0, "\n  got  %s\n  want %s", got, want);
	ck_assert_int_eq(err.code, LEXC_INVALID_REQUEST);
	/* lexc_validate() walks the same way. */
	lexc_error_clear(&err);
	ck_assert_int_eq(lexc_validate(&input_type, v, &err), LEXC_INVALID_REQUEST);
	lexc_error_format(&err, got, sizeof got);
	ck_assert_str_eq(got, want);
}

START_TEST(test_encode_checks_raw_values)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(MINIMAL "}", &v, &a, &err), LEXC_OK);
	v.has_meta = true;
	struct {
		const char *meta, *want;
	} metas[] = {
	        {"{\"a\":", "$.meta.a: invalid JSON at byte 5: unexpected end of input"},
	        {"{\"a\":1} {}",
	         "$.meta: invalid JSON at byte 8: trailing data after the JSON value"},
	        {"{\"a\":1.5}", "$.meta.a: not an integer (the data model has no floats)"},
	        {"{\"a\":1,\"a\":2}", "$.meta: invalid JSON at byte 7: duplicate key \"a\""},
	        {"{\"$type\":\"\"}", "$.meta.$type: $type must not be empty"},
	        {"{\"x\":{\"$link\":\"nope\"}}",
	         "$.meta.x.$link: invalid cid: shorter than 8 characters"},
	        {"{\"$bytes\":\"AAAA\"}",
	         "$.meta: unknown value must not be a blob, bytes or link object"},
	        {"[1]", "$.meta: unknown value must be a JSON object"},
	        {"{\"s\":\"\xFF\"}", "$.meta.s: invalid UTF-8 at byte 6"},
	};
	for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++) {
		v.meta.ptr = metas[i].meta;
		v.meta.len = strlen(metas[i].meta);
		expect_encode_error(&v, metas[i].want);
	}
	v.meta.ptr =
	        "{ \"ok\" : [ 1 , "
	        "{\"$link\":\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"} ] }";
	v.meta.len = strlen(v.meta.ptr);
	char *out = encode(&v, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(
	        strstr(out, ",\"meta\":{\"ok\":[1,{\"$link\":"
	                    "\"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"}]}"));
	free(out);
	v.has_meta = false;

	/* Undeclared properties: a key that is declared, reserved, empty or
	 * repeated, or a bad value. */
	lexc_extra_field fields[20];
	v._extra.fields = fields;
	struct {
		const char *key, *json, *want;
	} extras[] = {
	        {"url", "1", "$.url: undeclared property repeats a declared one"},
	        {"$type", "\"x\"",
	         "$.$type: undeclared property has a reserved key (starting with $)"},
	        {"", "1", "$._extra[0]: undeclared property has an empty key"},
	        {"k", "", "$.k: invalid JSON at byte 0: unexpected end of input"},
	        {"k", "{\"$bytes\":\"A\"}",
	         "$.k.$bytes: invalid base64 in $bytes: base64: a final group of one character "
	         "encodes no byte"},
	};
	for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
		fields[0].key = (lexc_str){extras[i].key, strlen(extras[i].key)};
		fields[0].json = (lexc_str){extras[i].json, strlen(extras[i].json)};
		v._extra.n = 1;
		expect_encode_error(&v, extras[i].want);
	}
	/* Repeats are found among a few (pairwise) and among many (sorted). */
	static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
	                                    "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"};
	for (size_t n = 2; n <= 20; n += 18) {
		for (size_t i = 0; i < n; i++) {
			fields[i].key = (lexc_str){names[i], 1};
			fields[i].json = (lexc_str){"0", 1};
		}
		v._extra.n = n;
		out = encode(&v, &err);
		ck_assert_ptr_nonnull(out);
		free(out);
		fields[n - 1].key = (lexc_str){names[n / 2 - 1], 1};
		char want[64];
		snprintf(want, sizeof want, "$.%s: undeclared property repeated", names[n / 2 - 1]);
		expect_encode_error(&v, want);
	}
	v._extra.n = 0;

	/* An open union's raw variant: one object with a $type that is not a
	 * known variant. */
	v.has_embed = true;
	v.embed.kind = 0;
	struct {
		const char *raw, *want;
	} raws[] = {
	        {"{\"x\":1}",
	         "$.embed: an open union's unknown variant must be a plain object with a $type"},
	        {"{\"$type\":\"test.image\",\"alt\":\"a\"}",
	         "$.embed: an open union's raw value names one of its known variants"},
	        {"{\"$type\":\"x.y\",\"z\":0.5}",
	         "$.embed.z: not an integer (the data model has no floats)"},
	        {"{\"$type\":\"x.y\"", "$.embed: invalid JSON at byte 14: unexpected end of input"},
	        {"{\"$type\":\"x.y#main\"}",
	         "$.embed: $type must not end with #main (write the bare NSID)"},
	};
	for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
		v.embed.raw = (lexc_str){raws[i].raw, strlen(raws[i].raw)};
		expect_encode_error(&v, raws[i].want);
	}
	lexc_arena_free(&a);
}
END_TEST

/* A recursive type: decode's depth limit holds in validate and encode, so a
 * deep or cyclic value built in memory cannot overflow the stack. */
typedef struct node {
	struct node *child; /* optional: NULL is absent */
	lexc_str meta;
	bool has_meta;
	lexc_extra _extra;
} node;

static const lexc_type node_type;
static const lexc_field node_fields[] = {
        {.name = LSTR("child"),
         .type = &node_type,
         .offset = offsetof(node, child),
         .flags = LEXC_FIELD_OPTIONAL},
        OPT("meta", meta_type, node, meta),
};
static const lexc_type node_type = {.layout = V,
                                    .kind = LEXC_KIND_OBJECT,
                                    .name = "test.node",
                                    .u.object = {.fields = node_fields,
                                                 .n_fields = 2,
                                                 .size = sizeof(node),
                                                 .align = _Alignof(node),
                                                 .has_extra = true,
                                                 .extra_offset = offsetof(node, _extra)}};

/* Review findings: padding inside a long raw $bytes, a $bytes allocation
 * stopped by the arena's limit (413, not 400), and a long non-ASCII key cut
 * in a path at a character boundary. */
START_TEST(test_raw_edges)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	size_t n = 1022 + 2 + 4;
	char *b64 = malloc(n + 1);
	ck_assert_ptr_nonnull(b64);
	memset(b64, 'A', n);
	memcpy(b64 + 1022, "==", 2);
	b64[n] = '\0';
	char *json = malloc(n + 200);
	ck_assert_ptr_nonnull(json);
	snprintf(json, n + 200, MINIMAL ",\"meta\":{\"a\":{\"$bytes\":\"%s\"}}}", b64);
	expect_error(json,
	             "$.meta.a.$bytes: invalid base64 in $bytes: base64: misplaced padding '='");
	b64[1022] = b64[1023] = 'A';
	snprintf(json, n + 200, MINIMAL ",\"meta\":{\"a\":{\"$bytes\":\"%s\"}}}", b64);
	ck_assert_int_eq(decode(json, &v, &a, &err), LEXC_OK);
	free(json);
	free(b64);
	lexc_arena_free(&a);

	/* 200 KB of base64 in a bytes field under a 64 KiB arena limit. */
	n = 200000;
	json = malloc(n + 200);
	ck_assert_ptr_nonnull(json);
	size_t o = (size_t)snprintf(json, n + 200, MINIMAL ",\"data\":{\"$bytes\":\"");
	memset(json + o, 'A', n);
	memcpy(json + o + n, "\"}}", 4);
	lexc_arena_init(&a);
	lexc_arena_set_limit(&a, 64 * 1024);
	ck_assert_int_eq(decode(json, &v, &a, &err), LEXC_LIMIT_EXCEEDED);
	ck_assert_int_eq(lexc_status_http(err.code), 413);
	free(json);
	lexc_arena_free(&a);

	/* "a€€€…": 301 bytes of key, cut in the path without splitting a €. */
	char key[302] = "a";
	for (int i = 0; i < 100; i++)
		memcpy(key + 1 + 3 * i, "\xE2\x82\xAC", 3);
	key[301] = '\0';
	json = malloc(600);
	ck_assert_ptr_nonnull(json);
	snprintf(json, 600, MINIMAL ",\"%s\":1.5}", key);
	ck_assert_int_eq(decode(json, &v, &a, &err), LEXC_INVALID_REQUEST);
	ck_assert(lexc_utf8_valid(err.path, strlen(err.path)));
	ck_assert_ptr_nonnull(strstr(err.path, "a\xE2\x82\xAC"));
	free(json);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_depth_bound)
{
	node nodes[40];
	memset(nodes, 0, sizeof nodes);
	for (int i = 0; i < 39; i++)
		nodes[i].child = &nodes[i + 1];
	lexc_error err;
	/* 32 objects deep is the limit, as for decode. */
	nodes[31].child = NULL;
	ck_assert_int_eq(lexc_validate(&node_type, nodes, &err), LEXC_OK);
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(&node_type, nodes, &w, &err), LEXC_OK);
	lexc_arena a = LEXC_ARENA_INIT;
	node back;
	ck_assert_int_eq(lexc_decode(&node_type, w.buf, w.len, &a, &back, &err), LEXC_OK);
	lexc_json_writer_free(&w);
	/* An unknown value counts its own levels: room for none at 32. */
	nodes[31].has_meta = true;
	nodes[31].meta = (lexc_str){"{}", 2};
	ck_assert_int_eq(lexc_validate(&node_type, nodes, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "nesting deeper than 32 levels");
	nodes[31].has_meta = false;
	nodes[30].has_meta = true;
	nodes[30].meta = (lexc_str){"{\"a\":{}}", 8};
	ck_assert_int_eq(lexc_validate(&node_type, nodes, &err), LEXC_INVALID_REQUEST);
	nodes[30].meta = (lexc_str){"{\"a\":1}", 7};
	ck_assert_int_eq(lexc_validate(&node_type, nodes, &err), LEXC_OK);
	nodes[30].has_meta = false;
	nodes[31].child = &nodes[32];
	nodes[32].child = NULL;
	ck_assert_int_eq(lexc_validate(&node_type, nodes, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "nesting deeper than 32 levels");
	/* A cycle fails the same way. */
	nodes[32].child = &nodes[0];
	ck_assert_int_eq(lexc_validate(&node_type, nodes, &err), LEXC_INVALID_REQUEST);
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(&node_type, nodes, &w, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "nesting deeper than 32 levels");
	lexc_json_writer_free(&w);
	/* Decode: 33 levels are refused by the reader. */
	char deep[33 * 10 + 40];
	size_t n = 0;
	for (int i = 0; i < 33; i++)
		n += (size_t)snprintf(deep + n, sizeof deep - n, i == 0 ? "{" : "\"child\":{");
	for (int i = 0; i < 33; i++)
		deep[n++] = '}';
	ck_assert_int_eq(lexc_decode(&node_type, deep, n, &a, &back, &err), LEXC_INVALID_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.message, "nesting deeper than 32"));
	lexc_arena_free(&a);
}
END_TEST

/* A zero-initialised descriptor is no constraint: every rule zero means no
 * limit, a field without flags is a required, non-nullable value, and an
 * object without has_extra keeps no undeclared properties. */
typedef struct zero {
	lexc_str s;
	lexc_bytes b;
	size_t n_a;
	int64_t *a;
	lexc_str k;
} zero;

static const lexc_type zero_string = {.layout = V, .kind = LEXC_KIND_STRING};
static const lexc_type zero_bytes = {.layout = V, .kind = LEXC_KIND_BYTES};
static const lexc_type zero_integer = {.layout = V, .kind = LEXC_KIND_INTEGER};
static const lexc_type zero_array = {
        .layout = V,
        .kind = LEXC_KIND_ARRAY,
        .u.array = {.items = &zero_integer, .item_size = sizeof(int64_t)}};
#define ZERO_A                                                                                     \
	{                                                                                          \
		.name = LSTR("a"), .type = &zero_array, .offset = offsetof(zero, a),               \
		.flags = LEXC_FIELD_COUNTED, .count_offset = offsetof(zero, n_a)                   \
	}
static const lexc_field zero_fields[] = {
        ZERO_A,
        REQ("b", zero_bytes, zero, b),
        REQ("s", zero_string, zero, s),
};
static const lexc_type zero_ok_type = {.layout = V,
                                       .kind = LEXC_KIND_OBJECT,
                                       .name = "test.zero",
                                       .u.object = {.fields = zero_fields,
                                                    .n_fields = 3,
                                                    .size = sizeof(zero),
                                                    .align = _Alignof(zero)}};
/* The same with an array field "k" without its count flag: a descriptor
 * built wrong. */
static const lexc_field zero_k_fields[] = {
        ZERO_A,
        REQ("b", zero_bytes, zero, b),
        REQ("k", zero_array, zero, k),
        REQ("s", zero_string, zero, s),
};
static const lexc_type zero_type = {.layout = V,
                                    .kind = LEXC_KIND_OBJECT,
                                    .name = "test.zero",
                                    .u.object = {.fields = zero_k_fields,
                                                 .n_fields = 4,
                                                 .size = sizeof(zero),
                                                 .align = _Alignof(zero)}};
static const lexc_field zero_s_field[] = {REQ("s", zero_string, zero, s)};
static const lexc_type zero_s_type = {.layout = V,
                                      .kind = LEXC_KIND_OBJECT,
                                      .u.object = {.fields = zero_s_field,
                                                   .n_fields = 1,
                                                   .size = sizeof(zero),
                                                   .align = _Alignof(zero)}};

START_TEST(test_zero_descriptor_has_no_limits)
{
	enum { N_ITEMS = 5000, S_LEN = 100000, B_LEN = 6000 };
	size_t cap = S_LEN + B_LEN * 2 + N_ITEMS * 3 + 200;
	char *json = malloc(cap);
	ck_assert_ptr_nonnull(json);
	size_t n = (size_t)snprintf(json, cap, "{\"a\":[");
	for (int i = 0; i < N_ITEMS; i++)
		n += (size_t)snprintf(json + n, cap - n, i > 0 ? ",%d" : "%d", i % 10);
	n += (size_t)snprintf(json + n, cap - n, "],\"b\":{\"$bytes\":\"");
	memset(json + n, 'A', B_LEN / 3 * 4); /* base64 of B_LEN zero bytes */
	n += B_LEN / 3 * 4;
	n += (size_t)snprintf(json + n, cap - n, "\"},\"undeclared\":1,\"s\":\"");
	memset(json + n, 'x', S_LEN);
	n += S_LEN;
	n += (size_t)snprintf(json + n, cap - n, "\"}");
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	zero v;
	ck_assert_int_eq(lexc_decode(&zero_ok_type, json, n, &a, &v, &err), LEXC_OK);
	ck_assert_uint_eq(v.n_a, N_ITEMS);
	ck_assert_int_eq(v.a[N_ITEMS - 1], (N_ITEMS - 1) % 10);
	ck_assert_uint_eq(v.b.len, B_LEN);
	ck_assert_uint_eq(v.s.len, S_LEN);
	/* No extras member: the undeclared property is checked and dropped. */
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(&zero_ok_type, &v, &w, &err), LEXC_OK);
	ck_assert_ptr_null(strstr(w.buf, "undeclared"));
	ck_assert_uint_eq(w.len, n - strlen(",\"undeclared\":1"));
	lexc_json_writer_free(&w);
	/* Minimums are 0: empty values pass. */
	const char *empty = "{\"a\":[],\"b\":{\"$bytes\":\"\"},\"s\":\"\"}";
	ck_assert_int_eq(lexc_decode(&zero_ok_type, empty, strlen(empty), &a, &v, &err), LEXC_OK);
	/* No flags: required and not nullable. */
	const char *cases[][2] = {
	        {"{\"a\":[],\"b\":{\"$bytes\":\"\"}}", "$: missing required property \"s\""},
	        {"{\"a\":[],\"b\":{\"$bytes\":\"\"},\"s\":null}",
	         "$.s: expected a string, got null"},
	};
	for (size_t i = 0; i < 2; i++) {
		char got[300];
		ck_assert_int_eq(
		        lexc_decode(&zero_ok_type, cases[i][0], strlen(cases[i][0]), &a, &v, &err),
		        LEXC_INVALID_REQUEST);
		lexc_error_format(&err, got, sizeof got);
		ck_assert_str_eq(got, cases[i][1]);
	}
	/* A zero string member of a zero descriptor encodes as "" only when
	 * set: a NULL pointer is a missing required string. */
	zero z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(lexc_validate(&zero_s_type, &z, &err), LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message, "missing required property \"s\"");
	z.s = (lexc_str){"", 0};
	ck_assert_int_eq(lexc_validate(&zero_s_type, &z, &err), LEXC_OK);
	/* An array field must say where its count is. */
	const char *k = "{\"a\":[],\"b\":{\"$bytes\":\"\"},\"k\":[1],\"s\":\"\"}";
	ck_assert_int_eq(lexc_decode(&zero_type, k, strlen(k), &a, &v, &err),
	                 LEXC_INTERNAL_SERVER_ERROR);
	char got[300];
	lexc_error_format(&err, got, sizeof got);
	ck_assert_str_eq(got, "$.k: descriptor of an array field without LEXC_FIELD_COUNTED");
	ck_assert_int_eq(lexc_validate(&zero_type, &v, &err), LEXC_INTERNAL_SERVER_ERROR);
	lexc_error_format(&err, got, sizeof got);
	ck_assert_str_eq(got, "$.k: descriptor of an array field without LEXC_FIELD_COUNTED");
	free(json);
	lexc_arena_free(&a);
}
END_TEST

/* An optional object has one state, its pointer; a required one that is
 * NULL is named by its path. */
typedef struct outer {
	rule *r;
	lexc_extra _extra;
} outer;
static const lexc_field outer_fields[] = {REQ("r", rule_type, outer, r)};
static const lexc_type outer_type = {.layout = V,
                                     .kind = LEXC_KIND_OBJECT,
                                     .name = "test.outer",
                                     .u.object = {.fields = outer_fields,
                                                  .n_fields = 1,
                                                  .size = sizeof(outer),
                                                  .align = _Alignof(outer)}};
typedef struct outer_list {
	size_t n_items;
	outer *items;
	lexc_extra _extra;
} outer_list;
static const lexc_type outers_type = {
        .layout = V,
        .kind = LEXC_KIND_ARRAY,
        .u.array = {.items = &outer_type, .item_size = sizeof(outer)}};
static const lexc_field outer_list_fields[] = {{.name = LSTR("items"),
                                                .type = &outers_type,
                                                .offset = offsetof(outer_list, items),
                                                .flags = LEXC_FIELD_COUNTED,
                                                .count_offset = offsetof(outer_list, n_items)}};
static const lexc_type outer_list_type = {.layout = V,
                                          .kind = LEXC_KIND_OBJECT,
                                          .u.object = {.fields = outer_list_fields,
                                                       .n_fields = 1,
                                                       .size = sizeof(outer_list),
                                                       .align = _Alignof(outer_list)}};

START_TEST(test_object_pointer_is_presence)
{
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	input v;
	ck_assert_int_eq(decode(MINIMAL "}", &v, &a, &err), LEXC_OK);
	ck_assert_ptr_null(v.first);
	char *out = encode(&v, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(strstr(out, "first"));
	free(out);
	rule r = {.from = {"a", 1}, .to = {"b", 1}};
	v.first = &r;
	out = encode(&v, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "\"first\":{\"from\":\"a\",\"to\":\"b\"}"));
	free(out);
	/* Required and NULL: the message names the member by its path. */
	outer o = {0};
	char got[300];
	ck_assert_int_eq(lexc_validate(&outer_type, &o, &err), LEXC_INVALID_REQUEST);
	lexc_error_format(&err, got, sizeof got);
	ck_assert_str_eq(got, "$.r: required object is NULL");
	outer items[2] = {{.r = &r}, {0}};
	outer_list list = {.n_items = 2, .items = items};
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	ck_assert_int_eq(lexc_encode(&outer_list_type, &list, &w, &err), LEXC_INVALID_REQUEST);
	lexc_json_writer_free(&w);
	lexc_error_format(&err, got, sizeof got);
	ck_assert_str_eq(got, "$.items[1].r: required object is NULL");
	items[1].r = &r;
	ck_assert_int_eq(lexc_validate(&outer_list_type, &list, &err), LEXC_OK);
	/* Decoding a required object that is absent is still a missing property. */
	ck_assert_int_eq(lexc_decode(&outer_type, "{}", 2, &a, &o, &err), LEXC_INVALID_REQUEST);
	lexc_error_format(&err, got, sizeof got);
	ck_assert_str_eq(got, "$: missing required property \"r\"");
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
	tcase_add_test(tc, test_encode_checks_raw_values);
	tcase_add_test(tc, test_raw_edges);
	tcase_add_test(tc, test_depth_bound);
	tcase_add_test(tc, test_arena_reset_loop_is_flat);
	tcase_add_test(tc, test_zero_descriptor_has_no_limits);
	tcase_add_test(tc, test_object_pointer_is_presence);
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
