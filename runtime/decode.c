/* The decoder: JSON tokens → C value, validating every constraint as it
 * reads. One pass over the input, except that a union object whose `$type`
 * is not its first key is scanned once ahead to find it, and an `unknown`
 * object is scanned once to check its shape before it is kept verbatim. */
#include "config.h"

#include "codec_internal.h"

#include <lexc/base64.h>
#include <lexc/codec.h>

#include <string.h>

typedef struct decoder {
	lexc_json_reader *r;
	lexc_arena *a;
	lexc_error *err;
} decoder;

static lexc_status decode_object_body(decoder *d, const lexc_type *t, void *obj);
static lexc_status decode_members(decoder *d, const lexc_type *t, void *obj, bool saw_type);
static lexc_status decode_value(decoder *d, const lexc_type *t, void *slot, lexc_json_token tok,
                                const lexc_json_mark *before);
static lexc_status raw_member(decoder *d, const char **raw, size_t *raw_len);

/* The reader failed. Its code says why (LEXC_NO_MEMORY is not bad input);
 * its message is in d->err already unless the reader was given another
 * lexc_error. */
static lexc_status reader_failed(decoder *d)
{
	return json_reader_failure(d->r, d->err);
}

/* A type error: "expected a string, got number". */
static lexc_status expected(decoder *d, const char *what, lexc_json_token got)
{
	if (got == LEXC_JSON_ERROR)
		return reader_failed(d);
	return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "expected %s, got %s", what,
	                      lexc_json_token_name(got));
}

static lexc_status rule_failed(decoder *d)
{
	return d->err->code != LEXC_OK ? d->err->code : LEXC_INVALID_REQUEST;
}

static lexc_status no_memory(decoder *d)
{
	return lexc_error_set(d->err, LEXC_NO_MEMORY, "out of memory");
}

static bool key_is(const lexc_json_reader *r, const char *lit)
{
	size_t n = strlen(lit);
	return r->str_len == n && memcmp(r->str, lit, n) == 0;
}

/* Copies s[0..len) into the arena, NUL-terminated: lexc_arena_strndup()
 * inline, since the decoder copies every string it keeps (len, a length
 * within the input, is below SIZE_MAX). */
static inline lexc_status copy_string(decoder *d, const char *s, size_t len, lexc_str *out)
{
	char *p = lexc_arena_alloc_aligned(d->a, len + 1, 1);
	if (p == NULL)
		return no_memory(d);
	memcpy(p, s, len);
	p[len] = '\0';
	out->ptr = p;
	out->len = len;
	return LEXC_OK;
}

/* Copies the current string token into the arena. */
static inline lexc_status take_string(decoder *d, lexc_str *out)
{
	return copy_string(d, d->r->str, d->r->str_len, out);
}

/* Reads a member's value that must be a string and copies it. */
static lexc_status take_member_string(decoder *d, const char *what, lexc_str *out)
{
	lexc_json_token tok = lexc_json_next(d->r);
	if (tok != LEXC_JSON_STRING)
		return expected(d, what, tok);
	return take_string(d, out);
}

static lexc_status decode_string(decoder *d, const lexc_string_rules *rules, lexc_str *out,
                                 lexc_json_token tok)
{
	if (tok != LEXC_JSON_STRING)
		return expected(d, "a string", tok);
	if (!codec_check_string(rules, d->r->str, d->r->str_len, d->err))
		return rule_failed(d);
	return take_string(d, out);
}

static lexc_status decode_integer(decoder *d, const lexc_integer_rules *rules, int64_t *out,
                                  lexc_json_token tok)
{
	if (tok != LEXC_JSON_NUMBER)
		return expected(d, "an integer", tok);
	if (!d->r->integral)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "%s",
		                      d->r->out_of_range ? "integer out of the 64-bit range"
		                                         : "expected an integer, got a fraction");
	if (!codec_check_integer(rules, d->r->integer, d->err))
		return rule_failed(d);
	*out = d->r->integer;
	return LEXC_OK;
}

static lexc_status decode_boolean(decoder *d, const lexc_boolean_rules *rules, bool *out,
                                  lexc_json_token tok)
{
	if (tok != LEXC_JSON_TRUE && tok != LEXC_JSON_FALSE)
		return expected(d, "a boolean", tok);
	bool v = tok == LEXC_JSON_TRUE;
	if (!codec_check_boolean(rules, v, d->err))
		return rule_failed(d);
	*out = v;
	return LEXC_OK;
}

/* {"<key>": "<string>"}: the one-key wrappers of $bytes and $link. The
 * string stays in d->r->str. */
static lexc_status decode_wrapper(decoder *d, const char *key, const char *what,
                                  lexc_json_token tok)
{
	if (tok != LEXC_JSON_OBJECT_START)
		return expected(d, what, tok);
	/* json_reader_key() leaves duplicate checks to us: wrapper_end()
	 * finds a second `key`; any other key is recorded as the reader
	 * would (which may fail first) before failing below. */
	tok = json_reader_key(d->r);
	if (tok == LEXC_JSON_KEY && !key_is(d->r, key) && !json_reader_key_insert(d->r))
		return reader_failed(d);
	if (tok == LEXC_JSON_ERROR)
		return reader_failed(d);
	if (tok != LEXC_JSON_KEY || !key_is(d->r, key))
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "expected %s", what);
	tok = lexc_json_next(d->r);
	if (tok != LEXC_JSON_STRING)
		return expected(d, "a string", tok);
	return LEXC_OK;
}

static lexc_status wrapper_end(decoder *d, const char *key, const char *what)
{
	lexc_json_token tok = lexc_json_next(d->r);
	if (tok == LEXC_JSON_ERROR)
		return reader_failed(d);
	/* decode_wrapper() kept its key out of the key set. */
	if (tok == LEXC_JSON_KEY && key_is(d->r, key)) {
		json_reader_duplicate(d->r);
		return reader_failed(d);
	}
	if (tok != LEXC_JSON_OBJECT_END)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "%s has extra properties",
		                      what);
	return LEXC_OK;
}

static lexc_status decode_bytes(decoder *d, const lexc_bytes_rules *rules, lexc_bytes *out,
                                lexc_json_token tok)
{
	static const char what[] = "a bytes object {\"$bytes\": \"<base64>\"}";
	lexc_status st = decode_wrapper(d, "$bytes", what, tok);
	if (st != LEXC_OK)
		return st;
	size_t n = 0, need = lexc_base64_decoded_len(d->r->str, d->r->str_len);
	const char *reason = NULL;
	/* One byte more, so that empty bytes still get a pointer. */
	unsigned char *bytes = lexc_arena_alloc_aligned(d->a, need + 1, 1);
	if (bytes == NULL)
		return no_memory(d);
	if (!lexc_base64_decode(d->r->str, d->r->str_len, bytes, need, &n, &reason))
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "invalid base64 in $bytes: %s",
		                      reason != NULL ? reason : "malformed");
	if (!codec_check_bytes(rules, n, d->err))
		return rule_failed(d);
	out->ptr = bytes;
	out->len = n;
	return wrapper_end(d, "$bytes", "$bytes object");
}

static lexc_status decode_cid_link(decoder *d, lexc_str *out, lexc_json_token tok)
{
	static const char what[] = "a link object {\"$link\": \"<cid>\"}";
	lexc_status st = decode_wrapper(d, "$link", what, tok);
	if (st != LEXC_OK)
		return st;
	if (!codec_check_cid(d->r->str, d->r->str_len, d->err))
		return rule_failed(d);
	st = take_string(d, out);
	if (st != LEXC_OK)
		return st;
	return wrapper_end(d, "$link", "$link object");
}

/* A blob: {"$type":"blob","ref":{"$link":cid},"mimeType":s,"size":n} or
 * the legacy {"cid":s,"mimeType":s}. Keys may come in any order. */
static lexc_status decode_blob(decoder *d, const lexc_blob_rules *rules, lexc_blob *out,
                               lexc_json_token tok)
{
	if (tok != LEXC_JSON_OBJECT_START)
		return expected(d, "a blob object", tok);
	bool has_type = false, has_ref = false, has_mime = false, has_size = false;
	bool has_cid = false;
	lexc_status st;
	for (;;) {
		/* The flags below find duplicates of the known keys; the key
		 * set those of the others. */
		tok = json_reader_key(d->r);
		if (tok == LEXC_JSON_OBJECT_END)
			break;
		if (tok != LEXC_JSON_KEY)
			return reader_failed(d);
		if ((key_is(d->r, "$type") && has_type) || (key_is(d->r, "ref") && has_ref) ||
		    (key_is(d->r, "cid") && has_cid) || (key_is(d->r, "mimeType") && has_mime) ||
		    (key_is(d->r, "size") && has_size)) {
			json_reader_duplicate(d->r);
			return reader_failed(d);
		}
		if (key_is(d->r, "$type")) {
			tok = lexc_json_next(d->r);
			if (tok != LEXC_JSON_STRING || !key_is(d->r, "blob"))
				return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
				                      "blob $type must be \"blob\"");
			has_type = true;
		} else if (key_is(d->r, "ref")) {
			st = decode_cid_link(d, &out->ref, lexc_json_next(d->r));
			if (st != LEXC_OK) {
				lexc_error_path_prepend_key(d->err, "ref", 3);
				return st;
			}
			has_ref = true;
		} else if (key_is(d->r, "cid")) {
			if ((st = take_member_string(d, "a CID string in blob cid", &out->ref)) !=
			    LEXC_OK)
				return st;
			has_cid = true;
		} else if (key_is(d->r, "mimeType")) {
			if ((st = take_member_string(d, "a string in blob mimeType",
			                             &out->mime_type)) != LEXC_OK)
				return st;
			has_mime = true;
		} else if (key_is(d->r, "size")) {
			tok = lexc_json_next(d->r);
			if (tok != LEXC_JSON_NUMBER || !d->r->integral)
				return expected(d, "an integer in blob size", tok);
			out->size = d->r->integer;
			has_size = true;
		} else if (!json_reader_key_insert(d->r)) {
			return reader_failed(d);
		} else if ((st = raw_member(d, NULL, NULL)) != LEXC_OK) {
			return st; /* other keys are dropped, after the data model's check */
		}
	}
	if (has_type && has_ref && has_mime && has_size && !has_cid) {
		out->legacy = false;
	} else if (!has_type && has_cid && has_mime && !has_ref) {
		out->legacy = true;
		out->size = -1;
	} else {
		return lexc_error_set(
		        d->err, LEXC_INVALID_REQUEST,
		        "expected a blob: {\"$type\": \"blob\", \"ref\", \"mimeType\", "
		        "\"size\"}");
	}
	if (!codec_check_blob_decoded(rules, out, d->err))
		return rule_failed(d);
	return LEXC_OK;
}

/* Scans the object whose '{' was just read for its `$type`, then rewinds
 * to `before` (saved before the '{') and reads the '{' again. *type gets
 * the value (a view into the input or the arena); len 0 when absent. */
static lexc_status peek_type(decoder *d, const lexc_json_mark *before, lexc_str *type,
                             bool *is_blob_or_link)
{
	type->ptr = NULL;
	type->len = 0;
	*is_blob_or_link = false;
	for (;;) {
		lexc_json_token tok = lexc_json_next(d->r);
		if (tok == LEXC_JSON_OBJECT_END)
			break;
		if (tok != LEXC_JSON_KEY)
			return reader_failed(d);
		if (key_is(d->r, "$bytes") || key_is(d->r, "$link"))
			*is_blob_or_link = true;
		if (key_is(d->r, "$type")) {
			tok = lexc_json_next(d->r);
			if (tok == LEXC_JSON_ERROR)
				return reader_failed(d);
			if (tok != LEXC_JSON_STRING)
				return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
				                      "$type must be a string");
			if (d->r->str_len == 0) {
				lexc_error_set(d->err, LEXC_INVALID_REQUEST,
				               "$type must not be empty");
				lexc_error_path_prepend_key(d->err, "$type", 5);
				return LEXC_INVALID_REQUEST;
			}
			type->ptr = d->r->str;
			type->len = d->r->str_len;
			if (type->len == 4 && memcmp(type->ptr, "blob", 4) == 0)
				*is_blob_or_link = true;
			continue;
		}
		if (!lexc_json_skip_value(d->r, NULL, NULL))
			return reader_failed(d);
	}
	if (!lexc_json_restore(d->r, before) || lexc_json_next(d->r) != LEXC_JSON_OBJECT_START)
		return reader_failed(d);
	return LEXC_OK;
}

/* Reads the rest of the value whose first token `tok` was just read as raw
 * JSON, with the data model's rules, and gives its span in the input. */
static lexc_status take_raw(decoder *d, lexc_json_token tok, codec_raw_info *info, const char **raw,
                            size_t *raw_len)
{
	size_t start = d->r->offset;
	lexc_status st = codec_raw_value(d->r, tok, 0, info, d->err);
	if (st != LEXC_OK)
		return st;
	*raw = json_reader_input_at(d->r, start);
	*raw_len = json_reader_position(d->r) - start;
	return LEXC_OK;
}

/* decode_union_fast() found a shape it leaves to the two-pass path. */
enum { UNION_SLOW = -1 };

/* A union object whose `$type` is its first key (the usual shape), decoded
 * in one pass. The two-pass path reports the object's first JSON error
 * before any rule, so on failure the object is scanned again from `before`
 * for such an error, which then wins. Returns UNION_SLOW, with the reader
 * back at `before`, for every other shape. */
static int decode_union_fast(decoder *d, const lexc_union_rules *rules, lexc_union *out,
                             const lexc_json_mark *before)
{
	lexc_json_reader *r = d->r;
	/* A `$type` key stays out of the key set: decode_members() finds a
	 * second one by saw_type. */
	lexc_json_token tok = json_reader_key(r);
	if (tok == LEXC_JSON_ERROR)
		return reader_failed(d);
	if (tok != LEXC_JSON_KEY || !key_is(r, "$type"))
		goto slow;
	/* As peek_type() says it. */
	tok = lexc_json_next(r);
	if (tok == LEXC_JSON_ERROR)
		return reader_failed(d);
	if (tok != LEXC_JSON_STRING)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "$type must be a string");
	lexc_str type = {r->str, r->str_len};
	if (type.len == 0 || codec_ends_with_main(&type))
		goto slow;
	int kind = codec_find_variant(rules, type.ptr, type.len);
	if (kind == 0)
		goto slow;
	const lexc_type *vt = rules->variants[kind - 1].type;
	const lexc_str *want = &vt->u.object.type_name;
	if (want->len != 0 && (type.len != want->len || memcmp(type.ptr, want->ptr, type.len) != 0))
		goto slow;
	if (codec_field_index(&vt->u.object, "$type", 5) != vt->u.object.n_fields)
		goto slow; /* a declared `$type` property: decode_members() reads it */
	lexc_status st = copy_string(d, type.ptr, type.len, &type);
	if (st != LEXC_OK)
		return st;
	void *obj = lexc_arena_calloc(d->a, 1, vt->u.object.size);
	if (obj == NULL)
		return no_memory(d);
	st = decode_members(d, vt, obj, true);
	if (st != LEXC_OK) {
		if (!json_reader_rewind(r, before) || lexc_json_next(r) != LEXC_JSON_OBJECT_START ||
		    !lexc_json_skip_current(r, NULL, NULL))
			return reader_failed(d);
		return st;
	}
	out->kind = kind;
	out->value = obj;
	out->type = type;
	out->raw.ptr = NULL;
	out->raw.len = 0;
	return LEXC_OK;
slow:
	if (!lexc_json_restore(r, before) || lexc_json_next(r) != LEXC_JSON_OBJECT_START)
		return reader_failed(d);
	return UNION_SLOW;
}

static lexc_status decode_union(decoder *d, const lexc_union_rules *rules, lexc_union *out,
                                lexc_json_token tok, const lexc_json_mark *before)
{
	if (tok != LEXC_JSON_OBJECT_START)
		return expected(d, "an object (union)", tok);
	int fast = decode_union_fast(d, rules, out, before);
	if (fast != UNION_SLOW)
		return (lexc_status)fast;
	lexc_str type;
	bool odd_shape;
	lexc_status st = peek_type(d, before, &type, &odd_shape);
	if (st != LEXC_OK)
		return st;
	if (type.len == 0)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
		                      "union value is missing its $type");
	if (codec_ends_with_main(&type))
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
		                      "$type must not end with #main (write the bare NSID)");
	/* The peeked view stays valid (input or arena); copy it for the value. */
	if ((st = copy_string(d, type.ptr, type.len, &type)) != LEXC_OK)
		return st;
	int kind = codec_find_variant(rules, type.ptr, type.len);
	if (kind == 0) {
		if (rules->closed) {
			char q[CODEC_QUOTE_BUF];
			codec_quote(q, sizeof q, type.ptr, type.len);
			return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
			                      "$type \"%s\" is not one of the union's variants", q);
		}
		const char *raw = NULL;
		size_t raw_len = 0;
		codec_raw_info info;
		if ((st = take_raw(d, LEXC_JSON_OBJECT_START, &info, &raw, &raw_len)) != LEXC_OK)
			return st;
		const char *problem = codec_unknown_variant_problem(rules, &info);
		if (problem != NULL) /* a blob, say: what encode would refuse */
			return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "%s", problem);
		out->kind = 0;
		out->value = NULL;
		out->type = type;
		out->raw.ptr = lexc_arena_strndup(d->a, raw, raw_len);
		if (out->raw.ptr == NULL)
			return no_memory(d);
		out->raw.len = raw_len;
		return LEXC_OK;
	}
	const lexc_type *vt = rules->variants[kind - 1].type;
	void *obj = lexc_arena_calloc(d->a, 1, vt->u.object.size);
	if (obj == NULL)
		return no_memory(d);
	st = decode_object_body(d, vt, obj);
	if (st != LEXC_OK)
		return st;
	out->kind = kind;
	out->value = obj;
	out->type = type;
	out->raw.ptr = NULL;
	out->raw.len = 0;
	return LEXC_OK;
}

static lexc_status decode_unknown(decoder *d, const lexc_unknown_rules *rules, lexc_str *out,
                                  lexc_json_token tok)
{
	if (rules->any_value) {
		if (tok == LEXC_JSON_NULL) /* a nullable field's null never gets here */
			return expected(d, "a value", tok);
		codec_raw_info info;
		const char *raw = NULL;
		size_t raw_len = 0;
		lexc_status st = take_raw(d, tok, &info, &raw, &raw_len);
		if (st != LEXC_OK)
			return st;
		out->ptr = lexc_arena_strndup(d->a, raw, raw_len);
		if (out->ptr == NULL)
			return no_memory(d);
		out->len = raw_len;
		return LEXC_OK;
	}
	if (tok != LEXC_JSON_OBJECT_START)
		return expected(d, "an object", tok);
	const char *raw = NULL;
	size_t raw_len = 0;
	codec_raw_info info;
	lexc_status st = take_raw(d, tok, &info, &raw, &raw_len);
	if (st != LEXC_OK)
		return st;
	if (info.shape != CODEC_RAW_OBJECT)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
		                      "unknown value must not be a blob, bytes or link object");
	out->ptr = lexc_arena_strndup(d->a, raw, raw_len);
	if (out->ptr == NULL)
		return no_memory(d);
	out->len = raw_len;
	return LEXC_OK;
}

/* Reads the first token of the next value. Unions, which look ahead
 * inside their object for `$type`, get the position before it saved, since
 * the reader can only rewind into a container that is still open. */
static lexc_json_token next_value(decoder *d, const lexc_type *t, lexc_json_mark *before)
{
	if (t->kind == LEXC_KIND_UNION)
		lexc_json_save(d->r, before);
	return lexc_json_next(d->r);
}

static lexc_status decode_array(decoder *d, const lexc_array_rules *rules, void **items,
                                size_t *count, lexc_json_token tok)
{
	if (tok != LEXC_JSON_ARRAY_START)
		return expected(d, "an array", tok);
	size_t n = 0, cap = 0, size = rules->item_size;
	char *buf = NULL;
	lexc_json_mark before;
	for (;;) {
		tok = next_value(d, rules->items, &before);
		if (tok == LEXC_JSON_ARRAY_END)
			break;
		/* A hostile array: stop reading it early. */
		if (rules->has_max_length && n == rules->max_length) {
			codec_check_array_length(rules, n + 1, d->err);
			return rule_failed(d);
		}
		if (n == cap) {
			size_t ncap = cap != 0 ? cap * 2 : 4;
			char *nb = lexc_arena_realloc(d->a, buf, cap * size, ncap * size);
			if (nb == NULL)
				return no_memory(d);
			memset(nb + cap * size, 0, (ncap - cap) * size);
			buf = nb;
			cap = ncap;
		}
		lexc_status st;
		if (rules->items->kind == LEXC_KIND_OBJECT && tok == LEXC_JSON_OBJECT_START)
			st = decode_members(d, rules->items, buf + n * size, false); /* by value */
		else
			st = decode_value(d, rules->items, buf + n * size, tok, &before);
		if (st != LEXC_OK) {
			lexc_error_path_prepend_index(d->err, n);
			return st;
		}
		n++;
	}
	if (!codec_check_array_length(rules, n, d->err))
		return rule_failed(d);
	*items = buf;
	*count = n;
	return LEXC_OK;
}

/* Decodes one value whose first token `tok` was read, into `slot`: the
 * member for scalars, the struct itself for objects (zeroed by caller).
 * `before` is the reader position before `tok` (see next_value). */
static lexc_status decode_value(decoder *d, const lexc_type *t, void *slot, lexc_json_token tok,
                                const lexc_json_mark *before)
{
	if (tok == LEXC_JSON_ERROR)
		return reader_failed(d);
	switch (t->kind) {
	case LEXC_KIND_BOOLEAN:
		return decode_boolean(d, &t->u.boolean, slot, tok);
	case LEXC_KIND_INTEGER:
		return decode_integer(d, &t->u.integer, slot, tok);
	case LEXC_KIND_STRING:
		return decode_string(d, &t->u.string, slot, tok);
	case LEXC_KIND_BYTES:
		return decode_bytes(d, &t->u.bytes, slot, tok);
	case LEXC_KIND_CID_LINK:
		return decode_cid_link(d, slot, tok);
	case LEXC_KIND_BLOB:
		return decode_blob(d, &t->u.blob, slot, tok);
	case LEXC_KIND_OBJECT:
		if (tok != LEXC_JSON_OBJECT_START)
			return expected(d, "an object", tok);
		return decode_object_body(d, t, slot);
	case LEXC_KIND_UNION:
		return decode_union(d, &t->u.union_, slot, tok, before);
	case LEXC_KIND_UNKNOWN:
		return decode_unknown(d, &t->u.unknown, slot, tok);
	case LEXC_KIND_ARRAY:
		break; /* arrays live in two members; decode_field handles them */
	}
	return lexc_error_set(d->err, LEXC_INTERNAL_SERVER_ERROR, "descriptor of kind %d misplaced",
	                      (int)t->kind);
}

static lexc_status decode_field(decoder *d, const lexc_field *f, void *obj)
{
	const lexc_type *t = f->type;
	lexc_json_reader *r = d->r;
	lexc_json_mark before;
	lexc_json_token tok = next_value(d, t, &before);
	lexc_status st;
	/* The common kinds with the expected token, without decode_value();
	 * every other case takes the general path below. */
	if (t->kind == LEXC_KIND_STRING && tok == LEXC_JSON_STRING) {
		if (!codec_check_string(&t->u.string, r->str, r->str_len, d->err))
			st = rule_failed(d);
		else
			st = take_string(d, CODEC_AT(obj, f->offset));
	} else if (t->kind == LEXC_KIND_OBJECT && tok == LEXC_JSON_OBJECT_START) {
		void *child = lexc_arena_calloc(d->a, 1, t->u.object.size);
		if (child == NULL)
			return no_memory(d);
		st = decode_members(d, t, child, false);
		*(void **)CODEC_AT(obj, f->offset) = child;
	} else if (t->kind == LEXC_KIND_INTEGER && tok == LEXC_JSON_NUMBER && r->integral) {
		if (!codec_check_integer(&t->u.integer, r->integer, d->err)) {
			st = rule_failed(d);
		} else {
			*(int64_t *)CODEC_AT(obj, f->offset) = r->integer;
			st = LEXC_OK;
		}
	} else if (tok == LEXC_JSON_NULL && (f->flags & LEXC_FIELD_NULLABLE)) {
		*(bool *)CODEC_AT(obj, f->null_offset) = true;
		st = LEXC_OK;
	} else if (t->kind == LEXC_KIND_ARRAY) {
		st = (f->flags & LEXC_FIELD_COUNTED)
		             ? decode_array(d, &t->u.array, CODEC_AT(obj, f->offset),
		                            CODEC_AT(obj, f->count_offset), tok)
		             : codec_uncounted_array(d->err);
	} else if (t->kind == LEXC_KIND_OBJECT) {
		void *child = NULL;
		if (tok == LEXC_JSON_OBJECT_START) {
			child = lexc_arena_calloc(d->a, 1, t->u.object.size);
			if (child == NULL)
				return no_memory(d);
		}
		st = decode_value(d, t, child, tok, &before);
		*(void **)CODEC_AT(obj, f->offset) = child;
	} else {
		st = decode_value(d, t, CODEC_AT(obj, f->offset), tok, &before);
	}
	if (st != LEXC_OK) {
		lexc_error_path_prepend_key(d->err, f->name.ptr, f->name.len);
		return st;
	}
	codec_set_present(f, obj);
	return LEXC_OK;
}

/* Reads the value of the member whose key is the current token as raw
 * JSON, with the data model's rules (errors name the key), and gives its
 * span in the input (`raw` may be NULL). */
static inline lexc_status raw_member(decoder *d, const char **raw, size_t *raw_len)
{
	lexc_str key = {d->r->str, d->r->str_len}; /* valid until the arena is reset */
	const char *span = NULL;
	size_t span_len = 0;
	codec_raw_info info;
	lexc_json_token tok = lexc_json_next(d->r);
	lexc_status st = tok == LEXC_JSON_ERROR ? reader_failed(d)
	                                        : take_raw(d, tok, &info, &span, &span_len);
	if (st != LEXC_OK) {
		lexc_error_path_prepend_key(d->err, key.ptr, key.len);
		return st;
	}
	if (raw != NULL) {
		*raw = span;
		*raw_len = span_len;
	}
	return LEXC_OK;
}

/* Checks an undeclared (or reserved, when `keep` is false) property's value
 * against the data model and keeps it as raw JSON in the object's
 * lexc_extra. The key is the current token. */
static lexc_status keep_extra(decoder *d, const lexc_object_rules *o, void *obj, bool keep)
{
	lexc_str key = {d->r->str, d->r->str_len}; /* valid until the arena is reset */
	const char *raw = NULL;
	size_t raw_len = 0;
	lexc_status st = raw_member(d, &raw, &raw_len);
	if (st != LEXC_OK || !keep || !o->has_extra)
		return st;
	lexc_extra *x = CODEC_AT(obj, o->extra_offset);
	/* The array doubles from 4, so that n undeclared properties cost O(n)
	 * copying and at most twice their final size in the arena, whatever is
	 * allocated between two growths. lexc_extra has no capacity field: the
	 * array is full when n is 0 or a power of two from 4 on. */
	if (x->n == 0 || (x->n >= 4 && (x->n & (x->n - 1)) == 0)) {
		size_t cap = x->n == 0 ? 4 : 2 * x->n;
		lexc_extra_field *nf =
		        lexc_arena_realloc(d->a, x->fields, x->n * sizeof *nf, cap * sizeof *nf);
		if (nf == NULL)
			return no_memory(d);
		x->fields = nf;
	}
	lexc_extra_field *f = &x->fields[x->n];
	if ((st = copy_string(d, key.ptr, key.len, &f->key)) != LEXC_OK ||
	    (st = copy_string(d, raw, raw_len, &f->json)) != LEXC_OK)
		return st;
	x->n++;
	return LEXC_OK;
}

/* `$type` inside an object: records and union variants must name
 * themselves; plain objects may carry it. */
static lexc_status check_own_type(decoder *d, const lexc_object_rules *o)
{
	lexc_json_token tok = lexc_json_next(d->r);
	if (tok == LEXC_JSON_ERROR)
		return reader_failed(d);
	if (tok != LEXC_JSON_STRING)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "$type must be a string");
	if (d->r->str_len == 0)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "$type must not be empty");
	const lexc_str *want = &o->type_name;
	if (want->len != 0 &&
	    (d->r->str_len != want->len || memcmp(d->r->str, want->ptr, want->len) != 0))
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "$type must be \"%.*s\"",
		                      (int)want->len, want->ptr);
	return LEXC_OK;
}

/* Small objects track seen fields in a word; larger ones in the arena. */
enum { SEEN_INLINE_WORDS = 4 };

static lexc_status decode_object_body(decoder *d, const lexc_type *t, void *obj)
{
	return decode_members(d, t, obj, false);
}

/* The members after '{' (and after a `$type` already checked when
 * saw_type). */
static lexc_status decode_members(decoder *d, const lexc_type *t, void *obj, bool saw_type)
{
	const lexc_object_rules *o = &t->u.object;
	uint64_t seen_inline[SEEN_INLINE_WORDS] = {0};
	uint64_t *seen = seen_inline;
	size_t words = (o->n_fields + 63) / 64;
	if (words > SEEN_INLINE_WORDS) {
		seen = lexc_arena_calloc(d->a, words, sizeof *seen);
		if (seen == NULL)
			return no_memory(d);
	}
	lexc_status st;
	for (;;) {
		/* Duplicate keys: declared ones show in `seen`, `$type` in
		 * saw_type, the reader's key set has the others. */
		lexc_json_token tok = json_reader_key(d->r);
		if (tok == LEXC_JSON_OBJECT_END)
			break;
		if (tok != LEXC_JSON_KEY)
			return reader_failed(d);
		size_t i = codec_field_index(o, d->r->str, d->r->str_len);
		if (i != o->n_fields) {
			const lexc_field *f = &o->fields[i];
			uint64_t bit = (uint64_t)1 << (i % 64);
			if (seen[i / 64] & bit) {
				json_reader_duplicate(d->r);
				return reader_failed(d);
			}
			seen[i / 64] |= bit;
			st = decode_field(d, f, obj);
		} else if (d->r->str_len == 0) {
			st = lexc_error_set(d->err, LEXC_INVALID_REQUEST,
			                    "object keys must not be empty");
		} else if (key_is(d->r, "$type")) {
			if (saw_type) {
				json_reader_duplicate(d->r);
				return reader_failed(d);
			}
			saw_type = true;
			st = check_own_type(d, o);
			if (st != LEXC_OK)
				lexc_error_path_prepend_key(d->err, "$type", 5);
		} else if (!json_reader_key_insert(d->r)) {
			return reader_failed(d);
		} else {
			/* Reserved keys the schema does not know are checked and
			 * dropped; other undeclared properties are kept. */
			st = keep_extra(d, o, obj, d->r->str[0] != '$');
		}
		if (st != LEXC_OK)
			return st;
	}
	if (o->is_record && !saw_type)
		return lexc_error_set(d->err, LEXC_INVALID_REQUEST, "record is missing its $type");
	for (size_t i = 0; i < o->n_fields; i++) {
		if (seen[i / 64] & ((uint64_t)1 << (i % 64)))
			continue;
		const lexc_field *f = &o->fields[i];
		if (!(f->flags & LEXC_FIELD_OPTIONAL))
			return lexc_error_set(d->err, LEXC_INVALID_REQUEST,
			                      "missing required property \"%.*s\"",
			                      (int)f->name.len, f->name.ptr);
		codec_apply_default(f, obj);
	}
	return LEXC_OK;
}

/* Out of memory because the arena's limit was reached is the input's
 * fault, and says so: LEXC_LIMIT_EXCEEDED (413), not LEXC_NO_MEMORY. */
static lexc_status limit_or_no_memory(lexc_status st, const lexc_json_reader *r,
                                      const lexc_arena *arena, lexc_error *err)
{
	const lexc_arena *ra = json_reader_arena(r);
	if (st != LEXC_NO_MEMORY ||
	    !(lexc_arena_limit_reached(arena) || (ra != NULL && lexc_arena_limit_reached(ra))))
		return st;
	return lexc_error_set(err, LEXC_LIMIT_EXCEEDED,
	                      "the value needs more memory than the limit of %zu bytes",
	                      arena->limit != 0 ? arena->limit : ra->limit);
}

lexc_status lexc_decode_from(const lexc_type *t, lexc_json_reader *r, lexc_arena *arena, void *slot,
                             lexc_error *err)
{
	lexc_error local;
	if (err == NULL) {
		lexc_error_clear(&local);
		err = &local;
	}
	lexc_status st = codec_check_layout(t, err);
	if (st != LEXC_OK)
		return st;
	decoder d = {r, arena, err};
	lexc_json_mark before;
	lexc_json_token tok = next_value(&d, t, &before);
	if (t->kind == LEXC_KIND_ARRAY)
		st = lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                    "a top-level array needs lexc_decode_array");
	else
		st = decode_value(&d, t, slot, tok, &before);
	st = limit_or_no_memory(st, r, arena, err);
	if (st != LEXC_OK && err->path[0] == '\0')
		memcpy(err->path, "$", 2); /* an error at the root */
	return st;
}

lexc_status lexc_decode(const lexc_type *t, const char *json, size_t len, lexc_arena *arena,
                        void *out, lexc_error *err)
{
	if (t->layout != LEXC_LAYOUT_VERSION) /* before t->u is read */
		return codec_check_layout(t, err);
	if (t->kind == LEXC_KIND_OBJECT)
		memset(out, 0, t->u.object.size);
	else if (t->kind == LEXC_KIND_UNION)
		memset(out, 0, sizeof(lexc_union));
	else
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "lexc_decode needs an object or union type");
	lexc_error local;
	if (err == NULL) {
		lexc_error_clear(&local);
		err = &local;
	}
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, arena, err);
	/* The data model has no empty keys, also inside values kept raw. */
	lexc_json_reader_set_flags(&r, LEXC_JSON_REJECT_EMPTY_KEYS | LEXC_JSON_REJECT_FLOATS);
	lexc_status st = lexc_decode_from(t, &r, arena, out, err);
	if (st != LEXC_OK)
		return st;
	if (lexc_json_next(&r) != LEXC_JSON_END) {
		st = limit_or_no_memory(json_reader_failure(&r, err), &r, arena, err);
		if (err->path[0] == '\0')
			memcpy(err->path, "$", 2); /* trailing data: the root's fault */
		return st;
	}
	return LEXC_OK;
}
