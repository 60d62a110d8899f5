/* lexc/utf8.h: UTF-8 validation and length measures for lexicon strings.
 *
 * maxLength/minLength count UTF-8 bytes; maxGraphemes/minGraphemes count
 * extended grapheme clusters (UAX #29) as computed by utf8proc. Grapheme
 * counts therefore follow utf8proc's Unicode version (lexc_unicode_version());
 * see doc/unicode.md for where that differs from the reference
 * implementations. No function here allocates. */
#ifndef LEXC_UTF8_H
#define LEXC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns `len` when s[0..len) is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF; NUL bytes are allowed),
 * otherwise the offset of the first byte of the first bad sequence. */
size_t lexc_utf8_check(const char *s, size_t len);

/* True when s[0..len) is well-formed UTF-8. */
static inline bool lexc_utf8_valid(const char *s, size_t len)
{
	return lexc_utf8_check(s, len) == len;
}

/* The length of the longest prefix of s[0..len) of at most `max` bytes
 * that does not end inside a UTF-8 sequence: where to cut a string that
 * must stay UTF-8 (a value quoted in a message, say). */
size_t lexc_utf8_prefix(const char *s, size_t len, size_t max);

/* True when every byte is below 0x80. */
bool lexc_utf8_is_ascii(const char *s, size_t len);

/* Code points in well-formed UTF-8 (counts lead bytes). */
size_t lexc_utf8_codepoints(const char *s, size_t len);

/* Extended grapheme clusters in well-formed UTF-8. Pure ASCII takes a fast
 * path that needs no segmentation (only CR LF joins two ASCII bytes). */
size_t lexc_graphemes_count(const char *s, size_t len);

/* Counts grapheme clusters but stops once the count passes `stop`, so a
 * check against a maximum never scans a huge string to the end. Returns the
 * exact count when it is <= stop, else some value > stop. */
size_t lexc_graphemes_count_upto(const char *s, size_t len, size_t stop);

/* True when the grapheme count of well-formed UTF-8 `s` lies within
 * [min, max] (max SIZE_MAX: no maximum). Cheap bounds decide first: a
 * string of at most `max` bytes or code points needs no counting. */
bool lexc_graphemes_within(const char *s, size_t len, size_t min, size_t max);

/* The Unicode version of the grapheme rules in use ("15.0.0"). */
const char *lexc_unicode_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_UTF8_H */
