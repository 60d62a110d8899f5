/* clock.c: the time every rule uses, atproto datetimes, and the test hooks
 * (an injectable clock and failing statements on demand) that only
 * webhookd-test and the unit tests compile in (WEBHOOKD_TEST_HOOKS). */
#include "config.h"

#include "webhookd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef WEBHOOKD_TEST_HOOKS
/* The first line of the file named by environment variable `var`, into
 * buf; false when the variable is unset or the file cannot be read. */
static bool read_hook_file(const char *var, char *buf, size_t size)
{
	const char *path = getenv(var);
	if (path == NULL || *path == '\0')
		return false;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	bool ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\r\n")] = '\0';
	return ok;
}
#endif

int64_t wh_now_ms(void)
{
#ifdef WEBHOOKD_TEST_HOOKS
	char buf[32];
	if (read_hook_file("WEBHOOKD_TEST_CLOCK_FILE", buf, sizeof buf)) {
		char *end;
		long long ms = strtoll(buf, &end, 10);
		if (end != buf)
			return (int64_t)ms;
	}
#endif
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lexc_str wh_datetime(lexc_arena *a, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	return lexc_str_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

bool wh_test_fail(const char *name)
{
#ifdef WEBHOOKD_TEST_HOOKS
	/* The variable for unit tests; the file for a running server, so a test
	 * can arm and disarm it between requests. */
	const char *env = getenv("WEBHOOKD_TEST_FAIL");
	if (env != NULL && strcmp(env, name) == 0)
		return true;
	char buf[128];
	return read_hook_file("WEBHOOKD_TEST_FAIL_FILE", buf, sizeof buf) && strcmp(buf, name) == 0;
#else
	(void)name;
	return false;
#endif
}
