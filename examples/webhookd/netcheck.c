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

bool wh_cidr_parse(const char *s, wh_cidr *out)
{
	if (s == NULL || *s == '\0')
		return false;
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	char host[INET6_ADDRSTRLEN];
	if (alen == 0 || alen >= sizeof host)
		return false;
	memcpy(host, s, alen);
	host[alen] = '\0';
	wh_cidr c = {0};
	c.family = memchr(host, ':', alen) != NULL ? AF_INET6 : AF_INET;
	unsigned max = c.family == AF_INET ? 32 : 128;
	/* inet_pton refuses trailing junk and, for IPv4, anything but a dotted quad. */
	if (inet_pton(c.family, host, c.addr) != 1)
		return false;
	c.prefix = max;
	if (slash != NULL) {
		const char *d = slash + 1;
		size_t n = strlen(d);
		/* Digits only (no sign, space or leading zero), at most 3 of them. */
		if (n == 0 || n > 3 || (n > 1 && d[0] == '0'))
			return false;
		unsigned v = 0;
		for (size_t i = 0; i < n; i++) {
			if (d[i] < '0' || d[i] > '9')
				return false;
			v = v * 10 + (unsigned)(d[i] - '0');
		}
		if (v > max)
			return false;
		c.prefix = v;
	}
	/* Host bits are zeroed so that matching compares whole bytes. */
	for (unsigned bit = c.prefix; bit < max; bit++)
		c.addr[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
	*out = c;
	return true;
}

/* Whether the first `bits` bits of a and b agree. */
static bool prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xffu << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

static const unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool cidr_match(const wh_cidr *c, int family, const unsigned char *addr)
{
	if (c->family == family)
		return prefix_eq(c->addr, addr, c->prefix);
	/* ::ffff:a.b.c.d is a.b.c.d to the kernel, so one entry serves both forms. */
	if (c->family == AF_INET && family == AF_INET6)
		return memcmp(addr, mapped_prefix, 12) == 0 &&
		       prefix_eq(c->addr, addr + 12, c->prefix);
	if (c->family == AF_INET6 && family == AF_INET)
		return c->prefix >= 96 && memcmp(c->addr, mapped_prefix, 12) == 0 &&
		       prefix_eq(c->addr + 12, addr, c->prefix - 96);
	return false;
}

static bool in_allow_list(const wh_netpolicy *p, int family, const unsigned char *addr)
{
	if (p == NULL)
		return false;
	for (size_t i = 0; i < p->n_allow; i++)
		if (cidr_match(&p->allow[i], family, addr))
			return true;
	return false;
}

/* The class of a non-public IPv4 address, or NULL. Single addresses come
 * before the ranges that hold them. */
static const char *class_v4(const unsigned char *a)
{
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	static const struct {
		uint32_t net;
		unsigned prefix;
		const char *name;
	} table[] = {
	        {0xffffffff, 32, "broadcast"},
	        {0xa9fea9fe, 32, "metadata"}, /* 169.254.169.254: AWS, GCP, Azure, ... */
	        {0x646464c8, 32, "metadata"}, /* 100.100.100.200: Alibaba Cloud */
	        {0x00000000, 8, "this network"},
	        {0x0a000000, 8, "private"},
	        {0x64400000, 10, "CGNAT"},
	        {0x7f000000, 8, "loopback"},
	        {0xa9fe0000, 16, "link-local"},
	        {0xac100000, 12, "private"},
	        {0xc0000000, 24, "reserved (IETF protocol assignments)"},
	        {0xc0000200, 24, "documentation"},
	        {0xc0586300, 24, "reserved (6to4 relay)"},
	        {0xc0a80000, 16, "private"},
	        {0xc6120000, 15, "benchmarking"},
	        {0xc6336400, 24, "documentation"},
	        {0xcb007100, 24, "documentation"},
	        {0xe0000000, 4, "multicast"},
	        {0xf0000000, 4, "reserved"},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		uint32_t mask =
		        table[i].prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> table[i].prefix);
		if ((v & mask) == table[i].net)
			return table[i].name;
	}
	return NULL;
}

static bool v6_in(const unsigned char *a, const unsigned char *net, unsigned prefix)
{
	return prefix_eq(a, net, prefix);
}

/* The class of a non-public IPv6 address, or NULL. The forms that carry an
 * IPv4 address (mapped, compatible, NAT64, 6to4) get that address's class. */
static const char *class_v6(const unsigned char *a)
{
	static const unsigned char zero[16] = {0};
	static const unsigned char loopback[16] = {[15] = 1};
	static const unsigned char nat64[16] = {0x00, 0x64, 0xff, 0x9b};
	static const unsigned char nat64_local[16] = {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01};
	static const unsigned char discard[16] = {0x01, 0x00};
	static const unsigned char teredo[16] = {0x20, 0x01};
	static const unsigned char bench[16] = {0x20, 0x01, 0x00, 0x02};
	static const unsigned char orchid1[16] = {0x20, 0x01, 0x00, 0x10};
	static const unsigned char orchid2[16] = {0x20, 0x01, 0x00, 0x20};
	static const unsigned char doc[16] = {0x20, 0x01, 0x0d, 0xb8};
	static const unsigned char doc2[16] = {0x3f, 0xff}; /* RFC 9637 */
	static const unsigned char sixto4[16] = {0x20, 0x02};
	static const unsigned char aws_meta[16] = {0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, 0x54};
	static const unsigned char ula[16] = {0xfc};
	static const unsigned char link[16] = {0xfe, 0x80};
	static const unsigned char site[16] = {0xfe, 0xc0};
	static const unsigned char mcast[16] = {0xff};
	static const unsigned char global[16] = {0x20};

	if (memcmp(a, zero, 16) == 0)
		return "unspecified";
	if (memcmp(a, loopback, 16) == 0)
		return "loopback";
	if (memcmp(a, mapped_prefix, 12) == 0 || v6_in(a, zero, 96) || v6_in(a, nat64, 96))
		return class_v4(a + 12);
	if (v6_in(a, nat64_local, 48))
		return "reserved (local NAT64)";
	if (v6_in(a, discard, 64))
		return "discard";
	if (v6_in(a, doc, 32) || v6_in(a, doc2, 20))
		return "documentation";
	if (v6_in(a, teredo, 32))
		return "reserved (Teredo)";
	if (v6_in(a, bench, 48))
		return "benchmarking";
	if (v6_in(a, orchid1, 28) || v6_in(a, orchid2, 28))
		return "reserved";
	if (v6_in(a, sixto4, 16))
		return class_v4(a + 2);
	if (memcmp(a, aws_meta, 16) == 0)
		return "metadata";
	if (v6_in(a, ula, 7))
		return "private (ULA)";
	if (v6_in(a, link, 10))
		return "link-local";
	if (v6_in(a, site, 10))
		return "site-local (deprecated)";
	if (v6_in(a, mcast, 8))
		return "multicast";
	if (!v6_in(a, global, 3))
		return "reserved";
	return NULL;
}

bool wh_address_allowed(const wh_netpolicy *p, int family, const unsigned char *addr,
                        const char **why)
{
	const char *cls;
	if (family != AF_INET && family != AF_INET6)
		cls = "unknown family";
	else if (in_allow_list(p, family, addr))
		cls = NULL;
	else
		cls = family == AF_INET ? class_v4(addr) : class_v6(addr);
	if (why != NULL)
		*why = cls;
	return cls == NULL;
}

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
static bool check_resolved(const wh_netpolicy *p, bool http, int family, const void *addr,
                           char *why, size_t why_size)
{
	const char *cls;
	if (!wh_address_allowed(p, family, addr, &cls)) {
		char text[INET6_ADDRSTRLEN];
		if (inet_ntop(family, addr, text, sizeof text) == NULL)
			text[0] = '\0';
		return refuse(why, why_size, "the url's host resolves to a %s address (%s)", cls,
		              text);
	}
	if (http && !in_allow_list(p, family, addr))
		return refuse(why, why_size, "%s", http_refused);
	return true;
}

bool wh_connect_allowed(const wh_netpolicy *p, bool http, int family, const unsigned char *addr,
                        char *why, size_t why_size)
{
	return check_resolved(p, http, family, addr, why, why_size);
}

#ifdef WEBHOOKD_TEST_HOOKS
/* Tests must never touch the network: WEBHOOKD_TEST_RESOLVE is the whole
 * resolver, "name=addr,name=addr,..." (a name once per address). */
static bool resolve_and_check(const wh_netpolicy *p, bool http, const char *host, char *why,
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
static bool resolve_and_check(const wh_netpolicy *p, bool http, const char *host, char *why,
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
static bool check_literal(const wh_netpolicy *p, bool http, int family, const unsigned char *addr,
                          char *why, size_t why_size)
{
	const char *cls;
	if (!wh_address_allowed(p, family, addr, &cls))
		return refuse(why, why_size, "the url's host is a %s address", cls);
	if (http && !in_allow_list(p, family, addr))
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

bool wh_url_check(const wh_netpolicy *p, lexc_str url, char *why, size_t why_size)
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
