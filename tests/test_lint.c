/* Unit tests of the lexicon front end as a library: the model the loader
 * builds, every document rule with its exact diagnostic, ref resolution,
 * --external semantics, ordering, the interop vectors and the official
 * corpus. JSON in this file is written with single quotes, which J()
 * turns into double quotes (no test string needs an apostrophe). */
#include "config.h"

#include "lower.h"
#include "pipeline.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- Helpers ------------------------------------------------------------ */

static char *J(const char *s)
{
	char *d = strdup(s);
	ck_assert_ptr_nonnull(d);
	for (char *p = d; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static void add(schema_set *set, const char *file, const char *json, bool external)
{
	char *j = J(json);
	schema_set_add_buffer(set, file, j, strlen(j), external);
	free(j);
}

/* The diagnostics as printed, one per line; the caller frees. */
static char *diags_text(const schema_set *set)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	diag_print(&set->diags, f);
	fclose(f);
	return buf;
}

/* A finished set of one document "t.json". */
static schema_set *load1(const char *json)
{
	schema_set *set = schema_set_new();
	add(set, "t.json", json, false);
	schema_set_finish(set);
	return set;
}

/* The diagnostics of one document. */
static char *lint1(const char *json)
{
	schema_set *set = load1(json);
	char *text = diags_text(set);
	schema_set_free(set);
	return text;
}

/* The diagnostics of a document of id com.example.t with these defs. */
static char *lint_defs(const char *defs)
{
	const char *head = "{'lexicon': 1, 'id': 'com.example.t', 'defs': {";
	char *doc = malloc(strlen(head) + strlen(defs) + 3);
	ck_assert_ptr_nonnull(doc);
	strcpy(doc, head);
	strcat(doc, defs);
	strcat(doc, "}}");
	char *text = lint1(doc);
	free(doc);
	return text;
}

#define ASSERT_LINT_DEFS(defs, want)                                                               \
	do {                                                                                       \
		char *got_ = lint_defs(defs);                                                      \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

#define ASSERT_LINT(json, want)                                                                    \
	do {                                                                                       \
		char *got_ = lint1(json);                                                          \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

#define P "t.json: $.defs."

static const char *test_data(void)
{
	const char *d = getenv("LEXC_TEST_DATA");
	return d != NULL ? d : "tests/data";
}

/* ---- The model ---------------------------------------------------------------- */

static const char record_doc[] =
        "{'lexicon': 1, 'id': 'com.example.post', 'description': 'posts',"
        " 'defs': {"
        "  'main': {'type': 'record', 'key': 'literal:self', 'description': 'a post',"
        "   'record': {'type': 'object', 'required': ['text'], 'nullable': ['reply'],"
        "    'properties': {"
        "     'text': {'type': 'string', 'maxLength': 3000, 'maxGraphemes': 300,"
        "              'format': 'uri', 'knownValues': ['a', 'b'], 'default': 'https://x.y'},"
        "     'reply': {'type': 'ref', 'ref': '#replyRef'},"
        "     'count': {'type': 'integer', 'minimum': 0, 'maximum': 10, 'enum': [1, 2],"
        "               'const': 2},"
        "     'flag': {'type': 'boolean', 'default': true},"
        "     'data': {'type': 'bytes', 'minLength': 1, 'maxLength': 8},"
        "     'link': {'type': 'cid-link'},"
        "     'image': {'type': 'blob', 'accept': ['image/*'], 'maxSize': 1000},"
        "     'tags': {'type': 'array', 'items': {'type': 'string'}, 'maxLength': 8},"
        "     'embed': {'type': 'union', 'refs': ['#replyRef', 'com.example.post'],"
        "               'closed': true},"
        "     'extra': {'type': 'unknown'},"
        "     'inline': {'type': 'object', 'properties': {'x': {'type': 'integer'}}}"
        "   }}},"
        "  'replyRef': {'type': 'object', 'properties': {}},"
        "  'fast': {'type': 'token', 'description': 'speed'}"
        " }}";

START_TEST(test_model_record)
{
	schema_set *set = load1(record_doc);
	ck_assert_uint_eq(set->diags.n, 0);
	ck_assert_uint_eq(set->n_docs, 1);
	const schema_doc *doc = schema_set_find_doc(set, "com.example.post", 16);
	ck_assert_ptr_eq(doc, set->docs[0]);
	ck_assert_str_eq(doc->file, "t.json");
	ck_assert_str_eq(doc->description, "posts");
	ck_assert(!doc->external);
	/* Defs in document order; by_name sorted. */
	ck_assert_uint_eq(doc->n_defs, 3);
	ck_assert_str_eq(doc->defs[0].name, "main");
	ck_assert_str_eq(doc->defs[1].name, "replyRef");
	ck_assert_str_eq(doc->defs[2].name, "fast");
	ck_assert_str_eq(doc->by_name[0]->name, "fast");
	ck_assert_str_eq(doc->defs[0].full_name, "com.example.post");
	ck_assert_str_eq(doc->defs[1].full_name, "com.example.post#replyRef");
	ck_assert_ptr_eq(doc->main, &doc->defs[0]);
	ck_assert_ptr_eq(schema_doc_find_def(doc, "fast", 4), &doc->defs[2]);
	ck_assert_ptr_null(schema_doc_find_def(doc, "fas", 3));
	ck_assert_int_eq(doc->defs[2].node->kind, SCHEMA_TOKEN);
	ck_assert_str_eq(doc->defs[2].node->description, "speed");

	const schema_node *main = doc->defs[0].node;
	ck_assert_int_eq(main->kind, SCHEMA_RECORD);
	ck_assert_str_eq(main->path, "$.defs.main");
	ck_assert_str_eq(main->description, "a post");
	ck_assert_ptr_eq(main->doc, doc);
	ck_assert_ptr_eq(main->def, &doc->defs[0]);
	ck_assert_int_eq(main->u.record.key_type, SCHEMA_KEY_LITERAL);
	ck_assert_str_eq(main->u.record.key_literal, "self");
	const schema_node *rec = main->u.record.record;
	ck_assert_int_eq(rec->kind, SCHEMA_OBJECT);
	ck_assert_str_eq(rec->path, "$.defs.main.record");
	const schema_object *o = &rec->u.object;
	ck_assert_uint_eq(o->n_props, 11);
	ck_assert_str_eq(o->props[0].name, "text");
	ck_assert_str_eq(o->props[10].name, "inline");
	ck_assert_str_eq(o->by_name[0]->name, "count");
	ck_assert(o->props[0].required && !o->props[0].nullable);
	ck_assert(o->props[1].nullable && !o->props[1].required);
	ck_assert_ptr_eq(schema_object_find_prop(o, "tags"), &o->props[7]);
	ck_assert_ptr_null(schema_object_find_prop(o, "nope"));

	const schema_node *text = o->props[0].type;
	ck_assert_str_eq(text->path, "$.defs.main.record.properties.text");
	ck_assert_ptr_eq(text->def, &doc->defs[0]);
	ck_assert_int_eq(text->u.string.format, LEXC_FORMAT_URI);
	ck_assert(text->u.string.max_length.set);
	ck_assert_int_eq(text->u.string.max_length.value, 3000);
	ck_assert_int_eq(text->u.string.max_graphemes.value, 300);
	ck_assert(!text->u.string.min_length.set);
	ck_assert_uint_eq(text->u.string.known_values.n, 2);
	ck_assert(!text->u.string.enum_values.set);
	ck_assert_str_eq(text->u.string.default_value, "https://x.y");
	ck_assert_ptr_null(text->u.string.const_value);

	const schema_node *reply = o->props[1].type;
	ck_assert_ptr_eq(reply->u.ref.target, &doc->defs[1]);
	const schema_integer *count = &o->props[2].type->u.integer;
	ck_assert(count->minimum.set && count->minimum.value == 0);
	ck_assert_uint_eq(count->n_enum, 2);
	ck_assert_int_eq(count->enum_values[1], 2);
	ck_assert(count->const_value.set && !count->default_value.set);
	const schema_boolean *flag = &o->props[3].type->u.boolean;
	ck_assert(flag->has_default && flag->default_value && !flag->has_const);
	ck_assert_int_eq(o->props[4].type->u.bytes.max_length.value, 8);
	ck_assert_int_eq(o->props[5].type->kind, SCHEMA_CID_LINK);
	const schema_blob *img = &o->props[6].type->u.blob;
	ck_assert_str_eq(img->accept.items[0], "image/*");
	ck_assert_int_eq(img->max_size.value, 1000);
	const schema_array *tags = &o->props[7].type->u.array;
	ck_assert_int_eq(tags->items->kind, SCHEMA_STRING);
	ck_assert_str_eq(tags->items->path, "$.defs.main.record.properties.tags.items");
	const schema_union *u = &o->props[8].type->u.union_;
	ck_assert(u->closed);
	ck_assert_uint_eq(u->n_refs, 2);
	ck_assert_ptr_eq(u->refs[0].target, &doc->defs[1]);
	ck_assert_ptr_eq(u->refs[1].target, &doc->defs[0]); /* a record variant */
	ck_assert_int_eq(o->props[9].type->kind, SCHEMA_UNKNOWN);
	ck_assert_int_eq(o->props[10].type->kind, SCHEMA_OBJECT);
	ck_assert_uint_eq(o->props[10].type->u.object.n_props, 1);
	/* Document order: every node's order grows in a pre-order walk. */
	ck_assert_uint_lt(main->order, rec->order);
	ck_assert_uint_lt(text->order, reply->order);
	schema_set_free(set);
}
END_TEST

static const char xrpc_doc[] =
        "{'lexicon': 1, 'id': 'com.example.call', 'defs': {"
        " 'main': {'type': 'procedure', 'description': 'call it',"
        "  'parameters': {'type': 'params', 'required': ['q'], 'properties': {"
        "    'q': {'type': 'string'}, 'n': {'type': 'integer', 'default': 5},"
        "    'any': {'type': 'unknown'},"
        "    'many': {'type': 'array', 'items': {'type': 'boolean'}}}},"
        "  'input': {'encoding': 'application/json', 'description': 'in',"
        "   'schema': {'type': 'ref', 'ref': '#body'}},"
        "  'output': {'encoding': '*/*'},"
        "  'errors': [{'name': 'NotFound', 'description': 'gone'}, {'name': 'Busy'}]},"
        " 'body': {'type': 'object', 'properties': {}}}}";

START_TEST(test_model_xrpc)
{
	schema_set *set = load1(xrpc_doc);
	ck_assert_uint_eq(set->diags.n, 0);
	const schema_node *n = set->docs[0]->main->node;
	ck_assert_int_eq(n->kind, SCHEMA_PROCEDURE);
	const schema_xrpc *x = &n->u.xrpc;
	ck_assert_int_eq(x->parameters->kind, SCHEMA_PARAMS);
	ck_assert_uint_eq(x->parameters->u.object.n_props, 4);
	ck_assert(x->parameters->u.object.props[0].required);
	ck_assert_str_eq(x->input->encoding, "application/json");
	ck_assert_str_eq(x->input->description, "in");
	ck_assert_str_eq(x->input->path, "$.defs.main.input");
	ck_assert_ptr_eq(x->input->schema->u.ref.target, &set->docs[0]->defs[1]);
	ck_assert_str_eq(x->output->encoding, "*/*");
	ck_assert_ptr_null(x->output->schema);
	ck_assert_ptr_null(x->message);
	ck_assert_uint_eq(x->n_errors, 2);
	ck_assert_str_eq(x->errors[0].name, "NotFound");
	ck_assert_str_eq(x->errors[0].description, "gone");
	ck_assert_str_eq(x->errors[1].path, "$.defs.main.errors[1]");
	schema_set_free(set);

	set = load1("{'lexicon': 1, 'id': 'com.example.sub', 'defs': {"
	            " 'main': {'type': 'subscription',"
	            "  'parameters': {'type': 'params', 'properties': {'c': {'type': 'integer'}}},"
	            "  'message': {'schema': {'type': 'union', 'refs': ['#a']}},"
	            "  'errors': [{'name': 'FutureCursor'}]},"
	            " 'a': {'type': 'object', 'properties': {}}}}");
	ck_assert_uint_eq(set->diags.n, 0);
	x = &set->docs[0]->main->node->u.xrpc;
	ck_assert_int_eq(x->message->schema->kind, SCHEMA_UNION);
	ck_assert_ptr_null(x->message->encoding);
	ck_assert_ptr_null(x->input);
	ck_assert_ptr_null(x->output);
	schema_set_free(set);
}
END_TEST

START_TEST(test_model_permission_set)
{
	schema_set *set = load1(
	        "{'lexicon': 1, 'id': 'com.example.perms', 'defs': {'main': {"
	        " 'type': 'permission-set', 'title': 'T', 'title:lang': {'fr': 'T fr'},"
	        " 'detail': 'D', 'permissions': ["
	        "  {'type': 'permission', 'resource': 'repo', 'collection': ['com.example.a'],"
	        "   'action': ['create']},"
	        "  {'type': 'permission', 'resource': 'rpc', 'lxm': ['*'], 'aud': 'did:web:x#y'},"
	        "  {'type': 'permission', 'resource': 'account', 'attr': 'email'}]}}}");
	ck_assert_uint_eq(set->diags.n, 0);
	const schema_permission_set *ps = &set->docs[0]->main->node->u.permission_set;
	ck_assert_str_eq(ps->title, "T");
	ck_assert_str_eq(ps->detail, "D");
	ck_assert_uint_eq(ps->n_title_lang, 1);
	ck_assert_str_eq(ps->title_lang[0].lang, "fr");
	ck_assert_str_eq(ps->title_lang[0].text, "T fr");
	ck_assert_uint_eq(ps->n_permissions, 3);
	const schema_permission *p = &ps->permissions[0]->u.permission;
	ck_assert_str_eq(p->resource, "repo");
	ck_assert_str_eq(p->collection.items[0], "com.example.a");
	ck_assert_str_eq(p->action.items[0], "create");
	p = &ps->permissions[1]->u.permission;
	ck_assert_str_eq(p->aud, "did:web:x#y");
	ck_assert(!p->has_inherit_aud);
	ck_assert_str_eq(ps->permissions[2]->u.permission.resource, "account");
	ck_assert_str_eq(ps->permissions[2]->path, "$.defs.main.permissions[2]");
	schema_set_free(set);
}
END_TEST

static void count_node(schema_node *n, void *ctx)
{
	size_t *counts = ctx;
	counts[n->kind]++;
	if (n->kind == SCHEMA_REF)
		counts[SCHEMA_KIND_COUNT_] += n->u.ref.target != NULL;
	if (n->kind == SCHEMA_UNION)
		for (size_t i = 0; i < n->u.union_.n_refs; i++)
			counts[SCHEMA_KIND_COUNT_] += n->u.union_.refs[i].target != NULL;
}

START_TEST(test_walk)
{
	schema_set *set = load1(record_doc);
	size_t counts[SCHEMA_KIND_COUNT_ + 1] = {0};
	for (size_t i = 0; i < set->docs[0]->n_defs; i++)
		schema_walk(set->docs[0]->defs[i].node, count_node, counts);
	ck_assert_uint_eq(counts[SCHEMA_OBJECT], 3);
	ck_assert_uint_eq(counts[SCHEMA_STRING], 2);
	ck_assert_uint_eq(counts[SCHEMA_INTEGER], 2);
	ck_assert_uint_eq(counts[SCHEMA_KIND_COUNT_], 3); /* resolved refs */
	schema_set_free(set);
	ck_assert_str_eq(schema_kind_name(SCHEMA_PERMISSION_SET), "permission-set");
	ck_assert_str_eq(schema_kind_name(SCHEMA_INVALID), "");
	ck_assert_str_eq(schema_kind_name((schema_kind)99), "");
	ck_assert(schema_kind_is_primary(SCHEMA_SUBSCRIPTION));
	ck_assert(!schema_kind_is_primary(SCHEMA_TOKEN));
}
END_TEST

/* ---- Document header and JSON ------------------------------------------------ */

START_TEST(test_header_rules)
{
	ASSERT_LINT("{'lexicon': 1, 'id': 'com.example.t', 'defs': {'a': {'type': 'token'}}}", "");
	ASSERT_LINT("{'lexicon': 1.0, 'id': 'com.example.t', 'defs': {'a': {'type': 'token'}}}",
	            "");
	ASSERT_LINT("{'lexicon': 'one', 'id': 'com.example.t', 'defs': {'a': {'type': 'token'}}}",
	            "t.json: $.lexicon: expected an integer, got a string\n");
	ASSERT_LINT("{'lexicon': 2, 'id': 'com.example.t', 'defs': {'a': {'type': 'token'}}}",
	            "t.json: $.lexicon: unsupported lexicon version 2 (must be 1)\n");
	ASSERT_LINT("{'lexicon': 1.5, 'id': 'com.example.t', 'defs': {'a': {'type': 'token'}}}",
	            "t.json: $.lexicon: expected an integer, got a number\n");
	ASSERT_LINT("{'lexicon': 1, 'id': 2, 'defs': {'a': {'type': 'token'}}}",
	            "t.json: $.id: expected a string, got an integer\n");
	ASSERT_LINT("{'lexicon': 1, 'id': 'one-two-three', 'defs': {'a': {'type': 'token'}}}",
	            "t.json: $.id: invalid NSID \"one-two-three\": nsid: needs at least three "
	            "segments\n");
	ASSERT_LINT("{}", "t.json: $: missing \"lexicon\"\nt.json: $: missing \"id\"\n"
	                  "t.json: $: missing \"defs\"\n");
	ASSERT_LINT("{'lexicon': 1, 'id': 'com.example.t', 'defs': {}}",
	            "t.json: $.defs: a lexicon must have at least one def\n");
	ASSERT_LINT("{'lexicon': 1, 'id': 'com.example.t', 'defs': []}",
	            "t.json: $.defs: expected an object, got an array\n");
	ASSERT_LINT("{'lexicon': 1, 'id': 'com.example.t', 'description': 1, "
	            "'defs': {'a': {'type': 'token'}}}",
	            "t.json: $.description: expected a string, got an integer\n");
	ASSERT_LINT("[1]", "t.json: $: a lexicon document must be a JSON object, not an array\n");
}
END_TEST

START_TEST(test_json_errors)
{
	ASSERT_LINT("{\n 'lexicon': 1,\n}",
	            "t.json:3:1: invalid JSON: string or '}' expected near '}'\n");
	ASSERT_LINT("{'a': 1, 'a': 2}", "t.json:1:12: invalid JSON: duplicate object key near "
	                                "'\"a\"'\n");
	ASSERT_LINT("", "t.json:1:1: invalid JSON: '[' or '{' expected near end of file\n");
	ASSERT_LINT("{'s': '\\u0000'}", "t.json:1:14: invalid JSON: \\u0000 is not allowed "
	                                "without JSON_ALLOW_NUL near '\"\\u0000\"'\n");
	/* Bad UTF-8 is invalid JSON for jansson. */
	schema_set *set = schema_set_new();
	schema_set_add_buffer(set, "u.json", "{\"a\": \"\xff\"}", 10, false);
	ck_assert_uint_eq(schema_set_finish(set), 1);
	ck_assert_ptr_nonnull(strstr(set->diags.items[0].message, "invalid JSON: "));
	ck_assert_uint_eq(set->diags.items[0].line, 1);
	schema_set_free(set);
}
END_TEST

START_TEST(test_def_names)
{
	ASSERT_LINT_DEFS("'ok_Name2': {'type': 'token'}, 'A': {'type': 'token'}", "");
	ASSERT_LINT_DEFS("'bad-name': {'type': 'token'}, '2x': {'type': 'token'}, "
	                 "'': {'type': 'token'}",
	                 "t.json: $.defs[\"bad-name\"]: invalid def name \"bad-name\": use an "
	                 "ASCII letter, then letters, digits or '_'\n"
	                 "t.json: $.defs[\"2x\"]: invalid def name \"2x\": use an ASCII letter, "
	                 "then letters, digits or '_'\n"
	                 "t.json: $.defs[\"\"]: invalid def name \"\": use an ASCII letter, then "
	                 "letters, digits or '_'\n");
	ck_assert(schema_def_name_valid("main", 4));
	ck_assert(!schema_def_name_valid("_x", 2));
	ck_assert(!schema_def_name_valid("a.b", 3));
}
END_TEST

/* ---- Placement ------------------------------------------------------------------ */

START_TEST(test_def_placement)
{
	ASSERT_LINT_DEFS("'r': {'type': 'ref', 'ref': '#o'}, 'u': {'type': 'union', 'refs': []},"
	                 " 'k': {'type': 'unknown'}, 'p': {'type': 'params', 'properties': {}},"
	                 " 'e': {'type': 'permission', 'resource': 'x'},"
	                 " 'o': {'type': 'object', 'properties': {}}",
	                 P "r: type \"ref\" cannot be a named def\n" P
	                   "u: type \"union\" cannot be a named def\n" P
	                   "k: type \"unknown\" cannot be a named def\n" P
	                   "p: type \"params\" cannot be a named def\n" P
	                   "e: type \"permission\" cannot be a named def\n");
	ASSERT_LINT_DEFS("'main': {'type': 'object', 'properties': {}},"
	                 " 'q': {'type': 'query'}, 'p': {'type': 'procedure'},"
	                 " 's': {'type': 'subscription'},"
	                 " 'x': {'type': 'permission-set', 'permissions': []}",
	                 P "q: type \"query\" must be the \"main\" def, not \"q\"\n" P
	                   "p: type \"procedure\" must be the \"main\" def, not \"p\"\n" P
	                   "s: type \"subscription\" must be the \"main\" def, not \"s\"\n" P
	                   "x: type \"permission-set\" must be the \"main\" def, not \"x\"\n");
	/* main may hold a non-primary type; every data type may be a named def. */
	ASSERT_LINT_DEFS("'main': {'type': 'string'}, 'i': {'type': 'integer'},"
	                 " 'b': {'type': 'boolean'}, 'y': {'type': 'bytes'},"
	                 " 'c': {'type': 'cid-link'}, 'l': {'type': 'blob'},"
	                 " 'a': {'type': 'array', 'items': {'type': 'integer'}},"
	                 " 't': {'type': 'token'}",
	                 "");
	/* token only as a named def. */
	ASSERT_LINT_DEFS("'main': {'type': 'procedure', 'input': {'encoding': 'a/b',"
	                 "  'schema': {'type': 'token'}}},"
	                 " 'o': {'type': 'object', 'properties': {'t': {'type': 'token'},"
	                 "  'l': {'type': 'array', 'items': {'type': 'token'}}}}",
	                 P "main.input.schema: type \"token\" can only be a named def\n" P
	                   "o.properties.t: type \"token\" can only be a named def\n" P
	                   "o.properties.l.items: type \"token\" can only be a named def\n");
	/* Inline objects are accepted as properties and array items; nested
	 * arrays and primary types are not. */
	ASSERT_LINT_DEFS(
	        "'o': {'type': 'object', 'properties': {"
	        " 'in': {'type': 'object', 'properties': {}},"
	        " 'list': {'type': 'array', 'items': {'type': 'object', 'properties': {}}},"
	        " 'nest': {'type': 'array', 'items': {'type': 'array', 'items': "
	        "{'type': 'integer'}}},"
	        " 'q': {'type': 'query'}}}",
	        P "o.properties.nest.items: type \"array\" is not allowed as array items\n" P
	          "o.properties.q: type \"query\" is not allowed as a property type\n");
}
END_TEST

START_TEST(test_unknown_types)
{
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'properties': {'n': {'type': 'null'},"
	                 " 'x': {}, 'f': 'string', 't': {'type': 3}}}",
	                 P "o.properties.n: unknown type \"null\"\n" P
	                   "o.properties.x: missing \"type\"\n" P
	                   "o.properties.f: expected an object, got a string\n" P
	                   "o.properties.t.type: expected a string, got an integer\n");
}
END_TEST

/* ---- Records --------------------------------------------------------------------- */

static char *lint_record_key(const char *key)
{
	char buf[256];
	snprintf(buf, sizeof buf,
	         "'main': {'type': 'record', 'key': '%s', 'record': {'type': 'object', "
	         "'properties': {}}}",
	         key);
	return lint_defs(buf);
}

START_TEST(test_record_rules)
{
	const char *good[] = {"tid", "nsid", "any", "literal:self", "literal:a.b-c_d:e~f"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *got = lint_record_key(good[i]);
		ck_assert_str_eq(got, "");
		free(got);
	}
	char *got = lint_record_key("uuid");
	ck_assert_str_eq(got, P "main: invalid record key type \"uuid\": use tid, nsid, any or "
	                        "literal:<record-key>\n");
	free(got);
	got = lint_record_key("literal:");
	ck_assert_ptr_nonnull(strstr(got, "invalid record key type \"literal:\": record-key: "));
	free(got);
	got = lint_record_key("literal:..");
	ck_assert_ptr_nonnull(strstr(got, "invalid record key type \"literal:..\""));
	free(got);
	got = lint_record_key("Tid");
	ck_assert_ptr_nonnull(strstr(got, "invalid record key type \"Tid\""));
	free(got);
	ASSERT_LINT_DEFS("'main': {'type': 'record', 'record': {'type': 'object', "
	                 "'properties': {}}}",
	                 P "main: missing \"key\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'record', 'key': 'tid'}",
	                 P "main: missing \"record\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'record', 'key': 'tid', 'record': {'type': 'string'}}",
	                 P "main.record: \"record\" must be of type \"object\", not type "
	                   "\"string\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'record', 'key': 'tid', 'record': {'properties': {}}}",
	                 P "main.record: missing \"type\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'record', 'key': 1, 'record': {'type': 'object', "
	                 "'properties': {}}}",
	                 P "main.key: expected a string, got an integer\n");
}
END_TEST

/* ---- XRPC ----------------------------------------------------------------------- */

START_TEST(test_params_rules)
{
	ASSERT_LINT_DEFS(
	        "'main': {'type': 'query', 'parameters': {'type': 'params', 'properties': {"
	        " 'b': {'type': 'boolean'}, 'i': {'type': 'integer'}, 's': {'type': 'string'},"
	        " 'u': {'type': 'unknown'}, 'a': {'type': 'array', 'items': {'type': 'integer'}},"
	        " 'o': {'type': 'object', 'properties': {}}, 'r': {'type': 'ref', 'ref': '#x'},"
	        " 'y': {'type': 'bytes'},"
	        " 'ao': {'type': 'array', 'items': {'type': 'cid-link'}}}}},"
	        " 'x': {'type': 'object', 'properties': {}}",
	        P "main.parameters.properties.o: params properties must be boolean, integer, "
	          "string, unknown or an array of those, not type \"object\"\n" P
	          "main.parameters.properties.r: params properties must be boolean, integer, "
	          "string, unknown or an array of those, not type \"ref\"\n" P
	          "main.parameters.properties.y: params properties must be boolean, integer, "
	          "string, unknown or an array of those, not type \"bytes\"\n" P
	          "main.parameters.properties.ao.items: params array items must be boolean, "
	          "integer, string or unknown, not type \"cid-link\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'query', 'parameters': {'type': 'object', "
	                 "'properties': {}}}",
	                 P "main.parameters: \"parameters\" must be of type \"params\", not type "
	                   "\"object\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'query', 'parameters': {'type': 'params', "
	                 "'required': ['q'], 'properties': {}}}",
	                 P "main.parameters: required property \"q\" is not in \"properties\"\n");
}
END_TEST

START_TEST(test_body_rules)
{
	ASSERT_LINT_DEFS("'main': {'type': 'procedure',"
	                 " 'input': {'schema': {'type': 'object', 'properties': {}}},"
	                 " 'output': {'encoding': ''}}",
	                 P "main.input: missing \"encoding\"\n" P
	                   "main.output: \"encoding\" must not be empty\n");
	ASSERT_LINT_DEFS("'main': {'type': 'query', 'output': {'encoding': 'a/b',"
	                 " 'schema': {'type': 'string'}}}",
	                 P "main.output.schema: a body schema must be an object, ref or union, not "
	                   "type \"string\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'query', 'output': {'encoding': 'a/b',"
	                 " 'schema': {'type': 'union', 'refs': ['#o']}}},"
	                 " 'o': {'type': 'object', 'properties': {}}",
	                 "");
	ASSERT_LINT_DEFS("'main': {'type': 'subscription', 'message': {'schema':"
	                 " {'type': 'object', 'properties': {}}}}",
	                 P "main.message.schema: a message schema must be a union, not type "
	                   "\"object\"\n");
	ASSERT_LINT_DEFS("'main': {'type': 'subscription', 'message': {}}",
	                 P "main.message: missing \"schema\"\n");
	/* A query has no input: the key is not read. */
	ASSERT_LINT_DEFS("'main': {'type': 'query', 'input': 5}", "");
}
END_TEST

START_TEST(test_error_names)
{
	ASSERT_LINT_DEFS("'main': {'type': 'query', 'errors': [{'name': 'Ok'}, {'name': 'A B'},"
	                 " {'name': ''}, {}, 'x', {'name': 'Ok'}, {'name': 'tab\\there'}]}",
	                 P "main.errors[1]: error name \"A B\" must be non-empty ASCII without "
	                   "whitespace\n" P
	                   "main.errors[2]: error name \"\" must be non-empty ASCII without "
	                   "whitespace\n" P "main.errors[3]: missing \"name\"\n" P
	                   "main.errors[4]: expected an object, got a string\n" P
	                   "main.errors[5]: warning: error name \"Ok\" is declared twice\n" P
	                   "main.errors[6]: error name \"tab\\u0009here\" must be non-empty ASCII "
	                   "without whitespace\n");
}
END_TEST

/* ---- Constraints -------------------------------------------------------------- */

START_TEST(test_formats)
{
	ASSERT_LINT_DEFS("'s': {'type': 'string', 'format': 'url'}",
	                 P "s: unknown format \"url\"\n");
	ASSERT_LINT_DEFS("'s': {'type': 'string', 'format': 'DID'}",
	                 P "s: unknown format \"DID\"\n");
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++) {
		char buf[128];
		snprintf(buf, sizeof buf, "'s': {'type': 'string', 'format': '%s'}",
		         lexc_format_name((lexc_format)f));
		char *got = lint_defs(buf);
		ck_assert_str_eq(got, "");
		free(got);
	}
}
END_TEST

START_TEST(test_const_default)
{
	ASSERT_LINT_DEFS("'b': {'type': 'boolean', 'const': true, 'default': false},"
	                 " 'i': {'type': 'integer', 'const': 1, 'default': 1},"
	                 " 's': {'type': 'string', 'const': 'a', 'default': 'a'}",
	                 P "b: \"const\" and \"default\" are mutually exclusive\n" P
	                   "i: \"const\" and \"default\" are mutually exclusive\n" P
	                   "s: \"const\" and \"default\" are mutually exclusive\n");
}
END_TEST

START_TEST(test_min_max)
{
	ASSERT_LINT_DEFS("'i': {'type': 'integer', 'minimum': 5, 'maximum': 4},"
	                 " 'j': {'type': 'integer', 'minimum': -5, 'maximum': -5},"
	                 " 's': {'type': 'string', 'minLength': 2, 'maxLength': 1},"
	                 " 'g': {'type': 'string', 'minGraphemes': 2, 'maxGraphemes': 1},"
	                 " 'n': {'type': 'string', 'minLength': -1},"
	                 " 'y': {'type': 'bytes', 'minLength': 2, 'maxLength': 1},"
	                 " 'a': {'type': 'array', 'items': {'type': 'integer'}, 'minLength': 2,"
	                 "  'maxLength': 1},"
	                 " 'm': {'type': 'blob', 'maxSize': -1}",
	                 P "i: minimum 5 is greater than maximum 4\n" P
	                   "s: minLength 2 is greater than maxLength 1\n" P
	                   "g: minGraphemes 2 is greater than maxGraphemes 1\n" P
	                   "n: minLength must not be negative (got -1)\n" P
	                   "y: minLength 2 is greater than maxLength 1\n" P
	                   "a: minLength 2 is greater than maxLength 1\n" P
	                   "m: maxSize must be positive (got -1)\n");
}
END_TEST

START_TEST(test_value_types)
{
	ASSERT_LINT_DEFS("'i': {'type': 'integer', 'default': '1', 'enum': [1, 'x', 2.0]},"
	                 " 'b': {'type': 'boolean', 'const': 0},"
	                 " 's': {'type': 'string', 'default': 1, 'enum': [null],"
	                 "  'knownValues': 'x'},"
	                 " 'r': {'type': 'integer', 'minimum': 1e30}",
	                 P "i.default: expected an integer, got a string\n" P
	                   "i.enum[1]: expected an integer, got a string\n" P
	                   "b.const: expected a boolean, got an integer\n" P
	                   "s.enum[0]: expected a string, got null\n" P
	                   "s.knownValues: expected an array, got a string\n" P
	                   "s.default: expected a string, got an integer\n" P
	                   "r.minimum: expected an integer, got a number\n");
}
END_TEST

START_TEST(test_value_constraints)
{
	ASSERT_LINT_DEFS(
	        "'i': {'type': 'integer', 'minimum': 1, 'maximum': 9, 'default': 10},"
	        " 'e': {'type': 'integer', 'enum': [1, 20, 1], 'maximum': 9, 'const': 2},"
	        " 'z': {'type': 'integer', 'enum': []},"
	        " 's': {'type': 'string', 'maxLength': 2, 'minGraphemes': 2, 'default': 'abc'},"
	        " 'f': {'type': 'string', 'format': 'nsid', 'enum': ['a.b.c', 'x'],"
	        "  'default': 'a.b.d'},"
	        " 'c': {'type': 'string', 'format': 'datetime', 'const': 'yesterday'},"
	        " 'k': {'type': 'string', 'maxLength': 1, 'knownValues': ['long value']}",
	        P "i: default 10 is greater than maximum 9\n" P
	          "e: warning: 1 is listed more than once in \"enum\"\n" P
	          "e: enum value 20 is greater than maximum 9\n" P "e: const 2 is not in enum\n" P
	          "z: \"enum\" must not be empty\n" P
	          "s: default \"abc\" is longer than maxLength 2 (3 bytes)\n" P
	          "f: enum value \"x\" is not a valid nsid: nsid: needs at least three segments\n" P
	          "f: default \"a.b.d\" is not in enum\n" P
	          "c: const \"yesterday\" is not a valid datetime: datetime: date must be "
	          "YYYY-MM-DD\n");
	/* Graphemes count clusters, not bytes or code points. */
	ASSERT_LINT_DEFS("'g': {'type': 'string', 'maxGraphemes': 1, 'default': "
	                 "'\\ud83d\\udc68\\u200d\\ud83d\\udc69\\u200d\\ud83d\\udc67'}",
	                 "");
	ASSERT_LINT_DEFS("'g': {'type': 'string', 'minGraphemes': 2, 'default': 'e\\u0301'}",
	                 P "g: default \"e\xCC\x81\" has fewer than minGraphemes 2\n");
}
END_TEST

START_TEST(test_required_nullable)
{
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'required': ['a', 'x', 'a'],"
	                 " 'nullable': ['a', 'y'], 'properties': {'a': {'type': 'string'}}}",
	                 P "o: required property \"x\" is not in \"properties\"\n" P
	                   "o: warning: nullable property \"y\" is not in \"properties\"\n" P
	                   "o: warning: \"a\" is listed more than once in \"required\"\n");
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'required': ['a']}",
	                 P "o: missing \"properties\"\n");
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'properties': {'': {'type': 'string'},"
	                 " '$type': {'type': 'string'}, 'a-b': {'type': 'string'}}}",
	                 P "o.properties[\"\"]: property names must not be empty\n" P
	                   "o.properties.$type: property name \"$type\" must not start with '$'\n");
	/* Warnings alone do not fail. */
	schema_set *set = load1("{'lexicon': 1, 'id': 'com.example.t', 'defs': {'o': {"
	                        "'type': 'object', 'nullable': ['y'], 'properties': {}}}}");
	ck_assert_uint_eq(schema_set_finish(set), 0);
	ck_assert_uint_eq(diag_count(&set->diags, DIAG_WARNING), 1);
	schema_set_free(set);
}
END_TEST

START_TEST(test_blob_accept)
{
	ASSERT_LINT_DEFS("'b': {'type': 'blob', 'accept': ['image/png', 'image/*', '*/*',"
	                 " 'application/vnd.ipld.car', 'text/x-c++'], 'maxSize': 1}",
	                 "");
	const char *bad[] = {"image",  "*",    "image/png*", "*/png", "ima*/png",
	                     "image/", "/png", "a/b/c",      "a /b",  "*/*/*"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char buf[128], want[256];
		snprintf(buf, sizeof buf, "'b': {'type': 'blob', 'accept': ['%s']}", bad[i]);
		snprintf(want, sizeof want,
		         P "b: invalid accept pattern \"%s\": use type/subtype, type/* or */*\n",
		         bad[i]);
		char *got = lint_defs(buf);
		ck_assert_str_eq(got, want);
		free(got);
	}
	ASSERT_LINT_DEFS("'b': {'type': 'blob', 'maxSize': 0}", P "b: maxSize must be positive "
	                                                          "(got 0)\n");
}
END_TEST

START_TEST(test_union_rules)
{
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'properties': {"
	                 " 'c': {'type': 'union', 'refs': [], 'closed': true},"
	                 " 'e': {'type': 'union', 'refs': []},"
	                 " 'n': {'type': 'union', 'closed': false}}}",
	                 P "o.properties.c: a closed union must list at least one ref\n" P
	                   "o.properties.n: missing \"refs\"\n");
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'properties': {"
	                 " 'u': {'type': 'union', 'refs': ['#a', 'com.example.t#a', '#main',"
	                 "  'com.example.t']}}},"
	                 " 'a': {'type': 'object', 'properties': {}},"
	                 " 'main': {'type': 'object', 'properties': {}}",
	                 P "o.properties.u: union ref \"com.example.t#a\" names com.example.t#a "
	                   "again\n" P
	                   "o.properties.u: union ref \"com.example.t\" names com.example.t "
	                   "again\n");
}
END_TEST

START_TEST(test_permission_rules)
{
	ASSERT_LINT_DEFS(
	        "'main': {'type': 'permission-set', 'title:lang': {'x y': 'z'}, 'permissions': ["
	        " {'type': 'permission', 'resource': 'repo', 'collection': []},"
	        " {'type': 'permission', 'resource': 'repo', 'collection': ['a.b.c', 'ab'],"
	        "  'action': ['create', 'update', 'delete', 'read']},"
	        " {'type': 'permission', 'resource': 'rpc', 'lxm': ['a.b.c']},"
	        " {'type': 'permission', 'resource': 'rpc', 'lxm': ['*'], 'aud': '*',"
	        "  'inheritAud': true},"
	        " {'type': 'permission', 'resource': 'rpc', 'lxm': ['a.b.c'], 'inheritAud': false},"
	        " {'type': 'permission', 'resource': 'identity', 'attr': 'handle'},"
	        " {'type': 'token'}]}",
	        P "main[\"title:lang\"]: invalid language tag \"x y\": language: subtags may "
	          "contain only ASCII letters and digits\n" P
	          "main.permissions[0]: \"collection\" must list at least one NSID or \"*\"\n" P
	          "main.permissions[1]: invalid collection entry \"ab\": nsid: needs at least "
	          "three segments\n" P
	          "main.permissions[1]: unknown repo action \"read\": use create, update or "
	          "delete\n" P
	          "main.permissions[2]: an rpc permission needs \"aud\" or \"inheritAud\": true\n" P
	          "main.permissions[3]: an rpc permission cannot have both \"aud\" and "
	          "\"inheritAud\": true\n" P
	          "main.permissions[4]: an rpc permission needs \"aud\" or \"inheritAud\": true\n" P
	          "main.permissions[6]: type \"token\" can only be a named def\n");
	ASSERT_LINT_DEFS("'main': {'type': 'permission-set'}", P "main: missing \"permissions\"\n");
}
END_TEST

START_TEST(test_wrong_key_types)
{
	ASSERT_LINT_DEFS(
	        "'o': {'type': 'object', 'description': 1, 'required': 'a', 'nullable': [2],"
	        " 'properties': {"
	        "  'a': {'type': 'array', 'items': [], 'maxLength': '3'},"
	        "  'r': {'type': 'ref', 'ref': 5},"
	        "  'u': {'type': 'union', 'refs': ['#o', 7], 'closed': 'no'},"
	        "  'b': {'type': 'blob', 'accept': [1]}}},"
	        " 'main': {'type': 'procedure', 'parameters': [], 'input': 'x',"
	        "  'output': {'encoding': 1, 'schema': 'y'}, 'errors': {}}",
	        P "o.description: expected a string, got an integer\n" P
	          "o.required: expected an array, got a string\n" P
	          "o.nullable[0]: expected a string, got an integer\n" P
	          "o.properties.a.maxLength: expected an integer, got a string\n" P
	          "o.properties.a.items: expected an object, got an array\n" P
	          "o.properties.r.ref: expected a string, got an integer\n" P
	          "o.properties.u.closed: expected a boolean, got a string\n" P
	          "o.properties.u.refs[1]: expected a string, got an integer\n" P
	          "o.properties.b.accept[0]: expected a string, got an integer\n" P
	          "main.parameters: expected an object, got an array\n" P
	          "main.input: expected an object, got a string\n" P
	          "main.errors: expected an array, got an object\n" P
	          "main.output.encoding: expected a string, got an integer\n" P
	          "main.output.schema: expected an object, got a string\n");
	/* Unknown keys are ignored, whatever their type. */
	ASSERT_LINT_DEFS("'o': {'type': 'object', '$comment': 1, 'maxLength': 'x',"
	                 " 'properties': {'i': {'type': 'integer', 'maxLength': 'x',"
	                 " 'format': 3}}}",
	                 "");
}
END_TEST

/* ---- Refs ---------------------------------------------------------------------------- */

START_TEST(test_ref_resolution)
{
	schema_set *set = schema_set_new();
	add(set, "b.json",
	    "{'lexicon': 1, 'id': 'com.example.b', 'defs': {"
	    " 'main': {'type': 'object', 'properties': {}},"
	    " 'thing': {'type': 'object', 'properties': {}},"
	    " 'tok': {'type': 'token'}, 'str': {'type': 'string'}}}",
	    false);
	add(set, "a.json",
	    "{'lexicon': 1, 'id': 'com.example.a', 'defs': {"
	    " 'main': {'type': 'object', 'properties': {"
	    "  'l': {'type': 'ref', 'ref': '#main'},"
	    "  'n': {'type': 'ref', 'ref': 'com.example.b'},"
	    "  'm': {'type': 'ref', 'ref': 'com.example.b#main'},"
	    "  'd': {'type': 'ref', 'ref': 'com.example.b#thing'},"
	    "  's': {'type': 'ref', 'ref': 'com.example.b#str'},"
	    "  'x1': {'type': 'ref', 'ref': 'com.example.c'},"
	    "  'x2': {'type': 'ref', 'ref': 'com.example.b#nope'},"
	    "  'x3': {'type': 'ref', 'ref': '#nope'},"
	    "  't': {'type': 'ref', 'ref': 'com.example.b#tok'},"
	    "  'q': {'type': 'ref', 'ref': 'com.example.q'},"
	    "  'u': {'type': 'union', 'refs': ['com.example.b#str', 'com.example.b#tok',"
	    "   'com.example.q', 'com.example.r', 'com.example.b#thing', 'com.example.c#x']}}}}}",
	    false);
	add(set, "q.json",
	    "{'lexicon': 1, 'id': 'com.example.q', 'defs': {'main': {'type': 'query'}}}", false);
	add(set, "r.json",
	    "{'lexicon': 1, 'id': 'com.example.r', 'defs': {'main': {'type': 'record', 'key': "
	    "'tid', 'record': {'type': 'object', 'properties': {}}}}}",
	    false);
	ck_assert_uint_eq(schema_set_finish(set), 9);
	char *text = diags_text(set);
	ck_assert_str_eq(
	        text,
	        "a.json: $.defs.main.properties.x1: unresolved ref \"com.example.c\": no lexicon "
	        "with id \"com.example.c\"\n"
	        "a.json: $.defs.main.properties.x2: unresolved ref \"com.example.b#nope\": "
	        "com.example.b has no def \"nope\"\n"
	        "a.json: $.defs.main.properties.x3: unresolved ref \"#nope\": com.example.a has no "
	        "def \"nope\"\n"
	        "a.json: $.defs.main.properties.t: ref \"com.example.b#tok\" points at a token; a "
	        "token is a string value, not a type\n"
	        "a.json: $.defs.main.properties.q: ref \"com.example.q\" points at a query, which "
	        "cannot be referenced\n"
	        "a.json: $.defs.main.properties.u: union ref \"com.example.b#str\" points at a "
	        "string; variants must be objects or records\n"
	        "a.json: $.defs.main.properties.u: union ref \"com.example.b#tok\" points at a "
	        "token; variants must be objects or records\n"
	        "a.json: $.defs.main.properties.u: union ref \"com.example.q\" points at a query; "
	        "variants must be objects or records\n"
	        "a.json: $.defs.main.properties.u: unresolved ref \"com.example.c#x\": no lexicon "
	        "with id \"com.example.c\"\n");
	free(text);
	const schema_doc *a = schema_set_find_doc(set, "com.example.a", 13);
	const schema_doc *b = schema_set_find_doc(set, "com.example.b", 13);
	const schema_object *o = &a->main->node->u.object;
	ck_assert_ptr_eq(o->props[0].type->u.ref.target, a->main);
	ck_assert_ptr_eq(o->props[1].type->u.ref.target, b->main);
	ck_assert_ptr_eq(o->props[2].type->u.ref.target, b->main);
	ck_assert_ptr_eq(o->props[3].type->u.ref.target, &b->defs[1]);
	ck_assert_ptr_eq(o->props[4].type->u.ref.target, &b->defs[3]); /* a string def */
	ck_assert_ptr_null(o->props[5].type->u.ref.target);
	const schema_union *u = &o->props[10].type->u.union_;
	ck_assert_str_eq(u->refs[3].target->full_name, "com.example.r");
	ck_assert_ptr_eq(u->refs[4].target, &b->defs[1]);
	ck_assert_ptr_null(u->refs[5].target);
	ck_assert_ptr_null(schema_set_find_doc(set, "com.example", 11));
	ck_assert_ptr_null(schema_set_find_doc(set, "com.example.zz", 14));
	schema_set_free(set);
}
END_TEST

START_TEST(test_ref_syntax)
{
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'properties': {"
	                 " 'a': {'type': 'ref', 'ref': ''},"
	                 " 'b': {'type': 'ref', 'ref': '#'},"
	                 " 'c': {'type': 'ref', 'ref': 'nope'},"
	                 " 'd': {'type': 'ref', 'ref': 'com.example.t#a-b'},"
	                 " 'e': {'type': 'ref', 'ref': 'com.example.t#o#o'},"
	                 " 'f': {'type': 'ref', 'ref': 'lex:com.example.t'}}}",
	                 P "o.properties.a: empty ref\n" P
	                   "o.properties.b: invalid ref \"#\": expected \"#name\", \"nsid\" or "
	                   "\"nsid#name\"\n" P
	                   "o.properties.c: invalid ref \"nope\": nsid: needs at least three "
	                   "segments\n" P
	                   "o.properties.d: invalid ref \"com.example.t#a-b\": expected \"#name\", "
	                   "\"nsid\" or \"nsid#name\"\n" P
	                   "o.properties.e: invalid ref \"com.example.t#o#o\": expected \"#name\", "
	                   "\"nsid\" or \"nsid#name\"\n" P
	                   "o.properties.f: invalid ref \"lex:com.example.t\": nsid: may contain "
	                   "only ASCII letters, digits, hyphens and dots\n");
}
END_TEST

/* ---- --external ------------------------------------------------------------------------ */

START_TEST(test_external)
{
	schema_set *set = schema_set_new();
	add(set, "own.json",
	    "{'lexicon': 1, 'id': 'com.example.own', 'defs': {'main': {'type': 'object',"
	    " 'properties': {'x': {'type': 'ref', 'ref': 'com.example.ext1#a'}}}}}",
	    false);
	/* Reached directly, and with an error. */
	add(set, "ext/1.json",
	    "{'lexicon': 1, 'id': 'com.example.ext1', 'defs': {'a': {'type': 'object',"
	    " 'properties': {'y': {'type': 'ref', 'ref': 'com.example.ext2'},"
	    " 'z': {'type': 'string', 'format': 'url'}}}}}",
	    true);
	/* Reached through ext1, with an unresolved ref of its own. */
	add(set, "ext/2.json",
	    "{'lexicon': 1, 'id': 'com.example.ext2', 'defs': {'main': {'type': 'object',"
	    " 'properties': {'w': {'type': 'ref', 'ref': 'com.example.gone'}}}}}",
	    true);
	/* Not reached: its errors do not count. */
	add(set, "ext/3.json",
	    "{'lexicon': 1, 'id': 'com.example.ext3', 'defs': {'a': {'type': 'object',"
	    " 'properties': {'z': {'type': 'string', 'format': 'url'}}}}}",
	    true);
	/* Unparsable: a warning. Without an id: a warning. */
	add(set, "ext/4.json", "{", true);
	add(set, "ext/5.json", "{'lexicon': 1, 'id': 'bad', 'defs': {'a': {'type': 'token'}}}",
	    true);
	/* Shadowed by the project's own document. */
	add(set, "ext/6.json",
	    "{'lexicon': 1, 'id': 'com.example.own', 'defs': {'a': {'type': 'nope'}}}", true);
	ck_assert_uint_eq(schema_set_finish(set), 2);
	char *text = diags_text(set);
	ck_assert_str_eq(text, "ext/1.json: $.defs.a.properties.z: unknown format \"url\"\n"
	                       "ext/2.json: $.defs.main.properties.w: unresolved ref "
	                       "\"com.example.gone\": no lexicon with id \"com.example.gone\"\n"
	                       "ext/4.json:1:1: warning: invalid JSON: string or '}' expected near "
	                       "end of file\n"
	                       "ext/5.json: $.id: warning: invalid NSID \"bad\": nsid: needs at "
	                       "least three segments\n");
	free(text);
	ck_assert(set->docs[1]->reachable && set->docs[2]->reachable);
	ck_assert(!set->docs[3]->reachable);
	ck_assert(set->docs[6]->shadowed && !set->docs[0]->shadowed);
	ck_assert_ptr_eq(schema_set_find_doc(set, "com.example.own", 15), set->docs[0]);
	schema_set_free(set);
}
END_TEST

START_TEST(test_duplicate_ids)
{
	schema_set *set = schema_set_new();
	const char *doc = "{'lexicon': 1, 'id': 'com.example.same', 'defs': {'a': {'type': "
	                  "'token'}}}";
	add(set, "z.json", doc, false);
	add(set, "y.json", doc, false);
	add(set, "e1.json", doc, true);
	add(set, "e2.json",
	    "{'lexicon': 1, 'id': 'com.example.ext', 'defs': {'a': {'type': "
	    "'token'}}}",
	    true);
	add(set, "e3.json",
	    "{'lexicon': 1, 'id': 'com.example.ext', 'defs': {'b': {'type': "
	    "'token'}}}",
	    true);
	ck_assert_uint_eq(schema_set_finish(set), 1);
	char *text = diags_text(set);
	ck_assert_str_eq(text, "y.json: $.id: duplicate id \"com.example.same\": also the id of "
	                       "z.json\n");
	free(text);
	ck_assert_uint_eq(set->n_by_id, 2);
	ck_assert_ptr_eq(schema_set_find_doc(set, "com.example.ext", 15), set->docs[3]);
	schema_set_free(set);
}
END_TEST

/* ---- Lowering ------------------------------------------------------------------ */

static const lexc_field *field_of(const lexc_type *t, const char *name)
{
	ck_assert_int_eq(t->kind, LEXC_KIND_OBJECT);
	for (size_t i = 0; i < t->u.object.n_fields; i++)
		if (strcmp(t->u.object.fields[i].name.ptr, name) == 0)
			return &t->u.object.fields[i];
	ck_abort_msg("no field %s", name);
	return NULL;
}

static void assert_lstr(lexc_str s, const char *want)
{
	ck_assert_uint_eq(s.len, strlen(want));
	ck_assert(s.len == 0 || memcmp(s.ptr, want, s.len) == 0);
}

/* Every constraint reaches the descriptor exactly; the engine's own tests
 * and tests/cli_validate.sh check that descriptors are enforced. */
START_TEST(test_lowering)
{
	schema_set *set = schema_set_new();
	add(set, "t.json", record_doc, false);
	add(set, "q.json",
	    "{'lexicon': 1, 'id': 'com.example.q', 'defs': {'main': {'type': 'query',"
	    " 'parameters': {'type': 'params', 'required': ['n'], 'nullable': ['n'],"
	    "  'properties': {'n': {'type': 'integer', 'default': 5},"
	    "   'b': {'type': 'boolean', 'const': false},"
	    "   's': {'type': 'string', 'enum': ['x', 'y'], 'const': 'x',"
	    "         'minLength': 1, 'minGraphemes': 1, 'maxGraphemes': 2},"
	    "   'l': {'type': 'array', 'items': {'type': 'string'}, 'minLength': 1}}},"
	    " 'output': {'encoding': 'application/json', 'schema': {'type': 'union',"
	    "  'refs': ['com.example.post#main']}}}}}",
	    false);
	ck_assert_uint_eq(schema_set_finish(set), 0);
	lower *l = lower_new(&set->arena);
	const schema_doc *doc = schema_set_find_doc(set, "com.example.post", 16);
	const lexc_type *rec = lower_def(l, doc->main);
	ck_assert_int_eq(rec->kind, LEXC_KIND_OBJECT);
	ck_assert(rec->u.object.is_record);
	assert_lstr(rec->u.object.type_name, "com.example.post");
	ck_assert_uint_eq(rec->u.object.n_fields, 11);

	const lexc_field *f = field_of(rec, "text");
	ck_assert_uint_eq(f->flags, 0); /* required, not nullable */
	ck_assert_uint_eq(rec->layout, LEXC_LAYOUT_VERSION);
	const lexc_string_rules *sr = &f->type->u.string;
	ck_assert_uint_eq(sr->min_length, 0);
	ck_assert(sr->has_max_length && sr->max_length == 3000);
	ck_assert_uint_eq(sr->min_graphemes, 0);
	ck_assert(sr->has_max_graphemes && sr->max_graphemes == 300);
	ck_assert_int_eq(sr->format, LEXC_FORMAT_URI);
	ck_assert_ptr_null(sr->enum_values);
	ck_assert_uint_eq(sr->n_known, 2);
	assert_lstr(sr->known_values[1], "b");
	ck_assert(sr->has_default && !sr->has_const);
	assert_lstr(sr->default_value, "https://x.y");

	f = field_of(rec, "reply");
	/* An optional object: no presence offset, its pointer says. */
	ck_assert_uint_eq(f->flags, LEXC_FIELD_OPTIONAL | LEXC_FIELD_NULLABLE);
	ck_assert(!lexc_field_has_presence(f));
	ck_assert_uint_eq(f->has_offset, 0);
	assert_lstr(f->type->u.object.type_name, "com.example.post#replyRef");
	ck_assert(!f->type->u.object.is_record);

	const lexc_integer_rules *ir = &field_of(rec, "count")->type->u.integer;
	ck_assert(ir->has_minimum && ir->minimum == 0 && ir->has_maximum && ir->maximum == 10);
	ck_assert_uint_eq(ir->n_enum, 2);
	ck_assert(ir->enum_values[0] == 1 && ir->enum_values[1] == 2);
	ck_assert(ir->has_const && ir->const_value == 2 && !ir->has_default);

	const lexc_boolean_rules *br = &field_of(rec, "flag")->type->u.boolean;
	ck_assert(br->has_default && br->default_value && !br->has_const);

	const lexc_bytes_rules *yr = &field_of(rec, "data")->type->u.bytes;
	ck_assert(yr->min_length == 1 && yr->has_max_length && yr->max_length == 8);
	ck_assert_int_eq(field_of(rec, "link")->type->kind, LEXC_KIND_CID_LINK);

	const lexc_blob_rules *blr = &field_of(rec, "image")->type->u.blob;
	ck_assert_uint_eq(blr->n_accept, 1);
	assert_lstr(blr->accept[0], "image/*");
	ck_assert(blr->has_max_size && blr->max_size == 1000);

	f = field_of(rec, "tags");
	ck_assert_int_eq(f->type->kind, LEXC_KIND_ARRAY);
	ck_assert(f->flags & LEXC_FIELD_COUNTED);
	ck_assert(f->count_offset > f->has_offset && f->count_offset < f->offset);
	const lexc_array_rules *ar = &f->type->u.array;
	ck_assert(ar->min_length == 0 && ar->has_max_length && ar->max_length == 8);
	ck_assert_int_eq(ar->items->kind, LEXC_KIND_STRING);
	ck_assert(!ar->items->u.string.has_max_length && ar->items->u.string.max_length == 0);
	ck_assert(!ar->items->u.string.has_max_graphemes);
	ck_assert_int_eq(ar->items->u.string.format, LEXC_FORMAT_NONE);

	/* Variants by $type, sorted; a record names itself by its bare NSID. */
	const lexc_union_rules *ur = &field_of(rec, "embed")->type->u.union_;
	ck_assert(ur->closed);
	ck_assert_uint_eq(ur->n_variants, 2);
	assert_lstr(ur->variants[0].type_name, "com.example.post");
	ck_assert_ptr_eq(ur->variants[0].type, rec);
	assert_lstr(ur->variants[1].type_name, "com.example.post#replyRef");
	ck_assert_ptr_eq(ur->variants[1].type, field_of(rec, "reply")->type);

	ck_assert_int_eq(field_of(rec, "extra")->type->kind, LEXC_KIND_UNKNOWN);
	const lexc_type *in = field_of(rec, "inline")->type;
	assert_lstr(in->u.object.type_name, "");
	ck_assert(!in->u.object.is_record);
	ck_assert(field_of(in, "x")->flags & LEXC_FIELD_OPTIONAL);

	/* Params: never nullable; a ref to nsid#main is the variant "nsid". */
	const schema_node *q = schema_set_find_doc(set, "com.example.q", 13)->main->node;
	const lexc_type *pt = lower_node(l, q->u.xrpc.parameters);
	f = field_of(pt, "n");
	ck_assert(f->flags == 0 && f->null_offset == 0 && f->has_offset == 0);
	ck_assert(f->type->u.integer.has_default && f->type->u.integer.default_value == 5);
	br = &field_of(pt, "b")->type->u.boolean;
	ck_assert(br->has_const && !br->const_value && !br->has_default);
	sr = &field_of(pt, "s")->type->u.string;
	ck_assert_uint_eq(sr->n_enum, 2);
	assert_lstr(sr->enum_values[1], "y");
	ck_assert(sr->has_const && !sr->has_default);
	assert_lstr(sr->const_value, "x");
	ck_assert(sr->min_length == 1 && sr->min_graphemes == 1 && sr->max_graphemes == 2);
	ck_assert_uint_eq(field_of(pt, "l")->type->u.array.min_length, 1);
	ck_assert(!field_of(pt, "l")->type->u.array.has_max_length);
	const lexc_type *out = lower_node(l, q->u.xrpc.output->schema);
	ck_assert(!out->u.union_.closed);
	ck_assert_uint_eq(out->u.union_.n_variants, 1);
	assert_lstr(out->u.union_.variants[0].type_name, "com.example.post");
	ck_assert_ptr_eq(out->u.union_.variants[0].type, rec);
	schema_set_free(set);
}
END_TEST

/* ---- Ordering --------------------------------------------------------------------------- */

START_TEST(test_diag_order)
{
	/* Documents added out of order: diagnostics sort by file, then by
	 * document order, whichever phase (parse, check, resolve) found them. */
	schema_set *set = schema_set_new();
	add(set, "b.json",
	    "{'lexicon': 1, 'id': 'com.example.b', 'defs': {'x': {'type': 'ref',"
	    " 'ref': '#y'}}}",
	    false);
	add(set, "a.json",
	    "{'lexicon': 1, 'id': 'com.example.a', 'defs': {"
	    " 'o': {'type': 'object', 'properties': {"
	    "  'r': {'type': 'ref', 'ref': '#nope'},"
	    "  's': {'type': 'string', 'format': 'url', 'maxLength': 'x'}}},"
	    " 'p': {'type': 'query'}}}",
	    false);
	ck_assert_uint_eq(schema_set_finish(set), 6);
	ck_assert_uint_eq(schema_set_finish(set), 6); /* idempotent */
	char *text = diags_text(set);
	ck_assert_str_eq(
	        text,
	        "a.json: $.defs.o.properties.r: unresolved ref \"#nope\": com.example.a has no def "
	        "\"nope\"\n"
	        "a.json: $.defs.o.properties.s.maxLength: expected an integer, got a string\n"
	        "a.json: $.defs.o.properties.s: unknown format \"url\"\n"
	        "a.json: $.defs.p: type \"query\" must be the \"main\" def, not \"p\"\n"
	        "b.json: $.defs.x: type \"ref\" cannot be a named def\n"
	        "b.json: $.defs.x: unresolved ref \"#y\": com.example.b has no def \"y\"\n");
	free(text);
	schema_set_free(set);
}
END_TEST

START_TEST(test_diag_print)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	diag_list l;
	diag_init(&l, &arena);
	diag_add(&l, DIAG_WARNING, "b.json", "$.x", "w %d", 1);
	diag *d = diag_add(&l, DIAG_ERROR, "a.json", NULL, "invalid JSON: %s", "oops");
	d->line = 3;
	d->col = 7;
	diag_add(&l, DIAG_ERROR, "c", NULL, "cannot read: %s", "gone")->io = true;
	diag_sort(&l);
	ck_assert_uint_eq(diag_count(&l, DIAG_ERROR), 2);
	ck_assert_uint_eq(diag_count(&l, DIAG_WARNING), 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_print(&l, f);
	fclose(f);
	ck_assert_str_eq(buf, "a.json:3:7: invalid JSON: oops\nb.json: $.x: warning: w 1\n"
	                      "c: cannot read: gone\n");
	free(buf);
	lexc_arena_free(&arena);
}
END_TEST

START_TEST(test_odd_names_in_paths_and_messages)
{
	/* Keys that are not identifiers are quoted in paths; control
	 * characters in user text are escaped in messages. */
	ASSERT_LINT_DEFS("'o': {'type': 'object', 'properties': {'a b': {'type': 'x\\ny'},"
	                 " 'q\\\"': {'type': 'string', 'format': 'u\\u0007'}}}",
	                 P "o.properties[\"a b\"]: unknown type \"x\\u000ay\"\n" P
	                   "o.properties[\"q\\\"\"]: unknown format \"u\\u0007\"\n");
}
END_TEST

/* ---- Files ----------------------------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	char *j = J(text);
	fputs(j, f);
	free(j);
	fclose(f);
}

START_TEST(test_add_path)
{
	char dir[] = "/tmp/lexc-test-lint-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char p[512];
#define DOC_FMT "{'lexicon': 1, 'id': 'com.example.%s', 'defs': {'a': {'type': 'token'}}}"
	char text[256];
	snprintf(p, sizeof p, "%s/sub", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/.hidden", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/sub/z.json", dir);
	snprintf(text, sizeof text, DOC_FMT, "z");
	write_file(p, text);
	snprintf(p, sizeof p, "%s/b.json", dir);
	snprintf(text, sizeof text, DOC_FMT, "b");
	write_file(p, text);
	snprintf(p, sizeof p, "%s/notes.txt", dir);
	write_file(p, "not json");
	snprintf(p, sizeof p, "%s/.hidden/h.json", dir);
	write_file(p, "not json");

	schema_set *set = schema_set_new();
	ck_assert(schema_set_add_path(set, dir, false));
	snprintf(p, sizeof p, "%s/b.json", dir);
	ck_assert(schema_set_add_path(set, p, false)); /* loaded once */
	snprintf(p, sizeof p, "%s/missing.json", dir);
	ck_assert(!schema_set_add_path(set, p, false));
	ck_assert_uint_eq(set->n_io_errors, 1);
	ck_assert_uint_eq(set->n_docs, 2);
	ck_assert_str_eq(set->docs[0]->id, "com.example.b");
	ck_assert_str_eq(set->docs[1]->id, "com.example.z");
	snprintf(p, sizeof p, "%s/sub/z.json", dir);
	ck_assert_str_eq(set->docs[1]->file, p);
	ck_assert_uint_eq(schema_set_finish(set), 1);
	ck_assert(set->diags.items[0].io);
	ck_assert_ptr_nonnull(strstr(set->diags.items[0].message, "cannot read: "));
	schema_set_free(set);

	const char *rm[] = {"sub/z.json",     "b.json", "notes.txt",
	                    ".hidden/h.json", "sub",    ".hidden"};
	for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, rm[i]);
		ck_assert_int_eq(remove(p), 0);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- Reference data -------------------------------------------------------------------------- */

/* Lints each case's "lexicon" member of an interop vector file; returns
 * the number of cases, with `bad` counting the verdicts that differ. */
static size_t lint_vectors(const char *name, bool want_valid, size_t *bad)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/interop/lexicon/%s", test_data(), name);
	json_error_t err;
	json_t *cases = json_load_file(path, 0, &err);
	ck_assert_msg(cases != NULL, "%s: %s", path, err.text);
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		char *text = json_dumps(json_object_get(c, "lexicon"), 0);
		schema_set *set = schema_set_new();
		schema_set_add_buffer(set, "case.json", text, strlen(text), false);
		size_t errors = schema_set_finish(set);
		if ((errors == 0) != want_valid) {
			(*bad)++;
			fprintf(stderr, "%s case %zu (%s): %zu errors\n", name, i,
			        json_string_value(json_object_get(c, "name")), errors);
		}
		schema_set_free(set);
		free(text);
	}
	size_t n = json_array_size(cases);
	json_decref(cases);
	return n;
}

START_TEST(test_interop_vectors)
{
	size_t bad = 0;
	ck_assert_uint_eq(lint_vectors("lexicon-valid.json", true, &bad), 3);
	ck_assert_uint_eq(lint_vectors("lexicon-invalid.json", false, &bad), 7);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(test_official_corpus)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/lexicons-atproto", test_data());
	schema_set *set = schema_set_new();
	ck_assert(schema_set_add_path(set, path, false));
	ck_assert_uint_eq(schema_set_finish(set), 0);
	ck_assert_uint_eq(set->diags.n, 0);
	ck_assert_uint_eq(set->n_docs, 402);
	ck_assert_uint_eq(set->n_by_id, 402);
	/* The counts of doc/spec notes 1.3, from the model. */
	size_t defs[SCHEMA_KIND_COUNT_] = {0}, nodes[SCHEMA_KIND_COUNT_ + 1] = {0}, n_defs = 0;
	for (size_t i = 0; i < set->n_docs; i++) {
		const schema_doc *d = set->docs[i];
		if (i > 0)
			ck_assert_str_lt(set->docs[i - 1]->file, d->file);
		for (size_t k = 0; k < d->n_defs; k++) {
			defs[d->defs[k].node->kind]++;
			schema_walk(d->defs[k].node, count_node, nodes);
		}
		n_defs += d->n_defs;
	}
	ck_assert_uint_eq(n_defs, 850);
	ck_assert_uint_eq(defs[SCHEMA_OBJECT], 394);
	ck_assert_uint_eq(defs[SCHEMA_QUERY], 177);
	ck_assert_uint_eq(defs[SCHEMA_PROCEDURE], 142);
	ck_assert_uint_eq(defs[SCHEMA_TOKEN], 76);
	ck_assert_uint_eq(defs[SCHEMA_RECORD], 26);
	ck_assert_uint_eq(defs[SCHEMA_STRING], 20);
	ck_assert_uint_eq(defs[SCHEMA_PERMISSION_SET], 10);
	ck_assert_uint_eq(defs[SCHEMA_SUBSCRIPTION], 3);
	ck_assert_uint_eq(defs[SCHEMA_ARRAY], 2);
	ck_assert_uint_eq(nodes[SCHEMA_STRING], 1702);
	ck_assert_uint_eq(nodes[SCHEMA_OBJECT], 785);
	ck_assert_uint_eq(nodes[SCHEMA_REF], 583);
	ck_assert_uint_eq(nodes[SCHEMA_UNION], 98);
	ck_assert_uint_eq(nodes[SCHEMA_PARAMS], 165);
	ck_assert_uint_eq(nodes[SCHEMA_PERMISSION], 14);
	ck_assert_uint_eq(nodes[SCHEMA_KIND_COUNT_], 952); /* every ref resolved */
	schema_set_free(set);
}
END_TEST

static Suite *lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *model = tcase_create("model");
	tcase_add_test(model, test_model_record);
	tcase_add_test(model, test_model_xrpc);
	tcase_add_test(model, test_model_permission_set);
	tcase_add_test(model, test_walk);
	suite_add_tcase(s, model);
	TCase *rules = tcase_create("rules");
	tcase_add_test(rules, test_header_rules);
	tcase_add_test(rules, test_json_errors);
	tcase_add_test(rules, test_def_names);
	tcase_add_test(rules, test_def_placement);
	tcase_add_test(rules, test_unknown_types);
	tcase_add_test(rules, test_record_rules);
	tcase_add_test(rules, test_params_rules);
	tcase_add_test(rules, test_body_rules);
	tcase_add_test(rules, test_error_names);
	tcase_add_test(rules, test_formats);
	tcase_add_test(rules, test_const_default);
	tcase_add_test(rules, test_min_max);
	tcase_add_test(rules, test_value_types);
	tcase_add_test(rules, test_value_constraints);
	tcase_add_test(rules, test_required_nullable);
	tcase_add_test(rules, test_blob_accept);
	tcase_add_test(rules, test_union_rules);
	tcase_add_test(rules, test_permission_rules);
	tcase_add_test(rules, test_wrong_key_types);
	suite_add_tcase(s, rules);
	TCase *refs = tcase_create("refs");
	tcase_add_test(refs, test_ref_resolution);
	tcase_add_test(refs, test_ref_syntax);
	tcase_add_test(refs, test_external);
	tcase_add_test(refs, test_duplicate_ids);
	suite_add_tcase(s, refs);
	TCase *lowering = tcase_create("lowering");
	tcase_add_test(lowering, test_lowering);
	suite_add_tcase(s, lowering);
	TCase *out = tcase_create("output");
	tcase_add_test(out, test_diag_order);
	tcase_add_test(out, test_diag_print);
	tcase_add_test(out, test_odd_names_in_paths_and_messages);
	tcase_add_test(out, test_add_path);
	suite_add_tcase(s, out);
	TCase *data = tcase_create("data");
	tcase_set_timeout(data, 60);
	tcase_add_test(data, test_interop_vectors);
	tcase_add_test(data, test_official_corpus);
	suite_add_tcase(s, data);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lint_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
