/* lexc validate -L LEXICON_DIR REF [FILE...]: validates JSON values against
 * a lexicon type with the same engine and descriptors generated code uses
 * (lowered in memory from the lexicon files). */
#include "config.h"

#include "cli.h"
#include "lower.h"
#include "pipeline.h"

#include <lexc/codec.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LEXICON_DIRS = 64 };

/* The default memory limit per value is LIMIT_FACTOR × its size, and at
 * least DEFAULT_MIN_LIMIT: the server's default for a 1 MiB body. */
#define LIMIT_FACTOR 32
#define DEFAULT_MIN_LIMIT ((size_t)32 << 20)

typedef enum target_part { PART_DEFAULT, PART_OUTPUT, PART_PARAMS } target_part;

typedef struct validate_opts {
	const char *dirs[MAX_LEXICON_DIRS];
	size_t n_dirs;
	const char *ref;
	target_part part;
	bool lines; /* every input is JSON Lines */
	bool allow_unresolved;
	size_t memory_limit; /* arena bytes per value; 0: the default */
	char **files;
	int n_files;
} validate_opts;

static void validate_usage(FILE *out)
{
	fprintf(out,
	        "usage: lexc validate -L LEXICON_DIR [-L DIR...] [--output | --params] [--lines]\n"
	        "                     [--memory-limit BYTES[K|M|G]] [--allow-unresolved]\n"
	        "                     REF [FILE...]\n\n"
	        "Validates JSON values against REF (NSID or NSID#def): a record, an object,\n"
	        "or a procedure's input (--output: a query's or procedure's output; --params:\n"
	        "a query's parameters given as a JSON object). Each FILE holds one document;\n"
	        "standard input, '-', *.jsonl files and all files with --lines hold one value\n"
	        "per line. Prints 'ok' or 'invalid: PATH: MESSAGE' per value.\n"
	        "Decoding one value may take at most --memory-limit bytes (default: 32 times\n"
	        "the value's size, at least 32 MiB); a value that needs more is reported\n"
	        "invalid, so hostile input costs memory in proportion to its size.\n"
	        "--allow-unresolved treats refs that no loaded lexicon resolves as valid: any\n"
	        "value is accepted there, with a warning per ref (otherwise they are errors).\n"
	        "Exit status: 0 all valid, 1 some invalid, 2 usage or lexicon errors.\n");
}

/* "1048576", "512K", "64M", "1G": a positive byte count. */
static bool parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-' || v == 0)
		return false;
	unsigned shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (*end != '\0' || v > (SIZE_MAX >> shift))
		return false;
	*out = (size_t)v << shift;
	return true;
}

static int parse_args(int argc, char **argv, validate_opts *o)
{
	memset(o, 0, sizeof *o);
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			validate_usage(stdout);
			return -1;
		} else if (strcmp(a, "-L") == 0 || strcmp(a, "--lexicons") == 0) {
			if (i + 1 >= argc || o->n_dirs == MAX_LEXICON_DIRS)
				return LEXC_EXIT_USAGE;
			o->dirs[o->n_dirs++] = argv[++i];
		} else if (strncmp(a, "-L", 2) == 0 && a[2] != '\0') {
			if (o->n_dirs == MAX_LEXICON_DIRS)
				return LEXC_EXIT_USAGE;
			o->dirs[o->n_dirs++] = a + 2;
		} else if (strcmp(a, "--output") == 0) {
			o->part = PART_OUTPUT;
		} else if (strcmp(a, "--params") == 0) {
			o->part = PART_PARAMS;
		} else if (strcmp(a, "--lines") == 0) {
			o->lines = true;
		} else if (strcmp(a, "--allow-unresolved") == 0) {
			o->allow_unresolved = true;
		} else if (strcmp(a, "--memory-limit") == 0) {
			if (i + 1 >= argc || !parse_size(argv[++i], &o->memory_limit)) {
				fprintf(stderr,
				        "lexc validate: --memory-limit needs a size such as "
				        "64M\n");
				return LEXC_EXIT_USAGE;
			}
		} else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "lexc validate: unknown option '%s'\n", a);
			return LEXC_EXIT_USAGE;
		} else {
			break;
		}
	}
	if (i >= argc || o->n_dirs == 0)
		return LEXC_EXIT_USAGE;
	o->ref = argv[i++];
	o->files = argv + i;
	o->n_files = argc - i;
	return 0;
}

/* Finds the schema node REF names and the part asked for. Prints why not
 * and returns NULL on failure. */
static const schema_node *find_target(const schema_set *set, const validate_opts *o)
{
	const char *hash = strchr(o->ref, '#');
	size_t id_len = hash != NULL ? (size_t)(hash - o->ref) : strlen(o->ref);
	const char *def_name = hash != NULL ? hash + 1 : "main";
	const schema_doc *doc = schema_set_find_doc(set, o->ref, id_len);
	if (doc == NULL) {
		fprintf(stderr, "lexc validate: no lexicon with id '%.*s'\n", (int)id_len, o->ref);
		return NULL;
	}
	const schema_def *def = schema_doc_find_def(doc, def_name, strlen(def_name));
	if (def == NULL) {
		fprintf(stderr, "lexc validate: %s has no def '%s'\n", doc->id, def_name);
		return NULL;
	}
	const schema_node *n = def->node;
	const schema_body *body = NULL;
	switch (n->kind) {
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
		if (o->part == PART_PARAMS) {
			if (n->u.xrpc.parameters == NULL)
				fprintf(stderr, "lexc validate: %s has no parameters\n",
				        def->full_name);
			return n->u.xrpc.parameters;
		}
		body = o->part == PART_OUTPUT || n->kind == SCHEMA_QUERY ? n->u.xrpc.output
		                                                         : n->u.xrpc.input;
		if (n->kind == SCHEMA_QUERY && o->part != PART_OUTPUT) {
			fprintf(stderr, "lexc validate: %s is a query: use --output or --params\n",
			        def->full_name);
			return NULL;
		}
		if (body == NULL || body->schema == NULL) {
			fprintf(stderr, "lexc validate: %s has no JSON %s schema\n", def->full_name,
			        o->part == PART_OUTPUT ? "output" : "input");
			return NULL;
		}
		return body->schema;
	case SCHEMA_SUBSCRIPTION:
	case SCHEMA_TOKEN:
	case SCHEMA_PERMISSION_SET:
		fprintf(stderr, "lexc validate: %s is a %s, which has no JSON values to validate\n",
		        def->full_name, schema_kind_name(n->kind));
		return NULL;
	default:
		if (o->part != PART_DEFAULT) {
			fprintf(stderr,
			        "lexc validate: --output and --params need a query or procedure\n");
			return NULL;
		}
		return n;
	}
}

typedef struct validator {
	const lexc_type *type;
	lexc_arena arena;
	size_t memory_limit; /* 0: the default (DEFAULT_MIN_LIMIT) */
	size_t valid, invalid;
} validator;

/* Scratch slot for a value that is not an object: big enough for any. */
typedef union value_slot {
	lexc_union u;
	lexc_blob b;
	lexc_bytes y;
	lexc_str s;
	int64_t i;
	bool flag;
} value_slot;

/* Decodes the next value of a non-object type from `r`. The engine decodes
 * arrays only as members, so a top-level array (an array def) is read here
 * element by element with the engine's own messages and limits. */
static lexc_status decode_value(validator *v, const lexc_type *t, lexc_json_reader *r,
                                lexc_error *err)
{
	if (t->kind == LEXC_KIND_OBJECT) {
		void *obj = lexc_arena_calloc(&v->arena, 1, t->u.object.size);
		if (obj == NULL)
			return lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return lexc_decode_from(t, r, &v->arena, obj, err);
	}
	if (t->kind != LEXC_KIND_ARRAY) {
		value_slot slot;
		memset(&slot, 0, sizeof slot);
		return lexc_decode_from(t, r, &v->arena, &slot, err);
	}
	const lexc_array_rules *a = &t->u.array;
	lexc_json_token tok = lexc_json_next(r);
	if (tok == LEXC_JSON_ERROR)
		return err->code;
	if (tok != LEXC_JSON_ARRAY_START)
		return lexc_error_set(err, LEXC_INVALID_REQUEST, "expected an array, got %s",
		                      lexc_json_token_name(tok));
	for (size_t n = 0;; n++) {
		lexc_json_mark m;
		lexc_json_save(r, &m);
		tok = lexc_json_next(r);
		if (tok == LEXC_JSON_ERROR)
			return err->code;
		if (tok == LEXC_JSON_ARRAY_END) {
			if (n < a->min_length)
				return lexc_error_set(err, LEXC_INVALID_REQUEST,
				                      "fewer than minLength %zu items",
				                      a->min_length);
			return LEXC_OK;
		}
		if (a->has_max_length && n == a->max_length) /* a hostile array: stop early */
			return lexc_error_set(err, LEXC_INVALID_REQUEST,
			                      "more than maxLength %zu items", a->max_length);
		if (!lexc_json_restore(r, &m))
			return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR, "cannot rewind");
		lexc_status st = decode_value(v, a->items, r, err);
		if (st != LEXC_OK) {
			lexc_error_path_prepend_index(err, n);
			return st;
		}
	}
}

/* Validates one JSON value and prints its verdict. */
static void validate_one(validator *v, const char *json, size_t len)
{
	lexc_error err;
	lexc_error_clear(&err);
	lexc_status st;
	size_t limit = v->memory_limit;
	if (limit == 0)
		limit = len > SIZE_MAX / LIMIT_FACTOR            ? SIZE_MAX
		        : len * LIMIT_FACTOR > DEFAULT_MIN_LIMIT ? len * LIMIT_FACTOR
		                                                 : DEFAULT_MIN_LIMIT;
	size_t held = lexc_arena_heap_bytes(&v->arena);
	lexc_arena_set_limit(&v->arena, held > SIZE_MAX - limit ? 0 : held + limit);
	if (v->type->kind == LEXC_KIND_OBJECT) {
		void *out = lexc_arena_alloc(&v->arena, v->type->u.object.size);
		st = out != NULL ? lexc_decode(v->type, json, len, &v->arena, out, &err)
		                 : lexc_error_set(&err, LEXC_NO_MEMORY, "out of memory");
	} else {
		/* A union, array or scalar def: the same checks as lexc_decode(). */
		lexc_json_reader r;
		lexc_json_reader_init(&r, json, len, &v->arena, &err);
		lexc_json_reader_set_flags(&r, LEXC_JSON_REJECT_EMPTY_KEYS);
		st = decode_value(v, v->type, &r, &err);
		if (st == LEXC_OK && lexc_json_next(&r) != LEXC_JSON_END)
			st = err.code != LEXC_OK ? err.code : LEXC_INVALID_REQUEST;
		if (st != LEXC_OK && err.path[0] == '\0')
			memcpy(err.path, "$", 2); /* an error at the root, as lexc_decode() says */
	}
	if (st == LEXC_LIMIT_EXCEEDED ||
	    (st == LEXC_NO_MEMORY && lexc_arena_limit_reached(&v->arena)))
		st = lexc_error_set(&err, LEXC_LIMIT_EXCEEDED,
		                    "decoding needs more than the memory limit of %zu bytes",
		                    limit);
	if (st == LEXC_OK) {
		fputs("ok\n", stdout);
		v->valid++;
	} else {
		char msg[LEXC_ERROR_PATH_MAX + LEXC_ERROR_MESSAGE_MAX + 4];
		lexc_error_format(&err, msg, sizeof msg);
		printf("invalid: %s\n", msg);
		v->invalid++;
	}
	lexc_arena_reset(&v->arena);
}

static bool is_jsonl_name(const char *name)
{
	size_t n = strlen(name);
	return strcmp(name, "-") == 0 || (n > 6 && strcmp(name + n - 6, ".jsonl") == 0);
}

/* A line of only JSON whitespace counts as blank. */
static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static void read_failed(const char *name, int err)
{
	fprintf(stderr, "lexc validate: cannot read %s: %s\n", name, strerror(err));
}

/* One value per line; blank lines are skipped. */
static bool validate_lines(validator *v, FILE *in, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	errno = 0;
	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (!is_blank(line, len))
			validate_one(v, line, len);
		errno = 0;
	}
	bool ok = !ferror(in);
	if (!ok)
		read_failed(name, errno != 0 ? errno : EIO);
	free(line);
	return ok;
}

static bool validate_document(validator *v, FILE *in, const char *name)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL) {
		fprintf(stderr, "lexc validate: %s: out of memory\n", name);
		return false;
	}
	size_t got;
	errno = 0;
	while ((got = fread(buf + len, 1, cap - len, in)) > 0) {
		len += got;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				fprintf(stderr, "lexc validate: %s: out of memory\n", name);
				return false;
			}
			buf = nb;
			cap *= 2;
		}
	}
	bool ok = !ferror(in);
	if (ok)
		validate_one(v, buf, len);
	else
		read_failed(name, errno != 0 ? errno : EIO);
	free(buf);
	return ok;
}

int lexc_cmd_validate(int argc, char **argv)
{
	validate_opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc < 0)
		return LEXC_EXIT_OK;
	if (rc != 0) {
		validate_usage(stderr);
		return LEXC_EXIT_USAGE;
	}
	schema_set *set = schema_set_new();
	set->allow_unresolved = o.allow_unresolved;
	for (size_t i = 0; i < o.n_dirs; i++)
		schema_set_add_path(set, o.dirs[i], false);
	size_t errors = schema_set_finish(set);
	if (errors == 0 && set->n_io_errors == 0 && o.allow_unresolved)
		diag_print(&set->diags, stderr); /* the unresolved refs' warnings */
	if (errors != 0 || set->n_io_errors != 0) {
		diag_print(&set->diags, stderr);
		fprintf(stderr, "lexc validate: the lexicons have %zu error(s)\n", errors);
		schema_set_free(set);
		return LEXC_EXIT_USAGE;
	}
	const schema_node *target = find_target(set, &o);
	lower *l = target != NULL ? lower_new(&set->arena) : NULL;
	validator v = {.type = l != NULL ? lower_node(l, target) : NULL};
	if (v.type == NULL) {
		if (target != NULL)
			fprintf(stderr, "lexc validate: %s does not describe JSON values\n", o.ref);
		schema_set_free(set);
		return LEXC_EXIT_USAGE;
	}
	lexc_arena_init(&v.arena);
	v.memory_limit = o.memory_limit;
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

	bool io_ok = true;
	if (o.n_files == 0) {
		io_ok = validate_lines(&v, stdin, "standard input");
	} else {
		for (int i = 0; i < o.n_files; i++) {
			const char *name = o.files[i];
			bool std = strcmp(name, "-") == 0;
			FILE *in = std ? stdin : fopen(name, "rb");
			if (in == NULL) {
				fprintf(stderr, "lexc validate: cannot open %s: %s\n", name,
				        strerror(errno));
				io_ok = false;
				continue;
			}
			io_ok &= o.lines || is_jsonl_name(name) ? validate_lines(&v, in, name)
			                                        : validate_document(&v, in, name);
			if (!std)
				fclose(in);
		}
	}
	/* Verdicts that never reached their reader must not look like success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "lexc validate: standard output: %s\n", strerror(errno));
		io_ok = false;
	}
	lexc_arena_free(&v.arena);
	schema_set_free(set);
	if (!io_ok)
		return LEXC_EXIT_USAGE;
	return v.invalid == 0 ? LEXC_EXIT_OK : LEXC_EXIT_INVALID;
}
