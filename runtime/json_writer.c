/* Compact JSON writer: see lexc/json.h. */
#include "config.h"

#include <lexc/base64.h>
#include <lexc/json.h>
#include <lexc/utf8.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { WRITER_FIRST_CAP = 256 };

void lexc_json_writer_init(lexc_json_writer *w, lexc_error *err)
{
	memset(w, 0, sizeof *w);
	w->err_ = err;
}

void lexc_json_writer_reset(lexc_json_writer *w)
{
	w->len = 0;
	w->failed = false;
	w->comma_ = false;
	if (w->buf != NULL)
		w->buf[0] = '\0';
}

void lexc_json_writer_free(lexc_json_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
	w->failed = false;
	w->comma_ = false;
}

char *lexc_json_writer_take(lexc_json_writer *w, size_t *len)
{
	if (w->failed) {
		lexc_json_writer_free(w);
		return NULL;
	}
	char *out = w->buf;
	size_t n = w->len;
	if (out == NULL) {
		out = malloc(1);
		if (out == NULL) {
			lexc_error_set(w->err_, LEXC_NO_MEMORY, "out of memory writing JSON");
			return NULL;
		}
		out[0] = '\0';
	}
	w->buf = NULL;
	lexc_json_writer_free(w);
	if (len != NULL)
		*len = n;
	return out;
}

static bool writer_fail(lexc_json_writer *w, lexc_status code, const char *msg, size_t n)
{
	w->failed = true;
	lexc_error_set(w->err_, code, "%s (%zu bytes)", msg, n);
	return false;
}

/* Makes room for n more bytes plus the NUL that follows the output. */
static bool grow(lexc_json_writer *w, size_t n)
{
	if (n > SIZE_MAX / 2 - w->len)
		return writer_fail(w, LEXC_NO_MEMORY, "out of memory writing JSON", n);
	size_t need = w->len + n + 1;
	size_t cap = w->cap < WRITER_FIRST_CAP ? WRITER_FIRST_CAP : w->cap;
	while (cap < need)
		cap *= 2;
	char *p = realloc(w->buf, cap);
	if (p == NULL)
		return writer_fail(w, LEXC_NO_MEMORY, "out of memory writing JSON", need);
	w->buf = p;
	w->cap = cap;
	return true;
}

static inline bool reserve(lexc_json_writer *w, size_t n)
{
	if (w->failed)
		return false;
	if (w->cap - w->len > n)
		return true;
	return grow(w, n);
}

/* Writes a byte that reserve() made room for. */
static inline void put(lexc_json_writer *w, char c)
{
	w->buf[w->len++] = c;
}

static inline void finish(lexc_json_writer *w)
{
	w->buf[w->len] = '\0';
}

/* Room for n bytes of a value, after the ',' it may need. */
static inline bool begin_value(lexc_json_writer *w, size_t n)
{
	if (!reserve(w, n + 1))
		return false;
	if (w->comma_)
		put(w, ',');
	return true;
}

static bool punct(lexc_json_writer *w, char c, bool value_start, bool comma_after)
{
	if (value_start ? !begin_value(w, 1) : !reserve(w, 1))
		return false;
	put(w, c);
	finish(w);
	w->comma_ = comma_after;
	return true;
}

bool lexc_json_write_object_start(lexc_json_writer *w)
{
	return punct(w, '{', true, false);
}

bool lexc_json_write_object_end(lexc_json_writer *w)
{
	return punct(w, '}', false, true);
}

bool lexc_json_write_array_start(lexc_json_writer *w)
{
	return punct(w, '[', true, false);
}

bool lexc_json_write_array_end(lexc_json_writer *w)
{
	return punct(w, ']', false, true);
}

/* For each byte: 0 to copy it, else the letter after '\\' ('u': \u00XX). */
static const char ESCAPE[256] = {'u', 'u', 'u', 'u', 'u', 'u',         'u',          'u', 'b',
                                 't', 'n', 'u', 'f', 'r', 'u',         'u',          'u', 'u',
                                 'u', 'u', 'u', 'u', 'u', 'u',         'u',          'u', 'u',
                                 'u', 'u', 'u', 'u', 'u', ['"'] = '"', ['\\'] = '\\'};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Length of the prefix of s[0..len) that needs no escaping; ORs its bytes
 * into *hi. */
static size_t plain_prefix(const unsigned char *s, size_t len, uint64_t *hi)
{
	size_t i = 0;
	uint64_t acc = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
		if (((q - ONES) | (b - ONES) | (v - ONES * 0x20)) & ~v & HIGHS)
			break;
		acc |= v;
	}
	while (i < len && ESCAPE[s[i]] == 0)
		acc |= s[i++];
	*hi |= acc;
	return i;
}

static bool write_quoted(lexc_json_writer *w, const char *str, size_t len)
{
	static const char HEX[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	if (len > SIZE_MAX / 2)
		return writer_fail(w, LEXC_NO_MEMORY, "out of memory writing JSON", len);
	/* Room for the unescaped case; escapes reserve more as they come. */
	if (!reserve(w, len + 2))
		return false;
	put(w, '"');
	uint64_t hi = 0;
	size_t i = 0;
	while (i < len) {
		size_t n = plain_prefix(s + i, len - i, &hi);
		memcpy(w->buf + w->len, s + i, n);
		w->len += n;
		i += n;
		if (i == len)
			break;
		unsigned char c = s[i++];
		char e = ESCAPE[c];
		/* 6 bytes for the escape and the rest of the string and quote. */
		if (!reserve(w, 6 + (len - i) + 1))
			return false;
		put(w, '\\');
		put(w, e);
		if (e == 'u') {
			put(w, '0');
			put(w, '0');
			put(w, HEX[c >> 4]);
			put(w, HEX[c & 15]);
		}
	}
	put(w, '"');
	finish(w);
	if (hi & HIGHS) {
		size_t bad = lexc_utf8_check(str, len);
		if (bad != len) {
			w->failed = true;
			lexc_error_set(w->err_, LEXC_INTERNAL_SERVER_ERROR,
			               "invalid UTF-8 at byte %zu of a string written to JSON",
			               bad);
			return false;
		}
	}
	return true;
}

bool lexc_json_write_key(lexc_json_writer *w, const char *s, size_t len)
{
	if (!begin_value(w, 0) || !write_quoted(w, s, len) || !reserve(w, 1))
		return false;
	put(w, ':');
	finish(w);
	w->comma_ = false;
	return true;
}

bool lexc_json_write_string(lexc_json_writer *w, const char *s, size_t len)
{
	if (!begin_value(w, 0) || !write_quoted(w, s, len))
		return false;
	w->comma_ = true;
	return true;
}

bool lexc_json_write_integer(lexc_json_writer *w, int64_t v)
{
	char tmp[20];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (!begin_value(w, n + 1))
		return false;
	if (v < 0)
		put(w, '-');
	while (n > 0)
		put(w, tmp[--n]);
	finish(w);
	w->comma_ = true;
	return true;
}

static bool literal(lexc_json_writer *w, const char *s, size_t n)
{
	if (!begin_value(w, n))
		return false;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	finish(w);
	w->comma_ = true;
	return true;
}

bool lexc_json_write_bool(lexc_json_writer *w, bool v)
{
	return v ? literal(w, "true", 4) : literal(w, "false", 5);
}

bool lexc_json_write_null(lexc_json_writer *w)
{
	return literal(w, "null", 4);
}

bool lexc_json_write_base64(lexc_json_writer *w, const void *data, size_t len)
{
	size_t n = lexc_base64_encoded_len(len);
	if (n > SIZE_MAX / 2)
		return writer_fail(w, LEXC_NO_MEMORY, "out of memory writing JSON", len);
	if (!begin_value(w, n + 2))
		return false;
	put(w, '"');
	w->len += lexc_base64_encode(data, len, w->buf + w->len);
	put(w, '"');
	finish(w);
	w->comma_ = true;
	return true;
}

bool lexc_json_write_raw(lexc_json_writer *w, const char *json, size_t len)
{
	if (!begin_value(w, len))
		return false;
	char *o = w->buf + w->len;
	const char *p = json, *e = json + len;
	while (p < e) {
		char c = *p++;
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		*o++ = c;
		if (c != '"')
			continue;
		/* Copy the string through its closing quote, escapes verbatim. */
		while (p < e) {
			c = *p++;
			*o++ = c;
			if (c == '"')
				break;
			if (c == '\\' && p < e)
				*o++ = *p++;
		}
	}
	w->len = (size_t)(o - w->buf);
	finish(w);
	w->comma_ = true;
	return true;
}
