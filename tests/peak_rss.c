/* tests/peak_rss OUT PROGRAM [ARGS...]: runs PROGRAM with ARGS (standard
 * streams inherited), then writes one line to the file OUT:
 *
 *   PEAK_RSS_KIB WALL_US CPU_US
 *
 * (the child's ru_maxrss from wait4, its wall-clock and user+system time in
 * microseconds) and exits with the child's exit status (128 + the signal if
 * a signal ended it). For tests/hostile_rss.sh and bench/hostile.sh. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: peak_rss OUT PROGRAM [ARGS...]\n");
		return 125;
	}
	long long start = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("peak_rss: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "peak_rss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int st = 0;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("peak_rss: wait4");
			return 125;
		}
	}
	long long wall = now_us() - start;
	long long cpu = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	                (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	FILE *out = fopen(argv[1], "w");
	if (out == NULL || fprintf(out, "%ld %lld %lld\n", ru.ru_maxrss, wall, cpu) < 0 ||
	    fclose(out) != 0) {
		perror(argv[1]);
		return 125;
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
