/* bench/formats: validations per second for each lexicon string format on a
 * mixed corpus: realistic values as they appear in records, plus every
 * interop vector (valid and invalid) for the format.
 *
 *   bench/formats [DATA_DIR] [SECONDS_PER_FORMAT]
 *
 * Prints a table; it measures, it never passes or fails. */
#include "config.h"

#include <lexc/format.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct item {
	const char *s;
	size_t len;
};

struct corpus {
	struct item *items;
	size_t n, cap;
};

static void add(struct corpus *c, const char *s, size_t len)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->items = realloc(c->items, c->cap * sizeof *c->items);
		if (c->items == NULL) {
			perror("realloc");
			exit(1);
		}
	}
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		perror("malloc");
		exit(1);
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	c->items[c->n++] = (struct item){copy, len};
}

/* Values shaped like those in real app.bsky records and XRPC calls. */
static const char *const realistic[][8] = {
        [LEXC_FORMAT_AT_IDENTIFIER] = {"did:plc:z72i7hdynmk6r22z27h6tvur", "bsky.app",
                                       "alice.bsky.social", "did:web:example.com", "jay.bsky.team",
                                       "did:plc:ewvi7nxzyoun6zhxrhs64oiz"},
        [LEXC_FORMAT_AT_URI] = {"at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/"
                                "3k2la7ucdqt2g",
                                "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.like/"
                                "3l5xkyvnqhn2y",
                                "at://alice.bsky.social/app.bsky.actor.profile/self",
                                "at://did:plc:z72i7hdynmk6r22z27h6tvur"},
        [LEXC_FORMAT_CID] = {"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
                             "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy",
                             "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"},
        [LEXC_FORMAT_DATETIME] = {"2024-11-23T12:34:56.789Z", "2023-01-01T00:00:00Z",
                                  "2024-02-29T23:59:59.999999+05:30", "1985-04-12T23:20:50.123Z",
                                  "2025-06-30T08:15:00.000-07:00"},
        [LEXC_FORMAT_DID] = {"did:plc:z72i7hdynmk6r22z27h6tvur", "did:web:example.com",
                             "did:plc:ewvi7nxzyoun6zhxrhs64oiz", "did:web:localhost%3A8080"},
        [LEXC_FORMAT_HANDLE] = {"alice.bsky.social", "bsky.app", "jay.bsky.team", "xn--ls8h.test",
                                "user-name.example.co.uk"},
        [LEXC_FORMAT_NSID] = {"app.bsky.feed.post", "com.atproto.repo.createRecord",
                              "place.stream.server.createWebhook", "place.wisp.v2.secret.rotate",
                              "chat.bsky.convo.sendMessage"},
        [LEXC_FORMAT_TID] = {"3k2la7ucdqt2g", "3l5xkyvnqhn2y", "3jzfcijpj2z2a", "2222222222222"},
        [LEXC_FORMAT_RECORD_KEY] = {"3k2la7ucdqt2g", "self", "app.bsky.feed.post", "a:b~c_d-e.f"},
        [LEXC_FORMAT_URI] = {"https://example.com/path?q=1#frag", "https://bsky.app/profile/x",
                             "mailto:alice@example.com", "https://cdn.bsky.app/img/a/b@jpeg"},
        [LEXC_FORMAT_LANGUAGE] = {"en", "ja", "pt-BR", "zh-Hant-TW", "en-US", "de-DE-1901",
                                  "sr-Latn-RS", "i-default"},
};

static void load_vectors(struct corpus *c, const char *dir, const char *prefix)
{
	static const char *const kinds[] = {"syntax_valid", "syntax_invalid", "parse_invalid"};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/interop/syntax/%s_%s.txt", dir, prefix, kinds[k]);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, f)) >= 0) {
			size_t len = (size_t)n;
			if (len > 0 && line[len - 1] == '\n')
				len--;
			if (len == 0 || line[0] == '#')
				continue;
			add(c, line, len);
		}
		free(line);
		fclose(f);
	}
}

/* Keeps the checks' results observable so they cannot be optimised away. */
static volatile size_t bench_sink;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Validations per second over `c`, repeated for at least `seconds`. */
static double measure(lexc_format f, const struct corpus *c, double seconds)
{
	size_t done = 0, ok = 0;
	double start = now(), elapsed;
	do {
		for (int rep = 0; rep < 64; rep++)
			for (size_t i = 0; i < c->n; i++)
				ok += lexc_format_check(f, c->items[i].s, c->items[i].len, NULL);
		done += 64 * c->n;
		elapsed = now() - start;
	} while (elapsed < seconds);
	bench_sink = ok;
	return (double)done / elapsed;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data";
	double seconds = argc > 2 ? atof(argv[2]) : 0.3;
	static const char *const prefixes[] = {
	        [LEXC_FORMAT_AT_IDENTIFIER] = "atidentifier",
	        [LEXC_FORMAT_AT_URI] = "aturi",
	        [LEXC_FORMAT_CID] = "cid",
	        [LEXC_FORMAT_DATETIME] = "datetime",
	        [LEXC_FORMAT_DID] = "did",
	        [LEXC_FORMAT_HANDLE] = "handle",
	        [LEXC_FORMAT_NSID] = "nsid",
	        [LEXC_FORMAT_TID] = "tid",
	        [LEXC_FORMAT_RECORD_KEY] = "recordkey",
	        [LEXC_FORMAT_URI] = "uri",
	        [LEXC_FORMAT_LANGUAGE] = "language",
	};
	printf("lexc string formats: validations per second, one core, mixed corpus\n");
	printf("(realistic values weighted 4x, plus every interop vector; data: %s)\n\n", dir);
	printf("%-14s %8s %8s %10s %16s %10s\n", "format", "corpus", "valid", "avg bytes",
	       "validations/s", "ns/check");
	double total_rate_inv = 0;
	int formats = 0;
	for (int f = LEXC_FORMAT_NONE + 1; f < LEXC_FORMAT_COUNT_; f++) {
		struct corpus c = {0};
		for (int w = 0; w < 4; w++)
			for (size_t i = 0; i < 8 && realistic[f][i] != NULL; i++)
				add(&c, realistic[f][i], strlen(realistic[f][i]));
		load_vectors(&c, dir, prefixes[f]);
		size_t bytes = 0;
		for (size_t i = 0; i < c.n; i++)
			bytes += c.items[i].len;
		double rate = measure((lexc_format)f, &c, seconds);
		size_t rounds_valid = 0;
		for (size_t i = 0; i < c.n; i++)
			rounds_valid += lexc_format_check((lexc_format)f, c.items[i].s,
			                                  c.items[i].len, NULL);
		printf("%-14s %8zu %8zu %10.1f %16.0f %10.1f\n", lexc_format_name((lexc_format)f),
		       c.n, rounds_valid, c.n ? (double)bytes / (double)c.n : 0.0, rate,
		       1e9 / rate);
		total_rate_inv += 1.0 / rate;
		formats++;
		for (size_t i = 0; i < c.n; i++)
			free((void *)c.items[i].s);
		free(c.items);
	}
	printf("\nharmonic mean over formats: %.0f validations/s\n",
	       (double)formats / total_rate_inv);
	return 0;
}
