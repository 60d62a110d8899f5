/* datetime: the intersection of RFC 3339, ISO 8601 and WHATWG that the
 * Lexicon spec asks for, YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM).
 * re2c checks the shape, C the calendar. End of input as in format_ident.re. */
#include <lexc/format.h>

#include "format_internal.h"

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

	d = [0-9];
*/

/* The fields of a datetime; offset is in minutes east of UTC. */
struct datetime {
	int year, month, day, hour, minute, second;
	int offset;
};

/* Value of the n ASCII digits at p (the scanner has checked them). */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

static bool is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Calendar and clock ranges; NULL when all fields are in range. */
static const char *check_fields(const struct datetime *t)
{
	if (t->month < 1 || t->month > 12)
		return "datetime: month out of range";
	if (t->day < 1 || t->day > days_in_month(t->year, t->month))
		return "datetime: day out of range for month";
	if (t->hour > 23)
		return "datetime: hour out of range";
	if (t->minute > 59)
		return "datetime: minute out of range";
	/* Leap seconds (:60) are rejected, as Go's time.Parse and JS Date do. */
	if (t->second > 59)
		return "datetime: second out of range";
	return NULL;
}

/* Rejects values whose UTC equivalent leaves years 0000-9999, so every valid
 * datetime still has a four-digit year once normalized to Z. */
static const char *check_normalized(const struct datetime *t)
{
	int local = t->hour * 60 + t->minute;
	if (t->year == 0 && t->month == 1 && t->day == 1 && t->offset > 0 &&
	    local < t->offset)
		return "datetime: normalizes to before year 0";
	if (t->year == 9999 && t->month == 12 && t->day == 31 && t->offset < 0 &&
	    local - t->offset >= 24 * 60)
		return "datetime: normalizes to after year 9999";
	return NULL;
}

/* Reads the offset at the end of s: "Z", "+HH:MM" or "-HH:MM". */
static const char *read_offset(const char *s, size_t len, struct datetime *t)
{
	if (s[len - 1] == 'Z') {
		t->offset = 0;
		return NULL;
	}
	const char *o = s + len - 6;
	int hh = digits(o + 1, 2), mm = digits(o + 4, 2);
	if (hh > 23 || mm > 59)
		return "datetime: timezone offset out of range";
	if (o[0] == '-' && hh == 0 && mm == 0)
		return "datetime: -00:00 is not allowed (use Z or +00:00)";
	t->offset = (o[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return NULL;
}

/* Semantic checks on a string of the right shape. */
static bool check_values(const char *s, size_t len, const char **reason)
{
	struct datetime t = {
		.year = digits(s, 4),
		.month = digits(s + 5, 2),
		.day = digits(s + 8, 2),
		.hour = digits(s + 11, 2),
		.minute = digits(s + 14, 2),
		.second = digits(s + 17, 2),
	};
	const char *msg = read_offset(s, len, &t);
	if (msg == NULL)
		msg = check_fields(&t);
	if (msg == NULL)
		msg = check_normalized(&t);
	return msg == NULL || lexc_format_fail_(reason, msg);
}

static const char DATE[] = "datetime: date must be YYYY-MM-DD";
static const char NO_T[] = "datetime: date must be followed by an uppercase 'T'";
static const char TIME[] = "datetime: time must be HH:MM:SS";
static const char FRACTION[] = "datetime: fractional seconds need at least one digit";
static const char ZONE[] = "datetime: timezone must be Z, +HH:MM or -HH:MM";
static const char NO_ZONE[] = "datetime: timezone is required";
static const char TRAILING[] = "datetime: unexpected characters after the timezone";

/* The usual shape, YYYY-MM-DDTHH:MM:SS.mmmZ, checked 8 bytes at a time:
 * XOR with the template leaves 0-9 in digit places and 0 elsewhere. Every
 * string that passes matches the scanner's first alternatives exactly. */
static bool quick_shape(const char *s, size_t len)
{
	static const char tmpl[] = "0000-00-00T00:00:00.000Z"; /* 24 bytes used */
	/* Per byte: 10 allowed values (0-9) in digit places, 1 (0) elsewhere;
	 * adding 0x80 - limit sets the top bit when the byte is too big. */
	static const char lims[24] = {10, 10, 10, 10, 1, 10, 10, 1, 10, 10, 1,  10,
	                              10, 1,  10, 10, 1, 10, 10, 1, 10, 10, 10, 1};
	const uint64_t high = 0x8080808080808080ull, low = 0x7f7f7f7f7f7f7f7full;
	if (len != 24)
		return false;
	uint64_t bad = 0;
	for (int i = 0; i < 24; i += 8) {
		uint64_t x, t, l;
		memcpy(&x, s + i, 8);
		memcpy(&t, tmpl + i, 8);
		memcpy(&l, lims + i, 8);
		x ^= t;
		/* (x & 0x7f) + (0x80 - lim) cannot carry into the next byte. */
		bad |= x | ((x & low) + (high - l));
	}
	return (bad & high) == 0;
}

bool lexc_format_datetime(const char *s, size_t len, const char **reason)
{
	LEXC_FORMAT_SPAN_(s, len);
	const char *cur = s, *lim = s + len, *mar, *msg;

	if (quick_shape(s, len))
		return check_values(s, len, reason);
	if (len > LEXC_DATETIME_MAX)
		return lexc_format_fail_(reason, "datetime: longer than 64 characters");
	/*!re2c
	d{4} "-" d{2} "-" d{2} "T" { goto time; }
	d{4} "-" d{2} "-" d{2}     { msg = NO_T; goto fail; }
	*                          { msg = DATE; goto fail; }
	$                          { msg = DATE; goto fail; }
	*/
time:
	/*!re2c
	d{2} ":" d{2} ":" d{2} { goto zone; }
	*                      { msg = TIME; goto fail; }
	$                      { msg = TIME; goto fail; }
	*/
zone:
	/*!re2c
	("." d+)? ("Z" | [+-] d{2} ":" d{2}) { goto end; }
	"."                                  { msg = FRACTION; goto fail; }
	"." d+                               { msg = cur == lim ? NO_ZONE : ZONE; goto fail; }
	*                                    { msg = ZONE; goto fail; }
	$                                    { msg = NO_ZONE; goto fail; }
	*/
end:
	if (cur != lim) {
		msg = TRAILING;
		goto fail;
	}
	return check_values(s, len, reason);
fail:
	return lexc_format_fail_(reason, msg);
}
