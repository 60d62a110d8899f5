/* The document rules of lexicons (doc/lexicon-rules.md): where each type
 * may appear, constraint pairs, defaults and consts against their own
 * node's constraints, record keys, bodies, errors and permissions. Refs are
 * resolve.c's. Every rule reports and goes on, so one run shows them all. */
#include "config.h"

#include "stages.h"

#include <lexc/format.h>
#include <lexc/utf8.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Where a node sits; each place allows a set of kinds. */
typedef enum place {
	PLACE_DEF,
	PLACE_PROPERTY,
	PLACE_ITEMS,
	PLACE_PARAM,
	PLACE_PARAM_ITEMS,
	PLACE_PARAMETERS,
	PLACE_BODY,
	PLACE_MESSAGE,
	PLACE_RECORD,
	PLACE_PERMISSION,
} place;

#define K(kind) (1u << (kind))
#define DATA_KINDS                                                                                 \
	(K(SCHEMA_BOOLEAN) | K(SCHEMA_INTEGER) | K(SCHEMA_STRING) | K(SCHEMA_BYTES) |              \
	 K(SCHEMA_CID_LINK) | K(SCHEMA_BLOB) | K(SCHEMA_ARRAY) | K(SCHEMA_OBJECT) |                \
	 K(SCHEMA_REF) | K(SCHEMA_UNION) | K(SCHEMA_UNKNOWN))
#define PARAM_SCALARS (K(SCHEMA_BOOLEAN) | K(SCHEMA_INTEGER) | K(SCHEMA_STRING) | K(SCHEMA_UNKNOWN))
#define NOT_DEFS                                                                                   \
	(K(SCHEMA_REF) | K(SCHEMA_UNION) | K(SCHEMA_UNKNOWN) | K(SCHEMA_PARAMS) |                  \
	 K(SCHEMA_PERMISSION))

static const struct {
	unsigned allowed;
	const char *what; /* completes "... must be %s, not type X" */
} places[] = {
        [PLACE_DEF] = {~NOT_DEFS, ""}, /* check_def_place() has its own messages */
        [PLACE_PROPERTY] = {DATA_KINDS, "a property type"},
        [PLACE_ITEMS] = {DATA_KINDS & ~K(SCHEMA_ARRAY), "array items"},
        [PLACE_PARAM] = {PARAM_SCALARS | K(SCHEMA_ARRAY),
                         "params properties must be boolean, integer, string, unknown or an "
                         "array of those"},
        [PLACE_PARAM_ITEMS] = {PARAM_SCALARS,
                               "params array items must be boolean, integer, string or unknown"},
        [PLACE_PARAMETERS] = {K(SCHEMA_PARAMS), "\"parameters\" must be of type \"params\""},
        [PLACE_BODY] = {K(SCHEMA_OBJECT) | K(SCHEMA_REF) | K(SCHEMA_UNION),
                        "a body schema must be an object, ref or union"},
        [PLACE_MESSAGE] = {K(SCHEMA_UNION), "a message schema must be a union"},
        [PLACE_RECORD] = {K(SCHEMA_OBJECT), "\"record\" must be of type \"object\""},
        [PLACE_PERMISSION] = {K(SCHEMA_PERMISSION),
                              "permissions entries must be of type \"permission\""},
};

typedef struct check_ctx {
	schema_set *set;
	schema_doc *doc;
} check_ctx;

#define CHECK_PRINTF(f, a)
#if defined(__GNUC__)
#undef CHECK_PRINTF
#define CHECK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

static void check_error(check_ctx *c, const schema_node *n, const char *fmt, ...)
        CHECK_PRINTF(3, 4);
static void check_warning(check_ctx *c, const schema_node *n, const char *fmt, ...)
        CHECK_PRINTF(3, 4);
static void check_at(check_ctx *c, const char *path, uint32_t order, diag_severity sev,
                     const char *fmt, ...) CHECK_PRINTF(5, 6);

static void check_report(check_ctx *c, const char *path, uint32_t order, diag_severity sev,
                         const char *fmt, va_list ap) CHECK_PRINTF(5, 0);

static void check_report(check_ctx *c, const char *path, uint32_t order, diag_severity sev,
                         const char *fmt, va_list ap)
{
	diag *d = diag_addv(&c->set->diags, sev, c->doc->file, path, fmt, ap);
	d->owner = c->doc->index + 1;
	d->order = order;
}

static void check_error(check_ctx *c, const schema_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	check_report(c, n->path, n->order, DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void check_warning(check_ctx *c, const schema_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	check_report(c, n->path, n->order, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* For the parts of a node that are not nodes (bodies, errors, lang maps). */
static void check_at(check_ctx *c, const char *path, uint32_t order, diag_severity sev,
                     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	check_report(c, path, order, sev, fmt, ap);
	va_end(ap);
}

static const char *q(check_ctx *c, const char *s)
{
	return schema_quote(c->set, s);
}

/* ---- Placement --------------------------------------------------------- */

static void check_def_place(check_ctx *c, const schema_node *n)
{
	const char *name = n->def->name;
	if ((K(n->kind) & NOT_DEFS) != 0)
		check_error(c, n, "type \"%s\" cannot be a named def", schema_kind_name(n->kind));
	else if (schema_kind_is_primary(n->kind) && strcmp(name, "main") != 0)
		check_error(c, n, "type \"%s\" must be the \"main\" def, not %s",
		            schema_kind_name(n->kind), q(c, name));
}

static void check_place(check_ctx *c, const schema_node *n, place p)
{
	if (n->kind == SCHEMA_INVALID)
		return;
	if (p == PLACE_DEF) {
		check_def_place(c, n);
		return;
	}
	if ((places[p].allowed & K(n->kind)) != 0)
		return;
	const char *kind = schema_kind_name(n->kind);
	if (n->kind == SCHEMA_TOKEN)
		check_error(c, n, "type \"token\" can only be a named def");
	else if (p == PLACE_PROPERTY || p == PLACE_ITEMS)
		check_error(c, n, "type \"%s\" is not allowed as %s", kind, places[p].what);
	else
		check_error(c, n, "%s, not type \"%s\"", places[p].what, kind);
}

/* ---- Constraints -------------------------------------------------------- */

/* A pair of length-like limits: neither negative, min <= max. */
static void check_limits(check_ctx *c, const schema_node *n, schema_int min, schema_int max,
                         const char *min_name, const char *max_name, bool nonneg)
{
	if (nonneg && min.set && min.value < 0)
		check_error(c, n, "%s must not be negative (got %" PRId64 ")", min_name, min.value);
	if (nonneg && max.set && max.value < 0)
		check_error(c, n, "%s must not be negative (got %" PRId64 ")", max_name, max.value);
	if (min.set && max.set && min.value > max.value)
		check_error(c, n, "%s %" PRId64 " is greater than %s %" PRId64, min_name, min.value,
		            max_name, max.value);
}

static void check_boolean(check_ctx *c, const schema_node *n)
{
	if (n->u.boolean.has_const && n->u.boolean.has_default)
		check_error(c, n, "\"const\" and \"default\" are mutually exclusive");
}

static int int64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static bool int_in_enum(const schema_integer *in, int64_t v)
{
	for (size_t i = 0; i < in->n_enum; i++)
		if (in->enum_values[i] == v)
			return true;
	return false;
}

/* One integer value (default, const or an enum entry) against the node. */
static void check_integer_value(check_ctx *c, const schema_node *n, const char *what, int64_t v,
                                bool against_enum)
{
	const schema_integer *in = &n->u.integer;
	if (in->minimum.set && v < in->minimum.value)
		check_error(c, n, "%s %" PRId64 " is less than minimum %" PRId64, what, v,
		            in->minimum.value);
	if (in->maximum.set && v > in->maximum.value)
		check_error(c, n, "%s %" PRId64 " is greater than maximum %" PRId64, what, v,
		            in->maximum.value);
	if (against_enum && in->has_enum && !int_in_enum(in, v))
		check_error(c, n, "%s %" PRId64 " is not in enum", what, v);
}

static void check_integer_enum(check_ctx *c, const schema_node *n)
{
	const schema_integer *in = &n->u.integer;
	if (in->n_enum == 0)
		return; /* reported by the parser */
	int64_t *sorted = schema_alloc(c->set, in->n_enum * sizeof *sorted);
	memcpy(sorted, in->enum_values, in->n_enum * sizeof *sorted);
	if (in->n_enum > 1)
		qsort(sorted, in->n_enum, sizeof *sorted, int64_cmp);
	/* Once per repeated value: at the first repeat of each run. */
	for (size_t i = 1; i < in->n_enum; i++) {
		bool seen = i >= 2 && sorted[i - 2] == sorted[i - 1];
		if (!seen && sorted[i - 1] == sorted[i])
			check_warning(c, n, "%" PRId64 " is listed more than once in \"enum\"",
			              sorted[i]);
	}
	for (size_t i = 0; i < in->n_enum; i++)
		check_integer_value(c, n, "enum value", in->enum_values[i], false);
}

static void check_integer(check_ctx *c, const schema_node *n)
{
	const schema_integer *in = &n->u.integer;
	check_limits(c, n, in->minimum, in->maximum, "minimum", "maximum", false);
	if (in->const_value.set && in->default_value.set)
		check_error(c, n, "\"const\" and \"default\" are mutually exclusive");
	if (in->has_enum)
		check_integer_enum(c, n);
	if (in->default_value.set)
		check_integer_value(c, n, "default", in->default_value.value, true);
	if (in->const_value.set)
		check_integer_value(c, n, "const", in->const_value.value, true);
}

static bool str_in_list(const schema_strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

/* One string value (default, const or an enum entry) against the node. */
static void check_string_value(check_ctx *c, const schema_node *n, const char *what, const char *v,
                               bool against_enum)
{
	const schema_string *s = &n->u.string;
	size_t len = strlen(v);
	int64_t bytes = (int64_t)len;
	if (s->min_length.set && bytes < s->min_length.value)
		check_error(c, n, "%s %s is shorter than minLength %" PRId64 " (%zu bytes)", what,
		            q(c, v), s->min_length.value, len);
	if (s->max_length.set && bytes > s->max_length.value)
		check_error(c, n, "%s %s is longer than maxLength %" PRId64 " (%zu bytes)", what,
		            q(c, v), s->max_length.value, len);
	if (s->min_graphemes.set || s->max_graphemes.set) {
		int64_t g = (int64_t)lexc_graphemes_count(v, len);
		if (s->min_graphemes.set && g < s->min_graphemes.value)
			check_error(c, n, "%s %s has fewer than minGraphemes %" PRId64, what,
			            q(c, v), s->min_graphemes.value);
		if (s->max_graphemes.set && g > s->max_graphemes.value)
			check_error(c, n, "%s %s has more than maxGraphemes %" PRId64, what,
			            q(c, v), s->max_graphemes.value);
	}
	const char *reason = NULL;
	if (s->format != LEXC_FORMAT_NONE && !lexc_format_check(s->format, v, len, &reason))
		check_error(c, n, "%s %s is not a valid %s: %s", what, q(c, v),
		            lexc_format_name(s->format), reason != NULL ? reason : "rejected");
	if (against_enum && s->enum_values.set && !str_in_list(&s->enum_values, v))
		check_error(c, n, "%s %s is not in enum", what, q(c, v));
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Warns once per name listed more than once. */
static void warn_duplicates(check_ctx *c, const schema_node *n, const schema_strs *l,
                            const char *list)
{
	if (l->n < 2)
		return;
	const char **sorted = schema_alloc(c->set, l->n * sizeof *sorted);
	memcpy(sorted, l->items, l->n * sizeof *sorted);
	if (l->n > 1)
		qsort(sorted, l->n, sizeof *sorted, strcmp_ptr);
	for (size_t i = 1; i < l->n; i++) {
		bool seen = i >= 2 && strcmp(sorted[i - 2], sorted[i - 1]) == 0;
		if (!seen && strcmp(sorted[i - 1], sorted[i]) == 0)
			check_warning(c, n, "%s is listed more than once in \"%s\"",
			              q(c, sorted[i]), list);
	}
}

static void check_string_enum(check_ctx *c, const schema_node *n)
{
	const schema_strs *e = &n->u.string.enum_values;
	warn_duplicates(c, n, e, "enum");
	for (size_t i = 0; i < e->n; i++)
		check_string_value(c, n, "enum value", e->items[i], false);
}

static void check_string(check_ctx *c, const schema_node *n)
{
	const schema_string *s = &n->u.string;
	if (s->format_name != NULL && s->format == LEXC_FORMAT_NONE)
		check_error(c, n, "unknown format %s", q(c, s->format_name));
	check_limits(c, n, s->min_length, s->max_length, "minLength", "maxLength", true);
	check_limits(c, n, s->min_graphemes, s->max_graphemes, "minGraphemes", "maxGraphemes",
	             true);
	if (s->const_value != NULL && s->default_value != NULL)
		check_error(c, n, "\"const\" and \"default\" are mutually exclusive");
	if (s->enum_values.set)
		check_string_enum(c, n);
	if (s->default_value != NULL)
		check_string_value(c, n, "default", s->default_value, true);
	if (s->const_value != NULL)
		check_string_value(c, n, "const", s->const_value, true);
}

/* A MIME token (RFC 6838 restricted-name characters); no '*'. */
static bool mime_token(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("!#$&-^_.+", ch) != NULL))
			return false;
	}
	return true;
}

/* "type/subtype", "type/ *" or "* / *" (without the spaces). */
static bool accept_pattern_valid(const char *p)
{
	const char *slash = strchr(p, '/');
	if (slash == NULL)
		return false;
	size_t tlen = (size_t)(slash - p);
	const char *sub = slash + 1;
	if (tlen == 1 && p[0] == '*')
		return strcmp(sub, "*") == 0;
	return mime_token(p, tlen) && (strcmp(sub, "*") == 0 || mime_token(sub, strlen(sub)));
}

static void check_blob(check_ctx *c, const schema_node *n)
{
	const schema_blob *b = &n->u.blob;
	for (size_t i = 0; i < b->accept.n; i++)
		if (!accept_pattern_valid(b->accept.items[i]))
			check_error(c, n,
			            "invalid accept pattern %s: use type/subtype, type/* or */*",
			            q(c, b->accept.items[i]));
	if (b->max_size.set && b->max_size.value <= 0)
		check_error(c, n, "maxSize must be positive (got %" PRId64 ")", b->max_size.value);
}

static void check_object(check_ctx *c, const schema_node *n)
{
	const schema_object *o = &n->u.object;
	for (size_t i = 0; i < o->n_props; i++) {
		const schema_prop *p = &o->props[i];
		if (p->name[0] == '\0')
			check_error(c, p->type, "property names must not be empty");
		else if (p->name[0] == '$')
			check_error(c, p->type, "property name %s must not start with '$'",
			            q(c, p->name));
	}
	if (!o->has_properties)
		return; /* its absence is reported; names cannot be checked */
	for (size_t i = 0; i < o->required.n; i++)
		if (schema_object_find_prop(o, o->required.items[i]) == NULL)
			check_error(c, n, "required property %s is not in \"properties\"",
			            q(c, o->required.items[i]));
	for (size_t i = 0; i < o->nullable.n; i++)
		if (schema_object_find_prop(o, o->nullable.items[i]) == NULL)
			check_warning(c, n, "nullable property %s is not in \"properties\"",
			              q(c, o->nullable.items[i]));
	warn_duplicates(c, n, &o->required, "required");
	warn_duplicates(c, n, &o->nullable, "nullable");
}

static void check_union(check_ctx *c, const schema_node *n)
{
	if (n->u.union_.has_refs && n->u.union_.closed && n->u.union_.n_refs == 0)
		check_error(c, n, "a closed union must list at least one ref");
}

static void check_record(check_ctx *c, const schema_node *n)
{
	const schema_record *r = &n->u.record;
	if (r->key == NULL || r->key_type != SCHEMA_KEY_INVALID)
		return;
	const char *reason = NULL;
	if (strncmp(r->key, "literal:", 8) == 0) {
		lexc_format_record_key(r->key + 8, strlen(r->key + 8), &reason);
		check_error(c, n, "invalid record key type %s: %s", q(c, r->key),
		            reason != NULL ? reason : "bad literal");
	} else {
		check_error(
		        c, n,
		        "invalid record key type %s: use tid, nsid, any or literal:<record-key>",
		        q(c, r->key));
	}
}

/* ---- XRPC ---------------------------------------------------------------- */

static bool error_name_valid(const char *s)
{
	if (s[0] == '\0' || !lexc_utf8_is_ascii(s, strlen(s)))
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7F)
			return false;
	return true;
}

static int xrpc_error_cmp(const void *a, const void *b)
{
	const schema_xrpc_error *x = *(const schema_xrpc_error *const *)a;
	const schema_xrpc_error *y = *(const schema_xrpc_error *const *)b;
	int c = strcmp(x->name, y->name);
	return c != 0 ? c : x->order < y->order ? -1 : x->order > y->order;
}

static void check_xrpc_errors(check_ctx *c, const schema_node *n)
{
	const schema_xrpc *x = &n->u.xrpc;
	const schema_xrpc_error **sorted = schema_alloc(c->set, (x->n_errors + 1) * sizeof(void *));
	for (size_t i = 0; i < x->n_errors; i++) {
		const schema_xrpc_error *e = &x->errors[i];
		if (!error_name_valid(e->name))
			check_at(c, e->path, e->order, DIAG_ERROR,
			         "error name %s must be non-empty ASCII without whitespace",
			         q(c, e->name));
		sorted[i] = e;
	}
	if (x->n_errors > 1)
		qsort(sorted, x->n_errors, sizeof *sorted, xrpc_error_cmp);
	for (size_t i = 1; i < x->n_errors; i++)
		if (strcmp(sorted[i]->name, sorted[i - 1]->name) == 0)
			check_at(c, sorted[i]->path, sorted[i]->order, DIAG_WARNING,
			         "error name %s is declared twice", q(c, sorted[i]->name));
}

static void check_body_encoding(check_ctx *c, const schema_body *b)
{
	if (b != NULL && b->encoding != NULL && b->encoding[0] == '\0')
		check_at(c, b->path, b->order, DIAG_ERROR, "\"encoding\" must not be empty");
}

static void check_xrpc(check_ctx *c, const schema_node *n)
{
	check_body_encoding(c, n->u.xrpc.input);
	check_body_encoding(c, n->u.xrpc.output);
	check_xrpc_errors(c, n);
}

/* ---- Permissions ----------------------------------------------------------- */

static void check_langs(check_ctx *c, const schema_node *n, const schema_lang_str *l, size_t len,
                        const char *key)
{
	for (size_t i = 0; i < len; i++) {
		const char *reason = NULL;
		if (!lexc_format_language(l[i].lang, strlen(l[i].lang), &reason))
			check_at(c, schema_path_key(c->set, n->path, key), n->order, DIAG_ERROR,
			         "invalid language tag %s: %s", q(c, l[i].lang),
			         reason != NULL ? reason : "rejected");
	}
}

static void check_permission_set(check_ctx *c, const schema_node *n)
{
	const schema_permission_set *ps = &n->u.permission_set;
	check_langs(c, n, ps->title_lang, ps->n_title_lang, "title:lang");
	check_langs(c, n, ps->detail_lang, ps->n_detail_lang, "detail:lang");
}

/* Each entry an NSID or "*"; the list non-empty. */
static void check_nsid_list(check_ctx *c, const schema_node *n, const schema_strs *l,
                            const char *key)
{
	if (l->n == 0)
		check_error(c, n, "\"%s\" must list at least one NSID or \"*\"", key);
	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->items[i], *reason = NULL;
		if (strcmp(s, "*") != 0 && !lexc_format_nsid(s, strlen(s), &reason))
			check_error(c, n, "invalid %s entry %s: %s", key, q(c, s),
			            reason != NULL ? reason : "not an NSID");
	}
}

static void check_permission(check_ctx *c, const schema_node *n)
{
	const schema_permission *p = &n->u.permission;
	if (p->resource == NULL)
		return;
	if (strcmp(p->resource, "repo") == 0) {
		check_nsid_list(c, n, &p->collection, "collection");
		for (size_t i = 0; i < p->action.n; i++) {
			const char *a = p->action.items[i];
			if (strcmp(a, "create") != 0 && strcmp(a, "update") != 0 &&
			    strcmp(a, "delete") != 0)
				check_error(c, n,
				            "unknown repo action %s: use create, update or delete",
				            q(c, a));
		}
	} else if (strcmp(p->resource, "rpc") == 0) {
		check_nsid_list(c, n, &p->lxm, "lxm");
		bool inherit = p->has_inherit_aud && p->inherit_aud;
		if (p->aud == NULL && !inherit)
			check_error(c, n,
			            "an rpc permission needs \"aud\" or \"inheritAud\": true");
		else if (p->aud != NULL && inherit)
			check_error(c, n,
			            "an rpc permission cannot have both \"aud\" and "
			            "\"inheritAud\": true");
	}
}

/* ---- Walk ------------------------------------------------------------------ */

static void check_node(check_ctx *c, const schema_node *n, place p);

static void check_body(check_ctx *c, const schema_body *b, place p)
{
	if (b != NULL && b->schema != NULL)
		check_node(c, b->schema, p);
}

static void check_children(check_ctx *c, const schema_node *n, place p)
{
	switch (n->kind) {
	case SCHEMA_ARRAY:
		if (n->u.array.items != NULL)
			check_node(c, n->u.array.items,
			           p == PLACE_PARAM ? PLACE_PARAM_ITEMS : PLACE_ITEMS);
		break;
	case SCHEMA_OBJECT:
	case SCHEMA_PARAMS:
		for (size_t i = 0; i < n->u.object.n_props; i++)
			check_node(c, n->u.object.props[i].type,
			           n->kind == SCHEMA_PARAMS ? PLACE_PARAM : PLACE_PROPERTY);
		break;
	case SCHEMA_RECORD:
		if (n->u.record.record != NULL)
			check_node(c, n->u.record.record, PLACE_RECORD);
		break;
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
	case SCHEMA_SUBSCRIPTION:
		if (n->u.xrpc.parameters != NULL)
			check_node(c, n->u.xrpc.parameters, PLACE_PARAMETERS);
		check_body(c, n->u.xrpc.input, PLACE_BODY);
		check_body(c, n->u.xrpc.output, PLACE_BODY);
		check_body(c, n->u.xrpc.message, PLACE_MESSAGE);
		break;
	case SCHEMA_PERMISSION_SET:
		for (size_t i = 0; i < n->u.permission_set.n_permissions; i++)
			check_node(c, n->u.permission_set.permissions[i], PLACE_PERMISSION);
		break;
	default:
		break;
	}
}

static void check_node(check_ctx *c, const schema_node *n, place p)
{
	check_place(c, n, p);
	switch (n->kind) {
	case SCHEMA_BOOLEAN:
		check_boolean(c, n);
		break;
	case SCHEMA_INTEGER:
		check_integer(c, n);
		break;
	case SCHEMA_STRING:
		check_string(c, n);
		break;
	case SCHEMA_BYTES:
		check_limits(c, n, n->u.bytes.min_length, n->u.bytes.max_length, "minLength",
		             "maxLength", true);
		break;
	case SCHEMA_BLOB:
		check_blob(c, n);
		break;
	case SCHEMA_ARRAY:
		check_limits(c, n, n->u.array.min_length, n->u.array.max_length, "minLength",
		             "maxLength", true);
		break;
	case SCHEMA_OBJECT:
	case SCHEMA_PARAMS:
		check_object(c, n);
		break;
	case SCHEMA_UNION:
		check_union(c, n);
		break;
	case SCHEMA_RECORD:
		check_record(c, n);
		break;
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
	case SCHEMA_SUBSCRIPTION:
		check_xrpc(c, n);
		break;
	case SCHEMA_PERMISSION_SET:
		check_permission_set(c, n);
		break;
	case SCHEMA_PERMISSION:
		check_permission(c, n);
		break;
	default:
		break;
	}
	check_children(c, n, p);
}

void check_doc(schema_set *set, schema_doc *doc)
{
	check_ctx c = {set, doc};
	for (size_t i = 0; i < doc->n_defs; i++)
		check_node(&c, doc->defs[i].node, PLACE_DEF);
}
