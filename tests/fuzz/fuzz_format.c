/* libFuzzer target for one string format, chosen with -DFUZZ_FORMAT.
 * Checks: no crash or undefined behaviour (ASan/UBSan), a deterministic
 * verdict, a reason on every rejection, dispatch equal to the direct call,
 * ASCII-only valid strings, and agreement with the spec's regex oracles. */
#include "config.h"

#include <lexc/format.h>

#include "oracle.h"

#include <stdint.h>
#include <stdio.h>

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT=LEXC_FORMAT_..."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DATETIME_RE                                                                                \
	"^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\\.[0-9]+)?"              \
	"(Z|[+-][0-2][0-9]:[0-5][0-9])$"
#define HANDLE_RE                                                                                  \
	"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9]" \
	")?$"

static struct oracle did_oracle = {
        .pattern = "^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$", .max_len = 2048, .exact = true};
static struct oracle handle_oracle = {.pattern = HANDLE_RE, .max_len = 253, .exact = true};
static struct oracle tid_oracle = {
        .pattern = "^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$",
        .max_len = 13,
        .exact = true};
static struct oracle rkey_oracle = {
        .pattern = "^[A-Za-z0-9._:~-]{1,512}$", .max_len = 512, .exact = false};
static struct oracle datetime_oracle = {.pattern = DATETIME_RE, .max_len = 64, .exact = false};
static struct oracle aturi_oracle = {
        .pattern = "^at://[^/?#]+(/[^/?#]+(/[^/?#]+)?)?$", .max_len = 8192, .exact = false};
static struct oracle language_oracle = {
        .pattern = "^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$", .max_len = 128, .exact = false};

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "%s: %s on input of %zu bytes: \"", lexc_format_name(FUZZ_FORMAT), what,
	        size);
	for (size_t i = 0; i < size; i++)
		fprintf(stderr, data[i] >= 0x20 && data[i] < 0x7F ? "%c" : "\\x%02x", data[i]);
	fprintf(stderr, "\"\n");
	abort();
}

static void check_oracle(struct oracle *o, bool valid, const uint8_t *data, size_t size)
{
	bool m = oracle_match(o, (const char *)data, size);
	if (o->exact ? m != valid : (valid && !m))
		fail(valid ? "accepted, regex oracle rejects" : "rejected, regex oracle accepts",
		     data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *reason = NULL;
	bool valid = lexc_format_check(FUZZ_FORMAT, s, size, &reason);
	if (!valid && (reason == NULL || reason[0] == '\0'))
		fail("rejected without a reason", data, size);
	const char *reason2 = NULL;
	if (lexc_format_check(FUZZ_FORMAT, s, size, &reason2) != valid || reason2 != reason)
		fail("verdict not deterministic", data, size);
	if (lexc_format_check(FUZZ_FORMAT, s, size, NULL) != valid)
		fail("verdict depends on reason pointer", data, size);
	if (valid) {
		for (size_t i = 0; i < size; i++)
			if (data[i] == 0 || data[i] >= 0x80)
				fail("accepted a NUL or non-ASCII byte", data, size);
	}
	switch (FUZZ_FORMAT) {
	case LEXC_FORMAT_DID:
		check_oracle(&did_oracle, valid, data, size);
		break;
	case LEXC_FORMAT_HANDLE:
		check_oracle(&handle_oracle, valid, data, size);
		break;
	case LEXC_FORMAT_TID:
		check_oracle(&tid_oracle, valid, data, size);
		if (valid && !lexc_format_record_key(s, size, NULL))
			fail("valid tid is not a valid record-key", data, size);
		break;
	case LEXC_FORMAT_RECORD_KEY:
		check_oracle(&rkey_oracle, valid, data, size);
		if ((size == 1 && s[0] == '.') || (size == 2 && s[0] == '.' && s[1] == '.'))
			if (valid)
				fail("accepted . or ..", data, size);
		break;
	case LEXC_FORMAT_AT_IDENTIFIER: {
		bool either = lexc_format_did(s, size, NULL) || lexc_format_handle(s, size, NULL);
		if (valid != either)
			fail("at-identifier differs from did || handle", data, size);
		break;
	}
	case LEXC_FORMAT_DATETIME:
		check_oracle(&datetime_oracle, valid, data, size);
		break;
	case LEXC_FORMAT_AT_URI:
		check_oracle(&aturi_oracle, valid, data, size);
		break;
	case LEXC_FORMAT_LANGUAGE:
		check_oracle(&language_oracle, valid, data, size);
		break;
	default:
		break;
	}
	return 0;
}
