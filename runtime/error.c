/* Status table and error values: see lexc/error.h. */
#include "config.h"

#include <lexc/error.h>

#include <stdio.h>
#include <string.h>

static const struct {
	const char *id;
	const char *name;
	int http;
} status_table[] = {
#define STATUS_ROW_(id, name, http) {#id, name, http},
        LEXC_STATUSES(STATUS_ROW_)
#undef STATUS_ROW_
};

_Static_assert(sizeof status_table / sizeof status_table[0] == LEXC_STATUS_COUNT_,
               "status table and enum differ");

static bool status_valid(lexc_status code)
{
	return (unsigned)code < LEXC_STATUS_COUNT_;
}

const char *lexc_status_name(lexc_status code)
{
	return status_valid(code) ? status_table[code].name : "InternalServerError";
}

int lexc_status_http(lexc_status code)
{
	return status_valid(code) ? status_table[code].http : 500;
}

const char *lexc_status_id(lexc_status code)
{
	return status_valid(code) ? status_table[code].id : "UNKNOWN";
}

void lexc_error_clear(lexc_error *err)
{
	err->code = LEXC_OK;
	err->name[0] = '\0';
	err->path[0] = '\0';
	err->message[0] = '\0';
}

/* Cuts a string that snprintf truncated back to a UTF-8 boundary. */
static void utf8_trim_tail(char *s, size_t len)
{
	size_t i = len;
	/* Step back over continuation bytes to the last lead byte. */
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (len - (i - 1) < want)
		s[i - 1] = '\0';
}

lexc_status lexc_error_setv(lexc_error *err, lexc_status code, const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->name[0] = '\0';
	err->path[0] = '\0';
	int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
	if (n < 0)
		err->message[0] = '\0';
	else if ((size_t)n >= sizeof err->message)
		utf8_trim_tail(err->message, sizeof err->message - 1);
	return code;
}

lexc_status lexc_error_set(lexc_error *err, lexc_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_status r = lexc_error_setv(err, code, fmt, ap);
	va_end(ap);
	return r;
}

static bool xrpc_name_ok(const char *name)
{
	size_t n = 0;
	for (; name[n] != '\0'; n++) {
		unsigned char c = (unsigned char)name[n];
		if (c <= 0x20 || c >= 0x7F)
			return false;
	}
	return n > 0 && n < LEXC_ERROR_NAME_MAX;
}

void lexc_error_set_name(lexc_error *err, const char *name)
{
	if (name != NULL && xrpc_name_ok(name))
		memcpy(err->name, name, strlen(name) + 1);
	else
		err->name[0] = '\0';
}

const char *lexc_error_name(const lexc_error *err)
{
	return err->name[0] != '\0' ? err->name : lexc_status_name(err->code);
}

/* Inserts `step` (of `n` bytes) right after the leading "$". When the path
 * would overflow, the outer steps are dropped and "$…" marks the cut, so
 * the innermost, most specific steps survive. */
static void path_insert(lexc_error *err, const char *step, size_t n)
{
	static const char cut[] = "$\xE2\x80\xA6"; /* "$…" */
	char *p = err->path;
	size_t len = strlen(p);
	if (len == 0) {
		p[0] = '$';
		p[1] = '\0';
		len = 1;
	}
	if (strncmp(p, cut, sizeof cut - 1) == 0)
		return; /* already cut: outer steps are gone for good */
	if (len + n >= LEXC_ERROR_PATH_MAX) {
		if (len + sizeof cut - 2 < LEXC_ERROR_PATH_MAX) {
			memmove(p + sizeof cut - 1, p + 1, len); /* keeps the NUL */
			memcpy(p, cut, sizeof cut - 1);
		}
		return;
	}
	memmove(p + 1 + n, p + 1, len); /* tail and its NUL */
	memcpy(p + 1, step, n);
}

static bool key_is_identifier(const char *key, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		bool alpha =
		        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
		bool digit = c >= '0' && c <= '9';
		if (!alpha && !(digit && i > 0))
			return false;
	}
	return true;
}

void lexc_error_path_prepend_key(lexc_error *err, const char *key, size_t len)
{
	char step[LEXC_ERROR_PATH_MAX];
	size_t n = 0;
	if (key_is_identifier(key, len)) {
		if (len + 1 >= sizeof step)
			len = sizeof step - 2;
		step[n++] = '.';
		memcpy(step + n, key, len);
		n += len;
	} else {
		/* ["key"] with the JSON escapes a reader needs to see the key. */
		step[n++] = '[';
		step[n++] = '"';
		/* A long key is cut, never inside a UTF-8 sequence. */
		for (size_t i = 0; i < len;) {
			unsigned char c = (unsigned char)key[i];
			size_t w = c < 0xC0 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if (w > len - i)
				w = len - i;
			if (n + w + 8 >= sizeof step)
				break;
			if (c == '"' || c == '\\') {
				step[n++] = '\\';
				step[n++] = (char)c;
			} else if (c < 0x20 || c == 0x7F) {
				n += (size_t)snprintf(step + n, sizeof step - n, "\\u%04x", c);
			} else {
				memcpy(step + n, key + i, w);
				n += w;
			}
			i += w;
		}
		step[n++] = '"';
		step[n++] = ']';
	}
	path_insert(err, step, n);
}

void lexc_error_path_prepend_index(lexc_error *err, size_t index)
{
	char step[32];
	int n = snprintf(step, sizeof step, "[%zu]", index);
	path_insert(err, step, (size_t)n);
}

size_t lexc_error_format(const lexc_error *err, char *buf, size_t size)
{
	int n;
	if (err->path[0] != '\0')
		n = snprintf(buf, size, "%s: %s", err->path, err->message);
	else
		n = snprintf(buf, size, "%s", err->message);
	return n < 0 ? 0 : (size_t)n;
}
