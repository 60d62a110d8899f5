/* server_util.c: see server_util.h. */
#include "config.h"

#include "server_util.h"

#include <arpa/inet.h>
#include <check.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct buf {
	char *p;
	size_t n;
} buf;

static size_t append(char *data, size_t size, size_t nmemb, void *user)
{
	buf *b = user;
	size_t n = size * nmemb;
	char *p = realloc(b->p, b->n + n + 1);
	if (p == NULL)
		return 0;
	memcpy(p + b->n, data, n);
	b->n += n;
	p[b->n] = '\0';
	b->p = p;
	return n;
}

typedef struct reader {
	const char *p;
	size_t left;
} reader;

static size_t read_body(char *dst, size_t size, size_t nmemb, void *user)
{
	reader *r = user;
	size_t n = size * nmemb;
	if (n > r->left)
		n = r->left;
	/* Small pieces, so a chunked body arrives as many chunks. */
	if (n > 4096)
		n = 4096;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

void http_do(CURL *h, uint16_t port, const http_req *req, http_resp *out)
{
	memset(out, 0, sizeof *out);
	bool own = h == NULL;
	if (own)
		h = curl_easy_init();
	else
		curl_easy_reset(h);
	ck_assert_ptr_nonnull(h);
	char url[2048];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, req->path);
	buf body = {0}, hdrs = {0};
	reader rd = {req->body, req->len};
	struct curl_slist *list = NULL;
	bool has_ct = false;
	for (const char *const *p = req->headers; p != NULL && *p != NULL; p++) {
		list = curl_slist_append(list, *p);
		if (strncasecmp(*p, "Content-Type:", 13) == 0)
			has_ct = true;
	}
	/* curl adds a form Content-Type and Expect: 100-continue of its own. */
	if (!has_ct)
		list = curl_slist_append(list, "Content-Type:");
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, append);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &hdrs);
	if (strcmp(req->verb, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (req->has_body && req->chunked) {
		list = curl_slist_append(list, "Transfer-Encoding: chunked");
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
		curl_easy_setopt(h, CURLOPT_READDATA, &rd);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->verb);
	} else if (req->has_body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)req->len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->len > 0 ? req->body : "");
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->verb);
	} else if (strcmp(req->verb, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->verb);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	out->rc = curl_easy_perform(h);
	if (out->rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &out->connects);
	}
	curl_slist_free_all(list);
	if (own)
		curl_easy_cleanup(h);
	out->body = body.p != NULL ? body.p : calloc(1, 1);
	out->len = body.n;
	out->headers = hdrs.p != NULL ? hdrs.p : calloc(1, 1);
	out->hlen = hdrs.n;
}

void http_resp_free(http_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

void http_get(uint16_t port, const char *path, http_resp *out)
{
	http_req req = {.verb = "GET", .path = path};
	http_do(NULL, port, &req, out);
}

void http_post(uint16_t port, const char *path, const char *content_type, const char *body,
               http_resp *out)
{
	char ct[256];
	const char *hdrs[2] = {NULL, NULL};
	if (content_type != NULL) {
		snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
		hdrs[0] = ct;
	}
	http_req req = {.verb = "POST",
	                .path = path,
	                .headers = hdrs,
	                .body = body,
	                .len = body != NULL ? strlen(body) : 0,
	                .has_body = body != NULL};
	http_do(NULL, port, &req, out);
}

bool http_header(const http_resp *r, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	const char *p = r->headers;
	bool found = false;
	/* The last block wins (after a 100 Continue there are two). */
	while (p != NULL && *p != '\0') {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		if (len > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			while (*v == ' ')
				v++;
			size_t vlen = len - (size_t)(v - p);
			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			found = true;
		}
		p = eol != NULL ? eol + 2 : NULL;
	}
	return found;
}

bool is_xrpc_error(const char *body, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(body, len, 0, &jerr);
	bool ok = j != NULL && json_is_object(j) && json_is_string(json_object_get(j, "error")) &&
	          json_is_string(json_object_get(j, "message")) &&
	          json_string_length(json_object_get(j, "error")) > 0;
	json_decref(j);
	return ok;
}

void assert_xrpc_error(const http_resp *r, long status, const char *name, const char *message_part)
{
	ck_assert_msg(r->status == status, "status %ld, want %ld; body %s", r->status, status,
	              r->body);
	char ct[128];
	ck_assert(http_header(r, "Content-Type", ct, sizeof ct));
	ck_assert_str_eq(ct, "application/json; charset=utf-8");
	json_error_t jerr;
	json_t *j = json_loadb(r->body, r->len, 0, &jerr);
	ck_assert_msg(j != NULL, "not JSON: %s", r->body);
	const char *e = json_string_value(json_object_get(j, "error"));
	const char *m = json_string_value(json_object_get(j, "message"));
	ck_assert_msg(e != NULL && m != NULL, "not an XRPC error: %s", r->body);
	ck_assert_msg(strcmp(e, name) == 0, "error %s, want %s (%s)", e, name, r->body);
	if (message_part != NULL)
		ck_assert_msg(strstr(m, message_part) != NULL, "message \"%s\" lacks \"%s\"", m,
		              message_part);
	ck_assert_uint_eq(json_object_size(j), 2);
	json_decref(j);
}

int raw_connect(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	struct timeval tv = {60, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

size_t raw_exchange(uint16_t port, const char *data, size_t len, bool shut, char *out, size_t cap)
{
	int fd = raw_connect(port);
	size_t off = 0;
	while (off < len) {
		ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (shut)
		shutdown(fd, SHUT_WR);
	size_t got = 0;
	while (got + 1 < cap) {
		ssize_t n = recv(fd, out + got, cap - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fd);
	return got;
}

uint16_t free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

char *read_stream(FILE *f)
{
	fflush(f);
	long end = ftell(f);
	ck_assert_int_ge(end, 0);
	char *s = malloc((size_t)end + 1);
	ck_assert_ptr_nonnull(s);
	rewind(f);
	size_t n = fread(s, 1, (size_t)end, f);
	s[n] = '\0';
	fseek(f, 0, SEEK_END);
	return s;
}
