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
 * http too. The address rules are liblexc-auth's (lexc/net.h); delivery
 * checks again at connect time (lexc_connect_allowed). */
#ifndef WEBHOOKD_NETCHECK_H
#define WEBHOOKD_NETCHECK_H

#include <lexc/lexc.h>
#include <lexc/net.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

enum { WH_URL_MAX = 2048 };

/* Checks `url` as above, resolving its host (getaddrinfo; blocking).
 * false with a message for the client in `why` (at most why_size bytes). */
bool wh_url_check(const lexc_netpolicy *p, lexc_str url, char *why, size_t why_size);

#endif /* WEBHOOKD_NETCHECK_H */
