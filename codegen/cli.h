/* Shared declarations of the lexc command-line program. */
#ifndef LEXC_CODEGEN_CLI_H
#define LEXC_CODEGEN_CLI_H

/* Exit statuses shared by every subcommand. */
enum {
	LEXC_EXIT_OK = 0,      /* everything checked was valid */
	LEXC_EXIT_INVALID = 1, /* some input was invalid */
	LEXC_EXIT_USAGE = 2,   /* bad arguments, unreadable input, bad lexicons */
};

/* Each subcommand gets argv with argv[0] being its own name. */
int lexc_cmd_syntax(int argc, char **argv);
int lexc_cmd_lint(int argc, char **argv);
int lexc_cmd_validate(int argc, char **argv);
int lexc_cmd_gen(int argc, char **argv);

#endif /* LEXC_CODEGEN_CLI_H */
