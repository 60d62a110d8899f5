/* Storage of one value of each kind, for layout computations; the layout
 * check of descriptors. */
#include "config.h"

#include "codec_internal.h"

#include <lexc/version.h>

#include <inttypes.h>
#include <stdalign.h>

lexc_status codec_layout_refused(const char *what, const char *name, uint32_t layout,
                                 lexc_error *err)
{
	return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
	                      "%s %s has layout %" PRIu32 "; this liblexc %s reads layout %d: "
	                      "regenerate with the matching lexc and rebuild",
	                      what, name != NULL && name[0] != '\0' ? name : "(unnamed)", layout,
	                      lexc_version(), LEXC_LAYOUT_VERSION);
}

lexc_status codec_uncounted_array(lexc_error *err)
{
	return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
	                      "descriptor of an array field without LEXC_FIELD_COUNTED");
}

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
