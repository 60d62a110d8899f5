/* tests/hostile_gen SHAPE BYTES: writes one hostile JSON body of at most
 * BYTES bytes (newline included) to standard output, as one line, for
 * tests/hostile.sh, tests/hostile_rss.sh and bench/hostile.sh. Items are
 * repeated until the next one would not fit; BYTES 0 gives the smallest
 * body of the shape (one item). tests/data/hostile/expected.txt lists the
 * shapes with the verdict each must get; `hostile_gen --list` prints the
 * shapes this program knows.
 *
 * Bodies are place.stream.server.createWebhook input unless the shape says
 * otherwise:
 *   keys            many undeclared keys "k0000000":0
 *   objects         a long "rewrite" array of {from,to} objects
 *   depth           many undeclared values nested to the depth limit (32
 *                   levels counting the outer object)
 *   depth33         the same, the last value one level deeper
 *   unions          app.bsky.feed.post: many facets of many features, each
 *                   with "$type" as its last key, and an embed whose two
 *                   nested unions also name their "$type" last
 *   nonascii        a long "muteWords" array of multi-byte strings (CJK,
 *                   emoji, ZWJ sequences, combining marks, \u escapes)
 *   nonascii_keys   many undeclared properties with non-ASCII keys and values
 *   datamodel       many undeclared values of every data-model kind, valid:
 *                   $link, $bytes, blobs, typed objects, arrays, scalars
 * and the data-model violations, each the "datamodel" padding followed by
 * one undeclared property "bad" that breaks one rule:
 *   float           "bad":[0,1.5]
 *   empty_key       "bad":{"":1}
 *   type_number     "bad":{"o":{"$type":5}}
 *   type_empty      "bad":{"o":{"$type":""}}
 *   link_bad        "bad":{"$link":"not-a-cid"}
 *   link_extra      "bad":{"$link":"<valid cid>","x":1}
 *   bytes_bad       "bad":{"$bytes":"!!"}
 *   bytes_extra     "bad":{"$bytes":"AAAA","x":1}
 *   blob_ref        a blob whose ref is a string, not a link
 *   blob_size       a blob whose size is a string
 *   blob_mime       a blob whose mimeType is a number
 *   toplevel        an array, not an object: [1,1,...,1] */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CID "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"
#define HEAD "{\"url\":\"https://example.com/h\",\"events\":[\"chat\"]"
#define DEPTH_LIMIT 32

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			perror("hostile_gen");
			exit(2);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void printf_(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void printf_(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		fprintf(stderr, "hostile_gen: item too long\n");
		exit(2);
	}
	put(b, tmp, (size_t)n);
}

/* n containers, alternately arrays and objects, around the integer 1. */
static void nest(struct buf *b, int n)
{
	for (int i = 0; i < n; i++)
		puts_(b, i % 2 ? "{\"a\":" : "[");
	puts_(b, "1");
	for (int i = n - 1; i >= 0; i--)
		puts_(b, i % 2 ? "}" : "]");
}

static void item_keys(struct buf *b, unsigned long i)
{
	printf_(b, ",\"k%07lu\":%lu", i, i % 10);
}

static void item_objects(struct buf *b, unsigned long i)
{
	printf_(b, "%s{\"from\":\"f%lu\",\"to\":\"t\"}", i ? "," : "", i);
}

static void item_depth(struct buf *b, unsigned long i)
{
	printf_(b, ",\"d%07lu\":", i);
	nest(b, DEPTH_LIMIT - 1);
}

static void item_unions(struct buf *b, unsigned long i)
{
	printf_(b, "%s{\"index\":{\"byteStart\":%lu,\"byteEnd\":%lu},\"features\":[", i ? "," : "",
	        i % 7, i % 7 + 7);
	puts_(b, "{\"did\":\"did:plc:vr66s4pgefbj7huh3slgz2dr\",\"extra\":[1,{\"x\":\"y\"}],"
	         "\"$type\":\"app.bsky.richtext.facet#mention\"},");
	printf_(b, "{\"uri\":\"https://example.com/p/%lu\",", i);
	puts_(b, "\"$type\":\"app.bsky.richtext.facet#link\"},"
	         "{\"tag\":\"atproto\",\"$type\":\"app.bsky.richtext.facet#tag\"},"
	         "{\"tag\":\"日本語\",\"$type\":\"app.bsky.richtext.facet#tag\"}]}");
}

static const char *const words[] = {
        "日本語のテキスト",
        "привет мир",
        "👨‍👩‍👧 family",
        "🇯🇵🇫🇷 flags",
        "cafe\xcc\x81 e\xcc\x81\xcc\x81\xcc\x81 combining",
        "\\u00e9\\u4e16\\ud83d\\ude00 escaped",
        "한국어 텍스트 👍🏽",
        "العربية עברית",
        "ẞtraße Ünïcödé",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈",
};
#define N_WORDS (sizeof words / sizeof words[0])

static void item_nonascii(struct buf *b, unsigned long i)
{
	printf_(b, "%s\"%s %lu\"", i ? "," : "", words[i % N_WORDS], i);
}

static void item_nonascii_keys(struct buf *b, unsigned long i)
{
	printf_(b, ",\"キー%07lu\":\"%s\"", i, words[(i * 3) % N_WORDS]);
}

static void item_datamodel(struct buf *b, unsigned long i)
{
	printf_(b, ",\"p%07lu\":", i);
	switch (i % 8) {
	case 0:
		puts_(b, "{\"$link\":\"" CID "\"}");
		break;
	case 1:
		puts_(b, "{\"$bytes\":\"AAECAwQFBgc\"}");
		break;
	case 2:
		puts_(b, "{\"$type\":\"blob\",\"ref\":{\"$link\":\"" CID "\"},"
		         "\"mimeType\":\"image/png\",\"size\":12345}");
		break;
	case 3:
		puts_(b, "{\"$type\":\"com.example.thing\",\"a\":[1,-2,{\"b\":\"c\"}],\"n\":null}");
		break;
	case 4:
		puts_(b, "[\"s\",true,false,null,0,-9007199254740991]");
		break;
	case 5:
		puts_(b, "{\"o\":{\"$type\":\"x\",\"l\":[{\"$link\":\"" CID "\"}]}}");
		break;
	case 6:
		puts_(b, "\"text with \\\"escapes\\\" \\n\\t\\u0041\"");
		break;
	default:
		puts_(b, "9007199254740991");
		break;
	}
}

static void item_one(struct buf *b, unsigned long i)
{
	puts_(b, i ? ",1" : "1");
}

struct shape {
	const char *name;
	const char *head;
	void (*item)(struct buf *, unsigned long);
	const char *tail; /* NULL: depth33's, made by nest() */
};

#define BAD(v) ",\"bad\":" v "}"

static const struct shape shapes[] = {
        {"keys", HEAD, item_keys, "}"},
        {"objects", HEAD ",\"rewrite\":[", item_objects, "]}"},
        {"depth", HEAD, item_depth, "}"},
        {"depth33", HEAD, item_depth, NULL},
        {"unions",
         "{\"$type\":\"app.bsky.feed.post\",\"text\":\"hostile unions\","
         "\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"facets\":[",
         item_unions,
         "],\"embed\":{\"record\":{\"record\":{\"uri\":\"at://did:plc:vr66s4pgefbj7huh3slgz2dr/"
         "app.bsky.feed.post/3k2a4b5c6d7e2\",\"cid\":\"" CID "\"}},"
         "\"media\":{\"external\":{\"uri\":\"https://example.com/\",\"title\":\"t\","
         "\"description\":\"d\"},\"$type\":\"app.bsky.embed.external\"},"
         "\"$type\":\"app.bsky.embed.recordWithMedia\"}}"},
        {"nonascii", HEAD ",\"muteWords\":[", item_nonascii, "]}"},
        {"nonascii_keys", HEAD, item_nonascii_keys, "}"},
        {"datamodel", HEAD, item_datamodel, "}"},
        {"float", HEAD, item_datamodel, BAD("[0,1.5]")},
        {"empty_key", HEAD, item_datamodel, BAD("{\"\":1}")},
        {"type_number", HEAD, item_datamodel, BAD("{\"o\":{\"$type\":5}}")},
        {"type_empty", HEAD, item_datamodel, BAD("{\"o\":{\"$type\":\"\"}}")},
        {"link_bad", HEAD, item_datamodel, BAD("{\"$link\":\"not-a-cid\"}")},
        {"link_extra", HEAD, item_datamodel, BAD("{\"$link\":\"" CID "\",\"x\":1}")},
        {"bytes_bad", HEAD, item_datamodel, BAD("{\"$bytes\":\"!!\"}")},
        {"bytes_extra", HEAD, item_datamodel, BAD("{\"$bytes\":\"AAAA\",\"x\":1}")},
        {"blob_ref", HEAD, item_datamodel,
         BAD("{\"$type\":\"blob\",\"ref\":\"notalink\",\"mimeType\":\"a/b\",\"size\":1}")},
        {"blob_size", HEAD, item_datamodel,
         BAD("{\"$type\":\"blob\",\"ref\":{\"$link\":\"" CID "\"},\"mimeType\":\"a/b\","
             "\"size\":\"1\"}")},
        {"blob_mime", HEAD, item_datamodel,
         BAD("{\"$type\":\"blob\",\"ref\":{\"$link\":\"" CID "\"},\"mimeType\":5,"
             "\"size\":1}")},
        {"toplevel", "[", item_one, "]"},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < N_SHAPES; i++)
			printf("%s\n", shapes[i].name);
		return 0;
	}
	char *end = NULL;
	unsigned long long limit = argc == 3 ? strtoull(argv[2], &end, 10) : 0;
	if (argc != 3 || end == argv[2] || *end != '\0') {
		fprintf(stderr, "usage: hostile_gen SHAPE BYTES | hostile_gen --list\n");
		return 2;
	}
	const struct shape *sh = NULL;
	for (size_t i = 0; i < N_SHAPES; i++)
		if (strcmp(shapes[i].name, argv[1]) == 0)
			sh = &shapes[i];
	if (sh == NULL) {
		fprintf(stderr, "hostile_gen: unknown shape %s (see --list)\n", argv[1]);
		return 2;
	}
	struct buf tail = {0}, item = {0}, out = {0};
	if (sh->tail != NULL) {
		puts_(&tail, sh->tail);
	} else {
		puts_(&tail, ",\"bad\":");
		nest(&tail, DEPTH_LIMIT);
		puts_(&tail, "}");
	}
	puts_(&out, sh->head);
	for (unsigned long i = 0;; i++) {
		item.len = 0;
		sh->item(&item, i);
		if (i > 0 && out.len + item.len + tail.len + 1 > limit)
			break;
		put(&out, item.p, item.len);
	}
	put(&out, tail.p, tail.len);
	put(&out, "\n", 1);
	if (fwrite(out.p, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		perror("hostile_gen: standard output");
		return 2;
	}
	free(tail.p);
	free(item.p);
	free(out.p);
	return 0;
}
