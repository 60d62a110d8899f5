/* Bump allocator: see lexc/arena.h for the contract. */
#include "config.h"

#include <lexc/arena.h>

#include <stdlib.h>
#include <string.h>

/* Ordinary blocks start small (most values are small) and double up to a
 * cap; a request larger than the cap gets a block of its own. */
enum { ARENA_FIRST_BLOCK = 4096, ARENA_MAX_BLOCK = 1024 * 1024 };

struct lexc_arena_block {
	lexc_arena_block *next;
	size_t size; /* bytes of data after the header */
	bool solo;   /* holds one big allocation at `data` and nothing else */
	max_align_t data[];
};

void lexc_arena_init(lexc_arena *a)
{
	memset(a, 0, sizeof *a);
}

void lexc_arena_init_buffer(lexc_arena *a, void *buf, size_t size)
{
	lexc_arena_init(a);
	a->fixed = buf;
	a->fixed_size = buf != NULL ? size : 0;
	a->ptr = a->fixed;
	a->end = a->fixed != NULL ? a->fixed + size : NULL;
}

void lexc_arena_set_limit(lexc_arena *a, size_t max_heap_bytes)
{
	a->limit = max_heap_bytes;
}

static lexc_arena_block *arena_new_block(lexc_arena *a, size_t data_size)
{
	if (data_size > SIZE_MAX - sizeof(lexc_arena_block))
		return NULL;
	size_t total = sizeof(lexc_arena_block) + data_size;
	if (a->limit != 0 && (total > a->limit || a->heap_bytes > a->limit - total)) {
		a->limit_hit = true;
		return NULL;
	}
	lexc_arena_block *b = malloc(total);
	if (b == NULL)
		return NULL;
	b->size = data_size;
	b->solo = false;
	b->next = a->blocks;
	a->blocks = b;
	a->heap_bytes += total;
	return b;
}

static void *arena_alloc_slow(lexc_arena *a, size_t size, size_t align);

void *lexc_arena_alloc_slow_(lexc_arena *a, size_t size, size_t align)
{
	void *p = arena_alloc_slow(a, size, align);
	if (p == NULL)
		a->failed = true;
	return p;
}

static void *arena_alloc_slow(lexc_arena *a, size_t size, size_t align)
{
	if (align == 0 || (align & (align - 1)) != 0)
		return NULL;
	if (size > SIZE_MAX / 2 - align)
		return NULL;
	size_t need = size + align; /* room for the worst-case padding */
	size_t block = a->next_size != 0 ? a->next_size : ARENA_FIRST_BLOCK;
	if (need > block) {
		/* A big request: a block of its own, and the current block stays
		 * current so that its free tail is not wasted. */
		lexc_arena_block *b = arena_new_block(a, need);
		if (b == NULL)
			return NULL;
		uintptr_t p = ((uintptr_t)b->data + (align - 1)) & ~(uintptr_t)(align - 1);
		if (a->ptr == NULL) {
			a->ptr = (char *)(p + size);
			a->end = (char *)b->data + b->size;
		} else {
			b->solo = (void *)p == (void *)b->data;
		}
		return (void *)p;
	}
	lexc_arena_block *b = arena_new_block(a, block);
	if (b == NULL)
		return NULL;
	a->next_size = block < ARENA_MAX_BLOCK ? block * 2 : ARENA_MAX_BLOCK;
	a->ptr = (char *)b->data;
	a->end = (char *)b->data + b->size;
	return lexc_arena_alloc_aligned(a, size, align);
}

void *lexc_arena_calloc(lexc_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		a->failed = true;
		return NULL;
	}
	void *p = lexc_arena_alloc(a, n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

/* Grows a big allocation that has a block of its own with realloc(), so
 * that an array doubling in the arena costs its final size, not the sum
 * of every size it had (old copies in the arena are never reclaimed).
 * NULL when `p` has no such block or realloc() failed. */
static void *realloc_solo(lexc_arena *a, void *p, size_t new_size)
{
	lexc_arena_block **link = &a->blocks;
	while (*link != NULL && (void *)(*link)->data != p)
		link = &(*link)->next;
	lexc_arena_block *b = *link;
	if (b == NULL || !b->solo || new_size > (SIZE_MAX >> 1) - sizeof *b)
		return NULL;
	if (new_size <= b->size)
		return p; /* fits in the block's slack */
	size_t old_total = sizeof *b + b->size, total = sizeof *b + new_size;
	if (a->limit != 0 &&
	    (a->heap_bytes > a->limit || total - old_total > a->limit - a->heap_bytes)) {
		a->limit_hit = true;
		return NULL;
	}
	lexc_arena_block *nb = realloc(b, total);
	if (nb == NULL)
		return NULL;
	nb->size = new_size;
	*link = nb;
	a->heap_bytes += total - old_total;
	return nb->data;
}

static void *arena_realloc(lexc_arena *a, void *p, size_t old_size, size_t new_size);

void *lexc_arena_realloc(lexc_arena *a, void *p, size_t old_size, size_t new_size)
{
	void *q = arena_realloc(a, p, old_size, new_size);
	if (q == NULL)
		a->failed = true;
	return q;
}

static void *arena_realloc(lexc_arena *a, void *p, size_t old_size, size_t new_size)
{
	if (p == NULL)
		return lexc_arena_alloc(a, new_size);
	char *c = p;
	/* The most recent allocation ends exactly at the bump pointer. */
	if (c + old_size == a->ptr && new_size <= (size_t)(a->end - c)) {
		a->ptr = c + new_size;
		return p;
	}
	if (new_size <= old_size)
		return p;
	if (old_size >= ARENA_FIRST_BLOCK) {
		bool hit = a->limit_hit;
		void *q = realloc_solo(a, p, new_size);
		if (q != NULL || a->limit_hit != hit)
			return q;
	}
	void *q = lexc_arena_alloc(a, new_size);
	if (q != NULL)
		memcpy(q, p, old_size);
	return q;
}

char *lexc_arena_strndup(lexc_arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX) {
		a->failed = true;
		return NULL;
	}
	char *d = lexc_arena_alloc_aligned(a, len + 1, 1);
	if (d == NULL)
		return NULL;
	if (len != 0)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void *lexc_arena_memdup(lexc_arena *a, const void *p, size_t len)
{
	void *d = lexc_arena_alloc(a, len);
	if (d != NULL && len != 0)
		memcpy(d, p, len);
	return d;
}

void lexc_arena_reset(lexc_arena *a)
{
	lexc_arena_block *keep = NULL;
	for (lexc_arena_block *b = a->blocks; b != NULL; b = b->next)
		if (keep == NULL || b->size > keep->size)
			keep = b;
	lexc_arena_block *b = a->blocks;
	while (b != NULL) {
		lexc_arena_block *next = b->next;
		if (b != keep)
			free(b);
		b = next;
	}
	a->blocks = keep;
	a->heap_bytes = 0;
	a->limit_hit = false;
	a->failed = false;
	if (keep != NULL && keep->size > a->fixed_size) {
		keep->next = NULL;
		keep->solo = false; /* now the current block */
		a->heap_bytes = sizeof *keep + keep->size;
		a->ptr = (char *)keep->data;
		a->end = (char *)keep->data + keep->size;
	} else {
		if (keep != NULL) {
			free(keep);
			a->blocks = NULL;
		}
		a->ptr = a->fixed;
		a->end = a->fixed != NULL ? a->fixed + a->fixed_size : NULL;
	}
}

void lexc_arena_free(lexc_arena *a)
{
	lexc_arena_block *b = a->blocks;
	while (b != NULL) {
		lexc_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->blocks = NULL;
	a->heap_bytes = 0;
	a->limit_hit = false;
	a->failed = false;
	a->next_size = 0;
	a->ptr = a->fixed;
	a->end = a->fixed != NULL ? a->fixed + a->fixed_size : NULL;
}

bool lexc_arena_failed(const lexc_arena *a)
{
	return a->failed;
}

bool lexc_arena_limit_reached(const lexc_arena *a)
{
	return a->limit_hit;
}

size_t lexc_arena_heap_bytes(const lexc_arena *a)
{
	return a->heap_bytes;
}
