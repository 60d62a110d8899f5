/* bench/json: throughput of the JSON reader on JSON Lines, with jansson's
 * json_loadb on the same records as the baseline.
 *
 *   bench/json [FILE.jsonl [ROUNDS]]
 *
 * Without a file it generates 10,000 records shaped like app.bsky.feed.post
 * (300-600 bytes, some with escapes, non-ASCII text, facets and embeds).
 * Each round reads every record once, as a decoder would: a fresh reader
 * per record over an arena that is reset, not freed. Prints a table; it
 * measures, it never passes or fails. */
#include "config.h"

#include <lexc/json.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct record {
	char *json;
	size_t len;
};

struct corpus {
	struct record *r;
	size_t n, cap, bytes;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL) {
		perror("realloc");
		exit(1);
	}
	return p;
}

static void add(struct corpus *c, const char *s, size_t len)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->r = xrealloc(c->r, c->cap * sizeof *c->r);
	}
	/* An exact-size copy, as a server gets a request body. */
	char *copy = xrealloc(NULL, len > 0 ? len : 1);
	memcpy(copy, s, len);
	c->r[c->n++] = (struct record){copy, len};
	c->bytes += len;
}

static void load(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n > 0)
			add(c, line, (size_t)n);
	}
	free(line);
	fclose(f);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

static const char *const WORDS[] = {"the",
                                    "atproto",
                                    "lexicon",
                                    "post",
                                    "today",
                                    "great",
                                    "feed",
                                    "weather",
                                    "coffee",
                                    "morning",
                                    "building",
                                    "servers",
                                    "in",
                                    "C",
                                    "fast",
                                    "really",
                                    "\\\"quoted\\\"",
                                    "caf\xC3\xA9",
                                    "\xE6\x97\xA5\xE6\x9C\xAC",
                                    "\xF0\x9F\x98\x80",
                                    "line\\nbreak",
                                    "and",
                                    "with",
                                    "some",
                                    "text"};

static void generate(struct corpus *c, size_t count)
{
	uint64_t s = 0x243F6A8885A308D3ull;
	char buf[4096], text[1024];
	for (size_t i = 0; i < count; i++) {
		size_t tl = 0;
		unsigned words = 12 + rnd(&s) % 40;
		for (unsigned w = 0; w < words && tl < 600; w++)
			tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s%s", w ? " " : "",
			                       WORDS[rnd(&s) % (sizeof WORDS / sizeof WORDS[0])]);
		/* One rnd() per statement: argument order is unspecified. */
		unsigned day = 1 + rnd(&s) % 28, min = rnd(&s) % 60, sec = rnd(&s) % 60;
		unsigned ms = rnd(&s) % 1000;
		int n = snprintf(
		        buf, sizeof buf,
		        "{\"$type\":\"app.bsky.feed.post\",\"text\":\"%s\",\"langs\":[\"en\"],"
		        "\"createdAt\":\"2024-11-%02uT12:%02u:%02u.%03uZ\"",
		        text, day, min, sec, ms);
		unsigned r1 = rnd(&s), r2 = rnd(&s), r3 = rnd(&s);
		unsigned kind = rnd(&s) % 4;
		if (kind == 1)
			n += snprintf(buf + n, sizeof buf - (size_t)n,
			              ",\"facets\":[{\"index\":{\"byteStart\":%u,\"byteEnd\":%u},"
			              "\"features\":[{\"$type\":\"app.bsky.richtext.facet#link\","
			              "\"uri\":\"https://example.com/%u\"}]}]",
			              r1 % 20, 20 + r2 % 20, r3);
		else if (kind == 2)
			n += snprintf(
			        buf + n, sizeof buf - (size_t)n,
			        ",\"reply\":{\"root\":{\"uri\":\"at://"
			        "did:plc:z72i7hdynmk6r22z27h6tvur/"
			        "app.bsky.feed.post/3k2la7ucdqt2g\",\"cid\":\"bafyreidfayvfuwqa7ql"
			        "nopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a\"},\"parent\":{\"uri\":"
			        "\"at:"
			        "//did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l5xkyvnqhn2"
			        "y\",\"cid\":\"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske"
			        "7mr3hpm\"}}");
		else if (kind == 3)
			n += snprintf(
			        buf + n, sizeof buf - (size_t)n,
			        ",\"embed\":{\"$type\":\"app.bsky.embed.images\",\"images\":[{"
			        "\"alt\":"
			        "\"a "
			        "photo\",\"image\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafkrei"
			        "bme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy\"},"
			        "\"mimeType\":"
			        "\"image/"
			        "jpeg\",\"size\":%u},\"aspectRatio\":{\"width\":%u,\"height\":"
			        "%u}}]}",
			        10000 + r1 % 900000, 100 + r2 % 2000, 100 + r3 % 2000);
		n += snprintf(buf + n, sizeof buf - (size_t)n, "}");
		add(c, buf, (size_t)n);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint64_t sink;

/* Every token of every record. */
static size_t run_tokens(const struct corpus *c, lexc_arena *arena)
{
	size_t tokens = 0;
	uint64_t acc = 0;
	for (size_t i = 0; i < c->n; i++) {
		lexc_error err;
		lexc_json_reader r;
		lexc_arena_reset(arena);
		lexc_json_reader_init(&r, c->r[i].json, c->r[i].len, arena, &err);
		lexc_json_token t;
		while ((t = lexc_json_next(&r)) > LEXC_JSON_END) {
			tokens++;
			acc += r.str_len;
		}
		if (t == LEXC_JSON_ERROR) {
			fprintf(stderr, "record %zu: %s\n", i, err.message);
			exit(1);
		}
	}
	sink += acc;
	return tokens;
}

/* One skip_value per record: validation without values. */
static size_t run_skip(const struct corpus *c, lexc_arena *arena)
{
	size_t bytes = 0;
	for (size_t i = 0; i < c->n; i++) {
		lexc_json_reader r;
		lexc_arena_reset(arena);
		lexc_json_reader_init(&r, c->r[i].json, c->r[i].len, arena, NULL);
		const char *raw;
		size_t len;
		if (!lexc_json_skip_value(&r, &raw, &len))
			exit(1);
		bytes += len;
	}
	return bytes;
}

static size_t run_jansson(const struct corpus *c, lexc_arena *arena)
{
	(void)arena;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		json_error_t e;
		json_t *j =
		        json_loadb(c->r[i].json, c->r[i].len,
		                   JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
		if (j == NULL) {
			fprintf(stderr, "jansson, record %zu: %s\n", i, e.text);
			exit(1);
		}
		n += json_object_size(j);
		json_decref(j);
	}
	return n;
}

static void measure(const char *name, size_t (*fn)(const struct corpus *, lexc_arena *),
                    const struct corpus *c, lexc_arena *arena, unsigned rounds, bool tokens)
{
	fn(c, arena); /* warm up */
	double best = 1e9;
	size_t count = 0;
	for (unsigned k = 0; k < rounds; k++) {
		double t0 = now();
		count = fn(c, arena);
		double dt = now() - t0;
		if (dt < best)
			best = dt;
	}
	printf("%-28s %9.1f MB/s %8.2f M records/s", name, (double)c->bytes / best / 1e6,
	       (double)c->n / best / 1e6);
	if (tokens)
		printf(" %8.1f M tokens/s", (double)count / best / 1e6);
	printf("\n");
}

/* One object with n distinct keys, read whole: the duplicate-key check
 * must stay linear (ns per key flat as n grows), where a naive one is
 * quadratic. Best of 3. */
static void key_scaling(lexc_arena *arena)
{
	printf("\none object with n distinct keys (duplicate check):\n");
	for (size_t n = 1000; n <= 1000000; n *= 10) {
		size_t cap = n * 24 + 16, len = 0;
		char *buf = xrealloc(NULL, cap);
		buf[len++] = '{';
		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(buf + len, cap - len, "%s\"k%07zu\":%zu",
			                        i ? "," : "", i * 7 % n, i);
		buf[len++] = '}';
		double best = 1e9;
		for (int round = 0; round < 3; round++) {
			lexc_arena_reset(arena);
			lexc_json_reader r;
			lexc_json_reader_init(&r, buf, len, arena, NULL);
			double t0 = now();
			lexc_json_token t;
			while ((t = lexc_json_next(&r)) != LEXC_JSON_END && t != LEXC_JSON_ERROR)
				;
			double t1 = now() - t0;
			if (t == LEXC_JSON_ERROR) {
				fprintf(stderr, "key scaling: unexpected error\n");
				break;
			}
			best = t1 < best ? t1 : best;
		}
		printf("  n = %7zu  %7.1f ns per key\n", n, best * 1e9 / (double)n);
		free(buf);
	}
}

int main(int argc, char **argv)
{
	struct corpus c = {0};
	if (argc > 1)
		load(&c, argv[1]);
	else
		generate(&c, 10000);
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 20;
	if (c.n == 0 || rounds == 0) {
		fprintf(stderr, "usage: %s [FILE.jsonl [ROUNDS]]\n", argv[0]);
		return 2;
	}
	printf("%zu records, %zu bytes (mean %zu), best of %u rounds\n", c.n, c.bytes,
	       c.bytes / c.n, rounds);
	lexc_arena arena;
	lexc_arena_init(&arena);
	measure("lexc reader, all tokens", run_tokens, &c, &arena, rounds, true);
	measure("lexc reader, skip_value", run_skip, &c, &arena, rounds, false);
	measure("jansson json_loadb", run_jansson, &c, &arena, rounds, false);
	key_scaling(&arena);
	lexc_arena_free(&arena);
	for (size_t i = 0; i < c.n; i++)
		free(c.r[i].json);
	free(c.r);
	return 0;
}
