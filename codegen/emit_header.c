/* The header of one lexicon document: structs, descriptor declarations,
 * typed wrappers, union accessors and constants (doc/generated-code.md). */
#include "config.h"

#include "emit_internal.h"

#include <lexc/version.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct header {
	emit_ctx *c;
	const schema_doc *doc;
	text *out;
	/* scratch (the context's): pieces of a line, comments, and more */
	text *line, *rules, *a, *b, *lit;
	bool needs_string_h; /* memcmp() in S__from_str() */
} header;

/* ---- Forward declarations -------------------------------------------------- */

typedef struct name_list {
	const char **items;
	size_t n, cap;
} name_list;

static void list_add(name_list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		l->items = realloc(l->items, l->cap * sizeof *l->items);
		if (l->items == NULL)
			diag_out_of_memory();
	}
	l->items[l->n++] = s;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct forward {
	const schema_doc *doc;
	name_list own, foreign;
} forward;

static void note_struct(emit_ctx *c, forward *f, const lexc_type *t)
{
	const emit_type *e = emit_lookup(c, t);
	if (e != NULL && e->t->kind == LEXC_KIND_OBJECT && e->doc != f->doc)
		list_add(&f->foreign, e->site);
}

static void collect_structs(emit_ctx *c, const emit_type *e, void *arg)
{
	forward *f = arg;
	const lexc_type *t = e->t;
	if (t->kind == LEXC_KIND_OBJECT) {
		list_add(&f->own, e->site);
		for (size_t i = 0; i < t->u.object.n_fields; i++) {
			const lexc_type *ft = t->u.object.fields[i].type;
			note_struct(c, f, ft);
			if (ft != NULL && ft->kind == LEXC_KIND_ARRAY)
				note_struct(c, f, ft->u.array.items);
		}
	} else if (t->kind == LEXC_KIND_UNION) {
		for (size_t i = 0; i < t->u.union_.n_variants; i++)
			note_struct(c, f, t->u.union_.variants[i].type);
	}
}

static void collect_body_alias(emit_ctx *c, forward *f, const schema_body *b)
{
	if (b != NULL && b->schema != NULL && b->schema->kind == SCHEMA_REF)
		note_struct(c, f, emit_lower(c, b->schema));
}

static void forward_declarations(header *h)
{
	forward f = {h->doc, {NULL, 0, 0}, {NULL, 0, 0}};
	for (size_t i = 0; i < h->doc->n_defs; i++) {
		const schema_node *n = h->doc->defs[i].node;
		if (n->kind == SCHEMA_QUERY || n->kind == SCHEMA_PROCEDURE ||
		    n->kind == SCHEMA_SUBSCRIPTION) {
			emit_walk(h->c, n->u.xrpc.parameters, false, collect_structs, &f);
			const schema_body *bodies[] = {n->u.xrpc.input, n->u.xrpc.output,
			                               n->u.xrpc.message};
			for (size_t k = 0; k < 3; k++) {
				if (bodies[k] == NULL)
					continue;
				emit_walk(h->c, bodies[k]->schema, false, collect_structs, &f);
				collect_body_alias(h->c, &f, bodies[k]);
			}
		} else {
			emit_walk(h->c, n, false, collect_structs, &f);
		}
	}
	if (f.foreign.n > 1)
		qsort(f.foreign.items, f.foreign.n, sizeof *f.foreign.items, str_cmp);
	if (f.own.n + f.foreign.n > 0) {
		for (size_t i = 0; i < f.own.n; i++)
			text_decl2(h->out, "",
			           text_fmt(h->line, "typedef struct %s", f.own.items[i]),
			           text_fmt(h->rules, "%s;", f.own.items[i]));
		for (size_t i = 0; i < f.foreign.n; i++) {
			if (i > 0 && strcmp(f.foreign.items[i], f.foreign.items[i - 1]) == 0)
				continue;
			text_decl2(h->out, "",
			           text_fmt(h->line, "typedef struct %s", f.foreign.items[i]),
			           text_fmt(h->rules, "%s;", f.foreign.items[i]));
		}
		text_putc(h->out, '\n');
	}
	free(f.own.items);
	free(f.foreign.items);
}

/* ---- Structs ------------------------------------------------------------------ */

/* "required, format uri", "optional, nullable, maxLength 100". */
static const char *member_rules(header *h, const lexc_field *f)
{
	text_reset(h->rules);
	text_puts(h->rules, f->flags & LEXC_FIELD_OPTIONAL ? "optional" : "required");
	if (f->flags & LEXC_FIELD_NULLABLE)
		text_puts(h->rules, ", nullable");
	/* A ref to a def that is not an object: name it (objects name
	 * themselves through their C type). */
	const emit_type *e = emit_lookup(h->c, f->type);
	if (e != NULL && e->is_def && f->type->kind != LEXC_KIND_OBJECT)
		text_printf(h->rules, ", %s", e->label);
	if (f->type != NULL)
		emit_rules(h->c, h->rules, f->type);
	return h->rules->buf;
}

static void member(header *h, const char *ctype, const char *name)
{
	text_decl2(h->out, "\t", ctype, text_fmt(h->line, "%s;", name));
}

static void struct_members(header *h, const emit_type *e)
{
	const lexc_object_rules *o = &e->t->u.object;
	for (size_t k = 0; k < o->n_fields; k++) {
		size_t i = e->layout[k];
		const lexc_field *f = &o->fields[i];
		const char *name = e->members[i];
		const schema_prop *p = e->props[i];
		const char *paras[2] = {p != NULL ? p->type->description : NULL,
		                        member_rules(h, f)};
		text_comment_paras(h->out, "\t", paras, 2);
		if (lexc_field_has_presence(f))
			text_printf(h->out, "\tbool has_%s;\n", name);
		if (f->flags & LEXC_FIELD_NULLABLE)
			text_printf(h->out, "\tbool %s_is_null;\n", name);
		if (f->type != NULL && f->type->kind == LEXC_KIND_ARRAY) {
			text_printf(h->out, "\tsize_t n_%s;\n", name);
			const char *item = f->type->u.array.items != NULL
			                           ? emit_value_ctype(h->c, f->type->u.array.items)
			                           : "void";
			member(h, item, text_fmt(h->a, "*%s", name));
		} else if (f->type != NULL && f->type->kind == LEXC_KIND_OBJECT) {
			member(h, emit_value_ctype(h->c, f->type), text_fmt(h->a, "*%s", name));
		} else {
			member(h, f->type != NULL ? emit_value_ctype(h->c, f->type) : "lexc_str",
			       name);
		}
	}
	text_comment(h->out, "\t", "Properties the lexicon does not declare, kept as raw JSON.");
	text_puts(h->out, "\tlexc_extra _extra;\n");
}

static void extern_type(header *h, const char *cname)
{
	text_decl2(h->out, "", "extern const lexc_type", text_fmt(h->line, "%s;", cname));
}

/* The typed wrappers of struct type `s` whose descriptor is `cname`. */
static void wrappers(header *h, const char *s, const char *cname)
{
	text *o = h->out;
	text *a = h->a, *b = h->b;

	text_reset(a);
	text_printf(a, "%s *out", s);
	const char *dparams[] = {"const char *json", "size_t len", "lexc_arena *arena", a->buf,
	                         "lexc_error *err"};
	text_func_head(o, "static inline lexc_status", text_fmt(b, "%s__decode", s), dparams, 5);
	text_puts(o, "{\n");
	text_reset(a);
	text_printf(a, "&%s", cname);
	const char *dargs[] = {a->buf, "json", "len", "arena", "out", "err"};
	text_call(o, "\t", "return lexc_decode(", dargs, 6, ");");
	text_puts(o, "}\n");
	text_putc(o, '\n');

	text_reset(a);
	text_printf(a, "const %s *value", s);
	const char *eparams[] = {a->buf, "lexc_json_writer *w", "lexc_error *err"};
	text_func_head(o, "static inline lexc_status", text_fmt(b, "%s__encode", s), eparams, 3);
	text_puts(o, "{\n");
	text_reset(a);
	text_printf(a, "&%s", cname);
	const char *eargs[] = {a->buf, "value", "w", "err"};
	text_call(o, "\t", "return lexc_encode(", eargs, 4, ");");
	text_puts(o, "}\n");
	text_putc(o, '\n');

	text_reset(a);
	text_printf(a, "const %s *value", s);
	const char *sparams[] = {a->buf, "lexc_arena *arena", "lexc_str *out", "lexc_error *err"};
	text_func_head(o, "static inline lexc_status", text_fmt(b, "%s__encode_string", s), sparams,
	               4);
	text_puts(o, "{\n");
	text_reset(a);
	text_printf(a, "&%s", cname);
	const char *sargs[] = {a->buf, "value", "arena", "out", "err"};
	text_call(o, "\t", "return lexc_encode_to_string(", sargs, 5, ");");
	text_puts(o, "}\n");
	text_putc(o, '\n');

	text_reset(a);
	text_printf(a, "const %s *value", s);
	const char *vparams[] = {a->buf, "lexc_error *err"};
	text_func_head(o, "static inline lexc_status", text_fmt(b, "%s__validate", s), vparams, 2);
	text_puts(o, "{\n");
	text_reset(a);
	text_printf(a, "&%s", cname);
	const char *vargs[] = {a->buf, "value", "err"};
	text_call(o, "\t", "return lexc_validate(", vargs, 3, ");");
	text_puts(o, "}\n");
	text_putc(o, '\n');
}

/* ---- Constructors and setters ------------------------------------------------------ */

bool emit_has_setter(const lexc_field *f)
{
	return emit_field_optional(f) || emit_field_counted(f);
}

/* The default decoding applies to field `f` when it is absent (decode.c's
 * apply_default): only optional booleans, integers and strings have one. */
static bool has_default(const lexc_field *f)
{
	const lexc_type *t = f->type;
	if (!emit_field_optional(f) || t == NULL)
		return false;
	return (t->kind == LEXC_KIND_STRING && t->u.string.has_default) ||
	       (t->kind == LEXC_KIND_INTEGER && t->u.integer.has_default) ||
	       (t->kind == LEXC_KIND_BOOLEAN && t->u.boolean.has_default);
}

/* A C string literal for s[0..n) in `lit`. */
static const char *c_literal(text *lit, const char *s, size_t n)
{
	text_reset(lit);
	text_putc(lit, '"');
	text_c_string(lit, s, n);
	text_putc(lit, '"');
	return lit->buf;
}

/* "p->m.ptr = \"...\"; p->m.len = N;" for a lexc_str member `m`. */
static void set_str(header *h, const char *indent, const char *lhs, const lexc_str *v)
{
	text_stmt_assign(h->out, indent, text_fmt(h->b, "%s.ptr", lhs),
	                 c_literal(h->lit, v->ptr != NULL ? v->ptr : "", v->len));
	text_printf(h->out, "%s%s.len = %zu;\n", indent, lhs, v->len);
}

static void set_default(header *h, const emit_type *e, size_t i)
{
	const lexc_field *f = &e->t->u.object.fields[i];
	const lexc_type *t = f->type;
	const char *m = e->members[i];
	if (emit_field_has_flag(f))
		text_stmt_assign(h->out, "\t", text_fmt(h->a, "v->has_%s", m), "true");
	const char *lhs = text_fmt(h->a, "v->%s", m);
	if (t->kind == LEXC_KIND_STRING) {
		set_str(h, "\t", lhs, &t->u.string.default_value);
	} else if (t->kind == LEXC_KIND_INTEGER) {
		int64_t d = t->u.integer.default_value;
		text_stmt_assign(h->out, "\t", lhs,
		                 d == INT64_MIN ? "INT64_MIN" : text_fmt(h->b, "%" PRId64, d));
	} else {
		text_stmt_assign(h->out, "\t", lhs, t->u.boolean.default_value ? "true" : "false");
	}
}

/* T__new(arena): zeroed, with the defaults decoding applies. The pointer
 * comes through a void * so that no line names T twice (clang-format
 * breaks a cast of a call unpredictably) and C++ compiles it. */
static void constructor(header *h, const emit_type *e)
{
	text *o = h->out;
	const char *s = e->site;
	const lexc_object_rules *r = &e->t->u.object;
	size_t start = text_begin_construct(o);
	const char *params[] = {"lexc_arena *arena"};
	text_func_head(o, text_fmt(h->a, "static inline %s *", s), text_fmt(h->b, "%s__new", s),
	               params, 1);
	text_printf(o, "{\n\t%s *v;\n\tvoid *p = lexc_arena_calloc(arena, 1, sizeof *v);\n", s);
	bool defaults = false;
	for (size_t i = 0; i < r->n_fields && !defaults; i++)
		defaults = has_default(&r->fields[i]);
	if (defaults)
		text_puts(o, "\tif (p == NULL)\n\t\treturn NULL;\n");
	text_printf(o, "\tv = (%s *)p;\n", s);
	for (size_t k = 0; k < r->n_fields; k++)
		if (has_default(&r->fields[e->layout[k]]))
			set_default(h, e, e->layout[k]);
	text_puts(o, "\treturn v;\n}\n");
	text_end_construct(o, start);
	text_putc(o, '\n');
}

/* T__set_m(v, value) for an optional property, T__set_m(v, items, count)
 * for an array: the value and what says it is there, together. The
 * members come from lower.c's layout: a presence flag only where it put
 * one (an optional object may have none, its pointer being its presence). */
static void setter(header *h, const emit_type *e, size_t i)
{
	text *o = h->out;
	const lexc_field *f = &e->t->u.object.fields[i];
	const lexc_type *t = f->type;
	const char *m = e->members[i];
	bool array = emit_field_counted(f);
	bool object = t != NULL && t->kind == LEXC_KIND_OBJECT;
	const char *ctype = t == NULL ? "lexc_str" : emit_value_ctype(h->c, t);
	if (array)
		ctype = t->u.array.items != NULL ? emit_value_ctype(h->c, t->u.array.items)
		                                 : "void";
	text *p0 = &h->c->scratch;
	const char *params[3] = {emit_dup(h->c, text_fmt(p0, "%s *v", e->site)), NULL,
	                         "size_t count"};
	if (array || object)
		params[1] =
		        emit_dup(h->c, text_fmt(p0, "%s *%s", ctype, array ? "items" : "value"));
	else
		params[1] = emit_dup(h->c, text_fmt(p0, "%s value", ctype));
	size_t start = text_begin_construct(o);
	text_func_head(o, "static inline void", text_fmt(h->b, "%s__set_%s", e->site, m), params,
	               array ? 3 : 2);
	text_puts(o, "{\n");
	/* A lexc_str property set to the null string (lexc_str_borrow(NULL))
	 * is absent: a C pointer that may be NULL maps to presence in one call. */
	bool str = !array && (t == NULL || t->kind == LEXC_KIND_STRING ||
	                      t->kind == LEXC_KIND_CID_LINK || t->kind == LEXC_KIND_UNKNOWN);
	if (emit_field_has_flag(f))
		text_stmt_assign(o, "\t", text_fmt(h->a, "v->has_%s", m),
		                 object ? "value != NULL"
		                 : str  ? "value.ptr != NULL"
		                        : "true");
	if (emit_field_nullable(f))
		text_stmt_assign(o, "\t", text_fmt(h->a, "v->%s_is_null", m), "false");
	if (array) {
		text_stmt_assign(o, "\t", text_fmt(h->a, "v->n_%s", m), "count");
		text_stmt_assign(o, "\t", text_fmt(h->a, "v->%s", m), "items");
	} else {
		text_stmt_assign(o, "\t", text_fmt(h->a, "v->%s", m), "value");
	}
	text_puts(o, "}\n");
	text_end_construct(o, start);
	text_putc(o, '\n');
}

static void struct_block(header *h, const emit_type *e, const char *description)
{
	text *o = h->out;
	if (description != NULL && description[0] != '\0')
		text_comment(o, "", description);
	text_printf(o, "typedef struct %s {\n", e->site);
	struct_members(h, e);
	text_printf(o, "} %s;\n", e->site);
	text_putc(o, '\n');
	extern_type(h, e->cname);
	text_putc(o, '\n');
	wrappers(h, e->site, e->cname);
	constructor(h, e);
	const lexc_object_rules *r = &e->t->u.object;
	for (size_t k = 0; k < r->n_fields; k++)
		if (emit_has_setter(&r->fields[e->layout[k]]))
			setter(h, e, e->layout[k]);
}

/* ---- Unions ------------------------------------------------------------------- */

static void union_block(header *h, const emit_type *e, bool body)
{
	emit_ctx *c = h->c;
	text *o = h->out;
	const lexc_union_rules *r = &e->t->u.union_;
	if (body) {
		text_decl2(o, "", "typedef lexc_union", text_fmt(h->line, "%s;", e->site));
		text_putc(o, '\n');
		extern_type(h, e->cname);
		text_putc(o, '\n');
		/* The engine takes a union at the top level, as a lexc_union. */
		wrappers(h, e->site, e->cname);
	}
	text_reset(h->rules);
	text_printf(h->rules,
	            "%s: a%s union. The kind of a lexc_union holding one is the index of its "
	            "variant here, in the order of their $type",
	            e->label, r->closed ? " closed" : "n open");
	if (strncmp(h->rules->buf, "the items", 9) == 0)
		h->rules->buf[0] = 'T';
	if (r->closed)
		text_puts(h->rules, ".");
	else
		text_puts(h->rules, "; kind_unknown is a $type not listed, kept as raw JSON in "
		                    "lexc_union.raw.");
	text_comment(o, "", h->rules->buf);
	text_printf(o, "enum %s__kind {\n", e->site);
	text_printf(o, "\t%s__kind_unknown,\n", e->site);
	for (size_t i = 0; i < r->n_variants; i++)
		text_printf(o, "\t%s__kind_%s,\n", e->site, e->variants[i]);
	text_puts(o, "};\n");
	text_putc(o, '\n');
	for (size_t i = 0; i < r->n_variants; i++) {
		const emit_type *v = emit_lookup(c, r->variants[i].type);
		const char *vt = v != NULL ? v->site : "void";
		const char *kind =
		        emit_dup(c, text_fmt(h->a, "%s__kind_%s", e->site, e->variants[i]));
		const char *value = emit_dup(c, text_fmt(h->a, "%s *value", vt));
		/* The setter: kind and $type together, so encoding needs nothing else. */
		size_t start = text_begin_construct(o);
		const char *sparams[] = {"lexc_union *u", value};
		text_func_head(o, "static inline void",
		               text_fmt(h->b, "%s__set_%s", e->site, e->variants[i]), sparams, 2);
		text_puts(o, "{\n");
		text_stmt_assign(o, "\t", "u->kind", kind);
		text_puts(o, "\tu->value = value;\n");
		set_str(h, "\t", "u->type", &r->variants[i].type_name);
		text_puts(o, "\tu->raw.ptr = NULL;\n\tu->raw.len = 0;\n}\n");
		text_end_construct(o, start);
		text_putc(o, '\n');

		start = text_begin_construct(o);
		const char *params[] = {"const lexc_union *u"};
		text_func_head(o, text_fmt(h->a, "static inline %s *", vt),
		               text_fmt(h->b, "%s__as_%s", e->site, e->variants[i]), params, 1);
		text_puts(o, "{\n");
		text_if_binary(o, "\t", "u->kind", "!=", kind);
		text_printf(o, "\t\treturn NULL;\n\treturn (%s *)u->value;\n}\n", vt);
		text_end_construct(o, start);
		text_putc(o, '\n');
	}
}

/* ---- String constants ----------------------------------------------------------- */

/* One distinct value of a string: its text, its #define name and the
 * mangled part that follows the site in its enumerator. */
typedef struct string_value {
	const lexc_str *text;
	const char *define;
	const char *suffix;
} string_value;

/* The distinct values, enum values then known values in document order (a
 * repeated value has a NULL name and is left out); *n gets their count. */
static string_value *string_values(header *h, const emit_type *e, size_t *n)
{
	const lexc_string_rules *r = &e->t->u.string;
	string_value *out = diag_xalloc(h->c->arena, (r->n_enum + r->n_known) * sizeof *out);
	size_t k = 0, skip = strlen(e->site) + 2;
	for (size_t list = 0; list < 2; list++) {
		const lexc_str *v = list == 0 ? r->enum_values : r->known_values;
		const char *const *names = list == 0 ? e->enum_names : e->known_names;
		size_t count = list == 0 ? r->n_enum : r->n_known;
		for (size_t i = 0; i < count; i++)
			if (names[i] != NULL)
				out[k++] = (string_value){&v[i], names[i], names[i] + skip};
	}
	*n = k;
	return out;
}

/* enum S__value, S__from_str() and S__to_str() over the distinct values,
 * then the deprecated #define per value. */
static void string_constants(header *h, const emit_type *e)
{
	const lexc_string_rules *r = &e->t->u.string;
	if (r->n_enum + r->n_known == 0)
		return;
	emit_ctx *c = h->c;
	text *o = h->out;
	const char *s = e->site;
	const char *tag = emit_join(c, s, "value");
	const char *unknown = emit_join(c, tag, "unknown");
	size_t n;
	const string_value *vals = string_values(h, e, &n);
	h->needs_string_h = true;
	text_reset(h->rules);
	if (r->n_enum > 0)
		text_printf(h->rules, "Values of %s (enum: no other value is valid)", e->label);
	else
		text_printf(h->rules, "Known values of %s (knownValues: others are valid too)",
		            e->label);
	text_puts(h->rules, ", as a C enum for a switch: __from_str() maps a string to it "
	                    "(value__unknown when the lexicon does not list it), __to_str() back.");
	text_comment(o, "", h->rules->buf);
	text_printf(o, "enum %s {\n", tag);
	text_printf(o, "\t%s,\n", unknown);
	for (size_t i = 0; i < n; i++)
		text_printf(o, "\t%s_%s,\n", tag, vals[i].suffix);
	text_puts(o, "};\n\n");

	size_t start = text_begin_construct(o);
	const char *fparams[] = {"lexc_str s"};
	text_func_head(o, text_fmt(h->a, "static inline enum %s", tag),
	               text_fmt(h->b, "%s__from_str", s), fparams, 1);
	text_puts(o, "{\n");
	for (size_t i = 0; i < n; i++) {
		const lexc_str *v = vals[i].text;
		const char *len = emit_dup(c, text_fmt(h->a, "s.len == %zu", v->len));
		if (v->len == 0)
			text_printf(o, "\tif (%s)\n", len);
		else
			text_if_binary(o, "\t", len, "&&",
			               text_fmt(h->b, "memcmp(s.ptr, %s, %zu) == 0",
			                        c_literal(h->lit, v->ptr, v->len), v->len));
		text_printf(o, "\t\treturn %s_%s;\n", tag, vals[i].suffix);
	}
	text_printf(o, "\treturn %s;\n}\n", unknown);
	text_end_construct(o, start);
	text_putc(o, '\n');

	start = text_begin_construct(o);
	const char *tparams[] = {text_fmt(h->line, "enum %s value", tag)};
	text_func_head(o, "static inline lexc_str", text_fmt(h->b, "%s__to_str", s), tparams, 1);
	text_puts(o, "{\n\tlexc_str s = {NULL, 0};\n\tswitch (value) {\n");
	for (size_t i = 0; i < n; i++) {
		text_printf(o, "\tcase %s_%s:\n", tag, vals[i].suffix);
		set_str(h, "\t\t", "s", vals[i].text);
		text_puts(o, "\t\tbreak;\n");
	}
	text_puts(o, "\tdefault:\n\t\tbreak;\n\t}\n\treturn s;\n}\n");
	text_end_construct(o, start);
	text_putc(o, '\n');

	text_comment(o, "",
	             text_fmt(h->rules,
	                      "Deprecated, kept for one release: the values as strings. Use "
	                      "enum %s and __to_str().",
	                      tag));
	for (size_t i = 0; i < n; i++)
		text_define(o, vals[i].define,
		            c_literal(h->lit, vals[i].text->ptr, vals[i].text->len));
	text_putc(o, '\n');
}

/* ---- Values below a def ----------------------------------------------------------- */

typedef struct value_ctx {
	header *h;
	const schema_node *top;  /* the node the walk started at */
	const char *description; /* of the top node's block, when it is a struct */
	bool body;               /* the top node is a method body or message */
} value_ctx;

static void value_block(emit_ctx *c, const emit_type *e, void *arg)
{
	value_ctx *v = arg;
	header *h = v->h;
	(void)c;
	bool top = e->node == v->top;
	switch (e->t->kind) {
	case LEXC_KIND_OBJECT:
		struct_block(h, e, top ? v->description : e->node->description);
		return;
	case LEXC_KIND_UNION:
		union_block(h, e, top && v->body);
		return;
	case LEXC_KIND_STRING:
		if (e->is_public) {
			extern_type(h, e->cname);
			text_putc(h->out, '\n');
		}
		string_constants(h, e);
		return;
	default:
		if (e->is_public) {
			extern_type(h, e->cname);
			text_putc(h->out, '\n');
		}
		return;
	}
}

static void values(header *h, const schema_node *n, const char *description, bool body)
{
	value_ctx v = {h, n, description, body};
	emit_walk(h->c, n, false, value_block, &v);
}

/* ---- Defs --------------------------------------------------------------------------- */

static void def_heading(header *h, const schema_def *def, const char *extra)
{
	text_reset(h->rules);
	text_printf(h->rules, "%s: %s.", def->full_name, schema_kind_name(def->node->kind));
	const char *paras[3] = {h->rules->buf, def->node->description, extra};
	text_comment_paras(h->out, "", paras, 3);
}

static void define_string(header *h, const char *name, const char *value)
{
	text *lit = h->lit;
	text_reset(lit);
	text_putc(lit, '"');
	text_c_string(lit, value, strlen(value));
	text_putc(lit, '"');
	text_define(h->out, name, lit->buf);
}

/* A method's input or output, or a subscription's message: `role` is the
 * C role ("input"), `label` the word for people ("Input"). */
static void body_section(header *h, const char *site, const char *role, const char *label,
                         const schema_body *b)
{
	emit_ctx *c = h->c;
	text *o = h->out;
	if (b == NULL)
		return;
	text *heading = h->rules;
	text_reset(heading);
	text_puts(heading, label);
	if (b->encoding != NULL)
		text_printf(heading, " (%s)", b->encoding);
	if (b->schema == NULL)
		text_puts(heading, ": no schema, the body is not decoded.");
	else if (b->schema->kind == SCHEMA_REF && b->schema->u.ref.target != NULL)
		text_printf(heading, ": %s.", b->schema->u.ref.target->full_name);
	else
		text_putc(heading, '.');
	const char *paras[2] = {heading->buf, b->description};
	text_comment_paras(o, "", paras, 2);
	if (b->schema == NULL) {
		text_putc(o, '\n');
		return;
	}
	if (b->schema->kind != SCHEMA_REF) {
		values(h, b->schema, NULL, true);
		return;
	}
	/* A ref: the role name is an alias of the referenced type, and its
	 * descriptor a macro naming the referenced descriptor. */
	const emit_type *t = emit_lookup(c, emit_lower(c, b->schema));
	if (t == NULL)
		return;
	const char *alias = emit_join(c, site, role);
	const char *alias_type = emit_join(c, alias, "type");
	if (t->t->kind == LEXC_KIND_OBJECT) {
		text_decl2(o, "", text_fmt(h->line, "typedef %s", t->site),
		           text_fmt(h->rules, "%s;", alias));
	}
	extern_type(h, t->cname);
	text_define(o, alias_type, t->cname);
	text_putc(o, '\n');
	if (t->t->kind == LEXC_KIND_OBJECT)
		wrappers(h, alias, alias_type);
}

static void errors_section(header *h, const char *site, const schema_xrpc *x)
{
	if (x->n_errors == 0)
		return;
	text *o = h->out;
	text_comment(o, "", "Errors the method declares, as sent in the \"error\" field.");
	for (size_t i = 0; i < x->n_errors; i++) {
		const schema_xrpc_error *e = &x->errors[i];
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(x->errors[j].name, e->name) == 0;
		if (dup)
			continue;
		if (e->description != NULL && e->description[0] != '\0')
			text_comment(o, "", e->description);
		char *id = names_ident(h->c->arena, e->name, strlen(e->name));
		if (id == NULL)
			diag_out_of_memory();
		define_string(h, text_fmt(h->line, "%s__ERROR_%s", site, id), e->name);
	}
	text_putc(o, '\n');
}

/* The server bindings of a query or procedure (emit_server.c). Subscriptions
 * get none: the XRPC server does not serve them. */
static void server_hook(header *h, const schema_def *def, const char *site)
{
	if (emit_is_served(h->doc, def))
		emit_server_bindings(h->c, h->doc, site, def->node, h->out);
}

static void def_section(header *h, const schema_def *def)
{
	emit_ctx *c = h->c;
	text *o = h->out;
	const schema_node *n = def->node;
	const emit_type *own = emit_lookup(c, emit_lower(c, n));
	const char *site = own != NULL ? own->site : NULL;
	const char *base = emit_doc_name(c, h->doc);
	if (site == NULL)
		site = strcmp(def->name, "main") == 0
		               ? base
		               : emit_join(c, base,
		                           names_ident(c->arena, def->name, strlen(def->name)));
	switch (n->kind) {
	case SCHEMA_TOKEN:
		def_heading(h, def, NULL);
		define_string(h, site, def->full_name);
		text_putc(o, '\n');
		return;
	case SCHEMA_PERMISSION_SET:
		def_heading(h, def,
		            "A permission set declares OAuth permissions; there is no C to "
		            "generate for it.");
		text_putc(o, '\n');
		return;
	case SCHEMA_RECORD: {
		text *key = h->a;
		text_reset(key);
		if (n->u.record.key != NULL)
			text_printf(key, "Record key: %s.", n->u.record.key);
		def_heading(h, def, key->buf);
		define_string(h, emit_join(c, site, "NSID"), h->doc->id);
		text_putc(o, '\n');
		values(h, n, NULL, false);
		return;
	}
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
	case SCHEMA_SUBSCRIPTION: {
		const schema_xrpc *x = &n->u.xrpc;
		def_heading(h, def, NULL);
		define_string(h, emit_join(c, site, "NSID"), h->doc->id);
		text_putc(o, '\n');
		if (x->parameters != NULL) {
			text_comment(o, "",
			             n->kind == SCHEMA_QUERY || n->kind == SCHEMA_PROCEDURE
			                     ? "Parameters, from the query string."
			                     : "Parameters, from the query string of the WebSocket "
			                       "request.");
			values(h, x->parameters, NULL, false);
		}
		body_section(h, site, "input", "Input", x->input);
		body_section(h, site, "output", "Output", x->output);
		body_section(h, site, "message", "Messages", x->message);
		errors_section(h, site, x);
		server_hook(h, def, site);
		return;
	}
	default: {
		/* A value def that is not an object: its rules in the heading. */
		const lexc_type *t = emit_lower(c, n);
		text *rules = h->a;
		text_reset(rules);
		if (t != NULL && t->kind != LEXC_KIND_OBJECT)
			emit_rules(c, rules, t);
		def_heading(h, def, rules->len > 2 ? rules->buf + 2 : NULL);
		values(h, n, NULL, false);
		return;
	}
	}
}

void emit_header(emit_ctx *c, const schema_doc *doc, text *out)
{
	header h = {c, doc, out, &c->tmp[0], &c->tmp[1], &c->tmp[2], &c->tmp[3], &c->tmp[4], false};
	const char *path = emit_doc_path(c, doc);
	const char *name = emit_doc_name(c, doc);
	text_comment(out, "",
	             text_fmt(h.a,
	                      "%s.h: %s from the lexicon %s. Do not edit: change the lexicon and "
	                      "run lexc gen.",
	                      path, emit_banner, doc->id));
	text_printf(out, "#ifndef LEXC_GEN_%s_H\n#define LEXC_GEN_%s_H\n\n", name, name);
	text_puts(out, "#include <lexc/lexc.h>\n");
	if (doc->main != NULL && emit_is_served(doc, doc->main))
		text_puts(out, "#include <lexc/server.h>\n\n#include <stdarg.h>\n");
	size_t includes_end = out->len;
	text_putc(out, '\n');
	text_printf(out,
	            "#if LEXC_VERSION_NUMBER != %d\n"
	            "#error \"%s; rebuild with the matching liblexc or regenerate\"\n"
	            "#endif\n\n",
	            (int)LEXC_VERSION_NUMBER, emit_banner);
	if (doc->description != NULL && doc->description[0] != '\0') {
		text_comment(out, "", doc->description);
		text_putc(out, '\n');
	}
	/* C++ sees the declarations as C (the inline functions compile as
	 * either). */
	text_puts(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
	forward_declarations(&h);
	for (size_t i = 0; i < doc->n_defs; i++)
		def_section(&h, &doc->defs[i]);
	text_puts(out, "#ifdef __cplusplus\n}\n#endif\n\n");
	text_printf(out, "#endif /* LEXC_GEN_%s_H */\n", name);
	if (h.needs_string_h)
		text_insert(out, includes_end,
		            doc->main != NULL && emit_is_served(doc, doc->main)
		                    ? "#include <string.h>\n"
		                    : "\n#include <string.h>\n");
}
