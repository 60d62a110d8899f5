/* server_util.h: helpers shared by the XRPC server's end-to-end tests: HTTP
 * requests through libcurl, raw sockets for malformed HTTP, and checks of
 * XRPC error bodies. */
#ifndef LEXC_TESTS_SERVER_UTIL_H
#define LEXC_TESTS_SERVER_UTIL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct http_resp {
	long status; /* 0: the transfer failed */
	char *body;  /* NUL-terminated */
	size_t len;
	char *headers; /* the raw header block(s) */
	size_t hlen;
	long connects; /* CURLINFO_NUM_CONNECTS */
	CURLcode rc;
} http_resp;

typedef struct http_req {
	const char *verb;           /* "GET", "POST", "HEAD", ... */
	const char *path;           /* with the query string */
	const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
	const void *body;
	size_t len;
	bool has_body; /* send body[0..len) (also when len is 0) */
	bool chunked;  /* Transfer-Encoding: chunked instead of Content-Length */
} http_req;

/* Runs one request on `h` (reused, for keep-alive) or on a fresh handle
 * when `h` is NULL. Always fills `out`; free it with http_resp_free(). */
void http_do(CURL *h, uint16_t port, const http_req *req, http_resp *out);
void http_resp_free(http_resp *r);

/* Shorthands. */
void http_get(uint16_t port, const char *path, http_resp *out);
void http_post(uint16_t port, const char *path, const char *content_type, const char *body,
               http_resp *out);

/* The value of response header `name` (case-insensitive) copied into buf;
 * false when absent. */
bool http_header(const http_resp *r, const char *name, char *buf, size_t size);

/* Asserts an XRPC error: status, exact "error" and a "message" that
 * contains `message_part` (may be NULL); checks the JSON content type. */
void assert_xrpc_error(const http_resp *r, long status, const char *name, const char *message_part);

/* Whether body is a well-formed XRPC error object (error and message are
 * strings). */
bool is_xrpc_error(const char *body, size_t len);

/* A blocking TCP connection to 127.0.0.1:port with a 60 s receive guard. */
int raw_connect(uint16_t port);

/* Sends data, half-closes when `shut` is true, then reads until the server
 * closes or the guard expires. Returns the bytes read into out (NUL-
 * terminated). */
size_t raw_exchange(uint16_t port, const char *data, size_t len, bool shut, char *out, size_t cap);

/* A TCP port on 127.0.0.1 that was free a moment ago (bound, read, closed). */
uint16_t free_port(void);

/* Reads everything from the content of a stdio stream written so far. */
char *read_stream(FILE *f);

#endif
