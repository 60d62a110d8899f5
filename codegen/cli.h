/* Shared declarations of the lexc command-line program. */
#ifndef LEXC_CODEGEN_CLI_H
#define LEXC_CODEGEN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum {
	LEXC_EXIT_OK = 0,      /* everything checked was valid */
	LEXC_EXIT_INVALID = 1, /* some input was invalid */
	LEXC_EXIT_USAGE = 2,   /* bad arguments, unreadable input, bad lexicons */
};

/* Options of the commands that read lexicons (gen, lint): inputs and
 * --external directories (arrays of argc entries, owned by the caller),
 * -v, -h, and for gen -o DIR. */
typedef struct cli_lexicon_args {
	const char *command; /* "gen", for messages */
	bool takes_output;
	const char *output;
	bool takes_prefix;  /* gen: --prefix NAME names the method table */
	const char *prefix; /* NULL: the default ("lexc") */
	bool takes_docs;    /* gen: --docs */
	bool docs;
	bool takes_depfile;         /* gen: --depfile FILE, --depfile-target T, --print-outputs */
	const char *depfile;        /* NULL: none */
	const char *depfile_target; /* NULL: the generated files */
	bool print_outputs;
	bool takes_flat; /* gen, stubs: --flat */
	bool flat;
	bool takes_format;  /* doc: --format md|html */
	const char *format; /* as given; the command checks it */
	const char **inputs, **externals;
	size_t n_inputs, n_externals;
	bool verbose, help;
} cli_lexicon_args;

/* Fills `a` from argv; false (after a message on stderr) on a usage error. */
bool cli_parse_lexicon_args(int argc, char **argv, cli_lexicon_args *a);

/* The whole of such a command: allocates the input arrays, parses, prints
 * usage on error or --help, else calls run(); frees; returns the status. */
int cli_run_lexicon_command(int argc, char **argv, cli_lexicon_args *a, void (*usage)(FILE *out),
                            int (*run)(const cli_lexicon_args *a));

struct schema_set;

/* Loads the inputs and --external documents of `a`, checks them and prints
 * the diagnostics on stderr; *errors counts the errors. The caller frees
 * the set (schema_set_free). */
struct schema_set *cli_load_lexicons(const cli_lexicon_args *a, size_t *errors);

/* The same for commands that write (gen, stubs): NULL after "N errors in
 * the lexicons; nothing written" when they are unusable, with the exit
 * status in *status. */
struct schema_set *cli_load_lexicons_to_write(const cli_lexicon_args *a, int *status);

/* Writes files below an output directory (creating directories as needed)
 * for gen and stubs. A file whose content is unchanged is not rewritten, so
 * that make rebuilds only what changed; with `keep`, an existing file is
 * left alone whatever it holds (files the user owns). With `verbose`, kept
 * and written `keep` files are printed ("kept DIR/x.c", "wrote DIR/y.c"). */
typedef struct cli_writer {
	const char *command; /* "gen", for messages */
	const char *dir;
	bool verbose;
	char *path; /* scratch: dir + "/" + relative path */
	size_t cap;
	char *last_dir;  /* the last directory known to exist */
	bool last_fresh; /* ... and this run created it (so it holds nothing yet) */
	char *old;       /* scratch: an existing file's content */
	size_t old_cap;
	size_t written, unchanged, kept;
} cli_writer;

/* Writes dir/rel; false after a message on stderr when that fails. */
bool cli_write_file(cli_writer *w, const char *rel, const char *data, size_t len, bool keep);
void cli_writer_free(cli_writer *w);

/* Each subcommand gets argv with argv[0] being its own name. */
int lexc_cmd_syntax(int argc, char **argv);
int lexc_cmd_lint(int argc, char **argv);
int lexc_cmd_validate(int argc, char **argv);
int lexc_cmd_gen(int argc, char **argv);
int lexc_cmd_stubs(int argc, char **argv);
int lexc_cmd_doc(int argc, char **argv);

#endif /* LEXC_CODEGEN_CLI_H */
