/* lexc gen [-o DIR] [--prefix NAME] [--external DIR]... LEXICON_DIR_OR_FILE...:
 * emits C for lexicon documents (emit.h): DIR/<nsid path>.{h,c} per document
 * and DIR/NAME_methods.{h,c} (NAME: lexc). A file is rewritten only when its content
 * changes, so that make rebuilds only what a lexicon change touches; nothing
 * is ever removed. */
#include "config.h"

#include "cli.h"
#include "emit.h"
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void gen_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc gen [-o DIR] [--prefix NAME] [--docs] [--depfile FILE] [--external "
	        "DIR]... "
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
	        "  -M, --depfile FILE\n"
	        "                    also write FILE, a dependency file as gcc and Ninja write\n"
	        "                    them: the generated files (or --depfile-target T) depend on\n"
	        "                    every lexicon document they came from and every directory\n"
	        "                    searched (where a new document would appear)\n"
	        "  --depfile-target T  the one target the depfile names (a stamp file)\n"
	        "  --flat            name files by NSID in DIR itself (app.bsky.feed.post.h), for\n"
	        "                    build systems whose outputs cannot be in subdirectories\n"
	        "  --print-outputs   print the path of every file it would write, one per line,\n"
	        "                    and write nothing (for build systems' configure steps)\n"
	        "  -v, --verbose     print how many files were written on standard output\n"
	        "  -h, --help        print this help\n\n"
	        "Exit status: 0 done, 1 a lexicon is invalid or two names collide in C (nothing\n"
	        "is written), 2 usage error, unreadable input or unwritable output.\n");
}

/* What gen writes, and the names of what it wrote (for the depfile). */
typedef struct gen_out {
	cli_writer w;
	bool print_only; /* --print-outputs: name each file, write none */
	char **names;
	size_t n, cap;
} gen_out;

static bool write_file(void *ctx, const char *rel, const char *data, size_t len)
{
	gen_out *g = ctx;
	if (g->n == g->cap) {
		size_t cap = g->cap != 0 ? g->cap * 2 : 64;
		char **nn = realloc(g->names, cap * sizeof *nn);
		if (nn == NULL) {
			fprintf(stderr, "lexc gen: out of memory\n");
			return false;
		}
		g->names = nn;
		g->cap = cap;
	}
	size_t dl = strlen(g->w.dir), rl = strlen(rel);
	char *name = malloc(dl + rl + 2);
	if (name == NULL) {
		fprintf(stderr, "lexc gen: out of memory\n");
		return false;
	}
	memcpy(name, g->w.dir, dl);
	name[dl] = '/';
	memcpy(name + dl + 1, rel, rl + 1);
	g->names[g->n++] = name;
	if (g->print_only)
		return printf("%s\n", name) >= 0;
	return cli_write_file(&g->w, rel, data, len, false);
}

/* A path as Make and Ninja read it in a dependency file. */
static void put_dep_path(FILE *f, const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '#' || *p == '\\')
			fputc('\\', f);
		if (*p == '$')
			fputc('$', f);
		fputc(*p, f);
	}
}

/* `target` (or every file written) depends on every document loaded that
 * the generated code came from (the inputs, and the externals their refs
 * reached) and on every directory walked, where a new document would
 * appear. Each prerequisite also gets an empty rule, as gcc -MP does, so
 * that deleting a lexicon does not stop make. Written to FILE.tmp and
 * renamed, so a reader never sees half of it. */
static bool write_depfile(const gen_out *g, const schema_set *set, const char *path,
                          const char *target)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 5);
	if (tmp == NULL) {
		fprintf(stderr, "lexc gen: out of memory\n");
		return false;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp", 5);
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "lexc gen: cannot write %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return false;
	}
	if (target != NULL) {
		put_dep_path(f, target);
	} else {
		for (size_t i = 0; i < g->n; i++) {
			if (i > 0)
				fputs(" \\\n ", f);
			put_dep_path(f, g->names[i]);
		}
	}
	fputc(':', f);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < set->n_docs; i++) {
			const schema_doc *d = set->docs[i];
			if (d->external && !d->reachable)
				continue;
			fputs(pass == 0 ? " \\\n " : "\n", f);
			put_dep_path(f, d->file);
			if (pass == 1)
				fputs(":\n", f);
		}
		for (size_t i = 0; i < set->n_dirs; i++) {
			fputs(pass == 0 ? " \\\n " : "\n", f);
			put_dep_path(f, set->dirs[i]);
			if (pass == 1)
				fputs(":\n", f);
		}
		if (pass == 0)
			fputc('\n', f);
	}
	bool ok = fflush(f) == 0 && !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "lexc gen: cannot write %s: %s\n", path, strerror(errno));
		remove(tmp);
	}
	free(tmp);
	return ok;
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
	gen_out g = {.w = {.command = "gen", .dir = a->output}, .print_only = a->print_outputs};
	emit_status st =
	        emit_set_with_docs(set, a->prefix, a->docs, a->flat, write_file, &g, stderr);
	bool dep_ok = st != EMIT_OK || a->depfile == NULL ||
	              write_depfile(&g, set, a->depfile, a->depfile_target);
	schema_set_free(set);
	cli_writer_free(&g.w);
	for (size_t i = 0; i < g.n; i++)
		free(g.names[i]);
	free(g.names);
	if (st == EMIT_COLLISIONS)
		return LEXC_EXIT_INVALID;
	if (st == EMIT_WRITE_FAILED || !dep_ok)
		return LEXC_EXIT_USAGE;
	if (a->verbose && !a->print_outputs)
		printf("%zu files written, %zu unchanged in %s\n", g.w.written, g.w.unchanged,
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
	                      .takes_docs = true,
	                      .takes_depfile = true,
	                      .takes_flat = true};
	return cli_run_lexicon_command(argc, argv, &a, gen_usage, gen_run);
}
