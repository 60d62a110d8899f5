/* jwt_mint: service JWTs minted by liblexc-auth, for the tests that hand
 * them to the reference verifier (tests/service_auth.mjs).
 * `jwt_mint k256|p256 HEX ISS AUD LXM JTI IAT EXP` prints the token and
 * the key's did:key. */
#include "lexc/jwt.h"
#include "lexc/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lexc_curve curve_of(const char *s)
{
	return strcmp(s, "k256") == 0   ? LEXC_CURVE_SECP256K1
	       : strcmp(s, "p256") == 0 ? LEXC_CURVE_P256
	                                : LEXC_CURVE_NONE;
}

static int usage(void)
{
	fprintf(stderr, "usage: jwt_mint k256|p256 HEX ISS AUD LXM JTI IAT EXP\n"
	                "  prints the token and the key's did:key (LXM, JTI may be \"\")\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc != 9 || curve_of(argv[1]) == LEXC_CURVE_NONE || strlen(argv[2]) != 64)
		return usage();
	unsigned char bytes[32];
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(argv[2] + 2 * i, "%2x", &v) != 1)
			return usage();
		bytes[i] = (unsigned char)v;
	}
	lexc_privkey k;
	const char *why = NULL;
	if (!lexc_privkey_from_bytes(curve_of(argv[1]), bytes, sizeof bytes, &k, &why)) {
		fprintf(stderr, "jwt_mint: %s\n", why);
		return 1;
	}
	lexc_arena a;
	lexc_arena_init(&a);
	char *tok = lexc_jwt_mint(&a, &k, argv[3], argv[4], argv[5][0] ? argv[5] : NULL,
	                          argv[6][0] ? argv[6] : NULL, atoll(argv[7]), atoll(argv[8]));
	char did[LEXC_DID_KEY_MAX];
	int rc = 1;
	if (tok != NULL && lexc_pubkey_did_key(&k.pub, did, sizeof did) > 0) {
		printf("%s\n%s\n", tok, did);
		rc = 0;
	}
	lexc_arena_free(&a);
	lexc_privkey_free(&k);
	return rc;
}
