/* lexc/codec.h: the engine that decodes, validates and encodes any lexicon
 * value from its descriptor (lexc/type.h).
 *
 * Decoding reads the JSON once, pulling tokens from the streaming reader
 * (lexc/json.h), writes the value into one arena, checks every constraint
 * as it goes and stops at the first error, whose JSON path and rule land in
 * the lexc_error ("$.rewrite[2].from: shorter than minLength 1").
 *
 * Thread safety: descriptors are shared read-only; arenas, readers and
 * writers belong to one thread at a time. */
#ifndef LEXC_CODEC_H
#define LEXC_CODEC_H

#include <lexc/arena.h>
#include <lexc/error.h>
#include <lexc/json.h>
#include <lexc/type.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Decodes the JSON object json[0..len) as a value of `t` into `out`, which
 * this call zeroes first: for an object type, its struct (of
 * t->u.object.size bytes); for a union type (a body whose schema is a
 * union), a lexc_union. Every pointer stored in `out` points into `arena`
 * (or, for none, into `json`): both must outlive the value. Raw values
 * (`unknown`, undeclared properties, unknown union variants) must obey the
 * data model (doc/data-model.md). Returns LEXC_OK, or LEXC_INVALID_REQUEST
 * with `err` saying where and why; LEXC_LIMIT_EXCEEDED when the arena's
 * limit (lexc_arena_set_limit) stopped it, LEXC_NO_MEMORY when malloc did.
 * Memory is proportional to the input whatever its shape. `err` may be
 * NULL. */
lexc_status lexc_decode(const lexc_type *t, const char *json, size_t len, lexc_arena *arena,
                        void *out, lexc_error *err);

/* Decodes the next value from `r` as a value of `t` into `slot` (the member
 * that holds it: a bool, int64_t, lexc_str, ... or, for objects, the
 * struct itself, zeroed by the caller). For callers that embed values in
 * larger documents; lexc_decode() is this plus the end-of-input check. A
 * reader whose depth limit was raised past 32 lets values decode that
 * lexc_encode() then refuses (it stops at 32, as lexc_decode() does). */
lexc_status lexc_decode_from(const lexc_type *t, lexc_json_reader *r, lexc_arena *arena, void *slot,
                             lexc_error *err);

/* Checks a value built in memory (by a handler, say) against every
 * constraint of `t`, exactly as decoding would, raw values included: each
 * `unknown`, undeclared property and unknown union variant must be one JSON
 * value obeying the data model (doc/data-model.md), and nesting stops at
 * 32 levels as in decode, so a cyclic value fails instead of recursing
 * forever. `value` is the object's struct, or the lexc_union for a union
 * type. `err` may be NULL. */
lexc_status lexc_validate(const lexc_type *t, const void *value, lexc_error *err);

/* Encodes `value` (an object's struct, or a lexc_union for a union type)
 * as compact JSON into `w`, validating as lexc_validate() does as it goes:
 * the output is always valid JSON that decodes again (on error the writer
 * holds a partial document to be discarded, and `err` the path and rule).
 * Records and union variants get their `$type` first; kept undeclared
 * properties follow the declared ones, and may not repeat a declared key,
 * one another or a reserved `$` key. `err` may be NULL. */
lexc_status lexc_encode(const lexc_type *t, const void *value, lexc_json_writer *w,
                        lexc_error *err);

/* Makes a value of `t` in `arena` from the descriptor alone, as decoding an
 * empty object would leave it: zeroed, every default applied (and marked
 * present), and every required, non-nullable object member allocated in
 * turn the same way, so the value is ready to fill (generated T__new()
 * constructors are shallow: they leave object pointers NULL). For a union
 * or another non-object type, a zeroed slot. *out is arena-owned; NULL on
 * error: LEXC_NO_MEMORY, or LEXC_INTERNAL_SERVER_ERROR for a descriptor of
 * another layout. `err` may be NULL. */
lexc_status lexc_value_new(const lexc_type *t, lexc_arena *arena, void **out, lexc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_CODEC_H */
