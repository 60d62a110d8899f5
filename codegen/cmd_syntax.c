/* lexc syntax FORMAT [STRING...]: checks strings against a string format,
 * from the arguments or, with none, one per line of standard input. */
#include "config.h"

#include "cli.h"

#include <lexc/format.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void syntax_usage(FILE *out)
{
	fprintf(out, "usage: lexc syntax FORMAT [STRING...]\n\n"
	             "Checks each STRING (or each line of standard input when none is given;\n"
	             "only the newline is stripped) and prints 'valid' or 'invalid: REASON'.\n"
	             "Exit status: 0 all valid, 1 some invalid, 2 usage error.\n\nformats:");
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++)
		fprintf(out, " %s", lexc_format_name((lexc_format)f));
	fputc('\n', out);
}

/* Prints the verdict for one string; returns whether it was valid. */
static bool check_one(lexc_format f, const char *s, size_t len)
{
	const char *reason = NULL;
	if (lexc_format_check(f, s, len, &reason)) {
		fputs("valid\n", stdout);
		return true;
	}
	printf("invalid: %s\n", reason != NULL ? reason : "rejected");
	return false;
}

int lexc_cmd_syntax(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		syntax_usage(stdout);
		return LEXC_EXIT_OK;
	}
	if (argc < 2) {
		syntax_usage(stderr);
		return LEXC_EXIT_USAGE;
	}
	lexc_format f = lexc_format_from_name(argv[1], strlen(argv[1]));
	if (f == LEXC_FORMAT_NONE) {
		fprintf(stderr, "lexc syntax: unknown format '%s'\n", argv[1]);
		syntax_usage(stderr);
		return LEXC_EXIT_USAGE;
	}
	bool all_valid = true;
	if (argc > 2) {
		for (int i = 2; i < argc; i++)
			all_valid &= check_one(f, argv[i], strlen(argv[i]));
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, stdin)) >= 0) {
			size_t len = (size_t)n;
			if (len > 0 && line[len - 1] == '\n')
				len--;
			all_valid &= check_one(f, line, len);
		}
		bool read_error = ferror(stdin) != 0;
		free(line);
		if (read_error) {
			perror("lexc syntax: standard input");
			return LEXC_EXIT_USAGE;
		}
	}
	if (fflush(stdout) != 0) {
		perror("lexc syntax: standard output");
		return LEXC_EXIT_USAGE;
	}
	return all_valid ? LEXC_EXIT_OK : LEXC_EXIT_INVALID;
}
