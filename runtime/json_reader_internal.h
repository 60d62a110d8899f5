/* The JSON reader's internals: shared by its own pieces (json_reader.re,
 * the state machine; json_scan.re, the string and number scanners;
 * json_keyset.c, the duplicate-key set; json_reader_error.c, the errors)
 * and the reader-internal interface the decode engine uses (at the end).
 * Arrows point down only: the reader includes nothing of the codec. Not
 * installed; nothing here is exported. */
#ifndef LEXC_JSON_READER_INTERNAL_H
#define LEXC_JSON_READER_INTERNAL_H

#include <lexc/arena.h>
#include <lexc/error.h>
#include <lexc/json.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define JSON_SSE2 1
#endif

#if defined(__GNUC__)
#define JSON_COLD __attribute__((cold, noinline))
#define JSON_NOINLINE __attribute__((noinline))
#define JSON_FORMAT(a, b) __attribute__((format(printf, a, b)))
#else
#define JSON_COLD
#define JSON_NOINLINE
#define JSON_FORMAT(a, b)
#endif

/* The reader's state_: what may come next. */
enum {
	ST_VALUE,     /* the top-level value comes next */
	ST_DONE,      /* after the top-level value: only whitespace may follow */
	ST_OBJ_FIRST, /* after '{': a key or '}' */
	ST_OBJ_COLON, /* after a key: ':' then a value */
	ST_OBJ_VALUE, /* after a key and its ':' (json_reader_key): a value */
	ST_OBJ_NEXT,  /* after a member: ',' then a key, or '}' */
	ST_ARR_FIRST, /* after '[': a value or ']' */
	ST_ARR_NEXT,  /* after an element: ',' then a value, or ']' */
	ST_END,       /* END was returned */
	ST_ERROR
};

/* Internal flag: lexc_json_skip_*() is running, so string values need no
 * unescaped copy and numbers no value. */
#define FLAG_SKIPPING (1u << 31)
/* Internal flag: json_reader_key() is running; the caller keeps track of
 * duplicate keys (json_reader_key_insert()). */
#define FLAG_NO_KEYSET (1u << 30)
#define FLAGS_INTERNAL (FLAG_SKIPPING | FLAG_NO_KEYSET)

struct lexc_json_frame_ {
	size_t keybase;  /* this object's first entry in keys_ */
	uint32_t *table; /* big objects: slots hold entry index + 1, 0 = free */
	size_t mask;     /* table size - 1 */
	unsigned serial; /* tells this container from a later one at the same depth */
	bool object;
};

/* 16 bytes per key: memory stays a small multiple of the input size. */
struct lexc_json_key_ {
	const char *s; /* the unescaped key (input or arena) */
	uint32_t len;  /* longer keys are rejected */
	uint32_t fp;   /* fingerprint or SipHash (json_keyset.c): compared first */
};

/* ---- errors (json_reader_error.c). Each sets the reader's state to
 * ST_ERROR, which is final, and returns LEXC_JSON_ERROR. */

/* `fmt` is the whole message; `offset` the error's byte. */
JSON_COLD lexc_json_token json_fail_raw(lexc_json_reader *r, size_t offset, lexc_status code,
                                        const char *fmt, ...) JSON_FORMAT(4, 5);
/* "invalid JSON at byte N: ..." for the byte at `at`. */
JSON_COLD lexc_json_token json_fail(lexc_json_reader *r, const char *at, const char *fmt, ...)
        JSON_FORMAT(3, 4);
JSON_COLD lexc_json_token json_fail_memory(lexc_json_reader *r, const char *at);
/* The byte at `cur` is not what the grammar wants there (`what`); names
 * the common mistakes (comments, single quotes, BOM...) first. */
JSON_COLD lexc_json_token json_unexpected(lexc_json_reader *r, const char *cur, const char *what);
/* "duplicate key \"...\"" at the current token. */
JSON_COLD lexc_json_token json_fail_duplicate(lexc_json_reader *r, const char *s, size_t len);

/* ---- the duplicate-key set (json_keyset.c). */

typedef enum json_key_result {
	JSON_KEY_NEW,       /* recorded */
	JSON_KEY_DUPLICATE, /* already in the innermost object */
	JSON_KEY_TOO_LONG,  /* 4 GiB or more */
	JSON_KEY_NO_MEMORY
} json_key_result;

/* Records key s[0..len) in the innermost object (frames_[depth - 1]). It
 * never fails the reader itself: the caller turns the result into an
 * error. */
json_key_result json_keyset_insert(lexc_json_reader *r, const char *s, size_t len);

/* Forgets the keys of object frame f from entry `nkeys` on (a rewind);
 * false when rebuilding its table ran out of memory. */
bool json_keyset_truncate(lexc_json_reader *r, lexc_json_frame_ *f, size_t nkeys);

/* ---- scanners (json_scan.re). */

/* Scans a string whose opening quote is just before `cur`. Sets str and
 * str_len (unescaped into the arena when `value` is needed and there are
 * escapes) and returns the position after the closing quote, or NULL after
 * failing the reader. */
const char *json_scan_string(lexc_json_reader *r, const char *cur, bool value);

/* Sets integral, out_of_range and integer for the number s[0..e), which
 * matched the JSON grammar, exactly and without floating point. */
void json_number_value(lexc_json_reader *r, const char *s, const char *e);

static inline bool json_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The closing quote of a string that starts at p when it is plain ASCII
 * without escapes and ends within 128 bytes (most keys and many values),
 * else NULL: then json_scan_string() does the full work. */
static inline const char *json_quick_string_end(const char *p, const char *lim)
{
	const char *end = lim - p > 128 ? p + 128 : lim;
#ifdef JSON_SSE2
	/* Whole blocks of plain ASCII: createdAt, CIDs, at-uris, NSIDs. */
	for (; end - p >= 16; p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i stop =
		        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		                     _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x));
		unsigned m = (unsigned)(_mm_movemask_epi8(stop) | _mm_movemask_epi8(x));
		if (m != 0)
			return p[__builtin_ctz(m)] == '"' ? p + __builtin_ctz(m) : NULL;
	}
#endif
	/* The last bytes of the input (the last key and value of a record
	 * end there), or of the 128. */
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c < 0x20 || c == '\\' || c >= 0x80)
			return NULL;
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * The reader-internal interface of the decode engine (decode.c,
 * datamodel.c): what the public API does not offer and the engine needs. */

/* lexc_json_next() where a key or '}' comes, except that it also consumes
 * the ':' after a key when present, and that it does not check the key for
 * duplicates: the caller does, for declared properties with its own flags
 * (failing with json_reader_duplicate()) and for the other keys with
 * json_reader_key_insert() (false: the reader failed). */
lexc_json_token json_reader_key(lexc_json_reader *r);
bool json_reader_key_insert(lexc_json_reader *r);
/* Fails the reader with "duplicate key" for the current key; false. */
bool json_reader_duplicate(lexc_json_reader *r);

/* lexc_json_restore(), also after an error inside the containers opened
 * since the mark (which the input still holds): the decoder scans them
 * again for the error its two-pass order reports first. The one way out of
 * ST_ERROR, and only to a position before the error. */
bool json_reader_rewind(lexc_json_reader *r, const lexc_json_mark *m);

/* A failed reader's code (LEXC_NO_MEMORY is not bad input; also when the
 * reader had no lexc_error) and its message, copied into `err` when the
 * reader wrote to another lexc_error ("invalid JSON" when it had none). */
lexc_status json_reader_failure(const lexc_json_reader *r, lexc_error *err);

/* The input from byte `start` up to the reader's position: the raw text of
 * the value whose first byte is at `start` once it has been read. */
static inline const char *json_reader_input_at(const lexc_json_reader *r, size_t start)
{
	return r->json_ + start;
}
static inline size_t json_reader_position(const lexc_json_reader *r)
{
	return (size_t)(r->cur_ - r->json_);
}

/* The arena the reader copies unescaped strings and keys into. */
static inline lexc_arena *json_reader_arena(const lexc_json_reader *r)
{
	return r->arena_;
}

#endif /* LEXC_JSON_READER_INTERNAL_H */
