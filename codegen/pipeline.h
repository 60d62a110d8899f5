/* Building a schema set (pipeline.c): the lexicon front end's stages, run
 * in this order by every command that reads lexicons (gen, lint, stubs,
 * validate):
 *
 *   load.c     paths -> documents with a JSON DOM  (unreadable, invalid JSON)
 *   parse.c    each DOM -> the model of schema.h   (structure: types, keys)
 *   schema.c   the id index                        (duplicate ids)
 *   check.c    the per-document rules              (doc/lexicon-rules.md)
 *   resolve.c  refs, and which externals they reach
 *   schema.c   unreached externals' diagnostics dropped, the rest sorted
 *
 * Each document is parsed right after the add call that loaded it. The
 * stages call only the core (schema.c); only this pipeline calls them. */
#ifndef LEXC_CODEGEN_PIPELINE_H
#define LEXC_CODEGEN_PIPELINE_H

#include "schema.h"

#include <stdbool.h>
#include <stddef.h>

/* Loads and parses a file (any name) or a directory tree (its *.json
 * files, sorted by path; hidden entries skipped). A file already loaded is
 * skipped. Returns false when something could not be read (a DIAG_IO
 * diagnostic). */
bool schema_set_add_path(schema_set *set, const char *path, bool external);

/* Loads and parses one document from memory; `file` names it in
 * diagnostics. */
void schema_set_add_buffer(schema_set *set, const char *file, const char *data, size_t len,
                           bool external);

/* After the last add: indexes ids, runs the checks, resolves refs, drops
 * the diagnostics of external documents nothing refers to and sorts the
 * rest. Returns the number of errors; a second call changes nothing. */
size_t schema_set_finish(schema_set *set);

/* The whole front end for one command: a new set with `paths` then
 * `externals` added in order, finished. *errors counts its errors; the
 * diagnostics are in set->diags, unprinted. Free with schema_set_free. */
schema_set *pipeline_run(const char *const *paths, size_t n_paths, const char *const *externals,
                         size_t n_externals, size_t *errors);

#endif /* LEXC_CODEGEN_PIPELINE_H */
