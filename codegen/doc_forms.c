/* The interactive parts of a server's pages (doc.h, `interactive`): "Try
 * it" under each query and procedure, "Validate" under each record and
 * object, and the one script that drives them. HTML only. The forms call
 * the server that served the page (same origin: no CORS to get wrong), with
 * `credentials: "omit"`; the Authorization field is a password input that
 * nothing stores, and the server logs no header. */
#include "config.h"

#include "diag.h"
#include "doc_markup.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(doc_out *o, const char *s)
{
	text_puts(o->t, s);
}

/* ---- Example values ------------------------------------------------- */

static json_t *example_of(const schema_node *n, int depth);

static const char *format_example(lexc_format f)
{
	switch (f) {
	case LEXC_FORMAT_AT_IDENTIFIER:
		return "example.com";
	case LEXC_FORMAT_AT_URI:
		return "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3k2a";
	case LEXC_FORMAT_CID:
		return "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm";
	case LEXC_FORMAT_DATETIME:
		return "2026-01-01T00:00:00.000Z";
	case LEXC_FORMAT_DID:
		return "did:plc:abcdefghijklmnopqrstuvwx";
	case LEXC_FORMAT_HANDLE:
		return "example.com";
	case LEXC_FORMAT_NSID:
		return "com.example.thing";
	case LEXC_FORMAT_TID:
		return "3k2akbrcvjq2x";
	case LEXC_FORMAT_RECORD_KEY:
		return "self";
	case LEXC_FORMAT_URI:
		return "https://example.com/";
	case LEXC_FORMAT_LANGUAGE:
		return "en";
	default:
		return "";
	}
}

static json_t *string_example(const schema_string *s)
{
	if (s->const_value != NULL)
		return json_string(s->const_value);
	if (s->default_value != NULL)
		return json_string(s->default_value);
	if (s->enum_values.set && s->enum_values.n > 0)
		return json_string(s->enum_values.items[0]);
	if (s->known_values.set && s->known_values.n > 0)
		return json_string(s->known_values.items[0]);
	return json_string(format_example(s->format));
}

/* The required properties of an object, each with an example value. */
static json_t *object_example(const schema_node *obj, const char *type, int depth)
{
	json_t *o = json_object();
	if (o == NULL)
		diag_out_of_memory();
	if (type != NULL)
		json_object_set_new(o, "$type", json_string(type));
	for (size_t i = 0; depth < 4 && i < obj->u.object.n_props; i++) {
		const schema_prop *p = &obj->u.object.props[i];
		if (p->required)
			json_object_set_new(o, p->name, example_of(p->type, depth + 1));
	}
	return o;
}

static json_t *example_of(const schema_node *n, int depth)
{
	switch (n->kind) {
	case SCHEMA_BOOLEAN:
		return json_boolean(n->u.boolean.has_const ? n->u.boolean.const_value
		                                           : n->u.boolean.default_value);
	case SCHEMA_INTEGER: {
		const schema_integer *i = &n->u.integer;
		json_int_t v = i->const_value.set             ? i->const_value.value
		               : i->default_value.set         ? i->default_value.value
		               : i->has_enum && i->n_enum > 0 ? i->enum_values[0]
		               : i->minimum.set               ? i->minimum.value
		                                              : 0;
		return json_integer(v);
	}
	case SCHEMA_STRING:
		return string_example(&n->u.string);
	case SCHEMA_ARRAY:
		return json_array();
	case SCHEMA_OBJECT:
		return object_example(n, NULL, depth);
	case SCHEMA_RECORD:
		return n->u.record.record != NULL
		               ? object_example(n->u.record.record, n->def->full_name, depth)
		               : json_object();
	case SCHEMA_REF: {
		const schema_def *t = n->u.ref.target;
		if (t == NULL || depth > 3)
			return json_object();
		return example_of(t->node, depth + 1);
	}
	case SCHEMA_UNION: {
		const schema_union *u = &n->u.union_;
		const schema_def *t = u->n_refs > 0 ? u->refs[0].target : NULL;
		if (t == NULL || t->node->kind != SCHEMA_OBJECT)
			return json_object();
		return object_example(t->node, t->full_name, depth + 1);
	}
	default:
		return json_object();
	}
}

static void put_example(doc_out *o, const schema_node *n)
{
	json_t *v = example_of(n, 0);
	char *s = v != NULL ? json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	if (s == NULL)
		diag_out_of_memory();
	doc_text(o, s);
	free(s);
}

/* ---- Forms ---------------------------------------------------------- */

static void param_input(doc_out *o, const schema_prop *p)
{
	const schema_node *t = p->type;
	bool array = t->kind == SCHEMA_ARRAY;
	if (array && t->u.array.items != NULL)
		t = t->u.array.items;
	put(o, "<p><label>");
	doc_code(o, p->name);
	if (p->required)
		put(o, " (required)");
	if (array)
		put(o, " (comma-separated)");
	put(o, " ");
	if (t->kind == SCHEMA_BOOLEAN && !array) {
		put(o, "<select data-param=\"");
		doc_text(o, p->name);
		put(o, "\"><option value=\"\">not sent</option><option>true</option>"
		       "<option>false</option></select>");
	} else {
		put(o, "<input data-param=\"");
		doc_text(o, p->name);
		put(o, "\"");
		if (array)
			put(o, " data-array=\"1\"");
		if (t->kind == SCHEMA_INTEGER && !array)
			put(o, " type=\"number\"");
		put(o, ">");
	}
	put(o, "</label></p>\n");
}

void doc_try_form(doc_out *o, const schema_def *def)
{
	const schema_node *n = def->node;
	const schema_xrpc *x = &n->u.xrpc;
	bool post = n->kind == SCHEMA_PROCEDURE;
	const schema_body *in = post ? x->input : NULL;
	put(o, "<h3>Try it</h3>\n<form class=\"try\" data-nsid=\"");
	doc_text(o, def->doc->id);
	put(o, post ? "\" data-verb=\"POST\"" : "\" data-verb=\"GET\"");
	if (in != NULL && in->encoding != NULL) {
		put(o, " data-encoding=\"");
		doc_text(o, strchr(in->encoding, '*') != NULL ? "application/octet-stream"
		                                              : in->encoding);
		put(o, "\"");
	}
	put(o, ">\n<fieldset>\n<legend>Call ");
	doc_code(o, def->doc->id);
	put(o, " on this server</legend>\n");
	if (x->parameters != NULL)
		for (size_t i = 0; i < x->parameters->u.object.n_props; i++)
			param_input(o, &x->parameters->u.object.props[i]);
	if (in != NULL && in->encoding != NULL) {
		put(o, "<p><label>Input (");
		doc_code(o, in->encoding);
		put(o, ")<br><textarea name=\"body\" rows=\"8\" cols=\"80\" spellcheck=\"false\">");
		if (in->schema != NULL)
			put_example(o, in->schema);
		put(o, "</textarea></label></p>\n");
	}
	put(o, "<p><label>Authorization <input name=\"authorization\" type=\"password\" "
	       "autocomplete=\"off\" placeholder=\"Bearer ...\"></label></p>\n"
	       "<p><button type=\"submit\">Send</button></p>\n</fieldset>\n"
	       "<output class=\"result\" aria-live=\"polite\"></output>\n</form>\n");
}

void doc_validate_form(doc_out *o, const schema_def *def)
{
	bool record = def->node->kind == SCHEMA_RECORD;
	put(o, record ? "<h3>Validate record</h3>\n" : "<h3>Validate object</h3>\n");
	put(o, "<form class=\"validate\" data-type=\"");
	doc_text(o, def->full_name);
	put(o, "\">\n<fieldset>\n<legend>Check a JSON value against ");
	doc_code(o, def->full_name);
	put(o, " with this server's validator</legend>\n"
	       "<p><label>Value<br><textarea name=\"value\" rows=\"8\" cols=\"80\" "
	       "spellcheck=\"false\">");
	put_example(o, def->node);
	put(o, "</textarea></label></p>\n"
	       "<p><label><input type=\"checkbox\" name=\"allowUnresolved\"> Treat any remaining "
	       "unresolved references as valid (lexc gen resolved every reference of this "
	       "server's lexicons, so none remain)</label></p>\n"
	       "<p><button type=\"submit\">Validate</button></p>\n</fieldset>\n"
	       "<output class=\"result\" aria-live=\"polite\"></output>\n</form>\n");
}

/* The answer shown as status line, headers and body (pretty when JSON). */
static const char script[] =
        "\"use strict\";\n"
        "function pretty(text) {\n"
        "  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }\n"
        "}\n"
        "function show(form, lines) {\n"
        "  const out = form.querySelector(\"output\");\n"
        "  const pre = document.createElement(\"pre\");\n"
        "  pre.textContent = lines.join(\"\\n\");\n"
        "  out.replaceChildren(pre);\n"
        "}\n"
        "for (const form of document.querySelectorAll(\"form.try\")) {\n"
        "  form.addEventListener(\"submit\", async (ev) => {\n"
        "    ev.preventDefault();\n"
        "    const q = new URLSearchParams();\n"
        "    for (const el of form.querySelectorAll(\"[data-param]\")) {\n"
        "      const v = el.value.trim();\n"
        "      if (v === \"\") continue;\n"
        "      for (const x of el.dataset.array ? v.split(\",\") : [v])\n"
        "        q.append(el.dataset.param, x.trim());\n"
        "    }\n"
        "    const headers = {};\n"
        "    const auth = form.querySelector(\"[name=authorization]\").value;\n"
        "    if (auth !== \"\") headers.Authorization = auth;\n"
        "    const init = {method: form.dataset.verb, headers, cache: \"no-store\",\n"
        "                  credentials: \"omit\"};\n"
        "    const body = form.querySelector(\"textarea[name=body]\");\n"
        "    if (body !== null) {\n"
        "      headers[\"Content-Type\"] = form.dataset.encoding;\n"
        "      init.body = body.value;\n"
        "    }\n"
        "    const url = \"/xrpc/\" + form.dataset.nsid + (q.toString() !== \"\" ? \"?\" + q : "
        "\"\");\n"
        "    try {\n"
        "      const r = await fetch(url, init);\n"
        "      const text = await r.text();\n"
        "      const lines = [\"HTTP \" + r.status + \" \" + r.statusText];\n"
        "      r.headers.forEach((v, k) => lines.push(k + \": \" + v));\n"
        "      show(form, lines.concat([\"\", pretty(text)]));\n"
        "    } catch (e) {\n"
        "      show(form, [\"The request failed: \" + e]);\n"
        "    }\n"
        "  });\n"
        "}\n"
        "for (const form of document.querySelectorAll(\"form.validate\")) {\n"
        "  form.addEventListener(\"submit\", async (ev) => {\n"
        "    ev.preventDefault();\n"
        "    const q = new URLSearchParams({type: form.dataset.type});\n"
        "    if (form.querySelector(\"[name=allowUnresolved]\").checked)\n"
        "      q.set(\"allowUnresolved\", \"true\");\n"
        "    try {\n"
        "      const r = await fetch(\"/xrpc/_validate?\" + q, {method: \"POST\", cache: "
        "\"no-store\",\n"
        "        credentials: \"omit\", headers: {\"Content-Type\": \"application/json\"},\n"
        "        body: form.querySelector(\"textarea\").value});\n"
        "      const a = await r.json();\n"
        "      if (a.valid === true) show(form, [\"valid\"]);\n"
        "      else if (a.valid === false) show(form, [\"invalid: \" + a.path + \": \" + "
        "a.message]);\n"
        "      else show(form, [\"HTTP \" + r.status + \": \" + (a.error || \"\") + \" \" +\n"
        "                       (a.message || \"\")]);\n"
        "    } catch (e) {\n"
        "      show(form, [\"The request failed: \" + e]);\n"
        "    }\n"
        "  });\n"
        "}\n";

void doc_script(doc_out *o)
{
	put(o, "<script>\n");
	put(o, script);
	put(o, "</script>\n");
}
