/* Lowering of the schema model to runtime descriptors: see lower.h. */
#include "config.h"

#include "lower.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* Memo: schema node → descriptor, open addressing on the pointer. */
typedef struct memo_entry {
	const schema_node *node;
	lexc_type *type;
} memo_entry;

struct lower {
	lexc_arena *arena;
	memo_entry *memo;
	size_t cap, count;
};

lower *lower_new(lexc_arena *arena)
{
	lower *l = diag_xalloc(arena, sizeof *l);
	memset(l, 0, sizeof *l);
	l->arena = arena;
	l->cap = 1024;
	l->memo = diag_xalloc(arena, l->cap * sizeof *l->memo);
	memset(l->memo, 0, l->cap * sizeof *l->memo);
	return l;
}

static size_t memo_slot(const memo_entry *m, size_t cap, const void *key)
{
	size_t i = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ull & (cap - 1);
	while (m[i].node != NULL && m[i].node != key)
		i = (i + 1) & (cap - 1);
	return i;
}

static lexc_type *memo_get(const lower *l, const schema_node *n)
{
	size_t i = memo_slot(l->memo, l->cap, n);
	return l->memo[i].node == n ? l->memo[i].type : NULL;
}

static void memo_put(lower *l, const schema_node *n, lexc_type *t)
{
	if (2 * (l->count + 1) > l->cap) {
		size_t cap = l->cap * 2;
		memo_entry *m = diag_xalloc(l->arena, cap * sizeof *m);
		memset(m, 0, cap * sizeof *m);
		for (size_t i = 0; i < l->cap; i++)
			if (l->memo[i].node != NULL)
				m[memo_slot(m, cap, l->memo[i].node)] = l->memo[i];
		l->memo = m;
		l->cap = cap;
	}
	size_t i = memo_slot(l->memo, l->cap, n);
	l->memo[i].node = n;
	l->memo[i].type = t;
	l->count++;
}

const schema_node *lower_origin(const lower *l, const lexc_type *t)
{
	for (size_t i = 0; i < l->cap; i++)
		if (l->memo[i].type == t)
			return l->memo[i].node;
	return NULL;
}

const schema_node *lower_resolve(const schema_node *n)
{
	/* Refs point at defs; a def is never itself a ref, but stay safe. */
	for (int hops = 0; n != NULL && n->kind == SCHEMA_REF && hops < 16; hops++)
		n = n->u.ref.target != NULL ? n->u.ref.target->node : NULL;
	return n;
}

static lexc_str str_of(const char *s)
{
	lexc_str r = {s, s != NULL ? strlen(s) : 0};
	return r;
}

/* A lexicon's minimum: 0 when unset (no bound). */
static size_t min_of(schema_int v)
{
	return v.set && v.value >= 0 ? (size_t)v.value : 0;
}

/* A lexicon's maximum into *max and its flag; unset leaves both zero. */
static void max_of(schema_int v, bool *has, size_t *max)
{
	if (v.set && v.value >= 0) {
		*has = true;
		*max = (size_t)v.value;
	}
}

static const lexc_str *str_list(lower *l, const schema_strs *s, size_t *n)
{
	*n = 0;
	if (!s->set || s->n == 0)
		return NULL;
	lexc_str *out = diag_xalloc(l->arena, s->n * sizeof *out);
	for (size_t i = 0; i < s->n; i++)
		out[i] = str_of(s->items[i]);
	*n = s->n;
	return out;
}

static void lower_string(lower *l, const schema_string *s, lexc_string_rules *r)
{
	r->min_length = min_of(s->min_length);
	max_of(s->max_length, &r->has_max_length, &r->max_length);
	r->min_graphemes = min_of(s->min_graphemes);
	max_of(s->max_graphemes, &r->has_max_graphemes, &r->max_graphemes);
	r->format = s->format;
	r->enum_values = str_list(l, &s->enum_values, &r->n_enum);
	r->known_values = str_list(l, &s->known_values, &r->n_known);
	if (s->default_value != NULL) {
		r->has_default = true;
		r->default_value = str_of(s->default_value);
	}
	if (s->const_value != NULL) {
		r->has_const = true;
		r->const_value = str_of(s->const_value);
	}
}

static void lower_integer(const schema_integer *s, lexc_integer_rules *r)
{
	r->has_minimum = s->minimum.set;
	r->minimum = s->minimum.value;
	r->has_maximum = s->maximum.set;
	r->maximum = s->maximum.value;
	if (s->has_enum) {
		r->enum_values = s->enum_values;
		r->n_enum = s->n_enum;
	}
	r->has_default = s->default_value.set;
	r->default_value = s->default_value.value;
	r->has_const = s->const_value.set;
	r->const_value = s->const_value.value;
}

/* Size and alignment of a value of `t` stored by value (array items). */
static size_t item_size(const lexc_type *t)
{
	return t->kind == LEXC_KIND_OBJECT ? t->u.object.size : lexc_type_slot_size(t);
}

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

static uint32_t place(size_t *size, size_t *align, size_t member_size, size_t member_align)
{
	size_t off = align_up(*size, member_align);
	*size = off + member_size;
	if (member_align > *align)
		*align = member_align;
	return (uint32_t)off;
}

static int str_cmp(const lexc_str *x, const lexc_str *y)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = n != 0 ? memcmp(x->ptr, y->ptr, n) : 0;
	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static int field_cmp(const void *a, const void *b)
{
	return str_cmp(&((const lexc_field *)a)->name, &((const lexc_field *)b)->name);
}

static int variant_cmp(const void *a, const void *b)
{
	return str_cmp(&((const lexc_variant *)a)->type_name,
	               &((const lexc_variant *)b)->type_name);
}

/* The `$type` an object is written with: its def's name when it is a def
 * (or a record's object), "" for inline objects. */
static lexc_str object_type_name(const schema_node *n, const schema_node *record)
{
	const schema_node *owner = record != NULL ? record : n;
	if (owner->def != NULL && owner->def->node == owner)
		return str_of(owner->def->full_name);
	return str_of(NULL);
}

/* Fills an object descriptor from an object or params node; `record` is
 * the record node when the object is a record's body. */
/* The kind a node lowers to, without lowering it: the layout of an object
 * must be known before its field types are lowered, because a recursive
 * type (an array of the object inside itself) needs the object's size. */
static lexc_kind kind_of(const schema_node *n)
{
	n = lower_resolve(n);
	if (n == NULL)
		return LEXC_KIND_UNKNOWN; /* an unresolved ref (allow_unresolved) */
	switch (n->kind) {
	case SCHEMA_BOOLEAN:
		return LEXC_KIND_BOOLEAN;
	case SCHEMA_INTEGER:
		return LEXC_KIND_INTEGER;
	case SCHEMA_STRING:
		return LEXC_KIND_STRING;
	case SCHEMA_BYTES:
		return LEXC_KIND_BYTES;
	case SCHEMA_CID_LINK:
		return LEXC_KIND_CID_LINK;
	case SCHEMA_BLOB:
		return LEXC_KIND_BLOB;
	case SCHEMA_ARRAY:
		return LEXC_KIND_ARRAY;
	case SCHEMA_UNION:
		return LEXC_KIND_UNION;
	case SCHEMA_UNKNOWN:
		return LEXC_KIND_UNKNOWN;
	default:
		return LEXC_KIND_OBJECT; /* objects, params, records: a pointer */
	}
}

/* Fills an object descriptor from an object or params node; `record` is
 * the record node when the object is a record's body. The layout comes
 * first (it depends only on the fields' kinds), then the field types. */
static void lower_object(lower *l, lexc_type *t, const schema_node *n, const schema_node *record)
{
	const schema_object *o = &n->u.object;
	lexc_object_rules *r = &t->u.object;
	lexc_field *fields =
	        o->n_props != 0 ? diag_xalloc(l->arena, o->n_props * sizeof *fields) : NULL;
	if (fields != NULL) /* what no flag names stays zero, as in generated code */
		memset(fields, 0, o->n_props * sizeof *fields);
	size_t size = 0, align = 1;
	for (size_t i = 0; i < o->n_props; i++) {
		const schema_prop *p = &o->props[i];
		lexc_field *f = &fields[i];
		lexc_type slot = {.kind = kind_of(p->type)};
		f->name = str_of(p->name);
		if (!p->required)
			f->flags |= LEXC_FIELD_OPTIONAL;
		if (p->nullable && n->kind == SCHEMA_OBJECT)
			f->flags |= LEXC_FIELD_NULLABLE;
		if (slot.kind == LEXC_KIND_ARRAY)
			f->flags |= LEXC_FIELD_COUNTED;
		/* An object's pointer is its presence: no `has_x` beside it. */
		if (!p->required && slot.kind != LEXC_KIND_OBJECT)
			f->has_offset = place(&size, &align, sizeof(bool), alignof(bool));
		if (f->flags & LEXC_FIELD_NULLABLE)
			f->null_offset = place(&size, &align, sizeof(bool), alignof(bool));
		if (f->flags & LEXC_FIELD_COUNTED)
			f->count_offset = place(&size, &align, sizeof(size_t), alignof(size_t));
		f->offset = place(&size, &align, lexc_type_slot_size(&slot),
		                  lexc_type_slot_align(&slot));
	}
	r->has_extra = true;
	r->extra_offset = place(&size, &align, sizeof(lexc_extra), alignof(lexc_extra));
	r->size = align_up(size, align);
	r->align = align;
	r->is_record = record != NULL;
	r->type_name = object_type_name(n, record);
	for (size_t i = 0; i < o->n_props; i++)
		fields[i].type = lower_node(l, o->props[i].type);
	if (o->n_props > 1)
		qsort(fields, o->n_props, sizeof *fields, field_cmp);
	r->fields = fields;
	r->n_fields = o->n_props;
}

const lexc_type *lower_node(lower *l, const schema_node *n)
{
	const schema_node *ref = n != NULL && n->kind == SCHEMA_REF ? n : NULL;
	n = lower_resolve(n);
	if (n == NULL && ref != NULL) {
		/* Only a set with allow_unresolved has these: any value. */
		lexc_type *any = diag_xalloc(l->arena, sizeof *any);
		memset(any, 0, sizeof *any);
		any->layout = LEXC_LAYOUT_VERSION;
		any->kind = LEXC_KIND_UNKNOWN;
		any->name = ref->u.ref.ref;
		any->u.unknown.any_value = true;
		return any;
	}
	if (n == NULL)
		return NULL;
	lexc_type *t = memo_get(l, n);
	if (t != NULL)
		return t;
	t = diag_xalloc(l->arena, sizeof *t);
	memset(t, 0, sizeof *t);
	t->layout = LEXC_LAYOUT_VERSION;
	t->name = n->def != NULL ? n->def->full_name : "";
	/* Registered before filling, so that recursive references find it. */
	memo_put(l, n, t);
	switch (n->kind) {
	case SCHEMA_BOOLEAN:
		t->kind = LEXC_KIND_BOOLEAN;
		t->u.boolean.has_default = n->u.boolean.has_default;
		t->u.boolean.default_value = n->u.boolean.default_value;
		t->u.boolean.has_const = n->u.boolean.has_const;
		t->u.boolean.const_value = n->u.boolean.const_value;
		break;
	case SCHEMA_INTEGER:
		t->kind = LEXC_KIND_INTEGER;
		lower_integer(&n->u.integer, &t->u.integer);
		break;
	case SCHEMA_STRING:
		t->kind = LEXC_KIND_STRING;
		lower_string(l, &n->u.string, &t->u.string);
		break;
	case SCHEMA_BYTES:
		t->kind = LEXC_KIND_BYTES;
		t->u.bytes.min_length = min_of(n->u.bytes.min_length);
		max_of(n->u.bytes.max_length, &t->u.bytes.has_max_length, &t->u.bytes.max_length);
		break;
	case SCHEMA_CID_LINK:
		t->kind = LEXC_KIND_CID_LINK;
		break;
	case SCHEMA_BLOB:
		t->kind = LEXC_KIND_BLOB;
		t->u.blob.accept = str_list(l, &n->u.blob.accept, &t->u.blob.n_accept);
		t->u.blob.has_max_size = n->u.blob.max_size.set;
		t->u.blob.max_size = n->u.blob.max_size.value;
		break;
	case SCHEMA_ARRAY:
		t->kind = LEXC_KIND_ARRAY;
		t->u.array.items = lower_node(l, n->u.array.items);
		t->u.array.item_size = t->u.array.items != NULL ? item_size(t->u.array.items) : 0;
		t->u.array.min_length = min_of(n->u.array.min_length);
		max_of(n->u.array.max_length, &t->u.array.has_max_length, &t->u.array.max_length);
		break;
	case SCHEMA_OBJECT:
	case SCHEMA_PARAMS:
		t->kind = LEXC_KIND_OBJECT;
		lower_object(l, t, n, NULL);
		break;
	case SCHEMA_RECORD:
		t->kind = LEXC_KIND_OBJECT;
		if (n->u.record.record != NULL)
			lower_object(l, t, n->u.record.record, n);
		break;
	case SCHEMA_UNION: {
		t->kind = LEXC_KIND_UNION;
		const schema_union *u = &n->u.union_;
		bool all_resolved = true;
		lexc_variant *v =
		        u->n_refs != 0 ? diag_xalloc(l->arena, u->n_refs * sizeof *v) : NULL;
		size_t k = 0;
		for (size_t i = 0; i < u->n_refs; i++) {
			const schema_def *target = u->refs[i].target;
			if (target == NULL) {
				/* Unresolved (allow_unresolved): its $type must pass. */
				all_resolved = false;
				continue;
			}
			v[k].type_name = str_of(target->full_name);
			v[k].type = lower_node(l, target->node);
			k++;
		}
		if (k > 1)
			qsort(v, k, sizeof *v, variant_cmp);
		t->u.union_.variants = v;
		t->u.union_.n_variants = k;
		t->u.union_.closed = u->closed && all_resolved;
		break;
	}
	case SCHEMA_UNKNOWN:
		t->kind = LEXC_KIND_UNKNOWN;
		break;
	default:
		/* Tokens, methods, permissions: not values. */
		return NULL;
	}
	return t;
}

const lexc_type *lower_def(lower *l, const schema_def *def)
{
	return lower_node(l, def->node);
}
