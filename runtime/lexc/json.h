/* lexc/json.h: a streaming JSON reader that the decoders pull tokens from
 * (no DOM is ever built) and a writer of compact JSON.
 *
 * The reader is strict RFC 8259 plus the atproto data model: exactly one
 * value, well-formed UTF-8, no duplicate keys, nesting at most 32 deep by
 * default, "\u0000" allowed (strings are byte spans, never C strings).
 * doc/json.md lists what it accepts and rejects and why.
 *
 * Ownership: the reader never owns the input; it must outlive every token
 * that points into it. Unescaped strings and the reader's bookkeeping live in
 * the caller's arena and stay valid until that arena is reset or freed.
 * Nothing here calls malloc per token; only the writer's buffer is malloc'd,
 * and the writer owns it until lexc_json_writer_take() hands it over. */
#ifndef LEXC_JSON_H
#define LEXC_JSON_H

#include <lexc/arena.h>
#include <lexc/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lexc_json_token {
	LEXC_JSON_ERROR,        /* the reader's lexc_error says what and where */
	LEXC_JSON_END,          /* end of input after the one top-level value */
	LEXC_JSON_OBJECT_START, /* '{' */
	LEXC_JSON_OBJECT_END,   /* '}' */
	LEXC_JSON_ARRAY_START,  /* '[' */
	LEXC_JSON_ARRAY_END,    /* ']' */
	LEXC_JSON_KEY,          /* an object key; its value comes next */
	LEXC_JSON_STRING,
	LEXC_JSON_NUMBER,
	LEXC_JSON_TRUE,
	LEXC_JSON_FALSE,
	LEXC_JSON_NULL
} lexc_json_token;

/* Default nesting limit: the atproto data-validation guide's 32 levels.
 * Every '{' or '[' opens a level; the 33rd fails. */
enum { LEXC_JSON_DEFAULT_MAX_DEPTH = 32 };

/* Reader flags (lexc_json_reader_set_flags). */
enum {
	/* Reject "" as an object key. JSON allows it and so does the reader by
	 * default (the decode engine reports it with a JSON path); set this to
	 * enforce the data model's rule inside values kept as raw JSON too. */
	LEXC_JSON_REJECT_EMPTY_KEYS = 1u << 0,
	/* Reject numbers that are not integers within int64 (123.5, 1e30)
	 * inside values skipped as raw JSON (lexc_json_skip_value() and
	 * lexc_json_skip_current()), as the data model has no floats.
	 * Integral forms such as 123.0 and 1e2 pass. Numbers read token by
	 * token carry `integral` and `out_of_range` for the caller to judge. */
	LEXC_JSON_REJECT_FLOATS = 1u << 1
};

typedef struct lexc_json_frame_ lexc_json_frame_;
typedef struct lexc_json_key_ lexc_json_key_;

/* The fields above "private" describe the current token and are read-only
 * for callers; the rest are private. Zero-initialising is not enough: call
 * lexc_json_reader_init(). Do not copy a reader; use lexc_json_save(). */
typedef struct lexc_json_reader {
	lexc_json_token token; /* the token the last lexc_json_next() returned */
	/* KEY, STRING: the unescaped contents (not NUL-terminated, may contain
	 * NUL bytes). They point into the input when the JSON text had no
	 * escapes, else into the arena. NUMBER: the number's text as written. */
	const char *str;
	size_t str_len;
	/* NUMBER: `integral` is true when the value is an exact integer that
	 * fits int64 (also 1.0, 1e2, 1.5e1 and -0.0), and then `integer` holds
	 * it. `out_of_range` is true for exact integers outside int64. Both are
	 * false for non-integers such as 0.5 or 1e-400. */
	int64_t integer;
	bool integral;
	bool out_of_range;
	size_t offset;  /* byte offset of the token's first byte, or of the error */
	unsigned depth; /* containers open after the token ({ makes it 1) */

	/* private */
	const char *json_;
	const char *cur_;
	const char *lim_;
	lexc_arena *arena_;
	lexc_error *err_;
	lexc_status status_; /* the code of the error, also when err_ is NULL */
	int state_;
	unsigned max_depth_;
	unsigned flags_;
	unsigned frame_serial_;
	lexc_json_frame_ *frames_;
	unsigned frames_cap_;
	lexc_json_key_ *keys_;
	size_t nkeys_;
	size_t keys_cap_;
	uint64_t seed_[2];
} lexc_json_reader;

/* Prepares a reader over json[0..len), which need not be NUL-terminated and
 * is never read outside that range. `arena` (required) receives unescaped
 * strings and key bookkeeping; `err` (may be NULL) receives the first error
 * with code LEXC_INVALID_REQUEST (LEXC_NO_MEMORY when the arena fails). */
void lexc_json_reader_init(lexc_json_reader *r, const char *json, size_t len, lexc_arena *arena,
                           lexc_error *err);

/* Sets the nesting limit (at least 1); call before the first token. */
void lexc_json_reader_set_max_depth(lexc_json_reader *r, unsigned depth);

/* Sets LEXC_JSON_* reader flags; call before the first token. */
void lexc_json_reader_set_flags(lexc_json_reader *r, unsigned flags);

/* Returns the next token and fills the token fields. Separators (',' and
 * ':') are checked here and never returned. After an error, and after END,
 * every further call returns the same token again. */
lexc_json_token lexc_json_next(lexc_json_reader *r);

/* Consumes the next value (validating all of it, duplicate keys included)
 * and stores its exact byte span in the input in *raw, *raw_len (either may
 * be NULL). Call it where a value must come: after a KEY, or before the
 * top-level value. False on error, or when no value comes next (then the
 * reader is in error, "expected a value"). */
bool lexc_json_skip_value(lexc_json_reader *r, const char **raw, size_t *raw_len);

/* Like lexc_json_skip_value() for the value whose first token the last
 * lexc_json_next() returned: for OBJECT_START or ARRAY_START it consumes the
 * rest of the container; for a scalar it consumes nothing. The span starts
 * at that first token. This is how to keep an array element as raw JSON. */
bool lexc_json_skip_current(lexc_json_reader *r, const char **raw, size_t *raw_len);

/* A saved reader position (for looking ahead, e.g. for "$type" in a union
 * object, and rewinding). Private fields; owned by the caller. */
typedef struct lexc_json_mark {
	lexc_json_token token;
	const char *str;
	size_t str_len;
	int64_t integer;
	bool integral;
	bool out_of_range;
	size_t offset;
	unsigned depth;
	const char *cur_;
	int state_;
	size_t nkeys_;
	unsigned frame_serial_;
} lexc_json_mark;

/* Saves the position after the current token, token fields included. */
void lexc_json_save(const lexc_json_reader *r, lexc_json_mark *m);

/* Rewinds to a saved position: the token fields are those at the save and
 * the next token is read again (strings unescaped during the look-ahead stay
 * in the arena until it is reset). Only valid while the container that was
 * innermost at the save is still open; false (and nothing changes) when it
 * was closed since, or when the reader is in error (errors are final: a
 * look-ahead that failed found a real error in the document). */
bool lexc_json_restore(lexc_json_reader *r, const lexc_json_mark *m);

/* "object", "array", "string", "number", "true", "false", "null", "key",
 * "end of input", "error", "end of object", "end of array": for messages. */
const char *lexc_json_token_name(lexc_json_token t);

/* ---------------------------------------------------------------------------
 * Writer: compact JSON (no whitespace) into a growable malloc'd buffer that
 * the writer owns. Commas are inserted automatically; the caller emits a
 * well-formed sequence (a key before every member value, balanced starts and
 * ends); the writer does not check the structure. Every call returns false
 * once an allocation failed (the failure is sticky and reported in the
 * lexc_error as LEXC_NO_MEMORY) or a string was not valid UTF-8
 * (LEXC_INTERNAL_SERVER_ERROR: the bytes came from a handler, not a client).
 */
typedef struct lexc_json_writer {
	char *buf;   /* the output so far (buf[len] is NUL once len > 0) */
	size_t len;  /* bytes written */
	size_t cap;  /* bytes allocated */
	bool failed; /* sticky */
	bool comma_; /* private: the next value or key needs a ',' first */
	lexc_error *err_;
} lexc_json_writer;

/* Prepares an empty writer; `err` (may be NULL) receives failures. Nothing
 * is allocated until the first write. */
void lexc_json_writer_init(lexc_json_writer *w, lexc_error *err);

/* Empties the writer for reuse and clears a failure; keeps the buffer. */
void lexc_json_writer_reset(lexc_json_writer *w);

/* Frees the buffer; the writer is then empty and may be reused. */
void lexc_json_writer_free(lexc_json_writer *w);

/* Hands the output to the caller: a malloc'd, NUL-terminated buffer the
 * caller frees with free(); its length goes to *len (may be NULL). The
 * writer is left empty. NULL (and the writer freed) if the writer failed. */
char *lexc_json_writer_take(lexc_json_writer *w, size_t *len);

bool lexc_json_write_object_start(lexc_json_writer *w);
bool lexc_json_write_object_end(lexc_json_writer *w);
bool lexc_json_write_array_start(lexc_json_writer *w);
bool lexc_json_write_array_end(lexc_json_writer *w);

/* An object key: s[0..len), well-formed UTF-8, escaped as a string. */
bool lexc_json_write_key(lexc_json_writer *w, const char *s, size_t len);

/* A string value: s[0..len) must be well-formed UTF-8 (NUL allowed). '"',
 * '\\' and control characters are escaped (\n \r \t \b \f, else \u00XX);
 * everything else is copied as is. */
bool lexc_json_write_string(lexc_json_writer *w, const char *s, size_t len);

bool lexc_json_write_integer(lexc_json_writer *w, int64_t v);
bool lexc_json_write_bool(lexc_json_writer *w, bool v);
bool lexc_json_write_null(lexc_json_writer *w);

/* A string holding data[0..len) in unpadded standard base64: the value of
 * an atproto {"$bytes": ...} object. */
bool lexc_json_write_base64(lexc_json_writer *w, const void *data, size_t len);

/* A value that is already valid JSON (such as a span from
 * lexc_json_skip_value()), re-emitted without insignificant whitespace. The
 * writer trusts it: pass only JSON the reader accepted. */
bool lexc_json_write_raw(lexc_json_writer *w, const char *json, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_JSON_H */
