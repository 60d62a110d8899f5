/* lexc/docs.h: a server that documents itself (doc/lexicon-docs.md).
 *
 * `lexc gen --docs` writes PREFIX_docs.c, a lexc_doc_site of the HTML pages of
 * the lexicons it generated (as `lexc doc` makes them, with a "Try it" form
 * under each query and procedure and a "Validate" form under each record
 * and object) and of the descriptors those forms validate against. Given to
 * lexc_server_serve_docs(), the server answers:
 *
 *   GET /docs/             the index: every document, by NSID
 *   GET /docs/NSID         the document's page (/docs redirects to /docs/)
 *   POST /xrpc/_validate?type=NSID[#def][&allowUnresolved=true]
 *                          the JSON body checked against that record or
 *                          object by the same engine the methods use:
 *                          200 {"valid": true} or {"valid": false, "path",
 *                          "message"}; 400 InvalidRequest for an unknown
 *                          type or a body that is not application/json
 *
 * with the body limit, memory limit and connection limits of every call.
 * Pages are sent with a Content-Security-Policy that lets their inline
 * script call this server only. Nothing here reads the lexicon files at
 * run time. Off unless lexc_server_serve_docs() is called. */
#ifndef LEXC_DOCS_H
#define LEXC_DOCS_H

#include <lexc/type.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One page: its HTML in chunks (C string literals stay short), `len`
 * bytes in all. */
typedef struct lexc_doc_page {
	const char *nsid; /* "" for the index */
	const char *const *chunks;
	size_t n_chunks;
	size_t len;
} lexc_doc_page;

/* A record or object that /xrpc/_validate checks values against. */
typedef struct lexc_doc_type {
	const char *name; /* "nsid" for a main def, else "nsid#def" */
	const lexc_type *type;
} lexc_doc_type;

typedef struct lexc_doc_site {
	uint32_t layout; /* LEXC_LAYOUT_VERSION */
	const lexc_doc_page *index;
	const lexc_doc_page *pages; /* sorted by nsid (bytewise) */
	size_t n_pages;
	const lexc_doc_type *types; /* sorted by name (bytewise) */
	size_t n_types;
} lexc_doc_site;

#ifdef __cplusplus
}
#endif

#endif /* LEXC_DOCS_H */
