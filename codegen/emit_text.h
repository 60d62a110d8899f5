/* Text for the C emitter: a growable buffer with printf-append, and the
 * layout of the few statement shapes generated code uses.
 *
 * Generated files must already be in the project's style: `clang-format
 * --dry-run --Werror` with the tree's .clang-format (clang-format 14) finds
 * nothing to change. The layout functions below reproduce clang-format's
 * choice for each shape the emitter prints (which line breaks, where
 * continuation lines align, when a list goes into columns); the choices
 * were measured against clang-format over every name length the shapes
 * can take (doc/generated-code.md). A construct that cannot fit in 100
 * columns whatever its layout (a name longer than a line) is fenced with
 * clang-format off/on instead, since clang-format's handling of overlong
 * tokens is not worth imitating.
 *
 * Widths count a tab as reaching the next multiple of 8 and a UTF-8
 * sequence as one column. Out of memory exits with status 2. */
#ifndef LEXC_CODEGEN_EMIT_TEXT_H
#define LEXC_CODEGEN_EMIT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

enum { TEXT_COLUMNS = 100 };

typedef struct text {
	char *buf; /* NUL-terminated once anything was written */
	size_t len, cap;
} text;

void text_init(text *t);
void text_free(text *t);
void text_reset(text *t);

void text_putn(text *t, const char *s, size_t n);
void text_puts(text *t, const char *s);
void text_putc(text *t, char c);
/* Inserts s at byte offset `pos` (at most t->len). */
void text_insert(text *t, size_t pos, const char *s);
void text_printf(text *t, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

/* A printf into `scratch` (reset first) whose result stays valid until the
 * next use of that buffer. */
const char *text_fmt(text *scratch, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

/* Display width of s[0..n) starting at column `col`. */
size_t text_width(const char *s, size_t n, size_t col);

/* Appends `s` as the body of a C string literal: quotes and backslashes
 * escaped, control bytes, trigraph-forming '?' and Unicode bidi controls as
 * octal escapes, other UTF-8 kept. */
void text_c_string(text *t, const char *s, size_t n);

/* ---- Layout of top-level constructs --------------------------------- */

/* Marks the start of a top-level construct (a declaration, definition or
 * block of them); text_end_construct() fences it with clang-format off/on
 * when one of its lines is longer than TEXT_COLUMNS. */
size_t text_begin_construct(const text *t);
bool text_has_long_line(const text *t, size_t start);

/* Columns past the limit, summed over the lines from `start`. */
size_t text_excess(const text *t, size_t start);
void text_end_construct(text *t, size_t start);

/* A block comment at `indent` ("" or "\t"), words filled to 100 columns.
 * `*` followed by `/`, `/` followed by `*`, trigraphs and control and bidi
 * characters are defused; runs of whitespace become one space. */
void text_comment(text *t, const char *indent, const char *s);

/* The same with several paragraphs, each starting on a new line; NULL and
 * empty paragraphs are skipped. */
void text_comment_paras(text *t, const char *indent, const char *const *paras, size_t n);

/* Two parts of one declaration: "a b" or, when too long, "a" and then b on
 * a continuation line ("typedef struct X X;", "extern const lexc_type X;",
 * a struct member "T *name;"). `b` includes its punctuation. */
void text_decl2(text *t, const char *indent, const char *a, const char *b);

/* #define name value, with clang-format's backslash continuation. */
void text_define(text *t, const char *name, const char *value);

/* The head of a function definition "ret name(params)" (without a body).
 * When `ret` ends with '*' the name follows without a space. */
void text_func_head(text *t, const char *ret, const char *name, const char *const *params,
                    size_t n);

/* A statement "head args...tail" at `indent` inside a function, where
 * `head` ends with '(' (e.g. "return lexc_decode(" ... ");"). */
void text_call(text *t, const char *indent, const char *head, const char *const *args, size_t n,
               const char *tail);

/* The same as a declaration, ending with ";". */
void text_func_decl(text *t, const char *ret, const char *name, const char *const *params,
                    size_t n);

/* The same in a given layout, for shapes whose layout was tabulated from
 * clang-format by name length: 'A' one line, 'B' aligned after '(', 'C'
 * return type on its own line, 'D' a break after '(', 'E' both. */
void text_func_head_as(text *t, const char *ret, const char *name, const char *const *params,
                       size_t n, char shape);

/* A function pointer typedef "head params tail", where `head` ends with the
 * '(' of the parameter list ("typedef int (*f)(") and `tail` is ");". */
void text_func_type(text *t, const char *head, const char *const *params, size_t n,
                    const char *tail);

/* A declaration initialized by a call, "lhs = head args tail" at `indent`
 * inside a function, where `head` ends with '(' ("lexc_status st", "f(",
 * ..., ");"). */
void text_decl_call(text *t, const char *indent, const char *lhs, const char *head,
                    const char *const *args, size_t n, const char *tail);

/* An assignment to a short name, "head args tail" ("st = f(" ... ");"):
 * on one line, aligned after '(' when that takes one break, else a break
 * right after '(' (measured against clang-format 14). */
void text_assign_call(text *t, const char *indent, const char *head, const char *const *args,
                      size_t n, const char *tail);

/* A statement "lhs = rhs;" at `indent` inside a function: on one line, or
 * broken after '=' with rhs on a continuation line (clang-format 14's
 * choice when rhs is one token, as in the generated setters). */
void text_stmt_assign(text *t, const char *indent, const char *lhs, const char *rhs);

/* "if (a OP b)" at `indent`: on one line, or broken after OP with b aligned
 * after "if (" (clang-format 14, for operands that do not break inside). */
void text_if_binary(text *t, const char *indent, const char *a, const char *op, const char *b);

/* How the value of a designated initializer is shaped. */
typedef enum text_rhs {
	RHS_ATOM,  /* one token: `&x__type`, `LEXC_NO_OFFSET`, "a string" */
	RHS_CALL,  /* fn(args): `offsetof(T, m)`; `open` is "offsetof(" */
	RHS_BRACE, /* {args}: `{"chat", 4}`; `open` is "{" */
} text_rhs;

/* ".key = value," inside an initializer, at `indent` (spaces). */
void text_assign(text *t, const char *indent, const char *key, text_rhs shape, const char *open,
                 const char *const *args, size_t n);

/* The items of a top-level braced list with a trailing comma, each line
 * starting with `indent`, as clang-format lays them out: in columns when
 * there are five or more short items, else one per line. */
void text_list_items(text *t, const char *indent, const char *const *items, size_t n);

/* Frees the scratch buffers the layout functions keep between calls. */
void text_layout_free(void);

#endif /* LEXC_CODEGEN_EMIT_TEXT_H */
