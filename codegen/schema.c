/* The core of the lexicon model: the set and its memory, diagnostics at
 * nodes, JSON paths, kind names, the lookups (documents by id, defs by
 * name, properties by name) and the walk. Everything else builds on this
 * file, which calls none of it: load.c reads files, parse.c builds the
 * model, check.c and resolve.c judge it, and pipeline.c runs them in
 * order. */
#include "config.h"

#include "schema.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Set, memory, reporting ----------------------------------------- */

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

void *schema_calloc(schema_set *set, size_t n, size_t size)
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

/* ---- Kinds ------------------------------------------------------------ */

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

schema_kind schema_kind_from_name(const char *name)
{
	for (int k = SCHEMA_INVALID + 1; k < SCHEMA_KIND_COUNT_; k++)
		if (strcmp(kind_names[k], name) == 0)
			return (schema_kind)k;
	return SCHEMA_INVALID;
}

/* ---- Lookups ---------------------------------------------------------- */

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

/* ---- Documents and ids ------------------------------------------------ */

schema_doc *schema_set_add_doc(schema_set *set, const char *file, bool external)
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
void schema_set_index_ids(schema_set *set)
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

void schema_set_settle_diags(schema_set *set)
{
	diag_filter(&set->diags, keep_diag, set);
	diag_sort(&set->diags);
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
