/* Identifier formats: did, handle, nsid, at-identifier, tid, record-key.
 * re2c scans the characters; lengths and counts are checked in C.
 *
 * Every scanner reads through YYPEEK, which yields 0 at the end of the span,
 * and re2c:eof tells that end apart from a NUL byte in the data, so nothing
 * is read past s + len and an embedded NUL is just an invalid character. */
#include <lexc/format.h>

#include "format_internal.h"

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

	alnum = [a-zA-Z0-9];
	ldh = [a-zA-Z0-9-];
*/

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- DNS-style labels, shared by handle and nsid ---- */

enum label_err {
	LABELS_OK,
	LABELS_EMPTY,
	LABELS_EMPTY_LABEL,
	LABELS_TRAILING_DOT,
	LABELS_CHAR,
	LABELS_HYPHEN,
	LABELS_LONG,
};

/* What the caller needs of a well-formed name: the first label starts at
 * the start of the span, and the last one is here. */
struct labels {
	size_t count;
	const char *last;
	size_t last_len;
};

/* Splits s into dot-separated labels of 1-63 letters, digits and hyphens,
 * with no hyphen at either end of a label. */
static enum label_err scan_labels(const char *s, size_t len, struct labels *out)
{
	const char *cur = s, *lim = s + len;

	out->count = 0;
	out->last = s;
	out->last_len = 0;
	for (;;) {
		const char *start = cur;
		/*!re2c
		alnum (ldh* alnum)? { goto label; }
		ldh+                { return LABELS_HYPHEN; }
		"."                 { return LABELS_EMPTY_LABEL; }
		$                   { return out->count == 0 ? LABELS_EMPTY : LABELS_TRAILING_DOT; }
		*                   { return LABELS_CHAR; }
		*/
label:
		/* Maximal munch: the next byte is the end, a dot or a bad one. */
		if ((size_t)(cur - start) > LEXC_LABEL_MAX)
			return LABELS_LONG;
		out->count++;
		out->last = start;
		out->last_len = (size_t)(cur - start);
		if (cur == lim)
			return LABELS_OK;
		if (*cur != '.')
			return LABELS_CHAR;
		cur++;
	}
}

/* ---- did ---- */

/* Identifier bytes that may also end a DID: [a-zA-Z0-9._-]. */
#define R10_(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, [c + 4] = 1, [c + 5] = 1, \
	[c + 6] = 1, [c + 7] = 1, [c + 8] = 1, [c + 9] = 1
static const unsigned char DID_END_CHAR[256] = {
        R10_('0'), R10_('A'), R10_('K'), ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
        ['Y'] = 1, ['Z'] = 1, R10_('a'), R10_('k'), ['u'] = 1, ['v'] = 1, ['w'] = 1,
        ['x'] = 1, ['y'] = 1, ['z'] = 1, ['.'] = 1, ['_'] = 1, ['-'] = 1,
};
#undef R10_

static inline bool did_end_char(unsigned char c)
{
	return DID_END_CHAR[c];
}

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define IDENT_SSE2 1
#endif

/* Length of the leading run of [a-zA-Z0-9._-] in s[0..len), also of ':'
 * and '~' when `rkey`: 16 bytes at a time with SSE2. Identifiers are
 * short, so the scanners use it only to accept the common case early. */
static inline size_t id_span(const char *s, size_t len, bool rkey)
{
	size_t i = 0;
#ifdef IDENT_SSE2
	for (; len - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* Signed compares: bytes >= 0x80 are below every bound. */
		__m128i l = _mm_or_si128(x, _mm_set1_epi8(0x20)); /* letters to lowercase */
		__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
		                           _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), l));
		ok = _mm_or_si128(ok, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
		                                    _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x)));
		ok = _mm_or_si128(ok, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
		                                   _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))));
		ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
		if (rkey)
			ok = _mm_or_si128(ok, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')),
			                                   _mm_cmpeq_epi8(x, _mm_set1_epi8('~'))));
		unsigned m = (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!did_end_char(c) && !(rkey && (c == ':' || c == '~')))
			break;
	}
	return i;
}

/* The common DID, "did:" [a-z]+ ":" and an identifier of [a-zA-Z0-9._-]
 * only, is valid whatever its bytes; false leaves everything else (valid
 * or not) to the scanner. */
static inline bool did_quick(const char *s, size_t len)
{
	if (len < 7 || memcmp(s, "did:", 4) != 0)
		return false;
	size_t i = 4;
	while (i < len && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i == 4 || i + 1 >= len || s[i] != ':')
		return false;
	i++;
	return id_span(s + i, len - i, false) == len - i;
}

enum lexc_did_err lexc_did_scan_(const char *s, size_t len)
{
	const char *cur = s, *lim = s + len, *mar;

	if (len > LEXC_DID_MAX)
		return LEXC_DID_TOO_LONG;
	if (did_quick(s, len))
		return LEXC_DID_OK;
	/*!re2c
	"did:" [a-z]+ ":" { goto ident; }
	"did:" [a-z]*     { return cur == lim ? LEXC_DID_NO_IDENT : LEXC_DID_METHOD; }
	*                 { return LEXC_DID_PREFIX; }
	$                 { return LEXC_DID_PREFIX; }
	*/
ident:
	/* The longer second rule wins only when the identifier ends in : or %. */
	/*!re2c
	idchar = [a-zA-Z0-9._:%-];
	idchar* [a-zA-Z0-9._-] { return cur == lim ? LEXC_DID_OK : LEXC_DID_IDENT_CHAR; }
	idchar+                { return cur == lim ? LEXC_DID_IDENT_END : LEXC_DID_IDENT_CHAR; }
	*                      { return LEXC_DID_IDENT_CHAR; }
	$                      { return LEXC_DID_IDENT_EMPTY; }
	*/
}

#define DID_MSG_(code, text) "did: " text,
static const char *const did_msgs[] = {"", LEXC_DID_ERRORS(DID_MSG_)};

bool lexc_format_did(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	enum lexc_did_err e = lexc_did_scan_(s, len);
	return e == LEXC_DID_OK || lexc_format_fail_(reason, did_msgs[e]);
}

/* ---- handle ---- */

static const enum lexc_handle_err handle_label_errs[] = {
	[LABELS_OK] = LEXC_HANDLE_OK,
	[LABELS_EMPTY] = LEXC_HANDLE_EMPTY,
	[LABELS_EMPTY_LABEL] = LEXC_HANDLE_LABEL_EMPTY,
	[LABELS_TRAILING_DOT] = LEXC_HANDLE_TRAILING_DOT,
	[LABELS_CHAR] = LEXC_HANDLE_CHAR,
	[LABELS_HYPHEN] = LEXC_HANDLE_HYPHEN,
	[LABELS_LONG] = LEXC_HANDLE_LABEL_LONG,
};

enum lexc_handle_err lexc_handle_scan_(const char *s, size_t len)
{
	struct labels l;

	if (len > LEXC_HANDLE_MAX)
		return LEXC_HANDLE_TOO_LONG;
	enum label_err e = scan_labels(s, len, &l);
	if (e != LABELS_OK)
		return handle_label_errs[e];
	if (l.count < 2)
		return LEXC_HANDLE_ONE_LABEL;
	/* A TLD never starts with a digit, which also rules out IPv4 addresses. */
	if (!is_alpha(*l.last))
		return LEXC_HANDLE_TLD;
	return LEXC_HANDLE_OK;
}

#define HANDLE_MSG_(code, text) "handle: " text,
static const char *const handle_msgs[] = {"", LEXC_HANDLE_ERRORS(HANDLE_MSG_)};

bool lexc_format_handle(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	enum lexc_handle_err e = lexc_handle_scan_(s, len);
	return e == LEXC_HANDLE_OK || lexc_format_fail_(reason, handle_msgs[e]);
}

/* ---- nsid ---- */

static const enum lexc_nsid_err nsid_label_errs[] = {
	[LABELS_OK] = LEXC_NSID_OK,
	[LABELS_EMPTY] = LEXC_NSID_EMPTY,
	[LABELS_EMPTY_LABEL] = LEXC_NSID_SEGMENT_EMPTY,
	[LABELS_TRAILING_DOT] = LEXC_NSID_TRAILING_DOT,
	[LABELS_CHAR] = LEXC_NSID_CHAR,
	[LABELS_HYPHEN] = LEXC_NSID_HYPHEN,
	[LABELS_LONG] = LEXC_NSID_SEGMENT_LONG,
};

/* The name segment has passed scan_labels, so only its first character and
 * hyphens need a look. */
static bool has_hyphen(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '-')
			return true;
	return false;
}

enum lexc_nsid_err lexc_nsid_scan_(const char *s, size_t len)
{
	struct labels l;

	if (len > LEXC_NSID_MAX)
		return LEXC_NSID_TOO_LONG;
	enum label_err e = scan_labels(s, len, &l);
	if (e != LABELS_OK)
		return nsid_label_errs[e];
	if (l.count < 3)
		return LEXC_NSID_FEW;
	if (is_digit(*s))
		return LEXC_NSID_FIRST_DIGIT;
	if (!is_alpha(*l.last))
		return LEXC_NSID_NAME_START;
	if (has_hyphen(l.last, l.last_len))
		return LEXC_NSID_NAME_CHAR;
	return LEXC_NSID_OK;
}

#define NSID_MSG_(code, text) "nsid: " text,
static const char *const nsid_msgs[] = {"", LEXC_NSID_ERRORS(NSID_MSG_)};

bool lexc_format_nsid(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	enum lexc_nsid_err e = lexc_nsid_scan_(s, len);
	return e == LEXC_NSID_OK || lexc_format_fail_(reason, nsid_msgs[e]);
}

/* ---- at-identifier ---- */

/* A DID starts with "did:" and a handle has no ':', so the prefix decides
 * which rules apply; the reason names the rule of that format. */
bool lexc_format_at_identifier(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	if (len >= 4 && s[0] == 'd' && s[1] == 'i' && s[2] == 'd' && s[3] == ':')
		return lexc_format_did(s, len, reason);
	return lexc_format_handle(s, len, reason);
}

/* ---- tid ---- */

static const char TID_LENGTH[] = "tid: must be exactly 13 characters";
static const char TID_FIRST[] = "tid: first character must be 2-7 or a-j";
static const char TID_CHAR[] = "tid: may contain only 2-7 and a-z";

bool lexc_format_tid(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	const char *cur = s, *lim = s + len, *mar;

	if (len != 13)
		return lexc_format_fail_(reason, TID_LENGTH);
	/* The first character keeps the top bit of the 64-bit value clear. */
	/*!re2c
	[2-7a-j] [2-7a-z]{12} { return true; }
	[k-z] [2-7a-z]{12}    { return lexc_format_fail_(reason, TID_FIRST); }
	*                     { return lexc_format_fail_(reason, TID_CHAR); }
	$                     { return lexc_format_fail_(reason, TID_CHAR); }
	*/
}

/* ---- record-key ---- */

enum lexc_rkey_err lexc_rkey_scan_(const char *s, size_t len)
{
	const char *cur = s, *lim = s + len;

	if (len == 0)
		return LEXC_RKEY_EMPTY;
	if (len > LEXC_RKEY_MAX)
		return LEXC_RKEY_TOO_LONG;
	if (s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.')))
		return LEXC_RKEY_DOTS;
	if (id_span(s, len, true) == len)
		return LEXC_RKEY_OK; /* what the scanner below accepts */
	/*!re2c
	[a-zA-Z0-9._:~-]+ { return cur == lim ? LEXC_RKEY_OK : LEXC_RKEY_CHAR; }
	*                 { return LEXC_RKEY_CHAR; }
	$                 { return LEXC_RKEY_EMPTY; }
	*/
}

#define RKEY_MSG_(code, text) "record-key: " text,
static const char *const rkey_msgs[] = {"", LEXC_RKEY_ERRORS(RKEY_MSG_)};

bool lexc_format_record_key(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	enum lexc_rkey_err e = lexc_rkey_scan_(s, len);
	return e == LEXC_RKEY_OK || lexc_format_fail_(reason, rkey_msgs[e]);
}
