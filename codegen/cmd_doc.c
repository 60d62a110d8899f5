/* lexc doc [--format md|html] [-o DIR] [-L DIR]... LEXICON_DIR_OR_FILE...:
 * documentation pages for lexicon documents (doc.h): DIR/<nsid>.html (or
 * .md) per document and DIR/index.html. Files are rewritten only when their
 * content changes, as for lexc gen. */
#include "config.h"

#include "cli.h"
#include "doc.h"
#include "schema.h"

#include <stdio.h>
#include <string.h>

static void doc_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc doc [--format md|html] [-o DIR] [-L DIR]... LEXICON_DIR_OR_FILE...\n\n"
	        "Writes one documentation page per lexicon document, DIR/<nsid>.html (or .md),\n"
	        "and DIR/index.html listing them: each def's type, description, parameters,\n"
	        "input and output with a table of every property (type, required, description,\n"
	        "constraints), errors and raw JSON. HTML pages are self-contained (inline CSS,\n"
	        "no script, no network). A directory is searched recursively for *.json files.\n\n"
	        "options:\n"
	        "  --format FORMAT   html (the default) or md (CommonMark with tables)\n"
	        "  -o, --output DIR  where to write (default: doc)\n"
	        "  -L, --external DIR\n"
	        "                    also load DIR (or a file) to resolve refs, documenting\n"
	        "                    nothing for it: refs to it are named, not linked\n"
	        "  -v, --verbose     print how many files were written on standard output\n"
	        "  -h, --help        print this help\n\n"
	        "Exit status: 0 done, 1 a lexicon is invalid (nothing is written), 2 usage\n"
	        "error, unreadable input or unwritable output.\n");
}

static bool write_file(void *ctx, const char *name, const char *data, size_t len)
{
	return cli_write_file(ctx, name, data, len, false);
}

static int doc_run(const cli_lexicon_args *a)
{
	doc_format fmt;
	if (a->format == NULL || strcmp(a->format, "html") == 0) {
		fmt = DOC_HTML;
	} else if (strcmp(a->format, "md") == 0 || strcmp(a->format, "markdown") == 0) {
		fmt = DOC_MARKDOWN;
	} else {
		fprintf(stderr, "lexc doc: --format '%s': expected html or md\n", a->format);
		doc_usage(stderr);
		return LEXC_EXIT_USAGE;
	}
	int status;
	schema_set *set = cli_load_lexicons_to_write(a, &status);
	if (set == NULL)
		return status;
	cli_writer w = {.command = "doc", .dir = a->output};
	doc_options opt = doc_file_options(fmt);
	bool ok = doc_set(set, &opt, write_file, &w);
	schema_set_free(set);
	cli_writer_free(&w);
	if (!ok)
		return LEXC_EXIT_USAGE;
	if (a->verbose)
		printf("%zu files written, %zu unchanged in %s\n", w.written, w.unchanged,
		       a->output);
	if (fflush(stdout) != 0) {
		perror("lexc doc: standard output");
		return LEXC_EXIT_USAGE;
	}
	return LEXC_EXIT_OK;
}

int lexc_cmd_doc(int argc, char **argv)
{
	cli_lexicon_args a = {
	        .command = "doc", .takes_output = true, .output = "doc", .takes_format = true};
	return cli_run_lexicon_command(argc, argv, &a, doc_usage, doc_run);
}
