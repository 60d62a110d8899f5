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
 * (or, for none, into `json`): both must outlive the value. Returns LEXC_OK, or
 * LEXC_INVALID_REQUEST with `err` saying where and why (LEXC_NO_MEMORY
 * when the arena fails). `err` may be NULL. */
lexc_status lexc_decode(const lexc_type *t, const char *json, size_t len, lexc_arena *arena,
                        void *out, lexc_error *err);

/* Decodes the next value from `r` as a value of `t` into `slot` (the member
 * that holds it: a bool, int64_t, lexc_str, ... or, for objects, the
 * struct itself, zeroed by the caller). For callers that embed values in
 * larger documents; lexc_decode() is this plus the end-of-input check. */
lexc_status lexc_decode_from(const lexc_type *t, lexc_json_reader *r, lexc_arena *arena, void *slot,
                             lexc_error *err);

/* Checks a value built in memory (by a handler, say) against every
 * constraint of `t`, exactly as decoding would. `value` is the object's
 * struct, or the lexc_union for a union type. */
lexc_status lexc_validate(const lexc_type *t, const void *value, lexc_error *err);

/* Encodes `value` (an object's struct, or a lexc_union for a union type)
 * as compact JSON into `w`, validating as it goes: nothing invalid is ever
 * written out (on error the writer holds a partial document to be
 * discarded). Records and union
 * variants get their `$type` first; kept unknown properties follow the
 * declared ones. */
lexc_status lexc_encode(const lexc_type *t, const void *value, lexc_json_writer *w,
                        lexc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_CODEC_H */
