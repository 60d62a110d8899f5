/* keys.c: see lexc/keys.h. OpenSSL 3 does the curve arithmetic; this file
 * does the encodings and the strictness rules of atproto. */
#include "config.h"

#include "lexc/keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include <pthread.h>
#include <secp256k1.h>
#include <string.h>

/* libsecp256k1's static context verifies; its self-test runs once. */
static pthread_once_t k1_once = PTHREAD_ONCE_INIT;
static bool k1_ok;
static void k1_selftest(void)
{
	secp256k1_selftest();
	k1_ok = true;
}

/* Curves -------------------------------------------------------------------- */

static const struct {
	const char *alg;
	const char *group; /* OpenSSL's name */
	int nid;
	unsigned char codec[2]; /* the multicodec varint */
	const char *legacy;     /* the legacy verification-method type */
} curves[] = {
        [LEXC_CURVE_P256] = {"ES256",
                             "prime256v1",
                             NID_X9_62_prime256v1,
                             {0x80, 0x24},
                             "EcdsaSecp256r1VerificationKey2019"},
        [LEXC_CURVE_SECP256K1] = {"ES256K",
                                  "secp256k1",
                                  NID_secp256k1,
                                  {0xe7, 0x01},
                                  "EcdsaSecp256k1VerificationKey2019"},
};

static bool curve_ok(lexc_curve c)
{
	return c == LEXC_CURVE_P256 || c == LEXC_CURVE_SECP256K1;
}

const char *lexc_curve_jwt_alg(lexc_curve c)
{
	return curve_ok(c) ? curves[c].alg : NULL;
}

lexc_curve lexc_curve_of_jwt_alg(const char *alg, size_t len)
{
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++)
		if (strlen(curves[c].alg) == len && memcmp(curves[c].alg, alg, len) == 0)
			return c;
	return LEXC_CURVE_NONE;
}

/* n/2 of each curve's order, big-endian, for the low-S rule; computed once. */
static pthread_once_t halves_once = PTHREAD_ONCE_INIT;
static unsigned char halves[LEXC_CURVE_SECP256K1 + 1][32];
static bool halves_ok;

static void halves_init(void)
{
	bool ok = true;
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++) {
		EC_GROUP *g = EC_GROUP_new_by_curve_name(curves[c].nid);
		BIGNUM *h = BN_new();
		ok = ok && g != NULL && h != NULL && BN_rshift1(h, EC_GROUP_get0_order(g)) &&
		     BN_bn2binpad(h, halves[c], 32) == 32;
		BN_free(h);
		EC_GROUP_free(g);
	}
	halves_ok = ok;
}

static bool half_order(lexc_curve c, unsigned char out[32])
{
	pthread_once(&halves_once, halves_init);
	if (halves_ok)
		memcpy(out, halves[c], 32);
	return halves_ok;
}

/* base58btc ------------------------------------------------------------------- */

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

bool lexc_base58_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *n)
{
	size_t zeros = 0;
	while (zeros < len && s[zeros] == '1')
		zeros++;
	/* big-endian accumulator in out[cap - used .. cap) */
	size_t used = 0;
	for (size_t i = zeros; i < len; i++) {
		const char *p = s[i] != '\0' ? strchr(b58, s[i]) : NULL;
		if (p == NULL)
			return false;
		unsigned carry = (unsigned)(p - b58);
		for (size_t k = 0; k < used; k++) {
			carry += 58u * out[cap - 1 - k];
			out[cap - 1 - k] = (unsigned char)carry;
			carry >>= 8;
		}
		while (carry != 0) {
			if (used == cap)
				return false;
			out[cap - 1 - used++] = (unsigned char)carry;
			carry >>= 8;
		}
	}
	if (zeros + used > cap)
		return false;
	memmove(out + zeros, out + cap - used, used);
	memset(out, 0, zeros);
	*n = zeros + used;
	return true;
}

size_t lexc_base58_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
	size_t zeros = 0;
	while (zeros < len && in[zeros] == 0)
		zeros++;
	/* base-58 digits, little-endian, in a buffer large enough for 64 bytes */
	unsigned char digits[96];
	size_t used = 0;
	if ((len - zeros) * 138 / 100 + 1 > sizeof digits)
		return 0;
	for (size_t i = zeros; i < len; i++) {
		unsigned carry = in[i];
		for (size_t k = 0; k < used; k++) {
			carry += (unsigned)digits[k] << 8;
			digits[k] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		while (carry != 0) {
			digits[used++] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	if (zeros + used + 1 > cap)
		return 0;
	size_t o = 0;
	for (size_t i = 0; i < zeros; i++)
		out[o++] = '1';
	for (size_t i = used; i > 0; i--)
		out[o++] = b58[digits[i - 1]];
	out[o] = '\0';
	return o;
}

/* Public keys --------------------------------------------------------------------- */

bool lexc_pubkey_from_point(lexc_curve curve, const unsigned char *point, size_t len,
                            lexc_pubkey *out, const char **reason)
{
	const char *why = NULL;
	memset(out, 0, sizeof *out);
	if (!curve_ok(curve))
		why = "unknown curve";
	else if (len != LEXC_PUBKEY_LEN || (point[0] != 0x02 && point[0] != 0x03))
		why = "a public key is a compressed point: 33 bytes starting 02 or 03";
	EVP_PKEY *pkey = NULL;
	if (why == NULL) {
		OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
		OSSL_PARAM *params = NULL;
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		if (b == NULL || ctx == NULL ||
		    !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
		                                     curves[curve].group, 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, len) ||
		    (params = OSSL_PARAM_BLD_to_param(b)) == NULL ||
		    EVP_PKEY_fromdata_init(ctx) <= 0 ||
		    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
			why = "not a point of the curve";
		OSSL_PARAM_free(params);
		OSSL_PARAM_BLD_free(b);
		EVP_PKEY_CTX_free(ctx);
	}
	if (why != NULL) {
		EVP_PKEY_free(pkey);
		if (reason != NULL)
			*reason = why;
		return false;
	}
	if (curve == LEXC_CURVE_SECP256K1) {
		pthread_once(&k1_once, k1_selftest);
		secp256k1_pubkey pk;
		if (!k1_ok ||
		    !secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, point, len)) {
			EVP_PKEY_free(pkey);
			if (reason != NULL)
				*reason = "not a point of the curve";
			return false;
		}
		memcpy(out->parsed_, pk.data, sizeof out->parsed_);
	}
	out->curve = curve;
	memcpy(out->point, point, LEXC_PUBKEY_LEN);
	out->pkey = pkey;
	return true;
}

static bool fail(const char **reason, const char *why)
{
	if (reason != NULL)
		*reason = why;
	return false;
}

bool lexc_pubkey_from_multikey(const char *s, size_t len, lexc_pubkey *out, const char **reason)
{
	memset(out, 0, sizeof *out);
	unsigned char buf[40];
	size_t n;
	if (len < 2 || s[0] != 'z')
		return fail(reason, "a multikey starts with 'z' (base58btc)");
	if (len > LEXC_DID_KEY_MAX || !lexc_base58_decode(s + 1, len - 1, buf, sizeof buf, &n))
		return fail(reason, "a multikey is base58btc of 35 bytes");
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++)
		if (n == 2 + LEXC_PUBKEY_LEN && memcmp(buf, curves[c].codec, 2) == 0)
			return lexc_pubkey_from_point(c, buf + 2, n - 2, out, reason);
	return fail(reason,
	            "a multikey names secp256k1 (0xe7) or P-256 (0x1200) and holds 33 bytes");
}

bool lexc_pubkey_from_did_key(const char *s, size_t len, lexc_pubkey *out, const char **reason)
{
	memset(out, 0, sizeof *out);
	if (len < 8 || memcmp(s, "did:key:", 8) != 0)
		return fail(reason, "a did:key starts with \"did:key:\"");
	return lexc_pubkey_from_multikey(s + 8, len - 8, out, reason);
}

bool lexc_pubkey_from_method(const char *type, size_t type_len, const char *multibase,
                             size_t mb_len, lexc_pubkey *out, const char **reason)
{
	memset(out, 0, sizeof *out);
	if (type_len == 8 && memcmp(type, "Multikey", 8) == 0)
		return lexc_pubkey_from_multikey(multibase, mb_len, out, reason);
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++) {
		if (strlen(curves[c].legacy) != type_len ||
		    memcmp(curves[c].legacy, type, type_len) != 0)
			continue;
		unsigned char buf[40];
		size_t n;
		if (mb_len < 2 || multibase[0] != 'z' || mb_len > LEXC_DID_KEY_MAX ||
		    !lexc_base58_decode(multibase + 1, mb_len - 1, buf, sizeof buf, &n))
			return fail(reason, "publicKeyMultibase is 'z' and base58btc");
		return lexc_pubkey_from_point(c, buf, n, out, reason);
	}
	return fail(reason,
	            "the verification method's type is not Multikey or a known legacy type");
}

size_t lexc_pubkey_multikey(const lexc_pubkey *k, char *out, size_t cap)
{
	if (!curve_ok(k->curve) || cap < 2)
		return 0;
	unsigned char buf[2 + LEXC_PUBKEY_LEN];
	memcpy(buf, curves[k->curve].codec, 2);
	memcpy(buf + 2, k->point, LEXC_PUBKEY_LEN);
	out[0] = 'z';
	size_t n = lexc_base58_encode(buf, sizeof buf, out + 1, cap - 1);
	return n == 0 ? 0 : n + 1;
}

size_t lexc_pubkey_did_key(const lexc_pubkey *k, char *out, size_t cap)
{
	if (cap < 9)
		return 0;
	memcpy(out, "did:key:", 8);
	size_t n = lexc_pubkey_multikey(k, out + 8, cap - 8);
	return n == 0 ? 0 : n + 8;
}

void lexc_pubkey_free(lexc_pubkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof *k);
}

/* Signatures ------------------------------------------------------------------ */

/* r||s into the DER form OpenSSL verifies. */
static unsigned char *compact_to_der(const unsigned char *sig, int *der_len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *ss = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	*der_len = 0;
	if (s != NULL && r != NULL && ss != NULL && ECDSA_SIG_set0(s, r, ss)) {
		r = ss = NULL; /* owned by s now */
		*der_len = i2d_ECDSA_SIG(s, &der);
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return *der_len > 0 ? der : NULL;
}

bool lexc_verify(const lexc_pubkey *k, const void *msg, size_t msg_len, const unsigned char *sig,
                 size_t sig_len, bool allow_high_s, const char **reason)
{
	if (k == NULL || k->pkey == NULL || !curve_ok(k->curve))
		return fail(reason, "no key");
	if (sig_len != LEXC_SIGNATURE_LEN)
		return fail(reason, "a signature is 64 bytes, r||s (DER is not accepted)");
	unsigned char half[32];
	if (!half_order(k->curve, half))
		return fail(reason, "out of memory");
	if (!allow_high_s && memcmp(sig + 32, half, 32) > 0)
		return fail(reason, "a high-S signature (atproto requires low-S)");
	if (k->curve == LEXC_CURVE_SECP256K1) {
		secp256k1_pubkey pk;
		secp256k1_ecdsa_signature s;
		unsigned char hash[SHA256_DIGEST_LENGTH];
		memcpy(pk.data, k->parsed_, sizeof pk.data);
		/* r or s at or above the order does not parse */
		if (!secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &s, sig))
			return fail(reason, "the signature does not verify");
		/* libsecp256k1 verifies low-S only: a high-S one (allowed here) is
		 * the same signature as its low-S twin */
		secp256k1_ecdsa_signature_normalize(secp256k1_context_static, &s, &s);
		SHA256(msg, msg_len, hash);
		if (secp256k1_ecdsa_verify(secp256k1_context_static, &s, hash, &pk) != 1)
			return fail(reason, "the signature does not verify");
		return true;
	}
	int der_len;
	unsigned char *der = compact_to_der(sig, &der_len);
	if (der == NULL)
		return fail(reason, "out of memory");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx != NULL &&
	          EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, (EVP_PKEY *)k->pkey) > 0 &&
	          EVP_DigestVerify(ctx, der, (size_t)der_len, msg, msg_len) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok ? true : fail(reason, "the signature does not verify");
}

/* Private keys ------------------------------------------------------------------- */

/* The compressed public point of private scalar d. */
static bool public_point(lexc_curve c, const BIGNUM *d, unsigned char out[LEXC_PUBKEY_LEN])
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(curves[c].nid);
	EC_POINT *p = g != NULL ? EC_POINT_new(g) : NULL;
	bool ok = p != NULL && EC_POINT_mul(g, p, d, NULL, NULL, NULL) &&
	          EC_POINT_point2oct(g, p, POINT_CONVERSION_COMPRESSED, out, LEXC_PUBKEY_LEN,
	                             NULL) == LEXC_PUBKEY_LEN;
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return ok;
}

bool lexc_privkey_from_bytes(lexc_curve curve, const unsigned char *bytes, size_t len,
                             lexc_privkey *out, const char **reason)
{
	memset(out, 0, sizeof *out);
	if (!curve_ok(curve))
		return fail(reason, "unknown curve");
	if (len != 32)
		return fail(reason, "a private key is 32 bytes");
	BIGNUM *d = BN_bin2bn(bytes, 32, NULL);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(curves[curve].nid);
	unsigned char point[LEXC_PUBKEY_LEN];
	bool ok = d != NULL && g != NULL && !BN_is_zero(d) &&
	          BN_cmp(d, EC_GROUP_get0_order(g)) < 0 && public_point(curve, d, point);
	EC_GROUP_free(g);
	EVP_PKEY *pkey = NULL;
	if (ok) {
		OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
		OSSL_PARAM *params = NULL;
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		ok = b != NULL && ctx != NULL &&
		     OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
		                                     curves[curve].group, 0) &&
		     OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d) &&
		     OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point,
		                                      sizeof point) &&
		     (params = OSSL_PARAM_BLD_to_param(b)) != NULL &&
		     EVP_PKEY_fromdata_init(ctx) > 0 &&
		     EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) > 0;
		OSSL_PARAM_free(params);
		OSSL_PARAM_BLD_free(b);
		EVP_PKEY_CTX_free(ctx);
	}
	BN_clear_free(d);
	if (ok && !lexc_pubkey_from_point(curve, point, sizeof point, &out->pub, reason))
		ok = false;
	if (!ok) {
		EVP_PKEY_free(pkey);
		lexc_pubkey_free(&out->pub);
		return fail(reason, "not a private key of the curve");
	}
	out->curve = curve;
	out->pkey = pkey;
	return true;
}

bool lexc_privkey_generate(lexc_curve curve, lexc_privkey *out, const char **reason)
{
	memset(out, 0, sizeof *out);
	if (!curve_ok(curve))
		return fail(reason, "unknown curve");
	EC_GROUP *g = EC_GROUP_new_by_curve_name(curves[curve].nid);
	BIGNUM *d = BN_new();
	unsigned char bytes[32];
	bool ok = g != NULL && d != NULL && BN_priv_rand_range(d, EC_GROUP_get0_order(g)) &&
	          !BN_is_zero(d) && BN_bn2binpad(d, bytes, 32) == 32;
	BN_clear_free(d);
	EC_GROUP_free(g);
	if (!ok)
		return fail(reason, "no random key");
	ok = lexc_privkey_from_bytes(curve, bytes, sizeof bytes, out, reason);
	OPENSSL_cleanse(bytes, sizeof bytes);
	return ok;
}

void lexc_privkey_free(lexc_privkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	lexc_pubkey_free(&k->pub);
	memset(k, 0, sizeof *k);
}

bool lexc_sign(const lexc_privkey *k, const void *msg, size_t msg_len,
               unsigned char sig[LEXC_SIGNATURE_LEN], const char **reason)
{
	if (k == NULL || k->pkey == NULL || !curve_ok(k->curve))
		return fail(reason, "no key");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char der[80];
	size_t der_len = sizeof der;
	bool ok = ctx != NULL &&
	          EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, (EVP_PKEY *)k->pkey) > 0 &&
	          EVP_DigestSign(ctx, der, &der_len, msg, msg_len) == 1;
	EVP_MD_CTX_free(ctx);
	const unsigned char *p = der;
	ECDSA_SIG *s = ok ? d2i_ECDSA_SIG(NULL, &p, (long)der_len) : NULL;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(curves[k->curve].nid);
	BIGNUM *low = BN_new(), *half = BN_new();
	ok = s != NULL && g != NULL && low != NULL && half != NULL &&
	     BN_rshift1(half, EC_GROUP_get0_order(g));
	if (ok) {
		const BIGNUM *r, *ss;
		ECDSA_SIG_get0(s, &r, &ss);
		/* low-S: s and n - s both verify; atproto wants the smaller */
		ok = BN_cmp(ss, half) > 0 ? BN_sub(low, EC_GROUP_get0_order(g), ss) != 0
		                          : BN_copy(low, ss) != NULL;
		ok = ok && BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(low, sig + 32, 32) == 32;
	}
	BN_free(low);
	BN_free(half);
	EC_GROUP_free(g);
	ECDSA_SIG_free(s);
	return ok ? true : fail(reason, "cannot sign");
}
