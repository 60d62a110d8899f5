/* The XRPC server's memory under load: the 10,000 random or mutated bodies
 * of tests/test_server_hostile (tests/server_fuzz.c), over one keep-alive
 * connection, must leave the resident set flat once warm: both the RSS at
 * the end and its peak since the warm-up stay within 4 MiB of the RSS then.
 *
 * Only a native build can tell. Under ASan (quarantine, shadow memory) and
 * valgrind (its own allocator) the process's memory figures say nothing
 * about the server's; so is it without /proc. There this program prints
 * why and exits 77: automake counts it as SKIP, never as PASS. Leaks in
 * those builds are their own tools' business. */
#include "config.h"

#include "server_fuzz.h"
#include "server_service.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_RUNNING_ON_VALGRIND 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define BUILT_WITH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BUILT_WITH_ASAN 1
#endif
#endif

#define EXIT_SKIP 77

/* Growth allowed after the warm-up, in KiB. */
#define SLACK_KIB 4096L

static test_server T;

static void setup(void)
{
	test_server_start(&T, NULL);
}

static void teardown(void)
{
	test_server_stop(&T, 10000);
}

typedef struct mem {
	long rss_kib; /* VmRSS: resident now */
	long hwm_kib; /* VmHWM: peak resident since start or the last reset */
} mem;

/* VmRSS and VmHWM from /proc/self/status; false when either is missing. */
static bool read_mem(mem *m)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (f == NULL)
		return false;
	char line[256];
	m->rss_kib = m->hwm_kib = -1;
	while (fgets(line, sizeof line, f) != NULL) {
		long v;
		if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
			m->rss_kib = v;
		else if (sscanf(line, "VmHWM: %ld kB", &v) == 1)
			m->hwm_kib = v;
	}
	fclose(f);
	return m->rss_kib > 0 && m->hwm_kib > 0;
}

/* Resets VmHWM to the current RSS (Linux 4.0 and later). */
static bool reset_peak(const char **why)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f == NULL) {
		*why = strerror(errno);
		return false;
	}
	bool ok = fputs("5", f) >= 0;
	if (fclose(f) != 0 || !ok) {
		*why = strerror(errno);
		return false;
	}
	return true;
}

/* Why RSS cannot be measured in this process, or NULL when it can. */
static const char *unmeasurable(void)
{
#ifdef BUILT_WITH_ASAN
	return "built with AddressSanitizer: its quarantine and shadow memory hold freed memory";
#else
#ifdef HAVE_RUNNING_ON_VALGRIND
	if (RUNNING_ON_VALGRIND)
		return "running under valgrind, whose allocator is not the program's";
#endif
	const char *wrapper = getenv("LEXC_WRAPPER");
	if (wrapper != NULL && *wrapper != '\0')
		return "make check runs the tests under a wrapper (LEXC_WRAPPER, valgrind)";
	const char *preload = getenv("LD_PRELOAD");
	if (preload != NULL && strstr(preload, "vgpreload") != NULL)
		return "running under valgrind (LD_PRELOAD has its preload library)";
	mem m;
	if (!read_mem(&m))
		return "no VmRSS and VmHWM in /proc/self/status";
	return NULL;
#endif
}

typedef struct warm {
	mem at;
	bool peak_reset;
	const char *why_not;
} warm;

static void at_warm(void *arg)
{
	warm *w = arg;
	w->peak_reset = reset_peak(&w->why_not);
	ck_assert(read_mem(&w->at));
	/* Once reset, the peak is the current RSS (give or take a page). */
	if (w->peak_reset)
		ck_assert_int_le(w->at.hwm_kib, w->at.rss_kib + 64);
}

START_TEST(memory_flat)
{
	warm w = {{-1, -1}, false, NULL};
	post_random_bodies(T.port, 0x9e3779b97f4a7c15ULL, fuzz_count(), at_warm, &w);
	mem end;
	ck_assert(read_mem(&end));
	printf("test_server_rss: RSS %ld KiB after the warm-up, %ld KiB at the end", w.at.rss_kib,
	       end.rss_kib);
	if (w.peak_reset)
		printf(", peak %ld KiB in between\n", end.hwm_kib);
	else
		printf("; peak not measured: cannot reset VmHWM (%s)\n", w.why_not);
	fflush(stdout);
	/* Every call's arena and body are freed: memory stays flat. */
	ck_assert_msg(end.rss_kib - w.at.rss_kib < SLACK_KIB, "RSS grew from %ld to %ld KiB",
	              w.at.rss_kib, end.rss_kib);
	if (w.peak_reset)
		ck_assert_msg(end.hwm_kib - w.at.rss_kib < SLACK_KIB,
		              "RSS peaked at %ld KiB, from %ld KiB after the warm-up", end.hwm_kib,
		              w.at.rss_kib);
}
END_TEST

int main(void)
{
	const char *why = unmeasurable();
	if (why != NULL) {
		printf("SKIP: test_server_rss: RSS is not measured: %s\n", why);
		return EXIT_SKIP;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("server_rss");
	TCase *tc = tcase_create("rss");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, memory_flat);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
