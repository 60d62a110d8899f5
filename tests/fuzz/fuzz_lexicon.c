/* libFuzzer target for the lexicon front end: the input is one lexicon
 * document (and, after a NUL byte, an external one) run through the same
 * loader, checker and resolver as `lexc lint`. Checks: no crash, leak or
 * undefined behaviour (ASan/LSan/UBSan); well-formed diagnostics; the same
 * verdict twice; and, when there is no error, the promise later stages
 * rely on: no invalid node, every ref resolved, every required part set. */
#include "config.h"

#include "pipeline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_lexicon: %s failed\n", #cond);                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A valid set holds nothing a later stage would have to guard against. */
static void check_valid_node(schema_node *n, void *ctx)
{
	(void)ctx;
	REQUIRE(n->kind != SCHEMA_INVALID);
	REQUIRE(n->path != NULL && n->path[0] == '$' && n->doc != NULL && n->def != NULL);
	switch (n->kind) {
	case SCHEMA_REF:
		REQUIRE(n->u.ref.target != NULL);
		REQUIRE(n->u.ref.target->node->kind != SCHEMA_TOKEN);
		break;
	case SCHEMA_UNION:
		for (size_t i = 0; i < n->u.union_.n_refs; i++) {
			const schema_def *t = n->u.union_.refs[i].target;
			REQUIRE(t != NULL);
			REQUIRE(t->node->kind == SCHEMA_OBJECT || t->node->kind == SCHEMA_RECORD);
		}
		REQUIRE(!n->u.union_.closed || n->u.union_.n_refs > 0);
		break;
	case SCHEMA_ARRAY:
		REQUIRE(n->u.array.items != NULL);
		break;
	case SCHEMA_OBJECT:
	case SCHEMA_PARAMS:
		REQUIRE(n->u.object.has_properties);
		for (size_t i = 0; i < n->u.object.required.n; i++)
			REQUIRE(schema_object_find_prop(&n->u.object,
			                                n->u.object.required.items[i]) != NULL);
		break;
	case SCHEMA_STRING:
		REQUIRE(n->u.string.format_name == NULL || n->u.string.format != LEXC_FORMAT_NONE);
		REQUIRE(n->u.string.default_value == NULL || n->u.string.const_value == NULL);
		break;
	case SCHEMA_RECORD:
		REQUIRE(n->u.record.key_type != SCHEMA_KEY_INVALID);
		REQUIRE(n->u.record.record != NULL && n->u.record.record->kind == SCHEMA_OBJECT);
		break;
	case SCHEMA_QUERY:
	case SCHEMA_PROCEDURE:
		REQUIRE(n->u.xrpc.output == NULL || n->u.xrpc.output->encoding != NULL);
		REQUIRE(n->u.xrpc.input == NULL || n->u.xrpc.input->encoding != NULL);
		break;
	case SCHEMA_SUBSCRIPTION:
		REQUIRE(n->u.xrpc.message == NULL || n->u.xrpc.message->schema != NULL);
		break;
	default:
		break;
	}
}

/* Loads and finishes; returns the error count and checks the output. */
static size_t run(const uint8_t *data, size_t size, size_t *n_diags)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t local = nul != NULL ? (size_t)(nul - data) : size;
	schema_set *set = schema_set_new();
	schema_set_add_buffer(set, "fuzz.json", (const char *)data, local, false);
	if (nul != NULL)
		schema_set_add_buffer(set, "ext.json", (const char *)nul + 1, size - local - 1,
		                      true);
	size_t errors = schema_set_finish(set);
	*n_diags = set->diags.n;
	for (size_t i = 0; i < set->diags.n; i++) {
		const diag *d = &set->diags.items[i];
		REQUIRE(d->message[0] != '\0' && d->file[0] != '\0');
		REQUIRE(d->path == NULL || d->path[0] == '$');
		REQUIRE(strchr(d->message, '\n') == NULL);
		REQUIRE(i == 0 || strcmp(set->diags.items[i - 1].file, d->file) <= 0);
	}
	if (errors == 0)
		for (size_t i = 0; i < set->n_docs; i++)
			for (size_t k = 0; k < set->docs[i]->n_defs; k++)
				if (!set->docs[i]->external || set->docs[i]->reachable)
					schema_walk(set->docs[i]->defs[k].node, check_valid_node,
					            NULL);
	schema_set_free(set);
	return errors;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n1, n2;
	size_t e1 = run(data, size, &n1);
	size_t e2 = run(data, size, &n2);
	REQUIRE(e1 == e2 && n1 == n2);
	return 0;
}
