/* bench/curl_multi URL TOTAL CONCURRENCY: libcurl's multi interface alone,
 * as webhookd's delivery thread drives it (one thread, keep-alive, the same
 * options and a webhook-sized signed-looking POST) but with no store, no
 * signing and no payload building: the ceiling libcurl puts on one
 * delivery thread. Prints requests/s. */
#include "config.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char body[] =
        "{\"data\":{\"$type\":\"dev.lexc.webhookd.defs#chat\",\"author\":{\"did\":\"did:plc:bob\","
        "\"handle\":\"bob.test\"},\"content\":\"hello from the benchmark\",\"text\":\"hello from "
        "the benchmark\"},\"timestamp\":\"2026-12-03T13:25:09.870Z\",\"type\":\"chat\"}";

static size_t discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void prepare(CURL *e, const char *url, struct curl_slist *h)
{
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(sizeof body - 1));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, discard);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: curl_multi URL TOTAL CONCURRENCY\n");
		return 2;
	}
	const char *url = argv[1];
	long total = atol(argv[2]), conc = atol(argv[3]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, conc);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "content-type: application/json");
	h = curl_slist_append(h, "webhook-id: msg_0123456789abcdef0123456789abcdef");
	h = curl_slist_append(h, "webhook-timestamp: 1800000000");
	h = curl_slist_append(h,
	                      "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	h = curl_slist_append(h, "expect:");
	CURL **easy = calloc((size_t)conc, sizeof *easy);
	long started = 0, done = 0, failed = 0;
	double t0 = now_s();
	for (long i = 0; i < conc && started < total; i++, started++) {
		easy[i] = curl_easy_init();
		prepare(easy[i], url, h);
		curl_multi_add_handle(m, easy[i]);
	}
	while (done < total) {
		int running;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *e = msg->easy_handle;
			long status = 0;
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
			if (msg->data.result != CURLE_OK || status != 200)
				failed++;
			done++;
			curl_multi_remove_handle(m, e);
			if (started < total) {
				prepare(e, url, h); /* setopt per request, as webhookd does */
				curl_multi_add_handle(m, e);
				started++;
			}
		}
		if (done < total)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	double secs = now_s() - t0;
	printf("%.0f requests/s (%ld in %.0f ms, %ld failed)\n", (double)done / secs, done,
	       secs * 1000, failed);
	for (long i = 0; i < conc; i++)
		if (easy[i] != NULL) {
			curl_multi_remove_handle(m, easy[i]);
			curl_easy_cleanup(easy[i]);
		}
	free(easy);
	curl_slist_free_all(h);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	return failed == 0 ? 0 : 1;
}
