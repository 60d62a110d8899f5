/* The pages of `lexc doc` (doc.h): what each kind of def shows, in one
 * order for both markups (doc_markup.h). */
#include "config.h"

#include "diag.h"
#include "doc.h"
#include "doc_markup.h"

#include <jansson.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct page {
	doc_out o;
	const doc_options *opt;
	const schema_set *set;
	const schema_doc *doc;
	text scratch;
} page;

const char *doc_extension(doc_format fmt)
{
	return fmt == DOC_HTML ? ".html" : ".md";
}

doc_options doc_file_options(doc_format fmt)
{
	return (doc_options){.fmt = fmt,
	                     .ext = doc_extension(fmt),
	                     .index = fmt == DOC_HTML ? "index.html" : "index.md"};
}

const char *doc_format_meaning(lexc_format f)
{
	switch (f) {
	case LEXC_FORMAT_AT_IDENTIFIER:
		return "a handle or a DID";
	case LEXC_FORMAT_AT_URI:
		return "an AT URI: at://authority/collection/rkey";
	case LEXC_FORMAT_CID:
		return "a CID in its string form";
	case LEXC_FORMAT_DATETIME:
		return "an RFC 3339 timestamp";
	case LEXC_FORMAT_DID:
		return "a DID: did:method:identifier";
	case LEXC_FORMAT_HANDLE:
		return "a handle, a domain name";
	case LEXC_FORMAT_NSID:
		return "a namespaced identifier, NSID";
	case LEXC_FORMAT_TID:
		return "a timestamp identifier, TID: 13 characters";
	case LEXC_FORMAT_RECORD_KEY:
		return "a record key";
	case LEXC_FORMAT_URI:
		return "a URI, RFC 3986";
	case LEXC_FORMAT_LANGUAGE:
		return "a BCP 47 language tag";
	case LEXC_FORMAT_NONE:
	case LEXC_FORMAT_COUNT_:
		break;
	}
	return NULL;
}

static const char *record_key_meaning(schema_record_key k)
{
	switch (k) {
	case SCHEMA_KEY_TID:
		return "a TID, a timestamp identifier";
	case SCHEMA_KEY_NSID:
		return "an NSID";
	case SCHEMA_KEY_ANY:
		return "any valid record key";
	case SCHEMA_KEY_LITERAL:
		return "always this literal value";
	case SCHEMA_KEY_INVALID:
		break;
	}
	return NULL;
}

bool doc_rendered(const schema_doc *doc)
{
	return doc != NULL && !doc->external && !doc->shadowed && doc->id != NULL;
}

/* An inline object's anchor: its JSON path without "$.". */
static const char *anchor_of(const schema_node *n)
{
	return strncmp(n->path, "$.", 2) == 0 ? n->path + 2 : n->path;
}

/* ---- Types and constraints ------------------------------------------ */

static void put_ref(page *p, const schema_ref *r)
{
	const schema_def *t = r->target;
	if (t == NULL || !doc_rendered(t->doc)) {
		doc_code(&p->o, r->ref);
		return;
	}
	const char *href = t->doc == p->doc ? text_fmt(&p->scratch, "#%s", t->name)
	                                    : text_fmt(&p->scratch, "%s%s#%s", t->doc->id,
	                                               p->opt->ext, t->name);
	/* The scratch stays put: doc_link() writes only to the page. */
	doc_link(&p->o, href, r->ref, true);
}

static void put_type(page *p, const schema_node *n)
{
	switch (n->kind) {
	case SCHEMA_REF:
		put_ref(p, &n->u.ref);
		return;
	case SCHEMA_UNION:
		doc_text(&p->o, n->u.union_.closed ? "closed union of " : "union of ");
		for (size_t i = 0; i < n->u.union_.n_refs; i++) {
			if (i > 0)
				doc_text(&p->o, ", ");
			put_ref(p, &n->u.union_.refs[i]);
		}
		if (n->u.union_.n_refs == 0)
			doc_text(&p->o, "no variants");
		return;
	case SCHEMA_ARRAY:
		if (n->u.array.items == NULL) {
			doc_text(&p->o, "array");
			return;
		}
		doc_text(&p->o, "array of ");
		put_type(p, n->u.array.items);
		return;
	case SCHEMA_OBJECT:
		doc_link(&p->o, text_fmt(&p->scratch, "#%s", anchor_of(n)), "object", false);
		return;
	default:
		doc_text(&p->o, schema_kind_name(n->kind));
		return;
	}
}

static void fact_int(page *p, const char *prefix, const char *name, schema_int v, const char *unit)
{
	if (!v.set)
		return;
	doc_sep(&p->o);
	doc_text(&p->o, prefix);
	/* "1 byte", "2 bytes" */
	int unit_len = (int)strlen(unit) - (v.value == 1 && unit[0] != '\0');
	doc_text(&p->o,
	         text_fmt(&p->scratch, "%s: %" PRId64 "%.*s", name, v.value, unit_len, unit));
}

static void fact_strs(page *p, const char *prefix, const char *name, const schema_strs *v)
{
	if (!v->set)
		return;
	doc_sep(&p->o);
	doc_text(&p->o, prefix);
	doc_text(&p->o, name);
	doc_text(&p->o, ": ");
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0)
			doc_text(&p->o, ", ");
		doc_code(&p->o, v->items[i]);
	}
	if (v->n == 0)
		doc_text(&p->o, "none");
}

static void fact_str(page *p, const char *prefix, const char *name, const char *v)
{
	if (v == NULL)
		return;
	doc_sep(&p->o);
	doc_text(&p->o, prefix);
	doc_text(&p->o, name);
	doc_text(&p->o, ": ");
	doc_code(&p->o, v);
}

static void fact_bool(page *p, const char *prefix, const char *name, bool has, bool v)
{
	if (has)
		fact_str(p, prefix, name, v ? "true" : "false");
}

/* A node's constraints as an inline list, each prefixed with `prefix`
 * ("items " for an array's items). */
static void put_constraints(page *p, const schema_node *n, const char *prefix)
{
	switch (n->kind) {
	case SCHEMA_STRING: {
		const schema_string *s = &n->u.string;
		if (s->format_name != NULL) {
			doc_sep(&p->o);
			doc_text(&p->o, prefix);
			doc_text(&p->o, "format: ");
			doc_code(&p->o, s->format_name);
			const char *m = doc_format_meaning(s->format);
			if (m != NULL) {
				doc_text(&p->o, " (");
				doc_text(&p->o, m);
				doc_text(&p->o, ")");
			}
		}
		fact_int(p, prefix, "minLength", s->min_length, " bytes");
		fact_int(p, prefix, "maxLength", s->max_length, " bytes");
		fact_int(p, prefix, "minGraphemes", s->min_graphemes, "");
		fact_int(p, prefix, "maxGraphemes", s->max_graphemes, "");
		fact_strs(p, prefix, "enum", &s->enum_values);
		fact_strs(p, prefix, "knownValues", &s->known_values);
		fact_str(p, prefix, "default", s->default_value);
		fact_str(p, prefix, "const", s->const_value);
		return;
	}
	case SCHEMA_INTEGER: {
		const schema_integer *i = &n->u.integer;
		fact_int(p, prefix, "minimum", i->minimum, "");
		fact_int(p, prefix, "maximum", i->maximum, "");
		if (i->has_enum) {
			doc_sep(&p->o);
			doc_text(&p->o, prefix);
			doc_text(&p->o, "enum: ");
			for (size_t k = 0; k < i->n_enum; k++) {
				if (k > 0)
					doc_text(&p->o, ", ");
				doc_code(&p->o,
				         text_fmt(&p->scratch, "%" PRId64, i->enum_values[k]));
			}
		}
		if (i->default_value.set)
			fact_str(p, prefix, "default",
			         text_fmt(&p->scratch, "%" PRId64, i->default_value.value));
		if (i->const_value.set)
			fact_str(p, prefix, "const",
			         text_fmt(&p->scratch, "%" PRId64, i->const_value.value));
		return;
	}
	case SCHEMA_BOOLEAN:
		fact_bool(p, prefix, "default", n->u.boolean.has_default,
		          n->u.boolean.default_value);
		fact_bool(p, prefix, "const", n->u.boolean.has_const, n->u.boolean.const_value);
		return;
	case SCHEMA_BYTES:
		fact_int(p, prefix, "minLength", n->u.bytes.min_length, " bytes");
		fact_int(p, prefix, "maxLength", n->u.bytes.max_length, " bytes");
		return;
	case SCHEMA_BLOB:
		fact_strs(p, prefix, "accept", &n->u.blob.accept);
		fact_int(p, prefix, "maxSize", n->u.blob.max_size, " bytes");
		return;
	case SCHEMA_ARRAY: {
		fact_int(p, prefix, "minLength", n->u.array.min_length, " items");
		fact_int(p, prefix, "maxLength", n->u.array.max_length, " items");
		if (n->u.array.items == NULL)
			return;
		/* Its own buffer: the items' constraints use the scratch. */
		text inner;
		text_init(&inner);
		text_printf(&inner, "%sitems ", prefix);
		put_constraints(p, n->u.array.items, inner.buf);
		text_free(&inner);
		return;
	}
	default:
		return;
	}
}

/* ---- Tables of properties ------------------------------------------- */

/* The object a property's type holds inline (itself, or its array's
 * items at any depth), which gets a table of its own; else NULL. */
static const schema_node *inline_object(const schema_node *n)
{
	while (n != NULL && n->kind == SCHEMA_ARRAY)
		n = n->u.array.items;
	return n != NULL && n->kind == SCHEMA_OBJECT ? n : NULL;
}

static void put_description(page *p, const char *d)
{
	if (d != NULL && d[0] != '\0')
		doc_text(&p->o, d);
	else
		doc_none(&p->o, "No description available");
}

static const char *const prop_cols[] = {"Name", "Type", "Required", "Description", "Constraints"};

static void properties(page *p, const schema_node *obj, const char *caption, int level);

static void nested_objects(page *p, const schema_node *obj, int level)
{
	const schema_object *o = &obj->u.object;
	for (size_t i = 0; i < o->n_props; i++) {
		const schema_node *in = inline_object(o->props[i].type);
		if (in == NULL)
			continue;
		doc_heading_begin(&p->o, level > 6 ? 6 : level, anchor_of(in));
		doc_code(&p->o, o->props[i].name);
		doc_text(&p->o, in == o->props[i].type ? " object" : " items");
		doc_heading_end(&p->o, level > 6 ? 6 : level);
		if (in->description != NULL) {
			doc_para_begin(&p->o);
			doc_text(&p->o, in->description);
			doc_para_end(&p->o);
		}
		/* properties() is done with its caption before it uses the scratch. */
		properties(p, in, text_fmt(&p->scratch, "Properties of %s", o->props[i].name),
		           level + 1);
	}
}

/* An object's or params' properties, in document order, then a table for
 * each inline object among them, one heading level down. */
static void properties(page *p, const schema_node *obj, const char *caption, int level)
{
	const schema_object *o = &obj->u.object;
	if (o->n_props == 0) {
		doc_para_begin(&p->o);
		doc_none(&p->o, "No properties.");
		doc_para_end(&p->o);
		return;
	}
	doc_table_begin(&p->o, caption, prop_cols, 5);
	for (size_t i = 0; i < o->n_props; i++) {
		const schema_prop *pr = &o->props[i];
		doc_row_begin(&p->o);
		doc_cell_begin(&p->o);
		doc_code(&p->o, pr->name);
		doc_cell_end(&p->o);
		doc_cell_begin(&p->o);
		put_type(p, pr->type);
		doc_cell_end(&p->o);
		doc_cell_begin(&p->o);
		doc_text(&p->o, pr->required ? "yes" : "no");
		doc_cell_end(&p->o);
		doc_cell_begin(&p->o);
		put_description(p, pr->type->description);
		doc_cell_end(&p->o);
		doc_cell_begin(&p->o);
		doc_list_begin(&p->o);
		if (pr->nullable) {
			doc_sep(&p->o);
			doc_text(&p->o, "nullable");
		}
		put_constraints(p, pr->type, "");
		doc_cell_end(&p->o);
		doc_row_end(&p->o);
	}
	doc_table_end(&p->o);
	nested_objects(p, obj, level);
}

/* ---- Defs ----------------------------------------------------------- */

static void heading(page *p, int level, const char *id, const char *s)
{
	doc_heading_begin(&p->o, level, id);
	doc_text(&p->o, s);
	doc_heading_end(&p->o, level);
}

static void para_none(page *p, const char *s)
{
	doc_para_begin(&p->o);
	doc_none(&p->o, s);
	doc_para_end(&p->o);
}

/* An input, output or message: its encoding and what its schema is. */
static void body(page *p, const schema_def *def, const schema_body *b, const char *title)
{
	heading(p, 3, NULL, title);
	if (b == NULL) {
		para_none(p, title[0] == 'I' ? "No input." : "No output.");
		return;
	}
	bool facts = b->encoding != NULL || (b->schema != NULL && b->schema->kind != SCHEMA_OBJECT);
	if (facts)
		doc_facts_begin(&p->o);
	if (b->encoding != NULL) {
		doc_fact_begin(&p->o, "Encoding");
		doc_code(&p->o, b->encoding);
		doc_fact_end(&p->o);
	}
	if (b->schema != NULL && b->schema->kind != SCHEMA_OBJECT) {
		doc_fact_begin(&p->o, "Schema");
		put_type(p, b->schema);
		doc_fact_end(&p->o);
	}
	if (facts)
		doc_facts_end(&p->o);
	if (b->description != NULL) {
		doc_para_begin(&p->o);
		doc_text(&p->o, b->description);
		doc_para_end(&p->o);
	}
	if (b->schema == NULL)
		para_none(p, "No schema: the body is any data of this encoding.");
	else if (b->schema->kind == SCHEMA_OBJECT)
		properties(p, b->schema, text_fmt(&p->scratch, "%s of %s", title, def->full_name),
		           4);
}

static const char *const error_cols[] = {"Name", "Description"};

static void method(page *p, const schema_def *def)
{
	const schema_xrpc *x = &def->node->u.xrpc;
	heading(p, 3, NULL, "Parameters");
	if (x->parameters == NULL || x->parameters->u.object.n_props == 0)
		para_none(p, "No parameters.");
	else
		properties(p, x->parameters,
		           text_fmt(&p->scratch, "Parameters of %s", def->full_name), 4);
	if (def->node->kind == SCHEMA_PROCEDURE)
		body(p, def, x->input, "Input");
	if (def->node->kind == SCHEMA_SUBSCRIPTION)
		body(p, def, x->message, "Message");
	else
		body(p, def, x->output, "Output");
	heading(p, 3, NULL, "Errors");
	if (x->n_errors == 0) {
		para_none(p, "No errors declared.");
		return;
	}
	doc_table_begin(&p->o, text_fmt(&p->scratch, "Errors of %s", def->full_name), error_cols,
	                2);
	for (size_t i = 0; i < x->n_errors; i++) {
		doc_row_begin(&p->o);
		doc_cell_begin(&p->o);
		doc_code(&p->o, x->errors[i].name);
		doc_cell_end(&p->o);
		doc_cell_begin(&p->o);
		put_description(p, x->errors[i].description);
		doc_cell_end(&p->o);
		doc_row_end(&p->o);
	}
	doc_table_end(&p->o);
}

static const char *const permission_cols[] = {"Resource", "Collections", "Actions", "Methods",
                                              "Audience"};

static void strs_cell(page *p, const schema_strs *v)
{
	doc_cell_begin(&p->o);
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0)
			doc_text(&p->o, ", ");
		doc_code(&p->o, v->items[i]);
	}
	doc_cell_end(&p->o);
}

static void permission_set(page *p, const schema_def *def)
{
	const schema_permission_set *ps = &def->node->u.permission_set;
	doc_facts_begin(&p->o);
	if (ps->title != NULL) {
		doc_fact_begin(&p->o, "Title");
		doc_text(&p->o, ps->title);
		doc_fact_end(&p->o);
	}
	if (ps->detail != NULL) {
		doc_fact_begin(&p->o, "Detail");
		doc_text(&p->o, ps->detail);
		doc_fact_end(&p->o);
	}
	doc_facts_end(&p->o);
	heading(p, 3, NULL, "Permissions");
	if (ps->n_permissions == 0) {
		para_none(p, "No permissions.");
		return;
	}
	doc_table_begin(&p->o, text_fmt(&p->scratch, "Permissions of %s", def->full_name),
	                permission_cols, 5);
	for (size_t i = 0; i < ps->n_permissions; i++) {
		const schema_permission *pm = &ps->permissions[i]->u.permission;
		doc_row_begin(&p->o);
		doc_cell_begin(&p->o);
		if (pm->resource != NULL)
			doc_code(&p->o, pm->resource);
		doc_cell_end(&p->o);
		strs_cell(p, &pm->collection);
		strs_cell(p, &pm->action);
		strs_cell(p, &pm->lxm);
		doc_cell_begin(&p->o);
		if (pm->aud != NULL)
			doc_code(&p->o, pm->aud);
		else if (pm->has_inherit_aud && pm->inherit_aud)
			doc_text(&p->o, "inherited");
		doc_cell_end(&p->o);
		doc_row_end(&p->o);
	}
	doc_table_end(&p->o);
}

static void def_facts(page *p, const schema_def *def)
{
	const schema_node *n = def->node;
	doc_facts_begin(&p->o);
	doc_fact_begin(&p->o, "Type");
	if (schema_kind_is_primary(n->kind) || n->kind == SCHEMA_OBJECT || n->kind == SCHEMA_TOKEN)
		doc_text(&p->o, schema_kind_name(n->kind));
	else
		put_type(p, n);
	doc_fact_end(&p->o);
	doc_fact_begin(&p->o, "Reference");
	doc_code(&p->o, def->full_name);
	doc_fact_end(&p->o);
	if (n->kind == SCHEMA_QUERY || n->kind == SCHEMA_PROCEDURE ||
	    n->kind == SCHEMA_SUBSCRIPTION) {
		doc_fact_begin(&p->o, "HTTP");
		doc_code(&p->o, text_fmt(&p->scratch, "%s /xrpc/%s",
		                         n->kind == SCHEMA_PROCEDURE ? "POST" : "GET", p->doc->id));
		if (n->kind == SCHEMA_SUBSCRIPTION)
			doc_text(&p->o, " (WebSocket)");
		doc_fact_end(&p->o);
	}
	if (n->kind == SCHEMA_RECORD && n->u.record.key != NULL) {
		doc_fact_begin(&p->o, "Record key");
		doc_code(&p->o, n->u.record.key);
		const char *m = record_key_meaning(n->u.record.key_type);
		if (m != NULL) {
			doc_text(&p->o, " (");
			doc_text(&p->o, m);
			doc_text(&p->o, ")");
		}
		doc_fact_end(&p->o);
	}
	if (!schema_kind_is_primary(n->kind) && n->kind != SCHEMA_OBJECT &&
	    n->kind != SCHEMA_TOKEN) {
		size_t before = p->o.t->len;
		doc_fact_begin(&p->o, "Constraints");
		size_t start = p->o.t->len;
		doc_list_begin(&p->o);
		put_constraints(p, n, "");
		if (p->o.t->len == start)
			p->o.t->len = before; /* none: no line */
		else
			doc_fact_end(&p->o);
		p->o.in_cell = false;
		if (p->o.t->buf != NULL)
			p->o.t->buf[p->o.t->len] = '\0';
	}
	doc_facts_end(&p->o);
}

static void raw_json(page *p, const schema_def *def)
{
	char *json = json_dumps(def->node->json, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (json == NULL)
		diag_out_of_memory();
	doc_raw_block(&p->o, "Raw schema", "json", json);
	free(json);
}

static void def_section(page *p, const schema_def *def)
{
	const schema_node *n = def->node;
	doc_section_begin(&p->o);
	heading(p, 2, def->name, def->name);
	def_facts(p, def);
	doc_para_begin(&p->o);
	put_description(p, n->description);
	doc_para_end(&p->o);
	switch (n->kind) {
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
	case SCHEMA_SUBSCRIPTION:
		method(p, def);
		break;
	case SCHEMA_RECORD:
		if (n->u.record.record != NULL)
			properties(p, n->u.record.record,
			           text_fmt(&p->scratch, "Properties of %s", def->full_name), 3);
		break;
	case SCHEMA_OBJECT:
		properties(p, n, text_fmt(&p->scratch, "Properties of %s", def->full_name), 3);
		break;
	case SCHEMA_TOKEN:
		doc_para_begin(&p->o);
		doc_text(&p->o, "A token: a name with no data, used as the string ");
		doc_code(&p->o, def->full_name);
		doc_text(&p->o, ".");
		doc_para_end(&p->o);
		break;
	case SCHEMA_PERMISSION_SET:
		permission_set(p, def);
		break;
	default:
		break;
	}
	if (p->opt->interactive && p->opt->fmt == DOC_HTML) {
		if (def == p->doc->main && (n->kind == SCHEMA_QUERY || n->kind == SCHEMA_PROCEDURE))
			doc_try_form(&p->o, def);
		if (n->kind == SCHEMA_RECORD || n->kind == SCHEMA_OBJECT)
			doc_validate_form(&p->o, def);
	}
	raw_json(p, def);
	doc_section_end(&p->o);
}

/* ---- Pages ---------------------------------------------------------- */

static void page_init(page *p, const schema_set *set, const schema_doc *doc, const doc_options *opt,
                      text *out)
{
	p->o = (doc_out){.t = out, .fmt = opt->fmt};
	p->opt = opt;
	p->set = set;
	p->doc = doc;
	text_init(&p->scratch);
}

void doc_page(const schema_set *set, const schema_doc *doc, const doc_options *opt, text *out)
{
	page p;
	page_init(&p, set, doc, opt, out);
	doc_page_begin(&p.o, doc->id, opt->index);
	heading(&p, 1, NULL, doc->id);
	doc_facts_begin(&p.o);
	json_t *lex = doc->root != NULL ? json_object_get(doc->root, "lexicon") : NULL;
	if (json_is_integer(lex)) {
		doc_fact_begin(&p.o, "Lexicon version");
		doc_text(&p.o,
		         text_fmt(&p.scratch, "%" JSON_INTEGER_FORMAT, json_integer_value(lex)));
		doc_fact_end(&p.o);
	}
	doc_fact_begin(&p.o, "Definitions");
	for (size_t i = 0; i < doc->n_defs; i++) {
		if (i > 0)
			doc_text(&p.o, ", ");
		doc_link(&p.o, text_fmt(&p.scratch, "#%s", doc->defs[i].name), doc->defs[i].name,
		         true);
	}
	doc_fact_end(&p.o);
	doc_facts_end(&p.o);
	if (doc->description != NULL) {
		doc_para_begin(&p.o);
		doc_text(&p.o, doc->description);
		doc_para_end(&p.o);
	}
	for (size_t i = 0; i < doc->n_defs; i++)
		def_section(&p, &doc->defs[i]);
	if (opt->interactive && opt->fmt == DOC_HTML)
		doc_script(&p.o);
	doc_page_end(&p.o);
	text_free(&p.scratch);
}

static const char *const index_cols[] = {"NSID", "Type", "Description"};

void doc_index(const schema_set *set, const doc_options *opt, text *out)
{
	page p;
	page_init(&p, set, NULL, opt, out);
	doc_page_begin(&p.o, "Lexicons", NULL);
	heading(&p, 1, NULL, "Lexicons");
	size_t n = 0;
	for (size_t i = 0; i < set->n_by_id; i++)
		n += doc_rendered(set->by_id[i]);
	doc_para_begin(&p.o);
	doc_text(&p.o, text_fmt(&p.scratch, "%zu lexicon document%s.", n, n == 1 ? "" : "s"));
	doc_para_end(&p.o);
	doc_table_begin(&p.o, "Lexicon documents by NSID", index_cols, 3);
	for (size_t i = 0; i < set->n_by_id; i++) {
		const schema_doc *d = set->by_id[i];
		if (!doc_rendered(d))
			continue;
		doc_row_begin(&p.o);
		doc_cell_begin(&p.o);
		doc_link(&p.o, text_fmt(&p.scratch, "%s%s", d->id, opt->ext), d->id, true);
		doc_cell_end(&p.o);
		doc_cell_begin(&p.o);
		doc_text(&p.o,
		         d->main != NULL ? schema_kind_name(d->main->node->kind) : "definitions");
		doc_cell_end(&p.o);
		doc_cell_begin(&p.o);
		const char *desc = d->description;
		if (desc == NULL && d->main != NULL)
			desc = d->main->node->description;
		put_description(&p, desc);
		doc_cell_end(&p.o);
		doc_row_end(&p.o);
	}
	doc_table_end(&p.o);
	doc_page_end(&p.o);
	text_free(&p.scratch);
}

bool doc_set(const schema_set *set, const doc_options *opt, doc_write_fn write, void *ctx)
{
	text t, name;
	text_init(&t);
	text_init(&name);
	bool ok = true;
	for (size_t i = 0; ok && i < set->n_by_id; i++) {
		const schema_doc *d = set->by_id[i];
		if (!doc_rendered(d))
			continue;
		text_reset(&t);
		doc_page(set, d, opt, &t);
		const char *file = text_fmt(&name, "%s%s", d->id, opt->ext);
		ok = write(ctx, file, t.buf, t.len);
	}
	if (ok) {
		text_reset(&t);
		doc_index(set, opt, &t);
		ok = write(ctx, opt->index, t.buf, t.len);
	}
	text_free(&t);
	text_free(&name);
	return ok;
}
