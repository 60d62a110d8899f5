/* Values made from their descriptor alone: what a generated constructor
 * gives, for code that holds only a lexc_type (the XRPC server building a
 * handler's output), with the defaults decoding applies. */
#include "config.h"

#include "codec_internal.h"

#include <lexc/codec.h>

#include <string.h>

/* A required object of a required object... is allocated down to this
 * depth: a lexicon whose required refs form a cycle has no finite value,
 * and the level past it stays NULL for lexc_validate() to report. */
enum { VALUE_NEW_MAX_DEPTH = 32 };

static void *object_new(const lexc_type *t, lexc_arena *arena, int depth)
{
	const lexc_object_rules *o = &t->u.object;
	size_t align = o->align != 0 ? o->align : 1;
	void *v = lexc_arena_alloc_aligned(arena, o->size != 0 ? o->size : 1, align);
	if (v == NULL)
		return NULL;
	memset(v, 0, o->size);
	for (size_t i = 0; i < o->n_fields; i++) {
		const lexc_field *f = &o->fields[i];
		codec_apply_default(f, v);
		bool required = (f->flags & (LEXC_FIELD_OPTIONAL | LEXC_FIELD_NULLABLE)) == 0;
		if (required && f->type != NULL && f->type->kind == LEXC_KIND_OBJECT &&
		    depth < VALUE_NEW_MAX_DEPTH) {
			void *child = object_new(f->type, arena, depth + 1);
			if (child == NULL)
				return NULL;
			*(void **)CODEC_AT(v, f->offset) = child;
		}
	}
	return v;
}

lexc_status lexc_value_new(const lexc_type *t, lexc_arena *arena, void **out, lexc_error *err)
{
	*out = NULL;
	lexc_status st = codec_check_layout(t, err);
	if (st != LEXC_OK)
		return st;
	void *v = t->kind == LEXC_KIND_OBJECT ? object_new(t, arena, 1)
	                                      : lexc_arena_calloc(arena, 1, lexc_type_slot_size(t));
	if (v == NULL)
		return lexc_error_set(err, LEXC_NO_MEMORY, "out of memory for a value of %s",
		                      t->name != NULL && t->name[0] != '\0' ? t->name
		                                                            : "(unnamed)");
	*out = v;
	return LEXC_OK;
}
