/* Ref resolution across the loaded set. "#name" names a def of the same
 * document, "nsid" means "nsid#main", "nsid#name" a def of another one.
 * Documents are found by binary search over set->by_id and defs over each
 * document's by_name index, so resolution is O(refs log n).
 *
 * The non-external documents are resolved first; an external document a
 * ref reaches is marked reachable and resolved in turn, so its own refs
 * must hold too, and only those external documents have to be valid. */
#include "config.h"

#include "stages.h"

#include <lexc/format.h>

#include <stdlib.h>
#include <string.h>

typedef struct resolve_ctx {
	schema_set *set;
	const schema_doc *doc; /* whose refs are being resolved */
	schema_doc **queue;    /* documents to resolve; each enters once */
	size_t n_queue;
} resolve_ctx;

static void resolve_error(resolve_ctx *c, const schema_node *n, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
static void resolve_warning(resolve_ctx *c, const schema_node *n, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

static void resolve_report(resolve_ctx *c, const schema_node *n, diag_severity sev, const char *fmt,
                           va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 0)))
#endif
        ;

static void resolve_report(resolve_ctx *c, const schema_node *n, diag_severity sev, const char *fmt,
                           va_list ap)
{
	diag *d = diag_addv(&c->set->diags, sev, n->doc->file, n->path, fmt, ap);
	d->owner = n->doc->index + 1;
	d->order = n->order;
}

static void resolve_error(resolve_ctx *c, const schema_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	resolve_report(c, n, DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void resolve_warning(resolve_ctx *c, const schema_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	resolve_report(c, n, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

static void reach(resolve_ctx *c, const schema_doc *target)
{
	schema_doc *d = c->set->docs[target->index];
	if (d->external && !d->reachable) {
		d->reachable = true;
		c->queue[c->n_queue++] = d;
	}
}

/* Checks the syntax of a ref; on failure reports it and returns false. */
static bool ref_syntax_ok(resolve_ctx *c, const schema_node *n, const char *ref, size_t nsid_len,
                          const char *name)
{
	const char *reason = NULL;
	const char *qref = schema_quote(c->set, ref);
	if (ref[0] == '\0') {
		resolve_error(c, n, "empty ref");
		return false;
	}
	if (nsid_len > 0 && !lexc_format_nsid(ref, nsid_len, &reason)) {
		resolve_error(c, n, "invalid ref %s: %s", qref,
		              reason != NULL ? reason : "bad NSID");
		return false;
	}
	if (!schema_def_name_valid(name, strlen(name))) {
		resolve_error(c, n, "invalid ref %s: expected \"#name\", \"nsid\" or \"nsid#name\"",
		              qref);
		return false;
	}
	return true;
}

/* The def a ref names, or NULL (reported). */
static const schema_def *resolve_ref(resolve_ctx *c, const schema_node *n, const char *ref)
{
	const char *hash = strchr(ref, '#');
	size_t nsid_len = hash != NULL ? (size_t)(hash - ref) : strlen(ref);
	const char *name = hash != NULL ? hash + 1 : "main";
	if (!ref_syntax_ok(c, n, ref, nsid_len, name))
		return NULL;
	const schema_doc *doc = c->doc;
	if (nsid_len > 0)
		doc = schema_set_find_doc(c->set, ref, nsid_len);
	if (doc == NULL && c->set->allow_unresolved) {
		resolve_warning(c, n,
		                "unresolved ref %s: no lexicon with id %s; any value is accepted",
		                schema_quote(c->set, ref),
		                schema_quote(c->set, schema_strdup(c->set, ref, nsid_len)));
		return NULL;
	}
	if (doc == NULL) {
		resolve_error(c, n, "unresolved ref %s: no lexicon with id %s",
		              schema_quote(c->set, ref),
		              schema_quote(c->set, schema_strdup(c->set, ref, nsid_len)));
		return NULL;
	}
	const schema_def *def = schema_doc_find_def(doc, name, strlen(name));
	if (def == NULL && c->set->allow_unresolved) {
		resolve_warning(c, n, "unresolved ref %s: %s has no def %s; any value is accepted",
		                schema_quote(c->set, ref), doc->id != NULL ? doc->id : doc->file,
		                schema_quote(c->set, name));
		return NULL;
	}
	if (def == NULL) {
		resolve_error(c, n, "unresolved ref %s: %s has no def %s",
		              schema_quote(c->set, ref), doc->id != NULL ? doc->id : doc->file,
		              schema_quote(c->set, name));
		return NULL;
	}
	reach(c, doc);
	return def;
}

static void resolve_ref_node(resolve_ctx *c, schema_node *n)
{
	if (n->u.ref.ref == NULL)
		return;
	const schema_def *def = resolve_ref(c, n, n->u.ref.ref);
	n->u.ref.target = def;
	if (def == NULL)
		return;
	schema_kind k = def->node->kind;
	const char *qref = schema_quote(c->set, n->u.ref.ref);
	if (k == SCHEMA_TOKEN)
		resolve_error(c, n,
		              "ref %s points at a token; a token is a string value, not a type",
		              qref);
	else if (schema_kind_is_primary(k) && k != SCHEMA_RECORD)
		resolve_error(c, n, "ref %s points at a %s, which cannot be referenced", qref,
		              schema_kind_name(k));
}

typedef struct variant_key {
	const schema_def *target;
	size_t index;
} variant_key;

static int variant_cmp(const void *a, const void *b)
{
	const variant_key *x = a, *y = b;
	if (x->target != y->target)
		return (uintptr_t)x->target < (uintptr_t)y->target ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Two refs of one union naming the same def ("#a" and "nsid#a") would give
 * two variants one $type. */
static void check_union_duplicates(resolve_ctx *c, schema_node *n)
{
	const schema_union *u = &n->u.union_;
	variant_key *keys = schema_alloc(c->set, (u->n_refs + 1) * sizeof *keys);
	size_t k = 0;
	for (size_t i = 0; i < u->n_refs; i++)
		if (u->refs[i].target != NULL)
			keys[k++] = (variant_key){u->refs[i].target, i};
	if (k > 1)
		qsort(keys, k, sizeof *keys, variant_cmp);
	for (size_t i = 1; i < k; i++)
		if (keys[i].target == keys[i - 1].target)
			resolve_error(c, n, "union ref %s names %s again",
			              schema_quote(c->set, u->refs[keys[i].index].ref),
			              keys[i].target->full_name);
}

static void resolve_union_node(resolve_ctx *c, schema_node *n)
{
	schema_union *u = &n->u.union_;
	for (size_t i = 0; i < u->n_refs; i++) {
		const schema_def *def = resolve_ref(c, n, u->refs[i].ref);
		u->refs[i].target = def;
		if (def == NULL)
			continue;
		schema_kind k = def->node->kind;
		if (k != SCHEMA_OBJECT && k != SCHEMA_RECORD && k != SCHEMA_INVALID)
			resolve_error(c, n,
			              "union ref %s points at a %s; variants must be objects or "
			              "records",
			              schema_quote(c->set, u->refs[i].ref), schema_kind_name(k));
	}
	if (u->n_refs > 1)
		check_union_duplicates(c, n);
}

static void resolve_node(schema_node *n, void *ctx)
{
	if (n->kind == SCHEMA_REF)
		resolve_ref_node(ctx, n);
	else if (n->kind == SCHEMA_UNION)
		resolve_union_node(ctx, n);
}

static void resolve_doc(resolve_ctx *c, schema_doc *doc)
{
	c->doc = doc;
	for (size_t i = 0; i < doc->n_defs; i++)
		schema_walk(doc->defs[i].node, resolve_node, c);
}

void resolve_set(schema_set *set)
{
	resolve_ctx c = {set, NULL, schema_alloc(set, (set->n_docs + 1) * sizeof(schema_doc *)), 0};
	for (size_t i = 0; i < set->n_docs; i++)
		if (!set->docs[i]->external)
			c.queue[c.n_queue++] = set->docs[i];
	for (size_t i = 0; i < c.n_queue; i++)
		resolve_doc(&c, c.queue[i]);
}
