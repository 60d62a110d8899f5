/* Storage of one value of each kind, for layout computations. */
#include "config.h"

#include <lexc/type.h>

#include <stdalign.h>

size_t lexc_type_slot_size(const lexc_type *t)
{
	switch (t->kind) {
	case LEXC_KIND_BOOLEAN:
		return sizeof(bool);
	case LEXC_KIND_INTEGER:
		return sizeof(int64_t);
	case LEXC_KIND_STRING:
	case LEXC_KIND_CID_LINK:
	case LEXC_KIND_UNKNOWN:
		return sizeof(lexc_str);
	case LEXC_KIND_BYTES:
		return sizeof(lexc_bytes);
	case LEXC_KIND_BLOB:
		return sizeof(lexc_blob);
	case LEXC_KIND_UNION:
		return sizeof(lexc_union);
	case LEXC_KIND_ARRAY:
	case LEXC_KIND_OBJECT:
		return sizeof(void *);
	}
	return 0;
}

size_t lexc_type_slot_align(const lexc_type *t)
{
	switch (t->kind) {
	case LEXC_KIND_BOOLEAN:
		return alignof(bool);
	case LEXC_KIND_INTEGER:
		return alignof(int64_t);
	case LEXC_KIND_STRING:
	case LEXC_KIND_CID_LINK:
	case LEXC_KIND_UNKNOWN:
		return alignof(lexc_str);
	case LEXC_KIND_BYTES:
		return alignof(lexc_bytes);
	case LEXC_KIND_BLOB:
		return alignof(lexc_blob);
	case LEXC_KIND_UNION:
		return alignof(lexc_union);
	case LEXC_KIND_ARRAY:
	case LEXC_KIND_OBJECT:
		return alignof(void *);
	}
	return 1;
}
