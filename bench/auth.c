/* bench/auth [SECONDS]: service-JWT verification in process, per curve:
 * parse, claim checks and the signature (what a warm key cache leaves),
 * and the signature alone. Prints verifications per second. */
#include "config.h"

#include "lexc/jwt.h"
#include "lexc/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2;
	printf("%-10s %22s %22s\n", "curve", "token verifications/s", "signatures alone/s");
	for (lexc_curve c = LEXC_CURVE_P256; c <= LEXC_CURVE_SECP256K1; c++) {
		lexc_privkey k;
		if (!lexc_privkey_generate(c, &k, NULL))
			return 1;
		lexc_arena a;
		lexc_arena_init(&a);
		time_t t0 = time(NULL);
		/* a heap copy: the loop resets the arena */
		char *tok = strdup(lexc_jwt_mint(&a, &k, "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa",
		                                 "did:web:svc.test", "com.example.m",
		                                 "0123456789abcdef", t0, t0 + 60));
		size_t len = strlen(tok);
		lexc_jwt_policy p = {"did:web:svc.test", "com.example.m", 0, 0};
		double rate[2];
		for (int mode = 0; mode < 2; mode++) {
			long n = 0;
			double start = now_s(), end;
			lexc_jwt t;
			lexc_jwt_parse(tok, len, &a, &t, NULL);
			do {
				for (int i = 0; i < 100; i++) {
					if (mode == 0) {
						lexc_arena_reset(&a);
						if (lexc_jwt_parse(tok, len, &a, &t, NULL) !=
						            LEXC_JWT_OK ||
						    lexc_jwt_check_claims(&t, &p, t0, NULL) !=
						            LEXC_JWT_OK ||
						    lexc_jwt_verify_signature(&t, &k.pub, NULL) !=
						            LEXC_JWT_OK)
							return 1;
					} else if (!lexc_verify(&k.pub, t.signed_part.ptr,
					                        t.signed_part.len, t.sig, t.sig_len,
					                        true, NULL)) {
						return 1;
					}
					n++;
				}
				end = now_s();
			} while (end - start < seconds);
			rate[mode] = (double)n / (end - start);
		}
		printf("%-10s %22.0f %22.0f\n", lexc_curve_jwt_alg(c), rate[0], rate[1]);
		free(tok);
		lexc_arena_free(&a);
		lexc_privkey_free(&k);
	}
	return 0;
}
