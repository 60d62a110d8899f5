/* End-to-end tests of the XRPC server: a real server on 127.0.0.1 (port 0)
 * in this process, driven over HTTP with libcurl. Each test starts its own
 * server (tests/server_service.c) and checks what a client sees: status,
 * the exact XRPC error name, message fragments, headers, and the logs. */
#include "config.h"

#include "server_service.h"
#include "server_util.h"

#include "place/stream/server/createWebhook.h"

#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static test_server T;

static void setup(void)
{
	test_server_start(&T, NULL);
}

static void teardown(void)
{
	test_server_stop(&T, 10000);
}

static json_t *body_json(const http_resp *r)
{
	json_error_t jerr;
	json_t *j = json_loadb(r->body, r->len, 0, &jerr);
	ck_assert_msg(j != NULL, "not JSON: %s", r->body);
	return j;
}

/* GET path; asserts 400 InvalidRequest whose message contains `part`. */
static void get_400(const char *path, const char *part)
{
	http_resp r;
	http_get(T.port, path, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", part);
	http_resp_free(&r);
}

/* GET listWebhooks?query; returns its echoed cursor (malloc'd). */
static char *list_cursor(const char *query)
{
	char path[512];
	snprintf(path, sizeof path, "/xrpc/place.stream.server.listWebhooks%s", query);
	http_resp r;
	http_get(T.port, path, &r);
	ck_assert_msg(r.status == 200, "%s: %ld %s", query, r.status, r.body);
	json_t *j = body_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "webhooks")), 0);
	char *c = strdup(json_string_value(json_object_get(j, "cursor")));
	json_decref(j);
	http_resp_free(&r);
	return c;
}

/* GET arrays?query; returns the X-Echo header (static buffer). */
static const char *arrays_echo(const char *query)
{
	static char echo[1024];
	char path[512];
	snprintf(path, sizeof path, "/xrpc/com.example.test.arrays%s", query);
	http_resp r;
	http_get(T.port, path, &r);
	ck_assert_msg(r.status == 200, "%s: %ld %s", query, r.status, r.body);
	ck_assert_uint_eq(r.len, 0);
	ck_assert(http_header(&r, "X-Echo", echo, sizeof echo));
	http_resp_free(&r);
	return echo;
}

static const char good_webhook[] =
        "{\"url\":\"https://example.com/hook\",\"events\":[\"chat\",\"follow\"],\"active\":true}";

static lexc_status http_get_dummy(lexc_call *call, const void *params, const void *input,
                                  void *output)
{
	(void)call;
	(void)params;
	(void)input;
	(void)output;
	return LEXC_OK;
}

/* ---- Health and routing ------------------------------------------------------ */

START_TEST(health)
{
	http_resp r;
	http_get(T.port, "/xrpc/_health", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"version\":\"test-1.2.3\"}");
	char ct[128];
	ck_assert(http_header(&r, "Content-Type", ct, sizeof ct));
	ck_assert_str_eq(ct, "application/json; charset=utf-8");
	http_resp_free(&r);

	/* Registration is closed once the server runs. */
	lexc_error err;
	static const lexc_method unregistered = {.layout = LEXC_LAYOUT_VERSION,
	                                         .nsid = "com.example.test.unregistered",
	                                         .kind = LEXC_METHOD_QUERY};
	ck_assert_int_eq(
	        lexc_server_register(T.server, &unregistered, http_get_dummy, NULL, NULL, &err),
	        LEXC_INVALID_REQUEST);
	ck_assert(strstr(err.message, "already started") != NULL);

	http_post(T.port, "/xrpc/_health", NULL, NULL, &r);
	assert_xrpc_error(&r, 405, "InvalidRequest", "POST");
	char allow[64];
	ck_assert(http_header(&r, "Allow", allow, sizeof allow));
	ck_assert_str_eq(allow, "GET, HEAD");
	http_resp_free(&r);
}
END_TEST

START_TEST(routing)
{
	http_resp r;
	http_get(T.port, "/", &r);
	assert_xrpc_error(&r, 404, "XRPCNotSupported", "Not Found");
	http_resp_free(&r);
	http_get(T.port, "/xrpcfoo", &r);
	assert_xrpc_error(&r, 404, "XRPCNotSupported", NULL);
	http_resp_free(&r);

	/* Unknown NSIDs, also malformed ones, answer 501 as the reference does. */
	http_get(T.port, "/xrpc/com.example.nope", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", "Method Not Implemented");
	http_resp_free(&r);
	http_get(T.port, "/xrpc/", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	/* A prefix or extension of a known NSID is not that NSID. */
	http_get(T.port, "/xrpc/place.stream.server.listWebhook", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	http_get(T.port, "/xrpc/place.stream.server.listWebhooksX", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	/* MHD percent-decodes the path into a C string: "%00" must not cut a
	 * path down to a known NSID. */
	http_get(T.port, "/xrpc/place.stream.server.listWebhooks%00junk?limit=1", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	http_get(T.port, "/xrpc/_health%00", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	/* A %00 in the query string is no business of the path. */
	http_get(T.port, "/xrpc/place.stream.server.listWebhooks?cursor=a%00b", &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	/* Known to the table, no handler. */
	http_get(T.port, "/xrpc/com.example.test.unregistered", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	/* Clients asking for what is not there are no fault of ours. */
	char *log = read_stream(T.error_log);
	ck_assert_str_eq(log, "");
	free(log);

	char allow[64];
	http_post(T.port, "/xrpc/place.stream.server.listWebhooks", "application/json", "{}", &r);
	assert_xrpc_error(&r, 405, "InvalidRequest", "Incorrect HTTP method (POST) expected GET");
	ck_assert(http_header(&r, "Allow", allow, sizeof allow));
	ck_assert_str_eq(allow, "GET, HEAD");
	http_resp_free(&r);

	http_get(T.port, "/xrpc/place.stream.server.createWebhook", &r);
	assert_xrpc_error(&r, 405, "InvalidRequest", "Incorrect HTTP method (GET) expected POST");
	ck_assert(http_header(&r, "Allow", allow, sizeof allow));
	ck_assert_str_eq(allow, "POST");
	http_resp_free(&r);

	http_req del = {.verb = "DELETE", .path = "/xrpc/place.stream.server.listWebhooks"};
	http_do(NULL, T.port, &del, &r);
	assert_xrpc_error(&r, 405, "InvalidRequest", "DELETE");
	http_resp_free(&r);
	/* Without CORS, OPTIONS is just another verb. */
	http_req opt = {.verb = "OPTIONS", .path = "/xrpc/place.stream.server.listWebhooks"};
	http_do(NULL, T.port, &opt, &r);
	assert_xrpc_error(&r, 405, "InvalidRequest", NULL);
	ck_assert(!http_header(&r, "Access-Control-Allow-Origin", allow, sizeof allow));
	http_resp_free(&r);

	/* HEAD serves a query without the body. */
	http_req head = {.verb = "HEAD", .path = "/xrpc/place.stream.server.listWebhooks"};
	http_do(NULL, T.port, &head, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 0);
	char cl[32];
	ck_assert(http_header(&r, "Content-Length", cl, sizeof cl));
	ck_assert_int_gt(atoi(cl), 10);
	http_resp_free(&r);
}
END_TEST

/* ---- Query parameters ---------------------------------------------------------- */

START_TEST(params_integers)
{
	char *c = list_cursor("");
	ck_assert_str_eq(c, "limit=50 active=- event=- cursor=-"); /* the default */
	free(c);
	c = list_cursor("?limit=7");
	ck_assert_str_eq(c, "limit=7 active=- event=- cursor=-");
	free(c);
	c = list_cursor("?limit=100");
	ck_assert_str_eq(c, "limit=100 active=- event=- cursor=-");
	free(c);
	c = list_cursor("?limit=007");
	ck_assert_str_eq(c, "limit=7 active=- event=- cursor=-");
	free(c);

	const char *base = "/xrpc/place.stream.server.listWebhooks?limit=";
	static const char *const bad_syntax[] = {"3abc", "1.5", "",     "+3",  "%203", "3%20",
	                                         "abc",  "1e2", "0x10", "--1", "-"};
	for (size_t i = 0; i < sizeof bad_syntax / sizeof bad_syntax[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s%s", base, bad_syntax[i]);
		get_400(path, "limit: expected a whole decimal number");
	}
	get_400("/xrpc/place.stream.server.listWebhooks?limit=101", "limit: ");
	get_400("/xrpc/place.stream.server.listWebhooks?limit=0", "limit: ");
	get_400("/xrpc/place.stream.server.listWebhooks?limit=-1", "limit: ");
	get_400("/xrpc/place.stream.server.listWebhooks?limit=9223372036854775808",
	        "limit: expected a whole decimal number within 64 bits");
	get_400("/xrpc/place.stream.server.listWebhooks?limit=99999999999999999999", "limit");
	/* int64 extremes parse, then fail the range check (not the syntax). */
	http_resp r;
	http_get(T.port, "/xrpc/place.stream.server.listWebhooks?limit=-9223372036854775808", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "limit: ");
	ck_assert(strstr(r.body, "whole decimal") == NULL);
	http_resp_free(&r);
	/* A scalar parameter may not repeat. */
	get_400("/xrpc/place.stream.server.listWebhooks?limit=1&limit=2",
	        "limit: repeated, but not an array");
}
END_TEST

START_TEST(params_booleans_strings)
{
	char *c = list_cursor("?active=true");
	ck_assert_str_eq(c, "limit=50 active=true event=- cursor=-");
	free(c);
	c = list_cursor("?active=false&event=chat");
	ck_assert_str_eq(c, "limit=50 active=false event=chat cursor=-");
	free(c);
	static const char *const bad_bool[] = {"True", "1", "", "yes", "TRUE", "false%20"};
	for (size_t i = 0; i < sizeof bad_bool / sizeof bad_bool[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "/xrpc/place.stream.server.listWebhooks?active=%s",
		         bad_bool[i]);
		get_400(path, "active: expected true or false");
	}
	/* enum */
	get_400("/xrpc/place.stream.server.listWebhooks?event=party", "event: ");
	/* Percent-encoding is undone before typing; unknown parameters are
	 * ignored. */
	c = list_cursor("?cursor=a%20b%26c%3Dd%2B&unknown=1&x=%FF");
	ck_assert_str_eq(c, "limit=50 active=- event=- cursor=a b&c=d+");
	free(c);
	c = list_cursor("?cursor=caf%C3%A9");
	ck_assert_str_eq(c, "limit=50 active=- event=- cursor=caf\xc3\xa9");
	free(c);
	get_400("/xrpc/place.stream.server.listWebhooks?cursor=%FF", "cursor: not valid UTF-8");
	/* A declared error from a query handler. */
	http_resp r;
	http_get(T.port, "/xrpc/place.stream.server.listWebhooks?cursor=expired", &r);
	assert_xrpc_error(&r, 400, "InvalidCursor", "cursor expired");
	http_resp_free(&r);
	/* Required string parameter. */
	get_400("/xrpc/place.stream.server.getWebhook", "id");
	http_get(T.port, "/xrpc/place.stream.server.getWebhook?id=w%2F1", &r);
	assert_xrpc_error(&r, 400, "WebhookNotFound", "no webhook w/1");
	http_resp_free(&r);
}
END_TEST

START_TEST(params_arrays)
{
	ck_assert_str_eq(arrays_echo("?small=3"), "small=3 flag=- did=- nums= tags=");
	ck_assert_str_eq(arrays_echo("?small=3&tags=a&nums=1&tags=b%2Cc&nums=-2&flag=true"),
	                 "small=3 flag=true did=- nums=1,-2 tags=[a],[b,c]");
	ck_assert_str_eq(arrays_echo("?tags=&small=0&did=did%3Aplc%3Aabc"),
	                 "small=0 flag=- did=did:plc:abc nums= tags=[]");
	/* Constraints of arrays and their items, from the engine. */
	get_400("/xrpc/com.example.test.arrays?small=1&nums=1&nums=2&nums=3&nums=4", "nums");
	get_400("/xrpc/com.example.test.arrays?small=1&tags=ok&tags=toolong", "tags[1]: ");
	get_400("/xrpc/com.example.test.arrays?small=1&nums=1&nums=x",
	        "nums: expected a whole decimal number");
	get_400("/xrpc/com.example.test.arrays?small=1&did=notadid", "did: ");
	get_400("/xrpc/com.example.test.arrays?small=10", "small: ");
	get_400("/xrpc/com.example.test.arrays?small=1&flag=true&flag=false", "flag: repeated");
	get_400("/xrpc/com.example.test.arrays", "small");
}
END_TEST

START_TEST(query_with_body)
{
	http_req req = {.verb = "GET",
	                .path = "/xrpc/place.stream.server.listWebhooks",
	                .body = "{}",
	                .len = 2,
	                .has_body = true};
	http_resp r;
	http_do(NULL, T.port, &req, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "body");
	http_resp_free(&r);
}
END_TEST

/* ---- Procedure bodies ------------------------------------------------------------ */

START_TEST(json_body)
{
	static const char *const types[] = {"application/json", "application/json; charset=utf-8",
	                                    "Application/JSON", "application/json ;charset=UTF-8"};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		http_resp r;
		http_post(T.port, "/xrpc/place.stream.server.createWebhook", types[i], good_webhook,
		          &r);
		ck_assert_msg(r.status == 200, "%s: %ld %s", types[i], r.status, r.body);
		char ct[128];
		ck_assert(http_header(&r, "Content-Type", ct, sizeof ct));
		ck_assert_str_eq(ct, "application/json; charset=utf-8");
		ck_assert_str_eq(
		        r.body, "{\"webhook\":{\"active\":true,\"createdAt\":\"2024-01-01T00:00:"
		                "00.000Z\",\"events\":[\"chat\",\"follow\"],\"id\":\"wh1\",\"url\":"
		                "\"https://example.com/hook\"}}");
		http_resp_free(&r);
	}
	/* The default of "active" reaches the handler. */
	http_resp r;
	http_post(T.port, "/xrpc/place.stream.server.createWebhook", "application/json",
	          "{\"url\":\"https://x.example\",\"events\":[]}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "\"active\":false") != NULL);
	http_resp_free(&r);
}
END_TEST

START_TEST(json_body_rejected)
{
	const char *path = "/xrpc/place.stream.server.createWebhook";
	http_resp r;
	http_post(T.port, path, "text/plain", good_webhook, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest",
	                  "Wrong request encoding (Content-Type): text/plain");
	http_resp_free(&r);
	http_post(T.port, path, "application/jsonx", good_webhook, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Wrong request encoding");
	http_resp_free(&r);
	http_post(T.port, path, NULL, good_webhook, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Content-Type) required");
	http_resp_free(&r);
	http_post(T.port, path, "application/json", "", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Request body required");
	http_resp_free(&r);
	http_post(T.port, path, NULL, NULL, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Request body required");
	http_resp_free(&r);
	/* Malformed JSON: InvalidRequest with where and why, no internal name. */
	http_post(T.port, path, "application/json", "{\"url\": ", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Input: ");
	http_resp_free(&r);
	http_post(T.port, path, "application/json", "[1,2]", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Input: ");
	http_resp_free(&r);
	http_post(T.port, path, "application/json",
	          "{\"url\":\"https://a.example\",\"events\":[]} x", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Input: ");
	http_resp_free(&r);
	/* Schema violations name the JSON path. */
	http_post(T.port, path, "application/json", "{\"url\":\"not a uri\",\"events\":[]}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "$.url: ");
	http_resp_free(&r);
	http_post(T.port, path, "application/json",
	          "{\"url\":\"https://a.example\",\"events\":[\"chat\",\"party\"]}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "$.events[1]: ");
	http_resp_free(&r);
	http_post(T.port, path, "application/json", "{\"events\":[]}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "url");
	http_resp_free(&r);
}
END_TEST

START_TEST(union_bodies)
{
	const char *path = "/xrpc/com.example.golden.unionBody";
	http_resp r;
	http_post(T.port, path, "application/json",
	          "{\"$type\":\"com.example.golden.unionBody#ping\",\"n\":41}", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(r.body, "{\"$type\":\"com.example.golden.unionBody#pong\",\"n\":42}");
	http_resp_free(&r);
	http_post(T.port, path, "application/json",
	          "{\"$type\":\"com.example.golden.unionBody#pong\",\"n\":5}", &r);
	ck_assert_str_eq(r.body, "{\"$type\":\"com.example.golden.unionBody#pong\",\"n\":5}");
	http_resp_free(&r);
	/* Input the decoder rejects: no $type, a bad member, trailing data. */
	http_post(T.port, path, "application/json", "{\"n\":1}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Input: ");
	http_resp_free(&r);
	http_post(T.port, path, "application/json",
	          "{\"$type\":\"com.example.golden.unionBody#ping\",\"n\":\"x\"}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "$.n");
	http_resp_free(&r);
	http_post(T.port, path, "application/json",
	          "{\"$type\":\"com.example.golden.unionBody#ping\"} {}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Input: ");
	http_resp_free(&r);
	/* Output errors: no variant for a closed union, a variant out of range. */
	http_post(T.port, path, "application/json",
	          "{\"$type\":\"com.example.golden.unionBody#pong\",\"n\":0}", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	http_resp_free(&r);
	http_post(T.port, path, "application/json",
	          "{\"$type\":\"com.example.golden.unionBody#pong\",\"n\":1}", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	http_resp_free(&r);
	char *log = read_stream(T.error_log);
	ck_assert_msg(strstr(log, "union output: no variant chosen") != NULL, "%s", log);
	ck_assert_msg(strstr(log, "union output: no variant 7") != NULL, "%s", log);
	free(log);
}
END_TEST

START_TEST(binary_bodies)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0data";
	char ct_hdr[] = "Content-Type: image/png";
	const char *hdrs[] = {ct_hdr, NULL};
	http_req req = {.verb = "POST",
	                .path = "/xrpc/com.example.test.upload",
	                .headers = hdrs,
	                .body = png,
	                .len = sizeof png - 1,
	                .has_body = true};
	http_resp r;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, sizeof png - 1);
	ck_assert(memcmp(r.body, png, r.len) == 0);
	char v[128];
	ck_assert(http_header(&r, "Content-Type", v, sizeof v));
	ck_assert_str_eq(v, "application/octet-stream");
	ck_assert(http_header(&r, "X-Input-Type", v, sizeof v));
	ck_assert_str_eq(v, "image/png");
	http_resp_free(&r);

	/* An image glob takes any image type, in any case, with parameters. */
	char ct2[] = "Content-Type: IMAGE/JPEG; q=1";
	hdrs[0] = ct2;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	char ct3[] = "Content-Type: text/plain";
	hdrs[0] = ct3;
	http_do(NULL, T.port, &req, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "expected image/*");
	http_resp_free(&r);
	char ct4[] = "Content-Type: image";
	hdrs[0] = ct4;
	http_do(NULL, T.port, &req, &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Wrong request encoding");
	http_resp_free(&r);

	/* A glob of any type takes anything; the handler answers with it. */
	http_post(T.port, "/xrpc/com.example.test.any", "text/csv; charset=latin1", "a,b\n", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "a,b\n");
	ck_assert(http_header(&r, "Content-Type", v, sizeof v));
	ck_assert_str_eq(v, "text/csv; charset=latin1");
	http_resp_free(&r);
	http_post(T.port, "/xrpc/com.example.test.any", NULL, "a,b\n", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "Content-Type");
	http_resp_free(&r);
	/* A glob encoding with a JSON schema: the handler's input is the
	 * schema's struct, so a body of another type is refused, never passed
	 * to it as a lexc_body. */
	http_post(T.port, "/xrpc/com.example.test.anyJson", "text/plain", "not json at all", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest", "expected application/json");
	http_resp_free(&r);
	http_post(T.port, "/xrpc/com.example.test.anyJson", "application/json",
	          "{\"url\":\"https://example.com/h\",\"events\":[\"chat\"],\"active\":true}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(http_header(&r, "X-Active", v, sizeof v));
	ck_assert_str_eq(v, "yes");
	http_resp_free(&r);
	/* A glob output needs a content type from the handler. */
	http_post(T.port, "/xrpc/com.example.test.any", "text/plain", "notype", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	http_resp_free(&r);
	char *log = read_stream(T.error_log);
	ck_assert_msg(strstr(log, "com.example.test.any") != NULL &&
	                      strstr(log, "no content type") != NULL,
	              "%s", log);
	free(log);
}
END_TEST

START_TEST(no_input_no_output)
{
	http_resp r;
	http_post(T.port, "/xrpc/com.example.test.noinput", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 0);
	http_resp_free(&r);
	http_post(T.port, "/xrpc/com.example.test.noinput", "application/json", "", &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	http_post(T.port, "/xrpc/com.example.test.noinput", "application/json", "{}", &r);
	assert_xrpc_error(&r, 400, "InvalidRequest",
	                  "A request body was provided when none was expected");
	http_resp_free(&r);
}
END_TEST

/* ---- Handler errors and output ------------------------------------------------------ */

static void create_named(const char *name, http_resp *r)
{
	char body[256];
	snprintf(body, sizeof body, "{\"url\":\"https://a.example\",\"events\":[],\"name\":\"%s\"}",
	         name);
	http_post(T.port, "/xrpc/place.stream.server.createWebhook", "application/json", body, r);
}

START_TEST(handler_errors)
{
	http_resp r;
	http_post(T.port, "/xrpc/place.stream.server.createWebhook", "application/json",
	          "{\"url\":\"https://invalid.example\",\"events\":[]}", &r);
	assert_xrpc_error(&r, 400, "InvalidUrl", "cannot reach https://invalid.example");
	http_resp_free(&r);

	create_named("forbidden", &r);
	assert_xrpc_error(&r, 403, "Forbidden", "not yours");
	http_resp_free(&r);
	create_named("upstream", &r);
	assert_xrpc_error(&r, 502, "UpstreamFailure", "Upstream Failure");
	ck_assert(strstr(r.body, "10.0.0.7") == NULL);
	http_resp_free(&r);
	create_named("bare", &r);
	assert_xrpc_error(&r, 403, "Forbidden", NULL);
	http_resp_free(&r);
	create_named("badutf8", &r);
	assert_xrpc_error(&r, 403, "Forbidden", "bad \xEF\xBF\xBD byte \xEF\xBF\xBD");
	http_resp_free(&r);
	create_named("badheader", &r);
	assert_xrpc_error(&r, 403, "Forbidden", "header refused");
	http_resp_free(&r);

	create_named("ratelimit", &r);
	assert_xrpc_error(&r, 429, "RateLimitExceeded", "slow down");
	char v[64];
	ck_assert(http_header(&r, "Retry-After", v, sizeof v));
	ck_assert_str_eq(v, "7");
	http_resp_free(&r);

	/* 5xx: generic message to the client, the cause in the error log. */
	create_named("crash", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	ck_assert(strstr(r.body, "secret") == NULL);
	http_resp_free(&r);
	create_named("undeclared", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	ck_assert(strstr(r.body, "NotInTheLexicon") == NULL);
	http_resp_free(&r);
	create_named("badoutput", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	http_resp_free(&r);
	/* The output arrives made by lexc_value_new(): its required webhook is
	 * allocated, so a handler fills it without allocating; an optional
	 * string set from a NULL C string stays absent. */
	create_named("prealloc", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"webhook\":{\"active\":false,"
	                         "\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"events\":[],"
	                         "\"id\":\"wh2\",\"suffix\":\"!\",\"url\":\"https://a.example\"}}");
	http_resp_free(&r);
	create_named("badnested", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	ck_assert(strstr(r.body, "createdAt") == NULL);
	http_resp_free(&r);
	create_named("badraw", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	http_resp_free(&r);
	/* A failed copy the handler did not check: its arena failed, so no 200. */
	create_named("arenafail", &r);
	assert_xrpc_error(&r, 500, "InternalServerError", "Internal Server Error");
	http_resp_free(&r);

	char *log = read_stream(T.error_log);
	ck_assert_msg(strstr(log,
	                     "place.stream.server.createWebhook: INTERNAL_SERVER_ERROR: secret "
	                     "database detail\n") != NULL,
	              "%s", log);
	ck_assert_msg(strstr(log, "undeclared error NotInTheLexicon") != NULL, "%s", log);
	ck_assert_msg(strstr(log, "UPSTREAM_FAILURE: db at 10.0.0.7 is down") != NULL, "%s", log);
	ck_assert_msg(strstr(log, "invalid output: $.webhook: required object is NULL") != NULL,
	              "%s", log);
	ck_assert_msg(strstr(log, "invalid output: $.webhook.createdAt") != NULL, "%s", log);
	ck_assert_msg(strstr(log, "invalid output: $.webhook.x.a: not an integer") != NULL, "%s",
	              log);
	ck_assert_msg(strstr(log, "NO_MEMORY: the handler ran out of memory in its arena") != NULL,
	              "%s", log);
	/* Only the 5xx were logged, one line each. */
	size_t lines = 0;
	for (const char *p = log; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 7);
	ck_assert(strstr(log, "not yours") == NULL);
	free(log);
}
END_TEST

/* ---- Authentication -------------------------------------------------------------------- */

static void get_auth(const char *token, http_resp *r)
{
	char h[128];
	const char *hdrs[] = {h, NULL};
	snprintf(h, sizeof h, "Authorization: Bearer %s", token);
	http_req req = {.verb = "GET",
	                .path = "/xrpc/com.example.test.auth",
	                .headers = token != NULL ? hdrs : NULL};
	http_do(NULL, T.port, &req, r);
}

START_TEST(auth)
{
	char v[128];
	http_resp r;
	get_auth(NULL, &r);
	assert_xrpc_error(&r, 401, "AuthenticationRequired", NULL);
	ck_assert(http_header(&r, "WWW-Authenticate", v, sizeof v));
	ck_assert_str_eq(v, "Bearer realm=\"test\"");
	http_resp_free(&r);

	get_auth("good", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(http_header(&r, "X-Caller", v, sizeof v));
	ck_assert_str_eq(v, "did:plc:alice");
	http_resp_free(&r);

	get_auth("bad", &r);
	assert_xrpc_error(&r, 401, "AuthenticationRequired", "bad token");
	ck_assert(http_header(&r, "WWW-Authenticate", v, sizeof v));
	http_resp_free(&r);
	get_auth("banned", &r);
	assert_xrpc_error(&r, 403, "Forbidden", "banned");
	ck_assert(!http_header(&r, "WWW-Authenticate", v, sizeof v));
	http_resp_free(&r);
	get_auth("slow", &r);
	assert_xrpc_error(&r, 429, "RateLimitExceeded", "too many requests");
	ck_assert(http_header(&r, "Retry-After", v, sizeof v));
	ck_assert_str_eq(v, "30");
	http_resp_free(&r);

	/* Optional methods: anonymous is fine, a caller is seen, a bad token
	 * still fails, before the body is even decoded. */
	http_post(T.port, "/xrpc/place.stream.server.createWebhook", "application/json",
	          good_webhook, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "did:plc:alice") == NULL);
	http_resp_free(&r);
	char h[] = "Authorization: Bearer good", ct[] = "Content-Type: application/json";
	const char *hdrs[] = {h, ct, NULL};
	http_req req = {.verb = "POST",
	                .path = "/xrpc/place.stream.server.createWebhook",
	                .headers = hdrs,
	                .body = good_webhook,
	                .len = strlen(good_webhook),
	                .has_body = true};
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "\"name\":\"did:plc:alice\"") != NULL);
	http_resp_free(&r);
	char bad[] = "Authorization: Bearer bad";
	hdrs[0] = bad;
	req.body = "{not json";
	req.len = 9;
	http_do(NULL, T.port, &req, &r);
	assert_xrpc_error(&r, 401, "AuthenticationRequired", "bad token");
	http_resp_free(&r);
}
END_TEST

static void required_by_default(lexc_server_config *cfg)
{
	cfg->default_auth = LEXC_AUTH_REQUIRED;
	cfg->cors = true;
}

START_TEST(auth_default_required_and_cors)
{
	test_server_stop(&T, 1000);
	test_server_start(&T, required_by_default);
	http_resp r;
	http_get(T.port, "/xrpc/place.stream.server.listWebhooks", &r);
	assert_xrpc_error(&r, 401, "AuthenticationRequired", NULL);
	char v[256];
	ck_assert(http_header(&r, "Access-Control-Allow-Origin", v, sizeof v));
	ck_assert_str_eq(v, "*");
	http_resp_free(&r);
	/* The health check needs no caller. */
	http_get(T.port, "/xrpc/_health", &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);

	/* Preflight: 204 with the CORS headers, before authentication. */
	char acrh[] = "Access-Control-Request-Headers: authorization, content-type";
	char acrm[] = "Access-Control-Request-Method: POST";
	char origin[] = "Origin: https://app.example";
	const char *hdrs[] = {acrh, acrm, origin, NULL};
	http_req opt = {.verb = "OPTIONS",
	                .path = "/xrpc/place.stream.server.createWebhook",
	                .headers = hdrs};
	http_do(NULL, T.port, &opt, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_uint_eq(r.len, 0);
	ck_assert(http_header(&r, "Access-Control-Allow-Origin", v, sizeof v));
	ck_assert_str_eq(v, "*");
	ck_assert(http_header(&r, "Access-Control-Allow-Methods", v, sizeof v));
	ck_assert(strstr(v, "POST") != NULL && strstr(v, "GET") != NULL);
	ck_assert(http_header(&r, "Access-Control-Allow-Headers", v, sizeof v));
	ck_assert_str_eq(v, "authorization, content-type");
	http_resp_free(&r);
	/* Allow lists OPTIONS when CORS is on. */
	http_get(T.port, "/xrpc/place.stream.server.createWebhook", &r);
	assert_xrpc_error(&r, 405, "InvalidRequest", NULL);
	ck_assert(http_header(&r, "Allow", v, sizeof v));
	ck_assert_str_eq(v, "POST, OPTIONS");
	http_resp_free(&r);
}
END_TEST

/* ---- Body limits ------------------------------------------------------------------------- */

static void small_limit(lexc_server_config *cfg)
{
	cfg->body_limit = 64 * 1024;
}

START_TEST(body_limits)
{
	test_server_stop(&T, 1000);
	test_server_start(&T, small_limit);
	size_t n = 100 * 1024;
	char *big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', n);
	big[n] = '\0';
	/* Chunked: no Content-Length, the limit applies while receiving. */
	char ct[] = "Content-Type: image/png";
	const char *hdrs[] = {ct, NULL};
	http_req req = {.verb = "POST",
	                .path = "/xrpc/com.example.test.upload",
	                .headers = hdrs,
	                .body = big,
	                .len = n,
	                .has_body = true,
	                .chunked = true};
	http_resp r;
	http_do(NULL, T.port, &req, &r);
	assert_xrpc_error(&r, 413, "PayloadTooLarge", "65536");
	http_resp_free(&r);
	/* Exactly the limit passes, chunked or not. */
	req.len = 64 * 1024;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 64 * 1024);
	http_resp_free(&r);
	req.chunked = false;
	http_do(NULL, T.port, &req, &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	req.len = 64 * 1024 + 1;
	http_do(NULL, T.port, &req, &r);
	assert_xrpc_error(&r, 413, "PayloadTooLarge", NULL);
	http_resp_free(&r);
	free(big);

	/* A Content-Length over the limit is answered at once, body unread. */
	static const char head[] = "POST /xrpc/com.example.test.upload HTTP/1.1\r\n"
	                           "Host: x\r\nContent-Type: image/png\r\n"
	                           "Content-Length: 10000000\r\n\r\n";
	char out[4096];
	raw_exchange(T.port, head, sizeof head - 1, false, out, sizeof out);
	ck_assert_msg(strncmp(out, "HTTP/1.1 413", 12) == 0, "%s", out);
	ck_assert(strstr(out, "\"error\":\"PayloadTooLarge\"") != NULL);
	/* The server is fine afterwards. */
	http_get(T.port, "/xrpc/_health", &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
}
END_TEST

/* A body whose decoding needs more memory than value_memory_limit is 413,
 * logged in the access log only; the data model holds inside bodies. */
static void small_value_memory(lexc_server_config *cfg)
{
	cfg->value_memory_limit = 256 * 1024;
}

START_TEST(value_memory_limit)
{
	test_server_stop(&T, 1000);
	test_server_start(&T, small_value_memory);
	size_t cap = 200 * 1024, n = 0;
	char *body = malloc(cap);
	ck_assert_ptr_nonnull(body);
	n += (size_t)snprintf(body, cap, "{\"url\":\"https://a.example\",\"events\":[]");
	for (int i = 0; n + 32 < cap; i++)
		n += (size_t)snprintf(body + n, cap - n, ",\"k%06d\":0", i);
	body[n++] = '}';
	body[n] = '\0';
	http_resp r;
	http_post(T.port, "/xrpc/place.stream.server.createWebhook", "application/json", body, &r);
	assert_xrpc_error(&r, 413, "PayloadTooLarge",
	                  "Input: decoding needs more than the server's 262144 bytes of memory "
	                  "per value");
	http_resp_free(&r);
	free(body);
	/* The server is fine, ordinary bodies pass, and raw values in a body
	 * get the data model's rules. */
	create_named("ok", &r);
	ck_assert_int_eq(r.status, 200);
	http_resp_free(&r);
	http_post(
	        T.port, "/xrpc/place.stream.server.createWebhook", "application/json",
	        "{\"url\":\"https://a.example\",\"events\":[],\"x\":{\"$link\":\"bafy\",\"y\":1}}",
	        &r);
	assert_xrpc_error(
	        &r, 400, "InvalidRequest",
	        "Input: $.x: an object with $link must be exactly {\"$link\": \"<cid>\"}");
	http_resp_free(&r);
	char *log = read_stream(T.error_log);
	ck_assert_msg(log[0] == '\0', "error log: %s", log);
	free(log);
}
END_TEST

/* ---- Connections --------------------------------------------------------------------------- */

START_TEST(keep_alive)
{
	CURL *h = curl_easy_init();
	long connects = 0;
	for (int i = 0; i < 30; i++) {
		http_resp r;
		char ct[] = "Content-Type: application/json";
		const char *hdrs[] = {ct, NULL};
		http_req req = {.verb = "GET",
		                .path = "/xrpc/place.stream.server.listWebhooks?limit=3"};
		if (i % 3 == 1)
			req.path = "/xrpc/place.stream.server.listWebhooks?limit=x"; /* 400 */
		if (i % 3 == 2) {
			req = (http_req){.verb = "POST",
			                 .path = "/xrpc/place.stream.server.createWebhook",
			                 .headers = hdrs,
			                 .body = "{\"url\": 1}",
			                 .len = 10,
			                 .has_body = true};
		}
		http_do(h, T.port, &req, &r);
		ck_assert_int_eq(r.status, i % 3 == 0 ? 200 : 400);
		connects += r.connects;
		http_resp_free(&r);
	}
	ck_assert_int_eq(connects, 1);
	curl_easy_cleanup(h);
}
END_TEST

enum { CLIENTS = 8, PER_CLIENT = 200 };

static void *client(void *arg)
{
	long id = (long)(intptr_t)arg;
	CURL *h = curl_easy_init();
	long bad = 0;
	char body[256], path[128], want[128], ct[] = "Content-Type: application/json";
	const char *hdrs[] = {ct, NULL};
	for (int i = 0; i < PER_CLIENT; i++) {
		http_resp r;
		if (i % 2 == 0) {
			snprintf(path, sizeof path,
			         "/xrpc/place.stream.server.listWebhooks?limit=%d&cursor=c%ld-%d",
			         i % 100 + 1, id, i);
			http_req req = {.verb = "GET", .path = path};
			http_do(h, T.port, &req, &r);
			snprintf(want, sizeof want, "limit=%d active=- event=- cursor=c%ld-%d",
			         i % 100 + 1, id, i);
			if (r.status != 200 || strstr(r.body, want) == NULL)
				bad++;
		} else {
			snprintf(body, sizeof body,
			         "{\"url\":\"https://c%ld.example/%d\",\"events\":[\"chat\"]}", id,
			         i);
			http_req req = {.verb = "POST",
			                .path = "/xrpc/place.stream.server.createWebhook",
			                .headers = hdrs,
			                .body = body,
			                .len = strlen(body),
			                .has_body = true};
			http_do(h, T.port, &req, &r);
			snprintf(want, sizeof want, "\"url\":\"https://c%ld.example/%d\"", id, i);
			if (r.status != 200 || strstr(r.body, want) == NULL)
				bad++;
		}
		http_resp_free(&r);
	}
	curl_easy_cleanup(h);
	return (void *)(intptr_t)bad;
}

START_TEST(concurrent_clients)
{
	pthread_t th[CLIENTS];
	for (long i = 0; i < CLIENTS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, client, (void *)(intptr_t)i), 0);
	long bad = 0;
	for (int i = 0; i < CLIENTS; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		bad += (long)(intptr_t)ret;
	}
	ck_assert_int_eq(bad, 0);
	/* Every request made one access log line. */
	lexc_server_stop(T.server, 10000);
	char *log = read_stream(T.access_log);
	size_t lines = 0;
	for (const char *p = log; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, CLIENTS * PER_CLIENT);
	free(log);
}
END_TEST

START_TEST(access_log)
{
	http_resp r;
	http_get(T.port, "/xrpc/_health", &r);
	http_resp_free(&r);
	http_get(T.port, "/xrpc/place.stream.server.listWebhooks?limit=x", &r);
	size_t err_len = r.len;
	http_resp_free(&r);
	http_get(T.port, "/xrpc/a%0Ab%20c", &r);
	http_resp_free(&r);
	lexc_server_stop(T.server, 10000); /* every completion callback has run */
	char *log = read_stream(T.access_log);
	char *save = NULL;
	int n = 0, seen = 0;
	for (char *line = strtok_r(log, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char when[64], peer[64], verb[16], path[256], status[8];
		unsigned long bytes, us;
		ck_assert_msg(sscanf(line, "%63s %63s %15s %255s %7s %lu %lu", when, peer, verb,
		                     path, status, &bytes, &us) == 7,
		              "%s", line);
		/* 2026-01-01T00:00:00.000Z */
		ck_assert_msg(strlen(when) == 24 && when[10] == 'T' && when[23] == 'Z', "%s", when);
		ck_assert_str_eq(peer, "127.0.0.1");
		ck_assert_str_eq(verb, "GET");
		/* Completion callbacks run on several workers: lines come in
		 * any order, so each is recognised by its path. */
		if (strcmp(path, "/xrpc/_health") == 0) {
			seen |= 1;
			ck_assert_str_eq(status, "200");
			ck_assert_uint_eq(bytes, strlen("{\"version\":\"test-1.2.3\"}"));
		} else if (strcmp(path, "/xrpc/place.stream.server.listWebhooks") == 0) {
			seen |= 2;
			ck_assert_str_eq(status, "400");
			ck_assert_uint_eq(bytes, err_len);
		} else {
			/* Control bytes and spaces cannot forge or split lines. */
			seen |= 4;
			ck_assert_str_eq(path, "/xrpc/a\\x0ab\\x20c");
			ck_assert_str_eq(status, "501");
		}
	}
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(seen, 7);
	free(log);
}
END_TEST

/* ---- Graceful stop -------------------------------------------------------------------------- */

static void *blocked_client(void *arg)
{
	http_resp *r = arg;
	http_get(T.port, "/xrpc/com.example.test.block", r);
	return NULL;
}

/* The stopping thread: `returned` and `released_when_done` are written
 * under the gate's mutex, and the gate's condition is broadcast, so the
 * test can wait for stop() to return and knows exactly whether it returned
 * before or after the handler was let go. */
typedef struct stopper {
	bool returned;
	bool released_when_done;
} stopper;

static void *stop_server(void *arg)
{
	stopper *s = arg;
	lexc_server_stop(T.server, 60000);
	pthread_mutex_lock(&T.gate.mutex);
	s->released_when_done = T.gate.released;
	s->returned = true;
	pthread_cond_broadcast(&T.gate.cond);
	pthread_mutex_unlock(&T.gate.mutex);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(graceful_stop)
{
	http_resp r, probe;
	pthread_t client_th, stop_th;
	ck_assert_int_eq(pthread_create(&client_th, NULL, blocked_client, &r), 0);
	pthread_mutex_lock(&T.gate.mutex);
	while (T.gate.entered == 0)
		pthread_cond_wait(&T.gate.cond, &T.gate.mutex);
	pthread_mutex_unlock(&T.gate.mutex);
	/* The handler holds one worker; the other still serves. */
	http_get(T.port, "/xrpc/_health", &probe);
	ck_assert_int_eq(probe.status, 200);
	http_resp_free(&probe);

	stopper s = {false, false};
	ck_assert_int_eq(pthread_create(&stop_th, NULL, stop_server, &s), 0);
	/* Once stop() has begun, a new connection is accepted by the still
	 * open listening socket and closed at once, without an answer. Until
	 * then the probes get 200. Either way the handler is still held. */
	double deadline = now_s() + 60;
	bool refused = false;
	while (!refused && now_s() < deadline) {
		http_get(T.port, "/xrpc/_health", &probe);
		if (probe.status == 0) {
			refused = true;
			ck_assert_msg(
			        probe.rc != CURLE_COULDNT_CONNECT,
			        "the listening socket is closed while a request is in flight");
		} else {
			ck_assert_int_eq(probe.status, 200);
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
		http_resp_free(&probe);
	}
	ck_assert_msg(refused, "new connections still served 60 s after stop() began");

	/* stop() is draining: it does not return while the handler holds,
	 * not even after a while. The check and the release share one critical
	 * section, so stop() can only return after the release. */
	pthread_mutex_lock(&T.gate.mutex);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 300 * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int rc = 0;
	while (!s.returned && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&T.gate.cond, &T.gate.mutex, &until);
	ck_assert_msg(!s.returned, "stop() returned while a handler was still running");
	T.gate.released = true;
	pthread_cond_broadcast(&T.gate.cond);
	pthread_mutex_unlock(&T.gate.mutex);

	pthread_join(stop_th, NULL);
	pthread_join(client_th, NULL);
	ck_assert(s.returned && s.released_when_done);
	/* The request in flight completed, answered while stopping. */
	ck_assert_int_eq(r.rc, CURLE_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 0);
	char conn[32];
	ck_assert(http_header(&r, "Connection", conn, sizeof conn));
	ck_assert_str_eq(conn, "close");
	http_resp_free(&r);
	/* Nothing listens any more. */
	http_get(T.port, "/xrpc/_health", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(r.rc, CURLE_COULDNT_CONNECT);
	http_resp_free(&r);
	char *log = read_stream(T.access_log);
	ck_assert(strstr(log, " GET /xrpc/com.example.test.block 200 0 ") != NULL);
	free(log);
}
END_TEST

/* ---- API edges ---------------------------------------------------------------------------------
 */

START_TEST(api_edges)
{
	lexc_error err;
	static const lexc_method a = {
	        .layout = LEXC_LAYOUT_VERSION, .nsid = "b.x", .kind = LEXC_METHOD_QUERY};
	static const lexc_method b = {
	        .layout = LEXC_LAYOUT_VERSION, .nsid = "a.x", .kind = LEXC_METHOD_QUERY};
	const lexc_method *unsorted[] = {&a, &b};
	ck_assert_ptr_null(lexc_server_new(NULL, unsorted, 2, &err));
	ck_assert(strstr(err.message, "sorted") != NULL);
	const lexc_method *dup[] = {&a, &a};
	ck_assert_ptr_null(lexc_server_new(NULL, dup, 2, &err));

	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	ck_assert_str_eq(cfg.address, "127.0.0.1");
	ck_assert_uint_eq(cfg.body_limit, 1024 * 1024);
	cfg.address = "localhost"; /* not a literal */
	const lexc_method *one[] = {&b};
	lexc_server *s = lexc_server_new(&cfg, one, 1, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_ne(lexc_server_start(s, &err), LEXC_OK);
	ck_assert(strstr(err.message, "localhost") != NULL);
	/* Registering a method the table lacks fails. */
	ck_assert_int_ne(lexc_server_register(s, &a, (lexc_handler)NULL, NULL, NULL, &err),
	                 LEXC_OK);
	/* A generated M__register reports why in its error. */
	lexc_error_clear(&err);
	ck_assert_int_eq(place_stream_server_createWebhook__register(s, NULL, NULL, &err),
	                 LEXC_INVALID_REQUEST);
	ck_assert_str_eq(err.message,
	                 "server: no method place.stream.server.createWebhook in the table");
	ck_assert_int_ne(lexc_server_set_auth(s, "nope", LEXC_AUTH_REQUIRED, &err), LEXC_OK);
	ck_assert_int_ne(lexc_server_set_auth(NULL, "a.x", LEXC_AUTH_REQUIRED, &err), LEXC_OK);
	lexc_server_free(s);

	/* A NULL handler (M__register(server, NULL, user)) leaves the method
	 * unimplemented instead of crashing the first request. */
	cfg.address = "127.0.0.1";
	s = lexc_server_new(&cfg, one, 1, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(lexc_server_register(s, &b, http_get_dummy, NULL, NULL, &err), LEXC_OK);
	ck_assert_int_eq(lexc_server_start(s, &err), LEXC_OK);
	http_resp nh;
	http_get(lexc_server_port(s), "/xrpc/a.x", &nh);
	assert_xrpc_error(&nh, 501, "MethodNotImplemented", NULL);
	http_resp_free(&nh);
	lexc_server_free(s);

	/* IPv6 loopback, port 0. */
	cfg.address = "::1";
	s = lexc_server_new(&cfg, NULL, 0, &err);
	ck_assert_ptr_nonnull(s);
	if (lexc_server_start(s, &err) == LEXC_OK) {
		ck_assert_uint_ne(lexc_server_port(s), 0);
		char url[64];
		snprintf(url, sizeof url, "http://[::1]:%u/xrpc/_health", lexc_server_port(s));
		CURL *h = curl_easy_init();
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		ck_assert_int_eq(status, 200);
		curl_easy_cleanup(h);
	}
	lexc_server_free(s);
	lexc_server_free(NULL);
}
END_TEST

/* lexc_server_run(): blocks until SIGTERM, then stops. The signal is sent
 * to the running thread itself (pthread_kill), where run() blocked it. */
typedef struct runner {
	lexc_server *server;
	lexc_status status;
} runner;

static void *run_server(void *arg)
{
	runner *r = arg;
	lexc_error err;
	r->status = lexc_server_run(r->server, &err);
	return NULL;
}

START_TEST(run_until_signal)
{
	/* run() picks the port itself, so take a free one first. */
	uint16_t port = free_port();
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	cfg.port = port;
	cfg.threads = 1;
	lexc_error err;
	runner r = {lexc_server_new(&cfg, NULL, 0, &err), LEXC_INTERNAL_SERVER_ERROR};
	ck_assert_ptr_nonnull(r.server);
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, run_server, &r), 0);
	/* Wait until it answers: each try fails fast (connection refused). */
	char path[] = "/xrpc/_health";
	long status = 0;
	for (int i = 0; i < 100000 && status != 200; i++) {
		http_resp resp;
		http_get(port, path, &resp);
		status = resp.status;
		http_resp_free(&resp);
		if (status != 200)
			sched_yield();
	}
	ck_assert_int_eq(status, 200);
	ck_assert_int_eq(pthread_kill(th, SIGTERM), 0);
	pthread_join(th, NULL);
	ck_assert_int_eq(r.status, LEXC_OK);
	lexc_server_free(r.server);
}
END_TEST

static Suite *server_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("http");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, health);
	tcase_add_test(tc, routing);
	tcase_add_test(tc, params_integers);
	tcase_add_test(tc, params_booleans_strings);
	tcase_add_test(tc, params_arrays);
	tcase_add_test(tc, query_with_body);
	tcase_add_test(tc, json_body);
	tcase_add_test(tc, json_body_rejected);
	tcase_add_test(tc, union_bodies);
	tcase_add_test(tc, binary_bodies);
	tcase_add_test(tc, no_input_no_output);
	tcase_add_test(tc, handler_errors);
	tcase_add_test(tc, auth);
	tcase_add_test(tc, auth_default_required_and_cors);
	tcase_add_test(tc, body_limits);
	tcase_add_test(tc, value_memory_limit);
	tcase_add_test(tc, keep_alive);
	tcase_add_test(tc, concurrent_clients);
	tcase_add_test(tc, access_log);
	tcase_add_test(tc, graceful_stop);
	suite_add_tcase(s, tc);
	TCase *api = tcase_create("api");
	tcase_add_test(api, api_edges);
	tcase_add_test(api, run_until_signal);
	suite_add_tcase(s, api);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(server_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
