/* at-uri in the restricted form Lexicon uses:
 * at://AUTHORITY[/COLLECTION[/RKEY]], where AUTHORITY is a handle or a DID,
 * COLLECTION an NSID and RKEY a record key; no query, fragment or trailing
 * slash. re2c splits the path; the components go to the identifier
 * scanners of format_ident.re. End of input as in that file. */
#include <lexc/format.h>

#include "format_internal.h"

#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define ATURI_SSE2 1
#endif

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

/* Component reasons say which part of the URI broke which rule. */
#define AUTH_DID_MSG_(code, text) "at-uri: authority DID: " text,
#define AUTH_HANDLE_MSG_(code, text) "at-uri: authority handle: " text,
#define COLLECTION_MSG_(code, text) "at-uri: collection NSID: " text,
#define RKEY_MSG_(code, text) "at-uri: record key: " text,
static const char *const did_msgs[] = {"", LEXC_DID_ERRORS(AUTH_DID_MSG_)};
static const char *const handle_msgs[] = {"", LEXC_HANDLE_ERRORS(AUTH_HANDLE_MSG_)};
static const char *const nsid_msgs[] = {"", LEXC_NSID_ERRORS(COLLECTION_MSG_)};
static const char *const rkey_msgs[] = {"", LEXC_RKEY_ERRORS(RKEY_MSG_)};

struct span {
	const char *p;
	size_t n;
};

static bool check_authority(struct span a, const char **reason)
{
	if (a.n >= 4 && a.p[0] == 'd' && a.p[1] == 'i' && a.p[2] == 'd' && a.p[3] == ':') {
		enum lexc_did_err e = lexc_did_scan_(a.p, a.n);
		return e == LEXC_DID_OK || lexc_format_fail_(reason, did_msgs[e]);
	}
	enum lexc_handle_err e = lexc_handle_scan_(a.p, a.n);
	return e == LEXC_HANDLE_OK || lexc_format_fail_(reason, handle_msgs[e]);
}

static bool check_components(const struct span *seg, size_t n, const char **reason)
{
	if (!check_authority(seg[0], reason))
		return false;
	if (n > 1) {
		enum lexc_nsid_err e = lexc_nsid_scan_(seg[1].p, seg[1].n);
		if (e != LEXC_NSID_OK)
			return lexc_format_fail_(reason, nsid_msgs[e]);
	}
	if (n > 2) {
		enum lexc_rkey_err e = lexc_rkey_scan_(seg[2].p, seg[2].n);
		if (e != LEXC_RKEY_OK)
			return lexc_format_fail_(reason, rkey_msgs[e]);
	}
	return true;
}

static const char PREFIX[] = "at-uri: must start with \"at://\"";
static const char NO_AUTHORITY[] = "at-uri: authority must not be empty";
static const char EMPTY_SEGMENT[] = "at-uri: empty path segment";
static const char TRAILING_SLASH[] = "at-uri: trailing slash is not allowed";
static const char QUERY[] = "at-uri: query and fragment are not allowed";
static const char TOO_DEEP[] = "at-uri: path has more than a collection and a record key";

/* Splits s as the scanner below would when the URI has the usual shape:
 * "at://", then one to three non-empty segments without '?' or '#'. Returns
 * the number of segments, or 0 for anything else (the scanner decides). */
static size_t quick_split(const char *s, size_t len, struct span *seg)
{
	if (len < 6 || len > LEXC_ATURI_MAX || memcmp(s, "at://", 5) != 0)
		return 0;
	const char *p = s + 5, *lim = s + len, *start = p;
	size_t n = 0;
	for (;;) {
		const char *q = p;
#ifdef ATURI_SSE2
		/* 16 bytes at a time to the next '/', '?' or '#'. */
		while (lim - q >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
			unsigned m = (unsigned)_mm_movemask_epi8(
			        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')),
			                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('?'))),
			                     _mm_cmpeq_epi8(x, _mm_set1_epi8('#'))));
			if (m != 0) {
				q += __builtin_ctz(m);
				goto found;
			}
			q += 16;
		}
		/* The tail: the last 16 bytes of s, less those before q. */
		if (q < lim && len >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(lim - 16));
			unsigned m = (unsigned)_mm_movemask_epi8(
			        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')),
			                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('?'))),
			                     _mm_cmpeq_epi8(x, _mm_set1_epi8('#'))));
			m >>= 16 - (lim - q);
			q = m != 0 ? q + __builtin_ctz(m) : lim;
			goto found;
		}
#endif
		while (q < lim && *q != '/' && *q != '?' && *q != '#')
			q++;
#ifdef ATURI_SSE2
	found:
#endif
		if (q == start || n == 3 || (q < lim && *q != '/'))
			return 0;
		seg[n].p = start;
		seg[n].n = (size_t)(q - start);
		n++;
		if (q == lim)
			return n;
		p = start = q + 1;
		if (p == lim)
			return 0; /* trailing slash */
	}
}

bool lexc_format_at_uri(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	const char *cur = s, *lim = s + len, *mar, *start, *msg;
	struct span seg[3];
	size_t n = quick_split(s, len, seg);

	if (n != 0)
		return check_components(seg, n, reason);
	if (len > LEXC_ATURI_MAX)
		return lexc_format_fail_(reason, "at-uri: longer than 8192 characters");
	/*!re2c
	"at://" { goto segment; }
	*       { msg = PREFIX; goto fail; }
	$       { msg = PREFIX; goto fail; }
	*/
segment:
	/* Splits authority, collection and record key at '/'. */
	start = cur;
	/*!re2c
	[^/?#]+ { goto segment_end; }
	"/"     { msg = n == 0 ? NO_AUTHORITY : EMPTY_SEGMENT; goto fail; }
	[?#]    { msg = QUERY; goto fail; }
	$       { msg = n == 0 ? NO_AUTHORITY : TRAILING_SLASH; goto fail; }
	*/
segment_end:
	if (n == 3) {
		msg = TOO_DEEP;
		goto fail;
	}
	seg[n].p = start;
	seg[n].n = (size_t)(cur - start);
	n++;
	if (cur < lim) {
		if (*cur != '/') {
			msg = QUERY;
			goto fail;
		}
		cur++;
		goto segment;
	}
	return check_components(seg, n, reason);
fail:
	return lexc_format_fail_(reason, msg);
}
