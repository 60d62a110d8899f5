/* libFuzzer target for the JSON reader and writer, with jansson 2.14 as a
 * differential oracle. tests/test_json_diff.c includes this file (with
 * JSON_ORACLE_NO_FUZZER defined) so that both use the same oracle.
 *
 * jansson runs with JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
 * JSON_ALLOW_NUL and the reader with jansson's depth limit (2048). They must
 * agree on every input except where doc/json.md documents a difference:
 * jansson rejects integers beyond int64 ("too big integer"), reals beyond
 * the double range ("real number overflow") and NUL in object keys, which
 * the reader accepts (reporting out_of_range; the engine decides). And
 * jansson 2.14 silently skips a NUL byte right after a number or literal
 * ("[1\0]" loads as [1]); the reader rejects it. Accepted
 * documents must yield the same values. The same input with the default
 * depth limit, re-emitted through the writer, and read with look-ahead marks
 * must give the same tokens. UTF-8 verdicts must match lexc_utf8_check()
 * on the whole document (outside strings JSON is ASCII). */
#include "config.h"

#include <lexc/json.h>
#include <lexc/utf8.h>

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum json_verdict {
	JSON_AGREE_ACCEPT, /* both accept, same values */
	JSON_AGREE_REJECT, /* both reject */
	JSON_KNOWN_DIFF,   /* reader accepts, jansson rejects for a documented reason */
	JSON_DEPTH_ONLY,   /* valid JSON nested deeper than 32: rejected by default */
	JSON_MISMATCH,     /* a bug in one of them; `why` says what */
	JSON_JANSSON_NUL   /* reader rejects a NUL byte after a number or literal,
	                      which jansson 2.14 skips ("[1\0]" is [1] to it) */
};

struct json_oracle {
	char why[512];
	/* What the reader saw on an accepted document. */
	bool big_integer;   /* integer syntax, outside int64 */
	bool real_overflow; /* a real that strtod overflows */
	bool nul_key;       /* a key containing U+0000 */
	bool reader_error;  /* the reader failed while values were compared */
	unsigned max_depth;
};

#define ORACLE_FAIL(o, ...)                                                                        \
	do {                                                                                       \
		snprintf((o)->why, sizeof(o)->why, __VA_ARGS__);                                   \
		return false;                                                                      \
	} while (0)

static bool number_has_real_syntax(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return true;
	return false;
}

static double number_strtod(const char *s, size_t n)
{
	char buf[64];
	char *heap = NULL, *p = buf;
	if (n >= sizeof buf) {
		heap = malloc(n + 1);
		if (heap == NULL)
			abort();
		p = heap;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	double d = strtod(p, NULL);
	free(heap);
	return d;
}

/* Compares the value whose first token `t` the reader just returned with
 * jansson's value v, reading the rest of it. */
static bool oracle_compare(struct json_oracle *o, lexc_json_reader *r, lexc_json_token t, json_t *v)
{
	if (r->depth > o->max_depth)
		o->max_depth = r->depth;
	if (t == LEXC_JSON_ERROR) {
		/* Not a difference in values: the verdicts are compared later. */
		o->reader_error = true;
		return false;
	}
	switch (t) {
	case LEXC_JSON_OBJECT_START: {
		if (!json_is_object(v))
			ORACLE_FAIL(o, "object at byte %zu: jansson has type %d", r->offset,
			            json_typeof(v));
		size_t n = 0;
		for (;;) {
			lexc_json_token k = lexc_json_next(r);
			if (k == LEXC_JSON_OBJECT_END)
				break;
			if (k == LEXC_JSON_ERROR) {
				o->reader_error = true;
				return false;
			}
			if (k != LEXC_JSON_KEY)
				ORACLE_FAIL(o, "expected a key at byte %zu, got %s", r->offset,
				            lexc_json_token_name(k));
			if (memchr(r->str, '\0', r->str_len) != NULL)
				ORACLE_FAIL(o, "NUL key at byte %zu in a document jansson accepted",
				            r->offset);
			json_t *m = json_object_getn(v, r->str, r->str_len);
			if (m == NULL)
				ORACLE_FAIL(o, "key at byte %zu missing in jansson", r->offset);
			if (!oracle_compare(o, r, lexc_json_next(r), m))
				return false;
			n++;
		}
		if (n != json_object_size(v))
			ORACLE_FAIL(o, "object with %zu keys, jansson has %zu", n,
			            json_object_size(v));
		return true;
	}
	case LEXC_JSON_ARRAY_START: {
		if (!json_is_array(v))
			ORACLE_FAIL(o, "array at byte %zu: jansson has type %d", r->offset,
			            json_typeof(v));
		size_t n = 0;
		for (;;) {
			lexc_json_token e = lexc_json_next(r);
			if (e == LEXC_JSON_ARRAY_END)
				break;
			if (e == LEXC_JSON_ERROR) {
				o->reader_error = true;
				return false;
			}
			if (n >= json_array_size(v))
				ORACLE_FAIL(o, "array longer than jansson's");
			if (!oracle_compare(o, r, e, json_array_get(v, n)))
				return false;
			n++;
		}
		if (n != json_array_size(v))
			ORACLE_FAIL(o, "array of %zu, jansson has %zu", n, json_array_size(v));
		return true;
	}
	case LEXC_JSON_STRING:
		if (!json_is_string(v) || json_string_length(v) != r->str_len ||
		    memcmp(json_string_value(v), r->str, r->str_len) != 0)
			ORACLE_FAIL(o, "string at byte %zu differs", r->offset);
		return true;
	case LEXC_JSON_NUMBER:
		if (json_is_integer(v)) {
			if (number_has_real_syntax(r->str, r->str_len))
				ORACLE_FAIL(o, "jansson integer for real syntax at byte %zu",
				            r->offset);
			if (!r->integral || r->integer != json_integer_value(v))
				ORACLE_FAIL(o, "integer at byte %zu: %lld vs jansson %lld",
				            r->offset, (long long)r->integer,
				            (long long)json_integer_value(v));
			return true;
		}
		if (!json_is_real(v))
			ORACLE_FAIL(o, "number at byte %zu: jansson type %d", r->offset,
			            json_typeof(v));
		if (!number_has_real_syntax(r->str, r->str_len))
			ORACLE_FAIL(o, "jansson real for integer syntax at byte %zu", r->offset);
		if (number_strtod(r->str, r->str_len) != json_real_value(v))
			ORACLE_FAIL(o, "real at byte %zu differs", r->offset);
		/* An exact integer rounds to the same double as its text. */
		if (r->integral && (double)r->integer != json_real_value(v))
			ORACLE_FAIL(o, "integral real at byte %zu: %lld vs %.17g", r->offset,
			            (long long)r->integer, json_real_value(v));
		/* Out of int64: at least 2^63 in magnitude. */
		if (r->out_of_range && json_real_value(v) < 9.2e18 && json_real_value(v) > -9.2e18)
			ORACLE_FAIL(o, "out_of_range real at byte %zu is %.17g", r->offset,
			            json_real_value(v));
		return true;
	case LEXC_JSON_TRUE:
		if (!json_is_true(v))
			ORACLE_FAIL(o, "true at byte %zu", r->offset);
		return true;
	case LEXC_JSON_FALSE:
		if (!json_is_false(v))
			ORACLE_FAIL(o, "false at byte %zu", r->offset);
		return true;
	case LEXC_JSON_NULL:
		if (!json_is_null(v))
			ORACLE_FAIL(o, "null at byte %zu", r->offset);
		return true;
	default:
		ORACLE_FAIL(o, "unexpected %s at byte %zu", lexc_json_token_name(t), r->offset);
	}
}

/* Folds one token into a hash of the token stream. */
static uint64_t token_hash(uint64_t h, const lexc_json_reader *r, lexc_json_token t)
{
	const uint64_t P = 0x100000001b3ull;
	h = (h ^ (uint64_t)t) * P;
	if (t == LEXC_JSON_KEY || t == LEXC_JSON_STRING || t == LEXC_JSON_NUMBER) {
		for (size_t i = 0; i < r->str_len; i++)
			h = (h ^ (unsigned char)r->str[i]) * P;
		h = (h ^ r->str_len) * P;
	}
	if (t == LEXC_JSON_NUMBER)
		h = (h ^ (uint64_t)r->integer ^ ((uint64_t)r->integral << 1) ^ r->out_of_range) * P;
	return h;
}

/* Reads json[0..len) to the end; returns the token-stream hash, the final
 * token (END or ERROR) in *last and the error message in err. */
static uint64_t stream_hash(const char *json, size_t len, unsigned max_depth, lexc_json_token *last,
                            lexc_error *err, size_t *count)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error_clear(err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, &arena, err);
	if (max_depth != 0)
		lexc_json_reader_set_max_depth(&r, max_depth);
	uint64_t h = 0xcbf29ce484222325ull;
	size_t n = 0;
	lexc_json_token t;
	do {
		t = lexc_json_next(&r);
		h = token_hash(h, &r, t);
		n++;
	} while (t != LEXC_JSON_END && t != LEXC_JSON_ERROR);
	lexc_arena_free(&arena);
	*last = t;
	if (count != NULL)
		*count = n;
	return h;
}

/* Reading with look-ahead: at some tokens save, read ahead a few tokens,
 * restore and check that the same tokens come again. */
static bool oracle_marks(struct json_oracle *o, const char *json, size_t len, uint64_t want,
                         lexc_json_token want_last, uint32_t seed)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, &arena, NULL);
	lexc_json_reader_set_max_depth(&r, 2048);
	uint64_t h = 0xcbf29ce484222325ull;
	lexc_json_token t;
	bool ok = true, stopped = false;
	do {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 3 == 0) {
			lexc_json_mark m;
			lexc_json_save(&r, &m);
			unsigned ahead = (seed >> 20) % 6 + 1;
			uint64_t ah[6];
			bool closed = false, failed = false;
			for (unsigned i = 0; i < ahead; i++) {
				lexc_json_token a = lexc_json_next(&r);
				ah[i] = token_hash(0, &r, a);
				if ((a == LEXC_JSON_OBJECT_END || a == LEXC_JSON_ARRAY_END) &&
				    r.depth < m.depth) {
					closed = true;
					break;
				}
				if (a == LEXC_JSON_ERROR) {
					failed = true;
					break;
				}
				if (a == LEXC_JSON_END)
					break;
			}
			bool restored = lexc_json_restore(&r, &m);
			if (failed || closed) {
				if (restored) {
					snprintf(o->why, sizeof o->why,
					         "restore succeeded after %s",
					         failed ? "an error" : "closing the container");
					ok = false;
				}
				stopped = true; /* the reader cannot go back */
				break;
			}
			if (!restored) {
				snprintf(o->why, sizeof o->why, "restore failed at byte %zu",
				         r.offset);
				ok = false;
				break;
			}
			if (r.token != m.token || r.offset != m.offset) {
				snprintf(o->why, sizeof o->why, "restore changed the token");
				ok = false;
				break;
			}
			for (unsigned i = 0; i < ahead && ok; i++) {
				lexc_json_token a = lexc_json_next(&r);
				if (token_hash(0, &r, a) != ah[i]) {
					snprintf(o->why, sizeof o->why,
					         "token %u after a restore differs at byte %zu", i,
					         r.offset);
					ok = false;
				}
				h = token_hash(h, &r, a);
				if (a == LEXC_JSON_END)
					break;
			}
			if (!ok)
				break;
			t = r.token;
			if (t == LEXC_JSON_END)
				break;
			continue;
		}
		t = lexc_json_next(&r);
		h = token_hash(h, &r, t);
	} while (t != LEXC_JSON_END && t != LEXC_JSON_ERROR);
	if (ok && !stopped && r.token != want_last) {
		snprintf(o->why, sizeof o->why, "look-ahead reading ends in %s",
		         lexc_json_token_name(r.token));
		ok = false;
	}
	if (ok && !stopped && r.token == LEXC_JSON_END && h != want) {
		snprintf(o->why, sizeof o->why, "look-ahead reading gave other tokens");
		ok = false;
	}
	lexc_arena_free(&arena);
	return ok;
}

/* read -> skip_value -> write_raw -> read gives the same tokens, and the
 * span is the document without surrounding whitespace. */
static bool oracle_rewrite(struct json_oracle *o, const char *json, size_t len, uint64_t want)
{
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, len, &arena, NULL);
	lexc_json_reader_set_max_depth(&r, 2048);
	const char *raw;
	size_t raw_len;
	bool ok = lexc_json_skip_value(&r, &raw, &raw_len) && lexc_json_next(&r) == LEXC_JSON_END;
	lexc_arena_free(&arena);
	if (!ok)
		ORACLE_FAIL(o, "skip_value failed on an accepted document");
	size_t a = 0, b = len;
	while (a < b && strchr(" \t\r\n", json[a]) != NULL)
		a++;
	while (b > a && strchr(" \t\r\n", json[b - 1]) != NULL)
		b--;
	if (raw != json + a || raw_len != b - a)
		ORACLE_FAIL(o, "skip span [%zu,+%zu) is not [%zu,%zu)", (size_t)(raw - json),
		            raw_len, a, b);
	lexc_json_writer w;
	lexc_json_writer_init(&w, NULL);
	if (!lexc_json_write_raw(&w, raw, raw_len))
		ORACLE_FAIL(o, "write_raw failed");
	size_t out_len;
	char *out = lexc_json_writer_take(&w, &out_len);
	lexc_json_token last;
	lexc_error err;
	uint64_t h = stream_hash(out, out_len, 2048, &last, &err, NULL);
	free(out);
	if (last != LEXC_JSON_END || h != want)
		ORACLE_FAIL(o, "write_raw output reads differently: %s", err.message);
	return true;
}

/* The verdict on data[0..size); o->why explains a mismatch. */
static enum json_verdict json_oracle_run(struct json_oracle *o, const uint8_t *data, size_t size)
{
	const char *json = (const char *)data;
	memset(o, 0, sizeof *o);
	json_error_t jerr;
	json_t *doc = json_loadb(json, size,
	                         JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	bool jansson_ok = doc != NULL;

	/* Pass 1: jansson's depth limit, values compared with the DOM. */
	lexc_arena arena;
	lexc_arena_init(&arena);
	lexc_error err;
	lexc_error_clear(&err);
	lexc_json_reader r;
	lexc_json_reader_init(&r, json, size, &arena, &err);
	lexc_json_reader_set_max_depth(&r, 2048);
	bool accepted = false, same = true;
	lexc_json_token t = lexc_json_next(&r);
	if (doc != NULL && t != LEXC_JSON_ERROR) {
		same = oracle_compare(o, &r, t, doc);
		if (!same && o->reader_error) {
			same = true;
			t = LEXC_JSON_ERROR;
		} else if (same) {
			t = lexc_json_next(&r);
			accepted = t == LEXC_JSON_END;
		}
	}
	if (doc == NULL || !same) {
		/* Read on to the verdict, noting what jansson would refuse. */
		while (t != LEXC_JSON_END && t != LEXC_JSON_ERROR) {
			if (r.depth > o->max_depth)
				o->max_depth = r.depth;
			if (t == LEXC_JSON_NUMBER) {
				bool real = number_has_real_syntax(r.str, r.str_len);
				o->big_integer |= !real && r.out_of_range;
				o->real_overflow |= real && isinf(number_strtod(r.str, r.str_len));
			}
			if (t == LEXC_JSON_KEY)
				o->nul_key |= memchr(r.str, '\0', r.str_len) != NULL;
			t = lexc_json_next(&r);
		}
		accepted = t == LEXC_JSON_END;
	}
	lexc_arena_free(&arena);
	if (!same) {
		json_decref(doc);
		return JSON_MISMATCH;
	}
	size_t utf8_ok = lexc_utf8_check(json, size);
	if (accepted && utf8_ok != size) {
		snprintf(o->why, sizeof o->why, "accepted with invalid UTF-8 at byte %zu", utf8_ok);
		json_decref(doc);
		return JSON_MISMATCH;
	}
	if (!accepted && strncmp(err.message, "invalid UTF-8 at byte", 21) == 0 &&
	    (r.offset != utf8_ok || strtoull(err.message + 22, NULL, 10) != utf8_ok)) {
		snprintf(o->why, sizeof o->why, "%s, lexc_utf8_check says %zu", err.message,
		         utf8_ok);
		json_decref(doc);
		return JSON_MISMATCH;
	}
	if (!accepted) {
		if (err.code != LEXC_INVALID_REQUEST || err.message[0] == '\0' || r.offset > size) {
			snprintf(o->why, sizeof o->why, "bad error: code %d, offset %zu, \"%s\"",
			         err.code, r.offset, err.message);
			json_decref(doc);
			return JSON_MISMATCH;
		}
	}
	bool jansson_nul = false;
	if (accepted != jansson_ok) {
		enum json_verdict v = JSON_MISMATCH;
		if (accepted) {
			/* jansson's messages for what the reader deliberately accepts. */
			if ((o->big_integer && strstr(jerr.text, "too big") != NULL) ||
			    (o->real_overflow &&
			     strstr(jerr.text, "real number overflow") != NULL) ||
			    (o->nul_key && strstr(jerr.text, "NUL byte in object key") != NULL))
				v = JSON_KNOWN_DIFF;
			else
				snprintf(o->why, sizeof o->why, "reader accepts, jansson: %s at %d",
				         jerr.text, jerr.position);
		} else if (r.offset > 0 && r.offset < size && json[r.offset] == '\0' &&
		           strchr("0123456789el", json[r.offset - 1]) != NULL) {
			v = JSON_JANSSON_NUL;
			jansson_nul = true;
		} else {
			snprintf(o->why, sizeof o->why, "jansson accepts, reader: %s", err.message);
		}
		json_decref(doc);
		if (v == JSON_MISMATCH)
			return v;
	} else {
		json_decref(doc);
	}

	/* The default limit and the other ways of reading. */
	lexc_json_token last, last32;
	lexc_error err32;
	uint64_t h = stream_hash(json, size, 2048, &last, &err, NULL);
	uint64_t h32 = stream_hash(json, size, 0, &last32, &err32, NULL);
	if ((last == LEXC_JSON_END) != accepted) {
		snprintf(o->why, sizeof o->why, "second reading disagrees");
		return JSON_MISMATCH;
	}
	bool depth_only = false;
	if (accepted && last32 != LEXC_JSON_END) {
		if (o->max_depth <= LEXC_JSON_DEFAULT_MAX_DEPTH ||
		    strstr(err32.message, "nesting deeper than 32") == NULL) {
			snprintf(o->why, sizeof o->why, "default depth rejects: %s", err32.message);
			return JSON_MISMATCH;
		}
		depth_only = true;
	} else if (accepted && h32 != h) {
		snprintf(o->why, sizeof o->why, "default depth gives other tokens");
		return JSON_MISMATCH;
	} else if (!accepted && last32 == LEXC_JSON_END) {
		snprintf(o->why, sizeof o->why, "default depth accepts what 2048 rejects");
		return JSON_MISMATCH;
	}
	uint32_t seed = (uint32_t)size;
	for (size_t i = 0; i < size && i < 16; i++)
		seed = seed * 31 + data[i];
	if (!oracle_marks(o, json, size, h, last, seed))
		return JSON_MISMATCH;
	if (accepted && !oracle_rewrite(o, json, size, h))
		return JSON_MISMATCH;
	if (!accepted)
		return jansson_nul ? JSON_JANSSON_NUL : JSON_AGREE_REJECT;
	if (depth_only)
		return JSON_DEPTH_ONLY;
	return jansson_ok ? JSON_AGREE_ACCEPT : JSON_KNOWN_DIFF;
}

#ifndef JSON_ORACLE_NO_FUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_oracle o;
	if (json_oracle_run(&o, data, size) == JSON_MISMATCH) {
		fprintf(stderr, "fuzz_json: mismatch on %zu bytes: %s\n", size, o.why);
		abort();
	}
	return 0;
}
#endif
