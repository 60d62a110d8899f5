/* libFuzzer target for UTF-8 validation and grapheme counting: the fast
 * validator against a plain reference decoder, and the grapheme measures
 * against each other and their bounds. */
#include "config.h"

#include <lexc/utf8.h>

#include "../utf8_reference.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	REQUIRE(off == utf8_reference_check(data, size));
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
