/* Constraint checks shared by decode, validate and encode. The order for
 * strings follows the reference TypeScript validator: const, enum, length,
 * graphemes, format (so the first complaint matches what users know). */
#include "config.h"

#include "codec_internal.h"

#include <lexc/utf8.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool fail(lexc_error *err, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

static bool fail(lexc_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_error_setv(err, LEXC_INVALID_REQUEST, fmt, ap);
	va_end(ap);
	return false;
}

void codec_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0, i = 0, keep = lexc_utf8_prefix(s, len, CODEC_QUOTE_MAX);
	if (size == 0)
		return;
	while (i < keep) {
		unsigned char c = (unsigned char)s[i];
		size_t w = 1, need; /* w bytes of input become `need` of output */
		if (c >= 0xC0)
			w = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (w > keep - i)
			w = keep - i;
		bool escape = c == '"' || c == '\\', control = c < 0x20 || c == 0x7F;
		need = escape ? 2 : control ? 6 : w;
		if (o + need + 4 > size) /* 4: "..." and the NUL */
			break;
		if (escape) {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (control) {
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		} else {
			memcpy(buf + o, s + i, w);
			o += w;
		}
		i += w;
	}
	if (i < len && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

bool codec_check_boolean(const lexc_boolean_rules *r, bool v, lexc_error *err)
{
	if (r->has_const && v != r->const_value)
		return fail(err, "must be %s", r->const_value ? "true" : "false");
	return true;
}

bool codec_check_integer(const lexc_integer_rules *r, int64_t v, lexc_error *err)
{
	if (r->has_const && v != r->const_value)
		return fail(err, "must be %" PRId64, r->const_value);
	if (r->enum_values != NULL) {
		size_t i = 0;
		while (i < r->n_enum && r->enum_values[i] != v)
			i++;
		if (i == r->n_enum)
			return fail(err, "%" PRId64 " is not one of the allowed values", v);
	}
	if (r->has_minimum && v < r->minimum)
		return fail(err, "less than minimum %" PRId64, r->minimum);
	if (r->has_maximum && v > r->maximum)
		return fail(err, "greater than maximum %" PRId64, r->maximum);
	return true;
}

static bool str_eq(const lexc_str *a, const char *s, size_t len)
{
	return a->len == len && (len == 0 || memcmp(a->ptr, s, len) == 0);
}

static bool check_string_full(const lexc_string_rules *r, const char *s, size_t len,
                              lexc_error *err);

static inline size_t max_graphemes(const lexc_string_rules *r)
{
	return r->has_max_graphemes ? r->max_graphemes : SIZE_MAX;
}

/* The usual string passes its length bounds, no const or enum, at most a
 * grapheme check and a format: that path stays free of the message
 * formatting, which check_string_full() does when anything fails. */
bool codec_check_string(const lexc_string_rules *r, const char *s, size_t len, lexc_error *err)
{
	if (r->has_const || r->enum_values != NULL || len < r->min_length ||
	    (r->has_max_length && len > r->max_length))
		return check_string_full(r, s, len, err);
	if ((r->min_graphemes > 0 || r->has_max_graphemes) &&
	    !lexc_graphemes_within(s, len, r->min_graphemes, max_graphemes(r)))
		return check_string_full(r, s, len, err);
	if (r->format != LEXC_FORMAT_NONE && !lexc_format_check(r->format, s, len, NULL))
		return check_string_full(r, s, len, err);
	return true;
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool
check_string_full(const lexc_string_rules *r, const char *s, size_t len, lexc_error *err)
{
	if (r->has_const && !str_eq(&r->const_value, s, len))
		return fail(err, "must be \"%.*s\"", (int)r->const_value.len, r->const_value.ptr);
	if (r->enum_values != NULL) {
		size_t i = 0;
		while (i < r->n_enum && !str_eq(&r->enum_values[i], s, len))
			i++;
		if (i == r->n_enum) {
			char q[CODEC_QUOTE_BUF];
			codec_quote(q, sizeof q, s, len);
			return fail(err, "\"%s\" is not one of the allowed values", q);
		}
	}
	if (len < r->min_length)
		return fail(err, "shorter than minLength %zu", r->min_length);
	if (r->has_max_length && len > r->max_length)
		return fail(err, "longer than maxLength %zu", r->max_length);
	if ((r->min_graphemes > 0 || r->has_max_graphemes) &&
	    !lexc_graphemes_within(s, len, r->min_graphemes, max_graphemes(r))) {
		size_t g = lexc_graphemes_count_upto(s, len, max_graphemes(r));
		if (g < r->min_graphemes)
			return fail(err, "shorter than minGraphemes %zu", r->min_graphemes);
		return fail(err, "longer than maxGraphemes %zu", r->max_graphemes);
	}
	if (r->format != LEXC_FORMAT_NONE) {
		const char *reason = NULL;
		if (!lexc_format_check(r->format, s, len, &reason))
			return fail(err, "invalid %s", reason != NULL ? reason : "format");
	}
	return true;
}

bool codec_check_bytes(const lexc_bytes_rules *r, size_t len, lexc_error *err)
{
	if (len < r->min_length)
		return fail(err, "shorter than minLength %zu bytes", r->min_length);
	if (r->has_max_length && len > r->max_length)
		return fail(err, "longer than maxLength %zu bytes", r->max_length);
	return true;
}

bool codec_check_cid(const char *s, size_t len, lexc_error *err)
{
	const char *reason = NULL;
	if (!lexc_format_cid(s, len, &reason))
		return fail(err, "invalid %s", reason != NULL ? reason : "cid");
	return true;
}

static bool ascii_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

bool codec_mime_accepted(const lexc_str *accept, size_t n_accept, const char *mime, size_t len)
{
	const char *slash = memchr(mime, '/', len);
	size_t type_len = slash != NULL ? (size_t)(slash - mime) : len;
	for (size_t i = 0; i < n_accept; i++) {
		const lexc_str *a = &accept[i];
		if (a->len == 3 && memcmp(a->ptr, "*/*", 3) == 0)
			return true;
		if (a->len >= 2 && memcmp(a->ptr + a->len - 2, "/*", 2) == 0) {
			if (slash != NULL && a->len - 2 == type_len &&
			    ascii_ieq(a->ptr, mime, type_len))
				return true;
		} else if (a->len == len && ascii_ieq(a->ptr, mime, len)) {
			return true;
		}
	}
	return false;
}

static bool check_blob(const lexc_blob_rules *r, const lexc_blob *b, bool ref_checked,
                       lexc_error *err)
{
	if (b->mime_type.len == 0)
		return fail(err, "blob mimeType must not be empty");
	if (!b->legacy && b->size < 0)
		return fail(err, "blob size must not be negative");
	if (!ref_checked && !codec_check_cid(b->ref.ptr, b->ref.len, err))
		return false;
	if (r->accept != NULL &&
	    !codec_mime_accepted(r->accept, r->n_accept, b->mime_type.ptr, b->mime_type.len)) {
		char q[CODEC_QUOTE_BUF];
		codec_quote(q, sizeof q, b->mime_type.ptr, b->mime_type.len);
		return fail(err, "blob mimeType \"%s\" is not accepted", q);
	}
	if (r->has_max_size && !b->legacy && b->size > r->max_size)
		return fail(err, "blob size %" PRId64 " greater than maxSize %" PRId64, b->size,
		            r->max_size);
	return true;
}

bool codec_check_blob(const lexc_blob_rules *r, const lexc_blob *b, lexc_error *err)
{
	return check_blob(r, b, false, err);
}

bool codec_check_blob_decoded(const lexc_blob_rules *r, const lexc_blob *b, lexc_error *err)
{
	return check_blob(r, b, !b->legacy, err);
}

bool codec_check_array_length(const lexc_array_rules *r, size_t n, lexc_error *err)
{
	if (n < r->min_length)
		return fail(err, "fewer than minLength %zu items", r->min_length);
	if (r->has_max_length && n > r->max_length)
		return fail(err, "more than maxLength %zu items", r->max_length);
	return true;
}

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n != 0 ? memcmp(a, b, n) : 0;
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

const lexc_field *codec_find_field_sorted(const lexc_object_rules *o, const char *key, size_t len)
{
	size_t lo = 0, hi = o->n_fields;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const lexc_str *name = &o->fields[mid].name;
		int c = key_cmp(key, len, name->ptr, name->len);
		if (c == 0)
			return &o->fields[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int codec_find_variant(const lexc_union_rules *u, const char *type, size_t len)
{
	if (u->n_variants <= CODEC_FIELD_SCAN_MAX) { /* as codec_find_field() */
		for (size_t i = 0; i < u->n_variants; i++) {
			const lexc_str *name = &u->variants[i].type_name;
			if (name->len == len && codec_bytes_equal(name->ptr, type, len))
				return (int)i + 1;
		}
		return 0;
	}
	size_t lo = 0, hi = u->n_variants;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const lexc_str *name = &u->variants[mid].type_name;
		int c = key_cmp(type, len, name->ptr, name->len);
		if (c == 0)
			return (int)mid + 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}
