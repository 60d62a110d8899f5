/* The source of one lexicon document: its descriptors as const data, and
 * the method table (doc/generated-code.md). Every value printed here is read
 * from the descriptor lower.c built, so generated code and `lexc validate`
 * check the same constraints. */
#include "config.h"

#include "emit_internal.h"

#include <lexc/version.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct source {
	emit_ctx *c;
	const schema_doc *doc;
	text *out;
	text *a, *b, *lit, *pool; /* scratch (the context's) */
	/* Indentation of an initializer's members and of their members: 8 and
	 * 16 spaces unless a long name pushed the initializer right. */
	const char *ind1, *ind2;
} source;

static const char spaces[] = "                                        ";

static const char *const kind_names[] = {
        [LEXC_KIND_BOOLEAN] = "LEXC_KIND_BOOLEAN",   [LEXC_KIND_INTEGER] = "LEXC_KIND_INTEGER",
        [LEXC_KIND_STRING] = "LEXC_KIND_STRING",     [LEXC_KIND_BYTES] = "LEXC_KIND_BYTES",
        [LEXC_KIND_CID_LINK] = "LEXC_KIND_CID_LINK", [LEXC_KIND_BLOB] = "LEXC_KIND_BLOB",
        [LEXC_KIND_ARRAY] = "LEXC_KIND_ARRAY",       [LEXC_KIND_OBJECT] = "LEXC_KIND_OBJECT",
        [LEXC_KIND_UNION] = "LEXC_KIND_UNION",       [LEXC_KIND_UNKNOWN] = "LEXC_KIND_UNKNOWN",
};

static const char *const format_names[] = {[LEXC_FORMAT_NONE] = "LEXC_FORMAT_NONE",
#define FORMAT_NAME_(id, name, fn) [LEXC_FORMAT_##id] = "LEXC_FORMAT_" #id,
                                           LEXC_FORMATS(FORMAT_NAME_)
#undef FORMAT_NAME_
};

/* "{\"chat\", 4}" pieces: the literal and its length. */
static const char *literal(source *s, const char *p, size_t n)
{
	text_reset(s->lit);
	text_putc(s->lit, '"');
	text_c_string(s->lit, p, n);
	text_putc(s->lit, '"');
	return s->lit->buf;
}

static void put_atom(source *s, const char *indent, const char *key, const char *value)
{
	text_assign(s->out, indent, key, RHS_ATOM, "", &value, 1);
}

static void put_str(source *s, const char *indent, const char *key, const lexc_str *v)
{
	char len[24];
	snprintf(len, sizeof len, "%zu", v->len);
	const char *args[] = {literal(s, v->ptr, v->len), len};
	text_assign(s->out, indent, key, RHS_BRACE, "{", args, 2);
}

static void put_call(source *s, const char *indent, const char *key, const char *open,
                     const char *a, const char *b)
{
	const char *args[] = {a, b};
	text_assign(s->out, indent, key, RHS_CALL, open, args, b != NULL ? 2 : 1);
}

static void put_size(source *s, const char *key, size_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%zu", v);
	put_atom(s, s->ind1, key, buf);
}

/* ".u.string.min_length = 1", ".u.string.has_max_length = true" and
 * ".u.string.max_length = 300": only the bounds the lexicon sets. */
static void put_limits(source *s, const char *prefix, const char *what, size_t min, bool has_max,
                       size_t max)
{
	char key[64];
	if (min != 0) {
		snprintf(key, sizeof key, "%smin_%s", prefix, what);
		put_size(s, key, min);
	}
	if (has_max) {
		snprintf(key, sizeof key, "%shas_max_%s", prefix, what);
		put_atom(s, s->ind1, key, "true");
		snprintf(key, sizeof key, "%smax_%s", prefix, what);
		put_size(s, key, max);
	}
}

static const char *int_literal(char *buf, size_t n, int64_t v)
{
	if (v == INT64_MIN)
		snprintf(buf, n, "INT64_MIN");
	else
		snprintf(buf, n, "%" PRId64, v);
	return buf;
}

static void put_int(source *s, const char *key, int64_t v)
{
	char buf[32];
	put_atom(s, s->ind1, key, int_literal(buf, sizeof buf, v));
}

static const char *cname_of(source *s, const lexc_type *t)
{
	const emit_type *e = emit_lookup(s->c, t);
	return e != NULL ? e->cname : "NULL";
}

/* "&x__type" in s->a. */
static const char *ref_to(source *s, const lexc_type *t)
{
	return text_fmt(s->a, "&%s", cname_of(s, t));
}

/* ---- Initializers ------------------------------------------------------------------ */

/* Prints the members of an initializer at s->ind1 (and s->ind2). */
typedef void (*body_fn)(source *s, const void *arg);

/* "TYPE NAME = {" + body + "};" as clang-format lays it out when the first
 * line is too long: first "TYPE NAME =" with the brace on the next line,
 * then the name on a continuation line, then both; the body moves right
 * with the brace. The first layout without an overlong line wins; when
 * none has one, the construct is fenced from clang-format. */
static void initializer(source *s, const char *type, const char *name, body_fn fn, const void *arg)
{
	text *out = s->out;
	size_t start = text_begin_construct(out);
	size_t best = 0, best_excess = SIZE_MAX;
	for (int shape = 0; shape < 5; shape++) {
		out->len = start;
		int which = shape < 4 ? shape : (int)best;
		size_t shift = 0;
		switch (which) {
		case 0:
			text_printf(out, "%s %s = {\n", type, name);
			break;
		case 1:
			text_printf(out, "%s %s =\n        {\n", type, name);
			shift = 1;
			break;
		case 2:
			text_printf(out, "%s\n        %s = {\n", type, name);
			shift = 1;
			break;
		default:
			text_printf(out, "%s\n        %s =\n                {\n", type, name);
			shift = 2;
			break;
		}
		s->ind1 = spaces + sizeof spaces - 1 - 8 * (shift + 1);
		s->ind2 = spaces + sizeof spaces - 1 - 8 * (shift + 2);
		fn(s, arg);
		text_puts(out, "};\n");
		if (shape == 4)
			break;
		size_t excess = text_excess(out, start);
		if (excess == 0)
			break;
		/* None fits: clang-format takes the least overflow. */
		if (excess < best_excess) {
			best_excess = excess;
			best = (size_t)shape;
		}
	}
	text_end_construct(out, start);
	text_putc(out, '\n');
	s->ind1 = spaces + sizeof spaces - 1 - 8;
	s->ind2 = spaces + sizeof spaces - 1 - 16;
}

typedef struct list_arg {
	const char *const *items;
	size_t n;
} list_arg;

static void list_body(source *s, const void *arg)
{
	const list_arg *l = arg;
	text_list_items(s->out, s->ind1, l->items, l->n);
}

static void list(source *s, const char *type, const char *name, const char *const *items, size_t n)
{
	list_arg l = {items, n};
	initializer(s, type, name, list_body, &l);
}

static void str_list(source *s, const char *site, const char *suffix, const lexc_str *v, size_t n)
{
	const char **items = diag_xalloc(s->c->arena, n * sizeof *items);
	size_t *offs = diag_xalloc(s->c->arena, n * sizeof *offs);
	text *pool = s->pool;
	text_reset(pool);
	for (size_t i = 0; i < n; i++) {
		offs[i] = pool->len;
		text_printf(pool, "{%s, %zu}", literal(s, v[i].ptr, v[i].len), v[i].len);
		text_putc(pool, '\0');
	}
	for (size_t i = 0; i < n; i++)
		items[i] = pool->buf + offs[i];
	list(s, "static const lexc_str", text_fmt(s->b, "%s__%s[]", site, suffix), items, n);
}

static void int_list(source *s, const char *site, const int64_t *v, size_t n)
{
	const char **items = diag_xalloc(s->c->arena, n * sizeof *items);
	for (size_t i = 0; i < n; i++) {
		char *buf = diag_xalloc(s->c->arena, 24);
		items[i] = int_literal(buf, 24, v[i]);
	}
	list(s, "static const int64_t", text_fmt(s->b, "%s__enum_values[]", site), items, n);
}

/* "LEXC_FIELD_OPTIONAL | LEXC_FIELD_COUNTED" in s->a. */
static const char *field_flags(source *s, uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {{LEXC_FIELD_OPTIONAL, "LEXC_FIELD_OPTIONAL"},
	             {LEXC_FIELD_NULLABLE, "LEXC_FIELD_NULLABLE"},
	             {LEXC_FIELD_COUNTED, "LEXC_FIELD_COUNTED"}};
	text_reset(s->a);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & names[i].bit)
			text_printf(s->a, "%s%s", s->a->len > 0 ? " | " : "", names[i].name);
	return s->a->buf;
}

static void fields_body(source *s, const void *arg)
{
	const emit_type *e = arg;
	const lexc_object_rules *o = &e->t->u.object;
	text *out = s->out;
	char offs[4][160];
	for (size_t i = 0; i < o->n_fields; i++) {
		const lexc_field *f = &o->fields[i];
		const char *m = e->members[i];
		text_printf(out, "%s{\n", s->ind1);
		put_str(s, s->ind2, ".name", &f->name);
		put_atom(s, s->ind2, ".type", ref_to(s, f->type));
		snprintf(offs[0], sizeof offs[0], "%s", m);
		snprintf(offs[1], sizeof offs[1], "has_%s", m);
		snprintf(offs[2], sizeof offs[2], "%s_is_null", m);
		snprintf(offs[3], sizeof offs[3], "n_%s", m);
		put_call(s, s->ind2, ".offset", "offsetof(", e->site, offs[0]);
		if (f->flags != 0)
			put_atom(s, s->ind2, ".flags", field_flags(s, f->flags));
		if (lexc_field_has_presence(f))
			put_call(s, s->ind2, ".has_offset", "offsetof(", e->site, offs[1]);
		if (f->flags & LEXC_FIELD_NULLABLE)
			put_call(s, s->ind2, ".null_offset", "offsetof(", e->site, offs[2]);
		if (f->flags & LEXC_FIELD_COUNTED)
			put_call(s, s->ind2, ".count_offset", "offsetof(", e->site, offs[3]);
		text_printf(out, "%s},\n", s->ind1);
	}
}

static void variants_body(source *s, const void *arg)
{
	const emit_type *e = arg;
	const lexc_union_rules *u = &e->t->u.union_;
	for (size_t i = 0; i < u->n_variants; i++) {
		text_printf(s->out, "%s{\n", s->ind1);
		put_str(s, s->ind2, ".type_name", &u->variants[i].type_name);
		put_atom(s, s->ind2, ".type", ref_to(s, u->variants[i].type));
		text_printf(s->out, "%s},\n", s->ind1);
	}
}

/* ---- Descriptors ------------------------------------------------------------------- */

static void rules_of(source *s, const emit_type *e)
{
	const lexc_type *t = e->t;
	switch (t->kind) {
	case LEXC_KIND_BOOLEAN: {
		const lexc_boolean_rules *r = &t->u.boolean;
		if (r->has_default) {
			put_atom(s, s->ind1, ".u.boolean.has_default", "true");
			put_atom(s, s->ind1, ".u.boolean.default_value",
			         r->default_value ? "true" : "false");
		}
		if (r->has_const) {
			put_atom(s, s->ind1, ".u.boolean.has_const", "true");
			put_atom(s, s->ind1, ".u.boolean.const_value",
			         r->const_value ? "true" : "false");
		}
		return;
	}
	case LEXC_KIND_INTEGER: {
		const lexc_integer_rules *r = &t->u.integer;
		if (r->has_minimum) {
			put_atom(s, s->ind1, ".u.integer.has_minimum", "true");
			put_int(s, ".u.integer.minimum", r->minimum);
		}
		if (r->has_maximum) {
			put_atom(s, s->ind1, ".u.integer.has_maximum", "true");
			put_int(s, ".u.integer.maximum", r->maximum);
		}
		if (r->n_enum > 0) {
			put_atom(s, s->ind1, ".u.integer.enum_values",
			         text_fmt(s->a, "%s__enum_values", e->site));
			put_size(s, ".u.integer.n_enum", r->n_enum);
		}
		if (r->has_default) {
			put_atom(s, s->ind1, ".u.integer.has_default", "true");
			put_int(s, ".u.integer.default_value", r->default_value);
		}
		if (r->has_const) {
			put_atom(s, s->ind1, ".u.integer.has_const", "true");
			put_int(s, ".u.integer.const_value", r->const_value);
		}
		return;
	}
	case LEXC_KIND_STRING: {
		const lexc_string_rules *r = &t->u.string;
		put_limits(s, ".u.string.", "length", r->min_length, r->has_max_length,
		           r->max_length);
		put_limits(s, ".u.string.", "graphemes", r->min_graphemes, r->has_max_graphemes,
		           r->max_graphemes);
		if (r->format != LEXC_FORMAT_NONE && (size_t)r->format < LEXC_FORMAT_COUNT_)
			put_atom(s, s->ind1, ".u.string.format", format_names[r->format]);
		if (r->n_enum > 0) {
			put_atom(s, s->ind1, ".u.string.enum_values",
			         text_fmt(s->a, "%s__enum_values", e->site));
			put_size(s, ".u.string.n_enum", r->n_enum);
		}
		if (r->n_known > 0) {
			put_atom(s, s->ind1, ".u.string.known_values",
			         text_fmt(s->a, "%s__known_values", e->site));
			put_size(s, ".u.string.n_known", r->n_known);
		}
		if (r->has_default) {
			put_atom(s, s->ind1, ".u.string.has_default", "true");
			put_str(s, s->ind1, ".u.string.default_value", &r->default_value);
		}
		if (r->has_const) {
			put_atom(s, s->ind1, ".u.string.has_const", "true");
			put_str(s, s->ind1, ".u.string.const_value", &r->const_value);
		}
		return;
	}
	case LEXC_KIND_BYTES:
		put_limits(s, ".u.bytes.", "length", t->u.bytes.min_length,
		           t->u.bytes.has_max_length, t->u.bytes.max_length);
		return;
	case LEXC_KIND_BLOB:
		if (t->u.blob.n_accept > 0) {
			put_atom(s, s->ind1, ".u.blob.accept",
			         text_fmt(s->a, "%s__accept", e->site));
			put_size(s, ".u.blob.n_accept", t->u.blob.n_accept);
		}
		if (t->u.blob.has_max_size) {
			put_atom(s, s->ind1, ".u.blob.has_max_size", "true");
			put_int(s, ".u.blob.max_size", t->u.blob.max_size);
		}
		return;
	case LEXC_KIND_ARRAY: {
		const lexc_array_rules *r = &t->u.array;
		put_atom(s, s->ind1, ".u.array.items", ref_to(s, r->items));
		const char *item = r->items != NULL ? emit_value_ctype(s->c, r->items) : "void *";
		put_call(s, s->ind1, ".u.array.item_size", "sizeof(", item, NULL);
		put_limits(s, ".u.array.", "length", r->min_length, r->has_max_length,
		           r->max_length);
		return;
	}
	case LEXC_KIND_OBJECT: {
		const lexc_object_rules *r = &t->u.object;
		if (r->n_fields > 0) {
			put_atom(s, s->ind1, ".u.object.fields",
			         text_fmt(s->a, "%s__fields", e->site));
			put_size(s, ".u.object.n_fields", r->n_fields);
		}
		put_call(s, s->ind1, ".u.object.size", "sizeof(", e->site, NULL);
		put_call(s, s->ind1, ".u.object.align", "_Alignof(", e->site, NULL);
		if (r->has_extra) {
			put_atom(s, s->ind1, ".u.object.has_extra", "true");
			put_call(s, s->ind1, ".u.object.extra_offset", "offsetof(", e->site,
			         "_extra");
		}
		if (r->type_name.len > 0)
			put_str(s, s->ind1, ".u.object.type_name", &r->type_name);
		if (r->is_record)
			put_atom(s, s->ind1, ".u.object.is_record", "true");
		return;
	}
	case LEXC_KIND_UNION:
		if (t->u.union_.n_variants > 0) {
			put_atom(s, s->ind1, ".u.union_.variants",
			         text_fmt(s->a, "%s__variants", e->site));
			put_size(s, ".u.union_.n_variants", t->u.union_.n_variants);
		}
		if (t->u.union_.closed)
			put_atom(s, s->ind1, ".u.union_.closed", "true");
		return;
	case LEXC_KIND_CID_LINK:
	case LEXC_KIND_UNKNOWN:
		return;
	}
}

static void type_body(source *s, const void *arg)
{
	const emit_type *e = arg;
	put_atom(s, s->ind1, ".layout", "LEXC_LAYOUT_VERSION");
	put_atom(s, s->ind1, ".kind", kind_names[e->t->kind]);
	put_atom(s, s->ind1, ".name", literal(s, e->t->name, strlen(e->t->name)));
	rules_of(s, e);
}

static void descriptor(emit_ctx *c, const emit_type *e, void *arg)
{
	source *s = arg;
	const lexc_type *t = e->t;
	(void)c;
	if (e->doc != s->doc)
		return;
	switch (t->kind) {
	case LEXC_KIND_STRING:
		if (t->u.string.n_enum > 0)
			str_list(s, e->site, "enum_values", t->u.string.enum_values,
			         t->u.string.n_enum);
		if (t->u.string.n_known > 0)
			str_list(s, e->site, "known_values", t->u.string.known_values,
			         t->u.string.n_known);
		break;
	case LEXC_KIND_INTEGER:
		if (t->u.integer.n_enum > 0)
			int_list(s, e->site, t->u.integer.enum_values, t->u.integer.n_enum);
		break;
	case LEXC_KIND_BLOB:
		if (t->u.blob.n_accept > 0)
			str_list(s, e->site, "accept", t->u.blob.accept, t->u.blob.n_accept);
		break;
	case LEXC_KIND_OBJECT:
		if (t->u.object.n_fields > 0)
			initializer(s, "static const lexc_field",
			            text_fmt(s->b, "%s__fields[]", e->site), fields_body, e);
		break;
	case LEXC_KIND_UNION:
		if (t->u.union_.n_variants > 0)
			initializer(s, "static const lexc_variant",
			            text_fmt(s->b, "%s__variants[]", e->site), variants_body, e);
		break;
	default:
		break;
	}
	initializer(s, e->is_public ? "const lexc_type" : "static const lexc_type", e->cname,
	            type_body, e);
}

/* ---- Methods -------------------------------------------------------------------------- */

static bool is_method(const schema_doc *doc)
{
	return doc->main != NULL && emit_is_served(doc, doc->main);
}

/* The descriptor of a body, by the name the method's header gives it. */
static void body_entry(source *s, const char *site, const char *role, const schema_body *b)
{
	if (b == NULL)
		return;
	if (b->encoding != NULL)
		put_atom(s, s->ind1, text_fmt(s->b, ".%s_encoding", role),
		         literal(s, b->encoding, strlen(b->encoding)));
	if (b->schema != NULL && emit_lower(s->c, b->schema) != NULL)
		put_atom(s, s->ind1, text_fmt(s->b, ".%s", role),
		         text_fmt(s->a, "&%s__%s__type", site, role));
}

typedef struct method_arg {
	const schema_doc *doc;
	const char *site;
	size_t n_errors;
} method_arg;

static void method_body(source *s, const void *arg)
{
	const method_arg *m = arg;
	const schema_node *n = m->doc->main->node;
	const schema_xrpc *x = &n->u.xrpc;
	const char *site = m->site;
	put_atom(s, s->ind1, ".layout", "LEXC_LAYOUT_VERSION");
	put_atom(s, s->ind1, ".nsid", text_fmt(s->a, "%s__NSID", site));
	put_atom(s, s->ind1, ".kind",
	         n->kind == SCHEMA_QUERY ? "LEXC_METHOD_QUERY" : "LEXC_METHOD_PROCEDURE");
	if (x->parameters != NULL && emit_lower(s->c, x->parameters) != NULL)
		put_atom(s, s->ind1, ".params", text_fmt(s->a, "&%s__params__type", site));
	body_entry(s, site, "input", x->input);
	body_entry(s, site, "output", x->output);
	if (m->n_errors > 0) {
		put_atom(s, s->ind1, ".errors", text_fmt(s->a, "%s__errors", site));
		char num[24];
		snprintf(num, sizeof num, "%zu", m->n_errors);
		put_atom(s, s->ind1, ".n_errors", num);
	}
}

/* The method's lexc_method (lexc/server.h) and its error names. */
static void method_definition(source *s, const schema_doc *doc)
{
	emit_ctx *c = s->c;
	const schema_xrpc *x = &doc->main->node->u.xrpc;
	const char *site = emit_doc_name(c, doc);
	const char **names = diag_xalloc(c->arena, (x->n_errors + 1) * sizeof *names);
	const char **ids = diag_xalloc(c->arena, (x->n_errors + 1) * sizeof *ids);
	size_t k = emit_method_errors(c, x, names, ids);
	for (size_t j = 0; j < k; j++)
		names[j] = emit_join(c, site, text_fmt(s->a, "ERROR_%s", ids[j]));
	if (k > 0)
		list(s, "static const char *const", text_fmt(s->b, "%s__errors[]", site), names, k);
	method_arg m = {doc, site, k};
	initializer(s, "const lexc_method", text_fmt(s->b, "%s__method", site), method_body, &m);
}

/* ---- Includes ------------------------------------------------------------------------ */

typedef struct includes {
	const schema_doc *self;
	const schema_doc **docs;
	size_t n, cap;
} includes;

static void include_doc(includes *inc, const emit_type *e)
{
	if (e == NULL || e->doc == inc->self)
		return;
	for (size_t i = 0; i < inc->n; i++)
		if (inc->docs[i] == e->doc)
			return;
	if (inc->n == inc->cap) {
		inc->cap = inc->cap != 0 ? inc->cap * 2 : 8;
		inc->docs = realloc(inc->docs, inc->cap * sizeof *inc->docs);
		if (inc->docs == NULL)
			diag_out_of_memory();
	}
	inc->docs[inc->n++] = e->doc;
}

static void collect_includes(emit_ctx *c, const emit_type *e, void *arg)
{
	includes *inc = arg;
	const lexc_type *t = e->t;
	switch (t->kind) {
	case LEXC_KIND_OBJECT:
		for (size_t i = 0; i < t->u.object.n_fields; i++)
			include_doc(inc, emit_lookup(c, t->u.object.fields[i].type));
		break;
	case LEXC_KIND_ARRAY:
		include_doc(inc, emit_lookup(c, t->u.array.items));
		break;
	case LEXC_KIND_UNION:
		for (size_t i = 0; i < t->u.union_.n_variants; i++)
			include_doc(inc, emit_lookup(c, t->u.union_.variants[i].type));
		break;
	default:
		break;
	}
}

static int doc_id_cmp(const void *a, const void *b)
{
	const schema_doc *x = *(const schema_doc *const *)a, *y = *(const schema_doc *const *)b;
	return strcmp(x->id, y->id);
}

/* Calls fn over every descriptor of the document, children first. */
static void walk_doc(emit_ctx *c, const schema_doc *doc, bool post, emit_visit_fn fn, void *arg)
{
	for (size_t i = 0; i < doc->n_defs; i++) {
		const schema_node *n = doc->defs[i].node;
		if (n->kind == SCHEMA_QUERY || n->kind == SCHEMA_PROCEDURE ||
		    n->kind == SCHEMA_SUBSCRIPTION) {
			emit_walk(c, n->u.xrpc.parameters, post, fn, arg);
			const schema_body *bodies[] = {n->u.xrpc.input, n->u.xrpc.output,
			                               n->u.xrpc.message};
			for (size_t k = 0; k < 3; k++)
				if (bodies[k] != NULL)
					emit_walk(c, bodies[k]->schema, post, fn, arg);
		} else {
			emit_walk(c, n, post, fn, arg);
		}
	}
}

void emit_source(emit_ctx *c, const schema_doc *doc, text *out)
{
	source s = {c, doc, out, &c->tmp[5], &c->tmp[6], &c->tmp[7], &c->tmp[8], NULL, NULL};
	s.ind1 = spaces + sizeof spaces - 1 - 8;
	s.ind2 = spaces + sizeof spaces - 1 - 16;
	const char *path = emit_doc_path(c, doc);
	text_reset(s.b);
	text_printf(s.b,
	            "%s.c: %s from the lexicon %s. Do not edit: change the lexicon and run lexc "
	            "gen.",
	            path, emit_banner, doc->id);
	text_comment(out, "", s.b->buf);
	text_printf(out, "#include \"%s.h\"\n\n", path);
	includes inc = {doc, NULL, 0, 0};
	walk_doc(c, doc, false, collect_includes, &inc);
	if (inc.n > 1)
		qsort(inc.docs, inc.n, sizeof *inc.docs, doc_id_cmp);
	for (size_t i = 0; i < inc.n; i++)
		text_printf(out, "#include \"%s.h\"\n", emit_doc_path(c, inc.docs[i]));
	if (inc.n > 0)
		text_putc(out, '\n');
	free(inc.docs);
	text_puts(out, "#include <stddef.h>\n#include <stdint.h>\n\n");
	walk_doc(c, doc, true, descriptor, &s);
	if (doc->main != NULL && emit_is_served(doc, doc->main))
		method_definition(&s, doc);
	/* No blank line before the end of the file. */
	while (out->len > 1 && out->buf[out->len - 1] == '\n' && out->buf[out->len - 2] == '\n')
		out->buf[--out->len] = '\0';
}

/* ---- The method table -------------------------------------------------------------------- */

static void version_guard(text *out)
{
	text_printf(out,
	            "#if LEXC_VERSION_NUMBER != %d\n"
	            "#error \"%s; rebuild with the matching liblexc or regenerate\"\n"
	            "#endif\n\n",
	            (int)LEXC_VERSION_NUMBER, emit_banner);
}

void emit_methods_header(emit_ctx *c, text *out)
{
	const char *t = c->table; /* "lexc_methods", or lexc gen --prefix's */
	text_comment(
	        out, "",
	        text_fmt(&c->tmp[5],
	                 "%s.h: %s from the lexicons given to lexc gen: every query "
	                 "and procedure, for the XRPC server. Do not edit: change the lexicons "
	                 "and run lexc gen.",
	                 t, emit_banner));
	text_printf(out,
	            "#ifndef LEXC_GEN_%s_H\n"
	            "#define LEXC_GEN_%s_H\n"
	            "\n"
	            "#include <lexc/lexc.h>\n"
	            "#include <lexc/server.h>\n"
	            "\n",
	            t, t);
	version_guard(out);
	text_puts(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
	text_puts(out, "/* Every method (each header's M__method), sorted by NSID (bytewise): the "
	               "table\n"
	               " * lexc_server_new() takes. */\n");
	text_decl2(out, "", "extern const lexc_method *const", text_fmt(&c->tmp[5], "%s[];", t));
	text_decl2(out, "", "extern const size_t", text_fmt(&c->tmp[5], "%s_count;", t));
	text_puts(out, "\n/* The method named nsid[0..len), or NULL (a binary search). */\n");
	const char *params[] = {"const char *nsid", "size_t len"};
	text_func_decl(out, "const lexc_method *", text_fmt(&c->tmp[6], "%s_find", t), params, 2);
	text_printf(out,
	            "\n#ifdef __cplusplus\n}\n#endif\n"
	            "\n"
	            "#endif /* LEXC_GEN_%s_H */\n",
	            t);
}

/* The binary search behind T_find, with T the table's name. */
static void methods_find(emit_ctx *c, text *out)
{
	const char *t = c->table;
	const char *params[] = {"const char *nsid", "size_t len"};
	text_func_head(out, "const lexc_method *", text_fmt(&c->tmp[6], "%s_find", t), params, 2);
	text_printf(out,
	            "{\n"
	            "\tsize_t lo = 0, hi = %s_count;\n"
	            "\twhile (lo < hi) {\n"
	            "\t\tsize_t mid = lo + (hi - lo) / 2;\n",
	            t);
	text_decl2(out, "\t\t", "const char *m =", text_fmt(&c->tmp[6], "%s[mid]->nsid;", t));
	text_printf(out,
	            "\t\tsize_t mlen = strlen(m);\n"
	            "\t\tint cmp = memcmp(m, nsid, mlen < len ? mlen : len);\n"
	            "\t\tif (cmp == 0)\n"
	            "\t\t\tcmp = (mlen > len) - (mlen < len);\n"
	            "\t\tif (cmp == 0)\n"
	            "\t\t\treturn %s[mid];\n"
	            "\t\tif (cmp < 0)\n"
	            "\t\t\tlo = mid + 1;\n"
	            "\t\telse\n"
	            "\t\t\thi = mid;\n"
	            "\t}\n"
	            "\treturn NULL;\n"
	            "}\n",
	            t);
}

void emit_methods_source(emit_ctx *c, const schema_doc *const *docs, size_t n, text *out)
{
	source s = {c, NULL, out, &c->tmp[5], &c->tmp[6], &c->tmp[7], &c->tmp[8], NULL, NULL};
	s.ind1 = spaces + sizeof spaces - 1 - 8;
	s.ind2 = spaces + sizeof spaces - 1 - 16;
	text_comment(out, "",
	             text_fmt(s.b,
	                      "%s.c: %s from the lexicons given to lexc gen. Do not edit: "
	                      "change the lexicons and run lexc gen.",
	                      c->table, emit_banner));
	text_printf(out, "#include \"%s.h\"\n\n", c->table);
	size_t n_methods = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_method(docs[i]))
			continue;
		text_printf(out, "#include \"%s.h\"\n", emit_doc_path(c, docs[i]));
		n_methods++;
	}
	if (n_methods > 0)
		text_putc(out, '\n');
	text_puts(out, "#include <stddef.h>\n#include <string.h>\n\n");

	const char **items = diag_xalloc(c->arena, (n_methods + 1) * sizeof *items);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (is_method(docs[i]))
			items[k++] = emit_dup(
			        c, text_fmt(s.a, "&%s__method", emit_doc_name(c, docs[i])));
	if (k == 0)
		items[k++] = "NULL";
	const char *t = c->table;
	list(&s, "const lexc_method *const", text_fmt(s.a, "%s[]", t), items, k);
	text_printf(out, "const size_t %s_count = %zu;\n\n", t, n_methods);
	methods_find(c, out);
}
