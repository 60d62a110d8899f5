/* Runs a check in a child process with LEXC_SIMD set, since liblexc reads
 * it once per process. Header-only, for test_json and test_utf8. */
#ifndef LEXC_TESTS_SIMD_CHILD_H
#define LEXC_TESTS_SIMD_CHILD_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* True when fn() ran to its end in a child with LEXC_SIMD=level. The child
 * says so through a pipe: its exit status alone cannot, because under
 * memcheck (--errors-for-leak-kinds=all) a child that _exit()s still holds
 * the test framework's memory and exits 99; that status is accepted only
 * under valgrind, any other must be 0. */
static inline bool simd_child_run(const char *level, void (*fn)(void))
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		close(fds[0]);
		setenv("LEXC_SIMD", level, 1);
		fn();
		ssize_t w = write(fds[1], "ok", 2);
		_exit(w == 2 ? 0 : 1);
	}
	close(fds[1]);
	char buf[2] = {0, 0};
	ssize_t got = read(fds[0], buf, 2);
	close(fds[0]);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return false;
	const char *wrapper = getenv("LEXC_WRAPPER");
	bool memcheck = wrapper != NULL && strstr(wrapper, "valgrind") != NULL;
	int code = WEXITSTATUS(status);
	return got == 2 && memcmp(buf, "ok", 2) == 0 && (code == 0 || (memcheck && code == 99));
}

#endif /* LEXC_TESTS_SIMD_CHILD_H */
