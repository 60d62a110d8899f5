/* Loading lexicon files into a set: files and directory trees (each file
 * read once), the JSON text of each into a jansson DOM (doc->root), and
 * the diagnostics of that step: unreadable paths, empty directories and
 * invalid JSON with its line and column. Parsing the DOM into the model is
 * parse.c's; pipeline.c runs one after the other. */
#include "config.h"

#include "stages.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* (device, inode) of the files loaded, to load each once: open addressing
 * in the arena, grown at half load. */
struct schema_load_state {
	size_t n, cap;
	struct file_id *ids;
};

/* ---- JSON text -------------------------------------------------------- */

void schema_load_buffer(schema_set *set, const char *file, const char *data, size_t len,
                        bool external)
{
	schema_doc *doc = schema_set_add_doc(set, file, external);
	json_error_t err;
	doc->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (doc->root == NULL) {
		/* jansson quotes the input near the error: no raw control bytes. */
		for (char *p = err.text; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7F)
				*p = '?';
		diag *d = diag_add(&set->diags, DIAG_ERROR, doc->file, NULL, "invalid JSON: %s",
		                   err.text);
		d->owner = doc->index + 1;
		d->line = err.line > 0 ? (unsigned)err.line : 1;
		d->col = err.column > 0 ? (unsigned)err.column : 1;
	}
}

/* ---- Files and directories ------------------------------------------- */

static void io_error(schema_set *set, const char *path, const char *what)
{
	diag *d = diag_add(&set->diags, DIAG_ERROR, path, NULL, "%s: %s", what, strerror(errno));
	d->io = true;
	set->n_io_errors++;
}

/* Whether the file (dev, ino) was seen; records it if not. */
static bool file_seen(schema_set *set, dev_t dev, ino_t ino)
{
	struct schema_load_state *ls = set->load_;
	if (ls == NULL)
		ls = set->load_ = schema_calloc(set, 1, sizeof *ls);
	if (2 * (ls->n + 1) > ls->cap) {
		size_t cap = ls->cap != 0 ? ls->cap * 2 : 256;
		struct file_id *old = ls->ids;
		size_t old_cap = ls->cap;
		ls->ids = schema_calloc(set, cap, sizeof *ls->ids);
		ls->cap = cap;
		ls->n = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].ino != 0 || old[i].dev != 0)
				(void)file_seen(set, old[i].dev, old[i].ino);
	}
	uint64_t mix = (uint64_t)ino * 0x9E3779B97F4A7C15u ^ (uint64_t)dev;
	size_t h = (size_t)(mix >> 17) & (ls->cap - 1);
	for (;; h = (h + 1) & (ls->cap - 1)) {
		struct file_id *f = &ls->ids[h];
		if (f->ino == 0 && f->dev == 0) {
			f->dev = dev;
			f->ino = ino;
			ls->n++;
			return false;
		}
		if (f->dev == dev && f->ino == ino)
			return true;
	}
}

static bool load_file(schema_set *set, const char *path, bool external)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		io_error(set, path, "cannot open");
		return false;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		io_error(set, path, "cannot stat");
		fclose(f);
		return false;
	}
	/* Pipes and devices are read but never deduplicated. */
	bool regular = S_ISREG(st.st_mode);
	if (regular && file_seen(set, st.st_dev, st.st_ino)) {
		fclose(f);
		return true;
	}
	size_t cap = regular && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, len = 0;
	char *buf = malloc(cap);
	bool ok = buf != NULL;
	while (ok) {
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);
			ok = nb != NULL;
			if (!ok)
				break;
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (!ok || ferror(f)) {
		if (ok)
			errno = EIO;
		io_error(set, path, "cannot read");
	} else {
		schema_load_buffer(set, path, buf, len, external);
	}
	free(buf);
	fclose(f);
	return ok;
}

/* Collected file names of a directory walk. */
typedef struct path_list {
	size_t n, cap;
	const char **paths;
} path_list;

/* Directories being walked, so that a symlink loop ends. */
typedef struct dir_stack {
	const struct dir_stack *up;
	dev_t dev;
	ino_t ino;
} dir_stack;

static void path_list_add(schema_set *set, path_list *l, const char *p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 256;
		const char **np = schema_calloc(set, cap, sizeof *np);
		if (l->n != 0)
			memcpy(np, l->paths, l->n * sizeof *np);
		l->paths = np;
		l->cap = cap;
	}
	l->paths[l->n++] = p;
}

static const char *path_join(schema_set *set, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] == '/';
	char *p = schema_alloc(set, dl + nl + 2);
	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

static bool has_json_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static bool walk_dir(schema_set *set, const char *dir, const dir_stack *up, path_list *out)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		io_error(set, dir, "cannot open directory");
		return false;
	}
	if (set->n_dirs == set->cap_dirs_) {
		size_t cap = set->cap_dirs_ != 0 ? set->cap_dirs_ * 2 : 16;
		const char **nd = schema_calloc(set, cap, sizeof *nd);
		if (set->n_dirs != 0)
			memcpy(nd, set->dirs, set->n_dirs * sizeof *nd);
		set->dirs = nd;
		set->cap_dirs_ = cap;
	}
	set->dirs[set->n_dirs++] = dir;
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", and hidden entries */
		const char *p = path_join(set, dir, e->d_name);
		struct stat st;
		if (stat(p, &st) != 0) {
			/* A dangling symlink is only a problem where a lexicon was meant. */
			int err = errno;
			struct stat lst;
			if (err == ENOENT && lstat(p, &lst) == 0 && S_ISLNK(lst.st_mode) &&
			    !has_json_suffix(e->d_name))
				continue;
			errno = err;
			io_error(set, p, "cannot stat");
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			bool loop = false;
			for (const dir_stack *s = up; s != NULL && !loop; s = s->up)
				loop = s->dev == st.st_dev && s->ino == st.st_ino;
			dir_stack here = {up, st.st_dev, st.st_ino};
			if (!loop)
				ok &= walk_dir(set, p, &here, out);
		} else if (S_ISREG(st.st_mode) && has_json_suffix(e->d_name)) {
			path_list_add(set, out, p);
		}
	}
	closedir(d);
	return ok;
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool schema_load_path(schema_set *set, const char *path, bool external)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		io_error(set, path, "cannot read");
		return false;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(set, path, external);
	path_list files = {0, 0, NULL};
	dir_stack top = {NULL, st.st_dev, st.st_ino};
	bool ok = walk_dir(set, path, &top, &files);
	if (ok && files.n == 0)
		diag_add(&set->diags, DIAG_WARNING, path, NULL,
		         "no *.json files in this directory");
	if (files.n > 1)
		qsort(files.paths, files.n, sizeof *files.paths, str_ptr_cmp);
	for (size_t i = 0; i < files.n; i++)
		ok &= load_file(set, files.paths[i], external);
	return ok;
}
