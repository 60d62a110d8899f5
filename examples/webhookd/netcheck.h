/* netcheck.h: which webhook URLs webhookd accepts (InvalidUrl otherwise).
 *
 * A URL must be absolute https (http only to an allowed network), at most
 * 2048 bytes, with a host and no user info. Its host must not be, or
 * resolve to, an address webhookd should never call: loopback, private
 * (RFC 1918, ULA), link-local, CGNAT (100.64/10), multicast, broadcast,
 * reserved, documentation, benchmarking, "this network", NAT64/6to4 forms
 * of any of these, IPv4-mapped and IPv4-compatible IPv6 forms, and cloud
 * metadata addresses. Every address a name resolves to is checked. The
 * operator may allow networks (--allow-net CIDR), which then pass, over
 * http too. The delivery issue checks again at connect time. */
#ifndef WEBHOOKD_NETCHECK_H
#define WEBHOOKD_NETCHECK_H

#include <lexc/lexc.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

enum { WH_URL_MAX = 2048 };

typedef struct wh_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
} wh_cidr;

/* Parses "10.0.0.0/8", "::1/128", "127.0.0.1" (a host). false if invalid. */
bool wh_cidr_parse(const char *s, wh_cidr *out);

typedef struct wh_netpolicy {
	const wh_cidr *allow;
	size_t n_allow;
} wh_netpolicy;

/* Whether address `addr` (family AF_INET: 4 bytes, AF_INET6: 16) may be
 * called; if not, *why says which class it is in ("loopback", ...). */
bool wh_address_allowed(const wh_netpolicy *p, int family, const unsigned char *addr,
                        const char **why);

/* The connect-time check of delivery: whether webhookd may connect to
 * `addr` (family AF_INET: 4 bytes, AF_INET6: 16) for a URL of scheme http
 * (`http`) or https. false with the reason in `why`. */
bool wh_connect_allowed(const wh_netpolicy *p, bool http, int family, const unsigned char *addr,
                        char *why, size_t why_size);

/* Checks `url` as above, resolving its host (getaddrinfo; blocking).
 * false with a message for the client in `why` (at most why_size bytes). */
bool wh_url_check(const wh_netpolicy *p, lexc_str url, char *why, size_t why_size);

#endif /* WEBHOOKD_NETCHECK_H */
