/* The server bindings of a query or procedure, in its header: the handler
 * type, a dispatcher, the registration function and one helper per declared
 * error (doc/generated-code.md, lexc/server.h).
 *
 * They are all static inline, so that a generated .c never refers to the
 * server's symbols: a program that uses the generated types without the
 * server (a client, a test) links without it. */
#include "config.h"

#include "emit_internal.h"

#include <stdlib.h>
#include <string.h>

bool emit_is_served(const schema_doc *doc, const schema_def *def)
{
	return def == doc->main &&
	       (def->node->kind == SCHEMA_QUERY || def->node->kind == SCHEMA_PROCEDURE);
}

emit_body_kind emit_body_kind_of(emit_ctx *c, const schema_body *b)
{
	if (b == NULL)
		return EMIT_BODY_NONE;
	if (b->schema != NULL && emit_lower(c, b->schema) != NULL)
		return EMIT_BODY_TYPED;
	return b->encoding != NULL ? EMIT_BODY_RAW : EMIT_BODY_NONE;
}

const char *emit_body_ctype(emit_ctx *c, const char *site, const char *role, const schema_body *b)
{
	switch (emit_body_kind_of(c, b)) {
	case EMIT_BODY_TYPED:
		/* A ref to something other than an object has no role alias. */
		if (b->schema->kind == SCHEMA_REF &&
		    emit_lower(c, b->schema)->kind != LEXC_KIND_OBJECT)
			return "void";
		return emit_join(c, site, role);
	case EMIT_BODY_RAW:
		return "lexc_body";
	default:
		return NULL;
	}
}

size_t emit_handler_params(emit_ctx *c, const char *site, const schema_node *n, const char **params)
{
	const schema_xrpc *x = &n->u.xrpc;
	size_t k = 0;
	params[k++] = "lexc_call *call";
	text *tmp = &c->scratch;
	if (x->parameters != NULL && emit_lower(c, x->parameters) != NULL)
		params[k++] = emit_dup(c, text_fmt(tmp, "const %s__params *params", site));
	const char *in = emit_body_ctype(c, site, "input", x->input);
	if (in != NULL) {
		text_reset(tmp);
		text_printf(tmp, "const %s *input", in);
		params[k++] = emit_dup(c, tmp->buf);
	}
	const char *out = emit_body_ctype(c, site, "output", x->output);
	if (out != NULL) {
		text_reset(tmp);
		text_printf(tmp, "%s *output", out);
		params[k++] = emit_dup(c, tmp->buf);
	}
	return k;
}

size_t emit_method_errors(emit_ctx *c, const schema_xrpc *x, const char **names, const char **ids)
{
	size_t n = 0;
	for (size_t i = 0; i < x->n_errors; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(x->errors[j].name, x->errors[i].name) == 0;
		if (dup)
			continue;
		names[n] = x->errors[i].name;
		if (ids != NULL) {
			char *id = names_ident(c->arena, names[n], strlen(names[n]));
			if (id == NULL)
				diag_out_of_memory();
			ids[n] = id;
		}
		n++;
	}
	return n;
}

/* The layout clang-format 14 gives "static inline lexc_status NAME(...)" for
 * the fixed parameter lists below, by the length of NAME: "L:S ..." means
 * shape S (text_func_head_as()) from length L on. Tabulated because
 * text_func_head()'s penalties, fitted to the typed wrappers, do not
 * predict these. */
static char head_shape(const char *table, size_t len)
{
	char shape = 'A';
	while (*table != '\0') {
		char *end;
		unsigned long from = strtoul(table, &end, 10);
		if (len < from || *end != ':')
			break;
		shape = end[1];
		table = end[2] == ' ' ? end + 3 : end + 2;
	}
	return shape;
}

/* "\tT handler = (T)lexc_call_handler_(call);" as clang-format breaks it. */
static void handler_local(text *out, const char *type)
{
	size_t w = 8 + strlen(type) + strlen(" handler = (") + strlen(type) +
	           strlen(")lexc_call_handler_(call);");
	if (w <= TEXT_COLUMNS) {
		text_printf(out, "\t%s handler = (%s)lexc_call_handler_(call);\n", type, type);
		return;
	}
	text_printf(out, "\t%s handler =\n", type);
	w = 16 + 1 + strlen(type) + strlen(")lexc_call_handler_(call);");
	if (w <= TEXT_COLUMNS)
		text_printf(out, "\t        (%s)lexc_call_handler_(call);\n", type);
	else
		text_printf(out, "\t        (%s)lexc_call_handler_(\n\t                call);\n",
		            type);
}

static void error_helper(text *out, const char *site, const char *name, const char *id, text *a,
                         text *b)
{
	const char *fn = text_fmt(b, "%s__error_%s", site, id);
	const char *params[] = {"lexc_call *call", "const char *fmt", "..."};
	size_t start = text_begin_construct(out);
	text_reset(a);
	text_printf(a, "Fails the call: 400 with \"error\": \"%s\" and the message.", name);
	text_comment(out, "", a->buf);
	char shape = head_shape("5:A 36:B 53:C 84:E", strlen(fn));
	text_func_head_as(out, "static inline lexc_status", fn, params, 3, shape);
	text_puts(out, "#if defined(__GNUC__)\n"
	               "        __attribute__((format(printf, 2, 3)))\n"
	               "#endif\n"
	               "        ;\n\n");
	text_func_head_as(out, "static inline lexc_status", fn, params, 3, shape);
	text_puts(out, "{\n\tva_list ap;\n\tva_start(ap, fmt);\n");
	const char *args[] = {"call", text_fmt(a, "%s__ERROR_%s", site, id), "fmt", "ap"};
	text_decl_call(out, "\t", "lexc_status st", "lexc_call_errorv(", args, 4, ");");
	text_puts(out, "\tva_end(ap);\n\treturn st;\n}\n");
	text_end_construct(out, start);
	text_putc(out, '\n');
}

void emit_server_bindings(emit_ctx *c, const schema_doc *doc, const char *site,
                          const schema_node *n, text *out)
{
	/* The header writer uses the context's first five scratch buffers. */
	text *a = &c->tmp[5], *b = &c->tmp[6], *d = &c->tmp[7];
	const schema_xrpc *x = &n->u.xrpc;
	const char *handler = emit_join(c, site, "handler");
	const char *dispatch = emit_join(c, site, "dispatch_");

	text_comment(out, "", "Server bindings (lexc/server.h).");
	text_decl2(out, "", "extern const lexc_method", text_fmt(a, "%s__method;", site));
	text_putc(out, '\n');

	/* The handler type. */
	const char *params[4];
	size_t np = emit_handler_params(c, site, n, params);
	text_reset(a);
	text_printf(a,
	            "A handler of %s: fills *output (allocated in lexc_call_arena()) and "
	            "returns LEXC_OK, or returns what lexc_call_fail()%s returns.",
	            doc->id, x->n_errors > 0 ? " or an error helper below" : "");
	if (emit_body_kind_of(c, x->input) == EMIT_BODY_RAW)
		text_puts(a, " The input is the request's body as sent.");
	if (emit_body_kind_of(c, x->output) == EMIT_BODY_RAW)
		text_puts(a, " The output is bytes the handler sets (data, len, content_type).");
	else if (emit_body_kind_of(c, x->output) == EMIT_BODY_NONE)
		text_puts(a, " The method has no output.");
	text_comment(out, "", a->buf);
	size_t start = text_begin_construct(out);
	text_func_type(out, text_fmt(a, "typedef lexc_status (*%s)(", handler), params, np, ");");
	text_end_construct(out, start);
	text_putc(out, '\n');

	/* The dispatcher: generic arguments to typed ones. */
	text_comment(out, "", "Internal: calls the registered handler with typed arguments.");
	start = text_begin_construct(out);
	const char *gparams[] = {"lexc_call *call", "const void *params", "const void *input",
	                         "void *output"};
	text_func_head_as(out, "static inline lexc_status", dispatch, gparams, 4,
	                  head_shape("5:B 55:C 64:D 74:C 81:E", strlen(dispatch)));
	text_puts(out, "{\n");
	handler_local(out, handler);
	/* Explicit casts from void *: C++ has no implicit conversion. */
	const char *cargs[4];
	size_t nc = 0;
	cargs[nc++] = "call";
	bool has_params = x->parameters != NULL && emit_lower(c, x->parameters) != NULL;
	if (has_params)
		cargs[nc++] = emit_dup(c, text_fmt(a, "(const %s__params *)params", site));
	else
		text_puts(out, "\t(void)params;\n");
	const char *in = emit_body_ctype(c, site, "input", x->input);
	if (in != NULL)
		cargs[nc++] = strcmp(in, "void") == 0
		                      ? "input"
		                      : emit_dup(c, text_fmt(a, "(const %s *)input", in));
	else
		text_puts(out, "\t(void)input;\n");
	const char *outt = emit_body_ctype(c, site, "output", x->output);
	if (outt != NULL)
		cargs[nc++] = strcmp(outt, "void") == 0
		                      ? "output"
		                      : emit_dup(c, text_fmt(a, "(%s *)output", outt));
	else
		text_puts(out, "\t(void)output;\n");
	text_call(out, "\t", "return handler(", cargs, nc, ");");
	text_puts(out, "}\n");
	text_end_construct(out, start);
	text_putc(out, '\n');

	/* Registration. */
	text_comment(out, "",
	             text_fmt(a,
	                      "Serves %s with `handler`, which gets `user` from "
	                      "lexc_call_user(). On failure `err` (may be NULL) says why.",
	                      doc->id));
	start = text_begin_construct(out);
	const char *rparams[] = {"lexc_server *server", text_fmt(b, "%s handler", handler),
	                         "void *user", "lexc_error *err"};
	const char *reg = text_fmt(d, "%s__register", site);
	text_func_head_as(out, "static inline lexc_status", reg, rparams, 4,
	                  head_shape("5:B 33:C 46:D 74:E", strlen(reg)));
	text_puts(out, "{\n");
	const char *all[] = {"server", text_fmt(a, "&%s__method", site),
	                     dispatch, "(void (*)(void))handler",
	                     "user",   "err"};
	text_call(out, "\t", "return lexc_server_register(", all, 6, ");");
	text_puts(out, "}\n");
	text_end_construct(out, start);
	text_putc(out, '\n');

	/* One helper per declared error. */
	const char **names = diag_xalloc(c->arena, (x->n_errors + 1) * sizeof *names);
	const char **ids = diag_xalloc(c->arena, (x->n_errors + 1) * sizeof *ids);
	size_t ne = emit_method_errors(c, x, names, ids);
	for (size_t i = 0; i < ne; i++)
		error_helper(out, site, names[i], ids[i], a, b);
}
