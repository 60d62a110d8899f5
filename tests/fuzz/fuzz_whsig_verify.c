/* libFuzzer target for libwhsig (whsig/whsig.h): the secret decoder and
 * the receiver's verify never crash or read past what they are given, and
 * what whsig_sign makes, whsig_verify accepts, alone or after the fuzzed
 * header's entries. The input is
 * secret \n id \n timestamp \n signature-header \n body. */
#include "whsig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_whsig_verify: %s failed on %zu bytes\n", #cond,      \
			        size);                                                             \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The next field up to '\n', as a heap copy of exactly its bytes (so that
 * ASan sees any read past its end). */
static char *field(const uint8_t **p, const uint8_t *end, size_t *len)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	const uint8_t *stop = nl != NULL ? nl : end;
	*len = (size_t)(stop - *p);
	char *out = malloc(*len ? *len : 1);
	if (out != NULL && *len)
		memcpy(out, *p, *len);
	*p = nl != NULL ? nl + 1 : end;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	size_t sl, il, tl, gl, bl;
	char *secret = field(&p, end, &sl), *id = field(&p, end, &il), *ts = field(&p, end, &tl),
	     *sig = field(&p, end, &gl);
	size_t rest = (size_t)(end - p);
	char *body = malloc(rest ? rest : 1);
	bl = rest;
	if (body != NULL && rest)
		memcpy(body, p, rest);
	if (secret == NULL || id == NULL || ts == NULL || sig == NULL || body == NULL)
		goto done;
	whsig_key keys[2];
	size_t n = whsig_key_decode(secret, sl, &keys[0]) == WHSIG_OK ? 1 : 0;
	if (n == 0)
		REQUIRE(whsig_key_decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 38,
		                         &keys[n++]) == WHSIG_OK);
	REQUIRE(keys[0].len > 0 && keys[0].len <= WHSIG_KEY_MAX);
	whsig_result r = whsig_verify(keys, n, id, il, ts, tl, sig, gl, body, bl, 1700000000, 300);
	REQUIRE(whsig_result_name(r) != NULL);
	/* Round trip: a signature made for this message verifies. */
	char made[WHSIG_SIGNATURE_LEN + 1];
	if (whsig_sign(&keys[0], id, il, 1700000000, body, bl, made) == WHSIG_OK) {
		REQUIRE(strlen(made) == WHSIG_SIGNATURE_LEN);
		REQUIRE(whsig_verify(keys, n, id, il, "1700000000", 10, made, strlen(made), body,
		                     bl, 1700000000, 300) == WHSIG_OK);
		/* Still found after whatever the fuzzed header holds. */
		char *both = malloc(gl + 1 + WHSIG_SIGNATURE_LEN);
		if (both != NULL) {
			if (gl)
				memcpy(both, sig, gl);
			both[gl] = ' ';
			memcpy(both + gl + 1, made, WHSIG_SIGNATURE_LEN);
			REQUIRE(whsig_verify(keys, n, id, il, "1700000000", 10, both,
			                     gl + 1 + WHSIG_SIGNATURE_LEN, body, bl, 1700000000,
			                     300) == WHSIG_OK);
			free(both);
		}
	}
done:
	free(secret);
	free(id);
	free(ts);
	free(sig);
	free(body);
	return 0;
}
