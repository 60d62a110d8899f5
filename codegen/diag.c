/* Diagnostics: collection, sorting and printing (see diag.h). */
#include "config.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

_Noreturn void diag_out_of_memory(void)
{
	fputs("lexc: out of memory\n", stderr);
	exit(2);
}

void *diag_xalloc(lexc_arena *arena, size_t size)
{
	void *p = lexc_arena_alloc(arena, size != 0 ? size : 1);
	if (p == NULL)
		diag_out_of_memory();
	return p;
}

void diag_init(diag_list *l, lexc_arena *arena)
{
	memset(l, 0, sizeof *l);
	l->arena = arena;
}

static char *diag_vformat(lexc_arena *arena, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 0)))
#endif
        ;

static char *diag_vformat(lexc_arena *arena, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *s = diag_xalloc(arena, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

diag *diag_addv(diag_list *l, diag_severity sev, const char *file, const char *path,
                const char *fmt, va_list ap)
{
	if (l->n == l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 32;
		diag *items = diag_xalloc(l->arena, cap * sizeof *items);
		if (l->n != 0)
			memcpy(items, l->items, l->n * sizeof *items);
		l->items = items;
		l->cap = cap;
	}
	diag *d = &l->items[l->n];
	memset(d, 0, sizeof *d);
	d->severity = sev;
	d->file = file != NULL ? file : "";
	d->path = path;
	d->message = diag_vformat(l->arena, fmt, ap);
	d->seq = l->n++;
	return d;
}

diag *diag_add(diag_list *l, diag_severity sev, const char *file, const char *path, const char *fmt,
               ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag *d = diag_addv(l, sev, file, path, fmt, ap);
	va_end(ap);
	return d;
}

void diag_filter(diag_list *l, bool (*keep)(diag *d, void *ctx), void *ctx)
{
	size_t out = 0;
	for (size_t i = 0; i < l->n; i++)
		if (keep(&l->items[i], ctx))
			l->items[out++] = l->items[i];
	l->n = out;
}

static int diag_cmp(const void *a, const void *b)
{
	const diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c != 0)
		return c;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_sort(diag_list *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof *l->items, diag_cmp);
}

size_t diag_count(const diag_list *l, diag_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += l->items[i].severity == sev;
	return n;
}

void diag_print_one(const diag *d, FILE *out)
{
	const char *warn = d->severity == DIAG_WARNING ? "warning: " : "";
	if (d->line != 0)
		fprintf(out, "%s:%u:%u: %s%s\n", d->file, d->line, d->col, warn, d->message);
	else if (d->path != NULL)
		fprintf(out, "%s: %s: %s%s\n", d->file, d->path, warn, d->message);
	else
		fprintf(out, "%s: %s%s\n", d->file, warn, d->message);
}

void diag_print(const diag_list *l, FILE *out)
{
	for (size_t i = 0; i < l->n; i++)
		diag_print_one(&l->items[i], out);
}
