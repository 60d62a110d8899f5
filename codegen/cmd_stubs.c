/* lexc stubs [-o DIR] [--external DIR]... LEXICON_DIR_OR_FILE...: writes a
 * server skeleton for the queries and procedures of the lexicons (emit.h,
 * emit_stubs.c). Files the user owns (handlers, main.c, Makefile, README)
 * are written only when missing; handlers.h and register_all.c are
 * rewritten when their content changes. */
#include "config.h"

#include "cli.h"
#include "emit.h"
#include "schema.h"

#include <stdio.h>

static void stubs_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc stubs [-o DIR] [--external DIR]... LEXICON_DIR_OR_FILE...\n\n"
	        "Writes an XRPC server skeleton for the queries and procedures of the lexicons:\n"
	        "DIR/handlers/<M>.c, one handler per method answering 501 until filled in;\n"
	        "DIR/main.c (flags --address, --port, --threads); DIR/Makefile; DIR/README.md;\n"
	        "and DIR/handlers.h and DIR/register_all.c, which list the methods. Existing\n"
	        "handlers, main.c, Makefile and README.md are never overwritten; handlers.h and\n"
	        "register_all.c are rewritten (do not edit them). The skeleton includes the C\n"
	        "of `lexc gen` (by default from DIR/generated).\n\n"
	        "options:\n"
	        "  -o, --output DIR  where to write (default: server)\n"
	        "  --external DIR    also load DIR (or a file) to resolve refs, writing nothing\n"
	        "                    for it\n"
	        "  -v, --verbose     print each file written or kept\n"
	        "  -h, --help        print this help\n\n"
	        "Exit status: 0 done, 1 a lexicon is invalid or two names collide in C (nothing\n"
	        "is written), 2 usage error, unreadable input or unwritable output.\n");
}

static bool write_file(void *ctx, const char *rel, const char *data, size_t len, bool keep)
{
	return cli_write_file(ctx, rel, data, len, keep);
}

static int stubs_run(const cli_lexicon_args *a)
{
	int status;
	schema_set *set = cli_load_lexicons_to_write(a, &status);
	if (set == NULL)
		return status;
	cli_writer w = {.command = "stubs", .dir = a->output, .verbose = a->verbose};
	emit_status st = emit_stubs(set, write_file, &w, stderr);
	schema_set_free(set);
	cli_writer_free(&w);
	if (st == EMIT_COLLISIONS)
		return LEXC_EXIT_INVALID;
	if (st == EMIT_WRITE_FAILED)
		return LEXC_EXIT_USAGE;
	if (a->verbose)
		printf("%zu files written, %zu unchanged, %zu kept in %s\n", w.written, w.unchanged,
		       w.kept, a->output);
	if (fflush(stdout) != 0) {
		perror("lexc stubs: standard output");
		return LEXC_EXIT_USAGE;
	}
	return LEXC_EXIT_OK;
}

int lexc_cmd_stubs(int argc, char **argv)
{
	cli_lexicon_args a = {.command = "stubs", .takes_output = true, .output = "server"};
	return cli_run_lexicon_command(argc, argv, &a, stubs_usage, stubs_run);
}
