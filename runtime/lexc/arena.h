/* lexc/arena.h: a bump allocator. All memory of one decoded value lives in
 * one arena and is freed in one call; there is never a malloc per field.
 *
 * Ownership: the arena owns every block it allocates; pointers it returns are
 * valid until lexc_arena_reset() or lexc_arena_free(). A caller-supplied
 * buffer (lexc_arena_init_buffer) stays the caller's and is never freed.
 * An arena is not thread-safe: use one per thread or per request. */
#ifndef LEXC_ARENA_H
#define LEXC_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment of lexc_arena_alloc(): enough for any scalar type. */
#ifdef __cplusplus
#define LEXC_ARENA_ALIGN (alignof(max_align_t))
#else
#define LEXC_ARENA_ALIGN (_Alignof(max_align_t))
#endif

typedef struct lexc_arena_block lexc_arena_block;

/* Treat the fields as private; the struct is public so that an arena can
 * live on the stack or inside another struct. Zero-initialised is valid. */
typedef struct lexc_arena {
	char *ptr;                /* next free byte in the current block */
	char *end;                /* one past the current block */
	lexc_arena_block *blocks; /* heap blocks, newest first */
	size_t heap_bytes;        /* bytes currently held from malloc */
	size_t limit;             /* 0: unlimited; else the cap on heap_bytes */
	size_t next_size;         /* size of the next ordinary block */
	char *fixed;              /* caller's buffer, or NULL */
	size_t fixed_size;
	bool limit_hit; /* an allocation was refused by `limit` since the last reset */
	bool failed;    /* any allocation failed since the last reset */
} lexc_arena;

/* `{}` in C++, where `{0}` warns under -Wextra (missing initialisers). */
/* (clang-format 14 would spread the braces over four lines.) */
/* clang-format off */
#ifdef __cplusplus
#define LEXC_ARENA_INIT {}
#else
#define LEXC_ARENA_INIT {0}
#endif
/* clang-format on */

/* Prepares an empty arena that takes its memory from the heap. */
void lexc_arena_init(lexc_arena *a);

/* Prepares an arena that uses `buf` (of `size` bytes, still owned by the
 * caller) first and the heap after it is full. */
void lexc_arena_init_buffer(lexc_arena *a, void *buf, size_t size);

/* Caps the heap memory the arena may hold (0: no cap). Allocations that
 * would pass the cap fail with NULL; this bounds hostile input. */
void lexc_arena_set_limit(lexc_arena *a, size_t max_heap_bytes);

/* True when an allocation failed because of the limit (not because malloc
 * did) since the arena was made, reset or freed: how a caller tells "this
 * input needs too much memory" (LEXC_LIMIT_EXCEEDED) from a real out of
 * memory. */
bool lexc_arena_limit_reached(const lexc_arena *a);

/* True when any allocation (or a lexc_str_copy()/lexc_str_printf()) failed
 * since the arena was made, reset or freed, whatever the cause. Code that
 * builds a value and does not check every allocation checks this once at
 * the end; the XRPC server does it for handlers (a 500). */
bool lexc_arena_failed(const lexc_arena *a);

/* Slow path of the allocators below (a new block); call those instead. */
void *lexc_arena_alloc_slow_(lexc_arena *a, size_t size, size_t align);

/* Returns `size` bytes aligned to `align` (a power of two), or NULL when
 * memory is exhausted or the limit is reached. Inline: this is the decode
 * engine's hot path. */
static inline void *lexc_arena_alloc_aligned(lexc_arena *a, size_t size, size_t align)
{
	if (align == 0 || (align & (align - 1)) != 0)
		return lexc_arena_alloc_slow_(a, size, align); /* refuses it; folds away */
	uintptr_t p = ((uintptr_t)a->ptr + (align - 1)) & ~(uintptr_t)(align - 1);
	if (a->ptr != NULL && p <= (uintptr_t)a->end && size <= (size_t)((uintptr_t)a->end - p)) {
		a->ptr = (char *)(p + size);
		return (void *)p;
	}
	return lexc_arena_alloc_slow_(a, size, align);
}

/* Returns `size` bytes aligned to LEXC_ARENA_ALIGN, or NULL. */
static inline void *lexc_arena_alloc(lexc_arena *a, size_t size)
{
	return lexc_arena_alloc_aligned(a, size, LEXC_ARENA_ALIGN);
}

/* Returns n * size zeroed bytes, or NULL (also on overflow of n * size). */
void *lexc_arena_calloc(lexc_arena *a, size_t n, size_t size);

/* Resizes the allocation `p` of `old_size` bytes to `new_size`: in place
 * when `p` is the most recent allocation and there is room; with realloc()
 * when `p` is a big allocation (4 KiB or more) that has a heap block of its
 * own, so that a doubling array costs its final size; otherwise by copying,
 * the old memory staying unused until reset. After success use only the
 * returned pointer: the old one may have been freed. NULL on failure (and
 * `p` stays valid). `p` NULL behaves like lexc_arena_alloc. */
void *lexc_arena_realloc(lexc_arena *a, void *p, size_t old_size, size_t new_size);

/* Copies `len` bytes of `s` and appends a NUL; NULL on failure. */
char *lexc_arena_strndup(lexc_arena *a, const char *s, size_t len);

/* Copies `len` bytes; NULL on failure. */
void *lexc_arena_memdup(lexc_arena *a, const void *p, size_t len);

/* Forgets every allocation but keeps the largest heap block for reuse, so a
 * loop that resets per value runs without malloc once warmed up. */
void lexc_arena_reset(lexc_arena *a);

/* Frees every heap block; the arena is then empty and may be reused. */
void lexc_arena_free(lexc_arena *a);

/* Bytes currently held from the heap (not counting a caller's buffer). */
size_t lexc_arena_heap_bytes(const lexc_arena *a);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_ARENA_H */
