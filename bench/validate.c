/* bench/validate: decode+validate throughput for app.bsky.feed.post records.
 *
 *   bench/validate generate N FILE [heavy|plain]   writes N posts as JSON Lines
 *   bench/validate run LEXICONS FILE [SECONDS]
 *
 * "heavy" (the default): varied, realistic posts, a third with facets, a
 * quarter replies, half with an embed (images with blobs, external, record).
 * "plain": the plain post, about 420 bytes: $type, a text of
 * 250 to 410 bytes (mixed ASCII, accented, CJK and emoji words), createdAt
 * and one language tag; no facets, reply, embed or tags.
 *
 * `run` measures, on one core, (1) the lexc engine decoding and validating
 * each line into an arena that is reset per record, with the descriptors
 * lowered from the lexicon files exactly as `lexc validate` and generated
 * code use them, and (2) jansson's json_loadb building a DOM of each line,
 * no validation, as a baseline. Rates are per second of CPU time of the
 * process (see now()). It prints figures; it never fails.
 * bench/validate.sh adds the reference TypeScript validator. */
#include "config.h"

#include "lower.h"
#include "pipeline.h"

#include <lexc/codec.h>

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- corpus generation (deterministic: fixed-seed xorshift) ------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const words[] = {
        "the",
        "stream",
        "tonight",
        "coffee",
        "atproto",
        "lexicon",
        "hello",
        "world",
        "garden",
        "sunset",
        "build",
        "ship",
        "release",
        "bug",
        "fixed",
        "really",
        "caf\xC3\xA9",
        "na\xC3\xAFve",
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
        "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF",
        "\xF0\x9F\x98\x80",
        "\xF0\x9F\x8E\x89",
        "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
        "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5",
        "M\xC3\xBCnchen",
        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",
};
static const char *const langs[] = {"en", "ja", "de", "pt-BR", "fr", "es", "ko", "ru"};

static void b32(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[rnd(32)];
	out[n] = '\0';
}

static void tid(char *out)
{
	static const char alphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
	out[0] = "234567abcdefghij"[rnd(16)];
	for (int i = 1; i < 13; i++)
		out[i] = alphabet[rnd(32)];
	out[13] = '\0';
}

static void did(char *out)
{
	memcpy(out, "did:plc:", 8);
	b32(out + 8, 24);
}

/* A real CIDv1 (sha-256, `codec` 0x71 dag-cbor or 0x55 raw) with random
 * digest bytes, as multibase base32: the reference validator parses CIDs,
 * so made-up strings would not be a fair comparison. */
static void cid(char *out, unsigned codec)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char bin[36] = {0x01, (unsigned char)codec, 0x12, 0x20};
	for (int i = 4; i < 36; i++)
		bin[i] = (unsigned char)rnd(256);
	size_t n = 0;
	out[n++] = 'b';
	uint32_t acc = 0;
	int bits = 0;
	for (int i = 0; i < 36; i++) {
		acc = (acc << 8) | bin[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = alphabet[(acc << (5 - bits)) & 31];
	out[n] = '\0';
}

static void strong_ref(FILE *f)
{
	char d[40], t[14], c[70];
	did(d);
	tid(t);
	cid(c, 0x71);
	fprintf(f, "{\"uri\":\"at://%s/app.bsky.feed.post/%s\",\"cid\":\"%s\"}", d, t, c);
}

static void blob(FILE *f, const char *mime)
{
	char c[70];
	cid(c, 0x55);
	fprintf(f,
	        "{\"$type\":\"blob\",\"ref\":{\"$link\":\"%s\"},\"mimeType\":\"%s\",\"size\":%u}",
	        c, mime, 1000 + rnd(900000));
}

static void post(FILE *f)
{
	char text[2048];
	size_t len = 0;
	unsigned n_words = 3 + rnd(30); /* stays under maxGraphemes 300 */
	for (unsigned i = 0; i < n_words; i++) {
		const char *w = words[rnd(sizeof words / sizeof words[0])];
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? " " : "", w);
	}
	if (rnd(5) == 0)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        " \\\"quoted\\\"\\nnew line");
	fprintf(f,
	        "{\"$type\":\"app.bsky.feed.post\",\"text\":\"%s\",\"createdAt\":\"2024-%02u-%02uT%"
	        "02u:%02u:%02u.%03uZ\"",
	        text, 1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(1000));
	if (rnd(3) != 0)
		fprintf(f, ",\"langs\":[\"%s\"]", langs[rnd(sizeof langs / sizeof langs[0])]);
	if (rnd(3) == 0) {
		char d[40];
		did(d);
		unsigned start = rnd((unsigned)len / 2 + 1);
		fprintf(f,
		        ",\"facets\":[{\"index\":{\"byteStart\":%u,\"byteEnd\":%u},\"features\":"
		        "[{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"%s\"}]}",
		        start, start + 5, d);
		if (rnd(2) == 0)
			fprintf(f,
			        ",{\"index\":{\"byteStart\":0,\"byteEnd\":4},\"features\":[{\"$"
			        "type\":"
			        "\"app.bsky.richtext.facet#link\",\"uri\":\"https://example.com/"
			        "p/%u\"}]},{\"index\":{\"byteStart\":5,\"byteEnd\":9},\"features\":"
			        "[{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":\"atproto\"}]"
			        "}",
			        rnd(100000));
		fputc(']', f);
	}
	if (rnd(4) == 0) {
		fputs(",\"reply\":{\"root\":", f);
		strong_ref(f);
		fputs(",\"parent\":", f);
		strong_ref(f);
		fputc('}', f);
	}
	switch (rnd(6)) {
	case 0: {
		unsigned n = 1 + rnd(4);
		fputs(",\"embed\":{\"$type\":\"app.bsky.embed.images\",\"images\":[", f);
		for (unsigned i = 0; i < n; i++) {
			fprintf(f, "%s{\"alt\":\"%s %s\",\"image\":", i ? "," : "", words[rnd(8)],
			        words[rnd(sizeof words / sizeof words[0])]);
			blob(f, rnd(2) ? "image/jpeg" : "image/png");
			fprintf(f, ",\"aspectRatio\":{\"width\":%u,\"height\":%u}}",
			        100 + rnd(3000), 100 + rnd(3000));
		}
		fputs("]}", f);
		break;
	}
	case 1:
		fprintf(f,
		        ",\"embed\":{\"$type\":\"app.bsky.embed.external\",\"external\":{\"uri\":"
		        "\"https://news.example.org/a/%u\",\"title\":\"%s %s\",\"description\":"
		        "\"%s\"}}",
		        rnd(1000000), words[rnd(16)], words[rnd(16)], words[rnd(16)]);
		break;
	case 2:
		fputs(",\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":", f);
		strong_ref(f);
		fputc('}', f);
		break;
	default:
		break;
	}
	if (rnd(8) == 0)
		fputs(",\"tags\":[\"bench\",\"lexc\"]", f);
	fputs("}\n", f);
}

/* A plain post (see the top of this file). The text stays under
 * maxGraphemes 300 by counting code points, an upper bound. */
static void plain_post(FILE *f)
{
	char text[1024];
	size_t len = 0, cps = 0, target = 250 + rnd(161);
	while (len < target) {
		const char *w = words[rnd(sizeof words / sizeof words[0])];
		size_t wcp = 0;
		for (const char *p = w; *p; p++)
			wcp += ((unsigned char)*p & 0xC0) != 0x80;
		if (cps + wcp + 1 > 295 || len + strlen(w) + 1 >= sizeof text)
			break;
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", len ? " " : "", w);
		cps += wcp + (len ? 1 : 0);
	}
	fprintf(f,
	        "{\"$type\":\"app.bsky.feed.post\",\"text\":\"%s\",\"createdAt\":\"2024-%02u-%02uT%"
	        "02u:%02u:%02u.%03uZ\",\"langs\":[\"%s\"]}\n",
	        text, 1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(1000),
	        langs[rnd(sizeof langs / sizeof langs[0])]);
}

static int generate(unsigned long n, const char *path, bool plain)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	for (unsigned long i = 0; i < n; i++)
		plain ? plain_post(f) : post(f);
	return fclose(f) == 0 ? 0 : 1;
}

/* ---- measurement --------------------------------------------------------- */

typedef struct corpus {
	char *data;
	size_t size;
	size_t n;
	const char **lines;
	size_t *lens;
} corpus;

static bool load(const char *path, corpus *c)
{
	memset(c, 0, sizeof *c);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	c->data = malloc((size_t)size + 1);
	if (c->data == NULL || fread(c->data, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		return false;
	}
	fclose(f);
	c->size = (size_t)size;
	for (size_t i = 0; i < c->size; i++)
		c->n += c->data[i] == '\n';
	c->lines = malloc(c->n * sizeof *c->lines);
	c->lens = malloc(c->n * sizeof *c->lens);
	size_t k = 0, start = 0;
	for (size_t i = 0; i < c->size && k < c->n; i++) {
		if (c->data[i] == '\n') {
			c->lines[k] = c->data + start;
			c->lens[k++] = i - start;
			start = i + 1;
		}
	}
	c->n = k;
	return true;
}

/* CPU time of this process, not wall time: the machines this runs on are
 * shared, and time spent waiting for a core is nobody's throughput. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, size_t records, size_t bytes, double secs, size_t ok)
{
	printf("%-34s %12.0f %10.1f %10zu\n", what, (double)records / secs,
	       (double)bytes / secs / 1e6, ok);
}

static int run(const char *lexicons, const char *path, double seconds)
{
	schema_set *set = schema_set_new();
	schema_set_add_path(set, lexicons, false);
	if (schema_set_finish(set) != 0) {
		diag_print(&set->diags, stderr);
		return 1;
	}
	const schema_doc *doc = schema_set_find_doc(set, "app.bsky.feed.post", 18);
	if (doc == NULL || doc->main == NULL) {
		fprintf(stderr, "bench/validate: app.bsky.feed.post not in %s\n", lexicons);
		return 1;
	}
	const lexc_type *t = lower_def(lower_new(&set->arena), doc->main);
	corpus c;
	if (!load(path, &c)) {
		perror(path);
		return 1;
	}
	printf("app.bsky.feed.post: %zu records, %.1f MB, avg %.0f bytes; one core\n\n", c.n,
	       (double)c.size / 1e6, (double)c.size / (double)c.n);
	printf("%-34s %12s %10s %10s\n", "implementation", "records/s", "MB/s", "valid");

	/* lexc: decode + validate, arena reset per record. */
	lexc_arena arena = LEXC_ARENA_INIT;
	void *out = malloc(t->u.object.size);
	size_t records = 0, bytes = 0, ok = 0;
	double start = now(), secs;
	do {
		for (size_t i = 0; i < c.n; i++) {
			ok += lexc_decode(t, c.lines[i], c.lens[i], &arena, out, NULL) == LEXC_OK;
			lexc_arena_reset(&arena);
		}
		records += c.n;
		bytes += c.size;
		secs = now() - start;
	} while (secs < seconds);
	report("lexc (decode + validate)", records, bytes, secs, ok * c.n / records);

	/* jansson: parse to a DOM only, no validation. BENCH_LEXC_ONLY skips
	 * it, for profiling the engine alone. */
	if (getenv("BENCH_LEXC_ONLY") != NULL)
		seconds = 0;
	records = bytes = ok = 0;
	start = now();
	do {
		for (size_t i = 0; i < c.n; i++) {
			json_t *j = json_loadb(c.lines[i], c.lens[i], JSON_REJECT_DUPLICATES, NULL);
			ok += j != NULL;
			json_decref(j);
		}
		records += c.n;
		bytes += c.size;
		secs = now() - start;
	} while (secs < seconds);
	report("jansson json_loadb (DOM only)", records, bytes, secs, ok * c.n / records);

	free(out);
	lexc_arena_free(&arena);
	free(c.data);
	free(c.lines);
	free(c.lens);
	schema_set_free(set);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "generate") == 0 &&
	    (argc == 4 || strcmp(argv[4], "plain") == 0 || strcmp(argv[4], "heavy") == 0))
		return generate(strtoul(argv[2], NULL, 10), argv[3],
		                argc == 5 && strcmp(argv[4], "plain") == 0);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv[3], argc == 5 ? atof(argv[4]) : 3.0);
	fprintf(stderr, "usage: bench/validate generate N FILE [heavy|plain]\n"
	                "       bench/validate run LEXICON_DIR FILE [SECONDS]\n");
	return 2;
}
