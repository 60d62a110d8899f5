/* net.c: see lexc/net.h. */
#include "config.h"

#include "lexc/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

bool lexc_cidr_parse(const char *s, lexc_cidr *out)
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
	lexc_cidr c = {0};
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

static bool cidr_match(const lexc_cidr *c, int family, const unsigned char *addr)
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

bool lexc_net_allow_listed(const lexc_netpolicy *p, int family, const unsigned char *addr)
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

bool lexc_address_allowed(const lexc_netpolicy *p, int family, const unsigned char *addr,
                          const char **why)
{
	const char *cls;
	if (family != AF_INET && family != AF_INET6)
		cls = "unknown family";
	else if (lexc_net_allow_listed(p, family, addr))
		cls = NULL;
	else
		cls = family == AF_INET ? class_v4(addr) : class_v6(addr);
	if (why != NULL)
		*why = cls;
	return cls == NULL;
}

bool lexc_connect_allowed(const lexc_netpolicy *p, bool http, int family, const unsigned char *addr,
                          char *why, size_t why_size)
{
	const char *cls;
	char text[INET6_ADDRSTRLEN];
	if (!lexc_address_allowed(p, family, addr, &cls)) {
		if (family != AF_INET && family != AF_INET6)
			snprintf(why, why_size, "an address of an unknown family");
		else if (inet_ntop(family, addr, text, sizeof text) != NULL)
			snprintf(why, why_size, "a %s address (%s)", cls, text);
		else
			snprintf(why, why_size, "a %s address", cls);
		return false;
	}
	if (http && !lexc_net_allow_listed(p, family, addr)) {
		snprintf(why, why_size, "http outside the allowed networks");
		return false;
	}
	return true;
}

bool lexc_sockaddr_allowed(const lexc_netpolicy *p, bool http, const struct sockaddr *sa, char *why,
                           size_t why_size)
{
	if (sa->sa_family == AF_INET)
		return lexc_connect_allowed(
		        p, http, AF_INET,
		        (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)
		                ->sin_addr,
		        why, why_size);
	if (sa->sa_family == AF_INET6)
		return lexc_connect_allowed(
		        p, http, AF_INET6,
		        (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)sa)
		                ->sin6_addr,
		        why, why_size);
	snprintf(why, why_size, "not an internet address");
	return false;
}
