/* The two markups of doc.c (internal): one set of calls writes a page as
 * Markdown (CommonMark with GitHub's tables) or as HTML, so both formats
 * carry the same facts. Text is escaped for the markup; inside a table
 * cell, line breaks become spaces. */
#ifndef LEXC_CODEGEN_DOC_MARKUP_H
#define LEXC_CODEGEN_DOC_MARKUP_H

#include "doc.h"

typedef struct doc_out {
	text *t;
	doc_format fmt;
	bool in_cell;
	bool first_item; /* doc_sep: nothing before the first item of a list */
} doc_out;

/* Inline: text, code, a link (label as text or as code). */
void doc_text(doc_out *o, const char *s);
void doc_textn(doc_out *o, const char *s, size_t n);
void doc_code(doc_out *o, const char *s);
void doc_link(doc_out *o, const char *href, const char *label, bool code);
/* Text that stands for an absence ("No description available"), muted. */
void doc_none(doc_out *o, const char *s);
/* A separator between the items of an inline list (constraints): nothing
 * before the first since doc_list_begin, then a line break (HTML) or "; ". */
void doc_list_begin(doc_out *o);
void doc_sep(doc_out *o);

/* Blocks. `id` is an anchor (NULL: none). */
void doc_heading_begin(doc_out *o, int level, const char *id);
void doc_heading_end(doc_out *o, int level);
void doc_para_begin(doc_out *o);
void doc_para_end(doc_out *o);
/* A term and its value ("Type: query"); the value follows as inline calls. */
void doc_fact_begin(doc_out *o, const char *term);
void doc_fact_end(doc_out *o);
void doc_facts_begin(doc_out *o);
void doc_facts_end(doc_out *o);

/* A def's <section> in HTML; nothing in Markdown. */
void doc_section_begin(doc_out *o);
void doc_section_end(doc_out *o);

void doc_table_begin(doc_out *o, const char *caption, const char *const *cols, size_t n);
void doc_row_begin(doc_out *o);
void doc_cell_begin(doc_out *o);
void doc_cell_end(doc_out *o);
void doc_row_end(doc_out *o);
void doc_table_end(doc_out *o);

/* Preformatted text (the raw JSON) under a summary line: a collapsed
 * <details> in HTML, a fenced block after a bold line in Markdown. */
void doc_raw_block(doc_out *o, const char *summary, const char *lang, const char *body);

/* The interactive parts (doc_forms.c): "Try it" for a query or procedure
 * def, "Validate" for a record or object def, and their script. */
void doc_try_form(doc_out *o, const schema_def *def);
void doc_validate_form(doc_out *o, const schema_def *def);
void doc_script(doc_out *o);

/* A whole page around its body: HTML's document, head, style, a link to
 * the index (index_href NULL: none) and <main>. */
void doc_page_begin(doc_out *o, const char *title, const char *index_href);
void doc_page_end(doc_out *o);

#endif /* LEXC_CODEGEN_DOC_MARKUP_H */
