/* lexc lint [-v] [--external DIR]... LEXICON_DIR_OR_FILE...: loads lexicon
 * documents, checks every document rule, resolves refs and prints the
 * diagnostics of the whole run, sorted, on standard error. */
#include "config.h"

#include "cli.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void lint_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc lint [-v] [--external DIR]... LEXICON_DIR_OR_FILE...\n\n"
	        "Checks lexicon documents: a directory is searched recursively for *.json files.\n"
	        "Every document rule is checked and every ref resolved; problems are printed on\n"
	        "standard error as FILE: JSONPATH: message, sorted by file and document order.\n\n"
	        "options:\n"
	        "  --external DIR  also load DIR (or a file), only to resolve refs: its problems\n"
	        "                  are reported only for the documents that are referred to\n"
	        "  -v, --verbose   print a summary on standard output\n"
	        "  -h, --help      print this help\n\n"
	        "Exit status: 0 no errors (warnings allowed), 1 some lexicon is invalid,\n"
	        "2 usage error or unreadable path.\n");
}

static void lint_summary(const schema_set *set, size_t errors, size_t warnings)
{
	size_t docs = 0, external = 0, reached = 0, defs = 0;
	for (size_t i = 0; i < set->n_docs; i++) {
		const schema_doc *d = set->docs[i];
		if (d->external) {
			external++;
			reached += d->reachable;
		} else {
			docs++;
			defs += d->n_defs;
		}
	}
	printf("%zu documents, %zu defs checked; %zu external documents, %zu referenced; "
	       "%zu errors, %zu warnings\n",
	       docs, defs, external, reached, errors, warnings);
}

static int lint_run(const cli_lexicon_args *a)
{
	size_t errors;
	schema_set *set = cli_load_lexicons(a, &errors);
	size_t warnings = diag_count(&set->diags, DIAG_WARNING);
	if (errors + warnings > 0)
		fprintf(stderr, "lexc lint: %zu error%s, %zu warning%s\n", errors,
		        errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	if (a->verbose)
		lint_summary(set, errors, warnings);
	int status = set->n_io_errors > 0 ? LEXC_EXIT_USAGE
	             : errors > 0         ? LEXC_EXIT_INVALID
	                                  : LEXC_EXIT_OK;
	schema_set_free(set);
	if (fflush(stdout) != 0) {
		perror("lexc lint: standard output");
		return LEXC_EXIT_USAGE;
	}
	return status;
}

int lexc_cmd_lint(int argc, char **argv)
{
	cli_lexicon_args a = {.command = "lint"};
	return cli_run_lexicon_command(argc, argv, &a, lint_usage, lint_run);
}
