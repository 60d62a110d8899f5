/* lexc: the command-line front end. Each subcommand lives in its own
 * cmd_*.c file; this file only dispatches. */
#include "config.h"

#include "cli.h"

#include <lexc/version.h>

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
        {"syntax", lexc_cmd_syntax, "check strings against a lexicon string format"},
        {"lint", lexc_cmd_lint, "check lexicon documents"},
        {"validate", lexc_cmd_validate, "validate JSON values against a lexicon type"},
        {"gen", lexc_cmd_gen, "generate C for lexicon documents"},
        {"stubs", lexc_cmd_stubs, "write an XRPC server skeleton for lexicon methods"},
        {"doc", lexc_cmd_doc, "write documentation pages for lexicon documents"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lexc COMMAND [ARGS...]\n"
	             "       lexc --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'lexc COMMAND --help' for a command's options. See lexc(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LEXC_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return LEXC_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("lexc %s (liblexc %s)\n", LEXC_VERSION_STRING, lexc_version());
		return LEXC_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "lexc: unknown command '%s'\n", cmd);
	usage(stderr);
	return LEXC_EXIT_USAGE;
}
