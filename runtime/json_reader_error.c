/* The JSON reader's errors: every one sets the reader's state to ST_ERROR,
 * which is final (only json_reader_rewind() goes back to before it). */
#include "config.h"

#include "json_reader_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

lexc_json_token json_fail_raw(lexc_json_reader *r, size_t offset, lexc_status code, const char *fmt,
                              ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_error_setv(r->err_, code, fmt, ap);
	va_end(ap);
	r->status_ = code;
	r->state_ = ST_ERROR;
	r->offset = offset;
	r->token = LEXC_JSON_ERROR;
	return LEXC_JSON_ERROR;
}

lexc_json_token json_fail(lexc_json_reader *r, const char *at, const char *fmt, ...)
{
	char msg[LEXC_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t off = (size_t)(at - r->json_);
	return json_fail_raw(r, off, LEXC_INVALID_REQUEST, "invalid JSON at byte %zu: %s", off,
	                     msg);
}

lexc_json_token json_fail_memory(lexc_json_reader *r, const char *at)
{
	return json_fail_raw(r, (size_t)(at - r->json_), LEXC_NO_MEMORY,
	                     "out of memory reading JSON at byte %zu", (size_t)(at - r->json_));
}

/* The byte at `cur` is not what the grammar wants there (`what` says what
 * it wants); name the common mistakes before falling back to `what`. */
lexc_json_token json_unexpected(lexc_json_reader *r, const char *cur, const char *what)
{
	const char *lim = r->lim_;
	if (cur >= lim)
		return json_fail(r, cur, "unexpected end of input");
	unsigned char c = (unsigned char)*cur;
	if (c == '/')
		return json_fail(r, cur, "comments are not allowed");
	if (c == '\'')
		return json_fail(r, cur, "strings must use double quotes");
	if (c == '\v' || c == '\f' ||
	    (c == 0xC2 && lim - cur >= 2 && (unsigned char)cur[1] == 0xA0))
		return json_fail(r, cur, "only space, tab, CR and LF are whitespace in JSON");
	if (c == 0xEF && lim - cur >= 3 && memcmp(cur, "\xEF\xBB\xBF", 3) == 0)
		return json_fail(r, cur, "byte order mark is not allowed");
	return json_fail(r, cur, "%s", what);
}

/* Writes s[0..len) (valid UTF-8) for a message: JSON-escaped, cut at a
 * character boundary after 48 bytes or when `buf` runs short. */
static void quote_for_message(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0, i = 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool boundary = (c & 0xC0) != 0x80;
		if (boundary && (i >= 48 || o + 10 >= size))
			break;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

lexc_json_token json_fail_duplicate(lexc_json_reader *r, const char *s, size_t len)
{
	char q[LEXC_ERROR_MESSAGE_MAX / 2];
	quote_for_message(q, sizeof q, s, len);
	return json_fail(r, r->json_ + r->offset, "duplicate key \"%s\"", q);
}

lexc_status json_reader_failure(const lexc_json_reader *r, lexc_error *err)
{
	lexc_status code = r->status_ != LEXC_OK ? r->status_ : LEXC_INVALID_REQUEST;
	const lexc_error *re = r->err_;
	if (re != err && re != NULL && re->code == code)
		*err = *re;
	else if (re != err || err->code == LEXC_OK)
		lexc_error_set(err, code, "%s",
		               code == LEXC_NO_MEMORY ? "out of memory reading JSON"
		                                      : "invalid JSON");
	return code;
}
