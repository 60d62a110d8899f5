/* base64, RFC 4648 §4 alphabet: see lexc/base64.h for the accepted forms. */
#include "config.h"

#include <lexc/base64.h>

#include <stdint.h>
#include <string.h>

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decode table: 0..63 for the alphabet, else one of these classes (all have
 * a bit in 0xC0 set, so one OR over a group detects any of them). */
enum { B64_PAD = 0x40, B64_URLSAFE = 0x41, B64_SPACE = 0x42, B64_BAD = 0xFF };

#define B64_ROW_BAD                                                                                \
	B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,  \
	        B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD

static const unsigned char DECODE[256] = {
        /* 0x00 */ B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_SPACE,
        B64_SPACE,
        B64_SPACE,
        B64_SPACE,
        B64_SPACE,
        B64_BAD,
        B64_BAD,
        /* 0x10 */ B64_ROW_BAD,
        /* 0x20 */ B64_SPACE,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        62,
        B64_BAD,
        B64_URLSAFE,
        B64_BAD,
        63,
        /* 0x30 */ 52,
        53,
        54,
        55,
        56,
        57,
        58,
        59,
        60,
        61,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_PAD,
        B64_BAD,
        B64_BAD,
        /* 0x40 */ B64_BAD,
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        /* 0x50 */ 15,
        16,
        17,
        18,
        19,
        20,
        21,
        22,
        23,
        24,
        25,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_URLSAFE,
        /* 0x60 */ B64_BAD,
        26,
        27,
        28,
        29,
        30,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        38,
        39,
        40,
        /* 0x70 */ 41,
        42,
        43,
        44,
        45,
        46,
        47,
        48,
        49,
        50,
        51,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        B64_BAD,
        /* 0x80..0xFF */ B64_ROW_BAD,
        B64_ROW_BAD,
        B64_ROW_BAD,
        B64_ROW_BAD,
        B64_ROW_BAD,
        B64_ROW_BAD,
        B64_ROW_BAD,
        B64_ROW_BAD};

/* Trailing '=' count, at most two (a third is "misplaced" in the body). */
static size_t padding(const char *in, size_t len)
{
	size_t pad = 0;
	while (pad < 2 && pad < len && in[len - 1 - pad] == '=')
		pad++;
	return pad;
}

static size_t decoded_bytes(size_t chars)
{
	size_t rem = chars % 4;
	return chars / 4 * 3 + (rem == 2 ? 1 : rem == 3 ? 2 : 0);
}

size_t lexc_base64_decoded_len(const char *in, size_t len)
{
	return decoded_bytes(len - padding(in, len));
}

static bool fail(const char **reason, const char *why)
{
	if (reason != NULL)
		*reason = why;
	return false;
}

/* The reason for the first character of in[0..n) that is not in the
 * alphabet, '=' included unless `pad_ok`; NULL if there is none. */
static const char *bad_char_reason(const char *in, size_t n, bool pad_ok)
{
	for (size_t i = 0; i < n; i++) {
		switch (DECODE[(unsigned char)in[i]]) {
		case B64_PAD:
			if (pad_ok)
				break;
			return "base64: misplaced padding '='";
		case B64_URLSAFE:
			return "base64: '-' and '_' (the URL-safe alphabet) are not allowed";
		case B64_SPACE:
			return "base64: whitespace is not allowed";
		case B64_BAD:
			return "base64: invalid character";
		default:
			break;
		}
	}
	return NULL;
}

static bool bad_char(const char *in, size_t n, const char **reason)
{
	const char *why = bad_char_reason(in, n, false);
	return fail(reason, why != NULL ? why : "base64: invalid character");
}

/* A length error, unless a bad character explains the input better. */
static bool bad_length(const char *in, size_t len, const char **reason, const char *why)
{
	const char *c = bad_char_reason(in, len, true);
	return fail(reason, c != NULL ? c : why);
}

bool lexc_base64_decode(const char *in, size_t len, void *out, size_t out_size, size_t *out_len,
                        const char **reason)
{
	size_t pad = padding(in, len);
	if (pad != 0 && len % 4 != 0)
		return bad_length(in, len, reason, "base64: incomplete padding");
	size_t n = len - pad;
	if (n % 4 == 1)
		return bad_length(in, len, reason,
		                  "base64: a final group of one character encodes no byte");
	size_t need = decoded_bytes(n);
	if (out_size < need)
		return fail(reason, "base64: output buffer too small");
	const unsigned char *s = (const unsigned char *)in;
	unsigned char *o = out;
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		uint32_t a = DECODE[s[i]], b = DECODE[s[i + 1]], c = DECODE[s[i + 2]],
		         d = DECODE[s[i + 3]];
		if ((a | b | c | d) & 0xC0)
			return bad_char(in + i, 4, reason);
		uint32_t v = a << 18 | b << 12 | c << 6 | d;
		o[0] = (unsigned char)(v >> 16);
		o[1] = (unsigned char)(v >> 8);
		o[2] = (unsigned char)v;
		o += 3;
	}
	size_t rem = n - i;
	if (rem != 0) {
		uint32_t a = DECODE[s[i]], b = DECODE[s[i + 1]];
		uint32_t c = rem == 3 ? DECODE[s[i + 2]] : 0;
		if ((a | b | c) & 0xC0)
			return bad_char(in + i, rem, reason);
		/* Leftover low bits are dropped, not checked (see the header). */
		uint32_t v = a << 18 | b << 12 | c << 6;
		*o++ = (unsigned char)(v >> 16);
		if (rem == 3)
			*o++ = (unsigned char)(v >> 8);
	}
	if (out_len != NULL)
		*out_len = need;
	return true;
}

bool lexc_base64_decode_arena(lexc_arena *arena, const char *in, size_t len, unsigned char **out,
                              size_t *out_len, const char **reason)
{
	size_t need = lexc_base64_decoded_len(in, len);
	/* One byte more so that empty input still yields a non-NULL pointer. */
	unsigned char *buf = lexc_arena_alloc_aligned(arena, need + 1, 1);
	if (buf == NULL)
		return fail(reason, "out of memory");
	size_t n;
	if (!lexc_base64_decode(in, len, buf, need, &n, reason))
		return false;
	*out = buf;
	if (out_len != NULL)
		*out_len = n;
	return true;
}

size_t lexc_base64_encoded_len(size_t len)
{
	if (len / 3 > (SIZE_MAX - 3) / 4)
		return SIZE_MAX;
	size_t rem = len % 3;
	return len / 3 * 4 + (rem == 1 ? 2 : rem == 2 ? 3 : 0);
}

size_t lexc_base64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *s = in;
	char *o = out;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		o[0] = ALPHABET[v >> 18];
		o[1] = ALPHABET[(v >> 12) & 63];
		o[2] = ALPHABET[(v >> 6) & 63];
		o[3] = ALPHABET[v & 63];
		o += 4;
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;
		*o++ = ALPHABET[v >> 18];
		*o++ = ALPHABET[(v >> 12) & 63];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		*o++ = ALPHABET[v >> 18];
		*o++ = ALPHABET[(v >> 12) & 63];
		*o++ = ALPHABET[(v >> 6) & 63];
	}
	return (size_t)(o - out);
}

/* base64url ---------------------------------------------------------------- */

static const char URL_ALPHABET[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

bool lexc_base64url_decode(const char *in, size_t len, void *out, size_t out_size, size_t *out_len,
                           const char **reason)
{
	if (len % 4 == 1)
		return fail(reason, "base64url: a final group of one character");
	size_t need = len / 4 * 3 + (len % 4 != 0 ? len % 4 - 1 : 0);
	if (need > out_size)
		return fail(reason, "base64url: output buffer too small");
	unsigned char *o = out;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = url_value((unsigned char)in[i]);
		if (v < 0)
			return fail(reason,
			            in[i] == '=' ? "base64url: padding is not used"
			            : in[i] == '+' || in[i] == '/'
			                    ? "base64url: '+' and '/' are standard base64"
			                    : "base64url: a character outside the alphabet");
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return fail(reason, "base64url: not the canonical spelling (unused bits set)");
	*out_len = n;
	return true;
}

size_t lexc_base64url_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	size_t o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | p[i]) & 0xffff;
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = URL_ALPHABET[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = URL_ALPHABET[(acc << (6 - bits)) & 63];
	return o;
}
