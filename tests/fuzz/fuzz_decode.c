/* libFuzzer target for the decode engine on real schemas: the first input
 * byte picks app.bsky.feed.post, place.stream.server.createWebhook's input
 * or the interop catalog's example.lexicon.record; the rest is the JSON.
 * Checks: no crash, no undefined behaviour, no leak; a value that decodes
 * also validates, encodes, and re-decodes to the same encoding (a fixed
 * point). Descriptors are lowered from the lexicon files, exactly as
 * `lexc validate` does. */
#include "config.h"

#include "lower.h"
#include "schema.h"

#include <lexc/codec.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LEXC_SRCDIR
#error "build with -DLEXC_SRCDIR=\"...\""
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const lexc_type *types[3];
static schema_set *schemas; /* kept for the whole run: descriptors point into it */

static const lexc_type *load(schema_set *set, lower *l, const char *id, bool input)
{
	const schema_doc *doc = schema_set_find_doc(set, id, strlen(id));
	if (doc == NULL || doc->main == NULL)
		abort();
	const schema_node *n = doc->main->node;
	if (input)
		n = n->u.xrpc.input->schema;
	return lower_node(l, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	schema_set *set = schemas = schema_set_new();
	schema_set_add_path(set, LEXC_SRCDIR "/tests/data/lexicons-atproto", false);
	schema_set_add_path(set, LEXC_SRCDIR "/lexicons", false);
	schema_set_add_path(set, LEXC_SRCDIR "/tests/data/interop/lexicon/catalog", false);
	if (schema_set_finish(set) != 0) {
		diag_print(&set->diags, stderr);
		abort();
	}
	lower *l = lower_new(&set->arena);
	types[0] = load(set, l, "app.bsky.feed.post", false);
	types[1] = load(set, l, "place.stream.server.createWebhook", true);
	types[2] = load(set, l, "example.lexicon.record", false);
	return 0;
}

static char *encode(const lexc_type *t, const void *v, size_t *len)
{
	lexc_error err;
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	if (lexc_encode(t, v, &w, &err) != LEXC_OK) {
		fprintf(stderr, "decoded value does not encode: %s: %s\n", err.path, err.message);
		abort();
	}
	return lexc_json_writer_take(&w, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const lexc_type *t = types[data[0] % 3];
	const char *json = (const char *)data + 1;
	size_t len = size - 1;
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	void *v = malloc(t->u.object.size);
	lexc_status st = lexc_decode(t, json, len, &a, v, &err);
	if (st == LEXC_OK) {
		if (lexc_validate(t, v, &err) != LEXC_OK) {
			fprintf(stderr, "decoded value does not validate: %s: %s\n", err.path,
			        err.message);
			abort();
		}
		size_t n1, n2;
		char *once = encode(t, v, &n1);
		lexc_arena b = LEXC_ARENA_INIT;
		void *v2 = malloc(t->u.object.size);
		if (lexc_decode(t, once, n1, &b, v2, &err) != LEXC_OK) {
			fprintf(stderr, "re-decode failed: %s: %s\n", err.path, err.message);
			abort();
		}
		char *twice = encode(t, v2, &n2);
		if (n1 != n2 || memcmp(once, twice, n1) != 0) {
			fprintf(stderr, "encoding is not a fixed point:\n%s\n%s\n", once, twice);
			abort();
		}
		free(once);
		free(twice);
		free(v2);
		lexc_arena_free(&b);
	} else if (err.message[0] == '\0' || err.path[0] != '$') {
		fprintf(stderr, "rejection without a path and message\n");
		abort();
	}
	free(v);
	lexc_arena_free(&a);
	return 0;
}
