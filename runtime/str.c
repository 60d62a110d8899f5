/* Value helpers: see lexc/str.h for the contract. */
#include "config.h"

#include <lexc/codec.h>
#include <lexc/str.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lexc_str null_str = {NULL, 0};

lexc_str lexc_str_borrow(const char *cstr)
{
	if (cstr == NULL)
		return null_str;
	return (lexc_str){cstr, strlen(cstr)};
}

lexc_str lexc_str_borrow_n(const char *ptr, size_t len)
{
	if (ptr == NULL && len == 0)
		return (lexc_str){"", 0};
	return (lexc_str){ptr, len};
}

lexc_str lexc_str_copy(lexc_arena *a, const char *cstr)
{
	return cstr == NULL ? null_str : lexc_str_copy_n(a, cstr, strlen(cstr));
}

lexc_str lexc_str_copy_n(lexc_arena *a, const char *ptr, size_t len)
{
	if (ptr == NULL && len != 0) {
		a->failed = true; /* a length without bytes: nothing to copy from */
		return null_str;
	}
	char *d = lexc_arena_strndup(a, ptr, len);
	if (d == NULL)
		return null_str; /* the arena marked itself failed */
	return (lexc_str){d, len};
}

lexc_str lexc_str_vprintf(lexc_arena *a, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	/* Try the current block's free tail first: one pass for most strings. */
	size_t room = a->ptr != NULL ? (size_t)(a->end - a->ptr) : 0;
	char *tail = a->ptr;
	int n = vsnprintf(tail, room, fmt, ap);
	lexc_str out = null_str;
	if (n < 0) {
		a->failed = true;
	} else if ((size_t)n < room) {
		char *d = lexc_arena_alloc_aligned(a, (size_t)n + 1, 1);
		out = (lexc_str){d, (size_t)n}; /* d == tail: the bytes are already there */
	} else {
		char *d = lexc_arena_alloc_aligned(a, (size_t)n + 1, 1);
		if (d != NULL && vsnprintf(d, (size_t)n + 1, fmt, again) == n)
			out = (lexc_str){d, (size_t)n};
		else
			a->failed = true;
	}
	va_end(again);
	return out;
}

lexc_str lexc_str_printf(lexc_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_str s = lexc_str_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

int lexc_str_cmp(lexc_str a, lexc_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n != 0 ? memcmp(a.ptr, b.ptr, n) : 0;
	if (c != 0)
		return c < 0 ? -1 : 1;
	return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

int lexc_str_cmp_cstr(lexc_str s, const char *cstr)
{
	return lexc_str_cmp(s, lexc_str_borrow(cstr));
}

bool lexc_str_eq(lexc_str a, lexc_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool lexc_str_eq_cstr(lexc_str s, const char *cstr)
{
	return lexc_str_eq(s, lexc_str_borrow(cstr));
}

lexc_status lexc_encode_to_string(const lexc_type *type, const void *value, lexc_arena *arena,
                                  lexc_str *out, lexc_error *err)
{
	*out = null_str;
	lexc_json_writer w;
	lexc_json_writer_init(&w, err);
	lexc_status st = lexc_encode(type, value, &w, err);
	if (st == LEXC_OK) {
		char *d = lexc_arena_strndup(arena, w.len != 0 ? w.buf : "", w.len);
		if (d == NULL)
			st = lexc_error_set(err, LEXC_NO_MEMORY,
			                    "out of memory for %zu bytes of JSON in the arena",
			                    w.len);
		else
			*out = (lexc_str){d, w.len};
	}
	lexc_json_writer_free(&w);
	return st;
}
