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
	memset(key, 0, sizeof *key);
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

static bool id_ok(const char *id, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (id[i] == '.' || (unsigned char)id[i] <= ' ' || (unsigned char)id[i] >= 0x7f)
			return false;
	return true;
}

/* The MAC of id "." timestamp "." body; timestamp as its decimal text. */
static bool mac(const whsig_key *key, const char *id, size_t id_len, const char *ts, size_t ts_len,
                const void *body, size_t body_len, unsigned char out[32])
{
	if (key->len == 0)
		return false;
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
	        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
	        OSSL_PARAM_construct_end(),
	};
	size_t n = 0;
	bool ok = c != NULL && EVP_MAC_init(c, key->bytes, key->len, params) &&
	          EVP_MAC_update(c, (const unsigned char *)id, id_len) &&
	          EVP_MAC_update(c, (const unsigned char *)".", 1) &&
	          EVP_MAC_update(c, (const unsigned char *)ts, ts_len) &&
	          EVP_MAC_update(c, (const unsigned char *)".", 1) &&
	          EVP_MAC_update(c, body, body_len) && EVP_MAC_final(c, out, &n, 32) && n == 32;
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
	return ok;
}

whsig_result whsig_sign(const whsig_key *key, const char *id, size_t id_len, int64_t timestamp,
                        const void *body, size_t body_len, char out[WHSIG_SIGNATURE_LEN + 1])
{
	if (key->len == 0)
		return WHSIG_BAD_SECRET;
	if (id_len == 0)
		return WHSIG_MISSING_ID;
	if (!id_ok(id, id_len))
		return WHSIG_BAD_ID;
	if (timestamp < 0)
		return WHSIG_BAD_TIMESTAMP;
	char ts[24];
	int ts_len = snprintf(ts, sizeof ts, "%lld", (long long)timestamp);
	unsigned char m[32];
	if (!mac(key, id, id_len, ts, (size_t)ts_len, body, body_len, m))
		return WHSIG_BAD_SECRET;
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, m, 32); /* 44 chars and a NUL */
	OPENSSL_cleanse(m, sizeof m);
	return WHSIG_OK;
}

whsig_result whsig_sign_header(const whsig_key *keys, size_t n, const char *id, size_t id_len,
                               int64_t timestamp, const void *body, size_t body_len, char *out,
                               size_t cap, size_t *len)
{
	if (n == 0)
		return WHSIG_NO_KEYS;
	if (cap < n * (WHSIG_SIGNATURE_LEN + 1))
		return WHSIG_TOO_SMALL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[o++] = ' ';
		whsig_result r =
		        whsig_sign(&keys[i], id, id_len, timestamp, body, body_len, out + o);
		if (r != WHSIG_OK)
			return r;
		o += WHSIG_SIGNATURE_LEN;
	}
	out[o] = '\0';
	if (len != NULL)
		*len = o;
	return WHSIG_OK;
}

/* Decodes 44 characters of standard base64 into 32 bytes; false if they
 * are not exactly that. */
static bool decode_sig(const char *s, size_t len, unsigned char out[32])
{
	if (len != 44 || s[43] != '=' || s[42] == '=')
		return false;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < 43; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o == 32;
}

whsig_result whsig_verify(const whsig_key *keys, size_t n_keys, const char *id, size_t id_len,
                          const char *timestamp, size_t ts_len, const char *signature,
                          size_t sig_len, const void *body, size_t body_len, int64_t now,
                          int64_t tolerance)
{
	if (n_keys == 0)
		return WHSIG_NO_KEYS;
	if (id == NULL || id_len == 0)
		return WHSIG_MISSING_ID;
	if (!id_ok(id, id_len))
		return WHSIG_BAD_ID;
	if (timestamp == NULL || ts_len == 0)
		return WHSIG_MISSING_TIMESTAMP;
	if (ts_len > 18)
		return WHSIG_BAD_TIMESTAMP;
	int64_t ts = 0;
	for (size_t i = 0; i < ts_len; i++) {
		if (timestamp[i] < '0' || timestamp[i] > '9')
			return WHSIG_BAD_TIMESTAMP;
		ts = ts * 10 + (timestamp[i] - '0');
	}
	if (now - ts > tolerance)
		return WHSIG_TOO_OLD;
	if (ts - now > tolerance)
		return WHSIG_TOO_NEW;
	if (signature == NULL || sig_len == 0)
		return WHSIG_MISSING_SIGNATURE;
	unsigned char want[32];
	bool any_v1 = false, match = false;
	for (size_t i = 0; i < sig_len;) {
		while (i < sig_len && signature[i] == ' ')
			i++;
		size_t start = i;
		while (i < sig_len && signature[i] != ' ')
			i++;
		size_t len = i - start;
		if (len < 3 || memcmp(signature + start, "v1,", 3) != 0)
			continue; /* another version, or not a signature */
		any_v1 = true;
		unsigned char got[32];
		if (!decode_sig(signature + start + 3, len - 3, got))
			continue;
		for (size_t k = 0; k < n_keys; k++) {
			if (!mac(&keys[k], id, id_len, timestamp, ts_len, body, body_len, want))
				continue;
			if (CRYPTO_memcmp(want, got, 32) == 0)
				match = true;
		}
	}
	OPENSSL_cleanse(want, sizeof want);
	if (match)
		return WHSIG_OK;
	return any_v1 ? WHSIG_NO_MATCH : WHSIG_NO_V1_SIGNATURE;
}
