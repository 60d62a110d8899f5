/* Argument parsing shared by the commands that take lexicon inputs. */
#include "config.h"

#include "cli.h"
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of an option given as "--name=value", "--name value", or for
 * the short form "-xvalue" / "-x value"; NULL when `arg` is not it. */
static const char *option_value(int argc, char **argv, int *i, const char *longname,
                                const char *shortname, bool *missing)
{
	const char *arg = argv[*i];
	size_t n = strlen(longname);
	if (strncmp(arg, longname, n) == 0 && arg[n] == '=' && arg[n + 1] != '\0')
		return arg + n + 1;
	if (shortname != NULL && strncmp(arg, shortname, 2) == 0 && arg[2] != '\0')
		return arg + 2;
	if (strcmp(arg, longname) == 0 || (shortname != NULL && strcmp(arg, shortname) == 0)) {
		if (*i + 1 < argc)
			return argv[++*i];
		*missing = true;
	}
	return NULL;
}

bool cli_parse_lexicon_args(int argc, char **argv, cli_lexicon_args *a)
{
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool missing = false;
		if (!options || arg[0] != '-' || strcmp(arg, "-") == 0) {
			a->inputs[a->n_inputs++] = arg;
		} else if (strcmp(arg, "--") == 0) {
			options = false;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			a->help = true;
		} else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
			a->verbose = true;
		} else if (a->takes_docs && strcmp(arg, "--docs") == 0) {
			a->docs = true;
		} else if (a->takes_flat && strcmp(arg, "--flat") == 0) {
			a->flat = true;
		} else if (a->takes_depfile && strcmp(arg, "--print-outputs") == 0) {
			a->print_outputs = true;
		} else if (a->takes_depfile && (v = option_value(argc, argv, &i, "--depfile", "-M",
		                                                 &missing)) != NULL) {
			a->depfile = v;
		} else if (a->takes_depfile && (v = option_value(argc, argv, &i, "--depfile-target",
		                                                 NULL, &missing)) != NULL) {
			a->depfile_target = v;
		} else if ((v = option_value(argc, argv, &i, "--external", "-L", &missing)) !=
		           NULL) {
			a->externals[a->n_externals++] = v;
		} else if (a->takes_output &&
		           (v = option_value(argc, argv, &i, "--output", "-o", &missing)) != NULL) {
			a->output = v;
		} else if (a->takes_prefix &&
		           (v = option_value(argc, argv, &i, "--prefix", NULL, &missing)) != NULL) {
			a->prefix = v; /* the command checks it (emit_prefix_valid) */
		} else if (a->takes_format &&
		           (v = option_value(argc, argv, &i, "--format", NULL, &missing)) != NULL) {
			a->format = v;
		} else {
			const char *what = "unknown option";
			if (missing && strcmp(arg, "--prefix") == 0)
				what = "missing name after";
			else if (missing && strcmp(arg, "--format") == 0)
				what = "missing format after";
			else if (missing && strcmp(arg, "--depfile-target") == 0)
				what = "missing target after";
			else if (missing &&
			         (strcmp(arg, "--depfile") == 0 || strcmp(arg, "-M") == 0))
				what = "missing file after";
			else if (missing)
				what = "missing directory after";
			fprintf(stderr, "lexc %s: %s '%s'\n", a->command, what, arg);
			return false;
		}
	}
	if (a->n_inputs == 0 && !a->help) {
		fprintf(stderr, "lexc %s: no lexicon files or directories given\n", a->command);
		return false;
	}
	return true;
}

int cli_run_lexicon_command(int argc, char **argv, cli_lexicon_args *a, void (*usage)(FILE *out),
                            int (*run)(const cli_lexicon_args *a))
{
	a->inputs = calloc((size_t)argc + 1, sizeof *a->inputs);
	a->externals = calloc((size_t)argc + 1, sizeof *a->externals);
	int status;
	if (a->inputs == NULL || a->externals == NULL) {
		fprintf(stderr, "lexc %s: out of memory\n", a->command);
		status = LEXC_EXIT_USAGE;
	} else if (!cli_parse_lexicon_args(argc, argv, a)) {
		usage(stderr);
		status = LEXC_EXIT_USAGE;
	} else if (a->help) {
		usage(stdout);
		status = LEXC_EXIT_OK;
	} else {
		status = run(a);
	}
	free(a->inputs);
	free(a->externals);
	return status;
}

struct schema_set *cli_load_lexicons(const cli_lexicon_args *a, size_t *errors)
{
	schema_set *set =
	        pipeline_run(a->inputs, a->n_inputs, a->externals, a->n_externals, errors);
	diag_print(&set->diags, stderr);
	return set;
}

struct schema_set *cli_load_lexicons_to_write(const cli_lexicon_args *a, int *status)
{
	size_t errors;
	schema_set *set = cli_load_lexicons(a, &errors);
	if (set->n_io_errors == 0 && errors == 0)
		return set;
	if (errors > 0)
		fprintf(stderr, "lexc %s: %zu error%s in the lexicons; nothing written\n",
		        a->command, errors, errors == 1 ? "" : "s");
	*status = set->n_io_errors > 0 ? LEXC_EXIT_USAGE : LEXC_EXIT_INVALID;
	schema_set_free(set);
	return NULL;
}
