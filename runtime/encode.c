/* The encoder and the validator: one walk over a C value by its
 * descriptor. With a writer it emits compact JSON as it checks; without one
 * it only checks. Either way the rules are codec_check_* (rules.c), the
 * same the decoder applies. */
#include "config.h"

#include "codec_internal.h"

#include <lexc/codec.h>
#include <lexc/utf8.h>

#include <stdlib.h>
#include <string.h>

typedef struct encoder {
	lexc_json_writer *w; /* NULL: validate only */
	lexc_error *err;
	unsigned depth;     /* containers open around the value being walked */
	lexc_arena scratch; /* for checking raw JSON and extras' keys */
} encoder;

static lexc_status walk_value(encoder *e, const lexc_type *t, const void *slot);
static lexc_status walk_object(encoder *e, const lexc_type *t, const void *obj, bool with_type);

static lexc_status invalid(encoder *e, const char *msg)
{
	return lexc_error_set(e->err, LEXC_INVALID_REQUEST, "%s", msg);
}

static lexc_status rule_failed(encoder *e)
{
	return e->err != NULL ? e->err->code : LEXC_INVALID_REQUEST;
}

/* A writer call failed: out of memory (the writer said so in its error). */
static lexc_status write_failed(encoder *e)
{
	if (e->err != NULL && e->err->code != LEXC_OK)
		return e->err->code;
	return lexc_error_set(e->err, LEXC_NO_MEMORY, "out of memory while encoding");
}

/* Opens a container level, failing past decode's depth limit: a deep (or
 * cyclic) value built in memory must not overflow the stack. */
static lexc_status enter(encoder *e, unsigned levels)
{
	if (e->depth + levels > LEXC_JSON_DEFAULT_MAX_DEPTH)
		return codec_too_deep(e->err);
	e->depth += levels;
	return LEXC_OK;
}

/* Raw JSON (an `unknown` value, an unknown union variant, an undeclared
 * property) is written only once the reader and the data model accept it:
 * handlers build these too, and the engine promises valid output. */
static lexc_status check_raw(encoder *e, const lexc_str *raw, codec_raw_info *info)
{
	if (raw->ptr == NULL)
		return invalid(e, "raw JSON value is missing");
	lexc_arena_reset(&e->scratch);
	return codec_raw_check(raw->ptr, raw->len, e->depth, &e->scratch, info, e->err);
}

#define EMIT(e, call)                                                                              \
	do {                                                                                       \
		if ((e)->w != NULL && !(call))                                                     \
			return write_failed(e);                                                    \
	} while (0)

static lexc_status walk_string(encoder *e, const lexc_string_rules *rules, const lexc_str *s)
{
	/* The null string {NULL, 0} is what a failed lexc_str_copy() returns:
	 * refused, so that a lost allocation never goes out as "". */
	if (s->ptr == NULL)
		return invalid(e, s->len != 0
		                          ? "string has a length but no bytes"
		                          : "string has no bytes (NULL: unset, or a failed copy)");
	const char *p = s->ptr;
	if (!lexc_utf8_valid(p, s->len))
		return invalid(e, "string is not valid UTF-8");
	if (!codec_check_string(rules, p, s->len, e->err))
		return rule_failed(e);
	EMIT(e, lexc_json_write_string(e->w, p, s->len));
	return LEXC_OK;
}

static lexc_status walk_cid_link(encoder *e, const lexc_str *cid)
{
	if (cid->ptr == NULL || !codec_check_cid(cid->ptr, cid->len, e->err))
		return cid->ptr == NULL ? invalid(e, "missing CID") : rule_failed(e);
	if (e->depth + 1 > LEXC_JSON_DEFAULT_MAX_DEPTH)
		return codec_too_deep(e->err);
	EMIT(e, lexc_json_write_object_start(e->w));
	EMIT(e, lexc_json_write_key(e->w, "$link", 5));
	EMIT(e, lexc_json_write_string(e->w, cid->ptr, cid->len));
	EMIT(e, lexc_json_write_object_end(e->w));
	return LEXC_OK;
}

static lexc_status walk_blob(encoder *e, const lexc_blob_rules *rules, const lexc_blob *b)
{
	if (b->ref.ptr == NULL || b->mime_type.ptr == NULL)
		return invalid(e, "blob needs a ref and a mimeType");
	if (!lexc_utf8_valid(b->mime_type.ptr, b->mime_type.len))
		return invalid(e, "blob mimeType is not valid UTF-8");
	if (!codec_check_blob(rules, b, e->err))
		return rule_failed(e);
	if (e->depth + (b->legacy ? 1 : 2) > LEXC_JSON_DEFAULT_MAX_DEPTH)
		return codec_too_deep(e->err);
	if (b->legacy) {
		/* A legacy blob that was read is re-emitted as it was ({cid,
		 * mimeType}): without a size it cannot be upgraded, and
		 * re-encoding must not clobber data. New blobs are never legacy. */
		EMIT(e, lexc_json_write_object_start(e->w));
		EMIT(e, lexc_json_write_key(e->w, "cid", 3));
		EMIT(e, lexc_json_write_string(e->w, b->ref.ptr, b->ref.len));
		EMIT(e, lexc_json_write_key(e->w, "mimeType", 8));
		EMIT(e, lexc_json_write_string(e->w, b->mime_type.ptr, b->mime_type.len));
		EMIT(e, lexc_json_write_object_end(e->w));
		return LEXC_OK;
	}
	EMIT(e, lexc_json_write_object_start(e->w));
	EMIT(e, lexc_json_write_key(e->w, "$type", 5));
	EMIT(e, lexc_json_write_string(e->w, "blob", 4));
	EMIT(e, lexc_json_write_key(e->w, "ref", 3));
	e->depth++;
	lexc_status st = walk_cid_link(e, &b->ref);
	e->depth--;
	if (st != LEXC_OK)
		return st;
	EMIT(e, lexc_json_write_key(e->w, "mimeType", 8));
	EMIT(e, lexc_json_write_string(e->w, b->mime_type.ptr, b->mime_type.len));
	EMIT(e, lexc_json_write_key(e->w, "size", 4));
	EMIT(e, lexc_json_write_integer(e->w, b->size));
	EMIT(e, lexc_json_write_object_end(e->w));
	return LEXC_OK;
}

static lexc_status walk_union(encoder *e, const lexc_union_rules *rules, const lexc_union *u)
{
	if (u->kind == 0) {
		if (rules->closed)
			return invalid(e, "closed union needs one of its variants");
		if (u->raw.ptr == NULL || u->raw.len == 0)
			return invalid(e, "open union value has neither a variant nor raw JSON");
		codec_raw_info info;
		lexc_status st = check_raw(e, &u->raw, &info);
		if (st != LEXC_OK)
			return st;
		const char *problem = codec_unknown_variant_problem(rules, &info);
		if (problem != NULL)
			return invalid(e, problem);
		EMIT(e, lexc_json_write_raw(e->w, u->raw.ptr, u->raw.len));
		return LEXC_OK;
	}
	if (u->kind < 0 || (size_t)u->kind > rules->n_variants || u->value == NULL)
		return invalid(e, "union kind out of range or without a value");
	return walk_object(e, rules->variants[u->kind - 1].type, u->value, true);
}

static lexc_status walk_array(encoder *e, const lexc_array_rules *rules, const void *items,
                              size_t n)
{
	if (n > 0 && items == NULL)
		return invalid(e, "array has a count but no items");
	if (!codec_check_array_length(rules, n, e->err))
		return rule_failed(e);
	lexc_status st = enter(e, 1);
	if (st != LEXC_OK)
		return st;
	EMIT(e, lexc_json_write_array_start(e->w));
	for (size_t i = 0; i < n; i++) {
		const void *slot = (const char *)items + i * rules->item_size;
		st = walk_value(e, rules->items, slot);
		if (st != LEXC_OK) {
			lexc_error_path_prepend_index(e->err, i);
			return st;
		}
	}
	EMIT(e, lexc_json_write_array_end(e->w));
	e->depth--;
	return LEXC_OK;
}

/* `slot` holds one value; for objects it is the struct itself. */
static lexc_status walk_value(encoder *e, const lexc_type *t, const void *slot)
{
	switch (t->kind) {
	case LEXC_KIND_BOOLEAN: {
		bool v = *(const bool *)slot;
		if (!codec_check_boolean(&t->u.boolean, v, e->err))
			return rule_failed(e);
		EMIT(e, lexc_json_write_bool(e->w, v));
		return LEXC_OK;
	}
	case LEXC_KIND_INTEGER: {
		int64_t v = *(const int64_t *)slot;
		if (!codec_check_integer(&t->u.integer, v, e->err))
			return rule_failed(e);
		EMIT(e, lexc_json_write_integer(e->w, v));
		return LEXC_OK;
	}
	case LEXC_KIND_STRING:
		return walk_string(e, &t->u.string, slot);
	case LEXC_KIND_BYTES: {
		const lexc_bytes *b = slot;
		if (b->ptr == NULL && b->len != 0)
			return invalid(e, "bytes have a length but no data");
		if (!codec_check_bytes(&t->u.bytes, b->len, e->err))
			return rule_failed(e);
		if (e->depth + 1 > LEXC_JSON_DEFAULT_MAX_DEPTH)
			return codec_too_deep(e->err);
		EMIT(e, lexc_json_write_object_start(e->w));
		EMIT(e, lexc_json_write_key(e->w, "$bytes", 6));
		EMIT(e, lexc_json_write_base64(e->w, b->ptr, b->len));
		EMIT(e, lexc_json_write_object_end(e->w));
		return LEXC_OK;
	}
	case LEXC_KIND_CID_LINK:
		return walk_cid_link(e, slot);
	case LEXC_KIND_BLOB:
		return walk_blob(e, &t->u.blob, slot);
	case LEXC_KIND_OBJECT:
		return walk_object(e, t, slot, false);
	case LEXC_KIND_UNION:
		return walk_union(e, &t->u.union_, slot);
	case LEXC_KIND_UNKNOWN: {
		const lexc_str *raw = slot;
		codec_raw_info info;
		lexc_status st = check_raw(e, raw, &info);
		if (st != LEXC_OK)
			return st;
		if (info.shape != CODEC_RAW_OBJECT)
			return invalid(e,
			               info.shape < CODEC_RAW_OBJECT
			                       ? "unknown value must be a JSON object"
			                       : "unknown value must not be a blob, bytes or link "
			                         "object");
		EMIT(e, lexc_json_write_raw(e->w, raw->ptr, raw->len));
		return LEXC_OK;
	}
	case LEXC_KIND_ARRAY:
		break;
	}
	return lexc_error_set(e->err, LEXC_INTERNAL_SERVER_ERROR, "descriptor of kind %d misplaced",
	                      (int)t->kind);
}

static bool is_null(const lexc_field *f, const void *obj)
{
	return (f->flags & LEXC_FIELD_NULLABLE) &&
	       *(const bool *)CODEC_AT_CONST(obj, f->null_offset);
}

/* Whether a member without a presence flag holds a value (pointer kinds
 * can be empty; an optional object's pointer is its presence). */
static bool holds_value(const lexc_field *f, const void *obj)
{
	const void *slot = CODEC_AT_CONST(obj, f->offset);
	switch (f->type->kind) {
	case LEXC_KIND_OBJECT:
		return *(void *const *)slot != NULL;
	case LEXC_KIND_STRING:
	case LEXC_KIND_CID_LINK:
	case LEXC_KIND_UNKNOWN:
		return ((const lexc_str *)slot)->ptr != NULL;
	case LEXC_KIND_UNION: {
		const lexc_union *u = slot;
		return u->kind != 0 || u->raw.ptr != NULL;
	}
	case LEXC_KIND_BLOB:
		return ((const lexc_blob *)slot)->ref.ptr != NULL;
	default:
		return true; /* scalars and arrays always hold a value */
	}
}

static lexc_status walk_field(encoder *e, const lexc_field *f, const void *obj)
{
	const void *slot = CODEC_AT_CONST(obj, f->offset);
	lexc_status st;
	EMIT(e, lexc_json_write_key(e->w, f->name.ptr, f->name.len));
	if (is_null(f, obj)) {
		EMIT(e, lexc_json_write_null(e->w));
		return LEXC_OK;
	}
	if (f->type->kind == LEXC_KIND_ARRAY && !(f->flags & LEXC_FIELD_COUNTED))
		st = codec_uncounted_array(e->err);
	else if (f->type->kind == LEXC_KIND_ARRAY)
		st = walk_array(e, &f->type->u.array, *(void *const *)slot,
		                *(const size_t *)CODEC_AT_CONST(obj, f->count_offset));
	else if (f->type->kind == LEXC_KIND_OBJECT)
		st = walk_value(e, f->type, *(void *const *)slot);
	else
		st = walk_value(e, f->type, slot);
	if (st != LEXC_OK)
		lexc_error_path_prepend_key(e->err, f->name.ptr, f->name.len);
	return st;
}

static int key_order(const void *a, const void *b)
{
	const lexc_str *x = *(const lexc_str *const *)a, *y = *(const lexc_str *const *)b;
	int c = memcmp(x->ptr, y->ptr, x->len < y->len ? x->len : y->len);
	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* Extras must not repeat one another: found by sorting their keys, O(n log
 * n) whatever the keys (a hash could be flooded by a client that chose the
 * keys of a decoded value a handler echoes). Few keys sort in the scratch
 * arena's stack buffer. */
static lexc_status extras_distinct(encoder *e, const lexc_extra *x)
{
	if (x->n < 2)
		return LEXC_OK;
	lexc_arena_reset(&e->scratch);
	const lexc_str **keys = lexc_arena_calloc(&e->scratch, x->n, sizeof *keys);
	if (keys == NULL)
		return lexc_error_set(e->err, LEXC_NO_MEMORY, "out of memory while encoding");
	for (size_t i = 0; i < x->n; i++)
		keys[i] = &x->fields[i].key;
	qsort(keys, x->n, sizeof *keys, key_order);
	for (size_t i = 1; i < x->n; i++)
		if (key_order(&keys[i - 1], &keys[i]) == 0) {
			lexc_error_set(e->err, LEXC_INVALID_REQUEST,
			               "undeclared property repeated");
			lexc_error_path_prepend_key(e->err, keys[i]->ptr, keys[i]->len);
			return LEXC_INVALID_REQUEST;
		}
	return LEXC_OK;
}

/* Undeclared properties (lexc_extra): each key a non-empty UTF-8 string
 * that names no declared property and no reserved `$` key, none twice,
 * each value raw JSON the data model accepts. */
static lexc_status walk_extras(encoder *e, const lexc_object_rules *o, const lexc_extra *x)
{
	if (x->n > 0 && x->fields == NULL)
		return invalid(e, "undeclared properties have a count but no fields");
	for (size_t i = 0; i < x->n; i++) {
		const lexc_extra_field *f = &x->fields[i];
		const char *why = NULL;
		if (f->key.ptr == NULL || f->key.len == 0)
			why = "undeclared property has an empty key";
		else if (!lexc_utf8_valid(f->key.ptr, f->key.len))
			why = "undeclared property's key is not valid UTF-8";
		if (why != NULL) {
			lexc_error_set(e->err, LEXC_INVALID_REQUEST, "%s", why);
			/* No key to name it by: the C member's index. */
			lexc_error_path_prepend_index(e->err, i);
			lexc_error_path_prepend_key(e->err, "_extra", 6);
			return LEXC_INVALID_REQUEST;
		}
		if (codec_field_index(o, f->key.ptr, f->key.len) != o->n_fields)
			why = "undeclared property repeats a declared one";
		else if (f->key.ptr[0] == '$')
			why = "undeclared property has a reserved key (starting with $)";
		if (why == NULL) {
			codec_raw_info info;
			lexc_status st = check_raw(e, &f->json, &info);
			if (st != LEXC_OK) {
				lexc_error_path_prepend_key(e->err, f->key.ptr, f->key.len);
				return st;
			}
			continue;
		}
		lexc_error_set(e->err, LEXC_INVALID_REQUEST, "%s", why);
		lexc_error_path_prepend_key(e->err, f->key.ptr, f->key.len);
		return LEXC_INVALID_REQUEST;
	}
	lexc_status st = extras_distinct(e, x);
	if (st != LEXC_OK)
		return st;
	for (size_t i = 0; i < x->n; i++) {
		EMIT(e, lexc_json_write_key(e->w, x->fields[i].key.ptr, x->fields[i].key.len));
		EMIT(e, lexc_json_write_raw(e->w, x->fields[i].json.ptr, x->fields[i].json.len));
	}
	return LEXC_OK;
}

static lexc_status walk_object(encoder *e, const lexc_type *t, const void *obj, bool with_type)
{
	const lexc_object_rules *o = &t->u.object;
	if (obj == NULL)
		return invalid(e, "object is missing");
	lexc_status st = enter(e, 1);
	if (st != LEXC_OK)
		return st;
	EMIT(e, lexc_json_write_object_start(e->w));
	if ((with_type || o->is_record) && o->type_name.len != 0) {
		EMIT(e, lexc_json_write_key(e->w, "$type", 5));
		EMIT(e, lexc_json_write_string(e->w, o->type_name.ptr, o->type_name.len));
	}
	for (size_t i = 0; i < o->n_fields; i++) {
		const lexc_field *f = &o->fields[i];
		bool present = lexc_field_has_presence(f)
		                       ? *(const bool *)CODEC_AT_CONST(obj, f->has_offset)
		                       : holds_value(f, obj);
		if (!present && is_null(f, obj))
			present = true;
		if (!present) {
			if (f->flags & LEXC_FIELD_OPTIONAL)
				continue;
			if (f->type->kind != LEXC_KIND_OBJECT)
				return lexc_error_set(e->err, LEXC_INVALID_REQUEST,
				                      "missing required property \"%.*s\"",
				                      (int)f->name.len, f->name.ptr);
			/* A C program forgot a pointer: name the member. */
			lexc_error_set(e->err, LEXC_INVALID_REQUEST, "required object is NULL");
			lexc_error_path_prepend_key(e->err, f->name.ptr, f->name.len);
			return LEXC_INVALID_REQUEST;
		}
		st = walk_field(e, f, obj);
		if (st != LEXC_OK)
			return st;
	}
	if (o->has_extra) {
		st = walk_extras(e, o, CODEC_AT_CONST(obj, o->extra_offset));
		if (st != LEXC_OK)
			return st;
	}
	EMIT(e, lexc_json_write_object_end(e->w));
	e->depth--;
	return LEXC_OK;
}

static lexc_status walk_root(encoder *e, const lexc_type *t, const void *value)
{
	lexc_status st;
	if (t->kind == LEXC_KIND_OBJECT)
		st = walk_object(e, t, value, false);
	else if (t->kind == LEXC_KIND_UNION)
		st = walk_union(e, &t->u.union_, value);
	else
		st = lexc_error_set(e->err, LEXC_INTERNAL_SERVER_ERROR,
		                    "top-level values must be objects or unions");
	if (st != LEXC_OK && e->err != NULL && e->err->path[0] == '\0')
		memcpy(e->err->path, "$", 2);
	return st;
}

/* One walk: `w` NULL validates only. The scratch arena starts in a stack
 * buffer, so that checking small raw values allocates nothing. */
static lexc_status walk(const lexc_type *t, const void *value, lexc_json_writer *w, lexc_error *err)
{
	lexc_error local;
	if (err == NULL) {
		lexc_error_clear(&local);
		err = &local;
	}
	max_align_t buf[256];
	encoder e = {w, err, 0, LEXC_ARENA_INIT};
	lexc_arena_init_buffer(&e.scratch, buf, sizeof buf);
	lexc_status st = walk_root(&e, t, value);
	lexc_arena_free(&e.scratch);
	return st;
}

lexc_status lexc_validate(const lexc_type *t, const void *value, lexc_error *err)
{
	lexc_status st = codec_check_layout(t, err);
	return st != LEXC_OK ? st : walk(t, value, NULL, err);
}

lexc_status lexc_encode(const lexc_type *t, const void *value, lexc_json_writer *w, lexc_error *err)
{
	lexc_status st = codec_check_layout(t, err);
	return st != LEXC_OK ? st : walk(t, value, w, err);
}
