/* lexc gen [-o DIR] [--prefix NAME] [--external DIR]... LEXICON_DIR_OR_FILE...:
 * emits C for lexicon documents (emit.h): DIR/<nsid path>.{h,c} per document
 * and DIR/NAME_methods.{h,c} (NAME: lexc). A file is rewritten only when its content
 * changes, so that make rebuilds only what a lexicon change touches; nothing
 * is ever removed. */
#include "config.h"

#include "cli.h"
#include "emit.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void gen_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc gen [-o DIR] [--prefix NAME] [--docs] [--external DIR]... "
	        "LEXICON_DIR_OR_FILE...\n\n"
	        "Generates C for lexicon documents: DIR/<nsid path>.h and .c for each document\n"
	        "(app.bsky.feed.post -> DIR/app/bsky/feed/post.h) and DIR/NAME_methods.h and .c,\n"
	        "the table of every query and procedure. A directory is searched recursively for\n"
	        "*.json files. Files whose content is unchanged are not rewritten.\n\n"
	        "options:\n"
	        "  -o, --output DIR  where to write (default: generated)\n"
	        "  --prefix NAME     name the method table NAME_methods (NAME_methods_count,\n"
	        "                    NAME_methods_find, files NAME_methods.h and .c), so that\n"
	        "                    one program can link several generated sets; NAME is 1 to 32\n"
	        "                    letters, digits and '_', starting with a letter\n"
	        "                    (default: lexc)\n"
	        "  --external DIR    also load DIR (or a file) to resolve refs, generating "
	        "nothing\n"
	        "                    for it: its C comes from another lexc gen run\n"
	        "  --docs            also write NAME_docs.h and .c: the documentation pages\n"
	        "                    of these lexicons with \"Try it\" and \"Validate\" forms,\n"
	        "                    for lexc_server_serve_docs() (lexc/docs.h)\n"
	        "  -v, --verbose     print how many files were written on standard output\n"
	        "  -h, --help        print this help\n\n"
	        "Exit status: 0 done, 1 a lexicon is invalid or two names collide in C (nothing\n"
	        "is written), 2 usage error, unreadable input or unwritable output.\n");
}

static bool write_file(void *ctx, const char *rel, const char *data, size_t len)
{
	return cli_write_file(ctx, rel, data, len, false);
}

static int gen_run(const cli_lexicon_args *a)
{
	if (a->prefix != NULL && !emit_prefix_valid(a->prefix)) {
		fprintf(stderr,
		        "lexc gen: --prefix '%s' is not usable in C names: give 1 to 32 ASCII "
		        "letters, digits and '_', starting with a letter\n",
		        a->prefix);
		gen_usage(stderr);
		return LEXC_EXIT_USAGE;
	}
	int status;
	schema_set *set = cli_load_lexicons_to_write(a, &status);
	if (set == NULL)
		return status;
	cli_writer w = {.command = "gen", .dir = a->output};
	emit_status st = emit_set_with_docs(set, a->prefix, a->docs, write_file, &w, stderr);
	schema_set_free(set);
	cli_writer_free(&w);
	if (st == EMIT_COLLISIONS)
		return LEXC_EXIT_INVALID;
	if (st == EMIT_WRITE_FAILED)
		return LEXC_EXIT_USAGE;
	if (a->verbose)
		printf("%zu files written, %zu unchanged in %s\n", w.written, w.unchanged,
		       a->output);
	if (fflush(stdout) != 0) {
		perror("lexc gen: standard output");
		return LEXC_EXIT_USAGE;
	}
	return LEXC_EXIT_OK;
}

int lexc_cmd_gen(int argc, char **argv)
{
	cli_lexicon_args a = {.command = "gen",
	                      .takes_output = true,
	                      .output = "generated",
	                      .takes_prefix = true,
	                      .takes_docs = true};
	return cli_run_lexicon_command(argc, argv, &a, gen_usage, gen_run);
}
