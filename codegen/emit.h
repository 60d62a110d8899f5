/* The C emitter behind `lexc gen`: one header and one source per lexicon
 * document, plus a method table (doc/generated-code.md describes the output).
 *
 * The descriptors it prints are those lower.c builds, so generated code
 * checks exactly what `lexc validate` checks. Every name it generates goes
 * through one symbol table first; a collision is an error naming both
 * origins, and then nothing is emitted. Output is deterministic: documents
 * in NSID order, definitions in document order, and the text already in the
 * project's clang-format style. */
#ifndef LEXC_CODEGEN_EMIT_H
#define LEXC_CODEGEN_EMIT_H

#include "schema.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Receives each generated file: `path` is relative to the output directory
 * ("place/stream/server/createWebhook.h", "lexc_methods.c"). Returns false
 * to stop emission (an I/O error it has already reported). */
typedef bool (*emit_write_fn)(void *ctx, const char *path, const char *data, size_t len);

typedef enum emit_status {
	EMIT_OK,
	EMIT_COLLISIONS,   /* name collisions were printed; nothing was written */
	EMIT_WRITE_FAILED, /* the write function returned false */
} emit_status;

/* Emits every non-external document of `set`, which must be finished
 * without errors. Collisions are printed to `diag_out` in the format of
 * the other diagnostics ("FILE: PATH: C name X is already used by ...").
 * The method table is PREFIX_methods in PREFIX_methods.{h,c}; `prefix`
 * (NULL: "lexc") must be a C identifier (emit_prefix_valid()). */
emit_status emit_set(schema_set *set, const char *prefix, emit_write_fn write, void *ctx,
                     FILE *diag_out);

/* The same, and with `docs` also PREFIX_docs.h and PREFIX_docs.c: the
 * server's own documentation pages and validation types (lexc/docs.h).
 * With `flat`, files are named by NSID in one directory
 * ("app.bsky.feed.post.h") instead of by NSID path, for build systems
 * whose outputs cannot be in subdirectories (Meson). */
emit_status emit_set_with_docs(schema_set *set, const char *prefix, bool docs, bool flat,
                               emit_write_fn write, void *ctx, FILE *diag_out);

/* True when `prefix` can name a method table: 1 to 32 ASCII letters, digits
 * and '_', starting with a letter. */
bool emit_prefix_valid(const char *prefix);

/* Receives each file of a server skeleton. `keep` marks a file the user
 * owns once written (a handler, main.c): an existing one must be left
 * alone. The others ("do not edit") are rewritten when they change. */
typedef bool (*emit_stub_write_fn)(void *ctx, const char *path, const char *data, size_t len,
                                   bool keep);

/* `lexc stubs`: a server skeleton for the queries and procedures of the
 * non-external documents of `set` (doc/generated-code.md, "Server
 * stubs"): handlers/M.c per method, handlers.h, register_all.c, main.c,
 * Makefile, README.md. Collisions as for emit_set(). */
emit_status emit_stubs(schema_set *set, emit_stub_write_fn write, void *ctx, FILE *diag_out);

/* The same, with the Makefile's LEXICONS set to `lexicons` (the inputs as
 * seen from the skeleton's directory, space-separated; NULL: "lexicons"),
 * and with `flat` including generated headers by their flat names. */
emit_status emit_stubs_for(schema_set *set, const char *lexicons, bool flat,
                           emit_stub_write_fn write, void *ctx, FILE *diag_out);

#endif /* LEXC_CODEGEN_EMIT_H */
