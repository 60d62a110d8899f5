/* netcheck.c: the webhook URL and address rules of netcheck.h. */
#include "config.h"

#include "netcheck.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static __attribute__((format(printf, 3, 4))) bool refuse(char *why, size_t why_size,
                                                         const char *fmt, ...)
{
	if (why != NULL && why_size > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return false;
}

static const char http_refused[] =
        "http urls are refused; use https (http only to networks the operator allows)";

/* One address the host resolves to: allowed, and in the allow list for http. */
static bool check_resolved(const lexc_netpolicy *p, bool http, int family, const void *addr,
                           char *why, size_t why_size)
{
	const char *cls;
	if (!lexc_address_allowed(p, family, addr, &cls)) {
		char text[INET6_ADDRSTRLEN];
		if (inet_ntop(family, addr, text, sizeof text) == NULL)
			text[0] = '\0';
		return refuse(why, why_size, "the url's host resolves to a %s address (%s)", cls,
		              text);
	}
	if (http && !lexc_net_allow_listed(p, family, addr))
		return refuse(why, why_size, "%s", http_refused);
	return true;
}

#ifdef WEBHOOKD_TEST_HOOKS
/* Tests must never touch the network: WEBHOOKD_TEST_RESOLVE is the whole
 * resolver, "name=addr,name=addr,..." (a name once per address). */
static bool resolve_and_check(const lexc_netpolicy *p, bool http, const char *host, char *why,
                              size_t why_size)
{
	const char *s = getenv("WEBHOOKD_TEST_RESOLVE");
	size_t hlen = strlen(host);
	bool found = false;
	while (s != NULL && *s != '\0') {
		const char *end = strchr(s, ',');
		size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		if (eq != NULL && (size_t)(eq - s) == hlen && strncasecmp(s, host, hlen) == 0) {
			char text[INET6_ADDRSTRLEN];
			size_t alen = len - hlen - 1;
			unsigned char addr[16];
			int family = 0;
			if (alen < sizeof text) {
				memcpy(text, eq + 1, alen);
				text[alen] = '\0';
				if (inet_pton(AF_INET, text, addr) == 1)
					family = AF_INET;
				else if (inet_pton(AF_INET6, text, addr) == 1)
					family = AF_INET6;
			}
			if (family != 0) {
				found = true;
				if (!check_resolved(p, http, family, addr, why, why_size))
					return false;
			}
		}
		s = end != NULL ? end + 1 : NULL;
	}
	if (!found)
		return refuse(why, why_size, "the url's host does not resolve");
	return true;
}
#else
static bool resolve_and_check(const lexc_netpolicy *p, bool http, const char *host, char *why,
                              size_t why_size)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
		return refuse(why, why_size, "the url's host does not resolve");
	bool found = false, ok = true;
	for (const struct addrinfo *ai = res; ai != NULL && ok; ai = ai->ai_next) {
		const void *addr;
		if (ai->ai_family == AF_INET)
			addr = &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			addr = &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
		else
			continue;
		found = true;
		ok = check_resolved(p, http, ai->ai_family, addr, why, why_size);
	}
	freeaddrinfo(res);
	if (ok && !found)
		return refuse(why, why_size, "the url's host does not resolve");
	return ok;
}
#endif

/* An address literal: refused with its class, or over http outside the allow list. */
static bool check_literal(const lexc_netpolicy *p, bool http, int family, const unsigned char *addr,
                          char *why, size_t why_size)
{
	const char *cls;
	if (!lexc_address_allowed(p, family, addr, &cls))
		return refuse(why, why_size, "the url's host is a %s address", cls);
	if (http && !lexc_net_allow_listed(p, family, addr))
		return refuse(why, why_size, "%s", http_refused);
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Letters, digits and inner hyphens, in labels of 1 to 63 bytes. */
static bool valid_name(const char *h, size_t len)
{
	if (len == 0 || len > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && h[i] != '.') {
			if (!is_alnum(h[i]) && h[i] != '-')
				return false;
			continue;
		}
		size_t n = i - start;
		if (n == 0 || n > 63 || h[start] == '-' || h[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* Resolvers and URL parsers read "2130706433", "127.1" or "0x7f.1" as IPv4
 * (WHATWG: a host whose last label is a number), so such a host is no name. */
static bool looks_numeric(const char *h, size_t len)
{
	size_t start = len;
	while (start > 0 && h[start - 1] != '.')
		start--;
	const char *last = h + start;
	size_t n = len - start;
	if (n >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(last[i]))
			return false;
	return n > 0;
}

static bool is_localhost(const char *h, size_t len)
{
	static const char name[] = "localhost";
	size_t n = sizeof name - 1;
	if (len == n)
		return strncasecmp(h, name, n) == 0;
	return len > n && h[len - n - 1] == '.' && strncasecmp(h + len - n, name, n) == 0;
}

bool wh_url_check(const lexc_netpolicy *p, lexc_str url, char *why, size_t why_size)
{
	if (why != NULL && why_size > 0)
		why[0] = '\0';
	if (url.ptr == NULL || url.len == 0)
		return refuse(why, why_size, "the url is empty");
	if (url.len > WH_URL_MAX)
		return refuse(why, why_size, "the url is longer than %d bytes", WH_URL_MAX);
	for (size_t i = 0; i < url.len; i++) {
		unsigned char b = (unsigned char)url.ptr[i];
		if (b <= 0x20 || b == 0x7f)
			return refuse(why, why_size,
			              "the url contains a space or control character");
		if (b >= 0x80)
			return refuse(why, why_size,
			              "the url must be ASCII (punycode for international names)");
	}
	char buf[WH_URL_MAX + 1];
	memcpy(buf, url.ptr, url.len);
	buf[url.len] = '\0';

	bool http;
	const char *auth;
	if (strncasecmp(buf, "https://", 8) == 0) {
		http = false;
		auth = buf + 8;
	} else if (strncasecmp(buf, "http://", 7) == 0) {
		http = true;
		auth = buf + 7;
	} else {
		return refuse(why, why_size, "the url must be an absolute https url");
	}
	size_t alen = strcspn(auth, "/?#");
	if (memchr(auth, '@', alen) != NULL)
		return refuse(why, why_size, "the url must not contain user info");
	if (alen == 0)
		return refuse(why, why_size, "the url has no host");

	/* The host (brackets off) and what follows it in the authority. */
	const char *host, *rest;
	size_t hlen;
	bool v6 = auth[0] == '[';
	if (v6) {
		const char *close = memchr(auth, ']', alen);
		if (close == NULL)
			return refuse(why, why_size, "the url has an invalid IPv6 address");
		host = auth + 1;
		hlen = (size_t)(close - host);
		rest = close + 1;
	} else {
		const char *colon = memchr(auth, ':', alen);
		host = auth;
		hlen = colon != NULL ? (size_t)(colon - auth) : alen;
		rest = auth + hlen;
	}
	size_t rlen = alen - (size_t)(rest - auth);
	if (rlen > 0) {
		if (rest[0] != ':')
			return refuse(why, why_size, "the url has an invalid host name");
		/* 1 to 5 digits, 1 to 65535: no sign, no space, no empty port. */
		size_t n = rlen - 1;
		unsigned port = 0;
		if (n == 0 || n > 5)
			return refuse(why, why_size, "the url has an invalid port");
		for (size_t i = 1; i < rlen; i++) {
			if (!is_digit(rest[i]))
				return refuse(why, why_size, "the url has an invalid port");
			port = port * 10 + (unsigned)(rest[i] - '0');
		}
		if (port == 0 || port > 65535)
			return refuse(why, why_size, "the url has an invalid port");
	}
	if (hlen == 0)
		return refuse(why, why_size, "the url has no host");

	char name[WH_URL_MAX + 1];
	memcpy(name, host, hlen);
	name[hlen] = '\0';
	unsigned char addr[16];
	if (v6) {
		/* A zone names an interface of this machine: never a webhook's. */
		if (memchr(name, '%', hlen) != NULL)
			return refuse(why, why_size, "the url's IPv6 host must not have a zone");
		if (inet_pton(AF_INET6, name, addr) != 1)
			return refuse(why, why_size, "the url has an invalid IPv6 address");
		return check_literal(p, http, AF_INET6, addr, why, why_size);
	}
	if (name[hlen - 1] == '.')
		name[--hlen] = '\0';
	if (hlen > 0 && inet_pton(AF_INET, name, addr) == 1)
		return check_literal(p, http, AF_INET, addr, why, why_size);
	if (!valid_name(name, hlen))
		return refuse(why, why_size, "the url has an invalid host name");
	if (looks_numeric(name, hlen))
		return refuse(why, why_size, "the url's host is not a valid name");
	if (is_localhost(name, hlen)) {
		/* RFC 6761: always loopback, whatever a resolver says. Both forms, as
		 * the delivery may connect to either. */
		static const unsigned char lo4[4] = {127, 0, 0, 1};
		static const unsigned char lo6[16] = {[15] = 1};
		if (!check_literal(p, http, AF_INET, lo4, why, why_size))
			return false;
		return check_literal(p, http, AF_INET6, lo6, why, why_size);
	}
	/* No resolving when no address could pass. */
	if (http && (p == NULL || p->n_allow == 0))
		return refuse(why, why_size, "%s", http_refused);
	return resolve_and_check(p, http, name, why, why_size);
}
