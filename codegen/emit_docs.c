/* `lexc gen --docs`: PREFIX_docs.h and PREFIX_docs.c, the server's own
 * documentation (lexc/docs.h): the pages doc.c makes for the generated
 * documents, interactive, split into string literals short enough for
 * -Wpedantic (C11 promises 4,095 characters), and the record and object
 * descriptors /xrpc/_validate checks against. */
#include "config.h"

#include "doc.h"
#include "emit_internal.h"

#include <stdlib.h>
#include <string.h>

/* Chunks end at a line break or before this many columns of escaped text,
 * never inside a UTF-8 sequence. */
enum { CHUNK_COLUMNS = 88 };

/* The widest a byte can print as inside a literal (text_c_string): an
 * octal escape for controls, two for '"', '\\' and '?', the bidi controls
 * (three bytes from 0xE2) twelve in all. */
static size_t escaped_cost(const unsigned char *p)
{
	unsigned char c = p[0];
	if (c < 0x20 || c == 0x7F)
		return 4;
	if (c == '"' || c == '\\' || c == '?')
		return 2;
	if (c < 0x80)
		return 1;
	if ((c & 0xC0) == 0x80)
		return 0; /* continuation: counted with its lead byte */
	return c == 0xE2 ? 12 : 1;
}

/* "static const char *const NAME[] = {...};" for `html`; *n_chunks says
 * how many literals it took. */
static void chunked(text *out, const char *name, const char *html, size_t len, size_t *n_chunks)
{
	text_printf(out, "static const char *const %s[] = {\n", name);
	*n_chunks = 0;
	const unsigned char *p = (const unsigned char *)html;
	for (size_t start = 0; start < len;) {
		size_t end = start, cols = 0;
		while (end < len) {
			size_t cost = escaped_cost(p + end);
			if (cost > 0 && end > start && cols + cost > CHUNK_COLUMNS)
				break;
			cols += cost;
			end++;
			if (p[end - 1] == '\n')
				break;
		}
		while (end < len && (p[end] & 0xC0) == 0x80)
			end++; /* finish the sequence */
		text_puts(out, "\t\"");
		text_c_string(out, html + start, end - start);
		text_puts(out, "\",\n");
		(*n_chunks)++;
		start = end;
	}
	if (*n_chunks == 0)
		text_puts(out, "\t\"\",\n");
	text_puts(out, "};\n\n");
}

void emit_docs_header(emit_ctx *c, const char *docs, text *out)
{
	text_comment(out, "",
	             text_fmt(&c->tmp[5],
	                      "%s.h: %s from the lexicons given to lexc gen --docs: the "
	                      "documentation pages of the server and the types /xrpc/_validate "
	                      "checks (lexc/docs.h). Do not edit: change the lexicons and run lexc "
	                      "gen.",
	                      docs, emit_banner));
	text_printf(out,
	            "#ifndef LEXC_GEN_%s_H\n"
	            "#define LEXC_GEN_%s_H\n"
	            "\n"
	            "#include <lexc/docs.h>\n"
	            "\n"
	            "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
	            "/* Give it to lexc_server_serve_docs(). */\n"
	            "extern const lexc_doc_site %s;\n"
	            "\n#ifdef __cplusplus\n}\n#endif\n"
	            "\n"
	            "#endif /* LEXC_GEN_%s_H */\n",
	            docs, docs, docs, docs);
}

static bool validated(const schema_def *def)
{
	return def->node->kind == SCHEMA_RECORD || def->node->kind == SCHEMA_OBJECT;
}

static int by_full_name(const void *a, const void *b)
{
	const schema_def *const *x = a, *const *y = b;
	return strcmp((*x)->full_name, (*y)->full_name);
}

void emit_docs_source(emit_ctx *c, const char *docs, const schema_doc *const *gen, size_t n,
                      text *out)
{
	text_comment(out, "",
	             text_fmt(&c->tmp[5],
	                      "%s.c: %s from the lexicons given to lexc gen --docs. Do not edit: "
	                      "change the lexicons and run lexc gen.",
	                      docs, emit_banner));
	text_printf(out, "#include \"%s.h\"\n\n", docs);
	size_t n_types = 0;
	for (size_t i = 0; i < n; i++) {
		bool any = false;
		for (size_t k = 0; k < gen[i]->n_defs; k++)
			if (validated(&gen[i]->defs[k])) {
				any = true;
				n_types++;
			}
		if (any)
			text_printf(out, "#include \"%s.h\"\n", emit_doc_path(c, gen[i]));
	}
	text_puts(out, n_types > 0 ? "\n#include <stddef.h>\n\n" : "#include <stddef.h>\n\n");
	/* Data, one item per line so that a lexicon change shows as a small
	 * diff; clang-format would pack the short ones into columns. */
	text_puts(out, "/* clang-format off */\n");
	doc_options opt = {.fmt = DOC_HTML, .ext = "", .index = "./", .interactive = true};
	text page;
	text_init(&page);
	size_t *chunks = diag_xalloc(c->arena, (n + 1) * sizeof *chunks);
	size_t *lens = diag_xalloc(c->arena, (n + 1) * sizeof *lens);
	for (size_t i = 0; i < n; i++) {
		text_reset(&page);
		doc_page(c->set, gen[i], &opt, &page);
		lens[i] = page.len;
		chunked(out, text_fmt(&c->tmp[5], "%s__page_%zu", docs, i), page.buf, page.len,
		        &chunks[i]);
	}
	text_reset(&page);
	doc_index(c->set, &opt, &page);
	lens[n] = page.len;
	chunked(out, text_fmt(&c->tmp[5], "%s__index_html", docs), page.buf, page.len, &chunks[n]);
	text_free(&page);

	text_printf(out,
	            "static const lexc_doc_page %s__index = {\"\", %s__index_html, %zu, %zu};\n\n",
	            docs, docs, chunks[n], lens[n]);
	if (n > 0) {
		text_printf(out, "static const lexc_doc_page %s__pages[] = {\n", docs);
		for (size_t i = 0; i < n; i++) {
			text_puts(out, "\t{\"");
			text_c_string(out, gen[i]->id, strlen(gen[i]->id));
			text_printf(out, "\", %s__page_%zu, %zu, %zu},\n", docs, i, chunks[i],
			            lens[i]);
		}
		text_puts(out, "};\n\n");
	}
	if (n_types > 0) {
		const schema_def **defs = diag_xalloc(c->arena, n_types * sizeof *defs);
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t d = 0; d < gen[i]->n_defs; d++)
				if (validated(&gen[i]->defs[d]))
					defs[k++] = &gen[i]->defs[d];
		qsort(defs, k, sizeof *defs, by_full_name);
		text_printf(out, "static const lexc_doc_type %s__types[] = {\n", docs);
		for (size_t i = 0; i < k; i++) {
			const emit_type *e = emit_lookup(c, emit_lower(c, defs[i]->node));
			text_puts(out, "\t{\"");
			text_c_string(out, defs[i]->full_name, strlen(defs[i]->full_name));
			text_printf(out, "\", &%s},\n", e != NULL ? e->cname : "NULL");
		}
		text_puts(out, "};\n\n");
	}
	text_printf(out, "const lexc_doc_site %s = {LEXC_LAYOUT_VERSION, &%s__index, ", docs, docs);
	if (n > 0)
		text_printf(out, "%s__pages, %zu, ", docs, n);
	else
		text_puts(out, "NULL, 0, ");
	if (n_types > 0)
		text_printf(out, "%s__types, %zu};\n", docs, n_types);
	else
		text_puts(out, "NULL, 0};\n");
	text_puts(out, "/* clang-format on */\n");
}
