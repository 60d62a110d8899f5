/* Text buffer and clang-format-compatible layout: see emit_text.h. */
#include "config.h"

#include "emit_text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	fputs("lexc: out of memory\n", stderr);
	exit(2);
}

void text_init(text *t)
{
	t->buf = NULL;
	t->len = t->cap = 0;
}

void text_free(text *t)
{
	free(t->buf);
	text_init(t);
}

void text_reset(text *t)
{
	t->len = 0;
	if (t->buf != NULL)
		t->buf[0] = '\0';
}

static void reserve(text *t, size_t extra)
{
	if (t->len + extra + 1 <= t->cap)
		return;
	size_t cap = t->cap != 0 ? t->cap : 256;
	while (cap < t->len + extra + 1)
		cap *= 2;
	char *nb = realloc(t->buf, cap);
	if (nb == NULL)
		out_of_memory();
	t->buf = nb;
	t->cap = cap;
}

void text_putn(text *t, const char *s, size_t n)
{
	reserve(t, n);
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void text_puts(text *t, const char *s)
{
	text_putn(t, s, strlen(s));
}

void text_putc(text *t, char c)
{
	text_putn(t, &c, 1);
}

void text_insert(text *t, size_t pos, const char *s)
{
	size_t n = strlen(s);
	reserve(t, n);
	memmove(t->buf + pos + n, t->buf + pos, t->len - pos + 1);
	memcpy(t->buf + pos, s, n);
	t->len += n;
}

static void text_vprintf(text *t, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 0)))
#endif
        ;

static void text_vprintf(text *t, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0)
		out_of_memory();
	if ((size_t)n < sizeof small) {
		text_putn(t, small, (size_t)n);
	} else {
		reserve(t, (size_t)n);
		vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap2);
		t->len += (size_t)n;
	}
	va_end(ap2);
}

void text_printf(text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(t, fmt, ap);
	va_end(ap);
}

const char *text_fmt(text *scratch, const char *fmt, ...)
{
	text_reset(scratch);
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(scratch, fmt, ap);
	va_end(ap);
	return scratch->buf != NULL ? scratch->buf : "";
}

/* ---- Widths ------------------------------------------------------------ */

/* Decodes the UTF-8 sequence at s (well-formed: it comes from jansson or
 * from the generator); returns its length and stores the code point. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (len > n)
		len = 1;
	uint32_t v = len == 1 ? c : len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
	for (size_t i = 1; i < len; i++)
		v = (v << 6) | (s[i] & 0x3Fu);
	*cp = v;
	return len;
}

/* East Asian wide and emoji ranges take two columns, as in clang-format. */
static unsigned cp_width(uint32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
	    (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

size_t text_width(const char *s, size_t n, size_t col)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] == '\t') {
			col = (col / 8 + 1) * 8;
			i++;
		} else if (p[i] < 0x80) {
			col++;
			i++;
		} else {
			uint32_t cp;
			i += utf8_next(p + i, n - i, &cp);
			col += cp_width(cp);
		}
	}
	return col;
}

static size_t width_of(const char *s)
{
	return text_width(s, strlen(s), 0);
}

/* Unicode bidirectional controls, which compilers warn about in source. */
static bool is_bidi(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static bool trigraph_char(char c)
{
	return c != '\0' && strchr("=(/)'<!>-", c) != NULL;
}

void text_c_string(text *t, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			text_putc(t, '\\');
			text_putc(t, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			text_printf(t, "\\%03o", c);
			i++;
		} else if (c == '?' && i + 1 < n && p[i + 1] == '?') {
			text_puts(t, "?\\");
			i++;
		} else if (c < 0x80) {
			text_putc(t, (char)c);
			i++;
		} else {
			uint32_t cp;
			size_t len = utf8_next(p + i, n - i, &cp);
			if (is_bidi(cp))
				for (size_t k = 0; k < len; k++)
					text_printf(t, "\\%03o", p[i + k]);
			else
				text_putn(t, s + i, len);
			i += len;
		}
	}
}

/* ---- Constructs and fences --------------------------------------------- */

size_t text_begin_construct(const text *t)
{
	return t->len;
}

/* Width of a line of `n` bytes, computed only when it could pass the limit
 * (a tab adds at most 7 columns; the lines here have a few at most). */
static size_t line_excess(const char *s, size_t n)
{
	if (n + 7 * 4 <= TEXT_COLUMNS)
		return 0;
	size_t w = text_width(s, n, 0);
	return w > TEXT_COLUMNS ? w - TEXT_COLUMNS : 0;
}

static size_t excess_in(const char *s, size_t n)
{
	size_t ex = 0;
	const char *end = s + n;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		ex += line_excess(s, len);
		s += len + 1;
	}
	return ex;
}

static bool long_line_in(const char *s, size_t n)
{
	return excess_in(s, n) > 0;
}

size_t text_excess(const text *t, size_t start)
{
	return excess_in(t->buf + start, t->len - start);
}

bool text_has_long_line(const text *t, size_t start)
{
	return long_line_in(t->buf + start, t->len - start);
}

void text_end_construct(text *t, size_t start)
{
	if (getenv("LEXC_EMIT_NOFENCE") != NULL)
		return;
	if (!text_has_long_line(t, start))
		return;
	static const char off[] = "/* clang-format off */\n";
	size_t n = sizeof off - 1;
	reserve(t, n);
	memmove(t->buf + start + n, t->buf + start, t->len - start + 1);
	memcpy(t->buf + start, off, n);
	t->len += n;
	text_puts(t, "/* clang-format on */\n");
}

/* ---- Comments ------------------------------------------------------------ */

/* Copies a comment's text with the hazards defused into `out`, whitespace
 * runs as single spaces. */
static void comment_clean(text *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	bool space = true; /* drop leading whitespace */
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c <= ' ' || c == 0x7F) {
			if (!space)
				text_putc(out, ' ');
			space = true;
			i++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t len = utf8_next(p + i, n - i, &cp);
			if (cp == 0x2028 || cp == 0x2029 || cp == 0x85 || cp == 0xA0) {
				if (!space)
					text_putc(out, ' ');
				space = true;
			} else if (!is_bidi(cp)) {
				text_putn(out, s + i, len);
				space = false;
			}
			i += len;
			continue;
		}
		text_putc(out, (char)c);
		space = false;
		char next = i + 1 < n ? (char)p[i + 1] : '\0';
		if ((c == '*' && next == '/') || (c == '/' && next == '*'))
			text_putc(out, ' ');
		else if (c == '?' && next == '?' && i + 2 < n && trigraph_char((char)p[i + 2]))
			text_putc(out, ' ');
		i++;
	}
	while (out->len > 0 && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
}

static struct {
	text clean;
	text cand[5];
	text tmp;
} scratch;

void text_layout_free(void)
{
	text_free(&scratch.clean);
	for (size_t i = 0; i < 5; i++)
		text_free(&scratch.cand[i]);
	text_free(&scratch.tmp);
}

void text_comment_paras(text *t, const char *indent, const char *const *paras, size_t n)
{
	size_t base = text_width(indent, strlen(indent), 0);
	size_t col = base + 2;
	bool line_empty = true;
	text_puts(t, indent);
	text_puts(t, "/*");
	bool any = false;
	for (size_t p = 0; p < n; p++) {
		if (paras[p] == NULL)
			continue;
		text *c = &scratch.clean;
		text_reset(c);
		comment_clean(c, paras[p]);
		if (c->len == 0)
			continue;
		/* The last paragraph with text ends the comment. */
		bool last_para = true;
		for (size_t q = p + 1; q < n; q++)
			if (paras[q] != NULL && paras[q][0] != '\0')
				last_para = false;
		if (any) {
			text_putc(t, '\n');
			text_puts(t, indent);
			text_puts(t, " *");
			col = base + 2;
			line_empty = true;
		}
		any = true;
		const char *w = c->buf;
		while (*w != '\0') {
			const char *end = strchr(w, ' ');
			size_t wl = end != NULL ? (size_t)(end - w) : strlen(w);
			bool last = end == NULL && last_para;
			size_t ww = text_width(w, wl, 0);
			if (!line_empty && col + 1 + ww + (last ? 3 : 0) > TEXT_COLUMNS) {
				text_putc(t, '\n');
				text_puts(t, indent);
				text_puts(t, " *");
				col = base + 2;
				line_empty = true;
			}
			text_putc(t, ' ');
			text_putn(t, w, wl);
			col += 1 + ww;
			line_empty = false;
			w = end != NULL ? end + 1 : w + wl;
		}
	}
	text_puts(t, " */\n");
}

void text_comment(text *t, const char *indent, const char *s)
{
	text_comment_paras(t, indent, &s, 1);
}

/* ---- Simple declarations ---------------------------------------------------- */

void text_decl2(text *t, const char *indent, const char *a, const char *b)
{
	size_t w = text_width(indent, strlen(indent), 0);
	if (w + width_of(a) + 1 + width_of(b) <= TEXT_COLUMNS) {
		text_printf(t, "%s%s %s\n", indent, a, b);
		return;
	}
	text_printf(t, "%s%s\n%s        %s\n", indent, a, indent, b);
}

void text_define(text *t, const char *name, const char *value)
{
	size_t w = 8 + width_of(name);
	if (w + 1 + width_of(value) <= TEXT_COLUMNS) {
		text_printf(t, "#define %s %s\n", name, value);
		return;
	}
	text_printf(t, "#define %s", name);
	do {
		text_putc(t, ' ');
		w++;
	} while (w < TEXT_COLUMNS - 1);
	text_printf(t, "\\\n\t%s\n", value);
}

/* ---- Packing and candidates ------------------------------------------------- */

/* Width of the last line of `t`. */
static size_t last_line_width(const text *t)
{
	size_t i = t->len;
	while (i > 0 && t->buf[i - 1] != '\n')
		i--;
	return text_width(t->buf + i, t->len - i, 0);
}

/* Sum over lines of the columns past the limit. */
static size_t excess_of(const text *t)
{
	return excess_in(t->buf, t->len);
}

/* Appends `items` separated by ", " to the line in progress in `t`, each but
 * the last followed by ',' and the last by `last`; breaks before an item
 * that would pass the limit, continuing with `cont`. The first item always
 * goes on the line in progress. Returns the number of breaks. */
static unsigned pack(text *t, const char *cont, const char *const *items, size_t n,
                     const char *last)
{
	unsigned breaks = 0;
	bool empty = true; /* no item on the current line yet */
	char open = t->len > 0 ? t->buf[t->len - 1] : '\0';
	bool glue = open == '(' || open == '{' || open == ' ' || open == '\t' || open == '\n' ||
	            open == '\0';
	for (size_t i = 0; i < n; i++) {
		const char *punct = i + 1 < n ? "," : last;
		size_t w = width_of(items[i]) + width_of(punct);
		const char *sep = empty && glue ? "" : " ";
		if (!empty && last_line_width(t) + strlen(sep) + w > TEXT_COLUMNS) {
			text_putc(t, '\n');
			text_puts(t, cont);
			breaks++;
			sep = "";
		}
		text_puts(t, sep);
		text_puts(t, items[i]);
		text_puts(t, punct);
		empty = false;
	}
	return breaks;
}

/* Spaces (after the tabs of `indent`) that align with column `col`. */
static const char *align_to(text *buf, const char *indent, size_t col)
{
	text_reset(buf);
	text_puts(buf, indent);
	size_t w = text_width(indent, strlen(indent), 0);
	for (; w < col; w++)
		text_putc(buf, ' ');
	return buf->buf;
}

typedef struct candidate {
	text *t;
	size_t excess;
	unsigned penalty;
} candidate;

/* Writes `line` and its newline to `out`. */
static void put_line(text *out, const text *line)
{
	text_putn(out, line->buf, line->len);
	text_putc(out, '\n');
}

/* Writes `line` if it fits the column limit; the caller then is done. */
static bool put_if_fits(text *out, const text *line)
{
	if (width_of(line->buf) > TEXT_COLUMNS)
		return false;
	put_line(out, line);
	return true;
}

/* Candidate i, with its scratch text emptied, ready to be written. */
static text *candidate_text(candidate *c, size_t i)
{
	c[i].t = &scratch.cand[i];
	text_reset(c[i].t);
	return c[i].t;
}

/* Picks the candidate with the least excess, then the least penalty, the
 * earliest on ties (as clang-format's stable ordering does here). */
static void emit_best(text *out, candidate *c, size_t n)
{
	size_t best = 0;
	for (size_t i = 0; i < n; i++) {
		c[i].excess = excess_of(c[i].t);
		if (c[i].excess < c[best].excess ||
		    (c[i].excess == c[best].excess && c[i].penalty < c[best].penalty))
			best = i;
	}
	put_line(out, c[best].t);
}

/* Penalties measured against clang-format 14 (LLVM base style). */
enum {
	DECL_RETURN_BREAK = 60, /* PenaltyReturnTypeOnItsOwnLine */
	DECL_FIRST_PARAM = 80,  /* a break right after '(' of a declaration */
	/* 11 to 20 all reproduce the corpus's heads, the setters' included */
	DECL_PARAM_BREAK = 15,
	CALL_FIRST_ARG = 19, /* PenaltyBreakBeforeFirstCallParameter */
	CALL_ARG_BREAK = 1,
	ASSIGN_BREAK = 2, /* PenaltyBreakAssignment */
	INIT_CALL_FIRST_ARG = 10,
	INIT_CALL_ARG_BREAK = 10,
	INIT_BRACE_FIRST_ARG = 5,
	INIT_BRACE_ARG_BREAK = 0,
};

static void join_args(text *t, const char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			text_puts(t, ", ");
		text_puts(t, args[i]);
	}
}

static void func_head(text *t, const char *ret, const char *name, const char *const *params,
                      size_t n, const char *tail)
{
	bool ptr = ret[0] != '\0' && ret[strlen(ret) - 1] == '*';
	const char *sep = ptr ? "" : " ";
	text *one = &scratch.cand[0];
	text_reset(one);
	text_printf(one, "%s%s%s(", ret, sep, name);
	join_args(one, params, n);
	text_puts(one, tail);
	if (put_if_fits(t, one))
		return;
	candidate c[4];
	unsigned b;
	/* B: aligned after '(' */
	candidate_text(c, 0);
	text_printf(c[0].t, "%s%s%s(", ret, sep, name);
	b = pack(c[0].t, align_to(&scratch.tmp, "", width_of(c[0].t->buf)), params, n, tail);
	c[0].penalty = DECL_PARAM_BREAK * b;
	/* C: return type on its own line, aligned after '(' */
	candidate_text(c, 1);
	text_printf(c[1].t, "%s\n%s(", ret, name);
	b = pack(c[1].t, align_to(&scratch.tmp, "", width_of(name) + 1), params, n, tail);
	c[1].penalty = DECL_RETURN_BREAK + DECL_PARAM_BREAK * b;
	/* D: break after '(' */
	candidate_text(c, 2);
	text_printf(c[2].t, "%s%s%s(\n        ", ret, sep, name);
	b = pack(c[2].t, "        ", params, n, tail);
	c[2].penalty = DECL_FIRST_PARAM + DECL_PARAM_BREAK * b;
	/* E: both */
	candidate_text(c, 3);
	text_printf(c[3].t, "%s\n%s(\n        ", ret, name);
	b = pack(c[3].t, "        ", params, n, tail);
	c[3].penalty = DECL_RETURN_BREAK + DECL_FIRST_PARAM + DECL_PARAM_BREAK * b;
	emit_best(t, c, 4);
}

void text_func_head(text *t, const char *ret, const char *name, const char *const *params, size_t n)
{
	func_head(t, ret, name, params, n, ")");
}

void text_func_decl(text *t, const char *ret, const char *name, const char *const *params, size_t n)
{
	func_head(t, ret, name, params, n, ");");
}

void text_call(text *t, const char *indent, const char *head, const char *const *args, size_t n,
               const char *tail)
{
	text *one = &scratch.cand[0];
	text_reset(one);
	text_printf(one, "%s%s", indent, head);
	join_args(one, args, n);
	text_puts(one, tail);
	if (put_if_fits(t, one))
		return;
	candidate c[2];
	unsigned b;
	candidate_text(c, 0);
	text_printf(c[0].t, "%s%s", indent, head);
	b = pack(c[0].t, align_to(&scratch.tmp, indent, width_of(c[0].t->buf)), args, n, tail);
	c[0].penalty = CALL_ARG_BREAK * b;
	candidate_text(c, 1);
	text_printf(c[1].t, "%s%s\n%s        ", indent, head, indent);
	text_reset(&scratch.tmp);
	text_printf(&scratch.tmp, "%s        ", indent);
	b = pack(c[1].t, scratch.tmp.buf, args, n, tail);
	c[1].penalty = CALL_FIRST_ARG + CALL_ARG_BREAK * b;
	emit_best(t, c, 2);
}

void text_func_head_as(text *t, const char *ret, const char *name, const char *const *params,
                       size_t n, char shape)
{
	text *c = &scratch.cand[0];
	text_reset(c);
	switch (shape) {
	case 'A':
		text_printf(c, "%s %s(", ret, name);
		join_args(c, params, n);
		text_putc(c, ')');
		break;
	case 'B':
		text_printf(c, "%s %s(", ret, name);
		pack(c, align_to(&scratch.tmp, "", width_of(c->buf)), params, n, ")");
		break;
	case 'C':
		text_printf(c, "%s\n%s(", ret, name);
		pack(c, align_to(&scratch.tmp, "", width_of(name) + 1), params, n, ")");
		break;
	case 'D':
		text_printf(c, "%s %s(\n        ", ret, name);
		pack(c, "        ", params, n, ")");
		break;
	default:
		text_printf(c, "%s\n%s(\n        ", ret, name);
		pack(c, "        ", params, n, ")");
		break;
	}
	put_line(t, c);
}

void text_func_type(text *t, const char *head, const char *const *params, size_t n,
                    const char *tail)
{
	text *one = &scratch.cand[0];
	text_reset(one);
	text_puts(one, head);
	join_args(one, params, n);
	text_puts(one, tail);
	if (put_if_fits(t, one))
		return;
	/* Unlike a function head, the type never goes on a line of its own:
	 * aligned after '(', or a break right after it. */
	candidate c[2];
	unsigned b;
	candidate_text(c, 0);
	text_puts(c[0].t, head);
	b = pack(c[0].t, align_to(&scratch.tmp, "", width_of(head)), params, n, tail);
	c[0].penalty = DECL_PARAM_BREAK * b;
	candidate_text(c, 1);
	text_printf(c[1].t, "%s\n        ", head);
	b = pack(c[1].t, "        ", params, n, tail);
	c[1].penalty = DECL_FIRST_PARAM + DECL_PARAM_BREAK * b;
	emit_best(t, c, 2);
}

void text_decl_call(text *t, const char *indent, const char *lhs, const char *head,
                    const char *const *args, size_t n, const char *tail)
{
	text *one = &scratch.cand[0];
	text_reset(one);
	text_printf(one, "%s%s = %s", indent, lhs, head);
	join_args(one, args, n);
	text_puts(one, tail);
	if (put_if_fits(t, one))
		return;
	/* Measured against clang-format 14: a break after '=' when the call then
	 * fits on one line; else aligned after '(' when that takes one break;
	 * else a break right after '(' and the arguments packed. */
	text_reset(one);
	text_printf(one, "%s%s =\n%s        %s", indent, lhs, indent, head);
	join_args(one, args, n);
	text_puts(one, tail);
	if (excess_of(one) == 0) {
		put_line(t, one);
		return;
	}
	text_reset(&scratch.clean);
	text_printf(&scratch.clean, "%s = %s", lhs, head);
	text_assign_call(t, indent, scratch.clean.buf, args, n, tail);
}

void text_assign_call(text *t, const char *indent, const char *head, const char *const *args,
                      size_t n, const char *tail)
{
	text *al = &scratch.cand[0];
	text_reset(al);
	text_printf(al, "%s%s", indent, head);
	unsigned b = pack(al, align_to(&scratch.tmp, indent, width_of(al->buf)), args, n, tail);
	if (b == 0 || (b == 1 && excess_of(al) == 0)) {
		put_line(t, al);
		return;
	}
	text *br = &scratch.cand[1];
	text_reset(br);
	text_printf(br, "%s%s\n%s        ", indent, head, indent);
	text_reset(&scratch.tmp);
	text_printf(&scratch.tmp, "%s        ", indent);
	pack(br, scratch.tmp.buf, args, n, tail);
	put_line(t, br);
}

void text_stmt_assign(text *t, const char *indent, const char *lhs, const char *rhs)
{
	size_t w = text_width(indent, strlen(indent), 0);
	if (w + width_of(lhs) + 3 + width_of(rhs) + 1 <= TEXT_COLUMNS)
		text_printf(t, "%s%s = %s;\n", indent, lhs, rhs);
	else
		text_printf(t, "%s%s =\n%s        %s;\n", indent, lhs, indent, rhs);
}

void text_if_binary(text *t, const char *indent, const char *a, const char *op, const char *b)
{
	size_t w = text_width(indent, strlen(indent), 0);
	if (w + 4 + width_of(a) + 1 + width_of(op) + 1 + width_of(b) + 1 <= TEXT_COLUMNS)
		text_printf(t, "%sif (%s %s %s)\n", indent, a, op, b);
	else
		text_printf(t, "%sif (%s %s\n%s    %s)\n", indent, a, op, indent, b);
}

void text_assign(text *t, const char *indent, const char *key, text_rhs shape, const char *open,
                 const char *const *args, size_t n)
{
	const char *close = shape == RHS_CALL ? ")," : shape == RHS_BRACE ? "}," : ",";
	if (shape == RHS_ATOM) {
		open = "";
		n = n > 0 ? 1 : 0;
	}
	text *one = &scratch.cand[0];
	text_reset(one);
	text_printf(one, "%s%s = %s", indent, key, open);
	join_args(one, args, n);
	text_puts(one, close);
	if (put_if_fits(t, one))
		return;
	const char *ind2 = text_fmt(&scratch.tmp, "%s        ", indent);
	char ind2buf[64];
	snprintf(ind2buf, sizeof ind2buf, "%s", ind2);
	candidate c[5];
	/* The line as it is (too long, but maybe less so than the others). */
	candidate_text(c, 4);
	text_putn(c[4].t, one->buf, one->len);
	c[4].penalty = 0;
	if (shape == RHS_ATOM) {
		c[0] = c[4];
		candidate_text(c, 1);
		text_printf(c[1].t, "%s%s =\n%s%s,", indent, key, ind2buf, n > 0 ? args[0] : "");
		c[1].penalty = ASSIGN_BREAK;
		emit_best(t, c, 2);
		return;
	}
	unsigned first = shape == RHS_CALL ? INIT_CALL_FIRST_ARG : INIT_BRACE_FIRST_ARG;
	unsigned per = shape == RHS_CALL ? INIT_CALL_ARG_BREAK : INIT_BRACE_ARG_BREAK;
	unsigned b;
	/* aligned after the opening token */
	candidate_text(c, 0);
	text_printf(c[0].t, "%s%s = %s", indent, key, open);
	b = pack(c[0].t, align_to(&scratch.tmp, "", width_of(c[0].t->buf)), args, n, close);
	c[0].penalty = per * b;
	/* break after the opening token */
	candidate_text(c, 1);
	text_printf(c[1].t, "%s%s = %s\n%s", indent, key, open, ind2buf);
	b = pack(c[1].t, ind2buf, args, n, close);
	c[1].penalty = first + per * b;
	/* break after '=', aligned after the opening token */
	candidate_text(c, 2);
	text_printf(c[2].t, "%s%s =\n%s%s", indent, key, ind2buf, open);
	b = pack(c[2].t, align_to(&scratch.tmp, "", width_of(ind2buf) + width_of(open)), args, n,
	         close);
	c[2].penalty = ASSIGN_BREAK + per * b;
	/* break after '=' and after the opening token */
	candidate_text(c, 3);
	text_printf(c[3].t, "%s%s =\n%s%s\n%s        ", indent, key, ind2buf, open, ind2buf);
	char ind3[72];
	snprintf(ind3, sizeof ind3, "%s        ", ind2buf);
	b = pack(c[3].t, ind3, args, n, close);
	c[3].penalty = ASSIGN_BREAK + first + per * b;
	emit_best(t, c, 5);
}

/* ---- Braced lists in columns ----------------------------------------------- */

enum { LIST_MIN_ITEMS = 5, LIST_MAX_SPREAD = 10 };

/* clang-format's CommaSeparatedList column formats: the number of columns
 * for `n` items of widths w[] (comma included), 1 for one per line. */
static size_t list_columns(const size_t *w, size_t n, size_t remaining)
{
	if (n < LIST_MIN_ITEMS)
		return 1;
	size_t best_cols = 0, best_lines = 0;
	size_t sizes[TEXT_COLUMNS / 3 + 1], mins[TEXT_COLUMNS / 3 + 1];
	/* Formats are computed for 1..limit/3 columns; the choice walks them
	 * from the most columns down, keeping the fewest columns among those
	 * with the fewest lines that fit. */
	size_t fcols[TEXT_COLUMNS / 3 + 1], flines[TEXT_COLUMNS / 3 + 1],
	        fwidth[TEXT_COLUMNS / 3 + 1];
	size_t nf = 0;
	for (size_t cols = 1; cols <= TEXT_COLUMNS / 3; cols++) {
		for (size_t k = 0; k < cols; k++) {
			sizes[k] = 0;
			mins[k] = SIZE_MAX;
		}
		size_t lines = 1, col = 0;
		bool sufficient = false;
		for (size_t i = 0; i < n; i++) {
			if (col == cols) {
				lines++;
				col = 0;
			}
			if (col == cols - 1)
				sufficient = true;
			if (w[i] > sizes[col])
				sizes[col] = w[i];
			if (w[i] < mins[col])
				mins[col] = w[i];
			col++;
		}
		if (!sufficient)
			break;
		size_t total = cols - 1;
		for (size_t k = 0; k < cols; k++)
			total += sizes[k];
		bool spread = false;
		for (size_t k = 0; k + 1 < cols; k++)
			if (sizes[k] - mins[k] > LIST_MAX_SPREAD)
				spread = true;
		if (spread || (total > TEXT_COLUMNS && cols > 1))
			continue;
		fcols[nf] = cols;
		flines[nf] = lines;
		fwidth[nf] = total;
		nf++;
	}
	for (size_t i = nf; i-- > 0;) {
		if (fwidth[i] <= remaining || fcols[i] == 1) {
			if (best_cols != 0 && flines[i] > best_lines)
				break;
			best_cols = fcols[i];
			best_lines = flines[i];
		}
	}
	return best_cols != 0 ? best_cols : 1;
}

void text_list_items(text *t, const char *indent, const char *const *items, size_t n)
{
	size_t stack_w[64];
	size_t *w = n <= 64 ? stack_w : malloc(n * sizeof *w);
	if (w == NULL)
		out_of_memory();
	for (size_t i = 0; i < n; i++)
		w[i] = width_of(items[i]) + 1;
	size_t cols = list_columns(w, n, TEXT_COLUMNS - width_of(indent));
	size_t sizes[TEXT_COLUMNS / 3 + 1] = {0};
	for (size_t i = 0; i < n; i++)
		if (w[i] > sizes[i % cols])
			sizes[i % cols] = w[i];
	for (size_t i = 0; i < n; i++) {
		size_t col = i % cols;
		if (col == 0)
			text_puts(t, indent);
		text_puts(t, items[i]);
		text_putc(t, ',');
		if (col + 1 == cols || i + 1 == n) {
			text_putc(t, '\n');
		} else {
			for (size_t k = w[i]; k <= sizes[col]; k++)
				text_putc(t, ' ');
		}
	}
	if (w != stack_w)
		free(w);
}
