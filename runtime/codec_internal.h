/* Internals shared by the engine's decoder, validator and encoder: the
 * constraint checks, so that every path applies the same rules with the
 * same messages. Not installed; nothing here is exported. */
#ifndef LEXC_CODEC_INTERNAL_H
#define LEXC_CODEC_INTERNAL_H

#include <lexc/error.h>
#include <lexc/json.h>
#include <lexc/type.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each check returns true when the value passes; otherwise it fills `err`
 * (code LEXC_INVALID_REQUEST, message only: the caller adds the path). */
bool codec_check_boolean(const lexc_boolean_rules *r, bool v, lexc_error *err);
bool codec_check_integer(const lexc_integer_rules *r, int64_t v, lexc_error *err);
bool codec_check_string(const lexc_string_rules *r, const char *s, size_t len, lexc_error *err);
bool codec_check_bytes(const lexc_bytes_rules *r, size_t len, lexc_error *err);
bool codec_check_cid(const char *s, size_t len, lexc_error *err);
bool codec_check_blob(const lexc_blob_rules *r, const lexc_blob *b, lexc_error *err);
bool codec_check_array_length(const lexc_array_rules *r, size_t n, lexc_error *err);

/* True when `mime` matches one of `accept`: an exact "type/subtype", a
 * "type/" glob ending in a star, or the star/star glob; compared
 * case-insensitively as MIME types are. */
bool codec_mime_accepted(const lexc_str *accept, size_t n_accept, const char *mime, size_t len);

/* Binary search of an object's sorted fields; NULL when absent. */
const lexc_field *codec_find_field(const lexc_object_rules *o, const char *key, size_t len);

/* Binary search of a union's sorted variants; 0 when absent, else the
 * 1-based variant index (the lexc_union kind). */
int codec_find_variant(const lexc_union_rules *u, const char *type, size_t len);

/* Reader entry points for the decoder's object loop. codec_json_key() is
 * lexc_json_next() where a key or '}' comes, except that it also consumes
 * the ':' after a key when present, and that it does not check the key for
 * duplicates: the caller does, for declared properties with its own flags
 * (failing with codec_json_duplicate(), which puts the reader in the
 * reader's own error) and for the other keys with codec_json_key_insert()
 * (false: the reader failed). */
lexc_json_token codec_json_key(lexc_json_reader *r);
bool codec_json_key_insert(lexc_json_reader *r);
bool codec_json_duplicate(lexc_json_reader *r);

/* Rewinds the reader to `m` like lexc_json_restore(), also after an error
 * inside the containers opened since (which the input still holds), so that
 * the decoder can scan them again for the error the two-pass order reports
 * first. */
bool codec_json_rewind(lexc_json_reader *r, const lexc_json_mark *m);

/* Member access by offset. */
#define CODEC_AT(base, off) ((void *)((char *)(base) + (off)))
#define CODEC_AT_CONST(base, off) ((const void *)((const char *)(base) + (off)))

#endif /* LEXC_CODEC_INTERNAL_H */
