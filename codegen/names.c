/* C names for lexicon things: see names.h and doc/naming.md. */
#include "config.h"

#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sorted for bsearch. C keywords through C23, lowercase macros of the
 * standard headers generated code includes or users commonly include, and
 * GNU's predefined lowercase macros (linux, unix in gnu modes). */
static const char *const reserved[] = {
        "_Alignas",   "_Alignof",    "_Atomic",    "_BitInt",        "_Bool",
        "_Complex",   "_Decimal128", "_Decimal32", "_Decimal64",     "_Generic",
        "_Imaginary", "_Noreturn",   "_Pragma",    "_Static_assert", "_Thread_local",
        "alignas",    "alignof",     "asm",        "assert",         "auto",
        "bool",       "break",       "case",       "char",           "complex",
        "const",      "constexpr",   "continue",   "default",        "do",
        "double",     "else",        "enum",       "errno",          "extern",
        "false",      "float",       "for",        "fortran",        "goto",
        "i386",       "if",          "imaginary",  "inline",         "int",
        "linux",      "long",        "noreturn",   "nullptr",        "offsetof",
        "register",   "restrict",    "return",     "setjmp",         "short",
        "signed",     "sizeof",      "static",     "static_assert",  "stderr",
        "stdin",      "stdout",      "struct",     "switch",         "thread_local",
        "true",       "typedef",     "typeof",     "typeof_unqual",  "union",
        "unix",       "unsigned",    "va_arg",     "va_copy",        "va_end",
        "va_start",   "void",        "volatile",   "while",
};

static int cmp_reserved(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool names_is_reserved(const char *s, size_t len)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf)
		return false;
	/* The one uppercase macro of <stddef.h>, which generated code includes. */
	if (len == 4 && memcmp(s, "NULL", 4) == 0)
		return true;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return bsearch(buf, reserved, sizeof reserved / sizeof reserved[0], sizeof reserved[0],
	               cmp_reserved) != NULL;
}

static bool ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

char *names_ident(lexc_arena *a, const char *s, size_t len)
{
	/* Room for one character in front and one behind. */
	char *buf = lexc_arena_alloc_aligned(a, len + 3, 1);
	if (buf == NULL)
		return NULL;
	char *out = buf + 1;
	for (size_t i = 0; i < len; i++)
		out[i] = ident_char((unsigned char)s[i]) ? s[i] : '_';
	size_t n = len;
	/* "_X..." and "__..." belong to the implementation in every scope and
	 * get an 'x' in front; a leading digit (or nothing) gets a '_'. */
	if (n >= 2 && out[0] == '_' && ((out[1] >= 'A' && out[1] <= 'Z') || out[1] == '_')) {
		*--out = 'x';
		n++;
	} else if (n == 0 || (out[0] >= '0' && out[0] <= '9')) {
		*--out = '_';
		n++;
	}
	if (names_is_reserved(out, n))
		out[n++] = '_';
	out[n] = '\0';
	return out;
}

static char *concat3(lexc_arena *a, const char *x, const char *sep, const char *y)
{
	size_t lx = strlen(x), ls = strlen(sep), ly = strlen(y);
	char *out = lexc_arena_alloc_aligned(a, lx + ls + ly + 1, 1);
	if (out == NULL)
		return NULL;
	memcpy(out, x, lx);
	memcpy(out + lx, sep, ls);
	memcpy(out + lx + ls, y, ly + 1);
	return out;
}

char *names_type(lexc_arena *a, const char *nsid, const char *def)
{
	char *base = names_ident(a, nsid, strlen(nsid)); /* '.' and '-' become '_' */
	if (base == NULL || def == NULL || strcmp(def, "main") == 0)
		return base;
	char *d = names_ident(a, def, strlen(def));
	return d != NULL ? concat3(a, base, "__", d) : NULL;
}

char *names_role(lexc_arena *a, const char *base, const char *suffix)
{
	return concat3(a, base, "__", suffix);
}

/* Open addressing over (name, origin) pairs; grows at half full. */
struct names_table {
	lexc_arena *arena;
	const char **names;
	const char **origins;
	size_t cap, count;
};

names_table *names_table_new(lexc_arena *a)
{
	names_table *t = lexc_arena_calloc(a, 1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->arena = a;
	t->cap = 256;
	t->names = lexc_arena_calloc(a, t->cap, sizeof *t->names);
	t->origins = lexc_arena_calloc(a, t->cap, sizeof *t->origins);
	return t->names != NULL && t->origins != NULL ? t : NULL;
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t slot_for(const names_table *t, const char *name)
{
	size_t i = (size_t)hash_name(name) & (t->cap - 1);
	while (t->names[i] != NULL && strcmp(t->names[i], name) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static bool grow(names_table *t)
{
	names_table bigger = *t;
	bigger.cap = t->cap * 2;
	bigger.names = lexc_arena_calloc(t->arena, bigger.cap, sizeof *bigger.names);
	bigger.origins = lexc_arena_calloc(t->arena, bigger.cap, sizeof *bigger.origins);
	if (bigger.names == NULL || bigger.origins == NULL)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->names[i] == NULL)
			continue;
		size_t j = slot_for(&bigger, t->names[i]);
		bigger.names[j] = t->names[i];
		bigger.origins[j] = t->origins[i];
	}
	*t = bigger;
	return true;
}

const char *names_table_add(names_table *t, const char *name, const char *origin)
{
	if (2 * (t->count + 1) > t->cap && !grow(t))
		return "(out of memory)";
	size_t i = slot_for(t, name);
	if (t->names[i] != NULL)
		return t->origins[i];
	t->names[i] = name;
	t->origins[i] = origin;
	t->count++;
	return NULL;
}
