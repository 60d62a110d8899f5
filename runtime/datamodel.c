/* The atproto data model on raw JSON. Values the engine keeps or writes
 * verbatim (`unknown`, undeclared properties, open unions' unknown
 * variants) have no descriptor, so these rules are all that stands between
 * them and the wire: integers only, no empty keys, `$type` a non-empty
 * string, `$link` and `$bytes` objects exactly their one key, and blobs
 * with a link, a MIME type string and an integer size. The reader has
 * already checked the JSON itself (syntax, UTF-8, duplicates, depth). */
#include "config.h"

#include "codec_internal.h"

#include <lexc/base64.h>

#include <string.h>

static bool is(const lexc_str *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->len == n && memcmp(s->ptr, lit, n) == 0;
}

static lexc_status fail_at(lexc_error *err, const char *key, const char *msg)
{
	lexc_error_set(err, LEXC_INVALID_REQUEST, "%s", msg);
	if (key != NULL)
		lexc_error_path_prepend_key(err, key, strlen(key));
	return LEXC_INVALID_REQUEST;
}

/* Valid base64 without keeping the bytes: decoded a slice at a time into a
 * small buffer. Slices are whole 4-character groups, so padding can only
 * come in the last one, as in one decode of the whole string. */
static bool base64_ok(const char *s, size_t len, const char **reason)
{
	unsigned char buf[768];
	size_t got;
	while (len > 1024) {
		/* Padding ends a middle slice only when it is misplaced. */
		if (s[1023] == '=') {
			*reason = "base64: misplaced padding '='";
			return false;
		}
		if (!lexc_base64_decode(s, 1024, buf, sizeof buf, &got, reason))
			return false;
		s += 1024;
		len -= 1024;
	}
	return lexc_base64_decode(s, len, buf, sizeof buf, &got, reason);
}

/* What an object member told us, for the object's own rules. */
typedef struct object_facts {
	size_t n_keys;
	bool has_type, has_link, has_bytes, has_ref, has_mime, has_size;
	bool ref_is_link, mime_is_string, size_is_integer;
	lexc_str type, link, bytes;
} object_facts;

static lexc_status raw_object(lexc_json_reader *r, unsigned base, codec_raw_info *info,
                              lexc_error *err)
{
	object_facts f;
	memset(&f, 0, sizeof f);
	for (;;) {
		lexc_json_token tok = lexc_json_next(r);
		if (tok == LEXC_JSON_OBJECT_END)
			break;
		if (tok != LEXC_JSON_KEY)
			return json_reader_failure(r, err);
		lexc_str key = {r->str, r->str_len};
		if (key.len == 0)
			return lexc_error_set(err, LEXC_INVALID_REQUEST,
			                      "object keys must not be empty");
		f.n_keys++;
		tok = lexc_json_next(r);
		if (tok == LEXC_JSON_ERROR) {
			lexc_status st = json_reader_failure(r, err);
			lexc_error_path_prepend_key(err, key.ptr, key.len);
			return st;
		}
		if (is(&key, "$type")) {
			if (tok != LEXC_JSON_STRING)
				return fail_at(err, "$type", "$type must be a string");
			if (r->str_len == 0)
				return fail_at(err, "$type", "$type must not be empty");
			f.has_type = true;
			f.type = (lexc_str){r->str, r->str_len};
			continue;
		}
		if (is(&key, "$link") || is(&key, "$bytes")) {
			bool link = key.ptr[1] == 'l';
			if (tok != LEXC_JSON_STRING)
				return fail_at(err, link ? "$link" : "$bytes",
				               link ? "$link must be a CID string"
				                    : "$bytes must be a base64 string");
			*(link ? &f.has_link : &f.has_bytes) = true;
			*(link ? &f.link : &f.bytes) = (lexc_str){r->str, r->str_len};
			continue;
		}
		codec_raw_info child;
		lexc_status st = codec_raw_value(r, tok, base, &child, err);
		if (st != LEXC_OK) {
			lexc_error_path_prepend_key(err, key.ptr, key.len);
			return st;
		}
		if (is(&key, "ref")) {
			f.has_ref = true;
			f.ref_is_link = child.shape == CODEC_RAW_LINK;
		} else if (is(&key, "mimeType")) {
			f.has_mime = true;
			f.mime_is_string = tok == LEXC_JSON_STRING;
		} else if (is(&key, "size")) {
			f.has_size = true;
			f.size_is_integer = tok == LEXC_JSON_NUMBER;
		}
	}
	info->shape = CODEC_RAW_OBJECT;
	info->type = f.type;
	if (f.has_link) {
		if (f.n_keys != 1)
			return lexc_error_set(err, LEXC_INVALID_REQUEST,
			                      "an object with $link must be exactly "
			                      "{\"$link\": \"<cid>\"}");
		if (!codec_check_cid(f.link.ptr, f.link.len, err)) {
			lexc_error_path_prepend_key(err, "$link", 5);
			return LEXC_INVALID_REQUEST;
		}
		info->shape = CODEC_RAW_LINK;
		return LEXC_OK;
	}
	if (f.has_bytes) {
		if (f.n_keys != 1)
			return lexc_error_set(err, LEXC_INVALID_REQUEST,
			                      "an object with $bytes must be exactly "
			                      "{\"$bytes\": \"<base64>\"}");
		const char *reason = NULL;
		if (!base64_ok(f.bytes.ptr, f.bytes.len, &reason)) {
			lexc_error_set(err, LEXC_INVALID_REQUEST, "invalid base64 in $bytes: %s",
			               reason != NULL ? reason : "malformed");
			lexc_error_path_prepend_key(err, "$bytes", 6);
			return LEXC_INVALID_REQUEST;
		}
		info->shape = CODEC_RAW_BYTES;
		return LEXC_OK;
	}
	if (f.has_type && is(&f.type, "blob")) {
		if (!f.has_ref || !f.ref_is_link)
			return fail_at(err, f.has_ref ? "ref" : NULL,
			               "a blob needs \"ref\": {\"$link\": \"<cid>\"}");
		if (!f.has_mime || !f.mime_is_string)
			return fail_at(err, f.has_mime ? "mimeType" : NULL,
			               "a blob needs \"mimeType\" as a string");
		if (!f.has_size || !f.size_is_integer)
			return fail_at(err, f.has_size ? "size" : NULL,
			               "a blob needs \"size\" as an integer");
		info->shape = CODEC_RAW_BLOB;
	}
	return LEXC_OK;
}

lexc_status codec_raw_value(lexc_json_reader *r, lexc_json_token tok, unsigned base,
                            codec_raw_info *info, lexc_error *err)
{
	info->shape = CODEC_RAW_SCALAR;
	info->type.ptr = NULL;
	info->type.len = 0;
	if ((tok == LEXC_JSON_OBJECT_START || tok == LEXC_JSON_ARRAY_START) &&
	    r->depth + base > LEXC_JSON_DEFAULT_MAX_DEPTH)
		return codec_too_deep(err);
	switch (tok) {
	case LEXC_JSON_OBJECT_START:
		return raw_object(r, base, info, err);
	case LEXC_JSON_ARRAY_START:
		info->shape = CODEC_RAW_ARRAY;
		for (size_t i = 0;; i++) {
			codec_raw_info item;
			tok = lexc_json_next(r);
			if (tok == LEXC_JSON_ARRAY_END)
				return LEXC_OK;
			lexc_status st = codec_raw_value(r, tok, base, &item, err);
			if (st != LEXC_OK) {
				lexc_error_path_prepend_index(err, i);
				return st;
			}
		}
	case LEXC_JSON_NUMBER:
		if (!r->integral)
			return lexc_error_set(err, LEXC_INVALID_REQUEST, "%s",
			                      r->out_of_range ? "integer out of the 64-bit range"
			                                      : "not an integer (the data model "
			                                        "has no floats)");
		return LEXC_OK;
	case LEXC_JSON_STRING:
	case LEXC_JSON_TRUE:
	case LEXC_JSON_FALSE:
	case LEXC_JSON_NULL:
		return LEXC_OK;
	case LEXC_JSON_ERROR:
		return json_reader_failure(r, err);
	default:
		return lexc_error_set(err, LEXC_INVALID_REQUEST, "expected a value, got %s",
		                      lexc_json_token_name(tok));
	}
}

const char *codec_unknown_variant_problem(const lexc_union_rules *u, const codec_raw_info *info)
{
	if (info->shape != CODEC_RAW_OBJECT || info->type.len == 0)
		return "an open union's unknown variant must be a plain object with a $type";
	if (codec_ends_with_main(&info->type))
		return "$type must not end with #main (write the bare NSID)";
	if (codec_find_variant(u, info->type.ptr, info->type.len) != 0)
		return "an open union's raw value names one of its known variants";
	return NULL;
}

lexc_status codec_too_deep(lexc_error *err)
{
	return lexc_error_set(err, LEXC_INVALID_REQUEST, "nesting deeper than %u levels",
	                      (unsigned)LEXC_JSON_DEFAULT_MAX_DEPTH);
}

lexc_status codec_raw_check(const char *json, size_t len, unsigned base, lexc_arena *scratch,
                            codec_raw_info *info, lexc_error *err)
{
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, scratch, err);
	lexc_json_reader_set_flags(&r, LEXC_JSON_REJECT_EMPTY_KEYS | LEXC_JSON_REJECT_FLOATS);
	lexc_status st = codec_raw_value(&r, lexc_json_next(&r), base, info, err);
	if (st != LEXC_OK)
		return st;
	if (lexc_json_next(&r) != LEXC_JSON_END)
		return json_reader_failure(&r, err);
	return LEXC_OK;
}
