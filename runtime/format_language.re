/* language: a BCP 47 tag (RFC 5646 section 2.1), with the stricter rules of
 * the TypeScript reference: the primary language subtag is 2-3 lowercase
 * letters, and no variant or extension singleton may repeat (section 2.2.9,
 * compared case-insensitively). re2c classifies each subtag; a small state
 * machine in C checks their order. End of input as in format_ident.re. */
#include <lexc/format.h>

#include "format_internal.h"

#include <stdint.h>

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

	alpha = [a-zA-Z];
	digit = [0-9];
	alnum = [a-zA-Z0-9];
*/

/* The shape of one subtag, which fixes the roles it can play. */
enum shape {
	SH_ALPHA2,    /* region (or 2-letter primary language) */
	SH_ALPHA3,    /* extlang (or 3-letter primary language) */
	SH_ALPHA4,    /* script */
	SH_DIGIT3,    /* region (UN M.49) */
	SH_VARIANT,   /* 5-8 alphanumerics, or a digit and 3 alphanumerics */
	SH_SINGLETON, /* extension singleton: one alphanumeric but x */
	SH_X,         /* private use introducer */
	SH_OTHER,     /* 2-8 alphanumerics usable only inside an extension */
	SH_LONG,      /* more than 8 characters */
	SH_EMPTY,     /* nothing before the next '-' or the end */
	SH_BAD,       /* not a letter or digit */
};

/* Classifies the subtag at *pcur and moves *pcur past it. Longest match,
 * then the earlier rule, decides: "1901" is a variant, "abcd" a script. */
static enum shape next_subtag(const char **pcur, const char *lim)
{
	const char *cur = *pcur;
	enum shape sh;
	/*!re2c
	alpha{2}                    { sh = SH_ALPHA2; goto done; }
	alpha{3}                    { sh = SH_ALPHA3; goto done; }
	alpha{4}                    { sh = SH_ALPHA4; goto done; }
	digit{3}                    { sh = SH_DIGIT3; goto done; }
	alnum{5,8} | digit alnum{3} { sh = SH_VARIANT; goto done; }
	[xX]                        { sh = SH_X; goto done; }
	alnum                       { sh = SH_SINGLETON; goto done; }
	alnum{2,8}                  { sh = SH_OTHER; goto done; }
	alnum{9,}                   { sh = SH_LONG; goto done; }
	"-"                         { return SH_EMPTY; }
	$                           { return SH_EMPTY; }
	*                           { return SH_BAD; }
	*/
done:
	*pcur = cur;
	return sh;
}

/* Grandfathered tags that the langtag grammar does not cover (RFC 5646
 * "irregular"); the "regular" ones parse as ordinary langtags. Only the
 * primary subtag is case-sensitive, as everywhere else here. */
static bool is_irregular(const char *s, size_t len)
{
	const char *cur = s, *lim = s + len, *mar;
	/*!re2c
	"en-" 'gb-oed'
	| "i-" ('ami' | 'bnn' | 'default' | 'enochian' | 'hak' | 'klingon' | 'lux' | 'mingo'
	        | 'navajo' | 'pwn' | 'tao' | 'tay' | 'tsu')
	| "sgn-" ('be-fr' | 'be-nl' | 'ch-de') { return cur == lim; }
	*                                       { return false; }
	$                                       { return false; }
	*/
}

/* Where the parser is: each state lists what may come next. */
enum state {
	ST_LANGUAGE, /* after the primary subtag */
	ST_EXTLANG,  /* after 1-3 extlang subtags */
	ST_SCRIPT,
	ST_REGION,
	ST_VARIANT,
	ST_EXT_OPEN, /* after a singleton, before its first subtag */
	ST_EXT,
	ST_PRIV_OPEN, /* after x, before its first subtag */
	ST_PRIV,
};

struct parser {
	enum state st;
	int n_extlang;
	uint64_t singletons;  /* bit per 0-9a-z already used */
	const char *variants; /* first variant subtag, if any */
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the variant at v (n bytes) already appeared in [from, v). */
static bool repeated_variant(const char *from, const char *v, size_t n)
{
	for (const char *p = from; p < v;) {
		size_t m = 0;
		while (p[m] != '-')
			m++;
		if (m == n) {
			size_t i = 0;
			while (i < n && lower(p[i]) == lower(v[i]))
				i++;
			if (i == n)
				return true;
		}
		p += m + 1;
	}
	return false;
}

/* Records a singleton; false when it was already used. */
static bool first_singleton(struct parser *p, char c)
{
	c = lower(c);
	unsigned bit = c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
	if (p->singletons & (UINT64_C(1) << bit))
		return false;
	p->singletons |= UINT64_C(1) << bit;
	return true;
}

/* Advances the parser over one subtag; returns a reason or NULL. */
static const char *step(struct parser *p, enum shape sh, const char *sub, size_t n)
{
	if (p->st == ST_PRIV_OPEN || p->st == ST_PRIV) {
		p->st = ST_PRIV;
		return NULL;
	}
	if (p->st == ST_EXT_OPEN && (sh == SH_SINGLETON || sh == SH_X))
		return "language: extension singleton needs a subtag of 2-8 characters";
	switch (sh) {
	case SH_ALPHA3:
		if (p->st == ST_LANGUAGE || (p->st == ST_EXTLANG && p->n_extlang < 3)) {
			p->st = ST_EXTLANG;
			p->n_extlang++;
			return NULL;
		}
		break;
	case SH_ALPHA4:
		if (p->st <= ST_EXTLANG) {
			p->st = ST_SCRIPT;
			return NULL;
		}
		break;
	case SH_ALPHA2:
	case SH_DIGIT3:
		if (p->st <= ST_SCRIPT) {
			p->st = ST_REGION;
			return NULL;
		}
		break;
	case SH_VARIANT:
		if (p->st <= ST_VARIANT) {
			if (p->variants == NULL)
				p->variants = sub;
			else if (repeated_variant(p->variants, sub, n))
				return "language: variant subtag repeated";
			p->st = ST_VARIANT;
			return NULL;
		}
		break;
	case SH_SINGLETON:
		if (!first_singleton(p, *sub))
			return "language: extension singleton repeated";
		p->st = ST_EXT_OPEN;
		return NULL;
	case SH_X:
		p->st = ST_PRIV_OPEN;
		return NULL;
	default:
		break;
	}
	/* Anything of 2-8 characters continues an open extension. */
	if (p->st == ST_EXT_OPEN || p->st == ST_EXT) {
		p->st = ST_EXT;
		return NULL;
	}
	return "language: subtag out of order or of the wrong length";
}

/* The state the parser may stop in; NULL when the tag is complete. */
static const char *finish(const struct parser *p)
{
	if (p->st == ST_EXT_OPEN)
		return "language: extension singleton needs a subtag of 2-8 characters";
	if (p->st == ST_PRIV_OPEN)
		return "language: private use 'x' needs a subtag";
	return NULL;
}

/* Sets up the parser after the first subtag: a primary language, or the x
 * of a private-use tag. */
static const char *start(struct parser *p, enum shape sh, const char *sub)
{
	if (sh == SH_X) {
		p->st = ST_PRIV_OPEN;
		return NULL;
	}
	if ((sh == SH_ALPHA2 || sh == SH_ALPHA3) && sub[0] >= 'a' && sub[1] >= 'a' &&
	    (sh == SH_ALPHA2 || sub[2] >= 'a')) {
		p->st = ST_LANGUAGE;
		return NULL;
	}
	return "language: primary subtag must be 2 or 3 lowercase letters";
}

static const char *shape_error(enum shape sh)
{
	switch (sh) {
	case SH_LONG:
		return "language: subtag longer than 8 characters";
	case SH_EMPTY:
		return "language: empty subtag";
	case SH_BAD:
		return "language: subtags may contain only ASCII letters and digits";
	default:
		return NULL;
	}
}

static const char *parse(const char *s, size_t len)
{
	const char *cur = s, *lim = s + len, *msg;
	struct parser p = {.st = ST_LANGUAGE};

	for (bool first = true;; first = false) {
		const char *sub = cur;
		enum shape sh = next_subtag(&cur, lim);
		if ((msg = shape_error(sh)) != NULL)
			return msg;
		msg = first ? start(&p, sh, sub) : step(&p, sh, sub, (size_t)(cur - sub));
		if (msg != NULL)
			return msg;
		if (cur == lim)
			return finish(&p);
		if (*cur != '-')
			return "language: subtags may contain only ASCII letters and digits";
		cur++;
	}
}

bool lexc_format_language(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	if (len > LEXC_LANGUAGE_MAX)
		return lexc_format_fail_(reason, "language: longer than 128 characters");
	if (is_irregular(s, len))
		return true;
	const char *msg = parse(s, len);
	return msg == NULL || lexc_format_fail_(reason, msg);
}
