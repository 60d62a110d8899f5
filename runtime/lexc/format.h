/* lexc/format.h: the lexicon string formats.
 *
 * Each checker takes a byte span (not NUL-terminated; embedded NULs make the
 * string invalid) and answers whether it is in the format. On failure, and
 * when `reason` is not NULL, *reason points at a static, human-readable
 * sentence naming the rule that failed ("method must be lowercase letters").
 * The checkers never allocate and are safe to call from any thread.
 *
 * The interop vectors in tests/data/interop decide what is valid; where they
 * are silent we follow the spec text (doc/formats.md records each choice). */
#ifndef LEXC_FORMAT_H
#define LEXC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One X-macro list gives the enum, the lexicon spelling and the checker. */
#define LEXC_FORMATS(X)                                                                            \
	X(AT_IDENTIFIER, "at-identifier", lexc_format_at_identifier)                               \
	X(AT_URI, "at-uri", lexc_format_at_uri)                                                    \
	X(CID, "cid", lexc_format_cid)                                                             \
	X(DATETIME, "datetime", lexc_format_datetime)                                              \
	X(DID, "did", lexc_format_did)                                                             \
	X(HANDLE, "handle", lexc_format_handle)                                                    \
	X(NSID, "nsid", lexc_format_nsid)                                                          \
	X(TID, "tid", lexc_format_tid)                                                             \
	X(RECORD_KEY, "record-key", lexc_format_record_key)                                        \
	X(URI, "uri", lexc_format_uri)                                                             \
	X(LANGUAGE, "language", lexc_format_language)

/* clang-format off */
typedef enum lexc_format {
	LEXC_FORMAT_NONE = 0,
#define LEXC_FORMAT_ENUM_(id, name, fn) LEXC_FORMAT_##id,
	LEXC_FORMATS(LEXC_FORMAT_ENUM_)
#undef LEXC_FORMAT_ENUM_
	LEXC_FORMAT_COUNT_
} lexc_format;
/* clang-format on */

/* Signature shared by every checker. */
typedef bool (*lexc_format_fn)(const char *s, size_t len, const char **reason);

#define LEXC_FORMAT_DECL_(id, name, fn) bool fn(const char *s, size_t len, const char **reason);
LEXC_FORMATS(LEXC_FORMAT_DECL_)
#undef LEXC_FORMAT_DECL_

/* The lexicon spelling of a format ("at-uri"); "" for LEXC_FORMAT_NONE and
 * out-of-range values. */
const char *lexc_format_name(lexc_format f);

/* Looks a format up by its lexicon spelling; LEXC_FORMAT_NONE when unknown. */
lexc_format lexc_format_from_name(const char *name, size_t len);

/* Checks `s` against format `f`. LEXC_FORMAT_NONE accepts everything; an
 * out-of-range `f` rejects everything. */
bool lexc_format_check(lexc_format f, const char *s, size_t len, const char **reason);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_FORMAT_H */
