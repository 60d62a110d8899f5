/* The stages of the lexicon front end, each run by pipeline.c (and by
 * nothing else) in this order; each calls only the core of schema.h, never
 * another stage, so pipeline.c is the one place that fixes their order. */
#ifndef LEXC_CODEGEN_STAGES_H
#define LEXC_CODEGEN_STAGES_H

#include "schema.h"

/* load.c: reads a file (any name) or a directory tree (its *.json files,
 * sorted by path; hidden entries skipped) into new documents with their
 * JSON DOM (doc->root, NULL after an "invalid JSON" diagnostic). A file
 * already loaded is skipped. Returns false when something could not be
 * read (a DIAG_IO diagnostic). */
bool schema_load_path(schema_set *set, const char *path, bool external);

/* load.c: one new document from memory; `file` names it in diagnostics. */
void schema_load_buffer(schema_set *set, const char *file, const char *data, size_t len,
                        bool external);

/* parse.c: builds the model of a document whose DOM loaded (doc->root is
 * not NULL), reporting structural problems. */
void schema_parse_doc(schema_set *set, schema_doc *doc);

/* check.c: every per-document rule (placement of types, constraints,
 * defaults, record keys, bodies, errors, permissions). */
void check_doc(schema_set *set, schema_doc *doc);

/* resolve.c: resolves every ref and union variant of the non-external
 * documents and, transitively, of the external documents they reach
 * (marking those reachable); checks what refs may point at. Needs the id
 * index (schema_set_index_ids). */
void resolve_set(schema_set *set);

#endif /* LEXC_CODEGEN_STAGES_H */
