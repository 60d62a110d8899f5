/* Loading lexicon documents into the schema model: files and directory
 * trees, JSON parsing (jansson), and the structural parse of every node
 * type. Structural problems (a key of the wrong JSON type, a missing
 * required key, an unknown "type") are reported here; the rules on values
 * are in check.c and refs in resolve.c. */
#include "config.h"

#include "schema.h"

#include <lexc/format.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Set, memory, reporting ----------------------------------------- */

struct schema_file_id_ {
	dev_t dev;
	ino_t ino;
};

void *schema_alloc(schema_set *set, size_t size)
{
	return diag_xalloc(&set->arena, size);
}

char *schema_strdup(schema_set *set, const char *s, size_t len)
{
	char *d = schema_alloc(set, len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Returns n elements of `size` bytes, zeroed. */
static void *schema_calloc(schema_set *set, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		diag_out_of_memory();
	void *p = schema_alloc(set, n * size);
	memset(p, 0, n * size);
	return p;
}

schema_set *schema_set_new(void)
{
	schema_set *set = calloc(1, sizeof *set);
	if (set == NULL)
		diag_out_of_memory();
	lexc_arena_init(&set->arena);
	diag_init(&set->diags, &set->arena);
	return set;
}

void schema_set_free(schema_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n_docs; i++)
		json_decref(set->docs[i]->root);
	lexc_arena_free(&set->arena);
	free(set);
}

void schema_report(schema_set *set, const schema_doc *doc, const schema_node *node,
                   const char *path, diag_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (path == NULL && node != NULL)
		path = node->path;
	diag *d = diag_addv(&set->diags, sev, doc->file, path, fmt, ap);
	va_end(ap);
	d->owner = doc->index + 1;
	d->order = node != NULL ? node->order : 0;
}

/* A JSON string literal of `s`, for quoting user text in messages: control
 * characters never reach the terminal raw. */
const char *schema_quote(schema_set *set, const char *s)
{
	size_t len = strlen(s), n = 2;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		n += c == '"' || c == '\\' ? 2 : c < 0x20 || c == 0x7F ? 6 : 1;
	}
	char *q = schema_alloc(set, n + 1), *p = q;
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			p += snprintf(p, 7, "\\u%04x", c);
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

/* ---- JSON paths ------------------------------------------------------ */

/* Keys written as ".key" (the convention of lexc_error paths). */
static bool path_key_is_plain(const char *key)
{
	if (key[0] == '\0')
		return false;
	for (size_t i = 0; key[i] != '\0'; i++) {
		char c = key[i];
		bool alpha =
		        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
		if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

const char *schema_path_key(schema_set *set, const char *base, const char *key)
{
	size_t blen = strlen(base);
	if (path_key_is_plain(key)) {
		size_t klen = strlen(key);
		char *p = schema_alloc(set, blen + klen + 2);
		memcpy(p, base, blen);
		p[blen] = '.';
		memcpy(p + blen + 1, key, klen + 1);
		return p;
	}
	const char *q = schema_quote(set, key);
	size_t qlen = strlen(q);
	char *p = schema_alloc(set, blen + qlen + 3);
	memcpy(p, base, blen);
	p[blen] = '[';
	memcpy(p + blen + 1, q, qlen);
	memcpy(p + blen + 1 + qlen, "]", 2);
	return p;
}

const char *schema_path_index(schema_set *set, const char *base, size_t i)
{
	size_t n = strlen(base) + 24;
	char *p = schema_alloc(set, n);
	snprintf(p, n, "%s[%zu]", base, i);
	return p;
}

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

static const char *const kind_names[SCHEMA_KIND_COUNT_] = {
        [SCHEMA_INVALID] = "",
        [SCHEMA_BOOLEAN] = "boolean",
        [SCHEMA_INTEGER] = "integer",
        [SCHEMA_STRING] = "string",
        [SCHEMA_BYTES] = "bytes",
        [SCHEMA_CID_LINK] = "cid-link",
        [SCHEMA_BLOB] = "blob",
        [SCHEMA_ARRAY] = "array",
        [SCHEMA_OBJECT] = "object",
        [SCHEMA_PARAMS] = "params",
        [SCHEMA_TOKEN] = "token",
        [SCHEMA_REF] = "ref",
        [SCHEMA_UNION] = "union",
        [SCHEMA_UNKNOWN] = "unknown",
        [SCHEMA_RECORD] = "record",
        [SCHEMA_QUERY] = "query",
        [SCHEMA_PROCEDURE] = "procedure",
        [SCHEMA_SUBSCRIPTION] = "subscription",
        [SCHEMA_PERMISSION_SET] = "permission-set",
        [SCHEMA_PERMISSION] = "permission",
};

const char *schema_kind_name(schema_kind kind)
{
	return (unsigned)kind < SCHEMA_KIND_COUNT_ ? kind_names[kind] : "";
}

bool schema_kind_is_primary(schema_kind kind)
{
	return kind == SCHEMA_RECORD || kind == SCHEMA_QUERY || kind == SCHEMA_PROCEDURE ||
	       kind == SCHEMA_SUBSCRIPTION || kind == SCHEMA_PERMISSION_SET;
}

static schema_kind kind_from_name(const char *name)
{
	for (int k = SCHEMA_INVALID + 1; k < SCHEMA_KIND_COUNT_; k++)
		if (strcmp(kind_names[k], name) == 0)
			return (schema_kind)k;
	return SCHEMA_INVALID;
}

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

const schema_prop *schema_object_find_prop(const schema_object *o, const char *name)
{
	size_t lo = 0, hi = o->n_props;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, o->by_name[mid]->name);
		if (c == 0)
			return o->by_name[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
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
	n->kind = kind_from_name(json_string_value(t));
	if (n->kind == SCHEMA_INVALID)
		parse_error(c, &o, NULL, "unknown type %s",
		            schema_quote(c->set, json_string_value(t)));
	n->description = opt_string(c, &o, "description");
	parsers[n->kind](c, n, &o);
	return n;
}

/* ---- Documents ------------------------------------------------------- */

bool schema_def_name_valid(const char *name, size_t len)
{
	if (len == 0 || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

static int def_cmp(const void *a, const void *b)
{
	const schema_def *x = *(const schema_def *const *)a, *y = *(const schema_def *const *)b;
	return strcmp(x->name, y->name);
}

const schema_def *schema_doc_find_def(const schema_doc *doc, const char *name, size_t len)
{
	size_t lo = 0, hi = doc->n_defs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = doc->by_name[mid]->name;
		int c = strncmp(name, m, len);
		if (c == 0 && m[len] != '\0')
			c = -1;
		if (c == 0)
			return doc->by_name[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
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

static void parse_doc(schema_set *set, schema_doc *doc, json_t *root)
{
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

static schema_doc *new_doc(schema_set *set, const char *file, bool external)
{
	if (set->n_docs == set->cap_docs_) {
		size_t cap = set->cap_docs_ != 0 ? set->cap_docs_ * 2 : 64;
		schema_doc **docs = schema_calloc(set, cap, sizeof *docs);
		if (set->n_docs != 0)
			memcpy(docs, set->docs, set->n_docs * sizeof *docs);
		set->docs = docs;
		set->cap_docs_ = cap;
	}
	schema_doc *doc = schema_calloc(set, 1, sizeof *doc);
	doc->index = set->n_docs;
	doc->file = schema_strdup(set, file, strlen(file));
	doc->external = external;
	set->docs[set->n_docs++] = doc;
	return doc;
}

void schema_set_add_buffer(schema_set *set, const char *file, const char *data, size_t len,
                           bool external)
{
	schema_doc *doc = new_doc(set, file, external);
	json_error_t err;
	doc->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (doc->root == NULL) {
		/* jansson quotes the input near the error: no raw control bytes. */
		for (char *p = err.text; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7F)
				*p = '?';
		diag *d = diag_add(&set->diags, DIAG_ERROR, doc->file, NULL, "invalid JSON: %s",
		                   err.text);
		d->owner = doc->index + 1;
		d->line = err.line > 0 ? (unsigned)err.line : 1;
		d->col = err.column > 0 ? (unsigned)err.column : 1;
		return;
	}
	parse_doc(set, doc, doc->root);
}

/* ---- Files and directories ------------------------------------------- */

static void io_error(schema_set *set, const char *path, const char *what)
{
	diag *d = diag_add(&set->diags, DIAG_ERROR, path, NULL, "%s: %s", what, strerror(errno));
	d->io = true;
	set->n_io_errors++;
}

/* Whether the file (dev, ino) was seen; records it if not. Open addressing
 * in the arena, grown at half load. */
static bool file_seen(schema_set *set, dev_t dev, ino_t ino)
{
	if (2 * (set->n_files_ + 1) > set->cap_files_) {
		size_t cap = set->cap_files_ != 0 ? set->cap_files_ * 2 : 256;
		struct schema_file_id_ *old = set->files_;
		size_t old_cap = set->cap_files_;
		set->files_ = schema_calloc(set, cap, sizeof *set->files_);
		set->cap_files_ = cap;
		set->n_files_ = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].ino != 0 || old[i].dev != 0)
				(void)file_seen(set, old[i].dev, old[i].ino);
	}
	uint64_t mix = (uint64_t)ino * 0x9E3779B97F4A7C15u ^ (uint64_t)dev;
	size_t h = (size_t)(mix >> 17) & (set->cap_files_ - 1);
	for (;; h = (h + 1) & (set->cap_files_ - 1)) {
		struct schema_file_id_ *f = &set->files_[h];
		if (f->ino == 0 && f->dev == 0) {
			f->dev = dev;
			f->ino = ino;
			set->n_files_++;
			return false;
		}
		if (f->dev == dev && f->ino == ino)
			return true;
	}
}

static bool load_file(schema_set *set, const char *path, bool external)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		io_error(set, path, "cannot open");
		return false;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		io_error(set, path, "cannot stat");
		fclose(f);
		return false;
	}
	/* Pipes and devices are read but never deduplicated. */
	bool regular = S_ISREG(st.st_mode);
	if (regular && file_seen(set, st.st_dev, st.st_ino)) {
		fclose(f);
		return true;
	}
	size_t cap = regular && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, len = 0;
	char *buf = malloc(cap);
	bool ok = buf != NULL;
	while (ok) {
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);
			ok = nb != NULL;
			if (!ok)
				break;
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (!ok || ferror(f)) {
		if (ok)
			errno = EIO;
		io_error(set, path, "cannot read");
	} else {
		schema_set_add_buffer(set, path, buf, len, external);
	}
	free(buf);
	fclose(f);
	return ok;
}

/* Collected file names of a directory walk. */
typedef struct path_list {
	size_t n, cap;
	const char **paths;
} path_list;

/* Directories being walked, so that a symlink loop ends. */
typedef struct dir_stack {
	const struct dir_stack *up;
	dev_t dev;
	ino_t ino;
} dir_stack;

static void path_list_add(schema_set *set, path_list *l, const char *p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 256;
		const char **np = schema_calloc(set, cap, sizeof *np);
		if (l->n != 0)
			memcpy(np, l->paths, l->n * sizeof *np);
		l->paths = np;
		l->cap = cap;
	}
	l->paths[l->n++] = p;
}

static const char *path_join(schema_set *set, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] == '/';
	char *p = schema_alloc(set, dl + nl + 2);
	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

static bool has_json_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static bool walk_dir(schema_set *set, const char *dir, const dir_stack *up, path_list *out)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		io_error(set, dir, "cannot open directory");
		return false;
	}
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", and hidden entries */
		const char *p = path_join(set, dir, e->d_name);
		struct stat st;
		if (stat(p, &st) != 0) {
			/* A dangling symlink is only a problem where a lexicon was meant. */
			int err = errno;
			struct stat lst;
			if (err == ENOENT && lstat(p, &lst) == 0 && S_ISLNK(lst.st_mode) &&
			    !has_json_suffix(e->d_name))
				continue;
			errno = err;
			io_error(set, p, "cannot stat");
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			bool loop = false;
			for (const dir_stack *s = up; s != NULL && !loop; s = s->up)
				loop = s->dev == st.st_dev && s->ino == st.st_ino;
			dir_stack here = {up, st.st_dev, st.st_ino};
			if (!loop)
				ok &= walk_dir(set, p, &here, out);
		} else if (S_ISREG(st.st_mode) && has_json_suffix(e->d_name)) {
			path_list_add(set, out, p);
		}
	}
	closedir(d);
	return ok;
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool schema_set_add_path(schema_set *set, const char *path, bool external)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		io_error(set, path, "cannot read");
		return false;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(set, path, external);
	path_list files = {0, 0, NULL};
	dir_stack top = {NULL, st.st_dev, st.st_ino};
	bool ok = walk_dir(set, path, &top, &files);
	if (ok && files.n == 0)
		diag_add(&set->diags, DIAG_WARNING, path, NULL,
		         "no *.json files in this directory");
	if (files.n > 1)
		qsort(files.paths, files.n, sizeof *files.paths, str_ptr_cmp);
	for (size_t i = 0; i < files.n; i++)
		ok &= load_file(set, files.paths[i], external);
	return ok;
}

/* ---- Finishing: ids, resolution, checks, filtering ------------------- */

static int doc_id_cmp(const void *a, const void *b)
{
	const schema_doc *x = *(schema_doc *const *)a, *y = *(schema_doc *const *)b;
	int c = strcmp(x->id, y->id);
	if (c != 0)
		return c;
	if (x->external != y->external)
		return x->external ? 1 : -1; /* the project's own document wins */
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts the documents that have an id; the first of each id wins. Two
 * non-external documents with one id are an error; an external one is
 * quietly shadowed. */
static void index_ids(schema_set *set)
{
	set->by_id = schema_calloc(set, set->n_docs, sizeof *set->by_id);
	size_t n = 0;
	for (size_t i = 0; i < set->n_docs; i++)
		if (set->docs[i]->id != NULL)
			set->by_id[n++] = set->docs[i];
	if (n > 1)
		qsort(set->by_id, n, sizeof *set->by_id, doc_id_cmp);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		schema_doc *d = set->by_id[i];
		if (out > 0 && strcmp(set->by_id[out - 1]->id, d->id) == 0) {
			const schema_doc *first = set->by_id[out - 1];
			d->shadowed = true;
			if (!d->external)
				schema_report(set, d, NULL, "$.id", DIAG_ERROR,
				              "duplicate id %s: also the id of %s",
				              schema_quote(set, d->id), first->file);
			continue;
		}
		set->by_id[out++] = d;
	}
	set->n_by_id = out;
}

const schema_doc *schema_set_find_doc(const schema_set *set, const char *id, size_t len)
{
	size_t lo = 0, hi = set->n_by_id;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = set->by_id[mid]->id;
		int c = strncmp(id, m, len);
		if (c == 0 && m[len] != '\0')
			c = -1;
		if (c == 0)
			return set->by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Diagnostics about external documents count only for documents that a
 * checked document refers to; an external file that cannot be referenced
 * at all (bad JSON, bad id) is reported as a warning. */
static bool keep_diag(diag *d, void *ctx)
{
	schema_set *set = ctx;
	if (d->owner == 0)
		return true;
	const schema_doc *doc = set->docs[d->owner - 1];
	if (!doc->external)
		return true;
	if (doc->id == NULL) {
		d->severity = DIAG_WARNING;
		return true;
	}
	return doc->reachable && !doc->shadowed;
}

size_t schema_set_finish(schema_set *set)
{
	if (!set->finished) {
		set->finished = true;
		index_ids(set);
		for (size_t i = 0; i < set->n_docs; i++)
			check_doc(set, set->docs[i]);
		resolve_set(set);
		diag_filter(&set->diags, keep_diag, set);
		diag_sort(&set->diags);
	}
	return diag_count(&set->diags, DIAG_ERROR);
}

/* ---- Walking ---------------------------------------------------------- */

static void walk_body(const schema_body *b, void (*fn)(schema_node *, void *), void *ctx)
{
	if (b != NULL && b->schema != NULL)
		schema_walk(b->schema, fn, ctx);
}

void schema_walk(schema_node *node, void (*fn)(schema_node *node, void *ctx), void *ctx)
{
	if (node == NULL)
		return;
	fn(node, ctx);
	switch (node->kind) {
	case SCHEMA_ARRAY:
		schema_walk(node->u.array.items, fn, ctx);
		break;
	case SCHEMA_OBJECT:
	case SCHEMA_PARAMS:
		for (size_t i = 0; i < node->u.object.n_props; i++)
			schema_walk(node->u.object.props[i].type, fn, ctx);
		break;
	case SCHEMA_RECORD:
		schema_walk(node->u.record.record, fn, ctx);
		break;
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
	case SCHEMA_SUBSCRIPTION:
		schema_walk(node->u.xrpc.parameters, fn, ctx);
		walk_body(node->u.xrpc.input, fn, ctx);
		walk_body(node->u.xrpc.output, fn, ctx);
		walk_body(node->u.xrpc.message, fn, ctx);
		break;
	case SCHEMA_PERMISSION_SET:
		for (size_t i = 0; i < node->u.permission_set.n_permissions; i++)
			schema_walk(node->u.permission_set.permissions[i], fn, ctx);
		break;
	default:
		break;
	}
}
