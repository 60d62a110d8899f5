/* Unit tests for the string formats: every interop syntax vector (read from
 * $LEXC_TEST_DATA/interop/syntax), then edge cases the vectors miss. */
#include <lexc/format.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Number of vectors in the 24 files (non-blank lines not starting with #). */
#define VECTOR_COUNT 536

/* Every checker, straight from the X-macro, to test it without dispatch. */
#define FN_ENTRY_(id, name, fn) [LEXC_FORMAT_##id] = fn,
static const lexc_format_fn checkers[LEXC_FORMAT_COUNT_] = {LEXC_FORMATS(FN_ENTRY_)};
#undef FN_ENTRY_

struct vector_file {
	const char *name;
	lexc_format format;
	bool valid;
};

static const struct vector_file vector_files[] = {
        {"atidentifier_syntax_valid.txt", LEXC_FORMAT_AT_IDENTIFIER, true},
        {"atidentifier_syntax_invalid.txt", LEXC_FORMAT_AT_IDENTIFIER, false},
        {"aturi_syntax_valid.txt", LEXC_FORMAT_AT_URI, true},
        {"aturi_syntax_invalid.txt", LEXC_FORMAT_AT_URI, false},
        {"cid_syntax_valid.txt", LEXC_FORMAT_CID, true},
        {"cid_syntax_invalid.txt", LEXC_FORMAT_CID, false},
        {"datetime_syntax_valid.txt", LEXC_FORMAT_DATETIME, true},
        {"datetime_syntax_invalid.txt", LEXC_FORMAT_DATETIME, false},
        {"datetime_parse_invalid.txt", LEXC_FORMAT_DATETIME, false},
        {"did_syntax_valid.txt", LEXC_FORMAT_DID, true},
        {"did_syntax_invalid.txt", LEXC_FORMAT_DID, false},
        {"handle_syntax_valid.txt", LEXC_FORMAT_HANDLE, true},
        {"handle_syntax_invalid.txt", LEXC_FORMAT_HANDLE, false},
        {"language_syntax_valid.txt", LEXC_FORMAT_LANGUAGE, true},
        {"language_syntax_invalid.txt", LEXC_FORMAT_LANGUAGE, false},
        {"language_parse_invalid.txt", LEXC_FORMAT_LANGUAGE, false},
        {"nsid_syntax_valid.txt", LEXC_FORMAT_NSID, true},
        {"nsid_syntax_invalid.txt", LEXC_FORMAT_NSID, false},
        {"recordkey_syntax_valid.txt", LEXC_FORMAT_RECORD_KEY, true},
        {"recordkey_syntax_invalid.txt", LEXC_FORMAT_RECORD_KEY, false},
        {"tid_syntax_valid.txt", LEXC_FORMAT_TID, true},
        {"tid_syntax_invalid.txt", LEXC_FORMAT_TID, false},
        {"uri_syntax_valid.txt", LEXC_FORMAT_URI, true},
        {"uri_syntax_invalid.txt", LEXC_FORMAT_URI, false},
};

/* Reads a whole file into a NUL-terminated heap buffer, or returns NULL. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	do {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 4096;
			char *bigger = realloc(buf, cap);
			if (bigger == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Whether a rejection reason names the format that rejected the string;
 * at-identifier reports the rule of the DID or handle it was read as. */
static bool reason_names_format(lexc_format f, const char *reason)
{
	if (reason == NULL || reason[0] == '\0')
		return false;
	if (f == LEXC_FORMAT_AT_IDENTIFIER)
		return strncmp(reason, "did: ", 5) == 0 || strncmp(reason, "handle: ", 8) == 0;
	const char *name = lexc_format_name(f);
	size_t n = strlen(name);
	return strncmp(reason, name, n) == 0 && reason[n] == ':' && reason[n + 1] == ' ';
}

/* Checks s[0..len) copied into an exact-size heap buffer, so that ASan
 * catches any read past the span. Returns the verdict; both entry points
 * must agree. */
static bool check_exact(lexc_format f, const char *s, size_t len, const char **reason)
{
	char *copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len > 0)
		memcpy(copy, s, len);
	*reason = NULL;
	bool ok = lexc_format_check(f, copy, len, reason);
	const char *reason2 = NULL;
	bool ok2 = checkers[f](copy, len, &reason2);
	free(copy);
	ck_assert_int_eq(ok, ok2);
	return ok;
}

/* Prints a vector for a failure report, shortened when long. */
static void print_vector(const char *s, size_t len)
{
	if (len <= 100)
		fprintf(stderr, "\"%.*s\"", (int)len, s);
	else
		fprintf(stderr, "\"%.60s...\" (%zu bytes)", s, len);
}

/* Runs one vector file; returns the number of vectors, adds failures. */
static size_t run_file(const char *dir, const struct vector_file *vf, size_t *failures)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/interop/syntax/%s", dir, vf->name);
	size_t size;
	char *text = read_file(path, &size);
	if (text == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		(*failures)++;
		return 0;
	}
	size_t count = 0;
	int lineno = 0;
	for (char *line = text; line < text + size;) {
		char *nl = memchr(line, '\n', (size_t)(text + size - line));
		size_t len = nl != NULL ? (size_t)(nl - line) : (size_t)(text + size - line);
		lineno++;
		/* Upstream harnesses skip blank lines and # comments; only the
		 * newline is stripped, other whitespace is part of the vector. */
		if (len > 0 && line[0] != '#') {
			const char *reason;
			bool ok = check_exact(vf->format, line, len, &reason);
			count++;
			const char *problem = NULL;
			if (ok != vf->valid)
				problem = vf->valid ? "rejected valid" : "accepted invalid";
			else if (!ok && !reason_names_format(vf->format, reason))
				problem = "bad reason for";
			if (problem != NULL) {
				fprintf(stderr, "FAIL %s: %s %s:%d: ", lexc_format_name(vf->format),
				        problem, vf->name, lineno);
				print_vector(line, len);
				fprintf(stderr, "%s%s\n", reason ? " -- " : "",
				        reason ? reason : "");
				(*failures)++;
			}
		}
		line += len + 1;
	}
	free(text);
	return count;
}

START_TEST(test_interop_vectors)
{
	const char *dir = getenv("LEXC_TEST_DATA");
	ck_assert_msg(dir != NULL, "LEXC_TEST_DATA is not set");
	size_t total = 0, failures = 0;
	size_t nfiles = sizeof vector_files / sizeof vector_files[0];
	for (size_t i = 0; i < nfiles; i++)
		total += run_file(dir, &vector_files[i], &failures);
	fprintf(stderr, "interop: %zu vectors in %zu files, %zu failures\n", total, nfiles,
	        failures);
	ck_assert_uint_eq(nfiles, 24);
	ck_assert_uint_eq(failures, 0);
	ck_assert_uint_eq(total, VECTOR_COUNT);
}
END_TEST

/* ---- helpers for the edge cases ---- */

static void expect_valid(lexc_format f, const char *s, size_t len)
{
	const char *reason;
	bool ok = check_exact(f, s, len, &reason);
	ck_assert_msg(ok, "%s: rejected \"%.*s\" (%zu bytes): %s", lexc_format_name(f),
	              (int)(len > 80 ? 80 : len), s, len, reason ? reason : "(no reason)");
}

static void expect_invalid(lexc_format f, const char *s, size_t len)
{
	const char *reason;
	bool ok = check_exact(f, s, len, &reason);
	ck_assert_msg(!ok, "%s: accepted \"%.*s\" (%zu bytes)", lexc_format_name(f),
	              (int)(len > 80 ? 80 : len), s, len);
	ck_assert_msg(reason_names_format(f, reason), "%s: bad reason \"%s\" for \"%.*s\"",
	              lexc_format_name(f), reason ? reason : "(null)", (int)(len > 80 ? 80 : len),
	              s);
}

/* Expects rejection with exactly this reason. */
static void expect_reason(lexc_format f, const char *s, const char *want)
{
	const char *reason;
	bool ok = check_exact(f, s, strlen(s), &reason);
	ck_assert_msg(!ok, "%s: accepted \"%s\"", lexc_format_name(f), s);
	ck_assert_ptr_nonnull(reason);
	ck_assert_str_eq(reason, want);
}

#define VALID(f, s) expect_valid(LEXC_FORMAT_##f, s, strlen(s))
#define INVALID(f, s) expect_invalid(LEXC_FORMAT_##f, s, strlen(s))

/* A string of n copies of c, then tail; the caller frees it. */
static char *repeat(const char *head, char c, size_t n, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *s = malloc(h + n + t + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, head, h);
	memset(s + h, c, n);
	memcpy(s + h + n, tail, t + 1);
	return s;
}

/* One valid example per format (index by lexc_format). */
static const char *const samples[LEXC_FORMAT_COUNT_] = {
        [LEXC_FORMAT_AT_IDENTIFIER] = "alice.example.com",
        [LEXC_FORMAT_AT_URI] = "at://did:plc:abc/app.bsky.feed.post/3jzfcijpj2z2a",
        [LEXC_FORMAT_CID] = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
        [LEXC_FORMAT_DATETIME] = "1985-04-12T23:20:50.123Z",
        [LEXC_FORMAT_DID] = "did:plc:7iza6de2dwap2sbkpav7c6c6",
        [LEXC_FORMAT_HANDLE] = "john.test",
        [LEXC_FORMAT_NSID] = "com.example.fooBar",
        [LEXC_FORMAT_TID] = "3jzfcijpj2z2a",
        [LEXC_FORMAT_RECORD_KEY] = "self",
        [LEXC_FORMAT_URI] = "https://example.com/path",
        [LEXC_FORMAT_LANGUAGE] = "pt-BR",
};

/* ---- names and dispatch ---- */

START_TEST(test_names_round_trip)
{
	static const char *const names[] = {"at-identifier", "at-uri", "cid",     "datetime",
	                                    "did",           "handle", "nsid",    "tid",
	                                    "record-key",    "uri",    "language"};
	ck_assert_int_eq(LEXC_FORMAT_COUNT_ - 1, 11);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		lexc_format f = lexc_format_from_name(names[i], strlen(names[i]));
		ck_assert_int_ne(f, LEXC_FORMAT_NONE);
		ck_assert_str_eq(lexc_format_name(f), names[i]);
		/* A prefix or an extension of a name is not that name. */
		ck_assert_int_eq(lexc_format_from_name(names[i], strlen(names[i]) - 1),
		                 LEXC_FORMAT_NONE);
		char longer[32];
		snprintf(longer, sizeof longer, "%sx", names[i]);
		ck_assert_int_eq(lexc_format_from_name(longer, strlen(longer)), LEXC_FORMAT_NONE);
	}
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++) {
		const char *name = lexc_format_name((lexc_format)f);
		ck_assert_int_eq(lexc_format_from_name(name, strlen(name)), f);
	}
	/* Names are spans, not C strings. */
	ck_assert_int_eq(lexc_format_from_name("didx", 3), LEXC_FORMAT_DID);
	ck_assert_int_eq(lexc_format_from_name("DID", 3), LEXC_FORMAT_NONE);
	ck_assert_int_eq(lexc_format_from_name("", 0), LEXC_FORMAT_NONE);
	ck_assert_int_eq(lexc_format_from_name(NULL, 0), LEXC_FORMAT_NONE);
	ck_assert_int_eq(lexc_format_from_name("bogus", 5), LEXC_FORMAT_NONE);
	ck_assert_str_eq(lexc_format_name(LEXC_FORMAT_NONE), "");
	ck_assert_str_eq(lexc_format_name(LEXC_FORMAT_COUNT_), "");
	ck_assert_str_eq(lexc_format_name((lexc_format)-1), "");
	ck_assert_str_eq(lexc_format_name((lexc_format)1000), "");
}
END_TEST

START_TEST(test_check_none_and_out_of_range)
{
	const char *reason = NULL;
	ck_assert(lexc_format_check(LEXC_FORMAT_NONE, "anything at all", 15, &reason));
	ck_assert(lexc_format_check(LEXC_FORMAT_NONE, NULL, 0, NULL));
	ck_assert(lexc_format_check(LEXC_FORMAT_NONE, "a\0b", 3, NULL));
	ck_assert(!lexc_format_check(LEXC_FORMAT_COUNT_, "did:plc:abc", 11, &reason));
	ck_assert_ptr_nonnull(reason);
	ck_assert_uint_gt(strlen(reason), 0);
	reason = NULL;
	ck_assert(!lexc_format_check((lexc_format)-3, "x", 1, &reason));
	ck_assert_ptr_nonnull(reason);
	ck_assert(!lexc_format_check((lexc_format)99, "x", 1, NULL));
}
END_TEST

START_TEST(test_samples_valid)
{
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++)
		expect_valid((lexc_format)f, samples[f], strlen(samples[f]));
}
END_TEST

START_TEST(test_empty_rejected)
{
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++) {
		expect_invalid((lexc_format)f, "", 0);
		const char *reason = NULL;
		ck_assert(!lexc_format_check((lexc_format)f, NULL, 0, &reason));
		ck_assert(reason_names_format((lexc_format)f, reason));
		ck_assert(!checkers[f](NULL, 0, NULL));
	}
}
END_TEST

/* A NUL byte anywhere, or after the end, makes any sample invalid. */
START_TEST(test_embedded_nul)
{
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++) {
		size_t len = strlen(samples[f]);
		char buf[128];
		ck_assert_uint_lt(len, sizeof buf);
		for (size_t i = 0; i < len; i++) {
			memcpy(buf, samples[f], len);
			buf[i] = '\0';
			expect_invalid((lexc_format)f, buf, len);
		}
		memcpy(buf, samples[f], len);
		buf[len] = '\0';
		expect_invalid((lexc_format)f, buf, len + 1);
	}
}
END_TEST

START_TEST(test_null_reason)
{
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++) {
		ck_assert(!lexc_format_check((lexc_format)f, "\x01", 1, NULL));
		ck_assert(checkers[f](samples[f], strlen(samples[f]), NULL));
	}
}
END_TEST

/* ---- length limits, exactly at and one over ---- */

START_TEST(test_limit_did)
{
	char *s = repeat("did:plc:", 'a', 2048 - 8, "");
	expect_valid(LEXC_FORMAT_DID, s, 2048);
	expect_valid(LEXC_FORMAT_AT_IDENTIFIER, s, 2048);
	free(s);
	s = repeat("did:plc:", 'a', 2049 - 8, "");
	expect_reason(LEXC_FORMAT_DID, s, "did: longer than 2048 characters");
	INVALID(AT_IDENTIFIER, s);
	free(s);
}
END_TEST

START_TEST(test_limit_handle)
{
	char buf[300];
	/* Three 63-byte labels and a 61-byte TLD: 253 bytes. */
	memset(buf, 'a', sizeof buf);
	buf[63] = buf[127] = buf[191] = '.';
	expect_valid(LEXC_FORMAT_HANDLE, buf, 253);
	expect_valid(LEXC_FORMAT_AT_IDENTIFIER, buf, 253);
	expect_invalid(LEXC_FORMAT_HANDLE, buf, 254);
	char *s = repeat("", 'a', 254, "");
	s[100] = '.';
	expect_reason(LEXC_FORMAT_HANDLE, s, "handle: longer than 253 characters");
	free(s);
	s = repeat("", 'o', 63, ".test");
	VALID(HANDLE, s);
	free(s);
	s = repeat("", 'o', 64, ".test");
	expect_reason(LEXC_FORMAT_HANDLE, s, "handle: label longer than 63 characters");
	free(s);
}
END_TEST

START_TEST(test_limit_nsid)
{
	char buf[320];
	/* Four 63-byte segments and a 61-byte name: 317 bytes. */
	memset(buf, 'a', sizeof buf);
	buf[63] = buf[127] = buf[191] = buf[255] = '.';
	expect_valid(LEXC_FORMAT_NSID, buf, 317);
	buf[318] = '\0';
	expect_reason(LEXC_FORMAT_NSID, buf, "nsid: longer than 317 characters");
	char *s = repeat("com.example.", 'a', 63, "");
	VALID(NSID, s);
	free(s);
	s = repeat("com.example.", 'a', 64, "");
	expect_reason(LEXC_FORMAT_NSID, s, "nsid: segment longer than 63 characters");
	free(s);
}
END_TEST

START_TEST(test_limit_record_key)
{
	char *s = repeat("", 'k', 512, "");
	VALID(RECORD_KEY, s);
	free(s);
	s = repeat("", 'k', 513, "");
	expect_reason(LEXC_FORMAT_RECORD_KEY, s, "record-key: longer than 512 characters");
	free(s);
	/* The longest record key also fits in an at-uri. */
	s = repeat("at://did:plc:abc/com.example.thing/", 'k', 512, "");
	VALID(AT_URI, s);
	free(s);
}
END_TEST

START_TEST(test_limit_uri_and_at_uri)
{
	char *s = repeat("https://example.com/", 'x', 8192 - 20, "");
	VALID(URI, s);
	free(s);
	s = repeat("https://example.com/", 'x', 8193 - 20, "");
	expect_reason(LEXC_FORMAT_URI, s, "uri: longer than 8192 characters");
	free(s);
	/* No valid at-uri reaches 8192 bytes (its parts are capped), so at the
	 * limit the record key fails and one over the length check fires. */
	s = repeat("at://did:plc:abc/com.example.thing/", 'k', 8192 - 35, "");
	expect_reason(LEXC_FORMAT_AT_URI, s, "at-uri: record key: longer than 512 characters");
	free(s);
	s = repeat("at://did:plc:abc/com.example.thing/", 'k', 8193 - 35, "");
	expect_reason(LEXC_FORMAT_AT_URI, s, "at-uri: longer than 8192 characters");
	free(s);
}
END_TEST

START_TEST(test_limit_datetime)
{
	/* 19 + '.' + 43 digits + 'Z' = 64 bytes. */
	char *s = repeat("1985-04-12T23:20:50.", '1', 43, "Z");
	VALID(DATETIME, s);
	free(s);
	s = repeat("1985-04-12T23:20:50.", '1', 44, "Z");
	expect_reason(LEXC_FORMAT_DATETIME, s, "datetime: longer than 64 characters");
	free(s);
}
END_TEST

START_TEST(test_limit_language)
{
	char buf[200] = "en-x";
	for (int i = 0; i < 15; i++)
		strcat(buf, "-abcdefg");
	strcat(buf, "-abc");
	ck_assert_uint_eq(strlen(buf), 128);
	VALID(LANGUAGE, buf);
	strcat(buf, "d");
	expect_reason(LEXC_FORMAT_LANGUAGE, buf, "language: longer than 128 characters");
}
END_TEST

START_TEST(test_limit_cid_tid)
{
	VALID(CID, "bafybeig");
	expect_reason(LEXC_FORMAT_CID, "bafybei", "cid: shorter than 8 characters");
	char *s = repeat("b", 'a', 255, "");
	VALID(CID, s);
	free(s);
	s = repeat("b", 'a', 256, "");
	expect_reason(LEXC_FORMAT_CID, s, "cid: longer than 256 characters");
	free(s);
	expect_reason(LEXC_FORMAT_TID, "3jzfcijpj2z2", "tid: must be exactly 13 characters");
	expect_reason(LEXC_FORMAT_TID, "3jzfcijpj2z2aa", "tid: must be exactly 13 characters");
}
END_TEST

/* ---- per-format edge cases ---- */

START_TEST(test_datetime_calendar)
{
	VALID(DATETIME, "2000-02-29T00:00:00Z");
	VALID(DATETIME, "2004-02-29T12:00:00Z");
	VALID(DATETIME, "0000-02-29T00:00:00Z"); /* year 0 is a leap year */
	VALID(DATETIME, "1985-12-31T23:59:59.999Z");
	VALID(DATETIME, "1985-04-30T00:00:00Z");
	VALID(DATETIME, "1985-01-31T00:00:00+23:59");
	VALID(DATETIME, "1985-04-12T23:20:50+00:00");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-02-29T00:00:00Z",
	              "datetime: day out of range for month");
	expect_reason(LEXC_FORMAT_DATETIME, "1900-02-29T00:00:00Z",
	              "datetime: day out of range for month");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-31T00:00:00Z",
	              "datetime: day out of range for month");
	INVALID(DATETIME, "1985-06-31T00:00:00Z");
	INVALID(DATETIME, "1985-09-31T00:00:00Z");
	INVALID(DATETIME, "1985-11-31T00:00:00Z");
	INVALID(DATETIME, "1985-01-32T00:00:00Z");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-00-12T00:00:00Z", "datetime: month out of range");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-12-31T23:59:60Z",
	              "datetime: second out of range");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T24:00:00Z", "datetime: hour out of range");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:60:00Z",
	              "datetime: minute out of range");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:20:50+24:00",
	              "datetime: timezone offset out of range");
	INVALID(DATETIME, "1985-04-12T23:20:50+01:60");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:20:50-00:00",
	              "datetime: -00:00 is not allowed (use Z or +00:00)");
	/* Normalizing to UTC must stay within years 0000-9999. */
	VALID(DATETIME, "0000-01-01T00:00:00Z");
	VALID(DATETIME, "0000-01-01T01:00:00+01:00");
	VALID(DATETIME, "0000-01-01T00:00:00-01:00");
	VALID(DATETIME, "0000-01-02T00:00:00+23:59");
	expect_reason(LEXC_FORMAT_DATETIME, "0000-01-01T00:59:59.999+01:00",
	              "datetime: normalizes to before year 0");
	VALID(DATETIME, "9999-12-31T23:59:59.999Z");
	VALID(DATETIME, "9999-12-31T23:59:59+00:01");
	VALID(DATETIME, "9999-12-31T22:59:59-01:00");
	expect_reason(LEXC_FORMAT_DATETIME, "9999-12-31T23:00:00-01:00",
	              "datetime: normalizes to after year 9999");
	/* Shape. */
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:20:50",
	              "datetime: timezone is required");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:20:50.5",
	              "datetime: timezone is required");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:20:50.Z",
	              "datetime: fractional seconds need at least one digit");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12t23:20:50Z",
	              "datetime: date must be followed by an uppercase 'T'");
	expect_reason(LEXC_FORMAT_DATETIME, "1985-04-12T23:20:50Zx",
	              "datetime: unexpected characters after the timezone");
	INVALID(DATETIME, "1985-04-12T23:20:50,5Z");
	INVALID(DATETIME, "1985-04-12T23:20:50.5+0100");
}
END_TEST

START_TEST(test_did_cases)
{
	expect_reason(LEXC_FORMAT_DID, "did:METHOD:val", "did: method must be lowercase letters");
	expect_reason(LEXC_FORMAT_DID, "did::val", "did: method must be lowercase letters");
	expect_reason(LEXC_FORMAT_DID, "did:method",
	              "did: method must be followed by ':' and an identifier");
	expect_reason(LEXC_FORMAT_DID, "did:method:", "did: identifier must not be empty");
	expect_reason(LEXC_FORMAT_DID, "did:method:val:", "did: must not end with ':' or '%'");
	expect_reason(LEXC_FORMAT_DID, "Did:method:val", "did: must start with \"did:\"");
	INVALID(DID, "did:method:val%");
	INVALID(DID, "did:method:v\xc3\xa9");
	VALID(DID, "did:method:%3A:a");
	VALID(AT_IDENTIFIER, "did:web:example.com%3A8080");
	expect_reason(LEXC_FORMAT_AT_IDENTIFIER, "did:web",
	              "did: method must be followed by ':' and an identifier");
	expect_reason(LEXC_FORMAT_AT_IDENTIFIER, "john.0",
	              "handle: last label must start with a letter");
}
END_TEST

START_TEST(test_handle_nsid_cases)
{
	expect_reason(LEXC_FORMAT_HANDLE, "john", "handle: needs at least two labels");
	expect_reason(LEXC_FORMAT_HANDLE, "john-.test",
	              "handle: labels must not start or end with a hyphen");
	expect_reason(LEXC_FORMAT_HANDLE, "john..test", "handle: labels must not be empty");
	expect_reason(LEXC_FORMAT_HANDLE, "john.test.", "handle: must not end with a dot");
	expect_reason(LEXC_FORMAT_HANDLE, "jo_hn.test",
	              "handle: may contain only ASCII letters, digits, hyphens and dots");
	expect_reason(LEXC_FORMAT_HANDLE, "127.0.0.1",
	              "handle: last label must start with a letter");
	VALID(HANDLE, "a.b-c");
	VALID(HANDLE, "0.a");
	expect_reason(LEXC_FORMAT_NSID, "com.example", "nsid: needs at least three segments");
	expect_reason(LEXC_FORMAT_NSID, "1com.example.foo",
	              "nsid: first segment must not start with a digit");
	expect_reason(LEXC_FORMAT_NSID, "com.example.2foo",
	              "nsid: name (last segment) must start with a letter");
	expect_reason(LEXC_FORMAT_NSID, "com.example.foo-bar",
	              "nsid: name (last segment) may contain only letters and digits");
	expect_reason(LEXC_FORMAT_NSID, "com.example.*",
	              "nsid: may contain only ASCII letters, digits, hyphens and dots");
	VALID(NSID, "com.Example.foo");
	VALID(NSID, "a.b.c");
}
END_TEST

START_TEST(test_at_uri_cases)
{
	VALID(AT_URI, "at://alice.example.com");
	VALID(AT_URI, "at://did:web:example.com%3A8080/com.example.thing/self");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc/com.example.thing/a/b",
	              "at-uri: path has more than a collection and a record key");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc/",
	              "at-uri: trailing slash is not allowed");
	expect_reason(LEXC_FORMAT_AT_URI, "at:///com.example.thing",
	              "at-uri: authority must not be empty");
	expect_reason(LEXC_FORMAT_AT_URI, "at://", "at-uri: authority must not be empty");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc//x", "at-uri: empty path segment");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc?x=1",
	              "at-uri: query and fragment are not allowed");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc/com.example.thing#/x",
	              "at-uri: query and fragment are not allowed");
	expect_reason(LEXC_FORMAT_AT_URI, "AT://did:plc:abc", "at-uri: must start with \"at://\"");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:PLC:abc",
	              "at-uri: authority DID: method must be lowercase letters");
	expect_reason(LEXC_FORMAT_AT_URI, "at://bsky",
	              "at-uri: authority handle: needs at least two labels");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc/short",
	              "at-uri: collection NSID: needs at least three segments");
	expect_reason(LEXC_FORMAT_AT_URI, "at://did:plc:abc/com.example.thing/..",
	              "at-uri: record key: must not be \".\" or \"..\"");
}
END_TEST

START_TEST(test_record_key_tid_cases)
{
	VALID(RECORD_KEY, "...");
	VALID(RECORD_KEY, "~");
	expect_reason(LEXC_FORMAT_RECORD_KEY, ".", "record-key: must not be \".\" or \"..\"");
	expect_reason(LEXC_FORMAT_RECORD_KEY, "..", "record-key: must not be \".\" or \"..\"");
	expect_reason(LEXC_FORMAT_RECORD_KEY, "a/b",
	              "record-key: may contain only ASCII letters, digits and . _ : ~ -");
	INVALID(RECORD_KEY, "a%20b");
	VALID(TID, "2222222222222");
	VALID(TID, "jzzzzzzzzzzzz");
	expect_reason(LEXC_FORMAT_TID, "kzzzzzzzzzzzz", "tid: first character must be 2-7 or a-j");
	expect_reason(LEXC_FORMAT_TID, "3jzfcijpj2z21", "tid: may contain only 2-7 and a-z");
	INVALID(TID, "3JZFCIJPJ2Z2A");
}
END_TEST

START_TEST(test_cid_uri_cases)
{
	expect_reason(LEXC_FORMAT_CID, "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR",
	              "cid: CIDv0 (\"Qm...\") is not allowed, use CIDv1");
	INVALID(CID, "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
	VALID(CID, "QzAbcdefgh");
	expect_reason(LEXC_FORMAT_CID, "bafy/abc+def",
	              "cid: may contain only ASCII letters, digits, '+' and '='");
	INVALID(CID, "Qm/abcdefgh");
	VALID(URI, "HTTPS://EXAMPLE.COM");
	VALID(URI, "s3://bucket/key");
	VALID(URI, "coap+tcp://host");
	VALID(URI, "a:b");
	VALID(URI, "mailto:alice@example.com");
	expect_reason(LEXC_FORMAT_URI, "http:", "uri: nothing after the scheme");
	expect_reason(LEXC_FORMAT_URI, "1http://x", "uri: must start with a scheme and ':'");
	expect_reason(LEXC_FORMAT_URI, "http://ex ample",
	              "uri: may contain only printable ASCII, no spaces");
	INVALID(URI, "http://ex\xc3\xa4mple.com");
	INVALID(URI, "http://x\x7f");
	INVALID(URI, "h_ttp://x");
}
END_TEST

START_TEST(test_language_cases)
{
	VALID(LANGUAGE, "en");
	VALID(LANGUAGE, "x-private");
	VALID(LANGUAGE, "i-klingon");
	VALID(LANGUAGE, "i-KLINGON");
	VALID(LANGUAGE, "en-GB-oed");
	VALID(LANGUAGE, "en-gb-oed");
	VALID(LANGUAGE, "zh-min-nan");
	VALID(LANGUAGE, "art-lojban");
	VALID(LANGUAGE, "sr-Latn-RS");
	VALID(LANGUAGE, "en-abc-def-ghi");
	VALID(LANGUAGE, "en-US-u-ca-gregory-x-a-a");
	VALID(LANGUAGE, "de-1996");
	VALID(LANGUAGE, "en-a-bbb-c-ddd");
	VALID(LANGUAGE, "en-a-b1");
	expect_reason(LEXC_FORMAT_LANGUAGE, "I-klingon",
	              "language: primary subtag must be 2 or 3 lowercase letters");
	expect_reason(LEXC_FORMAT_LANGUAGE, "i-foo",
	              "language: primary subtag must be 2 or 3 lowercase letters");
	expect_reason(LEXC_FORMAT_LANGUAGE, "abcde",
	              "language: primary subtag must be 2 or 3 lowercase letters");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-abc-def-ghi-jkl",
	              "language: subtag out of order or of the wrong length");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-US-Latn",
	              "language: subtag out of order or of the wrong length");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-a-b",
	              "language: extension singleton needs a subtag of 2-8 characters");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-a",
	              "language: extension singleton needs a subtag of 2-8 characters");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-x", "language: private use 'x' needs a subtag");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-x-abcdefghi",
	              "language: subtag longer than 8 characters");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en--US", "language: empty subtag");
	expect_reason(LEXC_FORMAT_LANGUAGE, "-en", "language: empty subtag");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-", "language: empty subtag");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en_US",
	              "language: subtags may contain only ASCII letters and digits");
	expect_reason(LEXC_FORMAT_LANGUAGE, "de-1996-1996", "language: variant subtag repeated");
	expect_reason(LEXC_FORMAT_LANGUAGE, "de-rozaj-1996-Rozaj",
	              "language: variant subtag repeated");
	expect_reason(LEXC_FORMAT_LANGUAGE, "en-a-bb-A-cc",
	              "language: extension singleton repeated");
	INVALID(LANGUAGE, "en-US-");
	INVALID(LANGUAGE, "en-a1b");
}
END_TEST

static Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *tc = tcase_create("interop");
	tcase_add_test(tc, test_interop_vectors);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_test(tc, test_names_round_trip);
	tcase_add_test(tc, test_check_none_and_out_of_range);
	tcase_add_test(tc, test_samples_valid);
	tcase_add_test(tc, test_empty_rejected);
	tcase_add_test(tc, test_embedded_nul);
	tcase_add_test(tc, test_null_reason);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_limit_did);
	tcase_add_test(tc, test_limit_handle);
	tcase_add_test(tc, test_limit_nsid);
	tcase_add_test(tc, test_limit_record_key);
	tcase_add_test(tc, test_limit_uri_and_at_uri);
	tcase_add_test(tc, test_limit_datetime);
	tcase_add_test(tc, test_limit_language);
	tcase_add_test(tc, test_limit_cid_tid);
	suite_add_tcase(s, tc);

	tc = tcase_create("cases");
	tcase_add_test(tc, test_datetime_calendar);
	tcase_add_test(tc, test_did_cases);
	tcase_add_test(tc, test_handle_nsid_cases);
	tcase_add_test(tc, test_at_uri_cases);
	tcase_add_test(tc, test_record_key_tid_cases);
	tcase_add_test(tc, test_cid_uri_cases);
	tcase_add_test(tc, test_language_cases);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(formats_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
