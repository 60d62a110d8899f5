/* libFuzzer target for UTF-8 validation and grapheme counting: the fast
 * validator against a plain reference decoder, and the grapheme measures
 * against each other and their bounds. */
#include "config.h"

#include <lexc/utf8.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Offset of the first ill-formed sequence, or size: Unicode table 3-7 by
 * decoding the scalar value, independent of the table-driven fast path. */
static size_t reference_check(const uint8_t *s, size_t size)
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

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_utf8: %s failed on %zu bytes\n", #cond, size);       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t off = lexc_utf8_check(s, size);
	REQUIRE(off == reference_check(data, size));
	bool ascii = true;
	for (size_t i = 0; i < size; i++)
		ascii &= data[i] < 0x80;
	REQUIRE(lexc_utf8_is_ascii(s, size) == ascii);
	if (off != size)
		return 0;
	size_t cps = lexc_utf8_codepoints(s, size);
	size_t g = lexc_graphemes_count(s, size);
	REQUIRE(g <= cps && cps <= size);
	REQUIRE((g == 0) == (size == 0));
	size_t stop = size > 0 ? data[0] % 8 : 0;
	size_t up = lexc_graphemes_count_upto(s, size, stop);
	REQUIRE(g <= stop ? up == g : up > stop);
	REQUIRE(lexc_graphemes_within(s, size, g, g));
	REQUIRE(lexc_graphemes_within(s, size, 0, SIZE_MAX));
	if (g > 0)
		REQUIRE(!lexc_graphemes_within(s, size, 0, g - 1));
	REQUIRE(!lexc_graphemes_within(s, size, g + 1, SIZE_MAX));
	return 0;
}
