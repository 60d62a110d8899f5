/* The lexicon model: an in-memory model of a set of lexicon documents and
 * its core (schema.c): the set and its memory, diagnostics at nodes, JSON
 * paths, kind names, lookups and the walk. The core calls nothing else in
 * the front end; sets are built by pipeline.h (load.c, parse.c, check.c,
 * resolve.c, run in order by pipeline.c).
 *
 * Every node of every document lives in the set's one arena; the jansson DOM
 * of each document stays alive beside it (node->json) until the set is freed.
 * Strings point into the DOM and are NUL-terminated (documents containing
 * \u0000 are rejected as invalid JSON). Arrays keep document order; the
 * *_by_name indexes are sorted bytewise for binary search.
 *
 * Later stages must only run when diag_count(&set->diags, DIAG_ERROR) == 0
 * after schema_set_finish: the model of an invalid set may hold
 * SCHEMA_INVALID nodes and NULL targets. Out of memory is fatal (the
 * program exits with status 2). */
#ifndef LEXC_CODEGEN_SCHEMA_H
#define LEXC_CODEGEN_SCHEMA_H

#include "diag.h"

#include <lexc/arena.h>
#include <lexc/format.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_t; /* jansson's node type, opaque here */

typedef enum schema_kind {
	SCHEMA_INVALID = 0, /* missing or unknown "type": already reported */
	SCHEMA_BOOLEAN,
	SCHEMA_INTEGER,
	SCHEMA_STRING,
	SCHEMA_BYTES,
	SCHEMA_CID_LINK,
	SCHEMA_BLOB,
	SCHEMA_ARRAY,
	SCHEMA_OBJECT,
	SCHEMA_PARAMS,
	SCHEMA_TOKEN,
	SCHEMA_REF,
	SCHEMA_UNION,
	SCHEMA_UNKNOWN,
	SCHEMA_RECORD,
	SCHEMA_QUERY,
	SCHEMA_PROCEDURE,
	SCHEMA_SUBSCRIPTION,
	SCHEMA_PERMISSION_SET,
	SCHEMA_PERMISSION,
	SCHEMA_KIND_COUNT_
} schema_kind;

typedef struct schema_node schema_node;
typedef struct schema_def schema_def;
typedef struct schema_doc schema_doc;

/* An optional integer constraint. */
typedef struct schema_int {
	bool set;
	int64_t value;
} schema_int;

/* An optional list of strings (enum, knownValues, accept, required...). */
typedef struct schema_strs {
	bool set; /* the key was present (the list may still be empty) */
	size_t n;
	const char **items;
} schema_strs;

typedef struct schema_boolean {
	bool has_default, default_value;
	bool has_const, const_value;
} schema_boolean;

typedef struct schema_integer {
	schema_int minimum, maximum;
	schema_int default_value, const_value;
	bool has_enum;
	size_t n_enum;
	const int64_t *enum_values;
} schema_integer;

typedef struct schema_string {
	const char *format_name;                 /* as written, or NULL */
	lexc_format format;                      /* LEXC_FORMAT_NONE when absent or unknown */
	schema_int min_length, max_length;       /* UTF-8 bytes */
	schema_int min_graphemes, max_graphemes; /* grapheme clusters */
	schema_strs enum_values;                 /* closed set */
	schema_strs known_values;                /* open, informational */
	const char *default_value;               /* NULL: none */
	const char *const_value;                 /* NULL: none */
} schema_string;

typedef struct schema_bytes {
	schema_int min_length, max_length;
} schema_bytes;

typedef struct schema_blob {
	schema_strs accept; /* MIME patterns: type/subtype, type/(star), (star)/(star) */
	schema_int max_size;
} schema_blob;

typedef struct schema_array {
	schema_node *items; /* NULL when missing (reported) */
	schema_int min_length, max_length;
} schema_array;

/* An object or params property. */
typedef struct schema_prop {
	const char *name;
	schema_node *type;
	bool required, nullable; /* from the object's lists */
} schema_prop;

/* Objects and params (params never have nullable). */
typedef struct schema_object {
	bool has_properties;
	size_t n_props;
	schema_prop *props;          /* document order */
	const schema_prop **by_name; /* the same, sorted by name */
	schema_strs required, nullable;
} schema_object;

/* A ref node, or one variant of a union. */
typedef struct schema_ref {
	const char *ref;          /* as written: "#name", "nsid" or "nsid#name" */
	const schema_def *target; /* set by resolution; NULL if unresolved */
} schema_ref;

typedef struct schema_union {
	size_t n_refs;
	schema_ref *refs; /* document order */
	bool has_refs;
	bool closed; /* false (open) unless "closed": true */
} schema_union;

typedef enum schema_record_key {
	SCHEMA_KEY_INVALID = 0,
	SCHEMA_KEY_TID,
	SCHEMA_KEY_NSID,
	SCHEMA_KEY_ANY,
	SCHEMA_KEY_LITERAL,
} schema_record_key;

typedef struct schema_record {
	const char *key; /* as written ("literal:self"), or NULL */
	schema_record_key key_type;
	const char *key_literal; /* "self" for literal:self, else NULL */
	schema_node *record;     /* the object; NULL when missing */
} schema_record;

/* The input or output of a query/procedure, or a subscription message. */
typedef struct schema_body {
	const char *path; /* "$.defs.main.output" */
	uint32_t order;   /* document order, as for nodes */
	const char *description;
	const char *encoding; /* NULL for messages or when missing */
	schema_node *schema;  /* object, ref or union (messages: union); may be NULL */
} schema_body;

typedef struct schema_xrpc_error {
	const char *path; /* "$.defs.main.errors[0]" */
	uint32_t order;
	const char *name;
	const char *description;
} schema_xrpc_error;

/* query, procedure and subscription. */
typedef struct schema_xrpc {
	schema_node *parameters; /* a params node or NULL */
	schema_body *input;      /* procedures only */
	schema_body *output;     /* queries and procedures */
	schema_body *message;    /* subscriptions only */
	size_t n_errors;
	schema_xrpc_error *errors;
} schema_xrpc;

typedef struct schema_lang_str {
	const char *lang;
	const char *text;
} schema_lang_str;

typedef struct schema_permission_set {
	const char *title, *detail;
	size_t n_title_lang, n_detail_lang;
	schema_lang_str *title_lang, *detail_lang; /* "title:lang", "detail:lang" */
	bool has_permissions;
	size_t n_permissions;
	schema_node **permissions; /* SCHEMA_PERMISSION nodes (checked) */
} schema_permission_set;

/* A permission entry; fields of other resources stay in node->json. */
typedef struct schema_permission {
	const char *resource;
	schema_strs collection, action, lxm;
	const char *aud;
	bool has_inherit_aud, inherit_aud;
} schema_permission;

struct schema_node {
	schema_kind kind;
	uint32_t order;            /* pre-order position in its document */
	const char *path;          /* JSON path: "$.defs.main.record.properties.text" */
	const char *description;   /* or NULL */
	const schema_doc *doc;     /* its document */
	const schema_def *def;     /* the named def it belongs to */
	const struct json_t *json; /* its JSON object in the document's DOM */
	union {
		schema_boolean boolean;
		schema_integer integer;
		schema_string string;
		schema_bytes bytes;
		schema_blob blob;
		schema_array array;
		schema_object object; /* SCHEMA_OBJECT and SCHEMA_PARAMS */
		schema_ref ref;
		schema_union union_;
		schema_record record;
		schema_xrpc xrpc; /* SCHEMA_QUERY, _PROCEDURE, _SUBSCRIPTION */
		schema_permission_set permission_set;
		schema_permission permission;
	} u;
};

struct schema_def {
	const char *name;      /* "main", "replyRef" */
	const char *full_name; /* "app.bsky.feed.post", "app.bsky.feed.post#replyRef" */
	schema_node *node;
	const schema_doc *doc;
};

struct schema_doc {
	size_t index;     /* position in set->docs */
	const char *file; /* the path it was loaded from, as given */
	const char *id;   /* the NSID, or NULL when missing or invalid */
	const char *description;
	size_t n_defs;
	schema_def *defs;           /* document order */
	const schema_def **by_name; /* sorted by name */
	const schema_def *main;     /* the "main" def or NULL */
	bool external;              /* loaded with --external: resolve refs, generate nothing */
	bool reachable;             /* external and referenced from a checked document */
	bool shadowed;              /* its id is taken by an earlier or non-external document */
	struct json_t *root;        /* the DOM, or NULL when the JSON did not parse */
};

typedef struct schema_set {
	lexc_arena arena; /* every node, string copy and diagnostic */
	diag_list diags;
	size_t n_docs;
	schema_doc **docs; /* load order: arguments, each directory sorted */
	size_t n_by_id;
	schema_doc **by_id; /* after finish: unique ids, sorted, shadowed docs left out */
	size_t n_io_errors; /* unreadable paths */
	/* Every directory schema_set_add_path walked, in walk order: a
	 * dependency file lists them, since adding a document to one changes
	 * its mtime and not that of any document. */
	size_t n_dirs;
	const char **dirs;
	bool finished; /* schema_set_finish ran */
	/* Set before the first add: a ref that no loaded document resolves is
	 * a warning, not an error, and lowers to "any value" (lexc validate
	 * --allow-unresolved). Its target stays NULL. */
	bool allow_unresolved;
	/* private */
	size_t cap_docs_;
	size_t cap_dirs_;
	struct schema_load_state *load_; /* load.c's: the files loaded */
} schema_set;

schema_set *schema_set_new(void);
void schema_set_free(schema_set *set);

/* A new, empty document at the end of set->docs (for load.c). */
schema_doc *schema_set_add_doc(schema_set *set, const char *file, bool external);

/* Indexes the documents by id (set->by_id), marking shadowed ones and
 * reporting duplicate ids among the non-external documents. */
void schema_set_index_ids(schema_set *set);

/* Drops the diagnostics of external documents that no checked document
 * reaches (those that cannot be referenced at all become warnings), then
 * sorts the rest by file and document order. */
void schema_set_settle_diags(schema_set *set);

/* The document with this id, or NULL (after finish). */
const schema_doc *schema_set_find_doc(const schema_set *set, const char *id, size_t len);

/* The def of this name in `doc`, or NULL. */
const schema_def *schema_doc_find_def(const schema_doc *doc, const char *name, size_t len);

/* The property of this name, or NULL (objects and params). */
const schema_prop *schema_object_find_prop(const schema_object *o, const char *name);

/* "record", "permission-set", ...; "" for SCHEMA_INVALID. */
const char *schema_kind_name(schema_kind kind);

/* The kind a "type" names; SCHEMA_INVALID when unknown. */
schema_kind schema_kind_from_name(const char *name);

/* record, query, procedure, subscription, permission-set. */
bool schema_kind_is_primary(schema_kind kind);

/* A def name: an ASCII letter then letters, digits or '_'. */
bool schema_def_name_valid(const char *name, size_t len);

/* Calls fn on `node` and every node below it, parents first, in document
 * order (including bodies' schemas, params and permissions). */
void schema_walk(schema_node *node, void (*fn)(schema_node *node, void *ctx), void *ctx);

/* Reports a diagnostic at a node (or, with node NULL, at `doc` level with
 * `path`), attributed to its document for sorting and filtering. */
void schema_report(schema_set *set, const schema_doc *doc, const schema_node *node,
                   const char *path, diag_severity sev, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 6, 7)))
#endif
        ;

/* `s` as a JSON string literal (quotes, escapes), for messages. */
const char *schema_quote(schema_set *set, const char *s);

/* JSON paths: base + ".key" (or base + "[\"key\"]" when the key is not a
 * plain identifier), and base + "[i]". */
const char *schema_path_key(schema_set *set, const char *base, const char *key);
const char *schema_path_index(schema_set *set, const char *base, size_t i);

/* Arena helpers that never return NULL (out of memory exits). */
void *schema_alloc(schema_set *set, size_t size);
char *schema_strdup(schema_set *set, const char *s, size_t len);
void *schema_calloc(schema_set *set, size_t n, size_t size); /* n elements, zeroed */

#endif /* LEXC_CODEGEN_SCHEMA_H */
