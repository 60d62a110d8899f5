/* Independent oracles for the fuzz targets: the spec's own regular
 * expressions (POSIX ERE, C locale) plus its length limits. Where the spec
 * regex is exact, the checker must agree with it on every input; where it
 * is only a necessary condition, a valid verdict must match it. */
#ifndef LEXC_FUZZ_ORACLE_H
#define LEXC_FUZZ_ORACLE_H

#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct oracle {
	const char *pattern;
	size_t max_len;
	bool exact; /* true: equivalence; false: valid implies match */
	regex_t re;
	bool compiled;
};

static bool oracle_match(struct oracle *o, const char *s, size_t len)
{
	if (!o->compiled) {
		if (regcomp(&o->re, o->pattern, REG_EXTENDED | REG_NOSUB) != 0)
			abort();
		o->compiled = true;
	}
	if (len > o->max_len || memchr(s, '\0', len) != NULL)
		return false;
	char *z = malloc(len + 1);
	if (z == NULL)
		abort();
	memcpy(z, s, len);
	z[len] = '\0';
	bool m = regexec(&o->re, z, 0, NULL, 0) == 0;
	free(z);
	return m;
}

#endif /* LEXC_FUZZ_ORACLE_H */
