/* libFuzzer target for webhookd's webhook URL check (netcheck.c) and CIDR
 * parser: no input crashes them, and what the URL check accepts keeps the
 * rules it states (https or http, at most 2048 bytes, printable ASCII, no
 * user info). Built with the test hooks, so names resolve only through
 * WEBHOOKD_TEST_RESOLVE and the fuzzer never touches DNS. */
#include "config.h"

#include "netcheck.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_webhookd_url: %s failed on %zu bytes\n", #cond,      \
			        size);                                                             \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("WEBHOOKD_TEST_RESOLVE",
	       "hooks.example.test=93.184.216.34,internal.example.test=10.0.0.5,"
	       "v6.example.test=2606:4700::1111,local.example.test=127.0.0.1",
	       1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const lexc_cidr loopback = {.family = AF_INET, .addr = {127}, .prefix = 8};
	const lexc_netpolicy none = {NULL, 0}, local = {&loopback, 1};
	const lexc_netpolicy *policies[] = {&none, &local};
	lexc_str url = lexc_str_borrow_n((const char *)data, size);
	for (size_t p = 0; p < 2; p++) {
		char why[256];
		bool ok = wh_url_check(policies[p], url, why, sizeof why);
		if (!ok) {
			REQUIRE(why[0] != '\0' && strlen(why) < sizeof why);
			continue;
		}
		REQUIRE(size <= WH_URL_MAX);
		for (size_t i = 0; i < size; i++)
			REQUIRE(data[i] > 0x20 && data[i] < 0x7f);
		char copy[WH_URL_MAX + 1];
		memcpy(copy, data, size);
		copy[size] = '\0';
		REQUIRE(strncasecmp(copy, "https://", 8) == 0 ||
		        (p == 1 && strncasecmp(copy, "http://", 7) == 0));
		const char *auth = strstr(copy, "//") + 2;
		size_t end = strcspn(auth, "/?#");
		REQUIRE(memchr(auth, '@', end) == NULL);
	}
	/* The CIDR parser takes a C string. */
	char buf[128];
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
	memcpy(buf, data, n);
	buf[n] = '\0';
	lexc_cidr c;
	if (lexc_cidr_parse(buf, &c))
		REQUIRE((c.family == AF_INET && c.prefix <= 32) ||
		        (c.family == AF_INET6 && c.prefix <= 128));
	return 0;
}
