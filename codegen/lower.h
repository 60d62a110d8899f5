/* Lowering: the checked schema model (schema.h) → runtime descriptors
 * (lexc/type.h). `lexc validate` runs the engine on these directly; the C
 * emitter prints the same descriptors as source, so the constraints the
 * command line checks and those generated code checks come from one place.
 *
 * Struct layout (the emitter declares members in exactly this order):
 * for each property in document order, `bool has_x` if optional and not
 * an object (an object's pointer is its presence), `bool x_is_null` if
 * nullable, `size_t n_x` if an array, then `x` itself; last, `lexc_extra
 * _extra`. Objects in fields are pointers; objects as array items are
 * stored by value. Descriptor fields are sorted by name; a field's flags
 * (LEXC_FIELD_*) say which of its offsets are set, the others stay 0.
 *
 * Only call on a set whose schema_set_finish() reported no errors. */
#ifndef LEXC_CODEGEN_LOWER_H
#define LEXC_CODEGEN_LOWER_H

#include "schema.h"

#include <lexc/type.h>

typedef struct lower lower;

/* A lowering context; descriptors live in `arena` and are memoised per
 * schema node, so recursive types lower to finite graphs. */
lower *lower_new(lexc_arena *arena);

/* The descriptor of a value node (boolean … unknown, object, params, ref,
 * union, record); NULL for nodes that are not values (tokens, methods). */
const lexc_type *lower_node(lower *l, const schema_node *node);

/* The descriptor of a def: a record's object (with $type rules), an
 * object, or any other value def; NULL for tokens and methods. */
const lexc_type *lower_def(lower *l, const schema_def *def);

/* Follows refs to the node that defines a value's shape. */
const schema_node *lower_resolve(const schema_node *node);

/* For an object descriptor built by lower_node: the object node it came
 * from (record and params nodes included); NULL otherwise. */
const schema_node *lower_origin(const lower *l, const lexc_type *t);

#endif /* LEXC_CODEGEN_LOWER_H */
