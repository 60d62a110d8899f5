/* `lexc stubs`: a server skeleton for the queries and procedures of a set of
 * lexicons (doc/generated-code.md, "Server stubs"). Handlers, main.c, the
 * Makefile and the README are the user's once written; handlers.h and
 * register_all.c list the methods and are rewritten as methods come. */
#include "config.h"

#include "emit_internal.h"

#include <lexc/version.h>

#include <stdlib.h>
#include <string.h>

static bool served(const schema_doc *doc)
{
	return doc->main != NULL && emit_is_served(doc, doc->main);
}

/* ---- A comment with lines of our own -------------------------------------------------- */

/* One line of a block comment: " * " + s, with comment delimiters and
 * trigraphs defused, wrapped at the last space before column 100. */
static void comment_line(text *out, const char *s, const char *cont)
{
	text line;
	text_init(&line);
	text_puts(&line, " *");
	if (s[0] != '\0')
		text_putc(&line, ' ');
	for (const char *p = s; *p != '\0'; p++) {
		if ((p[0] == '*' && p[1] == '/') || (p[0] == '/' && p[1] == '*') ||
		    (p[0] == '?' && p[1] == '?')) {
			text_putc(&line, p[0]);
			text_putc(&line, ' ');
		} else if ((unsigned char)*p < 0x20) {
			text_putc(&line, ' ');
		} else {
			text_putc(&line, *p);
		}
	}
	const char *rest = line.buf;
	size_t indent = 0;
	while (text_width(rest, strlen(rest), indent) > TEXT_COLUMNS) {
		size_t cut = 0;
		for (size_t i = 1; rest[i] != '\0'; i++)
			if (rest[i] == ' ' && i > 3 && text_width(rest, i, indent) <= TEXT_COLUMNS)
				cut = i;
		if (cut == 0)
			break;
		text_putn(out, rest, cut);
		text_putc(out, '\n');
		rest += cut + 1;
		text_puts(out, cont);
		indent = strlen(cont);
	}
	text_puts(out, rest);
	text_putc(out, '\n');
	text_free(&line);
}

/* ---- Handlers ----------------------------------------------------------------------- */

/* The C enum helpers of a string with enum or knownValues (or of the items
 * of an array of them), for the rules in parentheses: "; S__from_str()". */
static void enum_hint(emit_ctx *c, text *r, const lexc_type *t, bool fill)
{
	if (t != NULL && t->kind == LEXC_KIND_ARRAY)
		t = t->u.array.items;
	if (t == NULL || t->kind != LEXC_KIND_STRING ||
	    t->u.string.n_enum + t->u.string.n_known == 0)
		return;
	const emit_type *e = emit_lookup(c, t);
	if (e != NULL)
		text_printf(r, "; %s__%s()", e->site, fill ? "to_str" : "from_str");
}

/* The members of struct `e`, reached through `var` ("input"). A handler
 * reads its params and input member by member; it fills its output with
 * the setters and constructors, which keep presence and values together. */
static void member_lines(emit_ctx *c, text *out, const char *var, const emit_type *e, bool fill)
{
	const lexc_object_rules *o = &e->t->u.object;
	text *a = &c->tmp[5], *r = &c->tmp[6];
	if (o->n_fields == 0)
		comment_line(out, "  (no properties)", "");
	for (size_t k = 0; k < o->n_fields; k++) {
		size_t i = e->layout[k];
		const lexc_field *f = &o->fields[i];
		const char *m = e->members[i];
		const lexc_type *t = f->type;
		const char *item =
		        t != NULL && t->kind == LEXC_KIND_ARRAY && t->u.array.items != NULL
		                ? emit_value_ctype(c, t->u.array.items)
		                : "void";
		const char *ctype = t != NULL ? emit_value_ctype(c, t) : "lexc_str";
		text_reset(a);
		text_puts(a, "  ");
		if (fill && emit_has_setter(f)) {
			if (t != NULL && t->kind == LEXC_KIND_ARRAY)
				text_printf(a, "%s__set_%s(%s, %s *items, size_t count)", e->site,
				            m, var, item);
			else
				text_printf(a, "%s__set_%s(%s, %s%s)", e->site, m, var, ctype,
				            t != NULL && t->kind == LEXC_KIND_OBJECT ? " *" : "");
		} else {
			if (emit_field_has_flag(f))
				text_printf(a, "%s->has_%s, ", var, m);
			if (emit_field_nullable(f))
				text_printf(a, "%s->%s_is_null, ", var, m);
			if (t != NULL && t->kind == LEXC_KIND_ARRAY)
				text_printf(a, "%s->n_%s, %s->%s: %s *", var, m, var, m, item);
			else if (t != NULL && t->kind == LEXC_KIND_OBJECT)
				text_printf(a, "%s->%s: %s *", var, m, ctype);
			else
				text_printf(a, "%s->%s: %s", var, m, ctype);
		}
		text_reset(r);
		text_puts(r, emit_field_optional(f) ? "optional" : "required");
		if (emit_field_nullable(f))
			text_puts(r, ", nullable");
		if (t != NULL)
			emit_rules(c, r, t);
		enum_hint(c, r, t, fill);
		if (fill && t != NULL && t->kind == LEXC_KIND_OBJECT && !emit_field_optional(f))
			text_puts(r, "; allocated by the server");
		text_printf(a, " (%s)", r->buf);
		comment_line(out, a->buf, " *      ");
	}
}

/* What a handler gets or fills for one part of the method. */
static void part_lines(emit_ctx *c, text *out, const char *site, const char *role,
                       const schema_body *b, const schema_node *params)
{
	text *h = &c->tmp[7];
	const lexc_type *t = NULL;
	const char *encoding = b != NULL ? b->encoding : NULL;
	if (params != NULL) {
		t = emit_lower(c, params);
	} else {
		emit_body_kind k = emit_body_kind_of(c, b);
		if (k == EMIT_BODY_NONE)
			return;
		if (k == EMIT_BODY_RAW) {
			comment_line(out, "", "");
			text_reset(h);
			if (strcmp(role, "input") == 0)
				text_printf(h,
				            "input (lexc_body, %s): the request's bytes in "
				            "input->data, input->len; input->content_type as sent.",
				            encoding);
			else
				text_printf(
				        h,
				        "output (lexc_body, %s): set output->data, output->len "
				        "and output->content_type (may stay NULL when the lexicon "
				        "names one exact encoding).",
				        encoding);
			comment_line(out, h->buf, " *   ");
			return;
		}
		t = emit_lower(c, b->schema);
	}
	const emit_type *e = emit_lookup(c, t);
	comment_line(out, "", "");
	text_reset(h);
	text_printf(h, "%s (%s__%s", role, site, role);
	if (encoding != NULL)
		text_printf(h, ", %s", encoding);
	text_puts(h, "):");
	if (t != NULL && t->kind == LEXC_KIND_UNION && e != NULL) {
		bool in = strcmp(role, "input") == 0;
		if (in)
			text_puts(h, " a union; the accessor of its variant returns it, the others "
			             "NULL:");
		else
			text_puts(h, " a union; set one variant, made with its V__new(arena):");
		comment_line(out, h->buf, " *   ");
		for (size_t i = 0; i < t->u.union_.n_variants; i++) {
			const emit_type *v = emit_lookup(c, t->u.union_.variants[i].type);
			text_reset(h);
			if (in)
				text_printf(h, "    %s__%s__as_%s(input)", site, role,
				            e->variants[i]);
			else
				text_printf(h, "    %s__%s__set_%s(output, %s *)", site, role,
				            e->variants[i], v != NULL ? v->site : "void");
			comment_line(out, h->buf, " *        ");
		}
		return;
	}
	comment_line(out, h->buf, " *   ");
	if (t != NULL && t->kind == LEXC_KIND_OBJECT && e != NULL && e->members != NULL)
		member_lines(c, out, role, e, strcmp(role, "output") == 0);
}

/* The documents whose structs a handler allocates to fill its output: the
 * output's own type and those of its members (array items and union
 * variants included), one level down; their headers declare T__new. */
typedef struct doc_list {
	const schema_doc *items[64];
	size_t n;
} doc_list;

static void note_doc(emit_ctx *c, doc_list *l, const schema_doc *self, const lexc_type *t)
{
	if (t != NULL && t->kind == LEXC_KIND_ARRAY)
		t = t->u.array.items;
	if (t != NULL && t->kind == LEXC_KIND_UNION) {
		for (size_t i = 0; i < t->u.union_.n_variants; i++)
			note_doc(c, l, self, t->u.union_.variants[i].type);
		return;
	}
	const emit_type *e = emit_lookup(c, t);
	if (e == NULL || t->kind != LEXC_KIND_OBJECT || e->doc == self)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i] == e->doc)
			return;
	if (l->n < sizeof l->items / sizeof l->items[0])
		l->items[l->n++] = e->doc;
}

static int doc_id_cmp(const void *a, const void *b)
{
	return strcmp((*(const schema_doc *const *)a)->id, (*(const schema_doc *const *)b)->id);
}

static void output_includes(emit_ctx *c, const schema_doc *doc, const schema_body *b, text *out)
{
	if (emit_body_kind_of(c, b) != EMIT_BODY_TYPED)
		return;
	doc_list l = {{NULL}, 0};
	const lexc_type *t = emit_lower(c, b->schema);
	note_doc(c, &l, doc, t);
	if (t->kind == LEXC_KIND_OBJECT)
		for (size_t i = 0; i < t->u.object.n_fields; i++)
			note_doc(c, &l, doc, t->u.object.fields[i].type);
	if (l.n > 1)
		qsort(l.items, l.n, sizeof l.items[0], doc_id_cmp);
	for (size_t i = 0; i < l.n; i++)
		text_printf(out, "#include \"%s.h\"\n", emit_doc_path(c, l.items[i]));
}

void emit_stub_handler(emit_ctx *c, const schema_doc *doc, text *out)
{
	const schema_node *n = doc->main->node;
	const schema_xrpc *x = &n->u.xrpc;
	const char *site = emit_doc_name(c, doc);
	text *a = &c->tmp[0], *b = &c->tmp[1];

	text_reset(a);
	text_printf(a,
	            "handlers/%s.c: the %s %s. Written by lexc stubs %s as a starting point; "
	            "it is yours now: lexc stubs never overwrites it.",
	            site, schema_kind_name(n->kind), doc->id, LEXC_VERSION_STRING);
	const char *paras[] = {a->buf, n->description};
	text_comment_paras(out, "", paras, 2);
	text_puts(out, "/* What the lexicon gives the handler and expects of it:\n");
	part_lines(c, out, site, "params", NULL, x->parameters);
	part_lines(c, out, site, "input", x->input, NULL);
	part_lines(c, out, site, "output", x->output, NULL);
	if (emit_body_kind_of(c, x->output) == EMIT_BODY_TYPED)
		comment_line(
		        out,
		        "Fill *output and return LEXC_OK. It starts zeroed, with its defaults set "
		        "and its required objects allocated. Allocate in "
		        "arena = lexc_call_arena(call), freed after the response: T__new(arena) "
		        "makes a struct with its defaults, T__set_x() sets an optional member "
		        "and its presence (a null string: absent); strings: LEXC_STR(\"literal\"), "
		        "lexc_str_borrow(cstr), lexc_str_copy(arena, s), "
		        "lexc_str_printf(arena, fmt, ...).",
		        " * ");
	const char **names = diag_xalloc(c->arena, (x->n_errors + 1) * sizeof *names);
	const char **ids = diag_xalloc(c->arena, (x->n_errors + 1) * sizeof *ids);
	size_t ne = emit_method_errors(c, x, names, ids);
	comment_line(out, "", "");
	if (ne > 0) {
		comment_line(out, "errors the lexicon declares (400 with that name):", "");
		for (size_t i = 0; i < ne; i++) {
			text_reset(b);
			text_printf(b, "  return %s__error_%s(call, \"...\");", site, ids[i]);
			comment_line(out, b->buf, " *      ");
		}
	}
	comment_line(out,
	             "Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, \"...\") and "
	             "the like (lexc/error.h lists the codes).",
	             " * ");
	text_puts(out, " */\n");
	text_printf(out, "#include \"handlers.h\"\n\n#include \"%s.h\"\n", emit_doc_path(c, doc));
	output_includes(c, doc, x->output, out);
	text_putc(out, '\n');

	const char *params[4];
	size_t np = emit_handler_params(c, site, n, params);
	text_func_head(out, "lexc_status", emit_join(c, site, "handle"), params, np);
	text_puts(out, "{\n");
	if (x->parameters != NULL && emit_lower(c, x->parameters) != NULL)
		text_puts(out, "\t(void)params;\n");
	if (emit_body_kind_of(c, x->input) != EMIT_BODY_NONE)
		text_puts(out, "\t(void)input;\n");
	if (emit_body_kind_of(c, x->output) != EMIT_BODY_NONE)
		text_puts(out, "\t(void)output;\n");
	text_reset(b);
	text_printf(b, "\"%s is not implemented yet\"", doc->id);
	const char *args[] = {"call", "LEXC_METHOD_NOT_IMPLEMENTED", b->buf};
	text_call(out, "\t", "return lexc_call_fail(", args, 3, ");");
	text_puts(out, "}\n");
}

/* ---- The other files --------------------------------------------------------------------- */

static const char main_c[] =
        "/* main.c: the server. Written by lexc stubs as a starting point; it is yours now: lexc "
        "stubs\n"
        " * never overwrites it. The handlers are registered by register_all() "
        "(register_all.c, which\n"
        " * lexc stubs rewrites when methods are added). To authenticate callers, set "
        "cfg.auth (see\n"
        " * lexc/server.h). */\n"
        "#include \"handlers.h\"\n"
        "\n"
        "/* lexc gen --docs writes lexc_docs.h: the lexicons' pages, served at /docs/. */\n"
        "#if defined(__has_include)\n"
        "#if __has_include(\"lexc_docs.h\")\n"
        "#include \"lexc_docs.h\"\n"
        "#define SERVE_DOCS 1\n"
        "#endif\n"
        "#endif\n"
        "\n"
        "#include <stdio.h>\n"
        "#include <stdlib.h>\n"
        "#include <string.h>\n"
        "\n"
        "static void usage(FILE *out, const char *argv0)\n"
        "{\n"
        "\tfprintf(out,\n"
        "\t        \"usage: %s [--address ADDR] [--port PORT] [--threads N]\\n\\n\"\n"
        "\t        \"  --address ADDR  IPv4 or IPv6 address to listen on (default "
        "127.0.0.1)\\n\"\n"
        "\t        \"  --port PORT     TCP port (default 0: any free port)\\n\"\n"
        "\t        \"  --threads N     worker threads (default 0: one per core)\\n\"\n"
        "\t        \"  --help          print this help\\n\",\n"
        "\t        argv0);\n"
        "}\n"
        "\n"
        "/* The value of option `name` at argv[*i] (\"--port 80\" or \"--port=80\"), or NULL. "
        "*/\n"
        "static const char *option(int argc, char **argv, int *i, const char *name)\n"
        "{\n"
        "\tsize_t n = strlen(name);\n"
        "\tif (strncmp(argv[*i], name, n) != 0)\n"
        "\t\treturn NULL;\n"
        "\tif (argv[*i][n] == '=')\n"
        "\t\treturn argv[*i] + n + 1;\n"
        "\tif (argv[*i][n] == '\\0' && *i + 1 < argc)\n"
        "\t\treturn argv[++*i];\n"
        "\treturn NULL;\n"
        "}\n"
        "\n"
        "/* A decimal number up to `max`, into *out. */\n"
        "static int number(const char *s, unsigned long max, unsigned long *out)\n"
        "{\n"
        "\tchar *end;\n"
        "\tif (s == NULL || *s < '0' || *s > '9')\n"
        "\t\treturn 0;\n"
        "\t*out = strtoul(s, &end, 10);\n"
        "\treturn *end == '\\0' && *out <= max;\n"
        "}\n"
        "\n"
        "int main(int argc, char **argv)\n"
        "{\n"
        "\tlexc_server_config cfg;\n"
        "\tlexc_server_config_init(&cfg);\n"
        "\t/* The access log, one line per request, written as it happens. */\n"
        "\tcfg.access_log = stdout;\n"
        "\tsetvbuf(stdout, NULL, _IOLBF, 0);\n"
        "\tfor (int i = 1; i < argc; i++) {\n"
        "\t\tconst char *v;\n"
        "\t\tunsigned long n;\n"
        "\t\tif (strcmp(argv[i], \"--help\") == 0 || strcmp(argv[i], \"-h\") == 0) {\n"
        "\t\t\tusage(stdout, argv[0]);\n"
        "\t\t\treturn 0;\n"
        "\t\t} else if ((v = option(argc, argv, &i, \"--address\")) != NULL) {\n"
        "\t\t\tcfg.address = v;\n"
        "\t\t} else if ((v = option(argc, argv, &i, \"--port\")) != NULL && "
        "number(v, 65535, &n)) {\n"
        "\t\t\tcfg.port = (uint16_t)n;\n"
        "\t\t} else if ((v = option(argc, argv, &i, \"--threads\")) != NULL &&\n"
        "\t\t           number(v, 1024, &n)) {\n"
        "\t\t\tcfg.threads = (unsigned)n;\n"
        "\t\t} else {\n"
        "\t\t\tfprintf(stderr, \"%s: bad argument '%s'\\n\", argv[0], argv[i]);\n"
        "\t\t\tusage(stderr, argv[0]);\n"
        "\t\t\treturn 2;\n"
        "\t\t}\n"
        "\t}\n"
        "\n"
        "\tlexc_error err;\n"
        "\tlexc_error_clear(&err);\n"
        "\tlexc_server *server = lexc_server_new(&cfg, lexc_methods, lexc_methods_count, "
        "&err);\n"
        "\tif (server == NULL) {\n"
        "\t\tfprintf(stderr, \"%s: %s\\n\", argv[0], err.message);\n"
        "\t\treturn 1;\n"
        "\t}\n"
        "\tlexc_status st = register_all(server, NULL, &err);\n"
        "#ifdef SERVE_DOCS\n"
        "\t/* The lexicons' pages at /docs/, with \"Try it\" and \"Validate record\". */\n"
        "\tif (st == LEXC_OK)\n"
        "\t\tst = lexc_server_serve_docs(server, &lexc_docs, &err);\n"
        "#endif\n"
        "\tif (st == LEXC_OK)\n"
        "\t\tst = lexc_server_run(server, &err);\n"
        "\tif (st != LEXC_OK)\n"
        "\t\tfprintf(stderr, \"%s: %s: %s\\n\", argv[0], lexc_status_name(st), "
        "err.message);\n"
        "\tlexc_server_free(server);\n"
        "\treturn st == LEXC_OK ? 0 : 1;\n"
        "}\n";

/* The Makefile, around the LEXICONS line (the paths lexc stubs was given,
 * from the skeleton's directory). */
static const char makefile_head[] =
        "# Makefile: written by lexc stubs as a starting point; it is yours now: lexc stubs "
        "never\n"
        "# overwrites it. `make` is the whole loop: it runs lexc gen when a lexicon changes and\n"
        "# lexc stubs for new methods, then builds ./server from main.c, register_all.c,\n"
        "# handlers/*.c and the generated C, with liblexc found by pkg-config.\n"
        "LEXC ?= lexc\n";
static const char makefile_tail[] =
        "GENERATED ?= generated\n"
        "PKG_CONFIG ?= pkg-config\n"
        "CFLAGS ?= -O2 -g -Wall -Wextra\n"
        "LEXC_CFLAGS := $(shell $(PKG_CONFIG) --cflags liblexc)\n"
        "LEXC_LIBS := $(shell $(PKG_CONFIG) --libs liblexc)\n"
        "\n"
        "# lexc gen's dependency file is the stamp of the generated code: it names every\n"
        "# lexicon file and directory lexc gen read, so make remakes it (running lexc gen and\n"
        "# lexc stubs) when one changes or a document is added, then reads this Makefile again\n"
        "# and the lists below see the new files. lexc gen rewrites only the files whose\n"
        "# content changed, and each object depends on the headers it includes (-MMD), so\n"
        "# only what a change touches is recompiled.\n"
        ".DEFAULT_GOAL := server\n"
        "DEPFILE := $(GENERATED)/.lexicons.d\n"
        "$(DEPFILE):\n"
        "\t$(LEXC) gen --docs -o $(GENERATED) --depfile $@ --depfile-target $@ $(LEXICONS)\n"
        "\t$(LEXC) stubs -o . $(LEXICONS)\n"
        "include $(DEPFILE)\n"
        "\n"
        "SRCS := main.c register_all.c $(wildcard handlers/*.c) \\\n"
        "\t$(shell find $(GENERATED) -name '*.c' 2>/dev/null | LC_ALL=C sort)\n"
        "OBJS := $(SRCS:.c=.o)\n"
        "\n"
        "server: $(OBJS)\n"
        "\t$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LEXC_LIBS) $(LDLIBS)\n"
        "\n"
        "%.o: %.c\n"
        "\t$(CC) -std=c11 -MMD -MP $(CPPFLAGS) -I. -I$(GENERATED) $(LEXC_CFLAGS) $(CFLAGS) -c "
        "-o $@ $<\n"
        "\n"
        "-include $(OBJS:.o=.d)\n"
        "\n"
        "clean:\n"
        "\trm -f server $(OBJS) $(OBJS:.o=.d)\n"
        "\n"
        ".PHONY: clean\n";

static const char readme[] =
        "# An XRPC server skeleton\n"
        "\n"
        "Written by `lexc stubs` (see lexc(1)). Build and run, in this directory, with\n"
        "liblexc installed where pkg-config finds it:\n"
        "\n"
        "    make && ./server --port 8080\n"
        "\n"
        "With `--docs`, the server documents itself: http://127.0.0.1:8080/docs/ has a page\n"
        "per lexicon with \"Try it\" and \"Validate record\" forms (see lexc(1)).\n"
        "\n"
        "- `handlers/M.c`: one handler per query and procedure. They answer 501 until you\n"
        "  fill them in; the comment on top lists the method's params, input, output and\n"
        "  error helpers.\n"
        "- `main.c`, `Makefile`, this README: yours to change.\n"
        "- `handlers.h`, `register_all.c`: the list of methods; do not edit them.\n"
        "\n"
        "`make` runs `lexc gen --docs` whenever a lexicon changes (and the first time) and\n"
        "`lexc stubs` for new methods: it writes the new handler, rewrites `handlers.h` and\n"
        "`register_all.c`, and never touches a file of yours that exists. Edit a lexicon,\n"
        "`make`, run.\n";

static const char *const stub_files[EMIT_STUB_FILES] = {
        "handlers.h", "register_all.c", "main.c", "Makefile", "README.md",
};

const char *emit_stub_file_name(int f)
{
	return stub_files[f];
}

static void handlers_h(emit_ctx *c, const schema_doc *const *docs, size_t n, text *out)
{
	text *a = &c->tmp[0];
	text_comment(out, "",
	             text_fmt(a,
	                      "handlers.h: written by lexc stubs %s: the handler of every "
	                      "query and procedure, one per file in handlers/. Do not edit: "
	                      "lexc stubs rewrites it when methods are added.",
	                      LEXC_VERSION_STRING));
	text_puts(out, "#ifndef LEXC_STUBS_HANDLERS_H\n#define LEXC_STUBS_HANDLERS_H\n\n"
	               "#include <lexc/lexc.h>\n#include <lexc/server.h>\n\n"
	               "#include \"lexc_methods.h\"\n");
	for (size_t i = 0; i < n; i++)
		if (served(docs[i]))
			text_printf(out, "#include \"%s.h\"\n", emit_doc_path(c, docs[i]));
	text_putc(out, '\n');
	for (size_t i = 0; i < n; i++) {
		if (!served(docs[i]))
			continue;
		const char *site = emit_doc_name(c, docs[i]);
		const char *params[4];
		size_t np = emit_handler_params(c, site, docs[i]->main->node, params);
		text *h = &c->tmp[1];
		text_reset(h);
		text_puts(h, emit_join(c, site, "handle"));
		text_func_decl(out, "lexc_status", h->buf, params, np);
	}
	text_puts(out,
	          "\n/* Registers every handler above with `server`; each gets `user` from "
	          "lexc_call_user().\n * Stops at the first failure, which `err` (may be NULL) "
	          "describes. */\n"
	          "lexc_status register_all(lexc_server *server, void *user, lexc_error *err);\n\n"
	          "#endif /* LEXC_STUBS_HANDLERS_H */\n");
}

static void register_all_c(emit_ctx *c, const schema_doc *const *docs, size_t n, text *out)
{
	text *a = &c->tmp[0];
	text_comment(out, "",
	             text_fmt(a,
	                      "register_all.c: written by lexc stubs %s. Do not edit: lexc "
	                      "stubs rewrites it when methods are added.",
	                      LEXC_VERSION_STRING));
	text_puts(out,
	          "#include \"handlers.h\"\n\n"
	          "lexc_status register_all(lexc_server *server, void *user, lexc_error *err)\n{\n"
	          "\tlexc_status st = LEXC_OK;\n");
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!served(docs[i]))
			continue;
		const char *site = emit_doc_name(c, docs[i]);
		text_puts(out, "\tif (st == LEXC_OK)\n");
		const char *args[] = {"server", emit_join(c, site, "handle"), "user", "err"};
		text_assign_call(out, "\t\t", text_fmt(a, "st = %s__register(", site), args, 4,
		                 ");");
		k++;
	}
	if (k == 0)
		text_puts(out, "\t(void)server;\n\t(void)user;\n\t(void)err;\n");
	text_puts(out, "\treturn st;\n}\n");
}

bool emit_stub_file(emit_ctx *c, int f, const schema_doc *const *docs, size_t n, text *out)
{
	switch (f) {
	case 0:
		handlers_h(c, docs, n, out);
		return false;
	case 1:
		register_all_c(c, docs, n, out);
		return false;
	case 2:
		text_puts(out, main_c);
		return true;
	case 3:
		text_puts(out, makefile_head);
		text_printf(out, "LEXICONS ?= %s\n",
		            c->stub_lexicons != NULL ? c->stub_lexicons : "lexicons");
		text_puts(out, makefile_tail);
		return true;
	default:
		text_puts(out, readme);
		return true;
	}
}
