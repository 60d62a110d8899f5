/* lexc/net.h: which addresses a server may connect to on behalf of a
 * client (liblexc-auth), the SSRF guard that webhook delivery and did:web
 * resolution share. Refused unless allowed explicitly: loopback, private
 * (RFC 1918, ULA), link-local, CGNAT (100.64/10), multicast, broadcast,
 * reserved, documentation, benchmarking, "this network", cloud metadata
 * addresses, and the NAT64, 6to4, IPv4-mapped and IPv4-compatible IPv6
 * forms of any of these. The check belongs at connect time (libcurl's
 * CURLOPT_OPENSOCKETFUNCTION): the address actually connected to is what
 * counts, so DNS rebinding cannot slip past. Nothing here allocates. */
#ifndef LEXC_NET_H
#define LEXC_NET_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lexc_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
} lexc_cidr;

/* Parses "10.0.0.0/8", "::1/128", "127.0.0.1" (a host). false if invalid. */
bool lexc_cidr_parse(const char *s, lexc_cidr *out);

/* The networks an operator allows beyond the public ones. The arrays are
 * the caller's. A zeroed policy allows public addresses only. */
typedef struct lexc_netpolicy {
	const lexc_cidr *allow;
	size_t n_allow;
} lexc_netpolicy;

/* Whether `addr` (family AF_INET: 4 bytes, AF_INET6: 16) is in one of the
 * policy's allowed networks. p may be NULL (none). */
bool lexc_net_allow_listed(const lexc_netpolicy *p, int family, const unsigned char *addr);

/* Whether `addr` may be connected to; if not, *why (may be NULL) names its
 * class ("loopback", "private (ULA)", ...). p may be NULL. */
bool lexc_address_allowed(const lexc_netpolicy *p, int family, const unsigned char *addr,
                          const char **why);

/* The connect-time check: lexc_address_allowed(), and for plain http
 * (`http`) the address must be in an allowed network too. false with a
 * sentence in why ("a loopback address (127.0.0.1)"). */
bool lexc_connect_allowed(const lexc_netpolicy *p, bool http, int family, const unsigned char *addr,
                          char *why, size_t why_size);

struct sockaddr;

/* lexc_connect_allowed() for a socket address as a connect callback gets
 * it (libcurl's CURLOPT_OPENSOCKETFUNCTION: &curl_sockaddr.addr); anything
 * but AF_INET and AF_INET6 is refused as "not an internet address". */
bool lexc_sockaddr_allowed(const lexc_netpolicy *p, bool http, const struct sockaddr *sa, char *why,
                           size_t why_size);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_NET_H */
