/* Documentation pages for lexicon documents, behind `lexc doc` and the
 * pages a generated server serves (doc/lexicon-docs.md).
 *
 * Pages are made from the finished schema set that `lexc gen` lowers to
 * descriptors, so what a page says a value must be is what the generated
 * code checks. One page per non-external document, named by its NSID
 * ("app.bsky.feed.post.html"), and an index; every def of a page has the
 * anchor of its name ("#main", "#replyRef"), every inline object the
 * anchor of its JSON path ("#defs.main.input.schema.properties.author").
 * Output is deterministic: documents in NSID order, defs and properties in
 * document order. Out of memory exits with status 2, as elsewhere in the
 * generator. */
#ifndef LEXC_CODEGEN_DOC_H
#define LEXC_CODEGEN_DOC_H

#include "emit_text.h"
#include "schema.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum doc_format {
	DOC_MARKDOWN,
	DOC_HTML, /* one self-contained file: inline CSS, no script, no network */
} doc_format;

/* ".md" or ".html". */
const char *doc_extension(doc_format fmt);

/* How pages are made. */
typedef struct doc_options {
	doc_format fmt;
	/* Pages are named NSID + ext ("" for a server's /docs/NSID) and the
	 * index `index` ("index.html"; "./" on a server). */
	const char *ext;
	const char *index;
	/* HTML for a server (lexc gen --docs): a "Try it" form under each query
	 * and procedure that calls the same server, a "Validate" form under
	 * each record and object def that posts to /xrpc/_validate, and the
	 * script they need. Reading the page needs no script either way. */
	bool interactive;
} doc_options;

/* The options of `lexc doc`: files named NSID.html or NSID.md. */
doc_options doc_file_options(doc_format fmt);

/* The page of `doc` (non-external, of a finished set without errors),
 * appended to `out`. Refs to other rendered documents link to their pages
 * ("nsid.html#def"); refs to external documents are named, not linked. */
void doc_page(const schema_set *set, const schema_doc *doc, const doc_options *opt, text *out);

/* The index: every rendered document, by NSID, with its main def's kind
 * and the document's description. */
void doc_index(const schema_set *set, const doc_options *opt, text *out);

/* Whether `doc` gets a page: loaded as input, not shadowed. */
bool doc_rendered(const schema_doc *doc);

/* Receives each page; `name` is the file name ("index.html"). Returns false
 * to stop (an error it has already reported). */
typedef bool (*doc_write_fn)(void *ctx, const char *name, const char *data, size_t len);

/* Every page and the index; false if `write` failed. */
bool doc_set(const schema_set *set, const doc_options *opt, doc_write_fn write, void *ctx);

/* The one-line meaning of a string format ("an RFC 3339 timestamp"); NULL
 * for LEXC_FORMAT_NONE. */
const char *doc_format_meaning(lexc_format f);

#endif /* LEXC_CODEGEN_DOC_H */
