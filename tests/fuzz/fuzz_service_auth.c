/* libFuzzer target for liblexc-auth's parsers: the first byte picks one,
 * the rest is its input.
 *   0: a service JWT (lexc_jwt_parse, then the claim checks)
 *   1: a multikey or did:key (lexc_pubkey_from_multikey / _did_key; what
 *      parses must encode back to the same text)
 *   2: a DID document (lexc_did_document_key)
 *   3: a DID's resolution URL (lexc_did_resolution_url)
 * None may crash, leak or read past its input (a heap copy of exactly its
 * bytes, for ASan). */
#include "lexc/jwt.h"
#include "lexc/keys.h"
#include "lexc/service_auth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_service_auth: %s failed on %zu bytes\n", #cond,      \
			        size);                                                             \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t len = size - 1;
	char *in = malloc(len > 0 ? len : 1);
	if (in == NULL)
		return 0;
	memcpy(in, data + 1, len);
	lexc_arena a;
	lexc_arena_init(&a);
	const char *why = NULL;
	switch (data[0] % 4) {
	case 0: {
		lexc_jwt t;
		lexc_jwt_result r = lexc_jwt_parse(in, len, &a, &t, &why);
		REQUIRE(r == LEXC_JWT_OK || why != NULL);
		if (r == LEXC_JWT_OK) {
			lexc_jwt_policy p = {"did:web:svc.test", "com.example.m", 0, 0};
			(void)lexc_jwt_check_claims(&t, &p, 1700000000, &why);
			REQUIRE(t.sig_len <= sizeof t.sig);
			REQUIRE(lexc_jwt_verify_signature(&t, NULL, &why) ==
			        LEXC_JWT_BAD_SIGNATURE);
		}
		break;
	}
	case 1: {
		lexc_pubkey k;
		bool did = len > 8 && memcmp(in, "did:key:", 8) == 0;
		bool ok = did ? lexc_pubkey_from_did_key(in, len, &k, &why)
		              : lexc_pubkey_from_multikey(in, len, &k, &why);
		if (ok) {
			char back[LEXC_DID_KEY_MAX];
			size_t n = did ? lexc_pubkey_did_key(&k, back, sizeof back)
			               : lexc_pubkey_multikey(&k, back, sizeof back);
			/* base58 has one spelling per value: the text comes back */
			REQUIRE(n == len && memcmp(back, in, len) == 0);
		}
		lexc_pubkey_free(&k);
		break;
	}
	case 2: {
		lexc_pubkey k;
		static const char did[] = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
		(void)lexc_did_document_key(in, len, did, sizeof did - 1, "atproto", &a, &k, &why);
		lexc_pubkey_free(&k);
		break;
	}
	case 3: {
		char *url = lexc_did_resolution_url(&a, "https://plc.test", in, len, &why);
		REQUIRE(url != NULL || why != NULL);
		break;
	}
	}
	lexc_arena_free(&a);
	free(in);
	return 0;
}
