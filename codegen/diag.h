/* Compiler-style diagnostics, collected over one run so that every problem
 * is reported at once, then sorted (by file, then document order) and
 * printed:
 *
 *   FILE: JSONPATH: message
 *   FILE: JSONPATH: warning: message
 *   FILE:LINE:COL: invalid JSON: jansson's text
 *   FILE: message                    (unreadable paths)
 *
 * All text is allocated in the arena given to diag_init. */
#ifndef LEXC_CODEGEN_DIAG_H
#define LEXC_CODEGEN_DIAG_H

#include <lexc/arena.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
} diag_severity;

typedef struct diag {
	diag_severity severity;
	bool io;            /* a path could not be read: lint exits 2 */
	const char *file;   /* as given on the command line; never NULL */
	const char *path;   /* JSON path, or NULL */
	unsigned line, col; /* JSON syntax errors (1-based), else 0 */
	const char *message;
	size_t owner;   /* 1 + index of the document it is about; 0: none */
	uint32_t order; /* document order of the node it is about */
	size_t seq;     /* emission order: the last sort key */
} diag;

typedef struct diag_list {
	lexc_arena *arena;
	size_t n, cap;
	diag *items;
} diag_list;

void diag_init(diag_list *l, lexc_arena *arena);

/* Appends a diagnostic and returns it, so that the caller can fill owner,
 * order, line and col; the pointer is valid until the next add. */
diag *diag_add(diag_list *l, diag_severity sev, const char *file, const char *path, const char *fmt,
               ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 5, 6)))
#endif
        ;
diag *diag_addv(diag_list *l, diag_severity sev, const char *file, const char *path,
                const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 5, 0)))
#endif
        ;

/* Keeps only the diagnostics for which keep(d, ctx) is true. */
void diag_filter(diag_list *l, bool (*keep)(diag *d, void *ctx), void *ctx);

/* Sorts by file, then order, then emission. */
void diag_sort(diag_list *l);

size_t diag_count(const diag_list *l, diag_severity sev);

/* Prints one diagnostic per line. */
void diag_print(const diag_list *l, FILE *out);
void diag_print_one(const diag *d, FILE *out);

/* Allocation that never fails: out of memory prints a message and exits
 * with status 2, as compilers do (diag_out_of_memory). */
void *diag_xalloc(lexc_arena *arena, size_t size);
_Noreturn void diag_out_of_memory(void);

#endif /* LEXC_CODEGEN_DIAG_H */
