/* A plain UTF-8 decoder (Unicode table 3-7 by decoding the scalar value),
 * independent of the runtime's table-driven fast path: the oracle of
 * tests/test_utf8.c and tests/fuzz/fuzz_utf8.c. */
#ifndef LEXC_TESTS_UTF8_REFERENCE_H
#define LEXC_TESTS_UTF8_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

/* Offset of the first ill-formed sequence in s[0..size), or size. */
static inline size_t utf8_reference_check(const uint8_t *s, size_t size)
{
	size_t i = 0;
	while (i < size) {
		uint8_t c = s[i];
		size_t n;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 4;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n > size)
			return i;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n;
	}
	return size;
}

#endif /* LEXC_TESTS_UTF8_REFERENCE_H */
