/* libFuzzer target for the decode engine on real schemas: the first input
 * byte picks app.bsky.feed.post, place.stream.server.createWebhook's input
 * or the interop catalog's example.lexicon.record; the rest is the JSON.
 * Checks: no crash, no undefined behaviour, no leak; a value that decodes
 * also validates, encodes, and re-decodes to the same encoding (a fixed
 * point), and that encoding is valid JSON by jansson that obeys the data
 * model by an oracle of its own (below), written without the engine.
 * Selector 3 puts the rest into a handler-built createWebhook input as the
 * raw JSON of an undeclared property: whatever lexc_encode() writes must
 * pass the same oracle, and raw JSON the oracle finds clean must encode.
 * Descriptors are lowered from the lexicon files, exactly as `lexc
 * validate` does. */
#include "config.h"

#include "lower.h"
#include "pipeline.h"

#include <lexc/codec.h>

#include <jansson.h>
#include <math.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LEXC_SRCDIR
#error "build with -DLEXC_SRCDIR=\"...\""
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const lexc_type *types[4];
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
	types[3] = types[1];
	return 0;
}

/* The data model by jansson, independent of the engine: no floats (an
 * integral real such as 1.0 passes, as the reader reads it as an integer),
 * no empty keys, $type a non-empty string, $link and $bytes objects with
 * nothing else, blobs with a link ref, a string mimeType and an integer
 * size; depth counts objects and arrays from `depth`. */
static bool dm_ok(const json_t *v, int depth, bool strict);

static bool dm_integer(const json_t *v)
{
	return json_is_integer(v) || (json_is_real(v) && dm_ok(v, 0, false));
}

/* strict: no reals at all, not even integral ones. */
static bool dm_ok(const json_t *v, int depth, bool strict)
{
	if (json_is_real(v)) {
		double d = json_real_value(v);
		return !strict && d == floor(d) && fabs(d) < 9.2e18;
	}
	if (json_is_array(v)) {
		if (depth + 1 > 32)
			return false;
		for (size_t i = 0; i < json_array_size(v); i++)
			if (!dm_ok(json_array_get(v, i), depth + 1, strict))
				return false;
		return true;
	}
	if (!json_is_object(v))
		return true;
	if (depth + 1 > 32)
		return false;
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)v, key, val)
	{
		if (key[0] == '\0' || !dm_ok(val, depth + 1, strict))
			return false;
	}
	const json_t *type = json_object_get(v, "$type");
	if (type != NULL && (!json_is_string(type) || json_string_length(type) == 0))
		return false;
	const json_t *link = json_object_get(v, "$link"), *bytes = json_object_get(v, "$bytes");
	if (link != NULL || bytes != NULL)
		return json_object_size(v) == 1 && json_is_string(link != NULL ? link : bytes);
	if (type != NULL && strcmp(json_string_value(type), "blob") == 0) {
		const json_t *ref = json_object_get(v, "ref");
		const json_t *l = ref != NULL ? json_object_get(ref, "$link") : NULL;
		return l != NULL && json_object_size(ref) == 1 && json_is_string(l) &&
		       json_is_string(json_object_get(v, "mimeType")) &&
		       dm_integer(json_object_get(v, "size"));
	}
	return true;
}

/* Valid JSON for jansson (duplicates refused), obeying the data model. */
static void check_output(const char *json, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len,
	                          JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (root == NULL && strstr(jerr.text, "NUL byte in object key") != NULL)
		return; /* NUL in a key: valid JSON that jansson cannot hold */
	if (root == NULL) {
		fprintf(stderr, "output is not JSON for jansson (%s):\n%.*s\n", jerr.text, (int)len,
		        json);
		abort();
	}
	if (!json_is_object(root) || !dm_ok(root, 0, false)) {
		fprintf(stderr, "output breaks the data model:\n%.*s\n", (int)len, json);
		abort();
	}
	json_decref(root);
}

/* Selector 3: `raw` as an undeclared property "x" of a handler's value. */
static void fuzz_raw_extra(const lexc_type *t, const char *raw, size_t len)
{
	static const char base[] = "{\"url\":\"https://example.com/h\",\"events\":[\"chat\"]}";
	lexc_arena a = LEXC_ARENA_INIT;
	lexc_error err;
	void *v = malloc(t->u.object.size);
	if (lexc_decode(t, base, sizeof base - 1, &a, v, &err) != LEXC_OK)
		abort();
	lexc_extra_field field = {{"x", 1}, {raw, len}};
	lexc_extra *x = (lexc_extra *)((char *)v + t->u.object.extra_offset);
	x->fields = &field;
	x->n = 1;
	lexc_json_writer w;
	lexc_json_writer_init(&w, &err);
	lexc_status st = lexc_encode(t, v, &w, &err);
	if (st == LEXC_OK) {
		check_output(w.buf, w.len);
	} else {
		if (err.message[0] == '\0' || err.path[0] != '$') {
			fprintf(stderr, "encode refused without a path and message\n");
			abort();
		}
		/* Raw JSON that jansson reads and the oracle finds clean (no reals
		 * and no NUL, where the two readers differ by design) must go out. */
		json_error_t jerr;
		json_t *j = memchr(raw, '\0', len) == NULL && strstr(raw, "\\u0000") == NULL
		                    ? json_loadb(raw, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		                                 &jerr)
		                    : NULL;
		if (j != NULL && dm_ok(j, 1, true)) {
			const json_t *lk = json_is_object(j) ? json_object_get(j, "$link") : NULL;
			const json_t *by = json_is_object(j) ? json_object_get(j, "$bytes") : NULL;
			/* The oracle does not check CIDs and base64; leave those out. */
			if (lk == NULL && by == NULL && strstr(raw, "$link") == NULL &&
			    strstr(raw, "$bytes") == NULL) {
				fprintf(stderr, "clean raw JSON refused: %s: %s\n%.*s\n", err.path,
				        err.message, (int)len, raw);
				abort();
			}
		}
		json_decref(j);
	}
	lexc_json_writer_free(&w);
	free(v);
	lexc_arena_free(&a);
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
	const lexc_type *t = types[data[0] % 4];
	const char *json = (const char *)data + 1;
	size_t len = size - 1;
	if (data[0] % 4 == 3) {
		/* strstr() in the oracle needs a terminated copy. */
		char *raw = malloc(len + 1);
		memcpy(raw, json, len);
		raw[len] = '\0';
		fuzz_raw_extra(t, raw, len);
		free(raw);
		return 0;
	}
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
		check_output(once, n1);
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
