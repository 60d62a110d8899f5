/* The format table: names, lookup by name and dispatch. The checkers
 * themselves are the re2c scanners in format_*.re. */
#include <lexc/format.h>

#include "format_internal.h"

#include <string.h>

struct format_entry {
	const char *name;
	size_t len;
	lexc_format_fn fn;
};

/* clang-format off */
#define LEXC_FORMAT_ENTRY_(id, name, fn) [LEXC_FORMAT_##id] = {name, sizeof(name) - 1, fn},
static const struct format_entry formats[LEXC_FORMAT_COUNT_] = {
	[LEXC_FORMAT_NONE] = {"", 0, NULL},
	LEXC_FORMATS(LEXC_FORMAT_ENTRY_)
};
#undef LEXC_FORMAT_ENTRY_
/* clang-format on */

/* The enum may hold any int; only the listed values index the table. */
static bool in_range(lexc_format f)
{
	return (unsigned)f < (unsigned)LEXC_FORMAT_COUNT_;
}

const char *lexc_format_name(lexc_format f)
{
	return in_range(f) ? formats[f].name : "";
}

lexc_format lexc_format_from_name(const char *name, size_t len)
{
	if (name == NULL || len == 0)
		return LEXC_FORMAT_NONE;
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++)
		if (formats[f].len == len && memcmp(formats[f].name, name, len) == 0)
			return (lexc_format)f;
	return LEXC_FORMAT_NONE;
}

bool lexc_format_check(lexc_format f, const char *s, size_t len, const char **reason)
{
	if (f == LEXC_FORMAT_NONE)
		return true;
	if (!in_range(f))
		return lexc_format_fail_(reason, "unknown string format");
	return formats[f].fn(s, len, reason);
}
