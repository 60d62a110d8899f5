/* Writing generated files below an output directory (cli.h). */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates the directories of `path` (up to its last '/'). */
static bool ensure_dir(cli_writer *w, char *path)
{
	char *slash = strrchr(path, '/');
	if (slash == NULL)
		return true;
	*slash = '\0';
	bool ok = true;
	if (w->last_dir == NULL || strcmp(w->last_dir, path) != 0) {
		bool fresh = false;
		for (char *p = path + 1; ok; p++) {
			char c = *p;
			if (c != '/' && c != '\0')
				continue;
			*p = '\0';
			if (mkdir(path, 0777) == 0)
				fresh = true;
			else if (errno == EEXIST)
				fresh = false;
			else {
				fprintf(stderr, "lexc %s: cannot create %s: %s\n", w->command, path,
				        strerror(errno));
				ok = false;
			}
			*p = c;
			if (c == '\0')
				break;
		}
		free(w->last_dir);
		w->last_dir = ok ? strdup(path) : NULL;
		w->last_fresh = fresh;
	}
	*slash = '/';
	return ok;
}

/* True when the file at `path` holds exactly data[0..len). */
static bool same_content(cli_writer *w, const char *path, const char *data, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	struct stat st;
	bool same = false;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size == len) {
		if (w->old_cap < len + 1) {
			free(w->old);
			w->old_cap = len + 1;
			w->old = malloc(w->old_cap);
		}
		size_t got = 0;
		ssize_t n = 1;
		while (w->old != NULL && got < len && n > 0) {
			n = read(fd, w->old + got, len - got);
			if (n > 0)
				got += (size_t)n;
		}
		same = got == len && (len == 0 || memcmp(w->old, data, len) == 0);
	}
	close(fd);
	return same;
}

/* Writes a file whose content changed in place: an interrupted run leaves
 * a file whose content differs, which the next run rewrites (make only
 * marks the run done once it succeeded). */
bool cli_write_file(cli_writer *w, const char *rel, const char *data, size_t len, bool keep)
{
	size_t need = strlen(w->dir) + strlen(rel) + 2;
	if (need > w->cap) {
		free(w->path);
		w->cap = need * 2;
		w->path = malloc(w->cap);
		if (w->path == NULL) {
			fprintf(stderr, "lexc %s: out of memory\n", w->command);
			return false;
		}
	}
	snprintf(w->path, w->cap, "%s/%s", w->dir, rel);
	if (!ensure_dir(w, w->path))
		return false;
	if (keep && !w->last_fresh && access(w->path, F_OK) == 0) {
		w->kept++;
		if (w->verbose)
			printf("kept %s\n", w->path);
		return true;
	}
	if (!w->last_fresh && same_content(w, w->path, data, len)) {
		w->unchanged++;
		return true;
	}
	int fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	bool ok = fd >= 0;
	for (size_t done = 0; ok && done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "lexc %s: cannot write %s: %s\n", w->command, w->path,
		        strerror(errno));
		return false;
	}
	w->written++;
	if (w->verbose)
		printf("wrote %s\n", w->path);
	return true;
}

void cli_writer_free(cli_writer *w)
{
	free(w->path);
	free(w->last_dir);
	free(w->old);
	w->path = w->last_dir = w->old = NULL;
}
