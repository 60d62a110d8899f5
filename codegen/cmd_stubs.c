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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	        "  --flat            include generated headers by their flat names (lexc gen\n"
	        "                    --flat)\n"
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

/* An absolute path without ".", ".." or empty components ("/" at least),
 * lexically: `p` as given, relative to the working directory. NULL when
 * the working directory is unknown or memory runs out. */
static char *absolute(const char *p)
{
	char cwd[4096];
	if (p[0] != '/' && getcwd(cwd, sizeof cwd) == NULL)
		return NULL;
	size_t n = (p[0] == '/' ? 0 : strlen(cwd)) + strlen(p) + 3;
	char *joined = malloc(n), *out = malloc(n);
	if (joined == NULL || out == NULL) {
		free(joined);
		free(out);
		return NULL;
	}
	snprintf(joined, n, "%s/%s", p[0] == '/' ? "" : cwd, p);
	size_t len = 0;
	for (const char *part = joined; *part != '\0';) {
		size_t plen = strcspn(part, "/");
		if (plen == 0 || (plen == 1 && part[0] == '.')) {
			/* an empty or "." component */
		} else if (plen == 2 && part[0] == '.' && part[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the slash */
		} else {
			out[len++] = '/';
			memcpy(out + len, part, plen);
			len += plen;
		}
		part += plen;
		if (*part == '/')
			part++;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	free(joined);
	return out;
}

/* `to` as seen from the directory `from` (both absolute, normalised). */
static char *relative(const char *from, const char *to)
{
	size_t common = 0;
	for (size_t i = 0;; i++) {
		bool end_f = from[i] == '\0' || from[i] == '/',
		     end_t = to[i] == '\0' || to[i] == '/';
		if (end_f && end_t)
			common = i;
		if (from[i] == '\0' || to[i] == '\0' || from[i] != to[i])
			break;
	}
	size_t ups = 0;
	for (const char *q = from + common; *q != '\0'; q++)
		ups += *q == '/';
	if (strcmp(from, "/") == 0)
		ups = 0;
	const char *rest = to + common;
	if (*rest == '/')
		rest++;
	size_t n = ups * 3 + strlen(rest) + 2;
	char *out = malloc(n);
	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < ups; i++)
		strcat(out, i + 1 < ups || *rest != '\0' ? "../" : "..");
	strcat(out, rest);
	if (out[0] == '\0')
		strcpy(out, ".");
	return out;
}

/* The Makefile's LEXICONS: the inputs and (as -L) the externals, as seen
 * from the output directory; NULL if one cannot be said. */
static char *make_lexicons(const cli_lexicon_args *a)
{
	char *dir = absolute(a->output);
	if (dir == NULL)
		return NULL;
	size_t cap = 1;
	for (size_t i = 0; i < a->n_inputs; i++)
		cap += strlen(dir) * 3 + strlen(a->inputs[i]) + 8;
	for (size_t i = 0; i < a->n_externals; i++)
		cap += strlen(dir) * 3 + strlen(a->externals[i]) + 8;
	char *out = calloc(1, cap + 4096);
	bool ok = out != NULL;
	for (size_t i = 0; ok && i < a->n_inputs + a->n_externals; i++) {
		bool ext = i >= a->n_inputs;
		char *abs = absolute(ext ? a->externals[i - a->n_inputs] : a->inputs[i]);
		char *rel = abs != NULL ? relative(dir, abs) : NULL;
		ok = rel != NULL && strpbrk(rel, " \t$#") == NULL; /* what make cannot say */
		if (ok) {
			if (out[0] != '\0')
				strcat(out, " ");
			if (ext)
				strcat(out, "-L ");
			strcat(out, rel);
		}
		free(abs);
		free(rel);
	}
	free(dir);
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

static int stubs_run(const cli_lexicon_args *a)
{
	int status;
	schema_set *set = cli_load_lexicons_to_write(a, &status);
	if (set == NULL)
		return status;
	cli_writer w = {.command = "stubs", .dir = a->output, .verbose = a->verbose};
	char *lexicons = make_lexicons(a);
	emit_status st = emit_stubs_for(set, lexicons, a->flat, write_file, &w, stderr);
	free(lexicons);
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
	cli_lexicon_args a = {
	        .command = "stubs", .takes_output = true, .output = "server", .takes_flat = true};
	return cli_run_lexicon_command(argc, argv, &a, stubs_usage, stubs_run);
}
