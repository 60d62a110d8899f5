/* Differential test of the JSON reader against jansson 2.14, with the
 * oracle of the fuzz target (tests/fuzz/fuzz_json.c, included below): every
 * file of $LEXC_TEST_DATA/json/{valid,invalid}, a few edge documents, and
 * some thousands of generated and mutated documents from a fixed seed. */
#define JSON_ORACLE_NO_FUZZER 1
#include "fuzz/fuzz_json.c"

#include <check.h>
#include <dirent.h>

static const char *const verdict_names[] = {"agree-accept", "agree-reject", "known-difference",
                                            "depth-only",   "MISMATCH",     "jansson-nul-quirk"};

enum { VERDICTS = 6 };

struct tally {
	size_t n[VERDICTS];
};

static enum json_verdict check_doc(struct tally *t, const char *what, const char *doc, size_t len)
{
	/* An exact-size heap copy: the reader must not read past it. */
	char *copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len > 0)
		memcpy(copy, doc, len);
	struct json_oracle o;
	enum json_verdict v = json_oracle_run(&o, (const uint8_t *)copy, len);
	t->n[v]++;
	if (v == JSON_MISMATCH) {
		fprintf(stderr, "MISMATCH %s (%zu bytes): %s\n  input: ", what, len, o.why);
		for (size_t i = 0; i < len && i < 300; i++) {
			unsigned char c = (unsigned char)copy[i];
			if (c >= 0x20 && c < 0x7F && c != '\\')
				fputc(c, stderr);
			else
				fprintf(stderr, "\\x%02X", c);
		}
		fputc('\n', stderr);
	}
	free(copy);
	return v;
}

static void print_tally(const char *name, const struct tally *t)
{
	fprintf(stderr, "%s:", name);
	for (int i = 0; i < VERDICTS; i++)
		fprintf(stderr, " %s %zu", verdict_names[i], t->n[i]);
	fputc('\n', stderr);
}

/* ---- the data folder ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static void run_dir(const char *sub, bool valid)
{
	const char *data = getenv("LEXC_TEST_DATA");
	ck_assert_msg(data != NULL, "LEXC_TEST_DATA is not set");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/json/%s", data, sub);
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	struct tally t = {{0}};
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name);
		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t len;
		char *doc = slurp(path, &len);
		enum json_verdict v = check_doc(&t, e->d_name, doc, len);
		if (valid)
			ck_assert_msg(v == JSON_AGREE_ACCEPT || v == JSON_KNOWN_DIFF, "%s: %s",
			              e->d_name, verdict_names[v]);
		else
			ck_assert_msg(v == JSON_AGREE_REJECT || v == JSON_DEPTH_ONLY, "%s: %s",
			              e->d_name, verdict_names[v]);
		free(doc);
	}
	closedir(d);
	print_tally(dir, &t);
	ck_assert_uint_eq(t.n[JSON_MISMATCH], 0);
}

START_TEST(test_data_valid)
{
	run_dir("valid", true);
}
END_TEST

START_TEST(test_data_invalid)
{
	run_dir("invalid", false);
}
END_TEST

/* ---- edge documents: the documented differences and jansson's depth ---- */

START_TEST(test_edges)
{
	static const struct {
		const char *doc;
		enum json_verdict want;
		size_t len; /* 0: strlen */
	} cases[] = {
	        {"9223372036854775807", JSON_AGREE_ACCEPT, 0},
	        {"9223372036854775808", JSON_KNOWN_DIFF, 0},
	        {"-9223372036854775809", JSON_KNOWN_DIFF, 0},
	        {"[1e400]", JSON_KNOWN_DIFF, 0},
	        {"-1e400", JSON_KNOWN_DIFF, 0},
	        {"1e-400", JSON_AGREE_ACCEPT, 0},
	        {"1e19", JSON_AGREE_ACCEPT, 0}, /* a real to jansson: no overflow */
	        {"{\"a\\u0000\":1}", JSON_KNOWN_DIFF, 0},
	        {"{\"\":1}", JSON_AGREE_ACCEPT, 0},
	        {"\"a\\u0000b\"", JSON_AGREE_ACCEPT, 0},
	        {"{\"a\":1,\"a\":2}", JSON_AGREE_REJECT, 0},
	        {"{\"a\":1,\"\\u0061\":2}", JSON_AGREE_REJECT, 0},
	        {"\"\\ud800\"", JSON_AGREE_REJECT, 0},
	        {"\xEF\xBB\xBF[]", JSON_AGREE_REJECT, 0},
	        {"[1,]", JSON_AGREE_REJECT, 0},
	        {"", JSON_AGREE_REJECT, 0},
	        {"[1\0]", JSON_JANSSON_NUL, 4},
	        {"true\0", JSON_JANSSON_NUL, 5},
	        {"[1e5\0,2]", JSON_JANSSON_NUL, 8},
	        {"\"a\"\0", JSON_AGREE_REJECT, 4},
	        {"[1,\0]", JSON_AGREE_REJECT, 5},
	};
	struct tally t = {{0}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].doc);
		enum json_verdict v = check_doc(&t, cases[i].doc, cases[i].doc, len);
		ck_assert_msg(v == cases[i].want, "%s: %s, want %s", cases[i].doc, verdict_names[v],
		              verdict_names[cases[i].want]);
	}
	/* Depth 33 is valid JSON but over the default limit; 2048 is
	 * jansson's limit and the reader's in the oracle; 2049 is over both. */
	static const size_t depths[] = {32, 33, 2048, 2049};
	for (size_t i = 0; i < 4; i++) {
		size_t n = depths[i];
		char *doc = malloc(2 * n);
		ck_assert_ptr_nonnull(doc);
		memset(doc, '[', n);
		memset(doc + n, ']', n);
		enum json_verdict v = check_doc(&t, "deep", doc, 2 * n);
		enum json_verdict want = n == 32     ? JSON_AGREE_ACCEPT
		                         : n <= 2048 ? JSON_DEPTH_ONLY
		                                     : JSON_AGREE_REJECT;
		ck_assert_msg(v == want, "depth %zu: %s", n, verdict_names[v]);
		free(doc);
	}
	print_tally("edges", &t);
}
END_TEST

/* ---- generated documents ---- */

struct gen {
	uint64_t s;
	char *buf;
	size_t len, cap;
};

static uint32_t rnd(struct gen *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (uint32_t)(g->s >> 32);
}

static bool chance(struct gen *g, unsigned percent)
{
	return rnd(g) % 100 < percent;
}

static void put(struct gen *g, const char *s, size_t n)
{
	if (g->len + n > g->cap) {
		g->cap = (g->len + n) * 2 + 64;
		g->buf = realloc(g->buf, g->cap);
		ck_assert_ptr_nonnull(g->buf);
	}
	memcpy(g->buf + g->len, s, n);
	g->len += n;
}

static void puts_(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

static void putch(struct gen *g, char c)
{
	put(g, &c, 1);
}

static void gen_ws(struct gen *g)
{
	if (chance(g, 85))
		return;
	static const char ws[] = " \t\r\n";
	for (unsigned n = rnd(g) % 3 + 1; n > 0; n--)
		putch(g, ws[rnd(g) % 4]);
}

static void put_utf8(struct gen *g, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put(g, b, n);
}

static uint32_t random_scalar(struct gen *g)
{
	switch (rnd(g) % 4) {
	case 0:
		return 0x80 + rnd(g) % 0x780;
	case 1:
		return 0x800 + rnd(g) % (0xD800 - 0x800);
	case 2:
		return 0xE000 + rnd(g) % 0x2000;
	default:
		return 0x10000 + rnd(g) % 0x100000;
	}
}

static void gen_string_body(struct gen *g, unsigned n)
{
	char tmp[16];
	for (unsigned i = 0; i < n; i++) {
		unsigned k = rnd(g) % 1000;
		if (k < 600) {
			putch(g, "abcdefghijklmnopqrstuvwxyz ABC$#0123"[rnd(g) % 36]);
		} else if (k < 700) {
			static const char *const esc[] = {"\\\"", "\\\\", "\\/", "\\b",
			                                  "\\f",  "\\n",  "\\r", "\\t"};
			puts_(g, esc[rnd(g) % 8]);
		} else if (k < 780) {
			uint32_t cp = rnd(g) % 4 == 0 ? rnd(g) % 0x80 : random_scalar(g) & 0xFFFF;
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0x41;
			snprintf(tmp, sizeof tmp, rnd(g) % 2 ? "\\u%04x" : "\\u%04X", (unsigned)cp);
			puts_(g, tmp);
		} else if (k < 820) {
			uint32_t cp = 0x10000 + rnd(g) % 0x100000;
			snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
			         0xDC00 + ((cp - 0x10000) & 0x3FF));
			puts_(g, tmp);
		} else if (k < 950) {
			put_utf8(g, random_scalar(g));
		} else if (k < 960) {
			puts_(g, "\\u0000");
		} else if (k < 970) {
			/* A lone or reversed surrogate. */
			snprintf(tmp, sizeof tmp, "\\u%04x", 0xD800 + rnd(g) % 0x800);
			puts_(g, tmp);
		} else if (k < 980) {
			/* A random byte: raw controls, stray continuation bytes... */
			putch(g, (char)(rnd(g) % 256));
		} else if (k < 990) {
			/* An encoded surrogate, overlong or out-of-range sequence. */
			static const char *const bad[] = {
			        "\xED\xA0\x80",         "\xC0\xAF",
			        "\xE0\x80\x80",         "\xF4\x90\x80\x80",
			        "\xF8\x88\x80\x80\x80", "\xC3"};
			puts_(g, bad[rnd(g) % 6]);
		} else {
			static const char *const bad_esc[] = {"\\x", "\\u12", "\\U0041", "\\'",
			                                      "\\"};
			puts_(g, bad_esc[rnd(g) % 5]);
		}
	}
}

static void gen_key(struct gen *g)
{
	/* A small pool, so duplicates (also escaped ones) happen. */
	static const char *const pool[] = {"\"a\"",         "\"b\"",        "\"$type\"",
	                                   "\"text\"",      "\"\\u0061\"",  "\"\"",
	                                   "\"createdAt\"", "\"a\\u0000\"", "\"\\u0062\""};
	if (chance(g, 50)) {
		puts_(g, pool[rnd(g) % 9]);
		return;
	}
	putch(g, '"');
	gen_string_body(g, rnd(g) % 10);
	putch(g, '"');
}

static void gen_digits(struct gen *g, unsigned n, bool lead_nonzero)
{
	for (unsigned i = 0; i < n; i++)
		putch(g, (char)('0' + (i == 0 && lead_nonzero ? 1 + rnd(g) % 9 : rnd(g) % 10)));
}

static void gen_number(struct gen *g)
{
	static const char *const special[] = {"0",
	                                      "-0",
	                                      "-0.0",
	                                      "1e2",
	                                      "1.5e1",
	                                      "9223372036854775807",
	                                      "9223372036854775808",
	                                      "-9223372036854775808",
	                                      "-9223372036854775809",
	                                      "1e400",
	                                      "1e-400",
	                                      "123.0",
	                                      "0.1e1",
	                                      "100e-2",
	                                      "1E+2",
	                                      "01",
	                                      "1.",
	                                      ".5",
	                                      "+1",
	                                      "1e",
	                                      "-",
	                                      "0x10",
	                                      "NaN",
	                                      "1e99999999999999999999"};
	if (chance(g, 20)) {
		puts_(g, special[rnd(g) % (sizeof special / sizeof special[0])]);
		return;
	}
	if (chance(g, 30))
		putch(g, '-');
	if (chance(g, 20))
		putch(g, '0');
	else {
		/* One call per statement: argument order is unspecified, and the
		 * corpus must not depend on the compiler. */
		unsigned most = chance(g, 10) ? 25 : 6;
		gen_digits(g, rnd(g) % most + 1, true);
	}
	if (chance(g, 30)) {
		putch(g, '.');
		gen_digits(g, rnd(g) % 8 + 1, false);
	}
	if (chance(g, 25)) {
		putch(g, "eE"[rnd(g) % 2]);
		if (chance(g, 50))
			putch(g, "+-"[rnd(g) % 2]);
		gen_digits(g, rnd(g) % 4 + 1, false);
	}
}

static void gen_value(struct gen *g, unsigned depth)
{
	unsigned k = rnd(g) % 100;
	if (depth > 6 && k < 40)
		k += 40;
	if (k < 20) {
		putch(g, '{');
		gen_ws(g);
		for (unsigned n = rnd(g) % 6, i = 0; i < n; i++) {
			if (i > 0) {
				putch(g, ',');
				gen_ws(g);
			}
			gen_key(g);
			gen_ws(g);
			putch(g, ':');
			gen_ws(g);
			gen_value(g, depth + 1);
			gen_ws(g);
		}
		putch(g, '}');
	} else if (k < 35) {
		putch(g, '[');
		gen_ws(g);
		for (unsigned n = rnd(g) % 6, i = 0; i < n; i++) {
			if (i > 0) {
				putch(g, ',');
				gen_ws(g);
			}
			gen_value(g, depth + 1);
			gen_ws(g);
		}
		putch(g, ']');
	} else if (k < 38) {
		/* A deep chain around the default limit. */
		unsigned n = 28 + rnd(g) % 10;
		for (unsigned i = 0; i < n; i++)
			puts_(g, rnd(g) % 2 ? "[" : "{\"d\":");
		gen_number(g);
		/* Close in reverse: remember the openers from the buffer. */
		size_t end = g->len;
		for (size_t i = end; i-- > 0 && n > 0;) {
			if (g->buf[i] == '[') {
				putch(g, ']');
				n--;
			} else if (g->buf[i] == '{') {
				putch(g, '}');
				n--;
			}
		}
	} else if (k < 65) {
		putch(g, '"');
		unsigned most = chance(g, 10) ? 80 : 12;
		gen_string_body(g, rnd(g) % most);
		putch(g, '"');
	} else if (k < 88) {
		gen_number(g);
	} else {
		static const char *const lits[] = {"true", "false", "null"};
		puts_(g, lits[rnd(g) % 3]);
	}
}

/* One random edit: replace, insert or delete a byte, truncate, or
 * duplicate a span. */
static void mutate(struct gen *g)
{
	static const char special[] =
	        "{}[],:\"\\ 0123456789eE.+-tfnu\x00\x01\x7f\x80\xBF\xC3\xED\xFF";
	if (g->len == 0) {
		putch(g, special[rnd(g) % (sizeof special - 1)]);
		return;
	}
	size_t pos = rnd(g) % g->len;
	switch (rnd(g) % 5) {
	case 0:
		g->buf[pos] = special[rnd(g) % (sizeof special - 1)];
		break;
	case 1:
		putch(g, ' ');
		memmove(g->buf + pos + 1, g->buf + pos, g->len - pos - 1);
		g->buf[pos] = special[rnd(g) % (sizeof special - 1)];
		break;
	case 2:
		memmove(g->buf + pos, g->buf + pos + 1, g->len - pos - 1);
		g->len--;
		break;
	case 3:
		g->len = pos;
		break;
	default: {
		size_t n = rnd(g) % (g->len - pos) + 1;
		char *span = malloc(n);
		ck_assert_ptr_nonnull(span);
		memcpy(span, g->buf + pos, n);
		put(g, span, n);
		free(span);
		break;
	}
	}
}

enum { GENERATED = 4000, MUTANTS_PER_DOC = 3 };

START_TEST(test_generated)
{
	struct gen g = {0x5EED0F1E2C0DEull, NULL, 0, 0};
	struct tally plain = {{0}}, mutated = {{0}};
	char what[64];
	for (int i = 0; i < GENERATED; i++) {
		g.len = 0;
		gen_ws(&g);
		gen_value(&g, 0);
		gen_ws(&g);
		size_t base_len = g.len;
		char *base = malloc(base_len > 0 ? base_len : 1);
		ck_assert_ptr_nonnull(base);
		memcpy(base, g.buf, base_len);
		snprintf(what, sizeof what, "generated #%d", i);
		check_doc(&plain, what, g.buf, g.len);
		for (int m = 0; m < MUTANTS_PER_DOC; m++) {
			g.len = 0;
			put(&g, base, base_len);
			for (unsigned e = rnd(&g) % 3 + 1; e > 0; e--)
				mutate(&g);
			snprintf(what, sizeof what, "mutant %d of #%d", m, i);
			check_doc(&mutated, what, g.buf, g.len);
		}
		free(base);
	}
	free(g.buf);
	print_tally("generated", &plain);
	print_tally("mutated", &mutated);
	ck_assert_uint_eq(plain.n[JSON_MISMATCH], 0);
	ck_assert_uint_eq(mutated.n[JSON_MISMATCH], 0);
	/* The generator must exercise both verdicts in earnest. */
	ck_assert_uint_ge(plain.n[JSON_AGREE_ACCEPT], GENERATED / 10);
	ck_assert_uint_ge(plain.n[JSON_AGREE_REJECT], GENERATED / 10);
	ck_assert_uint_ge(plain.n[JSON_KNOWN_DIFF] + mutated.n[JSON_KNOWN_DIFF], 10);
	ck_assert_uint_ge(plain.n[JSON_DEPTH_ONLY], 10);
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("json_diff");
	TCase *tc = tcase_create("jansson");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_data_valid);
	tcase_add_test(tc, test_data_invalid);
	tcase_add_test(tc, test_edges);
	tcase_add_test(tc, test_generated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(diff_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
