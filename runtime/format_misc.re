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

bool lexc_format_cid(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	const char *cur = s, *lim = s + len;

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
