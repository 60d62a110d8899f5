/* whsig.c: Standard Webhooks v1 signatures (whsig.h), on OpenSSL's
 * libcrypto. */
#include "whsig.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdio.h>
#include <string.h>

const char *whsig_result_name(whsig_result r)
{
	switch (r) {
#define WHSIG_NAME_(name, message)                                                                 \
	case name:                                                                                 \
		return #name;
		WHSIG_RESULTS(WHSIG_NAME_)
#undef WHSIG_NAME_
	}
	return "unknown";
}

const char *whsig_result_message(whsig_result r)
{
	switch (r) {
#define WHSIG_MESSAGE_(name, message)                                                              \
	case name:                                                                                 \
		return message;
		WHSIG_RESULTS(WHSIG_MESSAGE_)
#undef WHSIG_MESSAGE_
	}
	return "unknown";
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

whsig_result whsig_key_decode(const char *secret, size_t len, whsig_key *key)
{
	if (key == NULL)
		return WHSIG_BAD_SECRET;
	memset(key, 0, sizeof *key);
	if (secret == NULL)
		return WHSIG_BAD_SECRET;
	if (len >= 6 && memcmp(secret, "whsec_", 6) == 0) {
		secret += 6;
		len -= 6;
	}
	/* Standard base64 with its padding; the padding may be left off. */
	size_t pad = 0;
	while (len > 0 && secret[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if (len == 0 || len % 4 == 1 || (pad > 0 && (len + pad) % 4 != 0))
		return WHSIG_BAD_SECRET;
	uint32_t acc = 0;
	int bits = 0;
	size_t out = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value((unsigned char)secret[i]);
		if (v < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (out == WHSIG_KEY_MAX)
				goto bad;
			key->bytes[out++] = (unsigned char)(acc >> bits);
		}
	}
	key->len = out;
	return WHSIG_OK;
bad:
	OPENSSL_cleanse(key, sizeof *key);
	return WHSIG_BAD_SECRET;
}

static bool key_ok(const whsig_key *key)
{
	return key != NULL && key->len > 0 && key->len <= WHSIG_KEY_MAX;
}

static bool id_ok(const char *id, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (id[i] == '.' || (unsigned char)id[i] <= ' ' || (unsigned char)id[i] >= 0x7f)
			return false;
	return true;
}

/* The MAC of id "." timestamp "." body; timestamp as its decimal text.
 * The caller has checked the key with key_ok(). */
static bool mac(const whsig_key *key, const char *id, size_t id_len, const char *ts, size_t ts_len,
                const void *body, size_t body_len, unsigned char out[32])
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
	        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
	        OSSL_PARAM_construct_end(),
	};
	size_t n = 0;
	/* body may be NULL when body_len is 0: never hand that to OpenSSL. */
	bool ok = c != NULL && EVP_MAC_init(c, key->bytes, key->len, params) &&
	          EVP_MAC_update(c, (const unsigned char *)id, id_len) &&
	          EVP_MAC_update(c, (const unsigned char *)".", 1) &&
	          EVP_MAC_update(c, (const unsigned char *)ts, ts_len) &&
	          EVP_MAC_update(c, (const unsigned char *)".", 1) &&
	          (body_len == 0 || EVP_MAC_update(c, body, body_len)) &&
	          EVP_MAC_final(c, out, &n, 32) && n == 32;
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
	return ok;
}

/* "v1," and the base64 of the MAC, NUL-terminated, into out. */
static bool sign_text(const whsig_key *key, const char *id, size_t id_len, const char *ts,
                      size_t ts_len, const void *body, size_t body_len,
                      char out[WHSIG_SIGNATURE_LEN + 1])
{
	unsigned char m[32];
	bool ok = mac(key, id, id_len, ts, ts_len, body, body_len, m);
	if (ok) {
		memcpy(out, "v1,", 3);
		EVP_EncodeBlock((unsigned char *)out + 3, m, 32); /* 44 chars and a NUL */
	}
	OPENSSL_cleanse(m, sizeof m);
	return ok;
}

whsig_result whsig_sign(const whsig_key *key, const char *id, size_t id_len, int64_t timestamp,
                        const void *body, size_t body_len, char out[WHSIG_SIGNATURE_LEN + 1])
{
	if (out == NULL)
		return WHSIG_TOO_SMALL;
	out[0] = '\0';
	if (!key_ok(key))
		return WHSIG_BAD_SECRET;
	if (id == NULL || id_len == 0)
		return WHSIG_MISSING_ID;
	if (!id_ok(id, id_len))
		return WHSIG_BAD_ID;
	if (timestamp < 0)
		return WHSIG_BAD_TIMESTAMP;
	char ts[24];
	int ts_len = snprintf(ts, sizeof ts, "%lld", (long long)timestamp);
	if (!sign_text(key, id, id_len, ts, (size_t)ts_len, body, body_len, out)) {
		out[0] = '\0';
		return WHSIG_BAD_SECRET; /* libcrypto failed: nothing better to say */
	}
	return WHSIG_OK;
}

whsig_result whsig_sign_header(const whsig_key *keys, size_t n, const char *id, size_t id_len,
                               int64_t timestamp, const void *body, size_t body_len, char *out,
                               size_t cap, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (out != NULL && cap > 0)
		out[0] = '\0';
	if (n == 0 || keys == NULL)
		return WHSIG_NO_KEYS;
	/* n signatures, n - 1 spaces and a NUL: exactly n * 48 bytes. */
	if (out == NULL || n > SIZE_MAX / (WHSIG_SIGNATURE_LEN + 1) ||
	    cap < n * (WHSIG_SIGNATURE_LEN + 1))
		return WHSIG_TOO_SMALL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[o++] = ' ';
		whsig_result r =
		        whsig_sign(&keys[i], id, id_len, timestamp, body, body_len, out + o);
		if (r != WHSIG_OK) {
			out[0] = '\0'; /* no half header */
			return r;
		}
		o += WHSIG_SIGNATURE_LEN;
	}
	out[o] = '\0';
	if (len != NULL)
		*len = o;
	return WHSIG_OK;
}

/* The timestamp's decimal digits, at most 19 of them (INT64_MAX has 19),
 * into *out; false for anything else, or a value past INT64_MAX. */
static bool parse_ts(const char *s, size_t len, int64_t *out)
{
	if (len > 19)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = (int64_t)v;
	return true;
}

/* The next space-separated entry of the header from *i that begins with
 * "v1," (others are other versions, or not signatures): its offset and
 * length, *i moved past it; false at the end. */
static bool next_v1(const char *sig, size_t sig_len, size_t *i, size_t *start, size_t *len)
{
	while (*i < sig_len) {
		while (*i < sig_len && sig[*i] == ' ')
			(*i)++;
		*start = *i;
		while (*i < sig_len && sig[*i] != ' ')
			(*i)++;
		*len = *i - *start;
		if (*len >= 3 && memcmp(sig + *start, "v1,", 3) == 0)
			return true;
	}
	return false;
}

whsig_result whsig_verify(const whsig_key *keys, size_t n_keys, const char *id, size_t id_len,
                          const char *timestamp, size_t ts_len, const char *signature,
                          size_t sig_len, const void *body, size_t body_len, int64_t now,
                          int64_t tolerance)
{
	if (n_keys == 0 || keys == NULL)
		return WHSIG_NO_KEYS;
	if (id == NULL || id_len == 0)
		return WHSIG_MISSING_ID;
	if (!id_ok(id, id_len))
		return WHSIG_BAD_ID;
	if (timestamp == NULL || ts_len == 0)
		return WHSIG_MISSING_TIMESTAMP;
	int64_t ts;
	if (!parse_ts(timestamp, ts_len, &ts))
		return WHSIG_BAD_TIMESTAMP;
	/* The distance in uint64_t: exact for any two int64_t, no overflow. */
	uint64_t tol = tolerance > 0 ? (uint64_t)tolerance : 0;
	if (now >= ts && (uint64_t)now - (uint64_t)ts > tol)
		return WHSIG_TOO_OLD;
	if (ts > now && (uint64_t)ts - (uint64_t)now > tol)
		return WHSIG_TOO_NEW;
	if (signature == NULL || sig_len == 0)
		return WHSIG_MISSING_SIGNATURE;
	for (size_t k = 0; k < n_keys; k++)
		if (!key_ok(&keys[k]))
			return WHSIG_BAD_SECRET;
	size_t i = 0, start, len;
	if (!next_v1(signature, sig_len, &i, &start, &len))
		return WHSIG_NO_V1_SIGNATURE; /* before any MAC is computed */
	/* One MAC per key, whatever the header holds: each key's signature
	 * text against every entry's text, as the reference libraries compare
	 * strings. */
	char want[WHSIG_SIGNATURE_LEN + 1];
	bool match = false;
	for (size_t k = 0; k < n_keys && !match; k++) {
		if (!sign_text(&keys[k], id, id_len, timestamp, ts_len, body, body_len, want))
			continue; /* libcrypto failed: this key cannot match */
		for (i = 0; next_v1(signature, sig_len, &i, &start, &len);)
			if (len == WHSIG_SIGNATURE_LEN &&
			    CRYPTO_memcmp(want, signature + start, WHSIG_SIGNATURE_LEN) == 0)
				match = true;
	}
	OPENSSL_cleanse(want, sizeof want);
	return match ? WHSIG_OK : WHSIG_NO_MATCH;
}
