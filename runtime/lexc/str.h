/* lexc/str.h: making and comparing lexc_str values, and encoding a value to
 * a string in one call.
 *
 * Ownership, per function (as in jansson's reference notes):
 *   - Borrowed: the result points into the caller's memory, which must
 *     outlive every use of the result; nothing is copied or allocated.
 *   - Arena: the result's bytes live in the arena until lexc_arena_reset()
 *     or lexc_arena_free(); they are NUL-terminated (ptr[len] == '\0').
 *
 * Allocation failure is never silent: an arena function that cannot
 * allocate returns the null string {NULL, 0} and marks the arena failed
 * (lexc_arena_failed()). lexc_encode() refuses a string field whose ptr is
 * NULL, so the null string cannot go out as "" by mistake, and the XRPC
 * server answers 500 for a handler whose arena failed. */
#ifndef LEXC_STR_H
#define LEXC_STR_H

#include <lexc/arena.h>
#include <lexc/error.h>
#include <lexc/type.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A lexc_str of a string literal, its length known at compile time. Borrowed
 * (a literal lives forever). `"" lit` makes anything but a literal a compile
 * error, since sizeof of a pointer would give a wrong length. */
#ifdef __cplusplus
#define LEXC_STR(lit) (lexc_str{"" lit, sizeof("" lit) - 1})
#else
#define LEXC_STR(lit) ((lexc_str){"" lit, sizeof("" lit) - 1})
#endif

/* The same as an initialiser, for static arrays and struct initialisers in
 * C, where a compound literal is not a constant expression:
 *     static const lexc_str topics[] = {LEXC_STR_INIT("chat"), ...}; */
#define LEXC_STR_INIT(lit)                                                                         \
	{                                                                                          \
		"" lit, sizeof("" lit) - 1                                                         \
	}

/* Borrowed: `cstr` up to its NUL. NULL (no C string) gives the null string
 * {NULL, 0}: a generated optional setter takes it as absent
 * (`T__set_name(v, lexc_str_borrow(maybe_null))`), and lexc_encode()
 * refuses it where a value is required, so a missing C string never goes
 * out as "". */
lexc_str lexc_str_borrow(const char *cstr);

/* Borrowed: `len` bytes at `ptr` (which may contain NULs; ptr[len] need not
 * be a NUL, but lexc_str promises one to C-string users, so prefer
 * lexc_str_copy_n() for buffers that are not NUL-terminated). `ptr` NULL
 * with `len` 0 gives "". */
lexc_str lexc_str_borrow_n(const char *ptr, size_t len);

/* Arena: a copy of `cstr` up to its NUL. NULL gives the null string, as
 * lexc_str_borrow() does, without marking the arena failed. On allocation
 * failure: the null string, and the arena marked failed. */
lexc_str lexc_str_copy(lexc_arena *a, const char *cstr);

/* Arena: a copy of `len` bytes at `ptr`, NUL-terminated (`ptr` NULL with
 * `len` 0 gives ""). On allocation failure, or `ptr` NULL with `len` > 0:
 * the null string, and the arena marked failed. */
lexc_str lexc_str_copy_n(lexc_arena *a, const char *ptr, size_t len);

/* Arena: printf() into the arena, NUL-terminated. On allocation failure (or
 * an encoding error from vsnprintf): the null string, and the arena marked
 * failed. */
lexc_str lexc_str_printf(lexc_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

/* lexc_str_printf() with a va_list (which it consumes, as vprintf does). */
lexc_str lexc_str_vprintf(lexc_arena *a, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 0)))
#endif
        ;

/* True when `a` and `b` hold the same bytes. The null string equals "". */
bool lexc_str_eq(lexc_str a, lexc_str b);

/* True when `s` holds exactly the bytes of `cstr` (NULL counts as ""). */
bool lexc_str_eq_cstr(lexc_str s, const char *cstr);

/* Byte-wise (unsigned) order, a prefix first: -1, 0 or 1. For UTF-8 this
 * is code point order. */
int lexc_str_cmp(lexc_str a, lexc_str b);

/* lexc_str_cmp() against a C string (NULL counts as ""). */
int lexc_str_cmp_cstr(lexc_str s, const char *cstr);

/* Encodes `value` as lexc_encode() does and puts the JSON, NUL-terminated,
 * in `arena`: *out is arena-owned. On error *out is the null string, `err`
 * (may be NULL) says why, and nothing stays allocated outside the arena;
 * an allocation failure is LEXC_NO_MEMORY and marks the arena failed. */
lexc_status lexc_encode_to_string(const lexc_type *type, const void *value, lexc_arena *arena,
                                  lexc_str *out, lexc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_STR_H */
