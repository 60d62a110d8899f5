/* lexc gen [-o DIR] [--external DIR]... LEXICON_DIR_OR_FILE...: emits C for
 * lexicon documents (emit.h): DIR/<nsid path>.{h,c} per document and
 * DIR/lexc_methods.{h,c}. A file is rewritten only when its content
 * changes, so that make rebuilds only what a lexicon change touches; nothing
 * is ever removed. */
#include "config.h"

#include "cli.h"
#include "emit.h"
#include "schema.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void gen_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc gen [-o DIR] [--external DIR]... LEXICON_DIR_OR_FILE...\n\n"
	        "Generates C for lexicon documents: DIR/<nsid path>.h and .c for each document\n"
	        "(app.bsky.feed.post -> DIR/app/bsky/feed/post.h) and DIR/lexc_methods.h and .c,\n"
	        "the table of every query and procedure. A directory is searched recursively for\n"
	        "*.json files. Files whose content is unchanged are not rewritten.\n\n"
	        "options:\n"
	        "  -o, --output DIR  where to write (default: generated)\n"
	        "  --external DIR    also load DIR (or a file) to resolve refs, generating "
	        "nothing\n"
	        "                    for it: its C comes from another lexc gen run\n"
	        "  -v, --verbose     print how many files were written on standard output\n"
	        "  -h, --help        print this help\n\n"
	        "Exit status: 0 done, 1 a lexicon is invalid or two names collide in C (nothing\n"
	        "is written), 2 usage error, unreadable input or unwritable output.\n");
}

/* Writes files below the output directory, skipping unchanged ones. */
typedef struct writer {
	const char *dir;
	char *path; /* scratch: dir + "/" + relative path */
	size_t cap;
	char *last_dir;  /* the last directory known to exist */
	bool last_fresh; /* ... and this run created it (so it holds nothing yet) */
	char *old;       /* scratch: an existing file's content */
	size_t old_cap;
	size_t written, unchanged;
} writer;

/* Creates the directories of `path` (up to its last '/'). */
static bool ensure_dir(writer *w, char *path)
{
	char *slash = strrchr(path, '/');
	if (slash == NULL)
		return true;
	*slash = '\0';
	bool ok = true;
	if (w->last_dir == NULL || strcmp(w->last_dir, path) != 0) {
		bool fresh = false;
		for (char *p = path + 1; ok; p++) {
			char c = *p;
			if (c != '/' && c != '\0')
				continue;
			*p = '\0';
			if (mkdir(path, 0777) == 0)
				fresh = true;
			else if (errno == EEXIST)
				fresh = false;
			else {
				fprintf(stderr, "lexc gen: cannot create %s: %s\n", path,
				        strerror(errno));
				ok = false;
			}
			*p = c;
			if (c == '\0')
				break;
		}
		free(w->last_dir);
		w->last_dir = ok ? strdup(path) : NULL;
		w->last_fresh = fresh;
	}
	*slash = '/';
	return ok;
}

/* True when the file at `path` holds exactly data[0..len). */
static bool same_content(writer *w, const char *path, const char *data, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	struct stat st;
	bool same = false;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size == len) {
		if (w->old_cap < len + 1) {
			free(w->old);
			w->old_cap = len + 1;
			w->old = malloc(w->old_cap);
		}
		size_t got = 0;
		ssize_t n = 1;
		while (w->old != NULL && got < len && n > 0) {
			n = read(fd, w->old + got, len - got);
			if (n > 0)
				got += (size_t)n;
		}
		same = got == len && (len == 0 || memcmp(w->old, data, len) == 0);
	}
	close(fd);
	return same;
}

/* Writes a file whose content changed in place: an interrupted run leaves
 * a file whose content differs, which the next run rewrites (make only
 * marks the run done once it succeeded). */
static bool write_file(void *ctx, const char *rel, const char *data, size_t len)
{
	writer *w = ctx;
	size_t need = strlen(w->dir) + strlen(rel) + 2;
	if (need > w->cap) {
		free(w->path);
		w->cap = need * 2;
		w->path = malloc(w->cap);
		if (w->path == NULL) {
			fputs("lexc gen: out of memory\n", stderr);
			return false;
		}
	}
	snprintf(w->path, w->cap, "%s/%s", w->dir, rel);
	if (!ensure_dir(w, w->path))
		return false;
	if (!w->last_fresh && same_content(w, w->path, data, len)) {
		w->unchanged++;
		return true;
	}
	int fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	bool ok = fd >= 0;
	for (size_t done = 0; ok && done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "lexc gen: cannot write %s: %s\n", w->path, strerror(errno));
		return false;
	}
	w->written++;
	return true;
}

static int gen_run(const cli_lexicon_args *a)
{
	schema_set *set = schema_set_new();
	for (size_t i = 0; i < a->n_inputs; i++)
		schema_set_add_path(set, a->inputs[i], false);
	for (size_t i = 0; i < a->n_externals; i++)
		schema_set_add_path(set, a->externals[i], true);
	size_t errors = schema_set_finish(set);
	diag_print(&set->diags, stderr);
	if (set->n_io_errors > 0 || errors > 0) {
		if (errors > 0)
			fprintf(stderr, "lexc gen: %zu error%s in the lexicons; nothing written\n",
			        errors, errors == 1 ? "" : "s");
		int status = set->n_io_errors > 0 ? LEXC_EXIT_USAGE : LEXC_EXIT_INVALID;
		schema_set_free(set);
		return status;
	}
	writer w = {.dir = a->output};
	emit_status st = emit_set(set, write_file, &w, stderr);
	schema_set_free(set);
	free(w.path);
	free(w.last_dir);
	free(w.old);
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
	cli_lexicon_args a = {.command = "gen", .takes_output = true, .output = "generated"};
	return cli_run_lexicon_command(argc, argv, &a, gen_usage, gen_run);
}
