/* Parsing lexicon documents (jansson DOMs, see load.c) into the model of
 * schema.h: the structural parse of every node type. Structural problems
 * (a key of the wrong JSON type, a missing required key, an unknown
 * "type") are reported here; the rules on values are in check.c and refs
 * in resolve.c. */
#include "config.h"

#include "stages.h"

#include <lexc/format.h>

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Typed access to JSON members ------------------------------------ */

typedef struct parse_ctx {
	schema_set *set;
	schema_doc *doc;
	const schema_def *def;
	uint32_t order;
} parse_ctx;

/* A JSON object being read: its path and the order its diagnostics sort by. */
typedef struct jobj {
	json_t *obj;
	const char *path;
	uint32_t order;
} jobj;

typedef enum want { WANT_STRING, WANT_INTEGER, WANT_BOOLEAN, WANT_OBJECT, WANT_ARRAY } want;

static const char *want_name[] = {"a string", "an integer", "a boolean", "an object", "an array"};

static const char *json_kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Integers, and reals with an integral value in range (JSON does not tell
 * 1 from 1.0, and neither does the TypeScript reference). */
static bool json_as_int(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		/* In range first: the cast of an out-of-range double is undefined. */
		if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
		    (double)(int64_t)d == d) {
			*out = (int64_t)d;
			return true;
		}
	}
	return false;
}

static bool json_is_want(const json_t *v, want w)
{
	int64_t ignored;
	switch (w) {
	case WANT_STRING:
		return json_is_string(v);
	case WANT_INTEGER:
		return json_as_int(v, &ignored);
	case WANT_BOOLEAN:
		return json_is_boolean(v);
	case WANT_OBJECT:
		return json_is_object(v);
	default:
		return json_is_array(v);
	}
}

static void parse_error(parse_ctx *c, const jobj *o, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;

static void parse_error(parse_ctx *c, const jobj *o, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag *d = diag_addv(&c->set->diags, DIAG_ERROR, c->doc->file, path != NULL ? path : o->path,
	                    fmt, ap);
	va_end(ap);
	d->owner = c->doc->index + 1;
	d->order = o->order;
}

static void type_error(parse_ctx *c, const jobj *o, const char *path, const json_t *v, want w)
{
	parse_error(c, o, path, "expected %s, got %s", want_name[w], json_kind_name(v));
}

/* The member `key` when present and of the wanted type; a present member of
 * another type is reported and yields NULL. */
static json_t *member(parse_ctx *c, const jobj *o, const char *key, want w)
{
	json_t *v = json_object_get(o->obj, key);
	if (v != NULL && !json_is_want(v, w)) {
		type_error(c, o, schema_path_key(c->set, o->path, key), v, w);
		return NULL;
	}
	return v;
}

/* Like member(), and reports a missing key. */
static json_t *required(parse_ctx *c, const jobj *o, const char *key, want w)
{
	if (json_object_get(o->obj, key) == NULL) {
		parse_error(c, o, NULL, "missing \"%s\"", key);
		return NULL;
	}
	return member(c, o, key, w);
}

static const char *opt_string(parse_ctx *c, const jobj *o, const char *key)
{
	json_t *v = member(c, o, key, WANT_STRING);
	return v != NULL ? json_string_value(v) : NULL;
}

static schema_int opt_int(parse_ctx *c, const jobj *o, const char *key)
{
	schema_int r = {false, 0};
	json_t *v = member(c, o, key, WANT_INTEGER);
	if (v != NULL)
		r.set = json_as_int(v, &r.value);
	return r;
}

static void opt_bool(parse_ctx *c, const jobj *o, const char *key, bool *has, bool *value)
{
	json_t *v = member(c, o, key, WANT_BOOLEAN);
	*has = v != NULL;
	*value = v != NULL && json_is_true(v);
}

/* The path of element i of the array under `key`, for a diagnostic. */
static const char *element_path(parse_ctx *c, const jobj *o, const char *key, size_t i)
{
	return schema_path_index(c->set, schema_path_key(c->set, o->path, key), i);
}

/* An array of strings; entries of another type are reported and left out. */
static schema_strs strings_of(parse_ctx *c, const jobj *o, json_t *arr, const char *key)
{
	schema_strs r = {true, 0, NULL};
	size_t n = json_array_size(arr);
	r.items = schema_calloc(c->set, n, sizeof *r.items);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		if (json_is_string(e))
			r.items[r.n++] = json_string_value(e);
		else
			type_error(c, o, element_path(c, o, key, i), e, WANT_STRING);
	}
	return r;
}

static schema_strs opt_strings(parse_ctx *c, const jobj *o, const char *key)
{
	json_t *v = member(c, o, key, WANT_ARRAY);
	if (v == NULL)
		return (schema_strs){false, 0, NULL};
	return strings_of(c, o, v, key);
}

/* ---- Nodes ------------------------------------------------------------ */

static schema_node *parse_node(parse_ctx *c, json_t *j, const char *path);

static void parse_boolean(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_boolean *b = &n->u.boolean;
	opt_bool(c, o, "default", &b->has_default, &b->default_value);
	opt_bool(c, o, "const", &b->has_const, &b->const_value);
}

static void parse_integer(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_integer *in = &n->u.integer;
	in->minimum = opt_int(c, o, "minimum");
	in->maximum = opt_int(c, o, "maximum");
	in->default_value = opt_int(c, o, "default");
	in->const_value = opt_int(c, o, "const");
	json_t *e = member(c, o, "enum", WANT_ARRAY);
	if (e == NULL)
		return;
	size_t len = json_array_size(e);
	int64_t *vals = schema_calloc(c->set, len, sizeof *vals);
	in->has_enum = true;
	if (len == 0)
		parse_error(c, o, NULL, "\"enum\" must not be empty");
	for (size_t i = 0; i < len; i++) {
		json_t *v = json_array_get(e, i);
		if (json_as_int(v, &vals[in->n_enum]))
			in->n_enum++;
		else
			type_error(c, o, element_path(c, o, "enum", i), v, WANT_INTEGER);
	}
	in->enum_values = vals;
}

static void parse_string(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_string *s = &n->u.string;
	s->format_name = opt_string(c, o, "format");
	if (s->format_name != NULL)
		s->format = lexc_format_from_name(s->format_name, strlen(s->format_name));
	s->min_length = opt_int(c, o, "minLength");
	s->max_length = opt_int(c, o, "maxLength");
	s->min_graphemes = opt_int(c, o, "minGraphemes");
	s->max_graphemes = opt_int(c, o, "maxGraphemes");
	s->enum_values = opt_strings(c, o, "enum");
	if (s->enum_values.set && json_array_size(json_object_get(o->obj, "enum")) == 0)
		parse_error(c, o, NULL, "\"enum\" must not be empty");
	s->known_values = opt_strings(c, o, "knownValues");
	s->default_value = opt_string(c, o, "default");
	s->const_value = opt_string(c, o, "const");
}

static void parse_bytes(parse_ctx *c, schema_node *n, const jobj *o)
{
	n->u.bytes.min_length = opt_int(c, o, "minLength");
	n->u.bytes.max_length = opt_int(c, o, "maxLength");
}

static void parse_blob(parse_ctx *c, schema_node *n, const jobj *o)
{
	n->u.blob.accept = opt_strings(c, o, "accept");
	n->u.blob.max_size = opt_int(c, o, "maxSize");
}

static void parse_array(parse_ctx *c, schema_node *n, const jobj *o)
{
	n->u.array.min_length = opt_int(c, o, "minLength");
	n->u.array.max_length = opt_int(c, o, "maxLength");
	json_t *items = required(c, o, "items", WANT_OBJECT);
	if (items != NULL)
		n->u.array.items = parse_node(c, items, schema_path_key(c->set, o->path, "items"));
}

static int prop_cmp(const void *a, const void *b)
{
	const schema_prop *x = *(const schema_prop *const *)a, *y = *(const schema_prop *const *)b;
	return strcmp(x->name, y->name);
}

/* Sets the required/nullable flags named by a list (unknown names are the
 * checker's business). */
static void mark_props(schema_object *ob, const schema_strs *names, bool nullable)
{
	for (size_t i = 0; i < names->n; i++) {
		schema_prop *p = (schema_prop *)schema_object_find_prop(ob, names->items[i]);
		if (p != NULL && nullable)
			p->nullable = true;
		else if (p != NULL)
			p->required = true;
	}
}

static void parse_properties(parse_ctx *c, schema_node *n, const jobj *o, bool with_nullable)
{
	schema_object *ob = &n->u.object;
	json_t *props = required(c, o, "properties", WANT_OBJECT);
	ob->required = opt_strings(c, o, "required");
	if (with_nullable)
		ob->nullable = opt_strings(c, o, "nullable");
	if (props == NULL)
		return;
	ob->has_properties = true;
	size_t len = json_object_size(props);
	ob->props = schema_calloc(c->set, len, sizeof *ob->props);
	ob->by_name = schema_calloc(c->set, len, sizeof *ob->by_name);
	const char *base = schema_path_key(c->set, o->path, "properties");
	for (void *it = json_object_iter(props); it != NULL;
	     it = json_object_iter_next(props, it)) {
		const char *key = json_object_iter_key(it);
		schema_prop *p = &ob->props[ob->n_props];
		p->name = key;
		p->type = parse_node(c, json_object_iter_value(it),
		                     schema_path_key(c->set, base, key));
		ob->by_name[ob->n_props++] = p;
	}
	if (ob->n_props > 1)
		qsort(ob->by_name, ob->n_props, sizeof *ob->by_name, prop_cmp);
	mark_props(ob, &ob->required, false);
	mark_props(ob, &ob->nullable, true);
}

static void parse_object(parse_ctx *c, schema_node *n, const jobj *o)
{
	parse_properties(c, n, o, true);
}

static void parse_params(parse_ctx *c, schema_node *n, const jobj *o)
{
	parse_properties(c, n, o, false);
}

static void parse_ref(parse_ctx *c, schema_node *n, const jobj *o)
{
	json_t *r = required(c, o, "ref", WANT_STRING);
	n->u.ref.ref = r != NULL ? json_string_value(r) : NULL;
}

static void parse_union(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_union *un = &n->u.union_;
	bool has_closed;
	opt_bool(c, o, "closed", &has_closed, &un->closed);
	json_t *refs = required(c, o, "refs", WANT_ARRAY);
	if (refs == NULL)
		return;
	schema_strs s = strings_of(c, o, refs, "refs");
	un->has_refs = true;
	un->refs = schema_calloc(c->set, s.n, sizeof *un->refs);
	for (size_t i = 0; i < s.n; i++)
		un->refs[un->n_refs++].ref = s.items[i];
}

/* tid, nsid, any or literal:<record-key>; the checker reports the rest. */
static void classify_record_key(schema_record *r)
{
	const char *k = r->key;
	if (strcmp(k, "tid") == 0)
		r->key_type = SCHEMA_KEY_TID;
	else if (strcmp(k, "nsid") == 0)
		r->key_type = SCHEMA_KEY_NSID;
	else if (strcmp(k, "any") == 0)
		r->key_type = SCHEMA_KEY_ANY;
	else if (strncmp(k, "literal:", 8) == 0 &&
	         lexc_format_record_key(k + 8, strlen(k + 8), NULL))
		r->key_type = SCHEMA_KEY_LITERAL;
	if (r->key_type == SCHEMA_KEY_LITERAL)
		r->key_literal = k + 8;
}

static void parse_record(parse_ctx *c, schema_node *n, const jobj *o)
{
	json_t *key = required(c, o, "key", WANT_STRING);
	n->u.record.key = key != NULL ? json_string_value(key) : NULL;
	if (n->u.record.key != NULL)
		classify_record_key(&n->u.record);
	json_t *rec = required(c, o, "record", WANT_OBJECT);
	if (rec != NULL)
		n->u.record.record = parse_node(c, rec, schema_path_key(c->set, o->path, "record"));
}

/* input, output or message. */
static schema_body *parse_body(parse_ctx *c, const jobj *o, const char *key, bool message)
{
	json_t *j = member(c, o, key, WANT_OBJECT);
	if (j == NULL)
		return NULL;
	schema_body *b = schema_calloc(c->set, 1, sizeof *b);
	b->path = schema_path_key(c->set, o->path, key);
	b->order = ++c->order;
	jobj bo = {j, b->path, b->order};
	b->description = opt_string(c, &bo, "description");
	json_t *schema;
	if (message) {
		schema = required(c, &bo, "schema", WANT_OBJECT);
	} else {
		json_t *enc = required(c, &bo, "encoding", WANT_STRING);
		b->encoding = enc != NULL ? json_string_value(enc) : NULL;
		schema = member(c, &bo, "schema", WANT_OBJECT);
	}
	if (schema != NULL)
		b->schema = parse_node(c, schema, schema_path_key(c->set, b->path, "schema"));
	return b;
}

static void parse_errors(parse_ctx *c, schema_xrpc *x, const jobj *o)
{
	json_t *errs = member(c, o, "errors", WANT_ARRAY);
	if (errs == NULL)
		return;
	const char *base = schema_path_key(c->set, o->path, "errors");
	size_t len = json_array_size(errs);
	x->errors = schema_calloc(c->set, len, sizeof *x->errors);
	for (size_t i = 0; i < len; i++) {
		json_t *e = json_array_get(errs, i);
		jobj eo = {e, schema_path_index(c->set, base, i), ++c->order};
		if (!json_is_object(e)) {
			type_error(c, &eo, eo.path, e, WANT_OBJECT);
			continue;
		}
		json_t *name = required(c, &eo, "name", WANT_STRING);
		if (name == NULL)
			continue;
		schema_xrpc_error *xe = &x->errors[x->n_errors++];
		xe->path = eo.path;
		xe->order = eo.order;
		xe->name = json_string_value(name);
		xe->description = opt_string(c, &eo, "description");
	}
}

static void parse_xrpc(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_xrpc *x = &n->u.xrpc;
	json_t *params = member(c, o, "parameters", WANT_OBJECT);
	if (params != NULL)
		x->parameters =
		        parse_node(c, params, schema_path_key(c->set, o->path, "parameters"));
	if (n->kind == SCHEMA_PROCEDURE)
		x->input = parse_body(c, o, "input", false);
	if (n->kind != SCHEMA_SUBSCRIPTION)
		x->output = parse_body(c, o, "output", false);
	else
		x->message = parse_body(c, o, "message", true);
	parse_errors(c, x, o);
}

/* "title:lang" and "detail:lang": objects from language tag to text. */
static schema_lang_str *parse_langs(parse_ctx *c, const jobj *o, const char *key, size_t *n)
{
	*n = 0;
	json_t *m = member(c, o, key, WANT_OBJECT);
	if (m == NULL)
		return NULL;
	schema_lang_str *r = schema_calloc(c->set, json_object_size(m), sizeof *r);
	const char *base = schema_path_key(c->set, o->path, key);
	for (void *it = json_object_iter(m); it != NULL; it = json_object_iter_next(m, it)) {
		const char *lang = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);
		if (!json_is_string(v)) {
			type_error(c, o, schema_path_key(c->set, base, lang), v, WANT_STRING);
			continue;
		}
		r[*n].lang = lang;
		r[(*n)++].text = json_string_value(v);
	}
	return r;
}

static void parse_permission_set(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_permission_set *ps = &n->u.permission_set;
	ps->title = opt_string(c, o, "title");
	ps->detail = opt_string(c, o, "detail");
	ps->title_lang = parse_langs(c, o, "title:lang", &ps->n_title_lang);
	ps->detail_lang = parse_langs(c, o, "detail:lang", &ps->n_detail_lang);
	json_t *perms = required(c, o, "permissions", WANT_ARRAY);
	if (perms == NULL)
		return;
	const char *base = schema_path_key(c->set, o->path, "permissions");
	ps->has_permissions = true;
	ps->n_permissions = json_array_size(perms);
	ps->permissions = schema_calloc(c->set, ps->n_permissions, sizeof *ps->permissions);
	for (size_t i = 0; i < ps->n_permissions; i++)
		ps->permissions[i] =
		        parse_node(c, json_array_get(perms, i), schema_path_index(c->set, base, i));
}

/* Only the repo and rpc resources have rules; others are kept as JSON. */
static void parse_permission(parse_ctx *c, schema_node *n, const jobj *o)
{
	schema_permission *p = &n->u.permission;
	json_t *res = required(c, o, "resource", WANT_STRING);
	p->resource = res != NULL ? json_string_value(res) : NULL;
	if (p->resource == NULL)
		return;
	if (strcmp(p->resource, "repo") == 0) {
		p->collection = opt_strings(c, o, "collection");
		p->action = opt_strings(c, o, "action");
	} else if (strcmp(p->resource, "rpc") == 0) {
		p->lxm = opt_strings(c, o, "lxm");
		p->aud = opt_string(c, o, "aud");
		opt_bool(c, o, "inheritAud", &p->has_inherit_aud, &p->inherit_aud);
	}
}

static void parse_nothing(parse_ctx *c, schema_node *n, const jobj *o)
{
	(void)c, (void)n, (void)o;
}

typedef void (*parse_fn)(parse_ctx *c, schema_node *n, const jobj *o);

static const parse_fn parsers[SCHEMA_KIND_COUNT_] = {
        [SCHEMA_INVALID] = parse_nothing,
        [SCHEMA_BOOLEAN] = parse_boolean,
        [SCHEMA_INTEGER] = parse_integer,
        [SCHEMA_STRING] = parse_string,
        [SCHEMA_BYTES] = parse_bytes,
        [SCHEMA_CID_LINK] = parse_nothing,
        [SCHEMA_BLOB] = parse_blob,
        [SCHEMA_ARRAY] = parse_array,
        [SCHEMA_OBJECT] = parse_object,
        [SCHEMA_PARAMS] = parse_params,
        [SCHEMA_TOKEN] = parse_nothing,
        [SCHEMA_REF] = parse_ref,
        [SCHEMA_UNION] = parse_union,
        [SCHEMA_UNKNOWN] = parse_nothing,
        [SCHEMA_RECORD] = parse_record,
        [SCHEMA_QUERY] = parse_xrpc,
        [SCHEMA_PROCEDURE] = parse_xrpc,
        [SCHEMA_SUBSCRIPTION] = parse_xrpc,
        [SCHEMA_PERMISSION_SET] = parse_permission_set,
        [SCHEMA_PERMISSION] = parse_permission,
};

/* Any schema node. Never NULL: a node that is not an object or has no valid
 * "type" comes back as SCHEMA_INVALID, already reported. */
static schema_node *parse_node(parse_ctx *c, json_t *j, const char *path)
{
	schema_node *n = schema_calloc(c->set, 1, sizeof *n);
	n->order = ++c->order;
	n->path = path;
	n->doc = c->doc;
	n->def = c->def;
	n->json = j;
	jobj o = {j, path, n->order};
	if (!json_is_object(j)) {
		type_error(c, &o, path, j, WANT_OBJECT);
		return n;
	}
	json_t *t = required(c, &o, "type", WANT_STRING);
	if (t == NULL)
		return n;
	n->kind = schema_kind_from_name(json_string_value(t));
	if (n->kind == SCHEMA_INVALID)
		parse_error(c, &o, NULL, "unknown type %s",
		            schema_quote(c->set, json_string_value(t)));
	n->description = opt_string(c, &o, "description");
	parsers[n->kind](c, n, &o);
	return n;
}

/* ---- Documents ------------------------------------------------------- */

static int def_cmp(const void *a, const void *b)
{
	const schema_def *x = *(const schema_def *const *)a, *y = *(const schema_def *const *)b;
	return strcmp(x->name, y->name);
}

static const char *def_full_name(schema_set *set, const char *id, const char *name)
{
	if (strcmp(name, "main") == 0)
		return id;
	size_t il = strlen(id), nl = strlen(name);
	char *s = schema_alloc(set, il + nl + 2);
	memcpy(s, id, il);
	s[il] = '#';
	memcpy(s + il + 1, name, nl + 1);
	return s;
}

static void parse_defs(parse_ctx *c, const jobj *o, const char *id)
{
	json_t *defs = required(c, o, "defs", WANT_OBJECT);
	if (defs == NULL)
		return;
	schema_doc *doc = c->doc;
	const char *base = schema_path_key(c->set, "$", "defs");
	size_t len = json_object_size(defs);
	if (len == 0)
		parse_error(c, o, base, "a lexicon must have at least one def");
	doc->defs = schema_calloc(c->set, len, sizeof *doc->defs);
	doc->by_name = schema_calloc(c->set, len, sizeof *doc->by_name);
	for (void *it = json_object_iter(defs); it != NULL; it = json_object_iter_next(defs, it)) {
		const char *name = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);
		schema_def *d = &doc->defs[doc->n_defs];
		d->name = name;
		d->full_name = def_full_name(c->set, id, name);
		d->doc = doc;
		c->def = d;
		d->node = parse_node(c, v, schema_path_key(c->set, base, name));
		if (!schema_def_name_valid(name, strlen(name)))
			schema_report(c->set, doc, d->node, NULL, DIAG_ERROR,
			              "invalid def name %s: use an ASCII letter, then letters, "
			              "digits or '_'",
			              schema_quote(c->set, name));
		if (strcmp(name, "main") == 0)
			doc->main = d;
		doc->by_name[doc->n_defs++] = d;
	}
	c->def = NULL;
	if (doc->n_defs > 1)
		qsort(doc->by_name, doc->n_defs, sizeof *doc->by_name, def_cmp);
}

/* "lexicon" must be the integer 1 and "id" a valid NSID. */
static const char *parse_header(parse_ctx *c, const jobj *o)
{
	json_t *lex = required(c, o, "lexicon", WANT_INTEGER);
	int64_t version;
	if (lex != NULL && json_as_int(lex, &version) && version != 1)
		parse_error(c, o, "$.lexicon",
		            "unsupported lexicon version %" PRId64 " (must be 1)", version);
	c->doc->description = opt_string(c, o, "description");
	json_t *idv = required(c, o, "id", WANT_STRING);
	if (idv == NULL)
		return "";
	const char *id = json_string_value(idv);
	const char *reason = NULL;
	if (lexc_format_nsid(id, strlen(id), &reason))
		c->doc->id = id;
	else
		parse_error(c, o, "$.id", "invalid NSID %s: %s", schema_quote(c->set, id), reason);
	return id;
}

void schema_parse_doc(schema_set *set, schema_doc *doc)
{
	json_t *root = doc->root;
	parse_ctx c = {set, doc, NULL, 0};
	jobj o = {root, "$", 0};
	if (!json_is_object(root)) {
		parse_error(&c, &o, NULL, "a lexicon document must be a JSON object, not %s",
		            json_kind_name(root));
		return;
	}
	const char *id = parse_header(&c, &o);
	parse_defs(&c, &o, id);
}
