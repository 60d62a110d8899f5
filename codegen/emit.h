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
 * the other diagnostics ("FILE: PATH: C name X is already used by ..."). */
emit_status emit_set(schema_set *set, emit_write_fn write, void *ctx, FILE *diag_out);

#endif /* LEXC_CODEGEN_EMIT_H */
