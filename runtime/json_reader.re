/* JSON reader: the pull tokenizer's state machine. It checks ',' and ':',
 * tracks the open containers, and hands strings and numbers to the
 * scanners (json_scan.re) and keys to the duplicate-key set
 * (json_keyset.c); json_reader_internal.h ties the pieces together and
 * holds the interface the decode engine uses. See lexc/json.h for the
 * contract, doc/json.md for the accepted language.
 *
 * The input is not NUL-terminated: every read goes through YYPEEK, which
 * yields 0 at the limit, and re2c's end-of-input rule ($) tells that virtual
 * 0 from a real NUL byte with YYLESSTHAN. */
#include "config.h"

#include "json_reader_internal.h"

#include <lexc/json.h>

#include <stdint.h>
#include <string.h>


/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYPEEK = "(cur < lim ? (unsigned char)*cur : 0)";
	re2c:define:YYSKIP = "++cur;";
	re2c:define:YYBACKUP = "mar = cur;";
	re2c:define:YYRESTORE = "cur = mar;";
	re2c:define:YYLESSTHAN = "cur >= lim";
	re2c:eof = 0;
	re2c:yyfill:enable = 0;
	re2c:indent:string = "\t";

	digit = [0-9];
	hex = [0-9a-fA-F];
	int = "-"? ("0" | [1-9] digit*);
	frac = "." digit+;
	exp = [eE] [+-]? digit+;
	ident = [a-zA-Z_] [a-zA-Z0-9_]*;
*/
enum { FIRST_FRAMES = 8 };

/* Records key s in the innermost object, failing the reader when it is
 * already there. */
static bool key_insert(lexc_json_reader *r, const char *s, size_t len)
{
	switch (json_keyset_insert(r, s, len)) {
	case JSON_KEY_NEW:
		return true;
	case JSON_KEY_DUPLICATE:
		json_fail_duplicate(r, s, len);
		return false;
	case JSON_KEY_TOO_LONG:
		json_fail(r, r->json_ + r->offset, "object key longer than 4 GiB");
		return false;
	case JSON_KEY_NO_MEMORY:
		break;
	}
	json_fail_memory(r, r->json_ + r->offset);
	return false;
}

/* ------------------------------------------------------------------------
 * The state machine. */

static inline const char *skip_ws(const char *p, const char *lim)
{
	/* One test for the usual case: a byte above ' ' is no whitespace. */
	while (p < lim && (unsigned char)*p <= ' ' &&
	       (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static bool push(lexc_json_reader *r, bool object)
{
	if (r->depth == r->frames_cap_) {
		unsigned cap = r->frames_cap_ ? r->frames_cap_ * 2 : FIRST_FRAMES;
		if (cap > r->max_depth_ || cap < r->frames_cap_)
			cap = r->max_depth_;
		lexc_json_frame_ *f = lexc_arena_realloc(r->arena_, r->frames_,
		                                         r->frames_cap_ * sizeof *f, cap * sizeof *f);
		if (f == NULL)
			return false;
		r->frames_ = f;
		r->frames_cap_ = cap;
	}
	lexc_json_frame_ *f = &r->frames_[r->depth++];
	f->keybase = r->nkeys_;
	f->table = NULL;
	f->mask = 0;
	f->serial = ++r->frame_serial_;
	f->object = object;
	return true;
}

static inline void pop(lexc_json_reader *r)
{
	lexc_json_frame_ *f = &r->frames_[--r->depth];
	if (f->object)
		r->nkeys_ = f->keybase;
	if (r->depth == 0)
		r->state_ = ST_DONE;
	else
		r->state_ = r->frames_[r->depth - 1].object ? ST_OBJ_NEXT : ST_ARR_NEXT;
}

void lexc_json_reader_init(lexc_json_reader *r, const char *json, size_t len, lexc_arena *arena,
                           lexc_error *err)
{
	memset(r, 0, sizeof *r);
	r->token = LEXC_JSON_END;
	r->json_ = json;
	r->cur_ = json;
	r->lim_ = json + len;
	r->arena_ = arena;
	r->err_ = err;
	r->state_ = ST_VALUE;
	r->max_depth_ = LEXC_JSON_DEFAULT_MAX_DEPTH;
}

void lexc_json_reader_set_max_depth(lexc_json_reader *r, unsigned depth)
{
	if (r->frames_ == NULL)
		r->max_depth_ = depth > 0 ? depth : 1;
}

void lexc_json_reader_set_flags(lexc_json_reader *r, unsigned flags)
{
	r->flags_ = (r->flags_ & FLAGS_INTERNAL) | (flags & ~FLAGS_INTERNAL);
}

static lexc_json_token next_slow(lexc_json_reader *r);

/* The common tokens without the state machine's full generality: a value
 * after ':' or in an array (short strings, plain integers, '{', '['), and
 * '}' or ']'. Everything else, errors included, goes to next_slow(), from
 * an untouched reader. */
lexc_json_token lexc_json_next(lexc_json_reader *r)
{
	const char *cur = skip_ws(r->cur_, r->lim_), *lim = r->lim_;
	int state = r->state_, next = ST_OBJ_NEXT;
	/* After json_reader_key(), the decoder's usual state: no jump table. */
	if (state == ST_OBJ_VALUE)
		goto value;
	switch (state) {
	case ST_OBJ_COLON:
		if (cur >= lim || *cur != ':')
			return next_slow(r);
		cur = skip_ws(cur + 1, lim);
		next = ST_OBJ_NEXT;
		break;
	case ST_ARR_NEXT:
		if (cur < lim && *cur == ']')
			goto close;
		if (cur >= lim || *cur != ',')
			return next_slow(r);
		cur = skip_ws(cur + 1, lim);
		next = ST_ARR_NEXT;
		break;
	case ST_ARR_FIRST:
		if (cur < lim && *cur == ']')
			goto close;
		next = ST_ARR_NEXT;
		break;
	case ST_OBJ_NEXT:
	case ST_OBJ_FIRST:
		if (cur < lim && *cur == '}')
			goto close;
		if (state == ST_OBJ_NEXT) {
			if (cur >= lim || *cur != ',')
				return next_slow(r);
			cur = skip_ws(cur + 1, lim);
		}
		goto key;
	case ST_DONE:
		if (cur < lim)
			return next_slow(r);
		r->state_ = ST_END;
		r->offset = (size_t)(cur - r->json_);
		r->cur_ = cur;
		return r->token = LEXC_JSON_END;
	default:
		return next_slow(r);
	}
value:
	if (cur >= lim)
		return next_slow(r);
	unsigned char c = (unsigned char)*cur;
	if (c == '"') {
		const char *end = json_quick_string_end(cur + 1, lim);
		r->offset = (size_t)(cur - r->json_);
		r->state_ = next;
		if (end != NULL) {
			r->str = cur + 1;
			r->str_len = (size_t)(end - cur - 1);
			cur = end + 1;
		} else {
			cur = json_scan_string(r, cur + 1, !(r->flags_ & FLAG_SKIPPING));
			if (cur == NULL)
				return LEXC_JSON_ERROR;
		}
		r->cur_ = cur;
		return r->token = LEXC_JSON_STRING;
	}
	if (c == '{' || c == '[') {
		if (r->depth >= r->max_depth_ || r->depth == r->frames_cap_)
			return next_slow(r);
		bool object = c == '{';
		lexc_json_frame_ *f = &r->frames_[r->depth++];
		f->keybase = r->nkeys_;
		f->table = NULL;
		f->mask = 0;
		f->serial = ++r->frame_serial_;
		f->object = object;
		r->offset = (size_t)(cur - r->json_);
		r->state_ = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
		r->cur_ = cur + 1;
		return r->token = object ? LEXC_JSON_OBJECT_START : LEXC_JSON_ARRAY_START;
	}
	/* Integers -?[1-9][0-9]{0,17}: exact in int64 without overflow checks. */
	const char *p = cur + (c == '-');
	if (p >= lim || *p < '1' || *p > '9')
		return next_slow(r);
	uint64_t v = (uint64_t)(*p++ - '0');
	for (int nd = 1; p < lim && json_is_digit(*p) && nd < 18; nd++)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p < lim && (json_is_digit(*p) || *p == '.' || *p == '+' || *p == '-' || *p == '_' ||
	                ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
		return next_slow(r); /* fraction, exponent, or an error */
	r->offset = (size_t)(cur - r->json_);
	r->state_ = next;
	r->str = cur;
	r->str_len = (size_t)(p - cur);
	if (!(r->flags_ & FLAG_SKIPPING)) {
		r->integral = true;
		r->out_of_range = false;
		r->integer = c == '-' ? -(int64_t)v : (int64_t)v;
	}
	r->cur_ = p;
	return r->token = LEXC_JSON_NUMBER;

key: {
	/* Plain non-empty keys (see json_quick_string_end()). */
	const char *end = cur < lim && *cur == '"' ? json_quick_string_end(cur + 1, lim) : NULL;
	if (end == NULL || end == cur + 1)
		return next_slow(r);
	r->offset = (size_t)(cur - r->json_);
	r->str = cur + 1;
	r->str_len = (size_t)(end - cur - 1);
	if (!(r->flags_ & FLAG_NO_KEYSET) && !key_insert(r, r->str, r->str_len))
		return LEXC_JSON_ERROR;
	r->state_ = ST_OBJ_COLON;
	r->cur_ = end + 1;
	return r->token = LEXC_JSON_KEY;
}

close:
	if ((*cur == '}') != (state == ST_OBJ_NEXT || state == ST_OBJ_FIRST))
		return next_slow(r);
	r->offset = (size_t)(cur - r->json_);
	r->token = *cur == '}' ? LEXC_JSON_OBJECT_END : LEXC_JSON_ARRAY_END;
	r->cur_ = cur + 1;
	pop(r);
	return r->token;
}

static JSON_NOINLINE lexc_json_token next_slow(lexc_json_reader *r)
{
	const char *cur = skip_ws(r->cur_, r->lim_), *lim = r->lim_, *mar, *tok;
	(void)mar;
	switch (r->state_) {
	case ST_OBJ_NEXT:
		if (cur < lim && *cur == ',') {
			cur = skip_ws(cur + 1, lim);
			if (cur < lim && *cur == '"')
				goto key;
			if (cur < lim && *cur == '}')
				return json_fail(r, cur, "trailing comma before '}'");
			return json_unexpected(r, cur, "expected a string key after ','");
		}
		if (cur < lim && *cur == '}')
			goto close;
		return json_unexpected(r, cur, "expected ',' or '}' after an object member");
	case ST_OBJ_VALUE:
		r->state_ = ST_OBJ_NEXT;
		goto value;
	case ST_OBJ_COLON:
		if (cur < lim && *cur == ':') {
			cur = skip_ws(cur + 1, lim);
			r->state_ = ST_OBJ_NEXT;
			goto value;
		}
		return json_unexpected(r, cur, "expected ':' after object key");
	case ST_ARR_NEXT:
		if (cur < lim && *cur == ',') {
			cur = skip_ws(cur + 1, lim);
			if (cur < lim && *cur == ']')
				return json_fail(r, cur, "trailing comma before ']'");
			goto value;
		}
		if (cur < lim && *cur == ']')
			goto close;
		return json_unexpected(r, cur, "expected ',' or ']' after an array element");
	case ST_OBJ_FIRST:
		if (cur < lim && *cur == '"')
			goto key;
		if (cur < lim && *cur == '}')
			goto close;
		return json_unexpected(r, cur, "expected a string key or '}' after '{'");
	case ST_ARR_FIRST:
		if (cur < lim && *cur == ']')
			goto close;
		r->state_ = ST_ARR_NEXT;
		goto value;
	case ST_VALUE:
		r->state_ = ST_DONE;
		goto value;
	case ST_DONE:
		if (cur < lim)
			return json_unexpected(r, cur, "trailing data after the JSON value");
		r->state_ = ST_END;
		r->offset = (size_t)(cur - r->json_);
		r->cur_ = cur;
		return r->token = LEXC_JSON_END;
	case ST_END:
		return LEXC_JSON_END;
	default:
		return LEXC_JSON_ERROR;
	}

key:
	r->offset = (size_t)(cur - r->json_);
	tok = json_quick_string_end(cur + 1, lim);
	if (tok != NULL) {
		r->str = cur + 1;
		r->str_len = (size_t)(tok - cur - 1);
		cur = tok + 1;
	} else {
		cur = json_scan_string(r, cur + 1, true);
		if (cur == NULL)
			return LEXC_JSON_ERROR;
	}
	if (r->str_len == 0 && (r->flags_ & LEXC_JSON_REJECT_EMPTY_KEYS))
		return json_fail(r, r->json_ + r->offset, "empty object key");
	if (!(r->flags_ & FLAG_NO_KEYSET) && !key_insert(r, r->str, r->str_len))
		return LEXC_JSON_ERROR;
	r->state_ = ST_OBJ_COLON;
	r->cur_ = cur;
	return r->token = LEXC_JSON_KEY;

close:
	r->offset = (size_t)(cur - r->json_);
	r->token = *cur == '}' ? LEXC_JSON_OBJECT_END : LEXC_JSON_ARRAY_END;
	r->cur_ = cur + 1;
	pop(r);
	return r->token;

value:
	tok = cur;
	r->offset = (size_t)(cur - r->json_);
	/*!re2c
	"{" | "[" {
		if (r->depth >= r->max_depth_)
			return json_fail(r, tok, "nesting deeper than %u", r->max_depth_);
		bool object = *tok == '{';
		if (!push(r, object))
			return json_fail_memory(r, tok);
		r->state_ = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
		r->cur_ = cur;
		return r->token = object ? LEXC_JSON_OBJECT_START : LEXC_JSON_ARRAY_START;
	}
	"\"" {
		const char *end = json_quick_string_end(cur, lim);
		if (end != NULL) {
			r->str = cur;
			r->str_len = (size_t)(end - cur);
			cur = end + 1;
		} else {
			cur = json_scan_string(r, cur, !(r->flags_ & FLAG_SKIPPING));
			if (cur == NULL)
				return LEXC_JSON_ERROR;
		}
		r->cur_ = cur;
		return r->token = LEXC_JSON_STRING;
	}
	int frac? exp? {
		if (cur < lim && (json_is_digit(*cur) || *cur == '.' || *cur == '+' || *cur == '-' ||
		                  *cur == '_' || ((*cur | 0x20) >= 'a' && (*cur | 0x20) <= 'z')))
			return json_fail(r, tok, "invalid number");
		r->str = tok;
		r->str_len = (size_t)(cur - tok);
		if (!(r->flags_ & FLAG_SKIPPING) || (r->flags_ & LEXC_JSON_REJECT_FLOATS)) {
			json_number_value(r, tok, cur);
			if (!r->integral && (r->flags_ & FLAG_SKIPPING))
				return json_fail_raw(r, (size_t)(tok - r->json_), LEXC_INVALID_REQUEST,
				                "number at byte %zu is %s", (size_t)(tok - r->json_),
				                r->out_of_range
				                        ? "out of the 64-bit integer range"
				                        : "not an integer (the data model has no floats)");
		}
		r->cur_ = cur;
		return r->token = LEXC_JSON_NUMBER;
	}
	"true"  { r->cur_ = cur; return r->token = LEXC_JSON_TRUE; }
	"false" { r->cur_ = cur; return r->token = LEXC_JSON_FALSE; }
	"null"  { r->cur_ = cur; return r->token = LEXC_JSON_NULL; }

	"-"? "0" digit+       { return json_fail(r, tok, "leading zeros are not allowed in numbers"); }
	int "."               { return json_fail(r, tok, "expected a digit after '.' in number"); }
	int frac? [eE] [+-]?  { return json_fail(r, tok, "expected a digit in the exponent"); }
	"-"                   { return json_fail(r, tok, "expected a digit after '-'"); }
	"." digit             { return json_fail(r, tok, "numbers must start with a digit"); }
	"+"                   { return json_fail(r, tok, "numbers must not start with '+'"); }
	"-"? ("NaN" | "Infinity") { return json_fail(r, tok, "NaN and Infinity are not allowed"); }
	ident                 { return json_fail(r, tok, "invalid literal"); }
	"]" | "}"             { return json_fail(r, tok, "expected a value"); }
	*                     { return json_unexpected(r, tok, "expected a JSON value"); }
	$                     { return json_fail(r, tok, "unexpected end of input"); }
	*/
}

/* ------------------------------------------------------------------------
 * Skipping, marks, names. */

bool lexc_json_skip_current(lexc_json_reader *r, const char **raw, size_t *raw_len)
{
	if (r->state_ == ST_ERROR)
		return false;
	size_t start = r->offset;
	switch (r->token) {
	case LEXC_JSON_OBJECT_START:
	case LEXC_JSON_ARRAY_START: {
		unsigned target = r->depth - 1;
		unsigned saved = r->flags_;
		r->flags_ |= FLAG_SKIPPING;
		for (;;) {
			lexc_json_token t = lexc_json_next(r);
			if (t == LEXC_JSON_ERROR) {
				r->flags_ = saved;
				return false;
			}
			if ((t == LEXC_JSON_OBJECT_END || t == LEXC_JSON_ARRAY_END) &&
			    r->depth == target)
				break;
		}
		r->flags_ = saved;
		break;
	}
	case LEXC_JSON_STRING:
	case LEXC_JSON_NUMBER:
	case LEXC_JSON_TRUE:
	case LEXC_JSON_FALSE:
	case LEXC_JSON_NULL:
		break;
	default:
		json_fail(r, r->json_ + r->offset, "expected a value");
		return false;
	}
	if (raw != NULL)
		*raw = r->json_ + start;
	if (raw_len != NULL)
		*raw_len = (size_t)(r->cur_ - (r->json_ + start));
	return true;
}

bool lexc_json_skip_value(lexc_json_reader *r, const char **raw, size_t *raw_len)
{
	unsigned saved = r->flags_;
	r->flags_ |= FLAG_SKIPPING;
	lexc_json_token t = lexc_json_next(r);
	r->flags_ = saved;
	if (t == LEXC_JSON_ERROR)
		return false;
	return lexc_json_skip_current(r, raw, raw_len);
}

void lexc_json_save(const lexc_json_reader *r, lexc_json_mark *m)
{
	m->token = r->token;
	m->str = r->str;
	m->str_len = r->str_len;
	m->integer = r->integer;
	m->integral = r->integral;
	m->out_of_range = r->out_of_range;
	m->offset = r->offset;
	m->depth = r->depth;
	m->cur_ = r->cur_;
	m->state_ = r->state_;
	m->nkeys_ = r->nkeys_;
	m->frame_serial_ = r->depth > 0 ? r->frames_[r->depth - 1].serial : 0;
}

/* lexc_json_restore() without its refusal of a failed reader. */
static bool restore(lexc_json_reader *r, const lexc_json_mark *m)
{
	if (m->depth > r->depth)
		return false;
	if (m->depth > 0) {
		lexc_json_frame_ *f = &r->frames_[m->depth - 1];
		if (f->serial != m->frame_serial_)
			return false;
		/* Forget the keys read since the save. */
		if (!json_keyset_truncate(r, f, m->nkeys_)) {
			json_fail_memory(r, m->cur_);
			return false;
		}
	} else {
		r->nkeys_ = 0;
	}
	r->token = m->token;
	r->str = m->str;
	r->str_len = m->str_len;
	r->integer = m->integer;
	r->integral = m->integral;
	r->out_of_range = m->out_of_range;
	r->offset = m->offset;
	r->depth = m->depth;
	r->cur_ = m->cur_;
	r->state_ = m->state_;
	return true;
}

bool lexc_json_restore(lexc_json_reader *r, const lexc_json_mark *m)
{
	return r->state_ != ST_ERROR && restore(r, m);
}

lexc_json_token json_reader_key(lexc_json_reader *r)
{
	const char *cur = r->cur_, *lim = r->lim_;
	int state = r->state_;
	/* Compact JSON first: the key's quote right after ',' or '{'. */
	if (state == ST_OBJ_NEXT && lim - cur >= 2 && cur[0] == ',' && cur[1] == '"') {
		cur++;
		goto quote;
	}
	if (state == ST_OBJ_FIRST && cur < lim && *cur == '"')
		goto quote;
	if (state != ST_OBJ_NEXT && state != ST_OBJ_FIRST)
		goto slow;
	cur = skip_ws(cur, lim);
	if (cur < lim && *cur == '}') {
		/* As lexc_json_next() closes an object: every object ends here. */
		r->offset = (size_t)(cur - r->json_);
		r->token = LEXC_JSON_OBJECT_END;
		r->cur_ = cur + 1;
		pop(r);
		return LEXC_JSON_OBJECT_END;
	}
	if (state == ST_OBJ_NEXT) {
		if (cur >= lim || *cur != ',')
			goto slow;
		cur = skip_ws(cur + 1, lim);
	}
	if (cur >= lim || *cur != '"')
		goto slow;
quote:;
	/* Plain keys (see json_quick_string_end()); the rest (and "") take the slow path. */
	const char *end = json_quick_string_end(cur + 1, lim);
	if (end == NULL || end == cur + 1)
		goto slow;
	r->offset = (size_t)(cur - r->json_);
	r->str = cur + 1;
	r->str_len = (size_t)(end - cur - 1);
	if (lim - end >= 2 && end[1] == ':') { /* compact JSON */
		r->cur_ = end + 2;
		r->state_ = ST_OBJ_VALUE;
		return r->token = LEXC_JSON_KEY;
	}
	cur = skip_ws(end + 1, lim);
	if (cur < lim && *cur == ':') {
		r->cur_ = cur + 1;
		r->state_ = ST_OBJ_VALUE;
	} else {
		r->cur_ = end + 1;
		r->state_ = ST_OBJ_COLON;
	}
	return r->token = LEXC_JSON_KEY;
slow:
	r->flags_ |= FLAG_NO_KEYSET;
	lexc_json_token t = lexc_json_next(r);
	r->flags_ &= ~FLAG_NO_KEYSET;
	return t;
}

bool json_reader_key_insert(lexc_json_reader *r)
{
	return key_insert(r, r->str, r->str_len);
}

bool json_reader_duplicate(lexc_json_reader *r)
{
	json_fail_duplicate(r, r->str, r->str_len);
	return false;
}

bool json_reader_rewind(lexc_json_reader *r, const lexc_json_mark *m)
{
	/* restore() changes nothing when it refuses: a failed reader stays
	 * failed. */
	return restore(r, m);
}

const char *lexc_json_token_name(lexc_json_token t)
{
	switch (t) {
	case LEXC_JSON_ERROR:
		return "error";
	case LEXC_JSON_END:
		return "end of input";
	case LEXC_JSON_OBJECT_START:
		return "object";
	case LEXC_JSON_OBJECT_END:
		return "end of object";
	case LEXC_JSON_ARRAY_START:
		return "array";
	case LEXC_JSON_ARRAY_END:
		return "end of array";
	case LEXC_JSON_KEY:
		return "key";
	case LEXC_JSON_STRING:
		return "string";
	case LEXC_JSON_NUMBER:
		return "number";
	case LEXC_JSON_TRUE:
		return "true";
	case LEXC_JSON_FALSE:
		return "false";
	case LEXC_JSON_NULL:
		return "null";
	}
	return "unknown";
}
