/* server_params.c: query parameters, typed by the method's params
 * descriptor.
 *
 * The query string is turned into a JSON object text (integers as numbers,
 * booleans as true/false, repeated keys as arrays) and decoded by the
 * engine, so every constraint of the lexicon (range, length, enum, format,
 * default) is enforced by the one code path that enforces it for bodies.
 * What JSON cannot express is checked here: integers must be plain decimal
 * numbers, booleans exactly "true" or "false", and only array parameters
 * may repeat. Unknown parameters are ignored. */
#include "config.h"

#include "server_internal.h"

#include <lexc/codec.h>
#include <lexc/utf8.h>

#include <stdlib.h>
#include <string.h>

typedef struct param_arg {
	const char *key, *value;
	size_t key_len, value_len;
	size_t order;            /* position in the query string */
	const lexc_field *field; /* NULL: unknown, ignored */
} param_arg;

typedef struct param_list {
	lexc_arena *arena;
	const lexc_type *type;
	param_arg *args;
	size_t n, cap;
	bool oom;
} param_list;

static const lexc_field *find_field(const lexc_type *t, const char *key, size_t len)
{
	size_t lo = 0, hi = t->u.object.n_fields;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const lexc_str *name = &t->u.object.fields[mid].name;
		size_t n = name->len < len ? name->len : len;
		int c = memcmp(name->ptr, key, n);
		if (c == 0)
			c = name->len < len ? -1 : name->len > len ? 1 : 0;
		if (c == 0)
			return &t->u.object.fields[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                               const char *value, size_t value_size)
{
	(void)kind;
	param_list *l = cls;
	const lexc_field *f = find_field(l->type, key, key_size);
	if (f == NULL)
		return MHD_YES;
	if (l->n == l->cap) {
		size_t cap = l->cap > 0 ? l->cap * 2 : 16;
		param_arg *p =
		        lexc_arena_realloc(l->arena, l->args, l->cap * sizeof *p, cap * sizeof *p);
		if (p == NULL) {
			l->oom = true;
			return MHD_NO;
		}
		l->args = p;
		l->cap = cap;
	}
	l->args[l->n] = (param_arg){key, value != NULL ? value : "", key_size, value_size, l->n, f};
	l->n++;
	return MHD_YES;
}

/* Groups repeated keys together, keeping their order within a key. */
static int by_field(const void *a, const void *b)
{
	const param_arg *x = a, *y = b;
	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A whole decimal number within int64: no sign but '-', no spaces, no
 * fraction, no exponent. */
static bool parse_integer(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < len && s[i] == '-') {
		neg = true;
		i++;
	}
	if (i == len)
		return false;
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return true;
}

static lexc_status bad(lexc_error *err, const param_arg *a, const char *what)
{
	lexc_error_set(err, LEXC_INVALID_REQUEST, "%s", what);
	lexc_error_path_prepend_key(err, a->key, a->key_len);
	return LEXC_INVALID_REQUEST;
}

/* Writes one value of the scalar type `t`. */
static lexc_status write_scalar(lexc_json_writer *w, const lexc_type *t, const param_arg *a,
                                lexc_error *err)
{
	switch (t->kind) {
	case LEXC_KIND_INTEGER: {
		int64_t v;
		if (!parse_integer(a->value, a->value_len, &v))
			return bad(err, a, "expected a whole decimal number within 64 bits");
		lexc_json_write_integer(w, v);
		return LEXC_OK;
	}
	case LEXC_KIND_BOOLEAN:
		if (a->value_len == 4 && memcmp(a->value, "true", 4) == 0)
			lexc_json_write_bool(w, true);
		else if (a->value_len == 5 && memcmp(a->value, "false", 5) == 0)
			lexc_json_write_bool(w, false);
		else
			return bad(err, a, "expected true or false");
		return LEXC_OK;
	default:
		/* Strings, and anything else a params block should not hold: the
		 * engine then says what is wrong with it. */
		if (!lexc_utf8_valid(a->value, a->value_len))
			return bad(err, a, "not valid UTF-8");
		lexc_json_write_string(w, a->value, a->value_len);
		return LEXC_OK;
	}
}

/* The JSON object text for the parameters in `l` (sorted by field). */
static lexc_status build_json(const param_list *l, lexc_json_writer *w, lexc_error *err)
{
	lexc_json_write_object_start(w);
	for (size_t i = 0; i < l->n;) {
		const lexc_field *f = l->args[i].field;
		size_t j = i + 1;
		while (j < l->n && l->args[j].field == f)
			j++;
		lexc_json_write_key(w, f->name.ptr, f->name.len);
		lexc_status st = LEXC_OK;
		if (f->type->kind == LEXC_KIND_ARRAY) {
			lexc_json_write_array_start(w);
			for (size_t k = i; k < j && st == LEXC_OK; k++)
				st = write_scalar(w, f->type->u.array.items, &l->args[k], err);
			lexc_json_write_array_end(w);
		} else if (j - i > 1) {
			st = bad(err, &l->args[i], "repeated, but not an array");
		} else {
			st = write_scalar(w, f->type, &l->args[i], err);
		}
		if (st != LEXC_OK)
			return st;
		i = j;
	}
	lexc_json_write_object_end(w);
	return w->failed ? lexc_error_set(err, LEXC_NO_MEMORY, "out of memory for parameters")
	                 : LEXC_OK;
}

lexc_status lexc_server_params_(lexc_call *call, void **out, lexc_error *err)
{
	*out = NULL;
	const lexc_type *t = call->entry->method->params;
	if (t == NULL)
		return LEXC_OK;
	if (t->kind != LEXC_KIND_OBJECT)
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "params descriptor of %s is not an object",
		                      call->entry->method->nsid);
	param_list l = {.arena = &call->arena, .type = t};
	MHD_get_connection_values_n(call->conn, MHD_GET_ARGUMENT_KIND, collect, &l);
	if (l.oom)
		return lexc_error_set(err, LEXC_NO_MEMORY, "out of memory for parameters");
	if (l.n > 1)
		qsort(l.args, l.n, sizeof *l.args, by_field);
	lexc_json_writer w;
	lexc_error werr;
	lexc_json_writer_init(&w, &werr);
	lexc_status st = build_json(&l, &w, err);
	char *json = NULL;
	size_t len = w.len;
	if (st == LEXC_OK) {
		/* The decoded strings may point into the text: it lives in the arena. */
		json = lexc_arena_memdup(&call->arena, w.buf, len);
		if (json == NULL)
			st = lexc_error_set(err, LEXC_NO_MEMORY, "out of memory for parameters");
	}
	lexc_json_writer_free(&w);
	if (st != LEXC_OK)
		return st;
	void *value =
	        lexc_arena_calloc(&call->arena, 1, t->u.object.size > 0 ? t->u.object.size : 1);
	if (value == NULL)
		return lexc_error_set(err, LEXC_NO_MEMORY, "out of memory for parameters");
	st = lexc_call_decode_(call, t, json, len, value, err);
	if (st != LEXC_OK)
		return st;
	*out = value;
	return LEXC_OK;
}
