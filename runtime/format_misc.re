/* cid and uri: syntax-only checks, as the reference implementations do
 * (neither decodes the value). End of input as in format_ident.re. */
#include <lexc/format.h>

#include "format_internal.h"

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
*/

/* A multibase CID string: 8-256 of [a-zA-Z0-9+=] (Go's rule). CIDv0 is
 * base58btc without a multibase prefix and so always starts with "Qm";
 * no multibase prefix is 'Q', so that rejects exactly the CIDv0 strings. */
static const char CID_CHAR[] = "cid: may contain only ASCII letters, digits, '+' and '='";
static const char CID_V0[] = "cid: CIDv0 (\"Qm...\") is not allowed, use CIDv1";

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>

/* The bytes of x in [lo, hi] (ASCII bounds; bytes >= 0x80 are negative as
 * signed bytes and so never in range). */
static inline __m128i in_range(__m128i x, char lo, char hi)
{
	return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)(lo - 1))),
	                     _mm_cmpgt_epi8(_mm_set1_epi8((char)(hi + 1)), x));
}

static inline bool cid_chars16(const char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i ok = _mm_or_si128(
	        _mm_or_si128(in_range(x, 'a', 'z'), in_range(x, 'A', 'Z')),
	        _mm_or_si128(in_range(x, '0', '9'),
	                     _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')),
	                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('=')))));
	return _mm_movemask_epi8(ok) == 0xFFFF;
}

/* True for the common valid CID (16 to 256 bytes, not "Qm..."), 16 bytes at
 * a time; false leaves the decision and the reason to the scanner. */
static inline bool cid_quick(const char *s, size_t len)
{
	if (len < 16 || len > LEXC_CID_MAX || (s[0] == 'Q' && s[1] == 'm'))
		return false;
	size_t i = 0;
	for (; i + 16 <= len; i += 16)
		if (!cid_chars16(s + i))
			return false;
	return i == len || cid_chars16(s + len - 16);
}
#else
static inline bool cid_quick(const char *s, size_t len)
{
	(void)s;
	(void)len;
	return false;
}
#endif

bool lexc_format_cid(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	const char *cur = s, *lim = s + len;

	if (cid_quick(s, len))
		return true;

	if (len < LEXC_CID_MIN)
		return lexc_format_fail_(reason, "cid: shorter than 8 characters");
	if (len > LEXC_CID_MAX)
		return lexc_format_fail_(reason, "cid: longer than 256 characters");
	/*!re2c
	cidchar = [a-zA-Z0-9+=];
	"Qm" cidchar* { return lexc_format_fail_(reason, cur == lim ? CID_V0 : CID_CHAR); }
	cidchar+      { return cur == lim || lexc_format_fail_(reason, CID_CHAR); }
	*             { return lexc_format_fail_(reason, CID_CHAR); }
	$             { return lexc_format_fail_(reason, CID_CHAR); }
	*/
}

/* A URI: an RFC 3986 scheme, ':', then one or more printable ASCII
 * characters (no spaces or controls), at most 8192 bytes. */
static const char URI_SCHEME[] = "uri: must start with a scheme and ':'";
static const char URI_EMPTY[] = "uri: nothing after the scheme";
static const char URI_CHAR[] = "uri: may contain only printable ASCII, no spaces";

bool lexc_format_uri(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	const char *cur = s, *lim = s + len, *mar;

	if (len > LEXC_URI_MAX)
		return lexc_format_fail_(reason, "uri: longer than 8192 characters");
	/*!re2c
	[a-zA-Z] [a-zA-Z0-9+.-]* ":" { goto rest; }
	*                            { return lexc_format_fail_(reason, URI_SCHEME); }
	$                            { return lexc_format_fail_(reason, URI_SCHEME); }
	*/
rest:
	/*!re2c
	[\x21-\x7e]+ { return cur == lim || lexc_format_fail_(reason, URI_CHAR); }
	*            { return lexc_format_fail_(reason, URI_CHAR); }
	$            { return lexc_format_fail_(reason, URI_EMPTY); }
	*/
}
