/* Internals shared by the engine's decoder, validator and encoder: the
 * constraint checks, so that every path applies the same rules with the
 * same messages. Not installed; nothing here is exported. */
#ifndef LEXC_CODEC_INTERNAL_H
#define LEXC_CODEC_INTERNAL_H

#include "json_reader_internal.h"

#include <lexc/error.h>
#include <lexc/json.h>
#include <lexc/type.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Writes input s[0..len) (valid UTF-8) into buf for a message: JSON
 * escapes for quotes, backslashes and controls, cut at a character
 * boundary after CODEC_QUOTE_MAX bytes with "..." after it. A buffer of
 * CODEC_QUOTE_BUF bytes always has room. */
enum { CODEC_QUOTE_MAX = 64, CODEC_QUOTE_BUF = CODEC_QUOTE_MAX * 6 + 16 };
void codec_quote(char *buf, size_t size, const char *s, size_t len);

/* Each check returns true when the value passes; otherwise it fills `err`
 * (code LEXC_INVALID_REQUEST, message only: the caller adds the path). */
bool codec_check_boolean(const lexc_boolean_rules *r, bool v, lexc_error *err);
bool codec_check_integer(const lexc_integer_rules *r, int64_t v, lexc_error *err);
bool codec_check_string(const lexc_string_rules *r, const char *s, size_t len, lexc_error *err);
bool codec_check_bytes(const lexc_bytes_rules *r, size_t len, lexc_error *err);
bool codec_check_cid(const char *s, size_t len, lexc_error *err);
bool codec_check_blob(const lexc_blob_rules *r, const lexc_blob *b, lexc_error *err);
bool codec_check_array_length(const lexc_array_rules *r, size_t n, lexc_error *err);

/* codec_check_blob() for a blob the decoder read: the ref of the current
 * form came from a $link that decode already checked, so its CID check
 * (which cannot fail again) is skipped. */
bool codec_check_blob_decoded(const lexc_blob_rules *r, const lexc_blob *b, lexc_error *err);

/* True when `mime` matches one of `accept`: an exact "type/subtype", a
 * "type/" glob ending in a star, or the star/star glob; compared
 * case-insensitively as MIME types are. */
bool codec_mime_accepted(const lexc_str *accept, size_t n_accept, const char *mime, size_t len);

/* LEXC_OK when `t` has this liblexc's layout; else LEXC_INTERNAL_SERVER_ERROR
 * with a message naming both layouts. Roots only: a descriptor's children
 * come from the same generated source. */
lexc_status codec_layout_refused(const char *what, const char *name, uint32_t layout,
                                 lexc_error *err);
static inline lexc_status codec_check_layout(const lexc_type *t, lexc_error *err)
{
	if (t->layout == LEXC_LAYOUT_VERSION)
		return LEXC_OK;
	return codec_layout_refused("descriptor", t->name, t->layout, err);
}

/* An array field without LEXC_FIELD_COUNTED: a descriptor built wrong. */
lexc_status codec_uncounted_array(lexc_error *err);

/* Binary search of an object's sorted fields; NULL when absent. */
const lexc_field *codec_find_field_sorted(const lexc_object_rules *o, const char *key, size_t len);

/* Up to this many fields a scan that compares lengths first beats binary
 * search: most keys are rejected without touching their bytes. */
enum { CODEC_FIELD_SCAN_MAX = 12 };

/* a[0..len) == b[0..len) for short keys without a libc call: two loads
 * that may overlap cover each length class. */
static inline bool codec_bytes_equal(const char *a, const char *b, size_t len)
{
	uint64_t x8, y8, x8e, y8e;
	uint32_t x4, y4, x4e, y4e;
	if (len >= 8) {
		if (len > 16)
			return memcmp(a, b, len) == 0;
		memcpy(&x8, a, 8);
		memcpy(&y8, b, 8);
		memcpy(&x8e, a + len - 8, 8);
		memcpy(&y8e, b + len - 8, 8);
		return ((x8 ^ y8) | (x8e ^ y8e)) == 0;
	}
	if (len >= 4) {
		memcpy(&x4, a, 4);
		memcpy(&y4, b, 4);
		memcpy(&x4e, a + len - 4, 4);
		memcpy(&y4e, b + len - 4, 4);
		return ((x4 ^ y4) | (x4e ^ y4e)) == 0;
	}
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The index of an object's field named key[0..len); n_fields when
 * absent. Inline: the decoder looks up every key it reads, and uses the
 * index for its seen-field bits. */
static inline size_t codec_field_index(const lexc_object_rules *o, const char *key, size_t len)
{
	if (o->n_fields > CODEC_FIELD_SCAN_MAX) {
		const lexc_field *f = codec_find_field_sorted(o, key, len);
		return f != NULL ? (size_t)(f - o->fields) : o->n_fields;
	}
	size_t i = 0;
	for (; i < o->n_fields; i++) {
		const lexc_str *name = &o->fields[i].name;
		if (name->len == len && codec_bytes_equal(name->ptr, key, len))
			break;
	}
	return i;
}

/* Binary search of a union's sorted variants; 0 when absent, else the
 * 1-based variant index (the lexc_union kind). */
int codec_find_variant(const lexc_union_rules *u, const char *type, size_t len);

/* The data model on raw JSON (datamodel.c). `err` must not be NULL. */
typedef enum codec_raw_shape {
	CODEC_RAW_SCALAR, /* string, number, boolean or null */
	CODEC_RAW_ARRAY,
	CODEC_RAW_OBJECT, /* a plain object (maybe with a $type) */
	CODEC_RAW_LINK,   /* {"$link": cid} */
	CODEC_RAW_BYTES,  /* {"$bytes": base64} */
	CODEC_RAW_BLOB    /* {"$type": "blob", "ref", "mimeType", "size"} */
} codec_raw_shape;

typedef struct codec_raw_info {
	codec_raw_shape shape;
	lexc_str type; /* an object's own $type (a view; len 0 when none) */
} codec_raw_info;

/* Reads the rest of the value whose first token `tok` the reader just
 * returned, checking it against the data model. `base` counts the
 * containers open around the reader's input (0 when the reader sees the
 * whole document): nesting past LEXC_JSON_DEFAULT_MAX_DEPTH in all fails. */
lexc_status codec_raw_value(lexc_json_reader *r, lexc_json_token tok, unsigned base,
                            codec_raw_info *info, lexc_error *err);

/* codec_raw_value() on the whole of json[0..len), which must be exactly one
 * value, read with a reader of its own whose bookkeeping goes to `scratch`. */
lexc_status codec_raw_check(const char *json, size_t len, unsigned base, lexc_arena *scratch,
                            codec_raw_info *info, lexc_error *err);

/* A `$type` naming a def as NSID#main, which the data model writes as
 * the bare NSID. */
static inline bool codec_ends_with_main(const lexc_str *s)
{
	return s->len >= 5 && memcmp(s->ptr + s->len - 5, "#main", 5) == 0;
}

/* An open union's unknown variant, decoded or built by a handler, is a
 * plain object whose $type names no variant and does not end in #main;
 * NULL when `info` says so, else the message. */
const char *codec_unknown_variant_problem(const lexc_union_rules *u, const codec_raw_info *info);

/* "nesting deeper than 32 levels": the one message for every path. */
lexc_status codec_too_deep(lexc_error *err);

/* Member access by offset. */
#define CODEC_AT(base, off) ((void *)((char *)(base) + (off)))
#define CODEC_AT_CONST(base, off) ((const void *)((const char *)(base) + (off)))

/* Marks an optional value present (an object's pointer is its own mark). */
static inline void codec_set_present(const lexc_field *f, void *obj)
{
	if (lexc_field_has_presence(f))
		*(bool *)CODEC_AT(obj, f->has_offset) = true;
}

/* Sets a missing field to its default, present, when it has one: decoding
 * and lexc_value_new() share it, so a constructed value and a decoded one
 * cannot disagree. */
static inline void codec_apply_default(const lexc_field *f, void *obj)
{
	const lexc_type *t = f->type;
	if (t == NULL)
		return;
	void *slot = CODEC_AT(obj, f->offset);
	if (t->kind == LEXC_KIND_STRING && t->u.string.has_default)
		*(lexc_str *)slot = t->u.string.default_value;
	else if (t->kind == LEXC_KIND_INTEGER && t->u.integer.has_default)
		*(int64_t *)slot = t->u.integer.default_value;
	else if (t->kind == LEXC_KIND_BOOLEAN && t->u.boolean.has_default)
		*(bool *)slot = t->u.boolean.default_value;
	else
		return;
	codec_set_present(f, obj);
}

#endif /* LEXC_CODEC_INTERNAL_H */
