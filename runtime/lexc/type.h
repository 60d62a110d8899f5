/* lexc/type.h: C representations of lexicon values, and the descriptors
 * that tell the engine (lexc/codec.h) how to decode, validate and encode
 * them.
 *
 * Generated code defines one `const lexc_type` per lexicon type, with field
 * offsets taken by offsetof() from the generated structs; `lexc validate`
 * builds the very same descriptors at run time from lexicon files. Both run
 * one engine, so they cannot disagree.
 *
 * A member left zero means no constraint and no optional C member, so a
 * descriptor spells out only what its lexicon says: `{.layout =
 * LEXC_LAYOUT_VERSION, .kind = LEXC_KIND_STRING}` is any string.
 *
 * Descriptors are immutable after construction and may be shared by any
 * number of threads. */
#ifndef LEXC_TYPE_H
#define LEXC_TYPE_H

#include <lexc/format.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Values ---------------------------------------------------------- */

/* A string: `len` bytes of UTF-8 at `ptr`, followed by a NUL that is not
 * part of the value (the value itself may contain NUL bytes). */
typedef struct lexc_str {
	const char *ptr;
	size_t len;
} lexc_str;

/* Raw bytes (`{"$bytes": "<base64>"}` in JSON). */
typedef struct lexc_bytes {
	const uint8_t *ptr;
	size_t len;
} lexc_bytes;

/* A blob reference. `legacy` marks the old `{cid, mimeType}` form: a blob
 * read in that form is written back in it (without a size it cannot be
 * upgraded); new blobs are never legacy. */
typedef struct lexc_blob {
	lexc_str ref;       /* CID string of the blob */
	lexc_str mime_type; /* non-empty */
	int64_t size;       /* bytes; -1 when unknown (legacy form) */
	bool legacy;
} lexc_blob;

/* A union value. `kind` is 0 for a variant the schema does not list (open
 * unions only: `raw` then holds its JSON object verbatim), else the 1-based
 * index of the variant in the union's descriptor, and `value` points at the
 * variant's struct. `type` is the `$type` as written. */
typedef struct lexc_union {
	int kind;
	void *value;
	lexc_str type;
	lexc_str raw;
} lexc_union;

/* Properties of an object that its schema does not declare, kept as raw
 * JSON so that re-encoding clobbers nothing. */
typedef struct lexc_extra_field {
	lexc_str key;
	lexc_str json;
} lexc_extra_field;

typedef struct lexc_extra {
	size_t n;
	lexc_extra_field *fields;
} lexc_extra;

/* ---- Descriptors ----------------------------------------------------- */

typedef enum lexc_kind {
	LEXC_KIND_BOOLEAN = 1, /* bool */
	LEXC_KIND_INTEGER,     /* int64_t */
	LEXC_KIND_STRING,      /* lexc_str */
	LEXC_KIND_BYTES,       /* lexc_bytes */
	LEXC_KIND_CID_LINK,    /* lexc_str: the CID of {"$link": ...} */
	LEXC_KIND_BLOB,        /* lexc_blob */
	LEXC_KIND_ARRAY,       /* size_t count + pointer to contiguous items */
	LEXC_KIND_OBJECT,      /* pointer to the object's struct */
	LEXC_KIND_UNION,       /* lexc_union */
	LEXC_KIND_UNKNOWN,     /* lexc_str: a JSON object, verbatim */
} lexc_kind;

/* The descriptor layout this liblexc reads: the version of every struct
 * below and of lexc_method (lexc/server.h), which generated descriptors
 * carry in their first member. It changes whenever one of those structs
 * gains, loses or moves a member or a member changes meaning; liblexc
 * refuses descriptors of another layout (doc/abi.md). */
#define LEXC_LAYOUT_VERSION 1

typedef struct lexc_type lexc_type;

/* lexc_field.flags. No flag: a required, non-nullable value at `offset`.
 * Each other offset is read only under its flag. OPTIONAL: the value may
 * be absent; `bool has_x` at has_offset says whether it is there, except
 * for an object, whose pointer is its presence (NULL: absent). NULLABLE:
 * it may be null, `bool x_is_null` at null_offset. COUNTED: `size_t n_x`
 * at count_offset, which every array field has. */
#define LEXC_FIELD_OPTIONAL 0x1u
#define LEXC_FIELD_NULLABLE 0x2u
#define LEXC_FIELD_COUNTED 0x4u

/* An object property. */
typedef struct lexc_field {
	lexc_str name;         /* the JSON key */
	const lexc_type *type; /* its type */
	uint32_t offset;       /* the value member (arrays: the items pointer) */
	uint32_t flags;        /* LEXC_FIELD_* */
	uint32_t has_offset;   /* `bool has_x`: see lexc_field_has_presence() */
	uint32_t null_offset;  /* `bool x_is_null`, with LEXC_FIELD_NULLABLE */
	uint32_t count_offset; /* `size_t n_x`, with LEXC_FIELD_COUNTED */
} lexc_field;

/* A union variant: the `$type` that selects it and its object type. */
typedef struct lexc_variant {
	lexc_str type_name; /* "app.bsky.embed.images" or "nsid#name"; never "#main" */
	const lexc_type *type;
} lexc_variant;

typedef struct lexc_boolean_rules {
	bool has_default, default_value;
	bool has_const, const_value;
} lexc_boolean_rules;

typedef struct lexc_integer_rules {
	bool has_minimum, has_maximum;
	int64_t minimum, maximum;
	const int64_t *enum_values; /* closed set, or NULL */
	size_t n_enum;
	bool has_default, has_const;
	int64_t default_value, const_value;
} lexc_integer_rules;

/* Length limits: a minimum of 0 is none; a maximum is read only when its
 * has_max_ flag is set. */
typedef struct lexc_string_rules {
	size_t min_length, max_length; /* UTF-8 bytes */
	size_t min_graphemes, max_graphemes;
	bool has_max_length, has_max_graphemes;
	lexc_format format;
	const lexc_str *enum_values; /* closed set, or NULL */
	size_t n_enum;
	const lexc_str *known_values; /* open, informational only */
	size_t n_known;
	bool has_default, has_const;
	lexc_str default_value, const_value;
} lexc_string_rules;

typedef struct lexc_bytes_rules {
	size_t min_length, max_length; /* raw bytes */
	bool has_max_length;
} lexc_bytes_rules;

typedef struct lexc_blob_rules {
	const lexc_str *accept; /* MIME types or globs ("image/ *"); NULL: any */
	size_t n_accept;
	bool has_max_size;
	int64_t max_size;
} lexc_blob_rules;

typedef struct lexc_array_rules {
	const lexc_type *items;
	size_t item_size;              /* bytes of one item in the items array */
	size_t min_length, max_length; /* elements */
	bool has_max_length;
} lexc_array_rules;

typedef struct lexc_object_rules {
	const lexc_field *fields; /* sorted by name (bytewise) for binary search */
	size_t n_fields;
	size_t size, align;    /* of the C struct */
	uint32_t extra_offset; /* the lexc_extra member, with has_extra */
	bool has_extra;        /* without: undeclared properties are checked, dropped */
	bool is_record;        /* `$type` required and must equal type_name */
	lexc_str type_name;    /* "nsid" or "nsid#name": the `$type` when written */
} lexc_object_rules;

/* unknown: a JSON object, kept verbatim. any_value: any JSON value, for
 * refs that no loaded lexicon resolves when a tool is told to accept them
 * (lexc validate --allow-unresolved); generated code never sets it. */
typedef struct lexc_unknown_rules {
	bool any_value;
} lexc_unknown_rules;

typedef struct lexc_union_rules {
	const lexc_variant *variants; /* sorted by type_name for binary search */
	size_t n_variants;
	bool closed;
} lexc_union_rules;

/* `layout`, `kind` and `name` come first in every layout, so that any
 * liblexc can read a descriptor's layout and name it in a refusal. */
struct lexc_type {
	uint32_t layout; /* LEXC_LAYOUT_VERSION */
	lexc_kind kind;
	const char *name; /* for messages: "app.bsky.feed.post#replyRef", "" or NULL */
	union {
		lexc_boolean_rules boolean;
		lexc_integer_rules integer;
		lexc_string_rules string;
		lexc_bytes_rules bytes;
		lexc_blob_rules blob;
		lexc_array_rules array;
		lexc_object_rules object;
		lexc_union_rules union_;
		lexc_unknown_rules unknown;
	} u;
};

/* Size and alignment of the C member that holds one value of `t` (the
 * pointer for objects, the items pointer for arrays). */
size_t lexc_type_slot_size(const lexc_type *t);
size_t lexc_type_slot_align(const lexc_type *t);

/* Whether the field has a `bool has_x` member: when it is optional and
 * not an object (a NULL type lays out as an object, as in lower.c). */
static inline bool lexc_field_has_presence(const lexc_field *f)
{
	return (f->flags & LEXC_FIELD_OPTIONAL) != 0 && f->type != NULL &&
	       f->type->kind != LEXC_KIND_OBJECT;
}

#ifdef __cplusplus
}
#endif

#endif /* LEXC_TYPE_H */
