/* test_webhookd_net.c: the CIDR, address and URL rules of webhookd's
 * netcheck.h. Names resolve through WEBHOOKD_TEST_RESOLVE only. */
#include "config.h"

#include "netcheck.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char resolve_env[] =
        "hooks.example.test=93.184.216.34,internal.example.test=10.0.0.5,"
        "multi.example.test=93.184.216.34,multi.example.test=10.0.0.1,"
        "meta.example.test=169.254.169.254,v6.example.test=2606:4700::1111,"
        "v6bad.example.test=fd00::1";

static void setup(void)
{
	ck_assert_int_eq(setenv("WEBHOOKD_TEST_RESOLVE", resolve_env, 1), 0);
}

static lexc_cidr cidr(const char *s)
{
	lexc_cidr c;
	ck_assert_msg(lexc_cidr_parse(s, &c), "cidr %s", s);
	return c;
}

START_TEST(test_cidr_valid)
{
	static const struct {
		const char *in;
		int family;
		unsigned prefix;
		const char *addr; /* with the host bits zeroed */
	} cases[] = {
	        {"10.0.0.0/8", AF_INET, 8, "10.0.0.0"},
	        {"10.1.2.3/8", AF_INET, 8, "10.0.0.0"},
	        {"192.168.1.77/20", AF_INET, 20, "192.168.0.0"},
	        {"127.0.0.1", AF_INET, 32, "127.0.0.1"},
	        {"0.0.0.0/0", AF_INET, 0, "0.0.0.0"},
	        {"1.2.3.4/32", AF_INET, 32, "1.2.3.4"},
	        {"::1/128", AF_INET6, 128, "::1"},
	        {"fd00::/8", AF_INET6, 8, "fd00::"},
	        {"fdff:1::/9", AF_INET6, 9, "fd80::"},
	        {"2001:db8::1", AF_INET6, 128, "2001:db8::1"},
	        {"::/0", AF_INET6, 0, "::"},
	        {"::ffff:10.0.0.0/104", AF_INET6, 104, "::ffff:10.0.0.0"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lexc_cidr c = cidr(cases[i].in);
		ck_assert_int_eq(c.family, cases[i].family);
		ck_assert_uint_eq(c.prefix, cases[i].prefix);
		char text[INET6_ADDRSTRLEN];
		ck_assert_ptr_nonnull(inet_ntop(c.family, c.addr, text, sizeof text));
		ck_assert_str_eq(text, cases[i].addr);
	}
}
END_TEST

START_TEST(test_cidr_invalid)
{
	static const char *const cases[] = {
	        "",
	        "/",
	        "/8",
	        "10.0.0.0/",
	        "10.0.0.0/33",
	        "::/129",
	        "10.0.0.0/8x",
	        "10.0.0.0/-1",
	        "10.0.0.0/+8",
	        "10.0.0.0/ 8",
	        "10.0.0.0/08",
	        "10.0.0.0/8/8",
	        "10.0.0",
	        "10.0.0.0.0",
	        "256.0.0.0",
	        "010.0.0.0",
	        "10.0.0.0 ",
	        " 10.0.0.0",
	        "0x0a.0.0.0",
	        "fd00:::/8",
	        "fd00::/1000",
	        "host/8",
	        "1.2.3.4/32x",
	        "fe80::1%eth0",
	        "::1/128 ",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lexc_cidr c = {.family = 99, .prefix = 7};
		ck_assert_msg(!lexc_cidr_parse(cases[i], &c), "accepted \"%s\"", cases[i]);
		ck_assert_int_eq(c.family, 99); /* untouched on failure */
	}
	ck_assert(!lexc_cidr_parse(NULL, &(lexc_cidr){0}));
}
END_TEST

/* An address and the class it is refused as (NULL: allowed). */
typedef struct addr_case {
	const char *addr;
	const char *why;
} addr_case;

static const addr_case v4_cases[] = {
        {"8.8.8.8", NULL},
        {"93.184.216.34", NULL},
        {"0.0.0.0", "this network"},
        {"0.255.255.255", "this network"},
        {"1.0.0.0", NULL},
        {"9.255.255.255", NULL},
        {"10.0.0.0", "private"},
        {"10.255.255.255", "private"},
        {"11.0.0.0", NULL},
        {"100.63.255.255", NULL},
        {"100.64.0.0", "CGNAT"},
        {"100.127.255.255", "CGNAT"},
        {"100.128.0.0", NULL},
        {"100.100.100.200", "metadata"},
        {"126.255.255.255", NULL},
        {"127.0.0.1", "loopback"},
        {"127.255.255.255", "loopback"},
        {"128.0.0.0", NULL},
        {"169.253.255.255", NULL},
        {"169.254.0.1", "link-local"},
        {"169.254.169.254", "metadata"},
        {"169.254.169.253", "link-local"},
        {"169.254.255.255", "link-local"},
        {"169.255.0.0", NULL},
        {"172.15.255.255", NULL},
        {"172.16.0.1", "private"},
        {"172.31.255.255", "private"},
        {"172.32.0.0", NULL},
        {"192.0.0.1", "reserved (IETF protocol assignments)"},
        {"192.0.1.0", NULL},
        {"192.0.2.1", "documentation"},
        {"192.0.3.0", NULL},
        {"198.51.100.7", "documentation"},
        {"198.51.101.0", NULL},
        {"203.0.113.255", "documentation"},
        {"203.0.114.0", NULL},
        {"192.88.99.1", "reserved (6to4 relay)"},
        {"192.88.100.0", NULL},
        {"192.167.255.255", NULL},
        {"192.168.0.1", "private"},
        {"192.168.255.255", "private"},
        {"192.169.0.0", NULL},
        {"198.17.255.255", NULL},
        {"198.18.0.0", "benchmarking"},
        {"198.19.255.255", "benchmarking"},
        {"198.20.0.0", NULL},
        {"223.255.255.255", NULL},
        {"224.0.0.1", "multicast"},
        {"239.255.255.255", "multicast"},
        {"240.0.0.1", "reserved"},
        {"254.255.255.255", "reserved"},
        {"255.255.255.254", "reserved"},
        {"255.255.255.255", "broadcast"},
};

static const addr_case v6_cases[] = {
        {"2606:4700::1111", NULL},
        {"2a00:1450:4001:80b::200e", NULL},
        {"::", "unspecified"},
        {"::1", "loopback"},
        {"::2", "this network"}, /* IPv4-compatible 0.0.0.2 */
        {"::ffff:127.0.0.1", "loopback"},
        {"::ffff:10.0.0.1", "private"},
        {"::ffff:169.254.169.254", "metadata"},
        {"::ffff:8.8.8.8", NULL},
        {"::127.0.0.1", "loopback"},
        {"::10.0.0.1", "private"},
        {"64:ff9b::a00:1", "private"},
        {"64:ff9b::7f00:1", "loopback"},
        {"64:ff9b::808:808", NULL},
        {"64:ff9b:1::1", "reserved (local NAT64)"},
        {"2002:7f00:1::", "loopback"},
        {"2002:a9fe:a9fe::1", "metadata"},
        {"2002:0808:0808::", NULL},
        {"2001:db8::1", "documentation"},
        {"2001:db9::1", NULL},
        {"3fff::1", "documentation"},
        {"2001::1", "reserved (Teredo)"},
        {"2001:0:ffff::1", "reserved (Teredo)"},
        {"2001:1::1", NULL},
        {"2001:2::1", "benchmarking"},
        {"2001:10::1", "reserved"},
        {"2001:1f:ffff::1", "reserved"},
        {"2001:20::1", "reserved"},
        {"2001:2f:ffff::1", "reserved"},
        {"2001:30::1", NULL},
        {"100::1", "discard"},
        {"100::ffff:ffff:ffff:ffff", "discard"},
        {"100:0:0:1::", "reserved"}, /* outside 100::/64, not global unicast */
        {"fc00::1", "private (ULA)"},
        {"fdff:ffff::1", "private (ULA)"},
        {"fd00:ec2::254", "metadata"},
        {"fd00:ec2::253", "private (ULA)"},
        {"fe80::1", "link-local"},
        {"febf:ffff::1", "link-local"},
        {"fec0::1", "site-local (deprecated)"},
        {"feff::1", "site-local (deprecated)"},
        {"ff02::1", "multicast"},
        {"ff0e::1", "multicast"},
        {"1fff:ffff::1", "reserved"},
        {"2000::1", NULL},
        {"3ffe:ffff::1", NULL},
        {"4000::1", "reserved"},
        {"e000::1", "reserved"},
};

static void check_addrs(const lexc_netpolicy *p, int family, const addr_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a[16];
		ck_assert_int_eq(inet_pton(family, cases[i].addr, a), 1);
		const char *why = "unset";
		bool ok = lexc_address_allowed(p, family, a, &why);
		if (cases[i].why == NULL) {
			ck_assert_msg(ok, "%s refused as %s", cases[i].addr, why);
		} else {
			ck_assert_msg(!ok, "%s allowed", cases[i].addr);
			ck_assert_ptr_nonnull(why);
			ck_assert_msg(strcmp(why, cases[i].why) == 0, "%s: \"%s\", not \"%s\"",
			              cases[i].addr, why, cases[i].why);
		}
	}
}

START_TEST(test_ipv4_classes)
{
	lexc_netpolicy none = {0};
	check_addrs(&none, AF_INET, v4_cases, sizeof v4_cases / sizeof v4_cases[0]);
	check_addrs(NULL, AF_INET, v4_cases, sizeof v4_cases / sizeof v4_cases[0]);
}
END_TEST

START_TEST(test_ipv6_classes)
{
	lexc_netpolicy none = {0};
	check_addrs(&none, AF_INET6, v6_cases, sizeof v6_cases / sizeof v6_cases[0]);
}
END_TEST

START_TEST(test_allow_list)
{
	lexc_cidr allow[] = {cidr("127.0.0.0/8"), cidr("fd00::/8"), cidr("::ffff:192.168.0.0/112")};
	lexc_netpolicy p = {allow, 3};
	static const addr_case cases[] = {
	        {"127.0.0.1", NULL},     {"127.9.9.9", NULL},
	        {"192.168.3.4", NULL}, /* by the IPv4-mapped entry */
	        {"192.169.0.1", NULL},   {"192.168.1.0", NULL},
	        {"10.0.0.1", "private"}, {"169.254.169.254", "metadata"},
	};
	check_addrs(&p, AF_INET, cases, sizeof cases / sizeof cases[0]);
	static const addr_case cases6[] = {
	        {"::ffff:127.0.0.1", NULL},
	        {"fd00:ec2::254", NULL},
	        {"fd12::1", NULL},
	        {"fc00::1", "private (ULA)"},
	        {"::1", "loopback"},
	        {"::ffff:10.0.0.1", "private"},
	        {"::ffff:192.168.7.7", NULL},
	        {"64:ff9b::7f00:1", "loopback"},
	};
	check_addrs(&p, AF_INET6, cases6, sizeof cases6 / sizeof cases6[0]);

	/* The whole space allowed: the allow list wins over every class. */
	lexc_cidr all[] = {cidr("0.0.0.0/0"), cidr("::/0")};
	lexc_netpolicy open = {all, 2};
	unsigned char a[16];
	ck_assert_int_eq(inet_pton(AF_INET, "255.255.255.255", a), 1);
	ck_assert(lexc_address_allowed(&open, AF_INET, a, NULL));
	ck_assert_int_eq(inet_pton(AF_INET6, "ff02::1", a), 1);
	ck_assert(lexc_address_allowed(&open, AF_INET6, a, NULL));
	const char *why = NULL;
	ck_assert(!lexc_address_allowed(&open, AF_UNIX, a, &why));
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* A URL and the start of its refusal (NULL: accepted). */
typedef struct url_case {
	const char *url;
	const char *why;
} url_case;

static void check_urls(const lexc_netpolicy *p, const url_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char why[256];
		memset(why, 'x', sizeof why);
		bool ok = wh_url_check(p, lexc_str_borrow(cases[i].url), why, sizeof why);
		ck_assert_ptr_nonnull(memchr(why, '\0', sizeof why));
		if (cases[i].why == NULL) {
			ck_assert_msg(ok, "%s refused: %s", cases[i].url, why);
			ck_assert_str_eq(why, "");
		} else {
			ck_assert_msg(!ok, "%s accepted", cases[i].url);
			ck_assert_msg(strstr(why, cases[i].why) != NULL, "%s: \"%s\", not \"%s\"",
			              cases[i].url, why, cases[i].why);
		}
	}
}

static const char https_only[] = "http urls are refused; use https";

START_TEST(test_url_syntax)
{
	static const url_case cases[] = {
	        {"https://hooks.example.test/x", NULL},
	        {"https://hooks.example.test", NULL},
	        {"https://hooks.example.test?a=1", NULL},
	        {"https://hooks.example.test#f", NULL},
	        {"https://hooks.example.test:443/x?y#z", NULL},
	        {"https://hooks.example.test:65535/", NULL},
	        {"https://hooks.example.test:1/", NULL},
	        {"HTTPS://hooks.example.test/x", NULL},
	        {"HtTpS://HOOKS.Example.TEST/x", NULL},
	        {"https://hooks.example.test./x", NULL},
	        {"https://hooks.example.test.:8443/x", NULL},
	        {"", "the url is empty"},
	        {"http://hooks.example.test/x", https_only},
	        {"HTTP://hooks.example.test/x", https_only},
	        {"ftp://hooks.example.test/x", "the url must be an absolute https url"},
	        {"hooks.example.test/x", "the url must be an absolute https url"},
	        {"//hooks.example.test/x", "the url must be an absolute https url"},
	        {"https:hooks.example.test/x", "the url must be an absolute https url"},
	        {"https:/hooks.example.test/x", "the url must be an absolute https url"},
	        {"httpss://hooks.example.test/x", "the url must be an absolute https url"},
	        {"https://user@hooks.example.test/x", "the url must not contain user info"},
	        {"https://user:pw@hooks.example.test/x", "the url must not contain user info"},
	        {"https://@hooks.example.test/x", "the url must not contain user info"},
	        {"https://hooks.example.test/a@b", NULL}, /* '@' in the path is no user info */
	        {"https://hooks.example.test:0/", "the url has an invalid port"},
	        {"https://hooks.example.test:65536/", "the url has an invalid port"},
	        {"https://hooks.example.test:123456/", "the url has an invalid port"},
	        {"https://hooks.example.test:abc/", "the url has an invalid port"},
	        {"https://hooks.example.test:/", "the url has an invalid port"},
	        {"https://hooks.example.test:-1/", "the url has an invalid port"},
	        {"https://hooks.example.test:+443/", "the url has an invalid port"},
	        {"https://hooks.example.test:443:443/", "the url has an invalid port"},
	        {"https:///x", "the url has no host"},
	        {"https://", "the url has no host"},
	        {"https://?x", "the url has no host"},
	        {"https://:443/x", "the url has no host"},
	        {"https://hooks example.test/", "the url contains a space or control character"},
	        {"https://hooks.example.test/a b", "the url contains a space or control character"},
	        {"https://hooks.example.test/\t", "the url contains a space or control character"},
	        {"https://hooks.example.test/\x7f",
	         "the url contains a space or control character"},
	        {"https://hooks.example.test/\xc3\xa9", "the url must be ASCII"},
	        {"https://b\xc3\xbc"
	         "cher.example/",
	         "the url must be ASCII"},
	        {"https://hooks_x.example.test/", "the url has an invalid host name"},
	        {"https://hooks..example.test/", "the url has an invalid host name"},
	        {"https://.hooks.example.test/", "the url has an invalid host name"},
	        {"https://hooks.example.test../", "the url has an invalid host name"},
	        {"https://./", "the url has an invalid host name"},
	        {"https://-a.example.test/", "the url has an invalid host name"},
	        {"https://a-.example.test/", "the url has an invalid host name"},
	        {"https://%68ooks.example.test/", "the url has an invalid host name"},
	        {"https://hooks.example.test\\@evil/", "the url must not contain user info"},
	        {"https://hooks.example.test\\.evil/", "the url has an invalid host name"},
	        {"https://[::1/", "the url has an invalid IPv6 address"},
	        {"https://[not:v6]/", "the url has an invalid IPv6 address"},
	        {"https://[]/", "the url has no host"},
	        {"https://[2606:4700::1111]x/", "the url has an invalid host name"},
	        {"https://[fe80::1%25eth0]/", "zone"},
	        {"https://[2606:4700::1111]:/", "the url has an invalid port"},
	        {"https://[2606:4700::1111]:0/", "the url has an invalid port"},
	        {"https://2606:4700::1111/", "the url has an invalid port"},
	};
	setup();
	check_urls(NULL, cases, sizeof cases / sizeof cases[0]);
	/* Not NUL-terminated: only len bytes count. */
	char raw[] = "https://hooks.example.test/x@@@";
	char why[128];
	ck_assert(wh_url_check(NULL, lexc_str_borrow_n(raw, strlen(raw) - 3), why, sizeof why));
	/* A NUL inside is refused. */
	ck_assert(
	        !wh_url_check(NULL, lexc_str_borrow_n("https://a.test/\0x", 17), why, sizeof why));
	ck_assert_str_eq(why, "the url contains a space or control character");
	ck_assert(!wh_url_check(NULL, lexc_str_borrow(NULL), why, sizeof why));
	ck_assert_str_eq(why, "the url is empty");
	/* A short buffer is cut, not overrun, and no buffer is fine too. */
	char tiny[8];
	ck_assert(!wh_url_check(NULL, LEXC_STR("ftp://x"), tiny, sizeof tiny));
	ck_assert_str_eq(tiny, "the url");
	ck_assert(!wh_url_check(NULL, LEXC_STR("ftp://x"), NULL, 0));
	ck_assert(wh_url_check(NULL, LEXC_STR("https://hooks.example.test/"), NULL, 0));
}
END_TEST

START_TEST(test_url_length)
{
	setup();
	static const char prefix[] = "https://hooks.example.test/";
	char url[WH_URL_MAX + 2];
	memcpy(url, prefix, sizeof prefix - 1);
	memset(url + sizeof prefix - 1, 'a', sizeof url - sizeof prefix);
	url[WH_URL_MAX + 1] = '\0';
	char why[128];
	ck_assert_uint_eq(strlen(url), WH_URL_MAX + 1);
	ck_assert(!wh_url_check(NULL, lexc_str_borrow(url), why, sizeof why));
	ck_assert_str_eq(why, "the url is longer than 2048 bytes");
	url[WH_URL_MAX] = '\0';
	ck_assert(wh_url_check(NULL, lexc_str_borrow(url), why, sizeof why));
	ck_assert_str_eq(why, "");

	/* Labels up to 63 bytes, names up to 253. */
	char host[300];
	memset(host, 'a', 63);
	strcpy(host + 63, ".example.test");
	setenv("WEBHOOKD_TEST_RESOLVE", "", 1);
	snprintf(url, sizeof url, "https://%s/", host);
	ck_assert(!wh_url_check(NULL, lexc_str_borrow(url), why, sizeof why));
	ck_assert_str_eq(why, "the url's host does not resolve"); /* valid, but unknown */
	memset(host, 'a', 64);
	strcpy(host + 64, ".example.test");
	snprintf(url, sizeof url, "https://%s/", host);
	ck_assert(!wh_url_check(NULL, lexc_str_borrow(url), why, sizeof why));
	ck_assert_str_eq(why, "the url has an invalid host name");
	/* 4 labels of 63 and a dot: 255 bytes. */
	memset(host, 'b', 255);
	host[63] = host[127] = host[191] = '.';
	host[255] = '\0';
	snprintf(url, sizeof url, "https://%s/", host);
	ck_assert(!wh_url_check(NULL, lexc_str_borrow(url), why, sizeof why));
	ck_assert_str_eq(why, "the url has an invalid host name");
	host[253] = '\0'; /* 253 bytes */
	snprintf(url, sizeof url, "https://%s/", host);
	ck_assert(!wh_url_check(NULL, lexc_str_borrow(url), why, sizeof why));
	ck_assert_str_eq(why, "the url's host does not resolve");
}
END_TEST

START_TEST(test_url_literals)
{
	static const url_case cases[] = {
	        {"https://[::1]/", "the url's host is a loopback address"},
	        {"https://[::ffff:127.0.0.1]/", "the url's host is a loopback address"},
	        {"https://[fd00:ec2::254]/", "the url's host is a metadata address"},
	        {"https://[2606:4700::1111]:8443/p", NULL},
	        {"https://[2606:4700::1111]/", NULL},
	        {"https://[2606:4700::1111]", NULL},
	        {"https://93.184.216.34/", NULL},
	        {"https://93.184.216.34.:8443/", NULL},
	        {"https://127.0.0.1/", "the url's host is a loopback address"},
	        {"https://127.0.0.1:8080/hook", "the url's host is a loopback address"},
	        {"https://10.1.2.3/", "the url's host is a private address"},
	        {"https://169.254.169.254/latest/meta-data/",
	         "the url's host is a metadata address"},
	        {"https://0.0.0.0/", "the url's host is a this network address"},
	        {"http://93.184.216.34/", https_only},
	        {"http://[2606:4700::1111]/", https_only},
	        {"https://2130706433/", "the url's host is not a valid name"},
	        {"https://0x7f.1/", "the url's host is not a valid name"},
	        {"https://0x7f000001/", "the url's host is not a valid name"},
	        {"https://127.1/", "the url's host is not a valid name"},
	        {"https://0177.0.0.1/", "the url's host is not a valid name"},
	        {"https://127.0.0.01/", "the url's host is not a valid name"},
	        {"https://1.2.3.4.5/", "the url's host is not a valid name"},
	        {"https://hooks.example.0x1/", "the url's host is not a valid name"},
	        {"https://localhost/", "the url's host is a loopback address"},
	        {"https://LOCALHOST./", "the url's host is a loopback address"},
	        {"https://a.localhost/", "the url's host is a loopback address"},
	        {"https://a.b.LocalHost:8080/", "the url's host is a loopback address"},
	        {"http://localhost/", "the url's host is a loopback address"},
	};
	setup();
	check_urls(NULL, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_url_resolve)
{
	static const url_case cases[] = {
	        {"https://hooks.example.test/x", NULL},
	        {"https://v6.example.test/x", NULL},
	        {"https://internal.example.test/",
	         "the url's host resolves to a private address (10.0.0.5)"},
	        {"https://meta.example.test/",
	         "the url's host resolves to a metadata address (169.254.169.254)"},
	        {"https://multi.example.test/",
	         "the url's host resolves to a private address (10.0.0.1)"},
	        {"https://v6bad.example.test/",
	         "the url's host resolves to a private (ULA) address (fd00::1)"},
	        {"https://unknown.example.test/", "the url's host does not resolve"},
	        {"https://example.test/", "the url's host does not resolve"},
	        {"https://s.hooks.example.test/", "the url's host does not resolve"},
	        {"https://0x.example.test/", "the url's host does not resolve"}, /* a name */
	        {"https://hooks.example.test1/", "the url's host does not resolve"},
	};
	setup();
	check_urls(NULL, cases, sizeof cases / sizeof cases[0]);
	/* Without the variable a test build still never asks DNS. */
	unsetenv("WEBHOOKD_TEST_RESOLVE");
	char why[128];
	ck_assert(!wh_url_check(NULL, LEXC_STR("https://hooks.example.test/"), why, sizeof why));
	ck_assert_str_eq(why, "the url's host does not resolve");
	/* Malformed entries are skipped. */
	setenv("WEBHOOKD_TEST_RESOLVE",
	       ",,=1.2.3.4,bad.test=,bad.test=nope,bad.test,ok.test=8.8.8.8", 1);
	ck_assert(!wh_url_check(NULL, LEXC_STR("https://bad.test/"), why, sizeof why));
	ck_assert_str_eq(why, "the url's host does not resolve");
	ck_assert(wh_url_check(NULL, LEXC_STR("https://ok.test/"), why, sizeof why));
}
END_TEST

START_TEST(test_url_policy)
{
	lexc_cidr allow[] = {cidr("127.0.0.0/8"), cidr("10.0.0.0/24")};
	lexc_netpolicy p = {allow, 2};
	static const url_case cases[] = {
	        {"http://127.0.0.1:8080/hook", NULL},
	        {"https://127.0.0.1/", NULL},
	        {"http://[::ffff:127.0.0.1]/", NULL},
	        {"http://internal.example.test/", NULL},
	        {"https://internal.example.test/", NULL},
	        {"http://10.0.0.200/", NULL},
	        {"http://10.0.1.1/", "the url's host is a private address"},
	        {"http://93.184.216.34/", https_only},
	        {"https://93.184.216.34/", NULL},
	        {"http://hooks.example.test/", https_only},
	        {"https://multi.example.test/", NULL},
	        {"http://multi.example.test/", https_only}, /* 93.184.216.34 is not allowed */
	        {"http://meta.example.test/",
	         "the url's host resolves to a metadata address (169.254.169.254)"},
	        {"http://unknown.example.test/", "the url's host does not resolve"},
	        {"https://[::1]/", "the url's host is a loopback address"},
	        {"https://localhost/", "the url's host is a loopback address"}, /* ::1 too */
	        {"https://2130706433/", "the url's host is not a valid name"},
	};
	setup();
	check_urls(&p, cases, sizeof cases / sizeof cases[0]);
	lexc_cidr lo[] = {cidr("127.0.0.0/8"), cidr("::1")};
	lexc_netpolicy lp = {lo, 2};
	static const url_case lo_cases[] = {
	        {"http://localhost:8080/", NULL},
	        {"https://a.localhost/", NULL},
	};
	check_urls(&lp, lo_cases, sizeof lo_cases / sizeof lo_cases[0]);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("webhookd_net");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_cidr_valid);
	tcase_add_test(tc, test_cidr_invalid);
	tcase_add_test(tc, test_ipv4_classes);
	tcase_add_test(tc, test_ipv6_classes);
	tcase_add_test(tc, test_allow_list);
	tcase_add_test(tc, test_url_syntax);
	tcase_add_test(tc, test_url_length);
	tcase_add_test(tc, test_url_literals);
	tcase_add_test(tc, test_url_resolve);
	tcase_add_test(tc, test_url_policy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
