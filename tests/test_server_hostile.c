/* The XRPC server against hostile clients: malformed HTTP over raw
 * sockets, a client that stalls, a client that lies about its body, and
 * 10,000 random or mutated bodies against a JSON procedure. After each, the
 * server must still answer correctly. Leaks and memory errors are caught by
 * the ASan and valgrind runs of this same program; memory growth by
 * tests/test_server_rss. */
#include "config.h"

#include "server_fuzz.h"
#include "server_service.h"
#include "server_util.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static test_server T;

static void short_timeout(lexc_server_config *cfg)
{
	cfg->connection_timeout = 1;
}

static void setup(void)
{
	test_server_start(&T, short_timeout);
}

static void teardown(void)
{
	test_server_stop(&T, 10000);
}

static void assert_healthy(void)
{
	http_resp r;
	http_get(T.port, "/xrpc/_health", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"version\":\"test-1.2.3\"}");
	http_resp_free(&r);
}

/* Sends `req` raw and returns the status code of the answer, 0 if none. */
static int raw_status(const char *req, size_t len)
{
	char out[8192];
	raw_exchange(T.port, req, len, true, out, sizeof out);
	int status = 0;
	if (sscanf(out, "HTTP/1.%*d %d", &status) != 1)
		return 0;
	return status;
}

#define RAW(lit) raw_status((lit), sizeof(lit) - 1)

START_TEST(malformed_http)
{
	/* MHD answers these itself (400), or closes; either way no crash. */
	int st = RAW("GARBAGE\r\n\r\n");
	ck_assert_msg(st == 0 || st == 400 || st == 505, "%d", st);
	st = RAW("\x01\x02\x03\xff\xfe\r\n\r\n");
	ck_assert_msg(st == 0 || (st >= 400 && st < 600), "%d", st);
	st = RAW("GET /xrpc/_health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
	ck_assert_msg(st == 0 || st == 400, "%d", st);
	st = RAW("GET /xrpc/_health HTTP/9.9\r\nHost: x\r\n\r\n");
	ck_assert_msg(st == 0 || st >= 400, "%d", st);
	st = RAW("POST /xrpc/place.stream.server.createWebhook HTTP/1.1\r\nHost: x\r\n"
	         "Content-Length: -5\r\n\r\n");
	ck_assert_msg(st == 0 || st == 400 || st == 413, "%d", st);
	st = RAW("POST /xrpc/place.stream.server.createWebhook HTTP/1.1\r\nHost: x\r\n"
	         "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
	         "zz\r\n{}\r\n0\r\n\r\n");
	ck_assert_msg(st == 0 || st == 400, "%d", st);
	/* A well-formed raw request still gets its XRPC answer. */
	st = RAW("GET /xrpc/place.stream.server.listWebhooks?limit=abc HTTP/1.1\r\nHost: x\r\n"
	         "Connection: close\r\n\r\n");
	ck_assert_int_eq(st, 400);
	/* An over-long header line. */
	size_t n = 64 * 1024;
	char *big = malloc(n + 64);
	ck_assert_ptr_nonnull(big);
	int o = snprintf(big, 64, "GET /xrpc/_health HTTP/1.1\r\nX-Big: ");
	memset(big + o, 'a', n);
	memcpy(big + o + n, "\r\n\r\n", 4);
	st = raw_status(big, (size_t)o + n + 4);
	ck_assert_msg(st == 0 || st == 431 || st == 413 || st == 400, "%d", st);
	free(big);
	assert_healthy();
}
END_TEST

START_TEST(truncated_body)
{
	/* Promises 100 bytes, sends 10 and hangs up. */
	static const char req[] = "POST /xrpc/place.stream.server.createWebhook HTTP/1.1\r\n"
	                          "Host: x\r\nContent-Type: application/json\r\n"
	                          "Content-Length: 100\r\n\r\n{\"url\":\"h";
	char out[1024];
	raw_exchange(T.port, req, sizeof req - 1, true, out, sizeof out);
	/* Either nothing (the server waits for the rest and sees the close) or
	 * an error; never a 200. */
	ck_assert(strncmp(out, "HTTP/1.1 200", 12) != 0);
	assert_healthy();
	/* The abandoned request is logged without a status. */
	lexc_server_stop(T.server, 10000);
	char *log = read_stream(T.access_log);
	ck_assert_msg(strstr(log, " POST /xrpc/place.stream.server.createWebhook - 0 ") != NULL,
	              "%s", log);
	free(log);
}
END_TEST

START_TEST(failed_request_declares_huge_body)
{
	/* A request that fails on its headers and declares a body over the
	 * limit is answered at once, without reading the body: reading it
	 * would end, past 4 MiB, in a cut connection and no answer. The body
	 * is never sent here, so only an answer made before it counts. */
	char out[2048];
	static const char not_xrpc[] = "POST /other HTTP/1.1\r\nHost: x\r\n"
	                               "Content-Length: 100000000000\r\n\r\n";
	raw_exchange(T.port, not_xrpc, sizeof not_xrpc - 1, false, out, sizeof out);
	ck_assert_msg(strncmp(out, "HTTP/1.1 404", 12) == 0, "%s", out);
	ck_assert_msg(strstr(out, "Connection: close") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\"error\":\"XRPCNotSupported\"") != NULL, "%s", out);
	static const char unknown[] = "POST /xrpc/com.example.nope HTTP/1.1\r\nHost: x\r\n"
	                              "Content-Length: 100000000000\r\n\r\n";
	raw_exchange(T.port, unknown, sizeof unknown - 1, false, out, sizeof out);
	ck_assert_msg(strncmp(out, "HTTP/1.1 501", 12) == 0, "%s", out);
	static const char health[] = "GET /xrpc/_health HTTP/1.1\r\nHost: x\r\n"
	                             "Content-Length: 100000000000\r\n\r\n";
	raw_exchange(T.port, health, sizeof health - 1, false, out, sizeof out);
	ck_assert_msg(strncmp(out, "HTTP/1.1 413", 12) == 0, "%s", out);
	ck_assert_msg(strstr(out, "\"error\":\"PayloadTooLarge\"") != NULL, "%s", out);
	assert_healthy();
}
END_TEST

START_TEST(slow_client_dropped)
{
	/* One byte, then nothing: the server must close it after its 1 s
	 * timeout while serving others. recv() returns when it does (the
	 * socket's 60 s receive guard only bounds a broken server). */
	int fd = raw_connect(T.port);
	ck_assert_int_eq(send(fd, "G", 1, MSG_NOSIGNAL), 1);
	assert_healthy();
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	ck_assert_msg(n <= 0 || strncmp(buf, "HTTP/1.1 408", 12) == 0, "got %zd bytes", n);
	close(fd);
	/* Idle keep-alive connections are dropped the same way. */
	fd = raw_connect(T.port);
	static const char req[] = "GET /xrpc/_health HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
	size_t got = 0;
	for (;;) {
		n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	ck_assert_uint_gt(got, 0);
	close(fd);
	assert_healthy();
}
END_TEST

static void per_ip_limit(lexc_server_config *cfg)
{
	cfg->per_ip_connection_limit = 2;
}

/* One request on a raw keep-alive connection; asserts a 200. */
static void raw_health(int fd)
{
	static const char req[] = "GET /xrpc/_health HTTP/1.1\r\nHost: x\r\n\r\n";
	char buf[512];
	ck_assert_int_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
	ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
	ck_assert_int_gt(n, 12);
	ck_assert(strncmp(buf, "HTTP/1.1 200", 12) == 0);
}

START_TEST(per_ip_connection_limit)
{
	test_server_stop(&T, 1000);
	test_server_start(&T, per_ip_limit); /* default 30 s timeout */
	/* Two connections, both known to the server once they were served. */
	int a = raw_connect(T.port), b = raw_connect(T.port);
	raw_health(a);
	raw_health(b);
	/* A third from the same address is closed at once. */
	int c = raw_connect(T.port);
	char buf[256];
	ck_assert_int_le(recv(c, buf, sizeof buf, 0), 0);
	close(c);
	raw_health(a);
	close(a);
	close(b);
}
END_TEST

/* ---- Random bodies ------------------------------------------------------------- */

/* 10,000 random or mutated bodies (tests/server_fuzz.c). Whether memory
 * stays flat meanwhile is tests/test_server_rss, which can tell only in a
 * native build. */
START_TEST(random_bodies)
{
	post_random_bodies(T.port, 0x9e3779b97f4a7c15ULL, fuzz_count(), NULL, NULL);
	assert_healthy();
	/* No 5xx: the error log is empty. */
	char *log = read_stream(T.error_log);
	ck_assert_str_eq(log, "");
	free(log);
}
END_TEST

START_TEST(random_queries)
{
	fuzz_seed(42);
	CURL *h = curl_easy_init();
	static const char chars[] = "abc019-+.%&=?#;/ _xX\x7f";
	long count = fuzz_count() / 10;
	for (long i = 0; i < count; i++) {
		char path[256];
		int o = snprintf(path, sizeof path, "/xrpc/place.stream.server.listWebhooks?");
		size_t n = fuzz_rng() % 60;
		for (size_t k = 0; k < n && (size_t)o + 1 < sizeof path; k++) {
			char c = chars[fuzz_rng() % (sizeof chars - 1)];
			/* curl refuses spaces and controls in URLs: encode them. */
			if (c == ' ' || c == '\x7f' || c == '#')
				o += snprintf(path + o, sizeof path - (size_t)o, "%%%02X",
				              (unsigned char)c);
			else
				path[o++] = c;
		}
		path[o] = '\0';
		http_req req = {.verb = "GET", .path = path};
		http_resp r;
		http_do(h, T.port, &req, &r);
		ck_assert_msg(r.status == 200 || r.status == 400, "%s: %ld", path, r.status);
		if (r.status == 400)
			ck_assert_msg(is_xrpc_error(r.body, r.len), "%s: %s", path, r.body);
		http_resp_free(&r);
	}
	curl_easy_cleanup(h);
	assert_healthy();
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("server_hostile");
	TCase *tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, malformed_http);
	tcase_add_test(tc, truncated_body);
	tcase_add_test(tc, failed_request_declares_huge_body);
	tcase_add_test(tc, slow_client_dropped);
	tcase_add_test(tc, per_ip_connection_limit);
	tcase_add_test(tc, random_bodies);
	tcase_add_test(tc, random_queries);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(hostile_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
